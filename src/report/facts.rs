//! Everything the runbook derives from its three inputs before any text is written: regions
//! in use, OUs and the accounts in them, move groups per target with their resources, cost
//! attribution and the SCP documents. Steps and templates both read from here, so they agree.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::RunbookInput;
use super::attribution::{self, Attribution};
use super::scp::{self, Scp};
use crate::model::{Assignment, CostSummary, CrossTargetEdge, Inventory, MoveGroup, Plan, Resource};

/// The OUs every runbook creates, in the order they are listed.
pub const BASELINE_OUS: &[&str] = &[
    "Security",
    "Infrastructure",
    "Workloads/Prod",
    "Workloads/NonProd",
    "Sandbox",
];

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
    /// Plan targets in plan order, with their move groups in plan order.
    pub move_targets: Vec<MoveTarget>,
    assignments: BTreeMap<&'a str, &'a Assignment>,
    resources: BTreeMap<&'a str, &'a Resource>,
    /// ARN -> indices into `plan.cross_target` of the edges that start or end there.
    edges_by_arn: BTreeMap<&'a str, Vec<usize>>,
}

pub struct MoveTarget {
    pub name: String,
    pub ou: String,
    pub purpose: String,
    pub stays_in_legacy: bool,
    pub assigned: usize,
    pub groups: Vec<MoveGroup>,
}

impl MoveTarget {
    /// Resources in this target's move groups.
    pub fn resource_count(&self) -> usize {
        self.groups.iter().map(|g| g.resources.len()).sum()
    }
}

/// One resource row of a move group table.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceRow {
    pub arn: String,
    pub id: String,
    pub name: String,
    pub resource_type: String,
    pub region: String,
    pub method: String,
    pub method_notes: String,
    pub needs_review: bool,
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

        let sandbox_ou = plan
            .targets
            .iter()
            .find(|t| t.name == "sandbox")
            .map(|t| t.ou.clone())
            .unwrap_or_else(|| "Sandbox".to_string());
        let scps = scp::policies(&regions_in_use, &sandbox_ou);

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
                groups: vec![],
            })
            .collect();
        for group in &plan.move_groups {
            match move_targets.iter_mut().find(|t| t.name == group.target) {
                Some(t) => t.groups.push(group.clone()),
                None => move_targets.push(MoveTarget {
                    name: group.target.to_string(),
                    ou: "(not a target of the plan)".to_string(),
                    purpose: String::new(),
                    stays_in_legacy: false,
                    assigned: 0,
                    groups: vec![group.clone()],
                }),
            }
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
            regions_in_use,
            regions_fallback,
            ous,
            scps,
            attribution,
            cost_tag_keys: cost_tag_keys.into_iter().collect(),
            move_targets,
            assignments: plan.assignments.iter().map(|a| (a.arn.as_str(), a)).collect(),
            resources: inventory.resources.iter().map(|r| (r.arn.as_str(), r)).collect(),
            edges_by_arn,
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

    /// The cross-target edges that start or end at a resource of the group, in plan order.
    pub fn group_edges(&self, group: &MoveGroup) -> Vec<&'a CrossTargetEdge> {
        let mut indices: BTreeSet<usize> = BTreeSet::new();
        for arn in &group.resources {
            if let Some(list) = self.edges_by_arn.get(arn.as_str()) {
                indices.extend(list.iter().copied());
            }
        }
        indices.into_iter().map(|i| &self.plan.cross_target[i]).collect()
    }

    /// The rows of a move group's resource table, in the group's (sorted) ARN order.
    pub fn group_rows(&self, group: &MoveGroup) -> Vec<ResourceRow> {
        group
            .resources
            .iter()
            .map(|arn| {
                let a = self.assignments.get(arn.as_str());
                let r = self.resources.get(arn.as_str());
                ResourceRow {
                    arn: arn.to_string(),
                    id: r.map_or(arn.as_str(), |r| r.id.as_str()).to_owned(),
                    name: a
                        .and_then(|a| a.name.as_deref())
                        .or_else(|| r.and_then(|r| r.name.as_deref()))
                        .unwrap_or_default()
                        .to_owned(),
                    resource_type: a
                        .map(|a| a.resource_type.as_str())
                        .or_else(|| r.map(|r| r.resource_type.as_str()))
                        .unwrap_or_default()
                        .to_owned(),
                    region: a
                        .and_then(|a| a.region.as_ref().map(|r| r.to_string()))
                        .or_else(|| r.and_then(|r| r.region.clone()))
                        .or_else(|| r.and_then(|r| bucket_region(r)))
                        .unwrap_or_else(|| "global".to_string()),
                    method: a.map_or("recreate", |a| a.method.as_str()).to_owned(),
                    method_notes: a.map(|a| a.method_notes.to_string()).unwrap_or_default(),
                    needs_review: a.map(|a| a.needs_review).unwrap_or(true),
                }
            })
            .collect()
    }
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
