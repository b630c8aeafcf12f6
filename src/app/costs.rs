//! The `costs` subcommand: validates the options, loads the AWS configuration and runs the
//! exporter; the outcome is incomplete (exit 1) when a query failed.

use anyhow::Context as _;

use super::{Context, Outcome};
use crate::aws::costexplorer::export;
use crate::costs::ExportSettings;

pub fn run(ctx: &Context, args: crate::cli::CostsArgs) -> anyhow::Result<Outcome> {
    let settings = ExportSettings::from_options(&args.costs, &args.out_dir)?;
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
