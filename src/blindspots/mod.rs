//! Blind spots: what the account pays for that the scan did not see. The scan alone cannot prove
//! it saw everything (the Tagging API misses never-tagged resources, and no collector covers
//! every service); the Cost Explorer history can, because every service and region the account
//! pays for appears there. This module reconciles the two into `blind-spots.csv`: each
//! (service, region) with recent spend, the collector that covers it, and a status. Pure code:
//! it takes the inventory, the spend read from the cost export, the collectors' facts and the
//! acknowledgements of the rules file, and knows nothing of AWS or of the command line.

pub mod names;
mod spend;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{CoverageStatus, Inventory, Resource};
use names::{Billed, CeService};

pub use spend::{
    REGION_FILE, SERVICE_FILE, SERVICE_REGION_FILE, Spend, SpendError, SpendRow, read_spend, spend_from_rows,
};

/// Default of `--blind-spot-min-usd`: spend below a dollar a month is noise, not a blind spot.
pub const DEFAULT_MIN_USD: f64 = 1.00;
/// The spend of a row is the average over this many complete months before the window end.
pub const MONTHS_AVERAGED: usize = 3;
/// `blind-spots.csv` columns.
pub const CSV_HEADER: [&str; 6] = ["service", "region", "monthly_usd", "status", "collector", "detail"];
/// The `region` (weak check: `service`) of a row that stands for every region (service).
pub const ANY: &str = "*";

/// What the check needs to know of one collector; the app derives it from the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectorFacts {
    /// The coverage service name, which is also the ARN prefix of what it finds: `ec2`, `s3`.
    pub name: &'static str,
    /// True for a collector that reads one global endpoint (IAM, Route 53, CloudFront).
    pub global: bool,
    /// The Cost Explorer `SERVICE` names its resources are billed under.
    pub billed_as: &'static [&'static str],
}

/// The coverage name of the Tagging API collector, which sees every taggable service.
pub const TAGGING: &str = "tagging";

/// A blind spot the team has accepted, from the rules file's `[[acknowledge]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// A Cost Explorer `SERVICE` name, compared exactly (ASCII case aside).
    pub service: String,
    /// A Cost Explorer `REGION`; `None` acknowledges the service in every region.
    pub region: Option<String>,
    pub reason: String,
    /// Where it was written, `rules.toml:42`, for warnings.
    pub origin: String,
}

impl Acknowledgement {
    fn matches(&self, row: &BlindSpotRow) -> bool {
        self.service.eq_ignore_ascii_case(&row.service) && self.region.as_ref().is_none_or(|r| r == &row.region)
    }
}

/// What the check found for one (service, region).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// A collector scanned it and found resources there.
    Covered,
    /// No collector reads this service.
    NotScanned,
    /// The region has spend but was not in the scan.
    RegionNotScanned,
    /// Only the Tagging API sees this service, so never-tagged resources may be missing.
    TaggedOnly,
    /// A collector ran and found nothing, yet the account pays for it there.
    NothingFound,
    /// A charge with no resource to move.
    AccountLevel,
    /// The collector's calls for this service and region were denied.
    Denied,
    /// The collector's calls for this service and region failed.
    Failed,
    /// A blind spot the rules file acknowledges, with its reason.
    Acknowledged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Covered => "covered",
            Status::NotScanned => "not-scanned",
            Status::RegionNotScanned => "region-not-scanned",
            Status::TaggedOnly => "tagged-only",
            Status::NothingFound => "nothing-found",
            Status::AccountLevel => "account-level",
            Status::Denied => "denied",
            Status::Failed => "failed",
            Status::Acknowledged => "acknowledged",
        }
    }

    /// True for the statuses that say the scan may have missed something.
    pub fn is_gap(self) -> bool {
        !matches!(self, Status::Covered | Status::AccountLevel | Status::Acknowledged)
    }
}

/// One line of `blind-spots.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct BlindSpotRow {
    /// The Cost Explorer `SERVICE`, or [`ANY`] for a region row of the weak check.
    pub service: String,
    /// The Cost Explorer `REGION` (`global` and `NoRegion` included), or [`ANY`].
    pub region: String,
    /// Average UnblendedCost per month over [`BlindSpotReport::months`].
    pub monthly_usd: f64,
    pub status: Status,
    /// The collector that covers it; empty when none does.
    pub collector: String,
    pub detail: String,
}

impl BlindSpotRow {
    /// A gap with at least `min_usd` a month of spend.
    pub fn is_blind_spot(&self, min_usd: f64) -> bool {
        self.status.is_gap() && self.monthly_usd >= min_usd
    }
}

/// How the spend was checked against the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Per (service, region), from `monthly-service-region.csv`.
    Full,
    /// An older export: services and regions checked separately, from `monthly-service.csv`
    /// and `monthly-region.csv`.
    Weak,
    /// No cost export, or one without any of those files: nothing was checked.
    Skipped,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Full => "full",
            Check::Weak => "weak",
            Check::Skipped => "skipped",
        }
    }
}

/// Everything the check found, for `blind-spots.csv`, the summary line and the runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct BlindSpotReport {
    pub check: Check,
    /// Why the check is weak or skipped, in words; `None` for a full check.
    pub note: Option<String>,
    /// The months averaged (`YYYY-MM`, oldest first).
    pub months: Vec<String>,
    /// `--blind-spot-min-usd`.
    pub min_usd: f64,
    /// Sorted by `monthly_usd`, largest first, then service and region.
    pub rows: Vec<BlindSpotRow>,
    /// Rows that are blind spots (gaps at or above `min_usd`), and their monthly spend.
    pub blind_spots: usize,
    pub blind_spot_usd: f64,
    /// Rows the rules file acknowledges, and their monthly spend.
    pub acknowledged: usize,
    pub acknowledged_usd: f64,
    /// Acknowledgements that match no gap, one sentence each.
    pub warnings: Vec<String>,
}

impl BlindSpotReport {
    /// The report when nothing could be checked.
    pub fn skipped(note: impl Into<String>, min_usd: f64) -> BlindSpotReport {
        BlindSpotReport {
            check: Check::Skipped,
            note: Some(note.into()),
            months: Vec::new(),
            min_usd,
            rows: Vec::new(),
            blind_spots: 0,
            blind_spot_usd: 0.0,
            acknowledged: 0,
            acknowledged_usd: 0.0,
            warnings: Vec::new(),
        }
    }

    /// The rows that are blind spots.
    pub fn blind_spot_rows(&self) -> impl Iterator<Item = &BlindSpotRow> {
        self.rows.iter().filter(|row| row.is_blind_spot(self.min_usd))
    }

    /// The one-line summary for stderr.
    pub fn summary_line(&self) -> String {
        let weak = match self.check {
            Check::Weak => " (weak check: see the detail column)",
            _ => "",
        };
        match self.check {
            Check::Skipped => format!(
                "completeness not checked against spend: {}",
                self.note.as_deref().unwrap_or("no cost export")
            ),
            _ if self.blind_spots == 0 => format!(
                "blind spots: none at or above USD {:.2} a month{}{weak}",
                self.min_usd,
                acknowledged_clause(self.acknowledged, self.acknowledged_usd)
            ),
            _ => format!(
                "blind spots: {} with USD {:.2} a month of spend the scan did not see{}{weak}; see blind-spots.csv",
                self.blind_spots,
                self.blind_spot_usd,
                acknowledged_clause(self.acknowledged, self.acknowledged_usd)
            ),
        }
    }
}

fn acknowledged_clause(count: usize, usd: f64) -> String {
    match count {
        0 => String::new(),
        _ => format!(" ({count} acknowledged, USD {usd:.2} a month)"),
    }
}

/// What the inventory says, indexed for the check.
struct Scan<'a> {
    regions: BTreeSet<&'a str>,
    coverage: BTreeMap<(&'a str, &'a str), CoverageStatus>,
    /// Resources per (ARN service prefix, region as [`region_of`] says).
    found: BTreeMap<(&'a str, &'a str), usize>,
}

/// The region a resource is in for this check: its region, a bucket's location (`us-east-1`
/// when empty, as S3 reports it), or `global`. Same reading as the classifier's `region` rules.
fn region_of(res: &Resource) -> &str {
    if let Some(region) = &res.region {
        return region;
    }
    match res.attr_str("location") {
        Some("") => "us-east-1",
        Some(location) => location,
        None => "global",
    }
}

impl<'a> Scan<'a> {
    fn new(inventory: &'a Inventory) -> Scan<'a> {
        let mut found = BTreeMap::new();
        for res in &inventory.resources {
            *found.entry((res.service.as_str(), region_of(res))).or_insert(0) += 1;
        }
        Scan {
            regions: inventory.regions.iter().map(String::as_str).collect(),
            coverage: inventory
                .coverage
                .iter()
                .map(|c| ((c.service.as_str(), c.region.as_str()), c.status))
                .collect(),
            found,
        }
    }

    /// Resources of these prefixes in `region` ([`ANY`]: anywhere).
    fn count(&self, prefixes: &[&str], region: &str) -> usize {
        self.found
            .iter()
            .filter(|((service, r), _)| prefixes.contains(service) && (region == ANY || *r == region))
            .map(|(_, n)| n)
            .sum()
    }

    /// The status of a collector's stream for `region` ([`ANY`]: the worst of its streams):
    /// its regional row, else its global row.
    fn coverage(&self, collector: &str, region: &str) -> Option<(CoverageStatus, String)> {
        if region == ANY {
            let rows: Vec<(&str, CoverageStatus)> = self
                .coverage
                .iter()
                .filter(|((service, _), _)| *service == collector)
                .map(|((_, r), status)| (*r, *status))
                .collect();
            let worst = rows
                .iter()
                .filter(|(_, s)| !s.is_complete())
                .max_by_key(|(_, s)| *s)
                .or(rows.first())?;
            return Some((worst.1, worst.0.to_owned()));
        }
        [region, "global"]
            .into_iter()
            .find_map(|r| self.coverage.get(&(collector, r)).map(|s| (*s, r.to_owned())))
    }
}

/// Where a (service, region) stands before acknowledgements: status, collector, detail.
fn classify(scan: &Scan<'_>, collectors: &[CollectorFacts], service: &str, region: &str) -> (Status, String, String) {
    let known = names::lookup(service);
    if let Some(CeService {
        billed: Billed::AccountLevel(why),
        ..
    }) = known
    {
        return (Status::AccountLevel, String::new(), format!("{why}; nothing to move"));
    }
    let global = names::is_global_region(region);
    if !global && region != ANY && !scan.regions.contains(region) {
        return (
            Status::RegionNotScanned,
            String::new(),
            format!(
                "the account pays for {service} in {region}, but the scan did not include {region}; rescan with it"
            ),
        );
    }
    let reservations = matches!(
        known,
        Some(CeService {
            billed: Billed::Resources { reservations: true, .. },
            ..
        })
    );
    let ri_note = if reservations {
        "; Reserved Instance fees are billed under the service they discount, so an unused reservation is spend with no resource"
    } else {
        ""
    };
    // Global spend is covered by a global collector first, then by any that bills the name.
    let collector = collectors
        .iter()
        .filter(|c| c.billed_as.contains(&service))
        .min_by_key(|c| c.global != global);
    if let Some(c) = collector {
        let where_ = if global || c.global { ANY } else { region };
        let Some((status, row)) = scan.coverage(c.name, where_) else {
            return (
                Status::NotScanned,
                c.name.to_owned(),
                format!("the {} collector did not run for {region}", c.name),
            );
        };
        return match status {
            CoverageStatus::Denied => (
                Status::Denied,
                c.name.to_owned(),
                format!("the {} collector was denied in {row}", c.name),
            ),
            CoverageStatus::Failed => (
                Status::Failed,
                c.name.to_owned(),
                format!("the {} collector failed in {row}", c.name),
            ),
            CoverageStatus::Ok | CoverageStatus::Skipped => match scan.count(&[c.name], where_) {
                0 => (
                    Status::NothingFound,
                    c.name.to_owned(),
                    format!(
                        "the {} collector ran{} and found nothing, yet the account pays for {service} there{ri_note}",
                        c.name,
                        in_region(where_)
                    ),
                ),
                n => (
                    Status::Covered,
                    c.name.to_owned(),
                    format!("{n} {} resource{} found{}", c.name, plural(n), in_region(where_)),
                ),
            },
        };
    }
    let Some(CeService {
        billed: Billed::Resources { prefixes, tagging, .. },
        ..
    }) = known
    else {
        return (
            Status::NotScanned,
            String::new(),
            "a Cost Explorer service name acctsplit does not know: no collector reads it; check what it bills"
                .to_owned(),
        );
    };
    let prefix_list = prefixes.join("/");
    if !tagging {
        return (
            Status::NotScanned,
            String::new(),
            format!("no collector reads {prefix_list} resources, and the Tagging API does not list them"),
        );
    }
    let tagging_region = if global { names::GLOBAL_TAGGING_REGION } else { region };
    let count_region = if global { "global" } else { region };
    match scan.coverage(TAGGING, tagging_region) {
        Some((CoverageStatus::Ok | CoverageStatus::Skipped, _)) => {
            let n = scan.count(prefixes, count_region);
            (
                Status::TaggedOnly,
                TAGGING.to_owned(),
                format!(
                    "only the Tagging API reads {prefix_list} resources: it found {n}{}; never-tagged ones would be missing{ri_note}",
                    in_region(count_region)
                ),
            )
        }
        Some((CoverageStatus::Denied, row)) => (
            Status::Denied,
            TAGGING.to_owned(),
            format!("no collector reads {prefix_list} resources, and the Tagging API was denied in {row}"),
        ),
        Some((CoverageStatus::Failed, row)) => (
            Status::Failed,
            TAGGING.to_owned(),
            format!("no collector reads {prefix_list} resources, and the Tagging API failed in {row}"),
        ),
        None => (
            Status::NotScanned,
            String::new(),
            format!("no collector reads {prefix_list} resources in {tagging_region}"),
        ),
    }
}

fn in_region(region: &str) -> String {
    match region {
        ANY => String::new(),
        "global" => " among global resources".to_owned(),
        r => format!(" in {r}"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Reconciles the spend with the scan. `min_usd` is the threshold of a blind spot.
pub fn reconcile(
    inventory: &Inventory,
    spend: &Spend,
    collectors: &[CollectorFacts],
    acknowledgements: &[Acknowledgement],
    min_usd: f64,
) -> BlindSpotReport {
    let scan = Scan::new(inventory);
    let mut rows: Vec<BlindSpotRow> = Vec::with_capacity(spend.rows.len());
    for row in &spend.rows {
        let (status, collector, mut detail) = if row.service == ANY {
            // A region row of the weak check: only an unscanned region says anything.
            if names::is_global_region(&row.region) || scan.regions.contains(row.region.as_str()) {
                continue;
            }
            (
                Status::RegionNotScanned,
                String::new(),
                format!(
                    "the account pays for services in {}, but the scan did not include {}; rescan with it",
                    row.region, row.region
                ),
            )
        } else {
            classify(&scan, collectors, &row.service, &row.region)
        };
        if let Some(note) = &spend.note {
            detail = format!("{detail}; {note}");
        }
        rows.push(BlindSpotRow {
            service: row.service.clone(),
            region: row.region.clone(),
            monthly_usd: row.monthly_usd,
            status,
            collector,
            detail,
        });
    }

    let mut warnings = Vec::new();
    for ack in acknowledgements {
        let mut matched = false;
        for row in rows.iter_mut().filter(|r| r.status.is_gap() && ack.matches(r)) {
            matched = true;
            row.detail = format!(
                "{} (acknowledged in {}; the check said {}: {})",
                ack.reason,
                ack.origin,
                row.status.as_str(),
                row.detail
            );
            row.status = Status::Acknowledged;
        }
        if !matched && !rows.iter().any(|r| r.status == Status::Acknowledged && ack.matches(r)) {
            warnings.push(format!(
                "{}: the acknowledgement of {}{} matches no blind spot; remove it, or check the service name against blind-spots.csv",
                ack.origin,
                ack.service,
                ack.region.as_deref().map(|r| format!(" in {r}")).unwrap_or_default()
            ));
        }
    }

    rows.sort_by(|a, b| {
        b.monthly_usd
            .total_cmp(&a.monthly_usd)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.region.cmp(&b.region))
    });
    let blind: Vec<&BlindSpotRow> = rows.iter().filter(|r| r.is_blind_spot(min_usd)).collect();
    let acked: Vec<&BlindSpotRow> = rows.iter().filter(|r| r.status == Status::Acknowledged).collect();
    BlindSpotReport {
        check: spend.check,
        note: spend.note.clone(),
        months: spend.months.clone(),
        min_usd,
        blind_spots: blind.len(),
        blind_spot_usd: round2(blind.iter().map(|r| r.monthly_usd).sum()),
        acknowledged: acked.len(),
        acknowledged_usd: round2(acked.iter().map(|r| r.monthly_usd).sum()),
        rows,
        warnings,
    }
}

fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

/// Renders `blind-spots.csv`: the rows as sorted, amounts with two decimals.
pub fn to_csv(report: &BlindSpotReport) -> Vec<u8> {
    let mut w = crate::csvsafe::Writer::new(Vec::new());
    w.write_record(CSV_HEADER).expect("writing to memory");
    for r in &report.rows {
        w.write_record([
            r.service.as_str(),
            &r.region,
            &format!("{:.2}", r.monthly_usd),
            r.status.as_str(),
            &r.collector,
            &r.detail,
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
