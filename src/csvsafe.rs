//! The one CSV writer (and the matching field reader) of the tool. Names and tag values come
//! from anyone who can tag a resource in the legacy account, and a spreadsheet runs a cell that
//! starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula:
//! `=HYPERLINK("http://evil.invalid","x")` as a VPC name would become a live link in
//! `assignments.csv`. Every CSV the tool writes goes through [`Writer`], which prefixes such a
//! cell with one `'` (spreadsheets show the text as it was, and run nothing). A cell that is a
//! plain number (`-12.5`, `+4`, `1e-5`) is left alone, so negative cost figures stay numbers.
//!
//! The rule is reversible: [`restore`] removes exactly the `'` the writer added, so the tool
//! reads its own CSVs back losslessly (the cost export resumes from them). A value that already
//! starts with `'` before a trigger character gets one more, so `restore` never eats a `'` that
//! was in the data. `docs/outputs.md` tells users who read the CSVs with a script what to strip.
//!
//! A unit test below fails when any other file under `src/` builds a `csv::Writer` itself.

use std::borrow::Cow;
use std::io::Write;

/// The prefix that makes a spreadsheet read a cell as text.
pub const PREFIX: char = '\'';

/// Whether a spreadsheet could read a cell that starts with `first` as a formula.
fn is_trigger(first: char) -> bool {
    matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A finite decimal number, optionally signed, with an optional fraction and exponent:
/// `-3`, `+4`, `-12.50`, `.5`, `1e-5`, `-2.5E+3`. Nothing else (no `inf`, `nan`, hex, spaces,
/// thousands separators).
pub fn is_plain_number(cell: &str) -> bool {
    let b = cell.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// Whether `rest` (a cell with its leading `'`s removed) is what the writer protects.
fn dangerous(rest: &str) -> bool {
    rest.chars().next().is_some_and(is_trigger) && !is_plain_number(rest)
}

/// The cell as the writer writes it: with one more leading `'` when, after any `'`s it already
/// starts with, it starts with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a
/// plain number. Anything else is unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if dangerous(cell.trim_start_matches(PREFIX)) {
        let mut out = String::with_capacity(cell.len() + 1);
        out.push(PREFIX);
        out.push_str(cell);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(cell)
    }
}

/// The inverse of [`neutralise`]: removes the one `'` the writer added, and nothing else.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix(PREFIX) {
        Some(rest) if dangerous(rest.trim_start_matches(PREFIX)) => rest,
        _ => cell,
    }
}

/// A `csv::Writer` that neutralises every cell it writes.
pub struct Writer<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> Writer<W> {
    /// A writer with RFC 4180 quoting and `\n` line ends.
    pub fn new(out: W) -> Self {
        Writer {
            inner: csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(out),
        }
    }

    /// Writes one row, each cell through [`neutralise`].
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in record {
            self.inner.write_field(neutralise(cell.as_ref()).as_bytes())?;
        }
        self.inner.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_trigger_character_gets_one_quote() {
        for cell in [
            "=HYPERLINK(\"http://evil.invalid\",\"x\")",
            "+cmd",
            "-cmd",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "=",
            "+",
            "-",
            "@",
            "\t",
            "\r",
            "-1-1",
            "+1+1",
            "=1",
            "-.",
            "-e5",
            "-1e",
            "-1e+",
            "-inf",
            "-NaN",
            "- 1",
            "-1 ",
            "-1,000",
            "-0x10",
            "-1.2.3",
            "@example.com",
            "-é",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_numbers_stay_numbers() {
        for cell in [
            "-12.5", "-3", "+4", "1e-5", "-1E+5", "-.5", "-5.", "+0", "-0.00", "12", "3.14", "-2.5e10", "007",
        ] {
            assert!(is_plain_number(cell), "{cell}");
            assert_eq!(neutralise(cell), cell, "{cell}");
        }
        for cell in [
            "", ".", "+", "-", "e5", "1e", "1e+", "inf", "NaN", "1 ", " 1", "1_000", "٣", "1.2.3",
        ] {
            assert!(!is_plain_number(cell), "{cell:?}");
        }
    }

    #[test]
    fn other_cells_are_unchanged() {
        for cell in [
            "",
            "prod",
            "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1",
            "2026-01-01",
            " =1",
            "a=b",
            "'quoted",
            "''x",
            "'",
            "\n=1",
            "Ελληνικά",
            "＝1",
            "🙂=1",
            "true",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
            assert_eq!(restore(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn a_quote_already_before_a_trigger_gets_one_more() {
        assert_eq!(neutralise("'=1+1"), "''=1+1");
        assert_eq!(neutralise("''@x"), "'''@x");
        assert_eq!(neutralise("'-5"), "'-5", "a quote before a number is data, kept as is");
    }

    #[test]
    fn restore_undoes_neutralise_exactly() {
        for cell in [
            "=1", "'=1", "''=1", "+x", "-x", "@x", "\tx", "\rx", "-5", "'-5", "'x", "'", "''", "", "plain", "=", "'@",
        ] {
            assert_eq!(restore(&neutralise(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn the_writer_neutralises_every_cell_and_the_csv_round_trips() {
        let rows = [
            vec!["name", "amount", "note"],
            vec!["=HYPERLINK(\"http://evil.invalid\",\"x\")", "-12.50", "a,b\n\"c\""],
            vec!["'=already", "+4", "@me"],
        ];
        let mut w = Writer::new(Vec::new());
        for row in &rows {
            w.write_record(row).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert!(text.starts_with("name,amount,note\n\"'=HYPERLINK(\"\"http://evil.invalid\"\",\"\"x\"\")\",-12.50,"));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let back: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(|c| restore(c).to_owned()).collect())
            .collect();
        assert_eq!(back, rows.map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()));
    }

    #[test]
    fn lines_end_in_a_newline() {
        let mut w = Writer::new(Vec::new());
        w.write_record(["a", "b"]).unwrap();
        assert_eq!(w.into_inner().unwrap(), b"a,b\n");
    }

    /// "Every CSV the tool writes goes through one writer": no other source file may build a
    /// `csv::Writer` of its own.
    #[test]
    fn no_other_module_builds_a_csv_writer() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&src, &mut files);
        let this = src.join("csvsafe.rs");
        let offenders: Vec<String> = files
            .iter()
            .filter(|p| **p != this)
            .filter(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                ["csv::Writer", "csv::WriterBuilder", "csv::Terminator"]
                    .iter()
                    .any(|needle| text.contains(needle))
            })
            .map(|p| p.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "write CSV through crate::csvsafe::Writer, not csv::Writer: {offenders:?}"
        );
    }
}
