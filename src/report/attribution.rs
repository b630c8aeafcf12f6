//! Estimates what each new account will cost per month, from the environment tag groups of
//! the cost export. The plan's environment convention (tag keys and value synonyms) decides
//! which target a tag value belongs to, so the estimate agrees with the classifier; whatever
//! no convention claims is shown as "unattributed", never spread over the targets.

use std::collections::BTreeMap;

use crate::model::{CostSummary, EnvironmentConvention};

/// The label for cost that no target claims.
pub const UNATTRIBUTED: &str = "unattributed";

/// How many recent complete months the estimate averages.
pub const MONTHS_AVERAGED: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// The cost allocation tag key whose groups were used, if any matched the convention.
    pub tag_key: Option<String>,
    /// Other environment-like keys present in the export but not used (to avoid counting the
    /// same spend twice).
    pub ignored_keys: Vec<String>,
    /// The months averaged, oldest first.
    pub months: Vec<String>,
    /// Average monthly amount per target, in the order given, then `unattributed` last.
    pub per_target: Vec<(String, f64)>,
    /// Average monthly total over the same months.
    pub monthly_total: f64,
}

/// Attributes the export's spend to `targets` (target names, in plan order).
pub fn attribute(costs: &CostSummary, convention: &EnvironmentConvention, targets: &[String]) -> Attribution {
    let months = months_to_average(costs);
    let env_keys: Vec<String> = convention.tag_keys.iter().map(|k| normalise(k)).collect();

    // Each tag key's groups add up to the whole bill, so only one key may be used: the one
    // whose values the convention recognises for the most spend (ties: key name order).
    let mut recognised: BTreeMap<&str, f64> = BTreeMap::new();
    for row in &costs.tag_monthly {
        if !env_keys.contains(&normalise(&row.key)) {
            continue;
        }
        let entry = recognised.entry(row.key.as_str()).or_insert(0.0);
        if convention.synonyms.contains_key(&normalise(&row.value)) {
            *entry += row.amount;
        }
    }
    let mut best: Option<(&str, f64)> = None;
    for (key, amount) in &recognised {
        if best.is_none_or(|(_, b)| *amount > b) {
            best = Some((key, *amount));
        }
    }
    let tag_key = best.map(|(k, _)| k.to_owned());
    let ignored_keys = recognised
        .keys()
        .filter(|k| Some(**k) != tag_key.as_deref())
        .map(|k| k.to_string())
        .collect();

    let mut sums: BTreeMap<&str, f64> = targets.iter().map(|t| (t.as_str(), 0.0)).collect();
    let mut unattributed = 0.0;
    let mut total = 0.0;
    for month in &months {
        let month_total = costs
            .monthly_totals
            .iter()
            .find(|m| &m.month == month)
            .map(|m| m.amount)
            .unwrap_or(0.0);
        let mut attributed = 0.0;
        if let Some(key) = &tag_key {
            for row in costs.tag_monthly.iter().filter(|r| &r.key == key && &r.month == month) {
                let target = convention.synonyms.get(&normalise(&row.value));
                if let Some(sum) = target.and_then(|t| sums.get_mut(t.as_str())) {
                    *sum += row.amount;
                    attributed += row.amount;
                }
            }
        }
        total += month_total;
        unattributed += (month_total - attributed).max(0.0);
    }
    let n = months.len().max(1) as f64;
    let mut per_target: Vec<(String, f64)> = targets
        .iter()
        .map(|t| (t.clone(), sums.get(t.as_str()).copied().unwrap_or(0.0) / n))
        .collect();
    per_target.push((UNATTRIBUTED.to_owned(), unattributed / n));
    Attribution {
        tag_key,
        ignored_keys,
        months,
        per_target,
        monthly_total: total / n,
    }
}

/// The last complete months (Cost Explorer marks the running month as estimated); when every
/// month is estimated, the last ones anyway, so a short export still gives a figure.
fn months_to_average(costs: &CostSummary) -> Vec<String> {
    let complete: Vec<&str> = costs
        .monthly_totals
        .iter()
        .filter(|m| !m.estimated)
        .map(|m| m.month.as_str())
        .collect();
    let pool: Vec<&str> = if complete.is_empty() {
        costs.monthly_totals.iter().map(|m| m.month.as_str()).collect()
    } else {
        complete
    };
    let mut months: Vec<String> = pool.iter().map(|m| m.to_string()).collect();
    months.sort();
    months.dedup();
    let skip = months.len().saturating_sub(MONTHS_AVERAGED);
    months.split_off(skip)
}

/// Lower-cased and trimmed, as the classifier compares keys and values.
fn normalise(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MonthAmount, TagMonthAmount};

    fn convention() -> EnvironmentConvention {
        EnvironmentConvention {
            tag_keys: vec!["env".into(), "environment".into()],
            synonyms: [("prod", "prod"), ("production", "prod"), ("dev", "dev"), ("qa", "dev")]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    fn summary(totals: &[(&str, f64, bool)], tags: &[(&str, &str, &str, f64)]) -> CostSummary {
        CostSummary {
            schema_version: 1,
            account_id: "111122223333".into(),
            window_start: "2025-01-01".into(),
            window_end: "2025-06-01".into(),
            generated_at: "2025-05-20T00:00:00Z".into(),
            currency: "USD".into(),
            requests_sent: 10,
            complete: true,
            monthly_totals: totals
                .iter()
                .map(|(m, a, e)| MonthAmount {
                    month: m.to_string(),
                    amount: *a,
                    estimated: *e,
                })
                .collect(),
            top_services: vec![],
            tag_monthly: tags
                .iter()
                .map(|(k, v, m, a)| TagMonthAmount {
                    key: k.to_string(),
                    value: v.to_string(),
                    month: m.to_string(),
                    amount: *a,
                })
                .collect(),
            mismatches: vec![],
            failed: vec![],
        }
    }

    fn targets() -> Vec<String> {
        vec!["prod".into(), "dev".into(), "sandbox".into()]
    }

    #[test]
    fn synonyms_with_case_and_spaces_map_to_their_target_and_the_rest_is_unattributed() {
        let costs = summary(
            &[("2025-01", 100.0, false)],
            &[
                ("Environment", " Production ", "2025-01", 60.0),
                ("Environment", "QA", "2025-01", 25.0),
                ("Environment", "", "2025-01", 10.0),
                ("Environment", "marketing", "2025-01", 5.0),
            ],
        );
        let a = attribute(&costs, &convention(), &targets());
        assert_eq!(a.tag_key.as_deref(), Some("Environment"));
        assert_eq!(
            a.per_target,
            vec![
                ("prod".to_string(), 60.0),
                ("dev".to_string(), 25.0),
                ("sandbox".to_string(), 0.0),
                (UNATTRIBUTED.to_string(), 15.0)
            ]
        );
    }

    #[test]
    fn averages_the_last_three_complete_months_and_skips_the_estimated_one() {
        let costs = summary(
            &[
                ("2025-01", 1000.0, false),
                ("2025-02", 30.0, false),
                ("2025-03", 60.0, false),
                ("2025-04", 90.0, false),
                ("2025-05", 5000.0, true),
            ],
            &[
                ("env", "prod", "2025-02", 30.0),
                ("env", "prod", "2025-03", 60.0),
                ("env", "prod", "2025-04", 60.0),
                ("env", "prod", "2025-05", 5000.0),
            ],
        );
        let a = attribute(&costs, &convention(), &targets());
        assert_eq!(a.months, vec!["2025-02", "2025-03", "2025-04"]);
        assert_eq!(a.per_target[0], ("prod".to_string(), 50.0));
        assert_eq!(a.per_target[3], (UNATTRIBUTED.to_string(), 10.0));
        assert_eq!(a.monthly_total, 60.0);
    }

    #[test]
    fn only_one_environment_key_counts_so_spend_is_not_doubled() {
        let costs = summary(
            &[("2025-01", 100.0, false)],
            &[
                ("env", "dev", "2025-01", 20.0),
                ("env", "", "2025-01", 80.0),
                ("Environment", "prod", "2025-01", 70.0),
                ("Environment", "", "2025-01", 30.0),
            ],
        );
        let a = attribute(&costs, &convention(), &targets());
        assert_eq!(a.tag_key.as_deref(), Some("Environment"));
        assert_eq!(a.ignored_keys, vec!["env".to_string()]);
        let sum: f64 = a.per_target.iter().map(|(_, v)| v).sum();
        assert_eq!(sum, 100.0);
    }

    #[test]
    fn no_environment_key_means_everything_is_unattributed() {
        let costs = summary(&[("2025-01", 42.0, false)], &[("team", "web", "2025-01", 42.0)]);
        let a = attribute(&costs, &convention(), &targets());
        assert_eq!(a.tag_key, None);
        assert_eq!(a.per_target.last().unwrap(), &(UNATTRIBUTED.to_string(), 42.0));
    }

    #[test]
    fn an_export_without_months_gives_zero_not_a_division_by_zero() {
        let costs = summary(&[], &[]);
        let a = attribute(&costs, &convention(), &targets());
        assert!(a.months.is_empty());
        assert!(a.per_target.iter().all(|(_, v)| *v == 0.0));
    }
}
