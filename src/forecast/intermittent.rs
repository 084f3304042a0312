//! Intermittent demand (seat-based usage, add-on purchases that happen in some months only):
//! Croston's method (1972), its bias-corrected Syntetos–Boylan approximation (SBA, 2005) and
//! Teunter–Syntetos–Babai (TSB, 2011), as statsforecast defines them.

use super::baseline::finite_series;
use super::prediction::{check_request, Forecaster, Method, Prediction};
use super::ForecastError;

/// An intermittent-demand method.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Intermittent {
    /// Croston: the non-zero demand sizes and the intervals between them each smoothed by simple
    /// exponential smoothing with α = 0.1; the forecast is size ÷ interval.
    Croston,
    /// Croston's forecast times (1 − α/2) = 0.95, which removes its bias (Syntetos & Boylan).
    Sba,
    /// The demand size smoothed on demand periods (`alpha_demand`) and the probability of demand
    /// smoothed every period (`alpha_probability`); the forecast is their product. Obsolescence
    /// shows: the probability decays through a run of zeros.
    Tsb {
        /// Smoothing of the demand size, in (0, 1].
        alpha_demand: f64,
        /// Smoothing of the probability of demand, in (0, 1].
        alpha_probability: f64,
    },
}

/// A fitted intermittent-demand model: a flat forecast and the variance of its one-step errors.
///
/// ```
/// use revops::forecast::Intermittent;
/// // seats bought in a few months only
/// let y = [0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 3.0, 0.0, 6.0, 0.0, 0.0, 4.0];
/// let croston = Intermittent::Croston.fit(&y)?;
/// let sba = Intermittent::Sba.fit(&y)?;
/// assert!((sba.level() - 0.95 * croston.level()).abs() < 1e-12);
/// let p = croston.predict(3, &[0.8])?;
/// assert!(p.mean.iter().all(|m| *m == croston.level()) && p.intervals[0].lower[0] >= 0.0);
/// assert!(Intermittent::Tsb { alpha_demand: 0.0, alpha_probability: 0.1 }.fit(&y).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "IntermittentModelRepr"))]
pub struct IntermittentModel {
    method: Intermittent,
    level: f64,
    sigma2: f64,
}

deserialize_via!(
    IntermittentModel,
    IntermittentModelRepr { method: Intermittent, level: f64, sigma2: f64 },
    ForecastError,
    |r| IntermittentModel { method: r.method, level: r.level, sigma2: r.sigma2 }.checked()
);

/// Simple exponential smoothing started at the first value: the one-step forecasts made before
/// each value, and the forecast after the last.
fn ses(x: &[f64], alpha: f64) -> (Vec<f64>, f64) {
    let mut level = x[0];
    let mut before = Vec::with_capacity(x.len());
    for &v in x {
        before.push(level);
        level += alpha * (v - level);
    }
    (before, level)
}

const CROSTON_ALPHA: f64 = 0.1;

impl Intermittent {
    /// TSB's smoothing parameters are each in (0, 1].
    fn check_smoothing(&self) -> Result<(), ForecastError> {
        if let Intermittent::Tsb { alpha_demand, alpha_probability } = *self {
            if let Some(a) = [alpha_demand, alpha_probability].into_iter().find(|a| !(*a > 0.0 && *a <= 1.0)) {
                return Err(ForecastError::Smoothing(a));
            }
        }
        Ok(())
    }

    /// Fit to a demand series (zeros for periods without demand).
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`]; [`ForecastError::ShortSeries`] for an empty series;
    /// [`ForecastError::NegativeDemand`] for a negative value; [`ForecastError::Smoothing`]
    /// for a TSB smoothing parameter outside (0, 1]; [`ForecastError::Overflow`] when the
    /// errors' squares overflow.
    pub fn fit(&self, y: &[f64]) -> Result<IntermittentModel, ForecastError> {
        finite_series(y, 1)?;
        if let Some(i) = y.iter().position(|v| *v < 0.0) {
            return Err(ForecastError::NegativeDemand(i));
        }
        self.check_smoothing()?;
        let demands: Vec<(usize, f64)> = y.iter().copied().enumerate().filter(|(_, v)| *v > 0.0).collect();
        if demands.is_empty() {
            return IntermittentModel { method: *self, level: 0.0, sigma2: 0.0 }.checked();
        }
        let sizes: Vec<f64> = demands.iter().map(|d| d.1).collect();
        // one-step forecasts for every period, to measure the in-sample error
        let mut fitted = vec![f64::NAN; y.len()];
        let level = match *self {
            Intermittent::Croston | Intermittent::Sba => {
                let factor = if *self == Intermittent::Sba { 1.0 - CROSTON_ALPHA / 2.0 } else { 1.0 };
                let gaps: Vec<f64> = demands
                    .iter()
                    .scan(0usize, |prev, (i, _)| Some((i + 1 - std::mem::replace(prev, i + 1)) as f64))
                    .collect();
                let (size_before, size) = ses(&sizes, CROSTON_ALPHA);
                let (gap_before, gap) = ses(&gaps, CROSTON_ALPHA);
                // between demands the forecast made after the last demand holds
                for (k, (i, _)) in demands.iter().enumerate().skip(1) {
                    let f = factor * size_before[k] / gap_before[k];
                    let from = demands[k - 1].0 + 1;
                    fitted[from..=*i].iter_mut().for_each(|v| *v = f);
                }
                let after = demands.last().map_or(0, |d| d.0 + 1);
                fitted[after..].iter_mut().for_each(|v| *v = factor * size / gap);
                factor * size / gap
            }
            Intermittent::Tsb { alpha_demand, alpha_probability } => {
                let occurs: Vec<f64> = y.iter().map(|v| f64::from(u8::from(*v > 0.0))).collect();
                let (p_before, p) = ses(&occurs, alpha_probability);
                let (size_before, size) = ses(&sizes, alpha_demand);
                // the size level before t: after the demands strictly before t
                let mut seen = 0;
                for (t, f) in fitted.iter_mut().enumerate() {
                    if seen > 0 {
                        *f = p_before[t] * size_before.get(seen).copied().unwrap_or(size);
                    }
                    if y[t] > 0.0 {
                        seen += 1;
                    }
                }
                p * size
            }
        };
        let errors: Vec<f64> = fitted.iter().zip(y).filter(|(f, _)| f.is_finite()).map(|(f, v)| v - f).collect();
        let sigma2 =
            if errors.is_empty() { 0.0 } else { errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64 };
        if !(sigma2.is_finite() && level.is_finite()) {
            return Err(ForecastError::Overflow("intermittent demand errors"));
        }
        IntermittentModel { method: *self, level, sigma2 }.checked()
    }
}

impl IntermittentModel {
    fn checked(self) -> Result<IntermittentModel, ForecastError> {
        self.method.check_smoothing()?;
        if !(self.level.is_finite() && self.level >= 0.0 && self.sigma2.is_finite() && self.sigma2 >= 0.0) {
            return Err(ForecastError::InvalidModel(
                "an intermittent model's level and variance must be finite, not negative",
            ));
        }
        Ok(self)
    }

    /// The flat forecast (demand per period).
    pub fn level(&self) -> f64 {
        self.level
    }

    /// The mean squared in-sample one-step error, over the periods that have a forecast: from
    /// the period after the first demand on (Croston and SBA), or after the first demand (TSB).
    /// statsforecast's in-sample fit instead counts the periods before the first demand as
    /// forecasts of zero and divides by the whole length, so its variance differs by a few
    /// per cent on intermittent series; it has no native intervals for these methods. It is 0
    /// when no period has a forecast (a series whose only demand is its last value): the
    /// intervals then have zero width because nothing could be measured, not because the
    /// forecast is certain; check `sigma2() > 0` before reading them as a range.
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }

    /// The flat forecast with Gaussian intervals of constant width from the in-sample one-step
    /// errors (the methods have no stochastic model of their own), floored at zero demand.
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`], [`ForecastError::Level`] and [`ForecastError::Limit`] for a
    /// horizon of 0 or above [`MAX_HORIZON`](crate::limits::MAX_HORIZON), a level outside (0, 1),
    /// or `levels × h` above [`MAX_TRIALS`](crate::limits::MAX_TRIALS); [`ForecastError::Overflow`]
    /// when a forecast or bound is too large for an `f64`.
    pub fn predict(&self, h: usize, levels: &[f64]) -> Result<Prediction, ForecastError> {
        check_request(h, levels)?;
        let mut p = Prediction::normal(vec![self.level; h], &vec![self.sigma2; h], levels);
        for i in &mut p.intervals {
            i.lower.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        p.finite()
    }
}

impl Method for Intermittent {
    fn name(&self) -> String {
        match self {
            Intermittent::Croston => "Croston".into(),
            Intermittent::Sba => "SBA".into(),
            Intermittent::Tsb { .. } => "TSB".into(),
        }
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?))
    }
}

impl Forecaster for IntermittentModel {
    fn name(&self) -> String {
        self.method.name()
    }

    fn predict_with(&self, h: usize, levels: &[f64], _seed: u64) -> Result<Prediction, ForecastError> {
        self.predict(h, levels)
    }
}
