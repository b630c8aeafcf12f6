//! The `assess` subcommand: scan, classify, export the cost history and write the runbook,
//! all into one folder laid out by [`Layout`]. Each step is the stage function its own
//! subcommand uses. With `--sample` it runs on the built-in sample account, offline, with the
//! sample's own rules (which acknowledge the sample's blind spots).

use super::runbook::SpendInput;
use super::{Context, Outcome};
use crate::classify::Rules;
use crate::cli::AssessArgs;
use crate::costs::CostsError;
use crate::layout::Layout;
use crate::report::RunbookInput;

pub fn run(ctx: &Context, args: AssessArgs) -> anyhow::Result<Outcome> {
    // Every input is checked before any request and before anything is written.
    let min_usd = super::runbook::min_usd(&args.blind_spots)?;
    let rules = match (&args.rules, args.sample) {
        (None, true) => crate::sample::rules()?,
        (path, _) => super::classify::load_rules(path.as_deref())?,
    };
    let layout = Layout::new(&args.out_dir);
    crate::fsutil::check_writable(&layout.plan())?;
    if args.sample {
        return run_sample(ctx, &args, &rules, min_usd, &layout);
    }
    let scan_settings = super::scan::settings(&args.scan)?;
    let cost_settings = match args.skip_costs {
        true => None,
        false => Some(super::costs::settings(&args.costs, &layout.costs())?),
    };
    super::runtime()?.block_on(async {
        let aws = crate::aws::Aws::load(&ctx.aws).await;
        let inventory = super::scan::stage(ctx, &aws, &scan_settings, &layout.inventory()).await?;
        let mut outcome = super::scan::outcome_of(&inventory);
        let plan = super::classify::stage(ctx, &inventory, &rules, &layout)?;
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
                        layout.costs().display()
                    ));
                    outcome = outcome.and(Outcome::Incomplete);
                    None
                }
                Err(err) => return Err(anyhow::Error::new(err).context("the cost export stopped")),
            },
        };
        let spend = match (&costs, args.skip_costs) {
            (Some(summary), _) => SpendInput::read(&layout.costs(), summary)?,
            (None, true) => SpendInput::NoExport("the cost history was not exported (--skip-costs)".to_owned()),
            (None, false) => SpendInput::NoExport("the cost history was not exported".to_owned()),
        };
        let blind = super::runbook::blind_spot_stage(ctx, &inventory, &spend, &rules.acknowledge, min_usd, &layout)?;
        let input = RunbookInput {
            inventory: &inventory,
            plan: &plan,
            costs: costs.as_ref(),
            blind_spots: Some(&blind),
            generated_at: crate::fsutil::now_rfc3339(),
        };
        super::runbook::stage(ctx, &input, &layout)?;
        Ok(outcome.and(super::runbook::blind_spot_outcome(&blind)))
    })
}

/// The sample: the embedded inventory and cost export, classified and written like a real run.
/// Its files carry the sample's scan time instead of the clock, so `sample-reports/` is
/// reproducible byte for byte.
fn run_sample(
    ctx: &Context,
    args: &AssessArgs,
    rules: &Rules,
    min_usd: f64,
    layout: &Layout,
) -> anyhow::Result<Outcome> {
    let inventory = crate::sample::inventory()?;
    super::scan::write_inventory(&inventory, &layout.inventory())?;
    let plan = super::classify::stage(ctx, &inventory, rules, layout)?;
    let (costs, spend) = if args.skip_costs {
        (
            None,
            SpendInput::NoExport("the cost history was not exported (--skip-costs)".to_owned()),
        )
    } else {
        for (name, bytes) in crate::sample::cost_files() {
            crate::fsutil::write_atomic(&layout.costs().join(name), bytes)?;
        }
        let summary = crate::sample::cost_summary()?;
        let spend = SpendInput::read(&layout.costs(), &summary)?;
        (Some(summary), spend)
    };
    let blind = super::runbook::blind_spot_stage(ctx, &inventory, &spend, &rules.acknowledge, min_usd, layout)?;
    let input = RunbookInput {
        inventory: &inventory,
        plan: &plan,
        costs: costs.as_ref(),
        blind_spots: Some(&blind),
        generated_at: inventory.scanned_at.clone(),
    };
    super::runbook::stage(ctx, &input, layout)?;
    Ok(super::runbook::blind_spot_outcome(&blind))
}
