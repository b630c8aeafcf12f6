//! Seeds the emulator with the workload services and the governance facts of issue 14: a
//! CloudFormation stack that owns a bucket, a queue and a security group (tagged) and one that
//! owns a bucket (never tagged); more services follow in this file. Each seeder returns what a
//! correct scan must report, so the tests in `tests/integration/workloads.rs` compare against
//! it rather than against numbers written twice.

use aws_config::SdkConfig;
use aws_types::region::Region;

use super::seed::{account_id, must};

/// The region the workload seeders use.
pub const REGION: &str = "us-east-1";

/// What the workload seed created, by name.
#[derive(Debug, Clone)]
pub struct Workloads {
    pub account_id: String,
    /// (stack name, tagged, ARNs the stack must own), sorted by name.
    pub stacks: Vec<(String, bool, Vec<String>)>,
}

/// A client of an SDK crate for one region.
macro_rules! client {
    ($krate:ident, $cfg:expr, $region:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .region(Region::new($region.to_owned()))
                .build(),
        )
    };
}

/// Seeds every workload service in [`REGION`].
pub async fn seed_workloads(cfg: &SdkConfig) -> Workloads {
    let account_id = account_id(cfg).await;
    let stacks = seed_stacks(cfg, &account_id).await;
    Workloads { account_id, stacks }
}

const SHOP_TEMPLATE: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"DbPassword": {"Type": "String", "NoEcho": true}},
  "Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.42.0.0/16"}},
    "WebSg": {"Type": "AWS::EC2::SecurityGroup",
              "Properties": {"GroupDescription": "shop web", "VpcId": {"Ref": "Vpc"}}},
    "Assets": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "shop-stack-assets"}},
    "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "shop-stack-jobs"}}
  },
  "Outputs": {"AssetsBucket": {"Value": {"Ref": "Assets"}}}
}"#;

const REPORTS_TEMPLATE: &str = r#"{
  "Resources": {
    "Reports": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "reports-stack-output"}}
  }
}"#;

/// The parameter value the shop stack is created with: no scan may keep it.
pub const STACK_SECRET: &str = "stack-param-secret-7f3a";

async fn seed_stacks(cfg: &SdkConfig, account: &str) -> Vec<(String, bool, Vec<String>)> {
    use aws_sdk_cloudformation as cfn;
    let client = client!(cfn, cfg, REGION);
    let shop = must(
        "cloudformation CreateStack shop",
        client
            .create_stack()
            .stack_name("shop")
            .template_body(SHOP_TEMPLATE)
            .parameters(
                cfn::types::Parameter::builder()
                    .parameter_key("DbPassword")
                    .parameter_value(STACK_SECRET)
                    .build(),
            )
            .tags(cfn::types::Tag::builder().key("Environment").value("prod").build())
            .send()
            .await,
    );
    must(
        "cloudformation CreateStack reports",
        client
            .create_stack()
            .stack_name("reports")
            .template_body(REPORTS_TEMPLATE)
            .send()
            .await,
    );
    // The ARNs each stack must own, from the emulator's own answer for the security group.
    let mut shop_owns = vec![
        "arn:aws:s3:::shop-stack-assets".to_owned(),
        format!("arn:aws:sqs:{REGION}:{account}:shop-stack-jobs"),
    ];
    let listed = must(
        "cloudformation ListStackResources shop",
        client
            .list_stack_resources()
            .stack_name(shop.stack_id().unwrap_or("shop"))
            .send()
            .await,
    );
    for r in listed.stack_resource_summaries() {
        let physical = r.physical_resource_id().unwrap_or_default();
        match r.resource_type() {
            Some("AWS::EC2::SecurityGroup") => {
                shop_owns.push(format!("arn:aws:ec2:{REGION}:{account}:security-group/{physical}"))
            }
            Some("AWS::EC2::VPC") => shop_owns.push(format!("arn:aws:ec2:{REGION}:{account}:vpc/{physical}")),
            _ => {}
        }
    }
    shop_owns.sort();
    vec![
        (
            "reports".to_owned(),
            false,
            vec!["arn:aws:s3:::reports-stack-output".to_owned()],
        ),
        ("shop".to_owned(), true, shop_owns),
    ]
}
