//! The `scan` subcommand, and the scan step of `assess`.

use std::path::Path;

use anyhow::Context as _;

use super::{Context, Outcome};
use crate::aws::Aws;
use crate::aws::scanner::AwsScanSource;
use crate::cli::{ScanArgs, ScanOptions};
use crate::model::Inventory;
use crate::scan::{ScanSettings, regions};

pub fn run(ctx: &Context, args: ScanArgs) -> anyhow::Result<Outcome> {
    let settings = settings(&args.scan)?;
    crate::fsutil::check_writable(&args.out)?;
    let inventory = super::runtime()?.block_on(async {
        let aws = Aws::load(&ctx.aws).await;
        stage(ctx, &aws, &settings, &args.out).await
    })?;
    Ok(outcome_of(&inventory))
}

/// Validates the scan options before anything touches the network.
pub(super) fn settings(options: &ScanOptions) -> anyhow::Result<ScanSettings> {
    if options.concurrency == 0 {
        anyhow::bail!("`--concurrency` must be at least 1");
    }
    if options.max_records_per_zone == 0 {
        anyhow::bail!("`--max-records-per-zone` must be at least 1");
    }
    Ok(ScanSettings {
        regions: regions::parse(&options.regions)?,
        concurrency: options.concurrency,
        scanned_at: crate::fsutil::now_rfc3339(),
        max_records_per_zone: options.max_records_per_zone,
    })
}

/// The scan stage: scans the account the credentials belong to, prints the one-line summary
/// and saves the inventory to `out`.
pub(super) async fn stage(ctx: &Context, aws: &Aws, settings: &ScanSettings, out: &Path) -> anyhow::Result<Inventory> {
    aws.check_credentials().await?;
    let source = AwsScanSource::new(aws.clone()).with_max_records_per_zone(settings.max_records_per_zone);
    let (inventory, summary) = crate::scan::scan(&source, settings, &ctx.progress).await?;
    ctx.progress.notice(&summary.line(&inventory));
    write_inventory(&inventory, out)?;
    Ok(inventory)
}

pub(super) fn write_inventory(inventory: &Inventory, path: &Path) -> anyhow::Result<()> {
    crate::fsutil::write_json_atomic(path, inventory)
        .with_context(|| format!("cannot save the inventory to {}", path.display()))
}

/// Exit code 1 when a stream was denied or failed.
pub(super) fn outcome_of(inventory: &Inventory) -> Outcome {
    if inventory.is_complete() {
        Outcome::Complete
    } else {
        Outcome::Incomplete
    }
}
