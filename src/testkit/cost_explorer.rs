//! A deterministic, synthetic Cost Explorer behind [`CostExplorerApi`]: a day-by-day table of
//! costs for a plausible legacy account (EC2, S3, RDS, CloudWatch, data transfer, KMS, Lambda
//! and more, growing month by month, tagged with messy `Environment` values; and a SageMaker
//! notebook and an OpenSearch domain in a region the sample scan leaves out, its blind spots),
//! aggregated on
//! demand for any GroupBy. Because every answer is a sum over the same table, grouped answers
//! always add up to the totals. It builds the committed sample export
//! (`examples/make_sample_costs.rs`) and is the fake the runner tests drive.

use std::collections::BTreeMap;
use std::sync::Mutex;

use time::{Date, Duration as Days, Month};

use crate::costs::api::{
    Amount, CostAllocationTag, CostExplorerApi, CostPage, CostRequest, Granularity, GroupKey, GroupResult, OrgStatus,
    Period, PeriodResult, TagPage, UtilizationPage, UtilizationPeriod, UtilizationRequest,
};
use crate::error::{ApiError, ErrorKind};

/// Amounts are kept in units of 1e-8 so that sums are exact.
const SCALE: i64 = 100_000_000;

/// One line of the synthetic cost table.
#[derive(Debug, Clone)]
struct Fact {
    day: Date,
    service: &'static str,
    usage_type: &'static str,
    region: &'static str,
    record_type: &'static str,
    purchase_type: &'static str,
    environment: &'static str,
    project: &'static str,
    cost: i64,
    usage: i64,
}

/// What the synthetic account looks like.
#[derive(Debug, Clone)]
pub struct SyntheticConfig {
    pub account_id: String,
    /// Data exists for the days before this one; its month is "estimated".
    pub today: Date,
    /// First day with data.
    pub data_start: Date,
    /// Items (a period of an ungrouped answer, or one group of a grouped one) per page.
    pub page_size: usize,
    /// Cost allocation tags reported by ListCostAllocationTags.
    pub tags: Vec<CostAllocationTag>,
    pub org: OrgStatus,
}

impl SyntheticConfig {
    /// The built-in sample account: `123456789012`, standalone, tags `Environment` and
    /// `Project` active.
    pub fn sample(today: Date, data_start: Date) -> SyntheticConfig {
        let tag = |key: &str, tag_type: &str, status: &str, updated: &str, used: &str| CostAllocationTag {
            key: key.to_owned(),
            tag_type: tag_type.to_owned(),
            status: status.to_owned(),
            last_updated: updated.to_owned(),
            last_used: used.to_owned(),
        };
        SyntheticConfig {
            account_id: "123456789012".to_owned(),
            today,
            data_start,
            page_size: 5_000,
            tags: vec![
                tag(
                    "Environment",
                    "UserDefined",
                    "Active",
                    "2024-02-12T10:31:07Z",
                    "2026-11-21T00:00:00Z",
                ),
                tag(
                    "Project",
                    "UserDefined",
                    "Active",
                    "2024-02-12T10:31:07Z",
                    "2026-11-21T00:00:00Z",
                ),
                tag(
                    "Owner",
                    "UserDefined",
                    "Inactive",
                    "2024-06-03T08:00:00Z",
                    "2026-11-20T00:00:00Z",
                ),
                tag(
                    "aws:createdBy",
                    "AWSGenerated",
                    "Inactive",
                    "2023-09-18T14:02:44Z",
                    "2026-11-21T00:00:00Z",
                ),
            ],
            org: OrgStatus::Standalone,
        }
    }
}

/// The synthetic Cost Explorer. Records every call it answers.
pub struct SyntheticCostExplorer {
    config: SyntheticConfig,
    facts: Vec<Fact>,
    calls: Mutex<Vec<String>>,
}

/// (service, usage type, region, purchase type, USD per day at the start, growth per month in
/// per-mille, usage units per USD).
type Line = (&'static str, &'static str, &'static str, &'static str, f64, i64, f64);

const EC2: &str = "Amazon Elastic Compute Cloud - Compute";
const EC2_OTHER: &str = "EC2 - Other";
const S3: &str = "Amazon Simple Storage Service";
const RDS: &str = "Amazon Relational Database Service";
const ON_DEMAND: &str = "On Demand Instances";

const LINES: &[Line] = &[
    (EC2, "USE1-BoxUsage:m5.xlarge", "us-east-1", ON_DEMAND, 55.0, 30, 5.2),
    (EC2, "USE1-BoxUsage:t3.medium", "us-east-1", ON_DEMAND, 12.0, 20, 24.0),
    (EC2, "EUW1-BoxUsage:m5.large", "eu-west-1", ON_DEMAND, 14.0, 45, 9.4),
    (
        EC2,
        "USE1-SpotUsage:c5.2xlarge",
        "us-east-1",
        "Spot Instances",
        6.0,
        60,
        7.1,
    ),
    (
        EC2_OTHER,
        "USE1-EBS:VolumeUsage.gp3",
        "us-east-1",
        ON_DEMAND,
        18.0,
        25,
        12.5,
    ),
    (
        EC2_OTHER,
        "USE1-EBS:SnapshotUsage",
        "us-east-1",
        ON_DEMAND,
        5.0,
        40,
        20.0,
    ),
    (
        EC2_OTHER,
        "USE1-NatGateway-Hours",
        "us-east-1",
        ON_DEMAND,
        3.24,
        0,
        22.2,
    ),
    (
        EC2_OTHER,
        "USE1-NatGateway-Bytes",
        "us-east-1",
        ON_DEMAND,
        4.0,
        35,
        22.2,
    ),
    (S3, "USE1-TimedStorage-ByteHrs", "us-east-1", ON_DEMAND, 9.0, 40, 43.0),
    (S3, "USE1-Requests-Tier1", "us-east-1", ON_DEMAND, 1.5, 30, 200.0),
    (S3, "EUW1-TimedStorage-ByteHrs", "eu-west-1", ON_DEMAND, 2.0, 50, 42.0),
    (
        RDS,
        "USE1-InstanceUsage:db.r6g.large",
        "us-east-1",
        ON_DEMAND,
        22.0,
        15,
        3.8,
    ),
    (RDS, "USE1-RDS:GP3-Storage", "us-east-1", ON_DEMAND, 4.0, 20, 8.7),
    (
        "AmazonCloudWatch",
        "USE1-CW:MetricMonitorUsage",
        "us-east-1",
        ON_DEMAND,
        3.0,
        30,
        3.3,
    ),
    (
        "AmazonCloudWatch",
        "USE1-DataProcessing-Bytes",
        "us-east-1",
        ON_DEMAND,
        2.5,
        35,
        2.0,
    ),
    (
        "AWS Data Transfer",
        "USE1-DataTransfer-Out-Bytes",
        "us-east-1",
        ON_DEMAND,
        7.0,
        30,
        11.1,
    ),
    (
        "AWS Data Transfer",
        "USE1-EUW1-AWS-Out-Bytes",
        "us-east-1",
        ON_DEMAND,
        1.2,
        30,
        50.0,
    ),
    (
        "AWS Key Management Service",
        "USE1-KMS-Keys",
        "us-east-1",
        ON_DEMAND,
        0.8,
        10,
        1.2,
    ),
    (
        "AWS Key Management Service",
        "USE1-KMS-Requests",
        "us-east-1",
        ON_DEMAND,
        0.3,
        20,
        33333.0,
    ),
    (
        "AWS Lambda",
        "USE1-Lambda-GB-Second",
        "us-east-1",
        ON_DEMAND,
        2.2,
        60,
        60000.0,
    ),
    ("AWS Lambda", "USE1-Request", "us-east-1", ON_DEMAND, 0.4, 60, 5000000.0),
    (
        "Amazon Virtual Private Cloud",
        "USE1-PublicIPv4:InUseAddress",
        "us-east-1",
        ON_DEMAND,
        1.1,
        10,
        200.0,
    ),
    ("Amazon Route 53", "HostedZone", "global", ON_DEMAND, 0.55, 0, 0.06),
    (
        "AWS CloudTrail",
        "USE1-PaidEventsRecorded",
        "us-east-1",
        ON_DEMAND,
        0.35,
        10,
        350000.0,
    ),
    // Blind spots of the sample scan: a service no collector reads in depth, and a region the
    // scan leaves out (the sample scans us-east-1, eu-west-1 and us-west-2).
    (
        "Amazon SageMaker",
        "USE1-Notebk:ml.t3.medium",
        "us-east-1",
        ON_DEMAND,
        1.2,
        20,
        20.0,
    ),
    (
        "Amazon OpenSearch Service",
        "APS2-ESInstance:t3.small.search",
        "ap-southeast-2",
        ON_DEMAND,
        0.9,
        0,
        25.0,
    ),
];

/// (Environment, Project, per-mille) for workload services: as messy as real tagging.
const WORKLOAD_SPLIT: &[(&str, &str, i64)] = &[
    ("prod", "checkout", 220),
    ("Production", "search", 140),
    ("PROD", "checkout", 60),
    ("prod", "data-platform", 75),
    ("dev", "checkout", 90),
    ("dev", "search", 50),
    ("staging", "search", 70),
    ("qa", "checkout", 40),
    ("sandbox", "", 35),
    ("shared-services", "platform", 120),
    ("", "", 100),
];

/// Split for account-wide services (DNS, audit, keys).
const SHARED_SPLIT: &[(&str, &str, i64)] = &[("shared-services", "platform", 600), ("prod", "", 200), ("", "", 200)];

/// A stable pseudo-random number in [0, 1) from a few integers (FNV-1a).
fn noise(parts: &[i64]) -> f64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

fn months_between(from: Date, to: Date) -> i32 {
    (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32)
}

fn first_of_month(d: Date) -> Date {
    d.replace_day(1).expect("day 1")
}

fn next_month(d: Date) -> Date {
    crate::costs::plan::months_back(d, -1)
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn parse(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

fn fixed(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:08}", a / SCALE as u64, a % SCALE as u64)
}

/// RDS reserved instance bought on this date (first of a month).
fn ri_start() -> Date {
    Date::from_calendar_date(2026, Month::March, 1).expect("valid")
}

fn build_facts(config: &SyntheticConfig) -> Vec<Fact> {
    let mut facts = Vec::new();
    let mut day = config.data_start;
    let mut month_usage: BTreeMap<Date, i64> = BTreeMap::new();
    while day < config.today {
        let age = months_between(config.data_start, day);
        let weekend = matches!(day.weekday(), time::Weekday::Saturday | time::Weekday::Sunday);
        for (i, (service, usage_type, region, purchase, base, growth, per_usd)) in LINES.iter().enumerate() {
            let mut usd = base * (1.0 + *growth as f64 / 1000.0).powi(age);
            if weekend && matches!(*service, EC2 | "AWS Lambda" | "AWS Data Transfer") {
                usd *= 0.85;
            }
            usd *= 0.96 + 0.08 * noise(&[i as i64, i64::from(day.to_julian_day())]);
            let (usage_type, purchase) = if *service == RDS && usage_type.contains("InstanceUsage") && day >= ri_start()
            {
                // After the RI purchase the instance hours are covered by the reservation.
                usd *= 0.62;
                ("USE1-HeavyUsage:db.r6g.large", "Standard Reserved Instances")
            } else {
                (*usage_type, *purchase)
            };
            let total = (usd * SCALE as f64).round() as i64;
            let total_usage = (usd * per_usd * SCALE as f64).round() as i64;
            let split = if matches!(
                *service,
                "Amazon Route 53" | "AWS CloudTrail" | "AWS Key Management Service"
            ) {
                SHARED_SPLIT
            } else {
                WORKLOAD_SPLIT
            };
            let (mut left, mut left_usage) = (total, total_usage);
            for (j, (env, project, pm)) in split.iter().enumerate() {
                let (cost, usage) = if j + 1 == split.len() {
                    (left, left_usage)
                } else {
                    (total * pm / 1000, total_usage * pm / 1000)
                };
                left -= cost;
                left_usage -= usage;
                facts.push(Fact {
                    day,
                    service,
                    usage_type,
                    region,
                    record_type: "Usage",
                    purchase_type: purchase,
                    environment: env,
                    project,
                    cost,
                    usage,
                });
            }
            *month_usage.entry(first_of_month(day)).or_insert(0) += total;
        }
        // A promotional credit against EC2 during the first quarter of 2026.
        if day.year() == 2026 && (day.month() as u8) <= 3 {
            facts.push(Fact {
                day,
                service: EC2,
                usage_type: "USE1-BoxUsage:m5.xlarge",
                region: "us-east-1",
                record_type: "Credit",
                purchase_type: ON_DEMAND,
                environment: "",
                project: "",
                cost: -10 * SCALE,
                usage: 0,
            });
        }
        day = day.next_day().expect("in range");
    }
    // Tax for each finished month, booked on its last day, untagged as in a real bill.
    for (month, usage) in month_usage {
        let last = next_month(month) - Days::days(1);
        if last < config.today {
            facts.push(Fact {
                day: last,
                service: "Tax",
                usage_type: "",
                region: "NoRegion",
                record_type: "Tax",
                purchase_type: ON_DEMAND,
                environment: "",
                project: "",
                cost: usage * 7 / 100,
                usage: 0,
            });
        }
    }
    facts
}

fn group_value(fact: &Fact, key: &GroupKey) -> String {
    match key {
        GroupKey::Dimension(d) => match d.as_str() {
            "SERVICE" => fact.service.to_owned(),
            "USAGE_TYPE" => fact.usage_type.to_owned(),
            "REGION" => fact.region.to_owned(),
            "RECORD_TYPE" => fact.record_type.to_owned(),
            "PURCHASE_TYPE" => fact.purchase_type.to_owned(),
            _ => String::new(),
        },
        GroupKey::Tag(k) => {
            let value = match k.as_str() {
                "Environment" => fact.environment,
                "Project" => fact.project,
                _ => "",
            };
            format!("{k}${value}")
        }
    }
}

fn metrics_of(cost: i64, usage: i64, wanted: &[String]) -> BTreeMap<String, Amount> {
    wanted
        .iter()
        .map(|m| {
            let (value, unit) = match m.as_str() {
                "UsageQuantity" | "NormalizedUsageAmount" => (usage, "N/A"),
                _ => (cost, "USD"),
            };
            (
                m.clone(),
                Amount {
                    amount: fixed(value),
                    unit: unit.to_owned(),
                },
            )
        })
        .collect()
}

fn page_index(token: &Option<String>) -> Result<usize, ApiError> {
    match token {
        None => Ok(0),
        Some(t) => t
            .strip_prefix("page-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| synthetic_error("GetCostAndUsage", "InvalidNextTokenException", ErrorKind::Failed)),
    }
}

fn synthetic_error(operation: &'static str, code: &str, kind: ErrorKind) -> ApiError {
    ApiError {
        operation,
        region: "us-east-1".to_owned(),
        kind,
        code: code.to_owned(),
        message: "synthetic".to_owned(),
    }
}

impl SyntheticCostExplorer {
    pub fn new(config: SyntheticConfig) -> SyntheticCostExplorer {
        let mut facts = build_facts(&config);
        facts.sort_by_key(|f| f.day);
        SyntheticCostExplorer {
            config,
            facts,
            calls: Mutex::new(Vec::new()),
        }
    }

    /// Every call answered so far, one line each (`Operation details`).
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn record(&self, line: String) {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }

    fn periods(&self, request: &CostRequest) -> Result<Vec<Period>, ApiError> {
        let bad = || synthetic_error("GetCostAndUsage", "ValidationException", ErrorKind::Failed);
        let start = parse(&request.period.start).ok_or_else(bad)?;
        let end = parse(&request.period.end).ok_or_else(bad)?;
        if start >= end || request.group_by.len() > 2 {
            return Err(bad());
        }
        let mut out = Vec::new();
        let mut cursor = start;
        while cursor < end {
            let next = match request.granularity {
                Granularity::Monthly => next_month(first_of_month(cursor)).min(end),
                Granularity::Daily => cursor.next_day().ok_or_else(bad)?,
            };
            out.push(Period {
                start: ymd(cursor),
                end: ymd(next),
            });
            cursor = next;
        }
        Ok(out)
    }

    /// The complete (unpaged) answer.
    fn answer(&self, request: &CostRequest) -> Result<Vec<PeriodResult>, ApiError> {
        let periods = self.periods(request)?;
        let current = first_of_month(self.config.today);
        let mut results = Vec::new();
        for period in periods {
            let (start, end) = (parse(&period.start).expect("ours"), parse(&period.end).expect("ours"));
            let mut groups: BTreeMap<Vec<String>, (i64, i64)> = BTreeMap::new();
            let mut total = (0i64, 0i64);
            let mut any = false;
            let from = self.facts.partition_point(|f| f.day < start);
            let to = self.facts.partition_point(|f| f.day < end);
            for f in &self.facts[from..to] {
                any = true;
                total.0 += f.cost;
                total.1 += f.usage;
                if !request.group_by.is_empty() {
                    let keys: Vec<String> = request.group_by.iter().map(|k| group_value(f, k)).collect();
                    let e = groups.entry(keys).or_insert((0, 0));
                    e.0 += f.cost;
                    e.1 += f.usage;
                }
            }
            let estimated = end > current;
            results.push(PeriodResult {
                period,
                estimated,
                total: if request.group_by.is_empty() && any {
                    metrics_of(total.0, total.1, &request.metrics)
                } else {
                    BTreeMap::new()
                },
                groups: groups
                    .into_iter()
                    .map(|(keys, (cost, usage))| GroupResult {
                        keys,
                        metrics: metrics_of(cost, usage, &request.metrics),
                    })
                    .collect(),
            });
        }
        Ok(results)
    }
}

/// Cuts an answer into pages of `size` items (a period, or one group of a period).
fn paginate(results: Vec<PeriodResult>, size: usize, index: usize) -> CostPage {
    let size = size.max(1);
    let mut items: Vec<(usize, Option<GroupResult>)> = Vec::new();
    for (i, p) in results.iter().enumerate() {
        if p.groups.is_empty() {
            items.push((i, None));
        } else {
            items.extend(p.groups.iter().cloned().map(|g| (i, Some(g))));
        }
    }
    let pages = items.len().div_ceil(size).max(1);
    let mut periods: Vec<PeriodResult> = Vec::new();
    for (i, group) in items.into_iter().skip(index * size).take(size) {
        if periods.last().map(|p| p.period != results[i].period).unwrap_or(true) {
            let mut p = results[i].clone();
            p.groups.clear();
            periods.push(p);
        }
        if let (Some(g), Some(last)) = (group, periods.last_mut()) {
            last.groups.push(g);
        }
    }
    CostPage {
        periods,
        next_page_token: (index + 1 < pages).then(|| format!("page-{}", index + 1)),
    }
}

impl CostExplorerApi for SyntheticCostExplorer {
    async fn account_id(&self) -> Result<String, ApiError> {
        Ok(self.config.account_id.clone())
    }

    async fn organization_status(&self, _account_id: &str) -> OrgStatus {
        self.config.org.clone()
    }

    async fn list_cost_allocation_tags(&self, next_token: Option<String>) -> Result<TagPage, ApiError> {
        self.record(format!(
            "ListCostAllocationTags token={}",
            next_token.as_deref().unwrap_or("-")
        ));
        Ok(TagPage {
            tags: self.config.tags.clone(),
            next_token: None,
        })
    }

    async fn get_cost_and_usage(&self, request: &CostRequest) -> Result<CostPage, ApiError> {
        let groups: Vec<String> = request.group_by.iter().map(GroupKey::label).collect();
        self.record(format!(
            "GetCostAndUsage {} {}..{} [{}] token={}",
            request.granularity.as_str(),
            request.period.start,
            request.period.end,
            groups.join(","),
            request.page_token.as_deref().unwrap_or("-")
        ));
        let index = page_index(&request.page_token)?;
        Ok(paginate(self.answer(request)?, self.config.page_size, index))
    }

    async fn get_reservation_utilization(&self, request: &UtilizationRequest) -> Result<UtilizationPage, ApiError> {
        self.record(format!(
            "GetReservationUtilization {}..{}",
            request.period.start, request.period.end
        ));
        let (Some(start), Some(end)) = (parse(&request.period.start), parse(&request.period.end)) else {
            return Err(synthetic_error(
                "GetReservationUtilization",
                "ValidationException",
                ErrorKind::Failed,
            ));
        };
        let mut periods = Vec::new();
        let mut month = first_of_month(start).max(ri_start());
        while month < end && month < self.config.today {
            let next = next_month(month);
            let through = next.min(self.config.today);
            let hours = i64::from((through - month).whole_hours() as i32);
            let used = hours * 97 / 100;
            let amount = |v: i64, unit: &str| Amount {
                amount: v.to_string(),
                unit: unit.to_owned(),
            };
            let mut metrics = BTreeMap::new();
            metrics.insert("PurchasedHours".to_owned(), amount(hours, "Hours"));
            metrics.insert("TotalActualHours".to_owned(), amount(used, "Hours"));
            metrics.insert("UnusedHours".to_owned(), amount(hours - used, "Hours"));
            metrics.insert("UtilizationPercentage".to_owned(), amount(97, "Percent"));
            metrics.insert(
                "AmortizedRecurringFee".to_owned(),
                Amount {
                    amount: fixed(hours * SCALE * 17 / 100),
                    unit: "USD".to_owned(),
                },
            );
            metrics.insert(
                "NetRISavings".to_owned(),
                Amount {
                    amount: fixed(used * SCALE * 9 / 100),
                    unit: "USD".to_owned(),
                },
            );
            periods.push(UtilizationPeriod {
                period: Period {
                    start: ymd(month),
                    end: ymd(next.min(end)),
                },
                metrics,
            });
            month = next;
        }
        if periods.is_empty() {
            return Err(synthetic_error(
                "GetReservationUtilization",
                "DataUnavailableException",
                ErrorKind::Failed,
            ));
        }
        Ok(UtilizationPage {
            periods,
            next_page_token: None,
        })
    }

    async fn get_savings_plans_utilization(&self, request: &UtilizationRequest) -> Result<UtilizationPage, ApiError> {
        self.record(format!(
            "GetSavingsPlansUtilization {}..{}",
            request.period.start, request.period.end
        ));
        // The sample account has no Savings Plans; Cost Explorer then answers DataUnavailable.
        Err(synthetic_error(
            "GetSavingsPlansUtilization",
            "DataUnavailableException",
            ErrorKind::Failed,
        ))
    }
}

/// Daily history kept in the committed sample: the last three months, so the folder stays a
/// few megabytes (a real export keeps 14 months of daily data by default).
pub const SAMPLE_DAILY_MONTHS: u32 = 3;
/// The date the committed sample was taken.
pub const SAMPLE_TODAY: Date = time::macros::date!(2026 - 11 - 22);
pub const SAMPLE_GENERATED_AT: &str = "2026-11-22T06:00:00Z";

/// Writes the sample export of the built-in account (`sample-data/costs/`) into `out`, through
/// the real runner and writers: 14 monthly months (October 2025 to November 2026, November
/// estimated), [`SAMPLE_DAILY_MONTHS`] of daily history, tags `Environment` and `Project`.
pub async fn write_sample(
    out: &std::path::Path,
    progress: &crate::progress::Progress,
) -> Result<crate::costs::ExportReport, crate::costs::CostsError> {
    let options = crate::costs::ExportOptions {
        months: 14,
        daily_months: Some(SAMPLE_DAILY_MONTHS),
        dry_run: false,
        max_requests: 200,
        yes: true,
        tag_keys: Vec::new(),
    };
    let mut settings = crate::costs::ExportSettings::new(&options, out, SAMPLE_TODAY, SAMPLE_GENERATED_AT.to_owned())?;
    settings.pacing.min_interval = std::time::Duration::ZERO;
    let ce = SyntheticCostExplorer::new(SyntheticConfig::sample(
        SAMPLE_TODAY,
        time::macros::date!(2025 - 10 - 01),
    ));
    crate::costs::run_export(&ce, &settings, progress).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn small() -> SyntheticCostExplorer {
        SyntheticCostExplorer::new(SyntheticConfig::sample(date!(2026 - 11 - 22), date!(2026 - 09 - 01)))
    }

    fn request(granularity: Granularity, group_by: Vec<GroupKey>) -> CostRequest {
        CostRequest {
            period: Period {
                start: "2026-09-01".into(),
                end: "2026-12-01".into(),
            },
            granularity,
            metrics: vec!["UnblendedCost".into(), "UsageQuantity".into()],
            group_by,
            page_token: None,
        }
    }

    fn sum(page_periods: &[PeriodResult]) -> i64 {
        let parse = |a: &Amount| {
            let (i, f) = a.amount.trim_start_matches('-').split_once('.').unwrap();
            let v = i.parse::<i64>().unwrap() * SCALE + f.parse::<i64>().unwrap();
            if a.amount.starts_with('-') { -v } else { v }
        };
        page_periods
            .iter()
            .map(|p| {
                p.total.get("UnblendedCost").map(parse).unwrap_or(0)
                    + p.groups.iter().map(|g| parse(&g.metrics["UnblendedCost"])).sum::<i64>()
            })
            .sum()
    }

    #[tokio::test]
    async fn grouped_answers_add_up_exactly_to_totals() {
        let ce = small();
        let total = ce.answer(&request(Granularity::Monthly, vec![])).unwrap();
        assert_eq!(total.len(), 3);
        assert!(!total[0].estimated && total[2].estimated);
        for group_by in [
            vec![
                GroupKey::Dimension("SERVICE".into()),
                GroupKey::Dimension("USAGE_TYPE".into()),
            ],
            vec![GroupKey::Tag("Environment".into())],
            vec![GroupKey::Dimension("RECORD_TYPE".into())],
        ] {
            let grouped = ce.answer(&request(Granularity::Monthly, group_by)).unwrap();
            assert_eq!(sum(&grouped), sum(&total));
        }
        let envs = ce
            .answer(&request(
                Granularity::Monthly,
                vec![GroupKey::Tag("Environment".into())],
            ))
            .unwrap();
        let values: Vec<&str> = envs[0].groups.iter().map(|g| g.keys[0].as_str()).collect();
        for v in [
            "Environment$",
            "Environment$PROD",
            "Environment$Production",
            "Environment$shared-services",
        ] {
            assert!(values.contains(&v), "{values:?}");
        }
    }

    #[tokio::test]
    async fn pages_split_groups_and_join_back_to_the_whole_answer() {
        let mut config = SyntheticConfig::sample(date!(2026 - 11 - 22), date!(2026 - 09 - 01));
        config.page_size = 7;
        let ce = SyntheticCostExplorer::new(config);
        let mut req = request(Granularity::Daily, vec![GroupKey::Dimension("SERVICE".into())]);
        let whole = ce.answer(&req).unwrap();
        let mut joined = 0;
        let mut pages = 0;
        loop {
            let page = ce.get_cost_and_usage(&req).await.unwrap();
            pages += 1;
            joined += sum(&page.periods);
            match page.next_page_token {
                Some(t) => req.page_token = Some(t),
                None => break,
            }
        }
        assert!(pages > 10, "{pages}");
        assert_eq!(joined, sum(&whole));
        assert_eq!(ce.calls().len(), pages);
    }

    #[tokio::test]
    async fn committed_sample_is_what_the_generator_writes() {
        let dir = tempfile::tempdir().unwrap();
        let report = write_sample(dir.path(), &crate::progress::Progress::new(true))
            .await
            .unwrap();
        assert!(report.complete && report.mismatches == 0, "{report:?}");
        assert_eq!(
            report.requests_sent,
            report.planned_requests + 1,
            "no page beyond the plan"
        );
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/costs");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut committed_names: Vec<String> = std::fs::read_dir(&committed)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        committed_names.sort();
        assert_eq!(names, committed_names);
        for name in names {
            let fresh = std::fs::read(dir.path().join(&name)).unwrap();
            let old = std::fs::read(committed.join(&name)).unwrap();
            assert!(
                fresh == old,
                "sample-data/costs/{name} is stale: run scripts/make-sample-costs.sh"
            );
        }
    }
}
