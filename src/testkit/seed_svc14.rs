//! Seeds the emulator with the governance facts of issue 14 (CloudTrail trails, AWS Config,
//! GuardDuty, Security Hub, alternate contacts) and the ElastiCache caches ([`seed_caches`]) for
//! `tests/integration/svc14b.rs`, and adds the sample account's trail
//! ([`seed_sample_governance`]). Each seeder returns what a correct scan must report. IAM Access
//! Analyzer is not seeded: moto has none.

use aws_config::SdkConfig;
use aws_types::region::Region;

use super::seed::{account_id, create_key, must};
use super::seed_workloads::client;

/// The region the multi-region trail (and most governance facts) is created in.
pub const HOME: &str = "us-east-1";
/// A second scanned region, with a single-region trail of its own.
pub const OTHER: &str = "eu-west-1";

/// What the governance seed created.
#[derive(Debug, Clone)]
pub struct Governance {
    pub account_id: String,
    /// Trails, sorted by name.
    pub trails: Vec<SeededTrail>,
    /// The AWS Config recorder and delivery channel of [`HOME`] ([`OTHER`] has none).
    pub config: SeededConfig,
    /// The GuardDuty detector id of [`HOME`] ([`OTHER`] has none).
    pub detector: String,
    /// The ARN of the Security Hub hub enabled in [`HOME`] ([`OTHER`] has none).
    pub hub: String,
    /// The one alternate contact set (BILLING), with values no scan may keep.
    pub billing_contact: [&'static str; 3],
}

/// The relations a scan must report for the recorder and the delivery channel, sorted.
#[derive(Debug, Clone)]
pub struct SeededConfig {
    pub recorder_relations: Vec<(String, String)>,
    pub channel_relations: Vec<(String, String)>,
}

/// A trail and what the scan must report of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SeededTrail {
    pub name: String,
    pub region: String,
    pub multi_region: bool,
    pub logging: bool,
    /// `(kind, arn)` relations, sorted.
    pub relations: Vec<(String, String)>,
}

/// Seeds every governance fact.
pub async fn seed_governance(cfg: &SdkConfig) -> Governance {
    let account_id = account_id(cfg).await;
    let trails = seed_trails(cfg, &account_id).await;
    let config = seed_config(cfg, &account_id).await;
    let detector = seed_guardduty(cfg).await;
    let hub = seed_security_hub(cfg).await;
    let billing_contact = seed_contacts(cfg).await;
    Governance {
        account_id,
        trails,
        config,
        detector,
        hub,
        billing_contact,
    }
}

/// Enables Security Hub in [`HOME`] only, without its default standards; returns the hub's ARN
/// (moto's `DescribeHub`, as AWS's, names the hub `default`).
async fn seed_security_hub(cfg: &SdkConfig) -> String {
    let hub = client!(aws_sdk_securityhub, cfg, HOME);
    must(
        "securityhub EnableSecurityHub",
        hub.enable_security_hub().enable_default_standards(false).send().await,
    );
    let found = must("securityhub DescribeHub", hub.describe_hub().send().await);
    found.hub_arn().expect("DescribeHub returns the ARN").to_owned()
}

/// The ElastiCache resources of [`HOME`] and what a scan must report of them.
#[derive(Debug, Clone)]
pub struct SeededCaches {
    pub subnet_group_arn: String,
    /// `(kind, arn)` relations of the subnet group: its two subnets and its VPC, sorted.
    pub subnet_group_relations: Vec<(String, String)>,
    /// The Memcached cluster created with `CreateCacheCluster` in the subnet group.
    pub cluster_arn: String,
    /// The relations the scan can find for the cluster against moto, sorted: the subnet group
    /// and its subnets. The cluster's security group is seeded but moto never returns it.
    pub cluster_relations: Vec<(String, String)>,
    /// The security group the cluster was created with (not returned by moto).
    pub security_group: String,
    /// The Redis OSS replication group, encrypted at rest and in transit.
    pub replication_group_arn: String,
    /// A manual snapshot of the cluster.
    pub snapshot_arn: String,
}

/// A VPC with two subnets and a security group; a cache subnet group over both subnets; a
/// Memcached cluster in it; a Redis OSS replication group in it; a snapshot of the cluster.
pub async fn seed_caches(cfg: &SdkConfig) -> SeededCaches {
    use aws_sdk_ec2 as ec2;
    use aws_sdk_elasticache as ec;
    let account = account_id(cfg).await;
    let net = client!(ec2, cfg, HOME);
    let vpc = must(
        "ec2 CreateVpc caches",
        net.create_vpc().cidr_block("10.44.0.0/16").send().await,
    );
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("a VPC id").to_owned();
    let mut subnets = Vec::new();
    for (cidr, zone) in [("10.44.1.0/24", "us-east-1a"), ("10.44.2.0/24", "us-east-1b")] {
        let subnet = must(
            "ec2 CreateSubnet caches",
            net.create_subnet()
                .vpc_id(&vpc_id)
                .cidr_block(cidr)
                .availability_zone(zone)
                .send()
                .await,
        );
        subnets.push(
            subnet
                .subnet()
                .and_then(|s| s.subnet_id())
                .expect("a subnet id")
                .to_owned(),
        );
    }
    let group = must(
        "ec2 CreateSecurityGroup caches",
        net.create_security_group()
            .group_name("caches")
            .description("cache clients")
            .vpc_id(&vpc_id)
            .send()
            .await,
    );
    let security_group = group.group_id().expect("a group id").to_owned();

    let client = client!(ec, cfg, HOME);
    must(
        "elasticache CreateCacheSubnetGroup",
        client
            .create_cache_subnet_group()
            .cache_subnet_group_name("cache-subnets")
            .cache_subnet_group_description("private cache subnets")
            .set_subnet_ids(Some(subnets.clone()))
            .send()
            .await,
    );
    must(
        "elasticache CreateCacheCluster sessions",
        client
            .create_cache_cluster()
            .cache_cluster_id("sessions")
            .engine("memcached")
            .cache_node_type("cache.t3.micro")
            .num_cache_nodes(1)
            .cache_subnet_group_name("cache-subnets")
            .security_group_ids(&security_group)
            .send()
            .await,
    );
    must(
        "elasticache CreateReplicationGroup orders",
        client
            .create_replication_group()
            .replication_group_id("orders")
            .replication_group_description("orders cache")
            .engine("redis")
            .cache_node_type("cache.t3.micro")
            .num_cache_clusters(2)
            .cache_subnet_group_name("cache-subnets")
            .security_group_ids(&security_group)
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(true)
            .send()
            .await,
    );
    must(
        "elasticache CreateSnapshot sessions-snap",
        client
            .create_snapshot()
            .snapshot_name("sessions-snap")
            .cache_cluster_id("sessions")
            .send()
            .await,
    );
    let arn = |kind: &str, name: &str| format!("arn:aws:elasticache:{HOME}:{account}:{kind}:{name}");
    let rel = |kind: &str, arn: String| (kind.to_owned(), arn);
    let subnet_arn = |id: &str| format!("arn:aws:ec2:{HOME}:{account}:subnet/{id}");
    let subnet_group_arn = arn("subnetgroup", "cache-subnets");
    let mut subnet_group_relations: Vec<(String, String)> =
        subnets.iter().map(|id| rel("in-subnet", subnet_arn(id))).collect();
    subnet_group_relations.push(rel("in-vpc", format!("arn:aws:ec2:{HOME}:{account}:vpc/{vpc_id}")));
    subnet_group_relations.sort();
    let mut cluster_relations: Vec<(String, String)> =
        subnets.iter().map(|id| rel("in-subnet", subnet_arn(id))).collect();
    cluster_relations.push(rel("in-subnet-group", subnet_group_arn.clone()));
    cluster_relations.sort();
    SeededCaches {
        subnet_group_arn,
        subnet_group_relations,
        cluster_arn: arn("cluster", "sessions"),
        cluster_relations,
        security_group,
        replication_group_arn: arn("replicationgroup", "orders"),
        snapshot_arn: arn("snapshot", "sessions-snap"),
    }
}

/// A GuardDuty detector in [`HOME`], enabled and tagged; returns its id.
async fn seed_guardduty(cfg: &SdkConfig) -> String {
    let gd = client!(aws_sdk_guardduty, cfg, HOME);
    let out = must(
        "guardduty CreateDetector",
        gd.create_detector().enable(true).tags("team", "security").send().await,
    );
    out.detector_id().expect("CreateDetector returns the id").to_owned()
}

/// (name, email, phone) of the billing contact: personal data no scan may keep.
pub const BILLING_CONTACT: [&str; 3] = ["Pat Doe-Billing", "pat.billing@example.com", "+1-555-0100"];

/// Sets the BILLING alternate contact only.
async fn seed_contacts(cfg: &SdkConfig) -> [&'static str; 3] {
    let account = client!(aws_sdk_account, cfg, HOME);
    let [name, email, phone] = BILLING_CONTACT;
    must(
        "account PutAlternateContact BILLING",
        account
            .put_alternate_contact()
            .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Billing)
            .name(name)
            .email_address(email)
            .phone_number(phone)
            .title("Finance")
            .send()
            .await,
    );
    BILLING_CONTACT
}

async fn bucket(cfg: &SdkConfig, name: &str) {
    let s3 = client!(aws_sdk_s3, cfg, HOME);
    must(
        &format!("s3 CreateBucket {name}"),
        s3.create_bucket().bucket(name).send().await,
    );
}

/// A multi-region trail in [`HOME`] to a bucket, encrypted, to a log group, and logging; a
/// single-region trail in [`OTHER`] to the same bucket, not logging.
async fn seed_trails(cfg: &SdkConfig, account: &str) -> Vec<SeededTrail> {
    use aws_sdk_cloudtrail as ct;
    let logs_bucket = format!("audit-trail-logs-{account}");
    bucket(cfg, &logs_bucket).await;
    let (_, key_arn) = create_key(cfg, HOME, "trail encryption key").await;
    let logs = client!(aws_sdk_cloudwatchlogs, cfg, HOME);
    must(
        "logs CreateLogGroup",
        logs.create_log_group().log_group_name("trail-events").send().await,
    );
    let group = format!("arn:aws:logs:{HOME}:{account}:log-group:trail-events");
    let role = format!("arn:aws:iam::{account}:role/trail-to-logs");

    let home = client!(ct, cfg, HOME);
    must(
        "cloudtrail CreateTrail org-audit",
        home.create_trail()
            .name("org-audit")
            .s3_bucket_name(&logs_bucket)
            .is_multi_region_trail(true)
            .include_global_service_events(true)
            .enable_log_file_validation(true)
            .kms_key_id(&key_arn)
            .cloud_watch_logs_log_group_arn(format!("{group}:*"))
            .cloud_watch_logs_role_arn(&role)
            .send()
            .await,
    );
    must(
        "cloudtrail StartLogging org-audit",
        home.start_logging().name("org-audit").send().await,
    );
    let other = client!(ct, cfg, OTHER);
    must(
        "cloudtrail CreateTrail eu-only",
        other
            .create_trail()
            .name("eu-only")
            .s3_bucket_name(&logs_bucket)
            .send()
            .await,
    );
    let bucket_arn = format!("arn:aws:s3:::{logs_bucket}");
    let rel = |kind: &str, arn: &str| (kind.to_owned(), arn.to_owned());
    let mut audit = vec![
        rel("logs-to", &bucket_arn),
        rel("logs-to", &group),
        rel("uses-key", &key_arn),
        rel("uses-role", &role),
    ];
    audit.sort();
    vec![
        SeededTrail {
            name: "eu-only".into(),
            region: OTHER.into(),
            multi_region: false,
            logging: false,
            relations: vec![rel("logs-to", &bucket_arn)],
        },
        SeededTrail {
            name: "org-audit".into(),
            region: HOME.into(),
            multi_region: true,
            logging: true,
            relations: audit,
        },
    ]
}

/// An AWS Config recorder in [`HOME`], recording, delivering to a bucket under a KMS key;
/// [`OTHER`] has none (the "not enabled" answer).
async fn seed_config(cfg: &SdkConfig, account: &str) -> SeededConfig {
    use aws_sdk_config as config;
    let bucket_name = format!("config-history-{account}");
    bucket(cfg, &bucket_name).await;
    let (_, key_arn) = create_key(cfg, HOME, "config delivery key").await;
    let role = format!("arn:aws:iam::{account}:role/config-recorder");
    let client = client!(config, cfg, HOME);
    must(
        "config PutConfigurationRecorder",
        client
            .put_configuration_recorder()
            .configuration_recorder(
                config::types::ConfigurationRecorder::builder()
                    .name("default")
                    .role_arn(&role)
                    .recording_group(
                        config::types::RecordingGroup::builder()
                            .all_supported(true)
                            .include_global_resource_types(true)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await,
    );
    must(
        "config PutDeliveryChannel",
        client
            .put_delivery_channel()
            .delivery_channel(
                config::types::DeliveryChannel::builder()
                    .name("default")
                    .s3_bucket_name(&bucket_name)
                    .s3_kms_key_arn(&key_arn)
                    .build(),
            )
            .send()
            .await,
    );
    must(
        "config StartConfigurationRecorder",
        client
            .start_configuration_recorder()
            .configuration_recorder_name("default")
            .send()
            .await,
    );
    let mut channel = vec![
        ("logs-to".to_owned(), format!("arn:aws:s3:::{bucket_name}")),
        ("uses-key".to_owned(), key_arn),
    ];
    channel.sort();
    SeededConfig {
        recorder_relations: vec![("uses-role".to_owned(), role)],
        channel_relations: channel,
    }
}

/// The sample account's governance: a logging multi-region trail in `us-east-1` to the sample's
/// CloudTrail bucket `bucket` (which the sample seeder created with its bucket policy), and a
/// security alternate contact (billing and operations are left unset).
pub async fn seed_sample_governance(cfg: &SdkConfig, bucket: &str) {
    let ct = client!(aws_sdk_cloudtrail, cfg, "us-east-1");
    must(
        "cloudtrail CreateTrail acme-org-trail",
        ct.create_trail()
            .name("acme-org-trail")
            .s3_bucket_name(bucket)
            .is_multi_region_trail(true)
            .include_global_service_events(true)
            .enable_log_file_validation(true)
            .send()
            .await,
    );
    must(
        "cloudtrail StartLogging acme-org-trail",
        ct.start_logging().name("acme-org-trail").send().await,
    );
    let account = client!(aws_sdk_account, cfg, "us-east-1");
    must(
        "account PutAlternateContact SECURITY",
        account
            .put_alternate_contact()
            .alternate_contact_type(aws_sdk_account::types::AlternateContactType::Security)
            .name("Acme Security Team")
            .email_address("security@example.com")
            .phone_number("+1-555-0199")
            .title("Security")
            .send()
            .await,
    );
}
