//! The crate-wide error: one variant per module, each wrapping that module's own error.

use crate::acquisition::AcquisitionError;
use crate::arr::ArrError;
use crate::billing::BillingError;
use crate::calendar::CalendarError;
use crate::coordinator::CoordinatorError;
use crate::expansion::ExpansionError;
use crate::forecast::ForecastError;
use crate::ledger::LedgerError;
use crate::money::MoneyError;
use crate::pricing::PricingError;
use crate::retention::RetentionError;
use crate::revrec::RevRecError;
use crate::sales::SalesError;
use crate::stats::StatsError;

/// Any error `revops` returns. Match on the module's variant for detail.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Money, currency, allocation or FX.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Dates, periods and fiscal calendars.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Snapshot, ports and alerts.
    #[error(transparent)]
    Coordinator(#[from] Box<CoordinatorError>),
    /// Expansion scoring, playbooks and campaigns.
    #[error(transparent)]
    Expansion(#[from] ExpansionError),
    /// Forecasting.
    #[error(transparent)]
    Forecast(#[from] ForecastError),
    /// Journal entries and ledger sinks.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Prospect and deal scoring.
    #[error(transparent)]
    Acquisition(#[from] AcquisitionError),
    /// ARR ledger and SaaS metrics.
    #[error(transparent)]
    Arr(#[from] ArrError),
    /// Billing, invoices, payments and collections.
    #[error(transparent)]
    Billing(#[from] BillingError),
    /// Pricing, quotes and approvals.
    #[error(transparent)]
    Pricing(#[from] PricingError),
    /// Retention and churn models.
    #[error(transparent)]
    Retention(#[from] RetentionError),
    /// Sales performance.
    #[error(transparent)]
    Sales(#[from] SalesError),
    /// Statistical fitting.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// Revenue recognition.
    #[error(transparent)]
    RevRec(#[from] RevRecError),
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
