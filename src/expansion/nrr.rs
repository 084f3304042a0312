//! NRR planning: how much expansion a target net revenue retention needs.

use rust_decimal::{Decimal, RoundingStrategy};

use super::ExpansionError;
use crate::money::{Money, MoneyError, Percent};

/// The expansion and pipeline a target NRR implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NrrPlan {
    /// Expansion ARR needed, rounded up to the currency's minor unit (so it never falls short).
    pub required_expansion: Money,
    /// Expansion pipeline needed at the expected win rate: the exact expansion needed ÷ the
    /// win rate, rounded up once to the currency's minor unit.
    pub required_pipeline: Money,
    /// Pipeline ÷ required expansion (1 ÷ win rate).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub coverage: Decimal,
}

/// `NRR = (start − churn − contraction + expansion) ÷ start`, solved for expansion.
///
/// Both amounts are rounded *up* to the currency's minor unit (cents for USD), never to the
/// nearest: a required amount rounded down would fall short of what is required. Each is
/// rounded once, from the exact need (the pipeline from the exact expansion ÷ the win rate,
/// not from the rounded expansion, which would round it twice: $0.49 too much at a 1% win
/// rate), so each is at least what it stands for and less than a minor unit above it. A target
/// already met by the base needs no expansion (zero, not a negative amount).
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
/// // rounded up to the cent: 100.01 × 150.5% − 100.01 = 50.50505 → 50.51; ÷ 40% = 126.2626… → 126.27
/// let p = plan_nrr(m("100.01"), "150.5%".parse()?, m("0"), m("0"), "40%".parse()?)?;
/// assert_eq!((p.required_expansion, p.required_pipeline), (m("50.51"), m("126.27")));
/// // churn and contraction are amounts lost: a negative one is refused
/// assert!(plan_nrr(m("100000000"), "110%".parse()?, m("-5000000"), m("0"), "50%".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ExpansionError::InvalidInput`] for a win rate outside (0%, 100%], a negative target, a
/// start ARR that is not positive, or a negative churn or contraction (each is an amount lost,
/// zero or more); a money error for amounts in different currencies or too
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
    for (what, lost) in [("churn", churn), ("contraction", contraction)] {
        if lost.is_negative() {
            return Err(ExpansionError::InvalidInput(format!(
                "{what} {lost} is negative; it is an amount lost, zero or more"
            )));
        }
    }
    let needed = target_nrr.of(start)?.checked_sub(start)?.checked_add(churn)?.checked_add(contraction)?;
    // rounded up: a required amount must not fall short of what is required
    let up = RoundingStrategy::ToPositiveInfinity;
    let needed = if needed.is_negative() { Money::zero(start.currency()) } else { needed };
    Ok(NrrPlan {
        required_expansion: needed.round_with(up),
        required_pipeline: needed.checked_div(win_rate.fraction())?.round_with(up),
        // win rate ≥ 1e-28, so 1 ÷ it is at most 1e28: it fits, but stays checked
        coverage: Decimal::ONE.checked_div(win_rate.fraction()).ok_or(MoneyError::Overflow("pipeline coverage"))?,
    })
}
