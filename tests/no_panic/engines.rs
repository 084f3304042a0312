//! No panics in the statistical engines: forecast, retention, stats, acquisition scoring,
//! expansion, sales and the arr metrics. Every public function and constructor is called with
//! extreme inputs (NaN, ±∞, f64::MAX, empty and long slices, usize::MAX counts, Decimal
//! extremes); every `Deserialize` type is fed adversarial JSON (a valid value with some of its
//! numbers, strings, lists and fields swapped for extremes) and, when it is accepted, used.
//! An error is always fine; a panic fails the test.

use std::sync::OnceLock;

use super::*;

use revops::acquisition::{
    competitive_analysis, cycle_lengths, percentile_ranks, prioritise, sales_velocity, strategic_view, Criterion,
    Firmographics, Grade, IdealCustomerProfile, IntentModel, Opportunity, Signal, SignalKind, SignalWeight, Stage,
    WeightedCriterion, WinModel, WinModelSpec,
};
use revops::arr::{
    burn_multiple, cac_payback_months, lifetime_value, ltv_to_cac, magic_number, rule_of_40, ArrBridge, Milestone,
    Movements, NewArrComposition, QuickRatioPolicy, SignalThresholds,
};
use revops::expansion::{
    plan_nrr, run_playbooks, Account, Action, Campaign, Catalog, CoOwnership, ExpansionScorer, Playbook, Product,
    ProductSet, Propensity, PropensityRule, Tier,
};
use revops::forecast::{
    accuracy, accuracy_by_lead, auto_ets, backtest, interval_score, milestone_eta, monte_carlo_close,
    pipeline_forecast, seasonal_naive, ArimaModel, ArimaSearch, ArimaSpec, AutoArima, ErrorType, EtsModel, EtsSpec,
    ForecastCategory, ForecastRecord, PipelineDeal, SeasonType, TrendType,
};
use revops::limits::{MAX_COUNT, MAX_HORIZON, MAX_SEASON, MAX_TRIALS};
use revops::money::Percent;
use revops::retention::{
    customer_lifetime_value, log_rank, sbg_log_likelihood, summarise_transactions, BgNbd, ChurnRiskModel,
    ChurnRiskSpec, ChurnRule, CustomerRfm, GammaGamma, KaplanMeier, Rfm, ShiftedBetaGeometric, SpendObservation,
    Subject, Transaction,
};
use revops::rules::{Comparison, Condition};
use revops::sales::{
    attainment, balance_territories, rep_analytics, Booking, ClawbackEvent, Quota, RampSchedule, Spif, TerritoryAccount,
};
use revops::stats::{
    auc, brier_score, expected_calibration_error, holdout_split, log_loss, ols, reliability_bins, standardisation,
    IsotonicCalibrator, LogisticModel, LogisticSpec, PlattCalibrator, MAX_FEATURES,
};

/// `n` cases, or `PROPTEST_CASES` when it is set (`with_cases` alone would ignore it).
pub(crate) fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(n)
}

fn usd(x: Decimal) -> Money {
    Money::new(x, Currency::USD)
}

/// Counts a caller may pass: ordinary ones, and ones past every limit. (Values at a limit are
/// valid and merely slow, so they are left to the limit tests.)
fn count() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        Just(1),
        Just(2),
        Just(3),
        Just(12),
        Just(usize::MAX),
        Just(u32::MAX as usize),
        Just(MAX_SEASON + 1),
        Just(MAX_HORIZON + 1),
        Just(MAX_TRIALS + 1),
        Just(MAX_COUNT + 1),
    ]
}

/// A `u32` count: small, or the largest.
fn count32() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), Just(1), Just(3), Just(12), Just(u32::MAX), Just(MAX_HORIZON as u32 + 1)]
}

/// A percent from any decimal: 0%–100% and everything else.
fn extreme_percent() -> impl Strategy<Value = Percent> {
    prop_oneof![
        Just(Percent::ZERO),
        Just(Percent::HUNDRED),
        (0i64..=100).prop_map(|p| Percent::from_fraction(Decimal::new(p, 2))),
        extreme_decimal().prop_map(Percent::from_fraction),
    ]
}

fn series(len: usize, x: f64) -> Vec<f64> {
    (0..len).map(|t| 100.0 + 3.0 * t as f64 + 10.0 * ((t % 12) as f64 * 0.52).sin() + x * (t % 3) as f64).collect()
}

/// A small book: one customer growing by a dollar a month from $100.00 MRR, Jan–Apr 2026.
fn small_book() -> ArrBook {
    let months = Month::new(2026, 1).unwrap()..=Month::new(2026, 4).unwrap();
    let ev = |id: &str, date, kind| SubscriptionEvent::new(id, "x", "s", date, kind);
    let price = |cents| usd(Decimal::new(cents, 2));
    let events = vec![
        ev(
            "e1",
            d(2026, 1, 2),
            EventKind::Start { price: price(10_000), interval: Interval::Month, trial_until: None },
        ),
        ev("e2", d(2026, 2, 2), EventKind::Change { price: price(10_100), interval: Interval::Month }),
        ev("e3", d(2026, 3, 2), EventKind::Change { price: price(10_200), interval: Interval::Month }),
    ];
    ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months, &InMemoryFxRates::new()).unwrap()
}

/// The small book's `k`-th month (from January 2026), or a month far past it.
fn month(k: usize) -> Month {
    let far = Month::new(262_142, 11).unwrap();
    i32::try_from(k).ok().and_then(|k| Month::new(2026, 1).unwrap().checked_add(k).ok()).unwrap_or(far)
}

/// A window as a caller may pass it.
fn window_of(w: usize) -> u32 {
    u32::try_from(w).unwrap_or(u32::MAX)
}

fn bridge_of(x: Decimal) -> ArrBridge {
    let p = Month::new(2026, 1).unwrap();
    ArrBridge {
        from: p,
        to: p,
        opening: usd(x),
        new: usd(x),
        expansion: usd(x),
        reactivation: usd(x),
        contraction: usd(x),
        churn: usd(x),
        fx: usd(Decimal::ZERO),
        closing: usd(-x),
        opening_customers: 1,
        closing_customers: 1,
        movements: Movements::zero(Currency::USD),
        composition: NewArrComposition::zero(Currency::USD),
    }
}

// ---------------------------------------------------------------------------------------------
// Fitted fixtures, built once: valid values whose JSON the fuzzers below start from.

fn ets_models() -> &'static [EtsModel] {
    static MODELS: OnceLock<Vec<EtsModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let y = series(48, 1.0);
        let spec = |error, trend, season, period| EtsSpec { error, trend, season, period };
        vec![
            auto_ets(&y, 12).unwrap(),
            spec(ErrorType::Multiplicative, TrendType::Damped, SeasonType::Multiplicative, 12).fit(&y).unwrap(),
            spec(ErrorType::Additive, TrendType::None, SeasonType::None, 1).fit(&y).unwrap(),
        ]
    })
}

fn arima_models() -> &'static [ArimaModel] {
    static MODELS: OnceLock<Vec<ArimaModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let y = series(48, 1.0);
        vec![
            AutoArima::new(12).fit(&y).unwrap().into_best(),
            ArimaSpec::new(1, 1, 1).seasonal(0, 1, 1, 12).fit(&y).unwrap(),
            ArimaSpec::new(1, 0, 0).with_constant(true).fit(&y).unwrap(),
            // a non-invertible MA: its last state keeps a covariance
            ArimaSpec::new(0, 1, 1).fit_fixed(&y, &[-1.5]).unwrap(),
        ]
    })
}

fn churn_model() -> &'static ChurnRiskModel {
    static MODEL: OnceLock<ChurnRiskModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let rows: Vec<f64> = (0..200).flat_map(|i| [f64::from(i % 10), f64::from(i % 7)]).collect();
        let churned: Vec<bool> = (0..200).map(|i| (i % 10) + (i % 3) < 4).collect();
        let spec = ChurnRiskSpec {
            features: vec!["usage".into(), "tickets".into()],
            logistic: LogisticSpec::default(),
            holdout_every: 5,
        };
        spec.fit(&rows, &churned).unwrap()
    })
}

fn win_spec() -> WinModelSpec {
    WinModelSpec { min_won: 5, min_lost: 5, ..WinModelSpec::new(vec!["stage".into(), "people".into()]) }
}

fn win_data() -> (Vec<f64>, Vec<bool>) {
    let rows: Vec<f64> = (0..300).flat_map(|i| [f64::from(i % 7), f64::from(i % 8)]).collect();
    let won: Vec<bool> = (0..300).map(|i| (i % 7) + (i * 3) % 4 > 4).collect();
    (rows, won)
}

fn win_models() -> &'static [WinModel] {
    static MODELS: OnceLock<Vec<WinModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let (rows, won) = win_data();
        let iso = WinModelSpec { calibration: revops::acquisition::CalibrationMethod::Isotonic, ..win_spec() };
        vec![win_spec().fit(&rows, &won).unwrap(), iso.fit(&rows, &won).unwrap()]
    })
}

fn base() -> Vec<Account> {
    let acct = |id: &str, seg: &str, owned: &[usize]| {
        Account::new(id, seg, usd(Decimal::from(100_000)), ProductSet::of(owned).unwrap())
            .with_seats(100, 95, usd(Decimal::from(1_200)))
            .with_usage(150.0, 0)
    };
    vec![acct("A", "ent", &[0, 1]), acct("B", "ent", &[0, 1]), acct("C", "ent", &[0, 2]), acct("D", "smb", &[1])]
}

fn co_ownership() -> CoOwnership {
    CoOwnership::learn(&base(), 3).unwrap()
}

fn scorer(propensity: Propensity) -> ExpansionScorer {
    let product = |name: &str, arr| Product { name: name.into(), list_arr: usd(Decimal::from(arr)) };
    let tier = |name: &str, arr, usage_limit| Tier { name: name.into(), arr: usd(Decimal::from(arr)), usage_limit };
    let catalog = Catalog {
        products: vec![product("core", 50_000), product("analytics", 20_000), product("security", 30_000)],
        tiers: vec![tier("starter", 10_000, 100.0), tier("pro", 40_000, 1_000.0)],
    };
    ExpansionScorer::new(catalog, co_ownership(), propensity)
}

fn rules_propensity() -> Propensity {
    let rule = PropensityRule { when: vec![Condition::new("score", Comparison::AtLeast, 0.3)], probability: 0.4 };
    Propensity::Rules { rules: vec![rule], default: 0.1 }
}

fn pipeline_deal(id: &str, amount: Money, probability: Percent, category: ForecastCategory) -> PipelineDeal {
    PipelineDeal {
        id: id.into(),
        rep: "ann".into(),
        team: "east".into(),
        region: "NA".into(),
        amount,
        probability,
        close_date: d(2026, 11, 5),
        category,
    }
}

fn opportunity(id: &str, stage: Stage, amount: Money, discount: Percent, probability: Percent) -> Opportunity {
    Opportunity {
        id: id.into(),
        account: "Acme".into(),
        segment: "ent".into(),
        stage,
        amount,
        created: d(2026, 1, 1),
        closed: stage.is_closed().then(|| d(2026, 3, 1)),
        competitor: Some("Rival".into()),
        discount,
        probability,
    }
}

fn plan() -> CommissionPlan {
    let pct = |x| Percent::from_fraction(Decimal::new(x, 2));
    CommissionPlan {
        base_rate: pct(10),
        tiers: vec![
            RateTier { from_attainment: pct(0), multiplier: Decimal::ONE },
            RateTier { from_attainment: pct(100), multiplier: Decimal::TWO },
        ],
        cap: Some(usd(Decimal::from(60_000))),
        spifs: vec![Spif { name: "push".into(), product: "security".into(), bonus: usd(Decimal::from(1_000)) }],
        clawback_days: 90,
    }
}

fn credited(id: &str, amount: Money, splits: Vec<(String, Percent)>) -> CreditedDeal {
    CreditedDeal { id: id.into(), product: "security".into(), amount, closed: d(2026, 1, 15), splits }
}

// ---------------------------------------------------------------------------------------------
// Regressions the sweep found in the arr metrics.

#[test]
fn arr_bridge_metrics_at_decimal_max_are_errors_not_panics() {
    // churn + contraction, lost − expansion − reactivation and closing − opening were unchecked
    for x in [Decimal::MAX, Decimal::MIN] {
        let b = bridge_of(x);
        assert!(b.churn_rates().is_err());
        assert!(b.quick_ratio(QuickRatioPolicy::WithReactivation).is_err());
        assert!(b.growth_rate().is_err());
    }
    assert!(rule_of_40(Decimal::MAX, Decimal::MAX).is_err());
    assert_eq!(rule_of_40(Decimal::new(25, 2), Decimal::new(15, 2)).unwrap(), Decimal::new(40, 2));
}

#[test]
fn velocity_and_milestones_at_the_last_period_index_are_errors_not_panics() {
    let book = small_book();
    // k + 1 overflowed before the period index was checked
    assert!(book.velocity(month(usize::MAX), 1).is_err());
    let t = SignalThresholds { min_growth: Decimal::ZERO, window: 1 };
    assert!(book.growth_signals(month(usize::MAX), t, None).is_err());
    assert!(book.velocity(month(3), u32::MAX).is_err());
}

#[test]
fn milestone_progress_toward_decimal_max_is_an_error_not_a_panic() {
    let book = small_book();
    // remaining ÷ ~40 cents a day, and current ÷ a tiny target, overflowed unchecked
    let far = Milestone { target: usd(Decimal::MAX), by: None };
    assert!(far.progress(&book, month(3), 2).is_err());
    let tiny = Milestone { target: usd(Decimal::new(1, 28)), by: None };
    assert!(tiny.progress(&book, month(3), 2).is_err());
    let near = Milestone { target: usd(Decimal::from(2_000)), by: Some(d(2027, 1, 1)) };
    assert!(near.progress(&book, month(3), 2).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Every public function, extreme inputs.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn forecasting_survives_extreme_series_counts_and_levels(
        xs in prop::collection::vec(wild_f64(), 0..30),
        x in wild_f64(),
        level in wild_f64(),
        h in count(),
        paths in count(),
        period in count(),
        step in count(),
        seed in any::<u64>(),
    ) {
        let y = series(40, if x.is_finite() { x.clamp(-1e6, 1e6) } else { 0.0 });
        let _ = auto_ets(&xs, period);
        let _ = auto_ets(&y, period);
        for season in [SeasonType::None, SeasonType::Additive, SeasonType::Multiplicative] {
            let spec = EtsSpec { error: ErrorType::Multiplicative, trend: TrendType::Damped, season, period };
            let _ = spec.admissible(&xs);
            let _ = spec.fit(&xs);
        }
        for m in ets_models() {
            let _ = m.point_forecast(h);
            let _ = m.forecast(h, level, seed);
            let _ = m.forecast(3, level, seed);
            let _ = m.simulate(h, paths, seed);
            let _ = m.simulate(3, paths, seed);
        }
        let _ = seasonal_naive(&xs, period, h);
        let _ = accuracy(&xs, &xs, &xs, period);
        let _ = accuracy(&[x, 1.0], &[1.0, f64::MAX], &xs, period);
        let _ = interval_score(&xs, &xs, &xs, level);
        let _ = backtest(&xs, period, h, h, step);
        let _ = backtest(&y[..30], 1, 26, 2, step); // a few origins at most
        let m = |mo| Month::new(2026, mo).unwrap();
        let recs = [ForecastRecord { made_in: m(1), target: m(3), forecast: x, actual: Some(level) }];
        let _ = accuracy_by_lead(&recs);
    }

    #[test]
    fn arima_survives_extreme_series_orders_and_levels(
        xs in prop::collection::vec(wild_f64(), 0..30),
        coefs in prop::collection::vec(wild_f64(), 0..4),
        level in wild_f64(),
        h in count(),
        period in count(),
        p in prop_oneof![0usize..4, Just(usize::MAX), Just(200)],
        d in 0usize..4,
        q in prop_oneof![0usize..3, Just(usize::MAX)],
        constant in any::<bool>(),
    ) {
        let y = series(40, 1.0);
        let spec = ArimaSpec::new(p, d, q).with_constant(constant);
        let _ = (spec.coefficients(), spec.to_string());
        let _ = spec.fit(&xs);
        let _ = spec.fit_fixed(&xs, &coefs);
        let _ = spec.fit_fixed(&y, &coefs);
        if p.max(q) < 4 {
            let _ = spec.fit(&y);
            let _ = spec.seasonal(1, d.min(1), 0, period).fit(&y);
        }
        let _ = AutoArima::new(period).fit(&xs);
        let _ = AutoArima::new(1).fit(&xs);
        let _ = AutoArima::new(period).with_search(ArimaSearch::Approximate).fit(&xs);
        for m in arima_models() {
            let _ = m.predict(h.min(10_000), &[level]);
            let _ = m.predict(3, &[level, 0.9]);
        }
    }

    #[test]
    fn pipeline_forecasts_survive_extreme_amounts_probabilities_and_trials(
        a in extreme_decimal(),
        b in extreme_decimal(),
        p in extreme_percent(),
        q in extreme_percent(),
        slip in wild_f64(),
        trials in count(),
        target in extreme_decimal(),
    ) {
        let quarter = Period::new(d(2026, 10, 1), d(2027, 1, 1)).unwrap();
        let deals = [
            pipeline_deal("a", usd(a), p, ForecastCategory::Commit),
            pipeline_deal("b", usd(b), q, ForecastCategory::Closed),
            pipeline_deal("c", usd(a), q, ForecastCategory::Pipeline),
            pipeline_deal("e", Money::new(b, Currency::EUR), p, ForecastCategory::BestCase),
        ];
        let _ = pipeline_forecast(&deals, quarter, Currency::USD);
        let _ = pipeline_forecast(&deals[..3], quarter, Currency::USD);
        let _ = monte_carlo_close(&deals[..3], quarter, quarter.start(), slip, usd(target), trials, 1);
        let _ = monte_carlo_close(&deals[..3], quarter, quarter.start(), slip, usd(target), 3, 1);
    }

    #[test]
    fn milestone_etas_survive_extreme_history_and_counts(a in extreme_decimal(), target in extreme_decimal(), horizon in count(), paths in count()) {
        let history: Vec<Money> = (0..30).map(|t| usd(if t % 7 == 3 { a } else { Decimal::from(1_000 + t) })).collect();
        let last = Month::new(2026, 10).unwrap();
        let _ = milestone_eta(&history, last, usd(target), horizon, paths, 1);
        let _ = milestone_eta(&history, last, usd(target), 6, 10, 1);
        let _ = milestone_eta(&[], last, usd(target), 6, 10, 1);
    }

    #[test]
    fn retention_models_survive_extreme_parameters_and_histories(
        ps in prop::collection::vec(wild_f64(), 4),
        rfm in (any::<u32>(), wild_f64(), wild_f64()),
        horizon in wild_f64(),
        t in count32(),
        alive in prop::collection::vec(any::<u64>(), 0..6),
        customers in count(),
    ) {
        let _ = sbg_log_likelihood(&alive, ps[0], ps[1]);
        let _ = ShiftedBetaGeometric::fit(&alive);
        if let Ok(m) = ShiftedBetaGeometric::new(ps[0], ps[1]) {
            let _ = (m.survival(t), m.churn_probability(t), m.retention_rate(t), m.project(t));
            let _ = m.derl(ps[2], t);
            let _ = m.residual_value(ps[3], ps[2], t);
        }
        let history = Rfm { frequency: rfm.0, recency: rfm.1, t: rfm.2 };
        if let Ok(m) = BgNbd::new(ps[0], ps[1], ps[2], ps[3]) {
            let _ = (m.p_alive(&history), m.log_likelihood(&history), m.expected_purchases(&history, horizon));
            let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
            let _ = m.simulate(customers.min(3), 1.0, &mut rng);
            let _ = m.simulate(customers, horizon, &mut rng);
        }
        let _ = BgNbd::fit(&[history; 12]);
        let spend = SpendObservation { frequency: rfm.0, mean: horizon };
        let _ = GammaGamma::fit(&[spend; 12]);
        if let (Ok(g), Ok(m)) = (GammaGamma::new(ps[0], ps[1], ps[2]), BgNbd::new(0.5, 3.0, 2.0, 4.0)) {
            let _ = g.expected_spend(&spend);
            let customer = CustomerRfm { customer: "c".into(), rfm: history, average_spend: Some(usd(Decimal::from(40))) };
            let _ = customer_lifetime_value(&m, &g, &customer, ps[3], t, horizon, ps[1]);
            let _ = customer_lifetime_value(&m, &g, &customer, ps[3], 3, horizon, ps[1]);
        }
    }

    #[test]
    fn survival_curves_and_transactions_survive_wild_times_and_amounts(
        times in prop::collection::vec((wild_f64(), any::<bool>()), 0..20),
        confidence in wild_f64(),
        amounts in prop::collection::vec(extreme_decimal(), 0..6),
        days in count32(),
    ) {
        let subjects: Vec<Subject> = times.iter().map(|&(time, event)| Subject { time, event }).collect();
        if let Ok(km) = KaplanMeier::fit(&subjects, confidence) {
            let _ = (km.survival_at(confidence), km.median());
        }
        let _ = log_rank(&subjects, &subjects[..subjects.len() / 2]);
        let txns: Vec<Transaction> = amounts
            .iter()
            .enumerate()
            .map(|(i, a)| Transaction { customer: format!("c{}", i % 2), date: d(2026, 1, 1 + i as u32), amount: usd(*a) })
            .collect();
        let _ = summarise_transactions(&txns, d(2026, 3, 1), days);
    }

    #[test]
    fn churn_risk_survives_wild_rows_values_and_holdouts(
        rows in prop::collection::vec(wild_f64(), 0..40),
        flags in prop::collection::vec(any::<bool>(), 0..20),
        values in prop::collection::vec(wild_f64(), 0..4),
        every in count(),
        l2 in wild_f64(),
        iterations in count(),
    ) {
        let logistic = LogisticSpec { l2, max_iterations: iterations, tolerance: 1e-8 };
        let spec = ChurnRiskSpec { features: vec!["a".into(), "b".into()], logistic, holdout_every: every };
        let _ = spec.fit(&rows, &flags);
        let m = churn_model();
        if let Ok(risk) = m.assess(&values) {
            let rule = ChurnRule { name: "r".into(), when: Condition::new("usage", Comparison::Below, 3.0), playbook: "p".into() };
            let _ = m.fired_rules(&values, &risk, &[rule]);
        }
        let risk = m.assess(&[1.0, 2.0]).unwrap();
        let unknown = ChurnRule { name: "u".into(), when: Condition::new("nope", Comparison::Below, 3.0), playbook: "p".into() };
        let _ = m.fired_rules(&values, &risk, std::slice::from_ref(&unknown));
        let _ = m.fired_rules(&[1.0, 2.0], &risk, &[unknown]);
    }

    #[test]
    fn stats_survive_wild_numbers_shapes_and_counts(
        xs in prop::collection::vec(wild_f64(), 0..30),
        flags in prop::collection::vec(any::<bool>(), 0..30),
        p in count(),
        every in count(),
        bins in count(),
        a in wild_f64(),
        b in wild_f64(),
        tolerance in wild_f64(),
        iterations in count(),
    ) {
        let n = xs.len().min(flags.len());
        let spec = LogisticSpec { l2: a.abs(), max_iterations: iterations, tolerance };
        let _ = spec.fit(&xs, p, &flags);
        let _ = LogisticSpec::default().fit(&xs[..n], 1, &flags[..n]);
        let _ = standardisation(&xs, p);
        let _ = holdout_split(&xs, p, &flags, every, &xs, &xs);
        let _ = holdout_split(&xs[..n], 1, &flags[..n], every, &[a], &[b]);
        let _ = ols(&xs, &xs);
        let _ = auc(&xs[..n], &flags[..n]);
        for loss in [brier_score(&xs[..n], &flags[..n]), log_loss(&xs[..n], &flags[..n])].into_iter().flatten() {
            prop_assert!(loss.is_finite() && loss >= 0.0, "a loss of {loss}");
        }
        let _ = reliability_bins(&xs[..n], &flags[..n], bins);
        let _ = expected_calibration_error(&xs[..n], &flags[..n], bins);
        let probability = |p: Result<f64, _>| p.map_or(true, |p: f64| (0.0..=1.0).contains(&p));
        if let Ok(c) = PlattCalibrator::fit(&xs[..n], &flags[..n]) {
            prop_assert!(probability(c.calibrate(a)) && c.calibrate(f64::NAN).is_err());
        }
        if let Ok(c) = IsotonicCalibrator::fit(&xs[..n], &flags[..n]) {
            prop_assert!(probability(c.calibrate(a)) && c.calibrate(f64::NAN).is_err());
            prop_assert!(c.thresholds().windows(2).all(|w| w[0] < w[1]));
        }
        let _ = IsotonicCalibrator::fit(&xs, &flags);
        let _ = PlattCalibrator::new(a, b).map(|c| c.calibrate(b));
        if let Ok(c) = IsotonicCalibrator::new(xs.clone(), xs.clone()) {
            prop_assert!(probability(c.calibrate(a)));
        }
        if let Ok(m) = LogisticModel::new(a, xs.clone()) {
            let mut out = Vec::new();
            let _ = m.probabilities_into(&xs, &mut out);
            let _ = (m.log_odds(&xs), m.probability(&xs), m.contributions(&xs), m.log_likelihood(&xs, &flags));
        }
        let _ = LogisticModel::new(0.0, vec![0.0; MAX_FEATURES + 1]);
    }

    #[test]
    fn prospect_scoring_survives_wild_weights_signals_and_scores(
        ws in prop::collection::vec(wild_f64(), 1..4),
        strength in wild_f64(),
        half_life in wild_f64(),
        saturation in wild_f64(),
        employees in any::<u32>(),
        revenue in extreme_decimal(),
        scores in prop::collection::vec(wild_f64(), 0..8),
    ) {
        let criteria = [
            Criterion::Industry(vec!["Software".into()]),
            Criterion::Employees { min: 0, max: employees },
            Criterion::Revenue { min: usd(Decimal::MIN), max: usd(revenue) },
            Criterion::TechStack(vec![]),
        ];
        let icp = IdealCustomerProfile {
            criteria: ws.iter().zip(criteria).map(|(w, c)| WeightedCriterion { name: "c".into(), criterion: c, weight: *w }).collect(),
        };
        let p = Firmographics { industry: "software".into(), employees, annual_revenue: Some(usd(revenue)), region: "NA".into(), tech_stack: vec![], fortune_rank: Some(employees) };
        let fit = icp.fit(&p);
        if let Ok(f) = &fit {
            prop_assert!((0.0..=100.0).contains(&f.score), "fit score {}", f.score);
        }
        let model = IntentModel { weights: vec![SignalWeight { kind: SignalKind::DemoRequest, points: ws[0], half_life_days: half_life }], saturation };
        let signals = [Signal { kind: SignalKind::DemoRequest, date: d(1970, 1, 1), strength }, Signal { kind: SignalKind::Other("x".into()), date: d(2026, 1, 1), strength }];
        let intent = model.intent(&signals, d(2026, 1, 2));
        if let Ok(i) = &intent {
            prop_assert!((0.0..=100.0).contains(&i.score), "intent score {}", i.score);
        }
        if let (Ok(f), Ok(i)) = (fit, intent) {
            let _ = prioritise(&[("p".into(), f.clone(), i.clone()), ("q".into(), f, i)]);
        }
        let _ = Grade::of(strength, half_life).to_string();
        if let Ok(ranks) = percentile_ranks(&scores) {
            prop_assert!(ranks.iter().all(|r| (0.0..=100.0).contains(r)));
        }
    }

    #[test]
    fn deal_analytics_survive_extreme_amounts_discounts_and_probabilities(
        a in extreme_decimal(),
        b in extreme_decimal(),
        disc in extreme_percent(),
        p in extreme_percent(),
        quota in extreme_decimal(),
        activities in any::<u32>(),
    ) {
        let opps = [
            opportunity("1", Stage::ClosedWon, usd(a), disc, p),
            opportunity("2", Stage::ClosedLost, usd(b), p, disc),
            opportunity("3", Stage::Proposal, usd(a), disc, p),
            opportunity("4", Stage::Negotiation, usd(b), disc, p),
        ];
        let _ = sales_velocity(&opps);
        let _ = cycle_lengths(&opps);
        let _ = competitive_analysis(&opps);
        let _ = strategic_view(&["Acme".to_string()], &opps, Currency::USD);
        let _ = rep_analytics(&opps, usd(quota), activities);
    }

    #[test]
    fn win_models_survive_wild_rows_and_counts(
        rows in prop::collection::vec(wild_f64(), 0..40),
        won in prop::collection::vec(any::<bool>(), 0..20),
        x in prop::collection::vec(wild_f64(), 0..4),
        every in count(),
        min_won in count(),
    ) {
        let spec = WinModelSpec { holdout_every: every, min_won: min_won.min(3), min_lost: 3, ..win_spec() };
        let _ = spec.fit(&rows, &won);
        let (good_rows, good_won) = win_data();
        let _ = WinModelSpec { holdout_every: every, ..win_spec() }.fit(&good_rows, &good_won);
        for m in win_models() {
            let mut out = Vec::new();
            let _ = m.probabilities_into(&rows, &mut out);
            let _ = (m.log_odds(&x), m.probability(&x), m.explain(&x), m.contributions(&x));
        }
    }

    #[test]
    fn expansion_survives_wild_products_counts_and_thresholds(
        owned in prop::collection::vec(0usize..140, 0..6),
        products in count(),
        k in count(),
        t in wild_f64(),
        seats in (any::<u32>(), any::<u32>()),
        seat_arr in extreme_decimal(),
        usage in wild_f64(),
        tier in count(),
        share in wild_f64(),
    ) {
        let set = ProductSet::of(&owned);
        let mut accounts = base();
        if let Ok(set) = set {
            accounts.push(Account::new("X", "ent", usd(seat_arr), set).with_seats(seats.0, seats.1, usd(seat_arr)).with_usage(usage, tier));
        }
        let _ = CoOwnership::learn(&accounts, products);
        let co = CoOwnership::learn(&accounts, 128).unwrap_or_else(|_| co_ownership());
        let _ = (co.rule(products, k), co.rules(t, t), co.segment_share("ent", k), co.segment_share("nope", products));
        let x = accounts.last().unwrap();
        let _ = co.recommend(x.owned, &x.segment, k, t);
        let _ = co.whitespace(x.owned, "ent", t);
        let _ = x.seat_utilisation();
        for mut s in [scorer(rules_propensity()), scorer(Propensity::Model(LogisticModel::new(t.clamp(-50.0, 50.0).max(-50.0), vec![]).unwrap_or_else(|_| LogisticModel::new(0.0, vec![]).unwrap())))] {
            s.cross_sell_per_account = k;
            s.seat_headroom = t;
            s.seat_threshold = t;
            s.min_lift = t;
            let _ = s.score(x);
        }
        let names: Vec<String> = owned.iter().map(|i| format!("a{i}")).collect();
        if let Ok(c) = Campaign::assign("c", "o", &names, share, 7) {
            let won: Vec<(String, Money)> = names.iter().map(|n| (n.clone(), usd(seat_arr))).collect();
            let _ = c.results(&won, Currency::USD);
        }
    }

    #[test]
    fn playbooks_and_nrr_plans_survive_extreme_signals_and_amounts(
        signal in wild_f64(),
        due in any::<u32>(),
        start in extreme_decimal(),
        churn in extreme_decimal(),
        target in extreme_percent(),
        win in extreme_percent(),
    ) {
        let action = Action { owner: "AM".into(), channel: "call".into(), offer: "o".into(), due_in_days: due };
        let playbook = Playbook { name: "p".into(), when: vec![Condition::new("s", Comparison::AtLeast, signal)], action };
        let _ = run_playbooks(std::slice::from_ref(&playbook), "a", &[("s".into(), signal)], NaiveDate::MAX);
        let _ = run_playbooks(&[playbook], "a", &[], d(2026, 1, 1));
        let _ = plan_nrr(usd(start), target, usd(churn), usd(churn), win);
    }

    #[test]
    fn sales_survive_extreme_plans_splits_quotas_and_loads(
        rate in extreme_percent(),
        mult in extreme_decimal(),
        from in extreme_percent(),
        amount in extreme_decimal(),
        quota in extreme_decimal(),
        share in extreme_percent(),
        cap in extreme_decimal(),
        potential in wild_f64(),
        weight in wild_f64(),
        tenure in count(),
    ) {
        let mut p = plan();
        p.base_rate = rate;
        p.tiers[1] = RateTier { from_attainment: from, multiplier: mult };
        p.cap = Some(usd(cap));
        let rest = Percent::from_fraction(Decimal::ONE.checked_sub(share.fraction()).unwrap_or(Decimal::ZERO));
        let deals = [
            credited("a", usd(amount), vec![("ann".into(), share), ("bob".into(), rest)]),
            credited("b", usd(amount), vec![("ann".into(), Percent::HUNDRED)]),
            credited("c", Money::new(amount, Currency::EUR), vec![("ann".into(), Percent::HUNDRED)]),
        ];
        let claw = [ClawbackEvent { deal: "z".into(), rep: "ann".into(), closed: d(2025, 12, 1), churned: d(2026, 1, 10), paid: usd(amount) }];
        let q1 = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
        let _ = p.statement("ann", q1, usd(quota), &deals[..2], &claw);
        let _ = p.statement("ann", q1, usd(quota), &deals, &[]);
        let _ = deals[0].credit();
        let quotas = [Quota { rep: "ann".into(), team: "east".into(), period: q1, amount: usd(quota) }];
        let bookings = [Booking { rep: "ann".into(), date: d(2026, 1, 9), amount: usd(amount) }, Booking { rep: "ann".into(), date: d(2026, 1, 9), amount: usd(amount) }];
        let _ = attainment(&quotas, &bookings);
        let _ = RampSchedule { shares: vec![share, rate] }.ramped(usd(quota), tenure);
        let accounts = [
            TerritoryAccount { id: "a".into(), potential, workload: 1.0, fixed_rep: None },
            TerritoryAccount { id: "b".into(), potential: f64::MAX, workload: potential, fixed_rep: Some("r2".into()) },
            TerritoryAccount { id: "c".into(), potential: 1.0, workload: 1.0, fixed_rep: Some("nobody".into()) },
        ];
        let reps = ["r1".to_string(), "r2".to_string()];
        let _ = balance_territories(&accounts, &reps, weight);
        let _ = balance_territories(&accounts[..2], &reps, weight);
        let _ = balance_territories(&accounts[..1], &[], weight);
    }

    #[test]
    fn arr_metrics_survive_extreme_bridges_indices_and_amounts(
        x in extreme_decimal(),
        y in extreme_decimal(),
        k in count(),
        window in count(),
        target in extreme_decimal(),
        by in prop_oneof![Just(None), Just(Some(NaiveDate::MAX)), Just(Some(NaiveDate::MIN)), Just(Some(d(2026, 6, 1)))],
    ) {
        let b = bridge_of(x);
        let _ = (b.churn_rates(), b.quick_ratio(QuickRatioPolicy::WithoutReactivation), b.growth_rate(), b.net_new(), b.ties());
        let _ = rule_of_40(x, y);
        let _ = (lifetime_value(usd(x), y, x), cac_payback_months(usd(x), usd(y), x), ltv_to_cac(usd(x), usd(y)));
        let _ = (magic_number(usd(x), usd(y), usd(x)), burn_multiple(usd(x), usd(y)));
        let book = small_book();
        let (at, window) = (month(k), window_of(window));
        let _ = (book.retention(at, window), book.arpa(at), book.cohorts(), book.velocity(at, window));
        let milestone = Milestone { target: usd(target), by };
        for k in [at, month(0), month(3)] {
            let _ = milestone.progress(&book, k, window);
            let _ = milestone.progress(&book, k, 2);
            let t = SignalThresholds { min_growth: x, window };
            let _ = book.growth_signals(k, t, Some(&milestone));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Adversarial JSON: a valid value with parts swapped for extremes, then used.

#[cfg(feature = "serde")]
mod json {

    use super::*;

    use super::super::forecast_methods::sound;
    use super::super::json::{mutated as fuzz, ops as picks, shown};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases(96)))]

        #[test]
        fn forecast_json_is_refused_or_safe_to_forecast_with(picks in picks()) {
            let y = series(40, 1.0);
            for model in ets_models() {
                fuzz(model, &picks, |m: EtsModel| {
                    let _ = (m.point_forecast(12), m.forecast(12, 0.8, 1), m.simulate(6, 20, 1));
                    sound(m.predict(12, &[0.8, 0.95]));
                    sound(m.predict_simulated(6, &[0.8], 50, 1));
                    let _ = (m.spec(), m.params(), m.level(), m.trend(), m.season(), m.sigma2(), m.log_likelihood(), m.aicc(), m.n(), m.fitted());
                });
            }
            for model in arima_models() {
                fuzz(model, &picks, |m: ArimaModel| {
                    let _ = (m.coefficients(), m.aicc(), m.log_likelihood(), m.sigma2());
                    sound(m.predict(12, &[0.8, 0.95]));
                });
            }
            fuzz(&arima_models()[1].spec(), &picks, |s: ArimaSpec| {
                let _ = (s.fit(&y), s.coefficients(), s.to_string());
            });
            fuzz(&AutoArima::new(4).with_search(ArimaSearch::ApproximateLong), &picks, |a: AutoArima| {
                let _ = a.fit(&y[..24]);
            });
            fuzz(&ets_models()[1].spec(), &picks, |s: EtsSpec| {
                let _ = (s.admissible(&y), s.fit(&y));
            });
            let deals = vec![pipeline_deal("a", usd(Decimal::from(100)), Percent::from_fraction(Decimal::new(5, 1)), ForecastCategory::Commit)];
            fuzz(&deals, &picks, |deals: Vec<PipelineDeal>| {
                let q = Period::new(d(2026, 10, 1), d(2027, 1, 1)).unwrap();
                let _ = pipeline_forecast(&deals, q, Currency::USD);
                let _ = monte_carlo_close(&deals, q, q.start(), 5.0, usd(Decimal::ONE), 10, 1);
            });
            let m = |mo| Month::new(2026, mo).unwrap();
            let recs = vec![ForecastRecord { made_in: m(1), target: m(3), forecast: 110.0, actual: Some(100.0) }];
            fuzz(&recs, &picks, |recs: Vec<ForecastRecord>| {
                let _ = accuracy_by_lead(&recs);
            });
            let history: Vec<Money> = (0..30).map(|t| usd(Decimal::from(1_000 + 10 * t))).collect();
            let eta = milestone_eta(&history, m(10), usd(Decimal::from(1_400)), 24, 50, 1).unwrap();
            fuzz(&eta, &picks, |e: revops::forecast::MilestoneEta| {
                let _ = e.probability_by(m(12));
            });
            let model = &ets_models()[0];
            shown(&model.forecast(6, 0.8, 1).unwrap(), &picks);
            shown(&accuracy(&y[..5], &y[1..6], &y, 1).unwrap(), &picks);
            let q = Period::new(d(2026, 10, 1), d(2027, 1, 1)).unwrap();
            shown(&pipeline_forecast(&deals, q, Currency::USD).unwrap(), &picks);
            shown(&monte_carlo_close(&deals, q, q.start(), 5.0, usd(Decimal::ONE), 10, 1).unwrap(), &picks);
        }

        #[test]
        fn retention_json_is_refused_or_safe_to_score_with(picks in picks()) {
            let history = Rfm { frequency: 3, recency: 20.0, t: 30.0 };
            let spend = SpendObservation { frequency: 3, mean: 40.0 };
            let bg = BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap();
            let gg = GammaGamma::new(6.25, 3.74, 15.44).unwrap();
            let sbg = ShiftedBetaGeometric::new(0.704, 1.182).unwrap();
            let customer = CustomerRfm { customer: "c".into(), rfm: history, average_spend: Some(usd(Decimal::from(40))) };
            fuzz(&bg, &picks, |m: BgNbd| {
                let _ = (m.p_alive(&history), m.log_likelihood(&history), m.expected_purchases(&history, 10.0));
                let _ = m.simulate(1, 1.0, &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1));
                let _ = customer_lifetime_value(&m, &gg, &customer, 0.3, 4, 4.0, 0.01);
            });
            fuzz(&gg, &picks, |g: GammaGamma| {
                let _ = g.expected_spend(&spend);
                let _ = customer_lifetime_value(&bg, &g, &customer, 0.3, 4, 4.0, 0.01);
            });
            fuzz(&sbg, &picks, |m: ShiftedBetaGeometric| {
                let _ = (m.survival(12), m.churn_probability(12), m.project(24), m.derl(0.1, 3), m.residual_value(100.0, 0.1, 3));
            });
            fuzz(&history, &picks, |h: Rfm| {
                let _ = (bg.p_alive(&h), bg.log_likelihood(&h), bg.expected_purchases(&h, 5.0));
            });
            fuzz(&spend, &picks, |s: SpendObservation| {
                let _ = gg.expected_spend(&s);
            });
            fuzz(&customer, &picks, |c: CustomerRfm| {
                let _ = customer_lifetime_value(&bg, &gg, &c, 0.3, 4, 4.0, 0.01);
            });
            let subjects = vec![Subject { time: 1.0, event: true }, Subject { time: 2.0, event: false }, Subject { time: 3.0, event: true }];
            fuzz(&subjects, &picks, |s: Vec<Subject>| {
                let _ = KaplanMeier::fit(&s, 0.95).map(|km| (km.survival_at(2.0), km.median()));
                let _ = log_rank(&s, &subjects);
            });
            let km = KaplanMeier::fit(&subjects, 0.95).unwrap();
            fuzz(&km, &picks, |km: KaplanMeier| {
                let _ = (km.survival_at(2.5), km.survival_at(f64::NAN), km.median());
            });
            let txns = vec![Transaction { customer: "c".into(), date: d(2026, 1, 1), amount: usd(Decimal::from(10)) }, Transaction { customer: "c".into(), date: d(2026, 2, 1), amount: usd(Decimal::from(20)) }];
            fuzz(&txns, &picks, |t: Vec<Transaction>| {
                let _ = summarise_transactions(&t, d(2026, 3, 1), 7);
            });
            let churn = churn_model();
            fuzz(churn, &picks, |m: ChurnRiskModel| {
                if let Ok(risk) = m.assess(&[1.0, 2.0]) {
                    let rule = ChurnRule { name: "r".into(), when: Condition::new("usage", Comparison::Below, 3.0), playbook: "p".into() };
                    let _ = m.fired_rules(&[1.0, 2.0], &risk, &[rule]);
                }
                let _ = (m.features(), m.means(), m.scales(), m.model(), m.calibration(), m.holdout());
            });
            let spec = ChurnRiskSpec { features: vec!["a".into()], logistic: LogisticSpec::default(), holdout_every: 5 };
            fuzz(&spec, &picks, |s: ChurnRiskSpec| {
                let rows: Vec<f64> = (0..60).map(f64::from).collect();
                let flags: Vec<bool> = (0..60).map(|i| i % 3 == 0).collect();
                let _ = s.fit(&rows, &flags);
            });
            let rule = ChurnRule { name: "r".into(), when: Condition::new("usage", Comparison::Below, 3.0), playbook: "p".into() };
            fuzz(&rule, &picks, |r: ChurnRule| {
                let risk = churn.assess(&[1.0, 2.0]).unwrap();
                let _ = churn.fired_rules(&[1.0, 2.0], &risk, &[r]);
            });
            shown(&churn.assess(&[1.0, 2.0]).unwrap(), &picks);
            shown(&ShiftedBetaGeometric::fit(&[1000, 631, 468, 382, 326]).unwrap(), &picks);
            shown(&log_rank(&subjects, &subjects).ok(), &picks);
        }

        #[test]
        fn stats_json_is_refused_or_safe_to_calibrate_with(picks in picks()) {
            let platt = PlattCalibrator::new(2.0, -1.0).unwrap();
            fuzz(&platt, &picks, |c: PlattCalibrator| {
                let _ = (c.calibrate(0.3), c.calibrate(f64::MAX), c.a(), c.b());
            });
            let iso = IsotonicCalibrator::new(vec![0.0, 1.0, 2.0, 3.0], vec![0.1, 0.2, 0.5, 0.9]).unwrap();
            fuzz(&iso, &picks, |c: IsotonicCalibrator| {
                let _ = (c.calibrate(0.5), c.calibrate(-1e308), c.thresholds(), c.values());
                assert!(c.calibrate(f64::NAN).is_err());
            });
            let model = LogisticModel::new(-1.0, vec![0.5, 2.0]).unwrap();
            fuzz(&model, &picks, |m: LogisticModel| {
                let mut out = Vec::new();
                let _ = m.probabilities_into(&[1.0, 2.0, 3.0, 4.0], &mut out);
                let _ = (m.log_odds(&[1.0, 2.0]), m.probability(&[1.0]), m.contributions(&[1.0, 2.0, 3.0]), m.log_likelihood(&[1.0, 2.0], &[true]));
            });
            fuzz(&LogisticSpec::default(), &picks, |s: LogisticSpec| {
                let _ = s.fit(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], 1, &[false, false, true, false, true, true]);
            });
            shown(&reliability_bins(&[0.1, 0.9], &[false, true], 4).unwrap(), &picks);
            shown(&LogisticSpec::default().fit(&[0.0, 1.0, 2.0, 3.0], 1, &[false, true, false, true]).unwrap(), &picks);
        }

        #[test]
        fn acquisition_json_is_refused_or_safe_to_score_with(picks in picks()) {
            let icp = IdealCustomerProfile {
                criteria: vec![
                    WeightedCriterion { name: "i".into(), criterion: Criterion::Industry(vec!["Software".into()]), weight: 3.0 },
                    WeightedCriterion { name: "r".into(), criterion: Criterion::Revenue { min: usd(Decimal::ONE), max: usd(Decimal::MAX) }, weight: 1.0 },
                    WeightedCriterion { name: "t".into(), criterion: Criterion::TechStack(vec!["Snowflake".into()]), weight: 1.0 },
                ],
            };
            let prospect = Firmographics { industry: "software".into(), employees: 500, annual_revenue: Some(usd(Decimal::from(1_000))), region: "NA".into(), tech_stack: vec!["snowflake".into()], fortune_rank: Some(3) };
            fuzz(&icp, &picks, |icp: IdealCustomerProfile| {
                let _ = icp.fit(&prospect);
            });
            fuzz(&prospect, &picks, |p: Firmographics| {
                let _ = icp.fit(&p);
            });
            let intent = IntentModel { weights: vec![SignalWeight { kind: SignalKind::DemoRequest, points: 10.0, half_life_days: 14.0 }], saturation: 10.0 };
            let signals = vec![Signal { kind: SignalKind::DemoRequest, date: d(2026, 3, 1), strength: 1.0 }];
            fuzz(&intent, &picks, |m: IntentModel| {
                let _ = m.intent(&signals, d(2026, 3, 15));
            });
            fuzz(&signals, &picks, |s: Vec<Signal>| {
                let _ = intent.intent(&s, d(2026, 3, 15));
            });
            let pct = |x| Percent::from_fraction(Decimal::new(x, 2));
            let opps = vec![
                opportunity("1", Stage::ClosedWon, usd(Decimal::from(100)), pct(10), pct(100)),
                opportunity("2", Stage::Proposal, usd(Decimal::from(300)), pct(0), pct(40)),
            ];
            fuzz(&opps, &picks, |o: Vec<Opportunity>| {
                let _ = (sales_velocity(&o), cycle_lengths(&o), competitive_analysis(&o));
                let _ = strategic_view(&["Acme".to_string()], &o, Currency::USD);
                let _ = rep_analytics(&o, usd(Decimal::from(1_000)), 3);
            });
            for model in win_models() {
                fuzz(model, &picks, |m: WinModel| {
                    let mut out = Vec::new();
                    let _ = m.probabilities_into(&[1.0, 2.0, 3.0, 4.0], &mut out);
                    let _ = (m.probability(&[1.0, 2.0]), m.explain(&[1.0, 2.0]), m.contributions(&[1.0]), m.log_odds(&[]));
                    let _ = (m.features(), m.means(), m.coefficients(), m.intercept(), m.calibrator(), m.holdout());
                });
            }
            fuzz(&win_spec(), &picks, |s: WinModelSpec| {
                let (rows, won) = win_data();
                let _ = s.fit(&rows, &won);
            });
            let fit = icp.fit(&prospect).unwrap();
            let score = intent.intent(&signals, d(2026, 3, 15)).unwrap();
            shown(&prioritise(&[("p".into(), fit, score)]), &picks);
            shown(&strategic_view(&["Acme".to_string()], &opps, Currency::USD).unwrap(), &picks);
            shown(&win_models()[0].explain(&[1.0, 2.0]).expect("two features"), &picks);
            fuzz(&Grade::of(80.0, 10.0), &picks, |g: Grade| {
                let _ = g.to_string();
            });
        }

        #[test]
        fn expansion_json_is_refused_or_safe_to_recommend_with(picks in picks()) {
            let co = co_ownership();
            let base = base();
            fuzz(&co, &picks, |co: CoOwnership| {
                for a in &base {
                    let _ = co.recommend(a.owned, &a.segment, 3, 1.0);
                    let _ = co.whitespace(a.owned, &a.segment, 0.2);
                }
                let _ = (co.rule(0, 1), co.rule(2, 0), co.rules(0.0, 0.0), co.segment_share("ent", 2));
                let _ = (co.products(), co.accounts(), co.owners(), co.pairs(), co.segments());
            });
            for s in [scorer(rules_propensity()), scorer(Propensity::Model(LogisticModel::new(0.1, vec![]).unwrap()))] {
                fuzz(&s, &picks, |s: ExpansionScorer| {
                    for a in &base {
                        let _ = s.score(a);
                    }
                });
            }
            fuzz(&base[0], &picks, |a: Account| {
                let _ = scorer(rules_propensity()).score(&a);
                let _ = co.recommend(a.owned, &a.segment, 3, 1.0);
            });
            let names: Vec<String> = (0..6).map(|i| format!("a{i}")).collect();
            let campaign = Campaign::assign("c", "o", &names, 0.3, 1).unwrap();
            fuzz(&campaign, &picks, |c: Campaign| {
                let _ = c.results(&[("a1".into(), usd(Decimal::from(10)))], Currency::USD);
            });
            let playbook = vec![Playbook { name: "p".into(), when: vec![Condition::new("s", Comparison::AtLeast, 0.9)], action: Action { owner: "AM".into(), channel: "call".into(), offer: "o".into(), due_in_days: 7 } }];
            fuzz(&playbook, &picks, |p: Vec<Playbook>| {
                let _ = run_playbooks(&p, "a", &[("s".into(), 0.95)], d(2026, 1, 1));
            });
            shown(&scorer(rules_propensity()).score(&base[0]).unwrap(), &picks);
            shown(&plan_nrr(usd(Decimal::from(100)), Percent::HUNDRED, usd(Decimal::ONE), usd(Decimal::ONE), Percent::HUNDRED).unwrap(), &picks);
        }

        #[test]
        fn sales_json_is_refused_or_safe_to_pay_with(picks in picks()) {
            let q1 = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
            let deals = vec![credited("a", usd(Decimal::from(150_000)), vec![("ann".into(), Percent::HUNDRED)])];
            fuzz(&plan(), &picks, |p: CommissionPlan| {
                let _ = p.statement("ann", q1, usd(Decimal::from(100_000)), &deals, &[]);
            });
            fuzz(&deals, &picks, |deals: Vec<CreditedDeal>| {
                let _ = plan().statement("ann", q1, usd(Decimal::from(100_000)), &deals, &[]);
                for d in &deals {
                    let _ = d.credit();
                }
            });
            let claw = vec![ClawbackEvent { deal: "z".into(), rep: "ann".into(), closed: d(2025, 12, 1), churned: d(2026, 1, 10), paid: usd(Decimal::from(4_000)) }];
            fuzz(&claw, &picks, |c: Vec<ClawbackEvent>| {
                let _ = plan().statement("ann", q1, usd(Decimal::from(100_000)), &deals, &c);
            });
            let quotas = vec![Quota { rep: "ann".into(), team: "east".into(), period: q1, amount: usd(Decimal::from(100_000)) }];
            let bookings = vec![Booking { rep: "ann".into(), date: d(2026, 1, 9), amount: usd(Decimal::from(80_000)) }];
            fuzz(&quotas, &picks, |q: Vec<Quota>| {
                let _ = attainment(&q, &bookings);
            });
            fuzz(&bookings, &picks, |b: Vec<Booking>| {
                let _ = attainment(&quotas, &b);
            });
            let ramp = RampSchedule { shares: vec![Percent::from_fraction(Decimal::new(25, 2))] };
            fuzz(&ramp, &picks, |r: RampSchedule| {
                let _ = (r.ramped(usd(Decimal::from(1_000)), 0), r.ramped(usd(Decimal::MAX), 5));
            });
            let accounts = vec![TerritoryAccount { id: "a".into(), potential: 1.0, workload: 2.0, fixed_rep: Some("r1".into()) }, TerritoryAccount { id: "b".into(), potential: 3.0, workload: 1.0, fixed_rep: None }];
            fuzz(&accounts, &picks, |a: Vec<TerritoryAccount>| {
                let _ = balance_territories(&a, &["r1".to_string(), "r2".to_string()], 0.5);
            });
            shown(&plan().statement("ann", q1, usd(Decimal::from(100_000)), &deals, &claw).unwrap(), &picks);
            shown(&attainment(&quotas, &bookings).unwrap(), &picks);
            shown(&balance_territories(&accounts, &["r1".to_string()], 0.5).unwrap(), &picks);
        }

        #[test]
        fn arr_metric_json_is_refused_or_safe_to_measure_with(picks in picks()) {
            let book = small_book();
            fuzz(&book.bridge(month(0), month(3)).unwrap(), &picks, |b: ArrBridge| {
                let _ = (b.churn_rates(), b.quick_ratio(QuickRatioPolicy::WithReactivation), b.growth_rate(), b.net_new(), b.ties());
            });
            let milestone = Milestone { target: usd(Decimal::from(2_000)), by: Some(d(2027, 1, 1)) };
            fuzz(&milestone, &picks, |m: Milestone| {
                let _ = m.progress(&book, month(3), 2);
                let _ = book.growth_signals(month(3), SignalThresholds { min_growth: Decimal::ONE, window: 1 }, Some(&m));
            });
            fuzz(&SignalThresholds { min_growth: Decimal::ONE, window: 1 }, &picks, |t: SignalThresholds| {
                let _ = book.growth_signals(month(3), t, Some(&milestone));
            });
            shown(&book.velocity(month(3), 2).unwrap(), &picks);
            shown(&book.cohorts().unwrap(), &picks);
            shown(&book.retention(month(3), 2).unwrap(), &picks);
            shown(&milestone.progress(&book, month(3), 2).unwrap(), &picks);
            shown(&book.bridge(month(0), month(3)).unwrap().churn_rates().ok(), &picks);
        }
    }

    #[test]
    fn engine_json_with_a_key_it_does_not_know_anywhere_is_refused() {
        use super::super::json::refuses_unknown_keys as strict;
        let y = series(40, 1.0);
        for m in ets_models() {
            strict(m, "EtsModel");
            strict(&m.spec(), "EtsSpec");
        }
        for m in arima_models() {
            strict(m, "ArimaModel");
            strict(&m.spec(), "ArimaSpec");
        }
        strict(&AutoArima::new(4).with_search(ArimaSearch::ApproximateLong), "AutoArima");
        strict(&ets_models()[0].forecast(6, 0.8, 1).unwrap(), "EtsForecast");
        strict(&accuracy(&y[..5], &y[1..6], &y, 1).unwrap(), "Accuracy");
        let m = |mo| Month::new(2026, mo).unwrap();
        strict(
            &vec![ForecastRecord { made_in: m(1), target: m(3), forecast: 110.0, actual: Some(100.0) }],
            "ForecastRecord",
        );
        let deals = vec![pipeline_deal(
            "a",
            usd(Decimal::from(100)),
            Percent::from_fraction(Decimal::new(5, 1)),
            ForecastCategory::Commit,
        )];
        strict(&deals, "PipelineDeal");
        let q = Period::new(d(2026, 10, 1), d(2027, 1, 1)).unwrap();
        strict(&pipeline_forecast(&deals, q, Currency::USD).unwrap(), "PipelineForecast");
        strict(&monte_carlo_close(&deals, q, q.start(), 5.0, usd(Decimal::ONE), 10, 1).unwrap(), "MonteCarloClose");
        let history: Vec<Money> = (0..30).map(|t| usd(Decimal::from(1_000 + 10 * t))).collect();
        strict(&milestone_eta(&history, m(10), usd(Decimal::from(1_400)), 24, 50, 1).unwrap(), "MilestoneEta");
        // retention and stats
        strict(&BgNbd::new(0.5, 3.0, 2.0, 4.0).unwrap(), "BgNbd");
        strict(&GammaGamma::new(6.25, 3.74, 15.44).unwrap(), "GammaGamma");
        strict(&ShiftedBetaGeometric::new(0.704, 1.182).unwrap(), "ShiftedBetaGeometric");
        let subjects = vec![
            Subject { time: 1.0, event: true },
            Subject { time: 2.0, event: false },
            Subject { time: 3.0, event: true },
        ];
        strict(&subjects, "Subject");
        strict(&KaplanMeier::fit(&subjects, 0.95).unwrap(), "KaplanMeier");
        strict(&log_rank(&subjects, &subjects).ok(), "LogRank");
        strict(churn_model(), "ChurnRiskModel");
        strict(&churn_model().assess(&[1.0, 2.0]).unwrap(), "ChurnRisk");
        strict(
            &ChurnRiskSpec { features: vec!["a".into()], logistic: LogisticSpec::default(), holdout_every: 5 },
            "ChurnRiskSpec",
        );
        strict(
            &ChurnRule {
                name: "r".into(),
                when: Condition::new("usage", Comparison::Below, 3.0),
                playbook: "p".into(),
            },
            "ChurnRule",
        );
        strict(&PlattCalibrator::new(2.0, -1.0).unwrap(), "PlattCalibrator");
        strict(&IsotonicCalibrator::new(vec![0.0, 1.0], vec![0.1, 0.9]).unwrap(), "IsotonicCalibrator");
        strict(&LogisticModel::new(-1.0, vec![0.5, 2.0]).unwrap(), "LogisticModel");
        strict(&LogisticSpec::default(), "LogisticSpec");
        strict(&reliability_bins(&[0.1, 0.9], &[false, true], 4).unwrap(), "ReliabilityBins");
        // acquisition, expansion, sales
        for model in win_models() {
            strict(model, "WinModel");
        }
        strict(&win_spec(), "WinModelSpec");
        strict(&win_models()[0].explain(&[1.0, 2.0]).unwrap(), "WinExplanation");
        let pct = |x| Percent::from_fraction(Decimal::new(x, 2));
        strict(&vec![opportunity("1", Stage::ClosedWon, usd(Decimal::from(100)), pct(10), pct(100))], "Opportunity");
        let icp = IdealCustomerProfile {
            criteria: vec![WeightedCriterion {
                name: "r".into(),
                criterion: Criterion::Revenue { min: usd(Decimal::ONE), max: usd(Decimal::MAX) },
                weight: 1.0,
            }],
        };
        strict(&icp, "IdealCustomerProfile");
        let intent = IntentModel {
            weights: vec![SignalWeight { kind: SignalKind::DemoRequest, points: 10.0, half_life_days: 14.0 }],
            saturation: 10.0,
        };
        strict(&intent, "IntentModel");
        strict(&co_ownership(), "CoOwnership");
        strict(&scorer(rules_propensity()), "ExpansionScorer");
        strict(&scorer(rules_propensity()).score(&base()[0]).unwrap(), "ExpansionScore");
        strict(&base()[0], "Account");
        strict(&plan(), "CommissionPlan");
        strict(
            &vec![credited("a", usd(Decimal::from(150_000)), vec![("ann".into(), Percent::HUNDRED)])],
            "CreditedDeal",
        );
        // arr metrics
        let book = small_book();
        strict(&book, "ArrBook");
        strict(&book.bridge(month(0), month(3)).unwrap(), "ArrBridge");
        strict(&book.velocity(month(3), 2).unwrap(), "Velocity");
        strict(&book.cohorts().unwrap(), "Cohorts");
        strict(&book.retention(month(3), 2).unwrap(), "Retention");
        let milestone = Milestone { target: usd(Decimal::from(2_000)), by: Some(d(2027, 1, 1)) };
        strict(&milestone, "Milestone");
        strict(&milestone.progress(&book, month(3), 2).unwrap(), "MilestoneProgress");
        strict(&SignalThresholds { min_growth: Decimal::ONE, window: 1 }, "SignalThresholds");
    }
}
