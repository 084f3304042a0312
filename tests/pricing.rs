//! Behaviour of `pricing`: Stripe's tier examples, quotes that tie, approvals, sensitivity.

use chrono::NaiveDate;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::money::Percent;
use revops::pricing::*;
use revops::rules::Comparison;
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn usd(n: i64) -> Money {
    Money::new(Decimal::from(n), Currency::USD)
}

fn tier_table() -> Vec<Tier> {
    // Stripe, "Tiered pricing": ≤5 @ $5, ≤10 @ $4, ≤15 @ $3, ≤20 @ $2, above @ $1
    let t = |up: Option<i64>, p| Tier { up_to: up.map(Decimal::from), unit_price: usd(p), flat_fee: usd(0) };
    vec![t(Some(5), 5), t(Some(10), 4), t(Some(15), 3), t(Some(20), 2), t(None, 1)]
}

fn tiers() -> Tiers {
    Tiers::new(tier_table()).unwrap()
}

fn pct(s: &str) -> Percent {
    s.parse().unwrap()
}

/// Stripe's published volume and graduated examples, plus every tier boundary N and N+1.
const TIER_VECTORS: &[(i64, i64, i64)] = &[
    // (quantity, volume, graduated)
    (0, 0, 0),
    (1, 5, 5),
    (5, 25, 25),
    (6, 24, 29),
    (10, 40, 45),
    (11, 33, 48),
    (15, 45, 60),
    (16, 32, 62),
    (20, 40, 70),
    (21, 21, 71),
    (25, 25, 75),
];

#[test]
fn stripe_tier_vectors() {
    for &(q, volume, graduated) in TIER_VECTORS {
        let q = Decimal::from(q);
        assert_eq!(PriceModel::Volume(tiers()).charge(q).unwrap(), usd(volume), "volume {q}");
        assert_eq!(PriceModel::Graduated(tiers()).charge(q).unwrap(), usd(graduated), "graduated {q}");
    }
}

#[test]
fn package_flat_fees_minimums_and_bad_tiers() {
    let pkg = PriceModel::Package { price: usd(20), size: std::num::NonZeroU64::new(100).unwrap() };
    assert_eq!(pkg.charge(Decimal::from(101)).unwrap(), usd(40));
    assert_eq!(pkg.charge(Decimal::from(100)).unwrap(), usd(20));
    let mut with_fee = tier_table();
    with_fee[1].flat_fee = usd(10);
    let with_fee = Tiers::new(with_fee).unwrap();
    assert_eq!(PriceModel::Graduated(with_fee.clone()).charge(Decimal::from(6)).unwrap(), usd(39));
    assert_eq!(PriceModel::Volume(with_fee).charge(Decimal::from(6)).unwrap(), usd(34));
    let min = Price::new(PriceModel::PerUnit(usd(3)), Some(usd(100))).unwrap();
    assert_eq!(min.charge(Decimal::from(10)).unwrap(), usd(100));
    assert_eq!(min.charge(Decimal::from(50)).unwrap(), usd(150));
    // fractional quantities keep full precision inside
    assert_eq!(
        PriceModel::PerUnit(Money::parse("0.0015", Currency::USD).unwrap())
            .charge(Decimal::new(12345, 1))
            .unwrap()
            .round(),
        Money::parse("1.85", Currency::USD).unwrap()
    );
    let mut bad = tier_table();
    bad[4].up_to = Some(Decimal::from(30));
    assert_eq!(Tiers::new(bad), Err(PricingError::InvalidTiers(TierProblem::BoundedTop)));
    let mut reversed = tier_table();
    reversed.swap(0, 1);
    assert_eq!(Tiers::new(reversed), Err(PricingError::InvalidTiers(TierProblem::BoundsNotIncreasing(1))));
    assert!(PriceModel::PerUnit(usd(1)).charge(Decimal::from(-1)).is_err());
}

#[test]
fn negative_prices_are_refused() {
    for (model, what) in [
        (PriceModel::Flat(usd(-1)), "flat price"),
        (PriceModel::PerUnit(usd(-1)), "unit price"),
        (PriceModel::Package { price: usd(-1), size: std::num::NonZeroU64::MIN }, "package price"),
    ] {
        let err = model.charge(Decimal::ONE).unwrap_err();
        assert_eq!(err, PricingError::NegativePrice { what, amount: usd(-1) });
        assert!(Price::new(model, None).is_err(), "{what}");
    }
    let negative_minimum = Price::new(PriceModel::Flat(usd(1)), Some(usd(-5)));
    assert_eq!(negative_minimum, Err(PricingError::NegativePrice { what: "minimum charge", amount: usd(-5) }));
    let mut negative_tier = tier_table();
    negative_tier[2].flat_fee = usd(-1);
    assert_eq!(Tiers::new(negative_tier), Err(PricingError::InvalidTiers(TierProblem::NegativePrice(2))));
}

#[test]
fn a_surcharge_is_not_a_discount() {
    let surcharge = DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("-10%"))]);
    assert!(matches!(
        DiscountSchedule::new(ScheduleKind::Range, surcharge),
        Err(PricingError::InvalidSchedule(ScheduleProblem::PercentOutOfRange { index: 0, .. }))
    ));
    let over = DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("0%")), (Decimal::TEN, pct("100.01%"))]);
    assert!(DiscountSchedule::new(ScheduleKind::Slab, over).is_err());
    let per_unit = DiscountBrackets::AmountPerUnit(vec![(Decimal::ZERO, usd(-1))]);
    assert!(matches!(
        DiscountSchedule::new(ScheduleKind::Range, per_unit),
        Err(PricingError::InvalidSchedule(ScheduleProblem::NegativeAmount { index: 0, .. }))
    ));
    let unordered = DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("0%")), (Decimal::ZERO, pct("5%"))]);
    assert!(DiscountSchedule::new(ScheduleKind::Range, unordered).is_err());
    // and on a quote line
    let mut l = line("PLAN-PRO", 1, None, 0, 0);
    l.partner_discount = pct("-3%");
    let q = Quote { currency: Currency::USD, lines: vec![l], term_months: 12, payment_terms_days: 30 };
    let err = q.price(&PriceBook::demo(), &ApprovalPolicy::demo(), None).unwrap_err();
    assert!(err.to_string().contains("partner discount on PLAN-PRO"), "{err}");
}

fn one_line_quote(additional: Percent) -> Quote {
    let mut l = line("PLAN-PRO", 1, None, 0, 0); // $250,000 list
    l.additional_discount = additional;
    Quote { currency: Currency::USD, lines: vec![l], term_months: 12, payment_terms_days: 30 }
}

/// The boundaries of approval rules and the margin guard are exact. In floating point a 7%
/// discount is 7.000000000000001 points (so "> 7%" fired) and a 58% margin is 57.99999999999999
/// points (so a 58% floor was "breached").
#[test]
fn approval_and_margin_boundaries_are_exact() {
    let rule = |cmp, t: &str| ApprovalRule {
        name: format!("discount {cmp:?} {t}"),
        when: vec![QuoteCondition::Discount(cmp, pct(t))],
        level: ApprovalLevel::Manager,
    };
    // (discount given, rule, fires?)
    let cases = [
        ("7%", rule(Comparison::Above, "7%"), false),
        ("7%", rule(Comparison::AtLeast, "7%"), true),
        ("7.01%", rule(Comparison::Above, "7%"), true),
        ("10%", rule(Comparison::AtMost, "10%"), true),
        ("10%", rule(Comparison::Below, "10%"), false),
        ("35%", rule(Comparison::Above, "35%"), false),
    ];
    for (given, r, fires) in cases {
        let policy = ApprovalPolicy::new(pct("0%"), GuardAction::Refuse).unwrap().with_rule(r.clone());
        let q = one_line_quote(pct(given)).price(&PriceBook::demo(), &policy, None).unwrap();
        assert_eq!(q.discount, pct(given));
        assert_eq!(q.approval.level == ApprovalLevel::Manager, fires, "{given} against {}", r.name);
    }
    // $250,000 net, $105,000 cost: exactly 58% margin against a 58% floor
    let mut costs = InMemoryCostModel::default();
    costs.insert("PLAN-PRO", usd(105_000), usd(0));
    let at_floor = ApprovalPolicy::new(pct("58%"), GuardAction::Refuse).unwrap();
    let q = one_line_quote(Percent::ZERO).price(&PriceBook::demo(), &at_floor, Some(&costs)).unwrap();
    assert_eq!(q.margin, Some(pct("58%")));
    assert!(q.approval.reasons.is_empty(), "{:?}", q.approval);
    let above = ApprovalPolicy::new(pct("58.0001%"), GuardAction::Refuse).unwrap();
    let err = one_line_quote(Percent::ZERO).price(&PriceBook::demo(), &above, Some(&costs)).unwrap_err();
    assert_eq!(err, PricingError::BelowMarginFloor { margin: pct("58%"), floor: pct("58.0001%") });
    assert_eq!(err.to_string(), "gross margin 58% is below the 58.0001% floor");
}

#[test]
fn an_out_of_range_margin_floor_is_refused() {
    for floor in ["-5%", "100.5%", "150%"] {
        let e = ApprovalPolicy::new(pct(floor), GuardAction::Refuse).unwrap_err();
        assert!(e.to_string().contains("margin floor"), "{floor}: {e}");
    }
    assert!(ApprovalPolicy::new(pct("100%"), GuardAction::Refuse).is_ok());
}

#[cfg(feature = "serde")]
#[test]
fn json_cannot_build_an_invalid_price_schedule_or_policy() {
    let refused = [
        ("price", r#"{"model":{"Flat":{"amount":"-1","currency":"USD"}},"minimum":null}"#),
        (
            "price",
            r#"{"model":{"PerUnit":{"amount":"1","currency":"USD"}},"minimum":{"amount":"-1","currency":"USD"}}"#,
        ),
        ("price", r#"{"model":{"PerUnit":{"amount":"1","currency":"USD"}},"minimum":{"amount":"1","currency":"EUR"}}"#),
        ("price", r#"{"model":{"Package":{"price":{"amount":"1","currency":"USD"},"size":0}},"minimum":null}"#),
        ("price", r#"{"model":{"Graduated":[]},"minimum":null}"#),
        ("schedule", r#"{"kind":"Range","brackets":{"Percent":[["0","-5%"]]}}"#),
        ("schedule", r#"{"kind":"Range","brackets":{"Percent":[]}}"#),
        ("policy", r#"{"rules":[],"margin_floor":"NaN%","below_floor":"Refuse"}"#),
        ("policy", r#"{"rules":[],"margin_floor":"142%","below_floor":"Refuse"}"#),
        ("policy", r#"{"rules":[],"margin_floor":42,"below_floor":"Refuse"}"#),
    ];
    for (what, json) in refused {
        let refused = match what {
            "price" => serde_json::from_str::<Price>(json).is_err(),
            "schedule" => serde_json::from_str::<DiscountSchedule>(json).is_err(),
            _ => serde_json::from_str::<ApprovalPolicy>(json).is_err(),
        };
        assert!(refused, "{what}: {json}");
    }
    let policy = ApprovalPolicy::demo();
    let json = serde_json::to_string(&policy).unwrap();
    assert!(json.contains(r#""margin_floor":"42%""#), "{json}");
    assert_eq!(serde_json::from_str::<ApprovalPolicy>(&json).unwrap(), policy);
}

fn line(sku: &str, qty: i64, schedule: Option<DiscountSchedule>, additional: i64, partner: i64) -> QuoteLine {
    QuoteLine {
        sku: sku.into(),
        quantity: Decimal::from(qty),
        months: 12,
        ramp: vec![],
        schedule,
        additional_discount: Percent::from_fraction(Decimal::new(additional, 2)),
        partner_discount: Percent::from_fraction(Decimal::new(partner, 2)),
    }
}

#[test]
fn range_and_slab_schedules() {
    let brackets = DiscountBrackets::Percent(vec![
        (Decimal::ZERO, pct("0%")),
        (Decimal::from(100), pct("10%")),
        (Decimal::from(500), pct("20%")),
    ]);
    let range = DiscountSchedule::new(ScheduleKind::Range, brackets.clone()).unwrap();
    let slab = DiscountSchedule::new(ScheduleKind::Slab, brackets).unwrap();
    let list = usd(60_000); // 600 units at $100
    assert_eq!(range.discount(Decimal::from(600), list).unwrap(), usd(12_000)); // all 600 at 20%
                                                                                // slab: 0–99 at 0, 100–499 at 10% (400 units × $10), 500–599 at 20% (100 × $20)
    assert_eq!(slab.discount(Decimal::from(600), list).unwrap(), usd(6_000));
    let per_unit =
        DiscountSchedule::new(ScheduleKind::Range, DiscountBrackets::AmountPerUnit(vec![(Decimal::ZERO, usd(5))]))
            .unwrap();
    assert_eq!(per_unit.discount(Decimal::from(10), usd(1000)).unwrap(), usd(50));
    // an amount per unit in another currency than the list is refused, not mixed in
    assert!(per_unit.discount(Decimal::from(10), Money::new(Decimal::from(1000), Currency::EUR)).is_err());
}

#[test]
fn quote_waterfall_approvals_and_margin_guard() {
    let book = PriceBook::demo();
    let schedule = DiscountSchedule::new(
        ScheduleKind::Range,
        DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("0%")), (Decimal::from(500), pct("5%"))]),
    )
    .unwrap();
    let quote = Quote {
        currency: Currency::USD,
        lines: vec![line("PLAN-PRO", 1, None, 10, 0), line("ADD-SEATS", 600, Some(schedule), 7, 3)],
        term_months: 12,
        payment_terms_days: 30,
    };
    let policy = ApprovalPolicy::demo();
    let q = quote.price(&book, &policy, None).unwrap();
    // Pro: 250,000 − 10% = 225,000. Seats: 600 × 900 = 540,000 − 5% = 513,000 − 7% = 477,090 − 3% = 462,777.30
    assert_eq!(q.lines[0].waterfall.net, usd(225_000));
    assert_eq!(q.lines[1].waterfall.net, Money::parse("462777.30", Currency::USD).unwrap());
    for l in &q.lines {
        let off = Money::sum(Currency::USD, l.waterfall.steps.iter().map(|s| s.1)).unwrap();
        assert_eq!(l.waterfall.list.checked_sub(off).unwrap(), l.waterfall.net);
    }
    assert_eq!(q.net_total, Money::parse("687777.30", Currency::USD).unwrap());
    // 1 − 687,777.30 / 790,000, exactly (to Decimal's 28 places)
    assert_eq!(q.discount.fraction(), Decimal::ONE - Decimal::new(68777730, 2) / Decimal::from(790_000));
    assert_eq!(format!("{:.1}", q.discount), "12.9%");
    assert_eq!(q.approval.level, ApprovalLevel::Manager); // 12.9% discount
    assert_eq!(q.approval.reasons, ["discount above 10%"]);

    // with costs: 40% of list for seats → margin below 42% escalates to the CFO, or is refused
    let mut costs = InMemoryCostModel::default();
    costs.insert("PLAN-PRO", usd(100_000), usd(0));
    costs.insert("ADD-SEATS", usd(0), usd(500));
    let q = quote.price(&book, &policy, Some(&costs)).unwrap();
    let margin = (Decimal::new(68777730, 2) - Decimal::from(400_000)) / Decimal::new(68777730, 2);
    assert_eq!(q.margin.unwrap().fraction(), margin);
    assert_eq!(q.approval.level, ApprovalLevel::Cfo);
    let strict = policy.clone().with_below_floor(GuardAction::Refuse);
    assert!(matches!(quote.price(&book, &strict, Some(&costs)), Err(PricingError::BelowMarginFloor { .. })));
    let unknown = Quote { lines: vec![line("NOPE", 1, None, 0, 0)], ..quote.clone() };
    assert!(matches!(unknown.price(&book, &policy, None), Err(PricingError::NoPrice { .. })));
    let too_much = Quote { lines: vec![line("PLAN-PRO", 1, None, 120, 0)], ..quote };
    assert!(too_much.price(&book, &policy, None).is_err());
}

#[test]
fn ramps_price_each_period() {
    let book = PriceBook::demo();
    let mut l = line("ADD-SEATS", 0, None, 0, 0);
    l.ramp = vec![
        RampStep { months: 12, quantity: Decimal::from(100) },
        RampStep { months: 12, quantity: Decimal::from(300) },
    ];
    let q = Quote { currency: Currency::USD, lines: vec![l], term_months: 24, payment_terms_days: 30 }
        .price(&book, &ApprovalPolicy::demo(), None)
        .unwrap();
    assert_eq!(q.net_total, usd(360_000)); // 100 × 900 + 300 × 900
    assert_eq!(q.net_arr, usd(180_000));
}

#[test]
fn ramp_costs_follow_each_period() {
    // 6 months at 100 seats then 18 at 200, seats costing $500 a year each:
    // 500 × 100 × 6/12 + 500 × 200 × 18/12 = 25,000 + 150,000 (not the average quantity × term)
    let mut costs = InMemoryCostModel::default();
    costs.insert("ADD-SEATS", usd(0), usd(500));
    let mut l = line("ADD-SEATS", 0, None, 0, 0);
    l.ramp = vec![
        RampStep { months: 6, quantity: Decimal::from(100) },
        RampStep { months: 18, quantity: Decimal::from(200) },
    ];
    let q = Quote { currency: Currency::USD, lines: vec![l], term_months: 24, payment_terms_days: 30 }
        .price(&PriceBook::demo(), &ApprovalPolicy::demo(), Some(&costs))
        .unwrap();
    assert_eq!(q.lines[0].cost, Some(usd(175_000)));
    assert_eq!(q.net_total, usd(45_000 + 270_000));
}

/// The demo book plus one add-on `sku` priced by `model`, filed under `currency`.
fn demo_book_with(sku: &str, currency: Currency, model: PriceModel) -> PriceBook {
    let mut book = PriceBook::demo();
    book.entries.push(BookEntry {
        sku: sku.into(),
        name: sku.into(),
        kind: ProductKind::AddOn,
        prices: [(currency, Price::new(model, None).unwrap())].into(),
    });
    book
}

#[test]
fn waterfall_steps_are_differences_of_rounded_subtotals() {
    // $854.06 list, 62.2% additional, 34.4% partner. Exact subtotals: 322.83468 after the
    // additional discount, 211.7795501 net. Rounded subtotals 854.06 → 322.83 → 211.78, so the
    // steps are 531.23 and 111.05 (rounding each step alone would give 531.23 + 111.06, a cent
    // too much, leaving one step to absorb it).
    let book =
        demo_book_with("ODD", Currency::USD, PriceModel::PerUnit(Money::parse("854.06", Currency::USD).unwrap()));
    let mut l = line("ODD", 1, None, 0, 0);
    l.additional_discount = pct("62.2%");
    l.partner_discount = pct("34.4%");
    let q = Quote { currency: Currency::USD, lines: vec![l], term_months: 12, payment_terms_days: 30 }
        .price(&book, &ApprovalPolicy::demo(), None)
        .unwrap();
    let cents = |s: &str| Money::parse(s, Currency::USD).unwrap();
    let w = &q.lines[0].waterfall;
    assert_eq!(w.steps.map(|s| s.1), [cents("0"), cents("531.23"), cents("111.05")]);
    assert_eq!(w.net, cents("211.78"));
}

#[test]
fn a_price_list_filed_under_the_wrong_currency_is_refused() {
    // an EUR price under the USD key
    let book = demo_book_with("MISFILED", Currency::USD, PriceModel::PerUnit(Money::new(Decimal::ONE, Currency::EUR)));
    let q = Quote {
        currency: Currency::USD,
        lines: vec![line("MISFILED", 1, None, 0, 0)],
        term_months: 12,
        payment_terms_days: 30,
    };
    let err = q.price(&book, &ApprovalPolicy::demo(), None).unwrap_err();
    assert!(matches!(err, PricingError::Money(revops::MoneyError::CurrencyMismatch { .. })), "{err:?}");
}

fn vw(answers: &[[f64; 4]]) -> Vec<VanWestendorpAnswer> {
    answers
        .iter()
        .map(|a| VanWestendorpAnswer { too_cheap: a[0], cheap: a[1], expensive: a[2], too_expensive: a[3] })
        .collect()
}

#[test]
fn van_westendorp_removes_inconsistent_answers_and_orders_points() {
    let mut rng = StdRng::seed_from_u64(4);
    let mut answers = Vec::new();
    for _ in 0..400 {
        let base: f64 = 60.0 + rng.random::<f64>() * 80.0;
        let mut u = |lo: f64, hi: f64| base * (lo + (hi - lo) * rng.random::<f64>());
        answers.push([u(0.3, 0.7), u(0.7, 0.95), u(1.05, 1.4), u(1.4, 2.0)]);
    }
    answers.push([50.0, 40.0, 100.0, 120.0]); // cheap below too-cheap: inconsistent
    answers.push([f64::NAN, 40.0, 100.0, 120.0]);
    let r = VanWestendorp::analyse(&vw(&answers)).unwrap();
    assert_eq!((r.valid, r.removed), (400, 2));
    assert!(r.pmc < r.opp && r.opp < r.pme && r.pmc < r.ipp && r.ipp < r.pme, "{r:?}");
    // symmetric answers around base ~ U(80, 120): the indifference point sits near the middle
    assert!((r.ipp - 100.0).abs() < 8.0, "{r:?}");
    assert!(VanWestendorp::analyse(&vw(&answers[..5])).is_err());
}

#[test]
fn gabor_granger_finds_the_revenue_maximising_price() {
    // 10 respondents' maximum prices; tested prices 10, 20, 30, 40 (money, not floats)
    let max = [15, 25, 25, 35, 35, 35, 45, 45, 45, 45].map(usd);
    let g = GaborGranger::analyse(&max, &[40, 10, 30, 20].map(usd)).unwrap();
    // shares 1.0, 0.9, 0.7, 0.4 → revenue per respondent 10, 18, 21, 16, exactly
    let pct = |s: &str| s.parse::<Percent>().unwrap();
    assert_eq!(g.curve.iter().map(|c| c.1).collect::<Vec<_>>(), ["100%", "90%", "70%", "40%"].map(pct));
    assert_eq!(g.curve.iter().map(|c| c.2).collect::<Vec<_>>(), [10, 18, 21, 16].map(usd));
    assert_eq!(g.revenue_maximising_price, usd(30));
    // prices in another currency than the answers are refused
    let eur = Money::from_minor_units(1_000, Currency::EUR).unwrap();
    assert!(matches!(GaborGranger::analyse(&max, &[eur]), Err(PricingError::Money(_))));
    assert!(GaborGranger::analyse(&[], &[usd(10)]).is_err());
}

#[test]
fn elasticity_recovers_a_simulated_value() {
    let mut rng = StdRng::seed_from_u64(12);
    let obs: Vec<(f64, f64)> = (0..400)
        .map(|_| {
            let p: f64 = 50.0 + rng.random::<f64>() * 100.0;
            let noise: f64 = (rng.random::<f64>() - 0.5) * 0.2;
            (p, (8.0 - 1.4 * p.ln() + noise).exp())
        })
        .collect();
    let e = price_elasticity(&obs, 0.95).unwrap();
    assert!(e.lower < -1.4 && -1.4 < e.upper, "{e:?}");
    assert!((e.elasticity + 1.4).abs() < 0.05);
    assert!(price_elasticity(&obs[..2], 0.95).is_err());
    assert!(price_elasticity(&[(1.0, -1.0)], 0.95).is_err());
}

#[test]
fn discount_optimisation_respects_the_floor() {
    let list = usd(100_000);
    let cost = usd(50_000);
    // (0.2 + 3d)(50,000 − 100,000d) peaks at d = 130,000 / 600,000 ≈ 21.7%; the 42% floor needs
    // 1 − 50,000 / (100,000 (1 − d)) ≥ 0.42, so d ≤ 13.79%: the last grid point is 13.5%
    let best =
        optimise_discount(list, cost, |d| (0.2 + 3.0 * d).min(1.0), pct("50%"), pct("0.5%"), pct("42%")).unwrap();
    assert_eq!(best.discount, pct("13.5%"));
    assert_eq!(best.margin, usd(36_500));
    let floor = optimise_discount(usd(100), usd(90), |_| 0.5, pct("50%"), pct("1%"), pct("42%")).unwrap_err();
    assert_eq!(floor, PricingError::BelowMarginFloor { margin: pct("10%"), floor: pct("42%") });
    // a margin exactly at the floor is allowed
    let at = optimise_discount(usd(100_000), usd(58_000), |_| 0.5, pct("0%"), pct("1%"), pct("42%")).unwrap();
    assert_eq!(at.discount, Percent::ZERO);
    // a grid too fine to search is an error, not an endless loop
    let fine = optimise_discount(list, cost, |_| 0.5, pct("50%"), pct("0.0000001%"), pct("42%"));
    assert!(matches!(fine, Err(PricingError::Limit(_))), "{fine:?}");
}

#[cfg(feature = "serde")]
#[test]
fn proposals_serialise_and_render() {
    let book = PriceBook::demo();
    let policy = ApprovalPolicy::demo();
    let opt = |name: &str, sku: &str| ProposalOption {
        name: name.into(),
        quote: Quote {
            currency: Currency::USD,
            lines: vec![line(sku, 1, None, 5, 0)],
            term_months: 12,
            payment_terms_days: 30,
        }
        .price(&book, &policy, None)
        .unwrap(),
    };
    let p = Proposal {
        customer: "Acme".into(),
        options: vec![opt("Good", "PLAN-STARTER"), opt("Better", "PLAN-PRO"), opt("Best", "PLAN-ENT")],
        term_months: 12,
        payment_terms_days: 30,
        valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    };
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<Proposal>(&json).unwrap(), p);
    let md = p.to_markdown();
    assert!(
        md.contains("## Best") && md.contains("| PLAN-ENT | USD 1,000,000.00 | USD 50,000.00 | USD 950,000.00 |"),
        "{md}"
    );
}

proptest! {
    #[test]
    fn graduated_is_monotone_and_volume_can_drop(q in 0i64..200) {
        let g = PriceModel::Graduated(tiers());
        let a = g.charge(Decimal::from(q)).unwrap();
        let b = g.charge(Decimal::from(q + 1)).unwrap();
        prop_assert!(b.amount() >= a.amount());
        // volume drops at every boundary crossing to a cheaper tier: 5 → 6 is 25 → 24
        let v = PriceModel::Volume(tiers());
        prop_assert!(v.charge(Decimal::from(6)).unwrap().amount() < v.charge(Decimal::from(5)).unwrap().amount());
    }

    #[test]
    fn waterfall_ties_and_approvals_are_monotone_in_discount(qty in 1i64..2000, add in 0i64..60, partner in 0i64..30, more in 1i64..30) {
        let book = PriceBook::demo();
        let policy = ApprovalPolicy::demo();
        let mk = |a: i64| Quote { currency: Currency::USD, lines: vec![line("ADD-SEATS", qty, None, a, partner), line("PLAN-ENT", qty * 3, None, a, 0)], term_months: 12, payment_terms_days: 30 };
        let q1 = mk(add).price(&book, &policy, None).unwrap();
        for l in &q1.lines {
            let off = Money::sum(Currency::USD, l.waterfall.steps.iter().map(|s| s.1)).unwrap();
            prop_assert_eq!(l.waterfall.list.checked_sub(off).unwrap(), l.waterfall.net);
            prop_assert!(l.waterfall.net.is_rounded());
        }
        let q2 = mk((add + more).min(100)).price(&book, &policy, None).unwrap();
        prop_assert!(q2.approval.level >= q1.approval.level);
    }
}

/// A policy of `rule` alone, whose 0% margin floor only notes a quote below it.
fn policy_with(rule: Option<(&str, QuoteCondition)>) -> ApprovalPolicy {
    let policy = ApprovalPolicy::new(pct("0%"), GuardAction::Escalate(ApprovalLevel::Auto)).unwrap();
    match rule {
        Some((name, when)) => {
            policy.with_rule(ApprovalRule { name: name.into(), when: vec![when], level: ApprovalLevel::Manager })
        }
        None => policy,
    }
}

fn per_unit_book(price: &str) -> PriceBook {
    demo_book_with("X", Currency::USD, PriceModel::PerUnit(Money::parse(price, Currency::USD).unwrap()))
}

fn months_line(sku: &str, months: u32, additional: &str) -> QuoteLine {
    QuoteLine { months, additional_discount: pct(additional), ..line(sku, 1, None, 0, 0) }
}

fn quote_of(lines: Vec<QuoteLine>, term_months: u32) -> Quote {
    Quote { currency: Currency::USD, lines, term_months, payment_terms_days: 30 }
}

#[test]
fn the_discount_signal_is_the_discount_given_on_any_term_and_list_price() {
    // (list price a year, months, discount given): the totals are rounded to the cent ($100.50
    // at 7% nets $93.465 → $93.46; $250,000 for 5 months lists $104,166.67 and nets $93,750.00),
    // and their ratio is not the discount given (7.005%, 10.0000029%): the signal is read from
    // the exact amounts, so a "discount above" rule at the discount given does not fire.
    let cases = [("100.50", 12, "7%"), ("250000", 5, "10%"), ("99.99", 7, "15%"), ("1000", 13, "35%")];
    for (price, months, given) in cases {
        let rule = QuoteCondition::Discount(Comparison::Above, pct(given));
        let q = quote_of(vec![months_line("X", months, given)], months)
            .price(&per_unit_book(price), &policy_with(Some(("above", rule))), None)
            .unwrap();
        assert_eq!(q.discount, pct(given), "{price} for {months} months at {given}");
        assert_eq!(q.approval.level, ApprovalLevel::Auto, "{price} for {months} months at {given}: {:?}", q.approval);
    }
    // the demo book and policy: Pro for five months at 10% needs no manager
    let q = quote_of(vec![months_line("PLAN-PRO", 5, "10%")], 5)
        .price(&PriceBook::demo(), &ApprovalPolicy::demo(), None)
        .unwrap();
    assert_eq!((q.list_total, q.net_total), (Money::parse("104166.67", Currency::USD).unwrap(), usd(93_750)));
    assert_eq!(q.approval.level, ApprovalLevel::Auto, "{:?}", q.approval);
}

#[test]
fn a_margin_at_the_floor_is_not_below_it_on_a_part_year_line() {
    // Pro at $250,000 a year costing $145,000 a year: a 42% margin on any term. Five months list
    // $104,166.67 and cost $60,416.67, rounded; their ratio is 41.9999987%.
    let mut costs = InMemoryCostModel::default();
    costs.insert("PLAN-PRO", usd(145_000), usd(0));
    for months in [5, 7, 12, 13, 30] {
        let q = quote_of(vec![months_line("PLAN-PRO", months, "0%")], months)
            .price(&PriceBook::demo(), &ApprovalPolicy::demo(), Some(&costs))
            .unwrap();
        assert_eq!(q.margin, Some(pct("42%")), "{months} months");
        assert_eq!(q.approval.level, ApprovalLevel::Auto, "{months} months: {:?}", q.approval);
    }
}

#[test]
fn a_quote_given_away_against_a_real_cost_is_below_any_margin_floor() {
    // a 100% discount nets $0 against a $50 cost: no margin at all, so the guard acts and a
    // "margin below" rule fires; at no cost there is nothing to guard
    let mut costs = InMemoryCostModel::default();
    costs.insert("X", usd(50), usd(0));
    let free = quote_of(vec![months_line("X", 12, "100%")], 12);
    let book = per_unit_book("100");
    let refuse = ApprovalPolicy::new(pct("0%"), GuardAction::Refuse).unwrap();
    let err = free.price(&book, &refuse, Some(&costs)).unwrap_err();
    assert!(matches!(err, PricingError::CostWithoutRevenue { .. }), "{err:?}");
    assert_eq!(err.to_string(), "a net of USD 0.00 against a cost of USD 50.00 is below the 0% margin floor");
    let escalate = ApprovalPolicy::new(pct("42%"), GuardAction::Escalate(ApprovalLevel::Cfo)).unwrap();
    let q = free.price(&book, &escalate, Some(&costs)).unwrap();
    assert_eq!(q.margin, None);
    assert_eq!(q.approval.level, ApprovalLevel::Cfo, "{:?}", q.approval);
    let rule = policy_with(Some(("thin", QuoteCondition::Margin(Comparison::Below, pct("30%")))));
    assert_eq!(free.price(&book, &rule, Some(&costs)).unwrap().approval.level, ApprovalLevel::Manager);
    let rule = policy_with(Some(("fat", QuoteCondition::Margin(Comparison::Above, pct("30%")))));
    assert_eq!(free.price(&book, &rule, Some(&costs)).unwrap().approval.level, ApprovalLevel::Auto);
    let mut nothing = InMemoryCostModel::default();
    nothing.insert("X", usd(0), usd(0));
    assert_eq!(free.price(&book, &refuse, Some(&nothing)).unwrap().approval.level, ApprovalLevel::Auto);
}

#[test]
fn the_margin_guard_never_shows_a_margin_below_the_floor_as_the_floor() {
    // $100 against a $58.04 cost is a 41.96% margin: "42.0%" would read as at the floor
    let mut costs = InMemoryCostModel::default();
    costs.insert("X", Money::parse("58.04", Currency::USD).unwrap(), usd(0));
    let q = quote_of(vec![months_line("X", 12, "0%")], 12);
    let escalate = ApprovalPolicy::new(pct("42%"), GuardAction::Escalate(ApprovalLevel::Cfo)).unwrap();
    let priced = q.price(&per_unit_book("100"), &escalate, Some(&costs)).unwrap();
    assert_eq!(priced.approval.reasons, ["gross margin 41.96% below the 42% floor"]);
    let refuse = ApprovalPolicy::new(pct("42%"), GuardAction::Refuse).unwrap();
    let err = q.price(&per_unit_book("100"), &refuse, Some(&costs)).unwrap_err();
    assert_eq!(err.to_string(), "gross margin 41.96% is below the 42% floor");
    // a margin a hair below: shown cut, not rounded up to the floor
    costs.insert("X", Money::parse("58.0000004", Currency::USD).unwrap(), usd(0));
    let err = q.price(&per_unit_book("100"), &refuse, Some(&costs)).unwrap_err();
    assert_eq!(err.to_string(), "gross margin 41.9999% is below the 42% floor");
}

#[test]
fn an_amount_per_unit_schedule_is_a_year_like_the_book_prices() {
    // $10 off per unit on $100 per unit a year: a year takes $10 a unit however its months are
    // written, two years $20, six months $5; $60 off on a six-month line is within its list
    let schedule = |off: i64| {
        DiscountSchedule::new(ScheduleKind::Range, DiscountBrackets::AmountPerUnit(vec![(Decimal::ZERO, usd(off))]))
            .unwrap()
    };
    let book = per_unit_book("100");
    let off = |l: QuoteLine| {
        let q = quote_of(vec![l], 12).price(&book, &policy_with(None), None).unwrap();
        q.lines[0].waterfall.steps[0].1
    };
    let ten = |months| QuoteLine {
        quantity: Decimal::from(10),
        schedule: Some(schedule(10)),
        ..months_line("X", months, "0%")
    };
    assert_eq!(off(ten(12)), usd(100));
    let ramp = QuoteLine {
        ramp: vec![
            RampStep { months: 6, quantity: Decimal::from(10) },
            RampStep { months: 6, quantity: Decimal::from(10) },
        ],
        ..ten(12)
    };
    assert_eq!(off(ramp), usd(100));
    assert_eq!(off(ten(24)), usd(200));
    assert_eq!(off(ten(6)), usd(50));
    let sixty = QuoteLine { schedule: Some(schedule(60)), ..months_line("X", 6, "0%") };
    assert_eq!(off(sixty), usd(30));
}

#[test]
fn gabor_granger_takes_the_lower_of_two_prices_that_earn_alike() {
    // three respondents: $2 sells to all three ($2 a respondent), $3 to two ($2 a respondent,
    // though ⅔ read to 28 places makes it $2.0000000000000000000000000001); a tie, so the lower
    let m = |s: &str| Money::parse(s, Currency::USD).unwrap();
    let cases: [(&[&str], &[&str], &str); 4] = [
        (&["2", "3", "3"], &["3", "2"], "2"),
        (&["2", "2", "3", "3", "3", "3"], &["3", "2"], "2"),
        (&["7", "7", "7", "7", "7", "7", "7"], &["7", "1"], "7"),
        (&["1", "9", "9"], &["9", "6", "1"], "9"),
    ];
    for (answers, prices, best) in cases {
        let answers: Vec<Money> = answers.iter().map(|s| m(s)).collect();
        let prices: Vec<Money> = prices.iter().map(|s| m(s)).collect();
        let g = GaborGranger::analyse(&answers, &prices).unwrap();
        assert_eq!(g.revenue_maximising_price, m(best), "{answers:?} at {prices:?}");
    }
}

#[test]
fn price_book_json_is_refused_when_a_price_is_filed_twice_or_under_another_currency() {
    let good = serde_json::to_string(&PriceBook::demo()).unwrap();
    assert_eq!(serde_json::from_str::<PriceBook>(&good).unwrap(), PriceBook::demo());
    let price = |c: &str| format!(r#"{{"model":{{"PerUnit":{{"amount":"1","currency":"{c}"}}}},"minimum":null}}"#);
    let book =
        |prices: &str| format!(r#"{{"entries":[{{"sku":"X","name":"X","kind":"Plan","prices":{{{prices}}}}}]}}"#);
    let filed = |key: &str, c: &str| format!(r#""{key}":{}"#, price(c));
    assert!(serde_json::from_str::<PriceBook>(&book(&filed("USD", "USD"))).is_ok());
    for bad in [
        book(&filed("EUR", "USD")),                                        // a USD price under EUR
        book(&format!("{},{}", filed("USD", "USD"), filed("USD", "USD"))), // USD twice: which?
    ] {
        assert!(serde_json::from_str::<PriceBook>(&bad).is_err(), "{bad}");
    }
    // a SKU listed twice
    let entry = r#"{"sku":"X","name":"X","kind":"Plan","prices":{}}"#;
    assert!(serde_json::from_str::<PriceBook>(&format!(r#"{{"entries":[{entry},{entry}]}}"#)).is_err());
}

#[test]
fn a_line_of_zero_months_is_refused_as_a_zero_term_is() {
    let book = per_unit_book("100");
    let zero = quote_of(vec![months_line("X", 0, "0%")], 12);
    assert!(matches!(zero.price(&book, &policy_with(None), None), Err(PricingError::ZeroMonths { .. })));
    let ramp = QuoteLine {
        ramp: vec![RampStep { months: 12, quantity: Decimal::ONE }, RampStep { months: 0, quantity: Decimal::TWO }],
        ..months_line("X", 12, "0%")
    };
    assert!(matches!(
        quote_of(vec![ramp], 12).price(&book, &policy_with(None), None),
        Err(PricingError::ZeroMonths { .. })
    ));
}

#[test]
fn a_percent_schedule_takes_its_first_bracket_off_a_flat_price_at_quantity_zero() {
    // a flat $1,000 plan at quantity 0 still lists $1,000; the bracket from 0 takes 10%
    let book = demo_book_with("F", Currency::USD, PriceModel::Flat(usd(1_000)));
    for kind in [ScheduleKind::Range, ScheduleKind::Slab] {
        let schedule =
            DiscountSchedule::new(kind, DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("10%"))])).unwrap();
        let l = QuoteLine { quantity: Decimal::ZERO, schedule: Some(schedule), ..months_line("F", 12, "0%") };
        let q = quote_of(vec![l], 12).price(&book, &policy_with(None), None).unwrap();
        assert_eq!(q.lines[0].waterfall.steps[0].1, usd(100), "{kind:?}");
        assert_eq!(q.net_total, usd(900));
    }
}

#[test]
fn a_cost_far_above_a_net_of_many_places_is_below_the_floor_not_an_overflow() {
    // a third off $87.50 nets $58.333…, carried to 28 places; $1,000 of cost less that needs more
    // places than a Decimal holds: the margin is read to 28 places, not refused
    let third = Percent::from_fraction(Decimal::ONE / Decimal::from(3));
    let mut costs = InMemoryCostModel::default();
    costs.insert("X", usd(1_000), usd(0));
    let refuse = ApprovalPolicy::new(pct("42%"), GuardAction::Refuse).unwrap();
    let line = QuoteLine { additional_discount: third, ..months_line("X", 12, "0%") };
    let r = quote_of(vec![line], 12).price(&per_unit_book("87.5"), &refuse, Some(&costs));
    assert!(matches!(r, Err(PricingError::BelowMarginFloor { .. })), "{r:?}");
}

#[test]
fn a_package_count_is_the_ceiling_of_the_exact_quotient_even_for_huge_quantities() {
    // quantity / size does not fit in 28 digits here: rounding it first lost the last package
    let m = PriceModel::Package { price: usd(1), size: std::num::NonZeroU64::new(3).unwrap() };
    let cases: [(Decimal, &str); 5] = [
        (Decimal::MAX - Decimal::from(2), "26409387504754779197847983445"),
        ("300000000000000000000.00000001".parse().unwrap(), "100000000000000000001"),
        ("0.0000000000000000000000000001".parse().unwrap(), "1"),
        (Decimal::MAX, "26409387504754779197847983445"),
        (Decimal::from(300), "100"),
    ];
    for (quantity, packages) in cases {
        assert_eq!(m.charge(quantity).unwrap().amount(), packages.parse::<Decimal>().unwrap(), "{quantity}");
    }
}

#[test]
fn a_discount_grid_of_more_than_max_count_points_is_refused() {
    // 0%, 0.000001%, …, 10%: 10,000,001 points, one more than MAX_COUNT (the steps are one fewer)
    let r = optimise_discount(usd(100), usd(99), |_| 0.5, pct("10%"), pct("0.000001%"), pct("100%"));
    assert!(matches!(r, Err(PricingError::Limit(_))), "{r:?}");
}

#[test]
fn the_discount_floor_test_is_exact_past_28_places() {
    // net $3, cost $1.5000000000000000000000000001: the margin is a hair under 50% of the net,
    // although margin / net rounds to 50% at 28 places
    let cost = Money::new("1.5000000000000000000000000001".parse().unwrap(), Currency::USD);
    let r = optimise_discount(usd(3), cost, |_| 0.5, pct("0%"), pct("1%"), pct("50%"));
    assert!(matches!(r, Err(PricingError::BelowMarginFloor { .. })), "{r:?}");
    // a margin exactly at the floor is kept
    let at = optimise_discount(
        usd(3),
        Money::new("1.5".parse().unwrap(), Currency::USD),
        |_| 0.5,
        pct("0%"),
        pct("1%"),
        pct("50%"),
    );
    assert_eq!(at.unwrap().discount, Percent::ZERO);
    // a floor × net of 55 digits: (1 + 10⁻²⁷) × (0.5 + 10⁻²⁸) = 0.5 + 6·10⁻²⁸ + 10⁻⁵⁵, so a margin
    // of 0.5 + 6·10⁻²⁸ (the product rounded to 28 places) is below the floor
    let list = Money::new("1.000000000000000000000000001".parse().unwrap(), Currency::USD);
    let cost = Money::new("0.5000000000000000000000000004".parse().unwrap(), Currency::USD);
    let floor = Percent::from_fraction("0.5000000000000000000000000001".parse().unwrap());
    let r = optimise_discount(list, cost, |_| 0.5, pct("0%"), pct("1%"), floor);
    assert!(matches!(r, Err(PricingError::BelowMarginFloor { .. })), "{r:?}");
}

#[test]
fn van_westendorp_takes_the_middle_of_a_stretch_where_shares_tie_exactly() {
    // 10 respondents; from 3 to 50, one finds the price too cheap and one finds it no bargain
    // (1 − 9/10, which is not 0.1 in f64): the curves coincide at 3, 4 and 50, so PMC is 26.5
    let mut answers = vec![[50.0, 55.0, 70.0, 80.0], [1.0, 2.0, 3.0, 4.0]];
    answers.extend([[1.0, 60.0, 90.0, 100.0]; 8]);
    let r = VanWestendorp::analyse(&vw(&answers)).unwrap();
    assert_eq!(r.pmc, 26.5, "{r:?}");
    // the same stretch mirrored for PME: one finds the price expensive-not-too-expensive tie
    let mirrored: Vec<[f64; 4]> = answers.iter().map(|a| [-a[3], -a[2], -a[1], -a[0]]).collect();
    let m = VanWestendorp::analyse(&vw(&mirrored)).unwrap();
    assert_eq!(m.pme, -26.5, "{m:?}");
}

/// A one-option proposal whose customer, option name and SKU are caller text.
fn proposal_of_text(customer: &str, option: &str, sku: &str) -> Proposal {
    let line = QuoteLine { additional_discount: pct("5%"), ..line("PLAN-ENT", 1, None, 5, 0) };
    let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: 12, payment_terms_days: 30 };
    let mut quote = quote.price(&PriceBook::demo(), &ApprovalPolicy::demo(), None).unwrap();
    quote.lines[0].sku = sku.into();
    Proposal {
        customer: customer.into(),
        options: vec![ProposalOption { name: option.into(), quote }],
        term_months: 12,
        payment_terms_days: 30,
        valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    }
}

/// The characters in `s` not escaped by a backslash.
fn unescaped(s: &str, c: char) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for ch in s.chars() {
        if ch == c && !escaped {
            count += 1;
        }
        escaped = ch == '\\' && !escaped;
    }
    count
}

#[test]
fn proposal_markdown_escapes_caller_text() {
    let md =
        proposal_of_text("Acme\n## Injected <script>x</script> `code` *bold* [l](u)", "Good\r\n# Top | x", "ENT|EU")
            .to_markdown();
    // the SKU's pipe does not add a cell: a row of four cells has five pipes
    let row = md.lines().find(|l| l.contains("ENT")).unwrap();
    assert_eq!(unescaped(row, '|'), 5, "{md}");
    assert!(row.starts_with("| ENT\\|EU |"), "{md}");
    // newlines do not start lines of their own
    assert!(!md.lines().any(|l| l.starts_with("## Injected") || l.starts_with("# Top")), "{md}");
    assert!(md.lines().any(|l| l.starts_with("## Good") && l.contains("Top")), "{md}");
    // no raw HTML, code spans, emphasis or links from caller text
    assert!(!md.contains("<script>") && !md.contains("</script>"), "{md}");
    for c in ['`', '<', '>', '*', '[', ']'] {
        assert_eq!(unescaped(&md, c), md.matches("**").count() * 2 * usize::from(c == '*'), "{c} in {md}");
    }
}

#[test]
fn a_year_written_as_one_line_or_two_halves_reads_the_same_discount() {
    // a slab of 10% from the second unit on a flat $1 price at 3 units: 1/15 off, exactly, how
    // ever the year's months are written
    let book = demo_book_with("F", Currency::USD, PriceModel::Flat(usd(1)));
    let slab = DiscountSchedule::new(
        ScheduleKind::Slab,
        DiscountBrackets::Percent(vec![(Decimal::ZERO, Percent::ZERO), (Decimal::ONE, pct("10%"))]),
    )
    .unwrap();
    let year = QuoteLine { quantity: Decimal::from(3), schedule: Some(slab), ..months_line("F", 12, "0%") };
    let halves = QuoteLine {
        ramp: vec![
            RampStep { months: 6, quantity: Decimal::from(3) },
            RampStep { months: 6, quantity: Decimal::from(3) },
        ],
        ..year.clone()
    };
    let (a, b) = (
        quote_of(vec![year], 12).price(&book, &policy_with(None), None).unwrap(),
        quote_of(vec![halves], 12).price(&book, &policy_with(None), None).unwrap(),
    );
    assert_eq!(a.lines[0].waterfall, b.lines[0].waterfall);
    assert_eq!(a.discount, b.discount);
    assert_eq!(b.discount.fraction(), Decimal::ONE / Decimal::from(15));
}

#[test]
fn net_arr_annualises_the_net_total_the_contract_bills_rounded_once() {
    // Pro at $250,000 a year for five months bills $104,166.67: $250,000.008 a year, $250,000.01
    // (the exact net, $250,000 a year, is not what the customer is billed). Two $100 lines for
    // five months bill $41.67 each ($83.34): $200.016 a year, $200.02.
    let rule = QuoteCondition::NetArr(Comparison::Above, usd(250_000));
    let q = quote_of(vec![months_line("PLAN-PRO", 5, "0%")], 5)
        .price(&PriceBook::demo(), &policy_with(Some(("ARR above $250K", rule))), None)
        .unwrap();
    assert_eq!(q.net_total, Money::parse("104166.67", Currency::USD).unwrap());
    assert_eq!(q.net_arr, Money::parse("250000.01", Currency::USD).unwrap());
    assert_eq!(q.approval.level, ApprovalLevel::Manager, "{:?}", q.approval);
    let two = quote_of(vec![months_line("X", 5, "0%"), months_line("X", 5, "0%")], 5)
        .price(&per_unit_book("100"), &policy_with(None), None)
        .unwrap();
    let m = |s: &str| Money::parse(s, Currency::USD).unwrap();
    assert_eq!((two.net_total, two.net_arr), (m("83.34"), m("200.02")));
    // $1 a year for one month over a five-month term bills $0.08: $0.192 a year, $0.19
    let q = quote_of(vec![months_line("X", 1, "0%")], 5).price(&per_unit_book("1"), &policy_with(None), None).unwrap();
    assert_eq!((q.net_total, q.net_arr), (m("0.08"), m("0.19")));
}

#[test]
fn the_margin_guard_and_margin_rules_compare_exactly_past_28_places() {
    // $12 a year for one month against a cost of $6.9600000000000000000000000001 (a year's, for
    // that month): the margin is (12 − 6.96…01) ÷ 12 = 42% − 8.3·10⁻³⁰, below a 42% floor. The
    // Decimal quotient rounds it to 28 places, to exactly 42%, which is not below.
    let mut costs = InMemoryCostModel::default();
    let cost = Money::parse("6.9600000000000000000000000001", Currency::USD).unwrap();
    costs.insert("X", cost, usd(0));
    let q = quote_of(vec![months_line("X", 1, "0%")], 1);
    let refuse = ApprovalPolicy::new(pct("42%"), GuardAction::Refuse).unwrap();
    let r = q.price(&per_unit_book("12"), &refuse, Some(&costs));
    assert!(matches!(r, Err(PricingError::BelowMarginFloor { .. })), "{r:?}");
    assert_eq!(r.unwrap_err().to_string(), "gross margin 41.9999% is below the 42% floor");
    // a "margin below 42%" rule fires, an "at least 42%" rule does not
    for (cmp, fires) in [(Comparison::Below, true), (Comparison::AtLeast, false)] {
        let rule = QuoteCondition::Margin(cmp, pct("42%"));
        let priced = q.price(&per_unit_book("12"), &policy_with(Some(("margin", rule))), Some(&costs)).unwrap();
        assert_eq!(priced.approval.level == ApprovalLevel::Manager, fires, "{cmp:?}: {:?}", priced.margin);
    }
    // a cost of exactly $6.96 is a margin of exactly 42%: at the floor, not below it
    costs.insert("X", Money::parse("6.96", Currency::USD).unwrap(), usd(0));
    let priced = q.price(&per_unit_book("12"), &refuse, Some(&costs)).unwrap();
    assert_eq!(priced.margin, Some(pct("42%")));
}

#[test]
fn a_priced_quote_whose_waterfall_or_totals_do_not_tie_is_refused_from_json() {
    // Pro at 10% off with 25 seats at $900: two waterfalls that tie, totals that are their sums
    let lines = vec![line("PLAN-PRO", 1, None, 10, 0), line("ADD-SEATS", 25, None, 0, 5)];
    let q = Quote { currency: Currency::USD, lines, term_months: 12, payment_terms_days: 30 }
        .price(&PriceBook::demo(), &policy_with(None), None)
        .unwrap();
    let json = serde_json::to_string(&q).unwrap();
    assert_eq!(serde_json::from_str::<PricedQuote>(&json).unwrap(), q);
    let tampered = |from: &str, to: &str| {
        assert!(json.contains(from), "{from}");
        json.replacen(from, to, 1)
    };
    let cases = [
        // a net that is not list − steps ($250,000 − $25,000)
        tampered(r#""net":{"amount":"225000.00""#, r#""net":{"amount":"1.00""#),
        // a step changed, so the steps no longer tie to the net
        tampered(r#"["Additional",{"amount":"25000.00""#, r#"["Additional",{"amount":"24999.00""#),
        // a step in another currency
        tampered(
            r#"["Schedule",{"amount":"0.00","currency":"USD"}"#,
            r#"["Schedule",{"amount":"0.00","currency":"EUR"}"#,
        ),
        // the steps out of their order
        tampered(r#"["Schedule","#, r#"["Partner","#),
        // a total that is not the sum of the lines ($250,000 + $22,500)
        tampered(r#""list_total":{"amount":"272500.00""#, r#""list_total":{"amount":"272500.01""#),
        tampered(r#""net_total":{"amount":"246375.00""#, r#""net_total":{"amount":"1.00""#),
    ];
    for case in &cases {
        let r = serde_json::from_str::<PricedQuote>(case);
        assert!(r.is_err(), "accepted {case}");
    }
    let err = serde_json::from_str::<PricedQuote>(&cases[0]).unwrap_err().to_string();
    assert!(err.contains("list USD 250,000.00 less its steps USD 25,000.00 is not its net USD 1.00"), "{err}");
}

#[test]
fn optimise_discount_refuses_a_margin_a_hair_below_the_floor_without_showing_it_as_the_floor() {
    // $12 list against a cost of $6.9600000000000000000000000001: the margin at list is
    // 42% − 8.3·10⁻³⁰, below a 42% floor, and its 28-place quotient rounds up to 42%
    let list = usd(12);
    let cost = Money::parse("6.9600000000000000000000000001", Currency::USD).unwrap();
    let err = optimise_discount(list, cost, |_| 0.5, pct("0%"), pct("1%"), pct("42%")).unwrap_err();
    let PricingError::BelowMarginFloor { margin, floor } = err.clone() else { panic!("{err:?}") };
    assert!(margin < floor, "{margin} is not below {floor}");
    assert_eq!(err.to_string(), "gross margin 41.9999% is below the 42% floor");
}

#[test]
fn gabor_granger_refuses_a_negative_tested_price() {
    // a price below zero is a credit, not a price anyone is asked about: it "sells" to everyone
    // and enters the curve as revenue of −$5 a respondent
    let answers = [usd(10), usd(20), usd(30)];
    let r = GaborGranger::analyse(&answers, &[usd(-5), usd(0), usd(10)]);
    assert!(matches!(r, Err(PricingError::NegativePrice { what: "tested price", .. })), "{r:?}");
    // zero is a price (free): it sells to all, earning nothing
    let g = GaborGranger::analyse(&[usd(0), usd(20), usd(30)], &[usd(0), usd(20)]).unwrap();
    assert_eq!(g.revenue_maximising_price, usd(20));
}

#[test]
fn net_arr_is_the_net_total_annualised_as_the_arr_book_books_the_contract() {
    use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent};
    use revops::calendar::Month;
    use revops::money::InMemoryFxRates;
    // (price a year, lines' months, term): the contract bills the net total over the term, and
    // the ARR book annualises that price; the quote's net ARR must be the same figure. On a
    // twelve-month term it is the net total itself: two lines of $1,234.57 at 15% off net
    // $1,049.3845 each, $1,049.38 rounded, $2,098.76 billed a year (not the $2,098.77 of the
    // unrounded $2,098.769).
    let cases = [("1234.57", vec![12, 12], 12), ("250000", vec![5], 5), ("1", vec![1], 5), ("99.99", vec![7, 3], 7)];
    for (price, months, term) in cases {
        let lines = months.iter().map(|&m| months_line("X", m, "15%")).collect();
        let q = quote_of(lines, term).price(&per_unit_book(price), &policy_with(None), None).unwrap();
        let jan = Month::new(2026, 1).unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let event = SubscriptionEvent::start("e", "c", "s", start, q.net_total, Interval::Months(term));
        let book =
            ArrBook::build(&[event], ArrPolicy::default(), Currency::USD, jan..=jan, &InMemoryFxRates::new()).unwrap();
        assert_eq!(Some(q.net_arr), book.customer_arr("c", jan).unwrap(), "{price} for {months:?} of {term}");
        if term == 12 {
            assert_eq!(q.net_arr, q.net_total, "{price}");
        }
    }
}

#[test]
fn discount_rules_compare_the_exact_discount_past_28_places() {
    // $3 a year for one month with $0.3000000000000000000000000001 a year off per unit: the
    // discount is 10% + 3.3·10⁻²⁹, above 10%. The Decimal quotient net ÷ list rounds to 28
    // places, 90%, so 1 − it reads as exactly 10%, which is not above. Margin rules compare
    // exactly; a discount rule is a boundary as much as a margin floor is.
    let off = Money::parse("0.3000000000000000000000000001", Currency::USD).unwrap();
    let schedule =
        DiscountSchedule::new(ScheduleKind::Range, DiscountBrackets::AmountPerUnit(vec![(Decimal::ZERO, off)]))
            .unwrap();
    let q = quote_of(vec![QuoteLine { schedule: Some(schedule), ..months_line("X", 1, "0%") }], 1);
    for (cmp, fires) in [
        (Comparison::Above, true),
        (Comparison::AtLeast, true),
        (Comparison::AtMost, false),
        (Comparison::Below, false),
    ] {
        let rule = QuoteCondition::Discount(cmp, pct("10%"));
        let priced = q.price(&per_unit_book("3"), &policy_with(Some(("discount", rule))), None).unwrap();
        assert_eq!(priced.approval.level == ApprovalLevel::Manager, fires, "{cmp:?}: {}", priced.discount);
    }
    // exactly 10% off: at the boundary, not above it
    let q = quote_of(vec![months_line("X", 1, "10%")], 1);
    let rule = QuoteCondition::Discount(Comparison::Above, pct("10%"));
    let priced = q.price(&per_unit_book("3"), &policy_with(Some(("discount", rule))), None).unwrap();
    assert_eq!(priced.approval.level, ApprovalLevel::Auto);
}

#[test]
fn gabor_granger_counts_a_respondent_who_would_not_take_it_free_as_buying_at_no_price() {
    // testing a free tier: $0 and $20. Of four respondents one would not take it even free, an
    // answer below zero (the only answer below every tested price when $0 is tested): a
    // respondent all the same, who buys at no price, so $0 sells to three of four, not four of
    // four (dropping the answer would overstate every share).
    let g = GaborGranger::analyse(&[usd(-1), usd(0), usd(20), usd(30)], &[usd(0), usd(20)]).unwrap();
    let shares: Vec<Percent> = g.curve.iter().map(|p| p.1).collect();
    assert_eq!(shares, vec![pct("75%"), pct("50%")]);
    assert_eq!(g.revenue_maximising_price, usd(20));
}
