//! The CloudWatch Logs collector (per region): every log group from `DescribeLogGroups` (every
//! page) with retention, stored bytes, class and key, and per group its subscription filters
//! from `DescribeSubscriptionFilters` (every page) as relations to their destinations. No log
//! event is read. Tags come from the Tagging API, which returns log groups.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{LogGroup, SubscriptionFilter};
use futures::future::BoxFuture;

use super::iam::first_error;
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_cloudwatchlogs, "logs");

pub struct Logs;

const ACTIONS: &[Action] = &[
    action("CloudWatch Logs", "DescribeLogGroups", "logs:DescribeLogGroups"),
    action(
        "CloudWatch Logs",
        "DescribeSubscriptionFilters",
        "logs:DescribeSubscriptionFilters",
    ),
];

impl Collector<AwsScanSource> for Logs {
    fn name(&self) -> &'static str {
        "logs"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// CloudWatch Logs is billed under CloudWatch.
    fn billed_as(&self) -> &'static [&'static str] {
        &["AmazonCloudWatch"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every log group of one region with its subscription filters.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut groups: Vec<LogGroup> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(
        client.describe_log_groups().limit(50),
        "DescribeLogGroups",
        region,
        |page| {
            groups.extend(page.log_groups().iter().cloned());
        }
    );
    errors.extend(error);
    let mut out = Vec::new();
    for g in &groups {
        let Some(name) = g.log_group_name() else { continue };
        let mut filters: Vec<SubscriptionFilter> = Vec::new();
        let (n, error) = paginate!(
            client.describe_subscription_filters().log_group_name(name),
            "DescribeSubscriptionFilters",
            region,
            |page| {
                filters.extend(page.subscription_filters().iter().cloned());
            }
        );
        requests += n;
        let gone = error.as_ref().is_some_and(|e| e.code == "ResourceNotFoundException");
        if gone {
            continue; // deleted since it was listed
        }
        let read = error.is_none();
        errors.extend(error);
        out.extend(log_group(region, account, g, read.then_some(filters.as_slice())));
    }
    UnitResult {
        service: "logs",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The group's ARN as the Tagging API and IAM spell it: without the `:*` that
/// `DescribeLogGroups`'s `arn` field ends with.
pub fn log_group_arn(region: &str, account: &str, g: &LogGroup) -> Option<String> {
    if let Some(a) = g.log_group_arn() {
        return Some(a.to_owned());
    }
    if let Some(a) = g.arn() {
        return Some(a.strip_suffix(":*").unwrap_or(a).to_owned());
    }
    let name = g.log_group_name()?;
    Some(format!(
        "arn:{}:logs:{region}:{account}:log-group:{name}",
        arn::partition_of(region)
    ))
}

/// A log group, with its subscription filters (`None`: they could not be read).
pub fn log_group(
    region: &str,
    account: &str,
    g: &LogGroup,
    filters: Option<&[SubscriptionFilter]>,
) -> Option<Resource> {
    let name = g.log_group_name()?;
    let group_arn = log_group_arn(region, account, g)?;
    let mut relations: Vec<Relation> = Vec::new();
    relations.extend(g.kms_key_id().map(|k| Relation::new("uses-key", k)));
    let mut destinations: Vec<String> = Vec::new();
    for f in filters.unwrap_or_default() {
        if let Some(d) = f.destination_arn() {
            relations.push(Relation::new("logs-to", d));
            destinations.push(d.to_owned());
        }
        relations.extend(f.role_arn().map(|r| Relation::new("uses-role", r)));
    }
    destinations.sort();
    destinations.dedup();
    relations.sort();
    relations.dedup();
    let created = g.creation_time().and_then(|ms| {
        aws_smithy_types::DateTime::from_millis(ms)
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .ok()
    });
    let attrs = Attrs::default()
        // Absent: never expire.
        .opt("retention_days", g.retention_in_days())
        .opt("stored_bytes", g.stored_bytes())
        .opt("class", g.log_group_class().map(|c| c.as_str()))
        .opt("kms_key_id", g.kms_key_id())
        .opt("created", created)
        .opt("subscription_filters", filters.map(<[SubscriptionFilter]>::len))
        .opt("subscription_destinations", filters.map(|_| destinations));
    Some(Resource {
        arn: group_arn,
        service: "logs".to_owned(),
        resource_type: "logs:log-group".to_owned(),
        region: Some(region.to_owned()),
        id: name.to_owned(),
        name: Some(name.to_owned()),
        tags: Default::default(),
        sources: vec![Source::Logs],
        relations,
        attributes: attrs.into_map(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";

    #[test]
    fn log_group_with_key_retention_and_a_subscription_to_a_function() {
        let g = LogGroup::builder()
            .log_group_name("/aws/lambda/prod-api")
            .arn("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/prod-api:*")
            .retention_in_days(30)
            .stored_bytes(1_048_576)
            .kms_key_id("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .creation_time(1_700_000_000_000)
            .build();
        let f = SubscriptionFilter::builder()
            .filter_name("to-shipper")
            .destination_arn("arn:aws:lambda:eu-west-1:111122223333:function:log-shipper")
            .build();
        let res = log_group("eu-west-1", ACCOUNT, &g, Some(&[f])).unwrap();
        assert_eq!(
            res.arn, "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/prod-api",
            "no trailing :*"
        );
        assert_eq!(res.resource_type, "logs:log-group");
        assert_eq!(res.sources, vec![Source::Logs]);
        assert_eq!(
            res.relations,
            vec![
                Relation::new("logs-to", "arn:aws:lambda:eu-west-1:111122223333:function:log-shipper"),
                Relation::new(
                    "uses-key",
                    "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ),
            ]
        );
        let a = &res.attributes;
        assert_eq!(a["retention_days"], 30);
        assert_eq!(a["stored_bytes"], 1_048_576);
        assert_eq!(a["created"], "2023-11-14T22:13:20Z");
        assert_eq!(a["subscription_filters"], 1);
    }

    #[test]
    fn never_expiring_group_and_unread_filters_leave_attributes_out() {
        let g = LogGroup::builder().log_group_name("app").build();
        let res = log_group("eu-west-1", ACCOUNT, &g, None).unwrap();
        assert_eq!(res.arn, "arn:aws:logs:eu-west-1:111122223333:log-group:app");
        assert!(!res.attributes.contains_key("retention_days"));
        assert!(!res.attributes.contains_key("subscription_filters"));
    }

    mod fake {
        use super::super::*;
        use crate::aws::collectors::fake_pages::{FakeHttp, block_on, fake_client};

        #[test]
        fn log_groups_and_subscription_filters_are_read_on_every_page() {
            let http = FakeHttp::new(|seen| {
                let (n, token) = if seen.body.contains("page2") {
                    (2, "")
                } else {
                    (1, r#","nextToken":"page2""#)
                };
                let body = if seen.target.ends_with("DescribeLogGroups") {
                    format!(r#"{{"logGroups":[{{"logGroupName":"g{n}"}}]{token}}}"#)
                } else {
                    format!(
                        r#"{{"subscriptionFilters":[{{"filterName":"f{n}","destinationArn":"arn:aws:lambda:us-east-1:111122223333:function:f{n}"}}]{token}}}"#
                    )
                };
                (200, body)
            });
            let client = fake_client!(aws_sdk_cloudwatchlogs, "us-east-1", http);
            let result = block_on(collect(&client, "us-east-1", "111122223333"));
            assert!(result.error.is_none(), "{:?}", result.error);
            assert_eq!(result.requests, 6, "two pages of groups, two of filters for each group");
            assert_eq!(result.resources.len(), 2);
            for r in &result.resources {
                assert_eq!(r.attributes["subscription_filters"], 2, "{r:?}");
            }
        }
    }
}
