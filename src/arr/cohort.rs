//! Cohort tables by start month.

use rust_decimal::Decimal;

use super::{ArrBook, ArrError};
use crate::calendar::Period;
use crate::money::{checked_sum, MoneyError};

/// One cohort: customers whose first MRR fell in `period`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Cohort {
    /// The start period.
    pub period: Period,
    /// Customers in it.
    pub customers: u64,
    /// Their MRR at the end of the start period.
    pub starting_mrr: Decimal,
    /// Share of the cohort's customers active `m` periods later (index `m`, from 0).
    pub logo_retention: Vec<Decimal>,
    /// Cohort MRR `m` periods later ÷ starting MRR: net revenue retention per month.
    pub revenue_retention: Vec<Decimal>,
}

impl ArrBook {
    /// Cohort tables by start period, for customers whose first MRR is inside the book.
    ///
    /// # Errors
    ///
    /// A money overflow when a cohort's MRR, or its ratio to the starting MRR, does not fit a
    /// `Decimal`.
    pub fn cohorts(&self) -> Result<Vec<Cohort>, ArrError> {
        let periods = self.periods();
        let n = periods.len();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, c) in self.customers.iter().enumerate() {
            if let Some(first) = c.first_active {
                let k = periods.partition_point(|p| p.end() <= first);
                if k < n && periods[k].contains(first) && !self.customer_mrr(i, k).is_zero() {
                    members[k].push(i);
                }
            }
        }
        let mut out = Vec::with_capacity(n);
        for (k, ids) in members.iter().enumerate() {
            let starting = checked_sum(ids.iter().map(|&i| self.customer_mrr(i, k)))?;
            let size = ids.len() as u64;
            let mut logo = Vec::with_capacity(n - k);
            let mut revenue = Vec::with_capacity(n - k);
            for j in k..n {
                let active = ids.iter().filter(|&&i| self.customer_mrr(i, j) > Decimal::ZERO).count();
                let mrr = checked_sum(ids.iter().map(|&i| self.customer_mrr(i, j)))?;
                // active ≤ size, so this ratio is at most 1 and cannot overflow
                logo.push(if size == 0 { Decimal::ZERO } else { Decimal::from(active as u64) / Decimal::from(size) });
                revenue.push(if starting.is_zero() {
                    Decimal::ZERO
                } else {
                    mrr.checked_div(starting).ok_or(MoneyError::Overflow("cohort revenue retention"))?
                });
            }
            out.push(Cohort {
                period: periods[k],
                customers: size,
                starting_mrr: starting,
                logo_retention: logo,
                revenue_retention: revenue,
            });
        }
        Ok(out)
    }
}
