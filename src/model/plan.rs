//! The classification plan (`plan.json`, schema version 1): where each resource goes, how it
//! gets there, and why. Written by `classify`, read by `runbook`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Shared;

pub const PLAN_SCHEMA_VERSION: u32 = 1;

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
    /// In migration order: by target, then network, security, data, compute.
    pub move_groups: Vec<MoveGroup>,
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
    pub move_group: Option<Shared>,
    /// A method id from the catalog in `docs/methods.md`.
    pub method: Shared,
    pub method_notes: Shared,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveGroup {
    /// Stable id, for example `dev-01-network`.
    pub id: Shared,
    pub target: Shared,
    /// `network`, `security`, `data`, `compute` or `other`.
    pub stage: String,
    /// ARNs, sorted.
    pub resources: Vec<Shared>,
    /// Ids of move groups that must be done first.
    pub depends_on: Vec<Shared>,
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
