//! The ARR book: every customer's MRR at each period end, and the movements between them.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::id::{CustomerIndex, Id, SubscriptionIds};
use super::timeline::{
    canonical_position, check_fields, drop_superseded, mrr_scale, sort_canonically, supersedes, Context, Entry, Owner,
    SubTimeline,
};
use super::{ArrError, ArrPolicy, EventKind, SamePeriodNewAndChurn, SubscriptionEvent};
use crate::calendar::Period;
use crate::money::{Currency, Fixed, FxRates, Money, MoneyError};

/// MRR movements of one period (or a range), in the reporting currency, as monthly amounts.
/// Contraction and churn are positive numbers that reduce MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Movements {
    /// MRR from customers never active before.
    pub new: Decimal,
    /// Increases from active customers.
    pub expansion: Decimal,
    /// Decreases from customers who stay.
    pub contraction: Decimal,
    /// MRR lost from customers who left.
    pub churn: Decimal,
    /// MRR from customers who had left and came back.
    pub reactivation: Decimal,
    /// Renewed MRR booked (for composition; not a movement).
    pub renewal: Decimal,
    /// Customers new.
    pub new_logos: u64,
    /// Customers lost.
    pub churned_logos: u64,
    /// Customers back.
    pub reactivated_logos: u64,
}

impl Movements {
    /// `new + expansion + reactivation − contraction − churn`.
    pub fn net(&self) -> Decimal {
        self.new + self.expansion + self.reactivation - self.contraction - self.churn
    }
}

/// [`Movements`] as the book keeps and sums them: amounts at the reporting currency's MRR
/// scale, as [`Fixed`] integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Flows {
    new: Fixed,
    expansion: Fixed,
    contraction: Fixed,
    churn: Fixed,
    reactivation: Fixed,
    renewal: Fixed,
    new_logos: u64,
    churned_logos: u64,
    reactivated_logos: u64,
}

impl Flows {
    /// A customer arriving with `mrr`: a reactivation if it had been a customer before, else new.
    fn arrive(&mut self, mrr: Fixed, was_active: bool) {
        if was_active {
            self.reactivation = mrr;
            self.reactivated_logos = 1;
        } else {
            self.new = mrr;
            self.new_logos = 1;
        }
    }

    fn add(&mut self, o: &Flows) {
        self.new += o.new;
        self.expansion += o.expansion;
        self.contraction += o.contraction;
        self.churn += o.churn;
        self.reactivation += o.reactivation;
        self.renewal += o.renewal;
        self.new_logos += o.new_logos;
        self.churned_logos += o.churned_logos;
        self.reactivated_logos += o.reactivated_logos;
    }

    fn sub(&mut self, o: &Flows) {
        self.new -= o.new;
        self.expansion -= o.expansion;
        self.contraction -= o.contraction;
        self.churn -= o.churn;
        self.reactivation -= o.reactivation;
        self.renewal -= o.renewal;
        self.new_logos -= o.new_logos;
        self.churned_logos -= o.churned_logos;
        self.reactivated_logos -= o.reactivated_logos;
    }

    /// As the public [`Movements`], in `Decimal` at `scale`.
    fn to_movements(self, scale: u32) -> Movements {
        Movements {
            new: self.new.to_decimal(scale),
            expansion: self.expansion.to_decimal(scale),
            contraction: self.contraction.to_decimal(scale),
            churn: self.churn.to_decimal(scale),
            reactivation: self.reactivation.to_decimal(scale),
            renewal: self.renewal.to_decimal(scale),
            new_logos: self.new_logos,
            churned_logos: self.churned_logos,
            reactivated_logos: self.reactivated_logos,
        }
    }
}

/// One customer in one period: what an update reads and writes together, side by side, so that
/// an update touches one short stretch of memory per customer. (Values most customers do not
/// have, MRR in a foreign currency and same-period blips, live apart.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Cell {
    /// Booked MRR at the period's end.
    pub mrr: Fixed,
    /// Renewal MRR booked in the period.
    pub renewal: Fixed,
}

/// One customer's movement in a period from `prev` (MRR at the start) to `cell`, with `blip`
/// its highest MRR inside the period when both ends are zero; `was_active` when it had MRR
/// before the period began (a return is a reactivation).
#[inline]
fn movement(prev: Fixed, cell: Cell, blip: Fixed, was_active: bool) -> Flows {
    let mut m = Flows { renewal: cell.renewal, ..Flows::default() };
    let now = cell.mrr;
    // MRR is never negative, so "positive" is "not zero", and one comparison orders the rest.
    match (prev.is_zero(), now.is_zero()) {
        (true, false) => m.arrive(now, was_active),
        (false, true) => {
            m.churn = prev;
            m.churned_logos = 1;
        }
        (false, false) => match now.cmp(&prev) {
            std::cmp::Ordering::Greater => m.expansion = now - prev,
            std::cmp::Ordering::Less => m.contraction = prev - now,
            std::cmp::Ordering::Equal => {}
        },
        (true, true) => {
            if !blip.is_zero() {
                m.arrive(blip, was_active);
                m.churn = blip;
                m.churned_logos = 1;
            }
        }
    }
    m
}

/// Move a `(total MRR, active customers)` level from one customer's `old` MRR to its `new`.
fn adjust_level(level: &mut (Fixed, u64), old: Fixed, new: Fixed) {
    shift_level(level, old, new, new - old);
}

/// [`adjust_level`] with `new − old` known already.
fn shift_level(level: &mut (Fixed, u64), old: Fixed, new: Fixed, by: Fixed) {
    level.0 += by;
    // MRR is never negative: "active" is "not zero", a test of bits instead of a comparison
    level.1 = level.1 + u64::from(!new.is_zero()) - u64::from(!old.is_zero());
}

pub(crate) struct SubRow {
    events: Vec<Entry>,
    timeline: SubTimeline,
}

/// What recording an event did to a subscription's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recorded {
    /// The timeline may have changed.
    Changed,
    /// Nothing: the event was a change that a change of the same day supersedes.
    Nothing,
}

impl SubRow {
    /// Add one event to the subscription. One dated after all others extends the timeline; one
    /// inside the history is inserted in place and replayed from the checkpoint before it. Of
    /// two changes on one day, only the one that sorts last is kept: it leaves nothing of the
    /// other (see [`supersedes`]), so a day of changes does not grow the history, wherever it
    /// falls in it. On an error the row is as it was.
    fn record<R: FxRates + ?Sized>(
        &mut self,
        entry: Entry,
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<Recorded, ArrError> {
        let (events, timeline) = (&mut self.events, &mut self.timeline);
        if timeline.comes_after(&entry) {
            let replacing = events.last().is_some_and(|last| supersedes(&entry, last));
            if let Err(e) = timeline.extend(&entry, replacing, who, ctx, rates) {
                timeline.replay_from(events, events.len(), who, ctx, rates)?;
                return Err(e);
            }
            match events.last_mut() {
                Some(last) if replacing => *last = entry,
                _ => events.push(entry),
            }
            return Ok(Recorded::Changed);
        }
        let at = canonical_position(events, &entry);
        if events.get(at).is_some_and(|next| supersedes(next, &entry)) {
            // a change of the same day that sorts after this one leaves nothing of it
            return check_fields(&entry, timeline.currency, who).map(|()| Recorded::Nothing);
        }
        events.insert(at, entry);
        let (at, replaced) = match at.checked_sub(1) {
            Some(before) if supersedes(&events[at], &events[before]) => (before, Some(events.remove(before))),
            _ => (at, None),
        };
        if let Err(e) = timeline.replay_from(events, at, who, ctx, rates) {
            match replaced {
                Some(earlier) => events[at] = earlier,
                None => drop(events.remove(at)),
            }
            timeline.replay_from(events, at, who, ctx, rates)?;
            return Err(e);
        }
        Ok(Recorded::Changed)
    }
}

/// One subscription's part in its customer's periods from some period on: what an update
/// takes out of the customer before the subscription changes, and puts back after.
#[derive(Debug, Default)]
struct Share {
    /// `(booked, native)` before the first period, when the share starts there.
    opening: (Fixed, Fixed),
    /// `(booked, native)` at each period end.
    ends: Vec<(Fixed, Fixed)>,
    /// Renewal MRR, by period (counted from the share's first).
    renewals: Vec<(usize, Fixed)>,
    first_active: Option<NaiveDate>,
}

impl Share {
    /// Read `t`'s share of `periods[from..]` (and of the opening when `from` is 0).
    fn read(&mut self, t: &SubTimeline, periods: &[Period], from: usize) {
        let window = periods.get(from..).unwrap_or_default();
        self.opening = match periods.first() {
            Some(first) if from == 0 => t.value_before(first.start()),
            _ => (Fixed::ZERO, Fixed::ZERO),
        };
        self.ends.clear();
        self.ends.extend(t.at_period_ends(window));
        self.renewals.clear();
        self.renewals.extend(t.renewals_in(window));
        self.first_active = t.first_active();
    }
}

/// Buffers an incremental update works in.
#[derive(Debug, Default)]
struct Scratch {
    /// The customer's cells, and blips, before the update (from its first touched period).
    cells: Vec<Cell>,
    blips: Vec<Fixed>,
    /// The updated subscription's share before and after the update.
    before: Share,
    after: Share,
}

/// One customer's MRR at each period end.
pub(crate) struct CustomerRow {
    pub id: Id,
    pub currency: Option<Currency>,
    /// `(subscription id, index into the book's subscriptions)`.
    pub subs: SubscriptionIds,
    /// Booked MRR before the first period, and in the customer's own currency (each at its
    /// currency's MRR scale, as are all the row's amounts).
    pub opening: Fixed,
    pub opening_native: Fixed,
    /// MRR in the customer's own currency at each period end; empty when that is the reporting
    /// currency (it is then the booked MRR).
    pub native: Vec<Fixed>,
    /// Highest MRR inside each period whose ends were both zero; empty unless the policy shows
    /// same-period new and churn.
    pub blips: Vec<Fixed>,
    /// First day with MRR, if any.
    pub first_active: Option<NaiveDate>,
}

impl CustomerRow {
    /// MRR in the customer's own currency at the end of period `k`, given its `cells`.
    pub fn native_at(&self, cells: &[Cell], k: usize) -> Fixed {
        self.native.get(k).copied().unwrap_or_else(|| cells.get(k).map_or(Fixed::ZERO, |c| c.mrr))
    }

    /// The same-period blip in period `k` (zero unless the policy shows them).
    pub fn blip(&self, k: usize) -> Fixed {
        self.blips.get(k).copied().unwrap_or_default()
    }

    /// Replace one subscription's share of periods `from..` (`before`) with `after`. The sums
    /// are exact, so the cells end as a resample of every subscription would leave them.
    fn replace_share(&mut self, cells: &mut [Cell], before: &Share, after: &Share, from: usize) {
        if from == 0 {
            self.opening += after.opening.0 - before.opening.0;
            self.opening_native += after.opening.1 - before.opening.1;
        }
        let cells = cells.get_mut(from..).unwrap_or_default();
        for ((cell, was), now) in cells.iter_mut().zip(&before.ends).zip(&after.ends) {
            cell.mrr += now.0 - was.0;
        }
        if let Some(native) = self.native.get_mut(from..) {
            for ((x, was), now) in native.iter_mut().zip(&before.ends).zip(&after.ends) {
                *x += now.1 - was.1;
            }
        }
        for &(k, mrr) in &before.renewals {
            cells[k].renewal -= mrr;
        }
        for &(k, mrr) in &after.renewals {
            cells[k].renewal += mrr;
        }
    }
}

/// The ARR ledger: subscription events turned into MRR at each period end per customer, with
/// movements, under an explicit [`ArrPolicy`].
///
/// ```
/// use chrono::NaiveDate;
/// use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent};
/// use revops::calendar::{Month, Period};
/// use revops::money::InMemoryFxRates;
/// use revops::{Currency, Money};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let ev = |c: &str, date, kind| SubscriptionEvent { customer: c.into(), subscription: "s".into(), date, recorded_on: None, kind };
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let events = vec![
///     ev("a", d(1, 5), EventKind::Start { price: usd("100"), interval: Interval::Month, trial_until: None }),
///     ev("b", d(1, 9), EventKind::Start { price: usd("1200"), interval: Interval::Year, trial_until: None }),
///     ev("a", d(2, 1), EventKind::Change { price: usd("150"), interval: Interval::Month }),
///     ev("b", d(2, 20), EventKind::Cancel { paid_through: None }),
/// ];
/// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 2)?).map(Month::period).collect();
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months, &InMemoryFxRates::new())?;
/// let feb = book.bridge(1, 1)?;
/// assert_eq!(feb.opening.to_string(), "USD 2,400.00");      // (100 + 100) × 12
/// assert_eq!(feb.expansion.to_string(), "USD 600.00");
/// assert_eq!(feb.churn.to_string(), "USD 1,200.00");
/// assert_eq!(feb.closing.to_string(), "USD 1,800.00");
/// assert!(feb.ties());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ArrBook {
    policy: ArrPolicy,
    currency: Currency,
    periods: Vec<Period>,
    pub(crate) customers: Vec<CustomerRow>,
    /// Every customer's periods, `periods.len()` cells each, in customer order: the cells an
    /// update reads sit at an address that follows from the customer's index alone, so that
    /// memory is fetched alongside the customer's row instead of after it.
    cells: Vec<Cell>,
    index: CustomerIndex,
    subs: Vec<SubRow>,
    totals: Vec<Flows>,
    /// MRR and active customers at the end of each period, and before the first.
    closing: Vec<(Fixed, u64)>,
    opening: (Fixed, u64),
    ctx: Context,
    scratch: Scratch,
}

impl std::fmt::Debug for ArrBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArrBook")
            .field("currency", &self.currency)
            .field("periods", &self.periods.len())
            .field("customers", &self.customers.len())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl ArrBook {
    /// Build the book over contiguous reporting `periods`, converting foreign MRR into
    /// `reporting` at the rates the policy's [`FxRateDate`](super::FxRateDate) picks.
    pub fn build<R: FxRates + ?Sized>(
        events: &[SubscriptionEvent],
        policy: ArrPolicy,
        reporting: Currency,
        periods: &[Period],
        rates: &R,
    ) -> Result<ArrBook, ArrError> {
        check_periods(periods)?;
        let mut book = ArrBook {
            policy,
            currency: reporting,
            periods: periods.to_vec(),
            customers: Vec::new(),
            cells: Vec::new(),
            index: CustomerIndex::default(),
            subs: Vec::new(),
            totals: vec![Flows::default(); periods.len()],
            closing: vec![(Fixed::ZERO, 0); periods.len()],
            opening: (Fixed::ZERO, 0),
            ctx: Context { policy, reporting },
            scratch: Scratch::default(),
        };
        // each subscription's entries, and where its id sits: (customer, position in its subs)
        let mut grouped: Vec<(Vec<Entry>, usize, usize)> = Vec::new();
        for e in events {
            let (c, _) = book.customer_index(&e.customer)?;
            let subs = &mut book.customers[c].subs;
            let s = match subs.find(&e.subscription) {
                Some(s) => s,
                None => {
                    if subs.is_empty() {
                        book.index.set_first_subscription(&e.customer, c, grouped.len());
                    }
                    grouped.push((Vec::new(), c, subs.len()));
                    subs.push((Id::new(&e.subscription), grouped.len() - 1));
                    grouped.len() - 1
                }
            };
            grouped[s].0.push(Entry::from(e));
        }
        for (mut events, c, j) in grouped {
            sort_canonically(&mut events);
            let row = &book.customers[c];
            let subscription = row.subs.get(j).map_or("", |(id, _)| id.as_str());
            let who = Owner { customer: row.id.as_str(), subscription };
            drop_superseded(&mut events, who)?;
            let timeline = SubTimeline::from_events(&events, who, &book.ctx, rates)?;
            book.subs.push(SubRow { events, timeline });
        }
        for c in 0..book.customers.len() {
            book.refresh_customer(c, 0)?;
            for k in 0..book.periods.len() {
                let m = book.contribution(c, k, book.customers[c].first_active);
                book.totals[k].add(&m);
            }
            book.add_levels(c);
        }
        Ok(book)
    }

    /// Add one event and update the book incrementally: only its customer, and only the periods
    /// from the event's date on, are recomputed. An event dated after all of its subscription's
    /// events extends the subscription's timeline without replaying it; a late one is inserted in
    /// place and replayed from the nearest checkpoint before it (one every 16 events, and one
    /// where the last late event landed). The book keeps no part of `event` but its date and
    /// kind; of two changes to a subscription on one day it keeps only the one that sorts last in
    /// the canonical order (which leaves nothing of the other), so a day of changes does not
    /// grow the history. A refused event leaves the book as it was.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent};
    /// use revops::calendar::{Month, Period};
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let ev = |date, kind| SubscriptionEvent { customer: "a".into(), subscription: "s".into(), date, recorded_on: None, kind };
    /// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 3)?).map(Month::period).collect();
    /// let rates = InMemoryFxRates::new();
    /// let start = ev(d(1, 5), EventKind::Start { price: usd("100"), interval: Interval::Month, trial_until: None });
    /// let mut book = ArrBook::build(&[start], ArrPolicy::default(), Currency::USD, &months, &rates)?;
    /// book.apply(&ev(d(3, 1), EventKind::Change { price: usd("150"), interval: Interval::Month }), &rates)?;
    /// book.apply(&ev(d(2, 1), EventKind::Change { price: usd("120"), interval: Interval::Month }), &rates)?; // late
    /// assert_eq!(book.bridge(1, 1)?.expansion.to_string(), "USD 240.00"); // Feb: 100 → 120, × 12
    /// assert_eq!(book.bridge(2, 2)?.expansion.to_string(), "USD 360.00"); // Mar: 120 → 150
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply<R: FxRates + ?Sized>(&mut self, event: &SubscriptionEvent, rates: &R) -> Result<(), ArrError> {
        // the buffers an update works in, kept between updates so that one allocates nothing
        let mut scratch = std::mem::take(&mut self.scratch);
        let applied = self.apply_in(event, rates, &mut scratch);
        self.scratch = scratch;
        applied
    }

    fn apply_in<R: FxRates + ?Sized>(
        &mut self,
        event: &SubscriptionEvent,
        rates: &R,
        scratch: &mut Scratch,
    ) -> Result<(), ArrError> {
        let n = self.periods.len();
        let first_touched = self.periods.partition_point(|p| p.end() <= event.date);
        let (c, first_subscription) = self.customer_index(&event.customer)?;
        // What the customer looked like in the periods an update rewrites, taken first: the
        // cells' address follows from `c` alone, so their memory arrives while the customer's
        // row and the subscription are read.
        let Scratch { cells: old, blips: old_blips, before, after } = scratch;
        old.clear();
        // (cell by cell rather than by `memcpy`: the loads then have an address of their own in
        // the code, where the processor's stride prefetcher can learn a pattern of updates)
        for cell in self.cells_of(c).get(first_touched..).unwrap_or_default() {
            old.push(*cell);
        }
        // The index's word for the customer's first subscription lets the processor fetch it
        // while the row is still on its way: the row only confirms the guess (a branch the
        // processor predicts), instead of giving the subscription's address (a load it waits for).
        let subs = &self.customers[c].subs;
        let existing = match first_subscription {
            Some(s) if subs.first_is(&event.subscription) => Some(s),
            _ => subs.find(&event.subscription),
        };
        // refuse a second currency before anything changes, so a failed apply leaves the book as it was
        if let (
            Some(have),
            EventKind::Start { price, .. } | EventKind::Change { price, .. } | EventKind::Renew { price, .. },
        ) = (self.customers[c].currency, &event.kind)
        {
            if price.currency() != have {
                return Err(ArrError::MixedCurrencies {
                    customer: event.customer.clone(),
                    first: have,
                    second: price.currency(),
                });
            }
        }
        let row = &self.customers[c];
        let (before_first, old_opening) = (row.first_active, row.opening);
        old_blips.clear();
        old_blips.extend(row.blips.get(first_touched..).unwrap_or_default());
        let customer = &mut self.customers[c];
        let (subscription, entry) = (&event.subscription, Entry::from(event));
        let updated_in_place = match existing {
            Some(s) => {
                let who = Owner { customer: &event.customer, subscription };
                let sub = &mut self.subs[s];
                before.read(&sub.timeline, &self.periods, first_touched);
                if sub.record(entry, who, &self.ctx, rates)? == Recorded::Nothing {
                    return Ok(());
                }
                after.read(&sub.timeline, &self.periods, first_touched);
                true
            }
            None => {
                let who = Owner { customer: &event.customer, subscription };
                let events = vec![entry];
                let timeline = match SubTimeline::from_events(&events, who, &self.ctx, rates) {
                    Ok(t) => t,
                    Err(e) => {
                        if customer.subs.is_empty() {
                            // the customer arrived with this event: forget it again
                            self.index.remove_last(&event.customer, c);
                            self.customers.pop();
                            self.cells.truncate(self.customers.len() * n);
                        }
                        return Err(e);
                    }
                };
                self.subs.push(SubRow { events, timeline });
                if customer.subs.is_empty() {
                    self.index.set_first_subscription(&event.customer, c, self.subs.len() - 1);
                }
                customer.subs.push((Id::new(subscription), self.subs.len() - 1));
                false
            }
        };
        if first_touched >= n {
            return Ok(()); // after the book's last period: nothing it reports changes
        }
        // The customer's periods are the sum of its subscriptions': when only this one's part
        // moved, and nothing that needs the others (its first active day, a same-period blip),
        // the difference is all the update adds, and the customer's other subscriptions are
        // not read.
        if updated_in_place
            && before.first_active == after.first_active
            && self.policy.same_period != SamePeriodNewAndChurn::ShowBoth
        {
            let range = self.cell_range(c);
            self.customers[c].replace_share(&mut self.cells[range], before, after, first_touched);
        } else {
            self.refresh_customer(c, first_touched)?;
        }
        let row = &self.customers[c];
        if first_touched == 0 {
            adjust_level(&mut self.opening, old_opening, row.opening);
        }
        let first_active = row.first_active;
        if first_active != before_first {
            // what counts as new versus reactivation may change everywhere: redo the early periods
            for k in 0..first_touched {
                let (was, now) = (self.contribution(c, k, before_first), self.contribution(c, k, first_active));
                self.totals[k].sub(&was);
                self.totals[k].add(&now);
            }
        }
        let (row, cells) = (&self.customers[c], &self.cells[self.cell_range(c)]);
        // Only the difference reaches the totals; most periods after a change move the same
        // before and after (nothing), and are skipped.
        let (mut old_prev, mut new_prev) = match first_touched {
            0 => (old_opening, row.opening),
            k => (cells[k - 1].mrr, cells[k - 1].mrr), // untouched by the update
        };
        // How much the customer's MRR moved at the end of the period before (`new_prev −
        // old_prev`); where MRR is flat both before and after the update, it moved as much
        // again, without a subtraction.
        let mut moved = if first_touched == 0 { new_prev - old_prev } else { Fixed::ZERO };
        for (i, k) in (first_touched..n).enumerate() {
            let (was_cell, was_blip) = (old[i], old_blips.get(i).copied().unwrap_or_default());
            let (cell, blip) = (cells[k], row.blip(k));
            let flat = was_cell.mrr == old_prev && cell.mrr == new_prev;
            if !flat {
                moved = cell.mrr - was_cell.mrr;
            }
            let start = self.periods[k].start();
            let (was_active, active) =
                (before_first.is_some_and(|f| f < start), row.first_active.is_some_and(|f| f < start));
            let same_renewals = was_cell.renewal == cell.renewal;
            // Skip a period whose movement is the same before and after without computing
            // either: one with the same inputs (a repeated or no-op event touches none), or one
            // flat both before and after with the same renewals and no blip (MRR moved since
            // the change, but nothing moves in the period itself).
            let same_inputs =
                moved.is_zero() && old_prev == new_prev && same_renewals && was_blip == blip && was_active == active;
            let quiet = flat && same_renewals && was_blip.is_zero() && blip.is_zero();
            if !(same_inputs || quiet) {
                let was = movement(old_prev, was_cell, was_blip, was_active);
                let now = movement(new_prev, cell, blip, active);
                if was != now {
                    self.totals[k].sub(&was);
                    self.totals[k].add(&now);
                }
            }
            if !moved.is_zero() {
                shift_level(&mut self.closing[k], was_cell.mrr, cell.mrr, moved);
            }
            (old_prev, new_prev) = (was_cell.mrr, cell.mrr);
        }
        Ok(())
    }

    /// Add one customer's MRR and activity to the period levels.
    fn add_levels(&mut self, c: usize) {
        let row = &self.customers[c];
        adjust_level(&mut self.opening, Fixed::ZERO, row.opening);
        let cells = &self.cells[self.cell_range(c)];
        for (level, cell) in self.closing.iter_mut().zip(cells) {
            adjust_level(level, Fixed::ZERO, cell.mrr);
        }
    }

    /// The customer `id`, added if new, with its first subscription if it has one.
    fn customer_index(&mut self, id: &str) -> Result<(usize, Option<usize>), ArrError> {
        if let Some(found) = self.index.get(id, |c| &self.customers[c].id) {
            return Ok(found);
        }
        // indexed first, so that a book that is full is left as it was
        if !self.index.insert(id, self.customers.len()) {
            return Err(ArrError::TooManyCustomers);
        }
        let n = self.periods.len();
        self.customers.push(CustomerRow {
            id: Id::new(id),
            currency: None,
            subs: SubscriptionIds::default(),
            opening: Fixed::ZERO,
            opening_native: Fixed::ZERO,
            native: Vec::new(),
            blips: Vec::new(),
            first_active: None,
        });
        self.cells.resize(self.cells.len() + n, Cell::default());
        Ok((self.customers.len() - 1, None))
    }

    fn find_customer(&self, id: &str) -> Option<usize> {
        self.index.get(id, |c| &self.customers[c].id).map(|(c, _)| c)
    }

    /// Where customer `c`'s cells sit in `cells` (a range, so that a caller can borrow the cells
    /// mutably while it reads the book's other fields).
    fn cell_range(&self, c: usize) -> std::ops::Range<usize> {
        let n = self.periods.len();
        c * n..(c + 1) * n
    }

    /// Customer `c`'s cells, one per period.
    pub(crate) fn cells_of(&self, c: usize) -> &[Cell] {
        &self.cells[self.cell_range(c)]
    }

    /// Resample one customer's periods `from..` from its subscriptions' timelines.
    fn refresh_customer(&mut self, c: usize, from: usize) -> Result<(), ArrError> {
        let n = self.periods.len();
        let row = &self.customers[c];
        let mut currency: Option<Currency> = None;
        for (_, s) in row.subs.iter() {
            let cur = self.subs[*s].timeline.currency;
            match currency {
                Some(first) if first != cur => {
                    return Err(ArrError::MixedCurrencies { customer: row.id.as_str().into(), first, second: cur })
                }
                _ => currency = Some(cur),
            }
        }
        let first_day = self.periods[0].start();
        let mut opening = (Fixed::ZERO, Fixed::ZERO);
        // Resample into the customer's own cells.
        let range = self.cell_range(c);
        let cells = &mut self.cells[range];
        cells[from..].fill(Cell::default());
        let mut native = std::mem::take(&mut self.customers[c].native);
        if currency.is_some_and(|cur| cur != self.currency) {
            native.resize(n, Fixed::ZERO);
            native[from..].fill(Fixed::ZERO);
        } else {
            native.clear();
        }
        let row = &self.customers[c];
        let mut first_active: Option<NaiveDate> = None;
        let window = &self.periods[from..];
        for (_, s) in row.subs.iter() {
            let t = &self.subs[*s].timeline;
            if from == 0 {
                let before = t.value_before(first_day);
                opening.0 += before.0;
                opening.1 += before.1;
            }
            for (j, (booked, in_own)) in t.at_period_ends(window).enumerate() {
                // a cancelled or not-yet-started subscription adds nothing: skip the Decimal adds
                if !booked.is_zero() {
                    cells[from + j].mrr += booked;
                }
                if let Some(x) = native.get_mut(from + j) {
                    *x += in_own;
                }
            }
            if let Some(d) = t.first_active() {
                first_active = Some(first_active.map_or(d, |f| f.min(d)));
            }
            for (j, mrr) in t.renewals_in(window) {
                cells[from + j].renewal += mrr;
            }
        }
        let show_both = self.policy.same_period == SamePeriodNewAndChurn::ShowBoth;
        let row = &mut self.customers[c];
        row.currency = currency;
        if from == 0 {
            row.opening = opening.0;
            row.opening_native = opening.1;
        }
        row.native = native;
        row.first_active = first_active;
        if show_both {
            row.blips.resize(n, Fixed::ZERO);
            for k in from..n {
                let prev = if k == 0 { row.opening } else { cells[k - 1].mrr };
                row.blips[k] = Fixed::ZERO;
                if prev.is_zero() && cells[k].mrr.is_zero() {
                    let p = self.periods[k];
                    let timelines: Vec<&SubTimeline> = row.subs.iter().map(|(_, s)| &self.subs[*s].timeline).collect();
                    let dates =
                        timelines.iter().flat_map(|t| t.all_points().map(|x| x.date)).filter(|d| p.contains(*d));
                    row.blips[k] = dates
                        .map(|d| timelines.iter().map(|t| t.value_before(d.succ_opt().unwrap_or(d)).0).sum())
                        .max()
                        .unwrap_or(Fixed::ZERO);
                }
            }
        }
        Ok(())
    }

    /// One customer's movements in period `k`, taking its first active day to be `first_active`.
    fn contribution(&self, c: usize, k: usize, first_active: Option<NaiveDate>) -> Flows {
        let (row, cells) = (&self.customers[c], self.cells_of(c));
        let prev = if k == 0 { row.opening } else { cells[k - 1].mrr };
        movement(prev, cells[k], row.blip(k), first_active.is_some_and(|f| f < self.periods[k].start()))
    }

    /// The reporting currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The reporting periods.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// The policy the book was built under.
    pub fn policy(&self) -> &ArrPolicy {
        &self.policy
    }

    /// Number of customers ever seen.
    pub fn customer_count(&self) -> usize {
        self.customers.len()
    }

    fn money(&self, mrr: Decimal) -> Money {
        Money::new(mrr, self.currency)
    }

    /// An amount the book keeps in the reporting currency, as a `Decimal`.
    pub(crate) fn decimal(&self, x: Fixed) -> Decimal {
        x.to_decimal(mrr_scale(self.currency))
    }

    fn check_range(&self, from: usize, to: usize) -> Result<(), ArrError> {
        if from > to || to >= self.periods.len() {
            return Err(ArrError::PeriodOutOfRange { from, to, len: self.periods.len() });
        }
        Ok(())
    }

    /// Total MRR before the first period (`None`) or at the end of period `k`.
    pub(crate) fn total_mrr(&self, k: Option<usize>) -> Decimal {
        self.decimal(k.map_or(self.opening.0, |k| self.closing[k].0))
    }

    /// Customer `c`'s MRR at the end of period `k`.
    pub(crate) fn customer_mrr(&self, c: usize, k: usize) -> Decimal {
        self.decimal(self.cells_of(c)[k].mrr)
    }

    /// Customers with MRR at the end of period `k` (or before the first period).
    pub(crate) fn active_customers(&self, k: Option<usize>) -> u64 {
        k.map_or(self.opening.1, |k| self.closing[k].1)
    }

    /// MRR at the end of period `k`.
    pub fn mrr_at(&self, k: usize) -> Result<Money, ArrError> {
        self.check_range(k, k)?;
        Ok(self.money(self.total_mrr(Some(k))))
    }

    /// ARR (12 × MRR) at the end of period `k`.
    pub fn arr_at(&self, k: usize) -> Result<Money, ArrError> {
        Ok(self.mrr_at(k)?.checked_mul(Decimal::from(12))?)
    }

    /// One customer's ARR at the end of period `k` (`None` for an unknown customer).
    pub fn customer_arr(&self, customer: &str, k: usize) -> Option<Money> {
        let c = self.find_customer(customer)?;
        self.cells_of(c).get(k).map(|cell| Money::new(self.decimal(cell.mrr) * Decimal::from(12), self.currency))
    }

    /// Ids of customers with ARR at the end of period `k`.
    pub fn active_customer_ids(&self, k: usize) -> impl Iterator<Item = &str> {
        (0..self.customers.len())
            .filter(move |&c| self.cells_of(c).get(k).is_some_and(|cell| !cell.mrr.is_zero()))
            .map(|c| self.customers[c].id.as_str())
    }

    /// Movements summed over periods `from..=to`, as MRR.
    pub fn movements(&self, from: usize, to: usize) -> Result<Movements, ArrError> {
        self.check_range(from, to)?;
        let mut m = Flows::default();
        for t in &self.totals[from..=to] {
            m.add(t);
        }
        Ok(m.to_movements(mrr_scale(self.currency)))
    }

    /// The ARR bridge over periods `from..=to`: opening + movements = closing, exactly.
    pub fn bridge(&self, from: usize, to: usize) -> Result<ArrBridge, ArrError> {
        let m = self.movements(from, to)?;
        let opening_mrr = self.total_mrr(from.checked_sub(1));
        let arr = |x: Decimal| self.money(x * Decimal::from(12));
        Ok(ArrBridge {
            from: self.periods[from],
            to: self.periods[to],
            opening: arr(opening_mrr),
            new: arr(m.new),
            expansion: arr(m.expansion),
            reactivation: arr(m.reactivation),
            contraction: arr(m.contraction),
            churn: arr(m.churn),
            fx: Money::zero(self.currency),
            closing: arr(self.total_mrr(Some(to))),
            opening_customers: self.active_customers(from.checked_sub(1)),
            closing_customers: self.active_customers(Some(to)),
            movements: m,
        })
    }

    /// The bridge with opening and closing ARR revalued at the rates on each end's last day; the
    /// difference that revaluation makes is the `fx` line, kept out of the movements.
    pub fn bridge_revalued<R: FxRates + ?Sized>(
        &self,
        from: usize,
        to: usize,
        rates: &R,
    ) -> Result<ArrBridge, ArrError> {
        let mut b = self.bridge(from, to)?;
        let at = |k: Option<usize>, day: NaiveDate| -> Result<Decimal, ArrError> {
            let mut total = Decimal::ZERO;
            for (i, c) in self.customers.iter().enumerate() {
                let native = k.map_or(c.opening_native, |k| c.native_at(self.cells_of(i), k));
                if native.is_zero() {
                    continue;
                }
                let native = native.to_decimal(mrr_scale(c.currency.unwrap_or(self.currency)));
                let rate = match c.currency {
                    Some(cur) if cur != self.currency => rates.rate(cur, self.currency, day)?.rate(),
                    _ => Decimal::ONE,
                };
                // the rate is the caller's, so the product and the sum are checked
                total = native
                    .checked_mul(rate)
                    .and_then(|x| total.checked_add(x))
                    .ok_or(MoneyError::Overflow("revalued ARR"))?;
            }
            Ok(total.checked_mul(Decimal::from(12)).ok_or(MoneyError::Overflow("revalued ARR"))?)
        };
        let open_day = self.periods[from].start().pred_opt().unwrap_or(self.periods[from].start());
        let close_day = self.periods[to].last_day().unwrap_or(self.periods[to].start());
        let opening = self.money(at(from.checked_sub(1), open_day)?).round();
        let closing = self.money(at(Some(to), close_day)?).round();
        // movements are sums of MRR the book admitted (at most 10^18 a subscription), so × 12 fits
        let moved = self.money(b.movements.net() * Decimal::from(12));
        b.fx = closing.checked_sub(opening)?.checked_sub(moved)?;
        b.opening = opening;
        b.closing = closing;
        Ok(b)
    }
}

/// The ARR bridge: why ARR moved between two dates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ArrBridge {
    /// First period.
    pub from: Period,
    /// Last period.
    pub to: Period,
    /// ARR before `from`.
    pub opening: Money,
    /// New-logo ARR.
    pub new: Money,
    /// Expansion ARR.
    pub expansion: Money,
    /// Reactivation ARR.
    pub reactivation: Money,
    /// Contraction ARR (reduces).
    pub contraction: Money,
    /// Churned ARR (reduces).
    pub churn: Money,
    /// FX revaluation (zero unless revalued).
    pub fx: Money,
    /// ARR at the end of `to`.
    pub closing: Money,
    /// Customers with ARR at the opening.
    pub opening_customers: u64,
    /// Customers with ARR at the close.
    pub closing_customers: u64,
    /// The underlying MRR movements and logo counts.
    pub movements: Movements,
}

impl ArrBridge {
    /// True when `opening + new + expansion + reactivation − contraction − churn + fx = closing`.
    pub fn ties(&self) -> bool {
        let sum = [self.new, self.expansion, self.reactivation, -self.contraction, -self.churn, self.fx]
            .iter()
            .try_fold(self.opening, |acc, m| acc.checked_add(*m));
        sum == Ok(self.closing)
    }

    /// Net new ARR.
    pub fn net_new(&self) -> Result<Money, ArrError> {
        Ok(self.closing.checked_sub(self.opening)?.checked_sub(self.fx)?)
    }

    /// New ARR split into new business (new logos and reactivations), expansion and renewals.
    pub fn composition(&self) -> NewArrComposition {
        let c = self.opening.currency();
        let twelve = Decimal::from(12);
        NewArrComposition {
            new_business: Money::new((self.movements.new + self.movements.reactivation) * twelve, c),
            expansion: Money::new(self.movements.expansion * twelve, c),
            renewal: Money::new(self.movements.renewal * twelve, c),
        }
    }
}

/// Where new ARR came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NewArrComposition {
    /// New logos and reactivations.
    pub new_business: Money,
    /// Expansion of existing customers.
    pub expansion: Money,
    /// ARR renewed (booked on renewal; not growth, but sales' work).
    pub renewal: Money,
}

fn check_periods(periods: &[Period]) -> Result<(), ArrError> {
    if periods.is_empty() || periods.iter().any(Period::is_empty) {
        return Err(ArrError::BadPeriods("no periods, or an empty one".into()));
    }
    for w in periods.windows(2) {
        if w[0].end() != w[1].start() {
            return Err(ArrError::BadPeriods(format!("{} is not followed directly by {}", w[0], w[1])));
        }
    }
    Ok(())
}
