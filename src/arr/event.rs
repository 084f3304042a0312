//! Subscription events: what a billing system says happened, and the rules the ledger reads
//! them by.

use std::fmt;
use std::str::FromStr;

use super::{ArrError, IntervalProblem};
use crate::money::{Money, Percent};
use chrono::NaiveDate;

/// A subscription event from the billing system.
///
/// # Identity
///
/// Every event carries the caller's `id` (a Stripe `evt_…`, a Chargebee event id, a row key):
/// webhook sources deliver events at least once, so the ledger remembers every id it applied.
/// Delivering an event again with the same id and the same content changes nothing
/// ([`Applied::Duplicate`](super::Applied)); the same id with other content is refused
/// ([`ArrError::ConflictingEvent`](super::ArrError)), in [`ArrBook::build`](super::ArrBook::build)
/// and in [`ArrBook::apply`](super::ArrBook::apply) alike. [`ArrBook::contains_event`](super::ArrBook::contains_event)
/// says whether the book holds an id.
///
/// # Order within a day
///
/// A subscription's events take effect in the order of `date`, then `sequence`: the caller's
/// record of the order the source wrote them in (a Unix timestamp in microseconds, a log offset,
/// a row number: anything that grows). So of two changes on one day the one recorded last
/// wins, as in Stripe, Chargebee and ChartMogul, and a cancel followed later that day by a
/// restart leaves the subscription running. Only events of one subscription on one date are
/// compared; the arrival order never matters, and events may arrive late or out of order.
/// A subscription's history begins at its first start, by date and sequence: an event of a
/// subscription the book holds no start for, or one dated before that start (an upgrade
/// delivered before the creation), is held, unbooked, and booked when a start dated before it
/// arrives ([`ArrBook::held`](super::ArrBook::held)), in [`ArrBook::build`](super::ArrBook::build)
/// and [`ArrBook::apply`](super::ArrBook::apply) alike.
/// Events of one day with the same `sequence` fall back to a fixed order by kind (start,
/// renew, change, discount end, discount start, resume, pause, cancel), then by `id`.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
/// use revops::calendar::Month;
/// use revops::money::InMemoryFxRates;
/// use revops::{Currency, Money};
///
/// let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let jan = Month::new(2026, 1)?;
/// let events = [
///     Ev::start("e1", "acme", "main", day(5), usd("100"), Interval::Month),
///     // two changes on the 20th: $1,200 a month recorded at 09:00, then $1,000 a year at 09:05
///     Ev::change("e3", "acme", "main", day(20), usd("1000"), Interval::Year).at(1_768_899_900),
///     Ev::change("e2", "acme", "main", day(20), usd("1200"), Interval::Month).at(1_768_899_600),
/// ];
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=jan, &InMemoryFxRates::new())?;
/// assert_eq!(book.arr_at(jan)?, usd("1000")); // the last recorded, not the larger
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SubscriptionEvent {
    /// The caller's id for this event, unique across the book.
    pub id: String,
    /// Customer (account) id.
    pub customer: String,
    /// Subscription id, unique within the customer.
    pub subscription: String,
    /// The date the event takes effect (service date).
    pub date: NaiveDate,
    /// Orders the subscription's events of one `date` as the source recorded them: the later
    /// recorded, the larger (a timestamp, a log offset). `0` when the source has no order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub sequence: u64,
    /// The date it was transacted, when different (used by [`FxRateDate::TransactionDate`](super::FxRateDate)).
    #[cfg_attr(feature = "serde", serde(default))]
    pub recorded_on: Option<NaiveDate>,
    /// What happened.
    pub kind: EventKind,
}

impl SubscriptionEvent {
    /// An event `id` of `customer`'s `subscription` on `date`, with sequence 0 (see
    /// [`SubscriptionEvent::at`]).
    pub fn new(id: &str, customer: &str, subscription: &str, date: NaiveDate, kind: EventKind) -> SubscriptionEvent {
        SubscriptionEvent {
            id: id.into(),
            customer: customer.into(),
            subscription: subscription.into(),
            date,
            sequence: 0,
            recorded_on: None,
            kind,
        }
    }

    /// The same event, recorded `sequence`-th by its source (see the type's docs on order).
    pub fn at(mut self, sequence: u64) -> SubscriptionEvent {
        self.sequence = sequence;
        self
    }

    /// The same event, transacted on `day`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{Interval, SubscriptionEvent};
    /// use revops::{Currency, Money};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// // a change effective on 1 March, agreed (and priced for FX) on 20 February
    /// let e = SubscriptionEvent::change("e9", "acme", "main", d(3, 1), Money::parse("150", Currency::EUR)?, Interval::Month)
    ///     .recorded_on(d(2, 20))
    ///     .at(42);
    /// assert_eq!((e.date, e.recorded_on, e.sequence), (d(3, 1), Some(d(2, 20)), 42));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recorded_on(mut self, day: NaiveDate) -> SubscriptionEvent {
        self.recorded_on = Some(day);
        self
    }

    /// A subscription starts at `price` per `interval` (no trial).
    pub fn start(
        id: &str,
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        price: Money,
        interval: Interval,
    ) -> SubscriptionEvent {
        Self::new(id, customer, subscription, date, EventKind::Start { price, interval, trial_until: None })
    }

    /// A price, plan or quantity change.
    pub fn change(
        id: &str,
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        price: Money,
        interval: Interval,
    ) -> SubscriptionEvent {
        Self::new(id, customer, subscription, date, EventKind::Change { price, interval })
    }

    /// A renewal at `price` per `interval`.
    pub fn renew(
        id: &str,
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        price: Money,
        interval: Interval,
    ) -> SubscriptionEvent {
        Self::new(id, customer, subscription, date, EventKind::Renew { price, interval })
    }

    /// A cancellation, paid through `paid_through` if known.
    pub fn cancel(
        id: &str,
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        paid_through: Option<NaiveDate>,
    ) -> SubscriptionEvent {
        Self::new(id, customer, subscription, date, EventKind::Cancel { paid_through })
    }
}

/// What happened to a subscription.
///
/// The rules below decide a subscription's ARR at every day; the book's movements are then
/// the differences between month ends (see [`Movements`](super::Movements)).
///
/// * **Start** begins a new contract: the price and interval it names, no discount, not
///   paused, in a trial until `trial_until` (under [`TrialPolicy::Exclude`](super::TrialPolicy)),
///   whatever an earlier contract of the same subscription had. A trial that is cancelled and
///   restarted as a paid subscription inside its trial window is therefore paid from the restart.
/// * **Change** and **Renew** set a new price; **Renew** also books the renewed ARR for
///   [`NewArrComposition`](super::NewArrComposition) when it renews a paid term (the
///   subscription had ARR the day before).
/// * **Cancel** with a `paid_through` date after the event's date ends the subscription on that
///   date under [`ChurnTiming::AtPeriodEnd`](super::ChurnTiming) (the default), else at once.
///   Until then the cancellation is *pending*, and a Start, Change or Renew dated before it
///   undoes it: the customer changed their mind. A second cancellation while one is pending
///   replaces it: the last one recorded says when the subscription ends, earlier or later.
///   Under [`ChurnTiming::AtCancellation`](super::ChurnTiming) the ARR is out from the
///   cancellation's date, but the cancellation can still be withdrawn the same way until
///   `paid_through`: a Change or Renew dated before it brings the contract back as it was
///   (its discount, pause and trial) from its own date, and another Cancel restates it. The
///   contract still runs under it: a Pause, Resume or discount event meanwhile happens to it,
///   booking nothing until the cancellation is withdrawn.
/// * Of two Renews of one subscription on one day, the last recorded is the day's renewal (the
///   ARR renewed counts it once), as the last change of a day is the day's price.
/// * When a subscription ends, whatever it had scheduled ends with it: the end of a trial
///   cancelled before it ran out, or a period end overtaken by an immediate cancellation,
///   never happens, so it books nothing (not even a new exchange rate).
/// * A **Change**, **Pause**, **Resume** or discount event on a subscription that has ended is
///   *ignored* (its fields are still checked). Billing systems send such events after a
///   cancellation (a discount that expires, a proration line), and refusing them would make one
///   harmless event fail a whole rebuild. Only a Start or a Renew brings an ended subscription
///   back, and either begins a fresh term: the discount, pause and trial of the contract that
///   ended do not carry over (a Renew of a running subscription keeps them).
/// * Events in a foreign currency are valued at the rate of their own date (see
///   [`FxRateDate`](super::FxRateDate)): a trial end, a discount starting or ending, a resume
///   are each booked at the rate of the day they take effect, and re-valuing what the customer
///   already had at a new rate is the FX line, never expansion or contraction. A day whose
///   events move no ARR (a coupon the policy ignores, a free trial's start, a pause and a
///   resume) books no rate.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent as Ev};
/// use revops::calendar::Month;
/// use revops::money::InMemoryFxRates;
/// use revops::{Currency, Money};
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let (jan, mar) = (Month::new(2026, 1)?, Month::new(2026, 3)?);
/// let events = [
///     Ev::start("e1", "acme", "main", day(1, 5), usd("100"), Interval::Month),
///     // cancelled in January, paid through March 5th ...
///     Ev::cancel("e2", "acme", "main", day(1, 20), Some(day(3, 5))),
///     // ... and an upgrade on February 10th undoes the cancellation
///     Ev::change("e3", "acme", "main", day(2, 10), usd("150"), Interval::Month),
///     // a trial, cancelled and restarted paid inside its window: paid from the restart
///     Ev::new("t1", "beta", "main", day(1, 3), EventKind::Start { price: usd("50"), interval: Interval::Month, trial_until: Some(day(2, 3)) }),
///     Ev::cancel("t2", "beta", "main", day(1, 8), None),
///     Ev::start("t3", "beta", "main", day(1, 12), usd("50"), Interval::Month),
///     // a change after an immediate cancellation is ignored: gamma stays at zero
///     Ev::start("g1", "gamma", "main", day(1, 3), usd("80"), Interval::Month),
///     Ev::cancel("g2", "gamma", "main", day(1, 9), None),
///     Ev::change("g3", "gamma", "main", day(2, 1), usd("90"), Interval::Month),
/// ];
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=mar, &InMemoryFxRates::new())?;
/// assert_eq!(book.customer_arr("acme", mar)?, Some(usd("1800")));
/// assert_eq!(book.customer_arr("beta", jan)?, Some(usd("600")));
/// assert_eq!(book.customer_arr("gamma", mar)?, Some(usd("0")));
///
/// // a paused subscription that ended, renewed in March: a fresh term, not paused
/// let renewed = [
///     Ev::start("d1", "delta", "main", day(1, 3), usd("80"), Interval::Month),
///     Ev::new("d2", "delta", "main", day(1, 6), EventKind::Pause),
///     Ev::cancel("d3", "delta", "main", day(1, 9), None),
///     Ev::renew("d4", "delta", "main", day(3, 2), usd("80"), Interval::Month),
///     // cancelled at the end of April, then at the end of May: the later cancellation stands
///     Ev::cancel("d5", "delta", "main", day(3, 10), Some(day(4, 30))),
///     Ev::cancel("d6", "delta", "main", day(3, 20), Some(day(5, 31))),
/// ];
/// let may = Month::new(2026, 5)?;
/// let book = ArrBook::build(&renewed, ArrPolicy::default(), Currency::USD, jan..=may, &InMemoryFxRates::new())?;
/// assert_eq!(book.customer_arr("delta", mar)?, Some(usd("960")));
/// assert_eq!(book.customer_arr("delta", Month::new(2026, 4)?)?, Some(usd("960")));
/// assert_eq!(book.customer_arr("delta", may)?, Some(usd("0")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum EventKind {
    /// A new subscription (or a new contract on one that ended): `price` per `interval`.
    Start {
        /// Price per interval.
        price: Money,
        /// Billing interval the price covers.
        interval: Interval,
        /// End of a free trial, if any (ARR starts then under the default trial policy).
        trial_until: Option<NaiveDate>,
    },
    /// A price, plan or quantity change.
    Change {
        /// New price per interval.
        price: Money,
        /// Its interval.
        interval: Interval,
    },
    /// A renewal, possibly at a new price.
    Renew {
        /// Price per interval for the new term.
        price: Money,
        /// Its interval.
        interval: Interval,
    },
    /// A cancellation. `paid_through` is the first day no longer paid for: under
    /// [`ChurnTiming::AtPeriodEnd`](super::ChurnTiming) the ARR stops then.
    Cancel {
        /// End of the paid period (exclusive), if known.
        paid_through: Option<NaiveDate>,
    },
    /// Service paused: ARR counts as zero until resumed.
    Pause,
    /// Service resumed.
    Resume,
    /// A discount starts.
    DiscountStart(MrrDiscount),
    /// The current discount ends.
    DiscountEnd,
}

impl EventKind {
    /// The price a Start, Change or Renew sets (the events that price a subscription).
    pub(crate) fn price(&self) -> Option<&Money> {
        match self {
            EventKind::Start { price, .. } | EventKind::Change { price, .. } | EventKind::Renew { price, .. } => {
                Some(price)
            }
            _ => None,
        }
    }

    /// Order among a subscription's events of one date with the same sequence.
    pub(crate) fn rank(&self) -> u8 {
        match self {
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
}

/// The billing interval a price covers, normalised to a year for ARR (and a month for MRR).
///
/// # Text form
///
/// `Display`, `FromStr` and serde share one form: `"month"`, `"quarter"`, `"year"` for the named
/// intervals and `"N months"` for [`Interval::Months`] (`"1 month"` for one). What is printed
/// parses back to the same value.
///
/// * Case and surrounding spaces do not matter (`" Month "`, `"3 MONTHS"`), so the derived
///   serde form of earlier releases (`"Month"`, `"Year"`, `{"Months": 24}`) still reads.
/// * A bare unit is the named interval; a count is always [`Interval::Months`]: `"12 months"`
///   and `"1 year"` are `Months(12)`, not `Year`, and `"1 month"` is `Months(1)`, not `Month`.
///   Each text then names one value, so `Display` round-trips (`Months(12)` prints
///   `"12 months"` and reads back as `Months(12)`). The ARR is the same either way, since both
///   cover twelve months; but the two are different values, and an event id redelivered with
///   the other one is a [conflicting event](super::ArrError::ConflictingEvent).
/// * Counts take `month`/`months`, `quarter`/`quarters` (×3) and `year`/`years` (×12).
/// * Zero, negative and past-`u32::MAX` counts are refused ([`IntervalProblem`]), as are
///   fractions, signs and units of days or weeks, which no whole number of months covers.
///   (`Months(0)`, which the book refuses too, prints `"0 months"` and does not read back.)
///
/// ```
/// use revops::arr::Interval;
///
/// assert_eq!("month".parse::<Interval>()?, Interval::Month);
/// assert_eq!("3 Months".parse::<Interval>()?, Interval::Months(3));
/// assert_eq!("2 years".parse::<Interval>()?, Interval::Months(24));
/// assert_eq!(Interval::Months(36).to_string(), "36 months");
/// assert_eq!(Interval::Quarter.to_string().parse::<Interval>()?, Interval::Quarter);
///
/// assert!("0 months".parse::<Interval>().is_err());
/// assert!("-1 month".parse::<Interval>().is_err());
/// assert!("2 weeks".parse::<Interval>().is_err());
/// # Ok::<(), revops::arr::ArrError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// One month.
    Month,
    /// Three months.
    Quarter,
    /// Twelve months.
    Year,
    /// Any number of months (24 or 36 for multi-year terms); zero is refused.
    Months(u32),
}

impl Interval {
    /// Months in the interval.
    pub fn months(self) -> u32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::Year => 12,
            Interval::Months(n) => n,
        }
    }
}

impl fmt::Display for Interval {
    /// `"month"`, `"quarter"`, `"year"`, `"1 month"`, `"36 months"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Interval::Month => f.pad("month"),
            Interval::Quarter => f.pad("quarter"),
            Interval::Year => f.pad("year"),
            Interval::Months(1) => f.pad("1 month"),
            Interval::Months(n) => f.pad(&format!("{n} months")),
        }
    }
}

impl FromStr for Interval {
    type Err = ArrError;

    /// `"month"`, `"quarter"`, `"year"`, or a count of them (`"3 months"`, `"2 years"`); see
    /// the type's docs for the rules.
    ///
    /// # Errors
    /// [`ArrError::InvalidInterval`] with the text and an [`IntervalProblem`].
    fn from_str(s: &str) -> Result<Interval, ArrError> {
        let refuse = |problem| ArrError::InvalidInterval { text: s.to_string(), problem };
        let text = s.trim().to_ascii_lowercase();
        match text.as_str() {
            "month" => return Ok(Interval::Month),
            "quarter" => return Ok(Interval::Quarter),
            "year" => return Ok(Interval::Year),
            _ => {}
        }
        let split = text.find(|c: char| !c.is_ascii_digit() && c != '-').unwrap_or(text.len());
        let (count, unit) = text.split_at(split);
        let per = match unit.trim_start() {
            "month" | "months" => 1,
            "quarter" | "quarters" => 3,
            "year" | "years" => 12,
            _ => return Err(refuse(IntervalProblem::Unrecognised)),
        };
        let digits = count.strip_prefix('-');
        if digits.unwrap_or(count).is_empty() || !digits.unwrap_or(count).bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse(IntervalProblem::Unrecognised));
        }
        if digits.is_some_and(|d| d.bytes().any(|b| b != b'0')) {
            return Err(refuse(IntervalProblem::Negative));
        }
        let count = digits.unwrap_or(count).trim_start_matches('0');
        if count.is_empty() {
            return Err(refuse(IntervalProblem::Zero));
        }
        let months = count.parse::<u32>().ok().and_then(|n| n.checked_mul(per));
        months.map(Interval::Months).ok_or_else(|| refuse(IntervalProblem::TooLarge))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Interval {
    /// `"month"`, `"36 months"`: as `Display` prints it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Interval {
    /// The text form (`"3 months"`), or the `{"Months": 3}` object of earlier releases; both
    /// refuse zero months.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Interval, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Interval;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"an interval as "month", "quarter", "year" or "3 months""#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Interval, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Interval, A::Error> {
                use serde::de::Error;
                let key = map.next_key::<std::borrow::Cow<'de, str>>()?;
                if key.as_deref() != Some("Months") {
                    return Err(A::Error::custom(r#"an interval object is {"Months": n}"#));
                }
                let n = map.next_value::<u32>()?;
                if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::custom(r#"an interval object is {"Months": n} alone"#));
                }
                if n == 0 {
                    let problem = IntervalProblem::Zero;
                    return Err(A::Error::custom(ArrError::InvalidInterval { text: "{\"Months\":0}".into(), problem }));
                }
                Ok(Interval::Months(n))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A discount on a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MrrDiscount {
    /// How much is taken off.
    pub off: DiscountOff,
    /// True for a coupon that applies forever; false for one that ends.
    pub forever: bool,
}

/// The size of a discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum DiscountOff {
    /// A share of the price, in `[0%, 100%]`.
    Percent(Percent),
    /// An amount off per billing interval.
    Amount(Money),
}
