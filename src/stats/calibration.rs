//! Turning scores into calibrated probabilities: Platt scaling and isotonic regression.

use super::logistic::{sigmoid, LogisticSpec, StatsError};

/// Platt scaling: `P = σ(a · score + b)`, fitted by logistic regression of labels on scores.
/// Both parameters are finite by construction (JSON too).
///
/// ```
/// use revops::stats::PlattCalibrator;
/// let c = PlattCalibrator::new(2.0, -1.0)?;
/// assert_eq!(c.calibrate(0.5), 0.5);
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

    /// Fit on held-out `(score, label)` pairs.
    ///
    /// # Errors
    ///
    /// The errors of [`LogisticSpec::fit`] on the scores as one feature.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<PlattCalibrator, StatsError> {
        // A whisper of ridge keeps the fit defined when the scores are constant or separate the
        // labels perfectly, without visibly moving an ordinary fit.
        let spec = LogisticSpec { l2: 1e-6, ..LogisticSpec::default() };
        let model = spec.fit(scores, 1, labels)?.model;
        let slope = model.coefficients().first().copied().unwrap_or(0.0); // one feature: always there
        PlattCalibrator::new(slope, model.intercept())
    }

    /// The calibrated probability of a score.
    pub fn calibrate(&self, score: f64) -> f64 {
        sigmoid(self.a * score + self.b)
    }
}

/// Isotonic regression by pool-adjacent-violators: a non-decreasing step function from score to
/// probability. At least one block; thresholds finite and non-decreasing; one probability per
/// block, in `[0, 1]` and non-decreasing — by construction, JSON too.
///
/// ```
/// use revops::stats::IsotonicCalibrator;
/// let c = IsotonicCalibrator::new(vec![0.0, 1.0], vec![0.2, 0.9])?;
/// assert_eq!((c.calibrate(-3.0), c.calibrate(0.5), c.calibrate(7.0)), (0.2, 0.9, 0.9));
/// assert!(IsotonicCalibrator::new(vec![1.0], vec![]).is_err()); // a block without a value
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
    /// The step function with `thresholds` (upper score bound of each block) and `values`
    /// (probability of each block).
    ///
    /// # Errors
    ///
    /// [`StatsError::Shape`] unless there is one value per threshold and at least one;
    /// [`StatsError::InvalidModel`] for thresholds that are not finite and non-decreasing, or
    /// values outside `[0, 1]` or decreasing.
    pub fn new(thresholds: Vec<f64>, values: Vec<f64>) -> Result<IsotonicCalibrator, StatsError> {
        if values.len() != thresholds.len() || values.is_empty() {
            let expected = thresholds.len().max(1);
            return Err(StatsError::Shape { what: "isotonic values", expected, got: values.len() });
        }
        let rising = |xs: &[f64]| xs.windows(2).all(|w| w[0] <= w[1]);
        if !(thresholds.iter().all(|t| t.is_finite()) && rising(&thresholds)) {
            return Err(StatsError::InvalidModel("isotonic thresholds must be finite and non-decreasing"));
        }
        if !(values.iter().all(|v| (0.0..=1.0).contains(v)) && rising(&values)) {
            return Err(StatsError::InvalidModel("isotonic values must be probabilities, non-decreasing"));
        }
        Ok(IsotonicCalibrator { thresholds, values })
    }

    /// Upper score bound of each block.
    pub fn thresholds(&self) -> &[f64] {
        &self.thresholds
    }

    /// Probability of each block.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Fit on held-out `(score, label)` pairs.
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
        // blocks of (sum of labels, count, max score)
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for i in order {
            blocks.push((f64::from(u8::from(labels[i])), 1.0, scores[i]));
            while blocks.len() > 1 {
                let (s2, n2, m2) = blocks[blocks.len() - 1];
                let (s1, n1, _) = blocks[blocks.len() - 2];
                if s1 / n1 <= s2 / n2 {
                    break;
                }
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, n1 + n2, m2);
            }
        }
        IsotonicCalibrator::new(blocks.iter().map(|b| b.2).collect(), blocks.iter().map(|b| b.0 / b.1).collect())
    }

    /// The calibrated probability of a score.
    pub fn calibrate(&self, score: f64) -> f64 {
        let i = self.thresholds.partition_point(|t| *t < score).min(self.values.len().saturating_sub(1));
        self.values.get(i).copied().unwrap_or(0.0)
    }
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
        assert!(serde_json::from_str::<IsotonicCalibrator>(r#"{"thresholds":[1.0,2.0],"values":[0.2,0.5]}"#).is_ok());
    }
}
