//! Seeds the services of issue 13 (queues, topics, secrets, parameters, log groups, DNS,
//! certificates, distributions, repositories) into moto: for the legacy test account
//! ([`seed_legacy_services`]), and as a few lines of the sample and bulk accounts
//! (`seed.rs` calls [`Services`] from there).
//!
//! The secret and the SecureString parameter hold [`SECRET_VALUE`] and [`PARAMETER_VALUE`],
//! which must never reach an inventory.

use std::collections::HashMap;

use aws_config::SdkConfig;
use aws_types::region::Region;

use super::seed::{Expected, LEGACY_REGIONS, Seeded, account_id, create_key, must};
use crate::scan::arn;

/// The value of every seeded secret: a scan must never read it.
pub const SECRET_VALUE: &str = "s3cr3t-db-password-DO-NOT-LEAK-7f1c";
/// The value of every seeded SecureString parameter: a scan must never read it.
pub const PARAMETER_VALUE: &str = "p4r4m-api-token-DO-NOT-LEAK-93ab";
/// The email and URL endpoints of the seeded topic's subscriptions: never kept.
pub const PERSONAL_ENDPOINTS: [&str; 2] = ["oncall-7c1d@example.com", "https://hooks.example.com/alerts-5e2b"];

/// Names of the legacy account's service resources, the same in both regions.
pub mod legacy_services {
    /// Tagged `Environment=prod`, encrypted with the customer key in us-east-1, dead-letters to
    /// `DLQ`.
    pub const ORDERS_QUEUE: &str = "legacy-orders";
    /// Never tagged.
    pub const DLQ: &str = "legacy-orders-dlq";
    /// FIFO, never tagged.
    pub const FIFO_QUEUE: &str = "legacy-events.fifo";
    /// Tagged `Environment=prod`, encrypted with the customer key; subscribed by `ORDERS_QUEUE`
    /// (an ARN endpoint), an email address and a URL (never kept).
    pub const ALERTS_TOPIC: &str = "legacy-alerts";
    /// Never tagged, no subscription.
    pub const EVENTS_TOPIC: &str = "legacy-events";
}

/// Seeds through one SDK configuration, and records what was seeded, with the relations a scan
/// must report.
#[derive(Debug)]
pub struct Services {
    cfg: SdkConfig,
    account: String,
    pub expected: Vec<Expected>,
}

impl Services {
    pub async fn new(cfg: &SdkConfig) -> Self {
        Services {
            cfg: cfg.clone(),
            account: account_id(cfg).await,
            expected: Vec::new(),
        }
    }

    fn add(&mut self, arn: &str, tagged: bool, relations: &[(&str, &str)]) {
        let parts = arn::parse(arn).expect("seeded ARNs parse");
        let mut relations: Vec<(String, String)> = relations
            .iter()
            .map(|(k, a)| ((*k).to_owned(), (*a).to_owned()))
            .collect();
        relations.sort();
        self.expected.push(Expected {
            arn: arn.to_owned(),
            resource_type: parts.resource_type,
            region: parts.region,
            tagged,
            relations,
        });
    }

    /// Creates a queue; returns its ARN.
    pub async fn queue(
        &mut self,
        region: &str,
        name: &str,
        tags: &[(&str, &str)],
        attributes: &[(aws_sdk_sqs::types::QueueAttributeName, &str)],
        relations: &[(&str, &str)],
    ) -> String {
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&self.cfg)
                .region(Region::new(region.to_owned()))
                .build(),
        );
        let tags: HashMap<String, String> = tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let attributes: HashMap<_, _> = attributes.iter().map(|(k, v)| (k.clone(), (*v).to_owned())).collect();
        let out = must(
            &format!("sqs CreateQueue {name} in {region}"),
            sqs.create_queue()
                .queue_name(name)
                .set_tags((!tags.is_empty()).then(|| tags.clone()))
                .set_attributes((!attributes.is_empty()).then_some(attributes))
                .send()
                .await,
        );
        let url = out.queue_url().expect("CreateQueue returns the URL");
        let account = url.rsplit('/').nth(1).unwrap_or_default();
        let queue_arn = format!("arn:{}:sqs:{region}:{account}:{name}", arn::partition_of(region));
        self.add(&queue_arn, !tags.is_empty(), relations);
        queue_arn
    }

    /// Creates a topic with `subscriptions` (protocol, endpoint); returns its ARN.
    pub async fn topic(
        &mut self,
        region: &str,
        name: &str,
        tags: &[(&str, &str)],
        key: Option<&str>,
        subscriptions: &[(&str, &str)],
        relations: &[(&str, &str)],
    ) -> String {
        let sns = aws_sdk_sns::Client::from_conf(
            aws_sdk_sns::config::Builder::from(&self.cfg)
                .region(Region::new(region.to_owned()))
                .build(),
        );
        let tags: Vec<aws_sdk_sns::types::Tag> = tags
            .iter()
            .map(|(k, v)| {
                aws_sdk_sns::types::Tag::builder()
                    .key(*k)
                    .value(*v)
                    .build()
                    .expect("key and value")
            })
            .collect();
        let tagged = !tags.is_empty();
        let mut request = sns.create_topic().name(name).set_tags(tagged.then_some(tags));
        if let Some(key) = key {
            request = request.attributes("KmsMasterKeyId", key);
        }
        let out = must(&format!("sns CreateTopic {name} in {region}"), request.send().await);
        let topic_arn = out.topic_arn().expect("CreateTopic returns the ARN").to_owned();
        for (protocol, endpoint) in subscriptions {
            must(
                &format!("sns Subscribe {protocol} to {name}"),
                sns.subscribe()
                    .topic_arn(&topic_arn)
                    .protocol(*protocol)
                    .endpoint(*endpoint)
                    .send()
                    .await,
            );
        }
        self.add(&topic_arn, tagged, relations);
        topic_arn
    }

    pub fn finish(mut self) -> Seeded {
        self.expected.sort();
        Seeded {
            account_id: self.account,
            expected: self.expected,
        }
    }
}

/// Seeds the legacy account's service resources in both legacy regions; see
/// [`legacy_services`].
pub async fn seed_legacy_services(cfg: &SdkConfig) -> Seeded {
    use aws_sdk_sqs::types::QueueAttributeName as Q;
    use legacy_services::*;
    let mut book = Services::new(cfg).await;
    for region in LEGACY_REGIONS {
        let (key_id, key_arn) = create_key(cfg, region, "legacy services key").await;
        let dlq = book.queue(region, DLQ, &[], &[], &[]).await;
        let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":"5"}}"#);
        let orders = book
            .queue(
                region,
                ORDERS_QUEUE,
                &[("Environment", "prod")],
                &[(Q::KmsMasterKeyId, &key_id), (Q::RedrivePolicy, &redrive)],
                &[("uses-key", &key_arn), ("dead-letter-to", &dlq)],
            )
            .await;
        let [email, url] = PERSONAL_ENDPOINTS;
        book.topic(
            region,
            ALERTS_TOPIC,
            &[("Environment", "prod")],
            Some(&key_id),
            &[("sqs", &orders), ("email", email), ("https", url)],
            &[("uses-key", &key_arn), ("delivers-to", &orders)],
        )
        .await;
        book.topic(region, EVENTS_TOPIC, &[], None, &[], &[]).await;
        book.queue(region, FIFO_QUEUE, &[], &[(Q::FifoQueue, "true")], &[])
            .await;
    }
    book.finish()
}
