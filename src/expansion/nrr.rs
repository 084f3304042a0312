//! NRR planning: how much expansion a target net revenue retention needs.

use rust_decimal::Decimal;

use super::ExpansionError;
use crate::money::{Money, MoneyError, Percent};

/// The expansion and pipeline a target NRR implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NrrPlan {
    /// Expansion ARR needed.
    pub required_expansion: Money,
    /// Expansion pipeline needed at the expected win rate.
    pub required_pipeline: Money,
    /// Pipeline ÷ required expansion (1 ÷ win rate).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub coverage: Decimal,
}

/// `NRR = (start − churn − contraction + expansion) ÷ start`, solved for expansion.
///
/// ```
/// use revops::expansion::plan_nrr;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// let m = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// // $100M base, 150% NRR target, $5M churn, $3M contraction, 40% win rate:
/// // 100M × 150% − 100M + 5M + 3M = 58M of expansion; 58M ÷ 40% = 145M of pipeline.
/// let p = plan_nrr(m("100000000"), "150%".parse()?, m("5000000"), m("3000000"), "40%".parse()?)?;
/// assert_eq!(p.required_expansion, m("58000000"));
/// assert_eq!(p.required_pipeline, m("145000000"));
/// assert_eq!(p.coverage, Decimal::new(25, 1));
/// assert!(plan_nrr(m("100000000"), "150%".parse()?, m("0"), m("0"), "0%".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ExpansionError::InvalidInput`] for a win rate outside (0%, 100%], a negative target or a
/// start ARR that is not positive; a money error for amounts in different currencies or too
/// large for a `Decimal`.
pub fn plan_nrr(
    start: Money,
    target_nrr: Percent,
    churn: Money,
    contraction: Money,
    win_rate: Percent,
) -> Result<NrrPlan, ExpansionError> {
    if win_rate <= Percent::ZERO || win_rate > Percent::HUNDRED {
        return Err(ExpansionError::InvalidInput(format!("win rate {win_rate} must be in (0%, 100%]")));
    }
    if target_nrr.is_negative() || start.amount() <= Decimal::ZERO {
        return Err(ExpansionError::InvalidInput("start ARR must be positive and the target not negative".into()));
    }
    let needed = target_nrr.of(start)?.checked_sub(start)?.checked_add(churn)?.checked_add(contraction)?;
    let required_expansion = if needed.is_negative() { Money::zero(start.currency()) } else { needed };
    Ok(NrrPlan {
        required_expansion,
        required_pipeline: required_expansion.checked_div(win_rate.fraction())?.round(),
        // win rate ≥ 1e-28, so 1 ÷ it is at most 1e28: it fits, but stays checked
        coverage: Decimal::ONE.checked_div(win_rate.fraction()).ok_or(MoneyError::Overflow("pipeline coverage"))?,
    })
}
