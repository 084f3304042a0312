//! Amounts a ledger keeps at one scale, as integers.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::Decimal;

/// An amount as a whole number of units of 10^−scale, the scale being its keeper's: a ledger
/// that holds every MRR value of a currency at that currency's MRR scale, say, so that the
/// scale is known without being stored. Adding two is one integer addition, where `Decimal`
/// compares scales and signs and carries across its 96-bit mantissa on every one: an
/// incremental ARR update makes dozens of additions and comparisons, and in `Decimal` they
/// were over half its instructions.
///
/// The 128 bits hold 10¹¹ values of 10²⁷ units each (10¹⁸ at nine decimal places), so the
/// sums a ledger keeps of the values it admits never overflow. They are kept as bytes, so that
/// the type packs as tightly as `Decimal` does (an `i128` would be aligned to 16 bytes, and a
/// ledger's change point, a date and two amounts, would grow from 36 bytes to 48): the
/// arithmetic loads them as one `i128`, which costs nothing on the machines a ledger runs on.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Fixed([u8; 16]);

impl Fixed {
    pub(crate) const ZERO: Fixed = Fixed([0; 16]);

    fn from_units(units: i128) -> Fixed {
        Fixed(units.to_ne_bytes())
    }

    fn units(self) -> i128 {
        i128::from_ne_bytes(self.0)
    }

    /// `d` at `scale`, exactly; `None` when `d` has digits past `scale` or does not fit.
    pub(crate) fn at_scale(d: Decimal, scale: u32) -> Option<Fixed> {
        let (m, s) = (d.mantissa(), d.scale());
        if s == scale {
            return Some(Fixed::from_units(m)); // a value rounded to the keeper's scale already
        }
        if s < scale {
            power_of_ten(scale - s).and_then(|p| m.checked_mul(p)).map(Fixed::from_units)
        } else {
            let p = power_of_ten(s - scale)?;
            (m % p == 0).then(|| Fixed::from_units(m / p))
        }
    }

    /// True when the amount, at `scale`, is more than `10^digits` in size (in whole units of
    /// money). No amount exceeds a limit past what 128 bits hold.
    pub(crate) fn exceeds_ten_to(self, digits: u32, scale: u32) -> bool {
        power_of_ten(digits + scale).is_some_and(|limit| self.units().unsigned_abs() > limit.unsigned_abs())
    }

    /// The amount as a `Decimal` of `scale` places: exact whenever `Decimal`'s 96-bit mantissa
    /// holds it (any amount a ledger reports), else rounded half to even to the places it does
    /// hold, as `Decimal`'s own arithmetic would.
    pub(crate) fn to_decimal(self, scale: u32) -> Decimal {
        let (mut m, mut s) = (self.units(), scale);
        loop {
            if let Ok(d) = Decimal::try_from_i128_with_scale(m, s) {
                return d;
            }
            if s == 0 {
                return if m < 0 { Decimal::MIN } else { Decimal::MAX };
            }
            let (q, r) = (m / 10, m % 10);
            let up = r.abs() > 5 || (r.abs() == 5 && q % 2 != 0);
            m = if up { q + m.signum() } else { q };
            s -= 1;
        }
    }

    pub(crate) fn is_zero(self) -> bool {
        self.0 == [0; 16]
    }
}

/// 10^`n`, from a table (`i128::checked_pow` loops), or `None` past `i128`.
fn power_of_ten(n: u32) -> Option<i128> {
    const POWERS: [i128; 39] = {
        let mut table = [1i128; 39];
        let mut i = 1;
        while i < 39 {
            table[i] = table[i - 1] * 10;
            i += 1;
        }
        table
    };
    POWERS.get(n as usize).copied()
}

impl Ord for Fixed {
    fn cmp(&self, o: &Fixed) -> std::cmp::Ordering {
        self.units().cmp(&o.units())
    }
}

impl PartialOrd for Fixed {
    fn partial_cmp(&self, o: &Fixed) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl std::fmt::Debug for Fixed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fixed({})", self.units())
    }
}

impl Add for Fixed {
    type Output = Fixed;
    fn add(self, o: Fixed) -> Fixed {
        Fixed::from_units(self.units() + o.units())
    }
}

impl Sub for Fixed {
    type Output = Fixed;
    fn sub(self, o: Fixed) -> Fixed {
        Fixed::from_units(self.units() - o.units())
    }
}

impl Neg for Fixed {
    type Output = Fixed;
    fn neg(self) -> Fixed {
        Fixed::from_units(-self.units())
    }
}

impl AddAssign for Fixed {
    fn add_assign(&mut self, o: Fixed) {
        *self = *self + o;
    }
}

impl SubAssign for Fixed {
    fn sub_assign(&mut self, o: Fixed) {
        *self = *self - o;
    }
}

impl Sum for Fixed {
    fn sum<I: Iterator<Item = Fixed>>(iter: I) -> Fixed {
        iter.fold(Fixed::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips_and_refuses_lost_digits() {
        // (value, scale, units at that scale or None)
        let table = [
            ("8.3333", 6, Some(8_333_300)),
            ("100", 6, Some(100_000_000)),
            ("-0.50", 2, Some(-50)),
            ("0.125", 2, None),
            ("1.2300", 2, Some(123)),
            ("0", 9, Some(0)),
        ];
        for (text, scale, units) in table {
            let d: Decimal = text.parse().unwrap();
            let fixed = Fixed::at_scale(d, scale);
            assert_eq!(fixed.map(Fixed::units), units, "{text} at {scale}");
            if let Some(f) = fixed {
                assert_eq!(f.to_decimal(scale), d, "{text} back from {scale}");
                assert_eq!(f.to_decimal(scale).scale(), scale);
            }
        }
    }

    #[test]
    fn past_decimals_mantissa_it_rounds_half_to_even() {
        // 2^96 = 79228162514264337593543950336: one unit too many for 96 bits at scale 0 is
        // 7922816251426433759354395033.6 at scale 1, rounded to ...034
        let f = Fixed::from_units(79_228_162_514_264_337_593_543_950_336);
        assert_eq!(f.to_decimal(1).to_string(), "7922816251426433759354395034");
        assert_eq!((-f).to_decimal(1).to_string(), "-7922816251426433759354395034");
        assert_eq!(Fixed::from_units(i128::MAX).to_decimal(0), Decimal::MAX);
        assert_eq!(std::mem::size_of::<Fixed>(), 16);
        // 10^18 at 6 places is 10^24 units: the limit itself passes, one unit more does not
        let limit = Fixed::at_scale(Decimal::from(10i64.pow(18)), 6).unwrap();
        assert!(!limit.exceeds_ten_to(18, 6) && (limit + Fixed::from_units(1)).exceeds_ten_to(18, 6));
        assert!((-limit - Fixed::from_units(1)).exceeds_ten_to(18, 6));
        // 10^39 is past 128 bits: nothing exceeds it; i128::MIN's size is taken without overflow
        assert!(!Fixed::from_units(i128::MAX).exceeds_ten_to(38, 1));
        assert!(Fixed::from_units(i128::MIN).exceeds_ten_to(38, 0));
        assert_eq!(power_of_ten(39), None);
        assert_eq!(power_of_ten(38), Some(10i128.pow(38)));
        assert_eq!(std::mem::align_of::<Fixed>(), 1);
    }

    proptest! {
        #[test]
        fn sums_agree_with_decimal(xs in prop::collection::vec((-10i64.pow(15)..10i64.pow(15), 0u32..7), 1..40)) {
            let scale = 6;
            let decimals: Vec<Decimal> = xs.iter().map(|&(m, s)| Decimal::new(m, s)).collect();
            let fixed: Fixed = decimals.iter().map(|&d| Fixed::at_scale(d, scale).unwrap()).sum();
            let total: Decimal = decimals.iter().sum();
            prop_assert_eq!(fixed.to_decimal(scale), total);
            let (a, b) = (decimals[0], decimals[decimals.len() - 1]);
            let (fa, fb) = (Fixed::at_scale(a, scale).unwrap(), Fixed::at_scale(b, scale).unwrap());
            prop_assert_eq!((fa - fb).to_decimal(scale), a - b);
            prop_assert_eq!(fa.cmp(&fb), a.cmp(&b));
            prop_assert_eq!(fa.is_zero(), a.is_zero());
        }
    }
}
