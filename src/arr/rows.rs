//! Subscription events in from flat rows: one row an event, a `kind` column and the columns
//! that kind reads, as a billing export or a spreadsheet has them.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ArrError, ColumnProblem, DiscountOff, EventKind, EventProblem, Interval, MrrDiscount, SubscriptionEvent};
use crate::money::{Currency, Money, Percent};
use crate::rows::RowError;

/// The kind of event an [`ArrEventRow`] holds, as its `kind` column spells it
/// (`"start"`, `"discount_start"` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EventKindName {
    /// [`EventKind::Start`]: needs `currency`, `price`, `interval`; reads `trial_until`.
    Start,
    /// [`EventKind::Change`]: needs `currency`, `price`, `interval`.
    Change,
    /// [`EventKind::Renew`]: needs `currency`, `price`, `interval`.
    Renew,
    /// [`EventKind::Cancel`]: reads `paid_through`.
    Cancel,
    /// [`EventKind::Pause`]: no further columns.
    Pause,
    /// [`EventKind::Resume`]: no further columns.
    Resume,
    /// [`EventKind::DiscountStart`]: needs `percent_off`, or `amount_off` with `currency`;
    /// reads `forever` (empty is `false`).
    DiscountStart,
    /// [`EventKind::DiscountEnd`]: no further columns.
    DiscountEnd,
}

impl EventKindName {
    /// The name as the `kind` column spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKindName::Start => "start",
            EventKindName::Change => "change",
            EventKindName::Renew => "renew",
            EventKindName::Cancel => "cancel",
            EventKindName::Pause => "pause",
            EventKindName::Resume => "resume",
            EventKindName::DiscountStart => "discount_start",
            EventKindName::DiscountEnd => "discount_end",
        }
    }

    /// The name of `kind`.
    pub fn of(kind: &EventKind) -> EventKindName {
        match kind {
            EventKind::Start { .. } => EventKindName::Start,
            EventKind::Change { .. } => EventKindName::Change,
            EventKind::Renew { .. } => EventKindName::Renew,
            EventKind::Cancel { .. } => EventKindName::Cancel,
            EventKind::Pause => EventKindName::Pause,
            EventKind::Resume => EventKindName::Resume,
            EventKind::DiscountStart(_) => EventKindName::DiscountStart,
            EventKind::DiscountEnd => EventKindName::DiscountEnd,
        }
    }
}

impl fmt::Display for EventKindName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One subscription event as a flat row, for CSV or JSON: the event's identity, its `kind`,
/// and optional columns of which each kind needs some (see [`EventKindName`]).
///
/// | kind | needs | may have |
/// |---|---|---|
/// | `start` | `currency`, `price`, `interval` | `trial_until` |
/// | `change`, `renew` | `currency`, `price`, `interval` | |
/// | `cancel` | | `paid_through` |
/// | `pause`, `resume`, `discount_end` | | |
/// | `discount_start` | `percent_off`, or `amount_off` and `currency` | `forever` |
///
/// Every kind may have `sequence` (empty is 0) and `recorded_on`. A column the kind needs that
/// is empty, and a column with a value the kind does not read, are errors naming the row and
/// the column: a `paid_through` on a `start` row is a mistake in the export, not something to
/// drop. `price` and `amount_off` are decimals in `currency` (`"99.00"`), `interval` is
/// [`Interval`]'s text (`"month"`, `"3 months"`), `percent_off` is a percent (`"20%"`).
///
/// A CSV header for the `csv` crate's serde reader:
/// `id,customer,subscription,date,sequence,recorded_on,kind,currency,price,interval,trial_until,paid_through,percent_off,amount_off,forever`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ArrEventRow {
    /// The event's id (unique across the book).
    pub id: String,
    /// Customer.
    pub customer: String,
    /// Subscription.
    pub subscription: String,
    /// The date the event takes effect.
    pub date: NaiveDate,
    /// The source's order of events of one subscription and day; empty is 0.
    #[cfg_attr(feature = "serde", serde(default))]
    pub sequence: Option<u64>,
    /// The date it was transacted, when different.
    #[cfg_attr(feature = "serde", serde(default))]
    pub recorded_on: Option<NaiveDate>,
    /// What happened.
    pub kind: EventKindName,
    /// Currency of `price` or `amount_off`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub currency: Option<Currency>,
    /// Price per interval (start, change, renew).
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub price: Option<Decimal>,
    /// The interval the price covers (start, change, renew).
    #[cfg_attr(feature = "serde", serde(default))]
    pub interval: Option<Interval>,
    /// End of a free trial (start).
    #[cfg_attr(feature = "serde", serde(default))]
    pub trial_until: Option<NaiveDate>,
    /// End of the paid period, exclusive (cancel).
    #[cfg_attr(feature = "serde", serde(default))]
    pub paid_through: Option<NaiveDate>,
    /// A percent discount (discount_start).
    #[cfg_attr(feature = "serde", serde(default))]
    pub percent_off: Option<Percent>,
    /// An amount discount per interval, in `currency` (discount_start).
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub amount_off: Option<Decimal>,
    /// Whether the discount applies forever (discount_start); empty is `false`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub forever: Option<bool>,
}

impl From<&SubscriptionEvent> for ArrEventRow {
    /// The event as a row (a sequence of 0 as an empty column), so that
    /// [`events_from_rows`] gives the event back.
    fn from(e: &SubscriptionEvent) -> ArrEventRow {
        let mut row = ArrEventRow {
            id: e.id.clone(),
            customer: e.customer.clone(),
            subscription: e.subscription.clone(),
            date: e.date,
            sequence: (e.sequence != 0).then_some(e.sequence),
            recorded_on: e.recorded_on,
            kind: EventKindName::of(&e.kind),
            currency: None,
            price: None,
            interval: None,
            trial_until: None,
            paid_through: None,
            percent_off: None,
            amount_off: None,
            forever: None,
        };
        match &e.kind {
            EventKind::Start { price, interval, trial_until } => {
                row.set_price(price, *interval);
                row.trial_until = *trial_until;
            }
            EventKind::Change { price, interval } | EventKind::Renew { price, interval } => {
                row.set_price(price, *interval)
            }
            EventKind::Cancel { paid_through } => row.paid_through = *paid_through,
            EventKind::DiscountStart(d) => {
                match d.off {
                    DiscountOff::Percent(p) => row.percent_off = Some(p),
                    DiscountOff::Amount(m) => {
                        row.currency = Some(m.currency());
                        row.amount_off = Some(m.amount());
                    }
                }
                row.forever = Some(d.forever);
            }
            EventKind::Pause | EventKind::Resume | EventKind::DiscountEnd => {}
        }
        row
    }
}

impl ArrEventRow {
    fn set_price(&mut self, price: &Money, interval: Interval) {
        self.currency = Some(price.currency());
        self.price = Some(price.amount());
        self.interval = Some(interval);
    }

    /// The event this row holds, checked as [`events_from_rows`] checks it.
    ///
    /// ```
    /// use revops::arr::{ArrEventRow, EventKindName, Interval};
    /// use revops::{Currency, Money};
    /// let row = ArrEventRow {
    ///     id: "evt_1".into(), customer: "acme".into(), subscription: "main".into(),
    ///     date: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), sequence: None, recorded_on: None,
    ///     kind: EventKindName::Start, currency: Some(Currency::USD), price: Some("99.00".parse()?),
    ///     interval: Some(Interval::Month), trial_until: None, paid_through: None,
    ///     percent_off: None, amount_off: None, forever: None,
    /// };
    /// let event = row.to_event()?;
    /// assert_eq!(event.kind, revops::arr::EventKind::Start {
    ///     price: Money::parse("99.00", Currency::USD)?, interval: Interval::Month, trial_until: None,
    /// });
    ///
    /// let pause_with_a_price = ArrEventRow { kind: EventKindName::Pause, ..row };
    /// assert!(pause_with_a_price.to_event().is_err()); // "a pause row has no use for column \"currency\""
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`ArrError::Column`] for a column the kind needs that is empty or one with a value the
    /// kind does not read; [`ArrError::InvalidEvent`] for an empty id, customer or subscription,
    /// a negative price or amount off, or a percent off outside 0%–100%.
    pub fn to_event(&self) -> Result<SubscriptionEvent, ArrError> {
        let kind = self.kind;
        let column = |column, problem| ArrError::Column { kind: kind.as_str(), column, problem };
        let need = |column, present: bool| if present { Ok(()) } else { Err(self::need(kind, column)) };
        // every optional column with a value, by name
        let given = [
            ("currency", self.currency.is_some()),
            ("price", self.price.is_some()),
            ("interval", self.interval.is_some()),
            ("trial_until", self.trial_until.is_some()),
            ("paid_through", self.paid_through.is_some()),
            ("percent_off", self.percent_off.is_some()),
            ("amount_off", self.amount_off.is_some()),
            ("forever", self.forever.is_some()),
        ];
        let reads: &[&str] = match kind {
            EventKindName::Start => &["currency", "price", "interval", "trial_until"],
            EventKindName::Change | EventKindName::Renew => &["currency", "price", "interval"],
            EventKindName::Cancel => &["paid_through"],
            EventKindName::Pause | EventKindName::Resume | EventKindName::DiscountEnd => &[],
            EventKindName::DiscountStart if self.percent_off.is_some() => &["percent_off", "forever"],
            EventKindName::DiscountStart => &["currency", "amount_off", "forever"],
        };
        if let Some((name, _)) = given.iter().find(|(name, has)| *has && !reads.contains(name)) {
            return Err(column(name, ColumnProblem::Unused));
        }
        let invalid = |problem| ArrError::InvalidEvent {
            id: self.id.clone(),
            customer: self.customer.clone(),
            subscription: self.subscription.clone(),
            problem: Box::new(problem),
        };
        for (what, text) in [("id", &self.id), ("customer", &self.customer), ("subscription", &self.subscription)] {
            if text.is_empty() {
                return Err(invalid(EventProblem::EmptyId(what)));
            }
        }
        let priced = || -> Result<(Money, Interval), ArrError> {
            let (currency, price, interval) = (self.currency, self.price, self.interval);
            need("currency", currency.is_some())?;
            need("price", price.is_some())?;
            need("interval", interval.is_some())?;
            let (Some(currency), Some(price), Some(interval)) = (currency, price, interval) else {
                return Err(self::need(kind, "price"));
            };
            let price = Money::new(price, currency);
            if price.is_negative() {
                return Err(invalid(EventProblem::NegativePrice(price)));
            }
            Ok((price, interval))
        };
        let event_kind = match kind {
            EventKindName::Start => {
                let (price, interval) = priced()?;
                EventKind::Start { price, interval, trial_until: self.trial_until }
            }
            EventKindName::Change => {
                let (price, interval) = priced()?;
                EventKind::Change { price, interval }
            }
            EventKindName::Renew => {
                let (price, interval) = priced()?;
                EventKind::Renew { price, interval }
            }
            EventKindName::Cancel => EventKind::Cancel { paid_through: self.paid_through },
            EventKindName::Pause => EventKind::Pause,
            EventKindName::Resume => EventKind::Resume,
            EventKindName::DiscountEnd => EventKind::DiscountEnd,
            EventKindName::DiscountStart => {
                let off = match (self.percent_off, self.amount_off, self.currency) {
                    (Some(p), _, _) if p.check_unit("percent_off").is_err() => {
                        return Err(invalid(EventProblem::DiscountOutOfRange(p)))
                    }
                    (Some(p), _, _) => DiscountOff::Percent(p),
                    (None, Some(amount), Some(currency)) => {
                        let m = Money::new(amount, currency);
                        if m.is_negative() {
                            return Err(invalid(EventProblem::NegativeDiscount(m)));
                        }
                        DiscountOff::Amount(m)
                    }
                    (None, Some(_), None) => return Err(self::need(kind, "currency")),
                    (None, None, _) => return Err(self::need(kind, "percent_off or amount_off")),
                };
                EventKind::DiscountStart(MrrDiscount { off, forever: self.forever.unwrap_or(false) })
            }
        };
        Ok(SubscriptionEvent {
            id: self.id.clone(),
            customer: self.customer.clone(),
            subscription: self.subscription.clone(),
            date: self.date,
            sequence: self.sequence.unwrap_or(0),
            recorded_on: self.recorded_on,
            kind: event_kind,
        })
    }
}

fn need(kind: EventKindName, column: &'static str) -> ArrError {
    ArrError::Column { kind: kind.as_str(), column, problem: ColumnProblem::Missing }
}

/// Subscription events from rows, in row order, each checked by [`ArrEventRow::to_event`].
/// What the book checks across events (a currency other than the subscription's, an id used
/// twice) is left to [`ArrBook::build`](super::ArrBook::build), which holds an event that
/// comes before its subscription's first start ([`ArrBook::held`](super::ArrBook::held)).
///
/// ```
/// use revops::arr::{events_from_rows, ArrEventRow, EventKindName, Interval};
/// use revops::Currency;
/// let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
/// let row = |id: &str, d, kind| ArrEventRow {
///     id: id.into(), customer: "acme".into(), subscription: "main".into(), date: day(d),
///     sequence: None, recorded_on: None, kind, currency: None, price: None, interval: None,
///     trial_until: None, paid_through: None, percent_off: None, amount_off: None, forever: None,
/// };
/// let start = ArrEventRow {
///     currency: Some(Currency::USD), price: Some("100".parse()?), interval: Some("year".parse()?),
///     ..row("e1", 5, EventKindName::Start)
/// };
/// let cancel = ArrEventRow { paid_through: Some(day(31)), ..row("e2", 20, EventKindName::Cancel) };
/// let events = events_from_rows(&[start.clone(), cancel])?;
/// assert_eq!(events.len(), 2);
///
/// let renew_without_price = row("e3", 25, EventKindName::Renew);
/// let err = events_from_rows(&[start, renew_without_price]).unwrap_err();
/// assert_eq!(err.to_string(), r#"row 2: a renew row needs column "currency""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`RowError`] naming the first row that is wrong (from 1) and why (see
/// [`ArrEventRow::to_event`]). No events are returned then.
pub fn events_from_rows(rows: &[ArrEventRow]) -> Result<Vec<SubscriptionEvent>, RowError> {
    rows.iter().enumerate().map(|(i, r)| r.to_event().map_err(|e| RowError::at(i, e))).collect()
}
