use chrono::NaiveDate;

use super::{BillingError, ContractLifecycle, ContractState};

/// Dates of one deal's path from quote to cash, as the caller recorded them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct QuoteToCash {
    /// Quote issued.
    pub quoted: NaiveDate,
    /// Contract signed.
    pub signed: Option<NaiveDate>,
    /// Service activated.
    pub activated: Option<NaiveDate>,
    /// First invoice issued.
    pub first_invoiced: Option<NaiveDate>,
    /// First payment received.
    pub first_paid: Option<NaiveDate>,
}

/// Days spent in each stage (`None` until the stage ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CycleTime {
    /// Quote → signature.
    pub quote_to_sign: Option<i64>,
    /// Signature → activation.
    pub sign_to_activate: Option<i64>,
    /// Activation → first invoice.
    pub activate_to_invoice: Option<i64>,
    /// First invoice → first payment.
    pub invoice_to_cash: Option<i64>,
    /// Quote → first payment.
    pub total: Option<i64>,
}

impl QuoteToCash {
    /// Take signature and activation dates from a contract's lifecycle.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ContractLifecycle, ContractState, QuoteToCash};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let lifecycle = ContractLifecycle::from_history(vec![
    ///     (ContractState::Draft, d(1, 2)),
    ///     (ContractState::Signed, d(1, 20)),
    ///     (ContractState::Active, d(2, 1)),
    /// ])?;
    /// let mut q2c = QuoteToCash::from_lifecycle(d(1, 5), &lifecycle);
    /// (q2c.first_invoiced, q2c.first_paid) = (Some(d(2, 1)), Some(d(3, 3)));
    /// let t = q2c.cycle_time()?;
    /// assert_eq!((t.quote_to_sign, t.invoice_to_cash, t.total), (Some(15), Some(30), Some(57)));
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    pub fn from_lifecycle(quoted: NaiveDate, lifecycle: &ContractLifecycle) -> QuoteToCash {
        QuoteToCash {
            quoted,
            signed: lifecycle.entered(ContractState::Signed),
            activated: lifecycle.entered(ContractState::Active),
            first_invoiced: None,
            first_paid: None,
        }
    }

    /// Days per stage.
    ///
    /// # Errors
    /// [`BillingError::EventOutOfOrder`] for a date before the previous recorded stage's (a
    /// stage not recorded is skipped: an activation with no signature is checked against the
    /// quote).
    pub fn cycle_time(&self) -> Result<CycleTime, BillingError> {
        let stages = [Some(self.quoted), self.signed, self.activated, self.first_invoiced, self.first_paid];
        let mut previous = self.quoted;
        for date in stages.into_iter().flatten() {
            if date < previous {
                return Err(BillingError::EventOutOfOrder { date, previous });
            }
            previous = date;
        }
        let span = |a: Option<NaiveDate>, b: Option<NaiveDate>| -> Result<Option<i64>, BillingError> {
            match (a, b) {
                (Some(a), Some(b)) if b < a => Err(BillingError::EventOutOfOrder { date: b, previous: a }),
                (Some(a), Some(b)) => Ok(Some((b - a).num_days())),
                _ => Ok(None),
            }
        };
        Ok(CycleTime {
            quote_to_sign: span(Some(self.quoted), self.signed)?,
            sign_to_activate: span(self.signed, self.activated)?,
            activate_to_invoice: span(self.activated, self.first_invoiced)?,
            invoice_to_cash: span(self.first_invoiced, self.first_paid)?,
            total: span(Some(self.quoted), self.first_paid)?,
        })
    }
}

/// Median and 90th percentile of total quote-to-cash days over completed cycles.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CycleTimeSummary {
    /// Completed cycles counted.
    pub completed: usize,
    /// Median days (nearest-rank).
    pub median_days: i64,
    /// 90th percentile days (nearest-rank).
    pub p90_days: i64,
    /// Mean days.
    pub mean_days: f64,
}

/// Summarise completed cycles; `None` when none has completed.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{summarise_cycle_times, QuoteToCash};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let q = QuoteToCash { quoted: d(1, 1), signed: None, activated: None, first_invoiced: None, first_paid: Some(d(2, 14)) };
/// assert_eq!(summarise_cycle_times(&[q])?.map(|s| s.median_days), Some(44));
/// assert!(summarise_cycle_times(&[QuoteToCash { first_paid: Some(d(1, 1)), quoted: d(2, 1), ..q }]).is_err());
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
///
/// # Errors
/// As [`QuoteToCash::cycle_time`], for any cycle.
pub fn summarise_cycle_times(cycles: &[QuoteToCash]) -> Result<Option<CycleTimeSummary>, BillingError> {
    let mut totals: Vec<i64> = Vec::new();
    for c in cycles {
        if let Some(t) = c.cycle_time()?.total {
            totals.push(t);
        }
    }
    if totals.is_empty() {
        return Ok(None);
    }
    totals.sort_unstable();
    let n = totals.len();
    // nearest rank: the ⌈p·n⌉-th smallest, 1-based
    let rank = |p: f64| totals.get(((p * n as f64).ceil() as usize).clamp(1, n) - 1).copied().unwrap_or_default();
    // each total is within ±2·10⁸ days (chrono's date range), so an i128 sum cannot overflow
    let sum: i128 = totals.iter().map(|&t| i128::from(t)).sum();
    Ok(Some(CycleTimeSummary {
        completed: n,
        median_days: rank(0.5),
        p90_days: rank(0.9),
        mean_days: sum as f64 / n as f64,
    }))
}
