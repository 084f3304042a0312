use crate::limits::LimitExceeded;
use crate::money::{Currency, MoneyError, Percent};
use crate::stats::StatsError;

/// Why a forecast could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// Too few observations for any model.
    #[error("series of {got} points is too short; need at least {needed}")]
    ShortSeries {
        /// Needed.
        needed: usize,
        /// Given.
        got: usize,
    },
    /// NaN or infinite input.
    #[error("series contains a non-finite value at index {0}")]
    NonFinite(usize),
    /// A model that cannot be used on this data (multiplicative with zeros, seasonal too short).
    #[error("model {0} is not admissible for this series: {1}")]
    NotAdmissible(String, String),
    /// No candidate model could be fitted.
    #[error("no model could be fitted: {0}")]
    NoModel(String),
    /// Invalid arguments (a level outside (0, 1), a zero horizon).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A deal's win probability outside 0%–100% (70 typed for 70%, say).
    #[error("deal {deal} has a win probability of {probability}; it must be between 0% and 100%")]
    DealProbability {
        /// The deal's id.
        deal: String,
        /// The probability given.
        probability: Percent,
    },
    /// A deal in another currency than the forecast's.
    #[error("deal {deal} is in {found}, the forecast in {expected}")]
    DealCurrency {
        /// The deal's id.
        deal: String,
        /// Its currency.
        found: Currency,
        /// The forecast's.
        expected: Currency,
    },
    /// A count (horizon, trials, paths, season) above its documented limit.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    /// Statistics failed.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
