//! The built-in sample legacy account (`sample-data/`), embedded in the binary: an inventory
//! produced by scanning a seeded emulator account with the real scanner, and a cost export
//! produced by the real cost exporter. `acctsplit assess --sample` runs on it offline.

use crate::model::{CostSummary, Inventory};

include!(concat!(env!("OUT_DIR"), "/sample_files.rs"));

/// `sample-data/` is laid out like an `assess` output folder: the inventory, and the cost
/// export in its folder.
pub const INVENTORY: &str = crate::layout::Layout::INVENTORY;

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("this build has no sample file {0}; rebuild from a checkout that has sample-data/")]
    Missing(&'static str),
    #[error("the built-in sample file {file} is not valid")]
    Invalid {
        file: &'static str,
        source: serde_json::Error,
    },
}

fn file(path: &str) -> Option<&'static [u8]> {
    SAMPLE_FILES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, bytes)| *bytes)
}

/// The sample inventory.
pub fn inventory() -> Result<Inventory, SampleError> {
    let bytes = file(INVENTORY).ok_or(SampleError::Missing(INVENTORY))?;
    serde_json::from_slice(bytes).map_err(|source| SampleError::Invalid {
        file: INVENTORY,
        source,
    })
}

/// The files of the sample cost export, by name relative to the export folder.
pub fn cost_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    SAMPLE_FILES.iter().filter_map(|(name, bytes)| {
        name.strip_prefix(crate::layout::Layout::COSTS)
            .and_then(|rest| rest.strip_prefix('/'))
            .map(|rest| (rest, *bytes))
    })
}

/// The sample cost summary.
pub fn cost_summary() -> Result<CostSummary, SampleError> {
    const SUMMARY: &str = "costs/summary.json";
    let bytes = file(SUMMARY).ok_or(SampleError::Missing(SUMMARY))?;
    serde_json::from_slice(bytes).map_err(|source| SampleError::Invalid { file: SUMMARY, source })
}
