//! A book as plain data: equality, serde, and merging books of disjoint customers.

use super::error::MergeProblem;
use super::{ArrBook, ArrError};

impl PartialEq for ArrBook {
    /// Two books are equal when they report the same: the same policy, currency and months,
    /// the same customers (in any order) with the same events and ARR at every month end, and
    /// the same totals. How they were made (built at once, applied one by one, merged) and the
    /// order of their customers do not matter.
    fn eq(&self, o: &ArrBook) -> bool {
        let same_frame = (self.policy, self.currency, self.first, self.last) == (o.policy, o.currency, o.first, o.last);
        let same_totals = self.totals == o.totals && self.closing == o.closing && self.opening == o.opening;
        let same_sizes = (self.customers.len(), self.subs.len(), self.events.len())
            == (o.customers.len(), o.subs.len(), o.events.len());
        same_frame
            && same_totals
            && same_sizes
            && self.held == o.held
            && self.customers.iter().enumerate().all(|(c, row)| {
                let Some(oc) = o.find_customer(row.id.as_str()) else { return false };
                let other = &o.customers[oc];
                (row.currency, row.opening, row.first_active) == (other.currency, other.opening, other.first_active)
                    && row.foreign == other.foreign
                    && row.blips == other.blips
                    && self.cells_of(c) == o.cells_of(oc)
                    && row.subs.len() == other.subs.len()
                    && row.subs.iter().all(|(id, s)| {
                        other.subs.find(id.as_str()).is_some_and(|os| {
                            let (a, b) = (&self.subs[*s], &o.subs[os]);
                            a.events == b.events && a.timeline.same_points(&b.timeline)
                        })
                    })
            })
    }
}

impl ArrBook {
    /// Merge `other`, a book of other customers, into this one: the result is the book built
    /// from both books' events. This is how a book too large for one machine is built on an
    /// engine that partitions data (Spark, DataFusion, Flink): partition the events by customer,
    /// build a book per partition, merge. Merging is associative, and costs a pass over
    /// `other`'s customers and events, not a rebuild.
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
    /// let (policy, rates) = (ArrPolicy::default(), InMemoryFxRates::new());
    /// let a = [Ev::start("e1", "a", "s", d(1, 5), usd("100"), Interval::Month)];
    /// let b = [Ev::start("e2", "b", "s", d(2, 9), usd("1200"), Interval::Year)];
    /// let mut book = ArrBook::build(&a, policy, Currency::USD, jan..=feb, &rates)?;
    /// book.merge(ArrBook::build(&b, policy, Currency::USD, jan..=feb, &rates)?)?;
    /// let all: Vec<Ev> = a.iter().chain(&b).cloned().collect();
    /// assert_eq!(book, ArrBook::build(&all, policy, Currency::USD, jan..=feb, &rates)?);
    /// // a customer in both books is refused
    /// assert!(book.clone().merge(ArrBook::build(&a, policy, Currency::USD, jan..=feb, &rates)?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::Merge`] when the books differ in policy, reporting currency or months, share
    /// a customer (one with only [held](ArrBook::held) events too) or an event id, or booked one
    /// currency on one day at different rates;
    /// [`ArrError::TooManyCustomers`]. On an error this book is as it was.
    pub fn merge(&mut self, other: ArrBook) -> Result<(), ArrError> {
        let differ = |what| Err(ArrError::Merge(MergeProblem::Differ(what)));
        if self.policy != other.policy {
            return differ("policies");
        }
        if self.currency != other.currency {
            return differ("reporting currencies");
        }
        if (self.first, self.last) != (other.first, other.last) {
            return differ("months");
        }
        // (a customer with only held events is a customer of its book too)
        let has = |book: &ArrBook, id: &str| book.find_customer(id).is_some() || book.held.has_customer(id);
        let theirs =
            other.customers.iter().map(|row| row.id.as_str()).chain(other.held.iter().map(|e| e.customer.as_str()));
        let ours = self.held.iter().map(|e| e.customer.as_str());
        if let Some(id) = theirs.filter(|id| has(self, id)).chain(ours.filter(|id| has(&other, id))).next() {
            return Err(ArrError::Merge(MergeProblem::SharedCustomer(id.into())));
        }
        let other_events = other.subs.iter().flat_map(|s| s.events.iter()).map(|e| e.id.as_str());
        if let Some(id) =
            other_events.chain(other.held.iter().map(|e| e.id.as_str())).find(|id| self.contains_event(id))
        {
            return Err(ArrError::Merge(MergeProblem::SharedEvent(id.into())));
        }
        for (&(currency, on), booked) in &other.rates {
            if self.rates.get(&(currency, on)).is_some_and(|r| r.rate != booked.rate) {
                return Err(ArrError::Merge(MergeProblem::RateConflict { currency, on }));
            }
        }
        if self.customers.len().saturating_add(other.customers.len()) > u32::MAX as usize {
            return Err(ArrError::TooManyCustomers);
        }
        let (c_off, s_off) = (self.customers.len(), self.subs.len());
        let ArrBook { customers, cells, subs, totals, closing, opening, rates, held, .. } = other;
        self.held.extend(held);
        for (i, mut row) in customers.into_iter().enumerate() {
            row.subs.shift(s_off);
            self.index.insert(row.id.as_str(), c_off + i);
            if let Some((_, s)) = row.subs.iter().next() {
                self.index.set_first_subscription(row.id.as_str(), c_off + i, *s);
            }
            self.customers.push(row);
        }
        self.cells.extend(cells);
        for (j, mut sub) in subs.into_iter().enumerate() {
            sub.customer += c_off;
            for e in &sub.events {
                self.events.insert(e.id.as_str(), s_off + j);
            }
            self.subs.push(sub);
        }
        for (t, o) in self.totals.iter_mut().zip(&totals) {
            t.add(o);
        }
        for (l, o) in self.closing.iter_mut().zip(&closing) {
            l.0 += o.0;
            l.1 += o.1;
        }
        self.opening.0 += opening.0;
        self.opening.1 += opening.1;
        for (key, booked) in rates {
            self.rates.entry(key).and_modify(|r| r.customers += booked.customers).or_insert(booked);
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
mod wire {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

    use crate::arr::{ArrBook, ArrPolicy, SubscriptionEvent};
    use crate::calendar::Month;
    use crate::money::{Currency, FxRate, FxRates, MoneyError};

    /// A book on the wire: what it was built from. A key it does not know is refused, not
    /// skipped: a misspelt `sequence` read as 0 would reorder a day's events.
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct BookRepr {
        policy: ArrPolicy,
        currency: Currency,
        first: Month,
        last: Month,
        events: Vec<SubscriptionEvent>,
        rates: Vec<BookedRate>,
    }

    /// A rate the book booked foreign ARR at.
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct BookedRate {
        currency: Currency,
        on: NaiveDate,
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        rate: Decimal,
    }

    /// The rates a serialised book carries, answering exactly for the days it booked.
    struct Booked {
        reporting: Currency,
        table: BTreeMap<(Currency, NaiveDate), Decimal>,
    }

    impl FxRates for Booked {
        fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
            match self.table.get(&(from, on)) {
                Some(&rate) if to == self.reporting => FxRate::new(from, to, rate, on),
                _ => Err(MoneyError::RateNotFound { from, to, on }),
            }
        }
    }

    impl Serialize for ArrBook {
        /// The book's policy, currency and months, every event it books (customer by customer,
        /// each subscription's in order) and then every event it holds (by id), and the rates
        /// it booked foreign ARR at.
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            BookRepr {
                policy: self.policy,
                currency: self.currency,
                first: self.first,
                last: self.last,
                events: self.all_events().chain(self.held.iter().cloned()).collect(),
                rates: self
                    .rates
                    .iter()
                    .map(|(&(currency, on), booked)| BookedRate { currency, on, rate: booked.rate })
                    .collect(),
            }
            .serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for ArrBook {
        /// Rebuilds the book from its events at its rates, so a book read back passes every
        /// check [`ArrBook::build`] makes.
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ArrBook, D::Error> {
            let r = BookRepr::deserialize(d)?;
            let mut table = BTreeMap::new();
            for x in &r.rates {
                // two rates for one day would leave the book's ARR to the order of the list
                if table.insert((x.currency, x.on), x.rate).is_some_and(|was| was != x.rate) {
                    return Err(D::Error::custom(format!("two rates for {} on {}", x.currency, x.on)));
                }
            }
            let rates = Booked { reporting: r.currency, table };
            ArrBook::build(&r.events, r.policy, r.currency, r.first..=r.last, &rates).map_err(D::Error::custom)
        }
    }
}
