//! Tests of the rendered runbook: insta snapshots of the Markdown and `tasks.csv` for the edge
//! cases and a realistic mixed account, plus properties every runbook must have (dependency
//! order, no external URL in the HTML, determinism, input checks).

use std::collections::BTreeSet;

use super::*;
use crate::blindspots::{BlindSpotReport, BlindSpotRow, Check, Status};
use crate::model::*;
use crate::testkit::build::{self, ResExt};

const GENERATED_AT: &str = "2025-11-20T10:00:00Z";
const ACCOUNT: &str = build::ACCOUNT_ID;

fn mixed() -> (Inventory, Plan, CostSummary) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runbook/mixed");
    (
        read_inventory(&Path::new(dir).join("inventory.json")).unwrap(),
        read_plan(&Path::new(dir).join("plan.json")).unwrap(),
        read_cost_summary(&Path::new(dir).join("costs")).unwrap(),
    )
}

fn inventory(org: Organization, resources: Vec<Resource>) -> Inventory {
    let mut inventory = build::inventory(resources);
    inventory.tool_version = "0.1.0".into();
    inventory.scanned_at = "2025-11-20T09:00:00Z".into();
    inventory.account.organization = org;
    inventory.coverage = vec![Coverage {
        service: "ec2".into(),
        region: "us-east-1".into(),
        status: CoverageStatus::Ok,
        detail: None,
        requests: 3,
    }];
    inventory
}

fn instance(id: &str, region: &str, tags: &[(&str, &str)]) -> Resource {
    let arn = format!("arn:aws:ec2:{region}:{ACCOUNT}:instance/{id}");
    tags.iter().fold(
        build::res(&arn, "ec2:instance").in_region(region),
        |r, (k, v)| match *k {
            "Name" => r.named(v),
            _ => r.tag(k, v),
        },
    )
}

const TARGETS: &[(&str, &str, bool)] = &[
    ("prod", "Workloads/Prod", true),
    ("dev", "Workloads/NonProd", false),
    ("shared", "Infrastructure", false),
    ("sandbox", "Sandbox", false),
    ("security", "Security", false),
    ("log-archive", "Security", false),
];

/// A plan with the default targets where every resource stays in prod.
fn plan_all_prod(inv: &Inventory, review: bool) -> Plan {
    let assignments: Vec<Assignment> = inv
        .resources
        .iter()
        .map(|r| Assignment {
            arn: Shared::from(&r.arn),
            resource_type: Shared::from(&r.resource_type),
            region: r.region.as_deref().map(Shared::from),
            name: r.name.as_deref().map(Shared::from),
            target: "prod".into(),
            needs_review: review,
            reason: if review {
                "No tag, name or relation says where it belongs".into()
            } else {
                "Tag Environment=prod means prod".into()
            },
            rule: if review { "no-signal".into() } else { "env-tag".into() },
            workload: None,
            unit: None,
            method: "stay".into(),
            method_notes: "".into(),
        })
        .collect();
    Plan {
        schema_version: PLAN_SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        account_id: inv.account.id.clone(),
        inventory_scanned_at: inv.scanned_at.clone(),
        targets: TARGETS
            .iter()
            .map(|(name, ou, stays)| TargetSummary {
                name: name.to_string(),
                ou: ou.to_string(),
                purpose: format!("{name} workloads"),
                stays_in_legacy: *stays,
                resources: if *stays { assignments.len() } else { 0 },
                needs_review: if *stays && review { assignments.len() } else { 0 },
            })
            .collect(),
        environment: EnvironmentConvention {
            tag_keys: vec!["env".into(), "environment".into()],
            synonyms: [("prod", "prod"), ("dev", "dev")]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        },
        review: if review {
            assignments
                .iter()
                .map(|a| ReviewItem {
                    arn: a.arn.clone(),
                    target: "prod".into(),
                    reason: a.reason.clone(),
                    decision: "Decide which account runs it, or tag it and classify again".into(),
                })
                .collect()
        } else {
            vec![]
        },
        assignments,
        workloads: vec![],
        units: vec![],
        landing_networks: vec![],
        cidr_overlaps: vec![],
        conflicts: vec![],
        cross_target: vec![],
    }
}

fn render_case(inv: &Inventory, plan: &Plan, costs: Option<&CostSummary>) -> Runbook {
    render_checked(inv, plan, costs, None)
}

fn render_checked(
    inv: &Inventory,
    plan: &Plan,
    costs: Option<&CostSummary>,
    blind_spots: Option<&BlindSpotReport>,
) -> Runbook {
    render(&RunbookInput {
        inventory: inv,
        plan,
        costs,
        blind_spots,
        generated_at: GENERATED_AT.into(),
    })
    .unwrap()
}

fn blind_row(service: &str, region: &str, usd: f64, status: Status) -> BlindSpotRow {
    BlindSpotRow {
        service: service.into(),
        region: region.into(),
        monthly_usd: usd,
        status,
        collector: if status == Status::AccountLevel {
            String::new()
        } else {
            "tagging".into()
        },
        detail: format!("{} in {region}", status.as_str()),
    }
}

/// A full check's report over `rows`, with the counts `reconcile` would give.
fn blind_spot_report(rows: Vec<BlindSpotRow>) -> BlindSpotReport {
    let mut report = BlindSpotReport::skipped("unused", 1.0);
    report.check = Check::Full;
    report.note = None;
    report.months = vec!["2025-08".into(), "2025-09".into(), "2025-10".into()];
    report.blind_spots = rows.iter().filter(|r| r.is_blind_spot(1.0)).count();
    report.blind_spot_usd = rows
        .iter()
        .filter(|r| r.is_blind_spot(1.0))
        .map(|r| r.monthly_usd)
        .sum();
    report.acknowledged = rows.iter().filter(|r| r.status == Status::Acknowledged).count();
    report.acknowledged_usd = rows
        .iter()
        .filter(|r| r.status == Status::Acknowledged)
        .map(|r| r.monthly_usd)
        .sum();
    report.rows = rows;
    report
}

#[test]
fn the_complete_claim_appears_only_when_coverage_and_spend_both_say_so() {
    let claim = super::completeness::COMPLETE_CLAIM;
    for (name, runbook) in cases() {
        let claims = runbook.markdown.contains(claim);
        assert_eq!(claims, name == "only_prod_checked_complete", "{name}");
    }
    let (inv, plan, costs) = mixed();
    let gaps = blind_spot_report(vec![blind_row(
        "Amazon SageMaker",
        "us-east-1",
        42.5,
        Status::TaggedOnly,
    )]);
    let runbook = render_checked(&inv, &plan, Some(&costs), Some(&gaps));
    assert!(!runbook.markdown.contains(claim));
    assert!(runbook.markdown.contains("Account for the spend the scan did not see"));
    assert!(runbook.markdown.contains("Amazon SageMaker in us-east-1"));
}

/// Every edge case, by name.
fn cases() -> Vec<(&'static str, Runbook)> {
    let (inv, plan, costs) = mixed();
    let mixed = render_case(&inv, &plan, Some(&costs));

    let empty_inv = inventory(Organization::standalone(), vec![]);
    let empty = render_case(&empty_inv, &plan_all_prod(&empty_inv, false), None);

    let member_inv = inventory(
        Organization {
            status: OrgStatus::Member,
            id: Some("o-abcdef1234".into()),
            management_account_id: Some("999988887777".into()),
            detail: None,
        },
        vec![instance("i-0000000000000000a", "us-east-1", &[("Environment", "prod")])],
    );
    let member = render_case(&member_inv, &plan_all_prod(&member_inv, false), None);

    let prod_inv = inventory(
        Organization::standalone(),
        vec![
            instance(
                "i-0000000000000000b",
                "us-east-1",
                &[("Name", "web-1"), ("env", "prod")],
            ),
            instance(
                "i-0000000000000000c",
                "eu-central-1",
                &[("Name", "web-2"), ("env", "prod")],
            ),
        ],
    );
    let only_prod = render_case(&prod_inv, &plan_all_prod(&prod_inv, false), None);

    let review_inv = inventory(
        Organization::standalone(),
        vec![
            instance("i-0000000000000000d", "us-east-1", &[]),
            instance("i-0000000000000000e", "us-east-1", &[("team", "data")]),
        ],
    );
    let review = render_case(&review_inv, &plan_all_prod(&review_inv, true), None);

    let with_gaps = blind_spot_report(vec![
        blind_row("Amazon SageMaker", "us-east-1", 42.5, Status::TaggedOnly),
        blind_row(
            "Amazon OpenSearch Service",
            "ap-southeast-2",
            12.0,
            Status::RegionNotScanned,
        ),
        blind_row("AWS Lambda", "us-east-1", 7.25, Status::Acknowledged),
        blind_row("Tax", "NoRegion", 30.0, Status::AccountLevel),
    ]);
    let mixed_blind = render_checked(&inv, &plan, Some(&costs), Some(&with_gaps));
    let clean = blind_spot_report(vec![blind_row("Tax", "NoRegion", 30.0, Status::AccountLevel)]);
    let prod_complete = render_checked(&prod_inv, &plan_all_prod(&prod_inv, false), Some(&costs), Some(&clean));

    vec![
        ("mixed", mixed),
        ("mixed_blind_spots", mixed_blind),
        ("only_prod_checked_complete", prod_complete),
        ("empty", empty),
        ("member", member),
        ("only_prod", only_prod),
        ("all_review", review),
    ]
}

#[test]
fn snapshots_of_markdown_and_tasks_csv() {
    for (name, runbook) in cases() {
        insta::assert_snapshot!(format!("{name}_runbook_md"), runbook.markdown);
        insta::assert_snapshot!(format!("{name}_tasks_csv"), runbook.tasks_csv);
    }
}

/// Parses `tasks.csv` back into (id, depends_on) rows.
fn task_rows(csv_text: &str) -> Vec<(String, Vec<String>)> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "id",
            "phase",
            "summary",
            "description",
            "owner",
            "target",
            "workload",
            "region",
            "depends_on"
        ]
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let deps = r[8].split(',').filter(|d| !d.is_empty()).map(str::to_string).collect();
            (r[0].to_string(), deps)
        })
        .collect()
}

#[test]
fn every_depends_on_refers_to_an_earlier_step() {
    for (name, runbook) in cases() {
        let rows = task_rows(&runbook.tasks_csv);
        assert_eq!(rows.len(), runbook.steps, "{name}");
        let mut seen = BTreeSet::new();
        for (id, deps) in &rows {
            for dep in deps {
                assert!(
                    seen.contains(dep),
                    "{name}: {id} depends on {dep}, which is not earlier"
                );
            }
            assert!(seen.insert(id.clone()), "{name}: duplicate step id {id}");
        }
    }
}

#[test]
fn every_step_has_an_owner_action_verification_and_rollback() {
    let (inv, plan, costs) = mixed();
    let input = RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    };
    let facts = facts::Facts::new(&input);
    let steps = steps::build(&facts);
    assert!(steps.len() > 20);
    let roles = [
        "cloud architect",
        "platform engineer",
        "network engineer",
        "security engineer",
        "finance",
        "application owner",
    ];
    for s in &steps {
        assert!(roles.contains(&s.owner.as_str()), "{}: owner {}", s.id, s.owner);
        for (field, text) in [
            ("summary", &s.summary),
            ("action", &s.action),
            ("verify", &s.verify),
            ("rollback", &s.rollback),
        ] {
            assert!(text.len() > 10, "{}: {field} is empty", s.id);
        }
    }
}

/// References that would make the HTML load something from elsewhere.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for needle in [
        "http://",
        "https://",
        "src=\"//",
        "href=\"//",
        "src='//",
        "href='//",
        "@import",
        "url(",
        "<script",
        "<link",
        "<img",
        "<iframe",
    ] {
        if lower.contains(needle) {
            found.push(needle.to_string());
        }
    }
    found
}

#[test]
fn html_references_no_external_url() {
    for (name, runbook) in cases() {
        assert_eq!(external_references(&runbook.html), Vec::<String>::new(), "{name}");
        assert!(runbook.html.starts_with("<!DOCTYPE html>"), "{name}");
        assert!(runbook.html.contains("<svg"), "{name}: no chart");
    }
}

#[test]
fn hostile_names_cannot_inject_markup_or_references() {
    let inv = inventory(
        Organization::standalone(),
        vec![instance(
            "i-0000000000000000f",
            "us-east-1",
            &[
                ("Name", "<script src=\"https://evil.example/x.js\"></script>|`x`"),
                ("env", "prod"),
            ],
        )],
    );
    let runbook = render_case(&inv, &plan_all_prod(&inv, false), None);
    let lower = runbook.html.to_lowercase();
    for needle in ["<script", "src=", "<img", "<link", "url("] {
        assert!(!lower.contains(needle), "{needle} leaked into the HTML");
    }
    // The only links are the page's own: the contents and the steps a step depends on.
    assert!(lower.contains("href=\"#"), "the page has no contents");
    for (i, _) in lower.match_indices("href=") {
        assert!(
            lower[i..].starts_with("href=\"#"),
            "a link leaves the page: {}",
            lower[i..].chars().take(60).collect::<String>()
        );
    }
    assert!(!runbook.markdown.contains("<script"));
}

#[test]
fn html_charts_say_so_when_there_is_no_cost_export() {
    let (_, empty) = cases().into_iter().find(|(n, _)| *n == "empty").unwrap();
    assert!(empty.html.contains("No cost export was given to this run"));
    let (_, mixed) = cases().into_iter().find(|(n, _)| *n == "mixed").unwrap();
    assert!(!mixed.html.contains("No cost export was given to this run"));
    // Three charts: resources, monthly history, estimate per account.
    assert_eq!(mixed.html.matches("<svg").count(), 3);
    assert!(mixed.html.contains("unattributed"));
}

#[test]
fn same_input_gives_identical_output_and_only_generated_at_varies() {
    let (inv, plan, costs) = mixed();
    let a = render_case(&inv, &plan, Some(&costs));
    let b = render_case(&inv, &plan, Some(&costs));
    assert_eq!(a, b);
    let later = render(&RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: "2030-01-01T00:00:00Z".into(),
    })
    .unwrap();
    assert_ne!(a.markdown, later.markdown);
    assert_eq!(a.markdown.replace(GENERATED_AT, "2030-01-01T00:00:00Z"), later.markdown);
    assert_eq!(a.tasks_csv, later.tasks_csv);
}

#[test]
fn sections_that_do_not_apply_say_so() {
    let all = cases();
    let get = |n: &str| &all.iter().find(|(name, _)| *name == n).unwrap().1;
    let mixed = get("mixed");
    assert!(mixed.markdown.contains("Nothing moves to sandbox."));
    assert!(mixed.markdown.contains("there is no organization to leave"));
    let only_prod = get("only_prod");
    assert!(only_prod.markdown.contains("Nothing moves to dev."));
    assert!(only_prod.markdown.contains("Nothing needs review"));
    assert!(only_prod.markdown.contains("No conflicts"));
    assert!(only_prod.markdown.contains("**This run did not save it.**"));
    assert!(!only_prod.tasks_csv.contains("MOVE-"));
    let member = get("member");
    assert!(
        member
            .markdown
            .contains("Take the legacy account out of its current organization")
    );
    assert!(member.markdown.contains("payment method"));
    assert!(member.markdown.contains("support plan"));
    assert!(member.markdown.contains("delegated administrator"));
    assert!(member.markdown.contains("`o-abcdef1234`"));
    assert!(!mixed.markdown.contains("Take the legacy account out"));
}

#[test]
fn the_mixed_runbook_covers_every_required_topic() {
    let (inv, plan, costs) = mixed();
    let rb = render_case(&inv, &plan, Some(&costs));
    let md = &rb.markdown;
    for needle in [
        "**This run already saved it:**",
        "48 hours",
        "Workloads/NonProd",
        "AWS Budgets rather than a CloudWatch billing alarm",
        "`Transitional`",
        "`DryRunOperation`",
        "simulate-principal-policy",
        "AWSReservedSSO_AdministratorAccess_*",
        "backfill",
        "23:59:59 UTC",
        "organization trail",
        "GuardDuty",
        "Security Hub",
        "delegated administrator",
        "expires after 15 days",
        "`OrganizationAccountAccessRole`",
        "cost allocation tags",
        "Savings Plans",
        "Nothing is charged twice",
        "aws/ebs",
        "Batch Replication",
        "Bucket names are global",
        "Elastic IP",
        "CIDR",
        "its policy names the legacy account",
        "Cut over dev/golden",
        "it snapshots every attached volume",
        "Set billing, operations and security contacts for every account",
        "EBS encryption by default",
        "Sign off the retention of the legacy logs",
        "procedure `transfer`",
        "Build the landing network of dev",
        "Delete the originals of dev from the legacy account, after verification and a backup",
        "IAM Identity Center",
    ] {
        assert!(md.contains(needle), "missing: {needle}");
    }
    // Nothing is lost: every unit appears exactly once, as a row of its workload's table or as
    // a step of its own, in the plan's order.
    let positions: Vec<usize> = plan
        .units
        .iter()
        .map(|u| {
            let row = format!("\n| MOVE-{} |", u.id);
            let step = format!("# MOVE-{}: ", u.id);
            let found: Vec<usize> = md
                .match_indices(&row)
                .chain(md.match_indices(&step))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(found.len(), 1, "unit {} appears {} times", u.id, found.len());
            found[0]
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    // Every review item and conflict exactly once in the Review section, conflicts not in the queue.
    let review = &md[md.find("## 8. Review").unwrap()..md.find("## Appendix").unwrap()];
    let conflicts_at = review.find("### Conflicts").unwrap();
    let input = RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    };
    let facts = super::facts::Facts::new(&input);
    for r in &plan.review {
        let label = facts.md_label(&r.arn);
        let is_conflict = plan.conflicts.iter().any(|c| c.arn == r.arn);
        let (inside, outside) = if is_conflict {
            (&review[conflicts_at..], &review[..conflicts_at])
        } else {
            (&review[..conflicts_at], &review[conflicts_at..])
        };
        assert_eq!(inside.matches(&label).count(), 1, "{label}");
        assert_eq!(outside.matches(&label).count(), 0, "{label}");
    }
    // Resources are named by name and id, never by ARN (ARN patterns in commands are fine).
    for r in &inv.resources {
        assert!(!md.contains(r.arn.as_str()), "{} is named by its ARN", r.arn);
    }
    // The region guard lists exactly the regions of the scanned resources.
    let (_, guard) = rb.scps.iter().find(|(f, _)| f == "restrict-regions.json").unwrap();
    let doc: serde_json::Value = serde_json::from_str(guard).unwrap();
    assert_eq!(
        doc["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"],
        serde_json::json!(["eu-west-1", "us-east-1"])
    );
    let words = md
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    assert_eq!(rb.words, words);
    assert!(rb.words > 3000 && rb.words < md.split_whitespace().count());
}

#[test]
fn incomplete_coverage_is_named_in_the_runbook() {
    let (mut inv, plan, costs) = mixed();
    inv.coverage.push(Coverage {
        service: "ec2".into(),
        region: "ap-south-1".into(),
        status: CoverageStatus::Denied,
        detail: Some("UnauthorizedOperation".into()),
        requests: 1,
    });
    let rb = render_case(&inv, &plan, Some(&costs));
    assert!(
        rb.markdown
            .contains("The scan could not see ec2 in ap-south-1: denied (UnauthorizedOperation)")
    );
    assert!(rb.markdown.contains("Scan again what the first scan could not see"));
}

#[test]
fn a_plan_for_another_account_is_refused() {
    let (inv, mut plan, costs) = mixed();
    plan.account_id = "444455556666".into();
    let err = render(&RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    })
    .unwrap_err();
    assert!(matches!(err, ReportError::AccountMismatch { .. }), "{err}");
    assert!(err.to_string().contains("444455556666"), "{err}");
}

#[test]
fn a_cost_export_for_another_account_is_refused() {
    let (inv, plan, mut costs) = mixed();
    costs.account_id = "444455556666".into();
    let err = render(&RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    })
    .unwrap_err();
    assert!(err.to_string().contains("cost summary"), "{err}");
}

#[test]
fn a_move_unit_that_depends_on_a_later_unit_is_refused() {
    let (inv, mut plan, costs) = mixed();
    plan.units[0].depends_on = vec![Dependency::Unit("dev/dev-api-1".into())];
    let err = render(&RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        // Each unit has its own step, the landing network of each region too.
        "the plan's move unit dev/network-eu-west-1 depends on MOVE-dev/dev-api-1, which comes after it: regenerate the plan"
    );
    plan.units[0].depends_on = vec![Dependency::Unit("nowhere".into())];
    let err = render(&RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    })
    .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[test]
fn readers_name_the_file_and_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    let err = read_inventory(&missing).unwrap_err();
    assert!(err.to_string().contains("missing.json"), "{err}");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let err = read_plan(&bad).unwrap_err();
    assert!(
        err.to_string().contains("bad.json") && err.to_string().contains("plan"),
        "{err}"
    );

    let future = dir.path().join("future.json");
    std::fs::write(&future, r#"{"schema_version": 7}"#).unwrap();
    let err = read_inventory(&future).unwrap_err();
    assert!(
        matches!(err, crate::model::ReadError::Schema { ref found, .. } if found == "7"),
        "{err}"
    );
    assert!(err.to_string().contains("future.json"), "{err}");

    let err = read_cost_summary(dir.path()).unwrap_err();
    assert!(err.to_string().contains("summary.json"), "{err}");
}

#[test]
fn write_runbook_writes_every_file() {
    let (inv, plan, costs) = mixed();
    let rb = render_case(&inv, &plan, Some(&costs));
    let dir = tempfile::tempdir().unwrap();
    write_runbook(&rb, &crate::layout::Layout::new(dir.path())).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("runbook.md")).unwrap(),
        rb.markdown
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("runbook.html")).unwrap(),
        rb.html
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("tasks.csv")).unwrap(),
        rb.tasks_csv
    );
    let mut scps: Vec<String> = std::fs::read_dir(dir.path().join("scp"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    scps.sort();
    assert_eq!(scps, rb.scps.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>());
}

#[test]
fn templates_compile_and_undefined_values_fail_loudly() {
    let mut env = environment().unwrap();
    for name in [
        "runbook.md.j2",
        "summary.md.j2",
        "body.md.j2",
        "step.md.j2",
        "runbook.html.j2",
    ] {
        assert!(env.get_template(name).is_ok(), "{name}");
    }
    env.add_template("probe.md.j2", "before {{ missing }} after").unwrap();
    let err = env
        .get_template("probe.md.j2")
        .unwrap()
        .render(minijinja::context! {})
        .unwrap_err();
    assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
}

#[test]
fn markdown_to_html_shows_raw_html_as_text() {
    let html = markdown_to_html("a <b>bold</b> claim\n\n<script>x()</script>\n");
    assert!(!html.contains("<b>") && !html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}

#[test]
fn markdown_to_html_keeps_only_links_within_the_page_and_loads_no_image() {
    let html = markdown_to_html(
        "[a](javascript:alert(1)) [b](JavaScript:x) [c](http://evil.invalid) [d](//evil.invalid) \
         [e](data:text/html,x) [f](#moves) [g](scp/restrict-regions.json) <javascript:y> <http://evil.invalid> \
         ![img](http://evil.invalid/p.png) [h](/etc/passwd)\n",
    );
    let lower = html.to_lowercase();
    // The URLs may survive as text; never as a link target or a source.
    for needle in [
        "href=\"javascript",
        "href=\"http",
        "href=\"//",
        "href=\"data",
        "href=\"/",
        "<img",
        "src=",
    ] {
        assert!(!lower.contains(needle), "{needle} in {html}");
    }
    assert!(html.contains("<a href=\"#moves\">f</a>"), "{html}");
    assert!(html.contains("<a href=\"scp/restrict-regions.json\">g</a>"), "{html}");
    for text in ["a", "b", "c", "d", "e", "h", "img"] {
        assert!(
            html.contains(&format!(" {text} "))
                || html.contains(&format!(">{text} "))
                || html.contains(&format!(" {text}<")),
            "{text}: {html}"
        );
    }
}

#[test]
fn is_local_link_accepts_anchors_and_relative_paths_only() {
    for url in ["#top", "tasks.csv", "scp/a.json", "./runbook.md", "a?b=c:d"] {
        assert!(is_local_link(url), "{url}");
    }
    for url in [
        "",
        "javascript:alert(1)",
        " javascript:x",
        "JAVASCRIPT:x",
        "http://a",
        "//a",
        "/abs",
        "\\\\host\\x",
        "data:x",
        "vbscript:x",
        "a b",
    ] {
        assert!(!is_local_link(url), "{url}");
    }
}

#[test]
fn management_and_unknown_organization_status_get_their_own_preflight_step() {
    let management = inventory(
        Organization {
            status: OrgStatus::Management,
            id: Some("o-mgmt000001".into()),
            management_account_id: Some(ACCOUNT.into()),
            detail: None,
        },
        vec![],
    );
    let md = render_case(&management, &plan_all_prod(&management, false), None).markdown;
    assert!(
        md.contains("Dissolve the organization the legacy account manages"),
        "{md}"
    );
    assert!(md.contains("SCPs never apply to a management account"));

    let unknown = inventory(
        Organization {
            status: OrgStatus::Unknown,
            id: None,
            management_account_id: None,
            detail: Some("AccessDeniedException".into()),
        },
        vec![],
    );
    let md = render_case(&unknown, &plan_all_prod(&unknown, false), None).markdown;
    assert!(md.contains("Find out whether the legacy account is in an organization"));
    assert!(md.contains("unknown: the scan could not read it (AccessDeniedException)"));
}

#[test]
fn the_export_step_reports_failed_queries_and_an_incomplete_export() {
    let (inv, plan, mut costs) = mixed();
    costs.failed.push(FailedQuery {
        query: "tags".into(),
        code: "InternalServerError".into(),
        detail: "HTTP 500".into(),
    });
    let md = render_case(&inv, &plan, Some(&costs)).markdown;
    assert!(
        md.contains("**This run already saved it:** 14 months (2024-10 to 2025-11)"),
        "{md}"
    );
    assert!(md.contains(
        "These queries failed or are not supported, so their figures are missing: `tags` (InternalServerError)."
    ));
    costs.complete = false;
    let md = render_case(&inv, &plan, Some(&costs)).markdown;
    assert!(md.contains("**This run saved part of it:**"));
    assert!(md.contains("failed queries `tags` (InternalServerError)"));
    assert!(md.contains("The Cost Explorer export is incomplete; finish it before joining."));
}

/// When the legacy account accepts the invitation it lands in the root, so every policy on the
/// root applies to production at that moment: the steps before the acceptance attach nothing
/// there but deny-leave (`FullAWSAccess` is AWS's default), no step ever attaches another
/// policy to the root or anything to the transitional OU, and every guardrail on a final OU
/// was attached to the policy staging OU by an earlier step.
#[test]
fn at_the_invitation_the_root_carries_only_deny_leave() {
    let (inv, plan, costs) = mixed();
    let input = RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    };
    let facts = super::facts::Facts::new(&input);
    let steps = super::steps::build(&facts);
    let accept = steps
        .iter()
        .position(|s| s.id == "JOIN-accept")
        .expect("an acceptance step");
    let on_root = |steps: &[super::steps::Step]| -> Vec<String> {
        steps
            .iter()
            .flat_map(|s| &s.attaches)
            .filter(|a| a.target == super::scp::ROOT)
            .map(|a| a.policy.clone())
            .collect()
    };
    assert_eq!(on_root(&steps[..=accept]), ["DenyLeaveOrganization"]);
    assert_eq!(on_root(&steps), ["DenyLeaveOrganization"]);
    let mut staged = BTreeSet::new();
    for step in &steps {
        for a in &step.attaches {
            assert_ne!(a.target, super::facts::TRANSITIONAL_OU, "{}", step.id);
            if a.target == super::facts::POLICY_STAGING_OU {
                staged.insert(a.policy.clone());
            } else if a.target != super::scp::ROOT {
                assert!(
                    staged.contains(&a.policy),
                    "{} attaches {} before staging it",
                    step.id,
                    a.policy
                );
            }
        }
    }
    // Every policy is attached somewhere, and the final OUs get the guardrails.
    let attached: BTreeSet<&str> = steps
        .iter()
        .flat_map(|s| &s.attaches)
        .map(|a| a.policy.as_str())
        .collect();
    assert_eq!(attached.len(), facts.scps.len());
    assert!(
        steps
            .iter()
            .flat_map(|s| &s.attaches)
            .any(|a| a.policy == "RestrictRegions" && a.target == "Workloads")
    );
    // The legacy account is in its final OU only after the guardrails are on that OU.
    let final_ou = steps.iter().position(|s| s.id == "JOIN-final-ou").unwrap();
    let guardrails = steps.iter().position(|s| s.id == "FND-guardrails").unwrap();
    assert!(guardrails < accept && accept < final_ou);
    assert!(steps::waits_for(&steps, "JOIN-final-ou", "FND-guardrails"));
}

/// `tasks.csv` has the tracker columns, descriptions within the limit that point at their step,
/// and `depends_on` lists of earlier ids, comma-separated.
#[test]
fn tasks_csv_rows_fit_a_tracker() {
    let (mut inv, plan, costs) = mixed();
    // A very long name makes some step long enough to be cut.
    let long = "x".repeat(3000);
    inv.resources[0].name = Some(long.clone());
    let rb = render_case(&inv, &plan, Some(&costs));
    let mut reader = csv::Reader::from_reader(rb.tasks_csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "phase",
            "summary",
            "description",
            "owner",
            "target",
            "workload",
            "region",
            "depends_on"
        ]
    );
    let mut seen = BTreeSet::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let id = record[0].to_string();
        let description = &record[3];
        assert!(
            description.chars().count() <= MAX_TASK_DESCRIPTION,
            "{id}: {} chars",
            description.chars().count()
        );
        assert!(description.ends_with(&format!("runbook.md, step {id}.")), "{id}");
        assert!(
            !description.contains('`') && !description.contains("**"),
            "{id}: not plain text"
        );
        for dep in record[8].split(',').filter(|d| !d.is_empty()) {
            assert!(seen.contains(dep), "{id} depends on {dep}, which is not earlier");
        }
        if id.starts_with("MOVE-") {
            assert!(!record[5].is_empty(), "{id} has no target");
        }
        seen.insert(id);
        rows += 1;
    }
    assert_eq!(rows, rb.steps);
    // A step longer than the limit is cut, and still points at the runbook.
    let mut step = steps::build(&super::facts::Facts::new(&RunbookInput {
        inventory: &inv,
        plan: &plan,
        costs: Some(&costs),
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    }))
    .remove(0);
    step.action = format!("`{long}`");
    let cut = task_description(&step, &steps::procedures());
    assert_eq!(cut.chars().count(), MAX_TASK_DESCRIPTION);
    assert!(cut.contains("x …") && cut.ends_with(&format!("runbook.md, step {}.", step.id)));
    // The action is cut, not the verification and rollback that come after it.
    let verify = super::text::plain(&step.verify);
    let rollback = super::text::plain(&step.rollback);
    assert!(
        cut.contains(&format!(
            "x …\n\nVerify: {verify}\n\nRoll back: {rollback}\n\nThe whole step"
        )),
        "{cut}"
    );
    // With a verification too long to keep whole, the text is cut at the end.
    step.action = "Do it.".into();
    step.verify = "y".repeat(3000);
    let cut = task_description(&step, &steps::procedures());
    assert_eq!(cut.chars().count(), MAX_TASK_DESCRIPTION);
    assert!(cut.starts_with("Do it.\n\nVerify: yyy"), "{cut}");
    assert!(cut.contains("y …") && !cut.contains("Roll back:"), "{cut}");
}

/// Nothing of the sample's plan is lost in its runbook, and nothing is said twice: every move
/// unit has one step, defined once (a heading, or a row of its workload's table); every
/// conflict and every review item has one row; every caveat that applies to a moving resource
/// is stated once.
#[test]
fn the_sample_runbook_states_every_unit_conflict_review_item_and_caveat_once() {
    let inventory = crate::sample::inventory().unwrap();
    let rules = crate::sample::rules().unwrap();
    let plan = crate::classify::classify(&inventory, &rules);
    let input = RunbookInput {
        inventory: &inventory,
        plan: &plan,
        costs: None,
        blind_spots: None,
        generated_at: GENERATED_AT.into(),
    };
    let md = render(&input).unwrap().markdown;
    let facts = facts::Facts::new(&input);
    let section = |title: &str| -> String {
        let start = md.find(title).unwrap_or_else(|| panic!("no section {title}"));
        let rest = &md[start + title.len()..];
        rest[..rest.find("\n#").unwrap_or(rest.len())].to_owned()
    };
    assert!(!plan.units.is_empty());
    for unit in &plan.units {
        let id = format!("MOVE-{}", unit.id);
        let (row, heading) = (format!("| {id} |"), format!(" {id}: "));
        let defined = md
            .lines()
            .filter(|l| l.starts_with(&row) || (l.starts_with('#') && l.contains(&heading)))
            .count();
        assert_eq!(defined, 1, "the step of unit {} is defined {defined} times", unit.id);
    }

    let conflicts = section("### Conflicts");
    let review = section("### Review queue");
    assert!(!plan.conflicts.is_empty() && !plan.review.is_empty());
    for c in &plan.conflicts {
        let label = facts.md_label(&c.arn);
        let rows = conflicts
            .lines()
            .filter(|l| l.starts_with(&format!("| {label} |")))
            .count();
        assert_eq!(rows, 1, "conflict {label}");
        assert!(!review.contains(&label), "conflict {label} is also in the review queue");
    }
    let conflicted: BTreeSet<&str> = plan.conflicts.iter().map(|c| c.arn.as_str()).collect();
    for r in plan.review.iter().filter(|r| !conflicted.contains(r.arn.as_str())) {
        let label = facts.md_label(&r.arn);
        assert_eq!(review.matches(&label).count(), 1, "review item {label}");
    }

    let mut caveats = 0;
    for a in plan.assignments.iter().filter(|a| a.unit.is_some()) {
        let resource = inventory.resources.iter().find(|r| r.arn == a.arn).unwrap();
        for caveat in caveats::applying(resource, |k| facts.resource(k)) {
            let line = format!("{}: {}", facts.md_label(&a.arn), caveat.text);
            assert_eq!(md.matches(&line).count(), 1, "caveat {} of {}", caveat.id, a.arn);
            caveats += 1;
        }
    }
    assert!(caveats > 0, "the sample has moving resources with caveats");

    // Each cutover waits for every unit step of its workload.
    let steps = steps::build(&facts);
    for w in plan.workloads.iter().filter(|w| !w.cutover_after.is_empty()) {
        let cutover = steps::cutover_step_id(&w.id);
        for unit in &w.units {
            let unit_step = steps::unit_step_id(unit);
            assert!(
                steps::waits_for(&steps, &cutover, &unit_step),
                "{cutover} does not wait for {unit_step}"
            );
        }
    }
}
