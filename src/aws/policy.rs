//! The least-privilege IAM policy: exactly the operations the tool calls, and nothing that
//! writes. `acctsplit iam-policy` prints it; `docs/iam-policy.json` is a committed copy; the
//! integration tests check every operation actually sent against [`ACTIONS`].

/// One operation the tool may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// The SDK's service name, as the audit log records it (`EC2`, `S3`...).
    pub service: &'static str,
    /// The API operation name.
    pub operation: &'static str,
    /// The IAM action that authorises it (S3 names some differently from the operation).
    pub iam_action: &'static str,
}

const fn action(service: &'static str, operation: &'static str, iam_action: &'static str) -> Action {
    Action {
        service,
        operation,
        iam_action,
    }
}

/// Every operation the tool sends. Keep sorted by service, then operation.
pub const ACTIONS: &[Action] = &[
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
    action("EC2", "DescribeAddresses", "ec2:DescribeAddresses"),
    action("EC2", "DescribeImages", "ec2:DescribeImages"),
    action("EC2", "DescribeInstances", "ec2:DescribeInstances"),
    action("EC2", "DescribeInternetGateways", "ec2:DescribeInternetGateways"),
    action("EC2", "DescribeNatGateways", "ec2:DescribeNatGateways"),
    action("EC2", "DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces"),
    action("EC2", "DescribeRegions", "ec2:DescribeRegions"),
    action("EC2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),
    action("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"),
    action("EC2", "DescribeSubnets", "ec2:DescribeSubnets"),
    action("EC2", "DescribeTransitGateways", "ec2:DescribeTransitGateways"),
    action("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
    action("EC2", "DescribeVpcs", "ec2:DescribeVpcs"),
    action("IAM", "ListAccountAliases", "iam:ListAccountAliases"),
    action(
        "Organizations",
        "DescribeOrganization",
        "organizations:DescribeOrganization",
    ),
    action("Resource Groups Tagging API", "GetResources", "tag:GetResources"),
    action("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    action("S3", "GetBucketLocation", "s3:GetBucketLocation"),
    action("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    action("S3", "GetBucketReplication", "s3:GetReplicationConfiguration"),
    action("S3", "GetBucketTagging", "s3:GetBucketTagging"),
    action("S3", "GetBucketVersioning", "s3:GetBucketVersioning"),
    action("S3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    action("S3", "ListBuckets", "s3:ListAllMyBuckets"),
    action("STS", "GetCallerIdentity", "sts:GetCallerIdentity"),
];

/// Looks up an operation as the audit log records it.
pub fn find(service: &str, operation: &str) -> Option<&'static Action> {
    ACTIONS
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
    let mut actions: Vec<&str> = ACTIONS.iter().map(|a| a.iam_action).collect();
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
    fn every_action_is_read_only_and_listed_once() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(is_read_only_operation(a.operation), "{} is not read-only", a.operation);
            let iam_op = a.iam_action.split_once(':').map(|(_, op)| op).unwrap_or("");
            assert!(is_read_only_operation(iam_op), "{} is not read-only", a.iam_action);
            assert!(
                !ACTIONS[..i]
                    .iter()
                    .any(|b| b.service == a.service && b.operation == a.operation),
                "{} {} listed twice",
                a.service,
                a.operation
            );
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
