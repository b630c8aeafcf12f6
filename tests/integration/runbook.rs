//! `acctsplit runbook` as a user runs it: the real binary on fixture files, its exit code, the
//! files it writes, and the bad-input cases that must exit 2 and write nothing.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::moto::{run_acctsplit, stderr_of};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbook/mixed")
        .join(name)
}

fn runbook(inventory: &Path, plan: &Path, costs: Option<&Path>, out: &Path, env: &[(String, String)]) -> Output {
    let mut args = vec![
        "runbook".to_string(),
        "--inventory".into(),
        inventory.display().to_string(),
        "--plan".into(),
        plan.display().to_string(),
        "--out-dir".into(),
        out.display().to_string(),
    ];
    if let Some(costs) = costs {
        args.push("--costs".into());
        args.push(costs.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_acctsplit(&args, env)
}

fn pinned_clock() -> Vec<(String, String)> {
    vec![("SOURCE_DATE_EPOCH".into(), "1763632800".into())]
}

#[test]
fn runbook_writes_every_file_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = runbook(
        &fixture("inventory.json"),
        &fixture("plan.json"),
        Some(&fixture("costs")),
        &out,
        &pinned_clock(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    for file in [
        "runbook.md",
        "runbook.html",
        "tasks.csv",
        "dependencies.csv",
        "scp/deny-expensive-instances-sandbox.json",
        "scp/deny-leave-organization.json",
        "scp/protect-cloudtrail-config.json",
        "scp/restrict-regions.json",
    ] {
        let path = out.join(file);
        assert!(path.is_file(), "{file} missing");
        assert!(std::fs::metadata(&path).unwrap().len() > 100, "{file} is nearly empty");
    }
    let md = std::fs::read_to_string(out.join("runbook.md")).unwrap();
    assert!(md.starts_with("# Migration runbook for AWS account 111122223333 (acme-legacy)"));
    assert!(
        md.contains("Generated 2025-11-20T10:00:00Z"),
        "the pinned clock is the only timestamp"
    );
    assert!(md.contains("**This run already saved it:**"));
    let csv = std::fs::read_to_string(out.join("tasks.csv")).unwrap();
    assert!(csv.starts_with("id,phase,summary,description,owner,target,workload,region,depends_on\n"));
    let html = std::fs::read_to_string(out.join("runbook.html")).unwrap();
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert_eq!(html.matches("<svg").count(), 3);
    for (_, json) in std::fs::read_dir(out.join("scp")).unwrap().map(|e| {
        let p = e.unwrap().path();
        (p.clone(), std::fs::read_to_string(p).unwrap())
    }) {
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(doc["Version"], "2012-10-17");
    }
    // No temporary files are left behind by the atomic writes.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".acctsplit-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn runbook_is_byte_identical_for_the_same_input() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let output = runbook(
            &fixture("inventory.json"),
            &fixture("plan.json"),
            Some(&fixture("costs")),
            out,
            &pinned_clock(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    }
    for file in ["runbook.md", "runbook.html", "tasks.csv", "scp/restrict-regions.json"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file} differs between two runs"
        );
    }
}

#[test]
fn runbook_works_from_any_folder_because_templates_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(crate::moto::binary())
        .current_dir(dir.path())
        .env("SOURCE_DATE_EPOCH", "1763632800")
        .args(["runbook", "--inventory"])
        .arg(fixture("inventory.json"))
        .arg("--plan")
        .arg(fixture("plan.json"))
        .args(["--out-dir", "here"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let md = std::fs::read_to_string(dir.path().join("here/runbook.md")).unwrap();
    assert!(md.contains("**This run did not save it.**"));
    let html = std::fs::read_to_string(dir.path().join("here/runbook.html")).unwrap();
    assert!(html.contains("No cost export was given to this run"));
}

#[test]
fn incomplete_coverage_exits_1_and_still_writes_a_runbook_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut inventory: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("inventory.json")).unwrap()).unwrap();
    inventory["coverage"].as_array_mut().unwrap().push(serde_json::json!({
        "service": "tagging", "region": "ap-southeast-2", "status": "denied",
        "detail": "AccessDeniedException", "requests": 1
    }));
    let inv_path = dir.path().join("inventory.json");
    std::fs::write(&inv_path, serde_json::to_vec_pretty(&inventory).unwrap()).unwrap();
    let out = dir.path().join("out");
    let output = runbook(&inv_path, &fixture("plan.json"), None, &out, &pinned_clock());
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("tagging in ap-southeast-2"),
        "{}",
        stderr_of(&output)
    );
    let md = std::fs::read_to_string(out.join("runbook.md")).unwrap();
    assert!(md.contains("The scan could not see tagging in ap-southeast-2: denied (AccessDeniedException)"));
    assert!(out.join("tasks.csv").is_file() && out.join("runbook.html").is_file());
}

/// Runs a bad-input case; asserts exit 2, a message naming `names`, and nothing written.
fn assert_refused(inventory: &Path, plan: &Path, costs: Option<&Path>, names: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = runbook(inventory, plan, costs, &out, &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(names), "stderr does not name {names}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "one clear message: {stderr}");
    assert!(!out.exists(), "something was written for bad input");
}

#[test]
fn bad_inputs_exit_2_naming_the_file_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inv = fixture("inventory.json");
    let plan = fixture("plan.json");

    let missing = dir.path().join("no-such-inventory.json");
    assert_refused(&missing, &plan, None, "no-such-inventory.json");

    let broken = dir.path().join("broken-plan.json");
    std::fs::write(&broken, "{\"schema_version\": 1, ").unwrap();
    assert_refused(&inv, &broken, None, "broken-plan.json");

    let future = dir.path().join("future-inventory.json");
    let text = std::fs::read_to_string(&inv)
        .unwrap()
        .replacen("\"schema_version\": 1", "\"schema_version\": 99", 1);
    std::fs::write(&future, text).unwrap();
    assert_refused(
        &future,
        &plan,
        None,
        "future-inventory.json: inventory schema_version 99 is not supported",
    );

    let empty_costs = dir.path().join("costs-without-summary");
    std::fs::create_dir(&empty_costs).unwrap();
    assert_refused(&inv, &plan, Some(&empty_costs), "summary.json");

    let other = dir.path().join("other-plan.json");
    let text = std::fs::read_to_string(&plan).unwrap().replacen(
        "\"account_id\": \"111122223333\"",
        "\"account_id\": \"444455556666\"",
        1,
    );
    std::fs::write(&other, text).unwrap();
    assert_refused(&inv, &other, None, "444455556666");

    let swapped = dir.path().join("plan-given-as-inventory.json");
    std::fs::copy(&plan, &swapped).unwrap();
    assert_refused(&swapped, &plan, None, "plan-given-as-inventory.json");
}

#[test]
fn an_out_dir_that_is_a_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let output = runbook(&fixture("inventory.json"), &fixture("plan.json"), None, &blocker, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("not-a-folder"), "{}", stderr_of(&output));
    assert_eq!(std::fs::read(&blocker).unwrap(), b"x");
}

// ---- blind spots ----------------------------------------------------------------------------

const COST_HEADER: &str = "granularity,period_start,period_end,group1_key,group1_value,group2_key,group2_value,metric,amount,unit,estimated\n";

/// Three complete months (the fixture's window ends 2025-12-01, November estimated) of each
/// (service, region, USD a month), grouped by `keys` (`SERVICE,REGION`, `SERVICE,` or `REGION,`).
fn cost_csv(keys: (&str, &str), rows: &[(&str, &str, &str)]) -> String {
    let mut text = COST_HEADER.to_owned();
    for (start, end) in [
        ("2025-08-01", "2025-09-01"),
        ("2025-09-01", "2025-10-01"),
        ("2025-10-01", "2025-11-01"),
    ] {
        for (g1, g2, amount) in rows {
            text.push_str(&format!(
                "MONTHLY,{start},{end},{},\"{g1}\",{},{g2},UnblendedCost,{amount},USD,false\n",
                keys.0, keys.1
            ));
        }
    }
    text
}

/// A cost export folder: the fixture's summary plus the given CSVs.
fn cost_folder(dir: &Path, files: &[(&str, String)]) -> PathBuf {
    let costs = dir.join("costs");
    std::fs::create_dir_all(&costs).unwrap();
    std::fs::copy(fixture("costs/summary.json"), costs.join("summary.json")).unwrap();
    for (name, text) in files {
        std::fs::write(costs.join(name), text).unwrap();
    }
    costs
}

fn runbook_with(costs: &Path, out: &Path, extra: &[&str]) -> Output {
    let (inv, plan) = (fixture("inventory.json"), fixture("plan.json"));
    let mut args = vec![
        "runbook",
        "--inventory",
        inv.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--costs",
        costs.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run_acctsplit(&args, &pinned_clock())
}

fn service_region_export(dir: &Path) -> PathBuf {
    cost_folder(
        dir,
        &[(
            "monthly-service-region.csv",
            cost_csv(
                ("SERVICE", "REGION"),
                &[
                    ("Amazon Elastic Compute Cloud - Compute", "us-east-1", "300.00"),
                    ("Amazon SageMaker", "us-east-1", "30.00"),
                    ("Tax", "NoRegion", "25.00"),
                    ("AWS Lambda", "eu-west-1", "0.40"),
                ],
            ),
        )],
    )
}

#[test]
fn a_blind_spot_exits_1_with_its_spend_in_the_summary_and_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let costs = service_region_export(dir.path());
    let out = dir.path().join("out");
    let output = runbook_with(&costs, &out, &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("blind spots: 1 with USD 30.00 a month of spend the scan did not see"),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(out.join("blind-spots.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "service,region,monthly_usd,status,collector,detail");
    assert!(
        lines[1].starts_with("Amazon Elastic Compute Cloud - Compute,us-east-1,300.00,covered,ec2,"),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("Amazon SageMaker,us-east-1,30.00,tagged-only,tagging,"),
        "{csv}"
    );
    assert!(lines[3].starts_with("Tax,NoRegion,25.00,account-level,,"), "{csv}");
    assert!(
        lines[4].starts_with("AWS Lambda,eu-west-1,0.40,not-scanned,lambda,"),
        "below USD 1.00 it is listed but does not count: {csv}"
    );
    assert!(out.join("runbook.md").is_file());

    // A threshold above the spend: nothing counts.
    let out = dir.path().join("out-high");
    let output = runbook_with(&costs, &out, &["--blind-spot-min-usd", "50"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
}

#[test]
fn an_acknowledged_blind_spot_exits_0_and_an_unmatched_acknowledgement_warns() {
    let dir = tempfile::tempdir().unwrap();
    let costs = service_region_export(dir.path());
    let default = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/default.toml")).unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "{default}\n[[acknowledge]]\nservice = \"Amazon SageMaker\"\nreason = \"the data team recreates its notebook\"\n\n\
             [[acknowledge]]\nservice = \"Amazon Redshift\"\nreason = \"long gone\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = runbook_with(&costs, &out, &["--rules", rules.to_str().unwrap()]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the acknowledgement of Amazon Redshift matches no blind spot"),
        "{stderr}"
    );
    assert!(stderr.contains("rules.toml:"), "the warning names the line: {stderr}");
    assert!(
        stderr.contains("blind spots: none at or above USD 1.00 a month (1 acknowledged, USD 30.00 a month)"),
        "{stderr}"
    );
    let csv = std::fs::read_to_string(out.join("blind-spots.csv")).unwrap();
    assert!(
        csv.contains("Amazon SageMaker,us-east-1,30.00,acknowledged,tagging,the data team recreates its notebook (acknowledged in"),
        "{csv}"
    );
}

#[test]
fn a_malformed_cost_csv_exits_2_naming_the_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = cost_csv(("SERVICE", "REGION"), &[("AWS Lambda", "us-east-1", "3.00")]);
    text = text.replacen(",3.00,", ",three dollars,", 1);
    let costs = cost_folder(dir.path(), &[("monthly-service-region.csv", text)]);
    let out = dir.path().join("out");
    let output = runbook_with(&costs, &out, &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("monthly-service-region.csv: line 2: amount 'three dollars' is not a number"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written for bad input");

    let broken = format!("{COST_HEADER}MONTHLY,2025-08-01\n");
    let costs = cost_folder(&dir.path().join("b"), &[("monthly-service-region.csv", broken)]);
    let output = runbook_with(&costs, &out, &[]);
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("monthly-service-region.csv: line 2"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn an_older_export_falls_back_to_a_weak_check_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let costs = cost_folder(
        dir.path(),
        &[
            (
                "monthly-service.csv",
                cost_csv(
                    ("SERVICE", ""),
                    &[
                        ("Amazon Elastic Compute Cloud - Compute", "", "300.00"),
                        ("Tax", "", "25.00"),
                    ],
                ),
            ),
            (
                "monthly-region.csv",
                cost_csv(
                    ("REGION", ""),
                    &[
                        ("us-east-1", "", "300.00"),
                        ("ap-southeast-2", "", "12.00"),
                        ("NoRegion", "", "25.00"),
                    ],
                ),
            ),
        ],
    );
    let out = dir.path().join("out");
    let output = runbook_with(&costs, &out, &[]);
    let stderr = stderr_of(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "ap-southeast-2 was not scanned: {stderr}"
    );
    assert!(stderr.contains("weak check"), "{stderr}");
    let csv = std::fs::read_to_string(out.join("blind-spots.csv")).unwrap();
    assert!(csv.contains("*,ap-southeast-2,12.00,region-not-scanned,,"), "{csv}");
    assert!(
        csv.contains("Amazon Elastic Compute Cloud - Compute,*,300.00,covered,ec2,"),
        "{csv}"
    );
    for line in csv.lines().skip(1) {
        assert!(
            line.contains("weak check: this older export has no monthly-service-region.csv"),
            "{line}"
        );
    }
}

#[test]
fn without_a_cost_export_no_blind_spot_file_is_written_and_the_run_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = runbook(
        &fixture("inventory.json"),
        &fixture("plan.json"),
        None,
        &out,
        &pinned_clock(),
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("completeness not checked against spend: no cost export was given (--costs)"),
        "{stderr}"
    );
    assert!(!out.join("blind-spots.csv").exists());
}

#[test]
fn a_negative_blind_spot_threshold_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let costs = service_region_export(dir.path());
    let out = dir.path().join("out");
    let output = runbook_with(&costs, &out, &["--blind-spot-min-usd=-1"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("--blind-spot-min-usd"),
        "{}",
        stderr_of(&output)
    );
    assert!(!out.exists());
}
