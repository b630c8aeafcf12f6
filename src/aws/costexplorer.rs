//! The real [`CostExplorerApi`]: Cost Explorer (always us-east-1), plus the two preflight reads
//! the exporter needs (the account id and the organization status, through `aws::identity`,
//! as the scanner reads them). The only file that imports
//! `aws_sdk_costexplorer`; SDK types become `costs::api` types here.

use std::collections::BTreeMap;

use aws_config::retry::RetryConfig;
use aws_sdk_costexplorer::types::{
    DateInterval, Granularity as SdkGranularity, GroupDefinition, GroupDefinitionType, MetricValue,
};

use super::{ApiError, Aws};
use crate::costs::api::COST_EXPLORER_REGION;
use crate::costs::api::{
    Amount, CostAllocationTag, CostExplorerApi, CostPage, CostRequest, Granularity, GroupKey, GroupResult, OrgStatus,
    Period, PeriodResult, TagPage, UtilizationPage, UtilizationPeriod, UtilizationRequest,
};
use crate::costs::{CostsError, ExportReport, ExportSettings, run_export};
use crate::progress::Progress;

/// Attempts per Cost Explorer call inside the SDK; the exporter's runner adds its own paced
/// back-off on throttling, so a failing call is reported quickly instead of retried for minutes.
const CE_MAX_ATTEMPTS: u32 = 3;

// Cost Explorer, always in us-east-1. The exporter's runner adds its own paced back-off on
// throttling, so a failing call is reported quickly instead of retried for minutes.
super::config::service_client!(aws_sdk_costexplorer, "costexplorer", |builder, _aws| builder
    .retry_config(RetryConfig::adaptive().with_max_attempts(CE_MAX_ATTEMPTS)));

/// Cost Explorer through the AWS SDK.
pub struct SdkCostExplorer {
    ce: aws_sdk_costexplorer::Client,
    /// For the identity calls, shared with the scanner.
    aws: Aws,
}

impl SdkCostExplorer {
    pub fn new(aws: &Aws) -> SdkCostExplorer {
        SdkCostExplorer {
            ce: aws.client(COST_EXPLORER_REGION),
            aws: aws.clone(),
        }
    }
}

/// Runs an export against AWS: preflight, plan, spend guard, queries, files.
pub async fn export(aws: &Aws, settings: &ExportSettings, progress: &Progress) -> Result<ExportReport, CostsError> {
    let api = SdkCostExplorer::new(aws);
    run_export(&api, settings, progress).await
}

fn interval(period: &Period) -> Result<DateInterval, ApiError> {
    DateInterval::builder()
        .start(&period.start)
        .end(&period.end)
        .build()
        .map_err(|e| ApiError {
            operation: "GetCostAndUsage",
            region: COST_EXPLORER_REGION.to_owned(),
            kind: super::ErrorKind::Failed,
            code: "ConstructionFailure".to_owned(),
            message: e.to_string(),
        })
}

fn period_of(interval: Option<&DateInterval>) -> Period {
    Period {
        start: interval.map(|i| i.start().to_owned()).unwrap_or_default(),
        end: interval.map(|i| i.end().to_owned()).unwrap_or_default(),
    }
}

fn granularity(g: Granularity) -> SdkGranularity {
    match g {
        Granularity::Monthly => SdkGranularity::Monthly,
        Granularity::Daily => SdkGranularity::Daily,
    }
}

fn amounts(map: Option<&std::collections::HashMap<String, MetricValue>>) -> BTreeMap<String, Amount> {
    map.into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                Amount {
                    amount: v.amount().unwrap_or_default().to_owned(),
                    unit: v.unit().unwrap_or_default().to_owned(),
                },
            )
        })
        .collect()
}

/// Adds `name -> value` when Cost Explorer sent the value.
fn put(metrics: &mut BTreeMap<String, Amount>, name: &str, value: Option<&str>, unit: &str) {
    if let Some(v) = value {
        metrics.insert(
            name.to_owned(),
            Amount {
                amount: v.to_owned(),
                unit: unit.to_owned(),
            },
        );
    }
}

impl CostExplorerApi for SdkCostExplorer {
    async fn account_id(&self) -> Result<String, ApiError> {
        super::identity::account_id(&self.aws).await
    }

    async fn organization_status(&self, account_id: &str) -> OrgStatus {
        let (organization, result) = super::identity::organization(&self.aws, account_id).await;
        match organization.status {
            crate::model::OrgStatus::Standalone => OrgStatus::Standalone,
            crate::model::OrgStatus::Management => OrgStatus::Management {
                organization_id: organization.id.unwrap_or_default(),
            },
            crate::model::OrgStatus::Member => OrgStatus::Member {
                organization_id: organization.id.unwrap_or_default(),
                management_account: organization.management_account_id.unwrap_or_default(),
            },
            crate::model::OrgStatus::Unknown => OrgStatus::Unknown {
                reason: result
                    .err()
                    .map(|e| e.to_string())
                    .or(organization.detail)
                    .unwrap_or_default(),
            },
        }
    }

    async fn list_cost_allocation_tags(&self, next_token: Option<String>) -> Result<TagPage, ApiError> {
        let out = self
            .ce
            .list_cost_allocation_tags()
            .set_next_token(next_token)
            .max_results(1000)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListCostAllocationTags", COST_EXPLORER_REGION, e))?;
        Ok(TagPage {
            tags: out
                .cost_allocation_tags()
                .iter()
                .map(|t| CostAllocationTag {
                    key: t.tag_key().to_owned(),
                    tag_type: t.r#type().as_str().to_owned(),
                    status: t.status().as_str().to_owned(),
                    last_updated: t.last_updated_date().unwrap_or_default().to_owned(),
                    last_used: t.last_used_date().unwrap_or_default().to_owned(),
                })
                .collect(),
            next_token: out.next_token().map(str::to_owned),
        })
    }

    async fn get_cost_and_usage(&self, request: &CostRequest) -> Result<CostPage, ApiError> {
        let mut call = self
            .ce
            .get_cost_and_usage()
            .time_period(interval(&request.period)?)
            .granularity(granularity(request.granularity))
            .set_next_page_token(request.page_token.clone());
        for m in &request.metrics {
            call = call.metrics(m);
        }
        for g in &request.group_by {
            let (kind, key) = match g {
                GroupKey::Dimension(d) => (GroupDefinitionType::Dimension, d),
                GroupKey::Tag(k) => (GroupDefinitionType::Tag, k),
            };
            call = call.group_by(GroupDefinition::builder().r#type(kind).key(key).build());
        }
        let out = call
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetCostAndUsage", COST_EXPLORER_REGION, e))?;
        Ok(CostPage {
            periods: out
                .results_by_time()
                .iter()
                .map(|r| PeriodResult {
                    period: period_of(r.time_period()),
                    estimated: r.estimated(),
                    total: amounts(r.total()),
                    groups: r
                        .groups()
                        .iter()
                        .map(|g| GroupResult {
                            keys: g.keys().to_vec(),
                            metrics: amounts(g.metrics()),
                        })
                        .collect(),
                })
                .collect(),
            next_page_token: out.next_page_token().map(str::to_owned),
        })
    }

    async fn get_reservation_utilization(&self, request: &UtilizationRequest) -> Result<UtilizationPage, ApiError> {
        let out = self
            .ce
            .get_reservation_utilization()
            .time_period(interval(&request.period)?)
            .granularity(granularity(request.granularity))
            .set_next_page_token(request.page_token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetReservationUtilization", COST_EXPLORER_REGION, e))?;
        Ok(UtilizationPage {
            periods: out
                .utilizations_by_time()
                .iter()
                .map(|u| {
                    let mut m = BTreeMap::new();
                    if let Some(t) = u.total() {
                        put(&mut m, "UtilizationPercentage", t.utilization_percentage(), "Percent");
                        put(
                            &mut m,
                            "UtilizationPercentageInUnits",
                            t.utilization_percentage_in_units(),
                            "Percent",
                        );
                        put(&mut m, "PurchasedHours", t.purchased_hours(), "Hours");
                        put(&mut m, "PurchasedUnits", t.purchased_units(), "Units");
                        put(&mut m, "TotalActualHours", t.total_actual_hours(), "Hours");
                        put(&mut m, "TotalActualUnits", t.total_actual_units(), "Units");
                        put(&mut m, "UnusedHours", t.unused_hours(), "Hours");
                        put(&mut m, "UnusedUnits", t.unused_units(), "Units");
                        put(
                            &mut m,
                            "OnDemandCostOfRIHoursUsed",
                            t.on_demand_cost_of_ri_hours_used(),
                            "USD",
                        );
                        put(&mut m, "NetRISavings", t.net_ri_savings(), "USD");
                        put(&mut m, "TotalPotentialRISavings", t.total_potential_ri_savings(), "USD");
                        put(&mut m, "AmortizedUpfrontFee", t.amortized_upfront_fee(), "USD");
                        put(&mut m, "AmortizedRecurringFee", t.amortized_recurring_fee(), "USD");
                        put(&mut m, "TotalAmortizedFee", t.total_amortized_fee(), "USD");
                        put(&mut m, "RICostForUnusedHours", t.ri_cost_for_unused_hours(), "USD");
                        put(&mut m, "RealizedSavings", t.realized_savings(), "USD");
                        put(&mut m, "UnrealizedSavings", t.unrealized_savings(), "USD");
                    }
                    UtilizationPeriod {
                        period: period_of(u.time_period()),
                        metrics: m,
                    }
                })
                .collect(),
            next_page_token: out.next_page_token().map(str::to_owned),
        })
    }

    async fn get_savings_plans_utilization(&self, request: &UtilizationRequest) -> Result<UtilizationPage, ApiError> {
        let out = self
            .ce
            .get_savings_plans_utilization()
            .time_period(interval(&request.period)?)
            .granularity(granularity(request.granularity))
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetSavingsPlansUtilization", COST_EXPLORER_REGION, e))?;
        Ok(UtilizationPage {
            periods: out
                .savings_plans_utilizations_by_time()
                .iter()
                .map(|u| {
                    let mut m = BTreeMap::new();
                    if let Some(x) = u.utilization() {
                        put(&mut m, "TotalCommitment", x.total_commitment(), "USD");
                        put(&mut m, "UsedCommitment", x.used_commitment(), "USD");
                        put(&mut m, "UnusedCommitment", x.unused_commitment(), "USD");
                        put(&mut m, "UtilizationPercentage", x.utilization_percentage(), "Percent");
                    }
                    if let Some(x) = u.savings() {
                        put(&mut m, "NetSavings", x.net_savings(), "USD");
                        put(&mut m, "OnDemandCostEquivalent", x.on_demand_cost_equivalent(), "USD");
                    }
                    if let Some(x) = u.amortized_commitment() {
                        put(
                            &mut m,
                            "AmortizedRecurringCommitment",
                            x.amortized_recurring_commitment(),
                            "USD",
                        );
                        put(
                            &mut m,
                            "AmortizedUpfrontCommitment",
                            x.amortized_upfront_commitment(),
                            "USD",
                        );
                        put(
                            &mut m,
                            "TotalAmortizedCommitment",
                            x.total_amortized_commitment(),
                            "USD",
                        );
                    }
                    UtilizationPeriod {
                        period: period_of(u.time_period()),
                        metrics: m,
                    }
                })
                .collect(),
            // GetSavingsPlansUtilization answers in one page.
            next_page_token: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The lead may spawn the export on a multi-threaded runtime.
    #[test]
    fn export_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let aws = Aws::load(&crate::aws::AwsOptions {
                region: "us-east-1".into(),
                ..Default::default()
            })
            .await;
            let options = crate::costs::ExportOptions {
                months: 1,
                daily_months: Some(0),
                dry_run: false,
                max_requests: 200,
                yes: false,
                tag_keys: vec![],
            };
            let settings = ExportSettings::new(
                &options,
                Path::new("unused"),
                time::macros::date!(2026 - 11 - 22),
                "t".into(),
            )
            .unwrap();
            let progress = Progress::new(true);
            let fut = export(&aws, &settings, &progress);
            assert_send(&fut);
            drop(fut);
        });
    }
}
