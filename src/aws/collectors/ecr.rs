//! The ECR collector (per region): every private repository (`DescribeRepositories`) with its
//! scan-on-push setting, encryption type and KMS key, tag mutability, how many images it holds
//! (`ListImages`, counted by digest: the images themselves are never read), whether a lifecycle
//! policy is set (`GetLifecyclePolicy`: only its presence is kept, never its text), the region's
//! replication rules that copy it elsewhere (`DescribeRegistry`, once per region), and its tags
//! (`ListTagsForResource`: moto's Tagging API leaves ECR out, so the collector reads them itself).
//!
//! A repository without a lifecycle policy is answered with `LifecyclePolicyNotFoundException`:
//! an answer (`lifecycle_policy: false`), not a failure.

use std::collections::BTreeSet;

use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::{ReplicationRule, Repository, RepositoryFilterType};
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{self, Ident, date, first_error, tag_map};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_ecr, "ecr");

pub struct Ecr;

/// `ListImages` answers at most 1,000 image ids a page.
const IMAGES_PAGE: i32 = 1000;

const ACTIONS: &[Action] = &[
    action("ECR", "DescribeRegistry", "ecr:DescribeRegistry"),
    action("ECR", "DescribeRepositories", "ecr:DescribeRepositories"),
    action("ECR", "GetLifecyclePolicy", "ecr:GetLifecyclePolicy"),
    action("ECR", "ListImages", "ecr:ListImages"),
    action("ECR", "ListTagsForResource", "ecr:ListTagsForResource"),
];

impl Collector<AwsScanSource> for Ecr {
    fn name(&self) -> &'static str {
        "ecr"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon EC2 Container Registry (ECR)"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// What the per-repository calls said; `None` where a call failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub image_count: Option<usize>,
    pub lifecycle_policy: Option<bool>,
    pub tags: Option<SortedMap<String>>,
}

/// Reads every repository of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut requests = 1u64;
    let rules: Option<Vec<ReplicationRule>> = match client.describe_registry().send().await {
        Ok(answer) => Some(
            answer
                .replication_configuration()
                .map(|c| c.rules().to_vec())
                .unwrap_or_default(),
        ),
        Err(err) => {
            errors.push(ApiError::from_sdk("DescribeRegistry", region, err));
            None
        }
    };
    let mut repositories: Vec<Repository> = Vec::new();
    let (n, error) = paginate!(client.describe_repositories(), "DescribeRepositories", region, |page| {
        repositories.extend(page.repositories().iter().cloned());
    });
    requests += n;
    errors.extend(error);
    let mut out = Vec::new();
    for repo in &repositories {
        let Some(name) = repo.repository_name() else { continue };
        let mut facts = Facts::default();

        let mut digests: BTreeSet<String> = BTreeSet::new();
        let (n, error) = paginate!(
            client.list_images().repository_name(name).max_results(IMAGES_PAGE),
            "ListImages",
            region,
            |page| {
                digests.extend(
                    page.image_ids()
                        .iter()
                        .filter_map(|i| i.image_digest().map(str::to_owned)),
                );
            }
        );
        requests += n;
        match error {
            None => facts.image_count = Some(digests.len()),
            Some(err) => errors.push(err),
        }

        requests += 1;
        // Only whether a policy exists is kept: the answer's policy text is dropped here.
        facts.lifecycle_policy = match client.get_lifecycle_policy().repository_name(name).send().await {
            Ok(_) => Some(true),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_lifecycle_policy_not_found_exception()) =>
            {
                Some(false)
            }
            Err(err) => {
                errors.push(ApiError::from_sdk("GetLifecyclePolicy", region, err));
                None
            }
        };

        if let Some(repo_arn) = repo.repository_arn() {
            requests += 1;
            match client.list_tags_for_resource().resource_arn(repo_arn).send().await {
                Ok(answer) => {
                    facts.tags = Some(tag_map(answer.tags().iter().map(|t| (Some(t.key()), Some(t.value())))));
                }
                Err(err) => errors.push(ApiError::from_sdk("ListTagsForResource", region, err)),
            }
        }
        out.extend(repository(repo, &facts, rules.as_deref(), region, account));
    }
    UnitResult {
        service: "ecr",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// True when a replication rule copies the repository `name`: a rule without filters copies
/// every repository, one with filters those whose name starts with a `PREFIX_MATCH` filter.
pub fn rule_applies(rule: &ReplicationRule, name: &str) -> bool {
    let filters = rule.repository_filters();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| *f.filter_type() == RepositoryFilterType::PrefixMatch && name.starts_with(f.filter()))
}

/// The destinations (`{region, account}`, sorted) the region's replication rules copy `name` to.
fn destinations(rules: &[ReplicationRule], name: &str) -> Vec<serde_json::Value> {
    let found: BTreeSet<(&str, &str)> = rules
        .iter()
        .filter(|r| rule_applies(r, name))
        .flat_map(|r| r.destinations().iter().map(|d| (d.region(), d.registry_id())))
        .collect();
    found
        .into_iter()
        .map(|(region, account)| json!({"region": region, "account": account}))
        .collect()
}

/// A repository; `rules` is `None` when `DescribeRegistry` failed.
pub fn repository(
    repo: &Repository,
    facts: &Facts,
    rules: Option<&[ReplicationRule]>,
    region: &str,
    account: &str,
) -> Option<Resource> {
    let name = repo.repository_name()?;
    let built;
    let repo_arn = match repo.repository_arn() {
        Some(a) => a,
        None => {
            built = format!(
                "arn:{}:ecr:{region}:{account}:repository/{name}",
                arn::partition_of(region)
            );
            built.as_str()
        }
    };
    let encryption = repo.encryption_configuration();
    let kms_key = encryption.and_then(|e| e.kms_key()).filter(|k| !k.is_empty());
    let relations: Vec<Relation> = kms_key
        .and_then(|k| arn::kms_key(region, account, k))
        .map(|k| Relation::new("uses-key", k))
        .into_iter()
        .collect();
    let replication = rules.map(|r| destinations(r, name));
    let cross_account = replication.as_ref().map(|d| {
        d.iter().any(|x| {
            x["account"]
                .as_str()
                .is_some_and(|a| a != repo.registry_id().unwrap_or(account))
        })
    });
    let attrs = Attrs::default()
        .opt("uri", repo.repository_uri())
        .opt("created", date(repo.created_at()))
        .opt("image_count", facts.image_count)
        .opt(
            "scan_on_push",
            repo.image_scanning_configuration().map(|s| s.scan_on_push()),
        )
        .opt("encryption", encryption.map(|e| e.encryption_type().as_str()))
        .opt("kms_key_id", kms_key)
        .opt("tag_mutability", repo.image_tag_mutability().map(|m| m.as_str()))
        .opt("lifecycle_policy", facts.lifecycle_policy)
        .opt("replication_destinations", replication)
        .opt("replicated_to_other_account", cross_account);
    let ident = Ident {
        arn: repo_arn,
        region,
        id: name,
        name: Some(name),
    };
    let tags = facts.tags.clone().unwrap_or_default();
    Some(common::resource(ident, tags, Source::Ecr, attrs, relations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecr::types::{
        EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability,
        ReplicationDestination, RepositoryFilter,
    };
    use aws_smithy_types::DateTime;

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const ARN: &str = "arn:aws:ecr:eu-west-1:111122223333:repository/team/api";

    fn repo() -> Repository {
        Repository::builder()
            .repository_arn(ARN)
            .registry_id(ACCOUNT)
            .repository_name("team/api")
            .repository_uri("111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/api")
            .created_at(DateTime::from_secs(0))
            .image_tag_mutability(ImageTagMutability::Immutable)
            .image_scanning_configuration(ImageScanningConfiguration::builder().scan_on_push(true).build())
            .encryption_configuration(
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::Kms)
                    .kms_key("arn:aws:kms:eu-west-1:111122223333:key/k1")
                    .build()
                    .unwrap(),
            )
            .build()
    }

    fn rule(destinations: &[(&str, &str)], prefixes: &[&str]) -> ReplicationRule {
        let mut b = ReplicationRule::builder();
        for (region, account) in destinations {
            b = b.destinations(
                ReplicationDestination::builder()
                    .region(*region)
                    .registry_id(*account)
                    .build()
                    .unwrap(),
            );
        }
        for p in prefixes {
            b = b.repository_filters(
                RepositoryFilter::builder()
                    .filter(*p)
                    .filter_type(RepositoryFilterType::PrefixMatch)
                    .build()
                    .unwrap(),
            );
        }
        b.build().unwrap()
    }

    #[test]
    fn repository_has_images_scanning_key_mutability_lifecycle_replication_and_tags() {
        let facts = Facts {
            image_count: Some(3),
            lifecycle_policy: Some(true),
            tags: Some([("env".to_owned(), "prod".to_owned())].into_iter().collect()),
        };
        let rules = [
            rule(&[("us-east-1", ACCOUNT), ("eu-west-2", "444455556666")], &["team/"]),
            rule(&[("ap-south-1", ACCOUNT)], &["other/"]),
            rule(&[("us-east-1", ACCOUNT)], &[]),
        ];
        let res = repository(&repo(), &facts, Some(&rules), REGION, ACCOUNT).unwrap();
        assert_eq!(res.arn, ARN);
        assert_eq!(res.resource_type, "ecr:repository");
        assert_eq!(res.service, "ecr");
        assert_eq!(res.id, "team/api");
        assert_eq!(res.name.as_deref(), Some("team/api"));
        assert_eq!(res.region.as_deref(), Some(REGION));
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Ecr]);
        let a = &res.attributes;
        assert_eq!(a["image_count"], 3);
        assert_eq!(a["scan_on_push"], true);
        assert_eq!(a["encryption"], "KMS");
        assert_eq!(a["kms_key_id"], "arn:aws:kms:eu-west-1:111122223333:key/k1");
        assert_eq!(a["tag_mutability"], "IMMUTABLE");
        assert_eq!(a["lifecycle_policy"], true);
        assert_eq!(a["created"], "1970-01-01T00:00:00Z");
        assert_eq!(
            a["replication_destinations"],
            json!([
                {"region": "eu-west-2", "account": "444455556666"},
                {"region": "us-east-1", "account": ACCOUNT},
            ]),
            "the filtered-out rule is left out and the repeated destination kept once"
        );
        assert_eq!(a["replicated_to_other_account"], true);
        assert_eq!(
            res.related("uses-key").collect::<Vec<_>>(),
            ["arn:aws:kms:eu-west-1:111122223333:key/k1"]
        );
    }

    #[test]
    fn no_lifecycle_policy_and_no_replication_are_answers_and_unread_facts_are_absent() {
        let plain = Repository::builder()
            .repository_arn(ARN)
            .repository_name("team/api")
            .encryption_configuration(
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::Aes256)
                    .build()
                    .unwrap(),
            )
            .build();
        let facts = Facts {
            image_count: Some(0),
            lifecycle_policy: Some(false),
            tags: None,
        };
        let res = repository(&plain, &facts, Some(&[]), REGION, ACCOUNT).unwrap();
        assert_eq!(res.attributes["lifecycle_policy"], false);
        assert_eq!(res.attributes["image_count"], 0);
        assert_eq!(res.attributes["encryption"], "AES256");
        assert_eq!(res.attributes["replication_destinations"], json!([]));
        assert_eq!(res.attributes["replicated_to_other_account"], false);
        assert!(res.relations.is_empty(), "AES256 names no key");
        assert!(res.tags.is_empty());

        let res = repository(&plain, &Facts::default(), None, REGION, ACCOUNT).unwrap();
        for key in ["lifecycle_policy", "image_count", "replication_destinations"] {
            assert!(!res.attributes.contains_key(key), "{key} was not read");
        }
    }

    #[test]
    fn a_rule_with_filters_copies_only_the_repositories_they_match() {
        assert!(rule_applies(&rule(&[("us-east-1", ACCOUNT)], &[]), "anything"));
        let filtered = rule(&[("us-east-1", ACCOUNT)], &["prod-", "shared/"]);
        assert!(rule_applies(&filtered, "prod-api"));
        assert!(rule_applies(&filtered, "shared/base"));
        assert!(!rule_applies(&filtered, "dev-api"));
    }

    #[test]
    fn no_call_reads_an_image_or_a_policy_text_beyond_presence() {
        for a in ACTIONS {
            assert!(
                !matches!(
                    a.operation,
                    "BatchGetImage" | "GetDownloadUrlForLayer" | "GetRepositoryPolicy" | "GetAuthorizationToken"
                ),
                "{}",
                a.iam_action
            );
        }
    }
}

/// moto answers `DescribeRepositories` and `ListImages` in one page, so the second pages, the
/// "no lifecycle policy" answer and a denied per-repository call are read from a fake.
#[cfg(test)]
mod two_pages {
    use std::sync::{Arc, Mutex};

    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    const ACCOUNT: &str = "111122223333";

    fn name_in(body: &str) -> String {
        body.split("\"repositoryName\":\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_owned()
    }

    /// Two pages of repositories (`r1`, `r2`), each with two pages of image ids (three ids, two
    /// of them one image under two tags); `r1` has a lifecycle policy, `r2` none.
    fn answer(call: &Call, deny_tags: bool) -> (u16, String) {
        let next = if call.second_page() {
            ""
        } else {
            r#","nextToken":"page2""#
        };
        let body = match call.operation.as_str() {
            "DescribeRegistry" => format!(
                r#"{{"registryId":"{ACCOUNT}","replicationConfiguration":{{"rules":[{{"destinations":[{{"region":"us-east-1","registryId":"444455556666"}}]}}]}}}}"#
            ),
            "DescribeRepositories" => {
                let n = if call.second_page() { 2 } else { 1 };
                format!(
                    r#"{{"repositories":[{{"repositoryArn":"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/r{n}","registryId":"{ACCOUNT}","repositoryName":"r{n}","imageTagMutability":"MUTABLE","imageScanningConfiguration":{{"scanOnPush":false}},"encryptionConfiguration":{{"encryptionType":"AES256"}}}}]{next}}}"#
                )
            }
            "ListImages" => {
                assert!(call.body.contains(r#""maxResults":1000"#), "{}", call.body);
                let ids = if call.second_page() {
                    r#"{"imageDigest":"sha256:b","imageTag":"v2"}"#
                } else {
                    r#"{"imageDigest":"sha256:a","imageTag":"v1"},{"imageDigest":"sha256:a","imageTag":"latest"}"#
                };
                format!(r#"{{"imageIds":[{ids}]{next}}}"#)
            }
            "GetLifecyclePolicy" if name_in(&call.body) == "r2" => {
                return (
                    400,
                    r#"{"__type":"LifecyclePolicyNotFoundException","message":"Lifecycle policy does not exist"}"#
                        .to_owned(),
                );
            }
            "GetLifecyclePolicy" => format!(
                r#"{{"registryId":"{ACCOUNT}","repositoryName":"r1","lifecyclePolicyText":"{{\"rules\":[\"policy-text-not-kept\"]}}"}}"#
            ),
            "ListTagsForResource" if deny_tags => {
                return (400, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned());
            }
            "ListTagsForResource" => r#"{"tags":[{"Key":"env","Value":"prod"}]}"#.to_owned(),
            other => panic!("unexpected {other}"),
        };
        (200, body)
    }

    fn run(deny_tags: bool) -> (UnitResult, Vec<String>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let client = fake_client!(aws_sdk_ecr, move |call: &Call| {
            log.lock().unwrap().push(call.operation.clone());
            answer(call, deny_tags)
        });
        let result = fake::block_on(collect(&client, "eu-west-1", ACCOUNT));
        let ops = seen.lock().unwrap().clone();
        (result, ops)
    }

    #[test]
    fn repositories_and_images_are_read_past_the_first_page() {
        let (result, ops) = run(false);
        assert!(result.error.is_none(), "{:?}", result.error);
        let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["r1", "r2"]);
        for repo in &result.resources {
            assert_eq!(
                repo.attributes["image_count"], 2,
                "two digests over two pages: {}",
                repo.id
            );
            assert_eq!(repo.tags["env"], "prod");
            assert_eq!(
                repo.attributes["replication_destinations"],
                json!([{"region": "us-east-1", "account": "444455556666"}])
            );
        }
        assert_eq!(result.resources[0].attributes["lifecycle_policy"], true);
        assert_eq!(
            result.resources[1].attributes["lifecycle_policy"], false,
            "no lifecycle policy is an answer"
        );
        let text = serde_json::to_string(&result.resources).unwrap();
        assert!(!text.contains("policy-text-not-kept"), "the policy text was kept");
        assert_eq!(ops.iter().filter(|o| *o == "DescribeRegistry").count(), 1);
        // DescribeRegistry 1, DescribeRepositories 2; per repository ListImages 2,
        // GetLifecyclePolicy 1, ListTagsForResource 1.
        assert_eq!(result.requests, 1 + 2 + 2 * 4);
        assert_eq!(ops.len() as u64, result.requests);
    }

    #[test]
    fn a_denied_tag_listing_keeps_the_repositories_and_is_the_units_error() {
        let (result, _) = run(true);
        assert_eq!(result.resources.len(), 2);
        assert!(result.resources.iter().all(|r| r.tags.is_empty()));
        let err = result.error.expect("the denied call is the unit's error");
        assert!(err.is_denied(), "{err:?}");
        assert_eq!(err.coverage_detail(), "ListTagsForResource: AccessDeniedException");
    }
}
