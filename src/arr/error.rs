use crate::calendar::CalendarError;
use crate::money::{Currency, MoneyError};

/// What is wrong with subscription events or a metric's inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrError {
    /// A customer with subscriptions in two currencies (each customer bills in one currency).
    #[error("customer {customer:?} has subscriptions in {first} and {second}; a customer bills in one currency")]
    MixedCurrencies {
        /// Customer.
        customer: String,
        /// First currency seen.
        first: Currency,
        /// The other.
        second: Currency,
    },
    /// An event that makes no sense for the subscription's state (a change before any start).
    #[error("subscription {subscription:?} of {customer:?}: {reason}")]
    InvalidEvent {
        /// Customer.
        customer: String,
        /// Subscription.
        subscription: String,
        /// What is wrong.
        reason: String,
    },
    /// A negative price, a discount over 100%, a zero-month interval.
    #[error("{0}")]
    InvalidAmount(String),
    /// A book holds at most 2³² customers (its index keeps 32-bit customer numbers).
    #[error("a book holds at most 2^32 customers")]
    TooManyCustomers,
    /// Reporting periods that are empty, overlapping or out of order.
    #[error("reporting periods must be contiguous and non-empty: {0}")]
    BadPeriods(String),
    /// A period index or range outside the book.
    #[error("period range {from}..={to} is outside the book's {len} periods")]
    PeriodOutOfRange {
        /// First index asked.
        from: usize,
        /// Last index asked.
        to: usize,
        /// Periods available.
        len: usize,
    },
    /// A metric whose denominator is zero (no customers at the start, no churn).
    #[error("{0} is undefined: its denominator is zero")]
    Undefined(&'static str),
    /// Money arithmetic or FX failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendar arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}
