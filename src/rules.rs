//! Conditions over named numeric signals, shared by every engine whose playbooks and alerts are
//! data (retention playbooks, expansion playbooks, coordinator alerts).

/// How a signal is compared with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Comparison {
    /// `value > threshold`.
    Above,
    /// `value ≥ threshold`.
    AtLeast,
    /// `value < threshold`.
    Below,
    /// `value ≤ threshold`.
    AtMost,
}

impl Comparison {
    /// Whether `value` passes against `threshold` (never for NaN). Works for any ordered value:
    /// `f64` signals here, exact [`Percent`](crate::money::Percent) and `Decimal` thresholds in
    /// quote approvals.
    ///
    /// ```
    /// use revops::rules::Comparison;
    /// assert!(Comparison::AtLeast.holds(0.42, 0.42));
    /// assert!(!Comparison::Above.holds(0.42, 0.42));
    /// assert!(!Comparison::Below.holds(f64::NAN, 1.0)); // NaN never passes
    /// assert!(Comparison::AtMost.holds("7.5%".parse::<revops::Percent>()?, "10%".parse()?));
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    #[inline]
    pub fn holds<T: PartialOrd>(self, value: T, threshold: T) -> bool {
        match self {
            Comparison::Above => value > threshold,
            Comparison::AtLeast => value >= threshold,
            Comparison::Below => value < threshold,
            Comparison::AtMost => value <= threshold,
        }
    }
}

/// `signal <comparison> threshold`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Condition {
    /// The signal's name.
    pub signal: String,
    /// The comparison.
    pub comparison: Comparison,
    /// The threshold.
    pub threshold: f64,
}

impl Condition {
    /// Build a condition.
    pub fn new(signal: impl Into<String>, comparison: Comparison, threshold: f64) -> Condition {
        Condition { signal: signal.into(), comparison, threshold }
    }

    /// Evaluate against a lookup; a signal the lookup does not know is `Err(name)`.
    ///
    /// ```
    /// use revops::rules::{Comparison, Condition};
    /// let c = Condition::new("seat_utilisation", Comparison::AtLeast, 0.9);
    /// assert_eq!(c.evaluate(|name| (name == "seat_utilisation").then_some(0.95)), Ok(true));
    /// assert_eq!(c.evaluate(|_| None), Err("seat_utilisation")); // a typo is an error, not "false"
    /// ```
    ///
    /// # Errors
    /// `Err(name)` when the lookup does not know the signal (a typo should not silently never fire).
    pub fn evaluate(&self, lookup: impl Fn(&str) -> Option<f64>) -> Result<bool, &str> {
        let value = lookup(&self.signal).ok_or(self.signal.as_str())?;
        Ok(self.comparison.holds(value, self.threshold))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_and_missing_signals() {
        let c = Condition::new("seats_used_ratio", Comparison::AtLeast, 0.9);
        assert_eq!(c.evaluate(|_| Some(0.9)), Ok(true));
        assert_eq!(c.evaluate(|_| Some(f64::NAN)), Ok(false));
        assert_eq!(c.evaluate(|_| None), Err("seats_used_ratio"));
        assert!(Comparison::Below.holds(1.0, 2.0) && !Comparison::Above.holds(2.0, 2.0));
    }
}
