//! The cost-export summary (`summary.json`, schema version 1): the figures the runbook shows,
//! taken from the Cost Explorer CSVs the `costs` stage wrote.

use serde::{Deserialize, Serialize};

pub const COST_SUMMARY_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostSummary {
    pub schema_version: u32,
    pub account_id: String,
    /// First day of the window, `YYYY-MM-DD`.
    pub window_start: String,
    /// Day after the window (exclusive), `YYYY-MM-DD`.
    pub window_end: String,
    pub generated_at: String,
    /// `USD` unless Cost Explorer says otherwise.
    pub currency: String,
    /// Cost Explorer requests actually sent by the runs that built this export.
    pub requests_sent: u64,
    /// True when every planned query completed.
    pub complete: bool,
    /// UnblendedCost per month, oldest first.
    pub monthly_totals: Vec<MonthAmount>,
    /// UnblendedCost over the window per service, largest first, at most 10.
    pub top_services: Vec<NamedAmount>,
    /// UnblendedCost per month for each (cost allocation tag key, value); sorted.
    pub tag_monthly: Vec<TagMonthAmount>,
    /// Periods whose grouped UnblendedCost does not add up to the total within USD 0.01.
    pub mismatches: Vec<Mismatch>,
    /// Queries that failed or are not supported, with the error code.
    pub failed: Vec<FailedQuery>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthAmount {
    /// `YYYY-MM`.
    pub month: String,
    pub amount: f64,
    /// Cost Explorer marks the current month as an estimate.
    pub estimated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedAmount {
    pub name: String,
    pub amount: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagMonthAmount {
    pub key: String,
    /// Empty when the resources carried no value for the key.
    pub value: String,
    pub month: String,
    pub amount: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mismatch {
    pub query: String,
    pub period_start: String,
    pub grouped: f64,
    pub total: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedQuery {
    pub query: String,
    pub code: String,
    pub detail: String,
}
