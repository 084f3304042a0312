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
    /// A fitted model used outside its domain (Gamma-Gamma with q ≤ 1, BG/NBD with a ≤ 1).
    #[error("{0}")]
    OutOfDomain(String),
    /// Logistic fitting failed.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
