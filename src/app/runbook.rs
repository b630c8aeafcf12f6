//! The `runbook` subcommand.

use super::{Context, Outcome};

pub fn run(_ctx: &Context, _args: crate::cli::RunbookArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`runbook` is not built yet")
}
