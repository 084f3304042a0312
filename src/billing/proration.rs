use chrono::NaiveDate;

use super::error::same_currency;
use super::BillingError;
use crate::calendar::Period;
use crate::money::{Money, Ratio};

/// A change in the middle of a paid (or billable) period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    pub fn net(&self) -> Result<Money, BillingError> {
        Ok(self.charge.checked_sub(self.credit)?)
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
/// assert_eq!(p.charge.to_string(), "45.16 EUR");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn prorate(period: Period, on: NaiveDate, change: PlanChange) -> Result<Proration, BillingError> {
    if period.is_empty() {
        return Err(BillingError::InvalidPolicy(format!("billing period {period} has no days")));
    }
    if !period.contains(on) {
        return Err(BillingError::InvalidPolicy(format!("change date {on} is outside the billing period {period}")));
    }
    let rest = Period::new(on, period.end())?;
    let remaining = Ratio::new(i128::from(rest.days()), i128::from(period.days()))?;
    let (old, new) = match change {
        PlanChange::Reprice { old, new } => {
            same_currency("new price", old.currency(), &new)?;
            (old, Some(new))
        }
        PlanChange::Cancel { old } => (old, None),
    };
    if old.is_negative() || new.is_some_and(|n| n.is_negative()) {
        return Err(BillingError::Negative("plan price".into()));
    }
    Ok(Proration {
        remaining,
        credit: old.mul_ratio(remaining)?,
        charge: match new {
            Some(n) => n.mul_ratio(remaining)?,
            None => Money::zero(old.currency()),
        },
    })
}
