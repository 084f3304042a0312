//! Foreign exchange: the [`FxRates`] port, an in-memory table, and conversion that rounds once.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Currency, Money, MoneyError};

/// A quoted rate: one unit of `from` is worth `rate` units of `to`, as quoted on `as_of`.
///
/// A rate read as the inverse of a quote (or triangulated through one) keeps the quote as a
/// divisor, so that conversion divides exactly and rounds once: with 1 EUR = 1.2 USD quoted,
/// USD 12.09 is exactly EUR 10.075, which rounds to EUR 10.08, where multiplying by 1 ÷ 1.2 cut to
/// 28 places would give 10.07. Its JSON carries `"rate"`, the quotient to 28 places, as any rate's,
/// and beside it the exact parts, `"exact": {"dividend": "1", "divisor": "1.2"}`, which a reader
/// that does not know them can ignore. A quotient that is exact (the inverse of 0.5) is the plain
/// rate (2), as before.
///
/// `as_of` is the date of the quote actually used, which may be earlier than the date asked for
/// (a weekend, a holiday) — conversions carry it so that reports can state it.
///
/// A rate is positive by construction ([`FxRate::new`]; serde goes through the same check), so a
/// rate source that returns zero or a negative rate is refused where the rate is made, never
/// used to book $0.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::money::FxRate;
/// use revops::Currency;
/// use rust_decimal::Decimal;
/// let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
/// let r = FxRate::new(Currency::EUR, Currency::USD, Decimal::new(108, 2), day)?;
/// assert_eq!(r.rate(), Decimal::new(108, 2));
/// assert!(FxRate::new(Currency::EUR, Currency::USD, Decimal::ZERO, day).is_err());
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "FxRateRepr"))]
pub struct FxRate {
    from: Currency,
    to: Currency,
    /// The rate, or for an inverse or triangulated rate its exact value cut to 28 places.
    rate: Decimal,
    as_of: NaiveDate,
    /// The exact value of an inverse or triangulated rate that `rate` cuts.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    exact: Option<ExactRate>,
}

/// A rate's exact value as a quotient, `dividend ÷ divisor`, both positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
struct ExactRate {
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    dividend: Decimal,
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    divisor: Decimal,
}

impl FxRate {
    /// A quote; the rate must be positive, and exactly 1 when `from == to`.
    ///
    /// # Errors
    /// [`MoneyError::InvalidRate`] for a rate of zero or below, or a rate other than 1 from a
    /// currency to itself.
    pub fn new(from: Currency, to: Currency, rate: Decimal, as_of: NaiveDate) -> Result<FxRate, MoneyError> {
        if rate <= Decimal::ZERO || (from == to && rate != Decimal::ONE) {
            return Err(MoneyError::InvalidRate { from, to, rate });
        }
        Ok(FxRate { from, to, rate, as_of, exact: None })
    }

    /// `numerator ÷ per` units of `to` per `from`, kept exact; `per` of 1 is a plain quote.
    fn quotient(from: Currency, to: Currency, numerator: Decimal, per: Decimal, as_of: NaiveDate) -> Option<FxRate> {
        if per == Decimal::ONE {
            return FxRate::new(from, to, numerator, as_of).ok();
        }
        let value = numerator.checked_div(per)?; // the rate must be readable
        if exact_product(value, per) == Some(numerator) {
            // the quotient is exact: the plain rate, equal to the same quote given directly
            return FxRate::new(from, to, value, as_of).ok();
        }
        let unreadable = value <= Decimal::ZERO; // positive, but below 28 places
        if unreadable || numerator <= Decimal::ZERO || per <= Decimal::ZERO || (from == to && value != Decimal::ONE) {
            return None;
        }
        Some(FxRate { from, to, rate: value, as_of, exact: Some(ExactRate { dividend: numerator, divisor: per }) })
    }

    /// (numerator, divisor): the exact value is their quotient.
    fn parts(&self) -> (Decimal, Decimal) {
        match self.exact {
            Some(e) => (e.dividend, e.divisor),
            None => (self.rate, Decimal::ONE),
        }
    }

    /// The identity quote `currency → currency` at 1.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::money::FxRate;
    /// use revops::Currency;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let same = FxRate::identity(Currency::USD, day);
    /// assert_eq!(same.rate(), rust_decimal::Decimal::ONE);
    /// ```
    pub fn identity(currency: Currency, as_of: NaiveDate) -> FxRate {
        FxRate { from: currency, to: currency, rate: Decimal::ONE, as_of, exact: None }
    }

    /// Source currency.
    pub fn from(&self) -> Currency {
        self.from
    }

    /// Target currency.
    pub fn to(&self) -> Currency {
        self.to
    }

    /// Units of `to` per unit of `from`; always positive. For an inverse or triangulated rate
    /// this reads the exact quotient to 28 places; conversion uses the exact quotient.
    pub fn rate(&self) -> Decimal {
        self.rate
    }

    /// Date of the quote used.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }
}

deserialize_via!(
    FxRate,
    FxRateRepr {
        from: Currency,
        to: Currency,
        #[serde(with = "crate::money::exact::text")]
        rate: Decimal,
        as_of: NaiveDate,
        #[serde(default)]
        exact: Option<ExactRate>
    },
    MoneyError,
    |r| match r.exact {
        None => FxRate::new(r.from, r.to, r.rate, r.as_of),
        Some(e) => {
            // refused: name the rate it would be (dividend ÷ divisor), not its dividend
            let invalid = |rate| MoneyError::InvalidRate { from: r.from, to: r.to, rate };
            let quotient = e.dividend.checked_div(e.divisor).unwrap_or(e.divisor);
            let rate = FxRate::quotient(r.from, r.to, e.dividend, e.divisor, r.as_of).ok_or(invalid(quotient))?;
            // the rate shown must be the exact one's, or a reader ignoring `exact` reads another
            match rate.rate == r.rate {
                true => Ok(rate),
                false => Err(invalid(r.rate)),
            }
        }
    }
);

/// Integration port: where FX rates come from (an FX feed, the ERP's rate table…).
///
/// Implementations return the rate for `from`→`to` to use on `on`, or an error when they have
/// none. [`convert`] handles `from == to` itself, so implementations need not.
pub trait FxRates {
    /// The rate to convert `from` into `to` on `on`.
    ///
    /// # Errors
    /// [`MoneyError::RateNotFound`] when the source has no quote for the pair and date (or only
    /// a stale one), or the source's own failure as a [`MoneyError`].
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
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
/// A pair has up to three candidate rates: its direct quote, the inverse of the opposite
/// pair's quote, and — when a base currency is set and is neither side of the pair — the
/// triangulation through it (`from→base × base→to`, each leg itself the fresher of its direct
/// and inverse quote), dated by the older of its two legs. Each quote must pass the
/// [`RateLookup`] policy (the exact date, or at most `max_age_days` old, a quote exactly that
/// old still counting), so a triangulation is never staler than the limit either. Of the
/// candidates that pass, the freshest (latest quote date) is used; equally fresh, the direct
/// quote wins, then the inverse, then the triangulation. So a stale direct quote never hides
/// a fresher inverse or triangulated one.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::money::{convert, InMemoryFxRates};
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let (old, today) = (NaiveDate::from_ymd_opt(2026, 3, 27).unwrap(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
/// let mut rates = InMemoryFxRates::new();
/// rates.insert(Currency::EUR, Currency::USD, old, Decimal::new(110, 2))?;  // 1 EUR = 1.10 USD, 4 days old
/// rates.insert(Currency::USD, Currency::EUR, today, Decimal::new(8, 1))?;  // 1 USD = 0.8 EUR, today
/// let c = convert(Money::parse("10", Currency::EUR)?, Currency::USD, today, &rates)?;
/// assert_eq!(c.converted.to_string(), "USD 12.50"); // today's inverse (1.25), not the older 1.10
/// assert_eq!(c.rate.as_of(), today);
/// # Ok::<(), revops::MoneyError>(())
/// ```
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
/// assert_eq!(c.converted.to_string(), "JPY 16,200");
/// assert_eq!(c.rate.as_of(), day);
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

    /// Triangulate through `base`: used for a pair with no quote within the lookup policy, or
    /// whose own quotes are older than the triangulation (see [`InMemoryFxRates`]).
    pub fn with_base(mut self, base: Currency) -> Self {
        self.base = Some(base);
        self
    }

    /// Choose how quote dates are matched.
    pub fn with_lookup(mut self, lookup: RateLookup) -> Self {
        self.lookup = lookup;
        self
    }

    /// Record that one `from` is worth `rate` `to` on `on`. The rate must be positive (and 1 for
    /// a currency to itself).
    ///
    /// # Errors
    /// [`MoneyError::InvalidRate`], as [`FxRate::new`].
    pub fn insert(&mut self, from: Currency, to: Currency, on: NaiveDate, rate: Decimal) -> Result<(), MoneyError> {
        FxRate::new(from, to, rate, on)?;
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
        FxRate::new(from, to, rate, as_of).ok()
    }

    /// The fresher of the direct quote and the inverse of the opposite one, each within the
    /// lookup policy; the direct quote when they are equally fresh.
    fn direct_or_inverse(&self, from: Currency, to: Currency, on: NaiveDate) -> Option<FxRate> {
        if from == to {
            return Some(FxRate::identity(from, on));
        }
        let direct = self.quoted(from, to, on);
        if let Some(today) = direct.filter(|r| r.as_of >= on) {
            return Some(today); // nothing is fresher, and the direct quote wins a tie
        }
        let inverse = self.quoted(to, from, on).and_then(|inverse| {
            // kept as 1 ÷ quote, exact: a rounded inverse would round a second time
            FxRate::quotient(from, to, Decimal::ONE, inverse.rate, inverse.as_of)
        });
        fresher(direct, inverse)
    }

    /// `from→base × base→to`, dated by the older leg; `None` without a base, when the base is
    /// one side of the pair, or when a leg has no quote within the policy.
    fn triangulated(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<Option<FxRate>, MoneyError> {
        let Some(base) = self.base.filter(|b| *b != from && *b != to) else { return Ok(None) };
        let (Some(first), Some(second)) =
            (self.direct_or_inverse(from, base, on), self.direct_or_inverse(base, to, on))
        else {
            return Ok(None);
        };
        let overflow = MoneyError::Overflow("fx triangulation");
        let ((n1, p1), (n2, p2)) = (first.parts(), second.parts());
        let as_of = first.as_of.min(second.as_of);
        // exact products where they fit; else the product of the two readable rates
        let exact = exact_product(n1, n2).zip(exact_product(p1, p2));
        let rate = match exact.and_then(|(n, p)| FxRate::quotient(from, to, n, p, as_of)) {
            Some(rate) => rate,
            None => FxRate::new(from, to, first.rate().checked_mul(second.rate()).ok_or(overflow)?, as_of)?,
        };
        Ok(Some(rate))
    }
}

/// The candidate with the later quote date; `a` when both are equally fresh.
fn fresher(a: Option<FxRate>, b: Option<FxRate>) -> Option<FxRate> {
    match (a, b) {
        (Some(a), Some(b)) if b.as_of > a.as_of => Some(b),
        (a, b) => a.or(b),
    }
}

impl FxRates for InMemoryFxRates {
    /// The freshest of the direct, inverse and triangulated rates within the lookup policy;
    /// equally fresh, direct before inverse before triangulated (see [`InMemoryFxRates`]).
    fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
        let own = self.direct_or_inverse(from, to, on);
        if let Some(today) = own.filter(|r| r.as_of >= on) {
            return Ok(today); // nothing is fresher
        }
        let rate = match self.triangulated(from, to, on) {
            Ok(tri) => fresher(own, tri),
            // a triangulation that overflows is no candidate beside a rate of the pair's own
            Err(e) => Some(own.ok_or(e)?),
        };
        rate.ok_or(MoneyError::RateNotFound { from, to, on })
    }
}

/// `a × b` when it is exactly a `Decimal` (no place cut), else `None`.
fn exact_product(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let mantissa = a.mantissa().checked_mul(b.mantissa())?;
    let scale = a.scale() + b.scale();
    if scale > 28 || mantissa.unsigned_abs() >= 1u128 << 96 {
        return None;
    }
    Some(Decimal::from_i128_with_scale(mantissa, scale))
}

/// The result of a conversion: what was converted, at which rate, and the rounded result.
///
/// Its JSON is checked on the way in, as an [`FxRate`]'s is: the original must be in the rate's
/// source currency, the converted amount in its target currency, and the converted amount the
/// original at the rate (its exact quotient, for an inverse or triangulated rate) rounded to
/// the target's minor unit — down or up, as [`convert_with`]'s strategy is the caller's and is
/// not recorded. A conversion into the same currency (an identity rate) must leave the amount
/// unchanged, unrounded. Anything else is [`MoneyError::InconsistentConversion`].
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use revops::money::Conversion;
/// let good = r#"{"original":"EUR 10","converted":"USD 11.00","rate":{"from":"EUR","to":"USD","rate":"1.10","as_of":"2026-03-31"}}"#;
/// assert!(serde_json::from_str::<Conversion>(good).is_ok());
/// let tampered = good.replace("USD 11.00", "USD 12.00");
/// assert!(serde_json::from_str::<Conversion>(&tampered).is_err());
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ConversionRepr"))]
pub struct Conversion {
    /// The amount before conversion.
    pub original: Money,
    /// The converted amount, rounded once to the target currency's minor unit.
    pub converted: Money,
    /// The rate used, with its quote date.
    pub rate: FxRate,
}

deserialize_via!(Conversion, ConversionRepr { original: Money, converted: Money, rate: FxRate }, MoneyError, |r| {
    Conversion::checked(r.original, r.converted, r.rate)
});

impl Conversion {
    /// The conversion if its parts agree (see [`Conversion`]); the check its JSON goes through.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    fn checked(original: Money, converted: Money, rate: FxRate) -> Result<Conversion, MoneyError> {
        let refuse = |problem| MoneyError::InconsistentConversion {
            original,
            converted,
            from: rate.from,
            to: rate.to,
            rate: rate.rate,
            problem,
        };
        if original.currency() != rate.from {
            return Err(refuse("the original is not in the rate's source currency"));
        }
        if converted.currency() != rate.to {
            return Err(refuse("the converted amount is not in the rate's target currency"));
        }
        if rate.from == rate.to {
            return match converted.amount() == original.amount() {
                true => Ok(Conversion { original, converted, rate }),
                false => Err(refuse("a conversion into the same currency changes nothing")),
            };
        }
        let bound = |strategy| at_rate(original, &rate, strategy).map_err(|_| refuse("the converted amount overflows"));
        let (down, up) = (bound(RoundingStrategy::ToNegativeInfinity)?, bound(RoundingStrategy::ToPositiveInfinity)?);
        if converted.amount() != down.amount() && converted.amount() != up.amount() {
            return Err(refuse("the converted amount is not the original at the rate, rounded to the minor unit"));
        }
        Ok(Conversion { original, converted, rate })
    }
}

/// `money` (of the rate's source currency) at `rate`, in the rate's target currency, rounded
/// once with `rounding` from the exact product (and quotient), however many places it has.
fn at_rate(money: Money, rate: &FxRate, rounding: RoundingStrategy) -> Result<Money, MoneyError> {
    let to_money = Money::new(money.amount(), rate.to);
    match rate.exact {
        None => to_money.mul_round_with(rate.rate, rounding).ok(),
        Some(e) => to_money.mul_div_round_with(e.dividend, e.divisor, rounding),
    }
    .ok_or(MoneyError::Overflow("convert"))
}

/// Convert `money` into `to` at the rate for `on`, rounding once (banker's rounding) to the
/// target's minor unit. Converting into the same currency returns the amount unchanged, not
/// rounded: the identity never changes an amount.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::money::{convert, InMemoryFxRates};
/// use revops::{Currency, Money};
/// let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
/// let mut rates = InMemoryFxRates::new();
/// rates.insert(Currency::EUR, Currency::USD, day, "1.0825".parse()?)?;
/// let c = convert(Money::parse("99.99", Currency::EUR)?, Currency::USD, day, &rates)?;
/// assert_eq!(c.converted, Money::parse("108.24", Currency::USD)?); // 108.239175, rounded once
/// assert_eq!(c.rate.as_of(), day);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The rate source's error (no rate for the pair or date), a rate for another pair than the one
/// asked, or an overflow.
pub fn convert<R: FxRates + ?Sized>(
    money: Money,
    to: Currency,
    on: NaiveDate,
    rates: &R,
) -> Result<Conversion, MoneyError> {
    convert_with(money, to, on, rates, super::DEFAULT_ROUNDING)
}

/// [`convert`] with an explicit rounding strategy.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::money::{convert_with, InMemoryFxRates};
/// use revops::{Currency, Money, RoundingStrategy};
/// use rust_decimal::Decimal;
///
/// let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
/// let mut rates = InMemoryFxRates::new();
/// rates.insert(Currency::EUR, Currency::USD, day, Decimal::new(10845, 4))?; // 1.0845
/// let eur = Money::parse("10.05", Currency::EUR)?; // 10.899225 USD
/// let down = convert_with(eur, Currency::USD, day, &rates, RoundingStrategy::ToZero)?;
/// assert_eq!(down.converted, Money::parse("10.89", Currency::USD)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`convert`].
pub fn convert_with<R: FxRates + ?Sized>(
    money: Money,
    to: Currency,
    on: NaiveDate,
    rates: &R,
    rounding: RoundingStrategy,
) -> Result<Conversion, MoneyError> {
    let from = money.currency();
    if from == to {
        // The identity changes nothing: no rate to look up and no rounding (1.005 USD stays 1.005).
        return Ok(Conversion { original: money, converted: money, rate: FxRate::identity(from, on) });
    }
    let rate = rates.rate(from, to, on)?;
    if rate.from != from || rate.to != to {
        // a rate source that answered for another pair: name the side that differs
        let (left, right) = if rate.from != from { (from, rate.from) } else { (to, rate.to) };
        return Err(MoneyError::CurrencyMismatch { op: "fx rate pair", left, right });
    }
    let converted = at_rate(money, &rate, rounding)?;
    Ok(Conversion { original: money, converted, rate })
}
