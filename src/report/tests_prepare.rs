//! The Prepare and Decommission phases, on an account classified by the default rules: each
//! step names what the scan found (roles with their trusts, records with their TTLs,
//! certificates, secrets, alternate contacts), and the moves wait for them.

use serde_json::json;

use super::*;
use crate::classify::{Rules, classify};
use crate::model::*;
use crate::testkit::build::{self, ResExt};

const ACCOUNT: &str = build::ACCOUNT_ID;

fn arn(service: &str, region: &str, rest: &str) -> String {
    format!("arn:aws:{service}:{region}:{ACCOUNT}:{rest}")
}

fn account() -> Inventory {
    let bucket = build::bucket("dev-assets").tag("Environment", "dev");
    let cert = arn("acm", "us-east-1", "certificate/c-1");
    let lb = arn("elasticloadbalancing", "us-east-1", "loadbalancer/app/dev-web/1");
    let resources = vec![
        build::res(&format!("arn:aws:iam::{ACCOUNT}:role/payments-dev-app"), "iam:role")
            .global()
            .named("payments-dev-app")
            .tag("Environment", "dev")
            .attr("service_linked", false)
            .attr("trust_services", json!(["lambda.amazonaws.com"]))
            .attr(
                "trust_federated",
                json!([format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com")]),
            )
            .attr("policy_account_ids", json!([ACCOUNT])),
        build::res(&format!("arn:aws:iam::{ACCOUNT}:user/dev-deployer"), "iam:user")
            .global()
            .named("dev-deployer")
            .tag("Environment", "dev")
            .attr("access_keys", 1),
        build::res(&format!("arn:aws:iam::{ACCOUNT}:role/prod-app"), "iam:role")
            .global()
            .named("prod-app")
            .tag("Environment", "prod")
            .attr("trust_accounts", json!(["444455556666"])),
        build::res(&arn("secretsmanager", "us-east-1", "secret:dev/db-AbCdEf"), "secretsmanager:secret")
            .in_region("us-east-1")
            .named("dev/db")
            .tag("Environment", "dev"),
        bucket.clone(),
        build::res(&lb, "elasticloadbalancing:loadbalancer")
            .in_region("us-east-1")
            .named("dev-web")
            .tag("Environment", "dev")
            .rel("uses-certificate", &cert),
        build::res(&cert, "acm:certificate")
            .in_region("us-east-1")
            .named("dev.example.com")
            .attr("domain_name", "dev.example.com")
            .attr("subject_alternative_names", json!(["dev.example.com", "*.dev.example.com"]))
            .attr("validation_method", "DNS"),
        build::res("arn:aws:route53:::hostedzone/Z1", "route53:hostedzone")
            .global()
            .named("example.com")
            .tag("Environment", "prod")
            .attr("record_count", 3)
            .attr(
                "records",
                json!([
                    {"name": "example.com", "type": "NS", "ttl": 172800},
                    {"name": "assets.example.com", "type": "CNAME", "ttl": 3600, "target": "dev-assets.s3.amazonaws.com"},
                    {"name": "www.example.com", "type": "A", "ttl": 300, "addresses": ["192.0.2.10"]},
                ]),
            )
            .rel("routes-to", &bucket.arn),
        build::res(&arn("cloudtrail", "us-east-1", "trail/org-audit"), "cloudtrail:trail")
            .in_region("us-east-1")
            .named("org-audit"),
    ];
    let mut inv = build::inventory(resources);
    inv.account.alternate_contacts = Some(AlternateContacts {
        billing: false,
        operations: true,
        security: false,
    });
    let off = |service: &str, region: &str| Coverage {
        service: service.into(),
        region: region.into(),
        status: CoverageStatus::Ok,
        detail: Some("not enabled".into()),
        requests: 1,
    };
    inv.coverage = vec![
        off("guardduty", "us-east-1"),
        off("securityhub", "eu-west-1"),
        off("securityhub", "us-east-1"),
        off("access-analyzer", "us-east-1"),
    ];
    inv
}

fn runbook(inv: &Inventory) -> (Runbook, Plan) {
    let plan = classify(inv, &Rules::default_rules());
    let runbook = render(&RunbookInput {
        inventory: inv,
        plan: &plan,
        costs: None,
        blind_spots: None,
        generated_at: "2025-11-20T10:00:00Z".into(),
    })
    .unwrap();
    (runbook, plan)
}

/// The Markdown of one step, from its heading to the next heading.
fn step<'a>(md: &'a str, id: &str) -> &'a str {
    let start = md
        .find(&format!(" {id}: "))
        .unwrap_or_else(|| panic!("no step {id} in:\n{md}"));
    let rest = &md[start..];
    let end = rest[1..].find("\n#").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn the_iam_step_lists_each_targets_roles_and_users_with_their_trusts() {
    let (rb, plan) = runbook(&account());
    let target = |name: &str| {
        plan.assignments
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .unwrap()
            .target
            .clone()
    };
    assert_eq!(&*target("payments-dev-app"), "dev");
    let iam = step(&rb.markdown, "PREP-iam");
    assert!(
        iam.contains("- dev: 1 role payments-dev-app (trusted by `lambda.amazonaws.com`, OIDC `token.actions.githubusercontent.com`)"),
        "{iam}"
    );
    assert!(iam.contains("1 user dev-deployer (access keys)"), "{iam}");
    // It names the legacy account in a policy, and it and the user are CI/CD credentials.
    assert!(
        iam.contains(&format!("These name the legacy account `{ACCOUNT}`")),
        "{iam}"
    );
    assert!(iam.contains("CI/CD credentials"), "{iam}");
    // prod stays in the legacy account: its roles are not recreated.
    assert!(!iam.contains("prod-app"), "{iam}");
    assert!(!iam.contains("arn:aws:"), "{iam}");
}

#[test]
fn the_dns_step_names_the_zone_and_the_records_of_moving_resources_with_their_ttls() {
    let (rb, _) = runbook(&account());
    let dns = step(&rb.markdown, "PREP-dns");
    assert!(
        dns.contains("`example.com` (public, 3 records, stays in the legacy account)"),
        "{dns}"
    );
    assert!(
        dns.contains("- `assets.example.com` CNAME (TTL 3600 s) points at `dev-assets`, which moves to dev"),
        "{dns}"
    );
    assert!(dns.contains("the current TTL (3600 s for the longest)"), "{dns}");
    // The A record points at nothing that moves.
    assert!(!dns.contains("www.example.com"), "{dns}");
}

#[test]
fn the_certificate_step_names_the_certificates_of_moving_load_balancers() {
    let (rb, _) = runbook(&account());
    let certs = step(&rb.markdown, "PREP-certificates");
    assert!(certs.contains("- `dev.example.com` for dev"), "{certs}");
    assert!(certs.contains("also `*.dev.example.com`"), "{certs}");
    assert!(certs.contains("used by dev-web"), "{certs}");
    assert!(!certs.contains("nothing uses it"), "{certs}");
}

#[test]
fn a_certificate_nothing_uses_is_listed_as_optional() {
    let mut inv = account();
    inv.resources.push(
        build::res(&arn("acm", "us-east-1", "certificate/c-2"), "acm:certificate")
            .in_region("us-east-1")
            .named("old.example.com")
            .tag("Environment", "dev")
            .attr("domain_name", "old.example.com")
            .attr("in_use", false)
            .attr("status", "PENDING_VALIDATION"),
    );
    inv.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    let (rb, _) = runbook(&inv);
    let certs = step(&rb.markdown, "PREP-certificates");
    assert!(
        certs.contains(
            "- `old.example.com` for dev: in `us-east-1`; nothing uses it, and its status is \
             `PENDING_VALIDATION`: request it only if a workload there needs it."
        ),
        "{certs}"
    );
    assert!(certs.contains("- `dev.example.com` for dev"), "{certs}");
}

#[test]
fn secrets_hygiene_and_baseline_say_what_the_scan_found() {
    let (rb, _) = runbook(&account());
    let secrets = step(&rb.markdown, "PREP-secrets");
    assert!(secrets.contains("- dev: 1 secret dev/db."), "{secrets}");
    let hygiene = step(&rb.markdown, "PREP-hygiene");
    assert!(
        hygiene.contains("The legacy account has the operations contact set, and no billing and security contact."),
        "{hygiene}"
    );
    let baseline = step(&rb.markdown, "PREP-security-baseline");
    assert!(
        baseline.contains(
            "1 trail `org-audit`; GuardDuty not enabled in `us-east-1`; Security Hub not enabled in `eu-west-1` \
             and `us-east-1`; IAM Access Analyzer not enabled in `us-east-1`. Turn on"
        ),
        "{baseline}"
    );
    assert!(baseline.contains("(1 bucket: `dev-assets`)"), "{baseline}");
    // The legacy trail is replaced by the organization trail, not recreated like a secret.
    let trail = step(&rb.markdown, "MOVE-log-archive/identities");
    assert!(
        trail.contains("replace these legacy ones, 1 trail (`org-audit`)"),
        "{trail}"
    );
    assert!(!trail.contains("recreate-secret"), "{trail}");
}

#[test]
fn moves_wait_for_the_prepare_phase_and_the_decommissioning_waits_for_the_moves() {
    let inv = account();
    let plan = classify(&inv, &Rules::default_rules());
    let input = RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: None,
        blind_spots: None,
        generated_at: "2025-11-20T10:00:00Z".into(),
    };
    let steps = steps::build(&facts::Facts::new(&input));
    let ids: Vec<&str> = steps.iter().map(|s| s.id.as_str()).collect();
    let waits = |id: &str, other: &str| steps::waits_for(&steps, id, other);
    let cutovers: Vec<&str> = ids.iter().copied().filter(|id| id.ends_with("/cutover")).collect();
    assert!(!cutovers.is_empty(), "{ids:?}");
    for cut in &cutovers {
        assert!(waits(cut, "PREP-certificates") && waits(cut, "PREP-dns"), "{cut}");
    }
    let copies: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| {
            id.starts_with("MOVE-dev/")
                && !id.ends_with("/network")
                && !id.ends_with("/cutover")
                && !id.ends_with("/cleanup")
        })
        .collect();
    assert!(!copies.is_empty(), "{ids:?}");
    for copy in &copies {
        assert!(waits(copy, "PREP-iam") && waits(copy, "PREP-secrets"), "{copy}");
    }
    for network in ids.iter().filter(|id| id.ends_with("/network")) {
        assert!(waits(network, "PREP-network-hub"), "{network}");
    }
    assert!(waits("DEC-leftovers", "MOVE-dev/cleanup"));
    assert!(waits("DEC-log-retention", "DEC-leftovers"));
    let pos = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(pos("JOIN-final-ou") < pos("PREP-network-hub"));
    assert!(pos("PREP-hygiene") < pos("MOVE-dev/cleanup"));
    assert!(pos("MOVE-dev/cleanup") < pos("DEC-leftovers") && pos("DEC-leftovers") < pos("DEC-log-retention"));
}

/// The identities step of a target says "check that PREP-x recreated it" for every type of
/// the shared table: each such type must really be listed by that step.
#[test]
fn every_type_an_identities_step_hands_to_a_preparation_step_is_listed_there() {
    let mut inv = account();
    for (i, (ty, _)) in steps::prepare::PREPARED.iter().enumerate() {
        let (service, rest) = ty.split_once(':').unwrap();
        let name = format!("probe-{i}");
        let region = if service == "iam" { "" } else { "us-east-1" };
        let mut r = build::res(&arn(service, region, &format!("{rest}/{name}")), ty)
            .named(&name)
            .tag("Environment", "dev")
            .attr("domain_name", format!("{name}.example.com"));
        r.region = (!region.is_empty()).then(|| region.to_owned());
        inv.resources.push(r);
    }
    inv.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    let (rb, _) = runbook(&inv);
    for (i, (ty, step_name)) in steps::prepare::PREPARED.iter().enumerate() {
        let text = step(&rb.markdown, &format!("PREP-{step_name}"));
        let needle = match *ty {
            // Policies are counted, not named.
            "iam:policy" => "customer-managed polic".to_owned(),
            _ => format!("probe-{i}"),
        };
        assert!(
            text.contains(&needle),
            "{ty}: PREP-{step_name} does not list {needle}:\n{text}"
        );
    }
}
