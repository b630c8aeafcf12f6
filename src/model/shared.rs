//! [`Shared`]: an immutable string that many rows of a plan hold at once. A plan of a million
//! resources repeats the same ARN in its assignment, its move group, its review item and every
//! cross-target edge, and the same target names, methods and notes on most rows; cloning a
//! `Shared` copies a pointer instead of the text. In JSON it is a plain string.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Shared(Arc<str>);

impl Shared {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Shared {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Shared {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Lets a set of `Shared` be searched by `&str` (the hash of both is the hash of the text).
impl Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Shared {
    fn from(text: &str) -> Self {
        Shared(Arc::from(text))
    }
}

impl From<String> for Shared {
    fn from(text: String) -> Self {
        Shared(Arc::from(text))
    }
}

impl From<&String> for Shared {
    fn from(text: &String) -> Self {
        Shared(Arc::from(text.as_str()))
    }
}

impl fmt::Display for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Shared {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Shared {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Shared {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Shared> for str {
    fn eq(&self, other: &Shared) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Shared> for &str {
    fn eq(&self, other: &Shared) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Shared> for String {
    fn eq(&self, other: &Shared) -> bool {
        **self == *other.0
    }
}

impl Serialize for Shared {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Shared {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Shared::from)
    }
}

/// Hands out one `Shared` per distinct text, so that equal texts share their memory.
#[derive(Debug, Default)]
pub struct Interner<S = std::hash::RandomState> {
    set: HashSet<Shared, S>,
}

impl<S: BuildHasher + Default> Interner<S> {
    pub fn new() -> Self {
        Interner {
            set: HashSet::default(),
        }
    }

    /// The shared copy of `text`, made on first use.
    pub fn get(&mut self, text: &str) -> Shared {
        if let Some(found) = self.set.get(text) {
            return found.clone();
        }
        let shared = Shared::from(text);
        self.set.insert(shared.clone());
        shared
    }

    /// Like [`Interner::get`], for a text just built: kept as is when it is new.
    pub fn take(&mut self, text: String) -> Shared {
        if let Some(found) = self.set.get(text.as_str()) {
            return found.clone();
        }
        let shared = Shared::from(text);
        self.set.insert(shared.clone());
        shared
    }

    /// Distinct texts held.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_orders_and_serialises_as_its_text() {
        let a = Shared::from("alpha");
        assert_eq!(a, "alpha");
        assert_eq!("alpha", a);
        assert_eq!(a, "alpha".to_owned());
        let (low, high) = (Shared::from("a"), Shared::from("b"));
        assert!(low < high, "ordered by text");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"alpha\"");
        let back: Shared = serde_json::from_str("\"alpha\"").unwrap();
        assert_eq!(back, a);
        assert_eq!(format!("{a} {a:?}"), "alpha \"alpha\"");
    }

    #[test]
    fn interning_returns_one_allocation_per_distinct_text() {
        let mut interner: Interner = Interner::new();
        let first = interner.get("dev");
        let second = interner.take("dev".to_owned());
        let other = interner.get("prod");
        assert!(Arc::ptr_eq(&first.0, &second.0));
        assert!(!Arc::ptr_eq(&first.0, &other.0));
        assert_eq!(interner.len(), 2);
    }
}
