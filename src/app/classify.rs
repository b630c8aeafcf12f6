//! The `classify` subcommand.

use super::{Context, Outcome};

pub fn run(_ctx: &Context, _args: crate::cli::ClassifyArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`classify` is not built yet")
}

pub fn rules(_ctx: &Context, _args: crate::cli::RulesArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`rules` is not built yet")
}
