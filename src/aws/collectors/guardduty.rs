//! The GuardDuty collector (per region): the region's detector (`ListDetectors`; an account has
//! at most one per region) with its status, finding frequency, enabled features and tags
//! (`GetDetector`; the Tagging API leaves GuardDuty out in moto, so the collector reads them
//! itself). A governance fact the runbook's security baseline rebuilds; the default rules place
//! detectors in `security`. A region without a detector is an answer, not a failure: its coverage
//! row is `ok` with the detail `not enabled`. Findings are not read.

use aws_sdk_guardduty::Client;
use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
use aws_sdk_guardduty::types::FeatureStatus;
use futures::future::BoxFuture;

use super::common::{self, Ident, first_error, tags_of};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_guardduty, "guardduty");

pub struct GuardDuty;

const ACTIONS: &[Action] = &[
    action("GuardDuty", "GetDetector", "guardduty:GetDetector"),
    action("GuardDuty", "ListDetectors", "guardduty:ListDetectors"),
];

impl Collector<AwsScanSource> for GuardDuty {
    fn name(&self) -> &'static str {
        "guardduty"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon GuardDuty"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads the detectors of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let (mut requests, error) = paginate!(client.list_detectors(), "ListDetectors", region, |page| {
        ids.extend(page.detector_ids().iter().cloned());
    });
    let listed = error.is_none();
    errors.extend(error);
    if listed && ids.is_empty() {
        errors.push(ApiError::not_enabled("ListDetectors", region));
    }
    for id in &ids {
        requests += 1;
        match client.get_detector().detector_id(id).send().await {
            Ok(found) => out.push(detector(id, &found, region, account)),
            Err(err) => errors.push(ApiError::from_sdk("GetDetector", region, err)),
        }
    }
    UnitResult {
        service: "guardduty",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// A detector from its id and `GetDetector` answer.
pub fn detector(id: &str, d: &GetDetectorOutput, region: &str, account: &str) -> Resource {
    let detector_arn = format!(
        "arn:{}:guardduty:{region}:{account}:detector/{id}",
        arn::partition_of(region)
    );
    let relations: Vec<Relation> = d
        .service_role()
        .filter(|r| !r.is_empty())
        .map(|r| Relation::new("uses-role", r))
        .into_iter()
        .collect();
    let mut features: Vec<&str> = d
        .features()
        .iter()
        .filter(|f| f.status() == Some(&FeatureStatus::Enabled))
        .filter_map(|f| f.name().map(|n| n.as_str()))
        .collect();
    features.sort_unstable();
    let attrs = Attrs::default()
        .opt("status", d.status().map(|s| s.as_str()))
        .opt(
            "finding_publishing_frequency",
            d.finding_publishing_frequency().map(|f| f.as_str()),
        )
        .opt("created", d.created_at())
        .set("features_enabled", features);
    let tags = tags_of(d.tags());
    let ident = Ident {
        arn: &detector_arn,
        region,
        id,
        name: None,
    };
    common::resource(ident, tags, Source::Guardduty, attrs, relations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_guardduty::types::{
        DetectorFeatureConfigurationResult, DetectorFeatureResult, DetectorStatus, FindingPublishingFrequency,
    };

    #[test]
    fn a_detector_has_its_status_frequency_features_and_tags() {
        let out = GetDetectorOutput::builder()
            .status(DetectorStatus::Enabled)
            .service_role("arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/x")
            .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
            .created_at("2024-01-01T00:00:00.000Z")
            .features(
                DetectorFeatureConfigurationResult::builder()
                    .name(DetectorFeatureResult::S3DataEvents)
                    .status(FeatureStatus::Enabled)
                    .build(),
            )
            .features(
                DetectorFeatureConfigurationResult::builder()
                    .name(DetectorFeatureResult::EksAuditLogs)
                    .status(FeatureStatus::Disabled)
                    .build(),
            )
            .tags("env", "prod")
            .build();
        let res = detector("abc123", &out, "eu-west-1", "111122223333");
        assert_eq!(res.arn, "arn:aws:guardduty:eu-west-1:111122223333:detector/abc123");
        assert_eq!(res.resource_type, "guardduty:detector");
        assert_eq!(res.id, "abc123");
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.attributes["status"], "ENABLED");
        assert_eq!(res.attributes["finding_publishing_frequency"], "SIX_HOURS");
        assert_eq!(
            res.attributes["features_enabled"],
            serde_json::json!(["S3_DATA_EVENTS"])
        );
        assert_eq!(res.related("uses-role").count(), 1);
        assert_eq!(res.sources, vec![Source::Guardduty]);
    }
}

/// moto answers `ListDetectors` in one page; the second page, the "not enabled" answer and a
/// denied call are read from a fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn detector_body() -> String {
        r#"{"status":"ENABLED","serviceRole":"r","createdAt":"2024-01-01T00:00:00.000Z"}"#.to_owned()
    }

    #[test]
    fn detectors_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_guardduty, |call: &Call| {
            let op = call.operation.as_str();
            if op.contains("/detector/") {
                return (200, detector_body());
            }
            if op.contains("nextToken=page2") {
                (200, r#"{"detectorIds":["d2"]}"#.to_owned())
            } else {
                (200, r#"{"detectorIds":["d1"],"nextToken":"page2"}"#.to_owned())
            }
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["d1", "d2"]);
        assert_eq!(result.requests, 2 + 2);
    }

    #[test]
    fn no_detector_is_not_enabled_and_a_denied_listing_is_denied() {
        let client = fake_client!(aws_sdk_guardduty, |_: &Call| (200, r#"{"detectorIds":[]}"#.to_owned()));
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        let answer = result.error.expect("the not-enabled answer is recorded");
        assert!(answer.is_not_enabled(), "{answer:?}");
        assert_eq!(result.requests, 1);

        let client = fake_client!(aws_sdk_guardduty, |_: &Call| {
            (403, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned())
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied(), "{error:?}");
    }
}
