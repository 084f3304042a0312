//! Exact fractions for proration and progress: `num / den` in integers, applied to money with one
//! rounding. `Decimal` cannot hold 14/31 exactly; a `Ratio` can, so a prorated charge or a
//! cumulative revenue figure is rounded once, from the exact value.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Money, MoneyError};

/// An exact fraction `num / den`, kept in lowest terms with `den > 0`, so that equality and
/// hashing are by value (`1/2 == 2/4`) and ordering is exact.
///
/// ```
/// use revops::money::Ratio;
/// use revops::{Currency, Money};
/// // Lago's proration example: €100 for 14 of 31 days.
/// let used = Ratio::new(14, 31)?;
/// let charge = Money::parse("100.00", Currency::EUR)?.mul_ratio(used)?;
/// assert_eq!(charge.to_string(), "EUR 45.16");
/// assert_eq!(Ratio::new(1, 2)?, Ratio::new(2, 4)?);
/// assert!(Ratio::new(1, 0).is_err());
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RatioRepr"))]
pub struct Ratio {
    num: i128,
    den: i128,
}

deserialize_via!(Ratio, RatioRepr { num: i128, den: i128 }, MoneyError, |r| Ratio::new(r.num, r.den));

/// The greatest common divisor (Euclid's).
pub(crate) fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den` in lowest terms; the sign is carried by the numerator.
    ///
    /// # Errors
    /// A zero denominator, or a value whose lowest terms do not fit (`1 / i128::MIN`, whose
    /// denominator would be 2¹²⁷).
    pub fn new(num: i128, den: i128) -> Result<Ratio, MoneyError> {
        if den == 0 {
            return Err(MoneyError::DivisionByZero("ratio"));
        }
        let negative = (num < 0) != (den < 0);
        let g = gcd(num.unsigned_abs(), den.unsigned_abs()); // ≥ 1, since den ≠ 0
        let (n, d) = (num.unsigned_abs() / g, den.unsigned_abs() / g);
        let overflow = MoneyError::Overflow("ratio");
        let den = i128::try_from(d).map_err(|_| overflow.clone())?;
        let num = if negative && n != 0 {
            // n ≤ 2¹²⁷, and 2¹²⁷ wraps to exactly i128::MIN
            (n as i128).wrapping_neg()
        } else {
            i128::try_from(n).map_err(|_| overflow)?
        };
        Ok(Ratio { num, den })
    }

    /// The exact ratio of two decimals, `num / den`.
    ///
    /// ```
    /// use revops::money::Ratio;
    /// use rust_decimal::Decimal;
    /// let r = Ratio::of_decimals(Decimal::new(15, 1), Decimal::new(45, 1))?; // 1.5 / 4.5
    /// assert_eq!((r.num(), r.den()), (1, 3)); // exact and reduced
    /// assert!(Ratio::of_decimals(Decimal::ONE, Decimal::ZERO).is_err());
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// A zero denominator, or scales that do not fit `i128`.
    pub fn of_decimals(num: Decimal, den: Decimal) -> Result<Ratio, MoneyError> {
        let scale = num.scale().max(den.scale());
        let lift = |d: Decimal| {
            10i128
                .checked_pow(scale - d.scale())
                .and_then(|f| d.mantissa().checked_mul(f))
                .ok_or(MoneyError::Overflow("ratio"))
        };
        Ratio::new(lift(num)?, lift(den)?)
    }

    /// A decimal as a ratio (exact).
    ///
    /// ```
    /// use revops::money::Ratio;
    /// use rust_decimal::Decimal;
    /// let r = Ratio::from_decimal(Decimal::new(125, 3))?; // 0.125
    /// assert_eq!((r.num(), r.den()), (1, 8));
    /// assert_eq!(r.to_decimal(2)?, Decimal::new(12, 2)); // a view rounded half to even: 0.12
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// Never in practice (every `Decimal` fits); as [`Ratio::of_decimals`].
    pub fn from_decimal(value: Decimal) -> Result<Ratio, MoneyError> {
        Ratio::of_decimals(value, Decimal::ONE)
    }

    /// The numerator.
    pub fn num(&self) -> i128 {
        self.num
    }

    /// The denominator (always positive).
    pub fn den(&self) -> i128 {
        self.den
    }

    /// The ratio clamped into `[0, 1]`.
    pub fn clamp_unit(self) -> Ratio {
        if self.num <= 0 {
            Ratio::ZERO
        } else if self.num >= self.den {
            Ratio::ONE
        } else {
            self
        }
    }

    /// A rounded `Decimal` view with `dp` decimal places, for display.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] for more places than fit.
    pub fn to_decimal(&self, dp: u32) -> Result<Decimal, MoneyError> {
        let factor = 10i128.checked_pow(dp).ok_or(MoneyError::Overflow("ratio"))?;
        let scaled = self.num.checked_mul(factor).ok_or(MoneyError::Overflow("ratio"))?;
        let q = div_round(scaled, self.den, RoundingStrategy::MidpointNearestEven);
        Decimal::try_from_i128_with_scale(q, dp).map_err(|_| MoneyError::Overflow("ratio"))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    /// Exact, with no overflow for any pair: compares the integer parts, then the remainders
    /// by the reciprocals of their fractions (Euclid's algorithm, as continued fractions do).
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_fractions(self.num, self.den, other.num, other.den)
    }
}

/// `a/b` against `c/d` for `b, d > 0`, exactly.
fn cmp_fractions(a: i128, b: i128, c: i128, d: i128) -> Ordering {
    // floor division keeps the remainders in [0, denominator)
    let (qa, ra) = (a.div_euclid(b), a.rem_euclid(b));
    let (qc, rc) = (c.div_euclid(d), c.rem_euclid(d));
    match qa.cmp(&qc) {
        Ordering::Equal => {}
        unequal => return unequal,
    }
    match (ra == 0, rc == 0) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        // ra/b vs rc/d, both in (0, 1): the larger fraction has the smaller reciprocal
        (false, false) => cmp_fractions(d, rc, b, ra),
    }
}

/// `n / d` rounded to an integer with `strategy` (`d > 0`).
pub(crate) fn div_round(n: i128, d: i128, strategy: RoundingStrategy) -> i128 {
    let q = n / d; // truncated toward zero
    let r = n % d;
    if r == 0 {
        return q;
    }
    // compare |r| with d/2 without overflow: 2|r| vs d
    let half = r.unsigned_abs().saturating_mul(2).cmp(&d.unsigned_abs());
    if rounds_away(strategy, half, n < 0, q % 2 != 0) {
        q + n.signum()
    } else {
        q
    }
}

/// Whether a quotient truncated toward zero, whose cut remainder compares with half the divisor
/// as `half` (never for no remainder), moves one away from zero under `strategy`: `negative` is
/// the result's sign, `odd` the truncated quotient's parity (for half to even).
pub(crate) fn rounds_away(strategy: RoundingStrategy, half: Ordering, negative: bool, odd: bool) -> bool {
    #[allow(deprecated)]
    match strategy {
        RoundingStrategy::ToZero | RoundingStrategy::RoundDown => false,
        RoundingStrategy::AwayFromZero | RoundingStrategy::RoundUp => true,
        RoundingStrategy::ToNegativeInfinity => negative,
        RoundingStrategy::ToPositiveInfinity => !negative,
        RoundingStrategy::MidpointAwayFromZero | RoundingStrategy::RoundHalfUp => half != Ordering::Less,
        RoundingStrategy::MidpointTowardZero | RoundingStrategy::RoundHalfDown => half == Ordering::Greater,
        // MidpointNearestEven, BankersRounding, and any strategy added later
        _ => half == Ordering::Greater || (half == Ordering::Equal && odd),
    }
}

impl Money {
    /// `self × ratio`, rounded once (banker's rounding) to the currency's minor unit from the
    /// exact product.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] when the result does not fit `i128` minor units.
    pub fn mul_ratio(self, ratio: Ratio) -> Result<Money, MoneyError> {
        self.mul_ratio_with(ratio, super::DEFAULT_ROUNDING)
    }

    /// [`Money::mul_ratio`] with an explicit rounding strategy.
    ///
    /// ```
    /// use revops::money::Ratio;
    /// use revops::{Currency, Money, RoundingStrategy};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let two_thirds = Ratio::new(2, 3)?;
    /// // exact 66.666…: one rounding, at the end, in the direction asked
    /// assert_eq!(usd("100").mul_ratio_with(two_thirds, RoundingStrategy::ToZero)?, usd("66.66"));
    /// assert_eq!(usd("100").mul_ratio_with(two_thirds, RoundingStrategy::AwayFromZero)?, usd("66.67"));
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Money::mul_ratio`].
    pub fn mul_ratio_with(self, ratio: Ratio, strategy: RoundingStrategy) -> Result<Money, MoneyError> {
        let overflow = || MoneyError::Overflow("mul_ratio");
        let minor = self.currency().minor_units();
        let amount = self.amount();
        let (mantissa, scale) = (amount.mantissa(), amount.scale());
        // value = mantissa / 10^scale; in minor units: mantissa × 10^minor × num / (10^scale × den),
        // the product held whole (256 bits), so only a result past i128 overflows
        let (a, places) = match scale.checked_sub(minor) {
            Some(places) => (mantissa, places),
            None => (mantissa.checked_mul(10i128.pow(minor - scale)).ok_or_else(overflow)?, 0),
        };
        let units = super::wide::mul_div_pow10_round(a, ratio.num, ratio.den, places, strategy).ok_or_else(overflow)?;
        Money::from_minor_units_i128(units, self.currency())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn equal_values_are_equal_ratios() {
        // (num, den, reduced num, reduced den)
        const CASES: &[(i128, i128, i128, i128)] = &[
            (2, 4, 1, 2),
            (-6, 9, -2, 3),
            (6, -9, -2, 3),
            (0, -7, 0, 1),
            (i128::MAX, i128::MAX, 1, 1),
            (i128::MIN, 2, i128::MIN / 2, 1),
            (i128::MIN, 1, i128::MIN, 1),
            (i128::MIN, i128::MIN, 1, 1),
        ];
        for &(n, d, rn, rd) in CASES {
            let r = Ratio::new(n, d).unwrap();
            assert_eq!((r.num(), r.den()), (rn, rd), "{n}/{d}");
        }
        assert!(Ratio::new(1, i128::MIN).is_err()); // -1 / 2^127 has no positive denominator that fits
        assert!(Ratio::new(i128::MIN, -1).is_err()); // 2^127 does not fit
    }

    #[test]
    fn ordering_is_exact_where_products_overflow() {
        let m = i128::MAX;
        let a = Ratio::new(m - 1, m).unwrap();
        let b = Ratio::new(m - 2, m - 1).unwrap();
        // (M-1)/M > (M-2)/(M-1), though as f64 both are 1.0
        assert_eq!(a.cmp(&b), Ordering::Greater);
        assert_eq!(b.cmp(&a), Ordering::Less);
        assert_eq!(Ratio::new(-1, 3).unwrap().cmp(&Ratio::new(-1, 2).unwrap()), Ordering::Greater);
        assert_eq!(Ratio::new(7, 7).unwrap().cmp(&Ratio::ONE), Ordering::Equal);
        assert_eq!(Ratio::new(i128::MIN, 3).unwrap().cmp(&Ratio::new(i128::MAX, 3).unwrap()), Ordering::Less);
    }

    /// Every rounding strategy that is not deprecated, for tests of the integer roundings.
    pub(crate) const STRATEGIES: [RoundingStrategy; 7] = [
        RoundingStrategy::MidpointNearestEven,
        RoundingStrategy::MidpointAwayFromZero,
        RoundingStrategy::MidpointTowardZero,
        RoundingStrategy::ToZero,
        RoundingStrategy::AwayFromZero,
        RoundingStrategy::ToNegativeInfinity,
        RoundingStrategy::ToPositiveInfinity,
    ];

    #[test]
    fn integer_rounding_matches_decimal_rounding() {
        let strategies = STRATEGIES;
        for n in -40i128..=40 {
            for d in [1i128, 2, 3, 4, 7, 8] {
                for s in strategies {
                    let expected = (Decimal::from(n) / Decimal::from(d)).round_dp_with_strategy(0, s);
                    assert_eq!(Decimal::from(div_round(n, d, s)), expected, "{n}/{d} {s:?}");
                }
            }
        }
    }

    #[test]
    fn mul_ratio_rounds_once_from_the_exact_value() {
        let m = Money::parse("0.125", Currency::USD).unwrap();
        assert_eq!(m.mul_ratio(Ratio::ONE).unwrap().amount(), Decimal::new(12, 2));
        let jpy = Money::parse("1000", Currency::JPY).unwrap();
        assert_eq!(jpy.mul_ratio(Ratio::new(1, 3).unwrap()).unwrap().amount(), Decimal::from(333));
        assert_eq!(Ratio::new(1, -2).unwrap(), Ratio::new(-1, 2).unwrap());
        assert_eq!(Ratio::new(2, 4).unwrap(), Ratio::new(1, 2).unwrap());
        assert!(Ratio::new(1, 0).is_err());
        assert!(Ratio::new(1, 3).unwrap() < Ratio::new(1, 2).unwrap());
        assert_eq!(
            Ratio::of_decimals(Decimal::new(512, 3), Decimal::ONE).unwrap().to_decimal(3).unwrap(),
            Decimal::new(512, 3)
        );
    }
}
