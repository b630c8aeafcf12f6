//! The Route 53 collector (global): every hosted zone from `ListHostedZones` (every page), public
//! or private, with its record count; the VPC associations of each private zone from
//! `GetHostedZone`; its tags from `ListTagsForResources` (ten zones a request: moto's Tagging API
//! leaves hosted zones out); and its records from `ListResourceRecordSets`, at most
//! [`DEFAULT_MAX_RECORDS_PER_ZONE`] (or `scan --max-records-per-zone`) per zone. A zone whose
//! records were cut at the cap is named in the coverage row (`RecordCapReached`), so the scan
//! says it did not read everything.
//!
//! Records are not resources: the zone lists them in its `records` attribute (name, type, TTL,
//! the alias or CNAME target, the addresses of A and AAAA records; no other record values). Once
//! every collector has run, the scan turns the targets into `routes-to` relations to the load
//! balancers, distributions, buckets and Elastic IPs of the account (`scan::dns`).

use std::collections::BTreeMap;

use aws_sdk_route53::Client;
use aws_sdk_route53::types::{HostedZone, ResourceRecordSet, RrType, TagResourceType};
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{first_error, tag_map};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::dns::normalize;
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_route53, "route53");

pub struct Route53;

/// Records read per zone unless `scan --max-records-per-zone` says otherwise.
pub const DEFAULT_MAX_RECORDS_PER_ZONE: usize = 10_000;

/// The most records `ListResourceRecordSets` returns in one page.
const PAGE_SIZE: usize = 300;

/// The most zones `ListTagsForResources` takes in one request.
const TAG_BATCH: usize = 10;

const ACTIONS: &[Action] = &[
    action("Route 53", "GetHostedZone", "route53:GetHostedZone"),
    action("Route 53", "ListHostedZones", "route53:ListHostedZones"),
    action("Route 53", "ListResourceRecordSets", "route53:ListResourceRecordSets"),
    action("Route 53", "ListTagsForResources", "route53:ListTagsForResources"),
];

impl Collector<AwsScanSource> for Route53 {
    fn name(&self) -> &'static str {
        "route53"
    }

    fn scope(&self) -> Scope {
        Scope::Global
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Route 53"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let client = source.aws().client(task.home);
            collect(&client, task.home, task.account, source.max_records_per_zone()).await
        })
    }
}

/// One record as the zone lists it. Values are kept only where they name what the record points
/// at: the alias or CNAME target, and the addresses of A and AAAA records.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    pub name: String,
    pub kind: String,
    pub set_identifier: Option<String>,
    /// `None` for an alias record, whose TTL is the target's.
    pub ttl: Option<i64>,
    pub alias: bool,
    /// The alias target, or the CNAME's value, normalized.
    pub target: Option<String>,
    pub addresses: Vec<String>,
}

impl Record {
    pub fn from_sdk(record: &ResourceRecordSet) -> Record {
        let kind = record.r#type().as_str().to_owned();
        let alias = record.alias_target();
        let target = match alias {
            Some(alias) => Some(normalize(alias.dns_name())),
            None if *record.r#type() == RrType::Cname => {
                record.resource_records().first().map(|v| normalize(v.value()))
            }
            None => None,
        };
        let addresses = if alias.is_none() && matches!(record.r#type(), RrType::A | RrType::Aaaa) {
            let mut values: Vec<String> = record.resource_records().iter().map(|v| v.value().to_owned()).collect();
            values.sort();
            values
        } else {
            Vec::new()
        };
        Record {
            name: normalize(record.name()),
            kind,
            set_identifier: record.set_identifier().map(str::to_owned),
            ttl: record.ttl(),
            alias: alias.is_some(),
            target,
            addresses,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        let mut entry = json!({"name": self.name, "type": self.kind});
        if let Some(id) = &self.set_identifier {
            entry["set_identifier"] = id.as_str().into();
        }
        if let Some(ttl) = self.ttl {
            entry["ttl"] = ttl.into();
        }
        if self.alias {
            entry["alias"] = true.into();
        }
        if let Some(target) = &self.target {
            entry["target"] = target.as_str().into();
            if let Some(endpoint) = endpoint_kind(target) {
                entry["endpoint"] = endpoint.into();
            }
        }
        if !self.addresses.is_empty() {
            entry["addresses"] = self.addresses.clone().into();
        }
        entry
    }
}

/// What was read of one zone's records.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Records {
    pub records: Vec<Record>,
    /// True when the cap stopped the reading before the last record.
    pub capped: bool,
}

/// The kind of AWS endpoint a DNS name is, from its suffix; `None` for any other name.
pub fn endpoint_kind(dns_name: &str) -> Option<&'static str> {
    let n = dns_name;
    if n.ends_with(".elb.amazonaws.com") {
        Some("load-balancer")
    } else if n.ends_with(".cloudfront.net") {
        Some("cloudfront")
    } else if n.contains("s3-website") {
        Some("s3-website")
    } else if crate::scan::dns::bucket_of_endpoint(n).is_some() {
        Some("s3")
    } else if n.contains(".execute-api.") {
        Some("api-gateway")
    } else if n.ends_with(".rds.amazonaws.com") {
        Some("rds")
    } else if n.ends_with(".elasticbeanstalk.com") {
        Some("elastic-beanstalk")
    } else if n.ends_with(".amazonaws.com") {
        Some("aws")
    } else {
        None
    }
}

/// Reads every hosted zone with its VPCs, tags and records.
pub async fn collect(client: &Client, home: &str, account: &str, max_records: usize) -> UnitResult {
    let mut zones: Vec<HostedZone> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(client.list_hosted_zones(), "ListHostedZones", home, |page| {
        zones.extend(page.hosted_zones().iter().cloned());
    });
    errors.extend(error);

    let mut tags: BTreeMap<String, SortedMap<String>> = BTreeMap::new();
    let ids: Vec<String> = zones.iter().map(|z| bare_id(z.id()).to_owned()).collect();
    for chunk in ids.chunks(TAG_BATCH) {
        requests += 1;
        let request = client
            .list_tags_for_resources()
            .resource_type(TagResourceType::Hostedzone)
            .set_resource_ids(Some(chunk.to_vec()));
        match request.send().await {
            Ok(answer) => {
                for set in answer.resource_tag_sets() {
                    let Some(id) = set.resource_id() else { continue };
                    let map = tag_map(set.tags().iter().map(|t| (t.key(), t.value())));
                    tags.insert(id.to_owned(), map);
                }
            }
            Err(err) => errors.push(ApiError::from_sdk("ListTagsForResources", home, err)),
        }
    }

    let mut out = Vec::new();
    let mut capped: Vec<String> = Vec::new();
    for zone in &zones {
        let id = bare_id(zone.id());
        let private = zone.config().is_some_and(|c| c.private_zone());
        let mut vpcs: Option<Vec<(String, String)>> = None;
        if private {
            requests += 1;
            match client.get_hosted_zone().id(id).send().await {
                Ok(answer) => {
                    let mut found: Vec<(String, String)> = answer
                        .vpcs()
                        .iter()
                        .map(|v| {
                            (
                                v.vpc_region().map(|r| r.as_str().to_owned()).unwrap_or_default(),
                                v.vpc_id().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect();
                    found.sort();
                    vpcs = Some(found);
                }
                Err(err) => errors.push(ApiError::from_sdk("GetHostedZone", home, err)),
            }
        }
        let (records, n, error) = read_records(client, home, id, max_records).await;
        requests += n;
        errors.extend(error);
        if records.capped {
            capped.push(format!("{id} {}", zone.name().trim_end_matches('.')));
        }
        let zone_tags = tags.get(id).cloned().unwrap_or_default();
        out.push(hosted_zone(account, zone, zone_tags, vpcs.as_deref(), &records));
    }
    if !capped.is_empty() {
        capped.sort();
        errors.push(cap_reached(home, &capped, max_records));
    }
    UnitResult {
        service: "route53",
        region: "global".to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The coverage entry for the zones whose records were cut at the cap (`"Z1 example.com"`
/// each). The coverage detail is `ListResourceRecordSets: <code>`, so the code names the zones
/// and the cap (and holds no `; `, which separates the parts of a detail).
pub fn cap_reached(home: &str, zones: &[String], max: usize) -> ApiError {
    let (word, list) = match zones {
        [one] => ("hosted zone", one.clone()),
        many => ("hosted zones", many.join(", ")),
    };
    ApiError::new(
        "ListResourceRecordSets",
        home,
        &format!("RecordCapReached ({word} {list}: only the first {max} records read, raise --max-records-per-zone)"),
        format!("more than {max} records in {list}"),
    )
}

/// `Z123` from `/hostedzone/Z123`.
pub fn bare_id(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// Reads at most `max` records of one zone, following `NextRecordName`, `NextRecordType` and
/// `NextRecordIdentifier`. Returns the records, the requests sent and the error that stopped it.
async fn read_records(client: &Client, home: &str, zone: &str, max: usize) -> (Records, u64, Option<ApiError>) {
    let mut read = Records::default();
    let mut requests = 0u64;
    let mut next: Option<(String, RrType, Option<String>)> = None;
    let mut error = None;
    loop {
        let left = max.saturating_sub(read.records.len());
        let mut request = client
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .max_items(i32::try_from(left.clamp(1, PAGE_SIZE)).unwrap_or(1));
        if let Some((name, kind, identifier)) = next.take() {
            request = request
                .start_record_name(name)
                .start_record_type(kind)
                .set_start_record_identifier(identifier);
        }
        requests += 1;
        let page = match request.send().await {
            Ok(page) => page,
            Err(err) => {
                error = Some(ApiError::from_sdk("ListResourceRecordSets", home, err));
                break;
            }
        };
        let records = page.resource_record_sets();
        read.records.extend(records.iter().take(left).map(Record::from_sdk));
        let more = page.is_truncated() && page.next_record_name().is_some();
        if records.len() > left || (more && read.records.len() >= max) {
            read.capped = true;
            break;
        }
        match (more, page.next_record_name(), page.next_record_type()) {
            (true, Some(name), Some(kind)) => {
                next = Some((
                    name.to_owned(),
                    kind.clone(),
                    page.next_record_identifier().map(str::to_owned),
                ));
            }
            _ => break,
        }
    }
    read.records.sort();
    read.records.dedup();
    (read, requests, error)
}

/// A hosted zone, with its tags, VPCs (`None`: public, or they could not be read) and records.
pub fn hosted_zone(
    account: &str,
    zone: &HostedZone,
    tags: SortedMap<String>,
    vpcs: Option<&[(String, String)]>,
    records: &Records,
) -> Resource {
    let id = bare_id(zone.id());
    let name = zone.name().trim_end_matches('.').to_owned();
    let private = zone.config().is_some_and(|c| c.private_zone());
    let mut relations = Vec::new();
    let mut vpc_list = Vec::new();
    for (region, vpc) in vpcs.unwrap_or_default() {
        vpc_list.push(json!({"region": region, "vpc_id": vpc}));
        // GetHostedZone does not name the VPC's account: it is this one unless the zone was
        // associated across accounts, which the VPC id alone cannot tell.
        relations.push(Relation::new("associated-with", arn::ec2(region, account, "vpc", vpc)));
    }
    let mut by_type: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &records.records {
        *by_type.entry(r.kind.as_str()).or_default() += 1;
    }
    let max_ttl = records.records.iter().filter_map(|r| r.ttl).max();
    let ns_ttl = records
        .records
        .iter()
        .find(|r| r.kind == "NS" && r.name == normalize(zone.name()))
        .and_then(|r| r.ttl);
    let attrs = Attrs::default()
        .set("private", private)
        .opt("record_count", zone.resource_record_set_count())
        .set("records_read", records.records.len())
        .set("records_capped", records.capped)
        .set("record_types", json!(by_type))
        .set(
            "records",
            records.records.iter().map(Record::to_json).collect::<Vec<_>>(),
        )
        .opt("max_ttl", max_ttl)
        .opt("ns_ttl", ns_ttl)
        .opt("vpcs", vpcs.map(|_| vpc_list))
        .opt(
            "comment",
            zone.config().and_then(|c| c.comment()).filter(|c| !c.is_empty()),
        );
    let mut resource = Resource {
        arn: format!("arn:aws:route53:::hostedzone/{id}"),
        service: "route53".to_owned(),
        resource_type: "route53:hostedzone".to_owned(),
        region: None,
        id: id.to_owned(),
        name: Some(name),
        tags,
        sources: vec![Source::Route53],
        relations,
        attributes: attrs.into_map(),
    };
    resource.normalize();
    resource
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_route53::types::{AliasTarget, HostedZoneConfig, ResourceRecord};

    fn zone(private: bool) -> HostedZone {
        HostedZone::builder()
            .id("/hostedzone/Z1")
            .name("example.com.")
            .caller_reference("r")
            .resource_record_set_count(5)
            .config(
                HostedZoneConfig::builder()
                    .private_zone(private)
                    .comment("main")
                    .build(),
            )
            .build()
            .unwrap()
    }

    fn rr(value: &str) -> ResourceRecord {
        ResourceRecord::builder().value(value).build().unwrap()
    }

    fn record(name: &str, kind: RrType, ttl: Option<i64>, values: &[&str]) -> ResourceRecordSet {
        let mut b = ResourceRecordSet::builder().name(name).r#type(kind).set_ttl(ttl);
        for v in values {
            b = b.resource_records(rr(v));
        }
        b.build().unwrap()
    }

    #[test]
    fn records_keep_ttls_targets_and_addresses_but_no_other_values() {
        let alias = ResourceRecordSet::builder()
            .name("API.example.com.")
            .r#type(RrType::A)
            .alias_target(
                AliasTarget::builder()
                    .hosted_zone_id("Z35SXDOTRQ7X7K")
                    .dns_name("dualstack.web-123.eu-west-1.elb.amazonaws.com.")
                    .evaluate_target_health(false)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let records = Records {
            records: [
                record("example.com.", RrType::Ns, Some(172800), &["ns-1.awsdns-01.org."]),
                record("www.example.com.", RrType::Cname, Some(300), &["d111.cloudfront.net"]),
                record("mail.example.com.", RrType::Txt, Some(60), &["\"v=spf1 -all\""]),
                record(
                    "ip.example.com.",
                    RrType::A,
                    Some(3600),
                    &["203.0.113.9", "203.0.113.1"],
                ),
                alias,
            ]
            .iter()
            .map(Record::from_sdk)
            .collect(),
            capped: false,
        };
        let res = hosted_zone("111122223333", &zone(false), SortedMap::new(), None, &records);
        assert_eq!(res.arn, "arn:aws:route53:::hostedzone/Z1");
        assert_eq!(res.resource_type, "route53:hostedzone");
        assert_eq!(res.region, None);
        assert_eq!(res.name.as_deref(), Some("example.com"));
        assert_eq!(res.attributes["private"], false);
        assert_eq!(res.attributes["record_count"], 5);
        assert_eq!(res.attributes["records_read"], 5);
        assert_eq!(res.attributes["records_capped"], false);
        assert_eq!(res.attributes["max_ttl"], 172800);
        assert_eq!(res.attributes["ns_ttl"], 172800);
        assert_eq!(
            res.attributes["record_types"],
            json!({"A": 2, "CNAME": 1, "NS": 1, "TXT": 1})
        );
        assert!(!res.attributes.contains_key("vpcs"), "a public zone has no VPC list");
        let records = &res.attributes["records"];
        let find = |name: &str| records.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap();
        assert_eq!(
            find("api.example.com"),
            &json!({"name": "api.example.com", "type": "A", "alias": true,
                    "target": "web-123.eu-west-1.elb.amazonaws.com", "endpoint": "load-balancer"})
        );
        assert_eq!(
            find("www.example.com"),
            &json!({"name": "www.example.com", "type": "CNAME", "ttl": 300,
                    "target": "d111.cloudfront.net", "endpoint": "cloudfront"})
        );
        assert_eq!(
            find("mail.example.com"),
            &json!({"name": "mail.example.com", "type": "TXT", "ttl": 60})
        );
        assert_eq!(
            find("ip.example.com")["addresses"],
            json!(["203.0.113.1", "203.0.113.9"])
        );
        assert!(!records.to_string().contains("spf1"), "a TXT value was kept");
    }

    #[test]
    fn private_zone_lists_its_vpcs_as_relations() {
        let vpcs = [
            ("eu-west-1".to_owned(), "vpc-2".to_owned()),
            ("us-east-1".to_owned(), "vpc-1".to_owned()),
        ];
        let tags: SortedMap<String> = [("env".to_owned(), "prod".to_owned())].into_iter().collect();
        let res = hosted_zone("111122223333", &zone(true), tags, Some(&vpcs), &Records::default());
        assert_eq!(res.attributes["private"], true);
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.attributes["comment"], "main");
        assert_eq!(
            res.attributes["vpcs"],
            json!([{"region": "eu-west-1", "vpc_id": "vpc-2"}, {"region": "us-east-1", "vpc_id": "vpc-1"}])
        );
        let rels: Vec<&str> = res.related("associated-with").collect();
        assert_eq!(
            rels,
            [
                "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-2",
                "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"
            ]
        );
    }

    #[test]
    fn endpoint_kinds_follow_the_aws_suffixes() {
        assert_eq!(
            endpoint_kind("web-1.eu-west-1.elb.amazonaws.com"),
            Some("load-balancer")
        );
        assert_eq!(endpoint_kind("d111.cloudfront.net"), Some("cloudfront"));
        assert_eq!(endpoint_kind("s3-website-eu-west-1.amazonaws.com"), Some("s3-website"));
        assert_eq!(endpoint_kind("assets.s3.amazonaws.com"), Some("s3"));
        assert_eq!(endpoint_kind("db.abc.eu-west-1.rds.amazonaws.com"), Some("rds"));
        assert_eq!(endpoint_kind("mail.example.net"), None);
    }
}

/// moto answers `ListHostedZones` in one page and never truncates a small zone, so the second
/// pages, the cap, a denied record listing and the tag batches are read from a fake.
#[cfg(test)]
mod fake {
    use std::sync::{Arc, Mutex};

    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    const NS: &str = r#"xmlns="https://route53.amazonaws.com/doc/2013-04-01/""#;

    fn zone_xml(n: usize) -> String {
        format!(
            "<HostedZone><Id>/hostedzone/Z{n}</Id><Name>z{n}.example.</Name><CallerReference>r</CallerReference>\
             <Config><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>3</ResourceRecordSetCount></HostedZone>"
        )
    }

    fn record_xml(name: &str) -> String {
        format!(
            "<ResourceRecordSet><Name>{name}</Name><Type>A</Type><TTL>60</TTL>\
             <ResourceRecords><ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
        )
    }

    /// Answers from the REST paths: 11 zones over two pages, each with three records served one
    /// a page (whatever `maxitems` asks, as AWS may), and tags for the zones each batch names.
    fn answer(call: &Call, denied_records: bool, batches: &Mutex<Vec<usize>>) -> (u16, String) {
        let op = call.operation.as_str();
        let (method, path) = op.split_once(' ').unwrap();
        let path = path.split_once("/2013-04-01/").map_or(path, |(_, p)| p);
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        if method == "GET" && path == "hostedzone" {
            let (zones, tail) = if query.contains("marker=page2") {
                (
                    (10..=11).map(zone_xml).collect::<String>(),
                    "<IsTruncated>false</IsTruncated>",
                )
            } else {
                (
                    (1..=9).map(zone_xml).collect::<String>(),
                    "<IsTruncated>true</IsTruncated><NextMarker>page2</NextMarker>",
                )
            };
            let body = format!(
                "<ListHostedZonesResponse {NS}><HostedZones>{zones}</HostedZones><Marker></Marker>{tail}<MaxItems>100</MaxItems></ListHostedZonesResponse>"
            );
            return (200, body);
        }
        if method == "POST" && path == "tags/hostedzone" {
            let ids: Vec<&str> = call
                .body
                .split("<ResourceId>")
                .skip(1)
                .filter_map(|s| s.split('<').next())
                .collect();
            batches.lock().unwrap().push(ids.len());
            let sets: String = ids
                .iter()
                .map(|id| {
                    format!(
                        "<ResourceTagSet><ResourceType>hostedzone</ResourceType><ResourceId>{id}</ResourceId><Tags><Tag><Key>zone</Key><Value>{id}</Value></Tag></Tags></ResourceTagSet>"
                    )
                })
                .collect();
            return (
                200,
                format!(
                    "<ListTagsForResourcesResponse {NS}><ResourceTagSets>{sets}</ResourceTagSets></ListTagsForResourcesResponse>"
                ),
            );
        }
        if method == "GET" && path.ends_with("/rrset") {
            if denied_records {
                return (
                    403,
                    format!(
                        "<ErrorResponse {NS}><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"
                    ),
                );
            }
            // Three records a.., b.., c..; one a page, the next named by NextRecordName.
            let start = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("name="))
                .map_or('a', |n| n.chars().next().unwrap());
            let next = (start as u8 + 1) as char;
            let tail = if start < 'c' {
                format!(
                    "<IsTruncated>true</IsTruncated><NextRecordName>{next}.example.</NextRecordName><NextRecordType>A</NextRecordType>"
                )
            } else {
                "<IsTruncated>false</IsTruncated>".to_owned()
            };
            let body = format!(
                "<ListResourceRecordSetsResponse {NS}><ResourceRecordSets>{}</ResourceRecordSets>{tail}<MaxItems>1</MaxItems></ListResourceRecordSetsResponse>",
                record_xml(&format!("{start}.example."))
            );
            return (200, body);
        }
        panic!("unexpected {op}");
    }

    fn run(max: usize, denied_records: bool) -> (UnitResult, Vec<usize>) {
        let batches = Arc::new(Mutex::new(Vec::new()));
        let seen = batches.clone();
        let client = fake_client!(aws_sdk_route53, move |call: &Call| answer(call, denied_records, &seen));
        let result = fake::block_on(collect(&client, "us-east-1", "111122223333", max));
        let batches = batches.lock().unwrap().clone();
        (result, batches)
    }

    #[test]
    fn zones_and_records_are_read_past_the_first_page_with_tags_ten_zones_a_request() {
        let (result, batches) = run(DEFAULT_MAX_RECORDS_PER_ZONE, false);
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.resources.len(), 11);
        assert_eq!(batches, vec![10, 1]);
        for zone in &result.resources {
            assert_eq!(zone.tags["zone"], zone.id, "tags of {}", zone.id);
            assert_eq!(zone.attributes["records_read"], 3, "{}", zone.id);
            assert_eq!(zone.attributes["records_capped"], false);
        }
        // ListHostedZones 2, ListTagsForResources 2, ListResourceRecordSets 3 per zone.
        assert_eq!(result.requests, 2 + 2 + 11 * 3);
    }

    #[test]
    fn the_cap_stops_each_zone_and_says_so_in_the_coverage() {
        let (result, _) = run(2, false);
        let err = result.error.expect("a capped zone is a coverage entry");
        assert_eq!(err.operation, "ListResourceRecordSets");
        assert!(!err.is_denied());
        assert!(
            err.code.starts_with(
                "RecordCapReached (hosted zones Z1 z1.example, Z10 z10.example, Z11 z11.example, Z2 z2.example"
            ),
            "{}",
            err.code
        );
        assert!(
            err.code
                .ends_with(": only the first 2 records read, raise --max-records-per-zone)"),
            "{}",
            err.code
        );
        assert!(!err.coverage_detail().contains("; "));
        for zone in &result.resources {
            assert_eq!(zone.attributes["records_read"], 2, "{}", zone.id);
            assert_eq!(zone.attributes["records_capped"], true);
        }
        assert_eq!(result.requests, 2 + 2 + 11 * 2);
    }

    #[test]
    fn a_denied_record_listing_keeps_the_zones_and_is_the_units_error() {
        let (result, _) = run(DEFAULT_MAX_RECORDS_PER_ZONE, true);
        assert_eq!(result.resources.len(), 11);
        let err = result.error.unwrap();
        assert!(err.is_denied());
        assert_eq!(err.coverage_detail(), "ListResourceRecordSets: AccessDenied");
    }
}
