use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BillingError, Receivable};
use crate::money::{Currency, Money};

/// Accounts-receivable aging buckets by days past due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AgingBucket {
    /// Not yet due.
    Current,
    /// 1–30 days past due.
    Days1To30,
    /// 31–60 days past due.
    Days31To60,
    /// 61–90 days past due.
    Days61To90,
    /// More than 90 days past due.
    Over90,
}

impl AgingBucket {
    /// All buckets, youngest first.
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::Current,
        AgingBucket::Days1To30,
        AgingBucket::Days31To60,
        AgingBucket::Days61To90,
        AgingBucket::Over90,
    ];

    /// The bucket for a number of days past due (zero or less is current).
    #[inline]
    pub fn for_days_past_due(days: i64) -> AgingBucket {
        match days {
            i64::MIN..=0 => AgingBucket::Current,
            1..=30 => AgingBucket::Days1To30,
            31..=60 => AgingBucket::Days31To60,
            61..=90 => AgingBucket::Days61To90,
            _ => AgingBucket::Over90,
        }
    }
}

/// Open receivables of one currency by aging bucket, as of a date. The buckets sum to `total`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AgingReport {
    /// The date aged at.
    pub as_of: NaiveDate,
    /// The currency.
    pub currency: Currency,
    /// Open amounts, in [`AgingBucket::ALL`] order.
    pub buckets: [Money; 5],
    /// Total open.
    pub total: Money,
    /// Open invoices counted.
    pub invoices: usize,
}

impl AgingReport {
    /// The open amount in one bucket.
    pub fn bucket(&self, b: AgingBucket) -> Money {
        self.buckets[b as usize]
    }
}

/// Age open receivables as of `as_of`: one report per currency, in currency order. Invoices
/// issued after `as_of`, and fully paid or credited ones, are skipped; an over-paid one (negative open) is an error, since that
/// cash belongs in a customer balance.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{age_receivables, AgingBucket, Receivable};
/// use revops::{Currency, Money};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let r = |due, total: &str| Receivable { invoice: "i".into(), customer: "c".into(), issue_date: due, due_date: due,
///     total: usd(total), paid: usd("0"), credited: usd("0"), last_paid_on: None };
/// let book = [r(d(3, 31), "100"), r(d(2, 15), "50"), r(d(1, 1), "25")];
/// let aged = age_receivables(&book, d(3, 31))?;
/// assert_eq!(aged[0].bucket(AgingBucket::Current), usd("100"));
/// assert_eq!(aged[0].bucket(AgingBucket::Days31To60), usd("50"));
/// assert_eq!(aged[0].bucket(AgingBucket::Over90), usd("0")); // Jan 1 is 89 days past due
/// assert_eq!(aged[0].bucket(AgingBucket::Days61To90), usd("25"));
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
pub fn age_receivables(receivables: &[Receivable], as_of: NaiveDate) -> Result<Vec<AgingReport>, BillingError> {
    let mut reports: Vec<AgingReport> = Vec::new();
    let mut last = usize::MAX; // index of the report used last: books are mostly one currency
    for r in receivables {
        if r.issue_date > as_of {
            continue; // not yet issued as of the aging date
        }
        let open = r.open()?;
        if open.is_zero() {
            continue;
        }
        if open.is_negative() {
            return Err(BillingError::Negative(format!("open balance of invoice {}", r.invoice)));
        }
        let currency = open.currency();
        if last >= reports.len() || reports[last].currency != currency {
            last = match reports.iter().position(|x| x.currency == currency) {
                Some(i) => i,
                None => {
                    let zero = Money::zero(currency);
                    reports.push(AgingReport { as_of, currency, buckets: [zero; 5], total: zero, invoices: 0 });
                    reports.len() - 1
                }
            };
        }
        let report = &mut reports[last];
        let bucket = AgingBucket::for_days_past_due((as_of - r.due_date).num_days()) as usize;
        report.buckets[bucket] = report.buckets[bucket].checked_add(open)?;
        report.total = report.total.checked_add(open)?;
        report.invoices += 1;
    }
    reports.sort_by_key(|r| r.currency);
    Ok(reports)
}

/// Days sales outstanding: `ending receivables ÷ credit sales in the period × days in the period`.
/// A statistic, so `f64`. Zero sales is an error rather than infinity.
pub fn days_sales_outstanding(ending_receivables: Money, credit_sales: Money, days: u32) -> Result<f64, BillingError> {
    super::error::same_currency("credit sales", ending_receivables.currency(), &credit_sales)?;
    if credit_sales.amount() <= Decimal::ZERO || days == 0 {
        return Err(BillingError::InvalidPolicy(
            "days sales outstanding needs positive sales over at least one day".into(),
        ));
    }
    let ratio = ending_receivables.ratio(credit_sales)?;
    let dso = ratio
        .checked_mul(Decimal::from(days))
        .ok_or(BillingError::InvalidPolicy("days sales outstanding overflows".into()))?;
    Ok(rust_decimal::prelude::ToPrimitive::to_f64(&dso).unwrap_or(f64::NAN))
}

/// On-time collection for invoices due within `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OnTimeCollection {
    /// Invoices due in the window.
    pub due: usize,
    /// Of those, paid in full (or credited) by their due date.
    pub on_time: usize,
    /// `on_time ÷ due` by count (zero when nothing was due).
    pub rate_by_count: f64,
    /// Share of the amount due that was collected on time.
    pub rate_by_amount: f64,
}

/// The on-time collection rate for receivables due in `[from, to)`, all in `currency`.
pub fn on_time_collection(
    receivables: &[Receivable],
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<OnTimeCollection, BillingError> {
    let (mut due, mut on_time) = (0usize, 0usize);
    let (mut due_amount, mut on_time_amount) = (Money::zero(currency), Money::zero(currency));
    for r in receivables.iter().filter(|r| r.due_date >= from && r.due_date < to && r.currency() == currency) {
        due += 1;
        due_amount = due_amount.checked_add(r.total)?;
        let settled = r.open()?.amount() <= Decimal::ZERO;
        if settled && r.last_paid_on.is_none_or(|d| d <= r.due_date) {
            on_time += 1;
            on_time_amount = on_time_amount.checked_add(r.total)?;
        }
    }
    let rate_by_amount = if due_amount.is_zero() {
        0.0
    } else {
        on_time_amount.ratio(due_amount).map(|x| rust_decimal::prelude::ToPrimitive::to_f64(&x).unwrap_or(0.0))?
    };
    Ok(OnTimeCollection {
        due,
        on_time,
        rate_by_count: if due == 0 { 0.0 } else { on_time as f64 / due as f64 },
        rate_by_amount,
    })
}

/// What a dunning step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DunningAction {
    /// Send a reminder.
    Remind,
    /// Retry the payment method.
    RetryPayment,
    /// Restrict the account (no new usage, no upgrades).
    Restrict,
    /// Suspend service.
    Suspend,
    /// Cancel the subscription.
    Cancel,
}

/// One step of a dunning policy: reached when the oldest overdue invoice is this many days late.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DunningStep {
    /// Name (the overdue state, as Kill Bill calls it).
    pub name: String,
    /// Days past due at which the step applies.
    pub days_past_due: u32,
    /// What to do.
    pub action: DunningAction,
}

/// A dunning policy: steps by days past due, evaluated as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DunningPolicy {
    /// Steps, in increasing days past due.
    pub steps: Vec<DunningStep>,
    /// Overdue balances below this are ignored (no one is suspended over a cent).
    pub minimum_overdue: Money,
}

/// Where a customer stands under a dunning policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DunningState {
    /// The customer.
    pub customer: String,
    /// The step reached.
    pub step: DunningStep,
    /// Days past due of the oldest overdue invoice.
    pub days_past_due: i64,
    /// Total overdue.
    pub overdue: Money,
}

impl DunningPolicy {
    /// A common SaaS policy: remind at 1 day, retry at 3, restrict at 14, suspend at 30, cancel at 60.
    pub fn standard(currency: Currency) -> DunningPolicy {
        let step = |name: &str, days, action| DunningStep { name: name.into(), days_past_due: days, action };
        DunningPolicy {
            steps: vec![
                step("reminded", 1, DunningAction::Remind),
                step("retrying", 3, DunningAction::RetryPayment),
                step("restricted", 14, DunningAction::Restrict),
                step("suspended", 30, DunningAction::Suspend),
                step("cancelled", 60, DunningAction::Cancel),
            ],
            minimum_overdue: Money::new(Decimal::ONE, currency),
        }
    }

    /// The step a customer has reached as of `as_of`, or `None` when nothing (above the
    /// minimum) is overdue. Only the customer's receivables in the policy's currency count.
    pub fn evaluate(
        &self,
        customer: &str,
        receivables: &[Receivable],
        as_of: NaiveDate,
    ) -> Result<Option<DunningState>, BillingError> {
        if self.steps.windows(2).any(|w| w[0].days_past_due >= w[1].days_past_due) {
            return Err(BillingError::InvalidPolicy(
                "dunning steps must be in strictly increasing days past due".into(),
            ));
        }
        let currency = self.minimum_overdue.currency();
        let mut overdue = Money::zero(currency);
        let mut oldest = 0i64;
        for r in receivables.iter().filter(|r| r.customer == customer && r.currency() == currency) {
            let days = (as_of - r.due_date).num_days();
            let open = r.open()?;
            if days > 0 && open.amount() > Decimal::ZERO {
                overdue = overdue.checked_add(open)?;
                oldest = oldest.max(days);
            }
        }
        if overdue.amount() < self.minimum_overdue.amount() || overdue.is_zero() {
            return Ok(None);
        }
        let step = self.steps.iter().rev().find(|s| i64::from(s.days_past_due) <= oldest);
        Ok(step.map(|s| DunningState {
            customer: customer.to_string(),
            step: s.clone(),
            days_past_due: oldest,
            overdue,
        }))
    }
}
