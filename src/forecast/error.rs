use super::{ArimaSpec, EtsSpec};
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
    /// Values so large that their squares (and so the model's errors) overflow an `f64`.
    #[error("series value at index {0} is too large: the sum of squares overflows")]
    TooLarge(usize),
    /// A model that cannot be used on this data (multiplicative with zeros, seasonal too short).
    #[error("model {spec} is not admissible for this series: {reason}")]
    NotAdmissible {
        /// The model form.
        spec: EtsSpec,
        /// Why not.
        reason: Inadmissible,
    },
    /// The fit's recursions blew up (states or variance not finite).
    #[error("model {0} diverged")]
    Diverged(EtsSpec),
    /// No candidate model could be fitted: each form tried, with why it failed.
    #[error("no model could be fitted ({} tried)", tried.len())]
    NoModel {
        /// The forms tried and their errors.
        tried: Vec<(EtsSpec, ForecastError)>,
    },
    /// An ARIMA form that cannot be fitted to any series.
    #[error("{spec} cannot be fitted: {reason}")]
    ArimaForm {
        /// The form.
        spec: ArimaSpec,
        /// Why not.
        reason: ArimaProblem,
    },
    /// An ARIMA form whose estimation failed on this series.
    #[error("{spec} could not be estimated: {reason}")]
    ArimaFit {
        /// The form.
        spec: ArimaSpec,
        /// Why not.
        reason: ArimaProblem,
    },
    /// No ARIMA candidate could be fitted: each form tried, with why it failed.
    #[error("no ARIMA model could be fitted ({} tried)", tried.len())]
    NoArima {
        /// The forms tried and their errors.
        tried: Vec<(ArimaSpec, ForecastError)>,
    },
    /// No member of an ensemble could be fitted: each member, with why it failed.
    #[error("no ensemble member could be fitted ({} tried)", .0.len())]
    NoMember(Vec<(String, ForecastError)>),
    /// A fitted model whose parts disagree (read from JSON, say).
    #[error("invalid model: {0}")]
    InvalidModel(&'static str),
    /// A form with no closed-form forecast variance (a multiplicative season): simulate.
    #[error("model {0} has no analytic prediction intervals; simulate them")]
    NoAnalyticInterval(EtsSpec),
    /// A negative value in a demand series.
    #[error("demand at index {0} is negative")]
    NegativeDemand(usize),
    /// A smoothing parameter outside (0, 1].
    #[error("a smoothing parameter of {0} must be in (0, 1]")]
    Smoothing(f64),
    /// An interval level outside (0, 1).
    #[error("interval level {0} must be between 0 and 1 (exclusive)")]
    Level(f64),
    /// An AutoETS pruning margin that is negative or not a number.
    #[error("an AutoETS pruning margin of {0} AICc units must be a number at or above 0")]
    PruneMargin(f64),
    /// A count that must be at least 1 (a horizon, a number of paths or trials).
    #[error("{0} must be at least 1")]
    ZeroCount(&'static str),
    /// An interval whose lower bound is above its upper bound.
    #[error("interval {0} has its lower bound above its upper bound")]
    ReversedInterval(usize),
    /// Cross-validation whose training windows (this many) are all flat: MASE and MSIS divide
    /// by a window's in-sample seasonal naive error, which is then 0.
    #[error("all {0} training windows are flat: MASE and MSIS divide by their seasonal naive error, which is 0")]
    FlatWindows(usize),
    /// A [`ForecastRecord`](super::ForecastRecord) (at this index) whose target month is before
    /// the month the forecast was made in: a lead time below 0.
    #[error("forecast record {0} targets a month before the one it was made in")]
    TargetBeforeForecast(usize),
    /// A figure that overflows an `f64`: a metric over errors near `f64::MAX`, a forecast or
    /// interval bound of an explosive model far out.
    #[error("{0} overflows: the values are too large")]
    Overflow(&'static str),
    /// Inputs that must pair up (actuals and forecasts, actuals and bounds) but have different
    /// lengths, or none.
    #[error("{what} has {got} values for {expected} actuals (and at least one is needed)")]
    Lengths {
        /// Which input.
        what: &'static str,
        /// The actuals given.
        expected: usize,
        /// Its length.
        got: usize,
    },
    /// A close-date slip (standard deviation in days) that is negative, NaN or infinite.
    #[error("a slip of {0} days must be finite and not negative")]
    Slip(f64),
    /// A deal's win probability outside 0%–100% (70 typed for 70%, say).
    #[error("deal {deal} has a win probability of {probability}; it must be between 0% and 100%")]
    DealProbability {
        /// The deal's id.
        deal: String,
        /// The probability given.
        probability: Percent,
    },
    /// A deal amount with digits below its currency's minor unit, which the rollups, rounding
    /// each deal's weighted part to it, cannot add up.
    #[error("deal {deal}'s amount {amount} has digits below its currency's minor unit")]
    DealNotRounded {
        /// The deal's id.
        deal: String,
        /// Its amount.
        amount: crate::money::Money,
    },
    /// A deal id given more than once (a CRM record delivered again), which would count twice.
    #[error("deal {0} is given more than once")]
    RepeatedDeal(String),
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

/// Why a model form cannot be fitted to a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Inadmissible {
    /// Multiplicative error or season with a zero or negative value.
    #[error("multiplicative components need strictly positive data")]
    NotPositive,
    /// A season shorter than 2, or fewer than two full cycles (plus two points) of data.
    #[error("a season of {period} needs a period of at least 2 and at least {needed} points")]
    SeasonTooShort {
        /// The season length.
        period: usize,
        /// Points needed (`2 × period + 2`).
        needed: usize,
    },
    /// Additive error with a multiplicative season (numerically unstable, as in R's `ets`).
    #[error("additive error with multiplicative season is unstable")]
    Unstable,
    /// The model fits the series exactly. No longer returned: an exact fit is a model with zero
    /// variance (see [`EtsSpec::fit`](super::EtsSpec::fit)).
    #[error("the series is fitted exactly (constant?)")]
    ExactFit,
}

/// Why an ARIMA form cannot be fitted, or was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArimaProblem {
    /// Seasonal orders with a season length below 2.
    #[error("a seasonal part needs a season length of at least 2")]
    NoSeason,
    /// More than two differences of one kind.
    #[error("at most two differences of each kind")]
    TooManyDifferences,
    /// A constant with two or more differences (a quadratic trend).
    #[error("a constant needs at most one difference")]
    ConstantWithDifferences,
    /// An AR or MA polynomial longer than `MAX_ARIMA_STATE`.
    #[error("the AR or MA polynomial is longer than the state limit")]
    StateTooLarge,
    /// The conditional-sum-of-squares start has a non-stationary AR part.
    #[error("the conditional-sum-of-squares estimate is not stationary")]
    NonStationaryStart,
    /// The likelihood could not be evaluated anywhere the optimiser went.
    #[error("the likelihood cannot be evaluated (a unit root?)")]
    Likelihood,
    /// A root of the AR or MA polynomial, of degree 2 or more, within 1.01 of the unit circle
    /// (AutoARIMA refuses it).
    #[error("a root of the AR or MA polynomial is within 1.01 of the unit circle")]
    NearUnitRoot,
}
