//! The SNS collector (per region): every topic from `ListTopics` (every page), its attributes
//! from `GetTopicAttributes` (key, FIFO, the account ids its policy names), and its
//! subscriptions from `ListSubscriptions` (every page, once for the region), by protocol. A
//! subscription's endpoint is kept only when it is an AWS resource's ARN (a queue, a function, a
//! Firehose stream): never an email address, a phone number or a URL. Tags come from the
//! Tagging API, which returns topics.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_sns::Client;
use aws_sdk_sns::types::Subscription;
use futures::future::BoxFuture;

use super::iam::first_error;
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn, policy};

service_client!(aws_sdk_sns, "sns");

pub struct Sns;

const ACTIONS: &[Action] = &[
    action("SNS", "GetTopicAttributes", "sns:GetTopicAttributes"),
    action("SNS", "ListSubscriptions", "sns:ListSubscriptions"),
    action("SNS", "ListTopics", "sns:ListTopics"),
];

impl Collector<AwsScanSource> for Sns {
    fn name(&self) -> &'static str {
        "sns"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Simple Notification Service"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every topic of one region with its subscriptions.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut topics: Vec<String> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(client.list_topics(), "ListTopics", region, |page| {
        topics.extend(page.topics().iter().filter_map(|t| t.topic_arn().map(str::to_owned)));
    });
    errors.extend(error);
    let mut subscriptions: BTreeMap<String, Vec<Subscription>> = BTreeMap::new();
    let (n, error) = paginate!(client.list_subscriptions(), "ListSubscriptions", region, |page| {
        for s in page.subscriptions() {
            if let Some(topic) = s.topic_arn() {
                subscriptions.entry(topic.to_owned()).or_default().push(s.clone());
            }
        }
    });
    requests += n;
    errors.extend(error);
    topics.sort();
    topics.dedup();
    let mut out = Vec::new();
    for topic_arn in &topics {
        requests += 1;
        let attributes = match client.get_topic_attributes().topic_arn(topic_arn).send().await {
            Ok(answer) => answer.attributes().cloned().unwrap_or_default(),
            Err(err) => {
                let err = ApiError::from_sdk("GetTopicAttributes", region, err);
                if err.code == "NotFound" {
                    continue; // deleted since it was listed
                }
                errors.push(err);
                HashMap::new()
            }
        };
        let subs = subscriptions.get(topic_arn).map(Vec::as_slice).unwrap_or_default();
        out.extend(topic(region, account, topic_arn, &attributes, subs));
    }
    UnitResult {
        service: "sns",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// Protocols whose endpoint is an AWS resource's ARN. Every other protocol's endpoint (email,
/// SMS, HTTP(S), mobile push) is personal data or a URL and is never kept.
const ARN_PROTOCOLS: &[&str] = &["sqs", "lambda", "firehose"];

/// The endpoint of a subscription, when it is an AWS resource's ARN.
pub fn arn_endpoint(s: &Subscription) -> Option<&str> {
    let protocol = s.protocol()?;
    let endpoint = s.endpoint()?;
    (ARN_PROTOCOLS.contains(&protocol) && arn::parse(endpoint).is_some()).then_some(endpoint)
}

/// A topic from its ARN, its attributes (empty if `GetTopicAttributes` failed) and its
/// subscriptions.
pub fn topic(
    region: &str,
    account: &str,
    topic_arn: &str,
    attributes: &HashMap<String, String>,
    subscriptions: &[Subscription],
) -> Option<Resource> {
    let name = topic_arn.rsplit(':').next().filter(|n| !n.is_empty())?.to_owned();
    let get = |key: &str| attributes.get(key).map(String::as_str);
    let key = get("KmsMasterKeyId").filter(|k| !k.is_empty());
    let mut relations: Vec<Relation> = key
        .and_then(|k| arn::kms_key(region, account, k))
        .map(|k| Relation::new("uses-key", k))
        .into_iter()
        .collect();
    let mut by_protocol: BTreeMap<String, u64> = BTreeMap::new();
    let mut listed: Vec<serde_json::Value> = Vec::new();
    for s in subscriptions {
        let protocol = s.protocol().unwrap_or("unknown");
        *by_protocol.entry(protocol.to_owned()).or_default() += 1;
        let endpoint = arn_endpoint(s);
        relations.extend(endpoint.map(|e| Relation::new("delivers-to", e)));
        let mut entry = serde_json::Map::new();
        entry.insert("protocol".into(), protocol.into());
        if let Some(endpoint) = endpoint {
            entry.insert("endpoint".into(), endpoint.into());
        }
        listed.push(entry.into());
    }
    listed.sort_by_key(|v| v.to_string());
    relations.sort();
    relations.dedup();
    let attrs = Attrs::default()
        .set("fifo", get("FifoTopic") == Some("true"))
        .opt("kms_key_id", key)
        .set("subscriptions", listed)
        .set(
            "subscriptions_by_protocol",
            serde_json::to_value(&by_protocol).unwrap_or_default(),
        )
        .set("has_policy", get("Policy").is_some_and(|p| !p.is_empty()))
        .opt(
            "policy_account_ids",
            get("Policy").and_then(policy::analyze).map(|f| f.account_ids),
        );
    Some(Resource {
        arn: topic_arn.to_owned(),
        service: "sns".to_owned(),
        resource_type: "sns:topic".to_owned(),
        region: Some(region.to_owned()),
        id: name.clone(),
        name: Some(name),
        tags: Default::default(),
        sources: vec![Source::Sns],
        relations,
        attributes: attrs.into_map(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";
    const TOPIC: &str = "arn:aws:sns:eu-west-1:111122223333:alerts";

    fn sub(protocol: &str, endpoint: &str) -> Subscription {
        Subscription::builder()
            .topic_arn(TOPIC)
            .protocol(protocol)
            .endpoint(endpoint)
            .subscription_arn(format!("{TOPIC}:0f1e2d3c"))
            .build()
    }

    #[test]
    fn topic_keeps_arn_endpoints_only_never_an_email_phone_or_url() {
        let subs = [
            sub("sqs", "arn:aws:sqs:eu-west-1:111122223333:alerts-queue"),
            sub("lambda", "arn:aws:lambda:eu-west-1:111122223333:function:pager"),
            sub("email", "oncall@example.com"),
            sub("sms", "+15555550100"),
            sub("https", "https://hooks.example.com/alerts?token=abc"),
        ];
        let attributes: HashMap<String, String> = [
            ("KmsMasterKeyId".to_owned(), "alias/aws/sns".to_owned()),
            ("FifoTopic".to_owned(), "false".to_owned()),
        ]
        .into();
        let res = topic("eu-west-1", ACCOUNT, TOPIC, &attributes, &subs).unwrap();
        assert_eq!(res.resource_type, "sns:topic");
        assert_eq!(res.id, "alerts");
        assert_eq!(res.sources, vec![Source::Sns]);
        assert_eq!(
            res.relations,
            vec![
                Relation::new("delivers-to", "arn:aws:lambda:eu-west-1:111122223333:function:pager"),
                Relation::new("delivers-to", "arn:aws:sqs:eu-west-1:111122223333:alerts-queue"),
            ],
            "the default key alias is no key relation"
        );
        assert_eq!(
            res.attributes["subscriptions_by_protocol"],
            serde_json::json!({"email": 1, "https": 1, "lambda": 1, "sms": 1, "sqs": 1})
        );
        let text = serde_json::to_string(&res).unwrap();
        for personal in ["example.com", "+1555", "token=abc"] {
            assert!(!text.contains(personal), "{personal} kept: {text}");
        }
        assert_eq!(res.attributes["subscriptions"].as_array().unwrap().len(), 5);
    }

    #[test]
    fn an_arn_under_a_url_protocol_is_not_an_endpoint() {
        assert_eq!(arn_endpoint(&sub("http", "arn:aws:sqs:eu-west-1:1:q")), None);
        assert_eq!(arn_endpoint(&sub("sqs", "not-an-arn")), None);
    }

    #[test]
    fn topic_with_a_customer_key_uses_it() {
        let attributes: HashMap<String, String> = [(
            "KmsMasterKeyId".to_owned(),
            "1234abcd-12ab-34cd-56ef-1234567890ab".to_owned(),
        )]
        .into();
        let res = topic("eu-west-1", ACCOUNT, TOPIC, &attributes, &[]).unwrap();
        assert_eq!(
            res.relations,
            vec![Relation::new(
                "uses-key",
                "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )]
        );
    }

    mod fake {
        use super::super::*;
        use crate::aws::collectors::fake_pages::{FakeHttp, block_on, fake_client, query_field as field};

        fn answer(body: &str) -> String {
            let action = field(body, "Action");
            let second = field(body, "NextToken") == "page2";
            let n = if second { 2 } else { 1 };
            let token = if second { "" } else { "<NextToken>page2</NextToken>" };
            let topic = format!("arn:aws:sns:us-east-1:111122223333:t{n}");
            let result = match action {
                "ListTopics" => format!("<Topics><member><TopicArn>{topic}</TopicArn></member></Topics>{token}"),
                "ListSubscriptions" => format!(
                    "<Subscriptions><member><TopicArn>arn:aws:sns:us-east-1:111122223333:t{n}</TopicArn>\
                     <Protocol>sqs</Protocol><Endpoint>arn:aws:sqs:us-east-1:111122223333:q{n}</Endpoint>\
                     </member></Subscriptions>{token}"
                ),
                "GetTopicAttributes" => "<Attributes></Attributes>".to_owned(),
                other => panic!("no fake answer for {other}"),
            };
            format!(
                "<{action}Response xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><{action}Result>{result}\
                 </{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
            )
        }

        #[test]
        fn topics_and_subscriptions_are_read_on_every_page() {
            let http = FakeHttp::new(|seen| (200, answer(&seen.body)));
            let client = fake_client!(aws_sdk_sns, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            assert!(result.error.is_none(), "{:?}", result.error);
            assert_eq!(
                result.requests, 6,
                "two pages of topics, two of subscriptions, two topics"
            );
            let found: Vec<(&str, Vec<&str>)> = result
                .resources
                .iter()
                .map(|r| (r.id.as_str(), r.relations.iter().map(|x| x.arn.as_str()).collect()))
                .collect();
            assert_eq!(
                found,
                [
                    ("t1", vec!["arn:aws:sqs:us-east-1:111122223333:q1"]),
                    ("t2", vec!["arn:aws:sqs:us-east-1:111122223333:q2"]),
                ]
            );
        }
    }
}
