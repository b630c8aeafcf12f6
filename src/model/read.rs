//! Reading the files one stage writes for the next (the inventory, the plan, the cost summary).
//! A file from another schema version is refused with a message that says so, rather than a
//! confusing complaint about a field; a broken file is named with its line and column.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::{COST_SUMMARY_SCHEMA_VERSION, CostSummary, INVENTORY_SCHEMA_VERSION, Inventory, PLAN_SCHEMA_VERSION, Plan};

/// Why a file could not be used. Every variant names the file. Causes are part of the message
/// (not error sources), so `main`'s error chain prints each once.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {what} {}: {error}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a valid {what}: {message}", path.display())]
    Json {
        what: &'static str,
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{}: {what} schema_version {found} is not supported (this build reads version {supported}); \
         regenerate it with this version of acctsplit",
        path.display()
    )]
    Schema {
        what: &'static str,
        path: PathBuf,
        found: String,
        supported: u32,
    },
}

/// Reads and checks an inventory snapshot.
pub fn read_inventory(path: &Path) -> Result<Inventory, ReadError> {
    read_versioned(path, "inventory", INVENTORY_SCHEMA_VERSION)
}

/// Reads and checks a classification plan.
pub fn read_plan(path: &Path) -> Result<Plan, ReadError> {
    read_versioned(path, "plan", PLAN_SCHEMA_VERSION)
}

/// Reads and checks a cost-export summary.
pub fn read_cost_summary(path: &Path) -> Result<CostSummary, ReadError> {
    read_versioned(path, "cost summary", COST_SUMMARY_SCHEMA_VERSION)
}

/// A file format that records its schema version.
pub trait Versioned {
    fn schema_version(&self) -> u32;
}

impl Versioned for Inventory {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

impl Versioned for Plan {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

impl Versioned for CostSummary {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

/// Reads a JSON file of schema version `supported`.
pub fn read_versioned<T: DeserializeOwned + Versioned>(
    path: &Path,
    what: &'static str,
    supported: u32,
) -> Result<T, ReadError> {
    let bytes = std::fs::read(path).map_err(|error| ReadError::Io {
        what,
        path: path.to_path_buf(),
        error,
    })?;
    parse_versioned(&bytes, path, what, supported)
}

/// Parses JSON bytes of schema version `supported`; `path` names them in messages. The bytes
/// are parsed once when they are good (a million-resource snapshot is most of a gigabyte); only
/// a failed parse looks at the version on its own, because a file of another version may not
/// even have the fields this build expects, and its version is the useful message.
pub fn parse_versioned<T: DeserializeOwned + Versioned>(
    bytes: &[u8],
    path: &Path,
    what: &'static str,
    supported: u32,
) -> Result<T, ReadError> {
    let schema_error = |found: String| ReadError::Schema {
        what,
        path: path.to_path_buf(),
        found,
        supported,
    };
    let err = match serde_json::from_slice::<T>(bytes) {
        Ok(value) if value.schema_version() == supported => return Ok(value),
        Ok(value) => return Err(schema_error(value.schema_version().to_string())),
        Err(err) => err,
    };
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<serde_json::Value>,
    }
    if let Ok(Probe {
        schema_version: Some(found),
    }) = serde_json::from_slice::<Probe>(bytes)
        && found.as_u64() != Some(u64::from(supported))
    {
        return Err(schema_error(found.to_string()));
    }
    Err(ReadError::Json {
        what,
        path: path.to_path_buf(),
        line: err.line(),
        column: err.column(),
        message: strip_position(&err.to_string()),
    })
}

/// serde_json appends " at line L column C"; the message already starts with the position.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory_json(schema_version: u32) -> Vec<u8> {
        let inventory = Inventory {
            schema_version,
            tool_version: "t".into(),
            scanned_at: "2026-01-01T00:00:00Z".into(),
            account: super::super::Account {
                id: "111122223333".into(),
                alias: None,
                organization: super::super::Organization::standalone(),
                alternate_contacts: None,
            },
            regions: vec![],
            coverage: vec![],
            resources: vec![],
        };
        serde_json::to_vec(&inventory).unwrap()
    }

    fn parse(bytes: &[u8]) -> Result<Inventory, ReadError> {
        parse_versioned(bytes, Path::new("inv.json"), "inventory", INVENTORY_SCHEMA_VERSION)
    }

    #[test]
    fn a_current_snapshot_loads() {
        assert_eq!(parse(&inventory_json(1)).unwrap().account.id, "111122223333");
    }

    #[test]
    fn a_newer_schema_version_is_named() {
        let err = parse(&inventory_json(2)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "inv.json: inventory schema_version 2 is not supported (this build reads version 1); \
             regenerate it with this version of acctsplit"
        );
    }

    #[test]
    fn an_older_plan_without_workloads_and_units_is_refused_by_its_version() {
        let inventory = crate::sample::inventory().unwrap();
        let plan = crate::classify::classify(&inventory, &crate::sample::rules().unwrap());
        let mut old = serde_json::to_value(&plan).unwrap();
        // Version 1 had move groups instead of workloads and units.
        let fields = old.as_object_mut().unwrap();
        fields.insert("schema_version".into(), 1.into());
        for gone in ["workloads", "units", "landing_networks", "cidr_overlaps"] {
            fields.remove(gone);
        }
        fields.insert("move_groups".into(), serde_json::json!([]));
        let bytes = serde_json::to_vec(&old).unwrap();
        let err = parse_versioned::<Plan>(&bytes, Path::new("plan.json"), "plan", PLAN_SCHEMA_VERSION).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "plan.json: plan schema_version 1 is not supported (this build reads version \
                 {PLAN_SCHEMA_VERSION}); regenerate it with this version of acctsplit"
            )
        );
    }

    #[test]
    fn a_newer_schema_with_other_fields_is_still_named_by_version() {
        let err = parse(br#"{"schema_version": 7, "items": []}"#).unwrap_err();
        assert!(
            matches!(err, ReadError::Schema { ref found, .. } if found == "7"),
            "{err}"
        );
    }

    #[test]
    fn a_string_version_is_named_as_written() {
        let err = parse(br#"{"schema_version": "1"}"#).unwrap_err();
        assert!(
            matches!(err, ReadError::Schema { ref found, .. } if found == "\"1\""),
            "{err}"
        );
    }

    #[test]
    fn a_current_version_with_a_broken_field_is_a_json_error() {
        let err = parse(br#"{"schema_version": 1, "resources": 5}"#).unwrap_err();
        assert!(matches!(err, ReadError::Json { .. }), "{err}");
    }

    #[test]
    fn broken_json_names_line_and_column() {
        let text = parse(b"{\n  \"schema_version\": 1,\n  oops\n}")
            .unwrap_err()
            .to_string();
        assert!(text.starts_with("inv.json:3:3: not a valid inventory: "), "{text}");
        assert!(!text.contains(" at line "), "{text}");
    }

    #[test]
    fn missing_file_names_the_path_and_the_cause() {
        let err = read_inventory(Path::new("/nonexistent/inv.json")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read inventory /nonexistent/inv.json: "),
            "{err}"
        );
    }
}
