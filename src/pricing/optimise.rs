//! Discount optimisation: the discount that maximises expected margin, within the margin floor.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::PricingError;
use crate::money::{Money, MoneyError, Percent};

/// The best discount found.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DiscountChoice {
    /// Discount off list.
    pub discount: Percent,
    /// P(win) at that discount (the caller's model's).
    pub win_probability: f64,
    /// Gross margin if won: `list × (1 − discount) − cost`, exact.
    pub margin: Money,
    /// P(win) × margin: a statistic, so `f64`.
    pub expected_margin: f64,
}

/// Search discounts `0, step, 2·step, … ≤ max_discount` for the best `P(win | d) × margin(d)`
/// with `margin(d) = list × (1 − d) − cost`, skipping discounts whose gross margin falls below
/// `floor`. `win` is any win-probability curve (it receives the discount as an `f64` fraction): a
/// fitted model's, or the caller's. The grid and the floor test are exact; only the win
/// probability and the expected margin are `f64`.
///
/// ```
/// use revops::pricing::optimise_discount;
/// use revops::{Currency, Money};
/// let list = Money::parse("100000", Currency::USD)?;
/// let cost = Money::parse("30000", Currency::USD)?;
/// // win probability rises with discount: 30% at list, +1.5 points per point of discount
/// let best = optimise_discount(list, cost, |d| (0.3 + 1.5 * d).min(1.0), "50%".parse()?, "1%".parse()?, "42%".parse()?)?;
/// // (0.3 + 1.5d)(70,000 − 100,000d) peaks where 75,000 = 300,000d: d = 0.25
/// assert_eq!(best.discount.to_string(), "25%");
/// assert_eq!(best.margin, Money::parse("45000", Currency::USD)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A non-positive list or one in another currency than the cost; a step that is not positive or
/// a maximum discount outside `[0%, 100%)`; more than [`MAX_COUNT`](crate::limits::MAX_COUNT)
/// grid points; a win probability outside `[0, 1]` (or NaN); no discount that keeps the margin at
/// or above the floor ([`PricingError::BelowMarginFloor`], with the margin at list).
pub fn optimise_discount(
    list: Money,
    cost: Money,
    win: impl Fn(f64) -> f64,
    max_discount: Percent,
    step: Percent,
    floor: Percent,
) -> Result<DiscountChoice, PricingError> {
    if list.currency() != cost.currency() || list.amount() <= Decimal::ZERO {
        return Err(PricingError::InvalidInput(format!(
            "list {list} must be positive and in the currency of the cost {cost}"
        )));
    }
    if step <= Percent::ZERO || max_discount.is_negative() || max_discount >= Percent::HUNDRED {
        return Err(PricingError::InvalidInput(format!(
            "step {step} must be positive and the maximum discount {max_discount} in [0%, 100%)"
        )));
    }
    floor.check_unit("margin floor")?;
    let steps = max_discount.fraction().checked_div(step.fraction()).ok_or(MoneyError::Overflow("div"))?.floor();
    // the grid is 0, step, …, steps × step: one point more than there are steps
    let points = steps.to_u64().and_then(|s| s.checked_add(1)).unwrap_or(u64::MAX);
    let steps = crate::limits::check("discount grid points", points, crate::limits::MAX_COUNT)? - 1;
    let mut best: Option<DiscountChoice> = None;
    for k in 0..=steps {
        let d =
            Percent::from_fraction(step.fraction().checked_mul(Decimal::from(k)).ok_or(MoneyError::Overflow("mul"))?);
        let net = d.complement()?.of(list)?;
        let margin = net.checked_sub(cost)?;
        if net.is_negative() || net.is_zero() || below_floor(margin, net, floor) {
            continue;
        }
        let p = win(d.to_f64_lossy());
        if !(0.0..=1.0).contains(&p) {
            return Err(PricingError::InvalidInput(format!("win probability {p} at a {d} discount is outside [0, 1]")));
        }
        let expected_margin = p * margin.to_f64_lossy();
        if best.is_none_or(|b| expected_margin > b.expected_margin) {
            best = Some(DiscountChoice { discount: d, win_probability: p, margin, expected_margin });
        }
    }
    // no discount passed, not even none: the margin at list is below the floor
    let margin = shown_below(Percent::ratio(list.checked_sub(cost)?, list)?, floor);
    best.ok_or(PricingError::BelowMarginFloor { margin, floor })
}

/// A margin known to be below `floor`, as an error shows it: its quotient, rounded to 28 places,
/// can round up to the floor itself (42% − 8·10⁻³⁰ is 42% to 28 places); then the largest
/// 28-place fraction below the floor, which is the margin rounded down, so it never reads as
/// at the floor.
pub(super) fn shown_below(margin: Percent, floor: Percent) -> Percent {
    if margin < floor {
        return margin;
    }
    // a floor in [0%, 100%] has at most 28 places, and one unit of the 28th less is in range
    Percent::from_fraction(floor.fraction().checked_sub(Decimal::new(1, 28)).unwrap_or(floor.fraction()))
}

/// Whether `margin` is below `floor` of a positive `net`, exactly: `margin < floor × net` with the
/// product carried in full (a `Decimal` product, like `margin / net`, is rounded past 28 digits).
fn below_floor(margin: Money, net: Money, floor: Percent) -> bool {
    share_cmp(margin.amount(), net.amount(), floor.fraction()).is_lt()
}

/// How `part ÷ whole` compares with `share`, for a positive `whole`, exactly: as `part` with
/// `whole × share` carried in full (a `Decimal` quotient or product is rounded past 28 digits, so
/// a margin a hair below a floor could read as the floor).
pub(super) fn share_cmp(part: Decimal, whole: Decimal, share: Decimal) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if let Some(product) = whole.checked_mul(share).filter(|p| p.scale() == whole.scale() + share.scale()) {
        return part.cmp(&product); // no digit dropped: the Decimal product is exact
    }
    // whole > 0, so whole × share has the sign of share (and is not zero: a zero product is exact)
    let negative = |x: Decimal| x.is_sign_negative() && !x.is_zero();
    match (negative(part), negative(share)) {
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    // |p_mantissa| / 10^ps against |w_mantissa| × |s_mantissa| / 10^(ws + ss):
    // |p_mantissa| × 10^(ws + ss) against |w_mantissa| × |s_mantissa| × 10^ps
    let left = scaled(&limbs(part.mantissa().unsigned_abs()), whole.scale() + share.scale());
    let right =
        scaled(&mul(&limbs(whole.mantissa().unsigned_abs()), &limbs(share.mantissa().unsigned_abs())), part.scale());
    let magnitudes = compare(&left, &right);
    if negative(part) {
        magnitudes.reverse() // both negative: the larger magnitude is the smaller number
    } else {
        magnitudes
    }
}

/// An unsigned number as little-endian base-2³² limbs (each held in a `u64`).
fn limbs(x: u128) -> Vec<u64> {
    (0..4).map(|i| ((x >> (32 * i)) & 0xFFFF_FFFF) as u64).collect()
}

/// The product of two limb numbers, in full.
fn mul(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; a.len() + b.len() + 1];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            // limbs < 2³², so x × y + out + carry < 2⁶⁴
            let t = x * y + out[i + j] + carry;
            out[i + j] = t & 0xFFFF_FFFF;
            carry = t >> 32;
        }
        let mut k = i + b.len();
        while carry > 0 {
            let t = out[k] + carry;
            out[k] = t & 0xFFFF_FFFF;
            carry = t >> 32;
            k += 1;
        }
    }
    out
}

/// `a × 10^k`, in full.
fn scaled(a: &[u64], k: u32) -> Vec<u64> {
    (0..k).fold(a.to_vec(), |acc, _| mul(&acc, &[10]))
}

/// Compare two limb numbers of any lengths.
fn compare(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let top = |v: &[u64]| v.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
    let (la, lb) = (top(a), top(b));
    la.cmp(&lb).then_with(|| a[..la].iter().rev().cmp(b[..lb].iter().rev()))
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use rust_decimal::Decimal;

    use super::share_cmp;

    #[test]
    fn a_share_is_compared_exactly_whatever_the_signs_past_28_places() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // 1.2 × 0.4200000000000000000000000001 = 0.50400000000000000000000000012: 29 places, which
        // the Decimal product rounds away
        let (whole, share) = (d("1.2"), d("0.4200000000000000000000000001"));
        let part = d("0.5040000000000000000000000001"); // …010 < …012
        assert_eq!(share_cmp(part, whole, share), Ordering::Less);
        assert_eq!(share_cmp(-part, whole, -share), Ordering::Greater);
        assert_eq!(share_cmp(-part, whole, share), Ordering::Less);
        assert_eq!(share_cmp(part, whole, -share), Ordering::Greater);
        assert_eq!(share_cmp(d("0.5040000000000000000000000002"), whole, share), Ordering::Greater);
        assert_eq!(share_cmp(d("5.04"), d("12"), d("0.42")), Ordering::Equal);
    }
}
