//! The seam between the exporter and Cost Explorer: a trait whose methods take and return our own
//! types, so the runner, the resume logic and the writers are tested against a fake, and only
//! `aws::costexplorer` knows the SDK.

use std::collections::BTreeMap;
use std::future::Future;

use crate::error::ApiError;

/// Cost Explorer answers only in us-east-1.
pub const COST_EXPLORER_REGION: &str = "us-east-1";

/// A closed-open date range, `YYYY-MM-DD` strings as Cost Explorer uses them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub start: String,
    pub end: String,
}

/// Cost Explorer granularities the exporter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Granularity {
    Monthly,
    Daily,
}

impl Granularity {
    /// The name Cost Explorer uses, also written in the CSVs.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Monthly => "MONTHLY",
            Granularity::Daily => "DAILY",
        }
    }
}

/// One GroupBy entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    /// A Cost Explorer dimension such as `SERVICE`.
    Dimension(String),
    /// A cost allocation tag key.
    Tag(String),
}

impl GroupKey {
    /// The label written in the CSV `groupN_key` columns: `SERVICE`, or `TAG:Environment`.
    pub fn label(&self) -> String {
        match self {
            GroupKey::Dimension(d) => d.clone(),
            GroupKey::Tag(k) => format!("TAG:{k}"),
        }
    }

    /// Turns a raw group key from a Cost Explorer answer into the value written to the CSV.
    /// Tag groups come back as `Key$value` (`Key$` when untagged); the prefix is dropped.
    pub fn value_of(&self, raw: &str) -> String {
        match self {
            GroupKey::Dimension(_) => raw.to_owned(),
            GroupKey::Tag(key) => match raw.strip_prefix(key.as_str()).and_then(|r| r.strip_prefix('$')) {
                Some(value) => value.to_owned(),
                None => raw.split_once('$').map(|(_, v)| v).unwrap_or(raw).to_owned(),
            },
        }
    }
}

/// One GetCostAndUsage request (one page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostRequest {
    pub period: Period,
    pub granularity: Granularity,
    pub metrics: Vec<String>,
    pub group_by: Vec<GroupKey>,
    pub page_token: Option<String>,
}

/// An amount as Cost Explorer returns it: a decimal string and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub amount: String,
    pub unit: String,
}

/// One group inside a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResult {
    /// Raw keys, one per GroupBy entry.
    pub keys: Vec<String>,
    pub metrics: BTreeMap<String, Amount>,
}

/// One period of a GetCostAndUsage answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodResult {
    pub period: Period,
    pub estimated: bool,
    /// Filled for ungrouped requests; empty when grouped.
    pub total: BTreeMap<String, Amount>,
    pub groups: Vec<GroupResult>,
}

/// One page of a GetCostAndUsage answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CostPage {
    pub periods: Vec<PeriodResult>,
    pub next_page_token: Option<String>,
}

/// Reserved Instance or Savings Plans utilization request (one page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationRequest {
    pub period: Period,
    pub granularity: Granularity,
    pub page_token: Option<String>,
}

/// Utilization figures for one period, by metric name (`UtilizationPercentage`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationPeriod {
    pub period: Period,
    pub metrics: BTreeMap<String, Amount>,
}

/// One page of a utilization answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UtilizationPage {
    pub periods: Vec<UtilizationPeriod>,
    pub next_page_token: Option<String>,
}

/// One cost allocation tag as ListCostAllocationTags reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CostAllocationTag {
    pub key: String,
    /// `UserDefined` or `AWSGenerated`.
    pub tag_type: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub last_updated: String,
    pub last_used: String,
}

/// One page of ListCostAllocationTags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagPage {
    pub tags: Vec<CostAllocationTag>,
    pub next_token: Option<String>,
}

/// Where the account stands towards AWS Organizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgStatus {
    /// Not in any organization: the standalone history is fully visible.
    Standalone,
    /// The management account of an organization.
    Management { organization_id: String },
    /// A member account: its standalone history may already be out of reach.
    Member {
        organization_id: String,
        management_account: String,
    },
    /// The status could not be read (denied or failed); the export goes on.
    Unknown { reason: String },
}

/// Everything the exporter asks of AWS. The real implementation is
/// `aws::costexplorer::SdkCostExplorer`; tests and the sample generator use fakes.
pub trait CostExplorerApi: Sync {
    /// The account the credentials belong to (STS GetCallerIdentity).
    fn account_id(&self) -> impl Future<Output = Result<String, ApiError>> + Send;
    /// Organizations DescribeOrganization, reduced to [`OrgStatus`]; never fails.
    fn organization_status(&self, account_id: &str) -> impl Future<Output = OrgStatus> + Send;
    /// One page of ListCostAllocationTags (all statuses).
    fn list_cost_allocation_tags(
        &self,
        next_token: Option<String>,
    ) -> impl Future<Output = Result<TagPage, ApiError>> + Send;
    /// One page of GetCostAndUsage.
    fn get_cost_and_usage(&self, request: &CostRequest) -> impl Future<Output = Result<CostPage, ApiError>> + Send;
    /// One page of GetReservationUtilization (the per-period totals).
    fn get_reservation_utilization(
        &self,
        request: &UtilizationRequest,
    ) -> impl Future<Output = Result<UtilizationPage, ApiError>> + Send;
    /// One page of GetSavingsPlansUtilization.
    fn get_savings_plans_utilization(
        &self,
        request: &UtilizationRequest,
    ) -> impl Future<Output = Result<UtilizationPage, ApiError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_group_values_drop_the_key_prefix_and_keep_empty_values() {
        let key = GroupKey::Tag("Environment".into());
        assert_eq!(key.value_of("Environment$prod"), "prod");
        assert_eq!(key.value_of("Environment$"), "");
        assert_eq!(key.value_of("Environment$a$b"), "a$b");
        assert_eq!(key.label(), "TAG:Environment");
        let dim = GroupKey::Dimension("SERVICE".into());
        assert_eq!(dim.value_of("AWS Lambda"), "AWS Lambda");
        assert_eq!(dim.label(), "SERVICE");
    }
}
