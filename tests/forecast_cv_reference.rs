//! `cross_validate`, `accuracy` and `interval_score` against Nixtla's statsforecast 2.1.1
//! (`StatsForecast(...).cross_validation`) and utilsforecast 0.2.17 (`utilsforecast.losses`) on
//! AirPassengers (m = 12), austourists (m = 4) and oildata (m = 1).
//!
//! Reference: tests/data/statsforecast_cross_validation.csv, written by
//! comparisons/forecast_cv_reference.py (its `#` header names the versions and the exact calls):
//! per (series, method, h, step, windows), each window's cutoff, statsforecast's forecasts and
//! 80/95 % bounds, utilsforecast's per-window losses and their means over the windows. Methods:
//! `Naive()`, `SeasonalNaive(m)`, `RandomWalkWithDrift()`, `CrostonClassic()` against the crate's
//! `Baseline::{Naive, SeasonalNaive, Drift}` and `Intermittent::Croston`.
//!
//! Conventions, worked out before comparing:
//! - Window placement. statsforecast (core.py, `GroupedArray.cross_validation`) takes
//!   `test_size = h + step × (windows − 1)` and cutoffs at `n − test_size + i × step`,
//!   i = 0…windows − 1, training on every point before; the series' time stamps are 1…n, so a
//!   cutoff (the last training time stamp) is the crate's origin (the training length).
//! - sMAPE: utilsforecast's `smape` is |f − y| ÷ (|f| + |y|), 0–1 (0 where both are 0); the
//!   crate's is 200 × that, in percent 0–200.
//! - MAPE and WAPE: utilsforecast gives fractions, the crate percent (100 ×).
//! - MASE: utilsforecast's `mase(seasonality = m, train_df)` divides each window's MAE by the mean
//!   |y_t − y_{t−m}| of the training data up to that window's cutoff (nulls of the shift dropped,
//!   so n − m terms), the crate's `naive_scale` of the training window and `accuracy`'s scale of
//!   `history` alike (both fall back or give `None` only for a history no longer than m, which no
//!   window here is).
//! - MSIS: utilsforecast has `winkler_score` but no scaled interval score; the reference is the M4
//!   competition's MSIS (Makridakis, Spiliotis & Assimakopoulos 2020, IJF 36(1), §2.3): the
//!   window's mean Winkler score divided by the same scale as MASE.
//! - Coverage: utilsforecast's `coverage` is the share of a window's points in [lo, hi]
//!   (inclusive), per window; the crate's `Score::coverage` pools every point of every window,
//!   which is the mean of the per-window shares because every window has h points.
//! - Averages: utilsforecast's losses are per window (grouped by cutoff); the crate's `Score`
//!   averages MASE, sMAPE and MSIS over windows, so the reference is the mean of the window rows.
//! - Croston: statsforecast's `CrostonClassic` gives intervals only with conformal
//!   `prediction_intervals` (it raises for `level` otherwise), so only its MASE and sMAPE are
//!   compared; the crate's Gaussian Croston intervals have no reference here.
//! - Not reached by these windows, and different by design (utilsforecast 0.2.17, checked by
//!   hand): a training window no longer than m (utilsforecast's MASE is NaN; `cross_validate`
//!   scales by the lag-1 MAE, `accuracy` gives `None`); a flat training window (utilsforecast's
//!   MASE is inf; `cross_validate` skips the window, `accuracy` gives `None`); a zero actual
//!   (utilsforecast's MAPE averages over the other points; `accuracy` gives `None`).
//!
//! Tolerance 1e-9 relative (1e-12 absolute near zero): both sides are deterministic.

use std::cell::RefCell;
use std::collections::BTreeMap;

use revops::forecast::*;

#[path = "common/series.rs"]
mod series;
use series::public_series;

const TOL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * a.abs().max(b.abs()).max(1e-3)
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-3)
}

/// A row of the reference table, read by column name.
struct Row {
    cells: Vec<String>,
    header: std::rc::Rc<Vec<String>>,
}

impl Row {
    fn s(&self, col: &str) -> &str {
        let i = self.header.iter().position(|h| h == col).unwrap_or_else(|| panic!("no column {col}"));
        &self.cells[i]
    }
    /// The number in `col`, NaN where the cell is empty.
    fn x(&self, col: &str) -> f64 {
        let s = self.s(col);
        if s.is_empty() {
            f64::NAN
        } else {
            s.parse().unwrap()
        }
    }
    fn u(&self, col: &str) -> usize {
        self.s(col).parse().unwrap()
    }
    fn setting(&self) -> Setting {
        Setting {
            series: self.s("series").to_string(),
            period: self.u("period"),
            h: self.u("h"),
            step: self.u("step"),
            windows: self.u("windows"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Setting {
    series: String,
    period: usize,
    h: usize,
    step: usize,
    windows: usize,
}

fn reference() -> Vec<Row> {
    let path = format!("{}/tests/data/statsforecast_cross_validation.csv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = std::rc::Rc::new(lines.next().unwrap().split(',').map(String::from).collect::<Vec<_>>());
    lines.map(|l| Row { cells: l.split(',').map(String::from).collect(), header: header.clone() }).collect()
}

fn rows<'a>(table: &'a [Row], kind: &'a str) -> impl Iterator<Item = &'a Row> + 'a {
    table.iter().filter(move |r| r.s("row") == kind)
}

/// The crate's method for a reference method name (the crate's `Method::name`).
fn method(name: &str, period: usize) -> Box<dyn Method> {
    match name {
        "Naive" => Box::new(Baseline::Naive),
        "SNaive" => Box::new(Baseline::SeasonalNaive { period }),
        "Drift" => Box::new(Baseline::Drift),
        "Croston" => Box::new(Intermittent::Croston),
        other => panic!("no method {other}"),
    }
}

/// A method that records the training data it is fitted to.
struct Recording<'a> {
    inner: &'a dyn Method,
    fitted_to: RefCell<Vec<Vec<f64>>>,
}

impl Method for Recording<'_> {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        self.fitted_to.borrow_mut().push(y.to_vec());
        self.inner.fit_series(y)
    }
}

/// Largest relative difference per quantity, for the report.
#[derive(Default)]
struct Worst(BTreeMap<&'static str, f64>);

impl Worst {
    fn see(&mut self, what: &'static str, a: f64, b: f64) -> bool {
        let d = rel(a, b);
        let w = self.0.entry(what).or_insert(0.0);
        *w = w.max(d);
        close(a, b)
    }
}

impl std::fmt::Display for Worst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (k, v) in &self.0 {
            write!(f, "{k} {v:.1e}  ")?;
        }
        Ok(())
    }
}

#[test]
fn cross_validation_origins_are_statsforecast_cutoffs() {
    // statsforecast 2.1.1 core.py: test_size = h + step_size × (n_windows − 1) (StatsForecast.
    // cross_validation), cutoffs at range(−test_size, −h + 1, step_size) from the end, training
    // on grp[0:cutoff]; the crate's docs: "the last `windows` origins, `step` apart, each
    // followed by `h` points".
    let table = reference();
    let mut cutoffs: BTreeMap<Setting, Vec<usize>> = BTreeMap::new();
    for r in rows(&table, "window").filter(|r| r.s("method") == "Naive") {
        cutoffs.entry(r.setting()).or_default().push(r.u("cutoff"));
    }
    let mut off = Vec::new();
    for (s, theirs) in &cutoffs {
        let y = public_series(&s.series);
        let naive = Baseline::Naive;
        let rec = Recording { inner: &naive, fitted_to: RefCell::new(Vec::new()) };
        let cv = RollingOrigin { h: s.h, windows: s.windows, step: s.step, period: s.period, level: 0.8, seed: 0 };
        let score = cross_validate(&y, &[&rec], &cv).unwrap()[0].score.clone().unwrap();
        let trains = rec.fitted_to.into_inner();
        let ours: Vec<usize> = trains.iter().map(Vec::len).collect();
        // the documented placement: the last origin leaves exactly h points
        let documented: Vec<usize> = (0..s.windows).map(|w| y.len() - s.h - (s.windows - 1 - w) * s.step).collect();
        if &ours != theirs || &documented != theirs || score.windows != s.windows {
            off.push(format!("{s:?}: origins {ours:?}, documented {documented:?}, statsforecast cutoffs {theirs:?}"));
        }
        // each window trains on the series up to its origin
        if let Some(t) = trains.iter().find(|t| t[..] != y[..t.len()]) {
            off.push(format!("{s:?}: training window of {} points is not the series' first {0}", t.len()));
        }
    }
    assert_eq!(cutoffs.len(), 12, "settings in the reference");
    assert!(off.is_empty(), "{}", off.join("\n"));
}

#[test]
fn refits_at_each_cutoff_give_statsforecast_cross_validation_forecasts() {
    // statsforecast's cross_validation refits at every cutoff (refit=True); the crate's methods
    // fitted to y[..cutoff] must give the same forecasts and 80/95 % bounds, so that any
    // difference in the scores below is the scoring's.
    let table = reference();
    let mut worst = Worst::default();
    let mut off = Vec::new();
    let mut points = 0;
    for r in rows(&table, "point") {
        let s = r.setting();
        let y = public_series(&s.series);
        let (cutoff, k) = (r.u("cutoff"), r.u("k"));
        assert_eq!(r.x("y"), y[cutoff + k - 1], "actual at cutoff {cutoff} step {k}");
        let p = method(r.s("method"), s.period).fit_series(&y[..cutoff]).unwrap().predict_with(s.h, &[0.8, 0.95], 0);
        let p = p.unwrap();
        let (i80, i95) = (p.interval(0.8).unwrap(), p.interval(0.95).unwrap());
        let ours = [p.mean[k - 1], i80.lower[k - 1], i80.upper[k - 1], i95.lower[k - 1], i95.upper[k - 1]];
        let names = ["mean", "lo80", "hi80", "lo95", "hi95"];
        for (name, a) in names.iter().zip(ours) {
            let b = r.x(name);
            if b.is_nan() {
                continue; // Croston's bounds: none in statsforecast
            }
            if !worst.see(name, a, b) {
                off.push(format!("{s:?} {} cutoff {cutoff} step {k} {name}: {a} vs {b}", r.s("method")));
            }
        }
        points += 1;
    }
    println!("forecasts, {points} points, largest relative difference: {worst}");
    assert!(off.is_empty(), "{}", off.join("\n"));
}

/// The crate's score of one method under one setting against the reference means (or one
/// window's metrics), at both levels; pushes a line per quantity that differs.
fn compare_score(
    label: &str,
    y: &[f64],
    m: &dyn Method,
    cv: RollingOrigin,
    r: &Row,
    worst: &mut Worst,
    off: &mut Vec<String>,
) {
    for (level, cov, msis) in [(0.8, "coverage80", "msis80"), (0.95, "coverage95", "msis95")] {
        let s = cross_validate(y, &[m], &RollingOrigin { level, ..cv }).unwrap()[0].score.clone().unwrap();
        // sMAPE: the crate's percent (0–200) is 200 × utilsforecast's 0–1 ratio
        let mut pairs = vec![("MASE", s.mase, r.x("mase")), ("sMAPE", s.smape, 200.0 * r.x("smape"))];
        if !r.x(cov).is_nan() {
            pairs.push(("coverage", s.coverage, r.x(cov)));
            pairs.push(("MSIS", s.msis, r.x(msis)));
        }
        for (what, a, b) in pairs {
            if !worst.see(what, a, b) {
                off.push(format!("{label} level {level} {what}: revops {a} vs reference {b} ({:.2e})", rel(a, b)));
            }
        }
    }
}

#[test]
fn cross_validated_scores_of_each_window_match_utilsforecast() {
    // One window at each statsforecast cutoff: cross_validate on y[..cutoff + h] with windows = 1
    // puts its only origin at the cutoff (the placement checked above); its Score is that
    // window's utilsforecast mase, 200 × smape, coverage(level) and winkler_score(level) ÷ scale.
    let table = reference();
    let mut worst = Worst::default();
    let mut off = Vec::new();
    for r in rows(&table, "window") {
        let s = r.setting();
        let y = public_series(&s.series);
        let cutoff = r.u("cutoff");
        let m = method(r.s("method"), s.period);
        let cv = RollingOrigin { h: s.h, windows: 1, step: 1, period: s.period, level: 0.8, seed: 0 };
        let label = format!("{} {} h={} cutoff {cutoff}", s.series, r.s("method"), s.h);
        compare_score(&label, &y[..cutoff + s.h], m.as_ref(), cv, r, &mut worst, &mut off);
    }
    println!("per-window scores, largest relative difference: {worst}");
    assert!(off.is_empty(), "{}", off.join("\n"));
}

#[test]
fn cross_validated_scores_match_utilsforecast_averaged_over_windows() {
    // cross_validate's Score (MASE, sMAPE, MSIS averaged over windows; coverage over all points)
    // against the mean of utilsforecast's per-window losses over statsforecast's windows.
    let table = reference();
    let mut worst = Worst::default();
    let mut off = Vec::new();
    let mut settings = 0;
    for r in rows(&table, "average") {
        let s = r.setting();
        let y = public_series(&s.series);
        let m = method(r.s("method"), s.period);
        let cv = RollingOrigin { h: s.h, windows: s.windows, step: s.step, period: s.period, level: 0.8, seed: 0 };
        let label = format!("{s:?} {}", r.s("method"));
        compare_score(&label, &y, m.as_ref(), cv, r, &mut worst, &mut off);
        settings += 1;
    }
    assert_eq!(settings, 48, "12 settings × 4 methods");
    println!("averaged scores, largest relative difference: {worst}");
    assert!(off.is_empty(), "{}", off.join("\n"));
}

#[test]
fn accuracy_and_interval_score_of_statsforecast_windows_match_utilsforecast_losses() {
    // accuracy(actual, statsforecast's forecasts, y[..cutoff], m) against utilsforecast's mae,
    // rmse, mape (fraction; the crate's percent), smape (0–1; the crate's 0–200), mase
    // (seasonality m, train_df up to the cutoff), bias (forecast − actual) and wape (fraction);
    // interval_score against coverage(level) and winkler_score(level) — every window.
    let table = reference();
    let mut windows: BTreeMap<(Setting, String, usize), Vec<&Row>> = BTreeMap::new();
    for r in rows(&table, "point") {
        windows.entry((r.setting(), r.s("method").to_string(), r.u("cutoff"))).or_default().push(r);
    }
    let mut worst = Worst::default();
    let mut off = Vec::new();
    for r in rows(&table, "window") {
        let s = r.setting();
        let key = (s.clone(), r.s("method").to_string(), r.u("cutoff"));
        let points = &windows[&key];
        assert_eq!(points.len(), s.h);
        let y = public_series(&s.series);
        let col = |c: &str| points.iter().map(|p| p.x(c)).collect::<Vec<f64>>();
        let (actual, forecast) = (col("y"), col("mean"));
        let a = accuracy(&actual, &forecast, &y[..key.2], s.period).unwrap();
        let label = format!("{s:?} {} cutoff {}", key.1, key.2);
        let pairs = [
            ("mae", a.mae, r.x("mae")),
            ("rmse", a.rmse, r.x("rmse")),
            ("mape", a.mape.unwrap(), 100.0 * r.x("mape")),
            ("smape", a.smape, 200.0 * r.x("smape")),
            ("mase", a.mase.unwrap(), r.x("mase")),
            ("bias", a.bias, r.x("bias")),
            ("wape", a.wape.unwrap(), 100.0 * r.x("wape")),
        ];
        for (what, ours, theirs) in pairs {
            if !worst.see(what, ours, theirs) {
                off.push(format!("{label} {what}: revops {ours} vs utilsforecast {theirs}"));
            }
        }
        for (level, lo, hi, cov, wink) in
            [(0.8, "lo80", "hi80", "coverage80", "winkler80"), (0.95, "lo95", "hi95", "coverage95", "winkler95")]
        {
            if r.x(cov).is_nan() {
                continue; // Croston: no statsforecast intervals
            }
            let (coverage, winkler) = interval_score(&actual, &col(lo), &col(hi), level).unwrap();
            for (what, ours, theirs) in [("coverage", coverage, r.x(cov)), ("winkler", winkler, r.x(wink))] {
                if !worst.see(what, ours, theirs) {
                    off.push(format!("{label} level {level} {what}: revops {ours} vs utilsforecast {theirs}"));
                }
            }
        }
    }
    println!("accuracy and interval_score, largest relative difference: {worst}");
    assert!(off.is_empty(), "{}", off.join("\n"));
}
