//! Benchmarks every method must beat: naive, seasonal naive and drift (Hyndman & Athanasopoulos,
//! *Forecasting: Principles and Practice*, 3rd ed., §5.2 and §5.5), with their analytic
//! Gaussian intervals.

use super::prediction::{check_request, Forecaster, Method, Prediction};
use super::ForecastError;
use crate::limits::{self, MAX_SEASON};

/// A benchmark method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Baseline {
    /// The last value, repeated; σ_h = σ √h.
    Naive,
    /// The value one season earlier; σ_h = σ √(⌊(h − 1)/m⌋ + 1).
    SeasonalNaive {
        /// Season length.
        period: usize,
    },
    /// The line through the first and last values; σ_h = σ √(h (1 + h/(n − 1))).
    Drift,
}

/// A fitted benchmark: the values it repeats, its slope and its residual variance.
///
/// ```
/// use revops::forecast::Baseline;
/// let y = [10.0, 12.0, 11.0, 13.0, 12.0, 14.0];
/// let snaive = Baseline::SeasonalNaive { period: 2 }.fit(&y)?;
/// let p = snaive.predict(3, &[0.8])?;
/// assert_eq!(p.mean, [12.0, 14.0, 12.0]);
/// let drift = Baseline::Drift.fit(&y)?.predict(1, &[])?;
/// assert!((drift.mean[0] - 14.8).abs() < 1e-12); // 14 + (14 − 10) ÷ 5
/// assert!(Baseline::SeasonalNaive { period: 12 }.fit(&y).is_err()); // not one season of data
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BaselineModelRepr"))]
pub struct BaselineModel {
    method: Baseline,
    last: Vec<f64>,
    slope: f64,
    sigma2: f64,
    n: usize,
}

deserialize_via!(
    BaselineModel,
    BaselineModelRepr { method: Baseline, last: Vec<f64>, slope: f64, sigma2: f64, n: usize },
    ForecastError,
    |r| BaselineModel { method: r.method, last: r.last, slope: r.slope, sigma2: r.sigma2, n: r.n }.checked()
);

/// A finite series of at least `needed` points.
pub(super) fn finite_series(y: &[f64], needed: usize) -> Result<(), ForecastError> {
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    if y.len() < needed {
        return Err(ForecastError::ShortSeries { needed, got: y.len() });
    }
    Ok(())
}

impl Baseline {
    /// Fit: the repeated values, the drift and the mean squared in-sample one-step residual.
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`]; [`ForecastError::ShortSeries`] for fewer than two points
    /// (one season plus one for the seasonal naive); [`ForecastError::Limit`] for a period above
    /// [`MAX_SEASON`](crate::limits::MAX_SEASON); [`ForecastError::ZeroCount`] for a period of 0;
    /// [`ForecastError::Overflow`] when the residuals' squares overflow.
    pub fn fit(&self, y: &[f64]) -> Result<BaselineModel, ForecastError> {
        let m = match *self {
            Baseline::SeasonalNaive { period } => {
                if period == 0 {
                    return Err(ForecastError::ZeroCount("seasonal period"));
                }
                limits::check("seasonal period", period, MAX_SEASON)?
            }
            _ => 1,
        };
        finite_series(y, m + 1)?;
        let n = y.len();
        let slope = if *self == Baseline::Drift { (y[n - 1] - y[0]) / (n - 1) as f64 } else { 0.0 };
        let residuals = y.windows(m + 1).map(|w| w[m] - w[0] - slope);
        // the mean of the squared residuals (statsforecast's and R's `rwf` divisor, n − m)
        let sigma2 = residuals.map(|e| e * e).sum::<f64>() / (n - m) as f64;
        if !(sigma2.is_finite() && slope.is_finite()) {
            return Err(ForecastError::Overflow("baseline residual variance"));
        }
        BaselineModel { method: *self, last: y[n - m..].to_vec(), slope, sigma2, n }.checked()
    }
}

impl BaselineModel {
    fn checked(self) -> Result<BaselineModel, ForecastError> {
        let m = match self.method {
            Baseline::SeasonalNaive { period } => period,
            _ => 1,
        };
        if m == 0 || m > MAX_SEASON || self.last.len() != m || self.n <= m {
            return Err(ForecastError::InvalidModel("a benchmark keeps one value per season position"));
        }
        if !(self.last.iter().all(|v| v.is_finite()) && self.slope.is_finite() && self.sigma2.is_finite())
            || self.sigma2 < 0.0
        {
            return Err(ForecastError::InvalidModel("a benchmark's values must be finite, its variance not negative"));
        }
        Ok(self)
    }

    /// The method.
    pub fn method(&self) -> Baseline {
        self.method
    }

    /// Residual variance σ².
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }

    /// Point forecasts and analytic intervals at each of `levels`.
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`], [`ForecastError::Level`] and [`ForecastError::Limit`] for a
    /// horizon of 0 or above [`MAX_HORIZON`](crate::limits::MAX_HORIZON), a level outside (0, 1),
    /// or `levels × h` above [`MAX_TRIALS`](crate::limits::MAX_TRIALS); [`ForecastError::Overflow`]
    /// when a forecast or bound is too large for an `f64`.
    pub fn predict(&self, h: usize, levels: &[f64]) -> Result<Prediction, ForecastError> {
        check_request(h, levels)?;
        let m = self.last.len();
        let t = (self.n - 1) as f64;
        let (mut mean, mut variance) = (Vec::with_capacity(h), Vec::with_capacity(h));
        for k in 1..=h {
            let kf = k as f64;
            mean.push(self.last[(k - 1) % m] + self.slope * kf);
            variance.push(
                self.sigma2
                    * match self.method {
                        Baseline::Naive => kf,
                        Baseline::SeasonalNaive { .. } => ((k - 1) / m + 1) as f64,
                        Baseline::Drift => kf * (1.0 + kf / t),
                    },
            );
        }
        Prediction::normal(mean, &variance, levels).finite()
    }
}

impl Method for Baseline {
    fn name(&self) -> String {
        match self {
            Baseline::Naive => "Naive".into(),
            Baseline::SeasonalNaive { .. } => "SNaive".into(),
            Baseline::Drift => "Drift".into(),
        }
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?))
    }
}

impl Forecaster for BaselineModel {
    fn name(&self) -> String {
        self.method.name()
    }

    fn predict_with(&self, h: usize, levels: &[f64], _seed: u64) -> Result<Prediction, ForecastError> {
        self.predict(h, levels)
    }
}
