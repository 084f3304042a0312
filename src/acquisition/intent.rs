//! Buying signals with exponential time decay, and the intent score they add up to.

use chrono::NaiveDate;

use super::AcquisitionError;

/// Kinds of buying signal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum SignalKind {
    /// A website visit.
    WebVisit,
    /// Content downloaded.
    Content,
    /// A demo requested.
    DemoRequest,
    /// The pricing page viewed.
    PricingPage,
    /// A third-party intent-data surge.
    IntentSurge,
    /// Hiring for roles the product serves.
    Hiring,
    /// A funding round.
    Funding,
    /// A competitor's customer churning.
    CompetitorChurn,
    /// Anything else the caller tracks.
    Other(String),
}

/// One observed signal.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Signal {
    /// Kind.
    pub kind: SignalKind,
    /// When it happened.
    pub date: NaiveDate,
    /// Strength multiplier (1 for a plain occurrence).
    pub strength: f64,
}

/// How much each kind counts, and how fast it fades.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SignalWeight {
    /// The kind.
    pub kind: SignalKind,
    /// Points for a fresh signal of strength 1 (not negative).
    pub points: f64,
    /// Days for its weight to halve.
    pub half_life_days: f64,
}

/// The intent model: weights per kind and the raw points at which intent is "63% saturated".
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct IntentModel {
    /// Weights, at most one a kind; kinds without one are ignored.
    pub weights: Vec<SignalWeight>,
    /// Intent = 100 × (1 − e^(−raw ÷ saturation)), so the score is bounded and each extra signal
    /// counts for less.
    pub saturation: f64,
}

/// An intent score with each kind's share.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct IntentScore {
    /// 0–100.
    pub score: f64,
    /// Decayed raw points before saturation.
    pub raw: f64,
    /// `(kind, share of the score)`; the shares sum to `score`.
    pub contributions: Vec<(SignalKind, f64)>,
}

impl IntentModel {
    /// Score signals as of a date; signals after it are ignored.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::acquisition::{IntentModel, Signal, SignalKind, SignalWeight};
    /// let m = IntentModel { weights: vec![SignalWeight { kind: SignalKind::DemoRequest, points: 10.0, half_life_days: 14.0 }], saturation: 10.0 };
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
    /// let s = m.intent(&[Signal { kind: SignalKind::DemoRequest, date: d(1), strength: 1.0 }], d(15))?;
    /// assert!((s.raw - 5.0).abs() < 1e-12); // one half-life later
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidConfig`] for a saturation or half-life that is not finite and
    /// positive, points that are negative or not finite, or a kind weighted twice;
    /// [`AcquisitionError::InvalidInput`] for a
    /// strength that is negative, NaN or infinite; [`AcquisitionError::Overflow`] when the
    /// decayed points or the score are too large for an `f64`.
    pub fn intent(&self, signals: &[Signal], as_of: NaiveDate) -> Result<IntentScore, AcquisitionError> {
        if !(self.saturation.is_finite() && self.saturation > 0.0)
            || self
                .weights
                .iter()
                .any(|w| !(w.half_life_days.is_finite() && w.half_life_days > 0.0 && w.points.is_finite()))
        {
            return Err(AcquisitionError::InvalidConfig(
                "saturation and half-lives must be positive and finite".into(),
            ));
        }
        if let Some(w) = self.weights.iter().find(|w| w.points < 0.0) {
            // negative raw points took the score below 0 (−172 for −10 points at saturation 5)
            return Err(AcquisitionError::InvalidConfig(format!(
                "{:?} signals have {} points; points must not be negative, so the score stays within 0–100",
                w.kind, w.points
            )));
        }
        if let Some((i, w)) =
            self.weights.iter().enumerate().find(|(i, w)| self.weights[..*i].iter().any(|v| v.kind == w.kind))
        {
            // two weights for one kind: the first counted, the second reported a share of 0
            return Err(AcquisitionError::InvalidConfig(format!(
                "{:?} signals are weighted twice (weight {i} repeats an earlier one); give each kind one weight",
                w.kind
            )));
        }
        let mut per_kind: Vec<(SignalKind, f64)> = self.weights.iter().map(|w| (w.kind.clone(), 0.0)).collect();
        for s in signals.iter().filter(|s| s.date <= as_of) {
            if !s.strength.is_finite() || s.strength < 0.0 {
                return Err(AcquisitionError::InvalidInput(format!("signal strength {} on {}", s.strength, s.date)));
            }
            if let Some(i) = self.weights.iter().position(|w| w.kind == s.kind) {
                let age = (as_of - s.date).num_days() as f64;
                per_kind[i].1 +=
                    self.weights[i].points * s.strength * 0.5f64.powf(age / self.weights[i].half_life_days);
            }
        }
        let raw: f64 = per_kind.iter().map(|(_, v)| v).sum();
        let score = 100.0 * (1.0 - (-raw / self.saturation).exp());
        if !(raw.is_finite() && score.is_finite()) || per_kind.iter().any(|(_, v)| !v.is_finite()) {
            return Err(AcquisitionError::Overflow("intent points"));
        }
        let contributions =
            per_kind.into_iter().map(|(k, v)| (k, if raw > 0.0 { score * v / raw } else { 0.0 })).collect();
        Ok(IntentScore { score, raw, contributions })
    }
}
