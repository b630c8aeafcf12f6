//! The KMS collector (per region): every key `ListKeys` returns, with its aliases (`ListAliases`),
//! its metadata (`DescribeKey`: manager, state, spec, origin), and for customer-managed keys the
//! rotation status (`GetKeyRotationStatus`) and the principals of its key policy (`GetKeyPolicy`:
//! the policy document, which holds no key material; only its principals and account ids are
//! kept). Key tags come from the Tagging API, which covers KMS keys.
//!
//! AWS-managed keys (`aws/ebs`, `aws/rds`...) are recorded with `aws_managed: true`, as AWS
//! created them: the default-key caveat of snapshots and databases needs them. They are
//! recognised by `KeyManager` and by their `alias/aws/` aliases (moto reports every key as
//! customer-managed, and answers `ListAliases` with every `alias/aws/` alias pointing at a key
//! that `ListKeys` does not list: such alias-only keys are recorded with `alias_only: true`, and
//! the scan keeps them only when a resource uses them: see `scan::keys`).

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use aws_sdk_kms::types::{KeyManagerType, KeyMetadata};
use futures::future::BoxFuture;

use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn, policy};

service_client!(aws_sdk_kms, "kms");

pub struct Kms;

const ACTIONS: &[Action] = &[
    action("KMS", "DescribeKey", "kms:DescribeKey"),
    action("KMS", "GetKeyPolicy", "kms:GetKeyPolicy"),
    action("KMS", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
    action("KMS", "ListAliases", "kms:ListAliases"),
    action("KMS", "ListKeys", "kms:ListKeys"),
];

/// The prefix of the aliases AWS gives the keys it manages for its services.
pub const AWS_ALIAS_PREFIX: &str = "alias/aws/";

impl Collector<AwsScanSource> for Kms {
    fn name(&self) -> &'static str {
        "kms"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS Key Management Service"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let client: Client = source.aws().client(task.region);
            collect(&client, task.region, task.account).await
        })
    }
}

/// What the per-key calls found about a customer-managed key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyDetails {
    /// `None` when the call failed or does not apply (asymmetric, HMAC, imported keys).
    pub rotation_enabled: Option<bool>,
    pub rotation_period_days: Option<i32>,
    /// The key policy's principals and account ids; `None` when it was not read.
    pub policy: Option<policy::PolicyFacts>,
}

/// Reads every key of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut requests = 0u64;

    let mut keys: Vec<(String, String)> = Vec::new();
    let (n, error) = paginate!(client.list_keys().limit(1000), "ListKeys", region, |page| {
        keys.extend(
            page.keys()
                .iter()
                .filter_map(|k| Some((k.key_id()?.to_owned(), k.key_arn()?.to_owned()))),
        );
    });
    requests += n;
    errors.extend(error);

    // Key id -> alias names.
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (n, error) = paginate!(client.list_aliases().limit(100), "ListAliases", region, |page| {
        for alias in page.aliases() {
            if let (Some(name), Some(target)) = (alias.alias_name(), alias.target_key_id()) {
                aliases.entry(target.to_owned()).or_default().push(name.to_owned());
            }
        }
    });
    requests += n;
    errors.extend(error);

    let mut out = Vec::new();
    for (key_id, key_arn) in &keys {
        let key_aliases = aliases.remove(key_id).unwrap_or_default();
        requests += 1;
        let meta = match client.describe_key().key_id(key_arn).send().await {
            Ok(answer) => answer.key_metadata,
            Err(err) => {
                errors.push(ApiError::from_sdk("DescribeKey", region, err));
                None
            }
        };
        let managed_by_aws = is_aws_managed(meta.as_ref(), &key_aliases);
        let mut details = KeyDetails::default();
        if !managed_by_aws && meta.is_some() {
            requests += 1;
            match client.get_key_rotation_status().key_id(key_arn).send().await {
                Ok(answer) => {
                    details.rotation_enabled = Some(answer.key_rotation_enabled());
                    details.rotation_period_days = answer.rotation_period_in_days();
                }
                Err(err) => {
                    let err = ApiError::from_sdk("GetKeyRotationStatus", region, err);
                    // Asymmetric, HMAC, imported and custom-key-store keys do not rotate, and a key
                    // pending deletion answers with its state: answers, not failures.
                    if !matches!(
                        err.code.as_str(),
                        "UnsupportedOperationException" | "KMSInvalidStateException"
                    ) {
                        errors.push(err);
                    }
                }
            }
            requests += 1;
            match client
                .get_key_policy()
                .key_id(key_arn)
                .policy_name("default")
                .send()
                .await
            {
                Ok(answer) => details.policy = answer.policy().and_then(policy::analyze),
                Err(err) => errors.push(ApiError::from_sdk("GetKeyPolicy", region, err)),
            }
        }
        out.push(key(region, key_arn, key_id, meta.as_ref(), key_aliases, &details));
    }
    // What is left are aliases of keys ListKeys did not list: AWS-managed ones become alias-only
    // keys; a customer alias without a listed key (a failed ListKeys page) is dropped.
    for (key_id, names) in aliases {
        out.extend(alias_only_key(region, account, &key_id, names));
    }

    UnitResult {
        service: "kms",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The denied error if any (it decides the coverage status), else the first failure.
fn first_error(mut errors: Vec<ApiError>) -> Option<ApiError> {
    let denied = errors.iter().position(ApiError::is_denied);
    match denied {
        Some(i) => Some(errors.swap_remove(i)),
        None => errors.into_iter().next(),
    }
}

/// True when AWS manages the key: its `KeyManager` says so, or one of its aliases is an
/// `alias/aws/` alias (which only AWS can create).
pub fn is_aws_managed(meta: Option<&KeyMetadata>, aliases: &[String]) -> bool {
    meta.and_then(|m| m.key_manager()) == Some(&KeyManagerType::Aws)
        || aliases.iter().any(|a| a.starts_with(AWS_ALIAS_PREFIX))
}

fn date(value: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    value.and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

fn resource(region: &str, key_arn: &str, key_id: &str, mut aliases: Vec<String>, attrs: Attrs) -> Resource {
    aliases.sort();
    aliases.dedup();
    // A key has no name of its own: its first alias names it (`alias/orders-dev` -> `orders-dev`).
    let name = aliases
        .first()
        .map(|a| a.strip_prefix("alias/").unwrap_or(a).to_owned());
    Resource {
        arn: key_arn.to_owned(),
        service: "kms".to_owned(),
        resource_type: "kms:key".to_owned(),
        region: Some(region.to_owned()),
        id: key_id.to_owned(),
        name,
        tags: SortedMap::new(),
        sources: vec![Source::Kms],
        relations: Vec::new(),
        attributes: attrs.set("aliases", aliases).into_map(),
    }
}

/// A key `ListKeys` listed. Without its metadata (a failed `DescribeKey`) it keeps its ARN,
/// aliases and whether an alias marks it as AWS-managed.
pub fn key(
    region: &str,
    key_arn: &str,
    key_id: &str,
    meta: Option<&KeyMetadata>,
    aliases: Vec<String>,
    details: &KeyDetails,
) -> Resource {
    let aws_managed = is_aws_managed(meta, &aliases);
    let mut attrs = Attrs::default().set("aws_managed", aws_managed);
    if let Some(m) = meta {
        attrs = attrs
            .opt("key_manager", m.key_manager().map(|k| k.as_str()))
            .opt("state", m.key_state().map(|s| s.as_str()))
            .set("enabled", m.enabled())
            .opt("key_spec", m.key_spec().map(|s| s.as_str()))
            .opt("key_usage", m.key_usage().map(|u| u.as_str()))
            .opt("origin", m.origin().map(|o| o.as_str()))
            .opt("multi_region", m.multi_region())
            .opt("description", m.description().filter(|d| !d.is_empty()))
            .opt("deletion_date", date(m.deletion_date()));
    }
    attrs = attrs
        .opt("rotation_enabled", details.rotation_enabled)
        .opt("rotation_period_days", details.rotation_period_days);
    if let Some(facts) = &details.policy {
        attrs = attrs
            .set("policy_principals", facts.principals.clone())
            .set("policy_account_ids", facts.account_ids.clone());
    }
    resource(region, key_arn, key_id, aliases, attrs)
}

/// An AWS-managed key known only from its `alias/aws/` aliases; `None` for customer aliases.
pub fn alias_only_key(region: &str, account: &str, key_id: &str, aliases: Vec<String>) -> Option<Resource> {
    if !aliases.iter().any(|a| a.starts_with(AWS_ALIAS_PREFIX)) {
        return None;
    }
    let key_arn = arn::kms_key(region, account, key_id)?;
    let attrs = Attrs::default().set("aws_managed", true).set("alias_only", true);
    Some(resource(region, &key_arn, key_id, aliases, attrs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType, OriginType};
    use aws_smithy_types::DateTime;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";

    fn key_arn(id: &str) -> String {
        format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
    }

    fn meta(id: &str, manager: KeyManagerType) -> KeyMetadata {
        KeyMetadata::builder()
            .key_id(id)
            .arn(key_arn(id))
            .key_manager(manager)
            .key_state(KeyState::Enabled)
            .enabled(true)
            .key_spec(KeySpec::SymmetricDefault)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .origin(OriginType::AwsKms)
            .multi_region(false)
            .description("orders data")
            .creation_date(DateTime::from_secs(1_700_000_000))
            .build()
            .unwrap()
    }

    #[test]
    fn customer_key_has_aliases_state_rotation_and_policy_principals_only() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
            {"Sid":"use","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:role/reader"]},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        let details = KeyDetails {
            rotation_enabled: Some(true),
            rotation_period_days: Some(365),
            policy: policy::analyze(doc),
        };
        let res = key(
            REGION,
            &key_arn("k1"),
            "k1",
            Some(&meta("k1", KeyManagerType::Customer)),
            vec!["alias/orders-prod".into(), "alias/b-second".into()],
            &details,
        );
        assert_eq!(res.resource_type, "kms:key");
        assert_eq!(res.service, "kms");
        assert_eq!(res.region.as_deref(), Some(REGION));
        assert_eq!(res.id, "k1");
        assert_eq!(res.name.as_deref(), Some("b-second"), "the first alias, sorted");
        assert_eq!(res.sources, vec![Source::Kms]);
        let a = &res.attributes;
        assert_eq!(a["aliases"], serde_json::json!(["alias/b-second", "alias/orders-prod"]));
        assert_eq!(a["aws_managed"], false);
        assert_eq!(a["key_manager"], "CUSTOMER");
        assert_eq!(a["state"], "Enabled");
        assert_eq!(a["enabled"], true);
        assert_eq!(a["key_spec"], "SYMMETRIC_DEFAULT");
        assert_eq!(a["rotation_enabled"], true);
        assert_eq!(a["rotation_period_days"], 365);
        assert!(
            !a.contains_key("created"),
            "no creation time: the sample regenerates byte for byte"
        );
        assert_eq!(
            a["policy_principals"],
            serde_json::json!([
                "arn:aws:iam::111122223333:root",
                "arn:aws:iam::444455556666:role/reader"
            ])
        );
        assert_eq!(
            a["policy_account_ids"],
            serde_json::json!(["111122223333", "444455556666"])
        );
        let text = serde_json::to_string(&res).unwrap();
        assert!(
            !text.contains("kms:Decrypt") && !text.contains("Statement"),
            "the policy document is not kept: {text}"
        );
    }

    #[test]
    fn aws_managed_by_key_manager_or_by_an_aws_alias() {
        let aws = meta("k2", KeyManagerType::Aws);
        assert!(is_aws_managed(Some(&aws), &[]));
        let customer = meta("k3", KeyManagerType::Customer);
        assert!(!is_aws_managed(Some(&customer), &["alias/app".into()]));
        assert!(
            is_aws_managed(Some(&customer), &["alias/aws/ebs".into()]),
            "moto reports AWS keys as customer-managed"
        );
        assert!(is_aws_managed(None, &["alias/aws/rds".into()]));
        let res = key(
            REGION,
            &key_arn("k2"),
            "k2",
            Some(&aws),
            vec!["alias/aws/ebs".into()],
            &KeyDetails::default(),
        );
        assert_eq!(res.attributes["aws_managed"], true);
        assert!(!res.attributes.contains_key("rotation_enabled"));
        assert!(!res.attributes.contains_key("policy_principals"));
    }

    #[test]
    fn a_key_without_metadata_keeps_its_arn_and_aliases() {
        let res = key(
            REGION,
            &key_arn("k4"),
            "k4",
            None,
            vec!["alias/app".into()],
            &KeyDetails::default(),
        );
        assert_eq!(res.arn, key_arn("k4"));
        assert_eq!(res.attributes["aws_managed"], false);
        assert!(!res.attributes.contains_key("state"));
    }

    #[test]
    fn alias_only_keys_are_aws_managed_ones() {
        let res = alias_only_key(REGION, ACCOUNT, "f5f3", vec!["alias/aws/rds".into()]).unwrap();
        assert_eq!(res.arn, key_arn("f5f3"));
        assert_eq!(res.name.as_deref(), Some("aws/rds"));
        assert_eq!(res.attributes["aws_managed"], true);
        assert_eq!(res.attributes["alias_only"], true);
        assert_eq!(alias_only_key(REGION, ACCOUNT, "k9", vec!["alias/app".into()]), None);
    }

    /// moto answers ListKeys and ListAliases in one page, so pagination is tested against this
    /// fake: both answer two pages, the first with a marker.
    mod two_pages {
        use aws_smithy_runtime_api::client::http::{
            HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
        };
        use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
        use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
        use aws_smithy_types::body::SdkBody;

        use super::super::*;
        use super::{ACCOUNT, REGION};

        #[derive(Debug, Clone)]
        struct TwoPages;

        fn answer(target: &str, body: &str) -> String {
            let second = body.contains("\"Marker\":\"page2\"");
            let n = if second { 2 } else { 1 };
            let more = if second {
                r#""Truncated":false"#.to_owned()
            } else {
                r#""Truncated":true,"NextMarker":"page2""#.to_owned()
            };
            let arn = |id: &str| format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}");
            match target {
                "TrentService.ListKeys" => {
                    format!(
                        r#"{{"Keys":[{{"KeyId":"k-{n}","KeyArn":"{}"}}],{more}}}"#,
                        arn(&format!("k-{n}"))
                    )
                }
                "TrentService.ListAliases" => {
                    format!(r#"{{"Aliases":[{{"AliasName":"alias/aws/svc{n}","TargetKeyId":"k-{n}"}}],{more}}}"#)
                }
                "TrentService.DescribeKey" => {
                    let id = if body.contains("k-2") { "k-2" } else { "k-1" };
                    format!(
                        r#"{{"KeyMetadata":{{"KeyId":"{id}","Arn":"{}","KeyManager":"AWS","Enabled":true}}}}"#,
                        arn(id)
                    )
                }
                other => panic!("no fake answer for {other}"),
            }
        }

        impl HttpConnector for TwoPages {
            fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
                let target = request.headers().get("x-amz-target").unwrap_or_default().to_owned();
                let body = std::str::from_utf8(request.body().bytes().unwrap_or_default()).unwrap_or_default();
                let response = HttpResponse::new(200u16.try_into().unwrap(), SdkBody::from(answer(&target, body)));
                HttpConnectorFuture::ready(Ok(response))
            }
        }

        impl HttpClient for TwoPages {
            fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
                SharedHttpConnector::new(self.clone())
            }
        }

        #[test]
        fn keys_and_aliases_are_read_on_every_page() {
            let conf = aws_sdk_kms::Config::builder()
                .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
                .region(aws_sdk_kms::config::Region::new(REGION))
                .credentials_provider(aws_sdk_kms::config::Credentials::new("a", "b", None, None, "test"))
                .http_client(TwoPages)
                .build();
            let client = Client::from_conf(conf);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let result = rt.block_on(collect(&client, REGION, ACCOUNT));
            assert!(result.error.is_none(), "{:?}", result.error);
            // Two ListKeys pages, two ListAliases pages, one DescribeKey per (AWS-managed) key.
            assert_eq!(result.requests, 6);
            let keys: Vec<(&str, &serde_json::Value)> = result
                .resources
                .iter()
                .map(|r| (r.id.as_str(), &r.attributes["aliases"]))
                .collect();
            assert_eq!(
                keys,
                vec![
                    ("k-1", &serde_json::json!(["alias/aws/svc1"])),
                    ("k-2", &serde_json::json!(["alias/aws/svc2"]))
                ]
            );
        }
    }
}
