//! No panics in the coordinator: the snapshot under extreme targets and margins, alerts over NaN
//! and infinite metrics (and their sentences), integration health at the edges of time, axis
//! ticks over extreme ranges, renderings of adversarial snapshots.

use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use revops::arr::ArrBook;
use revops::coordinator::demo::DemoCompany;
use revops::coordinator::*;
use revops::rules::{Comparison, Condition};
use revops::{Currency, Money};

use super::{extreme_decimal, wild_f64};

/// The demo company and its book, built once: a snapshot takes a while in a debug build.
fn company() -> &'static (DemoCompany, ArrBook) {
    static DEMO: OnceLock<(DemoCompany, ArrBook)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let company = DemoCompany::generate(7).expect("the demo company builds");
        let book = company.arr_book().expect("the demo book builds");
        (company, book)
    })
}

fn comparison(pick: u8) -> Comparison {
    [Comparison::Above, Comparison::AtLeast, Comparison::Below, Comparison::AtMost][usize::from(pick % 4)]
}

fn any_time() -> impl Strategy<Value = NaiveDateTime> {
    prop_oneof![
        Just(NaiveDateTime::MIN),
        Just(NaiveDateTime::MAX),
        (-1_000_000i64..1_000_000).prop_map(|m| NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            + chrono::Duration::minutes(m)),
    ]
}

proptest! {
    #![proptest_config(super::cases(8))]

    #[test]
    fn the_snapshot_survives_extreme_targets_and_margins(target in extreme_decimal(), quarter in extreme_decimal(), margin in extreme_decimal(), fcf in extreme_decimal(), cac in extreme_decimal(), threshold in wild_f64(), pick in any::<u8>(), seed in any::<u64>()) {
        let (company, book) = company();
        let mut cfg = company.config();
        cfg.milestone.target = Money::new(target, Currency::USD);
        cfg.quarter_target = Money::new(quarter, Currency::USD);
        cfg.gross_margin = margin;
        cfg.fcf_margin = fcf;
        cfg.cac = Money::new(cac, Currency::USD);
        cfg.seed = seed;
        cfg.alert_rules.push(AlertRule { name: "wild".into(), when: Condition::new("nrr", comparison(pick), threshold), severity: Severity::Info, cooldown_days: i64::from(pick) - 128 });
        let mut state = AlertState::default();
        if let Ok(s) = ExecutiveSnapshot::build(company.as_of, company.sources(book), &cfg, &mut state) {
            let _ = (s.to_terminal(), s.to_markdown(), s.to_svg(), s.quarter_period());
        }
    }

    #[test]
    fn alerts_survive_any_metric_value(values in prop::collection::vec(wild_f64(), 1..6), thresholds in prop::collection::vec((wild_f64(), any::<u8>(), any::<i64>()), 1..6), day in -100_000i64..100_000) {
        let metrics: Vec<(String, f64)> = values.iter().enumerate().map(|(i, v)| (format!("m{i}"), *v)).collect();
        let rules: Vec<AlertRule> = thresholds.iter().enumerate().map(|(i, (t, pick, cool))| AlertRule {
            name: format!("r{i}"),
            when: Condition::new(format!("m{}", usize::from(*pick) % (values.len() + 1)), comparison(*pick), *t),
            severity: Severity::Warning,
            cooldown_days: *cool,
        }).collect();
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(day);
        let mut state = AlertState::default();
        let before = state.clone();
        match evaluate_alerts(&rules, &metrics, as_of, &mut state) {
            Ok(fired) => {
                for a in fired.iter().chain(&evaluate_alerts(&rules, &metrics, NaiveDate::MAX, &mut state).unwrap_or_default()) {
                    let _ = a.sentence(Currency::USD);
                }
                // and back in time
                let _ = evaluate_alerts(&rules, &metrics, NaiveDate::MIN, &mut state);
            }
            Err(_) => prop_assert_eq!(state, before),
        }
    }

    /// Any reading of any metric the snapshot names, against any threshold, reads as a sentence.
    #[test]
    fn every_alert_reads_as_a_sentence(value in wild_f64(), previous in prop::option::of(wild_f64()), threshold in wild_f64(), pick in any::<u8>(), months in any::<u32>()) {
        const METRICS: [&str; 16] = ["arr", "growth_yoy", "milestone_on_track", "pipeline_coverage", "p_quarter_target", "on_time_rate", "fortune500_gap", "integrations_down", "integrations_degraded", "nrr", "grr", "quick_ratio", "dso", "ltv_to_cac", "rule_of_40", "anything else"];
        let alert = Alert {
            rule: "r".into(),
            severity: Severity::Warning,
            when: Condition::new(METRICS[usize::from(pick) % METRICS.len()], comparison(pick / 16), threshold),
            value,
            previous,
            months,
        };
        prop_assert!(alert.sentence(Currency::JPY).ends_with('.'));
    }

    #[test]
    fn axis_ticks_survive_extreme_ranges(a in extreme_decimal(), b in extreme_decimal(), max in prop_oneof![0usize..12, Just(usize::MAX), any::<usize>()]) {
        let (lo, hi) = (Money::new(a.min(b), Currency::USD), Money::new(a.max(b), Currency::USD));
        if let Ok(ticks) = axis_ticks(lo, hi, max) {
            prop_assert!(ticks.len() >= 2 && ticks.len() <= max);
            prop_assert!(ticks[0].amount() <= lo.amount() && ticks[ticks.len() - 1].amount() >= hi.amount());
            for t in ticks {
                let _ = axis_label(t);
            }
        }
    }

    #[test]
    fn integration_health_survives_the_edges_of_time(runs in prop::collection::vec((any_time(), any::<bool>(), any::<u64>(), 0u8..3), 0..12), now in any_time(), stale in any::<i64>(), degraded in wild_f64(), down in wild_f64(), window in any::<usize>()) {
        let results: Vec<SyncResult> = runs.iter().map(|(at, ok, records, which)| SyncResult { integration: ["crm", "billing", "fx"][usize::from(*which)].into(), at: *at, ok: *ok, records: *records }).collect();
        let policy = HealthPolicy { stale_after_minutes: stale, degraded_failure_rate: degraded, down_failure_rate: down, window };
        let _ = integration_health(&results, now, &policy);
        let _ = integration_health(&results, now, &HealthPolicy::default());
    }
}

#[cfg(feature = "serde")]
proptest! {
    #![proptest_config(super::cases(16))]

    /// Whatever JSON says, a snapshot or a configuration is refused or safe to render and use.
    #[test]
    fn snapshots_and_configs_from_adversarial_json_are_refused_or_safe(ops in super::json::ops()) {
        let (company, book) = company();
        let cfg = company.config();
        let snapshot = ExecutiveSnapshot::build(company.as_of, company.sources(book), &cfg, &mut AlertState::default()).expect("the demo snapshot builds");
        super::json::mutated(&snapshot, &ops, |s: ExecutiveSnapshot| {
            let _ = (s.to_terminal(), s.to_markdown(), s.to_svg(), s.rows(), s.quarter_period());
            for a in &s.alerts {
                let _ = a.sentence(s.currency);
            }
        });
        super::json::mutated(&cfg, &ops, |c: SnapshotConfig| {
            let _ = ExecutiveSnapshot::build(company.as_of, company.sources(book), &c, &mut AlertState::default());
        });
        super::json::mutated(&AlertState::default(), &ops, |mut st: AlertState| {
            let _ = evaluate_alerts(&cfg.alert_rules, &[("nrr".into(), 1.0)], company.as_of.date(), &mut st);
        });
    }
}

#[cfg(feature = "serde")]
#[test]
fn snapshot_and_config_json_with_a_key_it_does_not_know_anywhere_is_refused() {
    let (company, book) = company();
    let cfg = company.config();
    let snapshot = ExecutiveSnapshot::build(company.as_of, company.sources(book), &cfg, &mut AlertState::default())
        .expect("the demo snapshot builds");
    super::json::refuses_unknown_keys(&snapshot, "ExecutiveSnapshot");
    super::json::refuses_unknown_keys(&cfg, "SnapshotConfig");
    super::json::refuses_unknown_keys(&AlertState::default(), "AlertState");
}
