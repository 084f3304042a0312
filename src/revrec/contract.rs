use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{PatternError, RevRecError, TransactionPrice};
use crate::calendar::Period;
use crate::money::{Currency, Money, Percent};

/// A contract with a customer (ASC 606 step 1): who, in what currency, for how long, what was
/// promised, and for how much.
///
/// The fields are open so that a contract can be assembled and edited; every engine entry point
/// checks it with [`Contract::validate`] first, and JSON that fails the check is refused.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ContractRepr"))]
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

deserialize_via!(
    Contract,
    ContractRepr {
        id: String,
        customer: String,
        currency: Currency,
        term: Period,
        obligations: Vec<PerformanceObligation>,
        price: TransactionPrice,
    },
    RevRecError,
    |r| {
        let c = Contract {
            id: r.id,
            customer: r.customer,
            currency: r.currency,
            term: r.term,
            obligations: r.obligations,
            price: r.price,
        };
        c.validate()?;
        Ok(c)
    }
);

/// A distinct promise to transfer a good or service (ASC 606 step 2).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
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
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        committed: Decimal,
        /// Usage reported, in any order.
        reports: Vec<UsageReport>,
    },
}

/// A milestone of a [`SatisfactionPattern::Milestones`] obligation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Milestone {
    /// Name.
    pub name: String,
    /// Relative weight (positive).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub weight: Decimal,
    /// When it was achieved; `None` while outstanding.
    pub achieved: Option<NaiveDate>,
}

/// Cumulative progress of a [`SatisfactionPattern::PercentComplete`] obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ProgressReport {
    /// The date the progress was measured on; it counts for cut-offs after that date.
    pub as_of: NaiveDate,
    /// Cumulative progress, in [0%, 100%] (checked with the contract).
    pub complete: Percent,
}

/// Usage of a [`SatisfactionPattern::Usage`] obligation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct UsageReport {
    /// When the usage happened.
    pub date: NaiveDate,
    /// Units used (not negative).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub quantity: Decimal,
}

impl Contract {
    /// Check everything that does not depend on allocation: ids unique, currencies, dates,
    /// SSPs positive, patterns valid, variable consideration in the contract's currency. Engine
    /// entry points call this first, and a contract read from JSON passes it on the way in.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::Period;
    /// use revops::revrec::{Contract, PerformanceObligation, RevRecError, SatisfactionPattern, Ssp, TransactionPrice};
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let term = Period::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
    /// let plan = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("100")), pattern: SatisfactionPattern::RatablyByDay(term) };
    /// let mut c = Contract { id: "C-1".into(), customer: "k".into(), currency: Currency::USD, term,
    ///     obligations: vec![plan], price: TransactionPrice::fixed(usd("100")) };
    /// assert!(c.validate().is_ok());
    /// c.obligations[0].ssp = Ssp::Observable(usd("0"));
    /// assert!(matches!(c.validate(), Err(RevRecError::NonPositiveSsp { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// No obligations, an empty term ([`RevRecError::EmptyTerm`]), a repeated obligation id, an
    /// amount in another currency, an SSP that is not positive or a reversed SSP range (or one
    /// whose bounds go below zero), more than one residual obligation, an invalid pattern
    /// ([`RevRecError::InvalidObligation`]), a negative fixed price or discount, a discount or
    /// variable item naming an unknown obligation, a fixed price or discount finer than the
    /// currency's minor unit ([`RevRecError::NotRounded`]).
    pub fn validate(&self) -> Result<(), RevRecError> {
        if self.obligations.is_empty() {
            return Err(RevRecError::NoObligations { contract: self.id.clone() });
        }
        if self.term.is_empty() {
            return Err(RevRecError::EmptyTerm { contract: self.id.clone(), term: self.term });
        }
        let mut seen = std::collections::HashSet::with_capacity(self.obligations.len());
        for o in &self.obligations {
            if !seen.insert(o.id.as_str()) {
                return Err(RevRecError::DuplicateObligation { contract: self.id.clone(), obligation: o.id.clone() });
            }
            self.validate_ssp(o)?;
            o.pattern.check().map_err(|problem| RevRecError::InvalidObligation {
                contract: self.id.clone(),
                obligation: o.id.clone(),
                problem,
            })?;
        }
        let residuals = self.obligations.iter().filter(|o| matches!(o.ssp, Ssp::Residual { .. })).count();
        if residuals > 1 {
            return Err(RevRecError::MultipleResiduals { contract: self.id.clone() });
        }
        self.price.validate(self)
    }

    pub(crate) fn check_currency(&self, what: impl FnOnce() -> String, m: &Money) -> Result<(), RevRecError> {
        if m.currency() == self.currency {
            Ok(())
        } else {
            Err(RevRecError::CurrencyMismatch {
                contract: self.id.clone(),
                what: what(),
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
        let what = || format!("SSP of obligation {:?}", o.id);
        let positive = |m: &Money| {
            if m.amount() > Decimal::ZERO {
                Ok(())
            } else {
                Err(RevRecError::NonPositiveSsp { contract: self.id.clone(), obligation: o.id.clone(), ssp: *m })
            }
        };
        let reversed = || RevRecError::InvalidSspRange { contract: self.id.clone(), obligation: o.id.clone() };
        match &o.ssp {
            Ssp::Observable(m) => {
                self.check_currency(what, m)?;
                positive(m)
            }
            Ssp::Range { low, point, high } => {
                for m in [low, point, high] {
                    self.check_currency(what, m)?;
                }
                positive(point)?;
                // a price is never below zero, so neither is the low end of its range
                if !low.is_negative() && low.amount() <= point.amount() && point.amount() <= high.amount() {
                    Ok(())
                } else {
                    Err(reversed())
                }
            }
            Ssp::Residual { low, high } => {
                for m in low.iter().chain(high.iter()) {
                    self.check_currency(what, m)?;
                }
                match (low, high) {
                    (Some(l), Some(h)) if l.amount() > h.amount() => Err(reversed()),
                    _ if low.iter().chain(high.iter()).any(Money::is_negative) => Err(reversed()),
                    _ => Ok(()),
                }
            }
        }
    }
}

impl SatisfactionPattern {
    /// The pattern's own rules: a non-empty service period, at least one milestone and positive
    /// weights, progress within [0%, 100%], a positive commitment and no negative usage.
    pub(crate) fn check(&self) -> Result<(), PatternError> {
        match self {
            SatisfactionPattern::RatablyByDay(p)
            | SatisfactionPattern::RatablyByMonth(p)
            | SatisfactionPattern::RatablyByMonthProrated(p) => {
                if p.is_empty() {
                    return Err(PatternError::EmptyServicePeriod(*p));
                }
            }
            SatisfactionPattern::PointInTime(_) => {}
            SatisfactionPattern::Milestones(ms) => {
                if ms.is_empty() {
                    return Err(PatternError::NoMilestones);
                }
                if let Some(m) = ms.iter().find(|m| m.weight <= Decimal::ZERO) {
                    return Err(PatternError::NonPositiveMilestoneWeight {
                        milestone: m.name.clone(),
                        weight: m.weight,
                    });
                }
            }
            SatisfactionPattern::PercentComplete(reports) => {
                if let Some(r) = reports.iter().find(|r| r.complete < Percent::ZERO || r.complete > Percent::HUNDRED) {
                    return Err(PatternError::ProgressOutOfRange { as_of: r.as_of, complete: r.complete });
                }
            }
            SatisfactionPattern::Usage { committed, reports } => {
                if *committed <= Decimal::ZERO {
                    return Err(PatternError::NonPositiveCommitment(*committed));
                }
                if let Some(r) = reports.iter().find(|r| r.quantity < Decimal::ZERO) {
                    return Err(PatternError::NegativeUsage { date: r.date, quantity: r.quantity });
                }
            }
        }
        Ok(())
    }
}
