//! The Prepare phase: what the moves need in place first, written from what the scan found.
//! The network hub and its CIDR plan, the IAM roles and users per target with their trust
//! relations, secrets, parameters and keys, certificates, DNS records to lower before a
//! cutover, the security baseline and the hygiene of every account.
//!
//! Sources of the AWS facts the steps state are in comments next to them.

use std::collections::{BTreeMap, BTreeSet};

use super::{ARCHITECT, AccountSteps, Builder, Draft, Facts, Joining, NETWORK, PLATFORM, Phase, SECURITY};
use crate::model::Resource;
use crate::report::text::{join_words, md_code, md_name, md_text, money, plural};

/// The steps of the phase the moves wait for.
pub(super) struct Prepare {
    /// Landing networks attach to the hub.
    pub network: String,
    /// Workload copies need their roles, secrets, parameters and keys.
    pub identities: Vec<String>,
    /// Cutovers need lowered TTLs and their certificates.
    pub cutover: Vec<String>,
}

/// The names of the steps that recreate identities, secrets and certificates (`PREP-iam`...).
pub(super) const IAM: &str = "iam";
pub(super) const SECRETS: &str = "secrets";
pub(super) const CERTIFICATES: &str = "certificates";

/// Which of those steps recreates each type. The identities step of each target only checks
/// their work, and reads this same table, so the two cannot drift apart.
pub(in crate::report) const PREPARED: &[(&str, &str)] = &[
    ("iam:role", IAM),
    ("iam:user", IAM),
    ("iam:policy", IAM),
    ("secretsmanager:secret", SECRETS),
    ("ssm:parameter", SECRETS),
    ("kms:key", SECRETS),
    ("acm:certificate", CERTIFICATES),
];

/// The name of the step that recreates a type, if one does.
pub(super) fn prepared_by(resource_type: &str) -> Option<&'static str> {
    PREPARED
        .iter()
        .find(|(ty, _)| *ty == resource_type)
        .map(|(_, step)| *step)
}

/// How many names a list shows before it counts the rest.
const MAX_NAMES: usize = 12;

/// The resources the plan sends to each target that is not the legacy account, by target.
fn moving_by_target<'a>(f: &Facts<'a>) -> BTreeMap<&'a str, Vec<&'a Resource>> {
    let moving: BTreeSet<&str> = f
        .plan
        .targets
        .iter()
        .filter(|t| !t.stays_in_legacy)
        .map(|t| t.name.as_str())
        .collect();
    let mut out: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for a in &f.plan.assignments {
        if moving.contains(&*a.target)
            && let Some(r) = f.resource(&a.arn)
        {
            out.entry(&*a.target).or_default().push(r);
        }
    }
    out
}

/// Targets in plan order (not alphabetical), for lists per target.
fn in_plan_order<'a, T>(f: &Facts, by_target: &'a BTreeMap<&str, T>) -> Vec<(&'a str, &'a T)> {
    f.plan
        .targets
        .iter()
        .filter_map(|t| by_target.get_key_value(t.name.as_str()).map(|(k, v)| (*k, v)))
        .collect()
}

/// `a, b and 3 more (see assignments.csv)`.
fn capped(mut items: Vec<String>) -> String {
    if items.len() > MAX_NAMES {
        let rest = items.len() - MAX_NAMES;
        items.truncate(MAX_NAMES);
        items.push(format!("{rest} more (see `assignments.csv`)"));
    }
    join_words(&items)
}

fn strings(r: &Resource, key: &str) -> Vec<String> {
    r.attributes
        .get(key)
        .and_then(|v| v.as_array())
        .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn name_of(r: &Resource) -> &str {
    r.name.as_deref().unwrap_or(&r.id)
}

pub(super) fn prepare(b: &mut Builder, f: &Facts, accounts: &AccountSteps, join: &Joining) -> Prepare {
    let by_target = moving_by_target(f);
    let core = |name: &str| accounts.get(name).cloned();
    let network = network_hub(b, f, core("shared"), join);
    let iam = iam_step(b, f, &by_target, accounts, join);
    let secrets = secrets_step(b, f, &by_target, iam.clone());
    let certificates = certificates_step(b, f, &by_target, join);
    let dns = dns_step(b, f, core("shared"), join);
    baseline_step(b, f, accounts, join);
    hygiene_step(b, f, accounts, join);
    Prepare {
        network,
        identities: vec![iam, secrets],
        cutover: vec![certificates, dns],
    }
}

fn network_hub(b: &mut Builder, f: &Facts, shared: Option<String>, join: &Joining) -> String {
    let layouts: usize = f.plan.landing_networks.iter().map(|l| l.vpcs.len()).sum();
    // One entry per VPC that several targets use, and one per pair of distinct VPCs.
    let mut same_vpc: BTreeMap<&str, (&str, BTreeSet<&str>)> = BTreeMap::new();
    let mut overlaps: Vec<String> = Vec::new();
    for o in &f.plan.cidr_overlaps {
        if o.a.arn == o.b.arn {
            let entry = same_vpc.entry(&o.a.arn).or_insert((&o.a.cidr, BTreeSet::new()));
            entry.1.insert(&o.a.target);
            entry.1.insert(&o.b.target);
        } else {
            overlaps.push(format!(
                "{} {} ({}) and {} {} ({})",
                f.md_label(&o.a.arn),
                md_code(&o.a.cidr),
                md_text(&o.a.target),
                f.md_label(&o.b.arn),
                md_code(&o.b.cidr),
                md_text(&o.b.target)
            ));
        }
    }
    for (arn, (cidr, targets)) in same_vpc {
        let targets: Vec<String> = targets.iter().map(|t| md_text(t)).collect();
        overlaps.push(format!(
            "{} {} (in {})",
            f.md_label(arn),
            md_code(cidr),
            join_words(&targets)
        ));
    }
    overlaps.sort();
    let regions: BTreeSet<&str> = f.plan.landing_networks.iter().map(|l| &*l.region).collect();
    let mut action = String::from(
        "Write the CIDR plan first: one range per account and region that overlaps no other account, the legacy \
         account and on-premises networks included.",
    );
    if layouts == 0 {
        action.push_str(" The plan builds no landing network: nothing moves that needs a VPC.");
    } else {
        action.push_str(&format!(
            " The {} of the plan copy {} (their tables under Moves give today's ranges): each needs a new \
             one.",
            plural(f.plan.landing_networks.len(), "landing network", "landing networks"),
            plural(layouts, "VPC layout", "VPC layouts"),
        ));
    }
    if !overlaps.is_empty() {
        action.push_str(&format!(
            " Ranges that overlap across accounts today, which cannot be routed to each other: {}.",
            join_words(&overlaps)
        ));
    }
    // RAM: with sharing enabled for the organization, principals in it get shared resources
    // without an invitation; transit gateways are shareable
    // (https://docs.aws.amazon.com/ram/latest/userguide/getting-started-sharing.html,
    // https://docs.aws.amazon.com/ram/latest/userguide/shareable.html).
    action.push_str(&format!(
        " Then, in the shared account, create a transit gateway in each region with a landing network ({}) and \
         share it with the organization through AWS RAM (turn on sharing with AWS Organizations in the management \
         account first, so accounts need not accept an invitation). Give dev and prod separate transit gateway \
         route tables: both reach shared (CI runners, DNS resolvers), never each other.",
        if regions.is_empty() {
            "none yet".to_owned()
        } else {
            join_words(&regions.iter().map(|r| md_code(r)).collect::<Vec<_>>())
        }
    ));
    let mut deps: Vec<String> = shared.into_iter().collect();
    deps.push(join.in_ou.clone());
    b.add(
        Phase::Prepare,
        "network-hub",
        Draft {
            summary: "Plan the CIDR ranges and build the network hub in shared".into(),
            owner: NETWORK,
            action,
            verify: "The CIDR plan gives every VPC a range no other network uses; `aws ec2 \
                     describe-transit-gateway-route-tables` in shared shows the dev and prod tables, each with a \
                     route to shared and none to the other."
                .into(),
            rollback: "Delete the RAM share and the transit gateways; no workload uses them yet.".into(),
            depends_on: deps,
            ..Draft::default()
        },
    )
}

/// One role's trust, in words: `trusted by lambda.amazonaws.com, account 111122223333`.
fn trust(r: &Resource) -> String {
    let mut parts: Vec<String> = strings(r, "trust_services").iter().map(|s| md_code(s)).collect();
    parts.extend(
        strings(r, "trust_accounts")
            .iter()
            .map(|a| format!("account {}", md_code(a))),
    );
    parts.extend(strings(r, "trust_federated").iter().map(|p| identity_provider(p)));
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (trusted by {})", parts.join(", "))
    }
}

/// An identity provider by its name, not its ARN: `OIDC \`token.actions.githubusercontent.com\``,
/// `SAML \`corp-idp\``; any other federated principal (`cognito-identity.amazonaws.com`) as it is.
fn identity_provider(principal: &str) -> String {
    let resource = principal.rsplit_once(':').map_or(principal, |(_, r)| r);
    match resource.split_once('/') {
        Some(("oidc-provider", name)) => format!("OIDC {}", md_code(name)),
        Some(("saml-provider", name)) => format!("SAML {}", md_code(name)),
        _ => format!("federated {}", md_code(principal)),
    }
}

fn iam_step(
    b: &mut Builder,
    f: &Facts,
    by_target: &BTreeMap<&str, Vec<&Resource>>,
    accounts: &AccountSteps,
    join: &Joining,
) -> String {
    let legacy = &f.inventory.account.id;
    let mut lines = Vec::new();
    let mut names_legacy = Vec::new();
    let mut ci = Vec::new();
    for (target, resources) in in_plan_order(f, by_target) {
        let roles: Vec<&&Resource> = resources
            .iter()
            .filter(|r| r.resource_type == "iam:role" && r.attr_bool("service_linked") != Some(true))
            .collect();
        let users: Vec<&&Resource> = resources.iter().filter(|r| r.resource_type == "iam:user").collect();
        let policies = resources.iter().filter(|r| r.resource_type == "iam:policy").count();
        if roles.is_empty() && users.is_empty() && policies == 0 {
            continue;
        }
        let mut parts = Vec::new();
        if !roles.is_empty() {
            parts.push(format!(
                "{} {}",
                plural(roles.len(), "role", "roles"),
                capped(
                    roles
                        .iter()
                        .map(|r| format!("{}{}", md_name(name_of(r)), trust(r)))
                        .collect()
                )
            ));
        }
        if !users.is_empty() {
            parts.push(format!(
                "{} {}",
                plural(users.len(), "user", "users"),
                capped(
                    users
                        .iter()
                        .map(|u| {
                            let keys = u.attributes.get("access_keys").and_then(|v| v.as_u64()).unwrap_or(0);
                            let console = u.attr_bool("console_access") == Some(true);
                            let what: Vec<&str> = [(keys > 0, "access keys"), (console, "console password")]
                                .into_iter()
                                .filter_map(|(on, w)| on.then_some(w))
                                .collect();
                            if what.is_empty() {
                                md_name(name_of(u))
                            } else {
                                format!("{} ({})", md_name(name_of(u)), what.join(", "))
                            }
                        })
                        .collect()
                )
            ));
        }
        if policies > 0 {
            parts.push(plural(policies, "customer-managed policy", "customer-managed policies"));
        }
        lines.push(format!("- {}: {}.", md_text(target), parts.join("; ")));
        for r in roles.iter().chain(users.iter()) {
            let ids = strings(r, "trust_account_ids")
                .into_iter()
                .chain(strings(r, "policy_account_ids"))
                .any(|id| id == *legacy);
            if ids {
                names_legacy.push(md_name(name_of(r)));
            }
            if !strings(r, "trust_federated").is_empty()
                || (r.resource_type == "iam:user"
                    && r.attributes.get("access_keys").and_then(|v| v.as_u64()).unwrap_or(0) > 0)
            {
                ci.push(md_name(name_of(r)));
            }
        }
    }
    let mut action = if lines.is_empty() {
        "The scan assigned no IAM role or user to a new account. Each new account still needs the deploy role its \
         pipeline assumes and the roles its workloads run as: list them with the application owners."
            .to_owned()
    } else {
        format!(
            "Recreate in each account, from infrastructure as code, the IAM identities the scan assigned to it, \
             with their trust relations (service-linked roles are left out: each service creates its own):\n\n{}",
            lines.join("\n")
        )
    };
    if !names_legacy.is_empty() {
        action.push_str(&format!(
            "\n\nThese name the legacy account {} in a trust or policy: rewrite them for the new account ids: {}.",
            md_code(legacy),
            capped(names_legacy)
        ));
    }
    if !ci.is_empty() {
        action.push_str(&format!(
            "\n\nCI/CD credentials (long-lived access keys, or roles trusted by an identity provider): {}. Give \
             each pipeline a deploy role in each account it deploys to, trusted by the shared account's CI role or \
             by the provider created again in that account, and never copy an access key.",
            capped(ci)
        ));
    }
    action.push_str(
        "\n\nPeople sign in through IAM Identity Center (FND-identity-center): do not recreate IAM users for them.",
    );
    let mut deps: Vec<String> = by_target.keys().filter_map(|t| accounts.get(*t).cloned()).collect();
    deps.push(join.in_ou.clone());
    b.add(
        Phase::Prepare,
        IAM,
        Draft {
            summary: "Recreate the IAM roles and users per target, with their trust relations".into(),
            owner: SECURITY,
            action,
            verify: "Each role exists in its account with a trust policy that names only accounts of the \
                     organization, `aws iam simulate-principal-policy` on each deploy role allows what its pipeline \
                     does, and no access key was copied."
                .into(),
            rollback: "Delete the new roles and users; the legacy ones keep working until the decommissioning.".into(),
            depends_on: deps,
            ..Draft::default()
        },
    )
}

fn secrets_step(b: &mut Builder, f: &Facts, by_target: &BTreeMap<&str, Vec<&Resource>>, iam: String) -> String {
    let mut lines = Vec::new();
    for (target, resources) in in_plan_order(f, by_target) {
        let of = |ty: &str| -> Vec<String> {
            resources
                .iter()
                .filter(|r| r.resource_type == ty)
                .map(|r| md_name(name_of(r)))
                .collect()
        };
        let mut parts = Vec::new();
        for (ty, one, many) in [
            ("secretsmanager:secret", "secret", "secrets"),
            ("ssm:parameter", "parameter", "parameters"),
            ("kms:key", "KMS key", "KMS keys"),
        ] {
            let names = of(ty);
            if !names.is_empty() {
                parts.push(format!("{} {}", plural(names.len(), one, many), capped(names)));
            }
        }
        if !parts.is_empty() {
            lines.push(format!("- {}: {}.", md_text(target), parts.join("; ")));
        }
    }
    // Secrets Manager cannot move a secret between accounts; shared access needs a resource
    // policy and a customer managed key
    // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
    let action = if lines.is_empty() {
        "The scan assigned no secret, parameter or KMS key to a new account. Ask each application owner which \
         secrets their code reads at start-up, and create them in the new account before its move steps."
            .to_owned()
    } else {
        format!(
            "Create these in their new account first, each under a KMS key of that account (procedures \
             `recreate-key` and `recreate-secret`); acctsplit never read their values:\n\n{}\n\nA person with \
             access copies each value directly from the legacy account to the new one, never through a ticket or \
             a chat. After the cutover, rotate each secret, so the copy left in the legacy account stops working.",
            lines.join("\n")
        )
    };
    b.add(
        Phase::Prepare,
        SECRETS,
        Draft {
            summary: "Recreate the secrets, parameters and keys per target".into(),
            owner: SECURITY,
            action,
            verify: "Each secret and parameter exists in its new account, encrypted with a key of that account, and \
                     the workload's role can read it (`aws iam simulate-principal-policy`)."
                .into(),
            rollback: "Delete the new copies; the workloads still read the originals until their cutover.".into(),
            depends_on: vec![iam],
            ..Draft::default()
        },
    )
}

fn certificates_step(b: &mut Builder, f: &Facts, by_target: &BTreeMap<&str, Vec<&Resource>>, join: &Joining) -> String {
    // Certificates used by a moving resource (load balancer, distribution), and certificates the
    // plan itself sends to a target.
    let target_of: BTreeMap<&str, &str> = by_target
        .iter()
        .flat_map(|(t, list)| list.iter().map(move |r| (r.arn.as_str(), *t)))
        .collect();
    let mut certs: BTreeMap<&str, (BTreeSet<&str>, Vec<String>)> = BTreeMap::new();
    for r in f.inventory.resources.iter() {
        if r.resource_type == "acm:certificate"
            && let Some(t) = target_of.get(r.arn.as_str())
        {
            certs.entry(r.arn.as_str()).or_default().0.insert(t);
        }
        for cert in r.related("uses-certificate") {
            if let Some(t) = target_of.get(r.arn.as_str()) {
                let entry = certs.entry(cert).or_default();
                entry.0.insert(t);
                entry.1.push(f.md_label(&r.arn));
            }
        }
    }
    let lines: Vec<String> = certs
        .iter()
        .map(|(arn, (targets, users))| {
            let (domain, detail) = match f.resource(arn) {
                Some(c) => {
                    let sans: Vec<String> = strings(c, "subject_alternative_names")
                        .into_iter()
                        .filter(|s| Some(s.as_str()) != c.attr_str("domain_name"))
                        .map(|s| md_code(&s))
                        .collect();
                    let mut detail = Vec::new();
                    if !sans.is_empty() {
                        detail.push(format!("also {}", join_words(&sans)));
                    }
                    if let Some(region) = &c.region {
                        detail.push(format!("in {}", md_code(region)));
                    }
                    if let Some(method) = c.attr_str("validation_method") {
                        detail.push(format!("{} validation", md_text(method)));
                    }
                    if c.attr_bool("imported") == Some(true) {
                        detail.push("imported: import it again".into());
                    }
                    (md_code(c.attr_str("domain_name").unwrap_or(name_of(c))), detail)
                }
                None => (md_code(arn), Vec::new()),
            };
            let mut detail = detail;
            if !users.is_empty() {
                detail.push(format!("used by {}", join_words(users)));
            } else if f.resource(arn).is_some_and(|c| c.attr_bool("in_use") == Some(false)) {
                // Sent to a target by its own tag, but nothing uses it: a new one may not be needed.
                let status = f
                    .resource(arn)
                    .and_then(|c| c.attr_str("status"))
                    .filter(|s| *s != "ISSUED")
                    .map(|s| format!(", and its status is {}", md_code(s)))
                    .unwrap_or_default();
                detail.push(format!(
                    "nothing uses it{status}: request it only if a workload there needs it"
                ));
            }
            format!(
                "- {domain} for {}{}.",
                join_words(&targets.iter().map(|t| md_text(t)).collect::<Vec<_>>()),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", detail.join("; "))
                }
            )
        })
        .collect();
    // CloudFront uses certificates from us-east-1
    // (https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html). Public certificates
    // issued before 2025-06-17 cannot be exported, so the runbook requests new ones
    // (https://docs.aws.amazon.com/acm/latest/userguide/export-public-certificate.html).
    let action = if lines.is_empty() {
        "No certificate is used by a resource that moves, and the plan sends none to a new account. If a \
         load balancer or distribution is rebuilt by hand, request its certificate in the new account first."
            .to_owned()
    } else {
        format!(
            "Request each certificate again in the account that will use it, in the region of the resource \
             that uses it (us-east-1 for CloudFront), with DNS validation, and let it reach `ISSUED` before the \
             cutover (procedure `reissue`):\n\n{}",
            lines.join("\n")
        )
    };
    b.add(
        Phase::Prepare,
        CERTIFICATES,
        Draft {
            summary: "Request the certificates of the moving load balancers and distributions in their new accounts"
                .into(),
            owner: PLATFORM,
            action,
            verify: "`aws acm describe-certificate` in each new account shows `ISSUED` with the same domain names \
                     as the original."
                .into(),
            rollback: "Delete the new certificates; the originals keep serving until the cutover.".into(),
            depends_on: vec![join.in_ou.clone()],
            ..Draft::default()
        },
    )
}

/// The records of a zone that route to `target`: by alias target, CNAME target or address.
fn records_to<'a>(zone: &'a Resource, target: &Resource) -> Vec<&'a serde_json::Value> {
    let mut keys: Vec<String> = vec![target.id.to_lowercase()];
    if let Some(name) = &target.name {
        keys.push(name.to_lowercase());
    }
    for key in ["public_ip", "dns_name", "address"] {
        if let Some(v) = target.attr_str(key) {
            keys.push(v.to_lowercase());
        }
    }
    zone.attributes
        .get("records")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter(|rec| {
            let target_text = rec.get("target").and_then(|t| t.as_str()).unwrap_or("").to_lowercase();
            let addresses: Vec<String> = rec
                .get("addresses")
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_lowercase))
                .collect();
            keys.iter()
                .any(|k| !k.is_empty() && (target_text.contains(k.as_str()) || addresses.contains(k)))
        })
        .collect()
}

fn dns_step(b: &mut Builder, f: &Facts, shared: Option<String>, join: &Joining) -> String {
    let legacy: BTreeSet<&str> = f
        .plan
        .targets
        .iter()
        .filter(|t| t.stays_in_legacy)
        .map(|t| t.name.as_str())
        .collect();
    let target_of: BTreeMap<&str, &str> = f
        .plan
        .assignments
        .iter()
        .map(|a| (a.arn.as_str(), &*a.target))
        .collect();
    let zones: Vec<&Resource> = f
        .inventory
        .resources
        .iter()
        .filter(|r| r.resource_type == "route53:hostedzone")
        .collect();
    let mut zone_lines = Vec::new();
    let mut record_lines = Vec::new();
    let mut longest_ttl = 0u64;
    for z in &zones {
        let target = target_of.get(z.arn.as_str()).copied().unwrap_or("");
        let count = z.attributes.get("record_count").and_then(|v| v.as_u64()).unwrap_or(0);
        let private = z.attr_bool("private") == Some(true);
        zone_lines.push(format!(
            "{} ({}, {}, {})",
            md_code(name_of(z)),
            if private { "private" } else { "public" },
            plural(count as usize, "record", "records"),
            if legacy.contains(target) {
                "stays in the legacy account".to_owned()
            } else {
                format!("moves to {}", md_text(target))
            }
        ));
        if z.attr_bool("records_capped") == Some(true) {
            zone_lines.push(format!(
                "{}: the scan read only part of its records (`--max-records-per-zone`); list the rest by hand",
                md_code(name_of(z))
            ));
        }
        for arn in z.related("routes-to") {
            let Some(to) = target_of.get(arn) else { continue };
            if legacy.contains(to) {
                continue;
            }
            let Some(res) = f.resource(arn) else { continue };
            let records = records_to(z, res);
            if records.is_empty() {
                record_lines.push(format!(
                    "- records of {} that point at {} (moves to {})",
                    md_code(name_of(z)),
                    f.md_label(arn),
                    md_text(to)
                ));
            }
            for rec in records {
                let ttl = rec.get("ttl").and_then(|v| v.as_u64());
                longest_ttl = longest_ttl.max(ttl.unwrap_or(0));
                record_lines.push(format!(
                    "- {} {} ({}) points at {}, which moves to {}",
                    md_code(rec.get("name").and_then(|v| v.as_str()).unwrap_or("")),
                    md_text(rec.get("type").and_then(|v| v.as_str()).unwrap_or("")),
                    ttl.map_or("alias, no TTL of its own".to_owned(), |t| format!("TTL {t} s")),
                    f.md_label(arn),
                    md_text(to)
                ));
            }
        }
    }
    record_lines.sort();
    record_lines.dedup();
    let mut action = if zones.is_empty() {
        "The scan found no Route 53 hosted zone. If the domains are served elsewhere, list there the records \
         that point at resources that move, and lower their TTLs as below."
            .to_owned()
    } else {
        format!("Hosted zones: {}.", join_words(&zone_lines))
    };
    if record_lines.is_empty() {
        action
            .push_str(" No record the scan read points at a resource that moves: cutovers change no DNS record here.");
    } else {
        action.push_str(&format!(
            " Records that point at resources that move, to switch at their cutover:\n\n{}\n\nAt least {} before \
             each cutover, lower the TTL of its records to 60 seconds, so the switch and a switch back take effect \
             within a minute; raise them again once the cutover is verified.",
            record_lines.join("\n"),
            if longest_ttl > 0 {
                format!("the current TTL ({longest_ttl} s for the longest)")
            } else {
                "one day".to_owned()
            }
        ));
    }
    // Migrating a hosted zone to another account
    // (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-migrating.html), the
    // NS TTL of 60 to 900 s and the usual 172800 s
    // (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/migrate-dns-domain-in-use.html),
    // shorter TTLs before changing critical records
    // (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/best-practices-dns.html), and the
    // domain transfer accepted within 3 days
    // (https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_TransferDomainToAnotherAwsAccount.html).
    if zones
        .iter()
        .any(|z| !legacy.contains(target_of.get(z.arn.as_str()).copied().unwrap_or("")))
    {
        action.push_str(
            "\n\nFor each zone that moves: create it in the new account and copy its records except NS and SOA \
             (an alias to a record of the same zone gets the new zone's id), changing none during the migration; \
             lower the TTL of the NS record to between 60 and 900 seconds and wait out the old one (typically two \
             days); then point the registrar or the parent zone at the new name servers, and delete the old zone \
             once traffic has moved. A domain registered with Route 53 moves separately: a domain transfer the new \
             account accepts within 3 days.",
        );
    }
    let mut deps: Vec<String> = shared.into_iter().collect();
    deps.push(join.in_ou.clone());
    b.add(
        Phase::Prepare,
        "dns",
        Draft {
            summary: "Name the DNS records each cutover switches, and lower their TTLs in time".into(),
            owner: NETWORK,
            action,
            verify: "`aws route53 list-resource-record-sets` shows the lowered TTLs before each cutover, and `dig` \
                     against the zone's name servers returns them."
                .into(),
            rollback: "Raise the TTLs back to their old values; moved zones keep answering from the old name \
                       servers until the registrar is switched back."
                .into(),
            depends_on: deps,
            ..Draft::default()
        },
    )
}

fn baseline_step(b: &mut Builder, f: &Facts, accounts: &AccountSteps, join: &Joining) -> String {
    let regions = join_words(&f.guard_regions.iter().map(|r| md_code(r)).collect::<Vec<_>>());
    let governance =
        |ty: &str| -> Vec<&Resource> { f.inventory.resources.iter().filter(|r| r.resource_type == ty).collect() };
    let not_enabled = |service: &str| -> Vec<String> {
        f.inventory
            .coverage
            .iter()
            .filter(|c| c.service == service && c.detail.as_deref() == Some("not enabled"))
            .map(|c| md_code(&c.region))
            .collect()
    };
    let mut legacy = Vec::new();
    let trails = governance("cloudtrail:trail");
    legacy.push(if trails.is_empty() {
        "no CloudTrail trail".to_owned()
    } else {
        format!(
            "{} {}",
            plural(trails.len(), "trail", "trails"),
            join_words(&trails.iter().map(|t| md_code(name_of(t))).collect::<Vec<_>>())
        )
    });
    for (service, what) in [
        ("config", "AWS Config"),
        ("guardduty", "GuardDuty"),
        ("securityhub", "Security Hub"),
        ("access-analyzer", "IAM Access Analyzer"),
    ] {
        let off = not_enabled(service);
        if !off.is_empty() {
            legacy.push(format!("{what} not enabled in {}", join_words(&off)));
        }
    }
    let open_buckets: Vec<String> = f
        .inventory
        .resources
        .iter()
        .filter(|r| r.resource_type == "s3:bucket")
        .filter(|r| {
            let pab = r.attributes.get("public_access_block");
            [
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ]
            .iter()
            .any(|k| pab.and_then(|p| p.get(k)).and_then(|v| v.as_bool()) != Some(true))
        })
        .map(|r| md_code(name_of(r)))
        .collect();
    // EBS encryption by default is per account and region and leaves existing volumes as they
    // are (https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html); the
    // account-level S3 Block Public Access: the most restrictive of account and bucket settings
    // applies (https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html);
    // Access Analyzer's delegated administrator
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-delegated-administrator-add.html).
    let mut action = format!(
        "In every new account, and in each region of the region guard ({regions}): turn on EBS encryption by \
         default (it is per region, and leaves existing volumes as they are); turn on S3 Block Public Access at \
         account level; turn on the AWS Config recorder, delivering to the log-archive bucket \
         (CORE-log-archive), and let GuardDuty and Security Hub enrol the account through auto-enable \
         (CORE-security); create one organization analyzer of IAM Access Analyzer in the security account as \
         delegated administrator.\n\nIn the legacy \
         account the scan found {}. Turn on the same baseline there, except S3 Block Public Access: S3 applies \
         the stricter of the account and bucket settings, so first check each bucket without a full block of its \
         own",
        legacy.join("; ")
    );
    if open_buckets.is_empty() {
        action.push_str(" (the scan found none).");
    } else {
        action.push_str(&format!(
            " ({}: {}), and turn it on only once none of them must stay public.",
            plural(open_buckets.len(), "bucket", "buckets"),
            capped(open_buckets)
        ));
    }
    let mut deps: Vec<String> = accounts.values().cloned().collect();
    deps.sort();
    deps.push(join.in_ou.clone());
    b.add(
        Phase::Prepare,
        "security-baseline",
        Draft {
            summary: "Turn on the security baseline in every account".into(),
            owner: SECURITY,
            action,
            verify: "In each account and region, `aws ec2 get-ebs-encryption-by-default` returns true, `aws \
                     s3control get-public-access-block` shows all four settings on (the legacy account once \
                     checked), and the security account lists it as a member in GuardDuty, Security Hub and Access \
                     Analyzer."
                .into(),
            rollback: "Turn the setting that causes trouble off again in that account; the others stay.".into(),
            depends_on: deps,
            ..Draft::default()
        },
    )
}

fn hygiene_step(b: &mut Builder, f: &Facts, accounts: &AccountSteps, join: &Joining) -> String {
    let contacts = match f.inventory.account.alternate_contacts {
        Some(c) => {
            let (set, unset): (Vec<_>, Vec<_>) = [
                (c.billing, "billing"),
                (c.operations, "operations"),
                (c.security, "security"),
            ]
            .into_iter()
            .partition(|(on, _)| *on);
            let set: Vec<&str> = set.into_iter().map(|(_, name)| name).collect();
            let unset: Vec<&str> = unset.into_iter().map(|(_, name)| name).collect();
            let words = |list: &[&str]| join_words(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            match (set.is_empty(), unset.is_empty()) {
                (true, _) => "The legacy account has no alternate contact set.".to_owned(),
                (false, true) => {
                    "The legacy account has all three alternate contacts set; check they are current.".to_owned()
                }
                (false, false) => format!(
                    "The legacy account has the {} contact set, and no {} contact.",
                    words(&set),
                    words(&unset)
                ),
            }
        }
        None => {
            "The scan could not read the legacy account's alternate contacts: check them in its console.".to_owned()
        }
    };
    let tax = f.costs.and_then(|c| {
        let months = c.monthly_totals.len().max(1) as f64;
        c.top_services
            .iter()
            .find(|s| s.name == "Tax" && s.amount > 0.0)
            .map(|s| money(&c.currency, s.amount / months))
    });
    // Alternate contacts of member accounts from the management account
    // (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html);
    // support plans per account
    // (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/consolidatedbilling-support.html);
    // quota request templates
    // (https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_AssociateServiceQuotaTemplate.html);
    // tax settings inheritance
    // (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/manage-account-payment.html).
    let mut action = format!(
        "{contacts} Set billing, operations and security contacts for every account, the legacy one included, \
         from the management account (`aws account put-alternate-contact --account-id`, once trusted access for \
         AWS Account Management is on). Choose each account's support plan: each account subscribes on its own. \
         Before a workload is rebuilt, raise the service quotas of its new account to what the legacy account \
         uses (instances, Elastic IPs, VPCs per region): new accounts start at the defaults, and a Service Quotas \
         quota request template applies raised values only to accounts created after it."
    );
    if let Some(monthly) = tax {
        action.push_str(&format!(
            " The cost history shows about {monthly} a month of tax: set the tax registration of the management \
             account and turn on tax settings inheritance, so the accounts share its tax registration information."
        ));
    }
    let mut deps: Vec<String> = accounts.values().cloned().collect();
    deps.sort();
    deps.push(join.in_ou.clone());
    b.add(
        Phase::Prepare,
        "hygiene",
        Draft {
            summary: "Set contacts, support plans, quotas and tax settings for every account".into(),
            owner: ARCHITECT,
            action,
            verify: "`aws account get-alternate-contact` returns all three types for every account, and `aws \
                     service-quotas get-service-quota` shows the raised values in each new account."
                .into(),
            rollback: "Contacts and quotas can be changed again at any time; nothing here affects workloads.".into(),
            depends_on: deps,
            ..Draft::default()
        },
    )
}
