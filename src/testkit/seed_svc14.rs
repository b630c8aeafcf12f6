//! Seeds the emulator with the governance facts of issue 14 (CloudTrail trails, and the services
//! that follow in this file) for `tests/integration/svc14b.rs`, and adds the sample account's
//! trail ([`seed_sample_governance`]). Each seeder returns what a correct scan must report.

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
    Governance { account_id, trails }
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

/// The sample account's governance: a logging multi-region trail in `us-east-1` to the sample's
/// CloudTrail bucket `bucket` (which the sample seeder created with its bucket policy).
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
}
