//! The runbook's steps, built as data from the scan, the plan and the cost export: every step
//! has an id, an owner role, the action, how to verify it and how to roll it back, and lists
//! the earlier steps it depends on. The templates only lay these out; `tasks.csv` is one row
//! per step.

mod decommission;
pub(crate) mod prepare;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::caveats;
use super::facts::{FALLBACK_REGION, Facts, MoveTarget, POLICY_STAGING_OU, POLICY_TEST_ACCOUNT, TRANSITIONAL_OU};
use super::text::{coverage_gap, join_words, md_code, md_text, plural};
use crate::classify::type_word_of as type_word;
use crate::model::{CostSummary, Dependency, MoveUnit, OrgStatus, Shared, UnitKind, Workload, WorkloadKind};

/// The phases, in the order the runbook is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Preflight,
    Foundation,
    CoreAccounts,
    Joining,
    Prepare,
    Moves,
    Decommission,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight",
            Phase::Foundation => "foundation",
            Phase::CoreAccounts => "core accounts",
            Phase::Joining => "joining",
            Phase::Prepare => "prepare",
            Phase::Moves => "moves",
            Phase::Decommission => "decommission",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Phase::Preflight => "PRE",
            Phase::Foundation => "FND",
            Phase::CoreAccounts => "CORE",
            Phase::Joining => "JOIN",
            Phase::Prepare => "PREP",
            Phase::Moves => "MOVE",
            Phase::Decommission => "DEC",
        }
    }
}

/// One task of the runbook. `action`, `verify` and `rollback` are Markdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub id: String,
    pub phase: Phase,
    pub summary: String,
    pub action: String,
    pub verify: String,
    pub rollback: String,
    pub owner: String,
    /// Ids of earlier steps.
    pub depends_on: Vec<String>,
    /// The target account a move step belongs to.
    pub target: Option<String>,
    /// The move unit a move step carries out.
    pub unit: Option<String>,
    /// The workload a move step belongs to.
    pub workload: Option<String>,
    /// The service control policies the step attaches, and where.
    pub attaches: Vec<Attachment>,
    /// The regions a move step works in, space-separated.
    pub region: Option<String>,
    /// The shared procedure a one-line step hands its verification and rollback to (a cutover,
    /// a landing network).
    pub procedure: Option<&'static str>,
}

/// A service control policy attached by a step: `policy` on `target`, which is
/// [`super::scp::ROOT`] or an OU name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub policy: String,
    pub target: String,
}

pub const ARCHITECT: &str = "cloud architect";
pub const PLATFORM: &str = "platform engineer";
pub const NETWORK: &str = "network engineer";
pub const SECURITY: &str = "security engineer";
pub const FINANCE: &str = "finance";
pub const APP_OWNER: &str = "application owner";

/// A step before it gets its id.
#[derive(Default)]
struct Draft {
    summary: String,
    owner: &'static str,
    action: String,
    verify: String,
    rollback: String,
    depends_on: Vec<String>,
    target: Option<String>,
    unit: Option<String>,
    workload: Option<String>,
    attaches: Vec<Attachment>,
    region: Option<String>,
    procedure: Option<&'static str>,
}

#[derive(Default)]
struct Builder {
    steps: Vec<Step>,
    /// Step id -> every step it waits for, directly or not.
    before: BTreeMap<String, BTreeSet<String>>,
}

impl Builder {
    /// A step whose id is the phase prefix and a name (`FND-organization`, `MOVE-dev/payments`),
    /// so it stays the same when other steps come and go and a tracker can match it on the
    /// next import.
    fn add(&mut self, phase: Phase, name: &str, draft: Draft) -> String {
        self.add_with_id(phase, format!("{}-{name}", phase.prefix()), draft)
    }

    fn add_with_id(&mut self, phase: Phase, id: String, draft: Draft) -> String {
        let depends_on = self.direct(draft.depends_on);
        let mut before: BTreeSet<String> = BTreeSet::new();
        for dep in &depends_on {
            before.insert(dep.clone());
            before.extend(self.before.get(dep).into_iter().flatten().cloned());
        }
        self.before.insert(id.clone(), before);
        self.steps.push(Step {
            id: id.clone(),
            phase,
            summary: draft.summary,
            action: draft.action,
            verify: draft.verify,
            rollback: draft.rollback,
            owner: draft.owner.to_owned(),
            depends_on,
            target: draft.target,
            unit: draft.unit,
            workload: draft.workload,
            attaches: draft.attaches,
            region: draft.region,
            procedure: draft.procedure,
        });
        id
    }
}

impl Builder {
    /// The dependencies a step lists: each once, in the order given, without those another of
    /// them already waits for (`PREP-iam` waits for `JOIN-final-ou`, so a step that needs both
    /// lists `PREP-iam`). An id that is not a step yet is kept, for [`check_order`] to report.
    fn direct(&self, deps: Vec<String>) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let unique: Vec<String> = deps.into_iter().filter(|d| seen.insert(d.clone())).collect();
        let implied = |d: &String| {
            unique
                .iter()
                .any(|other| other != d && self.before.get(other).is_some_and(|b| b.contains(d)))
        };
        unique.iter().filter(|d| !implied(d)).cloned().collect()
    }
}

/// A step whose `depends_on` names a step that does not come before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderError {
    pub step: String,
    pub depends_on: String,
}

/// Checks that every dependency refers to an earlier step.
pub fn check_order(steps: &[Step]) -> Result<(), OrderError> {
    let mut seen = BTreeSet::new();
    for step in steps {
        for dep in &step.depends_on {
            if !seen.contains(dep.as_str()) {
                return Err(OrderError {
                    step: step.id.clone(),
                    depends_on: dep.clone(),
                });
            }
        }
        seen.insert(step.id.as_str());
    }
    Ok(())
}

/// True when step `id` waits for step `other`, directly or through other steps.
#[cfg(test)]
pub fn waits_for(steps: &[Step], id: &str, other: &str) -> bool {
    let deps: BTreeMap<&str, &[String]> = steps.iter().map(|s| (s.id.as_str(), s.depends_on.as_slice())).collect();
    let mut todo = vec![id];
    let mut seen = BTreeSet::new();
    while let Some(next) = todo.pop() {
        for dep in deps.get(next).copied().unwrap_or_default() {
            if dep == other {
                return true;
            }
            if seen.insert(dep.as_str()) {
                todo.push(dep);
            }
        }
    }
    false
}

/// Builds every step, in the order the team follows them.
pub fn build(facts: &Facts) -> Vec<Step> {
    let mut b = Builder::default();
    let pre = preflight(&mut b, facts);
    let fnd = foundation(&mut b, facts);
    let accounts = core_accounts(&mut b, facts, &fnd);
    let join = joining(&mut b, facts, &pre, &fnd, &accounts);
    let prep = prepare::prepare(&mut b, facts, &accounts, &join);
    let last = moves(&mut b, facts, &pre, &accounts, &join, &prep);
    decommission::decommission(&mut b, facts, last);
    b.steps
}

/// The months an export covers, `2024-10 to 2025-11`; the raw window when it has no month.
pub fn cost_window(c: &CostSummary) -> String {
    match (c.monthly_totals.first(), c.monthly_totals.last()) {
        (Some(first), Some(last)) if first.month == last.month => first.month.clone(),
        (Some(first), Some(last)) => format!("{} to {}", first.month, last.month),
        _ => format!("{} up to {}, exclusive", c.window_start, c.window_end),
    }
}

fn failed_queries(c: &CostSummary) -> String {
    let list: Vec<String> = c
        .failed
        .iter()
        .map(|q| format!("{} ({})", md_code(&q.query), md_text(&q.code)))
        .collect();
    join_words(&list)
}

/// Ids the later phases depend on.
struct Preflight {
    export: String,
    leave: Option<String>,
    review: Option<String>,
}

fn preflight(b: &mut Builder, f: &Facts) -> Preflight {
    let id = &f.inventory.account.id;
    let mut multi_year = format!(
        "Cost Explorer keeps 13 months of history plus the current month. To save up to 38 months, \
         enable multi-year data (monthly granularity) in the Cost Explorer preferences of the legacy \
         account {} at least 48 hours before the export in the next step: AWS needs that long to \
         make the older months available. Skip this step if 13 months are enough.",
        md_code(id)
    );
    if let Some(c) = f.costs {
        multi_year.push_str(&format!(
            "\n\nThe export given to this run covers {} ({}).",
            cost_window(c),
            plural(c.monthly_totals.len(), "month", "months")
        ));
    }
    let multi = b.add(
        Phase::Preflight,
        "history-depth",
        Draft {
            summary: "Decide how much cost history to keep; enable multi-year data 48 hours ahead if needed".into(),
            owner: FINANCE,
            action: multi_year,
            verify: "Cost Explorer in the legacy account shows months older than 13 months, or the team has \
                     recorded that 13 months are enough."
                .into(),
            rollback: "Turn multi-year data off again in the Cost Explorer preferences; nothing else changes.".into(),
            ..Draft::default()
        },
    );

    let mut export = "Once the legacy account joins an organization it can no longer see its history as a \
                      standalone account, so the Cost Explorer history must be saved before the invitation is \
                      accepted."
        .to_string();
    export.push_str("\n\n");
    export.push_str(&match f.costs {
        Some(c) if c.complete => format!(
            "**This run already saved it:** {} ({}) in {}, with {} to Cost Explorer (each costs USD 0.01). \
             Keep the costs folder with this runbook, and run `acctsplit costs` once more just before the \
             invitation (the export resumes and adds the latest days).{}",
            plural(c.monthly_totals.len(), "month", "months"),
            cost_window(c),
            c.currency,
            plural(c.requests_sent as usize, "request", "requests"),
            if c.failed.is_empty() {
                String::new()
            } else {
                format!(
                    " These queries failed or are not supported, so their figures are missing: {}.",
                    failed_queries(c)
                )
            }
        ),
        Some(c) => format!(
            "**This run saved part of it:** {} ({}), with {}, but the export is not complete: {}. \
             Run `acctsplit costs --out-dir <folder>` again on the same folder; it resumes and only sends \
             the missing queries.",
            plural(c.monthly_totals.len(), "month", "months"),
            cost_window(c),
            plural(c.requests_sent as usize, "request", "requests"),
            if c.failed.is_empty() {
                "some planned queries did not finish".to_string()
            } else {
                format!("failed queries {}", failed_queries(c))
            }
        ),
        None => "**This run did not save it.** Run `acctsplit costs --out-dir costs` with read access to the \
                 legacy account, then `acctsplit runbook ... --costs costs` to refresh this runbook with the \
                 figures."
            .to_string(),
    });
    let export_id = b.add(
        Phase::Preflight,
        "cost-export",
        Draft {
            summary: "Export the Cost Explorer history before the invitation".into(),
            owner: FINANCE,
            action: export,
            verify: "`summary.json` in the costs folder says `\"complete\": true`, and its last month is the \
                     current one."
                .into(),
            rollback: "Nothing to roll back: the export only reads Cost Explorer.".into(),
            depends_on: vec![multi],
            ..Draft::default()
        },
    );

    let mut before_review = Vec::new();
    let gaps: Vec<_> = f.inventory.incomplete_coverage().collect();
    if !gaps.is_empty() {
        let list: Vec<String> = gaps.iter().map(|row| format!("- {}", coverage_gap(row))).collect();
        before_review.push(
            b.add(
                Phase::Preflight,
                "rescan",
                Draft {
                    summary: "Scan again what the first scan could not see".into(),
                    owner: PLATFORM,
                    action: format!(
                        "The scan could not read the services and regions below, so their resources are missing \
                     from the plan and from this runbook:\n\n{}\n\nGrant the read-only policy that \
                     `acctsplit iam-policy` prints (or find the SCP or region setting that blocks it), then \
                     rerun `acctsplit scan`, `acctsplit classify` and this runbook.",
                        list.join("\n")
                    ),
                    verify: "`acctsplit runbook` exits with code 0: it exits with 1 while any coverage row is denied \
                         or failed."
                        .into(),
                    rollback: "Nothing to roll back: scans only read.".into(),
                    ..Draft::default()
                },
            ),
        );
    }

    if let Some(report) = f.blind_spots {
        let rows = super::completeness::top(report, usize::MAX);
        if !rows.is_empty() {
            let list: Vec<String> = rows
                .iter()
                .map(|row| format!("- {}", super::completeness::row_line(row, &f.currency)))
                .collect();
            before_review.push(
                b.add(
                    Phase::Preflight,
                    "blind-spots",
                    Draft {
                        summary: "Account for the spend the scan did not see".into(),
                        owner: PLATFORM,
                        action: format!(
                            "The cost history shows spend that no resource in the inventory explains \
                         (`blind-spots.csv` has every row, with the collector that should have seen it):\n\n{}\n\n\
                         For each one, find the resources in the console or with the service's own CLI. Then add an \
                         explicit rule for them to a rules file, or rescan with the missing regions, or acknowledge \
                         the row in the rules file (`[[acknowledge]]`) with the reason it needs no move.",
                            list.join("\n")
                        ),
                        verify:
                            "`acctsplit runbook` prints `blind spots: none` and exits with code 0 (it exits with 1 \
                             while an unacknowledged blind spot remains)."
                                .into(),
                        rollback: "Nothing to roll back: this step only inspects and edits the rules file.".into(),
                        ..Draft::default()
                    },
                ),
            );
        }
    }

    let review = if f.plan.review.is_empty() && f.plan.conflicts.is_empty() {
        None
    } else {
        Some(
            b.add(
                Phase::Preflight,
                "review",
                Draft {
                    summary: "Decide every resource in the review queue and every conflict".into(),
                    owner: ARCHITECT,
                    action: format!(
                        "{} have no clear target and {} used by several targets. The Review section at the end \
                     lists each with the reason and the decision to take. Ask the application owners, record \
                     each decision as an explicit rule in a rules file (`acctsplit rules --print-default` \
                     shows the format), and rerun `acctsplit classify --rules <file>` and this runbook until \
                     the queue is empty or every remaining item is accepted in writing.",
                        plural(f.plan.review.len(), "resource", "resources"),
                        plural(f.plan.conflicts.len(), "shared resource is", "shared resources are"),
                    ),
                    verify: "The summary of the regenerated runbook shows no resource needing review, or each \
                         remaining one is signed off by its owner."
                        .into(),
                    rollback: "Restore the previous rules file and rerun `acctsplit classify`.".into(),
                    depends_on: before_review,
                    ..Draft::default()
                },
            ),
        )
    };

    let org = &f.inventory.account.organization;
    let org_id = org
        .id
        .as_deref()
        .map(md_code)
        .unwrap_or_else(|| "(id not recorded)".into());
    let mgmt = org
        .management_account_id
        .as_deref()
        .map(md_code)
        .unwrap_or_else(|| "(not recorded)".into());
    let leave_requirements = "a payment method on the account, a support plan, complete contact information, and \
                              no delegated administrator role for any service of the old organization \
                              (deregister those first)";
    let leave = match org.status {
        OrgStatus::Standalone => None,
        OrgStatus::Member => Some(
            b.add(
                Phase::Preflight,
                "leave-old-organization",
                Draft {
                    summary: "Take the legacy account out of its current organization".into(),
                    owner: ARCHITECT,
                    action: format!(
                        "An account belongs to one organization at a time. The scan found that {} is a member of \
                     organization {org_id} (management account {mgmt}). It must leave before it can accept \
                     the new invitation. To stand alone it needs {leave_requirements}. Ask the old \
                     management account to remove it, or leave from the account itself if the old \
                     organization's SCPs allow it. Do this after the export above: what Cost Explorer shows \
                     the account changes when it leaves.",
                        md_code(id)
                    ),
                    verify: "In the legacy account, `aws organizations describe-organization` answers \
                         `AWSOrganizationsNotInUseException`."
                        .into(),
                    rollback: "The old organization invites the account again and the account accepts.".into(),
                    depends_on: vec![export_id.clone()],
                    ..Draft::default()
                },
            ),
        ),
        OrgStatus::Management => Some(
            b.add(
                Phase::Preflight,
                "dissolve-old-organization",
                Draft {
                    summary: "Dissolve the organization the legacy account manages".into(),
                    owner: ARCHITECT,
                    action: format!(
                        "The scan found that {} is the management account of organization {org_id}. A management \
                     account cannot join another organization, and SCPs never apply to a management account, \
                     which is why the legacy account must join the new organization as a member. Decide for \
                     each current member account whether it joins the new organization too; then remove every \
                     member (each needs {leave_requirements}), remove the delegated administrators, and delete \
                     the organization.",
                        md_code(id)
                    ),
                    verify: "In the legacy account, `aws organizations describe-organization` answers \
                         `AWSOrganizationsNotInUseException`, and every former member is accounted for."
                        .into(),
                    rollback: "Create the organization again and invite the former members back; organization-wide \
                           settings must be reapplied by hand."
                        .into(),
                    depends_on: vec![export_id.clone()],
                    ..Draft::default()
                },
            ),
        ),
        OrgStatus::Unknown => Some(b.add(
            Phase::Preflight,
            "organization-status",
            Draft {
                summary: "Find out whether the legacy account is in an organization".into(),
                owner: ARCHITECT,
                action: format!(
                    "The scan could not read the organization status of {}{}. Run `aws organizations \
                     describe-organization` in the legacy account with a role that may. If it is a member, it \
                     must leave first ({leave_requirements}); if it manages an organization, that organization \
                     must be dissolved first. Rerun the scan so that this runbook includes the right steps.",
                    md_code(id),
                    org.detail
                        .as_deref()
                        .map(|d| format!(" ({})", md_text(d)))
                        .unwrap_or_default()
                ),
                verify: "The regenerated runbook shows the organization status as standalone.".into(),
                rollback: "Nothing to roll back: this step only reads.".into(),
                depends_on: vec![export_id.clone()],
                ..Draft::default()
            },
        )),
    };
    Preflight {
        export: export_id,
        leave,
        review,
    }
}

struct Foundation {
    /// The policy staging OU's checks passed and the guardrails are on the final OUs.
    guardrails: String,
    /// Deny-leave is on the root, which carries nothing else but FullAWSAccess.
    root: String,
    sso: String,
    budgets: String,
}

/// `- RestrictRegions: \`scp/restrict-regions.json\``, one line per policy matching `keep`.
fn scp_lines(f: &Facts, keep: impl Fn(&super::scp::Scp) -> bool) -> String {
    f.scps
        .iter()
        .filter(|s| keep(s))
        .map(|s| {
            format!(
                "- {} ({}): {}",
                md_text(&s.name),
                md_code(&format!("scp/{}", s.file)),
                md_text(&s.purpose)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The attachments of the root policy (`root`) or of the other policies, on `targets`.
fn attachments(f: &Facts, root: bool, targets: impl Fn(&super::scp::Scp) -> Vec<String>) -> Vec<Attachment> {
    f.scps
        .iter()
        .filter(|scp| (scp.targets == [super::scp::ROOT]) == root)
        .flat_map(|scp| {
            targets(scp).into_iter().map(|target| Attachment {
                policy: scp.name.clone(),
                target,
            })
        })
        .collect()
}

fn foundation(b: &mut Builder, f: &Facts) -> Foundation {
    let mgmt = b.add(
        Phase::Foundation,
        "management-account",
        Draft {
            summary: "Create the new management account, with its own billing".into(),
            owner: ARCHITECT,
            action: "Sign up a new AWS account that will only be the organization's management (payer) \
                     account: a group mailbox as root email, its own billing contact and payment method, and MFA \
                     on the root user. Run no workloads in it: SCPs never apply to the management account, so \
                     anything running there is outside every guardrail. The legacy account does not become the \
                     management account; it stays the production account."
                .into(),
            verify: "The root user has MFA, Billing shows the payment method, and the account holds no resources \
                     besides what the organization services create."
                .into(),
            rollback: "Close the new account; nothing runs in it yet.".into(),
            ..Draft::default()
        },
    );
    let org = b.add(
        Phase::Foundation,
        "organization",
        Draft {
            summary: "Create the organization with all features".into(),
            owner: ARCHITECT,
            action: "In the management account, create an organization with all features (not only \
                     consolidated billing), so that SCPs and delegated administration are available, and enable \
                     the service control policy type on the root. Attach no policy to the root yet: it keeps \
                     only `FullAWSAccess`, which AWS attaches by default."
                .into(),
            verify: "`aws organizations describe-organization` shows `FeatureSet: ALL`, and the root lists \
                     `SERVICE_CONTROL_POLICY` as enabled."
                .into(),
            rollback: "Delete the organization while it has no member accounts.".into(),
            depends_on: vec![mgmt],
            ..Draft::default()
        },
    );
    let mut ou_rows = String::from("| OU | Accounts |\n|---|---|\n");
    for (ou, accounts) in &f.ous {
        let names: Vec<String> = accounts.iter().map(|a| md_text(a)).collect();
        let names = if names.is_empty() {
            "(none yet)".to_string()
        } else {
            names.join(", ")
        };
        ou_rows.push_str(&format!("| {} | {names} |\n", md_text(ou)));
    }
    let ous = b.add(
        Phase::Foundation,
        "ous",
        Draft {
            summary: "Create the organizational units".into(),
            owner: ARCHITECT,
            action: format!(
                "Create these OUs under the root (a `/` means a child OU), and note which account goes in \
                 each:\n\n{ou_rows}\n{transitional} holds the legacy account between the invitation and its \
                 final OU and never gets a policy of its own. {staging} is where every guardrail is tried on a \
                 test account before a real account is under it.",
                transitional = md_code(TRANSITIONAL_OU),
                staging = md_code(POLICY_STAGING_OU),
            ),
            verify: "`aws organizations list-organizational-units-for-parent` lists each OU under its parent.".into(),
            rollback: "Delete the OUs while they are empty.".into(),
            depends_on: vec![org.clone()],
            ..Draft::default()
        },
    );
    let sso = b.add(
        Phase::Foundation,
        "identity-center",
        Draft {
            summary: "Set up IAM Identity Center and its permission sets".into(),
            owner: SECURITY,
            action: "Enable IAM Identity Center in the management account and connect the identity source (its \
                     own directory or the company's identity provider); choose its home region once, as moving \
                     it later means starting over. Create permission sets and assign them per account: \
                     AdministratorAccess for the platform team on every account; PowerUserAccess for developers \
                     on the non-production and sandbox accounts; ReadOnlyAccess for developers on the \
                     production (legacy) account and on log-archive; SecurityAudit for the security team on \
                     every account; the Billing job function for finance on the management account. Keep the \
                     name `AdministratorAccess`: the guardrails exempt its roles \
                     (`AWSReservedSSO_AdministratorAccess_*`). People sign in through the access portal instead \
                     of IAM users; the root credentials are sealed for emergencies."
                .into(),
            verify: "Each person signs in through the access portal and sees only their accounts and roles.".into(),
            rollback: "Remove the assignments and permission sets; disable Identity Center if nothing else uses it."
                .into(),
            depends_on: vec![org.clone()],
            ..Draft::default()
        },
    );
    let root = b.add(
        Phase::Foundation,
        "root-policy",
        Draft {
            summary: "Create the service control policies; attach only deny-leave to the root".into(),
            owner: SECURITY,
            action: format!(
                "Create the {n} policies of the `scp/` folder next to this runbook (the appendix lists them) \
                 in the management account, unattached. Attach only {deny_leave} to the root. Every other \
                 policy goes on OUs, after the policy staging step: a policy on the root applies at once to \
                 every account, and the legacy account lands in the root when it accepts the invitation. Keep \
                 a documented break-glass path (the management account can still remove an account).",
                n = f.scps.len(),
                deny_leave = md_code("DenyLeaveOrganization"),
            ),
            verify: "`aws organizations list-policies-for-target --target-id <root id> --filter \
                     SERVICE_CONTROL_POLICY` lists exactly `FullAWSAccess` and `DenyLeaveOrganization`."
                .into(),
            rollback: "Detach `DenyLeaveOrganization` from the root; detaching an SCP takes effect immediately.".into(),
            depends_on: vec![ous.clone()],
            attaches: attachments(f, true, |_| vec![super::scp::ROOT.to_string()]),
            ..Draft::default()
        },
    );
    let regions = join_words(&f.guard_regions.iter().map(|r| md_code(r)).collect::<Vec<_>>());
    let region_note = if f.regions_fallback {
        format!(
            "The scan found no regional resource, so the region guard allows only {regions}: edit it before \
             staging if the team works elsewhere."
        )
    } else if f.spend_only_regions.is_empty() {
        format!(
            "The region guard allows {regions}, the regions with scanned resources; add any region the team \
             plans to use before staging."
        )
    } else {
        format!(
            "The region guard allows {regions}: the regions with scanned resources, and {} where the cost \
             history shows spend but the scan found nothing. Remove a region only once its spend is gone.",
            join_words(&f.spend_only_regions.iter().map(|r| md_code(r)).collect::<Vec<_>>())
        )
    };
    let exempt = super::scp::ADMIN_ROLE_PATTERNS
        .iter()
        .map(|p| md_code(p))
        .collect::<Vec<_>>()
        .join(", ");
    // A region enabled by default that the guard denies.
    let outside = ["sa-east-1", "ca-central-1", "eu-north-1", "ap-northeast-3"]
        .into_iter()
        .find(|r| !f.guard_regions.iter().any(|g| g == r))
        .unwrap_or("sa-east-1");
    let inside = f.regions_in_use.first().map(String::as_str).unwrap_or(FALLBACK_REGION);
    let staging = b.add(
        Phase::Foundation,
        "policy-staging",
        Draft {
            summary: "Try the guardrails on a test account in the policy staging OU".into(),
            owner: SECURITY,
            action: format!(
                "Create the {test} account in OU {staging} from AWS Organizations and give the platform team \
                 the AdministratorAccess permission set on it. Attach to OU {staging} every policy except \
                 deny-leave (already on the root):\n\n{guards}\n\n{region_note} The CloudTrail/Config guard \
                 and the region guard exempt the roles this runbook's own steps use: {exempt}.",
                test = md_code(POLICY_TEST_ACCOUNT),
                staging = md_code(POLICY_STAGING_OU),
                guards = scp_lines(f, |s| s.targets != [super::scp::ROOT]),
            ),
            verify: format!(
                "In {test}, with a role other than the exempt ones, and without changing anything:\n\n\
                 - `aws ec2 create-vpc --dry-run --cidr-block 10.0.0.0/16 --region {inside}` answers \
                 `DryRunOperation` (allowed), and the same with `--region {outside}` answers \
                 `UnauthorizedOperation` (denied by the region guard).\n\
                 - `aws ec2 run-instances --dry-run --instance-type p5.48xlarge --image-id <any AMI of the \
                 region>` answers `UnauthorizedOperation` (the sandbox guard).\n\
                 - `aws iam simulate-principal-policy --policy-source-arn <that role's ARN> --action-names \
                 cloudtrail:StopLogging config:StopConfigurationRecorder organizations:LeaveOrganization` \
                 shows `AllowedByOrganizations: false` for each; for the AdministratorAccess role, only \
                 `organizations:LeaveOrganization` is denied.\n\n\
                 Never check with a real launch or a real leave.",
                test = md_code(POLICY_TEST_ACCOUNT),
            ),
            rollback: format!(
                "Detach the policies from OU {}; it takes effect immediately, and no real account is under them.",
                md_code(POLICY_STAGING_OU)
            ),
            depends_on: vec![root.clone(), sso.clone()],
            attaches: attachments(f, false, |_| vec![POLICY_STAGING_OU.to_string()]),
            ..Draft::default()
        },
    );
    let guardrails = b.add(
        Phase::Foundation,
        "guardrails",
        Draft {
            summary: "Attach the checked guardrails to the final OUs".into(),
            owner: SECURITY,
            action: format!(
                "Attach each policy checked in the staging step to the OUs its row names (the `Attach to` \
                 column of the appendix), never to the root or to OU {}. No account is in those OUs yet, so \
                 nothing running is affected; every account created or moved there later is under them from \
                 its first minute.",
                md_code(TRANSITIONAL_OU)
            ),
            verify: "`aws organizations list-targets-for-policy --policy-id <id>` lists, for each policy, exactly \
                     the OUs of its row, and the root still carries only `FullAWSAccess` and \
                     `DenyLeaveOrganization`."
                .into(),
            rollback: "Detach the policy from the OU; it takes effect immediately.".into(),
            depends_on: vec![staging],
            attaches: attachments(f, false, |scp| scp.targets.clone()),
            ..Draft::default()
        },
    );
    // Budgets alert on actual and on forecasted spend
    // (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html); a
    // CloudWatch billing alarm watches EstimatedCharges, kept in us-east-1 only, and does not use
    // projections (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html).
    let mut budget = "In the management account, create one AWS Budget per account (filtered on the linked \
                      account) and one for the whole organization, alerting the account's owner at 80 % of \
                      actual and 100 % of forecast spend. Use AWS Budgets rather than a CloudWatch billing \
                      alarm, which fires on actual charges only, never on a forecast. Add each new account's \
                      budget as soon as the account exists."
        .to_string();
    match &f.attribution {
        Some(a) if !a.months.is_empty() => {
            budget.push_str(&format!(
                " Starting amounts are in the appendix's cost estimate (the average of {}, attributed by \
                 environment tag).",
                join_words(&a.months.clone())
            ));
        }
        _ => budget.push_str(
            " This run has no cost history to estimate from: start from the legacy account's last bill and \
             adjust after the first month.",
        ),
    }
    let budgets = b.add(
        Phase::Foundation,
        "budgets",
        Draft {
            summary: "Set up AWS Budgets per account".into(),
            owner: FINANCE,
            action: budget,
            verify: "AWS Budgets lists one budget per account, each with a notification subscriber.".into(),
            rollback: "Delete the budgets; they never change resources.".into(),
            depends_on: vec![org],
            ..Draft::default()
        },
    );
    Foundation {
        guardrails,
        root,
        sso,
        budgets,
    }
}

/// Target name -> the step that creates its account.
type AccountSteps = BTreeMap<String, String>;

fn core_accounts(b: &mut Builder, f: &Facts, fnd: &Foundation) -> AccountSteps {
    let mut accounts = AccountSteps::new();
    let base = vec![fnd.guardrails.clone(), fnd.sso.clone(), fnd.budgets.clone()];
    let moving = |name: &str| -> String {
        match f.moving_count(name) {
            0 => String::new(),
            n => format!(
                "\n\nThe scan assigned {} to {}: see the Moves section.",
                plural(n, "resource", "resources"),
                md_text(name)
            ),
        }
    };
    let log = b.add(
        Phase::CoreAccounts,
        "log-archive",
        Draft {
            summary: "Create the log-archive account: organization trail and Config delivery".into(),
            owner: SECURITY,
            action: format!(
                "Create the {} account in OU {} from AWS Organizations (accounts created this way get \
                 `OrganizationAccountAccessRole`) and add its budget. In it, create the log bucket with \
                 versioning, default encryption and a bucket policy that lets only CloudTrail and AWS Config \
                 write. From the management account, create an organization trail for all regions that \
                 delivers to that bucket, and point the AWS Config delivery channel of every account at it. \
                 Give people read-only access only: these logs are never changed.{}",
                md_code("log-archive"),
                md_text(&f.ou_of("log-archive")),
                moving("log-archive")
            ),
            verify: "`aws cloudtrail get-trail-status` shows `IsLogging: true` for a trail with \
                     `IsOrganizationTrail: true`; objects appear under `AWSLogs/` for every account; Config \
                     snapshots arrive in the bucket."
                .into(),
            rollback: "Delete the organization trail and the delivery channels; keep the bucket and its logs.".into(),
            depends_on: base.clone(),
            ..Draft::default()
        },
    );
    accounts.insert("log-archive".into(), log.clone());
    let sec = b.add(
        Phase::CoreAccounts,
        "security",
        Draft {
            summary: "Create the security account: GuardDuty and Security Hub with delegated administration".into(),
            owner: SECURITY,
            action: format!(
                "Create the {} account in OU {} and add its budget. From the management account, make it the \
                 delegated administrator for GuardDuty, Security Hub and the AWS Config aggregator, and turn \
                 on auto-enable for member accounts, so every account, the legacy one included once it \
                 joins, reports its findings there. Enable the AWS Foundational Security Best Practices \
                 standard.{}",
                md_code("security"),
                md_text(&f.ou_of("security")),
                moving("security")
            ),
            verify: "GuardDuty and Security Hub in the security account list every member account as enabled, \
                     and a sample finding generated in a member account shows up there."
                .into(),
            rollback: "Remove the delegated administrator; member accounts keep their detectors until disabled.".into(),
            depends_on: vec![log],
            ..Draft::default()
        },
    );
    accounts.insert("security".into(), sec.clone());
    let shared = b.add(
        Phase::CoreAccounts,
        "shared",
        Draft {
            summary: "Create the shared account: CI/CD, DNS and the network hub".into(),
            owner: NETWORK,
            action: format!(
                "Create the {} account in OU {} and add its budget. It hosts what every account uses: CI/CD \
                 (pipelines that deploy into each workload account through a deploy role there), DNS (Route 53 \
                 hosted zones, with a delegated sub-domain per account) and the network hub (a Transit Gateway \
                 or shared subnets, shared through AWS RAM, with a CIDR plan in which no two accounts \
                 overlap).{}",
                md_code("shared"),
                md_text(&f.ou_of("shared")),
                moving("shared")
            ),
            verify: "A pipeline in shared deploys a test stack into another account through its deploy role; a \
                     test instance there resolves a private zone name and reaches shared through the hub."
                .into(),
            rollback: "Remove the hub attachments and delete the shared resources; other accounts keep their own \
                       networks."
                .into(),
            depends_on: base.clone(),
            ..Draft::default()
        },
    );
    accounts.insert("shared".into(), shared);
    for target in f.plan.targets.iter().filter(|t| !t.stays_in_legacy) {
        if accounts.contains_key(&target.name) {
            continue;
        }
        let content = match f.moving_count(&target.name) {
            0 => "Nothing moves to it from the legacy account: it starts empty.".to_string(),
            n => format!("{} move to it (see Moves).", plural(n, "resource", "resources")),
        };
        let mut deps = base.clone();
        deps.push(sec.clone());
        let id = b.add(
            Phase::CoreAccounts,
            &target.name,
            Draft {
                summary: format!("Create the {} account", target.name),
                owner: PLATFORM,
                action: format!(
                    "Create the {} account ({}) in OU {} from AWS Organizations, add its budget and its \
                     Identity Center assignments. GuardDuty and Security Hub enable themselves through \
                     auto-enable. {content}",
                    md_code(&target.name),
                    md_text(&target.purpose),
                    md_text(&target.ou)
                ),
                verify: format!(
                    "The account is `ACTIVE` in OU {}, and the platform team can assume \
                     `OrganizationAccountAccessRole` in it.",
                    md_text(&target.ou)
                ),
                // A closed account can be reopened for 90 days, its post-closure period
                // (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-closing.html).
                rollback: "Close the account while it is empty (closed accounts stay suspended for 90 days).".into(),
                depends_on: deps,
                ..Draft::default()
            },
        );
        accounts.insert(target.name.clone(), id);
    }
    accounts
}

struct Joining {
    in_ou: String,
}

fn joining(b: &mut Builder, f: &Facts, pre: &Preflight, fnd: &Foundation, accounts: &AccountSteps) -> Joining {
    let id = md_code(&f.inventory.account.id);
    let mut deps = vec![pre.export.clone(), fnd.root.clone()];
    deps.extend(pre.leave.clone());
    deps.extend(pre.review.clone());
    deps.push(accounts["log-archive"].clone());
    deps.push(accounts["security"].clone());
    let invite = b.add(
        Phase::Joining,
        "invite",
        Draft {
            summary: "Invite the legacy account to the organization".into(),
            owner: ARCHITECT,
            // "Each invitation must be responded to within 15 days, or it expires"
            // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_invites.html).
            action: format!(
                "Check first that the root carries only `FullAWSAccess` and `DenyLeaveOrganization`: the \
                 account lands in the root when it accepts, and every policy there applies to it at once. Then, \
                 from the management account, invite the legacy account {id} by its account id. The invitation \
                 expires after 15 days: if it lapses, cancel it and send a new one. Run `acctsplit costs` once \
                 more just before sending it, so the saved history reaches the last standalone day."
            ),
            verify: "`aws organizations list-policies-for-target --target-id <root id> --filter \
                     SERVICE_CONTROL_POLICY` lists exactly `FullAWSAccess` and `DenyLeaveOrganization`, and \
                     `aws organizations list-handshakes-for-organization` shows the invitation as `OPEN`."
                .into(),
            rollback: "Cancel the invitation (`aws organizations cancel-handshake`).".into(),
            depends_on: deps,
            ..Draft::default()
        },
    );
    let accept = b.add(
        Phase::Joining,
        "accept",
        Draft {
            summary: "Accept the invitation from the legacy account".into(),
            owner: ARCHITECT,
            action: format!(
                "Sign in to the legacy account {id} and accept the invitation. From this moment the management \
                 account pays its charges, its standalone Cost Explorer history is no longer visible, and it \
                 sits in the root under `FullAWSAccess` and `DenyLeaveOrganization` only: nothing its workloads \
                 do is denied."
            ),
            verify: "In the legacy account, `aws organizations describe-organization` shows the new organization \
                     and management account, and production health checks stay normal."
                .into(),
            rollback: "Remove the account from the organization again; to stand alone it needs a payment method, \
                       a support plan and contact information, and it loses the cost data of its member months."
                .into(),
            depends_on: vec![invite],
            ..Draft::default()
        },
    );
    let role = b.add(
        Phase::Joining,
        "admin-role",
        Draft {
            summary: "Create OrganizationAccountAccessRole by hand in the legacy account".into(),
            owner: PLATFORM,
            action: format!(
                "Accounts that join by invitation do not get the role that accounts created by Organizations \
                 get. In the legacy account {id}, create an IAM role named `OrganizationAccountAccessRole` \
                 whose trust policy lets the management account assume it, with the `AdministratorAccess` \
                 managed policy. The guardrails exempt exactly this role name. Assign the Identity Center \
                 permission sets to the account as well."
            ),
            verify: format!(
                "From the management account, `aws sts assume-role --role-arn \
                 arn:aws:iam::{}:role/OrganizationAccountAccessRole --role-session-name check` succeeds.",
                f.inventory.account.id
            ),
            rollback: "Delete the role.".into(),
            depends_on: vec![accept.clone()],
            ..Draft::default()
        },
    );
    let transitional = b.add(
        Phase::Joining,
        "transitional-ou",
        Draft {
            summary: "Move the legacy account into the transitional OU".into(),
            owner: ARCHITECT,
            action: format!(
                "Move the legacy account from the root into OU {}. The OU has no policy of its own, so nothing \
                 changes for the running workloads; the account stays there until the next step's checks pass.",
                md_code(TRANSITIONAL_OU)
            ),
            verify: "`aws organizations list-parents --child-id <legacy account id>` names the transitional OU.".into(),
            rollback: "Move the account back to the root.".into(),
            depends_on: vec![role],
            ..Draft::default()
        },
    );
    let prod_ou = md_text(&f.legacy_ou());
    let regions = join_words(&f.guard_regions.iter().map(|r| md_code(r)).collect::<Vec<_>>());
    let in_ou = b.add(
        Phase::Joining,
        "final-ou",
        Draft {
            summary: "Check the legacy account against the guardrails, then move it into its OU".into(),
            owner: ARCHITECT,
            // Event history holds the past 90 days of management events in a Region
            // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html).
            action: format!(
                "Before the guardrails apply, look for what they would deny, read-only. In the legacy account's \
                 CloudTrail event history (90 days, per region): no calls in a region other than {regions}, \
                 except by the exempt roles; and no `StopLogging`, `UpdateTrail`, `DeleteTrail`, \
                 `PutEventSelectors`, `PutConfigurationRecorder`, `PutDeliveryChannel` or \
                 `StopConfigurationRecorder` by a role other than the exempt ones (a pipeline that manages the \
                 trail would be denied: move it to an exempt role or drop it). Once clean, move the account \
                 from OU {transitional} into OU {prod_ou}. It stays the production account: its {} stay where \
                 they are.",
                plural(f.staying_count(), "resource", "resources"),
                transitional = md_code(TRANSITIONAL_OU),
            ),
            verify: "Production health checks and alarms stay normal for a business day, and CloudTrail shows no \
                     error that names a service control policy for production roles."
                .into(),
            rollback: format!(
                "Move the account back into OU {}: the OU's guardrails stop applying to it.",
                md_code(TRANSITIONAL_OU)
            ),
            depends_on: vec![transitional, fnd.guardrails.clone()],
            ..Draft::default()
        },
    );
    let tag_keys: Vec<String> = f.cost_tag_keys.iter().map(|k| md_code(k)).collect();
    let tags = if tag_keys.is_empty() {
        "No cost allocation tag was found in the export or on the scanned resources; activate the tags the \
         team wants to report on."
            .to_string()
    } else {
        format!("Activate: {}.", join_words(&tag_keys))
    };
    // Backfill: up to 12 months, from the first of a month, management account only, one
    // request per 24 hours; it applies current activation to past months of the organization's
    // data, so it cannot reach the legacy account's standalone months
    // (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/cost-allocation-backfill.html).
    b.add(
        Phase::Joining,
        "cost-tags",
        Draft {
            summary: "Activate the cost allocation tags again in the management account".into(),
            owner: FINANCE,
            action: format!(
                "Cost allocation tags activated in the legacy account do not carry over: in the management \
                 account, activate them again under Billing, Cost allocation tags. {tags} Then request a \
                 backfill from the first day of the join month, so the post-join usage is grouped by them even \
                 if activation came late. The backfill only adds values where the tag was on the resource at \
                 the time, and it does not reach the months before the join: for those, use the export of \
                 the preflight."
            ),
            verify: "The tags show as active in the management account, and Cost Explorer groups the join month \
                     by them once the backfill has finished."
                .into(),
            rollback: "Deactivate the tags.".into(),
            depends_on: vec![accept.clone()],
            ..Draft::default()
        },
    );
    // The final bill uses the preferences in force at 23:59:59 UTC on the month's last day
    // (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/ri-turn-off.html).
    b.add(
        Phase::Joining,
        "commitment-sharing",
        Draft {
            summary: "Decide how Reserved Instances and Savings Plans are shared".into(),
            owner: FINANCE,
            action: "Reserved Instances and Savings Plans bought by the legacy account are shared across the \
                     organization by default: the discount applies first to the account that bought them, then \
                     to matching usage in any other account. To keep a commitment for the legacy account alone, \
                     turn off discount sharing for it in the management account's billing preferences. Only the \
                     management account can change this. Buy new commitments centrally once the moves are done."
                .into(),
            verify: "The Reserved Instance and Savings Plans utilization reports in the management account show \
                     each commitment and the accounts using it."
                .into(),
            rollback: "Switch the preference back before the month ends: the month's final bill uses the \
                       preferences in force at 23:59:59 UTC on its last day."
                .into(),
            depends_on: vec![accept.clone()],
            ..Draft::default()
        },
    );
    // https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/useconsolidatedbilling-effective.html
    b.add(
        Phase::Joining,
        "join-month",
        Draft {
            summary: "Warn finance: the join month's usage is split over two invoices".into(),
            owner: FINANCE,
            action: "In the month the legacy account joins there are two invoices: the legacy account's own for \
                     its usage before joining, and the management account's consolidated one for the usage \
                     after. Nothing is charged twice. Tell accounts payable before it happens and keep both \
                     invoices with the cost export."
                .into(),
            verify: "Finance has both invoices for the join month, and their sum matches the month's total.".into(),
            rollback: "Nothing to roll back.".into(),
            depends_on: vec![accept],
            ..Draft::default()
        },
    );
    Joining { in_ou }
}

/// The move steps, per target; returns the steps the decommissioning waits for (each target's
/// cleanup, or its last step when it has none).
fn moves(
    b: &mut Builder,
    f: &Facts,
    pre: &Preflight,
    accounts: &AccountSteps,
    join: &Joining,
    prep: &prepare::Prepare,
) -> Vec<String> {
    let mut last = Vec::new();
    for target in &f.move_targets {
        if target.stays_in_legacy || target.units.is_empty() {
            continue;
        }
        let mut base = Vec::new();
        base.extend(accounts.get(&target.name).cloned());
        base.push(join.in_ou.clone());
        base.extend(pre.review.clone());
        let mut before_cleanup = Vec::new();
        // Every unit is one step, in plan order: the landing network of each region, the shared
        // identities, then each workload's data and compute units, and its cutover.
        for workload in &target.workloads {
            for unit in target.units_of(workload) {
                let mut deps = base.clone();
                if unit.kind == UnitKind::LandingNetwork {
                    deps.push(prep.network.clone());
                } else {
                    deps.extend(prep.identities.iter().cloned());
                }
                deps.extend(unit.depends_on.iter().map(dependency_step));
                let id = match (unit.kind, workload.kind) {
                    (UnitKind::LandingNetwork, _) => landing_step(b, f, target, workload, unit, deps),
                    (_, WorkloadKind::Application | WorkloadKind::Unassigned) => {
                        copy_step(b, f, target, workload, unit, deps)
                    }
                    _ => unit_step(b, f, target, workload, unit, deps),
                };
                if !matches!(workload.kind, WorkloadKind::Application | WorkloadKind::Unassigned) {
                    before_cleanup.push(id);
                }
            }
            if matches!(workload.kind, WorkloadKind::Application | WorkloadKind::Unassigned) {
                before_cleanup.push(cutover_step(b, target, workload, &prep.cutover));
            }
        }
        let logs = target.workloads.iter().any(|w| w.kind == WorkloadKind::LogArchive);
        if target.workloads.iter().all(|w| w.kind == WorkloadKind::LogArchive) {
            // Log buckets are deleted only with a written sign-off (procedure `log-archive`).
            last.extend(before_cleanup);
            continue;
        }
        // The log buckets are kept for their retention, so they are not among the originals deleted.
        let kept_logs: usize = target
            .workloads
            .iter()
            .filter(|w| w.kind == WorkloadKind::LogArchive)
            .flat_map(|w| target.units_of(w))
            .map(|u| u.resources.len())
            .sum();
        let cleanup = b.add(
            Phase::Moves,
            &format!("{}/cleanup", target.name),
            Draft {
                summary: format!(
                    "Delete the originals of {} from the legacy account, after verification and a backup",
                    target.name
                ),
                owner: APP_OWNER,
                action: format!(
                    "Only once every cutover above for {name} has run a business day without problems: take a \
                     final backup of each original (procedure `backup-before-delete`), then delete the {count} \
                     in reverse order: compute, data, identities, network.{logs}",
                    name = md_text(&target.name),
                    count = plural(target.resource_count() - kept_logs, "original", "originals"),
                    logs = if logs {
                        " Log buckets are not deleted here: they follow procedure `log-archive`."
                    } else {
                        ""
                    },
                ),
                verify: "A new `acctsplit scan` of the legacy account no longer lists them, and the backups are \
                         where recorded."
                    .into(),
                rollback: "Deletion cannot be undone: restore from the backups taken in this step.".into(),
                depends_on: before_cleanup,
                target: Some(target.name.clone()),
                ..Draft::default()
            },
        );
        last.push(cleanup);
    }
    last
}

/// The step that builds the landing network of one (target, region), before any unit there;
/// returns its id (`MOVE-dev/network-us-east-1`).
fn landing_step(
    b: &mut Builder,
    f: &Facts,
    target: &MoveTarget,
    workload: &Workload,
    unit: &MoveUnit,
    deps: Vec<String>,
) -> String {
    let layouts: Vec<_> = target
        .landing
        .iter()
        .filter(|l| l.unit == unit.id)
        .flat_map(|l| &l.vpcs)
        .collect();
    let subnets: usize = layouts.iter().map(|v| v.subnets.len()).sum();
    let others: Vec<Shared> = unit
        .resources
        .iter()
        .filter(|a| {
            f.resource(a)
                .is_none_or(|r| !matches!(r.resource_type.as_str(), "ec2:vpc" | "ec2:subnet"))
        })
        .cloned()
        .collect();
    let routing = layouts.iter().any(|v| !v.routing.is_empty());
    let mut parts = vec![
        plural(layouts.len(), "VPC", "VPCs"),
        plural(subnets, "subnet", "subnets"),
    ];
    if !others.is_empty() {
        parts.push(count_types(f, &others));
    }
    // The table of the landing section lists the originals' route tables, gateways and endpoints.
    let action = if layouts.is_empty() {
        format!(
            "Procedure `landing`: no VPC of the scan is needed here; build only what the units of {} in {} \
             need ({}).",
            md_text(&target.name),
            md_code(&unit.region),
            if others.is_empty() {
                "nothing the scan names".to_owned()
            } else {
                count_types(f, &others)
            }
        )
    } else {
        format!(
            "Procedure `landing`: {}{}.",
            join_words(&parts),
            if routing { ", and the routing of the table" } else { "" }
        )
    };
    b.add_with_id(
        Phase::Moves,
        unit_step_id(&unit.id),
        Draft {
            summary: format!("Build the landing network of {} in {}", target.name, unit.region),
            owner: NETWORK,
            action,
            verify: "as procedure `landing` says.".into(),
            rollback: "as procedure `landing` says.".into(),
            procedure: Some("landing"),
            depends_on: deps,
            target: Some(target.name.clone()),
            unit: Some(unit.id.to_string()),
            workload: Some(workload.id.to_string()),
            region: Some(unit.region.to_string()),
            ..Draft::default()
        },
    )
}

/// The step id of a move unit: `MOVE-dev/payments-db`.
pub fn unit_step_id(unit: &str) -> String {
    format!("{}-{unit}", Phase::Moves.prefix())
}

/// The step a plan dependency waits for: the step of the unit, a workload's cutover, or a
/// named step. A dependency on a unit that is missing or comes later is reported by
/// `check_order`.
fn dependency_step(d: &Dependency) -> String {
    match d {
        Dependency::Unit(u) => unit_step_id(u),
        Dependency::Workload(w) => cutover_step_id(w),
        Dependency::Step(s) => s.clone(),
    }
}

/// The step id of a workload's cutover: `MOVE-dev/payments/cutover`.
pub fn cutover_step_id(workload: &str) -> String {
    format!("{}-{workload}/cutover", Phase::Moves.prefix())
}

/// `2 volumes, 1 network interface`.
pub(crate) fn count_types(f: &Facts, arns: &[Shared]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for arn in arns {
        let ty = f
            .resource(arn)
            .map_or("resource".to_owned(), |r| type_word(&r.resource_type).into_owned());
        *counts.entry(ty).or_default() += 1;
    }
    let parts: Vec<String> = counts
        .into_iter()
        .map(|(ty, n)| format!("{n} {}", if n == 1 { ty } else { plural_word(&ty) }))
        .collect();
    join_words(&parts)
}

pub(crate) fn plural_word(word: &str) -> String {
    if word.ends_with('s') {
        format!("{word}es")
    } else if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{word}s")
    }
}

/// The ids of resources, `vol-1, vol-2`, at most `max` and a count of the rest.
fn id_list(f: &Facts, arns: &[&Shared], max: usize) -> String {
    let mut ids: Vec<String> = arns.iter().take(max).map(|a| f.md_label(a)).collect();
    if arns.len() > max {
        ids.push(format!("{} more (see `assignments.csv`)", arns.len() - max));
    }
    join_words(&ids)
}

/// The step of one move unit; returns its id.
fn unit_step(
    b: &mut Builder,
    f: &Facts,
    target: &MoveTarget,
    workload: &Workload,
    unit: &MoveUnit,
    mut deps: Vec<String>,
) -> String {
    let name = md_text(&target.name);
    let mut action = String::new();
    let (summary, owner, verify) = match unit.kind {
        UnitKind::Identities => {
            // Trails, recorders and detectors are replaced by the organization's own (core
            // accounts); everything else is recreated by the procedure of its type.
            let type_of = |a: &Shared| f.resource(a).map_or("", |r| r.resource_type.as_str());
            let governance =
                |ty: &str| ty.starts_with("cloudtrail:") || ty.starts_with("config:") || ty.starts_with("guardduty:");
            let (replaced, recreated): (Vec<Shared>, Vec<Shared>) =
                unit.resources.iter().cloned().partition(|a| governance(type_of(a)));
            // Roles, users, policies, secrets, parameters, keys and certificates have their own
            // preparation step, which recreates them: this step only checks they are there.
            let prepared_by =
                |ty: &str| prepare::prepared_by(ty).map(|step| format!("{}-{step}", Phase::Prepare.prefix()));
            let (prepared, recreated): (Vec<Shared>, Vec<Shared>) =
                recreated.into_iter().partition(|a| prepared_by(type_of(a)).is_some());
            if !prepared.is_empty() {
                let arns: Vec<&Shared> = prepared.iter().collect();
                let steps: BTreeSet<String> = prepared.iter().filter_map(|a| prepared_by(type_of(a))).collect();
                let steps: Vec<String> = steps.into_iter().collect();
                deps.extend(steps.iter().cloned());
                action.push_str(&format!(
                    "Check that {} recreated the {} ({}) in {name}, before the units that use them.",
                    join_words(&steps),
                    count_types(f, &prepared),
                    id_list(f, &arns, 8),
                ));
            }
            let mut procedures: BTreeSet<&str> = BTreeSet::new();
            for a in &recreated {
                procedures.insert(match type_of(a) {
                    "kms:key" => "recreate-key",
                    "secretsmanager:secret" | "ssm:parameter" => "recreate-secret",
                    "acm:certificate" => "reissue",
                    _ => "recreate",
                });
            }
            if !recreated.is_empty() {
                let arns: Vec<&Shared> = recreated.iter().collect();
                let named: Vec<String> = procedures.iter().map(|p| md_code(p)).collect();
                action.push_str(&format!(
                    "{}Recreate in {name}, before the units that use them, the {} ({}): {} {}.",
                    if prepared.is_empty() { "" } else { " " },
                    count_types(f, &recreated),
                    id_list(f, &arns, 8),
                    if named.len() == 1 { "procedure" } else { "procedures" },
                    join_words(&named)
                ));
            }
            if !replaced.is_empty() {
                let arns: Vec<&Shared> = replaced.iter().collect();
                action.push_str(&format!(
                    "{}The organization trail, Config delivery and GuardDuty of the core accounts replace these \
                     legacy ones, {} ({}): keep them running until the new ones deliver (CORE-log-archive, \
                     CORE-security), then remove them at the cleanup.",
                    if recreated.is_empty() && prepared.is_empty() {
                        ""
                    } else {
                        " "
                    },
                    count_types(f, &replaced),
                    id_list(f, &arns, 8)
                ));
            }
            let (verb, verify) = if !recreated.is_empty() {
                (
                    "Recreate",
                    "Each exists in the new account, and its policy names the new account, not the legacy one.",
                )
            } else if !prepared.is_empty() {
                (
                    "Check",
                    "Each exists in the new account, and its policy names the new account, not the legacy one.",
                )
            } else {
                (
                    "Replace",
                    "The organization trail and Config records arrive in the log-archive account before the \
                     legacy ones are removed.",
                )
            };
            (
                format!("{verb} the shared roles, keys and secrets of {}", target.name),
                SECURITY,
                verify.to_owned(),
            )
        }
        _ => {
            action.push_str(&format!("Procedure `{}`.", md_text(&unit.method)));
            let notes = unit_notes(f, target, unit);
            for sentence in notes.carried.iter().chain(&notes.extra) {
                action.push(' ');
                action.push_str(sentence);
            }
            for bullet in &notes.bullets {
                action.push_str(&format!("\n\n- {bullet}"));
            }
            let (anchor_type, label) = anchor_words(f, unit);
            let summary = match workload.kind {
                WorkloadKind::LogArchive => format!("Move the log delivery of {} ({label})", target.name),
                _ => format!("{} {anchor_type} {label} in {}", verb(&unit.method), target.name),
            };
            let verify = match workload.kind {
                WorkloadKind::LogArchive => {
                    "New trail and Config records arrive in the log-archive account, and \
                                             the legacy bucket is protected for its retention period."
                }
                _ => copy_verify(unit.kind),
            }
            .to_owned();
            let owner = if workload.kind == WorkloadKind::LogArchive {
                SECURITY
            } else {
                PLATFORM
            };
            (summary, owner, verify)
        }
    };
    b.add(
        Phase::Moves,
        &unit.id,
        Draft {
            summary,
            owner,
            action,
            verify,
            rollback: "Delete what this step made; the originals stay until the cleanup.".into(),
            depends_on: deps,
            target: Some(target.name.clone()),
            unit: Some(unit.id.to_string()),
            workload: Some(workload.id.to_string()),
            region: Some(unit.region.to_string()),
            ..Draft::default()
        },
    )
}

/// What a unit's step says besides its procedure.
pub(crate) struct UnitNotes {
    /// Sentences about what the procedure carries with the anchor (volumes in the AMI...).
    pub carried: Vec<String>,
    /// Sentences about what needs its own action (an Elastic IP, other members).
    pub extra: Vec<String>,
    /// One line per caveat or cross-account link (Markdown, without the bullet).
    pub bullets: Vec<String>,
}

pub(crate) fn unit_notes(f: &Facts, target: &MoveTarget, unit: &MoveUnit) -> UnitNotes {
    let name = md_text(&target.name);
    let anchor = unit.anchor.as_deref().unwrap_or_default();
    let others: Vec<&Shared> = unit.resources.iter().filter(|a| a.as_str() != anchor).collect();
    let of_type = |ty: &str| -> Vec<&Shared> {
        others
            .iter()
            .copied()
            .filter(|a| f.resource(a).is_some_and(|r| r.resource_type == ty))
            .collect()
    };
    let (volumes, enis, eips, snapshots) = (
        of_type("ec2:volume"),
        of_type("ec2:network-interface"),
        of_type("ec2:elastic-ip"),
        of_type("ec2:snapshot"),
    );
    let mut notes = UnitNotes {
        carried: vec![],
        extra: vec![],
        bullets: vec![],
    };
    if !volumes.is_empty() {
        notes.carried.push(format!(
            "The AMI carries its volumes ({}): no separate snapshot.",
            id_list(f, &volumes, 6)
        ));
    }
    if !snapshots.is_empty() {
        notes.carried.push(format!(
            "It carries its snapshots ({}): no separate copy.",
            id_list(f, &snapshots, 6)
        ));
    }
    if !enis.is_empty() {
        notes.carried.push(format!(
            "Network interfaces ({}) come back with it; keep any fixed private IP.",
            id_list(f, &enis, 6)
        ));
    }
    if !eips.is_empty() {
        notes.extra.push(format!(
            "Its Elastic IP ({}): procedure `transfer`.",
            id_list(f, &eips, 6)
        ));
    }
    let rest: Vec<&Shared> = others
        .iter()
        .copied()
        .filter(|a| !volumes.contains(a) && !enis.contains(a) && !eips.contains(a) && !snapshots.contains(a))
        .collect();
    if !rest.is_empty() {
        notes.extra.push(format!("With it: {}.", id_list(f, &rest, 6)));
    }
    for arn in &unit.resources {
        if let Some(r) = f.resource(arn) {
            for caveat in caveats::applying(r, |k| f.resource(k)) {
                notes.bullets.push(format!("{}: {}", f.md_label(arn), caveat.text));
            }
        }
    }
    // Links to VPCs, subnets and security groups are the landing network's business.
    let edges: Vec<_> = f
        .unit_edges(unit)
        .into_iter()
        .filter(|e| !matches!(e.kind.as_str(), "in-vpc" | "in-subnet" | "has-security-group"))
        .collect();
    for e in edges.iter().take(6) {
        let (here, there, there_target) = if unit.resources.contains(&e.from_arn) {
            (&e.from_arn, &e.to_arn, &e.to_target)
        } else {
            (&e.to_arn, &e.from_arn, &e.from_target)
        };
        if e.kind == "policy-names-account" {
            notes.bullets.push(format!(
                "{}: its policy names the legacy account: rewrite it for {name}.",
                f.md_label(here)
            ));
        } else {
            notes.bullets.push(format!(
                "{} {} {} ({}): recreate or share it in {name} first, or keep the link across accounts.",
                f.md_label(here),
                md_text(&e.kind),
                f.md_label(there),
                md_text(there_target)
            ));
        }
    }
    if edges.len() > 6 {
        notes.bullets.push(format!(
            "and {} more links across accounts (appendix).",
            edges.len() - 6
        ));
    }
    notes
}

/// The step of one unit of an application workload, by the procedure of its method; returns
/// its id. The runbook shows it as a row of the workload's table, with its notes under it.
fn copy_step(
    b: &mut Builder,
    f: &Facts,
    target: &MoveTarget,
    workload: &Workload,
    unit: &MoveUnit,
    deps: Vec<String>,
) -> String {
    let (anchor_type, label) = anchor_words(f, unit);
    let notes = unit_notes(f, target, unit);
    let mut action = format!("Procedure `{}`.", md_text(&unit.method));
    for sentence in notes.carried.iter().chain(&notes.extra).chain(&notes.bullets) {
        action.push(' ');
        action.push_str(sentence);
    }
    b.add_with_id(
        Phase::Moves,
        unit_step_id(&unit.id),
        Draft {
            summary: format!("{} {anchor_type} {label} in {}", verb(&unit.method), target.name),
            owner: PLATFORM,
            action,
            verify: copy_verify(unit.kind).to_owned(),
            rollback: "Delete the copy; the original serves until the cutover.".into(),
            depends_on: deps,
            target: Some(target.name.clone()),
            unit: Some(unit.id.to_string()),
            workload: Some(workload.id.to_string()),
            region: Some(unit.region.to_string()),
            ..Draft::default()
        },
    )
}

/// A unit's anchor as its type word and its label, cut to fit a summary: (`instance`, `web-01 (i-0abc)`).
fn anchor_words(f: &Facts, unit: &MoveUnit) -> (String, String) {
    let anchor = unit.anchor.as_deref().unwrap_or_default();
    let anchor_type = f
        .resource(anchor)
        .map_or("resource".to_owned(), |r| type_word(&r.resource_type).into_owned());
    let label = super::text::truncate(&f.label(anchor), super::text::MAX_NAME_CHARS).into_owned();
    (anchor_type, label)
}

/// How a copied unit is verified, by its kind (procedure `copy` says the same for the runbook).
fn copy_verify(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Data => "Sizes and counts match the original; the new account owns the copy.",
        UnitKind::Compute => "It runs in the new account and passes its health check.",
        _ => "It exists in the new account, configured as the original.",
    }
}

/// The verb of a unit's summary, by its method.
fn verb(method: &str) -> &'static str {
    match method {
        "share-ami" => "Rebuild from an AMI:",
        "share-snapshot" => "Copy",
        "replicate" => "Replicate",
        "share-rds-snapshot" => "Restore from a snapshot:",
        "transfer" => "Transfer",
        "redeploy" => "Redeploy",
        "export-import" => "Export and import",
        _ => "Recreate",
    }
}

/// A workload's cutover, after all its units; returns its id.
fn cutover_step(b: &mut Builder, target: &MoveTarget, workload: &Workload, prepared: &[String]) -> String {
    let mut depends_on: Vec<String> = workload
        .cutover_after
        .iter()
        .map(dependency_step)
        .chain(prepared.iter().cloned())
        .collect();
    // Sorted for a stable order; the builder drops repeats.
    depends_on.sort();
    b.add_with_id(
        Phase::Moves,
        cutover_step_id(&workload.id),
        Draft {
            summary: format!("Cut over {}", workload.id),
            owner: APP_OWNER,
            action: "Procedure `cutover`, in one change window.".into(),
            verify: "as procedure `cutover` says.".into(),
            rollback: "as procedure `cutover` says.".into(),
            procedure: Some("cutover"),
            depends_on,
            target: Some(target.name.clone()),
            unit: None,
            workload: Some(workload.id.to_string()),
            ..Draft::default()
        },
    )
}

/// A procedure written once in the runbook and referred to by its id from the steps.
#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    pub id: &'static str,
    pub title: &'static str,
    pub text: String,
}

/// The shared procedures the move steps refer to, in the order they are printed.
pub fn procedures() -> Vec<Procedure> {
    let p = |id: &'static str, title: &'static str, text: &str| Procedure {
        id,
        title,
        text: text.to_owned(),
    };
    // Sources of the facts the procedures state:
    // - AMIs and EBS snapshots on the default AWS-managed key cannot be shared
    //   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-explicit.html,
    //   https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html);
    // - a deleted bucket's name may take 48-72 hours to become available, and then any account can
    //   claim it (https://repost.aws/knowledge-center/s3-conflicting-conditional-operation,
    //   https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html);
    // - automated RDS snapshots are shared by copying them to a manual one, and a snapshot on the
    //   default KMS key cannot be shared
    //   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html,
    //   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html);
    // - an Elastic IP transfer must be accepted within seven days, in the same Region
    //   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/transfer-EIPs-intro-ec2.html);
    // - Availability Zone names map to different zones in each account; zone IDs do not
    //   in the oldest Regions (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html).
    let mut out = vec![
        p(
            "share-ami",
            "Rebuild an instance from an AMI",
            "Create an AMI of the instance (it snapshots every attached volume), share it with the target, \
             copy it there and stop sharing, then launch from the copy in the landing network with the \
             original's type, security groups and tags. An AMI on the default AWS-managed key cannot be \
             shared: copy it first under a customer-managed key the target may use.",
        ),
        p(
            "share-snapshot",
            "Copy a volume or snapshot",
            "Snapshot the volume, share the snapshot with the target, copy it there and create the volume \
             from the copy. A snapshot on the default AWS-managed key cannot be shared: copy it first under a \
             customer-managed key.",
        ),
        p(
            "replicate",
            "Replicate a bucket",
            "Bucket names are global: the new bucket needs a new name, unless the original is deleted first \
             (its name can take 48 to 72 hours to free up, and any account may claim it meanwhile). Turn on \
             versioning on both, add a replication rule from the original (a role in the legacy account, a \
             bucket policy on the destination, ownership to the target), then run S3 Batch Replication for the \
             existing objects. At cutover, let replication drain first.",
        ),
        p(
            "share-rds-snapshot",
            "Restore a database from a snapshot",
            "Take a manual snapshot (automated ones cannot be shared), share it with the target account, copy \
             it there and restore from the copy, with a new subnet group, parameter group and option group made \
             like the originals. A snapshot on the default `aws/rds` key cannot be shared: copy it under a \
             customer-managed key first. Writes after the snapshot need a final snapshot or a short freeze at \
             cutover.",
        ),
        p(
            "recreate",
            "Recreate from configuration",
            "Build it again in the target account from infrastructure as code where possible, with the \
             configuration and tags of the original, and with references to the legacy account rewritten.",
        ),
        p(
            "transfer",
            "Transfer an Elastic IP",
            "Disassociate the address, enable its transfer to the target account in the legacy account, and \
             accept it in the target within 7 days; then associate it with the new instance. The address stays \
             the same, so allow-lists elsewhere keep working.",
        ),
        p(
            "landing",
            "Build a landing network",
            "Recreate in the target account and region each VPC of the landing table, with its range from the \
             CIDR plan (PREP-network-hub), its subnets in the same Availability Zone IDs (zone names can map to \
             different zones in each account), its security groups, and the route tables, gateways, endpoints \
             and network ACLs its original has; attach it to the hub. Verify: each VPC and subnet has its \
             planned range, and a test instance reaches what it must. Roll back: delete what the step made; the \
             originals stay until the cleanup.",
        ),
        p(
            "copy",
            "Copy a unit",
            "Each row of a workload's table is one step: carry it out by the procedure the row names, once the \
             steps on the workload's **Depends on** line and in the row's After cell are done. Verify: data \
             copies match their originals in size and count, servers pass their health checks, and other \
             copies match their originals' configuration. Roll back: delete the copy; the original serves until \
             the cutover.",
        ),
        p(
            "cutover",
            "Cut a workload over",
            "Agree a change window (PREP-dns has lowered the TTLs). Stop writes to the originals, run each \
             unit's final sync, switch DNS, configuration and endpoints to the new resources, and reopen; leave \
             the originals ready to switch back. Verify: health checks, error rates and a business check stay \
             normal for a business day, and nothing writes to the originals. Roll back: switch DNS and \
             configuration back, and sync back what was written since.",
        ),
        p(
            "log-archive",
            "Move log delivery (CloudTrail, Config)",
            "Point the organization trail and the Config delivery channel at a bucket in the log-archive \
             account. Keep the legacy log buckets for their retention period, under S3 Object Lock or a legal \
             hold where compliance requires one; deleting them needs the security owner's written sign-off.",
        ),
        p(
            "backup-before-delete",
            "Back up before deleting",
            "Take a final AMI or snapshot, a final database snapshot, or keep a copy of each bucket for the \
             retention period, and record where each backup is. A deleted bucket's name becomes free for anyone \
             to take.",
        ),
    ];
    for method in [
        "redeploy",
        "export-import",
        "replicate-images",
        "recreate-key",
        "recreate-secret",
        "reissue",
        "backup-copy",
    ] {
        let text = method_guidance(method, 1, "the target account");
        let text = text.split_once("): ").map_or(text.as_str(), |(_, t)| t);
        let mut chars = text.chars();
        let text: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        out.push(Procedure {
            id: method,
            title: match method {
                "redeploy" => "Redeploy code",
                "export-import" => "Export and import a table",
                "replicate-images" => "Replicate container images",
                "recreate-key" => "Recreate a KMS key",
                "recreate-secret" => "Recreate a secret",
                "reissue" => "Reissue a certificate",
                _ => "Copy a backup",
            },
            text,
        });
    }
    out
}

/// What to do for each migration method of the catalog (`docs/methods.md`).
fn method_guidance(method: &str, n: usize, target: &str) -> String {
    let count = plural(n, "resource", "resources");
    match method {
        "share-ami" => format!(
            "**share-ami** ({count}): share each AMI and its snapshots with the {target} account, then copy \
             it there so {target} owns it, and stop sharing. An AMI whose snapshots are encrypted with the \
             default AWS-managed key (`aws/ebs`) cannot be shared: copy it first, re-encrypted with a \
             customer-managed KMS key, and let {target} use that key."
        ),
        "share-snapshot" => format!(
            "**share-snapshot** ({count}): share the snapshot (EBS, or a manual RDS snapshot) with the {target} \
             account, copy it there so {target} owns it, and create the volume or database from the copy. A \
             snapshot encrypted with the default AWS-managed key cannot be shared: copy it first with a \
             customer-managed KMS key and let {target} use that key."
        ),
        "replicate" => format!(
            "**replicate** ({count}): bucket names are global, so the new bucket in {target} needs a new name \
             (keeping the old name means deleting the original first, with downtime and the risk that someone \
             else takes it). Turn on versioning on both buckets, add a replication rule from the original to \
             the new bucket (a role in the legacy account, a bucket policy on the destination, ownership given \
             to {target}, and the destination KMS key if SSE-KMS is used), then run S3 Batch Replication for the \
             objects that existed before the rule: replication alone only copies new writes."
        ),
        "transfer" => format!(
            "**transfer** ({count}): disassociate each Elastic IP, enable its transfer to the {target} account \
             in the legacy account, and accept it in {target} within 7 days. The address stays the same, so \
             allow-lists elsewhere keep working."
        ),
        "recreate" => format!(
            "**recreate** ({count}): build it again in {target}, from infrastructure as code where possible, \
             and tag it as the original was."
        ),
        "share-rds-snapshot" => format!(
            "**share-rds-snapshot** ({count}): take a manual snapshot (automated snapshots cannot be shared), \
             share it with the {target} account, copy it there and restore the database from the copy. A \
             snapshot encrypted with the default `aws/rds` key cannot be shared: copy it with a customer-managed \
             KMS key and let {target} use that key. Writes after the snapshot need a final snapshot or a short \
             freeze at cutover."
        ),
        "redeploy" => format!(
            "**redeploy** ({count}): deploy the code and configuration again into {target} through the \
             pipeline, and replace every ARN, queue URL or environment value that names the legacy account."
        ),
        "export-import" => format!(
            "**export-import** ({count}): export each DynamoDB table to S3 (point-in-time recovery must be on), \
             import the export into a new table in {target}, and replay or freeze the writes made since the \
             export at cutover."
        ),
        "replicate-images" => format!(
            "**replicate-images** ({count}): add a cross-account ECR replication rule to {target} (and a registry \
             policy there that allows it) for new pushes, then push the existing images again, since \
             replication only copies images pushed after the rule exists."
        ),
        "recreate-key" => format!(
            "**recreate-key** ({count}): KMS keys cannot move; create a new customer-managed key in {target}, \
             re-encrypt the data with it, and let {target} use the old key through its key policy until \
             nothing needs it. Schedule the old key's deletion last: deletion waits 7 to 30 days and cannot \
             be undone after that."
        ),
        "recreate-secret" => format!(
            "**recreate-secret** ({count}): create each secret in {target}, copy its value, point the consumers \
             at it, then rotate it so the copy in the legacy account stops working."
        ),
        "reissue" => format!(
            "**reissue** ({count}): request new ACM certificates in {target}, validate them (DNS validation \
             records in the hosted zone), and attach them to the new load balancers or distributions."
        ),
        "backup-copy" => format!(
            "**backup-copy** ({count}): copy the AWS Backup recovery points to a vault in {target} (cross-account \
             backup is turned on in the management account), and restore the file systems from the copies."
        ),
        "stay" => format!("**stay** ({count}): nothing to do; it stays in the legacy account."),
        other => format!(
            "**{}** ({count}): follow the method notes in the table above.",
            md_text(other)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, deps: &[&str]) -> Step {
        Step {
            id: id.into(),
            phase: Phase::Preflight,
            summary: String::new(),
            action: String::new(),
            verify: String::new(),
            rollback: String::new(),
            owner: FINANCE.into(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            target: None,
            unit: None,
            workload: None,
            attaches: vec![],
            region: None,
            procedure: None,
        }
    }

    #[test]
    fn check_order_accepts_dependencies_on_earlier_steps() {
        let steps = [step("A", &[]), step("B", &["A"]), step("C", &["A", "B"])];
        assert_eq!(check_order(&steps), Ok(()));
    }

    #[test]
    fn check_order_rejects_a_dependency_on_a_later_step() {
        let steps = [step("A", &["B"]), step("B", &[])];
        assert_eq!(
            check_order(&steps),
            Err(OrderError {
                step: "A".into(),
                depends_on: "B".into()
            })
        );
    }

    #[test]
    fn check_order_rejects_a_dependency_on_itself_or_an_unknown_step() {
        assert!(check_order(&[step("A", &["A"])]).is_err());
        assert!(check_order(&[step("A", &["Z"])]).is_err());
    }

    #[test]
    fn every_method_of_the_catalog_has_its_own_guidance() {
        for method in [
            "share-ami",
            "share-snapshot",
            "replicate",
            "transfer",
            "recreate",
            "stay",
            "share-rds-snapshot",
            "redeploy",
            "export-import",
            "replicate-images",
            "recreate-key",
            "recreate-secret",
            "reissue",
            "backup-copy",
        ] {
            let text = method_guidance(method, 2, "dev");
            assert!(!text.contains("method notes"), "{method}: {text}");
        }
        assert!(method_guidance("share-ami", 1, "dev").contains("aws/ebs"));
        assert!(method_guidance("replicate", 1, "dev").contains("Batch Replication"));
        assert!(method_guidance("replicate", 1, "dev").contains("global"));
        assert!(method_guidance("odd<method>", 1, "dev").contains("odd&lt;method&gt;"));
    }
}
