//! Exponential smoothing state-space models (ETS; Hyndman, Koehler, Ord & Snyder 2008) with
//! automatic selection by AICc, point forecasts and prediction intervals.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use statrs::distribution::Normal;

use super::ets_likelihood::RawGradient;
use super::prediction::{all_finite, check_request, Forecaster, Method, Prediction, Simulation};
use super::{ForecastError, Inadmissible};
use crate::limits::{self, MAX_HORIZON, MAX_SEASON, MAX_TRIALS};
use fit::Fitting;

mod fit;

/// Additive or multiplicative errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ErrorType {
    /// Additive.
    Additive,
    /// Multiplicative (strictly positive data).
    Multiplicative,
}

/// Trend component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum TrendType {
    /// None.
    None,
    /// Additive.
    Additive,
    /// Additive damped.
    Damped,
}

/// Seasonal component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum SeasonType {
    /// None.
    None,
    /// Additive.
    Additive,
    /// Multiplicative (strictly positive data).
    Multiplicative,
}

/// An ETS model form, e.g. ETS(M,Ad,M), with its season length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct EtsSpec {
    /// Error.
    pub error: ErrorType,
    /// Trend.
    pub trend: TrendType,
    /// Season.
    pub season: SeasonType,
    /// Season length (12 for monthly data); ignored without a season.
    pub period: usize,
}

impl std::fmt::Display for EtsSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = match self.error {
            ErrorType::Additive => "A",
            ErrorType::Multiplicative => "M",
        };
        let t = match self.trend {
            TrendType::None => "N",
            TrendType::Additive => "A",
            TrendType::Damped => "Ad",
        };
        let s = match self.season {
            SeasonType::None => "N",
            SeasonType::Additive => "A",
            SeasonType::Multiplicative => "M",
        };
        write!(f, "ETS({e},{t},{s})")
    }
}

/// Smoothing parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct EtsParams {
    /// Level smoothing α.
    pub alpha: f64,
    /// Trend smoothing β (0 without a trend).
    pub beta: f64,
    /// Seasonal smoothing γ (0 without a season).
    pub gamma: f64,
    /// Damping φ (1 unless damped).
    pub phi: f64,
}

/// A fitted ETS model: plain, serialisable parameters and final states.
///
/// The parts agree by construction: one seasonal state per season position (one for a model
/// without a season), finite states, parameters in their ranges, one fitted value per
/// observation. A model comes from [`EtsSpec::fit`], [`auto_ets`] or deserialisation, which
/// runs the same checks; read it through the getters.
///
/// ```
/// use revops::forecast::{auto_ets, EtsModel};
/// let y: Vec<f64> = (0..48).map(|t| 100.0 + t as f64 + 5.0 * ((t % 12) as f64).sin()).collect();
/// let model = auto_ets(&y, 12)?;
/// assert_eq!((model.n(), model.fitted().len()), (48, 48));
/// # #[cfg(feature = "serde")] {
/// let json = serde_json::to_string(&model).unwrap();
/// assert_eq!(serde_json::from_str::<EtsModel>(&json).unwrap(), model);
/// // a model whose season does not match its form is refused on the way in
/// let mut bad: serde_json::Value = serde_json::from_str(&json).unwrap();
/// bad["season"] = serde_json::json!([]);
/// assert!(serde_json::from_value::<EtsModel>(bad).is_err());
/// # }
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "EtsModelRepr"))]
pub struct EtsModel {
    spec: EtsSpec,
    params: EtsParams,
    level: f64,
    trend: f64,
    season: Vec<f64>,
    sigma2: f64,
    log_likelihood: f64,
    aicc: f64,
    n: usize,
    fitted: Vec<f64>,
}

// JSON writes ±∞ as `null`: the log-likelihood and AICc are read back as the infinities a fit
// gives them (+∞ and −∞ for an exact fit, +∞ AICc when the points are too few for it).
deserialize_via!(
    EtsModel,
    EtsModelRepr {
        spec: EtsSpec,
        params: EtsParams,
        level: f64,
        trend: f64,
        season: Vec<f64>,
        sigma2: f64,
        log_likelihood: Option<f64>,
        aicc: Option<f64>,
        n: usize,
        fitted: Vec<f64>,
    },
    ForecastError,
    |r| EtsModel {
        spec: r.spec,
        params: r.params,
        level: r.level,
        trend: r.trend,
        season: r.season,
        sigma2: r.sigma2,
        log_likelihood: match r.log_likelihood {
            Some(v) => v,
            None if r.sigma2 == 0.0 => f64::INFINITY, // an exact fit
            None => return Err(ForecastError::InvalidModel("only an exact fit has an infinite log-likelihood")),
        },
        // −∞ for an exact fit; +∞ when too few points leave the small-sample correction undefined
        aicc: r.aicc.unwrap_or(if r.sigma2 == 0.0 { f64::NEG_INFINITY } else { f64::INFINITY }),
        n: r.n,
        fitted: r.fitted,
    }
    .checked()
);

/// A forecast with intervals.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Forecast {
    /// Point forecasts.
    pub mean: Vec<f64>,
    /// Lower bounds.
    pub lower: Vec<f64>,
    /// Upper bounds.
    pub upper: Vec<f64>,
    /// Coverage of the intervals (0.8 for 80%).
    pub level: f64,
}

/// A series every model can work on: finite, at least 4 points, and small enough that its
/// sum of squares (and so any model's squared errors) stays finite.
fn validate(y: &[f64]) -> Result<(), ForecastError> {
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    let mut squares = 0.0f64;
    for (i, v) in y.iter().enumerate() {
        squares += v * v;
        if !squares.is_finite() {
            return Err(ForecastError::TooLarge(i));
        }
    }
    if y.len() < 4 {
        return Err(ForecastError::ShortSeries { needed: 4, got: y.len() });
    }
    Ok(())
}

/// Seasonal states the form carries: its period with a season, one without.
fn seasonal(spec: &EtsSpec) -> usize {
    if spec.season == SeasonType::None {
        1
    } else {
        spec.period.max(1)
    }
}

/// A seasonal period no larger than [`MAX_SEASON`] (only a seasonal form's period counts).
fn check_period(spec: &EtsSpec) -> Result<(), ForecastError> {
    if spec.season != SeasonType::None {
        limits::check("seasonal period", spec.period, MAX_SEASON)?;
    }
    Ok(())
}

/// A simulation of `paths` paths of `h` steps within the limits: `h` at most [`MAX_HORIZON`],
/// `paths × h` at most [`MAX_TRIALS`] values.
pub(super) fn check_simulation(h: usize, paths: usize) -> Result<(), ForecastError> {
    check_horizon(h)?;
    if paths == 0 {
        return Err(ForecastError::ZeroCount("simulated paths"));
    }
    limits::check("simulated values (paths × horizon)", (paths as u128) * (h as u128), MAX_TRIALS)?;
    Ok(())
}

/// A horizon of 1 to [`MAX_HORIZON`] steps.
fn check_horizon(h: usize) -> Result<usize, ForecastError> {
    if h == 0 {
        return Err(ForecastError::ZeroCount("forecast horizon"));
    }
    Ok(limits::check("forecast horizon", h, MAX_HORIZON)?)
}

/// Heuristic initial states (Hyndman et al. 2008, §2.6.1): seasonal indices from the first
/// cycles, level and trend from a line through the first two cycles' deseasonalised values
/// (the first two values without a season).
fn initial_states(spec: &EtsSpec, y: &[f64]) -> (f64, f64, Vec<f64>) {
    initial_states_over(spec, y, 2 * seasonal(spec))
}

/// The heuristic states as R's `forecast::ets` takes them: the line through the first
/// max(10, 2m) deseasonalised values.
fn initial_states_as_r(spec: &EtsSpec, y: &[f64]) -> (f64, f64, Vec<f64>) {
    initial_states_over(spec, y, (2 * seasonal(spec)).max(10))
}

/// The states of a level that barely moves: the line through the whole deseasonalised series,
/// where a level with α ≈ 0 must start (a line through its first values, far from it on a
/// noisy short series, leaves BFGS in the other basin, at α ≈ 1).
fn initial_states_whole(spec: &EtsSpec, y: &[f64]) -> (f64, f64, Vec<f64>) {
    initial_states_over(spec, y, y.len())
}

/// [`initial_states`] with the line through the first `first` deseasonalised values (at
/// least two).
fn initial_states_over(spec: &EtsSpec, y: &[f64], first: usize) -> (f64, f64, Vec<f64>) {
    let m = seasonal(spec);
    let mut season = vec![if spec.season == SeasonType::Multiplicative { 1.0 } else { 0.0 }; m];
    if spec.season != SeasonType::None {
        let cycles = (y.len() / m).clamp(1, 3);
        for (j, s) in season.iter_mut().enumerate() {
            let mut acc = 0.0;
            for c in 0..cycles {
                let cycle = &y[c * m..(c + 1) * m];
                let mean = cycle.iter().sum::<f64>() / m as f64;
                acc += if spec.season == SeasonType::Multiplicative { cycle[j] / mean } else { cycle[j] - mean };
            }
            *s = acc / cycles as f64;
        }
    }
    let k = first.min(y.len()).max(2);
    let deseason: Vec<f64> = (0..k)
        .map(|t| match spec.season {
            SeasonType::None => y[t],
            SeasonType::Additive => y[t] - season[t % m],
            SeasonType::Multiplicative => y[t] / season[t % m],
        })
        .collect();
    let xs: Vec<f64> = (0..k).map(|t| t as f64).collect();
    let (a, b) = crate::stats::linear_fit(&xs, &deseason).unwrap_or((deseason[0], 0.0));
    let trend = if spec.trend == TrendType::None { 0.0 } else { b };
    (if spec.trend == TrendType::None { deseason.iter().sum::<f64>() / k as f64 } else { a - b }, trend, season)
}

/// Run the recursions. Returns (sum of squared errors, Σ log|μ| for multiplicative errors, fitted,
/// final level, trend, seasonal ring and its next index). `None` when a forecast goes
/// non-positive under a multiplicative component or states blow up.
struct Run {
    sse: f64,
    log_mu: f64,
    fitted: Vec<f64>,
    level: f64,
    trend: f64,
    season: Vec<f64>,
}

fn run(spec: &EtsSpec, p: &EtsParams, y: &[f64], init: (f64, f64, &[f64]), keep_fitted: bool) -> Option<Run> {
    let m = seasonal(spec);
    let (mut l, mut b, mut s) = (init.0, init.1, init.2.to_vec());
    let mut sse = 0.0;
    let mut log_mu = 0.0;
    let mut fitted = if keep_fitted { Vec::with_capacity(y.len()) } else { Vec::new() };
    let damp = if spec.trend == TrendType::Damped { p.phi } else { 1.0 };
    for (t, &obs) in y.iter().enumerate() {
        let si = t % m;
        let season_prev = s[si];
        let tr = match spec.trend {
            TrendType::None => l,
            _ => l + damp * b,
        };
        let mu = match spec.season {
            SeasonType::None => tr,
            SeasonType::Additive => tr + season_prev,
            SeasonType::Multiplicative => tr * season_prev,
        };
        if !mu.is_finite() {
            return None;
        }
        let e = obs - mu;
        match spec.error {
            ErrorType::Additive => sse += e * e,
            ErrorType::Multiplicative => {
                if mu <= 0.0 {
                    return None;
                }
                sse += (e / mu) * (e / mu);
                log_mu += mu.ln();
            }
        }
        if keep_fitted {
            fitted.push(mu);
        }
        // One set of updates serves both error types when written with the absolute error.
        let (level_new, trend_new, season_new) = match spec.season {
            SeasonType::Multiplicative => {
                if season_prev.abs() < 1e-10 || tr.abs() < 1e-10 {
                    return None;
                }
                (tr + p.alpha * e / season_prev, damp * b + p.beta * e / season_prev, season_prev + p.gamma * e / tr)
            }
            _ => (tr + p.alpha * e, damp * b + p.beta * e, season_prev + p.gamma * e),
        };
        l = level_new;
        b = if spec.trend == TrendType::None { 0.0 } else { trend_new };
        if spec.season != SeasonType::None {
            s[si] = season_new;
        }
        if !l.is_finite() || !b.is_finite() {
            return None;
        }
    }
    // rotate so that the ring starts with the next season to come
    let next = y.len() % m;
    s.rotate_left(next);
    Some(Run { sse, log_mu, fitted, level: l, trend: b, season: s })
}

/// β's largest share of α, and γ's of 1 − α (statsmodels' margin).
const MAX_SHARE: f64 = 0.9999;

fn squash(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Map unconstrained values to admissible parameters: 0 < α < 1, 0 < β < α, 0 < γ < 1 − α,
/// 0.8 ≤ φ ≤ 0.98, with statsmodels' margins (α in [0.0001, 0.9999], β up to 0.9999 α, γ up to
/// 0.9999 (1 − α)): a trend that follows the level almost one for one is a real optimum on
/// some series (co2, elnino), and a tighter cap left it 0.1 of log-likelihood short.
fn params_of(spec: &EtsSpec, x: &[f64]) -> EtsParams {
    let alpha = 0.0001 + 0.9998 * squash(x[0]);
    let mut i = 1;
    let beta = if spec.trend == TrendType::None {
        0.0
    } else {
        i += 1;
        alpha * squash(x[i - 1]) * MAX_SHARE
    };
    let gamma = if spec.season == SeasonType::None {
        0.0
    } else {
        i += 1;
        (1.0 - alpha) * squash(x[i - 1]) * MAX_SHARE
    };
    let phi = if spec.trend == TrendType::Damped { 0.8 + 0.18 * squash(x[i]) } else { 1.0 };
    EtsParams { alpha, beta, gamma, phi }
}

fn n_params(spec: &EtsSpec) -> usize {
    1 + usize::from(spec.trend != TrendType::None)
        + usize::from(spec.season != SeasonType::None)
        + usize::from(spec.trend == TrendType::Damped)
}

/// Parameters the AICc counts: the smoothing parameters (α, β, γ, φ as the form has them), the
/// initial level, the initial trend, m − 1 initial seasonal states (the m-th is fixed by the
/// normalisation) and the variance σ² — R's `forecast::ets` convention.
fn free_parameters(spec: &EtsSpec) -> usize {
    let states = 1
        + usize::from(spec.trend != TrendType::None)
        + if spec.season == SeasonType::None { 0 } else { spec.period - 1 };
    n_params(spec) + states + 1
}

/// Where the optimiser's free values go: the smoothing parameters (unconstrained), the initial
/// level and trend in units of the series' scale, then m − 1 initial seasonal states (additive
/// ones in units of the scale); the m-th makes them sum to 0 (additive) or m (multiplicative),
/// the normalisation R's `forecast::ets` uses — any other would reach the same likelihood, since
/// the level absorbs a shift or scaling of the season.
struct Layout {
    k: usize,
    trend: bool,
    m: usize,
    multiplicative: bool,
    scale: f64,
    /// The smallest variance the objective distinguishes (an exact fit, to rounding).
    floor: f64,
}

impl Layout {
    fn new(spec: &EtsSpec, y: &[f64]) -> Layout {
        let scale = (y.iter().map(|v| v.abs()).sum::<f64>() / y.len() as f64).max(f64::MIN_POSITIVE);
        let floor = match spec.error {
            ErrorType::Additive => (super::EXACT_TO * scale).powi(2),
            ErrorType::Multiplicative => super::EXACT_TO * super::EXACT_TO,
        };
        Layout {
            k: n_params(spec),
            trend: spec.trend != TrendType::None,
            m: if spec.season == SeasonType::None { 0 } else { spec.period },
            multiplicative: spec.season == SeasonType::Multiplicative,
            scale,
            floor,
        }
    }

    /// Free values for initial states (level, trend, season ring), normalised; the smoothing
    /// part is zero.
    fn encode(&self, init: &(f64, f64, Vec<f64>)) -> Vec<f64> {
        let (mut l, mut b, mut s) = (init.0, init.1, init.2.clone());
        if self.m > 0 {
            let mean = s.iter().sum::<f64>() / self.m as f64;
            if self.multiplicative && mean > 0.0 {
                s.iter_mut().for_each(|v| *v /= mean);
                l *= mean;
                b *= mean;
            } else if !self.multiplicative {
                s.iter_mut().for_each(|v| *v -= mean);
                l += mean;
            }
        }
        let mut x = vec![0.0; self.k];
        x.push(l / self.scale);
        if self.trend {
            x.push(b / self.scale);
        }
        if self.m > 0 {
            let unit = if self.multiplicative { 1.0 } else { self.scale };
            x.extend(s[..self.m - 1].iter().map(|v| v / unit));
        }
        x
    }

    /// The gradient over the free values `x` from the gradient over the raw parameters and states
    /// (the chain rule through [`params_of`] and [`Layout::decode`]).
    fn chain(&self, x: &[f64], p: &EtsParams, raw: &RawGradient, g: &mut [f64]) {
        let slope = |v: f64| {
            let s = squash(v);
            s * (1.0 - s)
        };
        let d_alpha = 0.9998 * slope(x[0]);
        g[0] = raw.alpha * d_alpha;
        let mut i = 1;
        if self.trend {
            let s = squash(x[i]);
            g[0] += raw.beta * MAX_SHARE * s * d_alpha;
            g[i] = raw.beta * p.alpha * MAX_SHARE * slope(x[i]);
            i += 1;
        }
        if self.m > 0 {
            let s = squash(x[i]);
            g[0] -= raw.gamma * MAX_SHARE * s * d_alpha;
            g[i] = raw.gamma * (1.0 - p.alpha) * MAX_SHARE * slope(x[i]);
            i += 1;
        }
        if i < self.k {
            g[i] = raw.phi * 0.18 * slope(x[i]);
        }
        g[self.k] = raw.level * self.scale;
        if self.trend {
            g[self.k + 1] = raw.trend * self.scale;
        }
        if self.m > 0 {
            let at = self.k + 1 + usize::from(self.trend);
            let unit = if self.multiplicative { 1.0 } else { self.scale };
            let last = raw.season[self.m - 1];
            for (gj, sj) in g[at..at + self.m - 1].iter_mut().zip(&raw.season) {
                *gj = unit * (sj - last);
            }
        }
    }

    /// `x` with the season flat (every state 0, or 1 for a multiplicative season).
    fn flat_season(&self, x: &[f64]) -> Vec<f64> {
        let mut flat = x.to_vec();
        if self.m > 0 {
            let at = self.k + 1 + usize::from(self.trend);
            flat[at..at + self.m - 1].fill(if self.multiplicative { 1.0 } else { 0.0 });
        }
        flat
    }

    /// The initial level and trend, with the season ring written into `season`.
    fn decode(&self, x: &[f64], season: &mut [f64]) -> (f64, f64) {
        let l = x[self.k] * self.scale;
        let b = if self.trend { x[self.k + 1] * self.scale } else { 0.0 };
        if self.m > 0 {
            let at = self.k + 1 + usize::from(self.trend);
            let unit = if self.multiplicative { 1.0 } else { self.scale };
            let mut sum = 0.0;
            for (s, v) in season.iter_mut().zip(&x[at..at + self.m - 1]) {
                *s = v * unit;
                sum += *s;
            }
            season[self.m - 1] = if self.multiplicative { self.m as f64 - sum } else { -sum };
        }
        (l, b)
    }
}

impl EtsSpec {
    /// Whether this form can be fitted to `y`: multiplicative parts need strictly positive data,
    /// a season needs at least two full cycles, and additive errors with a multiplicative season
    /// are excluded as numerically unstable (as in R's `forecast::ets`).
    ///
    /// ```
    /// use revops::forecast::{EtsSpec, ErrorType, SeasonType, TrendType};
    /// let mult = EtsSpec { error: ErrorType::Multiplicative, trend: TrendType::None, season: SeasonType::None, period: 1 };
    /// assert!(mult.admissible(&[10.0, 12.0, 11.0]).is_ok());
    /// assert!(mult.admissible(&[10.0, 0.0, 11.0]).is_err()); // multiplicative errors need positive data
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::Limit`] for a seasonal period above
    /// [`MAX_SEASON`](crate::limits::MAX_SEASON); [`ForecastError::NotAdmissible`] with the reason.
    pub fn admissible(&self, y: &[f64]) -> Result<(), ForecastError> {
        check_period(self)?;
        let not = |reason| Err(ForecastError::NotAdmissible { spec: *self, reason });
        let positive = y.iter().all(|v| *v > 0.0);
        if (self.error == ErrorType::Multiplicative || self.season == SeasonType::Multiplicative) && !positive {
            return not(Inadmissible::NotPositive);
        }
        if self.season != SeasonType::None {
            // a seasonal period is at most MAX_SEASON (checked above), so this cannot overflow;
            // without a season the period is ignored, whatever it is
            let needed = 2 * self.period + 2;
            if self.period < 2 || y.len() < needed {
                return not(Inadmissible::SeasonTooShort { period: self.period, needed });
            }
        }
        if self.error == ErrorType::Additive && self.season == SeasonType::Multiplicative {
            return not(Inadmissible::Unstable);
        }
        Ok(())
    }

    /// Fit by maximum likelihood: the smoothing parameters and the initial level, trend and
    /// seasonal states are estimated together (as statsmodels' `ETSModel` and R's
    /// `forecast::ets` do), by BFGS on the exact gradient of the likelihood, from the heuristic
    /// initial states (Hyndman et al. 2008, §2.6.1) and several smoothing starts; the best
    /// optimum is kept. The parameters stay in the usual region: 0 < α < 1, 0 < β < α,
    /// 0 < γ < 1 − α, 0.8 ≤ φ ≤ 0.98. A series the form fits exactly (to rounding) gives a model
    /// with zero variance: +∞ log-likelihood, −∞ AICc, zero-width intervals.
    ///
    /// ```
    /// use revops::forecast::{EtsSpec, ErrorType, SeasonType, TrendType};
    /// let y: Vec<f64> = (0..40).map(|t| 50.0 + 2.0 * t as f64 + (t as f64).sin()).collect();
    /// let holt = EtsSpec { error: ErrorType::Additive, trend: TrendType::Additive, season: SeasonType::None, period: 1 };
    /// let model = holt.fit(&y)?;
    /// assert!(model.params().beta > 0.0 && model.season().len() == 1);
    /// assert!(holt.fit(&y[..3]).is_err()); // too short
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`], [`ForecastError::TooLarge`] and
    /// [`ForecastError::ShortSeries`] for a series no model can use; the errors of
    /// [`EtsSpec::admissible`]; [`ForecastError::Diverged`] when the recursions blow up.
    pub fn fit(&self, y: &[f64]) -> Result<EtsModel, ForecastError> {
        let mut fitting = Fitting::first(self, y)?;
        fitting.refine();
        fitting.finish()
    }
}

/// Automatic model choice: fit every admissible form for the season length and keep the lowest
/// AICc (an "AutoETS"); [`AutoEts`] restricts the family and returns every candidate. A
/// constant series gets ETS(A,N,N) with zero variance (a flat forecast and zero-width
/// intervals) rather than an error; a family without ETS(A,N,N) fits its own forms to it
/// instead (each fits a constant exactly where it is admissible), and gives
/// [`ForecastError::NoModel`] when none is.
///
/// ```
/// use revops::forecast::auto_ets;
/// // a trending monthly series with a yearly season
/// let y: Vec<f64> = (0..72).map(|t| 100.0 + 2.0 * t as f64 + 10.0 * ((t % 12) as f64 * 0.5236).sin()).collect();
/// let model = auto_ets(&y, 12)?;
/// let f = model.forecast(12, 0.8, 7)?;
/// assert!(f.mean[0] > y[71] - 20.0 && f.lower[0] <= f.mean[0] && f.mean[0] <= f.upper[0]);
/// assert!(auto_ets(&y, usize::MAX).is_err()); // a season longer than any calendar's
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// As [`AutoEts::fit`].
pub fn auto_ets(y: &[f64], period: usize) -> Result<EtsModel, ForecastError> {
    AutoEts::new(period).fit(y).map(|s| s.best)
}

/// AutoETS with a chosen family: which error, trend and season types to try (all by default).
///
/// Forms are compared by AICc = −2 log L + 2k + 2k(k + 1) ÷ (n − k − 1), where log L is the
/// full Gaussian log-likelihood at the fitted parameters, `−n/2 (ln(2π σ̂²) + 1) − Σ ln μ_t`
/// (the last sum for multiplicative errors only, σ̂² the mean squared one-step error, relative
/// for multiplicative errors) — the same number as statsmodels' `ETSModel` `llf`; R's
/// `forecast::ets` reports `loglik` without the constant, `−n/2 ln(SSE) − Σ ln μ_t`. k counts
/// the smoothing parameters (α, β, γ, φ as the form has them), the initial level, the initial
/// trend, m − 1 initial seasonal states and σ² (R's count). With n − k − 1 ≤ 0 the AICc is +∞;
/// an exact fit has AICc −∞ and, among exact fits, the first tried (the simplest) wins.
///
/// The search is pruned by default: every form gets its first optimum (from the heuristic
/// initial states), then the forms within 10 AICc units of the best, and those whose first
/// optimum is short of their own by the forms beside them ([`AutoEts::pruned`]), are searched
/// from more starting points, nearest first, each refined AICc tightening the margin for the
/// rest. A form
/// left at its first optimum is marked [`Candidate::pruned`]; refined, it could still have won
/// (see [`AutoEts::pruned`] for a case). [`AutoEts::exact`] fits every form as [`EtsSpec::fit`]
/// does, at about 2.8 times the time, so the choice is the lowest AICc of the forms' own fits.
///
/// ```
/// use revops::forecast::{AutoEts, ErrorType, SeasonType};
/// let y: Vec<f64> = (0..60).map(|t| 200.0 + 3.0 * t as f64 + 20.0 * ((t % 12) as f64 - 5.5).abs()).collect();
/// let search = AutoEts::new(12).errors(&[ErrorType::Additive]).seasons(&[SeasonType::None, SeasonType::Additive]);
/// let fit = search.fit(&y)?;
/// assert_eq!(fit.candidates().len(), 6); // 1 error × 3 trends × 2 seasons
/// assert!(fit.candidates().iter().all(|c| c.spec.error == ErrorType::Additive));
/// let best = fit.best();
/// assert!(fit.candidates().iter().filter_map(|c| c.fit.as_ref().ok()).all(|m| m.aicc() >= best.aicc()));
/// assert!(AutoEts::new(12).errors(&[]).fit(&y).is_err()); // an empty family
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AutoEts {
    period: usize,
    errors: Vec<ErrorType>,
    trends: Vec<TrendType>,
    seasons: Vec<SeasonType>,
    /// AICc units behind the best form known beyond which a form is not refined (`None`: every
    /// form is).
    prune_margin: Option<f64>,
}

/// True when form `big` holds form `small` (another form of the same error) within its
/// parameter space: a trend or season of `small` that `big` has too, or none in `small`. Its
/// optimum then fits at least as well.
fn holds(big: &EtsSpec, small: &EtsSpec) -> bool {
    let trend = big.trend == small.trend || small.trend == TrendType::None;
    let season = big.season == small.season || small.season == SeasonType::None;
    big != small && big.error == small.error && trend && season
}

/// Whether the form at `i` has not found its own optimum, judged by the forms beside it
/// (`value` gives −2 log L, less common constants, of each form fitted): it fits worse, by more
/// than one log-likelihood unit, than a form it [`holds`]; or it has a damped trend and fits
/// no better than without a trend while the undamped trend fits better than that. (A damped
/// trend holds none but nearly an undamped one; with φ up to 0.98 it can fit a long steady trend
/// a few units worse, which is no sign of a missed optimum, but finding no trend at all where
/// one helps is.)
fn lagging(forms: &[EtsSpec], value: &dyn Fn(usize) -> Option<f64>, i: usize) -> bool {
    const UNIT: f64 = 2.0; // one log-likelihood unit of −2 log L
    let Some(me) = value(i) else { return false };
    let worse_than = |j: usize| value(j).is_some_and(|v| v + UNIT < me);
    if (0..forms.len()).any(|j| holds(&forms[i], &forms[j]) && worse_than(j)) {
        return true;
    }
    let with = |trend| forms.iter().position(|f| *f == EtsSpec { trend, ..forms[i] });
    match (forms[i].trend, with(TrendType::Additive), with(TrendType::None)) {
        (TrendType::Damped, Some(a), Some(n)) => {
            let (Some(undamped), Some(none)) = (value(a), value(n)) else { return false };
            me + UNIT >= none && undamped + UNIT < none
        }
        _ => false,
    }
}

/// AICc units behind the best form known beyond which AutoETS does not refine a form, by
/// default ([`AutoEts::pruned`]).
const PRUNE_MARGIN: f64 = 10.0;

/// One form AutoETS tried: the fitted model, or why it was not fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The form.
    pub spec: EtsSpec,
    /// The fitted model (its [`EtsModel::aicc`] is what was compared), or why the form was
    /// rejected (not admissible for the data, diverged).
    pub fit: Result<EtsModel, ForecastError>,
    /// True when the search left the form at its first optimum, too far behind the best to be
    /// searched from more starting points ([`AutoEts::pruned`]): its model is then not
    /// [`EtsSpec::fit`]'s, and can be worse. False for refused forms.
    pub pruned: bool,
}

/// AutoETS's choice and every candidate it considered.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoEtsFit {
    best: EtsModel,
    candidates: Vec<Candidate>,
}

impl AutoEtsFit {
    /// The form with the lowest AICc.
    pub fn best(&self) -> &EtsModel {
        &self.best
    }

    /// Every form tried, in the order tried (error, then trend, then season).
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The chosen model.
    pub fn into_best(self) -> EtsModel {
        self.best
    }
}

impl AutoEts {
    /// Every form for a season of `period` (12 for monthly data; 1 for none).
    pub fn new(period: usize) -> AutoEts {
        AutoEts {
            period,
            errors: vec![ErrorType::Additive, ErrorType::Multiplicative],
            trends: vec![TrendType::None, TrendType::Additive, TrendType::Damped],
            seasons: vec![SeasonType::None, SeasonType::Additive, SeasonType::Multiplicative],
            prune_margin: Some(PRUNE_MARGIN),
        }
    }

    /// Only these error types.
    pub fn errors(mut self, errors: &[ErrorType]) -> AutoEts {
        self.errors = errors.to_vec();
        self
    }

    /// Only these trend types.
    ///
    /// ```
    /// use revops::forecast::{AutoEts, ErrorType, TrendType};
    /// // only additive errors and no damping, as some finance teams prefer
    /// let y: Vec<f64> = (0..36).map(|t| 100.0 + 3.0 * t as f64 + (t as f64).sin()).collect();
    /// let search = AutoEts::new(1).errors(&[ErrorType::Additive]).trends(&[TrendType::None, TrendType::Additive]);
    /// let fit = search.fit(&y)?;
    /// assert!(fit.candidates().iter().all(|c| c.spec.error == ErrorType::Additive && c.spec.trend != TrendType::Damped));
    /// assert_eq!(fit.best().spec().trend, TrendType::Additive);
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    pub fn trends(mut self, trends: &[TrendType]) -> AutoEts {
        self.trends = trends.to_vec();
        self
    }

    /// Only these season types.
    pub fn seasons(mut self, seasons: &[SeasonType]) -> AutoEts {
        self.seasons = seasons.to_vec();
        self
    }

    /// Prune with this margin (10 by default): a form whose first optimum (from the heuristic
    /// initial states) is more than `margin` AICc units behind the best form's is not searched
    /// from its other starting points, and its entry in the candidate table is that first
    /// optimum, marked [`Candidate::pruned`]. (The first descent stops at its exploration
    /// budget, so a pruned entry can fall short even of its own basin's optimum, not only of
    /// other basins': on AirPassengers ETS(M,N,M) reads a log-likelihood of −534.25 pruned and
    /// −530.59 fitted alone, still 11 AICc units behind the choice.) A form whose first
    /// optimum shows it has not found its own is searched whatever the margin: one that fits worse (by more than one
    /// log-likelihood unit) than a form it holds (the same but with no trend or no season), and
    /// a damped form that fits no better than with no trend where the undamped trend fits
    /// better. On annual sunspots ETS(A,Ad,N) starts no better than ETS(A,N,N), 29 AICc units
    /// behind ETS(A,A,N), and ends 50 ahead.
    ///
    /// On the 54 series of `comparisons/`, the default margin gives AutoETS a third of the
    /// exact search's time (4.8 against 13.5 ms on a 144-point monthly series) and every choice
    /// of the exact search. But no margin is safe: the search from other starting points
    /// improved some forms by hundreds of AICc units there (elnino's ETS(M,A,N) by 457). On
    /// AirPassengers less its last year, additive errors only, ETS(A,Ad,A) starts 11.2 behind
    /// ETS(A,A,A) and ends 1.6 ahead, so the default margin chooses ETS(A,A,A) where
    /// [`AutoEts::exact`] chooses ETS(A,Ad,A).
    ///
    /// ```
    /// use revops::forecast::AutoEts;
    /// let y: Vec<f64> = (0..48).map(|t| 100.0 + 2.0 * t as f64 + 9.0 * ((t % 12) as f64 - 5.5).abs()).collect();
    /// let quick = AutoEts::new(12).pruned(2.0).fit(&y)?;
    /// let exact = AutoEts::new(12).exact().fit(&y)?;
    /// assert!(exact.best().aicc() <= quick.best().aicc());
    /// assert!(exact.candidates().iter().all(|c| !c.pruned));
    /// assert!(AutoEts::new(12).pruned(-1.0).fit(&y).is_err());
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    pub fn pruned(mut self, margin: f64) -> AutoEts {
        self.prune_margin = Some(margin);
        self
    }

    /// No pruning: every form is fitted as [`EtsSpec::fit`] fits it, so the candidate table
    /// holds each form's own fit and the choice is the lowest AICc among them.
    pub fn exact(mut self) -> AutoEts {
        self.prune_margin = None;
        self
    }

    /// Fit every form of the family and keep the lowest AICc.
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`], [`ForecastError::TooLarge`] and
    /// [`ForecastError::ShortSeries`] for a series no model can use; [`ForecastError::Limit`]
    /// for a period above [`MAX_SEASON`](crate::limits::MAX_SEASON);
    /// [`ForecastError::NoModel`] with each form's error when none could be fitted (an empty
    /// family, say, for a constant series as for any other); [`ForecastError::PruneMargin`] for a
    /// [pruning](AutoEts::pruned) margin below 0 or not a number.
    pub fn fit(&self, y: &[f64]) -> Result<AutoEtsFit, ForecastError> {
        validate(y)?;
        limits::check("seasonal period", self.period, MAX_SEASON)?;
        if let Some(margin) = self.prune_margin.filter(|m| m.is_nan() || *m < 0.0) {
            return Err(ForecastError::PruneMargin(margin));
        }
        // (as the first value and the mean of the others' differences from it: a constant's
        // mean is then the constant itself, not 24 × 123.45 ÷ 24 = 123.44999999999997)
        let mean = y[0] + y.iter().map(|v| v - y[0]).sum::<f64>() / y.len() as f64;
        // constant to rounding, relative to the series' own size (an absolute floor would take
        // a series in tiny units for a constant)
        let size = y.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        // the shortcut's ETS(A,N,N), or ETS(M,N,N) for a positive constant, only when the family
        // holds it: otherwise the family's own forms are fitted (each fits a constant exactly
        // where it is admissible, to the variance floor: a level a hair off the constant)
        let simplest = [ErrorType::Additive, ErrorType::Multiplicative]
            .into_iter()
            .map(|error| EtsSpec { error, trend: TrendType::None, season: SeasonType::None, period: 1 })
            .find(|spec| {
                self.errors.contains(&spec.error)
                    && self.trends.contains(&spec.trend)
                    && self.seasons.contains(&spec.season)
                    && (spec.error == ErrorType::Additive || y.iter().all(|v| *v > 0.0))
            });
        let constant = y.iter().all(|v| (v - mean).abs() <= super::EXACT_TO * size);
        if let (Some(spec), true) = (simplest, constant) {
            let best = EtsModel {
                spec,
                params: EtsParams { alpha: 0.0, beta: 0.0, gamma: 0.0, phi: 1.0 },
                level: mean,
                trend: 0.0,
                season: vec![0.0],
                sigma2: 0.0,
                log_likelihood: f64::INFINITY,
                aicc: f64::NEG_INFINITY,
                n: y.len(),
                fitted: vec![mean; y.len()],
            }
            .checked()?;
            return Ok(AutoEtsFit { candidates: vec![Candidate { spec, fit: Ok(best.clone()), pruned: false }], best });
        }
        // every form's first optimum; then the search of other basins for every form or, pruned,
        // for the forms within the margin of the best AICc known (and those whose first optimum
        // is not even finite), nearest first, so that each refined form can tighten the margin
        // for the next
        let forms: Vec<EtsSpec> = self
            .errors
            .iter()
            .flat_map(|&error| {
                self.trends.iter().flat_map(move |&trend| {
                    self.seasons.iter().map(move |&season| EtsSpec { error, trend, season, period: self.period })
                })
            })
            .collect();
        let mut fits: Vec<Result<Fitting, ForecastError>> = forms.iter().map(|spec| Fitting::first(spec, y)).collect();
        let first_aicc = |f: &Result<Fitting, ForecastError>| f.as_ref().map_or(f64::NAN, Fitting::aicc);
        let mut order: Vec<usize> = (0..fits.len()).filter(|&i| fits[i].is_ok()).collect();
        order.sort_by(|&a, &b| first_aicc(&fits[a]).total_cmp(&first_aicc(&fits[b])));
        let mut best_aicc = order.first().map_or(f64::INFINITY, |&i| first_aicc(&fits[i]));
        let mut pruned = vec![false; fits.len()];
        for i in order {
            // a form that has not found its own optimum, by the forms beside it, is refined
            // whatever the margin: it can win by far (annual sunspots: ETS(A,Ad,N) 50 AICc
            // units ahead of the choice)
            let value = |j: usize| fits[j].as_ref().ok().map(Fitting::value);
            let lagging = lagging(&forms, &value, i);
            if let Ok(fitting) = &mut fits[i] {
                let aicc = fitting.aicc();
                let near = self.prune_margin.is_none_or(|margin| aicc <= best_aicc + margin);
                // a form that nearly fits exactly may fit exactly once polished, and among exact
                // fits (AICc −∞ each) the first tried, the simplest, wins: whatever the margin
                if near || lagging || !aicc.is_finite() || fitting.nearly_exact() {
                    fitting.refine();
                    best_aicc = best_aicc.min(fitting.aicc());
                } else {
                    pruned[i] = true;
                }
            }
        }
        let candidates: Vec<Candidate> = forms
            .iter()
            .copied()
            .zip(fits)
            .zip(pruned)
            .map(|((spec, fit), pruned)| {
                let fit = fit.and_then(Fitting::finish);
                Candidate { pruned: pruned && fit.is_ok(), spec, fit }
            })
            .collect();
        let mut best: Option<&EtsModel> = None;
        for m in candidates.iter().filter_map(|c| c.fit.as_ref().ok()) {
            if best.is_none_or(|b| m.aicc < b.aicc) {
                best = Some(m);
            }
        }
        match best.cloned() {
            Some(best) => Ok(AutoEtsFit { best, candidates }),
            None => Err(ForecastError::NoModel {
                tried: candidates.into_iter().filter_map(|c| c.fit.err().map(|e| (c.spec, e))).collect(),
            }),
        }
    }
}

impl Method for AutoEts {
    fn name(&self) -> String {
        "AutoETS".into()
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?.into_best()))
    }
}

impl Method for EtsSpec {
    fn name(&self) -> String {
        self.to_string()
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?))
    }
}

impl Forecaster for EtsModel {
    fn name(&self) -> String {
        self.spec.to_string()
    }

    /// Analytic intervals where the form has them, otherwise 2,000 simulated paths with `seed`.
    fn predict_with(&self, h: usize, levels: &[f64], seed: u64) -> Result<Prediction, ForecastError> {
        match self.predict(h, levels) {
            Err(ForecastError::NoAnalyticInterval(_)) => self.predict_simulated(h, levels, 2_000, seed),
            other => other,
        }
    }
}

impl EtsModel {
    /// `self` when its parts agree: a season of the form's length, finite states, parameters in
    /// range, one finite fitted value per observation.
    fn checked(self) -> Result<EtsModel, ForecastError> {
        let bad = |reason| Err(ForecastError::InvalidModel(reason));
        check_period(&self.spec).map_err(|_| ForecastError::InvalidModel("the seasonal period is too long"))?;
        if self.spec.season != SeasonType::None && self.spec.period < 2 {
            return bad("a seasonal form needs a period of at least 2");
        }
        if self.season.len() != seasonal(&self.spec) {
            return bad("the seasonal states do not match the form's period");
        }
        let p = &self.params;
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        if !(unit(p.alpha) && unit(p.beta) && unit(p.gamma) && p.phi > 0.0 && p.phi <= 1.0) {
            return bad("smoothing parameters must be in [0, 1] and the damping in (0, 1]");
        }
        if !(self.level.is_finite() && self.trend.is_finite() && self.season.iter().all(|s| s.is_finite())) {
            return bad("states must be finite");
        }
        if !(self.sigma2.is_finite() && self.sigma2 >= 0.0) {
            return bad("the variance must be finite and not negative");
        }
        if self.log_likelihood.is_nan() || self.aicc.is_nan() {
            return bad("the log-likelihood and AICc must not be NaN");
        }
        if self.fitted.len() != self.n || self.n == 0 || self.fitted.iter().any(|f| !f.is_finite()) {
            return bad("one finite fitted value per observation is needed");
        }
        Ok(self)
    }

    /// The form.
    pub fn spec(&self) -> EtsSpec {
        self.spec
    }

    /// Smoothing parameters.
    pub fn params(&self) -> EtsParams {
        self.params
    }

    /// Level after the last observation.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Trend after the last observation (0 without a trend).
    pub fn trend(&self) -> f64 {
        self.trend
    }

    /// The seasonal states, starting with the next season to come (one state, unused, without
    /// a season).
    pub fn season(&self) -> &[f64] {
        &self.season
    }

    /// Residual variance (of absolute errors for additive, relative for multiplicative): the
    /// maximum-likelihood estimate, the sum of squared errors over `n`, as statsmodels' `ETSModel`
    /// reports it and uses for its intervals. R's `forecast::ets` and statsforecast divide by
    /// `n` less the parameter count instead, so their intervals are wider by the square root of
    /// that ratio (about 8 % for a monthly seasonal model on ten years).
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }

    /// Log-likelihood (+∞ for a constant series).
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// Small-sample corrected AIC (−∞ for a constant series).
    pub fn aicc(&self) -> f64 {
        self.aicc
    }

    /// Observations fitted.
    pub fn n(&self) -> usize {
        self.n
    }

    /// One-step-ahead fitted values, one per observation.
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }

    /// Point forecasts for `h` steps.
    ///
    /// ```
    /// use revops::forecast::{EtsSpec, ErrorType, SeasonType, TrendType};
    /// // exactly linear growth: Holt's method carries the line on, with zero variance
    /// let y: Vec<f64> = (0..24).map(|t| 100.0 + 5.0 * t as f64).collect();
    /// let holt = EtsSpec { error: ErrorType::Additive, trend: TrendType::Additive, season: SeasonType::None, period: 1 };
    /// let next = holt.fit(&y)?.point_forecast(3)?;
    /// for (k, v) in next.iter().enumerate() {
    ///     assert!((v - (220.0 + 5.0 * k as f64)).abs() < 1e-6, "{v}");
    /// }
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`] for `h = 0` and [`ForecastError::Limit`] above
    /// [`MAX_HORIZON`](crate::limits::MAX_HORIZON); [`ForecastError::Overflow`] when a forecast
    /// is too large for an `f64` (never ±∞).
    pub fn point_forecast(&self, h: usize) -> Result<Vec<f64>, ForecastError> {
        check_horizon(h)?;
        let points = self.points(h);
        all_finite(&points, "forecast")?;
        Ok(points)
    }

    /// Point forecasts for a checked horizon.
    fn points(&self, h: usize) -> Vec<f64> {
        let m = self.season.len().max(1);
        let mut damp_sum = 0.0;
        let mut phi_k = 1.0;
        (1..=h)
            .map(|k| {
                phi_k *= if self.spec.trend == TrendType::Damped { self.params.phi } else { 1.0 };
                damp_sum += phi_k;
                let tr = match self.spec.trend {
                    TrendType::None => self.level,
                    TrendType::Additive => self.level + k as f64 * self.trend,
                    TrendType::Damped => self.level + damp_sum * self.trend,
                };
                // never empty: a model has at least one seasonal state by construction
                let s = self.season.get((k - 1) % m).copied().unwrap_or(0.0);
                match self.spec.season {
                    SeasonType::None => tr,
                    SeasonType::Additive => tr + s,
                    SeasonType::Multiplicative => tr * s,
                }
            })
            .collect()
    }

    /// Forecast `h` steps with prediction intervals at `level` (0.8 for 80%): analytic where
    /// the form has them (see [`EtsModel::predict`]), otherwise simulated (2,000 paths) with
    /// `seed`.
    ///
    /// # Errors
    ///
    /// [`ForecastError::Level`] for a level outside (0, 1); [`ForecastError::ZeroCount`] for
    /// `h = 0`; [`ForecastError::Limit`] for `h` above
    /// [`MAX_HORIZON`](crate::limits::MAX_HORIZON), or, for simulated intervals, `2,000 × h`
    /// above [`MAX_TRIALS`](crate::limits::MAX_TRIALS) (h up to 5,000).
    pub fn forecast(&self, h: usize, level: f64, seed: u64) -> Result<Forecast, ForecastError> {
        let mut p = self.predict_with(h, &[level], seed)?;
        let i = p.intervals.pop().ok_or(ForecastError::Level(level))?;
        Ok(Forecast { mean: p.mean, lower: i.lower, upper: i.upper, level })
    }

    /// Point forecasts with analytic intervals at each of `levels`, no seed needed: exact
    /// Gaussian variances for additive errors (class 1 of Hyndman et al. 2008, ch. 6) and the
    /// class 2 variances for multiplicative errors with an additive, damped or no trend and an
    /// additive or no season, `v_h = (1 + σ²) θ_h − μ_h²` (computed as `σ² θ_h + (θ_h − μ_h²)`,
    /// without the cancellation); the bounds are then normal about the point forecast, an
    /// approximation of a law that is skewed. A zero-variance model gives zero-width intervals.
    ///
    /// ```
    /// use revops::forecast::{EtsSpec, ErrorType, SeasonType, TrendType};
    /// let y: Vec<f64> = (0..40).map(|t| 50.0 + 2.0 * t as f64 + (t as f64).sin()).collect();
    /// let holt = EtsSpec { error: ErrorType::Additive, trend: TrendType::Additive, season: SeasonType::None, period: 1 };
    /// let p = holt.fit(&y)?.predict(4, &[0.5, 0.99])?;
    /// assert_eq!(p.intervals.len(), 2);
    /// assert!(holt.fit(&y)?.predict(4, &[1.5]).is_err()); // a level outside (0, 1)
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::NoAnalyticInterval`] for a multiplicative season (use
    /// [`EtsModel::predict_simulated`]; with no levels, every form gives its point forecasts);
    /// [`ForecastError::Level`] for a level outside (0, 1); [`ForecastError::ZeroCount`] and
    /// [`ForecastError::Limit`] for a horizon of 0 or above
    /// [`MAX_HORIZON`](crate::limits::MAX_HORIZON), or `levels × h` above
    /// [`MAX_TRIALS`](crate::limits::MAX_TRIALS); [`ForecastError::Overflow`] when a forecast,
    /// bound or variance is too large for an `f64` (a multiplicative error's variance takes μ²,
    /// which overflows for forecasts above about 1.3e154).
    pub fn predict(&self, h: usize, levels: &[f64]) -> Result<Prediction, ForecastError> {
        check_request(h, levels)?;
        let mean = self.points(h);
        if levels.is_empty() {
            // points alone: no variance to compute (for a multiplicative error it costs O(h²))
            return Prediction::normal(mean, &[], levels).finite();
        }
        let variance = self.variances(&mean).ok_or(ForecastError::NoAnalyticInterval(self.spec))?;
        Prediction::normal(mean, &variance, levels).finite()
    }

    /// Point forecasts with intervals at each of `levels` from the quantiles of `paths` simulated
    /// paths (any form).
    ///
    /// ```
    /// use revops::forecast::auto_ets;
    /// let y: Vec<f64> = (0..48).map(|t| 100.0 + t as f64 + 5.0 * ((t % 12) as f64).sin()).collect();
    /// let model = auto_ets(&y, 12)?;
    /// let p = model.predict_simulated(6, &[0.8, 0.95], 2_000, 42)?;
    /// assert_eq!((p.mean.len(), p.intervals.len()), (6, 2));
    /// // the 95% band holds the 80% band, step by step; the same seed gives the same bands
    /// for k in 0..6 {
    ///     assert!(p.intervals[1].lower[k] <= p.intervals[0].lower[k] && p.intervals[0].upper[k] <= p.intervals[1].upper[k]);
    /// }
    /// assert_eq!(model.predict_simulated(6, &[0.8, 0.95], 2_000, 42)?, p);
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ForecastError::Level`], [`ForecastError::ZeroCount`] and [`ForecastError::Limit`] as
    /// for [`EtsModel::predict`] and [`EtsModel::simulate`]; [`ForecastError::Overflow`] when a
    /// forecast or bound is too large for an `f64`.
    pub fn predict_simulated(
        &self,
        h: usize,
        levels: &[f64],
        paths: usize,
        seed: u64,
    ) -> Result<Prediction, ForecastError> {
        check_request(h, levels)?;
        check_simulation(h, paths)?;
        Prediction::simulated(self.points(h), &self.flat_paths(h, paths, seed), h, levels).finite()
    }

    /// The forecast variance at each step where it has a closed form (`None` for a
    /// multiplicative season).
    fn variances(&self, mean: &[f64]) -> Option<Vec<f64>> {
        let h = mean.len();
        if self.sigma2 == 0.0 {
            return Some(vec![0.0; h]);
        }
        if self.spec.season == SeasonType::Multiplicative {
            return None;
        }
        let c = self.impulse_coefficients(h);
        Some(match self.spec.error {
            ErrorType::Additive => {
                let mut acc = 0.0;
                (0..h)
                    .map(|k| {
                        if k > 0 {
                            acc += c[k - 1] * c[k - 1];
                        }
                        self.sigma2 * (1.0 + acc)
                    })
                    .collect()
            }
            ErrorType::Multiplicative => {
                // θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j<h} c_j² θ_{h−j}: a convolution, O(h²) (0.1 s
                // at 10,000 steps), summed over j in ascending order. v_h = (1 + σ²) θ_h − μ_h²
                // is taken as σ² θ_h + (θ_h − μ_h²) = σ² (θ_h + tail_h), with the tail summed
                // on its own: written as the difference, 1 + σ² rounds to 1 for σ² below 1e-16
                // (a width of 0 at a level of 1e9) and ∞ − ∞ is NaN once μ² overflows
                let c2: Vec<f64> = c.iter().map(|c| c * c).collect();
                let mut theta: Vec<f64> = Vec::with_capacity(h);
                let mut variance = Vec::with_capacity(h);
                for k in 0..h {
                    let tail: f64 = c2[..k].iter().zip(theta[..k].iter().rev()).map(|(c2, t)| c2 * t).sum();
                    theta.push(mean[k] * mean[k] + self.sigma2 * tail);
                    variance.push(self.sigma2 * (theta[k] + tail));
                }
                variance
            }
        })
    }

    /// `c_j = w' F^{j−1} g`: how an error today moves the forecast j steps on (linear models).
    fn impulse_coefficients(&self, h: usize) -> Vec<f64> {
        let p = &self.params;
        let m = self.season.len().max(1);
        let phi = if self.spec.trend == TrendType::Damped { p.phi } else { 1.0 };
        // Σ_{i=1..j} φ^i, grown term by term in the order a fresh sum would add them (the same
        // bits), so a long horizon costs O(h) rather than O(h²); j < h ≤ MAX_HORIZON fits an i32
        let mut damp_sum = 0.0;
        (1..h)
            .map(|j| {
                let jf = j as f64;
                damp_sum += phi.powi(j as i32);
                let trend_part = match self.spec.trend {
                    TrendType::None => 0.0,
                    TrendType::Additive => p.beta * jf,
                    TrendType::Damped => p.beta * damp_sum,
                };
                let season_part = if self.spec.season == SeasonType::Additive && j % m == 0 { p.gamma } else { 0.0 };
                p.alpha + trend_part + season_part
            })
            .collect()
    }

    /// Simulate `paths` future sample paths of length `h` with errors drawn from the fitted
    /// distribution; the same seed gives the same paths.
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`] for no steps or no paths; [`ForecastError::Limit`] for `h`
    /// above [`MAX_HORIZON`](crate::limits::MAX_HORIZON) or `paths × h` above
    /// [`MAX_TRIALS`](crate::limits::MAX_TRIALS) simulated values; [`ForecastError::Overflow`]
    /// when a path grows past `f64::MAX` (never ±∞ or NaN).
    pub fn simulate(&self, h: usize, paths: usize, seed: u64) -> Result<Vec<Vec<f64>>, ForecastError> {
        check_simulation(h, paths)?;
        let paths = self.paths(h, paths, seed);
        all_finite(paths.iter().flatten(), "simulated path")?;
        Ok(paths)
    }

    /// [`EtsModel::simulate`]'s paths with their mean, variance and quantiles per step.
    ///
    /// # Errors
    ///
    /// As [`EtsModel::simulate`].
    pub fn simulation(&self, h: usize, paths: usize, seed: u64) -> Result<Simulation, ForecastError> {
        self.simulate(h, paths, seed).map(Simulation::new)
    }

    /// `paths` sample paths of checked length and number, a vector each.
    fn paths(&self, h: usize, paths: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut draw = self.path_drawer(seed);
        (0..paths)
            .map(|_| {
                let mut path = Vec::with_capacity(h);
                draw(h, &mut path);
                path
            })
            .collect()
    }

    /// [`EtsModel::paths`] kept flat, one path after another: the same values, without a
    /// vector a path.
    pub(super) fn flat_paths(&self, h: usize, paths: usize, seed: u64) -> Vec<f64> {
        let mut draw = self.path_drawer(seed);
        let mut out = Vec::with_capacity(h.saturating_mul(paths));
        for _ in 0..paths {
            draw(h, &mut out);
        }
        out
    }

    /// Draws one path of `h` steps onto the end of a vector each call, from `seed`'s stream:
    /// path after path, the same values however they are kept.
    fn path_drawer(&self, seed: u64) -> impl FnMut(usize, &mut Vec<f64>) + '_ {
        let mut rng = StdRng::seed_from_u64(seed);
        // zero variance (an exact fit): every path is the point forecast, no noise
        let sd = self.sigma2.sqrt();
        let normal = Normal::standard();
        let m = self.season.len().max(1);
        let damp = if self.spec.trend == TrendType::Damped { self.params.phi } else { 1.0 };
        // the seasonal states, reset from the model's for each path (one buffer for all)
        let mut s = self.season.clone();
        move |h, out| {
            if sd == 0.0 {
                // no noise: the path is the point forecast itself, bit for bit (the recursion
                // below adds the trend once a step, which drifts from `level + k × trend` by ulps)
                out.extend(self.points(h));
                return;
            }
            let (mut l, mut b) = (self.level, self.trend);
            s.copy_from_slice(&self.season);
            for k in 0..h {
                let si = k % m;
                let tr = if self.spec.trend == TrendType::None { l } else { l + damp * b };
                let mu = match self.spec.season {
                    SeasonType::None => tr,
                    SeasonType::Additive => tr + s[si],
                    SeasonType::Multiplicative => tr * s[si],
                };
                let eps: f64 = sd * rng.sample::<f64, _>(normal);
                let e = if self.spec.error == ErrorType::Multiplicative { mu * eps } else { eps };
                let y = mu + e;
                let p = &self.params;
                match self.spec.season {
                    SeasonType::Multiplicative if s[si].abs() > 1e-12 && tr.abs() > 1e-12 => {
                        let sp = s[si];
                        l = tr + p.alpha * e / sp;
                        b = damp * b + p.beta * e / sp;
                        s[si] = sp + p.gamma * e / tr;
                    }
                    _ => {
                        l = tr + p.alpha * e;
                        b = damp * b + p.beta * e;
                        if self.spec.season == SeasonType::Additive {
                            s[si] += p.gamma * e;
                        }
                    }
                }
                if self.spec.trend == TrendType::None {
                    b = 0.0;
                }
                out.push(y);
            }
        }
    }
}

/// Seasonal naive: each forecast repeats the value one season earlier (the benchmark to beat).
///
/// ```
/// use revops::forecast::seasonal_naive;
/// assert_eq!(seasonal_naive(&[1.0, 2.0, 3.0, 4.0], 2, 3)?, [3.0, 4.0, 3.0]);
/// assert!(seasonal_naive(&[1.0], 2, 3).is_err()); // shorter than one season
/// assert!(seasonal_naive(&[1.0, 2.0, f64::NAN, 4.0], 2, 3).is_err()); // never a NaN forecast
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::ShortSeries`] for fewer points than one season; [`ForecastError::NonFinite`]
/// with the index of a NaN or infinite value (anywhere in the series, as every method refuses
/// it); [`ForecastError::ZeroCount`] and [`ForecastError::Limit`] for a horizon of 0 or above
/// [`MAX_HORIZON`](crate::limits::MAX_HORIZON).
pub fn seasonal_naive(y: &[f64], period: usize, h: usize) -> Result<Vec<f64>, ForecastError> {
    check_horizon(h)?;
    let m = period.max(1);
    super::baseline::finite_series(y, m)?;
    Ok((0..h).map(|k| y[y.len() - m + (k % m)]).collect())
}

#[cfg(test)]
mod tests {
    use super::super::ets_likelihood::{Likelihood, Scratch};
    use super::*;

    #[test]
    fn the_likelihood_gradient_matches_finite_differences_for_every_form() {
        let y: Vec<f64> =
            (0..40).map(|t| 50.0 + 0.8 * t as f64 + 6.0 * ((t % 4) as f64 - 1.5) + (t as f64 * 1.7).sin()).collect();
        for error in [ErrorType::Additive, ErrorType::Multiplicative] {
            for trend in [TrendType::None, TrendType::Additive, TrendType::Damped] {
                for season in [SeasonType::None, SeasonType::Additive, SeasonType::Multiplicative] {
                    let spec = EtsSpec { error, trend, season, period: 4 };
                    if spec.admissible(&y).is_err() {
                        continue;
                    }
                    let layout = Layout::new(&spec, &y);
                    let likelihood = Likelihood { spec: &spec, y: &y, floor: layout.floor };
                    let mut x = layout.encode(&initial_states(&spec, &y));
                    for (i, v) in x.iter_mut().enumerate().take(layout.k) {
                        *v = -0.7 + 0.3 * i as f64;
                    }
                    let mut season = vec![0.0; seasonal(&spec)];
                    let mut scratch = Scratch::default();
                    let mut f = |x: &[f64], g: Option<&mut [f64]>| {
                        let p = params_of(&spec, x);
                        let (l, b) = layout.decode(x, &mut season);
                        let mut raw = RawGradient::default();
                        let v = likelihood.value(&p, l, b, &season, &mut scratch, Some(&mut raw)).unwrap();
                        if let Some(g) = g {
                            layout.chain(x, &p, &raw, g);
                        }
                        v
                    };
                    let mut g = vec![0.0; x.len()];
                    f(&x, Some(&mut g));
                    for i in 0..x.len() {
                        let h = 1e-6;
                        let mut up = x.clone();
                        up[i] += h;
                        let mut down = x.clone();
                        down[i] -= h;
                        let numeric = (f(&up, None) - f(&down, None)) / (2.0 * h);
                        assert!(
                            (numeric - g[i]).abs() <= 1e-4 * numeric.abs().max(1.0),
                            "{spec} coordinate {i}: analytic {} numeric {numeric}",
                            g[i]
                        );
                    }
                }
            }
        }
    }
}
