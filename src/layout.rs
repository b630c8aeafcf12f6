//! Where a run's files go. Every stage and `assess` take their paths from [`Layout`], so a
//! file name is written in one place: `assess` puts everything in one folder, and each
//! subcommand writes its part of the same layout into its `--out-dir`.

use std::path::{Path, PathBuf};

/// The files of one output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// The inventory snapshot (`scan`).
    pub const INVENTORY: &'static str = "inventory.json";
    /// The plan and its spreadsheet view (`classify`).
    pub const PLAN: &'static str = "plan.json";
    pub const ASSIGNMENTS: &'static str = "assignments.csv";
    /// The Cost Explorer export's folder (`costs`); its own files are named by the exporter.
    pub const COSTS: &'static str = "costs";
    /// The runbook's files (`runbook`).
    pub const RUNBOOK_MD: &'static str = "runbook.md";
    pub const RUNBOOK_HTML: &'static str = "runbook.html";
    pub const TASKS: &'static str = "tasks.csv";
    /// Every link from a resource of one target account to a resource of another.
    pub const DEPENDENCIES: &'static str = "dependencies.csv";
    pub const SCP: &'static str = "scp";
    /// What the account pays for that the scan did not see (`runbook`, with a cost export).
    pub const BLIND_SPOTS: &'static str = "blind-spots.csv";

    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn inventory(&self) -> PathBuf {
        self.root.join(Self::INVENTORY)
    }

    pub fn plan(&self) -> PathBuf {
        self.root.join(Self::PLAN)
    }

    pub fn assignments(&self) -> PathBuf {
        self.root.join(Self::ASSIGNMENTS)
    }

    pub fn costs(&self) -> PathBuf {
        self.root.join(Self::COSTS)
    }

    pub fn runbook_md(&self) -> PathBuf {
        self.root.join(Self::RUNBOOK_MD)
    }

    pub fn runbook_html(&self) -> PathBuf {
        self.root.join(Self::RUNBOOK_HTML)
    }

    pub fn tasks(&self) -> PathBuf {
        self.root.join(Self::TASKS)
    }

    pub fn dependencies(&self) -> PathBuf {
        self.root.join(Self::DEPENDENCIES)
    }

    pub fn blind_spots(&self) -> PathBuf {
        self.root.join(Self::BLIND_SPOTS)
    }

    /// One service control policy document, `scp/<file>`.
    pub fn scp(&self, file: &str) -> PathBuf {
        self.root.join(Self::SCP).join(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_under_the_root_with_its_documented_name() {
        let layout = Layout::new("out");
        let names: Vec<PathBuf> = vec![
            layout.inventory(),
            layout.plan(),
            layout.assignments(),
            layout.costs(),
            layout.runbook_md(),
            layout.runbook_html(),
            layout.tasks(),
            layout.scp("deny-leave.json"),
            layout.blind_spots(),
            layout.dependencies(),
        ];
        let expected = [
            "out/inventory.json",
            "out/plan.json",
            "out/assignments.csv",
            "out/costs",
            "out/runbook.md",
            "out/runbook.html",
            "out/tasks.csv",
            "out/scp/deny-leave.json",
            "out/blind-spots.csv",
            "out/dependencies.csv",
        ];
        assert_eq!(names, expected.iter().map(PathBuf::from).collect::<Vec<_>>());
    }
}
