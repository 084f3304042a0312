//! L2-regularised logistic regression, with per-feature contributions in log-odds for
//! explanations. Small problems are fitted by Newton's method (IRLS); larger ones (eight features
//! or more and at least 64 rows of the rarer class a coefficient) by a staged fit: a fit of a 1-in-16 subsample
//! (itself staged when it is large enough), then quasi-Newton
//! passes over all rows that start from the subsample's Hessian (see the kernel,
//! `logistic_kernel.rs`). Both reach the same optimum to the tolerance.

use super::logistic_kernel as kernel;
use crate::limits::{self, LimitExceeded};

/// The most features a logistic fit takes: Newton's method holds a `(p + 1)²` matrix and does
/// `n × p²` work an iteration.
pub const MAX_FEATURES: usize = 1_000;

/// The most iterations a [`LogisticSpec`] may ask for (it converges in tens).
pub const MAX_ITERATIONS: usize = 10_000;

/// Why a statistical fit was refused or failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// Fewer rows than the model can learn from.
    #[error("need at least {needed} observations, got {got}")]
    TooFewObservations {
        /// Minimum.
        needed: usize,
        /// Given.
        got: usize,
    },
    /// Every label the same: there is nothing to separate.
    #[error("all {0} labels are the same; a classifier needs both outcomes")]
    OneClass(usize),
    /// A NaN or infinite input.
    #[error("non-finite value in {0}")]
    NonFinite(&'static str),
    /// A prediction that is not a probability: outside `[0, 1]`.
    #[error("prediction {value} at row {row} is not a probability in [0, 1]")]
    NotProbability {
        /// The row.
        row: usize,
        /// The value given.
        value: f64,
    },
    /// Inputs whose shapes disagree: `what` should have `expected` values and has `got`.
    #[error("shape mismatch: {what} should have {expected} values, got {got}")]
    Shape {
        /// Which input.
        what: &'static str,
        /// Values expected (saturated at `usize::MAX` when the shape itself overflows).
        expected: usize,
        /// Values given.
        got: usize,
    },
    /// Fit settings that cannot work (a tolerance that is not finite and positive).
    #[error("invalid fit settings: {0}")]
    InvalidSpec(&'static str),
    /// A fitted model whose parts disagree or are not finite (built by hand or read from JSON).
    #[error("invalid model: {0}")]
    InvalidModel(&'static str),
    /// A count (features, iterations, bins) above its documented limit.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    /// The Newton system was singular (a constant or duplicated feature without regularisation).
    #[error("the information matrix is singular at iteration {0}; add L2 regularisation or drop constant/duplicate features")]
    Singular(usize),
    /// The fit did not converge.
    #[error("did not converge in {0} iterations")]
    NoConvergence(usize),
}

/// How to fit a logistic regression.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LogisticSpec {
    /// L2 penalty on the coefficients (not the intercept); `λ/2 · ‖β‖²` is added to the loss.
    pub l2: f64,
    /// Iterations allowed: Newton iterations, or for the staged fit of a large problem, passes
    /// over the data.
    pub max_iterations: usize,
    /// Stop when the largest coefficient step is below this (for the staged fit, whose steps
    /// shrink geometrically near the optimum, when the next step is predicted below it).
    pub tolerance: f64,
}

impl Default for LogisticSpec {
    /// `l2 = 1.0`, 50 iterations, tolerance 1e-8.
    fn default() -> Self {
        LogisticSpec { l2: 1.0, max_iterations: 50, tolerance: 1e-8 }
    }
}

/// A fitted logistic model: plain, serialisable parameters, finite by construction (JSON too).
///
/// ```
/// use revops::stats::LogisticModel;
/// let m = LogisticModel::new(-1.0, vec![0.5, 2.0])?;
/// assert_eq!(m.log_odds(&[2.0, 0.0])?, 0.0);
/// assert!(LogisticModel::new(f64::NAN, vec![]).is_err());
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "LogisticModelRepr"))]
pub struct LogisticModel {
    intercept: f64,
    coefficients: Vec<f64>,
}

deserialize_via!(LogisticModel, LogisticModelRepr { intercept: f64, coefficients: Vec<f64> }, StatsError, |r| {
    LogisticModel::new(r.intercept, r.coefficients)
});

/// A model with its fit diagnostics.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LogisticFit {
    /// The model.
    pub model: LogisticModel,
    /// Iterations used: Newton iterations, or for the staged fit, passes over all rows.
    pub iterations: usize,
    /// Log-likelihood of the training data (without the penalty).
    pub log_likelihood: f64,
}

#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Whether every value is finite. No early exit, so the loop vectorises: `v · 0` is ±0 for a
/// finite `v` and NaN for ±∞ or NaN, and a sum of zeros stays 0. On a design of millions of
/// values this is a third of the time `iter().any(|v| !v.is_finite())` takes (which reads one
/// value a step), and the check comes before every fit.
pub(crate) fn all_finite(values: &[f64]) -> bool {
    let mut chunks = values.chunks_exact(8);
    let mut lanes = [0.0f64; 8];
    for chunk in &mut chunks {
        for (lane, v) in lanes.iter_mut().zip(chunk) {
            *lane += v * 0.0;
        }
    }
    lanes.iter().all(|&l| l == 0.0) && chunks.remainder().iter().all(|v| v.is_finite())
}

/// `rows.len()` when it is `labels × columns` (row-major), else the shape error for `what`.
pub(crate) fn check_rows(what: &'static str, rows: &[f64], labels: usize, columns: usize) -> Result<(), StatsError> {
    let expected = labels.checked_mul(columns);
    if expected != Some(rows.len()) {
        return Err(StatsError::Shape { what, expected: expected.unwrap_or(usize::MAX), got: rows.len() });
    }
    Ok(())
}

/// `rows` as whole rows of `columns` values each (with no columns, only no values), else the
/// shape error naming the next whole number of values.
pub(crate) fn check_whole_rows(rows: &[f64], columns: usize) -> Result<(), StatsError> {
    if rows.len().is_multiple_of(columns) {
        return Ok(());
    }
    let expected = if columns == 0 { 0 } else { rows.len().div_ceil(columns).saturating_mul(columns) };
    Err(StatsError::Shape { what: "rows", expected, got: rows.len() })
}

impl LogisticSpec {
    /// Fit on `rows` (row-major, `labels.len()` rows of `features` values each).
    ///
    /// ```
    /// use revops::stats::LogisticSpec;
    /// let rows = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    /// let labels = [false, false, true, false, true, true];
    /// let fit = LogisticSpec::default().fit(&rows, 1, &labels)?;
    /// assert!(fit.model.coefficients()[0] > 0.0);
    /// assert!(LogisticSpec::default().fit(&rows, 2, &labels).is_err()); // 6 values are not 6 rows of 2
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Limit`] for more than [`MAX_FEATURES`] features or more than
    /// [`MAX_ITERATIONS`] iterations; [`StatsError::InvalidSpec`] for a tolerance that is not
    /// finite and positive; [`StatsError::Shape`] unless `rows` holds `labels.len() × features`
    /// values; [`StatsError::TooFewObservations`], [`StatsError::NonFinite`],
    /// [`StatsError::OneClass`], [`StatsError::Singular`] and [`StatsError::NoConvergence`].
    pub fn fit(&self, rows: &[f64], features: usize, labels: &[bool]) -> Result<LogisticFit, StatsError> {
        limits::check("logistic features", features, MAX_FEATURES)?;
        limits::check("Newton iterations", self.max_iterations, MAX_ITERATIONS)?;
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(StatsError::InvalidSpec("the tolerance must be finite and positive"));
        }
        let n = labels.len();
        check_rows("rows", rows, n, features)?;
        if n < 2 {
            return Err(StatsError::TooFewObservations { needed: 2, got: n });
        }
        if !all_finite(rows) {
            return Err(StatsError::NonFinite("features"));
        }
        if !self.l2.is_finite() || self.l2 < 0.0 {
            return Err(StatsError::NonFinite("l2 penalty"));
        }
        let positives = labels.iter().filter(|&&y| y).count();
        if positives == 0 || positives == n {
            return Err(StatsError::OneClass(n));
        }
        let mut start = vec![0.0; features + 1]; // intercept first, at the base rate's log-odds
        start[0] = (positives as f64 / (n - positives) as f64).ln();
        let problem = kernel::Problem { rows, labels, features, l2: self.l2 };
        let solution = if kernel::staged_worthwhile(features, positives.min(n - positives)) {
            kernel::staged(&problem, start, self.tolerance, self.max_iterations)?
        } else {
            kernel::newton(&problem, start, self.tolerance, self.max_iterations)?
        };
        let iterations = solution.iterations;
        let (intercept, coefficients) = solution.beta.split_first().ok_or(StatsError::NoConvergence(iterations))?;
        let model =
            LogisticModel::new(*intercept, coefficients.to_vec()).map_err(|_| StatsError::NoConvergence(iterations))?;
        Ok(LogisticFit { model, iterations, log_likelihood: solution.log_likelihood })
    }
}

impl LogisticModel {
    /// A model from its intercept and one coefficient per feature.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidModel`] when a parameter is NaN or infinite;
    /// [`StatsError::Limit`] for more than [`MAX_FEATURES`] coefficients.
    pub fn new(intercept: f64, coefficients: Vec<f64>) -> Result<LogisticModel, StatsError> {
        limits::check("logistic features", coefficients.len(), MAX_FEATURES)?;
        if !intercept.is_finite() || coefficients.iter().any(|c| !c.is_finite()) {
            return Err(StatsError::InvalidModel("logistic parameters must be finite"));
        }
        Ok(LogisticModel { intercept, coefficients })
    }

    /// Intercept (log-odds when every feature is zero).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// One coefficient per feature, in log-odds per unit.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// The row-length check every scoring function makes: one value a coefficient.
    fn check_row(&self, x: &[f64]) -> Result<(), StatsError> {
        if x.len() == self.coefficients.len() {
            Ok(())
        } else {
            Err(StatsError::Shape { what: "row", expected: self.coefficients.len(), got: x.len() })
        }
    }

    /// Log-odds for one row. A NaN value gives NaN log-odds (never a plausible-looking figure).
    ///
    /// ```
    /// use revops::stats::LogisticModel;
    /// let model = LogisticModel::new(-1.0, vec![0.5, 2.0])?;
    /// assert_eq!(model.log_odds(&[2.0, 0.25])?, 0.5); // −1 + 0.5 × 2 + 2 × 0.25
    /// assert!(model.log_odds(&[2.0]).is_err()); // a value short
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless `x` holds one value a coefficient.
    #[inline]
    pub fn log_odds(&self, x: &[f64]) -> Result<f64, StatsError> {
        self.check_row(x)?;
        Ok(self.log_odds_unchecked(x))
    }

    /// [`LogisticModel::log_odds`] of a row already checked to have one value a coefficient.
    #[inline]
    fn log_odds_unchecked(&self, x: &[f64]) -> f64 {
        self.intercept + x.iter().zip(&self.coefficients).map(|(a, b)| a * b).sum::<f64>()
    }

    /// Probability for one row.
    ///
    /// ```
    /// use revops::stats::LogisticModel;
    /// let model = LogisticModel::new(0.0, vec![1.0])?;
    /// assert_eq!(model.probability(&[0.0])?, 0.5);
    /// assert!(model.probability(&[0.0, 1.0]).is_err()); // a value too many
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless `x` holds one value a coefficient.
    #[inline]
    pub fn probability(&self, x: &[f64]) -> Result<f64, StatsError> {
        self.log_odds(x).map(sigmoid)
    }

    /// Each feature's contribution to the log-odds (`βⱼ xⱼ`); with the intercept they sum to the
    /// log-odds.
    ///
    /// ```
    /// use revops::stats::LogisticModel;
    /// let model = LogisticModel::new(-1.0, vec![0.5, 2.0])?;
    /// let x = [2.0, 0.25];
    /// let parts = model.contributions(&x)?;
    /// assert_eq!(parts, vec![1.0, 0.5]);
    /// // with the intercept they make the log-odds
    /// assert_eq!(model.intercept() + parts.iter().sum::<f64>(), model.log_odds(&x)?);
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless `x` holds one value a coefficient.
    pub fn contributions(&self, x: &[f64]) -> Result<Vec<f64>, StatsError> {
        self.check_row(x)?;
        Ok(x.iter().zip(&self.coefficients).map(|(a, b)| a * b).collect())
    }

    /// Probabilities for many rows (row-major) into `out`, replacing what it held.
    ///
    /// ```
    /// use revops::stats::LogisticModel;
    /// let model = LogisticModel::new(0.0, vec![1.0, -1.0])?;
    /// let rows = [0.0, 0.0, 2.0, 2.0, 3.0, 1.0]; // three rows of two features, row-major
    /// let mut out = Vec::new(); // reused between batches: no allocation once it is large enough
    /// model.probabilities_into(&rows, &mut out)?;
    /// assert_eq!(out.len(), 3);
    /// assert_eq!((out[0], out[1]), (0.5, 0.5));
    /// assert!((out[2] - 1.0 / (1.0 + (-2.0f64).exp())).abs() < 1e-15);
    /// assert!(model.probabilities_into(&rows[..5], &mut out).is_err()); // half a row at the end
    /// assert_eq!(out.len(), 3); // and `out` is as it was
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless `rows` is whole rows of one value a coefficient (for a model
    /// without coefficients, only the empty batch); `out` is then left as it was.
    pub fn probabilities_into(&self, rows: &[f64], out: &mut Vec<f64>) -> Result<(), StatsError> {
        let p = self.coefficients.len();
        check_whole_rows(rows, p)?;
        out.clear();
        if p > 0 {
            out.extend(rows.chunks_exact(p).map(|x| sigmoid(self.log_odds_unchecked(x))));
        }
        Ok(())
    }

    /// Log-likelihood of labelled rows (row-major, one row a label).
    ///
    /// ```
    /// use revops::stats::LogisticModel;
    /// let model = LogisticModel::new(0.0, vec![1.0])?;
    /// // two rows at log-odds 0: each label has probability ½
    /// let ll = model.log_likelihood(&[0.0, 0.0], &[true, false])?;
    /// assert!((ll - 2.0 * 0.5f64.ln()).abs() < 1e-15);
    /// assert!(model.log_likelihood(&[0.0, 0.0], &[true]).is_err()); // a row without a label
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless `rows` holds one row of one value a coefficient for each
    /// label.
    pub fn log_likelihood(&self, rows: &[f64], labels: &[bool]) -> Result<f64, StatsError> {
        let p = self.coefficients.len();
        check_rows("rows", rows, labels.len(), p)?;
        let row = |i: usize| rows.get(i * p..(i + 1) * p).unwrap_or_default();
        Ok(labels
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                let z = self.log_odds_unchecked(row(i));
                // log σ(z) = −log(1 + e^{−z}), computed stably
                let log1pexp = |t: f64| if t > 0.0 { t + (-t).exp().ln_1p() } else { t.exp().ln_1p() };
                if y {
                    -log1pexp(-z)
                } else {
                    -log1pexp(z)
                }
            })
            .sum())
    }
}

#[cfg(test)]
mod shape_tests {
    use super::*;

    #[test]
    fn a_feature_count_that_overflows_the_shape_is_refused() {
        // labels.len() × features overflowed
        assert!(matches!(LogisticSpec::default().fit(&[], usize::MAX, &[true, false]), Err(StatsError::Limit(_))));
        let wide = vec![1.0; 2 * (MAX_FEATURES + 1)];
        assert!(matches!(
            LogisticSpec::default().fit(&wide, MAX_FEATURES + 1, &[true, false]),
            Err(StatsError::Limit(_))
        ));
        let shape = LogisticSpec::default().fit(&[1.0, 2.0, 3.0], 2, &[true, false]);
        assert!(matches!(shape, Err(StatsError::Shape { expected: 4, got: 3, .. })), "{shape:?}");
    }

    #[test]
    fn settings_that_never_stop_are_refused() {
        let rows = [0.0, 1.0, 2.0, 3.0];
        let labels = [false, true, false, true];
        let forever = LogisticSpec { max_iterations: usize::MAX, ..LogisticSpec::default() };
        assert!(matches!(forever.fit(&rows, 1, &labels), Err(StatsError::Limit(_))));
        for tolerance in [0.0, -1.0, f64::NAN] {
            let never = LogisticSpec { tolerance, ..LogisticSpec::default() };
            assert!(matches!(never.fit(&rows, 1, &labels), Err(StatsError::InvalidSpec(_))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::all_finite;

    #[test]
    fn all_finite_finds_a_nan_or_infinity_anywhere() {
        for len in [0, 1, 7, 8, 9, 64, 67] {
            let values: Vec<f64> = (0..len).map(|i| i as f64 * 1e300 - 3.5).collect();
            assert!(all_finite(&values), "{len} finite values");
            for at in 0..len {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut v = values.clone();
                    v[at] = bad;
                    assert!(!all_finite(&v), "{bad} at {at} of {len}");
                }
            }
        }
        assert!(all_finite(&[f64::MAX, f64::MIN, -0.0, f64::MIN_POSITIVE / 2.0]));
    }
}
