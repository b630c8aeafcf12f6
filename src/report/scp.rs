//! The service control policies the runbook asks the team to attach, written as JSON files
//! next to the runbook so they can be reviewed and pasted as they are. Built from the scan:
//! the region guard allows exactly the regions where the scan found resources.

use serde_json::{Value, json};

/// One policy document and where it is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Scp {
    /// File name under `scp/`.
    pub file: String,
    /// The policy name to use in AWS Organizations.
    pub name: String,
    /// The organization root or the OU it is attached to.
    pub attach_to: String,
    pub purpose: String,
    pub json: String,
}

/// Services whose calls go to a global endpoint (or that must work from any region), so the
/// region guard exempts them: denying them outside the allowed regions would break IAM,
/// billing, DNS and support.
const GLOBAL_ACTIONS: &[&str] = &[
    "account:*",
    "acm:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "cur:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "kms:*",
    "organizations:*",
    "pricing:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublicAccessBlock",
    "s3:ListAllMyBuckets",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "tag:*",
    "trustedadvisor:*",
    "waf:*",
    "wafv2:*",
];

/// Instance families that cost a lot per hour (GPU, accelerators, HPC, high memory, bare
/// metal and the largest sizes); denied in the Sandbox OU.
const EXPENSIVE_INSTANCE_TYPES: &[&str] = &[
    "*.12xlarge",
    "*.16xlarge",
    "*.18xlarge",
    "*.24xlarge",
    "*.32xlarge",
    "*.48xlarge",
    "*.metal",
    "dl*",
    "f1.*",
    "f2.*",
    "g*",
    "hpc*",
    "inf*",
    "p*",
    "trn*",
    "u-*",
    "vt1.*",
    "x*",
];

/// The role the platform team uses to administer member accounts; exempt from the
/// CloudTrail and Config guard so baselines can still be changed deliberately.
const ADMIN_ROLE_PATTERN: &str = "arn:aws:iam::*:role/OrganizationAccountAccessRole";

/// The four policies, sorted by file name. `regions` are the regions in use; it must not be
/// empty (the caller substitutes the home region when the scan found no regional resource).
pub fn policies(regions: &[String], sandbox_ou: &str) -> Vec<Scp> {
    let mut out = vec![
        Scp {
            file: "deny-expensive-instances-sandbox.json".into(),
            name: "DenyExpensiveInstancesInSandbox".into(),
            attach_to: format!("OU {sandbox_ou}"),
            purpose: "Sandbox accounts cannot launch GPU, HPC, high-memory, bare-metal or very large instances.".into(),
            json: document(json!([{
                "Sid": "DenyExpensiveInstanceTypes",
                "Effect": "Deny",
                "Action": "ec2:RunInstances",
                "Resource": "arn:aws:ec2:*:*:instance/*",
                "Condition": {"StringLike": {"ec2:InstanceType": EXPENSIVE_INSTANCE_TYPES}}
            }])),
        },
        Scp {
            file: "deny-leave-organization.json".into(),
            name: "DenyLeaveOrganization".into(),
            attach_to: "Root".into(),
            purpose: "No member account can leave the organization on its own.".into(),
            json: document(json!([{
                "Sid": "DenyLeaveOrganization",
                "Effect": "Deny",
                "Action": "organizations:LeaveOrganization",
                "Resource": "*"
            }])),
        },
        Scp {
            file: "protect-cloudtrail-config.json".into(),
            name: "ProtectCloudTrailAndConfig".into(),
            attach_to: "Root".into(),
            purpose: "Nobody but the administration role can stop, delete or reconfigure CloudTrail and AWS Config."
                .into(),
            json: document(json!([{
                "Sid": "ProtectAuditTrail",
                "Effect": "Deny",
                "Action": [
                    "cloudtrail:DeleteTrail",
                    "cloudtrail:PutEventSelectors",
                    "cloudtrail:StopLogging",
                    "cloudtrail:UpdateTrail",
                    "config:DeleteConfigurationRecorder",
                    "config:DeleteDeliveryChannel",
                    "config:DeleteRetentionConfiguration",
                    "config:PutConfigurationRecorder",
                    "config:PutDeliveryChannel",
                    "config:StopConfigurationRecorder"
                ],
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": ADMIN_ROLE_PATTERN}}
            }])),
        },
        Scp {
            file: "restrict-regions.json".into(),
            name: "RestrictRegions".into(),
            attach_to: "Root".into(),
            purpose: format!(
                "Regional services can only be used in {}, the regions where the scan found resources.",
                regions.join(", ")
            ),
            json: document(json!([{
                "Sid": "DenyOutsideRegionsInUse",
                "Effect": "Deny",
                "NotAction": GLOBAL_ACTIONS,
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": regions}}
            }])),
        },
    ];
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

fn document(statements: Value) -> String {
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    let mut text = serde_json::to_string_pretty(&doc).expect("a JSON value always serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_guard_allows_exactly_the_regions_given() {
        let regions = vec!["eu-west-1".to_string(), "us-east-1".to_string()];
        let scps = policies(&regions, "Sandbox");
        let guard = scps.iter().find(|s| s.file == "restrict-regions.json").unwrap();
        let doc: Value = serde_json::from_str(&guard.json).unwrap();
        assert_eq!(
            doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"],
            json!(["eu-west-1", "us-east-1"])
        );
        assert_eq!(doc["Statement"][0]["Effect"], "Deny");
        assert!(
            doc["Statement"][0]["NotAction"]
                .as_array()
                .unwrap()
                .contains(&json!("iam:*"))
        );
    }

    #[test]
    fn every_policy_is_valid_json_with_a_version_and_sorted_by_file() {
        let scps = policies(&["us-east-1".to_string()], "Sandbox");
        let files: Vec<_> = scps.iter().map(|s| s.file.as_str()).collect();
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        assert_eq!(scps.len(), 4);
        for scp in &scps {
            let doc: Value = serde_json::from_str(&scp.json).unwrap();
            assert_eq!(doc["Version"], "2012-10-17", "{}", scp.file);
            assert!(scp.json.len() < 5120, "{} exceeds the SCP size quota", scp.file);
        }
    }

    #[test]
    fn sandbox_policy_targets_the_sandbox_ou_and_denies_gpu_families() {
        let scps = policies(&["us-east-1".to_string()], "Sandbox");
        let sandbox = scps.iter().find(|s| s.file.contains("sandbox")).unwrap();
        assert_eq!(sandbox.attach_to, "OU Sandbox");
        assert!(sandbox.json.contains("\"p*\"") && sandbox.json.contains("\"g*\""));
    }
}
