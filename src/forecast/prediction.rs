//! What every forecasting method returns: point forecasts with intervals at one or more levels,
//! simulated paths summarised (mean, variance, quantiles), and the [`Forecaster`] trait that
//! cross-validation and the ensemble use to treat methods alike.

use statrs::distribution::{ContinuousCDF, Normal};

use super::ForecastError;
use crate::limits::{self, MAX_HORIZON, MAX_TRIALS};

/// A prediction interval at one level.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Interval {
    /// Coverage (0.95 for 95%).
    pub level: f64,
    /// Lower bounds, one per step.
    pub lower: Vec<f64>,
    /// Upper bounds, one per step.
    pub upper: Vec<f64>,
}

/// Point forecasts with intervals at each level asked for (in the order asked).
///
/// ```
/// use revops::forecast::auto_ets;
/// let y: Vec<f64> = (0..48).map(|t| 100.0 + 2.0 * t as f64 + (t as f64 * 1.3).sin()).collect();
/// let p = auto_ets(&y, 1)?.predict(6, &[0.8, 0.95])?; // analytic: no seed needed
/// let (i80, i95) = (p.interval(0.8).unwrap(), p.interval(0.95).unwrap());
/// assert!(i95.lower[5] < i80.lower[5] && i80.upper[5] < i95.upper[5]);
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Prediction {
    /// Point forecasts.
    pub mean: Vec<f64>,
    /// One interval per level.
    pub intervals: Vec<Interval>,
}

impl Prediction {
    /// The interval at `level`, if it was asked for.
    pub fn interval(&self, level: f64) -> Option<&Interval> {
        self.intervals.iter().find(|i| i.level == level)
    }

    /// Normal intervals `mean ± z √variance` at each level (none without levels: `variance`
    /// is then not read, and may be empty). A NaN or infinite variance gives NaN or infinite
    /// bounds, which [`Prediction::finite`] refuses: never a zero width.
    pub(super) fn normal(mean: Vec<f64>, variance: &[f64], levels: &[f64]) -> Prediction {
        let intervals = levels
            .iter()
            .map(|&level| {
                // from the lower tail, (1 − level) ÷ 2, which is exact: `0.5 + level / 2`
                // rounds to 1 (z = +∞) for levels within 2⁻⁵³ of 1
                let z = -Normal::standard().inverse_cdf((1.0 - level) / 2.0);
                // a variance below 0 is the rounding of 0; a NaN stays NaN (`v.max(0.0)` made it
                // 0, a zero width), for `finite` to refuse as an overflow
                let sd = |v: f64| if v < 0.0 { 0.0 } else { v.sqrt() };
                let (lower, upper) = mean.iter().zip(variance).map(|(m, v)| (m - z * sd(*v), m + z * sd(*v))).unzip();
                Interval { level, lower, upper }
            })
            .collect();
        Prediction { mean, intervals }
    }

    /// The prediction, if every figure of it is finite: a forecast or bound past `f64::MAX` (an
    /// explosive model far out, a huge variance) is [`ForecastError::Overflow`], never ±∞ or NaN.
    pub(super) fn finite(self) -> Result<Prediction, ForecastError> {
        let bounds = self.intervals.iter().flat_map(|i| i.lower.iter().chain(&i.upper));
        all_finite(self.mean.iter().chain(bounds), "forecast or interval bound")?;
        Ok(self)
    }

    /// Intervals from the quantiles of simulated paths, `h` values a path, one path after
    /// another in `paths` (kept flat: ten million one-step paths are 80 MB, where a vector a
    /// path took seven times that). Each step's column is sorted once for every level.
    pub(super) fn simulated(mean: Vec<f64>, paths: &[f64], h: usize, levels: &[f64]) -> Prediction {
        let mut intervals: Vec<Interval> = levels
            .iter()
            .map(|&level| Interval { level, lower: Vec::with_capacity(h), upper: Vec::with_capacity(h) })
            .collect();
        let mut col = Vec::with_capacity(paths.len() / h.max(1));
        for k in 0..h {
            col.clear();
            col.extend(paths.iter().skip(k).step_by(h));
            col.sort_by(f64::total_cmp);
            for i in &mut intervals {
                let tail = (1.0 - i.level) / 2.0;
                i.lower.push(sorted_quantile(&col, tail));
                i.upper.push(sorted_quantile(&col, 1.0 - tail));
            }
        }
        Prediction { mean, intervals }
    }
}

/// `Ok` when every value is finite: one past `f64::MAX` is [`ForecastError::Overflow`] of
/// `what`, so that no forecast, path or summary is ever ±∞ or NaN.
pub(super) fn all_finite<'a>(
    values: impl IntoIterator<Item = &'a f64>,
    what: &'static str,
) -> Result<(), ForecastError> {
    if values.into_iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(ForecastError::Overflow(what))
    }
}

/// Levels that are each in (0, 1), few enough that `levels × h` bounds fit [`MAX_TRIALS`], and
/// a horizon of 1 to [`MAX_HORIZON`].
pub(super) fn check_request(h: usize, levels: &[f64]) -> Result<(), ForecastError> {
    if h == 0 {
        return Err(ForecastError::ZeroCount("forecast horizon"));
    }
    limits::check("forecast horizon", h, MAX_HORIZON)?;
    if let Some(l) = levels.iter().find(|l| !(**l > 0.0 && **l < 1.0)) {
        return Err(ForecastError::Level(*l));
    }
    limits::check("interval bounds (levels × horizon)", (levels.len() as u128) * (h as u128), MAX_TRIALS)?;
    Ok(())
}

/// Simulated future paths, all of the same length, with their summaries per step.
///
/// ```
/// use revops::forecast::{EtsSpec, ErrorType, SeasonType, TrendType};
/// // a wandering level: each step moves it
/// let y: Vec<f64> = (0..48).scan(100.0, |l, t| { *l += 3.0 * (t as f64 * 2.3).sin(); Some(*l) }).collect();
/// let ses = EtsSpec { error: ErrorType::Additive, trend: TrendType::None, season: SeasonType::None, period: 1 };
/// let sim = ses.fit(&y)?.simulation(12, 1_000, 7)?;
/// let (mean, var, p90) = (sim.mean(), sim.variance()?, sim.quantile(0.9)?);
/// let p10 = sim.quantile(0.1)?;
/// assert!(var.iter().all(|v| *v >= 0.0) && (0..12).all(|k| p10[k] <= mean[k] && mean[k] <= p90[k]));
/// assert!(sim.quantile(1.5).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SimulationRepr"))]
pub struct Simulation {
    paths: Vec<Vec<f64>>,
}

deserialize_via!(Simulation, SimulationRepr { paths: Vec<Vec<f64>> }, ForecastError, |r| Simulation::checked(r.paths));

impl Simulation {
    /// Paths of checked, equal, non-zero length (at least one).
    pub(super) fn new(paths: Vec<Vec<f64>>) -> Simulation {
        Simulation { paths }
    }

    /// Paths read from outside (JSON): at least one, all of one non-zero length, every value
    /// finite, as [`Simulation::new`]'s callers make them.
    #[cfg(feature = "serde")]
    fn checked(paths: Vec<Vec<f64>>) -> Result<Simulation, ForecastError> {
        let h = paths.first().map_or(0, Vec::len);
        if h == 0 || paths.iter().any(|p| p.len() != h) {
            return Err(ForecastError::InvalidModel(
                "a simulation's paths must be one or more, all of one non-zero length",
            ));
        }
        if paths.iter().flatten().any(|v| !v.is_finite()) {
            return Err(ForecastError::InvalidModel("a simulation's values must be finite"));
        }
        Ok(Simulation { paths })
    }

    /// The paths.
    pub fn paths(&self) -> &[Vec<f64>] {
        &self.paths
    }

    /// Steps per path.
    pub fn horizon(&self) -> usize {
        self.paths.first().map_or(0, Vec::len)
    }

    /// Mean of the paths at each step. (Finite paths have a finite mean: where their sum
    /// passes `f64::MAX`, each value is divided before it is added.)
    pub fn mean(&self) -> Vec<f64> {
        let n = self.paths.len() as f64;
        (0..self.horizon())
            .map(|k| {
                let sum = self.paths.iter().map(|p| p[k]).sum::<f64>();
                if sum.is_finite() {
                    sum / n
                } else {
                    self.paths.iter().map(|p| p[k] / n).sum::<f64>()
                }
            })
            .collect()
    }

    /// Sample variance (divisor n − 1; 0 for a single path) at each step.
    ///
    /// # Errors
    ///
    /// [`ForecastError::Overflow`] when a variance is too large for an `f64` (paths near
    /// ±`f64::MAX`), never ∞.
    pub fn variance(&self) -> Result<Vec<f64>, ForecastError> {
        let n = self.paths.len();
        let variances: Vec<f64> = self
            .mean()
            .iter()
            .enumerate()
            .map(|(k, m)| {
                if n < 2 {
                    0.0
                } else {
                    self.paths.iter().map(|p| (p[k] - m) * (p[k] - m)).sum::<f64>() / (n - 1) as f64
                }
            })
            .collect();
        all_finite(&variances, "simulation variance")?;
        Ok(variances)
    }

    /// The `p` quantile at each step (linear interpolation between order statistics, R's type 7).
    ///
    /// # Errors
    ///
    /// [`ForecastError::Level`] for `p` outside [0, 1] or NaN.
    pub fn quantile(&self, p: f64) -> Result<Vec<f64>, ForecastError> {
        if !(0.0..=1.0).contains(&p) {
            return Err(ForecastError::Level(p));
        }
        Ok(self.quantile_unchecked(p))
    }

    fn quantile_unchecked(&self, p: f64) -> Vec<f64> {
        let mut col = Vec::with_capacity(self.paths.len());
        (0..self.horizon())
            .map(|k| {
                col.clear();
                col.extend(self.paths.iter().map(|path| path[k]));
                col.sort_by(f64::total_cmp);
                sorted_quantile(&col, p)
            })
            .collect()
    }
}

/// The `p` quantile of sorted values, interpolating between order statistics (R's type 7).
fn sorted_quantile(col: &[f64], p: f64) -> f64 {
    let Some(last) = col.len().checked_sub(1) else { return f64::NAN };
    let pos = p * last as f64;
    let (lo, frac) = (pos.floor() as usize, pos - pos.floor());
    let hi = (lo + 1).min(last);
    let (a, b) = (col[lo], col[hi]);
    if frac == 0.0 {
        return a;
    }
    let x = a + frac * (b - a);
    if x.is_finite() || !(a.is_finite() && b.is_finite()) {
        x // (a path past f64::MAX stays non-finite, for the caller's overflow check)
    } else {
        // `b − a` passed f64::MAX: weigh the two ends instead, which cannot, and stay between them
        ((1.0 - frac) * a + frac * b).max(a).min(b)
    }
}

/// A fitted forecasting model of any method, as cross-validation and the ensemble see it.
pub trait Forecaster {
    /// The method's name and form ("ETS(M,A,N)", "Theta", "SBA"…).
    fn name(&self) -> String;

    /// Point forecasts and intervals at `levels` for `h` steps; `seed` drives any simulation (a
    /// method with analytic intervals ignores it). An implementation returns `h` finite forecasts
    /// and, for each level, `h` finite bounds each; [`cross_validate`](super::cross_validate)
    /// scores a method whose prediction is otherwise as an error in its row.
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`], [`ForecastError::Level`] and [`ForecastError::Limit`] for a
    /// horizon or levels out of range; [`ForecastError::Overflow`] when a forecast or bound is
    /// too large for an `f64`.
    fn predict_with(&self, h: usize, levels: &[f64], seed: u64) -> Result<Prediction, ForecastError>;
}

/// A forecasting method, unfitted: what cross-validation refits at each origin.
pub trait Method {
    /// The method's name ("AutoETS", "Theta", "SNaive"…).
    fn name(&self) -> String;

    /// Fit to `y`.
    ///
    /// # Errors
    ///
    /// The method's own fitting errors (a short or non-finite series, say).
    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError>;
}
