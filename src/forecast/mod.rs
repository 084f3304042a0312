//! Forecasting, honestly: exponential smoothing with intervals and a track record, pipeline
//! forecasts, and the date ARR reaches a milestone.
//!
//! - [`auto_ets`] fits every admissible ETS form (additive or multiplicative error; no, additive
//!   or damped trend; no, additive or multiplicative season) and keeps the lowest AICc;
//!   [`EtsModel::forecast`] gives intervals (analytic for linear models, seeded simulation
//!   otherwise). Constant series, zeros under multiplicative forms, short and non-finite series
//!   are handled or refused explicitly, never with NaN output.
//! - [`ArimaSpec::fit`] estimates a seasonal ARIMA by conditional sum of squares, then exact
//!   likelihood (statsforecast's "CSS-ML"); [`AutoArima`] chooses the differences (KPSS, seasonal
//!   strength) and the orders by the stepwise search of Hyndman & Khandakar (2008);
//!   [`ArimaModel::predict`] gives analytic intervals.
//! - [`accuracy`], [`interval_score`], [`backtest`], [`accuracy_by_lead`].
//! - [`pipeline_forecast`] (weighted, categories, rollups) and [`monte_carlo_close`].
//! - [`milestone_eta`].

mod accuracy;
mod arima;
mod arima_auto;
mod arima_diffs;
mod arima_kalman;
mod baseline;
mod cv;
mod ensemble;
mod error;
mod ets;
mod ets_likelihood;
mod intermittent;
mod milestone;
mod optim;
pub(crate) mod pipeline;
mod prediction;
mod theta;

pub use accuracy::{accuracy, accuracy_by_lead, backtest, interval_score, Accuracy, Backtest, ForecastRecord};
pub use arima::{ArimaModel, ArimaSpec, MAX_ARIMA_STATE};
pub use arima_auto::{ArimaCandidate, ArimaSearch, AutoArima, AutoArimaFit};
pub use baseline::{Baseline, BaselineModel};
pub use cv::{cross_validate, MethodScore, RollingOrigin, Score};
pub use ensemble::{Combination, Ensemble, EnsembleModel, FittedMember, Member};
pub use error::{ArimaProblem, ForecastError, Inadmissible};
pub use ets::{
    auto_ets, seasonal_naive, AutoEts, AutoEtsFit, Candidate, ErrorType, EtsModel, EtsParams, EtsSpec, Forecast,
    SeasonType, TrendType,
};
pub use intermittent::{Intermittent, IntermittentModel};
pub use milestone::{milestone_eta, MilestoneEta};
pub use pipeline::{
    monte_carlo_close, pipeline_forecast, CategoryRollup, CloseDistribution, ForecastCategory, PipelineDeal,
    PipelineForecast,
};
pub use prediction::{Forecaster, Interval, Method, Prediction, Simulation};
pub use theta::{Adjustment, Theta, ThetaKind, ThetaModel};

/// A fit is exact "to rounding" when its errors are below this share of the series' size:
/// about 450 units in the last place of an `f64`, room for the rounding a recursion over a few
/// hundred points gathers, and no more (at 10⁻¹⁰, noise of a few units about 10¹¹ was exact).
const EXACT_TO: f64 = 1e-13;
