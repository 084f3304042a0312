//! The public entry points of `revops::forecast`, checked against what their rustdoc promises,
//! with expectations written from the doc comments only (never from the function bodies).
//!
//! Covered: AutoETS's candidate table (family, order, refusals, AICc and log-likelihood recomputed
//! from the documented formulas, the pruning rule, restricted families); AutoARIMA's candidate
//! table (exact search: each candidate is `spec.fit(y)`, refusals near the unit circle, AICc
//! recomputed); several interval levels in one call for every method, against the documented
//! variance formulas; `Simulation`'s summaries recomputed from its paths; the milestone ETA on an
//! exactly linear history (crossing month by hand) and on a noisy one (distribution read off
//! paths rebuilt from the documented recipe); the pipeline rollups and the close Monte Carlo;
//! the documented error variants.
//!
//! Readings chosen where the docs are not explicit:
//! - AutoETS is pruned by default (margin 10): a form "is not searched from its other starting
//!   points" when its first optimum is more than the margin behind the best form's, refined
//!   "nearest first", and is then marked `pruned`. The best known at a form's turn is never
//!   below the lowest AICc of the table, so a candidate within the margin of that lowest cannot
//!   have been pruned; an unpruned candidate must equal `spec.fit(y)`, and a pruned one is no
//!   better than it. `AutoEts::exact()` prunes nothing: every candidate is `spec.fit(y)`.
//! - The candidate order "error, then trend, then season" uses the declaration order of each enum.
//!   `AutoEts::new(1)` ("1 for none") still lists the seasonal forms, refused with
//!   `SeasonTooShort { period: 1, needed: 4 }`: read as consistent with "every form tried"; which
//!   reason a form gets when several apply (a zero under ETS(M,N,M) with period 1) is not
//!   documented and not checked.
//! - `log L = −n/2 (ln(2π σ̂²) + 1) − Σ ln μ_t` takes `σ̂² = sigma2()` and μ_t = `fitted()[t]`;
//!   `sigma2()` is the mean of `(y − μ)²` (additive) or `((y − μ)/μ)²` (multiplicative).
//! - ARIMA AICc "σ² counted as a parameter, as statsforecast": with K = `coefficients()` + 1
//!   and n* = n − d − mD points after differencing, `AICc = −2 log L + 2K + 2K(K+1)/(n* − K − 1)`.
//! - `predict_simulated(h, levels, paths, seed)`'s bounds are the type-7 quantiles at
//!   (1 ∓ level)/2 of `simulation(h, paths, seed)`; its mean is the point forecast; and
//!   `forecast(h, level, seed)` for a form without analytic intervals is
//!   `predict_simulated(h, &[level], 2_000, seed)`.
//! - Summaries of `Simulation` are compared to 1e-12 relative (the summation order is not
//!   documented), not bit for bit.
//! - Milestone ETA: a path "reaches" the target in the first future month whose value is ≥ the
//!   target less half a cent (it rounds to the target's cents); p10/p90 are the first months where the crossed share is ≥ 0.1/0.9, p50 the first
//!   where it is ≥ 0.5; the paths are `ets.simulate(horizon, paths, seed)` of the fitted default
//!   ensemble's AutoETS, shifted by `ensemble.predict` mean − `ets.point_forecast`.
//!   `probability_by` for a month past the horizon: "0 beyond the horizon's knowledge: never
//!   assumed" is read as "no crossing is assumed past the horizon", so the value stays at the
//!   last month's probability (the function is a probability of reaching *by* that month).
//! - Close Monte Carlo: "days left" is counted from the close date to the quarter's end; the
//!   checks use slips wide enough that counting to the last day or to the exclusive end makes
//!   no measurable difference. Every open deal given takes part (one closing after the quarter
//!   may slip into it, with P(slip ≤ days left) for negative days left). Closed deals count in
//!   full whatever their probability.
//! - Close Monte Carlo percentiles: the quantile convention is not documented; only checked where
//!   every convention agrees (a step distribution away from its jumps).
//! - Pipeline: the probability check applies to every deal given (the docs qualify only the
//!   currency check with "in the quarter").
#![allow(clippy::needless_range_loop)]

use chrono::NaiveDate;
use revops::calendar::{Month, Quarter};
use revops::forecast::*;
use revops::limits::{MAX_HORIZON, MAX_SEASON, MAX_TRIALS};
use revops::money::Percent;
use revops::{Currency, Money};
use statrs::distribution::{ContinuousCDF, Normal};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/// Uniform noise in [−0.5, 0.5) from a fixed LCG, so every series here is deterministic.
fn noise(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        })
        .collect()
}

/// A positive trending series with a multiplicative season of `m` and some noise.
fn seasonal_series(n: usize, m: usize, seed: u64) -> Vec<f64> {
    let e = noise(n, seed);
    (0..n)
        .map(|t| {
            let s = 1.0 + 0.15 * (2.0 * std::f64::consts::PI * (t % m) as f64 / m as f64).sin();
            (100.0 + 1.5 * t as f64) * s + 8.0 * e[t]
        })
        .collect()
}

/// A wandering positive level with a small trend.
fn trending_series(n: usize, seed: u64) -> Vec<f64> {
    let e = noise(n, seed);
    let mut l = 200.0;
    (0..n)
        .map(|t| {
            l += 2.0 + 6.0 * e[t];
            l + 3.0 * e[(t + 1) % n]
        })
        .collect()
}

fn z(level: f64) -> f64 {
    Normal::new(0.0, 1.0).unwrap().inverse_cdf((1.0 + level) / 2.0)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

fn assert_close(a: f64, b: f64, rel: f64, what: &str) {
    assert!(close(a, b, rel), "{what}: {a} vs {b} (diff {})", a - b);
}

/// R's type 7 quantile of sorted values.
fn type7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn column(paths: &[Vec<f64>], k: usize) -> Vec<f64> {
    let mut c: Vec<f64> = paths.iter().map(|p| p[k]).collect();
    c.sort_by(|a, b| a.partial_cmp(b).unwrap());
    c
}

fn spec(error: ErrorType, trend: TrendType, season: SeasonType, period: usize) -> EtsSpec {
    EtsSpec { error, trend, season, period }
}

const ERRORS: [ErrorType; 2] = [ErrorType::Additive, ErrorType::Multiplicative];
const TRENDS: [TrendType; 3] = [TrendType::None, TrendType::Additive, TrendType::Damped];
const SEASONS: [SeasonType; 3] = [SeasonType::None, SeasonType::Additive, SeasonType::Multiplicative];

/// The documented parameter count k of an ETS form: smoothing parameters, initial level and
/// trend, m − 1 seasonal states and σ².
fn ets_k(s: &EtsSpec) -> usize {
    let trend = s.trend != TrendType::None;
    let season = s.season != SeasonType::None;
    let smoothing = 1 + trend as usize + season as usize + (s.trend == TrendType::Damped) as usize;
    let states = 1 + trend as usize + if season { s.period - 1 } else { 0 };
    smoothing + states + 1
}

fn aicc_formula(loglik: f64, k: usize, n: usize) -> f64 {
    let (k, n) = (k as f64, n as f64);
    if n - k - 1.0 <= 0.0 {
        return f64::INFINITY;
    }
    -2.0 * loglik + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0)
}

/// Checks the documented log-likelihood, variance and AICc of a fitted ETS model.
fn check_ets_likelihood(y: &[f64], m: &EtsModel) {
    let s = m.spec();
    let n = y.len();
    assert_eq!(m.n(), n);
    let f = m.fitted();
    let mult = s.error == ErrorType::Multiplicative;
    let sse: f64 = y
        .iter()
        .zip(f)
        .map(|(y, mu)| {
            let e = if mult { (y - mu) / mu } else { y - mu };
            e * e
        })
        .sum();
    assert_close(m.sigma2(), sse / n as f64, 1e-9, &format!("{s} sigma2 = SSE/n"));
    let mut ll = -(n as f64) / 2.0 * ((2.0 * std::f64::consts::PI * m.sigma2()).ln() + 1.0);
    if mult {
        ll -= f.iter().map(|mu| mu.abs().ln()).sum::<f64>();
    }
    assert_close(m.log_likelihood(), ll, 1e-9, &format!("{s} log-likelihood"));
    let want = aicc_formula(m.log_likelihood(), ets_k(&s), n);
    assert_close(m.aicc(), want, 1e-12, &format!("{s} AICc"));
}

/// The documented parameter region and the parts a form carries.
fn check_ets_parts(m: &EtsModel) {
    let s = m.spec();
    let EtsParams { alpha, beta, gamma, phi } = m.params();
    assert!(0.0 < alpha && alpha < 1.0, "{s}: α = {alpha}");
    if s.trend == TrendType::None {
        assert_eq!((beta, m.trend()), (0.0, 0.0), "{s}: β and the trend are 0 without a trend");
    } else {
        assert!(0.0 < beta && beta < alpha, "{s}: 0 < β < α: {beta}, {alpha}");
    }
    if s.season == SeasonType::None {
        assert_eq!(gamma, 0.0, "{s}: γ");
        assert_eq!(m.season().len(), 1, "{s}: one unused seasonal state");
    } else {
        assert!(0.0 < gamma && gamma < 1.0 - alpha, "{s}: 0 < γ < 1 − α: {gamma}, {alpha}");
        assert_eq!(m.season().len(), s.period, "{s}: one state per season position");
    }
    if s.trend == TrendType::Damped {
        assert!((0.8..=0.98).contains(&phi), "{s}: φ = {phi}");
    } else {
        assert_eq!(phi, 1.0, "{s}: φ is 1 unless damped");
    }
    assert_eq!(m.fitted().len(), m.n());
}

// ---------------------------------------------------------------------------------------------
// AutoETS candidate table
// ---------------------------------------------------------------------------------------------

/// Checks a candidate table against `spec.fit(y)` and that the best is the lowest AICc; returns
/// the best AICc. Without a pruning margin every candidate is the form's full fit. With one, a
/// form is left unrefined only when its first optimum is more than `margin` behind the best form
/// known at its turn, which is never better than the best of the table: so a candidate within
/// `margin` of the best must be the full fit, and one further behind is the full fit or no
/// better than it.
fn check_table(y: &[f64], fit: &AutoEtsFit, margin: Option<f64>) -> f64 {
    let lowest =
        fit.candidates().iter().filter_map(|c| c.fit.as_ref().ok()).map(|m| m.aicc()).fold(f64::INFINITY, f64::min);
    for c in fit.candidates() {
        let refit = c.spec.fit(y);
        match &c.fit {
            Ok(m) => {
                assert_eq!(m.spec(), c.spec);
                check_ets_likelihood(y, m);
                check_ets_parts(m);
                if c.pruned {
                    assert!(margin.is_some_and(|margin| m.aicc() > lowest + margin), "{}: pruned too near", c.spec);
                    let r = refit.expect("a candidate that was fitted once fits again");
                    assert!(r.aicc() <= m.aicc() + 1e-9, "{}: pruned, its full fit is at least as good", c.spec);
                } else {
                    assert_eq!(refit.as_ref(), Ok(m), "{}: not pruned, so it must be spec.fit(y)", c.spec);
                }
            }
            Err(e) => {
                assert!(!c.pruned, "{}: a refused form is not marked pruned", c.spec);
                assert_eq!(refit.as_ref().err(), Some(e), "{}: refused as spec.fit(y) refuses", c.spec)
            }
        }
    }
    let best = fit.best();
    assert_eq!(best.aicc(), lowest, "the best has the lowest AICc");
    assert!(
        fit.candidates().iter().any(|c| c.fit.as_ref() == Ok(best)),
        "the best is one of the candidates, unchanged"
    );
    lowest
}

#[test]
fn auto_ets_candidate_table_is_the_full_family_in_order_with_documented_aicc() {
    let y = seasonal_series(32, 4, 1);
    let fit = AutoEts::new(4).fit(&y).unwrap();
    let expected: Vec<EtsSpec> = ERRORS
        .iter()
        .flat_map(|&e| TRENDS.iter().flat_map(move |&t| SEASONS.iter().map(move |&s| spec(e, t, s, 4))))
        .collect();
    let got: Vec<EtsSpec> = fit.candidates().iter().map(|c| c.spec).collect();
    assert_eq!(got, expected, "every form once, error then trend then season");
    for c in fit.candidates() {
        if c.spec.error == ErrorType::Additive && c.spec.season == SeasonType::Multiplicative {
            assert_eq!(
                c.fit.as_ref().err(),
                Some(&ForecastError::NotAdmissible { spec: c.spec, reason: Inadmissible::Unstable }),
                "{}",
                c.spec
            );
        } else {
            assert!(c.fit.is_ok(), "{}: {:?}", c.spec, c.fit);
        }
    }
    check_table(&y, &fit, Some(10.0));
    check_table(&y, &AutoEts::new(4).exact().fit(&y).unwrap(), None);
    check_table(&y, &AutoEts::new(4).pruned(0.0).fit(&y).unwrap(), Some(0.0));
    assert_eq!(&auto_ets(&y, 4).unwrap(), fit.best(), "auto_ets is AutoEts::new(period)'s best");
    assert_eq!(fit.clone().into_best(), *fit.best());
}

#[test]
fn auto_ets_restricted_family_is_exactly_the_sub_table_and_its_best() {
    let y = seasonal_series(32, 4, 2);
    let search = AutoEts::new(4)
        .errors(&[ErrorType::Multiplicative])
        .trends(&[TrendType::None, TrendType::Damped])
        .seasons(&[SeasonType::Additive, SeasonType::Multiplicative]);
    let fit = search.fit(&y).unwrap();
    let got: Vec<EtsSpec> = fit.candidates().iter().map(|c| c.spec).collect();
    let m = ErrorType::Multiplicative;
    assert_eq!(
        got,
        [
            spec(m, TrendType::None, SeasonType::Additive, 4),
            spec(m, TrendType::None, SeasonType::Multiplicative, 4),
            spec(m, TrendType::Damped, SeasonType::Additive, 4),
            spec(m, TrendType::Damped, SeasonType::Multiplicative, 4),
        ]
    );
    check_table(&y, &fit, Some(10.0));
    // the restricted best is the best of these four forms, each fitted on its own
    let lowest = got.iter().map(|s| s.fit(&y).unwrap().aicc()).fold(f64::INFINITY, f64::min);
    assert_close(fit.best().aicc(), lowest, 1e-12, "restricted best");
}

#[test]
fn auto_ets_on_data_with_a_zero_refuses_multiplicative_forms_as_not_positive() {
    let mut y = trending_series(30, 3);
    y[10] = 0.0;
    let fit = AutoEts::new(1).fit(&y).unwrap();
    // period 1: the seasonal forms are still tried, and refused (a season needs a period ≥ 2)
    assert_eq!(fit.candidates().len(), 18);
    for c in fit.candidates() {
        if c.spec.season != SeasonType::None {
            // refused; which reason comes first when several apply is not documented
            let short = Inadmissible::SeasonTooShort { period: 1, needed: 4 };
            match c.fit.as_ref() {
                Err(ForecastError::NotAdmissible { spec, reason }) => {
                    assert_eq!(*spec, c.spec);
                    let additive = c.spec.error == ErrorType::Additive && c.spec.season == SeasonType::Additive;
                    assert!(
                        *reason == short || (!additive && *reason != Inadmissible::ExactFit),
                        "{}: {reason:?}",
                        c.spec
                    );
                }
                other => panic!("{}: {other:?}", c.spec),
            }
        } else if c.spec.error == ErrorType::Multiplicative {
            assert_eq!(
                c.fit.as_ref().err(),
                Some(&ForecastError::NotAdmissible { spec: c.spec, reason: Inadmissible::NotPositive })
            );
        } else {
            assert!(c.fit.is_ok(), "{}", c.spec);
        }
    }
    check_table(&y, &fit, Some(10.0));
}

#[test]
fn auto_ets_refuses_seasons_without_two_cycles_plus_two_points() {
    // period 12 needs 2 × 12 + 2 = 26 points; 25 are too few, 26 are enough
    let y = seasonal_series(26, 12, 4);
    let short = AutoEts::new(12).errors(&[ErrorType::Additive]).trends(&[TrendType::None]).fit(&y[..25]).unwrap();
    for c in short.candidates() {
        if c.spec.season == SeasonType::Additive {
            assert_eq!(
                c.fit.as_ref().err(),
                Some(&ForecastError::NotAdmissible {
                    spec: c.spec,
                    reason: Inadmissible::SeasonTooShort { period: 12, needed: 26 }
                })
            );
        }
    }
    let ok = spec(ErrorType::Additive, TrendType::None, SeasonType::Additive, 12);
    assert!(ok.admissible(&y).is_ok(), "26 points suffice for a season of 12");
    let one = spec(ErrorType::Additive, TrendType::None, SeasonType::Additive, 1);
    assert!(matches!(
        one.admissible(&y),
        Err(ForecastError::NotAdmissible { reason: Inadmissible::SeasonTooShort { period: 1, .. }, .. })
    ));
}

#[test]
fn auto_ets_errors_are_the_documented_variants() {
    let y = trending_series(20, 5);
    match AutoEts::new(1).errors(&[]).fit(&y) {
        Err(ForecastError::NoModel { tried }) => assert!(tried.is_empty(), "{tried:?}"),
        other => panic!("empty family: {other:?}"),
    }
    // every form refused: NoModel with each form's error
    let neg: Vec<f64> = y.iter().map(|v| -v).collect();
    match AutoEts::new(1).errors(&[ErrorType::Multiplicative]).seasons(&[SeasonType::None]).fit(&neg) {
        Err(ForecastError::NoModel { tried }) => {
            assert_eq!(tried.len(), 3);
            assert!(tried.iter().all(|(s, e)| matches!(e, ForecastError::NotAdmissible { spec, reason: Inadmissible::NotPositive } if spec == s)));
        }
        other => panic!("no admissible form: {other:?}"),
    }
    assert!(matches!(AutoEts::new(1).fit(&y[..3]), Err(ForecastError::ShortSeries { got: 3, .. })));
    let mut bad = y.clone();
    bad[2] = f64::NAN;
    assert_eq!(AutoEts::new(1).fit(&bad).err(), Some(ForecastError::NonFinite(2)));
    bad[2] = f64::INFINITY;
    assert_eq!(auto_ets(&bad, 1).err(), Some(ForecastError::NonFinite(2)));
    let mut huge = y.clone();
    huge[4] = 1e300;
    assert_eq!(auto_ets(&huge, 1).err(), Some(ForecastError::TooLarge(4)));
    assert!(matches!(AutoEts::new(MAX_SEASON + 1).fit(&y), Err(ForecastError::Limit(_))));
    let holt = spec(ErrorType::Additive, TrendType::Additive, SeasonType::None, 1);
    assert!(matches!(holt.fit(&y[..3]), Err(ForecastError::ShortSeries { got: 3, .. })));
    let seasonal = spec(ErrorType::Additive, TrendType::None, SeasonType::Additive, MAX_SEASON + 1);
    assert!(matches!(seasonal.admissible(&y), Err(ForecastError::Limit(_))));
}

#[test]
fn constant_series_gets_ets_ann_with_zero_variance() {
    let y = [42.0; 12];
    let m = auto_ets(&y, 1).unwrap();
    assert_eq!(m.spec(), spec(ErrorType::Additive, TrendType::None, SeasonType::None, 1));
    assert_eq!(m.sigma2(), 0.0);
    assert_eq!(m.log_likelihood(), f64::INFINITY);
    assert_eq!(m.aicc(), f64::NEG_INFINITY);
    let p = m.predict(3, &[0.8, 0.95]).unwrap();
    for i in &p.intervals {
        assert_eq!(i.lower, p.mean);
        assert_eq!(i.upper, p.mean);
    }
    assert!(p.mean.iter().all(|v| (v - 42.0).abs() < 1e-9));
}

/// Before: `Ok` with ETS(A,N,N), a form outside the family, for an empty family and for a
/// multiplicative-only family on a negative constant series (the constant series' shortcut).
#[test]
fn auto_ets_on_a_constant_series_keeps_to_the_family_asked_for() {
    match AutoEts::new(1).errors(&[]).fit(&[5.0; 30]) {
        Err(ForecastError::NoModel { tried }) => assert!(tried.is_empty(), "{tried:?}"),
        other => panic!("empty family: {other:?}"),
    }
    let multiplicative = AutoEts::new(1).errors(&[ErrorType::Multiplicative]).seasons(&[SeasonType::None]);
    match multiplicative.fit(&[-5.0; 30]) {
        Err(ForecastError::NoModel { tried }) => {
            assert_eq!(tried.len(), 3);
            assert!(tried.iter().all(|(s, e)| matches!(e, ForecastError::NotAdmissible { spec, reason: Inadmissible::NotPositive } if spec == s)));
        }
        other => panic!("no admissible form: {other:?}"),
    }
    // on positive data a form of the family fits the constant exactly
    let m = multiplicative.fit(&[5.0; 30]).unwrap().into_best();
    assert_eq!(m.spec().error, ErrorType::Multiplicative);
    assert_eq!(m.sigma2(), 0.0);
    assert!(m.point_forecast(3).unwrap().iter().all(|v| (v - 5.0).abs() < 1e-9));
    let no_trend = AutoEts::new(1).trends(&[TrendType::Additive]).fit(&[5.0; 30]).unwrap().into_best();
    assert_eq!(no_trend.spec().trend, TrendType::Additive);
}

#[test]
fn exactly_linear_series_the_first_exact_fit_tried_wins() {
    // ETS(A,N,N) cannot fit a line exactly; ETS(A,A,N) (the next form tried) can
    let y: Vec<f64> = (0..20).map(|t| 10.0 + 3.0 * t as f64).collect();
    let fit = AutoEts::new(1).fit(&y).unwrap();
    let exact: Vec<EtsSpec> = fit
        .candidates()
        .iter()
        .filter(|c| c.fit.as_ref().map(|m| m.aicc() == f64::NEG_INFINITY).unwrap_or(false))
        .map(|c| c.spec)
        .collect();
    assert!(!exact.is_empty(), "a line is fitted exactly by some form");
    assert_eq!(fit.best().spec(), exact[0], "among exact fits the first tried wins: {exact:?}");
}

// ---------------------------------------------------------------------------------------------
// several levels in one call; the documented variances
// ---------------------------------------------------------------------------------------------

/// `predict(h, levels)` equals one call per level, in the order given, bounds nested by level.
fn check_levels(what: &str, mut predict: impl FnMut(&[f64]) -> Result<Prediction, ForecastError>) {
    let levels = [0.95, 0.5, 0.8];
    let all = predict(&levels).unwrap();
    assert_eq!(all.intervals.len(), 3, "{what}");
    for (i, l) in levels.iter().enumerate() {
        let one = predict(&[*l]).unwrap();
        assert_eq!(one.mean, all.mean, "{what}: mean does not depend on the levels");
        assert_eq!(one.intervals.len(), 1);
        assert_eq!(all.intervals[i], one.intervals[0], "{what}: level {l} in the order given");
        assert_eq!(all.intervals[i].level, *l);
        assert_eq!(all.interval(*l), Some(&one.intervals[0]));
    }
    assert_eq!(all.interval(0.9), None, "{what}: a level not asked for");
    let (i95, i50, i80) = (&all.intervals[0], &all.intervals[1], &all.intervals[2]);
    for k in 0..all.mean.len() {
        assert!(i95.lower[k] <= i80.lower[k] && i80.lower[k] <= i50.lower[k], "{what} step {k}");
        assert!(i50.upper[k] <= i80.upper[k] && i80.upper[k] <= i95.upper[k], "{what} step {k}");
    }
    for bad in [0.0, 1.0, 1.5, -0.2, f64::NAN] {
        match predict(&[0.8, bad]) {
            Err(ForecastError::Level(l)) => assert!(l == bad || (l.is_nan() && bad.is_nan()), "{what}: {l} for {bad}"),
            other => panic!("{what}: level {bad} gave {other:?}"),
        }
    }
}

/// Bounds `mean ± z(level) √v_h` for the given variances.
fn check_normal(what: &str, p: &Prediction, variances: &[f64], floor: Option<f64>) {
    for i in &p.intervals {
        for k in 0..p.mean.len() {
            let w = z(i.level) * variances[k].sqrt();
            let lo = p.mean[k] - w;
            let lo = floor.map_or(lo, |f| lo.max(f));
            assert_close(i.lower[k], lo, 1e-9, &format!("{what} lower level {} step {k}", i.level));
            assert_close(i.upper[k], p.mean[k] + w, 1e-9, &format!("{what} upper level {} step {k}", i.level));
        }
    }
}

#[test]
fn ets_predict_several_levels_and_class_1_variances() {
    let y = trending_series(30, 6);
    let h = 6;
    for trend in TRENDS {
        let s = spec(ErrorType::Additive, trend, SeasonType::None, 1);
        let m = s.fit(&y).unwrap();
        check_levels(&s.to_string(), |l| m.predict(h, l));
        let p = m.predict(h, &[0.8, 0.95]).unwrap();
        assert_eq!(p.mean, m.point_forecast(h).unwrap());
        // c_j = α + β (φ + … + φ^j); v_h = σ² (1 + Σ_{j<h} c_j²)
        let EtsParams { alpha, beta, phi, .. } = m.params();
        let v: Vec<f64> = (1..=h)
            .map(|hh| {
                let mut sum = 1.0;
                for j in 1..hh {
                    let damp: f64 = match trend {
                        TrendType::None => 0.0,
                        TrendType::Additive => j as f64,
                        TrendType::Damped => (1..=j).map(|i| phi.powi(i as i32)).sum(),
                    };
                    let c = alpha + beta * damp;
                    sum += c * c;
                }
                m.sigma2() * sum
            })
            .collect();
        check_normal(&s.to_string(), &p, &v, None);
        // forecast and predict_with agree with predict
        for level in [0.8, 0.95] {
            let f = m.forecast(h, level, 3).unwrap();
            let one = m.predict(h, &[level]).unwrap();
            assert_eq!(
                (f.mean, f.lower, f.upper, f.level),
                (one.mean.clone(), one.intervals[0].lower.clone(), one.intervals[0].upper.clone(), level)
            );
            assert_eq!(m.predict_with(h, &[level], 99).unwrap(), one);
        }
    }
}

#[test]
fn ets_mnn_predict_uses_the_class_2_variance() {
    // ETS(M,N,N): μ_h = ℓ, θ_h = ℓ² (1 + α²σ²)^{h−1}, v_h = (1 + σ²) θ_h − μ_h²
    let y = trending_series(30, 7);
    let s = spec(ErrorType::Multiplicative, TrendType::None, SeasonType::None, 1);
    let m = s.fit(&y).unwrap();
    let h = 5;
    let p = m.predict(h, &[0.8, 0.95]).unwrap();
    let (l, a, s2) = (m.level(), m.params().alpha, m.sigma2());
    assert!(p.mean.iter().all(|v| close(*v, l, 1e-12)));
    let v: Vec<f64> = (1..=h).map(|hh| (1.0 + s2) * l * l * (1.0 + a * a * s2).powi(hh as i32 - 1) - l * l).collect();
    check_normal("ETS(M,N,N)", &p, &v, None);
    check_levels("ETS(M,N,N)", |lv| m.predict(h, lv));
}

#[test]
fn ets_multiplicative_season_has_no_analytic_interval_and_forecast_simulates_2000_paths() {
    let y = seasonal_series(24, 4, 8);
    let s = spec(ErrorType::Multiplicative, TrendType::None, SeasonType::Multiplicative, 4);
    let m = s.fit(&y).unwrap();
    assert_eq!(m.predict(4, &[0.8]).err(), Some(ForecastError::NoAnalyticInterval(s)));
    let f = m.forecast(4, 0.8, 11).unwrap();
    let p = m.predict_simulated(4, &[0.8], 2_000, 11).unwrap();
    assert_eq!(f.mean, p.mean);
    assert_eq!((f.lower, f.upper), (p.intervals[0].lower.clone(), p.intervals[0].upper.clone()));
    assert_eq!(m.predict_with(4, &[0.8], 11).unwrap(), p);
    assert_eq!(m.forecast(4, 1.0, 11).err(), Some(ForecastError::Level(1.0)));
}

#[test]
fn ets_predict_simulated_bounds_are_the_simulation_quantiles() {
    let y = seasonal_series(24, 4, 9);
    let m = spec(ErrorType::Additive, TrendType::Additive, SeasonType::Additive, 4).fit(&y).unwrap();
    let (h, paths, seed) = (5, 301, 17);
    let levels = [0.9, 0.5];
    let p = m.predict_simulated(h, &levels, paths, seed).unwrap();
    assert_eq!(p.mean, m.point_forecast(h).unwrap(), "point forecasts, not the paths' mean");
    let sim = m.simulation(h, paths, seed).unwrap();
    for (i, l) in levels.iter().enumerate() {
        let lo = sim.quantile((1.0 - l) / 2.0).unwrap();
        let hi = sim.quantile((1.0 + l) / 2.0).unwrap();
        for k in 0..h {
            assert_close(p.intervals[i].lower[k], lo[k], 1e-12, "simulated lower");
            assert_close(p.intervals[i].upper[k], hi[k], 1e-12, "simulated upper");
        }
    }
    check_levels("predict_simulated", |l| m.predict_simulated(h, l, paths, seed));
}

#[test]
fn horizon_and_level_limits_are_refused_for_every_method() {
    let y = trending_series(30, 10);
    let ets = spec(ErrorType::Additive, TrendType::None, SeasonType::None, 1).fit(&y).unwrap();
    let arima = ArimaSpec::new(0, 1, 0).fit(&y).unwrap();
    let naive = Baseline::Naive.fit(&y).unwrap();
    let theta = Theta { kind: ThetaKind::Standard, period: 1 }.fit(&y).unwrap();
    let tsb = Intermittent::Croston.fit(&[0.0, 2.0, 0.0, 3.0]).unwrap();
    let models: [(&str, &dyn Forecaster); 5] =
        [("ets", &ets), ("arima", &arima), ("naive", &naive), ("theta", &theta), ("croston", &tsb)];
    for (what, m) in models {
        assert!(matches!(m.predict_with(0, &[0.8], 1), Err(ForecastError::ZeroCount(_))), "{what}");
        assert!(matches!(m.predict_with(MAX_HORIZON + 1, &[0.8], 1), Err(ForecastError::Limit(_))), "{what}");
        // levels × h above MAX_TRIALS bounds
        let many = vec![0.5; MAX_TRIALS / MAX_HORIZON + 1];
        assert!(matches!(m.predict_with(MAX_HORIZON, &many, 1), Err(ForecastError::Limit(_))), "{what}");
        assert_eq!(m.predict_with(2, &[0.8, 2.0], 1).err(), Some(ForecastError::Level(2.0)), "{what}");
    }
    assert!(matches!(ets.point_forecast(0), Err(ForecastError::ZeroCount(_))));
    assert!(matches!(ets.point_forecast(MAX_HORIZON + 1), Err(ForecastError::Limit(_))));
    assert!(matches!(ets.forecast(0, 0.8, 1), Err(ForecastError::ZeroCount(_))));
}

#[test]
fn baselines_theta_and_intermittent_predict_with_their_documented_widths() {
    let y = trending_series(25, 11);
    let n = y.len() as f64;
    let h = 7;
    let naive = Baseline::Naive.fit(&y).unwrap();
    check_levels("naive", |l| naive.predict(h, l));
    let p = naive.predict(h, &[0.8, 0.95]).unwrap();
    assert!(p.mean.iter().all(|v| *v == y[24]));
    let v: Vec<f64> = (1..=h).map(|k| naive.sigma2() * k as f64).collect();
    check_normal("naive", &p, &v, None);

    let m = 3;
    let snaive = Baseline::SeasonalNaive { period: m }.fit(&y).unwrap();
    check_levels("snaive", |l| snaive.predict(h, l));
    let p = snaive.predict(h, &[0.8, 0.95]).unwrap();
    for k in 0..h {
        assert_eq!(p.mean[k], y[y.len() - m + k % m]);
    }
    let v: Vec<f64> = (1..=h).map(|k| snaive.sigma2() * ((k - 1) / m + 1) as f64).collect();
    check_normal("snaive", &p, &v, None);

    let drift = Baseline::Drift.fit(&y).unwrap();
    check_levels("drift", |l| drift.predict(h, l));
    let p = drift.predict(h, &[0.8, 0.95]).unwrap();
    let slope = (y[24] - y[0]) / (n - 1.0);
    for k in 0..h {
        assert_close(p.mean[k], y[24] + slope * (k + 1) as f64, 1e-12, "drift mean");
    }
    let v: Vec<f64> = (1..=h).map(|k| drift.sigma2() * k as f64 * (1.0 + k as f64 / (n - 1.0))).collect();
    check_normal("drift", &p, &v, None);
    // σ² is the mean squared in-sample one-step residual
    let naive_res: f64 = y.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<f64>() / (n - 1.0);
    assert_close(naive.sigma2(), naive_res, 1e-12, "naive sigma2");

    let theta = Theta { kind: ThetaKind::Standard, period: 1 }.fit(&y).unwrap();
    check_levels("theta", |l| theta.predict(h, l));
    let p = theta.predict(h, &[0.8, 0.95]).unwrap();
    let a = theta.alpha();
    let v: Vec<f64> = (1..=h).map(|k| theta.sigma2() * (1.0 + (k - 1) as f64 * a * a)).collect();
    check_normal("theta", &p, &v, None);

    let demand = [0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 3.0, 0.0, 6.0, 0.0, 0.0, 4.0];
    for method in
        [Intermittent::Croston, Intermittent::Sba, Intermittent::Tsb { alpha_demand: 0.2, alpha_probability: 0.3 }]
    {
        let im = method.fit(&demand).unwrap();
        check_levels("intermittent", |l| im.predict(h, l));
        let p = im.predict(h, &[0.5, 0.99]).unwrap();
        assert!(p.mean.iter().all(|v| *v == im.level()));
        check_normal("intermittent", &p, &vec![im.sigma2(); h], Some(0.0));
    }
}

#[test]
fn ensemble_predict_several_levels_and_forecast_agree() {
    let y = trending_series(30, 12);
    let model = Ensemble::new(1).fit(&y).unwrap();
    check_levels("ensemble", |l| model.predict(5, l, 3));
    let f = model.forecast(5, 0.9, 3).unwrap();
    let p = model.predict(5, &[0.9], 3).unwrap();
    assert_eq!(
        (f.mean, f.lower, f.upper, f.level),
        (p.mean, p.intervals[0].lower.clone(), p.intervals[0].upper.clone(), 0.9)
    );
    assert!(model.weights().iter().all(|w| *w == 1.0), "all 1 for the median");
    assert!(
        matches!(Ensemble { period: 1, members: vec![], combination: Combination::Median }.fit(&y), Err(ForecastError::NoMember(v)) if v.is_empty())
    );
}

// ---------------------------------------------------------------------------------------------
// Simulation summaries
// ---------------------------------------------------------------------------------------------

#[test]
fn simulation_summaries_match_their_paths() {
    let y = trending_series(30, 13);
    let m = spec(ErrorType::Additive, TrendType::Damped, SeasonType::None, 1).fit(&y).unwrap();
    let (h, n, seed) = (4, 257, 5);
    let sim = m.simulation(h, n, seed).unwrap();
    assert_eq!(sim.paths(), &m.simulate(h, n, seed).unwrap()[..]);
    assert_eq!(sim.horizon(), h);
    assert_eq!(sim.paths().len(), n);
    assert!(sim.paths().iter().all(|p| p.len() == h));
    let (mean, var) = (sim.mean(), sim.variance().unwrap());
    for k in 0..h {
        let col = column(sim.paths(), k);
        let mu = col.iter().sum::<f64>() / n as f64;
        let s2 = col.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / (n - 1) as f64;
        assert_close(mean[k], mu, 1e-12, "mean");
        assert_close(var[k], s2, 1e-12, "sample variance, divisor n − 1");
        for p in [0.0, 0.05, 0.1, 0.25, 0.5, 0.77, 0.9, 1.0] {
            assert_close(sim.quantile(p).unwrap()[k], type7(&col, p), 1e-12, &format!("type 7 quantile {p}"));
        }
        assert_eq!(sim.quantile(0.0).unwrap()[k], col[0]);
        assert_eq!(sim.quantile(1.0).unwrap()[k], col[n - 1]);
    }
    for bad in [-0.01, 1.01, f64::NAN] {
        assert!(matches!(sim.quantile(bad), Err(ForecastError::Level(_))), "{bad}");
    }
    assert_eq!(m.simulation(h, n, seed).unwrap(), sim, "same seed, same paths");
    assert_ne!(m.simulate(h, n, seed + 1).unwrap(), sim.paths(), "another seed, other paths");
    // one path: variance 0
    let one = m.simulation(h, 1, seed).unwrap();
    assert_eq!(one.variance().unwrap(), vec![0.0; h]);
    assert_eq!(one.mean(), one.paths()[0]);
    assert_eq!(one.quantile(0.3).unwrap(), one.paths()[0]);
}

#[test]
fn zero_variance_model_simulates_paths_without_noise() {
    let y: Vec<f64> = (0..24).map(|t| 100.0 + 5.0 * t as f64).collect();
    let m = spec(ErrorType::Additive, TrendType::Additive, SeasonType::None, 1).fit(&y).unwrap();
    assert_eq!(m.sigma2(), 0.0);
    let pf = m.point_forecast(6).unwrap();
    let sim = m.simulation(6, 50, 1).unwrap();
    for p in sim.paths() {
        for k in 0..6 {
            assert_close(p[k], pf[k], 1e-12, "a path without noise is the point forecast");
        }
    }
    assert!(sim.variance().unwrap().iter().all(|v| v.abs() < 1e-12));
}

#[test]
fn simulate_errors_are_the_documented_variants() {
    let y = trending_series(20, 14);
    let m = spec(ErrorType::Additive, TrendType::None, SeasonType::None, 1).fit(&y).unwrap();
    assert!(matches!(m.simulate(0, 10, 1), Err(ForecastError::ZeroCount(_))));
    assert!(matches!(m.simulate(10, 0, 1), Err(ForecastError::ZeroCount(_))));
    assert!(matches!(m.simulate(MAX_HORIZON + 1, 1, 1), Err(ForecastError::Limit(_))));
    assert!(matches!(m.simulation(1_000, MAX_TRIALS / 1_000 + 1, 1), Err(ForecastError::Limit(_))));
    assert!(matches!(m.predict_simulated(1_000, &[0.8], MAX_TRIALS / 1_000 + 1, 1), Err(ForecastError::Limit(_))));
    assert!(matches!(m.predict_simulated(3, &[0.8], 0, 1), Err(ForecastError::ZeroCount(_))));
    // forecast's simulated intervals: 2,000 × h above MAX_TRIALS
    let ms = spec(ErrorType::Multiplicative, TrendType::None, SeasonType::Multiplicative, 4)
        .fit(&seasonal_series(24, 4, 15))
        .unwrap();
    assert!(matches!(ms.forecast(MAX_TRIALS / 2_000 + 1, 0.8, 1), Err(ForecastError::Limit(_))));
}

// ---------------------------------------------------------------------------------------------
// AutoARIMA candidate table and ARIMA forms
// ---------------------------------------------------------------------------------------------

/// Roots of `1 + c_1 z + … + c_p z^p` (Durand–Kerner), as (re, im).
fn roots(c: &[f64]) -> Vec<(f64, f64)> {
    // monic in z: divide by c_p
    let p = c.len();
    let lead = c[p - 1];
    let coef: Vec<f64> = std::iter::once(1.0).chain(c.iter().copied()).map(|v| v / lead).collect(); // a_0..a_p
    let eval = |z: (f64, f64)| {
        let mut acc = (0.0, 0.0);
        for a in coef.iter().rev() {
            acc = (acc.0 * z.0 - acc.1 * z.1 + a, acc.0 * z.1 + acc.1 * z.0);
        }
        acc
    };
    // the usual starts: powers of 0.4 + 0.9i
    let mut r = Vec::with_capacity(p);
    let mut cur = (1.0, 0.0);
    for _ in 0..p {
        r.push(cur);
        cur = (cur.0 * 0.4 - cur.1 * 0.9, cur.0 * 0.9 + cur.1 * 0.4);
    }
    for _ in 0..500 {
        for i in 0..p {
            let num = eval(r[i]);
            let mut den = (1.0, 0.0);
            for j in 0..p {
                if i != j {
                    let d = (r[i].0 - r[j].0, r[i].1 - r[j].1);
                    den = (den.0 * d.0 - den.1 * d.1, den.0 * d.1 + den.1 * d.0);
                }
            }
            let m2 = den.0 * den.0 + den.1 * den.1;
            let q = ((num.0 * den.0 + num.1 * den.1) / m2, (num.1 * den.0 - num.0 * den.1) / m2);
            r[i] = (r[i].0 - q.0, r[i].1 - q.1);
        }
    }
    r
}

fn min_root(c: &[f64]) -> f64 {
    roots(c).iter().map(|(a, b)| a.hypot(*b)).fold(f64::INFINITY, f64::min)
}

fn near_unit_root(m: &ArimaModel) -> bool {
    let ar: Vec<f64> = m.ar().iter().map(|v| -v).collect();
    (ar.len() >= 2 && min_root(&ar) < 1.01) || (m.ma().len() >= 2 && min_root(m.ma()) < 1.01)
}

fn arima_aicc(y_len: usize, m: &ArimaModel) -> f64 {
    let s = m.spec();
    let n_star = y_len - s.order.1 - s.seasonal.3 * s.seasonal.1;
    aicc_formula(m.log_likelihood(), s.coefficients() + 1, n_star)
}

#[test]
fn auto_arima_candidate_table_matches_spec_fit_and_the_documented_aicc() {
    let y = seasonal_series(32, 4, 1);
    let fit = AutoArima::new(1).fit(&y).unwrap();
    assert!(!fit.candidates().is_empty());
    let mut seen = std::collections::HashSet::new();
    for c in fit.candidates() {
        assert!(!c.approximate, "the exact search is the default");
        assert!(seen.insert(c.spec.to_string()), "{} fitted twice", c.spec);
        let refit = c.spec.fit(&y);
        match &c.fit {
            Ok(m) => {
                assert_eq!(refit.as_ref(), Ok(m), "{}: a candidate is spec.fit(y)", c.spec);
                assert_eq!(m.spec(), c.spec);
                assert!(!near_unit_root(m), "{}: accepted with a root near the unit circle", c.spec);
                assert_close(m.aicc(), arima_aicc(y.len(), m), 1e-12, &format!("{} AICc", c.spec));
                let fixed = c.spec.fit_fixed(&y, &m.coefficients()).unwrap();
                assert_close(fixed.log_likelihood(), m.log_likelihood(), 1e-8, "fixed at the estimates");
            }
            Err(ForecastError::ArimaFit { spec, reason: ArimaProblem::NearUnitRoot }) => {
                assert_eq!(*spec, c.spec);
                let r = refit.expect("refused only for its roots, so it fits");
                assert!(near_unit_root(&r), "{}: refused, yet no root within 1.01", c.spec);
            }
            Err(e) => assert_eq!(refit.as_ref().err(), Some(e), "{}", c.spec),
        }
    }
    let best = fit.best();
    let lowest =
        fit.candidates().iter().filter_map(|c| c.fit.as_ref().ok()).map(|m| m.aicc()).fold(f64::INFINITY, f64::min);
    assert_eq!(best.aicc(), lowest);
    assert!(fit.candidates().iter().any(|c| c.fit.as_ref() == Ok(best)));
    assert_eq!(fit.clone().into_best(), *best);
}

#[test]
fn arima_predict_several_levels_with_psi_weight_variances() {
    let e = noise(60, 21);
    let mut y = vec![50.0];
    for t in 1..60 {
        y.push(50.0 + 0.6 * (y[t - 1] - 50.0) + 4.0 * e[t]);
    }
    let m = ArimaSpec::new(1, 0, 0).with_constant(true).fit(&y).unwrap();
    let h = 6;
    check_levels("AR(1)", |l| m.predict(h, l));
    let p = m.predict(h, &[0.8, 0.95]).unwrap();
    let (phi, c) = (m.ar()[0], m.constant().unwrap());
    for k in 0..h {
        assert_close(p.mean[k], c + phi.powi(k as i32 + 1) * (y[59] - c), 1e-9, "AR(1) mean");
    }
    let v: Vec<f64> = (1..=h).map(|hh| m.sigma2() * (0..hh).map(|j| phi.powi(2 * j as i32)).sum::<f64>()).collect();
    check_normal("AR(1)", &p, &v, None);
    assert_eq!(m.predict_with(h, &[0.8, 0.95], 5).unwrap(), p);

    let rw = ArimaSpec::new(0, 1, 0).with_constant(true).fit(&y).unwrap();
    let p = rw.predict(h, &[0.9]).unwrap();
    let drift = rw.constant().unwrap();
    for k in 0..h {
        assert_close(p.mean[k], y[59] + drift * (k + 1) as f64, 1e-9, "drift mean");
    }
    let v: Vec<f64> = (1..=h).map(|hh| rw.sigma2() * hh as f64).collect();
    check_normal("random walk with drift", &p, &v, None);
}

#[test]
fn arima_errors_are_the_documented_variants() {
    let y = trending_series(30, 22);
    let form = |s: ArimaSpec, reason| ForecastError::ArimaForm { spec: s, reason };
    let s = ArimaSpec::new(0, 2, 1).with_constant(true);
    assert_eq!(s.fit(&y).err(), Some(form(s, ArimaProblem::ConstantWithDifferences)));
    let s = ArimaSpec::new(0, 3, 0);
    assert_eq!(s.fit(&y).err(), Some(form(s, ArimaProblem::TooManyDifferences)));
    let s = ArimaSpec::new(0, 0, 0).seasonal(1, 0, 0, 1);
    assert_eq!(s.fit(&y).err(), Some(form(s, ArimaProblem::NoSeason)));
    let s = ArimaSpec::new(0, 0, 0).seasonal(1, 0, 0, 130).with_constant(true); // state 130 > 120
    assert_eq!(s.fit(&vec![1.0; 400]).err(), Some(form(s, ArimaProblem::StateTooLarge)));
    assert!(matches!(ArimaSpec::new(1, 0, 0).seasonal(1, 0, 0, MAX_SEASON + 1).fit(&y), Err(ForecastError::Limit(_))));
    // fewer than d + mD + max(p + mP, k) + 2 points: ARIMA(1,1,1) with drift needs 1 + 3 + 2 = 6
    let s = ArimaSpec::new(1, 1, 1).with_constant(true);
    assert_eq!(s.coefficients(), 3);
    assert_eq!(s.fit(&y[..5]).err(), Some(ForecastError::ShortSeries { needed: 6, got: 5 }));
    assert!(!matches!(s.fit(&y[..6]), Err(ForecastError::ShortSeries { .. })), "6 points are enough");
    let mut bad = y.clone();
    bad[7] = f64::NAN;
    assert_eq!(ArimaSpec::new(1, 0, 0).fit(&bad).err(), Some(ForecastError::NonFinite(7)));
    assert_eq!(AutoArima::new(1).fit(&bad).err(), Some(ForecastError::NonFinite(7)));
    bad[7] = 1e300;
    assert_eq!(ArimaSpec::new(1, 0, 0).fit(&bad).err(), Some(ForecastError::TooLarge(7)));
    assert!(matches!(AutoArima::new(1).fit(&y[..3]), Err(ForecastError::ShortSeries { .. })));
    assert!(matches!(AutoArima::new(MAX_SEASON + 1).fit(&y), Err(ForecastError::Limit(_))));
    // fit_fixed
    let s = ArimaSpec::new(1, 0, 0).with_constant(true);
    assert!(matches!(s.fit_fixed(&y, &[0.5]), Err(ForecastError::Lengths { .. })));
    assert_eq!(s.fit_fixed(&y, &[f64::NAN, 1.0]).err(), Some(ForecastError::NonFinite(0)));
    assert!(matches!(s.fit_fixed(&y, &[1.5, 1.0]), Err(ForecastError::ArimaFit { .. })), "non-stationary AR");
}

// ---------------------------------------------------------------------------------------------
// Milestone ETA
// ---------------------------------------------------------------------------------------------

fn usd(dollars: i64) -> Money {
    Money::from_minor_units(dollars * 100, Currency::USD).unwrap()
}

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

#[test]
fn milestone_on_an_exactly_linear_history_is_the_month_the_line_crosses() {
    // 1,000,000 + 50,000 t for t = 0..23, the last in 2025-12; month k ahead holds
    // 1,000,000 + 50,000 (23 + k): 2,500,000 at k = 7 (2026-07), 2,550,000 at k = 8 (2026-08)
    let arr: Vec<Money> = (0..24).map(|t| usd(1_000_000 + 50_000 * t)).collect();
    let last = month(2025, 12);
    let eta = milestone_eta(&arr, last, usd(2_525_000), 12, 200, 3).unwrap();
    let aug = month(2026, 8);
    assert_eq!((eta.p10, eta.p50, eta.p90), (Some(aug), Some(aug), Some(aug)));
    assert_eq!(eta.probability_by.len(), 12);
    for (k, (mo, p)) in eta.probability_by.iter().enumerate() {
        assert_eq!(*mo, last.checked_add(k as i32 + 1).unwrap());
        assert_eq!(*p, if k + 1 >= 8 { 1.0 } else { 0.0 }, "{mo}");
        assert_eq!(eta.probability_by(*mo), *p);
    }
    assert_eq!(eta.probability_by(month(2025, 6)), 0.0, "before the history ends");
    // a target the line does not reach within the horizon
    let never = milestone_eta(&arr, last, usd(9_000_000), 12, 200, 3).unwrap();
    assert_eq!((never.p10, never.p50, never.p90), (None, None, None));
    assert!(never.probability_by.iter().all(|(_, p)| *p == 0.0));
}

#[test]
fn milestone_probability_past_the_horizon_assumes_no_more_crossings() {
    let arr: Vec<Money> = (0..24).map(|t| usd(1_000_000 + 50_000 * t)).collect();
    let eta = milestone_eta(&arr, month(2025, 12), usd(2_525_000), 12, 200, 3).unwrap();
    // crossed by 2026-08 on every path, so crossed by 2027-06 too
    assert_eq!(eta.probability_by(month(2027, 6)), 1.0);
}

/// Months until crossing (1-based) per path, `None` when the path does not reach `target`.
fn crossings(paths: &[Vec<f64>], shift: &[f64], target: f64) -> Vec<Option<usize>> {
    paths.iter().map(|p| (0..p.len()).find(|&k| p[k] + shift[k] >= target).map(|k| k + 1)).collect()
}

#[test]
fn milestone_distribution_is_read_off_the_shifted_autoets_paths() {
    let e = noise(36, 31);
    let values: Vec<f64> = (0..36).map(|t| (1_000_000.0 + 40_000.0 * t as f64 + 60_000.0 * e[t]).round()).collect();
    let arr: Vec<Money> = values.iter().map(|v| usd(*v as i64)).collect();
    let last = month(2026, 3);
    let (horizon, paths, seed) = (24, 400, 9);
    let target = 2_900_000.0;
    let eta = milestone_eta(&arr, last, usd(target as i64), horizon, paths, seed).unwrap();

    // documented properties
    assert_eq!(eta.probability_by.len(), horizon);
    let probs: Vec<f64> = eta.probability_by.iter().map(|(_, p)| *p).collect();
    assert!(probs.windows(2).all(|w| w[0] <= w[1]), "monotone: {probs:?}");
    assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
    let first_at = |q: f64| eta.probability_by.iter().find(|(_, p)| *p >= q).map(|(m, _)| *m);
    assert_eq!(eta.p10, first_at(0.1), "p10: earliest month by which 10% have crossed");
    assert_eq!(eta.p50, first_at(0.5), "p50");
    assert_eq!(eta.p90, first_at(0.9), "p90");
    assert!(eta.p10 <= eta.p50 && (eta.p90.is_none() || eta.p50 <= eta.p90));
    assert!(eta.p50.is_some(), "the target is within reach: {probs:?}");

    // the documented recipe, rebuilt from the public parts
    let model = Ensemble::new(12).fit(&values).unwrap();
    let ets = model.ets().expect("the default ensemble has AutoETS");
    assert!(eta.model.contains(&ets.spec().to_string()), "{} names {}", eta.model, ets.spec());
    let sims = ets.simulate(horizon, paths, seed).unwrap();
    let ens = model.predict(horizon, &[0.8], seed).unwrap().mean;
    let own = ets.point_forecast(horizon).unwrap();
    let shift: Vec<f64> = ens.iter().zip(&own).map(|(a, b)| a - b).collect();
    let cross = crossings(&sims, &shift, target - 0.005);
    for (k, (mo, p)) in eta.probability_by.iter().enumerate() {
        assert_eq!(*mo, last.checked_add(k as i32 + 1).unwrap());
        let share = cross.iter().filter(|c| c.is_some_and(|c| c <= k + 1)).count() as f64 / paths as f64;
        assert_close(*p, share, 1e-12, &format!("P(crossed by {mo})"));
    }
}

#[test]
fn milestone_errors_are_the_documented_variants() {
    let arr: Vec<Money> = (0..24).map(|t| usd(1_000_000 + 50_000 * t)).collect();
    let last = month(2025, 12);
    let eur = Money::parse("2000000", Currency::EUR).unwrap();
    assert!(matches!(milestone_eta(&arr, last, eur, 12, 100, 1), Err(ForecastError::Money(_))));
    assert!(matches!(milestone_eta(&arr, last, usd(2_000_000), 0, 100, 1), Err(ForecastError::ZeroCount(_))));
    assert!(matches!(milestone_eta(&arr, last, usd(2_000_000), 12, 0, 1), Err(ForecastError::ZeroCount(_))));
    assert!(matches!(milestone_eta(&arr, last, usd(2_000_000), MAX_HORIZON + 1, 1, 1), Err(ForecastError::Limit(_))));
    assert!(matches!(
        milestone_eta(&arr, last, usd(2_000_000), 1_000, MAX_TRIALS / 1_000 + 1, 1),
        Err(ForecastError::Limit(_))
    ));
}

#[test]
fn milestone_on_a_history_no_member_can_fit_is_refused_with_each_members_error() {
    // "the errors of Ensemble::fit on the history (NoMember, with each member's error, when
    // none fits)": neither AutoETS nor AutoARIMA can be fitted to three points. (The docs once
    // promised NoModel here, which only AutoETS alone returns.)
    let arr: Vec<Money> = (0..3).map(|t| usd(1_000_000 + 50_000 * t)).collect();
    let r = milestone_eta(&arr, month(2025, 12), usd(2_000_000), 12, 100, 1);
    match r {
        Err(ForecastError::NoMember(failed)) => {
            let names: Vec<&str> = failed.iter().map(|(name, _)| name.as_str()).collect();
            assert_eq!(names, ["AutoETS", "AutoARIMA"]);
            assert!(failed.iter().all(|(_, e)| matches!(e, ForecastError::ShortSeries { .. })), "{failed:?}");
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Pipeline forecast and the close Monte Carlo
// ---------------------------------------------------------------------------------------------

fn deal(id: &str, rep: &str, amount: i64, p: &str, date: (i32, u32, u32), category: ForecastCategory) -> PipelineDeal {
    PipelineDeal {
        id: id.into(),
        rep: rep.into(),
        team: if rep == "ann" || rep == "bob" { "east".into() } else { "west".into() },
        region: "NA".into(),
        amount: usd(amount),
        probability: p.parse::<Percent>().unwrap(),
        close_date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
        category,
    }
}

fn rollup(closed: i64, commit: i64, best: i64, pipeline: i64, weighted: &str) -> CategoryRollup {
    CategoryRollup {
        closed: usd(closed),
        commit: usd(commit),
        best_case: usd(best),
        pipeline: usd(pipeline),
        weighted: Money::parse(weighted, Currency::USD).unwrap(),
    }
}

#[test]
fn pipeline_rollups_are_cumulative_by_category_and_by_rep_team_region() {
    use ForecastCategory::*;
    let q = Quarter::new(2026, 4).unwrap().period();
    let deals = [
        deal("1", "ann", 1_000, "100%", (2026, 10, 1), Closed),
        deal("2", "ann", 2_000, "80%", (2026, 11, 15), Commit),
        deal("3", "bob", 4_000, "50%", (2026, 12, 31), BestCase),
        deal("4", "cid", 8_000, "10%", (2026, 12, 1), Pipeline),
        deal("5", "cid", 16_000, "5%", (2026, 11, 1), Omitted),
        deal("6", "ann", 32_000, "90%", (2027, 1, 1), Commit), // next quarter
        deal("7", "bob", 64_000, "90%", (2026, 9, 30), Commit), // last quarter
    ];
    let f = pipeline_forecast(&deals, q, Currency::USD).unwrap();
    // weighted: 1000 + 1600 + 2000 + 800 = 5400
    assert_eq!(f.total, rollup(1_000, 3_000, 7_000, 15_000, "5400"));
    assert_eq!(f.by_rep["ann"], rollup(1_000, 3_000, 3_000, 3_000, "2600"));
    assert_eq!(f.by_rep["bob"], rollup(0, 0, 4_000, 4_000, "2000"));
    assert_eq!(f.by_rep["cid"], rollup(0, 0, 0, 8_000, "800"));
    assert_eq!(f.by_rep.len(), 3);
    assert_eq!(f.by_team["east"], rollup(1_000, 3_000, 7_000, 7_000, "4600"));
    assert_eq!(f.by_team["west"], rollup(0, 0, 0, 8_000, "800"));
    assert_eq!(f.by_region.len(), 1);
    assert_eq!(f.by_region["NA"], f.total);
}

#[test]
fn pipeline_errors_are_the_documented_variants() {
    use ForecastCategory::*;
    let q = Quarter::new(2026, 4).unwrap().period();
    let over = deal("x", "ann", 1_000, "150%", (2026, 11, 1), Commit);
    match pipeline_forecast(std::slice::from_ref(&over), q, Currency::USD) {
        Err(ForecastError::DealProbability { deal, probability }) => {
            assert_eq!((deal.as_str(), probability), ("x", "150%".parse().unwrap()))
        }
        other => panic!("{other:?}"),
    }
    let neg = deal("n", "ann", 1_000, "-5%", (2026, 11, 1), Commit);
    assert!(matches!(pipeline_forecast(&[neg], q, Currency::USD), Err(ForecastError::DealProbability { .. })));
    let mut eur = deal("e", "ann", 1_000, "50%", (2026, 11, 1), Commit);
    eur.amount = Money::parse("1000", Currency::EUR).unwrap();
    assert_eq!(
        pipeline_forecast(std::slice::from_ref(&eur), q, Currency::USD).err(),
        Some(ForecastError::DealCurrency { deal: "e".into(), found: Currency::EUR, expected: Currency::USD })
    );
    // outside the quarter another currency is no error (the check is for deals in the quarter)
    eur.close_date = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    assert!(pipeline_forecast(&[eur], q, Currency::USD).is_ok());
    // boundaries 0% and 100% are probabilities
    let edge =
        [deal("a", "ann", 1_000, "0%", (2026, 11, 1), Commit), deal("b", "ann", 1_000, "100%", (2026, 11, 1), Commit)];
    assert_eq!(pipeline_forecast(&edge, q, Currency::USD).unwrap().total.weighted, usd(1_000));
}

#[test]
fn pipeline_probability_is_checked_for_deals_outside_the_quarter_too() {
    let q = Quarter::new(2026, 4).unwrap().period();
    let later = deal("y", "ann", 1_000, "7000%", (2027, 2, 1), ForecastCategory::Commit);
    assert!(matches!(pipeline_forecast(&[later], q, Currency::USD), Err(ForecastError::DealProbability { .. })));
}

#[test]
fn monte_carlo_with_certain_deals_is_deterministic() {
    use ForecastCategory::*;
    let q = Quarter::new(2026, 4).unwrap().period();
    let deals = [
        deal("c", "ann", 5_000, "40%", (2026, 10, 5), Closed), // closed: counts in full
        deal("w", "ann", 20_000, "100%", (2026, 11, 5), Commit),
        deal("l", "bob", 70_000, "0%", (2026, 11, 5), Pipeline),
        deal("n", "bob", 30_000, "100%", (2027, 1, 5), Commit), // next quarter, no slip
    ];
    let d = monte_carlo_close(&deals, q, q.start(), 0.0, usd(25_000), 101, 4).unwrap();
    assert_eq!(d.trials, 101);
    let all = [d.p5, d.p10, d.p25, d.p50, d.p75, d.p90, d.p95, d.mean];
    assert!(all.iter().all(|m| *m == usd(25_000)), "{d:?}");
    assert_eq!(d.std_dev, usd(0));
    assert_eq!(d.p_target, 1.0, "P(close ≥ target) with close = target");
    let above =
        monte_carlo_close(&deals, q, q.start(), 0.0, Money::parse("25000.01", Currency::USD).unwrap(), 101, 4).unwrap();
    assert_eq!(above.p_target, 0.0);
    let one = monte_carlo_close(&deals, q, q.start(), 0.0, usd(1), 1, 4).unwrap();
    assert_eq!((one.trials, one.std_dev), (1, usd(0)));
}

#[test]
fn monte_carlo_summary_of_a_coin_flip_deal_agrees_with_itself() {
    // one deal, 50%: each close is 0 or 100,000; the mean fixes the share won
    let q = Quarter::new(2026, 4).unwrap().period();
    let d = deal("a", "ann", 100_000, "50%", (2026, 11, 5), ForecastCategory::Commit);
    let n = 4_001;
    let r = monte_carlo_close(std::slice::from_ref(&d), q, q.start(), 0.0, usd(100_000), n, 12).unwrap();
    // P(close ≥ 100,000) is the share won; the mean and standard deviation follow from it (both
    // are money, to the cent)
    let f = r.p_target;
    assert!((f - 0.5).abs() < 0.03, "{f}");
    assert!((r.mean.to_f64_lossy() - 100_000.0 * f).abs() <= 0.005, "{} vs {}", r.mean, 100_000.0 * f);
    let sd = 100_000.0 * (f * (1.0 - f) * n as f64 / (n - 1) as f64).sqrt();
    assert!((r.std_dev.to_f64_lossy() - sd).abs() <= 0.006, "{} vs {sd}", r.std_dev);
    let ps = [r.p5, r.p10, r.p25, r.p50, r.p75, r.p90, r.p95];
    assert!(ps.windows(2).all(|w| w[0].amount() <= w[1].amount()));
    assert_eq!((r.p5, r.p95), (usd(0), usd(100_000)));
    assert_eq!(
        monte_carlo_close(std::slice::from_ref(&d), q, q.start(), 0.0, usd(100_000), n, 12).unwrap(),
        r,
        "same seed"
    );
    assert_ne!(monte_carlo_close(&[d], q, q.start(), 0.0, usd(100_000), n, 13).unwrap().mean, r.mean, "other seed");
}

#[test]
fn monte_carlo_of_three_deals_matches_the_binomial_mixture() {
    let q = Quarter::new(2026, 4).unwrap().period();
    let mk = |id, p| deal(id, "ann", 100_000, p, (2026, 11, 15), ForecastCategory::Commit);
    let deals = [mk("a", "90%"), mk("b", "50%"), mk("c", "20%")];
    let r = monte_carlo_close(&deals, q, q.start(), 0.0, usd(150_000), 20_000, 7).unwrap();
    // mean 160,000; sd √(0.09 + 0.25 + 0.16) × 100,000; P(≥ 2 wins) = 0.09 + 0.36 + 0.09 + 0.01
    assert!((r.mean.to_f64_lossy() - 160_000.0).abs() < 2_500.0, "{}", r.mean);
    assert!((r.std_dev.to_f64_lossy() - 0.5f64.sqrt() * 100_000.0).abs() < 2_500.0, "{}", r.std_dev);
    assert!((r.p_target - 0.55).abs() < 0.015, "{}", r.p_target);
    assert_eq!(r.p50, usd(200_000), "the median close is two wins");
    // P(no win) = 0.04 < 5%, P(≤ 2 wins) = 0.91 < 95%
    assert_eq!(r.p5, usd(100_000));
    assert_eq!(r.p95, usd(300_000));
}

#[test]
fn monte_carlo_slips_close_inside_the_quarter_with_normal_probability() {
    let q = Quarter::new(2026, 4).unwrap().period();
    let trials = 20_000;
    let share = |date: (i32, u32, u32), sd: f64| {
        let d = deal("s", "ann", 100_000, "100%", date, ForecastCategory::Commit);
        monte_carlo_close(&[d], q, q.start(), sd, usd(100_000), trials, 5).unwrap().p_target
    };
    let phi = |x: f64| Normal::new(0.0, 1.0).unwrap().cdf(x);
    // closing on the quarter's last day: about half slip out (Φ(0) or Φ(1/15))
    let p = share((2026, 12, 31), 15.0);
    assert!((p - 0.51).abs() < 0.03, "{p}");
    // mid-quarter, 46–47 days left, sd 15: Φ(3.1) ≈ 0.999
    let p = share((2026, 11, 15), 15.0);
    assert!((p - 0.999).abs() < 0.01, "{p}");
    // 9–10 days after the quarter: P(slip ≤ −9.5) with sd 10
    let p = share((2027, 1, 10), 10.0);
    assert!((p - phi(-0.95)).abs() < 0.02, "{p} vs {}", phi(-0.95));
    // a closed deal ignores the slip
    let c = deal("k", "ann", 100_000, "100%", (2026, 12, 31), ForecastCategory::Closed);
    assert_eq!(monte_carlo_close(&[c], q, q.start(), 1_000.0, usd(100_000), 1_000, 5).unwrap().p_target, 1.0);
}

#[test]
fn monte_carlo_deal_closing_on_the_quarters_first_day_closes_inside_with_p_slip_le_days_left() {
    // "while the quarter runs (`as_of` inside it), an open deal counts with P(slip < days left)":
    // closing on 1 October, with 92 days left and slips of sd 15 days, Φ(6.1) ≈ 1 (the book
    // once let half of such deals slip into September)
    let q = Quarter::new(2026, 4).unwrap().period();
    let d = deal("s", "ann", 100_000, "100%", (2026, 10, 1), ForecastCategory::Commit);
    let r = monte_carlo_close(&[d], q, q.start(), 15.0, usd(100_000), 20_000, 5).unwrap();
    assert!(r.p_target > 0.99, "P(closes inside) = {}, mean {}", r.p_target, r.mean);
}

#[test]
fn monte_carlo_errors_are_the_documented_variants() {
    let q = Quarter::new(2026, 4).unwrap().period();
    let ok = deal("a", "ann", 1_000, "50%", (2026, 11, 5), ForecastCategory::Commit);
    let run = |deals: &[PipelineDeal], sd: f64, target: Money, trials: usize| {
        monte_carlo_close(deals, q, q.start(), sd, target, trials, 1)
    };
    assert!(matches!(run(std::slice::from_ref(&ok), 0.0, usd(1), 0), Err(ForecastError::ZeroCount(_))));
    for sd in [-1.0, f64::NAN, f64::INFINITY] {
        match run(std::slice::from_ref(&ok), sd, usd(1), 10) {
            Err(ForecastError::Slip(s)) => assert!(s == sd || (s.is_nan() && sd.is_nan())),
            other => panic!("{sd}: {other:?}"),
        }
    }
    assert!(matches!(run(std::slice::from_ref(&ok), 0.0, usd(1), MAX_TRIALS + 1), Err(ForecastError::Limit(_))));
    let over = deal("x", "ann", 1_000, "120%", (2026, 11, 5), ForecastCategory::Commit);
    assert!(matches!(run(&[over], 0.0, usd(1), 10), Err(ForecastError::DealProbability { deal, .. }) if deal == "x"));
    let eur_target = Money::parse("1", Currency::EUR).unwrap();
    assert!(matches!(
        run(std::slice::from_ref(&ok), 0.0, eur_target, 10),
        Err(ForecastError::DealCurrency { found: Currency::USD, expected: Currency::EUR, .. })
    ));
}
