//! Regenerates `sample-data/costs/`: the cost export of the built-in sample account
//! (`123456789012`, October 2025 to November 2026, November estimated), produced by the real
//! exporter (plan, runner, writers) over the deterministic synthetic Cost Explorer.
//!
//! Run it through `scripts/make-sample-costs.sh`, which empties the folder first (the exporter
//! would otherwise resume and keep the old files).

use std::path::PathBuf;
use std::time::Duration;

use acctsplit::cli::CostOptions;
use acctsplit::costs::synthetic::{SyntheticConfig, SyntheticCostExplorer};
use acctsplit::costs::{ExportSettings, Pacing, run_export};
use acctsplit::progress::Progress;
use time::macros::date;

/// Daily history kept in the sample: the last three months, so the committed folder stays a
/// few megabytes (a real export keeps 14 months of daily data by default).
const SAMPLE_DAILY_MONTHS: u32 = 3;

fn main() -> anyhow::Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("sample-data/costs"));
    let today = date!(2026 - 11 - 22);
    let options = CostOptions {
        months: 14,
        daily_months: Some(SAMPLE_DAILY_MONTHS),
        dry_run: false,
        max_requests: 200,
        yes: true,
        tag_keys: Vec::new(),
    };
    let mut settings = ExportSettings::new(&options, &out, today, "2026-11-22T06:00:00Z".to_owned())?;
    settings.pacing = Pacing {
        min_interval: Duration::ZERO,
        ..Pacing::default()
    };
    let ce = SyntheticCostExplorer::new(SyntheticConfig::sample(today, date!(2025 - 10 - 01)));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = runtime.block_on(run_export(&ce, &settings, &Progress::new(false)))?;
    anyhow::ensure!(report.complete, "the sample export is incomplete: {:?}", report.failed);
    anyhow::ensure!(report.mismatches == 0, "the sample export has self-check mismatches");
    Ok(())
}
