//! What every plan must hold, checked on any inventory and plan (the sample's in a unit test,
//! a seeded emulator account's in an integration test): an instance's attached volumes and
//! network interfaces are in its unit; a moving VPC leaves no subnet or security group behind
//! without a recorded conflict; every workload's cutover waits for all its units; units come
//! after what they depend on; a volume carried in its instance's AMI is not snapshotted on its
//! own; the default-key caveat of an instance or volume appears only where a disk is on that key.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Dependency, Inventory, Plan};

/// Every broken invariant, as a sentence naming the resources; empty when the plan holds.
pub fn plan_problems(inventory: &Inventory, plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    let row: BTreeMap<&str, _> = plan.assignments.iter().map(|a| (a.arn.as_str(), a)).collect();
    let moving = |arn: &str| row.get(arn).is_some_and(|a| a.unit.is_some());
    let conflicts: BTreeSet<&str> = plan.conflicts.iter().map(|c| c.arn.as_str()).collect();
    let unit_method: BTreeMap<&str, &str> = plan.units.iter().map(|u| (u.id.as_str(), u.method.as_str())).collect();
    // An EBS disk on the default AWS-managed key: encrypted, with no key, an `aws/` alias, or a
    // key the scan saw as AWS-managed (EC2 names it by ARN).
    let aws_managed: BTreeSet<&str> = inventory
        .resources
        .iter()
        .filter(|r| r.resource_type == "kms:key" && r.attr_bool("aws_managed") == Some(true))
        .map(|r| r.arn.as_str())
        .collect();
    let on_default_key = |r: &crate::model::Resource| {
        r.attr_bool("encrypted") == Some(true)
            && r.attr_str("kms_key_id").is_none_or(|k| {
                k.is_empty()
                    || k.contains("alias/aws/")
                    || aws_managed.contains(k)
                    || r.related("uses-key").any(|key| aws_managed.contains(key))
            })
    };
    let mut default_key_disks: BTreeSet<&str> = BTreeSet::new();
    for r in &inventory.resources {
        if r.resource_type == "ec2:volume" && on_default_key(r) {
            default_key_disks.insert(r.arn.as_str());
            default_key_disks.extend(r.related("attached-to"));
        }
    }
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
        let in_ami = a
            .unit
            .as_deref()
            .is_some_and(|u| unit_method.get(u) == Some(&"share-ami"));
        if r.resource_type == "ec2:volume" && in_ami && a.method.as_str() == "share-snapshot" {
            problems.push(format!(
                "{} travels in its instance's AMI but is also snapshotted on its own",
                r.arn
            ));
        }
        let ebs = matches!(r.resource_type.as_str(), "ec2:volume" | "ec2:instance");
        if ebs && a.method_notes.contains("default AWS-managed key") && !default_key_disks.contains(r.arn.as_str()) {
            problems.push(format!(
                "{} has the default-key caveat, but no disk of it is on the default key",
                r.arn
            ));
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
    fn a_caveat_where_it_does_not_apply_and_a_volume_copied_twice_are_reported() {
        let inventory = crate::sample::inventory().unwrap();
        let rules = crate::sample::rules().unwrap();
        let mut plan = crate::classify::classify(&inventory, &rules);
        // The sample's moving instances have unencrypted volumes only.
        let instance = plan
            .assignments
            .iter_mut()
            .find(|a| a.resource_type == "ec2:instance" && a.unit.is_some())
            .expect("a moving instance");
        assert!(
            !instance.method_notes.contains("AWS-managed"),
            "{}",
            instance.method_notes
        );
        instance.method_notes = "volumes on the default AWS-managed key need a copy".into();
        let volume = plan
            .assignments
            .iter_mut()
            .find(|a| a.resource_type == "ec2:volume" && a.method == "share-ami")
            .expect("a volume carried in an AMI");
        assert!(
            volume.method_notes.starts_with("carried in the AMI of instance "),
            "{}",
            volume.method_notes
        );
        volume.method = "share-snapshot".into();
        let problems = plan_problems(&inventory, &plan);
        assert!(
            problems.iter().any(|p| p.contains("has the default-key caveat")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("also snapshotted on its own")),
            "{problems:?}"
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
