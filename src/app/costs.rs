//! The `costs` subcommand.

use super::{Context, Outcome};

pub fn run(_ctx: &Context, _args: crate::cli::CostsArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`costs` is not built yet")
}
