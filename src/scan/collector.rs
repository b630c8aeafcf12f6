//! The collector contract: one implementation per AWS service (in `aws::collectors`, the only
//! code that knows the SDK), listed in one registry. A collector declares its units of work, the
//! exact IAM actions it may call and the Cost Explorer services its resources are billed under;
//! the scan, the coverage rows, the IAM policy and the docs are all derived from those
//! declarations. Nothing here names an SDK type: the source `S` a collector runs against (the
//! real client factory, or a fake in tests) is a type parameter.

use futures::future::BoxFuture;

use super::UnitResult;

/// One operation a collector (or the tool outside the collectors) may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Action {
    /// The SDK's service name, as the audit log records it (`EC2`, `S3`...).
    pub service: &'static str,
    /// The API operation name.
    pub operation: &'static str,
    /// The IAM action that authorises it (S3 names some differently from the operation).
    pub iam_action: &'static str,
}

/// An [`Action`], for `const` tables.
pub const fn action(service: &'static str, operation: &'static str, iam_action: &'static str) -> Action {
    Action {
        service,
        operation,
        iam_action,
    }
}

/// How a collector's work is split into units, each run concurrently with the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One unit per part for the whole account (IAM, Route 53...), sent to the home region;
    /// its results use the region `global`, as its resources have none.
    Global,
    /// One unit per scanned region and per part (EC2, the Tagging API...).
    Regional,
    /// One unit per parent that [`Collector::discover`] lists once for the account (S3 buckets).
    PerParent,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Regional => "per region",
            Scope::PerParent => "per parent",
        }
    }
}

/// What one unit is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task<'a> {
    /// The scanned account's id, for building ARNs.
    pub account: &'a str,
    /// The region global calls go to.
    pub home: &'a str,
    /// The region this unit reads (the home region for global units, discovery and parents).
    pub region: &'a str,
    /// One of [`Collector::parts`]; empty for a collector with one part.
    pub part: &'a str,
    /// The parent this unit describes (`PerParent` only), as [`Collector::discover`] named it.
    pub parent: Option<&'a str>,
    /// Every region the scan reads, sorted (S3 lists its buckets by region with them).
    pub regions: &'a [String],
}

/// What [`Collector::discover`] found: the parents, and the coverage of the listing itself
/// (its `region` is usually `global`).
#[derive(Debug, Default)]
pub struct Discovery {
    pub parents: Vec<String>,
    pub result: UnitResult,
}

/// One AWS service's depth (or breadth) reader. Implementations are unit structs listed in the
/// registry (`aws::collectors::REGISTRY`); each lives in its own file, with its SDK-to-model
/// conversions as pure functions beside it.
pub trait Collector<S: ?Sized>: Sync {
    /// The coverage-row service name and the prefix of its resource types: `ec2`, `s3`...
    fn name(&self) -> &'static str;

    fn scope(&self) -> Scope;

    /// Independent streams inside one unit of scope (for EC2, one per describe operation), so
    /// they run concurrently. One empty part by default.
    fn parts(&self) -> &'static [&'static str] {
        &[""]
    }

    /// Every operation the collector may send; the published IAM policy is built from these.
    fn actions(&self) -> &'static [Action];

    /// The Cost Explorer `SERVICE` dimension values its resources are billed under, so spend
    /// can be matched to the collector that should have seen it. Empty for free APIs.
    fn billed_as(&self) -> &'static [&'static str];

    /// `PerParent` only: lists the parents, once for the account.
    fn discover<'a>(&'a self, _source: &'a S, task: Task<'a>) -> BoxFuture<'a, Discovery> {
        let result = UnitResult {
            service: self.name(),
            region: task.region.to_owned(),
            ..Default::default()
        };
        Box::pin(async move {
            Discovery {
                parents: Vec::new(),
                result,
            }
        })
    }

    /// Runs one unit. Never fails as a whole: an error goes into the result, with whatever was
    /// read before it.
    fn run<'a>(&'a self, source: &'a S, task: Task<'a>) -> BoxFuture<'a, UnitResult>;
}
