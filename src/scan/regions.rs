//! Region selection: `all` means every region enabled for the account; a list is checked
//! against the region names the account knows, so a typo stops the run before any scan.

use crate::model::{Coverage, CoverageStatus};

use super::RegionSelection;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("`--regions` is empty; give `all` or a comma-separated list such as `us-east-1,eu-west-1`")]
    Empty,
    #[error("unknown region `{name}` in `--regions`; valid names look like `us-east-1`{known}")]
    Unknown { name: String, known: String },
}

/// Parses `--regions`, checking only the form of each name (no network).
pub fn parse(text: &str) -> Result<RegionSelection, RegionError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("all") {
        return Ok(RegionSelection::All);
    }
    let mut names: Vec<String> = text
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err(RegionError::Empty);
    }
    for name in &names {
        if !looks_like_region(name) {
            return Err(RegionError::Unknown {
                name: name.clone(),
                known: String::new(),
            });
        }
    }
    names.sort();
    names.dedup();
    Ok(RegionSelection::List(names))
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`...
fn looks_like_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// The regions to scan and the ones to report as skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub scan: Vec<String>,
    /// (region, why) pairs, sorted.
    pub skipped: Vec<(String, String)>,
}

impl Chosen {
    /// A skipped row for each skipped region and each service that runs per region.
    pub fn skipped_coverage(&self, regional_services: &[&str]) -> Vec<Coverage> {
        let mut rows = Vec::new();
        for (region, why) in &self.skipped {
            for &service in regional_services {
                rows.push(Coverage {
                    service: service.to_owned(),
                    region: region.clone(),
                    status: CoverageStatus::Skipped,
                    detail: Some(why.clone()),
                    requests: 0,
                });
            }
        }
        rows
    }
}

const NOT_ENABLED: &str = "opt-in region not enabled for this account";

/// Applies the selection to what the account reported. An explicit region that is a known
/// opt-in region but not enabled is skipped (and reported), not probed.
pub fn choose(selection: &RegionSelection, enabled: &[String], disabled: &[String]) -> Result<Chosen, RegionError> {
    let mut chosen = match selection {
        RegionSelection::All => Chosen {
            scan: enabled.to_vec(),
            skipped: disabled.iter().map(|r| (r.clone(), NOT_ENABLED.to_owned())).collect(),
        },
        RegionSelection::List(names) => {
            let mut chosen = Chosen {
                scan: Vec::new(),
                skipped: Vec::new(),
            };
            for name in names {
                if enabled.contains(name) {
                    chosen.scan.push(name.clone());
                } else if disabled.contains(name) {
                    chosen.skipped.push((name.clone(), NOT_ENABLED.to_owned()));
                } else {
                    let mut known: Vec<&str> = enabled.iter().chain(disabled).map(String::as_str).collect();
                    known.sort_unstable();
                    return Err(RegionError::Unknown {
                        name: name.clone(),
                        known: format!("; this account knows {}", known.join(", ")),
                    });
                }
            }
            chosen
        }
    };
    chosen.scan.sort();
    chosen.skipped.sort();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parse_accepts_all_and_lists() {
        assert_eq!(parse("all").unwrap(), RegionSelection::All);
        assert_eq!(parse(" ALL ").unwrap(), RegionSelection::All);
        assert_eq!(
            parse("eu-west-1, us-east-1,eu-west-1").unwrap(),
            RegionSelection::List(names(&["eu-west-1", "us-east-1"]))
        );
        assert!(parse("us-gov-west-1").is_ok());
    }

    #[test]
    fn parse_rejects_malformed_names() {
        for bad in ["us-east", "US-EAST-1", "useast1", "us-east-1a", "us_east_1", "mars-1"] {
            assert!(matches!(parse(bad), Err(RegionError::Unknown { .. })), "{bad}");
        }
        assert_eq!(parse(" , "), Err(RegionError::Empty));
    }

    #[test]
    fn all_scans_enabled_and_skips_disabled_opt_in_regions() {
        let chosen = choose(
            &RegionSelection::All,
            &names(&["us-east-1", "eu-west-1"]),
            &names(&["af-south-1"]),
        )
        .unwrap();
        assert_eq!(chosen.scan, names(&["eu-west-1", "us-east-1"]));
        assert_eq!(
            chosen.skipped,
            vec![("af-south-1".to_string(), NOT_ENABLED.to_string())]
        );
        let rows = chosen.skipped_coverage(&["ec2", "tagging"]);
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter()
                .all(|r| r.status == CoverageStatus::Skipped && r.requests == 0)
        );
    }

    #[test]
    fn explicit_unknown_region_is_an_error_naming_it() {
        let err = choose(
            &RegionSelection::List(names(&["xx-nowhere-9"])),
            &names(&["us-east-1"]),
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("xx-nowhere-9"), "{err}");
        assert!(err.to_string().contains("us-east-1"), "{err}");
    }

    #[test]
    fn explicit_disabled_region_is_skipped_not_probed() {
        let chosen = choose(
            &RegionSelection::List(names(&["af-south-1", "us-east-1"])),
            &names(&["us-east-1"]),
            &names(&["af-south-1"]),
        )
        .unwrap();
        assert_eq!(chosen.scan, names(&["us-east-1"]));
        assert_eq!(chosen.skipped.len(), 1);
    }
}
