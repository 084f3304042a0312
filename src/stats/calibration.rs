//! Turning scores into calibrated probabilities: Platt scaling and isotonic regression.

use super::logistic::{sigmoid, LogisticSpec, StatsError};

/// Platt scaling: `P = σ(a · score + b)`, fitted by logistic regression of labels on scores.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlattCalibrator {
    /// Slope.
    pub a: f64,
    /// Offset.
    pub b: f64,
}

impl PlattCalibrator {
    /// Fit on held-out `(score, label)` pairs.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<PlattCalibrator, StatsError> {
        // A whisper of ridge keeps the fit defined when the scores are constant or separate the
        // labels perfectly, without visibly moving an ordinary fit.
        let spec = LogisticSpec { l2: 1e-6, ..LogisticSpec::default() };
        let fit = spec.fit(scores, 1, labels)?;
        Ok(PlattCalibrator { a: fit.model.coefficients[0], b: fit.model.intercept })
    }

    /// The calibrated probability of a score.
    pub fn calibrate(&self, score: f64) -> f64 {
        sigmoid(self.a * score + self.b)
    }
}

/// Isotonic regression by pool-adjacent-violators: a non-decreasing step function from score to
/// probability.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IsotonicCalibrator {
    /// Upper score bound of each block, increasing.
    pub thresholds: Vec<f64>,
    /// Probability of each block, non-decreasing.
    pub values: Vec<f64>,
}

impl IsotonicCalibrator {
    /// Fit on held-out `(score, label)` pairs.
    pub fn fit(scores: &[f64], labels: &[bool]) -> Result<IsotonicCalibrator, StatsError> {
        if scores.len() != labels.len() {
            return Err(StatsError::Shape("scores and labels differ in length".into()));
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
        Ok(IsotonicCalibrator {
            thresholds: blocks.iter().map(|b| b.2).collect(),
            values: blocks.iter().map(|b| b.0 / b.1).collect(),
        })
    }

    /// The calibrated probability of a score.
    pub fn calibrate(&self, score: f64) -> f64 {
        let i = self.thresholds.partition_point(|t| *t < score).min(self.values.len().saturating_sub(1));
        self.values.get(i).copied().unwrap_or(0.0)
    }
}
