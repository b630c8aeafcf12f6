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

/// Names of the legacy account's service resources, the same in both regions.
pub mod legacy_services {
    /// Tagged `Environment=prod`, encrypted with the customer key in us-east-1, dead-letters to
    /// `DLQ`.
    pub const ORDERS_QUEUE: &str = "legacy-orders";
    /// Never tagged.
    pub const DLQ: &str = "legacy-orders-dlq";
    /// FIFO, never tagged.
    pub const FIFO_QUEUE: &str = "legacy-events.fifo";
}

/// Records what was seeded, with the relations a scan must report.
#[derive(Debug, Default)]
pub struct Services {
    pub expected: Vec<Expected>,
}

impl Services {
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
        cfg: &SdkConfig,
        region: &str,
        name: &str,
        tags: &[(&str, &str)],
        attributes: &[(aws_sdk_sqs::types::QueueAttributeName, &str)],
        relations: &[(&str, &str)],
    ) -> String {
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(cfg)
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

    pub fn finish(mut self, account_id: String) -> Seeded {
        self.expected.sort();
        Seeded {
            account_id,
            expected: self.expected,
        }
    }
}

/// Seeds the legacy account's service resources in both legacy regions; see
/// [`legacy_services`].
pub async fn seed_legacy_services(cfg: &SdkConfig) -> Seeded {
    use aws_sdk_sqs::types::QueueAttributeName as Q;
    use legacy_services::*;
    let account = account_id(cfg).await;
    let mut book = Services::default();
    for region in LEGACY_REGIONS {
        let (key_id, key_arn) = create_key(cfg, region, "legacy services key").await;
        let dlq = book.queue(cfg, region, DLQ, &[], &[], &[]).await;
        let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":"5"}}"#);
        book.queue(
            cfg,
            region,
            ORDERS_QUEUE,
            &[("Environment", "prod")],
            &[(Q::KmsMasterKeyId, &key_id), (Q::RedrivePolicy, &redrive)],
            &[("uses-key", &key_arn), ("dead-letter-to", &dlq)],
        )
        .await;
        book.queue(cfg, region, FIFO_QUEUE, &[], &[(Q::FifoQueue, "true")], &[])
            .await;
    }
    book.finish(account)
}
