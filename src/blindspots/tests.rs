//! One test per status, the threshold, acknowledgements, the months averaged and the weak
//! check, on real Cost Explorer service names.

use super::*;
use crate::costs::output::CostRow;
use crate::model::{CostSummary, Coverage, MonthAmount};
use crate::testkit::build::{self, ResExt};

const EC2: CollectorFacts = CollectorFacts {
    name: "ec2",
    global: false,
    billed_as: &[
        "Amazon Elastic Compute Cloud - Compute",
        "EC2 - Other",
        "Amazon Virtual Private Cloud",
    ],
};
const S3: CollectorFacts = CollectorFacts {
    name: "s3",
    global: false,
    billed_as: &["Amazon Simple Storage Service"],
};
const TAGGING_FACTS: CollectorFacts = CollectorFacts {
    name: "tagging",
    global: false,
    billed_as: &[],
};
const COLLECTORS: [CollectorFacts; 3] = [EC2, S3, TAGGING_FACTS];

fn coverage(service: &str, region: &str, status: CoverageStatus) -> Coverage {
    Coverage {
        service: service.into(),
        region: region.into(),
        status,
        detail: None,
        requests: 1,
    }
}

/// us-east-1 and eu-west-1 scanned by ec2, s3 and tagging; one instance in us-east-1, one
/// bucket in eu-west-1, one tagged Lambda function in us-east-1.
fn inventory() -> Inventory {
    let mut inv = build::inventory(vec![
        build::res("arn:aws:ec2:us-east-1:111122223333:instance/i-1", "ec2:instance"),
        build::bucket("media").attr("location", "eu-west-1"),
        build::res("arn:aws:lambda:us-east-1:111122223333:function:f", "lambda:function"),
    ]);
    inv.regions = vec!["eu-west-1".into(), "us-east-1".into()];
    for service in ["ec2", "s3", "tagging"] {
        for region in ["eu-west-1", "us-east-1"] {
            inv.coverage.push(coverage(service, region, CoverageStatus::Ok));
        }
    }
    inv.normalize();
    inv
}

fn spend(rows: &[(&str, &str, f64)]) -> Spend {
    Spend {
        check: Check::Full,
        note: None,
        months: vec!["2026-08".into(), "2026-09".into(), "2026-10".into()],
        rows: rows
            .iter()
            .map(|(service, region, usd)| SpendRow {
                service: (*service).into(),
                region: (*region).into(),
                monthly_usd: *usd,
            })
            .collect(),
    }
}

fn one(inv: &Inventory, service: &str, region: &str) -> BlindSpotRow {
    let report = reconcile(inv, &spend(&[(service, region, 50.0)]), &COLLECTORS, &[], 1.0);
    assert_eq!(report.rows.len(), 1, "{report:?}");
    report.rows[0].clone()
}

#[test]
fn a_collector_that_found_resources_covers_the_spend() {
    let row = one(&inventory(), "Amazon Elastic Compute Cloud - Compute", "us-east-1");
    assert_eq!(row.status, Status::Covered);
    assert_eq!(row.collector, "ec2");
    assert_eq!(row.detail, "1 ec2 resource found in us-east-1");
    let vpc = one(&inventory(), "Amazon Virtual Private Cloud", "us-east-1");
    assert_eq!(vpc.status, Status::Covered, "VPC spend is read by the EC2 collector");
}

#[test]
fn a_bucket_counts_in_its_location() {
    let row = one(&inventory(), "Amazon Simple Storage Service", "eu-west-1");
    assert_eq!(row.status, Status::Covered, "{row:?}");
    let row = one(&inventory(), "Amazon Simple Storage Service", "us-east-1");
    assert_eq!(row.status, Status::NothingFound, "{row:?}");
}

#[test]
fn a_collector_that_found_nothing_where_the_account_pays_is_nothing_found() {
    let row = one(&inventory(), "EC2 - Other", "eu-west-1");
    assert_eq!(row.status, Status::NothingFound);
    assert_eq!(row.collector, "ec2");
    assert!(row.detail.contains("found nothing"), "{}", row.detail);
}

#[test]
fn unused_reservations_are_explained_where_they_are_billed() {
    let row = one(&inventory(), "Amazon Elastic Compute Cloud - Compute", "eu-west-1");
    assert_eq!(row.status, Status::NothingFound);
    assert!(row.detail.contains("unused reservation"), "{}", row.detail);
    let rds = one(&inventory(), "Amazon Relational Database Service", "us-east-1");
    assert!(rds.detail.contains("unused reservation"), "{}", rds.detail);
}

#[test]
fn a_service_without_a_collector_is_tagged_only_with_what_tagging_found() {
    let row = one(&inventory(), "AWS Lambda", "us-east-1");
    assert_eq!(row.status, Status::TaggedOnly);
    assert_eq!(row.collector, "tagging");
    assert!(row.detail.contains("it found 1 in us-east-1"), "{}", row.detail);
    let logs = one(&inventory(), "AmazonCloudWatch", "us-east-1");
    assert_eq!(logs.status, Status::TaggedOnly);
    assert!(logs.detail.contains("logs/cloudwatch"), "{}", logs.detail);
    assert!(logs.detail.contains("it found 0"), "{}", logs.detail);
}

#[test]
fn an_unknown_service_name_is_not_scanned_never_ignored() {
    let row = one(&inventory(), "Amazon Quantum Widgets", "us-east-1");
    assert_eq!(row.status, Status::NotScanned);
    assert_eq!(row.collector, "");
    assert!(row.detail.contains("does not know"), "{}", row.detail);
}

#[test]
fn a_service_the_tagging_api_cannot_list_is_not_scanned() {
    let row = one(&inventory(), "Amazon SimpleDB", "us-east-1");
    assert_eq!(row.status, Status::NotScanned);
    assert!(row.detail.contains("Tagging API does not list"), "{}", row.detail);
}

#[test]
fn a_region_with_spend_outside_the_scan_is_region_not_scanned() {
    let row = one(&inventory(), "Amazon Elastic Compute Cloud - Compute", "ap-southeast-2");
    assert_eq!(row.status, Status::RegionNotScanned);
    assert!(row.detail.contains("ap-southeast-2"), "{}", row.detail);
}

#[test]
fn account_level_charges_are_never_blind_spots() {
    for (service, region) in [
        ("Tax", "NoRegion"),
        ("AWS Data Transfer", "us-east-1"),
        ("Savings Plans for AWS Compute usage", "global"),
        ("AWS Support (Business)", "NoRegion"),
        ("AWS Data Transfer", "ap-southeast-2"),
    ] {
        let row = one(&inventory(), service, region);
        assert_eq!(row.status, Status::AccountLevel, "{service} in {region}");
        assert!(!row.is_blind_spot(0.0));
    }
}

#[test]
fn denied_and_failed_collectors_say_so() {
    let mut inv = inventory();
    for c in &mut inv.coverage {
        if c.service == "ec2" && c.region == "eu-west-1" {
            c.status = CoverageStatus::Denied;
        }
        if c.service == "tagging" && c.region == "us-east-1" {
            c.status = CoverageStatus::Failed;
        }
    }
    let row = one(&inv, "EC2 - Other", "eu-west-1");
    assert_eq!(row.status, Status::Denied);
    assert!(row.detail.contains("denied in eu-west-1"), "{}", row.detail);
    let row = one(&inv, "AWS Lambda", "us-east-1");
    assert_eq!(row.status, Status::Failed);
    assert!(row.detail.contains("Tagging API failed"), "{}", row.detail);
}

#[test]
fn global_spend_of_a_global_service_is_read_where_tagging_lists_it() {
    let mut inv = inventory();
    inv.resources
        .push(build::res("arn:aws:route53:::hostedzone/Z1", "route53:hostedzone").global());
    inv.normalize();
    let row = one(&inv, "Amazon Route 53", "global");
    assert_eq!(row.status, Status::TaggedOnly);
    assert!(
        row.detail.contains("it found 1 among global resources"),
        "{}",
        row.detail
    );
}

#[test]
fn acknowledged_blind_spots_keep_their_row_and_reason_but_do_not_count() {
    let ack = Acknowledgement {
        service: "Amazon SageMaker".into(),
        region: None,
        reason: "the ML team moves its notebooks by hand".into(),
        origin: "rules.toml:40".into(),
    };
    let stale = Acknowledgement {
        service: "Amazon Redshift".into(),
        region: Some("us-east-1".into()),
        reason: "gone".into(),
        origin: "rules.toml:45".into(),
    };
    let spend = spend(&[
        ("Amazon SageMaker", "us-east-1", 30.0),
        ("Amazon SageMaker", "eu-west-1", 10.0),
        ("AWS Lambda", "us-east-1", 5.0),
    ]);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[ack, stale], 1.0);
    let sagemaker: Vec<&BlindSpotRow> = report.rows.iter().filter(|r| r.service == "Amazon SageMaker").collect();
    assert_eq!(sagemaker.len(), 2);
    for row in sagemaker {
        assert_eq!(row.status, Status::Acknowledged);
        assert!(
            row.detail.starts_with(
                "the ML team moves its notebooks by hand (acknowledged in rules.toml:40; the check said tagged-only"
            ),
            "{}",
            row.detail
        );
    }
    assert_eq!(report.blind_spots, 1, "only Lambda counts");
    assert_eq!(report.blind_spot_usd, 5.0);
    assert_eq!(report.acknowledged, 2);
    assert_eq!(report.acknowledged_usd, 40.0);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0]
            .starts_with("rules.toml:45: the acknowledgement of Amazon Redshift in us-east-1 matches no blind spot")
    );
}

#[test]
fn an_acknowledgement_of_a_covered_service_matches_nothing() {
    let ack = Acknowledgement {
        service: "amazon elastic compute cloud - compute".into(),
        region: None,
        reason: "r".into(),
        origin: "x:1".into(),
    };
    let spend = spend(&[("Amazon Elastic Compute Cloud - Compute", "us-east-1", 30.0)]);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[ack], 1.0);
    assert_eq!(report.rows[0].status, Status::Covered);
    assert_eq!(report.warnings.len(), 1);
}

#[test]
fn the_threshold_decides_what_counts_and_rows_below_it_stay() {
    let spend = spend(&[
        ("Amazon SageMaker", "us-east-1", 0.99),
        ("AWS Lambda", "us-east-1", 1.00),
        ("Amazon Quantum Widgets", "us-east-1", 250.0),
    ]);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], DEFAULT_MIN_USD);
    assert_eq!(report.rows.len(), 3, "every row is written, under the threshold too");
    assert_eq!(report.blind_spots, 2, "at or above USD 1.00");
    assert_eq!(report.blind_spot_usd, 251.0);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], 0.0);
    assert_eq!(report.blind_spots, 3);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], 1000.0);
    assert_eq!(report.blind_spots, 0);
    assert!(
        report
            .summary_line()
            .starts_with("blind spots: none at or above USD 1000.00")
    );
}

#[test]
fn rows_are_sorted_by_spend_then_service_then_region() {
    let spend = spend(&[
        ("AWS Lambda", "us-east-1", 5.0),
        ("Tax", "NoRegion", 40.0),
        ("AmazonCloudWatch", "us-east-1", 5.0),
        ("AmazonCloudWatch", "eu-west-1", 5.0),
    ]);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], 1.0);
    let order: Vec<(&str, &str)> = report
        .rows
        .iter()
        .map(|r| (r.service.as_str(), r.region.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("Tax", "NoRegion"),
            ("AWS Lambda", "us-east-1"),
            ("AmazonCloudWatch", "eu-west-1"),
            ("AmazonCloudWatch", "us-east-1")
        ]
    );
    assert!(
        report
            .summary_line()
            .starts_with("blind spots: 3 with USD 15.00 a month")
    );
}

#[test]
fn csv_has_the_issue_columns_and_two_decimals() {
    let spend = spend(&[("Amazon SageMaker", "us-east-1", 12.3456), ("Tax", "NoRegion", 3.0)]);
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], 1.0);
    let text = String::from_utf8(to_csv(&report)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "service,region,monthly_usd,status,collector,detail");
    assert!(
        lines[1].starts_with("Amazon SageMaker,us-east-1,12.35,tagged-only,tagging,"),
        "{text}"
    );
    assert!(lines[2].starts_with("Tax,NoRegion,3.00,account-level,,"), "{text}");
}

// ---- spend ---------------------------------------------------------------------------------

fn cost_row(period: &str, service: &str, region: &str, amount: &str, estimated: bool) -> CostRow {
    let end = match period {
        "2026-08-01" => "2026-09-01",
        "2026-09-01" => "2026-10-01",
        "2026-10-01" => "2026-11-01",
        "2026-11-01" => "2026-12-01",
        _ => "2026-08-01",
    };
    CostRow {
        granularity: "MONTHLY".into(),
        period_start: period.into(),
        period_end: end.into(),
        group1_key: "SERVICE".into(),
        group1_value: service.into(),
        group2_key: "REGION".into(),
        group2_value: region.into(),
        metric: "UnblendedCost".into(),
        amount: amount.into(),
        unit: "USD".into(),
        estimated,
    }
}

fn summary(months: &[(&str, bool)], window_end: &str) -> CostSummary {
    CostSummary {
        schema_version: 1,
        account_id: "111122223333".into(),
        window_start: "2026-07-01".into(),
        window_end: window_end.into(),
        generated_at: "t".into(),
        currency: "USD".into(),
        requests_sent: 1,
        complete: true,
        monthly_totals: months
            .iter()
            .map(|(month, estimated)| MonthAmount {
                month: (*month).into(),
                amount: 1.0,
                estimated: *estimated,
            })
            .collect(),
        top_services: vec![],
        tag_monthly: vec![],
        mismatches: vec![],
        failed: vec![],
    }
}

#[test]
fn spend_is_the_average_of_the_last_three_complete_months() {
    let rows = vec![
        cost_row("2026-07-01", "AWS Lambda", "us-east-1", "1000", false),
        cost_row("2026-08-01", "AWS Lambda", "us-east-1", "10", false),
        cost_row("2026-09-01", "AWS Lambda", "us-east-1", "20", false),
        cost_row("2026-10-01", "AWS Lambda", "us-east-1", "30", false),
        cost_row("2026-11-01", "AWS Lambda", "us-east-1", "999", true),
        cost_row("2026-09-01", "Tax", "NoRegion", "6", false),
    ];
    let s = summary(
        &[
            ("2026-07", false),
            ("2026-08", false),
            ("2026-09", false),
            ("2026-10", false),
            ("2026-11", true),
        ],
        "2026-12-01",
    );
    let spend = spend_from_rows(Check::Full, &[("f.csv", &rows, ["SERVICE", "REGION"])], &s).unwrap();
    assert_eq!(spend.months, ["2026-08", "2026-09", "2026-10"]);
    assert_eq!(spend.note, None);
    assert_eq!(
        spend.rows,
        vec![
            SpendRow {
                service: "AWS Lambda".into(),
                region: "us-east-1".into(),
                monthly_usd: 20.0
            },
            SpendRow {
                service: "Tax".into(),
                region: "NoRegion".into(),
                monthly_usd: 2.0
            },
        ],
        "a month without a row counts as zero"
    );
}

#[test]
fn fewer_complete_months_are_averaged_and_said() {
    let rows = vec![
        cost_row("2026-10-01", "AWS Lambda", "us-east-1", "30", false),
        cost_row("2026-11-01", "AWS Lambda", "us-east-1", "999", true),
    ];
    let s = summary(&[("2026-10", false), ("2026-11", true)], "2026-12-01");
    let spend = spend_from_rows(Check::Full, &[("f.csv", &rows, ["SERVICE", "REGION"])], &s).unwrap();
    assert_eq!(spend.months, ["2026-10"]);
    assert_eq!(spend.rows[0].monthly_usd, 30.0);
    let note = spend.note.clone().unwrap();
    assert_eq!(note, "averaged over 1 complete month (2026-10), fewer than 3");
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], 1.0);
    assert!(report.rows[0].detail.ends_with(&note), "{}", report.rows[0].detail);
}

#[test]
fn months_after_the_window_end_are_not_complete() {
    let rows = vec![
        cost_row("2026-09-01", "AWS Lambda", "us-east-1", "30", false),
        cost_row("2026-10-01", "AWS Lambda", "us-east-1", "60", false),
    ];
    let s = summary(&[("2026-09", false)], "2026-10-01");
    let spend = spend_from_rows(Check::Full, &[("f.csv", &rows, ["SERVICE", "REGION"])], &s).unwrap();
    assert_eq!(spend.months, ["2026-09"]);
}

#[test]
fn a_bad_amount_or_group_names_the_file_and_line() {
    let s = summary(&[], "2026-12-01");
    let mut rows = vec![
        cost_row("2026-09-01", "AWS Lambda", "us-east-1", "1", false),
        cost_row("2026-09-01", "AWS Lambda", "eu-west-1", "abc", false),
    ];
    let err = spend_from_rows(Check::Full, &[("costs/x.csv", &rows, ["SERVICE", "REGION"])], &s).unwrap_err();
    assert_eq!(err.to_string(), "costs/x.csv: line 3: amount 'abc' is not a number");
    rows[1].amount = "2".into();
    rows[1].group2_key = "USAGE_TYPE".into();
    let err = spend_from_rows(Check::Full, &[("costs/x.csv", &rows, ["SERVICE", "REGION"])], &s).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("costs/x.csv: line 3: groups SERVICE + USAGE_TYPE"),
        "{err}"
    );
}

#[test]
fn the_weak_check_reads_services_and_regions_apart_and_says_so() {
    let mut service_rows = vec![
        cost_row("2026-10-01", "AWS Lambda", "", "30", false),
        cost_row("2026-10-01", "Amazon Elastic Compute Cloud - Compute", "", "90", false),
    ];
    for r in &mut service_rows {
        r.group2_key.clear();
    }
    let mut region_rows = vec![
        cost_row("2026-10-01", "us-east-1", "", "100", false),
        cost_row("2026-10-01", "ap-southeast-2", "", "20", false),
        cost_row("2026-10-01", "NoRegion", "", "2", false),
    ];
    for r in &mut region_rows {
        r.group1_key = "REGION".into();
        r.group2_key.clear();
    }
    let s = summary(
        &[("2026-08", false), ("2026-09", false), ("2026-10", false)],
        "2026-11-01",
    );
    let spend = spend_from_rows(
        Check::Weak,
        &[
            ("s.csv", &service_rows, ["SERVICE", ""]),
            ("r.csv", &region_rows, ["REGION", ""]),
        ],
        &s,
    )
    .unwrap();
    let report = reconcile(&inventory(), &spend, &COLLECTORS, &[], 1.0);
    assert_eq!(report.check, Check::Weak);
    let rows: Vec<(&str, &str, Status)> = report
        .rows
        .iter()
        .map(|r| (r.service.as_str(), r.region.as_str(), r.status))
        .collect();
    assert_eq!(
        rows,
        [
            ("Amazon Elastic Compute Cloud - Compute", "*", Status::Covered),
            ("AWS Lambda", "*", Status::TaggedOnly),
            ("*", "ap-southeast-2", Status::RegionNotScanned),
        ]
    );
    assert!(report.rows.iter().all(|r| r.detail.contains("weak check")));
    assert!(
        report.summary_line().contains("weak check"),
        "{}",
        report.summary_line()
    );
}

#[test]
fn a_skipped_check_counts_nothing_and_says_why() {
    let report = BlindSpotReport::skipped("no cost export was given", 1.0);
    assert_eq!(report.blind_spots, 0);
    assert_eq!(
        report.summary_line(),
        "completeness not checked against spend: no cost export was given"
    );
}
