use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{not_negative, rounded, Context, Field};
use super::BillingError;
use crate::calendar::{add_months_anchored, AnchorPolicy, Month, Period};
use crate::limits::{self, MAX_PARTS};
use crate::money::{Money, Ratio};

/// How often a contract bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum BillingFrequency {
    /// Every month.
    Monthly,
    /// Every three months.
    Quarterly,
    /// Every twelve months.
    Annual,
}

impl BillingFrequency {
    /// Months per billing period.
    pub fn months(self) -> u32 {
        match self {
            BillingFrequency::Monthly => 1,
            BillingFrequency::Quarterly => 3,
            BillingFrequency::Annual => 12,
        }
    }
}

/// When a period is invoiced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum BillingTiming {
    /// On the first day of the service period.
    InAdvance,
    /// On the day after the service period ends.
    InArrears,
}

/// Where billing periods start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum BillingAlignment {
    /// On anniversaries of the service start (month-end anchored by the policy).
    Anniversary(AnchorPolicy),
    /// On calendar boundaries (1st of the month, quarter, or year); a first period that starts
    /// mid-way is prorated by day.
    Calendar,
}

/// The recurring terms of a contract that drive its invoices.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BillingTerms {
    /// The fee for one full billing period, which [`BillingTerms::schedule`] bills (each item
    /// rounded on its own). To bill a contract value exactly over the term, use
    /// [`BillingTerms::schedule_total`], which does not use it.
    pub fee: Money,
    /// How often.
    pub frequency: BillingFrequency,
    /// In advance or in arrears.
    pub timing: BillingTiming,
    /// Anniversary or calendar periods.
    pub alignment: BillingAlignment,
    /// The whole service term (half-open).
    pub service: Period,
    /// Days from invoice to due date (30 for net-30).
    pub payment_terms_days: u32,
}

/// One billing period: what service it covers, when it is invoiced, and for how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BillingItem {
    /// The service covered.
    pub service: Period,
    /// The invoice date.
    pub invoice_date: NaiveDate,
    /// The due date.
    pub due_date: NaiveDate,
    /// Share of a full period's fee: one, or days used ÷ days in the full period.
    pub proration: Ratio,
    /// The amount billed for this item: the prorated fee rounded once
    /// ([`BillingTerms::schedule`]), or its largest-remainder share of the contract value
    /// ([`BillingTerms::schedule_total`]).
    pub amount: Money,
}

impl BillingTerms {
    /// The billing periods over the service term.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{BillingAlignment, BillingFrequency, BillingTerms, BillingTiming};
    /// use revops::calendar::Period;
    /// use revops::{Currency, Money};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let terms = BillingTerms {
    ///     fee: Money::parse("310", Currency::USD)?,
    ///     frequency: BillingFrequency::Monthly,
    ///     timing: BillingTiming::InAdvance,
    ///     alignment: BillingAlignment::Calendar,
    ///     service: Period::new(d(1, 18), d(4, 1))?,
    ///     payment_terms_days: 30,
    /// };
    /// let items = terms.schedule()?;
    /// assert_eq!(items[0].amount.to_string(), "USD 140.00"); // 14 of 31 January days
    /// assert_eq!(items.len(), 3);
    /// let empty = BillingTerms { service: Period::new(d(1, 18), d(1, 18))?, ..terms };
    /// assert!(empty.schedule().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A negative fee; an empty service term; a term of more than
    /// [`MAX_PARTS`](crate::limits::MAX_PARTS) billing periods (about 83,000 years billed
    /// monthly); dates beyond chrono's range; amounts beyond `Decimal`'s range.
    pub fn schedule(&self) -> Result<Vec<BillingItem>, BillingError> {
        let id = format!("the terms billing {}", self.service);
        not_negative(Field::Fee, &id, self.fee)?;
        let mut items = self.periods()?;
        for item in &mut items {
            item.amount = self.fee.mul_ratio(item.proration).context("prorated fee", &id)?;
        }
        Ok(items)
    }

    /// The billing periods over the service term, billing `total` (a contract value, such as
    /// its transaction price) exactly: `fee` is not used.
    ///
    /// The periods are those of [`BillingTerms::schedule`]. Each gets its exact share of
    /// `total`, in proportion to its proration (one for a full period, days used ÷ days in the
    /// full period for a partial one), rounded by the largest-remainder method
    /// ([`allocate_minor_units`](crate::money::allocate_minor_units)): every amount is within
    /// one minor unit of its exact share, equal shares differ by at most one minor unit (the
    /// units left over go to the earliest periods), and Σ amounts = `total` to the minor unit,
    /// by construction, so the invoices of a contract sum to what it earns.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{BillingAlignment, BillingFrequency, BillingTerms, BillingTiming};
    /// use revops::calendar::{AnchorPolicy, Period};
    /// use revops::{Currency, Money};
    /// let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let terms = BillingTerms {
    ///     fee: Money::zero(Currency::USD), // not used
    ///     frequency: BillingFrequency::Quarterly,
    ///     timing: BillingTiming::InAdvance,
    ///     alignment: BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
    ///     service: Period::new(d(2026, 3), d(2027, 3))?,
    ///     payment_terms_days: 30,
    /// };
    /// // a quarter of USD 2,281.50 is 570.375: rounded on its own, four of them bill 2,281.52
    /// let items = terms.schedule_total(usd("2281.50"))?;
    /// let amounts: Vec<String> = items.iter().map(|i| i.amount.amount().to_string()).collect();
    /// assert_eq!(amounts, ["570.38", "570.38", "570.37", "570.37"]);
    /// assert!(terms.schedule_total(usd("2281.505")).is_err()); // not a billable amount
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A negative `total` or one not rounded to its currency's minor unit; otherwise as
    /// [`BillingTerms::schedule`].
    pub fn schedule_total(&self, total: Money) -> Result<Vec<BillingItem>, BillingError> {
        let id = format!("the terms billing {}", self.service);
        not_negative(Field::Total, &id, total)?;
        rounded(Field::Total, &id, total)?;
        let mut items = self.periods()?;
        let weights: Vec<Decimal> =
            integer_weights(&items).into_iter().map(|w| Decimal::from_i128_with_scale(w, 0)).collect();
        let shares = total.allocate(&weights).context("share of the total", &id)?;
        for (item, share) in items.iter_mut().zip(shares) {
            item.amount = share;
        }
        Ok(items)
    }

    /// The billing periods with their dates and prorations; amounts zero in the fee's currency.
    fn periods(&self) -> Result<Vec<BillingItem>, BillingError> {
        if self.service.is_empty() {
            return Err(BillingError::EmptyPeriod { what: "service term", period: self.service });
        }
        let step = self.frequency.months();
        let (start, end) = (self.service.start(), self.service.end());
        // periods that tile the term: a whole number of steps, plus one partial at each end
        let months = Month::of(start).months_until(Month::of(end)).unsigned_abs();
        limits::check("billing periods in a schedule", months / u64::from(step) + 2, MAX_PARTS)?;
        // the full periods that tile the term: boundaries before, inside and after it
        let mut bounds: Vec<NaiveDate> = Vec::new();
        match self.alignment {
            BillingAlignment::Anniversary(policy) => {
                let mut k: u32 = 0;
                loop {
                    let months = k.checked_mul(step).and_then(|m| i32::try_from(m).ok());
                    let b = add_months_anchored(start, months.unwrap_or(i32::MAX), policy)?;
                    bounds.push(b);
                    if b >= end {
                        break;
                    }
                    k += 1;
                }
            }
            BillingAlignment::Calendar => {
                let first = Month::of(start);
                let offset = (first.number() - 1) % step;
                let mut m = first.checked_add(-(offset as i32))?;
                loop {
                    bounds.push(m.first_day());
                    if m.first_day() >= end {
                        break;
                    }
                    m = m.checked_add(step as i32)?;
                }
            }
        }
        let mut items = Vec::with_capacity(bounds.len());
        for (&from, &to) in bounds.iter().zip(bounds.iter().skip(1)) {
            let full = Period::new(from, to)?;
            let service = full.intersection(&self.service);
            if service.is_empty() {
                continue;
            }
            let proration = if service == full {
                Ratio::ONE
            } else {
                Ratio::new(i128::from(service.days()), i128::from(full.days()))?
            };
            let invoice_date = match self.timing {
                BillingTiming::InAdvance => service.start(),
                BillingTiming::InArrears => service.end(),
            };
            let due_date = invoice_date
                .checked_add_days(chrono::Days::new(u64::from(self.payment_terms_days)))
                .ok_or(crate::calendar::CalendarError::OutOfRange("due date"))?;
            items.push(BillingItem {
                service,
                invoice_date,
                due_date,
                proration,
                amount: Money::zero(self.fee.currency()),
            });
        }
        Ok(items)
    }
}

/// The items' prorations as integers in the same proportions: each numerator scaled to the
/// least common multiple of the denominators (days in a full period, so at most 366 × 365).
fn integer_weights(items: &[BillingItem]) -> Vec<i128> {
    use crate::money::ratio::gcd;
    // a ratio's denominator is positive
    let den = |i: &BillingItem| i.proration.den().unsigned_abs();
    let lcm = items.iter().fold(1u128, |l, i| l / gcd(l, den(i)) * den(i));
    items.iter().map(|i| i.proration.num() * (lcm / den(i)) as i128).collect()
}
