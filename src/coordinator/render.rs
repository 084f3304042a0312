//! Rendering the snapshot for a person: a terminal table, a Markdown report and an SVG chart.
//! Every figure goes through the money and percent formats (`$786.0M`, `107.7%`); ranges say
//! what they are in a legend.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{CoordinatorError, ExecutiveSnapshot, HealthState, Severity};
use crate::calendar::{Month, Quarter};
use crate::limits::{check, MAX_COUNT};
use crate::money::{fixed_places, Currency, Money, MoneyFormat, Percent};

/// `$812.4M`-style short money.
fn short(m: Money) -> String {
    MoneyFormat::new().symbol().compact().format(m)
}

/// Compact money with as many places as the figure has (`"$800M"`, `"$1B"`, `"$1.25B"`): for
/// round figures such as targets and chart ticks, where `"$1.0B"` would suggest a measurement.
pub(crate) fn compact_round(m: Money) -> String {
    let amount = m.amount();
    let unit = [1_000_000_000i64, 1_000_000, 1_000]
        .into_iter()
        .map(Decimal::from)
        .find(|u| amount.abs() >= *u)
        .unwrap_or(Decimal::ONE);
    // the units MoneyFormat's compact form uses; dividing by one of them cannot overflow
    let places = amount.checked_div(unit).map_or(1, |x| x.normalize().scale());
    MoneyFormat::new().symbol().compact().places(places).format(m)
}

fn pct(d: Option<Decimal>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.1}", Percent::from_fraction(d)))
}

/// A statistic's fraction (a rate or a probability) as a percent with `dp` places.
fn pct_f64(x: f64, dp: usize) -> String {
    Decimal::from_f64_retain(x).map_or("n/a".into(), |d| format!("{:.dp$}", Percent::from_fraction(d)))
}

/// A statistic with `dp` places ("2.5", "32"); "n/a" when it is not a number.
fn number(x: f64, dp: usize) -> String {
    Decimal::from_f64_retain(x).map_or("n/a".into(), |d| fixed_places(d, dp))
}

/// A forecast value as money (none when it is not a number).
fn forecast_money(x: Option<&f64>, currency: Currency) -> String {
    x.and_then(|x| Decimal::from_f64_retain(*x)).map_or("n/a".into(), |x| short(Money::new(x, currency)))
}

/// Ticks for a money axis: round figures — a step of 1, 2, 2.5 or 5 × 10^k — that cover
/// `low..=high` (the first tick at or below `low`, the last at or above `high`), at most
/// `max_ticks` of them, with the finest step that fits. A single value (`low == high`) gets the
/// two ticks around it at its order of magnitude ($700M and $800M around $786M; 0 and 10
/// around 0). Exact: ticks are multiples of the step in
/// `Decimal`, and label cleanly with [`axis_label`].
///
/// ```
/// use revops::coordinator::{axis_label, axis_ticks};
/// use revops::{Currency, Money};
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let ticks = axis_ticks(usd("812000000"), usd("1000000000"), 4)?;
/// let labels: Vec<String> = ticks.into_iter().map(axis_label).collect();
/// assert_eq!(labels, ["$800M", "$900M", "$1B"]);
/// assert!(axis_ticks(usd("2"), usd("1"), 4).is_err()); // reversed
/// # Ok::<(), revops::coordinator::CoordinatorError>(())
/// ```
///
/// # Errors
/// [`CoordinatorError::InvalidAxis`] when `low` is above `high`, `max_ticks` is below 2, or no
/// round step covers the range within `Decimal`; [`CoordinatorError::Money`] when the two are
/// in different currencies; [`CoordinatorError::Limit`] for more than
/// [`MAX_COUNT`](crate::limits::MAX_COUNT) ticks.
pub fn axis_ticks(low: Money, high: Money, max_ticks: usize) -> Result<Vec<Money>, CoordinatorError> {
    let invalid = || CoordinatorError::InvalidAxis { low, high, max_ticks };
    let max = check("axis ticks", max_ticks, MAX_COUNT)?;
    let span = high.checked_sub(low)?.amount();
    if max < 2 || span.is_sign_negative() && !span.is_zero() {
        return Err(invalid());
    }
    let currency = low.currency();
    let (lo, hi) = (low.amount(), high.amount());
    // one decade below the step an even split would take, so the search starts fine enough
    let magnitude = if span.is_zero() { lo.abs() } else { span / Decimal::from(max as u64 - 1) };
    let start = magnitude.to_f64().filter(|x| *x > 0.0).map_or(0, |x| x.log10().floor() as i32 - 1).clamp(-28, 28);
    if span.is_zero() {
        // a single value: the ticks either side of it at its order of magnitude
        let step = power_of_ten(start + 1).ok_or_else(invalid)?;
        let first = lo.checked_div(step).map(|x| x.floor()).and_then(|x| x.checked_mul(step)).ok_or_else(invalid)?;
        let next = first.checked_add(step).ok_or_else(invalid)?;
        return Ok(vec![Money::new(first, currency), Money::new(next, currency)]);
    }
    for exponent in start..=28 {
        for (mantissa, scale) in [(1i128, 0i32), (2, 0), (25, 1), (5, 0)] {
            let Some(step) = step(mantissa, exponent - scale) else { continue };
            let (Some(first), Some(last)) = (
                lo.checked_div(step)
                    .map(|x| x.floor())
                    .and_then(|f| reach(f, step, |t| t <= lo, Decimal::NEGATIVE_ONE)),
                hi.checked_div(step).map(|x| x.ceil()).and_then(|l| reach(l, step, |t| t >= hi, Decimal::ONE)),
            ) else {
                continue;
            };
            let count = last.checked_sub(first).and_then(|n| n.to_usize()).and_then(|n| n.checked_add(1));
            if count.is_none_or(|n| n > max) {
                continue;
            }
            let ticks: Option<Vec<Money>> = (0..count.unwrap_or(0))
                .map(|i| first.checked_add(Decimal::from(i as u64))?.checked_mul(step).map(|t| Money::new(t, currency)))
                .collect();
            return ticks.ok_or_else(invalid);
        }
    }
    Err(invalid())
}

/// The tick index `k` (of ticks `k × step`) moved once by `by` when its tick misses the end
/// (`reaches` is false): a quotient smaller than Decimal's 28th place rounds to zero, or onto a
/// whole number, so its floor or ceiling can fall one step short. `None` on overflow.
fn reach(k: Decimal, step: Decimal, reaches: impl Fn(Decimal) -> bool, by: Decimal) -> Option<Decimal> {
    if reaches(k.checked_mul(step)?) {
        Some(k)
    } else {
        let moved = k.checked_add(by)?;
        reaches(moved.checked_mul(step)?).then_some(moved)
    }
}

/// `mantissa × 10^exponent`, when `Decimal` holds it.
fn step(mantissa: i128, exponent: i32) -> Option<Decimal> {
    if exponent >= 0 {
        let scaled = 10i128.checked_pow(exponent as u32)?.checked_mul(mantissa)?;
        Decimal::try_from_i128_with_scale(scaled, 0).ok()
    } else {
        Decimal::try_from_i128_with_scale(mantissa, exponent.unsigned_abs()).ok()
    }
}

fn power_of_ten(exponent: i32) -> Option<Decimal> {
    step(1, exponent)
}

/// A tick's label: compact money with the places the figure has (`"$800M"`, `"$1B"`,
/// `"$2.5M"`, `"$0"`).
///
/// ```
/// use revops::coordinator::axis_label;
/// use revops::{Currency, Money};
/// assert_eq!(axis_label(Money::parse("1250000000", Currency::USD)?), "$1.25B");
/// assert_eq!(axis_label(Money::parse("800000000", Currency::EUR)?), "€800M");
/// # Ok::<(), revops::MoneyError>(())
/// ```
pub fn axis_label(tick: Money) -> String {
    compact_round(tick)
}

/// The months after `last`, `n` of them, for forecast labels (fewer at the end of the calendar).
fn months_after(last: Month, n: usize) -> Vec<Month> {
    (1..=n).map_while(|k| i32::try_from(k).ok().and_then(|k| last.checked_add(k).ok())).collect()
}

/// Text safe inside SVG.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl ExecutiveSnapshot {
    /// The forecast interval's level as a percent ("80%").
    fn level(&self) -> String {
        Decimal::from_f64_retain(self.arr_forecast.level)
            .map_or("n/a".into(), |d| format!("{}", Percent::from_fraction(d.round_dp(4))))
    }

    /// `(section, label, value)` rows shared by the terminal and Markdown renderings, the
    /// legend last.
    pub fn rows(&self) -> Vec<(&'static str, String, String)> {
        let m = &self.milestone;
        let by = self.milestone_by.map_or(String::new(), |d| format!(" by {d}"));
        let eta = self.eta.as_ref().map_or("n/a".to_string(), |e| {
            // a percentile the simulation never reached is after its last month
            let horizon = e.probability_by.last().map_or("the horizon".to_string(), |(m, _)| m.to_string());
            let show = |x: Option<Month>| x.map_or(format!("after {horizon}"), |m| m.to_string());
            format!("P50 {} (P10 {}, P90 {})", show(e.p50), show(e.p10), show(e.p90))
        });
        let f = &self.arr_forecast;
        let level = self.level();
        let ttm = format!("{} to {}", self.bridge_ttm.from, self.bridge_ttm.to);
        let c = &self.bridge_ttm.composition;
        let mut rows = vec![
            ("ARR", "ARR".into(), format!("{} ({} YoY)", short(self.arr), pct(self.growth_yoy))),
            (
                "ARR",
                format!("Milestone {}{by}", compact_round(m.target)),
                format!(
                    "{} there · {} to go · {}",
                    pct(Some(m.progress)),
                    short(m.remaining),
                    if m.on_track { "on track" } else { "behind plan" }
                ),
            ),
            ("ARR", "Milestone ETA".into(), eta),
            (
                "ARR",
                "Velocity (net new, last 3 mo)".into(),
                format!("{}/day · {}/month", short(self.velocity.per_day), short(self.velocity.per_month)),
            ),
            (
                "ARR",
                "New ARR, TTM".into(),
                format!(
                    "{} (new business {} · expansion {})",
                    short(self.new_arr),
                    short(c.new_business),
                    short(c.expansion)
                ),
            ),
            ("ARR", "Renewed, TTM".into(), format!("{} kept at renewal (not new ARR)", short(c.renewal))),
            (
                "ARR",
                "Churn and contraction, TTM".into(),
                format!("churn {} · contraction {}", short(self.bridge_ttm.churn), short(self.bridge_ttm.contraction)),
            ),
            ("Retention", "NRR / GRR (TTM)".into(), format!("{} / {}", pct(self.nrr), pct(self.grr))),
            ("Retention", "Quick ratio".into(), self.quick_ratio.map_or("n/a".into(), |q| fixed_places(q, 1))),
            ("Efficiency", "Gross margin".into(), pct(Some(self.gross_margin))),
            (
                "Efficiency",
                "LTV : CAC".into(),
                self.ltv_to_cac.map_or("n/a".into(), |x| format!("{}x", fixed_places(x, 1))),
            ),
            ("Efficiency", "Rule of 40".into(), pct(self.rule_of_40)),
            ("Customers", "Fortune 500".into(), format!("{} of {} target", self.fortune500, self.fortune500_target)),
            (
                "Pipeline",
                format!("Coverage, {}", Quarter::of(self.as_of)),
                match self.pipeline_coverage {
                    Some(c) => format!("{}x the {} target", number(c, 1), compact_round(self.quarter_target)),
                    None => "n/a (no target)".into(),
                },
            ),
            (
                "Pipeline",
                "Quarter close (Monte Carlo)".into(),
                format!(
                    "P10 {} · P50 {} · P90 {} · {} chance of the target",
                    short(self.quarter.p10),
                    short(self.quarter.p50),
                    short(self.quarter.p90),
                    pct_f64(self.quarter.p_target, 0)
                ),
            ),
            (
                "Forecast",
                "ARR in 12 months".into(),
                format!(
                    "{} ({level} prediction interval {} – {})",
                    forecast_money(f.mean.last(), self.currency),
                    forecast_money(f.lower.last(), self.currency),
                    forecast_money(f.upper.last(), self.currency)
                ),
            ),
            ("Collections", "DSO".into(), self.dso.map_or("n/a".into(), |d| format!("{} days", number(d, 0)))),
            (
                "Collections",
                "On-time collection".into(),
                self.on_time_rate.map_or("n/a (nothing due)".into(), |r| pct_f64(r, 1)),
            ),
        ];
        for h in &self.integrations {
            let state = match h.state {
                HealthState::Healthy => "healthy",
                HealthState::Degraded => "DEGRADED",
                HealthState::Down => "DOWN",
            };
            let why = if h.reasons.is_empty() { String::new() } else { format!(" — {}", h.reasons.join("; ")) };
            rows.push(("Integrations", h.integration.clone(), format!("{state}{why}")));
        }
        for a in &self.alerts {
            let sev = match a.severity {
                Severity::Critical => "CRITICAL",
                Severity::Warning => "Warning",
                Severity::Info => "Info",
            };
            rows.push(("Alerts", sev.into(), a.sentence(self.currency)));
        }
        let months = self.arr_history.len();
        rows.extend([
            ("Legend", "TTM".into(), format!("trailing twelve months, {ttm}")),
            (
                "Legend",
                "P10 · P50 · P90".into(),
                "10th, 50th and 90th percentiles of the simulations (1 in 10 comes in below P10)".into(),
            ),
            (
                "Legend",
                format!("{level} prediction interval"),
                format!("the range the forecast gives ARR with {level} probability"),
            ),
            ("Legend", "Forecast".into(), format!("{}, fitted to {months} months of ARR", self.forecast_model)),
        ]);
        rows
    }

    /// A boxed table for a terminal.
    pub fn to_terminal(&self) -> String {
        let rows = self.rows();
        let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(10).max(20);
        let w2 = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(10).max(20);
        let line = |c: char| {
            format!(
                "+{}+{}+\n",
                std::iter::repeat_n(c, w1 + 2).collect::<String>(),
                std::iter::repeat_n(c, w2 + 2).collect::<String>()
            )
        };
        let mut out = line('=');
        let title = format!("EXECUTIVE REVENUE SNAPSHOT — {}", self.as_of);
        let _ = writeln!(out, "| {title:<width$} |", width = w1 + w2 + 3);
        out.push_str(&line('='));
        let mut section = "";
        for (s, label, value) in &rows {
            if *s != section {
                if !section.is_empty() {
                    out.push_str(&line('-'));
                }
                let _ = writeln!(out, "| {:<width$} |", s.to_uppercase(), width = w1 + w2 + 3);
                section = s;
            }
            let _ = writeln!(out, "| {:<w1$} | {:<w2$} |", label, value);
        }
        out.push_str(&line('='));
        out
    }

    /// A Markdown report.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# Executive revenue snapshot — {}\n", self.as_of);
        let mut section = "";
        for (s, label, value) in self.rows() {
            if s != section {
                let _ = write!(out, "\n## {s}\n\n| Metric | Value |\n|---|---|\n");
                section = s;
            }
            let _ = writeln!(out, "| {} | {} |", label.replace('|', "\\|"), value.replace('|', "\\|"));
        }
        out
    }

    /// ARR history, the forecast with its prediction interval, and the milestone, as a
    /// self-contained SVG: y-axis ticks at round figures ([`axis_ticks`]) labelled as compact
    /// money, and a legend that says what each line and the band are.
    pub fn to_svg(&self) -> String {
        let (w, h, left, right, top, bottom) = (960.0, 460.0, 80.0, 30.0, 40.0, 80.0);
        let finite = |v: f64| v.is_finite().then_some(v);
        let history: Vec<f64> = self.arr_history.iter().map(|(_, m)| m.to_f64_lossy()).collect();
        let f = &self.arr_forecast;
        let k = f.mean.len().min(f.lower.len()).min(f.upper.len());
        let target = self.milestone.target.to_f64_lossy();
        let values = history.iter().chain(&f.lower[..k]).chain(&f.upper[..k]).chain([&target]);
        let (lo, hi) = values
            .filter_map(|v| finite(*v))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let as_money = |v: f64| Decimal::from_f64_retain(v).map(|d| Money::new(d.round_dp(2), self.currency));
        let ticks = match (as_money(lo), as_money(hi)) {
            (Some(lo), Some(hi)) => axis_ticks(lo, hi, 9).unwrap_or_default(),
            _ => Vec::new(),
        };
        let (y_min, y_max) = match (ticks.first(), ticks.last()) {
            (Some(a), Some(b)) if a != b => (a.to_f64_lossy(), b.to_f64_lossy()),
            _ if lo < hi => (lo, hi),
            _ => (0.0, 1.0),
        };
        let n = history.len() + k;
        let x = |i: usize| left + (w - left - right) * i as f64 / n.saturating_sub(1).max(1) as f64;
        let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - y_min) / (y_max - y_min));
        let pts = |it: &mut dyn Iterator<Item = (usize, f64)>| {
            it.filter(|(_, v)| v.is_finite()).map(|(i, v)| format!("{:.1},{:.1}", x(i), y(v))).collect::<Vec<_>>()
        };
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            svg,
            r#"<text x="{left}" y="24" font-size="16" font-weight="bold">ARR toward {} — as of {}</text>"#,
            xml(&compact_round(self.milestone.target)),
            self.as_of
        );
        for t in &ticks {
            let v = y(t.to_f64_lossy());
            let _ = writeln!(
                svg,
                r##"<line x1="{left}" x2="{}" y1="{v:.1}" y2="{v:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
                w - right,
                left - 6.0,
                v + 4.0,
                xml(&axis_label(*t))
            );
        }
        let last = self.arr_history.last().map(|(m, _)| *m);
        let forecast_months = last.map_or(Vec::new(), |m| months_after(m, k));
        let months = self.arr_history.iter().map(|(m, _)| *m).chain(forecast_months);
        for (i, m) in months.enumerate().filter(|(i, _)| i % 6 == 0) {
            let _ = writeln!(svg, r#"<text x="{:.1}" y="{}" text-anchor="middle">{m}</text>"#, x(i), h - bottom + 18.0);
        }
        let upper = pts(&mut f.upper[..k].iter().enumerate().map(|(j, v)| (history.len() + j, *v)));
        let lower = pts(&mut f.lower[..k].iter().enumerate().rev().map(|(j, v)| (history.len() + j, *v)));
        let band = [upper, lower].concat().join(" ");
        let _ = writeln!(svg, r##"<polygon points="{band}" fill="#9ecae1" opacity="0.6"/>"##);
        let solid = pts(&mut history.iter().copied().enumerate()).join(" ");
        let _ = writeln!(svg, r##"<polyline points="{solid}" fill="none" stroke="#08519c" stroke-width="2.5"/>"##);
        let joined = history.len().checked_sub(1).map(|i| (i, history[i]));
        let dashed =
            pts(&mut joined.into_iter().chain(f.mean[..k].iter().enumerate().map(|(j, v)| (history.len() + j, *v))))
                .join(" ");
        let _ = writeln!(
            svg,
            r##"<polyline points="{dashed}" fill="none" stroke="#08519c" stroke-width="2" stroke-dasharray="6 4"/>"##
        );
        let by = self.milestone_by.map_or(String::new(), |d| format!(" by {d}"));
        let milestone = xml(&format!("{} milestone{by}", compact_round(self.milestone.target)));
        if target.is_finite() {
            let _ = writeln!(
                svg,
                r##"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#cb181d" stroke-dasharray="4 3"/><text x="{}" y="{:.1}" fill="#cb181d" text-anchor="end">{milestone}</text>"##,
                w - right,
                y(target),
                y(target),
                w - right,
                y(target) - 6.0
            );
        }
        // the legend: a swatch for each line and for the band, and what it means
        let ly = h - 14.0;
        let level = xml(&self.level());
        let model = xml(&self.forecast_model);
        let entries: [(String, String); 4] = [
            (
                r##"<line x1="0" x2="28" y1="0" y2="0" stroke="#08519c" stroke-width="2.5"/>"##.into(),
                "ARR at each month end".into(),
            ),
            (
                r##"<line x1="0" x2="28" y1="0" y2="0" stroke="#08519c" stroke-width="2" stroke-dasharray="6 4"/>"##
                    .into(),
                format!("forecast ({model})"),
            ),
            (
                r##"<rect x="0" y="-7" width="28" height="14" fill="#9ecae1" opacity="0.6"/>"##.into(),
                format!("{level} prediction interval"),
            ),
            (
                r##"<line x1="0" x2="28" y1="0" y2="0" stroke="#cb181d" stroke-dasharray="4 3"/>"##.into(),
                milestone.clone(),
            ),
        ];
        // two columns of two entries under the month labels
        let _ = writeln!(svg, r#"<g class="legend">"#);
        for (i, (swatch, text)) in entries.iter().enumerate() {
            let lx = left + (w - left - right) / 2.0 * (i % 2) as f64;
            let ly = ly - 22.0 * (1 - i / 2) as f64;
            let _ = writeln!(
                svg,
                r##"<g transform="translate({lx:.1},{ly:.1})">{swatch}<text x="34" y="4" fill="#333">{text}</text></g>"##
            );
        }
        let _ = writeln!(svg, "</g>");
        svg.push_str("</svg>\n");
        svg
    }
}
