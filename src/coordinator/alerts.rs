//! Alert rules as data: metric, comparison, threshold, severity and cool-down, evaluated
//! deterministically. A fired alert is typed data (the condition, the reading, the reading
//! before, how many months it has held); [`Alert::sentence`] renders it for a person.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::render::compact_round;
use super::CoordinatorError;
use crate::calendar::Month;
use crate::money::{fixed_places, Currency, Money, MoneyFormat, Percent};
use crate::rules::{Comparison, Condition};

/// How loud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

/// A fired alert, as data: the rule, the reading, the reading before it and how long the
/// condition has held. [`Alert::sentence`] is how a person reads it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Alert {
    /// Rule name.
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// The rule's condition (metric, comparison, threshold).
    pub when: Condition,
    /// The metric's value.
    pub value: f64,
    /// The metric's value at the rule's previous evaluation, if there was one with a value.
    pub previous: Option<f64>,
    /// Calendar months the condition has held without a break, this one included (1 the month
    /// it starts to hold).
    pub months: u32,
}

/// What a rule saw when it was last evaluated.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Reading {
    /// The metric's value (none when it was NaN or infinite).
    pub value: Option<f64>,
    /// The first evaluation of the current unbroken run in which the condition held (none when
    /// it did not hold last time).
    pub holding_since: Option<NaiveDate>,
}

/// What alerting remembers between evaluations: when each rule last fired (for cool-downs) and
/// what it last saw (so an alert can say "fell to" and "for the second month").
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AlertState {
    /// Rule → last day it fired.
    pub last_fired: BTreeMap<String, NaiveDate>,
    /// Rule → its last reading.
    #[cfg_attr(feature = "serde", serde(default))]
    pub readings: BTreeMap<String, Reading>,
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
/// Every rule's reading is remembered in `state`, fired or not, cooling down or not: the next
/// alert says whether the metric fell or rose since, and for how many calendar months the
/// condition has held without a break (a reading that does not hold, NaN included, ends the
/// run).
///
/// # Errors
/// [`CoordinatorError::UnknownMetric`]; [`CoordinatorError::DuplicateRule`] for two rules of
/// one name (a rule's cool-down and reading are kept by its name, so one would silence the
/// other). All or nothing: on an error `state` is left as it was, so no rule is recorded as
/// fired by a call that returned no alerts.
pub fn evaluate_alerts(
    rules: &[AlertRule],
    metrics: &[(String, f64)],
    as_of: NaiveDate,
    state: &mut AlertState,
) -> Result<Vec<Alert>, CoordinatorError> {
    for (i, rule) in rules.iter().enumerate() {
        if rules[..i].iter().any(|other| other.name == rule.name) {
            return Err(CoordinatorError::DuplicateRule(rule.name.clone()));
        }
    }
    let lookup = |name: &str| metrics.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    // work on a copy: the caller's state changes only when every rule has been evaluated
    let mut next = state.clone();
    let mut out = Vec::new();
    for rule in rules {
        let fires = rule.when.evaluate(lookup).map_err(|m| CoordinatorError::UnknownMetric(m.to_string()))?;
        let value = lookup(&rule.when.signal).unwrap_or(f64::NAN);
        // the reading is remembered whether or not the rule fires or cools down
        let before = next.readings.get(&rule.name).copied().unwrap_or_default();
        let holding_since = fires.then(|| before.holding_since.filter(|d| *d <= as_of).unwrap_or(as_of));
        next.readings.insert(rule.name.clone(), Reading { value: value.is_finite().then_some(value), holding_since });
        let Some(since) = holding_since else { continue };
        if let Some(last) = next.last_fired.get(&rule.name) {
            if (as_of - *last).num_days() < rule.cooldown_days {
                continue;
            }
        }
        next.last_fired.insert(rule.name.clone(), as_of);
        let months = Month::of(since).months_until(Month::of(as_of)).saturating_add(1);
        out.push(Alert {
            rule: rule.name.clone(),
            severity: rule.severity,
            when: rule.when.clone(),
            value,
            previous: before.value,
            months: u32::try_from(months).unwrap_or(u32::MAX).max(1),
        });
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.severity)); // stable: rule order within a severity
    *state = next;
    Ok(out)
}

/// How a metric's value reads.
#[derive(Clone, Copy)]
enum Unit {
    /// A fraction shown as a percent (1.0766 → "107.7%").
    Percent,
    /// A multiple (2.4565 → "2.5x").
    Multiple,
    /// Days (52.4 → "52 days").
    Days,
    /// Money in the reporting currency ($786.0M).
    Money,
    /// A count of things (20 → "20 customers").
    Count(&'static str, &'static str),
    /// Integrations in a state: the sentence is "2 integrations are degraded".
    Integrations(&'static str),
    /// Yes (1) or no (0): "ARR is behind the plan for the milestone".
    OnTrack,
    /// A caller's own metric: a plain number with at most two places.
    Number,
}

/// The snapshot's metrics as a person names them (see [`ExecutiveSnapshot::build`](super::ExecutiveSnapshot::build)).
fn metric(name: &str) -> (&str, Unit) {
    match name {
        "arr" => ("ARR", Unit::Money),
        "growth_yoy" => ("ARR growth over twelve months", Unit::Percent),
        "milestone_on_track" => ("ARR", Unit::OnTrack),
        "pipeline_coverage" => ("Pipeline coverage for the quarter", Unit::Multiple),
        "p_quarter_target" => ("The chance of making the quarter's target", Unit::Percent),
        "on_time_rate" => ("On-time collection", Unit::Percent),
        "fortune500_gap" => ("The gap to the Fortune 500 target", Unit::Count("customer", "customers")),
        "integrations_down" => ("", Unit::Integrations("down")),
        "integrations_degraded" => ("", Unit::Integrations("degraded")),
        "nrr" => ("Net revenue retention", Unit::Percent),
        "grr" => ("Gross revenue retention", Unit::Percent),
        "quick_ratio" => ("The quick ratio", Unit::Multiple),
        "dso" => ("Days sales outstanding", Unit::Days),
        "ltv_to_cac" => ("LTV to CAC", Unit::Multiple),
        "rule_of_40" => ("The Rule of 40 score", Unit::Percent),
        other => (other, Unit::Number),
    }
}

/// `x` as a decimal rounded to `dp` places with the trailing zeros dropped ("3", "2.5"); the
/// float's own text when it is beyond `Decimal` (NaN, ±∞, above 7.9e28).
fn trimmed(x: f64, dp: u32) -> String {
    Decimal::from_f64_retain(x).map_or_else(|| x.to_string(), |d| d.round_dp(dp).normalize().to_string())
}

/// `x` with exactly `dp` places ("52", "2.5").
fn fixed(x: f64, dp: usize) -> String {
    Decimal::from_f64_retain(x).map_or_else(|| x.to_string(), |d| fixed_places(d, dp))
}

fn percent(x: f64, exact: bool) -> String {
    match Decimal::from_f64_retain(x) {
        // a threshold is shown as written (110%, 95.5%), a reading to a tenth of a point
        Some(d) if exact => format!("{}", Percent::from_fraction(d.round_dp(6))),
        Some(d) => format!("{:.1}", Percent::from_fraction(d)),
        None => x.to_string(),
    }
}

fn money(x: f64, currency: Currency, exact: bool) -> String {
    let Some(d) = Decimal::from_f64_retain(x) else { return x.to_string() };
    let m = Money::new(d.round_dp(2), currency);
    // a threshold such as $800M reads without a trailing ".0"
    if exact {
        compact_round(m)
    } else {
        MoneyFormat::new().symbol().compact().format(m)
    }
}

fn ordinal(n: u32) -> String {
    const WORDS: [&str; 11] =
        ["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"];
    match n {
        2..=12 => WORDS[n as usize - 2].to_string(),
        _ => {
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
    }
}

impl Alert {
    /// The alert as a sentence an executive reads: the metric by its name, its value and the
    /// threshold in their units (money in `currency`, the reporting currency), whether it fell
    /// or rose since the last reading, and for how many months it has held.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, Severity};
    /// use revops::rules::{Comparison, Condition};
    /// use revops::Currency;
    ///
    /// let rules = [AlertRule {
    ///     name: "NRR below 100%".into(),
    ///     when: Condition::new("nrr", Comparison::Below, 1.0),
    ///     severity: Severity::Warning,
    ///     cooldown_days: 7,
    /// }];
    /// let mut state = AlertState::default();
    /// let (oct, nov) = (NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    /// evaluate_alerts(&rules, &[("nrr".into(), 0.97)], oct, &mut state)?;
    /// let alerts = evaluate_alerts(&rules, &[("nrr".into(), 0.962)], nov, &mut state)?;
    /// assert_eq!(
    ///     alerts[0].sentence(Currency::USD),
    ///     "Net revenue retention fell to 96.2%, below the 100% floor, for the second month."
    /// );
    /// # Ok::<(), revops::coordinator::CoordinatorError>(())
    /// ```
    pub fn sentence(&self, currency: Currency) -> String {
        let (subject, unit) = metric(&self.when.signal);
        let (value, threshold) = (self.value, self.when.threshold);
        let plural = |n: f64, one: &str, many: &str| if n == 1.0 { one.to_string() } else { many.to_string() };
        let streak = if self.months >= 2 { format!(", for the {} month", ordinal(self.months)) } else { String::new() };
        let limit = match self.when.comparison {
            Comparison::Above | Comparison::AtLeast => "ceiling",
            Comparison::Below | Comparison::AtMost => "floor",
        };
        let relation = describe(self.when.comparison);
        let (shown, bound) = match unit {
            Unit::OnTrack => {
                let state =
                    if value >= 0.5 { "on track for the milestone" } else { "behind the plan for the milestone" };
                return format!("{subject} is {state}{streak}.");
            }
            Unit::Integrations(state) => {
                let n = trimmed(value, 0);
                let (noun, verb) = if value == 1.0 { ("integration", "is") } else { ("integrations", "are") };
                let any = matches!(
                    (self.when.comparison, threshold),
                    (Comparison::AtLeast, t) if t == 1.0
                ) || matches!((self.when.comparison, threshold), (Comparison::Above, t) if t == 0.0);
                let limit =
                    if any { String::new() } else { format!(", {relation} the limit of {}", trimmed(threshold, 2)) };
                return format!("{n} {noun} {verb} {state}{limit}{streak}.");
            }
            Unit::Percent => (percent(value, false), percent(threshold, true)),
            Unit::Multiple => (format!("{}x", fixed(value, 1)), format!("{}x", trimmed(threshold, 2))),
            Unit::Days => (
                format!("{} {}", fixed(value, 0), plural(value.round(), "day", "days")),
                format!("{}-day", trimmed(threshold, 1)),
            ),
            Unit::Money => (money(value, currency, false), money(threshold, currency, true)),
            Unit::Count(one, many) => (
                format!("{} {}", trimmed(value, 0), plural(value.round(), one, many)),
                format!("{}-{one}", trimmed(threshold, 0)),
            ),
            Unit::Number => (trimmed(value, 2), trimmed(threshold, 2)),
        };
        let verb = match self.previous {
            Some(p) if value < p => "fell to",
            Some(p) if value > p => "rose to",
            _ => "is",
        };
        format!("{subject} {verb} {shown}, {relation} the {bound} {limit}{streak}.")
    }
}
