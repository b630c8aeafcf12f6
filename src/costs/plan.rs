//! The query plan: which Cost Explorer queries an export needs, over which windows, and what
//! they cost. Pure code, so the request estimate the spend guard relies on is unit-tested.
//!
//! How the plan keeps the request count low: every request asks for all seven metrics at once;
//! one monthly request covers the whole monthly window (Cost Explorer returns every month of
//! the window in one answer); daily windows are only split where a request would reach past
//! what the API accepts; every GroupBy uses up to the two entries a request allows.

use time::{Date, Month};

use super::api::{Granularity, GroupKey, Period};

/// Every request asks for all seven metrics.
pub const METRICS: [&str; 7] = [
    "AmortizedCost",
    "BlendedCost",
    "NetAmortizedCost",
    "NetUnblendedCost",
    "NormalizedUsageAmount",
    "UnblendedCost",
    "UsageQuantity",
];

/// Cost Explorer keeps monthly data for up to 38 months when multi-year data is enabled.
pub const MAX_MONTHS: u32 = 38;
/// Without multi-year data: the current month plus 13 previous ones.
pub const DEFAULT_MONTHS: u32 = 14;
/// Daily data reaches back the current month plus 13 previous ones.
pub const MAX_DAILY_MONTHS: u32 = 14;
/// The longest daily window one request may cover, in calendar months. Cost Explorer accepts a
/// daily request over its whole daily retention, so one request per query is enough; the
/// splitter below still honours the limit if it ever has to be lowered.
pub const DAILY_MONTHS_PER_REQUEST: u32 = 14;
/// Reservation and Savings Plans figures reach back the current month plus 12 previous ones
/// (AWS documents this for reservation coverage; utilization calls behave the same), so the
/// utilization queries cover at most that much of the window.
pub const UTILIZATION_MONTHS: u32 = 13;
/// USD per request (and per page).
pub const USD_PER_REQUEST: f64 = 0.01;
/// At most two GroupBy entries per request.
pub const MAX_GROUP_BY: usize = 2;

/// The windows an export covers; dates are first days of months, ends exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub monthly: Period,
    /// `None` when daily history is off (`--daily-months 0`).
    pub daily: Option<Period>,
}

/// What a query asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryKind {
    CostAndUsage {
        granularity: Granularity,
        group_by: Vec<GroupKey>,
    },
    ReservationUtilization,
    SavingsPlansUtilization,
}

/// One query: one CSV, sent as one request per window (plus any further pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Stable id, also the CSV file name without `.csv`.
    pub id: String,
    pub kind: QueryKind,
    /// The windows sent, in order; their union is the query's period.
    pub windows: Vec<Period>,
}

impl Query {
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.id)
    }

    /// The whole period the query covers.
    pub fn period(&self) -> Period {
        Period {
            start: self.windows.first().map(|w| w.start.clone()).unwrap_or_default(),
            end: self.windows.last().map(|w| w.end.clone()).unwrap_or_default(),
        }
    }

    pub fn granularity(&self) -> Granularity {
        match &self.kind {
            QueryKind::CostAndUsage { granularity, .. } => *granularity,
            _ => Granularity::Monthly,
        }
    }

    pub fn group_by(&self) -> &[GroupKey] {
        match &self.kind {
            QueryKind::CostAndUsage { group_by, .. } => group_by,
            _ => &[],
        }
    }

    /// True for the ungrouped cost query of a granularity (the self-check reference).
    pub fn is_total(&self) -> bool {
        matches!(&self.kind, QueryKind::CostAndUsage { group_by, .. } if group_by.is_empty())
    }
}

/// The whole plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub window: Window,
    pub queries: Vec<Query>,
}

impl Plan {
    /// Requests the plan needs when every answer fits one page.
    pub fn estimated_requests(&self) -> u64 {
        self.queries.iter().map(|q| q.windows.len() as u64).sum()
    }
}

/// Errors in the month counts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("--months {0} is out of range: use 1 to {max} (more than {def} needs multi-year data enabled in Cost Explorer)", max = MAX_MONTHS, def = DEFAULT_MONTHS)]
    Months(u32),
    #[error("--daily-months {0} is out of range: Cost Explorer keeps daily data for at most {max} months; use 0 to {max}", max = MAX_DAILY_MONTHS)]
    DailyMonths(u32),
}

fn first_of_month(date: Date) -> Date {
    date.replace_day(1).expect("day 1 exists in every month")
}

/// The first day of the month `n` months before (negative: after) the month of `date`.
pub fn months_back(date: Date, n: i32) -> Date {
    let index = date.year() * 12 + (date.month() as i32 - 1) - n;
    let year = index.div_euclid(12);
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).expect("1..=12");
    Date::from_calendar_date(year, month, 1).expect("first of a month is valid")
}

fn ymd(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day())
}

/// The windows for `months` of monthly and `daily_months` of daily history ending with the
/// month of `today` (which Cost Explorer marks as estimated).
pub fn window(today: Date, months: u32, daily_months: u32) -> Result<Window, WindowError> {
    if months == 0 || months > MAX_MONTHS {
        return Err(WindowError::Months(months));
    }
    if daily_months > MAX_DAILY_MONTHS {
        return Err(WindowError::DailyMonths(daily_months));
    }
    let end = ymd(months_back(first_of_month(today), -1));
    let monthly = Period {
        start: ymd(months_back(today, months as i32 - 1)),
        end: end.clone(),
    };
    let daily = (daily_months > 0).then(|| Period {
        start: ymd(months_back(today, daily_months as i32 - 1)),
        end,
    });
    Ok(Window { monthly, daily })
}

/// Splits a window of whole months into consecutive windows of at most `max_months` months.
pub fn split_months(period: &Period, max_months: u32) -> Vec<Period> {
    let parse = |s: &str| Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok();
    let (Some(start), Some(end)) = (parse(&period.start), parse(&period.end)) else {
        return vec![period.clone()];
    };
    let max_months = max_months.max(1) as i32;
    let mut out = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let next = months_back(cursor, -max_months).min(end);
        out.push(Period {
            start: ymd(cursor),
            end: ymd(next),
        });
        cursor = next;
    }
    out
}

/// The last `max_months` whole months of a window (the whole window when shorter).
pub fn last_months(period: &Period, max_months: u32) -> Period {
    let parse = |s: &str| Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok();
    match (parse(&period.start), parse(&period.end)) {
        (Some(start), Some(end)) => Period {
            start: ymd(months_back(end, max_months as i32).max(start)),
            end: period.end.clone(),
        },
        _ => period.clone(),
    }
}

/// File-name-safe form of a tag key: letters, digits, `.`, `_` and `-` kept; anything else
/// becomes `_`, and then a short hash of the real key keeps two keys apart.
pub fn tag_slug(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe == key && !safe.is_empty() {
        safe
    } else {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(key.as_bytes());
        format!("{safe}-{}", &hex::encode(digest)[..8])
    }
}

/// The dimension group sets, in plan order, with their id suffixes.
const DIMENSION_SETS: [(&str, &[&str]); 6] = [
    ("total", &[]),
    ("service", &["SERVICE"]),
    ("service-usage-type", &["SERVICE", "USAGE_TYPE"]),
    ("region", &["REGION"]),
    ("record-type", &["RECORD_TYPE"]),
    ("purchase-type", &["PURCHASE_TYPE"]),
];

/// Group sets queried at monthly granularity only, after the other monthly queries: cost per
/// `SERVICE` and `REGION`, which the blind-spot check (`crate::blindspots`) reconciles with the
/// scan. Daily, it would be the largest answer of the export for nothing the check needs.
const MONTHLY_ONLY_SETS: [(&str, &[&str]); 1] = [("service-region", &["SERVICE", "REGION"])];

/// Builds the plan. `tag_keys` are the active cost allocation tag keys (deduplicated and
/// sorted here). Query order: monthly queries (totals first: they double as the probe that
/// Cost Explorer answers; the monthly-only sets last), the utilization queries, then the daily
/// queries.
pub fn build(window: &Window, tag_keys: &[String]) -> Plan {
    let mut keys: Vec<String> = tag_keys.iter().filter(|k| !k.is_empty()).cloned().collect();
    keys.sort();
    keys.dedup();
    let mut sets: Vec<(String, Vec<GroupKey>)> = DIMENSION_SETS
        .iter()
        .map(|(name, dims)| {
            (
                (*name).to_owned(),
                dims.iter().map(|d| GroupKey::Dimension((*d).to_owned())).collect(),
            )
        })
        .collect();
    for key in &keys {
        sets.push((format!("tag-{}", tag_slug(key)), vec![GroupKey::Tag(key.clone())]));
    }
    debug_assert!(sets.iter().all(|(_, g)| g.len() <= MAX_GROUP_BY));

    let mut queries = Vec::new();
    for (name, group_by) in &sets {
        queries.push(Query {
            id: format!("monthly-{name}"),
            kind: QueryKind::CostAndUsage {
                granularity: Granularity::Monthly,
                group_by: group_by.clone(),
            },
            windows: vec![window.monthly.clone()],
        });
    }
    for (name, dims) in MONTHLY_ONLY_SETS {
        queries.push(Query {
            id: format!("monthly-{name}"),
            kind: QueryKind::CostAndUsage {
                granularity: Granularity::Monthly,
                group_by: dims.iter().map(|d| GroupKey::Dimension((*d).to_owned())).collect(),
            },
            windows: vec![window.monthly.clone()],
        });
    }
    let utilization = last_months(&window.monthly, UTILIZATION_MONTHS);
    queries.push(Query {
        id: "reservation-utilization".into(),
        kind: QueryKind::ReservationUtilization,
        windows: vec![utilization.clone()],
    });
    queries.push(Query {
        id: "savings-plans-utilization".into(),
        kind: QueryKind::SavingsPlansUtilization,
        windows: vec![utilization],
    });
    if let Some(daily) = &window.daily {
        let windows = split_months(daily, DAILY_MONTHS_PER_REQUEST);
        for (name, group_by) in &sets {
            queries.push(Query {
                id: format!("daily-{name}"),
                kind: QueryKind::CostAndUsage {
                    granularity: Granularity::Daily,
                    group_by: group_by.clone(),
                },
                windows: windows.clone(),
            });
        }
    }
    Plan {
        window: window.clone(),
        queries,
    }
}

/// USD for a number of requests.
pub fn usd(requests: u64) -> f64 {
    requests as f64 * USD_PER_REQUEST
}

/// The plan as printed before any request: one line per query, then the estimate.
/// `skipped` lists query ids already complete in the output folder; `preflight` counts the
/// requests already sent to read the tag list.
pub fn render(plan: &Plan, skipped: &[String], preflight: u64) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cost Explorer export plan: monthly {} .. {}{}",
        plan.window.monthly.start,
        plan.window.monthly.end,
        match &plan.window.daily {
            Some(d) => format!(", daily {} .. {}", d.start, d.end),
            None => ", no daily history".to_owned(),
        }
    );
    let mut pending = 0u64;
    for q in &plan.queries {
        let groups: Vec<String> = q.group_by().iter().map(GroupKey::label).collect();
        let what = match &q.kind {
            QueryKind::CostAndUsage { granularity, .. } => format!(
                "GetCostAndUsage {} by {}",
                granularity.as_str(),
                if groups.is_empty() {
                    "nothing (totals)".to_owned()
                } else {
                    groups.join(" + ")
                }
            ),
            QueryKind::ReservationUtilization => "GetReservationUtilization MONTHLY".to_owned(),
            QueryKind::SavingsPlansUtilization => "GetSavingsPlansUtilization MONTHLY".to_owned(),
        };
        let n = q.windows.len() as u64;
        if skipped.contains(&q.id) {
            let _ = writeln!(out, "  {:<34} {what}: already complete, skipped", q.id);
        } else {
            pending += n;
            let _ = writeln!(
                out,
                "  {:<34} {what}: {n} request{}",
                q.id,
                if n == 1 { "" } else { "s" }
            );
        }
    }
    if preflight > 0 {
        let _ = writeln!(
            out,
            "  preflight: {preflight} request{} sent to read the cost allocation tags",
            if preflight == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(
        out,
        "Estimate: {pending} requests, USD {:.2} (at least: each extra page of a large answer adds USD 0.01)",
        usd(pending)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn p(start: &str, end: &str) -> Period {
        Period {
            start: start.into(),
            end: end.into(),
        }
    }

    #[test]
    fn default_window_is_the_current_month_plus_thirteen() {
        let w = window(date!(2026 - 11 - 22), 14, 14).unwrap();
        assert_eq!(w.monthly, p("2025-10-01", "2026-12-01"));
        assert_eq!(w.daily, Some(p("2025-10-01", "2026-12-01")));
    }

    #[test]
    fn window_crosses_year_boundaries_and_reaches_38_months() {
        let w = window(date!(2026 - 01 - 05), 38, 3).unwrap();
        assert_eq!(w.monthly, p("2022-12-01", "2026-02-01"));
        assert_eq!(w.daily, Some(p("2025-11-01", "2026-02-01")));
        let w = window(date!(2026 - 12 - 31), 1, 0).unwrap();
        assert_eq!(w.monthly, p("2026-12-01", "2027-01-01"));
        assert_eq!(w.daily, None);
    }

    #[test]
    fn bad_month_counts_are_rejected() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(window(today, 0, 14), Err(WindowError::Months(0)));
        assert_eq!(window(today, 39, 14), Err(WindowError::Months(39)));
        assert_eq!(window(today, 14, 15), Err(WindowError::DailyMonths(15)));
        assert!(window(today, 38, 14).is_ok());
    }

    #[test]
    fn split_months_covers_the_window_without_gaps_or_overlap() {
        let parts = split_months(&p("2025-10-01", "2026-12-01"), 6);
        assert_eq!(
            parts,
            vec![
                p("2025-10-01", "2026-04-01"),
                p("2026-04-01", "2026-10-01"),
                p("2026-10-01", "2026-12-01")
            ]
        );
        assert_eq!(
            split_months(&p("2025-10-01", "2026-12-01"), 14),
            vec![p("2025-10-01", "2026-12-01")]
        );
        assert_eq!(
            split_months(&p("2026-11-01", "2026-12-01"), 1),
            vec![p("2026-11-01", "2026-12-01")]
        );
    }

    #[test]
    fn plan_for_14_months_and_3_tag_keys_needs_21_requests() {
        let w = window(date!(2026 - 11 - 22), 14, 14).unwrap();
        let keys = vec!["Project".to_owned(), "Environment".to_owned(), "CostCenter".to_owned()];
        let plan = build(&w, &keys);
        // 6 dimension sets + 3 tag keys, monthly and daily, SERVICE + REGION monthly, plus RI
        // and SP utilization.
        assert_eq!(plan.queries.len(), 9 * 2 + 1 + 2);
        assert_eq!(plan.estimated_requests(), 21);
        assert!((usd(plan.estimated_requests()) - 0.21).abs() < 1e-9);
        let ids: Vec<&str> = plan.queries.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids[0], "monthly-total");
        assert!(ids.contains(&"monthly-tag-CostCenter"));
        assert!(ids.contains(&"daily-service-usage-type"));
        assert!(ids.contains(&"reservation-utilization"));
        assert!(
            !ids.contains(&"daily-service-region"),
            "SERVICE + REGION is monthly only"
        );
        let service_region = plan.queries.iter().find(|q| q.id == "monthly-service-region").unwrap();
        assert_eq!(
            service_region.group_by(),
            [
                GroupKey::Dimension("SERVICE".into()),
                GroupKey::Dimension("REGION".into())
            ]
        );
        assert_eq!(ids[9], "monthly-service-region", "the last monthly query: {ids:?}");
        for q in &plan.queries {
            assert!(q.group_by().len() <= MAX_GROUP_BY, "{}", q.id);
        }
    }

    #[test]
    fn utilization_covers_at_most_the_last_13_months() {
        let w = window(date!(2026 - 11 - 22), 14, 14).unwrap();
        let plan = build(&w, &[]);
        let ri = plan.queries.iter().find(|q| q.id == "reservation-utilization").unwrap();
        assert_eq!(ri.windows, vec![p("2025-11-01", "2026-12-01")]);
        let short = window(date!(2026 - 11 - 22), 3, 0).unwrap();
        assert_eq!(last_months(&short.monthly, 13), p("2026-09-01", "2026-12-01"));
    }

    #[test]
    fn plan_without_daily_history_has_no_daily_queries() {
        let w = window(date!(2026 - 11 - 22), 38, 0).unwrap();
        let plan = build(&w, &[]);
        assert_eq!(plan.estimated_requests(), 9);
        assert!(plan.queries.iter().all(|q| q.granularity() == Granularity::Monthly));
    }

    #[test]
    fn tag_keys_are_deduplicated_sorted_and_made_file_safe() {
        let w = window(date!(2026 - 11 - 22), 14, 0).unwrap();
        let keys = vec![
            "b".to_owned(),
            "a".to_owned(),
            "b".to_owned(),
            "aws:createdBy".to_owned(),
        ];
        let plan = build(&w, &keys);
        let tag_ids: Vec<&str> = plan
            .queries
            .iter()
            .filter(|q| q.id.starts_with("monthly-tag-"))
            .map(|q| q.id.as_str())
            .collect();
        assert_eq!(tag_ids.len(), 3);
        assert_eq!(tag_ids[0], "monthly-tag-a");
        assert!(tag_ids[1].starts_with("monthly-tag-aws_createdBy-"), "{tag_ids:?}");
        assert_eq!(tag_ids[2], "monthly-tag-b");
        assert_ne!(tag_slug("a:b"), tag_slug("a/b"));
    }

    #[test]
    fn render_lists_queries_and_the_estimate_and_skips_completed_ones() {
        let w = window(date!(2026 - 11 - 22), 14, 14).unwrap();
        let plan = build(&w, &["Environment".to_owned()]);
        let text = render(&plan, &["monthly-total".to_owned()], 1);
        assert!(text.contains("monthly-total"), "{text}");
        assert!(text.contains("already complete, skipped"), "{text}");
        assert!(text.contains("Estimate: 16 requests, USD 0.16"), "{text}");
        assert!(text.contains("preflight: 1 request"), "{text}");
    }
}
