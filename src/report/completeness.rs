//! Whether the runbook may say the scan is complete, and the words for each case, in one place.
//! The scan can only be called complete when every coverage row is `ok` and the cost history
//! shows no spend the scan did not account for, acknowledged blind spots included: an
//! acknowledgement accepts a gap, it does not close it.

use crate::blindspots::{BlindSpotReport, BlindSpotRow, Check, Status};
use crate::model::Inventory;

use super::text::{md_text, money, plural};

/// The only sentence that claims a complete scan.
pub const COMPLETE_CLAIM: &str = "The scan saw every service and region it tried, and the cost history shows no spend \
     it did not account for, so nothing needs scanning again.";

/// What can be said about the scan's completeness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Completeness<'a> {
    /// Every coverage row is ok, and a full spend check found no gap of any size.
    Complete,
    /// A denied or failed coverage row: the summary's risks and a rescan step name them.
    CoverageGaps,
    /// Spend the scan did not account for (blind spots, or acknowledged ones).
    Gaps(&'a BlindSpotReport),
    /// The spend check was not made, or only the weak one: the reason.
    Unchecked(&'a str),
}

pub fn of<'a>(inventory: &Inventory, blind: Option<&'a BlindSpotReport>) -> Completeness<'a> {
    if !inventory.is_complete() {
        return Completeness::CoverageGaps;
    }
    let Some(report) = blind else {
        return Completeness::Unchecked("no cost export was given");
    };
    if report
        .rows
        .iter()
        .any(|row| row.status.is_gap() || row.status == Status::Acknowledged)
    {
        return Completeness::Gaps(report);
    }
    match report.check {
        Check::Full => Completeness::Complete,
        Check::Weak | Check::Skipped => Completeness::Unchecked(report.note.as_deref().unwrap_or("no cost export")),
    }
}

/// The sentence for the summary and the preflight's introduction. Markdown.
pub fn sentence(c: Completeness<'_>, currency: &str) -> String {
    match c {
        Completeness::Complete => COMPLETE_CLAIM.to_owned(),
        Completeness::CoverageGaps => {
            "The scan could not read some services or regions (see Risks), so it is not complete.".to_owned()
        }
        Completeness::Gaps(report) => {
            let mut text = String::new();
            if report.blind_spots > 0 {
                text.push_str(&format!(
                    "The account pays {} a month for {} the scan did not see.",
                    money(currency, report.blind_spot_usd),
                    plural(report.blind_spots, "service or region", "services or regions")
                ));
            }
            if report.acknowledged > 0 {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(&format!(
                    "{} with {} a month of spend the scan did not see {} acknowledged in the rules file.",
                    plural(report.acknowledged, "blind spot", "blind spots"),
                    money(currency, report.acknowledged_usd),
                    if report.acknowledged == 1 { "is" } else { "are" }
                ));
            }
            if text.is_empty() {
                text.push_str(&format!(
                    "Some spend the scan did not see is below the threshold of {} a month; `blind-spots.csv` lists it.",
                    money(currency, report.min_usd)
                ));
            }
            text.push_str(" The scan cannot be called complete; the preflight step lists each one.");
            text
        }
        Completeness::Unchecked(reason) => format!(
            "Completeness could not be checked against spend ({}): services the scan does not read in depth, and \
             resources that were never tagged, may be missing. Export the cost history (`acctsplit costs`) and \
             render this runbook again with `--costs`, then read `blind-spots.csv`.",
            md_text(reason)
        ),
    }
}

/// The largest rows that need attention, blind spots first, then acknowledged ones.
pub fn top(report: &BlindSpotReport, n: usize) -> Vec<&BlindSpotRow> {
    let mut rows: Vec<&BlindSpotRow> = report.blind_spot_rows().collect();
    rows.extend(report.rows.iter().filter(|r| r.status == Status::Acknowledged));
    rows.truncate(n);
    rows
}

/// One row, for a list: service, region, spend, status and what to do; an acknowledged row
/// gives its reason instead. Markdown.
/// One blind spot in a few words, for the summary: `AWS Lambda in us-east-1: USD 145.07 a month
/// (acknowledged)`. The preflight step gives the whole line ([`row_line`]).
pub fn row_headline(row: &BlindSpotRow, currency: &str) -> String {
    format!(
        "{} in {}: {} a month ({})",
        md_text(&row.service),
        md_text(&row.region),
        money(currency, row.monthly_usd),
        row.status.as_str()
    )
}

pub fn row_line(row: &BlindSpotRow, currency: &str) -> String {
    let head = format!(
        "{} in {}: {} a month",
        md_text(&row.service),
        md_text(&row.region),
        money(currency, row.monthly_usd)
    );
    let todo = match row.status {
        Status::Acknowledged => return format!("{head}, acknowledged: {}", md_text(&row.detail)),
        Status::RegionNotScanned => "rescan with this region in `--regions`",
        Status::Denied | Status::Failed => {
            "grant the read-only policy (`acctsplit iam-policy`) or lift what blocks it, then rescan"
        }
        _ => "inspect the service by hand in this region, then add an explicit rule, or acknowledge it with a reason",
    };
    format!("{head}, `{}`: {todo}. {}", row.status.as_str(), md_text(&row.detail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::build;

    fn report(rows: Vec<BlindSpotRow>, check: Check) -> BlindSpotReport {
        let mut r = BlindSpotReport::skipped("x", 1.0);
        r.check = check;
        r.note = None;
        r.blind_spots = rows.iter().filter(|row| row.is_blind_spot(1.0)).count();
        r.blind_spot_usd = rows
            .iter()
            .filter(|row| row.is_blind_spot(1.0))
            .map(|r| r.monthly_usd)
            .sum();
        r.acknowledged = rows.iter().filter(|row| row.status == Status::Acknowledged).count();
        r.rows = rows;
        r
    }

    fn row(service: &str, status: Status, usd: f64) -> BlindSpotRow {
        BlindSpotRow {
            service: service.into(),
            region: "us-east-1".into(),
            monthly_usd: usd,
            status,
            collector: String::new(),
            detail: "d".into(),
        }
    }

    #[test]
    fn only_a_full_check_without_any_gap_claims_completeness() {
        let inv = build::inventory(vec![]);
        let clean = report(vec![row("Tax", Status::AccountLevel, 50.0)], Check::Full);
        assert_eq!(of(&inv, Some(&clean)), Completeness::Complete);
        assert_eq!(sentence(of(&inv, Some(&clean)), "USD"), COMPLETE_CLAIM);

        let cases = [
            report(vec![row("Amazon SageMaker", Status::TaggedOnly, 30.0)], Check::Full),
            report(vec![row("Amazon SageMaker", Status::Acknowledged, 30.0)], Check::Full),
            report(vec![row("Amazon SageMaker", Status::NothingFound, 0.2)], Check::Full),
            report(vec![], Check::Weak),
            report(vec![], Check::Skipped),
        ];
        for case in &cases {
            let said = sentence(of(&inv, Some(case)), "USD");
            assert!(!said.contains(COMPLETE_CLAIM), "{case:?}: {said}");
        }
        assert!(!sentence(of(&inv, None), "USD").contains(COMPLETE_CLAIM));
    }

    #[test]
    fn a_denied_row_is_never_complete_whatever_the_spend_says() {
        let mut inv = build::inventory(vec![]);
        inv.coverage.push(crate::model::Coverage {
            service: "ec2".into(),
            region: "eu-west-1".into(),
            status: crate::model::CoverageStatus::Denied,
            detail: None,
            requests: 1,
        });
        let clean = report(vec![], Check::Full);
        assert_eq!(of(&inv, Some(&clean)), Completeness::CoverageGaps);
    }

    #[test]
    fn blind_spots_and_acknowledgements_are_counted_with_their_spend() {
        let inv = build::inventory(vec![]);
        let r = report(
            vec![
                row("Amazon SageMaker", Status::TaggedOnly, 30.0),
                row("AWS Lambda", Status::Acknowledged, 5.0),
            ],
            Check::Full,
        );
        let said = sentence(of(&inv, Some(&r)), "USD");
        assert!(said.contains("1 service or region the scan did not see"), "{said}");
        assert!(said.contains("1 blind spot with"), "{said}");
        assert_eq!(top(&r, 5).len(), 2);
        assert!(row_line(&r.rows[0], "USD").contains("inspect the service by hand"));
    }
}
