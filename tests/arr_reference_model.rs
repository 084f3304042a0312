//! An independent reference model of the ARR ledger, written only from the public docs of
//! `revops::arr` (the `SubscriptionEvent`/`EventKind` rules, `Movements` "# Rules", the
//! `ArrBook` "# Amounts" section and the default `ArrPolicy`), checked against `ArrBook` on
//! random event streams.
//!
//! The model is deliberately slow and plain: it replays every subscription day by day.
//!
//! Readings of the docs where they were silent (the book agrees with each, on 20,000+ streams;
//! the last two are now written in `EventKind`'s docs):
//! * a customer "has ARR on a day" when its ARR after all of that day's events is above zero
//!   (a start cancelled later the same day never had ARR);
//! * a scheduled end (`paid_through`) or trial end takes effect at the start of its day, before
//!   that day's events, so a Change dated on `paid_through` is on an ended subscription;
//! * a Change, or a Renew of a running subscription, keeps the current discount, pause and trial;
//! * a DiscountStart replaces the current discount; an amount discount is off the price per
//!   the subscription's current interval, and the net price floors at zero;
//! * a Cancel on an ended subscription does nothing;
//! * `renewal` is the renewed subscription's ARR just after each Renew (net of discount, zero
//!   when paused or in a trial), at the rate of the Renew's date;
//! * a cancellation at period end is, for FX booking, a change of the day it takes effect
//!   (`FxRateDate` docs), not of its own date (`Movements` says "latest event");
//! * a scheduled change that never takes effect (the end of a trial cancelled first, a period
//!   end overtaken by an immediate cancellation) books nothing, not even a rate;
//! * a Renew that brings an ended subscription back is a fresh term: no discount, pause or
//!   trial of the contract that ended;
//! * a second cancellation at period end while one is pending replaces it (the last recorded
//!   says when the subscription ends).
//!
//! `MODEL_CASES=20000 cargo test --test arr_reference_model` runs more cases.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use revops::arr::*;
use revops::calendar::Month;
use revops::money::{InMemoryFxRates, Percent, RateLookup};
use revops::{Currency, Money};
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------------
// Small helpers.

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn m(y: i32, n: u32) -> Month {
    Month::new(y, n).unwrap()
}

fn money(s: &str, c: Currency) -> Money {
    Money::parse(s, c).unwrap()
}

fn usd(s: &str) -> Money {
    money(s, Currency::USD)
}

/// The first day the model simulates; every generated event is on or after it.
fn origin() -> NaiveDate {
    d(2025, 10, 1)
}

/// The fixed fallback order of a day's events with one sequence (from the `SubscriptionEvent`
/// docs: start, renew, change, discount end, discount start, resume, pause, cancel).
fn kind_rank(k: &EventKind) -> u8 {
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

fn order_key(e: &SubscriptionEvent) -> (NaiveDate, u64, u8, String) {
    (e.date, e.sequence, kind_rank(&e.kind), e.id.clone())
}

/// Keep, for every subscription, only its events from its first Start on (in the documented
/// order): the book refuses a subscription whose first event is not a start.
fn normalise(events: Vec<SubscriptionEvent>) -> Vec<SubscriptionEvent> {
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

// ---------------------------------------------------------------------------------------------
// The reference model.

#[derive(Debug, Clone, Default)]
struct SubState {
    running: bool,
    price: Decimal,
    months: u32,
    trial_until: Option<NaiveDate>,
    paused: bool,
    discount: Option<DiscountOff>,
    /// A pending cancellation: the first day no longer paid for.
    pending_end: Option<NaiveDate>,
}

impl SubState {
    /// ARR at the end of `day` (after its events), native currency, exact.
    fn arr(&self, day: NaiveDate) -> Decimal {
        if !self.running || self.paused || self.trial_until.is_some_and(|t| day < t) {
            return Decimal::ZERO;
        }
        let off = match self.discount {
            None => Decimal::ZERO,
            Some(DiscountOff::Percent(p)) => self.price * p.fraction(),
            Some(DiscountOff::Amount(a)) => a.amount(),
        };
        // AMBIGUITY: an amount larger than the price floors at zero.
        let net = (self.price - off).max(Decimal::ZERO);
        net * Decimal::from(12) / Decimal::from(self.months)
    }
}

/// What replaying one subscription gives.
struct Replay {
    /// ARR at the end of each day from `origin()` to the last day asked for.
    arr: Vec<Decimal>,
    /// The date of the latest change that took effect on or before each day (for FX booking).
    changed: Vec<Option<NaiveDate>>,
    /// Each renewal's date and the subscription's ARR just after it.
    renewals: Vec<(NaiveDate, Decimal)>,
}

/// Replay one subscription's events, day by day.
fn replay_subscription(events: &[SubscriptionEvent], last: NaiveDate) -> Replay {
    let mut evs: Vec<&SubscriptionEvent> = events.iter().collect();
    evs.sort_by_key(|e| order_key(e));
    let mut st = SubState::default();
    let mut arr = Vec::new();
    let mut changed = Vec::new();
    let mut latest: Option<NaiveDate> = None;
    let mut renewals = Vec::new();
    let mut next = 0;
    let mut day = origin();
    while day <= last {
        // scheduled changes take effect at the start of their day
        if st.running && st.pending_end == Some(day) {
            st.running = false;
            st.pending_end = None;
            latest = Some(day);
        }
        if st.running && st.trial_until == Some(day) {
            latest = Some(day); // a trial end is a change of its own date
        }
        while next < evs.len() && evs[next].date == day {
            let e = evs[next];
            next += 1;
            let applied = apply(&mut st, e);
            if applied {
                latest = Some(day);
            }
            if matches!(e.kind, EventKind::Renew { .. }) {
                renewals.push((day, st.arr(day)));
            }
        }
        arr.push(st.arr(day));
        changed.push(latest);
        day = day.succ_opt().unwrap();
    }
    Replay { arr, changed, renewals }
}

/// Apply one event; false when it is ignored or takes effect later (so is no change of its
/// own date, for FX booking).
fn apply(st: &mut SubState, e: &SubscriptionEvent) -> bool {
    let day = e.date;
    match &e.kind {
        EventKind::Start { price, interval, trial_until } => {
            *st = SubState {
                running: true,
                price: price.amount(),
                months: interval.months(),
                trial_until: trial_until.filter(|t| *t > day),
                paused: false,
                discount: None,
                pending_end: None,
            };
            true
        }
        EventKind::Renew { price, interval } => {
            if !st.running {
                // a fresh term: nothing of the contract that ended carries over
                *st = SubState { running: true, ..SubState::default() };
            }
            st.price = price.amount();
            st.months = interval.months();
            st.pending_end = None;
            true
        }
        EventKind::Change { price, interval } => {
            if !st.running {
                return false;
            }
            st.price = price.amount();
            st.months = interval.months();
            st.pending_end = None;
            true
        }
        EventKind::Cancel { paid_through } => {
            if !st.running {
                return false;
            }
            match paid_through {
                Some(p) if *p > day => {
                    // the last recorded says when it ends
                    st.pending_end = Some(*p);
                    // a cancellation at period end is a change of the day it takes effect
                    // (`FxRateDate` docs), booked by the scheduled end, not of its own date
                    return false;
                }
                _ => {
                    st.running = false;
                    st.pending_end = None;
                }
            }
            true
        }
        EventKind::Pause => {
            if st.running {
                st.paused = true;
            }
            st.running
        }
        EventKind::Resume => {
            if st.running {
                st.paused = false;
            }
            st.running
        }
        EventKind::DiscountStart(x) => {
            if st.running {
                st.discount = Some(x.off);
            }
            st.running
        }
        EventKind::DiscountEnd => {
            if st.running {
                st.discount = None;
            }
            st.running
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Flow {
    new: Decimal,
    expansion: Decimal,
    contraction: Decimal,
    churn: Decimal,
    reactivation: Decimal,
    fx: Decimal,
    renewal: Decimal,
    new_logos: u64,
    churned_logos: u64,
    reactivated_logos: u64,
}

impl Flow {
    fn add(&mut self, o: &Flow) {
        self.new += o.new;
        self.expansion += o.expansion;
        self.contraction += o.contraction;
        self.churn += o.churn;
        self.reactivation += o.reactivation;
        self.fx += o.fx;
        self.renewal += o.renewal;
        self.new_logos += o.new_logos;
        self.churned_logos += o.churned_logos;
        self.reactivated_logos += o.reactivated_logos;
    }

    /// The business rows a customer log would show (kind, amount), non-zero ones only.
    fn rows(&self) -> Vec<(MovementKind, Decimal)> {
        let all = [
            (MovementKind::New, self.new),
            (MovementKind::Expansion, self.expansion),
            (MovementKind::Contraction, self.contraction),
            (MovementKind::Churn, self.churn),
            (MovementKind::Reactivation, self.reactivation),
            (MovementKind::Fx, self.fx),
        ];
        all.into_iter().filter(|(_, a)| !a.is_zero()).collect()
    }
}

/// A customer in the model: ARR (reporting currency, exact) at the end of the month before the
/// book and of each month, and its movements in each month.
#[derive(Debug, Clone, Default)]
struct CustomerModel {
    month_end: Vec<Decimal>,
    flows: Vec<Flow>,
}

struct Model {
    months: Vec<Month>,
    customers: BTreeMap<String, CustomerModel>,
}

fn day_index(day: NaiveDate) -> usize {
    (day - origin()).num_days() as usize
}

/// `rate(day)` converts the customer's native ARR into the reporting currency.
fn build_model(events: &[SubscriptionEvent], months: &[Month], rate: &dyn Fn(&str, NaiveDate) -> Decimal) -> Model {
    let last = months.last().unwrap().last_day();
    let mut subs: BTreeMap<(String, String), Vec<SubscriptionEvent>> = BTreeMap::new();
    for e in events {
        subs.entry((e.customer.clone(), e.subscription.clone())).or_default().push(e.clone());
    }
    let ndays = day_index(last) + 1;
    let mut native: BTreeMap<String, (Vec<Decimal>, Vec<Option<NaiveDate>>)> = BTreeMap::new();
    for ((c, _), evs) in &subs {
        let Replay { arr, changed, .. } = replay_subscription(evs, last);
        let entry = native.entry(c.clone()).or_insert_with(|| (vec![Decimal::ZERO; ndays], vec![None; ndays]));
        for i in 0..ndays {
            entry.0[i] += arr[i];
            entry.1[i] = entry.1[i].max(changed[i]);
        }
    }
    // renewals booked (AMBIGUITY, the docs say only "renewed ARR booked"): the ARR of the
    // renewed subscription just after each renewal, at the rate of the renewal's date
    let mut renewals: BTreeMap<(String, usize), Decimal> = BTreeMap::new();
    for ((c, _), evs) in &subs {
        for (date, arr) in replay_subscription(evs, last).renewals {
            let Some(k) = months.iter().position(|mm| mm.first_day() <= date && date <= mm.last_day()) else {
                continue;
            };
            *renewals.entry((c.clone(), k)).or_default() += arr * rate(c, date);
        }
    }
    let before_first = months[0].first_day().pred_opt().unwrap();
    let ends: Vec<NaiveDate> = std::iter::once(before_first).chain(months.iter().map(|mm| mm.last_day())).collect();
    let mut customers = BTreeMap::new();
    for (c, (arr, changed)) in &native {
        let booked = |i: usize| -> Decimal {
            let day = ends[i];
            let native = arr[day_index(day)];
            match changed[day_index(day)] {
                Some(when) => native * rate(c, when),
                None => native,
            }
        };
        let mut cm = CustomerModel::default();
        for i in 0..ends.len() {
            cm.month_end.push(booked(i));
        }
        for (k, mm) in months.iter().enumerate() {
            let prev_day = ends[k];
            let cur_day = ends[k + 1];
            let prev_native = arr[day_index(prev_day)];
            let cur_native = arr[day_index(cur_day)];
            let prev = cm.month_end[k];
            let cur = cm.month_end[k + 1];
            let mut f = Flow::default();
            // FX: what the customer had, re-valued at the rate of its latest change
            let cur_rate = changed[day_index(cur_day)].map_or(Decimal::ONE, |when| rate(c, when));
            let revalued_prev = if prev_native.is_zero() { Decimal::ZERO } else { prev_native * cur_rate };
            f.fx = revalued_prev - prev;
            let had_before = arr[..day_index(mm.first_day())].iter().any(|a| *a > Decimal::ZERO);
            if prev_native.is_zero() && !cur_native.is_zero() {
                if had_before {
                    f.reactivation = cur;
                    f.reactivated_logos = 1;
                } else {
                    f.new = cur;
                    f.new_logos = 1;
                }
            } else if !prev_native.is_zero() && cur_native.is_zero() {
                f.churn = revalued_prev;
                f.churned_logos = 1;
            } else if !prev_native.is_zero() {
                let delta = cur - revalued_prev;
                if delta > Decimal::ZERO {
                    f.expansion = delta;
                } else {
                    f.contraction = -delta;
                }
            }
            f.renewal = renewals.get(&(c.clone(), k)).copied().unwrap_or_default();
            cm.flows.push(f);
        }
        customers.insert(c.clone(), cm);
    }
    Model { months: months.to_vec(), customers }
}

// ---------------------------------------------------------------------------------------------
// Comparing the model with the book.

fn round_money(x: Decimal, c: Currency) -> Money {
    Money::new(x, c).round()
}

fn compare(model: &Model, book: &ArrBook) -> Vec<String> {
    let cur = book.currency();
    let mut problems = Vec::new();
    for (k, &mm) in model.months.iter().enumerate() {
        let mut total = Flow::default();
        let mut total_arr = Decimal::ZERO;
        let mut active = 0u64;
        for (c, cm) in &model.customers {
            let want = round_money(cm.month_end[k + 1], cur);
            let got = book.customer_arr(c, mm).unwrap();
            if got != Some(want) {
                problems.push(format!("{mm} {c}: ARR book {got:?}, model {want}"));
            }
            total.add(&cm.flows[k]);
            total_arr += cm.month_end[k + 1];
            active += u64::from(cm.month_end[k + 1] > Decimal::ZERO);
            let log = book.customer_movements(c, mm, mm).unwrap();
            let got_rows: BTreeSet<(String, Decimal)> =
                log.iter().map(|r| (format!("{:?}", r.kind), r.amount.amount().normalize())).collect();
            let want_rows: BTreeSet<(String, Decimal)> =
                cm.flows[k].rows().into_iter().map(|(kind, a)| (format!("{kind:?}"), a.normalize())).collect();
            if got_rows != want_rows {
                problems.push(format!("{mm} {c}: log book {got_rows:?}, model {want_rows:?}"));
            }
        }
        if book.arr_at(mm).unwrap() != round_money(total_arr, cur) {
            problems.push(format!(
                "{mm}: arr_at book {}, model {}",
                book.arr_at(mm).unwrap(),
                round_money(total_arr, cur)
            ));
        }
        let got = book.movements(mm, mm).unwrap();
        let lines = [
            ("new", got.new.amount(), total.new),
            ("expansion", got.expansion.amount(), total.expansion),
            ("contraction", got.contraction.amount(), total.contraction),
            ("churn", got.churn.amount(), total.churn),
            ("reactivation", got.reactivation.amount(), total.reactivation),
            ("fx", got.fx.amount(), total.fx),
            ("renewal", got.renewal.amount(), total.renewal),
        ];
        for (name, g, w) in lines {
            if g != w {
                problems.push(format!("{mm}: movements.{name} book {g}, model {w}"));
            }
        }
        let logos = [
            ("new_logos", got.new_logos, total.new_logos),
            ("churned_logos", got.churned_logos, total.churned_logos),
            ("reactivated_logos", got.reactivated_logos, total.reactivated_logos),
        ];
        for (name, g, w) in logos {
            if g != w {
                problems.push(format!("{mm}: movements.{name} book {g}, model {w}"));
            }
        }
        let bridge = book.bridge(mm, mm).unwrap();
        if bridge.closing_customers != active {
            problems.push(format!("{mm}: closing_customers book {}, model {active}", bridge.closing_customers));
        }
        if !bridge.ties() {
            problems.push(format!("{mm}: bridge does not tie: {bridge:?}"));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Printing a stream as Rust code (for reproducers).

fn rust_money(x: &Money) -> String {
    let f = if x.currency() == Currency::EUR { "eur" } else { "usd" };
    format!("{f}(\"{}\")", x.amount())
}

fn rust_date(x: NaiveDate) -> String {
    format!("d({}, {}, {})", x.year(), x.month(), x.day())
}

fn rust_interval(i: Interval) -> String {
    format!("Interval::{i:?}")
}

fn rust_event(e: &SubscriptionEvent) -> String {
    let kind = match &e.kind {
        EventKind::Start { price, interval, trial_until } => format!(
            "EventKind::Start {{ price: {}, interval: {}, trial_until: {} }}",
            rust_money(price),
            rust_interval(*interval),
            trial_until.map_or("None".to_string(), |t| format!("Some({})", rust_date(t)))
        ),
        EventKind::Change { price, interval } => {
            format!("EventKind::Change {{ price: {}, interval: {} }}", rust_money(price), rust_interval(*interval))
        }
        EventKind::Renew { price, interval } => {
            format!("EventKind::Renew {{ price: {}, interval: {} }}", rust_money(price), rust_interval(*interval))
        }
        EventKind::Cancel { paid_through } => format!(
            "EventKind::Cancel {{ paid_through: {} }}",
            paid_through.map_or("None".to_string(), |t| format!("Some({})", rust_date(t)))
        ),
        EventKind::Pause => "EventKind::Pause".into(),
        EventKind::Resume => "EventKind::Resume".into(),
        EventKind::DiscountEnd => "EventKind::DiscountEnd".into(),
        EventKind::DiscountStart(x) => {
            let off = match x.off {
                DiscountOff::Percent(p) => format!("DiscountOff::Percent(pct(\"{}\"))", p.fraction()),
                DiscountOff::Amount(a) => format!("DiscountOff::Amount({})", rust_money(&a)),
            };
            format!("EventKind::DiscountStart(MrrDiscount {{ off: {off}, forever: {} }})", x.forever)
        }
    };
    format!(
        "SubscriptionEvent::new(\"{}\", \"{}\", \"{}\", {}, {kind}).at({}),",
        e.id,
        e.customer,
        e.subscription,
        rust_date(e.date),
        e.sequence
    )
}

fn rust_rates(table: &BTreeMap<NaiveDate, Decimal>) -> String {
    table
        .iter()
        .map(|(day, r)| {
            format!("    rates.insert(Currency::EUR, Currency::USD, {}, dec(\"{r}\")).unwrap();\n", rust_date(*day))
        })
        .collect()
}

fn rust_events(events: &[SubscriptionEvent]) -> String {
    let mut sorted: Vec<&SubscriptionEvent> = events.iter().collect();
    sorted.sort_by_key(|e| (e.customer.clone(), e.subscription.clone(), order_key(e)));
    sorted.iter().map(|e| format!("    {}\n", rust_event(e))).collect()
}

// ---------------------------------------------------------------------------------------------
// Random streams.

#[derive(Debug, Clone)]
enum RawKind {
    Start { price: usize, interval: usize, trial: Option<usize> },
    Change { price: usize, interval: usize },
    Renew { price: usize, interval: usize },
    Cancel { paid: Option<usize> },
    Pause,
    Resume,
    DiscountStart { off: usize, forever: bool },
    DiscountEnd,
}

#[derive(Debug, Clone)]
struct Raw {
    customer: u8,
    sub: u8,
    day: usize,
    seq: u64,
    tag: u8,
    kind: RawKind,
}

const PRICES: [&str; 8] = ["100", "10", "99.99", "250.50", "1200", "33.33", "0", "2000"];
const INTERVALS: [Interval; 3] = [Interval::Month, Interval::Quarter, Interval::Year];
/// Offsets (days) of a trial end or a paid-through date from the event's date.
const OFFSETS: [i64; 10] = [-3, 0, 1, 9, 14, 30, 31, 45, 92, 400];
/// Percent discounts as fractions, then amounts.
const PERCENTS: [&str; 5] = ["0.10", "0.25", "0.5", "1", "0.125"];
const AMOUNTS: [&str; 4] = ["5", "10", "50", "250"];

fn raw_kind() -> impl Strategy<Value = RawKind> {
    let price = 0..PRICES.len();
    let interval = 0..INTERVALS.len();
    let offset = 0..OFFSETS.len();
    prop_oneof![
        4 => (price.clone(), interval.clone(), prop::option::weighted(0.3, offset.clone()))
            .prop_map(|(price, interval, trial)| RawKind::Start { price, interval, trial }),
        3 => (price.clone(), interval.clone()).prop_map(|(price, interval)| RawKind::Change { price, interval }),
        2 => (price, interval).prop_map(|(price, interval)| RawKind::Renew { price, interval }),
        3 => prop::option::weighted(0.6, offset).prop_map(|paid| RawKind::Cancel { paid }),
        1 => Just(RawKind::Pause),
        1 => Just(RawKind::Resume),
        2 => (0..PERCENTS.len() + AMOUNTS.len(), any::<bool>())
            .prop_map(|(off, forever)| RawKind::DiscountStart { off, forever }),
        1 => Just(RawKind::DiscountEnd),
    ]
}

/// Days from `origin()`: on a coarse grid (so that events share days), or a month's first or
/// last day.
fn raw_day(span: usize) -> impl Strategy<Value = usize> {
    let grid = span / 9;
    prop_oneof![
        3 => (0..grid).prop_map(|k| k * 9 + 3),
        1 => (0..span / 31).prop_map(|k| {
            let mm = Month::new(2025, 10).unwrap().checked_add(k as i32).unwrap();
            day_index(mm.first_day())
        }),
        1 => (0..span / 31).prop_map(|k| {
            let mm = Month::new(2025, 10).unwrap().checked_add(k as i32).unwrap();
            day_index(mm.last_day())
        }),
        1 => 0..span,
    ]
}

fn raw_event(span: usize) -> impl Strategy<Value = Raw> {
    (0u8..4, 0u8..3, raw_day(span), prop_oneof![2 => Just(0u64), 1 => 0u64..4], any::<u8>(), raw_kind())
        .prop_map(|(customer, sub, day, seq, tag, kind)| Raw { customer, sub, day, seq, tag, kind })
}

fn shift(day: NaiveDate, off: i64) -> NaiveDate {
    if off >= 0 {
        day.checked_add_days(Days::new(off as u64)).unwrap()
    } else {
        day.checked_sub_days(Days::new((-off) as u64)).unwrap()
    }
}

/// `currency_of(customer)` picks each customer's billing currency.
fn to_events(raw: &[Raw], currency_of: &dyn Fn(u8) -> Currency) -> Vec<SubscriptionEvent> {
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            let cur = currency_of(r.customer);
            let date = shift(origin(), r.day as i64);
            let price = |p: usize| money(PRICES[p], cur);
            let kind = match r.kind {
                RawKind::Start { price: p, interval, trial } => EventKind::Start {
                    price: price(p),
                    interval: INTERVALS[interval],
                    trial_until: trial.map(|o| shift(date, OFFSETS[o])),
                },
                RawKind::Change { price: p, interval } => {
                    EventKind::Change { price: price(p), interval: INTERVALS[interval] }
                }
                RawKind::Renew { price: p, interval } => {
                    EventKind::Renew { price: price(p), interval: INTERVALS[interval] }
                }
                RawKind::Cancel { paid } => EventKind::Cancel { paid_through: paid.map(|o| shift(date, OFFSETS[o])) },
                RawKind::Pause => EventKind::Pause,
                RawKind::Resume => EventKind::Resume,
                RawKind::DiscountStart { off, forever } => {
                    let off = if off < PERCENTS.len() {
                        DiscountOff::Percent(Percent::from_fraction(PERCENTS[off].parse().unwrap()))
                    } else {
                        DiscountOff::Amount(money(AMOUNTS[off - PERCENTS.len()], cur))
                    };
                    EventKind::DiscountStart(MrrDiscount { off, forever })
                }
                RawKind::DiscountEnd => EventKind::DiscountEnd,
            };
            // ids whose order has nothing to do with the order the events were made in
            let id = format!("e{:03}-{i}", r.tag);
            SubscriptionEvent::new(&id, &format!("c{}", r.customer), &format!("s{}", r.sub), date, kind).at(r.seq)
        })
        .collect()
}

fn book_months(n: usize) -> Vec<Month> {
    (0..n).map(|k| m(2026, 1).checked_add(k as i32).unwrap()).collect()
}

/// A stream and the number of months of its book (6 to 18, starting January 2026); events run
/// from October 2025 to a little past the book's end.
fn stream() -> impl Strategy<Value = (usize, Vec<Raw>)> {
    (6usize..=18).prop_flat_map(|n| {
        let span = day_index(book_months(n).last().unwrap().last_day()) + 20;
        (Just(n), prop::collection::vec(raw_event(span), 1..40))
    })
}

/// Build the book and the model over one stream and compare; `Err` describes every
/// disagreement, with the stream as Rust code.
fn check(
    events: Vec<SubscriptionEvent>,
    n: usize,
    rates: &InMemoryFxRates,
    rate: &dyn Fn(&str, NaiveDate) -> Decimal,
) -> Result<(), String> {
    let events = normalise(events);
    let months = book_months(n);
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months[0]..=months[n - 1], rates)
        .map_err(|e| format!("the book refused the stream: {e:?}\n{}", rust_events(&events)))?;
    let model = build_model(&events, &months, rate);
    let problems = compare(&model, &book);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} months from 2026-01\n{}\nevents:\n{}", n, problems.join("\n"), rust_events(&events)))
    }
}

/// Customers c1 to c3 bill in euros, c0 in dollars.
fn eur_for_c1_to_c3(c: u8) -> Currency {
    if c >= 1 {
        Currency::EUR
    } else {
        Currency::USD
    }
}

const RATES: [&str; 5] = ["1.2", "1.0837", "0.95", "1.1", "1.25"];

/// EUR→USD quotes: the first from before any event, then changes on random days (offsets from
/// `origin()`); quotes are looked up on or before the day asked for.
fn rate_changes() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0usize..620, 0..RATES.len()), 1..8)
}

fn rates_of(changes: &[(usize, usize)]) -> (InMemoryFxRates, BTreeMap<NaiveDate, Decimal>) {
    let mut table = BTreeMap::new();
    table.insert(shift(origin(), -30), dec(RATES[0]));
    for &(day, r) in changes {
        table.insert(shift(origin(), day as i64), dec(RATES[r]));
    }
    let mut rates = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 2_000 });
    for (&day, &rate) in &table {
        rates.insert(Currency::EUR, Currency::USD, day, rate).unwrap();
    }
    (rates, table)
}

fn usd_only(_: u8) -> Currency {
    Currency::USD
}

proptest! {
    #![proptest_config(config())]

    /// USD only: month-end ARR per customer, the customer log, and each movement line.
    #[test]
    fn the_book_agrees_with_the_reference_model_in_one_currency((n, raw) in stream()) {
        let events = to_events(&raw, &usd_only);
        let r = check(events, n, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}

proptest! {
    #![proptest_config(config())]

    /// Euro and dollar customers, a moving EUR→USD rate: as above, and the FX line (each
    /// customer's month-end ARR booked at the rate of its latest change; re-valuing what it had
    /// at that rate is FX).
    #[test]
    fn the_book_agrees_with_the_reference_model_across_currencies((n, raw) in stream(), changes in rate_changes()) {
        let events = to_events(&raw, &eur_for_c1_to_c3);
        let (rates, table) = rates_of(&changes);
        let rate = |c: &str, day: NaiveDate| -> Decimal {
            if c != "c0" {
                *table.range(..=day).next_back().unwrap().1
            } else {
                Decimal::ONE
            }
        };
        let r = check(events, n, &rates, &rate);
        prop_assert!(r.is_ok(), "{}rates:\n{}", r.unwrap_err(), rust_rates(&table));
    }
}

/// `MODEL_CASES` overrides the number of cases; failures are not persisted to a file.
fn config() -> ProptestConfig {
    let cases = std::env::var("MODEL_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(cases) }
}

// ---------------------------------------------------------------------------------------------
// The docs' worked examples, checked on the model itself.

fn model_of(events: &[SubscriptionEvent], months: &[Month]) -> Model {
    build_model(&normalise(events.to_vec()), months, &|_, _| Decimal::ONE)
}

fn arr_of(model: &Model, c: &str, month: Month) -> Decimal {
    let k = model.months.iter().position(|x| *x == month).unwrap();
    model.customers.get(c).map_or(Decimal::ZERO, |cm| cm.month_end[k + 1])
}

fn flows_of(model: &Model, month: Month) -> Flow {
    let k = model.months.iter().position(|x| *x == month).unwrap();
    let mut f = Flow::default();
    for cm in model.customers.values() {
        f.add(&cm.flows[k]);
    }
    f
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn model_two_changes_on_one_day_the_last_recorded_wins() {
    let day = |x| d(2026, 1, x);
    let events = [
        SubscriptionEvent::start("e1", "acme", "main", day(5), usd("100"), Interval::Month),
        SubscriptionEvent::change("e3", "acme", "main", day(20), usd("1000"), Interval::Year).at(1_768_899_900),
        SubscriptionEvent::change("e2", "acme", "main", day(20), usd("1200"), Interval::Month).at(1_768_899_600),
    ];
    let model = model_of(&events, &[m(2026, 1)]);
    assert_eq!(arr_of(&model, "acme", m(2026, 1)), dec("1000"));
}

#[test]
fn model_event_kind_examples() {
    let day = |mm, x| d(2026, mm, x);
    let trial = |price| EventKind::Start { price, interval: Interval::Month, trial_until: Some(day(2, 3)) };
    let events = [
        SubscriptionEvent::start("e1", "acme", "main", day(1, 5), usd("100"), Interval::Month),
        SubscriptionEvent::cancel("e2", "acme", "main", day(1, 20), Some(day(3, 5))),
        SubscriptionEvent::change("e3", "acme", "main", day(2, 10), usd("150"), Interval::Month),
        SubscriptionEvent::new("t1", "beta", "main", day(1, 3), trial(usd("50"))),
        SubscriptionEvent::cancel("t2", "beta", "main", day(1, 8), None),
        SubscriptionEvent::start("t3", "beta", "main", day(1, 12), usd("50"), Interval::Month),
        SubscriptionEvent::start("g1", "gamma", "main", day(1, 3), usd("80"), Interval::Month),
        SubscriptionEvent::cancel("g2", "gamma", "main", day(1, 9), None),
        SubscriptionEvent::change("g3", "gamma", "main", day(2, 1), usd("90"), Interval::Month),
    ];
    let months = [m(2026, 1), m(2026, 2), m(2026, 3)];
    let model = model_of(&events, &months);
    assert_eq!(arr_of(&model, "acme", m(2026, 3)), dec("1800"));
    assert_eq!(arr_of(&model, "beta", m(2026, 1)), dec("600"));
    assert_eq!(arr_of(&model, "gamma", m(2026, 3)), dec("0"));
    // and the book agrees
    let r = check(events.to_vec(), 3, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

#[test]
fn model_movements_examples() {
    let day = |mm, x| d(2026, mm, x);
    let (jan, feb, mar) = (m(2026, 1), m(2026, 2), m(2026, 3));
    let events = [
        SubscriptionEvent::start("e1", "syncalytics", "gold", day(1, 5), usd("2000"), Interval::Year),
        SubscriptionEvent::start("e2", "syncalytics", "silver", day(1, 9), usd("60"), Interval::Month),
        SubscriptionEvent::cancel("e3", "syncalytics", "silver", day(2, 9), None),
    ];
    let model = model_of(&events, &[jan, feb]);
    assert_eq!(flows_of(&model, jan).new, dec("2720"));
    assert_eq!(flows_of(&model, feb).contraction, dec("720"));
    assert_eq!(flows_of(&model, feb).churned_logos, 0);

    let events = [
        SubscriptionEvent::start("e1", "acme", "main", day(1, 3), usd("100"), Interval::Month),
        SubscriptionEvent::cancel("e2", "acme", "main", day(1, 20), None),
        SubscriptionEvent::start("e3", "acme", "main", day(3, 2), usd("100"), Interval::Month),
    ];
    let model = model_of(&events, &[jan, feb, mar]);
    assert_eq!(flows_of(&model, jan).new_logos, 0);
    assert_eq!(flows_of(&model, mar).reactivation, dec("1200"));
    assert_eq!(flows_of(&model, mar).reactivated_logos, 1);

    // the ArrBook example and the customer log example
    let events = [
        SubscriptionEvent::start("e1", "a", "s", day(1, 5), usd("100"), Interval::Month),
        SubscriptionEvent::start("e2", "b", "s", day(1, 9), usd("1200"), Interval::Year),
        SubscriptionEvent::change("e3", "a", "s", day(2, 1), usd("150"), Interval::Month),
        SubscriptionEvent::cancel("e4", "b", "s", day(2, 20), None),
    ];
    let model = model_of(&events, &[jan, feb]);
    let f = flows_of(&model, feb);
    assert_eq!((f.expansion, f.churn), (dec("600"), dec("1200")));
    let events = [
        SubscriptionEvent::start("evt_1", "acme", "main", day(1, 5), usd("100"), Interval::Month),
        SubscriptionEvent::change("evt_2", "acme", "main", day(2, 3), usd("150"), Interval::Month),
        SubscriptionEvent::cancel("evt_3", "acme", "main", day(2, 20), Some(day(3, 3))),
    ];
    let model = model_of(&events, &[jan, feb, mar]);
    let rows: Vec<_> = model.customers["acme"].flows.iter().map(Flow::rows).collect();
    assert_eq!(
        rows,
        [
            vec![(MovementKind::New, dec("1200"))],
            vec![(MovementKind::Expansion, dec("600"))],
            vec![(MovementKind::Churn, dec("1800"))]
        ]
    );
    let r = check(events.to_vec(), 3, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

#[test]
fn model_baremetrics_style_discounts() {
    let jan = m(2026, 1);
    let half = MrrDiscount { off: DiscountOff::Percent(Percent::from_fraction(dec("0.5"))), forever: true };
    let events = [
        SubscriptionEvent::start("e1", "c", "s", d(2026, 1, 5), usd("10"), Interval::Month),
        SubscriptionEvent::new("e2", "c", "s", d(2026, 1, 5), EventKind::DiscountStart(half)).at(1),
    ];
    let model = model_of(&events, &[jan]);
    assert_eq!(arr_of(&model, "c", jan), dec("60"));
    let r = check(events.to_vec(), 1, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

fn eur(s: &str) -> Money {
    money(s, Currency::EUR)
}

/// EUR→USD at `first` from before any event, then at each `(day, rate)`.
fn fx_table(first: &str, later: &[(NaiveDate, &str)]) -> (InMemoryFxRates, BTreeMap<NaiveDate, Decimal>) {
    let mut table = BTreeMap::new();
    table.insert(shift(origin(), -30), dec(first));
    for (day, r) in later {
        table.insert(*day, dec(r));
    }
    let mut rates = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 2_000 });
    for (&day, &rate) in &table {
        rates.insert(Currency::EUR, Currency::USD, day, rate).unwrap();
    }
    (rates, table)
}

/// Book and model over `events` (every customer in euros) and a rate table.
fn check_eur(events: &[SubscriptionEvent], n: usize, first: &str, later: &[(NaiveDate, &str)]) -> Result<(), String> {
    let (rates, table) = fx_table(first, later);
    let rate = |_: &str, day: NaiveDate| *table.range(..=day).next_back().unwrap().1;
    check(events.to_vec(), n, &rates, &rate)
}

/// The `FxRateDate` example: renewed at the same EUR price after the euro fell is FX, not
/// contraction (the model alone, then against the book).
#[test]
fn model_fx_example() {
    let events = [
        SubscriptionEvent::start("e1", "berlin", "main", d(2026, 1, 5), eur("100"), Interval::Month),
        SubscriptionEvent::renew("e2", "berlin", "main", d(2026, 2, 5), eur("100"), Interval::Month),
    ];
    let (_, table) = fx_table("1.20", &[(d(2026, 2, 1), "1.00")]);
    let rate = |_: &str, day: NaiveDate| *table.range(..=day).next_back().unwrap().1;
    let model = build_model(&normalise(events.to_vec()), &[m(2026, 1), m(2026, 2)], &rate);
    let cm = &model.customers["berlin"];
    assert_eq!((cm.month_end[1], cm.month_end[2]), (dec("1440"), dec("1200")));
    assert_eq!((cm.flows[1].fx, cm.flows[1].contraction), (dec("-240"), dec("0")));
    let r = check_eur(&events, 2, "1.20", &[(d(2026, 2, 1), "1.00")]);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

/// Shrunk by the FX property: a second subscription's trial is cancelled the day it starts. In
/// May, when that trial would have ended, nothing happens: the customer stays at 1,440.00 (the
/// rate of its latest change, 25 February, is 1.20), no FX. (The book once re-booked it at
/// May's rate: 1,300.44 and an FX line of −139.56.)
#[test]
fn a_trial_cancelled_before_it_ends_books_no_rate_when_it_would_have_ended() {
    let trial = EventKind::Start { price: eur("100"), interval: Interval::Month, trial_until: Some(d(2026, 5, 28)) };
    let events = [
        SubscriptionEvent::start("e1", "c2", "s0", d(2025, 10, 4), eur("100"), Interval::Month),
        SubscriptionEvent::new("e2", "c2", "s1", d(2026, 2, 25), trial),
        SubscriptionEvent::cancel("e3", "c2", "s1", d(2026, 2, 25), None),
    ];
    let r = check_eur(&events, 6, "1.2", &[(d(2026, 2, 26), "1.0837")]);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}

/// Shrunk by the FX property: cancelled at period end (30 August), then at once on 1 August.
/// The subscription ends on 1 August, at 1.20, so August shows churn of 1,440.00 and no FX.
/// (The book once valued the churn at the rate of 30 August, the end that never happened:
/// churn 1,300.44 and FX −139.56.)
#[test]
fn a_churn_is_valued_at_the_rate_of_the_day_the_subscription_ended() {
    let events = [
        SubscriptionEvent::start("e1", "c2", "s0", d(2025, 10, 1), eur("100"), Interval::Month),
        SubscriptionEvent::cancel("e2", "c2", "s0", d(2026, 7, 31), Some(d(2026, 8, 30))),
        SubscriptionEvent::cancel("e3", "c2", "s0", d(2026, 8, 1), None),
    ];
    let r = check_eur(&events, 14, "1.2", &[(d(2026, 8, 2), "1.0837")]);
    assert!(r.is_ok(), "{}", r.unwrap_err());
}
