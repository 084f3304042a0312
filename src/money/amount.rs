use std::cmp::Ordering;
use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Currency, MoneyError};

/// The rounding used where a caller does not choose one: banker's rounding (half to even), which
/// does not bias sums of many rounded amounts upwards.
pub const DEFAULT_ROUNDING: RoundingStrategy = RoundingStrategy::MidpointNearestEven;

/// An exact amount of one currency.
///
/// The amount keeps full `Decimal` precision until [`Money::round`] is called, so intermediate
/// results (a per-day rate, a tax before rounding) lose nothing. All arithmetic is checked.
///
/// ```
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let a = Money::new(Decimal::new(1999, 2), Currency::USD); // 19.99
/// let b = Money::from_minor_units(1, Currency::USD)?;          // 0.01
/// let total = a.checked_add(b)?;
/// assert_eq!(total.to_string(), "USD 20.00");
/// assert!(a.checked_add(Money::zero(Currency::EUR)).is_err());
/// assert_eq!(Money::new(Decimal::new(1005, 3), Currency::USD).round().to_string(), "USD 1.00");
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency, kept at whatever precision `amount` has.
    #[inline]
    pub const fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero of a currency.
    #[inline]
    pub const fn zero(currency: Currency) -> Money {
        Money { amount: Decimal::ZERO, currency }
    }

    /// Parse a decimal string such as `"1234.56"` into an amount of `currency`.
    ///
    /// # Errors
    /// Text that is not a decimal amount ([`MoneyError::InvalidAmount`]).
    pub fn parse(amount: &str, currency: Currency) -> Result<Money, MoneyError> {
        let amount = amount.trim().parse::<Decimal>().map_err(|_| MoneyError::InvalidAmount(amount.to_string()))?;
        Ok(Money::new(amount, currency))
    }

    /// An amount given in minor units (cents for USD, yen for JPY, fils for KWD).
    ///
    /// # Errors
    /// Never for a currency in the table (every `i64` fits); kept a `Result` to match
    /// [`Money::from_minor_units_i128`].
    pub fn from_minor_units(minor: i64, currency: Currency) -> Result<Money, MoneyError> {
        Self::from_minor_units_i128(i128::from(minor), currency)
    }

    /// Like [`Money::from_minor_units`], for totals beyond `i64`.
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// // a ledger total in cents past i64: 10^20 cents
    /// let total = Money::from_minor_units_i128(100_000_000_000_000_000_000, Currency::USD)?;
    /// assert_eq!(total.to_string(), "USD 1,000,000,000,000,000,000.00");
    /// assert!(Money::from_minor_units_i128(i128::MAX, Currency::USD).is_err()); // past Decimal's 96 bits
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] beyond `Decimal`'s 96-bit mantissa.
    pub fn from_minor_units_i128(minor: i128, currency: Currency) -> Result<Money, MoneyError> {
        let (mut units, mut places) = (minor, currency.minor_units());
        loop {
            match Decimal::try_from_i128_with_scale(units, places) {
                Ok(amount) => return Ok(Money::new(amount, currency)),
                // a whole amount past 96 bits of minor units may still fit in whole units
                Err(_) if places > 0 && units % 10 == 0 => (units, places) = (units / 10, places - 1),
                Err(_) => return Err(MoneyError::Overflow("from_minor_units")),
            }
        }
    }

    /// The exact amount.
    #[inline]
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    #[inline]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True when the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True when the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money, op: &'static str) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { op, left: self.currency, right: other.currency })
        }
    }

    /// `self + other`, exactly; a currency mismatch, an overflow or a sum that `Decimal` could
    /// only hold rounded (`Decimal::MAX + 0.4`, or 10²⁷ + 0.000001) is an error.
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let max = Money::new(Decimal::MAX, Currency::USD);
    /// assert!(max.checked_add(Money::parse("0.4", Currency::USD)?).is_err()); // not silently MAX
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`], [`MoneyError::Overflow`].
    #[inline]
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other, "add")?;
        let amount = exact(self.amount, other.amount, self.amount.checked_add(other.amount))
            .ok_or(MoneyError::Overflow("add"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self - other`, exactly; as [`Money::checked_add`].
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// assert_eq!(usd("100.00").checked_sub(usd("0.01"))?, usd("99.99"));
    /// assert!(usd("1").checked_sub(Money::parse("1", Currency::EUR)?).is_err()); // no silent mixing
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`], [`MoneyError::Overflow`].
    #[inline]
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other, "sub")?;
        let amount = exact(self.amount, other.amount, self.amount.checked_sub(other.amount))
            .ok_or(MoneyError::Overflow("sub"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// The absolute amount.
    pub fn abs(self) -> Money {
        Money::new(self.amount.abs(), self.currency)
    }

    /// `self × factor` at full precision, as far as a `Decimal` holds it: a product that needs
    /// more than 28 decimal places is rounded there. For an amount rounded once to the minor
    /// unit, from the exact product, use [`Money::mul_round`].
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let price = Money::parse("19.99", Currency::USD)?;
    /// let exact = price.checked_mul(Decimal::new(15, 1))?; // × 1.5
    /// assert_eq!(exact.amount(), Decimal::new(29985, 3)); // 29.985: kept until rounded
    /// assert_eq!(exact.round(), Money::parse("29.98", Currency::USD)?); // banker's rounding
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    #[inline]
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self.amount.checked_mul(factor).ok_or(MoneyError::Overflow("mul"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// `self × factor` rounded once, half to even, to the currency's minor unit, from the exact
    /// product, however many places it has. ([`Money::checked_mul`] then a rounding would round
    /// twice where the product passes 28 places: USD 0.0100000000000000000000000001 × 0.5 is
    /// 0.00500000000000000000000000005, above half a cent, but reads 0.0050000000000000000000000000
    /// at 28 places, which rounds down.)
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let price = Money::parse("0.0075", Currency::USD)?;
    /// let two_thirds = Decimal::TWO / Decimal::from(3); // 0.6666666666666666666666666667
    /// // the exact product is 0.00500000000000000000000000000025: just over half a cent
    /// assert_eq!(price.mul_round(two_thirds)?, Money::parse("0.01", Currency::USD)?);
    /// assert_eq!(price.checked_mul(two_thirds)?.round(), Money::parse("0.00", Currency::USD)?); // rounded twice
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the result does not fit.
    pub fn mul_round(self, factor: Decimal) -> Result<Money, MoneyError> {
        self.mul_round_with(factor, super::DEFAULT_ROUNDING)
    }

    /// [`Money::mul_round`] with an explicit rounding strategy.
    ///
    /// # Errors
    /// As [`Money::mul_round`].
    pub fn mul_round_with(self, factor: Decimal, strategy: RoundingStrategy) -> Result<Money, MoneyError> {
        let overflow = || MoneyError::Overflow("mul");
        let minor = self.currency.minor_units();
        let places = self.amount.scale() + factor.scale();
        // the product in minor units: mantissa × mantissa ÷ 10^(places − minor)
        let (a, places) = match places.checked_sub(minor) {
            Some(p) => (self.amount.mantissa(), p),
            None => (self.amount.mantissa().checked_mul(10i128.pow(minor - places)).ok_or_else(overflow)?, 0),
        };
        let units = super::wide::mul_pow10_round(a, factor.mantissa(), places, strategy).ok_or_else(overflow)?;
        Money::from_minor_units_i128(units, self.currency)
    }

    /// `self ÷ divisor` rounded once, half to even, to the currency's minor unit, from the exact
    /// quotient (how inclusive tax backs a net out of a gross); `None` for a divisor of zero or
    /// below, or a result that does not fit.
    pub(crate) fn div_round(self, divisor: Decimal) -> Option<Money> {
        self.mul_div_round_with(Decimal::ONE, divisor, super::DEFAULT_ROUNDING)
    }

    /// `self × numerator ÷ divisor` rounded once with `strategy` to the currency's minor unit,
    /// from the exact value however many places it has (a conversion at an inverse rate, kept
    /// as `1 ÷ quote`); `None` for a divisor of zero or below, or a result that does not fit.
    pub(crate) fn mul_div_round_with(
        self,
        numerator: Decimal,
        divisor: Decimal,
        strategy: RoundingStrategy,
    ) -> Option<Money> {
        if divisor <= Decimal::ZERO {
            return None;
        }
        let (amount, numerator, divisor) = (self.amount.normalize(), numerator.normalize(), divisor.normalize());
        // a/10^sa × n/10^sn ÷ (d/10^sd) in minor units (10^m): a × n × 10^(sd + m) ÷ (d × 10^(sa + sn))
        let up = divisor.scale() + self.currency.minor_units();
        let down = amount.scale() + numerator.scale();
        let (mut a, mut n) = (amount.mantissa(), numerator.mantissa());
        for _ in 0..up.saturating_sub(down) {
            // spread the shift over both factors; each stays within i128
            match a.checked_mul(10) {
                Some(x) if x.unsigned_abs() < 1u128 << 120 => a = x,
                _ => n = n.checked_mul(10)?,
            }
        }
        let places = down.saturating_sub(up);
        let units = super::wide::mul_div_pow10_round(a, n, divisor.mantissa(), places, strategy)?;
        Money::from_minor_units_i128(units, self.currency).ok()
    }

    /// `self ÷ divisor` at full precision.
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let annual = Money::parse("100", Currency::USD)?;
    /// let monthly = annual.checked_div(Decimal::from(12))?;
    /// assert_eq!(monthly.round(), Money::parse("8.33", Currency::USD)?);
    /// assert!(annual.checked_div(Decimal::ZERO).is_err());
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::DivisionByZero`], [`MoneyError::Overflow`].
    pub fn checked_div(self, divisor: Decimal) -> Result<Money, MoneyError> {
        if divisor.is_zero() {
            return Err(MoneyError::DivisionByZero("div"));
        }
        let amount = self.amount.checked_div(divisor).ok_or(MoneyError::Overflow("div"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// The ratio `self ÷ other` of two amounts in the same currency.
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// assert_eq!(usd("25").ratio(usd("100"))?, "0.25".parse()?);
    /// assert!(usd("25").ratio(usd("0")).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`], [`MoneyError::DivisionByZero`], [`MoneyError::Overflow`].
    pub fn ratio(self, other: Money) -> Result<Decimal, MoneyError> {
        self.same_currency(&other, "ratio")?;
        if other.amount.is_zero() {
            return Err(MoneyError::DivisionByZero("ratio"));
        }
        self.amount.checked_div(other.amount).ok_or(MoneyError::Overflow("ratio"))
    }

    /// Sum amounts that must all be in `currency` (an empty list sums to zero). Checked: a
    /// currency mismatch or a sum beyond `Decimal`'s range is an error, never a panic and never a
    /// rounded total; a running total that passes the range and comes back is no error, whatever
    /// the order of the terms (as [`checked_sum`](crate::money::checked_sum)).
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// assert_eq!(Money::sum(Currency::USD, [usd("0.10"), usd("0.20")])?, usd("0.30")); // exactly
    /// assert!(Money::sum(Currency::USD, [usd("1"), Money::parse("1", Currency::EUR)?]).is_err());
    /// assert_eq!(Money::sum(Currency::USD, [])?, Money::zero(Currency::USD));
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`], [`MoneyError::Overflow`] (as [`Money::checked_add`]).
    pub fn sum<I: IntoIterator<Item = Money>>(currency: Currency, items: I) -> Result<Money, MoneyError> {
        let amount = |m: Money| -> Result<Decimal, MoneyError> {
            Money::zero(currency).same_currency(&m, "add")?;
            Ok(m.amount)
        };
        let mut items = items.into_iter();
        let mut total = Decimal::ZERO;
        // the plain fold, allocation-free (a quote's totals); only a running total past the
        // range takes the terms again, every currency still checked first
        while let Some(m) = items.next() {
            let x = amount(m)?;
            match super::amount::exact(total, x, total.checked_add(x)) {
                Some(t) => total = t,
                None => {
                    let terms =
                        [Ok(total), Ok(x)].into_iter().chain(items.map(amount)).collect::<Result<Vec<_>, _>>()?;
                    total = super::allocate::sum_reordered(terms).map_err(|_| MoneyError::Overflow("add"))?;
                    break;
                }
            }
        }
        Ok(Money::new(total, currency))
    }

    /// Round to the currency's minor unit with banker's rounding ([`DEFAULT_ROUNDING`]).
    #[inline]
    pub fn round(self) -> Money {
        self.round_with(DEFAULT_ROUNDING)
    }

    /// Round to the currency's minor unit with an explicit strategy.
    ///
    /// ```
    /// use revops::{Currency, Money, RoundingStrategy};
    /// let m = Money::parse("2.675", Currency::USD)?;
    /// assert_eq!(m.round_with(RoundingStrategy::MidpointAwayFromZero), Money::parse("2.68", Currency::USD)?);
    /// assert_eq!(m.round_with(RoundingStrategy::ToZero), Money::parse("2.67", Currency::USD)?);
    /// // yen have no minor unit
    /// assert_eq!(Money::parse("1234.5", Currency::JPY)?.round_with(RoundingStrategy::MidpointNearestEven).to_string(), "JPY 1,234");
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    #[inline]
    pub fn round_with(self, strategy: RoundingStrategy) -> Money {
        let amount = self.amount.round_dp_with_strategy(self.currency.minor_units(), strategy);
        Money::new(amount, self.currency)
    }

    /// True when the amount has no digits beyond the currency's minor unit.
    pub fn is_rounded(&self) -> bool {
        self.amount.normalize().scale() <= self.currency.minor_units()
    }

    /// The amount as an integer count of minor units. The amount must already be rounded
    /// (an amount with sub-minor digits is an error rather than a silent rounding).
    ///
    /// # Errors
    /// [`MoneyError::SubMinorUnit`] for an amount not yet rounded, [`MoneyError::Overflow`] beyond `i64`.
    pub fn to_minor_units(&self) -> Result<i64, MoneyError> {
        self.to_minor_units_i128()?.try_into().map_err(|_| MoneyError::Overflow("to_minor_units"))
    }

    /// Like [`Money::to_minor_units`], for totals beyond `i64`.
    ///
    /// # Errors
    /// [`MoneyError::SubMinorUnit`] for an amount not yet rounded, [`MoneyError::Overflow`].
    pub fn to_minor_units_i128(&self) -> Result<i128, MoneyError> {
        if !self.is_rounded() {
            return Err(MoneyError::SubMinorUnit {
                amount: self.amount,
                currency: self.currency,
                minor_units: self.currency.minor_units(),
            });
        }
        let scaled = self.amount.normalize();
        let shift = self.currency.minor_units() - scaled.scale();
        scaled.mantissa().checked_mul(10i128.pow(shift)).ok_or(MoneyError::Overflow("to_minor_units"))
    }

    /// A lossy `f64` view for statistics and charts; never feed it back into money.
    pub fn to_f64_lossy(&self) -> f64 {
        self.amount.to_f64().unwrap_or(f64::NAN)
    }

    /// Compare two amounts of the same currency.
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// assert_eq!(usd("10").checked_cmp(&usd("9.99"))?, Ordering::Greater);
    /// assert!(usd("10").checked_cmp(&Money::parse("10", Currency::EUR)?).is_err());
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`]: dollars and euros do not compare.
    pub fn checked_cmp(&self, other: &Money) -> Result<Ordering, MoneyError> {
        self.same_currency(other, "compare")?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// Split into `n` parts that differ by at most one minor unit and sum exactly to the
    /// rounded amount; earlier parts get the extra units.
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// let parts = Money::parse("100.00", Currency::USD)?.split(3)?;
    /// let shown: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
    /// assert_eq!(shown, ["33.34", "33.33", "33.33"]);
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// `n` of zero, `n` above [`MAX_PARTS`](crate::limits::MAX_PARTS), or an amount whose minor
    /// units overflow.
    pub fn split(self, n: usize) -> Result<Vec<Money>, MoneyError> {
        if n == 0 {
            return Err(MoneyError::ZeroParts);
        }
        crate::limits::check("parts of a split", n, crate::limits::MAX_PARTS)?;
        let weights = vec![Decimal::ONE; n];
        self.allocate(&weights)
    }
}

/// The result of `a ± b` when `Decimal` computed it exactly. `Decimal` aligns both operands to
/// the larger scale; only when the result does not fit there does it drop to a smaller scale,
/// rounding. Such a result is exact only if neither operand had digits below its scale.
#[inline]
pub(crate) fn exact(a: Decimal, b: Decimal, result: Option<Decimal>) -> Option<Decimal> {
    let r = result?;
    if r.scale() >= a.scale().max(b.scale())
        || (a.normalize().scale() <= r.scale() && b.normalize().scale() <= r.scale())
    {
        Some(r)
    } else {
        None
    }
}

impl std::ops::Neg for Money {
    type Output = Money;

    /// Negation cannot overflow (`Decimal` is sign-magnitude), so it is an operator.
    fn neg(self) -> Money {
        Money::new(-self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(s: &str) -> Money {
        Money::parse(s, Currency::USD).unwrap()
    }

    #[test]
    fn rounding_strategies_are_explicit() {
        assert_eq!(usd("0.125").round().amount(), Decimal::new(12, 2));
        assert_eq!(usd("0.135").round().amount(), Decimal::new(14, 2));
        let away = usd("0.125").round_with(RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(away.amount(), Decimal::new(13, 2));
        assert_eq!(Money::parse("2.5", Currency::JPY).unwrap().round().amount(), Decimal::from(2));
    }

    #[test]
    fn minor_units_round_trip_and_refuse_sub_minor() {
        let m = Money::from_minor_units(-12345, Currency::KWD).unwrap();
        assert_eq!(m.amount(), Decimal::new(-12345, 3));
        assert_eq!(m.to_minor_units().unwrap(), -12345);
        assert_eq!(usd("1.5").to_minor_units().unwrap(), 150);
        assert!(matches!(usd("1.005").to_minor_units(), Err(MoneyError::SubMinorUnit { .. })));
        assert_eq!(Money::parse("1.0000", Currency::CLF).unwrap().to_minor_units().unwrap(), 10_000);
    }

    #[test]
    fn overflow_is_an_error() {
        let max = Money::new(Decimal::MAX, Currency::USD);
        assert_eq!(max.checked_add(usd("1")), Err(MoneyError::Overflow("add")));
        assert_eq!(max.checked_mul(Decimal::TWO), Err(MoneyError::Overflow("mul")));
        assert!(max.to_minor_units().is_err());
        assert_eq!(usd("1").checked_div(Decimal::ZERO), Err(MoneyError::DivisionByZero("div")));
    }

    #[test]
    fn sums_that_decimal_could_only_round_are_errors() {
        let max = Money::new(Decimal::MAX, Currency::USD);
        // rust_decimal returns MAX for MAX + 0.4 and 10^27 for 10^27 + 0.000001
        assert_eq!(max.checked_add(usd("0.4")), Err(MoneyError::Overflow("add")));
        assert_eq!(max.checked_sub(usd("-0.4")), Err(MoneyError::Overflow("sub")));
        let big = usd("1000000000000000000000000000");
        assert_eq!(big.checked_add(usd("0.000001")), Err(MoneyError::Overflow("add")));
        // a smaller scale that is still exact is fine: 5·10^27 + 0.10 fits with one place, not two
        let huge = usd("5000000000000000000000000000");
        let sum = huge.checked_add(usd("0.10")).unwrap();
        assert_eq!(sum.amount(), "5000000000000000000000000000.1".parse::<Decimal>().unwrap());
        assert_eq!(sum.amount().scale(), 1);
        assert_eq!(usd("0.1").checked_add(usd("0.2")).unwrap(), usd("0.3"));
    }

    #[test]
    fn parse_refuses_garbage() {
        assert_eq!(Money::parse("12x", Currency::USD), Err(MoneyError::InvalidAmount("12x".into())));
    }

    #[test]
    fn sum_checks_currency() {
        let total = Money::sum(Currency::USD, [usd("1.10"), usd("2.20")]).unwrap();
        assert_eq!(total, usd("3.30"));
        assert!(Money::sum(Currency::USD, [Money::zero(Currency::EUR)]).is_err());
    }
}
