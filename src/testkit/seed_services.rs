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
    /// Tagged `Environment=prod`, the customer key, a resource policy granting `OTHER_ACCOUNT`;
    /// its value is [`super::SECRET_VALUE`].
    pub const DB_SECRET: &str = "legacy/prod/db-password";
    /// Never tagged, the default key; its value is [`super::SECRET_VALUE`].
    pub const API_SECRET: &str = "legacy-untagged-api-key";
    /// The account the secret's resource policy grants.
    pub const OTHER_ACCOUNT: &str = "444455556666";
    /// A String parameter, tagged `Environment=prod`.
    pub const URL_PARAMETER: &str = "/legacy/prod/db-url";
    /// A SecureString parameter under the customer key, never tagged; its value is
    /// [`super::PARAMETER_VALUE`].
    pub const TOKEN_PARAMETER: &str = "/legacy/prod/api-token";
    /// Tagged `Environment=prod`, 30 days' retention, the customer key, one subscription filter
    /// to the `CENTRAL` destination.
    pub const APP_LOG_GROUP: &str = "/legacy/app/prod-api";
    /// Never tagged, never expires.
    pub const CENTRAL: &str = "legacy-central";
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

    /// Creates a secret holding [`SECRET_VALUE`]; returns its ARN.
    pub async fn secret(
        &mut self,
        region: &str,
        name: &str,
        tags: &[(&str, &str)],
        key: Option<&str>,
        policy: Option<&str>,
        relations: &[(&str, &str)],
    ) -> String {
        use aws_sdk_secretsmanager::types::Tag;
        let client = aws_sdk_secretsmanager::Client::from_conf(
            aws_sdk_secretsmanager::config::Builder::from(&self.cfg)
                .region(Region::new(region.to_owned()))
                .build(),
        );
        let tags: Vec<Tag> = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
            .collect();
        let tagged = !tags.is_empty();
        let out = must(
            &format!("secretsmanager CreateSecret {name} in {region}"),
            client
                .create_secret()
                .name(name)
                .secret_string(SECRET_VALUE)
                .set_kms_key_id(key.map(str::to_owned))
                .set_tags(tagged.then_some(tags))
                .send()
                .await,
        );
        let secret_arn = out.arn().expect("CreateSecret returns the ARN").to_owned();
        if let Some(policy) = policy {
            must(
                &format!("secretsmanager PutResourcePolicy {name}"),
                client
                    .put_resource_policy()
                    .secret_id(&secret_arn)
                    .resource_policy(policy)
                    .send()
                    .await,
            );
        }
        self.add(&secret_arn, tagged, relations);
        secret_arn
    }

    /// Creates a parameter; a SecureString one holds [`PARAMETER_VALUE`]. Returns its ARN.
    pub async fn parameter(
        &mut self,
        region: &str,
        name: &str,
        tags: &[(&str, &str)],
        key: Option<&str>,
        relations: &[(&str, &str)],
    ) -> String {
        use aws_sdk_ssm::types::{ParameterType, Tag};
        let client = aws_sdk_ssm::Client::from_conf(
            aws_sdk_ssm::config::Builder::from(&self.cfg)
                .region(Region::new(region.to_owned()))
                .build(),
        );
        let tags: Vec<Tag> = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(*k).value(*v).build().expect("key and value"))
            .collect();
        let tagged = !tags.is_empty();
        let (kind, value) = match key {
            Some(_) => (ParameterType::SecureString, PARAMETER_VALUE.to_owned()),
            None => (ParameterType::String, format!("postgres://db.internal/{name}")),
        };
        must(
            &format!("ssm PutParameter {name} in {region}"),
            client
                .put_parameter()
                .name(name)
                .value(value)
                .r#type(kind)
                .set_key_id(key.map(str::to_owned))
                .set_tags(tagged.then_some(tags))
                .send()
                .await,
        );
        let account = &self.account;
        let parameter_arn = format!(
            "arn:{}:ssm:{region}:{account}:parameter/{}",
            arn::partition_of(region),
            name.trim_start_matches('/')
        );
        self.add(&parameter_arn, tagged, relations);
        parameter_arn
    }

    /// Creates a log group; returns its ARN (without the `:*` of DescribeLogGroups).
    #[allow(clippy::too_many_arguments)]
    pub async fn log_group(
        &mut self,
        region: &str,
        name: &str,
        tags: &[(&str, &str)],
        retention_days: Option<i32>,
        key_arn: Option<&str>,
        relations: &[(&str, &str)],
    ) -> String {
        let client = logs_client(&self.cfg, region);
        let account = &self.account;
        let tag_map: HashMap<String, String> = tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let tagged = !tag_map.is_empty();
        must(
            &format!("logs CreateLogGroup {name} in {region}"),
            client
                .create_log_group()
                .log_group_name(name)
                .set_kms_key_id(key_arn.map(str::to_owned))
                .set_tags(tagged.then_some(tag_map))
                .send()
                .await,
        );
        if let Some(days) = retention_days {
            must(
                &format!("logs PutRetentionPolicy {name}"),
                client
                    .put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(days)
                    .send()
                    .await,
            );
        }
        let group_arn = format!(
            "arn:{}:logs:{region}:{account}:log-group:{name}",
            arn::partition_of(region)
        );
        self.add(&group_arn, tagged, relations);
        group_arn
    }

    pub fn finish(mut self) -> Seeded {
        self.expected.sort();
        Seeded {
            account_id: self.account,
            expected: self.expected,
        }
    }
}

fn logs_client(cfg: &SdkConfig, region: &str) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::from_conf(
        aws_sdk_cloudwatchlogs::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build(),
    )
}

/// Creates a CloudWatch Logs destination named `name` (delivering to a Kinesis stream, which
/// moto does not check) and subscribes `group` to it; returns the destination's ARN. moto looks
/// for a log group of the destination's name when the filter is put, so `name` must also be a
/// log group.
async fn subscribe_to_destination(cfg: &SdkConfig, region: &str, account: &str, group: &str, name: &str) -> String {
    let client = logs_client(cfg, region);
    let partition = arn::partition_of(region);
    let out = must(
        &format!("logs PutDestination {name} in {region}"),
        client
            .put_destination()
            .destination_name(name)
            .target_arn(format!("arn:{partition}:kinesis:{region}:{account}:stream/{name}"))
            .role_arn(format!("arn:{partition}:iam::{account}:role/{name}-delivery"))
            .send()
            .await,
    );
    let destination = out
        .destination()
        .and_then(|d| d.arn())
        .expect("PutDestination returns the ARN")
        .to_owned();
    must(
        &format!("logs PutSubscriptionFilter on {group}"),
        client
            .put_subscription_filter()
            .log_group_name(group)
            .filter_name("to-central")
            .filter_pattern("")
            .destination_arn(&destination)
            .send()
            .await,
    );
    destination
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

        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER_ACCOUNT}:root"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
        );
        book.secret(
            region,
            DB_SECRET,
            &[("Environment", "prod")],
            Some(&key_arn),
            Some(&policy),
            &[("uses-key", &key_arn)],
        )
        .await;
        book.secret(region, API_SECRET, &[], None, None, &[]).await;

        book.parameter(region, URL_PARAMETER, &[("Environment", "prod")], None, &[])
            .await;
        book.parameter(region, TOKEN_PARAMETER, &[], Some(&key_id), &[("uses-key", &key_arn)])
            .await;

        book.log_group(region, CENTRAL, &[], None, None, &[]).await;
        let destination = format!(
            "arn:{}:logs:{region}:{}:destination:{CENTRAL}",
            arn::partition_of(region),
            book.account
        );
        book.log_group(
            region,
            APP_LOG_GROUP,
            &[("Environment", "prod")],
            Some(30),
            Some(&key_arn),
            &[("uses-key", &key_arn), ("logs-to", &destination)],
        )
        .await;
        let made = subscribe_to_destination(cfg, region, &book.account, APP_LOG_GROUP, CENTRAL).await;
        assert_eq!(made, destination, "the destination ARN AWS spells");
        book.queue(region, FIFO_QUEUE, &[], &[(Q::FifoQueue, "true")], &[])
            .await;
    }
    book.finish()
}
