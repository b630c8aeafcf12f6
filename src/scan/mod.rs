//! The scan: discovers regions, runs every (service, region) stream concurrently within a
//! bound, merges what the Tagging API (breadth) and the EC2 and S3 describe calls (depth) saw
//! into one resource per ARN, and records coverage for every stream, so nothing is dropped
//! silently. AWS is reached only through [`ScanSource`], which `aws::scanner` implements.

pub mod arn;
pub mod merge;
pub mod policy;
pub mod regions;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Instant;

use futures::StreamExt;

use crate::aws::ApiError;
use crate::model::{Account, Coverage, CoverageStatus, INVENTORY_SCHEMA_VERSION, Inventory, Resource};
use crate::progress::Progress;

/// The EC2 resource families, one describe operation each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ec2Kind {
    Instances,
    Volumes,
    Snapshots,
    Images,
    Vpcs,
    Subnets,
    SecurityGroups,
    NetworkInterfaces,
    Addresses,
    NatGateways,
    InternetGateways,
    TransitGateways,
}

impl Ec2Kind {
    pub const ALL: [Ec2Kind; 12] = [
        Ec2Kind::Instances,
        Ec2Kind::Volumes,
        Ec2Kind::Snapshots,
        Ec2Kind::Images,
        Ec2Kind::Vpcs,
        Ec2Kind::Subnets,
        Ec2Kind::SecurityGroups,
        Ec2Kind::NetworkInterfaces,
        Ec2Kind::Addresses,
        Ec2Kind::NatGateways,
        Ec2Kind::InternetGateways,
        Ec2Kind::TransitGateways,
    ];
}

/// One unit of concurrent work. Pages within a unit are fetched one after another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// Resource Groups Tagging API GetResources, every page, in one region.
    Tagging { region: String },
    /// One EC2 describe operation, every page, in one region.
    Ec2 { region: String, kind: Ec2Kind },
    /// Location, tags, encryption, public access block, versioning, replication and policy of
    /// one bucket (found by ListBuckets).
    S3Bucket { name: String },
}

/// What one unit returned. `error` with resources means a partial result: both are kept.
#[derive(Debug, Default)]
pub struct UnitResult {
    /// The coverage row this unit counts towards: (service, region).
    pub service: &'static str,
    pub region: String,
    pub resources: Vec<Resource>,
    /// Requests sent, one per page, retries excluded.
    pub requests: u64,
    pub error: Option<ApiError>,
}

/// Identity and region facts gathered before the streams start.
#[derive(Debug, Clone)]
pub struct Preflight {
    pub account: Account,
    /// Regions enabled for the account, sorted (all of them, before `--regions` narrows).
    pub enabled_regions: Vec<String>,
    /// Opt-in regions that are not enabled.
    pub disabled_regions: Vec<String>,
    /// False when region discovery failed: an explicit `--regions` list is then taken as is,
    /// and `all` falls back to the home region (the coverage says so).
    pub regions_verified: bool,
    /// Buckets from ListBuckets.
    pub buckets: Vec<String>,
    /// Coverage for the global calls (identity, region discovery, bucket listing).
    pub coverage: Vec<Coverage>,
}

/// The AWS side of a scan, so orchestration can be tested without a network.
pub trait ScanSource: Sync {
    /// Identity, regions and the bucket list. `Err` only when nothing can be scanned at all.
    fn preflight(&self) -> impl Future<Output = Result<Preflight, ApiError>> + Send;
    /// Runs one unit; never fails as a whole: errors go into the result.
    fn run(&self, unit: &Unit) -> impl Future<Output = UnitResult> + Send;
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSelection {
    All,
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub regions: RegionSelection,
    pub concurrency: usize,
    pub scanned_at: String,
}

/// Totals for the one-line summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSummary {
    pub resources: usize,
    pub regions: usize,
    pub requests: u64,
    pub seconds: f64,
}

impl ScanSummary {
    /// `scanned 412 resources in 3 regions with 96 requests in 2.4 s`, plus incomplete rows.
    pub fn line(&self, inventory: &Inventory) -> String {
        let mut line = format!(
            "scanned {} resources in {} regions with {} requests in {:.1} s",
            self.resources, self.regions, self.requests, self.seconds
        );
        let incomplete: Vec<String> = inventory
            .incomplete_coverage()
            .map(|row| {
                format!(
                    "{}/{} {} ({})",
                    row.service,
                    row.region,
                    row.status.as_str(),
                    row.detail.as_deref().unwrap_or("-")
                )
            })
            .collect();
        if !incomplete.is_empty() {
            line.push_str("; incomplete: ");
            line.push_str(&incomplete.join(", "));
        }
        line
    }
}

/// Errors that stop a scan before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot identify the account (STS GetCallerIdentity)")]
    Identity(#[source] ApiError),
    #[error(transparent)]
    Regions(#[from] regions::RegionError),
}

/// Runs a whole scan.
pub async fn scan<S: ScanSource>(
    source: &S,
    settings: &ScanSettings,
    progress: &Progress,
) -> Result<(Inventory, ScanSummary), ScanError> {
    let started = Instant::now();
    let preflight = source.preflight().await.map_err(ScanError::Identity)?;
    let enabled = match (&settings.regions, preflight.regions_verified) {
        (RegionSelection::List(names), false) => names.clone(),
        _ => preflight.enabled_regions.clone(),
    };
    let chosen = regions::choose(&settings.regions, &enabled, &preflight.disabled_regions)?;

    let mut units = Vec::new();
    for region in &chosen.scan {
        units.push(Unit::Tagging { region: region.clone() });
        units.extend(Ec2Kind::ALL.iter().map(|&kind| Unit::Ec2 {
            region: region.clone(),
            kind,
        }));
    }
    units.extend(
        preflight
            .buckets
            .iter()
            .map(|name| Unit::S3Bucket { name: name.clone() }),
    );

    let bar = progress.bar(units.len() as u64, "streams");
    let found = progress.counter("resources found");
    let concurrency = settings.concurrency.max(1);
    let mut results = Vec::with_capacity(units.len());
    let mut stream = futures::stream::iter(units.iter().map(|unit| source.run(unit))).buffer_unordered(concurrency);
    while let Some(result) = stream.next().await {
        bar.inc(1);
        found.inc(result.resources.len() as u64);
        results.push(result);
    }
    bar.finish_and_clear();
    found.finish_and_clear();

    let mut coverage = preflight.coverage.clone();
    coverage.extend(chosen.skipped_coverage());
    coverage.extend(coverage_rows(&results));
    let resources = merge::merge(results.into_iter().flat_map(|r| r.resources));

    let mut inventory = Inventory {
        schema_version: INVENTORY_SCHEMA_VERSION,
        tool_version: crate::TOOL_VERSION.to_owned(),
        scanned_at: settings.scanned_at.clone(),
        account: preflight.account,
        regions: chosen.scan.clone(),
        coverage,
        resources,
    };
    inventory.normalize();
    let summary = ScanSummary {
        resources: inventory.resources.len(),
        regions: inventory.regions.len(),
        requests: inventory.coverage.iter().map(|row| row.requests).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((inventory, summary))
}

/// Folds unit results into one coverage row per (service, region). A row is `denied` when
/// any unit was denied, else `failed` when any failed; `detail` names each failed operation.
pub fn coverage_rows(results: &[UnitResult]) -> Vec<Coverage> {
    let mut rows: BTreeMap<(&str, &str), Coverage> = BTreeMap::new();
    for result in results {
        let row = rows
            .entry((result.service, result.region.as_str()))
            .or_insert_with(|| Coverage {
                service: result.service.to_owned(),
                region: result.region.clone(),
                status: CoverageStatus::Ok,
                detail: None,
                requests: 0,
            });
        row.requests += result.requests;
        if let Some(err) = &result.error {
            let status = err.coverage_status();
            if row.status == CoverageStatus::Ok || status == CoverageStatus::Denied {
                row.status = status;
            }
            let part = err.coverage_detail();
            let detail = row.detail.get_or_insert_with(String::new);
            if !detail.split("; ").any(|p| p == part) {
                if !detail.is_empty() {
                    detail.push_str("; ");
                }
                detail.push_str(&part);
            }
        }
    }
    let mut rows: Vec<Coverage> = rows.into_values().collect();
    for row in &mut rows {
        if let Some(detail) = &mut row.detail {
            let mut parts: Vec<&str> = detail.split("; ").collect();
            parts.sort_unstable();
            *detail = parts.join("; ");
        }
    }
    rows
}

#[cfg(test)]
mod tests;
