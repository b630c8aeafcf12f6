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
