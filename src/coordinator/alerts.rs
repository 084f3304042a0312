//! Alert rules as data: metric, comparison, threshold, severity and cool-down, evaluated
//! deterministically, each alert explaining itself.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::CoordinatorError;
use crate::rules::{Comparison, Condition};

/// How loud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Severity {
    /// For information.
    Info,
    /// Needs attention.
    Warning,
    /// Needs action now.
    Critical,
}

/// A rule.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlertRule {
    /// Name.
    pub name: String,
    /// When it fires.
    pub when: Condition,
    /// Severity.
    pub severity: Severity,
    /// Days after firing during which it stays quiet.
    pub cooldown_days: i64,
}

/// A fired alert.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alert {
    /// Rule name.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// The metric's value.
    pub value: f64,
    /// Why: "nrr = 0.982 is below 1".
    pub explanation: String,
}

/// When each rule last fired, for cool-downs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlertState {
    /// Rule → last day it fired.
    pub last_fired: BTreeMap<String, NaiveDate>,
}

fn describe(c: Comparison) -> &'static str {
    match c {
        Comparison::Above => "above",
        Comparison::AtLeast => "at or above",
        Comparison::Below => "below",
        Comparison::AtMost => "at or below",
    }
}

/// Evaluate rules in order against named metrics as of a date. A rule naming a metric that is
/// not there is an error (a typo should not silently never fire); a rule still cooling down
/// does not fire.
///
/// # Errors
/// [`CoordinatorError::UnknownMetric`]. All or nothing: on an error `state` is left as it was,
/// so no rule is recorded as fired by a call that returned no alerts.
pub fn evaluate_alerts(
    rules: &[AlertRule],
    metrics: &[(String, f64)],
    as_of: NaiveDate,
    state: &mut AlertState,
) -> Result<Vec<Alert>, CoordinatorError> {
    let lookup = |name: &str| metrics.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    // work on a copy: the caller's state changes only when every rule has been evaluated
    let mut next = state.clone();
    let mut out = Vec::new();
    for rule in rules {
        let fires = rule.when.evaluate(lookup).map_err(|m| CoordinatorError::UnknownMetric(m.to_string()))?;
        if !fires {
            continue;
        }
        if let Some(last) = next.last_fired.get(&rule.name) {
            if (as_of - *last).num_days() < rule.cooldown_days {
                continue;
            }
        }
        let value = lookup(&rule.when.signal).unwrap_or(f64::NAN);
        next.last_fired.insert(rule.name.clone(), as_of);
        out.push(Alert {
            rule: rule.name.clone(),
            severity: rule.severity,
            value,
            explanation: format!(
                "{} = {:.4} is {} {}",
                rule.when.signal,
                value,
                describe(rule.when.comparison),
                rule.when.threshold
            ),
        });
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.severity)); // stable: rule order within a severity
    *state = next;
    Ok(out)
}
