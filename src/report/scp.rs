//! The service control policies the runbook asks the team to attach, written as JSON files
//! next to the runbook so they can be reviewed and pasted as they are. Built from the scan:
//! the region guard allows the regions where the scan found resources or the cost history
//! shows spend.
//!
//! Only the deny-leave policy goes on the root: AWS recommends against attaching SCPs to the
//! root without thorough testing, because they apply at once to every account, an invited
//! production account included
//! (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
//! The others attach to the policy staging OU first and then to the final OUs.

use serde_json::{Value, json};

/// One policy document and where it is attached.
#[derive(Debug, Clone, PartialEq)]
pub struct Scp {
    /// File name under `scp/`.
    pub file: String,
    /// The policy name to use in AWS Organizations.
    pub name: String,
    /// Where it is attached, in words: the root, or the policy staging OU and then the OUs.
    pub attach_to: String,
    /// Where it ends up attached: [`ROOT`] or OU names.
    pub targets: Vec<String>,
    pub purpose: String,
    pub json: String,
}

/// Services whose calls go to a global endpoint (or that must work from any region), so the
/// region guard exempts them: denying them outside the allowed regions would break IAM,
/// billing, DNS and support.
const GLOBAL_ACTIONS: &[&str] = &[
    "access-analyzer:*",
    "account:*",
    "acm:*",
    "aws-marketplace:*",
    "aws-portal:*",
    "billing:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "cloudtrail:LookupEvents",
    "compute-optimizer:*",
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

/// The roles the runbook's own steps administer member accounts with, exempt from the
/// CloudTrail/Config guard and the region guard so those steps (repointing a trail or a
/// Config recorder, cleaning up a region) still work:
/// - `OrganizationAccountAccessRole`, which Organizations creates in the accounts it creates
///   and JOIN-admin-role creates by hand in the invited legacy account
///   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html);
/// - the IAM Identity Center role of the AdministratorAccess permission set, in both ARN forms:
///   with the Identity Center region in the path and without it, with a wildcard suffix
///   because the suffix changes when the assignment is re-created
///   (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
pub const ADMIN_ROLE_PATTERNS: &[&str] = &[
    "arn:aws:iam::*:role/OrganizationAccountAccessRole",
    "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*",
    "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*",
];

/// Where a policy attaches.
pub const ROOT: &str = "Root";

/// The four policies, sorted by file name. `regions` are the regions allowed; it must not be
/// empty (the caller substitutes the home region when the scan found no regional resource).
/// `guarded_ous` are the top-level OUs the production guardrails end up on.
pub fn policies(regions: &[String], sandbox_ou: &str, guarded_ous: &[String]) -> Vec<Scp> {
    let staged = |ous: &str| format!("OU {} first, then {ous}", super::facts::POLICY_STAGING_OU);
    let guarded = staged(&format!(
        "{} {}",
        if guarded_ous.len() == 1 { "OU" } else { "OUs" },
        guarded_ous.join(", ")
    ));
    let mut out = vec![
        Scp {
            file: "deny-expensive-instances-sandbox.json".into(),
            name: "DenyExpensiveInstancesInSandbox".into(),
            attach_to: staged(&format!("OU {sandbox_ou}")),
            targets: vec![sandbox_ou.to_string()],
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
            attach_to: ROOT.into(),
            targets: vec![ROOT.into()],
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
            attach_to: guarded.clone(),
            targets: guarded_ous.to_vec(),
            purpose: "Nobody but the administration roles can stop, delete or reconfigure CloudTrail and AWS Config."
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
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": ADMIN_ROLE_PATTERNS}}
            }])),
        },
        Scp {
            file: "restrict-regions.json".into(),
            name: "RestrictRegions".into(),
            attach_to: guarded,
            targets: guarded_ous.to_vec(),
            purpose: format!(
                "Regional services can only be used in {}, the regions with resources or spend; the administration roles are exempt.",
                regions.join(", ")
            ),
            json: document(json!([{
                "Sid": "DenyOutsideRegionsInUse",
                "Effect": "Deny",
                "NotAction": GLOBAL_ACTIONS,
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {"aws:RequestedRegion": regions},
                    "ArnNotLike": {"aws:PrincipalArn": ADMIN_ROLE_PATTERNS}
                }
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

    fn ous() -> Vec<String> {
        ["Infrastructure", "Sandbox", "Security", "Workloads"]
            .map(String::from)
            .to_vec()
    }

    /// When the legacy account accepts the invitation it lands in the root: nothing but
    /// FullAWSAccess (AWS's default) and deny-leave may be attached there.
    #[test]
    fn only_deny_leave_is_attached_to_the_root() {
        let scps = policies(&["us-east-1".to_string()], "Sandbox", &ous());
        let on_root: Vec<&str> = scps
            .iter()
            .filter(|s| s.attach_to.contains(ROOT))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(on_root, ["DenyLeaveOrganization"]);
        for scp in scps.iter().filter(|s| s.attach_to != ROOT) {
            assert!(scp.attach_to.starts_with("OU PolicyStaging first, then OU"), "{scp:?}");
            assert!(!scp.attach_to.contains("Transitional"), "{scp:?}");
        }
    }

    #[test]
    fn the_guards_exempt_the_roles_the_runbook_administers_with() {
        let scps = policies(&["us-east-1".to_string()], "Sandbox", &ous());
        for file in ["protect-cloudtrail-config.json", "restrict-regions.json"] {
            let scp = scps.iter().find(|s| s.file == file).unwrap();
            let doc: Value = serde_json::from_str(&scp.json).unwrap();
            let exempt = &doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"];
            assert_eq!(exempt, &json!(ADMIN_ROLE_PATTERNS), "{file}");
        }
        assert!(
            ADMIN_ROLE_PATTERNS
                .iter()
                .any(|p| p.contains("/*/AWSReservedSSO_AdministratorAccess_*"))
        );
        assert!(
            ADMIN_ROLE_PATTERNS
                .iter()
                .any(|p| p.ends_with("sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*"))
        );
    }

    #[test]
    fn region_guard_allows_exactly_the_regions_given() {
        let regions = vec!["eu-west-1".to_string(), "us-east-1".to_string()];
        let scps = policies(&regions, "Sandbox", &ous());
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
        let scps = policies(&["us-east-1".to_string()], "Sandbox", &ous());
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
        let scps = policies(&["us-east-1".to_string()], "Sandbox", &ous());
        let sandbox = scps.iter().find(|s| s.file.contains("sandbox")).unwrap();
        assert_eq!(sandbox.attach_to, "OU PolicyStaging first, then OU Sandbox");
        assert!(sandbox.json.contains("\"p*\"") && sandbox.json.contains("\"g*\""));
    }
}
