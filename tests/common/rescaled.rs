//! How far a forecast of a rescaled series is from the rescaled forecast, shared by the
//! forecasting tests (included with `#[path]`).

use revops::forecast::{ForecastError, Prediction};

/// The largest distance of `p` (a forecast of the series × `c`) from `c` × `base` (the forecast
/// of the series), over the point forecasts and the first interval's bounds, relative to the
/// rescaled figure or to `c`, whichever is larger (a figure near zero is compared in the
/// series' units).
pub fn rescaled_gap(p: &Prediction, base: &Prediction, c: f64) -> f64 {
    let (i, j) = (&p.intervals[0], &base.intervals[0]);
    p.mean
        .iter()
        .zip(&base.mean)
        .chain(i.lower.iter().zip(&j.lower))
        .chain(i.upper.iter().zip(&j.upper))
        .map(|(got, want)| (got - want * c).abs() / (want * c).abs().max(c))
        .fold(0.0, f64::max)
}

/// `(c, gap)` for each of `scales`: the [`rescaled_gap`] of `forecast` of `y` × `c` from `forecast`
/// of `y`. The error of `forecast` on `y` itself; a forecast that fails on a rescaled series
/// (where it succeeded on `y`) panics.
pub fn gaps_at_scales(
    y: &[f64],
    scales: &[f64],
    forecast: impl Fn(&[f64]) -> Result<Prediction, ForecastError>,
) -> Result<Vec<(f64, f64)>, ForecastError> {
    let base = forecast(y)?;
    Ok(scales
        .iter()
        .map(|&c| {
            let scaled: Vec<f64> = y.iter().map(|v| v * c).collect();
            let p = forecast(&scaled).unwrap_or_else(|e| panic!("at scale {c}: {e}"));
            (c, rescaled_gap(&p, &base, c))
        })
        .collect())
}
