//! The resource graph: every ARN indexed once, and every relation resolved to an index, so the
//! later passes (propagation, conflicts, move groups, cross-target edges) run in linear time
//! on a million resources instead of searching the inventory again and again.

use std::collections::HashMap;

use crate::model::Resource;

/// A relation resolved to the index of a resource that is in the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    /// Index into [`Graph::kinds`].
    pub kind: u16,
    pub to: u32,
}

pub(crate) struct Graph<'a> {
    pub resources: &'a [Resource],
    /// Relation kinds seen, interned.
    pub kinds: Vec<&'a str>,
    /// `edges[offsets[i]..offsets[i + 1]]` are the relations of resource `i`, in its order.
    offsets: Vec<u32>,
    edges: Vec<Edge>,
    /// Resource indices sorted by ARN (the inventory is normally sorted already).
    pub by_arn_order: Vec<u32>,
}

impl<'a> Graph<'a> {
    pub fn build(resources: &'a [Resource]) -> Graph<'a> {
        let n = resources.len();
        let mut by_arn: HashMap<&'a str, u32> = HashMap::with_capacity(n);
        for (i, r) in resources.iter().enumerate() {
            by_arn.entry(r.arn.as_str()).or_insert(i as u32);
        }
        let mut kinds: Vec<&'a str> = Vec::new();
        let mut kind_ids: HashMap<&'a str, u16> = HashMap::new();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut edges = Vec::with_capacity(resources.iter().map(|r| r.relations.len()).sum());
        offsets.push(0u32);
        for r in resources {
            for rel in &r.relations {
                let Some(&to) = by_arn.get(rel.arn.as_str()) else {
                    continue;
                };
                let kind = match kind_ids.get(rel.kind.as_str()) {
                    Some(&k) => k,
                    None => {
                        // More than 65,535 distinct relation kinds cannot come from a scan;
                        // fold the excess into the last id rather than fail.
                        let k = kinds.len().min(u16::MAX as usize) as u16;
                        if (k as usize) == kinds.len() {
                            kinds.push(rel.kind.as_str());
                        }
                        kind_ids.insert(rel.kind.as_str(), k);
                        k
                    }
                };
                edges.push(Edge { kind, to });
            }
            offsets.push(edges.len() as u32);
        }
        let mut by_arn_order: Vec<u32> = (0..n as u32).collect();
        if !resources.is_sorted_by(|a, b| a.arn <= b.arn) {
            by_arn_order.sort_by(|&a, &b| resources[a as usize].arn.cmp(&resources[b as usize].arn));
        }
        drop(by_arn);
        Graph {
            resources,
            kinds,
            offsets,
            edges,
            by_arn_order,
        }
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn edges(&self, i: usize) -> &[Edge] {
        &self.edges[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    pub fn kind_id(&self, kind: &str) -> Option<u16> {
        self.kinds.iter().position(|k| *k == kind).map(|k| k as u16)
    }

    pub fn kind(&self, id: u16) -> &'a str {
        self.kinds[id as usize]
    }

    /// Related resources of one kind.
    pub fn related(&self, i: usize, kind: u16) -> impl Iterator<Item = usize> + '_ {
        self.edges(i)
            .iter()
            .filter(move |e| e.kind == kind)
            .map(|e| e.to as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::testkit::*;

    #[test]
    fn relations_resolve_to_indices_and_unknown_arns_are_dropped() {
        let resources = vec![
            res("arn:a", "ec2:instance")
                .rel("in-subnet", "arn:b")
                .rel("in-vpc", "arn:missing"),
            res("arn:b", "ec2:subnet"),
        ];
        let graph = Graph::build(&resources);
        assert_eq!(graph.len(), 2);
        let edges = graph.edges(0);
        assert_eq!(edges.len(), 1);
        assert_eq!(graph.kind(edges[0].kind), "in-subnet");
        assert_eq!(edges[0].to, 1);
        assert!(graph.edges(1).is_empty());
        assert_eq!(graph.kind_id("in-vpc"), None);
    }

    #[test]
    fn unsorted_inventories_get_an_arn_order() {
        let resources = vec![res("arn:c", "x:y"), res("arn:a", "x:y"), res("arn:b", "x:y")];
        let graph = Graph::build(&resources);
        assert_eq!(graph.by_arn_order, [1, 2, 0]);
    }
}
