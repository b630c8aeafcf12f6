//! What every plan must hold, checked on any inventory and plan (the sample's in a unit test,
//! a seeded emulator account's in an integration test): an instance's attached volumes and
//! network interfaces are in its unit; a moving VPC leaves no subnet or security group behind
//! without a recorded conflict; every workload's cutover waits for all its units; units come
//! after what they depend on.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Dependency, Inventory, Plan};

/// Every broken invariant, as a sentence naming the resources; empty when the plan holds.
pub fn plan_problems(inventory: &Inventory, plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    let row: BTreeMap<&str, _> = plan.assignments.iter().map(|a| (a.arn.as_str(), a)).collect();
    let moving = |arn: &str| row.get(arn).is_some_and(|a| a.unit.is_some());
    let conflicts: BTreeSet<&str> = plan.conflicts.iter().map(|c| c.arn.as_str()).collect();
    for r in &inventory.resources {
        let Some(a) = row.get(r.arn.as_str()) else {
            problems.push(format!("{} has no assignment", r.arn));
            continue;
        };
        if a.unit.is_some() != a.workload.is_some() || a.unit.is_some() == (a.method.as_str() == "stay") {
            problems.push(format!(
                "{} moves without a unit and workload, or stays with one",
                r.arn
            ));
        }
        if matches!(r.resource_type.as_str(), "ec2:volume" | "ec2:network-interface") {
            for instance in r.related("attached-to") {
                let Some(i) = row.get(instance) else { continue };
                if moving(instance) && i.target == a.target && i.unit != a.unit {
                    problems.push(format!(
                        "{} is attached to moving {instance} but not in its unit",
                        r.arn
                    ));
                }
            }
        }
        if matches!(r.resource_type.as_str(), "ec2:subnet" | "ec2:security-group") {
            for vpc in r.related("in-vpc") {
                let Some(v) = row.get(vpc) else { continue };
                if moving(vpc) && v.target != a.target && !conflicts.contains(r.arn.as_str()) {
                    problems.push(format!(
                        "{} stays in {} while its VPC {vpc} moves to {}, with no recorded conflict",
                        r.arn, a.target, v.target
                    ));
                }
            }
        }
    }
    let position: BTreeMap<&str, usize> = plan.units.iter().enumerate().map(|(i, u)| (u.id.as_str(), i)).collect();
    for (i, unit) in plan.units.iter().enumerate() {
        for dep in &unit.depends_on {
            if let Dependency::Unit(d) = dep
                && position.get(d.as_str()).is_none_or(|&p| p >= i)
            {
                problems.push(format!(
                    "unit {} depends on {d}, which does not come before it",
                    unit.id
                ));
            }
        }
    }
    for w in &plan.workloads {
        let waits: BTreeSet<&str> = w
            .cutover_after
            .iter()
            .filter_map(|d| match d {
                Dependency::Unit(u) => Some(u.as_str()),
                _ => None,
            })
            .collect();
        let has_cutover = !w.cutover_after.is_empty();
        for u in &w.units {
            if has_cutover && !waits.contains(u.as_str()) {
                problems.push(format!("the cutover of {} does not wait for its unit {u}", w.id));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_plan_holds_every_invariant() {
        let inventory = crate::sample::inventory().unwrap();
        let rules = crate::sample::rules().unwrap();
        let plan = crate::classify::classify(&inventory, &rules);
        assert_eq!(plan_problems(&inventory, &plan), Vec::<String>::new());
        // The sample's instances do carry attached volumes, so the check is not empty.
        assert!(
            plan.units
                .iter()
                .any(|u| u.resources.iter().any(|r| r.contains(":volume/")) && u.method == "share-ami")
        );
    }

    #[test]
    fn a_volume_outside_its_instances_unit_is_reported() {
        let inventory = crate::sample::inventory().unwrap();
        let rules = crate::sample::rules().unwrap();
        let mut plan = crate::classify::classify(&inventory, &rules);
        let volume = plan
            .assignments
            .iter_mut()
            .find(|a| a.resource_type == "ec2:volume" && a.unit.as_deref().is_some_and(|u| !u.contains("vol")))
            .expect("an attached moving volume");
        volume.unit = Some("dev/elsewhere".into());
        assert!(
            plan_problems(&inventory, &plan)
                .iter()
                .any(|p| p.contains("not in its unit"))
        );
    }
}
