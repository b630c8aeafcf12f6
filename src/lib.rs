//! acctsplit: scan a legacy AWS account, classify its resources to target accounts, export the
//! Cost Explorer history and write the migration runbook. Read-only towards AWS.
//!
//! Data flows one way (see `DESIGN.md`): `scan` -> `inventory.json` -> `classify` ->
//! `plan.json` -> `runbook`, with `costs` beside them. Only [`aws`] talks to AWS.

pub mod app;
pub mod aws;
pub mod blindspots;
pub mod classify;
pub mod cli;
pub mod costs;
pub mod csvsafe;
#[cfg(test)]
mod docs;
pub mod error;
pub mod fsutil;
pub mod layout;
pub mod model;
pub mod progress;
pub mod report;
pub mod sample;
pub mod scan;
#[cfg(feature = "testkit")]
pub mod testkit;

/// The version written into every file the tool produces.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
