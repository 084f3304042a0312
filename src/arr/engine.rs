//! The book's kernel: customer rows, their cells at each month end, and the incremental update.
//! Business rules live in the timeline (one subscription) and in [`movement`] (one customer in
//! one month); this file is about keeping the totals equal to a rebuild, cheaply.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::bridge::Flows;
use super::id::{hash_of, Id, SubscriptionIds};
use super::timeline::{position, Context, Entry, Owner, SubTimeline};
use super::unit::{arr_scale, convert, exceeds_ten_to, reported};
use super::{ArrBook, ArrError, EventKind, FxRateDate, SamePeriodNewAndChurn, SubscriptionEvent};
use crate::calendar::Month;
use crate::money::{Currency, Fixed, FxRates, Money};

/// The largest ARR a customer may book at a month end, in the reporting currency (converted,
/// for one billed in another), is 10 to this power (10¹⁴, as
/// [`MAX_ARR_DIGITS`](super::unit::MAX_ARR_DIGITS)): neither a rate nor many subscriptions can
/// take a customer past what the book's totals hold.
pub(crate) const MAX_CONVERTED_DIGITS: u32 = super::unit::MAX_ARR_DIGITS;

/// One customer at one month end: what an update reads and writes together, side by side, so
/// that an update touches one short stretch of memory per customer. (Values most customers do
/// not have, ARR in a foreign currency and same-month blips, live apart.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Cell {
    /// Booked ARR at the month's end.
    pub arr: Fixed,
    /// Renewed ARR booked in the month.
    pub renewal: Fixed,
}

/// One customer's movement in a month from `prev` (ARR at the start, at this month's booking
/// rate) to `cell`, with `blip` its highest ARR inside the month when both ends are zero;
/// `was_active` when it had ARR before the month began (a return is a reactivation).
#[inline]
pub(crate) fn movement(prev: Fixed, cell: Cell, blip: Fixed, was_active: bool) -> Flows {
    let mut m = Flows { renewal: cell.renewal, ..Flows::default() };
    let now = cell.arr;
    // ARR is never negative, so "positive" is "not zero", and one comparison orders the rest.
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

/// Move a `(total ARR, active customers)` level from one customer's `old` ARR to its `new`.
pub(crate) fn adjust_level(level: &mut (Fixed, u64), old: Fixed, new: Fixed) {
    shift_level(level, old, new, new - old);
}

/// [`adjust_level`] with `new − old` known already.
fn shift_level(level: &mut (Fixed, u64), old: Fixed, new: Fixed, by: Fixed) {
    level.0 += by;
    // ARR is never negative: "active" is "not zero", a test of bits instead of a comparison
    level.1 = level.1 + u64::from(!new.is_zero()) - u64::from(!old.is_zero());
}

/// One subscription: its history in order, and its ARR over time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SubRow {
    /// The customer's index in the book.
    pub customer: usize,
    pub id: Id,
    pub events: Vec<Entry>,
    /// The hash of each event's id ([`hash_of`]), beside `events`: finding an event by its id
    /// scans 8 bytes an event instead of whole entries, and compares one id.
    hashes: Vec<u64>,
    /// The order key (date, sequence, kind) of the last of `events`: an event that comes
    /// after all others (nearly every one) is known to without reading the history.
    last: Option<(NaiveDate, u64, u8)>,
    pub timeline: SubTimeline,
}

/// The order key of an entry, before its id: see [`Entry::order`].
fn key_of(e: &Entry) -> (NaiveDate, u64, u8) {
    (e.date, e.sequence, e.kind.rank())
}

impl SubRow {
    /// A subscription of customer `customer` holding `events` (in order).
    pub fn new(customer: usize, id: Id, events: Vec<Entry>, timeline: SubTimeline) -> SubRow {
        let mut hashes = Vec::with_capacity(events.capacity());
        hashes.extend(events.iter().map(|e| hash_of(e.id.as_str())));
        let last = events.last().map(key_of);
        SubRow { customer, id, events, hashes, last, timeline }
    }

    /// The event `id`, if the subscription holds it.
    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.find_hashed(id, hash_of(id))
    }

    /// [`SubRow::find`] with the id's hash known.
    pub fn find_hashed(&self, id: &str, hash: u64) -> Option<&Entry> {
        let mut at = self.hashes.len();
        while let Some(i) = self.hashes[..at].iter().rposition(|&h| h == hash) {
            if self.events[i].id.is(id) {
                return Some(&self.events[i]);
            }
            at = i;
        }
        None
    }

    /// The day whose rate books a change point on `date` set by the event at index `cause`:
    /// the event's own rate day, or the point's date for an effect it scheduled (a trial end, a
    /// cancellation at period end), which takes effect on a day of its own.
    pub fn rate_day(&self, date: NaiveDate, cause: u32, ctx: &Context) -> NaiveDate {
        match (self.events.get(cause as usize), ctx.policy.fx_rate_date) {
            (Some(e), _) if e.date == date => e.rate_day(&ctx.policy),
            (_, FxRateDate::Fixed(d)) => d,
            _ => date, // a scheduled effect has no transaction of its own
        }
    }

    /// Add one event to the subscription, returning where it went. One after all others extends
    /// the timeline without a replay; one inside the history is inserted in place and replayed
    /// from the checkpoint before it. On an error the row is as it was.
    fn record(&mut self, entry: Entry, who: Owner<'_>, ctx: &Context) -> Result<usize, ArrError> {
        let hash = hash_of(entry.id.as_str());
        let (events, timeline) = (&mut self.events, &mut self.timeline);
        let key = key_of(&entry);
        let after_all = match self.last.map(|last| last.cmp(&key)) {
            None | Some(std::cmp::Ordering::Less) => true,
            Some(std::cmp::Ordering::Greater) => false,
            // the same date, sequence and kind: the ids decide, as in `Entry::order`
            Some(std::cmp::Ordering::Equal) => events.last().is_none_or(|last| last.order(&entry).is_lt()),
        };
        if after_all {
            // the timeline checks the event before it changes anything
            timeline.extend(&entry, who, ctx)?;
            events.push(entry);
            self.hashes.push(hash);
            self.last = Some(key);
            return Ok(events.len() - 1);
        }
        let at = position(events, &entry);
        events.insert(at, entry);
        if let Err(e) = timeline.replay_from(events, at, who, ctx) {
            events.remove(at);
            timeline.replay_from(events, at, who, ctx)?;
            return Err(e);
        }
        self.hashes.insert(at, hash);
        self.last = events.last().map(key_of);
        Ok(at)
    }

    /// Take back the event recorded at `at` and those recorded after it at `more` (each where
    /// it went, in the order they were recorded), last first.
    fn unrecord(&mut self, at: usize, more: &[usize], who: Owner<'_>, ctx: &Context) -> Result<(), ArrError> {
        for &k in more.iter().rev().chain([&at]) {
            self.events.remove(k);
            self.hashes.remove(k);
        }
        self.last = self.events.last().map(key_of);
        let from = more.iter().fold(at, |from, &k| from.min(k));
        self.timeline.replay_from(&self.events, from, who, ctx)
    }
}

/// One subscription's part in its customer's months from some month on: what an update takes
/// out of a customer billed in the reporting currency before the subscription changes, and puts
/// back after.
#[derive(Debug, Default, Clone)]
pub(crate) struct Share {
    /// ARR before the first month, when the share starts there.
    opening: Fixed,
    /// ARR at each month end.
    ends: Vec<Fixed>,
    /// Renewed ARR, by month (counted from the share's first).
    renewals: Vec<(usize, Fixed)>,
    first_active: Option<NaiveDate>,
}

impl Share {
    /// Read `t`'s share of the months from `from` (and of the opening when `from` is 0).
    fn read(&mut self, t: &SubTimeline, book: &ArrBook, from: usize) {
        let ends = book.ends.get(from..).unwrap_or_default();
        self.opening = if from == 0 { t.value_before(book.periods[0].start()) } else { Fixed::ZERO };
        self.ends.clear();
        self.ends.extend(t.at_ends(ends).map(|p| p.map_or(Fixed::ZERO, |p| p.native)));
        self.renewals.clear();
        if let Some(start) = book.periods.get(from).map(|p| p.start()) {
            self.renewals.extend(t.renewals_in(start, ends).map(|(k, arr, _)| (k, arr)));
        }
        self.first_active = t.first_active();
    }
}

/// What resampling a customer from some month on found, before it is committed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Resampled {
    cells: Vec<Cell>,
    currency: Option<Currency>,
    first_active: Option<NaiveDate>,
    /// Booked and native ARR before the first month, and the rate (when resampled from 0).
    opening: (Fixed, Fixed, (NaiveDate, Decimal)),
    foreign: bool,
    native: Vec<Fixed>,
    rates: Vec<(NaiveDate, Decimal)>,
    rebooked: Vec<Fixed>,
    blips: Vec<Fixed>,
    /// Rates read from the caller's source.
    fetched: Vec<(Currency, NaiveDate, Decimal)>,
    /// Every rate day the resampled figures use, with the month that uses it (0 for the
    /// opening), repeats and all.
    used: Vec<(NaiveDate, usize)>,
}

impl Resampled {
    /// The rate read from the caller's source for `currency` on `day`, if it was.
    fn fetched(&self, currency: Currency, day: NaiveDate) -> Option<Decimal> {
        self.fetched.iter().find(|f| (f.0, f.1) == (currency, day)).map(|f| f.2)
    }
}

/// Buffers an update works in.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scratch {
    /// The customer's cells, and blips, before the update (from its first touched month).
    cells: Vec<Cell>,
    blips: Vec<Fixed>,
    /// The customer's movements before the update (from its first touched month).
    flows: Vec<Flows>,
    /// The updated subscription's share before and after the update.
    before: Share,
    after: Share,
    resampled: Resampled,
}

/// ARR of a customer billed in another currency than the book's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Foreign {
    /// Its ARR before the first month, in its own currency, and the rate that booked it.
    pub opening_native: Fixed,
    pub opening_rate: (NaiveDate, Decimal),
    /// Its ARR at each month end in its own currency.
    pub native: Vec<Fixed>,
    /// The rate (and its day) that books each month end: the rate of the customer's latest
    /// change on or before it.
    pub rate: Vec<(NaiveDate, Decimal)>,
    /// The month before's ARR, re-valued at each month's rate: the difference from what was
    /// booked is the month's FX.
    pub rebooked: Vec<Fixed>,
    /// The rate days its figures use (month ends, renewals, the opening), each once, by day,
    /// with the first month that uses it (0 for the opening): what the book's rate table counts.
    pub days: Vec<(NaiveDate, usize)>,
}

/// A rate the book booked foreign ARR at, and how many customers' figures use it. A rate no
/// figure uses any more (its change was undone) is released, as a rebuild would never read it:
/// the book then writes, merges and books that day as a rebuild does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RateInUse {
    pub rate: Decimal,
    pub customers: u32,
}

/// The rate for a month end with no change before it: nothing is booked.
const NO_RATE: (NaiveDate, Decimal) = (NaiveDate::MIN, Decimal::ONE);

impl Foreign {
    fn empty(n: usize) -> Foreign {
        Foreign {
            opening_native: Fixed::ZERO,
            opening_rate: NO_RATE,
            native: vec![Fixed::ZERO; n],
            rate: vec![NO_RATE; n],
            rebooked: vec![Fixed::ZERO; n],
            days: Vec::new(),
        }
    }
}

/// One customer's ARR at each month end.
#[derive(Debug, Clone)]
pub(crate) struct CustomerRow {
    pub id: Id,
    pub currency: Option<Currency>,
    /// `(subscription id, index into the book's subscriptions)`.
    pub subs: SubscriptionIds,
    /// Booked ARR before the first month.
    pub opening: Fixed,
    /// For a customer billed in another currency than the book's.
    pub foreign: Option<Box<Foreign>>,
    /// Highest ARR inside each month whose ends were both zero; empty unless the policy shows
    /// same-month new and churn.
    pub blips: Vec<Fixed>,
    /// First day with ARR, if any.
    pub first_active: Option<NaiveDate>,
}

impl CustomerRow {
    /// The same-month blip in month `k` (zero unless the policy shows them).
    pub fn blip(&self, k: usize) -> Fixed {
        self.blips.get(k).copied().unwrap_or_default()
    }

    /// ARR in the customer's own currency before the first month (`None`) or at the end of
    /// month `k`, given its `cells`.
    pub fn native_at(&self, cells: &[Cell], k: Option<usize>) -> Fixed {
        match (&self.foreign, k) {
            (Some(f), None) => f.opening_native,
            (Some(f), Some(k)) => f.native.get(k).copied().unwrap_or_default(),
            (None, None) => self.opening,
            (None, Some(k)) => cells.get(k).map_or(Fixed::ZERO, |c| c.arr),
        }
    }

    /// Replace one subscription's share of months `from..` (`before`) with `after`. The sums
    /// are exact, so the cells end as a resample of every subscription would leave them.
    fn replace_share(&mut self, cells: &mut [Cell], before: &Share, after: &Share, from: usize) {
        if from == 0 {
            self.opening += after.opening - before.opening;
        }
        let cells = cells.get_mut(from..).unwrap_or_default();
        for ((cell, was), now) in cells.iter_mut().zip(&before.ends).zip(&after.ends) {
            cell.arr += *now - *was;
        }
        for &(k, arr) in &before.renewals {
            cells[k].renewal -= arr;
        }
        for &(k, arr) in &after.renewals {
            cells[k].renewal += arr;
        }
    }
}

/// The rate `from → to` on `day` from the caller's source, checked to be a quote for that pair.
fn fetch<R: FxRates + ?Sized>(
    rates: &R,
    from: Currency,
    to: Currency,
    day: NaiveDate,
    customer: &str,
) -> Result<Decimal, ArrError> {
    let q = rates.rate(from, to, day).map_err(|source| ArrError::Fx {
        customer: customer.into(),
        from,
        to,
        on: day,
        source: Box::new(source),
    })?;
    if q.from() != from || q.to() != to {
        return Err(ArrError::RateForOtherPair { asked_from: from, asked_to: to, got_from: q.from(), got_to: q.to() });
    }
    Ok(q.rate())
}

impl ArrBook {
    /// The customer `id`, added if new, with its first subscription if it has one.
    pub(crate) fn customer_index(&mut self, id: &str) -> Result<(usize, Option<usize>), ArrError> {
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
            foreign: None,
            blips: Vec::new(),
            first_active: None,
        });
        self.cells.resize(self.cells.len() + n, Cell::default());
        Ok((self.customers.len() - 1, None))
    }

    pub(crate) fn find_customer(&self, id: &str) -> Option<usize> {
        self.index.get(id, |c| &self.customers[c].id).map(|(c, _)| c)
    }

    /// Where customer `c`'s cells sit in `cells` (a range, so that a caller can borrow the cells
    /// mutably while it reads the book's other fields).
    pub(crate) fn cell_range(&self, c: usize) -> std::ops::Range<usize> {
        let n = self.periods.len();
        c * n..(c + 1) * n
    }

    /// Customer `c`'s cells, one per month.
    pub(crate) fn cells_of(&self, c: usize) -> &[Cell] {
        &self.cells[self.cell_range(c)]
    }

    /// Add one customer's ARR and activity to the month-end levels.
    pub(crate) fn add_levels(&mut self, c: usize) {
        let row = &self.customers[c];
        adjust_level(&mut self.opening, Fixed::ZERO, row.opening);
        let cells = &self.cells[self.cell_range(c)];
        for (level, cell) in self.closing.iter_mut().zip(cells) {
            adjust_level(level, Fixed::ZERO, cell.arr);
        }
    }

    /// One customer's movements in month `k`, taking its first active day to be `first_active`.
    pub(crate) fn contribution(&self, c: usize, k: usize, first_active: Option<NaiveDate>) -> Flows {
        let (row, cells) = (&self.customers[c], self.cells_of(c));
        let prev = if k == 0 { row.opening } else { cells[k - 1].arr };
        let rebooked = row.foreign.as_ref().map_or(prev, |f| f.rebooked[k]);
        let mut m =
            movement(rebooked, cells[k], row.blip(k), first_active.is_some_and(|f| f < self.periods[k].start()));
        m.fx = rebooked - prev;
        m
    }

    /// Resample customer `c`'s months `from..` from its subscriptions' timelines into `out`,
    /// reading foreign rates from `rates`. Changes nothing in the book.
    pub(crate) fn resample<R: FxRates + ?Sized>(
        &self,
        c: usize,
        from: usize,
        rates: &R,
        out: &mut Resampled,
    ) -> Result<(), ArrError> {
        let row = &self.customers[c];
        let mut currency: Option<Currency> = None;
        for (_, s) in row.subs.iter() {
            let sub = &self.subs[*s];
            let cur = sub.timeline.currency;
            match currency {
                Some(first) if first != cur => {
                    return Err(ArrError::MixedCurrencies {
                        id: sub.events.first().map_or("", |e| e.id.as_str()).into(),
                        customer: row.id.as_str().into(),
                        first,
                        second: cur,
                    })
                }
                _ => currency = Some(cur),
            }
        }
        let foreign = currency.filter(|&cur| cur != self.currency);
        let ends = &self.ends[from..];
        let m = ends.len();
        out.currency = currency;
        out.foreign = foreign.is_some();
        out.cells.clear();
        out.cells.resize(m, Cell::default());
        out.native.clear();
        out.native.resize(m, Fixed::ZERO);
        out.rates.clear();
        out.rebooked.clear();
        out.blips.clear();
        out.fetched.clear();
        out.used.clear();
        out.first_active = None;
        // the latest change at or before each month end, as (date, rate day)
        let mut latest: Vec<Option<(NaiveDate, NaiveDate)>> = Vec::new();
        if foreign.is_some() {
            latest.resize(m, None);
        }
        let first_day = self.periods[0].start();
        let mut opening_native = Fixed::ZERO;
        let mut opening_latest: Option<(NaiveDate, NaiveDate)> = None;
        for (_, s) in row.subs.iter() {
            let sub = &self.subs[*s];
            let t = &sub.timeline;
            if from == 0 {
                if let Some(p) = t.latest_before(first_day) {
                    opening_native += p.native;
                    if foreign.is_some() {
                        opening_latest = opening_latest.max(Some((p.date, sub.rate_day(p.date, p.cause, &self.ctx))));
                    }
                }
            }
            for (j, p) in t.at_ends(ends).enumerate() {
                let Some(p) = p else { continue };
                // a cancelled subscription adds nothing: skip the adds
                if !p.native.is_zero() {
                    out.native[j] += p.native;
                }
                if let Some(l) = latest.get_mut(j) {
                    *l = (*l).max(Some((p.date, sub.rate_day(p.date, p.cause, &self.ctx))));
                }
            }
            if let Some(d) = t.first_active() {
                out.first_active = Some(out.first_active.map_or(d, |f| f.min(d)));
            }
        }
        let (scale, own_scale) = (arr_scale(self.currency), currency.map_or(arr_scale(self.currency), arr_scale));
        let name = row.id.as_str();
        let mut last_rate: Option<(NaiveDate, Decimal)> = None;
        let mut rate_on = |day: NaiveDate, month: usize, out: &mut Resampled| -> Result<Decimal, ArrError> {
            let Some(cur) = foreign else { return Ok(Decimal::ONE) };
            out.used.push((day, month));
            if let Some((_, r)) = last_rate.filter(|(d, _)| *d == day) {
                return Ok(r);
            }
            // one rate a currency and day: a day the book has booked keeps its rate, whatever
            // the source says now, so that every customer of that day agrees (and the book, kept
            // as its events and booked rates, reads back as it is); and a day this customer's
            // figures asked for before (a month end's day, then a renewal on it) is not asked
            // for again, from a source whose quote may have moved since
            let r = match self.rates.get(&(cur, day)) {
                Some(booked) => booked.rate,
                None => match out.fetched(cur, day) {
                    Some(r) => r,
                    None => {
                        let r = fetch(rates, cur, self.currency, day, name)?;
                        out.fetched.push((cur, day, r));
                        r
                    }
                },
            };
            last_rate = Some((day, r));
            Ok(r)
        };
        let book = |native: Fixed, rate: Decimal, month: Option<usize>| -> Result<Fixed, ArrError> {
            let month_of =
                |k: Option<usize>| k.map_or(self.first.checked_add(-1).unwrap_or(self.first), |k| self.month_of(k));
            match convert(native, own_scale, rate, scale) {
                Some(x) if !exceeds_ten_to(x, MAX_CONVERTED_DIGITS, scale) => Ok(x),
                _ => Err(ArrError::ArrTooLarge {
                    customer: name.into(),
                    month: month_of(month),
                    arr: Money::new(
                        reported(native, own_scale).checked_mul(rate).unwrap_or(Decimal::MAX),
                        self.currency,
                    )
                    .round(),
                }),
            }
        };
        if from == 0 {
            let rate = match opening_latest {
                Some((_, day)) => (day, rate_on(day, 0, out)?),
                None => NO_RATE,
            };
            out.opening = (book(opening_native, rate.1, None)?, opening_native, rate);
        }
        if foreign.is_some() {
            let mut prev = match from.checked_sub(1) {
                None => opening_native,
                Some(k) => row.native_at(self.cells_of(c), Some(k)),
            };
            for (j, latest) in latest.iter().enumerate() {
                let rate = match *latest {
                    Some((_, day)) => (day, rate_on(day, from + j, out)?),
                    None => NO_RATE,
                };
                out.rates.push(rate);
                out.cells[j].arr = book(out.native[j], rate.1, Some(from + j))?;
                out.rebooked.push(book(prev, rate.1, Some(from + j))?);
                prev = out.native[j];
            }
        } else {
            for (j, (cell, native)) in out.cells.iter_mut().zip(&out.native).enumerate() {
                // the customer's limit, as for a converted one (rate 1 books `native` unchanged)
                cell.arr = if exceeds_ten_to(*native, MAX_CONVERTED_DIGITS, scale) {
                    book(*native, Decimal::ONE, Some(from + j))?
                } else {
                    *native
                };
            }
        }
        // renewals, each at the rate of its own day
        if let Some(start) = self.periods.get(from).map(|p| p.start()) {
            for (_, s) in row.subs.iter() {
                let sub = &self.subs[*s];
                for (j, arr, cause) in sub.timeline.renewals_in(start, ends) {
                    let rate = match foreign {
                        Some(_) => {
                            let day = sub.events.get(cause as usize).map_or(start, |e| e.rate_day(&self.ctx.policy));
                            rate_on(day, from + j, out)?
                        }
                        None => Decimal::ONE,
                    };
                    let booked = book(arr, rate, Some(from + j))?;
                    out.cells[j].renewal += booked;
                }
            }
        }
        if self.policy.same_period == SamePeriodNewAndChurn::ShowBoth {
            out.blips.resize(m, Fixed::ZERO);
            let mut prev = match from.checked_sub(1) {
                None => out.opening.0,
                Some(k) => self.cells_of(c)[k].arr,
            };
            for j in 0..m {
                if prev.is_zero() && out.cells[j].arr.is_zero() {
                    let p = self.periods[from + j];
                    let timelines: Vec<&SubTimeline> = row.subs.iter().map(|(_, s)| &self.subs[*s].timeline).collect();
                    let dates =
                        timelines.iter().flat_map(|t| t.all_points().map(|x| x.date)).filter(|d| p.contains(*d));
                    let peak = dates
                        .map(|d| timelines.iter().map(|t| t.value_before(d.succ_opt().unwrap_or(d))).sum())
                        .max()
                        .unwrap_or(Fixed::ZERO);
                    let rate = out.rates.get(j).map_or(Decimal::ONE, |r| r.1);
                    out.blips[j] = book(peak, rate, Some(from + j))?;
                }
                prev = out.cells[j].arr;
            }
        }
        Ok(())
    }

    /// Write what [`ArrBook::resample`] found for customer `c` from month `from`.
    pub(crate) fn commit(&mut self, c: usize, from: usize, out: &Resampled) {
        let n = self.periods.len();
        let range = self.cell_range(c);
        self.cells[range][from..].copy_from_slice(&out.cells);
        let row = &mut self.customers[c];
        row.currency = out.currency;
        row.first_active = out.first_active;
        if from == 0 {
            row.opening = out.opening.0;
        }
        let was = row.foreign.as_mut().map(|f| std::mem::take(&mut f.days)).unwrap_or_default();
        if out.foreign {
            let f = row.foreign.get_or_insert_with(|| Box::new(Foreign::empty(n)));
            if from == 0 {
                (f.opening_native, f.opening_rate) = (out.opening.1, out.opening.2);
            }
            f.native[from..].copy_from_slice(&out.native);
            f.rate[from..].copy_from_slice(&out.rates);
            f.rebooked[from..].copy_from_slice(&out.rebooked);
            // the months before `from` are as they were, and so are the days they use
            f.days.extend(was.iter().filter(|&&(_, first)| first < from));
            for &(day, month) in &out.used {
                match f.days.binary_search_by_key(&day, |&(d, _)| d) {
                    Ok(i) => f.days[i].1 = f.days[i].1.min(month),
                    Err(i) => f.days.insert(i, (day, month)),
                }
            }
        } else {
            row.foreign = None;
        }
        // count the customer in for the days it now uses and out of the days it no longer does
        // (a customer in the reporting currency uses none)
        if let Some(cur) = out.currency {
            let now = row.foreign.as_ref().map_or(&[][..], |f| &f.days);
            let uses = |list: &[(NaiveDate, usize)], day| list.binary_search_by_key(&day, |&(d, _)| d).is_ok();
            for &(day, _) in was.iter().filter(|&&(day, _)| !uses(now, day)) {
                if let std::collections::btree_map::Entry::Occupied(mut e) = self.rates.entry((cur, day)) {
                    e.get_mut().customers -= 1;
                    if e.get().customers == 0 {
                        e.remove();
                    }
                }
            }
            for &(day, _) in now.iter().filter(|&&(day, _)| !uses(&was, day)) {
                match self.rates.get_mut(&(cur, day)) {
                    Some(booked) => booked.customers += 1,
                    None => {
                        if let Some(rate) = out.fetched(cur, day) {
                            self.rates.insert((cur, day), RateInUse { rate, customers: 1 });
                        }
                    }
                }
            }
        }
        if self.policy.same_period == SamePeriodNewAndChurn::ShowBoth {
            row.blips.resize(n, Fixed::ZERO);
            row.blips[from..].copy_from_slice(&out.blips);
        }
    }

    /// Add one event, and the held events it `released` (of its subscription, after it in
    /// order), and update the book: see [`ArrBook::apply`]. Returns the subscription that holds
    /// them. On an error the book is as it was.
    pub(crate) fn apply_in<R: FxRates + ?Sized>(
        &mut self,
        event: &SubscriptionEvent,
        released: &[Entry],
        found: Option<(usize, Option<usize>)>,
        rates: &R,
        scratch: &mut Scratch,
    ) -> Result<usize, ArrError> {
        let n = self.periods.len();
        let first_touched = self.ends.partition_point(|&end| end <= event.date);
        // `found` is what the customer index said of the event's customer (`None`: a new one)
        let (c, first_subscription) = match found {
            Some(found) => found,
            None => self.customer_index(&event.customer)?,
        };
        // What the customer looked like in the months an update rewrites, taken first: the
        // cells' address follows from `c` alone, so their memory arrives while the customer's
        // row and the subscription are read.
        let Scratch { cells: old, blips: old_blips, flows: old_flows, before, after, resampled } = scratch;
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
        let priced = event.kind.price().map(Money::currency);
        // (a price in another currency than its own subscription's is that subscription's to
        // refuse, below, before anything changes: as `build` refuses it)
        let own = existing.map(|s| self.subs[s].timeline.currency);
        // (an event of a subscription the book has not started is held, whatever its currency:
        // which events a book holds must not depend on the order they came in)
        let starts = existing.is_some() || matches!(event.kind, EventKind::Start { .. });
        if let (Some(have), Some(cur), true) = (self.customers[c].currency, priced, starts) {
            if cur != have && own.is_none_or(|own| own == cur) {
                return Err(ArrError::MixedCurrencies {
                    id: event.id.clone(),
                    customer: event.customer.clone(),
                    first: have,
                    second: cur,
                });
            }
        }
        let row = &self.customers[c];
        let (before_first, old_opening) = (row.first_active, row.opening);
        let domestic = row.currency == Some(self.currency) && priced.is_none_or(|cur| cur == self.currency);
        let fast = existing.is_some()
            && released.is_empty()
            && domestic
            && self.policy.same_period != SamePeriodNewAndChurn::ShowBoth;
        old_blips.clear();
        old_blips.extend(row.blips.get(first_touched..).unwrap_or_default());
        old_flows.clear();
        if !fast {
            for k in first_touched..n {
                old_flows.push(self.contribution(c, k, before_first));
            }
        }
        let subscription = &event.subscription;
        let who = Owner { customer: &event.customer, subscription };
        let (s, recorded) = match existing {
            Some(s) => {
                if fast {
                    before.read(&self.subs[s].timeline, self, first_touched);
                }
                let ctx = self.ctx;
                let at = self.subs[s].record(Entry::new(event), who, &ctx)?;
                // (no allocation for an event that released nothing: nearly every one)
                let mut more = Vec::new();
                for entry in released {
                    match self.subs[s].record(entry.clone(), who, &ctx) {
                        Ok(at) => more.push(at),
                        Err(e) => {
                            self.subs[s].unrecord(at, &more, who, &ctx)?;
                            return Err(e);
                        }
                    }
                }
                (s, Some((at, more)))
            }
            None => {
                let mut events = vec![Entry::new(event)];
                events.extend_from_slice(released);
                let timeline = match SubTimeline::from_events(&events, who, &self.ctx) {
                    Ok(t) => t,
                    Err(e) => {
                        self.forget_if_empty(c, &event.customer);
                        return Err(e);
                    }
                };
                let s = self.subs.len();
                self.subs.push(SubRow::new(c, Id::new(subscription), events, timeline));
                self.customers[c].subs.push((Id::new(subscription), s));
                if self.customers[c].subs.len() == 1 {
                    self.index.set_first_subscription(&event.customer, c, s);
                }
                (s, None)
            }
        };
        if fast {
            after.read(&self.subs[s].timeline, self, first_touched);
        }
        // The customer's months are the sum of its subscriptions': when only this one's part
        // moved, and nothing that needs the others (its first active day, a same-month blip),
        // the difference is all the update adds, and the customer's other subscriptions are
        // not read.
        if fast && before.first_active == after.first_active && self.share_fits(c, before, after, first_touched) {
            let range = self.cell_range(c);
            self.customers[c].replace_share(&mut self.cells[range], before, after, first_touched);
            self.fold_fast(c, first_touched, before_first, old_opening, old, old_blips);
            return Ok(s);
        }
        let from = first_touched;
        if let Err(e) = self.resample(c, from, rates, resampled) {
            // take the event back: the book is as it was
            match recorded {
                Some((at, more)) => {
                    let ctx = self.ctx;
                    self.subs[s].unrecord(at, &more, who, &ctx)?;
                }
                None => {
                    self.subs.pop();
                    self.customers[c].subs.pop();
                    self.forget_if_empty(c, &event.customer);
                }
            }
            return Err(e);
        }
        self.commit(c, from, resampled);
        if fast {
            // a fast update whose first active day moved: its old movements were not taken
            for k in first_touched..n {
                old_flows.push(self.movement_from(old, old_blips, c, k, first_touched, old_opening, before_first));
            }
        }
        self.fold(c, first_touched, before_first, old_opening, old, old_flows);
        Ok(s)
    }

    /// Whether customer `c` stays within the per-customer limit with `after` in place of
    /// `before` from month `from`. When it would not, the update takes the full path, whose
    /// resample refuses it with the customer and month before anything changes.
    fn share_fits(&self, c: usize, before: &Share, after: &Share, from: usize) -> bool {
        let scale = arr_scale(self.currency);
        let fits = |was: Fixed, before: Fixed, after: Fixed| {
            !exceeds_ten_to(was - before + after, MAX_CONVERTED_DIGITS, scale)
        };
        let cells = self.cells_of(c).get(from..).unwrap_or_default();
        (from > 0 || fits(self.customers[c].opening, before.opening, after.opening))
            && cells.iter().zip(&before.ends).zip(&after.ends).all(|((cell, b), a)| fits(cell.arr, *b, *a))
    }

    /// A customer's movement in month `k` as it was before an update, from its old cells
    /// (`old`, from month `from`) and blips, in the reporting currency.
    #[allow(clippy::too_many_arguments)]
    fn movement_from(
        &self,
        old: &[Cell],
        old_blips: &[Fixed],
        c: usize,
        k: usize,
        from: usize,
        old_opening: Fixed,
        first_active: Option<NaiveDate>,
    ) -> Flows {
        let prev = match k.checked_sub(1) {
            None => old_opening,
            Some(j) if j < from => self.cells_of(c)[j].arr,
            Some(j) => old[j - from].arr,
        };
        let blip = old_blips.get(k - from).copied().unwrap_or_default();
        movement(prev, old[k - from], blip, first_active.is_some_and(|f| f < self.periods[k].start()))
    }

    /// Forget customer `c` when it has no subscription (it arrived with a refused event).
    fn forget_if_empty(&mut self, c: usize, id: &str) {
        if self.customers[c].subs.is_empty() && c + 1 == self.customers.len() {
            self.index.remove_last(id, c);
            self.customers.pop();
            self.cells.truncate(self.customers.len() * self.periods.len());
        }
    }

    /// Move the totals and levels from customer `c`'s old movements (`old_flows`, from month
    /// `from`) and cells to its new ones.
    fn fold(
        &mut self,
        c: usize,
        from: usize,
        before_first: Option<NaiveDate>,
        old_opening: Fixed,
        old: &[Cell],
        old_flows: &[Flows],
    ) {
        let n = self.periods.len();
        let row = &self.customers[c];
        if from == 0 {
            adjust_level(&mut self.opening, old_opening, row.opening);
        }
        let first_active = row.first_active;
        if first_active != before_first {
            // what counts as new versus reactivation may change everywhere: redo the early months
            for k in 0..from.min(n) {
                let (was, now) = (self.contribution(c, k, before_first), self.contribution(c, k, first_active));
                self.totals[k].sub(&was);
                self.totals[k].add(&now);
            }
        }
        for k in from..n {
            let now = self.contribution(c, k, first_active);
            let was = old_flows[k - from];
            if was != now {
                self.totals[k].sub(&was);
                self.totals[k].add(&now);
            }
            let (was_arr, arr) = (old[k - from].arr, self.cells_of(c)[k].arr);
            if was_arr != arr {
                adjust_level(&mut self.closing[k], was_arr, arr);
            }
        }
    }

    /// [`ArrBook::fold`] for a customer billed in the reporting currency whose update only
    /// replaced one subscription's share: only the difference reaches the totals, and most
    /// months after a change move the same before and after (nothing), and are skipped.
    fn fold_fast(
        &mut self,
        c: usize,
        first_touched: usize,
        before_first: Option<NaiveDate>,
        old_opening: Fixed,
        old: &[Cell],
        old_blips: &[Fixed],
    ) {
        let n = self.periods.len();
        let (row, cells) = (&self.customers[c], &self.cells[self.cell_range(c)]);
        if first_touched == 0 {
            adjust_level(&mut self.opening, old_opening, row.opening);
        }
        let (mut old_prev, mut new_prev) = match first_touched {
            0 => (old_opening, row.opening),
            k => (cells[k - 1].arr, cells[k - 1].arr), // untouched by the update
        };
        // How much the customer's ARR moved at the end of the month before (`new_prev −
        // old_prev`); where ARR is flat both before and after the update, it moved as much
        // again, without a subtraction.
        let mut moved = if first_touched == 0 { new_prev - old_prev } else { Fixed::ZERO };
        for (i, k) in (first_touched..n).enumerate() {
            let (was_cell, was_blip) = (old[i], old_blips.get(i).copied().unwrap_or_default());
            let (cell, blip) = (cells[k], row.blip(k));
            let flat = was_cell.arr == old_prev && cell.arr == new_prev;
            if !flat {
                moved = cell.arr - was_cell.arr;
            }
            let active = before_first.is_some_and(|f| f < self.periods[k].start());
            let same_renewals = was_cell.renewal == cell.renewal;
            // Skip a month whose movement is the same before and after without computing
            // either: one with the same inputs (a repeated or no-op event touches none), or one
            // flat both before and after with the same renewals and no blip (ARR moved since
            // the change, but nothing moves in the month itself).
            let same_inputs = moved.is_zero() && old_prev == new_prev && same_renewals && was_blip == blip;
            let quiet = flat && same_renewals && was_blip.is_zero() && blip.is_zero();
            if !(same_inputs || quiet) {
                let was = movement(old_prev, was_cell, was_blip, active);
                let now = movement(new_prev, cell, blip, active);
                if was != now {
                    self.totals[k].sub(&was);
                    self.totals[k].add(&now);
                }
            }
            if !moved.is_zero() {
                shift_level(&mut self.closing[k], was_cell.arr, cell.arr, moved);
            }
            (old_prev, new_prev) = (was_cell.arr, cell.arr);
        }
    }

    /// The month of index `k`.
    pub(crate) fn month_of(&self, k: usize) -> Month {
        self.first.checked_add(k as i32).unwrap_or(self.last)
    }
}
