//! The `classify` and `rules` subcommands: load and check every input first (rules, then the
//! snapshot), so that bad input stops the run before anything is written; then classify and
//! write `plan.json` and `assignments.csv`.

use std::path::Path;

use anyhow::Context as _;

use super::{Context, Outcome};
use crate::classify::{self, DEFAULT_RULES_TOML, Rules};
use crate::layout::Layout;
use crate::model::{Inventory, Plan};

pub fn run(ctx: &Context, args: crate::cli::ClassifyArgs) -> anyhow::Result<Outcome> {
    let rules = load_rules(args.rules.as_deref())?;
    let inventory = crate::model::read_inventory(&args.inventory)?;
    stage(ctx, &inventory, &rules, &Layout::new(&args.out_dir))?;
    if inventory.is_complete() {
        return Ok(Outcome::Complete);
    }
    for row in inventory.incomplete_coverage() {
        ctx.progress.notice(&format!(
            "warning: the snapshot misses {} in {} ({}{}): the plan does not cover those resources",
            row.service,
            row.region,
            row.status.as_str(),
            row.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default()
        ));
    }
    Ok(Outcome::Incomplete)
}

/// The rules file named on the command line, or the built-in rules.
pub(super) fn load_rules(path: Option<&Path>) -> anyhow::Result<Rules> {
    Ok(match path {
        Some(path) => Rules::load(path)?,
        None => Rules::default_rules(),
    })
}

/// The classify stage: places every resource, writes the plan and the assignments, and says
/// what it decided.
pub(super) fn stage(ctx: &Context, inventory: &Inventory, rules: &Rules, layout: &Layout) -> anyhow::Result<Plan> {
    let plan = classify::classify(inventory, rules);
    classify::write_outputs(&plan, layout)
        .with_context(|| format!("cannot write the plan into {}", layout.root().display()))?;
    ctx.progress.notice(&summary(&plan));
    ctx.progress.notice(&format!(
        "wrote {} and {}",
        layout.plan().display(),
        layout.assignments().display()
    ));
    Ok(plan)
}

/// One line: resources per target and how many need review.
pub(super) fn summary(plan: &Plan) -> String {
    let total = plan.assignments.len();
    let per_target: Vec<String> = plan
        .targets
        .iter()
        .filter(|t| t.resources > 0)
        .map(|t| format!("{} {}", t.name, t.resources))
        .collect();
    format!(
        "classified {total} resources ({}); {} to review, {} conflicts, {} workloads, {} move units",
        if per_target.is_empty() {
            "none".to_owned()
        } else {
            per_target.join(", ")
        },
        plan.review.len(),
        plan.conflicts.len(),
        plan.workloads.len(),
        plan.units.len()
    )
}

pub fn rules(_ctx: &Context, args: crate::cli::RulesArgs) -> anyhow::Result<Outcome> {
    if !args.print_default {
        anyhow::bail!(
            "nothing to do: run `acctsplit rules --print-default > rules.toml` to get the built-in rules, \
             edit the copy, and pass it with `acctsplit classify --rules rules.toml`"
        );
    }
    print!("{DEFAULT_RULES_TOML}");
    Ok(Outcome::Complete)
}
