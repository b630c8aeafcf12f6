//! The checks that make every output file "safe to open" (issue 11), in one place: names and
//! tag values come from anyone who can tag a resource, so no file the tool writes may carry a
//! spreadsheet formula, raw HTML, a broken Markdown table row, a link out of the page or a
//! reference that loads something from elsewhere. [`check_folder`] walks a whole output folder
//! and refuses any file type it has no check for, so a new output cannot slip past.

use std::path::Path;

/// Every file under `root`, by path relative to it (with `/`), sorted.
pub fn files_under(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Checks every file under `root` and returns the files checked, sorted. Panics, naming the
/// file and the problem, on the first unsafe file or on a file type with no check.
pub fn check_folder(root: &Path) -> Vec<String> {
    let files = files_under(root);
    assert!(!files.is_empty(), "{} holds no file", root.display());
    for rel in &files {
        let bytes = std::fs::read(root.join(rel)).unwrap();
        let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{rel} is not UTF-8: {e}"));
        let problems = match rel.rsplit_once('.').map(|(_, ext)| ext) {
            Some("csv") => csv_problems(&text),
            Some("md") => markdown_problems(&text),
            Some("html") => html_problems(&text),
            Some("json") => serde_json::from_str::<serde_json::Value>(&text)
                .err()
                .map(|e| vec![format!("not valid JSON: {e}")])
                .unwrap_or_default(),
            _ => vec!["no safety check for this kind of file: add one to tests/integration/safe_outputs.rs".into()],
        };
        assert!(
            problems.is_empty(),
            "{rel} is not safe to open:\n{}",
            problems.join("\n")
        );
    }
    files
}

/// A finite decimal number (`-12.5`, `+4`, `1e-5`): written independently of the product's
/// own rule, so the test does not grade itself.
fn is_number(cell: &str) -> bool {
    !cell.is_empty()
        && cell.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
        && cell.chars().any(|c| c.is_ascii_digit())
        && cell.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A cell a spreadsheet would run as a formula.
pub fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_number(cell)
}

/// Every row parses with the header's number of fields, and no cell is a formula.
pub fn csv_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    for (line, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("row {}: {e}", line + 1));
                continue;
            }
        };
        for cell in record.iter() {
            if is_formula(cell) {
                problems.push(format!("row {}: formula cell {:?}", line + 1, short(cell)));
            }
        }
    }
    problems
}

/// No raw HTML, no image, no link out of the page, and every table row has as many cells as
/// its header (counting unescaped `|`).
pub fn markdown_problems(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut problems = Vec::new();
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => problems.push(format!("raw HTML {:?}", short(&raw))),
            Event::Start(Tag::Image { dest_url, .. }) => problems.push(format!("image {:?}", short(&dest_url))),
            Event::Start(Tag::Link { dest_url, .. }) if !is_local_url(&dest_url) => {
                problems.push(format!("link out of the page {:?}", short(&dest_url)))
            }
            _ => {}
        }
    }
    let lower = text.to_lowercase();
    if lower.contains("<script") {
        problems.push("a raw <script".into());
    }
    problems.extend(table_problems(text));
    problems
}

/// Rows of every `|`-table: the same count of unescaped `|` as the header row.
fn table_problems(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let is_rule = |l: &str| l.starts_with("|-") || l.starts_with("|:") || l.starts_with("|--");
        if lines[i].starts_with('|') && is_rule(lines[i + 1]) {
            let want = pipes(lines[i]);
            if pipes(lines[i + 1]) != want {
                problems.push(format!("line {}: table rule does not match its header", i + 2));
            }
            let mut j = i + 2;
            while j < lines.len() && !lines[j].is_empty() {
                if !lines[j].starts_with('|') {
                    problems.push(format!("line {}: a table row that does not start with |", j + 1));
                } else if pipes(lines[j]) != want {
                    problems.push(format!(
                        "line {}: {} cell borders, the header has {want}: {:?}",
                        j + 1,
                        pipes(lines[j]),
                        short(lines[j])
                    ));
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    problems
}

/// Unescaped `|` in a line.
fn pipes(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for ch in line.chars() {
        match ch {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

/// A link target inside the page or next to it: `#id` or a relative path with no scheme.
fn is_local_url(url: &str) -> bool {
    if url.starts_with('#') {
        return true;
    }
    let before_path = url.split(['/', '?', '#']).next().unwrap_or("");
    !url.is_empty() && !url.starts_with('/') && !url.starts_with('\\') && !before_path.contains(':')
}

/// Elements the runbook page may contain: the template's, the Markdown renderer's and the
/// charts'. Anything else (`script`, `img`, `iframe`, `link`, `object`...) is a problem.
const ALLOWED_ELEMENTS: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "section",
    "nav",
    "figure",
    "figcaption",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "pre",
    "strong",
    "em",
    "del",
    "blockquote",
    "hr",
    "br",
    "a",
    "svg",
    "g",
    "rect",
    "text",
    "line",
];

/// Every tag is an allowed element with no event handler, no `src`, no `style` but a column's
/// alignment, and only local `href`s; no `javascript:` anywhere in a tag; the style sheet
/// imports nothing.
pub fn html_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = &after[..end];
        rest = &after[end..];
        let lower = tag.to_lowercase();
        let body = lower.trim_start_matches('/');
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        if !ALLOWED_ELEMENTS.contains(&name.as_str()) {
            problems.push(format!("element <{}>", short(tag)));
            continue;
        }
        if lower.contains("javascript:") || lower.contains("vbscript:") || lower.contains("data:") {
            problems.push(format!("script URL in <{}>", short(tag)));
        }
        for attr in attributes(body) {
            let (key, value) = attr;
            // The only inline style is the Markdown renderer's column alignment.
            let alignment = key == "style"
                && ["text-align: left", "text-align: right", "text-align: center"].contains(&value.as_str());
            if key.starts_with("on")
                || key == "src"
                || key == "srcset"
                || (key == "style" && !alignment)
                || key == "xlink:href"
            {
                problems.push(format!("attribute {key} in <{}>", short(tag)));
            }
            if key == "href" && !is_local_url(&value) {
                problems.push(format!("link out of the page in <{}>", short(tag)));
            }
        }
    }
    // The page's own style sheet imports and fetches nothing. (URLs in the text are text.)
    let lower = text.to_lowercase();
    let mut sheets = lower.split("<style").skip(1);
    for sheet in sheets.by_ref() {
        let css = sheet.split("</style").next().unwrap_or("");
        for needle in ["@import", "url(", "expression(", "//"] {
            if css.contains(needle) {
                problems.push(format!("{needle} in a style sheet"));
            }
        }
    }
    problems
}

/// `(name, value)` of each attribute of a tag's inside (`a href="x" class=y`).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = tag.char_indices().peekable();
    // Skip the element name.
    while let Some((_, c)) = chars.peek() {
        if c.is_whitespace() {
            break;
        }
        chars.next();
    }
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else { break };
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let key = tag[start..end].to_string();
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if key.is_empty() {
            break;
        }
        out.push((key, value));
    }
    out
}

fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

#[test]
fn the_checks_catch_what_they_are_for() {
    assert!(is_formula("=1+1") && is_formula("-cmd") && is_formula("@x") && is_formula("\t=1"));
    assert!(!is_formula("-12.5") && !is_formula("+4") && !is_formula("1e-5") && !is_formula("'=1"));
    assert_eq!(csv_problems("a,b\n=cmd,-1\n").len(), 1);
    assert!(csv_problems("a,b\n'=cmd,-1\n").is_empty());

    assert!(!markdown_problems("a <script>x</script>\n").is_empty());
    assert!(!markdown_problems("[x](javascript:alert(1))\n").is_empty());
    assert!(!markdown_problems("![x](http://evil.invalid/x.png)\n").is_empty());
    assert!(!markdown_problems("| a | b |\n|---|---|\n| x | y | z |\n").is_empty());
    assert!(
        markdown_problems("| a | b |\n|---|---|\n| x \\| y | `z\\|w` |\n\n[t](tasks.csv) [m](#moves)\n").is_empty()
    );

    for bad in [
        "<script>x</script>",
        "<img src=x>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"http://evil.invalid\">x</a>",
        "<p onclick=\"x()\">x</p>",
        "<td style=\"background: url(http://evil.invalid/x.png)\">x</td>",
        "<style>@import url(http://evil.invalid/x.css);</style>",
        "<iframe></iframe>",
    ] {
        assert!(!html_problems(bad).is_empty(), "{bad}");
    }
    assert!(
        html_problems("<p>&lt;script&gt; [x](javascript:y)</p><a href=\"#top\">t</a><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><rect x=\"0\"></rect></svg>")
            .is_empty()
    );
}
