//! The order the `SubscriptionEvent` docs give a subscription's events, written from the docs
//! for the ARR reference checks (included with `#[path]`).
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use revops::arr::{EventKind, SubscriptionEvent};

/// The fixed fallback order of a day's events with one sequence (from the `SubscriptionEvent`
/// docs: start, renew, change, discount end, discount start, resume, pause, cancel).
pub fn kind_rank(k: &EventKind) -> u8 {
    match k {
        EventKind::Start { .. } => 0,
        EventKind::Renew { .. } => 1,
        EventKind::Change { .. } => 2,
        EventKind::DiscountEnd => 3,
        EventKind::DiscountStart(_) => 4,
        EventKind::Resume => 5,
        EventKind::Pause => 6,
        EventKind::Cancel { .. } => 7,
    }
}

/// Date, then sequence, then kind, then id: the order events take effect in.
pub fn order_key(e: &SubscriptionEvent) -> (NaiveDate, u64, u8, String) {
    (e.date, e.sequence, kind_rank(&e.kind), e.id.clone())
}

/// Keep, for every subscription, only its events from its first Start on (in the documented
/// order): the book refuses a subscription whose first event is not a start.
pub fn normalise(events: Vec<SubscriptionEvent>) -> Vec<SubscriptionEvent> {
    let mut by_sub: BTreeMap<(String, String), Vec<SubscriptionEvent>> = BTreeMap::new();
    for e in events {
        by_sub.entry((e.customer.clone(), e.subscription.clone())).or_default().push(e);
    }
    let mut out = Vec::new();
    for (_, mut evs) in by_sub {
        evs.sort_by_key(order_key);
        if let Some(first) = evs.iter().position(|e| matches!(e.kind, EventKind::Start { .. })) {
            out.extend(evs.into_iter().skip(first));
        }
    }
    out
}
