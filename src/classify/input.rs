//! Reading the inventory snapshot a previous `scan` wrote, refusing versions this build does not
//! understand. A snapshot from a newer tool is named as such, rather than reported as a
//! confusing field error.

use std::path::Path;

use serde::Deserialize;

use crate::model::{INVENTORY_SCHEMA_VERSION, Inventory};

/// Why an inventory file could not be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("cannot read inventory {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}:{line}:{column}: not a valid inventory snapshot: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: inventory schema_version {found} is not supported (this build reads version {supported}); \
         scan again with this version of acctsplit"
    )]
    Schema {
        path: String,
        found: String,
        supported: u32,
    },
}

/// Reads and checks an inventory snapshot.
pub fn load_inventory(path: &Path) -> Result<Inventory, InventoryError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| InventoryError::Read {
        path: name.clone(),
        source,
    })?;
    parse_inventory(&bytes, &name)
}

/// Parses and checks snapshot bytes; `name` is used in messages.
pub fn parse_inventory(bytes: &[u8], name: &str) -> Result<Inventory, InventoryError> {
    let schema_error = |found: String| InventoryError::Schema {
        path: name.to_owned(),
        found,
        supported: INVENTORY_SCHEMA_VERSION,
    };
    match serde_json::from_slice::<Inventory>(bytes) {
        Ok(inventory) if inventory.schema_version == INVENTORY_SCHEMA_VERSION => Ok(inventory),
        Ok(inventory) => Err(schema_error(inventory.schema_version.to_string())),
        Err(err) => {
            // A different version may not even have the fields this build expects: say so.
            #[derive(Deserialize)]
            struct Probe {
                schema_version: Option<serde_json::Value>,
            }
            if let Ok(Probe {
                schema_version: Some(found),
            }) = serde_json::from_slice::<Probe>(bytes)
            {
                if found.as_u64() != Some(u64::from(INVENTORY_SCHEMA_VERSION)) {
                    return Err(schema_error(found.to_string()));
                }
            }
            Err(InventoryError::Json {
                path: name.to_owned(),
                line: err.line(),
                column: err.column(),
                message: strip_position(&err.to_string()),
            })
        }
    }
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
    use crate::classify::testkit::*;

    #[test]
    fn a_current_snapshot_loads() {
        let text = serde_json::to_vec(&inventory(vec![res("arn:a", "ec2:vpc")])).unwrap();
        let loaded = parse_inventory(&text, "inv.json").unwrap();
        assert_eq!(loaded.resources.len(), 1);
    }

    #[test]
    fn a_newer_schema_version_is_named() {
        let mut value = serde_json::to_value(inventory(vec![])).unwrap();
        value["schema_version"] = serde_json::json!(2);
        let err = parse_inventory(&serde_json::to_vec(&value).unwrap(), "inv.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "inv.json: inventory schema_version 2 is not supported (this build reads version 1); \
             scan again with this version of acctsplit"
        );
    }

    #[test]
    fn a_newer_schema_with_other_fields_is_still_named_by_version() {
        let err = parse_inventory(br#"{"schema_version": 7, "items": []}"#, "inv.json").unwrap_err();
        assert!(
            matches!(err, InventoryError::Schema { ref found, .. } if found == "7"),
            "{err}"
        );
    }

    #[test]
    fn broken_json_names_line_and_column() {
        let err = parse_inventory(b"{\n  \"schema_version\": 1,\n  oops\n}", "inv.json").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("inv.json:3:3: not a valid inventory snapshot: "),
            "{text}"
        );
        assert!(!text.contains(" at line "), "{text}");
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = load_inventory(Path::new("/nonexistent/inv.json")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read inventory /nonexistent/inv.json: "),
            "{err}"
        );
    }
}
