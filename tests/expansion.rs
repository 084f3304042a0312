//! Behaviour of `expansion` on a small base whose numbers are worked by hand in the comments.

use chrono::NaiveDate;
use revops::expansion::*;
use revops::rules::{Comparison, Condition};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn pct(s: &str) -> revops::money::Percent {
    s.parse().unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

fn account(id: &str, segment: &str, owned: &[usize]) -> Account {
    Account {
        id: id.into(),
        segment: segment.into(),
        arr: usd("100000"),
        owned: ProductSet::of(owned).unwrap(),
        seats_paid: 100,
        seats_used: 50,
        seat_arr: usd("1200"),
        usage: 10.0,
        tier: 0,
        features: vec![],
    }
}

/// Products: 0 Core, 1 Analytics, 2 Security.
/// ent: A {0,1}, B {0,1}, C {0,2}, D {0}; smb: E {1}, F {}.
fn base() -> Vec<Account> {
    vec![
        account("A", "ent", &[0, 1]),
        account("B", "ent", &[0, 1]),
        account("C", "ent", &[0, 2]),
        account("D", "ent", &[0]),
        account("E", "smb", &[1]),
        account("F", "smb", &[]),
    ]
}

#[test]
fn association_rules_by_hand() {
    let co = CoOwnership::learn(&base(), 3).unwrap();
    assert_eq!(co.owners(), [4, 3, 1]);
    // 0 → 1: support 2/6, confidence 2/4, lift 0.5 ÷ (3/6) = 1
    let r = co.rule(0, 1).unwrap();
    assert!(
        (r.support - 2.0 / 6.0).abs() < 1e-12 && (r.confidence - 0.5).abs() < 1e-12 && (r.lift - 1.0).abs() < 1e-12
    );
    // 2 → 0: confidence 1, lift 1 ÷ (4/6) = 1.5; 0 → 2: confidence 1/4, lift 1.5
    assert!((co.rule(2, 0).unwrap().lift - 1.5).abs() < 1e-12);
    assert!((co.rule(0, 2).unwrap().confidence - 0.25).abs() < 1e-12);
    let strong = co.rules(0.1, 0.2);
    assert_eq!((strong[0].antecedent, strong[0].consequent), (0, 2)); // lift 1.5, first by index
    assert!(strong.iter().all(|r| r.support >= 0.1 && r.confidence >= 0.2));
}

#[test]
fn recommendations_with_cold_start_and_whitespace() {
    let co = CoOwnership::learn(&base(), 3).unwrap();
    let d = &base()[3];
    let recs = co.recommend(d.owned, &d.segment, 5, 1.0).unwrap();
    // Analytics: 0 → 1 has lift 1 (not above 1), so segment popularity: 2 of 4 ent accounts.
    // Security: 0 → 2 has lift 1.5: confidence 0.25.
    assert_eq!(recs.len(), 2);
    assert_eq!((recs[0].product, recs[0].score), (1, 0.5));
    assert!(matches!(recs[0].basis, Basis::SegmentPopularity(s) if s == 0.5));
    assert!(matches!(recs[1].basis, Basis::Association(r) if r.antecedent == 0 && r.consequent == 2));
    // F owns nothing: cold start from smb popularity (E owns Analytics: 1 of 2)
    let f = &base()[5];
    let recs = co.recommend(f.owned, &f.segment, 5, 1.0).unwrap();
    assert_eq!(recs.iter().map(|r| (r.product, r.score)).collect::<Vec<_>>(), [(1, 0.5)]);
    assert_eq!(co.whitespace(d.owned, "ent", 0.5), [(1, 0.5)]);
    assert!(CoOwnership::learn(&base(), 200).is_err());
}

fn scorer() -> ExpansionScorer {
    let product = |name: &str, arr: &str| Product { name: name.into(), list_arr: usd(arr) };
    let tier = |name: &str, arr: &str, usage_limit| Tier { name: name.into(), arr: usd(arr), usage_limit };
    ExpansionScorer {
        catalog: Catalog {
            products: vec![product("Core", "100000"), product("Analytics", "50000"), product("Security", "30000")],
            tiers: vec![
                tier("Starter", "50000", 1_000.0),
                tier("Professional", "250000", 10_000.0),
                tier("Enterprise", "1000000", 1e6),
            ],
        },
        affinity: CoOwnership::learn(&base(), 3).unwrap(),
        propensity: Propensity::Rules {
            rules: vec![
                PropensityRule {
                    when: vec![
                        Condition::new("score", Comparison::AtLeast, 0.5),
                        Condition::new("products_owned", Comparison::AtLeast, 1.0),
                    ],
                    probability: 0.4,
                },
                PropensityRule {
                    when: vec![Condition::new("usage_ratio", Comparison::AtLeast, 2.0)],
                    probability: 0.6,
                },
            ],
            default: 0.1,
        },
        seat_threshold: 0.9,
        seat_headroom: 0.2,
        cross_sell_per_account: 3,
        min_lift: 1.0,
    }
}

#[test]
fn opportunities_by_hand() {
    let mut d = base()[3].clone();
    d.seats_used = 95; // 95% of 100 seats
    d.usage = 5_000.0; // 5× the Starter allowance
    let opps = scorer().score(&d).unwrap();
    let got: Vec<(OpportunityKind, String, f64, String)> = opps
        .iter()
        .map(|o| (o.kind, o.potential_arr.amount().to_string(), o.propensity, o.expected_arr.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            // Starter → Professional: 250k − 50k, score 1 and one product owned → rule 1: 0.4
            (OpportunityKind::TierUpgrade { from: 0, to: 1 }, "200000".into(), 0.4, "USD 80,000.00".into()),
            // Analytics by popularity 0.5 → rule 1
            (OpportunityKind::CrossSell { product: 1 }, "50000".into(), 0.4, "USD 20,000.00".into()),
            // Security by association 0.25 → rule 1 fails, usage ratio 5 → rule 2: 0.6
            (OpportunityKind::CrossSell { product: 2 }, "30000".into(), 0.6, "USD 18,000.00".into()),
            // seats: ceil(95 × 1.2) − 100 = 14 × $1,200
            (OpportunityKind::SeatUpsell { seats: 14 }, "16800".into(), 0.4, "USD 6,720.00".into()),
        ]
    );
    assert!(matches!(opps[3].reason, ExpansionReason::SeatsUtilised(u) if (u - 0.95).abs() < 1e-12));
    let mut s = scorer();
    s.propensity = Propensity::Rules {
        rules: vec![PropensityRule { when: vec![Condition::new("nps", Comparison::Above, 0.0)], probability: 0.5 }],
        default: 0.1,
    };
    assert!(matches!(s.score(&d), Err(ExpansionError::UnknownSignal(n)) if n == "nps"));
}

/// The seats a scorer with `headroom` proposes for an account with `paid` seats, `used` in use.
fn seats_proposed(paid: u32, used: u32, headroom: f64) -> Result<Option<u32>, ExpansionError> {
    let mut s = scorer();
    s.seat_headroom = headroom;
    let mut a = base()[3].clone();
    (a.seats_paid, a.seats_used) = (paid, used);
    Ok(s.score(&a)?.iter().find_map(|o| match o.kind {
        OpportunityKind::SeatUpsell { seats } => Some(seats),
        _ => None,
    }))
}

#[test]
fn seat_upsell_targets_exactly_the_headroom_as_written() {
    // (paid, used, headroom, extra seats): the target is ceil(used × (1 + headroom)) with the
    // headroom read as written (10% is exactly a tenth), less the seats paid, at least one
    let table: &[(u32, u32, f64, u32)] = &[
        (50, 50, 0.1, 5),     // 55, not ceil(55.00000000000001) = 56
        (100, 100, 0.1, 10),  // 110
        (200, 200, 0.1, 20),  // 220
        (25, 25, 0.12, 3),    // 28
        (100, 100, 0.12, 12), // 112
        (33, 33, 0.15, 5),    // 37.95 → 38
        (100, 95, 0.2, 14),   // 114 − 100
        (7, 7, 0.5, 4),       // 10.5 → 11
        (3, 3, 1.0, 3),       // 6
        (10, 10, 0.1, 1),     // 11
        (40, 40, 0.0, 1),     // no headroom: still one seat to propose
        (100, 91, 0.05, 1),   // 95.55 → 96, under the 100 paid: one seat
    ];
    for &(paid, used, headroom, extra) in table {
        assert_eq!(seats_proposed(paid, used, headroom).unwrap(), Some(extra), "{used}/{paid} seats, {headroom}");
    }
}

#[test]
fn seat_headroom_that_is_not_a_non_negative_number_is_refused() {
    for headroom in [f64::NAN, f64::INFINITY, -0.1] {
        let r = seats_proposed(100, 95, headroom);
        assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("headroom")), "{headroom}: {r:?}");
    }
    // a headroom too large for any seat count proposes the most seats there are, as before
    assert_eq!(seats_proposed(100, 95, 1e300).unwrap(), Some(u32::MAX - 100));
    assert_eq!(seats_proposed(100, 95, 1e-300).unwrap(), Some(1));
}

#[test]
fn playbooks_fire_in_order_and_record_themselves() {
    let pb = |name: &str, when, offer: &str| Playbook {
        name: name.into(),
        when,
        action: Action { owner: "AM".into(), channel: "email".into(), offer: offer.into(), due_in_days: 3 },
    };
    let books = [
        pb("power user", vec![Condition::new("usage_ratio", Comparison::Above, 1.5)], "upgrade trial"),
        pb(
            "happy",
            vec![
                Condition::new("nps", Comparison::AtLeast, 9.0),
                Condition::new("usage_ratio", Comparison::Above, 1.0),
            ],
            "referral",
        ),
        pb("quiet", vec![Condition::new("usage_ratio", Comparison::Below, 0.2)], "training"),
    ];
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let signals = [("usage_ratio".to_string(), 1.8), ("nps".to_string(), 9.0)];
    let planned = run_playbooks(&books, "acme", &signals, day).unwrap();
    assert_eq!(planned.iter().map(|p| p.playbook.as_str()).collect::<Vec<_>>(), ["power user", "happy"]);
    assert!(run_playbooks(&books, "acme", &signals[..1], day).is_err());
}

#[test]
fn campaign_lift_by_hand_and_deterministic_assignment() {
    let ids: Vec<String> = ["a", "b", "c", "d", "e", "f"].iter().map(|s| s.to_string()).collect();
    let c = Campaign {
        name: "q4".into(),
        offer: "analytics".into(),
        treated: ids[..4].to_vec(),
        holdout: ids[4..].to_vec(),
    };
    let won = [("a".to_string(), usd("10000")), ("b".to_string(), usd("5000")), ("e".to_string(), usd("3000"))];
    let r = c.results(&won, Currency::USD).unwrap();
    // treated 2/4, holdout 1/2: no conversion lift; ARR 15k vs 1.5k per held-out account × 4
    assert_eq!((r.treated_won, r.holdout_won), (2, 1));
    assert_eq!(r.conversion_lift, Some(0.0));
    assert_eq!(r.incremental_arr, Some(usd("9000")));
    let x = Campaign::assign("q4", "analytics", &ids, 0.34, 7).unwrap();
    let y = Campaign::assign("q4", "analytics", &ids, 0.34, 7).unwrap();
    assert_eq!(x, y);
    assert_eq!((x.treated.len(), x.holdout.len()), (4, 2));
}

#[test]
fn campaign_keeps_someone_treated_whatever_the_holdout_share() {
    // (accounts, holdout share, treated, held out): round(n × share) held out, but never all
    let table: &[(usize, f64, usize, usize)] = &[
        (10, 0.2, 8, 2),
        (10, 0.96, 1, 9), // round(9.6) = 10 would leave nobody to get the offer
        (10, 0.999, 1, 9),
        (20, 0.99, 1, 19),
        (2, 0.8, 1, 1),
        (1, 0.6, 1, 0),
        (1, 0.0, 1, 0),
        (0, 0.5, 0, 0),
    ];
    for &(n, share, treated, held_out) in table {
        let accounts: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        let c = Campaign::assign("x", "y", &accounts, share, 1).unwrap();
        assert_eq!((c.treated.len(), c.holdout.len()), (treated, held_out), "{n} accounts, share {share}");
        // every account in exactly one group
        let (mut all, mut want) = (c.treated.iter().chain(&c.holdout).cloned().collect::<Vec<_>>(), accounts);
        all.sort();
        want.sort();
        assert_eq!(all, want);
    }
}

#[test]
fn nrr_plan_by_hand() {
    let p = plan_nrr(usd("800000000"), pct("120%"), usd("40000000"), usd("24000000"), pct("25%")).unwrap();
    // 800M × 1.2 − 800M + 40M + 24M = 224M; at 25% win rate 896M of pipeline, 4× coverage
    assert_eq!(p.required_expansion, usd("224000000"));
    assert_eq!(p.required_pipeline, usd("896000000"));
    assert_eq!(p.coverage, Decimal::from(4));
    assert!(plan_nrr(usd("1"), pct("100%"), usd("0"), usd("0"), pct("0%")).is_err());
    assert!(plan_nrr(usd("1"), pct("100%"), usd("0"), usd("0"), pct("7000%")).is_err());
    // 70 for 70%
}

#[test]
fn co_ownership_refuses_products_past_the_catalogue() {
    // product 5 in a 2-product catalogue: pairs[0 × 2 + 5] ran off the matrix
    let accounts = [account("A", "ent", &[0, 1]), account("B", "ent", &[0, 5])];
    let r = CoOwnership::learn(&accounts, 2);
    assert!(
        matches!(r, Err(ExpansionError::ProductOutsideCatalogue { ref account, product: 5, products: 2 }) if account == "B"),
        "{r:?}"
    );
}

#[cfg(feature = "serde")]
#[test]
fn co_ownership_read_from_json_must_be_square() {
    let co = CoOwnership::learn(&base(), 3).unwrap();
    let json = serde_json::to_value(&co).unwrap();
    let mut bad = json.clone();
    bad["owners"] = serde_json::json!([]);
    // three products, no owner counts: rule(0, 1) indexed owners[0] and panicked
    assert!(serde_json::from_value::<CoOwnership>(bad).is_err());
    let back: CoOwnership = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, co); // confidence and lift recomputed to the same values
    let edits = [
        ("pairs", serde_json::json!([1, 2, 3])),                   // not square
        ("pairs", serde_json::json!([4, 2, 1, 1, 3, 0, 1, 0, 1])), // not symmetric
        ("owners", serde_json::json!([7, 3, 1])),                  // more owners than accounts
        ("accounts", serde_json::json!(5)),                        // segments count 6
        ("products", serde_json::json!(200)),                      // past a product set
        ("segments", serde_json::json!({"ent": [4, [3, 2]], "smb": [2, [0, 1, 0]]})),
    ];
    for (field, value) in edits {
        let mut bad = json.clone();
        bad[field] = value;
        assert!(serde_json::from_value::<CoOwnership>(bad).is_err(), "{field}");
    }
}

#[test]
fn recommendations_are_not_sized_by_k() {
    let co = CoOwnership::learn(&base(), 3).unwrap();
    let d = &base()[3];
    // Vec::with_capacity(k + 1) overflowed
    assert_eq!(co.recommend(d.owned, &d.segment, usize::MAX, 1.0).unwrap().len(), 2);
    assert_eq!(co.recommend(d.owned, &d.segment, 1, 1.0).unwrap().len(), 1);
}

#[test]
fn campaign_results_count_an_account_listed_twice_once() {
    let ids = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let c = Campaign {
        name: "q4".into(),
        offer: "analytics".into(),
        treated: ids(&["a", "b", "a"]),
        holdout: ids(&["e", "f", "f"]),
    };
    let won = [("a".to_string(), usd("10000")), ("f".to_string(), usd("3000"))];
    let r = c.results(&won, Currency::USD).unwrap();
    // two distinct treated accounts (one won $10,000), two held out (one won $3,000)
    assert_eq!((r.treated, r.holdout, r.treated_won, r.holdout_won), (2, 2, 1, 1));
    assert_eq!((r.treated_arr, r.holdout_arr), (usd("10000"), usd("3000")));
    assert_eq!(r.conversion_lift, Some(0.0));
    assert_eq!(r.incremental_arr, Some(usd("7000"))); // 10k − 1.5k per held-out account × 2
}

#[test]
fn campaign_results_refuse_an_account_in_both_groups() {
    let c = Campaign {
        name: "q4".into(),
        offer: "analytics".into(),
        treated: vec!["a".into(), "b".into()],
        holdout: vec!["c".into(), "a".into()],
    };
    let r = c.results(&[("a".to_string(), usd("10"))], Currency::USD);
    assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("\"a\"")), "{r:?}");
}

#[test]
fn campaign_holdout_size_is_rounded_exactly_with_halves_up() {
    // (accounts, share, held out): n × share read as the decimal the share prints as; an exact
    // half rounds up. In f64, 25 × 0.58 is 14.499999999999998 and 90 × 0.35 is 31.499999999999996.
    let table: &[(usize, f64, usize)] = &[
        (25, 0.58, 15),
        (45, 0.7, 32),
        (50, 0.29, 15),
        (90, 0.35, 32),
        (100, 0.145, 15),
        (10, 0.35, 4), // 3.5
        (10, 0.25, 3), // 2.5
        (10, 0.34, 3),
        (10, 0.36, 4),
        (4, 0.125, 1), // 0.5
    ];
    for &(n, share, held_out) in table {
        let accounts: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
        let c = Campaign::assign("x", "y", &accounts, share, 3).unwrap();
        assert_eq!((c.treated.len(), c.holdout.len()), (n - held_out, held_out), "{n} accounts, share {share}");
    }
}

#[test]
fn nrr_plan_amounts_are_each_rounded_up_once_from_the_exact_need() {
    // each rounded up once from the exact need: 100.01 × 150.5% − 100.01 = 50.50505 → 50.51 of
    // expansion; 50.50505 ÷ 40% = 126.2626… → 126.27 of pipeline (not 50.51 ÷ 40% = 126.275 → 126.28)
    let p = plan_nrr(usd("100.01"), pct("150.5%"), usd("0"), usd("0"), pct("40%")).unwrap();
    assert_eq!(p.required_expansion, usd("50.51"));
    assert_eq!(p.required_pipeline, usd("126.27"));
    // at a 1% win rate the second rounding cost $0.49: 5,050.505 → 5,050.51, not 5,051.00
    let p = plan_nrr(usd("100.01"), pct("150.5%"), usd("0"), usd("0"), pct("1%")).unwrap();
    assert_eq!(p.required_pipeline, usd("5050.51"));
    // and a whole yen: 50.5 ÷ 40% = 126.25 → ¥127, not ¥51 ÷ 40% = 127.5 → ¥128
    let yen = |s: &str| Money::parse(s, Currency::JPY).unwrap();
    let p = plan_nrr(yen("100"), pct("150.5%"), yen("0"), yen("0"), pct("40%")).unwrap();
    assert_eq!((p.required_expansion, p.required_pipeline), (yen("51"), yen("127")));
    // 100 × 100.001% − 100 = 0.001: a tenth of a cent still needs a cent; ÷ 30% = 0.0033… → 0.01
    let p = plan_nrr(usd("100"), pct("100.001%"), usd("0"), usd("0"), pct("30%")).unwrap();
    assert_eq!(p.required_expansion, usd("0.01"));
    assert_eq!(p.required_pipeline, usd("0.01"));
}

#[test]
fn nrr_plan_refuses_negative_churn_or_contraction() {
    for (churn, contraction) in [("-5000000", "0"), ("0", "-1"), ("-0.01", "-0.01")] {
        let r = plan_nrr(usd("100000000"), pct("110%"), usd(churn), usd(contraction), pct("50%"));
        assert!(matches!(r, Err(ExpansionError::InvalidInput(_))), "churn {churn}, contraction {contraction}: {r:?}");
    }
    assert!(plan_nrr(usd("100000000"), pct("110%"), usd("0"), usd("0"), pct("50%")).is_ok());
}

/// A scorer with no propensity rules: every opportunity at `default`.
fn scorer_at(default: f64) -> ExpansionScorer {
    let mut s = scorer();
    s.propensity = Propensity::Rules { rules: vec![], default };
    s
}

/// An account that owns everything, uses half its seats and stays under its allowance: no
/// opportunity at all.
fn account_without_opportunities() -> Account {
    account("Z", "ent", &[0, 1, 2])
}

#[test]
fn expected_arr_is_the_propensity_times_the_potential_rounded_once() {
    // D owns Core: Analytics ($50,000) and Security ($30,000) to cross-sell. The propensity is
    // read as the shortest decimal that is the f64, multiplied exactly, rounded once to the cent
    // half to even.
    let table: &[(f64, &str, &str)] = &[
        (1.0 / 3.0, "16666.67", "10000.00"), // 16,666.666…665 and 9,999.999…99
        (2.0 / 3.0, "33333.33", "20000.00"),
        (0.1, "5000.00", "3000.00"),
        (0.123456789, "6172.84", "3703.70"), // 6,172.83945; 3,703.70367
        (0.0000005, "0.02", "0.02"),         // 0.025 → 0.02 (half to even); 0.015 → 0.02
        (0.0, "0.00", "0.00"),
        (1.0, "50000.00", "30000.00"),
    ];
    for &(p, analytics, security) in table {
        let opps = scorer_at(p).score(&base()[3]).unwrap();
        let expected = |product| {
            opps.iter().find(|o| o.kind == OpportunityKind::CrossSell { product }).map(|o| o.expected_arr).unwrap()
        };
        assert_eq!((expected(1), expected(2)), (usd(analytics), usd(security)), "propensity {p}");
    }
}

#[test]
fn every_propensity_rule_is_checked_before_any_account_is_scored() {
    let rule = |signal: &str, comparison, threshold, probability| PropensityRule {
        when: vec![Condition::new(signal, comparison, threshold)],
        probability,
    };
    let matches_all = || rule("products_owned", Comparison::AtLeast, 0.0, 0.5);
    let matches_none = |probability| rule("products_owned", Comparison::Above, 50.0, probability);
    let nps = PropensityRule {
        when: vec![
            Condition::new("products_owned", Comparison::Above, 50.0),
            Condition::new("nps", Comparison::Above, 0.0),
        ],
        probability: 0.5,
    };
    // (rules, default, unknown signal or None for an invalid probability)
    let table: Vec<(Vec<PropensityRule>, f64, Option<&str>)> = vec![
        (vec![matches_all(), rule("nps", Comparison::Above, 0.0, 0.5)], 0.1, Some("nps")), // never reached
        (vec![nps], 0.1, Some("nps")), // behind a condition that fails
        (vec![matches_all(), matches_none(1.5)], 0.1, None),
        (vec![matches_none(-0.1)], 0.1, None),
        (vec![matches_none(f64::NAN)], 0.1, None),
        (vec![matches_none(f64::INFINITY)], 0.1, None),
        (vec![matches_all()], 1.5, None), // a default never used
        (vec![], f64::NAN, None),
    ];
    for (rules, default, unknown) in table {
        let mut s = scorer();
        s.propensity = Propensity::Rules { rules: rules.clone(), default };
        // the same answer for an account with opportunities and for one without
        for a in [base()[3].clone(), account_without_opportunities()] {
            let r = s.score(&a);
            match unknown {
                Some(name) => {
                    assert!(matches!(&r, Err(ExpansionError::UnknownSignal(n)) if n == name), "{rules:?}: {r:?}")
                }
                None => assert!(matches!(&r, Err(ExpansionError::InvalidInput(_))), "{rules:?} / {default}: {r:?}"),
            }
        }
    }
    // a valid configuration still scores an account without opportunities as nothing
    assert_eq!(scorer().score(&account_without_opportunities()).unwrap(), vec![]);
}

#[test]
fn seat_threshold_that_is_not_a_non_negative_number_is_refused() {
    for threshold in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.1] {
        let mut s = scorer();
        s.seat_threshold = threshold;
        let mut busy = base()[3].clone();
        busy.seats_used = 99;
        for a in [busy, account_without_opportunities()] {
            let r = s.score(&a);
            assert!(
                matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("threshold")),
                "{threshold}: {r:?}"
            );
        }
    }
    // above 1 is meaningful: more seats used than paid for
    let mut s = scorer();
    s.seat_threshold = 1.1;
    let mut a = base()[3].clone();
    (a.seats_paid, a.seats_used) = (100, 111);
    assert!(s.score(&a).unwrap().iter().any(|o| matches!(o.kind, OpportunityKind::SeatUpsell { .. })));
    a.seats_used = 110;
    assert!(!s.score(&a).unwrap().iter().any(|o| matches!(o.kind, OpportunityKind::SeatUpsell { .. })));
}

#[test]
fn an_account_priced_in_another_currency_than_the_catalog_is_refused() {
    let eur = |s: &str| Money::parse(s, Currency::EUR).unwrap();
    let mut seats_in_eur = base()[3].clone();
    (seats_in_eur.seats_used, seats_in_eur.seat_arr) = (99, eur("1000"));
    let mut arr_in_eur = account_without_opportunities();
    arr_in_eur.arr = eur("100000");
    for a in [seats_in_eur, arr_in_eur] {
        let r = scorer().score(&a);
        assert!(
            matches!(&r, Err(ExpansionError::AccountCurrency { account, catalog: Currency::USD, found: Currency::EUR }) if *account == a.id),
            "{r:?}"
        );
    }
    // a catalog priced in two currencies cannot rank its opportunities either
    let mut s = scorer();
    s.catalog.products[2].list_arr = eur("30000");
    assert!(
        matches!(s.score(&account_without_opportunities()), Err(ExpansionError::InvalidInput(m)) if m.contains("catalog"))
    );
}

/// Treated, held out, conversion lift, incremental ARR.
type CampaignCase<'a> = (&'a [&'a str], &'a [&'a str], Option<f64>, Option<Money>);

#[test]
fn campaign_lift_and_incremental_arr_need_both_groups() {
    let ids = |xs: &[&str]| -> Vec<String> { xs.iter().map(|s| s.to_string()).collect() };
    let won = [("a".to_string(), usd("10")), ("h".to_string(), usd("4"))];
    let table: &[CampaignCase] = &[
        (&["a", "b"], &["h", "i"], Some(0.0), Some(usd("6"))), // 10 − 2 × 2
        (&[], &["h"], None, Some(usd("0"))),                   // nobody treated: no rate, nothing won
        (&["a"], &[], None, None),                             // no control group
        (&[], &[], None, None),
    ];
    for &(treated, holdout, lift, incremental) in table {
        let c = Campaign { name: "n".into(), offer: "o".into(), treated: ids(treated), holdout: ids(holdout) };
        let r = c.results(&won, Currency::USD).unwrap();
        assert_eq!((r.conversion_lift, r.incremental_arr), (lift, incremental), "{treated:?} vs {holdout:?}");
    }
}

#[cfg(feature = "serde")]
#[test]
fn co_ownership_read_from_json_must_count_each_owner_in_one_segment() {
    let co = CoOwnership::learn(&base(), 3).unwrap();
    let json = serde_json::to_value(&co).unwrap();
    assert_eq!(json["segments"], serde_json::json!({"ent": [4, [4, 2, 1]], "smb": [2, [0, 1, 0]]}));
    for segments in [
        serde_json::json!({"ent": [4, [4, 2, 4]], "smb": [2, [0, 1, 0]]}), // 4 owners of Security, 1 overall
        serde_json::json!({"ent": [4, [4, 2, 0]], "smb": [2, [0, 1, 0]]}), // none of Security, 1 overall
        serde_json::json!({"ent": [4, [4, 2, 1]], "smb": [2, [1, 1, 0]]}), // 5 owners of Core, 4 overall
    ] {
        let mut bad = json.clone();
        bad["segments"] = segments.clone();
        let r = serde_json::from_value::<CoOwnership>(bad);
        assert!(matches!(&r, Err(e) if e.to_string().contains("segment")), "{segments}: {r:?}");
    }
    // an owner moved from one segment to another still sums to the overall count: accepted
    let mut moved = json.clone();
    moved["segments"] = serde_json::json!({"ent": [4, [3, 2, 1]], "smb": [2, [1, 1, 0]]});
    assert!(serde_json::from_value::<CoOwnership>(moved).is_ok());
}

#[test]
fn incremental_campaign_arr_is_rounded_once_from_the_exact_baseline() {
    // 3 treated won nothing; 6 held out won $0.01 between them. At the holdout's
    // $0.01 ÷ 6 per account the treated would have won 3 × 0.01 ÷ 6 = $0.005 exactly, so the
    // incremental ARR is −$0.005, half to even −$0.00. Dividing first (0.0016666…667 × 3 =
    // 0.0050…01) rounded it twice, to −$0.01.
    let ids = |xs: &[&str]| -> Vec<String> { xs.iter().map(|s| s.to_string()).collect() };
    let c = Campaign {
        name: "n".into(),
        offer: "o".into(),
        treated: ids(&["a", "b", "c"]),
        holdout: ids(&["d", "e", "f", "g", "h", "i"]),
    };
    let r = c.results(&[("d".to_string(), usd("0.01"))], Currency::USD).unwrap();
    assert_eq!(r.incremental_arr, Some(usd("0")));
    // and on the other side of zero: treated won $100.01, 7 held out won $0.07 → 100.01 − 0.03
    let c = Campaign { treated: ids(&["a", "b", "c"]), holdout: ids(&["d", "e", "f", "g", "h", "i", "j"]), ..c };
    let won = [("a".to_string(), usd("100.01")), ("j".to_string(), usd("0.07"))];
    assert_eq!(c.results(&won, Currency::USD).unwrap().incremental_arr, Some(usd("99.98")));
}

#[test]
fn tiers_that_are_not_cheapest_first_are_refused_rather_than_upgraded_into_a_negative_potential() {
    // a $250,000 tier listed before a $50,000 one with a larger allowance: usage past the first
    // allowance was "upgraded" to the second for a potential of 50k − 250k = −$200,000.
    let mut s = scorer();
    s.catalog.tiers = vec![
        Tier { name: "Professional".into(), arr: usd("250000"), usage_limit: 10_000.0 },
        Tier { name: "Starter".into(), arr: usd("50000"), usage_limit: 50_000.0 },
    ];
    let mut d = base()[3].clone();
    d.usage = 20_000.0;
    if let Ok(opps) = s.score(&d) {
        let upgrade = opps.iter().find(|o| matches!(o.kind, OpportunityKind::TierUpgrade { .. }));
        assert_eq!(upgrade.map(|o| o.potential_arr.is_negative()), None, "{upgrade:?}");
    }
    assert!(matches!(s.validate(), Err(ExpansionError::InvalidInput(m)) if m.contains("cheapest first")));
    assert!(matches!(s.score(&d), Err(ExpansionError::InvalidInput(m)) if m.contains("cheapest first")));
    // tiers of one price are in order
    let mut same = scorer();
    same.catalog.tiers[1].arr = usd("50000");
    assert_eq!(same.validate(), Ok(()));
}

#[test]
fn a_min_lift_or_tier_allowance_that_is_not_a_number_is_refused() {
    // a NaN min lift made every association fail `lift > NaN`: cross-sell fell back to segment
    // popularity without a word; a NaN allowance made `usage > NaN` false: never an upgrade
    let mut d = base()[3].clone();
    d.usage = 5_000.0;
    let mut nan_lift = scorer();
    nan_lift.min_lift = f64::NAN;
    assert!(matches!(nan_lift.validate(), Err(ExpansionError::InvalidMinLift(l)) if l.is_nan()));
    assert!(matches!(nan_lift.score(&d), Err(ExpansionError::InvalidMinLift(l)) if l.is_nan()));
    for limit in [f64::NAN, -1.0] {
        let mut s = scorer();
        s.catalog.tiers[0].usage_limit = limit;
        assert!(matches!(s.validate(), Err(ExpansionError::InvalidInput(m)) if m.contains("usage limit")), "{limit}");
    }
    // an unlimited top tier is a number
    let mut unlimited = scorer();
    unlimited.catalog.tiers[2].usage_limit = f64::INFINITY;
    assert_eq!(unlimited.validate(), Ok(()));
}

#[test]
fn a_signal_given_twice_to_the_playbooks_is_refused() {
    // usage_ratio 0.1 and 1.8: which is it? The first was read, silently; given in the other
    // order the same playbook did not fire
    let quiet = Playbook {
        name: "quiet".into(),
        when: vec![Condition::new("usage_ratio", Comparison::Below, 0.2)],
        action: Action { owner: "AM".into(), channel: "email".into(), offer: "training".into(), due_in_days: 3 },
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let signals = [("usage_ratio".to_string(), 0.1), ("usage_ratio".to_string(), 1.8)];
    let r = run_playbooks(std::slice::from_ref(&quiet), "acme", &signals, day);
    assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("usage_ratio")), "{r:?}");
    let reversed = [signals[1].clone(), signals[0].clone()];
    assert!(run_playbooks(std::slice::from_ref(&quiet), "acme", &reversed, day).is_err());
    // even when no playbook reads it
    assert!(run_playbooks(&[], "acme", &signals, day).is_err());
}

#[test]
fn negative_won_arr_in_campaign_results_is_refused() {
    // won ARR is an amount won, zero or more; −$5,000 took the treated total down to $0 and
    // the incremental ARR below the holdout's
    let ids = |xs: &[&str]| -> Vec<String> { xs.iter().map(|s| s.to_string()).collect() };
    let c = Campaign { name: "n".into(), offer: "o".into(), treated: ids(&["a", "b"]), holdout: ids(&["h"]) };
    let won = [("a".to_string(), usd("5000")), ("b".to_string(), usd("-5000"))];
    let r = c.results(&won, Currency::USD);
    assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("\"b\"")), "{r:?}");
}

#[test]
fn an_account_on_a_tier_the_catalog_does_not_have_is_refused() {
    // tier 7 of a 3-tier catalog: no upgrade was looked for and its usage ratio read 0
    let mut d = base()[3].clone();
    d.tier = 7;
    d.usage = 5_000_000.0;
    let r = scorer().score(&d);
    assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("tier 7")), "{r:?}");
    // with no tiers at all, tier 0 (what Account::new gives) is no tier: nothing to upgrade
    let mut no_tiers = scorer();
    no_tiers.catalog.tiers.clear();
    d.tier = 0;
    assert!(no_tiers.score(&d).is_ok());
}

#[test]
fn an_account_whose_usage_is_not_a_number_of_zero_or_more_is_refused() {
    // NaN usage: `usage > allowance` was false, so no upgrade and no word; −5 usage read as a
    // usage ratio of −0.005
    for usage in [f64::NAN, -5.0, f64::INFINITY] {
        let mut d = base()[3].clone();
        d.usage = usage;
        let r = scorer().score(&d);
        assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("usage")), "{usage}: {r:?}");
    }
}

#[test]
fn a_signal_given_twice_with_the_same_value_is_one_signal() {
    // the same reading delivered twice (two feeds merged, say) asks nothing about which value
    // counts: the playbook fires as for one reading. Only two values for one signal conflict.
    let quiet = Playbook {
        name: "quiet".into(),
        when: vec![Condition::new("usage_ratio", Comparison::Below, 0.2)],
        action: Action { owner: "AM".into(), channel: "email".into(), offer: "training".into(), due_in_days: 3 },
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let once = [("usage_ratio".to_string(), 0.1), ("seat_utilisation".to_string(), 0.5)];
    let twice = [once[0].clone(), once[1].clone(), once[0].clone()];
    let expected = run_playbooks(std::slice::from_ref(&quiet), "acme", &once, day).unwrap();
    assert_eq!(expected.len(), 1);
    assert_eq!(run_playbooks(std::slice::from_ref(&quiet), "acme", &twice, day), Ok(expected));
    // 0 and −0 are one value
    let zeros = [("usage_ratio".to_string(), 0.0), ("usage_ratio".to_string(), -0.0)];
    assert_eq!(run_playbooks(std::slice::from_ref(&quiet), "acme", &zeros, day).map(|p| p.len()), Ok(1));
    // two values still conflict, and the error names both
    let two = [("usage_ratio".to_string(), 0.1), ("usage_ratio".to_string(), 1.8)];
    let r = run_playbooks(std::slice::from_ref(&quiet), "acme", &two, day);
    assert!(matches!(&r, Err(ExpansionError::InvalidInput(m)) if m.contains("0.1") && m.contains("1.8")), "{r:?}");
}

/// A NaN minimum lift made `lift > NaN` false for every rule, so `recommend` quietly picked by
/// segment popularity alone; a negative one let a rule of lift 0 (no owner of the one owns the
/// other) count as an association: an account owning only Security (2) got Analytics (1) "by
/// association" with score 0 instead of by popularity, 2 of 4 ent accounts = 0.5. Both are
/// refused, as the scorer refuses them.
#[test]
fn recommend_refuses_a_min_lift_that_is_nan_or_negative() {
    let co = CoOwnership::learn(&base(), 3).unwrap();
    let security_only = ProductSet::of(&[2]).unwrap();
    for bad in [f64::NAN, -1.0, f64::NEG_INFINITY] {
        let r = co.recommend(security_only, "ent", 5, bad);
        assert!(matches!(r, Err(ExpansionError::InvalidMinLift(l)) if l.to_bits() == bad.to_bits()), "{bad}: {r:?}");
        let mut s = scorer();
        s.min_lift = bad;
        assert!(matches!(s.validate(), Err(ExpansionError::InvalidMinLift(_))), "{bad}");
    }
    // 0 is a bound (every rule with some co-ownership counts): 2 → 0 has lift 1.5, 2 → 1 lift 0
    let recs = co.recommend(security_only, "ent", 5, 0.0).unwrap();
    assert_eq!(recs.iter().map(|r| (r.product, r.score)).collect::<Vec<_>>(), [(0, 1.0), (1, 0.5)]);
    assert!(matches!(recs[1].basis, Basis::SegmentPopularity(s) if s == 0.5));
    // an infinite one counts no association: every pick by popularity (ent: 4 of 4 own 0)
    let recs = co.recommend(security_only, "ent", 5, f64::INFINITY).unwrap();
    assert!(recs.iter().all(|r| matches!(r.basis, Basis::SegmentPopularity(_))), "{recs:?}");
    assert_eq!(recs.iter().map(|r| (r.product, r.score)).collect::<Vec<_>>(), [(0, 1.0), (1, 0.5)]);
}

/// A propensity rule or playbook whose condition compares with a NaN threshold never fired
/// (`x >= NaN` is false) and was accepted by `validate` without a word; an infinite threshold is
/// always or never passed. Both are refused, naming the rule and its signal.
#[test]
fn a_rule_or_playbook_condition_with_a_threshold_that_is_not_finite_is_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut s = scorer();
        let Propensity::Rules { rules, .. } = &mut s.propensity else { unreachable!() };
        rules[1].when[0].threshold = bad; // usage_ratio ≥ bad
        match s.validate() {
            Err(ExpansionError::InvalidThreshold { rule, signal, threshold }) => {
                assert_eq!((rule.as_str(), signal.as_str()), ("propensity rule 1", "usage_ratio"));
                assert_eq!(threshold.to_bits(), bad.to_bits());
            }
            other => panic!("{bad}: {other:?}"),
        }
        // and for every account, whether or not it reaches the rule
        assert!(matches!(s.score(&account_without_opportunities()), Err(ExpansionError::InvalidThreshold { .. })));
        let playbook = Playbook {
            name: "seats nearly full".into(),
            when: vec![Condition::new("seat_utilisation", Comparison::AtLeast, bad)],
            action: Action { owner: "AM".into(), channel: "call".into(), offer: "seats".into(), due_in_days: 7 },
        };
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let r = run_playbooks(&[playbook], "acme", &[("seat_utilisation".into(), 0.95)], day);
        match r {
            Err(ExpansionError::InvalidThreshold { rule, signal, .. }) => {
                assert_eq!((rule.as_str(), signal.as_str()), ("playbook \"seats nearly full\"", "seat_utilisation"));
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(scorer().validate(), Ok(()));
}

/// A tier that includes no usage (a limit of 0, allowed: "zero or more") gave a usage ratio of
/// 10 ÷ 0 = ∞ in the upgrade's reason, which JSON wrote as `null` and could not read back, and
/// 0 ÷ 0 = NaN as the `usage_ratio` signal of an account using nothing, so no rule on it fired.
/// The reason now states the usage and the limit (both finite numbers), and nothing used of
/// nothing included is a ratio of 0.
#[cfg(feature = "serde")]
#[test]
fn a_tier_with_no_usage_included_upgrades_on_any_usage_with_a_reason_that_reads_back() {
    let mut s = scorer();
    s.catalog.tiers[0] = Tier { name: "Free".into(), arr: usd("0"), usage_limit: 0.0 };
    s.propensity = Propensity::Rules {
        rules: vec![
            PropensityRule { when: vec![Condition::new("usage_ratio", Comparison::AtLeast, 2.0)], probability: 0.6 },
            PropensityRule { when: vec![Condition::new("usage_ratio", Comparison::AtMost, 0.5)], probability: 0.3 },
        ],
        default: 0.1,
    };
    assert_eq!(s.validate(), Ok(()));
    // D owns Core on the free tier and used 10: Professional (limit 10,000) is the tier that
    // fits, worth 250,000 − 0 at the first rule's 60% (10 is above no usage at all): 150,000
    // expected
    let mut d = base()[3].clone();
    d.usage = 10.0;
    let opps = s.score(&d).unwrap();
    let up = opps.iter().find(|o| matches!(o.kind, OpportunityKind::TierUpgrade { .. })).unwrap();
    assert_eq!(up.kind, OpportunityKind::TierUpgrade { from: 0, to: 1 });
    assert_eq!((up.potential_arr, up.propensity, up.expected_arr), (usd("250000"), 0.6, usd("150000")));
    let json = serde_json::to_value(&opps).unwrap();
    let reason = serde_json::to_value(up.reason).unwrap();
    assert_eq!(reason, serde_json::json!({"UsageAboveTier": {"usage": 10.0, "limit": 0.0}}));
    assert_eq!(serde_json::from_value::<Vec<ExpansionOpportunity>>(json).unwrap(), opps);
    // nothing used of nothing included: a ratio of 0, so the second rule (≤ 0.5) sets the
    // cross-sell propensity: Analytics (by ent popularity, 2 of 4), 50,000 × 30% = 15,000
    d.usage = 0.0;
    let opps = s.score(&d).unwrap();
    assert!(opps.iter().all(|o| !matches!(o.kind, OpportunityKind::TierUpgrade { .. })), "{opps:?}");
    let analytics = opps.iter().find(|o| o.kind == OpportunityKind::CrossSell { product: 1 }).unwrap();
    assert_eq!((analytics.propensity, analytics.expected_arr), (0.3, usd("15000")));
}
