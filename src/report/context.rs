//! The template context: the facts and steps turned into plain, serialisable values, with
//! every sentence that depends on the account decided here rather than in template logic.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::RunbookInput;
use super::attribution::UNATTRIBUTED;
use super::charts::{self, Bar, Column};
use super::facts::{Facts, MoveTarget};
use super::steps::{Phase, Step};
use super::text::{amount_2dp, coverage_gap, join_words, md_code, md_text, money, plural};
use crate::classify::type_word_of as type_word;
use crate::model::{MoveUnit, OrgStatus, UnitKind, WorkloadKind};

#[derive(Serialize)]
pub struct Context {
    pub title: String,
    pub generated_at: String,
    pub tool_version: String,
    pub scanned_at: String,
    pub account_id: String,
    pub account_label: String,
    pub org_status: String,
    pub org_sentence: String,
    pub resource_count: String,
    pub regions_in_use: String,
    pub targets: Vec<TargetRow>,
    pub review_count: usize,
    pub conflict_count: usize,
    pub cost_sentence: String,
    /// Whether the scan is complete, from `completeness`: the only place that may say so.
    pub completeness: String,
    /// The five largest blind spots (acknowledged ones after the rest). Markdown.
    pub blind_spot_top: Vec<String>,
    pub risks: Vec<String>,
    pub step_count: usize,
    /// The phases before the moves.
    pub phases: Vec<PhaseCtx>,
    /// The phases after the moves.
    pub late_phases: Vec<PhaseCtx>,
    pub moves: Vec<MoveTargetCtx>,
    pub procedures: Vec<ProcedureCtx>,
    pub review: Vec<ReviewRow>,
    pub conflicts: Vec<ConflictRow>,
    pub cross_target: Vec<EdgeGroupRow>,
    /// Links across targets, all groups together.
    pub cross_target_links: usize,
    /// Of those, the links to VPCs and subnets that the landing networks replace: counted, not
    /// listed (they need no action).
    pub cross_target_network_links: usize,
    /// The services read without error or note in every row, comma-separated Markdown.
    pub coverage_ok: String,
    /// The other coverage rows, grouped.
    pub coverage: Vec<CoverageRow>,
    pub cost_history: Vec<MonthRow>,
    pub top_services: Vec<NamedRow>,
    pub estimate: Option<EstimateCtx>,
    pub scps: Vec<ScpRow>,
}

#[derive(Serialize)]
pub struct TargetRow {
    pub name: String,
    pub ou: String,
    pub purpose: String,
    pub stays: bool,
    pub resources: usize,
    pub needs_review: usize,
    pub methods: String,
}

#[derive(Serialize)]
pub struct StepCtx {
    pub id: String,
    pub summary: String,
    pub owner: String,
    pub action: String,
    pub verify: String,
    pub rollback: String,
    pub depends_on: String,
    /// A one-line step that hands its verification and rollback to a procedure (a cutover):
    /// written on the owner line.
    pub inline: bool,
}

#[derive(Serialize)]
pub struct PhaseCtx {
    pub title: String,
    pub intro: String,
    pub steps: Vec<StepCtx>,
}

/// One workload (or landing network, or the identities) of a target: its table and steps.
#[derive(Serialize)]
pub struct WorkloadCtx {
    pub id: String,
    pub title: String,
    /// Why these resources form it (Markdown).
    pub reason: String,
    pub units: Vec<UnitRow>,
    /// The owner and what every unit step of the table waits for; empty without a table.
    pub owner: String,
    pub depends_on: String,
    /// One line per unit with notes: its step id and what it says besides its procedure.
    pub notes: Vec<String>,
    pub vpcs: Vec<VpcRow>,
    pub steps: Vec<StepCtx>,
}

/// A row of a workload's unit table: resources by name and short id, never ARN.
#[derive(Serialize)]
pub struct UnitRow {
    /// The id of the unit's step, which the HTML page anchors on its row.
    pub step: String,
    pub kind: String,
    pub region: String,
    pub method: String,
    /// The anchor and what moves with it (Markdown).
    pub resources: String,
    /// The steps of the same workload, or beyond the workload's common ones, it waits for.
    pub after: String,
}

#[derive(Serialize)]
pub struct VpcRow {
    /// The landing network's unit id, on its first VPC only.
    pub unit: String,
    pub region: String,
    pub vpc: String,
    pub cidr: String,
    pub layout: String,
    pub subnets: String,
    /// Counts of the original's route tables, gateways, endpoints and ACLs.
    pub routing: String,
}

#[derive(Serialize)]
pub struct MoveTargetCtx {
    pub name: String,
    pub ou: String,
    pub purpose: String,
    pub note: String,
    pub workloads: Vec<WorkloadCtx>,
    pub final_steps: Vec<StepCtx>,
}

#[derive(Serialize)]
pub struct ProcedureCtx {
    pub id: String,
    pub title: String,
    pub text: String,
}

#[derive(Serialize)]
/// Review items with the same target, reason and decision: one row, each item named once.
pub struct ReviewRow {
    /// The resources, by name and id (Markdown).
    pub resources: String,
    pub count: usize,
    pub target: String,
    pub reason: String,
    pub decision: String,
}

#[derive(Serialize)]
pub struct ConflictRow {
    /// The resource, by name and id (Markdown).
    pub resource: String,
    pub resource_type: String,
    pub used_by: String,
    pub reason: String,
}

/// The cross-target dependencies of one workload (or target) on one other target, by relation:
/// one row and one action for many links. Every link is in `dependencies.csv`.
#[derive(Serialize)]
pub struct EdgeGroupRow {
    /// The workload the links start from (Markdown), or its target when it has none.
    pub from: String,
    pub to_target: String,
    pub kind: String,
    pub links: usize,
    /// What to do, once for the group (Markdown).
    pub action: String,
}

#[derive(Serialize)]
pub struct CoverageRow {
    pub service: String,
    /// The regions with this service, status and detail, comma-separated.
    pub regions: String,
    pub status: String,
    pub detail: String,
    pub requests: u64,
}

#[derive(Serialize)]
pub struct MonthRow {
    pub month: String,
    pub amount: String,
    pub estimated: bool,
}

#[derive(Serialize)]
pub struct NamedRow {
    pub name: String,
    pub amount: String,
}

#[derive(Serialize)]
pub struct EstimateCtx {
    pub basis: String,
    pub rows: Vec<NamedRow>,
    pub total: String,
}

#[derive(Serialize)]
pub struct ScpRow {
    pub file: String,
    pub name: String,
    pub attach_to: String,
    pub purpose: String,
}

pub fn build(input: &RunbookInput, f: &Facts, steps: &[Step]) -> Context {
    let inv = f.inventory;
    let plan = f.plan;
    let account_label = match &inv.account.alias {
        Some(alias) => format!("{} ({})", inv.account.id, alias),
        None => inv.account.id.clone(),
    };
    let org = &inv.account.organization;
    let org_sentence = match org.status {
        OrgStatus::Standalone => "standalone: it belongs to no organization, so there is nothing to leave.".to_string(),
        OrgStatus::Member => format!(
            "member of organization {} (management account {}): it must leave that organization first (see Preflight).",
            org.id
                .as_deref()
                .map(md_code)
                .unwrap_or_else(|| "(id not recorded)".into()),
            org.management_account_id
                .as_deref()
                .map(md_code)
                .unwrap_or_else(|| "(not recorded)".into())
        ),
        OrgStatus::Management => format!(
            "management account of organization {}: that organization must be dissolved before the account can join \
             the new one as a member (see Preflight).",
            org.id
                .as_deref()
                .map(md_code)
                .unwrap_or_else(|| "(id not recorded)".into())
        ),
        OrgStatus::Unknown => format!(
            "unknown: the scan could not read it{} (see Preflight).",
            org.detail
                .as_deref()
                .map(|d| format!(" ({})", md_text(d)))
                .unwrap_or_default()
        ),
    };

    let targets = plan
        .targets
        .iter()
        .map(|t| {
            let mut methods: std::collections::BTreeMap<&str, usize> = Default::default();
            for a in plan.assignments.iter().filter(|a| a.target == t.name) {
                *methods.entry(a.method.as_str()).or_insert(0) += 1;
            }
            let methods: Vec<String> = methods.iter().map(|(m, n)| format!("{} {n}", md_text(m))).collect();
            TargetRow {
                name: t.name.clone(),
                ou: t.ou.clone(),
                purpose: t.purpose.clone(),
                stays: t.stays_in_legacy,
                resources: t.resources,
                needs_review: t.needs_review,
                methods: if methods.is_empty() {
                    "-".into()
                } else {
                    methods.join(", ")
                },
            }
        })
        .collect();

    let cost_sentence = match f.costs {
        None => "**not saved by this run.** Export it before the invitation (PRE-cost-export).".to_string(),
        Some(c) => format!(
            "saved: {} ({}), {} sent, {}{}.",
            plural(c.monthly_totals.len(), "month", "months"),
            super::steps::cost_window(c),
            plural(
                c.requests_sent as usize,
                "Cost Explorer request",
                "Cost Explorer requests"
            ),
            if c.complete {
                "complete"
            } else {
                "**incomplete**: run `acctsplit costs` again on the same folder"
            },
            if c.failed.is_empty() {
                String::new()
            } else {
                format!("; {} failed", plural(c.failed.len(), "query", "queries"))
            }
        ),
    };

    let mut phases = [
        (Phase::Preflight, "1. Preflight", preflight_intro(f)),
        (
            Phase::Foundation,
            "2. Foundation",
            "Build the organization the legacy account will join: a new management account, OUs, guardrails, \
             sign-in and budgets."
                .to_string(),
        ),
        (
            Phase::CoreAccounts,
            "3. Core accounts",
            "Create the accounts every workload relies on, then the new workload accounts.".to_string(),
        ),
        (
            Phase::Joining,
            "4. Joining",
            "Bring the legacy account into the organization. It stays the production account.".to_string(),
        ),
        (
            Phase::Prepare,
            "5. Prepare",
            "Put in place what the moves rely on, from what the scan found: the network hub, identities, secrets, \
             certificates and DNS, then the baseline and hygiene of every account."
                .to_string(),
        ),
        (
            Phase::Decommission,
            "7. Decommission",
            "Close out the legacy account's part in the migration once every target has cut over.".to_string(),
        ),
    ]
    .into_iter()
    .map(|(phase, title, intro)| PhaseCtx {
        title: title.to_string(),
        intro,
        steps: steps.iter().filter(|s| s.phase == phase).map(step_ctx).collect(),
    })
    .collect::<Vec<_>>();
    let late_phases = phases.split_off(phases.len() - 1);

    let moves = f.move_targets.iter().map(|t| move_target_ctx(f, t, steps)).collect();
    // Written once, and only those a unit's method or a step names (as `id`).
    let used: BTreeSet<&str> = f
        .move_targets
        .iter()
        .filter(|t| !t.stays_in_legacy)
        .flat_map(|t| t.units.iter().map(|u| u.method.as_str()))
        .collect();
    let named = |id: &str| {
        let code = format!("`{id}`");
        steps
            .iter()
            .any(|s| s.action.contains(&code) || s.verify.contains(&code) || s.rollback.contains(&code))
    };
    let procedures = super::steps::procedures()
        .into_iter()
        .filter(|p| used.contains(p.id) || named(p.id))
        .map(|p| ProcedureCtx {
            id: p.id.to_owned(),
            title: p.title.to_owned(),
            text: p.text,
        })
        .collect();

    let conflicts = plan
        .conflicts
        .iter()
        .map(|c| ConflictRow {
            resource: f.md_label(&c.arn),
            resource_type: c.resource_type.to_string(),
            used_by: c.used_by.join(", "),
            reason: c.reason.to_string(),
        })
        .collect();
    let conflicted: std::collections::BTreeSet<&str> = plan.conflicts.iter().map(|c| c.arn.as_str()).collect();
    let mut review_groups: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for r in plan.review.iter().filter(|r| !conflicted.contains(r.arn.as_str())) {
        review_groups
            .entry((r.target.to_string(), r.reason.to_string(), r.decision.to_string()))
            .or_default()
            .push(f.md_label(&r.arn));
    }
    let review: Vec<ReviewRow> = review_groups
        .into_iter()
        .map(|((target, reason, decision), resources)| ReviewRow {
            count: resources.len(),
            resources: resources.join(", "),
            target,
            reason,
            decision,
        })
        .collect();

    Context {
        title: format!("Migration runbook for AWS account {account_label}"),
        generated_at: input.generated_at.clone(),
        tool_version: crate::TOOL_VERSION.to_string(),
        scanned_at: inv.scanned_at.clone(),
        account_id: inv.account.id.clone(),
        account_label,
        org_status: org.status.as_str().to_string(),
        org_sentence,
        resource_count: plural(inv.resources.len(), "resource", "resources"),
        regions_in_use: if f.regions_fallback {
            "none (no regional resource found)".to_string()
        } else {
            join_words(&f.regions_in_use.iter().map(|r| md_code(r)).collect::<Vec<_>>())
        },
        targets,
        review_count: plan.review.len(),
        conflict_count: plan.conflicts.len(),
        cost_sentence,
        completeness: super::completeness::sentence(super::completeness::of(inv, f.blind_spots), &f.currency),
        blind_spot_top: f
            .blind_spots
            .map(|report| {
                super::completeness::top(report, 5)
                    .into_iter()
                    .map(|row| super::completeness::row_headline(row, &f.currency))
                    .collect()
            })
            .unwrap_or_default(),
        risks: risks(f),
        step_count: steps.len(),
        phases,
        late_phases,
        moves,
        procedures,
        review,
        conflicts,
        cross_target: edge_groups(f),
        cross_target_links: plan.cross_target.len(),
        cross_target_network_links: plan.cross_target.iter().filter(|e| is_network_link(&e.kind)).count(),
        coverage_ok: coverage_ok(inv),
        coverage: coverage_rows(inv),
        cost_history: f
            .costs
            .map(|c| {
                c.monthly_totals
                    .iter()
                    .map(|m| MonthRow {
                        month: m.month.clone(),
                        amount: money(&c.currency, m.amount),
                        estimated: m.estimated,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        top_services: f
            .costs
            .map(|c| {
                c.top_services
                    .iter()
                    .map(|s| NamedRow {
                        name: s.name.clone(),
                        amount: money(&c.currency, s.amount),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        estimate: f
            .attribution
            .as_ref()
            .filter(|a| !a.months.is_empty())
            .map(|a| EstimateCtx {
                basis: format!(
                    "Average of {}, {}.{}",
                    join_words(&a.months.clone()),
                    match &a.tag_key {
                        Some(key) => format!("attributed by the cost allocation tag {}", md_code(key)),
                        None => "but no environment tag of the plan's convention was in the export, so it is all \
                             unattributed"
                            .to_string(),
                    },
                    if a.ignored_keys.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " {} {} {} not added on top, so the same spend is not counted twice.",
                            if a.ignored_keys.len() == 1 {
                                "The key"
                            } else {
                                "The keys"
                            },
                            join_words(&a.ignored_keys.iter().map(|k| md_code(k)).collect::<Vec<_>>()),
                            if a.ignored_keys.len() == 1 { "was" } else { "were" }
                        )
                    }
                ),
                rows: a
                    .per_target
                    .iter()
                    .map(|(t, v)| NamedRow {
                        name: t.clone(),
                        amount: money(&f.currency, *v),
                    })
                    .collect(),
                total: money(&f.currency, a.monthly_total),
            }),
        scps: f
            .scps
            .iter()
            .map(|s| ScpRow {
                file: s.file.clone(),
                name: s.name.clone(),
                attach_to: s.attach_to.clone(),
                purpose: s.purpose.clone(),
            })
            .collect(),
    }
}

/// A link to a VPC or subnet: the landing network of the resource's target replaces what it
/// points at, so it needs no action of its own.
fn is_network_link(kind: &str) -> bool {
    matches!(kind, "in-vpc" | "in-subnet")
}

/// [`EdgeGroupRow`]s of the links that need an action, sorted by workload, target and relation.
fn edge_groups(f: &Facts) -> Vec<EdgeGroupRow> {
    let mut groups: BTreeMap<(String, String, String), Vec<&crate::model::CrossTargetEdge>> = BTreeMap::new();
    for e in f.plan.cross_target.iter().filter(|e| !is_network_link(&e.kind)) {
        let from = f
            .workload_of(&e.from_arn)
            .map(str::to_owned)
            .unwrap_or_else(|| e.from_target.to_string());
        groups
            .entry((from, e.to_target.to_string(), e.kind.to_string()))
            .or_default()
            .push(e);
    }
    groups
        .into_iter()
        .map(|((from, to_target, kind), edges)| {
            let from_target = md_text(&edges[0].from_target);
            let mut others: Vec<String> = edges.iter().map(|e| f.md_label(&e.to_arn)).collect();
            others.sort();
            others.dedup();
            let n = others.len();
            let named = if n > 3 {
                format!("{} and {} more", others[..3].join(", "), n - 3)
            } else {
                join_words(&others)
            };
            let action = match kind.as_str() {
                "has-security-group" => format!(
                    "recreate the security {} {named} in {from_target}, with rules for the new ranges",
                    if n == 1 { "group" } else { "groups" }
                ),
                "policy-names-account" => {
                    format!("rewrite each policy for the {from_target} account after the move")
                }
                "associated-with" => format!("re-associate with {named} once they are in {}", md_text(&to_target)),
                _ => format!("recreate or share {named} in {from_target} first, or grant access across the accounts"),
            };
            EdgeGroupRow {
                from: md_code(&from),
                to_target,
                kind,
                links: edges.len(),
                action,
            }
        })
        .collect()
}

fn preflight_intro(f: &Facts) -> String {
    let mut intro = String::from("Save what joining an organization would lose and settle the open questions.");
    intro.push_str(match f.inventory.account.organization.status {
        OrgStatus::Standalone => " The account is standalone: there is no organization to leave.",
        OrgStatus::Member => " Then take the account out of its current organization.",
        OrgStatus::Management => " Then dissolve the organization the account manages.",
        OrgStatus::Unknown => " Then find out whether the account is in an organization.",
    });
    let completeness = super::completeness::of(f.inventory, f.blind_spots);
    if completeness == super::completeness::Completeness::Complete {
        intro.push(' ');
        intro.push_str(super::completeness::COMPLETE_CLAIM);
    }
    if f.plan.review.is_empty() && f.plan.conflicts.is_empty() {
        intro.push_str(" No resource needs review and there is no conflict, so there is nothing to decide first.");
    }
    intro
}

fn step_ctx(s: &Step) -> StepCtx {
    StepCtx {
        inline: s.procedure.is_some() && !s.action.contains('\n'),
        id: s.id.clone(),
        summary: s.summary.clone(),
        owner: s.owner.clone(),
        action: s.action.clone(),
        verify: s.verify.clone(),
        rollback: s.rollback.clone(),
        depends_on: if s.depends_on.is_empty() {
            "nothing".to_string()
        } else {
            s.depends_on.join(", ")
        },
    }
}

/// The risks the summary lists, most urgent first. Markdown.
fn risks(f: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    for row in f.inventory.incomplete_coverage() {
        out.push(format!(
            "The scan could not see {}. Resources there are missing from this runbook.",
            coverage_gap(row)
        ));
    }
    if let Some(report) = f.blind_spots.filter(|r| r.blind_spots > 0) {
        let names: Vec<String> = report
            .blind_spot_rows()
            .map(|row| format!("{} in {}", md_text(&row.service), md_text(&row.region)))
            .collect();
        out.push(format!(
            "The account pays {} a month for {} the scan did not see: {}. Their resources may be missing from this \
             runbook (see `blind-spots.csv` and the preflight).",
            money(&f.currency, report.blind_spot_usd),
            plural(report.blind_spots, "service or region", "services or regions"),
            join_words(&names)
        ));
    }
    if f.blind_spots.is_none_or(|r| r.check != crate::blindspots::Check::Full) {
        out.push(
            "Completeness could not be fully checked against the cost history: services the scan does not read in \
             depth, and resources never tagged, may be missing."
                .into(),
        );
    }
    if f.inventory.resources.is_empty() {
        out.push(
            "The scan found no resource at all: check that it ran against the right account, in every region, \
             before building an organization around it."
                .into(),
        );
    }
    let org = &f.inventory.account.organization;
    match org.status {
        OrgStatus::Member => out.push(format!(
            "The account is already a member of organization {}; it must leave before it can join.",
            org.id
                .as_deref()
                .map(md_code)
                .unwrap_or_else(|| "(id not recorded)".into())
        )),
        OrgStatus::Management => out
            .push("The account manages an organization of its own; that organization must be dissolved first.".into()),
        OrgStatus::Unknown => out.push("The organization status is unknown; confirm it before planning dates.".into()),
        OrgStatus::Standalone => {}
    }
    match f.costs {
        None => out.push(
            "The Cost Explorer history is not saved yet; it cannot be seen any more once the account joins.".into(),
        ),
        Some(c) if !c.complete => out.push("The Cost Explorer export is incomplete; finish it before joining.".into()),
        Some(c) if !c.mismatches.is_empty() => out.push(format!(
            "In {} of the cost export, the grouped amounts do not add up to the total; check them before relying on \
             the per-account estimate.",
            plural(c.mismatches.len(), "period", "periods")
        )),
        Some(_) => {}
    }
    if !f.plan.conflicts.is_empty() {
        out.push(format!(
            "Shared by several targets: {}. They stay in the legacy account until each target has its own copy \
             (see Review).",
            plural(f.plan.conflicts.len(), "resource", "resources")
        ));
    }
    if !f.plan.review.is_empty() {
        out.push(format!(
            "Without a clear target: {}. They stay in the legacy account until someone decides (see Review).",
            plural(f.plan.review.len(), "resource", "resources")
        ));
    }
    let policies = f
        .plan
        .cross_target
        .iter()
        .filter(|e| e.kind == "policy-names-account")
        .count();
    let edges = f.plan.cross_target.len() - policies;
    if edges > 0 {
        out.push(format!(
            "{} cross from one target account to another; each must be recreated, shared or opened up across \
             accounts (see the appendix).",
            plural(edges, "dependency", "dependencies")
        ));
    }
    if policies > 0 {
        out.push(format!(
            "{} the legacy account id and must be rewritten after the move.",
            plural(policies, "policy names", "policies name")
        ));
    }
    if f.plan.inventory_scanned_at != f.inventory.scanned_at {
        out.push(format!(
            "The plan was made from the scan of {}, not from this inventory ({}); classify again.",
            md_text(&f.plan.inventory_scanned_at),
            md_text(&f.inventory.scanned_at)
        ));
    }
    out
}

/// The three SVG charts of the HTML runbook, as HTML strings; a chart without data says why.
#[derive(Serialize)]
pub struct Charts {
    pub resources: String,
    pub history: Option<String>,
    pub estimate: Option<String>,
    pub no_costs_reason: String,
}

pub fn charts(input: &RunbookInput, f: &Facts) -> minijinja::Value {
    let resources = charts::horizontal_bars(
        "Resources per target account",
        &f.plan
            .targets
            .iter()
            .map(|t| Bar {
                label: t.name.clone(),
                value: t.resources as f64,
                value_text: if t.stays_in_legacy {
                    format!("{} (stay)", t.resources)
                } else {
                    t.resources.to_string()
                },
                muted: false,
            })
            .collect::<Vec<_>>(),
    );
    let currency = f.currency.clone();
    let history = input.costs.filter(|c| !c.monthly_totals.is_empty()).map(|c| {
        charts::columns(
            "Monthly cost history",
            &c.monthly_totals
                .iter()
                .map(|m| Column {
                    label: m.month.clone(),
                    value: m.amount,
                    value_text: if m.estimated {
                        format!("{} (estimated)", money(&currency, m.amount))
                    } else {
                        money(&currency, m.amount)
                    },
                    muted: m.estimated,
                })
                .collect::<Vec<_>>(),
            |v| amount_2dp(v).trim_end_matches(".00").to_string(),
        )
    });
    let estimate = f.attribution.as_ref().filter(|a| !a.months.is_empty()).map(|a| {
        charts::horizontal_bars(
            "Estimated monthly cost per account",
            &a.per_target
                .iter()
                .map(|(t, v)| Bar {
                    label: t.clone(),
                    value: *v,
                    value_text: money(&currency, *v),
                    muted: t == UNATTRIBUTED,
                })
                .collect::<Vec<_>>(),
        )
    });
    let no_costs_reason = match input.costs {
        None => "No cost export was given to this run, so there is no cost history to chart. Run acctsplit costs \
                 before the invitation and render the runbook again with --costs."
            .to_string(),
        Some(c) if c.monthly_totals.is_empty() => "The cost export holds no monthly totals.".to_string(),
        Some(_) => String::new(),
    };
    minijinja::Value::from(minijinja::value::Serde(Charts {
        resources,
        history,
        estimate,
        no_costs_reason,
    }))
}

fn move_target_ctx(f: &Facts, t: &MoveTarget, steps: &[Step]) -> MoveTargetCtx {
    let moving = t.resource_count();
    let note = if t.stays_in_legacy {
        format!(
            "{} is the legacy account itself: its {} stay where they are, and nothing moves.",
            md_text(&t.name),
            plural(t.assigned, "resource", "resources")
        )
    } else if t.units.is_empty() {
        format!("Nothing moves to {}.", md_text(&t.name))
    } else {
        let apps = t
            .workloads
            .iter()
            .filter(|w| !matches!(w.kind, WorkloadKind::LandingNetwork | WorkloadKind::Identities))
            .count();
        format!(
            "{} in {} of {}.",
            plural(moving, "resource", "resources"),
            plural(t.units.len(), "move unit", "move units"),
            plural(apps, "workload", "workloads"),
        )
    };
    let step_of_unit: BTreeMap<&str, &Step> = steps
        .iter()
        .filter(|s| s.target.as_deref() == Some(t.name.as_str()))
        .filter_map(|s| s.unit.as_deref().map(|u| (u, s)))
        .collect();
    // The landing networks of every region are one section, under the first of them.
    let first_landing = t.workloads.iter().find(|w| w.kind == WorkloadKind::LandingNetwork);
    let workloads = t
        .workloads
        .iter()
        .filter(|w| w.kind != WorkloadKind::LandingNetwork || first_landing.is_some_and(|first| first.id == w.id))
        .map(|w| {
            let title = match w.kind {
                WorkloadKind::LandingNetwork => "Landing network".to_owned(),
                WorkloadKind::Identities => "Shared identities and keys".to_owned(),
                WorkloadKind::LogArchive => format!("Log archive {}", md_code(&w.id)),
                _ => format!("Workload {}", md_code(&w.id)),
            };
            // An application's units are the rows of its table, each row one step.
            let is_app = matches!(w.kind, WorkloadKind::Application | WorkloadKind::Unassigned);
            let unit_steps: Vec<(&MoveUnit, &Step)> = if is_app {
                t.units_of(w)
                    .filter_map(|u| step_of_unit.get(u.id.as_str()).map(|s| (u, *s)))
                    .collect()
            } else {
                Vec::new()
            };
            let own: BTreeSet<&str> = unit_steps.iter().map(|(_, s)| s.id.as_str()).collect();
            let outside: BTreeSet<&str> = unit_steps
                .iter()
                .flat_map(|(_, s)| &s.depends_on)
                .map(String::as_str)
                .filter(|d| !own.contains(d))
                .collect();
            let units: Vec<UnitRow> = unit_steps
                .iter()
                .map(|(u, s)| UnitRow {
                    step: md_text(&s.id),
                    kind: u.anchor.as_deref().and_then(|a| f.resource(a)).map_or_else(
                        || u.kind.as_str().to_owned(),
                        |r| type_word(&r.resource_type).into_owned(),
                    ),
                    region: md_text(&u.region),
                    method: md_text(&u.method),
                    resources: unit_resources(f, u),
                    after: s
                        .depends_on
                        .iter()
                        .filter(|d| own.contains(d.as_str()))
                        .map(|d| md_text(d))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect();
            let notes: Vec<String> = unit_steps
                .iter()
                .filter_map(|(u, s)| {
                    let n = super::steps::unit_notes(f, t, u);
                    let line: Vec<String> = n.extra.into_iter().chain(n.bullets).collect();
                    (!line.is_empty()).then(|| format!("{}: {}", md_text(&s.id), line.join(" ")))
                })
                .collect();
            // One row per VPC of each landing network in this section, the unit named on its first
            // row; a landing network without a VPC still gets its row.
            let mut vpcs: Vec<VpcRow> = Vec::new();
            let landing_units = t.units.iter().filter(|u| {
                u.kind == UnitKind::LandingNetwork && (u.workload == w.id || w.kind == WorkloadKind::LandingNetwork)
            });
            for u in landing_units {
                let layouts = t.landing.iter().filter(|l| l.unit == u.id).flat_map(|l| &l.vpcs);
                let before = vpcs.len();
                for v in layouts {
                    vpcs.push(VpcRow {
                        unit: if vpcs.len() == before {
                            md_code(&u.id)
                        } else {
                            String::new()
                        },
                        region: md_text(&u.region),
                        vpc: f.md_label(&v.arn),
                        cidr: v.cidr.as_deref().map(md_code).unwrap_or_else(|| "unknown".to_owned()),
                        layout: if v.moves {
                            "moves here".to_owned()
                        } else {
                            "copy: the original stays".to_owned()
                        },
                        routing: if v.routing.is_empty() {
                            "none".to_owned()
                        } else {
                            super::steps::count_types(f, &v.routing)
                        },
                        subnets: {
                            let list: Vec<String> = v
                                .subnets
                                .iter()
                                .map(|s| {
                                    format!(
                                        "{} {}",
                                        f.md_label(&s.arn),
                                        s.cidr.as_deref().map(md_code).unwrap_or_default()
                                    )
                                })
                                .collect();
                            if list.is_empty() {
                                "none".to_owned()
                            } else {
                                list.join(", ")
                            }
                        },
                    });
                }
                if vpcs.len() == before {
                    vpcs.push(VpcRow {
                        unit: md_code(&u.id),
                        region: md_text(&u.region),
                        vpc: "none".to_owned(),
                        cidr: String::new(),
                        layout: String::new(),
                        subnets: String::new(),
                        routing: String::new(),
                    });
                }
            }
            WorkloadCtx {
                id: w.id.to_string(),
                title,
                // A landing network's or the identities' reason is the same for every target.
                reason: match w.kind {
                    WorkloadKind::LandingNetwork | WorkloadKind::Identities => String::new(),
                    _ => md_text(&w.reason),
                },
                owner: if units.is_empty() {
                    String::new()
                } else {
                    super::steps::PLATFORM.to_owned()
                },
                depends_on: if outside.is_empty() {
                    "nothing".to_owned()
                } else {
                    outside.iter().copied().collect::<Vec<_>>().join(", ")
                },
                units,
                notes,
                vpcs,
                // The landing section shows the step of every region's landing network; an
                // application shows its cutover here, its unit steps being the table's rows.
                steps: steps
                    .iter()
                    .filter(|s| match w.kind {
                        WorkloadKind::LandingNetwork => s.workload.as_deref().is_some_and(|id| {
                            t.workloads
                                .iter()
                                .any(|x| x.kind == WorkloadKind::LandingNetwork && x.id.as_ref() == id)
                        }),
                        _ => s.workload.as_deref() == Some(w.id.as_str()) && !own.contains(s.id.as_str()),
                    })
                    .map(step_ctx)
                    .collect(),
            }
        })
        .collect();
    MoveTargetCtx {
        name: t.name.clone(),
        ou: t.ou.clone(),
        purpose: t.purpose.clone(),
        note,
        workloads,
        final_steps: steps
            .iter()
            .filter(|s| s.phase == Phase::Moves && s.workload.is_none() && s.target.as_deref() == Some(&t.name))
            .map(step_ctx)
            .collect(),
    }
}

/// The anchor by name and id, and a count of what moves with it.
fn unit_resources(f: &Facts, u: &MoveUnit) -> String {
    let anchor = u.anchor.as_deref().unwrap_or_default();
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for arn in u.resources.iter().filter(|a| a.as_str() != anchor) {
        let ty = f
            .resource(arn)
            .map_or("other".to_owned(), |r| type_word(&r.resource_type).into_owned());
        *counts.entry(ty).or_default() += 1;
    }
    let mut text = f.md_label(anchor);
    if !counts.is_empty() {
        let parts: Vec<String> = counts
            .into_iter()
            .map(|(ty, n)| {
                format!(
                    "{n} {}",
                    md_text(&if n == 1 { ty } else { super::steps::plural_word(&ty) })
                )
            })
            .collect();
        text.push_str(&format!(" + {}", parts.join(", ")));
    }
    text
}

/// The scan's coverage, one row per service, status and detail, with the regions that share
/// them: a service read fine in 17 regions is one row, and a region that failed stands out.
fn coverage_rows(inv: &crate::model::Inventory) -> Vec<CoverageRow> {
    let clean = clean_services(inv);
    let mut groups: BTreeMap<(&str, &str, &str), (Vec<&str>, u64)> = BTreeMap::new();
    for c in inv.coverage.iter().filter(|c| !clean.contains(c.service.as_str())) {
        let group = groups
            .entry((c.service.as_str(), c.status.as_str(), c.detail.as_deref().unwrap_or("")))
            .or_default();
        group.0.push(&c.region);
        group.1 += c.requests;
    }
    groups
        .into_iter()
        .map(|((service, status, detail), (mut regions, requests))| {
            regions.sort_unstable();
            CoverageRow {
                service: service.to_owned(),
                regions: regions.join(", "),
                status: status.to_owned(),
                detail: detail.to_owned(),
                requests,
            }
        })
        .collect()
}

/// Services whose every coverage row is `ok` without a note.
fn clean_services(inv: &crate::model::Inventory) -> BTreeSet<&str> {
    let services: BTreeSet<&str> = inv.coverage.iter().map(|c| c.service.as_str()).collect();
    services
        .into_iter()
        .filter(|s| {
            inv.coverage
                .iter()
                .filter(|c| c.service == *s)
                .all(|c| c.status == crate::model::CoverageStatus::Ok && c.detail.is_none())
        })
        .collect()
}

/// [`clean_services`] as one Markdown list: `` `acm`, `ec2` and `s3` ``.
fn coverage_ok(inv: &crate::model::Inventory) -> String {
    join_words(&clean_services(inv).into_iter().map(md_code).collect::<Vec<_>>())
}
