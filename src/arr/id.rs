//! Customer and subscription ids as the ledger's indexes keep them.

use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Bytes kept inline: room for Stripe (`cus_` + 14), Salesforce (18) and UUID (36) ids.
const INLINE: usize = 38;

/// An id stored in the index itself when it is short (nearly always), so that finding a
/// customer compares bytes already in the hash table's cache line instead of following a
/// pointer to a string somewhere else in memory: on a book of 50,000 customers that pointer
/// was a cache miss on every incremental update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Id {
    /// `len` bytes of `bytes`, the rest zero.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// A longer id.
    Heap(Box<str>),
}

impl Id {
    pub(crate) fn new(s: &str) -> Id {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                Id::Inline { len, bytes }
            }
            _ => Id::Heap(s.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Id::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Id::Heap(s) => s.as_bytes(),
        }
    }

    /// True when this is the id `s`.
    pub(crate) fn is(&self, s: &str) -> bool {
        self.as_bytes() == s.as_bytes()
    }

    pub(crate) fn as_str(&self) -> &str {
        // built from a `&str` and cut at its length, so always UTF-8
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

impl Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // the id's own bytes, so that equal ids hash alike whichever way they are stored
        state.write(self.as_bytes());
    }
}

/// Hashing for the ledger's indexes.
pub(crate) type FnvBuild = BuildHasherDefault<Fnv1a>;

/// FNV-1a: customer ids are short, trusted strings from the caller's own systems, where SipHash's
/// flood resistance buys nothing and costs a third of an incremental update.
#[derive(Default)]
pub(crate) struct Fnv1a(u64);

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn short_and_long_ids_round_trip_and_index() {
        let long = "x".repeat(INLINE + 1);
        let ids = ["", "cus_NffrFeUfNV2Hib", "0f8fad5b-d9cb-469f-a165-70867728950e", long.as_str(), "zürich-ü"];
        let mut index: HashMap<Id, usize, FnvBuild> = HashMap::default();
        for (i, s) in ids.iter().enumerate() {
            let id = Id::new(s);
            assert!(id.is(s));
            assert_eq!(id.as_str(), *s);
            assert_eq!(matches!(id, Id::Inline { .. }), s.len() <= INLINE);
            index.insert(id, i);
        }
        for (i, s) in ids.iter().enumerate() {
            assert_eq!(index.get(&Id::new(s)), Some(&i));
        }
        assert!(!Id::new("cus_1").is("cus_10"));
        assert_eq!(index.get(&Id::new("cus_NffrFeUfNV2Hi")), None);
    }
}
