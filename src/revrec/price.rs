use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Contract, RevRecError};
use crate::money::{checked_sum, Currency, Money, MoneyError, Percent};

/// The transaction price (ASC 606 step 3): fixed consideration less discounts plus constrained
/// variable consideration.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
///
/// Valid by construction: at least one outcome, every probability within [0%, 100%], the
/// probabilities summing to exactly 100%, and every amount in one currency. JSON that breaks any
/// of these is refused.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::money::Percent;
/// use revops::revrec::{ConstraintPolicy, EstimateMethod, Outcome, VariableEstimate};
/// use revops::{Currency, Money};
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let pct = |s: &str| s.parse::<Percent>().unwrap();
/// let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
/// let bonus = VariableEstimate::new(day, EstimateMethod::ExpectedValue, vec![
///     Outcome { amount: usd("300"), probability: pct("80%") },
///     Outcome { amount: usd("400"), probability: pct("20%") },
/// ])?;
/// assert_eq!(bonus.estimate()?, usd("320"));
/// // 300 is reached with 100% probability and 400 with 20%: at 75% the estimate is capped at 300
/// assert_eq!(bonus.constrained(ConstraintPolicy::default())?, usd("300"));
/// let short = VariableEstimate::new(day, EstimateMethod::ExpectedValue, vec![Outcome { amount: usd("300"), probability: pct("80%") }]);
/// assert!(short.is_err()); // 80% is not all the outcomes
/// # Ok::<(), revops::revrec::RevRecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "VariableEstimateRepr"))]
pub struct VariableEstimate {
    as_of: NaiveDate,
    method: EstimateMethod,
    outcomes: Vec<Outcome>,
    /// Every outcome's currency (derived, not serialised).
    #[cfg_attr(feature = "serde", serde(skip_serializing))]
    currency: Currency,
}

deserialize_via!(
    VariableEstimate,
    VariableEstimateRepr { as_of: NaiveDate, method: EstimateMethod, outcomes: Vec<Outcome> },
    RevRecError,
    |r| VariableEstimate::new(r.as_of, r.method, r.outcomes)
);

/// One possible outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Outcome {
    /// The amount if it happens.
    pub amount: Money,
    /// Its probability, in [0%, 100%] (checked by [`VariableEstimate::new`]). Exact, so
    /// expected values are exact money.
    pub probability: Percent,
}

/// How variable consideration is estimated (ASC 606-10-32-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum EstimateMethod {
    /// Probability-weighted sum: suits many similar contracts.
    ExpectedValue,
    /// The single most likely amount (ties go to the smaller; outcomes listed more than once
    /// with the same amount count as one, their probabilities added): suits binary outcomes.
    MostLikelyAmount,
}

/// The constraint on variable consideration (ASC 606-10-32-11): include only an amount that is
/// highly probable not to reverse.
///
/// The estimate is capped at the largest outcome `A` with `P(outcome ≥ A) ≥ confidence`: at that
/// level the included amount is not expected to reverse. The confidence is within (0%, 100%]
/// by construction.
///
/// ```
/// use revops::revrec::ConstraintPolicy;
/// let strict = ConstraintPolicy::new("90%".parse()?)?;
/// assert_eq!(strict.confidence().to_string(), "90%");
/// assert_eq!(ConstraintPolicy::default().confidence().to_string(), "75%");
/// assert!(ConstraintPolicy::new("0%".parse()?).is_err());
/// assert!(ConstraintPolicy::new("150%".parse()?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ConstraintPolicyRepr"))]
pub struct ConstraintPolicy {
    confidence: Percent,
}

deserialize_via!(ConstraintPolicy, ConstraintPolicyRepr { confidence: Percent }, RevRecError, |r| {
    ConstraintPolicy::new(r.confidence)
});

impl ConstraintPolicy {
    /// A policy reading `confidence` as "highly probable".
    ///
    /// # Errors
    /// [`RevRecError::ConfidenceOutOfRange`] unless `0% < confidence ≤ 100%`.
    pub fn new(confidence: Percent) -> Result<ConstraintPolicy, RevRecError> {
        if confidence <= Percent::ZERO || confidence > Percent::HUNDRED {
            return Err(RevRecError::ConfidenceOutOfRange { confidence });
        }
        Ok(ConstraintPolicy { confidence })
    }

    /// The probability read as "highly probable".
    pub fn confidence(&self) -> Percent {
        self.confidence
    }
}

impl Default for ConstraintPolicy {
    /// 75%, the level commonly read as "highly probable"; state your own if your auditors differ.
    fn default() -> Self {
        ConstraintPolicy { confidence: Percent::from_fraction(Decimal::new(75, 2)) }
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
        let negative =
            |what: String, amount: Money| RevRecError::NegativeAmount { contract: contract.id.clone(), what, amount };
        // a price is billed: an amount finer than the minor unit would be rounded away unseen
        let unrounded =
            |what: String, amount: Money| RevRecError::NotRounded { contract: contract.id.clone(), what, amount };
        contract.check_currency(|| "fixed consideration".into(), &self.fixed)?;
        if self.fixed.is_negative() {
            return Err(negative("fixed consideration".into(), self.fixed));
        }
        if !self.fixed.is_rounded() {
            return Err(unrounded("fixed consideration".into(), self.fixed));
        }
        for d in &self.discounts {
            contract.check_currency(|| format!("discount {:?}", d.name), &d.amount)?;
            if d.amount.is_negative() {
                return Err(negative(format!("discount {:?}", d.name), d.amount));
            }
            if !d.amount.is_rounded() {
                return Err(unrounded(format!("discount {:?}", d.name), d.amount));
            }
            if d.applies_to.as_ref().is_some_and(Vec::is_empty) {
                return Err(RevRecError::DiscountAppliesToNothing {
                    contract: contract.id.clone(),
                    discount: d.name.clone(),
                });
            }
            for id in d.applies_to.iter().flatten() {
                contract.obligation_index(id, &format!("discount {:?}", d.name))?;
            }
        }
        for v in &self.variable {
            if let Some(id) = &v.applies_to {
                contract.obligation_index(id, &format!("variable consideration {:?}", v.name))?;
            }
            for e in &v.estimates {
                // one currency within an estimate is its own invariant; check it is the contract's
                if e.currency != contract.currency {
                    return Err(RevRecError::CurrencyMismatch {
                        contract: contract.id.clone(),
                        what: format!("estimate of variable consideration {:?} made on {}", v.name, e.as_of),
                        expected: contract.currency,
                        found: e.currency,
                    });
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

    /// The transaction price from estimates made before `cut`: fixed consideration less
    /// discounts plus each variable item's latest constrained estimate.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::revrec::TransactionPrice;
    /// use revops::{Currency, Money};
    /// let price = TransactionPrice::fixed(Money::parse("1200", Currency::USD)?);
    /// assert_eq!(price.amount_before(NaiveDate::MAX)?, Money::parse("1200", Currency::USD)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// Amounts in more than one currency, or a sum that overflows.
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
        currency: Currency,
    ) -> Result<Money, RevRecError> {
        match self.latest_before(cut).and_then(|i| self.estimates.get(i)) {
            None => Ok(Money::zero(currency)),
            Some(e) => e.constrained(policy),
        }
    }
}

impl VariableEstimate {
    /// An estimate made on `as_of` by `method` over `outcomes`.
    ///
    /// # Errors
    /// [`RevRecError::NoOutcomes`], [`RevRecError::ProbabilityOutOfRange`] (a probability
    /// outside [0%, 100%]), [`RevRecError::ProbabilitiesDoNotSum`] (not exactly 100%) or
    /// [`RevRecError::MixedOutcomeCurrencies`].
    pub fn new(
        as_of: NaiveDate,
        method: EstimateMethod,
        outcomes: Vec<Outcome>,
    ) -> Result<VariableEstimate, RevRecError> {
        let first = outcomes.first().ok_or(RevRecError::NoOutcomes { as_of })?.amount.currency();
        if let Some(o) = outcomes.iter().find(|o| o.amount.currency() != first) {
            return Err(RevRecError::MixedOutcomeCurrencies { as_of, first, other: o.amount.currency() });
        }
        if let Some(o) = outcomes.iter().find(|o| o.probability < Percent::ZERO || o.probability > Percent::HUNDRED) {
            return Err(RevRecError::ProbabilityOutOfRange { as_of, probability: o.probability });
        }
        let total = Percent::from_fraction(checked_sum(outcomes.iter().map(|o| o.probability.fraction()))?);
        if total != Percent::HUNDRED {
            return Err(RevRecError::ProbabilitiesDoNotSum { as_of, total });
        }
        Ok(VariableEstimate { as_of, method, outcomes, currency: first })
    }

    /// When the estimate was made; it applies from that date on.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// Expected value or most likely amount (ASC 606-10-32-8).
    pub fn method(&self) -> EstimateMethod {
        self.method
    }

    /// The possible outcomes (at least one; probabilities summing to exactly 100%).
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The currency of every outcome.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The unconstrained estimate by the chosen method, rounded to the currency's minor unit.
    ///
    /// # Errors
    /// A probability-weighted sum that overflows.
    pub fn estimate(&self) -> Result<Money, RevRecError> {
        let currency = self.currency;
        match self.method {
            EstimateMethod::ExpectedValue => {
                let weighted = self.outcomes.iter().map(|o| o.amount.checked_mul(o.probability.fraction()));
                let total = weighted.collect::<Result<Vec<_>, _>>()?;
                Ok(Money::sum(currency, total)?.round())
            }
            EstimateMethod::MostLikelyAmount => {
                // outcomes listed more than once with the same amount are one amount: its
                // likelihood is the sum of theirs
                let mut by_amount: Vec<(Decimal, Decimal)> = Vec::with_capacity(self.outcomes.len());
                for o in &self.outcomes {
                    let p = o.probability.fraction();
                    match by_amount.iter_mut().find(|(a, _)| *a == o.amount.amount()) {
                        Some((_, q)) => *q = q.checked_add(p).ok_or(MoneyError::Overflow("probability"))?,
                        None => by_amount.push((o.amount.amount(), p)),
                    }
                }
                let best = by_amount.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
                Ok(best.map_or(Money::zero(currency), |(a, _)| Money::new(*a, currency).round()))
            }
        }
    }

    /// The estimate after the constraint: never more than the largest amount that is at least
    /// `confidence` likely to be reached (that amount rounded to the minor unit, as the estimate
    /// is).
    ///
    /// # Errors
    /// As [`VariableEstimate::estimate`].
    pub fn constrained(&self, policy: ConstraintPolicy) -> Result<Money, RevRecError> {
        let estimate = self.estimate()?;
        let mut by_amount: Vec<Outcome> = self.outcomes.clone();
        by_amount.sort_by_key(|o| std::cmp::Reverse(o.amount.amount()));
        // Walk down from the largest amount, accumulating P(outcome ≥ amount). The probabilities
        // sum to 100% ≥ confidence, so the walk always stops; the smallest amount is the floor.
        let mut at_least = Decimal::ZERO;
        let mut cap = by_amount.last().map_or(estimate, |o| o.amount);
        for o in &by_amount {
            at_least = at_least.checked_add(o.probability.fraction()).ok_or(MoneyError::Overflow("probability"))?;
            if at_least >= policy.confidence.fraction() {
                cap = o.amount;
                break;
            }
        }
        let cap = cap.round();
        Ok(if cap.amount() < estimate.amount() { cap } else { estimate })
    }
}
