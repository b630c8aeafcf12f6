//! The sample account's IAM: the roles and users a real legacy account has, so the runbook's
//! IAM step has trusts to list (a service role per environment, a CI role trusted by GitHub's
//! OIDC provider, a partner role trusted by another account, a CI user with an access key and
//! a person with a console password).

use aws_config::SdkConfig;

use super::seed::must;

/// The partner account the sample's cross-account role trusts.
pub const PARTNER_ACCOUNT: &str = "444455556666";

/// A role to create: name, trust policy, tags.
type Role<'a> = (&'a str, String, &'a [(&'a str, &'a str)]);

/// Seeds the identities; returns how many roles and users it created.
pub async fn seed_sample_identities(cfg: &SdkConfig) -> usize {
    let iam = aws_sdk_iam::Client::new(cfg);
    let tag = |k: &str, v: &str| aws_sdk_iam::types::Tag::builder().key(k).value(v).build().unwrap();
    let account = must(
        "sts GetCallerIdentity",
        aws_sdk_sts::Client::new(cfg).get_caller_identity().send().await,
    )
    .account()
    .unwrap_or_default()
    .to_owned();
    let services = |list: &[&str]| {
        let principals: Vec<String> = list.iter().map(|s| format!("\"{s}\"")).collect();
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":[{}]}},"Action":"sts:AssumeRole"}}]}}"#,
            principals.join(",")
        )
    };
    let oidc = must(
        "iam CreateOpenIDConnectProvider",
        iam.create_open_id_connect_provider()
            .url("https://token.actions.githubusercontent.com")
            .client_id_list("sts.amazonaws.com")
            .thumbprint_list("6938fd4d98bab03faadb97b34396831e3780aea1")
            .send()
            .await,
    )
    .open_id_connect_provider_arn()
    .unwrap_or_default()
    .to_owned();
    let github = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{oidc}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#
    );
    let partner = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{PARTNER_ACCOUNT}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let reads_legacy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-tools-artifacts/*"}},{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{account}:role/ci-deploy"}}]}}"#
    );
    let roles: [Role; 5] = [
        (
            "payments-dev-app",
            services(&["ec2.amazonaws.com", "lambda.amazonaws.com"]),
            &[("Environment", "dev")],
        ),
        (
            "payments-prod-app",
            services(&["ec2.amazonaws.com"]),
            &[("Environment", "prod")],
        ),
        (
            "acme-ml-notebook",
            services(&["sagemaker.amazonaws.com"]),
            &[("Environment", "sandbox")],
        ),
        ("ci-deploy", github, &[("TIER", "tools")]),
        ("partner-reporting-read", partner, &[]),
    ];
    for (name, trust, tags) in &roles {
        let mut call = iam.create_role().role_name(*name).assume_role_policy_document(trust);
        for (k, v) in tags.iter() {
            call = call.tags(tag(k, v));
        }
        must("iam CreateRole", call.send().await);
    }
    must(
        "iam PutRolePolicy",
        iam.put_role_policy()
            .role_name("ci-deploy")
            .policy_name("deploy")
            .policy_document(&reads_legacy)
            .send()
            .await,
    );
    must(
        "iam CreateUser",
        iam.create_user()
            .user_name("ci-legacy-deployer")
            .tags(tag("TIER", "tools"))
            .send()
            .await,
    );
    must(
        "iam CreateAccessKey",
        iam.create_access_key().user_name("ci-legacy-deployer").send().await,
    );
    must("iam CreateUser", iam.create_user().user_name("ops-alice").send().await);
    must(
        "iam CreateLoginProfile",
        iam.create_login_profile()
            .user_name("ops-alice")
            .password("Sample-Password-1!")
            .send()
            .await,
    );
    roles.len() + 2
}
