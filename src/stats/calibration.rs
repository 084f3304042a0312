//! Turning scores into calibrated probabilities: Platt scaling and isotonic regression.

use super::logistic::{sigmoid, StatsError};

/// Platt scaling: `P = σ(a · score + b)`, fitted by logistic regression of Platt's smoothed
/// targets on scores. Both parameters are finite by construction (JSON too).
///
/// ```
/// use revops::stats::PlattCalibrator;
/// let c = PlattCalibrator::new(2.0, -1.0)?;
/// assert_eq!(c.calibrate(0.5)?, 0.5);
/// assert!(c.calibrate(f64::NAN).is_err());
/// assert!(PlattCalibrator::new(f64::INFINITY, 0.0).is_err());
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PlattRepr"))]
pub struct PlattCalibrator {
    a: f64,
    b: f64,
}

deserialize_via!(PlattCalibrator, PlattRepr { a: f64, b: f64 }, StatsError, |r| PlattCalibrator::new(r.a, r.b));

impl PlattCalibrator {
    /// The calibrator `σ(a · score + b)`.
    ///
    /// # Errors
    ///
    /// [`StatsError::InvalidModel`] when `a` or `b` is NaN or infinite.
    pub fn new(a: f64, b: f64) -> Result<PlattCalibrator, StatsError> {
        if !(a.is_finite() && b.is_finite()) {
            return Err(StatsError::InvalidModel("Platt slope and offset must be finite"));
        }
        Ok(PlattCalibrator { a, b })
    }

    /// Slope.
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Offset.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Fit on held-out `(score, label)` pairs by Platt's method: maximum likelihood against the
    /// smoothed targets `(n₊ + 1)/(n₊ + 2)` for positives and `1/(n₋ + 2)` for negatives (Platt
    /// 1999, §2.2), which keep the fit finite when the scores separate the labels; as
    /// scikit-learn's `CalibratedClassifierCV(method="sigmoid")`. Newton's method with a
    /// backtracking line search (Lin, Lin & Weng 2007), to a step below 1e-12; scores of
    /// magnitude 30 or more are scaled into range first and the slope scaled back. Constant
    /// scores get slope 0 and the smoothed base rate.
    ///
    /// ```
    /// use revops::stats::PlattCalibrator;
    /// // perfectly separated: the slope stays finite (scikit-learn: 0.994, 0)
    /// let c = PlattCalibrator::fit(&[-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], &[false, false, false, true, true, true])?;
    /// assert!((c.a() - 0.9942691).abs() < 1e-6 && c.b().abs() < 1e-9);
    /// assert!(PlattCalibrator::fit(&[0.1, 0.2], &[true, true]).is_err()); // one class
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] for scores and labels of different lengths;
    /// [`StatsError::TooFewObservations`] for fewer than two; [`StatsError::NonFinite`] for a
    /// NaN or infinite score; [`StatsError::OneClass`] when every label is the same;
    /// [`StatsError::NoConvergence`] if Newton's method has not converged in 100 iterations.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<PlattCalibrator, StatsError> {
        if scores.len() != labels.len() {
            return Err(StatsError::Shape { what: "labels", expected: scores.len(), got: labels.len() });
        }
        let n = scores.len();
        if n < 2 {
            return Err(StatsError::TooFewObservations { needed: 2, got: n });
        }
        if scores.iter().any(|s| !s.is_finite()) {
            return Err(StatsError::NonFinite("scores"));
        }
        let positives = labels.iter().filter(|&&y| y).count();
        if positives == 0 || positives == n {
            return Err(StatsError::OneClass(n));
        }
        let (n1, n0) = (positives as f64, (n - positives) as f64);
        let (hi, lo) = ((n1 + 1.0) / (n1 + 2.0), 1.0 / (n0 + 2.0));
        let target = |y: bool| if y { hi } else { lo };
        let biggest = scores.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        if scores.iter().all(|s| *s == scores[0]) {
            let mean = (n1 * hi + n0 * lo) / (n1 + n0);
            return PlattCalibrator::new(0.0, (mean / (1.0 - mean)).ln());
        }
        let scale = if biggest >= 30.0 { biggest } else { 1.0 };
        let f = |s: f64| s / scale;
        // loss = Σ t·softplus(−z) + (1 − t)·softplus(z), z = a f + b
        let softplus = |z: f64| if z > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() };
        let loss = |a: f64, b: f64| -> f64 {
            scores
                .iter()
                .zip(labels)
                .map(|(&s, &y)| {
                    let z = a * f(s) + b;
                    let t = target(y);
                    t * softplus(-z) + (1.0 - t) * softplus(z)
                })
                .sum()
        };
        let (mut a, mut b) = (0.0, ((n1 + 1.0) / (n0 + 1.0)).ln());
        let mut value = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
            for (&s, &y) in scores.iter().zip(labels) {
                let x = f(s);
                let p = sigmoid(a * x + b);
                let (r, w) = (p - target(y), p * (1.0 - p));
                ga += r * x;
                gb += r;
                haa += w * x * x;
                hab += w * x;
                hbb += w;
            }
            let det = haa * hbb - hab * hab;
            let (da, db) = (-(hbb * ga - hab * gb) / det, -(haa * gb - hab * ga) / det);
            if !(da.is_finite() && db.is_finite()) {
                break;
            }
            let slope = ga * da + gb * db;
            let mut step = 1.0;
            let mut accepted = None;
            while step >= 1e-10 {
                let (na, nb) = (a + step * da, b + step * db);
                let nv = loss(na, nb);
                if nv <= value + 1e-4 * step * slope {
                    accepted = Some((na, nb, nv));
                    break;
                }
                step /= 2.0;
            }
            let Some((na, nb, nv)) = accepted else { break }; // no descent left: at the optimum
            let moved = (na - a).abs().max((nb - b).abs());
            (a, b, value) = (na, nb, nv);
            if moved <= 1e-12 * (1.0 + a.abs().max(b.abs())) {
                return PlattCalibrator::new(a / scale, b);
            }
        }
        // stopped without a full step small enough: converged only if the gradient vanished
        let (mut ga, mut gb) = (0.0, 0.0);
        for (&s, &y) in scores.iter().zip(labels) {
            let r = sigmoid(a * f(s) + b) - target(y);
            ga += r * f(s);
            gb += r;
        }
        if ga.abs().max(gb.abs()) <= 1e-9 * n as f64 {
            return PlattCalibrator::new(a / scale, b);
        }
        Err(StatsError::NoConvergence(100))
    }

    /// The calibrated probability of a score (±∞ give 1 and 0 for a positive slope).
    ///
    /// # Errors
    ///
    /// [`StatsError::NonFinite`] for a NaN score.
    pub fn calibrate(&self, score: f64) -> Result<f64, StatsError> {
        if score.is_nan() {
            return Err(StatsError::NonFinite("score"));
        }
        Ok(self.value(score))
    }

    /// `σ(a · score + b)` without the NaN check (NaN in, NaN out), for hot loops whose callers
    /// document that.
    #[inline]
    pub(crate) fn value(&self, score: f64) -> f64 {
        // a flat calibration (slope 0, from scores that were all equal) ignores the score, ±∞
        // included: 0 × ∞ would be NaN
        if self.a == 0.0 {
            return sigmoid(self.b);
        }
        sigmoid(self.a * score + self.b)
    }
}

/// Isotonic regression by pool-adjacent-violators, as scikit-learn's
/// `IsotonicRegression(out_of_bounds="clip")`: a non-decreasing, piecewise-linear map from score
/// to probability through knots `(thresholds[i], values[i])`, linear between knots and constant
/// beyond the first and last. Thresholds finite and strictly increasing; one probability per
/// knot, in `[0, 1]` and non-decreasing; at least one knot — by construction, JSON too.
///
/// ```
/// use revops::stats::IsotonicCalibrator;
/// let c = IsotonicCalibrator::new(vec![0.0, 1.0], vec![0.2, 0.9])?;
/// assert_eq!((c.calibrate(-3.0)?, c.calibrate(7.0)?), (0.2, 0.9)); // clipped beyond the ends
/// assert!((c.calibrate(0.5)? - 0.55).abs() < 1e-15); // linear between knots
/// assert!(c.calibrate(f64::NAN).is_err());
/// assert!(IsotonicCalibrator::new(vec![1.0], vec![]).is_err()); // a knot without a value
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "IsotonicRepr"))]
pub struct IsotonicCalibrator {
    thresholds: Vec<f64>,
    values: Vec<f64>,
}

deserialize_via!(IsotonicCalibrator, IsotonicRepr { thresholds: Vec<f64>, values: Vec<f64> }, StatsError, |r| {
    IsotonicCalibrator::new(r.thresholds, r.values)
});

impl IsotonicCalibrator {
    /// The map through knots at scores `thresholds` with probabilities `values`.
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless there is one value per threshold and at least one;
    /// [`StatsError::InvalidModel`] for thresholds that are not finite and strictly increasing,
    /// or values outside `[0, 1]` or decreasing.
    pub fn new(thresholds: Vec<f64>, values: Vec<f64>) -> Result<IsotonicCalibrator, StatsError> {
        if values.len() != thresholds.len() || values.is_empty() {
            let expected = thresholds.len().max(1);
            return Err(StatsError::Shape { what: "isotonic values", expected, got: values.len() });
        }
        if !(thresholds.iter().all(|t| t.is_finite()) && thresholds.windows(2).all(|w| w[0] < w[1])) {
            return Err(StatsError::InvalidModel("isotonic thresholds must be finite and strictly increasing"));
        }
        if !(values.iter().all(|v| (0.0..=1.0).contains(v)) && values.windows(2).all(|w| w[0] <= w[1])) {
            return Err(StatsError::InvalidModel("isotonic values must be probabilities, non-decreasing"));
        }
        Ok(IsotonicCalibrator { thresholds, values })
    }

    /// The knots' scores, strictly increasing.
    pub fn thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// The knots' probabilities, non-decreasing.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Fit on held-out `(score, label)` pairs. Tied scores are one point first (their labels
    /// averaged, weighted by their count), so the order of the input never matters; then
    /// pool-adjacent-violators over those points, weighted; each pooled block becomes knots at
    /// its lowest and highest score (scikit-learn's `X_thresholds_`, `y_thresholds_`).
    ///
    /// ```
    /// use revops::stats::IsotonicCalibrator;
    /// // a tie with one of each label is one point at 0.5, whatever the order
    /// let c = IsotonicCalibrator::fit(&[1.0, 1.0], &[false, true])?;
    /// assert_eq!(c.calibrate(1.0)?, 0.5);
    /// # Ok::<(), revops::stats::StatsError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] for scores and labels of different lengths;
    /// [`StatsError::TooFewObservations`] for none; [`StatsError::NonFinite`] for a NaN or
    /// infinite score.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<IsotonicCalibrator, StatsError> {
        if scores.len() != labels.len() {
            return Err(StatsError::Shape { what: "labels", expected: scores.len(), got: labels.len() });
        }
        if scores.is_empty() {
            return Err(StatsError::TooFewObservations { needed: 1, got: 0 });
        }
        if scores.iter().any(|s| !s.is_finite()) {
            return Err(StatsError::NonFinite("scores"));
        }
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        // tied scores first become one weighted point (sum of labels, count, score), so they are
        // never split by the input's order …
        let mut points: Vec<(f64, f64, f64)> = Vec::new();
        for i in order {
            let (y, x) = (f64::from(u8::from(labels[i])), scores[i]);
            match points.last_mut() {
                Some(last) if last.2 == x => {
                    last.0 += y;
                    last.1 += 1.0;
                }
                _ => points.push((y, 1.0, x)),
            }
        }
        // … then pool adjacent violators over the points: blocks of (sum, count, lowest score,
        // highest score)
        let mut blocks: Vec<(f64, f64, f64, f64)> = Vec::with_capacity(points.len());
        for (y, w, x) in points {
            blocks.push((y, w, x, x));
            while blocks.len() > 1 {
                let (s2, n2, _, hi2) = blocks[blocks.len() - 1];
                let (s1, n1, lo1, _) = blocks[blocks.len() - 2];
                if s1 / n1 <= s2 / n2 {
                    break;
                }
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, n1 + n2, lo1, hi2);
            }
        }
        let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for &(sum, count, lo, hi) in &blocks {
            let mean = (sum / count).clamp(0.0, 1.0);
            xs.push(lo);
            ys.push(mean);
            if hi > lo {
                xs.push(hi);
                ys.push(mean);
            }
        }
        // a knot with the same value as both neighbours changes nothing: drop it
        let keep: Vec<bool> =
            (0..xs.len()).map(|i| i == 0 || i + 1 == xs.len() || ys[i - 1] != ys[i] || ys[i] != ys[i + 1]).collect();
        let mut k = keep.iter();
        xs.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        ys.retain(|_| *k.next().unwrap_or(&true));
        IsotonicCalibrator::new(xs, ys)
    }

    /// The calibrated probability of a score: linear between the knots either side, the end
    /// knot's probability beyond them (±∞ included).
    ///
    /// # Errors
    ///
    /// [`StatsError::NonFinite`] for a NaN score.
    pub fn calibrate(&self, score: f64) -> Result<f64, StatsError> {
        if score.is_nan() {
            return Err(StatsError::NonFinite("score"));
        }
        Ok(self.value(score))
    }

    /// [`IsotonicCalibrator::calibrate`] without the NaN check (NaN in, NaN out).
    #[inline]
    pub(crate) fn value(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let (t, v) = (&self.thresholds, &self.values);
        let i = t.partition_point(|x| *x <= score); // first knot above the score
        match (i.checked_sub(1), t.get(i)) {
            (None, _) => v.first().copied().unwrap_or(f64::NAN),
            (Some(j), None) => v.get(j).copied().unwrap_or(f64::NAN),
            (Some(j), Some(&x1)) => {
                // as numpy.interp: slope × (score − x₀) + y₀
                let (x0, y0, y1) = (t[j], v[j], v[i]);
                let gap = x1 - x0;
                let y = if gap.is_finite() {
                    (y1 - y0) / gap * (score - x0) + y0
                } else {
                    // knots near ±f64::MAX, further apart than f64 holds: the line at half scale
                    let f = (score / 2.0 - x0 / 2.0) / (x1 / 2.0 - x0 / 2.0);
                    y0 + f * (y1 - y0)
                };
                // rounding must not carry a probability past its knots (nor past 1)
                y.clamp(y0, y1)
            }
        }
    }
}

/// Out-of-fold calibrated probabilities: held-out row `i` falls in fold `i % folds`, and each
/// fold is calibrated by a calibrator fitted on the other folds only, so no row's probability
/// comes from a calibrator that saw it.
///
/// # Errors
///
/// [`StatsError::TooFewObservations`] for fewer rows than folds; the errors of `fit` on any
/// fold's complement and of `apply`.
pub(crate) fn cross_fitted<C>(
    scores: &[f64],
    labels: &[bool],
    folds: usize,
    fit: impl Fn(&[f64], &[bool]) -> Result<C, StatsError>,
    apply: impl Fn(&C, f64) -> Result<f64, StatsError>,
) -> Result<Vec<f64>, StatsError> {
    let folds = folds.max(2);
    if scores.len() != labels.len() {
        return Err(StatsError::Shape { what: "labels", expected: scores.len(), got: labels.len() });
    }
    if scores.len() < folds {
        return Err(StatsError::TooFewObservations { needed: folds, got: scores.len() });
    }
    let mut out = vec![0.0; scores.len()];
    for fold in 0..folds {
        let rest = |i: &usize| i % folds != fold;
        let xs: Vec<f64> = (0..scores.len()).filter(rest).map(|i| scores[i]).collect();
        let ys: Vec<bool> = (0..labels.len()).filter(rest).map(|i| labels[i]).collect();
        let calibrator = fit(&xs, &ys)?;
        for i in (fold..scores.len()).step_by(folds) {
            out[i] = apply(&calibrator, scores[i])?;
        }
    }
    Ok(out)
}

#[cfg(all(test, feature = "serde"))]
mod json_tests {
    use super::*;

    #[test]
    fn isotonic_calibrators_read_from_json_are_checked() {
        // a threshold without a value used to calibrate every score to 0, silently
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[1.0],"values":[]}"#).is_err());
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[2.0,1.0],"values":[0.1,0.2]}"#).is_err());
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[1.0,2.0],"values":[0.5,0.2]}"#).is_err());
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[1.0],"values":[1.5]}"#).is_err());
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[],"values":[]}"#).is_err());
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[1.0,1.0],"values":[0.2,0.5]}"#).is_err());
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[1.0,2.0],"values":[0.2,0.5]}"#).is_ok());
    }
}
