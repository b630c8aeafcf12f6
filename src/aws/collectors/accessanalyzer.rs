//! The IAM Access Analyzer collector (per region): the region's analyzers (`ListAnalyzers`,
//! paginated with `nextToken`) with their type (`ACCOUNT`, `ORGANIZATION`, the `*_UNUSED_ACCESS`
//! and `*_INTERNAL_ACCESS` kinds), status, creation date and tags, which the answer carries
//! (<https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListAnalyzers.html>).
//! A governance fact the runbook's security baseline rebuilds; the default rules place analyzers
//! in `security`. A region without an analyzer is an answer, not a failure: its coverage row is
//! `ok` with the detail `not enabled`. Findings and archive rules are not read.
//!
//! moto serves no Access Analyzer at all (it answers HTTP 500), so against an emulator
//! (`--endpoint-url`) the collector sends nothing and records its rows as `skipped`, with the
//! detail `ListAnalyzers: not served by the emulator`; the calls are tested with the in-process
//! fake below.

use aws_sdk_accessanalyzer::Client;
use aws_sdk_accessanalyzer::types::AnalyzerSummary;
use futures::future::BoxFuture;

use super::common::{self, Ident, date, first_error, tags_of};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action};

service_client!(aws_sdk_accessanalyzer, "access-analyzer");

pub struct AccessAnalyzer;

/// `access-analyzer:ListAnalyzers` (Service Authorization Reference, "Actions defined by AWS IAM
/// Access Analyzer": <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamaccessanalyzer.html>).
const ACTIONS: &[Action] = &[action(
    "AccessAnalyzer",
    "ListAnalyzers",
    "access-analyzer:ListAnalyzers",
)];

impl Collector<AwsScanSource> for AccessAnalyzer {
    /// The ARN service of analyzers (`arn:aws:access-analyzer:...:analyzer/NAME`), so the
    /// coverage rows and the resources' `service` agree.
    fn name(&self) -> &'static str {
        "access-analyzer"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// No Cost Explorer name is known for Access Analyzer (the account-level analyzers of
    /// external access are free; `src/blindspots/names.rs` has no name for it).
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            if source.aws().emulator() {
                return not_served(task.region);
            }
            collect(&source.aws().client(task.region), task.region).await
        })
    }
}

/// The unit's result against an emulator, which serves no Access Analyzer: nothing sent, the
/// row `skipped` with its reason.
pub fn not_served(region: &str) -> UnitResult {
    UnitResult {
        service: "access-analyzer",
        region: region.to_owned(),
        error: Some(ApiError::not_served("ListAnalyzers", region)),
        ..Default::default()
    }
}

/// Reads every analyzer of one region.
pub async fn collect(client: &Client, region: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    let (requests, error) = paginate!(client.list_analyzers(), "ListAnalyzers", region, |page| {
        out.extend(page.analyzers().iter().filter_map(|a| analyzer(a, region)));
    });
    let listed = error.is_none();
    errors.extend(error);
    if listed && out.is_empty() {
        errors.push(ApiError::not_enabled("ListAnalyzers", region));
    }
    UnitResult {
        service: "access-analyzer",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// An analyzer, from its summary; `None` without an ARN.
pub fn analyzer(a: &AnalyzerSummary, region: &str) -> Option<Resource> {
    let analyzer_arn = a.arn();
    if analyzer_arn.is_empty() {
        return None;
    }
    let unused_access_age = a
        .configuration()
        .and_then(|c| c.as_unused_access().ok())
        .and_then(|u| u.unused_access_age());
    let attrs = Attrs::default()
        .set("type", a.r#type().as_str())
        .set("status", a.status().as_str())
        .opt("status_reason", a.status_reason().map(|r| r.code().as_str()))
        .opt("created", date(Some(a.created_at())))
        .opt("unused_access_age_days", unused_access_age);
    let tags = tags_of(a.tags());
    let ident = Ident {
        arn: analyzer_arn,
        region,
        id: a.name(),
        name: Some(a.name()),
    };
    Some(common::resource(ident, tags, Source::AccessAnalyzer, attrs, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_accessanalyzer::types::{
        AnalyzerConfiguration, AnalyzerStatus, ReasonCode, StatusReason, Type, UnusedAccessConfiguration,
    };
    use aws_smithy_types::DateTime;

    const ARN: &str = "arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/UnusedAccess-org";

    #[test]
    fn an_analyzer_has_its_type_status_date_and_tags() {
        let a = AnalyzerSummary::builder()
            .arn(ARN)
            .name("UnusedAccess-org")
            .r#type(Type::OrganizationUnusedAccess)
            .status(AnalyzerStatus::Failed)
            .status_reason(
                StatusReason::builder()
                    .code(ReasonCode::DelegatedAdministratorDeregistered)
                    .build()
                    .unwrap(),
            )
            .created_at(DateTime::from_secs(1_704_067_200))
            .configuration(AnalyzerConfiguration::UnusedAccess(
                UnusedAccessConfiguration::builder().unused_access_age(90).build(),
            ))
            .tags("env", "prod")
            .build()
            .unwrap();
        let res = analyzer(&a, "eu-west-1").unwrap();
        assert_eq!(res.arn, ARN);
        assert_eq!(res.resource_type, "access-analyzer:analyzer");
        assert_eq!(res.service, "access-analyzer");
        assert_eq!(res.id, "UnusedAccess-org");
        assert_eq!(res.name.as_deref(), Some("UnusedAccess-org"));
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.attributes["type"], "ORGANIZATION_UNUSED_ACCESS");
        assert_eq!(res.attributes["status"], "FAILED");
        assert_eq!(res.attributes["status_reason"], "DELEGATED_ADMINISTRATOR_DEREGISTERED");
        assert_eq!(res.attributes["created"], "2024-01-01T00:00:00Z");
        assert_eq!(res.attributes["unused_access_age_days"], 90);
        assert_eq!(res.sources, vec![Source::AccessAnalyzer]);
    }

    #[test]
    fn an_account_analyzer_has_no_unused_access_age_and_the_name_tag_wins() {
        let a = AnalyzerSummary::builder()
            .arn("arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/ConsoleAnalyzer")
            .name("ConsoleAnalyzer")
            .r#type(Type::Account)
            .status(AnalyzerStatus::Active)
            .created_at(DateTime::from_secs(0))
            .tags("Name", "account analyzer")
            .build()
            .unwrap();
        let res = analyzer(&a, "eu-west-1").unwrap();
        assert_eq!(res.attributes["type"], "ACCOUNT");
        assert_eq!(res.attributes["status"], "ACTIVE");
        assert!(!res.attributes.contains_key("unused_access_age_days"));
        assert!(!res.attributes.contains_key("status_reason"));
        assert_eq!(res.name.as_deref(), Some("account analyzer"));
    }

    #[test]
    fn against_an_emulator_the_rows_are_skipped_with_the_reason_and_nothing_is_sent() {
        let result = not_served("eu-west-1");
        assert_eq!(result.requests, 0);
        let rows = crate::scan::coverage_rows(&[result]);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].service, "access-analyzer");
        assert_eq!(rows[0].status, crate::model::CoverageStatus::Skipped);
        assert_eq!(
            rows[0].detail.as_deref(),
            Some("ListAnalyzers: not served by the emulator")
        );
    }
}

/// moto has no Access Analyzer: the second page, the "not enabled" answer and a denied listing
/// are read from the in-process fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;
    use crate::model::CoverageStatus;

    fn summary(name: &str, kind: &str) -> String {
        format!(
            r#"{{"arn":"arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/{name}","name":"{name}","type":"{kind}","status":"ACTIVE","createdAt":"2024-01-01T00:00:00Z","tags":{{"team":"security"}}}}"#
        )
    }

    #[test]
    fn analyzers_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_accessanalyzer, |call: &Call| {
            let op = call.operation.as_str();
            assert!(op.starts_with("GET") && op.contains("/analyzer"), "{op}");
            if op.contains("nextToken=page2") {
                (200, format!(r#"{{"analyzers":[{}]}}"#, summary("b", "ORGANIZATION")))
            } else {
                (
                    200,
                    format!(r#"{{"analyzers":[{}],"nextToken":"page2"}}"#, summary("a", "ACCOUNT")),
                )
            }
        });
        let result = fake::block_on(collect(&client, "eu-west-1"));
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.requests, 2);
        let found: Vec<(&str, Option<&str>)> = result
            .resources
            .iter()
            .map(|r| (r.id.as_str(), r.attributes["type"].as_str()))
            .collect();
        assert_eq!(found, vec![("a", Some("ACCOUNT")), ("b", Some("ORGANIZATION"))]);
        assert!(result.resources.iter().all(|r| r.tags["team"] == "security"));
    }

    #[test]
    fn no_analyzer_is_not_enabled_an_ok_row() {
        let client = fake_client!(aws_sdk_accessanalyzer, |_: &Call| (
            200,
            r#"{"analyzers":[]}"#.to_owned()
        ));
        let result = fake::block_on(collect(&client, "eu-west-1"));
        assert_eq!(result.requests, 1);
        assert!(result.resources.is_empty());
        let answer = result.error.expect("the not-enabled answer is recorded");
        assert!(answer.is_not_enabled(), "{answer:?}");
        assert_eq!(answer.coverage_status(), CoverageStatus::Ok);
    }

    #[test]
    fn a_denied_listing_is_denied_and_a_denied_second_page_keeps_the_first() {
        let client = fake_client!(aws_sdk_accessanalyzer, |_: &Call| {
            (403, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned())
        });
        let result = fake::block_on(collect(&client, "eu-west-1"));
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied(), "{error:?}");
        assert_eq!(error.coverage_status(), CoverageStatus::Denied);

        let client = fake_client!(aws_sdk_accessanalyzer, |call: &Call| {
            if call.operation.contains("nextToken=page2") {
                (403, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned())
            } else {
                (
                    200,
                    format!(r#"{{"analyzers":[{}],"nextToken":"page2"}}"#, summary("a", "ACCOUNT")),
                )
            }
        });
        let result = fake::block_on(collect(&client, "eu-west-1"));
        assert_eq!(result.requests, 2);
        assert_eq!(result.resources.len(), 1);
        let error = result.error.expect("the denied page is reported");
        assert!(error.is_denied() && !error.is_not_enabled(), "{error:?}");
    }
}
