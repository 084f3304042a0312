//! Exact fractions for proration and progress: `num / den` in integers, applied to money with one
//! rounding. `Decimal` cannot hold 14/31 exactly; a `Ratio` can, so a prorated charge or a
//! cumulative revenue figure is rounded once, from the exact value.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Money, MoneyError};

/// An exact fraction `num / den` with `den > 0`.
///
/// ```
/// use revops::money::Ratio;
/// use revops::{Currency, Money};
/// // Lago's proration example: €100 for 14 of 31 days.
/// let used = Ratio::new(14, 31)?;
/// let charge = Money::parse("100.00", Currency::EUR)?.mul_ratio(used)?;
/// assert_eq!(charge.to_string(), "45.16 EUR");
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den`; a zero denominator is an error. The sign is carried by the numerator.
    pub fn new(num: i128, den: i128) -> Result<Ratio, MoneyError> {
        match den.cmp(&0) {
            Ordering::Equal => Err(MoneyError::DivisionByZero("ratio")),
            Ordering::Greater => Ok(Ratio { num, den }),
            Ordering::Less => {
                let overflow = MoneyError::Overflow("ratio");
                Ok(Ratio { num: num.checked_neg().ok_or(overflow.clone())?, den: den.checked_neg().ok_or(overflow)? })
            }
        }
    }

    /// The exact ratio of two decimals, `num / den`.
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
    fn cmp(&self, other: &Self) -> Ordering {
        // Cross-multiplication can overflow for extreme ratios; fall back to float only to order them.
        match (self.num.checked_mul(other.den), other.num.checked_mul(self.den)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => (self.num as f64 / self.den as f64).total_cmp(&(other.num as f64 / other.den as f64)),
        }
    }
}

/// `n / d` rounded to an integer with `strategy` (`d > 0`).
pub(crate) fn div_round(n: i128, d: i128, strategy: RoundingStrategy) -> i128 {
    let q = n / d; // truncated toward zero
    let r = n % d;
    if r == 0 {
        return q;
    }
    let sign = if n < 0 { -1 } else { 1 };
    let away = q + sign;
    // compare |r| with d/2 without overflow: 2|r| vs d
    let twice = r.unsigned_abs().saturating_mul(2);
    let half = twice.cmp(&d.unsigned_abs());
    #[allow(deprecated)]
    match strategy {
        RoundingStrategy::ToZero | RoundingStrategy::RoundDown => q,
        RoundingStrategy::AwayFromZero | RoundingStrategy::RoundUp => away,
        RoundingStrategy::ToNegativeInfinity => q.min(away),
        RoundingStrategy::ToPositiveInfinity => q.max(away),
        RoundingStrategy::MidpointAwayFromZero | RoundingStrategy::RoundHalfUp => {
            if half == Ordering::Less {
                q
            } else {
                away
            }
        }
        RoundingStrategy::MidpointTowardZero | RoundingStrategy::RoundHalfDown => {
            if half == Ordering::Greater {
                away
            } else {
                q
            }
        }
        // MidpointNearestEven, BankersRounding, and any strategy added later.
        _ => match half {
            Ordering::Less => q,
            Ordering::Greater => away,
            Ordering::Equal => {
                if q % 2 == 0 {
                    q
                } else {
                    away
                }
            }
        },
    }
}

impl Money {
    /// `self × ratio`, rounded once (banker's rounding) to the currency's minor unit from the
    /// exact product.
    pub fn mul_ratio(self, ratio: Ratio) -> Result<Money, MoneyError> {
        self.mul_ratio_with(ratio, super::DEFAULT_ROUNDING)
    }

    /// [`Money::mul_ratio`] with an explicit rounding strategy.
    pub fn mul_ratio_with(self, ratio: Ratio, strategy: RoundingStrategy) -> Result<Money, MoneyError> {
        let overflow = MoneyError::Overflow("mul_ratio");
        let minor = self.currency().minor_units();
        let amount = self.amount();
        let (mantissa, scale) = (amount.mantissa(), amount.scale());
        // value = mantissa / 10^scale; result in minor units = mantissa × num × 10^minor / (10^scale × den)
        let (mut num, mut den) = (mantissa.checked_mul(ratio.num).ok_or(overflow.clone())?, ratio.den);
        if scale >= minor {
            den =
                den.checked_mul(10i128.checked_pow(scale - minor).ok_or(overflow.clone())?).ok_or(overflow.clone())?;
        } else {
            num = num.checked_mul(10i128.pow(minor - scale)).ok_or(overflow.clone())?;
        }
        let units = div_round(num, den, strategy);
        Money::from_minor_units_i128(units, self.currency())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    #[test]
    fn integer_rounding_matches_decimal_rounding() {
        let strategies = [
            RoundingStrategy::MidpointNearestEven,
            RoundingStrategy::MidpointAwayFromZero,
            RoundingStrategy::MidpointTowardZero,
            RoundingStrategy::ToZero,
            RoundingStrategy::AwayFromZero,
            RoundingStrategy::ToNegativeInfinity,
            RoundingStrategy::ToPositiveInfinity,
        ];
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
        assert!(Ratio::new(1, 0).is_err());
        assert!(Ratio::new(1, 3).unwrap() < Ratio::new(1, 2).unwrap());
        assert_eq!(
            Ratio::of_decimals(Decimal::new(512, 3), Decimal::ONE).unwrap().to_decimal(3).unwrap(),
            Decimal::new(512, 3)
        );
    }
}
