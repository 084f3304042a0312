//! Per-account churn risk: a logistic model over caller-named features, calibrated on a holdout,
//! with the top factors behind each score and a rules layer for playbooks.

use super::RetentionError;
use crate::rules::Condition;
use crate::stats::{auc, brier_score, cross_fitted, LogisticModel, LogisticSpec, PlattCalibrator};

/// How to fit a churn-risk model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ChurnRiskSpec {
    /// Feature names, in column order (usage trend, seats used ÷ paid, tickets, NPS…).
    pub features: Vec<String>,
    /// The logistic fit (L2 applies to standardised features).
    pub logistic: LogisticSpec,
    /// Every `holdout_every`-th account is held out for calibration and metrics (5 → 20%); at
    /// least 2.
    pub holdout_every: usize,
}

/// Holdout quality of a fitted model, on accounts no part of it saw: the logistic fit never sees
/// the held-out accounts, and each one's calibrated probability comes from a Platt calibrator
/// fitted on the other held-out accounts (5-fold cross-fitting); the model keeps a calibrator
/// fitted on the whole holdout.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct HoldoutMetrics {
    /// Accounts held out.
    pub accounts: usize,
    /// Area under the ROC curve.
    pub auc: f64,
    /// Brier score of the cross-fitted calibrated probabilities.
    pub brier: f64,
}

/// A fitted churn-risk model. Its parts agree by construction (JSON too): one finite mean, one
/// finite positive scale and one coefficient per feature, and holdout metrics over at least one
/// account with an AUC and a Brier score in [0, 1].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ChurnRiskModelRepr"))]
pub struct ChurnRiskModel {
    features: Vec<String>,
    means: Vec<f64>,
    scales: Vec<f64>,
    model: LogisticModel,
    calibration: PlattCalibrator,
    holdout: HoldoutMetrics,
}

deserialize_via!(
    ChurnRiskModel,
    ChurnRiskModelRepr {
        features: Vec<String>,
        means: Vec<f64>,
        scales: Vec<f64>,
        model: LogisticModel,
        calibration: PlattCalibrator,
        holdout: HoldoutMetrics,
    },
    RetentionError,
    |r| ChurnRiskModel {
        features: r.features,
        means: r.means,
        scales: r.scales,
        model: r.model,
        calibration: r.calibration,
        holdout: r.holdout,
    }
    .checked()
);

/// One factor behind a score.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Factor {
    /// Feature name.
    pub feature: String,
    /// The account's value.
    pub value: f64,
    /// Contribution to the log-odds relative to an average account (positive raises risk).
    pub contribution: f64,
}

/// An account's churn risk.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ChurnRisk {
    /// Calibrated probability of churn.
    pub probability: f64,
    /// Uncalibrated log-odds.
    pub log_odds: f64,
    /// Factors by absolute contribution, largest first.
    pub factors: Vec<Factor>,
}

impl ChurnRiskSpec {
    /// Fit from history: `rows` row-major (one row per account, one column per feature), and
    /// whether each account churned.
    ///
    /// ```
    /// use revops::retention::ChurnRiskSpec;
    /// use revops::stats::LogisticSpec;
    /// // one feature, seats used ÷ paid: under-used accounts churn more
    /// let rows: Vec<f64> = (0..500).map(|i| (i % 10) as f64 / 10.0).collect();
    /// let churned: Vec<bool> = (0..500).map(|i| (i % 10) < 3 + (i / 10) % 3).collect();
    /// let spec = ChurnRiskSpec { features: vec!["utilisation".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    /// let model = spec.fit(&rows, &churned)?;
    /// assert!(model.assess(&[0.1])?.probability > model.assess(&[0.9])?.probability);
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidInput`] for `holdout_every` below 2, no features, or rows that are
    /// not one per account;
    /// [`RetentionError::NotEnoughData`] for fewer than 5 holdout groups of accounts;
    /// [`RetentionError::Degenerate`] when every feature is constant across the training
    /// accounts (those not held out), so there is nothing to learn from; a constant feature
    /// beside one that varies is accepted (mean its value, scale 1, coefficient zero under L2);
    /// the errors of the logistic fit and the calibration ([`RetentionError::Stats`]), among
    /// them a history where nobody or everybody churned.
    pub fn fit(&self, rows: &[f64], churned: &[bool]) -> Result<ChurnRiskModel, RetentionError> {
        let p = self.features.len();
        if p == 0 || churned.len().checked_mul(p) != Some(rows.len()) {
            return Err(RetentionError::InvalidInput(format!(
                "{} values for {} accounts of {p} features",
                rows.len(),
                churned.len()
            )));
        }
        if self.holdout_every < 2 {
            return Err(RetentionError::InvalidInput(format!(
                "holdout_every is {}; hold out one account in at least every 2",
                self.holdout_every
            )));
        }
        let every = self.holdout_every;
        let needed = every.saturating_mul(5); // five holdout groups at least; cannot overflow
        if churned.len() < needed {
            return Err(RetentionError::NotEnoughData(format!(
                "need at least {needed} accounts, got {}",
                churned.len()
            )));
        }
        let (mut means, mut scales) = crate::stats::standardisation(rows, p)?;
        // a feature with one value everywhere is centred on that value with scale 1 (the summed
        // mean of a value like 0.7 is off in its last bits, and its "spread" would be that error)
        for j in 0..p {
            let mut column = rows.iter().skip(j).step_by(p);
            if let Some(&first) = column.next() {
                if column.all(|&v| v == first) {
                    (means[j], scales[j]) = (first, 1.0);
                }
            }
        }
        let crate::stats::HoldoutSplit { train_x, train_y, hold_x, hold_y } =
            crate::stats::holdout_split(rows, p, churned, every, &means, &scales)?;
        let constant = |j: usize| {
            let mut column = train_x.iter().skip(j).step_by(p);
            column.next().is_none_or(|&first| column.all(|&v| v == first))
        };
        if (0..p).all(constant) {
            return Err(RetentionError::Degenerate(format!(
                "every feature is constant across the {} training accounts: there is nothing to learn from",
                train_y.len()
            )));
        }
        let fit = self.logistic.fit(&train_x, p, &train_y)?;
        let scores = hold_x.chunks_exact(p).map(|x| fit.model.log_odds(x)).collect::<Result<Vec<f64>, _>>()?;
        let calibration = PlattCalibrator::fit(&scores, &hold_y)?;
        // each held-out account calibrated by a calibrator fitted on the other held-out folds
        let calibrated = cross_fitted(&scores, &hold_y, 5, PlattCalibrator::fit, PlattCalibrator::calibrate)?;
        let holdout = HoldoutMetrics {
            accounts: hold_y.len(),
            auc: auc(&scores, &hold_y)?,
            brier: brier_score(&calibrated, &hold_y)?,
        };
        ChurnRiskModel { features: self.features.clone(), means, scales, model: fit.model, calibration, holdout }
            .checked()
    }
}

impl ChurnRiskModel {
    /// `self` when its parts agree: one finite mean, one finite positive scale and one
    /// coefficient per feature, and holdout metrics a fit could give.
    fn checked(self) -> Result<ChurnRiskModel, RetentionError> {
        let p = self.features.len();
        if self.means.len() != p || self.scales.len() != p || self.model.coefficients().len() != p {
            return Err(RetentionError::InvalidModel {
                model: "churn-risk",
                reason: "one mean, one scale and one coefficient per feature are needed",
            });
        }
        if self.means.iter().any(|m| !m.is_finite()) || self.scales.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(RetentionError::InvalidModel {
                model: "churn-risk",
                reason: "means must be finite and scales finite and positive",
            });
        }
        let h = self.holdout;
        if h.accounts == 0 || !(0.0..=1.0).contains(&h.auc) || !(0.0..=1.0).contains(&h.brier) {
            return Err(RetentionError::InvalidModel {
                model: "churn-risk",
                reason: "holdout metrics need held-out accounts and an AUC and a Brier score in [0, 1]",
            });
        }
        Ok(self)
    }

    /// Feature names, in column order.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// Training means (features are standardised before the model sees them).
    pub fn means(&self) -> &[f64] {
        &self.means
    }

    /// Training standard deviations (1 for a feature with one value for every account, whose
    /// mean is then exactly that value).
    pub fn scales(&self) -> &[f64] {
        &self.scales
    }

    /// The logistic model on standardised features.
    pub fn model(&self) -> &LogisticModel {
        &self.model
    }

    /// Platt calibration fitted on the holdout.
    pub fn calibration(&self) -> PlattCalibrator {
        self.calibration
    }

    /// Holdout metrics.
    pub fn holdout(&self) -> HoldoutMetrics {
        self.holdout
    }

    /// `values` when there is one finite value per feature.
    fn check_values(&self, values: &[f64]) -> Result<(), RetentionError> {
        if values.len() != self.features.len() {
            return Err(RetentionError::FeatureCount { expected: self.features.len(), got: values.len() });
        }
        if values.iter().any(|v| !v.is_finite()) {
            return Err(RetentionError::NonFinite("feature values"));
        }
        Ok(())
    }

    /// Score one account (its raw feature values, in the model's feature order).
    ///
    /// # Errors
    ///
    /// [`RetentionError::FeatureCount`] unless there is one value per feature;
    /// [`RetentionError::NonFinite`] for a NaN or infinite value (or log-odds that come out NaN).
    pub fn assess(&self, values: &[f64]) -> Result<ChurnRisk, RetentionError> {
        self.check_values(values)?;
        let z: Vec<f64> = values.iter().zip(&self.means).zip(&self.scales).map(|((v, m), s)| (v - m) / s).collect();
        let log_odds = self.model.log_odds(&z)?;
        let mut factors: Vec<Factor> = self
            .model
            .contributions(&z)?
            .into_iter()
            .zip(&self.features)
            .zip(values)
            .map(|((c, feature), value)| Factor { feature: feature.clone(), value: *value, contribution: c })
            .collect();
        factors.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        if log_odds.is_nan() {
            return Err(RetentionError::NonFinite("log-odds")); // values so far out that ∞ − ∞ arose
        }
        Ok(ChurnRisk { probability: self.calibration.calibrate(log_odds)?, log_odds, factors })
    }
}

/// A playbook rule over an account's features or its churn probability.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ChurnRule {
    /// Rule name (recorded when it fires).
    pub name: String,
    /// The condition; its signal is a feature name, or `"probability"` for the calibrated churn
    /// probability, and its threshold a finite number.
    pub when: Condition,
    /// The playbook to run.
    pub playbook: String,
}

impl ChurnRiskModel {
    /// The rules that fire for an account, in the order given.
    ///
    /// ```
    /// use revops::retention::{ChurnRiskSpec, ChurnRule};
    /// use revops::rules::{Comparison, Condition};
    /// use revops::stats::LogisticSpec;
    /// let rows: Vec<f64> = (0..500).map(|i| (i % 10) as f64 / 10.0).collect();
    /// let churned: Vec<bool> = (0..500).map(|i| (i % 10) < 3 + (i / 10) % 3).collect();
    /// let spec = ChurnRiskSpec { features: vec!["utilisation".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    /// let model = spec.fit(&rows, &churned)?;
    /// let rules = [
    ///     ChurnRule { name: "low use".into(), when: Condition::new("utilisation", Comparison::Below, 0.3), playbook: "adoption call".into() },
    ///     ChurnRule { name: "likely to churn".into(), when: Condition::new("probability", Comparison::AtLeast, 0.99), playbook: "exec sponsor".into() },
    /// ];
    /// let account = [0.1];
    /// let fired = model.fired_rules(&account, &model.assess(&account)?, &rules)?;
    /// assert_eq!(fired.len(), 1);
    /// assert_eq!(fired[0].playbook, "adoption call");
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::FeatureCount`] unless there is one value per feature;
    /// [`RetentionError::NonFinite`] for a NaN or infinite value or churn probability;
    /// [`RetentionError::InvalidInput`] for a churn probability outside [0, 1], a rule naming a
    /// feature the model does not have, or one whose threshold is NaN or infinite (nothing passes
    /// a comparison with NaN, and one with an infinity is always or never passed; every rule is
    /// checked before any fires, as expansion playbooks and coordinator alerts check theirs).
    pub fn fired_rules<'r>(
        &self,
        values: &[f64],
        risk: &ChurnRisk,
        rules: &'r [ChurnRule],
    ) -> Result<Vec<&'r ChurnRule>, RetentionError> {
        self.check_values(values)?;
        if !risk.probability.is_finite() {
            return Err(RetentionError::NonFinite("churn probability"));
        }
        if !(0.0..=1.0).contains(&risk.probability) {
            return Err(RetentionError::InvalidInput(format!(
                "churn probability {} is outside [0, 1]",
                risk.probability
            )));
        }
        if let Some(rule) = rules.iter().find(|r| !r.when.threshold.is_finite()) {
            return Err(RetentionError::InvalidInput(format!(
                "rule {:?} has threshold {}, not a finite number (it would never or always fire)",
                rule.name, rule.when.threshold
            )));
        }
        let mut out = Vec::new();
        for rule in rules {
            let lookup = |name: &str| {
                if name == "probability" {
                    Some(risk.probability)
                } else {
                    self.features.iter().position(|f| f == name).and_then(|j| values.get(j).copied())
                }
            };
            let fires = rule.when.evaluate(lookup).map_err(|missing| {
                RetentionError::InvalidInput(format!("rule {:?} names unknown feature {missing:?}", rule.name))
            })?;
            if fires {
                out.push(rule);
            }
        }
        Ok(out)
    }
}
