use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{RevRecError, TransactionPrice};
use crate::calendar::Period;
use crate::money::{Currency, Money};

/// A contract with a customer (ASC 606 step 1): who, in what currency, for how long, what was
/// promised, and for how much.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Contract {
    /// The caller's contract id.
    pub id: String,
    /// The caller's customer id.
    pub customer: String,
    /// The currency every amount in the contract is in.
    pub currency: Currency,
    /// The contract term.
    pub term: Period,
    /// The promises (step 2).
    pub obligations: Vec<PerformanceObligation>,
    /// The consideration (step 3).
    pub price: TransactionPrice,
}

/// A distinct promise to transfer a good or service (ASC 606 step 2).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PerformanceObligation {
    /// Unique within the contract.
    pub id: String,
    /// Its standalone selling price, the basis of allocation.
    pub ssp: Ssp,
    /// How and when it is satisfied.
    pub pattern: SatisfactionPattern,
}

/// A standalone selling price (ASC 606-10-32-31 to 35).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Ssp {
    /// An observable price.
    Observable(Money),
    /// An estimated range with the point estimate used for allocation.
    Range {
        /// Low end.
        low: Money,
        /// The point used.
        point: Money,
        /// High end.
        high: Money,
    },
    /// Highly variable or uncertain: the residual approach (606-10-32-34(c)) sets it to what the
    /// price leaves after the other obligations. Optional bounds (the observed range) reject a
    /// residual that falls outside them (Example 34, Case C).
    Residual {
        /// Lowest acceptable residual (zero when `None`, exclusive).
        low: Option<Money>,
        /// Highest acceptable residual.
        high: Option<Money>,
    },
}

/// How an obligation is satisfied, and so how its revenue is recognised (ASC 606-10-25-23 to 37).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SatisfactionPattern {
    /// Over time, evenly by day across the service period.
    RatablyByDay(Period),
    /// Over time, evenly by service month: the term is cut into monthly anniversaries from its
    /// start, and each one's equal share is recognised in the calendar month it begins in
    /// (Stripe's "monthly, evenly").
    RatablyByMonth(Period),
    /// Over time by calendar month, evenly for whole months, with a partial first and last month
    /// at the daily rate (Stripe's "monthly, evenly, first and last month prorated").
    RatablyByMonthProrated(Period),
    /// At a point in time: all revenue when control transfers.
    PointInTime(NaiveDate),
    /// By milestones achieved; each milestone's weight is its share of the obligation.
    Milestones(Vec<Milestone>),
    /// Over time by an input method: the caller reports cumulative progress (costs incurred ÷
    /// total expected costs) as of dates; a lower later figure reverses revenue.
    PercentComplete(Vec<ProgressReport>),
    /// By usage as reported against a committed quantity (prepaid units, credits).
    Usage {
        /// Units the customer committed to; revenue is recognised as they are used.
        committed: Decimal,
        /// Usage reported, in any order.
        reports: Vec<UsageReport>,
    },
}

/// A milestone of a [`SatisfactionPattern::Milestones`] obligation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Milestone {
    /// Name.
    pub name: String,
    /// Relative weight (positive).
    pub weight: Decimal,
    /// When it was achieved; `None` while outstanding.
    pub achieved: Option<NaiveDate>,
}

/// Cumulative progress of a [`SatisfactionPattern::PercentComplete`] obligation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProgressReport {
    /// Effective date.
    pub as_of: NaiveDate,
    /// Cumulative fraction complete, in [0, 1].
    pub complete: Decimal,
}

/// Usage of a [`SatisfactionPattern::Usage`] obligation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UsageReport {
    /// When the usage happened.
    pub date: NaiveDate,
    /// Units used (not negative).
    pub quantity: Decimal,
}

impl Contract {
    /// Check everything that does not depend on allocation: ids unique, currencies, dates,
    /// SSPs positive, fractions in range. Engine entry points call this first.
    pub fn validate(&self) -> Result<(), RevRecError> {
        if self.obligations.is_empty() {
            return Err(RevRecError::NoObligations(self.id.clone()));
        }
        for (i, o) in self.obligations.iter().enumerate() {
            if self.obligations[..i].iter().any(|p| p.id == o.id) {
                return Err(RevRecError::DuplicateObligation { contract: self.id.clone(), obligation: o.id.clone() });
            }
            self.validate_ssp(o)?;
            self.validate_pattern(o)?;
        }
        let residuals = self.obligations.iter().filter(|o| matches!(o.ssp, Ssp::Residual { .. })).count();
        if residuals > 1 {
            return Err(RevRecError::MultipleResiduals(self.id.clone()));
        }
        self.price.validate(self)
    }

    pub(crate) fn check_currency(&self, what: &str, m: &Money) -> Result<(), RevRecError> {
        if m.currency() == self.currency {
            Ok(())
        } else {
            Err(RevRecError::CurrencyMismatch {
                contract: self.id.clone(),
                what: what.to_string(),
                expected: self.currency,
                found: m.currency(),
            })
        }
    }

    pub(crate) fn obligation_index(&self, id: &str, by: &str) -> Result<usize, RevRecError> {
        self.obligations.iter().position(|o| o.id == id).ok_or_else(|| RevRecError::UnknownObligation {
            contract: self.id.clone(),
            obligation: id.to_string(),
            by: by.to_string(),
        })
    }

    fn validate_ssp(&self, o: &PerformanceObligation) -> Result<(), RevRecError> {
        let what = format!("SSP of obligation {:?}", o.id);
        let positive = |m: &Money| {
            if m.amount() > Decimal::ZERO {
                Ok(())
            } else {
                Err(RevRecError::NonPositiveSsp(o.id.clone()))
            }
        };
        match &o.ssp {
            Ssp::Observable(m) => {
                self.check_currency(&what, m)?;
                positive(m)
            }
            Ssp::Range { low, point, high } => {
                for m in [low, point, high] {
                    self.check_currency(&what, m)?;
                }
                positive(point)?;
                if low.amount() <= point.amount() && point.amount() <= high.amount() {
                    Ok(())
                } else {
                    Err(RevRecError::InvalidSspRange(o.id.clone()))
                }
            }
            Ssp::Residual { low, high } => {
                for m in low.iter().chain(high.iter()) {
                    self.check_currency(&what, m)?;
                }
                match (low, high) {
                    (Some(l), Some(h)) if l.amount() > h.amount() => Err(RevRecError::InvalidSspRange(o.id.clone())),
                    _ => Ok(()),
                }
            }
        }
    }

    fn validate_pattern(&self, o: &PerformanceObligation) -> Result<(), RevRecError> {
        let fraction = |what: &str, d: Decimal| {
            if (Decimal::ZERO..=Decimal::ONE).contains(&d) {
                Ok(())
            } else {
                Err(RevRecError::InvalidFraction(format!("{what} of obligation {:?} is {d}, outside [0, 1]", o.id)))
            }
        };
        match &o.pattern {
            SatisfactionPattern::RatablyByDay(p)
            | SatisfactionPattern::RatablyByMonth(p)
            | SatisfactionPattern::RatablyByMonthProrated(p) => {
                if p.is_empty() {
                    return Err(RevRecError::DatesOutOfOrder {
                        what: format!("service period of obligation {:?} is empty", o.id),
                        earlier: p.start(),
                        later: p.end(),
                    });
                }
                Ok(())
            }
            SatisfactionPattern::PointInTime(_) => Ok(()),
            SatisfactionPattern::Milestones(ms) => {
                if ms.is_empty() || ms.iter().any(|m| m.weight <= Decimal::ZERO) {
                    return Err(RevRecError::InvalidFraction(format!(
                        "obligation {:?} needs at least one milestone, each with a positive weight",
                        o.id
                    )));
                }
                Ok(())
            }
            SatisfactionPattern::PercentComplete(reports) => {
                reports.iter().try_for_each(|r| fraction("reported progress", r.complete))
            }
            SatisfactionPattern::Usage { committed, reports } => {
                if *committed <= Decimal::ZERO {
                    return Err(RevRecError::InvalidFraction(format!(
                        "committed quantity of obligation {:?} must be positive",
                        o.id
                    )));
                }
                if reports.iter().any(|r| r.quantity < Decimal::ZERO) {
                    return Err(RevRecError::NegativeAmount(format!("usage reported for obligation {:?}", o.id)));
                }
                Ok(())
            }
        }
    }
}
