//! The `assess` subcommand: scan, classify, export the cost history and write the runbook,
//! all into one folder. With `--sample` it runs on the built-in sample account, offline.

use std::path::Path;

use anyhow::Context as _;

use super::{Context, Outcome};
use crate::classify::Rules;
use crate::cli::AssessArgs;
use crate::costs::{CostsError, ExportSettings};
use crate::model::{CostSummary, Inventory, Plan};

pub fn run(ctx: &Context, args: AssessArgs) -> anyhow::Result<Outcome> {
    // Every input is checked before any request and before anything is written.
    let rules = match &args.rules {
        Some(path) => Rules::load(path)?,
        None => Rules::default_rules(),
    };
    crate::fsutil::check_writable(&args.out_dir.join("plan.json"))?;
    if args.sample {
        return run_sample(ctx, &args, &rules);
    }
    let scan_settings = super::scan::settings(&args.scan)?;
    let costs_dir = args.out_dir.join("costs");
    let cost_settings = match args.skip_costs {
        true => None,
        false => Some(ExportSettings::from_options(&args.costs, &costs_dir)?),
    };
    super::runtime()?.block_on(async {
        let aws = crate::aws::Aws::load(&ctx.aws).await;
        let inventory = super::scan::scan_account(ctx, &aws, &scan_settings).await?;
        super::scan::write_inventory(&inventory, &args.out_dir.join("inventory.json"))?;
        let mut outcome = super::scan::outcome_of(&inventory);
        let plan = classify(ctx, &inventory, &rules, &args.out_dir)?;
        let costs = match &cost_settings {
            None => None,
            Some(settings) => match crate::aws::costexplorer::export(&aws, settings, &ctx.progress).await {
                Ok(report) => {
                    if !report.complete {
                        outcome = outcome.and(Outcome::Incomplete);
                    }
                    // A dry run writes no summary: the runbook then says the history is not saved.
                    report.summary
                }
                Err(err @ (CostsError::OverBudget { .. } | CostsError::CostExplorerUnavailable { .. })) => {
                    ctx.progress.notice(&format!(
                        "warning: the cost history was not exported: {err}. The scan, the plan and the runbook \
                         are written; export the history with `acctsplit costs --out-dir {}` before the invitation.",
                        costs_dir.display()
                    ));
                    outcome = outcome.and(Outcome::Incomplete);
                    None
                }
                Err(err) => return Err(anyhow::Error::new(err).context("the cost export stopped")),
            },
        };
        write_runbook(
            ctx,
            &inventory,
            &plan,
            costs.as_ref(),
            &args.out_dir,
            crate::fsutil::now_rfc3339(),
        )?;
        Ok(outcome)
    })
}

/// The sample: the embedded inventory and cost export, classified and written like a real run.
/// Its files carry the sample's scan time instead of the clock, so `sample-reports/` is
/// reproducible byte for byte.
fn run_sample(ctx: &Context, args: &AssessArgs, rules: &Rules) -> anyhow::Result<Outcome> {
    let inventory = crate::sample::inventory()?;
    super::scan::write_inventory(&inventory, &args.out_dir.join("inventory.json"))?;
    let plan = classify(ctx, &inventory, rules, &args.out_dir)?;
    let costs = if args.skip_costs {
        None
    } else {
        let dir = args.out_dir.join("costs");
        for (name, bytes) in crate::sample::cost_files() {
            crate::fsutil::write_atomic(&dir.join(name), bytes)?;
        }
        Some(crate::sample::cost_summary()?)
    };
    write_runbook(
        ctx,
        &inventory,
        &plan,
        costs.as_ref(),
        &args.out_dir,
        inventory.scanned_at.clone(),
    )?;
    Ok(Outcome::Complete)
}

fn classify(ctx: &Context, inventory: &Inventory, rules: &Rules, out_dir: &Path) -> anyhow::Result<Plan> {
    let plan = crate::classify::classify(inventory, rules);
    crate::classify::write_outputs(&plan, out_dir)
        .with_context(|| format!("cannot write the plan into {}", out_dir.display()))?;
    ctx.progress.notice(&super::classify::summary(&plan));
    Ok(plan)
}

fn write_runbook(
    ctx: &Context,
    inventory: &Inventory,
    plan: &Plan,
    costs: Option<&CostSummary>,
    out_dir: &Path,
    generated_at: String,
) -> anyhow::Result<()> {
    let input = crate::report::RunbookInput {
        inventory,
        plan,
        costs,
        generated_at,
    };
    let runbook = crate::report::render(&input).context("cannot render the runbook")?;
    crate::report::write_runbook(&runbook, out_dir)
        .with_context(|| format!("cannot write the runbook into {}", out_dir.display()))?;
    ctx.progress.notice(&format!(
        "wrote {}: {} steps, {} words",
        out_dir.join("runbook.md").display(),
        runbook.steps,
        runbook.words
    ));
    Ok(())
}
