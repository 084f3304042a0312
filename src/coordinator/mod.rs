//! The coordinator: integration ports, integration health, alert rules, and the executive
//! snapshot that ties every engine together the way a revenue team sees it.
//!
//! It reads the engines' outputs and depends on all of them; no engine depends on it.

mod alerts;
pub mod demo;
mod health;
pub mod ports;
mod render;
mod snapshot;

pub use alerts::{evaluate_alerts, Alert, AlertRule, AlertState, Reading, Severity};
pub use health::{integration_health, HealthPolicy, HealthState, IntegrationHealth, SyncResult};
pub use ports::{
    BillingSource, CrmAccount, CrmActivity, CrmContact, CrmSource, InMemoryBilling, InMemoryCrm, PortError,
};
pub use render::{axis_label, axis_ticks};
pub use snapshot::{ExecutiveSnapshot, SnapshotConfig, SnapshotSources};

/// Why the coordinator could not produce a snapshot: its own checks, a source, or the error of
/// the engine it called. (The coordinator sits above the engines, so it holds their errors
/// directly; `crate::Error` holds this one. Nothing points back up.)
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoordinatorError {
    /// The date is outside the ARR book's periods.
    #[error("{0} is outside the ARR book's periods")]
    OutOfBook(chrono::NaiveDate),
    /// An alert rule names a metric the snapshot does not produce.
    #[error("alert rule names unknown metric {0:?}")]
    UnknownMetric(String),
    /// Two alert rules share a name (each rule's cool-down and reading are kept by its name).
    #[error("two alert rules are named {0:?}")]
    DuplicateRule(String),
    /// An alert rule that cannot be meant: a negative cool-down, or a threshold that is NaN or
    /// infinite.
    #[error("invalid alert rule {rule:?}: {problem}")]
    InvalidRule {
        /// The rule's name.
        rule: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A metric given twice to an alert evaluation: which reading a rule reads cannot be left
    /// to their order.
    #[error("metric {0:?} is given twice")]
    DuplicateMetric(String),
    /// Two different results of one integration's sync at the same moment that integration
    /// health reads (in its window, or at the last success; a result delivered twice with the
    /// same content counts once).
    #[error("integration {integration:?} has two different sync results at {at}")]
    ConflictingSync {
        /// The integration.
        integration: String,
        /// When.
        at: chrono::NaiveDateTime,
    },
    /// A snapshot configuration that cannot be meant: a gross margin outside (0, 1], a
    /// free-cash-flow margin above 1, a negative CAC or quarter target, a milestone target of
    /// zero or less, or an amount in another currency than the book's.
    #[error("invalid snapshot configuration: {0}")]
    InvalidConfig(&'static str),
    /// The ARR book holds too few months up to the snapshot's date for its velocity and
    /// forecast.
    #[error("the snapshot needs {needed} months of ARR up to its date; the book holds {months}")]
    ShortHistory {
        /// Months the book holds up to and including the snapshot's month.
        months: usize,
        /// Months the snapshot needs.
        needed: usize,
    },
    /// A CRM account with a Fortune rank of 0: ranks run from 1 (1 to 500 are the Fortune 500).
    #[error("CRM account {account:?} has Fortune rank {rank}; ranks run from 1")]
    InvalidFortuneRank {
        /// The account's id.
        account: String,
        /// The rank it gave.
        rank: u32,
    },
    /// Integration-health thresholds that cannot work.
    #[error("invalid health policy: {0}")]
    InvalidHealthPolicy(String),
    /// No round ticks cover the range: reversed, fewer than two ticks, or beyond `Decimal`.
    #[error("cannot place at most {max_ticks} round ticks from {low} to {high}")]
    InvalidAxis {
        /// The bottom of the range.
        low: crate::money::Money,
        /// The top of the range.
        high: crate::money::Money,
        /// The most ticks wanted.
        max_ticks: usize,
    },
    /// A count above its limit.
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// A source failed.
    #[error(transparent)]
    Port(#[from] PortError),
    /// The ARR ledger refused the data or the question.
    #[error(transparent)]
    Arr(#[from] crate::arr::ArrError),
    /// Billing failed.
    #[error(transparent)]
    Billing(#[from] crate::billing::BillingError),
    /// A date or period was out of range.
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
    /// Forecasting failed.
    #[error(transparent)]
    Forecast(#[from] crate::forecast::ForecastError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] crate::money::MoneyError),
    /// Pricing failed.
    #[error(transparent)]
    Pricing(#[from] crate::pricing::PricingError),
    /// Revenue recognition failed.
    #[error(transparent)]
    RevRec(#[from] crate::revrec::RevRecError),
}
