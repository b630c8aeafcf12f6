//! Test helpers and checks that hold the repository's files to the code: generated sections of
//! the docs (between `<!-- generated:NAME -->` and `<!-- end generated:NAME -->`) must equal
//! what the code generates, and the stages that must not know the SDK do not import it.
//! `ACCTSPLIT_UPDATE_DOCS=1 scripts/test.sh` rewrites stale sections instead of failing.

use std::path::Path;

/// Asserts that the section `name` of the committed doc `path` (its text is `committed`) equals
/// `generated`; rewrites the file instead when `ACCTSPLIT_UPDATE_DOCS=1`.
pub(crate) fn assert_generated_section(path: &str, committed: &str, name: &str, generated: &str) {
    let start = format!("<!-- generated:{name} -->\n");
    let end = format!("<!-- end generated:{name} -->");
    let (Some(a), Some(b)) = (committed.find(&start), committed.find(&end)) else {
        panic!("{path} lacks the markers {start:?} and {end:?}");
    };
    let current = &committed[a + start.len()..b];
    if current == generated {
        return;
    }
    if std::env::var("ACCTSPLIT_UPDATE_DOCS").as_deref() == Ok("1") {
        let updated = format!("{}{generated}{}", &committed[..a + start.len()], &committed[b..]);
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::write(&file, updated).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
        return;
    }
    assert_eq!(
        current, generated,
        "{path}: the `{name}` section is stale; run `ACCTSPLIT_UPDATE_DOCS=1 scripts/test.sh` to regenerate it"
    );
}

/// Every `.rs` file under `dir` (relative to the package root), with its text.
fn rust_files(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

/// `scan` and `costs` reach AWS only through their traits: neither imports `crate::aws` nor
/// any SDK crate (STYLE.md, "AWS behind a seam").
#[test]
fn scan_and_costs_do_not_import_aws() {
    let forbidden = [
        "crate::aws",
        "aws_sdk_",
        "aws_smithy_",
        "aws_config",
        "aws_types",
        "aws_credential_types",
    ];
    for dir in ["src/scan", "src/costs"] {
        let files = rust_files(dir);
        assert!(!files.is_empty(), "no sources under {dir}");
        for (path, text) in files {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for word in forbidden {
                    assert!(!code.contains(word), "{path}:{}: uses `{word}`: {line}", n + 1);
                }
            }
        }
    }
}
