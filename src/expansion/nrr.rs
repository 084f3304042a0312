//! NRR planning: how much expansion a target net revenue retention needs.

use rust_decimal::Decimal;

use super::ExpansionError;
use crate::money::Money;

/// The expansion and pipeline a target NRR implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NrrPlan {
    /// Expansion ARR needed.
    pub required_expansion: Money,
    /// Expansion pipeline needed at the expected win rate.
    pub required_pipeline: Money,
    /// Pipeline ÷ required expansion (1 ÷ win rate).
    pub coverage: Decimal,
}

/// `NRR = (start − churn − contraction + expansion) ÷ start`, solved for expansion.
///
/// ```
/// use revops::expansion::plan_nrr;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// let m = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// // $100M base, 150% NRR target, $5M churn, $3M contraction, 40% win rate.
/// let p = plan_nrr(m("100000000"), Decimal::new(150, 2), m("5000000"), m("3000000"), Decimal::new(4, 1))?;
/// assert_eq!(p.required_expansion, m("58000000"));
/// assert_eq!(p.required_pipeline, m("145000000"));
/// assert_eq!(p.coverage, Decimal::new(25, 1));
/// # Ok::<(), revops::expansion::ExpansionError>(())
/// ```
pub fn plan_nrr(
    start: Money,
    target_nrr: Decimal,
    churn: Money,
    contraction: Money,
    win_rate: Decimal,
) -> Result<NrrPlan, ExpansionError> {
    if win_rate <= Decimal::ZERO || win_rate > Decimal::ONE {
        return Err(ExpansionError::InvalidInput(format!("win rate {win_rate} must be in (0, 1]")));
    }
    if target_nrr < Decimal::ZERO || start.amount() <= Decimal::ZERO {
        return Err(ExpansionError::InvalidInput("start ARR must be positive and the target not negative".into()));
    }
    let needed = start.checked_mul(target_nrr)?.checked_sub(start)?.checked_add(churn)?.checked_add(contraction)?;
    let required_expansion = if needed.is_negative() { Money::zero(start.currency()) } else { needed };
    Ok(NrrPlan {
        required_expansion,
        required_pipeline: required_expansion.checked_div(win_rate)?.round(),
        coverage: Decimal::ONE / win_rate,
    })
}
