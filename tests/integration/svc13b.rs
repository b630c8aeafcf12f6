//! `acctsplit scan` of Route 53 (issue 13) against the moto emulator: public and private hosted
//! zones with their tags, VPC associations, record TTLs and the `routes-to` relations their
//! records give to buckets and Elastic IPs of the account; the per-zone record cap as a coverage
//! row; ACM certificates, tagged and never tagged, in two regions; every call in the published
//! policy, and none that reads a certificate body or key; and the built-in sample's zone. ECR
//! repositories, tagged and never tagged, in two regions; a CloudFront distribution and a
//! registered domain, with no contact detail and no lifecycle policy text kept.

use std::path::Path;

use serde_json::Value;

use crate::moto::{self, Moto, run_acctsplit, stderr_of};
use acctsplit::testkit::seed::Expected;
use acctsplit::testkit::seed_svc13::{self, legacy_dns, legacy_edge};

fn scan(moto: &Moto, dir: &Path, extra: &[&str]) -> (Option<i32>, Value, String, String) {
    let out = dir.join("inventory.json");
    let audit = dir.join("audit.log");
    let mut env = moto.env();
    env.push(("ACCTSPLIT_AUDIT_LOG".into(), audit.display().to_string()));
    let mut args = vec!["scan", "--out", out.to_str().unwrap(), "--quiet"];
    if !extra.contains(&"--regions") {
        args.extend(["--regions", "us-east-1"]);
    }
    args.extend_from_slice(extra);
    let output = run_acctsplit(&args, &env);
    let stderr = stderr_of(&output);
    let text = std::fs::read_to_string(&out).unwrap_or_else(|_| panic!("no inventory: {stderr}"));
    let log = std::fs::read_to_string(&audit).unwrap_or_default();
    (output.status.code(), serde_json::from_str(&text).unwrap(), text, log)
}

fn resource<'a>(inventory: &'a Value, arn: &str) -> &'a Value {
    let found: Vec<&Value> = inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["arn"] == arn)
        .collect();
    assert_eq!(found.len(), 1, "{arn} found {} times", found.len());
    found[0]
}

fn coverage<'a>(inventory: &'a Value, service: &str, region: &str) -> &'a Value {
    inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service && r["region"] == region)
        .unwrap_or_else(|| panic!("no coverage row for {service}/{region}"))
}

/// The seeded resource in the inventory, checked against what was seeded: its type, region,
/// relations (at least those seeded) and whether it has tags.
fn found_as_seeded<'a>(inventory: &'a Value, expected: &Expected) -> &'a Value {
    let r = resource(inventory, &expected.arn);
    assert_eq!(r["resource_type"], expected.resource_type.as_str(), "{r}");
    assert_eq!(r["region"].as_str(), expected.region.as_deref(), "{r}");
    let found = relations(r);
    for relation in &expected.relations {
        assert!(
            found.contains(relation),
            "{} lacks {relation:?}: {found:?}",
            expected.arn
        );
    }
    assert_eq!(
        !r["tags"].as_object().unwrap().is_empty(),
        expected.tagged,
        "tags of {r}"
    );
    r
}

fn record<'a>(zone: &'a Value, name: &str) -> &'a Value {
    zone["attributes"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no record {name} in {zone}"))
}

fn relations(r: &Value) -> Vec<(String, String)> {
    r["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["kind"].as_str().unwrap().to_owned(),
                x["arn"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_zones_are_scanned_with_tags_vpcs_ttls_and_links_to_buckets_and_addresses() {
    use legacy_dns::*;
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(13);
    let seeded = seed_svc13::seed_legacy_dns(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, text, log) = scan(&moto, dir.path(), &[]);
    assert_eq!(code, Some(0), "{}", inventory["coverage"]);
    assert_eq!(coverage(&inventory, "route53", "global")["status"], "ok");

    for expected in &seeded.expected {
        let zone = found_as_seeded(&inventory, expected);
        assert_eq!(zone["resource_type"], "route53:hostedzone");
        assert!(
            zone["sources"].as_array().unwrap().contains(&"route53".into()),
            "{zone}"
        );
    }
    let zones: Vec<&Value> = seeded.expected.iter().map(|e| resource(&inventory, &e.arn)).collect();
    let public = zones.iter().find(|z| z["name"] == PUBLIC_ZONE).unwrap();
    let private = zones.iter().find(|z| z["name"] == PRIVATE_ZONE).unwrap();

    assert_eq!(public["tags"]["Environment"], "prod");
    assert_eq!(public["attributes"]["private"], false);
    assert_eq!(public["attributes"]["records_read"], PUBLIC_RECORDS);
    assert_eq!(public["attributes"]["record_count"], PUBLIC_RECORDS);
    assert_eq!(public["attributes"]["records_capped"], false);
    let stat = record(public, &format!("static.{PUBLIC_ZONE}"));
    assert_eq!(stat["ttl"], 300);
    assert_eq!(stat["target"], format!("{STATIC_BUCKET}.s3.amazonaws.com"));
    assert_eq!(record(public, &format!("vpn.{PUBLIC_ZONE}"))["ttl"], 60);
    let api = record(public, &format!("api.{PUBLIC_ZONE}"));
    assert_eq!(api["alias"], true);
    assert_eq!(api["endpoint"], "load-balancer");
    assert_eq!(api["ttl"], Value::Null, "an alias record has no TTL of its own");
    // Three targets are in the account; the foreign load balancer is not.
    assert_eq!(
        relations(public).iter().filter(|(k, _)| k == "routes-to").count(),
        3,
        "{public}"
    );
    assert!(
        !text.contains("txt-value-not-kept"),
        "a TXT value reached the inventory"
    );

    assert_eq!(private["attributes"]["private"], true);
    assert_eq!(private["attributes"]["records_read"], PRIVATE_RECORDS);
    let vpcs = private["attributes"]["vpcs"].as_array().unwrap();
    assert_eq!(vpcs.len(), 1, "{private}");
    assert_eq!(vpcs[0]["region"], "us-east-1");
    assert_eq!(record(private, &format!("db.{PRIVATE_ZONE}"))["endpoint"], "rds");

    let mut operations: Vec<&str> = log.lines().filter(|l| l.starts_with("Route 53\t")).collect();
    operations.sort_unstable();
    operations.dedup();
    assert_eq!(
        operations,
        [
            "Route 53\tGetHostedZone",
            "Route 53\tListHostedZones",
            "Route 53\tListResourceRecordSets",
            "Route 53\tListTagsForResources"
        ]
    );
    for line in operations {
        let (service, operation) = line.split_once('\t').unwrap();
        assert!(
            acctsplit::aws::policy::find(service, operation).is_some(),
            "{line} is missing from the IAM policy"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn zones_cut_at_the_record_cap_are_named_in_a_failed_coverage_row() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(14);
    let seeded = seed_svc13::seed_legacy_dns(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, _, _) = scan(&moto, dir.path(), &["--max-records-per-zone", "2"]);
    assert_eq!(code, Some(1), "a capped zone leaves the scan incomplete");
    let row = coverage(&inventory, "route53", "global");
    assert_eq!(row["status"], "failed");
    let detail = row["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("ListResourceRecordSets: RecordCapReached (hosted zones "),
        "{detail}"
    );
    assert!(detail.contains("only the first 2 records read"), "{detail}");
    for expected in &seeded.expected {
        let zone = resource(&inventory, &expected.arn);
        let id = expected.arn.rsplit('/').next().unwrap();
        assert!(detail.contains(id), "{id} not named in {detail}");
        assert_eq!(zone["attributes"]["records_read"], 2);
        assert_eq!(zone["attributes"]["records_capped"], true);
    }
}

#[test]
fn the_sample_zone_routes_to_the_web_address_and_the_assets_bucket() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/inventory.json")).unwrap();
    let inventory: Value = serde_json::from_str(&text).unwrap();
    let resources = inventory["resources"].as_array().unwrap();
    let zone = resources
        .iter()
        .find(|r| r["resource_type"] == "route53:hostedzone" && r["name"] == seed_svc13::SAMPLE_ZONE)
        .expect("the sample has its hosted zone");
    let eip = resources
        .iter()
        .find(|r| r["resource_type"] == "ec2:elastic-ip" && r["tags"]["Name"] == "web-prod-eip")
        .unwrap();
    let found = relations(zone);
    for to in [eip["arn"].as_str().unwrap(), "arn:aws:s3:::acme-web-assets"] {
        assert!(
            found.contains(&("routes-to".to_owned(), to.to_owned())),
            "{to}: {found:?}"
        );
    }
    assert_eq!(record(zone, &format!("www.{}", seed_svc13::SAMPLE_ZONE))["ttl"], 3600);
}

#[tokio::test(flavor = "multi_thread")]
async fn certificates_are_scanned_in_each_region_with_names_status_and_validation() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(15);
    let seeded = seed_svc13::seed_legacy_certificates(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, _, log) = scan(&moto, dir.path(), &["--regions", "us-east-1,eu-west-1"]);
    assert_eq!(code, Some(0), "{}", inventory["coverage"]);
    for region in ["us-east-1", "eu-west-1"] {
        assert_eq!(coverage(&inventory, "acm", region)["status"], "ok", "{region}");
    }
    for expected in &seeded.expected {
        let cert = resource(&inventory, &expected.arn);
        assert_eq!(cert["resource_type"], "acm:certificate");
        assert_eq!(cert["region"].as_str(), expected.region.as_deref());
        assert!(cert["sources"].as_array().unwrap().contains(&"acm".into()), "{cert}");
        let a = &cert["attributes"];
        assert_eq!(cert["name"], a["domain_name"]);
        assert_eq!(a["type"], "AMAZON_ISSUED", "{cert}");
        assert_eq!(a["imported"], false);
        assert_eq!(a["validation_method"], "DNS", "{cert}");
        assert!(a["status"].is_string(), "{cert}");
        assert_eq!(a["in_use"], false);
        assert_eq!(!cert["tags"].as_object().unwrap().is_empty(), expected.tagged, "{cert}");
    }
    let tagged = seeded.expected.iter().find(|e| e.tagged).unwrap();
    let cert = resource(&inventory, &tagged.arn);
    assert_eq!(cert["tags"]["Environment"], "prod");
    assert_eq!(
        cert["attributes"]["subject_alternative_names"],
        serde_json::json!([legacy_dns::PUBLIC_ZONE, "www.legacy-dns.example"])
    );
    let acm: Vec<&str> = log.lines().filter(|l| l.starts_with("ACM\t")).collect();
    assert!(!acm.is_empty(), "no ACM call in the audit log");
    for line in acm {
        let (service, operation) = line.split_once('\t').unwrap();
        assert!(
            !matches!(operation, "GetCertificate" | "ExportCertificate"),
            "{line} reads a certificate body or key"
        );
        assert!(
            acctsplit::aws::policy::find(service, operation).is_some(),
            "{line} is missing from the IAM policy"
        );
    }
}

/// The operations of `service` in an audit log, each once, sorted; each must be a read-only call
/// of the published policy.
fn operations_of(log: &str, service: &str) -> Vec<String> {
    let prefix = format!("{service}\t");
    let mut lines: Vec<String> = log
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(str::to_owned)
        .collect();
    lines.sort_unstable();
    lines.dedup();
    crate::moto::assert_read_only_and_in_policy(&lines);
    lines.iter().map(|l| l[prefix.len()..].to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn repositories_distributions_and_domains_are_scanned_with_their_facts_and_relations() {
    use legacy_edge::*;
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(16);
    let seeded = seed_svc13::seed_legacy_edge(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, text, log) = scan(&moto, dir.path(), &["--regions", "us-east-1,eu-west-1"]);

    // moto has no ListTagsForDomain: the domains row fails on that call, and no other row fails.
    assert_eq!(code, Some(1), "{}", inventory["coverage"]);
    let domains = coverage(&inventory, "route53domains", "global");
    assert_eq!(domains["status"], "failed", "{domains}");
    assert!(
        domains["detail"].as_str().unwrap().starts_with("ListTagsForDomain: "),
        "{domains}"
    );
    for row in inventory["coverage"].as_array().unwrap() {
        if row["service"] != "route53domains" {
            assert!(row["status"] == "ok" || row["status"] == "skipped", "{row}");
        }
    }
    for (service, region) in [("ecr", "us-east-1"), ("ecr", "eu-west-1"), ("cloudfront", "global")] {
        assert_eq!(
            coverage(&inventory, service, region)["status"],
            "ok",
            "{service} {region}"
        );
    }

    let of_type = |ty: &str| -> Vec<&Value> {
        seeded
            .expected
            .iter()
            .filter(|e| e.resource_type == ty)
            .map(|e| found_as_seeded(&inventory, e))
            .collect()
    };
    assert_eq!(
        of_type("route53:hostedzone").len(),
        1,
        "the domain's zone routes to the distribution"
    );

    let repos = of_type("ecr:repository");
    let tagged = repos.iter().find(|r| r["id"] == TAGGED_REPO).unwrap();
    let untagged = repos.iter().find(|r| r["id"] == UNTAGGED_REPO).unwrap();
    assert_eq!(
        tagged["sources"],
        serde_json::json!(["ecr"]),
        "moto's Tagging API leaves ECR out"
    );
    assert_eq!(tagged["tags"]["Environment"], "prod");
    let a = &tagged["attributes"];
    assert_eq!(a["image_count"], IMAGES, "three tags, two images");
    assert_eq!(a["scan_on_push"], true);
    assert_eq!(a["encryption"], "KMS");
    assert_eq!(a["tag_mutability"], "IMMUTABLE");
    assert_eq!(a["lifecycle_policy"], true);
    assert_eq!(
        a["replication_destinations"],
        serde_json::json!([{"region": REPLICA_REGION, "account": REPLICA_ACCOUNT}])
    );
    assert_eq!(a["replicated_to_other_account"], true);
    let a = &untagged["attributes"];
    assert_eq!(a["lifecycle_policy"], false, "no lifecycle policy is an answer");
    assert_eq!(a["image_count"], 0);
    assert_eq!(a["encryption"], "AES256");
    assert_eq!(a["replication_destinations"], serde_json::json!([]));
    assert!(
        !text.contains(LIFECYCLE_TEXT),
        "the lifecycle policy text reached the inventory"
    );

    let cdn = of_type("cloudfront:distribution")[0];
    let a = &cdn["attributes"];
    assert!(a["domain_name"].as_str().unwrap().ends_with(".cloudfront.net"), "{cdn}");
    assert_eq!(a["aliases"], serde_json::json!([CDN_ALIAS]));
    assert_eq!(a["enabled"], true);
    assert_eq!(a["price_class"], "PriceClass_100");
    assert_eq!(a["certificate_source"], "acm");
    assert_eq!(
        a["origins"][0]["domain_name"],
        format!("{CDN_BUCKET}.s3.amazonaws.com"),
        "{cdn}"
    );
    // moto leaves `S3OriginConfig` out of the distributions it returns, so the S3 origin is listed
    // as `custom`; the relation to the bucket comes from the origin's domain name either way.
    assert_eq!(a["origins"][0]["kind"], "custom");
    assert_eq!(cdn["tags"]["Environment"], "prod");
    let sources = cdn["sources"].as_array().unwrap();
    assert!(
        sources.contains(&"cloudfront".into()) && sources.contains(&"tagging".into()),
        "{cdn}"
    );

    let domain = of_type("route53domains:domain")[0];
    assert_eq!(domain["id"], DOMAIN);
    let a = &domain["attributes"];
    assert_eq!(a["auto_renew"], true);
    assert_eq!(a["transfer_lock"], true);
    assert_eq!(a["privacy_protection"], true);
    assert!(a["expires"].is_string(), "{domain}");
    assert!(!a["nameservers"].as_array().unwrap().is_empty(), "{domain}");
    for value in CONTACT_VALUES {
        assert!(!text.contains(value), "a contact detail reached the inventory: {value}");
    }

    assert_eq!(
        operations_of(&log, "ECR"),
        [
            "DescribeRegistry",
            "DescribeRepositories",
            "GetLifecyclePolicy",
            "ListImages",
            "ListTagsForResource"
        ]
    );
    assert_eq!(operations_of(&log, "CloudFront"), ["ListDistributions"]);
    assert_eq!(
        operations_of(&log, "Route 53 Domains"),
        ["GetDomainDetail", "ListDomains", "ListTagsForDomain"]
    );
}
