//! Sales performance: quota and attainment with ramps, commission statements that tie to the
//! cent, territory balancing, and rep analytics.

mod commission;
mod quota;
mod territory;

pub use commission::{ClawbackEvent, CommissionPlan, CreditedDeal, LineKind, RateTier, Spif, Statement, StatementLine};
pub use quota::{attainment, rep_analytics, Attainment, Booking, Quota, RampSchedule, RepAnalytics};
pub use territory::{balance_territories, TerritoryAccount, TerritoryPlan};

use crate::money::MoneyError;

/// Why a sales computation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SalesError {
    /// Input that makes no sense (split shares not summing to 1, no reps, negative weights).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
