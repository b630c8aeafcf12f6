//! The DynamoDB collector (per region): every table `ListTables` names (every page), each
//! described with `DescribeTable` (status, size, item count, billing mode, streams, encryption
//! and key, global-table replicas) and `DescribeContinuousBackups` (point-in-time recovery). The
//! items are never read. Tags come from the Tagging API, which covers tables. Replicas are an
//! attribute (their regions): each replica region's scan reports its own table.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{ContinuousBackupsDescription, TableDescription};
use futures::future::BoxFuture;

use super::common::{self, Ident, first_error};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_dynamodb, "dynamodb");

pub struct Dynamodb;

const ACTIONS: &[Action] = &[
    action(
        "DynamoDB",
        "DescribeContinuousBackups",
        "dynamodb:DescribeContinuousBackups",
    ),
    action("DynamoDB", "DescribeTable", "dynamodb:DescribeTable"),
    action("DynamoDB", "ListTables", "dynamodb:ListTables"),
];

impl Collector<AwsScanSource> for Dynamodb {
    fn name(&self) -> &'static str {
        "dynamodb"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon DynamoDB"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let client: Client = source.aws().client(task.region);
            collect(&client, task.region, task.account).await
        })
    }
}

/// Reads every table of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut names: Vec<String> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(client.list_tables().limit(100), "ListTables", region, |page| {
        names.extend(page.table_names().iter().cloned());
    });
    errors.extend(error);
    let mut out = Vec::new();
    for name in &names {
        requests += 1;
        let description = match client.describe_table().table_name(name).send().await {
            Ok(answer) => answer.table,
            Err(err) => {
                errors.push(ApiError::from_sdk("DescribeTable", region, err));
                None
            }
        };
        requests += 1;
        let backups = match client.describe_continuous_backups().table_name(name).send().await {
            Ok(answer) => answer.continuous_backups_description,
            Err(err) => {
                errors.push(ApiError::from_sdk("DescribeContinuousBackups", region, err));
                None
            }
        };
        out.push(table(region, account, name, description.as_ref(), backups.as_ref()));
    }
    UnitResult {
        service: "dynamodb",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// A table; without its description (a failed `DescribeTable`) it keeps its name and ARN.
pub fn table(
    region: &str,
    account: &str,
    name: &str,
    t: Option<&TableDescription>,
    backups: Option<&ContinuousBackupsDescription>,
) -> Resource {
    let table_arn = t.and_then(|t| t.table_arn()).map_or_else(
        || {
            format!(
                "arn:{}:dynamodb:{region}:{account}:table/{name}",
                arn::partition_of(region)
            )
        },
        str::to_owned,
    );
    let mut relations = Vec::new();
    let mut attrs = Attrs::default();
    if let Some(t) = t {
        let sse = t.sse_description();
        let key = sse.and_then(|s| s.kms_master_key_arn());
        relations.extend(
            key.and_then(|k| arn::kms_key(region, account, k))
                .map(|k| Relation::new("uses-key", k)),
        );
        let stream = t.stream_specification();
        let mut replicas: Vec<&str> = t.replicas().iter().filter_map(|r| r.region_name()).collect();
        replicas.sort_unstable();
        attrs = attrs
            .opt("status", t.table_status().map(|s| s.as_str()))
            .opt("size_bytes", t.table_size_bytes())
            .opt("item_count", t.item_count())
            // A table created on demand reports its mode; one that never had a summary is provisioned.
            .set(
                "billing_mode",
                t.billing_mode_summary()
                    .and_then(|b| b.billing_mode())
                    .map_or("PROVISIONED", |m| m.as_str()),
            )
            .set("stream_enabled", stream.is_some_and(|s| s.stream_enabled()))
            .opt(
                "stream_view_type",
                stream.and_then(|s| s.stream_view_type()).map(|v| v.as_str()),
            )
            .opt("latest_stream_arn", t.latest_stream_arn())
            // No SSE description: encrypted with a key AWS owns (the default), which nobody shares.
            .set(
                "encryption",
                sse.and_then(|s| s.sse_type()).map_or("aws-owned", |s| s.as_str()),
            )
            .opt("kms_key_id", key)
            .set("replicas", replicas)
            .opt("global_table_version", t.global_table_version())
            .opt("deletion_protection", t.deletion_protection_enabled())
            .opt(
                "table_class",
                t.table_class_summary()
                    .and_then(|c| c.table_class())
                    .map(|c| c.as_str()),
            );
    }
    attrs = attrs.opt(
        "point_in_time_recovery",
        backups
            .and_then(|b| b.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str() == "ENABLED"),
    );
    let ident = Ident {
        arn: &table_arn,
        region,
        id: name,
        name: Some(name),
    };
    common::resource(ident, SortedMap::new(), Source::Dynamodb, attrs, relations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::{
        BillingMode, BillingModeSummary, ContinuousBackupsStatus, PointInTimeRecoveryDescription,
        PointInTimeRecoveryStatus, ReplicaDescription, SseDescription, SseType, StreamSpecification, StreamViewType,
        TableStatus,
    };

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";

    #[test]
    fn table_has_billing_streams_key_replicas_size_and_pitr() {
        let key = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/k1");
        let t = TableDescription::builder()
            .table_name("orders-dev")
            .table_arn(format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders-dev"))
            .table_status(TableStatus::Active)
            .table_size_bytes(2048)
            .item_count(12)
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewImage)
                    .build()
                    .unwrap(),
            )
            .sse_description(
                SseDescription::builder()
                    .sse_type(SseType::Kms)
                    .kms_master_key_arn(&key)
                    .build(),
            )
            .replicas(ReplicaDescription::builder().region_name("us-east-1").build())
            .replicas(ReplicaDescription::builder().region_name("eu-west-1").build())
            .global_table_version("2019.11.21")
            .build();
        let backups = ContinuousBackupsDescription::builder()
            .continuous_backups_status(ContinuousBackupsStatus::Enabled)
            .point_in_time_recovery_description(
                PointInTimeRecoveryDescription::builder()
                    .point_in_time_recovery_status(PointInTimeRecoveryStatus::Enabled)
                    .build(),
            )
            .build()
            .unwrap();
        let r = table(REGION, ACCOUNT, "orders-dev", Some(&t), Some(&backups));
        assert_eq!(r.resource_type, "dynamodb:table");
        assert_eq!(r.sources, vec![Source::Dynamodb]);
        assert_eq!(r.relations, vec![Relation::new("uses-key", key.clone())]);
        let a = &r.attributes;
        assert_eq!(a["billing_mode"], "PAY_PER_REQUEST");
        assert_eq!(a["stream_enabled"], true);
        assert_eq!(a["stream_view_type"], "NEW_IMAGE");
        assert_eq!(a["encryption"], "KMS");
        assert_eq!(a["kms_key_id"], key.as_str());
        assert_eq!(a["replicas"], serde_json::json!(["eu-west-1", "us-east-1"]));
        assert_eq!(a["size_bytes"], 2048);
        assert_eq!(a["point_in_time_recovery"], true);
    }

    #[test]
    fn a_default_table_is_provisioned_on_an_aws_owned_key_and_a_failed_describe_keeps_the_table() {
        let t = TableDescription::builder().table_name("plain").build();
        let r = table(REGION, ACCOUNT, "plain", Some(&t), None);
        assert_eq!(r.attributes["billing_mode"], "PROVISIONED");
        assert_eq!(r.attributes["encryption"], "aws-owned");
        assert_eq!(r.attributes["stream_enabled"], false);
        assert!(!r.attributes.contains_key("point_in_time_recovery"));
        let r = table(REGION, ACCOUNT, "gone", None, None);
        assert_eq!(r.arn, format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/gone"));
        assert!(r.attributes.is_empty());
    }
}

/// moto answers `ListTables` in one page for few tables, so its second page is read from the
/// fake: two pages of one table each, the first with `LastEvaluatedTableName`.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";

    fn answer(call: &Call) -> (u16, String) {
        let body = match call.operation.as_str() {
            "ListTables" if call.body.contains("ExclusiveStartTableName") => r#"{"TableNames":["t-2"]}"#.to_owned(),
            "ListTables" => r#"{"TableNames":["t-1"],"LastEvaluatedTableName":"t-1"}"#.to_owned(),
            "DescribeTable" => r#"{"Table":{"TableStatus":"ACTIVE"}}"#.to_owned(),
            "DescribeContinuousBackups" if call.body.contains("t-2") => {
                return (
                    400,
                    r#"{"__type":"com.amazonaws.dynamodb.v20120810#AccessDeniedException","message":"no"}"#.to_owned(),
                );
            }
            "DescribeContinuousBackups" => r#"{"ContinuousBackupsDescription":{"ContinuousBackupsStatus":"ENABLED","PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":"ENABLED"}}}"#.to_owned(),
            other => panic!("unexpected {other}"),
        };
        (200, body)
    }

    #[test]
    fn tables_of_the_second_page_are_described_and_a_denied_call_is_the_units_error() {
        let client = fake_client!(aws_sdk_dynamodb, answer);
        let result = fake::block_on(collect(&client, REGION, ACCOUNT));
        // Two ListTables pages, then DescribeTable and DescribeContinuousBackups per table.
        assert_eq!(result.requests, 6);
        let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["t-1", "t-2"]);
        assert_eq!(result.resources[0].attributes["point_in_time_recovery"], true);
        assert!(!result.resources[1].attributes.contains_key("point_in_time_recovery"));
        let error = result.error.expect("the denied call is the unit's error");
        assert!(error.is_denied(), "{error:?}");
    }
}
