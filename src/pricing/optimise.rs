//! Discount optimisation: the discount that maximises expected margin, within the margin floor.

use super::PricingError;
use crate::money::Money;

/// The best discount found.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DiscountChoice {
    /// Discount as a fraction of list.
    pub discount: f64,
    /// P(win) at that discount.
    pub win_probability: f64,
    /// Gross margin if won (currency units).
    pub margin: f64,
    /// P(win) × margin.
    pub expected_margin: f64,
}

/// Search discounts `0, step, 2·step, … ≤ max_discount` for the best `P(win | d) × margin(d)`
/// with `margin(d) = list × (1 − d) − cost`, skipping discounts whose gross margin falls below
/// `floor` (a fraction). `win` is any win-probability curve: a fitted model's, or the caller's.
///
/// ```
/// use revops::pricing::optimise_discount;
/// use revops::{Currency, Money};
/// let list = Money::parse("100000", Currency::USD)?;
/// let cost = Money::parse("30000", Currency::USD)?;
/// // win probability rises with discount: 30% at list, +1.5 points per point of discount
/// let best = optimise_discount(list, cost, |d| (0.3 + 1.5 * d).min(1.0), 0.5, 0.01, 0.42)?;
/// // (0.3 + 1.5d)(70,000 − 100,000d) peaks where 75,000 = 300,000d: d = 0.25
/// assert!((best.discount - 0.25).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn optimise_discount(
    list: Money,
    cost: Money,
    win: impl Fn(f64) -> f64,
    max_discount: f64,
    step: f64,
    floor: f64,
) -> Result<DiscountChoice, PricingError> {
    if list.currency() != cost.currency() || list.amount() <= rust_decimal::Decimal::ZERO {
        return Err(PricingError::InvalidAmount("list must be positive and in the cost's currency".into()));
    }
    if !(step > 0.0 && (0.0..1.0).contains(&max_discount)) {
        return Err(PricingError::InvalidAmount("step must be positive and the maximum discount in [0, 1)".into()));
    }
    let (l, c) = (list.to_f64_lossy(), cost.to_f64_lossy());
    let mut best: Option<DiscountChoice> = None;
    let steps = (max_discount / step).floor() as u64;
    for k in 0..=steps {
        let d = k as f64 * step;
        let net = l * (1.0 - d);
        let margin = net - c;
        if net <= 0.0 || margin / net < floor {
            continue;
        }
        let p = win(d);
        if !(0.0..=1.0).contains(&p) {
            return Err(PricingError::InvalidAmount(format!("win probability {p} at discount {d} is outside [0, 1]")));
        }
        let choice = DiscountChoice { discount: d, win_probability: p, margin, expected_margin: p * margin };
        if best.is_none_or(|b| choice.expected_margin > b.expected_margin) {
            best = Some(choice);
        }
    }
    best.ok_or(PricingError::BelowMarginFloor { margin: 100.0 * (l - c) / l, floor: 100.0 * floor })
}
