//! Behaviour of `sales`: statements that tie, split credit, caps, SPIFs, clawbacks, ramps,
//! attainment and territory balance.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::calendar::{Month, Period, Quarter};
use revops::money::Percent;
use revops::sales::*;
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn pct(hundredths: i64) -> Percent {
    Percent::from_fraction(Decimal::new(hundredths, 2))
}

fn plan() -> CommissionPlan {
    let t = |a: i64, m: i64| RateTier { from_attainment: pct(a), multiplier: Decimal::new(m, 2) };
    CommissionPlan {
        base_rate: pct(10),
        tiers: vec![t(0, 50), t(50, 100), t(100, 150)], // decelerator below 50%, accelerator above 100%
        cap: Some(usd("60000")),
        spifs: vec![Spif { name: "security push".into(), product: "security".into(), bonus: usd("1000") }],
        clawback_days: 180,
    }
}

fn deal(id: &str, product: &str, amount: &str, closed: NaiveDate, splits: &[(&str, i64)]) -> CreditedDeal {
    CreditedDeal {
        id: id.into(),
        product: product.into(),
        amount: usd(amount),
        closed,
        splits: splits.iter().map(|(r, s)| (r.to_string(), pct(*s))).collect(),
    }
}

#[test]
fn statement_by_hand() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [
        deal("a", "platform", "200000", d(1, 15), &[("ann", 100)]),
        deal("b", "security", "100000", d(2, 10), &[("ann", 50), ("bob", 50)]),
        deal("c", "platform", "90000", d(4, 2), &[("ann", 100)]), // next quarter
    ];
    let claw = [ClawbackEvent {
        deal: "z".into(),
        rep: "ann".into(),
        closed: d(1, 1) - chrono::Duration::days(100),
        churned: d(3, 1),
        paid: usd("4000"),
    }];
    let s = plan().statement("ann", q1, usd("200000"), &deals, &claw).unwrap();
    // credited 200k + 50k = 250k on a 200k quota (125%)
    assert_eq!(s.credited, usd("250000"));
    assert_eq!(s.attainment, Some(pct(125)));
    // bands: 0–100k × 5% = 5,000; 100k–200k × 10% = 10,000; 200k–250k × 15% = 7,500
    let bands: Vec<Money> =
        s.lines.iter().filter(|l| matches!(l.kind, LineKind::Band { .. })).map(|l| l.amount).collect();
    assert_eq!(bands, [usd("5000"), usd("10000"), usd("7500")]);
    // SPIF split with the credit: 500; clawback: −4,000
    assert!(s
        .lines
        .iter()
        .any(|l| matches!(&l.kind, LineKind::Spif { deal, .. } if deal == "b") && l.amount == usd("500")));
    assert!(s.lines.iter().any(|l| matches!(&l.kind, LineKind::Clawback { .. }) && l.amount == usd("-4000")));
    assert_eq!(s.total, usd("19000"));
    assert_eq!(s.total, Money::sum(Currency::USD, s.lines.iter().map(|l| l.amount)).unwrap());
    // the cap trims commission (not SPIFs or clawbacks)
    let big = [deal("x", "platform", "2000000", d(1, 5), &[("ann", 100)])];
    let capped = plan().statement("ann", q1, usd("200000"), &big, &[]).unwrap();
    assert_eq!(capped.total, usd("60000"));
    assert!(capped.lines.iter().any(|l| l.kind == LineKind::Cap));
}

#[test]
fn split_credit_ties_and_bad_splits_are_refused() {
    let x = deal("s", "platform", "100000.01", d(1, 1), &[("ann", 33), ("bob", 33), ("cy", 34)]);
    let credit = x.credit().unwrap();
    assert_eq!(Money::sum(Currency::USD, credit.iter().map(|c| c.1)).unwrap(), usd("100000.01"));
    assert!(deal("t", "p", "1", d(1, 1), &[("ann", 50), ("bob", 40)]).credit().is_err());
}

#[test]
fn attainment_ramp_and_rep_analytics() {
    let jan = Month::new(2026, 1).unwrap().period();
    let quotas = [Quota { rep: "ann".into(), team: "east".into(), period: jan, amount: usd("100000") }];
    let bookings = [
        Booking { rep: "ann".into(), date: d(1, 9), amount: usd("80000") },
        Booking { rep: "ann".into(), date: d(2, 9), amount: usd("50000") },
    ];
    let a = attainment(&quotas, &bookings).unwrap();
    assert_eq!((a[0].booked, a[0].attainment), (usd("80000"), Some(pct(80))));
    let ramp = RampSchedule { shares: vec![pct(25), pct(50), pct(75)] };
    assert_eq!(ramp.ramped(usd("90000"), 1).unwrap(), usd("45000"));
    assert_eq!(ramp.ramped(usd("90000"), 7).unwrap(), usd("90000"));
    use revops::acquisition::{Opportunity, Stage};
    let o = |stage, amount: &str, closed| Opportunity {
        id: format!("o-{amount}"), // each opportunity once
        account: "a".into(),
        segment: "ent".into(),
        stage,
        amount: usd(amount),
        created: d(1, 1),
        closed,
        competitor: None,
        discount: Percent::ZERO,
        probability: pct(50),
    };
    let opps = [
        o(Stage::ClosedWon, "100", Some(d(1, 31))),
        o(Stage::ClosedLost, "50", Some(d(2, 1))),
        o(Stage::Proposal, "300", None),
    ];
    let r = rep_analytics(&opps, usd("100"), 42).unwrap();
    assert_eq!(
        (r.win_rate, r.cycle_days, r.average_deal, r.pipeline_coverage),
        (Some(0.5), Some(30.0), Some(usd("100")), Some(3.0))
    );
}

#[test]
fn territories_respect_fixed_accounts_and_the_lpt_bound() {
    let reps: Vec<String> = ["r1", "r2", "r3"].iter().map(|s| s.to_string()).collect();
    let mut accounts: Vec<TerritoryAccount> = (0..40)
        .map(|i| TerritoryAccount {
            id: format!("a{i:02}"),
            potential: f64::from(i * 7 % 23 + 1),
            workload: f64::from(i % 5 + 1),
            fixed_rep: None,
        })
        .collect();
    accounts[0].fixed_rep = Some("r3".into());
    let plan = balance_territories(&accounts, &reps, 0.7).unwrap();
    assert!(plan.assignments.contains(&("a00".to_string(), "r3".to_string())));
    assert_eq!(plan.assignments.len(), 40);
    let max = plan.loads.iter().map(|l| l.3).fold(0.0, f64::max);
    assert!(max <= plan.bound + 1e-12, "{max} > {}", plan.bound);
    assert!(plan.imbalance < 1.1, "{}", plan.imbalance);
    assert!(balance_territories(&accounts, &[], 0.5).is_err());
}

#[test]
fn a_negative_quota_is_refused_naming_the_rep() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [deal("a", "platform", "100000", d(1, 15), &[("ann", 100)])];
    // a quota of −100k made every dollar booked count above 100% attainment: 15% on 200k
    let err = plan().statement("ann", q1, usd("-100000"), &deals, &[]).unwrap_err();
    assert!(err.to_string().contains("ann"), "{err}");
    let jan = Month::new(2026, 1).unwrap().period();
    let quotas = [Quota { rep: "bob".into(), team: "east".into(), period: jan, amount: usd("-1") }];
    let err = attainment(&quotas, &[]).unwrap_err();
    assert!(err.to_string().contains("bob"), "{err}");
    // zero stays allowed: attainment is undefined, not an error
    let zero = [Quota { amount: usd("0"), ..quotas[0].clone() }];
    assert_eq!(attainment(&zero, &[]).unwrap()[0].attainment, None);
}

#[test]
fn split_shares_that_overflow_when_summed_are_refused() {
    let mut x = deal("s", "platform", "100", d(1, 1), &[]);
    x.splits = vec![
        ("ann".into(), Percent::from_fraction(Decimal::MAX)),
        ("bob".into(), Percent::from_fraction(Decimal::MAX)),
    ];
    let err = x.credit().unwrap_err(); // the unchecked sum panicked
    assert!(err.to_string().contains("deal s"), "{err}");
}

proptest! {
    #[test]
    fn statements_always_tie(amounts in prop::collection::vec((1i64..10_000_000, 1i64..100), 1..12), quota in 1i64..50_000_000) {
        let q1 = Quarter::new(2026, 1).unwrap().period();
        let deals: Vec<CreditedDeal> = amounts.iter().enumerate().map(|(i, &(cents, share))| CreditedDeal {
            id: format!("d{i}"),
            product: if i % 2 == 0 { "security".into() } else { "platform".into() },
            amount: Money::from_minor_units(cents, Currency::USD).unwrap(),
            closed: d(2, 1),
            splits: vec![("ann".into(), pct(share)), ("bob".into(), pct(100 - share))],
        }).collect();
        let quota = Money::from_minor_units(quota, Currency::USD).unwrap();
        let ann = plan().statement("ann", q1, quota, &deals, &[]).unwrap();
        let bob = plan().statement("bob", q1, quota, &deals, &[]).unwrap();
        prop_assert_eq!(ann.total, Money::sum(Currency::USD, ann.lines.iter().map(|l| l.amount)).unwrap());
        // split credit is exact: the two reps' credit is every deal's amount
        let all = Money::sum(Currency::USD, deals.iter().map(|d| d.amount)).unwrap();
        prop_assert_eq!(ann.credited.checked_add(bob.credited).unwrap(), all);
        let _: Period = ann.period;
    }
}

#[test]
fn the_territory_bound_holds_for_five_equal_accounts_on_two_reps() {
    // LPT must put three of five equal accounts on one rep: 0.6 of the load, against a mean of 0.5
    let accounts: Vec<TerritoryAccount> = (0..5)
        .map(|i| TerritoryAccount { id: format!("a{i}"), potential: 1.0, workload: 1.0, fixed_rep: None })
        .collect();
    let plan = balance_territories(&accounts, &["r".into(), "s".into()], 0.5).unwrap();
    let max = plan.loads.iter().map(|l| l.3).fold(0.0, f64::max);
    assert!((max - 0.6).abs() < 1e-12, "{max}");
    assert!(max <= plan.bound, "largest load {max} above the bound {}", plan.bound);
}

proptest! {
    #[test]
    fn the_territory_bound_is_never_exceeded(
        accounts in prop::collection::vec((0u32..1000, 0u32..50, 0u32..8, 0u32..10), 0..40),
        reps in 1usize..6,
        weight in 0u32..=10,
    ) {
        let reps: Vec<String> = (0..reps).map(|r| format!("r{r}")).collect();
        let accounts: Vec<TerritoryAccount> = accounts.iter().enumerate().map(|(i, &(p, w, fixed, scale))| TerritoryAccount {
            id: format!("a{i:02}"),
            // some potentials large, some fractional, some zero
            potential: f64::from(p) * f64::from(scale) / 7.0,
            workload: f64::from(w) / 3.0,
            fixed_rep: if (fixed as usize) < reps.len() && fixed % 3 == 0 { Some(reps[fixed as usize].clone()) } else { None },
        }).collect();
        let plan = balance_territories(&accounts, &reps, f64::from(weight) / 10.0).unwrap();
        let max = plan.loads.iter().map(|l| l.3).fold(0.0, f64::max);
        prop_assert!(max <= plan.bound, "largest load {} above the bound {}", max, plan.bound);
        prop_assert!(plan.bound.is_finite());
    }
}

#[test]
fn territory_loads_that_overflow_are_refused() {
    let reps = vec!["r1".to_string(), "r2".to_string()];
    let big = |id: &str| TerritoryAccount { id: id.into(), potential: f64::MAX, workload: 1.0, fixed_rep: None };
    // each potential is finite, their total is not: every potential share became MAX/∞ = 0
    let r = balance_territories(&[big("a"), big("b")], &reps, 0.5);
    assert!(r.is_err(), "{r:?}");
    let nan = TerritoryAccount { potential: f64::INFINITY, ..big("c") };
    assert!(balance_territories(&[nan], &reps, 0.5).is_err());
}

#[test]
fn plans_that_cannot_pay_sensibly_are_refused() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [deal("a", "platform", "100000", d(1, 15), &[("ann", 100)])];
    let run = |p: CommissionPlan| p.statement("ann", q1, usd("100000"), &deals, &[]);
    assert!(run(plan()).is_ok());
    assert!(matches!(run(CommissionPlan { base_rate: pct(150), ..plan() }), Err(SalesError::InvalidPlan(_))));
    assert!(matches!(run(CommissionPlan { cap: Some(usd("-1")), ..plan() }), Err(SalesError::InvalidPlan(_))));
    let eur = Money::parse("1", Currency::EUR).unwrap();
    assert!(matches!(run(CommissionPlan { cap: Some(eur), ..plan() }), Err(SalesError::Money(_))));
    let mut negative = plan();
    negative.tiers[1].multiplier = Decimal::NEGATIVE_ONE;
    assert!(matches!(run(negative), Err(SalesError::InvalidPlan(_))));
    let mut shares = deals.clone();
    shares[0].splits = vec![("ann".into(), pct(150)), ("bob".into(), pct(-50))]; // sums to 100%, each wrong
    assert!(matches!(plan().statement("ann", q1, usd("1"), &shares, &[]), Err(SalesError::SplitShares { .. })));
    let ramp = RampSchedule { shares: vec![pct(120)] };
    assert!(matches!(ramp.ramped(usd("1"), 0), Err(SalesError::RampShare { tenure_month: 0, .. })));
}

/// A won deal's sales cycle is unknown without a close date, and impossible when it closes
/// before it was created: rep analytics says which deal instead of averaging a guess (the same
/// rule as `acquisition::sales_velocity`).
#[test]
fn rep_analytics_refuses_won_deals_with_unknown_or_negative_cycles() {
    use revops::acquisition::{Opportunity, Stage};
    use revops::sales::SalesError;
    let won = |id: &str, closed| Opportunity {
        id: id.into(),
        account: "a".into(),
        segment: "ent".into(),
        stage: Stage::ClosedWon,
        amount: usd("100"),
        created: d(3, 1),
        closed,
        competitor: None,
        discount: Percent::ZERO,
        probability: pct(100),
    };
    let ok = won("ok", Some(d(3, 31)));
    let early = won("early", Some(d(2, 1)));
    match rep_analytics(&[ok.clone(), early], usd("100"), 0) {
        Err(SalesError::ClosedBeforeCreated { opportunity, .. }) => assert_eq!(opportunity, "early"),
        other => panic!("{other:?}"),
    }
    match rep_analytics(&[ok, won("open-ended", None)], usd("100"), 0) {
        Err(SalesError::MissingCloseDate(id)) => assert_eq!(id, "open-ended"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rep_analytics_refuses_a_deal_with_a_negative_amount() {
    // as `acquisition::sales_velocity` and a deal row refuse it: a negative won deal would pull
    // the average deal down and a negative open one the pipeline coverage
    use revops::acquisition::{Opportunity, Stage};
    let opp = |id: &str, stage, amount: &str| Opportunity {
        id: id.into(),
        account: "a".into(),
        segment: "ent".into(),
        stage,
        amount: usd(amount),
        created: d(3, 1),
        closed: (stage == Stage::ClosedWon).then(|| d(3, 31)),
        competitor: None,
        discount: Percent::ZERO,
        probability: pct(if stage == Stage::ClosedWon { 100 } else { 50 }),
    };
    let ok = opp("ok", Stage::ClosedWon, "100");
    for bad in [opp("won", Stage::ClosedWon, "-100"), opp("open", Stage::Proposal, "-1")] {
        match rep_analytics(&[ok.clone(), bad.clone()], usd("100"), 0) {
            Err(SalesError::InvalidDeal { deal, .. }) => assert_eq!(deal, bad.id),
            other => panic!("{}: {other:?}", bad.id),
        }
    }
    assert!(rep_analytics(&[ok], usd("100"), 0).is_ok());
}

#[test]
fn a_spif_bonus_finer_than_a_cent_or_negative_is_refused_with_the_plan() {
    // a bonus of $0.005 would be rounded before it is split, paying other than the plan says
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [deal("a", "platform", "100000", d(1, 15), &[("ann", 100)])];
    for bonus in ["0.005", "-1"] {
        let mut p = plan();
        p.spifs = vec![Spif { name: "push".into(), product: "platform".into(), bonus: usd(bonus) }];
        let r = p.statement("ann", q1, usd("100000"), &deals, &[]);
        assert!(matches!(r, Err(SalesError::InvalidPlan(_))), "{bonus}: {r:?}");
    }
}

#[test]
fn a_zero_quota_pays_every_booking_at_the_base_rate() {
    // attainment is undefined without a quota, so no band (decelerator or accelerator) applies:
    // $80,000 of bookings at the plan's 10% base rate is $8,000, one line at multiplier 1
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [deal("d1", "core", "80000", d(2, 10), &[("ann", 100)])];
    let s = plan().statement("ann", q1, usd("0"), &deals, &[]).unwrap();
    assert_eq!(s.attainment, None);
    assert_eq!(s.credited, usd("80000"));
    assert_eq!(s.total, usd("8000"));
    assert_eq!(s.lines.len(), 1);
    assert_eq!(s.lines[0].kind, LineKind::Band { from_attainment: Percent::ZERO, multiplier: Decimal::ONE });
    assert_eq!((s.lines[0].basis, s.lines[0].amount), (usd("80000"), usd("8000")));
    // the cap still applies: $700,000 at 10% is $70,000, capped at $60,000
    let big = [deal("d2", "core", "700000", d(2, 10), &[("ann", 100)])];
    let s = plan().statement("ann", q1, usd("0"), &big, &[]).unwrap();
    assert_eq!(s.total, usd("60000"));
    // nothing booked: nothing paid
    let s = plan().statement("ann", q1, usd("0"), &[], &[]).unwrap();
    assert_eq!((s.total, s.lines.len()), (usd("0"), 0));
}

fn clawback(deal: &str, rep: &str, closed: NaiveDate, churned: NaiveDate, paid: &str) -> ClawbackEvent {
    ClawbackEvent { deal: deal.into(), rep: rep.into(), closed, churned, paid: usd(paid) }
}

/// Input a statement cannot pay sensibly is refused with an error that names what is wrong,
/// rather than paid twice, paid unrounded or turned into its opposite.
#[test]
fn statements_refuse_input_they_cannot_pay_and_say_why() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let ok = deal("a", "security", "100000", d(1, 15), &[("ann", 100)]);
    let run = |p: &CommissionPlan, deals: &[CreditedDeal], claws: &[ClawbackEvent]| {
        p.statement("ann", q1, usd("200000"), deals, claws).map(|_| ())
    };
    // a cap with more places than USD has (read from JSON it is refused when read)
    let sub_cent_cap = CommissionPlan { cap: Some(Money::new(Decimal::new(100005, 3), Currency::USD)), ..plan() };
    let negative_window = CommissionPlan { clawback_days: -5, ..plan() };
    let twice = deal("t", "security", "100", d(1, 15), &[("ann", 30), ("ann", 70)]);
    let negative = deal("n", "security", "-100", d(1, 15), &[("ann", 100)]);
    let early = clawback("z", "ann", d(3, 1), d(1, 10), "500");
    let refund = clawback("z", "ann", d(1, 1), d(1, 10), "-500");
    let rows: Vec<(&str, Result<(), SalesError>, &[&str])> = vec![
        ("a cap finer than a cent", run(&sub_cent_cap, &[], &[]), &["cap", "minor unit"]),
        ("a negative clawback window", run(&negative_window, &[], &[]), &["clawback", "negative"]),
        (
            "a rep named twice in a deal's splits",
            run(&plan(), std::slice::from_ref(&twice), &[]),
            &["deal t", "ann", "more than once"],
        ),
        ("credit for a rep named twice", twice.credit().map(|_| ()), &["deal t", "ann", "more than once"]),
        ("a deal id given twice", run(&plan(), &[ok.clone(), ok.clone()], &[]), &["deal a", "more than once"]),
        ("a negative deal amount", run(&plan(), std::slice::from_ref(&negative), &[]), &["deal n", "negative"]),
        ("credit of a negative deal amount", negative.credit().map(|_| ()), &["deal n", "negative"]),
        ("a churn before the close", run(&plan(), &[], &[early]), &["deal z", "ann", "before"]),
        ("a negative commission paid", run(&plan(), &[], &[refund]), &["deal z", "ann", "negative"]),
        (
            "the same clawback twice",
            run(&plan(), &[], &vec![clawback("z", "ann", d(1, 1), d(1, 10), "500"); 2]),
            &["deal z", "ann", "more than once"],
        ),
    ];
    let wrong: Vec<String> = rows
        .into_iter()
        .filter_map(|(what, result, words)| match result {
            Ok(()) => Some(format!("{what}: accepted")),
            Err(e) if !words.iter().all(|w| e.to_string().contains(w)) => {
                Some(format!("{what}: {e} (wants {words:?})"))
            }
            Err(_) => None,
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// A negative full quota is refused by a ramp as by `attainment` and statements: it ramped to a
/// negative quota, which every dollar booked then "attained".
#[test]
fn a_ramp_of_a_negative_full_quota_is_refused() {
    let ramp = RampSchedule { shares: vec![pct(50)] };
    let err = ramp.ramped(usd("-1000"), 0).unwrap_err();
    assert!(err.to_string().contains("quota") && err.to_string().contains("negative"), "{err}");
    assert_eq!(ramp.ramped(usd("0"), 0).unwrap(), usd("0")); // zero stays allowed
}

/// The edges of those refusals stay accepted: a clawback the day a deal closes, a zero window,
/// nothing paid, one deal clawed back from two reps, a cap with trailing zeros.
#[test]
fn inputs_at_the_edge_of_the_refusals_are_still_paid() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let p = CommissionPlan { clawback_days: 0, cap: Some(usd("60000.000")), ..plan() };
    let claws = [clawback("z", "ann", d(1, 10), d(1, 10), "500"), clawback("z", "bob", d(1, 10), d(1, 10), "0")];
    let deals = [deal("a", "security", "0", d(1, 15), &[("ann", 0), ("bob", 100)])];
    let s = p.statement("ann", q1, usd("200000"), &deals, &claws).unwrap();
    assert_eq!(s.total, usd("-500"));
}

/// A SPIF is split with the deal's credit, by the same largest-remainder split, so the reps'
/// SPIF lines add back to the bonus: a cent split 50/50 is a cent and nothing, not 0 + 0.
#[test]
fn a_spif_split_between_reps_adds_back_to_the_bonus() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let spif = |s: &Statement| {
        Money::sum(Currency::USD, s.lines.iter().filter(|l| matches!(l.kind, LineKind::Spif { .. })).map(|l| l.amount))
            .unwrap()
    };
    for (bonus, splits) in [
        ("0.01", &[("ann", 50), ("bob", 50)][..]),
        ("1000.01", &[("ann", 33), ("bob", 33), ("cy", 34)]),
        ("0.05", &[("ann", 10), ("bob", 45), ("cy", 45)]),
    ] {
        let p = CommissionPlan {
            spifs: vec![Spif { name: "s".into(), product: "security".into(), bonus: usd(bonus) }],
            ..plan()
        };
        let deals = [deal("b", "security", "100", d(2, 10), splits)];
        let paid: Vec<Money> =
            splits.iter().map(|(rep, _)| spif(&p.statement(rep, q1, usd("1000"), &deals, &[]).unwrap())).collect();
        assert_eq!(Money::sum(Currency::USD, paid.iter().copied()).unwrap(), usd(bonus), "{bonus} by {splits:?}");
        // the very split a deal of that amount credits
        let credit = CreditedDeal { amount: usd(bonus), ..deals[0].clone() }.credit().unwrap();
        assert_eq!(paid, credit.iter().map(|c| c.1).collect::<Vec<_>>(), "{bonus} by {splits:?}");
    }
}

/// "Every deal and clawback given is checked, whatever its rep and date, so that the same input
/// is refused for every rep rather than paid to some": a deal, a clawback or a SPIF bonus in
/// another currency than the quota is refused in every rep's statement, not only in the
/// statement of the rep it credits (bob's euro deal refused bob's statement and paid ann's).
#[test]
fn a_deal_clawback_or_spif_in_another_currency_is_refused_for_every_rep() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let eur = |s: &str| Money::parse(s, Currency::EUR).unwrap();
    let ann = deal("a", "platform", "100000", d(1, 15), &[("ann", 100)]);
    let bobs_euros = CreditedDeal { amount: eur("50000"), ..deal("b", "platform", "0", d(2, 1), &[("bob", 100)]) };
    let last_years_euros = CreditedDeal {
        amount: eur("50000"),
        ..deal("c", "platform", "0", d(1, 1) - chrono::Duration::days(200), &[("ann", 100)])
    };
    let bobs_claw = ClawbackEvent { paid: eur("500"), ..clawback("z", "bob", d(1, 10), d(2, 10), "0") };
    let mut euro_spif = plan();
    euro_spif.spifs = vec![Spif { name: "push".into(), product: "security".into(), bonus: eur("1000") }];
    let p = plan();
    let cases: Vec<(&str, &CommissionPlan, Vec<CreditedDeal>, Vec<ClawbackEvent>)> = vec![
        ("bob's deal in euros", &p, vec![ann.clone(), bobs_euros.clone()], vec![]),
        ("a deal in euros outside the period", &p, vec![ann.clone(), last_years_euros], vec![]),
        ("bob's clawback in euros", &p, vec![ann.clone()], vec![bobs_claw]),
        ("a SPIF in euros on a product ann did not sell", &euro_spif, vec![ann.clone()], vec![]),
    ];
    for (what, p, deals, claws) in cases {
        for rep in ["ann", "bob"] {
            let r = p.statement(rep, q1, usd("200000"), &deals, &claws);
            assert!(matches!(r, Err(SalesError::Money(_))), "{what}, {rep}'s statement: {r:?}");
        }
    }
    // the same input in dollars is paid
    assert!(p
        .statement("ann", q1, usd("200000"), &[ann, deal("b", "platform", "50000", d(2, 1), &[("bob", 100)])], &[])
        .is_ok());
}

/// A deal's credit is "its amount split by credit shares, exactly": an amount with digits below
/// the cent cannot be split into cents that add back to it, so it is refused naming the deal
/// (as a SPIF bonus or cap finer than a cent is), rather than rounded first: $100.005 credited
/// $100.00 and $0.005 credited nothing at all.
#[test]
fn a_deal_amount_finer_than_a_cent_is_refused_not_credited_rounded() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    for amount in ["100.005", "0.005"] {
        let x = deal("f", "platform", amount, d(1, 15), &[("ann", 50), ("bob", 50)]);
        match x.credit() {
            Err(SalesError::InvalidDeal { deal, .. }) => assert_eq!(deal, "f"),
            other => panic!("credit of {amount}: {other:?}"),
        }
        let r = plan().statement("ann", q1, usd("1000"), &[x], &[]);
        assert!(matches!(&r, Err(SalesError::InvalidDeal { deal, .. }) if deal == "f"), "{amount}: {r:?}");
    }
    // trailing zeros are still whole cents
    let ok = deal("g", "platform", "100.0100", d(1, 15), &[("ann", 50), ("bob", 50)]);
    assert_eq!(ok.credit().unwrap().iter().map(|c| c.1).collect::<Vec<_>>(), [usd("50.01"), usd("50.00")]);
}

/// Rep analytics documents "a money error when an opportunity is not in the quota's currency":
/// a lost opportunity in euros was counted in the win rate of a dollar quota without a word
/// (only won and open amounts were summed, and so checked).
#[test]
fn rep_analytics_refuses_a_lost_opportunity_in_another_currency() {
    use revops::acquisition::{Opportunity, Stage};
    let opp = |id: &str, stage, amount: Money| Opportunity {
        id: id.into(),
        account: "a".into(),
        segment: "ent".into(),
        stage,
        amount,
        created: d(3, 1),
        closed: Some(d(3, 31)),
        competitor: None,
        discount: Percent::ZERO,
        probability: pct(if stage == Stage::ClosedWon { 100 } else { 0 }),
    };
    let won = opp("won", Stage::ClosedWon, usd("100"));
    let lost = opp("lost", Stage::ClosedLost, Money::parse("100", Currency::EUR).unwrap());
    let r = rep_analytics(&[won.clone(), lost], usd("100"), 0);
    assert!(matches!(r, Err(SalesError::Money(_))), "{r:?}");
    let lost = opp("lost", Stage::ClosedLost, usd("100"));
    assert_eq!(rep_analytics(&[won, lost], usd("100"), 0).unwrap().win_rate, Some(0.5));
}

/// A rep named twice in the reps to balance over held two loads in the plan: every account went
/// to "ann" while the plan reported two reps evenly loaded (imbalance 1). It is refused, naming
/// the rep.
#[test]
fn territory_balancing_refuses_a_rep_given_twice() {
    let accounts: Vec<TerritoryAccount> = (0..4)
        .map(|i| TerritoryAccount { id: format!("a{i}"), potential: 1.0, workload: 1.0, fixed_rep: None })
        .collect();
    let r = balance_territories(&accounts, &["ann".into(), "ann".into()], 0.5);
    match r {
        Err(e) => assert!(e.to_string().contains("ann") && e.to_string().contains("more than once"), "{e}"),
        Ok(plan) => panic!("accepted: {:?}, imbalance {}", plan.loads, plan.imbalance),
    }
}

/// An account given twice (a re-delivered CRM export) was assigned twice, its potential and
/// workload counted twice, and could land with two reps at once. It is refused, naming it.
#[test]
fn territory_balancing_refuses_an_account_given_twice() {
    let a = |id: &str, fixed: Option<&str>| TerritoryAccount {
        id: id.into(),
        potential: 5.0,
        workload: 1.0,
        fixed_rep: fixed.map(str::to_string),
    };
    let reps = vec!["ann".to_string(), "bob".to_string()];
    for accounts in [
        vec![a("acme", Some("ann")), a("acme", None), a("zeta", None)],
        vec![a("acme", None), a("zeta", None), a("acme", None)],
    ] {
        match balance_territories(&accounts, &reps, 0.5) {
            Err(e) => assert!(e.to_string().contains("acme") && e.to_string().contains("more than once"), "{e}"),
            Ok(plan) => panic!("accepted: {:?}", plan.assignments),
        }
    }
}

/// "Deterministic: ties go to the earlier account id and the earlier rep", whatever order the
/// accounts come in. Here ann holds fixed accounts of potential 0.7 + 0.3 + 0.9 and workload 2,
/// bob one of potential 0.3 and workload 2; LPT gives bob the larger movable account (potential
/// 0.5, workload 2), after which both carry exactly 5/11 of the combined load (potential 3.3 and
/// workload 6 in all, weighted 1/2 each): 0.95/3.3 + 1/6 = 0.4/3.3 + 1/3. The last account is a
/// tie, so it goes to ann, the earlier rep. It went to bob in this order and to ann with the
/// accounts reversed: the floating-point sums, added in input order, decided the tie.
#[test]
fn a_territory_tie_goes_to_the_earlier_rep_whatever_the_order_of_the_accounts() {
    let a = |id: &str, potential: f64, workload: f64, fixed: Option<&str>| TerritoryAccount {
        id: id.into(),
        potential,
        workload,
        fixed_rep: fixed.map(str::to_string),
    };
    let accounts = vec![
        a("a0", 0.7, 1.0, Some("ann")),
        a("a1", 0.3, 1.0, Some("ann")),
        a("a2", 0.3, 2.0, Some("bob")),
        a("a3", 0.9, 0.0, Some("ann")),
        a("a4", 0.5, 2.0, None),
        a("a5", 0.6, 0.0, None),
    ];
    let reps = vec!["ann".to_string(), "bob".to_string()];
    let expected = [("a0", "ann"), ("a1", "ann"), ("a2", "bob"), ("a3", "ann"), ("a4", "bob"), ("a5", "ann")];
    let mut first: Option<TerritoryPlan> = None;
    for turn in 0..accounts.len() {
        for reversed in [false, true] {
            let mut order = accounts.clone();
            order.rotate_left(turn);
            if reversed {
                order.reverse();
            }
            let plan = balance_territories(&order, &reps, 0.5).unwrap();
            let mut got: Vec<(String, String)> = plan.assignments.clone();
            got.sort();
            let want: Vec<(String, String)> = expected.iter().map(|(x, r)| (x.to_string(), r.to_string())).collect();
            assert_eq!(got, want, "accounts rotated {turn}, reversed {reversed}");
            // and the very same plan, to the bit
            match &first {
                None => first = Some(plan),
                Some(p) => assert_eq!(&plan, p, "accounts rotated {turn}, reversed {reversed}"),
            }
        }
    }
}

/// A statement is documented as "`total = Σ lines`, to the cent", with every line "rounded".
/// Read back from JSON it is the same statement; JSON whose total no longer ties to its lines,
/// or with a line finer than a cent or in another currency, is refused saying so (a tampered
/// total of $10,000 on $19,000 of lines was read as a valid statement).
#[test]
fn a_statement_read_from_json_ties_or_is_refused() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [
        deal("a", "platform", "200000", d(1, 15), &[("ann", 100)]),
        deal("b", "security", "100000", d(2, 10), &[("ann", 50), ("bob", 50)]),
    ];
    let claws = [clawback("z", "ann", d(1, 2), d(3, 1), "4000")];
    let s = plan().statement("ann", q1, usd("200000"), &deals, &claws).unwrap();
    assert_eq!(s.total, usd("19000"));
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(serde_json::from_value::<Statement>(json.clone()).unwrap(), s);
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut j = json.clone();
        f(&mut j);
        serde_json::from_value::<Statement>(j).map_err(|e| e.to_string())
    };
    let rows: Vec<(&str, Result<Statement, String>, &str)> = vec![
        ("a total that does not tie", tamper(&|j| j["total"]["amount"] = "10000".into()), "total"),
        ("a line changed under its total", tamper(&|j| j["lines"][0]["amount"]["amount"] = "1".into()), "total"),
        (
            "a line finer than a cent",
            tamper(&|j| {
                j["lines"][0]["amount"]["amount"] = "4999.995".into();
                j["lines"][1]["amount"]["amount"] = "10000.005".into();
            }),
            "minor unit",
        ),
        ("a line in euros", tamper(&|j| j["lines"][0]["amount"]["currency"] = "EUR".into()), "currency"),
    ];
    for (what, r, word) in rows {
        match r {
            Ok(back) => panic!("{what}: accepted, total {} on lines {:?}", back.total, back.lines),
            Err(e) => assert!(e.contains(word), "{what}: {e} (wants {word:?})"),
        }
    }
}

/// An attainment is "booked ÷ quota (`None` for a zero quota)". Read back from JSON it is the
/// same; JSON whose attainment is not its booked ÷ quota, with a negative quota, or booked in
/// another currency, is refused (200% on $80,000 of a $100,000 quota was read as valid).
#[test]
fn an_attainment_read_from_json_is_booked_over_quota_or_is_refused() {
    let jan = Month::new(2026, 1).unwrap().period();
    let quotas = [
        Quota { rep: "ann".into(), team: "east".into(), period: jan, amount: usd("100000") },
        Quota { rep: "bob".into(), team: "east".into(), period: jan, amount: usd("0") },
        Quota { rep: "cy".into(), team: "east".into(), period: jan, amount: usd("300000") },
    ];
    let bookings = [
        Booking { rep: "ann".into(), date: d(1, 31), amount: usd("80000") },
        Booking { rep: "cy".into(), date: d(1, 1), amount: usd("100000") },
    ];
    let a = attainment(&quotas, &bookings).unwrap();
    assert_eq!(a[0].attainment, Some(pct(80)));
    assert_eq!(a[1].attainment, None);
    for x in &a {
        let json = serde_json::to_value(x).unwrap();
        assert_eq!(&serde_json::from_value::<Attainment>(json).unwrap(), x);
    }
    let json = serde_json::to_value(&a[0]).unwrap();
    let tamper = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut j = json.clone();
        f(&mut j);
        serde_json::from_value::<Attainment>(j)
    };
    let rows = [
        ("an attainment that is not booked ÷ quota", tamper(&|j| j["attainment"] = "200%".into())),
        ("no attainment on a quota", tamper(&|j| j["attainment"] = serde_json::Value::Null)),
        ("an attainment on a zero quota", tamper(&|j| j["quota"]["amount"] = "0".into())),
        (
            "a negative quota",
            tamper(&|j| {
                j["quota"]["amount"] = "-100000".into();
                j["attainment"] = "-80%".into();
            }),
        ),
        ("booked in euros", tamper(&|j| j["booked"]["currency"] = "EUR".into())),
    ];
    for (what, r) in rows {
        assert!(r.is_err(), "{what}: accepted {r:?}");
    }
}

/// The commission paid on a churned deal is what is deducted: a paid amount finer than a cent
/// is refused naming the deal and rep (as a deal, SPIF bonus or cap finer than a cent is),
/// rather than rounded where no doc says it is ($10.005 paid was clawed back as $10.00, $0.005
/// as nothing).
#[test]
fn a_clawback_of_a_commission_finer_than_a_cent_is_refused_not_rounded() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    for paid in ["10.005", "0.005"] {
        let r = plan().statement("ann", q1, usd("1000"), &[], &[clawback("z", "ann", d(1, 2), d(3, 1), paid)]);
        match r {
            Err(e @ SalesError::InvalidClawback { .. }) => {
                assert!(e.to_string().contains("deal z") && e.to_string().contains("ann"), "{e}")
            }
            other => panic!("{paid}: {other:?}"),
        }
    }
    let s = plan().statement("ann", q1, usd("1000"), &[], &[clawback("z", "ann", d(1, 2), d(3, 1), "10.010")]).unwrap();
    assert_eq!(s.total, usd("-10.01"));
}

/// A tie is "equal loads added up differently": a float sum is off from its exact value by a
/// relative rounding, so only loads that close *relative to their size* can be equal loads.
/// The tolerance was an absolute `4 (n + m + 4) ε`, sized for a load of the whole (1): with
/// loads far below the whole they counted as tied loads no rounding could have made equal.
/// Here ann holds nearly all the potential, fixed; bob and cy share twenty equal accounts. Cy
/// sat at exactly 0 (a sum of nothing) while bob, the earlier rep, took all twenty; LPT gives
/// ten each.
#[test]
fn a_territory_tie_is_only_loads_rounding_could_have_made_equal() {
    let mut accounts =
        vec![TerritoryAccount { id: "key".into(), potential: 1e15, workload: 1.0, fixed_rep: Some("ann".into()) }];
    accounts.extend((0..20).map(|i| TerritoryAccount {
        id: format!("s{i:02}"),
        potential: 1.0,
        workload: 1.0,
        fixed_rep: None,
    }));
    let reps: Vec<String> = ["ann", "bob", "cy"].iter().map(|r| r.to_string()).collect();
    let plan = balance_territories(&accounts, &reps, 1.0).unwrap();
    let held = |rep: &str| plan.assignments.iter().filter(|(_, r)| r == rep).count();
    assert_eq!((held("ann"), held("bob"), held("cy")), (1, 10, 10), "{:?}", plan.loads);
    let max = plan.loads.iter().map(|l| l.3).fold(0.0, f64::max);
    assert!(max <= plan.bound, "largest load {max} above the bound {}", plan.bound);
}

/// A statement read from JSON is documented to have its "lines in the statement's currency";
/// a line is its basis as much as its amount, yet a basis in euros on a dollar statement was
/// read as valid (only the amounts were summed, and so checked).
#[test]
fn a_statement_line_whose_basis_is_in_another_currency_is_refused_from_json() {
    let q1 = Quarter::new(2026, 1).unwrap().period();
    let deals = [deal("a", "platform", "200000", d(1, 15), &[("ann", 100)])];
    let s = plan().statement("ann", q1, usd("200000"), &deals, &[]).unwrap();
    let mut json = serde_json::to_value(&s).unwrap();
    assert_eq!(serde_json::from_value::<Statement>(json.clone()).unwrap(), s);
    json["lines"][0]["basis"]["currency"] = "EUR".into();
    match serde_json::from_value::<Statement>(json) {
        Ok(back) => panic!("accepted a basis of {} on a statement in dollars", back.lines[0].basis),
        Err(e) => assert!(e.to_string().contains("currency"), "{e}"),
    }
}

/// A re-delivered CRM record (the same opportunity id twice) counted twice: a won and a lost
/// deal with the won one delivered again gave a win rate of 2/3, not 1/2. A repeated id is
/// refused, naming it, as a repeated account or rep is in territory balancing.
#[test]
fn rep_analytics_refuses_an_opportunity_id_given_twice() {
    use revops::acquisition::{Opportunity, Stage};
    let opp = |id: &str, stage, created: NaiveDate| Opportunity {
        id: id.into(),
        account: "a".into(),
        segment: "ent".into(),
        stage,
        amount: usd("100"),
        created,
        closed: Some(d(3, 31)),
        competitor: None,
        discount: Percent::ZERO,
        probability: pct(if stage == Stage::ClosedWon { 100 } else { 0 }),
    };
    let won = opp("006-won", Stage::ClosedWon, d(3, 1));
    let lost = opp("006-lost", Stage::ClosedLost, d(3, 1));
    // by hand: 1 won of 2 closed, a 30-day cycle
    let once = rep_analytics(&[won.clone(), lost.clone()], usd("100"), 0).unwrap();
    assert_eq!((once.closed, once.win_rate, once.cycle_days), (2, Some(0.5), Some(30.0)));
    // the same record again, and the same id with other fields (which one would count?)
    for again in [won.clone(), opp("006-won", Stage::ClosedWon, d(3, 21))] {
        match rep_analytics(&[won.clone(), lost.clone(), again], usd("100"), 0) {
            Err(SalesError::RepeatedOpportunity(id)) => assert_eq!(id, "006-won"),
            other => panic!("{other:?}"),
        }
    }
}

/// A commission plan or a credited deal read from JSON was checked only when a statement used
/// it: a plan whose bands skip 0% or a deal whose shares sum to 90% read back without a word.
/// Read from JSON each goes through the checks a statement makes, and says what is wrong.
#[cfg(feature = "serde")]
#[test]
fn commission_plans_and_credited_deals_read_from_json_are_checked_when_read() {
    // what is valid reads back as it was
    let json = serde_json::to_value(plan()).unwrap();
    assert_eq!(serde_json::from_value::<CommissionPlan>(json.clone()).unwrap(), plan());
    let ok = deal("d-1", "security", "100.01", d(1, 15), &[("ann", 50), ("bob", 50)]);
    let deal_json = serde_json::to_value(&ok).unwrap();
    assert_eq!(serde_json::from_value::<CreditedDeal>(deal_json.clone()).unwrap(), ok);
    let plan_refused = |f: &dyn Fn(&mut serde_json::Value), words: &[&str]| {
        let mut j = json.clone();
        f(&mut j);
        match serde_json::from_value::<CommissionPlan>(j) {
            Err(e) => assert!(words.iter().all(|w| e.to_string().contains(w)), "{e}"),
            Ok(p) => panic!("accepted {p:?}"),
        }
    };
    plan_refused(&|j| j["tiers"][0]["from_attainment"] = "10%".into(), &["bands", "0%"]);
    plan_refused(&|j| j["tiers"][2]["from_attainment"] = "50%".into(), &["bands", "increase"]);
    plan_refused(&|j| j["base_rate"] = "120%".into(), &["base rate"]);
    plan_refused(&|j| j["tiers"][1]["multiplier"] = "-1".into(), &["multiplier"]);
    plan_refused(&|j| j["cap"]["amount"] = "-1".into(), &["cap", "negative"]);
    plan_refused(&|j| j["cap"]["amount"] = "100.005".into(), &["cap", "minor unit"]);
    plan_refused(&|j| j["spifs"][0]["bonus"]["amount"] = "-1".into(), &["SPIF"]);
    plan_refused(&|j| j["spifs"][0]["bonus"]["currency"] = "EUR".into(), &["SPIF"]);
    plan_refused(&|j| j["clawback_days"] = (-5).into(), &["clawback"]);
    let deal_refused = |f: &dyn Fn(&mut serde_json::Value), words: &[&str]| {
        let mut j = deal_json.clone();
        f(&mut j);
        match serde_json::from_value::<CreditedDeal>(j) {
            Err(e) => assert!(words.iter().all(|w| e.to_string().contains(w)), "{e}"),
            Ok(p) => panic!("accepted {p:?}"),
        }
    };
    deal_refused(&|j| j["splits"][1][1] = "40%".into(), &["d-1", "sum to exactly 100%"]);
    deal_refused(&|j| j["splits"][1][0] = "ann".into(), &["d-1", "ann", "more than once"]);
    deal_refused(&|j| j["amount"]["amount"] = "-100".into(), &["d-1", "negative"]);
    deal_refused(&|j| j["amount"]["amount"] = "100.001".into(), &["d-1", "minor unit"]);
}
