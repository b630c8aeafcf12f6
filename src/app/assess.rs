//! The `assess` subcommand.

use super::{Context, Outcome};

pub fn run(_ctx: &Context, _args: crate::cli::AssessArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`assess` is not built yet")
}
