//! No panics in the forecasting methods beside ETS and ARIMA (Theta, the baselines, the
//! intermittent-demand methods, the ensemble, rolling-origin cross-validation, simulations):
//! extreme series, horizons, levels, season lengths and counts, and adversarial JSON for every
//! `Deserialize` type among them. An error is always fine; a panic fails the test.

use std::sync::OnceLock;

use super::*;

use revops::forecast::{
    cross_validate, AutoEts, Baseline, BaselineModel, Combination, Ensemble, EnsembleModel, Forecaster, Intermittent,
    IntermittentModel, Member, Method, Prediction, RollingOrigin, Simulation, Theta, ThetaKind, ThetaModel,
};
use revops::limits::{MAX_COUNT, MAX_HORIZON, MAX_SEASON};

/// `n` cases, or `PROPTEST_CASES` when it is set.
fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(n)
}

/// Counts a caller may pass: ordinary ones, and ones past every limit.
fn count() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        Just(1),
        Just(2),
        Just(4),
        Just(12),
        Just(usize::MAX),
        Just(MAX_SEASON + 1),
        Just(MAX_HORIZON + 1),
        Just(MAX_COUNT + 1),
    ]
}

/// A trending seasonal series, positive, of `len` points.
fn series(len: usize) -> Vec<f64> {
    (0..len).map(|t| 100.0 + 2.0 * t as f64 + 8.0 * ((t % 4) as f64 * 1.3).sin()).collect()
}

/// Demand in some periods only.
fn demand(len: usize) -> Vec<f64> {
    (0..len).map(|t| if t % 3 == 0 { (t % 7) as f64 + 1.0 } else { 0.0 }).collect()
}

/// Every member kind, with quick ones standing in for the searches where speed matters.
fn quick_members() -> Vec<Member> {
    vec![
        Member::Theta(ThetaKind::Standard),
        Member::Theta(ThetaKind::Optimised),
        Member::Baseline(Baseline::Naive),
        Member::Baseline(Baseline::Drift),
        Member::Intermittent(Intermittent::Sba),
    ]
}

struct Fitted {
    theta: Vec<ThetaModel>,
    baseline: Vec<BaselineModel>,
    intermittent: Vec<IntermittentModel>,
    ensemble: Vec<EnsembleModel>,
}

fn fitted() -> &'static Fitted {
    static FITTED: OnceLock<Fitted> = OnceLock::new();
    FITTED.get_or_init(|| {
        let y = series(32);
        let theta = [(ThetaKind::Standard, 4), (ThetaKind::Optimised, 4), (ThetaKind::Standard, 1)]
            .iter()
            .map(|&(kind, period)| Theta { kind, period }.fit(&y).unwrap())
            .collect();
        let baseline = [Baseline::Naive, Baseline::SeasonalNaive { period: 4 }, Baseline::Drift]
            .iter()
            .map(|b| b.fit(&y).unwrap())
            .collect();
        let tsb = Intermittent::Tsb { alpha_demand: 0.2, alpha_probability: 0.1 };
        let intermittent =
            [Intermittent::Croston, Intermittent::Sba, tsb].iter().map(|i| i.fit(&demand(24)).unwrap()).collect();
        let ensemble = vec![
            Ensemble::new(4).fit(&y).unwrap(),
            Ensemble {
                period: 4,
                members: quick_members(),
                combination: Combination::CrossValidated { windows: 2, h: 2 },
            }
            .fit(&y)
            .unwrap(),
        ];
        Fitted { theta, baseline, intermittent, ensemble }
    })
}

#[path = "../common/usable.rs"]
mod usable;

/// A prediction, when there is one, is usable: every figure finite, each lower bound at or
/// below its upper bound. (Too large to forecast is an error, not ±∞ or NaN.)
pub(crate) fn sound(p: Result<Prediction, revops::forecast::ForecastError>) {
    if let Ok(p) = p {
        usable::assert_usable(&p, "prediction");
    }
}

/// Every prediction a fitted model offers, at `h` steps and `levels`.
fn predict_all(f: &dyn Forecaster, h: usize, levels: &[f64], seed: u64) {
    let _ = f.name();
    sound(f.predict_with(h, levels, seed));
    sound(f.predict_with(3, levels, seed));
    sound(f.predict_with(h, &[0.8, 0.95], seed));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn theta_baselines_and_intermittent_methods_survive_extreme_series_and_requests(
        xs in prop::collection::vec(wild_f64(), 0..24),
        a in wild_f64(),
        b in wild_f64(),
        level in wild_f64(),
        h in count(),
        period in count(),
        seed in any::<u64>(),
    ) {
        let levels = [level, 0.8, level];
        for kind in [ThetaKind::Standard, ThetaKind::Optimised] {
            let _ = Theta { kind, period }.fit(&xs);
            let _ = Theta { kind, period }.fit(&series(24));
        }
        for base in [Baseline::Naive, Baseline::Drift, Baseline::SeasonalNaive { period }] {
            let _ = base.fit(&xs);
            let _ = base.fit(&series(24)).map(|m| m.predict(h, &levels).map(|_| ()));
        }
        for method in [Intermittent::Croston, Intermittent::Sba, Intermittent::Tsb { alpha_demand: a, alpha_probability: b }] {
            let _ = method.fit(&xs);
            let _ = method.fit(&demand(12)).map(|m| m.predict(h, &levels).map(|_| ()));
        }
        let f = fitted();
        for m in &f.theta {
            let _ = (m.alpha(), m.theta(), m.sigma2(), m.adjustment(), m.predict(h, &levels).map(|_| ()));
            predict_all(m, h, &levels, seed);
        }
        for m in &f.baseline {
            let _ = (m.method(), m.sigma2(), m.predict(h, &levels).map(|_| ()));
            predict_all(m, h, &levels, seed);
        }
        for m in &f.intermittent {
            let _ = (m.level(), m.sigma2(), m.predict(h, &levels).map(|_| ()));
            predict_all(m, h, &levels, seed);
        }
    }

    #[test]
    fn ensembles_and_cross_validation_survive_extreme_series_counts_and_levels(
        xs in prop::collection::vec(wild_f64(), 0..24),
        level in wild_f64(),
        h in count(),
        windows in count(),
        step in count(),
        period in count(),
        margin in wild_f64(),
        seed in any::<u64>(),
    ) {
        let y = series(20);
        let members = quick_members();
        for combination in [Combination::Median, Combination::CrossValidated { windows, h }, Combination::CrossValidated { windows: 2, h: 1 }] {
            let e = Ensemble { period, members: members.clone(), combination };
            let _ = e.fit(&xs);
            let _ = e.fit(&y);
            let _ = Ensemble { period: 4, members: vec![], combination }.fit(&y);
        }
        for m in &fitted().ensemble {
            let _ = (m.members(), m.weights(), m.ets(), m.forecast(h, level, seed));
            sound(m.predict(h, &[level, 0.9], seed));
            predict_all(m, h, &[level], seed);
        }
        let cv = RollingOrigin { h, windows, step, period, level, seed };
        let methods: Vec<&dyn Method> = vec![&Baseline::Naive, &Theta { kind: ThetaKind::Standard, period: 1 }, &Intermittent::Croston];
        let _ = cross_validate(&xs, &methods, &cv);
        let _ = cross_validate(&y, &methods, &cv);
        let modest = RollingOrigin { h: 2, windows: 3, step: 1, period: 4, level, seed };
        let _ = cross_validate(&y, &methods, &modest);
        let _ = cross_validate(&y, &[], &modest);
        let _ = AutoEts::new(period).pruned(margin).fit(&xs[..xs.len().min(8)]);
    }

    #[test]
    fn simulations_survive_extreme_horizons_counts_and_quantiles(h in count(), paths in count(), p in wild_f64(), seed in any::<u64>()) {
        for m in ets_like() {
            if let Ok(sim) = m.simulation(h.min(24), paths.min(50), seed) {
                let _ = (sim.paths(), sim.horizon(), sim.mean(), sim.variance(), sim.quantile(p), sim.quantile(0.5));
            }
            let _ = m.simulation(h, paths, seed);
        }
    }
}

fn ets_like() -> &'static [revops::forecast::EtsModel] {
    static MODELS: OnceLock<Vec<revops::forecast::EtsModel>> = OnceLock::new();
    MODELS.get_or_init(|| vec![revops::forecast::auto_ets(&series(24), 4).unwrap()])
}

// ---------------------------------------------------------------------------------------------
// Adversarial JSON: a valid value with parts swapped for extremes, then used.

#[cfg(feature = "serde")]
mod json {
    use super::*;

    use super::super::json::{mutated as fuzz, ops as picks, shown};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases(96)))]

        #[test]
        fn method_json_is_refused_or_safe_to_forecast_with(picks in picks()) {
            let y = series(20);
            let f = fitted();
            for m in &f.theta {
                fuzz(m, &picks, |m: ThetaModel| {
                    let _ = (m.alpha(), m.theta(), m.sigma2(), m.adjustment());
                    sound(m.predict(12, &[0.8, 0.95]));
                });
            }
            for m in &f.baseline {
                fuzz(m, &picks, |m: BaselineModel| {
                    let _ = (m.method(), m.sigma2());
                    sound(m.predict(12, &[0.8, 0.95]));
                });
            }
            for m in &f.intermittent {
                fuzz(m, &picks, |m: IntermittentModel| {
                    let _ = (m.level(), m.sigma2());
                    sound(m.predict(12, &[0.8, 0.95]));
                });
            }
            for m in &f.ensemble {
                fuzz(m, &picks, |m: EnsembleModel| {
                    let _ = (m.members(), m.weights(), m.ets(), m.forecast(6, 0.9, 1));
                    sound(m.predict(12, &[0.8, 0.95], 1));
                });
            }
            fuzz(&Theta { kind: ThetaKind::Optimised, period: 4 }, &picks, |t: Theta| {
                let _ = t.fit(&y);
            });
            fuzz(&Baseline::SeasonalNaive { period: 4 }, &picks, |b: Baseline| {
                let _ = b.fit(&y);
            });
            fuzz(&Intermittent::Tsb { alpha_demand: 0.2, alpha_probability: 0.1 }, &picks, |i: Intermittent| {
                let _ = i.fit(&demand(12));
            });
            let quick = Ensemble { period: 4, members: quick_members(), combination: Combination::CrossValidated { windows: 2, h: 2 } };
            fuzz(&quick, &picks, |e: Ensemble| {
                // (a member list is fitted in full: keep it to the quick members' cost)
                if e.members.len() <= 6 && e.members.iter().all(|m| !matches!(m, Member::AutoEts | Member::AutoArima)) {
                    let _ = e.fit(&y);
                }
            });
            let cv = RollingOrigin { h: 2, windows: 3, step: 1, period: 4, level: 0.95, seed: 1 };
            fuzz(&cv, &picks, |cv: RollingOrigin| {
                let _ = cross_validate(&y, &[&Baseline::Naive as &dyn Method], &cv);
            });
            let sim = ets_like()[0].simulation(4, 5, 1).unwrap();
            fuzz(&sim, &picks, |s: Simulation| {
                let _ = (s.paths(), s.horizon(), s.mean(), s.variance(), s.quantile(0.1), s.quantile(0.9));
            });
            shown(&f.theta[0].predict(4, &[0.8]).unwrap(), &picks);
        }
    }

    #[test]
    fn method_json_with_a_key_it_does_not_know_anywhere_is_refused() {
        use super::super::json::refuses_unknown_keys as strict;
        let f = fitted();
        f.theta.iter().for_each(|m| strict(m, "ThetaModel"));
        f.baseline.iter().for_each(|m| strict(m, "BaselineModel"));
        f.intermittent.iter().for_each(|m| strict(m, "IntermittentModel"));
        f.ensemble.iter().for_each(|m| strict(m, "EnsembleModel"));
        strict(&Theta { kind: ThetaKind::Optimised, period: 4 }, "Theta");
        strict(&Baseline::SeasonalNaive { period: 4 }, "Baseline");
        strict(&Intermittent::Tsb { alpha_demand: 0.2, alpha_probability: 0.1 }, "Intermittent");
        let quick = Ensemble {
            period: 4,
            members: quick_members(),
            combination: Combination::CrossValidated { windows: 2, h: 2 },
        };
        strict(&quick, "Ensemble");
        let cv = RollingOrigin { h: 2, windows: 3, step: 1, period: 4, level: 0.95, seed: 1 };
        strict(&cv, "RollingOrigin");
        strict(&ets_like()[0].simulation(4, 5, 1).unwrap(), "Simulation");
        strict(&f.theta[0].predict(4, &[0.8, 0.95]).unwrap(), "Prediction");
    }

    #[test]
    fn a_simulation_read_from_json_with_paths_of_unequal_length_is_refused() {
        let ragged = r#"{"paths":[[1.0,2.0],[1.0]]}"#;
        assert!(serde_json::from_str::<Simulation>(ragged).is_err());
        let none = r#"{"paths":[]}"#;
        assert!(serde_json::from_str::<Simulation>(none).is_err());
        let empty = r#"{"paths":[[],[]]}"#;
        assert!(serde_json::from_str::<Simulation>(empty).is_err());
        let good = r#"{"paths":[[1.0,2.0],[3.0,4.0]]}"#;
        let sim = serde_json::from_str::<Simulation>(good).unwrap();
        assert_eq!(sim.mean(), [2.0, 3.0]);
    }

    #[test]
    fn a_theta_model_read_from_json_with_the_longest_history_forecasts_without_overflow() {
        let mut json = serde_json::to_value(&fitted().theta[0]).unwrap();
        json["n"] = serde_json::json!(usize::MAX);
        if let Ok(m) = serde_json::from_value::<ThetaModel>(json) {
            let p = m.predict(3, &[0.8]).unwrap();
            assert!(p.mean.iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn an_ensemble_read_from_json_whose_weights_overflow_their_sum_is_refused_or_forecasts_finitely() {
        let mut json = serde_json::to_value(&fitted().ensemble[1]).unwrap();
        let members = json["weights"].as_array().unwrap().len();
        json["weights"] = serde_json::json!(vec![f64::MAX; members]);
        if let Ok(m) = serde_json::from_value::<EnsembleModel>(json) {
            let p = m.predict(3, &[0.8], 1).unwrap();
            assert!(p.mean.iter().chain(&p.intervals[0].lower).chain(&p.intervals[0].upper).all(|v| v.is_finite()));
        }
    }

    #[test]
    fn a_theta_model_read_from_json_with_a_multiplicative_seasonal_index_at_or_below_zero_is_refused() {
        let m = &fitted().theta[0];
        assert_eq!(m.adjustment(), revops::forecast::Adjustment::Multiplicative);
        for index in [-1.5, 0.0] {
            let mut json = serde_json::to_value(m).unwrap();
            json["season"][0] = serde_json::json!(index);
            assert!(serde_json::from_value::<ThetaModel>(json).is_err(), "index {index} accepted");
        }
        let json = serde_json::to_value(m).unwrap();
        assert_eq!(&serde_json::from_value::<ThetaModel>(json).unwrap(), m);
    }

    #[test]
    fn a_model_read_from_json_whose_forecast_overflows_gives_an_error_not_infinities() {
        let ets = &ets_like()[0];
        let mut json = serde_json::to_value(ets).unwrap();
        json["level"] = serde_json::json!(f64::MAX);
        json["trend"] = serde_json::json!(f64::MAX);
        if let Ok(m) = serde_json::from_value::<revops::forecast::EtsModel>(json) {
            sound(m.predict(12, &[0.8]));
            sound(m.predict_simulated(12, &[0.8], 20, 1));
        }
        let mut json = serde_json::to_value(&fitted().baseline[2]).unwrap();
        json["slope"] = serde_json::json!(f64::MAX);
        if let Ok(m) = serde_json::from_value::<BaselineModel>(json) {
            sound(m.predict(12, &[0.8]));
        }
        let mut json = serde_json::to_value(&fitted().theta[2]).unwrap();
        json["slope"] = serde_json::json!(f64::MAX);
        if let Ok(m) = serde_json::from_value::<ThetaModel>(json) {
            sound(m.predict(12, &[0.8]));
        }
        let mut json = serde_json::to_value(&fitted().intermittent[0]).unwrap();
        json["sigma2"] = serde_json::json!(f64::MAX);
        if let Ok(m) = serde_json::from_value::<IntermittentModel>(json) {
            sound(m.predict(12, &[0.8]));
        }
    }

    /// Before: `point_forecast` and `simulate` of an ETS model whose trend JSON set to 1e307
    /// returned ∞ (`predict` of the same model was already `Overflow`).
    #[test]
    fn an_ets_model_from_json_whose_points_overflow_gives_an_error_from_every_forecast() {
        let spec = revops::forecast::EtsSpec {
            error: revops::forecast::ErrorType::Additive,
            trend: revops::forecast::TrendType::Additive,
            season: revops::forecast::SeasonType::None,
            period: 1,
        };
        let mut json = serde_json::to_value(spec.fit(&series(24)).unwrap()).unwrap();
        json["trend"] = serde_json::json!(1e307);
        let m: revops::forecast::EtsModel = serde_json::from_value(json).unwrap(); // every part finite
        let overflow = |e| matches!(e, revops::forecast::ForecastError::Overflow(_));
        assert!(m.point_forecast(100).is_err_and(overflow));
        assert!(m.simulate(100, 2, 1).is_err_and(overflow));
        assert!(m.simulation(100, 2, 1).is_err_and(overflow));
        assert!(m.predict(100, &[]).is_err_and(overflow));
    }

    /// Before: the summaries of finite paths overflowed: the 0 quantile of −MAX and MAX was NaN,
    /// the median ∞, the mean of two MAXes ∞ and the variance ∞.
    #[test]
    fn the_summaries_of_a_simulation_of_extreme_values_are_exact_or_an_error() {
        let both: Simulation =
            serde_json::from_str(r#"{"paths":[[-1.7976931348623157e308],[1.7976931348623157e308]]}"#).unwrap();
        assert_eq!(both.quantile(0.0).unwrap(), [-f64::MAX]);
        assert_eq!(both.quantile(0.5).unwrap(), [0.0]);
        assert_eq!(both.quantile(1.0).unwrap(), [f64::MAX]);
        let q = both.quantile(0.75).unwrap()[0];
        assert!((q - f64::MAX / 2.0).abs() <= f64::MAX * 1e-15, "{q}");
        assert_eq!(both.mean(), [0.0]);
        assert!(matches!(both.variance(), Err(revops::forecast::ForecastError::Overflow(_))));
        let high: Simulation =
            serde_json::from_str(r#"{"paths":[[1.7976931348623157e308],[1.7976931348623157e308]]}"#).unwrap();
        assert_eq!(high.mean(), [f64::MAX]);
        assert_eq!(high.variance().unwrap(), [0.0]);
        assert_eq!(high.quantile(0.3).unwrap(), [f64::MAX]);
    }

    /// Before: JSON's state covariance was checked on its diagonal only, so one that is no
    /// covariance (`[[0, −10⁶], [−10⁶, 0]]`) gave a zero-width first interval and later ones a
    /// thousand times too wide.
    #[test]
    fn an_arima_model_from_json_whose_state_covariance_is_not_one_is_refused() {
        let y: Vec<f64> = (0..60).map(|t| 100.0 + 2.0 * t as f64 + 3.0 * (t as f64 * 1.7).cos()).collect();
        let fitted = revops::forecast::ArimaSpec::new(2, 1, 1).fit(&y).unwrap();
        let json = serde_json::to_value(&fitted).unwrap();
        let r = (json["state_cov"].as_array().unwrap().len() as f64).sqrt() as usize;
        assert!(r >= 2, "a state of {r}");
        let mut not_one = vec![0.0; r * r];
        not_one[1] = -1e6;
        not_one[r] = -1e6;
        let asymmetric = {
            let mut c = vec![0.0; r * r];
            c[0] = 1.0;
            c[r + 1] = 1.0;
            c[1] = 0.5;
            c
        };
        for bad in [not_one, asymmetric] {
            let mut json = json.clone();
            json["state_cov"] = serde_json::json!(bad);
            assert!(serde_json::from_value::<revops::forecast::ArimaModel>(json).is_err(), "{bad:?} accepted");
        }
        let back: revops::forecast::ArimaModel = serde_json::from_value(json).unwrap();
        assert_eq!(back.predict(3, &[0.8]).unwrap(), fitted.predict(3, &[0.8]).unwrap());
    }

    #[test]
    fn an_intermittent_model_read_from_json_with_tsb_smoothing_outside_zero_to_one_is_refused() {
        let tsb = &fitted().intermittent[2];
        for alpha in [5.0, -1.0, 0.0] {
            for field in ["alpha_demand", "alpha_probability"] {
                let mut json = serde_json::to_value(tsb).unwrap();
                json["method"]["Tsb"][field] = serde_json::json!(alpha);
                assert!(serde_json::from_value::<IntermittentModel>(json).is_err(), "{field} {alpha} accepted");
            }
        }
        let json = serde_json::to_value(tsb).unwrap();
        assert_eq!(&serde_json::from_value::<IntermittentModel>(json).unwrap(), tsb);
    }
}
