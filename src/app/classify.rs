//! The `classify` and `rules` subcommands: load and check every input first (rules, then the
//! snapshot), so that bad input stops the run before anything is written; then classify and
//! write `plan.json` and `assignments.csv`.

use super::{Context, Outcome};
use crate::classify::{self, DEFAULT_RULES_TOML, Rules};
use crate::model::Plan;

pub fn run(ctx: &Context, args: crate::cli::ClassifyArgs) -> anyhow::Result<Outcome> {
    let rules = match &args.rules {
        Some(path) => Rules::load(path)?,
        None => Rules::default_rules(),
    };
    let inventory = crate::model::read_inventory(&args.inventory)?;
    let plan = classify::classify(&inventory, &rules);
    classify::write_outputs(&plan, &args.out_dir)?;
    ctx.progress.notice(&summary(&plan));
    ctx.progress.notice(&format!(
        "wrote {} and {}",
        args.out_dir.join("plan.json").display(),
        args.out_dir.join("assignments.csv").display()
    ));
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
        "classified {total} resources ({}); {} to review, {} conflicts, {} move groups",
        if per_target.is_empty() {
            "none".to_owned()
        } else {
            per_target.join(", ")
        },
        plan.review.len(),
        plan.conflicts.len(),
        plan.move_groups.len()
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
