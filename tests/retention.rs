//! Behaviour of `retention`: published examples, independent likelihood checks, and recovery of
//! known parameters from data simulated with a fixed seed.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::retention::*;
use revops::rules::{Comparison, Condition};
use revops::stats::{expected_calibration_error, LogisticSpec};
use revops::{Currency, Money};
use statrs::distribution::{Beta, Gamma};
use statrs::function::beta::ln_beta;
use statrs::function::gamma::{digamma, ln_gamma};

/// Fader & Hardie (2007), "How to project customer retention", Table 1 (years 0–7), and their
/// maximum-likelihood estimates: regular α = 0.704, β = 1.182; high end α = 0.668, β = 3.806.
const SBG_CASES: &[(&[u64], f64, f64)] = &[
    (&[1000, 631, 468, 382, 326, 289, 262, 241], 0.704, 1.182),
    (&[1000, 869, 743, 653, 593, 551, 517, 491], 0.668, 3.806),
];

/// The sBG likelihood written independently with Beta functions:
/// P(T = t) = B(α+1, β+t−1) / B(α, β), S(t) = B(α, β+t) / B(α, β).
fn sbg_ll_by_beta_functions(alive: &[u64], a: f64, b: f64) -> f64 {
    let lb = ln_beta(a, b);
    let mut ll = 0.0;
    for t in 1..alive.len() {
        ll += (alive[t - 1] - alive[t]) as f64 * (ln_beta(a + 1.0, b + t as f64 - 1.0) - lb);
    }
    let t = (alive.len() - 1) as f64;
    ll + alive[alive.len() - 1] as f64 * (ln_beta(a, b + t) - lb)
}

#[test]
fn sbg_reproduces_fader_hardie() {
    for &(alive, alpha, beta) in SBG_CASES {
        let fit = ShiftedBetaGeometric::fit(alive).unwrap();
        assert!((fit.model.alpha() - alpha).abs() < 0.005, "{alive:?}: α {}", fit.model.alpha());
        assert!((fit.model.beta() - beta).abs() < 0.005, "{alive:?}: β {}", fit.model.beta());
        let independent = sbg_ll_by_beta_functions(alive, fit.model.alpha(), fit.model.beta());
        assert!((fit.log_likelihood - independent).abs() < 1e-8, "{} vs {independent}", fit.log_likelihood);
        // survival and retention agree with each other
        let m = fit.model;
        for t in 1..12 {
            assert!((m.survival(t) / m.survival(t - 1) - m.retention_rate(t)).abs() < 1e-12);
            assert!((m.survival(t - 1) - m.survival(t) - m.churn_probability(t)).abs() < 1e-12);
        }
    }
}

#[test]
fn sbg_recovers_simulated_parameters() {
    let (alpha, beta) = (0.8, 2.5);
    let mut rng = StdRng::seed_from_u64(7);
    let theta = Beta::new(alpha, beta).unwrap();
    let mut alive = [0u64; 13];
    for _ in 0..20_000 {
        let p: f64 = rng.sample(theta);
        let mut t = 0;
        alive[0] += 1;
        while t < 12 && rng.random::<f64>() >= p {
            t += 1;
            alive[t] += 1;
        }
    }
    let fit = ShiftedBetaGeometric::fit(&alive).unwrap();
    assert!((fit.model.alpha() - alpha).abs() / alpha < 0.1, "α {}", fit.model.alpha());
    assert!((fit.model.beta() - beta).abs() / beta < 0.1, "β {}", fit.model.beta());
}

#[test]
fn sbg_refuses_degenerate_curves() {
    assert!(matches!(ShiftedBetaGeometric::fit(&[100, 100, 100]), Err(RetentionError::Degenerate(_))));
    assert!(matches!(ShiftedBetaGeometric::fit(&[100, 0, 0]), Err(RetentionError::Degenerate(_))));
    assert!(matches!(
        ShiftedBetaGeometric::fit(&[100, 120, 90]),
        Err(RetentionError::RisingSurvivors { period: 1, .. })
    ));
    assert!(matches!(ShiftedBetaGeometric::fit(&[100, 90]), Err(RetentionError::NotEnoughData(_))));
}

#[test]
fn sbg_refuses_a_history_where_everybody_churned_at_once() {
    // the whole cohort left in one period (not only the first): θ is a point mass, α, β unbounded
    for alive in [&[100u64, 100, 0][..], &[100, 100, 100, 0], &[100, 100, 0, 0], &[7, 7, 7, 7, 0]] {
        let r = ShiftedBetaGeometric::fit(alive);
        assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{alive:?}: {r:?}");
    }
}

#[test]
fn sbg_refuses_churn_with_no_heterogeneity_whose_best_fit_runs_off_to_infinity() {
    // nobody churns early and half churn later, or churn speeds up with tenure: no Beta mixture
    // beats the homogeneous (geometric) limit α, β → ∞, so there is no finite fit to report
    for alive in [&[100u64, 100, 100, 50][..], &[100, 95, 85, 70], &[1000, 990, 970, 940, 900]] {
        let r = ShiftedBetaGeometric::fit(alive);
        assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{alive:?}: {r:?}");
    }
}

#[test]
fn derl_matches_the_hypergeometric_closed_form() {
    // Fader & Hardie (2010): DERL = (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)), n = renewals + 1.
    let m = ShiftedBetaGeometric::new(0.668, 3.806).unwrap();
    for (d, renewals) in [(0.1, 0u32), (0.1, 4), (0.25, 2)] {
        let n = f64::from(renewals + 1);
        let (a, b, c, z) = (1.0, m.beta() + n, m.alpha() + m.beta() + n, 1.0 / (1.0 + d));
        let (mut term, mut sum) = (1.0f64, 1.0f64);
        for k in 0..100_000 {
            let k = f64::from(k);
            term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
            sum += term;
        }
        let closed = (m.beta() + n - 1.0) / (m.alpha() + m.beta() + n - 1.0) * sum;
        let got = m.derl(d, renewals).unwrap();
        assert!((got - closed).abs() < 1e-8, "d={d} n={renewals}: {got} vs {closed}");
    }
    assert!(m.derl(0.0, 1).is_err());
}

fn subjects(times: &[(f64, bool)]) -> Vec<Subject> {
    times.iter().map(|&(time, event)| Subject { time, event }).collect()
}

/// Freireich et al. (1963) leukaemia remission data, the classic Kaplan–Meier example (Kleinbaum
/// & Klein, "Survival Analysis", ch. 2): 6-MP group (false = censored) and placebo group.
fn six_mp() -> Vec<Subject> {
    subjects(&[
        (6.0, true),
        (6.0, true),
        (6.0, true),
        (6.0, false),
        (7.0, true),
        (9.0, false),
        (10.0, true),
        (10.0, false),
        (11.0, false),
        (13.0, true),
        (16.0, true),
        (17.0, false),
        (19.0, false),
        (20.0, false),
        (22.0, true),
        (23.0, true),
        (25.0, false),
        (32.0, false),
        (32.0, false),
        (34.0, false),
        (35.0, false),
    ])
}

fn placebo() -> Vec<Subject> {
    let t = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23];
    t.iter().map(|&x| Subject { time: f64::from(x), event: true }).collect()
}

#[test]
fn kaplan_meier_reproduces_the_freireich_example() {
    let km = KaplanMeier::fit(&six_mp(), 0.95).unwrap();
    // (time, survival) to three places, as published
    for (t, s) in
        [(6.0, 0.857), (7.0, 0.807), (10.0, 0.753), (13.0, 0.690), (16.0, 0.627), (22.0, 0.538), (23.0, 0.448)]
    {
        assert!((km.survival_at(t) - s).abs() < 0.0005, "S({t}) = {}", km.survival_at(t));
    }
    assert_eq!(km.median(), Some(23.0));
    // Greenwood standard error at t = 6: S·sqrt(3 / (21·18)) = 0.0764
    assert!((km.steps()[0].std_error - 0.0764).abs() < 0.0005);
    assert!(km.steps().iter().all(|s| s.lower <= s.survival && s.survival <= s.upper));
    assert_eq!(KaplanMeier::fit(&placebo(), 0.95).unwrap().median(), Some(8.0));
}

#[test]
fn log_rank_reproduces_the_freireich_example() {
    // χ² = 16.79 on 1 degree of freedom (R: survdiff gives Chisq = 16.8, p = 4e-05).
    let lr = log_rank(&six_mp(), &placebo()).unwrap();
    assert!((lr.statistic - 16.79).abs() < 0.01, "{}", lr.statistic);
    assert!(lr.p_value < 1e-4 && lr.p_value > 1e-5);
    assert_eq!(lr.observed_a, 9.0);
}

/// The BG/NBD likelihood of one customer written directly (not in log space), for small x.
fn bgnbd_ll_direct(m: &BgNbd, d: &Rfm) -> f64 {
    let (r, al, a, b) = (m.r(), m.alpha(), m.a(), m.b());
    let x = f64::from(d.frequency);
    let b_ratio = |p: f64, q: f64| (ln_beta(p, q) - ln_beta(a, b)).exp();
    let g = (ln_gamma(r + x) - ln_gamma(r)).exp() * al.powf(r);
    let mut l = b_ratio(a, b + x) * g / (al + d.t).powf(r + x);
    if d.frequency > 0 {
        l += b_ratio(a + 1.0, b + x - 1.0) * g / (al + d.recency).powf(r + x);
    }
    l.ln()
}

#[test]
fn bgnbd_recovers_parameters_and_matches_the_direct_likelihood() {
    // Fader, Hardie & Lee (2005) CDNOW estimates as the truth; 39 weeks of observation.
    let truth = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let mut rng = StdRng::seed_from_u64(2005);
    let data = truth.simulate(30_000, 39.0, &mut rng).unwrap();
    let fit = BgNbd::fit(&data).unwrap();
    let m = fit.model;
    for (got, want, name) in
        [(m.r(), truth.r(), "r"), (m.alpha(), truth.alpha(), "alpha"), (m.a(), truth.a(), "a"), (m.b(), truth.b(), "b")]
    {
        assert!((got - want).abs() / want < 0.2, "{name}: {got} vs {want}");
    }
    for d in data.iter().take(200) {
        assert!((m.log_likelihood(d).unwrap() - bgnbd_ll_direct(&m, d)).abs() < 1e-9);
    }
    let total: f64 = data.iter().map(|d| m.log_likelihood(d).unwrap()).sum();
    assert!((total - fit.log_likelihood).abs() < 1e-6 * total.abs());
    // no overflow for a customer with hundreds of purchases
    let heavy = Rfm { frequency: 800, recency: 38.0, t: 39.0 };
    assert!(m.log_likelihood(&heavy).unwrap().is_finite());
    assert!((0.0..=1.0).contains(&m.p_alive(&heavy).unwrap()));
    assert_eq!(m.p_alive(&Rfm { frequency: 0, recency: 0.0, t: 10.0 }).unwrap(), 1.0);
}

#[test]
fn bgnbd_expected_purchases() {
    let m = BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap();
    let d = Rfm { frequency: 3, recency: 20.0, t: 30.0 };
    assert_eq!(m.expected_purchases(&d, 0.0).unwrap(), 0.0);
    let (e10, e20) = (m.expected_purchases(&d, 10.0).unwrap(), m.expected_purchases(&d, 20.0).unwrap());
    assert!(e10 > 0.0 && e20 > e10);
    // a ≤ 1 is an ordinary fit (CDNOW has a = 0.79): the conditional expectation exists for any a > 0
    assert!(BgNbd::new(m.r(), m.alpha(), 0.9, m.b()).unwrap().expected_purchases(&d, 10.0).unwrap() > 0.0);
    // Against simulation: customers who look like `d` are rare, so check the unconditional
    // prediction for brand-new customers (x = 0, T = 0⁺) against simulated purchase counts.
    let fresh = Rfm { frequency: 0, recency: 0.0, t: 1e-9 };
    let mut rng = StdRng::seed_from_u64(11);
    let sims = m.simulate(40_000, 10.0, &mut rng).unwrap();
    let mean = sims.iter().map(|s| f64::from(s.frequency)).sum::<f64>() / sims.len() as f64;
    let predicted = m.expected_purchases(&fresh, 10.0).unwrap();
    assert!((mean - predicted).abs() / predicted < 0.05, "{mean} vs {predicted}");
}

#[test]
fn gamma_gamma_recovers_parameters_and_clv_is_positive() {
    let (p, q, g) = (6.25, 3.74, 15.44); // Fader, Hardie & Lee (2005) CDNOW spend estimates
    let mut rng = StdRng::seed_from_u64(42);
    let nu_dist = Gamma::new(q, g).unwrap();
    let data: Vec<SpendObservation> = (0..20_000)
        .map(|i| {
            let nu: f64 = rng.sample(nu_dist);
            let z = Gamma::new(p, nu).unwrap();
            let x = 1 + (i % 8) as u32;
            let mean = (0..x).map(|_| rng.sample(z)).sum::<f64>() / f64::from(x);
            SpendObservation { frequency: x, mean }
        })
        .collect();
    let fit = GammaGamma::fit(&data).unwrap();
    for (got, want, name) in [(fit.p(), p, "p"), (fit.q(), q, "q"), (fit.gamma(), g, "gamma")] {
        assert!((got - want).abs() / want < 0.2, "{name}: {got} vs {want}");
    }
    let spend = fit.expected_spend(&SpendObservation { frequency: 4, mean: 40.0 }).unwrap();
    let population = fit.p() * fit.gamma() / (fit.q() - 1.0);
    assert!(
        (spend - 40.0).abs() < (population - 40.0).abs()
            || (spend - population).abs() < 1e-9 + (40.0f64 - population).abs()
    );

    let purchases = BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap();
    let customer = CustomerRfm {
        customer: "c".into(),
        rfm: Rfm { frequency: 4, recency: 30.0, t: 39.0 },
        average_spend: Some(Money::parse("40", Currency::USD).unwrap()),
    };
    let clv = customer_lifetime_value(&purchases, &fit, &customer, 0.3, 12, 4.0, 0.01).unwrap();
    assert!(clv.amount() > rust_decimal::Decimal::ZERO);
}

#[test]
fn transaction_summaries_follow_lifetimes() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    let t = |c: &str, date, amount| Transaction { customer: c.into(), date, amount: usd(amount) };
    let txns = [
        t("a", d(1, 1), "10"),
        t("a", d(1, 8), "20"),
        t("a", d(1, 8), "5"),
        t("a", d(1, 29), "30"),
        t("b", d(2, 5), "99"),
    ];
    let s = summarise_transactions(&txns, d(3, 5), 7).unwrap();
    assert_eq!(s[0].rfm, Rfm { frequency: 2, recency: 4.0, t: 9.0 });
    assert_eq!(s[0].average_spend, Some(usd("27.50")));
    assert_eq!(s[1].rfm, Rfm { frequency: 0, recency: 0.0, t: 4.0 });
    assert_eq!(s[1].average_spend, None);
}

#[test]
fn churn_risk_recovers_effects_and_explains_scores() {
    // True model on standardised features: usage trend −1.2, tickets +0.8, NPS −0.5, noise 0.
    let names: Vec<String> = ["usage_trend", "tickets", "nps", "noise"].iter().map(|s| s.to_string()).collect();
    let truth = [-1.2, 0.8, -0.5, 0.0];
    let mut rng = StdRng::seed_from_u64(99);
    let n = 20_000;
    let mut rows = Vec::with_capacity(n * 4);
    let mut churned = Vec::with_capacity(n);
    let normal = statrs::distribution::Normal::standard();
    for _ in 0..n {
        let x: Vec<f64> = (0..4).map(|_| rng.sample(normal)).collect();
        let z = -1.0 + x.iter().zip(truth).map(|(a, b)| a * b).sum::<f64>();
        churned.push(rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.extend(x);
    }
    let spec = ChurnRiskSpec {
        features: names.clone(),
        logistic: LogisticSpec { l2: 0.1, ..Default::default() },
        holdout_every: 5,
    };
    let model = spec.fit(&rows, &churned).unwrap();
    for (j, want) in truth.iter().enumerate() {
        // coefficients are per standard deviation of the sample, close to the truth's
        let got = model.model().coefficients()[j] / model.scales()[j] * model.scales()[j];
        assert!((got - want).abs() < 0.08, "{}: {got} vs {want}", names[j]);
    }
    assert!(model.holdout().auc > 0.75);
    // calibration on the holdout-calibrated probabilities is close
    let probs: Vec<f64> = rows.chunks_exact(4).map(|x| model.assess(x).unwrap().probability).collect();
    assert!(expected_calibration_error(&probs, &churned, 10).unwrap() < 0.02);
    // explanations: contributions plus intercept are the log-odds
    let risk = model.assess(&rows[..4]).unwrap();
    let sum: f64 = risk.factors.iter().map(|f| f.contribution).sum::<f64>() + model.model().intercept();
    assert!((sum - risk.log_odds).abs() < 1e-12);
    assert!(risk.factors[0].contribution.abs() >= risk.factors[3].contribution.abs());
    // rules
    let rules = [
        ChurnRule {
            name: "high risk".into(),
            when: Condition::new("probability", Comparison::Above, 0.0),
            playbook: "exec call".into(),
        },
        ChurnRule {
            name: "usage falling".into(),
            when: Condition::new("usage_trend", Comparison::Below, -100.0),
            playbook: "training".into(),
        },
    ];
    let fired = model.fired_rules(&rows[..4], &risk, &rules).unwrap();
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].name, "high risk");
}

#[test]
fn churn_risk_refuses_degenerate_history() {
    let spec = ChurnRiskSpec { features: vec!["x".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    let rows: Vec<f64> = (0..100).map(f64::from).collect();
    assert!(matches!(spec.fit(&rows, &[true; 100]), Err(RetentionError::Stats(_))));
    assert!(matches!(spec.fit(&rows, &[false; 100]), Err(RetentionError::Stats(_))));
    assert!(matches!(spec.fit(&rows[..10], &[false; 10]), Err(RetentionError::NotEnoughData(_))));
    // a constant feature beside a varying one is fine with regularisation: its coefficient is zero
    let spec = ChurnRiskSpec { features: vec!["c".into(), "x".into()], ..spec };
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let rows: Vec<f64> = (0..100).flat_map(|i| [0.7, f64::from(i % 7)]).collect();
    let m = spec.fit(&rows, &labels).unwrap();
    assert!(m.model().coefficients()[0].abs() < 1e-9);
    assert_eq!((m.means()[0], m.scales()[0]), (0.7, 1.0)); // the value itself, not a rounded mean
}

#[test]
fn churn_risk_refuses_a_history_whose_every_feature_is_constant() {
    let churned: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let spec = |features: &[&str]| ChurnRiskSpec {
        features: features.iter().map(|f| f.to_string()).collect(),
        logistic: LogisticSpec::default(),
        holdout_every: 5,
    };
    // one constant feature; two; and one that varies only on the held-out accounts (every 5th),
    // so that the model is trained on a constant
    let one = vec![0.7; 100];
    let two: Vec<f64> = (0..100).flat_map(|_| [0.7, -2.0]).collect();
    let only_held_out: Vec<f64> = (0..100).map(|i| if i % 5 == 0 { f64::from(i) } else { 1.0 }).collect();
    for (features, rows) in [(&["u"][..], &one), (&["u", "v"], &two), (&["u"], &only_held_out)] {
        let r = spec(features).fit(rows, &churned);
        assert!(matches!(&r, Err(RetentionError::Degenerate(m)) if m.contains("constant")), "{features:?}: {r:?}");
    }
}

#[test]
fn the_sbg_log_likelihood_refuses_empty_and_rising_curves() {
    // both panicked: alive[len − 1] on an empty slice, alive[t − 1] − alive[t] underflowing
    assert!(matches!(sbg_log_likelihood(&[], 1.0, 1.0), Err(RetentionError::NotEnoughData(_))));
    let rising = sbg_log_likelihood(&[10, 20], 1.0, 1.0);
    assert!(
        matches!(rising, Err(RetentionError::RisingSurvivors { period: 1, previous: 10, count: 20 })),
        "{rising:?}"
    );
    assert!(sbg_log_likelihood(&[10, 5], 0.0, 1.0).is_err());
    // the published curve still gives the likelihood the fit maximises
    let (alive, a, b) = SBG_CASES[0];
    let ll = sbg_log_likelihood(alive, a, b).unwrap();
    assert!((ll - sbg_ll_by_beta_functions(alive, a, b)).abs() < 1e-8);
}

#[test]
fn derl_survives_the_last_renewal_count_and_says_when_it_does_not_converge() {
    let m = ShiftedBetaGeometric::new(0.668, 3.806).unwrap();
    // renewals + 1 overflowed
    let last = m.derl(0.1, u32::MAX).unwrap();
    assert!(last > 1.0 && last.is_finite());
    // with α < 1 and almost no discount the sum diverges; it was cut at 100,000 terms, silently
    let slow = ShiftedBetaGeometric::new(0.5, 1.0).unwrap();
    assert!(matches!(slow.derl(1e-12, 0), Err(RetentionError::NotConverged { .. })));
    assert!(m.residual_value(f64::NAN, 0.1, 0).is_err());
    assert!(m.residual_value(f64::MAX, 0.1, 0).is_err()); // MAX × DERL > MAX
}

#[cfg(feature = "serde")]
#[test]
fn fitted_retention_models_read_from_json_are_checked() {
    // negative or NaN parameters made p_alive, expected spend and DERL NaN
    assert!(serde_json::from_str::<BgNbd>(r#"{"r":-1.0,"alpha":1.0,"a":1.0,"b":1.0}"#).is_err());
    assert!(serde_json::from_str::<GammaGamma>(r#"{"p":1.0,"q":0.0,"gamma":-2.0}"#).is_err());
    assert!(serde_json::from_str::<ShiftedBetaGeometric>(r#"{"alpha":0.0,"beta":1.0}"#).is_err());
    let m = BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap();
    assert_eq!(serde_json::from_str::<BgNbd>(&serde_json::to_string(&m).unwrap()).unwrap(), m);
    let g = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
    assert_eq!(serde_json::from_str::<GammaGamma>(&serde_json::to_string(&g).unwrap()).unwrap(), g);
}

#[test]
fn degenerate_customer_histories_are_errors_not_nan() {
    let m = BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap();
    for bad in [
        Rfm { frequency: 2, recency: f64::NAN, t: 10.0 },
        Rfm { frequency: 2, recency: 11.0, t: 10.0 },
        Rfm { frequency: 2, recency: 1.0, t: f64::INFINITY },
        Rfm { frequency: 0, recency: 1.0, t: 10.0 },
        Rfm { frequency: 1, recency: 0.0, t: 0.0 },
    ] {
        assert!(matches!(m.p_alive(&bad), Err(RetentionError::InvalidHistory(_))), "{bad:?}");
        assert!(m.log_likelihood(&bad).is_err(), "{bad:?}");
        assert!(m.expected_purchases(&bad, 1.0).is_err(), "{bad:?}");
    }
    let ok = Rfm { frequency: 2, recency: 5.0, t: 10.0 };
    assert!(m.expected_purchases(&ok, f64::INFINITY).is_err());
    let g = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
    for bad in [SpendObservation { frequency: 0, mean: 10.0 }, SpendObservation { frequency: 1, mean: f64::NAN }] {
        assert!(matches!(g.expected_spend(&bad), Err(RetentionError::InvalidSpend(_))), "{bad:?}");
    }
}

#[test]
fn simulated_customers_are_limited_not_allocated() {
    let m = BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    assert!(matches!(m.simulate(usize::MAX, 10.0, &mut rng), Err(RetentionError::Limit(_))));
    assert!(m.simulate(10, f64::INFINITY, &mut rng).is_err()); // the purchase loop never ended
                                                               // rates far beyond any data: a customer would buy more often than can be counted
    let frantic = BgNbd::new(1e12, 1e-12, 1e-12, 1e12).unwrap();
    assert!(matches!(frantic.simulate(1, 1e6, &mut rng), Err(RetentionError::Limit(_))));
    let sbg = ShiftedBetaGeometric::new(0.7, 1.2).unwrap();
    assert!(matches!(sbg.project(u32::MAX), Err(RetentionError::Limit(_))));
    assert_eq!(sbg.project(12).unwrap()[12], sbg.survival(12));
    let customer = CustomerRfm {
        customer: "c".into(),
        rfm: Rfm { frequency: 4, recency: 30.0, t: 39.0 },
        average_spend: Some(Money::parse("40", Currency::USD).unwrap()),
    };
    let g = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
    assert!(matches!(
        customer_lifetime_value(&m, &g, &customer, 0.3, u32::MAX, 4.0, 0.01),
        Err(RetentionError::Limit(_))
    ));
    assert!(customer_lifetime_value(&m, &g, &customer, f64::NAN, 12, 4.0, 0.01).is_err());
    assert!(customer_lifetime_value(&m, &g, &customer, 0.3, 12, f64::INFINITY, 0.01).is_err());
    assert!(customer_lifetime_value(&m, &g, &customer, 0.3, 12, 4.0, -2.0).is_err());
}

#[test]
fn churn_rules_with_short_value_slices_and_huge_holdouts_are_refused() {
    let spec =
        ChurnRiskSpec { features: vec!["x".into()], logistic: LogisticSpec::default(), holdout_every: usize::MAX };
    let rows: Vec<f64> = (0..100).map(f64::from).collect();
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    // 5 × holdout_every overflowed
    assert!(matches!(spec.fit(&rows, &labels), Err(RetentionError::NotEnoughData(_))));
    let model = ChurnRiskSpec { holdout_every: 5, ..spec }.fit(&rows, &labels).unwrap();
    let risk = model.assess(&[3.0]).unwrap();
    let rule = ChurnRule { name: "r".into(), when: Condition::new("x", Comparison::Above, 0.0), playbook: "p".into() };
    // values[j] on an empty slice panicked
    let fired = model.fired_rules(&[], &risk, std::slice::from_ref(&rule));
    assert!(matches!(fired, Err(RetentionError::FeatureCount { expected: 1, got: 0 })), "{fired:?}");
    assert_eq!(model.fired_rules(&[3.0], &risk, std::slice::from_ref(&rule)).unwrap().len(), 1);
}

#[cfg(feature = "serde")]
#[test]
fn churn_risk_models_read_from_json_are_checked() {
    let rows: Vec<f64> = (0..100).map(f64::from).collect();
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let spec = ChurnRiskSpec { features: vec!["x".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    let model = spec.fit(&rows, &labels).unwrap();
    let json = serde_json::to_value(&model).unwrap();
    assert_eq!(serde_json::from_value::<ChurnRiskModel>(json.clone()).unwrap(), model);
    // a zero scale divided every value into ∞; a missing mean dropped the feature silently
    for (field, value) in [
        ("scales", serde_json::json!([0.0])),
        ("means", serde_json::json!([])),
        ("features", serde_json::json!(["x", "y"])),
    ] {
        let mut bad = json.clone();
        bad[field] = value;
        assert!(serde_json::from_value::<ChurnRiskModel>(bad).is_err(), "{field}");
    }
}

#[test]
fn survival_past_the_horizon_uses_the_closed_form_and_agrees_at_the_seam() {
    let m = ShiftedBetaGeometric::new(0.704, 1.182).unwrap();
    let t = revops::limits::MAX_HORIZON as u32;
    // S(t) = B(α, β + t) / B(α, β): at the seam the product and the closed form agree
    let closed = (ln_beta(m.alpha(), m.beta() + f64::from(t)) - ln_beta(m.alpha(), m.beta())).exp();
    assert!((m.survival(t) - closed).abs() < 1e-10 * closed, "{} vs {closed}", m.survival(t));
    let after = m.survival(t + 1);
    assert!(after < m.survival(t) && after > 0.0);
    // P(T = t + 1) = P(T = t) · (β + t − 1) / (α + β + t): the recursion's next step
    let next = m.churn_probability(t) * (m.beta() + f64::from(t) - 1.0) / (m.alpha() + m.beta() + f64::from(t));
    assert!((m.churn_probability(t + 1) - next).abs() < 1e-9 * next, "{} vs {next}", m.churn_probability(t + 1));
    // u32::MAX periods: immediate, not four billion multiplications
    assert!(m.survival(u32::MAX) >= 0.0 && m.churn_probability(u32::MAX) >= 0.0);
}

/// The CDNOW summary as shipped with lifetimes 0.11.3
/// (`lifetimes.datasets.load_cdnow_summary_data_with_monetary_value()`; tests/data/README.md):
/// `(customer id, history in weeks, mean repeat spend)`.
fn cdnow() -> Vec<(u32, Rfm, f64)> {
    include_str!("data/cdnow_summary.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let v: Vec<&str> = line.split(',').collect();
            let rfm =
                Rfm { frequency: v[1].parse().unwrap(), recency: v[2].parse().unwrap(), t: v[3].parse().unwrap() };
            (v[0].parse().unwrap(), rfm, v[4].parse().unwrap())
        })
        .collect()
}

/// lifetimes 0.11.3 on CDNOW: `BetaGeoFitter(penalizer_coef=0.0).fit(frequency, recency, T).params_`.
const LIFETIMES_BGNBD: [f64; 4] = [0.24259292827982148, 4.413532265271809, 0.7928859664406578, 2.4257523826257374];

/// lifetimes 0.11.3: `GammaGammaFitter(penalizer_coef=0.0).fit(frequency, monetary_value).params_`
/// on the CDNOW customers with a repeat purchase (p, q, v).
const LIFETIMES_GG: [f64; 3] = [6.24880249607099, 3.7445884609237634, 15.447748064943575];

#[test]
fn bgnbd_conditional_expectations_match_lifetimes_on_cdnow_where_a_is_below_one() {
    let [r, alpha, a, b] = LIFETIMES_BGNBD;
    let m = BgNbd::new(r, alpha, a, b).unwrap();
    assert!(m.a() < 1.0);
    let data = cdnow();
    let customer = |id: u32| data.iter().find(|c| c.0 == id).unwrap().1;
    // lifetimes 0.11.3 (scipy 1.17.1):
    // bgf.conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)
    #[rustfmt::skip]
    let expected: &[(u32, f64, f64)] = &[
        (1, 1.0, 0.03744319332990478), (1, 39.0, 1.2259104241744068), (1, 52.0, 1.5585837617716805), (1, 520.0, 7.319496851793752),
        (2, 1.0, 0.006064650555303697), (2, 39.0, 0.20325062425618798), (2, 52.0, 0.25990707940849045), (2, 520.0, 1.3079994215981359),
        (3, 1.0, 0.005586351301202332), (3, 39.0, 0.19478085793947836), (3, 52.0, 0.25166572540726884), (3, 520.0, 1.4624052122519533),
        (6, 1.0, 0.10663184657788699), (6, 39.0, 3.3372396465269594), (6, 52.0, 4.199123173565261), (6, 520.0, 17.776505835696604),
        (9, 1.0, 0.04044224055771036), (9, 39.0, 1.3241008543218766), (9, 52.0, 1.683419970822017), (9, 520.0, 7.905758727187049),
        (1516, 1.0, 0.7106232588212188), (1516, 39.0, 20.750570498762993), (1516, 52.0, 25.75947471712361), (1516, 520.0, 98.14565445164506),
    ];
    for &(id, t, want) in expected {
        let got = m.expected_purchases(&customer(id), t).unwrap();
        // lifetimes itself is within 2e-13 of mpmath here (customer 3, t = 1)
        assert!((got - want).abs() < 1e-12 * want, "customer {id}, t = {t}: {got} vs lifetimes {want}");
    }
    // lifetimes: bgf.conditional_probability_alive(frequency, recency, T)
    for (id, want) in [(1, 0.7266091367990596), (2, 0.21222738807220765), (3, 1.0), (6, 0.6418006393519198)] {
        let got = m.p_alive(&customer(id)).unwrap();
        assert!((got - want).abs() < 1e-12, "customer {id}: {got} vs lifetimes {want}");
    }
    // mpmath 1.4.1 at 60 digits, FHL (2005) eq. 10 with mpmath.hyp2f1: a customer far from the
    // power series' comfort (x = 800), and a horizon 1,000 years out
    let heavy = Rfm { frequency: 800, recency: 38.0, t: 39.0 };
    let got = m.expected_purchases(&heavy, 52.0).unwrap();
    assert!((got - 0.005511342146833859).abs() < 1e-9 * got, "{got}");
    let far = m.expected_purchases(&customer(3), 52_000.0).unwrap();
    assert!((far - 12.21838941283568).abs() < 1e-9 * far, "{far}");
}

#[test]
fn bgnbd_expectation_is_continuous_through_a_equal_to_one() {
    // at a = 1 the closed form is 0/0; its limit (mpmath 1.4.1, 60 digits, FHL 2005 eq. 10 at
    // a = 1 + 1e-40) is what the model means there
    let m = BgNbd::new(0.243, 4.414, 1.0, 2.426).unwrap();
    for (d, t, want) in [
        (Rfm { frequency: 2, recency: 30.43, t: 38.86 }, 39.0, 1.1021367860399558),
        (Rfm { frequency: 0, recency: 0.0, t: 38.86 }, 39.0, 0.19107701257392298),
        (Rfm { frequency: 800, recency: 38.0, t: 39.0 }, 52.0, 0.004024856441823028),
    ] {
        let got = m.expected_purchases(&d, t).unwrap();
        assert!((got - want).abs() < 1e-9 * want, "{d:?}: {got} vs {want}");
        // and either side of it
        for a in [1.0 - 1e-9, 1.0 + 1e-9] {
            let near = BgNbd::new(0.243, 4.414, a, 2.426).unwrap().expected_purchases(&d, t).unwrap();
            assert!((near - want).abs() < 1e-7 * want, "a = {a}: {near} vs {want}");
        }
    }
}

#[test]
fn bgnbd_fit_on_cdnow_matches_lifetimes() {
    let data: Vec<Rfm> = cdnow().into_iter().map(|c| c.1).collect();
    let fit = BgNbd::fit(&data).unwrap();
    let m = fit.model;
    for (got, want, name) in [
        (m.r(), LIFETIMES_BGNBD[0], "r"),
        (m.alpha(), LIFETIMES_BGNBD[1], "alpha"),
        (m.a(), LIFETIMES_BGNBD[2], "a"),
        (m.b(), LIFETIMES_BGNBD[3], "b"),
    ] {
        assert!((got - want).abs() < 1e-4 * want, "{name}: {got} vs lifetimes {want}");
    }
    // at least as likely as lifetimes' optimum
    let [r, alpha, a, b] = LIFETIMES_BGNBD;
    let theirs = BgNbd::new(r, alpha, a, b).unwrap();
    let ll: f64 = data.iter().map(|d| theirs.log_likelihood(d).unwrap()).sum();
    assert!(fit.log_likelihood >= ll - 1e-6, "{} vs {ll}", fit.log_likelihood);
}

#[test]
fn customer_lifetime_value_matches_lifetimes_on_cdnow() {
    let [r, alpha, a, b] = LIFETIMES_BGNBD;
    let purchases = BgNbd::new(r, alpha, a, b).unwrap();
    let [p, q, v] = LIFETIMES_GG;
    let spend = GammaGamma::new(p, q, v).unwrap();
    let data = cdnow();
    // lifetimes 0.11.3: ggf.customer_lifetime_value(bgf, frequency, recency, T, monetary_value,
    // time=12, discount_rate=0.01, freq="W"): 12 periods of 4.345 weeks, discounted 1% a period
    for (id, want) in [(1, 36.278495763627944), (2, 4.637466328570688), (6, 283.5235925903761), (9, 43.353642396863286)]
    {
        let (_, rfm, mean) = *data.iter().find(|c| c.0 == id).unwrap();
        let customer = CustomerRfm {
            customer: id.to_string(),
            rfm,
            average_spend: Some(Money::parse(&format!("{mean:.2}"), Currency::USD).unwrap()),
        };
        let clv = customer_lifetime_value(&purchases, &spend, &customer, 1.0, 12, 4.345, 0.01).unwrap();
        let want = Money::parse(&format!("{want:.2}"), Currency::USD).unwrap();
        assert_eq!(clv, want, "customer {id}");
    }
    // lifetimes: ggf.conditional_expected_average_profit(frequency, monetary_value)
    for (id, want) in [(1, 24.65861618923827), (2, 18.911479869933782), (6, 71.46285080453254), (9, 27.282407581074363)]
    {
        let (_, rfm, mean) = *data.iter().find(|c| c.0 == id).unwrap();
        let got = spend.expected_spend(&SpendObservation { frequency: rfm.frequency, mean }).unwrap();
        assert!((got - want).abs() < 1e-9 * want, "customer {id}: {got} vs {want}");
    }
}

/// Lifetimes of fruit flies by genotype, as shipped with lifelines 0.30.3
/// (`lifelines.datasets.load_waltons()`; tests/data/README.md): (miR-137, control).
fn waltons() -> (Vec<Subject>, Vec<Subject>) {
    let mut groups = (Vec::new(), Vec::new());
    for line in include_str!("data/waltons.csv").lines().skip(1) {
        let v: Vec<&str> = line.split(',').collect();
        let s = Subject { time: v[0].parse().unwrap(), event: v[1] == "1" };
        if v[2] == "miR-137" {
            groups.0.push(s)
        } else {
            groups.1.push(s)
        }
    }
    groups
}

#[test]
fn log_rank_p_value_is_the_chi_square_tail_for_large_statistics() {
    let (mir, control) = waltons();
    assert_eq!((mir.len(), control.len()), (34, 129));
    // lifelines 0.30.3: logrank_test(T[ix], T[~ix], E[ix], E[~ix]) with ix = group == "miR-137"
    // gives test_statistic 122.24912557300615, p_value 2.0359832222855426e-28 (1 − cdf was 0.0)
    let lr = log_rank(&mir, &control).unwrap();
    assert!((lr.statistic - 122.24912557300615).abs() < 1e-9 * lr.statistic, "{}", lr.statistic);
    assert!((lr.p_value - 2.0359832222855426e-28).abs() < 1e-9 * 2.0359832222855426e-28, "{}", lr.p_value);
}

#[test]
fn derl_is_within_its_stated_tolerance_for_small_discount_rates() {
    // mpmath 1.4.1 at 60 digits: (β+n−1)/(α+β+n−1) · hyp2f1(1, β+n, α+β+n, 1/(1+d)), n = renewals + 1
    // (Fader & Hardie 2010). Terms fall slowly here: stopping once a term is below 1e-12 of the
    // total left a tail of about term ÷ d behind.
    for (alpha, beta, d, renewals, want) in [
        (0.5, 1.0, 0.001, 0, 47.76966968465596),
        (0.5, 1.0, 1e-4, 3, 335.7808696592061),
        (0.704, 1.182, 0.01, 0, 8.50294717201127),
        (2.5, 1.0, 0.001, 0, 0.6642355150150899),
        (1.0, 1.0, 0.001, 0, 5.92157919762863),
        (0.668, 3.806, 0.1, 0, 5.41485604837404),
    ] {
        let got = ShiftedBetaGeometric::new(alpha, beta).unwrap().derl(d, renewals).unwrap();
        assert!((got - want).abs() <= 1e-14 * want, "α {alpha} β {beta} d {d}: {got} vs {want}");
    }
}

#[test]
fn gamma_gamma_fit_on_cdnow_matches_lifetimes() {
    let data: Vec<SpendObservation> = cdnow()
        .into_iter()
        .filter(|c| c.1.frequency > 0)
        .map(|c| SpendObservation { frequency: c.1.frequency, mean: c.2 })
        .collect();
    assert_eq!(data.len(), 946);
    let fit = GammaGamma::fit(&data).unwrap();
    for (got, want, name) in
        [(fit.p(), LIFETIMES_GG[0], "p"), (fit.q(), LIFETIMES_GG[1], "q"), (fit.gamma(), LIFETIMES_GG[2], "v")]
    {
        assert!((got - want).abs() < 1e-4 * want, "{name}: {got} vs lifetimes {want}");
    }
}

/// A Kaplan–Meier curve read from JSON is checked as a fitted one would be: times finite and
/// increasing, survival in [0, 1] and never rising, bounds around it, events within those at
/// risk. A curve that rises (a hand-edited file) used to load and report a "median" of nonsense.
#[cfg(feature = "serde")]
#[test]
fn a_kaplan_meier_curve_from_json_must_be_one_a_fit_could_give() {
    let s = |time, event| Subject { time, event };
    let km = KaplanMeier::fit(&[s(1.0, true), s(2.0, false), s(3.0, true), s(4.0, true)], 0.95).unwrap();
    let json = serde_json::to_value(&km).unwrap();
    assert_eq!(serde_json::from_value::<KaplanMeier>(json.clone()).unwrap(), km);
    let broken = |path: &str, value: serde_json::Value| {
        let mut bad = json.clone();
        *bad.pointer_mut(path).unwrap() = value;
        serde_json::from_value::<KaplanMeier>(bad)
    };
    assert!(broken("/steps/1/survival", serde_json::json!(0.9)).is_err(), "survival rising");
    assert!(broken("/steps/1/time", serde_json::json!(0.5)).is_err(), "times backwards");
    assert!(broken("/steps/0/survival", serde_json::json!(1.5)).is_err(), "survival above 1");
    assert!(broken("/steps/0/lower", serde_json::json!(0.99)).is_err(), "lower bound above survival");
    assert!(broken("/steps/0/events", serde_json::json!(9)).is_err(), "more events than at risk");
    assert!(broken("/subjects", serde_json::json!(1)).is_err(), "fewer subjects than at risk");
}

#[test]
fn bgnbd_refuses_customers_alike_whose_best_fit_runs_off_to_the_homogeneous_limit() {
    // identical histories: no mixture beats one purchase rate and one dropout probability for
    // everybody (r, α → ∞; a, b at a boundary), so the fit has no finite optimum
    let same = vec![Rfm { frequency: 1, recency: 5.0, t: 10.0 }; 10];
    let r = BgNbd::fit(&same);
    assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{r:?}");
    // two kinds of customer, each kind alike, repeated: still no heterogeneity a finite fit can use
    let mut two: Vec<Rfm> = vec![Rfm { frequency: 2, recency: 8.0, t: 10.0 }; 12];
    two.extend(vec![Rfm { frequency: 0, recency: 0.0, t: 10.0 }; 12]);
    // (lifetimes 0.11.3 does not converge on it either: its a and b pass 10⁶)
    let fit = BgNbd::fit(&two);
    assert!(matches!(fit, Err(RetentionError::Degenerate(_))), "{fit:?}");
}

#[test]
fn gamma_gamma_refuses_customers_who_all_spend_the_same_on_average() {
    // the same mean for everybody: the likelihood grows without bound as spend stops varying
    // (p, q → ∞), so there is no fit to report
    let same = vec![SpendObservation { frequency: 2, mean: 10.0 }; 20];
    let r = GammaGamma::fit(&same);
    assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{r:?}");
    let mixed: Vec<SpendObservation> = (0..20).map(|i| SpendObservation { frequency: 1 + i % 4, mean: 10.0 }).collect();
    let r = GammaGamma::fit(&mixed);
    assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{r:?}");
}

#[test]
fn gamma_gamma_refuses_a_fit_whose_shapes_run_off_to_the_boundary() {
    // means that differ by a billionth: the best fit sends p to ~1e14, a spread in spend no data
    // can identify, so it is refused rather than reported as converged
    let near: Vec<SpendObservation> =
        (0..20).map(|i| SpendObservation { frequency: 2, mean: 10.0 + 1e-9 * f64::from(i) }).collect();
    let r = GammaGamma::fit(&near);
    assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{r:?}");
}

// Found by checking the crate against lifelines 0.30.3 and lifetimes 0.11.3 on every data set they
// ship (comparisons/README.md, "Retention").

#[test]
fn a_median_survival_of_one_half_to_rounding_is_one_half() {
    // 24 subjects: 11 churn at 1, one at 2, 11 leave censored at 3, the last churns at 4. Exactly,
    // S(2) = 13/24 × 12/13 = 1/2, so the median is 2 (lifelines: 2); the running product reads
    // 0.5000000000000001 there.
    let mut times = vec![(1.0, true); 11];
    times.push((2.0, true));
    times.extend([(3.0, false); 11]);
    times.push((4.0, true));
    let km = KaplanMeier::fit(&subjects(&times), 0.95).unwrap();
    assert_eq!(km.median(), Some(2.0));
    // the same rounding with 22 subjects (10 + 1 + 7 censored + 4) and 26 (12 + 1 + 7 + 6)
    for (first, censored, last) in [(10usize, 7usize, 4usize), (12, 7, 6)] {
        let mut times = vec![(1.0, true); first];
        times.push((2.0, true));
        times.extend(std::iter::repeat_n((3.0, false), censored));
        times.extend(std::iter::repeat_n((4.0, true), last));
        let km = KaplanMeier::fit(&subjects(&times), 0.95).unwrap();
        let exact = km.steps().iter().find(|s| s.time == 2.0).unwrap().survival;
        assert!((exact - 0.5).abs() < 1e-15, "{exact}");
        assert_eq!(km.median(), Some(2.0), "{first} + 1 + {censored} + {last}");
    }
    // a survival a little above one half is not one half
    let km = KaplanMeier::fit(&subjects(&[(1.0, true), (2.0, false), (3.0, true), (4.0, true)]), 0.95).unwrap();
    assert_eq!(km.median(), Some(3.0));
}

#[test]
fn log_rank_of_groups_with_nothing_to_tell_apart_is_zero_with_p_one() {
    // lifelines (and R's survdiff) answer χ² = 0, p = 1 where the variance is zero: no events at
    // all, or every subject at risk churning at each event time
    let all_churn = subjects(&[(2.0, true), (2.0, true)]);
    let none_churn = subjects(&[(2.0, false), (5.0, false)]);
    for (a, b) in [(&all_churn, &all_churn), (&none_churn, &none_churn)] {
        let test = log_rank(a, b).unwrap();
        assert_eq!((test.statistic, test.p_value), (0.0, 1.0));
        assert_eq!(test.observed_a, test.expected_a);
    }
    assert!(log_rank(&[], &all_churn).is_err()); // an empty group is still refused
}

#[test]
fn expected_spend_needs_only_the_customers_own_shape_above_one() {
    // E[Z | x, z̄] = p(γ + x z̄) / (px + q − 1) needs px + q > 1, not q > 1 (lifetimes: 140 / 3.8)
    let model = GammaGamma::new(2.0, 0.8, 10.0).unwrap();
    let spend = model.expected_spend(&SpendObservation { frequency: 2, mean: 30.0 }).unwrap();
    assert!((spend - 140.0 / 3.8).abs() < 1e-12, "{spend}");
    // p·x + q ≤ 1: no finite expectation
    let model = GammaGamma::new(0.1, 0.5, 10.0).unwrap();
    assert!(model.expected_spend(&SpendObservation { frequency: 1, mean: 30.0 }).is_err());
}

/// Fader, Hardie & Lee (2005), "RFM and CLV", eq. (3): the gradient, in the logs of p, q and
/// v, of one customer's Gamma-Gamma log-likelihood of `x` repeat purchases averaging `m`.
fn gamma_gamma_score(u: &[f64; 3], x: f64, m: f64) -> [f64; 3] {
    let (p, q, v) = (u[0].exp(), u[1].exp(), u[2].exp());
    let common = digamma(p * x + q) - (v + x * m).ln();
    [
        p * x * (common - digamma(p * x) + m.ln() + x.ln()),
        q * (common - digamma(q) + v.ln()),
        v * (q / v - (p * x + q) / (v + x * m)),
    ]
}

#[test]
fn the_gamma_gamma_fit_is_the_maximum_of_its_likelihood_to_seven_places() {
    // CDNOW's 946 repeat buyers. Newton's method on the published likelihood's score (its
    // Hessian by central differences), started from the crate's fit, moves no parameter by more
    // than 1e-7 relative: the fit is at the maximum, not on the flat ridge before it (a
    // Nelder–Mead stop left p 1.4e-6 short here, γ at 14.658148 against 14.657943 on the full
    // CDNOW master file).
    let data: Vec<(f64, f64)> = cdnow()
        .into_iter()
        .filter(|(_, rfm, _)| rfm.frequency > 0)
        .map(|(_, rfm, m)| (f64::from(rfm.frequency), m))
        .collect();
    let spend: Vec<SpendObservation> =
        data.iter().map(|&(x, m)| SpendObservation { frequency: x as u32, mean: m }).collect();
    let fit = GammaGamma::fit(&spend).unwrap();
    let score = |u: &[f64; 3]| {
        data.iter()
            .map(|&(x, m)| gamma_gamma_score(u, x, m))
            .fold([0.0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    };
    let mut u = [fit.p().ln(), fit.q().ln(), fit.gamma().ln()];
    let h = 1e-5;
    for _ in 0..6 {
        let g = score(&u);
        let mut hess = [[0.0; 3]; 3];
        for j in 0..3 {
            let (mut up, mut down) = (u, u);
            up[j] += h;
            down[j] -= h;
            let (a, b) = (score(&up), score(&down));
            (0..3).for_each(|i| hess[i][j] = (a[i] - b[i]) / (2.0 * h));
        }
        // solve hess · step = g by Cramer's rule (3 × 3), and step against it
        let det = |m: &[[f64; 3]; 3]| {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        };
        let d = det(&hess);
        for k in 0..3 {
            let mut mk = hess;
            (0..3).for_each(|r| mk[r][k] = g[r]);
            u[k] -= det(&mk) / d;
        }
    }
    for (got, newton, name) in [(fit.p(), u[0].exp(), "p"), (fit.q(), u[1].exp(), "q"), (fit.gamma(), u[2].exp(), "γ")]
    {
        assert!((got - newton).abs() / newton < 1e-7, "{name}: fit {got}, maximum {newton}");
    }
}

#[test]
fn a_survival_just_above_one_half_on_a_long_curve_is_not_one_half() {
    // 200,001 subjects: S(67,089) = 132,913/200,001 × 85,907/114,181 = 1/2 + 2.19e-11 exactly, and
    // the curve never falls further, so there is no median (lifelines: inf). A rounding allowance
    // that grows with the steps (67,089 of them) took it for 1/2.
    let (first, censored, churn, rest) = (67_088u32, 18_732, 28_274, 85_907);
    let mut s: Vec<Subject> = (1..=first).map(|t| Subject { time: f64::from(t), event: true }).collect();
    s.extend(std::iter::repeat_n(Subject { time: f64::from(first) + 0.5, event: false }, censored));
    s.extend(std::iter::repeat_n(Subject { time: f64::from(first) + 1.0, event: true }, churn));
    s.extend(std::iter::repeat_n(Subject { time: f64::from(first) + 2.0, event: false }, rest));
    let km = KaplanMeier::fit(&s, 0.95).unwrap();
    assert!(km.steps().last().unwrap().survival > 0.5);
    assert_eq!(km.median(), None);
}

#[test]
fn a_customer_first_seen_on_the_last_day_observed_is_fitted_and_scored_as_lifetimes_does() {
    // summarise_transactions (as lifetimes' summary) gives a customer whose first purchase is on
    // the observation's end Rfm { 0, 0, 0 }: BG/NBD's likelihood of that history is 1 at any
    // parameters (lifetimes fits and scores such rows), so it moves no fit, P(alive) is 1 and the
    // expected purchases are a new customer's
    let histories: Vec<Rfm> = cdnow().into_iter().map(|(_, rfm, _)| rfm).collect();
    let newcomer = Rfm { frequency: 0, recency: 0.0, t: 0.0 };
    let mut with = histories.clone();
    with.push(newcomer);
    let (before, after) = (BgNbd::fit(&histories).unwrap(), BgNbd::fit(&with).unwrap());
    assert!((before.log_likelihood - after.log_likelihood).abs() < 1e-6 * before.log_likelihood.abs());
    let m = after.model;
    assert_eq!(m.log_likelihood(&newcomer).unwrap(), 0.0);
    assert_eq!(m.p_alive(&newcomer).unwrap(), 1.0);
    // E[X(t)] for a new customer: (a + b − 1)/(a − 1) · [1 − (α/(α + t))^r ₂F₁(r, b; a + b − 1; t/(α + t))]
    // equals the conditional expectation at x = 0, T = 0; compare with one observed a moment
    let moment = Rfm { frequency: 0, recency: 0.0, t: 1e-9 };
    let (now, then) = (m.expected_purchases(&newcomer, 52.0).unwrap(), m.expected_purchases(&moment, 52.0).unwrap());
    assert!((now - then).abs() < 1e-6 * now, "{now} {then}");
    // a repeat purchase cannot come before any time has passed
    assert!(m.p_alive(&Rfm { frequency: 1, recency: 0.0, t: 0.0 }).is_err());
}

#[cfg(feature = "serde")]
#[test]
fn a_kaplan_meier_curve_read_from_json_with_counts_beyond_exact_floats_is_refused() {
    // at risk 2⁵⁴ + 1 and 2⁵³ events: survival (2⁵³ + 1)/(2⁵⁴ + 1) is a hair above 1/2, but the
    // counts round in f64 and the median's exact test read 1/2 (no fit makes such counts)
    let (n, d) = ((1u64 << 54) + 1, 1u64 << 53);
    let json = format!(
        r#"{{"steps":[{{"time":1.0,"at_risk":{n},"events":{d},"survival":0.5,"std_error":0.0,"lower":0.5,"upper":0.5}}],"subjects":{n}}}"#
    );
    assert!(serde_json::from_str::<KaplanMeier>(&json).is_err());
    // the same curve with counts an f64 holds exactly loads
    let json = json.replace(&n.to_string(), "4").replace(&d.to_string(), "2");
    assert_eq!(serde_json::from_str::<KaplanMeier>(&json).unwrap().median(), Some(1.0));
}

#[test]
fn sbg_with_tiny_shapes_keeps_the_first_periods_churn_exact() {
    // with α = β = 1e-20 the first period's retention is β/(α + β) = 1/2 and every later one is 1
    // to f64, so DERL at d = 0.1 with no renewals is 0.5 · (1 + d)/d = 5.5 (mpmath). The sums
    // computed β + t − 1 as (β + t) − 1, which loses β entirely (0/0 at t = 1).
    for shape in [1e-20, 1e-300] {
        let m = ShiftedBetaGeometric::new(shape, shape).unwrap();
        assert_eq!(m.survival(1), 0.5);
        assert!((m.derl(0.1, 0).unwrap() - 5.5).abs() < 1e-12, "{shape}");
        assert_eq!(m.project(2).unwrap(), [1.0, 0.5, 0.5]);
    }
    // at 1e-10 the sum kept only eight digits of β: (1e-10 + 1) − 1 = 1.000000082740371e-10
    let m = ShiftedBetaGeometric::new(1e-10, 3e-10).unwrap();
    assert_eq!(m.survival(1), 3e-10 / 4e-10);
}

/// A churn rule whose threshold is NaN never fired (nothing passes a comparison with NaN) and
/// one with an infinite threshold always or never fired, without a word; expansion playbooks
/// and coordinator alerts refuse such a threshold. It is refused here too, naming the rule,
/// whatever the account and whether or not an earlier rule fires.
#[test]
fn churn_rules_with_a_threshold_that_is_not_finite_are_refused() {
    let spec = ChurnRiskSpec { features: vec!["x".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    let rows: Vec<f64> = (0..100).map(f64::from).collect();
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let model = spec.fit(&rows, &labels).unwrap();
    let risk = model.assess(&[3.0]).unwrap();
    let ok = ChurnRule { name: "ok".into(), when: Condition::new("x", Comparison::Above, 0.0), playbook: "p".into() };
    for t in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for signal in ["x", "probability"] {
            let bad = ChurnRule {
                name: "bad rule".into(),
                when: Condition::new(signal, Comparison::Below, t),
                playbook: "p".into(),
            };
            let rules = [ok.clone(), bad];
            let fired = model.fired_rules(&[3.0], &risk, &rules);
            assert!(
                matches!(&fired, Err(RetentionError::InvalidInput(m)) if m.contains("bad rule") && m.contains("threshold")),
                "{t} {signal}: {fired:?}"
            );
        }
    }
    // finite thresholds, 0 and negatives included, are fine
    for t in [0.0, -1.5, 1e300] {
        let rule =
            ChurnRule { name: "r".into(), when: Condition::new("x", Comparison::Below, t), playbook: "p".into() };
        assert!(model.fired_rules(&[3.0], &risk, &[rule]).is_ok(), "{t}");
    }
}

/// A curve read from JSON whose survival disagrees with its own counts (2 at risk, 1 churning:
/// S = 1/2, edited to 0.9) answered `survival_at(1) = 0.9` beside `median() = Some(1)`: the
/// product of (n − d) ÷ n is what a fit gives, so a survival that is not it is refused.
#[cfg(feature = "serde")]
#[test]
fn a_kaplan_meier_curve_from_json_whose_survival_is_not_the_product_of_its_counts_is_refused() {
    let s = |time, event| Subject { time, event };
    let km = KaplanMeier::fit(&[s(1.0, true), s(2.0, true)], 0.95).unwrap();
    let mut json = serde_json::to_value(&km).unwrap();
    assert_eq!(serde_json::from_value::<KaplanMeier>(json.clone()).unwrap(), km);
    json["steps"][0]["survival"] = serde_json::json!(0.9);
    json["steps"][0]["lower"] = serde_json::json!(0.8);
    json["steps"][0]["upper"] = serde_json::json!(0.95);
    let read = serde_json::from_value::<KaplanMeier>(json);
    assert!(read.is_err(), "{:?}", read.map(|k| (k.survival_at(1.0), k.median())));
}

/// Half the cohort churns in the first period and nobody after: the likelihood
/// 5 ln P(T=1) + 5 ln S(2) ≤ 10 ln ½ is approached only as α, β → 0 (θ a point mass on 0 and 1),
/// never reached. The fit reported α = β ≈ 1.6e-13 as converged; the curve itself (all the
/// churn in the first period, some left) is refused, as the data do not identify the spread.
#[test]
fn sbg_refuses_a_cohort_split_between_churning_at_once_and_never_whose_fit_runs_off_to_zero() {
    for alive in [&[10u64, 5, 5][..], &[1000, 500, 500, 500]] {
        let r = ShiftedBetaGeometric::fit(alive);
        assert!(matches!(r, Err(RetentionError::Degenerate(_))), "{alive:?}: {r:?}");
    }
}

/// `fired_rules` takes the account's `ChurnRisk`, whose probability is a public `f64`: a NaN
/// there made "probability below 2" silently not fire (nothing passes a comparison with NaN),
/// and 1.5 is no probability. Both are refused, as a NaN feature value is.
#[test]
fn churn_rules_refuse_a_risk_whose_probability_is_nan_or_outside_zero_to_one() {
    let rows: Vec<f64> = (0..100).map(f64::from).collect();
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let spec = ChurnRiskSpec { features: vec!["x".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    let model = spec.fit(&rows, &labels).unwrap();
    let rules = [ChurnRule {
        name: "any".into(),
        when: Condition::new("probability", Comparison::Below, 2.0),
        playbook: "call".into(),
    }];
    let risk = model.assess(&[3.0]).unwrap();
    assert_eq!(model.fired_rules(&[3.0], &risk, &rules).unwrap().len(), 1);
    for bad in [f64::NAN, f64::INFINITY, 1.5, -0.1] {
        let tampered = ChurnRisk { probability: bad, ..risk.clone() };
        let r = model.fired_rules(&[3.0], &tampered, &rules);
        assert!(r.is_err(), "probability {bad}: {r:?}");
    }
}

/// The holdout metrics travel with a churn-risk model read from JSON; an AUC of 7, a Brier score
/// of −1 or no held-out accounts are no fit's metrics (AUC and Brier lie in [0, 1]) and loaded
/// as if they were.
#[cfg(feature = "serde")]
#[test]
fn churn_risk_models_read_from_json_with_impossible_holdout_metrics_are_refused() {
    let rows: Vec<f64> = (0..100).map(f64::from).collect();
    let labels: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
    let spec = ChurnRiskSpec { features: vec!["x".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
    let json = serde_json::to_value(spec.fit(&rows, &labels).unwrap()).unwrap();
    for (field, value) in
        [("auc", serde_json::json!(7.0)), ("brier", serde_json::json!(-1.0)), ("accounts", serde_json::json!(0))]
    {
        let mut bad = json.clone();
        bad["holdout"][field] = value;
        assert!(serde_json::from_value::<ChurnRiskModel>(bad).is_err(), "{field}");
    }
}

/// A fit refuses no subjects, so a curve of none is no fit's: read from JSON it loaded and
/// answered survival 1 and no median for a population that does not exist.
#[cfg(feature = "serde")]
#[test]
fn a_kaplan_meier_curve_from_json_of_no_subjects_is_refused() {
    let read = serde_json::from_value::<KaplanMeier>(serde_json::json!({ "steps": [], "subjects": 0 }));
    assert!(matches!(read, Err(ref e) if e.to_string().contains("subject")), "{read:?}");
    // one censored subject (no steps) is a fit's curve and loads
    let one = KaplanMeier::fit(&[Subject { time: 1.0, event: false }], 0.95).unwrap();
    assert_eq!(serde_json::from_value::<KaplanMeier>(serde_json::to_value(&one).unwrap()).unwrap(), one);
}

/// α = β = f64::MAX are each finite and positive, but α + β overflows: S(1) = β ÷ (α + β) = ½
/// came out 0 (and every retention rate 0). A model whose shapes cannot be added is refused,
/// whether built by hand or read from JSON.
#[test]
fn an_sbg_model_whose_shapes_overflow_when_added_is_refused_not_a_survival_of_zero() {
    for (alpha, beta) in [(f64::MAX, f64::MAX), (f64::MAX, 1.0e300)] {
        match ShiftedBetaGeometric::new(alpha, beta) {
            Ok(m) => assert_eq!(m.survival(1), beta / (alpha / 2.0 + beta / 2.0) / 2.0, "α {alpha:e}, β {beta:e}"),
            Err(e) => assert!(matches!(e, RetentionError::InvalidModel { .. }), "{e}"),
        }
    }
    #[cfg(feature = "serde")]
    {
        let json = format!(r#"{{"alpha":{:e},"beta":{:e}}}"#, f64::MAX, f64::MAX);
        let read = serde_json::from_str::<ShiftedBetaGeometric>(&json);
        assert!(read.as_ref().map_or(true, |m| m.survival(1) == 0.5), "{read:?}");
    }
}

/// Ten million customers, half churning in the first period and one more in the fourth: the
/// α, β → 0 limit (θ a point mass on 0 and 1) gives that later churner probability 0, so the
/// optimum is inside, at α ≈ β ≈ 1.1e-7 (about 1 ÷ the cohort, as 1.1e-6 for a million and
/// 1.1e-5 for 100,000): shapes a half or twice as large fit worse. It is a fit, not a boundary;
/// the `[1e-6, 1e6]` bound refused it as Degenerate.
#[test]
fn sbg_fits_a_large_cohorts_interior_optimum_whose_shapes_are_below_1e_minus_6() {
    let alive = [10_000_000u64, 5_000_000, 5_000_000, 5_000_000, 4_999_999];
    let fit = ShiftedBetaGeometric::fit(&alive).unwrap();
    let (a, b) = (fit.model.alpha(), fit.model.beta());
    assert!(a < 1e-6 && b < 1e-6, "α {a:e}, β {b:e}");
    for k in [0.5, 2.0] {
        assert!(sbg_log_likelihood(&alive, a * k, b * k).unwrap() < fit.log_likelihood, "×{k}");
    }
    // the curve the boundary does describe (nobody after the first period) is still refused
    let split = [10_000_000u64, 5_000_000, 5_000_000, 5_000_000, 5_000_000];
    assert!(matches!(ShiftedBetaGeometric::fit(&split), Err(RetentionError::Degenerate(_))));
}
