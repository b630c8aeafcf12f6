//! The built-in sample legacy account (`sample-data/`), embedded in the binary: an inventory
//! produced by scanning a seeded emulator account with the real scanner, and a cost export
//! produced by the real cost exporter. `acctsplit assess --sample` runs on it offline.

use crate::classify::{Rules, RulesError};
use crate::model::{CostSummary, Inventory};

include!(concat!(env!("OUT_DIR"), "/sample_files.rs"));

/// `sample-data/` is laid out like an `assess` output folder: the inventory, and the cost
/// export in its folder.
pub const INVENTORY: &str = crate::layout::Layout::INVENTORY;
/// The sample's own rules: the default rules, plus the acknowledgements of the sample's blind
/// spots (so `assess --sample` shows them and still exits 0).
pub const RULES: &str = "rules.toml";

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("this build has no sample file {0}; rebuild from a checkout that has sample-data/")]
    Missing(&'static str),
    #[error("the built-in sample file {file} is not valid")]
    Invalid {
        file: &'static str,
        source: serde_json::Error,
    },
    #[error("the built-in sample rules are not valid")]
    Rules(#[source] RulesError),
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

/// The sample's rules (`sample-data/rules.toml`).
pub fn rules() -> Result<Rules, SampleError> {
    let bytes = file(RULES).ok_or(SampleError::Missing(RULES))?;
    let text = String::from_utf8_lossy(bytes);
    Rules::parse(&text, "sample-data/rules.toml").map_err(SampleError::Rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample classifies exactly as the defaults do; it only adds acknowledgements.
    #[test]
    fn sample_rules_are_the_default_rules_plus_acknowledgements() {
        let text = std::str::from_utf8(file(RULES).unwrap()).unwrap();
        assert!(
            text.starts_with(crate::classify::DEFAULT_RULES_TOML),
            "sample-data/rules.toml must start with rules/default.toml, unchanged"
        );
        let rules = rules().unwrap();
        assert!(!rules.acknowledge.is_empty());
        assert!(rules.acknowledge.iter().all(|a| !a.reason.is_empty()));
    }

    /// Resource types the scanner reported before the EC2 network parts were added (issue 10).
    const TYPES_BEFORE_NETWORK_PARTS: &[&str] = &[
        "ec2:elastic-ip",
        "ec2:image",
        "ec2:instance",
        "ec2:internet-gateway",
        "ec2:natgateway",
        "ec2:network-interface",
        "ec2:security-group",
        "ec2:snapshot",
        "ec2:subnet",
        "ec2:transit-gateway",
        "ec2:volume",
        "ec2:vpc",
        "s3:bucket",
    ];

    /// Attributes added on purpose since that digest was taken (issue 17: `default_for_az`, so
    /// the classifier can tell AWS's default subnets from hand-made ones in a default VPC).
    /// Their lines are left out; every other byte of those resources must stay the same.
    const ATTRIBUTES_ADDED_SINCE: [&str; 1] = ["\"default_for_az\": "];

    /// Resources of those types added on purpose since: the dev VPC's second subnet, `dev-b`,
    /// which the QA database's subnet group needs (issue 12, `seed_sample_apps`).
    const RESOURCES_ADDED_SINCE: [&str; 1] = ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-71fb41bdba181cab3"];

    /// The text of every resource of those types, in file order, each without its separating
    /// comma and without the lines of [`ATTRIBUTES_ADDED_SINCE`].
    fn resources_of_types_before(text: &str) -> String {
        let mut out = String::new();
        let mut chunk = String::new();
        let mut in_resources = false;
        for line in text.lines() {
            if line == "  \"resources\": [" {
                in_resources = true;
                continue;
            }
            if !in_resources || ATTRIBUTES_ADDED_SINCE.iter().any(|a| line.trim_start().starts_with(a)) {
                continue;
            }
            chunk.push_str(line.trim_end_matches(','));
            chunk.push('\n');
            if line == "    }" || line == "    }," {
                let keep = TYPES_BEFORE_NETWORK_PARTS
                    .iter()
                    .any(|t| chunk.contains(&format!("\n      \"resource_type\": \"{t}\"\n")))
                    && !RESOURCES_ADDED_SINCE
                        .iter()
                        .any(|arn| chunk.contains(&format!("\n      \"arn\": \"{arn}\"")));
                if keep {
                    out.push_str(&chunk);
                }
                chunk.clear();
            }
        }
        out
    }

    /// Adding collectors and resource types must not change a byte of what was already
    /// reported: the digest of the sample account's resources of the earlier types is the one
    /// the scanner produced before issue 10 (sample-data at commit 662559b).
    #[test]
    fn earlier_resources_of_the_sample_account_are_byte_identical() {
        let text = std::str::from_utf8(file(INVENTORY).expect("sample inventory")).unwrap();
        let kept = resources_of_types_before(text);
        assert_eq!(kept.matches("\n      \"arn\": ").count(), 327);
        assert_eq!(
            crate::costs::output::sha256_hex(kept.as_bytes()),
            "3180101eeaa4f75413305e7364e0fe3d4ad4f13a21eb32147557022a0e38b507",
            "a resource reported before the EC2 network parts changed"
        );
    }
}
