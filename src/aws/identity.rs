//! Who the account is: its id (STS), its alias (IAM) and whether it belongs to an
//! organization (Organizations). The runbook's first steps depend on the last one.

use aws_sdk_account::types::AlternateContactType;

use super::config::service_client;
use super::{ApiError, Aws};
use crate::model::{AlternateContacts, Coverage, CoverageStatus, OrgStatus, Organization};

service_client!(aws_sdk_sts, "sts");
service_client!(aws_sdk_iam, "iam");
service_client!(aws_sdk_organizations, "organizations");
service_client!(aws_sdk_account, "account");

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

/// The alternate contact types `GetAlternateContact` is asked for, in the order of
/// [`AlternateContacts`]' fields.
pub const ALTERNATE_CONTACT_TYPES: [AlternateContactType; 3] = [
    AlternateContactType::Billing,
    AlternateContactType::Operations,
    AlternateContactType::Security,
];

/// Which alternate contacts are set, from the home region's client.
pub async fn alternate_contacts(aws: &Aws) -> (Option<AlternateContacts>, Result<(), ApiError>) {
    read_alternate_contacts(&aws.client::<aws_sdk_account::Client>(aws.home_region())).await
}

/// Which alternate contacts are set: `ResourceNotFoundException` means "not set". Only that is
/// kept: the contact's name, title, email address and phone number are dropped as the answer is
/// read. A denied or failed call stops the check: the result is then `None` and the error.
pub async fn read_alternate_contacts(
    client: &aws_sdk_account::Client,
) -> (Option<AlternateContacts>, Result<(), ApiError>) {
    let mut set = [false; 3];
    for (i, kind) in ALTERNATE_CONTACT_TYPES.iter().enumerate() {
        match client
            .get_alternate_contact()
            .alternate_contact_type(kind.clone())
            .send()
            .await
        {
            Ok(found) => set[i] = found.alternate_contact().is_some(),
            Err(err) => {
                let err = ApiError::from_sdk("GetAlternateContact", "global", err);
                if err.code != "ResourceNotFoundException" {
                    return (None, Err(err));
                }
            }
        }
    }
    let [billing, operations, security] = set;
    let contacts = AlternateContacts {
        billing,
        operations,
        security,
    };
    (Some(contacts), Ok(()))
}

#[cfg(test)]
mod alternate_contacts_tests {
    use super::*;
    use crate::aws::collectors::common::fake::{self, Call, fake_client};

    const EMAIL: &str = "billing-person@example.com";

    /// BILLING is set; the other two are not; SECURITY is denied when `deny_security`.
    fn answer(deny_security: bool) -> impl Fn(&Call) -> (u16, String) + Send + Sync + 'static {
        move |call: &Call| {
            if call.body.contains("BILLING") {
                let body = format!(
                    r#"{{"AlternateContact":{{"AlternateContactType":"BILLING","Name":"Pat Doe","Title":"CFO","EmailAddress":"{EMAIL}","PhoneNumber":"+1 555 0100"}}}}"#
                );
                (200, body)
            } else if deny_security && call.body.contains("SECURITY") {
                (403, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned())
            } else {
                (
                    404,
                    r#"{"__type":"ResourceNotFoundException","message":"none"}"#.to_owned(),
                )
            }
        }
    }

    #[test]
    fn only_whether_each_contact_is_set_is_kept() {
        let client = fake_client!(aws_sdk_account, answer(false));
        let (contacts, result) = fake::block_on(read_alternate_contacts(&client));
        assert!(result.is_ok(), "a contact not set is an answer: {result:?}");
        let contacts = contacts.expect("checked");
        assert_eq!(
            contacts,
            AlternateContacts {
                billing: true,
                operations: false,
                security: false
            }
        );
        let json = serde_json::to_string(&contacts).unwrap();
        assert_eq!(json, r#"{"billing":true,"operations":false,"security":false}"#);
        assert!(!json.contains(EMAIL) && !json.contains("Pat Doe") && !json.contains("555"));
    }

    #[test]
    fn a_denied_call_is_an_error_and_nothing_is_claimed() {
        let client = fake_client!(aws_sdk_account, answer(true));
        let (contacts, result) = fake::block_on(read_alternate_contacts(&client));
        assert_eq!(contacts, None);
        let err = result.expect_err("denied");
        assert!(err.is_denied(), "{err:?}");
        assert_eq!(err.operation, "GetAlternateContact");
    }
}
