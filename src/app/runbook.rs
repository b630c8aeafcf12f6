//! The `runbook` subcommand: reads the inventory, the plan and the optional cost export,
//! renders the runbook and writes it. Every input is read and checked before anything is
//! written, so bad input leaves the output folder untouched.

use anyhow::Context as _;

use super::{Context, Outcome};
use crate::layout::Layout;
use crate::report::{self, RunbookInput};

pub fn run(ctx: &Context, args: crate::cli::RunbookArgs) -> anyhow::Result<Outcome> {
    let inventory = crate::model::read_inventory(&args.inventory)?;
    let plan = crate::model::read_plan(&args.plan)?;
    let costs = match &args.costs {
        Some(dir) => Some(report::read_cost_summary(dir)?),
        None => None,
    };
    let input = RunbookInput {
        inventory: &inventory,
        plan: &plan,
        costs: costs.as_ref(),
        generated_at: crate::fsutil::now_rfc3339(),
    };
    stage(ctx, &input, &Layout::new(&args.out_dir))?;

    let gaps: Vec<String> = inventory
        .incomplete_coverage()
        .map(|row| format!("{} in {} ({})", row.service, row.region, row.status.as_str()))
        .collect();
    if gaps.is_empty() {
        Ok(Outcome::Complete)
    } else {
        ctx.progress.notice(&format!(
            "warning: the scan could not see {}; the runbook names them. Rescan, then render again.",
            gaps.join(", ")
        ));
        Ok(Outcome::Incomplete)
    }
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
