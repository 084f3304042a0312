//! Events a book holds but has not booked: those of a subscription dated before its first
//! start. A webhook source delivers out of order (an upgrade before the creation), so such an
//! event is kept until a start dated before it arrives, and booked then. A book's figures are
//! a function of the set of events it was given, in whatever order they came.

use std::collections::{BTreeMap, BTreeSet};

use super::timeline::Entry;
use super::SubscriptionEvent;

/// The held events, by id and by subscription.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Held {
    by_id: BTreeMap<String, SubscriptionEvent>,
    /// The ids held for each (customer, subscription).
    by_subscription: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Held {
    pub(crate) fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The held event `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&SubscriptionEvent> {
        self.by_id.get(id)
    }

    /// Every held event, by id.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &SubscriptionEvent> + '_ {
        self.by_id.values()
    }

    /// Whether any event of `customer` is held.
    pub(crate) fn has_customer(&self, customer: &str) -> bool {
        let from = (customer.to_string(), String::new());
        self.by_subscription.range(from..).next().is_some_and(|((c, _), _)| c == customer)
    }

    /// Hold `event`, whose id is not held yet.
    pub(crate) fn insert(&mut self, event: SubscriptionEvent) {
        let key = (event.customer.clone(), event.subscription.clone());
        self.by_subscription.entry(key).or_default().insert(event.id.clone());
        self.by_id.insert(event.id.clone(), event);
    }

    /// The events of `customer`'s `subscription` that come after `start` (in the order events
    /// take effect), in that order: those a booked start releases.
    pub(crate) fn released_by(&self, customer: &str, subscription: &str, start: &Entry) -> Vec<Entry> {
        let key = (customer.to_string(), subscription.to_string());
        let Some(ids) = self.by_subscription.get(&key) else { return Vec::new() };
        let mut out: Vec<Entry> =
            ids.iter().map(|id| Entry::new(&self.by_id[id])).filter(|e| e.order(start).is_gt()).collect();
        out.sort_unstable_by(Entry::order);
        out
    }

    /// Stop holding the events `ids` of `customer`'s `subscription` (they were booked).
    pub(crate) fn release(&mut self, customer: &str, subscription: &str, ids: &[&str]) {
        let key = (customer.to_string(), subscription.to_string());
        if let Some(held) = self.by_subscription.get_mut(&key) {
            for id in ids {
                held.remove(*id);
            }
            if held.is_empty() {
                self.by_subscription.remove(&key);
            }
        }
        for id in ids {
            self.by_id.remove(*id);
        }
    }

    /// Stop holding event `id`, and return it.
    pub(crate) fn remove(&mut self, id: &str) -> Option<SubscriptionEvent> {
        let event = self.by_id.get(id)?.clone();
        self.release(&event.customer, &event.subscription, &[id]);
        Some(event)
    }

    /// Take `other`'s events in as well (of other customers).
    pub(crate) fn extend(&mut self, other: Held) {
        for event in other.by_id.into_values() {
            self.insert(event);
        }
    }
}
