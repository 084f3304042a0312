//! Scoring metrics for probabilistic classifiers.

use super::logistic::StatsError;
use crate::limits::{self, MAX_COUNT};

fn check(p: &[f64], y: &[bool]) -> Result<(), StatsError> {
    if p.len() != y.len() {
        return Err(StatsError::Shape { what: "labels", expected: p.len(), got: y.len() });
    }
    if p.is_empty() {
        return Err(StatsError::TooFewObservations { needed: 1, got: 0 });
    }
    if p.iter().any(|v| !v.is_finite()) {
        return Err(StatsError::NonFinite("predictions"));
    }
    Ok(())
}

/// [`check`], and every prediction a probability in `[0, 1]`.
fn check_probabilities(p: &[f64], y: &[bool]) -> Result<(), StatsError> {
    check(p, y)?;
    if let Some(row) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(StatsError::NotProbability { row, value: p[row] });
    }
    Ok(())
}

/// Area under the ROC curve (Mann–Whitney, ties counted half).
///
/// ```
/// use revops::stats::auc;
/// // positives {0.8, 0.4}, negatives {0.6, 0.2}: 3 of the 4 pairs ranked right
/// assert_eq!(auc(&[0.8, 0.6, 0.4, 0.2], &[true, false, true, false])?, 0.75);
/// assert!(auc(&[0.1], &[true]).is_err()); // one class
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// [`StatsError::Shape`], [`StatsError::TooFewObservations`] and [`StatsError::NonFinite`] for
/// unusable scores; [`StatsError::OneClass`] when every label is the same.
pub fn auc(scores: &[f64], labels: &[bool]) -> Result<f64, StatsError> {
    check(scores, labels)?;
    let pos = labels.iter().filter(|&&y| y).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(StatsError::OneClass(labels.len()));
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // average ranks over ties
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_pos += order[i..=j].iter().filter(|&&k| labels[k]).count() as f64 * avg_rank;
        i = j + 1;
    }
    // in f64: pos × (pos + 1) overflows a usize past 2³² positives (exact below 2²⁶)
    let u = rank_sum_pos - pos as f64 * (pos as f64 + 1.0) / 2.0;
    Ok(u / (pos as f64 * neg as f64))
}

/// Mean squared error of probabilities.
///
/// ```
/// use revops::stats::brier_score;
/// assert_eq!(brier_score(&[1.0, 0.0], &[true, true])?, 0.5);
/// assert!(brier_score(&[1.5], &[true]).is_err()); // not a probability
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// [`StatsError::Shape`], [`StatsError::TooFewObservations`] and [`StatsError::NonFinite`];
/// [`StatsError::NotProbability`] for a prediction outside `[0, 1]`.
pub fn brier_score(p: &[f64], labels: &[bool]) -> Result<f64, StatsError> {
    check_probabilities(p, labels)?;
    Ok(p.iter().zip(labels).map(|(p, &y)| (p - f64::from(u8::from(y))).powi(2)).sum::<f64>() / p.len() as f64)
}

/// Mean negative log-likelihood, probabilities clipped to `[ε, 1 − ε]` with ε =
/// [`f64::EPSILON`] (2.2e-16), as scikit-learn's `log_loss` clips since 1.5: a confident miss
/// costs −ln ε ≈ 36.04, not ∞.
///
/// ```
/// use revops::stats::log_loss;
/// assert!((log_loss(&[0.5], &[true])? - std::f64::consts::LN_2).abs() < 1e-15);
/// assert!(log_loss(&[-0.1], &[false]).is_err()); // not a probability
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// [`StatsError::Shape`], [`StatsError::TooFewObservations`] and [`StatsError::NonFinite`];
/// [`StatsError::NotProbability`] for a prediction outside `[0, 1]`.
pub fn log_loss(p: &[f64], labels: &[bool]) -> Result<f64, StatsError> {
    check_probabilities(p, labels)?;
    let eps = f64::EPSILON;
    Ok(-p
        .iter()
        .zip(labels)
        .map(|(p, &y)| {
            let p = p.clamp(eps, 1.0 - eps);
            if y {
                p.ln()
            } else {
                (1.0 - p).ln()
            }
        })
        .sum::<f64>()
        / p.len() as f64)
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ReliabilityBin {
    /// Lower edge.
    pub low: f64,
    /// Upper edge.
    pub high: f64,
    /// Predictions in the bin.
    pub count: usize,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// Their observed positive rate.
    pub observed: f64,
}

/// Equal-width reliability bins over `[0, 1]` (0 bins means 1), as scikit-learn's
/// `calibration_curve(strategy="uniform")` bins (less its dropping of empty bins): the edges
/// are numpy's `linspace(0, 1, n + 1)`, `i as f64 * (1.0 / n as f64)` and the last 1, as
/// reported (`low`, `high`); bin `i` is `(low, high]`, the first closed at 0, so a prediction
/// equal to an edge belongs to the bin that ends there (0.3 of 10 bins is in bin 2, whose high
/// edge, 3 × 0.1, is 0.30000000000000004).
///
/// ```
/// use revops::stats::reliability_bins;
///
/// let p = [0.1, 0.2, 0.8, 0.9];
/// let y = [false, false, true, false];
/// let bins = reliability_bins(&p, &y, 2)?;
/// assert_eq!((bins[0].count, bins[1].count), (2, 2));
/// assert_eq!(bins[1].observed, 0.5); // predicted 0.85 on average, half came true
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// [`StatsError::Limit`] for more than [`MAX_COUNT`](crate::limits::MAX_COUNT) bins;
/// [`StatsError::Shape`], [`StatsError::TooFewObservations`] and [`StatsError::NonFinite`];
/// [`StatsError::NotProbability`] for a prediction outside `[0, 1]`.
pub fn reliability_bins(p: &[f64], labels: &[bool], bins: usize) -> Result<Vec<ReliabilityBin>, StatsError> {
    let bins = limits::check("reliability bins", bins, MAX_COUNT)?.max(1);
    check_probabilities(p, labels)?;
    let mut acc = vec![(0usize, 0.0f64, 0.0f64); bins];
    let edge = |i: usize| if i == bins { 1.0 } else { i as f64 * (1.0 / bins as f64) };
    for (&p, &y) in p.iter().zip(labels) {
        // p in [0, 1] (checked): the number of inner edges below it (numpy's searchsorted).
        // p × bins can round across an edge, so settle on the bin whose edges hold p.
        let mut b = ((p * bins as f64) as usize).min(bins - 1);
        while b > 0 && p <= edge(b) {
            b -= 1;
        }
        while b + 1 < bins && p > edge(b + 1) {
            b += 1;
        }
        acc[b].0 += 1;
        acc[b].1 += p;
        acc[b].2 += f64::from(u8::from(y));
    }
    Ok(acc
        .iter()
        .enumerate()
        .map(|(i, &(n, sp, sy))| ReliabilityBin {
            low: edge(i),
            high: edge(i + 1),
            count: n,
            mean_predicted: if n == 0 { 0.0 } else { sp / n as f64 },
            observed: if n == 0 { 0.0 } else { sy / n as f64 },
        })
        .collect())
}

/// Expected calibration error: the count-weighted mean gap between predicted and observed.
///
/// ```
/// use revops::stats::expected_calibration_error;
///
/// let p = [0.1, 0.2, 0.8, 0.9];
/// let y = [false, false, true, false];
/// // bins [0, 0.5): predicted 0.15, observed 0; [0.5, 1]: predicted 0.85, observed 0.5
/// let ece = expected_calibration_error(&p, &y, 2)?;
/// assert!((ece - (0.5 * 0.15 + 0.5 * 0.35)).abs() < 1e-12);
/// # Ok::<(), revops::stats::StatsError>(())
/// ```
///
/// # Errors
///
/// The errors of [`reliability_bins`].
pub fn expected_calibration_error(p: &[f64], labels: &[bool], bins: usize) -> Result<f64, StatsError> {
    let total = p.len() as f64;
    Ok(reliability_bins(p, labels, bins)?
        .iter()
        .map(|b| b.count as f64 / total * (b.mean_predicted - b.observed).abs())
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reliability_bins_hold_each_prediction_in_the_bin_whose_edges_contain_it() {
        // p × bins in f64 can land just below an edge (0.29 × 100 = 28.999999999999996): the
        // bin is the one whose reported (low, high] holds p, the first one closed at 0
        for bins in [1usize, 2, 3, 7, 10, 20, 49, 100, 1000] {
            let p: Vec<f64> = (0..=bins)
                .flat_map(|i| {
                    let (e, linspace) = (i as f64 / bins as f64, i as f64 * (1.0 / bins as f64));
                    let below = f64::from_bits(e.to_bits().saturating_sub(1)).max(0.0);
                    let above = f64::from_bits(linspace.to_bits() + 1).min(1.0);
                    [e, below, linspace, above, 0.29, 0.57, 0.58, 0.07]
                })
                .filter(|p| (0.0..=1.0).contains(p))
                .collect();
            let y = vec![true; p.len()];
            let got = reliability_bins(&p, &y, bins).unwrap();
            for &x in &p {
                let want = got.iter().position(|b| (b.low < x || b.low == 0.0) && x <= b.high).unwrap();
                let alone = reliability_bins(&[x], &[true], bins).unwrap();
                let at = alone.iter().position(|b| b.count == 1).unwrap();
                assert_eq!(at, want, "{x} in {bins} bins: ({}, {}]", alone[at].low, alone[at].high);
            }
        }
    }

    #[test]
    fn metric_vectors() {
        // AUC by hand: positives {0.8, 0.4}, negatives {0.6, 0.2}: pairs won 3 of 4.
        let s = [0.8, 0.6, 0.4, 0.2];
        let y = [true, false, true, false];
        assert!((auc(&s, &y).unwrap() - 0.75).abs() < 1e-12);
        assert!((auc(&[0.5, 0.5], &[true, false]).unwrap() - 0.5).abs() < 1e-12);
        assert!((brier_score(&[1.0, 0.0], &[true, true]).unwrap() - 0.5).abs() < 1e-12);
        assert!((log_loss(&[0.5], &[true]).unwrap() - std::f64::consts::LN_2).abs() < 1e-12);
        assert!(auc(&[0.1], &[true]).is_err());
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn bins_are_limited_not_allocated() {
        assert!(matches!(reliability_bins(&[0.5], &[true], usize::MAX), Err(StatsError::Limit(_))));
        assert!(matches!(expected_calibration_error(&[0.5], &[true], usize::MAX), Err(StatsError::Limit(_))));
        assert_eq!(reliability_bins(&[0.5], &[true], 0).unwrap().len(), 1); // 0 bins means 1
    }
}
