//! Classification of the governance facts of issue 14: the default rules place them in the
//! security and log-archive targets, whatever their tags say, and explain why.

use super::tests_services::{plan_of, row};
use crate::model::Resource;
use crate::testkit::build::*;

/// `(arn, resource type, target, rule id)` for each governance type the defaults place.
const PLACED: &[(&str, &str, &str, &str)] = &[
    (
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/main",
        "cloudtrail:trail",
        "log-archive",
        "governance-trails",
    ),
    (
        "arn:aws:config:us-east-1:111122223333:configuration-recorder/default",
        "config:configuration-recorder",
        "log-archive",
        "governance-config",
    ),
    (
        "arn:aws:config:us-east-1:111122223333:delivery-channel/default",
        "config:delivery-channel",
        "log-archive",
        "governance-config",
    ),
    (
        "arn:aws:guardduty:us-east-1:111122223333:detector/abc",
        "guardduty:detector",
        "security",
        "governance-guardduty",
    ),
    (
        "arn:aws:securityhub:us-east-1:111122223333:hub/default",
        "securityhub:hub",
        "security",
        "governance-securityhub",
    ),
    (
        "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/ConsoleAnalyzer",
        "access-analyzer:analyzer",
        "security",
        "governance-access-analyzer",
    ),
];

#[test]
fn governance_facts_go_to_their_baseline_account_even_when_tagged_otherwise() {
    let resources: Vec<Resource> = PLACED
        .iter()
        .map(|(arn, ty, _, _)| res(arn, ty).tag("Environment", "dev"))
        .collect();
    let plan = plan_of(resources);
    for (arn, _, target, rule) in PLACED {
        let a = row(&plan, arn);
        assert_eq!(a.target.as_str(), *target, "{arn}");
        assert_eq!(a.rule.as_str(), format!("explicit:{rule}"), "{arn}");
        assert!(!a.needs_review, "{arn}: {}", a.reason);
        assert!(
            a.reason.contains("rebuilt") || a.reason.contains("administered"),
            "{arn}: {}",
            a.reason
        );
        assert_eq!(a.method.as_str(), "recreate", "{arn}");
    }
}
