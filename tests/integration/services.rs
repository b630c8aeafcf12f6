//! `acctsplit scan` of the services of issue 13 (queues, topics, secrets, parameters, log
//! groups, DNS, certificates, distributions, repositories) against the moto emulator: each
//! seeded resource, tagged and never tagged, in two regions, with its relations; no value ever
//! read or kept; a denied service is a coverage row.

use std::path::Path;

use serde_json::Value;

use crate::moto::{self, Moto, run_acctsplit, stderr_of};
use crate::seed;
use acctsplit::testkit::seed_services::{self, PARAMETER_VALUE, PERSONAL_ENDPOINTS, SECRET_VALUE};

/// The collector (and `sources` entry) that must see each seeded type.
const DEPTH_SOURCE: &[(&str, &str)] = &[
    ("sqs:queue", "sqs"),
    ("sns:topic", "sns"),
    ("secretsmanager:secret", "secretsmanager"),
    ("ssm:parameter", "ssm"),
    ("logs:log-group", "logs"),
];

/// Calls that read a secret, a parameter value or a message: never sent, never in the policy.
const VALUE_READING: &[&str] = &[
    "GetSecretValue",
    "BatchGetSecretValue",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "GetParameterHistory",
    "ReceiveMessage",
    "GetLogEvents",
    "FilterLogEvents",
    "GetObject",
];

fn scan(moto: &Moto, endpoint: &str, dir: &Path, audit: Option<&Path>) -> (Option<i32>, Value, String) {
    let out = dir.join("inventory.json");
    let mut env = moto.env_via("http://127.0.0.1:9");
    if let Some(audit) = audit {
        env.push(("ACCTSPLIT_AUDIT_LOG".into(), audit.display().to_string()));
    }
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
            "--endpoint-url",
            endpoint,
        ],
        &env,
    );
    let stderr = stderr_of(&output);
    assert!(out.exists(), "no inventory written: {stderr}");
    let text = std::fs::read_to_string(&out).unwrap();
    for value in [SECRET_VALUE, PARAMETER_VALUE] {
        assert!(!text.contains(value), "a secret value reached the inventory");
    }
    for personal in PERSONAL_ENDPOINTS {
        assert!(!text.contains(personal), "{personal} reached the inventory");
    }
    (output.status.code(), serde_json::from_str(&text).unwrap(), stderr)
}

fn coverage_status<'a>(inventory: &'a Value, service: &str, region: &str) -> &'a Value {
    &inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service && r["region"] == region)
        .unwrap_or_else(|| panic!("no coverage row for {service}/{region}"))["status"]
}

#[test]
fn the_published_policy_has_no_value_reading_call() {
    for action in acctsplit::aws::policy::actions() {
        let operation = action.operation;
        assert!(
            !VALUE_READING.contains(&operation),
            "{} reads values and must not be in the policy",
            action.iam_action
        );
    }
    let policy = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/iam-policy.json")).unwrap();
    for operation in VALUE_READING {
        for service in ["secretsmanager", "ssm", "sqs", "logs", "s3"] {
            let action = format!("\"{service}:{operation}\"");
            assert!(!policy.contains(&action), "docs/iam-policy.json grants {action}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_services_are_found_tagged_and_never_tagged_with_their_relations_and_no_values() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(31);
    let seeded = seed_services::seed_legacy_services(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.log");
    let (code, inventory, stderr) = scan(&moto, &moto.endpoint(), dir.path(), Some(&audit));
    assert_eq!(code, Some(0), "{stderr}");

    let resources = inventory["resources"].as_array().unwrap();
    let (mut tagged, mut untagged) = (0, 0);
    for expected in &seeded.expected {
        let found: Vec<&Value> = resources.iter().filter(|r| r["arn"] == expected.arn.as_str()).collect();
        assert_eq!(found.len(), 1, "{} found {} times", expected.arn, found.len());
        let r = found[0];
        assert_eq!(r["resource_type"], expected.resource_type.as_str(), "{r}");
        assert_eq!(r["region"].as_str(), expected.region.as_deref(), "{r}");
        let sources: Vec<&str> = r["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let depth = DEPTH_SOURCE
            .iter()
            .find(|(t, _)| *t == expected.resource_type)
            .unwrap_or_else(|| panic!("no collector listed for {}", expected.resource_type))
            .1;
        assert!(sources.contains(&depth), "{} not seen by {depth}: {r}", expected.arn);
        if expected.tagged {
            tagged += 1;
            assert!(!r["tags"].as_object().unwrap().is_empty(), "tags lost: {r}");
        } else {
            untagged += 1;
            assert!(
                !sources.contains(&"tagging"),
                "never tagged, yet the Tagging API saw it: {r}"
            );
        }
        for (kind, target) in &expected.relations {
            let has = r["relations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|rel| rel["kind"] == kind.as_str() && rel["arn"] == target.as_str());
            assert!(has, "{} lacks {kind} -> {target}: {r}", expected.arn);
        }
    }
    assert!(tagged > 0 && untagged > 0, "tagged {tagged}, never tagged {untagged}");
    for (_, service) in DEPTH_SOURCE {
        for region in seed::LEGACY_REGIONS {
            assert_eq!(coverage_status(&inventory, service, region), "ok", "{service}/{region}");
        }
    }

    let log = std::fs::read_to_string(&audit).unwrap();
    let mut operations: Vec<&str> = log.lines().collect();
    operations.sort_unstable();
    operations.dedup();
    for line in &operations {
        let (service, operation) = line.split_once('\t').unwrap();
        assert!(!VALUE_READING.contains(&operation), "{line} reads values");
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
async fn a_denied_service_in_one_region_is_a_coverage_row_and_the_other_region_is_scanned() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(32);
    let seeded = seed_services::seed_legacy_services(&moto.sdk_config().await).await;
    let denied: Vec<String> = DEPTH_SOURCE.iter().map(|(_, s)| (*s).to_owned()).collect();
    let proxy = crate::proxy::start(
        moto.port,
        crate::proxy::ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            deny_services: denied.clone(),
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, stderr) = scan(&moto, &proxy.endpoint(), dir.path(), None);
    assert_eq!(code, Some(1), "{stderr}");
    for (_, service) in DEPTH_SOURCE {
        assert_eq!(coverage_status(&inventory, service, "eu-west-1"), "denied", "{service}");
        assert_eq!(coverage_status(&inventory, service, "us-east-1"), "ok", "{service}");
    }
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
}
