//! The `costs` subcommand: validates the options, loads the AWS configuration and runs the
//! exporter; the outcome is incomplete (exit 1) when a query failed.

use anyhow::Context as _;

use std::path::Path;

use super::{Context, Outcome};
use crate::aws::costexplorer::export;
use crate::cli::CostOptions;
use crate::costs::{ExportOptions, ExportSettings};

pub fn run(ctx: &Context, args: crate::cli::CostsArgs) -> anyhow::Result<Outcome> {
    let settings = settings(&args.costs, &args.out_dir)?;
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let aws = crate::aws::Aws::load(&ctx.aws).await;
        if !settings.dry_run {
            aws.check_credentials().await?;
        }
        let report = export(&aws, &settings, &ctx.progress)
            .await
            .with_context(|| format!("cost export into {} stopped", args.out_dir.display()))?;
        Ok(if report.complete {
            Outcome::Complete
        } else {
            Outcome::Incomplete
        })
    })
}

/// Checks the cost options of the command line, before anything is sent or written.
pub(super) fn settings(options: &CostOptions, out_dir: &Path) -> anyhow::Result<ExportSettings> {
    let options = ExportOptions {
        months: options.months,
        daily_months: options.daily_months,
        dry_run: options.dry_run,
        max_requests: options.max_requests,
        yes: options.yes,
        tag_keys: options.tag_keys.clone(),
    };
    Ok(ExportSettings::from_options(&options, out_dir)?)
}
