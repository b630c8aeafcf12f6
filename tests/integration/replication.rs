//! A bucket that replicates, against the moto emulator: the scan records the role S3
//! replicates with and the destination bucket, and the plan moves the role in the bucket's
//! unit when nothing else uses it.

use acctsplit::testkit::seed::S3;
use aws_sdk_s3::types::{
    BucketVersioningStatus, Destination, ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter,
    ReplicationRuleStatus, VersioningConfiguration,
};
use serde_json::Value;

use crate::moto::{self, run_acctsplit, stderr_of};

const REGION: &str = "us-east-1";
const SOURCE: &str = "acme-dev-uploads";
const REPLICA: &str = "acme-dev-uploads-replica";
const ROLE: &str = "uploads-replication";

#[tokio::test(flavor = "multi_thread")]
async fn a_replicating_bucket_moves_with_its_replication_role() {
    let Some(moto) = moto::start() else { return };
    let cfg = moto.sdk_config().await;
    let iam = aws_sdk_iam::Client::new(&cfg);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam
        .create_role()
        .role_name(ROLE)
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole");
    let role_arn = role.role().map(|r| r.arn().to_owned()).expect("a role ARN");
    let s3 = S3::new(&cfg, REGION);
    for bucket in [SOURCE, REPLICA] {
        s3.client
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("CreateBucket");
        let versioning = VersioningConfiguration::builder()
            .status(BucketVersioningStatus::Enabled)
            .build();
        s3.client
            .put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(versioning)
            .send()
            .await
            .expect("PutBucketVersioning");
    }
    let rule = ReplicationRule::builder()
        .id("all")
        .priority(1)
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .destination(
            Destination::builder()
                .bucket(format!("arn:aws:s3:::{REPLICA}"))
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let config = ReplicationConfiguration::builder()
        .role(&role_arn)
        .rules(rule)
        .build()
        .unwrap();
    s3.client
        .put_bucket_replication()
        .bucket(SOURCE)
        .replication_configuration(config)
        .send()
        .await
        .expect("PutBucketReplication");

    let dir = tempfile::tempdir().unwrap();
    let inventory_path = dir.path().join("inventory.json");
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            inventory_path.to_str().unwrap(),
            "--regions",
            REGION,
            "-q",
        ],
        &moto.env(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let inventory: Value = serde_json::from_str(&std::fs::read_to_string(&inventory_path).unwrap()).unwrap();
    let bucket = inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["arn"] == format!("arn:aws:s3:::{SOURCE}"))
        .expect("the source bucket");
    let relations: Vec<(&str, &str)> = bucket["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["arn"].as_str().unwrap()))
        .collect();
    assert!(relations.contains(&("uses-role", role_arn.as_str())), "{relations:?}");
    let replica_arn = format!("arn:aws:s3:::{REPLICA}");
    assert!(
        relations.contains(&("replicates-to", replica_arn.as_str())),
        "{relations:?}"
    );

    let out = dir.path().join("plan");
    let output = run_acctsplit(
        &[
            "classify",
            "--inventory",
            inventory_path.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "{}",
        stderr_of(&output)
    );
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let unit_of = |arn: &str| {
        plan["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["arn"] == arn)
            .map(|a| a["unit"].clone())
            .unwrap_or(Value::Null)
    };
    let bucket_unit = unit_of(&format!("arn:aws:s3:::{SOURCE}"));
    assert_eq!(bucket_unit, "dev/acme-dev-uploads", "{plan}");
    assert_eq!(
        unit_of(&role_arn),
        bucket_unit,
        "the replication role moves in its bucket's unit"
    );
}
