//! The `runbook` subcommand: reads the inventory, the plan, the optional cost export and the
//! rules' acknowledgements, renders the runbook and writes it, then reconciles the spend with the
//! scan into `blind-spots.csv`. Every input is read and checked before anything is written, so
//! bad input leaves the output folder untouched.

use std::path::Path;

use anyhow::Context as _;

use super::{Context, Outcome};
use crate::blindspots::{self, Acknowledgement, BlindSpotReport, CollectorFacts, Spend};
use crate::cli::BlindSpotOptions;
use crate::layout::Layout;
use crate::model::{CostSummary, Inventory};
use crate::report::{self, RunbookInput};

pub fn run(ctx: &Context, args: crate::cli::RunbookArgs) -> anyhow::Result<Outcome> {
    let min_usd = min_usd(&args.blind_spots)?;
    let inventory = crate::model::read_inventory(&args.inventory)?;
    let plan = crate::model::read_plan(&args.plan)?;
    let rules = super::classify::load_rules(args.rules.as_deref())?;
    let costs = match &args.costs {
        Some(dir) => Some(report::read_cost_summary(dir)?),
        None => None,
    };
    let spend = match (&args.costs, &costs) {
        (Some(dir), Some(summary)) => SpendInput::read(dir, summary)?,
        _ => SpendInput::NoExport("no cost export was given (--costs)".to_owned()),
    };
    let layout = Layout::new(&args.out_dir);
    report::check_inputs(&inventory, &plan, costs.as_ref())?;
    let blind = blind_spot_stage(ctx, &inventory, &spend, &rules.acknowledge, min_usd, &layout)?;
    let input = RunbookInput {
        inventory: &inventory,
        plan: &plan,
        costs: costs.as_ref(),
        blind_spots: Some(&blind),
        generated_at: crate::fsutil::now_rfc3339(),
    };
    stage(ctx, &input, &layout)?;

    let gaps: Vec<String> = inventory
        .incomplete_coverage()
        .map(|row| format!("{} in {} ({})", row.service, row.region, row.status.as_str()))
        .collect();
    let mut outcome = blind_spot_outcome(&blind);
    if !gaps.is_empty() {
        ctx.progress.notice(&format!(
            "warning: the scan could not see {}; the runbook names them. Rescan, then render again.",
            gaps.join(", ")
        ));
        outcome = outcome.and(Outcome::Incomplete);
    }
    Ok(outcome)
}

/// The runbook stage: renders the runbook from what the earlier stages wrote and writes its
/// files.
pub(super) fn stage(ctx: &Context, input: &RunbookInput, layout: &Layout) -> anyhow::Result<()> {
    let runbook = report::render(input).context("cannot render the runbook")?;
    report::write_runbook(&runbook, layout)
        .with_context(|| format!("cannot write the runbook into {}", layout.root().display()))?;
    ctx.progress.notice(&format!(
        "wrote {}: {} steps, {} words",
        layout.runbook_md().display(),
        runbook.steps,
        runbook.words
    ));
    Ok(())
}

/// What the blind-spot check needs of each collector in the registry: its name, whether it
/// reads a global endpoint, and the Cost Explorer services it reads in depth. The Tagging API
/// collector reads no service in depth; the check uses its coverage rows for the services
/// nothing else reads.
pub(super) fn collector_facts() -> Vec<CollectorFacts> {
    crate::aws::collectors::REGISTRY
        .iter()
        .map(|c| CollectorFacts {
            name: c.name(),
            global: c.scope() == crate::scan::Scope::Global,
            billed_as: c.billed_as(),
        })
        .collect()
}

/// Checks `--blind-spot-min-usd` before anything is read or written.
pub(super) fn min_usd(options: &BlindSpotOptions) -> anyhow::Result<f64> {
    let value = options.blind_spot_min_usd;
    if !value.is_finite() || value < 0.0 {
        anyhow::bail!("--blind-spot-min-usd {value} is not a dollar amount: use a number of 0 or more, such as 1.00");
    }
    Ok(value)
}

/// The spend the check reads, or why there is none.
pub(super) enum SpendInput {
    Spend(Spend),
    /// No export, or one without the files the check reads: why, in words.
    NoExport(String),
}

impl SpendInput {
    /// Reads the spend of the cost export in `dir`. A malformed file is an error that names it
    /// and its line (exit code 2).
    pub(super) fn read(dir: &Path, summary: &CostSummary) -> anyhow::Result<SpendInput> {
        Ok(match blindspots::read_spend(dir, summary)? {
            Some(spend) => SpendInput::Spend(spend),
            None => SpendInput::NoExport(format!(
                "the cost export in {} has neither {} nor {} and {}",
                dir.display(),
                blindspots::SERVICE_REGION_FILE,
                blindspots::SERVICE_FILE,
                blindspots::REGION_FILE
            )),
        })
    }
}

/// The blind-spot stage: reconciles the spend with the scan, writes `blind-spots.csv`, prints
/// the one-line summary and any warning, and hands the report back (for the runbook).
/// Without a cost export it writes nothing and says that completeness was not checked.
pub(super) fn blind_spot_stage(
    ctx: &Context,
    inventory: &Inventory,
    spend: &SpendInput,
    acknowledgements: &[Acknowledgement],
    min_usd: f64,
    layout: &Layout,
) -> anyhow::Result<BlindSpotReport> {
    let report = match spend {
        SpendInput::NoExport(why) => BlindSpotReport::skipped(why.clone(), min_usd),
        SpendInput::Spend(spend) => {
            let report = blindspots::reconcile(inventory, spend, &collector_facts(), acknowledgements, min_usd);
            let path = layout.blind_spots();
            crate::fsutil::write_atomic(&path, &blindspots::to_csv(&report))
                .with_context(|| format!("cannot write {}", path.display()))?;
            report
        }
    };
    for warning in &report.warnings {
        ctx.progress.notice(&format!("warning: {warning}"));
    }
    ctx.progress.notice(&report.summary_line());
    Ok(report)
}

/// Blind spots make the run incomplete (exit 1), like a denied region.
pub(super) fn blind_spot_outcome(report: &BlindSpotReport) -> Outcome {
    if report.blind_spots > 0 {
        Outcome::Incomplete
    } else {
        Outcome::Complete
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_must_be_a_dollar_amount() {
        let opts = |v: f64| BlindSpotOptions { blind_spot_min_usd: v };
        assert_eq!(min_usd(&opts(1.0)).unwrap(), 1.0);
        assert_eq!(min_usd(&opts(0.0)).unwrap(), 0.0);
        for bad in [-0.5, f64::NAN, f64::INFINITY] {
            let err = min_usd(&opts(bad)).unwrap_err().to_string();
            assert!(err.starts_with("--blind-spot-min-usd"), "{err}");
        }
    }

    #[test]
    fn every_collector_service_name_is_known_and_billed_once() {
        let facts = collector_facts();
        let mut all: Vec<&str> = facts.iter().flat_map(|c| c.billed_as.iter().copied()).collect();
        for name in &all {
            assert!(
                blindspots::names::lookup(name).is_some(),
                "{name} is not in blindspots::names"
            );
        }
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "a Cost Explorer service is billed to two collectors");
    }
}
