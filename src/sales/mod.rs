//! Sales performance: quota and attainment with ramps, commission statements that tie to the
//! cent, territory balancing, and rep analytics.

mod commission;
mod quota;
mod territory;

pub use commission::{ClawbackEvent, CommissionPlan, CreditedDeal, LineKind, RateTier, Spif, Statement, StatementLine};
pub use quota::{attainment, rep_analytics, Attainment, Booking, Quota, RampSchedule, RepAnalytics};
pub use territory::{balance_territories, TerritoryAccount, TerritoryPlan};

use crate::money::{Money, MoneyError, Percent};

/// Why a sales computation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SalesError {
    /// A quota below zero (zero is allowed: its attainment is undefined and commission is paid
    /// at the plan's base rate).
    #[error("the quota of {rep} is {quota}; a quota must not be negative")]
    NegativeQuota {
        /// The rep.
        rep: String,
        /// The quota given.
        quota: Money,
    },
    /// Credit shares that are not each 0%–100% or do not sum to exactly 100%.
    #[error("credit shares of deal {deal} must each be between 0% and 100% and sum to exactly 100%")]
    SplitShares {
        /// The deal's id.
        deal: String,
    },
    /// A deal that cannot be credited: a negative amount, one finer than its currency's minor
    /// unit, or an id given more than once (which would credit and pay it twice).
    #[error("deal {deal} {problem}")]
    InvalidDeal {
        /// The deal's id.
        deal: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A deal whose splits name the same rep more than once: which share is theirs is unclear.
    #[error("deal {deal} splits credit to {rep} more than once")]
    RepeatedSplit {
        /// The deal's id.
        deal: String,
        /// The rep named twice.
        rep: String,
    },
    /// A clawback that cannot be deducted: a churn before the close, a negative commission paid
    /// (which would turn it into a payment) or one finer than its minor unit, or the same deal
    /// and rep given more than once.
    #[error("clawback of deal {deal} from {rep}: {problem}")]
    InvalidClawback {
        /// The deal's id.
        deal: String,
        /// The rep.
        rep: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A statement (read from JSON) whose total is not the sum of its lines.
    #[error("the statement of {rep} states a total of {stated}; its lines sum to {lines}")]
    StatementDoesNotTie {
        /// The rep.
        rep: String,
        /// The total stated.
        stated: Money,
        /// The sum of the lines.
        lines: Money,
    },
    /// An attainment (read from JSON) that is not its booked ÷ quota.
    #[error("the attainment stated for {rep} is not its booked ÷ quota (none for a zero quota)")]
    AttainmentDoesNotTie {
        /// The rep.
        rep: String,
        /// The attainment stated.
        stated: Option<Percent>,
    },
    /// A full quota below zero given to a ramp (see [`SalesError::NegativeQuota`]).
    #[error("the full quota to ramp is {full}; a quota must not be negative")]
    NegativeFullQuota {
        /// The full quota given.
        full: Money,
    },
    /// A commission plan that cannot be applied (bands out of order, a negative cap or one finer
    /// than its currency's minor unit, a negative clawback window…).
    #[error("invalid commission plan: {0}")]
    InvalidPlan(&'static str),
    /// A ramp share outside 0%–100%.
    #[error("the ramp share {share} for tenure month {tenure_month} must be between 0% and 100%")]
    RampShare {
        /// Tenure month (0 = first).
        tenure_month: usize,
        /// The share given.
        share: Percent,
    },
    /// No reps to assign territories to.
    #[error("no reps to assign accounts to")]
    NoReps,
    /// A rep named more than once in the reps to assign accounts to: the plan would hold two
    /// loads for them, each looking balanced.
    #[error("rep {0} is given more than once; each rep holds one territory")]
    RepeatedRep(String),
    /// An account given more than once: it would be counted twice and could go to two reps.
    #[error("account {0} is given more than once; an account is assigned once")]
    RepeatedAccount(String),
    /// An opportunity id given more than once to [`rep_analytics`] (a re-delivered CRM record):
    /// it would count twice in the win rate, the cycle time and the averages.
    #[error("opportunity {0} is given more than once; an opportunity is counted once")]
    RepeatedOpportunity(String),
    /// An account fixed to a rep who is not in the list.
    #[error("account {account} is fixed to unknown rep {rep}")]
    UnknownRep {
        /// The account.
        account: String,
        /// The rep it names.
        rep: String,
    },
    /// An account's potential or workload that is negative, NaN or infinite.
    #[error("account {account} has a potential or workload that is negative or not finite")]
    InvalidLoad {
        /// The account.
        account: String,
    },
    /// Potentials or workloads whose total is too large for an `f64`.
    #[error("the accounts' total potential or workload overflows")]
    LoadOverflow,
    /// The weight of potential against workload outside `[0, 1]`.
    #[error("the potential weight {0} must be between 0 and 1")]
    PotentialWeight(f64),
    /// A won opportunity without a close date: its sales cycle is unknown, not 0 days.
    #[error("won opportunity {0} has no close date, so its sales cycle is unknown")]
    MissingCloseDate(String),
    /// A won opportunity that closes before it was created.
    #[error("opportunity {opportunity} closes on {closed}, before it was created on {created}")]
    ClosedBeforeCreated {
        /// The opportunity.
        opportunity: String,
        /// Created.
        created: chrono::NaiveDate,
        /// Closed.
        closed: chrono::NaiveDate,
    },
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
