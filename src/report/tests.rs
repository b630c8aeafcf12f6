//! Snapshot and property tests of the rendered runbook.
