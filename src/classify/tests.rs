//! Behaviour of the whole classifier on small inventories: every convention and its variants,
//! propagation, conflicts, explicit rules, move groups, cross-target edges, determinism.

use super::*;
use crate::fsutil::to_json_bytes;
use crate::model::{Dependency, Resource, UnitKind};
use crate::testkit::build::*;

fn plan_of(resources: Vec<Resource>) -> Plan {
    classify(&inventory(resources), &Rules::default_rules())
}

fn plan_with(rules_extra: &str, resources: Vec<Resource>) -> Plan {
    let rules = Rules::parse(&format!("{DEFAULT_RULES_TOML}\n{rules_extra}"), "test rules").unwrap();
    classify(&inventory(resources), &rules)
}

fn row<'p>(plan: &'p Plan, arn: &str) -> &'p Assignment {
    plan.assignments
        .iter()
        .find(|a| a.arn == arn)
        .unwrap_or_else(|| panic!("no assignment for {arn}"))
}

const I: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-01";

// ---- convention 1: the environment tag ------------------------------------------------------

#[test]
fn every_environment_synonym_maps_to_its_target() {
    let table = [
        ("prod", "prod"),
        ("production", "prod"),
        ("prd", "prod"),
        ("live", "prod"),
        ("dev", "dev"),
        ("development", "dev"),
        ("test", "dev"),
        ("qa", "dev"),
        ("staging", "dev"),
        ("stage", "dev"),
        ("uat", "dev"),
        ("sandbox", "sandbox"),
        ("playground", "sandbox"),
        ("poc", "sandbox"),
        ("experiment", "sandbox"),
        ("shared", "shared"),
        ("shared-services", "shared"),
        ("tools", "shared"),
        ("infra", "shared"),
        ("network", "shared"),
    ];
    for (value, target) in table {
        for variant in [value.to_owned(), value.to_uppercase(), format!("  {value}\t")] {
            let plan = plan_of(vec![res(I, "ec2:instance").tag("Environment", &variant)]);
            let a = row(&plan, I);
            assert_eq!(a.target, target, "Environment={variant:?}");
            assert_eq!(a.rule, "env-tag");
            assert!(!a.needs_review, "Environment={variant:?}");
            assert_eq!(a.reason, format!("tag Environment='{variant}' matches {target}"));
        }
    }
}

#[test]
fn every_environment_key_spelling_is_recognised() {
    for key in [
        "Environment",
        "environment",
        "ENVIRONMENT",
        "env",
        "Env",
        "ENV",
        "stage",
        "Stage",
        "tier",
        "TIER",
        " Environment ",
    ] {
        let plan = plan_of(vec![res(I, "ec2:instance").tag(key, "dev")]);
        let a = row(&plan, I);
        assert_eq!((a.target.as_str(), a.rule.as_str()), ("dev", "env-tag"), "key {key:?}");
        assert_eq!(a.reason, format!("tag {key}='dev' matches dev"));
    }
}

#[test]
fn other_tag_keys_are_not_the_environment() {
    let plan = plan_of(vec![
        res(I, "ec2:instance").tag("Owner", "dev").tag("Environments", "dev"),
    ]);
    assert_eq!(row(&plan, I).rule, "no-signal");
}

#[test]
fn the_first_key_in_priority_order_decides_and_a_disagreement_is_flagged() {
    let plan = plan_of(vec![
        res(I, "ec2:instance").tag("Stage", "dev").tag("Environment", "Prod"),
    ]);
    let a = row(&plan, I);
    assert_eq!(a.target, "prod");
    assert!(a.needs_review);
    assert_eq!(
        a.reason,
        "tag Environment='Prod' matches prod; but tag Stage='dev' says dev"
    );
    assert_eq!(plan.review[0].decision, "make its environment tags agree");
}

#[test]
fn agreeing_environment_tags_need_no_review() {
    let plan = plan_of(vec![res(I, "ec2:instance").tag("Env", "qa").tag("Environment", "dev")]);
    let a = row(&plan, I);
    assert_eq!(a.target, "dev");
    assert!(!a.needs_review);
}

#[test]
fn an_unknown_environment_value_falls_through_to_name_tokens() {
    let plan = plan_of(vec![
        res(I, "ec2:instance").tag("Environment", "blue").named("web-dev-1"),
    ]);
    assert_eq!(row(&plan, I).rule, "name-token");
    let plan = plan_of(vec![res(I, "ec2:instance").tag("Environment", "blue")]);
    let a = row(&plan, I);
    assert_eq!(a.rule, "no-signal");
    assert_eq!(
        a.reason,
        "tag Environment='blue' names no known environment, and no name token or related resource does; \
         stays in prod for review"
    );
}

// ---- convention 2: name tokens --------------------------------------------------------------

#[test]
fn every_synonym_matches_as_a_name_token_with_every_separator() {
    let rules = Rules::default_rules();
    for target in &rules.targets {
        for synonym in &target.synonyms {
            for sep in ["-", "_", "."] {
                let name = format!("acme{sep}{}{sep}web01", synonym.to_uppercase());
                let plan = plan_of(vec![res(I, "ec2:instance").named(&name)]);
                let a = row(&plan, I);
                assert_eq!(a.target, target.name, "{name}");
                assert_eq!(a.rule, "name-token", "{name}");
                assert_eq!(
                    a.reason,
                    format!(
                        "name token '{}' in '{name}' matches {}",
                        synonym.to_uppercase(),
                        target.name
                    )
                );
            }
        }
    }
}

#[test]
fn a_multi_token_synonym_matches_across_the_separator() {
    let plan = plan_of(vec![bucket("acme-shared_services-artifacts")]);
    let a = row(&plan, "arn:aws:s3:::acme-shared_services-artifacts");
    assert_eq!(a.target, "shared");
    assert_eq!(
        a.reason,
        "name token 'shared_services' in 'acme-shared_services-artifacts' matches shared"
    );
}

#[test]
fn substrings_are_not_tokens() {
    for name in ["product-api", "devops-tools2", "latest", "prodigy", "contest-entries"] {
        let plan = plan_of(vec![bucket(name)]);
        let a = row(&plan, &format!("arn:aws:s3:::{name}"));
        assert_eq!(a.rule, "no-signal", "{name}");
        assert_eq!(a.target, "prod", "{name}");
        assert!(a.needs_review, "{name}");
    }
}

#[test]
fn the_leftmost_token_decides_and_other_targets_are_flagged() {
    let plan = plan_of(vec![bucket("prod-to-dev-sync")]);
    let a = row(&plan, "arn:aws:s3:::prod-to-dev-sync");
    assert_eq!(a.target, "prod");
    assert!(a.needs_review);
    assert_eq!(
        a.reason,
        "name token 'prod' in 'prod-to-dev-sync' matches prod; but name token 'dev' says dev"
    );
}

#[test]
fn the_environment_tag_beats_the_name() {
    let plan = plan_of(vec![res(I, "ec2:instance").named("prod-web").tag("Environment", "dev")]);
    assert_eq!(row(&plan, I).target, "dev");
    assert!(!row(&plan, I).needs_review);
}

#[test]
fn name_tokens_can_be_switched_off() {
    let text = DEFAULT_RULES_TOML.replace("enabled = true", "enabled = false");
    let rules = Rules::parse(&text, "x").unwrap();
    let plan = classify(&inventory(vec![bucket("acme-dev-data")]), &rules);
    assert_eq!(plan.assignments[0].rule, "no-signal");
}

// ---- convention 3: dependencies -------------------------------------------------------------

const SUBNET: &str = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-01";
const VPC: &str = "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-01";
const VOL: &str = "arn:aws:ec2:us-east-1:111122223333:volume/vol-01";
const ENI: &str = "arn:aws:ec2:us-east-1:111122223333:network-interface/eni-01";
const SG: &str = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-01";

fn stack(subnet_tag: Option<&str>, vpc_tag: Option<&str>) -> Vec<Resource> {
    let mut subnet = res(SUBNET, "ec2:subnet").rel("in-vpc", VPC);
    if let Some(t) = subnet_tag {
        subnet = subnet.tag("Environment", t);
    }
    let mut vpc = res(VPC, "ec2:vpc");
    if let Some(t) = vpc_tag {
        vpc = vpc.tag("Environment", t);
    }
    vec![
        vpc,
        subnet,
        res(I, "ec2:instance").rel("in-subnet", SUBNET).rel("in-vpc", VPC),
        res(VOL, "ec2:volume").rel("attached-to", I),
        res(ENI, "ec2:network-interface")
            .rel("attached-to", I)
            .rel("in-subnet", SUBNET),
    ]
}

#[test]
fn a_volume_and_interface_follow_their_instance_which_follows_its_subnet() {
    let plan = plan_of(stack(Some("dev"), None));
    let instance = row(&plan, I);
    assert_eq!((instance.target.as_str(), instance.rule.as_str()), ("dev", "follows"));
    assert_eq!(instance.reason, "follows subnet subnet-01 (dev) it is in");
    let volume = row(&plan, VOL);
    assert_eq!((volume.target.as_str(), volume.rule.as_str()), ("dev", "follows"));
    assert_eq!(volume.reason, "follows instance i-01 (dev) it is attached to");
    assert!(!volume.needs_review);
    assert_eq!(row(&plan, ENI).reason, "follows instance i-01 (dev) it is attached to");
}

#[test]
fn an_instance_follows_its_vpc_when_the_subnet_has_no_signal() {
    let plan = plan_of(stack(None, Some("sandbox")));
    assert_eq!(row(&plan, I).reason, "follows VPC vpc-01 (sandbox) it is in");
    assert_eq!(row(&plan, VOL).target, "sandbox");
    // The untagged subnet has no evidence of its own: it moves with its VPC (issue 17), so
    // the VPC is not split from what it holds.
    let subnet = row(&plan, SUBNET);
    assert_eq!((subnet.target.as_str(), subnet.rule.as_str()), ("sandbox", "follows"));
    assert_eq!(subnet.reason, "follows VPC vpc-01 (sandbox) it is in");
    assert!(!plan.review.iter().any(|r| r.arn == SUBNET));
}

#[test]
fn the_subnet_wins_over_the_vpc() {
    let plan = plan_of(stack(Some("dev"), Some("shared")));
    assert_eq!(row(&plan, I).target, "dev");
}

#[test]
fn a_tagged_volume_does_not_follow() {
    let mut resources = stack(Some("dev"), None);
    resources[3] = res(VOL, "ec2:volume").rel("attached-to", I).tag("env", "sandbox");
    let plan = plan_of(resources);
    assert_eq!(row(&plan, VOL).target, "sandbox");
    assert!(plan.cross_target.iter().any(|e| e.from_arn == VOL
        && e.kind == "attached-to"
        && e.to_target == "dev"
        && e.note == "attached to instance i-01, which goes to dev: move them together or detach"));
}

#[test]
fn nothing_to_follow_means_no_signal() {
    let plan = plan_of(stack(None, None));
    for arn in [I, VOL, ENI] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("prod", "no-signal", true)
        );
    }
    assert_eq!(
        row(&plan, VOL).reason,
        "no environment tag, name token or related resource with a target; stays in prod for review"
    );
}

#[test]
fn a_volume_attached_to_instances_of_two_targets_is_flagged() {
    let i2 = "arn:aws:ec2:us-east-1:111122223333:instance/i-02";
    let plan = plan_of(vec![
        res(I, "ec2:instance").tag("Environment", "dev"),
        res(i2, "ec2:instance").tag("Environment", "prod"),
        res(VOL, "ec2:volume").rel("attached-to", I).rel("attached-to", i2),
    ]);
    let a = row(&plan, VOL);
    assert_eq!(
        (a.target.as_str(), a.rule.as_str(), a.needs_review),
        ("prod", "no-signal", true)
    );
    assert!(
        a.reason
            .ends_with("; the resources it is attached to belong to several targets (prod and dev)"),
        "{}",
        a.reason
    );
}

#[test]
fn follow_cycles_and_long_chains_end_without_a_signal_or_a_panic() {
    // A custom rule lets volumes follow volumes: a 100,000-long chain and a 2-cycle.
    let extra = "[[follow]]\nresource_type = \"test:link\"\nrelations = [\"next\"]\n";
    let n = 100_000;
    let mut resources: Vec<Resource> = (0..n)
        .map(|i| res(&format!("arn:link/{i:06}"), "test:link").rel("next", &format!("arn:link/{:06}", i + 1)))
        .collect();
    resources.push(res(&format!("arn:link/{n:06}"), "test:link").tag("env", "dev"));
    resources.push(res("arn:cycle/a", "test:link").rel("next", "arn:cycle/b"));
    resources.push(res("arn:cycle/b", "test:link").rel("next", "arn:cycle/a"));
    let plan = plan_with(extra, resources);
    assert_eq!(row(&plan, "arn:link/000000").target, "dev");
    assert_eq!(
        row(&plan, "arn:link/000000").reason,
        "follows link 000001 (dev) it is related to (next); no catalog method for test:link: review how it moves"
    );
    assert_eq!(row(&plan, "arn:cycle/a").rule, "no-signal");
    assert_eq!(row(&plan, "arn:cycle/b").rule, "no-signal");
}

// ---- convention 4: purpose ------------------------------------------------------------------

#[test]
fn cloudtrail_and_config_buckets_go_to_log_archive() {
    for service in [
        "cloudtrail.amazonaws.com",
        "config.amazonaws.com",
        "CloudTrail.amazonaws.com",
    ] {
        let plan = plan_of(vec![
            bucket("acme-audit").attr("policy_write_services", serde_json::json!([service])),
        ]);
        let a = &plan.assignments[0];
        assert_eq!(
            (a.target.as_str(), a.rule.as_str()),
            ("log-archive", "purpose"),
            "{service}"
        );
        assert_eq!(
            a.reason,
            format!(
                "its policy lets {service} write, so it is a CloudTrail or AWS Config log bucket; goes to log-archive"
            )
        );
        assert_eq!(a.method, "replicate");
    }
}

#[test]
fn other_writers_are_not_a_purpose() {
    let plan =
        plan_of(vec![bucket("acme-audit").attr(
            "policy_write_services",
            serde_json::json!(["logging.s3.amazonaws.com"]),
        )]);
    assert_eq!(plan.assignments[0].rule, "no-signal");
}

#[test]
fn a_tagged_log_bucket_keeps_its_tag_but_is_flagged() {
    let plan =
        plan_of(vec![bucket("acme-trail").tag("Environment", "prod").attr(
            "policy_write_services",
            serde_json::json!(["cloudtrail.amazonaws.com"]),
        )]);
    let a = &plan.assignments[0];
    assert_eq!(a.target, "prod");
    assert!(a.needs_review);
    assert!(a.reason.ends_with(
        "but its policy lets cloudtrail.amazonaws.com write, which makes it a CloudTrail or AWS Config log bucket for log-archive"
    ));
    assert_eq!(plan.review[0].decision, "confirm whether it belongs in log-archive");
}

// ---- convention 5: no signal ----------------------------------------------------------------

#[test]
fn no_signal_stays_in_prod_for_review() {
    let plan = plan_of(vec![bucket("acme-data")]);
    let a = &plan.assignments[0];
    assert_eq!(a.target, "prod");
    assert_eq!(a.rule, "no-signal");
    assert!(a.needs_review);
    assert_eq!(a.reason, "no environment tag or name token; stays in prod for review");
    assert_eq!(a.method, "stay");
    assert_eq!((a.workload.as_ref(), a.unit.as_ref()), (None, None));
    assert_eq!(plan.review.len(), 1);
    assert_eq!(
        plan.review[0].decision,
        "tag it (for example Environment=dev) or add an explicit rule; left alone it stays in prod"
    );
}

// ---- conflicts ------------------------------------------------------------------------------

#[test]
fn a_vpc_used_by_two_targets_stays_in_prod_as_a_conflict() {
    let i2 = "arn:aws:ec2:us-east-1:111122223333:instance/i-02";
    let plan = plan_of(vec![
        res(VPC, "ec2:vpc").tag("Environment", "dev"),
        res(I, "ec2:instance").rel("in-vpc", VPC).tag("Environment", "dev"),
        res(i2, "ec2:instance").rel("in-vpc", VPC).tag("Environment", "prod"),
    ]);
    let vpc = row(&plan, VPC);
    assert_eq!(
        (vpc.target.as_str(), vpc.rule.as_str(), vpc.needs_review),
        ("prod", "conflict", true)
    );
    assert_eq!(
        vpc.reason,
        "used by prod and dev resources, so it stays in prod; dev workloads need their own VPC in dev"
    );
    assert_eq!(vpc.method, "stay");
    assert_eq!(
        vpc.method_notes,
        "stays in the legacy account; recreate a VPC in dev for the workloads there"
    );
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.conflicts[0].used_by, ["dev", "prod"]);
    assert_eq!(plan.conflicts[0].arn, VPC);
    let review = plan.review.iter().find(|r| r.arn == VPC).unwrap();
    assert_eq!(
        review.decision,
        "recreate the VPC in dev before moving their resources, or split its users"
    );
    // The dev instance's dependency on the prod VPC is listed.
    let edge = plan.cross_target.iter().find(|e| e.from_arn == I).unwrap();
    assert_eq!(edge.note, "dev needs its own VPC in dev: VPC vpc-01 stays in prod");
}

#[test]
fn subnet_and_security_group_users_reach_the_vpc() {
    let s2 = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-02";
    let plan = plan_of(vec![
        res(VPC, "ec2:vpc"),
        res(SUBNET, "ec2:subnet").rel("in-vpc", VPC),
        res(s2, "ec2:subnet").rel("in-vpc", VPC),
        res(SG, "ec2:security-group").rel("in-vpc", VPC),
        res(I, "ec2:instance")
            .rel("in-subnet", SUBNET)
            .rel("has-security-group", SG)
            .tag("env", "sandbox"),
        res(ENI, "ec2:network-interface")
            .rel("in-subnet", s2)
            .tag("env", "shared"),
    ]);
    let vpc = row(&plan, VPC);
    assert_eq!(vpc.rule, "conflict");
    assert_eq!(
        vpc.reason,
        "used by shared and sandbox resources, so it stays in prod; shared workloads need their own VPC in shared; \
         sandbox workloads need their own VPC in sandbox"
    );
    // Each subnet and the group has one user target: not a conflict. Without evidence of their
    // own, they go with their users.
    for (arn, target) in [(SUBNET, "sandbox"), (SG, "sandbox"), (s2, "shared")] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            (target, "used-by", false),
            "{arn}"
        );
    }
    assert_eq!(
        row(&plan, SUBNET).reason,
        "used only by sandbox resources, such as instance i-01, so it goes to sandbox with them"
    );
    assert_eq!(plan.conflicts.len(), 1);
}

#[test]
fn a_security_group_shared_by_two_targets_is_a_conflict() {
    let i2 = "arn:aws:ec2:us-east-1:111122223333:instance/i-02";
    let plan = plan_of(vec![
        res(SG, "ec2:security-group").tag("Environment", "dev"),
        res(I, "ec2:instance")
            .rel("has-security-group", SG)
            .tag("Environment", "dev"),
        res(i2, "ec2:instance")
            .rel("has-security-group", SG)
            .tag("Environment", "qa"),
        res(ENI, "ec2:network-interface")
            .rel("has-security-group", SG)
            .tag("Environment", "live"),
    ]);
    let sg = row(&plan, SG);
    assert_eq!(sg.rule, "conflict");
    assert!(
        sg.reason
            .ends_with("dev workloads need their own security group in dev"),
        "{}",
        sg.reason
    );
    let edge = plan
        .cross_target
        .iter()
        .find(|e| e.from_arn == I && e.kind == "has-security-group")
        .unwrap();
    assert_eq!(edge.to_target, "prod");
    assert_eq!(edge.note, "recreate security group sg-01 in dev: it stays in prod");
}

#[test]
fn one_user_target_is_not_a_conflict() {
    let plan = plan_of(stack(Some("dev"), Some("dev")));
    assert!(plan.conflicts.is_empty());
    assert_eq!(row(&plan, VPC).target, "dev");
}

// ---- explicit rules -------------------------------------------------------------------------

#[test]
fn explicit_rules_override_every_convention() {
    let tgw = "arn:aws:ec2:us-east-1:111122223333:transit-gateway/tgw-01";
    let extra = r#"
[[rules]]
id = "network-hub"
target = "shared"
resource_type = "ec2:transit-gateway"
reason = "the hub of the new network"
"#;
    let plan = plan_with(extra, vec![res(tgw, "ec2:transit-gateway").tag("Environment", "prod")]);
    let a = row(&plan, tgw);
    assert_eq!((a.target.as_str(), a.rule.as_str()), ("shared", "explicit:network-hub"));
    assert_eq!(
        a.reason,
        "explicit rule 'network-hub' (resource_type ec2:transit-gateway) sends it to shared: the hub of the new network"
    );
    assert!(!a.needs_review);
}

#[test]
fn the_first_matching_explicit_rule_wins() {
    let extra = r#"
[[rules]]
id = "eu-sandbox"
target = "sandbox"
region = "eu-*"

[[rules]]
id = "all-buckets"
target = "security"
resource_type = "s3:*"
review = true
"#;
    let plan = plan_with(
        extra,
        vec![
            bucket("eu-one").attr("location", "eu-west-1"),
            bucket("us-one").attr("location", ""),
        ],
    );
    assert_eq!(row(&plan, "arn:aws:s3:::eu-one").rule, "explicit:eu-sandbox");
    let us = row(&plan, "arn:aws:s3:::us-one");
    assert_eq!(
        (us.target.as_str(), us.rule.as_str(), us.needs_review),
        ("security", "explicit:all-buckets", true)
    );
    assert_eq!(
        plan.review
            .iter()
            .find(|r| r.arn == "arn:aws:s3:::us-one")
            .unwrap()
            .decision,
        "confirm explicit rule 'all-buckets'"
    );
}

#[test]
fn explicit_conditions_table() {
    let extra = r#"
[[rules]]
id = "team"
target = "shared"
tag_key = "TEAM"
tag_value = "platform*"

[[rules]]
id = "ci-name"
target = "shared"
name = "^ci-[0-9]+$"

[[rules]]
id = "by-arn"
target = "sandbox"
arn = "arn:aws:ec2:*:*:instance/i-9*"

[[rules]]
id = "any-value"
target = "security"
tag_value = "guardduty"
"#;
    let cases: Vec<(Resource, &str)> = vec![
        (
            res("arn:a/1", "ec2:instance").tag("team", " Platform-Core "),
            "explicit:team",
        ),
        (res("arn:a/2", "ec2:instance").tag("team", "data"), "no-signal"),
        (res("arn:a/3", "ec2:instance").named("ci-42"), "explicit:ci-name"),
        (res("arn:a/4", "ec2:instance").named("ci-42-old"), "no-signal"),
        (
            res("arn:aws:ec2:eu-west-1:111122223333:instance/i-9abc", "ec2:instance"),
            "explicit:by-arn",
        ),
        (
            res("arn:a/5", "kms:key").tag("Purpose", "GuardDuty"),
            "explicit:any-value",
        ),
    ];
    for (resource, rule) in cases {
        let arn = resource.arn.clone();
        let plan = plan_with(extra, vec![resource]);
        assert_eq!(row(&plan, &arn).rule, rule, "{arn}");
    }
}

#[test]
fn an_explicit_rule_keeps_a_conflicting_vpc_but_flags_it() {
    let i2 = "arn:aws:ec2:us-east-1:111122223333:instance/i-02";
    let extra = "[[rules]]\nid = \"hub\"\ntarget = \"shared\"\nresource_type = \"ec2:vpc\"\n";
    let plan = plan_with(
        extra,
        vec![
            res(VPC, "ec2:vpc"),
            res(I, "ec2:instance").rel("in-vpc", VPC).tag("Environment", "dev"),
            res(i2, "ec2:instance").rel("in-vpc", VPC).tag("Environment", "prod"),
        ],
    );
    let vpc = row(&plan, VPC);
    assert_eq!(
        (vpc.target.as_str(), vpc.rule.as_str(), vpc.needs_review),
        ("shared", "explicit:hub", true)
    );
    assert!(
        vpc.reason.ends_with("; but prod and dev resources use it"),
        "{}",
        vpc.reason
    );
    assert_eq!(plan.conflicts.len(), 1);
}

#[test]
fn renamed_targets_flow_through_the_plan() {
    let text = DEFAULT_RULES_TOML
        .replace("name = \"prod\"", "name = \"production\"")
        .replace("\"prod\", \"production\", ", "\"prod\", ");
    let rules = Rules::parse(&text, "x").unwrap();
    let plan = classify(&inventory(vec![bucket("acme-data")]), &rules);
    assert_eq!(plan.assignments[0].target, "production");
    assert_eq!(
        plan.assignments[0].reason,
        "no environment tag or name token; stays in production for review"
    );
    assert_eq!(plan.environment.synonyms["prod"], "production");
}

// ---- methods --------------------------------------------------------------------------------

#[test]
fn an_unknown_type_that_moves_is_recreated_and_reviewed() {
    let plan = plan_of(vec![
        res("arn:aws:quantum:us-east-1:111122223333:ledger/l1", "quantum:ledger").tag("env", "dev"),
        res("arn:aws:quantum:us-east-1:111122223333:ledger/l2", "quantum:ledger").tag("env", "prod"),
    ]);
    let moving = row(&plan, "arn:aws:quantum:us-east-1:111122223333:ledger/l1");
    assert_eq!((moving.method.as_str(), moving.needs_review), ("recreate", true));
    assert!(
        moving
            .reason
            .ends_with("; no catalog method for quantum:ledger: review how it moves")
    );
    assert_eq!(moving.workload.as_deref(), Some("dev/unassigned-us-east-1"));
    assert!(
        moving.unit.as_deref().is_some_and(|u| u.starts_with("dev/ledger-")),
        "{:?}",
        moving.unit
    );
    let staying = row(&plan, "arn:aws:quantum:us-east-1:111122223333:ledger/l2");
    assert_eq!((staying.method.as_str(), staying.needs_review), ("stay", false));
}

#[test]
fn tagging_only_types_get_their_service_method() {
    let cases = [
        (
            "arn:aws:rds:us-east-1:111122223333:db:orders",
            "rds:db",
            "share-rds-snapshot",
        ),
        (
            "arn:aws:lambda:us-east-1:111122223333:function:f",
            "lambda:function",
            "redeploy",
        ),
        (
            "arn:aws:dynamodb:us-east-1:111122223333:table/t",
            "dynamodb:table",
            "export-import",
        ),
        (
            "arn:aws:ecr:us-east-1:111122223333:repository/r",
            "ecr:repository",
            "replicate-images",
        ),
        ("arn:aws:kms:us-east-1:111122223333:key/k", "kms:key", "recreate-key"),
        (
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:s",
            "secretsmanager:secret",
            "recreate-secret",
        ),
    ];
    for (arn, ty, method) in cases {
        let plan = plan_of(vec![res(arn, ty).tag("Environment", "dev")]);
        assert_eq!(plan.assignments[0].method, method, "{ty}");
        assert!(!plan.assignments[0].needs_review, "{ty}");
    }
}

// ---- move groups and cross-target edges -----------------------------------------------------

#[test]
fn a_dev_stack_moves_as_a_landing_network_and_one_instance_unit() {
    let mut resources = stack(Some("dev"), Some("dev"));
    resources.push(res(SG, "ec2:security-group").rel("in-vpc", VPC).tag("env", "dev"));
    let plan = plan_of(resources);
    let units: Vec<(&str, UnitKind, Vec<&str>)> = plan
        .units
        .iter()
        .map(|u| (u.id.as_str(), u.kind, u.resources.iter().map(Shared::as_str).collect()))
        .collect();
    assert_eq!(
        units,
        [
            ("dev/network-us-east-1", UnitKind::LandingNetwork, vec![SG, SUBNET, VPC]),
            ("dev/instance-b2656e", UnitKind::Compute, vec![I, ENI, VOL]),
        ]
    );
    assert_eq!(plan.units[1].method, "share-ami", "the AMI carries the volume");
    assert_eq!(
        plan.units[1].depends_on,
        [Dependency::Unit("dev/network-us-east-1".into())]
    );
    let workload = plan.workloads.iter().find(|w| w.id == plan.units[1].workload).unwrap();
    assert_eq!(workload.cutover_after, [Dependency::Unit(plan.units[1].id.clone())]);
    assert_eq!(row(&plan, VOL).unit, row(&plan, I).unit);
    assert_eq!(row(&plan, ENI).unit, row(&plan, I).unit);
    assert!(plan.cross_target.is_empty());
}

#[test]
fn a_unit_never_takes_a_name_the_runbook_gives_its_own_steps() {
    let names = ["identities", "cleanup", "network-us-east-1", "web"];
    let resources: Vec<Resource> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            res(&format!("arn:aws:sqs:us-east-1:111122223333:q{i}"), "sqs:queue")
                .named(name)
                .tag("Environment", "dev")
        })
        .collect();
    let plan = plan_of(resources);
    let ids: std::collections::BTreeSet<&str> = plan.units.iter().map(|u| u.id.as_str()).collect();
    for reserved in ["dev/identities", "dev/cleanup", "dev/network-us-east-1"] {
        assert!(!ids.contains(reserved), "{reserved} in {ids:?}");
        assert!(ids.iter().any(|id| id.starts_with(&format!("{reserved}-"))), "{ids:?}");
    }
    assert!(ids.contains("dev/web"), "{ids:?}");
}

#[test]
fn a_landing_network_lists_the_routing_of_its_vpc_and_nothing_of_another() {
    let rt = "arn:aws:ec2:us-east-1:111122223333:route-table/rtb-01";
    let igw = "arn:aws:ec2:us-east-1:111122223333:internet-gateway/igw-01";
    let pcx = "arn:aws:ec2:us-east-1:111122223333:vpc-peering-connection/pcx-01";
    let other_vpc = "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-02";
    let other_rt = "arn:aws:ec2:us-east-1:111122223333:route-table/rtb-02";
    let mut resources = stack(Some("dev"), Some("dev"));
    resources.extend([
        res(rt, "ec2:route-table").rel("in-vpc", VPC),
        res(igw, "ec2:internet-gateway").rel("in-vpc", VPC),
        res(pcx, "ec2:vpc-peering-connection")
            .rel("connects", VPC)
            .rel("connects", other_vpc),
        res(other_vpc, "ec2:vpc").tag("Environment", "prod"),
        res(other_rt, "ec2:route-table").rel("in-vpc", other_vpc),
    ]);
    let plan = plan_of(resources);
    let landing = plan
        .landing_networks
        .iter()
        .find(|l| l.unit == "dev/network-us-east-1")
        .unwrap();
    let vpc = landing.vpcs.iter().find(|v| v.arn == VPC).unwrap();
    assert_eq!(
        vpc.routing,
        [igw, rt, pcx],
        "sorted by ARN, the other VPC's route table left out"
    );
}

#[test]
fn a_snapshot_of_a_prod_volume_assigned_elsewhere_is_a_cross_target_edge() {
    let snap = "arn:aws:ec2:us-east-1:111122223333:snapshot/snap-01";
    let plan = plan_of(vec![
        res(VOL, "ec2:volume").tag("Environment", "prod"),
        res(snap, "ec2:snapshot")
            .rel("from-volume", VOL)
            .tag("Environment", "test")
            .attr("encrypted", true),
    ]);
    assert_eq!(plan.cross_target.len(), 1);
    let edge = &plan.cross_target[0];
    assert_eq!(
        (edge.from_target.as_str(), edge.kind.as_str(), edge.to_target.as_str()),
        ("dev", "from-volume", "prod")
    );
    assert_eq!(
        edge.note,
        "made from volume vol-01, which stays in prod: share a copy with dev"
    );
    let a = row(&plan, snap);
    assert_eq!(a.method, "share-snapshot");
    assert!(
        a.method_notes
            .contains("default AWS-managed key, which cannot be shared")
    );
}

#[test]
fn a_moving_bucket_whose_policy_names_the_account_gets_an_edge() {
    let plan = plan_of(vec![
        bucket("acme-dev-assets").attr("policy_account_ids", serde_json::json!([ACCOUNT_ID])),
        bucket("acme-prod-assets").attr("policy_account_ids", serde_json::json!([ACCOUNT_ID])),
    ]);
    assert_eq!(plan.cross_target.len(), 1);
    let edge = &plan.cross_target[0];
    assert_eq!(edge.kind, "policy-names-account");
    assert_eq!(edge.from_arn, "arn:aws:s3:::acme-dev-assets");
    assert_eq!(edge.to_arn, "arn:aws:iam::111122223333:root");
    assert_eq!(edge.to_target, "prod");
    assert_eq!(
        edge.note,
        "the policy of bucket acme-dev-assets names the legacy account 111122223333: rewrite it for the dev account after the move"
    );
}

// ---- plan shape and determinism -------------------------------------------------------------

fn mixed() -> Vec<Resource> {
    let mut resources = stack(Some("dev"), None);
    resources.extend([
        bucket("acme-prod-web"),
        bucket("acme-sandbox-x"),
        bucket("zeta-logs").attr("policy_write_services", serde_json::json!(["config.amazonaws.com"])),
        bucket("untagged-data"),
        res(SG, "ec2:security-group").rel("in-vpc", VPC),
        res(
            "arn:aws:ec2:us-east-1:111122223333:elastic-ip/eipalloc-01",
            "ec2:elastic-ip",
        )
        .rel("associated-with", I)
        .tag("Environment", "UAT"),
    ]);
    resources
}

#[test]
fn assignments_are_sorted_by_target_then_arn_and_counted() {
    let plan = plan_of(mixed());
    let keys: Vec<(&str, &str)> = plan
        .assignments
        .iter()
        .map(|a| (a.target.as_str(), a.arn.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let counts: Vec<(&str, usize, usize)> = plan
        .targets
        .iter()
        .map(|t| (t.name.as_str(), t.resources, t.needs_review))
        .collect();
    assert_eq!(
        counts,
        [
            ("prod", 2, 1),
            ("dev", 7, 0),
            ("shared", 0, 0),
            ("sandbox", 1, 0),
            ("security", 0, 0),
            ("log-archive", 1, 0)
        ]
    );
    // The untagged VPC is used only by dev resources, so it goes to dev with them, and takes
    // its untagged security group along: only the untagged bucket is left for review.
    assert_eq!(row(&plan, VPC).rule, "used-by");
    assert_eq!(row(&plan, SG).rule, "follows");
    let review: Vec<&str> = plan.review.iter().map(|r| r.arn.as_str()).collect();
    let mut sorted_review = review.clone();
    sorted_review.sort();
    assert_eq!(review, sorted_review);
    assert_eq!(review, ["arn:aws:s3:::untagged-data"]);
    assert_eq!(plan.account_id, ACCOUNT_ID);
    assert_eq!(plan.inventory_scanned_at, "2026-01-01T00:00:00Z");
    assert!(plan.targets[0].stays_in_legacy);
}

#[test]
fn the_same_input_in_any_order_gives_byte_identical_outputs() {
    let rules = Rules::default_rules();
    let inv = inventory(mixed());
    let first = classify(&inv, &rules);
    let again = classify(&inv, &rules);
    let mut shuffled = inv.clone();
    shuffled.resources.reverse();
    shuffled.resources.swap(0, 3);
    let third = classify(&shuffled, &rules);
    for plan in [&again, &third] {
        assert_eq!(to_json_bytes(&first), to_json_bytes(plan));
        assert_eq!(assignments_csv(&first), assignments_csv(plan));
    }
}

#[test]
fn csv_has_the_documented_columns_and_quotes_commas() {
    let plan = plan_of(vec![bucket("acme-data")]);
    let csv = assignments_csv(&plan);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "arn,resource_type,region,name,target,needs_review,reason,rule,workload,unit,method,method_notes"
    );
    assert_eq!(
        lines.next().unwrap(),
        "arn:aws:s3:::acme-data,s3:bucket,,acme-data,prod,true,\
         no environment tag or name token; stays in prod for review,no-signal,,,stay,stays in the legacy account"
    );
    assert_eq!(lines.next(), None);
    let plan = plan_of(mixed());
    let parsed: Vec<csv::StringRecord> = csv::Reader::from_reader(assignments_csv(&plan).as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(parsed.len(), plan.assignments.len());
    let eip = parsed
        .iter()
        .find(|r| &r[0] == "arn:aws:ec2:us-east-1:111122223333:elastic-ip/eipalloc-01")
        .unwrap();
    assert_eq!(&eip[10], "transfer");
    assert!(eip[11].contains("Elastic IP transfer to the dev account"));
    // The Elastic IP moves in its instance's unit, in that unit's workload.
    let instance = parsed
        .iter()
        .find(|r| r[0].contains(":instance/") && r[9] == eip[9])
        .expect("the EIP's unit is an instance's");
    assert_eq!(&instance[8], &eip[8]);
}

#[test]
fn write_outputs_writes_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_of(mixed());
    write_outputs(&plan, &crate::layout::Layout::new(dir.path().join("out"))).unwrap();
    let json = std::fs::read(dir.path().join("out/plan.json")).unwrap();
    let back: Plan = serde_json::from_slice(&json).unwrap();
    assert_eq!(back, plan);
    let csv = std::fs::read_to_string(dir.path().join("out/assignments.csv")).unwrap();
    assert_eq!(csv, assignments_csv(&plan));
}

#[test]
fn an_empty_inventory_gives_an_empty_plan() {
    let plan = plan_of(vec![]);
    assert!(
        plan.assignments.is_empty() && plan.units.is_empty() && plan.workloads.is_empty() && plan.review.is_empty()
    );
    assert_eq!(plan.targets.len(), 6);
    assert_eq!(assignments_csv(&plan).lines().count(), 1);
}

// ---- AWS-created defaults --------------------------------------------------------------------

const DEFAULT_VPC: &str = "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-default";
const APP_VPC: &str = "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-app";

fn default_vpc_parts() -> Vec<Resource> {
    vec![
        res(DEFAULT_VPC, "ec2:vpc").attr("is_default", true),
        res("arn:aws:ec2:us-east-1:111122223333:subnet/subnet-d1", "ec2:subnet")
            .attr("default_for_az", true)
            .rel("in-vpc", DEFAULT_VPC),
        res(
            "arn:aws:ec2:us-east-1:111122223333:security-group/sg-d1",
            "ec2:security-group",
        )
        .attr("group_name", "default")
        .rel("in-vpc", DEFAULT_VPC),
        res(
            "arn:aws:ec2:us-east-1:111122223333:internet-gateway/igw-d1",
            "ec2:internet-gateway",
        )
        .rel("in-vpc", DEFAULT_VPC),
    ]
}

#[test]
fn the_default_vpc_and_its_parts_stay_without_review() {
    let plan = plan_of(default_vpc_parts());
    for a in &plan.assignments {
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("prod", "aws-default", false),
            "{}",
            a.arn
        );
        assert_eq!(a.method, "stay");
    }
    assert!(
        row(&plan, DEFAULT_VPC)
            .reason
            .starts_with("the default VPC of us-east-1")
    );
    assert!(plan.review.is_empty());
}

#[test]
fn what_a_person_made_in_the_default_vpc_is_not_aws_default_and_goes_to_review() {
    let mut resources = default_vpc_parts();
    let hand_subnet = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-hand";
    let wizard = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-wizard";
    resources.push(
        res(hand_subnet, "ec2:subnet")
            .attr("default_for_az", false)
            .rel("in-vpc", DEFAULT_VPC),
    );
    resources.push(
        res(wizard, "ec2:security-group")
            .attr("group_name", "launch-wizard-1")
            .rel("in-vpc", DEFAULT_VPC),
    );
    let plan = plan_of(resources);
    for arn in [hand_subnet, wizard] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("prod", "no-signal", true),
            "{arn}"
        );
    }
    // AWS's own parts of the same VPC stay without review.
    let subnet = row(&plan, "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-d1");
    assert_eq!((subnet.rule.as_str(), subnet.needs_review), ("aws-default", false));
    let group = row(&plan, "arn:aws:ec2:us-east-1:111122223333:security-group/sg-d1");
    assert_eq!((group.rule.as_str(), group.needs_review), ("aws-default", false));
}

#[test]
fn a_tagged_resource_in_the_default_vpc_is_still_decided_by_its_tag() {
    let mut resources = default_vpc_parts();
    resources[1] = resources[1].clone().tag("env", "dev");
    let plan = plan_of(resources);
    assert_eq!(
        row(&plan, "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-d1").target,
        "dev"
    );
}

#[test]
fn the_default_vpc_used_by_two_targets_is_still_a_conflict() {
    let mut resources = default_vpc_parts();
    for (n, env) in [("1", "dev"), ("2", "prod")] {
        resources.push(
            res(
                &format!("arn:aws:ec2:us-east-1:111122223333:instance/i-{n}"),
                "ec2:instance",
            )
            .tag("Environment", env)
            .rel("in-vpc", DEFAULT_VPC),
        );
    }
    let plan = plan_of(resources);
    let vpc = row(&plan, DEFAULT_VPC);
    assert_eq!((vpc.rule.as_str(), vpc.needs_review), ("conflict", true));
}

#[test]
fn a_vpcs_default_security_group_goes_where_the_vpc_goes() {
    let sg = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-app-default";
    let plan = plan_of(vec![
        res(APP_VPC, "ec2:vpc").tag("Environment", "dev"),
        res(sg, "ec2:security-group")
            .attr("group_name", "default")
            .rel("in-vpc", APP_VPC),
    ]);
    let a = row(&plan, sg);
    assert_eq!(
        (a.target.as_str(), a.rule.as_str(), a.needs_review),
        ("dev", "aws-default", false)
    );
    assert!(a.reason.contains("VPC vpc-app (dev)"), "{}", a.reason);
    assert_eq!(
        a.unit.as_deref(),
        Some("dev/network-us-east-1"),
        "the group is recreated with its VPC, in the landing network"
    );
    assert_eq!(row(&plan, APP_VPC).unit, a.unit);
}

#[test]
fn a_vpcs_main_route_table_and_default_network_acl_go_where_the_vpc_goes() {
    let main = "arn:aws:ec2:us-east-1:111122223333:route-table/rtb-main";
    let custom = "arn:aws:ec2:us-east-1:111122223333:route-table/rtb-custom";
    let acl = "arn:aws:ec2:us-east-1:111122223333:network-acl/acl-default";
    let plan = plan_of(vec![
        res(APP_VPC, "ec2:vpc").tag("Environment", "dev"),
        res(main, "ec2:route-table").attr("main", true).rel("in-vpc", APP_VPC),
        res(custom, "ec2:route-table")
            .attr("main", false)
            .rel("in-vpc", APP_VPC),
        res(acl, "ec2:network-acl")
            .attr("is_default", true)
            .rel("in-vpc", APP_VPC),
    ]);
    for (arn, what) in [(main, "main route table"), (acl, "default network ACL")] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("dev", "aws-default", false),
            "{arn}"
        );
        assert!(
            a.reason.starts_with(&format!("the {what} of VPC vpc-app (dev)")),
            "{}",
            a.reason
        );
    }
    // A custom table with no evidence of its own moves with its VPC.
    let a = row(&plan, custom);
    assert_eq!(
        (a.target.as_str(), a.rule.as_str(), a.needs_review),
        ("dev", "follows", false),
        "a custom table follows its moving VPC"
    );
}

#[test]
fn the_regions_default_dhcp_options_stay_without_review() {
    let aws_made = "arn:aws:ec2:us-east-1:111122223333:dhcp-options/dopt-aws";
    let custom = "arn:aws:ec2:us-east-1:111122223333:dhcp-options/dopt-corp";
    let plan = plan_of(vec![
        res(aws_made, "ec2:dhcp-options").attr("is_default", true),
        res(custom, "ec2:dhcp-options").attr("is_default", false),
    ]);
    let a = row(&plan, aws_made);
    assert_eq!(
        (a.target.as_str(), a.rule.as_str(), a.needs_review),
        ("prod", "aws-default", false)
    );
    assert!(
        a.reason.starts_with("the default DHCP options of us-east-1"),
        "{}",
        a.reason
    );
    assert!(row(&plan, custom).needs_review);
}

#[test]
fn service_linked_roles_stay_without_review() {
    let linked = "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport";
    let custom = "arn:aws:iam::111122223333:role/app";
    let plan = plan_of(vec![
        res(linked, "iam:role").attr("service_linked", true),
        res(custom, "iam:role").attr("service_linked", false),
    ]);
    let a = row(&plan, linked);
    assert_eq!(
        (a.target.as_str(), a.rule.as_str(), a.needs_review),
        ("prod", "aws-default", false)
    );
    assert!(a.reason.starts_with("a service-linked role"), "{}", a.reason);
    assert!(row(&plan, custom).needs_review);
}

#[test]
fn an_untagged_custom_security_group_still_needs_review() {
    let sg = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-web";
    let plan = plan_of(vec![
        res(APP_VPC, "ec2:vpc"),
        res(sg, "ec2:security-group")
            .attr("group_name", "web")
            .rel("in-vpc", APP_VPC),
    ]);
    assert_eq!(
        (row(&plan, sg).rule.as_str(), row(&plan, sg).needs_review),
        ("no-signal", true)
    );
}

// ---- landing networks and lone resources ---------------------------------------------------

#[test]
fn dev_groups_in_a_vpc_that_stays_behind_build_a_copy_of_its_layout() {
    let sgs: Vec<String> = (1..=3)
        .map(|n| format!("arn:aws:ec2:us-east-1:111122223333:security-group/sg-{n}"))
        .collect();
    let mut resources: Vec<Resource> = sgs
        .iter()
        .map(|arn| res(arn, "ec2:security-group").tag("env", "dev").rel("in-vpc", APP_VPC))
        .collect();
    resources.push(
        res(APP_VPC, "ec2:vpc")
            .tag("env", "prod")
            .attr("cidr_block", "10.1.0.0/16"),
    );
    let plan = plan_of(resources);
    for arn in &sgs {
        assert_eq!(row(&plan, arn).unit.as_deref(), Some("dev/network-us-east-1"));
    }
    assert_eq!(plan.units.len(), 1);
    let landing = &plan.landing_networks[0];
    assert_eq!((landing.vpcs[0].arn.as_str(), landing.vpcs[0].moves), (APP_VPC, false));
    // The copy in dev would overlap its original in prod.
    assert_eq!(plan.cidr_overlaps.len(), 1);
    assert_eq!(
        (
            plan.cidr_overlaps[0].a.target.as_str(),
            plan.cidr_overlaps[0].b.target.as_str()
        ),
        ("dev", "prod")
    );
}

#[test]
fn lone_volumes_are_units_of_their_own_in_one_workload_per_region() {
    let vol = |region: &str, n: u32| {
        let mut volume = res(
            &format!("arn:aws:ec2:{region}:111122223333:volume/vol-{n}"),
            "ec2:volume",
        );
        volume.region = Some(region.to_owned());
        volume.tag("env", "dev")
    };
    let plan = plan_of(vec![
        vol("us-east-1", 1),
        vol("us-east-1", 2),
        vol("eu-west-1", 3),
        vol("eu-west-1", 4),
    ]);
    assert_eq!(plan.units.len(), 4, "{:?}", plan.units);
    assert!(plan.units.iter().all(|u| u.resources.len() == 1));
    let workloads: Vec<&str> = plan.workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(workloads, ["dev/unassigned-eu-west-1", "dev/unassigned-us-east-1"]);
}

#[test]
fn self_relations_duplicate_arns_and_dangling_relations_do_not_panic() {
    let mut inv = inventory(vec![
        res(I, "ec2:instance").rel("in-subnet", I).rel("in-vpc", "arn:nowhere"),
        res(VPC, "ec2:vpc").rel("in-vpc", VPC).tag("env", "dev"),
    ]);
    inv.resources.push(res(VPC, "ec2:vpc").tag("env", "sandbox"));
    let plan = classify(&inv, &Rules::default_rules());
    assert_eq!(plan.assignments.len(), 3);
    assert_eq!(row(&plan, I).rule, "no-signal");
    // Each copy of the duplicated ARN is placed on its own evidence.
    let vpc_targets: Vec<&str> = plan
        .assignments
        .iter()
        .filter(|a| a.arn == VPC)
        .map(|a| a.target.as_str())
        .collect();
    assert_eq!(vpc_targets, ["dev", "sandbox"]);
}
