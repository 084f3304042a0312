//! SaaS metrics: retention, churn, quick ratio, and unit economics.

use rust_decimal::Decimal;

use super::unit::{arr_scale, PARTS};
use super::{ArrBook, ArrBridge, ArrError};
use crate::calendar::Month;
use crate::money::{power_of_ten, Fixed, Money, MoneyError};

/// Whether reactivations count as growth in the quick ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum QuickRatioPolicy {
    /// `(new + expansion + reactivation) ÷ (churn + contraction)` — the usual form.
    #[default]
    WithReactivation,
    /// `(new + expansion) ÷ (churn + contraction)`.
    WithoutReactivation,
}

/// Churn rates over a bridge: its churn over its opening, as the bridge counts it. Over
/// several months, or under [`SamePeriodNewAndChurn::ShowBoth`](super::SamePeriodNewAndChurn),
/// the churn includes customers who joined after the opening, so the rates can pass 100%;
/// [`ArrBook::retention`](super::ArrBook::retention) follows the opening's customers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ChurnRates {
    /// Customers lost ÷ customers at the opening.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub logo: Decimal,
    /// `(churn + contraction) ÷ opening`.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub gross_revenue: Decimal,
    /// `(churn + contraction − expansion − reactivation) ÷ opening`; negative is net expansion.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub net_revenue: Decimal,
}

fn ratio(num: Decimal, den: Decimal, what: &'static str) -> Result<Decimal, ArrError> {
    if den.is_zero() {
        return Err(ArrError::Undefined(what));
    }
    num.checked_div(den).ok_or(ArrError::Undefined(what))
}

/// `num ÷ den` of two amounts the book keeps, from their exact parts (not from figures rounded
/// to 10⁻⁸ of a cent first, which would make one ratio read two ways: summed before or after
/// rounding); from the rounded figures only where the parts do not fit a `Decimal`.
pub(super) fn exact_ratio(book: &ArrBook, num: Fixed, den: Fixed, what: &'static str) -> Result<Decimal, ArrError> {
    if den.is_zero() {
        return Err(ArrError::Undefined(what));
    }
    let parts = |x: Fixed| Decimal::try_from_i128_with_scale(x.units(), 0).ok();
    let quotient = match (parts(num), parts(den)) {
        (Some(n), Some(d)) => n.checked_div(d),
        _ => book.decimal(num).checked_div(book.decimal(den)),
    };
    Ok(quotient.ok_or(MoneyError::Overflow(what))?)
}

/// `a + b`, or an overflow error naming `what`.
pub(super) fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, ArrError> {
    Ok(a.checked_add(b).ok_or(MoneyError::Overflow(what))?)
}

/// `a − b`, or an overflow error naming `what`.
pub(super) fn sub(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, ArrError> {
    Ok(a.checked_sub(b).ok_or(MoneyError::Overflow(what))?)
}

impl ArrBridge {
    /// Logo and revenue churn over the bridge.
    ///
    /// ```
    /// # use revops::arr::{ArrBridge, Movements, NewArrComposition};
    /// # use revops::calendar::Month;
    /// # use revops::{Currency, Money};
    /// # use rust_decimal::Decimal;
    /// // $100 opening, $10 churn, $10 contraction, $10 expansion: gross 20%, net 10%.
    /// # let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
    /// # let m = Month::new(2026, 1)?;
    /// let b = ArrBridge { from: m, to: m, opening: usd(100), new: usd(0), expansion: usd(10), reactivation: usd(0),
    ///     contraction: usd(10), churn: usd(10), fx: usd(0), closing: usd(90), opening_customers: 10,
    ///     closing_customers: 9, movements: Movements { churned_logos: 1, ..Movements::zero(Currency::USD) },
    ///     composition: NewArrComposition::zero(Currency::USD) };
    /// let r = b.churn_rates()?;
    /// assert_eq!(r.gross_revenue, Decimal::new(2, 1));
    /// assert_eq!(r.net_revenue, Decimal::new(1, 1));
    /// assert_eq!(r.logo, Decimal::new(1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::Undefined`] with no customers or ARR at the opening; a money overflow when
    /// the movements do not fit a `Decimal`.
    pub fn churn_rates(&self) -> Result<ChurnRates, ArrError> {
        let opening = self.opening.amount();
        let lost = add(self.churn.amount(), self.contraction.amount(), "lost ARR")?;
        let regained = add(self.expansion.amount(), self.reactivation.amount(), "regained ARR")?;
        Ok(ChurnRates {
            logo: ratio(
                Decimal::from(self.movements.churned_logos),
                Decimal::from(self.opening_customers),
                "logo churn",
            )?,
            gross_revenue: ratio(lost, opening, "gross revenue churn")?,
            net_revenue: ratio(sub(lost, regained, "net lost ARR")?, opening, "net revenue churn")?,
        })
    }

    /// The SaaS quick ratio.
    ///
    /// ```
    /// use revops::arr::QuickRatioPolicy;
    /// # use chrono::NaiveDate;
    /// # use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// # use revops::calendar::Month;
    /// # use revops::money::InMemoryFxRates;
    /// # use revops::{Currency, Money};
    /// # let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// # let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let events = [
    ///     Ev::start("e1", "a", "s", d(1, 5), usd("100"), Interval::Month),
    ///     Ev::start("e2", "b", "s", d(1, 6), usd("100"), Interval::Month),
    ///     Ev::start("e3", "c", "s", d(2, 3), usd("300"), Interval::Month), // new: 3,600
    ///     Ev::cancel("e4", "b", "s", d(2, 9), None),                        // churn: 1,200
    /// ];
    /// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new())?;
    /// let quick = book.bridge(feb, feb)?.quick_ratio(QuickRatioPolicy::default())?;
    /// assert_eq!(quick, 3.into()); // (new + expansion + reactivation) ÷ (churn + contraction)
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::Undefined`] without churn or contraction; a money overflow when the movements
    /// do not fit a `Decimal`.
    pub fn quick_ratio(&self, policy: QuickRatioPolicy) -> Result<Decimal, ArrError> {
        let mut gained = add(self.new.amount(), self.expansion.amount(), "gained ARR")?;
        if policy == QuickRatioPolicy::WithReactivation {
            gained = add(gained, self.reactivation.amount(), "gained ARR")?;
        }
        ratio(gained, add(self.churn.amount(), self.contraction.amount(), "lost ARR")?, "quick ratio")
    }

    /// Growth rate of ARR over the bridge: `(closing − opening) ÷ opening`.
    ///
    /// # Errors
    ///
    /// [`ArrError::Undefined`] without opening ARR; a money overflow when the change does not
    /// fit a `Decimal`.
    pub fn growth_rate(&self) -> Result<Decimal, ArrError> {
        let change = sub(self.closing.amount(), self.opening.amount(), "ARR change")?;
        ratio(change, self.opening.amount(), "growth rate")
    }
}

/// Net and gross revenue retention of a cohort between two period ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Retention {
    /// Customers in the cohort (active at the start).
    pub cohort: u64,
    /// Their MRR now ÷ their MRR then (expansion counts).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub nrr: Decimal,
    /// Their MRR now, each capped at its starting MRR, ÷ their MRR then.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub grr: Decimal,
}

impl ArrBook {
    /// NRR and GRR at the end of `at` for the customers active `months` months earlier (at the
    /// end of month `at − months`, which may be the book's opening): trailing twelve months with
    /// `months = 12`; customers new since are excluded. The ratios are of the exact amounts the
    /// book keeps, as [`ArrBook::cohorts`]' are: one cohort reads alike in both. ARR is as
    /// booked, so a foreign customer re-valued at a new booking rate moves its retention (the
    /// bridge's FX line, which retention does not keep apart); for retention in constant
    /// currency, build the book under [`FxRateDate::Fixed`](super::FxRateDate::Fixed).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    ///
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let events = [
    ///     Ev::start("e1", "a", "s", d(2025, 6, 1), usd("100"), Interval::Month),
    ///     Ev::start("e2", "b", "s", d(2025, 6, 1), usd("100"), Interval::Month),
    ///     Ev::change("e3", "a", "s", d(2026, 5, 1), usd("150"), Interval::Month),
    ///     Ev::cancel("e4", "b", "s", d(2026, 7, 1), None),
    /// ];
    /// let (jan, dec) = (Month::new(2026, 1)?, Month::new(2026, 12)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=dec, &InMemoryFxRates::new())?;
    /// // twelve months to the end of December 2026: the cohort is those active at the book's opening
    /// let r = book.retention(dec, 12)?;
    /// assert_eq!((r.cohort, r.nrr, r.grr), (2, Decimal::new(75, 2), Decimal::new(5, 1)));
    /// assert!(book.retention(dec, 13).is_err()); // before the book
    /// assert!(book.retention(dec, 0).is_err()); // an empty window
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`]; [`ArrError::EmptyWindow`] for `months = 0`;
    /// [`ArrError::WindowOutsideBook`] when the cohort's month end is before the book's
    /// opening; [`ArrError::Undefined`] with no cohort; a money overflow.
    pub fn retention(&self, at: Month, months: u32) -> Result<Retention, ArrError> {
        let (before, k) = self.window(at, months)?;
        // (sums of the book's exact amounts: see `unit::MAX_ARR_DIGITS` for why they fit)
        let (mut then, mut now, mut kept, mut n) = (Fixed::ZERO, Fixed::ZERO, Fixed::ZERO, 0u64);
        for c in 0..self.customers.len() {
            let (at_start, at_k) = (self.customer_arr_at(c, before), self.customer_arr_at(c, Some(k)));
            if at_start.is_zero() {
                continue;
            }
            then += at_start;
            now += at_k;
            kept += at_k.min(at_start);
            n += 1;
        }
        Ok(Retention {
            cohort: n,
            nrr: exact_ratio(self, now, then, "net revenue retention")?,
            grr: exact_ratio(self, kept, then, "gross revenue retention")?,
        })
    }

    /// Average MRR per active account at the end of `month`: the book's exact ARR ÷ 12 ÷
    /// accounts, in one division to `Decimal`'s 28 digits (a $100 36-month term is
    /// $2.7777777777777777777777777778 a month, not a quotient of ARR rounded first).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let events = [
    ///     Ev::start("e1", "a", "s", d(1, 5), usd("100"), Interval::Month),
    ///     Ev::start("e2", "b", "s", d(1, 9), usd("1200"), Interval::Year),
    ///     Ev::start("e3", "c", "s", d(1, 12), usd("500"), Interval::Month),
    /// ];
    /// let jan = Month::new(2026, 1)?;
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=jan, &InMemoryFxRates::new())?;
    /// assert_eq!(book.mrr_at(jan)?, usd("700")); // 100 + 1,200 / 12 + 500
    /// assert_eq!(book.arpa(jan)?.round(), usd("233.33")); // 700 ÷ 3 accounts, kept exact until rounded
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`]; [`ArrError::Undefined`] with no active account.
    pub fn arpa(&self, month: Month) -> Result<Money, ArrError> {
        let k = self.index_of(month)?;
        let n = self.active_customers(Some(k));
        if n == 0 {
            return Err(ArrError::Undefined("ARPA"));
        }
        // ARR's parts over the parts of 12 × n currency units: one division, from the exact
        // parts (ARR rounded to 10⁻⁸ of a cent first read $2.777777777775 for a $100 36-month term)
        let unit = power_of_ten(arr_scale(self.currency)).and_then(|p| p.checked_mul(PARTS));
        let accounts = unit.and_then(|u| u.checked_mul(12)?.checked_mul(i128::from(n)));
        let den = accounts.map(Fixed::from_units).ok_or(MoneyError::Overflow("ARPA"))?;
        Ok(Money::new(exact_ratio(self, self.total_arr(Some(k)), den, "ARPA")?, self.currency))
    }
}

/// Lifetime value: `ARPA × gross margin ÷ churn rate` (all per the same period).
///
/// ```
/// use revops::arr::lifetime_value;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// // ARPA $100 a month, 100% margin, 5% monthly churn → $2,000.
/// let ltv = lifetime_value(Money::parse("100", Currency::USD)?, Decimal::ONE, Decimal::new(5, 2))?;
/// assert_eq!(ltv, Money::parse("2000", Currency::USD)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ArrError::Undefined`] unless the churn rate is above zero; a money overflow.
pub fn lifetime_value(arpa: Money, gross_margin: Decimal, churn_rate: Decimal) -> Result<Money, ArrError> {
    if churn_rate <= Decimal::ZERO {
        return Err(ArrError::Undefined("lifetime value without positive churn"));
    }
    Ok(arpa.checked_mul(gross_margin)?.checked_div(churn_rate)?)
}

/// Months to recover the cost of acquiring a customer: `CAC ÷ (ARPA × gross margin)`.
///
/// ```
/// use revops::arr::cac_payback_months;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// // $12,000 to acquire a customer paying $1,000 a month at 80% gross margin
/// let months = cac_payback_months(usd("12000"), usd("1000"), Decimal::new(8, 1))?;
/// assert_eq!(months, Decimal::from(15));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ArrError::Undefined`] when ARPA × margin is zero or in another currency; a money overflow.
pub fn cac_payback_months(cac: Money, arpa: Money, gross_margin: Decimal) -> Result<Decimal, ArrError> {
    let monthly = arpa.checked_mul(gross_margin)?;
    defined_ratio(cac, monthly, "CAC payback")
}

/// `a ÷ b`, undefined for a zero `b` or two currencies; a quotient past `Decimal` stays the
/// money overflow it is, not "undefined".
fn defined_ratio(a: Money, b: Money, what: &'static str) -> Result<Decimal, ArrError> {
    match a.ratio(b) {
        Err(MoneyError::CurrencyMismatch { .. } | MoneyError::DivisionByZero(_)) => Err(ArrError::Undefined(what)),
        other => Ok(other?),
    }
}

/// `LTV ÷ CAC`.
///
/// ```
/// use revops::arr::ltv_to_cac;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// assert_eq!(ltv_to_cac(usd("36000"), usd("12000"))?, Decimal::from(3));
/// assert!(ltv_to_cac(usd("36000"), usd("0")).is_err()); // undefined, not infinite
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ArrError::Undefined`] for a zero CAC or amounts in different currencies; a money overflow.
pub fn ltv_to_cac(ltv: Money, cac: Money) -> Result<Decimal, ArrError> {
    defined_ratio(ltv, cac, "LTV:CAC")
}

/// Rule of 40: growth rate plus profit (or free-cash-flow) margin, both as fractions; healthy at
/// 0.40 or more.
///
/// ```
/// use revops::arr::rule_of_40;
/// use rust_decimal::Decimal;
/// assert_eq!(rule_of_40(Decimal::new(25, 2), Decimal::new(15, 2))?, Decimal::new(40, 2));
/// assert!(rule_of_40(Decimal::MAX, Decimal::MAX).is_err());
/// # Ok::<(), revops::arr::ArrError>(())
/// ```
///
/// # Errors
///
/// A money overflow when the sum does not fit a `Decimal`.
pub fn rule_of_40(growth_rate: Decimal, profit_margin: Decimal) -> Result<Decimal, ArrError> {
    add(growth_rate, profit_margin, "rule of 40")
}

/// Magic number: `(this quarter's revenue − last quarter's) × 4 ÷ last quarter's sales and
/// marketing spend`.
///
/// ```
/// use revops::arr::magic_number;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// // revenue up $250,000 in the quarter (× 4 = $1M annualised) on $1.25M of last quarter's S&M
/// let m = magic_number(usd("2250000"), usd("2000000"), usd("1250000"))?;
/// assert_eq!(m, Decimal::new(8, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ArrError::Undefined`] for zero spend or amounts in different currencies; a money overflow.
pub fn magic_number(
    revenue_now: Money,
    revenue_prior: Money,
    sales_marketing_prior: Money,
) -> Result<Decimal, ArrError> {
    if revenue_now.currency() != revenue_prior.currency() {
        return Err(ArrError::Undefined("magic number"));
    }
    let growth = revenue_now.checked_sub(revenue_prior)?.checked_mul(Decimal::from(4))?;
    defined_ratio(growth, sales_marketing_prior, "magic number")
}

/// Burn multiple: `net burn ÷ net new ARR` over the same period; lower is better.
///
/// ```
/// use revops::arr::burn_multiple;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// assert_eq!(burn_multiple(usd("3000000"), usd("2000000"))?, Decimal::new(15, 1));
/// assert!(burn_multiple(usd("3000000"), usd("0")).is_err()); // no net new ARR: undefined
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ArrError::Undefined`] without positive net new ARR or for amounts in different currencies;
/// a money overflow.
pub fn burn_multiple(net_burn: Money, net_new_arr: Money) -> Result<Decimal, ArrError> {
    if net_new_arr.amount() <= Decimal::ZERO {
        return Err(ArrError::Undefined("burn multiple without net new ARR"));
    }
    defined_ratio(net_burn, net_new_arr, "burn multiple")
}
