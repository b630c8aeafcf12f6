//! Who the account is: its id (STS), its alias (IAM) and whether it belongs to an
//! organization (Organizations). The runbook's first steps depend on the last one.

use super::config::service_client;
use super::{ApiError, Aws};
use crate::model::{Coverage, CoverageStatus, OrgStatus, Organization};

service_client!(aws_sdk_sts, "sts");
service_client!(aws_sdk_iam, "iam");
service_client!(aws_sdk_organizations, "organizations");

pub async fn account_id(aws: &Aws) -> Result<String, ApiError> {
    let out = aws
        .client::<aws_sdk_sts::Client>(aws.home_region())
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetCallerIdentity", aws.home_region(), e))?;
    Ok(out.account().unwrap_or_default().to_owned())
}

/// The first account alias, if any.
pub async fn alias(aws: &Aws) -> Result<Option<String>, ApiError> {
    let out = aws
        .client::<aws_sdk_iam::Client>(aws.home_region())
        .list_account_aliases()
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("ListAccountAliases", "global", e))?;
    Ok(out.account_aliases().first().cloned())
}

/// Organization status; `AWSOrganizationsNotInUseException` means standalone. A denied or
/// failed call gives status `unknown` with the error code as detail.
pub async fn organization(aws: &Aws, account_id: &str) -> (Organization, Result<(), ApiError>) {
    let client = aws.client::<aws_sdk_organizations::Client>(aws.home_region());
    match client.describe_organization().send().await {
        Ok(out) => {
            let org = out.organization();
            let management = org.and_then(|o| o.master_account_id()).map(str::to_owned);
            let status = if management.as_deref() == Some(account_id) {
                OrgStatus::Management
            } else {
                OrgStatus::Member
            };
            let organization = Organization {
                status,
                id: org.and_then(|o| o.id()).map(str::to_owned),
                management_account_id: management,
                detail: None,
            };
            (organization, Ok(()))
        }
        Err(err) => {
            let err = ApiError::from_sdk("DescribeOrganization", "global", err);
            if err.code == "AWSOrganizationsNotInUseException" {
                return (Organization::standalone(), Ok(()));
            }
            let organization = Organization {
                status: OrgStatus::Unknown,
                id: None,
                management_account_id: None,
                detail: Some(err.code.clone()),
            };
            (organization, Err(err))
        }
    }
}

/// A coverage row for a global call.
pub fn global_row(service: &str, requests: u64, result: &Result<(), ApiError>) -> Coverage {
    let (status, detail) = match result {
        Ok(()) => (CoverageStatus::Ok, None),
        Err(err) => (err.coverage_status(), Some(err.coverage_detail())),
    };
    Coverage {
        service: service.to_owned(),
        region: "global".to_owned(),
        status,
        detail,
        requests,
    }
}
