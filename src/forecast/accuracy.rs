//! Forecast accuracy: point and interval metrics, rolling-origin backtests, and a history of
//! forecasts against actuals.

use super::{auto_ets, seasonal_naive, ForecastError};
use crate::calendar::Month;
use crate::limits::{self, MAX_HORIZON};

/// Point and interval accuracy of a forecast against actuals.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Accuracy {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute percentage error (in percent); `None` if an actual is zero.
    pub mape: Option<f64>,
    /// Symmetric MAPE (in percent, 0–200).
    pub smape: f64,
    /// Mean absolute scaled error against the in-sample seasonal naive; `None` without a scale.
    pub mase: Option<f64>,
    /// Weighted absolute percentage error: Σ|e| ÷ Σ|actual| (in percent).
    pub wape: Option<f64>,
    /// Mean error (forecast − actual): positive is over-forecasting.
    pub bias: f64,
}

/// Accuracy of `forecast` against `actual`; `history` and `period` give MASE's scale (mean
/// absolute seasonal difference of the history; MASE is `None` when the history is no longer
/// than one season or has no variation).
///
/// ```
/// use revops::forecast::accuracy;
/// let a = accuracy(&[100.0, 200.0], &[110.0, 190.0], &[], 1)?;
/// assert_eq!((a.mae, a.bias), (10.0, 0.0));
/// assert!(accuracy(&[100.0], &[f64::NAN], &[], 1).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::Lengths`] for empty or unequal inputs; [`ForecastError::NonFinite`]
/// with the index of a NaN or infinite actual (or forecast, counted after the actuals, or history
/// value, counted after the forecasts);
/// [`ForecastError::Overflow`] when the errors are too large for an `f64`.
pub fn accuracy(actual: &[f64], forecast: &[f64], history: &[f64], period: usize) -> Result<Accuracy, ForecastError> {
    if actual.len() != forecast.len() || actual.is_empty() {
        return Err(ForecastError::Lengths { what: "forecasts", expected: actual.len(), got: forecast.len() });
    }
    if let Some(i) = actual.iter().chain(forecast).chain(history).position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    let metrics = metrics(actual, forecast, history, period);
    let finite = [metrics.mae, metrics.rmse, metrics.smape, metrics.bias].iter().all(|v| v.is_finite())
        && [metrics.mape, metrics.mase, metrics.wape].iter().flatten().all(|v| v.is_finite());
    if !finite {
        return Err(ForecastError::Overflow("forecast accuracy"));
    }
    Ok(metrics)
}

/// MASE's scale: the mean absolute difference of `history` at lag `period` (the in-sample
/// seasonal naive error); `None` when the history is no longer than the lag or has no variation.
pub(super) fn seasonal_scale(history: &[f64], period: usize) -> Option<f64> {
    let m = period.max(1);
    if history.len() <= m {
        return None;
    }
    let s = history.windows(m + 1).map(|w| (w[m] - w[0]).abs()).sum::<f64>() / (history.len() - m) as f64;
    (s > 0.0 && s.is_finite()).then_some(s)
}

/// The metrics of checked, finite inputs (infinite only when they overflow).
fn metrics(actual: &[f64], forecast: &[f64], history: &[f64], period: usize) -> Accuracy {
    let n = actual.len() as f64;
    let errors: Vec<f64> = forecast.iter().zip(actual).map(|(f, a)| f - a).collect();
    let abs_sum: f64 = errors.iter().map(|e| e.abs()).sum();
    let actual_sum: f64 = actual.iter().map(|a| a.abs()).sum();
    let scale = seasonal_scale(history, period);
    Accuracy {
        mae: abs_sum / n,
        rmse: (errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt(),
        mape: if actual.contains(&0.0) {
            None
        } else {
            Some(100.0 * errors.iter().zip(actual).map(|(e, a)| (e / a).abs()).sum::<f64>() / n)
        },
        smape: 100.0
            * forecast
                .iter()
                .zip(actual)
                .map(|(f, a)| if f.abs() + a.abs() == 0.0 { 0.0 } else { 2.0 * (f - a).abs() / (f.abs() + a.abs()) })
                .sum::<f64>()
            / n,
        mase: scale.map(|s| abs_sum / n / s),
        wape: (actual_sum > 0.0).then(|| 100.0 * abs_sum / actual_sum),
        bias: errors.iter().sum::<f64>() / n,
    }
}

/// Share of actuals inside their intervals, and the mean Winkler score (interval width plus a
/// penalty of 2/(1 − level) times any miss) — lower is better.
///
/// ```
/// use revops::forecast::interval_score;
/// let (coverage, winkler) = interval_score(&[5.0, 15.0], &[0.0, 0.0], &[10.0, 10.0], 0.8)?;
/// assert_eq!(coverage, 0.5);
/// assert!((winkler - 35.0).abs() < 1e-9); // (10 + (10 + 2 ÷ 0.2 × 5)) ÷ 2
/// assert!(interval_score(&[f64::NAN], &[0.0], &[1.0], 0.8).is_err()); // NaN is not "inside"
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::Lengths`] for empty or unequal inputs; [`ForecastError::Level`];
/// [`ForecastError::NonFinite`] with the position of a NaN or infinite value (actuals, then
/// lower bounds, then upper bounds); [`ForecastError::ReversedInterval`];
/// [`ForecastError::Overflow`] when the score overflows.
pub fn interval_score(actual: &[f64], lower: &[f64], upper: &[f64], level: f64) -> Result<(f64, f64), ForecastError> {
    for (what, bounds) in [("lower bounds", lower), ("upper bounds", upper)] {
        if actual.len() != bounds.len() || actual.is_empty() {
            return Err(ForecastError::Lengths { what, expected: actual.len(), got: bounds.len() });
        }
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(ForecastError::Level(level));
    }
    if let Some(i) = actual.iter().chain(lower).chain(upper).position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    if let Some(i) = lower.iter().zip(upper).position(|(l, u)| l > u) {
        return Err(ForecastError::ReversedInterval(i));
    }
    let alpha = 1.0 - level;
    let mut inside = 0usize;
    let mut winkler = 0.0;
    for ((a, l), u) in actual.iter().zip(lower).zip(upper) {
        let width = u - l;
        winkler += if a < l {
            width + 2.0 / alpha * (l - a)
        } else if a > u {
            width + 2.0 / alpha * (a - u)
        } else {
            inside += 1;
            width
        };
    }
    let n = actual.len() as f64;
    if !winkler.is_finite() {
        return Err(ForecastError::Overflow("Winkler score"));
    }
    Ok((inside as f64 / n, winkler / n))
}

/// One rolling-origin backtest result for a horizon step.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Backtest {
    /// Origins evaluated.
    pub origins: usize,
    /// Mean absolute error of AutoETS over all origins and steps.
    pub ets_mae: f64,
    /// Mean absolute error of the seasonal naive benchmark.
    pub naive_mae: f64,
    /// Share of actuals inside the 80% intervals.
    pub coverage_80: f64,
}

/// Rolling-origin evaluation: refit AutoETS at each origin from `min_train` to `n − h` (every
/// `step` points), forecast `h` ahead, and compare with the seasonal naive.
///
/// ```
/// use revops::forecast::backtest;
/// let y: Vec<f64> = (0..40).map(|t| 100.0 + 3.0 * t as f64 + 4.0 * (t as f64 * 1.3).sin()).collect();
/// let bt = backtest(&y, 1, 30, 3, 3)?; // origins 30, 33, 36
/// assert_eq!(bt.origins, 3);
/// assert!(backtest(&y, 1, 38, 3, 1).is_err()); // 38 + 3 points are more than the series has
/// assert!(backtest(&y, 1, 30, 3, 0).is_err()); // no step between origins
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::ZeroCount`] for a horizon or step of 0 (as
/// [`cross_validate`](super::cross_validate)); [`ForecastError::Limit`] for a horizon above
/// [`MAX_HORIZON`](crate::limits::MAX_HORIZON); [`ForecastError::ShortSeries`] when
/// `min_train + h` points are more than the series has; any error of [`auto_ets`],
/// [`EtsModel::forecast`](super::EtsModel::forecast) or [`seasonal_naive`] at an origin.
pub fn backtest(y: &[f64], period: usize, min_train: usize, h: usize, step: usize) -> Result<Backtest, ForecastError> {
    for (what, v) in [("forecast horizon", h), ("origin step", step)] {
        if v == 0 {
            return Err(ForecastError::ZeroCount(what));
        }
    }
    limits::check("forecast horizon", h, MAX_HORIZON)?;
    let needed = min_train.saturating_add(h);
    if needed > y.len() {
        return Err(ForecastError::ShortSeries { needed, got: y.len() });
    }
    let (mut ets_err, mut naive_err, mut inside, mut count, mut origins) = (0.0, 0.0, 0usize, 0usize, 0usize);
    let mut origin = min_train;
    // (origin + h past a usize is past the series too: an origin a huge step landed near the end
    // of the range ends the walk)
    while origin.checked_add(h).is_some_and(|end| end <= y.len()) {
        let train = &y[..origin];
        let model = auto_ets(train, period)?;
        let f = model.forecast(h, 0.8, origin as u64)?;
        let naive = seasonal_naive(train, period, h)?;
        for k in 0..h {
            let a = y[origin + k];
            ets_err += (f.mean[k] - a).abs();
            naive_err += (naive[k] - a).abs();
            inside += usize::from(f.lower[k] <= a && a <= f.upper[k]);
            count += 1;
        }
        origins += 1;
        // a step past the end of the series ends the walk (and cannot overflow)
        match origin.checked_add(step) {
            Some(next) => origin = next,
            None => break,
        }
    }
    let c = count as f64;
    Ok(Backtest { origins, ets_mae: ets_err / c, naive_mae: naive_err / c, coverage_80: inside as f64 / c })
}

/// A forecast made in one month for that month or a later one, and (once known) what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ForecastRecord {
    /// When the forecast was made.
    pub made_in: Month,
    /// The month forecast.
    pub target: Month,
    /// The forecast.
    pub forecast: f64,
    /// The actual, once known.
    pub actual: Option<f64>,
}

/// Mean absolute percentage error of recorded forecasts by lead time in months, as
/// `(lead, MAPE in percent, records)` (only records with a non-zero actual; leads with none are
/// omitted).
///
/// ```
/// use revops::calendar::Month;
/// use revops::forecast::{accuracy_by_lead, ForecastRecord};
/// let m = |mo| Month::new(2026, mo).unwrap();
/// let recs = [ForecastRecord { made_in: m(1), target: m(3), forecast: 110.0, actual: Some(100.0) }];
/// assert_eq!(accuracy_by_lead(&recs)?, [(2, 10.0, 1)]);
/// let nan = [ForecastRecord { forecast: f64::NAN, ..recs[0] }];
/// assert!(accuracy_by_lead(&nan).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::NonFinite`] with the index of a record whose forecast or actual is NaN or
/// infinite; [`ForecastError::TargetBeforeForecast`] with the index of one whose target is before
/// the month it was made in; [`ForecastError::Overflow`] when a lead's error sum overflows.
pub fn accuracy_by_lead(records: &[ForecastRecord]) -> Result<Vec<(i64, f64, usize)>, ForecastError> {
    if let Some(i) = records.iter().position(|r| !r.forecast.is_finite() || r.actual.is_some_and(|a| !a.is_finite())) {
        return Err(ForecastError::NonFinite(i));
    }
    if let Some(i) = records.iter().position(|r| r.target < r.made_in) {
        return Err(ForecastError::TargetBeforeForecast(i));
    }
    let mut by: std::collections::BTreeMap<i64, (f64, usize)> = Default::default();
    for r in records {
        if let Some(a) = r.actual.filter(|a| *a != 0.0) {
            let e = by.entry(r.made_in.months_until(r.target)).or_default();
            e.0 += ((r.forecast - a) / a).abs() * 100.0;
            e.1 += 1;
        }
    }
    if by.values().any(|(sum, _)| !sum.is_finite()) {
        return Err(ForecastError::Overflow("accuracy by lead"));
    }
    Ok(by.into_iter().map(|(lead, (sum, n))| (lead, sum / n as f64, n)).collect())
}
