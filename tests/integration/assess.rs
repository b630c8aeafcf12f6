//! `acctsplit assess`: the sample as a new user runs it, the committed sample reports, and a
//! real run against the emulator.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::moto::{self, run_acctsplit, stderr_of};

/// Every file under `root`, by relative path.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

const EXPECTED_FILES: &[&str] = &[
    "assignments.csv",
    "blind-spots.csv",
    "costs/manifest.json",
    "costs/summary.json",
    "inventory.json",
    "plan.json",
    "runbook.html",
    "runbook.md",
    "scp/deny-leave-organization.json",
    "scp/restrict-regions.json",
    "tasks.csv",
];

#[test]
fn sample_runs_for_a_new_user_with_no_aws_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // run_acctsplit removes every AWS_* variable and points the config files nowhere.
    let output = run_acctsplit(&["assess", "--sample", "--out-dir", out.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let written = files(&out);
    for name in EXPECTED_FILES {
        assert!(
            written.get(*name).is_some_and(|b| !b.is_empty()),
            "{name} missing or empty"
        );
    }
    let stderr = stderr_of(&output);
    assert!(stderr.contains("steps"), "the run says what it wrote: {stderr}");
}

#[test]
fn sample_reports_are_up_to_date() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-reports");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_acctsplit(
        &["assess", "--sample", "--quiet", "--out-dir", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let fresh = files(&out);
    let stored = files(&committed);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&fresh),
        names(&stored),
        "sample-reports/ is stale: run scripts/make-sample-reports.sh"
    );
    for (name, bytes) in &fresh {
        assert!(
            stored[name] == *bytes,
            "sample-reports/{name} is stale: run scripts/make-sample-reports.sh"
        );
    }
}

/// The committed sample runbook stays short enough to hand over, and names no resource by its
/// ARN (ARNs stay in the CSVs and plan.json). Regression bounds, not targets: lower them as the
/// runbook gets shorter.
#[test]
fn sample_runbook_words_and_arns_stay_down() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-reports");
    let md = std::fs::read_to_string(dir.join("runbook.md")).unwrap();
    let words = md
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    assert!(words <= 10_000, "the sample runbook grew to {words} words");
    let inventory: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("inventory.json")).unwrap()).unwrap();
    let arns: Vec<&str> = inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["arn"].as_str().unwrap())
        .filter(|arn| md.contains(arn))
        .collect();
    assert_eq!(arns, Vec::<&str>::new(), "resources named by ARN in the sample runbook");
}

/// The sample pays for services and a region its scan cannot see; its own rules acknowledge
/// them. The default rules acknowledge nothing, so with them the same run exits 1.
#[test]
fn sample_blind_spots_are_acknowledged_by_the_sample_rules_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_acctsplit(&["assess", "--sample", "--out-dir", out.to_str().unwrap()], &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("blind spots: none at or above USD 1.00 a month ("),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(out.join("blind-spots.csv")).unwrap();
    assert!(csv.contains("\nAmazon SageMaker,us-east-1,"), "{csv}");
    assert!(
        csv.contains("\nAmazon OpenSearch Service,ap-southeast-2,") && csv.contains(",acknowledged,"),
        "{csv}"
    );

    let default = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/default.toml");
    let out = dir.path().join("with-default-rules");
    let output = run_acctsplit(
        &[
            "assess",
            "--sample",
            "--rules",
            default.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ],
        &[],
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // Two: the sample's RDS, Lambda, Route 53, CloudWatch and CloudTrail spend is covered by its
    // databases, functions, hosted zone, log groups and trail.
    assert!(stderr.contains("blind spots: 2 with USD "), "{stderr}");
    let csv = std::fs::read_to_string(out.join("blind-spots.csv")).unwrap();
    assert!(!csv.contains(",acknowledged,"), "{csv}");
    assert!(
        csv.contains("Amazon OpenSearch Service,ap-southeast-2,27.61,region-not-scanned,,"),
        "{csv}"
    );
}

#[test]
fn assess_with_a_bad_rules_file_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[[targets]\nname = 'x'\n").unwrap();
    let out = dir.path().join("out");
    let output = run_acctsplit(
        &[
            "assess",
            "--sample",
            "--rules",
            rules.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("rules.toml"), "{}", stderr_of(&output));
    assert!(!out.join("plan.json").exists() && !out.join("runbook.md").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn assess_on_a_partly_denied_account_still_writes_a_runbook_that_names_the_gap() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(21);
    crate::seed::seed_legacy_account(&moto.sdk_config().await).await;
    let proxy = crate::proxy::start(
        moto.port,
        crate::proxy::ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            ..Default::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run_acctsplit(
        &[
            "assess",
            "--out-dir",
            out.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
            "--skip-costs",
        ],
        &moto.env_via(&proxy.endpoint()),
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let runbook = std::fs::read_to_string(out.join("runbook.md")).unwrap();
    assert!(
        runbook.contains("eu-west-1"),
        "the runbook names the region it could not see"
    );
    assert!(
        runbook.to_lowercase().contains("denied"),
        "the runbook says access was denied"
    );
    for name in [
        "inventory.json",
        "plan.json",
        "assignments.csv",
        "runbook.html",
        "tasks.csv",
    ] {
        assert!(out.join(name).exists(), "{name} missing");
    }
    assert!(!out.join("costs").exists(), "--skip-costs writes no cost export");
}
