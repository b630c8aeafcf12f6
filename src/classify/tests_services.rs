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
