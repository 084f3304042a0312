//! Forecast accuracy: point and interval metrics, rolling-origin backtests, and a history of
//! forecasts against actuals.

use super::{auto_ets, seasonal_naive, ForecastError};
use crate::calendar::Month;

/// Point and interval accuracy of a forecast against actuals.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// Accuracy of `forecast` against `actual`; `history` and `period` give MASE's scale.
pub fn accuracy(actual: &[f64], forecast: &[f64], history: &[f64], period: usize) -> Result<Accuracy, ForecastError> {
    if actual.len() != forecast.len() || actual.is_empty() {
        return Err(ForecastError::InvalidInput("actuals and forecasts must be non-empty and the same length".into()));
    }
    if let Some(i) = actual.iter().chain(forecast).position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    let n = actual.len() as f64;
    let errors: Vec<f64> = forecast.iter().zip(actual).map(|(f, a)| f - a).collect();
    let abs_sum: f64 = errors.iter().map(|e| e.abs()).sum();
    let actual_sum: f64 = actual.iter().map(|a| a.abs()).sum();
    let m = period.max(1);
    let scale = if history.len() > m {
        Some(history.windows(m + 1).map(|w| (w[m] - w[0]).abs()).sum::<f64>() / (history.len() - m) as f64)
            .filter(|s| *s > 0.0)
    } else {
        None
    };
    Ok(Accuracy {
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
    })
}

/// Share of actuals inside their intervals, and the mean Winkler score (interval width plus a
/// penalty of 2/(1 − level) times any miss) — lower is better.
pub fn interval_score(actual: &[f64], lower: &[f64], upper: &[f64], level: f64) -> Result<(f64, f64), ForecastError> {
    if actual.len() != lower.len() || actual.len() != upper.len() || actual.is_empty() || !(level > 0.0 && level < 1.0)
    {
        return Err(ForecastError::InvalidInput("matching, non-empty inputs and a level in (0, 1) needed".into()));
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
    Ok((inside as f64 / n, winkler / n))
}

/// One rolling-origin backtest result for a horizon step.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
pub fn backtest(y: &[f64], period: usize, min_train: usize, h: usize, step: usize) -> Result<Backtest, ForecastError> {
    if min_train + h > y.len() || h == 0 {
        return Err(ForecastError::ShortSeries { needed: min_train + h, got: y.len() });
    }
    let (mut ets_err, mut naive_err, mut inside, mut count, mut origins) = (0.0, 0.0, 0usize, 0usize, 0usize);
    let mut origin = min_train;
    while origin + h <= y.len() {
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
        origin += step.max(1);
    }
    let c = count as f64;
    Ok(Backtest { origins, ets_mae: ets_err / c, naive_mae: naive_err / c, coverage_80: inside as f64 / c })
}

/// A forecast made in one month for a later one, and (once known) what happened.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// Mean absolute percentage error of recorded forecasts by lead time in months (only records
/// with actuals; leads with none are omitted).
pub fn accuracy_by_lead(records: &[ForecastRecord]) -> Vec<(i64, f64, usize)> {
    let mut by: std::collections::BTreeMap<i64, (f64, usize)> = Default::default();
    for r in records {
        if let Some(a) = r.actual.filter(|a| *a != 0.0) {
            let e = by.entry(r.made_in.months_until(r.target)).or_default();
            e.0 += ((r.forecast - a) / a).abs() * 100.0;
            e.1 += 1;
        }
    }
    by.into_iter().map(|(lead, (sum, n))| (lead, sum / n as f64, n)).collect()
}
