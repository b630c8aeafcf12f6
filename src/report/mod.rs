//! The runbook generator: turns the inventory, the plan and the optional cost summary into the
//! runbook the migration team follows (`runbook.md`, `runbook.html`, `tasks.csv`) plus the SCP
//! documents it asks them to attach. Steps are built as data ([`steps`]); minijinja templates
//! embedded in the binary lay them out, with strict undefined so a missing value fails loudly.

mod attribution;
mod caveats;
mod charts;
pub mod completeness;
mod context;
mod facts;
mod html;
mod scp;
mod steps;
mod text;

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior};

pub use steps::{Phase, Step, check_order};

#[cfg(test)]
use html::{is_local_link, markdown_to_html};

use crate::fsutil::{WriteError, write_atomic};
use crate::layout::Layout;
use crate::model::{CostSummary, Inventory, Plan};

/// What the runbook is made from.
pub struct RunbookInput<'a> {
    pub inventory: &'a Inventory,
    pub plan: &'a Plan,
    pub costs: Option<&'a CostSummary>,
    /// The reconciliation of the cost history with the scan; `None` when no cost export was
    /// given, and the runbook then says completeness could not be checked.
    pub blind_spots: Option<&'a crate::blindspots::BlindSpotReport>,
    /// The only timestamp written into the runbook.
    pub generated_at: String,
}

/// The rendered runbook, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub markdown: String,
    pub html: String,
    pub tasks_csv: String,
    /// Every cross-target link of the plan, one row each (the runbook summarises them).
    pub dependencies_csv: String,
    /// (file name under `scp/`, policy JSON), sorted by file name.
    pub scps: Vec<(String, String)>,
    pub steps: usize,
    /// Words in the Markdown runbook (tokens with a letter or digit).
    pub words: usize,
}

/// Why a runbook could not be made; each names the file or the plan entry at fault.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Read(#[from] crate::model::ReadError),
    #[error(
        "{what} is for account {found}, but the inventory is for account {expected}: pass files from the same account"
    )]
    AccountMismatch {
        what: &'static str,
        expected: String,
        found: String,
    },
    #[error("the plan's {what} {unit} depends on {depends_on}, which {problem}: regenerate the plan")]
    UnitOrder {
        /// `move unit` or `workload`.
        what: &'static str,
        unit: String,
        depends_on: String,
        problem: &'static str,
    },
    #[error("step {step} depends on {depends_on}, which does not come before it")]
    StepOrder { step: String, depends_on: String },
    #[error("template {name} failed: {error:#}")]
    Template { name: String, error: minijinja::Error },
}

/// Renders every output in memory. Fails when the inputs disagree (different accounts, a move
/// group that depends on a later one); never writes anything.
pub fn render(input: &RunbookInput) -> Result<Runbook, ReportError> {
    check_inputs(input.inventory, input.plan, input.costs)?;
    let facts = facts::Facts::new(input);
    let steps = steps::build(&facts);
    check_order(&steps).map_err(|e| order_error(&steps, e))?;
    let ctx = context::build(input, &facts, &steps);

    let env = environment()?;
    let render = |name: &str, ctx: &minijinja::Value| -> Result<String, ReportError> {
        env.get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|error| ReportError::Template {
                name: name.to_string(),
                error,
            })
    };
    let md_ctx = minijinja::Value::from(minijinja::value::Serde(&ctx));
    let summary_md = render("summary.md.j2", &md_ctx)?;
    let body_md = render("body.md.j2", &md_ctx)?;
    let markdown = render("runbook.md.j2", &md_ctx)?;
    let step_ids = steps.iter().map(|s| s.id.as_str()).collect();
    let page = html::render(&summary_md, &body_md, &step_ids);
    let html_ctx = minijinja::context! {
        ctx => md_ctx,
        summary_html => minijinja::Value::from_safe_string(page.summary),
        body_html => minijinja::Value::from_safe_string(page.body),
        toc_html => minijinja::Value::from_safe_string(page.toc),
        charts => context::charts(input, &facts),
    };
    let html = render("runbook.html.j2", &html_ctx)?;
    let words = count_words(&markdown);
    Ok(Runbook {
        markdown,
        html,
        tasks_csv: tasks_csv(&steps),
        dependencies_csv: dependencies_csv(&facts),
        scps: facts.scps.iter().map(|s| (s.file.clone(), s.json.clone())).collect(),
        steps: steps.len(),
        words,
    })
}

/// Writes the runbook in Markdown and HTML, `tasks.csv` and the SCP documents where `layout`
/// puts them, each atomically.
pub fn write_runbook(runbook: &Runbook, layout: &Layout) -> Result<(), WriteError> {
    write_atomic(&layout.runbook_md(), runbook.markdown.as_bytes())?;
    write_atomic(&layout.runbook_html(), runbook.html.as_bytes())?;
    write_atomic(&layout.tasks(), runbook.tasks_csv.as_bytes())?;
    write_atomic(&layout.dependencies(), runbook.dependencies_csv.as_bytes())?;
    for (file, json) in &runbook.scps {
        write_atomic(&layout.scp(file), json.as_bytes())?;
    }
    Ok(())
}

/// Reads `<costs_dir>/summary.json`, written by the `costs` stage.
pub fn read_cost_summary(costs_dir: &Path) -> Result<CostSummary, ReportError> {
    Ok(crate::model::read::read_cost_summary(
        &costs_dir.join(crate::costs::runner::SUMMARY_FILE),
    )?)
}

/// Checks that the inputs belong together (same account), before anything is written.
pub fn check_inputs(inventory: &Inventory, plan: &Plan, costs: Option<&CostSummary>) -> Result<(), ReportError> {
    let expected = &inventory.account.id;
    if &plan.account_id != expected {
        return Err(ReportError::AccountMismatch {
            what: "the plan",
            expected: expected.clone(),
            found: plan.account_id.clone(),
        });
    }
    if let Some(costs) = costs
        && &costs.account_id != expected
    {
        return Err(ReportError::AccountMismatch {
            what: "the cost summary",
            expected: expected.clone(),
            found: costs.account_id.clone(),
        });
    }
    Ok(())
}

/// Explains an ordering failure: a move step pointing at a missing or later move step is the
/// plan's fault; anything else would be a bug in the step builder.
fn order_error(steps: &[Step], err: steps::OrderError) -> ReportError {
    let from = steps.iter().find(|s| s.id == err.step);
    let named = from.and_then(|s| {
        s.unit
            .clone()
            .map(|u| ("move unit", u))
            .or_else(|| s.workload.clone().map(|w| ("workload", w)))
    });
    if let Some((what, unit)) = named
        && err.depends_on.starts_with("MOVE-")
    {
        let later = steps.iter().any(|s| s.id == err.depends_on);
        return ReportError::UnitOrder {
            what,
            unit,
            depends_on: err.depends_on,
            problem: if later { "comes after it" } else { "does not exist" },
        };
    }
    ReportError::StepOrder {
        step: err.step,
        depends_on: err.depends_on,
    }
}

/// The template set, embedded so the binary works from any folder.
fn environment() -> Result<Environment<'static>, ReportError> {
    const TEMPLATES: &[(&str, &str)] = &[
        ("runbook.md.j2", include_str!("../../templates/runbook.md.j2")),
        ("summary.md.j2", include_str!("../../templates/summary.md.j2")),
        ("body.md.j2", include_str!("../../templates/body.md.j2")),
        ("step.md.j2", include_str!("../../templates/step.md.j2")),
        ("phase.md.j2", include_str!("../../templates/phase.md.j2")),
        ("runbook.html.j2", include_str!("../../templates/runbook.html.j2")),
    ];
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|error| ReportError::Template {
            name: "syntax".to_string(),
            error,
        })?;
    env.set_syntax(syntax);
    env.add_filter("md", |v: String| text::md_cell(&v));
    env.add_filter("name", |v: String| text::md_name(&v));
    env.add_filter("code", |v: String| text::md_code(&v));
    env.add_filter("count", |v: usize| text::count(v));
    for (name, source) in TEMPLATES {
        env.add_template(name, source).map_err(|error| ReportError::Template {
            name: name.to_string(),
            error,
        })?;
    }
    Ok(env)
}

/// Words of the Markdown: whitespace-separated tokens with a letter or digit, so table rules
/// and list markers do not count.
fn count_words(markdown: &str) -> usize {
    markdown
        .split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

/// The longest description `tasks.csv` holds, so every tracker imports it whole.
pub const MAX_TASK_DESCRIPTION: usize = 2000;

/// One row per step: `id, phase, summary, description, owner, target, workload, region,
/// depends_on`, `depends_on` being comma-separated ids. The description is plain text of at most
/// [`MAX_TASK_DESCRIPTION`] characters that ends by pointing at the step in the runbook.
fn tasks_csv(steps: &[Step]) -> String {
    let mut writer = crate::csvsafe::Writer::new(vec![]);
    let write = |w: &mut crate::csvsafe::Writer<Vec<u8>>, row: [&str; 9]| {
        w.write_record(row).expect("writing CSV to memory cannot fail");
    };
    write(
        &mut writer,
        [
            "id",
            "phase",
            "summary",
            "description",
            "owner",
            "target",
            "workload",
            "region",
            "depends_on",
        ],
    );
    let procedures = steps::procedures();
    for step in steps {
        write(
            &mut writer,
            [
                &step.id,
                step.phase.as_str(),
                &step.summary,
                &task_description(step, &procedures),
                &step.owner,
                step.target.as_deref().unwrap_or_default(),
                step.workload.as_deref().unwrap_or_default(),
                step.region.as_deref().unwrap_or_default(),
                &step.depends_on.join(","),
            ],
        );
    }
    let bytes = writer.into_inner().expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

/// The step as plain text, cut to fit [`MAX_TASK_DESCRIPTION`], ending with where the whole
/// step is. A long action is cut before its verification and rollback are: a tracker task keeps
/// how to check the step and how to undo it.
fn task_description(step: &Step, procedures: &[steps::Procedure]) -> String {
    let pointer = format!("\n\nThe whole step: runbook.md, step {}.", step.id);
    let action = text::plain(&step.action);
    // A step that hands its verification and rollback to a shared procedure carries that
    // procedure's text, so the task reads on its own in a tracker.
    let procedure = step.procedure.and_then(|id| procedures.iter().find(|p| p.id == id));
    let tail = match procedure {
        Some(p) => text::plain(&format!("Procedure {}: {}. {}", p.id, p.title, p.text)),
        None => text::plain(&format!("Verify: {}\n\nRoll back: {}", step.verify, step.rollback)),
    };
    let room = MAX_TASK_DESCRIPTION.saturating_sub(pointer.chars().count());
    let cut = |text: &str, room: usize| -> String {
        let kept: String = text.chars().take(room.saturating_sub(2)).collect();
        format!("{} …", kept.trim_end())
    };
    let (action_chars, tail_chars) = (action.chars().count(), tail.chars().count());
    let text = if action_chars + 2 + tail_chars <= room {
        format!("{action}\n\n{tail}")
    } else if tail_chars + 2 + MIN_ACTION_KEPT <= room {
        format!("{}\n\n{tail}", cut(&action, room - tail_chars - 2))
    } else {
        cut(&format!("{action}\n\n{tail}"), room)
    };
    format!("{text}{pointer}")
}

/// The least of a step's action a cut task description keeps before its verification and
/// rollback; with less room, the whole text is cut at the end instead.
const MIN_ACTION_KEPT: usize = 200;

/// One row per cross-target link of the plan, in plan order:
/// `from_arn, from_target, from_workload, relation, to_arn, to_target, to_workload, note`.
fn dependencies_csv(f: &facts::Facts) -> String {
    let mut writer = crate::csvsafe::Writer::new(vec![]);
    writer
        .write_record([
            "from_arn",
            "from_target",
            "from_workload",
            "relation",
            "to_arn",
            "to_target",
            "to_workload",
            "note",
        ])
        .expect("writing CSV to memory cannot fail");
    for e in &f.plan.cross_target {
        writer
            .write_record([
                e.from_arn.as_str(),
                &e.from_target,
                f.workload_of(&e.from_arn).unwrap_or_default(),
                &e.kind,
                &e.to_arn,
                &e.to_target,
                f.workload_of(&e.to_arn).unwrap_or_default(),
                &e.note,
            ])
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer.into_inner().expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prepare;
