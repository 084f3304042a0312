//! Forecast combinations: no one method wins everywhere, combinations do (the M4 competition's
//! lesson). An [`Ensemble`] fits several methods and combines their point forecasts and interval
//! bounds step by step, by the median or by weights from cross-validated error.

use super::cv::{cross_validate, RollingOrigin};
use super::ets::{AutoEts, EtsModel, Forecast};
use super::prediction::{check_request, Forecaster, Interval, Method, Prediction};
use super::{
    ArimaModel, AutoArima, Baseline, BaselineModel, ForecastError, Intermittent, IntermittentModel, Theta, ThetaKind,
    ThetaModel,
};
use crate::limits::{self, MAX_COUNT};

/// One method of an ensemble.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Member {
    /// AutoETS over every form.
    AutoEts,
    /// AutoARIMA, the Hyndman–Khandakar stepwise search.
    AutoArima,
    /// A Theta method.
    Theta(ThetaKind),
    /// A benchmark.
    Baseline(Baseline),
    /// An intermittent-demand method.
    Intermittent(Intermittent),
}

/// How members' forecasts are combined.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Combination {
    /// The median of the members at each step (of point forecasts and of each interval bound).
    Median,
    /// Weights proportional to 1 ÷ MASE from a rolling-origin cross-validation of each member on
    /// the series itself (`windows` origins, one step apart, `h` steps each), then the weighted
    /// mean at each step. Members that forecast every window exactly (MASE 0) share all the
    /// weight; a member that cannot be cross-validated weighs nothing. A series too short for
    /// the windows (each training window needs more than a season and at least 4 points), or
    /// whose every window is flat or fails, gives every member the same weight.
    CrossValidated {
        /// Origins.
        windows: usize,
        /// Steps scored from each origin.
        h: usize,
    },
}

/// An ensemble: its members, the season length they use, and the combination.
///
/// ```
/// use revops::forecast::Ensemble;
/// let y: Vec<f64> = (0..60).map(|t| 500.0 + 6.0 * t as f64 + 3.0 * (t as f64 * 2.1).sin()).collect();
/// let model = Ensemble::new(12).fit(&y)?;
/// let p = model.predict(12, &[0.8, 0.95], 7)?;
/// assert!(p.mean[11] > y[59]);
/// assert_eq!(model.members().len(), 2); // AutoETS and AutoARIMA
/// assert!(Ensemble::new(12).fit(&[1.0, f64::NAN, 3.0, 4.0]).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Ensemble {
    /// Season length (12 for monthly data).
    pub period: usize,
    /// The methods combined.
    pub members: Vec<Member>,
    /// How.
    pub combination: Combination,
}

/// A fitted member.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum FittedMember {
    /// An ETS model.
    Ets(EtsModel),
    /// An ARIMA model.
    Arima(ArimaModel),
    /// A Theta model.
    Theta(ThetaModel),
    /// A benchmark.
    Baseline(BaselineModel),
    /// An intermittent-demand model.
    Intermittent(IntermittentModel),
}

impl FittedMember {
    fn forecaster(&self) -> &dyn Forecaster {
        match self {
            FittedMember::Ets(m) => m,
            FittedMember::Arima(m) => m,
            FittedMember::Theta(m) => m,
            FittedMember::Baseline(m) => m,
            FittedMember::Intermittent(m) => m,
        }
    }
}

impl Member {
    fn fit(&self, y: &[f64], period: usize) -> Result<FittedMember, ForecastError> {
        Ok(match *self {
            Member::AutoEts => FittedMember::Ets(AutoEts::new(period).fit(y)?.into_best()),
            Member::AutoArima => FittedMember::Arima(AutoArima::new(period).fit(y)?.into_best()),
            Member::Theta(kind) => FittedMember::Theta(Theta { kind, period }.fit(y)?),
            Member::Baseline(b) => FittedMember::Baseline(b.fit(y)?),
            Member::Intermittent(i) => FittedMember::Intermittent(i.fit(y)?),
        })
    }
}

/// A member with its season length, as a [`Method`] for cross-validation.
struct Seasoned(Member, usize);

impl Method for Seasoned {
    fn name(&self) -> String {
        match self.0 {
            Member::AutoEts => "AutoETS".into(),
            Member::AutoArima => "AutoARIMA".into(),
            Member::Theta(kind) => Theta { kind, period: self.1 }.name(),
            Member::Baseline(b) => b.name(),
            Member::Intermittent(i) => i.name(),
        }
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(match self.0.fit(y, self.1)? {
            FittedMember::Ets(m) => Box::new(m),
            FittedMember::Arima(m) => Box::new(m),
            FittedMember::Theta(m) => Box::new(m),
            FittedMember::Baseline(m) => Box::new(m),
            FittedMember::Intermittent(m) => Box::new(m),
        })
    }
}

/// A fitted ensemble: its members and their weights (equal for the median).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "EnsembleModelRepr"))]
pub struct EnsembleModel {
    members: Vec<FittedMember>,
    weights: Vec<f64>,
    combination: Combination,
}

deserialize_via!(
    EnsembleModel,
    EnsembleModelRepr { members: Vec<FittedMember>, weights: Vec<f64>, combination: Combination },
    ForecastError,
    |r| EnsembleModel { members: r.members, weights: r.weights, combination: r.combination }.checked()
);

impl Ensemble {
    /// The default for ARR and other business series: AutoETS and AutoARIMA, combined by the
    /// median (of two: their mean).
    ///
    /// Why these two: on 54 real monthly and quarterly series shipped with statsmodels and
    /// statsforecast, last year held out (`comparisons/forecast_compare.py`), this pair beat the
    /// earlier default (AutoETS with both Theta methods) on mean MASE (monthly 0.430 against
    /// 0.443, quarterly 1.015 against 1.250) and on interval score, and every three-member mix
    /// with a Theta method; the Theta methods' median outvoted AutoETS on trending series. A
    /// member that cannot be fitted (AutoARIMA on a very short series, say) is left out.
    pub fn new(period: usize) -> Ensemble {
        Ensemble { period, members: vec![Member::AutoEts, Member::AutoArima], combination: Combination::Median }
    }

    /// Fit every member (a member that cannot be fitted is left out) and, for
    /// [`Combination::CrossValidated`], weigh them.
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`] for a NaN or infinite value; [`ForecastError::NoMember`]
    /// with each member's error when none could be fitted (an empty ensemble, say);
    /// [`ForecastError::ZeroCount`] and [`ForecastError::Limit`] for cross-validation windows or
    /// steps of 0 or above the limits, and [`ForecastError::Limit`] for a season longer than
    /// [`MAX_SEASON`](crate::limits::MAX_SEASON) under [`Combination::CrossValidated`] (its
    /// cross-validation scores each window against a seasonal naive of that season).
    pub fn fit(&self, y: &[f64]) -> Result<EnsembleModel, ForecastError> {
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(ForecastError::NonFinite(i));
        }
        limits::check("ensemble members", self.members.len(), MAX_COUNT)?;
        let (mut members, mut failed, mut kept) = (Vec::new(), Vec::new(), Vec::new());
        for m in &self.members {
            match m.fit(y, self.period) {
                Ok(f) => {
                    members.push(f);
                    kept.push(*m);
                }
                Err(e) => failed.push((Seasoned(*m, self.period).name(), e)),
            }
        }
        if members.is_empty() {
            return Err(ForecastError::NoMember(failed));
        }
        let weights = match self.combination {
            Combination::Median => vec![1.0; members.len()],
            Combination::CrossValidated { windows, h } => {
                let seasoned: Vec<Seasoned> = kept.iter().map(|m| Seasoned(*m, self.period)).collect();
                let methods: Vec<&dyn Method> = seasoned.iter().map(|s| s as &dyn Method).collect();
                let cv = RollingOrigin { h, windows, step: 1, period: self.period, level: 0.95, seed: 0 };
                match cross_validate(y, &methods, &cv) {
                    Ok(table) => {
                        let mase: Vec<Option<f64>> =
                            table.iter().map(|r| r.score.as_ref().ok().map(|s| s.mase)).collect();
                        inverse_error_weights(&mase)
                    }
                    // too short to cross-validate: equal weights
                    Err(ForecastError::ShortSeries { .. }) => vec![1.0; members.len()],
                    Err(e) => return Err(e),
                }
            }
        };
        EnsembleModel { members, weights, combination: self.combination }.checked()
    }
}

impl Method for Ensemble {
    fn name(&self) -> String {
        "Ensemble".into()
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?))
    }
}

/// Weights ∝ 1 ÷ MASE. A member whose cross-validated MASE is 0 (it forecast every window
/// exactly) has the limit of that rule, an infinite weight: such members share all the weight.
/// A member that could not be scored weighs 0; when none could, all weigh alike.
fn inverse_error_weights(mase: &[Option<f64>]) -> Vec<f64> {
    let exact: Vec<f64> = mase.iter().map(|m| f64::from(u8::from(*m == Some(0.0)))).collect();
    if exact.iter().any(|w| *w > 0.0) {
        return exact;
    }
    // ∝ 1 ÷ MASE, as the least MASE over each: in (0, 1], where 1 ÷ a subnormal MASE (2e-310)
    // would be infinite
    let usable = |m: &Option<f64>| m.filter(|m| *m > 0.0 && m.is_finite());
    let least = mase.iter().filter_map(usable).fold(f64::INFINITY, f64::min);
    // (held above 0: a MASE 10³⁰⁸ times the least is still scored, as the docs say)
    let w: Vec<f64> = mase.iter().map(|m| usable(m).map_or(0.0, |m| (least / m).max(f64::MIN_POSITIVE))).collect();
    if w.iter().sum::<f64>() > 0.0 {
        w
    } else {
        vec![1.0; mase.len()]
    }
}

/// The weighted median (`median`) or weighted mean of `values`.
fn combine(values: &mut [(f64, f64)], median: bool) -> f64 {
    if median {
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = values.len();
        if n % 2 == 1 {
            values[n / 2].0
        } else {
            let (a, b) = (values[n / 2 - 1].0, values[n / 2].0);
            // halved first where the sum would overflow (two forecasts of 1.5e308), not always:
            // halving a subnormal loses its last bit
            let sum = a + b;
            if sum.is_finite() {
                sum / 2.0
            } else {
                a / 2.0 + b / 2.0
            }
        }
    } else {
        // relative to the largest weight, so that weights near `f64::MAX` (read from JSON) do
        // not overflow their sum
        let top = values.iter().map(|v| v.1).fold(0.0, f64::max);
        let total: f64 = values.iter().map(|v| v.1 / top).sum();
        let mean = values.iter().map(|(v, w)| v * (w / top)).sum::<f64>() / total;
        // weights summing to one first where the weighted sum of figures near `f64::MAX`
        // overflowed; the mean held within the figures either way (rounding can take it an ulp
        // past them: 0.1 and 0.1 at 3 : 2 read 0.10000000000000002; `max` and `min`, unlike
        // `clamp`, never panic)
        let mean = if mean.is_finite() { mean } else { values.iter().map(|(v, w)| v * (w / top / total)).sum::<f64>() };
        let (least, most) =
            values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (v, _)| (a.min(*v), b.max(*v)));
        mean.max(least).min(most)
    }
}

impl EnsembleModel {
    fn checked(self) -> Result<EnsembleModel, ForecastError> {
        if self.members.is_empty()
            || self.weights.len() != self.members.len()
            || self.weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
            || self.weights.iter().sum::<f64>() <= 0.0
        // (finite: each weight is, above)
        {
            return Err(ForecastError::InvalidModel("an ensemble needs members with finite weights that sum above 0"));
        }
        Ok(self)
    }

    /// The fitted members.
    pub fn members(&self) -> &[FittedMember] {
        &self.members
    }

    /// Each member's weight (all 1 for the median).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The combined forecast: at each step, the median (or weighted mean) of the members' point
    /// forecasts, and of their bounds at each level. `seed` drives the members whose intervals
    /// are simulated.
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`], [`ForecastError::Level`] and [`ForecastError::Limit`] for a
    /// horizon or levels out of range, any member's forecasting error, and
    /// [`ForecastError::Overflow`] when a combined figure is too large for an `f64`.
    pub fn predict(&self, h: usize, levels: &[f64], seed: u64) -> Result<Prediction, ForecastError> {
        check_request(h, levels)?;
        let preds: Vec<(Prediction, f64)> = self
            .members
            .iter()
            .zip(&self.weights)
            .filter(|(_, w)| **w > 0.0)
            .map(|(m, w)| Ok((m.forecaster().predict_with(h, levels, seed)?, *w)))
            .collect::<Result<_, ForecastError>>()?;
        let median = self.combination == Combination::Median;
        let mut buf = Vec::with_capacity(preds.len());
        let mut at = |pick: &dyn Fn(&Prediction) -> f64| {
            buf.clear();
            buf.extend(preds.iter().map(|(p, w)| (pick(p), *w)));
            combine(&mut buf, median)
        };
        let mean: Vec<f64> = (0..h).map(|k| at(&|p| p.mean[k])).collect();
        let intervals = (0..levels.len())
            .map(|i| Interval {
                level: levels[i],
                lower: (0..h).map(|k| at(&|p| p.intervals[i].lower[k])).collect(),
                upper: (0..h).map(|k| at(&|p| p.intervals[i].upper[k])).collect(),
            })
            .collect();
        Prediction { mean, intervals }.finite()
    }

    /// One level, as a [`Forecast`].
    ///
    /// # Errors
    ///
    /// As [`EnsembleModel::predict`].
    pub fn forecast(&self, h: usize, level: f64, seed: u64) -> Result<Forecast, ForecastError> {
        let mut p = self.predict(h, &[level], seed)?;
        let i = p.intervals.pop().ok_or(ForecastError::Level(level))?;
        Ok(Forecast { mean: p.mean, lower: i.lower, upper: i.upper, level })
    }

    /// The first member that is an ETS model (AutoETS's choice) and has weight, for
    /// simulations: an ETS member the cross-validated weights give nothing takes no part in the
    /// forecast, so none is returned for it.
    pub fn ets(&self) -> Option<&EtsModel> {
        self.weighed().find_map(|m| match m {
            FittedMember::Ets(e) => Some(e),
            _ => None,
        })
    }

    /// The members with weight, in order.
    fn weighed(&self) -> impl Iterator<Item = &FittedMember> + '_ {
        self.members.iter().zip(&self.weights).filter(|(_, w)| **w > 0.0).map(|(m, _)| m)
    }
}

impl Forecaster for EnsembleModel {
    /// The members with weight (a member weighted 0 takes no part in the forecast).
    fn name(&self) -> String {
        let names: Vec<String> = self.weighed().map(|m| m.forecaster().name()).collect();
        let how = if self.combination == Combination::Median { "median" } else { "weighted" };
        format!("Ensemble({how}: {})", names.join(", "))
    }

    fn predict_with(&self, h: usize, levels: &[f64], seed: u64) -> Result<Prediction, ForecastError> {
        self.predict(h, levels, seed)
    }
}
