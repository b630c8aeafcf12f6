//! Everything the runbook derives from its three inputs before any text is written: regions
//! in use, OUs and the accounts in them, workloads and move units per target, cost
//! attribution and the SCP documents. Steps and templates both read from here, so they agree.

use std::collections::{BTreeMap, BTreeSet};

use super::RunbookInput;
use super::attribution::{self, Attribution};
use super::scp::{self, Scp};
use crate::model::{CostSummary, CrossTargetEdge, Inventory, LandingNetwork, MoveUnit, Plan, Resource, Workload};

/// The OUs every runbook creates, in the order they are listed.
pub const BASELINE_OUS: &[&str] = &[
    TRANSITIONAL_OU,
    POLICY_STAGING_OU,
    "Security",
    "Infrastructure",
    "Workloads/Prod",
    "Workloads/NonProd",
    "Sandbox",
];

/// Where an invited account waits between the root and its final OU. It has no SCP of its
/// own, so moving an account into it changes nothing for its workloads (AWS's
/// "Organizing your AWS environment" whitepaper, transitional OU).
pub const TRANSITIONAL_OU: &str = "Transitional";

/// Where the production guardrails are attached first, to a test account, and checked before
/// any real account is under them (the same whitepaper, policy staging OU).
pub const POLICY_STAGING_OU: &str = "PolicyStaging";

/// The test account of the policy staging OU.
pub const POLICY_TEST_ACCOUNT: &str = "policy-test";

/// Core accounts the foundation always creates, with their default OU.
pub const CORE_ACCOUNTS: &[(&str, &str)] = &[
    ("log-archive", "Security"),
    ("security", "Security"),
    ("shared", "Infrastructure"),
];

/// The region allowed by the region guard when the scan found no regional resource.
pub const FALLBACK_REGION: &str = "us-east-1";

pub struct Facts<'a> {
    pub inventory: &'a Inventory,
    pub plan: &'a Plan,
    pub costs: Option<&'a CostSummary>,
    pub blind_spots: Option<&'a crate::blindspots::BlindSpotReport>,
    pub currency: String,
    /// Regions with spend in the cost history but no scanned resource, sorted (from the
    /// blind-spot check; empty without it).
    pub spend_only_regions: Vec<String>,
    /// The regions the region guard allows: [`Facts::regions_in_use`] and
    /// [`Facts::spend_only_regions`], sorted.
    pub guard_regions: Vec<String>,
    /// Regions of the scanned resources (bucket locations included), sorted.
    pub regions_in_use: Vec<String>,
    /// True when no resource had a region and `regions_in_use` holds the fallback.
    pub regions_fallback: bool,
    /// OU path -> account names in it, baseline OUs first.
    pub ous: Vec<(String, Vec<String>)>,
    pub scps: Vec<Scp>,
    pub attribution: Option<Attribution>,
    /// Cost allocation tag keys to activate again after joining, sorted.
    pub cost_tag_keys: Vec<String>,
    /// Plan targets in plan order, with their workloads and units in plan order.
    pub move_targets: Vec<MoveTarget>,
    resources: BTreeMap<&'a str, &'a Resource>,
    /// ARN -> the workload of its assignment.
    workloads: BTreeMap<&'a str, &'a str>,
    /// ARN -> indices into `plan.cross_target` of the edges that start or end there.
    edges_by_arn: BTreeMap<&'a str, Vec<usize>>,
}

pub struct MoveTarget {
    pub name: String,
    pub ou: String,
    pub purpose: String,
    pub stays_in_legacy: bool,
    pub assigned: usize,
    pub workloads: Vec<Workload>,
    pub units: Vec<MoveUnit>,
    pub landing: Vec<LandingNetwork>,
}

impl MoveTarget {
    fn new(name: String) -> Self {
        MoveTarget {
            name,
            ou: "(not a target of the plan)".to_string(),
            purpose: String::new(),
            stays_in_legacy: false,
            assigned: 0,
            workloads: vec![],
            units: vec![],
            landing: vec![],
        }
    }

    /// Resources in this target's move units.
    pub fn resource_count(&self) -> usize {
        self.units.iter().map(|u| u.resources.len()).sum()
    }

    /// The units of a workload, in plan order.
    pub fn units_of<'t>(&'t self, workload: &'t Workload) -> impl Iterator<Item = &'t MoveUnit> + 't {
        self.units.iter().filter(move |u| u.workload == workload.id)
    }
}

impl<'a> Facts<'a> {
    pub fn new(input: &'a RunbookInput<'a>) -> Facts<'a> {
        let inventory = input.inventory;
        let plan = input.plan;
        let mut regions: BTreeSet<String> = BTreeSet::new();
        for r in &inventory.resources {
            if let Some(region) = r.region.clone().or_else(|| bucket_region(r)) {
                regions.insert(region);
            }
        }
        let regions_fallback = regions.is_empty();
        if regions_fallback {
            regions.insert(FALLBACK_REGION.to_string());
        }
        let regions_in_use: Vec<String> = regions.into_iter().collect();
        let spend_only_regions: Vec<String> = input
            .blind_spots
            .map(|report| {
                report
                    .rows
                    .iter()
                    .filter(|row| row.monthly_usd > 0.0 && is_region_name(&row.region))
                    .map(|row| row.region.clone())
                    .filter(|region| !regions_in_use.contains(region))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        let guard_regions: Vec<String> = regions_in_use
            .iter()
            .chain(&spend_only_regions)
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();

        let mut ous: Vec<(String, Vec<String>)> = BASELINE_OUS.iter().map(|ou| (ou.to_string(), vec![])).collect();
        let mut place = |ou: &str, account: String| {
            match ous.iter_mut().find(|(name, _)| name == ou) {
                Some((_, accounts)) => accounts.push(account),
                None => ous.push((ou.to_string(), vec![account])),
            };
        };
        for (name, ou) in CORE_ACCOUNTS {
            let ou = plan
                .targets
                .iter()
                .find(|t| t.name == *name)
                .map(|t| t.ou.as_str())
                .unwrap_or(ou);
            place(ou, name.to_string());
        }
        for t in &plan.targets {
            if CORE_ACCOUNTS.iter().any(|(name, _)| *name == t.name) {
                continue;
            }
            let label = if t.stays_in_legacy {
                format!("{} (the legacy account)", t.name)
            } else {
                t.name.clone()
            };
            place(&t.ou, label);
        }
        place(TRANSITIONAL_OU, "(the legacy account, while it joins)".to_string());
        place(POLICY_STAGING_OU, POLICY_TEST_ACCOUNT.to_string());

        let sandbox_ou = plan
            .targets
            .iter()
            .find(|t| t.name == "sandbox")
            .map(|t| t.ou.clone())
            .unwrap_or_else(|| "Sandbox".to_string());
        let guarded_ous: Vec<String> = ous
            .iter()
            .map(|(ou, _)| ou.split('/').next().unwrap_or(ou).to_string())
            .filter(|ou| ou != TRANSITIONAL_OU && ou != POLICY_STAGING_OU)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let scps = scp::policies(&guard_regions, &sandbox_ou, &guarded_ous);

        let target_names: Vec<String> = plan.targets.iter().map(|t| t.name.clone()).collect();
        let attribution = input
            .costs
            .map(|c| attribution::attribute(c, &plan.environment, &target_names));

        let mut cost_tag_keys: BTreeSet<String> = BTreeSet::new();
        if let Some(c) = input.costs {
            cost_tag_keys.extend(c.tag_monthly.iter().map(|t| t.key.clone()));
        }
        for r in &inventory.resources {
            for key in r.tags.keys() {
                if plan.environment.tag_keys.contains(&key.trim().to_lowercase()) {
                    cost_tag_keys.insert(key.clone());
                }
            }
        }

        let mut move_targets: Vec<MoveTarget> = plan
            .targets
            .iter()
            .map(|t| MoveTarget {
                name: t.name.clone(),
                ou: t.ou.clone(),
                purpose: t.purpose.clone(),
                stays_in_legacy: t.stays_in_legacy,
                assigned: t.resources,
                workloads: vec![],
                units: vec![],
                landing: vec![],
            })
            .collect();
        fn target_named<'t>(targets: &'t mut Vec<MoveTarget>, name: &str) -> &'t mut MoveTarget {
            match targets.iter().position(|t| t.name == name) {
                Some(i) => &mut targets[i],
                None => {
                    targets.push(MoveTarget::new(name.to_owned()));
                    targets.last_mut().expect("just pushed")
                }
            }
        }
        for w in &plan.workloads {
            target_named(&mut move_targets, &w.target).workloads.push(w.clone());
        }
        for u in &plan.units {
            target_named(&mut move_targets, &u.target).units.push(u.clone());
        }
        for l in &plan.landing_networks {
            target_named(&mut move_targets, &l.target).landing.push(l.clone());
        }

        let mut edges_by_arn: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, e) in plan.cross_target.iter().enumerate() {
            edges_by_arn.entry(e.from_arn.as_str()).or_default().push(i);
            if e.to_arn != e.from_arn {
                edges_by_arn.entry(e.to_arn.as_str()).or_default().push(i);
            }
        }

        Facts {
            inventory,
            plan,
            costs: input.costs,
            blind_spots: input.blind_spots,
            currency: input.costs.map(|c| c.currency.clone()).unwrap_or_else(|| "USD".into()),
            spend_only_regions,
            guard_regions,
            regions_in_use,
            regions_fallback,
            ous,
            scps,
            attribution,
            cost_tag_keys: cost_tag_keys.into_iter().collect(),
            move_targets,
            resources: inventory.resources.iter().map(|r| (r.arn.as_str(), r)).collect(),
            edges_by_arn,
            workloads: plan
                .assignments
                .iter()
                .filter_map(|a| a.workload.as_deref().map(|w| (a.arn.as_str(), w)))
                .collect(),
        }
    }

    /// Resources the plan assigns to a target that is not the legacy account.
    pub fn moving_count(&self, target: &str) -> usize {
        self.move_targets
            .iter()
            .find(|t| t.name == target && !t.stays_in_legacy)
            .map(|t| t.resource_count())
            .unwrap_or(0)
    }

    /// Resources assigned to the target that stays in the legacy account.
    pub fn staying_count(&self) -> usize {
        self.plan
            .targets
            .iter()
            .filter(|t| t.stays_in_legacy)
            .map(|t| t.resources)
            .sum()
    }

    /// The OU of a target, or the default OU of a core account.
    pub fn ou_of(&self, target: &str) -> String {
        self.plan
            .targets
            .iter()
            .find(|t| t.name == target)
            .map(|t| t.ou.clone())
            .or_else(|| {
                CORE_ACCOUNTS
                    .iter()
                    .find(|(name, _)| *name == target)
                    .map(|(_, ou)| ou.to_string())
            })
            .unwrap_or_else(|| "Workloads/NonProd".to_string())
    }

    /// The OU the legacy account goes into.
    pub fn legacy_ou(&self) -> String {
        self.plan
            .targets
            .iter()
            .find(|t| t.stays_in_legacy)
            .map(|t| t.ou.clone())
            .unwrap_or_else(|| "Workloads/Prod".to_string())
    }

    /// The cross-target edges that start or end at a resource of the unit, in plan order.
    pub fn unit_edges(&self, unit: &MoveUnit) -> Vec<&'a CrossTargetEdge> {
        let mut indices: BTreeSet<usize> = BTreeSet::new();
        for arn in &unit.resources {
            if let Some(list) = self.edges_by_arn.get(arn.as_str()) {
                indices.extend(list.iter().copied());
            }
        }
        indices.into_iter().map(|i| &self.plan.cross_target[i]).collect()
    }

    /// The workload the plan puts a resource in.
    pub fn workload_of(&self, arn: &str) -> Option<&'a str> {
        self.workloads.get(arn).copied()
    }

    /// The scanned resource of an ARN.
    pub fn resource(&self, arn: &str) -> Option<&'a Resource> {
        self.resources.get(arn).copied()
    }

    /// A resource as people name it: `name (id)`, or its id; never the ARN unless the scan
    /// does not have it.
    pub fn label(&self, arn: &str) -> String {
        match self.resources.get(arn) {
            Some(r) => match r.name.as_deref() {
                Some(name) if name != r.id => format!("{name} ({})", r.id),
                _ => r.id.clone(),
            },
            None => arn.to_owned(),
        }
    }

    /// [`Facts::label`] as Markdown: the name shortened and escaped, the id as code.
    pub fn md_label(&self, arn: &str) -> String {
        match self.resources.get(arn) {
            Some(r) => match r.name.as_deref() {
                Some(name) if name != r.id => {
                    format!("{} ({})", super::text::md_name(name), super::text::md_code(&r.id))
                }
                _ => super::text::md_code(&r.id),
            },
            None => super::text::md_code(arn),
        }
    }
}

/// A Cost Explorer region that is an AWS Region (`eu-west-1`), not `global` or `NoRegion`.
fn is_region_name(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// The region of an S3 bucket, whose ARN has none: its location constraint, where an empty
/// constraint means us-east-1.
fn bucket_region(r: &Resource) -> Option<String> {
    if r.resource_type != "s3:bucket" {
        return None;
    }
    match r.attr_str("location") {
        Some("") | None => Some("us-east-1".to_string()),
        Some(loc) => Some(loc.to_string()),
    }
}
