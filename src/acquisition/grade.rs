//! Prospect grades (fit band × intent band) and a priority list.

use std::fmt;

use super::{AcquisitionError, FitScore, IntentScore};

/// A combined grade such as `A1` (best fit, hottest intent) or `D4`.
///
/// Read from JSON it is checked by [`Grade::new`]: a fit band outside `'A'`–`'D'` or an
/// intent band outside 1–4 is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "GradeRepr"))]
pub struct Grade {
    /// Fit band: 'A' (≥ 75), 'B' (≥ 50), 'C' (≥ 25), 'D'.
    pub fit: char,
    /// Intent band: 1 (≥ 75), 2 (≥ 50), 3 (≥ 25), 4.
    pub intent: u8,
}

deserialize_via!(Grade, GradeRepr { fit: char, intent: u8 }, AcquisitionError, |r| Grade::new(r.fit, r.intent));

impl Grade {
    /// The grade with fit band `fit` (`'A'`–`'D'`) and intent band `intent` (1–4).
    ///
    /// ```
    /// use revops::acquisition::Grade;
    /// assert_eq!(Grade::new('B', 3)?, Grade::of(60.0, 30.0));
    /// assert!(Grade::new('Z', 9).is_err());
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidInput`] for a fit band other than `'A'`, `'B'`, `'C'` or
    /// `'D'`, or an intent band other than 1, 2, 3 or 4.
    pub fn new(fit: char, intent: u8) -> Result<Grade, AcquisitionError> {
        if !('A'..='D').contains(&fit) || !(1..=4).contains(&intent) {
            return Err(AcquisitionError::InvalidInput(format!(
                "grade {fit:?}{intent}: the fit band must be A, B, C or D and the intent band 1, 2, 3 or 4"
            )));
        }
        Ok(Grade { fit, intent })
    }

    /// The grade for a fit and an intent score.
    pub fn of(fit: f64, intent: f64) -> Grade {
        let band = |s: f64| {
            if s >= 75.0 {
                0u8
            } else if s >= 50.0 {
                1
            } else if s >= 25.0 {
                2
            } else {
                3
            }
        };
        Grade { fit: (b'A' + band(fit)) as char, intent: band(intent) + 1 }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.fit, self.intent)
    }
}

/// A graded prospect.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Prioritised {
    /// The caller's prospect id.
    pub prospect: String,
    /// Grade.
    pub grade: Grade,
    /// Fit score.
    pub fit: f64,
    /// Intent score.
    pub intent: f64,
}

/// Order prospects best first: by grade (fit band, then intent band), then by fit + intent, then
/// by id so the order is deterministic.
///
/// ```
/// use revops::acquisition::{prioritise, FitScore, Grade, IntentScore};
/// let fit = |score| FitScore { score, contributions: vec![] };
/// let intent = |score| IntentScore { score, raw: score, contributions: vec![] };
/// let list = prioritise(&[
///     ("cold".to_string(), fit(90.0), intent(10.0)),
///     ("hot".to_string(), fit(80.0), intent(80.0)),
///     ("poor-fit".to_string(), fit(20.0), intent(95.0)),
/// ]);
/// let order: Vec<&str> = list.iter().map(|p| p.prospect.as_str()).collect();
/// assert_eq!(order, ["hot", "cold", "poor-fit"]); // fit band first, then intent band
/// assert_eq!(list[0].grade, Grade::of(80.0, 80.0));
/// ```
pub fn prioritise(prospects: &[(String, FitScore, IntentScore)]) -> Vec<Prioritised> {
    let mut out: Vec<Prioritised> = prospects
        .iter()
        .map(|(id, f, i)| Prioritised {
            prospect: id.clone(),
            grade: Grade::of(f.score, i.score),
            fit: f.score,
            intent: i.score,
        })
        .collect();
    out.sort_by(|a, b| {
        a.grade.cmp(&b.grade).then((b.fit + b.intent).total_cmp(&(a.fit + a.intent))).then(a.prospect.cmp(&b.prospect))
    });
    out
}
