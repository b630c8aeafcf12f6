//! The `scan` subcommand.

use super::{Context, Outcome};

pub fn run(_ctx: &Context, _args: crate::cli::ScanArgs) -> anyhow::Result<Outcome> {
    let _ = super::runtime()?;
    anyhow::bail!("`scan` is not built yet")
}
