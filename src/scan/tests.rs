//! Orchestration tests against a fake [`ScanSource`]: coverage folding, denied regions,
//! partial results, the concurrency bound and determinism.

use crate::model::SortedMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use futures::future::BoxFuture;

use crate::error::{ApiError, ErrorKind};
use crate::model::{OrgStatus, Organization, Source};

struct Fake {
    denied_region: Option<&'static str>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    seen: Mutex<Vec<Unit>>,
}

impl Fake {
    fn new(denied_region: Option<&'static str>) -> Self {
        Fake {
            denied_region,
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            seen: Mutex::new(vec![]),
        }
    }
}

fn bucket(arn: &str, source: Source) -> Resource {
    Resource {
        arn: arn.into(),
        service: "s3".into(),
        resource_type: "s3:bucket".into(),
        region: None,
        id: "logs".into(),
        name: Some("logs".into()),
        tags: SortedMap::from([("env".to_string(), "prod".to_string())]),
        sources: vec![source],
        relations: vec![],
        attributes: SortedMap::new(),
    }
}

impl Fake {
    /// Counts the unit in flight, then answers after a short pause.
    async fn enter(&self, unit: Unit) {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.seen.lock().unwrap().push(unit);
    }

    fn denied(&self, region: &str, op: &'static str, code: &str) -> Option<ApiError> {
        (self.denied_region == Some(region)).then(|| ApiError {
            operation: op,
            region: region.into(),
            kind: ErrorKind::Denied,
            code: code.into(),
            message: String::new(),
        })
    }
}

fn unit(collector: usize, task: &Task<'_>) -> Unit {
    Unit {
        collector,
        region: task.region.to_owned(),
        part: "",
        parent: task.parent.map(str::to_owned),
    }
}

/// Breadth: the same bucket from every region.
struct FakeTagging;
/// Depth, per region, in 12 parts of two requests each; a VPC from the `vpcs` part.
struct FakeEc2;
/// Per bucket, after a listing.
struct FakeS3;

const EC2_PARTS: &[&str] = &[
    "instances",
    "volumes",
    "snapshots",
    "images",
    "vpcs",
    "subnets",
    "security-groups",
    "enis",
    "addresses",
    "nat",
    "igw",
    "tgw",
];

impl Collector<Fake> for FakeTagging {
    fn name(&self) -> &'static str {
        "tagging"
    }
    fn scope(&self) -> Scope {
        Scope::Regional
    }
    fn actions(&self) -> &'static [Action] {
        &[]
    }
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }
    fn run<'a>(&'a self, fake: &'a Fake, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            fake.enter(unit(0, &task)).await;
            let error = fake.denied(task.region, "GetResources", "AccessDeniedException");
            UnitResult {
                service: "tagging",
                region: task.region.to_owned(),
                resources: if error.is_some() {
                    vec![]
                } else {
                    vec![bucket("arn:aws:s3:::logs", Source::Tagging)]
                },
                requests: 1,
                error,
            }
        })
    }
}

impl Collector<Fake> for FakeEc2 {
    fn name(&self) -> &'static str {
        "ec2"
    }
    fn scope(&self) -> Scope {
        Scope::Regional
    }
    fn parts(&self) -> &'static [&'static str] {
        EC2_PARTS
    }
    fn actions(&self) -> &'static [Action] {
        &[]
    }
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }
    fn run<'a>(&'a self, fake: &'a Fake, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            fake.enter(unit(1, &task)).await;
            let error = fake
                .denied(task.region, "DescribeInstances", "UnauthorizedOperation")
                .filter(|_| task.part == "instances");
            let resources = if task.part == "vpcs" {
                let arn = crate::scan::arn::ec2(task.region, task.account, "vpc", "vpc-1");
                let mut vpc = bucket(&arn, Source::Ec2);
                vpc.resource_type = "ec2:vpc".into();
                vpc.region = Some(task.region.to_owned());
                vec![vpc]
            } else {
                vec![]
            };
            UnitResult {
                service: "ec2",
                region: task.region.to_owned(),
                resources,
                requests: 2,
                error,
            }
        })
    }
}

impl Collector<Fake> for FakeS3 {
    fn name(&self) -> &'static str {
        "s3"
    }
    fn scope(&self) -> Scope {
        Scope::PerParent
    }
    fn actions(&self) -> &'static [Action] {
        &[]
    }
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }
    fn discover<'a>(&'a self, _fake: &'a Fake, _task: Task<'a>) -> BoxFuture<'a, Discovery> {
        Box::pin(async move {
            Discovery {
                parents: vec!["logs".into()],
                result: UnitResult {
                    service: "s3",
                    region: "global".into(),
                    requests: 1,
                    ..Default::default()
                },
            }
        })
    }
    fn run<'a>(&'a self, fake: &'a Fake, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            fake.enter(unit(2, &task)).await;
            assert_eq!(task.parent, Some("logs"));
            UnitResult {
                service: "s3",
                region: "eu-west-1".into(),
                resources: vec![bucket("arn:aws:s3:::logs", Source::S3)],
                requests: 7,
                error: None,
            }
        })
    }
}

static FAKE_REGISTRY: &[&dyn Collector<Fake>] = &[&FakeTagging, &FakeEc2, &FakeS3];

impl ScanSource for Fake {
    async fn preflight(&self) -> Result<Preflight, ApiError> {
        Ok(Preflight {
            account: Account {
                id: "111122223333".into(),
                alias: None,
                organization: Organization::standalone(),
                alternate_contacts: None,
            },
            enabled_regions: vec!["us-east-1".into(), "eu-west-1".into()],
            disabled_regions: vec!["af-south-1".into()],
            regions_verified: true,
            home_region: "us-east-1".into(),
            coverage: vec![],
        })
    }

    fn collectors(&self) -> &[&dyn Collector<Self>] {
        FAKE_REGISTRY
    }
}

fn settings(concurrency: usize) -> ScanSettings {
    ScanSettings {
        regions: RegionSelection::All,
        concurrency,
        scanned_at: "2026-01-01T00:00:00Z".into(),
        max_records_per_zone: 10_000,
    }
}

fn run_scan(fake: &Fake, concurrency: usize) -> (Inventory, ScanSummary) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(scan(fake, &settings(concurrency), &Progress::new(true)))
        .unwrap()
}

#[test]
fn bucket_reported_by_every_region_is_kept_once_with_all_sources() {
    let (inventory, summary) = run_scan(&Fake::new(None), 4);
    let buckets: Vec<_> = inventory
        .resources
        .iter()
        .filter(|r| r.resource_type == "s3:bucket")
        .collect();
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].sources, vec![Source::Tagging, Source::S3]);
    assert_eq!(inventory.resources.len(), 3, "one bucket and one VPC per region");
    assert_eq!(summary.resources, 3);
    assert_eq!(summary.regions, 2);
    // 2 regions x (1 tagging + 12 EC2 parts x 2) + 1 bucket listing + 7 for the bucket.
    assert_eq!(summary.requests, 2 * (1 + 24) + 1 + 7);
    // The slowest stream is one of the streams the scan ran, named by collector and region.
    let (stream, seconds) = summary.slowest.clone().expect("a slowest stream");
    assert!(
        ["tagging/", "ec2/", "s3/"].iter().any(|c| stream.starts_with(c)),
        "{stream}"
    );
    assert!(
        (0.0..=summary.seconds).contains(&seconds),
        "{seconds} of {}",
        summary.seconds
    );
    assert!(inventory.is_complete());
    assert_eq!(inventory.account.organization.status, OrgStatus::Standalone);
}

#[test]
fn denied_region_becomes_coverage_rows_and_the_rest_is_kept() {
    let (inventory, _) = run_scan(&Fake::new(Some("eu-west-1")), 4);
    assert!(!inventory.is_complete());
    let bad: Vec<_> = inventory
        .incomplete_coverage()
        .map(|r| (r.service.as_str(), r.region.as_str(), r.status))
        .collect();
    assert_eq!(
        bad,
        vec![
            ("ec2", "eu-west-1", CoverageStatus::Denied),
            ("tagging", "eu-west-1", CoverageStatus::Denied)
        ]
    );
    let ec2_row = inventory
        .coverage
        .iter()
        .find(|r| r.service == "ec2" && r.region == "eu-west-1")
        .unwrap();
    assert_eq!(
        ec2_row.detail.as_deref(),
        Some("DescribeInstances: UnauthorizedOperation")
    );
    assert_eq!(ec2_row.requests, 24, "requests of the partial stream are still counted");
    assert!(
        inventory
            .resources
            .iter()
            .any(|r| r.arn.contains("eu-west-1") && r.resource_type == "ec2:vpc")
    );
    let line = ScanSummary {
        resources: 0,
        regions: 2,
        requests: 0,
        seconds: 0.0,
        slowest: Some(("ec2/eu-west-1 instances".into(), 1.34)),
    }
    .line(&inventory);
    assert!(
        line.contains("; slowest stream: ec2/eu-west-1 instances 1.3 s;"),
        "{line}"
    );
    assert!(
        line.contains("incomplete: ec2/eu-west-1 denied (DescribeInstances: UnauthorizedOperation)"),
        "{line}"
    );
}

#[test]
fn disabled_opt_in_regions_are_skipped_and_never_probed() {
    let fake = Fake::new(None);
    let (inventory, _) = run_scan(&fake, 4);
    let skipped: Vec<_> = inventory
        .coverage
        .iter()
        .filter(|r| r.status == CoverageStatus::Skipped)
        .collect();
    assert_eq!(skipped.len(), 2);
    assert!(skipped.iter().all(|r| r.region == "af-south-1"));
    let seen = fake.seen.lock().unwrap();
    assert!(!seen.iter().any(|u| u.region == "af-south-1"));
    assert_eq!(
        seen.len(),
        2 * (1 + EC2_PARTS.len()) + 1,
        "every part of every region, and the bucket"
    );
}

#[test]
fn concurrency_is_bounded() {
    let one = Fake::new(None);
    run_scan(&one, 1);
    assert_eq!(one.max_in_flight.load(Ordering::SeqCst), 1);
    let three = Fake::new(None);
    run_scan(&three, 3);
    assert!(three.max_in_flight.load(Ordering::SeqCst) <= 3);
    assert!(
        three.max_in_flight.load(Ordering::SeqCst) >= 2,
        "streams should overlap"
    );
}

#[test]
fn same_account_gives_byte_identical_snapshots_whatever_the_concurrency() {
    let (a, _) = run_scan(&Fake::new(Some("us-east-1")), 1);
    let (b, _) = run_scan(&Fake::new(Some("us-east-1")), 16);
    assert_eq!(crate::fsutil::to_json_bytes(&a), crate::fsutil::to_json_bytes(&b));
}

#[test]
fn a_preflight_row_and_a_collector_row_of_the_same_service_fold_into_one() {
    let row = |service: &str, status: CoverageStatus, detail: Option<&str>, requests: u64| Coverage {
        service: service.to_owned(),
        region: "global".to_owned(),
        status,
        detail: detail.map(str::to_owned),
        requests,
    };
    let rows = fold_same_rows(vec![
        row("iam", CoverageStatus::Ok, None, 1),
        row("sts", CoverageStatus::Ok, None, 1),
        row("iam", CoverageStatus::Denied, Some("ListAccessKeys: AccessDenied"), 4),
    ]);
    assert_eq!(
        rows,
        vec![
            row("iam", CoverageStatus::Denied, Some("ListAccessKeys: AccessDenied"), 5),
            row("sts", CoverageStatus::Ok, None, 1),
        ]
    );
}

#[test]
fn a_not_enabled_answer_keeps_its_row_ok_and_says_so() {
    let result = |region: &str, error: Option<ApiError>| UnitResult {
        service: "guardduty",
        region: region.to_owned(),
        resources: Vec::new(),
        requests: 1,
        error,
    };
    let failed = ApiError::new("ListDetectors", "us-east-1", "InternalFailure", "");
    let rows = coverage_rows(&[
        result("eu-west-1", Some(ApiError::not_enabled("ListDetectors", "eu-west-1"))),
        result("us-east-1", Some(ApiError::not_enabled("ListDetectors", "us-east-1"))),
        result("us-east-1", Some(failed)),
    ]);
    let seen: Vec<(&str, CoverageStatus, Option<&str>)> = rows
        .iter()
        .map(|r| (r.region.as_str(), r.status, r.detail.as_deref()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("eu-west-1", CoverageStatus::Ok, Some("not enabled")),
            (
                "us-east-1",
                CoverageStatus::Failed,
                Some("ListDetectors: InternalFailure; not enabled")
            ),
        ]
    );
}
