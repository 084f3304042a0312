use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::SalesError;
use crate::acquisition::{AcquisitionError, Opportunity, Stage};
use crate::calendar::Period;
use crate::money::{Money, MoneyError, Percent};

/// A rep's quota for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Quota {
    /// Rep.
    pub rep: String,
    /// Team.
    pub team: String,
    /// Period.
    pub period: Period,
    /// Amount.
    pub amount: Money,
}

/// Credited bookings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Booking {
    /// Rep credited.
    pub rep: String,
    /// Booking date.
    pub date: NaiveDate,
    /// Amount credited.
    pub amount: Money,
}

/// Attainment of a quota. Read from JSON it is checked: a quota that is not negative, booked
/// in its currency, and an attainment that is booked ÷ quota
/// ([`SalesError::AttainmentDoesNotTie`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "AttainmentRepr"))]
pub struct Attainment {
    /// Rep.
    pub rep: String,
    /// Team.
    pub team: String,
    /// Period.
    pub period: Period,
    /// Quota.
    pub quota: Money,
    /// Booked in the period.
    pub booked: Money,
    /// Booked ÷ quota (`None` for a zero quota).
    pub attainment: Option<Percent>,
}

deserialize_via!(
    Attainment,
    AttainmentRepr { rep: String, team: String, period: Period, quota: Money, booked: Money, attainment: Option<Percent> },
    SalesError,
    |r| {
        if r.quota.is_negative() {
            return Err(SalesError::NegativeQuota { rep: r.rep, quota: r.quota });
        }
        if r.booked.currency() != r.quota.currency() {
            let (left, right) = (r.booked.currency(), r.quota.currency());
            return Err(MoneyError::CurrencyMismatch { op: "booked against the quota", left, right }.into());
        }
        if r.attainment != ratio(r.booked, r.quota)? {
            return Err(SalesError::AttainmentDoesNotTie { rep: r.rep, stated: r.attainment });
        }
        let AttainmentRepr { rep, team, period, quota, booked, attainment } = r;
        Ok(Attainment { rep, team, period, quota, booked, attainment })
    }
);

/// `booked ÷ quota`, undefined (`None`) for a zero quota.
fn ratio(booked: Money, quota: Money) -> Result<Option<Percent>, SalesError> {
    Ok(if quota.is_zero() { None } else { Some(Percent::ratio(booked, quota)?) })
}

/// Attainment for every quota from the bookings in its period.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Month;
/// use revops::sales::{attainment, Booking, Quota};
/// use revops::{Currency, Money};
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let jan = Month::new(2026, 1)?.period();
/// let quota = Quota { rep: "ann".into(), team: "east".into(), period: jan, amount: usd("100000") };
/// let booked = Booking { rep: "ann".into(), date: NaiveDate::from_ymd_opt(2026, 1, 9).unwrap(), amount: usd("80000") };
/// assert_eq!(attainment(&[quota.clone()], &[booked])?[0].attainment, Some("80%".parse()?));
/// let negative = Quota { amount: usd("-1"), ..quota };
/// assert!(attainment(&[negative], &[]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`SalesError::NegativeQuota`] for a quota below zero; a money error for bookings in another
/// currency or totals too large for a `Decimal`.
pub fn attainment(quotas: &[Quota], bookings: &[Booking]) -> Result<Vec<Attainment>, SalesError> {
    if let Some(q) = quotas.iter().find(|q| q.amount.is_negative()) {
        return Err(SalesError::NegativeQuota { rep: q.rep.clone(), quota: q.amount });
    }
    quotas
        .iter()
        .map(|q| {
            let booked = Money::sum(
                q.amount.currency(),
                bookings.iter().filter(|b| b.rep == q.rep && q.period.contains(b.date)).map(|b| b.amount),
            )?;
            let attainment = ratio(booked, q.amount)?;
            Ok(Attainment {
                rep: q.rep.clone(),
                team: q.team.clone(),
                period: q.period,
                quota: q.amount,
                booked,
                attainment,
            })
        })
        .collect()
}

/// How a new rep's quota ramps: the share of full quota in each month of tenure, full after.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RampSchedule {
    /// Shares of full quota for tenure months 0, 1, 2, …, each 0%–100%.
    pub shares: Vec<Percent>,
}

impl RampSchedule {
    /// The quota for a rep in their `tenure_month` (0 = first month).
    ///
    /// ```
    /// use revops::sales::RampSchedule;
    /// use revops::{Currency, Money};
    /// let ramp = RampSchedule { shares: vec!["25%".parse()?, "50%".parse()?, "75%".parse()?] };
    /// let full = Money::parse("300000", Currency::USD)?;
    /// assert_eq!(ramp.ramped(full, 1)?, Money::parse("150000", Currency::USD)?);
    /// assert_eq!(ramp.ramped(full, 12)?, full); // past the ramp: full quota
    /// assert!(ramp.ramped(Money::parse("-1", Currency::USD)?, 1).is_err()); // a negative quota
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SalesError::NegativeFullQuota`] for a full quota below zero (as [`attainment`] and
    /// statements refuse a negative quota); [`SalesError::RampShare`] when the month's share is
    /// outside 0%–100%; a money overflow.
    pub fn ramped(&self, full: Money, tenure_month: usize) -> Result<Money, SalesError> {
        if full.is_negative() {
            return Err(SalesError::NegativeFullQuota { full });
        }
        let share = self.shares.get(tenure_month).copied().unwrap_or(Percent::HUNDRED);
        if share.check_unit("ramp share").is_err() {
            return Err(SalesError::RampShare { tenure_month, share });
        }
        Ok(share.of(full)?.round())
    }
}

/// One rep's selling numbers.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RepAnalytics {
    /// Closed deals.
    pub closed: usize,
    /// Won ÷ closed.
    pub win_rate: Option<f64>,
    /// Mean days to close won deals.
    pub cycle_days: Option<f64>,
    /// Mean won deal.
    pub average_deal: Option<Money>,
    /// Open pipeline ÷ quota still to go.
    pub pipeline_coverage: Option<f64>,
    /// Activities logged.
    pub activities: u32,
}

/// Analytics for one rep's opportunities against the quota left. Each opportunity id is
/// given once: a repeated id (a re-delivered CRM record) is refused rather than counted twice.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::acquisition::{Opportunity, Stage};
/// use revops::sales::rep_analytics;
/// use revops::{Currency, Money, Percent};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let opp = |stage, amount: &str, closed| Opportunity {
///     id: format!("{amount}"),
///     account: "a".into(),
///     segment: "ent".into(),
///     stage,
///     amount: usd(amount),
///     created: d(1, 1),
///     closed,
///     competitor: None,
///     discount: Percent::ZERO,
///     probability: "50%".parse().unwrap(),
/// };
/// let opps = [
///     opp(Stage::ClosedWon, "100", Some(d(1, 31))),
///     opp(Stage::ClosedLost, "50", Some(d(2, 1))),
///     opp(Stage::Proposal, "300", None),
/// ];
/// let r = rep_analytics(&opps, usd("100"), 42)?;
/// assert_eq!((r.win_rate, r.cycle_days, r.pipeline_coverage), (Some(0.5), Some(30.0), Some(3.0)));
/// // the won deal delivered twice is refused, not counted twice
/// assert!(rep_analytics(&[opps[0].clone(), opps[0].clone()], usd("100"), 42).is_err());
/// # Ok::<(), revops::sales::SalesError>(())
/// ```
///
/// # Errors
///
/// [`SalesError::RepeatedOpportunity`] for an opportunity id given more than once (even with
/// the same fields); [`SalesError::InvalidDeal`] for an opportunity with a negative amount;
/// [`SalesError::MissingCloseDate`] and [`SalesError::ClosedBeforeCreated`] for a won
/// opportunity whose sales cycle is unknown or negative; a money error when an opportunity is
/// not in the quota's currency or totals do not fit a `Decimal`.
pub fn rep_analytics(
    opps: &[Opportunity],
    remaining_quota: Money,
    activities: u32,
) -> Result<RepAnalytics, SalesError> {
    let c = remaining_quota.currency();
    // a re-delivered record would count twice (as a repeated account or rep is refused)
    if let Some(o) = crate::unique::first_repeated(opps, |o| &o.id) {
        return Err(SalesError::RepeatedOpportunity(o.id.clone()));
    }
    // (as `acquisition::sales_velocity` and a deal row refuse it)
    if let Some(o) = opps.iter().find(|o| o.amount.is_negative()) {
        return Err(SalesError::InvalidDeal { deal: o.id.clone(), problem: "its amount is negative" });
    }
    // every opportunity, lost ones too: they count in the win rate as much as won ones
    if let Some(o) = opps.iter().find(|o| o.amount.currency() != c) {
        let (left, right) = (o.amount.currency(), c);
        return Err(MoneyError::CurrencyMismatch { op: "opportunity against the quota", left, right }.into());
    }
    let won: Vec<&Opportunity> = opps.iter().filter(|o| o.stage == Stage::ClosedWon).collect();
    let closed = opps.iter().filter(|o| o.stage.is_closed()).count();
    let open = Money::sum(c, opps.iter().filter(|o| !o.stage.is_closed()).map(|o| o.amount))?;
    // (the one rule for a won deal's cycle, shared with `acquisition::sales_velocity`)
    let cycles: Vec<f64> = won
        .iter()
        .map(|o| match o.won_cycle_days() {
            Ok(days) => Ok(days as f64),
            Err(AcquisitionError::ClosedBeforeCreated { opportunity, created, closed }) => {
                Err(SalesError::ClosedBeforeCreated { opportunity, created, closed })
            }
            Err(_) => Err(SalesError::MissingCloseDate(o.id.clone())),
        })
        .collect::<Result<_, _>>()?;
    Ok(RepAnalytics {
        closed,
        win_rate: (closed > 0).then(|| won.len() as f64 / closed as f64),
        cycle_days: (!cycles.is_empty()).then(|| cycles.iter().sum::<f64>() / cycles.len() as f64),
        average_deal: if won.is_empty() {
            None
        } else {
            Some(Money::sum(c, won.iter().map(|o| o.amount))?.checked_div(Decimal::from(won.len() as u64))?.round())
        },
        pipeline_coverage: if remaining_quota.amount() > Decimal::ZERO {
            Some(open.to_f64_lossy() / remaining_quota.to_f64_lossy())
        } else {
            None
        },
        activities,
    })
}
