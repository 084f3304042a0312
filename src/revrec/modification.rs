//! Contract modifications (ASC 606-10-25-10 to 13).

use chrono::NaiveDate;

use super::progress::{prorated_remainder, AsAt, ServiceMonths};
use super::schedule::{build_from, Recognition};
use super::{
    Contract, ContractSchedule, EstimateMethod, Outcome, PerformanceObligation, RevRecError, SatisfactionPattern, Ssp,
    TransactionPrice, VariableConsideration, VariableEstimate,
};
use crate::calendar::{CalendarError, Month, Period};
use crate::money::{Decimal, Money, MoneyError, Percent, Ratio, RoundingStrategy};

/// How a modification is accounted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ModificationTreatment {
    /// A separate contract (606-10-25-12): distinct goods added at their standalone prices.
    SeparateContract,
    /// Termination of the old contract and creation of a new one, prospectively (606-10-25-13(a)).
    TerminateAndCreate,
    /// Part of the existing contract, with a cumulative catch-up (606-10-25-13(b)).
    CumulativeCatchUp,
}

/// The facts ASC 606-10-25-12/13 asks about, from which the treatment follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ModificationFacts {
    /// The modification adds promised goods or services that are distinct.
    pub adds_distinct_goods: bool,
    /// The price of the additions reflects their standalone selling prices.
    pub priced_at_standalone_price: bool,
    /// The goods not yet transferred are distinct from those already transferred.
    pub remaining_goods_distinct: bool,
}

impl ModificationFacts {
    /// The treatment the standard requires for these facts.
    pub fn treatment(&self) -> ModificationTreatment {
        if self.adds_distinct_goods && self.priced_at_standalone_price {
            ModificationTreatment::SeparateContract
        } else if self.remaining_goods_distinct {
            ModificationTreatment::TerminateAndCreate
        } else {
            ModificationTreatment::CumulativeCatchUp
        }
    }
}

/// A change to a contract, effective from the start of `effective`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Modification {
    /// The first day the modification applies to.
    pub effective: NaiveDate,
    /// Obligations added.
    pub added: Vec<PerformanceObligation>,
    /// Obligations replaced (same id): a new progress measure, a new service period.
    pub updated: Vec<PerformanceObligation>,
    /// Variable consideration replaced (same name) or added, with new estimates. Under a
    /// separate contract the items are the new contract's own, so one named as an item of the
    /// original or tied to an obligation only the original holds is refused
    /// ([`RevRecError::VariableInSeparateContract`]); under terminate and create the new
    /// contract holds them, and a replaced item's estimate in force at the modification (the
    /// latest made on or before the effective date) leaves the consideration carried over from
    /// the original, which counts the original's estimates made on or before the effective
    /// date. An item of the original not replaced is carried at that estimate as part of the new
    /// contract's fixed price: its estimates dated after the effective date are not carried
    /// (replace the item here to carry them), and the change made by one dated on the effective
    /// date is spread over the obligations carried, where 606-10-32-43 would recognise the share
    /// of performance already transferred at once. When the replaced estimates
    /// exceed the consideration carried, the new contract's fixed price is zero and it holds the
    /// shortfall as one more item, `"estimates replaced on <effective date>"`: a certain negative
    /// amount, untied, estimated on the latest first estimate date of the replacements (or the
    /// effective date), so no part of the price is negative while its total is not. Under
    /// terminate and create an item tied (`applies_to`) to an obligation satisfied before the
    /// effective date, which the new contract does not carry, is untied there: the change of
    /// estimate is allocated over the obligations carried, as the rest of the carried
    /// consideration is, where 606-10-32-44 would have allocated it to the satisfied obligation
    /// (recognised at once); account for that difference yourself if it is material.
    pub variable: Vec<VariableConsideration>,
    /// Consideration added (may be negative for a price reduction).
    pub additional_consideration: Money,
    /// The id of the new contract, when the treatment creates one.
    pub new_contract_id: String,
    /// The facts; decide the treatment unless `treatment` forces one.
    pub facts: ModificationFacts,
    /// The caller's choice, overriding the facts.
    pub treatment: Option<ModificationTreatment>,
}

/// What a modification did.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ModificationOutcome {
    /// The treatment applied.
    pub treatment: ModificationTreatment,
    /// The modification's effective date: the first day the modified terms apply, and so the
    /// first day of a separate or new contract's term (a catch-up's modified contract keeps the
    /// original's start).
    pub effective: NaiveDate,
    /// The contract to recognise from the effective date on: the separate new contract, the new
    /// prospective contract, or the modified original.
    pub contract: Contract,
    /// Revenue recognised on the original contract before the effective date, per obligation.
    pub recognised_before: Vec<(String, Money)>,
    /// The cumulative catch-up recognised on the effective date, per obligation (zero unless
    /// the treatment is a catch-up).
    pub catch_up: Vec<(String, Money)>,
}

impl ModificationOutcome {
    /// The total catch-up adjustment.
    ///
    /// # Errors
    /// Amounts in another currency than the contract's, or an overflowing sum.
    pub fn catch_up_total(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.contract.currency, self.catch_up.iter().map(|(_, m)| *m))?)
    }
}

/// Apply a modification to `original`.
///
/// - **Separate contract**: the original continues unchanged; the outcome's contract holds the
///   added obligations for the additional consideration.
/// - **Terminate and create**: the original stops at the effective date with what it has
///   recognised; the new contract holds the unsatisfied remainder of each obligation (its SSP,
///   or a residual's range, scaled by the share left, to a millionth of the minor unit and
///   rounded up, so a remainder is never worth nothing) plus the additions, for the
///   unrecognised consideration plus the additional consideration (606-10-25-13(a)). A remainder is recognised when the original
///   would have recognised it, and once: by day from the effective date; by month, the shares
///   whose calendar month has not begun, each in its own month (a modification effective
///   mid-month leaves that month's share with the original); prorated by month, from the
///   effective date, or from the next month when the effective date falls inside a whole month
///   (which the original recognised in full), its whole and partial months weighted among
///   themselves as the pattern weights them. An obligation updated to a monthly pattern from
///   one that did not recognise the effective date's month in full (by day, say) keeps the rest
///   of that month in it: by month, that month's share and the later ones, each in its own
///   month; prorated, from the effective date, its first month partial.
/// - **Cumulative catch-up**: the modified contract replaces the original. The catch-up is the
///   modified contract's cumulative revenue as at the modification less what the original
///   recognised before the effective date (606-10-25-13(b)). Use [`schedule_across`] for its
///   schedule.
///
/// A separate or new contract's term runs from the effective date to the later of the original
/// term's end and the end of the last of its obligations' service periods or transfer dates
/// (usage, percent-complete and milestone patterns have none), and is at least one day long, so
/// it can be scheduled over its own obligations.
///
/// # What "as at the modification" counts
///
/// The effective date is the first day of the modified contract. So **performance** dated on it
/// belongs to the modified contract and is not in the catch-up: a day of ratable service, a
/// point-in-time transfer, a milestone reached, units used. It is recognised at the modified
/// price in the period that contains the effective date. **Measurements** dated on it are the
/// ones made at the modification and are in the catch-up: a percent-complete report (ASC 606
/// Example 8 reassesses progress at the modification) and a variable-consideration estimate
/// (under terminate and create, in the consideration carried to the new contract).
///
/// Time-based patterns count by their own convention on the days before the effective date:
/// by day exactly those days; by month (and the whole months of the prorated pattern) a month's
/// share counts once its calendar month has begun, so a modification effective mid-month finds
/// that month's share already recognised, and one effective on the 1st does not.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Period;
/// use revops::revrec::*;
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let term = Period::new(d(1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
/// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("12000")), pattern: SatisfactionPattern::RatablyByMonth(term) };
/// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("12000")) };
/// // from July 1, $2,400 more for the same, non-distinct service: a cumulative catch-up
/// let facts = ModificationFacts { adds_distinct_goods: false, priced_at_standalone_price: false, remaining_goods_distinct: false };
/// let m = Modification { effective: d(7), added: vec![], updated: vec![], variable: vec![], additional_consideration: usd("2400"),
///     new_contract_id: "C".into(), facts, treatment: None };
/// let out = modify(&c, &m)?;
/// assert_eq!(out.treatment, ModificationTreatment::CumulativeCatchUp);
/// // January to June were transferred before the modification: 6/12 × 14,400 − 6,000
/// assert_eq!(out.recognised_before, [("plan".to_string(), usd("6000"))]);
/// assert_eq!(out.catch_up_total()?, usd("1200")); // 6 of 12 months × $2,400
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The original fails [`Contract::validate`]; the additional consideration is in another
/// currency; a separate contract that also updates the original's obligations
/// ([`RevRecError::UpdatesInSeparateContract`]) or changes its variable consideration (an item
/// of the same name as one of the original's, or tied to an obligation only the original holds:
/// [`RevRecError::VariableInSeparateContract`], naming the item); the modified or new contract
/// fails validation (an update naming an unknown obligation, a duplicate addition…); a
/// terminate-and-create modification of an obligation partly satisfied under an input or usage
/// measure ([`RevRecError::RemainderNotDistinct`]; one not yet started is carried whole); a
/// terminate-and-create whose new contract's consideration, once every estimate is made, is
/// below zero ([`RevRecError::NegativeTransactionPrice`]: the replaced estimates and the new ones
/// leave less than nothing); an effective date with no day after it ([`RevRecError::Calendar`],
/// under every treatment); or an amount that overflows.
pub fn modify(original: &Contract, m: &Modification) -> Result<ModificationOutcome, RevRecError> {
    original.validate()?;
    original.check_currency(|| "additional consideration".into(), &m.additional_consideration)?;
    let treatment = m.treatment.unwrap_or(m.facts.treatment());
    // the modified terms apply from the effective date on: it needs a day after it
    m.effective.succ_opt().ok_or(CalendarError::OutOfRange("modification date"))?;
    let (before, _) = Recognition::new(original).cumulative(original, m.effective)?;
    let recognised_before: Vec<(String, Money)> =
        original.obligations.iter().map(|o| o.id.clone()).zip(before).collect();
    let zero = Money::zero(original.currency);

    if treatment == ModificationTreatment::SeparateContract {
        // a separate contract leaves the original as it is: no update of its obligations, and
        if !m.updated.is_empty() {
            return Err(RevRecError::UpdatesInSeparateContract {
                new_contract: m.new_contract_id.clone(),
                updated: m.updated.len(),
            });
        }
        // the separate contract's own items: none of the original's, none tied to an obligation
        // only the original holds
        let originals =
            |id: &str| original.obligations.iter().any(|o| o.id == id) && !m.added.iter().any(|o| o.id == id);
        let changes_original = |v: &&VariableConsideration| {
            original.price.variable.iter().any(|x| x.name == v.name) || v.applies_to.as_deref().is_some_and(originals)
        };
        if let Some(v) = m.variable.iter().find(changes_original) {
            return Err(RevRecError::VariableInSeparateContract {
                new_contract: m.new_contract_id.clone(),
                item: v.name.clone(),
            });
        }
    }
    let contract = match treatment {
        ModificationTreatment::SeparateContract => Contract {
            id: m.new_contract_id.clone(),
            customer: original.customer.clone(),
            currency: original.currency,
            term: outcome_term(m.effective, &m.added, original)?,
            obligations: m.added.clone(),
            price: TransactionPrice {
                variable: m.variable.clone(),
                constraint: original.price.constraint,
                ..TransactionPrice::fixed(m.additional_consideration)
            },
        },
        ModificationTreatment::TerminateAndCreate => prospective(original, m, &recognised_before)?,
        ModificationTreatment::CumulativeCatchUp => {
            let mut modified = amended(original, m)?;
            modified.price.fixed = modified.price.fixed.checked_add(m.additional_consideration)?;
            modified
        }
    };
    contract.validate()?;

    let catch_up = if treatment == ModificationTreatment::CumulativeCatchUp {
        // The modified contract as at the modification, less what the original recognised before
        // it: service and transfers from the effective day on belong to the modified contract.
        let at = AsAt::modification(m.effective)?;
        let (new_cum, _) = Recognition::new(&contract).cumulative_at(&contract, at)?;
        // the modified contract keeps the original's obligations in order, additions after them
        let was = recognised_before.iter().map(|(_, m)| *m).chain(std::iter::repeat(zero));
        contract
            .obligations
            .iter()
            .zip(new_cum)
            .zip(was)
            .map(|((o, now), was)| Ok((o.id.clone(), now.checked_sub(was)?)))
            .collect::<Result<Vec<_>, RevRecError>>()?
    } else {
        contract.obligations.iter().map(|o| (o.id.clone(), zero)).collect()
    };
    Ok(ModificationOutcome { treatment, effective: m.effective, contract, recognised_before, catch_up })
}

/// The original with updated and added obligations and replaced variable consideration.
fn amended(original: &Contract, m: &Modification) -> Result<Contract, RevRecError> {
    let mut c = original.clone();
    for u in &m.updated {
        let i = c.obligation_index(&u.id, "modification update")?;
        c.obligations[i] = u.clone();
    }
    c.obligations.extend(m.added.iter().cloned());
    for v in &m.variable {
        match c.price.variable.iter_mut().find(|x| x.name == v.name) {
            Some(x) => *x = v.clone(),
            None => c.price.variable.push(v.clone()),
        }
    }
    if let Some(last) = c.obligations.iter().filter_map(|o| o.pattern.completes_by()).max() {
        if last >= c.term.end() {
            c.term = Period::new(c.term.start(), last.succ_opt().unwrap_or(last))?;
        }
    }
    Ok(c)
}

fn prospective(original: &Contract, m: &Modification, recognised: &[(String, Money)]) -> Result<Contract, RevRecError> {
    // the original's obligations as updated by the modification; additions are appended below
    let source = amended(original, &Modification { added: Vec::new(), ..m.clone() })?;
    let cut = m.effective;
    let mut obligations = Vec::new();
    for o in &source.obligations {
        // A monthly pattern counts a month begun before the cut as recognised in full. That holds
        // when the original recognised that month as the pattern does (the pattern not updated,
        // or updated from a monthly one that recognised the month in full); otherwise, an update
        // to a monthly pattern effective mid-month keeps the rest of the month in the new
        // contract, recognised in that month.
        let month = Month::of(cut);
        let was = original.obligations.iter().find(|x| x.id == o.id).map(|x| &x.pattern);
        let month_in_full = cut == month.first_day()
            || was == Some(&o.pattern)
            || match was {
                Some(SatisfactionPattern::RatablyByMonth(_)) => true,
                Some(SatisfactionPattern::RatablyByMonthProrated(q)) => {
                    q.intersection(&month.period()).days() == i64::from(month.days())
                }
                _ => false,
            };
        let monthly = matches!(
            o.pattern,
            SatisfactionPattern::RatablyByMonth(_) | SatisfactionPattern::RatablyByMonthProrated(_)
        );
        let progress = if monthly && !month_in_full {
            o.pattern.progress_before(month.first_day())?
        } else {
            o.pattern.progress_before(cut)?
        };
        if progress >= Ratio::ONE {
            continue;
        }
        let rest = progress.den().checked_sub(progress.num()).ok_or(MoneyError::Overflow("remaining share"))?;
        let left = Ratio::new(rest, progress.den())?;
        let pattern = match &o.pattern {
            SatisfactionPattern::RatablyByDay(p) => SatisfactionPattern::RatablyByDay(rest_of(p, cut)?),
            // the shares not yet recognised, each in the calendar month the original gave it
            SatisfactionPattern::RatablyByMonth(p) => match if month_in_full {
                ServiceMonths::remainder(p, cut)?
            } else {
                ServiceMonths::remainder_from_month_of(p, cut)?
            } {
                Some(rest) => SatisfactionPattern::RatablyByMonth(rest),
                None => continue,
            },
            SatisfactionPattern::RatablyByMonthProrated(p) if !month_in_full => {
                if cut.max(p.start()) >= p.end() {
                    continue;
                }
                SatisfactionPattern::RatablyByMonthProrated(rest_of(p, cut)?)
            }
            SatisfactionPattern::RatablyByMonthProrated(p) => match prorated_remainder(p, cut)? {
                Some(rest) => SatisfactionPattern::RatablyByMonthProrated(rest),
                None => continue,
            },
            SatisfactionPattern::PointInTime(d) => SatisfactionPattern::PointInTime(*d),
            SatisfactionPattern::Milestones(ms) => SatisfactionPattern::Milestones(
                ms.iter().filter(|x| x.achieved.is_none_or(|d| d >= cut)).cloned().collect(),
            ),
            // not started (0% satisfied): nothing of it has transferred, so it is carried whole;
            // its reports before the effective date, all at nothing, are left with the original
            SatisfactionPattern::PercentComplete(reports) if progress <= Ratio::ZERO => {
                SatisfactionPattern::PercentComplete(reports.iter().filter(|r| r.as_of >= cut).copied().collect())
            }
            SatisfactionPattern::Usage { committed, reports } if progress <= Ratio::ZERO => {
                SatisfactionPattern::Usage {
                    committed: *committed,
                    reports: reports.iter().filter(|r| r.date >= cut).copied().collect(),
                }
            }
            SatisfactionPattern::PercentComplete(_) | SatisfactionPattern::Usage { .. } => {
                return Err(RevRecError::RemainderNotDistinct {
                    contract: original.id.clone(),
                    obligation: o.id.clone(),
                })
            }
        };
        let ssp = match &o.ssp {
            Ssp::Observable(x) => Ssp::Observable(scaled(x, left)?),
            Ssp::Range { low, point, high } => {
                Ssp::Range { low: scaled(low, left)?, point: scaled(point, left)?, high: scaled(high, left)? }
            }
            Ssp::Residual { low, high } => Ssp::Residual {
                low: low.as_ref().map(|x| scaled(x, left)).transpose()?,
                high: high.as_ref().map(|x| scaled(x, left)).transpose()?,
            },
        };
        obligations.push(PerformanceObligation { id: o.id.clone(), ssp, pattern });
    }
    obligations.extend(m.added.iter().cloned());
    // the consideration as estimated at the modification: estimates made on the effective date
    // are made at it, as the catch-up counts them (AsAt::modification)
    let measured_before = AsAt::modification(cut)?.measured_before;
    let carried = original
        .price
        .amount_before(measured_before)?
        .round()
        .checked_sub(Money::sum(original.currency, recognised.iter().map(|(_, x)| *x))?)?
        .checked_add(m.additional_consideration)?;
    // an item the modification replaces leaves the carried consideration at the estimate in
    // force at the modification; the new contract takes the new item with its estimates
    let was = original.price.variable_before(measured_before)?;
    let mut replaced = Money::zero(original.currency);
    let mut replaced_from = cut;
    for (v, estimate) in original.price.variable.iter().zip(was) {
        if let Some(new) = m.variable.iter().find(|x| x.name == v.name) {
            replaced = replaced.checked_add(estimate)?;
            let first = new.estimates.iter().map(VariableEstimate::as_of).min().unwrap_or(cut);
            replaced_from = replaced_from.max(first);
        }
    }
    // an item tied to an obligation satisfied before the effective date, which the new contract
    // does not carry, is untied: its amount is allocated over the obligations carried
    let satisfied = |id: &str| {
        source.obligations.iter().any(|o| o.id == id) && !obligations.iter().any(|o: &PerformanceObligation| o.id == id)
    };
    let mut variable = m.variable.clone();
    for v in &mut variable {
        if v.applies_to.as_deref().is_some_and(satisfied) {
            v.applies_to = None;
        }
    }
    let net = carried.checked_sub(replaced)?;
    // The carried consideration net of the replaced estimates is the fixed price, unless the
    // replaced estimates exceed it: then the fixed price is the (non-negative) carried amount's
    // zero and the shortfall a certain, negative variable amount, in force once every replacement
    // has an estimate, so the contract's consideration is never below what it was promised.
    let fixed = if net.is_negative() && !carried.is_negative() {
        variable.push(VariableConsideration {
            name: format!("estimates replaced on {cut}"),
            estimates: vec![VariableEstimate::new(
                replaced_from,
                EstimateMethod::MostLikelyAmount,
                vec![Outcome { amount: net, probability: Percent::HUNDRED }],
            )?],
            applies_to: None,
        });
        Money::zero(original.currency)
    } else {
        net
    };
    let price = TransactionPrice { variable, constraint: original.price.constraint, ..TransactionPrice::fixed(fixed) };
    // the consideration left for the new contract once every estimate is made: below zero, it
    // is refused here rather than built for the allocation to refuse
    let total = price.amount_before(NaiveDate::MAX)?;
    if total.is_negative() && !carried.is_negative() {
        return Err(RevRecError::NegativeTransactionPrice { contract: m.new_contract_id.clone(), price: total });
    }
    Ok(Contract {
        id: m.new_contract_id.clone(),
        customer: original.customer.clone(),
        currency: original.currency,
        term: outcome_term(cut, &obligations, original)?,
        obligations,
        price,
    })
}

/// The term of a new contract created on `effective`: from that day to the later of the end of
/// the original's term and the day after the last day any of `obligations`' patterns can
/// change progress ([`SatisfactionPattern::completes_by`]), and at least one day long.
fn outcome_term(
    effective: NaiveDate,
    obligations: &[PerformanceObligation],
    original: &Contract,
) -> Result<Period, RevRecError> {
    let after = |d: NaiveDate| d.succ_opt().unwrap_or(d);
    let end = obligations
        .iter()
        .filter_map(|o| o.pattern.completes_by())
        .map(after)
        .chain([original.term.end(), after(effective)])
        .max()
        .unwrap_or(original.term.end());
    Ok(Period::new(effective, end)?)
}

/// `x × left`, kept to a millionth of the currency's minor unit and rounded away from zero: an
/// SSP is a weight, not an amount billed, so a remainder worth less than half a minor unit keeps
/// its share of the price instead of rounding to a zero SSP that validation refuses.
fn scaled(x: &Money, left: Ratio) -> Result<Money, RevRecError> {
    let finer = Decimal::from(1_000_000);
    Ok(x.checked_mul(finer)?.mul_ratio_with(left, RoundingStrategy::AwayFromZero)?.checked_div(finer)?)
}

fn rest_of(p: &Period, cut: NaiveDate) -> Result<Period, RevRecError> {
    Ok(Period::new(cut.max(p.start()), p.end())?)
}

/// The schedule of a modified contract over `periods`.
///
/// For a cumulative catch-up, cut-offs on or before the effective date follow the original and
/// later ones the modified contract, so the catch-up lands in the period containing the
/// effective date and the whole schedule sums to the modified allocation. For the other
/// treatments it is the schedule of the outcome's contract.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::{Month, Period};
/// use revops::revrec::*;
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let term = Period::new(d(1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
/// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("12000")), pattern: SatisfactionPattern::RatablyByMonth(term) };
/// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("12000")) };
/// let facts = ModificationFacts { adds_distinct_goods: false, priced_at_standalone_price: false, remaining_goods_distinct: false };
/// let m = Modification { effective: d(7), added: vec![], updated: vec![], variable: vec![], additional_consideration: usd("2400"),
///     new_contract_id: "C".into(), facts, treatment: None };
/// let out = modify(&c, &m)?;
/// let months: Vec<Period> = Month::new(2026, 6)?.through(Month::new(2026, 8)?).map(Month::period).collect();
/// let s = schedule_across(&c, &out, &months)?;
/// // June at the old price; July carries the $1,200 catch-up and its own $1,200; August $1,200
/// assert_eq!(s.period_totals()?, [usd("1000"), usd("2400"), usd("1200")]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Either contract fails [`Contract::validate`]; the periods are empty, not contiguous or
/// outside the contract; an amount overflows.
pub fn schedule_across(
    original: &Contract,
    outcome: &ModificationOutcome,
    periods: &[Period],
) -> Result<ContractSchedule, RevRecError> {
    if outcome.treatment != ModificationTreatment::CumulativeCatchUp {
        return ContractSchedule::build(&outcome.contract, periods);
    }
    original.validate()?;
    let modified = &outcome.contract;
    modified.validate()?;
    let effective = outcome.effective;
    let mut old = Recognition::new(original);
    let mut new = Recognition::new(modified);
    let zero = Money::zero(modified.currency);
    // each of the modified contract's obligations, as the original's position or none (added)
    let index: std::collections::HashMap<&str, usize> =
        original.obligations.iter().enumerate().map(|(i, o)| (o.id.as_str(), i)).collect();
    let in_original: Vec<Option<usize>> =
        modified.obligations.iter().map(|o| index.get(o.id.as_str()).copied()).collect();
    build_from(modified, periods, |cut| {
        if cut <= effective {
            let (cum, alloc) = old.cumulative(original, cut)?;
            let pick =
                |v: &[Money]| in_original.iter().map(|i| i.and_then(|i| v.get(i).copied()).unwrap_or(zero)).collect();
            Ok((pick(&cum), pick(&alloc)))
        } else {
            new.cumulative(modified, cut)
        }
    })
}
