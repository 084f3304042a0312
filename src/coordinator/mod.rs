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

pub use alerts::{evaluate_alerts, Alert, AlertRule, AlertState, Severity};
pub use health::{integration_health, HealthPolicy, HealthState, IntegrationHealth, SyncResult};
pub use ports::{
    BillingSource, CrmAccount, CrmActivity, CrmContact, CrmSource, InMemoryBilling, InMemoryCrm, PortError,
};
pub use snapshot::{ExecutiveSnapshot, SnapshotConfig, SnapshotSources};

/// Why the coordinator could not produce a snapshot.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoordinatorError {
    /// The date is outside the ARR book's periods.
    #[error("{0} is outside the ARR book's periods")]
    OutOfBook(chrono::NaiveDate),
    /// An alert rule names a metric the snapshot does not produce.
    #[error("alert rule names unknown metric {0:?}")]
    UnknownMetric(String),
    /// Integration-health thresholds that cannot work.
    #[error("invalid health policy: {0}")]
    InvalidHealthPolicy(String),
    /// A source failed.
    #[error(transparent)]
    Port(#[from] PortError),
    /// An engine failed.
    #[error(transparent)]
    Engine(#[from] Box<crate::Error>),
}

macro_rules! from_engine {
    ($($t:ty),*) => {$(
        impl From<$t> for CoordinatorError {
            fn from(e: $t) -> Self {
                CoordinatorError::Engine(Box::new(crate::Error::from(e)))
            }
        }
    )*};
}

from_engine!(
    crate::arr::ArrError,
    crate::billing::BillingError,
    crate::forecast::ForecastError,
    crate::money::MoneyError,
    crate::revrec::RevRecError,
    crate::pricing::PricingError
);
