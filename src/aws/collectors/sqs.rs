//! The SQS collector (per region): every queue from `ListQueues` (every page), then per queue
//! its attributes from `GetQueueAttributes`: FIFO or standard, encryption key, dead-letter
//! target, retention. Messages are never read (no `ReceiveMessage`), and the queue policy is read
//! only for the account ids it names. Tags come from the Tagging API, which returns queues.

use std::collections::HashMap;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;
use futures::future::BoxFuture;

use super::iam::first_error;
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn, policy};

service_client!(aws_sdk_sqs, "sqs");

pub struct Sqs;

const ACTIONS: &[Action] = &[
    action("SQS", "GetQueueAttributes", "sqs:GetQueueAttributes"),
    action("SQS", "ListQueues", "sqs:ListQueues"),
];

impl Collector<AwsScanSource> for Sqs {
    fn name(&self) -> &'static str {
        "sqs"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Simple Queue Service"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every queue of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut urls: Vec<String> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(client.list_queues().max_results(1000), "ListQueues", region, |page| {
        urls.extend(page.queue_urls().iter().cloned());
    });
    errors.extend(error);
    urls.sort();
    urls.dedup();
    let mut out = Vec::new();
    for url in &urls {
        requests += 1;
        let request = client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All);
        let attributes = match request.send().await {
            Ok(answer) => answer.attributes().cloned().unwrap_or_default(),
            Err(err) => {
                let err = ApiError::from_sdk("GetQueueAttributes", region, err);
                // Deleted since it was listed: gone, not a gap.
                if err.code.contains("NonExistentQueue") || err.code.contains("QueueDoesNotExist") {
                    continue;
                }
                errors.push(err);
                // Still reported, from its URL, without attributes.
                HashMap::new()
            }
        };
        out.extend(queue(region, account, url, &attributes));
    }
    UnitResult {
        service: "sqs",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` as an ARN, for a queue whose attributes
/// could not be read.
fn arn_from_url(region: &str, account: &str, url: &str) -> Option<String> {
    let mut parts = url.trim_end_matches('/').rsplit('/');
    let name = parts.next().filter(|n| !n.is_empty())?;
    let owner = parts.next().filter(|o| o.len() == 12).unwrap_or(account);
    Some(format!("arn:{}:sqs:{region}:{owner}:{name}", arn::partition_of(region)))
}

/// A queue from its URL and the attributes `GetQueueAttributes` returned (empty if it failed).
pub fn queue(
    region: &str,
    account: &str,
    url: &str,
    attributes: &HashMap<QueueAttributeName, String>,
) -> Option<Resource> {
    let get = |name: QueueAttributeName| attributes.get(&name).map(String::as_str);
    let queue_arn = match get(QueueAttributeName::QueueArn) {
        Some(a) => a.to_owned(),
        None => arn_from_url(region, account, url)?,
    };
    let name = queue_arn.rsplit(':').next().unwrap_or_default().to_owned();
    let number = |name: QueueAttributeName| get(name).and_then(|v| v.parse::<i64>().ok());
    let mut relations = Vec::new();
    let key = get(QueueAttributeName::KmsMasterKeyId).filter(|k| !k.is_empty());
    relations.extend(
        key.and_then(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    let redrive: Option<serde_json::Value> =
        get(QueueAttributeName::RedrivePolicy).and_then(|p| serde_json::from_str(p).ok());
    let dead_letter = redrive
        .as_ref()
        .and_then(|r| r.get("deadLetterTargetArn"))
        .and_then(|v| v.as_str());
    relations.extend(dead_letter.map(|d| Relation::new("dead-letter-to", d)));
    let max_receives = redrive
        .as_ref()
        .and_then(|r| r.get("maxReceiveCount"))
        .and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
    let policy_accounts = get(QueueAttributeName::Policy)
        .and_then(policy::analyze)
        .map(|f| f.account_ids);
    let attrs = Attrs::default()
        .set("url", url)
        .set("fifo", get(QueueAttributeName::FifoQueue) == Some("true"))
        .opt(
            "content_based_deduplication",
            get(QueueAttributeName::ContentBasedDeduplication).map(|v| v == "true"),
        )
        .opt("kms_key_id", key)
        .opt(
            "sqs_managed_sse",
            get(QueueAttributeName::SqsManagedSseEnabled).map(|v| v == "true"),
        )
        .opt("dead_letter_target", dead_letter)
        .opt("max_receive_count", max_receives)
        .opt("retention_seconds", number(QueueAttributeName::MessageRetentionPeriod))
        .opt(
            "visibility_timeout_seconds",
            number(QueueAttributeName::VisibilityTimeout),
        )
        .opt("delay_seconds", number(QueueAttributeName::DelaySeconds))
        .opt(
            "approximate_messages",
            number(QueueAttributeName::ApproximateNumberOfMessages),
        )
        .set(
            "has_policy",
            get(QueueAttributeName::Policy).is_some_and(|p| !p.is_empty()),
        )
        .opt("policy_account_ids", policy_accounts);
    Some(Resource {
        arn: queue_arn,
        service: "sqs".to_owned(),
        resource_type: "sqs:queue".to_owned(),
        region: Some(region.to_owned()),
        id: name.clone(),
        name: Some(name),
        tags: Default::default(),
        sources: vec![Source::Sqs],
        relations,
        attributes: attrs.into_map(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";
    const URL: &str = "https://sqs.eu-west-1.amazonaws.com/111122223333/orders.fifo";

    fn attrs(pairs: &[(QueueAttributeName, &str)]) -> HashMap<QueueAttributeName, String> {
        pairs.iter().map(|(k, v)| (k.clone(), (*v).to_owned())).collect()
    }

    #[test]
    fn fifo_queue_with_key_and_dead_letter_target() {
        let a = attrs(&[
            (
                QueueAttributeName::QueueArn,
                "arn:aws:sqs:eu-west-1:111122223333:orders.fifo",
            ),
            (QueueAttributeName::FifoQueue, "true"),
            (
                QueueAttributeName::KmsMasterKeyId,
                "1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
            (
                QueueAttributeName::RedrivePolicy,
                r#"{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:111122223333:orders-dlq.fifo","maxReceiveCount":"5"}"#,
            ),
            (QueueAttributeName::MessageRetentionPeriod, "345600"),
            (
                QueueAttributeName::Policy,
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sqs:SendMessage","Resource":"*"}]}"#,
            ),
        ]);
        let res = queue("eu-west-1", ACCOUNT, URL, &a).unwrap();
        assert_eq!(res.arn, "arn:aws:sqs:eu-west-1:111122223333:orders.fifo");
        assert_eq!(res.resource_type, "sqs:queue");
        assert_eq!(res.id, "orders.fifo");
        assert_eq!(res.sources, vec![Source::Sqs]);
        assert_eq!(
            res.relations,
            vec![
                Relation::new(
                    "uses-key",
                    "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ),
                Relation::new("dead-letter-to", "arn:aws:sqs:eu-west-1:111122223333:orders-dlq.fifo"),
            ]
        );
        let at = &res.attributes;
        assert_eq!(at["fifo"], true);
        assert_eq!(at["max_receive_count"], 5);
        assert_eq!(at["retention_seconds"], 345600);
        assert_eq!(at["has_policy"], true);
        assert_eq!(at["policy_account_ids"], serde_json::json!(["444455556666"]));
        let text = serde_json::to_string(&res).unwrap();
        assert!(!text.contains("sqs:SendMessage"), "the policy is not kept: {text}");
    }

    #[test]
    fn the_default_sqs_key_alias_is_not_a_key_relation_and_failed_attributes_keep_the_queue() {
        let a = attrs(&[
            (QueueAttributeName::QueueArn, "arn:aws:sqs:eu-west-1:111122223333:jobs"),
            (QueueAttributeName::KmsMasterKeyId, "alias/aws/sqs"),
        ]);
        let res = queue("eu-west-1", ACCOUNT, URL, &a).unwrap();
        assert!(res.relations.is_empty(), "{:?}", res.relations);
        assert_eq!(res.attributes["kms_key_id"], "alias/aws/sqs");
        assert_eq!(res.attributes["fifo"], false);

        let res = queue("eu-west-1", ACCOUNT, URL, &HashMap::new()).unwrap();
        assert_eq!(res.arn, "arn:aws:sqs:eu-west-1:111122223333:orders.fifo");
        assert!(!res.attributes.contains_key("retention_seconds"));
    }

    mod fake {
        use super::super::*;
        use crate::aws::collectors::fake_pages::{FakeHttp, block_on, denied_json, fake_client};

        const EAST: &str = "https://sqs.us-east-1.amazonaws.com/111122223333";

        #[test]
        fn list_queues_reads_the_second_page_and_describes_every_queue() {
            let http = FakeHttp::new(|seen| {
                let body = if seen.target.ends_with("ListQueues") {
                    if seen.body.contains("page2") {
                        format!(r#"{{"QueueUrls":["{EAST}/b"]}}"#)
                    } else {
                        format!(r#"{{"QueueUrls":["{EAST}/a"],"NextToken":"page2"}}"#)
                    }
                } else {
                    let name = if seen.body.contains("/a\"") { "a" } else { "b" };
                    format!(r#"{{"Attributes":{{"QueueArn":"arn:aws:sqs:us-east-1:111122223333:{name}"}}}}"#)
                };
                (200, body)
            });
            let client = fake_client!(aws_sdk_sqs, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            assert!(result.error.is_none(), "{:?}", result.error);
            assert_eq!(result.requests, 4, "two pages and two queues");
            let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids, ["a", "b"]);
            let seen = http.requests();
            assert!(
                seen.iter().all(|s| s.method == "POST" && s.uri.contains("us-east-1")),
                "{seen:?}"
            );
            assert!(
                seen[1].target.ends_with("ListQueues") && seen[1].body.contains("page2"),
                "{seen:?}"
            );
        }

        #[test]
        fn a_denied_listing_is_the_units_error() {
            let http = FakeHttp::new(|_| denied_json());
            let client = fake_client!(aws_sdk_sqs, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            let error = result.error.expect("denied");
            assert!(error.is_denied(), "{error:?}");
            assert_eq!(error.operation, "ListQueues");
            assert!(result.resources.is_empty());
        }
    }
}
