//! The exact product of two `Decimal`s, rounded once: their 96-bit mantissas multiply into at
//! most 192 bits, which `Decimal` (28 digits) and `i128` cannot always hold, so the product is
//! kept in four 64-bit limbs until it is rounded.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// An unsigned 256-bit integer, least significant limb first.
#[derive(Clone, Copy)]
struct U256([u64; 4]);

impl U256 {
    /// `a × b`, exactly.
    fn mul(a: u128, b: u128) -> U256 {
        let (a, b) = ([a as u64, (a >> 64) as u64], [b as u64, (b >> 64) as u64]);
        let mut limbs = [0u64; 4];
        for (i, &x) in a.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &y) in b.iter().enumerate() {
                let t = u128::from(x) * u128::from(y) + u128::from(limbs[i + j]) + carry;
                limbs[i + j] = t as u64;
                carry = t >> 64;
            }
            limbs[i + 2] = carry as u64;
        }
        U256(limbs)
    }

    /// `self × m`; `None` past 256 bits.
    fn mul_small(self, m: u64) -> Option<U256> {
        let mut limbs = [0u64; 4];
        let mut carry = 0u128;
        for (out, &x) in limbs.iter_mut().zip(&self.0) {
            let t = u128::from(x) * u128::from(m) + carry;
            *out = t as u64;
            carry = t >> 64;
        }
        (carry == 0).then_some(U256(limbs))
    }

    /// `(self ÷ d, self mod d)` for a non-zero `d`.
    fn div_rem_small(self, d: u64) -> (U256, u64) {
        let mut limbs = [0u64; 4];
        let mut rem = 0u128;
        for (out, &x) in limbs.iter_mut().zip(&self.0).rev() {
            let t = (rem << 64) | u128::from(x);
            *out = (t / u128::from(d)) as u64;
            rem = t % u128::from(d);
        }
        (U256(limbs), rem as u64)
    }

    fn from(m: u128) -> U256 {
        U256([m as u64, (m >> 64) as u64, 0, 0])
    }

    /// `self × 10^places`; `None` past 256 bits.
    fn scale_up(self, places: u32) -> Option<U256> {
        let mut x = self;
        let mut left = places;
        while left > 0 {
            let n = left.min(19);
            x = x.mul_small(10u64.pow(n))?;
            left -= n;
        }
        Some(x)
    }

    fn to_u128(self) -> Option<u128> {
        (self.0[2] == 0 && self.0[3] == 0).then(|| u128::from(self.0[0]) | (u128::from(self.0[1]) << 64))
    }
}

/// `a × b` rounded half to even to `scale` places, from the exact product; `None` when the
/// rounded result does not fit a `Decimal`.
pub(crate) fn mul_round_half_even(a: Decimal, b: Decimal, scale: u32) -> Option<Decimal> {
    let negative = a.is_sign_negative() != b.is_sign_negative();
    let mut p = U256::mul(a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let places = a.scale() + b.scale();
    if places <= scale {
        for _ in places..scale {
            p = p.mul_small(10)?;
        }
    } else {
        // drop all but one of the extra digits, remembering whether any of them was non-zero
        let mut drop = places - scale - 1;
        let mut sticky = false;
        while drop > 0 {
            let n = drop.min(19);
            let (q, r) = p.div_rem_small(10u64.pow(n));
            (p, sticky, drop) = (q, sticky || r != 0, drop - n);
        }
        let (q, digit) = p.div_rem_small(10);
        let odd = q.0[0] % 2 == 1;
        let up = digit > 5 || (digit == 5 && (sticky || odd));
        p = q;
        if up {
            p = add_one(p)?;
        }
    }
    let units = i128::try_from(p.to_u128()?).ok()?;
    let units = if negative { -units } else { units };
    Decimal::try_from_i128_with_scale(units, scale).ok()
}

/// `n ÷ d` rounded half to even to `scale` places, exactly, for `n ≥ 0` and `d > 0`: `Decimal`'s
/// 28-place quotient, rounded, then checked against the exact midpoints on either side (and
/// moved by one minor unit when a digit past the 28th put it on the wrong side). `None` for
/// other signs, or when a value does not fit.
pub(crate) fn div_round_half_even(n: Decimal, d: Decimal, scale: u32) -> Option<Decimal> {
    if n.is_sign_negative() || d.is_sign_negative() || d.is_zero() {
        return None;
    }
    let mut c = n.checked_div(d)?.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointNearestEven);
    let (unit, half) = (Decimal::new(1, scale), Decimal::new(5, scale + 1));
    let even = |a: Decimal, b: Decimal| {
        let mut x = a;
        x.rescale(scale);
        if x.mantissa() % 2 == 0 {
            a
        } else {
            b
        }
    };
    for _ in 0..3 {
        let (lo, hi) = (c.checked_sub(half)?, c.checked_add(half)?);
        match compare_with_product(n, hi, d)? {
            Ordering::Greater => {
                c = c.checked_add(unit)?;
                continue;
            }
            Ordering::Equal => return Some(even(c, c.checked_add(unit)?)),
            Ordering::Less => {}
        }
        if !lo.is_sign_negative() {
            match compare_with_product(n, lo, d)? {
                Ordering::Less => {
                    c = c.checked_sub(unit)?;
                    continue;
                }
                Ordering::Equal => return Some(even(c.checked_sub(unit)?, c)),
                Ordering::Greater => {}
            }
        }
        return Some(c);
    }
    None
}

/// `n` against `a × b`, exactly, for values zero or more.
fn compare_with_product(n: Decimal, a: Decimal, b: Decimal) -> Option<Ordering> {
    let left = U256::from(n.mantissa().unsigned_abs());
    let right = U256::mul(a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let (sl, sr) = (n.scale(), a.scale() + b.scale());
    let (left, right) = if sl < sr { (left.scale_up(sr - sl)?, right) } else { (left, right.scale_up(sl - sr)?) };
    Some(left.0.iter().rev().cmp(right.0.iter().rev()))
}

fn add_one(p: U256) -> Option<U256> {
    let mut limbs = p.0;
    for limb in &mut limbs {
        let (v, carry) = limb.overflowing_add(1);
        *limb = v;
        if !carry {
            return Some(U256(limbs));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn products_round_once_half_to_even_from_every_digit() {
        let two_thirds = Decimal::TWO / Decimal::from(3);
        let cases = [
            (dec("0.0075"), two_thirds, 2, Some(dec("0.01"))),
            (dec("0.0075"), dec("0.6666666666666666666666666666"), 2, Some(dec("0.00"))),
            (dec("-0.0075"), two_thirds, 2, Some(dec("-0.01"))),
            (dec("0.005"), Decimal::ONE, 2, Some(dec("0.00"))),
            (dec("0.015"), Decimal::ONE, 2, Some(dec("0.02"))),
            (dec("0.0150000000000000000000000001"), dec("1.0000000000000000000000000000"), 2, Some(dec("0.02"))),
            (dec("0.0050000000000000000000000001"), dec("1.0000000000000000000000000000"), 2, Some(dec("0.01"))),
            (dec("12.5"), dec("3"), 0, Some(dec("38"))),
            (dec("7"), dec("3"), 4, Some(dec("21.0000"))),
            (Decimal::MAX, Decimal::ONE, 0, Some(Decimal::MAX)),
            (Decimal::MAX, Decimal::TWO, 0, None),
            (Decimal::MAX, Decimal::MAX, 2, None),
            (Decimal::MAX, Decimal::ONE, 2, None),
        ];
        for (a, b, scale, want) in cases {
            assert_eq!(mul_round_half_even(a, b, scale), want, "{a} × {b} to {scale} places");
        }
    }

    #[test]
    fn quotients_round_once_half_to_even_from_every_digit() {
        let cases = [
            (dec("0.03"), dec("1.199999999999999999999999999"), 2, Some(dec("0.03"))),
            (dec("0.03"), dec("1.200000000000000000000000001"), 2, Some(dec("0.02"))),
            (dec("0.03"), dec("1.2"), 2, Some(dec("0.02"))),
            (dec("0.09"), dec("1.2"), 2, Some(dec("0.08"))), // 0.075: to even
            (dec("100"), dec("1.2"), 2, Some(dec("83.33"))),
            (dec("1"), dec("3"), 0, Some(dec("0"))),
            (dec("0"), dec("1.07"), 2, Some(dec("0"))),
            (dec("-1"), dec("1.2"), 2, None),
            (dec("1"), Decimal::ZERO, 2, None),
        ];
        for (n, d, scale, want) in cases {
            assert_eq!(div_round_half_even(n, d, scale), want, "{n} ÷ {d} to {scale} places");
        }
        for n in 0..300i64 {
            for d in ["1.07", "1.2", "1.19", "1.0825", "3"] {
                let (n, d) = (Decimal::new(n, 2), dec(d));
                let want = (n / d).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
                assert_eq!(div_round_half_even(n, d, 2), Some(want), "{n} ÷ {d}");
            }
        }
    }

    #[test]
    fn agrees_with_decimal_where_decimal_is_exact() {
        for a in [-12345i64, -7, 0, 1, 5, 15, 25, 999_999, 123_456_789] {
            for b in [-3i64, 1, 2, 7, 333, 1001] {
                for (sa, sb) in [(0, 0), (2, 1), (3, 3), (4, 2), (6, 5)] {
                    let (x, y) = (Decimal::new(a, sa), Decimal::new(b, sb));
                    let want = (x * y).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
                    assert_eq!(mul_round_half_even(x, y, 2), Some(want), "{x} × {y}");
                }
            }
        }
    }
}
