//! The `runbook` subcommand: reads the inventory, the plan and the optional cost export,
//! renders the runbook and writes it. Every input is read and checked before anything is
//! written, so bad input leaves the output folder untouched.

use anyhow::Context as _;

use super::{Context, Outcome};
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
    let runbook = report::render(&input).context("cannot render the runbook")?;
    report::write_runbook(&runbook, &args.out_dir)
        .with_context(|| format!("cannot write the runbook into {}", args.out_dir.display()))?;

    let gaps: Vec<String> = inventory
        .incomplete_coverage()
        .map(|row| format!("{} in {} ({})", row.service, row.region, row.status.as_str()))
        .collect();
    ctx.progress.notice(&format!(
        "wrote {}: {} steps, {} words",
        args.out_dir.join("runbook.md").display(),
        runbook.steps,
        runbook.words
    ));
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
