//! The scan: discovers regions, runs every unit of every collector (see [`collector`])
//! concurrently within a bound, merges what the Tagging API (breadth) and the service collectors
//! (depth) saw into one resource per ARN, and records coverage for every (service, region)
//! stream, so nothing is dropped silently. AWS is reached only through [`ScanSource`], which
//! `aws::scanner` implements with the registry `aws::collectors::REGISTRY`.

pub mod arn;
pub mod certs;
pub mod collector;
pub mod dns;
pub mod keys;
pub mod merge;
pub mod policy;
pub mod regions;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Instant;

use futures::StreamExt;

use crate::error::ApiError;
use crate::model::{Account, Coverage, CoverageStatus, INVENTORY_SCHEMA_VERSION, Inventory, Resource};
use crate::progress::Progress;

pub use collector::{Action, Collector, Discovery, Scope, Task, action};

/// One unit of concurrent work: one part of one collector in one region, or one parent. Pages
/// within a unit are fetched one after another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    /// Index of the collector in [`ScanSource::collectors`].
    pub collector: usize,
    pub region: String,
    pub part: &'static str,
    pub parent: Option<String>,
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
    /// The region global calls go to (`--region`).
    pub home_region: String,
    /// Coverage for the calls made before the collectors run (identity, region discovery).
    pub coverage: Vec<Coverage>,
}

/// The AWS side of a scan, so orchestration can be tested without a network.
pub trait ScanSource: Sync + Sized {
    /// Identity and regions. `Err` only when nothing can be scanned at all.
    fn preflight(&self) -> impl Future<Output = Result<Preflight, ApiError>> + Send;
    /// The collectors to run, in registry order.
    fn collectors(&self) -> &[&dyn Collector<Self>];
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
    /// Records read per Route 53 hosted zone at most.
    pub max_records_per_zone: usize,
}

/// Totals for the one-line summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSummary {
    pub resources: usize,
    pub regions: usize,
    pub requests: u64,
    pub seconds: f64,
    /// The stream that took longest, from its first request to its last answer, and its seconds:
    /// what a scan cannot finish before, however many run at once.
    pub slowest: Option<(String, f64)>,
}

impl ScanSummary {
    /// `scanned 412 resources in 3 regions with 96 requests in 2.4 s`, plus incomplete rows.
    pub fn line(&self, inventory: &Inventory) -> String {
        let mut line = format!(
            "scanned {} resources in {} regions with {} requests in {:.1} s",
            self.resources, self.regions, self.requests, self.seconds
        );
        if let Some((stream, seconds)) = &self.slowest {
            line.push_str(&format!("; slowest stream: {stream} {seconds:.1} s"));
        }
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

    let collectors = source.collectors();
    let account = preflight.account.id.as_str();
    let home = preflight.home_region.as_str();
    let home_task = Task {
        account,
        home,
        region: home,
        part: "",
        parent: None,
        regions: &chosen.scan,
    };

    // Parents first (S3 buckets...): each listing is one global call per collector.
    let listings = collectors
        .iter()
        .enumerate()
        .filter(|(_, c)| c.scope() == Scope::PerParent)
        .map(|(i, c)| async move { (i, c.discover(source, home_task).await) });
    let discovered: Vec<(usize, Discovery)> = futures::future::join_all(listings).await;

    let mut units = Vec::new();
    for region in &chosen.scan {
        for (i, collector) in collectors.iter().enumerate() {
            if collector.scope() == Scope::Regional {
                units.extend(collector.parts().iter().map(|&part| Unit {
                    collector: i,
                    region: region.clone(),
                    part,
                    parent: None,
                }));
            }
        }
    }
    for (i, collector) in collectors.iter().enumerate() {
        if collector.scope() == Scope::Global {
            units.extend(collector.parts().iter().map(|&part| Unit {
                collector: i,
                region: home.to_owned(),
                part,
                parent: None,
            }));
        }
    }
    let mut results = Vec::with_capacity(units.len() + discovered.len());
    for (i, discovery) in discovered {
        units.extend(discovery.parents.into_iter().map(|parent| Unit {
            collector: i,
            region: home.to_owned(),
            part: "",
            parent: Some(parent),
        }));
        results.push(discovery.result);
    }

    let bar = progress.bar(units.len() as u64, "streams");
    let found = progress.counter("resources found");
    let concurrency = settings.concurrency.max(1);
    let runs = units.iter().map(|unit| {
        let task = Task {
            account,
            home,
            region: &unit.region,
            part: unit.part,
            parent: unit.parent.as_deref(),
            regions: &chosen.scan,
        };
        let collector = collectors[unit.collector];
        async move {
            // Timed from its first poll, once a concurrency slot has taken it.
            let began = Instant::now();
            let result = collector.run(source, task).await;
            (began.elapsed().as_secs_f64(), unit, result)
        }
    });
    let mut slowest: Option<(String, f64)> = None;
    let mut stream = futures::stream::iter(runs).buffer_unordered(concurrency);
    while let Some((seconds, unit, result)) = stream.next().await {
        bar.inc(1);
        found.inc(result.resources.len() as u64);
        if slowest.as_ref().is_none_or(|(_, s)| seconds > *s) {
            let mut name = format!("{}/{}", collectors[unit.collector].name(), unit.region);
            for extra in [unit.part, unit.parent.as_deref().unwrap_or_default()] {
                if !extra.is_empty() {
                    name.push(' ');
                    name.push_str(extra);
                }
            }
            slowest = Some((name, seconds));
        }
        results.push(result);
    }
    bar.finish_and_clear();
    found.finish_and_clear();

    let mut coverage = preflight.coverage.clone();
    let regional: Vec<&str> = collectors
        .iter()
        .filter(|c| c.scope() == Scope::Regional)
        .map(|c| c.name())
        .collect();
    coverage.extend(chosen.skipped_coverage(&regional));
    coverage.extend(coverage_rows(&results));
    // A global call outside the collectors (the IAM account alias) and a global collector of
    // the same service share one row.
    let coverage = fold_same_rows(coverage);
    let resources = merge::merge(results.into_iter().flat_map(|r| r.resources));
    let mut resources = keys::resolve(resources, account);
    dns::link_zones(&mut resources);
    dns::link_origins(&mut resources);
    certs::link_certificates(&mut resources);

    let mut inventory = Inventory {
        schema_version: INVENTORY_SCHEMA_VERSION,
        tool_version: crate::TOOL_VERSION.to_owned(),
        scanned_at: settings.scanned_at.clone(),
        account: preflight.account.clone(),
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
        slowest,
    };
    Ok((inventory, summary))
}

/// Folds rows of the same (service, region) into the first of them: requests added, the worse
/// status kept (`denied`, then `failed`), details joined and sorted.
pub fn fold_same_rows(rows: Vec<Coverage>) -> Vec<Coverage> {
    fn rank(status: CoverageStatus) -> u8 {
        match status {
            CoverageStatus::Denied => 3,
            CoverageStatus::Failed => 2,
            CoverageStatus::Skipped => 1,
            CoverageStatus::Ok => 0,
        }
    }
    let mut out: Vec<Coverage> = Vec::with_capacity(rows.len());
    for row in rows {
        match out
            .iter_mut()
            .find(|r| r.service == row.service && r.region == row.region)
        {
            None => out.push(row),
            Some(first) => {
                first.requests += row.requests;
                if rank(row.status) > rank(first.status) {
                    first.status = row.status;
                }
                let mut parts: Vec<String> = first
                    .detail
                    .iter()
                    .chain(row.detail.iter())
                    .flat_map(|d| d.split("; ").map(str::to_owned))
                    .collect();
                parts.sort_unstable();
                parts.dedup();
                first.detail = (!parts.is_empty()).then(|| parts.join("; "));
            }
        }
    }
    out
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
