//! Foreign exchange: the [`FxRates`] port, an in-memory table, and conversion that rounds once.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Currency, Money, MoneyError};

/// A quoted rate: one unit of `from` is worth `rate` units of `to`, as quoted on `as_of`.
///
/// `as_of` is the date of the quote actually used, which may be earlier than the date asked for
/// (a weekend, a holiday) — conversions carry it so that reports can state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FxRate {
    /// Source currency.
    pub from: Currency,
    /// Target currency.
    pub to: Currency,
    /// Units of `to` per unit of `from`; always positive.
    pub rate: Decimal,
    /// Date of the quote used.
    pub as_of: NaiveDate,
}

/// Integration port: where FX rates come from (an FX feed, the ERP's rate table…).
///
/// Implementations return the rate for `from`→`to` to use on `on`, or an error when they have
/// none. [`convert`] handles `from == to` itself, so implementations need not.
pub trait FxRates {
    /// The rate to convert `from` into `to` on `on`.
    fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError>;
}

impl<T: FxRates + ?Sized> FxRates for &T {
    fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
        (**self).rate(from, to, on)
    }
}

/// Which quote date an [`InMemoryFxRates`] accepts for a requested date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RateLookup {
    /// Only a quote on exactly the requested date.
    Exact,
    /// The latest quote on or before the date, at most `max_age_days` old (covers weekends and
    /// holidays without silently using a stale rate).
    OnOrBefore {
        /// Oldest acceptable quote, in days before the requested date.
        max_age_days: u32,
    },
}

impl Default for RateLookup {
    /// `OnOrBefore { max_age_days: 7 }`.
    fn default() -> Self {
        RateLookup::OnOrBefore { max_age_days: 7 }
    }
}

/// An in-memory rate table, for tests, examples and callers who load rates up front.
///
/// A pair is looked up directly, then as the inverse of the opposite pair, then — when a base
/// currency is set — triangulated through it (`from→base × base→to`). A triangulated rate is
/// dated by the older of its two legs.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::money::{convert, InMemoryFxRates};
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
/// let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
/// rates.insert(Currency::EUR, Currency::USD, day, Decimal::new(108, 2))?;  // 1 EUR = 1.08 USD
/// rates.insert(Currency::USD, Currency::JPY, day, Decimal::new(150, 0))?;  // 1 USD = 150 JPY
/// let c = convert(Money::parse("100", Currency::EUR)?, Currency::JPY, day, &rates)?;
/// assert_eq!(c.converted.to_string(), "16200 JPY");
/// assert_eq!(c.rate.as_of, day);
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct InMemoryFxRates {
    quotes: BTreeMap<(Currency, Currency), BTreeMap<NaiveDate, Decimal>>,
    lookup: RateLookup,
    base: Option<Currency>,
}

impl InMemoryFxRates {
    /// An empty table with the default lookup (latest quote up to 7 days old) and no base.
    pub fn new() -> Self {
        Self::default()
    }

    /// Triangulate missing pairs through `base`.
    pub fn with_base(mut self, base: Currency) -> Self {
        self.base = Some(base);
        self
    }

    /// Choose how quote dates are matched.
    pub fn with_lookup(mut self, lookup: RateLookup) -> Self {
        self.lookup = lookup;
        self
    }

    /// Record that one `from` is worth `rate` `to` on `on`. The rate must be positive.
    pub fn insert(&mut self, from: Currency, to: Currency, on: NaiveDate, rate: Decimal) -> Result<(), MoneyError> {
        if rate <= Decimal::ZERO {
            return Err(MoneyError::InvalidRate { from, to, rate });
        }
        self.quotes.entry((from, to)).or_default().insert(on, rate);
        Ok(())
    }

    fn quoted(&self, from: Currency, to: Currency, on: NaiveDate) -> Option<FxRate> {
        let series = self.quotes.get(&(from, to))?;
        let (&as_of, &rate) = match self.lookup {
            RateLookup::Exact => series.get_key_value(&on)?,
            RateLookup::OnOrBefore { max_age_days } => {
                let found = series.range(..=on).next_back()?;
                if (on - *found.0).num_days() > i64::from(max_age_days) {
                    return None;
                }
                found
            }
        };
        Some(FxRate { from, to, rate, as_of })
    }

    fn direct_or_inverse(&self, from: Currency, to: Currency, on: NaiveDate) -> Option<FxRate> {
        if from == to {
            return Some(FxRate { from, to, rate: Decimal::ONE, as_of: on });
        }
        self.quoted(from, to, on).or_else(|| {
            let inverse = self.quoted(to, from, on)?;
            let rate = Decimal::ONE.checked_div(inverse.rate)?;
            Some(FxRate { from, to, rate, as_of: inverse.as_of })
        })
    }
}

impl FxRates for InMemoryFxRates {
    fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
        let not_found = MoneyError::RateNotFound { from, to, on };
        if let Some(rate) = self.direct_or_inverse(from, to, on) {
            return Ok(rate);
        }
        let base = self.base.ok_or(not_found.clone())?;
        let first = self.direct_or_inverse(from, base, on).ok_or(not_found.clone())?;
        let second = self.direct_or_inverse(base, to, on).ok_or(not_found)?;
        let rate = first.rate.checked_mul(second.rate).ok_or(MoneyError::Overflow("fx triangulation"))?;
        Ok(FxRate { from, to, rate, as_of: first.as_of.min(second.as_of) })
    }
}

/// The result of a conversion: what was converted, at which rate, and the rounded result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Conversion {
    /// The amount before conversion.
    pub original: Money,
    /// The converted amount, rounded once to the target currency's minor unit.
    pub converted: Money,
    /// The rate used, with its quote date.
    pub rate: FxRate,
}

/// Convert `money` into `to` at the rate for `on`, rounding once (banker's rounding) to the
/// target's minor unit. Converting into the same currency returns the amount unchanged.
pub fn convert<R: FxRates + ?Sized>(
    money: Money,
    to: Currency,
    on: NaiveDate,
    rates: &R,
) -> Result<Conversion, MoneyError> {
    convert_with(money, to, on, rates, super::DEFAULT_ROUNDING)
}

/// [`convert`] with an explicit rounding strategy.
pub fn convert_with<R: FxRates + ?Sized>(
    money: Money,
    to: Currency,
    on: NaiveDate,
    rates: &R,
    rounding: RoundingStrategy,
) -> Result<Conversion, MoneyError> {
    let from = money.currency();
    let rate = if from == to {
        FxRate { from, to, rate: Decimal::ONE, as_of: on }
    } else {
        let r = rates.rate(from, to, on)?;
        if r.rate <= Decimal::ZERO {
            return Err(MoneyError::InvalidRate { from, to, rate: r.rate });
        }
        r
    };
    let amount = money.amount().checked_mul(rate.rate).ok_or(MoneyError::Overflow("convert"))?;
    let converted = Money::new(amount, to).round_with(rounding);
    Ok(Conversion { original: money, converted, rate })
}
