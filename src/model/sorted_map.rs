//! [`SortedMap`]: a string-keyed map kept as one sorted vector. A resource has a handful of tags
//! and attributes, often one; a `BTreeMap` allocates a node of about 550 bytes for the first
//! entry, which on a million-resource snapshot cost more than half a gigabyte. A sorted vector
//! holds exactly its entries, looks up by binary search, and serialises as the same JSON object.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A map from `String` keys to `V`, sorted by key, keys unique.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<V> SortedMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.find(key).ok().map(|at| &self.entries[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Builds the map from entries in any order; for a repeated key the last value wins, as
    /// for `BTreeMap` and for a JSON object read by serde.
    fn from_entries(mut entries: Vec<(String, V)>) -> Self {
        // Stable, so equal keys keep their input order and the last one can be kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut kept: Vec<(String, V)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        kept.shrink_to_fit();
        SortedMap { entries: kept }
    }
}

impl<V: fmt::Debug> fmt::Debug for SortedMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> FromIterator<(String, V)> for SortedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        Self::from_entries(iter.into_iter().collect())
    }
}

impl<V, const N: usize> From<[(String, V); N]> for SortedMap<V> {
    fn from(entries: [(String, V); N]) -> Self {
        Self::from_entries(entries.into())
    }
}

impl<V> IntoIterator for SortedMap<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'m, V> IntoIterator for &'m SortedMap<V> {
    type Item = (&'m String, &'m V);
    type IntoIter = std::iter::Map<std::slice::Iter<'m, (String, V)>, fn(&'m (String, V)) -> (&'m String, &'m V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<V> std::ops::Index<&str> for SortedMap<V> {
    type Output = V;

    /// Panics when the key is absent, like `BTreeMap`'s index.
    fn index(&self, key: &str) -> &V {
        self.get(key).unwrap_or_else(|| panic!("no entry for key {key:?}"))
    }
}

impl<V: Serialize> Serialize for SortedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SortedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SortedMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                // Files written by the tool are sorted already; only others need the sort.
                if entries.is_sorted_by(|a: &(String, V), b| a.0 < b.0) {
                    entries.shrink_to_fit();
                    return Ok(SortedMap { entries });
                }
                Ok(SortedMap::from_entries(entries))
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn map(entries: &[(&str, u32)]) -> SortedMap<u32> {
        entries.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn behaves_like_a_btreemap() {
        let ops: [(&str, u32); 7] = [("b", 1), ("a", 2), ("c", 3), ("a", 4), ("", 5), ("B", 6), ("b", 7)];
        let mut ours = SortedMap::new();
        let mut theirs = BTreeMap::new();
        for (k, v) in ops {
            assert_eq!(
                ours.insert(k.to_owned(), v),
                theirs.insert(k.to_owned(), v),
                "insert {k}"
            );
        }
        assert_eq!(ours.len(), theirs.len());
        assert!(ours.iter().eq(theirs.iter()));
        for key in ["a", "b", "B", "", "z"] {
            assert_eq!(ours.get(key), theirs.get(key), "get {key}");
            assert_eq!(ours.contains_key(key), theirs.contains_key(key), "contains {key}");
        }
        assert!(ours.keys().eq(theirs.keys()));
        assert_eq!(ours["c"], 3);
    }

    #[test]
    fn collecting_sorts_and_keeps_the_last_value_of_a_repeated_key() {
        let m = map(&[("z", 1), ("a", 2), ("z", 3), ("m", 4)]);
        assert_eq!(
            m.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            [("a", 2), ("m", 4), ("z", 3)]
        );
    }

    #[test]
    fn json_is_the_same_object_a_btreemap_writes() {
        let m = map(&[("b", 2), ("a", 1)]);
        let btree: BTreeMap<&str, u32> = BTreeMap::from([("b", 2), ("a", 1)]);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            serde_json::to_string(&btree).unwrap()
        );
        assert_eq!(serde_json::to_string(&SortedMap::<u32>::new()).unwrap(), "{}");
    }

    #[test]
    fn reading_json_sorts_unsorted_objects_and_keeps_the_last_duplicate() {
        let m: SortedMap<u32> = serde_json::from_str(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap();
        assert_eq!(m, map(&[("a", 2), ("b", 3)]));
        let sorted: SortedMap<u32> = serde_json::from_str(r#"{"a": 1, "b": 2}"#).unwrap();
        assert_eq!(sorted, map(&[("a", 1), ("b", 2)]));
        let err = serde_json::from_str::<SortedMap<u32>>("[1]").unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
    }
}
