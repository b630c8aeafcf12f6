//! `acctsplit scan` against the moto emulator: bad input, the read-only audit, determinism.

use std::path::Path;

use serde_json::Value;

use crate::moto::{self, Moto, run_acctsplit, stderr_of};

/// A few resources in two regions, seeded through the SDK.
async fn seed_small(moto: &Moto) {
    let cfg = moto.sdk_config().await;
    for region in ["us-east-1", "eu-west-1"] {
        let ec2 = aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&cfg)
                .region(aws_types::region::Region::new(region))
                .build(),
        );
        let vpc = ec2.create_vpc().cidr_block("10.9.0.0/16").send().await.unwrap();
        let vpc_id = vpc.vpc().unwrap().vpc_id().unwrap().to_owned();
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block("10.9.1.0/24")
            .send()
            .await
            .unwrap();
        let subnet_id = subnet.subnet().unwrap().subnet_id().unwrap().to_owned();
        ec2.run_instances()
            .image_id("ami-12c6146b")
            .min_count(1)
            .max_count(1)
            .subnet_id(&subnet_id)
            .send()
            .await
            .unwrap();
    }
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&cfg).force_path_style(true).build());
    s3.create_bucket().bucket("small-logs").send().await.unwrap();
}

fn scan(moto: &Moto, out: &Path, extra_env: &[(String, String)]) -> std::process::Output {
    let mut env = moto.env();
    env.extend_from_slice(extra_env);
    run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
            "--quiet",
        ],
        &env,
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Runs `scan` with `args` and `env`; asserts exit 2, one line on stderr naming `needle`, and no
/// inventory at `out`.
fn assert_refused(args: &[&str], env: &[(String, String)], needle: &str, out: &Path) {
    let mut full = vec!["scan", "--out", out.to_str().unwrap()];
    full.extend_from_slice(args);
    let output = run_acctsplit(&full, env);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one clear line: {stderr}");
    assert!(stderr.contains(needle), "stderr does not name {needle:?}: {stderr}");
    assert!(!out.exists(), "nothing is written for bad input");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_sent_is_read_only_and_in_the_published_policy() {
    let Some(moto) = moto::start() else { return };
    seed_small(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let output = scan(
        &moto,
        &dir.path().join("inv.json"),
        &[("ACCTSPLIT_AUDIT_LOG".into(), audit.display().to_string())],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let log = std::fs::read_to_string(&audit).unwrap();
    let mut operations: Vec<&str> = log.lines().collect();
    operations.sort_unstable();
    operations.dedup();
    assert!(
        operations.len() >= 20,
        "expected every scan operation to be recorded, got {operations:?}"
    );
    for line in &operations {
        let (service, operation) = line.split_once('\t').unwrap();
        assert!(
            acctsplit::aws::policy::is_read_only_operation(operation),
            "{line} is not a List/Describe/Get call"
        );
        assert!(
            acctsplit::aws::policy::find(service, operation).is_some(),
            "{line} is missing from the IAM policy"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn scanning_twice_gives_byte_identical_snapshots_apart_from_scanned_at() {
    let Some(moto) = moto::start() else { return };
    seed_small(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    assert_eq!(scan(&moto, &a, &[]).status.code(), Some(0));
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            b.to_str().unwrap(),
            "--regions",
            "eu-west-1,us-east-1",
            "--concurrency",
            "1",
            "-q",
        ],
        &moto.env(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let strip = |path: &Path| {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .filter(|l| !l.trim_start().starts_with("\"scanned_at\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a), strip(&b));
    let inventory = read_json(&a);
    let arns: Vec<&str> = inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["arn"].as_str().unwrap())
        .collect();
    let mut sorted = arns.clone();
    sorted.sort_unstable();
    assert_eq!(arns, sorted, "resources are sorted by ARN");
    assert_eq!(inventory["schema_version"], 1);
    assert_eq!(inventory["account"]["organization"]["status"], "standalone");
}

#[tokio::test(flavor = "multi_thread")]
async fn summary_line_reports_resources_regions_and_requests() {
    let Some(moto) = moto::start() else { return };
    seed_small(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv.json");
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
        ],
        &moto.env(),
    );
    assert_eq!(output.status.code(), Some(0));
    let stderr = stderr_of(&output);
    let inventory = read_json(&out);
    let resources = inventory["resources"].as_array().unwrap().len();
    let requests: u64 = inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requests"].as_u64().unwrap())
        .sum();
    let expected = format!("scanned {resources} resources in 2 regions with {requests} requests in");
    assert!(stderr.contains(&expected), "summary missing {expected:?} in {stderr:?}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "no progress noise when stderr is not a terminal: {stderr:?}"
    );
}

#[test]
fn unknown_region_exits_2_with_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused(
        &["--regions", "us-east-1,mars-north-9"],
        &[],
        "mars-north-9",
        &dir.path().join("inv.json"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn region_unknown_to_the_account_exits_2() {
    let Some(moto) = moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv.json");
    assert_refused(
        &["--regions", "xx-east-1"],
        &moto.env(),
        "unknown region `xx-east-1`",
        &out,
    );
}

#[test]
fn unwritable_out_exits_2_before_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    // No credentials either: the output check comes first, so the message is about the file.
    assert_refused(&[], &[], "a-file", &blocker.join("inv.json"));
}

#[test]
fn no_credentials_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv.json");
    assert_refused(
        &["--endpoint-url", "http://127.0.0.1:9"],
        &[],
        "no AWS credentials found",
        &out,
    );
}

/// Scans `endpoint` (moto or the proxy) and returns the exit code, the inventory and stderr.
/// The endpoint is given by `--endpoint-url` while `AWS_ENDPOINT_URL` names a dead port, so every
/// caller also checks that the flag wins over the variable.
fn scan_endpoint(moto: &Moto, endpoint: &str, regions: &str, dir: &Path) -> (Option<i32>, Value, String) {
    let out = dir.join("inventory.json");
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            regions,
            "--endpoint-url",
            endpoint,
        ],
        &moto.env_via("http://127.0.0.1:9"),
    );
    let stderr = stderr_of(&output);
    assert!(out.exists(), "no inventory written: {stderr}");
    (output.status.code(), read_json(&out), stderr)
}

/// The EC2 network types the legacy account seeds.
const NETWORK_TYPES: [&str; 10] = [
    "ec2:route-table",
    "ec2:network-acl",
    "ec2:vpc-endpoint",
    "ec2:vpc-peering-connection",
    "ec2:transit-gateway-attachment",
    "ec2:transit-gateway-route-table",
    "ec2:vpc-flow-log",
    "ec2:dhcp-options",
    "ec2:launch-template",
    "ec2:key-pair",
];

/// Seeds the small account and scans it straight from moto, the reference for a proxied scan.
async fn seed_small_and_scan_directly(moto: &Moto) -> Value {
    seed_small(moto).await;
    let direct = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(moto, &moto.endpoint(), "us-east-1,eu-west-1", direct.path());
    assert_eq!(code, Some(0), "{stderr}");
    inventory
}

fn coverage_row<'a>(inventory: &'a Value, service: &str, region: &str) -> &'a Value {
    inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service && r["region"] == region)
        .unwrap_or_else(|| panic!("no coverage row for {service}/{region}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_account_every_seeded_resource_is_found_once_with_its_relations_and_sources() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(11);
    let seeded = crate::seed::seed_legacy_account(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(&moto, &moto.endpoint(), "us-east-1,eu-west-1", dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(inventory["account"]["id"], seeded.account_id.as_str());

    let resources = inventory["resources"].as_array().unwrap();
    let mut never_tagged = 0;
    for expected in &seeded.expected {
        let found: Vec<&Value> = resources.iter().filter(|r| r["arn"] == expected.arn.as_str()).collect();
        assert_eq!(found.len(), 1, "{} found {} times", expected.arn, found.len());
        let resource = found[0];
        assert_eq!(
            resource["resource_type"],
            expected.resource_type.as_str(),
            "{}",
            expected.arn
        );
        assert_eq!(
            resource["region"].as_str(),
            expected.region.as_deref(),
            "{}",
            expected.arn
        );
        for (kind, target) in &expected.relations {
            let has = resource["relations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["kind"] == kind.as_str() && r["arn"] == target.as_str());
            assert!(
                has,
                "{} lacks relation {kind} -> {target}: {}",
                expected.arn, resource["relations"]
            );
        }
        let sources: Vec<&str> = resource["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let depth = if expected.resource_type == "s3:bucket" {
            "s3"
        } else {
            "ec2"
        };
        assert!(
            sources.contains(&depth),
            "{} not seen by the {depth} depth calls: {sources:?}",
            expected.arn
        );
        // moto's Tagging API never returns some types, Elastic IPs among them (AWS does): only
        // the EC2 calls find them.
        if expected.tagged && crate::seed::moto_tagging_lists(&expected.resource_type) {
            assert!(
                sources.contains(&"tagging"),
                "{} is tagged but the Tagging API did not report it",
                expected.arn
            );
        }
        if !expected.tagged {
            never_tagged += 1;
            assert!(
                !sources.contains(&"tagging"),
                "{} was never tagged: {sources:?}",
                expected.arn
            );
        }
    }
    assert!(
        never_tagged >= 5,
        "the seed must include never-tagged resources, got {never_tagged}"
    );
    let tagged_east = seeded
        .expected
        .iter()
        .filter(|e| e.tagged && e.region.as_deref() == Some("us-east-1"))
        .count();
    assert!(
        tagged_east > 100,
        "the seed must exceed one Tagging API page in us-east-1, got {tagged_east}"
    );
    let tagging = coverage_row(&inventory, "tagging", "us-east-1");
    assert!(
        tagging["requests"].as_u64().unwrap() >= 2,
        "the second Tagging API page was not read: {tagging}"
    );

    // The EC2 network parts: of each type at least one tagged and one never tagged in each region
    // (flow logs only never tagged: see `seed_legacy_network`).
    for region in crate::seed::LEGACY_REGIONS {
        for ty in NETWORK_TYPES {
            let here = seeded
                .of_type(ty)
                .filter(|e| e.region.as_deref() == Some(region))
                .collect::<Vec<_>>();
            assert!(here.iter().any(|e| !e.tagged), "no never-tagged {ty} in {region}");
            if ty != "ec2:vpc-flow-log" {
                assert!(here.iter().any(|e| e.tagged), "no tagged {ty} in {region}");
            }
        }
    }
    // What AWS creates with every VPC is marked: one main route table and one default network ACL
    // per VPC; a DHCP options set is default exactly when it has AWS's default options.
    let of_type = |ty: &'static str| resources.iter().filter(move |r| r["resource_type"] == ty);
    for vpc in of_type("ec2:vpc") {
        let in_vpc = |r: &&Value| {
            r["relations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|rel| rel["kind"] == "in-vpc" && rel["arn"] == vpc["arn"])
        };
        let main = of_type("ec2:route-table")
            .filter(in_vpc)
            .filter(|r| r["attributes"]["main"] == true);
        assert_eq!(main.count(), 1, "main route tables of {}", vpc["arn"]);
        let acl = of_type("ec2:network-acl")
            .filter(in_vpc)
            .filter(|r| r["attributes"]["is_default"] == true);
        assert_eq!(acl.count(), 1, "default network ACLs of {}", vpc["arn"]);
    }
    for dhcp in of_type("ec2:dhcp-options") {
        let servers = &dhcp["attributes"]["options"]["domain-name-servers"];
        let aws_shaped = *servers == serde_json::json!(["AmazonProvidedDNS"]);
        assert_eq!(dhcp["attributes"]["is_default"], aws_shaped, "{dhcp}");
    }

    let arns: Vec<&str> = resources.iter().map(|r| r["arn"].as_str().unwrap()).collect();
    let mut unique = arns.clone();
    unique.dedup();
    assert_eq!(arns.len(), unique.len(), "duplicate ARNs in the inventory");
}

#[tokio::test(flavor = "multi_thread")]
async fn denied_region_is_a_coverage_row_and_exit_code_1_and_the_rest_is_scanned() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(12);
    let seeded = crate::seed::seed_legacy_account(&moto.sdk_config().await).await;
    let proxy = crate::proxy::start(
        moto.port,
        crate::proxy::ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(&moto, &proxy.endpoint(), "us-east-1,eu-west-1", dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    for service in ["ec2", "tagging"] {
        let row = coverage_row(&inventory, service, "eu-west-1");
        assert_eq!(row["status"], "denied", "{row}");
        let detail = row["detail"].as_str().unwrap();
        let code = if service == "ec2" {
            "UnauthorizedOperation"
        } else {
            "AccessDeniedException"
        };
        assert!(detail.contains(code), "{row}");
        assert!(row["requests"].as_u64().unwrap() >= 1, "{row}");
        assert_eq!(coverage_row(&inventory, service, "us-east-1")["status"], "ok");
    }
    assert!(
        stderr.contains("incomplete: ") && stderr.contains("eu-west-1 denied"),
        "{stderr}"
    );
    let resources = inventory["resources"].as_array().unwrap();
    for expected in seeded
        .expected
        .iter()
        .filter(|e| e.region.as_deref() == Some("us-east-1"))
    {
        assert!(
            resources.iter().any(|r| r["arn"] == expected.arn.as_str()),
            "{} missing",
            expected.arn
        );
    }
    assert!(
        !resources.iter().any(|r| r["region"] == "eu-west-1"),
        "nothing from the denied region can have been seen"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_service_denied_in_one_region_leaves_the_other_services_and_regions_scanned() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(13);
    let seeded = crate::seed::seed_legacy_account(&moto.sdk_config().await).await;
    let proxy = crate::proxy::start(
        moto.port,
        crate::proxy::ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            deny_services: vec!["ec2".into()],
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(&moto, &proxy.endpoint(), "us-east-1,eu-west-1", dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    let denied: Vec<(&str, &str)> = inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] != "ok" && !crate::moto::not_served_by_the_emulator(r))
        .map(|r| (r["service"].as_str().unwrap(), r["region"].as_str().unwrap()))
        .collect();
    assert_eq!(denied, [("ec2", "eu-west-1")], "{stderr}");
    let row = coverage_row(&inventory, "ec2", "eu-west-1");
    assert_eq!(row["status"], "denied", "{row}");
    // Every part of the collector was tried and is named.
    for operation in ["DescribeInstances", "DescribeRouteTables", "DescribeKeyPairs"] {
        assert!(row["detail"].as_str().unwrap().contains(operation), "{row}");
    }
    let resources = inventory["resources"].as_array().unwrap();
    let found = |arn: &str| resources.iter().find(|r| r["arn"] == arn);
    for expected in &seeded.expected {
        let resource = found(&expected.arn);
        match expected.region.as_deref() {
            // The Tagging API still reports the tagged resources of the denied region.
            Some("eu-west-1") => {
                if expected.tagged && crate::seed::moto_tagging_lists(&expected.resource_type) {
                    let resource = resource.unwrap_or_else(|| panic!("{} missing", expected.arn));
                    assert_eq!(resource["sources"], serde_json::json!(["tagging"]), "{}", expected.arn);
                }
            }
            _ => assert!(resource.is_some(), "{} missing", expected.arn),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_slows_the_scan_down_but_loses_nothing() {
    let Some(moto) = moto::start() else { return };
    let expected = seed_small_and_scan_directly(&moto).await;

    // The first Tagging API request of each region is throttled (every service, at random and
    // by rate: `random_and_rate_throttling_of_every_service_lose_nothing`).
    let options = crate::proxy::ProxyOptions {
        throttle_first: 1,
        throttle_services: vec!["tagging".into()],
        ..Default::default()
    };
    let proxy = crate::proxy::start(moto.port, options);
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(&moto, &proxy.endpoint(), "us-east-1,eu-west-1", dir.path());
    assert_eq!(code, Some(0), "throttling must not fail the scan: {stderr}");
    for row in inventory["coverage"].as_array().unwrap() {
        assert!(row["status"] == "ok" || row["status"] == "skipped", "{row}");
    }
    assert_eq!(
        inventory["resources"], expected["resources"],
        "a throttled scan finds the same resources"
    );
    assert_eq!(
        inventory["coverage"], expected["coverage"],
        "retries are not counted as requests"
    );
    let sent: u64 = inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["requests"].as_u64().unwrap())
        .sum();
    assert!(
        proxy.total_requests() > sent,
        "the proxy saw {} requests for {sent} pages: no retry?",
        proxy.total_requests()
    );
}

/// The legacy account through the proxy, throttled first, at random and by rate, against a clean scan:
/// the same inventory, every coverage row ok, and the retries were really needed.
#[tokio::test(flavor = "multi_thread")]
async fn random_and_rate_throttling_of_every_service_lose_nothing() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(11);
    crate::seed::seed_legacy_account(&moto.sdk_config().await).await;
    let direct = tempfile::tempdir().unwrap();
    let (code, expected, stderr) = scan_endpoint(&moto, &moto.endpoint(), "us-east-1,eu-west-1", direct.path());
    assert_eq!(code, Some(0), "{stderr}");

    let modes = [
        // The first request of every (service, region): each protocol's throttling answer is
        // met at least once, whatever the order of the requests.
        crate::proxy::ProxyOptions {
            throttle_first: 1,
            ..Default::default()
        },
        crate::proxy::ProxyOptions {
            throttle_percent: 20,
            seed: 7,
            ..Default::default()
        },
        // A small bucket, so this small account is rate limited: 10 requests, then 20 a second,
        // per (service, region).
        crate::proxy::ProxyOptions {
            token_bucket: Some((10.0, 20.0)),
            ..Default::default()
        },
    ];
    for options in modes {
        let label = format!("{options:?}");
        let proxy = crate::proxy::start(moto.port, options);
        let dir = tempfile::tempdir().unwrap();
        let (code, inventory, stderr) = scan_endpoint(&moto, &proxy.endpoint(), "us-east-1,eu-west-1", dir.path());
        assert_eq!(code, Some(0), "{label}: throttling must not fail the scan: {stderr}");
        assert!(proxy.throttled() > 0, "{label}: nothing was throttled");
        assert_eq!(
            inventory["resources"], expected["resources"],
            "{label}: a throttled scan finds the same resources"
        );
        assert_eq!(
            inventory["coverage"], expected["coverage"],
            "{label}: the same coverage, and retries are not counted as requests"
        );
    }
}

/// A stream throttled on every attempt gives up after the documented attempts, and says so in
/// its coverage row (`failed`, exit code 1); the other streams are scanned as usual.
#[tokio::test(flavor = "multi_thread")]
async fn a_request_throttled_on_every_attempt_is_a_failed_coverage_row_after_the_documented_attempts() {
    let Some(moto) = moto::start() else { return };
    let expected = seed_small_and_scan_directly(&moto).await;

    let options = crate::proxy::ProxyOptions {
        throttle_first: u64::MAX,
        throttle_services: vec!["tagging".into()],
        ..Default::default()
    };
    let proxy = crate::proxy::start(moto.port, options);
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(&moto, &proxy.endpoint(), "us-east-1,eu-west-1", dir.path());
    assert_eq!(code, Some(1), "a failed stream makes the scan incomplete: {stderr}");
    let attempts = u64::from(acctsplit::aws::retry::MAX_ATTEMPTS);
    for region in ["us-east-1", "eu-west-1"] {
        let row = coverage_row(&inventory, "tagging", region);
        assert_eq!(row["status"], "failed", "{row}");
        assert_eq!(row["detail"], "GetResources: ThrottlingException", "{row}");
        assert_eq!(
            proxy.requests_for("tagging", region),
            attempts,
            "the first page of {region} was tried exactly MAX_ATTEMPTS times"
        );
        let ec2 = coverage_row(&inventory, "ec2", region);
        assert_eq!(
            ec2,
            coverage_row(&expected, "ec2", region),
            "EC2 is not slowed or failed"
        );
    }
    // What the describe calls saw is all there (the Tagging API adds only tags here).
    let arns = |inventory: &Value| -> Vec<String> {
        inventory["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["sources"].as_array().unwrap().iter().any(|s| s != "tagging"))
            .map(|r| r["arn"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(arns(&inventory), arns(&expected));
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_account_iam_is_found_with_its_relations_and_no_secret() {
    use crate::seed::legacy_iam::*;
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(13);
    let cfg = moto.sdk_config().await;
    let seeded = crate::seed::seed_legacy_account(&cfg).await;
    let account = seeded.account_id.as_str();
    // A second key whose secret the scan must never write, and an instance using the profile.
    let iam = aws_sdk_iam::Client::new(&cfg);
    let key = iam.create_access_key().user_name(ALICE).send().await.unwrap();
    let secret = key.access_key().unwrap().secret_access_key().to_owned();
    let ec2 = aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&cfg)
            .region(aws_types::region::Region::new("us-east-1"))
            .build(),
    );
    let run = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .min_count(1)
        .max_count(1)
        .iam_instance_profile(
            aws_sdk_ec2::types::IamInstanceProfileSpecification::builder()
                .name(APP_PROFILE)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let instance_id = run.instances()[0].instance_id().unwrap().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan_endpoint(&moto, &moto.endpoint(), "us-east-1,eu-west-1", dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let row = coverage_row(&inventory, "iam", "global");
    assert_eq!(row["status"], "ok", "{row}");

    let resources = inventory["resources"].as_array().unwrap();
    let find = |arn: &str| {
        let found: Vec<&Value> = resources.iter().filter(|r| r["arn"] == arn).collect();
        assert_eq!(found.len(), 1, "{arn} found {} times", found.len());
        found[0].clone()
    };
    let has = |r: &Value, kind: &str, target: &str| {
        r["relations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == kind && e["arn"] == target)
    };
    let iam_arn = |path: &str| format!("arn:aws:iam::{account}:{path}");
    let policy_arn = iam_arn(&format!("policy/{CROSS_POLICY}"));
    let app_role_arn = iam_arn(&format!("role/{APP_ROLE}"));
    let group_arn = iam_arn(&format!("group/{GROUP}"));
    let app_profile_arn = iam_arn(&format!("instance-profile/{APP_PROFILE}"));

    let app = find(&app_role_arn);
    assert_eq!(app["resource_type"], "iam:role");
    assert_eq!(app["region"], Value::Null);
    assert_eq!(app["tags"]["Environment"], "prod");
    assert_eq!(app["sources"], serde_json::json!(["iam"]), "{app}");
    assert_eq!(
        app["attributes"]["trust_services"],
        serde_json::json!(["ec2.amazonaws.com", "lambda.amazonaws.com"])
    );
    assert_eq!(app["attributes"]["service_linked"], false);
    assert_eq!(
        app["attributes"]["attached_policies"],
        serde_json::json!([CROSS_POLICY])
    );
    assert!(has(&app, "uses-policy", &policy_arn), "{app}");

    let audit = find(&iam_arn(&format!("role/audit/{AUDIT_ROLE}")));
    assert_eq!(audit["attributes"]["path"], "/audit/");
    assert_eq!(
        audit["attributes"]["trust_accounts"],
        serde_json::json!([OTHER_ACCOUNT])
    );
    assert_eq!(
        audit["attributes"]["trust_federated"],
        serde_json::json!([iam_arn(&format!("saml-provider/{SAML_PROVIDER}"))])
    );

    let linked: Vec<&Value> = resources
        .iter()
        .filter(|r| r["resource_type"] == "iam:role" && r["attributes"]["service_linked"] == true)
        .collect();
    assert_eq!(linked.len(), 1, "one service-linked role");
    assert!(
        linked[0]["arn"]
            .as_str()
            .unwrap()
            .contains(&format!("role/aws-service-role/{SERVICE_LINKED_FOR}/")),
        "{}",
        linked[0]
    );

    let policy = find(&policy_arn);
    assert_eq!(policy["resource_type"], "iam:policy");
    assert_eq!(policy["tags"]["team"], "data");
    assert_eq!(
        policy["attributes"]["policy_account_ids"],
        serde_json::json!([OTHER_ACCOUNT])
    );
    assert!(
        policy["attributes"]["policy_arns"]
            .as_array()
            .unwrap()
            .contains(&Value::from(format!("arn:aws:iam::{OTHER_ACCOUNT}:role/reader"))),
        "{policy}"
    );

    let group = find(&group_arn);
    assert!(has(&group, "uses-policy", &policy_arn), "{group}");

    let alice = find(&iam_arn(&format!("user/{ALICE}")));
    assert!(has(&alice, "member-of", &group_arn), "{alice}");
    assert_eq!(alice["attributes"]["access_keys"], 2);
    assert!(alice["attributes"]["oldest_access_key_created"].is_string(), "{alice}");
    assert_eq!(alice["attributes"]["console_access"], true);
    assert_eq!(alice["attributes"]["mfa_devices"], 0);
    let bob = find(&iam_arn(&format!("user/{BOB}")));
    assert_eq!(bob["attributes"]["access_keys"], 0);
    assert_eq!(
        bob["attributes"]["console_access"], false,
        "NoSuchEntity is no console password"
    );
    assert_eq!(bob["relations"], serde_json::json!([]));

    let profile = find(&app_profile_arn);
    assert_eq!(profile["resource_type"], "iam:instance-profile");
    assert!(has(&profile, "uses-role", &app_role_arn), "{profile}");
    let empty = find(&iam_arn(&format!("instance-profile/{EMPTY_PROFILE}")));
    assert_eq!(empty["relations"], serde_json::json!([]));

    let saml = find(&iam_arn(&format!("saml-provider/{SAML_PROVIDER}")));
    assert_eq!(saml["resource_type"], "iam:saml-provider");
    let oidc = find(&iam_arn("oidc-provider/token.actions.githubusercontent.com"));
    assert_eq!(oidc["resource_type"], "iam:oidc-provider");

    let instance = find(&format!("arn:aws:ec2:us-east-1:{account}:instance/{instance_id}"));
    assert!(has(&instance, "uses-instance-profile", &app_profile_arn), "{instance}");

    let text = std::fs::read_to_string(dir.path().join("inventory.json")).unwrap();
    for leak in [
        secret.as_str(),
        "Legacy-Password-1!",
        "sts:AssumeRole",
        "s3:GetObject",
        "Statement",
    ] {
        assert!(!text.contains(leak), "inventory.json contains {leak:?}");
    }
}
