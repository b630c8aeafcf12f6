//! `acctsplit costs` end to end: the real binary against moto's Cost Explorer, with queued
//! answers (one of them on two pages), plus the command-line contract (dry run, bad input,
//! spend guard, foreign manifest) and the audit of every operation sent.

use std::path::Path;

use serde_json::{Value, json};

use crate::moto::{Moto, run_acctsplit, stderr_of};

/// 2026-11-22T06:00:00Z: the window ends with November 2026.
const EPOCH: &str = "1795327200";

fn metrics(unblended: &str) -> Value {
    json!({
        "UnblendedCost": {"Amount": unblended, "Unit": "USD"},
        "BlendedCost": {"Amount": unblended, "Unit": "USD"},
        "UsageQuantity": {"Amount": "100", "Unit": "N/A"},
    })
}

fn period(start: &str, end: &str, total: Value, groups: Value, estimated: bool) -> Value {
    json!({
        "TimePeriod": {"Start": start, "End": end},
        "Total": total,
        "Groups": groups,
        "Estimated": estimated,
    })
}

fn group(service: &str, unblended: &str) -> Value {
    json!({"Keys": [service], "Metrics": metrics(unblended)})
}

/// Queues answers in the order the exporter sends its requests: monthly totals on two pages,
/// then the monthly SERVICE query. Later queries get moto's empty answer.
fn queue_results(moto: &Moto) {
    let body = json!({
        "results": [
            {
                "ResultsByTime": [
                    period("2026-09-01", "2026-10-01", metrics("100.50"), json!([]), false),
                    period("2026-10-01", "2026-11-01", metrics("120.25"), json!([]), false),
                ],
                "NextPageToken": "page-two",
            },
            {
                "ResultsByTime": [period("2026-11-01", "2026-12-01", metrics("80.00"), json!([]), true)],
            },
            {
                "ResultsByTime": [
                    period("2026-09-01", "2026-10-01", json!({}), json!([group("Amazon Simple Storage Service", "40.50"), group("AWS Lambda", "60.00")]), false),
                    period("2026-10-01", "2026-11-01", json!({}), json!([group("Amazon Simple Storage Service", "50.25"), group("AWS Lambda", "70.00")]), false),
                    period("2026-11-01", "2026-12-01", json!({}), json!([group("Amazon Simple Storage Service", "30.00"), group("AWS Lambda", "50.00")]), true),
                ],
            },
        ]
    });
    moto.request("POST", "/moto-api/static/ce/cost-and-usage-results", &body.to_string());
}

fn env_with(moto: &Moto, audit: &Path) -> Vec<(String, String)> {
    let mut env = moto.env();
    env.push(("ACCTSPLIT_AUDIT_LOG".into(), audit.display().to_string()));
    env.push(("SOURCE_DATE_EPOCH".into(), EPOCH.into()));
    env
}

/// Every audited line must be a read-only operation listed in the IAM policy.
fn audited_operations(audit: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(audit).unwrap_or_default();
    let ops: Vec<(String, String)> = text
        .lines()
        .map(|line| {
            let (service, operation) = line.split_once('\t').expect("Service\\tOperation");
            (service.to_owned(), operation.to_owned())
        })
        .collect();
    for (service, operation) in &ops {
        assert!(
            acctsplit::aws::policy::find(service, operation).is_some(),
            "{service} {operation} is not in aws::policy::ACTIONS"
        );
        assert!(acctsplit::aws::policy::is_read_only_operation(operation), "{operation}");
    }
    ops
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn costs_export_against_moto_follows_pages_writes_csvs_and_manifest_and_resumes() {
    let Some(moto) = crate::moto::start() else { return };
    queue_results(&moto);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("costs");
    let audit = dir.path().join("audit.log");
    let out_arg = out.display().to_string();
    let args = [
        "costs",
        "--out-dir",
        &out_arg,
        "--months",
        "3",
        "--daily-months",
        "0",
        "--tag-keys",
        "Environment",
        "--yes",
    ];
    let output = run_acctsplit(&args, &env_with(&moto, &audit));
    let stderr = stderr_of(&output);
    // moto answers HTTP 500 for the utilization calls: recorded as failed, run incomplete.
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Estimate: 10 requests, USD 0.10"), "{stderr}");

    let total = std::fs::read_to_string(out.join("monthly-total.csv")).unwrap();
    let lines: Vec<&str> = total.lines().collect();
    assert_eq!(
        lines[0],
        "granularity,period_start,period_end,group1_key,group1_value,group2_key,group2_value,metric,amount,unit,estimated"
    );
    assert_eq!(lines.len(), 1 + 3 * 3, "{total}");
    assert!(lines.contains(&"MONTHLY,2026-09-01,2026-10-01,,,,,UnblendedCost,100.50,USD,false"));
    assert!(
        lines.contains(&"MONTHLY,2026-11-01,2026-12-01,,,,,UnblendedCost,80.00,USD,true"),
        "{total}"
    );
    let service = std::fs::read_to_string(out.join("monthly-service.csv")).unwrap();
    assert!(service.contains("MONTHLY,2026-10-01,2026-11-01,SERVICE,AWS Lambda,,,UnblendedCost,70.00,USD,false"));

    let manifest = read_json(&out.join("manifest.json"));
    assert_eq!(manifest["account_id"], "123456789012");
    assert_eq!(manifest["window"]["monthly_start"], "2026-09-01");
    assert_eq!(manifest["window"]["monthly_end"], "2026-12-01");
    assert_eq!(manifest["generated_at"], "2026-11-22T06:00:00Z");
    assert_eq!(manifest["complete"], false);
    let files = manifest["files"].as_array().unwrap();
    let entry = |query: &str| files.iter().find(|f| f["query"] == query).cloned();
    let total_entry = entry("monthly-total").expect("monthly-total is complete");
    assert_eq!(total_entry["requests"], 2, "two pages");
    assert_eq!(total_entry["rows"], 9);
    let bytes = std::fs::read(out.join("monthly-total.csv")).unwrap();
    assert_eq!(total_entry["sha256"], acctsplit::costs::output::sha256_hex(&bytes));
    for query in [
        "monthly-service",
        "monthly-region",
        "monthly-tag-Environment",
        "monthly-service-region",
    ] {
        assert!(entry(query).is_some(), "{query} missing from {manifest:#}");
    }
    let failed: Vec<&str> = manifest["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["query"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        vec![
            "cost-allocation-tags",
            "reservation-utilization",
            "savings-plans-utilization"
        ]
    );
    // SERVICE adds up to the totals; REGION came back empty, so every period is a mismatch.
    let mismatches = manifest["mismatches"].as_array().unwrap();
    assert!(
        mismatches.iter().all(|m| m["query"] != "monthly-service"),
        "{mismatches:?}"
    );
    assert!(
        mismatches
            .iter()
            .any(|m| m["query"] == "monthly-region" && m["period_start"] == "2026-10-01" && m["total"] == 120.25),
        "{mismatches:?}"
    );
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["monthly_totals"][2]["month"], "2026-11");
    assert_eq!(summary["monthly_totals"][2]["estimated"], true);
    assert_eq!(summary["top_services"][0]["name"], "AWS Lambda");
    assert_eq!(summary["requests_sent"], manifest["requests_sent"]);
    assert!(out.join("cost-allocation-tags.csv").exists());

    let first_run = audited_operations(&audit);
    let cost_calls = first_run.iter().filter(|(_, op)| op == "GetCostAndUsage").count();
    assert_eq!(cost_calls, 2 + 7, "two pages of totals, seven other monthly queries");

    // A rerun resumes: no GetCostAndUsage for the completed queries, only the failed ones again.
    std::fs::remove_file(&audit).unwrap();
    let again = run_acctsplit(&args, &env_with(&moto, &audit));
    assert_eq!(again.status.code(), Some(1), "{}", stderr_of(&again));
    assert!(stderr_of(&again).contains("already complete, skipped"));
    let second_run = audited_operations(&audit);
    assert!(
        second_run.iter().all(|(_, op)| op != "GetCostAndUsage"),
        "{second_run:?}"
    );
    assert!(second_run.iter().any(|(_, op)| op == "GetReservationUtilization"));
    assert_eq!(std::fs::read(out.join("monthly-total.csv")).unwrap(), bytes);
}

#[test]
fn costs_spend_guard_stops_before_any_cost_query_and_writes_nothing() {
    let Some(moto) = crate::moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("costs");
    let audit = dir.path().join("audit.log");
    let out_arg = out.display().to_string();
    let output = run_acctsplit(
        &["costs", "--out-dir", &out_arg, "--max-requests", "5"],
        &env_with(&moto, &audit),
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("more than --max-requests 5"), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(!out.exists(), "nothing written, not even the folder");
    let ops = audited_operations(&audit);
    assert!(ops.iter().all(|(_, op)| op != "GetCostAndUsage"), "{ops:?}");
}

#[test]
fn costs_refuses_a_manifest_from_another_account_and_leaves_it_alone() {
    let Some(moto) = crate::moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("costs");
    std::fs::create_dir_all(&out).unwrap();
    let foreign = json!({
        "schema_version": 1, "tool_version": "0.1.0", "account_id": "999999999999",
        "window": {"monthly_start": "2025-10-01", "monthly_end": "2026-12-01", "daily_start": "", "daily_end": ""},
        "generated_at": "2026-11-01T00:00:00Z", "requests_sent": 3, "complete": true,
        "files": [], "failed": [], "mismatches": []
    })
    .to_string();
    std::fs::write(out.join("manifest.json"), &foreign).unwrap();
    let audit = dir.path().join("audit.log");
    let out_arg = out.display().to_string();
    let output = run_acctsplit(&["costs", "--out-dir", &out_arg, "--yes"], &env_with(&moto, &audit));
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("999999999999"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("manifest.json")).unwrap(), foreign);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    let ops = audited_operations(&audit);
    assert!(ops.iter().all(|(service, _)| service != "Cost Explorer"), "{ops:?}");
}

#[test]
fn costs_dry_run_prints_the_plan_and_needs_no_aws() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("costs");
    let out_arg = out.display().to_string();
    let output = run_acctsplit(
        &[
            "costs",
            "--out-dir",
            &out_arg,
            "--dry-run",
            "--tag-keys",
            "Environment,Project,CostCenter",
        ],
        &[("SOURCE_DATE_EPOCH".into(), EPOCH.into())],
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("monthly 2025-10-01 .. 2026-12-01"), "{stderr}");
    assert!(stderr.contains("Estimate: 21 requests, USD 0.21"), "{stderr}");
    assert!(stderr.contains("no Cost Explorer request sent"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn costs_bad_month_counts_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out_arg = dir.path().join("costs").display().to_string();
    let output = run_acctsplit(&["costs", "--out-dir", &out_arg, "--months", "39"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("--months 39 is out of range"),
        "{}",
        stderr_of(&output)
    );
    let output = run_acctsplit(&["costs", "--out-dir", &out_arg, "--daily-months", "15"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("--daily-months 15"),
        "{}",
        stderr_of(&output)
    );
    assert!(!dir.path().join("costs").exists());
}

#[test]
fn costs_unwritable_folder_exits_2() {
    let Some(moto) = crate::moto::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"keep").unwrap();
    let out_arg = file.display().to_string();
    let audit = dir.path().join("audit.log");
    let output = run_acctsplit(&["costs", "--out-dir", &out_arg, "--yes"], &env_with(&moto, &audit));
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("not a folder"), "{}", stderr_of(&output));
    assert_eq!(std::fs::read(&file).unwrap(), b"keep");
}

#[test]
fn costs_notes_when_the_account_already_runs_an_organization() {
    let Some(moto) = crate::moto::start() else { return };
    let config = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let config = moto.sdk_config().await;
        aws_sdk_organizations::Client::new(&config)
            .create_organization()
            .send()
            .await
            .expect("moto creates the organization");
        config
    });
    drop(config);
    let dir = tempfile::tempdir().unwrap();
    let out_arg = dir.path().join("costs").display().to_string();
    let audit = dir.path().join("audit.log");
    let output = run_acctsplit(
        &["costs", "--out-dir", &out_arg, "--max-requests", "1"],
        &env_with(&moto, &audit),
    );
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("management account of organization o-"), "{stderr}");
    let ops = audited_operations(&audit);
    assert!(ops.iter().any(|(_, op)| op == "DescribeOrganization"), "{ops:?}");
}
