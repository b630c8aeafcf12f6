//! The classifier: decides which target account each resource of the legacy account belongs in,
//! how it gets there, and why, from the inventory snapshot and a rules file. Pure: no AWS calls,
//! no clock, and sorted output, so the same snapshot and rules always give byte-identical
//! `plan.json` and `assignments.csv`.
//!
//! The passes: [`rules`] validates the rules file; [`graph`] indexes ARNs and relations once;
//! `engine` applies explicit rules and the conventions, follows dependencies and finds
//! conflicts; `network` keeps each moving VPC whole; [`methods`] picks the migration method;
//! `groups` finds workloads and move units, in migration order; `explain` writes the sentences
//! a reviewer reads.

mod engine;
mod explain;
pub mod graph;
mod groups;
pub mod invariants;
pub mod methods;
mod network;
pub mod rules;

/// A readable word for a resource type, for the runbook too.
pub(crate) use explain::type_word as type_word_of;
pub use rules::{DEFAULT_RULES_TOML, Rules, RulesError};

use crate::fsutil::{WriteError, write_atomic_with, write_json_atomic};
use crate::layout::Layout;
use crate::model::{
    Assignment, Conflict, CrossTargetEdge, Interner, Inventory, PLAN_SCHEMA_VERSION, Plan, ReviewItem, Shared,
    TargetSummary,
};
use engine::{Basis, Note};
use explain::{Explainer, label, target_list, type_word};
use graph::{FastHasher, Graph};

/// Interns the texts of one plan: equal sentences, names and ARNs share one allocation.
type Texts = Interner<std::hash::BuildHasherDefault<FastHasher>>;

/// The columns of `assignments.csv`, in order.
pub const CSV_COLUMNS: [&str; 12] = [
    "arn",
    "resource_type",
    "region",
    "name",
    "target",
    "needs_review",
    "reason",
    "rule",
    "workload",
    "unit",
    "method",
    "method_notes",
];

/// Classifies every resource of the snapshot.
pub fn classify(inventory: &Inventory, rules: &Rules) -> Plan {
    let graph = Graph::build(&inventory.resources);
    let (mut decisions, conflicts_found) = engine::decide(&graph, rules);
    let splits = network::keep_vpcs_whole(&graph, rules, &mut decisions);
    let legacy = rules.legacy;

    for (i, decision) in decisions.iter_mut().enumerate() {
        if decision.target != legacy && methods::lookup(&graph.resources[i].resource_type).is_none() {
            decision.notes.push(Note::UnknownType);
        }
    }
    let moving: Vec<Option<usize>> = decisions
        .iter()
        .map(|d| (d.target != legacy).then_some(d.target))
        .collect();
    // Every ARN and target name once; the rows of the plan share them.
    let arns: Vec<Shared> = graph.resources.iter().map(|r| Shared::from(r.arn.as_str())).collect();
    let target_names: Vec<Shared> = rules.targets.iter().map(|t| Shared::from(&t.name)).collect();
    let target_of: Vec<usize> = decisions.iter().map(|d| d.target).collect();
    let log_archive: Vec<bool> = decisions
        .iter()
        .map(|d| matches!(d.basis, Basis::Purpose { .. }))
        .collect();
    let grouping = groups::build(&groups::Input {
        graph: &graph,
        rules,
        moving: &moving,
        target_of: &target_of,
        log_archive: &log_archive,
        target_names: &target_names,
        arns: &arns,
    });
    drop((moving, target_of, log_archive));

    let parts = Parts {
        graph: &graph,
        rules,
        decisions: &decisions,
        explainer: Explainer {
            rules,
            graph: &graph,
            decisions: &decisions,
        },
        arns: &arns,
        target_names: &target_names,
        account_id: inventory.account.id.as_str(),
    };
    // The cross-target edges need nothing from the rows: on a large account they are a second
    // core's work, with their own interner.
    let (rows, cross_target) = std::thread::scope(|scope| {
        let edges = scope.spawn(|| cross_target_edges(&parts));
        let rows = rows(&parts, &grouping, &conflicts_found, &splits);
        let edges = edges.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (rows, edges)
    });

    Plan {
        schema_version: PLAN_SCHEMA_VERSION,
        tool_version: crate::TOOL_VERSION.to_owned(),
        account_id: inventory.account.id.clone(),
        inventory_scanned_at: inventory.scanned_at.clone(),
        targets: rows.targets,
        environment: rules.environment_convention(),
        assignments: rows.assignments,
        workloads: grouping.workloads,
        units: grouping.units,
        landing_networks: grouping.landing_networks,
        cidr_overlaps: grouping.cidr_overlaps,
        conflicts: rows.conflicts,
        review: rows.review,
        cross_target,
    }
}

/// What the plan's rows are made from, decided.
struct Parts<'p, 'a> {
    graph: &'p Graph<'a>,
    rules: &'p Rules,
    decisions: &'p [engine::Decision<'a>],
    explainer: Explainer<'p, 'a>,
    /// The shared ARN of each resource.
    arns: &'p [Shared],
    /// The shared name of each target.
    target_names: &'p [Shared],
    account_id: &'p str,
}

/// The per-resource parts of the plan.
struct Rows {
    targets: Vec<TargetSummary>,
    assignments: Vec<Assignment>,
    review: Vec<ReviewItem>,
    conflicts: Vec<Conflict>,
}

/// Assignments (sorted by target name, then ARN), target counts, the review queue and the
/// conflicts.
fn rows(
    parts: &Parts<'_, '_>,
    grouping: &groups::Grouping,
    conflicts_found: &[engine::ConflictFound],
    splits: &[network::Split],
) -> Rows {
    let Parts {
        graph,
        rules,
        decisions,
        explainer,
        arns,
        target_names,
        account_id,
    } = parts;
    let legacy = rules.legacy;
    let mut texts = Texts::new();
    let needs_review: Vec<bool> = decisions.iter().map(|d| d.needs_review(rules)).collect();

    let mut name_rank: Vec<usize> = (0..rules.targets.len()).collect();
    name_rank.sort_by(|&a, &b| rules.targets[a].name.cmp(&rules.targets[b].name));
    let mut rank_of_target = vec![0usize; rules.targets.len()];
    for (rank, &t) in name_rank.iter().enumerate() {
        rank_of_target[t] = rank;
    }
    let mut order: Vec<u32> = graph.by_arn_order.clone();
    order.sort_by_key(|&i| rank_of_target[decisions[i as usize].target]);
    // An instance moves as an AMI, which carries the volumes attached to it that share its unit.
    let volumes = methods::attached_volumes(graph);
    let mut carried_by: graph::FastMap<usize, usize> = graph::FastMap::default();
    for (&instance, attached) in &volumes {
        let Some(unit) = grouping.of_resource[instance] else {
            continue;
        };
        if grouping.units[unit as usize].method.as_ref() != "share-ami" {
            continue;
        }
        for &v in attached {
            if grouping.of_resource[v] == Some(unit) {
                carried_by.insert(v, instance);
            }
        }
    }
    let mut assignments = Vec::with_capacity(graph.len());
    for &i in &order {
        let i = i as usize;
        let res = &graph.resources[i];
        let decision = &decisions[i];
        let target = &target_names[decision.target];
        let (method, method_notes) = if decision.target == legacy {
            (methods::STAY, stay_notes(rules, &decision.basis, &res.resource_type))
        } else if let Some(&instance) = carried_by.get(&i) {
            methods::carried_in_ami(graph, i, instance, target)
        } else {
            methods::moving(graph, i, target, account_id, &volumes)
        };
        assignments.push(Assignment {
            arn: arns[i].clone(),
            resource_type: texts.get(&res.resource_type),
            region: res.region.as_deref().map(|r| texts.get(r)),
            name: res.name.as_deref().map(|n| texts.get(n)),
            target: target.clone(),
            needs_review: needs_review[i],
            reason: texts.take(explainer.reason(i)),
            rule: texts.get(&decision.basis.rule_id(rules)),
            workload: grouping.of_resource[i].map(|u| grouping.units[u as usize].workload.clone()),
            unit: grouping.of_resource[i].map(|u| grouping.units[u as usize].id.clone()),
            method: texts.get(method),
            method_notes: texts.take(method_notes),
        });
    }
    drop(order);

    let mut targets: Vec<TargetSummary> = rules
        .targets
        .iter()
        .map(|t| TargetSummary {
            name: t.name.clone(),
            ou: t.ou.clone(),
            purpose: t.purpose.clone(),
            stays_in_legacy: t.stays_in_legacy,
            resources: 0,
            needs_review: 0,
        })
        .collect();
    for (decision, &review) in decisions.iter().zip(&needs_review) {
        targets[decision.target].resources += 1;
        targets[decision.target].needs_review += usize::from(review);
    }

    let mut review: Vec<ReviewItem> = Vec::with_capacity(needs_review.iter().filter(|&&r| r).count());
    review.extend(
        graph
            .by_arn_order
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| needs_review[i])
            .map(|i| ReviewItem {
                arn: arns[i].clone(),
                target: target_names[decisions[i].target].clone(),
                reason: texts.take(explainer.reason(i)),
                decision: texts.take(explainer.review_decision(i)),
            }),
    );

    let mut conflicts: Vec<Conflict> = conflicts_found
        .iter()
        .map(|c| {
            let mut used_by: Vec<String> = engine::members(c.users)
                .map(|t| rules.targets[t].name.clone())
                .collect();
            used_by.sort();
            Conflict {
                arn: arns[c.index].clone(),
                resource_type: texts.get(&graph.resources[c.index].resource_type),
                used_by,
                reason: texts.take(explainer.reason(c.index)),
            }
        })
        .collect();
    conflicts.extend(splits.iter().map(|s| {
        let (part, vpc) = (&graph.resources[s.part], &graph.resources[s.vpc]);
        let (part_target, vpc_target) = (
            &rules.targets[decisions[s.part].target].name,
            &rules.targets[decisions[s.vpc].target].name,
        );
        let mut used_by = vec![part_target.clone(), vpc_target.clone()];
        used_by.sort();
        Conflict {
            arn: arns[s.part].clone(),
            resource_type: texts.get(&part.resource_type),
            used_by,
            reason: texts.take(format!(
                "{} goes to {part_target} ({}) while its VPC {} moves to {vpc_target}: recreate the VPC's layout \
                 in {vpc_target} with this {} in it, and a copy of the {} in {part_target}'s own VPC; or place \
                 one of them explicitly",
                label(part),
                explainer.reason(s.part),
                label(vpc),
                type_word(&part.resource_type),
                type_word(&part.resource_type),
            )),
        }
    }));
    conflicts.sort_by(|a, b| a.arn.cmp(&b.arn));
    Rows {
        targets,
        assignments,
        review,
        conflicts,
    }
}

/// Notes for a resource that stays in the legacy account.
fn stay_notes(rules: &Rules, basis: &Basis<'_>, resource_type: &str) -> String {
    match basis {
        Basis::Conflict { users } => {
            let others = engine::members(*users)
                .filter(|&t| t != rules.legacy)
                .fold(0, |set, t| set | engine::bit(t));
            format!(
                "stays in the legacy account; recreate a {} in {} for the workloads there",
                type_word(resource_type),
                target_list(rules, others)
            )
        }
        Basis::AwsDefault { .. } => {
            "stays in the legacy account; nothing to move: each new account has its own".to_owned()
        }
        _ => "stays in the legacy account".to_owned(),
    }
}

/// Relations whose two ends go to different targets, and bucket policies that name the legacy
/// account of a bucket that moves. Sorted.
fn cross_target_edges(parts: &Parts<'_, '_>) -> Vec<CrossTargetEdge> {
    let Parts {
        graph, decisions, arns, ..
    } = parts;
    let (rules, account_id) = (parts.rules, parts.account_id);
    let mut texts = Texts::new();
    let name = |i: usize| parts.target_names[decisions[i].target].clone();
    let kinds: Vec<Shared> = graph.kinds.iter().map(|k| texts.get(k)).collect();
    let legacy_root = texts.take(format!("arn:aws:iam::{account_id}:root"));
    let policy_kind = texts.get("policy-names-account");
    // Every account has its own AWS-managed keys (`aws/ebs`, `aws/rds`...), which cannot be shared
    // or recreated: a link to one is not something to carry across (the method notes say how the
    // data moves off it).
    let crosses = |from: usize, to: usize| {
        decisions[to].target != decisions[from].target && !engine::is_aws_managed_key(&graph.resources[to])
    };
    // Count first: on a large account the list is big, and doubling a vector of a million
    // edges would briefly hold two copies.
    let count: usize = (0..graph.len())
        .map(|i| {
            let relations = graph.edges(i).iter().filter(|e| crosses(i, e.to as usize)).count();
            let policy =
                decisions[i].target != rules.legacy && methods::policy_names_account(&graph.resources[i], account_id);
            relations + usize::from(policy)
        })
        .sum();
    let mut edges = Vec::with_capacity(count);
    // In ARN order, each resource's edges sorted among themselves: the whole list then comes
    // out sorted, and the final sort only has to confirm it.
    for &i in &graph.by_arn_order {
        let i = i as usize;
        let res = &graph.resources[i];
        let first = edges.len();
        for edge in graph.edges(i) {
            let to = edge.to as usize;
            if !crosses(i, to) {
                continue;
            }
            edges.push(CrossTargetEdge {
                from_arn: arns[i].clone(),
                from_target: name(i),
                kind: kinds[edge.kind as usize].clone(),
                to_arn: arns[to].clone(),
                to_target: name(to),
                note: texts.take(parts.explainer.edge_note(i, graph.kind(edge.kind), to)),
            });
        }
        if decisions[i].target != rules.legacy && methods::policy_names_account(res, account_id) {
            let target = name(i);
            edges.push(CrossTargetEdge {
                from_arn: arns[i].clone(),
                from_target: target.clone(),
                kind: policy_kind.clone(),
                to_arn: legacy_root.clone(),
                to_target: parts.target_names[rules.legacy].clone(),
                note: texts.take(format!(
                    "the policy of {} names the legacy account {account_id}: rewrite it for the {target} account after the move",
                    label(res)
                )),
            });
        }
        edges[first..].sort_unstable();
    }
    // Every field takes part in the order, so equal edges are identical and an unstable sort
    // is deterministic (and needs no buffer of half the list).
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// `assignments.csv` in memory, for tests: what [`write_assignments_csv`] writes.
#[cfg(test)]
pub(crate) fn assignments_csv(plan: &Plan) -> String {
    let mut bytes = Vec::with_capacity(plan.assignments.len() * 400 + 128);
    write_assignments_csv(plan, &mut bytes).expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// Writes `assignments.csv` to `out`, row by row, through the formula-safe writer.
pub fn write_assignments_csv(plan: &Plan, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut writer = crate::csvsafe::Writer::new(out);
    writer.write_record(CSV_COLUMNS)?;
    for a in &plan.assignments {
        writer.write_record([
            a.arn.as_str(),
            &a.resource_type,
            a.region.as_deref().unwrap_or(""),
            a.name.as_deref().unwrap_or(""),
            &a.target,
            if a.needs_review { "true" } else { "false" },
            &a.reason,
            &a.rule,
            a.workload.as_deref().unwrap_or(""),
            a.unit.as_deref().unwrap_or(""),
            &a.method,
            &a.method_notes,
        ])?;
    }
    writer.flush()
}

/// Writes the plan and the assignments CSV where `layout` puts them, each atomically and
/// streamed: a plan of a million resources is about a gigabyte of JSON, never held in memory
/// as text. The two files are written on two threads.
pub fn write_outputs(plan: &Plan, layout: &Layout) -> Result<(), WriteError> {
    std::thread::scope(|scope| {
        let csv = scope.spawn(|| write_atomic_with(&layout.assignments(), |out| write_assignments_csv(plan, out)));
        let json = write_json_atomic(&layout.plan(), plan);
        let csv = csv.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        json.and(csv)
    })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_services;
#[cfg(test)]
mod tests_svc14;
