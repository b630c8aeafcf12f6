//! The Lambda, DynamoDB and Elastic Load Balancing facts of the issue-12 services scan
//! (`scan_services.rs` seeds and scans, then calls [`check`]), the calls those collectors send
//! (each in the published policy), and a service denied in one region.

use std::path::Path;

use serde_json::Value;

use crate::moto::{self, Moto, run_acctsplit, stderr_of};
use acctsplit::testkit::seed_data::{self, ServicesSeeded};
use acctsplit::testkit::seed_svc12::LAMBDA_ENV_SECRET;

/// The collectors of this file's types: the coverage-row service name (also the signing name the
/// proxy denies, and the prefix of their resource types) and the SDK's service name in the audit log.
const SERVICES: &[(&str, &str)] = &[("lambda", "Lambda"), ("dynamodb", "DynamoDB")];

/// Checks the facts of the seeded Lambda, DynamoDB and load balancing resources in a scan of
/// the seeded services (`resources` and its file's `text`).
pub(crate) async fn check(moto: &Moto, seeded: &ServicesSeeded, resources: &[Value], text: &str) {
    let find = |arn: &str| -> &Value {
        resources
            .iter()
            .find(|r| r["arn"] == arn)
            .unwrap_or_else(|| panic!("{arn} not found"))
    };

    // Lambda: the environment variables' names, never a value, though the emulator returns it.
    let cfg = moto.sdk_config().await;
    let lambda = aws_sdk_lambda::Client::new(&cfg);
    let listed = lambda.list_functions().send().await.unwrap();
    let served = listed
        .functions()
        .iter()
        .filter_map(|f| f.environment().and_then(|e| e.variables()))
        .any(|vars| vars.values().any(|v| v == LAMBDA_ENV_SECRET));
    assert!(served, "the emulator serves the seeded environment value");
    assert!(
        !text.contains(LAMBDA_ENV_SECRET),
        "an environment value reached the inventory"
    );
    let functions: Vec<_> = seeded.of_type("lambda:function").collect();
    assert_eq!(functions.len(), 4, "two functions in each region");
    for e in functions {
        let a = &find(&e.arn)["attributes"];
        assert_eq!(a["runtime"], "python3.12", "{a}");
        let names = if e.tagged {
            serde_json::json!(["DB_PASSWORD", "STAGE"])
        } else {
            serde_json::json!([])
        };
        assert_eq!(a["environment_variable_names"], names, "{}", e.arn);
        assert_eq!(a["layers"].as_array().unwrap().len(), usize::from(e.tagged), "{a}");
    }
    // Two from queues, one from a table's stream, in each region.
    assert_eq!(seeded.of_type("lambda:event-source-mapping").count(), 6);

    // DynamoDB: billing mode, stream, encryption and point-in-time recovery.
    let tables: Vec<_> = seeded.of_type("dynamodb:table").collect();
    assert_eq!(tables.len(), 4, "two tables in each region");
    for e in tables {
        let a = &find(&e.arn)["attributes"];
        let expected = if e.tagged {
            ("PAY_PER_REQUEST", true, "KMS", true)
        } else {
            ("PROVISIONED", false, "aws-owned", false)
        };
        assert_eq!(a["billing_mode"], expected.0, "{a}");
        assert_eq!(a["stream_enabled"], expected.1, "{a}");
        assert_eq!(a["encryption"], expected.2, "{a}");
        assert_eq!(a["point_in_time_recovery"], expected.3, "{a}");
        assert_eq!(a["status"], "ACTIVE", "{a}");
        assert_eq!(a["replicas"], serde_json::json!([]), "moto has no replicas: {a}");
    }

    // Load balancers: the DNS name Route 53 records are matched on, listeners and registered
    // targets; tags merged from the Tagging API.
    let balancers: Vec<_> = seeded.of_type("elasticloadbalancing:loadbalancer").collect();
    assert_eq!(
        balancers.len(),
        4,
        "an Application and a Classic Load Balancer in each region"
    );
    for e in balancers {
        let r = find(&e.arn);
        let a = &r["attributes"];
        assert!(a["dns_name"].as_str().is_some_and(|d| !d.is_empty()), "{r}");
        assert_eq!(a["listeners"][0]["port"], 80, "{r}");
        if a["type"] == "classic" {
            assert_eq!(r["sources"], serde_json::json!(["elb"]), "never tagged: {r}");
            assert_eq!(a["instances"], 1, "{r}");
            assert_eq!(r["tags"], serde_json::json!({}), "{r}");
        } else {
            assert_eq!(r["sources"], serde_json::json!(["tagging", "elbv2"]), "{r}");
            assert_eq!(a["type"], "application", "{r}");
            assert_eq!(r["tags"]["Environment"], "dev", "{r}");
            let forwards = a["listeners"][0]["target_groups"].as_array().unwrap();
            assert_eq!(forwards.len(), 1, "{r}");
        }
    }
    for e in seeded.of_type("elasticloadbalancing:targetgroup") {
        let a = &find(&e.arn)["attributes"];
        // The tagged group holds the instance; the never-tagged one is idle.
        assert_eq!(a["targets"].as_array().unwrap().len(), usize::from(e.tagged), "{a}");
        assert_eq!(a["target_type"], "instance", "{a}");
    }
}

fn scan(endpoint: &str, moto: &Moto, dir: &Path) -> (Option<i32>, Value, String) {
    let out = dir.join("inventory.json");
    let mut env = moto.env_via("http://127.0.0.1:9");
    env.push((
        "ACCTSPLIT_AUDIT_LOG".into(),
        dir.join("audit.log").display().to_string(),
    ));
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
            "--endpoint-url",
            endpoint,
            "--quiet",
        ],
        &env,
    );
    let stderr = stderr_of(&output);
    let text = std::fs::read_to_string(&out).unwrap_or_else(|_| panic!("no inventory: {stderr}"));
    (output.status.code(), serde_json::from_str(&text).unwrap(), stderr)
}

fn status<'a>(inventory: &'a Value, service: &str, region: &str) -> &'a Value {
    &inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service && r["region"] == region)
        .unwrap_or_else(|| panic!("no coverage row for {service}/{region}"))["status"]
}

/// Denied in eu-west-1, the services are `denied` coverage rows there (exit 1) and scanned in
/// us-east-1; every call they sent is a read-only call of the published policy.
#[tokio::test(flavor = "multi_thread")]
async fn svc12_services_denied_in_one_region_are_coverage_rows_and_their_calls_are_in_the_policy() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(41);
    let cfg = moto.sdk_config().await;
    let sts = aws_sdk_sts::Client::new(&cfg);
    let identity = sts.get_caller_identity().send().await.unwrap();
    let seeded = seed_data::seed_services(&cfg, identity.account().unwrap()).await;
    let proxy = crate::proxy::start(
        moto.port,
        crate::proxy::ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            deny_services: SERVICES.iter().map(|(s, _)| (*s).to_owned()).collect(),
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan(&proxy.endpoint(), &moto, dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    for (service, _) in SERVICES {
        assert_eq!(status(&inventory, service, "eu-west-1"), "denied", "{service}");
        assert_eq!(status(&inventory, service, "us-east-1"), "ok", "{service}");
    }
    let resources = inventory["resources"].as_array().unwrap();
    let mine = |ty: &str| SERVICES.iter().any(|(s, _)| ty.starts_with(&format!("{s}:")));
    for e in seeded.expected.iter().filter(|e| mine(&e.resource_type)) {
        let found = resources.iter().any(|r| r["arn"] == e.arn.as_str());
        if e.region.as_deref() == Some("us-east-1") {
            assert!(found, "{} missing", e.arn);
        }
    }

    let log = std::fs::read_to_string(dir.path().join("audit.log")).unwrap();
    let mut operations: Vec<&str> = log.lines().collect();
    operations.sort_unstable();
    operations.dedup();
    for (_, service) in SERVICES {
        assert!(
            operations.iter().any(|l| l.starts_with(&format!("{service}\t"))),
            "no {service} call audited: {operations:?}"
        );
    }
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
