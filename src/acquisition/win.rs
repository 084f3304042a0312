//! Deal win probability: a logistic model over caller-defined deal features, fitted with L2
//! regularisation, calibrated on a holdout, with explanations in log-odds.

use super::AcquisitionError;
use crate::stats::{
    auc, brier_score, cross_fitted, expected_calibration_error, log_loss, reliability_bins, IsotonicCalibrator,
    LogisticSpec, PlattCalibrator, ReliabilityBin,
};

/// How raw model scores become probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum CalibrationMethod {
    /// Platt scaling (a logistic curve on the log-odds).
    #[default]
    Platt,
    /// Isotonic regression (a monotone step function; needs more holdout data).
    Isotonic,
    /// The model's own probabilities.
    None,
}

/// How to fit a win model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct WinModelSpec {
    /// Feature names, in column order (stage, age, activity recency, stakeholders, discount…).
    pub features: Vec<String>,
    /// The regression (L2 on features standardised by the training deals' means and population
    /// standard deviations; the held-out deals play no part).
    pub logistic: LogisticSpec,
    /// Calibration.
    pub calibration: CalibrationMethod,
    /// Minimum closed-won deals to fit (default 50).
    pub min_won: usize,
    /// Minimum closed-lost deals to fit (default 50).
    pub min_lost: usize,
    /// Every `holdout_every`-th deal is held out (default 5: 20%); at least 2.
    pub holdout_every: usize,
}

impl WinModelSpec {
    /// Defaults for the given features: L2 1.0, Platt, 50 won and 50 lost, 20% holdout.
    pub fn new(features: Vec<String>) -> WinModelSpec {
        WinModelSpec {
            features,
            logistic: LogisticSpec::default(),
            calibration: CalibrationMethod::Platt,
            min_won: 50,
            min_lost: 50,
            holdout_every: 5,
        }
    }
}

/// The calibration fitted.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Calibrator {
    /// Platt.
    Platt(PlattCalibrator),
    /// Isotonic.
    Isotonic(IsotonicCalibrator),
    /// None.
    Identity,
}

/// Holdout quality, on deals no part of the model saw: neither the standardisation (means and
/// scales) nor the logistic fit sees the held-out deals, and each held-out deal's calibrated
/// probability comes from a calibrator fitted on the other held-out deals only (5-fold
/// cross-fitting over the holdout). The model's own calibrator is then fitted on the whole
/// holdout, so these figures estimate it on fresh deals rather than grade it on its own training
/// rows.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct HoldoutReport {
    /// Deals held out.
    pub deals: usize,
    /// AUC of the scores.
    pub auc: f64,
    /// Brier score of the cross-fitted calibrated probabilities.
    pub brier: f64,
    /// Log-loss of the cross-fitted calibrated probabilities.
    pub log_loss: f64,
    /// Expected calibration error (10 bins).
    pub ece: f64,
    /// Reliability diagram (10 bins).
    pub bins: Vec<ReliabilityBin>,
}

/// A fitted win model. Coefficients are per raw feature unit; the intercept is the log-odds of an
/// average training deal, so each contribution reads as "this deal versus an average one".
///
/// Its parts agree by construction (JSON too): at least one feature (as [`WinModelSpec::fit`]
/// requires), one finite mean and one finite coefficient per feature, a finite intercept, and a
/// calibrator that is valid by its own type.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "WinModelRepr"))]
pub struct WinModel {
    features: Vec<String>,
    means: Vec<f64>,
    coefficients: Vec<f64>,
    intercept: f64,
    calibrator: Calibrator,
    holdout: HoldoutReport,
}

deserialize_via!(
    WinModel,
    WinModelRepr {
        features: Vec<String>,
        means: Vec<f64>,
        coefficients: Vec<f64>,
        intercept: f64,
        calibrator: Calibrator,
        holdout: HoldoutReport,
    },
    AcquisitionError,
    |r| WinModel {
        features: r.features,
        means: r.means,
        coefficients: r.coefficients,
        intercept: r.intercept,
        calibrator: r.calibrator,
        holdout: r.holdout,
    }
    .checked()
);

/// One reason behind a score.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Reason {
    /// Index into [`WinModel::features`].
    pub feature: usize,
    /// Contribution to the log-odds versus an average deal.
    pub contribution: f64,
}

/// A score with its top reasons (no allocation).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExplainedScore {
    /// Calibrated win probability.
    pub probability: f64,
    /// Uncalibrated log-odds (intercept + Σ contributions).
    pub log_odds: f64,
    /// Largest positive contributions, biggest first.
    pub top_positive: [Option<Reason>; 3],
    /// Largest negative contributions, most negative first.
    pub top_negative: [Option<Reason>; 3],
}

impl WinModelSpec {
    /// Fit from closed deals: `rows` row-major, one column per feature; `won` per deal.
    ///
    /// Every `holdout_every`-th deal (deals 0, `holdout_every`, …) is held out first; the means
    /// and scales that standardise the features are then computed from the training deals only,
    /// so a held-out deal moves neither them nor the coefficients, only the calibration and the
    /// [`HoldoutReport`].
    ///
    /// ```
    /// use revops::acquisition::WinModelSpec;
    /// // 400 closed deals, one feature ("stakeholders engaged"): more of them wins more often.
    /// let rows: Vec<f64> = (0..400).map(|i| (i % 8) as f64).collect();
    /// let won: Vec<bool> = (0..400).map(|i| (i % 8) + (i * 7) % 5 > 6).collect();
    /// let model = WinModelSpec::new(vec!["stakeholders".into()]).fit(&rows, &won)?;
    /// assert!(model.probability(&[7.0])? > model.probability(&[1.0])?);
    /// assert_eq!(model.explain(&[7.0])?.top_positive[0].map(|r| r.feature), Some(0));
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidConfig`] for `holdout_every` below 2 (0 used to mean 50%);
    /// [`AcquisitionError::InvalidInput`] for no features, rows that are not one per deal, a
    /// non-finite value, or a held-out deal so far outside the training deals' range that its
    /// score overflows; [`AcquisitionError::InsufficientHistory`]; the errors of the
    /// standardisation (a training variance that overflows), the logistic fit, the calibration
    /// and the holdout metrics ([`AcquisitionError::Stats`]).
    pub fn fit(&self, rows: &[f64], won: &[bool]) -> Result<WinModel, AcquisitionError> {
        if self.holdout_every < 2 {
            return Err(AcquisitionError::InvalidConfig(format!(
                "holdout_every is {}; hold out one deal in at least every 2",
                self.holdout_every
            )));
        }
        let p = self.features.len();
        if p == 0 || won.len().checked_mul(p) != Some(rows.len()) {
            return Err(AcquisitionError::InvalidInput(format!(
                "{} values for {} deals of {p} features",
                rows.len(),
                won.len()
            )));
        }
        if !crate::stats::all_finite(rows) {
            return Err(AcquisitionError::InvalidInput("non-finite feature value".into()));
        }
        let n_won = won.iter().filter(|&&w| w).count();
        let n_lost = won.len() - n_won;
        if n_won < self.min_won || n_lost < self.min_lost {
            return Err(AcquisitionError::InsufficientHistory {
                won: n_won,
                lost: n_lost,
                min_won: self.min_won,
                min_lost: self.min_lost,
            });
        }
        // Split the raw rows first (a mean of 0 and a scale of 1 leave every value as it is), then
        // standardise by the training deals alone: the held-out deals must not move the means,
        // the scales, or through the scales the L2 penalty and so the coefficients.
        let crate::stats::HoldoutSplit { train_x: mut tx, train_y: ty, hold_x: mut hx, hold_y: hy } =
            crate::stats::holdout_split(rows, p, won, self.holdout_every, &vec![0.0; p], &vec![1.0; p])?;
        let (means, scales) = crate::stats::standardisation(&tx, p)?;
        for row in tx.chunks_exact_mut(p).chain(hx.chunks_exact_mut(p)) {
            for ((v, m), s) in row.iter_mut().zip(&means).zip(&scales) {
                *v = (*v - m) / s;
            }
        }
        let fit = self.logistic.fit(&tx, p, &ty)?;
        let coefficients: Vec<f64> = fit.model.coefficients().iter().zip(&scales).map(|(b, s)| b / s).collect();
        let scores = hx.chunks_exact(p).map(|z| fit.model.log_odds(z)).collect::<Result<Vec<f64>, _>>()?;
        // the training deals set the scales: a held-out deal far outside their range can
        // overflow its standardised values or its score
        if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
            return Err(AcquisitionError::InvalidInput(format!(
                "held-out deal {} has a non-finite score ({}): its feature values overflow the training deals' scales",
                i * self.holdout_every,
                scores[i]
            )));
        }
        // the calibrator the model keeps sees the whole holdout; the metrics below come from
        // calibrators that never saw the deal they score
        const FOLDS: usize = 5;
        let (calibrator, probs) = match self.calibration {
            CalibrationMethod::Platt => (
                Calibrator::Platt(PlattCalibrator::fit(&scores, &hy)?),
                cross_fitted(&scores, &hy, FOLDS, PlattCalibrator::fit, PlattCalibrator::calibrate)?,
            ),
            CalibrationMethod::Isotonic => (
                Calibrator::Isotonic(IsotonicCalibrator::fit(&scores, &hy)?),
                cross_fitted(&scores, &hy, FOLDS, IsotonicCalibrator::fit, IsotonicCalibrator::calibrate)?,
            ),
            CalibrationMethod::None => {
                (Calibrator::Identity, scores.iter().map(|s| crate::stats::sigmoid(*s)).collect())
            }
        };
        let mut model = WinModel {
            features: self.features.clone(),
            means,
            coefficients,
            intercept: fit.model.intercept(),
            calibrator,
            holdout: HoldoutReport { deals: 0, auc: 0.0, brier: 0.0, log_loss: 0.0, ece: 0.0, bins: Vec::new() },
        }
        .checked()?;
        model.holdout = HoldoutReport {
            deals: hy.len(),
            auc: auc(&scores, &hy)?,
            brier: brier_score(&probs, &hy)?,
            log_loss: log_loss(&probs, &hy)?,
            ece: expected_calibration_error(&probs, &hy, 10)?,
            bins: reliability_bins(&probs, &hy, 10)?,
        };
        Ok(model)
    }
}

impl WinModel {
    /// `self` when there is at least one feature, one finite mean and one finite coefficient per
    /// feature, and a finite intercept.
    fn checked(self) -> Result<WinModel, AcquisitionError> {
        let p = self.features.len();
        if p == 0 {
            return Err(AcquisitionError::InvalidModel("a win model needs at least one feature"));
        }
        if self.means.len() != p || self.coefficients.len() != p {
            return Err(AcquisitionError::InvalidModel("one mean and one coefficient per feature are needed"));
        }
        let finite = self.means.iter().chain(&self.coefficients).all(|v| v.is_finite());
        if !(finite && self.intercept.is_finite()) {
            return Err(AcquisitionError::InvalidModel("means, coefficients and the intercept must be finite"));
        }
        Ok(self)
    }

    /// Feature names, in column order.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// Training means: each feature's mean over the training deals only (the held-out deals
    /// excluded). The scales the L2 penalty was applied on are likewise the training deals'
    /// population standard deviations.
    pub fn means(&self) -> &[f64] {
        &self.means
    }

    /// Coefficients per raw unit.
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }

    /// Log-odds of a deal at the training means.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The calibration.
    pub fn calibrator(&self) -> &Calibrator {
        &self.calibrator
    }

    /// Holdout metrics.
    pub fn holdout(&self) -> &HoldoutReport {
        &self.holdout
    }

    /// The calibrated probability of log-odds (NaN stays NaN: see [`WinModel::probability`]).
    #[inline]
    fn calibrate(&self, log_odds: f64) -> f64 {
        match &self.calibrator {
            Calibrator::Platt(c) => c.value(log_odds),
            Calibrator::Isotonic(c) => c.value(log_odds),
            Calibrator::Identity => crate::stats::sigmoid(log_odds),
        }
    }

    /// The deal-length check every scoring function makes: one value a feature.
    fn check_deal(&self, x: &[f64]) -> Result<(), AcquisitionError> {
        if x.len() == self.features.len() {
            Ok(())
        } else {
            Err(AcquisitionError::InvalidInput(format!(
                "a deal with {} feature values for a model of {} features",
                x.len(),
                self.features.len()
            )))
        }
    }

    /// Log-odds of one deal (raw feature values in model order).
    ///
    /// ```
    /// use revops::acquisition::WinModelSpec;
    /// let rows: Vec<f64> = (0..400).map(|i| (i % 8) as f64).collect();
    /// let won: Vec<bool> = (0..400).map(|i| (i % 8) + (i * 7) % 5 > 6).collect();
    /// let model = WinModelSpec::new(vec!["stakeholders".into()]).fit(&rows, &won)?;
    /// assert!(model.log_odds(&[7.0])? > model.log_odds(&[1.0])?);
    /// assert!(model.log_odds(&[7.0, 1.0]).is_err()); // a value the model has no feature for
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidInput`] unless `x` holds one value a feature.
    #[inline]
    pub fn log_odds(&self, x: &[f64]) -> Result<f64, AcquisitionError> {
        self.check_deal(x)?;
        Ok(self.log_odds_unchecked(x))
    }

    /// [`WinModel::log_odds`] of a deal already checked to have one value a feature.
    #[inline]
    fn log_odds_unchecked(&self, x: &[f64]) -> f64 {
        let mut z = self.intercept;
        for ((v, m), b) in x.iter().zip(&self.means).zip(&self.coefficients) {
            z += b * (v - m);
        }
        z
    }

    /// Calibrated win probability of one deal. A NaN feature value gives a NaN probability (never
    /// a plausible-looking one); validate features before scoring in bulk.
    ///
    /// ```
    /// use revops::acquisition::WinModelSpec;
    /// let rows: Vec<f64> = (0..400).map(|i| (i % 8) as f64).collect();
    /// let won: Vec<bool> = (0..400).map(|i| (i % 8) + (i * 7) % 5 > 6).collect();
    /// let model = WinModelSpec::new(vec!["stakeholders".into()]).fit(&rows, &won)?;
    /// let p = model.probability(&[7.0])?;
    /// assert!((0.0..=1.0).contains(&p));
    /// assert!(model.probability(&[]).is_err()); // no values at all
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidInput`] unless `x` holds one value a feature.
    #[inline]
    pub fn probability(&self, x: &[f64]) -> Result<f64, AcquisitionError> {
        self.log_odds(x).map(|z| self.calibrate(z))
    }

    /// Probabilities of many deals (row-major) into `out`, replacing what it held.
    ///
    /// ```
    /// use revops::acquisition::WinModelSpec;
    /// let rows: Vec<f64> = (0..400).map(|i| (i % 8) as f64).collect();
    /// let won: Vec<bool> = (0..400).map(|i| (i % 8) + (i * 7) % 5 > 6).collect();
    /// let model = WinModelSpec::new(vec!["stakeholders".into()]).fit(&rows, &won)?;
    /// let open_deals = [1.0, 4.0, 7.0]; // one feature a deal
    /// let mut out = Vec::new(); // reused across batches
    /// model.probabilities_into(&open_deals, &mut out)?;
    /// assert_eq!(out, vec![model.probability(&[1.0])?, model.probability(&[4.0])?, model.probability(&[7.0])?]);
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidInput`] unless `rows` is whole deals of one value a feature;
    /// `out` is then left as it was.
    pub fn probabilities_into(&self, rows: &[f64], out: &mut Vec<f64>) -> Result<(), AcquisitionError> {
        let p = self.features.len();
        if p == 0 || !rows.len().is_multiple_of(p) {
            return Err(AcquisitionError::InvalidInput(format!(
                "{} values are not whole deals of {p} features",
                rows.len()
            )));
        }
        out.clear();
        out.extend(rows.chunks_exact(p).map(|x| self.calibrate(self.log_odds_unchecked(x))));
        Ok(())
    }

    /// The probability with the top three positive and negative reasons.
    ///
    /// ```
    /// use revops::acquisition::WinModelSpec;
    /// let rows: Vec<f64> = (0..400).map(|i| (i % 8) as f64).collect();
    /// let won: Vec<bool> = (0..400).map(|i| (i % 8) + (i * 7) % 5 > 6).collect();
    /// let model = WinModelSpec::new(vec!["stakeholders".into()]).fit(&rows, &won)?;
    /// let score = model.explain(&[7.0])?;
    /// assert_eq!(score.probability, model.probability(&[7.0])?);
    /// assert!(score.top_positive[0].is_some()); // seven stakeholders: above the mean, a reason for
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidInput`] unless `x` holds one value a feature.
    pub fn explain(&self, x: &[f64]) -> Result<ExplainedScore, AcquisitionError> {
        self.check_deal(x)?;
        // Plain arrays and a cheap reject test keep the hot loop branch-light: most features
        // are neither among the top three positives nor the top three negatives.
        let (mut pv, mut pi) = ([0.0f64; 3], [usize::MAX; 3]);
        let (mut nv, mut ni) = ([0.0f64; 3], [usize::MAX; 3]);
        let mut z = self.intercept;
        for (j, ((v, m), b)) in x.iter().zip(&self.means).zip(&self.coefficients).enumerate() {
            let c = b * (v - m);
            z += c;
            if c > pv[2] {
                push_top(&mut pv, &mut pi, c, j);
            } else if c < nv[2] {
                push_top(&mut nv, &mut ni, c, j);
            }
        }
        let reasons = |v: [f64; 3], i: [usize; 3]| -> [Option<Reason>; 3] {
            std::array::from_fn(|k| (i[k] != usize::MAX).then(|| Reason { feature: i[k], contribution: v[k] }))
        };
        Ok(ExplainedScore {
            probability: self.calibrate(z),
            log_odds: z,
            top_positive: reasons(pv, pi),
            top_negative: reasons(nv, ni),
        })
    }

    /// Every feature's contribution (for full explanations; allocates).
    ///
    /// ```
    /// use revops::acquisition::WinModelSpec;
    /// let rows: Vec<f64> = (0..400).map(|i| (i % 8) as f64).collect();
    /// let won: Vec<bool> = (0..400).map(|i| (i % 8) + (i * 7) % 5 > 6).collect();
    /// let model = WinModelSpec::new(vec!["stakeholders".into()]).fit(&rows, &won)?;
    /// let parts = model.contributions(&[7.0])?;
    /// assert_eq!(parts[0].0, "stakeholders");
    /// assert!(parts[0].1 > 0.0);
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidInput`] unless `x` holds one value a feature.
    pub fn contributions(&self, x: &[f64]) -> Result<Vec<(String, f64)>, AcquisitionError> {
        self.check_deal(x)?;
        Ok(x.iter()
            .zip(&self.means)
            .zip(&self.coefficients)
            .zip(&self.features)
            .map(|(((v, m), b), f)| (f.clone(), b * (v - m)))
            .collect())
    }
}

/// Insert `c` (already known to beat the third place) into a top-three ordered by magnitude:
/// positives descending, negatives ascending — the same comparison on `c.abs()` either way.
#[inline]
fn push_top(values: &mut [f64; 3], index: &mut [usize; 3], c: f64, j: usize) {
    let mut k = 2;
    while k > 0 && c.abs() > values[k - 1].abs() {
        values[k] = values[k - 1];
        index[k] = index[k - 1];
        k -= 1;
    }
    values[k] = c;
    index[k] = j;
}

/// Percentile rank (0–100) of each probability within the batch: a rank, not a probability.
/// The lowest gets 0 and the highest 100 (`100 × rank ÷ (n − 1)`, ranks from 0); equal
/// probabilities share the average of the ranks they span (as `scipy.stats.rankdata(method =
/// "average")`), so ties never order deals by their position in the batch. One deal ranks 100.
///
/// ```
/// use revops::acquisition::percentile_ranks;
/// assert_eq!(percentile_ranks(&[0.9, 0.1, 0.5])?, [100.0, 0.0, 50.0]);
/// assert_eq!(percentile_ranks(&[0.5, 0.1, 0.5])?, [75.0, 0.0, 75.0]); // a tie: ranks 1 and 2
/// assert!(percentile_ranks(&[0.5, f64::NAN]).is_err());
/// # Ok::<(), revops::acquisition::AcquisitionError>(())
/// ```
///
/// # Errors
///
/// [`AcquisitionError::InvalidInput`] for a NaN or infinite probability.
pub fn percentile_ranks(probabilities: &[f64]) -> Result<Vec<f64>, AcquisitionError> {
    if let Some(i) = probabilities.iter().position(|p| !p.is_finite()) {
        return Err(AcquisitionError::InvalidInput(format!("probability {} at {i} is not finite", probabilities[i])));
    }
    let n = probabilities.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]));
    let mut out = vec![100.0; n];
    let mut i = 0;
    while i < n && n > 1 {
        let mut j = i;
        while j + 1 < n && probabilities[order[j + 1]] == probabilities[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0; // the average of ranks i..=j
        for &k in &order[i..=j] {
            out[k] = 100.0 * rank / (n - 1) as f64;
        }
        i = j + 1;
    }
    Ok(out)
}
