use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Currency, Money};

/// What went wrong in money arithmetic, allocation or conversion.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// A currency code that is not in the ISO 4217 table.
    #[error("unknown currency code {0:?}: expected an active ISO 4217 alphabetic code such as \"USD\"")]
    UnknownCurrency(String),
    /// A numeric code that is not in the ISO 4217 table.
    #[error("unknown ISO 4217 numeric currency code {0}")]
    UnknownNumericCode(u16),
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch in {op}: {left} and {right}")]
    CurrencyMismatch {
        /// The operation that was attempted.
        op: &'static str,
        /// The left-hand currency.
        left: Currency,
        /// The right-hand currency.
        right: Currency,
    },
    /// A string that is not a decimal amount.
    #[error("{0:?} is not a decimal amount")]
    InvalidAmount(String),
    /// Text that is not money such as `"USD 12.50"`.
    #[error("{0:?} is not money: expected an ISO code and an amount, such as \"USD 12.50\" or \"12.50 USD\"")]
    InvalidMoney(String),
    /// A result did not fit in a `Decimal` or in the integer used for minor units.
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),
    /// Division by zero.
    #[error("division by zero in {0}")]
    DivisionByZero(&'static str),
    /// An allocation weight was negative.
    #[error("allocation weight {index} is negative ({weight}); weights must be zero or positive")]
    NegativeWeight {
        /// Position of the weight.
        index: usize,
        /// The weight given.
        weight: Decimal,
    },
    /// Every allocation weight was zero (or none were given), so there is no ratio to split by.
    #[error("allocation needs at least one positive weight; got {0} weights, all zero")]
    NoPositiveWeight(usize),
    /// `split(0)` or an empty weight list.
    #[error("cannot split into zero parts")]
    ZeroParts,
    /// An amount has more decimal places than the currency's minor unit where an exact amount is needed.
    #[error("{amount} {currency} has more decimals than the currency's {minor_units}-digit minor unit")]
    SubMinorUnit {
        /// The amount given.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
        /// The currency's minor-unit digits.
        minor_units: u32,
    },
    /// No FX rate is known for the pair on (or before) the date.
    #[error("no fx rate for {from}->{to} on {on}")]
    RateNotFound {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
        /// Date asked for.
        on: NaiveDate,
    },
    /// Text that is not a percent such as `"7.5%"`.
    #[error("{0:?} is not a percent: expected percent points followed by '%', such as \"7.5%\"")]
    InvalidPercent(String),
    /// Percent points whose fraction needs more than `Decimal`'s 28 decimal places.
    #[error("{0} percent points has too many decimal places to hold exactly as a fraction")]
    InexactPercent(Decimal),
    /// A percent outside the range its use allows.
    #[error("{what} of {value} is outside [{low}, {high}]")]
    PercentOutOfRange {
        /// What the percent was for.
        what: String,
        /// The percent given.
        value: super::Percent,
        /// Lowest allowed.
        low: super::Percent,
        /// Highest allowed.
        high: super::Percent,
    },
    /// A float that should have been a finite number was NaN or infinite.
    #[error("{0} is not a finite number")]
    NotFinite(String),
    /// A finite float too large for a `Decimal` (beyond about ±7.9 × 10²⁸).
    #[error("{what} of {value} is beyond the range a decimal holds (about ±7.9e28)")]
    FloatOutOfRange {
        /// Which input.
        what: String,
        /// The float as written.
        value: String,
    },
    /// A count too large to allocate or compute with.
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// An FX rate that is zero or negative.
    #[error("fx rate for {from}->{to} must be positive, got {rate}")]
    InvalidRate {
        /// Source currency.
        from: Currency,
        /// Target currency.
        to: Currency,
        /// The rate given.
        rate: Decimal,
    },
    /// A [`Conversion`](super::Conversion) (read from JSON) whose parts disagree: an amount in
    /// another currency than its rate's pair, or a converted amount that is not the original
    /// at the rate rounded to the target's minor unit.
    #[error("conversion of {original} into {converted} at {from}->{to} {rate} is refused: {problem}")]
    InconsistentConversion {
        /// The amount before conversion.
        original: Money,
        /// The converted amount given.
        converted: Money,
        /// The rate's source currency.
        from: Currency,
        /// The rate's target currency.
        to: Currency,
        /// The rate given.
        rate: Decimal,
        /// What disagrees.
        problem: &'static str,
    },
}
