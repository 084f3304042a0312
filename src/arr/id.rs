//! Customer and subscription ids as the ledger's indexes keep them.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

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

/// A customer's subscriptions, as `(id, index into the book's subscriptions)` in the order they
/// arrived. The first two live in the customer's row itself: finding the subscription an update
/// names then reads no memory beyond the row (nearly every customer has one or two), instead of
/// following a pointer to a list elsewhere, one more cache miss in a chain of them.
#[derive(Debug, Clone, Default)]
pub(crate) struct SubscriptionIds {
    first: [Option<(Id, usize)>; 2],
    more: Vec<(Id, usize)>,
}

impl SubscriptionIds {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Id, usize)> {
        self.first.iter().flatten().chain(&self.more)
    }

    /// The book's index of the subscription `id`.
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        // the inline two by hand: this runs on every incremental update, and the chained
        // iterator cost it a hundred instructions
        for (x, s) in self.first.iter().flatten() {
            if x.is(id) {
                return Some(*s);
            }
        }
        self.more.iter().find(|(x, _)| x.is(id)).map(|&(_, s)| s)
    }

    pub(crate) fn push(&mut self, sub: (Id, usize)) {
        match self.first.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(sub),
            None => self.more.push(sub),
        }
    }

    /// Forget the subscription pushed last.
    pub(crate) fn pop(&mut self) {
        if self.more.pop().is_none() {
            if let Some(slot) = self.first.iter_mut().rev().find(|slot| slot.is_some()) {
                *slot = None;
            }
        }
    }

    /// Add `by` to every subscription index (the customer's subscriptions moved in a merge).
    pub(crate) fn shift(&mut self, by: usize) {
        for (_, s) in self.first.iter_mut().flatten().chain(self.more.iter_mut()) {
            *s += by;
        }
    }

    /// True when the customer's first subscription is `id`.
    pub(crate) fn first_is(&self, id: &str) -> bool {
        matches!(&self.first[0], Some((x, _)) if x.is(id))
    }

    pub(crate) fn len(&self) -> usize {
        self.first.iter().flatten().count() + self.more.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first[0].is_none()
    }
}

/// Customers by id, as a map from each id's 64-bit hash to the customer's index: 16 bytes a
/// customer where a map keyed by the ids themselves takes 48, so that for 50,000 customers the
/// index (1 MiB) stays in the processor's cache, where the larger one cost two cache misses
/// (its control bytes, then the slot) at the start of every incremental update. A lookup
/// confirms the customer by its id, which the caller keeps. An id whose hash another id holds
/// already (for a million customers, about one chance in 10⁷ that any pair does) is kept whole
/// in a second map, so that a collision costs speed, never correctness.
///
/// Each entry also names the customer's first subscription: an update of it (most customers
/// have one) then knows where the subscription lies as soon as it knows the customer, and the
/// processor fetches both at once instead of reading the customer's row first to find it. The
/// row still confirms that the update names that subscription.
#[derive(Debug, Default, Clone)]
pub(crate) struct CustomerIndex {
    by_hash: HashMap<u64, Slot, IdHasher>,
    collided: HashMap<Id, Slot, IdHasher>,
}

/// A customer and its first subscription, as indexes into the book (32 bits each, so that an
/// entry stays 16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    customer: u32,
    /// [`Slot::NO_SUBSCRIPTION`] until the customer has one.
    first_subscription: u32,
}

impl Slot {
    const NO_SUBSCRIPTION: u32 = u32::MAX;
}

impl CustomerIndex {
    /// The customer `id`, and its first subscription if it has one, where `id_of` gives the id
    /// of a customer index.
    pub(crate) fn get<'a>(&self, id: &str, id_of: impl Fn(usize) -> &'a Id) -> Option<(usize, Option<usize>)> {
        // every id of `collided` has its hash in `by_hash`, taken by the id that came first
        let slot = self.by_hash.get(&hash_of(id))?;
        let slot = if id_of(slot.customer as usize).is(id) { slot } else { self.collided.get(&Id::new(id))? };
        let first = (slot.first_subscription != Slot::NO_SUBSCRIPTION).then_some(slot.first_subscription as usize);
        Some((slot.customer as usize, first))
    }

    /// Add customer `c` with `id`, which the index does not hold; `false` (and nothing added)
    /// when `c` does not fit in 32 bits.
    pub(crate) fn insert(&mut self, id: &str, c: usize) -> bool {
        let Ok(customer) = u32::try_from(c) else {
            return false;
        };
        let slot = Slot { customer, first_subscription: Slot::NO_SUBSCRIPTION };
        match self.by_hash.entry(hash_of(id)) {
            Entry::Vacant(vacant) => {
                vacant.insert(slot);
            }
            Entry::Occupied(_) => {
                self.collided.insert(Id::new(id), slot);
            }
        }
        true
    }

    /// Record `s` as the first subscription of customer `c` with `id`. (A subscription index
    /// past 32 bits is left unrecorded: the customer's row still finds it.)
    pub(crate) fn set_first_subscription(&mut self, id: &str, c: usize, s: usize) {
        let slot = match self.by_hash.get_mut(&hash_of(id)) {
            Some(slot) if slot.customer as usize == c => Some(slot),
            _ => self.collided.get_mut(&Id::new(id)),
        };
        if let Some(slot) = slot {
            slot.first_subscription = u32::try_from(s).unwrap_or(Slot::NO_SUBSCRIPTION);
        }
    }

    /// Forget customer `c` with `id`, the one added last (so no id that collided with it came
    /// after it, and none is left pointing to its hash).
    pub(crate) fn remove_last(&mut self, id: &str, c: usize) {
        let h = hash_of(id);
        if self.by_hash.get(&h).is_some_and(|slot| slot.customer as usize == c) {
            self.by_hash.remove(&h);
        } else {
            self.collided.remove(&Id::new(id));
        }
    }
}

/// Every event id a book applied, as a map from the id's 64-bit hash to the subscription that
/// holds the event (16 bytes an event), confirmed by the id the subscription keeps with the
/// event. An id whose hash another id holds already is kept whole in a second map, as in
/// [`CustomerIndex`].
#[derive(Debug, Default, Clone)]
pub(crate) struct EventIndex {
    by_hash: HashMap<u64, u32, IdHasher>,
    collided: HashMap<Id, u32, IdHasher>,
}

impl EventIndex {
    /// The subscription holding event `id`, where `holds(s, id)` says whether subscription `s`
    /// holds it.
    pub(crate) fn get(&self, id: &str, holds: impl Fn(usize) -> bool) -> Option<usize> {
        self.get_hashed(id, hash_of(id), holds)
    }

    /// [`EventIndex::get`] with the id's [`hash_of`] known.
    pub(crate) fn get_hashed(&self, id: &str, hash: u64, holds: impl Fn(usize) -> bool) -> Option<usize> {
        let s = *self.by_hash.get(&hash)? as usize;
        if holds(s) {
            return Some(s);
        }
        self.collided.get(&Id::new(id)).map(|&s| s as usize)
    }

    /// Room for `n` more ids without growing.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
    }

    /// A key that orders hashes ([`hash_of`] of ids) by the slot the index, at its present
    /// capacity, files them in: ids filed in this order sweep the table once. (The slot is
    /// read off the table's hash and bucket count; were either to differ, ids filed in this
    /// order would only be slower to file.)
    pub(crate) fn table_order(&self) -> impl Fn(u64) -> u64 {
        let hasher = self.by_hash.hasher().clone();
        // hashbrown keeps a table at most 7/8 full, in a power of two of buckets
        let buckets = (self.by_hash.capacity().max(1) / 7 * 8).next_power_of_two() as u64;
        move |h| hasher.hash_one(h) & (buckets - 1)
    }

    /// Record event `id` under `s`, unless the index holds it already: then the value it holds
    /// it under, where `holds(t)` says whether the id under `t` is `id`. One probe of the table
    /// for a new id (nearly every id). `hash` is [`hash_of`] the id. `Err(None)` when `s` does
    /// not fit in 32 bits.
    pub(crate) fn insert_new(
        &mut self,
        id: &str,
        hash: u64,
        s: usize,
        holds: impl Fn(usize) -> bool,
    ) -> Result<(), Option<usize>> {
        let Ok(sub) = u32::try_from(s) else {
            return Err(None);
        };
        match self.by_hash.entry(hash) {
            Entry::Vacant(vacant) => {
                vacant.insert(sub);
                Ok(())
            }
            Entry::Occupied(taken) => {
                let t = *taken.get() as usize;
                if holds(t) {
                    return Err(Some(t));
                }
                match self.collided.entry(Id::new(id)) {
                    std::collections::hash_map::Entry::Occupied(o) => Err(Some(*o.get() as usize)),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(sub);
                        Ok(())
                    }
                }
            }
        }
    }

    /// Record event `id` (which the index does not hold) as held by subscription `s`; `false`
    /// (and nothing recorded) when `s` does not fit in 32 bits.
    pub(crate) fn insert(&mut self, id: &str, s: usize) -> bool {
        self.insert_hashed(|| id, hash_of(id), s)
    }

    /// [`EventIndex::insert`] with the id's [`hash_of`] known. The id itself is read only when
    /// another id has its hash: a build files a million ids in the table's order, and reading
    /// each one from the caller's events would cost a cache miss apiece.
    pub(crate) fn insert_hashed<'a>(&mut self, id: impl FnOnce() -> &'a str, hash: u64, s: usize) -> bool {
        let Ok(sub) = u32::try_from(s) else {
            return false;
        };
        match self.by_hash.entry(hash) {
            Entry::Vacant(vacant) => {
                vacant.insert(sub);
            }
            Entry::Occupied(_) => {
                self.collided.insert(Id::new(id()), sub);
            }
        }
        true
    }

    /// Forget event `id`, filed under `s` last (so no id that collided with it came after it).
    pub(crate) fn remove(&mut self, id: &str, s: usize) {
        let h = hash_of(id);
        if self.by_hash.get(&h).is_some_and(|&t| t as usize == s) && !self.collided.contains_key(&Id::new(id)) {
            self.by_hash.remove(&h);
        } else {
            self.collided.remove(&Id::new(id));
        }
    }

    /// Ids held.
    pub(crate) fn len(&self) -> usize {
        self.by_hash.len() + self.collided.len()
    }
}

/// The hash the ledger's indexes file `id` under.
pub(crate) fn hash_of(id: &str) -> u64 {
    let mut h = FxWords::default();
    h.write(id.as_bytes());
    h.finish()
}

/// Hashing for the ledger's indexes.
pub(crate) type IdHasher = BuildHasherDefault<FxWords>;

/// A hash over eight bytes at a time, each folded in by a 64 × 64 → 128-bit multiply whose high
/// and low halves are xored (the folded multiply of foldhash and ahash), with MurmurHash3's
/// finaliser: ids are short, trusted strings from the caller's own systems, where SipHash's
/// flood resistance buys nothing and costs a third of an incremental update. (A plain
/// multiply, as rustc's FxHasher does, never carries a difference in a word's last bytes
/// downward: ids such as `evt_00000001` and `evt_00010001` collided one time in fifty.)
#[derive(Default)]
pub(crate) struct FxWords(u64);

impl FxWords {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        let full = u128::from(self.0 ^ word) * u128::from(Self::SEED);
        self.0 = (full as u64) ^ ((full >> 64) as u64);
    }
}

impl Hasher for FxWords {
    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser: a product's low bits see only the input's low bits, and hash
        // tables index by the low bits, so fold the high ones down
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0; 8];
        word[..rest.len()].copy_from_slice(rest);
        // the length keeps "a" and "a\0" apart
        self.add(u64::from_le_bytes(word) ^ ((bytes.len() as u64) << 56));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn subscription_ids_keep_arrival_order_past_the_inline_two() {
        let mut subs = SubscriptionIds::default();
        assert!(subs.is_empty() && subs.find("a").is_none());
        assert_eq!(subs.len(), 0);
        for (i, id) in ["a", "b", "c", "d"].iter().enumerate() {
            subs.push((Id::new(id), 10 + i));
            assert_eq!(subs.len(), i + 1);
        }
        assert!(!subs.is_empty());
        let order: Vec<(&str, usize)> = subs.iter().map(|(id, s)| (id.as_str(), *s)).collect();
        assert_eq!(order, [("a", 10), ("b", 11), ("c", 12), ("d", 13)]);
        assert_eq!(["a", "b", "c", "d"].map(|id| subs.find(id)), [10, 11, 12, 13].map(Some));
        assert!(subs.find("e").is_none());
        subs.shift(10);
        assert_eq!(subs.find("a"), Some(20));
        subs.pop();
        assert_eq!((subs.len(), subs.find("d")), (3, None));
        subs.pop();
        subs.pop();
        assert_eq!((subs.len(), subs.find("a")), (1, Some(20)));
    }

    #[test]
    fn colliding_ids_are_told_apart_by_the_id() {
        // force a collision: "b" is filed under the hash "a" holds, as a true collision would be
        let ids = ["a", "b", "c"].map(Id::new);
        let slot = |customer| Slot { customer, first_subscription: Slot::NO_SUBSCRIPTION };
        let mut index = CustomerIndex::default();
        assert!(index.insert("a", 0));
        index.collided.insert(Id::new("b"), slot(1));
        assert!(index.insert("c", 2));
        let id_of = |c: usize| &ids[c];
        let customer = |index: &CustomerIndex, id| index.get(id, id_of).map(|(c, _)| c);
        assert_eq!(customer(&index, "a"), Some(0));
        assert_eq!(customer(&index, "c"), Some(2));
        assert_eq!(customer(&index, "d"), None);
        // "b" looked up under "a"'s hash: the row says "a", so the second map answers
        index.by_hash.insert(hash_of("b"), slot(0));
        assert_eq!(customer(&index, "b"), Some(1));
        // first subscriptions are recorded in whichever map holds the customer
        index.set_first_subscription("b", 1, 7);
        index.set_first_subscription("a", 0, 5);
        assert_eq!(index.get("b", id_of), Some((1, Some(7))));
        assert_eq!(index.get("a", id_of), Some((0, Some(5))));
        assert_eq!(index.get("c", id_of), Some((2, None)));
        index.remove_last("c", 2);
        assert_eq!(customer(&index, "c"), None);
        index.remove_last("b", 1);
        assert_eq!(customer(&index, "b"), None);
        assert_eq!(customer(&index, "a"), Some(0));
        // a second insert of a hash that is taken goes to the second map
        assert!(index.insert("z", 3));
        let before = index.collided.len();
        assert!(index.insert("z", 4));
        assert_eq!(index.collided.len(), before + 1);
    }

    #[test]
    fn events_whose_hashes_collide_are_told_apart_by_the_id() {
        // force a collision: "e2" filed under the hash "e1" holds, as a true collision would be
        let mut index = EventIndex::default();
        let h = hash_of("e1");
        assert!(index.insert("e1", 0));
        assert!(index.insert_hashed(|| "e2", h, 7));
        assert_eq!(index.len(), 2);
        // `holds(s)`: subscription s holds the id asked for (0 holds e1, 7 holds e2)
        let holder = |id: &'static str| move |s: usize| (s == 0 && id == "e1") || (s == 7 && id == "e2");
        assert_eq!(index.get_hashed("e1", h, holder("e1")), Some(0));
        assert_eq!(index.get_hashed("e2", h, holder("e2")), Some(7));
        assert_eq!(index.get_hashed("e3", h, holder("e3")), None);
        // a third id under the same hash, offered as new, is refused when the second map has it
        assert_eq!(index.insert_new("e2", h, 9, holder("e2")), Err(Some(7)));
        index.remove("e2", 7);
        assert_eq!((index.len(), index.get_hashed("e2", h, holder("e2"))), (1, None));
        assert_eq!(index.get_hashed("e1", h, holder("e1")), Some(0));
    }

    #[test]
    fn indexes_past_32_bits_are_refused_or_left_to_the_row() {
        let mut index = CustomerIndex::default();
        let past = u32::MAX as u64 + 1;
        if let Ok(c) = usize::try_from(past) {
            assert!(!index.insert("far", c));
            assert!(index.by_hash.is_empty() && index.collided.is_empty());
        }
        let ids = [Id::new("near")];
        assert!(index.insert("near", 0));
        index.set_first_subscription("near", 0, 3);
        assert_eq!(index.get("near", |c| &ids[c]), Some((0, Some(3))));
        if let Ok(s) = usize::try_from(past) {
            index.set_first_subscription("near", 0, s);
            assert_eq!(index.get("near", |c| &ids[c]), Some((0, None)));
        }
    }

    #[test]
    fn short_and_long_ids_round_trip_and_index() {
        let long = "x".repeat(INLINE + 1);
        let ids = ["", "cus_NffrFeUfNV2Hib", "0f8fad5b-d9cb-469f-a165-70867728950e", long.as_str(), "zürich-ü"];
        let mut index: HashMap<Id, usize, IdHasher> = HashMap::default();
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
        // sequential ids must spread over a table's low-bit buckets (a bare multiply would not)
        let buckets: std::collections::HashSet<u64> = (0..4096)
            .map(|n| {
                let mut h = FxWords::default();
                Id::new(&format!("cus_{n}")).hash(&mut h);
                h.finish() & 0xfff
            })
            .collect();
        assert!(buckets.len() > 2_400, "{} of 4096 buckets used", buckets.len());
        // ids that differ only in the last bytes of a word do not collide
        let mut seen = std::collections::HashSet::new();
        let collided = (0..400_000usize).filter(|n| !seen.insert(hash_of(&format!("evt_{n:08}")))).count();
        assert_eq!(collided, 0);
        assert_eq!(index.get(&Id::new("cus_NffrFeUfNV2Hi")), None);
    }
}
