use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Contract, RevRecError};
use crate::money::Money;

/// The transaction price (ASC 606 step 3): fixed consideration less discounts plus constrained
/// variable consideration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransactionPrice {
    /// Fixed consideration before discounts (the list total).
    pub fixed: Money,
    /// Discounts off the fixed consideration.
    pub discounts: Vec<Discount>,
    /// Variable consideration (bonuses, penalties, usage overages, refunds), each re-estimated
    /// over time.
    pub variable: Vec<VariableConsideration>,
    /// How much of a variable estimate may be included.
    pub constraint: ConstraintPolicy,
}

/// A discount; when it belongs to some obligations only (ASC 606-10-32-37), it is allocated to
/// those alone.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Discount {
    /// Name, for errors and audit.
    pub name: String,
    /// Amount off (positive).
    pub amount: Money,
    /// The obligations it belongs to; `None` spreads it across all by relative SSP.
    pub applies_to: Option<Vec<String>>,
}

/// One source of variable consideration with its estimates over time.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VariableConsideration {
    /// Name, for errors and audit.
    pub name: String,
    /// Estimates, each effective from its date; the latest one on or before a date applies, so a
    /// re-estimate at a period end changes revenue by a cumulative catch-up.
    pub estimates: Vec<VariableEstimate>,
    /// Allocate it entirely to one obligation (ASC 606-10-32-40) instead of across all.
    pub applies_to: Option<String>,
}

/// An estimate of variable consideration made on a date.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VariableEstimate {
    /// When the estimate was made; it applies from that date on.
    pub as_of: NaiveDate,
    /// Expected value or most likely amount (ASC 606-10-32-8).
    pub method: EstimateMethod,
    /// Possible outcomes and their probabilities (summing to exactly 1).
    pub outcomes: Vec<Outcome>,
}

/// One possible outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outcome {
    /// The amount if it happens.
    pub amount: Money,
    /// Its probability, in [0, 1]. `Decimal`, so expected values are exact money.
    pub probability: Decimal,
}

/// How variable consideration is estimated (ASC 606-10-32-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EstimateMethod {
    /// Probability-weighted sum: suits many similar contracts.
    ExpectedValue,
    /// The single most likely amount (ties go to the smaller): suits binary outcomes.
    MostLikelyAmount,
}

/// The constraint on variable consideration (ASC 606-10-32-11): include only an amount that is
/// highly probable not to reverse.
///
/// The estimate is capped at the largest outcome `A` with `P(outcome ≥ A) ≥ confidence`: at that
/// level the included amount is not expected to reverse.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConstraintPolicy {
    /// The probability read as "highly probable".
    pub confidence: Decimal,
}

impl Default for ConstraintPolicy {
    /// 75%, the level commonly read as "highly probable"; state your own if your auditors differ.
    fn default() -> Self {
        ConstraintPolicy { confidence: Decimal::new(75, 2) }
    }
}

impl TransactionPrice {
    /// A fixed price with no discounts or variable consideration.
    pub fn fixed(amount: Money) -> TransactionPrice {
        TransactionPrice {
            fixed: amount,
            discounts: Vec::new(),
            variable: Vec::new(),
            constraint: ConstraintPolicy::default(),
        }
    }

    pub(crate) fn validate(&self, contract: &Contract) -> Result<(), RevRecError> {
        contract.check_currency("fixed consideration", &self.fixed)?;
        if self.fixed.is_negative() {
            return Err(RevRecError::NegativeAmount("fixed consideration".into()));
        }
        let confidence = self.constraint.confidence;
        if confidence <= Decimal::ZERO || confidence > Decimal::ONE {
            return Err(RevRecError::InvalidFraction(format!("constraint confidence {confidence} is outside (0, 1]")));
        }
        for d in &self.discounts {
            contract.check_currency(&format!("discount {:?}", d.name), &d.amount)?;
            if d.amount.is_negative() {
                return Err(RevRecError::NegativeAmount(format!("discount {:?}", d.name)));
            }
            for id in d.applies_to.iter().flatten() {
                contract.obligation_index(id, &format!("discount {:?}", d.name))?;
            }
            if d.applies_to.as_ref().is_some_and(Vec::is_empty) {
                return Err(RevRecError::UnknownObligation {
                    contract: contract.id.clone(),
                    obligation: String::new(),
                    by: format!("discount {:?} (empty list)", d.name),
                });
            }
        }
        for v in &self.variable {
            if let Some(id) = &v.applies_to {
                contract.obligation_index(id, &format!("variable consideration {:?}", v.name))?;
            }
            for e in &v.estimates {
                if e.outcomes.is_empty() {
                    return Err(RevRecError::NoOutcomes(v.name.clone()));
                }
                let mut total = Decimal::ZERO;
                for o in &e.outcomes {
                    contract.check_currency(&format!("outcome of {:?}", v.name), &o.amount)?;
                    if o.probability < Decimal::ZERO || o.probability > Decimal::ONE {
                        return Err(RevRecError::InvalidFraction(format!(
                            "probability {} in {:?} is outside [0, 1]",
                            o.probability, v.name
                        )));
                    }
                    total += o.probability;
                }
                if total != Decimal::ONE {
                    return Err(RevRecError::InvalidFraction(format!(
                        "probabilities of the {} estimate of {:?} sum to {total}, not 1",
                        e.as_of, v.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// Total discounts.
    pub(crate) fn discount_total(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.fixed.currency(), self.discounts.iter().map(|d| d.amount))?)
    }

    /// The constrained amount of each variable item effective for estimates made before `cut`
    /// (exclusive), in order.
    pub(crate) fn variable_before(&self, cut: NaiveDate) -> Result<Vec<Money>, RevRecError> {
        self.variable.iter().map(|v| v.constrained_before(cut, self.constraint, self.fixed.currency())).collect()
    }

    /// The transaction price from estimates made before `cut`.
    pub fn amount_before(&self, cut: NaiveDate) -> Result<Money, RevRecError> {
        let variable = Money::sum(self.fixed.currency(), self.variable_before(cut)?)?;
        Ok(self.fixed.checked_sub(self.discount_total()?)?.checked_add(variable)?)
    }

    /// Which estimate of each variable item is in force before `cut`: changes in this signature
    /// are the only times the allocation must be redone.
    pub(crate) fn epoch_before(&self, cut: NaiveDate) -> Vec<Option<usize>> {
        self.variable.iter().map(|v| v.latest_before(cut)).collect()
    }
}

impl VariableConsideration {
    fn latest_before(&self, cut: NaiveDate) -> Option<usize> {
        self.estimates
            .iter()
            .enumerate()
            .filter(|(_, e)| e.as_of < cut)
            .max_by_key(|(i, e)| (e.as_of, *i))
            .map(|(i, _)| i)
    }

    fn constrained_before(
        &self,
        cut: NaiveDate,
        policy: ConstraintPolicy,
        currency: crate::money::Currency,
    ) -> Result<Money, RevRecError> {
        match self.latest_before(cut) {
            None => Ok(Money::zero(currency)),
            Some(i) => self.estimates[i].constrained(policy),
        }
    }
}

impl VariableEstimate {
    /// The unconstrained estimate by the chosen method.
    pub fn estimate(&self) -> Result<Money, RevRecError> {
        let currency =
            self.outcomes.first().map(|o| o.amount.currency()).ok_or(RevRecError::NoOutcomes(String::new()))?;
        match self.method {
            EstimateMethod::ExpectedValue => {
                let weighted = self.outcomes.iter().map(|o| o.amount.checked_mul(o.probability));
                let total = weighted.collect::<Result<Vec<_>, _>>()?;
                Ok(Money::sum(currency, total)?.round())
            }
            EstimateMethod::MostLikelyAmount => {
                let best = self
                    .outcomes
                    .iter()
                    .max_by(|a, b| a.probability.cmp(&b.probability).then(b.amount.amount().cmp(&a.amount.amount())));
                Ok(best.map(|o| o.amount).unwrap_or(Money::zero(currency)))
            }
        }
    }

    /// The estimate after the constraint: never more than the largest amount that is at least
    /// `confidence` likely to be reached.
    pub fn constrained(&self, policy: ConstraintPolicy) -> Result<Money, RevRecError> {
        let estimate = self.estimate()?;
        let mut by_amount: Vec<Outcome> = self.outcomes.clone();
        by_amount.sort_by_key(|o| std::cmp::Reverse(o.amount.amount()));
        // Walk down from the largest amount, accumulating P(outcome ≥ amount).
        let mut at_least = Decimal::ZERO;
        let mut cap = None;
        for o in &by_amount {
            at_least += o.probability;
            if at_least >= policy.confidence {
                cap = Some(o.amount);
                break;
            }
        }
        let cap = cap.unwrap_or(by_amount[by_amount.len() - 1].amount);
        Ok(if cap.amount() < estimate.amount() { cap } else { estimate })
    }
}
