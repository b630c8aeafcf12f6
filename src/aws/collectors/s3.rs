//! The S3 collector: every bucket from ListBuckets (the discovery), then per bucket its default
//! encryption, public access block, versioning, replication and policy, through a client in the
//! bucket's own region. A bucket without policy or encryption is normal.
//!
//! Fewer requests than one location and one tag call per bucket:
//! - regions: one `ListBuckets` filtered by `BucketRegion` per scanned region, sent to that
//!   region (AWS answers a filtered listing only from the region it names), gives the region of
//!   every bucket it returns; `GetBucketLocation` only for the buckets no filtered listing
//!   returned (buckets in regions the scan does not read, or a failed listing);
//! - tags: the Tagging API of every scanned region reports the tagged buckets of that region
//!   with their tags, and the scan merges them into the bucket (`scan::merge`); an untagged
//!   bucket keeps the empty tags of this collector. `GetBucketTagging` is sent only for a bucket
//!   in a region the scan does not read.

use aws_sdk_s3::Client;
use aws_sdk_s3::types::BucketLocationConstraint;
use futures::future::BoxFuture;

use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Discovery, Scope, Task, UnitResult, action, arn, policy};

// Path-style addressing against an emulator, which also needs its versioning answer fixed.
service_client!(aws_sdk_s3, "s3", |builder, aws| {
    let builder = builder.force_path_style(aws.emulator());
    if aws.emulator() {
        builder.interceptor(crate::aws::emulator::MotoVersioningFix)
    } else {
        builder
    }
});

pub struct S3;

const ACTIONS: &[Action] = &[
    action("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    action("S3", "GetBucketLocation", "s3:GetBucketLocation"),
    action("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    action("S3", "GetBucketReplication", "s3:GetReplicationConfiguration"),
    // Only for a bucket in a region the scan does not read.
    action("S3", "GetBucketTagging", "s3:GetBucketTagging"),
    action("S3", "GetBucketVersioning", "s3:GetBucketVersioning"),
    action("S3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    action("S3", "ListBuckets", "s3:ListAllMyBuckets"),
];

impl Collector<AwsScanSource> for S3 {
    fn name(&self) -> &'static str {
        "s3"
    }

    fn scope(&self) -> Scope {
        Scope::PerParent
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Simple Storage Service"]
    }

    fn discover<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, Discovery> {
        Box::pin(async move {
            let aws = source.aws();
            let (names, mut requests, error) = list_buckets(&aws.client(task.home), task.home).await;
            let listings = task.regions.iter().map(|region| async move {
                let client: Client = aws.client(region);
                let (found, requests, error) = list_buckets_in(&client, region).await;
                (region.as_str(), found, requests, error)
            });
            let mut by_region = Vec::new();
            for (region, found, sent, error) in futures::future::join_all(listings).await {
                requests += sent;
                // A failed filtered listing loses nothing: its buckets get GetBucketLocation.
                if error.is_none() {
                    by_region.push((region, found));
                }
            }
            let parents = parents(&names, &by_region);
            Discovery {
                parents,
                result: UnitResult {
                    service: "s3",
                    region: "global".to_owned(),
                    resources: vec![],
                    requests,
                    error,
                },
            }
        })
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let aws = source.aws();
            let (name, region) = parse_parent(task.parent.expect("S3 units describe one bucket each"));
            describe_bucket(
                &aws.client(task.home),
                |region| aws.client(region),
                &Bucket {
                    home: task.home,
                    account: task.account,
                    name,
                    region,
                    scanned: task.regions,
                },
            )
            .await
        })
    }
}

/// Error codes that mean "this bucket has no such configuration", not a failure.
const ABSENT: &[&str] = &[
    "NoSuchTagSet",
    "NoSuchTagSetError",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchPublicAccessBlockConfiguration",
    "ReplicationConfigurationNotFoundError",
    "NoSuchBucketPolicy",
];

/// Every bucket name, sorted.
pub async fn list_buckets(client: &Client, home: &str) -> (Vec<String>, u64, Option<ApiError>) {
    let mut names = Vec::new();
    let (requests, error) = paginate!(client.list_buckets(), "ListBuckets", home, |page| {
        names.extend(page.buckets().iter().filter_map(|b| b.name().map(str::to_owned)));
    });
    names.sort();
    names.dedup();
    (names, requests, error)
}

/// What one filtered listing returned: `(bucket name, its BucketRegion if stated)`.
pub type Listed = Vec<(String, Option<String>)>;

/// The buckets one `ListBuckets` filtered by `BucketRegion` returns, sent to that region:
/// `(name, BucketRegion if the answer has it)`, sorted.
pub async fn list_buckets_in(client: &Client, region: &str) -> (Listed, u64, Option<ApiError>) {
    let mut found = Vec::new();
    let (requests, error) = paginate!(
        client.list_buckets().bucket_region(region),
        "ListBuckets",
        region,
        |page| {
            found.extend(page.buckets().iter().filter_map(|b| {
                b.name()
                    .map(|name| (name.to_owned(), b.bucket_region().map(str::to_owned)))
            }));
        }
    );
    found.sort();
    found.dedup();
    (found, requests, error)
}

/// The parents of the S3 units: every bucket name, with its region when the filtered listings
/// tell it (`name region`; bucket names have no spaces). A bucket's region is the `BucketRegion`
/// an answer gives; without one (moto leaves it out) the region of the one filtered listing that
/// returned it. A bucket no listing returned, or that several returned without a
/// `BucketRegion`, gets none: its unit asks `GetBucketLocation`.
///
/// The parents alternate between regions (the first bucket of each region, then the second...):
/// the scan runs units in this order, a bounded number at once, so buckets named by region would
/// otherwise fill every slot with one region's S3 stream, and a rate limit on that one stream
/// would slow them all.
pub fn parents(names: &[String], by_region: &[(&str, Listed)]) -> Vec<String> {
    let mut regions: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for (filter, found) in by_region {
        for (name, stated) in found {
            regions
                .entry(name.as_str())
                .or_default()
                .push(stated.as_deref().unwrap_or(filter));
        }
    }
    let mut by_home: std::collections::BTreeMap<Option<&str>, Vec<String>> = std::collections::BTreeMap::new();
    for name in names {
        let region = match regions.get(name.as_str()).map(Vec::as_slice) {
            Some([region]) => Some(*region),
            Some(several) if !several.is_empty() && several.iter().all(|r| *r == several[0]) => Some(several[0]),
            _ => None,
        };
        let parent = region.map_or_else(|| name.clone(), |region| format!("{name} {region}"));
        by_home.entry(region).or_default().push(parent);
    }
    let mut queues: Vec<std::vec::IntoIter<String>> = by_home.into_values().map(Vec::into_iter).collect();
    let mut parents = Vec::with_capacity(names.len());
    while parents.len() < names.len() {
        for queue in &mut queues {
            parents.extend(queue.next());
        }
    }
    parents
}

/// A parent as [`parents`] wrote it: the bucket name and its region if known.
pub fn parse_parent(parent: &str) -> (&str, Option<&str>) {
    match parent.split_once(' ') {
        Some((name, region)) => (name, Some(region)),
        None => (parent, None),
    }
}

/// One bucket to describe, and what the scan knows around it.
#[derive(Debug, Clone, Copy)]
pub struct Bucket<'a> {
    pub home: &'a str,
    pub account: &'a str,
    pub name: &'a str,
    /// From the filtered listings; `None` asks `GetBucketLocation`.
    pub region: Option<&'a str>,
    /// The regions the scan reads: their Tagging API reports the buckets' tags.
    pub scanned: &'a [String],
}

/// `GetBucketLocation`'s answer as a region name: empty means us-east-1, `EU` means eu-west-1.
pub fn location_region(constraint: Option<&BucketLocationConstraint>) -> String {
    match constraint.map(|c| c.as_str()) {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(other) => other.to_owned(),
    }
}

/// Outcome of one optional-configuration call: `Ok(None)` when the bucket has none.
fn optional<T>(result: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(err) if ABSENT.contains(&err.code.as_str()) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Describes one bucket. `client_for` gives a client in a region (after the location is known).
pub async fn describe_bucket(
    home_client: &Client,
    client_for: impl Fn(&str) -> Client,
    bucket: &Bucket<'_>,
) -> UnitResult {
    let Bucket {
        home, account, name, ..
    } = *bucket;
    let mut requests = 0;
    let location = match bucket.region {
        Some(region) => Ok(region.to_owned()),
        None => {
            requests += 1;
            home_client
                .get_bucket_location()
                .bucket(name)
                .send()
                .await
                .map(|out| location_region(out.location_constraint()))
        }
    };
    let region = match location {
        Ok(region) => region,
        Err(err) => {
            let err = ApiError::from_sdk("GetBucketLocation", home, err);
            if err.code == "NoSuchBucket" {
                // Deleted between ListBuckets and now: there is nothing left to migrate.
                return UnitResult {
                    service: "s3",
                    region: home.to_owned(),
                    requests,
                    ..Default::default()
                };
            }
            return UnitResult {
                service: "s3",
                region: home.to_owned(),
                requests,
                error: Some(err),
                ..Default::default()
            };
        }
    };
    let client = client_for(&region);
    let mut errors: Vec<ApiError> = Vec::new();
    let mut attrs = Attrs::default().set("location", region.as_str());
    let mut relations = Vec::new();
    let partition = arn::partition_of(&region);
    let mut note = |result: Result<(), ApiError>| {
        if let Err(err) = result {
            errors.push(err);
        }
    };

    // Tags come from the Tagging API of the bucket's region when the scan reads it.
    let mut tags = crate::model::SortedMap::new();
    if !bucket.scanned.contains(&region) {
        requests += 1;
        note(
            optional(
                client
                    .get_bucket_tagging()
                    .bucket(name)
                    .send()
                    .await
                    .map_err(|e| ApiError::from_sdk("GetBucketTagging", &region, e)),
            )
            .map(|out| {
                if let Some(out) = out {
                    tags = out
                        .tag_set()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().to_owned()))
                        .collect();
                }
            }),
        );
    }

    requests += 1;
    note(
        optional(
            client
                .get_bucket_encryption()
                .bucket(name)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetBucketEncryption", &region, e)),
        )
        .map(|out| {
            let rule = out
                .as_ref()
                .and_then(|o| o.server_side_encryption_configuration())
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default());
            let algorithm = rule
                .map(|r| r.sse_algorithm().as_str().to_owned())
                .unwrap_or_else(|| "none".to_owned());
            let key = rule.and_then(|r| r.kms_master_key_id());
            attrs = std::mem::take(&mut attrs)
                .set("encryption", algorithm)
                .opt("kms_key_id", key);
            if let Some(key_arn) = key.and_then(|k| arn::kms_key(&region, account, k)) {
                relations.push(Relation::new("uses-key", key_arn));
            }
        }),
    );

    requests += 1;
    note(
        optional(
            client
                .get_public_access_block()
                .bucket(name)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetPublicAccessBlock", &region, e)),
        )
        .map(|out| {
            let value = match out.as_ref().and_then(|o| o.public_access_block_configuration()) {
                Some(c) => serde_json::json!({
                    "block_public_acls": c.block_public_acls().unwrap_or(false),
                    "block_public_policy": c.block_public_policy().unwrap_or(false),
                    "ignore_public_acls": c.ignore_public_acls().unwrap_or(false),
                    "restrict_public_buckets": c.restrict_public_buckets().unwrap_or(false),
                }),
                None => serde_json::Value::Null,
            };
            attrs = std::mem::take(&mut attrs).set("public_access_block", value);
        }),
    );

    requests += 1;
    note(
        client
            .get_bucket_versioning()
            .bucket(name)
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("GetBucketVersioning", &region, e))
            .map(|out| {
                let status = out
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_else(|| "Disabled".to_owned());
                attrs = std::mem::take(&mut attrs).set("versioning", status);
            }),
    );

    requests += 1;
    note(
        optional(
            client
                .get_bucket_replication()
                .bucket(name)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetBucketReplication", &region, e)),
        )
        .map(|out| {
            attrs = std::mem::take(&mut attrs).set("replication", out.is_some());
            // The role S3 replicates with moves with the bucket when nothing else uses it; each
            // destination bucket is a link the move must keep or rewrite.
            if let Some(config) = out.as_ref().and_then(|o| o.replication_configuration()) {
                if !config.role().is_empty() {
                    relations.push(Relation::new("uses-role", config.role()));
                }
                let mut destinations: Vec<&str> = config
                    .rules()
                    .iter()
                    .filter_map(|r| r.destination())
                    .map(|d| d.bucket())
                    .filter(|b| !b.is_empty())
                    .collect();
                destinations.sort_unstable();
                destinations.dedup();
                relations.extend(destinations.into_iter().map(|b| Relation::new("replicates-to", b)));
            }
        }),
    );

    requests += 1;
    note(
        optional(
            client
                .get_bucket_policy()
                .bucket(name)
                .send()
                .await
                .map_err(|e| ApiError::from_sdk("GetBucketPolicy", &region, e)),
        )
        .map(|out| {
            let text = out.as_ref().and_then(|o| o.policy()).unwrap_or_default();
            attrs = std::mem::take(&mut attrs).set("has_policy", !text.is_empty());
            if let Some(facts) = policy::analyze(text) {
                attrs = std::mem::take(&mut attrs)
                    .set("policy_principals", facts.principals)
                    .set("policy_write_services", facts.write_services)
                    .set("policy_account_ids", facts.account_ids);
            }
        }),
    );

    let resource = Resource {
        arn: arn::s3_bucket(partition, name),
        service: "s3".to_owned(),
        resource_type: "s3:bucket".to_owned(),
        region: None,
        id: name.to_owned(),
        name: Some(name.to_owned()),
        tags,
        sources: vec![Source::S3],
        relations,
        attributes: attrs.into_map(),
    };
    if errors.iter().any(|e| e.code == "NoSuchBucket") {
        // Deleted between the listing and now (its region came from a listing, so no
        // GetBucketLocation noticed): there is nothing left to migrate.
        return UnitResult {
            service: "s3",
            region,
            requests,
            ..Default::default()
        };
    }
    // Keep the bucket even when a detail call failed: what was read is still true, and the
    // coverage row says what is missing.
    let error = first_error(errors);
    UnitResult {
        service: "s3",
        region,
        resources: vec![resource],
        requests,
        error,
    }
}

/// The denied error if any (it decides the coverage status), else the first failure.
fn first_error(mut errors: Vec<ApiError>) -> Option<ApiError> {
    let denied = errors.iter().position(ApiError::is_denied);
    match denied {
        Some(i) => Some(errors.swap_remove(i)),
        None => errors.into_iter().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(names: &[(&str, Option<&str>)]) -> Listed {
        names
            .iter()
            .map(|(n, r)| ((*n).to_owned(), r.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn a_bucket_gets_its_region_from_the_filtered_listings_or_none() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| (*s).to_owned()).collect();
        let by_region = vec![
            // AWS states the region; moto does not, and then the filter names it.
            ("eu-west-1", found(&[("a", Some("eu-west-1")), ("b", None)])),
            // A server that ignored the filter would return a bucket twice: ambiguous.
            ("us-east-1", found(&[("c", None), ("d", None)])),
            ("us-west-2", found(&[("d", None), ("e", Some("eu-west-1"))])),
        ];
        // Alternating between regions (unknown first), each in name order.
        assert_eq!(
            parents(&names, &by_region),
            ["d", "a eu-west-1", "c us-east-1", "b eu-west-1", "e eu-west-1"]
        );
        assert_eq!(parse_parent("a eu-west-1"), ("a", Some("eu-west-1")));
        assert_eq!(parse_parent("d"), ("d", None));
        // No filtered listing at all (every one failed): every bucket asks GetBucketLocation.
        assert_eq!(parents(&names, &[]), names);
    }
}
