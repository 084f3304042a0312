//! Realistic subscription streams for the ARR bench and examples (included with `#[path]`).
//!
//! Every customer lives a life a billing system would record: monthly, quarterly or annual
//! plans, some with a trial; seat changes, some corrected later the same day (two changes, in
//! sequence); discounts that start and end; pauses and resumes; annual and quarterly renewals,
//! some at a new price; cancellations at period end, some undone by a change before the paid
//! period ends, some followed by a restart months later, some by a restart the same day; a few
//! events after a subscription ended (a late discount end). A fifth of customers bill in EUR or
//! GBP, against rates that move every day. Events are ordered by time, as an export is, and
//! each has an id and a sequence (seconds since the epoch, plus its place in the day).
#![allow(dead_code)]

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::arr::{DiscountOff, EventKind, Interval, MrrDiscount, SubscriptionEvent};
use revops::calendar::Month;
use revops::money::{InMemoryFxRates, Percent, RateLookup};
use revops::{Currency, Money};
use rust_decimal::Decimal;

/// The book's months: 2026 to 2028.
pub fn months() -> std::ops::RangeInclusive<Month> {
    Month::new(2026, 1).unwrap()..=Month::new(2028, 12).unwrap()
}

/// The last day the history reaches; updates in the benches come after it.
pub fn history_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2028, 11, 30).unwrap()
}

/// The currency customer `c` bills in: one in eight in EUR, one in twelve in GBP.
pub fn currency_of(c: usize) -> Currency {
    match c % 24 {
        0..=2 => Currency::EUR,
        3 | 4 => Currency::GBP,
        _ => Currency::USD,
    }
}

/// The id of customer `c`.
pub fn customer_id(c: usize) -> String {
    format!("cus_{c:06}")
}

/// EUR→USD and GBP→USD every day of 2025–2029, a random walk; quotes found up to a week back.
pub fn rates() -> InMemoryFxRates {
    let mut fx = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 7 });
    let mut rng = StdRng::seed_from_u64(7);
    for (currency, mut rate) in [(Currency::EUR, 1.08f64), (Currency::GBP, 1.27f64)] {
        let mut day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        while day.year() < 2030 {
            rate *= 1.0 + rng.random_range(-0.004..0.004);
            let quoted = Decimal::from_f64_retain(rate).unwrap_or(Decimal::ONE).round_dp(4);
            fx.insert(currency, Currency::USD, day, quoted).unwrap();
            day += Duration::days(1);
        }
    }
    fx
}

struct Writer {
    out: Vec<SubscriptionEvent>,
    next: usize,
}

impl Writer {
    fn push(&mut self, customer: &str, sub: &str, date: NaiveDate, kind: EventKind) {
        // seconds since the epoch at 09:00, then the event's place in the stream (under 10⁷)
        let seconds = (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_seconds() as u64 + 32_400;
        let id = format!("evt_{:08}", self.next);
        let event = SubscriptionEvent::new(&id, customer, sub, date, kind).at(seconds * 10_000_000 + self.next as u64);
        self.next += 1;
        self.out.push(event);
    }
}

/// About `per_customer` events for each of `customers` customers, in time order.
pub fn stream(customers: usize, per_customer: usize, seed: u64) -> Vec<SubscriptionEvent> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut w = Writer { out: Vec::with_capacity(customers * per_customer + customers), next: 0 };
    let first_day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let end = history_end();
    let span = (end - first_day).num_days();
    // gaps between events: a customer's ~per_customer events spread over its life
    let mean_gap = (span as f64 * 0.55 / per_customer as f64).max(3.0);
    for c in 0..customers {
        let customer = customer_id(c);
        let currency = currency_of(c);
        let subs = if rng.random_range(0.0..1.0) < 0.3 { 2 } else { 1 };
        for s in 0..subs {
            let sub = format!("sub_{s}");
            let mut date = first_day + Duration::days(rng.random_range(0..span * 2 / 3));
            let interval = match rng.random_range(0..20) {
                0..=12 => Interval::Month,
                13..=18 => Interval::Year,
                _ => Interval::Quarter,
            };
            let unit: i64 = match interval {
                Interval::Year => 1_200,
                Interval::Quarter => 300,
                _ => 100,
            };
            let mut seats: i64 = rng.random_range(1..40);
            let price = |seats: i64, rng: &mut StdRng| {
                let cents = seats * unit * rng.random_range(95..106);
                Money::from_minor_units(cents, currency).unwrap()
            };
            let trial = (rng.random_range(0..5) == 0).then(|| date + Duration::days(if c % 2 == 0 { 14 } else { 30 }));
            w.push(
                &customer,
                &sub,
                date,
                EventKind::Start { price: price(seats, &mut rng), interval, trial_until: trial },
            );
            let mut term_end = trial.unwrap_or(date) + Duration::days(30 * interval.months() as i64);
            let mut discounted = false;
            let mut paused = false;
            loop {
                date += Duration::days(rng.random_range(1.0..2.0 * mean_gap) as i64);
                if date > end {
                    break;
                }
                if date >= term_end && interval != Interval::Month {
                    // a renewal at the term's end, sometimes at a new price
                    date = term_end;
                    if rng.random_range(0..4) == 0 {
                        seats = (seats + rng.random_range(-3..6)).max(1);
                    }
                    w.push(&customer, &sub, date, EventKind::Renew { price: price(seats, &mut rng), interval });
                    term_end = date + Duration::days(30 * interval.months() as i64);
                    continue;
                }
                match rng.random_range(0..100) {
                    // a seat change, corrected later the same day one time in twelve
                    0..=54 => {
                        seats = (seats + rng.random_range(-4..7)).max(1);
                        w.push(&customer, &sub, date, EventKind::Change { price: price(seats, &mut rng), interval });
                        if rng.random_range(0..12) == 0 {
                            seats = (seats + rng.random_range(-2..3)).max(1);
                            w.push(
                                &customer,
                                &sub,
                                date,
                                EventKind::Change { price: price(seats, &mut rng), interval },
                            );
                        }
                    }
                    55..=64 => {
                        let kind = if discounted {
                            EventKind::DiscountEnd
                        } else {
                            let off = Percent::from_fraction(Decimal::new(rng.random_range(5..35), 2));
                            EventKind::DiscountStart(MrrDiscount {
                                off: DiscountOff::Percent(off),
                                forever: rng.random_range(0..4) == 0,
                            })
                        };
                        discounted = !discounted;
                        w.push(&customer, &sub, date, kind);
                    }
                    65..=67 => {
                        w.push(&customer, &sub, date, if paused { EventKind::Resume } else { EventKind::Pause });
                        paused = !paused;
                    }
                    68..=75 => {
                        // a cancellation at the end of the paid period
                        let paid_through = date + Duration::days(rng.random_range(1..30));
                        w.push(&customer, &sub, date, EventKind::Cancel { paid_through: Some(paid_through) });
                        match rng.random_range(0..10) {
                            // undone: a change before the paid period ends
                            0..=2 => {
                                let back =
                                    date + Duration::days(rng.random_range(0..(paid_through - date).num_days().max(1)));
                                w.push(
                                    &customer,
                                    &sub,
                                    back,
                                    EventKind::Change { price: price(seats, &mut rng), interval },
                                );
                                date = back;
                            }
                            // gone, and back months later
                            3..=5 => {
                                date = paid_through + Duration::days(rng.random_range(30..200));
                                if date > end {
                                    break;
                                }
                                discounted = false;
                                paused = false;
                                w.push(
                                    &customer,
                                    &sub,
                                    date,
                                    EventKind::Start { price: price(seats, &mut rng), interval, trial_until: None },
                                );
                                term_end = date + Duration::days(30 * interval.months() as i64);
                            }
                            // gone; one time in four a late discount end arrives after
                            _ => {
                                if discounted && rng.random_range(0..4) == 0 {
                                    w.push(&customer, &sub, paid_through + Duration::days(3), EventKind::DiscountEnd);
                                }
                                break;
                            }
                        }
                    }
                    // cancelled at once and restarted later the same day (a plan switch)
                    76..=79 => {
                        w.push(&customer, &sub, date, EventKind::Cancel { paid_through: None });
                        seats = (seats + rng.random_range(-2..4)).max(1);
                        discounted = false;
                        paused = false;
                        w.push(
                            &customer,
                            &sub,
                            date,
                            EventKind::Start { price: price(seats, &mut rng), interval, trial_until: None },
                        );
                        term_end = date + Duration::days(30 * interval.months() as i64);
                    }
                    // quiet: a monthly renewal at the same price
                    _ => w.push(&customer, &sub, date, EventKind::Renew { price: price(seats, &mut rng), interval }),
                }
            }
        }
    }
    let mut out = w.out;
    out.sort_by_key(|e| (e.date, e.sequence));
    out
}

/// What a stream holds, to show that it exercises every rule: counts by kind, and of the
/// events that take effect on a day their subscription has another event.
pub fn describe(events: &[SubscriptionEvent]) -> String {
    use std::collections::HashMap;
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    let mut days: HashMap<(&str, &str, NaiveDate), usize> = HashMap::new();
    for e in events {
        let k = match e.kind {
            EventKind::Start { trial_until: Some(_), .. } => "start with trial",
            EventKind::Start { .. } => "start",
            EventKind::Change { .. } => "change",
            EventKind::Renew { .. } => "renew",
            EventKind::Cancel { paid_through: Some(_) } => "cancel at period end",
            EventKind::Cancel { paid_through: None } => "cancel now",
            EventKind::Pause => "pause",
            EventKind::Resume => "resume",
            EventKind::DiscountStart(_) => "discount start",
            EventKind::DiscountEnd => "discount end",
        };
        *kinds.entry(k).or_default() += 1;
        *days.entry((&e.customer, &e.subscription, e.date)).or_default() += 1;
    }
    let same_day: usize = days.values().filter(|&&n| n > 1).sum();
    let foreign = events.iter().filter(|e| currency_of(e.customer[4..].parse().unwrap_or(5)) != Currency::USD).count();
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort();
    format!(
        "{} events: {}; {} on a day their subscription has another; {} in EUR or GBP",
        events.len(),
        kinds.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", "),
        same_day,
        foreign
    )
}
