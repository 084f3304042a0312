use chrono::NaiveDate;

use super::error::{not_negative, same_currency, Context, Field};
use super::BillingError;
use crate::calendar::Period;
use crate::money::{Money, Ratio};

/// A change in the middle of a paid (or billable) period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum PlanChange {
    /// Move to a different price for the rest of the period (upgrade, downgrade, seat change).
    Reprice {
        /// Price for the full period before the change.
        old: Money,
        /// Price for the full period after it.
        new: Money,
    },
    /// Stop at the change date; the unused part of the old price is credited.
    Cancel {
        /// Price for the full period.
        old: Money,
    },
}

/// The prorated charge and credit for a mid-period change, by day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Proration {
    /// The days from the change to the end of the period, over the period's days.
    pub remaining: Ratio,
    /// Credit for the unused part of the old price (positive; issue as a credit).
    pub credit: Money,
    /// Charge for the rest of the period at the new price (zero on cancellation).
    pub charge: Money,
}

impl Proration {
    /// Charge minus credit: what the customer owes (negative: what they are owed).
    ///
    /// # Errors
    /// A difference beyond `Decimal`'s range, or a charge and credit in different currencies.
    pub fn net(&self) -> Result<Money, BillingError> {
        self.charge.checked_sub(self.credit).context("net", "the proration")
    }
}

/// Prorate `change`, effective from the start of `on`, within the billing `period` by day.
/// Each side is rounded once from the exact fraction.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{prorate, PlanChange};
/// use revops::calendar::Month;
/// use revops::{Currency, Money};
/// // Lago's example: a €100/month plan taken on with 14 of January's 31 days left costs €45.16.
/// let jan = Month::new(2026, 1)?.period();
/// let eur = |s: &str| Money::parse(s, Currency::EUR).unwrap();
/// let p = prorate(jan, NaiveDate::from_ymd_opt(2026, 1, 18).unwrap(), PlanChange::Reprice { old: eur("0"), new: eur("100") })?;
/// assert_eq!(p.charge.to_string(), "EUR 45.16");
/// assert!(prorate(jan, NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(), PlanChange::Cancel { old: eur("100") }).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An empty period, a change date outside it, a negative price, a new price in another
/// currency, or amounts beyond `Decimal`'s range.
pub fn prorate(period: Period, on: NaiveDate, change: PlanChange) -> Result<Proration, BillingError> {
    if period.is_empty() {
        return Err(BillingError::EmptyPeriod { what: "billing period", period });
    }
    if !period.contains(on) {
        return Err(BillingError::DateOutsidePeriod { date: on, period });
    }
    let rest = Period::new(on, period.end())?;
    let remaining = Ratio::new(i128::from(rest.days()), i128::from(period.days()))?;
    let id = format!("the change on {on}");
    let (old, new) = match change {
        PlanChange::Reprice { old, new } => {
            same_currency(Field::PlanPrice, &id, old.currency(), &new)?;
            (old, Some(not_negative(Field::PlanPrice, &id, new)?))
        }
        PlanChange::Cancel { old } => (old, None),
    };
    not_negative(Field::PlanPrice, &id, old)?;
    Ok(Proration {
        remaining,
        credit: old.mul_ratio(remaining).context("prorated credit", &id)?,
        charge: match new {
            Some(n) => n.mul_ratio(remaining).context("prorated charge", &id)?,
            None => Money::zero(old.currency()),
        },
    })
}
