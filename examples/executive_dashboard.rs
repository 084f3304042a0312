//! The main job: generate the seeded demo company (about $800M ARR, 280 Fortune 500 customers,
//! thousands of accounts, deals, contracts and invoices) in memory, run every engine over it,
//! print the executive dashboard, and write an SVG of ARR history with the forecast fan toward
//! $1B, plus the Markdown report, under `target/`.
//!
//! Run: `cargo run --release --example executive_dashboard`

use std::fmt::Write as _;
use std::time::Instant;

use revops::coordinator::demo::DemoCompany;
use revops::coordinator::{AlertState, ExecutiveSnapshot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let company = DemoCompany::generate(42)?;
    let book = company.arr_book()?;
    let config = company.config();
    let sources = company.sources(&book);
    let snapshot = ExecutiveSnapshot::build(company.as_of, sources, &config, &mut AlertState::default())?;
    let elapsed = started.elapsed();

    println!("{}", snapshot.to_terminal());
    println!(
        "demo company: {} accounts, {} subscription events, {} new-logo contracts with {} invoices, {} pipeline deals — built and analysed in {:.0} ms",
        company.accounts.len(),
        company.events.len(),
        company.bookings.len(),
        company.bookings.iter().map(|b| b.invoices.len()).sum::<usize>(),
        company.pipeline.len(),
        elapsed.as_secs_f64() * 1e3
    );

    std::fs::create_dir_all("target")?;
    std::fs::write("target/executive_dashboard.svg", chart(&snapshot))?;
    std::fs::write("target/executive_dashboard.md", snapshot.to_markdown())?;
    println!("wrote target/executive_dashboard.svg and target/executive_dashboard.md");
    Ok(())
}

/// ARR history, the 80% forecast fan, and the $1B line, as a self-contained SVG.
fn chart(s: &ExecutiveSnapshot) -> String {
    let (w, h, left, right, top, bottom) = (960.0, 440.0, 80.0, 30.0, 40.0, 50.0);
    let history: Vec<f64> = s.arr_history.iter().map(|(_, m)| m.to_f64_lossy() / 1e6).collect();
    let f = &s.arr_forecast;
    let (mean, lower, upper): (Vec<f64>, Vec<f64>, Vec<f64>) = (
        f.mean.iter().map(|v| v / 1e6).collect(),
        f.lower.iter().map(|v| v / 1e6).collect(),
        f.upper.iter().map(|v| v / 1e6).collect(),
    );
    let target = s.milestone.target.to_f64_lossy() / 1e6;
    let n = history.len() + mean.len();
    let y_max = upper.iter().chain(&history).fold(target, |a, b| a.max(*b)) * 1.08;
    let y_min = history.iter().fold(f64::MAX, |a, b| a.min(*b)) * 0.85;
    let x = |i: usize| left + (w - left - right) * i as f64 / (n - 1) as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - y_min) / (y_max - y_min));
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{left}" y="24" font-size="16" font-weight="bold">ARR toward ${:.1}B — as of {} ({})</text>"#,
        target / 1e3,
        s.as_of,
        s.forecast_model
    );
    for k in 0..=5 {
        let v = y_min + (y_max - y_min) * k as f64 / 5.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">${v:.0}M</text>"##,
            w - right,
            y(v),
            y(v),
            left - 6.0,
            y(v) + 4.0
        );
    }
    for (i, (m, _)) in s.arr_history.iter().enumerate().filter(|(i, _)| i % 6 == 0) {
        let _ = writeln!(svg, r#"<text x="{:.1}" y="{}" text-anchor="middle">{m}</text>"#, x(i), h - bottom + 18.0);
    }
    let fan: Vec<String> = (0..mean.len())
        .map(|k| format!("{:.1},{:.1}", x(history.len() + k), y(upper[k])))
        .chain((0..mean.len()).rev().map(|k| format!("{:.1},{:.1}", x(history.len() + k), y(lower[k]))))
        .collect();
    let _ = writeln!(svg, r##"<polygon points="{}" fill="#9ecae1" opacity="0.6"/>"##, fan.join(" "));
    let line = |pts: Vec<(usize, f64)>| {
        pts.iter().map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v))).collect::<Vec<_>>().join(" ")
    };
    let _ = writeln!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#08519c" stroke-width="2.5"/>"##,
        line(history.iter().copied().enumerate().collect())
    );
    let joined: Vec<(usize, f64)> = std::iter::once((history.len() - 1, history[history.len() - 1]))
        .chain(mean.iter().enumerate().map(|(k, v)| (history.len() + k, *v)))
        .collect();
    let _ = writeln!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#08519c" stroke-width="2" stroke-dasharray="6 4"/>"##,
        line(joined)
    );
    let _ = writeln!(
        svg,
        r##"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#cb181d" stroke-dasharray="4 3"/><text x="{}" y="{:.1}" fill="#cb181d" text-anchor="end">$1B milestone</text>"##,
        w - right,
        y(target),
        y(target),
        w - right,
        y(target) - 6.0
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" fill="#555">history (solid) · 12-month forecast (dashed) · 80% interval (band)</text>"##,
        left,
        h - 8.0
    );
    svg.push_str("</svg>\n");
    svg
}
