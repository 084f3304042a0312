//! The views of an `ArrBook` checked from their docs only: segments (`bridges_by`), the movement
//! log (`customer_movements`, `movement_log`), serde ("deserialising rebuilds and so checks
//! everything"), flat rows (`ArrEventRow`, `events_from_rows`) and `merge`, each against a
//! plain independent expectation on random event streams under random policies and FX:
//!
//! * a segment's bridge is the bridge of a book built from only that segment's customers;
//!   one customer's movement log is the movements of a book built from only that customer;
//! * a loaded book is the book `ArrBook::build` makes from the events, policy, currency, months
//!   and booked rates in the JSON (rates answered exactly for the days listed), or an error;
//! * a merged book is the book built from all the events.
//!
//! Readings chosen where the docs are silent or ambiguous (a demanding finance engineer's):
//! * `bridges_by` gives one bridge per key the segment function gives any customer the book has
//!   seen (a segment whose customers have no ARR in the range still has its zero bridge); its
//!   `CustomerView` has the customer's billing currency and its cohort is the month of its first
//!   day with ARR, so a `New` log row in month `m` means cohort `m`, a customer with ARR at the
//!   end of `m` has a cohort no later than `m`, and a customer with no cohort never had ARR.
//!   Exactly: under `ShowBoth` the customer is new in its cohort month when that month is in
//!   the book (a cohort after the book's last month, from events past its end, is allowed).
//!   The segment function sees no month, so segments cannot change over time; "a segment that
//!   changes over time" is covered only as a function of the cohort.
//! * The rounded opening and closing of the segments sum to the book's within half a minor
//!   unit per segment; their logos and customer counts sum exactly, and their exact movements
//!   (reported to 10⁻⁸ of a minor unit, "# Amounts") to within half of that per segment.
//! * Log rows: a customer's rows over a range are its rows month by month; at most one row per
//!   customer, month and kind, months in order, every amount non-zero (positive but for FX), FX
//!   rows only for customers billed in another currency and never under `FxRateDate::Fixed`;
//!   every row names at least one event (an ARR change needs a cause), each named event is the
//!   customer's, dated in the month or before (since the subscription's change before, or
//!   scheduling an effect that came in the month), in the order of their dates, sequences and
//!   subscriptions' ids; no id twice in a row (the book once named a trial's start twice,
//!   `a_log_row_names_each_event_once`).
//!   `movement_log` is `customer_movements` of each customer in the order of their ids.
//! * Serde: the wire form (read from the serialised book and the private `BookRepr` field
//!   names) holds policy, currency, first/last month, events and booked rates; it stores no
//!   totals, so "change a stored total" is tampering with the months and rates instead. Two
//!   different rates for one currency and day are a contradiction that must be refused. A
//!   loaded book must also serialise as the rebuild does (no stray rate it never booked, which
//!   would later make `merge` refuse a compatible book). Refusing JSON that the rebuild accepts
//!   is allowed (refusing is always safe) but counted; an event array in another order must load.
//!   (The book once loaded such JSON at whichever rate came last:
//!   `a_json_with_two_rates_for_one_day_is_refused`.)
//!   A loaded book also takes `apply` and `merge` as the original does.
//! * Rows: a `currency` on a `discount_start` row with `percent_off` is a column the row does
//!   not read (an error), as are both `percent_off` and `amount_off` on one row (either may be
//!   named); a discount row with neither may name `"percent_off or amount_off"`; `forever:
//!   Some(false)` on any other kind is a value the kind does not read.
//! * Merge: on any error the book is unchanged (`PartialEq`, its JSON and its answers); the
//!   merged book serialises with the same events and rates as the whole book.
//!
//! `VIEWS_CASES=2000 cargo test --test arr_views_reference` runs more random cases (default 200
//! streams per property); `VIEWS_SEED` changes the seeds.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{Days, NaiveDate};
use revops::arr::SubscriptionEvent as Ev;
use revops::arr::*;
use revops::calendar::Month;
use revops::money::{FxRate, FxRates, InMemoryFxRates, MoneyError, Percent, RateLookup};
use revops::{Currency, Money};
use rust_decimal::Decimal;
use serde_json::{json, Value};

#[path = "common/documented_order.rs"]
mod documented_order;
use documented_order::normalise;

#[path = "common/days_and_money.rs"]
mod days_and_money;
use days_and_money::{d, eur, m, sums_to, usd};

// ---------------------------------------------------------------------------------------------
// Helpers.

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn shift(day: NaiveDate, off: i64) -> NaiveDate {
    if off >= 0 {
        day.checked_add_days(Days::new(off as u64)).unwrap()
    } else {
        day.checked_sub_days(Days::new((-off) as u64)).unwrap()
    }
}

fn origin() -> NaiveDate {
    d(2025, 10, 1)
}

fn cases(default: u64) -> u64 {
    std::env::var("VIEWS_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn base_seed() -> u64 {
    std::env::var("VIEWS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x0005_eed0_fa22)
}

/// SplitMix64: small, deterministic, enough for streams.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

fn hash_str(s: &str, salt: u64) -> u64 {
    let mut h = salt ^ 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

// ---------------------------------------------------------------------------------------------
// Random streams (adapted from the reference model's generator).

const PRICES: [&str; 8] = ["100", "10", "99.99", "250.50", "1200", "33.33", "0", "0.01"];
const INTERVALS: [Interval; 6] = [
    Interval::Month,
    Interval::Quarter,
    Interval::Year,
    Interval::Months(36),
    Interval::Months(7),
    Interval::Months(24),
];
const OFFSETS: [i64; 8] = [-3, 0, 1, 9, 14, 31, 45, 92];
const RECORDED: [i64; 5] = [-40, -1, 0, 5, 31];
const PERCENTS: [&str; 4] = ["10", "25", "100", "12.5"];
const AMOUNTS: [&str; 3] = ["5", "50", "250"];
const RATES: [&str; 5] = ["1.2", "1.0837", "0.95", "1.1", "1.25"];

fn random_policy(rng: &mut Rng) -> ArrPolicy {
    ArrPolicy {
        discounts: [DiscountPolicy::SubtractAll, DiscountPolicy::ForeverOnly, DiscountPolicy::Ignore][rng.below(3)],
        churn: if rng.chance(0.6) { ChurnTiming::AtPeriodEnd } else { ChurnTiming::AtCancellation },
        fx_rate_date: match rng.below(4) {
            0 => FxRateDate::TransactionDate,
            1 => FxRateDate::Fixed(shift(origin(), rng.below(500) as i64 - 20)),
            _ => FxRateDate::ServicePeriodStart,
        },
        same_period: if rng.chance(0.5) { SamePeriodNewAndChurn::ShowBoth } else { SamePeriodNewAndChurn::Ignore },
        trials: if rng.chance(0.7) { TrialPolicy::Exclude } else { TrialPolicy::Include },
    }
}

#[derive(Clone)]
struct Scenario {
    seed: u64,
    events: Vec<Ev>,
    policy: ArrPolicy,
    first: Month,
    last: Month,
    rates: InMemoryFxRates,
    table: BTreeMap<NaiveDate, Decimal>,
}

impl Scenario {
    fn build_of(&self, events: &[Ev]) -> ArrBook {
        ArrBook::build(events, self.policy, Currency::USD, self.first..=self.last, &self.rates)
            .unwrap_or_else(|e| panic!("the book refused a normalised stream: {e}\n{}", self.describe()))
    }
    fn book(&self) -> ArrBook {
        self.build_of(&self.events)
    }
    fn customers(&self) -> BTreeSet<String> {
        self.events.iter().map(|e| e.customer.clone()).collect()
    }
    fn events_where(&self, keep: impl Fn(&str) -> bool) -> Vec<Ev> {
        self.events.iter().filter(|e| keep(&e.customer)).cloned().collect()
    }
    fn months(&self) -> Vec<Month> {
        self.first.through(self.last).collect()
    }
    fn describe(&self) -> String {
        let mut s = format!(
            "seed {} ({} events, {} to {}, policy {:?}, EUR→USD {:?})\n",
            self.seed,
            self.events.len(),
            self.first,
            self.last,
            self.policy,
            self.table
        );
        for e in &self.events {
            s.push_str(&format!("  {e:?}\n"));
        }
        s
    }
}

fn scenario(seed: u64) -> Scenario {
    let mut rng = Rng(seed);
    let first = m(2026, 1);
    let last = first.checked_add(2 + rng.below(10) as i32).unwrap();
    let span = (shift(last.last_day(), 20) - origin()).num_days() as usize;
    let n_customers = 2 + rng.below(6);
    let foreign: Vec<bool> = (0..n_customers).map(|_| rng.chance(0.4)).collect();
    let n_events = 1 + rng.below(45);
    let mut recorded: BTreeMap<(usize, usize), Option<i64>> = BTreeMap::new();
    let mut events = Vec::new();
    for i in 0..n_events {
        let c = rng.below(n_customers);
        let cur = if foreign[c] { Currency::EUR } else { Currency::USD };
        let day =
            match rng.below(6) {
                0..=2 => rng.below(span / 9) * 9 + 3,
                3 => (first.checked_add(rng.below(span / 31) as i32 - 3).unwrap().first_day() - origin()).num_days()
                    as usize,
                4 => (first.checked_add(rng.below(span / 31) as i32 - 3).unwrap().last_day() - origin()).num_days()
                    as usize,
                _ => rng.below(span),
            };
        let date = shift(origin(), day as i64);
        let price = |r: &mut Rng| Money::parse(PRICES[r.below(PRICES.len())], cur).unwrap();
        let interval = |r: &mut Rng| INTERVALS[r.below(INTERVALS.len())];
        let offset = |r: &mut Rng| shift(date, OFFSETS[r.below(OFFSETS.len())]);
        let kind = match rng.below(19) {
            0..=5 => EventKind::Start {
                price: price(&mut rng),
                interval: interval(&mut rng),
                trial_until: if rng.chance(0.3) { Some(offset(&mut rng)) } else { None },
            },
            6..=8 => EventKind::Change { price: price(&mut rng), interval: interval(&mut rng) },
            9..=10 => EventKind::Renew { price: price(&mut rng), interval: interval(&mut rng) },
            11..=13 => EventKind::Cancel { paid_through: if rng.chance(0.6) { Some(offset(&mut rng)) } else { None } },
            14 => EventKind::Pause,
            15 => EventKind::Resume,
            16..=17 => {
                let k = rng.below(PERCENTS.len() + AMOUNTS.len());
                let off = if k < PERCENTS.len() {
                    DiscountOff::Percent(Percent::from_points(dec(PERCENTS[k])).unwrap())
                } else {
                    DiscountOff::Amount(Money::parse(AMOUNTS[k - PERCENTS.len()], cur).unwrap())
                };
                EventKind::DiscountStart(MrrDiscount { off, forever: rng.chance(0.5) })
            }
            _ => EventKind::DiscountEnd,
        };
        let id = format!("e{:03}-{i}", rng.below(1000));
        let seq = if rng.chance(0.67) { 0 } else { rng.below(4) as u64 };
        let sub = format!("s{}", rng.below(3));
        let mut e = Ev::new(&id, &format!("c{c}"), &sub, date, kind).at(seq);
        let rec = if rng.chance(0.4) { Some(RECORDED[rng.below(RECORDED.len())]) } else { None };
        if let Some(off) = *recorded.entry((c, day)).or_insert(rec) {
            e = e.recorded_on(shift(date, off));
        }
        events.push(e);
    }
    let policy = random_policy(&mut rng);
    let mut table = BTreeMap::new();
    table.insert(shift(origin(), -60), dec(RATES[0]));
    for _ in 0..rng.below(7) {
        table.insert(shift(origin(), rng.below(span + 40) as i64), dec(RATES[rng.below(RATES.len())]));
    }
    let mut rates = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 2_000 });
    for (&day, &rate) in &table {
        rates.insert(Currency::EUR, Currency::USD, day, rate).unwrap();
    }
    Scenario { seed, events: normalise(events), policy, first, last, rates, table }
}

fn random_range(rng: &mut Rng, months: &[Month]) -> (Month, Month) {
    let a = rng.below(months.len());
    let b = rng.below(months.len());
    (months[a.min(b)], months[a.max(b)])
}

fn add_movements(a: &Movements, b: &Movements) -> Movements {
    let add = |x: Money, y: Money| x.checked_add(y).unwrap();
    Movements {
        new: add(a.new, b.new),
        expansion: add(a.expansion, b.expansion),
        contraction: add(a.contraction, b.contraction),
        churn: add(a.churn, b.churn),
        reactivation: add(a.reactivation, b.reactivation),
        fx: add(a.fx, b.fx),
        renewal: add(a.renewal, b.renewal),
        new_logos: a.new_logos + b.new_logos,
        churned_logos: a.churned_logos + b.churned_logos,
        reactivated_logos: a.reactivated_logos + b.reactivated_logos,
    }
}

/// [`sums_to`] for each line of movements; logos exactly.
fn movements_sum_to(sum: &Movements, want: &Movements, terms: usize) -> bool {
    let lines = [
        (sum.new, want.new),
        (sum.expansion, want.expansion),
        (sum.contraction, want.contraction),
        (sum.churn, want.churn),
        (sum.reactivation, want.reactivation),
        (sum.fx, want.fx),
        (sum.renewal, want.renewal),
    ];
    lines.iter().all(|(s, w)| sums_to(*s, *w, terms))
        && (sum.new_logos, sum.churned_logos, sum.reactivated_logos)
            == (want.new_logos, want.churned_logos, want.reactivated_logos)
}

fn line_of(mv: &Movements, kind: MovementKind) -> Money {
    match kind {
        MovementKind::New => mv.new,
        MovementKind::Reactivation => mv.reactivation,
        MovementKind::Expansion => mv.expansion,
        MovementKind::Contraction => mv.contraction,
        MovementKind::Churn => mv.churn,
        MovementKind::Fx => mv.fx,
    }
}

const KINDS: [MovementKind; 6] = [
    MovementKind::New,
    MovementKind::Reactivation,
    MovementKind::Expansion,
    MovementKind::Contraction,
    MovementKind::Churn,
    MovementKind::Fx,
];

/// Run `check` over `n` scenarios; collect every failure with its scenario.
fn run(n: u64, salt: u64, check: impl Fn(&Scenario, &mut Rng) -> Result<(), String>) {
    let mut failures = Vec::new();
    for k in 0..n {
        let seed = base_seed().wrapping_add(salt.wrapping_mul(1_000_003)).wrapping_add(k);
        let sc = scenario(seed);
        let mut rng = Rng(seed ^ 0xdead_beef);
        if let Err(e) = check(&sc, &mut rng) {
            failures.push(format!("{e}\n{}", sc.describe()));
            if failures.len() >= 3 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{} failing cases, first ones:\n{}", failures.len(), failures.join("\n---\n"));
}

// ---------------------------------------------------------------------------------------------
// 1. Segments.

fn segment_key(mode: usize, salt: u64, v: &CustomerView<'_>) -> String {
    match mode {
        0 => format!("h{}", hash_str(v.id, salt) % 3),
        1 => format!("{:?}", v.currency),
        2 => format!("{:?}", v.cohort),
        3 => v.id.to_string(),
        4 => "all".to_string(),
        _ => format!("{}-{:?}", hash_str(v.id, salt) % 2, v.cohort.map(|c| c.number() % 2)),
    }
}

fn check_segments(sc: &Scenario, rng: &mut Rng) -> Result<(), String> {
    let book = sc.book();
    let months = sc.months();
    let customers = sc.customers();
    let currency_of: BTreeMap<String, Currency> =
        sc.events.iter().filter_map(|e| price_currency(&e.kind).map(|c| (e.customer.clone(), c))).collect();
    for _ in 0..3 {
        let (from, to) = random_range(rng, &months);
        let mode = rng.below(6);
        let salt = rng.next();
        let mut views: BTreeMap<String, (Option<Currency>, Option<Month>)> = BTreeMap::new();
        let by = book
            .bridges_by(from, to, |v| {
                views.insert(v.id.to_string(), (v.currency, v.cohort));
                segment_key(mode, salt, v)
            })
            .map_err(|e| format!("bridges_by({from}, {to}) failed: {e}"))?;
        let ctx = format!("bridges_by({from}, {to}) mode {mode} salt {salt}");
        let seen: BTreeSet<String> = views.keys().cloned().collect();
        if seen != customers {
            return Err(format!("{ctx}: the segment function saw {seen:?}, the book's customers are {customers:?}"));
        }
        // the view: currency and cohort
        for (c, (cur, cohort)) in &views {
            if *cur != currency_of.get(c).copied() {
                return Err(format!(
                    "{ctx}: view of {c} has currency {cur:?}, its events bill in {:?}",
                    currency_of.get(c)
                ));
            }
            let log = book.customer_movements(c, sc.first, sc.last).unwrap();
            if let Some(r) = log.iter().find(|r| r.kind == MovementKind::New) {
                if *cohort != Some(r.month) {
                    return Err(format!("{ctx}: {c} is new in {} but its view's cohort is {cohort:?}", r.month));
                }
            }
            for mm in &months {
                let arr = book.customer_arr(c, *mm).unwrap().unwrap();
                if !arr.is_zero() && !cohort.is_some_and(|k| k <= *mm) {
                    return Err(format!("{ctx}: {c} has ARR {arr} at the end of {mm} but cohort {cohort:?}"));
                }
            }
            if cohort.is_none()
                && (log.iter().any(|r| matches!(r.kind, MovementKind::New | MovementKind::Reactivation))
                    || !sc.build_of(&sc.events_where(|x| x == c)).bridge(sc.first, sc.first).unwrap().opening.is_zero())
            {
                return Err(format!("{ctx}: {c} had ARR but its view has no cohort"));
            }
        }
        // the exact cohort: under ShowBoth a customer's first month with a day of ARR shows it new
        let show_both = ArrPolicy { same_period: SamePeriodNewAndChurn::ShowBoth, ..sc.policy };
        let both = ArrBook::build(&sc.events, show_both, Currency::USD, sc.first..=sc.last, &sc.rates).unwrap();
        for (c, (_, cohort)) in &views {
            let new_in = both
                .customer_movements(c, sc.first, sc.last)
                .unwrap()
                .into_iter()
                .find(|r| r.kind == MovementKind::New);
            let expected_in_book = cohort.filter(|k| *k >= sc.first && *k <= sc.last);
            if new_in.as_ref().map(|r| r.month) != expected_in_book {
                return Err(format!("{ctx}: {c}'s view has cohort {cohort:?}; under ShowBoth it is new in {new_in:?}"));
            }
        }
        // one bridge per key, each the bridge of a book of that segment alone
        let mut members: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (c, (cur, cohort)) in &views {
            let v = CustomerView { id: c, currency: *cur, cohort: *cohort };
            members.entry(segment_key(mode, salt, &v)).or_default().insert(c.clone());
        }
        let keys: BTreeSet<&String> = by.keys().collect();
        if keys != members.keys().collect::<BTreeSet<_>>() {
            return Err(format!("{ctx}: segments {keys:?}, expected {:?}", members.keys().collect::<Vec<_>>()));
        }
        let whole = book.bridge(from, to).unwrap();
        let mut sum = Movements::zero(Currency::USD);
        let (mut open, mut close, mut open_n, mut close_n) = (usd("0"), usd("0"), 0, 0);
        for (k, cs) in &members {
            let got = &by[k];
            let alone = sc.build_of(&sc.events_where(|c| cs.contains(c)));
            let want = alone.bridge(from, to).unwrap();
            if *got != want {
                return Err(format!(
                    "{ctx}: segment {k:?} ({cs:?}):\n  bridges_by gives {got:?}\n  a book of the segment alone {want:?}"
                ));
            }
            if !got.ties() {
                return Err(format!("{ctx}: segment {k:?} does not tie: {got:?}"));
            }
            sum = add_movements(&sum, &got.movements);
            open = open.checked_add(got.opening).unwrap();
            close = close.checked_add(got.closing).unwrap();
            open_n += got.opening_customers;
            close_n += got.closing_customers;
        }
        let exact = movements_sum_to(&sum, &whole.movements, members.len());
        if !exact || open_n != whole.opening_customers || close_n != whole.closing_customers {
            return Err(format!("{ctx}: segments sum to {sum:?} ({open_n}, {close_n}), the book {whole:?}"));
        }
        // each rounded segment is within half a cent of its exact amount, and so is the book
        let tolerance = Decimal::new(5, 3) * Decimal::from(members.len() as u64 + 1);
        let off = |a: Money, b: Money| (a.amount() - b.amount()).abs();
        if off(open, whole.opening) > tolerance || off(close, whole.closing) > tolerance {
            return Err(format!(
                "{ctx}: segment openings/closings sum to {open}/{close}, the book's are {}/{}",
                whole.opening, whole.closing
            ));
        }
    }
    // errors
    let past = sc.last.checked_add(1).unwrap();
    if !matches!(book.bridges_by(sc.first, past, |_| 0), Err(ArrError::MonthOutsideBook { .. })) {
        return Err("bridges_by past the book is not MonthOutsideBook".into());
    }
    if sc.first != sc.last && !matches!(book.bridges_by(sc.last, sc.first, |_| 0), Err(ArrError::ReversedRange { .. }))
    {
        return Err("bridges_by of a reversed range is not ReversedRange".into());
    }
    Ok(())
}

fn price_currency(k: &EventKind) -> Option<Currency> {
    match k {
        EventKind::Start { price, .. } | EventKind::Change { price, .. } | EventKind::Renew { price, .. } => {
            Some(price.currency())
        }
        _ => None,
    }
}

#[test]
fn each_segment_bridge_is_the_bridge_of_a_book_of_that_segment_alone() {
    run(cases(200), 1, check_segments);
}

#[test]
fn bridges_by_docs_example_and_a_segment_with_no_arr() {
    let events = [
        Ev::start("e1", "emea-1", "s", d(2026, 1, 5), usd("100"), Interval::Month),
        Ev::start("e2", "amer-1", "s", d(2026, 1, 9), usd("1200"), Interval::Year),
        Ev::change("e3", "emea-1", "s", d(2026, 2, 1), usd("150"), Interval::Month),
        // a customer whose only subscription is free: seen by the book, never any ARR
        Ev::start("e4", "apac-1", "s", d(2026, 1, 9), usd("0"), Interval::Month),
    ];
    let (jan, feb) = (m(2026, 1), m(2026, 2));
    let book =
        ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new()).unwrap();
    let by = book.bridges_by(feb, feb, |c| c.id.split('-').next().unwrap_or("").to_string()).unwrap();
    assert_eq!(by["emea"].expansion, usd("600"));
    assert_eq!(by["amer"].closing, usd("1200"));
    assert_eq!(by.keys().collect::<Vec<_>>(), ["amer", "apac", "emea"]);
    assert_eq!(by["apac"].closing, usd("0"));
}

// ---------------------------------------------------------------------------------------------
// 2. The movement log.

fn check_log(sc: &Scenario, rng: &mut Rng) -> Result<(), String> {
    let book = sc.book();
    let months = sc.months();
    let (from, to) = random_range(rng, &months);
    let ctx = format!("log {from}..={to}");
    let log = book.movement_log(from, to).map_err(|e| format!("{ctx}: {e}"))?;
    let by_id: BTreeMap<&str, &Ev> = sc.events.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut concat = Vec::new();
    let mut total = BTreeMap::<MovementKind, Money>::new();
    for c in sc.customers() {
        let rows = book.customer_movements(&c, from, to).map_err(|e| format!("{ctx}: {e}"))?;
        concat.extend(rows.iter().cloned());
        let by_month: Vec<MovementRow> =
            from.through(to).flat_map(|mm| book.customer_movements(&c, mm, mm).unwrap()).collect();
        if by_month != rows {
            return Err(format!("{ctx}: {c}'s rows over the range are not its rows month by month"));
        }
        let alone = sc.build_of(&sc.events_where(|x| x == c));
        let foreign = sc.events.iter().any(|e| e.customer == c && price_currency(&e.kind) == Some(Currency::EUR));
        let mut last_month = from;
        let mut seen = BTreeSet::new();
        for r in &rows {
            let rctx = format!("{ctx}: {c} row {r:?}");
            if r.customer != c || r.month < from || r.month > to || r.month < last_month {
                return Err(format!("{rctx}: customer, month out of range or out of order"));
            }
            last_month = r.month;
            if !seen.insert((r.month, r.kind)) {
                return Err(format!("{rctx}: a second row of this kind and month"));
            }
            let positive = r.amount.amount() > Decimal::ZERO;
            if r.amount.is_zero() || (r.kind != MovementKind::Fx && !positive) {
                return Err(format!("{rctx}: amount should be non-zero (and positive but for FX)"));
            }
            if r.kind == MovementKind::Fx && (!foreign || matches!(sc.policy.fx_rate_date, FxRateDate::Fixed(_))) {
                return Err(format!("{rctx}: an FX row for a customer with no FX"));
            }
            *total.entry(r.kind).or_insert(usd("0")) =
                total.get(&r.kind).copied().unwrap_or(usd("0")).checked_add(r.amount).unwrap();
            // the events named
            if r.events.is_empty() {
                return Err(format!("{rctx}: names no event"));
            }
            if let Some(id) = r.events.iter().enumerate().find_map(|(i, id)| r.events[..i].contains(id).then_some(id)) {
                return Err(format!("{rctx}: names {id} twice"));
            }
            let mut last = None;
            for id in &r.events {
                let Some(e) = by_id.get(id.as_str()) else {
                    return Err(format!("{rctx}: names {id}, which the book does not hold"));
                };
                if e.customer != c {
                    return Err(format!("{rctx}: names {id}, an event of {}", e.customer));
                }
                // an event behind a change of the month: dated in it, or earlier (since the
                // subscription's change before, or scheduling an effect that came in the month)
                if Month::of(e.date) > r.month {
                    return Err(format!("{rctx}: names {id} ({e:?}), dated after {}", r.month));
                }
                // in the order of their dates, sequences and subscriptions' ids
                let key = (e.date, e.sequence, e.subscription.clone());
                if last.as_ref().is_some_and(|l| *l > key) {
                    return Err(format!("{rctx}: events not in the order of their dates"));
                }
                last = Some(key);
            }
        }
        for mm in from.through(to) {
            let want = alone.movements(mm, mm).unwrap();
            for kind in KINDS {
                let got = rows.iter().find(|r| r.month == mm && r.kind == kind).map(|r| r.amount);
                let expected = line_of(&want, kind);
                let same = match got {
                    Some(g) => g == expected,
                    None => expected.is_zero(),
                };
                if !same {
                    return Err(format!(
                        "{ctx}: {c} {mm} {kind:?}: the log says {got:?}, a book of the customer alone {expected}"
                    ));
                }
            }
        }
    }
    if concat != log {
        return Err(format!("{ctx}: movement_log is not customer_movements customer by customer in id order"));
    }
    let mv = book.movements(from, to).unwrap();
    for kind in KINDS {
        let got = total.get(&kind).copied().unwrap_or(usd("0"));
        let rows = log.iter().filter(|r| r.kind == kind).count();
        if !sums_to(got, line_of(&mv, kind), rows) {
            return Err(format!(
                "{ctx}: log rows of {kind:?} sum to {got}, the book's movements {}",
                line_of(&mv, kind)
            ));
        }
    }
    if !book.customer_movements("nobody", from, to).unwrap().is_empty() {
        return Err("rows for an unknown customer".into());
    }
    let past = sc.last.checked_add(1).unwrap();
    if !matches!(book.movement_log(from, past), Err(ArrError::MonthOutsideBook { .. }))
        || !matches!(book.customer_movements("c0", past, past), Err(ArrError::MonthOutsideBook { .. }))
    {
        return Err("a log past the book is not MonthOutsideBook".into());
    }
    if from != to && !matches!(book.movement_log(to, from), Err(ArrError::ReversedRange { .. })) {
        return Err("a reversed log is not ReversedRange".into());
    }
    Ok(())
}

#[test]
fn the_movement_log_is_each_customers_movements_with_their_causes() {
    run(cases(200), 2, check_log);
}

#[test]
fn customer_movements_docs_example() {
    let events = [
        Ev::start("evt_1", "acme", "main", d(2026, 1, 5), usd("100"), Interval::Month),
        Ev::change("evt_2", "acme", "main", d(2026, 2, 3), usd("150"), Interval::Month),
        Ev::cancel("evt_3", "acme", "main", d(2026, 2, 20), Some(d(2026, 3, 3))),
    ];
    let (jan, mar) = (m(2026, 1), m(2026, 3));
    let book =
        ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=mar, &InMemoryFxRates::new()).unwrap();
    let rows: Vec<_> = book
        .customer_movements("acme", jan, mar)
        .unwrap()
        .into_iter()
        .map(|r| (r.month, r.kind, r.amount, r.events))
        .collect();
    assert_eq!(
        rows,
        [
            (jan, MovementKind::New, usd("1200"), vec!["evt_1".to_string()]),
            (m(2026, 2), MovementKind::Expansion, usd("600"), vec!["evt_2".to_string()]),
            (mar, MovementKind::Churn, usd("1800"), vec!["evt_3".to_string()]),
        ]
    );
}

/// A trial that starts and ends inside one month: the start takes effect twice (the start, the
/// trial end it scheduled), but a row naming "the customer's events that took effect" should
/// name the event once, or a finance export joining rows to events counts it twice.
#[test]
fn a_log_row_names_each_event_once() {
    let trial = EventKind::Start { price: usd("100"), interval: Interval::Month, trial_until: Some(d(2026, 1, 20)) };
    let events = [Ev::new("e1", "a", "s", d(2026, 1, 5), trial)];
    let jan = m(2026, 1);
    let book =
        ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=jan, &InMemoryFxRates::new()).unwrap();
    let log = book.customer_movements("a", jan, jan).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].kind, log[0].amount), (MovementKind::New, usd("1200")));
    assert_eq!(log[0].events, ["e1"], "the row names {:?}", log[0].events);
}

// ---------------------------------------------------------------------------------------------
// 3. Serde: a loaded book is the rebuild of what the JSON holds, or an error.

/// The wire form, read with the crate's own serde types for each part.
#[derive(serde::Deserialize)]
struct Parts {
    policy: ArrPolicy,
    currency: Currency,
    first: Month,
    last: Month,
    events: Vec<Ev>,
    rates: Vec<RateRow>,
}

#[derive(serde::Deserialize)]
struct RateRow {
    currency: Currency,
    on: NaiveDate,
    rate: Decimal,
}

/// The booked rates, answering exactly for the days listed (and nothing else).
struct Table {
    reporting: Currency,
    map: BTreeMap<(Currency, NaiveDate), Decimal>,
}

impl FxRates for Table {
    fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
        if from == to {
            return Ok(FxRate::identity(from, on));
        }
        match self.map.get(&(from, on)) {
            Some(r) if to == self.reporting => FxRate::new(from, to, *r, on),
            _ => Err(MoneyError::RateNotFound { from, to, on }),
        }
    }
}

/// The book `build` makes from the parts of `v`, or why there is none.
fn rebuild_of(v: &Value) -> Result<ArrBook, String> {
    let p: Parts = serde_json::from_value(v.clone()).map_err(|e| format!("the parts do not read: {e}"))?;
    let mut map = BTreeMap::new();
    for r in &p.rates {
        if let Some(old) = map.insert((r.currency, r.on), r.rate) {
            if old != r.rate {
                return Err(format!("two rates for {} on {}", r.currency, r.on));
            }
        }
    }
    ArrBook::build(&p.events, p.policy, p.currency, p.first..=p.last, &Table { reporting: p.currency, map })
        .map_err(|e| format!("build refuses: {e}"))
}

/// Every answer a book gives about `customers` and `ids`, as text.
fn answers(book: &ArrBook, customers: &BTreeSet<String>, ids: &BTreeSet<String>) -> String {
    let months: Vec<Month> = book.months().collect();
    let mut s = format!(
        "{:?} {} {} {} {} {} {:?}\n",
        book.policy(),
        book.currency(),
        book.first_month(),
        book.last_month(),
        book.event_count(),
        book.customer_count(),
        months
    );
    for id in ids {
        s.push_str(&format!("{id}:{} ", book.contains_event(id)));
    }
    for (i, &a) in months.iter().enumerate() {
        let mut active: Vec<&str> = book.active_customer_ids(a).unwrap().collect();
        active.sort_unstable();
        s.push_str(&format!("\n{a}: {} {} {active:?}", book.arr_at(a).unwrap(), book.mrr_at(a).unwrap()));
        for c in customers {
            s.push_str(&format!(" {c}={:?}", book.customer_arr(c, a).unwrap()));
        }
        for &b in &months[i..] {
            s.push_str(&format!("\n {a}-{b}: {:?}", book.bridge(a, b).unwrap()));
        }
    }
    let (first, last) = (book.first_month(), book.last_month());
    s.push_str(&format!("\nlog {:?}", book.movement_log(first, last).unwrap()));
    s.push_str(&format!("\nby id {:?}", book.bridges_by(first, last, |v| v.id.to_string()).unwrap()));
    s
}

fn load(v: &Value) -> Result<Result<ArrBook, String>, String> {
    catch_unwind(AssertUnwindSafe(|| serde_json::from_value::<ArrBook>(v.clone()).map_err(|e| e.to_string())))
        .map_err(|_| "loading panicked".to_string())
}

#[derive(Default)]
struct SerdeStats {
    loaded: u64,
    refused: u64,
    /// Refused though a rebuild takes it: (what, error).
    refused_rebuildable: Vec<(String, String)>,
    errors: BTreeMap<String, String>,
}

/// Load `v`: a panic, or a book other than the rebuild of its parts, is a failure.
fn judge(v: &Value, what: &str, sc: &Scenario, stats: &mut SerdeStats) -> Result<(), String> {
    let loaded = load(v).map_err(|e| format!("{what}: {e}"))?;
    let rebuilt = rebuild_of(v);
    match (loaded, rebuilt) {
        (Ok(b), Ok(r)) => {
            stats.loaded += 1;
            let mut customers = sc.customers();
            let mut ids: BTreeSet<String> = sc.events.iter().map(|e| e.id.clone()).collect();
            if let Ok(p) = serde_json::from_value::<Parts>(v.clone()) {
                customers.extend(p.events.iter().map(|e| e.customer.clone()));
                ids.extend(p.events.iter().map(|e| e.id.clone()));
            }
            if b != r {
                return Err(format!("{what}: the loaded book is not the rebuild of its events"));
            }
            let (ab, ar) = (answers(&b, &customers, &ids), answers(&r, &customers, &ids));
            if ab != ar {
                return Err(format!("{what}: the loaded book answers\n{ab}\nthe rebuild\n{ar}"));
            }
            let (jb, jr) = (serde_json::to_value(&b).unwrap(), serde_json::to_value(&r).unwrap());
            if jb != jr {
                return Err(format!("{what}: the loaded book serialises as\n{jb}\nthe rebuild as\n{jr}"));
            }
            Ok(())
        }
        (Ok(_), Err(why)) => Err(format!("{what}: loaded, though a rebuild of what it holds is refused ({why})\n{v}")),
        (Err(e), Ok(_)) => {
            stats.refused_rebuildable.push((what.to_string(), e));
            Ok(())
        }
        (Err(e), Err(_)) => {
            stats.refused += 1;
            if e.trim().is_empty() {
                return Err(format!("{what}: refused with an empty error"));
            }
            stats.errors.entry(what.split(' ').next().unwrap_or("").to_string()).or_insert(e);
            Ok(())
        }
    }
}

fn events_of(v: &mut Value) -> &mut Vec<Value> {
    v["events"].as_array_mut().unwrap()
}

/// The first object at `key` anywhere under `v` (an event's `price`, …).
fn find_key<'a>(v: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    match v {
        Value::Object(map) => {
            if map.contains_key(key) {
                return map.get_mut(key);
            }
            map.values_mut().find_map(|x| find_key(x, key))
        }
        Value::Array(a) => a.iter_mut().find_map(|x| find_key(x, key)),
        _ => None,
    }
}

/// Every path to a leaf or node of `v`, as JSON pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => map.iter().for_each(|(k, x)| pointers(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| pointers(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

const WRONG: [&str; 12] =
    ["null", "\"x\"", "-1", "1e30", "{}", "[]", "true", "\"-100\"", "\"2026-13-01\"", "\"EUR\"", "0", "\"\""];

/// One targeted tampering of the book's JSON (kind `t`), described.
fn tamper(v: &mut Value, t: usize, rng: &mut Rng) -> String {
    let n = events_of(v).len();
    let i = rng.below(n);
    match t {
        0 => {
            let p = PRICES[rng.below(PRICES.len())];
            let amount = if rng.chance(0.3) { "-5".to_string() } else { p.to_string() };
            match find_key(&mut events_of(v)[i], "price") {
                Some(price) => {
                    price["amount"] = json!(amount);
                    format!("price of event {i} set to {amount}")
                }
                None => "nothing (no price)".into(),
            }
        }
        1 => {
            let off = [-400i64, -31, -1, 1, 28, 365][rng.below(6)];
            let e = &mut events_of(v)[i];
            // a second tampering can meet a date the first made wrong ("2026-13-01", null)
            match e["date"].as_str().and_then(|d| d.parse::<NaiveDate>().ok()) {
                Some(day) => {
                    e["date"] = json!(shift(day, off).to_string());
                    format!("date of event {i} moved {off} days")
                }
                None => format!("nothing (event {i}'s date is not a date)"),
            }
        }
        2 => {
            events_of(v).remove(i);
            format!("event {i} removed")
        }
        3 => {
            let e = events_of(v)[i].clone();
            events_of(v).push(e);
            format!("event {i} delivered twice")
        }
        4 => {
            let mut e = events_of(v)[i].clone();
            e["sequence"] = json!(e["sequence"].as_u64().unwrap_or(0) + 7);
            events_of(v).push(e);
            format!("event {i}'s id reused with other content")
        }
        5 => {
            let c = ["EUR", "USD", "JPY", "GBP"][rng.below(4)];
            match find_key(&mut events_of(v)[i], "currency") {
                Some(cur) => {
                    *cur = json!(c);
                    format!("currency of event {i} set to {c}")
                }
                None => "nothing (no currency)".into(),
            }
        }
        6 => {
            let c = ["EUR", "JPY", "XXX", "usd"][rng.below(4)];
            v["currency"] = json!(c);
            format!("reporting currency set to {c}")
        }
        7 => {
            let (first, last) = (v["first"].clone(), v["last"].clone());
            match rng.below(5) {
                0 => {
                    v["first"] = last;
                    v["last"] = first;
                    "months swapped".into()
                }
                1 => {
                    v["last"] = json!("2031-12");
                    "last month moved to 2031-12".into()
                }
                2 => {
                    v["first"] = json!("2025-11");
                    "first month moved to 2025-11".into()
                }
                3 => {
                    v["last"] = json!("2226-01");
                    "last month past MAX_MONTHS".into()
                }
                _ => {
                    v["first"] = json!("2026-13");
                    "an invalid month".into()
                }
            }
        }
        8 => {
            let rates = v["rates"].as_array_mut().unwrap();
            if rates.is_empty() {
                rates.push(json!({"currency": "EUR", "on": "2026-01-05", "rate": "1.3"}));
                return "an unused rate added".into();
            }
            let j = rng.below(rates.len());
            match rng.below(5) {
                0 => {
                    rates[j]["rate"] = json!(["0.9", "1.5", "0", "-1.2"][rng.below(4)]);
                    format!("rate {j} changed to {}", rates[j]["rate"])
                }
                1 => {
                    rates.remove(j);
                    format!("rate {j} removed")
                }
                2 => {
                    let mut r = rates[j].clone();
                    r["rate"] = json!("1.77");
                    rates.push(r);
                    format!("rate {j} given twice, at another rate")
                }
                3 => {
                    let r = rates[j].clone();
                    rates.push(r);
                    format!("rate {j} given twice, at the same rate")
                }
                _ => {
                    rates[j]["currency"] = json!("USD");
                    format!("rate {j} made a USD rate")
                }
            }
        }
        9 => {
            let k = rng.below(n + 1);
            events_of(v).truncate(k);
            let r = v["rates"].as_array_mut().unwrap();
            let kr = rng.below(r.len() + 1);
            if rng.chance(0.5) {
                r.truncate(kr);
            }
            format!("events truncated to {k} (rates maybe to {kr})")
        }
        10 => {
            let mut all = Vec::new();
            pointers(v, String::new(), &mut all);
            let p = all[rng.below(all.len())].clone();
            let w: Value = serde_json::from_str(WRONG[rng.below(WRONG.len())]).unwrap();
            if p.is_empty() {
                *v = w.clone();
            } else {
                *v.pointer_mut(&p).unwrap() = w.clone();
            }
            format!("{p} set to {w}")
        }
        11 => {
            let mut all = Vec::new();
            pointers(v, String::new(), &mut all);
            let p = all[rng.below(all.len())].clone();
            if let Some((parent, key)) = p.rsplit_once('/') {
                match v.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(key);
                    }
                    Some(Value::Array(a)) => {
                        a.remove(key.parse::<usize>().unwrap());
                    }
                    _ => {}
                }
            }
            format!("{p} removed")
        }
        12 => {
            let p = random_policy(rng);
            v["policy"] = serde_json::to_value(p).unwrap();
            format!("policy set to {p:?}")
        }
        13 => {
            let field = ["id", "customer", "subscription"][rng.below(3)];
            events_of(v)[i][field] = json!("");
            format!("{field} of event {i} emptied")
        }
        _ => {
            // the id of one event given to another event
            let j = rng.below(n);
            let id = events_of(v)[j]["id"].clone();
            events_of(v)[i]["id"] = id;
            format!("event {i} given event {j}'s id")
        }
    }
}

fn check_serde(sc: &Scenario, rng: &mut Rng, stats: &mut SerdeStats) -> Result<(), String> {
    let book = sc.book();
    let text = serde_json::to_string(&book).unwrap();
    let back: ArrBook = serde_json::from_str(&text).map_err(|e| format!("the book's own JSON does not load: {e}"))?;
    let ids: BTreeSet<String> = sc.events.iter().map(|e| e.id.clone()).collect();
    if back != book || answers(&back, &sc.customers(), &ids) != answers(&book, &sc.customers(), &ids) {
        return Err("a round trip changes the book".into());
    }
    if serde_json::to_string(&back).unwrap() != text {
        return Err("a round trip changes the JSON".into());
    }
    // a loaded book keeps taking events, and merges, as the original does
    if let Some(e) = sc.events.get(rng.below(sc.events.len().max(1))) {
        let later = Ev::change(
            "zz-late",
            &e.customer,
            &e.subscription,
            shift(e.date, rng.below(200) as i64 - 60),
            Money::parse("77", price_currency_of(sc, &e.customer)).unwrap(),
            Interval::Month,
        );
        let newcomer =
            Ev::start("zz-new", "zz-new", "s", shift(origin(), rng.below(300) as i64), usd("12"), Interval::Month);
        let (mut a, mut b) = (book.clone(), back.clone());
        for ev in [&later, &newcomer] {
            let (ra, rb) = (a.apply(ev, &sc.rates), b.apply(ev, &sc.rates));
            if ra != rb || a != b {
                return Err(format!(
                    "applying {ev:?}: the original gives {ra:?}, the loaded book {rb:?} (or they differ after)"
                ));
            }
        }
        let mine: Vec<Ev> = sc.events_where(|c| c == e.customer);
        let others: Vec<Ev> = sc.events_where(|c| c != e.customer);
        let mut part: ArrBook = serde_json::from_str(&serde_json::to_string(&sc.build_of(&others)).unwrap()).unwrap();
        let rest: ArrBook = serde_json::from_str(&serde_json::to_string(&sc.build_of(&mine)).unwrap()).unwrap();
        part.merge(rest).map_err(|x| format!("merging loaded books: {x}"))?;
        if part != book || contents(&part) != contents(&book) {
            return Err("two loaded partitions merge into another book".into());
        }
    }
    // a book made by apply, late events first, round-trips to the whole book
    let mut late = sc.events.clone();
    late.reverse();
    let mut applied = sc.build_of(&[]);
    let mut pending = late;
    for _ in 0..pending.len() + 1 {
        pending.retain(|e| applied.apply(e, &sc.rates).is_err());
    }
    let applied_back: ArrBook = serde_json::from_str(&serde_json::to_string(&applied).unwrap()).unwrap();
    if !pending.is_empty() || applied_back != book || contents(&applied_back) != contents(&book) {
        return Err(format!(
            "a book made by apply ({} events never taken) does not round-trip to the whole book",
            pending.len()
        ));
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    // the same JSON with its events and rates in another order is the same book
    let mut shuffled = v.clone();
    rng.shuffle(events_of(&mut shuffled));
    rng.shuffle(shuffled["rates"].as_array_mut().unwrap());
    match load(&shuffled)? {
        Ok(b) if b == book => {}
        other => {
            return Err(format!(
                "the JSON with its events in another order loads as {:?}",
                other.map(|_| "another book")
            ))
        }
    }
    if n_events_ok(&v) {
        for _ in 0..12 {
            let mut t = v.clone();
            let kind = rng.below(15);
            let mut what = tamper(&mut t, kind, rng);
            if rng.chance(0.25) && n_events_ok(&t) {
                // a second tampering may not apply to what the first left (a price that is now a
                // number, a date that is not a date): then the first stands alone
                let (mut again, kind) = (t.clone(), rng.below(15));
                let mut r2 = Rng(rng.0);
                if let Ok(also) = catch_unwind(AssertUnwindSafe(|| tamper(&mut again, kind, &mut r2))) {
                    (t, what) = (again, format!("{what}; {also}"));
                }
                rng.0 = r2.0;
            }
            judge(&t, &what, sc, stats)?;
        }
    }
    // truncated text and trailing garbage: an error, not a panic
    let cut = rng.below(text.len());
    let r = catch_unwind(|| serde_json::from_str::<ArrBook>(&text[..cut]).is_err());
    if !matches!(r, Ok(true)) {
        return Err(format!("the JSON cut at {cut} loads or panics"));
    }
    Ok(())
}

fn price_currency_of(sc: &Scenario, customer: &str) -> Currency {
    sc.events.iter().filter(|e| e.customer == customer).find_map(|e| price_currency(&e.kind)).unwrap()
}

fn n_events_ok(v: &Value) -> bool {
    v.is_object()
        && v.get("events").and_then(Value::as_array).is_some_and(|a| {
            !a.is_empty() && a.iter().all(|e| e.is_object() && e.get("date").is_some_and(Value::is_string))
        })
        && v.get("rates").and_then(Value::as_array).is_some_and(|a| a.iter().all(Value::is_object))
}

#[test]
fn a_loaded_book_is_the_rebuild_of_its_json_or_an_error() {
    let mut stats = SerdeStats::default();
    let mut failures = Vec::new();
    for k in 0..cases(200) {
        let seed = base_seed().wrapping_add(3_000_009).wrapping_add(k);
        let sc = scenario(seed);
        let mut rng = Rng(seed ^ 0x5e7d);
        if let Err(e) = check_serde(&sc, &mut rng, &mut stats) {
            failures.push(format!("{e}\n{}", sc.describe()));
            if failures.len() >= 3 {
                break;
            }
        }
    }
    eprintln!(
        "serde: {} tampered books loaded as their rebuild, {} refused, {} refused though rebuildable",
        stats.loaded,
        stats.refused,
        stats.refused_rebuildable.len()
    );
    for (what, e) in stats.refused_rebuildable.iter().take(10) {
        eprintln!("  refused though rebuildable: {what}: {e}");
    }
    for (what, e) in stats.errors.iter().take(12) {
        eprintln!("  e.g. {what}: {e}");
    }
    assert!(failures.is_empty(), "{} failing cases, first ones:\n{}", failures.len(), failures.join("\n---\n"));
}

/// A euro customer's book, its JSON, and the rates it was built at (EUR 1 = USD 1.20).
fn euro_book() -> (ArrBook, Value) {
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 5), dec("1.2")).unwrap();
    let events = [Ev::start("e1", "berlin", "main", d(2026, 1, 5), eur("100"), Interval::Month)];
    let jan = m(2026, 1);
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=jan, &rates).unwrap();
    let v = serde_json::to_value(&book).unwrap();
    assert_eq!(v["rates"], json!([{"currency": "EUR", "on": "2026-01-05", "rate": "1.2"}]));
    (book, v)
}

/// The JSON says EUR 1 was worth both USD 1.20 and USD 1.77 on 5 January: which rate the book
/// was booked at is unknowable, so "deserialising rebuilds and so checks everything" should
/// refuse it, not pick one.
#[test]
fn a_json_with_two_rates_for_one_day_is_refused() {
    let (_, mut v) = euro_book();
    v["rates"].as_array_mut().unwrap().push(json!({"currency": "EUR", "on": "2026-01-05", "rate": "1.77"}));
    let loaded = serde_json::from_value::<ArrBook>(v);
    assert!(
        loaded.is_err(),
        "loaded, with January ARR {:?} (USD 1,440 at 1.20, USD 2,124 at 1.77)",
        loaded.map(|b| b.arr_at(m(2026, 1)).unwrap())
    );
}

/// A rate for a day the book never booked, and a USD→USD "rate" of 2: either refused, or
/// dropped, never kept (a kept stray rate would make `merge` refuse a book that booked that
/// day at the real rate, and is carried on by every save).
#[test]
fn a_json_with_rates_the_book_never_booked_does_not_keep_them() {
    let (book, v) = euro_book();
    for stray in [
        json!({"currency": "EUR", "on": "2026-01-20", "rate": "1.5"}),
        json!({"currency": "USD", "on": "2026-01-05", "rate": "2"}),
    ] {
        let mut t = v.clone();
        t["rates"].as_array_mut().unwrap().push(stray.clone());
        let got = serde_json::from_value::<ArrBook>(t);
        if let Ok(loaded) = got {
            assert_eq!(loaded, book);
            assert_eq!(serde_json::to_value(&loaded).unwrap(), v, "with {stray}");
        }
    }
}

#[test]
fn a_json_with_a_missing_or_bad_rate_is_refused() {
    let (_, v) = euro_book();
    for (what, rates) in [
        ("no rate", json!([])),
        ("a rate of zero", json!([{"currency": "EUR", "on": "2026-01-05", "rate": "0"}])),
        ("a negative rate", json!([{"currency": "EUR", "on": "2026-01-05", "rate": "-1.2"}])),
        ("a rate of another day", json!([{"currency": "EUR", "on": "2026-01-04", "rate": "1.2"}])),
        ("a number, not text", json!([{"currency": "EUR", "on": "2026-01-05", "rate": 1.2}])),
    ] {
        let mut t = v.clone();
        t["rates"] = rates;
        let got = catch_unwind(|| serde_json::from_value::<ArrBook>(t.clone()).map(|b| b.arr_at(m(2026, 1)).unwrap()));
        match got {
            Err(_) => panic!("{what}: loading panicked"),
            Ok(Ok(arr)) if what == "a number, not text" => assert_eq!(arr, usd("1440"), "{what}"),
            Ok(Ok(arr)) => panic!("{what}: loaded, with January ARR {arr}"),
            Ok(Err(e)) => assert!(!e.to_string().is_empty()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Rows.

const ALL_KINDS: [EventKindName; 8] = [
    EventKindName::Start,
    EventKindName::Change,
    EventKindName::Renew,
    EventKindName::Cancel,
    EventKindName::Pause,
    EventKindName::Resume,
    EventKindName::DiscountStart,
    EventKindName::DiscountEnd,
];

const COLUMNS: [&str; 8] =
    ["currency", "price", "interval", "trial_until", "paid_through", "percent_off", "amount_off", "forever"];

/// The optional columns a row's kind reads (the table on `ArrEventRow`), for this row.
fn reads(r: &ArrEventRow) -> &'static [&'static str] {
    match r.kind {
        EventKindName::Start => &["currency", "price", "interval", "trial_until"],
        EventKindName::Change | EventKindName::Renew => &["currency", "price", "interval"],
        EventKindName::Cancel => &["paid_through"],
        EventKindName::Pause | EventKindName::Resume | EventKindName::DiscountEnd => &[],
        EventKindName::DiscountStart if r.percent_off.is_some() => &["percent_off", "forever"],
        EventKindName::DiscountStart => &["amount_off", "currency", "forever"],
    }
}

fn needs(r: &ArrEventRow) -> &'static [&'static str] {
    match r.kind {
        EventKindName::Start | EventKindName::Change | EventKindName::Renew => &["currency", "price", "interval"],
        EventKindName::DiscountStart if r.percent_off.is_some() => &["percent_off"],
        EventKindName::DiscountStart => &["amount_off", "currency"],
        _ => &[],
    }
}

fn is_set(r: &ArrEventRow, col: &str) -> bool {
    match col {
        "currency" => r.currency.is_some(),
        "price" => r.price.is_some(),
        "interval" => r.interval.is_some(),
        "trial_until" => r.trial_until.is_some(),
        "paid_through" => r.paid_through.is_some(),
        "percent_off" => r.percent_off.is_some(),
        "amount_off" => r.amount_off.is_some(),
        _ => r.forever.is_some(),
    }
}

/// Set (a plausible value) or clear one column.
fn set(r: &mut ArrEventRow, col: &str, on: bool) {
    let day = r.date;
    match col {
        "currency" => r.currency = on.then_some(Currency::USD),
        "price" => r.price = on.then(|| dec("10")),
        "interval" => r.interval = on.then_some(Interval::Month),
        "trial_until" => r.trial_until = on.then(|| shift(day, 9)),
        "paid_through" => r.paid_through = on.then(|| shift(day, 9)),
        "percent_off" => r.percent_off = on.then(|| Percent::from_points(dec("20")).unwrap()),
        "amount_off" => r.amount_off = on.then(|| dec("5")),
        _ => r.forever = on.then_some(false),
    }
}

fn column_error(e: &RowErrorLike) -> Option<(&'static str, &'static str, ColumnProblem)> {
    match e {
        revops::Error::Arr(ArrError::Column { kind, column, problem }) => Some((kind, column, *problem)),
        _ => None,
    }
}

type RowErrorLike = revops::Error;

fn check_rows(sc: &Scenario, rng: &mut Rng) -> Result<(), String> {
    let rows: Vec<ArrEventRow> = sc.events.iter().map(ArrEventRow::from).collect();
    for (e, r) in sc.events.iter().zip(&rows) {
        let back = r.to_event().map_err(|x| format!("{r:?} does not read back: {x}"))?;
        if back != *e {
            return Err(format!("{e:?} as a row {r:?} reads back as {back:?}"));
        }
        if r.kind != EventKindName::of(&e.kind)
            || r.kind.as_str() != r.kind.to_string()
            || serde_json::to_value(r.kind).unwrap() != json!(r.kind.as_str())
        {
            return Err(format!("kind name of {e:?}: {:?} / {}", r.kind, r.kind.as_str()));
        }
        if (e.sequence == 0) != r.sequence.is_none() || r.recorded_on != e.recorded_on {
            return Err(format!("sequence or recorded_on of {e:?} as a row {r:?}"));
        }
        for col in COLUMNS {
            if is_set(r, col) && !reads(r).contains(&col) {
                return Err(format!("{e:?} as a row sets {col}, which its kind does not read: {r:?}"));
            }
        }
    }
    let back = events_from_rows(&rows).map_err(|e| format!("the rows of valid events: {e}"))?;
    if back != sc.events {
        return Err("events_from_rows of the events' rows is not the events".into());
    }
    // JSON and CSV (the documented header) round trips
    let json_back: Vec<ArrEventRow> = serde_json::from_str(&serde_json::to_string(&rows).unwrap()).unwrap();
    if json_back != rows {
        return Err("rows do not round-trip through JSON".into());
    }
    let mut w = csv::Writer::from_writer(vec![]);
    for r in &rows {
        w.serialize(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let header = "id,customer,subscription,date,sequence,recorded_on,kind,currency,price,interval,trial_until,paid_through,percent_off,amount_off,forever";
    if !rows.is_empty() && text.lines().next() != Some(header) {
        return Err(format!("CSV header {:?}", text.lines().next()));
    }
    let csv_back: Result<Vec<ArrEventRow>, _> = csv::Reader::from_reader(text.as_bytes()).deserialize().collect();
    match csv_back {
        Ok(b) if b == rows => {}
        other => return Err(format!("rows do not round-trip through CSV: {other:?}\n{text}")),
    }
    // one malformed row among valid ones: the error names it and its column
    if rows.is_empty() {
        return Ok(());
    }
    for _ in 0..8 {
        let i = rng.below(rows.len());
        let mut bad = rows.clone();
        let r = &mut bad[i];
        if rng.chance(0.3) {
            r.kind = ALL_KINDS[rng.below(ALL_KINDS.len())];
            // a row of the new kind: clear what it does not read, fill what it needs
            if r.kind == EventKindName::DiscountStart && r.percent_off.is_none() && r.amount_off.is_none() {
                set(r, "percent_off", true);
            }
            for col in COLUMNS {
                if !reads(r).contains(&col) {
                    set(r, col, false);
                }
            }
            for col in needs(r) {
                if !is_set(r, col) {
                    set(r, col, true);
                }
            }
            if r.kind == EventKindName::DiscountStart && r.amount_off.is_some() {
                r.currency = Some(sc.events[i].kind_currency().unwrap_or(Currency::USD));
            }
        }
        let kind = r.kind.as_str();
        let (col, expected): (&str, Vec<(&str, ColumnProblem)>) = if rng.chance(0.5) && !needs(r).is_empty() {
            let col = needs(r)[rng.below(needs(r).len())];
            set(r, col, false);
            // a discount with neither percent_off nor amount_off may name either
            let alternatives = if r.kind == EventKindName::DiscountStart && col != "currency" {
                vec![
                    ("percent_off", ColumnProblem::Missing),
                    ("amount_off", ColumnProblem::Missing),
                    ("percent_off or amount_off", ColumnProblem::Missing),
                ]
            } else {
                vec![(col, ColumnProblem::Missing)]
            };
            (col, alternatives)
        } else {
            let unread: Vec<&str> = COLUMNS.iter().copied().filter(|c| !reads(r).contains(c)).collect();
            let col = unread[rng.below(unread.len())];
            set(r, col, true);
            let alternatives = if col == "percent_off" || col == "amount_off" {
                // both a percent and an amount: either may be named, or the amount's currency
                vec![
                    ("percent_off", ColumnProblem::Unused),
                    ("amount_off", ColumnProblem::Unused),
                    ("currency", ColumnProblem::Unused),
                ]
            } else {
                vec![(col, ColumnProblem::Unused)]
            };
            (col, alternatives)
        };
        let ctx = format!("row {} ({kind}) with column {col} changed: {:?}", i + 1, bad[i]);
        let got = catch_unwind(AssertUnwindSafe(|| events_from_rows(&bad))).map_err(|_| format!("{ctx}: panicked"))?;
        match got {
            Err(e) if e.row == i + 1 => {
                let named = column_error(&e.error);
                if !named.is_some_and(|(k, c, p)| k == kind && expected.contains(&(c, p))) {
                    return Err(format!("{ctx}: error {e} ({named:?}), expected a column error of {expected:?}"));
                }
                let text = e.to_string();
                if !text.starts_with(&format!("row {}: a {kind} row ", i + 1))
                    || !text.contains(&format!("{:?}", named.unwrap().1))
                {
                    return Err(format!("{ctx}: message {text:?}"));
                }
            }
            other => return Err(format!("{ctx}: {other:?}")),
        }
    }
    Ok(())
}

trait KindCurrency {
    fn kind_currency(&self) -> Option<Currency>;
}

impl KindCurrency for Ev {
    fn kind_currency(&self) -> Option<Currency> {
        match &self.kind {
            EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(a), .. }) => Some(a.currency()),
            k => price_currency(k),
        }
    }
}

#[test]
fn rows_round_trip_and_every_misplaced_or_missing_column_is_named() {
    run(cases(200), 4, check_rows);
}

fn blank_row(id: &str, kind: EventKindName) -> ArrEventRow {
    ArrEventRow {
        id: id.into(),
        customer: "acme".into(),
        subscription: "main".into(),
        date: d(2026, 1, 5),
        sequence: None,
        recorded_on: None,
        kind,
        currency: None,
        price: None,
        interval: None,
        trial_until: None,
        paid_through: None,
        percent_off: None,
        amount_off: None,
        forever: None,
    }
}

fn start_row(id: &str) -> ArrEventRow {
    ArrEventRow {
        currency: Some(Currency::USD),
        price: Some(dec("99.00")),
        interval: Some(Interval::Month),
        ..blank_row(id, EventKindName::Start)
    }
}

/// The error of the row list, as (row, error).
fn row_error(rows: &[ArrEventRow]) -> (usize, revops::Error) {
    let e = catch_unwind(AssertUnwindSafe(|| events_from_rows(rows))).expect("panicked").expect_err("accepted");
    (e.row, *e.error)
}

#[test]
fn row_values_the_event_refuses_name_the_row() {
    let good = start_row("e1");
    let bad_rows: Vec<(&str, ArrEventRow)> = vec![
        ("empty id", ArrEventRow { id: String::new(), ..good.clone() }),
        ("empty customer", ArrEventRow { customer: String::new(), ..good.clone() }),
        ("empty subscription", ArrEventRow { subscription: String::new(), ..good.clone() }),
        ("negative price", ArrEventRow { price: Some(dec("-1")), ..good.clone() }),
        (
            "negative amount off",
            ArrEventRow {
                currency: Some(Currency::USD),
                amount_off: Some(dec("-5")),
                ..blank_row("e9", EventKindName::DiscountStart)
            },
        ),
        (
            "a percent off above 100%",
            ArrEventRow {
                percent_off: Some(Percent::from_points(dec("120")).unwrap()),
                ..blank_row("e9", EventKindName::DiscountStart)
            },
        ),
        (
            "a negative percent off",
            ArrEventRow {
                percent_off: Some(Percent::from_points(dec("-10")).unwrap()),
                ..blank_row("e9", EventKindName::DiscountStart)
            },
        ),
    ];
    for (what, bad) in bad_rows {
        let rows = [start_row("a1"), start_row("a2"), bad.clone(), start_row("a3")];
        let (row, e) = row_error(&rows);
        assert_eq!(row, 3, "{what}");
        assert!(matches!(e, revops::Error::Arr(ArrError::InvalidEvent { .. })), "{what}: {e}");
        // the first wrong row is the one named
        let (row, _) = row_error(&[start_row("a1"), ArrEventRow { id: String::new(), ..start_row("x") }, bad]);
        assert_eq!(row, 2, "{what}");
    }
}

#[test]
fn rows_docs_examples_and_edge_columns() {
    // the documented message
    let cancel = ArrEventRow { paid_through: Some(d(2026, 1, 31)), ..blank_row("e2", EventKindName::Cancel) };
    let (row, e) = row_error(&[start_row("e1"), cancel.clone(), blank_row("e3", EventKindName::Renew)]);
    assert_eq!((row, e.to_string()), (3, r#"a renew row needs column "currency""#.to_string()));
    // sequence and recorded_on on every kind
    for kind in ALL_KINDS {
        let mut r = ArrEventRow { sequence: Some(7), recorded_on: Some(d(2026, 1, 2)), ..blank_row("e", kind) };
        if kind == EventKindName::DiscountStart {
            set(&mut r, "percent_off", true);
        }
        for col in needs(&r) {
            set(&mut r, col, true);
        }
        let e = r.to_event().unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!((e.sequence, e.recorded_on, EventKindName::of(&e.kind)), (7, Some(d(2026, 1, 2)), kind));
    }
    // a cross-event problem is left to the book: a change with no start reads
    events_from_rows(&[ArrEventRow { currency: Some(Currency::USD), ..start_row("c") }]).unwrap();
    let change = ArrEventRow { kind: EventKindName::Change, ..start_row("c1") };
    assert_eq!(events_from_rows(&[change]).unwrap().len(), 1);
    // an amount discount needs its currency; a percent discount has no use for one (reading)
    let amount = ArrEventRow { amount_off: Some(dec("5")), ..blank_row("d", EventKindName::DiscountStart) };
    let (_, e) = row_error(&[amount]);
    assert!(
        matches!(e, revops::Error::Arr(ArrError::Column { column: "currency", problem: ColumnProblem::Missing, .. })),
        "{e}"
    );
    let percent = ArrEventRow {
        percent_off: Some(Percent::from_points(dec("20")).unwrap()),
        forever: Some(true),
        ..blank_row("d", EventKindName::DiscountStart)
    };
    let e = percent.to_event().unwrap();
    assert_eq!(
        e.kind,
        EventKind::DiscountStart(MrrDiscount {
            off: DiscountOff::Percent(Percent::from_points(dec("20")).unwrap()),
            forever: true
        })
    );
    let forever_empty = ArrEventRow { forever: None, ..percent.clone() }.to_event().unwrap();
    assert!(matches!(forever_empty.kind, EventKind::DiscountStart(MrrDiscount { forever: false, .. })));
    // a price in currency: "99.00" USD; a yen price
    let yen =
        ArrEventRow { currency: Some(Currency::JPY), price: Some(dec("1500")), ..start_row("y") }.to_event().unwrap();
    assert!(
        matches!(yen.kind, EventKind::Start { price, .. } if price == Money::parse("1500", Currency::JPY).unwrap())
    );
    // kind names
    let names: Vec<&str> = ALL_KINDS.iter().map(|k| k.as_str()).collect();
    assert_eq!(names, ["start", "change", "renew", "cancel", "pause", "resume", "discount_start", "discount_end"]);
    for k in ALL_KINDS {
        assert_eq!(serde_json::from_value::<EventKindName>(json!(k.as_str())).unwrap(), k);
    }
    assert!(serde_json::from_value::<EventKindName>(json!("refund")).is_err());
    // a CSV in the documented header, with empty columns, "20%" and a counted interval
    let text = "id,customer,subscription,date,sequence,recorded_on,kind,currency,price,interval,trial_until,paid_through,percent_off,amount_off,forever\n\
                e1,acme,main,2026-01-05,,,start,USD,99.00,3 months,2026-01-20,,,,\n\
                e2,acme,main,2026-01-09,3,2026-01-08,discount_start,,,,,,20%,,\n\
                e3,acme,main,2026-02-01,,,cancel,,,,,2026-03-01,,,\n";
    let rows: Vec<ArrEventRow> =
        csv::Reader::from_reader(text.as_bytes()).deserialize().collect::<Result<_, _>>().unwrap();
    let events = events_from_rows(&rows).unwrap();
    assert_eq!(
        events,
        [
            Ev::new(
                "e1",
                "acme",
                "main",
                d(2026, 1, 5),
                EventKind::Start { price: usd("99"), interval: Interval::Months(3), trial_until: Some(d(2026, 1, 20)) }
            ),
            Ev::new(
                "e2",
                "acme",
                "main",
                d(2026, 1, 9),
                EventKind::DiscountStart(MrrDiscount {
                    off: DiscountOff::Percent(Percent::from_points(dec("20")).unwrap()),
                    forever: false
                })
            )
            .at(3)
            .recorded_on(d(2026, 1, 8)),
            Ev::cancel("e3", "acme", "main", d(2026, 2, 1), Some(d(2026, 3, 1))),
        ]
    );
}

/// Each unread column on a row of each kind, and each needed column left out.
#[test]
fn every_kind_names_every_column_it_does_not_read_or_misses() {
    for kind in ALL_KINDS {
        for percent in [true, false] {
            if !percent && kind != EventKindName::DiscountStart {
                continue;
            }
            let mut base = blank_row("e", kind);
            if kind == EventKindName::DiscountStart {
                set(&mut base, if percent { "percent_off" } else { "amount_off" }, true);
            }
            for col in needs(&base) {
                set(&mut base, col, true);
            }
            base.to_event().unwrap_or_else(|e| panic!("{kind} {base:?}: {e}"));
            for col in COLUMNS {
                let mut r = base.clone();
                let expected = if reads(&base).contains(&col) {
                    if !needs(&base).contains(&col) {
                        continue;
                    }
                    set(&mut r, col, false);
                    ColumnProblem::Missing
                } else {
                    set(&mut r, col, true);
                    ColumnProblem::Unused
                };
                let (row, e) = row_error(&[start_row("s"), r.clone()]);
                let ok = match column_error(&e) {
                    Some((k, c, p)) => {
                        k == kind.as_str()
                            && p == expected
                            && (c == col
                                || (kind == EventKindName::DiscountStart
                                    && ["percent_off", "amount_off", "percent_off or amount_off", "currency"]
                                        .contains(&c)))
                    }
                    None => false,
                };
                assert!(row == 2 && ok, "{kind} with {col} {expected:?}: row {row}: {e}");
            }
        }
    }
}

#[test]
fn interval_text_follows_its_rules() {
    let ok = [
        ("month", Interval::Month),
        (" Month ", Interval::Month),
        ("QUARTER", Interval::Quarter),
        ("year", Interval::Year),
        ("1 month", Interval::Months(1)),
        ("3 MONTHS", Interval::Months(3)),
        ("2 quarters", Interval::Months(6)),
        ("1 quarter", Interval::Months(3)),
        ("1 year", Interval::Months(12)),
        ("2 years", Interval::Months(24)),
        ("12 months", Interval::Months(12)),
        ("4294967295 months", Interval::Months(u32::MAX)),
    ];
    for (text, want) in ok {
        assert_eq!(text.parse::<Interval>().unwrap_or_else(|e| panic!("{text:?}: {e}")), want, "{text:?}");
    }
    for text in [
        "0 months",
        "-1 month",
        "2 weeks",
        "14 days",
        "1.5 months",
        "+3 months",
        "4294967296 months",
        "1431655766 quarters",
        "",
        "months",
        "3",
    ] {
        let r = catch_unwind(|| text.parse::<Interval>()).unwrap_or_else(|_| panic!("{text:?} panicked"));
        assert!(matches!(r, Err(ArrError::InvalidInterval { .. })), "{text:?}: {r:?}");
    }
    let mut rng = Rng(7);
    for _ in 0..500 {
        let i = match rng.below(4) {
            0 => Interval::Month,
            1 => Interval::Quarter,
            2 => Interval::Year,
            _ => Interval::Months(1 + (rng.next() % u64::from(u32::MAX)) as u32),
        };
        assert_eq!(i.to_string().parse::<Interval>().unwrap(), i);
        assert_eq!(serde_json::from_value::<Interval>(serde_json::to_value(i).unwrap()).unwrap(), i);
    }
    assert_eq!(serde_json::from_value::<Interval>(json!("Month")).unwrap(), Interval::Month);
    assert_eq!(serde_json::from_value::<Interval>(json!({"Months": 24})).unwrap(), Interval::Months(24));
    assert!(serde_json::from_value::<Interval>(json!({"Months": 0})).is_err());
    assert!(serde_json::from_value::<Interval>(json!("0 months")).is_err());
}

// ---------------------------------------------------------------------------------------------
// 5. Merge.

/// The wire form's events (sorted by id) and rates (sorted), to compare two books' contents.
fn contents(book: &ArrBook) -> (Vec<Value>, Vec<Value>) {
    let v = serde_json::to_value(book).unwrap();
    let mut events = v["events"].as_array().unwrap().clone();
    events.sort_by_key(|e| e["id"].to_string());
    let mut rates = v["rates"].as_array().unwrap().clone();
    rates.sort_by_key(|r| r.to_string());
    (events, rates)
}

/// Merge `other` into a copy of `book`; it must be refused with `problem` and leave the book as
/// it was.
fn refused_merge(
    book: &ArrBook,
    other: ArrBook,
    problem: impl Fn(&MergeProblem) -> bool,
    what: &str,
    ids: (&BTreeSet<String>, &BTreeSet<String>),
) -> Result<(), String> {
    let mut target = book.clone();
    let (before_json, before_answers) = (serde_json::to_string(book).unwrap(), answers(book, ids.0, ids.1));
    match target.merge(other) {
        Err(ArrError::Merge(p)) if problem(&p) => {}
        other => return Err(format!("{what}: merge gave {other:?}")),
    }
    if target != *book
        || serde_json::to_string(&target).unwrap() != before_json
        || answers(&target, ids.0, ids.1) != before_answers
    {
        return Err(format!("{what}: a refused merge changed the book"));
    }
    Ok(())
}

fn check_merge(sc: &Scenario, rng: &mut Rng) -> Result<(), String> {
    let whole = sc.book();
    let customers: Vec<String> = sc.customers().into_iter().collect();
    let ids: BTreeSet<String> = sc.events.iter().map(|e| e.id.clone()).collect();
    let cs: BTreeSet<String> = customers.iter().cloned().collect();
    let k = 1 + rng.below(5);
    let part: BTreeMap<String, usize> = customers.iter().map(|c| (c.clone(), rng.below(k))).collect();
    let mut books: Vec<ArrBook> = (0..k).map(|p| sc.build_of(&sc.events_where(|c| part[c] == p))).collect();
    let mut plan = Vec::new();
    while books.len() > 1 {
        let i = rng.below(books.len());
        let other = books.swap_remove(i);
        let j = rng.below(books.len());
        plan.push((i, j));
        books[j].merge(other).map_err(|e| format!("merging disjoint partitions ({plan:?}): {e}"))?;
    }
    let merged = books.pop().unwrap();
    let ctx = format!("{k} partitions {part:?}, merged {plan:?}");
    if merged != whole {
        return Err(format!("{ctx}: the merged book is not the whole book"));
    }
    let (am, aw) = (answers(&merged, &cs, &ids), answers(&whole, &cs, &ids));
    if am != aw {
        return Err(format!("{ctx}: the merged book answers\n{am}\nthe whole book\n{aw}"));
    }
    if contents(&merged) != contents(&whole) {
        return Err(format!("{ctx}: the merged book holds other events or rates than the whole book"));
    }
    // a merged book keeps taking events like the whole book
    let mut again = merged.clone();
    for e in &sc.events {
        if again.apply(e, &sc.rates) != Ok(Applied::Duplicate) {
            return Err(format!("{ctx}: {} is not a duplicate of the merged book", e.id));
        }
    }
    // and new events, to both
    let mut whole_after = whole.clone();
    let mut merged_after = merged.clone();
    if customers.is_empty() {
        return Ok(());
    }
    let c = &customers[rng.below(customers.len())];
    let e = sc.events.iter().find(|e| &e.customer == c).unwrap();
    let more = [
        Ev::change(
            "zz-1",
            c,
            &e.subscription,
            shift(e.date, rng.below(120) as i64),
            Money::parse("55", price_currency_of(sc, c)).unwrap(),
            Interval::Quarter,
        ),
        Ev::start("zz-2", "zz-new", "s", shift(origin(), rng.below(300) as i64), usd("9"), Interval::Month),
    ];
    for ev in &more {
        let (a, b) = (whole_after.apply(ev, &sc.rates), merged_after.apply(ev, &sc.rates));
        if a != b || whole_after != merged_after || contents(&whole_after) != contents(&merged_after) {
            return Err(format!("{ctx}: applying {ev:?} gives {a:?} on the whole book, {b:?} on the merged one"));
        }
    }
    // refusals
    let first_last =
        |p: ArrPolicy, cur: Currency, a: Month, b: Month| ArrBook::build(&[], p, cur, a..=b, &sc.rates).unwrap();
    if let Some(c) = customers.get(rng.below(customers.len().max(1))) {
        // the customer's events, all or one subscription's
        let mine: Vec<Ev> = sc.events_where(|x| x == c);
        let sub = mine[rng.below(mine.len())].subscription.clone();
        let some: Vec<Ev> = if rng.chance(0.5) {
            mine.clone()
        } else {
            mine.iter().filter(|e| e.subscription == sub).cloned().collect()
        };
        let renamed: Vec<Ev> = some.iter().map(|e| Ev { id: format!("{}-again", e.id), ..e.clone() }).collect();
        refused_merge(
            &whole,
            sc.build_of(&renamed),
            |p| matches!(p, MergeProblem::SharedCustomer(x) if x == c),
            "shared customer",
            (&cs, &ids),
        )?;
        // an event id of the book, on a customer of its own
        let stolen: Vec<Ev> = some.iter().map(|e| Ev { customer: "zz-other".into(), ..e.clone() }).collect();
        let stolen_ids: BTreeSet<&String> = stolen.iter().map(|e| &e.id).collect();
        refused_merge(
            &whole,
            sc.build_of(&stolen),
            |p| matches!(p, MergeProblem::SharedEvent(x) if stolen_ids.contains(x)),
            "shared event id",
            (&cs, &ids),
        )?;
    }
    let mut other_policy = random_policy(rng);
    if other_policy == sc.policy {
        other_policy.same_period = match sc.policy.same_period {
            SamePeriodNewAndChurn::Ignore => SamePeriodNewAndChurn::ShowBoth,
            _ => SamePeriodNewAndChurn::Ignore,
        };
    }
    let differ = |p: &MergeProblem| matches!(p, MergeProblem::Differ(_));
    refused_merge(&whole, first_last(other_policy, Currency::USD, sc.first, sc.last), differ, "policy", (&cs, &ids))?;
    refused_merge(&whole, first_last(sc.policy, Currency::EUR, sc.first, sc.last), differ, "currency", (&cs, &ids))?;
    let later = sc.last.checked_add(1).unwrap();
    refused_merge(&whole, first_last(sc.policy, Currency::USD, sc.first, later), differ, "last month", (&cs, &ids))?;
    let earlier = sc.first.checked_add(-1).unwrap();
    refused_merge(&whole, first_last(sc.policy, Currency::USD, earlier, sc.last), differ, "first month", (&cs, &ids))?;
    // an empty book of the same kind merges as nothing
    let mut same = whole.clone();
    same.merge(first_last(sc.policy, Currency::USD, sc.first, sc.last)).map_err(|e| format!("an empty book: {e}"))?;
    if same != whole || contents(&same) != contents(&whole) {
        return Err("merging an empty book changed the book".into());
    }
    Ok(())
}

#[test]
fn books_of_disjoint_customers_merge_into_the_whole_book_in_any_order() {
    run(cases(200), 5, check_merge);
}

/// Two books that booked EUR on one day at different rates; the same rate merges.
#[test]
fn books_that_booked_one_day_at_two_rates_do_not_merge() {
    let rates_at = |r: &str| {
        let mut rates = InMemoryFxRates::new();
        rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 5), dec(r)).unwrap();
        rates
    };
    let (jan, feb) = (m(2026, 1), m(2026, 2));
    let a = [Ev::start("e1", "a", "s", d(2026, 1, 5), eur("100"), Interval::Month)];
    let b = [Ev::start("e2", "b", "s", d(2026, 1, 5), eur("50"), Interval::Month)];
    let p = ArrPolicy::default();
    let book_a = ArrBook::build(&a, p, Currency::USD, jan..=feb, &rates_at("1.2")).unwrap();
    let cs: BTreeSet<String> = ["a".to_string(), "b".to_string()].into();
    let ids: BTreeSet<String> = ["e1".to_string(), "e2".to_string()].into();
    let other = ArrBook::build(&b, p, Currency::USD, jan..=feb, &rates_at("1.1")).unwrap();
    refused_merge(
        &book_a,
        other,
        |x| matches!(x, MergeProblem::RateConflict { currency, on } if *currency == Currency::EUR && *on == d(2026, 1, 5)),
        "rate conflict",
        (&cs, &ids),
    )
    .unwrap();
    let mut merged = book_a.clone();
    merged.merge(ArrBook::build(&b, p, Currency::USD, jan..=feb, &rates_at("1.2")).unwrap()).unwrap();
    let all: Vec<Ev> = a.iter().chain(&b).cloned().collect();
    assert_eq!(merged, ArrBook::build(&all, p, Currency::USD, jan..=feb, &rates_at("1.2")).unwrap());
    assert_eq!(merged.arr_at(jan).unwrap(), usd("2160"));
}

/// A key the book does not know is a mistake in the file (a misspelling, another program's
/// field), not something to skip: a misspelt `sequence` read as 0 would reorder a day's
/// events, and so change ARR, without a word.
#[test]
fn a_json_with_an_unknown_or_misspelt_key_is_refused() {
    let (book, v) = euro_book();
    assert_eq!(serde_json::from_value::<ArrBook>(v.clone()).unwrap(), book);
    let event = v["events"][0].clone();
    let kind = event["kind"].as_object().unwrap().keys().next().unwrap().clone();
    type Tamper = Box<dyn Fn(&mut serde_json::Value)>;
    let tamper: [(&str, Tamper); 6] = [
        ("a top-level key", Box::new(|t| t["bogus"] = json!([]))),
        ("a key in the policy", Box::new(|t| t["policy"]["bogus"] = json!(1))),
        ("a key in an event", Box::new(|t| t["events"][0]["bogus"] = json!(1))),
        (
            "a misspelt sequence",
            Box::new(|t| {
                let e = t["events"][0].as_object_mut().unwrap();
                let seq = e.remove("sequence").unwrap_or(json!(7));
                e.insert("Sequence".into(), seq);
            }),
        ),
        ("a key in an event's kind", Box::new(move |t| t["events"][0]["kind"][&kind]["bogus"] = json!(1))),
        ("a key in a booked rate", Box::new(|t| t["rates"][0]["bogus"] = json!(1))),
    ];
    for (what, change) in &tamper {
        let mut t = v.clone();
        change(&mut t);
        assert!(serde_json::from_value::<ArrBook>(t).is_err(), "{what} was accepted");
    }
    let _ = event;
}
