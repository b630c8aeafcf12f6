//! The AWS Config collector (per region): the configuration recorders
//! (`DescribeConfigurationRecorders`) with whether each is recording
//! (`DescribeConfigurationRecorderStatus`), and the delivery channels
//! (`DescribeDeliveryChannels`) with their S3 bucket, KMS key and SNS topic as relations.
//! Governance facts the runbook's security baseline rebuilds; the default rules place both in
//! `log-archive`. A region without a recorder is an answer, not a failure: its coverage row is
//! `ok` with the detail `not enabled`. None of the three calls is paginated (a region has at most
//! one customer-managed recorder and one delivery channel, plus service-linked recorders).
//! Configuration items and the delivered history are not read.

use aws_sdk_config::Client;
use aws_sdk_config::types::{ConfigurationRecorder, ConfigurationRecorderStatus, DeliveryChannel};
use futures::future::BoxFuture;

use super::common::{self, Ident, date, first_error};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::Attrs;
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_config, "config");

pub struct Config;

const ACTIONS: &[Action] = &[
    action(
        "Config Service",
        "DescribeConfigurationRecorderStatus",
        "config:DescribeConfigurationRecorderStatus",
    ),
    action(
        "Config Service",
        "DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorders",
    ),
    action(
        "Config Service",
        "DescribeDeliveryChannels",
        "config:DescribeDeliveryChannels",
    ),
];

impl Collector<AwsScanSource> for Config {
    fn name(&self) -> &'static str {
        "config"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS Config"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads the recorders, their status and the delivery channels of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    let requests = 3;
    let recorders = match client.describe_configuration_recorders().send().await {
        Ok(found) => Some(found.configuration_recorders().to_vec()),
        Err(err) => {
            errors.push(ApiError::from_sdk("DescribeConfigurationRecorders", region, err));
            None
        }
    };
    let statuses = match client.describe_configuration_recorder_status().send().await {
        Ok(found) => found.configuration_recorders_status().to_vec(),
        Err(err) => {
            errors.push(ApiError::from_sdk("DescribeConfigurationRecorderStatus", region, err));
            Vec::new()
        }
    };
    match recorders {
        Some(recorders) if recorders.is_empty() => {
            errors.push(ApiError::not_enabled("DescribeConfigurationRecorders", region));
        }
        Some(recorders) => {
            for r in &recorders {
                let status = statuses.iter().find(|s| s.name().is_some() && s.name() == r.name());
                out.extend(recorder(r, status, region, account));
            }
        }
        None => {}
    }
    match client.describe_delivery_channels().send().await {
        Ok(found) => {
            for c in found.delivery_channels() {
                out.extend(delivery_channel(c, region, account));
            }
        }
        Err(err) => errors.push(ApiError::from_sdk("DescribeDeliveryChannels", region, err)),
    }
    UnitResult {
        service: "config",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// `arn:aws:config:REGION:ACCOUNT:KIND/NAME`, for what the API gives no ARN.
fn config_arn(region: &str, account: &str, kind: &str, name: &str) -> String {
    format!(
        "arn:{}:config:{region}:{account}:{kind}/{name}",
        arn::partition_of(region)
    )
}

/// A configuration recorder; `status` is `None` when it could not be read.
pub fn recorder(
    r: &ConfigurationRecorder,
    status: Option<&ConfigurationRecorderStatus>,
    region: &str,
    account: &str,
) -> Option<Resource> {
    let name = r.name()?;
    let recorder_arn = r
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| config_arn(region, account, "configuration-recorder", name));
    let relations: Vec<Relation> = r
        .role_arn()
        .filter(|a| !a.is_empty())
        .map(|a| Relation::new("uses-role", a))
        .into_iter()
        .collect();
    let group = r.recording_group();
    let attrs = Attrs::default()
        .opt("recording", status.map(|s| s.recording()))
        .opt("last_status", status.and_then(|s| s.last_status()).map(|v| v.as_str()))
        .opt("last_started", status.and_then(|s| date(s.last_start_time())))
        .opt("all_supported", group.map(|g| g.all_supported()))
        .opt(
            "include_global_resource_types",
            group.map(|g| g.include_global_resource_types()),
        )
        .opt(
            "recording_frequency",
            r.recording_mode().map(|m| m.recording_frequency().as_str()),
        )
        .opt("service_principal", r.service_principal());
    let ident = Ident {
        arn: &recorder_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Config,
        attrs,
        relations,
    ))
}

/// A delivery channel, with its bucket, key and topic as relations.
pub fn delivery_channel(c: &DeliveryChannel, region: &str, account: &str) -> Option<Resource> {
    let name = c.name()?;
    let channel_arn = config_arn(region, account, "delivery-channel", name);
    let mut relations: Vec<Relation> = Vec::new();
    relations.extend(
        c.s3_bucket_name()
            .filter(|b| !b.is_empty())
            .map(|b| Relation::new("logs-to", arn::s3_bucket(arn::partition_of(region), b))),
    );
    relations.extend(
        c.s3_kms_key_arn()
            .and_then(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    relations.extend(
        c.sns_topic_arn()
            .filter(|s| !s.is_empty())
            .map(|s| Relation::new("notifies", s)),
    );
    let attrs = Attrs::default()
        .opt("s3_bucket", c.s3_bucket_name())
        .opt("s3_key_prefix", c.s3_key_prefix())
        .opt(
            "delivery_frequency",
            c.config_snapshot_delivery_properties()
                .and_then(|p| p.delivery_frequency())
                .map(|f| f.as_str()),
        );
    let ident = Ident {
        arn: &channel_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Config,
        attrs,
        relations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::types::{RecorderStatus, RecordingGroup};

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";

    #[test]
    fn a_recorder_has_its_status_scope_and_role() {
        let r = ConfigurationRecorder::builder()
            .name("default")
            .role_arn("arn:aws:iam::111122223333:role/config")
            .recording_group(
                RecordingGroup::builder()
                    .all_supported(true)
                    .include_global_resource_types(false)
                    .build(),
            )
            .build();
        let status = ConfigurationRecorderStatus::builder()
            .name("default")
            .recording(true)
            .last_status(RecorderStatus::Success)
            .build();
        let res = recorder(&r, Some(&status), REGION, ACCOUNT).unwrap();
        assert_eq!(
            res.arn,
            "arn:aws:config:eu-west-1:111122223333:configuration-recorder/default"
        );
        assert_eq!(res.resource_type, "config:configuration-recorder");
        assert_eq!(res.id, "default");
        assert_eq!(res.attributes["recording"], true);
        assert_eq!(res.attributes["last_status"], "Success");
        assert_eq!(res.attributes["all_supported"], true);
        assert_eq!(res.attributes["include_global_resource_types"], false);
        assert_eq!(
            res.related("uses-role").collect::<Vec<_>>(),
            vec!["arn:aws:iam::111122223333:role/config"]
        );
        // Without a status, whether it records is unknown, not false.
        let res = recorder(&r, None, REGION, ACCOUNT).unwrap();
        assert!(!res.attributes.contains_key("recording"));
    }

    #[test]
    fn a_delivery_channel_points_at_its_bucket_key_and_topic() {
        let c = DeliveryChannel::builder()
            .name("default")
            .s3_bucket_name("config-history")
            .s3_key_prefix("cfg")
            .s3_kms_key_arn("arn:aws:kms:eu-west-1:111122223333:key/k1")
            .sns_topic_arn("arn:aws:sns:eu-west-1:111122223333:config")
            .build();
        let res = delivery_channel(&c, REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "config:delivery-channel");
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        assert_eq!(
            rels,
            vec![
                ("logs-to", "arn:aws:s3:::config-history"),
                ("notifies", "arn:aws:sns:eu-west-1:111122223333:config"),
                ("uses-key", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
            ]
        );
        assert_eq!(res.attributes["s3_bucket"], "config-history");
    }
}

/// What moto cannot be made to answer: a denied call, and (checked against moto too) the
/// "not enabled" answer of a region without a recorder.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    #[test]
    fn no_recorder_is_not_enabled_not_a_failure() {
        let client = fake_client!(aws_sdk_config, |call: &Call| {
            let body = match call.operation.as_str() {
                "DescribeConfigurationRecorders" => r#"{"ConfigurationRecorders":[]}"#,
                "DescribeConfigurationRecorderStatus" => r#"{"ConfigurationRecordersStatus":[]}"#,
                "DescribeDeliveryChannels" => r#"{"DeliveryChannels":[]}"#,
                other => panic!("unexpected {other}"),
            };
            (200, body.to_owned())
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert_eq!(result.requests, 3);
        assert!(result.resources.is_empty());
        let answer = result.error.expect("the not-enabled answer is recorded");
        assert!(answer.is_not_enabled(), "{answer:?}");
        assert_eq!(answer.coverage_status(), crate::model::CoverageStatus::Ok);
    }

    #[test]
    fn a_denied_status_is_the_units_error_and_the_recorder_is_kept() {
        let client = fake_client!(aws_sdk_config, |call: &Call| match call.operation.as_str() {
            "DescribeConfigurationRecorders" => (
                200,
                r#"{"ConfigurationRecorders":[{"name":"default","roleARN":"arn:aws:iam::111122223333:role/c"}]}"#
                    .to_owned(),
            ),
            "DescribeConfigurationRecorderStatus" =>
                (400, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned(),),
            "DescribeDeliveryChannels" => (200, r#"{"DeliveryChannels":[]}"#.to_owned()),
            other => panic!("unexpected {other}"),
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert_eq!(result.resources.len(), 1);
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied());
        assert_eq!(error.operation, "DescribeConfigurationRecorderStatus");
    }
}
