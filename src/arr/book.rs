//! The ARR book: every customer's ARR at each month end, and the movements between them.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::bridge::{ExactBridge, Flows};
use super::engine::{Cell, CustomerRow, RateInUse, Resampled, Scratch, SubRow, MAX_CONVERTED_DIGITS};
use super::error::EventProblem;
use super::held::Held;
use super::id::{hash_of, CustomerIndex, EventIndex, Id};
use super::timeline::{check_alone, sort_in_order, Context, Entry, Owner, SubTimeline};
use super::unit::{arr_scale, convert, exceeds_ten_to, reported, to_minor};
use super::{ArrBridge, ArrError, ArrPolicy, EventKind, Movements, SubscriptionEvent};
use crate::calendar::{Month, Period};
use crate::limits::check;
use crate::money::{Currency, Fixed, FxRates, Money, MoneyError};

/// The most months a book reports (100 years): a book keeps every customer's ARR at every
/// month end, so its memory is customers × months.
pub const MAX_MONTHS: usize = 1_200;

/// What [`ArrBook::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// The event was new, and the book took it (with any held events of its subscription it
    /// released, when it is a start).
    New,
    /// The book holds an event with this id and the same content already: nothing changed.
    Duplicate,
    /// The event was new, and comes before its subscription's first start (or the book holds
    /// no start of its subscription yet): the book holds it, unbooked, until a start dated
    /// before it arrives. See [`ArrBook::held`].
    Held,
}

/// The ARR ledger: subscription events turned into ARR at each month end per customer, with
/// movements, under an explicit [`ArrPolicy`].
///
/// # Amounts
///
/// The book keeps ARR, `price × 12 ÷ months` net of discounts, exactly: as whole parts of a
/// unit split 9,009 ways (3² · 7 · 11 · 13) below 10⁻⁶ of the currency's minor unit, which
/// hold `price × 12 ÷ months` for any price of up to six decimals past the minor unit and any
/// term whose months divide 12 × 10⁶ × 9,009: every term of 1 to 16 months, 18, 20, 21, 22,
/// 24, 26, 27, 28, 30, 33, 36, 39, 42, 48, 52, 60, 72, 84 … months. So a $100-a-year
/// subscription is $100.00 of ARR however many the book sums, and three $100 36-month terms are
/// $100.00, not $99.9999999999. (Other terms, 17 months say, are rounded half to even to a
/// part, about 10⁻¹⁰ of a minor unit.) Foreign ARR is converted once per customer and month
/// end, by booking and by revaluation alike, so with rates that never move the FX line is
/// exactly zero: `native × rate` rounded half to even to 10⁻⁶ of the reporting currency's minor
/// unit, except at a rate of exactly 1 between currencies of the same minor unit, where the ARR
/// is kept as it is. That conversion is part of booking: a converted amount is then reported
/// like any other, so it is rounded twice (€29.1207349 a 36-month term at 1.143 is
/// $11.0949999969…, booked as $11.09500000 and reported as $11.10).
///
/// Amounts are rounded only when reported, each straight from the parts: to the minor unit,
/// half to even, by [`ArrBook::arr_at`], [`ArrBook::mrr_at`], [`ArrBook::customer_arr`] and
/// the lines of an [`ArrBridge`] (which still tie); to 10⁻⁸ of the minor unit by the exact
/// figures, [`Movements`] and the movement log, which are exact wherever that holds them. A sum
/// of such figures can differ from the figure of the sum by half of 10⁻⁸ of the minor unit per
/// figure (three $100 36-month customers' new ARR is reported $33.3333333333 each and $100.00
/// together); the rounded reports never do.
///
/// ```
/// # use chrono::NaiveDate;
/// # use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
/// # use revops::calendar::Month;
/// # use revops::money::InMemoryFxRates;
/// # use revops::{Currency, Money};
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
/// let mut events: Vec<Ev> = (0..3)
///     .map(|i| Ev::start(&format!("e{i}"), &format!("c{i}"), "s", day, usd("100"), Interval::Months(36)))
///     .collect();
/// events.push(Ev::start("e3", "c3", "s", day, usd("2000.03"), Interval::Months(24)));
/// let jan = Month::new(2026, 1)?;
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=jan, &InMemoryFxRates::new())?;
/// assert_eq!(book.customer_arr("c0", jan)?, Some(usd("33.33")));
/// assert_eq!(book.movements(jan, jan)?.new, usd("1100.015")); // 3 × 33.333… + 1,000.015, exactly
/// assert_eq!(book.arr_at(jan)?, usd("1100.02")); // the half cent, to even
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Identity, order and late events
///
/// Events are identified by the caller's id and ordered within a day by the caller's sequence
/// (see [`SubscriptionEvent`]); a book built from events in any order, delivered any number of
/// times, equals one built from each event once in order, and [`ArrBook::apply`] of one more
/// event equals a rebuild with it. Months are addressed by [`Month`]; a book reports its first
/// to its last month, and knows ARR at the end of the month before its first (the opening).
///
/// A book is plain data: it clones, serialises (as its events and the rates its figures use;
/// deserialising rebuilds and so checks everything) and [merges](ArrBook::merge) with a book of
/// other customers.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
/// use revops::calendar::Month;
/// use revops::money::InMemoryFxRates;
/// use revops::{Currency, Money};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let events = vec![
///     Ev::start("e1", "a", "s", d(1, 5), usd("100"), Interval::Month),
///     Ev::start("e2", "b", "s", d(1, 9), usd("1200"), Interval::Year),
///     Ev::change("e3", "a", "s", d(2, 1), usd("150"), Interval::Month),
///     Ev::cancel("e4", "b", "s", d(2, 20), None),
/// ];
/// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new())?;
/// let bridge = book.bridge(feb, feb)?;
/// assert_eq!(bridge.opening.to_string(), "USD 2,400.00"); // 100 × 12 + 1,200
/// assert_eq!(bridge.expansion.to_string(), "USD 600.00");
/// assert_eq!(bridge.churn.to_string(), "USD 1,200.00");
/// assert_eq!(bridge.closing.to_string(), "USD 1,800.00");
/// assert!(bridge.ties());
/// assert!(book.bridge(feb, Month::new(2026, 3)?).is_err()); // March is outside the book
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ArrBook {
    pub(crate) policy: ArrPolicy,
    pub(crate) currency: Currency,
    pub(crate) first: Month,
    pub(crate) last: Month,
    /// The months, as periods, and their (exclusive) ends.
    pub(crate) periods: Vec<Period>,
    pub(crate) ends: Vec<NaiveDate>,
    pub(crate) customers: Vec<CustomerRow>,
    /// Every customer's months, `periods.len()` cells each, in customer order: the cells an
    /// update reads sit at an address that follows from the customer's index alone, so that
    /// memory is fetched alongside the customer's row instead of after it.
    pub(crate) cells: Vec<Cell>,
    pub(crate) index: CustomerIndex,
    pub(crate) events: EventIndex,
    pub(crate) subs: Vec<SubRow>,
    pub(crate) totals: Vec<Flows>,
    /// ARR and active customers at the end of each month, and before the first.
    pub(crate) closing: Vec<(Fixed, u64)>,
    pub(crate) opening: (Fixed, u64),
    pub(crate) ctx: Context,
    /// Every rate the book's figures use, by currency and day, read from a caller's source.
    pub(crate) rates: BTreeMap<(Currency, NaiveDate), RateInUse>,
    pub(crate) scratch: Option<Box<Scratch>>,
    /// Events before their subscription's first start, held until it arrives.
    pub(crate) held: Held,
}

impl std::fmt::Debug for ArrBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArrBook")
            .field("currency", &self.currency)
            .field("first", &self.first)
            .field("last", &self.last)
            .field("customers", &self.customers.len())
            .field("events", &self.events.len())
            .field("held", &self.held.len())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// `events` split into those a book books and those it holds: the events of each subscription
/// that come before its first start (all of them, for a subscription with none).
fn split_held(events: &[SubscriptionEvent]) -> (Vec<SubscriptionEvent>, Vec<SubscriptionEvent>) {
    let mut first_start: std::collections::HashMap<(&str, &str), Entry> = std::collections::HashMap::new();
    for e in events.iter().filter(|e| matches!(e.kind, EventKind::Start { .. })) {
        let entry = Entry::new(e);
        first_start
            .entry((&e.customer, &e.subscription))
            .and_modify(|first| {
                if entry.order(first).is_lt() {
                    *first = entry.clone();
                }
            })
            .or_insert(entry);
    }
    events.iter().cloned().partition(|e| {
        first_start.get(&(&e.customer, &e.subscription)).is_some_and(|first| Entry::new(e).order(first).is_ge())
    })
}

/// The ids an event must have, checked before anything else.
fn check_ids(e: &SubscriptionEvent) -> Result<(), ArrError> {
    let empty = [("id", &e.id), ("customer", &e.customer), ("subscription", &e.subscription)]
        .into_iter()
        .find(|(_, x)| x.is_empty());
    match empty {
        Some((what, _)) => Err(ArrError::InvalidEvent {
            id: e.id.clone(),
            customer: e.customer.clone(),
            subscription: e.subscription.clone(),
            problem: Box::new(EventProblem::EmptyId(what)),
        }),
        None => Ok(()),
    }
}

impl ArrBook {
    /// An empty book over `months`.
    pub(crate) fn empty(
        policy: ArrPolicy,
        reporting: Currency,
        months: RangeInclusive<Month>,
    ) -> Result<ArrBook, ArrError> {
        let (first, last) = (*months.start(), *months.end());
        if first > last {
            return Err(ArrError::BadMonths { first, last });
        }
        // `Month::of` makes chrono's last month, whose end chrono cannot hold: a book reports
        // whole months only
        for m in [first, last] {
            Month::new(m.year(), m.number())?;
        }
        let n = check("months in a book", first.months_until(last) + 1, MAX_MONTHS)?;
        let periods: Vec<Period> = first.through(last).map(Month::period).collect();
        Ok(ArrBook {
            policy,
            currency: reporting,
            first,
            last,
            ends: periods.iter().map(Period::end).collect(),
            periods,
            customers: Vec::new(),
            cells: Vec::new(),
            index: CustomerIndex::default(),
            events: EventIndex::default(),
            subs: Vec::new(),
            totals: vec![Flows::default(); n],
            closing: vec![(Fixed::ZERO, 0); n],
            opening: (Fixed::ZERO, 0),
            ctx: Context { policy, reporting },
            rates: BTreeMap::new(),
            scratch: None,
            held: Held::default(),
        })
    }

    /// Build the book over `months` (first to last, inclusive), in the `reporting` currency,
    /// converting foreign ARR at the rates `rates` gives on the days the policy's
    /// [`FxRateDate`](super::FxRateDate) picks. The book books one rate a currency and day:
    /// the first the source gives for it, which [`ArrBook::apply`] then keeps.
    ///
    /// An event of a subscription with no start before it is not an error: the book holds it
    /// ([`ArrBook::held`]).
    ///
    /// # Errors
    ///
    /// [`ArrError::InvalidEvent`] naming the event, customer and subscription for an event the
    /// book refuses (an empty id, a negative price, a zero-month interval, a price in another
    /// currency than its subscription's start, …); [`ArrError::ConflictingEvent`] for an id
    /// given twice with different content; [`ArrError::MixedCurrencies`]; [`ArrError::Fx`] or
    /// [`ArrError::RateForOtherPair`] when the rate source fails; [`ArrError::ArrTooLarge`];
    /// [`ArrError::BadMonths`] for months that run backwards, [`ArrError::Calendar`] for
    /// chrono's last month (which [`Month::of`] makes from its last days, but whose end chrono
    /// cannot hold), and a limit error past [`MAX_MONTHS`] months.
    pub fn build<R: FxRates + ?Sized>(
        events: &[SubscriptionEvent],
        policy: ArrPolicy,
        reporting: Currency,
        months: RangeInclusive<Month>,
        rates: &R,
    ) -> Result<ArrBook, ArrError> {
        match ArrBook::build_booked(events, policy, reporting, months.clone(), rates) {
            Err(ArrError::InvalidEvent { problem, .. }) if matches!(*problem, EventProblem::NoStart(_)) => {
                // Some events come before their subscription's first start: the book holds
                // them, as `apply` does. (A second pass, paid only by such streams.)
                let (booked, held) = split_held(events);
                let mut book = ArrBook::build_booked(&booked, policy, reporting, months, rates)?;
                for event in held {
                    // (`build_booked` refused conflicting ids among all the events, and an
                    // event delivered twice is held once)
                    if book.held.get(&event.id).is_none() {
                        book.hold(&event)?;
                    }
                }
                Ok(book)
            }
            built => built,
        }
    }

    /// [`ArrBook::build`] of events whose every subscription's first event is a start.
    fn build_booked<R: FxRates + ?Sized>(
        events: &[SubscriptionEvent],
        policy: ArrPolicy,
        reporting: Currency,
        months: RangeInclusive<Month>,
        rates: &R,
    ) -> Result<ArrBook, ArrError> {
        let mut book = ArrBook::empty(policy, reporting, months)?;
        book.events.reserve(events.len());
        // Events are read customer by customer (in the order of their ids' hashes, each
        // customer's in input order): an export in time order names a different customer at
        // every event, and reading it as it comes waits on memory for each one. The ids are
        // hashed here, in one pass in input order, where the processor reads ahead.
        let mut order: Vec<(u64, u32)> = Vec::with_capacity(events.len());
        let mut ids: Vec<(u64, u64, u32)> = Vec::with_capacity(events.len());
        let table = book.events.table_order();
        for (i, e) in events.iter().enumerate() {
            check_ids(e)?;
            let i = u32::try_from(i).map_err(|_| ArrError::TooManyCustomers)?;
            order.push((hash_of(&e.customer), i));
            let h = hash_of(&e.id);
            ids.push((table(h), h, i));
        }
        order.sort_unstable();
        // each subscription's customer and id, and each event's subscription; then the entries
        // are gathered by subscription in one pass. A customer's events come together: it is
        // looked up once, not once an event.
        let mut owners: Vec<(usize, Id)> = Vec::new();
        let mut of: Vec<u32> = vec![u32::MAX; events.len()];
        let mut current: Option<(usize, &str)> = None;
        for &(_, i) in &order {
            let (i, e) = (i as usize, &events[i as usize]);
            let c = match current {
                Some((c, id)) if id == e.customer => c,
                _ => book.customer_index(&e.customer)?.0,
            };
            current = Some((c, &e.customer));
            let subs = &mut book.customers[c].subs;
            let s = match subs.find(&e.subscription) {
                Some(s) => s,
                None => {
                    if subs.is_empty() {
                        book.index.set_first_subscription(&e.customer, c, owners.len());
                    }
                    owners.push((c, Id::new(&e.subscription)));
                    subs.push((Id::new(&e.subscription), owners.len() - 1));
                    owners.len() - 1
                }
            };
            of[i] = s as u32;
        }
        // Then the ids, in the order of the slots the index files them in, so that filing a
        // million of them sweeps the table once instead of missing the cache at every one. An
        // id seen before (an equal hash, then an equal id) is the same event delivered again,
        // skipped, or a conflict; the first in input order is kept.
        ids.sort_unstable();
        let mut group = 0;
        for k in 0..ids.len() {
            let (_, h, i) = ids[k];
            if ids[group].1 != h {
                group = k;
            }
            // (`events[i]` is read only on an equal hash: it is a cache miss)
            let e = || &events[i as usize];
            let seen = ids[group..k].iter().map(|&(_, _, j)| &events[j as usize]).find(|x| x.id == e().id);
            match seen {
                None => {
                    if !book.events.insert_hashed(|| e().id.as_str(), h, of[i as usize] as usize) {
                        return Err(ArrError::TooManyCustomers);
                    }
                }
                Some(x) if x == e() => of[i as usize] = u32::MAX, // delivered again: skipped
                Some(_) => return Err(ArrError::ConflictingEvent { id: e().id.clone() }),
            }
        }
        let mut counts = vec![0usize; owners.len()];
        for &s in of.iter().filter(|&&s| s != u32::MAX) {
            counts[s as usize] += 1;
        }
        // (with room for a few more, so the first updates after a build do not move a history)
        let mut grouped: Vec<Vec<Entry>> = counts.iter().map(|&n| Vec::with_capacity(n + n / 4 + 2)).collect();
        for &(_, i) in &order {
            if let Some(g) = grouped.get_mut(of[i as usize] as usize) {
                g.push(Entry::new(&events[i as usize]));
            }
        }
        for (mut events, (c, id)) in grouped.into_iter().zip(owners) {
            sort_in_order(&mut events);
            let who = Owner { customer: book.customers[c].id.as_str(), subscription: id.as_str() };
            let timeline = SubTimeline::from_events(&events, who, &book.ctx)?;
            book.subs.push(SubRow::new(c, id, events, timeline));
        }
        let mut resampled = Resampled::default();
        for c in 0..book.customers.len() {
            book.resample(c, 0, rates, &mut resampled)?;
            book.commit(c, 0, &resampled);
            for k in 0..book.periods.len() {
                let m = book.contribution(c, k, book.customers[c].first_active);
                book.totals[k].add(&m);
            }
            book.add_levels(c);
        }
        Ok(book)
    }

    /// Add one event and update the book incrementally: only its customer, and only the months
    /// from the event's date on, are recomputed. An event that comes after all of its
    /// subscription's events extends the subscription's timeline without replaying it; a late
    /// one is inserted in place and replayed from the nearest checkpoint before it (one every
    /// 16 events, and one where the last late event landed). An event the book holds already
    /// (the same id and content) changes nothing. An event that comes before its subscription's
    /// first start is held ([`Applied::Held`], [`ArrBook::held`]); a start books with it the
    /// held events of its subscription that come after it, all of them or, when one of them
    /// cannot be booked, none (the start is then refused with that event's error).
    ///
    /// A late event replays the rest of its subscription's history, so a history applied
    /// newest first (the order of Stripe's list endpoints) costs the square of its length:
    /// 8,000 events of one subscription take 0.7 s that way, 6.5 ms oldest first. Load a
    /// history with [`ArrBook::build`], or apply it oldest first; keep `apply` for what arrives
    /// after.
    ///
    /// Foreign ARR is converted at the rate of the day the policy picks: for a currency and day
    /// the book has booked, the booked rate, whatever `rates` now says (a revised quote, or the
    /// day's own quote arriving after an on-or-before lookup booked an earlier one), so that the
    /// customers of one day agree; to restate at revised rates, build anew. A day no figure uses
    /// any more (its change was undone by a later event) is released, as a rebuild would never
    /// have read it: the next event of that day reads `rates` again.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{Applied, ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let (jan, feb, mar) = (Month::new(2026, 1)?, Month::new(2026, 2)?, Month::new(2026, 3)?);
    /// let rates = InMemoryFxRates::new();
    /// let start = Ev::start("e1", "a", "s", d(1, 5), usd("100"), Interval::Month);
    /// let mut book = ArrBook::build(&[start], ArrPolicy::default(), Currency::USD, jan..=mar, &rates)?;
    /// let march = Ev::change("e2", "a", "s", d(3, 1), usd("150"), Interval::Month);
    /// assert_eq!(book.apply(&march, &rates)?, Applied::New);
    /// assert_eq!(book.apply(&march, &rates)?, Applied::Duplicate); // a webhook delivered twice
    /// book.apply(&Ev::change("e3", "a", "s", d(2, 1), usd("120"), Interval::Month), &rates)?; // late
    /// assert_eq!(book.bridge(feb, feb)?.expansion.to_string(), "USD 240.00"); // 100 → 120, × 12
    /// assert_eq!(book.bridge(mar, mar)?.expansion.to_string(), "USD 360.00"); // 120 → 150
    /// // the same id with other content is refused
    /// assert!(book.apply(&Ev::change("e2", "a", "s", d(3, 1), usd("999"), Interval::Month), &rates).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`ArrBook::build`] for this event, or for a held event it would book. A
    /// refused event leaves the book as it was.
    pub fn apply<R: FxRates + ?Sized>(&mut self, event: &SubscriptionEvent, rates: &R) -> Result<Applied, ArrError> {
        check_ids(event)?;
        // The id is looked for first, by its hash alone: a redelivered event is then answered
        // from its subscription without looking its customer up, and for a new one (nearly
        // every one) the index's memory is on its way while the customer is found.
        let hash = hash_of(&event.id);
        let subs = &self.subs;
        let holds = |t: usize| subs.get(t).is_some_and(|x| x.find_hashed(&event.id, hash).is_some());
        if let Some(t) = self.events.get_hashed(&event.id, hash, holds) {
            return self.seen_before(t, event, hash);
        }
        if let Some(held) = self.held.get(&event.id) {
            return match held == event {
                true => Ok(Applied::Duplicate),
                false => Err(ArrError::ConflictingEvent { id: event.id.clone() }),
            };
        }
        // a start books the held events of its subscription that come after it
        let released = match (&event.kind, self.held.is_empty()) {
            (EventKind::Start { .. }, false) => {
                self.held.released_by(&event.customer, &event.subscription, &Entry::new(event))
            }
            _ => Vec::new(),
        };
        // Then it is filed, under the subscription that will hold it (the next one, for a
        // subscription the book has not seen), and taken back if the book refuses the event.
        // The customer found here is handed on, not looked up again.
        let found = self.index.get(&event.customer, |c| &self.customers[c].id);
        let s = match found {
            Some((c, _)) => self.customers[c].subs.find(&event.subscription).unwrap_or(self.subs.len()),
            None => self.subs.len(),
        };
        match self.events.insert_new(&event.id, hash, s, holds) {
            Ok(()) => {}
            Err(Some(t)) => return self.seen_before(t, event, hash),
            Err(None) => return Err(ArrError::TooManyCustomers),
        }
        for (k, entry) in released.iter().enumerate() {
            // (held ids are not in the index, and the index took `s` above: this cannot fail)
            if !self.events.insert(entry.id.as_str(), s) {
                self.unfile(event, &released[..k], s);
                return Err(ArrError::TooManyCustomers);
            }
        }
        // the buffers an update works in, kept between updates so that one allocates nothing
        // (boxed, so that taking them out of the book and putting them back moves a pointer)
        let mut scratch = self.scratch.take().unwrap_or_default();
        let applied = self.apply_in(event, &released, found, rates, &mut scratch);
        self.scratch = Some(scratch);
        match applied {
            Ok(_) if released.is_empty() => Ok(Applied::New),
            Ok(_) => {
                let ids: Vec<&str> = released.iter().map(|e| e.id.as_str()).collect();
                self.held.release(&event.customer, &event.subscription, &ids);
                Ok(Applied::New)
            }
            Err(e) => {
                self.unfile(event, &released, s);
                match &e {
                    ArrError::InvalidEvent { problem, .. } if matches!(**problem, EventProblem::NoStart(_)) => {
                        self.hold(event)
                    }
                    _ => Err(e),
                }
            }
        }
    }

    /// Take `event` and the `released` events after it out of the event index, where they
    /// were filed under `s`, last first.
    fn unfile(&mut self, event: &SubscriptionEvent, released: &[Entry], s: usize) {
        for entry in released.iter().rev() {
            self.events.remove(entry.id.as_str(), s);
        }
        self.events.remove(&event.id, s);
    }

    /// Hold `event`, which comes before its subscription's first start, once its own fields
    /// pass.
    fn hold(&mut self, event: &SubscriptionEvent) -> Result<Applied, ArrError> {
        check_alone(&Entry::new(event)).map_err(|problem| ArrError::InvalidEvent {
            id: event.id.clone(),
            customer: event.customer.clone(),
            subscription: event.subscription.clone(),
            problem: Box::new(problem),
        })?;
        self.held.insert(event.clone());
        Ok(Applied::Held)
    }

    /// An event whose id subscription `t` holds already: a redelivery when it says the same
    /// (of the same customer and subscription), else a conflict.
    fn seen_before(&self, t: usize, event: &SubscriptionEvent, hash: u64) -> Result<Applied, ArrError> {
        let sub = &self.subs[t];
        let same = sub.id.is(&event.subscription)
            && self.customers[sub.customer].id.is(&event.customer)
            && sub.find_hashed(&event.id, hash).is_some_and(|e| e.same_as(event));
        if same {
            Ok(Applied::Duplicate)
        } else {
            Err(ArrError::ConflictingEvent { id: event.id.clone() })
        }
    }

    /// True when the book holds the event `id` (built with it, or applied).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    /// let start = Ev::start("evt_1", "acme", "main", day, Money::parse("100", Currency::USD)?, Interval::Month);
    /// let jan = Month::new(2026, 1)?;
    /// let book = ArrBook::build(&[start], ArrPolicy::default(), Currency::USD, jan..=jan, &InMemoryFxRates::new())?;
    /// // a webhook consumer can ask before it does any work of its own
    /// assert!(book.contains_event("evt_1") && !book.contains_event("evt_2"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains_event(&self, id: &str) -> bool {
        self.events.get(id, |s| self.subs[s].find(id).is_some()).is_some() || self.held.get(id).is_some()
    }

    /// Number of distinct events the book holds, [`held`](ArrBook::held) ones among them.
    pub fn event_count(&self) -> usize {
        self.events.len() + self.held.len()
    }

    /// The events the book holds without booking them, by id: each comes before the first
    /// start of its subscription, or the book has no start of its subscription. A webhook
    /// source delivers out of order, so an upgrade can arrive before the creation it follows:
    /// the book keeps it, and books it when a start dated before it arrives (by
    /// [`ArrBook::apply`], or in a build or merge with the start), exactly as a book built from
    /// all the events at once. So a book is the same whatever order its events came in (see the
    /// [module](super)'s note on rates a source lacks).
    ///
    /// Events still held once a source has delivered everything are missing their starts, or
    /// dated before them: a complete export leaves none, and a reconciliation lists them.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{Applied, ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let (jan, feb, rates) = (Month::new(2026, 1)?, Month::new(2026, 2)?, InMemoryFxRates::new());
    /// let mut book = ArrBook::build(&[], ArrPolicy::default(), Currency::USD, jan..=feb, &rates)?;
    /// // the upgrade is delivered before the subscription's creation
    /// let upgrade = Ev::change("e2", "acme", "main", d(2, 1), usd("150"), Interval::Month);
    /// assert_eq!(book.apply(&upgrade, &rates)?, Applied::Held);
    /// assert_eq!(book.held().count(), 1);
    /// assert_eq!(book.arr_at(feb)?.to_string(), "USD 0.00");
    /// // the creation arrives: both are booked
    /// let start = Ev::start("e1", "acme", "main", d(1, 5), usd("100"), Interval::Month);
    /// assert_eq!(book.apply(&start, &rates)?, Applied::New);
    /// assert_eq!(book.held().count(), 0);
    /// assert_eq!(book.arr_at(feb)?.to_string(), "USD 1,800.00");
    /// assert_eq!(book, ArrBook::build(&[upgrade, start], ArrPolicy::default(), Currency::USD, jan..=feb, &rates)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn held(&self) -> impl ExactSizeIterator<Item = &SubscriptionEvent> + '_ {
        self.held.iter()
    }

    /// Stop holding event `id`, one of [`ArrBook::held`], and return it; `None` when the book
    /// does not hold it (booked events stay: they are in the figures). A held event is checked
    /// against its subscription only when a start would book it: one the start cannot book (a
    /// price in another currency than the start's) refuses that start, naming the held event,
    /// until the caller withdraws it. The figures do not change: a held event is in none.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    /// let (jan, rates) = (Month::new(2026, 1)?, InMemoryFxRates::new());
    /// let mut book = ArrBook::build(&[], ArrPolicy::default(), Currency::USD, jan..=jan, &rates)?;
    /// let euros = Ev::change("e2", "acme", "main", day, Money::parse("90", Currency::EUR)?, Interval::Month);
    /// book.apply(&euros, &rates)?;
    /// let start = Ev::start("e1", "acme", "main", day, Money::parse("100", Currency::USD)?, Interval::Month);
    /// assert!(book.apply(&start, &rates).is_err()); // e2 is not in the start's currency
    /// assert_eq!(book.withdraw_held("e2"), Some(euros));
    /// book.apply(&start, &rates)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn withdraw_held(&mut self, id: &str) -> Option<SubscriptionEvent> {
        self.held.remove(id)
    }

    /// The reporting currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The first month the book reports.
    pub fn first_month(&self) -> Month {
        self.first
    }

    /// The last month the book reports.
    pub fn last_month(&self) -> Month {
        self.last
    }

    /// The months the book reports, first to last.
    pub fn months(&self) -> impl Iterator<Item = Month> {
        self.first.through(self.last)
    }

    /// The policy the book was built under.
    pub fn policy(&self) -> &ArrPolicy {
        &self.policy
    }

    /// Number of customers ever seen.
    pub fn customer_count(&self) -> usize {
        self.customers.len()
    }

    /// The index of `month` in the book.
    pub(crate) fn index_of(&self, month: Month) -> Result<usize, ArrError> {
        if month < self.first || month > self.last {
            return Err(ArrError::MonthOutsideBook { month, first: self.first, last: self.last });
        }
        Ok(self.first.months_until(month) as usize)
    }

    /// The indexes of `from` and `to`, both in the book and in order.
    pub(crate) fn range(&self, from: Month, to: Month) -> Result<(usize, usize), ArrError> {
        if from > to {
            return Err(ArrError::ReversedRange { from, to });
        }
        Ok((self.index_of(from)?, self.index_of(to)?))
    }

    /// An amount the book keeps in the reporting currency, to 10⁻⁸ of its minor unit ("# Amounts").
    pub(crate) fn decimal(&self, x: Fixed) -> Decimal {
        reported(x, arr_scale(self.currency))
    }

    /// An amount the book keeps, as exact money.
    pub(crate) fn money(&self, x: Fixed) -> Money {
        Money::new(self.decimal(x), self.currency)
    }

    /// An amount the book keeps ÷ `divisor`, rounded half to even to the minor unit.
    pub(crate) fn rounded(&self, x: Fixed, divisor: i128) -> Money {
        Money::new(to_minor(x, arr_scale(self.currency), divisor), self.currency)
    }

    /// Total ARR before the first month (`None`) or at the end of month `k`.
    pub(crate) fn total_arr(&self, k: Option<usize>) -> Fixed {
        k.map_or(self.opening.0, |k| self.closing[k].0)
    }

    /// Customer `c`'s ARR before the first month (`None`) or at the end of month `k`.
    pub(crate) fn customer_arr_at(&self, c: usize, k: Option<usize>) -> Fixed {
        k.map_or(self.customers[c].opening, |k| self.cells_of(c)[k].arr)
    }

    /// Customers with ARR at the end of month `k` (or before the first month).
    pub(crate) fn active_customers(&self, k: Option<usize>) -> u64 {
        k.map_or(self.opening.1, |k| self.closing[k].1)
    }

    /// MRR (ARR ÷ 12) at the end of `month`, rounded to the minor unit.
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`].
    pub fn mrr_at(&self, month: Month) -> Result<Money, ArrError> {
        Ok(self.rounded(self.total_arr(Some(self.index_of(month)?)), 12))
    }

    /// ARR at the end of `month`, rounded to the minor unit.
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`].
    pub fn arr_at(&self, month: Month) -> Result<Money, ArrError> {
        Ok(self.rounded(self.total_arr(Some(self.index_of(month)?)), 1))
    }

    /// One customer's ARR at the end of `month`, rounded to the minor unit (`None` for a
    /// customer the book has not seen).
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`].
    pub fn customer_arr(&self, customer: &str, month: Month) -> Result<Option<Money>, ArrError> {
        let k = self.index_of(month)?;
        Ok(self.find_customer(customer).map(|c| self.rounded(self.cells_of(c)[k].arr, 1)))
    }

    /// Ids of customers with ARR at the end of `month`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = Money::parse("100", Currency::USD)?;
    /// let events = [
    ///     Ev::start("e1", "acme", "main", d(1, 5), usd, Interval::Month),
    ///     Ev::start("e2", "beta", "main", d(1, 6), usd, Interval::Month),
    ///     Ev::cancel("e3", "beta", "main", d(2, 10), None),
    /// ];
    /// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new())?;
    /// let mut active: Vec<&str> = book.active_customer_ids(feb)?.collect();
    /// active.sort();
    /// assert_eq!(active, ["acme"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`].
    pub fn active_customer_ids(&self, month: Month) -> Result<impl Iterator<Item = &str>, ArrError> {
        let k = self.index_of(month)?;
        Ok((0..self.customers.len())
            .filter(move |&c| !self.cells_of(c)[k].arr.is_zero())
            .map(|c| self.customers[c].id.as_str()))
    }

    /// Movements summed over the months `a` to `b` (indexes), exactly, in the book's parts.
    pub(crate) fn flows(&self, a: usize, b: usize) -> Flows {
        let mut m = Flows::default();
        for t in &self.totals[a..=b] {
            m.add(t);
        }
        m
    }

    /// Movements summed over the months `from` to `to` (inclusive), exact (to 10⁻⁸ of the
    /// minor unit, see "# Amounts" in [`ArrBook`]).
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`] or [`ArrError::ReversedRange`].
    pub fn movements(&self, from: Month, to: Month) -> Result<Movements, ArrError> {
        let (a, b) = self.range(from, to)?;
        Ok(self.flows(a, b).to_movements(self.currency, arr_scale(self.currency)))
    }

    /// The ARR bridge over the months `from` to `to` (inclusive): opening + movements + FX =
    /// closing, exactly. Its FX line re-values foreign customers at their booking rates (the
    /// rate of each one's latest change), see [`Movements`].
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`] or [`ArrError::ReversedRange`]; a money overflow.
    pub fn bridge(&self, from: Month, to: Month) -> Result<ArrBridge, ArrError> {
        let (a, b) = self.range(from, to)?;
        let flows = self.flows(a, b);
        ExactBridge {
            from,
            to,
            scale: arr_scale(self.currency),
            opening: self.total_arr(a.checked_sub(1)),
            closing: self.total_arr(Some(b)),
            flows,
            opening_customers: self.active_customers(a.checked_sub(1)),
            closing_customers: self.active_customers(Some(b)),
        }
        .rounded(self.currency)
    }

    /// The bridge with opening and closing ARR revalued at the rates on each end's last day
    /// (the last day of the month before `from`, and of `to`); the difference that revaluation
    /// makes beside the movements is the `fx` line. Revaluation converts each customer as
    /// booking does (`round(native × rate)` at the book's scale), so with rates that never
    /// move, the revalued bridge is the booked one and its FX line is exactly zero.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::{InMemoryFxRates, RateLookup};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let mut rates = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 60 });
    /// rates.insert(Currency::EUR, Currency::USD, d(1, 1), Decimal::new(120, 2))?; // 1.20
    /// rates.insert(Currency::EUR, Currency::USD, d(2, 15), Decimal::new(110, 2))?; // 1.10
    /// let eur = Money::parse("100", Currency::EUR)?; // a month: EUR 1,200 a year
    /// let events = [Ev::start("e1", "berlin", "main", d(1, 5), eur, Interval::Month)];
    /// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &rates)?;
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// // booked at the start's rate, February did not move; at month-end rates the euro's fall is FX
    /// assert_eq!(book.bridge(feb, feb)?.closing, usd("1440"));
    /// let revalued = book.bridge_revalued(feb, feb, &rates)?;
    /// assert_eq!((revalued.opening, revalued.fx, revalued.closing), (usd("1440"), usd("-120"), usd("1320")));
    /// assert!(revalued.ties());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`ArrBook::bridge`]; [`ArrError::Fx`] or [`ArrError::RateForOtherPair`]
    /// when the rate source fails; a money overflow at an absurd rate.
    pub fn bridge_revalued<R: FxRates + ?Sized>(
        &self,
        from: Month,
        to: Month,
        rates: &R,
    ) -> Result<ArrBridge, ArrError> {
        let (a, b) = self.range(from, to)?;
        let mut flows = self.flows(a, b);
        let open_day = self.periods[a].start().pred_opt().unwrap_or(self.periods[a].start());
        let close_day = self.periods[b].last_day().unwrap_or(self.periods[b].start());
        let opening = self.revalue(a.checked_sub(1), open_day, rates)?;
        let closing = self.revalue(Some(b), close_day, rates)?;
        // the FX is what revaluation leaves, in the line and in its exact movement alike
        flows.fx = closing - opening - flows.net();
        ExactBridge {
            from,
            to,
            scale: arr_scale(self.currency),
            opening,
            closing,
            flows,
            opening_customers: self.active_customers(a.checked_sub(1)),
            closing_customers: self.active_customers(Some(b)),
        }
        .rounded(self.currency)
    }

    /// Total ARR before the first month (`None`) or at the end of month `k`, every foreign
    /// customer converted at the rate on `day`.
    fn revalue<R: FxRates + ?Sized>(&self, k: Option<usize>, day: NaiveDate, rates: &R) -> Result<Fixed, ArrError> {
        let scale = arr_scale(self.currency);
        let mut seen: BTreeMap<Currency, Decimal> = BTreeMap::new();
        let mut total = Fixed::ZERO;
        for (c, row) in self.customers.iter().enumerate() {
            let (Some(cur), Some(_)) = (row.currency, &row.foreign) else {
                total += self.customer_arr_at(c, k);
                continue;
            };
            let native = row.native_at(self.cells_of(c), k);
            if native.is_zero() {
                continue;
            }
            let rate = match seen.get(&cur) {
                Some(r) => *r,
                None => {
                    let q = rates.rate(cur, self.currency, day).map_err(|source| ArrError::Fx {
                        customer: row.id.as_str().into(),
                        from: cur,
                        to: self.currency,
                        on: day,
                        source: Box::new(source),
                    })?;
                    if q.from() != cur || q.to() != self.currency {
                        return Err(ArrError::RateForOtherPair {
                            asked_from: cur,
                            asked_to: self.currency,
                            got_from: q.from(),
                            got_to: q.to(),
                        });
                    }
                    *seen.entry(cur).or_insert(q.rate())
                }
            };
            // the rate is the caller's: the product is checked, and so is the sum
            let x = convert(native, arr_scale(cur), rate, scale)
                .filter(|x| !exceeds_ten_to(*x, MAX_CONVERTED_DIGITS, scale))
                .ok_or(MoneyError::Overflow("revalued ARR"))?;
            total += x;
        }
        Ok(total)
    }

    /// Customer indexes in the order of their ids.
    pub(crate) fn by_id(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.customers.len()).collect();
        order.sort_unstable_by(|&a, &b| self.customers[a].id.as_str().cmp(self.customers[b].id.as_str()));
        order
    }

    /// Every event the book holds, customer by customer and subscription by subscription in
    /// the order of their ids (not of their arrival: a book reads alike however it was made),
    /// each subscription's in order.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))] // (used when loading from JSON)
    pub(crate) fn all_events(&self) -> impl Iterator<Item = SubscriptionEvent> + '_ {
        self.by_id().into_iter().map(|c| &self.customers[c]).flat_map(move |row| {
            let mut subs: Vec<&(Id, usize)> = row.subs.iter().collect();
            subs.sort_unstable_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            subs.into_iter().flat_map(move |(id, s)| {
                self.subs[*s].events.iter().map(move |e| e.to_event(row.id.as_str(), id.as_str()))
            })
        })
    }
}
