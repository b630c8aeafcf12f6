//! The sample account's serverless and database part, in `us-east-1`, consistent with what its
//! cost history pays for (RDS and Lambda there): functions with their execution roles, RDS
//! databases with their subnet groups, and DynamoDB tables. Seeded last, so that every id the
//! rest of the sample pins stays what it was.
//!
//! It shows each way an identity is placed: a role used only by one target's function goes with
//! it (`reports-export-exec`, dev); a role shared by a prod and a dev function, with its policy,
//! is a conflict recreated in each (`payments-api-exec`); a role only an untagged function uses
//! stays for review (`ops-cron-exec`).

use aws_config::SdkConfig;
use aws_sdk_ec2::types::Filter;

use super::seed::must;
use super::seed_data::MOTO_AWS_RDS_KEY;
use super::seed_svc12::EMPTY_ZIP;

const REGION: &str = "us-east-1";

/// Tags to create a resource with.
type Tags<'a> = &'a [(&'a str, &'a str)];

/// Seeded only into the emulator: no inventory holds it (the scanner never reads it).
const SAMPLE_DB_PASSWORD: &str = "sample-db-password-1";

/// Seeds the functions, databases and tables; returns how many resources it created.
pub async fn seed_sample_apps(cfg: &SdkConfig, account: &str, customer_key_arn: &str) -> usize {
    let ec2 = aws_sdk_ec2::Client::new(cfg);
    let mut created = 0;
    created += seed_functions(cfg, account).await;
    // The dev VPC has one subnet; a DB subnet group needs two availability zones.
    let dev_vpc = vpc_id(&ec2, "dev-vpc").await;
    must(
        "ec2 CreateSubnet dev-b",
        ec2.create_subnet()
            .vpc_id(&dev_vpc)
            .cidr_block("10.30.2.0/24")
            .availability_zone(format!("{REGION}b"))
            .tag_specifications(
                aws_sdk_ec2::types::TagSpecification::builder()
                    .resource_type(aws_sdk_ec2::types::ResourceType::Subnet)
                    .tags(aws_sdk_ec2::types::Tag::builder().key("Name").value("dev-b").build())
                    .tags(aws_sdk_ec2::types::Tag::builder().key("Stage").value("test").build())
                    .build(),
            )
            .send()
            .await,
    );
    created += 1;
    let aws_rds_key = format!("arn:aws:kms:{REGION}:{account}:key/{MOTO_AWS_RDS_KEY}");
    let databases = [
        // The checkout database: production, Multi-AZ, on the customer key.
        Database {
            name: "checkout-prod-db",
            engine: ("postgres", "15.4"),
            cidrs: ["10.10.1.0/24", "10.10.2.0/24"],
            group: "prod-db",
            key: Some(customer_key_arn),
            multi_az: true,
            tags: &[("Environment", "prod")],
        },
        // A QA database on the AWS-managed key: its move needs a snapshot copy under a customer key.
        Database {
            name: "reports-qa-db",
            engine: ("mysql", "8.0.35"),
            cidrs: ["10.30.1.0/24", "10.30.2.0/24"],
            group: "dev-app",
            key: Some(&aws_rds_key),
            multi_az: false,
            tags: &[("Stage", "qa")],
        },
        // Nobody tagged the CRM database in the legacy VPC.
        Database {
            name: "legacy-crm-db",
            engine: ("mysql", "8.0.35"),
            cidrs: ["10.20.1.0/24", "10.20.2.0/24"],
            group: "legacy-all",
            key: None,
            multi_az: false,
            tags: &[],
        },
    ];
    let rds = aws_sdk_rds::Client::new(cfg);
    for db in &databases {
        created += db.create(&ec2, &rds).await;
    }
    created + seed_tables(cfg).await
}

/// The functions and their execution roles (and the policy of the shared one).
async fn seed_functions(cfg: &SdkConfig, account: &str) -> usize {
    use aws_sdk_lambda::types::{FunctionCode, Runtime};
    let iam = aws_sdk_iam::Client::new(cfg);
    let lambda = aws_sdk_lambda::Client::new(cfg);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    for role in ["payments-api-exec", "reports-export-exec", "ops-cron-exec"] {
        must(
            &format!("iam CreateRole {role}"),
            iam.create_role()
                .role_name(role)
                .assume_role_policy_document(trust)
                .send()
                .await,
        );
    }
    let ledger = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem"],"Resource":"arn:aws:dynamodb:{REGION}:{account}:table/payments-prod-ledger"}}]}}"#
    );
    let policy = must(
        "iam CreatePolicy payments-ledger-access",
        iam.create_policy()
            .policy_name("payments-ledger-access")
            .policy_document(ledger)
            .send()
            .await,
    );
    must(
        "iam AttachRolePolicy payments-api-exec",
        iam.attach_role_policy()
            .role_name("payments-api-exec")
            .policy_arn(policy.policy().and_then(|p| p.arn()).expect("a policy ARN"))
            .send()
            .await,
    );
    let functions: [(&str, &str, Tags); 4] = [
        (
            "acme-payments-prod-api",
            "payments-api-exec",
            &[("Environment", "prod")],
        ),
        ("acme-payments-dev-api", "payments-api-exec", &[("Environment", "dev")]),
        ("reports-qa-export", "reports-export-exec", &[("Stage", "qa")]),
        ("nightly-cleanup", "ops-cron-exec", &[]),
    ];
    for (name, role, tags) in functions {
        let mut call = lambda
            .create_function()
            .function_name(name)
            .runtime(Runtime::Python312)
            .role(format!("arn:aws:iam::{account}:role/{role}"))
            .handler("app.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(EMPTY_ZIP.to_vec()))
                    .build(),
            );
        for (k, v) in tags {
            call = call.tags(*k, *v);
        }
        must(&format!("lambda CreateFunction {name}"), call.send().await);
    }
    // The QA export reads the dev batch queue.
    let sqs = aws_sdk_sqs::Client::new(cfg);
    let queue_url = must(
        "sqs GetQueueUrl billing-batch-dev-jobs",
        sqs.get_queue_url().queue_name("billing-batch-dev-jobs").send().await,
    )
    .queue_url()
    .expect("a queue URL")
    .to_owned();
    let queue_arn = must(
        "sqs GetQueueAttributes billing-batch-dev-jobs",
        sqs.get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await,
    )
    .attributes()
    .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
    .expect("a queue ARN")
    .to_owned();
    must(
        "lambda CreateEventSourceMapping reports-qa-export",
        lambda
            .create_event_source_mapping()
            .function_name("reports-qa-export")
            .event_source_arn(queue_arn)
            .batch_size(10)
            .send()
            .await,
    );
    // 3 roles, 1 policy, 4 functions, 1 mapping.
    9
}

/// One RDS instance with its subnet group.
struct Database<'a> {
    name: &'a str,
    engine: (&'a str, &'a str),
    /// The CIDR blocks of the group's two subnets.
    cidrs: [&'a str; 2],
    /// The security group's name, in the subnets' VPC.
    group: &'a str,
    key: Option<&'a str>,
    multi_az: bool,
    tags: Tags<'a>,
}

impl Database<'_> {
    async fn create(&self, ec2: &aws_sdk_ec2::Client, rds: &aws_sdk_rds::Client) -> usize {
        let tags: Vec<aws_sdk_rds::types::Tag> = self
            .tags
            .iter()
            .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(*k).value(*v).build())
            .collect();
        let mut subnets = Vec::new();
        for cidr in self.cidrs {
            subnets.push(first_id(ec2, "cidr-block", cidr, Kind::Subnet).await);
        }
        let group_id = first_id(ec2, "group-name", self.group, Kind::SecurityGroup).await;
        let subnet_group = format!("{}-subnets", self.name);
        must(
            &format!("rds CreateDBSubnetGroup {subnet_group}"),
            rds.create_db_subnet_group()
                .db_subnet_group_name(&subnet_group)
                .db_subnet_group_description(self.name)
                .set_subnet_ids(Some(subnets))
                .set_tags(Some(tags.clone()))
                .send()
                .await,
        );
        let mut call = rds
            .create_db_instance()
            .db_instance_identifier(self.name)
            .engine(self.engine.0)
            .engine_version(self.engine.1)
            .db_instance_class("db.t3.medium")
            .allocated_storage(100)
            .master_username("admin_user")
            .master_user_password(SAMPLE_DB_PASSWORD)
            .db_subnet_group_name(&subnet_group)
            .vpc_security_group_ids(group_id)
            .multi_az(self.multi_az)
            .backup_retention_period(7)
            .set_tags(Some(tags));
        if let Some(key) = self.key {
            call = call.storage_encrypted(true).kms_key_id(key);
        }
        must(&format!("rds CreateDBInstance {}", self.name), call.send().await);
        2
    }
}

/// The DynamoDB tables: the prod ledger, a QA cache named for its stage, and an untagged table
/// of sessions.
async fn seed_tables(cfg: &SdkConfig) -> usize {
    use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
    let dynamodb = aws_sdk_dynamodb::Client::new(cfg);
    let tables: [(&str, Tags); 3] = [
        ("payments-prod-ledger", &[("Environment", "prod")]),
        ("reports-qa-cache", &[]),
        ("sessions", &[]),
    ];
    for (name, tags) in tables {
        let mut call = dynamodb
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .expect("an attribute definition"),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type(KeyType::Hash)
                    .build()
                    .expect("a key schema element"),
            );
        for (k, v) in tags.iter() {
            call = call.tags(
                aws_sdk_dynamodb::types::Tag::builder()
                    .key(*k)
                    .value(*v)
                    .build()
                    .expect("a tag"),
            );
        }
        must(&format!("dynamodb CreateTable {name}"), call.send().await);
    }
    tables.len()
}

enum Kind {
    Subnet,
    SecurityGroup,
}

/// The id of the first subnet or security group matching one filter.
async fn first_id(ec2: &aws_sdk_ec2::Client, filter: &str, value: &str, kind: Kind) -> String {
    let filter = Filter::builder().name(filter).values(value).build();
    let what = format!("ec2 lookup {value}");
    let id = match kind {
        Kind::Subnet => must(&what, ec2.describe_subnets().filters(filter).send().await)
            .subnets()
            .first()
            .and_then(|s| s.subnet_id())
            .map(str::to_owned),
        Kind::SecurityGroup => must(&what, ec2.describe_security_groups().filters(filter).send().await)
            .security_groups()
            .first()
            .and_then(|g| g.group_id())
            .map(str::to_owned),
    };
    id.unwrap_or_else(|| panic!("the sample has no {value}"))
}

async fn vpc_id(ec2: &aws_sdk_ec2::Client, name: &str) -> String {
    let filter = Filter::builder().name("tag:Name").values(name).build();
    must(
        &format!("ec2 DescribeVpcs {name}"),
        ec2.describe_vpcs().filters(filter).send().await,
    )
    .vpcs()
    .first()
    .and_then(|v| v.vpc_id())
    .unwrap_or_else(|| panic!("the sample has no {name}"))
    .to_owned()
}
