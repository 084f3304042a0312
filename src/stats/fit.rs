//! Numerics shared by the engines. Kept small and crate-private where possible; distributions
//! and special functions come from `statrs`.

use super::logistic::StatsError;
use crate::limits;

/// Ordinary least squares `y = intercept + slope × x`. `None` with fewer than two points, a
/// constant `x`, or a non-finite input.
pub(crate) fn linear_fit(xs: &[f64], ys: &[f64]) -> Option<(f64, f64)> {
    if xs.len() != ys.len() || xs.len() < 2 || xs.iter().chain(ys).any(|v| !v.is_finite()) {
        return None;
    }
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

/// Akaike's information criterion with Hurvich and Tsai's small-sample correction,
/// `−2 ln L + 2k + 2k(k + 1) ÷ (n − k − 1)`, for a model of `k` estimated parameters fitted to
/// `n` observations: +∞ where `n ≤ k + 1` (too few observations for the correction), and
/// ∓∞ for a log-likelihood of ±∞. ETS and ARIMA models report theirs this way (as R's
/// `forecast` and statsforecast do), so that AutoETS and AutoARIMA compare like with like.
///
/// ```
/// // log L = −100 with 3 parameters on 50 points: 200 + 6 + 24 ÷ 46
/// let aicc = revops::stats::aicc(-100.0, 3, 50);
/// assert!((aicc - (206.0 + 24.0 / 46.0)).abs() < 1e-12);
/// assert_eq!(revops::stats::aicc(-100.0, 3, 4), f64::INFINITY);
/// ```
pub fn aicc(log_likelihood: f64, k: usize, n: usize) -> f64 {
    let (k, n) = (k as f64, n as f64);
    if n - k - 1.0 <= 0.0 {
        return f64::INFINITY;
    }
    -2.0 * log_likelihood + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_line() {
        let xs = [0.0, 1.0, 2.0, 3.0];
        let ys: Vec<f64> = xs.iter().map(|x| 2.0 + 0.5 * x).collect();
        let (a, b) = linear_fit(&xs, &ys).unwrap();
        assert!((a - 2.0).abs() < 1e-12 && (b - 0.5).abs() < 1e-12);
        assert!(linear_fit(&[1.0, 1.0], &[1.0, 2.0]).is_none());
        assert!(linear_fit(&[1.0], &[1.0]).is_none());
        assert!(linear_fit(&[0.0, f64::NAN], &[1.0, 2.0]).is_none());
    }
}

/// An ordinary-least-squares fit with the slope's standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ols {
    /// Intercept.
    pub intercept: f64,
    /// Slope.
    pub slope: f64,
    /// Standard error of the slope.
    pub slope_se: f64,
    /// Observations.
    pub n: usize,
}

/// OLS with the slope's standard error; `None` with fewer than three points or a constant `x`.
pub fn ols(xs: &[f64], ys: &[f64]) -> Option<Ols> {
    let (intercept, slope) = linear_fit(xs, ys)?;
    let n = xs.len();
    if n < 3 {
        return None;
    }
    let (mx, my) = (xs.iter().sum::<f64>() / n as f64, ys.iter().sum::<f64>() / n as f64);
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    // residuals about the means, not the intercept: with x far from 0 (years as 1e9 + 1947) the
    // intercept is huge, and y − intercept − slope·x cancels away the residual's digits
    let sse: f64 = xs.iter().zip(ys).map(|(x, y)| ((y - my) - slope * (x - mx)).powi(2)).sum();
    Some(Ols { intercept, slope, slope_se: (sse / (n - 2) as f64 / sxx).sqrt(), n })
}

/// Column means and standard deviations of row-major `rows` with `p` columns, for
/// standardising features; a constant column gets scale 1 so it stays at 0 (and when its values
/// are all equal, its mean is that value). A column counts as constant when its values are all
/// equal, or when its variance is within the rounding error of computing it (n·ε·var +
/// (n·|mean|·ε)², scikit-learn's `StandardScaler` rule): `[0.1, 0.1, 0.1]` averages to
/// 0.10000000000000002 in `f64`, and its variance of 1.9e-34 is rounding, not spread.
///
/// ```
/// use revops::stats::standardisation;
/// let (means, scales) = standardisation(&[1.0, 10.0, 3.0, 10.0], 2)?;
/// assert_eq!((means, scales), (vec![2.0, 10.0], vec![1.0, 1.0]));
/// assert!(standardisation(&[1.0, 2.0, 3.0], 2).is_err()); // not whole rows
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// [`StatsError::Limit`] for more than [`MAX_FEATURES`](super::MAX_FEATURES) columns;
/// [`StatsError::Shape`] unless `rows` holds whole rows of `p` values (and none when `p` is 0);
/// [`StatsError::NonFinite`] for a NaN or infinite value, or columns whose variance overflows.
pub fn standardisation(rows: &[f64], p: usize) -> Result<(Vec<f64>, Vec<f64>), StatsError> {
    limits::check("features", p, super::MAX_FEATURES)?; // p sizes the means and scales
    super::logistic::check_whole_rows(rows, p)?;
    if !super::logistic::all_finite(rows) {
        return Err(StatsError::NonFinite("features"));
    }
    let n = (rows.len() / p.max(1)).max(1) as f64;
    let mut means: Vec<f64> = (0..p).map(|j| rows.iter().skip(j).step_by(p).sum::<f64>() / n).collect();
    if means.iter().any(|m| !m.is_finite()) {
        return Err(StatsError::NonFinite("feature means"));
    }
    let variances: Vec<f64> =
        (0..p).map(|j| rows.iter().skip(j).step_by(p).map(|v| (v - means[j]).powi(2)).sum::<f64>() / n).collect();
    if variances.iter().any(|v| !v.is_finite()) {
        return Err(StatsError::NonFinite("feature variances"));
    }
    let n_eps = n * f64::EPSILON;
    let mut scales = Vec::with_capacity(p);
    for (j, &var) in variances.iter().enumerate() {
        let mut column = rows.iter().skip(j).step_by(p);
        let first = column.next().copied().unwrap_or(0.0);
        if column.all(|v| *v == first) {
            means[j] = first;
        }
        let rounding = n_eps * var + (n_eps * means[j].abs()).powi(2);
        scales.push(if var > rounding { var.sqrt() } else { 1.0 });
    }
    Ok((means, scales))
}

/// Standardised rows split deterministically: every `every`-th row (0, every, 2·every, …) is held
/// out for calibration and metrics, the rest is for training.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HoldoutSplit {
    /// Training rows, standardised, row-major.
    pub train_x: Vec<f64>,
    /// Training labels.
    pub train_y: Vec<bool>,
    /// Held-out rows, standardised, row-major.
    pub hold_x: Vec<f64>,
    /// Held-out labels.
    pub hold_y: Vec<bool>,
}

/// Standardise `rows` (`p` columns) with `means` and `scales` and split them for a holdout.
///
/// ```
/// use revops::stats::holdout_split;
/// let rows = [1.0, 2.0, 3.0, 4.0];
/// let split = holdout_split(&rows, 1, &[true, false, true, false], 2, &[2.5], &[1.0])?;
/// assert_eq!((split.hold_x, split.train_x), (vec![-1.5, 0.5], vec![-0.5, 1.5])); // rows 0 and 2 held out
/// assert!(holdout_split(&rows, 2, &[true, false, true], 2, &[0.0, 0.0], &[1.0, 1.0]).is_err());
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// [`StatsError::InvalidSpec`] for `every` below 2 (0 held nothing out and 1 everything);
/// [`StatsError::Shape`] unless `rows` holds `labels.len() × p` values and `means` and `scales`
/// one per column; [`StatsError::InvalidModel`] for a scale that is not finite and positive.
/// (Nothing is sized by `p` alone: the shape check bounds it by the caller's slices.)
pub fn holdout_split(
    rows: &[f64],
    p: usize,
    labels: &[bool],
    every: usize,
    means: &[f64],
    scales: &[f64],
) -> Result<HoldoutSplit, StatsError> {
    if every < 2 {
        return Err(StatsError::InvalidSpec("every must be at least 2: hold out one row in every, train on the rest"));
    }
    super::logistic::check_rows("rows", rows, labels.len(), p)?;
    if means.len() != p {
        return Err(StatsError::Shape { what: "means", expected: p, got: means.len() });
    }
    if scales.len() != p {
        return Err(StatsError::Shape { what: "scales", expected: p, got: scales.len() });
    }
    if scales.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
        return Err(StatsError::InvalidModel("scales must be finite and positive"));
    }
    let mut split = HoldoutSplit::default();
    for (i, &y) in labels.iter().enumerate() {
        // whole rows of p values, one per label (checked above: i × p cannot overflow)
        let row = rows.get(i * p..(i + 1) * p).unwrap_or_default();
        let z = row.iter().zip(means).zip(scales).map(|((v, m), s)| (v - m) / s);
        if i % every == 0 {
            split.hold_x.extend(z);
            split.hold_y.push(y);
        } else {
            split.train_x.extend(z);
            split.train_y.push(y);
        }
    }
    Ok(split)
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn holdout_split_checks_the_shape_before_indexing() {
        // two labels, but one value for two features: rows[i * p + j] ran off the end
        let r = holdout_split(&[1.0], 2, &[true, false], 2, &[0.0, 0.0], &[1.0, 1.0]);
        assert!(matches!(r, Err(StatsError::Shape { what: "rows", expected: 4, got: 1 })), "{r:?}");
        let short_means = holdout_split(&[1.0, 2.0], 2, &[true], 2, &[0.0], &[1.0, 1.0]);
        assert!(matches!(short_means, Err(StatsError::Shape { what: "means", .. })), "{short_means:?}");
        let zero_scale = holdout_split(&[1.0, 2.0], 2, &[true], 2, &[0.0, 0.0], &[1.0, 0.0]);
        assert!(matches!(zero_scale, Err(StatsError::InvalidModel(_))), "{zero_scale:?}");
        // an empty feature list: no values, as many (empty) rows as labels
        let none = holdout_split(&[], 0, &[true, false], 2, &[], &[]).unwrap();
        assert_eq!((none.hold_y.len(), none.train_y.len()), (1, 1));
        // a holdout of every 0th row meant every row; of every 1st, nothing left to train on
        for every in [0, 1] {
            let r = holdout_split(&[1.0, 2.0], 1, &[true, false], every, &[0.0], &[1.0]);
            assert!(matches!(r, Err(StatsError::InvalidSpec(_))), "{r:?}");
        }
    }

    #[test]
    fn standardisation_refuses_rows_that_do_not_fill_their_columns() {
        // three values in two columns: the extra value was folded into column 0's mean
        let r = standardisation(&[1.0, 2.0, 3.0], 2);
        assert!(matches!(r, Err(StatsError::Shape { expected: 4, got: 3, .. })), "{r:?}");
        assert!(standardisation(&[1.0], 0).is_err());
        assert!(matches!(standardisation(&[1.0, f64::NAN], 1), Err(StatsError::NonFinite(_))));
        assert!(matches!(standardisation(&[f64::MAX, -f64::MAX], 1), Err(StatsError::NonFinite(_))));
    }
}
