//! The movement log (customer × month, with the events behind each movement) and bridges cut
//! by a caller's segment, both read from the book without a rebuild.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::bridge::{ExactBridge, Flows};
use super::engine::adjust_level;
use super::timeline::{Journal, Owner, SubTimeline};
use super::unit::arr_scale;
use super::{ArrBook, ArrBridge, ArrError};
use crate::calendar::Month;
use crate::money::{Currency, Fixed, Money};

/// The kind of a movement in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum MovementKind {
    /// A customer never active before.
    New,
    /// A customer who had left, back.
    Reactivation,
    /// More ARR from a customer who stays.
    Expansion,
    /// Less ARR from a customer who stays.
    Contraction,
    /// A customer gone.
    Churn,
    /// A foreign customer's ARR re-valued at a new booking rate.
    Fx,
}

/// One row of the movement log: what one customer's ARR did in one month, and which of its
/// events took effect that month, the row a finance team exports to explain a bridge line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MovementRow {
    /// Customer.
    pub customer: String,
    /// The month.
    pub month: Month,
    /// What kind of movement.
    pub kind: MovementKind,
    /// ARR in the reporting currency, exact (to 10⁻⁸ of the minor unit, "# Amounts" in
    /// [`ArrBook`](super::ArrBook)): positive for every kind but
    /// FX (contraction and churn are amounts that reduce ARR), signed for FX.
    pub amount: Money,
    /// Ids of the customer's events behind its changes in the month: for each change of a
    /// subscription's ARR in the month, every event of that subscription the rules took since
    /// its ARR changed before (or since it began), whatever month it is dated in, and each
    /// event whose scheduled effect came in that time (the start that began a trial that has
    /// ended, a cancellation whose paid period has run out); for a day that priced a
    /// subscription anew without moving its ARR (a renewal at the same price, which books a
    /// customer billed in another currency at a new rate: an FX movement), the events of that
    /// day and those whose scheduled effects fell on it (a cancellation whose paid period ended
    /// that morning, before a renewal restored the same ARR). So a price set while paused is
    /// named with the resume that shows it, a cancellation at period end with the end, and the
    /// events of days that moved no ARR (a coupon under `DiscountPolicy::Ignore`, a renewal at
    /// the same price) with the subscription's next change of ARR. An event the rules ignore
    /// (a change to a subscription that has ended) is never named. Each is named once, in the
    /// order of the events' dates and sequences (events of one day and sequence in two
    /// subscriptions in the order of the subscriptions' ids), however the book was made. (The log replays each subscription it names events of, once
    /// a call: ask for a range of months at once rather than month by month.)
    pub events: Vec<String>,
}

/// A customer as a segment function sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerView<'a> {
    /// The customer's id.
    pub id: &'a str,
    /// The currency it bills in (`None` before its first subscription).
    pub currency: Option<Currency>,
    /// The month of its first day with ARR (its cohort), if any.
    pub cohort: Option<Month>,
}

impl ArrBook {
    /// One customer's movements in the months `from` to `to` (inclusive), one row per kind
    /// and month with a non-zero amount; empty for a customer the book has not seen. Summed
    /// over every customer, the rows are the book's [`Movements`](super::Movements).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, MovementKind, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let (jan, mar) = (Month::new(2026, 1)?, Month::new(2026, 3)?);
    /// let events = [
    ///     Ev::start("evt_1", "acme", "main", d(1, 5), usd("100"), Interval::Month),
    ///     Ev::change("evt_2", "acme", "main", d(2, 3), usd("150"), Interval::Month),
    ///     // cancelled in February, paid through March 3rd: churn in March, caused by evt_3
    ///     Ev::cancel("evt_3", "acme", "main", d(2, 20), Some(d(3, 3))),
    /// ];
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=mar, &InMemoryFxRates::new())?;
    /// let log = book.customer_movements("acme", jan, mar)?;
    /// let rows: Vec<_> = log.iter().map(|r| (r.month.to_string(), r.kind, r.amount.to_string(), r.events.join(","))).collect();
    /// assert_eq!(rows, [
    ///     ("2026-01".to_string(), MovementKind::New, "USD 1,200.00".to_string(), "evt_1".to_string()),
    ///     ("2026-02".to_string(), MovementKind::Expansion, "USD 600.00".to_string(), "evt_2".to_string()),
    ///     ("2026-03".to_string(), MovementKind::Churn, "USD 1,800.00".to_string(), "evt_3".to_string()),
    /// ]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`] or [`ArrError::ReversedRange`].
    pub fn customer_movements(&self, customer: &str, from: Month, to: Month) -> Result<Vec<MovementRow>, ArrError> {
        let (a, b) = self.range(from, to)?;
        let mut rows = Vec::new();
        if let Some(c) = self.find_customer(customer) {
            self.log_customer(c, a, b, &mut rows);
        }
        Ok(rows)
    }

    /// Every customer's movements in the months `from` to `to` (inclusive), customer by
    /// customer in the order of their ids: see [`ArrBook::customer_movements`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, MovementKind, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let events = [
    ///     Ev::start("e1", "a", "s", d(1, 5), usd("100"), Interval::Month),
    ///     Ev::change("e2", "a", "s", d(2, 1), usd("150"), Interval::Month),
    ///     Ev::start("e3", "b", "s", d(2, 3), usd("50"), Interval::Month),
    /// ];
    /// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new())?;
    /// let log = book.movement_log(feb, feb)?;
    /// // February's bridge line by line: a's expansion and b's new ARR, each with its event
    /// assert_eq!(log.len(), 2);
    /// assert!(log.iter().any(|r| r.customer == "a" && r.kind == MovementKind::Expansion && r.amount == usd("600") && r.events == ["e2"]));
    /// assert!(log.iter().any(|r| r.customer == "b" && r.kind == MovementKind::New && r.amount == usd("600")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`] or [`ArrError::ReversedRange`].
    pub fn movement_log(&self, from: Month, to: Month) -> Result<Vec<MovementRow>, ArrError> {
        let (a, b) = self.range(from, to)?;
        let mut rows = Vec::new();
        for c in self.by_id() {
            self.log_customer(c, a, b, &mut rows);
        }
        Ok(rows)
    }

    fn log_customer(&self, c: usize, a: usize, b: usize, rows: &mut Vec<MovementRow>) {
        let row = &self.customers[c];
        // what the rules did with each of the customer's subscriptions, replayed once, when a
        // row first needs it
        let mut journals: Vec<Option<Journal>> = vec![None; row.subs.len()];
        for k in a..=b {
            let f = self.contribution(c, k, row.first_active);
            let kinds = [
                (MovementKind::New, f.new),
                (MovementKind::Reactivation, f.reactivation),
                (MovementKind::Expansion, f.expansion),
                (MovementKind::Contraction, f.contraction),
                (MovementKind::Churn, f.churn),
                (MovementKind::Fx, f.fx),
            ];
            if kinds.iter().all(|(_, x)| x.is_zero()) {
                continue;
            }
            let events = self.causes(c, k, &mut journals);
            for (kind, amount) in kinds.into_iter().filter(|(_, x)| !x.is_zero()) {
                rows.push(MovementRow {
                    customer: row.id.as_str().into(),
                    month: self.month_of(k),
                    kind,
                    amount: self.money(amount),
                    events: events.clone(),
                });
            }
        }
    }

    /// Ids of customer `c`'s events behind its changes in month `k` (see [`MovementRow::events`]),
    /// with `journals` what the rules did with each of its subscriptions, filled in as needed.
    fn causes(&self, c: usize, k: usize, journals: &mut [Option<Journal>]) -> Vec<String> {
        let period = self.periods[k];
        // (date, sequence, subscription id, subscription, position): events of one day and
        // sequence in two subscriptions are named in the order of the subscriptions' ids, not
        // of their arrival, so the row reads alike however the book was made
        let mut found: Vec<(NaiveDate, u64, &str, usize, usize)> = Vec::new();
        for ((_, s), journal) in self.customers[c].subs.iter().zip(journals.iter_mut()) {
            let sub = &self.subs[*s];
            let t = &sub.timeline;
            let points = t.partition(period.start())..t.partition(period.end());
            if points.is_empty() {
                continue;
            }
            let journal = journal.get_or_insert_with(|| {
                let who = Owner { customer: self.customers[c].id.as_str(), subscription: sub.id.as_str() };
                SubTimeline::journal(&sub.events, who, &self.ctx)
            });
            let mut name = |j: usize| found.push((sub.events[j].date, sub.events[j].sequence, sub.id.as_str(), *s, j));
            // A point that moved the subscription's ARR (not one that only priced it anew, a
            // renewal at the same price, which books an exchange rate): its window runs from
            // the subscription's change of ARR before.
            let moved = |i: usize| t.point(i).native != i.checked_sub(1).map_or(Fixed::ZERO, |k| t.point(k).native);
            let mut since = (0..points.start).rev().find(|&k| moved(k)).map(|k| t.point(k).date);
            for i in points {
                let day = t.point(i).date;
                // a change of ARR names what happened since the one before; a point that only
                // priced the subscription anew (behind an FX movement), the events of its day
                let from = if moved(i) { since } else { day.pred_opt() };
                // every event dated in the window that the rules took (not one they ignored)
                let lo = from.map_or(0, |prev| sub.events.partition_point(|e| e.date <= prev));
                let hi = sub.events.partition_point(|e| e.date <= day);
                for j in (lo..hi).filter(|&j| journal.taken.get(j).copied().unwrap_or(false)) {
                    name(j);
                }
                // and every event whose scheduled effect came in it (a trial's start, a
                // cancellation at period end); effects are journalled in date order
                let fired = &journal.fired;
                let first = from.map_or(0, |prev| fired.partition_point(|(d, _)| *d <= prev));
                for &(_, cause) in &fired[first..fired.partition_point(|(d, _)| *d <= day)] {
                    name(cause as usize);
                }
                if moved(i) {
                    since = Some(day);
                }
            }
        }
        found.sort_unstable();
        let mut named = std::collections::BTreeSet::new();
        found
            .into_iter()
            .filter(|&(_, _, _, s, j)| named.insert((s, j)))
            .map(|(_, _, _, s, j)| self.subs[s].events[j].id.as_str().to_string())
            .collect()
    }

    /// The bridge over the months `from` to `to` (inclusive) for each segment the caller's
    /// `segment` puts customers in (a plan, a region, a currency, a cohort), computed from the
    /// book as it stands. Every segment's bridge ties; their movements sum to the book's. Each
    /// segment's lines are rounded to the cent on their own, as the book's are, each within a
    /// cent of its exact amount, so the rounded lines of n segments can sum to up to n + 1
    /// cents from the book's (three $100 36-month terms are $33.33 of ARR each and $100.00
    /// together; half-cent amounts rounded half to even can reach the bound); sum the segments'
    /// [`Movements`](super::Movements), kept to 10⁻⁸ of a cent, where they must foot exactly. A
    /// customer is in one segment over the whole range.
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
    /// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
    /// let events = [
    ///     Ev::start("e1", "emea-1", "s", d(1, 5), usd("100"), Interval::Month),
    ///     Ev::start("e2", "amer-1", "s", d(1, 9), usd("1200"), Interval::Year),
    ///     Ev::change("e3", "emea-1", "s", d(2, 1), usd("150"), Interval::Month),
    /// ];
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new())?;
    /// let by_region = book.bridges_by(feb, feb, |c| c.id.split('-').next().unwrap_or("").to_string())?;
    /// assert_eq!(by_region["emea"].expansion, usd("600"));
    /// assert_eq!(by_region["amer"].closing, usd("1200"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`] or [`ArrError::ReversedRange`]; a money overflow.
    pub fn bridges_by<K: Ord, F: FnMut(&CustomerView<'_>) -> K>(
        &self,
        from: Month,
        to: Month,
        mut segment: F,
    ) -> Result<BTreeMap<K, ArrBridge>, ArrError> {
        let (a, b) = self.range(from, to)?;
        type Sums = (Flows, (Fixed, u64), (Fixed, u64));
        let mut sums: BTreeMap<K, Sums> = BTreeMap::new();
        for c in 0..self.customers.len() {
            let row = &self.customers[c];
            let view =
                CustomerView { id: row.id.as_str(), currency: row.currency, cohort: row.first_active.map(Month::of) };
            let (flows, opening, closing) = sums.entry(segment(&view)).or_default();
            for k in a..=b {
                flows.add(&self.contribution(c, k, row.first_active));
            }
            adjust_level(opening, Fixed::ZERO, self.customer_arr_at(c, a.checked_sub(1)));
            adjust_level(closing, Fixed::ZERO, self.customer_arr_at(c, Some(b)));
        }
        let scale = arr_scale(self.currency);
        let mut out = BTreeMap::new();
        for (key, (flows, opening, closing)) in sums {
            let bridge = ExactBridge {
                from,
                to,
                scale,
                opening: opening.0,
                closing: closing.0,
                flows,
                opening_customers: opening.1,
                closing_customers: closing.1,
            }
            .rounded(self.currency)?;
            out.insert(key, bridge);
        }
        Ok(out)
    }
}
