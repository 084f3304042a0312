use chrono::NaiveDate;

use crate::calendar::{CalendarError, Month};
use crate::money::{Currency, Money, MoneyError};

/// What is wrong with subscription events, a book or a metric's inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrError {
    /// An event the ledger refuses, with the event, its customer and subscription named.
    #[error("event {id:?} (customer {customer:?}, subscription {subscription:?}): {problem}")]
    InvalidEvent {
        /// The event's id.
        id: String,
        /// Customer.
        customer: String,
        /// Subscription.
        subscription: String,
        /// What is wrong (boxed, to keep the error small).
        problem: Box<EventProblem>,
    },
    /// An id delivered again with other content (another date, kind, price, customer …).
    #[error("event {id:?} was applied already with other content; an event id names one event")]
    ConflictingEvent {
        /// The id.
        id: String,
    },
    /// A customer with subscriptions in two currencies (each customer bills in one currency).
    #[error("event {id:?}: customer {customer:?} bills in {first}, not {second}; a customer bills in one currency")]
    MixedCurrencies {
        /// The event that brought the second currency.
        id: String,
        /// Customer.
        customer: String,
        /// The customer's currency.
        first: Currency,
        /// The other.
        second: Currency,
    },
    /// The rate source failed for a customer's foreign ARR.
    #[error("fx rate {from}->{to} on {on} for customer {customer:?}: {source}")]
    Fx {
        /// Customer.
        customer: String,
        /// The customer's currency.
        from: Currency,
        /// The reporting currency.
        to: Currency,
        /// The rate date asked for.
        on: NaiveDate,
        /// What the rate source said.
        source: Box<MoneyError>,
    },
    /// A rate source that answered with a quote for another pair than the one asked for.
    #[error("asked the rate source for {asked_from}->{asked_to} and got a quote for {got_from}->{got_to}")]
    RateForOtherPair {
        /// Currency asked from.
        asked_from: Currency,
        /// Currency asked to.
        asked_to: Currency,
        /// The quote's source currency.
        got_from: Currency,
        /// The quote's target currency.
        got_to: Currency,
    },
    /// A customer's ARR at a month end, in the reporting currency, past 10¹⁴.
    #[error("customer {customer:?} would book {arr} of ARR at the end of {month}; the limit is 10^14 a customer")]
    ArrTooLarge {
        /// Customer.
        customer: String,
        /// The month.
        month: Month,
        /// The ARR it would book (rounded to the currency's minor unit).
        arr: Money,
    },
    /// A book holds at most 2³² customers (its index keeps 32-bit customer numbers).
    #[error("a book holds at most 2^32 customers")]
    TooManyCustomers,
    /// A book's months that run backwards.
    #[error("a book's months run from its first to its last: {first} is after {last}")]
    BadMonths {
        /// First month.
        first: Month,
        /// Last month.
        last: Month,
    },
    /// A month outside the book.
    #[error("{month} is outside the book, which reports {first} to {last}")]
    MonthOutsideBook {
        /// The month asked for.
        month: Month,
        /// The book's first month.
        first: Month,
        /// The book's last month.
        last: Month,
    },
    /// A range of months that runs backwards.
    #[error("the range {from} to {to} runs backwards")]
    ReversedRange {
        /// First month asked.
        from: Month,
        /// Last month asked.
        to: Month,
    },
    /// A window of zero months.
    #[error("a window of zero months measures nothing; use 1 or more")]
    EmptyWindow,
    /// A window that starts before the book's data: `months` months ending with `at` need the
    /// month end before them, and the book's earliest is the end of the month before its first.
    #[error("a {months}-month window ending {at} starts before the book, which opens at the end of {opening}")]
    WindowOutsideBook {
        /// The window's last month.
        at: Month,
        /// Its length in months.
        months: u32,
        /// The earliest month end the book knows (the month before its first).
        opening: Month,
    },
    /// Books that cannot merge.
    #[error("books do not merge: {0}")]
    Merge(MergeProblem),
    /// A metric whose denominator is zero (no customers at the start, no churn).
    #[error("{0} is undefined: its denominator is zero")]
    Undefined(&'static str),
    /// A count past its documented limit (months in a book past
    /// [`MAX_MONTHS`](super::MAX_MONTHS)).
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// Text that is not an [`Interval`](super::Interval) (`"month"`, `"quarter"`, `"year"`,
    /// `"3 months"`).
    #[error("interval {text:?}: {problem}")]
    InvalidInterval {
        /// The text given.
        text: String,
        /// What is wrong with it.
        problem: IntervalProblem,
    },
    /// A flat row whose columns do not fit its kind (see [`ArrEventRow`](super::ArrEventRow)).
    #[error("a {kind} row {problem} column {column:?}")]
    Column {
        /// The row's kind (`"start"`, `"cancel"` …).
        kind: &'static str,
        /// The column.
        column: &'static str,
        /// Whether the column is missing or has a value the kind does not read.
        problem: ColumnProblem,
    },
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendar arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// What is wrong with one event.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EventProblem {
    /// An empty id, customer or subscription.
    #[error("its {0} is empty")]
    EmptyId(&'static str),
    /// A subscription whose first event (in the order of date and sequence) is not a start.
    /// The book does not refuse such an event: it holds it until a start dated before it
    /// arrives ([`ArrBook::held`](super::ArrBook::held)).
    #[error("the subscription's first event, on {0}, is not a start")]
    NoStart(NaiveDate),
    /// A negative price.
    #[error("price {0} is negative")]
    NegativePrice(Money),
    /// An interval of zero months.
    #[error("an interval of zero months")]
    ZeroInterval,
    /// A price or discount in another currency than the subscription's.
    #[error("{amount} is not in the subscription's currency, {currency}")]
    OtherCurrency {
        /// The amount given.
        amount: Money,
        /// The subscription's currency.
        currency: Currency,
    },
    /// A percent discount outside 0%–100%.
    #[error("a discount of {0} is outside 0%–100%")]
    DiscountOutOfRange(crate::money::Percent),
    /// A negative amount discount.
    #[error("a discount of {0} is negative")]
    NegativeDiscount(Money),
    /// A price whose ARR (price × 12 ÷ months) passes 10¹⁴ or does not fit a `Decimal`.
    #[error("{price} per {months} months is past the 10^14 of ARR one subscription may book")]
    PriceTooLarge {
        /// The price.
        price: Money,
        /// Months it covers.
        months: u32,
    },
}

/// Why a text is not an [`Interval`](super::Interval).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntervalProblem {
    /// Neither a unit (`"month"`, `"quarter"`, `"year"`) nor a count of them (`"3 months"`).
    #[error(r#"it is not "month", "quarter", "year" or a count such as "3 months""#)]
    Unrecognised,
    /// A count of zero.
    #[error("an interval of zero months covers nothing; use 1 or more")]
    Zero,
    /// A negative count.
    #[error("an interval cannot be negative")]
    Negative,
    /// A count of months past `u32::MAX`.
    #[error("more months than 4294967295 (u32::MAX)")]
    TooLarge,
}

/// What is wrong with a column of a flat row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnProblem {
    /// The kind needs the column and it is empty.
    #[error("needs")]
    Missing,
    /// The column has a value and the kind has no use for it (so it would be dropped silently).
    #[error("has no use for")]
    Unused,
}

/// Why two books do not merge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MergeProblem {
    /// Policies, reporting currencies or months differ.
    #[error("they differ in their {0}")]
    Differ(&'static str),
    /// A customer in both books: books merge only from disjoint customer partitions.
    #[error("customer {0:?} is in both; partition events by customer")]
    SharedCustomer(String),
    /// An event id in both books.
    #[error("event {0:?} is in both")]
    SharedEvent(String),
    /// The books used different rates for one currency on one day.
    #[error("they booked {currency} on {on} at different rates")]
    RateConflict {
        /// The currency.
        currency: Currency,
        /// The day.
        on: NaiveDate,
    },
}
