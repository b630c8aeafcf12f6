//! The spend side of the check: the average monthly UnblendedCost per (service, region), read
//! from the cost export's CSVs. The months are the last complete ones before the export's window
//! end (from `summary.json`, never the clock), so the same export always gives the same figures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{ANY, Check, MONTHS_AVERAGED};
use crate::costs::output::{CostRow, ParseError, csv_to_rows};
use crate::model::CostSummary;

/// Monthly cost per `SERVICE` and `REGION`, the file the full check reads.
pub const SERVICE_REGION_FILE: &str = "monthly-service-region.csv";
/// What an older export offers instead: per `SERVICE`, and per `REGION`.
pub const SERVICE_FILE: &str = "monthly-service.csv";
pub const REGION_FILE: &str = "monthly-region.csv";

/// Why the spend could not be read. Every variant names the file, and the line when known.
#[derive(Debug, thiserror::Error)]
pub enum SpendError {
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{0}")]
    Malformed(#[from] ParseError),
}

/// One (service, region) and its average monthly spend.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendRow {
    /// [`ANY`] for a region total of the weak check.
    pub service: String,
    /// [`ANY`] for a service total of the weak check.
    pub region: String,
    pub monthly_usd: f64,
}

/// The spend to reconcile.
#[derive(Debug, Clone, PartialEq)]
pub struct Spend {
    /// `Full` or `Weak`.
    pub check: Check,
    /// What makes the figures less than they should be (a weak check, fewer months), said once
    /// here and added to every row's detail.
    pub note: Option<String>,
    /// The months averaged, `YYYY-MM`, oldest first.
    pub months: Vec<String>,
    /// Sorted by service, then region; rows with no spend in those months are left out.
    pub rows: Vec<SpendRow>,
}

/// Reads the spend from a cost export folder: `monthly-service-region.csv`, or for an older
/// export `monthly-service.csv` and `monthly-region.csv`. `None` when the folder has none of
/// them (nothing can be checked).
pub fn read_spend(dir: &Path, summary: &CostSummary) -> Result<Option<Spend>, SpendError> {
    let read = |name: &str| -> Result<Option<Vec<CostRow>>, SpendError> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(csv_to_rows(&path.display().to_string(), &bytes)?)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(SpendError::Read { path, error }),
        }
    };
    if let Some(rows) = read(SERVICE_REGION_FILE)? {
        let file = dir.join(SERVICE_REGION_FILE).display().to_string();
        return Ok(Some(spend_from_rows(
            Check::Full,
            &[(&file, &rows, ["SERVICE", "REGION"])],
            summary,
        )?));
    }
    let (Some(services), Some(regions)) = (read(SERVICE_FILE)?, read(REGION_FILE)?) else {
        return Ok(None);
    };
    let service_file = dir.join(SERVICE_FILE).display().to_string();
    let region_file = dir.join(REGION_FILE).display().to_string();
    Ok(Some(spend_from_rows(
        Check::Weak,
        &[
            (&service_file, &services, ["SERVICE", ""]),
            (&region_file, &regions, ["REGION", ""]),
        ],
        summary,
    )?))
}

/// A file's rows, with the group keys they must carry (`""`: none).
type Source<'a> = (&'a str, &'a [CostRow], [&'a str; 2]);

/// Builds the spend from parsed rows. A full check takes one source grouped by `SERVICE` and
/// `REGION`; a weak one takes a `SERVICE` source and a `REGION` source.
pub fn spend_from_rows(check: Check, sources: &[Source<'_>], summary: &CostSummary) -> Result<Spend, ParseError> {
    let mut amounts: Vec<(String, String, String, f64)> = Vec::new();
    let mut seen_months: BTreeMap<String, bool> = BTreeMap::new();
    for (file, rows, keys) in sources {
        for (i, row) in rows.iter().enumerate() {
            let line = i + 2;
            let bad = |detail: String| ParseError {
                file: (*file).to_owned(),
                detail: format!("line {line}: {detail}"),
            };
            if row.metric != "UnblendedCost" {
                continue;
            }
            if row.group1_key != keys[0] || row.group2_key != keys[1] {
                return Err(bad(format!(
                    "groups {}{} where this file has {}{}",
                    row.group1_key,
                    plus(&row.group2_key),
                    keys[0],
                    plus(keys[1])
                )));
            }
            let Some(month) = month_of(&row.period_start) else {
                return Err(bad(format!("period_start '{}' is not a date", row.period_start)));
            };
            let amount: f64 = row
                .amount
                .trim()
                .parse()
                .ok()
                .filter(|a: &f64| a.is_finite())
                .ok_or_else(|| bad(format!("amount '{}' is not a number", row.amount)))?;
            let complete = !row.estimated && row.period_end.as_str() <= summary.window_end.as_str();
            let entry = seen_months.entry(month.clone()).or_insert(true);
            *entry &= complete;
            let (service, region) = match (keys[0], keys[1]) {
                ("REGION", _) => (ANY.to_owned(), row.group1_value.clone()),
                (_, "REGION") => (row.group1_value.clone(), row.group2_value.clone()),
                _ => (row.group1_value.clone(), ANY.to_owned()),
            };
            amounts.push((month, service, region, amount));
        }
    }
    // Months the summary knows complete count even where no service had spend.
    for m in &summary.monthly_totals {
        let complete = !m.estimated && format!("{}-01", m.month).as_str() < summary.window_end.as_str();
        let entry = seen_months.entry(m.month.clone()).or_insert(true);
        *entry &= complete;
    }
    let complete: Vec<String> = seen_months
        .into_iter()
        .filter(|(_, complete)| *complete)
        .map(|(m, _)| m)
        .collect();
    let months: Vec<String> = complete[complete.len().saturating_sub(MONTHS_AVERAGED)..].to_vec();
    let chosen: BTreeSet<&str> = months.iter().map(String::as_str).collect();
    let mut sums: BTreeMap<(String, String), f64> = BTreeMap::new();
    for (month, service, region, amount) in amounts {
        if chosen.contains(month.as_str()) {
            *sums.entry((service, region)).or_insert(0.0) += amount;
        }
    }
    let n = months.len().max(1) as f64;
    let rows = sums
        .into_iter()
        .map(|((service, region), sum)| SpendRow {
            service,
            region,
            monthly_usd: round4(sum / n),
        })
        .filter(|r| r.monthly_usd != 0.0)
        .collect();
    let mut notes = Vec::new();
    if check == Check::Weak {
        notes.push(format!(
            "weak check: this older export has no {}, so services and regions were checked apart, not as pairs; export again for the full check",
            super::SERVICE_REGION_FILE
        ));
    }
    match months.len() {
        0 => notes.push("the export holds no complete month, so there is no spend to check".to_owned()),
        n if n < MONTHS_AVERAGED => notes.push(format!(
            "averaged over {n} complete month{} ({}), fewer than {MONTHS_AVERAGED}",
            if n == 1 { "" } else { "s" },
            months.join(", ")
        )),
        _ => {}
    }
    Ok(Spend {
        check,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        months,
        rows,
    })
}

fn plus(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!(" + {key}")
    }
}

/// `YYYY-MM` of a `YYYY-MM-DD` date.
fn month_of(date: &str) -> Option<String> {
    let b = date.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    ok.then(|| date[..7].to_owned())
}

fn round4(x: f64) -> f64 {
    crate::costs::output::round4(x)
}
