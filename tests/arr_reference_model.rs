//! An independent reference model of the ARR ledger, written only from the public docs of
//! `revops::arr` (the `SubscriptionEvent`/`EventKind` rules, `Movements` "# Rules", the
//! `ArrBook` "# Amounts" section, `ArrBridge`'s rounding, and every `ArrPolicy` option), checked
//! against `ArrBook` on random event streams under random policies: built at once, and built
//! from part of a stream then fed the rest through `apply` in a random arrival order.
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
//!   when paused or in a trial), at the rate of the Renew's date (the day the policy picks),
//!   for a Renew of a subscription that had ARR at the end of the day before (a renewal of a
//!   paid term; after a trial, an end or a pause it is new business or a reactivation);
//! * a cancellation at period end is, for FX booking, a change of the day it takes effect
//!   (`FxRateDate` docs), not of its own date (`Movements` says "latest event");
//! * a scheduled change that never takes effect (the end of a trial cancelled first, a period
//!   end overtaken by an immediate cancellation) books nothing, not even a rate;
//! * a Renew that brings an ended subscription back is a fresh term: no discount, pause or
//!   trial of the contract that ended;
//! * a second cancellation at period end while one is pending replaces it (the last recorded
//!   says when the subscription ends).
//!
//! Readings added with the policies, rounding and `apply` (the book agrees with each, except
//! the last, on 10,000+ streams of each build property, 5,000 in yen and 2,000+ of `apply`):
//! * the current discount is the last one started whatever the `DiscountPolicy`; the policy
//!   only decides whether it counts, so under `ForeverOnly` a temporary discount that replaced
//!   a forever one leaves the list price;
//! * a subscription's changes of one day (scheduled ones and events) make one change, which
//!   books a new rate when the day moves its ARR, or prices it anew (a Start, Change or Renew)
//!   and leaves it with ARR, at the rate day of the day's last change that moved or priced it:
//!   a discount event under `DiscountPolicy::Ignore`, a free trial's start, a resume of a
//!   running subscription, or a pause and a resume on one day book none (the `FxRateDate`
//!   docs: "what does not change ARR books no rate"; the book booked one until 5 December
//!   2026);
//! * under `TrialPolicy::Include` nothing happens when a trial would have ended (no new rate);
//! * under `ChurnTiming::AtCancellation` every Cancel books the subscription out on its own
//!   date; one with a later `paid_through` can still be withdrawn by a Change or Renew dated
//!   before it (the contract goes on as it was, from that day) or restated by another Cancel,
//!   and neither its booking out's end nor a trial end while it is out books a rate; a pause,
//!   resume or discount while it is out happens to the contract, booking nothing until then;
//! * of two Renews of one subscription on one day, the last recorded is the day's renewal;
//! * `FxRateDate::TransactionDate`: the latest change is still the latest to take effect (by
//!   `date`; a scheduled change at the start of its day, events after), and its rate is read
//!   on its `recorded_on` (its `date` when absent), even when that is after the month end;
//!   scheduled changes read their own day. Of two subscriptions' changes on one day, the one
//!   with the later rate day books the customer (the `Movements` docs, since this model found
//!   them silent on it); the events of one subscription and date share one `recorded_on`;
//! * `FxRateDate::Fixed(day)`: every conversion, renewals included, at the rate of `day`;
//! * the renewal of a Renew is booked at the rate of the day the policy picks for that Renew,
//!   each renewal converted (and kept) on its own;
//! * amounts ("# Amounts"): each subscription's ARR is kept on its own at the minor unit + 8
//!   digits, half to even (the crate's default rounding), a customer's native ARR is their
//!   sum, and `round(native × rate)` is half to even at that scale too; reported amounts
//!   (`arr_at`, `mrr_at` = round(ARR ÷ 12), `customer_arr`, bridge lines, composition) are
//!   rounded half to even from the exact kept amounts, bridge lines cumulatively;
//! * `bridge_revalued`: opening and closing are each customer's native ARR at that month end
//!   converted at that day's rate; its movements are the booked ones and its FX line the rest;
//! * `SamePeriodNewAndChurn::ShowBoth`: a customer with no ARR at either month end but ARR on
//!   some day between is new (reactivation if it had ARR on any day before the month) and
//!   churn of the same amount, one logo each: the highest ARR it had in the month (the policy's
//!   docs; this model first read it as the ARR it left with, which the docs did not say),
//!   valued as a churn is, at the rate of its latest change at the month end.
//!
//! `MODEL_CASES=20000 cargo test --test arr_reference_model` runs ten times the default cases of every
//! property (2,000 of each build property, 500 reporting in yen, 300 of `apply`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use revops::arr::*;
use revops::calendar::Month;
use revops::money::{InMemoryFxRates, Percent, RateLookup};
use revops::{Currency, Money};
use rust_decimal::{Decimal, RoundingStrategy};

#[path = "common/documented_order.rs"]
mod documented_order;
use documented_order::{normalise, order_key};

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

// ---------------------------------------------------------------------------------------------
// The reference model.

/// The parts of 10⁻⁶ of a minor unit the book keeps ARR in ("# Amounts").
const PARTS: i64 = 9009;

/// `yearly ÷ months` in `c` as the book keeps it ("# Amounts"): in parts, 9,009 to each 10⁻⁶ of its
/// minor unit, half to even where a part does not hold it (the crate's rounding where the docs
/// do not name one). The model keeps every amount in parts: as a `Decimal`, `x × 9,009`.
fn keep(yearly: Decimal, months: u32, c: Currency) -> Decimal {
    (yearly * Decimal::from(PARTS) / Decimal::from(months))
        .round_dp_with_strategy(c.minor_units() + 6, RoundingStrategy::MidpointNearestEven)
}

/// `kept` (in parts) converted at `rate` as the book converts ("# Amounts"): rounded half to
/// even to 10⁻⁶ of `c`'s minor unit, kept in parts; a rate of 1 changes nothing.
fn at_rate(kept: Decimal, rate: Decimal, c: Currency) -> Decimal {
    if rate == Decimal::ONE {
        return kept;
    }
    let x = kept * rate / Decimal::from(PARTS);
    x.round_dp_with_strategy(c.minor_units() + 6, RoundingStrategy::MidpointNearestEven) * Decimal::from(PARTS)
}

/// An amount kept in parts as the book reports an exact figure ([`Movements`]): to 10⁻⁸ of the
/// minor unit, half to even.
fn exact(kept: Decimal, c: Currency) -> Decimal {
    (kept / Decimal::from(PARTS)).round_dp_with_strategy(c.minor_units() + 8, RoundingStrategy::MidpointNearestEven)
}

/// An amount of `c` as the book reports it: the minor unit, half to even (`ArrBridge`,
/// `Money::round`).
fn report(kept: Decimal, c: Currency) -> Decimal {
    (kept / Decimal::from(PARTS)).round_dp_with_strategy(c.minor_units(), RoundingStrategy::MidpointNearestEven)
}

/// When a change was booked: its effective day, 0 for a change the book scheduled (it takes
/// effect at the start of its day) or 1 for an event (after them), and the day whose rate books
/// it. Within a subscription the latest change is the last to take effect; across a customer's
/// subscriptions, the latest is the one with the largest (effective day, rate day): of changes
/// on one day, the latest rate day books the customer (`Movements`' FX rule).
type Stamp = (NaiveDate, u8, NaiveDate);

/// The later of two subscriptions' latest changes, by the customer-level rule above.
fn later(a: Option<Stamp>, b: Option<Stamp>) -> Option<Stamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if (y.0, y.2) > (x.0, x.2) { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// The day whose rate books an event under `policy` (`FxRateDate`).
fn event_rate_day(e: &SubscriptionEvent, policy: &ArrPolicy) -> NaiveDate {
    match policy.fx_rate_date {
        FxRateDate::ServicePeriodStart => e.date,
        FxRateDate::TransactionDate => e.recorded_on.unwrap_or(e.date),
        FxRateDate::Fixed(day) => day,
    }
}

/// The day whose rate books a change the book scheduled (a trial end, a period end) on `day`.
fn scheduled_rate_day(day: NaiveDate, policy: &ArrPolicy) -> NaiveDate {
    match policy.fx_rate_date {
        FxRateDate::ServicePeriodStart | FxRateDate::TransactionDate => day,
        FxRateDate::Fixed(fixed) => fixed,
    }
}

#[derive(Debug, Clone, Default)]
struct SubState {
    running: bool,
    /// The currency the subscription bills in.
    currency: Option<Currency>,
    price: Decimal,
    months: u32,
    trial_until: Option<NaiveDate>,
    paused: bool,
    discount: Option<MrrDiscount>,
    /// A pending cancellation: the first day no longer paid for.
    pending_end: Option<NaiveDate>,
    /// Booked out by a cancellation at once whose paid period ends on this day: until then a
    /// Change or Renew withdraws it.
    withdrawable_until: Option<NaiveDate>,
}

impl SubState {
    /// ARR at the end of `day` (after its events), native currency, as the book keeps it.
    fn arr(&self, day: NaiveDate, policy: &ArrPolicy) -> Decimal {
        let in_trial = policy.trials == TrialPolicy::Exclude && self.trial_until.is_some_and(|t| day < t);
        if !self.running || self.paused || in_trial {
            return Decimal::ZERO;
        }
        // AMBIGUITY: the current discount is the last one started, whatever the policy; the
        // policy decides only whether it counts (so under ForeverOnly a temporary discount that
        // replaced a forever one leaves the list price).
        let counted = match (&self.discount, policy.discounts) {
            (None, _) | (Some(_), DiscountPolicy::Ignore) => None,
            (Some(x), DiscountPolicy::ForeverOnly) if !x.forever => None,
            (Some(x), _) => Some(x.off),
        };
        let off = match counted {
            None => Decimal::ZERO,
            Some(DiscountOff::Percent(p)) => self.price * p.fraction(),
            Some(DiscountOff::Amount(a)) => a.amount(),
        };
        // AMBIGUITY: an amount larger than the price floors at zero.
        let net = (self.price - off).max(Decimal::ZERO);
        // AMBIGUITY: each subscription's ARR is kept (rounded) on its own; a customer's is the
        // sum of its subscriptions'.
        keep(net * Decimal::from(12), self.months, self.currency.unwrap())
    }
}

/// What replaying one subscription gives.
struct Replay {
    /// ARR at the end of each day from `origin()` to the last day asked for.
    arr: Vec<Decimal>,
    /// The latest change that took effect on or before each day (for FX booking).
    changed: Vec<Option<Stamp>>,
    /// Each renewal's date, the subscription's ARR just after it and the day whose rate books it.
    renewals: Vec<(NaiveDate, Decimal, NaiveDate)>,
}

/// Replay one subscription's events, day by day.
fn replay_subscription(events: &[SubscriptionEvent], last: NaiveDate, policy: &ArrPolicy) -> Replay {
    let mut evs: Vec<&SubscriptionEvent> = events.iter().collect();
    evs.sort_by_key(|e| order_key(e));
    let mut st = SubState::default();
    let mut arr = Vec::new();
    let mut changed = Vec::new();
    let mut latest: Option<Stamp> = None;
    let mut renewals = Vec::new();
    let mut next = 0;
    let mut day = origin();
    while day <= last {
        // The day's changes (scheduled ones at its start, then its events) make one change,
        // which books a rate when the day moves the subscription's ARR, or prices it anew (a
        // Start, Change or Renew) and leaves it with ARR (`FxRateDate`: "what does not change
        // ARR books no rate"); it is booked at the rate day of the day's last change that moved
        // or priced it.
        let opened = arr.last().copied().unwrap_or(Decimal::ZERO);
        let (mut stamp, mut priced): (Option<Stamp>, bool) = (None, false);
        if st.running && st.pending_end == Some(day) {
            let before = st.arr(day, policy);
            st.running = false;
            st.pending_end = None;
            if !before.is_zero() {
                stamp = Some((day, 0, scheduled_rate_day(day, policy)));
            }
        }
        if st.withdrawable_until == Some(day) {
            st.withdrawable_until = None; // too late to withdraw: no change of ARR, no rate
        }
        // AMBIGUITY: under TrialPolicy::Include nothing happens when a trial ends (no new rate)
        if st.running && policy.trials == TrialPolicy::Exclude && st.trial_until == Some(day) {
            // a trial end is a change of its own date, when it brings ARR
            if !st.arr(day, policy).is_zero() {
                stamp = Some((day, 0, scheduled_rate_day(day, policy)));
            }
        }
        while next < evs.len() && evs[next].date == day {
            let e = evs[next];
            next += 1;
            let before = st.arr(day, policy);
            let applied = apply(&mut st, e, policy);
            let after = st.arr(day, policy);
            let prices = matches!(e.kind, EventKind::Start { .. } | EventKind::Change { .. } | EventKind::Renew { .. });
            if applied && (after != before || prices) {
                stamp = Some((day, 1, event_rate_day(e, policy)));
                priced |= prices;
            }
            // a renewal renews a paid term: none with no ARR the day before (after a trial, an
            // end or a pause), which brings new business or a reactivation instead
            let paid_before = arr.last().is_some_and(|a: &Decimal| !a.is_zero());
            if paid_before && matches!(e.kind, EventKind::Renew { .. }) {
                // the last renewal recorded on a day is the day's
                if renewals.last().is_some_and(|r: &(NaiveDate, Decimal, NaiveDate)| r.0 == day) {
                    renewals.pop();
                }
                renewals.push((day, st.arr(day, policy), event_rate_day(e, policy)));
            }
        }
        let closed = st.arr(day, policy);
        if stamp.is_some() && (closed != opened || (priced && !closed.is_zero())) {
            latest = stamp;
        }
        arr.push(st.arr(day, policy));
        changed.push(latest);
        day = day.succ_opt().unwrap();
    }
    Replay { arr, changed, renewals }
}

/// Apply one event; false when it is ignored or takes effect later (so is no change of its
/// own date, for FX booking).
fn apply(st: &mut SubState, e: &SubscriptionEvent, policy: &ArrPolicy) -> bool {
    let day = e.date;
    match &e.kind {
        EventKind::Start { price, interval, trial_until } => {
            *st = SubState {
                running: true,
                currency: Some(price.currency()),
                price: price.amount(),
                months: interval.months(),
                trial_until: trial_until.filter(|t| *t > day),
                paused: false,
                discount: None,
                pending_end: None,
                withdrawable_until: None,
            };
            true
        }
        EventKind::Renew { price, interval } => {
            if !st.running && st.withdrawable_until.take().is_some() {
                st.running = true; // withdrawn: the contract goes on as it was
            } else if !st.running {
                // a fresh term: nothing of the contract that ended carries over
                *st = SubState { running: true, ..SubState::default() };
            }
            st.currency = Some(price.currency());
            st.price = price.amount();
            st.months = interval.months();
            st.pending_end = None;
            true
        }
        EventKind::Change { price, interval } => {
            if !st.running && st.withdrawable_until.take().is_some() {
                st.running = true; // withdrawn: the contract goes on as it was
            }
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
                // restated while booked out: the last recorded says until when it can be
                // withdrawn (no change of ARR)
                if st.withdrawable_until.is_some() {
                    st.withdrawable_until = paid_through.filter(|p| *p > day);
                }
                return false;
            }
            match paid_through {
                Some(p) if *p > day && policy.churn == ChurnTiming::AtPeriodEnd => {
                    // the last recorded says when it ends
                    st.pending_end = Some(*p);
                    // a cancellation at period end is a change of the day it takes effect
                    // (`FxRateDate` docs), booked by the scheduled end, not of its own date
                    return false;
                }
                // under ChurnTiming::AtCancellation every cancellation books the subscription
                // out on its own date, withdrawable until its paid period ends
                _ => {
                    st.running = false;
                    st.pending_end = None;
                    st.withdrawable_until = paid_through.filter(|p| *p > day);
                }
            }
            true
        }
        // while booked out by a withdrawable cancellation the contract still runs: these happen
        // to it, booking nothing until the cancellation is withdrawn
        EventKind::Pause => {
            if st.running || st.withdrawable_until.is_some() {
                st.paused = true;
            }
            st.running
        }
        EventKind::Resume => {
            if st.running || st.withdrawable_until.is_some() {
                st.paused = false;
            }
            st.running
        }
        EventKind::DiscountStart(x) => {
            if st.running || st.withdrawable_until.is_some() {
                st.discount = Some(x.clone());
            }
            st.running
        }
        EventKind::DiscountEnd => {
            if st.running || st.withdrawable_until.is_some() {
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

/// A customer in the model: ARR (reporting currency, as the book keeps it) at the end of the
/// month before the book and of each month, and its movements in each month.
#[derive(Debug, Clone, Default)]
struct CustomerModel {
    month_end: Vec<Decimal>,
    /// The same ARR converted at the rate on each month end's own day (`bridge_revalued`).
    revalued: Vec<Decimal>,
    flows: Vec<Flow>,
}

struct Model {
    months: Vec<Month>,
    customers: BTreeMap<String, CustomerModel>,
}

fn day_index(day: NaiveDate) -> usize {
    (day - origin()).num_days() as usize
}

/// `rate(customer, day)` converts the customer's native ARR into the reporting currency (1 for
/// a customer billed in it).
fn build_model(
    events: &[SubscriptionEvent],
    months: &[Month],
    policy: &ArrPolicy,
    reporting: Currency,
    rate: &dyn Fn(&str, NaiveDate) -> Decimal,
) -> Model {
    let last = months.last().unwrap().last_day();
    let mut subs: BTreeMap<(String, String), Vec<SubscriptionEvent>> = BTreeMap::new();
    for e in events {
        subs.entry((e.customer.clone(), e.subscription.clone())).or_default().push(e.clone());
    }
    let ndays = day_index(last) + 1;
    let mut native: BTreeMap<String, (Vec<Decimal>, Vec<Option<Stamp>>)> = BTreeMap::new();
    // renewals booked (AMBIGUITY, the docs say only "renewed ARR booked"): the ARR of the
    // renewed subscription just after each renewal, converted (and kept) on its own at the
    // rate that books the Renew
    let mut renewals: BTreeMap<(String, usize), Decimal> = BTreeMap::new();
    for ((c, _), evs) in &subs {
        let replay = replay_subscription(evs, last, policy);
        let entry = native.entry(c.clone()).or_insert_with(|| (vec![Decimal::ZERO; ndays], vec![None; ndays]));
        for i in 0..ndays {
            entry.0[i] += replay.arr[i];
            entry.1[i] = later(entry.1[i], replay.changed[i]);
        }
        for (date, arr, rate_day) in replay.renewals {
            let Some(k) = months.iter().position(|mm| mm.first_day() <= date && date <= mm.last_day()) else {
                continue;
            };
            *renewals.entry((c.clone(), k)).or_default() += at_rate(arr, rate(c, rate_day), reporting);
        }
    }
    let before_first = months[0].first_day().pred_opt().unwrap();
    let ends: Vec<NaiveDate> = std::iter::once(before_first).chain(months.iter().map(|mm| mm.last_day())).collect();
    let mut customers = BTreeMap::new();
    for (c, (arr, changed)) in &native {
        // the customer's ARR at the end of `day`, booked at the rate of its latest change
        let booked = |day: NaiveDate| -> Decimal {
            let native = arr[day_index(day)];
            match changed[day_index(day)] {
                Some((_, _, rate_day)) => at_rate(native, rate(c, rate_day), reporting),
                None => native,
            }
        };
        let mut cm = CustomerModel::default();
        for &day in &ends {
            cm.month_end.push(booked(day));
            cm.revalued.push(at_rate(arr[day_index(day)], rate(c, day), reporting));
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
            let cur_rate = changed[day_index(cur_day)].map_or(Decimal::ONE, |(_, _, when)| rate(c, when));
            let revalued_prev = at_rate(prev_native, cur_rate, reporting);
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
            } else if policy.same_period == SamePeriodNewAndChurn::ShowBoth {
                // in and out inside the month: its highest ARR of the month (the policy's
                // docs), valued as a churn is, at the rate of its latest change at the month end
                let peak = arr[day_index(mm.first_day())..=day_index(cur_day)].iter().copied().max();
                if let Some(peak) = peak.filter(|p| *p > Decimal::ZERO) {
                    let amount = at_rate(peak, cur_rate, reporting);
                    if had_before {
                        f.reactivation = amount;
                        f.reactivated_logos = 1;
                    } else {
                        f.new = amount;
                        f.new_logos = 1;
                    }
                    f.churn = amount;
                    f.churned_logos = 1;
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

fn round_money(kept: Decimal, c: Currency) -> Money {
    Money::new(report(kept, c), c)
}

/// The bridge the `ArrBridge` docs describe over exact amounts: opening, new, expansion,
/// reactivation, contraction, churn, fx and closing, each line the rounded running total less
/// the one before (reductions shown positive).
fn expected_bridge(opening: Decimal, f: &Flow, closing: Decimal, cur: Currency) -> [Decimal; 8] {
    let steps = [f.new, f.expansion, f.reactivation, -f.contraction, -f.churn, f.fx];
    let mut running = opening;
    let mut shown = report(opening, cur);
    let mut lines = [Decimal::ZERO; 6];
    for (line, step) in lines.iter_mut().zip(steps) {
        running += step;
        let next = report(running, cur);
        *line = next - shown;
        shown = next;
    }
    let [new, expansion, reactivation, contraction, churn, fx] = lines;
    [report(opening, cur), new, expansion, reactivation, -contraction, -churn, fx, report(closing, cur)]
}

/// The book's bridge from `from` to `to` (indexes into the model's months) against the model's.
fn compare_bridge(
    model: &Model,
    book: &ArrBook,
    rates: &InMemoryFxRates,
    from: usize,
    to: usize,
    problems: &mut Vec<String>,
) {
    let (a, b) = (model.months[from], model.months[to]);
    let mut total = Flow::default();
    let (mut opening, mut closing) = (Decimal::ZERO, Decimal::ZERO);
    let (mut opening_customers, mut closing_customers) = (0u64, 0u64);
    for cm in model.customers.values() {
        for f in &cm.flows[from..=to] {
            total.add(f);
        }
        opening += cm.month_end[from];
        closing += cm.month_end[to + 1];
        opening_customers += u64::from(cm.month_end[from] > Decimal::ZERO);
        closing_customers += u64::from(cm.month_end[to + 1] > Decimal::ZERO);
    }
    let net = total.new + total.expansion + total.reactivation - total.contraction - total.churn;
    if opening + net + total.fx != closing {
        problems.push(format!("{a}..{b}: the MODEL does not tie: {opening} + {net} + {} != {closing}", total.fx));
    }
    let bridge = match book.bridge(a, b) {
        Ok(x) => x,
        Err(e) => return problems.push(format!("{a}..{b}: bridge refused: {e:?}")),
    };
    let got = [
        bridge.opening,
        bridge.new,
        bridge.expansion,
        bridge.reactivation,
        bridge.contraction,
        bridge.churn,
        bridge.fx,
        bridge.closing,
    ]
    .map(|x| x.amount());
    let want = expected_bridge(opening, &total, closing, book.currency());
    if got != want {
        problems.push(format!(
            "{a}..{b}: bridge lines (opening new expansion reactivation contraction churn fx closing) book {got:?}, model {want:?}"
        ));
    }
    if !bridge.ties() {
        problems.push(format!("{a}..{b}: bridge does not tie: {bridge:?}"));
    }
    if (bridge.opening_customers, bridge.closing_customers) != (opening_customers, closing_customers) {
        problems.push(format!(
            "{a}..{b}: opening/closing customers book {}/{}, model {opening_customers}/{closing_customers}",
            bridge.opening_customers, bridge.closing_customers
        ));
    }
    let m = &bridge.movements;
    let lines = [
        ("new", m.new.amount(), total.new),
        ("expansion", m.expansion.amount(), total.expansion),
        ("contraction", m.contraction.amount(), total.contraction),
        ("churn", m.churn.amount(), total.churn),
        ("reactivation", m.reactivation.amount(), total.reactivation),
        ("fx", m.fx.amount(), total.fx),
        ("renewal", m.renewal.amount(), total.renewal),
    ];
    for (name, g, w) in lines {
        let w = exact(w, book.currency());
        if g != w {
            problems.push(format!("{a}..{b}: movements.{name} book {g}, model {w}"));
        }
    }
    let logos = [
        ("new_logos", m.new_logos, total.new_logos),
        ("churned_logos", m.churned_logos, total.churned_logos),
        ("reactivated_logos", m.reactivated_logos, total.reactivated_logos),
    ];
    for (name, g, w) in logos {
        if g != w {
            problems.push(format!("{a}..{b}: movements.{name} book {g}, model {w}"));
        }
    }
    match book.bridge_revalued(a, b, rates) {
        Ok(rev) => {
            let (mut opening, mut closing) = (Decimal::ZERO, Decimal::ZERO);
            for cm in model.customers.values() {
                opening += cm.revalued[from];
                closing += cm.revalued[to + 1];
            }
            let net = total.new + total.expansion + total.reactivation - total.contraction - total.churn;
            let flows = Flow { fx: closing - opening - net, ..total.clone() };
            let got = [
                rev.opening,
                rev.new,
                rev.expansion,
                rev.reactivation,
                rev.contraction,
                rev.churn,
                rev.fx,
                rev.closing,
            ]
            .map(|x| x.amount());
            let want = expected_bridge(opening, &flows, closing, book.currency());
            if got != want || !rev.ties() {
                problems.push(format!("{a}..{b}: bridge_revalued lines book {got:?}, model {want:?}"));
            }
        }
        Err(e) => problems.push(format!("{a}..{b}: bridge_revalued refused: {e:?}")),
    }
    let c = bridge.composition;
    let got = [c.new_business.amount(), c.expansion.amount(), c.renewal.amount()];
    let cur = book.currency();
    let want = [report(total.new + total.reactivation, cur), report(total.expansion, cur), report(total.renewal, cur)];
    if got != want {
        problems.push(format!("{a}..{b}: composition book {got:?}, model {want:?}"));
    }
}

fn compare(model: &Model, book: &ArrBook, rates: &InMemoryFxRates) -> Vec<String> {
    let cur = book.currency();
    let mut problems = Vec::new();
    if book.customer_count() != model.customers.len() {
        problems.push(format!("customer_count book {}, model {}", book.customer_count(), model.customers.len()));
    }
    for (k, &mm) in model.months.iter().enumerate() {
        let mut total_arr = Decimal::ZERO;
        for (c, cm) in &model.customers {
            let want = round_money(cm.month_end[k + 1], cur);
            let got = book.customer_arr(c, mm).unwrap();
            if got != Some(want) {
                problems.push(format!("{mm} {c}: ARR book {got:?}, model {want}"));
            }
            total_arr += cm.month_end[k + 1];
            let log = book.customer_movements(c, mm, mm).unwrap();
            let got_rows: BTreeSet<(String, Decimal)> =
                log.iter().map(|r| (format!("{:?}", r.kind), r.amount.amount().normalize())).collect();
            let want_rows: BTreeSet<(String, Decimal)> = cm.flows[k]
                .rows()
                .into_iter()
                .map(|(kind, a)| (format!("{kind:?}"), exact(a, cur).normalize()))
                .collect();
            if got_rows != want_rows {
                problems.push(format!("{mm} {c}: log book {got_rows:?}, model {want_rows:?}"));
            }
        }
        let active: BTreeSet<&str> = book.active_customer_ids(mm).unwrap().collect();
        let want: BTreeSet<&str> = model
            .customers
            .iter()
            .filter(|(_, cm)| cm.month_end[k + 1] > Decimal::ZERO)
            .map(|(c, _)| c.as_str())
            .collect();
        if active != want {
            problems.push(format!("{mm}: active_customer_ids book {active:?}, model {want:?}"));
        }
        if book.arr_at(mm).unwrap() != round_money(total_arr, cur) {
            problems.push(format!(
                "{mm}: arr_at book {}, model {}",
                book.arr_at(mm).unwrap(),
                round_money(total_arr, cur)
            ));
        }
        if book.mrr_at(mm).unwrap() != round_money(total_arr / Decimal::from(12), cur) {
            problems.push(format!(
                "{mm}: mrr_at book {}, model {}",
                book.mrr_at(mm).unwrap(),
                round_money(total_arr / Decimal::from(12), cur)
            ));
        }
        compare_bridge(model, book, rates, k, k, &mut problems);
    }
    // the whole book, and a range inside it
    let n = model.months.len();
    compare_bridge(model, book, rates, 0, n - 1, &mut problems);
    compare_bridge(model, book, rates, n / 3, n - 1 - n / 4, &mut problems);
    if matches!(book.policy().fx_rate_date, FxRateDate::Fixed(_)) {
        // constant-currency reporting: the booked bridge has no FX at all
        let fx = book.movements(model.months[0], model.months[n - 1]).unwrap().fx;
        if !fx.is_zero() {
            problems.push(format!("FxRateDate::Fixed: FX {fx} over the book"));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Printing a stream as Rust code (for reproducers).

fn rust_money(x: &Money) -> String {
    match x.currency() {
        Currency::EUR => format!("eur(\"{}\")", x.amount()),
        Currency::USD => format!("usd(\"{}\")", x.amount()),
        c => format!("money(\"{}\", Currency::{c:?})", x.amount()),
    }
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
    let recorded = e.recorded_on.map_or(String::new(), |r| format!(".recorded_on({})", rust_date(r)));
    format!(
        "SubscriptionEvent::new(\"{}\", \"{}\", \"{}\", {}, {kind}){recorded}.at({}),",
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

fn rust_policy(p: &ArrPolicy) -> String {
    let fx = match p.fx_rate_date {
        FxRateDate::Fixed(day) => format!("FxRateDate::Fixed({})", rust_date(day)),
        other => format!("FxRateDate::{other:?}"),
    };
    format!(
        "ArrPolicy {{ discounts: DiscountPolicy::{:?}, churn: ChurnTiming::{:?}, fx_rate_date: {fx}, same_period: SamePeriodNewAndChurn::{:?}, trials: TrialPolicy::{:?} }}",
        p.discounts, p.churn, p.same_period, p.trials
    )
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
    /// The offset (into `RECORDED`) of the day it was transacted, if recorded.
    recorded: Option<usize>,
    kind: RawKind,
}

const PRICES: [&str; 10] = ["100", "10", "99.99", "250.50", "1200", "33.33", "0", "2000", "0.01", "1"];
/// With intervals whose ARR does not terminate (36 and 7 months) and a two-year one.
const INTERVALS: [Interval; 7] = [
    Interval::Month,
    Interval::Quarter,
    Interval::Year,
    Interval::Months(36),
    Interval::Months(7),
    Interval::Months(24),
    Interval::Months(12),
];
/// Offsets (days) of a trial end or a paid-through date from the event's date.
const OFFSETS: [i64; 10] = [-3, 0, 1, 9, 14, 30, 31, 45, 92, 400];
/// Offsets (days) of `recorded_on` from the event's date: agreed before it takes effect, or
/// back-dated.
const RECORDED: [i64; 7] = [-40, -9, -1, 0, 1, 5, 31];
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
    (
        (0u8..4, 0u8..3, raw_day(span)),
        prop_oneof![2 => Just(0u64), 1 => 0u64..4],
        any::<u8>(),
        prop::option::weighted(0.4, 0..RECORDED.len()),
        raw_kind(),
    )
        .prop_map(|((customer, sub, day), seq, tag, recorded, kind)| Raw {
            customer,
            sub,
            day,
            seq,
            tag,
            recorded,
            kind,
        })
}

fn shift(day: NaiveDate, off: i64) -> NaiveDate {
    if off >= 0 {
        day.checked_add_days(Days::new(off as u64)).unwrap()
    } else {
        day.checked_sub_days(Days::new((-off) as u64)).unwrap()
    }
}

/// `currency_of(customer)` picks each customer's billing currency. Every event of a
/// subscription on one date is transacted on the same day (the first one's `recorded_on`);
/// subscriptions of one customer may differ.
fn to_events(raw: &[Raw], currency_of: &dyn Fn(u8) -> Currency) -> Vec<SubscriptionEvent> {
    let mut recorded: BTreeMap<(u8, u8, usize), Option<usize>> = BTreeMap::new();
    for r in raw {
        recorded.entry((r.customer, r.sub, r.day)).or_insert(r.recorded);
    }
    raw.iter()
        .enumerate()
        .map(|(i, r)| {
            let cur = currency_of(r.customer);
            let date = shift(origin(), r.day as i64);
            let price = |p: usize| in_currency(PRICES[p], cur);
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
                        DiscountOff::Amount(in_currency(AMOUNTS[off - PERCENTS.len()], cur))
                    };
                    EventKind::DiscountStart(MrrDiscount { off, forever })
                }
                RawKind::DiscountEnd => EventKind::DiscountEnd,
            };
            // ids whose order has nothing to do with the order the events were made in
            let id = format!("e{:03}-{i}", r.tag);
            let e =
                SubscriptionEvent::new(&id, &format!("c{}", r.customer), &format!("s{}", r.sub), date, kind).at(r.seq);
            match recorded[&(r.customer, r.sub, r.day)] {
                Some(o) => e.recorded_on(shift(date, RECORDED[o])),
                None => e,
            }
        })
        .collect()
}

/// A price of the list in `cur`; a hundred times it in a currency without a minor unit (yen).
fn in_currency(s: &str, cur: Currency) -> Money {
    if cur.minor_units() == 0 {
        Money::new(dec(s) * Decimal::from(100), cur)
    } else {
        money(s, cur)
    }
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

/// Every combination of the policy's options; a fixed FX date anywhere from before the first
/// event to the end of the streams.
fn policy() -> impl Strategy<Value = ArrPolicy> {
    let fx = prop_oneof![
        Just(FxRateDate::ServicePeriodStart),
        Just(FxRateDate::TransactionDate),
        (0i64..640).prop_map(|k| FxRateDate::Fixed(shift(origin(), k - 25))),
    ];
    (0usize..3, any::<bool>(), fx, any::<bool>(), any::<bool>()).prop_map(
        |(dp, at_end, fx_rate_date, both, exclude)| ArrPolicy {
            discounts: [DiscountPolicy::SubtractAll, DiscountPolicy::ForeverOnly, DiscountPolicy::Ignore][dp],
            churn: if at_end { ChurnTiming::AtPeriodEnd } else { ChurnTiming::AtCancellation },
            fx_rate_date,
            same_period: if both { SamePeriodNewAndChurn::ShowBoth } else { SamePeriodNewAndChurn::Ignore },
            trials: if exclude { TrialPolicy::Exclude } else { TrialPolicy::Include },
        },
    )
}

/// Build the book and the model over one stream and compare; `Err` describes every
/// disagreement, with the stream as Rust code.
fn check(
    events: Vec<SubscriptionEvent>,
    n: usize,
    policy: ArrPolicy,
    reporting: Currency,
    rates: &InMemoryFxRates,
    rate: &dyn Fn(&str, NaiveDate) -> Decimal,
) -> Result<(), String> {
    let events = normalise(events);
    let months = book_months(n);
    let book = ArrBook::build(&events, policy, reporting, months[0]..=months[n - 1], rates).map_err(|e| {
        format!("the book refused the stream: {e:?}\npolicy: {}\n{}", rust_policy(&policy), rust_events(&events))
    })?;
    let model = build_model(&events, &months, &policy, reporting, rate);
    let problems = compare(&model, &book, rates);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} months from 2026-01\npolicy: {}\n{}\nevents:\n{}",
            n,
            rust_policy(&policy),
            problems.join("\n"),
            rust_events(&events)
        ))
    }
}

/// Build the book from a prefix of the stream (in arrival order, some events twice), then
/// `apply` the rest one at a time in that order, with redeliveries and conflicting copies
/// mixed in; halfway and at the end the book must agree with the model of what it took.
/// Arrival order is `keys`; `prefix` events go into the build; `dups` are (event, position)
/// redeliveries; at each step in `conflicts` a taken event is sent again with another sequence.
#[allow(clippy::too_many_arguments)]
fn check_apply(
    events: Vec<SubscriptionEvent>,
    n: usize,
    policy: ArrPolicy,
    rates: &InMemoryFxRates,
    rate: &dyn Fn(&str, NaiveDate) -> Decimal,
    keys: &[u32],
    prefix: usize,
    dups: &[(usize, usize)],
    conflicts: &[usize],
) -> Result<(), String> {
    let events = normalise(events);
    if events.is_empty() {
        return Ok(());
    }
    let months = book_months(n);
    let sub_of = |e: &SubscriptionEvent| (e.customer.clone(), e.subscription.clone());
    let mut arrival: Vec<usize> = (0..events.len()).collect();
    arrival.sort_by_key(|&i| (keys[i % keys.len()], i));
    let k = prefix % (events.len() + 1);
    // the build books the events of the prefix that come after a start of theirs in it, and
    // holds the others
    let in_build: Vec<usize> = arrival[..k].to_vec();
    let booked_in_build = |i: usize| {
        let starts = in_build.iter().map(|&j| &events[j]).filter(|x| sub_of(x) == sub_of(&events[i]));
        starts.filter(|x| matches!(x.kind, EventKind::Start { .. })).any(|x| order_key(x) <= order_key(&events[i]))
    };
    let mut built: Vec<SubscriptionEvent> = in_build.iter().map(|&i| events[i].clone()).collect();
    for &(a, _) in dups.iter().take(2) {
        if !built.is_empty() {
            built.push(built[a % built.len()].clone()); // delivered twice to the build
        }
    }
    let describe = |what: String| {
        format!(
            "{what}\n{n} months from 2026-01\npolicy: {}\nbuilt from:\n{}events:\n{}",
            rust_policy(&policy),
            rust_events(&built),
            rust_events(&events)
        )
    };
    let range = months[0]..=months[n - 1];
    let mut book = ArrBook::build(&built, policy, Currency::USD, range, rates)
        .map_err(|e| describe(format!("the book refused the prefix: {e:?}")))?;
    let (booked, held): (Vec<usize>, Vec<usize>) = in_build.iter().partition(|&&i| booked_in_build(i));
    let mut taken: BTreeMap<String, SubscriptionEvent> =
        booked.iter().map(|&i| (events[i].id.clone(), events[i].clone())).collect();
    let mut waiting: BTreeMap<String, SubscriptionEvent> =
        held.iter().map(|&i| (events[i].id.clone(), events[i].clone())).collect();
    let mut queue: VecDeque<SubscriptionEvent> =
        arrival.iter().filter(|i| !in_build.contains(i)).map(|&i| events[i].clone()).collect();
    for &(a, b) in dups {
        let pos = b % (queue.len() + 1);
        queue.insert(pos, events[a % events.len()].clone());
    }
    let halfway = queue.len() / 2;
    let mut trace = Vec::new();
    let mut step = 0;
    while let Some(e) = queue.pop_front() {
        step += 1;
        if step > 10_000 {
            return Err(describe("apply never took every event".into()));
        }
        if conflicts.contains(&step) && !taken.is_empty() {
            let held = taken.values().nth(step % taken.len()).unwrap();
            let other = held.clone().at(held.sequence + 1_000_000);
            let count = book.event_count();
            let got = book.apply(&other, rates);
            if !matches!(got, Err(ArrError::ConflictingEvent { .. })) || book.event_count() != count {
                return Err(describe(format!("a conflicting copy of {}: {got:?}", held.id)));
            }
        }
        // an event before its subscription's first start is held, and booked with that start
        let expected = if taken.contains_key(&e.id) || waiting.contains_key(&e.id) {
            Applied::Duplicate
        } else {
            let earliest =
                taken.values().filter(|x| sub_of(x) == sub_of(&e)).chain([&e]).min_by_key(|x| order_key(x)).unwrap();
            match earliest.kind {
                EventKind::Start { .. } => Applied::New,
                _ => Applied::Held,
            }
        };
        let got = book.apply(&e, rates);
        trace.push(format!("{} {:?}", e.id, got.as_ref().map_err(|_| "refused")));
        match (expected, &got) {
            (w, Ok(g)) if w == *g => {}
            (w, g) => {
                return Err(describe(format!("apply {}: expected {w:?}, got {g:?}\ntrace: {}", e.id, trace.join(", "))))
            }
        }
        match expected {
            Applied::New => {
                let released: Vec<String> = waiting
                    .values()
                    .filter(|x| sub_of(x) == sub_of(&e) && order_key(x) > order_key(&e))
                    .map(|x| x.id.clone())
                    .collect();
                for id in released {
                    taken.insert(id.clone(), waiting.remove(&id).unwrap());
                }
                taken.insert(e.id.clone(), e.clone());
            }
            Applied::Held => {
                waiting.insert(e.id.clone(), e.clone());
            }
            _ => {}
        }
        let held_ids: Vec<&String> = book.held().map(|x| &x.id).collect();
        if held_ids != waiting.keys().collect::<Vec<_>>() {
            return Err(describe(format!("held: book {held_ids:?}, model {:?}", waiting.keys())));
        }
        if step == halfway || queue.is_empty() {
            let held: Vec<SubscriptionEvent> = taken.values().cloned().collect();
            if book.event_count() != held.len() + waiting.len() {
                return Err(describe(format!(
                    "event_count book {}, model {} + {} held",
                    book.event_count(),
                    held.len(),
                    waiting.len()
                )));
            }
            let model = build_model(&held, &months, &policy, Currency::USD, rate);
            let problems = compare(&model, &book, rates);
            if !problems.is_empty() {
                return Err(describe(format!(
                    "after step {step} (holding {} events):\n{}\ntrace: {}",
                    held.len(),
                    problems.join("\n"),
                    trace.join(", ")
                )));
            }
        }
    }
    Ok(())
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

/// EUR→USD quotes: the first from before any event (or its transaction), then changes on
/// random days (offsets from `origin()`); quotes are looked up on or before the day asked for.
fn rate_changes() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0usize..620, 0..RATES.len()), 1..8)
}

fn rates_of(changes: &[(usize, usize)]) -> (InMemoryFxRates, BTreeMap<NaiveDate, Decimal>) {
    let mut table = BTreeMap::new();
    table.insert(shift(origin(), -60), dec(RATES[0]));
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

/// The model's rate for customer `c` (c0 bills in dollars) on `day`, from a table of quotes.
fn table_rate(table: &BTreeMap<NaiveDate, Decimal>, c: &str, day: NaiveDate) -> Decimal {
    if c != "c0" {
        *table.range(..=day).next_back().unwrap().1
    } else {
        Decimal::ONE
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// USD only, under every policy: month-end ARR per customer, the customer log, each
    /// movement line, the rounded bridge and its composition.
    #[test]
    fn the_book_agrees_with_the_reference_model_in_one_currency((n, raw) in stream(), policy in policy()) {
        let events = to_events(&raw, &usd_only);
        let r = check(events, n, policy, Currency::USD, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
        prop_assert!(r.is_ok(), "{}", r.unwrap_err());
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// Euro and dollar customers, a moving EUR→USD rate, under every policy: as above, and the
    /// FX line (each customer's month-end ARR booked at the rate of its latest change, read on
    /// the day the policy picks; re-valuing what it had at that rate is FX).
    #[test]
    fn the_book_agrees_with_the_reference_model_across_currencies(
        (n, raw) in stream(),
        policy in policy(),
        changes in rate_changes(),
    ) {
        let events = to_events(&raw, &eur_for_c1_to_c3);
        let (rates, table) = rates_of(&changes);
        let r = check(events, n, policy, Currency::USD, &rates, &|c, day| table_rate(&table, c, day));
        prop_assert!(r.is_ok(), "{}rates:\n{}", r.unwrap_err(), rust_rates(&table));
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// `apply`: a book built from part of a stream takes the rest one event at a time, in a
    /// random arrival order (late events, redeliveries, conflicting copies, events whose start
    /// has not arrived yet), and answers as the model does.
    #[test]
    fn applying_events_in_any_arrival_order_agrees_with_the_reference_model(
        (n, raw) in stream(),
        policy in policy(),
        changes in rate_changes(),
        keys in prop::collection::vec(any::<u32>(), 40),
        prefix in 0usize..41,
        dups in prop::collection::vec((any::<usize>(), any::<usize>()), 0..6),
        conflicts in prop::collection::vec(1usize..40, 0..3),
    ) {
        let events = to_events(&raw, &eur_for_c1_to_c3);
        let (rates, table) = rates_of(&changes);
        let rate = |c: &str, day: NaiveDate| table_rate(&table, c, day);
        let r = check_apply(events, n, policy, &rates, &rate, &keys, prefix, &dups, &conflicts);
        prop_assert!(r.is_ok(), "{}rates:\n{}", r.unwrap_err(), rust_rates(&table));
    }
}

/// Customers c1 to c3 bill in dollars, c0 in yen (the reporting currency of the yen property).
fn usd_for_c1_to_c3(c: u8) -> Currency {
    if c >= 1 {
        Currency::USD
    } else {
        Currency::JPY
    }
}

const YEN_RATES: [&str; 5] = ["150.25", "148.7", "155", "152.125", "149.99"];

/// USD→JPY quotes, as `rates_of` makes EUR→USD ones.
fn yen_rates_of(changes: &[(usize, usize)]) -> (InMemoryFxRates, BTreeMap<NaiveDate, Decimal>) {
    let mut table = BTreeMap::new();
    table.insert(shift(origin(), -60), dec(YEN_RATES[0]));
    for &(day, r) in changes {
        table.insert(shift(origin(), day as i64), dec(YEN_RATES[r]));
    }
    let mut rates = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 2_000 });
    for (&day, &rate) in &table {
        rates.insert(Currency::USD, Currency::JPY, day, rate).unwrap();
    }
    (rates, table)
}

proptest! {
    #![proptest_config(config(500))]

    /// Reported in yen (kept to 8 digits, reported to the yen) with dollar customers (kept to
    /// 10 digits) converted at moving USD→JPY rates, under every policy: as above.
    #[test]
    fn the_book_agrees_with_the_reference_model_reporting_in_yen(
        (n, raw) in stream(),
        policy in policy(),
        changes in rate_changes(),
    ) {
        let events = to_events(&raw, &usd_for_c1_to_c3);
        let (rates, table) = yen_rates_of(&changes);
        let r = check(events, n, policy, Currency::JPY, &rates, &|c, day| table_rate(&table, c, day));
        prop_assert!(r.is_ok(), "{}USD→JPY rates:\n{}", r.unwrap_err(), rust_rates(&table));
    }
}

/// `MODEL_CASES` overrides the number of cases of the two build properties (`default` is theirs
/// when unset); the heavier `apply` property runs the same share of it. Failures are not
/// persisted to a file.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("MODEL_CASES")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(default, |n| (n * u64::from(default) / 2000).max(1) as u32);
    ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(cases) }
}

// ---------------------------------------------------------------------------------------------
// The docs' worked examples, checked on the model itself.

fn model_of(events: &[SubscriptionEvent], months: &[Month]) -> Model {
    build_model(&normalise(events.to_vec()), months, &ArrPolicy::default(), Currency::USD, &|_, _| Decimal::ONE)
}

fn arr_of(model: &Model, c: &str, month: Month) -> Decimal {
    let k = model.months.iter().position(|x| *x == month).unwrap();
    model.customers.get(c).map_or(Decimal::ZERO, |cm| exact(cm.month_end[k + 1], Currency::USD).normalize())
}

fn flows_of(model: &Model, month: Month) -> Flow {
    let k = model.months.iter().position(|x| *x == month).unwrap();
    let mut f = Flow::default();
    for cm in model.customers.values() {
        f.add(&cm.flows[k]);
    }
    let x = |v: Decimal| exact(v, Currency::USD).normalize();
    Flow {
        new: x(f.new),
        expansion: x(f.expansion),
        contraction: x(f.contraction),
        churn: x(f.churn),
        reactivation: x(f.reactivation),
        fx: x(f.fx),
        renewal: x(f.renewal),
        ..f
    }
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
    let r =
        check(events.to_vec(), 3, ArrPolicy::default(), Currency::USD, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
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
    let rows: Vec<Vec<_>> = model.customers["acme"]
        .flows
        .iter()
        .map(|f| f.rows().into_iter().map(|(k, a)| (k, exact(a, Currency::USD).normalize())).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec![(MovementKind::New, dec("1200"))],
            vec![(MovementKind::Expansion, dec("600"))],
            vec![(MovementKind::Churn, dec("1800"))]
        ]
    );
    let r =
        check(events.to_vec(), 3, ArrPolicy::default(), Currency::USD, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
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
    let r =
        check(events.to_vec(), 1, ArrPolicy::default(), Currency::USD, &InMemoryFxRates::new(), &|_, _| Decimal::ONE);
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
    check(events.to_vec(), n, ArrPolicy::default(), Currency::USD, &rates, &rate)
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
    let model = build_model(
        &normalise(events.to_vec()),
        &[m(2026, 1), m(2026, 2)],
        &ArrPolicy::default(),
        Currency::USD,
        &rate,
    );
    let cm = &model.customers["berlin"];
    let x = |v: Decimal| exact(v, Currency::USD);
    assert_eq!((x(cm.month_end[1]), x(cm.month_end[2])), (dec("1440"), dec("1200")));
    assert_eq!((x(cm.flows[1].fx), x(cm.flows[1].contraction)), (dec("-240"), dec("0")));
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

/// Shrunk by the one-currency property under `SamePeriodNewAndChurn::ShowBoth`: a customer
/// starts at $250.50 a month on 1 May, is cut to $100 on 8 May and leaves on 20 May. Shown both
/// ways, new and churn are the highest ARR of the month, $3,006.00, whichever way the ARR moved
/// inside it (the policy's docs).
#[test]
fn a_customer_in_and_out_within_a_month_shows_its_highest_arr_as_new_and_churn() {
    let both = ArrPolicy { same_period: SamePeriodNewAndChurn::ShowBoth, ..Default::default() };
    let may = m(2026, 5);
    let events = [
        SubscriptionEvent::start("e1", "c", "s", d(2026, 5, 1), usd("250.50"), Interval::Month),
        SubscriptionEvent::change("e2", "c", "s", d(2026, 5, 8), usd("100"), Interval::Month),
        SubscriptionEvent::cancel("e3", "c", "s", d(2026, 5, 20), None),
    ];
    let book = ArrBook::build(&events, both, Currency::USD, may..=may, &InMemoryFxRates::new()).unwrap();
    let mv = book.movements(may, may).unwrap();
    assert_eq!((mv.new_logos, mv.churned_logos), (1, 1));
    assert_eq!((mv.new, mv.churn), (usd("3006"), usd("3006")), "book: new {}, churn {}", mv.new, mv.churn);
}
