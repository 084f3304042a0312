//! How far a forecast of a rescaled series is from the rescaled forecast, shared by the
//! forecasting tests (included with `#[path]`).

use revops::forecast::Prediction;

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
