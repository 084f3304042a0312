//! Numerics shared by the engines. Kept small and crate-private where possible; distributions
//! and special functions come from `statrs`.

/// Ordinary least squares `y = intercept + slope × x`. `None` with fewer than two points, a
/// constant `x`, or a non-finite input.
pub fn linear_fit(xs: &[f64], ys: &[f64]) -> Option<(f64, f64)> {
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
    let mx = xs.iter().sum::<f64>() / n as f64;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let sse: f64 = xs.iter().zip(ys).map(|(x, y)| (y - intercept - slope * x).powi(2)).sum();
    Some(Ols { intercept, slope, slope_se: (sse / (n - 2) as f64 / sxx).sqrt(), n })
}

/// Column means and standard deviations of row-major `rows` with `p` columns, for
/// standardising features; a constant (or non-finite) column gets scale 1 so it stays at 0.
pub fn standardisation(rows: &[f64], p: usize) -> (Vec<f64>, Vec<f64>) {
    let n = (rows.len() / p.max(1)).max(1) as f64;
    let means: Vec<f64> = (0..p).map(|j| rows.iter().skip(j).step_by(p).sum::<f64>() / n).collect();
    let scales = (0..p)
        .map(|j| {
            let var = rows.iter().skip(j).step_by(p).map(|v| (v - means[j]).powi(2)).sum::<f64>() / n;
            if var > 0.0 && var.is_finite() {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    (means, scales)
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
pub fn holdout_split(
    rows: &[f64],
    p: usize,
    labels: &[bool],
    every: usize,
    means: &[f64],
    scales: &[f64],
) -> HoldoutSplit {
    let mut split = HoldoutSplit::default();
    for (i, &y) in labels.iter().enumerate() {
        let z = (0..p).map(|j| (rows[i * p + j] - means[j]) / scales[j]);
        if i % every.max(1) == 0 {
            split.hold_x.extend(z);
            split.hold_y.push(y);
        } else {
            split.train_x.extend(z);
            split.train_y.push(y);
        }
    }
    split
}
