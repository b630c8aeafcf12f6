//! The Secrets Manager collector (per region): every secret from `ListSecrets` (every page, with
//! its tags, key and rotation), and per secret `GetResourcePolicy` for the accounts its resource
//! policy grants (the policy itself is not kept). A secret's value is never read: this collector
//! has no `GetSecretValue`, and the published policy test checks that no collector has.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::SecretListEntry;
use futures::future::BoxFuture;

use super::iam::{date, first_error};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn, policy};

service_client!(aws_sdk_secretsmanager, "secretsmanager");

pub struct SecretsManager;

const ACTIONS: &[Action] = &[
    action(
        "Secrets Manager",
        "GetResourcePolicy",
        "secretsmanager:GetResourcePolicy",
    ),
    action("Secrets Manager", "ListSecrets", "secretsmanager:ListSecrets"),
];

impl Collector<AwsScanSource> for SecretsManager {
    fn name(&self) -> &'static str {
        "secretsmanager"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS Secrets Manager"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// What a secret's resource policy says, as far as a migration needs it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PolicySummary {
    pub present: bool,
    /// Account ids the policy names (principals and conditions).
    pub account_ids: Vec<String>,
}

/// Reads every secret of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut secrets: Vec<SecretListEntry> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(client.list_secrets().max_results(100), "ListSecrets", region, |page| {
        secrets.extend(page.secret_list().iter().cloned());
    });
    errors.extend(error);
    let mut out = Vec::new();
    for s in &secrets {
        let Some(secret_arn) = s.arn() else { continue };
        requests += 1;
        let summary = match client.get_resource_policy().secret_id(secret_arn).send().await {
            Ok(answer) => Some(summarize(answer.resource_policy())),
            Err(err) => {
                let err = ApiError::from_sdk("GetResourcePolicy", region, err);
                if err.code == "ResourceNotFoundException" {
                    continue; // deleted since it was listed
                }
                errors.push(err);
                None
            }
        };
        out.extend(secret(region, account, s, summary.as_ref()));
    }
    UnitResult {
        service: "secretsmanager",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The facts of a resource policy document (`None`: the secret has none).
pub fn summarize(document: Option<&str>) -> PolicySummary {
    match document.filter(|d| !d.trim().is_empty()) {
        None => PolicySummary::default(),
        Some(doc) => PolicySummary {
            present: true,
            account_ids: policy::analyze(doc).map(|f| f.account_ids).unwrap_or_default(),
        },
    }
}

/// True for a key that cannot be shared with another account: none named (the default
/// `aws/secretsmanager` key) or an `aws/` alias.
fn is_default_key(key: Option<&str>) -> bool {
    key.is_none_or(|k| k.is_empty() || k.contains("alias/aws/"))
}

/// A secret from its `ListSecrets` entry and its policy summary (`None`: the policy could not
/// be read). Never its value: `ListSecrets` does not return one.
pub fn secret(region: &str, account: &str, s: &SecretListEntry, policy: Option<&PolicySummary>) -> Option<Resource> {
    let secret_arn = s.arn()?;
    let name = match s.name() {
        Some(name) => name.to_owned(),
        None => arn::parse(secret_arn)?.id,
    };
    let key = s.kms_key_id().filter(|k| !k.is_empty());
    let mut relations: Vec<Relation> = key
        .and_then(|k| arn::kms_key(region, account, k))
        .map(|k| Relation::new("uses-key", k))
        .into_iter()
        .collect();
    relations.extend(
        s.rotation_lambda_arn()
            .filter(|a| !a.is_empty())
            .map(|a| Relation::new("rotated-by", a)),
    );
    relations.sort();
    let rules = s.rotation_rules();
    let tags: SortedMap<String> = s
        .tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned())))
        .collect();
    let attrs = Attrs::default()
        .opt("kms_key_id", key)
        .set("default_key", is_default_key(key))
        .set("rotation_enabled", s.rotation_enabled().unwrap_or(false))
        .opt("rotation_days", rules.and_then(|r| r.automatically_after_days()))
        .opt("rotation_schedule", rules.and_then(|r| r.schedule_expression()))
        .opt("last_rotated", date(s.last_rotated_date()))
        .opt("last_changed", date(s.last_changed_date()))
        .opt("last_accessed", date(s.last_accessed_date()))
        .opt("created", date(s.created_date()))
        .opt("deleted", date(s.deleted_date()))
        .opt("primary_region", s.primary_region())
        .opt("owning_service", s.owning_service())
        .opt("has_policy", policy.map(|p| p.present))
        .opt("policy_account_ids", policy.map(|p| p.account_ids.clone()));
    Some(Resource {
        arn: secret_arn.to_owned(),
        service: "secretsmanager".to_owned(),
        resource_type: "secretsmanager:secret".to_owned(),
        region: Some(region.to_owned()),
        id: name.clone(),
        name: Some(name),
        tags,
        sources: vec![Source::SecretsManager],
        relations,
        attributes: attrs.into_map(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_secretsmanager::types::{RotationRulesType, Tag};
    use aws_smithy_types::DateTime;

    const ACCOUNT: &str = "111122223333";
    const ARN: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf";

    #[test]
    fn secret_with_customer_key_rotation_and_a_policy_granting_another_account() {
        let s = SecretListEntry::builder()
            .arn(ARN)
            .name("prod/db")
            .kms_key_id("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .rotation_enabled(true)
            .rotation_lambda_arn("arn:aws:lambda:eu-west-1:111122223333:function:rotate-db")
            .rotation_rules(RotationRulesType::builder().automatically_after_days(30).build())
            .last_rotated_date(DateTime::from_secs(1_700_000_000))
            .tags(Tag::builder().key("Environment").value("prod").build())
            .build();
        let doc = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
        let summary = summarize(Some(doc));
        let res = secret("eu-west-1", ACCOUNT, &s, Some(&summary)).unwrap();
        assert_eq!(res.resource_type, "secretsmanager:secret");
        assert_eq!(res.id, "prod/db");
        assert_eq!(res.tags["Environment"], "prod");
        assert_eq!(res.sources, vec![Source::SecretsManager]);
        assert_eq!(
            res.relations,
            vec![
                Relation::new("rotated-by", "arn:aws:lambda:eu-west-1:111122223333:function:rotate-db"),
                Relation::new(
                    "uses-key",
                    "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ),
            ]
        );
        let a = &res.attributes;
        assert_eq!(a["default_key"], false);
        assert_eq!(a["rotation_enabled"], true);
        assert_eq!(a["rotation_days"], 30);
        assert_eq!(a["last_rotated"], "2023-11-14T22:13:20Z");
        assert_eq!(a["has_policy"], true);
        assert_eq!(a["policy_account_ids"], serde_json::json!(["444455556666"]));
        let text = serde_json::to_string(&res).unwrap();
        assert!(!text.contains("GetSecretValue"), "the policy is not kept: {text}");
    }

    #[test]
    fn secret_on_the_default_key_without_policy_or_rotation() {
        let s = SecretListEntry::builder().arn(ARN).name("prod/db").build();
        let res = secret("eu-west-1", ACCOUNT, &s, Some(&summarize(None))).unwrap();
        assert!(res.relations.is_empty());
        assert_eq!(res.attributes["default_key"], true);
        assert_eq!(res.attributes["rotation_enabled"], false);
        assert_eq!(res.attributes["has_policy"], false);
        // A policy that could not be read leaves both policy attributes out.
        let res = secret("eu-west-1", ACCOUNT, &s, None).unwrap();
        assert!(!res.attributes.contains_key("has_policy"));
        assert!(!res.attributes.contains_key("policy_account_ids"));
        assert!(is_default_key(Some("alias/aws/secretsmanager")));
    }

    mod fake {
        use super::super::*;
        use crate::aws::collectors::fake_pages::{FakeHttp, block_on, denied_json, fake_client};

        #[test]
        fn list_secrets_reads_the_second_page() {
            let http = FakeHttp::new(|seen| {
                let body = if seen.target.ends_with("ListSecrets") {
                    let (n, token) = if seen.body.contains("page2") {
                        (2, "")
                    } else {
                        (1, r#","NextToken":"page2""#)
                    };
                    format!(
                        r#"{{"SecretList":[{{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:s{n}-AbCdEf","Name":"s{n}"}}]{token}}}"#
                    )
                } else {
                    "{}".to_owned()
                };
                (200, body)
            });
            let client = fake_client!(aws_sdk_secretsmanager, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            assert!(result.error.is_none(), "{:?}", result.error);
            assert_eq!(result.requests, 4, "two pages and two policies");
            let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids, ["s1", "s2"]);
            assert!(
                http.requests().iter().all(|s| !s.target.contains("GetSecretValue")),
                "a value was asked for"
            );
        }

        #[test]
        fn a_denied_policy_read_keeps_the_secret_and_is_the_units_error() {
            let http = FakeHttp::new(|seen| {
                if seen.target.ends_with("ListSecrets") {
                    (
                        200,
                        r#"{"SecretList":[{"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf","Name":"s"}]}"#
                            .to_owned(),
                    )
                } else {
                    denied_json()
                }
            });
            let client = fake_client!(aws_sdk_secretsmanager, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            let error = result.error.expect("denied");
            assert!(error.is_denied() && error.operation == "GetResourcePolicy", "{error:?}");
            assert_eq!(result.resources.len(), 1);
        }
    }
}
