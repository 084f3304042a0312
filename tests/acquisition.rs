//! Behaviour of `acquisition`: scoring by hand-checked vectors, and the win model recovering
//! coefficients and calibration from deals simulated with a fixed seed.

#[path = "../examples/common/splitmix.rs"]
mod splitmix;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::acquisition::*;
use revops::stats::{
    brier_score, expected_calibration_error, log_loss, standardisation, IsotonicCalibrator, LogisticSpec,
    PlattCalibrator, StatsError,
};
use revops::{Currency, Money};
use splitmix::splitmix_design;
use statrs::distribution::Normal;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

fn icp() -> IdealCustomerProfile {
    let c = |name: &str, criterion, weight| WeightedCriterion { name: name.into(), criterion, weight };
    IdealCustomerProfile {
        criteria: vec![
            c("industry", Criterion::Industry(vec!["Software".into(), "Fintech".into()]), 3.0),
            c("size", Criterion::Employees { min: 1_000, max: 50_000 }, 2.0),
            c("revenue", Criterion::Revenue { min: usd("100000000"), max: usd("50000000000") }, 2.0),
            c("region", Criterion::Region(vec!["NA".into(), "EMEA".into()]), 1.0),
            c("stack", Criterion::TechStack(vec!["Snowflake".into(), "Salesforce".into()]), 1.0),
            c("fortune", Criterion::FortuneRankAtMost(500), 1.0),
        ],
    }
}

#[test]
fn fit_scores_by_hand() {
    let p = Firmographics {
        industry: "fintech".into(),
        employees: 4_000,
        annual_revenue: Some(usd("900000000")),
        region: "APAC".into(),
        tech_stack: vec!["snowflake".into()],
        fortune_rank: Some(812),
    };
    let s = icp().fit(&p).unwrap();
    // 3 + 2 + 2 + 0 + 0.5 + 0 = 7.5 of 10
    assert!((s.score - 75.0).abs() < 1e-9);
    assert!((s.contributions.iter().map(|c| c.1).sum::<f64>() - s.score).abs() < 1e-9);
    assert_eq!(s.contributions[4], ("stack".to_string(), 5.0));
    let eur = Firmographics { annual_revenue: Some(Money::parse("1", Currency::EUR).unwrap()), ..p };
    assert!(matches!(icp().fit(&eur), Err(AcquisitionError::MixedCurrencies(..))));
    assert!(IdealCustomerProfile { criteria: vec![] }.fit(&eur).is_err());
}

#[test]
fn intent_decays_and_saturates() {
    let w = |kind, points, half_life_days| SignalWeight { kind, points, half_life_days };
    let m = IntentModel {
        weights: vec![
            w(SignalKind::PricingPage, 4.0, 7.0),
            w(SignalKind::DemoRequest, 10.0, 30.0),
            w(SignalKind::Funding, 6.0, 90.0),
        ],
        saturation: 20.0,
    };
    let s = |kind, date| Signal { kind, date, strength: 1.0 };
    let signals = [
        s(SignalKind::PricingPage, d(3, 1)),
        s(SignalKind::DemoRequest, d(2, 14)),
        s(SignalKind::Funding, d(12, 1)),
        s(SignalKind::WebVisit, d(3, 14)),
    ];
    let score = m.intent(&signals, d(3, 15)).unwrap();
    // pricing: 4 × 0.5^(14/7) = 1; demo: 10 × 0.5^(29/30); funding is in the future: ignored
    let raw = 1.0 + 10.0 * 0.5f64.powf(29.0 / 30.0);
    assert!((score.raw - raw).abs() < 1e-12);
    assert!((score.score - 100.0 * (1.0 - (-raw / 20.0).exp())).abs() < 1e-12);
    assert!((score.contributions.iter().map(|c| c.1).sum::<f64>() - score.score).abs() < 1e-9);
    assert!(m.intent(&signals, d(6, 1)).unwrap().score < score.score);
}

#[test]
fn grades_and_priority() {
    assert_eq!(Grade::of(80.0, 10.0).to_string(), "A4");
    assert_eq!(Grade::of(49.9, 75.0).to_string(), "C1");
    let f = |s| FitScore { score: s, contributions: vec![] };
    let i = |s| IntentScore { score: s, raw: 0.0, contributions: vec![] };
    let list =
        prioritise(&[("b".into(), f(60.0), i(90.0)), ("a".into(), f(90.0), i(10.0)), ("c".into(), f(90.0), i(80.0))]);
    let order: Vec<&str> = list.iter().map(|p| p.prospect.as_str()).collect();
    assert_eq!(order, ["c", "a", "b"]);
}

/// Deals simulated from a known logistic model: 6 informative features and 2 of noise.
fn simulated_deals(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>, [f64; 8], f64) {
    let truth = [0.9, -0.7, 0.5, -1.1, 0.3, 0.6, 0.0, 0.0];
    let intercept = -0.4;
    let mut rng = StdRng::seed_from_u64(seed);
    let normal = Normal::standard();
    let (mut rows, mut won) = (Vec::with_capacity(n * 8), Vec::with_capacity(n));
    for _ in 0..n {
        let x: Vec<f64> = (0..8).map(|_| rng.sample(normal)).collect();
        let z = intercept + x.iter().zip(truth).map(|(a, b)| a * b).sum::<f64>();
        won.push(rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.extend(x);
    }
    (rows, won, truth, intercept)
}

fn names() -> Vec<String> {
    (0..8).map(|i| format!("f{i}")).collect()
}

#[test]
fn win_model_recovers_coefficients_and_is_calibrated() {
    let (rows, won, truth, _) = simulated_deals(40_000, 2024);
    let mut spec = WinModelSpec::new(names());
    spec.logistic.l2 = 0.01;
    let m = spec.fit(&rows, &won).unwrap();
    for (j, want) in truth.iter().enumerate() {
        assert!((m.coefficients()[j] - want).abs() < 0.06, "f{j}: {} vs {want}", m.coefficients()[j]);
    }
    assert!(m.holdout().ece < 0.03, "ECE {}", m.holdout().ece);
    assert!(m.holdout().auc > 0.8);
    assert_eq!(m.holdout().bins.len(), 10);
    // explanations sum to the log-odds, reasons are ordered and signed
    let x = &rows[8..16];
    let e = m.explain(x).unwrap();
    let all: f64 = m.contributions(x).unwrap().iter().map(|c| c.1).sum();
    assert!((m.intercept() + all - e.log_odds).abs() < 1e-12);
    assert!((e.probability - m.probability(x).unwrap()).abs() < 1e-15);
    let pos: Vec<f64> = e.top_positive.iter().flatten().map(|r| r.contribution).collect();
    assert!(pos.windows(2).all(|w| w[0] >= w[1]) && pos.iter().all(|c| *c > 0.0));
    let neg: Vec<f64> = e.top_negative.iter().flatten().map(|r| r.contribution).collect();
    assert!(neg.windows(2).all(|w| w[0] <= w[1]) && neg.iter().all(|c| *c < 0.0));
    // the top reasons equal a brute-force sort of every contribution, on many deals
    for x in rows.chunks_exact(8).take(2_000) {
        let e = m.explain(x).unwrap();
        let mut all: Vec<(usize, f64)> = m.contributions(x).unwrap().into_iter().map(|(_, c)| c).enumerate().collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        let want_pos: Vec<usize> = all.iter().filter(|c| c.1 > 0.0).take(3).map(|c| c.0).collect();
        let want_neg: Vec<usize> = all.iter().rev().filter(|c| c.1 < 0.0).take(3).map(|c| c.0).collect();
        assert_eq!(e.top_positive.iter().flatten().map(|r| r.feature).collect::<Vec<_>>(), want_pos);
        assert_eq!(e.top_negative.iter().flatten().map(|r| r.feature).collect::<Vec<_>>(), want_neg);
    }
    // batch equals single
    let mut batch = Vec::new();
    m.probabilities_into(&rows[..80], &mut batch).unwrap();
    assert_eq!(batch[1], m.probability(x).unwrap());
    // isotonic calibration also works and is calibrated
    spec.calibration = CalibrationMethod::Isotonic;
    assert!(spec.fit(&rows, &won).unwrap().holdout().ece < 0.03);
}

#[test]
fn win_model_refuses_thin_history() {
    let (rows, won, _, _) = simulated_deals(120, 1);
    let spec = WinModelSpec::new(names());
    let few: Vec<bool> = won.iter().enumerate().map(|(i, _)| i < 30).collect();
    match spec.fit(&rows, &few) {
        Err(AcquisitionError::InsufficientHistory { won: 30, lost: 90, min_won: 50, min_lost: 50 }) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(spec.fit(&rows[..8], &won).is_err());
}

#[test]
fn percentile_ranks_are_not_probabilities() {
    let ranks = percentile_ranks(&[0.9, 0.1, 0.5]).unwrap();
    assert_eq!(ranks, [100.0, 0.0, 50.0]);
}

#[allow(clippy::too_many_arguments)] // a test-table row builder: one argument per column
fn opp(
    id: &str,
    account: &str,
    seg: &str,
    stage: Stage,
    amount: &str,
    created: NaiveDate,
    closed: Option<NaiveDate>,
    comp: Option<&str>,
    disc: &str,
    p: &str,
) -> Opportunity {
    Opportunity {
        id: id.into(),
        account: account.into(),
        segment: seg.into(),
        stage,
        amount: usd(amount),
        created,
        closed,
        competitor: comp.map(String::from),
        discount: disc.parse().unwrap(),
        probability: p.parse().unwrap(),
    }
}

#[test]
fn velocity_competition_and_strategic_view() {
    let opps = [
        opp("1", "Acme", "ent", Stage::ClosedWon, "100000", d(1, 1), Some(d(3, 2)), Some("Rival"), "10%", "100%"),
        opp("2", "Globex", "ent", Stage::ClosedWon, "300000", d(1, 1), Some(d(5, 1)), None, "20%", "100%"),
        opp("3", "Initech", "ent", Stage::ClosedLost, "50000", d(1, 1), Some(d(2, 1)), Some("Rival"), "0%", "0%"),
        opp("4", "Umbrella", "ent", Stage::Proposal, "200000", d(4, 1), None, None, "0%", "40%"),
        opp("5", "Hooli", "ent", Stage::Negotiation, "400000", d(4, 1), None, Some("Rival"), "15%", "70%"),
        opp("6", "Tiny", "smb", Stage::ClosedLost, "5000", d(1, 1), Some(d(1, 20)), None, "0%", "0%"),
    ];
    let v = sales_velocity(&opps).unwrap();
    assert_eq!(v.len(), 1); // smb has no won deal: undefined, skipped
    let ent = &v[0];
    assert_eq!(ent.open, 2);
    assert!((ent.win_rate - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(ent.average_deal, usd("200000"));
    assert!((ent.cycle_days - 90.0).abs() < 1e-12); // (60 + 120) / 2
    assert_eq!(ent.per_day, Money::parse("2962.96", Currency::USD).unwrap()); // 2 × 2/3 × 200,000 / 90
    let c = cycle_lengths(&opps).unwrap().unwrap();
    assert_eq!((c.deals, c.median, c.p90), (2, 60, 120));
    let comp = competitive_analysis(&opps).unwrap();
    let rival = comp.iter().find(|c| c.competitor.as_deref() == Some("Rival")).unwrap();
    assert_eq!((rival.closed, rival.won), (2, 1));
    assert_eq!(rival.average_discount_won, "10%".parse().unwrap());
    let none = comp.iter().find(|c| c.competitor.is_none()).unwrap();
    assert_eq!(none.average_discount_won, "20%".parse().unwrap()); // Globex alone; Tiny was lost
    let f500: Vec<String> = ["Acme", "Umbrella", "Hooli", "Wayne"].iter().map(|s| s.to_string()).collect();
    let sv = strategic_view(&f500, &opps, Currency::USD).unwrap();
    assert_eq!((sv.accounts, sv.covered, sv.customers), (4, 2, 1));
    assert_eq!(sv.expected_value, usd("360000")); // 0.4 × 200k + 0.7 × 400k
    assert!(strategic_view(&f500, &opps, Currency::EUR).is_err());
}

#[test]
fn strategic_expected_value_overflow_is_an_error_not_a_panic() {
    // each stage sum fits; Σ probability × amount did not, and overflowed unchecked
    let max = Money::new(rust_decimal::Decimal::MAX, Currency::USD);
    let mut a = opp("1", "Acme", "ent", Stage::Proposal, "1", d(1, 1), None, None, "0%", "100%");
    a.amount = max;
    let b = Opportunity { id: "2".into(), stage: Stage::Negotiation, ..a.clone() };
    let r = strategic_view(&["Acme".to_string()], &[a.clone(), b.clone()], Currency::USD);
    assert!(matches!(r, Err(AcquisitionError::Money(_))), "{r:?}");
    // a probability of 70 (7000%) meant 70% and weighted the deal 70 times
    let seventy = Opportunity { probability: "7000%".parse().unwrap(), amount: usd("1"), ..a };
    let r = strategic_view(&["Acme".to_string()], std::slice::from_ref(&seventy), Currency::USD);
    assert!(matches!(r, Err(AcquisitionError::OutOfRange { ref opportunity, .. }) if opportunity == "1"), "{r:?}");
    let lost =
        Opportunity { stage: Stage::ClosedWon, closed: Some(d(2, 1)), discount: "-5%".parse().unwrap(), ..seventy };
    assert!(matches!(competitive_analysis(&[lost]), Err(AcquisitionError::OutOfRange { what: "discount", .. })));
}

#[test]
fn icp_weights_and_intent_signals_that_overflow_are_refused() {
    let p = Firmographics {
        industry: "software".into(),
        employees: 4_000,
        annual_revenue: None,
        region: "NA".into(),
        tech_stack: vec![],
        fortune_rank: None,
    };
    let c = |name: &str, weight| WeightedCriterion {
        name: name.into(),
        criterion: Criterion::Industry(vec!["Software".into()]),
        weight,
    };
    // each weight is finite, their total is not: the score came out NaN
    let huge = IdealCustomerProfile { criteria: vec![c("a", f64::MAX), c("b", f64::MAX)] };
    let r = huge.fit(&p);
    assert!(matches!(r, Err(AcquisitionError::Overflow(_))), "{r:?}");
    let m = IntentModel {
        weights: vec![SignalWeight { kind: SignalKind::DemoRequest, points: 10.0, half_life_days: 7.0 }],
        saturation: 10.0,
    };
    // 10 points × f64::MAX strength = ∞ raw points: the contributions were ∞/∞ = NaN
    let r = m.intent(&[Signal { kind: SignalKind::DemoRequest, date: d(1, 1), strength: f64::MAX }], d(1, 2));
    assert!(matches!(r, Err(AcquisitionError::Overflow(_))), "{r:?}");
}

#[cfg(feature = "serde")]
#[test]
fn win_models_read_from_json_are_checked() {
    let (rows, won, _, _) = simulated_deals(2_000, 3);
    let model = WinModelSpec::new(names()).fit(&rows, &won).unwrap();
    let json = serde_json::to_value(&model).unwrap();
    let mut short = json.clone();
    short["means"] = serde_json::json!([]);
    // no means: every deal's log-odds was the intercept, silently
    assert!(serde_json::from_value::<WinModel>(short).is_err());
    let mut nan = json.clone();
    nan["coefficients"][0] = serde_json::json!(1e308);
    nan["means"][0] = serde_json::json!(-1e308);
    assert!(serde_json::from_value::<WinModel>(nan).is_ok()); // finite, if silly
    let mut iso = json.clone();
    iso["calibrator"] = serde_json::json!({"Isotonic": {"thresholds": [1.0], "values": []}});
    assert!(serde_json::from_value::<WinModel>(iso).is_err());
    assert_eq!(serde_json::from_value::<WinModel>(json).unwrap(), model);
}

/// Wisconsin diagnostic breast cancer as shipped with scikit-learn 1.9.1
/// (`sklearn.datasets.load_breast_cancer()`; tests/data/README.md): 569 rows of 30 features, and
/// whether the tumour is malignant (`target == 0`).
fn breast_cancer() -> (Vec<[f64; 30]>, Vec<bool>) {
    let (mut rows, mut malignant) = (Vec::new(), Vec::new());
    for line in include_str!("data/breast_cancer.csv").lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        rows.push(std::array::from_fn(|j| v[j]));
        malignant.push(v[30] == 0.0);
    }
    (rows, malignant)
}

#[test]
fn isotonic_calibration_pools_tied_scores_whatever_their_order() {
    // the second order used to keep two blocks at score 1, [0, 1], and calibrate 1 to 0
    for labels in [[false, true], [true, false]] {
        let c = IsotonicCalibrator::fit(&[1.0, 1.0], &labels).unwrap();
        assert_eq!(c.calibrate(1.0).unwrap(), 0.5, "{labels:?}");
    }
    // a tie must not be pooled member by member: a block at 0.5 before a tie of mean 0.75 stays
    // its own block (pooling 0 first, then its 1s, gave one block at 0.667)
    let c = IsotonicCalibrator::fit(&[1.0, 1.0, 2.0, 2.0, 2.0, 2.0], &[false, true, false, true, true, true]).unwrap();
    assert_eq!((c.calibrate(1.0).unwrap(), c.calibrate(2.0).unwrap()), (0.5, 0.75));
}

#[test]
fn isotonic_calibration_matches_scikit_learn_on_breast_cancer() {
    let (rows, malignant) = breast_cancer();
    let radius: Vec<f64> = rows.iter().map(|r| r[0]).collect(); // "mean radius": 456 distinct of 569
    let c = IsotonicCalibrator::fit(&radius, &malignant).unwrap();
    // scikit-learn 1.9.1: IsotonicRegression(out_of_bounds="clip").fit(mean_radius, target == 0)
    // has 28 knots (X_thresholds_) and predicts, at these radii (the second group sits midway
    // between knots, where the map interpolates):
    #[rustfmt::skip]
    let expected = [
        (5.0, 0.0), (6.981, 0.0), (10.0, 0.0), (11.0, 0.04411764705882353), (11.5, 0.04411764705882353),
        (12.0, 0.06382978723404255), (12.34, 0.1), (13.0, 0.1111111111111111), (13.5, 0.21428571428571427),
        (14.0, 0.3103448275862069), (14.5, 0.35185185185185186), (15.0, 0.35185185185185186),
        (15.5, 0.8409090909090909), (16.0, 0.8409090909090909), (17.0, 0.9458237840590772), (18.0, 1.0),
        (20.0, 1.0), (28.11, 1.0), (30.0, 1.0),
        (8.9605, 0.0), (11.754999999999999, 0.05397371714643129), (12.385, 0.1),
        (12.995000000000001, 0.10657596371882166), (13.245000000000001, 0.19047619047619047),
        (13.705, 0.2623152709359606), (14.614999999999998, 0.35185185185185186),
        (15.274999999999999, 0.770454545454533), (17.43, 0.9523809523809523),
    ];
    assert_eq!(c.thresholds().len(), 28);
    for (x, want) in expected {
        let got = c.calibrate(x).unwrap();
        assert!((got - want).abs() < 1e-12, "radius {x}: {got} vs scikit-learn {want}");
    }
}

#[test]
fn calibrating_a_nan_score_is_an_error() {
    // isotonic calibrate(NaN) used to be the first block's probability, 0.2 here
    let iso = IsotonicCalibrator::new(vec![0.0, 1.0], vec![0.2, 0.9]).unwrap();
    assert!(matches!(iso.calibrate(f64::NAN), Err(StatsError::NonFinite(_))));
    let platt = PlattCalibrator::new(2.0, -1.0).unwrap();
    assert!(matches!(platt.calibrate(f64::NAN), Err(StatsError::NonFinite(_))));
    assert_eq!((iso.calibrate(f64::INFINITY).unwrap(), platt.calibrate(f64::INFINITY).unwrap()), (0.9, 1.0));
}

#[test]
fn platt_scaling_fits_smoothed_targets_as_scikit_learn() {
    // scikit-learn 1.9.1: sklearn.calibration._sigmoid_calibration(scores, labels) returns (a, b)
    // for P = 1 / (1 + exp(a·s + b)); the crate's σ(A·s + B) has A = −a, B = −b.
    let (rows, malignant) = breast_cancer();
    let radius: Vec<f64> = rows.iter().map(|r| r[0]).collect();
    let c = PlattCalibrator::fit(&radius, &malignant).unwrap();
    // (a, b) = (-0.990163163360471, 14.631479407209259); L-BFGS-B at gtol 1e-6 on 569 rows.
    // Raw 0/1 targets gave A = 1.0336, B = −15.246.
    assert!((c.a() - 0.990163163360471).abs() < 1e-6, "{}", c.a());
    assert!((c.b() + 14.631479407209259).abs() < 1e-5, "{}", c.b());
    // perfectly separated scores: raw 0/1 targets sent the slope toward ∞ (21.5 under the old
    // 1e-6 ridge); Platt's targets 4/5 and 1/5 keep it at (a, b) = (−0.9942691410572444, ~0)
    let separated =
        PlattCalibrator::fit(&[-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], &[false, false, false, true, true, true]).unwrap();
    assert!((separated.a() - 0.9942691410572444).abs() < 1e-6, "{}", separated.a());
    assert!(separated.b().abs() < 1e-9, "{}", separated.b());
}

#[test]
fn holdout_metrics_are_measured_on_deals_the_calibrator_did_not_see() {
    // An isotonic calibrator graded on its own training rows reported ECE 0.000 on every seed
    // here, while the same models scored about 0.033 on 100,000 fresh deals.
    let (fresh_rows, fresh_won, _, _) = simulated_deals(100_000, 99);
    let (mut reported, mut fresh) = (0.0, 0.0);
    let (mut reported_brier, mut fresh_brier) = (0.0, 0.0);
    for seed in 0..10 {
        let (rows, won, _, _) = simulated_deals(2_000, 500 + seed);
        let mut spec = WinModelSpec::new(names());
        spec.calibration = CalibrationMethod::Isotonic;
        let m = spec.fit(&rows, &won).unwrap();
        let mut p = Vec::new();
        m.probabilities_into(&fresh_rows, &mut p).unwrap();
        reported += m.holdout().ece / 10.0;
        fresh += expected_calibration_error(&p, &fresh_won, 10).unwrap() / 10.0;
        reported_brier += m.holdout().brier / 10.0;
        fresh_brier += brier_score(&p, &fresh_won).unwrap() / 10.0;
    }
    // 400 held-out deals a model: the reported figures are noisy, but not flattering
    assert!(reported >= 0.8 * fresh, "reported ECE {reported:.4}, fresh {fresh:.4}");
    assert!(reported_brier >= fresh_brier - 0.003, "reported Brier {reported_brier:.4}, fresh {fresh_brier:.4}");
}

#[test]
fn percentile_ranks_give_tied_probabilities_their_average_rank() {
    // scipy.stats.rankdata([0.5, 0.1, 0.5, 0.9, 0.5], method="average") = [3, 1, 3, 5, 3];
    // (rank − 1) / (n − 1) × 100. The tie used to get 25, 50 and 75 by position.
    let ranks = percentile_ranks(&[0.5, 0.1, 0.5, 0.9, 0.5]).unwrap();
    assert_eq!(ranks, [50.0, 0.0, 50.0, 100.0, 50.0]);
    assert_eq!(percentile_ranks(&[0.3, 0.3]).unwrap(), [50.0, 50.0]);
    assert_eq!(percentile_ranks(&[0.3]).unwrap(), [100.0]);
    assert!(percentile_ranks(&[]).unwrap().is_empty());
    assert!(matches!(percentile_ranks(&[0.3, f64::NAN]), Err(AcquisitionError::InvalidInput(_))));
}

#[test]
fn won_deals_without_a_close_date_or_closing_before_creation_are_reported() {
    let won = |id: &str, created, closed| {
        opp(id, "Acme", "ent", Stage::ClosedWon, "100000", created, closed, None, "0%", "100%")
    };
    let open = opp("9", "Hooli", "ent", Stage::Proposal, "100000", d(1, 1), None, None, "0%", "50%");
    // an undated won deal counted as a 0-day cycle: (60 + 0) / 2 = 30 days
    let undated = [won("1", d(1, 1), Some(d(3, 2))), won("2", d(1, 1), None), open.clone()];
    let r = sales_velocity(&undated);
    assert!(matches!(r, Err(AcquisitionError::MissingCloseDate(ref id)) if id == "2"), "{r:?}");
    assert!(matches!(cycle_lengths(&undated), Err(AcquisitionError::MissingCloseDate(_))));
    // closing 31 days before creation was −31 in the lengths and clamped to a day in velocity
    let backwards = [won("1", d(1, 1), Some(d(3, 2))), won("3", d(2, 1), Some(d(1, 1))), open];
    let r = sales_velocity(&backwards);
    assert!(
        matches!(r, Err(AcquisitionError::ClosedBeforeCreated { ref opportunity, .. }) if opportunity == "3"),
        "{r:?}"
    );
    assert!(matches!(cycle_lengths(&backwards), Err(AcquisitionError::ClosedBeforeCreated { .. })));
    // a same-day close is a 0-day cycle, and fine
    assert_eq!(cycle_lengths(&[won("4", d(1, 1), Some(d(1, 1)))]).unwrap().unwrap().median, 0);
}

#[test]
fn brier_score_and_log_loss_refuse_values_that_are_not_probabilities() {
    // 1.5 and −0.2 were scored as if they were probabilities (Brier 0.25 for 1.5; log loss 0.35
    // for [0.5, −0.2])
    for p in [1.5, -0.2] {
        assert!(matches!(brier_score(&[p], &[true]), Err(StatsError::NotProbability { row: 0, .. })), "{p}");
        assert!(matches!(log_loss(&[0.5, p], &[true, false]), Err(StatsError::NotProbability { row: 1, .. })), "{p}");
        assert!(expected_calibration_error(&[p], &[true], 10).is_err(), "{p}");
    }
    assert_eq!(brier_score(&[0.0, 1.0], &[false, true]).unwrap(), 0.0);
}

#[test]
fn intent_points_must_not_be_negative() {
    // −10 points at saturation 5 scored 100 × (1 − e²) = −639: outside 0–100
    let m = IntentModel {
        weights: vec![SignalWeight {
            kind: SignalKind::Other("unsubscribe".into()),
            points: -10.0,
            half_life_days: 7.0,
        }],
        saturation: 5.0,
    };
    let s = Signal { kind: SignalKind::Other("unsubscribe".into()), date: d(1, 1), strength: 1.0 };
    assert!(matches!(m.intent(&[s], d(1, 1)), Err(AcquisitionError::InvalidConfig(_))));
}

#[test]
fn a_holdout_of_every_zeroth_or_first_deal_is_refused() {
    // holdout_every 0 silently became 2: half the deals held out
    let (rows, won, _, _) = simulated_deals(1_000, 4);
    for every in [0, 1] {
        let spec = WinModelSpec { holdout_every: every, ..WinModelSpec::new(names()) };
        assert!(matches!(spec.fit(&rows, &won), Err(AcquisitionError::InvalidConfig(_))), "{every}");
    }
}

#[test]
fn fit_scores_stay_within_zero_and_one_hundred_for_any_weight() {
    // a lone weight of 418,180,523,151.2 scored 100 × w ÷ w = 100.00000000000001
    let p = Firmographics {
        industry: "software".into(),
        employees: 4_000,
        annual_revenue: None,
        region: "NA".into(),
        tech_stack: vec![],
        fortune_rank: None,
    };
    let c = |weight| WeightedCriterion {
        name: "i".into(),
        criterion: Criterion::Industry(vec!["Software".into()]),
        weight,
    };
    for weights in [vec![418180523151.20966], vec![0.1, 0.2, 0.7], vec![f64::MAX / 4.0, f64::MAX / 4.0, 1e-300]] {
        let icp = IdealCustomerProfile { criteria: weights.iter().map(|w| c(*w)).collect() };
        let s = icp.fit(&p).unwrap();
        assert!((0.0..=100.0).contains(&s.score), "{weights:?}: {}", s.score);
        assert!((s.score - 100.0).abs() < 1e-12, "{weights:?}: {}", s.score);
    }
}

/// Breast cancer standardised as scikit-learn's `StandardScaler` (population standard deviation),
/// row-major, with `target` (benign) as the label.
fn breast_cancer_standardised() -> (Vec<f64>, Vec<bool>) {
    let (rows, malignant) = breast_cancer();
    let flat: Vec<f64> = rows.iter().flatten().copied().collect();
    let (means, scales) = standardisation(&flat, 30).unwrap();
    let z = flat.chunks_exact(30).flat_map(|r| r.iter().zip(&means).zip(&scales).map(|((x, m), s)| (x - m) / s));
    (z.collect(), malignant.iter().map(|m| !m).collect())
}

#[test]
fn logistic_fit_matches_scikit_learn_on_breast_cancer() {
    let (rows, benign) = breast_cancer_standardised();
    let fit = LogisticSpec::default().fit(&rows, 30, &benign).unwrap(); // λ = 1: C = 1
                                                                        // scikit-learn 1.9.1: LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12)
                                                                        // .fit(StandardScaler().fit_transform(X), target), intercept first: the exact optimum
    #[rustfmt::skip]
    let exact = [
        0.21450271739736915, -0.36309253190647295, -0.38767544240859486, -0.35106211866771186, -0.4356098032751115,
        -0.16183110280313265, 0.5626540337053749, -0.8599171195795229, -0.962280223476802, 0.0762090314770187,
        0.322226236950291, -1.290942289665691, 0.26892190138603933, -0.659974596552489, -1.012557732173493,
        -0.27721295891285463, 0.7363240127821209, 0.11053932078344851, -0.3334076188727383, 0.2957930258946487,
        0.6809196730549372, -1.0292622616340463, -1.3146076344380304, -0.82334738256191, -1.0107068321012709,
        -0.6706819627714259, 0.044564251789742805, -0.8733339165121516, -0.9120031219156354, -0.8878373243044495,
        -0.4798189080384456,
    ];
    // the same with solver="lbfgs", tol=1e-14: L-BFGS stops within its own tolerance, up to 1.1e-6
    // from the optimum (β25)
    #[rustfmt::skip]
    let lbfgs = [
        0.2145029487843094, -0.3630927145963024, -0.3876752832512719, -0.35106229957527063, -0.43560923437123755,
        -0.1618317438254807, 0.56265399789221, -0.8599168401480519, -0.9622797983200169, 0.07620922296456524,
        0.32222561923919957, -1.2909424522936195, 0.268921979252307, -0.659975241145465, -1.012557247614664,
        -0.27721304404060837, 0.7363236167095599, 0.11053898364110519, -0.33340679056162253, 0.2957932446751648,
        0.680920093835844, -1.029262864030283, -1.314608246007911, -0.8233480287932244, -1.0107062593052247,
        -0.6706808351837305, 0.0445640448650359, -0.8733340569412721, -0.9120031277604094, -0.8878373648828247,
        -0.47981899926816113,
    ];
    let got: Vec<f64> =
        std::iter::once(fit.model.intercept()).chain(fit.model.coefficients().iter().copied()).collect();
    for (j, ((g, e), l)) in got.iter().zip(exact).zip(lbfgs).enumerate() {
        assert!((g - e).abs() < 1e-9, "β{j}: {g} vs newton-cholesky {e}");
        assert!((g - l).abs() < 2e-6, "β{j}: {g} vs lbfgs {l}");
    }
}

#[test]
fn logistic_fit_at_scale_matches_scikit_learn() {
    // 100,000 × 32: the staged fit (Newton on a subsample, then full-data quasi-Newton passes)
    let (rows, labels) = splitmix_design(100_000, 32);
    assert_eq!(labels.iter().filter(|&&y| y).count(), 49_777); // as numpy counts them
    let fit = LogisticSpec::default().fit(&rows, 32, &labels).unwrap();
    // scikit-learn 1.9.1, C = 1, intercept first: solver="newton-cholesky", tol=1e-12 (exact)
    #[rustfmt::skip]
    let exact = [
        -0.006978425769662756, 0.0008322272049810797, 0.3506898622968563, 0.6612955976244979, 0.895599573259599,
        0.9904861763305006, 0.9517480178742236, 0.8347845556022321, 0.5314241290800866, 0.17474873076080108,
        -0.18764402495585752, -0.5349048080205124, -0.8213194073504948, -0.9819105478799752, -1.0094791893000565,
        -0.8938285978408599, -0.6310914691321947, -0.32898523879182523, 0.007049622308409603, 0.38062182167802383,
        0.6795405631970515, 0.8806634542060569, 0.9976585384441662, 0.942816890627633, 0.7962145112545486,
        0.5148365556708003, 0.18049408678584497, -0.1858465610042529, -0.5237954022874026, -0.7928223789790071,
        -0.9456509520926476, -1.0025315270007655, -0.8847381741049283,
    ];
    // and solver="lbfgs", tol=1e-8 (8.0e-8 from the exact optimum)
    #[rustfmt::skip]
    let lbfgs = [
        -0.006978461341643874, 0.0008322188863486313, 0.3506898649795995, 0.6612955589404726, 0.8955996045451221,
        0.9904862084759164, 0.9517479808763781, 0.8347845285851813, 0.5314241171251748, 0.17474872131233923,
        -0.1876440478218911, -0.5349047674297378, -0.8213194267390156, -0.9819104791710581, -1.0094791693126377,
        -0.8938286040559762, -0.6310914915909654, -0.3289852325443063, 0.007049644684375835, 0.38062180610008217,
        0.6795405150126268, 0.8806633763614723, 0.9976585314029449, 0.9428169581924086, 0.796214490816964,
        0.5148365671397201, 0.1804941670873145, -0.1858465411294035, -0.5237953560691474, -0.7928223457168476,
        -0.9456509773144106, -1.0025315400597568, -0.884738165155783,
    ];
    let got: Vec<f64> =
        std::iter::once(fit.model.intercept()).chain(fit.model.coefficients().iter().copied()).collect();
    for (j, ((g, e), l)) in got.iter().zip(exact).zip(lbfgs).enumerate() {
        assert!((g - e).abs() < 1e-8, "β{j}: {g} vs newton-cholesky {e}");
        assert!((g - l).abs() < 1e-6, "β{j}: {g} vs lbfgs {l}");
    }
}

/// Platt scaling fitted to scores that are all equal has slope 0: every score, ±∞ included,
/// calibrates to the one smoothed base rate. 0 × ∞ made that NaN (found by the no-panic sweep:
/// `fit([-f64::MAX, -f64::MAX], [false, true])` then `calibrate(∞)`).
#[test]
fn a_flat_platt_calibration_gives_its_base_rate_for_infinite_scores() {
    use revops::stats::PlattCalibrator;
    let platt = PlattCalibrator::fit(&[-f64::MAX, -f64::MAX], &[false, true]).unwrap();
    assert_eq!(platt.a(), 0.0);
    // Platt's targets: (1 + 1) / (1 + 2) and 1 / (1 + 2); their mean is 1/2
    for score in [f64::NEG_INFINITY, -1.0, 0.0, 1e300, f64::INFINITY] {
        let p = platt.calibrate(score).unwrap();
        assert!((p - 0.5).abs() < 1e-12, "calibrate({score}) = {p}");
    }
}

/// A deal scored with too few or too many feature values is refused, not scored on the values
/// that happen to line up (a missing value used to count as the training mean, so a row cut
/// short by a caller's bug still got a plausible probability). A batch whose length is not a
/// whole number of deals is refused too, and leaves the output as it was.
#[test]
fn a_deal_with_the_wrong_number_of_features_is_refused() {
    let (rows, won, _, _) = simulated_deals(2_000, 7);
    let model = WinModelSpec::new(names()).fit(&rows, &won).unwrap();
    let p = names().len();
    let deal = &rows[..p];
    assert!(model.probability(deal).is_ok() && model.log_odds(deal).is_ok());
    for bad in [&rows[..p - 1], &rows[..p + 1], &[][..]] {
        assert!(matches!(model.probability(bad), Err(AcquisitionError::InvalidInput(_))), "{} values", bad.len());
        assert!(model.log_odds(bad).is_err() && model.explain(bad).is_err() && model.contributions(bad).is_err());
    }
    let mut out = vec![0.25];
    assert!(model.probabilities_into(&rows[..3 * p - 1], &mut out).is_err());
    assert_eq!(out, vec![0.25], "a refused batch leaves the output as it was");
    model.probabilities_into(&rows[..3 * p], &mut out).unwrap();
    assert_eq!(out.len(), 3);
    // the bare logistic model holds the same line
    let bare = revops::stats::LogisticModel::new(0.5, vec![1.0, -1.0]).unwrap();
    assert!(bare.log_odds(&[1.0]).is_err() && bare.probability(&[1.0, 2.0, 3.0]).is_err());
    assert!(bare.contributions(&[1.0]).is_err());
    assert!(bare.log_likelihood(&[1.0, 2.0, 3.0], &[true, false]).is_err());
    assert_eq!(bare.log_odds(&[1.0, 2.0]).unwrap(), -0.5);
}

/// An isotonic calibration is a probability at any score: between knots far apart (scores near
/// ±f64::MAX) the interpolation's rounding carried a value past its knots, to 1.0000000000000002,
/// and a gap wider than f64 holds gave NaN. Found by the no-panic property at 20,000 cases.
#[test]
fn isotonic_calibration_stays_between_its_knots_at_extreme_scores() {
    let huge = f64::MAX;
    let c =
        IsotonicCalibrator::fit(&[-huge, -huge, -huge, 742_889_914_510.073_2], &[false, false, true, true]).unwrap();
    let p = c.calibrate(0.0).unwrap();
    assert!((1.0 / 3.0..=1.0).contains(&p), "{p}");
    let wide = IsotonicCalibrator::new(vec![-huge, huge], vec![0.2, 0.9]).unwrap();
    for score in [-huge, -huge / 2.0, 0.0, huge / 2.0, huge] {
        let p = wide.calibrate(score).unwrap();
        assert!((0.2..=0.9).contains(&p), "{score}: {p}");
    }
    assert!((wide.calibrate(0.0).unwrap() - 0.55).abs() < 1e-15, "the middle of the line");
}

#[test]
fn strategic_view_counts_an_account_named_twice_on_the_list_once() {
    let opp = Opportunity {
        id: "acme-1".into(),
        account: "acme".into(),
        segment: "Enterprise".into(),
        stage: Stage::Proposal,
        amount: usd("100"),
        created: d(1, 1),
        closed: None,
        competitor: None,
        discount: revops::Percent::ZERO,
        probability: "50%".parse().unwrap(),
    };
    let list = ["acme".to_string(), "acme".to_string()];
    let view = strategic_view(&list, std::slice::from_ref(&opp), Currency::USD).unwrap();
    assert_eq!((view.accounts, view.covered, view.coverage), (1, 1, 1.0));
    assert_eq!(view.expected_value, usd("50"));
}

#[test]
fn a_repeated_opportunity_id_is_refused_at_its_row() {
    let row = |id: &str, account: &str| DealRow {
        id: id.into(),
        account: account.into(),
        segment: "SMB".into(),
        stage: Stage::Proposal,
        currency: Currency::USD,
        amount: "12000".parse().unwrap(),
        created: d(1, 5),
        closed: None,
        competitor: None,
        discount: None,
        probability: Some("50%".parse().unwrap()),
    };
    let err = deals_from_rows(&[row("a", "acme"), row("b", "acme"), row("a", "globex")]).unwrap_err();
    assert_eq!(err.row, 3, "{err}");
    assert!(err.to_string().contains("\"a\"") && err.to_string().contains("row 1"), "{err}");
    assert_eq!(deals_from_rows(&[row("a", "acme"), row("b", "acme")]).unwrap().len(), 2);
}

#[test]
fn a_competitor_named_none_is_not_merged_with_deals_without_one() {
    let named_none =
        opp("1", "Acme", "ent", Stage::ClosedWon, "100", d(1, 1), Some(d(1, 2)), Some("none"), "10%", "100%");
    let without = opp("2", "Globex", "ent", Stage::ClosedLost, "100", d(1, 1), Some(d(1, 2)), None, "0%", "0%");
    let rows = competitive_analysis(&[named_none, without]).unwrap();
    assert_eq!(rows.len(), 2, "a competitor named \"none\" and no competitor were merged: {rows:?}");
    let row = |name: Option<&str>| rows.iter().find(|r| r.competitor.as_deref() == name).unwrap();
    assert_eq!((row(None).closed, row(None).won), (1, 0)); // Globex, lost
    assert_eq!((row(Some("none")).closed, row(Some("none")).won), (1, 1)); // Acme, won
    assert_eq!(rows[0].competitor, None); // the deals without a competitor come first
}

/// The JSON text of an opportunity: a won deal of $5,000, with `edit` applied to its fields.
fn opportunity_json(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v = serde_json::json!({
        "id": "x", "account": "acme", "segment": "SMB", "stage": "ClosedWon",
        "amount": {"amount": "5000", "currency": "USD"}, "created": "2026-01-01", "closed": "2026-01-31",
        "competitor": null, "discount": "0%", "probability": "100%"
    });
    edit(&mut v);
    v.to_string()
}

#[test]
fn an_opportunity_read_from_json_is_refused_where_a_deal_row_would_be() {
    use serde_json::json;
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 9] = [
        ("a negative won amount", |v| v["amount"]["amount"] = json!("-5000")),
        ("a negative open amount", |v| {
            v["amount"]["amount"] = json!("-5000");
            v["stage"] = json!("Proposal");
            v["closed"] = json!(null);
            v["probability"] = json!("50%");
        }),
        ("an empty id", |v| v["id"] = json!("")),
        ("an empty account", |v| v["account"] = json!("")),
        ("a closed stage without a close date", |v| v["closed"] = json!(null)),
        ("an open stage with a close date", |v| v["stage"] = json!("Proposal")),
        ("a close before the creation", |v| v["closed"] = json!("2025-12-31")),
        ("a discount over 100%", |v| v["discount"] = json!("150%")),
        ("a negative win probability", |v| v["probability"] = json!("-1%")),
    ];
    for (what, edit) in cases {
        let r = serde_json::from_str::<Opportunity>(&opportunity_json(edit));
        assert!(r.is_err(), "{what} was accepted: {r:?}");
    }
    let ok: Opportunity = serde_json::from_str(&opportunity_json(|_| {})).unwrap();
    assert_eq!(ok.amount, usd("5000"));
    // what serialises reads back
    let again: Opportunity = serde_json::from_str(&serde_json::to_string(&ok).unwrap()).unwrap();
    assert_eq!(again, ok);
}

#[test]
fn pipeline_views_refuse_an_opportunity_with_a_negative_amount_built_in_code() {
    let won = opp("w", "Acme", "ent", Stage::ClosedWon, "-5000", d(1, 1), Some(d(1, 31)), None, "0%", "100%");
    let open = opp("o", "Acme", "ent", Stage::Proposal, "-5000", d(1, 1), None, None, "0%", "50%");
    let fine = opp("f", "Acme", "ent", Stage::ClosedWon, "100", d(1, 1), Some(d(1, 31)), None, "0%", "100%");
    for bad in [won, open] {
        let r = sales_velocity(&[fine.clone(), bad.clone()]);
        assert!(r.is_err(), "{} of {} accepted: {r:?}", bad.id, bad.amount);
        assert!(r.unwrap_err().to_string().contains("negative"), "{}", bad.id);
        let list = ["Acme".to_string()];
        let r = strategic_view(&list, &[fine.clone(), bad.clone()], Currency::USD);
        assert!(r.is_err(), "strategic view: {} of {} accepted: {r:?}", bad.id, bad.amount);
    }
}

#[test]
fn a_grade_read_from_json_must_have_a_fit_band_a_to_d_and_an_intent_band_1_to_4() {
    for json in [
        r#"{"fit":"Z","intent":9}"#,
        r#"{"fit":"E","intent":1}"#,
        r#"{"fit":"a","intent":1}"#,
        r#"{"fit":"A","intent":0}"#,
        r#"{"fit":"D","intent":5}"#,
    ] {
        let r = serde_json::from_str::<Grade>(json);
        assert!(r.is_err(), "{json} was accepted: {r:?}");
    }
    for grade in [Grade::of(90.0, 90.0), Grade::of(0.0, 0.0), Grade::of(60.0, 30.0)] {
        let back: Grade = serde_json::from_str(&serde_json::to_string(&grade).unwrap()).unwrap();
        assert_eq!(back, grade);
    }
}

#[test]
fn held_out_deals_do_not_move_the_fitted_model() {
    // Every 5th deal from deal 0 is held out. Changing only held-out deal 0 must leave the fitted
    // model (means, coefficients, intercept) exactly as it was: the standardisation used to be
    // computed over every deal, held-out ones too, and through it (and the L2 penalty on
    // standardised coefficients) they moved the coefficients.
    let (rows, won, _, _) = simulated_deals(2_000, 41);
    let spec = WinModelSpec::new(names());
    let a = spec.fit(&rows, &won).unwrap();
    let mut moved = rows.clone();
    for (j, v) in moved[..8].iter_mut().enumerate() {
        *v = if j % 2 == 0 { 50.0 } else { -40.0 };
    }
    let b = spec.fit(&moved, &won).unwrap();
    assert_eq!(a.means(), b.means(), "means moved with a held-out deal");
    assert_eq!(a.coefficients(), b.coefficients(), "coefficients moved with a held-out deal");
    assert_eq!(a.intercept(), b.intercept());
    // the held-out deal is still graded: the holdout report sees the change
    assert_eq!(a.holdout().deals, 400);
    assert_ne!(a.holdout(), b.holdout());
}

#[test]
fn the_win_model_means_are_the_training_means() {
    let (rows, won, _, _) = simulated_deals(2_000, 42);
    let m = WinModelSpec::new(names()).fit(&rows, &won).unwrap();
    let train: Vec<&[f64]> = rows.chunks_exact(8).enumerate().filter(|(i, _)| i % 5 != 0).map(|(_, r)| r).collect();
    assert_eq!(train.len(), 1_600);
    for (j, got) in m.means().iter().enumerate() {
        let want = train.iter().map(|r| r[j]).sum::<f64>() / train.len() as f64;
        assert!((got - want).abs() < 1e-12, "mean of f{j}: {got}, training mean {want}");
    }
}

#[test]
fn the_win_model_is_the_l2_optimum_on_its_training_deals() {
    // First principles, independent of how the fit is computed: the fitted model minimises
    // Σ_train log-loss + λ/2 Σ_j (b_j s_j)², b_j per raw unit and s_j the population standard
    // deviation of feature j over the training deals only. At the optimum the gradient in raw
    // units vanishes: Σ_train (p_i − y_i) = 0 and Σ_train (p_i − y_i) x_ij + λ b_j s_j² = 0.
    let (rows, won, _, _) = simulated_deals(2_000, 43);
    let spec = WinModelSpec::new(names()); // λ = 1
    let m = spec.fit(&rows, &won).unwrap();
    let train: Vec<usize> = (0..2_000).filter(|i| i % 5 != 0).collect();
    let n = train.len() as f64;
    let (mut g0, mut g) = (0.0, [0.0; 8]);
    for &i in &train {
        let x = &rows[8 * i..8 * i + 8];
        let r = 1.0 / (1.0 + (-m.log_odds(x).unwrap()).exp()) - f64::from(u8::from(won[i]));
        g0 += r;
        for j in 0..8 {
            g[j] += r * x[j];
        }
    }
    assert!(g0.abs() < 1e-5, "intercept gradient {g0}");
    for j in 0..8 {
        let mean = train.iter().map(|&i| rows[8 * i + j]).sum::<f64>() / n;
        let var = train.iter().map(|&i| (rows[8 * i + j] - mean).powi(2)).sum::<f64>() / n;
        let residual = g[j] + spec.logistic.l2 * m.coefficients()[j] * var;
        assert!(residual.abs() < 1e-5, "f{j}: gradient {residual}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn a_win_model_without_features_is_refused_on_load() {
    // `fit` refuses a model of no features; JSON must not build one either (its probability of
    // an empty deal was a number, the calibrated intercept)
    let (rows, won, _, _) = simulated_deals(2_000, 3);
    let mut json = serde_json::to_value(WinModelSpec::new(names()).fit(&rows, &won).unwrap()).unwrap();
    json["features"] = serde_json::json!([]);
    json["means"] = serde_json::json!([]);
    json["coefficients"] = serde_json::json!([]);
    let err = serde_json::from_value::<WinModel>(json).unwrap_err().to_string();
    assert!(err.contains("invalid win model") && err.contains("feature"), "{err}");
}

#[test]
fn a_held_out_deal_whose_score_overflows_is_refused_not_scored() {
    // The training deals alone set the scales now, so an extreme held-out deal no longer
    // overflows the variance; its score does, and that is an error, not an infinite score.
    let (mut rows, won, truth, _) = simulated_deals(2_000, 44);
    for (v, t) in rows[..8].iter_mut().zip(truth) {
        *v = f64::MAX.copysign(t);
    }
    let r = WinModelSpec::new(names()).fit(&rows, &won);
    assert!(matches!(&r, Err(AcquisitionError::InvalidInput(m)) if m.contains("held-out deal 0")), "{r:?}");
}

// Found by checking `stats` against scikit-learn 1.9.1 and statsmodels 0.15.0 on the data sets
// they ship (breast cancer, iris, wine, digits, spector, anes96, fair, longley, diabetes, ccard).

#[test]
fn a_confident_miss_costs_the_log_of_machine_epsilon_as_scikit_learn_clips() {
    // sklearn.metrics.log_loss([0], [1.0]) = −ln(2.220446049250313e-16) (it clips to the dtype's
    // epsilon since 1.5, not to 1e-15)
    let miss = log_loss(&[1.0], &[false]).unwrap();
    assert!((miss - 36.04365338911715).abs() < 1e-12, "{miss}");
    assert!((log_loss(&[0.0], &[true]).unwrap() - 36.04365338911715).abs() < 1e-12);
    assert_eq!(log_loss(&[1.0, 0.0], &[true, false]).unwrap(), -(1.0 - f64::EPSILON).ln());
}

#[test]
fn a_prediction_on_a_bin_edge_is_binned_as_scikit_learns_calibration_curve_bins_it() {
    // calibration_curve(strategy="uniform") bins by np.searchsorted(linspace(0, 1, n + 1)[1:-1],
    // p): a prediction on an edge belongs to the bin that ends there, (0.2, 0.3] for 0.3 of 10
    // bins, the first bin closed at 0
    let at = |p: f64, n: usize| {
        let bins = revops::stats::reliability_bins(&[p], &[true], n).unwrap();
        bins.iter().position(|b| b.count == 1).unwrap()
    };
    assert_eq!(at(0.3, 10), 2);
    assert_eq!((at(0.0, 10), at(1.0, 10), at(0.5, 2), at(0.31, 10)), (0, 9, 0, 3));
    assert_eq!(at(0.29, 100), 28); // 0.29 ≤ 29 × 0.01 = 0.29
                                   // 0.25 and 0.3 share (0.2, 0.3]: |0.275 − 0.5| = 0.225
    let ece = expected_calibration_error(&[0.25, 0.3], &[true, false], 10).unwrap();
    assert!((ece - 0.225).abs() < 1e-12, "{ece}");
    let bins = revops::stats::reliability_bins(&[0.3], &[true], 10).unwrap();
    assert_eq!((bins[2].low, bins[2].high), (2.0 * 0.1, 3.0 * 0.1)); // numpy's linspace edges
}

#[test]
fn a_constant_column_gets_scale_one_whatever_its_mean_rounds_to() {
    // the mean of [0.1, 0.1, 0.1] sums to 0.30000000000000004 ÷ 3: the column is still constant
    // (sklearn's StandardScaler: scale 1)
    for column in [[0.1; 3].to_vec(), vec![1e9 + 0.3; 7], vec![-7.7; 11]] {
        let (means, scales) = standardisation(&column, 1).unwrap();
        assert_eq!((means[0], scales[0]), (column[0], 1.0), "{column:?}");
    }
    // a column that varies keeps its standard deviation
    let (_, scales) = standardisation(&[0.1, 0.2, 0.3], 1).unwrap();
    assert!((scales[0] - (2.0f64 / 300.0).sqrt()).abs() < 1e-15);
}

#[test]
fn the_slopes_standard_error_does_not_move_with_an_offset_in_x() {
    // Longley's total employment on the year (NIST StRD), with the years given as 1947… and as
    // 1e9 + 1947…: the same regression, so the same standard error (it read 46.86949666 against
    // 46.86949733 with the offset, the residuals taken about a 7e11 intercept)
    let totemp = [
        60323.0, 61122.0, 60171.0, 61187.0, 63221.0, 63639.0, 64989.0, 63761.0, 66019.0, 67857.0, 68169.0, 66513.0,
        68655.0, 69564.0, 69331.0, 70551.0,
    ];
    let years: Vec<f64> = (1947..=1962).map(f64::from).collect();
    let shifted: Vec<f64> = years.iter().map(|y| y + 1e9).collect();
    let (plain, offset) =
        (revops::stats::ols(&years, &totemp).unwrap(), revops::stats::ols(&shifted, &totemp).unwrap());
    assert!(
        (plain.slope_se - offset.slope_se).abs() / plain.slope_se < 1e-12,
        "{} {}",
        plain.slope_se,
        offset.slope_se
    );
    assert!((plain.slope - offset.slope).abs() / plain.slope < 1e-12);
}

#[test]
fn sales_velocity_per_day_is_exact_money_rounded_once() {
    // 3 open; won $0.14 and $0.15 (1 day each), none lost: win rate 1, average $0.145, cycle
    // 1 day, so 3 × 1 × 0.145 ÷ 1 = $0.435, half to even $0.44. In f64 the product came out
    // below the half cent.
    let won =
        |id: &str, amount: &str| opp(id, id, "s", Stage::ClosedWon, amount, d(1, 1), Some(d(1, 2)), None, "0%", "100%");
    let open = |id: &str| opp(id, id, "s", Stage::Proposal, "1", d(1, 1), None, None, "0%", "50%");
    let mut opps = vec![won("w1", "0.14"), won("w2", "0.15"), open("o1"), open("o2"), open("o3")];
    // 3 × 0.145 = 0.435 → 0.44 (f64 made it 0.43499…, 0.43)
    assert_eq!(sales_velocity(&opps).unwrap()[0].per_day, usd("0.44"));
    // one lost: win rate 2/3; 3 × 2/3 × 0.145 = 0.29 exactly
    opps.push(opp("l", "l", "s", Stage::ClosedLost, "5", d(1, 1), Some(d(1, 3)), None, "0%", "0%"));
    assert_eq!(sales_velocity(&opps).unwrap()[0].per_day, usd("0.29"));
    // a cycle of 30 days: 3 × 2/3 × 0.145 ÷ 30 = 0.00966… → 0.01
    let long = |id: &str, amount: &str| {
        opp(id, id, "s", Stage::ClosedWon, amount, d(1, 1), Some(d(1, 31)), None, "0%", "100%")
    };
    opps[0] = long("w1", "0.14");
    opps[1] = long("w2", "0.15");
    assert_eq!(sales_velocity(&opps).unwrap()[0].cycle_days, 30.0);
    assert_eq!(sales_velocity(&opps).unwrap()[0].per_day, usd("0.01"));
    // amounts past f64's 2^53
    let big = [long("w", "90071992547409.93"), open("o")];
    // 1 × 1 × 90,071,992,547,409.93 ÷ 30 = 3,002,399,751,580.331
    assert_eq!(sales_velocity(&big).unwrap()[0].per_day, usd("3002399751580.33"));
    let big = [long("w", "90071992547409.95"), open("o")]; // ÷ 30 = …580.3316… → .33
    assert_eq!(sales_velocity(&big).unwrap()[0].per_day, usd("3002399751580.33"));
}

#[test]
fn a_technology_named_twice_in_a_tech_stack_criterion_is_one_technology() {
    // ["Snowflake", "snowflake", "dbt"] names two technologies; a prospect on Snowflake alone
    // matches one of them: half credit, as for ["Snowflake", "dbt"]. It counted two hits, full
    // credit.
    let stack = |list: &[&str]| IdealCustomerProfile {
        criteria: vec![WeightedCriterion {
            name: "stack".into(),
            criterion: Criterion::TechStack(list.iter().map(|s| s.to_string()).collect()),
            weight: 1.0,
        }],
    };
    let p = Firmographics {
        industry: "software".into(),
        employees: 10,
        annual_revenue: None,
        region: "NA".into(),
        tech_stack: vec!["Snowflake".into()],
        fortune_rank: None,
    };
    assert_eq!(stack(&["Snowflake", "dbt"]).fit(&p).unwrap().score, 50.0);
    assert_eq!(stack(&["Snowflake", "snowflake", "dbt"]).fit(&p).unwrap().score, 50.0);
    // the one technology named, and matched: full credit
    assert_eq!(stack(&["SNOWFLAKE", "Snowflake"]).fit(&p).unwrap().score, 100.0);
}

#[test]
fn a_signal_kind_weighted_twice_is_refused() {
    // two weights for demo requests: which one counts? The first did, silently, and the
    // second was reported as a second demo-request contribution of 0.
    let w = |points, half_life_days| SignalWeight { kind: SignalKind::DemoRequest, points, half_life_days };
    let m = IntentModel { weights: vec![w(10.0, 14.0), w(40.0, 7.0)], saturation: 10.0 };
    let signals = [Signal { kind: SignalKind::DemoRequest, date: d(3, 1), strength: 1.0 }];
    let r = m.intent(&signals, d(3, 15));
    assert!(matches!(&r, Err(AcquisitionError::InvalidConfig(m)) if m.contains("DemoRequest")), "{r:?}");
    // Other kinds are told apart by their names
    let other = |name: &str| SignalWeight { kind: SignalKind::Other(name.into()), points: 1.0, half_life_days: 7.0 };
    let m = IntentModel { weights: vec![other("webinar"), other("g2 review")], saturation: 10.0 };
    assert!(m.intent(&signals, d(3, 15)).is_ok());
}

#[test]
fn an_icp_range_whose_minimum_is_above_its_maximum_is_refused() {
    // employees from 50,000 to 1,000: no prospect could ever match, and none did, silently
    let one = |criterion| IdealCustomerProfile {
        criteria: vec![WeightedCriterion { name: "range".into(), criterion, weight: 1.0 }],
    };
    let p = Firmographics {
        industry: "software".into(),
        employees: 4_000,
        annual_revenue: Some(usd("900000000")),
        region: "NA".into(),
        tech_stack: vec![],
        fortune_rank: None,
    };
    for reversed in [
        Criterion::Employees { min: 50_000, max: 1_000 },
        Criterion::Revenue { min: usd("50000000000"), max: usd("100000000") },
    ] {
        let r = one(reversed.clone()).fit(&p);
        assert!(matches!(&r, Err(AcquisitionError::InvalidConfig(m)) if m.contains("range")), "{reversed:?}: {r:?}");
        // whether or not the prospect has a revenue to compare
        let r = one(reversed.clone()).fit(&Firmographics { annual_revenue: None, ..p.clone() });
        assert!(matches!(r, Err(AcquisitionError::InvalidConfig(_))), "{reversed:?}: {r:?}");
    }
    // a range of one value is a range
    assert_eq!(one(Criterion::Employees { min: 4_000, max: 4_000 }).fit(&p).unwrap().score, 100.0);
}

#[test]
fn a_revenue_criterion_in_two_currencies_names_both() {
    // minimum in USD, maximum in EUR, a prospect in USD: the error said "USD and USD"
    let icp = IdealCustomerProfile {
        criteria: vec![WeightedCriterion {
            name: "revenue".into(),
            criterion: Criterion::Revenue { min: usd("1"), max: Money::parse("100", Currency::EUR).unwrap() },
            weight: 1.0,
        }],
    };
    let p = Firmographics {
        industry: "software".into(),
        employees: 10,
        annual_revenue: Some(usd("50")),
        region: "NA".into(),
        tech_stack: vec![],
        fortune_rank: None,
    };
    let r = icp.fit(&p);
    assert!(matches!(r, Err(AcquisitionError::MixedCurrencies(a, b)) if a != b), "{r:?}");
    // and without a revenue to compare the criterion is still refused: it cannot be a range
    let r = icp.fit(&Firmographics { annual_revenue: None, ..p });
    assert!(matches!(r, Err(AcquisitionError::MixedCurrencies(Currency::USD, Currency::EUR))), "{r:?}");
}

/// An opportunity given twice (a re-delivered CRM record built in code, not read through
/// `deals_from_rows`, which refuses it at its row) counted twice: a won and a lost deal with the
/// won one again gave a win rate of 2/3, not 1/2, two won cycles, two wins against the
/// competitor and twice its pipeline in the strategic view. `sales::rep_analytics` refuses it;
/// so does every pipeline view, naming the id, whether the copies agree or not.
#[test]
fn pipeline_views_refuse_an_opportunity_id_given_twice() {
    let won =
        opp("006-won", "Acme", "ent", Stage::ClosedWon, "100", d(1, 1), Some(d(1, 31)), Some("Rival"), "0%", "100%");
    let lost =
        opp("006-lost", "Acme", "ent", Stage::ClosedLost, "100", d(1, 1), Some(d(1, 31)), Some("Rival"), "0%", "0%");
    let open = opp("006-open", "Acme", "ent", Stage::Proposal, "100", d(1, 1), None, None, "0%", "50%");
    let once = [won.clone(), lost.clone(), open.clone()];
    // by hand: 1 won of 2 closed, one 30-day cycle, $50 expected on the list
    assert_eq!(sales_velocity(&once).unwrap()[0].win_rate, 0.5);
    assert_eq!(cycle_lengths(&once).unwrap().unwrap().deals, 1);
    assert_eq!(competitive_analysis(&once).unwrap()[0].win_rate, 0.5);
    let list = ["Acme".to_string()];
    assert_eq!(strategic_view(&list, &once, Currency::USD).unwrap().expected_value, usd("50"));
    let refused = |r: Result<(), AcquisitionError>, id: &str| match r {
        Err(AcquisitionError::InvalidDeal { deal, problem: DealProblem::RepeatedId }) => assert_eq!(deal, id),
        other => panic!("{id}: {other:?}"),
    };
    let other_close = Opportunity { closed: Some(d(1, 11)), ..won.clone() };
    for (again, id) in [(won.clone(), "006-won"), (other_close, "006-won"), (open.clone(), "006-open")] {
        let twice = [won.clone(), lost.clone(), open.clone(), again];
        refused(sales_velocity(&twice).map(drop), id);
        refused(cycle_lengths(&twice).map(drop), id);
        refused(competitive_analysis(&twice).map(drop), id);
        refused(strategic_view(&list, &twice, Currency::USD).map(drop), id);
    }
    // no opportunities at all is fine, as before
    assert_eq!(sales_velocity(&[]).unwrap(), []);
    assert_eq!(cycle_lengths(&[]).unwrap(), None);
}
