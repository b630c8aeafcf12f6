//! The IAM collector (global): roles, users, groups and customer-managed policies from
//! `GetAccountAuthorizationDetails` (every page), instance profiles from the roles and from
//! `ListInstanceProfiles` (profiles without a role), the OIDC and SAML providers, and per user
//! its access keys (count and creation date of the oldest: never a secret), console password
//! and MFA devices; managed policies' tags from `ListPolicyTags`. Policy documents are read for
//! the principals, account ids and ARNs they name, and never stored.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::Client;
use aws_sdk_iam::types::{self as sdk, EntityType, GroupDetail, ManagedPolicyDetail, RoleDetail, Tag, UserDetail};
use futures::future::BoxFuture;
use serde_json::Value;

use crate::aws::ApiError;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn, policy};

// The client itself is declared in `aws::identity` (`service_client!(aws_sdk_iam, "iam")`).

pub struct Iam;

const ACTIONS: &[Action] = &[
    action(
        "IAM",
        "GetAccountAuthorizationDetails",
        "iam:GetAccountAuthorizationDetails",
    ),
    action("IAM", "GetLoginProfile", "iam:GetLoginProfile"),
    action("IAM", "ListAccessKeys", "iam:ListAccessKeys"),
    action("IAM", "ListInstanceProfiles", "iam:ListInstanceProfiles"),
    action("IAM", "ListMFADevices", "iam:ListMFADevices"),
    action("IAM", "ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders"),
    action("IAM", "ListPolicyTags", "iam:ListPolicyTags"),
    action("IAM", "ListSAMLProviders", "iam:ListSAMLProviders"),
];

impl Collector<AwsScanSource> for Iam {
    fn name(&self) -> &'static str {
        "iam"
    }

    fn scope(&self) -> Scope {
        Scope::Global
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// IAM is free.
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.home)).await })
    }
}

/// Reads the whole account's IAM.
pub async fn collect(client: &Client) -> UnitResult {
    let mut out: Vec<Resource> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let mut requests = 0u64;
    let mut users: Vec<UserDetail> = Vec::new();
    let mut policies: Vec<ManagedPolicyDetail> = Vec::new();
    let mut profiles: BTreeMap<String, Resource> = BTreeMap::new();
    let mut group_arns: BTreeMap<String, String> = BTreeMap::new();

    let request = client
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::LocalManagedPolicy);
    let (n, error) = paginate!(request, "GetAccountAuthorizationDetails", "global", |page| {
        for r in page.role_detail_list() {
            out.extend(role(r));
            for p in r.instance_profile_list() {
                let profile = instance_profile(p);
                profiles.insert(profile.arn.clone(), profile);
            }
        }
        for g in page.group_detail_list() {
            if let (Some(name), Some(group_arn)) = (g.group_name(), g.arn()) {
                group_arns.insert(name.to_owned(), group_arn.to_owned());
            }
            out.extend(group(g));
        }
        users.extend(page.user_detail_list().iter().cloned());
        policies.extend(page.policies().iter().cloned());
    });
    requests += n;
    errors.extend(error);

    let (n, error) = paginate!(
        client.list_instance_profiles(),
        "ListInstanceProfiles",
        "global",
        |page| {
            for p in page.instance_profiles() {
                profiles
                    .entry(p.arn().to_owned())
                    .or_insert_with(|| instance_profile(p));
            }
        }
    );
    requests += n;
    errors.extend(error);
    out.extend(profiles.into_values());

    requests += 1;
    match client.list_open_id_connect_providers().send().await {
        Ok(page) => out.extend(
            page.open_id_connect_provider_list()
                .iter()
                .filter_map(|p| provider("oidc-provider", p.arn()?)),
        ),
        Err(err) => errors.push(ApiError::from_sdk("ListOpenIDConnectProviders", "global", err)),
    }
    requests += 1;
    match client.list_saml_providers().send().await {
        Ok(page) => out.extend(
            page.saml_provider_list()
                .iter()
                .filter_map(|p| provider("saml-provider", p.arn()?)),
        ),
        Err(err) => errors.push(ApiError::from_sdk("ListSAMLProviders", "global", err)),
    }

    for u in &users {
        let Some(name) = u.user_name() else { continue };
        let mut keys: Vec<sdk::AccessKeyMetadata> = Vec::new();
        let (n, error) = paginate!(
            client.list_access_keys().user_name(name),
            "ListAccessKeys",
            "global",
            |page| {
                keys.extend(page.access_key_metadata().iter().cloned());
            }
        );
        requests += n;
        errors.extend(error);
        requests += 1;
        let console = match client.get_login_profile().user_name(name).send().await {
            Ok(_) => Some(true),
            Err(err) => {
                let err = ApiError::from_sdk("GetLoginProfile", "global", err);
                if err.code == "NoSuchEntity" {
                    Some(false)
                } else {
                    errors.push(err);
                    None
                }
            }
        };
        let mut mfa = 0usize;
        let (n, error) = paginate!(
            client.list_mfa_devices().user_name(name),
            "ListMFADevices",
            "global",
            |page| {
                mfa += page.mfa_devices().len();
            }
        );
        requests += n;
        let mfa = if error.is_some() { None } else { Some(mfa) };
        errors.extend(error);
        // A group GetAccountAuthorizationDetails did not list (a failed page) is at the root path.
        let group_arn = |g: &str| {
            group_arns.get(g).cloned().unwrap_or_else(|| {
                let prefix = u.arn().and_then(|a| a.split_once(":user/")).map_or("", |(p, _)| p);
                format!("{prefix}:group/{g}")
            })
        };
        out.extend(user(u, group_arn, &keys, console, mfa));
    }

    for p in &policies {
        let Some(policy_arn) = p.arn() else { continue };
        let mut tags: Vec<Tag> = Vec::new();
        let (n, error) = paginate!(
            client.list_policy_tags().policy_arn(policy_arn),
            "ListPolicyTags",
            "global",
            |page| {
                tags.extend(page.tags().iter().cloned());
            }
        );
        requests += n;
        errors.extend(error);
        out.extend(managed_policy(p, &tags));
    }

    UnitResult {
        service: "iam",
        region: "global".to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The denied error if any (it decides the coverage status), else the first failure.
pub(super) fn first_error(mut errors: Vec<ApiError>) -> Option<ApiError> {
    let denied = errors.iter().position(ApiError::is_denied);
    match denied {
        Some(i) => Some(errors.swap_remove(i)),
        None => errors.into_iter().next(),
    }
}

fn tag_map(tags: &[Tag]) -> SortedMap<String> {
    tags.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// An IAM resource: global, its id is its name (AWS's own ids are kept as attributes).
fn resource(
    arn: &str,
    kind: &str,
    name: &str,
    tags: SortedMap<String>,
    attrs: Attrs,
    mut relations: Vec<Relation>,
) -> Resource {
    relations.sort_by(|a, b| (&a.kind, &a.arn).cmp(&(&b.kind, &b.arn)));
    relations.dedup();
    Resource {
        arn: arn.to_owned(),
        service: "iam".to_owned(),
        resource_type: format!("iam:{kind}"),
        region: None,
        id: name.to_owned(),
        name: Some(name.to_owned()),
        tags,
        sources: vec![Source::Iam],
        relations,
        attributes: attrs.into_map(),
    }
}

pub(super) fn date(value: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    value.and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

fn policy_rels(attached: &[sdk::AttachedPolicy]) -> Vec<Relation> {
    attached
        .iter()
        .filter_map(|p| p.policy_arn())
        .map(|a| Relation::new("uses-policy", a))
        .collect()
}

fn attached_names(attached: &[sdk::AttachedPolicy]) -> Vec<String> {
    let mut names: Vec<String> = attached
        .iter()
        .filter_map(|p| p.policy_name().map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn inline_names(inline: &[sdk::PolicyDetail]) -> Vec<String> {
    let mut names: Vec<String> = inline
        .iter()
        .filter_map(|p| p.policy_name().map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Account ids named by inline policy documents.
fn inline_account_ids(inline: &[sdk::PolicyDetail]) -> Vec<String> {
    let ids: BTreeSet<String> = inline
        .iter()
        .filter_map(|p| p.policy_document())
        .filter_map(DocFacts::read)
        .flat_map(|f| f.account_ids)
        .collect();
    ids.into_iter().collect()
}

/// True for the path AWS gives the roles it creates for its services.
pub fn is_service_linked_path(path: &str) -> bool {
    path.starts_with("/aws-service-role/")
}

pub fn role(r: &RoleDetail) -> Option<Resource> {
    let (arn, name) = (r.arn()?, r.role_name()?);
    let path = r.path().unwrap_or("/");
    let trust = r.assume_role_policy_document().and_then(DocFacts::read);
    let mut relations = policy_rels(r.attached_managed_policies());
    relations.extend(
        r.permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(|a| Relation::new("uses-policy", a)),
    );
    let mut attrs = Attrs::default()
        .set("path", path)
        .set("service_linked", is_service_linked_path(path))
        .set("attached_policies", attached_names(r.attached_managed_policies()))
        .set("inline_policies", inline_names(r.role_policy_list()))
        .set("policy_account_ids", inline_account_ids(r.role_policy_list()))
        .opt("created", date(r.create_date()))
        .opt("last_used", date(r.role_last_used().and_then(|u| u.last_used_date())))
        .opt("last_used_region", r.role_last_used().and_then(|u| u.region()));
    if let Some(trust) = trust {
        attrs = attrs
            .set("trust_services", trust.services)
            .set("trust_accounts", trust.principal_accounts)
            .set("trust_federated", trust.federated)
            .set("trust_account_ids", trust.account_ids);
    }
    Some(resource(arn, "role", name, tag_map(r.tags()), attrs, relations))
}

pub fn user(
    u: &UserDetail,
    group_arn: impl Fn(&str) -> String,
    keys: &[sdk::AccessKeyMetadata],
    console: Option<bool>,
    mfa_devices: Option<usize>,
) -> Option<Resource> {
    let (arn, name) = (u.arn()?, u.user_name()?);
    let mut relations = policy_rels(u.attached_managed_policies());
    relations.extend(
        u.permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(|a| Relation::new("uses-policy", a)),
    );
    // GetAccountAuthorizationDetails names the groups, not their ARNs.
    relations.extend(u.group_list().iter().map(|g| Relation::new("member-of", group_arn(g))));
    let oldest = keys.iter().filter_map(|k| date(k.create_date())).min();
    let active = keys
        .iter()
        .filter(|k| k.status().map(|s| s.as_str()) == Some("Active"))
        .count();
    let attrs = Attrs::default()
        .set("path", u.path().unwrap_or("/"))
        .set("attached_policies", attached_names(u.attached_managed_policies()))
        .set("inline_policies", inline_names(u.user_policy_list()))
        .set("policy_account_ids", inline_account_ids(u.user_policy_list()))
        .set("groups", {
            let mut g = u.group_list().to_vec();
            g.sort();
            g
        })
        .set("access_keys", keys.len())
        .set("active_access_keys", active)
        .opt("oldest_access_key_created", oldest)
        .opt("console_access", console)
        .opt("mfa_devices", mfa_devices)
        .opt("created", date(u.create_date()));
    Some(resource(arn, "user", name, tag_map(u.tags()), attrs, relations))
}

pub fn group(g: &GroupDetail) -> Option<Resource> {
    let (arn, name) = (g.arn()?, g.group_name()?);
    let attrs = Attrs::default()
        .set("path", g.path().unwrap_or("/"))
        .set("attached_policies", attached_names(g.attached_managed_policies()))
        .set("inline_policies", inline_names(g.group_policy_list()))
        .set("policy_account_ids", inline_account_ids(g.group_policy_list()))
        .opt("created", date(g.create_date()));
    let relations = policy_rels(g.attached_managed_policies());
    Some(resource(arn, "group", name, SortedMap::new(), attrs, relations))
}

pub fn managed_policy(p: &ManagedPolicyDetail, tags: &[Tag]) -> Option<Resource> {
    let arn = p.arn()?;
    // AWS always names the policy; the emulator leaves the name out, and the ARN ends with it.
    let name = p.policy_name().or_else(|| arn.rsplit('/').next())?;
    let default = p
        .policy_version_list()
        .iter()
        .find(|v| v.is_default_version())
        .or_else(|| {
            p.policy_version_list()
                .iter()
                .find(|v| v.version_id().is_some() && v.version_id() == p.default_version_id())
        });
    let facts = default.and_then(|v| v.document()).and_then(DocFacts::read);
    let attrs = Attrs::default()
        .set("path", p.path().unwrap_or("/"))
        .opt("default_version", p.default_version_id())
        .opt("attachment_count", p.attachment_count())
        .opt("created", date(p.create_date()))
        .opt("updated", date(p.update_date()))
        .opt("policy_account_ids", facts.as_ref().map(|f| f.account_ids.clone()))
        .opt("policy_arns", facts.map(|f| f.arns));
    Some(resource(arn, "policy", name, tag_map(tags), attrs, vec![]))
}

pub fn instance_profile(p: &sdk::InstanceProfile) -> Resource {
    let relations = p.roles().iter().map(|r| Relation::new("uses-role", r.arn())).collect();
    let attrs = Attrs::default()
        .set("path", p.path())
        .set("roles", p.roles().iter().map(|r| r.role_name()).collect::<Vec<_>>())
        .opt("created", date(Some(p.create_date())));
    resource(
        p.arn(),
        "instance-profile",
        p.instance_profile_name(),
        tag_map(p.tags()),
        attrs,
        relations,
    )
}

/// An OIDC or SAML provider, from its ARN (`...:oidc-provider/NAME`).
pub fn provider(kind: &str, provider_arn: &str) -> Option<Resource> {
    let name = provider_arn.split_once(&format!(":{kind}/"))?.1;
    Some(resource(
        provider_arn,
        kind,
        name,
        SortedMap::new(),
        Attrs::default(),
        vec![],
    ))
}

/// What a policy document names: principals by kind, account ids and ARNs. The document itself
/// is never kept.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DocFacts {
    /// `Service` principals.
    pub services: Vec<String>,
    /// Account ids of `AWS` principals (account ids, roots, roles, users).
    pub principal_accounts: Vec<String>,
    /// `Federated` principals.
    pub federated: Vec<String>,
    /// Every twelve-digit account id in the document.
    pub account_ids: Vec<String>,
    /// Every ARN in the document (resources, principals, conditions).
    pub arns: Vec<String>,
}

impl DocFacts {
    /// Reads a document as IAM returns it (URL-encoded) or plain; `None` if it is not JSON.
    pub fn read(text: &str) -> Option<DocFacts> {
        let decoded;
        let text = if text.trim_start().starts_with('{') {
            text
        } else {
            decoded = url_decode(text)?;
            decoded.as_str()
        };
        let doc: Value = serde_json::from_str(text).ok()?;
        let mut facts = DocFacts {
            account_ids: policy::analyze(text).map(|f| f.account_ids).unwrap_or_default(),
            ..Default::default()
        };
        let (mut services, mut accounts, mut federated, mut arns) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        let statements: Vec<&Value> = match doc.get("Statement") {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(single @ Value::Object(_)) => vec![single],
            _ => vec![],
        };
        for statement in statements {
            if let Some(Value::Object(map)) = statement.get("Principal") {
                for (kind, value) in map {
                    for principal in strings(value) {
                        match kind.as_str() {
                            "Service" => {
                                services.insert(principal.to_owned());
                            }
                            "Federated" => {
                                federated.insert(principal.to_owned());
                            }
                            "AWS" => {
                                let account = match arn::parse(principal) {
                                    Some(_) => principal.split(':').nth(4).unwrap_or_default().to_owned(),
                                    None => principal.to_owned(),
                                };
                                if !account.is_empty() {
                                    accounts.insert(account);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        collect_arns(&doc, &mut arns);
        facts.services = services.into_iter().collect();
        facts.principal_accounts = accounts.into_iter().collect();
        facts.federated = federated.into_iter().collect();
        facts.arns = arns.into_iter().collect();
        Some(facts)
    }
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn collect_arns(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if s.starts_with("arn:") => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| collect_arns(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_arns(v, out)),
        _ => {}
    }
}

/// Decodes `%XX` escapes (RFC 3986, as IAM encodes policy documents; `+` is kept as is).
/// `None` for a malformed escape or text that is not UTF-8.
pub fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::types::{
        AccessKeyMetadata, AttachedPolicy, InstanceProfile, PolicyDetail, PolicyVersion, Role, RoleLastUsed, StatusType,
    };
    use aws_smithy_types::DateTime;

    const ACCOUNT: &str = "111122223333";

    fn enc(text: &str) -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"},
        {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","777788889999"]},"Action":"sts:AssumeRole"},
        {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/corp"},"Action":"sts:AssumeRoleWithSAML"}]}"#;

    #[test]
    fn url_decoding_reverses_iams_encoding() {
        assert_eq!(url_decode(&enc(TRUST)).unwrap(), TRUST);
        assert_eq!(url_decode("a%2"), None);
        assert_eq!(url_decode("a+b%20c").unwrap(), "a+b c");
    }

    #[test]
    fn trust_document_principals_by_kind() {
        let facts = DocFacts::read(&enc(TRUST)).unwrap();
        assert_eq!(facts.services, vec!["ec2.amazonaws.com", "lambda.amazonaws.com"]);
        assert_eq!(facts.principal_accounts, vec!["444455556666", "777788889999"]);
        assert_eq!(facts.federated, vec!["arn:aws:iam::111122223333:saml-provider/corp"]);
        assert_eq!(facts.account_ids, vec!["111122223333", "444455556666", "777788889999"]);
        assert_eq!(
            DocFacts::read(TRUST),
            DocFacts::read(&enc(TRUST)),
            "plain JSON reads the same"
        );
        assert_eq!(DocFacts::read("not%20json"), None);
    }

    fn attached(name: &str) -> AttachedPolicy {
        AttachedPolicy::builder()
            .policy_name(name)
            .policy_arn(format!("arn:aws:iam::{ACCOUNT}:policy/{name}"))
            .build()
    }

    #[test]
    fn role_has_trust_policies_and_last_use_and_never_a_document() {
        let inline_doc =
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-999988887777/*"}]}"#;
        let r = RoleDetail::builder()
            .role_name("app")
            .arn(format!("arn:aws:iam::{ACCOUNT}:role/app"))
            .path("/")
            .assume_role_policy_document(enc(TRUST))
            .attached_managed_policies(attached("reader"))
            .role_policy_list(
                PolicyDetail::builder()
                    .policy_name("inline-b")
                    .policy_document(enc(inline_doc))
                    .build(),
            )
            .role_last_used(
                RoleLastUsed::builder()
                    .last_used_date(DateTime::from_secs(1_700_000_000))
                    .region("eu-west-1")
                    .build(),
            )
            .tags(Tag::builder().key("env").value("prod").build().unwrap())
            .build();
        let res = role(&r).unwrap();
        assert_eq!(res.resource_type, "iam:role");
        assert_eq!(res.region, None);
        assert_eq!(res.id, "app");
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Iam]);
        assert_eq!(
            res.relations,
            vec![Relation::new(
                "uses-policy",
                format!("arn:aws:iam::{ACCOUNT}:policy/reader")
            )]
        );
        let a = &res.attributes;
        assert_eq!(a["service_linked"], false);
        assert_eq!(
            a["trust_services"],
            serde_json::json!(["ec2.amazonaws.com", "lambda.amazonaws.com"])
        );
        assert_eq!(a["trust_accounts"], serde_json::json!(["444455556666", "777788889999"]));
        assert_eq!(
            a["trust_federated"],
            serde_json::json!(["arn:aws:iam::111122223333:saml-provider/corp"])
        );
        assert_eq!(a["attached_policies"], serde_json::json!(["reader"]));
        assert_eq!(a["inline_policies"], serde_json::json!(["inline-b"]));
        assert_eq!(a["policy_account_ids"], serde_json::json!(["999988887777"]));
        assert_eq!(a["last_used"], "2023-11-14T22:13:20Z");
        assert_eq!(a["last_used_region"], "eu-west-1");
        let text = serde_json::to_string(&res).unwrap();
        assert!(
            !text.contains("sts:AssumeRole") && !text.contains("s3:GetObject"),
            "{text}"
        );
    }

    #[test]
    fn service_linked_role_is_marked_by_its_path() {
        let r = RoleDetail::builder()
            .role_name("AWSServiceRoleForSupport")
            .arn(format!(
                "arn:aws:iam::{ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"
            ))
            .path("/aws-service-role/support.amazonaws.com/")
            .build();
        let res = role(&r).unwrap();
        assert_eq!(res.attributes["service_linked"], true);
        assert!(
            !res.attributes.contains_key("trust_services"),
            "no trust document, no trust facts"
        );
    }

    #[test]
    fn user_counts_keys_mfa_and_console_and_joins_its_groups() {
        let u = UserDetail::builder()
            .user_name("alice")
            .arn(format!("arn:aws:iam::{ACCOUNT}:user/alice"))
            .path("/")
            .group_list("admins")
            .attached_managed_policies(attached("reader"))
            .build();
        let key = |id: &str, secs: i64, status: StatusType| {
            AccessKeyMetadata::builder()
                .access_key_id(id)
                .create_date(DateTime::from_secs(secs))
                .status(status)
                .build()
        };
        let keys = [
            key("AKIA2", 1_700_000_000, StatusType::Active),
            key("AKIA1", 1_600_000_000, StatusType::Inactive),
        ];
        let res = user(
            &u,
            |g| format!("arn:aws:iam::{ACCOUNT}:group/{g}"),
            &keys,
            Some(true),
            Some(1),
        )
        .unwrap();
        assert_eq!(res.resource_type, "iam:user");
        let a = &res.attributes;
        assert_eq!(a["access_keys"], 2);
        assert_eq!(a["active_access_keys"], 1);
        assert_eq!(a["oldest_access_key_created"], "2020-09-13T12:26:40Z");
        assert_eq!(a["console_access"], true);
        assert_eq!(a["mfa_devices"], 1);
        assert_eq!(a["groups"], serde_json::json!(["admins"]));
        assert!(res.relations.contains(&Relation::new(
            "member-of",
            format!("arn:aws:iam::{ACCOUNT}:group/admins")
        )));
        assert!(res.relations.contains(&Relation::new(
            "uses-policy",
            format!("arn:aws:iam::{ACCOUNT}:policy/reader")
        )));
        let text = serde_json::to_string(&res).unwrap();
        assert!(!text.contains("AKIA"), "access key ids are not kept: {text}");
        // A failed GetLoginProfile or ListMFADevices leaves the attribute out.
        let res = user(&u, |g| format!("arn:aws:iam::{ACCOUNT}:group/{g}"), &[], None, None).unwrap();
        assert!(!res.attributes.contains_key("console_access"));
        assert!(!res.attributes.contains_key("mfa_devices"));
        assert_eq!(res.attributes["access_keys"], 0);
    }

    #[test]
    fn group_uses_its_managed_policies() {
        let g = GroupDetail::builder()
            .group_name("admins")
            .arn(format!("arn:aws:iam::{ACCOUNT}:group/admins"))
            .path("/")
            .attached_managed_policies(attached("admin"))
            .build();
        let res = group(&g).unwrap();
        assert_eq!(res.resource_type, "iam:group");
        assert_eq!(res.relations.len(), 1);
        assert_eq!(res.relations[0].kind, "uses-policy");
    }

    #[test]
    fn managed_policy_names_accounts_and_arns_of_its_default_version_only() {
        let v1 = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::old-000011112222"}]}"#;
        let v2 = r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444455556666:role/x"}]}"#;
        let p = ManagedPolicyDetail::builder()
            .policy_name("cross")
            .arn(format!("arn:aws:iam::{ACCOUNT}:policy/cross"))
            .path("/")
            .default_version_id("v2")
            .attachment_count(1)
            .policy_version_list(
                PolicyVersion::builder()
                    .version_id("v1")
                    .is_default_version(false)
                    .document(enc(v1))
                    .build(),
            )
            .policy_version_list(
                PolicyVersion::builder()
                    .version_id("v2")
                    .is_default_version(true)
                    .document(enc(v2))
                    .build(),
            )
            .build();
        let tags = [Tag::builder().key("team").value("data").build().unwrap()];
        let unnamed = ManagedPolicyDetail::builder()
            .arn(format!("arn:aws:iam::{ACCOUNT}:policy/team/unnamed"))
            .build();
        assert_eq!(
            managed_policy(&unnamed, &[]).unwrap().id,
            "unnamed",
            "the name from the ARN"
        );
        let res = managed_policy(&p, &tags).unwrap();
        assert_eq!(res.resource_type, "iam:policy");
        assert_eq!(res.tags["team"], "data");
        assert_eq!(
            res.attributes["policy_account_ids"],
            serde_json::json!(["444455556666"])
        );
        assert_eq!(
            res.attributes["policy_arns"],
            serde_json::json!(["arn:aws:iam::444455556666:role/x"])
        );
        assert_eq!(res.attributes["default_version"], "v2");
        let text = serde_json::to_string(&res).unwrap();
        assert!(!text.contains("sts:AssumeRole"), "{text}");
    }

    #[test]
    fn instance_profile_uses_its_role_and_providers_take_their_name_from_the_arn() {
        let role = Role::builder()
            .path("/")
            .role_name("app")
            .role_id("AROA1")
            .arn(format!("arn:aws:iam::{ACCOUNT}:role/app"))
            .create_date(DateTime::from_secs(0))
            .build()
            .unwrap();
        let p = InstanceProfile::builder()
            .path("/")
            .instance_profile_name("app-profile")
            .instance_profile_id("AIPA1")
            .arn(format!("arn:aws:iam::{ACCOUNT}:instance-profile/app-profile"))
            .create_date(DateTime::from_secs(0))
            .roles(role)
            .build()
            .unwrap();
        let res = instance_profile(&p);
        assert_eq!(res.resource_type, "iam:instance-profile");
        assert_eq!(
            res.relations,
            vec![Relation::new("uses-role", format!("arn:aws:iam::{ACCOUNT}:role/app"))]
        );
        assert_eq!(res.attributes["roles"], serde_json::json!(["app"]));

        let oidc = provider(
            "oidc-provider",
            &format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"),
        )
        .unwrap();
        assert_eq!(oidc.resource_type, "iam:oidc-provider");
        assert_eq!(oidc.id, "token.actions.githubusercontent.com");
        let saml = provider("saml-provider", &format!("arn:aws:iam::{ACCOUNT}:saml-provider/corp")).unwrap();
        assert_eq!(saml.id, "corp");
        assert_eq!(provider("saml-provider", "arn:aws:iam::1:role/x"), None);
    }

    /// The fake answers `GetAccountAuthorizationDetails` and `ListInstanceProfiles` in two
    /// pages each, the first with a `Marker`, and the provider lists empty.
    mod two_pages {
        use super::ACCOUNT;
        use crate::aws::collectors::fake_pages::{FakeHttp, Seen, block_on, fake_client};

        fn answer(seen: &Seen) -> (u16, String) {
            let operation = seen.query_field("Action");
            let second = seen.query_field("Marker") == "page2";
            let n = if second { 2 } else { 1 };
            let more = if second {
                "<IsTruncated>false</IsTruncated>".to_owned()
            } else {
                "<IsTruncated>true</IsTruncated><Marker>page2</Marker>".to_owned()
            };
            let result = match operation {
                "GetAccountAuthorizationDetails" => format!(
                    "<RoleDetailList><member><RoleName>role-{n}</RoleName><RoleId>AROA{n}</RoleId>\
                     <Arn>arn:aws:iam::{ACCOUNT}:role/role-{n}</Arn><Path>/</Path>\
                     <CreateDate>2020-01-01T00:00:00Z</CreateDate></member></RoleDetailList>\
                     <UserDetailList/><GroupDetailList/><Policies/>{more}"
                ),
                "ListInstanceProfiles" => format!(
                    "<InstanceProfiles><member><Path>/</Path><InstanceProfileName>profile-{n}</InstanceProfileName>\
                     <InstanceProfileId>AIPA{n}</InstanceProfileId>\
                     <Arn>arn:aws:iam::{ACCOUNT}:instance-profile/profile-{n}</Arn>\
                     <CreateDate>2020-01-01T00:00:00Z</CreateDate><Roles/></member></InstanceProfiles>{more}"
                ),
                "ListOpenIDConnectProviders" => "<OpenIDConnectProviderList/>".to_owned(),
                "ListSAMLProviders" => "<SAMLProviderList/>".to_owned(),
                other => panic!("no fake answer for {other}"),
            };
            (
                200,
                format!(
                    "<{operation}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><{operation}Result>\
                     {result}</{operation}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
                     </{operation}Response>"
                ),
            )
        }

        #[test]
        fn roles_and_instance_profiles_on_a_second_page_are_read() {
            let http = FakeHttp::new(answer);
            let client = fake_client!(aws_sdk_iam, "us-east-1", http);
            let result = block_on(super::super::collect(&client));
            assert!(result.error.is_none(), "{:?}", result.error);
            let mut arns: Vec<&str> = result.resources.iter().map(|r| r.arn.as_str()).collect();
            arns.sort_unstable();
            assert_eq!(
                arns,
                [
                    format!("arn:aws:iam::{ACCOUNT}:instance-profile/profile-1"),
                    format!("arn:aws:iam::{ACCOUNT}:instance-profile/profile-2"),
                    format!("arn:aws:iam::{ACCOUNT}:role/role-1"),
                    format!("arn:aws:iam::{ACCOUNT}:role/role-2"),
                ]
            );
            // Two pages each, and one request per provider list.
            assert_eq!(result.requests, 6);
            let markers: Vec<String> = http
                .requests()
                .iter()
                .map(|s| s.query_field("Marker").to_owned())
                .collect();
            assert_eq!(markers.iter().filter(|m| *m == "page2").count(), 2, "{markers:?}");
        }
    }
}
