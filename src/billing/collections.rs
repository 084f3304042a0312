use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{not_negative, same_currency, Context, Field};
use super::{BillingError, Receivable};
use crate::money::{Currency, Money, Percent};

/// Accounts-receivable aging buckets by days past due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
    ///
    /// ```
    /// use revops::billing::AgingBucket;
    /// assert_eq!(AgingBucket::for_days_past_due(-3), AgingBucket::Current); // not due yet
    /// assert_eq!(AgingBucket::for_days_past_due(30), AgingBucket::Days1To30);
    /// assert_eq!(AgingBucket::for_days_past_due(31), AgingBucket::Days31To60);
    /// assert_eq!(AgingBucket::for_days_past_due(91), AgingBucket::Over90);
    /// ```
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

/// Receivables of one currency by aging bucket, as of a date.
///
/// `buckets` hold what customers owe (open balances above zero) and sum to `total`. An
/// overpaid invoice (paid twice, or credited after it was paid) is not aged: its overpayment is
/// a credit the customer is owed, summed in `credits`, and `net = total − credits` is what the
/// customers owe on balance. These identities are checked on the way in from JSON too, and
/// so is that `invoices` is zero exactly when `total` is, and `credit_invoices` exactly when
/// `credits` is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "AgingReportRepr"))]
pub struct AgingReport {
    as_of: NaiveDate,
    currency: Currency,
    buckets: [Money; 5],
    total: Money,
    invoices: usize,
    credits: Money,
    credit_invoices: usize,
    net: Money,
}

deserialize_via!(
    AgingReport,
    AgingReportRepr {
        as_of: NaiveDate,
        currency: Currency,
        buckets: [Money; 5],
        total: Money,
        invoices: usize,
        credits: Money,
        credit_invoices: usize,
        net: Money,
    },
    BillingError,
    |r| {
        let id = format!("the aging report as of {}", r.as_of);
        let mut report = AgingReport::empty(r.as_of, r.currency);
        (report.invoices, report.credit_invoices) = (r.invoices, r.credit_invoices);
        for (bucket, amount) in AgingBucket::ALL.into_iter().zip(r.buckets) {
            same_currency(Field::Total, &id, r.currency, &amount)?;
            not_negative(Field::Total, &id, amount)?;
            report.add_to(bucket, amount, || id.clone())?;
        }
        same_currency(Field::CreditBalance, &id, r.currency, &r.credits)?;
        report.credits = not_negative(Field::CreditBalance, &id, r.credits)?;
        report.net = report.total.checked_sub(report.credits).context("net", &id)?;
        for (what, stated, sum) in [("total", r.total, report.total), ("net", r.net, report.net)] {
            if stated != sum || stated.currency() != sum.currency() {
                return Err(BillingError::TotalDoesNotTie { what, id, stated, lines: sum });
            }
        }
        // every invoice aged has something open, every overpaid one some credit, and back
        if (report.invoices == 0) != report.total.is_zero() {
            return Err(BillingError::InconsistentRecord {
                record: id,
                reason: "its open total and invoice count disagree",
            });
        }
        if (report.credit_invoices == 0) != report.credits.is_zero() {
            let reason = "its credits and overpaid invoice count disagree";
            return Err(BillingError::InconsistentRecord { record: id, reason });
        }
        Ok(report)
    }
);

impl AgingReport {
    fn empty(as_of: NaiveDate, currency: Currency) -> AgingReport {
        let zero = Money::zero(currency);
        AgingReport {
            as_of,
            currency,
            buckets: [zero; 5],
            total: zero,
            invoices: 0,
            credits: zero,
            credit_invoices: 0,
            net: zero,
        }
    }

    fn add_to(&mut self, bucket: AgingBucket, amount: Money, id: impl Fn() -> String) -> Result<(), BillingError> {
        let slot = &mut self.buckets[bucket as usize]; // `AgingBucket` has exactly five values
        *slot = slot.checked_add(amount).context_with("aging bucket", &id)?;
        self.total = self.total.checked_add(amount).context_with("total open", &id)?;
        Ok(())
    }

    /// Age one receivable: an open balance into its bucket, an overpayment into `credits`. `net`
    /// is settled once, by [`AgingReport::settle_net`], when every receivable is in.
    fn add(&mut self, r: &Receivable, open: Money) -> Result<(), BillingError> {
        let id = || format!("invoice {}", r.invoice());
        if open.is_negative() {
            self.credits = self.credits.checked_add(-open).context_with("credits", id)?;
            self.credit_invoices += 1;
        } else {
            let bucket = AgingBucket::for_days_past_due((self.as_of - r.due_date()).num_days());
            self.add_to(bucket, open, id)?;
            self.invoices += 1;
        }
        Ok(())
    }

    /// `net = total − credits`, once every receivable is in.
    fn settle_net(&mut self) -> Result<(), BillingError> {
        self.net =
            self.total.checked_sub(self.credits).context_with("net", || format!("the {} report", self.currency))?;
        Ok(())
    }

    /// The date aged at.
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The open amount in one bucket.
    pub fn bucket(&self, b: AgingBucket) -> Money {
        self.buckets[b as usize]
    }

    /// Open amounts, in [`AgingBucket::ALL`] order.
    pub fn buckets(&self) -> [Money; 5] {
        self.buckets
    }

    /// Total open (the sum of the buckets).
    pub fn total(&self) -> Money {
        self.total
    }

    /// Open invoices aged.
    pub fn invoices(&self) -> usize {
        self.invoices
    }

    /// Overpayments customers are owed (zero or more).
    pub fn credits(&self) -> Money {
        self.credits
    }

    /// Overpaid invoices.
    pub fn credit_invoices(&self) -> usize {
        self.credit_invoices
    }

    /// `total − credits`.
    pub fn net(&self) -> Money {
        self.net
    }
}

/// Age receivables as of `as_of`: one report per currency, in currency order. Invoices issued
/// after `as_of`, and settled ones, are skipped; an overpaid one shows as a credit.
///
/// Pass the receivables as they stood on `as_of`: a receivable's balance is cumulative, so one
/// paid or credited after `as_of` ([`Receivable::last_settled_on`]) would be aged without what
/// was still owed then, and is refused. An [`ArLedger`](super::ArLedger) gives its receivables
/// as they stood on a past date: [`ArLedger::receivables_as_of`](super::ArLedger::receivables_as_of).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{age_receivables, AgingBucket, Receivable};
/// use revops::{Currency, Money};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let r = |n: &str, due, total: &str| Receivable::new(n, "c", due, due, usd(total)).unwrap();
/// let overpaid = r("I-4", d(1, 1), "10").with_paid(usd("15"), Some(d(1, 2)))?;
/// let book = [r("I-1", d(3, 31), "100"), r("I-2", d(2, 15), "50"), r("I-3", d(1, 1), "25"), overpaid];
/// let aged = age_receivables(&book, d(3, 31))?;
/// assert_eq!(aged[0].bucket(AgingBucket::Current), usd("100"));
/// assert_eq!(aged[0].bucket(AgingBucket::Days31To60), usd("50"));
/// assert_eq!(aged[0].bucket(AgingBucket::Over90), usd("0")); // Jan 1 is 89 days past due
/// assert_eq!(aged[0].bucket(AgingBucket::Days61To90), usd("25"));
/// assert_eq!((aged[0].total(), aged[0].credits(), aged[0].net()), (usd("175"), usd("5"), usd("170")));
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
///
/// # Errors
/// [`BillingError::SettledAfter`] for a receivable issued by `as_of` whose last payment or
/// credit is after it, naming the invoice and both dates; sums beyond `Decimal`'s range,
/// naming the invoice.
pub fn age_receivables<'a>(
    receivables: impl IntoIterator<Item = &'a Receivable>,
    as_of: NaiveDate,
) -> Result<Vec<AgingReport>, BillingError> {
    let mut reports: Vec<AgingReport> = Vec::new();
    let mut last = 0; // index of the report used last: books are mostly one currency
    for r in receivables {
        if r.issue_date() > as_of {
            continue; // not yet issued as of the aging date
        }
        r.check_as_of(as_of)?; // its balance must be as it stood on the aging date
        let open = r.open();
        if open.is_zero() {
            continue; // settled
        }
        let currency = r.currency();
        if reports.get(last).is_none_or(|x| x.currency != currency) {
            last = match reports.iter().position(|x| x.currency == currency) {
                Some(i) => i,
                None => {
                    reports.push(AgingReport::empty(as_of, currency));
                    reports.len() - 1
                }
            };
        }
        if let Some(report) = reports.get_mut(last) {
            report.add(r, open)?;
        }
    }
    for report in &mut reports {
        report.settle_net()?;
    }
    reports.sort_by_key(|r| r.currency);
    Ok(reports)
}

/// Days sales outstanding: `ending receivables × days in the period ÷ credit sales in the period`.
/// A statistic, so `f64`; worked out in `Decimal`, multiplying before dividing, so a whole
/// number of days comes out exact. Zero sales is an error rather than infinity.
///
/// ```
/// use revops::billing::days_sales_outstanding;
/// use revops::{Currency, Money};
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// assert_eq!(days_sales_outstanding(usd("100000"), usd("300000"), 90)?, 30.0);
/// assert_eq!(days_sales_outstanding(usd("100000"), usd("365000"), 365)?, 100.0);
/// assert!(days_sales_outstanding(usd("100000"), usd("0"), 90).is_err());
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
///
/// # Errors
/// Credit sales in another currency, zero or negative credit sales, zero days, or a ratio beyond
/// `Decimal`'s range.
pub fn days_sales_outstanding(ending_receivables: Money, credit_sales: Money, days: u32) -> Result<f64, BillingError> {
    same_currency(Field::CreditSales, "the dso", ending_receivables.currency(), &credit_sales)?;
    if credit_sales.amount() <= Decimal::ZERO {
        return Err(BillingError::NoSales { credit_sales });
    }
    if days == 0 {
        return Err(BillingError::NoDays);
    }
    let (owed, sales, days) = (ending_receivables.amount(), credit_sales.amount(), Decimal::from(days));
    // receivables × days first, then one division, so an exact answer comes out exact; only
    // when that product is beyond `Decimal` does the ratio come first
    let dso = match owed.checked_mul(days) {
        Some(owed_days) => owed_days.checked_div(sales),
        None => owed.checked_div(sales).and_then(|ratio| ratio.checked_mul(days)),
    };
    let dso = dso.ok_or(crate::money::MoneyError::Overflow("mul")).context("days sales outstanding", "the dso")?;
    Ok(rust_decimal::prelude::ToPrimitive::to_f64(&dso).unwrap_or(f64::NAN))
}

/// On-time collection for invoices due within `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct OnTimeCollection {
    /// Invoices due in the window.
    pub due: usize,
    /// Of those, paid in full (or credited) by their due date: the last payment and the last
    /// credit note on or before it.
    pub on_time: usize,
    /// `on_time ÷ due` by count (zero when nothing was due).
    pub rate_by_count: f64,
    /// Share of the amount due that was collected on time, exact (0 % when nothing was due).
    pub rate_by_amount: Percent,
}

/// The on-time collection rate for receivables due in `[from, to)`, all in `currency`. An
/// invoice counts as on time when it is settled and its last payment and last credit note
/// ([`Receivable::last_settled_on`]) are on or before its due date (an undated import counts
/// as on time). What came after the due date cannot make an invoice on time, so receivables
/// as they stand today give the right rate for a past window.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{on_time_collection, Receivable};
/// use revops::{Currency, Money};
/// let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let book = [
///     Receivable::new("I-1", "c", d(1), d(10), usd("100"))?.with_paid(usd("100"), Some(d(9)))?,
///     Receivable::new("I-2", "c", d(1), d(10), usd("300"))?,
/// ];
/// let ot = on_time_collection(&book, Currency::USD, d(1), d(31))?;
/// assert_eq!((ot.due, ot.on_time, ot.rate_by_amount), (2, 1, "25%".parse()?));
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
///
/// # Errors
/// A window that ends before it starts ([`CalendarError::ReversedRange`](crate::calendar::CalendarError::ReversedRange),
/// as [`BillingError::Calendar`]); sums beyond `Decimal`'s range, naming the invoice.
pub fn on_time_collection<'a>(
    receivables: impl IntoIterator<Item = &'a Receivable>,
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<OnTimeCollection, BillingError> {
    crate::calendar::Period::new(from, to)?; // a reversed window is refused, not empty
    let (mut due, mut on_time) = (0usize, 0usize);
    let (mut due_amount, mut on_time_amount) = (Money::zero(currency), Money::zero(currency));
    let in_window = |r: &&Receivable| r.due_date() >= from && r.due_date() < to && r.currency() == currency;
    for r in receivables.into_iter().filter(in_window) {
        let id = format!("invoice {}", r.invoice());
        due += 1;
        due_amount = due_amount.checked_add(r.total()).context("amount due", &id)?;
        let settled = r.open().amount() <= Decimal::ZERO;
        if settled && r.last_settled_on().is_none_or(|d| d <= r.due_date()) {
            on_time += 1;
            on_time_amount = on_time_amount.checked_add(r.total()).context("amount paid on time", &id)?;
        }
    }
    let rate_by_amount = if due_amount.is_zero() {
        Percent::ZERO
    } else {
        Percent::ratio(on_time_amount, due_amount).context("share paid on time", "the on-time collection")?
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DunningStep {
    /// Name (the overdue state, as Kill Bill calls it).
    pub name: String,
    /// Days past due at which the step applies.
    pub days_past_due: u32,
    /// What to do.
    pub action: DunningAction,
}

/// A dunning policy: at least one step, in strictly increasing days past due, and a minimum
/// overdue balance of zero or more in the policy's currency. Checked on construction and on the
/// way in from JSON.
///
/// ```
/// use revops::billing::{DunningAction, DunningPolicy, DunningStep};
/// use revops::{Currency, Money};
/// let step = |name: &str, days, action| DunningStep { name: name.into(), days_past_due: days, action };
/// let one_usd = Money::parse("1", Currency::USD)?;
/// let policy = DunningPolicy::new(vec![step("reminded", 1, DunningAction::Remind), step("suspended", 30, DunningAction::Suspend)], one_usd)?;
/// assert_eq!(policy.steps().len(), 2);
/// assert!(DunningPolicy::new(vec![], one_usd).is_err());
/// assert!(DunningPolicy::new(vec![step("late", 30, DunningAction::Suspend), step("early", 1, DunningAction::Remind)], one_usd).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "DunningPolicyRepr"))]
pub struct DunningPolicy {
    steps: Vec<DunningStep>,
    minimum_overdue: Money,
}

deserialize_via!(
    DunningPolicy,
    DunningPolicyRepr { steps: Vec<DunningStep>, minimum_overdue: Money },
    BillingError,
    |r| DunningPolicy::new(r.steps, r.minimum_overdue)
);

/// Where a customer stands under a dunning policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
    /// Steps, and the overdue balance below which nobody is dunned (no one is suspended over a
    /// cent).
    ///
    /// # Errors
    /// [`BillingError::NoDunningSteps`], [`BillingError::DunningStepsOutOfOrder`], or a
    /// negative minimum ([`BillingError::Negative`]).
    pub fn new(steps: Vec<DunningStep>, minimum_overdue: Money) -> Result<DunningPolicy, BillingError> {
        if steps.is_empty() {
            return Err(BillingError::NoDunningSteps);
        }
        for (index, pair) in steps.windows(2).enumerate() {
            if let [before, step] = pair {
                if step.days_past_due <= before.days_past_due {
                    let (days, previous) = (step.days_past_due, before.days_past_due);
                    return Err(BillingError::DunningStepsOutOfOrder { index: index + 1, days, previous });
                }
            }
        }
        not_negative(Field::MinimumOverdue, "the dunning policy", minimum_overdue)?;
        Ok(DunningPolicy { steps, minimum_overdue })
    }

    /// Steps, in strictly increasing days past due (at least one).
    pub fn steps(&self) -> &[DunningStep] {
        &self.steps
    }

    /// Overdue balances below this are ignored.
    pub fn minimum_overdue(&self) -> Money {
        self.minimum_overdue
    }

    /// A common SaaS policy: remind at 1 day, retry at 3, restrict at 14, suspend at 30, cancel at 60.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{DunningAction, DunningPolicy, Receivable};
    /// use revops::{Currency, Money};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let overdue = Receivable::new("INV-1", "acme", d(1, 1), d(1, 31), usd("500"))?;
    /// let state = DunningPolicy::standard(Currency::USD).evaluate("acme", [&overdue], d(3, 5))?.unwrap();
    /// assert_eq!(state.days_past_due, 33);
    /// assert_eq!(state.step.action, DunningAction::Suspend); // 30 days or more
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
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
    /// minimum) is overdue. Only the customer's receivables in the policy's currency count;
    /// pass them as they stood on `as_of` (one past due then and paid or credited after it is
    /// refused; one not yet due is not read), as
    /// [`ArLedger::receivables_as_of`](super::ArLedger::receivables_as_of) gives them.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{DunningAction, DunningPolicy, Receivable};
    /// use revops::{Currency, Money};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let book = [Receivable::new("I-1", "acme", d(3, 1), d(3, 1), Money::parse("100", Currency::USD)?)?];
    /// let policy = DunningPolicy::standard(Currency::USD);
    /// let state = policy.evaluate("acme", &book, d(3, 31))?;
    /// assert_eq!(state.map(|s| s.step.action), Some(DunningAction::Suspend)); // 30 days late
    /// assert_eq!(policy.evaluate("acme", &book, d(3, 1))?, None); // due today: not late
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`BillingError::SettledAfter`] for one of the customer's receivables (in the policy's
    /// currency) past due on `as_of` whose last payment or credit is after it, naming the invoice and both
    /// dates; an overdue sum beyond `Decimal`'s range, naming the invoice.
    pub fn evaluate<'a>(
        &self,
        customer: &str,
        receivables: impl IntoIterator<Item = &'a Receivable>,
        as_of: NaiveDate,
    ) -> Result<Option<DunningState>, BillingError> {
        let currency = self.minimum_overdue.currency();
        let mut overdue = Money::zero(currency);
        let mut oldest = 0i64;
        let theirs = |r: &&Receivable| r.customer() == customer && r.currency() == currency;
        for r in receivables.into_iter().filter(theirs) {
            let days = (as_of - r.due_date()).num_days();
            if days > 0 {
                r.check_as_of(as_of)?; // a past-due balance must be as it stood on `as_of`
            }
            let open = r.open();
            if days > 0 && open.amount() > Decimal::ZERO {
                overdue = overdue.checked_add(open).context("overdue balance", &format!("invoice {}", r.invoice()))?;
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
