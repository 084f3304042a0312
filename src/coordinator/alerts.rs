//! Alert rules as data: metric, comparison, threshold, severity and cool-down, evaluated
//! deterministically. A fired alert is typed data (the condition, the reading, the reading
//! before, how many months it has held); [`Alert::sentence`] renders it for a person.

use std::cmp::Ordering;
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
    /// Days after firing during which it stays quiet: a rule can fire again once this many
    /// whole days have passed since it fired. With 7, a rule that fired on the 1st is quiet on the
    /// 2nd to the 7th and can fire on the 8th, so a rule evaluated every Monday can fire every
    /// Monday (as a repeat interval does in alerting tools). 0 is no cool-down.
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
    /// The day of the evaluation (none in a state saved before it was kept): a run goes on
    /// only from an evaluation in the same or the previous calendar month.
    #[cfg_attr(feature = "serde", serde(default))]
    pub evaluated_on: Option<NaiveDate>,
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
/// run, and so does a calendar month with no evaluation: nothing shows it held then).
///
/// # Errors
/// [`CoordinatorError::UnknownMetric`]; [`CoordinatorError::DuplicateRule`] for two rules of
/// one name (a rule's cool-down and reading are kept by its name, so one would silence the
/// other); [`CoordinatorError::DuplicateMetric`] for a metric given twice;
/// [`CoordinatorError::InvalidRule`] for a negative cool-down or a threshold that is NaN or
/// infinite. All or nothing: on an error `state` is left as it was, so no rule is recorded as
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
        if rule.cooldown_days < 0 {
            return Err(CoordinatorError::InvalidRule {
                rule: rule.name.clone(),
                problem: "its cool-down (cooldown_days) must not be negative",
            });
        }
        if !rule.when.threshold.is_finite() {
            // NaN would never fire, ±∞ on every reading or none
            return Err(CoordinatorError::InvalidRule {
                rule: rule.name.clone(),
                problem: "its threshold must be a finite number",
            });
        }
    }
    for (i, (name, _)) in metrics.iter().enumerate() {
        if metrics[..i].iter().any(|(other, _)| other == name) {
            return Err(CoordinatorError::DuplicateMetric(name.clone()));
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
        // a run goes on from an evaluation this month or last: months nobody evaluated are not
        // months the condition is known to have held
        let unbroken = before.evaluated_on.is_none_or(|d| Month::of(d).months_until(Month::of(as_of)) <= 1);
        let run = before.holding_since.filter(|d| *d <= as_of && unbroken);
        let holding_since = fires.then(|| run.unwrap_or(as_of));
        let reading = Reading { value: value.is_finite().then_some(value), holding_since, evaluated_on: Some(as_of) };
        next.readings.insert(rule.name.clone(), reading);
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

/// A threshold as written, every place of it ("1.004", "3.0000001"): the limit a reading is
/// held against ([`as_written`]), so a reading shown cannot equal a limit it is said to pass.
/// The float's own text when it is beyond `Decimal`.
fn threshold_text(x: f64) -> String {
    as_written(x).map_or_else(|| x.to_string(), |d| d.normalize().to_string())
}

/// A percent threshold as written (110%, 95.5%, 100.00001%); beyond `Decimal`, the float's
/// points.
fn percent_threshold(x: f64) -> String {
    as_written(x).map_or_else(|| format!("{}%", x * 100.0), |d| format!("{}", Percent::from_fraction(d)))
}

/// A money threshold as written, in round compact form: $800M, without a trailing ".0" (beyond
/// `Decimal`, the float's text after the currency's code).
fn money_threshold(x: f64, currency: Currency) -> String {
    let Some(d) = as_written(x) else { return format!("{currency} {x}") };
    compact_round(Money::new(d, currency))
}

/// Places a reading may take beyond its unit's usual ones so that the figure shown sits on the
/// side of the limit (and of the previous reading) its sentence states: 99.96% below a 100%
/// floor, not 100.0%. Closer than that, the sentence says "just below" and shows no figure.
const MAX_EXTRA_PLACES: u32 = 3;

/// The places a reading of `unit` usually shows.
fn usual_places(unit: Unit) -> u32 {
    match unit {
        Unit::Percent | Unit::Multiple | Unit::Money => 1,
        Unit::Number => 2,
        _ => 0,
    }
}

/// The decimal a person reads for `x` (a float's shortest text: 0.9, not
/// 0.9000000000000000222); none beyond `Decimal`.
fn as_written(x: f64) -> Option<Decimal> {
    x.to_string().parse().ok()
}

/// A reading of `unit` shown with `places` decimals (rounded half to even), and the figure that
/// text states in the metric's own terms (a fraction for a percent, the amount for money);
/// none when the reading is beyond `Decimal`.
fn reading(unit: Unit, x: f64, places: u32, currency: Currency) -> Option<(String, Decimal)> {
    let d = Decimal::from_f64_retain(x)?;
    let dp = places as usize;
    let one_or_many =
        |r: Decimal, one: &str, many: &str| if r == Decimal::ONE { one.to_string() } else { many.to_string() };
    Some(match unit {
        Unit::Percent => {
            let points = d.checked_mul(Decimal::ONE_HUNDRED)?.round_dp(places);
            (format!("{:.dp$}", Percent::from_fraction(d)), points / Decimal::ONE_HUNDRED)
        }
        Unit::Multiple => (format!("{}x", fixed_places(d, dp)), d.round_dp(places)),
        Unit::Days => {
            let r = d.round_dp(places);
            (format!("{} {}", fixed_places(d, dp), one_or_many(r, "day", "days")), r)
        }
        Unit::Money => {
            let m = Money::new(d.round_dp(2), currency);
            // the unit MoneyFormat's compact form shows the amount in
            let scale = [1_000_000_000i64, 1_000_000, 1_000]
                .into_iter()
                .map(Decimal::from)
                .find(|u| m.amount().abs() >= *u)
                .unwrap_or(Decimal::ONE);
            let r = m.amount().checked_div(scale)?.round_dp(places).checked_mul(scale)?;
            (MoneyFormat::new().symbol().compact().places(places).format(m), r)
        }
        Unit::Count(one, many) => {
            let r = d.round_dp(places).normalize();
            (format!("{r} {}", one_or_many(r, one, many)), r)
        }
        Unit::Number => {
            let r = d.round_dp(places).normalize();
            (r.to_string(), r)
        }
        Unit::OnTrack | Unit::Integrations(_) => return None,
    })
}

/// Whether `shown` stands in `comparison` to `limit`.
fn holds(comparison: Comparison, shown: Decimal, limit: Decimal) -> bool {
    match comparison {
        Comparison::Above => shown > limit,
        Comparison::AtLeast => shown >= limit,
        Comparison::Below => shown < limit,
        Comparison::AtMost => shown <= limit,
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
    /// The threshold is shown as written, every place of it (a 1.004x floor reads "1.004x",
    /// not "1x"; a 3.0000001x floor reads "3.0000001x", not "3x", which the reading 3.0x is
    /// not below). The reading is shown to its unit's usual places (96.2%, 2.5x, 52 days, $786.0M), or as
    /// many more as it takes, up to three, for the figure shown to stand to the threshold as
    /// the sentence says (99.96%, not 100.0%, below a 100% floor) and, when it says the metric
    /// fell or rose, to be below or above the previous reading shown to the same places (rose
    /// to 96.24% from 96.21%, not to 96.2% from 96.2%). Closer to the threshold than that, the
    /// sentence says so in words ("is just below the 100% floor") and shows no figure; a move
    /// too small to show is not claimed ("is" rather than "fell to").
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
    /// // a reading that rounds to its threshold shows the places that keep it on its side
    /// let alerts = evaluate_alerts(&rules, &[("nrr".into(), 0.9996)], NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), &mut state)?;
    /// assert_eq!(
    ///     alerts[0].sentence(Currency::USD),
    ///     "Net revenue retention rose to 99.96%, below the 100% floor, for the third month."
    /// );
    /// # Ok::<(), revops::coordinator::CoordinatorError>(())
    /// ```
    pub fn sentence(&self, currency: Currency) -> String {
        let (subject, unit) = metric(&self.when.signal);
        let (value, threshold) = (self.value, self.when.threshold);
        let streak = if self.months >= 2 { format!(", for the {} month", ordinal(self.months)) } else { String::new() };
        let limit = match self.when.comparison {
            Comparison::Above | Comparison::AtLeast => "ceiling",
            Comparison::Below | Comparison::AtMost => "floor",
        };
        let relation = describe(self.when.comparison);
        let bound = match unit {
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
                let limit = if any {
                    String::new()
                } else {
                    format!(", {relation} the limit of {}", threshold_text(threshold))
                };
                return format!("{n} {noun} {verb} {state}{limit}{streak}.");
            }
            Unit::Percent => percent_threshold(threshold),
            // as written, every place, so that a reading is compared with the limit shown
            Unit::Multiple => format!("{}x", threshold_text(threshold)),
            Unit::Days => format!("{}-day", threshold_text(threshold)),
            Unit::Money => money_threshold(threshold, currency),
            Unit::Count(one, _) => format!("{}-{one}", threshold_text(threshold)),
            Unit::Number => threshold_text(threshold),
        };
        let moved = match self.previous {
            Some(p) if value < p => Some((Ordering::Less, "fell to")),
            Some(p) if value > p => Some((Ordering::Greater, "rose to")),
            _ => None,
        };
        // the figure shown must stand to the limit as the sentence says, and to the previous
        // reading shown alike as its move says: as many more places as that takes, up to a few
        let limit_at = as_written(threshold);
        let on_side = |r: Decimal| limit_at.is_none_or(|l| holds(self.when.comparison, r, l));
        let shows_move = |places: u32, r: Decimal| match (moved, self.previous) {
            (Some((order, _)), Some(p)) => {
                reading(unit, p, places, currency).is_some_and(|(_, rp)| r.cmp(&rp) == order)
            }
            _ => true,
        };
        let first = usual_places(unit);
        let readings: Vec<(u32, String, Decimal)> = (first..=first + MAX_EXTRA_PLACES)
            .map_while(|p| reading(unit, value, p, currency).map(|(text, r)| (p, text, r)))
            .collect();
        if readings.is_empty() {
            // beyond `Decimal`: the float's own text, in the unit (a fraction as percent points,
            // money with its currency's code)
            let shown = match unit {
                Unit::Percent => format!("{}%", value * 100.0),
                Unit::Multiple => format!("{value}x"),
                Unit::Days => format!("{value} days"),
                Unit::Count(_, many) => format!("{value} {many}"),
                Unit::Money => format!("{currency} {value}"),
                _ => value.to_string(),
            };
            let verb = moved.map_or("is", |m| m.1);
            return format!("{subject} {verb} {shown}, {relation} the {bound} {limit}{streak}.");
        }
        if let Some((_, shown, _)) = readings.iter().find(|(p, _, r)| on_side(*r) && shows_move(*p, *r)) {
            let verb = moved.map_or("is", |m| m.1);
            return format!("{subject} {verb} {shown}, {relation} the {bound} {limit}{streak}.");
        }
        if let Some((_, shown, _)) = readings.iter().find(|(_, _, r)| on_side(*r)) {
            // a move too small to show at the most places is not claimed
            return format!("{subject} is {shown}, {relation} the {bound} {limit}{streak}.");
        }
        // too close to the limit to show on its side: said in words
        let just = match self.when.comparison {
            Comparison::Above => "just above",
            Comparison::AtLeast => "at or just above",
            Comparison::Below => "just below",
            Comparison::AtMost => "at or just below",
        };
        let verb = moved.map_or("is", |m| m.1);
        format!("{subject} {verb} {just} the {bound} {limit}{streak}.")
    }
}
