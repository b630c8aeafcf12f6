//! The inventory snapshot (`inventory.json`, schema version 1): what the scanner saw in the
//! legacy account. Documented field by field in `docs/snapshot.md`.

use serde::{Deserialize, Serialize};

use super::SortedMap;

/// The only snapshot schema this build reads and writes.
pub const INVENTORY_SCHEMA_VERSION: u32 = 1;

/// A whole scan of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub schema_version: u32,
    pub tool_version: String,
    /// RFC 3339 time the scan started; the only field that differs between two identical scans.
    pub scanned_at: String,
    pub account: Account,
    /// Regions that were scanned, sorted.
    pub regions: Vec<String>,
    /// One row per (service, region), sorted by service then region.
    pub coverage: Vec<Coverage>,
    /// Sorted by ARN; ARNs are unique.
    pub resources: Vec<Resource>,
}

impl Inventory {
    /// True when every coverage row is `ok` or `skipped`.
    pub fn is_complete(&self) -> bool {
        self.coverage.iter().all(|row| row.status.is_complete())
    }

    /// Coverage rows that are denied or failed.
    pub fn incomplete_coverage(&self) -> impl Iterator<Item = &Coverage> {
        self.coverage.iter().filter(|row| !row.status.is_complete())
    }

    /// Sorts every list so that serialisation is deterministic.
    pub fn normalize(&mut self) {
        self.regions.sort();
        self.regions.dedup();
        self.coverage
            .sort_by(|a, b| (&a.service, &a.region).cmp(&(&b.service, &b.region)));
        for resource in &mut self.resources {
            resource.normalize();
        }
        self.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    }
}

/// The scanned account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// The IAM account alias, if one is set.
    pub alias: Option<String>,
    pub organization: Organization,
    /// Which alternate contacts are set (account `GetAlternateContact`); absent when they were
    /// not checked or a call was denied or failed. Only whether each is set: never a name,
    /// email address or phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_contacts: Option<AlternateContacts>,
}

/// Whether each alternate contact type is set for the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternateContacts {
    pub billing: bool,
    pub operations: bool,
    pub security: bool,
}

/// Whether, and how, the account belongs to an AWS Organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub status: OrgStatus,
    /// `o-...` when the account is in an organization.
    pub id: Option<String>,
    pub management_account_id: Option<String>,
    /// Why the status is `unknown` (for example the call was denied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Organization {
    pub fn standalone() -> Self {
        Organization {
            status: OrgStatus::Standalone,
            id: None,
            management_account_id: None,
            detail: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgStatus {
    /// Not in any organization (`AWSOrganizationsNotInUseException`).
    Standalone,
    /// A member account of someone's organization.
    Member,
    /// The management account of an organization.
    Management,
    /// The call failed or was denied; see `detail`.
    Unknown,
}

impl OrgStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Standalone => "standalone",
            OrgStatus::Member => "member",
            OrgStatus::Management => "management",
            OrgStatus::Unknown => "unknown",
        }
    }
}

/// One resource, keyed by ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub arn: String,
    /// The ARN's service part: `ec2`, `s3`, `rds`...
    pub service: String,
    /// `service:type`, for example `ec2:instance` or `s3:bucket`.
    pub resource_type: String,
    /// `None` for global resources (S3 bucket ARNs carry no region; see `attributes.location`).
    pub region: Option<String>,
    pub id: String,
    /// The `Name` tag, or the bucket name.
    pub name: Option<String>,
    pub tags: SortedMap<String>,
    /// Which APIs saw the resource, sorted.
    pub sources: Vec<Source>,
    /// Sorted by (kind, arn), without duplicates.
    pub relations: Vec<Relation>,
    /// Service-specific facts the runbook needs; keys sorted.
    pub attributes: SortedMap<serde_json::Value>,
}

impl Resource {
    pub fn normalize(&mut self) {
        self.sources.sort();
        self.sources.dedup();
        self.relations.sort();
        self.relations.dedup();
    }

    /// The first relation of `kind`, if any.
    pub fn related(&self, kind: &str) -> impl Iterator<Item = &str> {
        self.relations
            .iter()
            .filter(move |r| r.kind == kind)
            .map(|r| r.arn.as_str())
    }

    pub fn attr_str(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).and_then(|v| v.as_str())
    }

    pub fn attr_bool(&self, key: &str) -> Option<bool> {
        self.attributes.get(key).and_then(|v| v.as_bool())
    }
}

/// An edge to another resource, by ARN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Relation {
    /// `attached-to`, `in-subnet`, `in-vpc`, `uses-key`, `from-snapshot`, `from-volume`,
    /// `has-security-group`, `associated-with`, `uses-address`, `routes-to`, `connects`,
    /// `in-transit-gateway`, `monitors`, `logs-to`, `uses-role`, `owns`, `nested-in`,
    /// `in-cluster`, `in-target-group`, `uses-launch-template`, `in-load-balancer`,
    /// `has-instance`, `uses-certificate`, `has-origin`, `uses-web-acl` (see `docs/snapshot.md`).
    pub kind: String,
    pub arn: String,
}

impl Relation {
    pub fn new(kind: &str, arn: impl Into<String>) -> Self {
        Relation {
            kind: kind.to_owned(),
            arn: arn.into(),
        }
    }
}

/// The API that reported a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Tagging,
    Ec2,
    S3,
    Iam,
    Sqs,
    Sns,
    Cloudformation,
    Ecs,
    Kms,
    SecretsManager,
    Ssm,
    Logs,
    Eks,
    Autoscaling,
    Efs,
    Rds,
    Lambda,
    Dynamodb,
    Route53,
    Acm,
    Cloudtrail,
    Config,
    Guardduty,
    Elasticache,
    Elbv2,
    Elb,
    Ecr,
    Cloudfront,
    Route53domains,
    Securityhub,
    /// The registry name, as every other source.
    #[serde(rename = "access-analyzer")]
    AccessAnalyzer,
}

/// What happened to one (service, region) stream of the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub service: String,
    /// A region name, or `global`.
    pub region: String,
    pub status: CoverageStatus,
    /// The error code, or why the stream was skipped; `None` when ok.
    pub detail: Option<String>,
    /// Requests sent for this stream, retries excluded.
    pub requests: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CoverageStatus {
    Ok,
    Denied,
    Failed,
    Skipped,
}

impl CoverageStatus {
    pub fn is_complete(self) -> bool {
        matches!(self, CoverageStatus::Ok | CoverageStatus::Skipped)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Ok => "ok",
            CoverageStatus::Denied => "denied",
            CoverageStatus::Failed => "failed",
            CoverageStatus::Skipped => "skipped",
        }
    }
}
