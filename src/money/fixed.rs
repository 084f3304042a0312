//! Amounts a ledger keeps at one scale, as integers.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::Decimal;

/// An amount as a whole number of units, the unit being its keeper's (10^−scale, or a part of
/// it: the ARR ledger keeps ARR in parts of 10⁻⁶ of a minor unit, so that a third is exact),
/// so that the unit is known without being stored. Adding two is one integer addition, where `Decimal`
/// compares scales and signs and carries across its 96-bit mantissa on every one: an
/// incremental ARR update makes dozens of additions and comparisons, and in `Decimal` they
/// were over half its instructions.
///
/// The 128 bits hold 10¹¹ values of 10²⁷ units each, so the sums a ledger keeps of the values
/// it admits (each below 10²⁷ units) never overflow. They are kept as bytes, so that
/// the type packs as tightly as `Decimal` does (an `i128` would be aligned to 16 bytes, and a
/// ledger's change point, a date and two amounts, would grow from 36 bytes to 48): the
/// arithmetic loads them as one `i128`, which costs nothing on the machines a ledger runs on.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Fixed([u8; 16]);

impl Fixed {
    pub(crate) const ZERO: Fixed = Fixed([0; 16]);

    pub(crate) fn from_units(units: i128) -> Fixed {
        Fixed(units.to_ne_bytes())
    }

    pub(crate) fn units(self) -> i128 {
        i128::from_ne_bytes(self.0)
    }

    /// `num ÷ den` units, rounded half to even; `None` for a zero `den`.
    pub(crate) fn from_ratio(num: i128, den: i128) -> Option<Fixed> {
        let (q, r) = (num.checked_div(den)?, num % den);
        // |r| against |den| − |r|, without doubling r (which could overflow)
        let (r, rest) = (r.unsigned_abs(), den.unsigned_abs() - r.unsigned_abs());
        let away = r > rest || (r == rest && q % 2 != 0);
        let sign = if (num < 0) != (den < 0) { -1 } else { 1 };
        Some(Fixed::from_units(if away { q + sign } else { q }))
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

    /// The amount as a `Decimal` of `scale` places: exact whenever `Decimal`'s 96-bit mantissa
    /// holds it (any amount a ledger reports), else rounded half to even to the places it does
    /// hold, as `Decimal`'s own arithmetic would.
    pub(crate) fn to_decimal(self, scale: u32) -> Decimal {
        // the fewest places dropped, each count rounded from the units themselves (dropping a
        // digit at a time would round twice)
        if let Ok(d) = Decimal::try_from_i128_with_scale(self.units(), scale) {
            return d;
        }
        for dropped in 1..=scale {
            // (past 10³⁸ every amount rounds to 0)
            let m = power_of_ten(dropped).and_then(|p| Fixed::from_ratio(self.units(), p)).map_or(0, Fixed::units);
            if let Ok(d) = Decimal::try_from_i128_with_scale(m, scale - dropped) {
                return d;
            }
        }
        if self.units() < 0 {
            Decimal::MIN
        } else {
            Decimal::MAX
        }
    }

    pub(crate) fn is_zero(self) -> bool {
        self.0 == [0; 16]
    }
}

/// 10^`n`, from a table (`i128::checked_pow` loops), or `None` past `i128`.
pub(crate) fn power_of_ten(n: u32) -> Option<i128> {
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
        // two digits past the 96-bit mantissa are dropped at once: …001.49 is …001, where
        // rounding a digit at a time (…0014.9 → …0015 → …002) rounded twice
        let m = 10i128.pow(28) + 1;
        let x = Fixed::from_units(m * 100 + 49);
        assert_eq!(x.to_decimal(2), Decimal::from_i128_with_scale(m, 0));
        assert_eq!((-x).to_decimal(2), Decimal::from_i128_with_scale(-m, 0));
        // halves go to the even neighbour, whatever the signs
        let ratio = |n: i128, d: i128| Fixed::from_ratio(n, d).map(Fixed::units);
        let table = [(5, 2, 2), (7, 2, 4), (-5, 2, -2), (-7, 2, -4), (5, -2, -2), (1, 3, 0), (2, 3, 1), (-2, 3, -1)];
        for (n, d, q) in table {
            assert_eq!(ratio(n, d), Some(q), "{n} / {d}");
        }
        assert_eq!(ratio(1, 0), None);
        assert_eq!(ratio(i128::MIN, -1), None);
        assert_eq!(ratio(i128::MAX, 2), Some(i128::MAX / 2 + 1));
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
