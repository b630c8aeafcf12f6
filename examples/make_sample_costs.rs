//! Regenerates `sample-data/costs/`: the cost export of the built-in sample account
//! (`123456789012`, October 2025 to November 2026, November estimated), produced by the real
//! exporter (plan, runner, writers) over the deterministic synthetic Cost Explorer.
//!
//! Run it through `scripts/make-sample-costs.sh`, which empties the folder first (the exporter
//! would otherwise resume and keep the old files).

use std::path::PathBuf;

use acctsplit::progress::Progress;
use acctsplit::testkit::cost_explorer::write_sample;

fn main() -> anyhow::Result<()> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("sample-data/costs"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = runtime.block_on(write_sample(&out, &Progress::new(false)))?;
    anyhow::ensure!(report.complete, "the sample export is incomplete: {:?}", report.failed);
    anyhow::ensure!(report.mismatches == 0, "the sample export has self-check mismatches");
    Ok(())
}
