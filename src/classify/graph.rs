//! The resource graph: every ARN indexed once, and every relation resolved to an index, so the
//! later passes (propagation, conflicts, move groups, cross-target edges) run in linear time
//! on a million resources instead of searching the inventory again and again.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::Resource;

/// A fast, non-cryptographic hasher for ARN keys (multiply-rotate over 8-byte words). The
/// inventory is local input, so resistance to crafted collisions is not needed; SipHash made
/// indexing a million ARNs several times slower.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // Fold the high bits down: hash tables index buckets by the low bits, which a final
        // multiplication leaves weak.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

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
        let mut by_arn: FastMap<&'a str, u32> = FastMap::with_capacity_and_hasher(n, Default::default());
        for (i, r) in resources.iter().enumerate() {
            by_arn.entry(r.arn.as_str()).or_insert(i as u32);
        }
        let mut kinds: Vec<&'a str> = Vec::new();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut edges = Vec::with_capacity(resources.iter().map(|r| r.relations.len()).sum());
        offsets.push(0u32);
        for r in resources {
            for rel in &r.relations {
                let Some(&to) = by_arn.get(rel.arn.as_str()) else {
                    continue;
                };
                // A handful of kinds: a linear scan beats hashing.
                let kind = match kinds.iter().position(|k| *k == rel.kind) {
                    Some(k) => k as u16,
                    None => {
                        // More than 65,535 distinct relation kinds cannot come from a scan;
                        // fold the excess into the last id rather than fail.
                        if kinds.len() <= u16::MAX as usize {
                            kinds.push(rel.kind.as_str());
                        }
                        (kinds.len() - 1) as u16
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
    use crate::testkit::build::*;

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
