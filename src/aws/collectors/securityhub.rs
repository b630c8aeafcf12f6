//! The Security Hub collector (per region): whether the hub is enabled, from `DescribeHub` (its
//! ARN, when it was enabled, whether new controls are turned on automatically, and how control
//! findings are generated), and whether the account is already a member of another account's
//! Security Hub administrator, from `GetAdministratorAccount` (only the administrator's account
//! id is kept). A governance fact the runbook's security baseline rebuilds; the default rules
//! place the hub in `security`, as GuardDuty detectors. Findings, standards and controls are not
//! read.
//!
//! A region where Security Hub is not enabled is an answer, not a failure: `DescribeHub` then
//! answers `InvalidAccessException` (HTTP 401), which the API reference describes as "Either
//! Security Hub is not enabled for the account, or the account does not have permission to
//! perform this action" (<https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DescribeHub.html>).
//! Its coverage row is `ok` with the detail `not enabled`. A caller that IAM does not allow to
//! call `securityhub:DescribeHub` gets `AccessDeniedException` instead, which stays a denied call.
//! The hub carries no tags in `DescribeHub`: they come from the Tagging API.

use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
use futures::future::BoxFuture;

use super::common::{self, Ident};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::Attrs;
use crate::aws::scanner::AwsScanSource;
use crate::model::{Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_securityhub, "securityhub");

pub struct SecurityHub;

/// The IAM actions are named as the operations (Service Authorization Reference, "Actions defined
/// by AWS Security Hub": <https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecurityhub.html>;
/// the `GetMasterAccount` reference asks policies to allow `GetAdministratorAccount`:
/// <https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetMasterAccount.html>).
const ACTIONS: &[Action] = &[
    action("SecurityHub", "DescribeHub", "securityhub:DescribeHub"),
    action(
        "SecurityHub",
        "GetAdministratorAccount",
        "securityhub:GetAdministratorAccount",
    ),
];

impl Collector<AwsScanSource> for SecurityHub {
    fn name(&self) -> &'static str {
        "securityhub"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS Security Hub"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Whether the account is a member of another account's Security Hub administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Administrator {
    /// `GetAdministratorAccount` failed: unknown.
    Unknown,
    /// Not a member of any administrator.
    None,
    /// A member of this administrator account.
    Account(String),
}

/// Reads the hub of one region and, when it is enabled, its administrator.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut result = UnitResult {
        service: "securityhub",
        region: region.to_owned(),
        requests: 1,
        ..Default::default()
    };
    let found = match client.describe_hub().send().await {
        Ok(found) => found,
        Err(err) => {
            // Matched by the error's kind, never its message (see the module doc).
            let off = err.as_service_error().is_some_and(|e| e.is_invalid_access_exception());
            result.error = Some(if off {
                ApiError::not_enabled("DescribeHub", region)
            } else {
                ApiError::from_sdk("DescribeHub", region, err)
            });
            return result;
        }
    };
    result.requests += 1;
    let administrator = match client.get_administrator_account().send().await {
        Ok(answer) => match answer.administrator().and_then(|a| a.account_id()) {
            Some(id) if !id.is_empty() => Administrator::Account(id.to_owned()),
            _ => Administrator::None,
        },
        Err(err) => {
            result.error = Some(ApiError::from_sdk("GetAdministratorAccount", region, err));
            Administrator::Unknown
        }
    };
    result.resources.push(hub(&found, &administrator, region, account));
    result
}

/// The hub of one region, from its `DescribeHub` answer and its administrator. Its ARN is the one
/// the API gives, else `arn:aws:securityhub:REGION:ACCOUNT:hub/default`.
pub fn hub(d: &DescribeHubOutput, administrator: &Administrator, region: &str, account: &str) -> Resource {
    let hub_arn = d
        .hub_arn()
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "arn:{}:securityhub:{region}:{account}:hub/default",
                arn::partition_of(region)
            )
        });
    let id = arn::parse(&hub_arn)
        .map(|p| p.id)
        .unwrap_or_else(|| "default".to_owned());
    let attrs = Attrs::default()
        .opt("subscribed_at", d.subscribed_at())
        .opt("auto_enable_controls", d.auto_enable_controls())
        .opt(
            "control_finding_generator",
            d.control_finding_generator().map(|g| g.as_str()),
        )
        .opt(
            "has_administrator",
            match administrator {
                Administrator::Unknown => None,
                Administrator::None => Some(false),
                Administrator::Account(_) => Some(true),
            },
        )
        .opt(
            "administrator_account",
            match administrator {
                Administrator::Account(id) => Some(id.as_str()),
                _ => None,
            },
        );
    let ident = Ident {
        arn: &hub_arn,
        region,
        id: &id,
        name: None,
    };
    common::resource(ident, SortedMap::new(), Source::Securityhub, attrs, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_securityhub::types::ControlFindingGenerator;

    #[test]
    fn a_hub_has_its_arn_date_settings_and_administrator() {
        let out = DescribeHubOutput::builder()
            .hub_arn("arn:aws:securityhub:eu-west-1:111122223333:hub/default")
            .subscribed_at("2024-01-01T00:00:00.000Z")
            .auto_enable_controls(false)
            .control_finding_generator(ControlFindingGenerator::SecurityControl)
            .build();
        let admin = Administrator::Account("444455556666".into());
        let res = hub(&out, &admin, "eu-west-1", "111122223333");
        assert_eq!(res.arn, "arn:aws:securityhub:eu-west-1:111122223333:hub/default");
        assert_eq!(res.resource_type, "securityhub:hub");
        assert_eq!(res.service, "securityhub");
        assert_eq!(res.id, "default");
        assert_eq!(res.region.as_deref(), Some("eu-west-1"));
        assert_eq!(res.attributes["subscribed_at"], "2024-01-01T00:00:00.000Z");
        assert_eq!(res.attributes["auto_enable_controls"], false);
        assert_eq!(res.attributes["control_finding_generator"], "SECURITY_CONTROL");
        assert_eq!(res.attributes["has_administrator"], true);
        assert_eq!(res.attributes["administrator_account"], "444455556666");
        assert_eq!(res.sources, vec![Source::Securityhub]);
        assert!(res.relations.is_empty());
    }

    #[test]
    fn without_an_arn_the_hub_gets_the_default_one_and_an_unknown_administrator_is_left_out() {
        let out = DescribeHubOutput::builder().build();
        let res = hub(&out, &Administrator::Unknown, "cn-north-1", "111122223333");
        assert_eq!(res.arn, "arn:aws-cn:securityhub:cn-north-1:111122223333:hub/default");
        assert_eq!(res.resource_type, "securityhub:hub");
        assert!(!res.attributes.contains_key("has_administrator"));
        assert!(!res.attributes.contains_key("administrator_account"));

        let res = hub(&out, &Administrator::None, "eu-west-1", "111122223333");
        assert_eq!(res.attributes["has_administrator"], false);
        assert!(!res.attributes.contains_key("administrator_account"));
    }
}

/// What moto cannot be made to answer: a denied call and a failed administrator call; and the
/// "not enabled" answer (checked against moto too, in `tests/integration/svc14b.rs`).
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;
    use crate::model::CoverageStatus;

    const HUB: &str = r#"{"HubArn":"arn:aws:securityhub:eu-west-1:111122223333:hub/default","SubscribedAt":"2024-01-01T00:00:00.000Z","AutoEnableControls":true}"#;

    fn error(status: u16, code: &str) -> (u16, String) {
        (status, format!(r#"{{"__type":"{code}","Message":"no"}}"#))
    }

    #[test]
    fn an_enabled_hub_is_read_with_its_administrator() {
        let client = fake_client!(aws_sdk_securityhub, |call: &Call| {
            match call.operation.as_str() {
                op if op.starts_with("GET") && op.contains("/accounts") => (200, HUB.to_owned()),
                op if op.starts_with("GET") && op.contains("/administrator") => (
                    200,
                    r#"{"Administrator":{"AccountId":"444455556666","MemberStatus":"Enabled"}}"#.to_owned(),
                ),
                other => panic!("unexpected {other}"),
            }
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.requests, 2);
        assert_eq!(result.resources.len(), 1);
        let hub = &result.resources[0];
        assert_eq!(hub.attributes["auto_enable_controls"], true);
        assert_eq!(hub.attributes["administrator_account"], "444455556666");
    }

    #[test]
    fn invalid_access_is_not_enabled_an_ok_row_and_no_other_call() {
        let client = fake_client!(aws_sdk_securityhub, |call: &Call| {
            assert!(call.operation.contains("/accounts"), "{}", call.operation);
            error(401, "InvalidAccessException")
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert_eq!(result.requests, 1);
        assert!(result.resources.is_empty());
        let answer = result.error.expect("the not-enabled answer is recorded");
        assert!(answer.is_not_enabled(), "{answer:?}");
        assert!(!answer.is_denied());
        assert_eq!(answer.coverage_status(), CoverageStatus::Ok);
        assert_eq!(answer.coverage_detail(), "not enabled");
    }

    #[test]
    fn access_denied_is_a_denied_call_not_an_answer() {
        let client = fake_client!(aws_sdk_securityhub, |_: &Call| error(403, "AccessDeniedException"));
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied(), "{error:?}");
        assert!(!error.is_not_enabled());
        assert_eq!(error.coverage_status(), CoverageStatus::Denied);
        assert_eq!(error.coverage_detail(), "DescribeHub: AccessDeniedException");
    }

    #[test]
    fn a_denied_administrator_call_keeps_the_hub_and_is_the_units_error() {
        let client = fake_client!(aws_sdk_securityhub, |call: &Call| {
            if call.operation.contains("/administrator") {
                error(403, "AccessDeniedException")
            } else {
                (200, HUB.to_owned())
            }
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert_eq!(result.requests, 2);
        assert_eq!(result.resources.len(), 1);
        assert!(!result.resources[0].attributes.contains_key("has_administrator"));
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied());
        assert_eq!(error.operation, "GetAdministratorAccount");
    }
}
