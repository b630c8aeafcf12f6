//! Serde types shared by every stage: the inventory snapshot, the classification plan and the
//! cost-export summary. Each file format is versioned and written sorted, so that two runs over
//! the same input give byte-identical files.

pub mod cost;
pub mod inventory;
pub mod plan;
pub mod read;
pub mod shared;
pub mod sorted_map;

pub use cost::*;
pub use inventory::*;
pub use plan::*;
pub use read::{ReadError, read_inventory, read_plan};
pub use shared::{Interner, Shared};
pub use sorted_map::SortedMap;
