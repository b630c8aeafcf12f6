//! Small text helpers shared by the step builder and the templates: Markdown escaping of
//! values that come from the scanned account (tag values and names are free text), money and
//! count formatting, so that every number reads the same in every file.

/// The longest resource name a runbook table shows; longer names end in `…`. The CSV and JSON
/// files keep every name whole.
pub const MAX_NAME_CHARS: usize = 120;
/// The longest free-text cell (a reason, a note, a tag value) the runbook shows.
pub const MAX_TEXT_CHARS: usize = 400;

/// Escapes free text (names, tag values, sentences that quote them) for use inside Markdown
/// prose or a table cell: nothing in it can become markup. Markdown and HTML characters are
/// escaped, line breaks and tabs become spaces (a value never starts a new line, so never a
/// heading, list or table row of its own), and a value that would start a list item, a setext
/// heading underline or a thematic break if it began a line has that first character escaped.
pub fn md_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    // Where the value would open a block if it began a line: its first character after spaces
    // (`- `, `+ `, `===`), or the `.`/`)` after leading digits when a space or the end follows
    // (`1. `, `2)`).
    let start = value.len() - value.trim_start_matches([' ', '\t', '\r', '\n']).len();
    let rest = &value[start..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let ordered = digits > 0
        && matches!(rest.as_bytes().get(digits), Some(b'.' | b')'))
        && rest[digits + 1..].chars().next().is_none_or(char::is_whitespace);
    for (i, ch) in value.char_indices() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '-' | '+' | '=' if i == start => {
                out.push('\\');
                out.push(ch);
            }
            '.' | ')' if ordered && i == start + digits => {
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

/// `value` cut to at most `max` characters, the last being `…` when anything was cut.
pub fn truncate(value: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(value),
        Some(_) => {
            let keep = value.char_indices().nth(max.saturating_sub(1)).map_or(0, |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &value[..keep]))
        }
    }
}

/// A resource name for a runbook table: shortened to [`MAX_NAME_CHARS`], then escaped.
pub fn md_name(value: &str) -> String {
    md_text(&truncate(value, MAX_NAME_CHARS))
}

/// Free text for a runbook table or sentence: shortened to [`MAX_TEXT_CHARS`], then escaped.
pub fn md_cell(value: &str) -> String {
    md_text(&truncate(value, MAX_TEXT_CHARS))
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

/// Markdown as plain text for a tracker: no backticks, emphasis or backslash escapes.
pub fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {}
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                out.extend(chars.next());
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_drops_code_emphasis_and_escapes() {
        assert_eq!(
            plain("**Verify:** run `aws x` on a\\_b\\|c"),
            "Verify: run aws x on a_b|c"
        );
        assert_eq!(plain("2 * 3"), "2 * 3");
    }

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
    fn md_text_never_lets_a_value_start_a_block() {
        assert_eq!(md_text("- item"), "\\- item");
        assert_eq!(md_text("+ item"), "\\+ item");
        assert_eq!(md_text("==="), "\\===");
        assert_eq!(md_text("---"), "\\---");
        assert_eq!(md_text("1. first"), "1\\. first");
        assert_eq!(md_text("12) first"), "12\\) first");
        assert_eq!(md_text("# title"), "\\# title");
        assert_eq!(md_text("> quote"), "&gt; quote");
        assert_eq!(md_text("a\n# b\r\n- c"), "a \\# b  - c");
        // Only the start is at risk; inside a value these stay readable.
        assert_eq!(md_text("eu-west-1"), "eu-west-1");
        assert_eq!(md_text("v1.2"), "v1.2");
        assert_eq!(md_text("0.1.0"), "0.1.0");
        assert_eq!(md_text("3)x"), "3)x");
        assert_eq!(md_text("  - indented"), "  \\- indented");
        assert_eq!(md_text("\n7. seven"), " 7\\. seven");
        assert_eq!(md_text("2026-01"), "2026-01");
    }

    #[test]
    fn md_text_breaks_links_and_html() {
        assert_eq!(md_text("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(
            md_text("![i](http://evil.invalid/p.png)"),
            "!\\[i\\](http://evil.invalid/p.png)"
        );
        assert_eq!(md_text("<http://evil.invalid>"), "&lt;http://evil.invalid&gt;");
        assert_eq!(md_text("&lt;script&gt;"), "&amp;lt;script&amp;gt;");
    }

    #[test]
    fn truncate_cuts_long_values_on_a_character_boundary() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly10!", 10), "exactly10!");
        assert_eq!(truncate("eleven char", 10), "eleven ch…");
        assert_eq!(truncate("ééééé", 3), "éé…");
        let long = "x".repeat(5000);
        assert_eq!(md_name(&long).chars().count(), MAX_NAME_CHARS);
        assert_eq!(md_cell(&long).chars().count(), MAX_TEXT_CHARS);
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
