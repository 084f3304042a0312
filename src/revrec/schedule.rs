use chrono::NaiveDate;

use super::allocation::allocate_validated;
use super::progress::{AsAt, ServiceMonths};
use super::{Allocation, Contract, RevRecError, SatisfactionPattern};
use crate::calendar::Period;
use crate::money::{Currency, Money, Ratio};

/// Revenue recognised per reporting period for every obligation of one contract (ASC 606 step 5).
///
/// Built with the cumulative rounding rule: recognised-to-date at each period end is
/// `round(allocated × progress)`, and a period's revenue is the difference from the previous
/// end. So rounding never drifts, and when a re-estimate changes the allocation the difference
/// lands in that period as a cumulative catch-up.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::{Month, Period};
/// use revops::revrec::{ContractSchedule, Contract, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
/// use revops::{Currency, Money};
///
/// // Stripe's example: 120 USD from June 15 to October 13, 2026, recognised by day.
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let service = Period::new(d(6, 15), d(10, 13))?;
/// let contract = Contract {
///     id: "sub_1".into(), customer: "cus_1".into(), currency: Currency::USD, term: service,
///     obligations: vec![PerformanceObligation {
///         id: "plan".into(), ssp: Ssp::Observable(usd("120")), pattern: SatisfactionPattern::RatablyByDay(service),
///     }],
///     price: TransactionPrice::fixed(usd("120")),
/// };
/// let months: Vec<Period> = Month::new(2026, 6)?.through(Month::new(2026, 10)?).map(Month::period).collect();
/// let s = ContractSchedule::build(&contract, &months)?;
/// let per_month: Vec<String> = s.period_totals()?.iter().map(|m| m.amount().to_string()).collect();
/// assert_eq!(per_month, ["16.00", "31.00", "31.00", "30.00", "12.00"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Valid by construction: the periods are contiguous and in order, every obligation has one
/// amount per period, all in the schedule's currency, and each obligation's schedule sums to its
/// allocation. JSON that breaks any of these is refused.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ContractScheduleRepr"))]
pub struct ContractSchedule {
    contract_id: String,
    currency: Currency,
    periods: Vec<Period>,
    obligations: Vec<ObligationSchedule>,
}

deserialize_via!(
    ContractSchedule,
    ContractScheduleRepr {
        contract_id: String,
        currency: Currency,
        periods: Vec<Period>,
        obligations: Vec<ObligationSchedule>,
    },
    RevRecError,
    |r| ContractSchedule::new(r.contract_id, r.currency, r.periods, r.obligations)
);

/// One obligation's revenue across the reporting periods.
///
/// `before + Σ amounts + after == allocated`, exactly, in one currency: by construction.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ObligationScheduleRepr"))]
pub struct ObligationSchedule {
    obligation_id: String,
    allocated: Money,
    before: Money,
    amounts: Vec<Money>,
    after: Money,
}

deserialize_via!(
    ObligationSchedule,
    ObligationScheduleRepr { obligation_id: String, allocated: Money, before: Money, amounts: Vec<Money>, after: Money },
    RevRecError,
    |r| ObligationSchedule::new(r.obligation_id, r.allocated, r.before, r.amounts, r.after)
);

impl ObligationSchedule {
    /// One obligation's schedule: recognised `before` the first period, `amounts` in each
    /// period, and `after` the last, out of `allocated`.
    ///
    /// ```
    /// use revops::revrec::ObligationSchedule;
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let s = ObligationSchedule::new("plan".into(), usd("300"), usd("0"), vec![usd("100"), usd("100")], usd("100"))?;
    /// assert_eq!(s.after(), usd("100"));
    /// assert!(ObligationSchedule::new("plan".into(), usd("300"), usd("0"), vec![usd("100")], usd("100")).is_err());
    /// # Ok::<(), revops::revrec::RevRecError>(())
    /// ```
    ///
    /// # Errors
    /// [`RevRecError::ScheduleCurrency`] when an amount is not in the allocation's currency;
    /// [`RevRecError::ScheduleDoesNotTie`] when `before + Σ amounts + after ≠ allocated`.
    pub fn new(
        obligation_id: String,
        allocated: Money,
        before: Money,
        amounts: Vec<Money>,
        after: Money,
    ) -> Result<ObligationSchedule, RevRecError> {
        let currency = allocated.currency();
        let parts = || std::iter::once(before).chain(amounts.iter().copied()).chain(std::iter::once(after));
        if let Some(m) = parts().find(|m| m.currency() != currency) {
            return Err(RevRecError::ScheduleCurrency {
                obligation: obligation_id,
                expected: currency,
                found: m.currency(),
            });
        }
        let scheduled = Money::sum(currency, parts())?;
        if scheduled != allocated {
            return Err(RevRecError::ScheduleDoesNotTie { obligation: obligation_id, allocated, scheduled });
        }
        Ok(ObligationSchedule { obligation_id, allocated, before, amounts, after })
    }

    /// The obligation's id.
    pub fn obligation_id(&self) -> &str {
        &self.obligation_id
    }

    /// The amount allocated to it as of the end of the last period.
    pub fn allocated(&self) -> Money {
        self.allocated
    }

    /// Recognised before the first period.
    pub fn before(&self) -> Money {
        self.before
    }

    /// Recognised in each period.
    pub fn amounts(&self) -> &[Money] {
        &self.amounts
    }

    /// Not yet recognised at the end of the last period.
    pub fn after(&self) -> Money {
        self.after
    }
}

impl ContractSchedule {
    /// Schedule `contract` over contiguous reporting periods (months, fiscal quarters…).
    ///
    /// # Errors
    /// The contract fails [`Contract::validate`] or cannot be allocated ([`allocate`](super::allocate));
    /// the periods are empty, not contiguous, or do not meet the contract's term; an amount
    /// overflows.
    pub fn build(contract: &Contract, periods: &[Period]) -> Result<ContractSchedule, RevRecError> {
        contract.validate()?;
        let mut state = Recognition::new(contract);
        build_from(contract, periods, |cut| state.cumulative(contract, cut))
    }

    /// A schedule from its parts (a schedule kept elsewhere, or read back).
    ///
    /// # Errors
    /// [`RevRecError::NoReportingPeriods`] or [`RevRecError::PeriodsNotContiguous`];
    /// [`RevRecError::ScheduleLength`] when an obligation has a different number of amounts than
    /// there are periods; [`RevRecError::ScheduleCurrency`] when an obligation is in another
    /// currency.
    pub fn new(
        contract_id: String,
        currency: Currency,
        periods: Vec<Period>,
        obligations: Vec<ObligationSchedule>,
    ) -> Result<ContractSchedule, RevRecError> {
        check_contiguous(&periods)?;
        let mut seen = std::collections::HashSet::with_capacity(obligations.len());
        if let Some(o) = obligations.iter().find(|o| !seen.insert(o.obligation_id.as_str())) {
            return Err(RevRecError::DuplicateObligation {
                contract: contract_id,
                obligation: o.obligation_id.clone(),
            });
        }
        for o in &obligations {
            if o.amounts.len() != periods.len() {
                return Err(RevRecError::ScheduleLength {
                    contract: contract_id,
                    obligation: o.obligation_id.clone(),
                    periods: periods.len(),
                    amounts: o.amounts.len(),
                });
            }
            if o.allocated.currency() != currency {
                return Err(RevRecError::ScheduleCurrency {
                    obligation: o.obligation_id.clone(),
                    expected: currency,
                    found: o.allocated.currency(),
                });
            }
        }
        Ok(ContractSchedule { contract_id, currency, periods, obligations })
    }

    /// The contract's id.
    pub fn contract_id(&self) -> &str {
        &self.contract_id
    }

    /// The contract's currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The reporting periods, contiguous, in order and never empty.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// One schedule per obligation, in contract order.
    pub fn obligations(&self) -> &[ObligationSchedule] {
        &self.obligations
    }

    /// Revenue per period, summed over obligations.
    ///
    /// # Errors
    /// A sum that overflows.
    pub fn period_totals(&self) -> Result<Vec<Money>, RevRecError> {
        let mut totals = vec![Money::zero(self.currency); self.periods.len()];
        for o in &self.obligations {
            for (total, amount) in totals.iter_mut().zip(&o.amounts) {
                *total = total.checked_add(*amount)?;
            }
        }
        Ok(totals)
    }

    /// Recognised before the first period, summed over obligations.
    ///
    /// # Errors
    /// A sum that overflows.
    pub fn total_before(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.before))?)
    }

    /// Still unrecognised after the last period, summed over obligations.
    ///
    /// # Errors
    /// A sum that overflows.
    pub fn total_after(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.after))?)
    }

    /// Total allocated, summed over obligations.
    ///
    /// # Errors
    /// A sum that overflows.
    pub fn total_allocated(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.allocated))?)
    }

    /// Number of schedule lines (obligations × periods).
    pub fn line_count(&self) -> usize {
        self.obligations.len().saturating_mul(self.periods.len())
    }
}

/// Non-empty, contiguous, in order.
fn check_contiguous(periods: &[Period]) -> Result<(), RevRecError> {
    if periods.is_empty() {
        return Err(RevRecError::NoReportingPeriods);
    }
    for pair in periods.windows(2) {
        if let [previous, next] = pair {
            if previous.end() != next.start() {
                return Err(RevRecError::PeriodsNotContiguous { previous: *previous, next: *next });
            }
        }
    }
    Ok(())
}

/// Contiguous, ordered, non-empty periods that meet the contract term: their span.
pub(crate) fn check_periods(contract: &Contract, periods: &[Period]) -> Result<Period, RevRecError> {
    check_contiguous(periods)?;
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Err(RevRecError::NoReportingPeriods);
    };
    let span = Period::new(first.start(), last.end())?;
    if span.overlap_days(&contract.term) == 0 {
        return Err(RevRecError::OutsideContract {
            contract: contract.id.clone(),
            requested: span,
            term: contract.term,
        });
    }
    Ok(span)
}

/// Walk the cut-offs `start₀, end₀, end₁, …` and difference the cumulative amounts.
pub(crate) fn build_from<F>(
    contract: &Contract,
    periods: &[Period],
    mut cumulative: F,
) -> Result<ContractSchedule, RevRecError>
where
    F: FnMut(NaiveDate) -> Result<(Vec<Money>, Vec<Money>), RevRecError>,
{
    let span = check_periods(contract, periods)?;
    let zero = Money::zero(contract.currency);
    let (mut previous, mut allocated) = cumulative(span.start())?;
    let mut obligations: Vec<ObligationSchedule> = contract
        .obligations
        .iter()
        .zip(&previous)
        .map(|(o, before)| ObligationSchedule {
            obligation_id: o.id.clone(),
            allocated: zero,
            before: *before,
            amounts: Vec::with_capacity(periods.len()),
            after: zero,
        })
        .collect();
    for p in periods {
        let (now, alloc) = cumulative(p.end())?;
        for ((o, was), is) in obligations.iter_mut().zip(&previous).zip(&now) {
            o.amounts.push(is.checked_sub(*was)?);
        }
        previous = now;
        allocated = alloc;
    }
    // before + Σ(now − previous) + (allocated − last) = allocated: each schedule ties
    for ((o, alloc), last) in obligations.iter_mut().zip(allocated).zip(previous) {
        o.allocated = alloc;
        o.after = alloc.checked_sub(last)?;
    }
    Ok(ContractSchedule {
        contract_id: contract.id.clone(),
        currency: contract.currency,
        periods: periods.to_vec(),
        obligations,
    })
}

/// Cumulative revenue of a validated contract, with its progress curves and its allocation
/// cached until a variable estimate changes it.
pub(crate) struct Recognition {
    curves: Vec<Curve>,
    epoch: Vec<Option<usize>>,
    allocation: Option<Allocation>,
}

impl Recognition {
    pub(crate) fn new(contract: &Contract) -> Recognition {
        let curves = contract.obligations.iter().map(|o| Curve::new(&o.pattern)).collect();
        Recognition { curves, epoch: Vec::new(), allocation: None }
    }

    /// `(recognised to date, allocated)` per obligation, for events before `cut`.
    pub(crate) fn cumulative(
        &mut self,
        contract: &Contract,
        cut: NaiveDate,
    ) -> Result<(Vec<Money>, Vec<Money>), RevRecError> {
        self.cumulative_at(contract, AsAt::before(cut))
    }

    /// `(recognised to date, allocated)` per obligation as at `at`: the allocation from the
    /// estimates measured by then, times each obligation's progress.
    pub(crate) fn cumulative_at(
        &mut self,
        contract: &Contract,
        at: AsAt,
    ) -> Result<(Vec<Money>, Vec<Money>), RevRecError> {
        let epoch = contract.price.epoch_before(at.measured_before);
        if self.allocation.is_none() || epoch != self.epoch {
            self.allocation = Some(allocate_validated(contract, at.measured_before)?);
            self.epoch = epoch;
        }
        let allocated: Vec<Money> = self.allocation.iter().flat_map(|a| a.lines().iter().map(|(_, m)| *m)).collect();
        let recognised = allocated
            .iter()
            .zip(&self.curves)
            .zip(&contract.obligations)
            .map(|((a, curve), o)| Ok(a.mul_ratio(curve.at(&o.pattern, at)?)?))
            .collect::<Result<Vec<_>, RevRecError>>()?;
        Ok((recognised, allocated))
    }
}

/// A progress measure prepared once per obligation so that each cut-off is cheap.
enum Curve {
    /// By day over a period.
    Days(Period),
    /// By service month.
    ServiceMonths(ServiceMonths),
    /// Anything else: computed from the pattern on demand.
    Pattern,
}

impl Curve {
    fn new(pattern: &SatisfactionPattern) -> Curve {
        match pattern {
            SatisfactionPattern::RatablyByDay(p) => Curve::Days(*p),
            SatisfactionPattern::RatablyByMonth(p) => Curve::ServiceMonths(ServiceMonths::of(p)),
            _ => Curve::Pattern,
        }
    }

    fn at(&self, pattern: &SatisfactionPattern, at: AsAt) -> Result<Ratio, RevRecError> {
        Ok(match self {
            Curve::Days(p) => {
                let cut = at.performed_before;
                let elapsed = (cut.clamp(p.start(), p.end()) - p.start()).num_days(); // start ≤ end: a Period
                Ratio::new(i128::from(elapsed), i128::from(p.days()))?
            }
            Curve::ServiceMonths(months) => months.done_before(at.performed_before)?,
            Curve::Pattern => pattern.progress_at(at)?,
        })
    }
}
