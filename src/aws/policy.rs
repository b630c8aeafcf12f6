//! The least-privilege IAM policy: exactly the operations the tool calls, and nothing that
//! writes: the actions every collector of the registry declares, plus the few calls made outside
//! the collectors. `acctsplit iam-policy` prints it; `docs/iam-policy.json` is a committed copy;
//! the integration tests check every operation actually sent against [`actions`].

pub use crate::scan::{Action, action};

use std::sync::OnceLock;

use super::collectors::REGISTRY;

/// The calls made outside the collectors: identity and region discovery before the scan
/// (`identity.rs`, `scanner.rs`) and the Cost Explorer export (`costexplorer.rs`).
pub const NON_COLLECTOR_ACTIONS: &[Action] = &[
    action("Cost Explorer", "GetCostAndUsage", "ce:GetCostAndUsage"),
    action(
        "Cost Explorer",
        "GetReservationUtilization",
        "ce:GetReservationUtilization",
    ),
    action(
        "Cost Explorer",
        "GetSavingsPlansUtilization",
        "ce:GetSavingsPlansUtilization",
    ),
    action("Cost Explorer", "ListCostAllocationTags", "ce:ListCostAllocationTags"),
    action("Account", "GetAlternateContact", "account:GetAlternateContact"),
    action("EC2", "DescribeRegions", "ec2:DescribeRegions"),
    action("IAM", "ListAccountAliases", "iam:ListAccountAliases"),
    action(
        "Organizations",
        "DescribeOrganization",
        "organizations:DescribeOrganization",
    ),
    action("STS", "GetCallerIdentity", "sts:GetCallerIdentity"),
];

/// Every operation the tool sends: the union of the collectors' actions and
/// [`NON_COLLECTOR_ACTIONS`], sorted by service and operation, each once.
pub fn actions() -> &'static [Action] {
    static ACTIONS: OnceLock<Vec<Action>> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let mut all: Vec<Action> = REGISTRY
            .iter()
            .flat_map(|c| c.actions().iter().copied())
            .chain(NON_COLLECTOR_ACTIONS.iter().copied())
            .collect();
        all.sort_by_key(|a| (a.service, a.operation));
        all.dedup_by_key(|a| (a.service, a.operation));
        all
    })
}

/// Looks up an operation as the audit log records it.
pub fn find(service: &str, operation: &str) -> Option<&'static Action> {
    actions()
        .iter()
        .find(|a| a.service == service && a.operation == operation)
}

/// True for operation names that only read.
pub fn is_read_only_operation(operation: &str) -> bool {
    ["List", "Describe", "Get"]
        .iter()
        .any(|prefix| operation.starts_with(prefix))
}

/// The policy document, pretty-printed, with a trailing newline.
pub fn policy_json() -> String {
    let mut actions: Vec<&str> = actions().iter().map(|a| a.iam_action).collect();
    actions.sort_unstable();
    actions.dedup();
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AcctsplitReadOnly",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("static JSON");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_read_only_and_declared_once() {
        for a in actions() {
            assert!(is_read_only_operation(a.operation), "{} is not read-only", a.operation);
            let iam_op = a.iam_action.split_once(':').map(|(_, op)| op).unwrap_or("");
            assert!(is_read_only_operation(iam_op), "{} is not read-only", a.iam_action);
        }
        let mut declared: Vec<(&str, &str)> = REGISTRY
            .iter()
            .flat_map(|c| c.actions())
            .chain(NON_COLLECTOR_ACTIONS)
            .map(|a| (a.service, a.operation))
            .collect();
        declared.sort_unstable();
        let before = declared.len();
        declared.dedup();
        assert_eq!(before, declared.len(), "an operation is declared twice");
    }

    /// The published policy is exactly the union of the registry's actions and the calls
    /// outside the collectors: nothing missing, nothing extra.
    #[test]
    fn policy_is_the_union_of_the_registry_and_the_other_calls() {
        let policy: serde_json::Value = serde_json::from_str(&policy_json()).unwrap();
        let mut published: Vec<&str> = policy["Statement"][0]["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        published.sort_unstable();
        let mut expected: Vec<&str> = REGISTRY
            .iter()
            .flat_map(|c| c.actions())
            .chain(NON_COLLECTOR_ACTIONS)
            .map(|a| a.iam_action)
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(published, expected);
        for collector in REGISTRY {
            for a in collector.actions() {
                assert!(find(a.service, a.operation).is_some(), "{a:?}");
            }
        }
    }

    #[test]
    fn committed_policy_matches_the_binary() {
        let committed = include_str!("../../docs/iam-policy.json");
        assert_eq!(
            committed,
            policy_json(),
            "docs/iam-policy.json is stale: run `acctsplit iam-policy > docs/iam-policy.json`"
        );
    }
}
