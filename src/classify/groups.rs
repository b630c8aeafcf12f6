//! Move groups: the resources that move to one target together. Resources going to the same
//! (non-legacy) target and connected through relations, or sharing a VPC, subnet or security
//! group (even one that stays behind), form a component; resources left alone join the other
//! lone resources of their target, region and stage; each component is
//! split by stage (network, security, data, compute, other), because a VPC must exist in the
//! target before the instances that run in it. Ids are stable: the same plan input always gives
//! `dev-01-network`, `dev-02-security`, ... in the same order.

use std::collections::hash_map::Entry;

use super::graph::{FastMap, Graph};
use super::methods::{Stage, stage_of};
use crate::model::{MoveGroup, Shared};

/// Union-find over resource indices, with path halving and union by size.
struct Components {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl Components {
    fn new(n: usize) -> Self {
        Components {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] as usize != i {
            let grand = self.parent[self.parent[i] as usize];
            self.parent[i] = grand;
            i = grand as usize;
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a as u32;
        self.size[a] += self.size[b];
    }
}

/// The move groups in migration order, and for each resource the index of its group.
pub(crate) struct Grouping {
    pub groups: Vec<MoveGroup>,
    pub of_resource: Vec<Option<u32>>,
}

/// `targets[i]` is the target index of resource `i`, or `None` when it stays.
/// `target_names` and `arns` are the shared texts the groups hold.
pub(crate) fn move_groups(
    graph: &Graph<'_>,
    targets: &[Option<usize>],
    target_names: &[Shared],
    arns: &[Shared],
) -> Grouping {
    let n = graph.len();
    let mut components = Components::new(n);
    for (i, target) in targets.iter().enumerate() {
        let Some(target) = target else { continue };
        for edge in graph.edges(i) {
            if targets[edge.to as usize] == Some(*target) {
                components.union(i, edge.to as usize);
            }
        }
    }
    // Resources of one target that sit in the same VPC or subnet, or use the same security
    // group, move together even when that container stays behind (a conflict): otherwise every
    // dev security group in a shared VPC would be a move group of its own.
    let container_kinds: Vec<u16> = super::engine::CONTAINER_USES
        .iter()
        .filter_map(|(kind, _)| graph.kind_id(kind))
        .collect();
    let mut first_user: FastMap<(u32, usize), usize> = FastMap::default();
    for (i, target) in targets.iter().enumerate() {
        let Some(target) = target else { continue };
        for edge in graph.edges(i) {
            if !container_kinds.contains(&edge.kind) {
                continue;
            }
            match first_user.entry((edge.to, *target)) {
                Entry::Occupied(first) => components.union(i, *first.get()),
                Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
    }
    drop(first_user);
    // What is still alone (an unattached volume, a snapshot, a bucket) joins the other lone
    // resources of its target, region and stage: one group to work through instead of dozens,
    // and no made-up dependency between unrelated resources of different stages.
    let mut loners: FastMap<(usize, &str, Stage), usize> = FastMap::default();
    for (i, target) in targets.iter().enumerate() {
        let Some(target) = target else { continue };
        let root = components.find(i);
        if components.size[root] != 1 {
            continue;
        }
        let res = &graph.resources[i];
        let key = (*target, super::engine::region_of(res), stage_of(&res.resource_type));
        match loners.entry(key) {
            Entry::Occupied(first) => components.union(i, *first.get()),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    drop(loners);
    // A component is named by its first ARN, so the order does not depend on input order.
    let mut rank = vec![0u32; n];
    for (position, &i) in graph.by_arn_order.iter().enumerate() {
        rank[i as usize] = position as u32;
    }
    let mut first_of_root: Vec<u32> = vec![u32::MAX; n];
    let mut roots: Vec<u32> = vec![0; n];
    for i in 0..n {
        if targets[i].is_none() {
            continue;
        }
        let root = components.find(i);
        roots[i] = root as u32;
        first_of_root[root] = first_of_root[root].min(rank[i]);
    }
    drop(components);
    let mut keyed: Vec<(u16, Stage, u32, u32)> = Vec::new();
    for i in 0..n {
        let Some(target) = targets[i] else { continue };
        let stage = stage_of(&graph.resources[i].resource_type);
        keyed.push((target as u16, stage, first_of_root[roots[i] as usize], rank[i]));
    }
    drop((first_of_root, roots, rank));
    keyed.sort_unstable();

    // Groups per target, to size the number in the id.
    let mut per_target: Vec<usize> = vec![0; target_names.len()];
    let mut previous: Option<(u16, Stage, u32)> = None;
    for &(target, stage, component, _) in &keyed {
        if previous != Some((target, stage, component)) {
            per_target[target as usize] += 1;
            previous = Some((target, stage, component));
        }
    }

    let total: usize = per_target.iter().sum();
    let mut groups: Vec<MoveGroup> = Vec::with_capacity(total);
    // (target, component) of each group, to find the earlier stages of the same component.
    let mut group_keys: Vec<(u16, u32)> = Vec::with_capacity(total);
    let mut of_resource: Vec<Option<u32>> = vec![None; n];
    let mut number: Vec<usize> = vec![0; target_names.len()];
    let mut previous: Option<(u16, Stage, u32)> = None;
    for &(target, stage, component, arn_rank) in &keyed {
        if previous != Some((target, stage, component)) {
            previous = Some((target, stage, component));
            let count = &mut number[target as usize];
            *count += 1;
            let width = per_target[target as usize].to_string().len().max(2);
            let name = &target_names[target as usize];
            groups.push(MoveGroup {
                id: Shared::from(format!("{name}-{:0width$}-{}", *count, stage.as_str())),
                target: name.clone(),
                stage: stage.as_str().to_owned(),
                resources: Vec::new(),
                depends_on: Vec::new(),
            });
            group_keys.push((target, component));
        }
        let i = graph.by_arn_order[arn_rank as usize] as usize;
        of_resource[i] = Some((groups.len() - 1) as u32);
        let group = groups.last_mut().expect("a group was just pushed");
        group.resources.push(arns[i].clone());
    }
    drop(keyed);
    // Most groups hold one or two resources: do not keep the growth slack of a million vectors.
    for group in &mut groups {
        group.resources.shrink_to_fit();
    }
    // Groups of one component are in stage order already; each depends on those before it.
    let mut by_component: Vec<u32> = (0..groups.len() as u32).collect();
    by_component.sort_unstable_by_key(|&g| (group_keys[g as usize], g));
    for run in by_component.chunk_by(|&a, &b| group_keys[a as usize] == group_keys[b as usize]) {
        for (k, &g) in run.iter().enumerate().skip(1) {
            let before: Vec<Shared> = run[..k].iter().map(|&e| groups[e as usize].id.clone()).collect();
            groups[g as usize].depends_on = before;
        }
    }
    Grouping { groups, of_resource }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Resource;
    use crate::testkit::build::*;

    /// Move groups for the given targets (0 prod, 1 dev, 2 sandbox).
    fn group(graph: &Graph<'_>, targets: &[Option<usize>]) -> Grouping {
        let names: Vec<Shared> = ["prod", "dev", "sandbox"].map(Shared::from).into();
        let arns: Vec<Shared> = graph.resources.iter().map(|r| Shared::from(&r.arn)).collect();
        move_groups(graph, targets, &names, &arns)
    }

    fn dev_stack() -> Vec<Resource> {
        vec![
            res("arn:i-1", "ec2:instance")
                .rel("in-subnet", "arn:subnet-1")
                .rel("has-security-group", "arn:sg-1"),
            res("arn:sg-1", "ec2:security-group").rel("in-vpc", "arn:vpc-1"),
            res("arn:subnet-1", "ec2:subnet").rel("in-vpc", "arn:vpc-1"),
            res("arn:vol-1", "ec2:volume").rel("attached-to", "arn:i-1"),
            res("arn:vpc-1", "ec2:vpc"),
        ]
    }

    #[test]
    fn one_component_splits_into_ordered_stages_with_dependencies() {
        let resources = dev_stack();
        let graph = Graph::build(&resources);
        let grouping = group(&graph, &[Some(1); 5]);
        let summary: Vec<(&str, &str, Vec<&str>, Vec<&str>)> = grouping
            .groups
            .iter()
            .map(|g| {
                (
                    g.id.as_str(),
                    g.stage.as_str(),
                    g.resources.iter().map(Shared::as_str).collect(),
                    g.depends_on.iter().map(Shared::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("dev-01-network", "network", vec!["arn:subnet-1", "arn:vpc-1"], vec![]),
                ("dev-02-security", "security", vec!["arn:sg-1"], vec!["dev-01-network"]),
                (
                    "dev-03-data",
                    "data",
                    vec!["arn:vol-1"],
                    vec!["dev-01-network", "dev-02-security"]
                ),
                (
                    "dev-04-compute",
                    "compute",
                    vec!["arn:i-1"],
                    vec!["dev-01-network", "dev-02-security", "dev-03-data"]
                ),
            ]
        );
        assert_eq!(grouping.of_resource, [Some(3), Some(1), Some(0), Some(2), Some(0)]);
    }

    #[test]
    fn staying_resources_and_other_targets_split_components() {
        let resources = dev_stack();
        let graph = Graph::build(&resources);
        // The VPC and subnet stay; the instance goes to dev, its volume to sandbox.
        let targets = [Some(1), Some(1), None, Some(2), None];
        let grouping = group(&graph, &targets);
        let ids: Vec<&str> = grouping.groups.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["dev-01-security", "dev-02-compute", "sandbox-01-data"]);
        assert_eq!(grouping.groups[1].depends_on, ["dev-01-security"]);
        assert!(grouping.groups[2].depends_on.is_empty());
        assert_eq!(grouping.of_resource[2], None);
    }

    #[test]
    fn lone_resources_share_a_group_per_stage_without_dependencies() {
        let resources = vec![
            res("arn:aws:s3:::a", "s3:bucket"),
            res("arn:aws:s3:::b", "s3:bucket"),
            res("arn:i-9", "ec2:instance"),
        ];
        let graph = Graph::build(&resources);
        let grouping = group(&graph, &[Some(1); 3]);
        let ids: Vec<&str> = grouping.groups.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["dev-01-data", "dev-02-compute"]);
        assert_eq!(grouping.groups[0].resources, ["arn:aws:s3:::a", "arn:aws:s3:::b"]);
        assert!(grouping.groups.iter().all(|g| g.depends_on.is_empty()));
    }

    #[test]
    fn ids_widen_past_99_groups() {
        let resources: Vec<Resource> = (0..120)
            .flat_map(|i| {
                [
                    res(&format!("arn:i-{i:03}"), "ec2:instance"),
                    res(&format!("arn:vol-{i:03}"), "ec2:volume").rel("attached-to", &format!("arn:i-{i:03}")),
                ]
            })
            .collect();
        let graph = Graph::build(&resources);
        let grouping = group(&graph, &vec![Some(1); 240]);
        assert_eq!(grouping.groups.len(), 240);
        assert_eq!(grouping.groups[0].id, "dev-001-data");
        assert_eq!(grouping.groups[239].id, "dev-240-compute");
    }

    #[test]
    fn order_does_not_depend_on_input_order() {
        let mut resources = dev_stack();
        let graph = Graph::build(&resources);
        let a = group(&graph, &[Some(1); 5]).groups;
        resources.reverse();
        let graph = Graph::build(&resources);
        let b = group(&graph, &[Some(1); 5]).groups;
        assert_eq!(a, b);
    }
}
