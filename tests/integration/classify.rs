//! `acctsplit classify` and `acctsplit rules`, through the real binary, on the fixture
//! snapshots in `tests/fixtures/classify/`: the outputs, their byte-for-byte stability, and
//! every bad-input case (exit code 2, one message, nothing written).
//!
//! The expected outputs live in `tests/fixtures/classify/expected/`; after an intended change,
//! regenerate them with `ACCTSPLIT_UPDATE_GOLDEN=1 scripts/test.sh --test integration classify::`
//! and review the diff.

use std::path::{Path, PathBuf};

use crate::moto::{run_acctsplit, stderr_of};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/classify")
        .join(name)
        .display()
        .to_string()
}

fn out_dir(tmp: &tempfile::TempDir) -> PathBuf {
    tmp.path().join("out")
}

fn classify(inventory: &str, rules: Option<&str>, out: &Path) -> std::process::Output {
    let out = out.display().to_string();
    let mut args = vec!["classify", "--inventory", inventory, "--out-dir", &out];
    if let Some(rules) = rules {
        args.extend(["--rules", rules]);
    }
    run_acctsplit(&args, &[])
}

/// The CSV rows as (arn suffix -> row) for readable assertions.
fn rows(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV"))
        .collect()
}

fn row_of<'r>(rows: &'r [csv::StringRecord], arn_suffix: &str) -> &'r csv::StringRecord {
    rows.iter()
        .find(|r| r[0].ends_with(arn_suffix))
        .unwrap_or_else(|| panic!("no row for {arn_suffix}"))
}

/// The tool version is written into the plan; the expected files hold a placeholder instead,
/// so that a version bump does not invalidate them.
fn without_version(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8 output");
    text.replace(
        &format!("\"tool_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"tool_version\": \"VERSION\"",
    )
    .into_bytes()
}

fn check_golden(actual: &[u8], name: &str) {
    let actual = without_version(actual);
    let actual = actual.as_slice();
    let path = Path::new(&fixture("expected")).join(name);
    if std::env::var_os("ACCTSPLIT_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        actual == expected.as_slice(),
        "{} differs from the output; if the change is intended, regenerate with ACCTSPLIT_UPDATE_GOLDEN=1",
        path.display()
    );
}

#[test]
fn classify_writes_the_expected_plan_and_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let out = out_dir(&tmp);
    let output = classify(&fixture("inventory.json"), None, &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("classified 26 resources (prod 9, dev 11, shared 3, sandbox 2, log-archive 1); 6 to review"),
        "{stderr}"
    );
    let plan_bytes = std::fs::read(out.join("plan.json")).unwrap();
    let csv_text = std::fs::read_to_string(out.join("assignments.csv")).unwrap();
    check_golden(&plan_bytes, "plan.json");
    check_golden(csv_text.as_bytes(), "assignments.csv");

    let rows = rows(&csv_text);
    assert_eq!(rows.len(), 26);
    // (arn suffix, target, needs_review, rule, method)
    let table = [
        ("instance/i-0dev1", "dev", "false", "follows", "share-ami"),
        // Carried in its instance's AMI, not snapshotted on its own.
        ("volume/vol-0dev1", "dev", "false", "follows", "share-ami"),
        ("security-group/sg-0dev", "dev", "false", "env-tag", "recreate"),
        ("elastic-ip/eipalloc-0dev", "dev", "false", "env-tag", "transfer"),
        ("vpc/vpc-0main", "prod", "true", "conflict", "stay"),
        ("subnet/subnet-0main1", "prod", "true", "conflict", "stay"),
        ("security-group/sg-0main", "prod", "true", "conflict", "stay"),
        ("instance/i-0prod1", "prod", "false", "env-tag", "stay"),
        ("instance/i-0sbx1", "sandbox", "false", "name-token", "share-ami"),
        (
            ":::acme-cloudtrail-logs",
            "log-archive",
            "false",
            "purpose",
            "replicate",
        ),
        (":::acme-data-lake", "prod", "true", "no-signal", "stay"),
        ("image/ami-0golden", "shared", "false", "env-tag", "share-ami"),
        ("db:orders-db", "dev", "false", "env-tag", "share-rds-snapshot"),
        ("cluster/events/0f1e2d3c", "dev", "true", "env-tag", "recreate"),
    ];
    for (arn, target, review, rule, method) in table {
        let r = row_of(&rows, arn);
        assert_eq!((&r[4], &r[5], &r[7], &r[10]), (target, review, rule, method), "{arn}");
    }
    assert_eq!(
        row_of(&rows, "volume/vol-0dev1")[6],
        *"follows instance i-0dev1 (dev) it is attached to"
    );
    assert_eq!(
        row_of(&rows, "vpc/vpc-0main")[6],
        *"used by prod and sandbox resources, so it stays in prod; sandbox workloads need their own VPC in sandbox"
    );
    assert_eq!(
        row_of(&rows, "security-group/sg-0dev")[6],
        *"tag Environment=' Dev ' matches dev"
    );

    let plan: serde_json::Value = serde_json::from_slice(&plan_bytes).unwrap();
    assert_eq!(plan["schema_version"], 2);
    assert_eq!(plan["account_id"], "123456789012");
    assert_eq!(plan["conflicts"].as_array().unwrap().len(), 3);
    let kinds: Vec<&str> = plan["cross_target"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"policy-names-account"), "{kinds:?}");
    assert!(kinds.contains(&"from-volume"), "{kinds:?}");
    assert!(kinds.contains(&"has-security-group"), "{kinds:?}");
    // Ids from names: the landing network of dev comes first, then dev's workloads.
    let units: Vec<(&str, &str)> = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_str().unwrap(), u["kind"].as_str().unwrap()))
        .collect();
    assert!(units[0].0.starts_with("dev/network-"), "{units:?}");
    assert_eq!(units[0].1, "landing-network");
    let targets: Vec<(&str, &str)> = plan["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["ou"].as_str().unwrap()))
        .collect();
    assert_eq!(
        targets,
        [
            ("prod", "Workloads/Prod"),
            ("dev", "Workloads/NonProd"),
            ("shared", "Infrastructure"),
            ("sandbox", "Sandbox"),
            ("security", "Security"),
            ("log-archive", "Security")
        ]
    );
}

#[test]
fn the_same_input_gives_byte_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        let output = classify(&fixture("inventory.json"), None, dir);
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    }
    for file in ["plan.json", "assignments.csv"] {
        let first = std::fs::read(a.join(file)).unwrap();
        assert!(!first.is_empty());
        assert_eq!(first, std::fs::read(b.join(file)).unwrap(), "{file}");
    }
}

#[test]
fn a_rules_file_renames_targets_and_its_explicit_rules_come_first() {
    let tmp = tempfile::tempdir().unwrap();
    let out = out_dir(&tmp);
    let output = classify(&fixture("inventory.json"), Some(&fixture("rules.toml")), &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let rows = rows(&std::fs::read_to_string(out.join("assignments.csv")).unwrap());
    let hub = row_of(&rows, "transit-gateway/tgw-0hub");
    assert_eq!((&hub[4], &hub[7]), ("network", "explicit:hub"));
    assert_eq!(
        hub[6],
        *"explicit rule 'hub' (resource_type ec2:transit-gateway) sends it to network: the transit gateway becomes the network hub"
    );
    let lake = row_of(&rows, ":::acme-data-lake");
    assert_eq!((&lake[4], &lake[5], &lake[7]), ("dev", "true", "explicit:data-lake"));
    // No sandbox target in these rules: the poc box has no signal and stays.
    let poc = row_of(&rows, "instance/i-0sbx1");
    assert_eq!((&poc[4], &poc[7]), ("prod", "no-signal"));
    let ami = row_of(&rows, "image/ami-0golden");
    assert_eq!(&ami[4], "network");
}

#[test]
fn the_printed_default_rules_give_the_same_plan_as_the_built_in_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let printed = run_acctsplit(&["rules", "--print-default"], &[]);
    assert_eq!(printed.status.code(), Some(0));
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.toml")).unwrap();
    assert_eq!(String::from_utf8(printed.stdout.clone()).unwrap(), committed);
    let rules_path = tmp.path().join("rules.toml");
    std::fs::write(&rules_path, &printed.stdout).unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(classify(&fixture("inventory.json"), None, &a).status.code(), Some(0));
    let with_file = classify(&fixture("inventory.json"), Some(rules_path.to_str().unwrap()), &b);
    assert_eq!(with_file.status.code(), Some(0), "{}", stderr_of(&with_file));
    assert_eq!(
        std::fs::read(a.join("plan.json")).unwrap(),
        std::fs::read(b.join("plan.json")).unwrap()
    );
}

#[test]
fn rules_without_a_flag_exits_2_with_a_hint() {
    let output = run_acctsplit(&["rules"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        stderr_of(&output).contains("acctsplit rules --print-default"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn an_incomplete_snapshot_is_classified_with_exit_code_1_and_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let mut inventory: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("inventory.json")).unwrap()).unwrap();
    inventory["coverage"][0]["status"] = "denied".into();
    inventory["coverage"][0]["detail"] = "UnauthorizedOperation".into();
    let path = tmp.path().join("partial.json");
    std::fs::write(&path, serde_json::to_vec(&inventory).unwrap()).unwrap();
    let out = out_dir(&tmp);
    let output = classify(path.to_str().unwrap(), None, &out);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(out.join("plan.json").exists() && out.join("assignments.csv").exists());
    assert!(
        stderr_of(&output).contains("warning: the snapshot misses ec2 in eu-west-1 (denied: UnauthorizedOperation)"),
        "{}",
        stderr_of(&output)
    );
}

/// Runs a bad-input case: exit code 2, the one message expected, and no output folder.
fn assert_refused(inventory: &str, rules: Option<&str>, expected: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = out_dir(&tmp);
    let output = classify(inventory, rules, &out);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(expected), "expected {expected:?} in {stderr:?}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one message: {stderr:?}");
    assert!(!out.exists(), "{} was created", out.display());
}

#[test]
fn a_toml_syntax_error_names_line_and_column() {
    let path = fixture("bad-syntax.toml");
    assert_refused(
        &fixture("inventory.json"),
        Some(&path),
        &format!("error: {path}:5:19: "),
    );
}

#[test]
fn a_rule_naming_an_unknown_target_is_refused() {
    let path = fixture("unknown-target.toml");
    assert_refused(
        &fixture("inventory.json"),
        Some(&path),
        &format!(
            "{path}:35: rule 'hub' names unknown target 'netwrok' (known targets: prod, dev, network, log-archive)"
        ),
    );
}

#[test]
fn an_invalid_regex_names_the_rule() {
    assert_refused(
        &fixture("inventory.json"),
        Some(&fixture("bad-regex.toml")),
        "rule 'data-lake' has an invalid name pattern '^acme-(data-': unclosed group",
    );
}

#[test]
fn an_invalid_glob_names_the_rule() {
    assert_refused(
        &fixture("inventory.json"),
        Some(&fixture("bad-glob.toml")),
        "rule 'hub' has an invalid resource_type pattern 'ec2:{transit-gateway'",
    );
}

#[test]
fn an_unsupported_schema_version_is_refused() {
    let path = fixture("inventory-v2.json");
    assert_refused(
        &path,
        None,
        &format!("{path}: inventory schema_version 2 is not supported (this build reads version 1)"),
    );
}

#[test]
fn missing_and_unreadable_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.json").display().to_string();
    assert_refused(&missing, None, &format!("cannot read inventory {missing}: "));
    let missing_rules = tmp.path().join("nope.toml").display().to_string();
    assert_refused(
        &fixture("inventory.json"),
        Some(&missing_rules),
        &format!("cannot read rules file {missing_rules}: "),
    );
    // A folder where a file is expected cannot be read, even by root.
    let folder = tmp.path().display().to_string();
    assert_refused(&folder, None, &format!("cannot read inventory {folder}: "));
}

#[test]
fn a_snapshot_that_is_not_json_names_the_position() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("broken.json");
    std::fs::write(&path, "{\n  \"schema_version\": 1,\n  \"resources\": [,]\n}\n").unwrap();
    let path = path.display().to_string();
    assert_refused(&path, None, &format!("{path}:3:"));
}

/// (target, rule, needs_review) of an assignment.
fn decided(a: &serde_json::Value) -> (&str, &str, bool) {
    (
        a["target"].as_str().unwrap(),
        a["rule"].as_str().unwrap(),
        a["needs_review"].as_bool().unwrap(),
    )
}

/// Scans a seeded emulator account with the real binary, then classifies the snapshot.
#[tokio::test(flavor = "multi_thread")]
async fn scan_then_classify_a_seeded_account_places_each_resource_by_its_evidence() {
    let Some(moto) = crate::moto::start() else { return };
    moto.seed_ids(31);
    let seeded = crate::seed::seed_legacy_account(&moto.sdk_config().await).await;
    let tmp = tempfile::tempdir().unwrap();
    let inventory = tmp.path().join("inventory.json");
    let scan = run_acctsplit(
        &[
            "scan",
            "--out",
            inventory.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
            "-q",
        ],
        &moto.env(),
    );
    assert_eq!(scan.status.code(), Some(0), "{}", stderr_of(&scan));
    let out = out_dir(&tmp);
    let output = classify(inventory.to_str().unwrap(), None, &out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));

    // Units keep attached volumes and interfaces with their instance, VPCs stay whole, and
    // every cutover waits for its units, on the seeded account too.
    let typed_plan = acctsplit::model::read_plan(&out.join("plan.json")).unwrap();
    let typed_inventory = acctsplit::model::read_inventory(&inventory).unwrap();
    assert_eq!(
        acctsplit::classify::invariants::plan_problems(&typed_inventory, &typed_plan),
        Vec::<String>::new()
    );
    assert!(!typed_plan.units.is_empty() && !typed_plan.workloads.is_empty());

    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    let snapshot: serde_json::Value = serde_json::from_slice(&std::fs::read(&inventory).unwrap()).unwrap();
    let assignments = plan["assignments"].as_array().unwrap();
    assert_eq!(
        assignments.len(),
        snapshot["resources"].as_array().unwrap().len(),
        "one assignment per resource"
    );
    let by_arn = |arn: &str| {
        assignments
            .iter()
            .find(|a| a["arn"] == arn)
            .unwrap_or_else(|| panic!("no assignment for {arn}"))
    };
    let named = |name: &str, region: &str| {
        let hits: Vec<&serde_json::Value> = assignments
            .iter()
            .filter(|a| a["name"] == name && a["region"] == region)
            .collect();
        assert_eq!(hits.len(), 1, "{name} in {region}");
        hits[0]
    };

    // What AWS creates with a VPC (main route table, default network ACL) or in a region (the
    // default DHCP options) is decided without review.
    for r in snapshot["resources"].as_array().unwrap() {
        let attrs = &r["attributes"];
        let aws_made = match r["resource_type"].as_str().unwrap() {
            "ec2:route-table" => attrs["main"] == true,
            "ec2:network-acl" | "ec2:dhcp-options" => attrs["is_default"] == true,
            _ => false,
        };
        if aws_made {
            let a = by_arn(r["arn"].as_str().unwrap());
            assert_eq!(
                (a["rule"].as_str(), a["needs_review"].as_bool()),
                (Some("aws-default"), Some(false)),
                "{a}"
            );
        }
    }

    for region in ["us-east-1", "eu-west-1"] {
        // Tag `env=' Dev '`: key and value spacing and case do not matter.
        assert_eq!(decided(named("api-dev-01", region)), ("dev", "env-tag", false));
        // Tag `Stage=production` on a security group.
        assert_eq!(decided(named("web-prod-sg", region)), ("prod", "env-tag", false));
        assert_eq!(named("web-prod-01", region)["method"], "stay");
    }
    // The never-tagged instance in the dev subnet follows its subnet's VPC; the never-tagged
    // volume attached to it follows the instance.
    let untagged: Vec<&serde_json::Value> = assignments
        .iter()
        .filter(|a| a["resource_type"] == "ec2:instance" && a["name"].is_null())
        .collect();
    assert_eq!(untagged.len(), 2, "one never-tagged instance per region");
    for instance in &untagged {
        assert_eq!(decided(instance), ("dev", "follows", false), "{instance}");
        assert!(
            instance["reason"].as_str().unwrap().starts_with("follows VPC"),
            "{instance}"
        );
        let attached: Vec<&serde_json::Value> = assignments
            .iter()
            .filter(|a| {
                a["resource_type"] == "ec2:volume"
                    && a["reason"]
                        .as_str()
                        .unwrap()
                        .contains(instance["arn"].as_str().unwrap().rsplit('/').next().unwrap())
            })
            .collect();
        // Its root volume (created by RunInstances) and the scratch volume attached to it.
        assert_eq!(attached.len(), 2, "root and scratch volumes of {}", instance["arn"]);
        for volume in attached {
            assert_eq!(decided(volume), ("dev", "follows", false), "{volume}");
        }
    }

    // The CloudTrail bucket goes to log-archive by its policy, and the policy names the legacy
    // account, so it must be rewritten after the move.
    let trail_arn = format!("arn:aws:s3:::legacy-cloudtrail-logs-{}", seeded.account_id);
    assert_eq!(decided(by_arn(&trail_arn)), ("log-archive", "purpose", false));
    assert_eq!(by_arn(&trail_arn)["method"], "replicate");
    let edges = plan["cross_target"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .any(|e| e["from_arn"] == trail_arn.as_str() && e["kind"] == "policy-names-account"),
        "{edges:?}"
    );
    assert_eq!(
        decided(by_arn("arn:aws:s3:::legacy-eu-dev-uploads")),
        ("dev", "env-tag", false)
    );
    assert_eq!(
        decided(by_arn("arn:aws:s3:::legacy-eu-untagged-archive")),
        ("prod", "no-signal", true)
    );

    // us-east-1's prod VPC also holds dev security groups: a conflict that stays in prod.
    let east_vpc = named("prod-vpc", "us-east-1");
    assert_eq!(decided(east_vpc), ("prod", "conflict", true));
    assert!(east_vpc["reason"].as_str().unwrap().contains("dev"), "{east_vpc}");
    assert_eq!(decided(named("prod-vpc", "eu-west-1")), ("prod", "env-tag", false));
    // The default VPC moto creates in each region is AWS plumbing, not review work.
    let defaults = assignments.iter().filter(|a| a["rule"] == "aws-default").count();
    assert!(
        defaults >= 2,
        "expected the default VPCs to be recognised, got {defaults}"
    );
}
