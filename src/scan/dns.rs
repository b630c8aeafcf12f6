//! DNS records to resources: once every collector has run, the records a hosted zone lists (its
//! `records` attribute, from the Route 53 collector) become `routes-to` relations from the zone
//! to what they point at in the account:
//!
//! - an alias or CNAME target equal to a load balancer's `dns_name` or a CloudFront
//!   distribution's `domain_name`;
//! - an S3 website alias, which names no bucket: the bucket is the one named like the record;
//! - a CNAME to a bucket endpoint (`BUCKET.s3.amazonaws.com`, `BUCKET.s3.REGION.amazonaws.com`,
//!   `BUCKET.s3-website-REGION.amazonaws.com`, `BUCKET.s3-website.REGION.amazonaws.com`);
//! - an A or AAAA address equal to an Elastic IP's `public_ip`.
//!
//! A target outside the account, or of a type no collector reads, stays in the record only.
//!
//! The same pass links CloudFront distributions to the load balancers their origins name
//! ([`link_origins`]): a custom origin's domain name equal to a load balancer's `dns_name` gives
//! the distribution a `has-origin` relation to it (the CloudFront collector links S3 origins to
//! their buckets itself, as a bucket endpoint names its bucket).

use std::collections::BTreeMap;

use crate::model::{Relation, Resource};

/// A DNS name as the zones record it: lower case, no trailing dot, no `dualstack.` prefix.
pub fn normalize(name: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    match name.strip_prefix("dualstack.") {
        Some(rest) => rest.to_owned(),
        None => name,
    }
}

/// The bucket a bucket endpoint names (`assets.s3.amazonaws.com` -> `assets`), if it is one.
pub fn bucket_of_endpoint(name: &str) -> Option<&str> {
    let host = name.strip_suffix(".amazonaws.com")?;
    for marker in [".s3.", ".s3-website-", ".s3-website.", ".s3-"] {
        if let Some(at) = host.find(marker) {
            return (at > 0).then(|| &host[..at]);
        }
    }
    host.strip_suffix(".s3").filter(|b| !b.is_empty())
}

/// Each DNS name (normalized) that one of the attributes `keys` holds, and the ARN of the first
/// resource, in `resources` order, that holds it.
fn by_dns_name(resources: &[Resource], keys: &[&str]) -> BTreeMap<String, String> {
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    for r in resources {
        for key in keys {
            if let Some(name) = r.attr_str(key) {
                by_name.entry(normalize(name)).or_insert_with(|| r.arn.clone());
            }
        }
    }
    by_name
}

/// Adds the `has-origin` relations from every CloudFront distribution in `resources` to the load
/// balancers (by `dns_name`) its origins name.
pub fn link_origins(resources: &mut [Resource]) {
    let by_name = by_dns_name(resources, &["dns_name"]);
    for cdn in resources
        .iter_mut()
        .filter(|r| r.resource_type == "cloudfront:distribution")
    {
        let Some(serde_json::Value::Array(origins)) = cdn.attributes.get("origins") else {
            continue;
        };
        let found: Vec<Relation> = origins
            .iter()
            .filter_map(|o| o["domain_name"].as_str())
            .filter_map(|name| by_name.get(&normalize(name)))
            .map(|arn| Relation::new("has-origin", arn.clone()))
            .collect();
        if !found.is_empty() {
            cdn.relations.extend(found);
            cdn.normalize();
        }
    }
}

/// Adds the `routes-to` relations of every hosted zone in `resources`.
pub fn link_zones(resources: &mut [Resource]) {
    let by_name = by_dns_name(resources, &["dns_name", "domain_name"]);
    let mut buckets: BTreeMap<String, String> = BTreeMap::new();
    let mut addresses: BTreeMap<String, String> = BTreeMap::new();
    for r in resources.iter() {
        match r.resource_type.as_str() {
            "s3:bucket" => {
                buckets.insert(r.id.to_ascii_lowercase(), r.arn.clone());
            }
            "ec2:elastic-ip" => {
                if let Some(ip) = r.attr_str("public_ip") {
                    addresses.insert(ip.to_owned(), r.arn.clone());
                }
            }
            _ => {}
        }
    }
    for zone in resources.iter_mut().filter(|r| r.resource_type == "route53:hostedzone") {
        let Some(serde_json::Value::Array(records)) = zone.attributes.get("records") else {
            continue;
        };
        let mut found: Vec<Relation> = Vec::new();
        for record in records {
            let name = normalize(record["name"].as_str().unwrap_or_default());
            if let Some(target) = record["target"].as_str().map(normalize) {
                let to = by_name.get(&target).or_else(|| {
                    let bucket = match bucket_of_endpoint(&target) {
                        Some(bucket) => bucket.to_owned(),
                        // An S3 website alias names the regional endpoint only.
                        None if target.starts_with("s3-website") => name.clone(),
                        None => return None,
                    };
                    buckets.get(&bucket)
                });
                found.extend(to.map(|arn| Relation::new("routes-to", arn.clone())));
            }
            for ip in record["addresses"].as_array().into_iter().flatten() {
                let to = ip.as_str().and_then(|ip| addresses.get(ip));
                found.extend(to.map(|arn| Relation::new("routes-to", arn.clone())));
            }
        }
        zone.relations.extend(found);
        zone.normalize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SortedMap, Source};

    fn res(arn: &str, kind: &str, id: &str, attrs: serde_json::Value) -> Resource {
        Resource {
            arn: arn.to_owned(),
            service: kind.split(':').next().unwrap().to_owned(),
            resource_type: kind.to_owned(),
            region: None,
            id: id.to_owned(),
            name: None,
            tags: SortedMap::new(),
            sources: vec![Source::Tagging],
            relations: vec![],
            attributes: serde_json::from_value(attrs).unwrap(),
        }
    }

    /// A load balancer of the account, `web-123.eu-west-1.elb.amazonaws.com` (in mixed case).
    fn load_balancer(arn: &str) -> Resource {
        res(
            arn,
            "elasticloadbalancing:loadbalancer",
            "web",
            serde_json::json!({"dns_name": "Web-123.eu-west-1.elb.amazonaws.com"}),
        )
    }

    #[test]
    fn bucket_endpoints_name_their_bucket() {
        assert_eq!(bucket_of_endpoint("assets.s3.amazonaws.com"), Some("assets"));
        assert_eq!(bucket_of_endpoint("assets.s3.eu-west-1.amazonaws.com"), Some("assets"));
        assert_eq!(
            bucket_of_endpoint("www.example.com.s3-website-us-east-1.amazonaws.com"),
            Some("www.example.com")
        );
        assert_eq!(
            bucket_of_endpoint("media.s3-website.eu-west-1.amazonaws.com"),
            Some("media")
        );
        assert_eq!(bucket_of_endpoint("s3-website-eu-west-1.amazonaws.com"), None);
        assert_eq!(bucket_of_endpoint("web-1.eu-west-1.elb.amazonaws.com"), None);
        assert_eq!(bucket_of_endpoint("d111.cloudfront.net"), None);
    }

    #[test]
    fn alias_cname_and_address_records_become_relations_to_resources_of_the_account() {
        let lb = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/50dc6c495c0c9188";
        let cdn = "arn:aws:cloudfront::1:distribution/E2QWRUHEXAMPLE";
        let eip = "arn:aws:ec2:eu-west-1:1:elastic-ip/eipalloc-1";
        let mut resources = vec![
            load_balancer(lb),
            res(
                cdn,
                "cloudfront:distribution",
                "E2QWRUHEXAMPLE",
                serde_json::json!({"domain_name": "d111111abcdef8.cloudfront.net"}),
            ),
            res(
                "arn:aws:s3:::www.example.com",
                "s3:bucket",
                "www.example.com",
                serde_json::json!({}),
            ),
            res("arn:aws:s3:::assets", "s3:bucket", "assets", serde_json::json!({})),
            res(
                eip,
                "ec2:elastic-ip",
                "eipalloc-1",
                serde_json::json!({"public_ip": "203.0.113.7"}),
            ),
            res(
                "arn:aws:route53:::hostedzone/Z1",
                "route53:hostedzone",
                "Z1",
                serde_json::json!({"records": [
                    {"name": "api.example.com", "type": "A", "alias": true, "target": "web-123.eu-west-1.elb.amazonaws.com"},
                    {"name": "cdn.example.com", "type": "CNAME", "ttl": 300, "target": "d111111abcdef8.cloudfront.net"},
                    {"name": "www.example.com", "type": "A", "alias": true, "target": "s3-website-eu-west-1.amazonaws.com"},
                    {"name": "static.example.com", "type": "CNAME", "ttl": 60, "target": "assets.s3.amazonaws.com"},
                    {"name": "old.example.com", "type": "CNAME", "ttl": 60, "target": "other-999.us-east-1.elb.amazonaws.com"},
                    {"name": "mail.example.com", "type": "CNAME", "ttl": 60, "target": "mail.example.net"},
                    {"name": "vpn.example.com", "type": "A", "ttl": 60, "addresses": ["198.51.100.1", "203.0.113.7"]}
                ]}),
            ),
        ];
        link_zones(&mut resources);
        let zone = &resources[5];
        let targets: Vec<&str> = zone.related("routes-to").collect();
        assert_eq!(
            targets,
            [cdn, eip, lb, "arn:aws:s3:::assets", "arn:aws:s3:::www.example.com"]
        );
        assert_eq!(zone.relations.len(), 5, "nothing outside the account is linked");
    }

    #[test]
    fn a_distribution_origin_naming_a_load_balancer_of_the_account_becomes_a_relation() {
        let lb = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/50dc6c495c0c9188";
        let mut resources = vec![
            load_balancer(lb),
            res(
                "arn:aws:cloudfront::1:distribution/E1",
                "cloudfront:distribution",
                "E1",
                serde_json::json!({"domain_name": "d1.cloudfront.net", "origins": [
                    {"id": "api", "domain_name": "web-123.eu-west-1.elb.amazonaws.com", "kind": "custom"},
                    {"id": "old", "domain_name": "other-9.us-east-1.elb.amazonaws.com", "kind": "custom"},
                    {"id": "assets", "domain_name": "assets.s3.amazonaws.com", "kind": "s3"}
                ]}),
            ),
        ];
        link_origins(&mut resources);
        assert_eq!(resources[1].related("has-origin").collect::<Vec<_>>(), [lb]);
        assert!(resources[0].relations.is_empty());
    }
}
