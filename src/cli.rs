//! Command-line definitions, and nothing else: clap types stay here and are turned into
//! validated configuration in `app`. Nothing below `app` imports clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Read-only assistant for splitting one legacy AWS account into a multi-account AWS Organization.
#[derive(Debug, Parser)]
#[command(name = "acctsplit", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Named profile from the AWS config files (credentials always come from the standard chain).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Home region for global calls (STS, Organizations, IAM, S3 listing, region discovery).
    #[arg(long, global = true, default_value = "us-east-1")]
    pub region: String,
    /// Send every AWS call to this endpoint, for local emulators.
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// No progress bars, no summary line; errors are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan the account into an inventory snapshot.
    Scan(ScanArgs),
    /// Assign every resource of a snapshot to a target account.
    Classify(ClassifyArgs),
    /// Export the Cost Explorer history to CSV before the account joins an organization.
    Costs(CostsArgs),
    /// Write the migration runbook from a snapshot, a plan and an optional cost export.
    Runbook(RunbookArgs),
    /// Scan, classify, export costs and write the runbook, into one folder.
    Assess(AssessArgs),
    /// Show the classification rules.
    Rules(RulesArgs),
    /// Print the read-only IAM policy this tool needs.
    IamPolicy,
}

#[derive(Debug, Clone, Args)]
pub struct ScanOptions {
    /// `all` for every region enabled for the account, or a comma-separated list.
    #[arg(long, default_value = "all")]
    pub regions: String,
    /// How many (service, region) streams run at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Records read per Route 53 hosted zone at most; a zone with more is named in the coverage.
    #[arg(long, default_value_t = 10_000)]
    pub max_records_per_zone: usize,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Where to write the inventory snapshot.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub scan: ScanOptions,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// The inventory snapshot written by `scan`.
    #[arg(long)]
    pub inventory: PathBuf,
    /// A rules file; the built-in default rules when absent.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Folder for plan.json and assignments.csv.
    #[arg(long)]
    pub out_dir: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct CostOptions {
    /// Months of monthly history, the current month included (up to 38 with multi-year data).
    #[arg(long, default_value_t = 14)]
    pub months: u32,
    /// Months of daily history, the current month included.
    #[arg(long)]
    pub daily_months: Option<u32>,
    /// Print the query plan and its cost, and send no Cost Explorer request.
    #[arg(long)]
    pub dry_run: bool,
    /// Go on only if the plan needs at most this many requests (USD 0.01 each).
    #[arg(long, default_value_t = 200)]
    pub max_requests: u64,
    /// Go on whatever the estimate.
    #[arg(long)]
    pub yes: bool,
    /// Cost allocation tag keys to export even if ListCostAllocationTags does not list them
    /// (comma-separated), for when that call is denied or unavailable.
    #[arg(long, value_delimiter = ',')]
    pub tag_keys: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CostsArgs {
    /// Folder for the CSVs, manifest.json and summary.json.
    #[arg(long)]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub costs: CostOptions,
}

#[derive(Debug, Args)]
pub struct RunbookArgs {
    #[arg(long)]
    pub inventory: PathBuf,
    #[arg(long)]
    pub plan: PathBuf,
    /// The folder written by `costs`.
    #[arg(long)]
    pub costs: Option<PathBuf>,
    /// A rules file, for its `[[acknowledge]]` entries; the built-in default rules when absent.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    #[arg(long)]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub blind_spots: BlindSpotOptions,
}

#[derive(Debug, Clone, Args)]
pub struct BlindSpotOptions {
    /// Spend a month (USD) from which an uncovered service or region counts as a blind spot.
    #[arg(long, default_value_t = 1.0)]
    pub blind_spot_min_usd: f64,
}

#[derive(Debug, Args)]
pub struct AssessArgs {
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Use the built-in sample account: no credentials, no network.
    #[arg(long)]
    pub sample: bool,
    /// Do not export the Cost Explorer history.
    #[arg(long)]
    pub skip_costs: bool,
    /// A rules file; the built-in default rules when absent (with `--sample`, the sample's own
    /// rules).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub scan: ScanOptions,
    #[command(flatten)]
    pub costs: CostOptions,
    #[command(flatten)]
    pub blind_spots: BlindSpotOptions,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the built-in default rules file.
    #[arg(long)]
    pub print_default: bool,
}
