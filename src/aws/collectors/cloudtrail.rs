//! The CloudTrail collector (per region): the trails whose home is the region
//! (`DescribeTrails` with `includeShadowTrails=false`, so a multi-region trail is read once, in
//! the region it was created in), whether each is logging (`GetTrailStatus`), its multi-region
//! and organization flags, and where it delivers: the S3 bucket, the CloudWatch Logs log group
//! and the KMS key, as relations. A governance fact the runbook's security baseline rebuilds; the
//! default rules place trails in `log-archive`. Organization trails seen from a member account
//! are shadow trails and are not listed (the management account owns them). Tags come from the
//! Tagging API, which AWS answers for trails (moto does not). Log contents are not read.

use aws_sdk_cloudtrail::Client;
use aws_sdk_cloudtrail::types::Trail;
use futures::future::BoxFuture;

use super::common::{self, Ident, first_error};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::Attrs;
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_cloudtrail, "cloudtrail");

pub struct CloudTrail;

const ACTIONS: &[Action] = &[
    action("CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"),
    action("CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"),
];

impl Collector<AwsScanSource> for CloudTrail {
    fn name(&self) -> &'static str {
        "cloudtrail"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS CloudTrail"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads the trails created in one region, with their logging status.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    // DescribeTrails is not paginated: one request answers every trail of the region.
    let mut requests = 1;
    let trails = match client.describe_trails().include_shadow_trails(false).send().await {
        Ok(found) => found.trail_list().to_vec(),
        Err(err) => {
            errors.push(ApiError::from_sdk("DescribeTrails", region, err));
            Vec::new()
        }
    };
    for t in &trails {
        let Some(trail_arn) = t.trail_arn() else { continue };
        requests += 1;
        let logging = match client.get_trail_status().name(trail_arn).send().await {
            Ok(status) => status.is_logging(),
            Err(err) => {
                errors.push(ApiError::from_sdk("GetTrailStatus", region, err));
                None
            }
        };
        out.extend(trail(t, logging, region, account));
    }
    UnitResult {
        service: "cloudtrail",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// A trail; `logging` is `None` when its status could not be read.
pub fn trail(t: &Trail, logging: Option<bool>, region: &str, account: &str) -> Option<Resource> {
    let trail_arn = t.trail_arn()?;
    let name = t
        .name()
        .unwrap_or_else(|| trail_arn.rsplit('/').next().unwrap_or(trail_arn));
    let home = t.home_region().unwrap_or(region);
    let mut relations: Vec<Relation> = Vec::new();
    relations.extend(
        t.s3_bucket_name()
            .filter(|b| !b.is_empty())
            .map(|b| Relation::new("logs-to", arn::s3_bucket(arn::partition_of(home), b))),
    );
    relations.extend(
        t.cloud_watch_logs_log_group_arn()
            .filter(|g| !g.is_empty())
            .map(|g| Relation::new("logs-to", g.strip_suffix(":*").unwrap_or(g))),
    );
    relations.extend(
        t.kms_key_id()
            .and_then(|k| arn::kms_key(home, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    relations.extend(
        t.cloud_watch_logs_role_arn()
            .filter(|r| !r.is_empty())
            .map(|r| Relation::new("uses-role", r)),
    );
    relations.extend(
        t.sns_topic_arn()
            .filter(|s| !s.is_empty())
            .map(|s| Relation::new("notifies", s)),
    );
    let attrs = Attrs::default()
        .opt("is_logging", logging)
        .set("multi_region", t.is_multi_region_trail().unwrap_or(false))
        .set("organization_trail", t.is_organization_trail().unwrap_or(false))
        .set("home_region", home)
        .opt("s3_bucket", t.s3_bucket_name())
        .opt("s3_key_prefix", t.s3_key_prefix())
        .opt("kms_key_id", t.kms_key_id())
        .opt("log_file_validation", t.log_file_validation_enabled())
        .opt("include_global_service_events", t.include_global_service_events());
    let ident = Ident {
        arn: trail_arn,
        region: home,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Cloudtrail,
        attrs,
        relations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";
    const ARN: &str = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-audit";

    fn full() -> Trail {
        Trail::builder()
            .name("org-audit")
            .trail_arn(ARN)
            .home_region("eu-west-1")
            .s3_bucket_name("audit-logs")
            .s3_key_prefix("ct")
            .is_multi_region_trail(true)
            .is_organization_trail(false)
            .log_file_validation_enabled(true)
            .include_global_service_events(true)
            .kms_key_id("arn:aws:kms:eu-west-1:111122223333:key/k1")
            .cloud_watch_logs_log_group_arn("arn:aws:logs:eu-west-1:111122223333:log-group:trail:*")
            .cloud_watch_logs_role_arn("arn:aws:iam::111122223333:role/ct-logs")
            .build()
    }

    #[test]
    fn a_trail_has_its_flags_bucket_key_and_log_group() {
        let res = trail(&full(), Some(true), "eu-west-1", ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "cloudtrail:trail");
        assert_eq!(res.id, "org-audit");
        assert_eq!(res.name.as_deref(), Some("org-audit"));
        assert_eq!(res.region.as_deref(), Some("eu-west-1"));
        assert_eq!(res.sources, vec![Source::Cloudtrail]);
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        assert_eq!(
            rels,
            vec![
                ("logs-to", "arn:aws:logs:eu-west-1:111122223333:log-group:trail"),
                ("logs-to", "arn:aws:s3:::audit-logs"),
                ("uses-key", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
                ("uses-role", "arn:aws:iam::111122223333:role/ct-logs"),
            ]
        );
        assert_eq!(res.attributes["is_logging"], true);
        assert_eq!(res.attributes["multi_region"], true);
        assert_eq!(res.attributes["organization_trail"], false);
        assert_eq!(res.attributes["home_region"], "eu-west-1");
        assert_eq!(res.attributes["s3_bucket"], "audit-logs");
        assert_eq!(res.attributes["log_file_validation"], true);
    }

    #[test]
    fn an_unread_status_is_absent_and_a_bare_key_id_becomes_an_arn() {
        let t = Trail::builder()
            .name("plain")
            .trail_arn("arn:aws:cloudtrail:us-east-1:111122223333:trail/plain")
            .s3_bucket_name("b")
            .kms_key_id("k2")
            .build();
        let res = trail(&t, None, "us-east-1", ACCOUNT).unwrap();
        assert!(!res.attributes.contains_key("is_logging"));
        assert_eq!(res.attributes["multi_region"], false);
        assert_eq!(res.attributes["organization_trail"], false);
        assert_eq!(res.attributes["home_region"], "us-east-1");
        assert!(
            res.relations
                .iter()
                .any(|r| r.kind == "uses-key" && r.arn == "arn:aws:kms:us-east-1:111122223333:key/k2")
        );
    }
}

/// What moto cannot be made to answer: a denied `GetTrailStatus` (the trail is kept, without
/// its status) and the request sent (shadow trails left out).
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call) -> (u16, String) {
        match call.operation.as_str() {
            "DescribeTrails" => {
                assert!(call.body.contains(r#""includeShadowTrails":false"#), "{}", call.body);
                (
                    200,
                    r#"{"trailList":[{"Name":"t1","TrailARN":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/t1","HomeRegion":"eu-west-1","S3BucketName":"logs","IsMultiRegionTrail":true,"IsOrganizationTrail":false}]}"#.to_owned(),
                )
            }
            "GetTrailStatus" => (400, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned()),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn a_denied_status_keeps_the_trail_and_is_the_units_error() {
        let client = fake_client!(aws_sdk_cloudtrail, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert_eq!(result.requests, 2);
        assert_eq!(result.resources.len(), 1);
        assert!(!result.resources[0].attributes.contains_key("is_logging"));
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied());
        assert_eq!(error.operation, "GetTrailStatus");
    }
}
