//! Rendering the snapshot for a terminal and for Markdown.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{ExecutiveSnapshot, HealthState, Severity};
use crate::money::{fixed_places, Money, MoneyFormat, Percent};

/// `$812.4M`-style short money.
fn short(m: Money) -> String {
    MoneyFormat::new().symbol().compact().format(m)
}

fn pct(d: Option<Decimal>) -> String {
    d.map_or("n/a".into(), |d| format!("{:.1}", Percent::from_fraction(d)))
}

/// A decimal with `dp` places. (rust_decimal's `{:.N}` panics on values near `Decimal::MAX`.)
fn places(d: Decimal, dp: usize) -> String {
    fixed_places(d, dp)
}

/// The last point of a forecast band as money (none when the band is empty).
fn last_point(band: &[f64], currency: crate::money::Currency) -> String {
    band.last().and_then(|x| Decimal::from_f64_retain(*x)).map_or("n/a".into(), |x| short(Money::new(x, currency)))
}

impl ExecutiveSnapshot {
    /// `(section, label, value)` rows shared by both renderings.
    pub fn rows(&self) -> Vec<(&'static str, String, String)> {
        let m = &self.milestone;
        let eta = self.eta.as_ref().map_or("n/a".to_string(), |e| {
            let show = |x: Option<crate::calendar::Month>| x.map_or("later".to_string(), |m| m.to_string());
            format!("P50 {} (P10 {}, P90 {})", show(e.p50), show(e.p10), show(e.p90))
        });
        let f = &self.arr_forecast;
        let mut rows = vec![
            ("ARR", "ARR".into(), format!("{} ({} YoY)", short(self.arr), pct(self.growth_yoy))),
            (
                "ARR",
                format!("Milestone {}", short(m.target)),
                format!(
                    "{} · {} to go · {}",
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
                    "new business {} · expansion {} · renewals {}",
                    short(self.composition.new_business),
                    short(self.composition.expansion),
                    short(self.composition.renewal)
                ),
            ),
            (
                "ARR",
                "Churn + contraction, TTM".into(),
                format!("{} + {}", short(self.bridge_ttm.churn), short(self.bridge_ttm.contraction)),
            ),
            ("Retention", "NRR / GRR (TTM)".into(), format!("{} / {}", pct(self.nrr), pct(self.grr))),
            ("Retention", "Quick ratio".into(), self.quick_ratio.map_or("n/a".into(), |q| places(q, 2))),
            ("Efficiency", "Gross margin".into(), pct(Some(self.gross_margin))),
            ("Efficiency", "LTV : CAC".into(), self.ltv_to_cac.map_or("n/a".into(), |x| format!("{}x", places(x, 1)))),
            ("Efficiency", "Rule of 40".into(), pct(self.rule_of_40)),
            ("Customers", "Fortune 500".into(), format!("{} of {} target", self.fortune500, self.fortune500_target)),
            (
                "Pipeline",
                format!("Coverage, {}", crate::calendar::Quarter::of(self.as_of)),
                format!("{:.2}x", self.pipeline_coverage),
            ),
            (
                "Pipeline",
                "Quarter close (Monte Carlo)".into(),
                format!(
                    "P10 {} · P50 {} · P90 {} · P(target) {:.0}%",
                    short(self.quarter.p10),
                    short(self.quarter.p50),
                    short(self.quarter.p90),
                    100.0 * self.quarter.p_target
                ),
            ),
            (
                "Forecast",
                format!("ARR in 12 months ({})", self.forecast_model),
                format!(
                    "{} [{} – {}] 80%",
                    last_point(&f.mean, self.currency),
                    last_point(&f.lower, self.currency),
                    last_point(&f.upper, self.currency)
                ),
            ),
            ("Collections", "DSO".into(), self.dso.map_or("n/a".into(), |d| format!("{d:.0} days"))),
            ("Collections", "On-time collection".into(), format!("{:.1}%", 100.0 * self.on_time_rate)),
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
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            rows.push(("Alerts", format!("[{sev}] {}", a.rule), a.explanation.clone()));
        }
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
}
