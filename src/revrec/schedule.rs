use chrono::NaiveDate;

use super::allocation::allocate_validated;
use super::progress::AsAt;
use super::{Allocation, Contract, RevRecError, SatisfactionPattern};
use crate::calendar::{Anniversaries, Month, Period};
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContractSchedule {
    /// The contract's id.
    pub contract_id: String,
    /// The contract's currency.
    pub currency: Currency,
    /// The reporting periods, contiguous and in order.
    pub periods: Vec<Period>,
    /// One schedule per obligation, in contract order.
    pub obligations: Vec<ObligationSchedule>,
}

/// One obligation's revenue across the reporting periods.
///
/// `before + Σ amounts + after == allocated`, exactly.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ObligationSchedule {
    /// The obligation's id.
    pub obligation_id: String,
    /// The amount allocated to it as of the end of the last period.
    pub allocated: Money,
    /// Recognised before the first period.
    pub before: Money,
    /// Recognised in each period.
    pub amounts: Vec<Money>,
    /// Not yet recognised at the end of the last period.
    pub after: Money,
}

impl ContractSchedule {
    /// Schedule `contract` over contiguous reporting periods (months, fiscal quarters…).
    pub fn build(contract: &Contract, periods: &[Period]) -> Result<ContractSchedule, RevRecError> {
        contract.validate()?;
        let mut state = Recognition::new(contract)?;
        build_from(contract, periods, |cut| state.cumulative(contract, cut))
    }

    /// Revenue per period, summed over obligations.
    pub fn period_totals(&self) -> Result<Vec<Money>, RevRecError> {
        (0..self.periods.len())
            .map(|k| Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.amounts[k]))?))
            .collect()
    }

    /// Recognised before the first period, summed over obligations.
    pub fn total_before(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.before))?)
    }

    /// Still unrecognised after the last period, summed over obligations.
    pub fn total_after(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.after))?)
    }

    /// Total allocated, summed over obligations.
    pub fn total_allocated(&self) -> Result<Money, RevRecError> {
        Ok(Money::sum(self.currency, self.obligations.iter().map(|o| o.allocated))?)
    }

    /// Number of schedule lines (obligations × periods).
    pub fn line_count(&self) -> usize {
        self.obligations.len() * self.periods.len()
    }
}

/// Contiguous, ordered, non-empty periods that meet the contract term.
pub(crate) fn check_periods(contract: &Contract, periods: &[Period]) -> Result<Period, RevRecError> {
    let (first, last) = match (periods.first(), periods.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(RevRecError::BadReportingPeriods("no periods given".into())),
    };
    for pair in periods.windows(2) {
        if pair[0].end() != pair[1].start() {
            return Err(RevRecError::BadReportingPeriods(format!(
                "{} is not followed directly by {}",
                pair[0], pair[1]
            )));
        }
    }
    let span = Period::new(first.start(), last.end())?;
    if span.overlap_days(&contract.term) == 0 {
        return Err(RevRecError::OutsideContract {
            contract: contract.id.clone(),
            requested: span.to_string(),
            term: contract.term.to_string(),
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
    check_periods(contract, periods)?;
    let n = contract.obligations.len();
    let (mut previous, _) = cumulative(periods[0].start())?;
    let mut obligations: Vec<ObligationSchedule> = contract
        .obligations
        .iter()
        .zip(&previous)
        .map(|(o, before)| ObligationSchedule {
            obligation_id: o.id.clone(),
            allocated: Money::zero(contract.currency),
            before: *before,
            amounts: Vec::with_capacity(periods.len()),
            after: Money::zero(contract.currency),
        })
        .collect();
    let mut allocated = vec![Money::zero(contract.currency); n];
    for p in periods {
        let (now, alloc) = cumulative(p.end())?;
        for i in 0..n {
            obligations[i].amounts.push(now[i].checked_sub(previous[i])?);
        }
        previous = now;
        allocated = alloc;
    }
    for i in 0..n {
        obligations[i].allocated = allocated[i];
        obligations[i].after = allocated[i].checked_sub(previous[i])?;
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
    pub(crate) fn new(contract: &Contract) -> Result<Recognition, RevRecError> {
        let curves = contract.obligations.iter().map(|o| Curve::new(&o.pattern)).collect::<Result<_, _>>()?;
        Ok(Recognition { curves, epoch: Vec::new(), allocation: None })
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
        let allocated: Vec<Money> = self.allocation.iter().flat_map(|a| a.lines.iter().map(|(_, m)| *m)).collect();
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
    Days { start: NaiveDate, end: NaiveDate, days: i128 },
    /// By service month: the calendar month of each anniversary in the term.
    ServiceMonths { start: NaiveDate, months: Vec<Month> },
    /// Anything else: computed from the pattern on demand.
    Pattern,
}

impl Curve {
    fn new(pattern: &SatisfactionPattern) -> Result<Curve, RevRecError> {
        Ok(match pattern {
            SatisfactionPattern::RatablyByDay(p) => {
                Curve::Days { start: p.start(), end: p.end(), days: i128::from(p.days()) }
            }
            SatisfactionPattern::RatablyByMonth(p) => {
                let end = p.end();
                let months = Anniversaries::new(p.start(), 1)?.take_while(|d| *d < end).map(Month::of).collect();
                Curve::ServiceMonths { start: p.start(), months }
            }
            _ => Curve::Pattern,
        })
    }

    fn at(&self, pattern: &SatisfactionPattern, at: AsAt) -> Result<Ratio, RevRecError> {
        let cut = at.performed_before;
        Ok(match self {
            Curve::Days { start, end, days } => {
                let elapsed = (cut.clamp(*start, *end) - *start).num_days();
                Ratio::new(i128::from(elapsed), *days)?
            }
            Curve::ServiceMonths { start, months } => {
                if cut <= *start {
                    Ratio::ZERO
                } else {
                    let cut_month = Month::of(cut.pred_opt().unwrap_or(cut));
                    let done = months.partition_point(|m| *m <= cut_month);
                    Ratio::new(done as i128, months.len() as i128)?
                }
            }
            Curve::Pattern => pattern.progress_at(at)?,
        })
    }
}
