//! What the export writes: the long-format CSV rows, `manifest.json` (the record that makes runs
//! resumable), `cost-allocation-tags.csv`, and `summary.json` with the self-check. Everything is
//! built from the rows as written, sorted, so that the same answers give byte-identical files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api::CostAllocationTag;
use crate::csvsafe;
use crate::model::{CostSummary, FailedQuery, Mismatch, MonthAmount, NamedAmount, TagMonthAmount};

/// The CSV header, in the order of the issue.
pub const CSV_HEADER: [&str; 11] = [
    "granularity",
    "period_start",
    "period_end",
    "group1_key",
    "group1_value",
    "group2_key",
    "group2_value",
    "metric",
    "amount",
    "unit",
    "estimated",
];

/// Header of `cost-allocation-tags.csv`.
pub const TAGS_HEADER: [&str; 6] = ["tag_key", "type", "status", "last_updated", "last_used", "source"];

pub const MANIFEST_SCHEMA_VERSION: u32 = 1;
/// Allowed gap between grouped and total UnblendedCost per period, in USD.
pub const TOLERANCE_USD: f64 = 0.01;

/// One CSV row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CostRow {
    pub period_start: String,
    pub period_end: String,
    pub group1_value: String,
    pub group2_value: String,
    pub metric: String,
    pub granularity: String,
    pub group1_key: String,
    pub group2_key: String,
    pub amount: String,
    pub unit: String,
    pub estimated: bool,
}

/// Errors reading back a file the export wrote.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {detail}")]
pub struct ParseError {
    pub file: String,
    pub detail: String,
}

/// Renders rows as CSV (sorted by period, groups, metric).
pub fn rows_to_csv(rows: &mut [CostRow]) -> Vec<u8> {
    rows.sort();
    let mut w = csvsafe::Writer::new(Vec::new());
    w.write_record(CSV_HEADER).expect("writing to memory");
    for r in rows.iter() {
        w.write_record([
            r.granularity.as_str(),
            &r.period_start,
            &r.period_end,
            &r.group1_key,
            &r.group1_value,
            &r.group2_key,
            &r.group2_value,
            &r.metric,
            &r.amount,
            &r.unit,
            if r.estimated { "true" } else { "false" },
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Reads rows back from a CSV this module wrote, undoing the writer's formula neutralising.
pub fn csv_to_rows(file: &str, bytes: &[u8]) -> Result<Vec<CostRow>, ParseError> {
    let err = |detail: String| ParseError {
        file: file.to_owned(),
        detail,
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().map_err(|e| err(e.to_string()))?.clone();
    if header.iter().ne(CSV_HEADER.iter().copied()) {
        return Err(err("unexpected header; delete the file and rerun".into()));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| err(format!("line {}: {e}", i + 2)))?;
        if record.len() != CSV_HEADER.len() {
            return Err(err(format!("line {}: expected {} fields", i + 2, CSV_HEADER.len())));
        }
        // Cells come back as they were before the writer neutralised them.
        let field = |i: usize| csvsafe::restore(&record[i]).to_owned();
        rows.push(CostRow {
            granularity: field(0),
            period_start: field(1),
            period_end: field(2),
            group1_key: field(3),
            group1_value: field(4),
            group2_key: field(5),
            group2_value: field(6),
            metric: field(7),
            amount: field(8),
            unit: field(9),
            estimated: field(10) == "true",
        });
    }
    Ok(rows)
}

/// Renders `cost-allocation-tags.csv`: the tags Cost Explorer listed, then any `--tag-keys`
/// it did not list.
pub fn tags_to_csv(listed: &[CostAllocationTag], given: &[String]) -> Vec<u8> {
    let mut listed = listed.to_vec();
    listed.sort();
    let mut w = csvsafe::Writer::new(Vec::new());
    w.write_record(TAGS_HEADER).expect("writing to memory");
    for t in &listed {
        w.write_record([
            t.key.as_str(),
            &t.tag_type,
            &t.status,
            &t.last_updated,
            &t.last_used,
            "ListCostAllocationTags",
        ])
        .expect("writing to memory");
    }
    let mut given: Vec<&String> = given.iter().filter(|k| !listed.iter().any(|t| &t.key == *k)).collect();
    given.sort();
    given.dedup();
    for key in given {
        w.write_record([key.as_str(), "", "Active", "", "", "--tag-keys"])
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Reads back the tags Cost Explorer listed (rows from `--tag-keys` are not included).
pub fn csv_to_tags(file: &str, bytes: &[u8]) -> Result<Vec<CostAllocationTag>, ParseError> {
    let err = |detail: String| ParseError {
        file: file.to_owned(),
        detail,
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let mut tags = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| err(format!("line {}: {e}", i + 2)))?;
        if record.len() != TAGS_HEADER.len() {
            return Err(err(format!("line {}: expected {} fields", i + 2, TAGS_HEADER.len())));
        }
        let field = |i: usize| csvsafe::restore(&record[i]).to_owned();
        if field(5) == "ListCostAllocationTags" {
            tags.push(CostAllocationTag {
                key: field(0),
                tag_type: field(1),
                status: field(2),
                last_updated: field(3),
                last_used: field(4),
            });
        }
    }
    Ok(tags)
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub tool_version: String,
    pub account_id: String,
    pub window: ManifestWindow,
    pub generated_at: String,
    /// Cost Explorer requests answered, over every run that built this folder.
    pub requests_sent: u64,
    /// True when every planned query completed.
    pub complete: bool,
    /// Completed files, sorted by file name.
    pub files: Vec<ManifestFile>,
    pub failed: Vec<FailedQuery>,
    pub mismatches: Vec<Mismatch>,
}

/// The window a folder belongs to; a rerun with another window is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestWindow {
    pub monthly_start: String,
    pub monthly_end: String,
    /// Empty when daily history is off.
    pub daily_start: String,
    pub daily_end: String,
}

/// One completed query and its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub file: String,
    pub query: String,
    pub operation: String,
    pub granularity: String,
    pub group_by: Vec<String>,
    pub period_start: String,
    pub period_end: String,
    pub rows: u64,
    /// Requests (pages) the query took.
    pub requests: u64,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn amount_of(row: &CostRow) -> f64 {
    row.amount.trim().parse::<f64>().unwrap_or(0.0)
}

/// Rounds to 1/10000 of a unit, so sums print the same on every machine.
pub fn round4(x: f64) -> f64 {
    let r = (x * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// UnblendedCost per period start of an ungrouped query.
fn unblended_by_period(rows: &[CostRow]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for r in rows.iter().filter(|r| r.metric == "UnblendedCost") {
        *out.entry(r.period_start.clone()).or_insert(0.0) += amount_of(r);
    }
    out
}

/// Compares a grouped query with the totals of the same granularity, period by period.
pub fn self_check(query: &str, total_rows: &[CostRow], grouped_rows: &[CostRow]) -> Vec<Mismatch> {
    let totals = unblended_by_period(total_rows);
    let grouped = unblended_by_period(grouped_rows);
    let mut periods: Vec<&String> = totals.keys().chain(grouped.keys()).collect();
    periods.sort();
    periods.dedup();
    periods
        .into_iter()
        .filter_map(|p| {
            let t = totals.get(p).copied().unwrap_or(0.0);
            let g = grouped.get(p).copied().unwrap_or(0.0);
            ((g - t).abs() > TOLERANCE_USD + 1e-9).then(|| Mismatch {
                query: query.to_owned(),
                period_start: p.clone(),
                grouped: round4(g),
                total: round4(t),
            })
        })
        .collect()
}

/// What the summary is built from: the rows of the queries that completed.
pub struct SummaryInput<'a> {
    pub account_id: &'a str,
    pub window_start: &'a str,
    pub window_end: &'a str,
    pub generated_at: &'a str,
    pub requests_sent: u64,
    pub complete: bool,
    pub monthly_total: Option<&'a [CostRow]>,
    pub monthly_service: Option<&'a [CostRow]>,
    /// (tag key, rows of its monthly query).
    pub monthly_tags: Vec<(String, &'a [CostRow])>,
    pub mismatches: Vec<Mismatch>,
    pub failed: Vec<FailedQuery>,
}

/// Builds `summary.json`.
pub fn summary(input: SummaryInput<'_>) -> CostSummary {
    let mut currency = String::new();
    let mut monthly: BTreeMap<String, (f64, bool)> = BTreeMap::new();
    for r in input
        .monthly_total
        .unwrap_or_default()
        .iter()
        .filter(|r| r.metric == "UnblendedCost")
    {
        let month = r.period_start.get(..7).unwrap_or(&r.period_start).to_owned();
        let entry = monthly.entry(month).or_insert((0.0, false));
        entry.0 += amount_of(r);
        entry.1 |= r.estimated;
        if currency.is_empty() {
            currency = r.unit.clone();
        }
    }
    let monthly_totals = monthly
        .into_iter()
        .map(|(month, (amount, estimated))| MonthAmount {
            month,
            amount: round4(amount),
            estimated,
        })
        .collect();

    let mut services: BTreeMap<String, f64> = BTreeMap::new();
    for r in input
        .monthly_service
        .unwrap_or_default()
        .iter()
        .filter(|r| r.metric == "UnblendedCost")
    {
        *services.entry(r.group1_value.clone()).or_insert(0.0) += amount_of(r);
    }
    let mut top_services: Vec<NamedAmount> = services
        .into_iter()
        .map(|(name, amount)| NamedAmount {
            name,
            amount: round4(amount),
        })
        .collect();
    top_services.sort_by(|a, b| b.amount.total_cmp(&a.amount).then_with(|| a.name.cmp(&b.name)));
    top_services.truncate(10);

    let mut tag_monthly = Vec::new();
    for (key, rows) in &input.monthly_tags {
        let mut by: BTreeMap<(String, String), f64> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.metric == "UnblendedCost") {
            let month = r.period_start.get(..7).unwrap_or(&r.period_start).to_owned();
            *by.entry((r.group1_value.clone(), month)).or_insert(0.0) += amount_of(r);
        }
        for ((value, month), amount) in by {
            tag_monthly.push(TagMonthAmount {
                key: key.clone(),
                value,
                month,
                amount: round4(amount),
            });
        }
    }
    tag_monthly.sort_by(|a, b| (&a.key, &a.value, &a.month).cmp(&(&b.key, &b.value, &b.month)));

    CostSummary {
        schema_version: crate::model::COST_SUMMARY_SCHEMA_VERSION,
        account_id: input.account_id.to_owned(),
        window_start: input.window_start.to_owned(),
        window_end: input.window_end.to_owned(),
        generated_at: input.generated_at.to_owned(),
        currency: if currency.is_empty() {
            "USD".to_owned()
        } else {
            currency
        },
        requests_sent: input.requests_sent,
        complete: input.complete,
        monthly_totals,
        top_services,
        tag_monthly,
        mismatches: input.mismatches,
        failed: input.failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(period: &str, g1: &str, metric: &str, amount: &str) -> CostRow {
        CostRow {
            granularity: "MONTHLY".into(),
            period_start: period.into(),
            period_end: "x".into(),
            group1_key: if g1.is_empty() { String::new() } else { "SERVICE".into() },
            group1_value: g1.into(),
            group2_key: String::new(),
            group2_value: String::new(),
            metric: metric.into(),
            amount: amount.into(),
            unit: "USD".into(),
            estimated: false,
        }
    }

    #[test]
    fn csv_round_trips_sorted_with_the_issue_columns() {
        let mut rows = vec![
            row("2026-02-01", "S3", "UnblendedCost", "2.5"),
            row("2026-01-01", "EC2, with comma", "UnblendedCost", "1.25"),
        ];
        let bytes = rows_to_csv(&mut rows);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(
            "granularity,period_start,period_end,group1_key,group1_value,group2_key,group2_value,metric,amount,unit,estimated\n"
        ));
        assert!(text.contains("\"EC2, with comma\""), "{text}");
        let back = csv_to_rows("f.csv", &bytes).unwrap();
        assert_eq!(back, rows);
        assert_eq!(back[0].period_start, "2026-01-01");
    }

    #[test]
    fn hostile_tag_values_are_neutralised_in_the_file_and_read_back_as_they_were() {
        let mut rows = vec![
            row(
                "2026-01-01",
                "=HYPERLINK(\"http://evil.invalid\",\"x\")",
                "UnblendedCost",
                "-12.5",
            ),
            row("2026-01-01", "'@already-quoted", "UnblendedCost", "+4"),
            row("2026-01-01", "'plain", "UnblendedCost", "1e-5"),
            row("2026-01-01", "-", "UnblendedCost", "-0.0000001"),
        ];
        rows[0].group1_key = "Environment".into();
        let bytes = rows_to_csv(&mut rows);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains(",\"'=HYPERLINK("), "{text}");
        assert!(text.contains(",''@already-quoted,"), "{text}");
        assert!(text.contains(",'plain,"), "{text}");
        assert!(text.contains(",'-,"), "{text}");
        for amount in [",-12.5,", ",+4,", ",1e-5,", ",-0.0000001,"] {
            assert!(text.contains(amount), "amounts stay numbers: {text}");
        }
        assert_eq!(csv_to_rows("f.csv", &bytes).unwrap(), rows);
        assert_eq!(rows_to_csv(&mut rows.clone()), bytes, "the round trip is byte for byte");
    }

    #[test]
    fn hostile_tag_keys_round_trip_through_the_tags_file() {
        let listed = vec![CostAllocationTag {
            key: "=cmd|' /C calc'!A0".into(),
            tag_type: "UserDefined".into(),
            status: "Active".into(),
            last_updated: "@x".into(),
            last_used: String::new(),
        }];
        let bytes = tags_to_csv(&listed, &["+given".into()]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains("'=cmd|"), "{text}");
        assert!(text.contains("'+given,,Active,,,'--tag-keys"), "{text}");
        assert_eq!(csv_to_tags("t", &bytes).unwrap(), listed);
    }

    #[test]
    fn csv_with_a_foreign_header_is_rejected() {
        let err = csv_to_rows("x.csv", b"a,b\n1,2\n").unwrap_err();
        assert!(err.to_string().contains("x.csv"), "{err}");
    }

    #[test]
    fn self_check_flags_only_periods_off_by_more_than_a_cent() {
        let totals = vec![
            row("2026-01-01", "", "UnblendedCost", "10.00"),
            row("2026-02-01", "", "UnblendedCost", "20.00"),
            row("2026-03-01", "", "UnblendedCost", "5.00"),
            row("2026-01-01", "", "BlendedCost", "999"),
        ];
        let grouped = vec![
            row("2026-01-01", "A", "UnblendedCost", "4.00"),
            row("2026-01-01", "B", "UnblendedCost", "6.005"),
            row("2026-02-01", "A", "UnblendedCost", "19.98"),
        ];
        let m = self_check("monthly-service", &totals, &grouped);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].period_start, "2026-02-01");
        assert_eq!(m[0].grouped, 19.98);
        assert_eq!(m[0].total, 20.0);
        assert_eq!(m[1].period_start, "2026-03-01");
        assert_eq!(m[1].grouped, 0.0);
    }

    #[test]
    fn summary_has_monthly_totals_top_services_and_tag_months() {
        let mut est = row("2026-02-01", "", "UnblendedCost", "3");
        est.estimated = true;
        let totals = vec![row("2026-01-01", "", "UnblendedCost", "10"), est];
        let services = vec![
            row("2026-01-01", "S3", "UnblendedCost", "4"),
            row("2026-01-01", "EC2", "UnblendedCost", "6"),
            row("2026-02-01", "EC2", "UnblendedCost", "3"),
            row("2026-02-01", "EC2", "UsageQuantity", "300"),
        ];
        let mut tag_rows = vec![row("2026-01-01", "prod", "UnblendedCost", "7")];
        tag_rows.push(row("2026-01-01", "", "UnblendedCost", "3"));
        let s = summary(SummaryInput {
            account_id: "123456789012",
            window_start: "2026-01-01",
            window_end: "2026-03-01",
            generated_at: "t",
            requests_sent: 5,
            complete: true,
            monthly_total: Some(&totals),
            monthly_service: Some(&services),
            monthly_tags: vec![("Environment".into(), &tag_rows)],
            mismatches: vec![],
            failed: vec![],
        });
        assert_eq!(s.monthly_totals.len(), 2);
        assert_eq!(s.monthly_totals[0].month, "2026-01");
        assert!(s.monthly_totals[1].estimated);
        assert_eq!(s.top_services[0].name, "EC2");
        assert_eq!(s.top_services[0].amount, 9.0);
        assert_eq!(s.tag_monthly.len(), 2);
        assert_eq!(s.tag_monthly[0].value, "");
        assert_eq!(s.currency, "USD");
    }

    #[test]
    fn tags_csv_lists_listed_tags_then_given_keys() {
        let listed = vec![CostAllocationTag {
            key: "Environment".into(),
            tag_type: "UserDefined".into(),
            status: "Active".into(),
            last_updated: "2025-01-01T00:00:00Z".into(),
            last_used: String::new(),
        }];
        let bytes = tags_to_csv(&listed, &["Environment".into(), "Team".into()]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.contains("Team,,Active,,,'--tag-keys"), "{text}");
        assert_eq!(csv_to_tags("t", &bytes).unwrap(), listed);
    }
}
