use super::{Rfm, SpendObservation};
use crate::limits::LimitExceeded;
use crate::money::MoneyError;
use crate::stats::StatsError;

/// Why a retention model could not be fitted or used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RetentionError {
    /// Not enough data to fit.
    #[error("not enough data: {0}")]
    NotEnoughData(String),
    /// Input that makes no sense (a survivor curve that rises, a negative time, NaN).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Data at a boundary where the model's parameters are not identifiable (nobody churned,
    /// everybody churned at once).
    #[error("degenerate data: {0}")]
    Degenerate(String),
    /// The optimiser stopped without converging.
    #[error("fit did not converge after {iterations} iterations (log-likelihood {log_likelihood})")]
    NoConvergence {
        /// Iterations used.
        iterations: usize,
        /// Where it stopped.
        log_likelihood: f64,
    },
    /// A fitted model used outside its domain (Gamma-Gamma's expected spend with px + q ≤ 1).
    #[error("{0}")]
    OutOfDomain(String),
    /// Model parameters that no fit produces (negative, zero, NaN): built by hand or read from
    /// JSON.
    #[error("invalid {model} model: {reason}")]
    InvalidModel {
        /// The model.
        model: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// A purchase history that cannot happen.
    #[error(
        "invalid purchase history {0:?}: need finite t ≥ 0 and 0 ≤ recency ≤ t, with recency 0 without repeat purchases and none at t = 0"
    )]
    InvalidHistory(Rfm),
    /// A spend observation without a repeat purchase or with a mean that is not finite and
    /// positive.
    #[error("invalid spend observation {0:?}: need a repeat purchase and a finite, positive mean")]
    InvalidSpend(SpendObservation),
    /// A survivor curve that rises.
    #[error("survivor counts must not increase: period {period} has {count}, more than the {previous} before it")]
    RisingSurvivors {
        /// The period that rose.
        period: usize,
        /// Customers the period before.
        previous: u64,
        /// Customers in the period.
        count: u64,
    },
    /// A series that has not converged after as many terms as it may take.
    #[error("{what} has not converged after {terms} terms")]
    NotConverged {
        /// The quantity.
        what: &'static str,
        /// Terms summed.
        terms: usize,
    },
    /// Feature values that do not match the model's features.
    #[error("need {expected} feature values, got {got}")]
    FeatureCount {
        /// The model's features.
        expected: usize,
        /// Values given.
        got: usize,
    },
    /// A value that must be finite (a margin, a rate, a feature value, a result).
    #[error("{0} must be finite")]
    NonFinite(&'static str),
    /// A count (customers, periods, horizon) above its documented limit.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    /// Logistic fitting failed.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
