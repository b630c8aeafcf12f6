//! Classification of the issue-12 service types (KMS, RDS, Lambda, DynamoDB, load balancers):
//! AWS-managed keys, and the dependency rules for identities, keys, load balancers and event
//! source mappings.

use super::*;
use crate::model::Resource;
use crate::testkit::build::*;

pub(super) fn plan_of(resources: Vec<Resource>) -> Plan {
    classify(&inventory(resources), &Rules::default_rules())
}

pub(super) fn row<'p>(plan: &'p Plan, arn: &str) -> &'p Assignment {
    plan.assignments
        .iter()
        .find(|a| a.arn == arn)
        .unwrap_or_else(|| panic!("no assignment for {arn}"))
}

const AWS_KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/aws-rds";
const APP_KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/app";

#[test]
fn aws_managed_keys_stay_without_review() {
    let plan = plan_of(vec![
        res(AWS_KEY, "kms:key").attr("aws_managed", true),
        res(APP_KEY, "kms:key").attr("aws_managed", false),
    ]);
    let a = row(&plan, AWS_KEY);
    assert_eq!(
        (a.target.as_str(), a.rule.as_str(), a.needs_review),
        ("prod", "aws-default", false)
    );
    assert!(a.reason.starts_with("an AWS-managed key"), "{}", a.reason);
    assert!(
        row(&plan, APP_KEY).needs_review,
        "a customer key without a signal needs review"
    );
}

fn notes_of(plan: &Plan, arn: &str) -> String {
    row(plan, arn).method_notes.to_string()
}

/// EC2 names the default `aws/ebs` key by its ARN, like any other key: the key's own record
/// decides.
#[test]
fn a_volume_on_the_aws_managed_key_named_by_arn_gets_the_default_key_caveat() {
    let vol = |name: &str| format!("arn:aws:ec2:us-east-1:111122223333:volume/vol-{name}");
    let plan = plan_of(vec![
        res(AWS_KEY, "kms:key").attr("aws_managed", true),
        res(APP_KEY, "kms:key").attr("aws_managed", false),
        res(&vol("aws"), "ec2:volume")
            .tag("Environment", "dev")
            .attr("encrypted", true)
            .attr("kms_key_id", AWS_KEY)
            .rel("uses-key", AWS_KEY),
        res(&vol("app"), "ec2:volume")
            .tag("Environment", "dev")
            .attr("encrypted", true)
            .attr("kms_key_id", APP_KEY)
            .rel("uses-key", APP_KEY),
    ]);
    let aws = notes_of(&plan, &vol("aws"));
    assert!(aws.contains("default AWS-managed key, which cannot be shared"), "{aws}");
    let app = notes_of(&plan, &vol("app"));
    assert!(!app.contains("cannot be shared"), "{app}");
}

#[test]
fn rds_notes_depend_on_the_key_the_database_uses() {
    let db = |name: &str| format!("arn:aws:rds:us-east-1:111122223333:db:{name}");
    let plan = plan_of(vec![
        res(AWS_KEY, "kms:key").attr("aws_managed", true),
        res(APP_KEY, "kms:key").attr("aws_managed", false).named("orders-dev"),
        res(&db("on-aws-key-dev"), "rds:db")
            .tag("Environment", "dev")
            .attr("encrypted", true)
            .rel("uses-key", AWS_KEY),
        res(&db("on-own-key-dev"), "rds:db")
            .tag("Environment", "dev")
            .attr("encrypted", true)
            .rel("uses-key", APP_KEY),
        res(&db("unknown-dev"), "rds:db").tag("Environment", "dev"),
        res(&db("plain-dev"), "rds:db")
            .tag("Environment", "dev")
            .attr("encrypted", false),
    ]);
    let aws = notes_of(&plan, &db("on-aws-key-dev"));
    assert!(aws.contains("AWS-managed aws/rds key, which cannot be shared"), "{aws}");
    assert!(aws.contains("copy the snapshot under a customer-managed key"), "{aws}");
    let own = notes_of(&plan, &db("on-own-key-dev"));
    assert!(own.contains("customer-managed KMS key orders-dev"), "{own}");
    assert!(!own.contains("cannot be shared"), "{own}");
    let plain = notes_of(&plan, &db("plain-dev"));
    assert!(plain.contains("restores from it directly"), "{plain}");
    assert_eq!(row(&plan, &db("plain-dev")).method, "share-rds-snapshot");
    let unknown = notes_of(&plan, &db("unknown-dev"));
    assert!(
        unknown.contains("a snapshot on the default aws/rds key cannot be shared"),
        "{unknown}"
    );
}

const LB: &str = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1";
const TG: &str = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/1";
const CLB: &str = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/legacy-web";

fn instance(id: &str, env: &str) -> Resource {
    res(
        &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
        "ec2:instance",
    )
    .tag("Environment", env)
}

#[test]
fn a_load_balancer_follows_its_targets_through_its_target_group() {
    let i1 = "arn:aws:ec2:us-east-1:111122223333:instance/i-1";
    let plan = plan_of(vec![
        instance("i-1", "dev"),
        res(TG, "elasticloadbalancing:targetgroup").rel("has-target", i1),
        res(LB, "elasticloadbalancing:loadbalancer")
            .attr("type", "application")
            .rel("forwards-to", TG)
            .rel("uses-certificate", "arn:aws:acm:us-east-1:111122223333:certificate/c1"),
        res(CLB, "elasticloadbalancing:loadbalancer")
            .attr("type", "classic")
            .rel("has-target", i1),
    ]);
    for arn in [TG, LB, CLB] {
        let a = row(&plan, arn);
        assert_eq!((a.target.as_str(), a.rule.as_str()), ("dev", "follows"), "{arn}");
        assert!(!a.needs_review, "{arn}");
    }
    assert!(
        row(&plan, LB).reason.starts_with("follows targetgroup"),
        "{}",
        row(&plan, LB).reason
    );
    let alb = notes_of(&plan, LB);
    assert!(alb.contains("with a certificate issued in that account"), "{alb}");
    assert!(alb.contains("switch the DNS records"), "{alb}");
    assert!(!alb.contains("migration wizard"), "{alb}");
    assert!(notes_of(&plan, CLB).contains("ELB migration wizard"));
}

#[test]
fn a_load_balancer_whose_targets_disagree_is_left_for_review() {
    let plan = plan_of(vec![
        instance("i-1", "dev"),
        instance("i-2", "prod"),
        res(CLB, "elasticloadbalancing:loadbalancer")
            .rel("has-target", "arn:aws:ec2:us-east-1:111122223333:instance/i-1")
            .rel("has-target", "arn:aws:ec2:us-east-1:111122223333:instance/i-2"),
    ]);
    let a = row(&plan, CLB);
    assert!(a.needs_review);
    assert_ne!(a.rule, "follows");
    assert!(a.reason.contains("several targets"), "{}", a.reason);
}

#[test]
fn an_event_source_mapping_follows_its_function() {
    let function = "arn:aws:lambda:us-east-1:111122223333:function:orders-dev";
    let mapping = "arn:aws:lambda:us-east-1:111122223333:event-source-mapping:6d2a";
    let plan = plan_of(vec![
        res(function, "lambda:function").tag("Environment", "dev"),
        res(mapping, "lambda:event-source-mapping").rel("invokes", function),
    ]);
    let a = row(&plan, mapping);
    assert_eq!((a.target.as_str(), a.rule.as_str()), ("dev", "follows"));
}

// ---- identities and keys go with the one target that uses them -----------------------------

const ROLE: &str = "arn:aws:iam::111122223333:role/orders";
const PROFILE: &str = "arn:aws:iam::111122223333:instance-profile/orders";
const POLICY: &str = "arn:aws:iam::111122223333:policy/orders-access";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:111122223333:function:orders";

fn ec2(id: &str) -> String {
    format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}")
}

#[test]
fn an_instance_profile_its_role_and_their_policy_go_with_the_one_target_using_them() {
    let plan = plan_of(vec![
        res(&ec2("i-1"), "ec2:instance")
            .tag("Environment", "dev")
            .rel("uses-instance-profile", PROFILE)
            .rel("uses-key", APP_KEY),
        res(PROFILE, "iam:instance-profile").rel("uses-role", ROLE),
        res(ROLE, "iam:role").rel("uses-policy", POLICY),
        res(POLICY, "iam:policy"),
        res(APP_KEY, "kms:key").attr("aws_managed", false),
        res(AWS_KEY, "kms:key").attr("aws_managed", true),
    ]);
    for arn in [PROFILE, ROLE, POLICY, APP_KEY] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("dev", "used-by", false),
            "{arn}"
        );
        assert_eq!(
            a.reason, "used only by dev resources, such as instance i-1, so it goes to dev with them",
            "{arn}"
        );
    }
    assert!(plan.conflicts.is_empty());
    // A key nobody uses keeps its place and its review.
    assert_eq!(row(&plan, AWS_KEY).rule, "aws-default");
}

#[test]
fn a_role_or_key_used_by_two_targets_is_a_conflict_recreated_in_each() {
    let plan = plan_of(vec![
        res(FUNCTION, "lambda:function")
            .tag("Environment", "dev")
            .rel("uses-role", ROLE)
            .rel("uses-key", APP_KEY)
            .rel("uses-key", AWS_KEY),
        res(&ec2("i-2"), "ec2:instance")
            .tag("Environment", "sandbox")
            .rel("uses-instance-profile", PROFILE)
            .rel("uses-key", APP_KEY)
            .rel("uses-key", AWS_KEY),
        res(PROFILE, "iam:instance-profile").rel("uses-role", ROLE),
        res(ROLE, "iam:role").rel("uses-policy", POLICY),
        res(POLICY, "iam:policy"),
        res(APP_KEY, "kms:key").attr("aws_managed", false),
        res(AWS_KEY, "kms:key").attr("aws_managed", true),
    ]);
    // The profile has one user; its role and the role's policy have two.
    assert_eq!(row(&plan, PROFILE).target, "sandbox");
    for (arn, word) in [(ROLE, "role"), (POLICY, "policy"), (APP_KEY, "KMS key")] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("prod", "conflict", true),
            "{arn}"
        );
        assert_eq!(
            a.reason,
            format!(
                "used by dev and sandbox resources, so it stays in prod; dev workloads need their own {word} in dev; \
                 sandbox workloads need their own {word} in sandbox"
            )
        );
        assert!(
            plan.conflicts.iter().any(|c| c.arn == arn),
            "{arn} is listed once as a conflict"
        );
    }
    // Every account has its own AWS-managed keys: no conflict, no review.
    let a = row(&plan, AWS_KEY);
    assert_eq!((a.rule.as_str(), a.needs_review), ("aws-default", false));
    assert!(!plan.conflicts.iter().any(|c| c.arn == AWS_KEY));
}

#[test]
fn a_role_with_its_own_evidence_keeps_it() {
    let plan = plan_of(vec![
        res(FUNCTION, "lambda:function")
            .tag("Environment", "dev")
            .rel("uses-role", ROLE),
        res(ROLE, "iam:role").tag("Environment", "sandbox"),
    ]);
    let a = row(&plan, ROLE);
    assert_eq!((a.target.as_str(), a.rule.as_str()), ("sandbox", "env-tag"));
    // The function's dependency on it is a cross-target edge the runbook reports.
    assert!(
        plan.cross_target
            .iter()
            .any(|e| e.from_arn == FUNCTION && e.to_arn == ROLE)
    );
}

#[test]
fn a_security_group_in_a_vpc_with_its_own_evidence_stays_with_the_vpc() {
    let vpc = "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-tools";
    let sg = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-tools";
    let plan = plan_of(vec![
        res(vpc, "ec2:vpc").tag("TIER", "tools"),
        res(sg, "ec2:security-group").rel("in-vpc", vpc),
        res(&ec2("i-3"), "ec2:instance")
            .tag("Environment", "dev")
            .rel("has-security-group", sg),
    ]);
    let a = row(&plan, sg);
    assert_eq!((a.target.as_str(), a.rule.as_str()), ("shared", "follows"));
}

#[test]
fn a_container_that_resources_without_a_target_use_too_stays_for_review() {
    let subnet = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-b";
    let plan = plan_of(vec![
        res(FUNCTION, "lambda:function")
            .tag("Environment", "dev")
            .rel("uses-role", ROLE),
        res("arn:aws:lambda:us-east-1:111122223333:function:cron", "lambda:function").rel("uses-role", ROLE),
        res(ROLE, "iam:role"),
        res(subnet, "ec2:subnet"),
        res(&ec2("i-4"), "ec2:instance")
            .tag("Environment", "dev")
            .rel("in-subnet", subnet),
        res(&ec2("i-5"), "ec2:instance").rel("in-subnet", subnet),
    ]);
    // Moving them would leave the untagged function without its role, and delete the subnet
    // under the untagged instance at cleanup.
    for arn in [ROLE, subnet] {
        let a = row(&plan, arn);
        assert_eq!(
            (a.target.as_str(), a.rule.as_str(), a.needs_review),
            ("prod", "no-signal", true),
            "{arn}"
        );
        assert!(
            a.reason
                .ends_with("; dev resources use it, and so do resources still without a target"),
            "{}",
            a.reason
        );
        let review = plan.review.iter().find(|r| r.arn == arn).expect("in the review queue");
        assert_eq!(
            review.decision,
            "decide first the resources without a target that use it: if they all go to dev, it goes with them; \
             left alone it stays in prod"
        );
    }
}
