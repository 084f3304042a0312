//! Numerics shared by the engines: optimisation, logistic regression, calibration and scoring
//! metrics. Distributions and special functions come from `statrs`; what statrs does not have
//! (an optimiser, a small linear solve) lives here, small and tested.

mod calibration;
mod fit;
pub(crate) mod linalg;
mod logistic;
mod logistic_kernel;
mod metrics;
mod optimize;
mod series;

pub(crate) use calibration::cross_fitted;
pub use calibration::{IsotonicCalibrator, PlattCalibrator};
pub(crate) use fit::linear_fit;
pub use fit::{aicc, holdout_split, ols, standardisation, HoldoutSplit, Ols};
pub(crate) use logistic::{all_finite, sigmoid};
pub use logistic::{LogisticFit, LogisticModel, LogisticSpec, StatsError, MAX_FEATURES, MAX_ITERATIONS};
pub use metrics::{auc, brier_score, expected_calibration_error, log_loss, reliability_bins, ReliabilityBin};
pub(crate) use optimize::{bfgs, nelder_mead, NelderMead};
pub(crate) use series::sum_series;
