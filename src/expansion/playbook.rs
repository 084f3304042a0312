//! Playbooks as data: conditions over account signals → actions, evaluated deterministically,
//! with the playbook that fired recorded on each action.

use chrono::{Days, NaiveDate};

use super::ExpansionError;
use crate::rules::Condition;

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Action {
    /// Who (a role or a person).
    pub owner: String,
    /// How (email, call, in-app…).
    pub channel: String,
    /// The offer.
    pub offer: String,
    /// Days from evaluation to due.
    pub due_in_days: u32,
}

/// A playbook: when every condition holds, take the action.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Playbook {
    /// Name (recorded on each action it creates).
    pub name: String,
    /// Conditions, all required.
    pub when: Vec<Condition>,
    /// The action.
    pub action: Action,
}

/// An action planned for an account by a playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PlannedAction {
    /// The account.
    pub account: String,
    /// The playbook that fired.
    pub playbook: String,
    /// The action.
    pub action: Action,
    /// Due date.
    pub due: NaiveDate,
}

/// Run playbooks, in order, against an account's signals as of a date. Every playbook whose
/// conditions all hold fires; a signal no playbook can read is an error naming it, and so is a
/// signal given twice with two values (which would count?). The same value given twice is one
/// reading. A threshold must be a finite number: nothing passes a comparison with NaN, and one
/// with an infinity is always or never passed.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::expansion::{run_playbooks, Action, Playbook};
/// use revops::rules::{Comparison, Condition};
/// let seats = Playbook {
///     name: "seats nearly full".into(),
///     when: vec![Condition::new("seat_utilisation", Comparison::AtLeast, 0.9)],
///     action: Action { owner: "AM".into(), channel: "call".into(), offer: "10% off 20 seats".into(), due_in_days: 7 },
/// };
/// let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
/// let planned = run_playbooks(&[seats], "acme", &[("seat_utilisation".into(), 0.95)], today)?;
/// assert_eq!(planned[0].playbook, "seats nearly full");
/// assert_eq!(planned[0].due, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
/// # Ok::<(), revops::expansion::ExpansionError>(())
/// ```
///
/// # Errors
///
/// [`ExpansionError::InvalidThreshold`] for a condition whose threshold is NaN or infinite
/// (every playbook is checked, naming it, before any runs);
/// [`ExpansionError::UnknownSignal`] for a condition naming a signal not given;
/// [`ExpansionError::InvalidInput`] for a signal given twice with two different values (read
/// by a playbook or not) or a due date past the calendar's end.
pub fn run_playbooks(
    playbooks: &[Playbook],
    account: &str,
    signals: &[(String, f64)],
    as_of: NaiveDate,
) -> Result<Vec<PlannedAction>, ExpansionError> {
    for p in playbooks {
        check_thresholds(&p.when, || format!("playbook {:?}", p.name))?;
    }
    // one value given twice is one reading (delivered twice, say); two values are a conflict
    let same = |a: f64, b: f64| a == b || a.to_bits() == b.to_bits();
    for (i, (name, value)) in signals.iter().enumerate() {
        if let Some((_, first)) = signals[..i].iter().find(|(m, v)| m == name && !same(*v, *value)) {
            return Err(ExpansionError::InvalidInput(format!(
                "signal {name:?} is given as {first} and again as {value} (at {i}): an account has one value a signal"
            )));
        }
    }
    let lookup = |name: &str| signals.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let mut out = Vec::new();
    for p in playbooks {
        let mut fires = true;
        for c in &p.when {
            fires &= c.evaluate(lookup).map_err(|s| ExpansionError::UnknownSignal(s.to_string()))?;
        }
        if fires {
            let due = as_of
                .checked_add_days(Days::new(u64::from(p.action.due_in_days)))
                .ok_or(ExpansionError::InvalidInput("due date out of range".into()))?;
            out.push(PlannedAction {
                account: account.to_string(),
                playbook: p.name.clone(),
                action: p.action.clone(),
                due,
            });
        }
    }
    Ok(out)
}

/// Every condition's threshold is finite: no value passes a comparison with NaN (the rule would
/// silently never fire), and one with an infinity is always or never passed. `rule` names the
/// rule or playbook for the error.
pub(super) fn check_thresholds(when: &[Condition], rule: impl Fn() -> String) -> Result<(), ExpansionError> {
    match when.iter().find(|c| !c.threshold.is_finite()) {
        Some(c) => {
            Err(ExpansionError::InvalidThreshold { rule: rule(), signal: c.signal.clone(), threshold: c.threshold })
        }
        None => Ok(()),
    }
}
