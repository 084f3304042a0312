//! Cohort tables by start month.

use rust_decimal::Decimal;

use super::metrics::exact_ratio;
use super::{ArrBook, ArrError};
use crate::calendar::Month;
use crate::money::{Fixed, Money};

/// One cohort: customers whose first ARR fell in `month`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Cohort {
    /// The start month.
    pub month: Month,
    /// Customers in it.
    pub customers: u64,
    /// Their ARR at the end of the start month, exact.
    pub starting_arr: Money,
    /// Share of the cohort's customers active `m` months later (index `m`, from 0).
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::money::exact::decimals"))]
    pub logo_retention: Vec<Decimal>,
    /// Cohort ARR `m` months later ÷ starting ARR: net revenue retention per month.
    #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::money::exact::decimals"))]
    pub revenue_retention: Vec<Decimal>,
}

impl ArrBook {
    /// Cohort tables by start month, for customers whose first day with ARR is inside the
    /// book and who still have ARR at the end of that month: one row per month in which such
    /// customers started. A month in which none did has no row, rather than a row of 0 ÷ 0
    /// retention reported as 0 %. Retention is of ARR as booked, FX included, as
    /// [`ArrBook::retention`]'s.
    ///
    /// # Errors
    ///
    /// A money overflow when a cohort's ratio to its starting ARR does not fit a `Decimal`.
    pub fn cohorts(&self) -> Result<Vec<Cohort>, ArrError> {
        let n = self.periods.len();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, c) in self.customers.iter().enumerate() {
            if let Some(first) = c.first_active {
                let k = self.ends.partition_point(|&end| end <= first);
                if k < n && self.periods[k].contains(first) && !self.cells_of(i)[k].arr.is_zero() {
                    members[k].push(i);
                }
            }
        }
        let mut out = Vec::with_capacity(n);
        for (k, ids) in members.iter().enumerate().filter(|(_, ids)| !ids.is_empty()) {
            let sum = |j: usize| ids.iter().map(|&i| self.cells_of(i)[j].arr).sum::<Fixed>();
            let start = sum(k);
            let size = ids.len() as u64;
            let mut logo = Vec::with_capacity(n - k);
            let mut revenue = Vec::with_capacity(n - k);
            for j in k..n {
                let active = ids.iter().filter(|&&i| !self.cells_of(i)[j].arr.is_zero()).count();
                // 0 < active ≤ size, so this ratio is at most 1 and cannot overflow
                logo.push(Decimal::from(active as u64) / Decimal::from(size));
                // every member had ARR at the end of its start month, so `start` is not zero
                revenue.push(exact_ratio(self, sum(j), start, "cohort revenue retention")?);
            }
            out.push(Cohort {
                month: self.month_of(k),
                customers: size,
                starting_arr: self.money(start),
                logo_retention: logo,
                revenue_retention: revenue,
            });
        }
        Ok(out)
    }
}
