//! Products of two `i128`s, held whole (256 bits), and their quotients rounded once: what the
//! money types need to round `amount × factor` or `amount × num ÷ den` exactly where the product
//! passes `i128` (a third of a dollar carried to 28 places, times a rate of ten digits).
//! `rust_decimal` rounds such a product to 28 places first, so the rounding to the cent that
//! follows is a second one. Only magnitudes are held here; the caller keeps the sign.

use std::cmp::Ordering;

use rust_decimal::RoundingStrategy;

/// An unsigned 256-bit integer: `hi · 2¹²⁸ + lo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct U256 {
    hi: u128,
    lo: u128,
}

/// `a × b`, whole.
fn mul(a: u128, b: u128) -> U256 {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0, b1, b0) = (a >> 64, a & LOW, b >> 64, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // the middle column: each part below 2¹²⁸, their sum and the carry from p00 below 2¹³⁰
    let middle = (p01 & LOW) + (p10 & LOW) + (p00 >> 64);
    let lo = (p00 & LOW) | (middle << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    U256 { hi, lo }
}

/// `n ÷ d` (d > 0), truncated, with the remainder: binary long division, bit by bit.
fn div_rem(n: U256, d: u128) -> (U256, u128) {
    let (mut q, mut r) = (U256 { hi: 0, lo: 0 }, 0u128);
    for i in (0..256).rev() {
        let bit = if i >= 128 { (n.hi >> (i - 128)) & 1 } else { (n.lo >> i) & 1 };
        // r < d, so 2r + 1 may pass 2¹²⁸: keep the bit shifted out
        let carry = r >> 127;
        r = (r << 1) | bit;
        if carry == 1 || r >= d {
            r = r.wrapping_sub(d);
            if i >= 128 {
                q.hi |= 1 << (i - 128);
            } else {
                q.lo |= 1 << i;
            }
        }
    }
    (q, r)
}

/// `a × b ÷ d` (d > 0) truncated, with the remainder, from the whole product; `None` when the
/// quotient passes `u128`.
pub(crate) fn mul_div_rem(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    let (q, r) = div_rem(mul(a, b), d);
    (q.hi == 0).then_some((q.lo, r))
}

/// `|a| × |b| ÷ 10^places`, rounded once with `strategy`, signed as `a × b`; `None` when the
/// result passes `i128`.
pub(crate) fn mul_pow10_round(a: i128, b: i128, places: u32, strategy: RoundingStrategy) -> Option<i128> {
    mul_div_pow10_round(a, b, 1, places, strategy)
}

/// `|a| × |b| ÷ (d × 10^places)` (d > 0), rounded once with `strategy`, signed as `a × b`;
/// `None` when the result passes `i128`. The divisor need not fit 128 bits: the quotient is
/// taken by `d`, then by 10³⁸ at a time, truncating, with what each cut kept aside (a nested
/// floor is the floor of the whole, and a remainder cut before makes a half more than half).
pub(crate) fn mul_div_pow10_round(a: i128, b: i128, d: i128, places: u32, strategy: RoundingStrategy) -> Option<i128> {
    // the common case, where the product and the divisor fit i128: one narrow division
    let narrow_divisor = 10i128.checked_pow(places).and_then(|p| p.checked_mul(d));
    if let (Some(n), Some(divisor)) = (a.checked_mul(b), narrow_divisor) {
        return Some(super::ratio::div_round(n, divisor, strategy));
    }
    wide_mul_div_pow10_round(a, b, d, places, strategy)
}

/// [`mul_div_pow10_round`] in 256 bits, for any operands.
fn wide_mul_div_pow10_round(a: i128, b: i128, d: i128, places: u32, strategy: RoundingStrategy) -> Option<i128> {
    let negative = (a < 0) != (b < 0);
    let n = mul(a.unsigned_abs(), b.unsigned_abs());
    if places == 0 {
        return finish(n, d.unsigned_abs(), false, negative, strategy);
    }
    let (mut n, r) = div_rem(n, d.unsigned_abs());
    let (mut left, mut sticky) = (places, r != 0);
    while left > 38 {
        let (q, r) = div_rem(n, 10u128.pow(38));
        (n, sticky, left) = (q, sticky || r != 0, left - 38);
    }
    // 10^left is even, so a remainder below half stays below it with any cut part added
    finish(n, 10u128.pow(left), sticky, negative, strategy)
}

/// `n ÷ d` rounded with `strategy`, where `sticky` says a part smaller than any remainder was
/// cut before (so a remainder of exactly half is more than half).
fn finish(n: U256, d: u128, sticky: bool, negative: bool, strategy: RoundingStrategy) -> Option<i128> {
    let (q, r) = div_rem(n, d);
    if q.hi != 0 || q.lo > i128::MAX as u128 {
        return None;
    }
    let q = q.lo as i128;
    if r == 0 && !sticky {
        return Some(if negative { -q } else { q });
    }
    // the remainder against half the divisor, with what was cut before
    let half = match r.cmp(&(d - r)) {
        Ordering::Equal if sticky => Ordering::Greater,
        other => other,
    };
    let up = super::ratio::rounds_away(strategy, half, negative, q % 2 == 1);
    let q = if up { q.checked_add(1)? } else { q };
    Some(if negative { -q } else { q })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (a, b, places, a × b ÷ 10^places rounded half to even), the results by Python's exact
    /// integers: `round(Fraction(a * b, 10 ** places))` (which rounds half to even).
    const POW10: &[(i128, i128, u32, i128)] = &[
        (6666666666666666666666666667, 75, 30, 1),
        (5, 1, 1, 0),
        (15, 1, 1, 2),
        (-25, 1, 1, -2),
        (-35, 1, 1, -4),
        (100000000000000000000000000001, 5, 30, 1),
        (
            170141183460469231731687303715884105727,
            170141183460469231731687303715884105727,
            39,
            28948022309329048855892746252171976963,
        ),
        (99999999999999999999999999999, 99999999999999999999999999999, 56, 100),
        (99999999999999999999999999999, 99999999999999999999999999999, 58, 1),
        (5, 1, 60, 0),
        (50000000000000000000000000000, 10000000000000000000000000000, 57, 0),
        (50000000000000000000000000001, 10000000000000000000000000000, 57, 1),
        (150000000000000000000000000000, 10000000000000000000000000000, 57, 2),
    ];

    #[test]
    fn products_divided_by_powers_of_ten_round_once() {
        for &(a, b, places, want) in POW10 {
            let got = mul_pow10_round(a, b, places, RoundingStrategy::MidpointNearestEven);
            assert_eq!(got, Some(want), "{a} × {b} ÷ 10^{places}");
        }
        assert_eq!(mul_pow10_round(i128::MAX, i128::MAX, 0, RoundingStrategy::ToZero), None);
        assert_eq!(mul_pow10_round(i128::MAX, i128::MAX, 38, RoundingStrategy::ToZero), None); // 2.9e38
        assert_eq!(mul_pow10_round(i128::MIN, 1, 0, RoundingStrategy::ToZero), Some(i128::MIN));
        assert_eq!(mul_pow10_round(i128::MIN, -1, 0, RoundingStrategy::ToZero), None);
        // +2¹²⁷ does not fit
    }

    #[test]
    fn products_divided_by_any_divisor_round_once_as_the_narrow_division_does() {
        // where the product fits i128, the 256-bit path agrees with plain i128 arithmetic
        let values = [0i128, 1, -1, 2, 3, -7, 10, 999, -1_000_003, 123_456_789_012_345, i64::MAX as i128];
        let divisors = [1i128, 2, 3, 7, 10, 1_000_000_007, i64::MAX as i128];
        let strategies = super::super::ratio::tests::STRATEGIES;
        for &a in &values {
            for &b in &values {
                for &d in &divisors {
                    for &s in &strategies {
                        let narrow = super::super::ratio::div_round(a * b, d, s);
                        assert_eq!(wide_mul_div_pow10_round(a, b, d, 0, s), Some(narrow), "{a} × {b} ÷ {d} {s:?}");
                        assert_eq!(
                            wide_mul_div_pow10_round(a, b, 1, 3, s),
                            Some(super::super::ratio::div_round(a * b, 1000, s))
                        );
                    }
                }
            }
        }
        // a divisor past i128: 10¹² ÷ 7 (to 28 places) × 10¹² ÷ ((10¹² + 1) × 10²⁸), by Python's
        // Fraction: 142857142857.14285699999999999985714285714…, to even 142857142857
        let seventh = 1_428_571_428_571_428_571_428_571_429i128; // 1/7 at 28 places
        let got = mul_div_pow10_round(
            seventh,
            1_000_000_000_000,
            1_000_000_000_001,
            16,
            RoundingStrategy::MidpointNearestEven,
        );
        assert_eq!(got, Some(142_857_142_857));
        // past i128: (2¹²⁷ − 1)² ÷ (2¹²⁷ − 1) is 2¹²⁷ − 1 exactly
        assert_eq!(mul_div_pow10_round(i128::MAX, i128::MAX, i128::MAX, 0, RoundingStrategy::ToZero), Some(i128::MAX));
    }
}
