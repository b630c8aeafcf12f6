//! Small text helpers shared by the step builder and the templates: Markdown escaping of
//! values that come from the scanned account (tag values and names are free text), money and
//! count formatting, so that every number reads the same in every file.

/// Escapes free text for use inside Markdown prose or a table cell.
pub fn md_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' | '\n' | '\t' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// `ec2 in eu-west-1: denied (DescribeInstances: UnauthorizedOperation)`, Markdown-safe: what
/// one incomplete coverage row means, for the summary's risks and the rescan step.
pub fn coverage_gap(row: &crate::model::Coverage) -> String {
    format!(
        "{} in {}: {}{}",
        md_text(&row.service),
        md_text(&row.region),
        row.status.as_str(),
        row.detail
            .as_deref()
            .map(|d| format!(" ({})", md_text(d)))
            .unwrap_or_default()
    )
}

/// Wraps an identifier (ARN, id, file name) in a Markdown code span that is also safe in a
/// table cell.
pub fn md_code(value: &str) -> String {
    let cleaned: String = value
        .chars()
        .map(|ch| match ch {
            '`' => '\'',
            '\r' | '\n' | '\t' => ' ',
            _ => ch,
        })
        .collect();
    format!("`{}`", cleaned.replace('|', "\\|"))
}

/// An amount of money with two decimals and thousands separators: `USD 1,234.50`.
pub fn money(currency: &str, amount: f64) -> String {
    format!("{currency} {}", amount_2dp(amount))
}

/// Two decimals with thousands separators, without a currency.
pub fn amount_2dp(amount: f64) -> String {
    let amount = if amount.is_finite() { amount } else { 0.0 };
    let cents = (amount.abs() * 100.0).round() as u64;
    let whole = group_thousands(cents / 100);
    let sign = if amount < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}{whole}.{:02}", cents % 100)
}

/// An integer with thousands separators.
pub fn count(n: usize) -> String {
    group_thousands(n as u64)
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `1 resource`, `3 resources`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// Joins words as `a`, `a and b`, `a, b and c`.
pub fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_gap_names_service_region_status_and_detail() {
        use crate::model::{Coverage, CoverageStatus};
        let mut row = Coverage {
            service: "ec2".into(),
            region: "eu-west-1".into(),
            status: CoverageStatus::Denied,
            detail: Some("DescribeInstances: UnauthorizedOperation".into()),
            requests: 3,
        };
        assert_eq!(
            coverage_gap(&row),
            "ec2 in eu-west-1: denied (DescribeInstances: UnauthorizedOperation)"
        );
        row.detail = None;
        row.status = CoverageStatus::Failed;
        assert_eq!(coverage_gap(&row), "ec2 in eu-west-1: failed");
    }

    #[test]
    fn md_text_neutralises_markup_from_tag_values() {
        assert_eq!(md_text("a|b"), "a\\|b");
        assert_eq!(md_text("<script>"), "&lt;script&gt;");
        assert_eq!(md_text("web_*1*\nx"), "web\\_\\*1\\* x");
    }

    #[test]
    fn md_code_keeps_table_cells_intact() {
        assert_eq!(md_code("arn:a|b`c"), "`arn:a\\|b'c`");
    }

    #[test]
    fn money_groups_thousands_and_rounds_to_cents() {
        assert_eq!(money("USD", 1234567.891), "USD 1,234,567.89");
        assert_eq!(money("USD", 0.0), "USD 0.00");
        assert_eq!(money("USD", 999.999), "USD 1,000.00");
        assert_eq!(money("EUR", -12.5), "EUR -12.50");
        assert_eq!(money("USD", f64::NAN), "USD 0.00");
    }

    #[test]
    fn join_words_reads_like_a_sentence() {
        let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_words(&words(&[])), "");
        assert_eq!(join_words(&words(&["a"])), "a");
        assert_eq!(join_words(&words(&["a", "b"])), "a and b");
        assert_eq!(join_words(&words(&["a", "b", "c"])), "a, b and c");
    }
}
