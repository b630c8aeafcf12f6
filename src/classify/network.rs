//! A VPC is never split from what it holds without a decision. After the decision passes, a
//! subnet, security group, route table, network ACL, gateway or endpoint with no evidence of
//! its own follows the VPC it is in when that VPC moves; one whose own evidence puts it in
//! another target than its moving VPC is a split, which the plan records as a conflict saying
//! which layout to recreate where.

use super::engine::{Basis, Decision, Note};
use super::graph::Graph;
use super::groups::NETWORK_TYPES;
use super::rules::Rules;

/// A part of a moving VPC placed in another target by its own evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split {
    pub part: usize,
    pub vpc: usize,
}

/// Moves the parts without evidence along with their VPC; returns the splits that remain.
pub(crate) fn keep_vpcs_whole(graph: &Graph<'_>, rules: &Rules, decisions: &mut [Decision<'_>]) -> Vec<Split> {
    let Some(in_vpc) = graph.kind_id("in-vpc") else {
        return Vec::new();
    };
    let mut splits = Vec::new();
    for i in 0..graph.len() {
        let ty = graph.resources[i].resource_type.as_str();
        if ty == "ec2:vpc" || !NETWORK_TYPES.contains(&ty) {
            continue;
        }
        let Some(vpc) = graph
            .related(i, in_vpc)
            .find(|&v| graph.resources[v].resource_type == "ec2:vpc")
        else {
            continue;
        };
        let vpc_target = decisions[vpc].target;
        if vpc_target == rules.legacy || !decisions[vpc].has_signal() || decisions[i].target == vpc_target {
            continue;
        }
        match decisions[i].basis {
            Basis::NoSignal => {
                let decision = &mut decisions[i];
                decision.target = vpc_target;
                decision.basis = Basis::Follows { via: vpc, kind: in_vpc };
                decision
                    .notes
                    .retain(|n| !matches!(n, Note::EnvUnknown { .. } | Note::UsedBy { .. }));
            }
            // AWS's own parts and conflicts already say where they go.
            Basis::AwsDefault { .. } | Basis::Conflict { .. } => {}
            _ => splits.push(Split { part: i, vpc }),
        }
    }
    splits
}

#[cfg(test)]
mod tests {
    use crate::classify::{Rules, classify};
    use crate::testkit::build::*;

    const VPC: &str = "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-tools";
    const SUBNET: &str = "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-tools";
    const SG: &str = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-tools";

    fn plan(resources: Vec<crate::model::Resource>) -> crate::model::Plan {
        classify(&inventory(resources), &Rules::default_rules())
    }

    #[test]
    fn subnets_and_groups_without_evidence_follow_their_moving_vpc() {
        let plan = plan(vec![
            res(VPC, "ec2:vpc").tag("TIER", "tools"),
            res(SUBNET, "ec2:subnet").rel("in-vpc", VPC),
            res(SG, "ec2:security-group").rel("in-vpc", VPC),
        ]);
        for arn in [SUBNET, SG] {
            let a = plan.assignments.iter().find(|a| a.arn == arn).unwrap();
            assert_eq!(
                (a.target.as_str(), a.rule.as_str(), a.needs_review),
                ("shared", "follows", false)
            );
        }
        assert!(plan.conflicts.is_empty());
    }

    #[test]
    fn a_part_with_its_own_evidence_elsewhere_is_a_recorded_split() {
        let plan = plan(vec![
            res(VPC, "ec2:vpc").tag("TIER", "tools"),
            res(SUBNET, "ec2:subnet").tag("env", "dev").rel("in-vpc", VPC),
        ]);
        let a = plan.assignments.iter().find(|a| a.arn == SUBNET).unwrap();
        assert_eq!(a.target, "dev");
        let c = plan
            .conflicts
            .iter()
            .find(|c| c.arn == SUBNET)
            .expect("a split is a conflict");
        assert_eq!(c.used_by, ["dev", "shared"]);
        assert!(c.reason.contains("VPC"), "{}", c.reason);
    }
}
