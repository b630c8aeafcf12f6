//! The Cost Explorer history exporter. An account that joins an organization loses sight of its
//! standalone cost history, so this stage saves it first, completely and at a known cost: it
//! plans the queries ([`plan`]), prints what they cost and stops unless that is allowed, runs
//! them with pacing, back-off and resume ([`runner`]), and writes CSVs, a manifest and a
//! summary ([`output`]). Cost Explorer sits behind [`api::CostExplorerApi`]; the real client is
//! in `aws::costexplorer` (with `export`, which runs an export against AWS); tests use the
//! synthetic one of the test kit.

pub mod api;
pub mod output;
pub mod plan;
pub mod runner;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::ApiError;
use crate::model::FailedQuery;

pub use runner::run_export;

/// Errors that stop an export before it writes anything (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CostsError {
    #[error(transparent)]
    Window(#[from] plan::WindowError),
    #[error("--tag-keys: {0}")]
    TagKeys(String),
    #[error("output folder {path} cannot be used: {detail}")]
    OutDir { path: PathBuf, detail: String },
    #[error(
        "{path} belongs to another export (account {found_account}, window {found_window}); this run is account {account}, window {window}. Choose another --out-dir, or move that folder away to start over"
    )]
    ForeignManifest {
        path: PathBuf,
        found_account: String,
        found_window: String,
        account: String,
        window: String,
    },
    #[error("{path} is not a manifest this tool can read ({detail}); move it away or choose another --out-dir")]
    BadManifest { path: PathBuf, detail: String },
    #[error(
        "the plan needs {planned} Cost Explorer requests (USD {usd:.2}), more than --max-requests {max}; rerun with --yes to accept, or raise --max-requests",
        usd = plan::usd(*planned)
    )]
    OverBudget { planned: u64, max: u64 },
    #[error("cannot read the account id (sts:GetCallerIdentity): {0}")]
    Identity(ApiError),
    #[error("Cost Explorer did not answer ({code}: {detail}). {advice}")]
    CostExplorerUnavailable {
        code: String,
        detail: String,
        advice: String,
    },
    #[error(transparent)]
    Write(#[from] crate::fsutil::WriteError),
    #[error("cannot read {path}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot read back {0}")]
    Parse(#[from] output::ParseError),
}

/// How fast the runner may go and how it backs off when Cost Explorer throttles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pacing {
    /// Least time between two requests (a few requests a second).
    pub min_interval: Duration,
    /// First back-off after a throttled answer; doubles each time.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Throttled answers in a row after which a query is recorded as failed (the run goes on
    /// and a rerun resumes it).
    pub max_throttled: u32,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            min_interval: Duration::from_millis(250),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            max_throttled: 10,
        }
    }
}

/// What the user asked of an export, before it is checked. The command line fills it in
/// (`app`), so the exporter knows nothing of clap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Months of monthly history, the current month included.
    pub months: u32,
    /// Months of daily history; `None` for as many as Cost Explorer keeps.
    pub daily_months: Option<u32>,
    pub dry_run: bool,
    pub max_requests: u64,
    pub yes: bool,
    /// Tag keys to export even when ListCostAllocationTags does not list them.
    pub tag_keys: Vec<String>,
}

/// Validated settings for one export.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    pub out_dir: PathBuf,
    /// `--months`, kept for advice when Cost Explorer rejects a long window.
    pub months: u32,
    pub window: plan::Window,
    /// Tag keys named with `--tag-keys`, added to the active keys Cost Explorer lists.
    pub tag_keys: Vec<String>,
    pub dry_run: bool,
    pub max_requests: u64,
    pub yes: bool,
    /// `fsutil::now_rfc3339()` unless a test pins it.
    pub generated_at: String,
    pub pacing: Pacing,
}

impl ExportSettings {
    /// Validates the command-line options; the window ends with the current month (UTC, or
    /// the date `SOURCE_DATE_EPOCH` pins).
    pub fn from_options(opts: &ExportOptions, out_dir: &Path) -> Result<ExportSettings, CostsError> {
        let generated_at = crate::fsutil::now_rfc3339();
        let today = time::Date::parse(
            generated_at.get(..10).unwrap_or_default(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap_or(time::Date::MIN);
        Self::new(opts, out_dir, today, generated_at)
    }

    /// As [`ExportSettings::from_options`], for a given date and timestamp.
    pub fn new(
        opts: &ExportOptions,
        out_dir: &Path,
        today: time::Date,
        generated_at: String,
    ) -> Result<ExportSettings, CostsError> {
        let daily_months = opts.daily_months.unwrap_or(plan::MAX_DAILY_MONTHS);
        let window = plan::window(today, opts.months, daily_months)?;
        let mut tag_keys = Vec::new();
        for key in &opts.tag_keys {
            let key = key.trim();
            if key.is_empty() {
                continue;
            }
            if key.len() > 128 {
                return Err(CostsError::TagKeys(format!(
                    "tag key `{key}` is longer than the 128 characters AWS allows"
                )));
            }
            tag_keys.push(key.to_owned());
        }
        tag_keys.sort();
        tag_keys.dedup();
        Ok(ExportSettings {
            out_dir: out_dir.to_path_buf(),
            months: opts.months,
            window,
            tag_keys,
            dry_run: opts.dry_run,
            max_requests: opts.max_requests,
            yes: opts.yes,
            generated_at,
            pacing: Pacing::default(),
        })
    }
}

/// What an export did.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    /// Cost Explorer requests answered during this run.
    pub requests_sent: u64,
    /// Requests the printed plan estimated for this run.
    pub planned_requests: u64,
    /// True when every planned query is complete (see `docs/costs.md` for what counts).
    pub complete: bool,
    /// Requests over every run that built the folder (resumed runs add up).
    pub requests_sent_total: u64,
    /// Queries run now / found complete from an earlier run.
    pub queries_run: usize,
    pub queries_skipped: usize,
    pub failed: Vec<FailedQuery>,
    pub mismatches: usize,
    pub dry_run: bool,
    /// What `summary.json` now holds; `None` for a dry run, which writes nothing.
    pub summary: Option<crate::model::CostSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(months: u32, daily: Option<u32>) -> ExportOptions {
        ExportOptions {
            months,
            daily_months: daily,
            dry_run: false,
            max_requests: 200,
            yes: false,
            tag_keys: vec![" Project".into(), "".into(), "Environment".into(), "Project".into()],
        }
    }

    #[test]
    fn settings_validate_months_and_tidy_tag_keys() {
        let today = time::macros::date!(2026 - 11 - 22);
        let s = ExportSettings::new(&options(14, None), Path::new("out"), today, "t".into()).unwrap();
        assert_eq!(s.window.monthly.start, "2025-10-01");
        assert_eq!(s.window.daily.as_ref().unwrap().start, "2025-10-01");
        assert_eq!(s.tag_keys, vec!["Environment".to_owned(), "Project".to_owned()]);
        let err = ExportSettings::new(&options(0, None), Path::new("out"), today, "t".into()).unwrap_err();
        assert!(err.to_string().contains("--months 0"), "{err}");
        let err = ExportSettings::new(&options(14, Some(20)), Path::new("out"), today, "t".into()).unwrap_err();
        assert!(err.to_string().contains("--daily-months 20"), "{err}");
    }
}
