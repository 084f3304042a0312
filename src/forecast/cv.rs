//! Time-series cross-validation on a rolling origin: refit each method on every training
//! window, forecast `h` steps, and score the forecasts against what followed — the table a user
//! reads to choose a method.

use super::accuracy::seasonal_scale;
use super::prediction::{Interval, Method, Prediction};
use super::ForecastError;
use crate::limits::{self, MAX_COUNT, MAX_HORIZON, MAX_SEASON};

/// Where the origins fall: the last `windows` origins, `step` apart, each followed by `h` points.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RollingOrigin {
    /// Steps forecast from each origin.
    pub h: usize,
    /// Training windows (origins).
    pub windows: usize,
    /// Points between successive origins.
    pub step: usize,
    /// Season length for the MASE and MSIS scale (the in-sample seasonal naive error); 0 or 1
    /// for no season (the lag-1 naive error).
    pub period: usize,
    /// Interval level scored (0.95 for 95%).
    pub level: f64,
    /// Seed for methods whose intervals are simulated.
    pub seed: u64,
}

/// One method's cross-validated accuracy, averaged over windows.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Score {
    /// Mean absolute scaled error (scale: the training window's in-sample seasonal naive MAE).
    pub mase: f64,
    /// Symmetric MAPE in percent (0–200).
    pub smape: f64,
    /// Share of actuals inside the intervals.
    pub coverage: f64,
    /// Mean scaled interval score (MSIS, the M4 competition's): the Winkler score divided by the
    /// same scale as MASE. Lower is better.
    pub msis: f64,
    /// Windows scored.
    pub windows: usize,
}

/// One row of the cross-validation table.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodScore {
    /// The method's name.
    pub method: String,
    /// Its score, or the first error it met at an origin.
    pub score: Result<Score, ForecastError>,
}

/// The scale of MASE and MSIS in cross-validation: the mean absolute seasonal difference of the
/// training window, which [`cross_validate`] makes longer than a season; `None` for a flat
/// window.
fn naive_scale(train: &[f64], period: usize) -> Option<f64> {
    seasonal_scale(train, season_lag(period))
}

/// The lag of the seasonal naive scale: the period, or 1 for no season (a period of 0 or 1).
fn season_lag(period: usize) -> usize {
    period.max(1)
}

/// The interval at `level` of a prediction for `h` steps, once the prediction is checked: a
/// [`Method`] may be the caller's own, so its shape and figures are not taken on trust (an
/// index past a short prediction would panic, a NaN would pass for an overflow). Forecasts
/// or bounds of other than `h` steps are [`ForecastError::Lengths`]; no interval at `level`
/// [`ForecastError::Level`]; a NaN or infinite figure [`ForecastError::NonFinite`] with its index
/// among the forecasts, then the lower bounds, then the upper (as [`accuracy`](super::accuracy)
/// counts); a lower bound above its upper [`ForecastError::ReversedInterval`].
fn checked_interval(p: &Prediction, h: usize, level: f64) -> Result<&Interval, ForecastError> {
    let interval = p.interval(level).ok_or(ForecastError::Level(level))?;
    for (what, values) in [("forecasts", &p.mean), ("lower bounds", &interval.lower), ("upper bounds", &interval.upper)]
    {
        if values.len() != h {
            return Err(ForecastError::Lengths { what, expected: h, got: values.len() });
        }
    }
    if let Some(i) = p.mean.iter().chain(&interval.lower).chain(&interval.upper).position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    if let Some(k) = interval.lower.iter().zip(&interval.upper).position(|(l, u)| l > u) {
        return Err(ForecastError::ReversedInterval(k));
    }
    Ok(interval)
}

/// Per-window metrics: (MASE, sMAPE, inside count, MSIS).
pub(super) fn window_metrics(
    actual: &[f64],
    p: &Prediction,
    level: f64,
    scale: f64,
) -> Result<(f64, f64, usize, f64), ForecastError> {
    let interval = checked_interval(p, actual.len(), level)?;
    let n = actual.len() as f64;
    let (mut abs, mut smape, mut inside, mut winkler) = (0.0, 0.0, 0usize, 0.0);
    for (k, a) in actual.iter().enumerate() {
        let f = p.mean[k];
        abs += (f - a).abs();
        let denom = f.abs() + a.abs();
        smape += if denom == 0.0 { 0.0 } else { 200.0 * (f - a).abs() / denom };
        let (l, u) = (interval.lower[k], interval.upper[k]);
        let alpha = 1.0 - level;
        winkler += (u - l)
            + if *a < l {
                2.0 / alpha * (l - a)
            } else if *a > u {
                2.0 / alpha * (a - u)
            } else {
                inside += 1;
                0.0
            };
    }
    let out = (abs / n / scale, smape / n, inside, winkler / n / scale);
    if !(out.0.is_finite() && out.1.is_finite() && out.3.is_finite()) {
        return Err(ForecastError::Overflow("cross-validation metrics"));
    }
    Ok(out)
}

/// Cross-validate each method on `y` over a rolling origin.
///
/// ```
/// use revops::forecast::{cross_validate, AutoEts, Baseline, Method, RollingOrigin, Theta, ThetaKind};
/// let y: Vec<f64> = (0..72).map(|t| 100.0 + 2.0 * t as f64 + 8.0 * ((t % 12) as f64 - 5.5).abs()).collect();
/// let cv = RollingOrigin { h: 6, windows: 3, step: 6, period: 12, level: 0.95, seed: 1 };
/// let methods: [&dyn Method; 3] =
///     [&AutoEts::new(12), &Theta { kind: ThetaKind::Standard, period: 12 }, &Baseline::SeasonalNaive { period: 12 }];
/// let table = cross_validate(&y, &methods, &cv)?;
/// for row in &table {
///     let s = row.score.as_ref().unwrap();
///     println!("{:<8} MASE {:.3}  sMAPE {:.2}%  coverage {:.0}%  MSIS {:.2}", row.method, s.mase, s.smape, 100.0 * s.coverage, s.msis);
/// }
/// assert_eq!(table.len(), 3);
/// // more windows than the series holds
/// assert!(cross_validate(&y, &methods, &RollingOrigin { windows: 100, ..cv }).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::ZeroCount`] for a horizon, windows or step of 0; [`ForecastError::Limit`]
/// for a horizon above [`MAX_HORIZON`](crate::limits::MAX_HORIZON), windows above
/// [`MAX_COUNT`](crate::limits::MAX_COUNT) or a period above
/// [`MAX_SEASON`](crate::limits::MAX_SEASON); [`ForecastError::Level`];
/// [`ForecastError::NonFinite`] for a NaN or infinite value; [`ForecastError::ShortSeries`]
/// when the first window would hold fewer than 4 points, or no more than `period` (it would have
/// no seasonal naive error to scale by). A method that fails at an origin gets
/// that error in its row; the others are still scored. So does a method whose prediction is
/// not what was asked for: [`ForecastError::Lengths`] for forecasts or bounds of other than `h`
/// steps, [`ForecastError::Level`] without an interval at `level`,
/// [`ForecastError::NonFinite`] for a NaN or infinite forecast or bound (indexed among the
/// forecasts, then the lower bounds, then the upper), [`ForecastError::ReversedInterval`] for a
/// lower bound above its upper. A window whose training data are flat
/// (no scale for MASE) is skipped; when all are, each row holds
/// [`ForecastError::FlatWindows`].
pub fn cross_validate(
    y: &[f64],
    methods: &[&dyn Method],
    cv: &RollingOrigin,
) -> Result<Vec<MethodScore>, ForecastError> {
    for (what, v) in [("forecast horizon", cv.h), ("cross-validation windows", cv.windows), ("origin step", cv.step)] {
        if v == 0 {
            return Err(ForecastError::ZeroCount(what));
        }
    }
    limits::check("forecast horizon", cv.h, MAX_HORIZON)?;
    limits::check("cross-validation windows", cv.windows, MAX_COUNT)?;
    limits::check("seasonal period", cv.period, MAX_SEASON)?;
    if !(cv.level > 0.0 && cv.level < 1.0) {
        return Err(ForecastError::Level(cv.level));
    }
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    // the first origin, n − h − (windows − 1) × step, holds at least 4 points and more than a
    // season: a shorter window has no seasonal naive error to scale by (scaling it by its lag-1
    // error instead would average windows in different units)
    let least = (season_lag(cv.period) + 1).max(4);
    let span = (cv.windows as u128 - 1) * cv.step as u128 + cv.h as u128 + least as u128;
    if span > y.len() as u128 {
        return Err(ForecastError::ShortSeries { needed: usize::try_from(span).unwrap_or(usize::MAX), got: y.len() });
    }
    let first = y.len() - cv.h - (cv.windows - 1) * cv.step;
    Ok(methods
        .iter()
        .map(|method| MethodScore { method: method.name(), score: score(y, *method, cv, first) })
        .collect())
}

fn score(y: &[f64], method: &dyn Method, cv: &RollingOrigin, first: usize) -> Result<Score, ForecastError> {
    let (mut mase, mut smape, mut inside, mut msis, mut windows) = (0.0, 0.0, 0usize, 0.0, 0usize);
    for w in 0..cv.windows {
        let origin = first + w * cv.step;
        let (train, test) = (&y[..origin], &y[origin..origin + cv.h]);
        let Some(scale) = naive_scale(train, cv.period) else { continue };
        let p = method.fit_series(train)?.predict_with(cv.h, &[cv.level], cv.seed)?;
        let (a, b, c, d) = window_metrics(test, &p, cv.level, scale)?;
        mase += a;
        smape += b;
        inside += c;
        msis += d;
        windows += 1;
    }
    if windows == 0 {
        // every window was skipped for want of a scale (each holds more than a season, so each
        // has a seasonal difference at least)
        return Err(ForecastError::FlatWindows(cv.windows));
    }
    let n = windows as f64;
    Ok(Score { mase: mase / n, smape: smape / n, coverage: inside as f64 / (n * cv.h as f64), msis: msis / n, windows })
}
