//! The classification plan (`plan.json`, schema version 2): where each resource goes, how it
//! gets there, and why; which workload (application) it belongs to and which move unit carries
//! it. Written by `classify`, read by `runbook`. Version 1 had positional move groups instead
//! of workloads and units; readers refuse it with a message saying to classify again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Shared;

pub const PLAN_SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub schema_version: u32,
    pub tool_version: String,
    pub account_id: String,
    /// `scanned_at` of the inventory the plan was made from.
    pub inventory_scanned_at: String,
    /// In rules-file order.
    pub targets: Vec<TargetSummary>,
    /// How environment tags map to targets, so later stages (cost attribution) agree with the
    /// classifier.
    pub environment: EnvironmentConvention,
    /// Sorted by target, then ARN.
    pub assignments: Vec<Assignment>,
    /// Workloads, in migration order: per target (rules order), the landing networks, the
    /// identities, then the applications by id.
    pub workloads: Vec<Workload>,
    /// Move units in migration order: per target, landing networks, identities, then each
    /// workload's data, compute and other units.
    pub units: Vec<MoveUnit>,
    /// The network each (target, region) needs before any workload moves there.
    pub landing_networks: Vec<LandingNetwork>,
    /// Pairs of VPCs in different targets whose IPv4 CIDRs overlap; sorted.
    pub cidr_overlaps: Vec<CidrOverlap>,
    /// Shared resources used by several targets; sorted by ARN.
    pub conflicts: Vec<Conflict>,
    /// ARNs with `needs_review`, sorted.
    pub review: Vec<ReviewItem>,
    /// Dependencies that cross from one target to another; sorted.
    pub cross_target: Vec<CrossTargetEdge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSummary {
    pub name: String,
    pub ou: String,
    pub purpose: String,
    /// True for the target that is the legacy account itself (`prod` by default).
    pub stays_in_legacy: bool,
    pub resources: usize,
    pub needs_review: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentConvention {
    /// Lower-case tag keys that name the environment.
    pub tag_keys: Vec<String>,
    /// Lower-case tag value -> target name.
    pub synonyms: BTreeMap<String, String>,
}

/// One row of `assignments.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub arn: Shared,
    pub resource_type: Shared,
    pub region: Option<Shared>,
    pub name: Option<Shared>,
    pub target: Shared,
    pub needs_review: bool,
    /// A sentence a reviewer understands.
    pub reason: Shared,
    /// Short id of the rule that decided: `explicit:<name>`, `env-tag`, `name-token`, `follows`,
    /// `purpose`, `conflict`, `no-signal`.
    pub rule: Shared,
    /// Id of the workload it belongs to (`dev/payments`); `None` when it stays.
    pub workload: Option<Shared>,
    /// Id of the move unit that carries it (`dev/payments-dev-db`); `None` when it stays.
    pub unit: Option<Shared>,
    /// A method id from the catalog in `docs/methods.md`.
    pub method: Shared,
    pub method_notes: Shared,
}

/// What a workload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadKind {
    /// The network of one (target, region), built before any application moves there.
    LandingNetwork,
    /// Roles, keys, secrets and certificates that several units share.
    Identities,
    /// An application, found by its tag, stack, name stem or dependencies.
    Application,
    /// Central logs (CloudTrail, Config): their own procedure, no application cutover.
    LogArchive,
    /// Resources with no workload evidence, one per target, region and VPC.
    Unassigned,
}

/// An application, or one of the shared parts every application of a target needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// `target/name`, for example `dev/payments`: derived from names, never from positions.
    pub id: Shared,
    pub target: Shared,
    pub name: String,
    pub kind: WorkloadKind,
    /// The evidence that made it, as a reviewer reads it.
    pub reason: String,
    /// Ids of its units, in migration order.
    pub units: Vec<Shared>,
    /// What its cutover waits for: every one of its units. Empty for the landing networks and
    /// identities, which have no cutover.
    pub cutover_after: Vec<Dependency>,
}

/// The kind of a move unit, in the order the units of a target run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    LandingNetwork,
    Identities,
    Data,
    Compute,
    Other,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::LandingNetwork => "landing-network",
            UnitKind::Identities => "identities",
            UnitKind::Data => "data",
            UnitKind::Compute => "compute",
            UnitKind::Other => "other",
        }
    }
}

/// Resources that must move together, in one step, with one method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveUnit {
    /// `target/name`: the anchor's name, or a short hash of its ARN (`dev/web-dev-01`,
    /// `dev/volume-3f2a9c`); `target/network-REGION` and `target/identities` for the shared
    /// units.
    pub id: Shared,
    pub workload: Shared,
    pub target: Shared,
    /// The anchor's region (a bucket's location), or `global`.
    pub region: Shared,
    pub kind: UnitKind,
    /// ARN of the resource the unit is built around; `None` for the shared units.
    pub anchor: Option<Shared>,
    /// The anchor's method (`share-ami` for an instance, `replicate` for a bucket...).
    pub method: Shared,
    /// ARNs, anchor first, then the others sorted.
    pub resources: Vec<Shared>,
    /// What must be done first.
    pub depends_on: Vec<Dependency>,
}

/// A typed dependency: on a runbook step, a move unit or a workload's cutover.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "on", content = "id")]
pub enum Dependency {
    Step(String),
    Unit(Shared),
    Workload(Shared),
}

/// The network one (target, region) needs, with the CIDRs of the scanned originals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LandingNetwork {
    /// The unit that builds it.
    pub unit: Shared,
    pub target: Shared,
    pub region: Shared,
    /// Sorted by ARN.
    pub vpcs: Vec<VpcLayout>,
}

/// A VPC of a landing network: one that moves, or a copy of one that stays elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcLayout {
    pub arn: Shared,
    pub name: Option<Shared>,
    pub cidr: Option<String>,
    /// True when the VPC itself moves to this target; false when it stays where it is (a
    /// conflict, or the legacy account) and the target needs a copy of its layout.
    pub moves: bool,
    /// The subnets the target needs, sorted by ARN.
    pub subnets: Vec<SubnetLayout>,
    /// ARNs of the original's route tables, gateways, endpoints, network ACLs and peering
    /// connections, which the landing network recreates; sorted.
    #[serde(default)]
    pub routing: Vec<Shared>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetLayout {
    pub arn: Shared,
    pub name: Option<Shared>,
    pub cidr: Option<String>,
    pub availability_zone: Option<String>,
}

/// Two VPCs in different targets whose CIDRs overlap: they cannot be peered or attached to
/// one transit gateway as they are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CidrOverlap {
    pub a: VpcPlace,
    pub b: VpcPlace,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VpcPlace {
    pub arn: Shared,
    pub target: Shared,
    pub cidr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub arn: Shared,
    pub resource_type: Shared,
    /// Targets of the resources that use it, sorted.
    pub used_by: Vec<String>,
    pub reason: Shared,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub arn: Shared,
    pub target: Shared,
    pub reason: Shared,
    /// The decision the team must take.
    pub decision: Shared,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CrossTargetEdge {
    pub from_arn: Shared,
    pub from_target: Shared,
    /// The relation kind, or `policy-names-account` for a policy naming the legacy account id.
    pub kind: Shared,
    pub to_arn: Shared,
    pub to_target: Shared,
    pub note: Shared,
}
