//! No panics in revrec and ledger: contracts, allocation, schedules, modifications, journals.
//!
//! Every public revrec and ledger function and constructor is called with extreme inputs
//! (`Decimal::MAX`/`MIN`, 28-scale amounts, zero and negative amounts, percents far outside
//! [0%, 100%], `NaiveDate::MIN`/`MAX`, empty and long collections); every revrec and ledger
//! `Deserialize` type is fed JSON made adversarial by mutating a valid value, and whatever is
//! accepted is then used (scheduled, allocated, modified, posted). An error is fine; a panic
//! fails the test.

#[allow(unused_imports)]
use super::*;

use revops::ledger::{Account, InMemoryLedger, JournalEntry, JournalLine, LedgerSink};
use revops::money::Percent;
use revops::revrec::*;

const TERM_START: (i32, u32, u32) = (2026, 1, 1);

fn day(n: i64) -> NaiveDate {
    d(TERM_START.0, TERM_START.1, TERM_START.2) + chrono::Duration::days(n)
}

fn wild_date() -> BoxedStrategy<NaiveDate> {
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (-400i64..1_500).prop_map(day),
        any::<i32>().prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MIN)),
    ]
    .boxed()
}

fn wild_period() -> BoxedStrategy<Period> {
    (wild_date(), wild_date()).prop_map(|(a, b)| Period::new(a.min(b), a.max(b)).unwrap()).boxed()
}

fn wild_currency() -> BoxedStrategy<Currency> {
    prop_oneof![4 => Just(Currency::USD), 1 => Just(Currency::JPY), 1 => Just(Currency::KWD), 1 => Just(Currency::EUR)]
        .boxed()
}

fn wild_money() -> BoxedStrategy<Money> {
    prop_oneof![
        4 => extreme_decimal().prop_map(|a| Money::new(a, Currency::USD)),
        1 => (extreme_decimal(), wild_currency()).prop_map(|(a, c)| Money::new(a, c)),
        3 => (0i64..10_000_000).prop_map(|n| Money::from_minor_units(n, Currency::USD).unwrap()),
    ]
    .boxed()
}

fn wild_percent() -> BoxedStrategy<Percent> {
    prop_oneof![
        Just(Percent::ZERO),
        Just(Percent::HUNDRED),
        (0i64..=100).prop_map(|p| Percent::from_fraction(Decimal::new(p, 2))),
        extreme_decimal().prop_map(Percent::from_fraction),
    ]
    .boxed()
}

fn wild_quantity() -> BoxedStrategy<Decimal> {
    prop_oneof![(0i64..1_000).prop_map(Decimal::from), extreme_decimal()].boxed()
}

fn wild_pattern() -> BoxedStrategy<SatisfactionPattern> {
    prop_oneof![
        wild_period().prop_map(SatisfactionPattern::RatablyByDay),
        wild_period().prop_map(SatisfactionPattern::RatablyByMonth),
        wild_period().prop_map(SatisfactionPattern::RatablyByMonthProrated),
        wild_date().prop_map(SatisfactionPattern::PointInTime),
        prop::collection::vec((wild_quantity(), prop::option::of(wild_date())), 0..4).prop_map(|ms| {
            SatisfactionPattern::Milestones(
                ms.into_iter()
                    .enumerate()
                    .map(|(i, (weight, achieved))| Milestone { name: format!("m{i}"), weight, achieved })
                    .collect(),
            )
        }),
        prop::collection::vec((wild_date(), wild_percent()), 0..4).prop_map(|rs| {
            SatisfactionPattern::PercentComplete(
                rs.into_iter().map(|(as_of, complete)| ProgressReport { as_of, complete }).collect(),
            )
        }),
        (wild_quantity(), prop::collection::vec((wild_date(), wild_quantity()), 0..4)).prop_map(|(committed, rs)| {
            SatisfactionPattern::Usage {
                committed,
                reports: rs.into_iter().map(|(date, quantity)| UsageReport { date, quantity }).collect(),
            }
        }),
    ]
    .boxed()
}

fn wild_ssp() -> BoxedStrategy<Ssp> {
    prop_oneof![
        3 => wild_money().prop_map(Ssp::Observable),
        1 => (wild_money(), wild_money(), wild_money()).prop_map(|(low, point, high)| Ssp::Range { low, point, high }),
        1 => (prop::option::of(wild_money()), prop::option::of(wild_money())).prop_map(|(low, high)| Ssp::Residual { low, high }),
    ]
    .boxed()
}

fn wild_obligation() -> BoxedStrategy<PerformanceObligation> {
    // ids from a small set, so duplicates and references by name happen
    (0u8..5, wild_ssp(), wild_pattern())
        .prop_map(|(i, ssp, pattern)| PerformanceObligation { id: format!("o{i}"), ssp, pattern })
        .boxed()
}

fn wild_estimate() -> BoxedStrategy<Option<VariableEstimate>> {
    let method = prop_oneof![Just(EstimateMethod::ExpectedValue), Just(EstimateMethod::MostLikelyAmount)];
    let outcomes = prop_oneof![
        // a valid split of 100%
        (wild_money(), wild_money(), 0i64..=100).prop_map(|(a, b, p)| vec![
            Outcome { amount: a, probability: Percent::from_fraction(Decimal::new(p, 2)) },
            Outcome {
                amount: Money::new(b.amount(), a.currency()),
                probability: Percent::from_fraction(Decimal::new(100 - p, 2))
            },
        ]),
        prop::collection::vec((wild_money(), wild_percent()), 0..4)
            .prop_map(|os| os.into_iter().map(|(amount, probability)| Outcome { amount, probability }).collect()),
    ];
    (wild_date(), method, outcomes)
        .prop_map(|(as_of, method, outcomes)| VariableEstimate::new(as_of, method, outcomes).ok())
        .boxed()
}

fn wild_variable() -> BoxedStrategy<VariableConsideration> {
    (0u8..3, prop::collection::vec(wild_estimate(), 0..3), prop::option::of(0u8..6))
        .prop_map(|(n, es, tie)| VariableConsideration {
            name: format!("v{n}"),
            estimates: es.into_iter().flatten().collect(),
            applies_to: tie.map(|i| format!("o{i}")),
        })
        .boxed()
}

fn wild_price() -> BoxedStrategy<TransactionPrice> {
    let discount =
        (wild_money(), prop::option::of(prop::collection::vec(0u8..6, 0..3))).prop_map(|(amount, ids)| Discount {
            name: "d".into(),
            amount,
            applies_to: ids.map(|ids| ids.into_iter().map(|i| format!("o{i}")).collect()),
        });
    let policy = wild_percent().prop_map(|p| ConstraintPolicy::new(p).unwrap_or_default());
    (wild_money(), prop::collection::vec(discount, 0..3), prop::collection::vec(wild_variable(), 0..3), policy)
        .prop_map(|(fixed, discounts, variable, constraint)| TransactionPrice {
            fixed,
            discounts,
            variable,
            constraint,
        })
        .boxed()
}

fn wild_contract() -> BoxedStrategy<Contract> {
    (prop::collection::vec(wild_obligation(), 0..4), wild_price(), wild_period(), wild_currency())
        .prop_map(|(obligations, price, term, currency)| {
            // mostly in the price's currency, so that validation gets past the currency checks
            let currency = if currency == Currency::EUR { currency } else { price.fixed.currency() };
            Contract { id: "C".into(), customer: "k".into(), currency, term, obligations, price }
        })
        .boxed()
}

/// Reporting periods: usually contiguous months, sometimes arbitrary periods.
fn wild_periods() -> BoxedStrategy<Vec<Period>> {
    prop_oneof![
        4 => ((-12i32..60), 0usize..14).prop_map(|(from, n)| {
            let first = Month::new(2026, 1).unwrap().checked_add(from).unwrap();
            (0..n).map(|k| first.checked_add(k as i32).unwrap().period()).collect()
        }),
        1 => prop::collection::vec(wild_period(), 0..4),
    ]
    .boxed()
}

fn wild_billings() -> BoxedStrategy<Vec<Billing>> {
    prop::collection::vec((wild_date(), wild_money()).prop_map(|(date, amount)| Billing { date, amount }), 0..5).boxed()
}

fn wild_modification() -> BoxedStrategy<Modification> {
    let treatment = prop::option::of(prop_oneof![
        Just(ModificationTreatment::SeparateContract),
        Just(ModificationTreatment::TerminateAndCreate),
        Just(ModificationTreatment::CumulativeCatchUp),
    ]);
    (
        wild_date(),
        prop::collection::vec(wild_obligation(), 0..2),
        prop::collection::vec(wild_obligation(), 0..2),
        prop::collection::vec(wild_variable(), 0..2),
        wild_money(),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        treatment,
    )
        .prop_map(|(effective, added, updated, variable, extra, (a, p, r), treatment)| Modification {
            effective,
            added,
            updated,
            variable,
            additional_consideration: extra,
            new_contract_id: "C2".into(),
            facts: ModificationFacts {
                adds_distinct_goods: a,
                priced_at_standalone_price: p,
                remaining_goods_distinct: r,
            },
            treatment,
        })
        .boxed()
}

/// Use a schedule every way there is.
fn exercise_schedule(s: &ContractSchedule, billings: &[Billing], from: NaiveDate) {
    let _ = (s.contract_id(), s.currency(), s.periods(), s.line_count());
    for o in s.obligations() {
        let _ = (o.obligation_id(), o.allocated(), o.before(), o.amounts(), o.after());
    }
    let _ = (s.period_totals(), s.total_before(), s.total_after(), s.total_allocated());
    if let Ok(rf) = s.rollforward(billings) {
        let _ = rf.end_position().map(|p| (p.liability(), p.asset()));
        for r in &rf.rows {
            let _ = (r.opening.liability(), r.closing.asset());
        }
    }
    let _ = s.waterfall(from);
    if let Ok(entries) = s.journal_entries(billings) {
        for e in &entries {
            exercise_entry(e);
        }
    }
    let mut ledger = InMemoryLedger::new();
    let before = ledger.clone();
    if s.post_journal(billings, &mut ledger).is_err() {
        assert_eq!(ledger, before, "a failed posting to an accepting ledger must post nothing");
    }
    let _ = ledger.balance(Account::DeferredRevenue, s.currency());
}

fn exercise_entry(e: &JournalEntry) {
    let _ = (e.date(), e.reference(), e.memo(), e.currency());
    for l in e.lines() {
        let _ = (l.debit(), l.credit());
    }
    for a in
        [Account::Revenue, Account::DeferredRevenue, Account::ContractAsset, Account::AccountsReceivable, Account::Cash]
    {
        let _ = e.net(a);
    }
    let mut ledger = InMemoryLedger::new();
    let _ = ledger.post(e.clone());
    let _ = ledger.balance(Account::Revenue, e.currency());
    let _ = ledger.entries();
}

/// Use a contract every way there is.
fn exercise_contract(c: &Contract, periods: &[Period], billings: &[Billing], when: NaiveDate) {
    let _ = c.validate();
    for cut in [NaiveDate::MIN, when, NaiveDate::MAX] {
        if let Ok(a) = allocate(c, cut) {
            let _ = (a.transaction_price(), a.lines(), a.spread(), a.amount_for("o0"));
        }
        let _ = c.price.amount_before(cut);
    }
    for o in &c.obligations {
        let _ = o.pattern.progress_before(when);
        let _ = o.pattern.progress_before(NaiveDate::MAX);
        let _ = o.pattern.completes_by();
    }
    for v in &c.price.variable {
        for e in &v.estimates {
            let _ =
                (e.as_of(), e.method(), e.outcomes(), e.currency(), e.estimate(), e.constrained(c.price.constraint));
        }
    }
    if let Ok(s) = ContractSchedule::build(c, periods) {
        exercise_schedule(&s, billings, when);
    }
}

proptest! {
    #![proptest_config(super::cases(200))]

    #[test]
    fn contracts_schedules_and_journals_survive_extreme_inputs(
        c in wild_contract(),
        periods in wild_periods(),
        billings in wild_billings(),
        when in wild_date(),
    ) {
        exercise_contract(&c, &periods, &billings, when);
    }

    #[test]
    fn modifications_survive_extreme_inputs(
        c in wild_contract(),
        m in wild_modification(),
        periods in wild_periods(),
        billings in wild_billings(),
    ) {
        let _ = m.facts.treatment();
        if let Ok(out) = modify(&c, &m) {
            let _ = out.catch_up_total();
            exercise_contract(&out.contract, &periods, &billings, m.effective);
            if let Ok(s) = schedule_across(&c, &out, &periods) {
                exercise_schedule(&s, &billings, m.effective);
            }
        }
    }

    #[test]
    fn estimates_and_constraints_survive_extreme_outcomes(
        e in wild_estimate(),
        confidence in wild_percent(),
        outcomes in prop::collection::vec((wild_money(), wild_percent()), 0..6),
        as_of in wild_date(),
    ) {
        let policy = ConstraintPolicy::new(confidence);
        let outcomes: Vec<Outcome> = outcomes.into_iter().map(|(amount, probability)| Outcome { amount, probability }).collect();
        for method in [EstimateMethod::ExpectedValue, EstimateMethod::MostLikelyAmount] {
            if let Ok(e) = VariableEstimate::new(as_of, method, outcomes.clone()) {
                let _ = (e.estimate(), e.constrained(policy.clone().unwrap_or_default()));
            }
        }
        if let Some(e) = e {
            let _ = (e.estimate(), e.constrained(ConstraintPolicy::default()));
        }
    }

    #[test]
    fn journal_entries_and_ledgers_survive_extreme_lines(
        date in wild_date(),
        lines in prop::collection::vec((0usize..8, wild_money()), 0..6),
    ) {
        let accounts = [
            Account::Revenue, Account::DeferredRevenue, Account::ContractAsset, Account::AccountsReceivable,
            Account::Cash, Account::TaxPayable, Account::CustomerCredit, Account::FxGainLoss,
        ];
        let lines: Vec<JournalLine> = lines.into_iter().map(|(a, amount)| JournalLine { account: accounts[a], amount }).collect();
        // a balancing line makes the entry valid often enough to be used
        let mut balanced = lines.clone();
        if let Some(first) = lines.first() {
            if let Ok(sum) = Money::sum(first.amount.currency(), lines.iter().map(|l| l.amount)) {
                balanced.push(JournalLine { account: Account::Cash, amount: -sum });
            }
        }
        for lines in [lines, balanced] {
            if let Ok(e) = JournalEntry::new(date, "R", "m", lines) {
                let sum = Money::sum(e.currency(), e.lines().iter().map(|l| l.amount)).unwrap();
                prop_assert!(sum.is_zero());
                exercise_entry(&e);
            }
        }
    }

    #[test]
    fn schedules_from_parts_survive_extreme_amounts(
        amounts in prop::collection::vec(wild_money(), 0..5),
        before in wild_money(),
        after in wild_money(),
        periods in wild_periods(),
        billings in wild_billings(),
    ) {
        let allocated = Money::sum(before.currency(), [before, after].into_iter().chain(amounts.iter().copied())).unwrap_or(before);
        for alloc in [allocated, before] {
            if let Ok(o) = ObligationSchedule::new("o".into(), alloc, before, amounts.clone(), after) {
                if let Ok(s) = ContractSchedule::new("C".into(), alloc.currency(), periods.clone(), vec![o.clone(), o]) {
                    exercise_schedule(&s, &billings, day(0));
                }
            }
        }
    }
}

proptest! {
    // long collections: few cases, each a big contract
    #![proptest_config(super::cases(16))]

    #[test]
    fn long_contracts_survive(n in 1usize..400, months in 1usize..200, seed in any::<u64>()) {
        // many obligations and many periods, every pattern, one schedule
        let term = Period::new(day(0), day(6_000)).unwrap();
        let usd = |minor: i64| Money::from_minor_units(minor, Currency::USD).unwrap();
        let obligations = (0..n).map(|i| {
            let p = Period::new(day((i as i64 * 7) % 3_000), day(3_000 + (seed % 97) as i64)).unwrap();
            let pattern = match (i as u64 + seed) % 4 {
                0 => SatisfactionPattern::RatablyByDay(p),
                1 => SatisfactionPattern::RatablyByMonth(p),
                2 => SatisfactionPattern::RatablyByMonthProrated(p),
                _ => SatisfactionPattern::PointInTime(p.start()),
            };
            PerformanceObligation { id: format!("o{i}"), ssp: Ssp::Observable(usd(1 + (seed % 1_000) as i64 + i as i64)), pattern }
        }).collect();
        let c = Contract { id: "L".into(), customer: "k".into(), currency: Currency::USD, term, obligations, price: TransactionPrice::fixed(usd(10_000_000)) };
        let periods: Vec<Period> = (0..months).map(|k| Month::new(2026, 1).unwrap().checked_add(k as i32).unwrap().period()).collect();
        let s = revops::revrec::ContractSchedule::build(&c, &periods).unwrap();
        prop_assert_eq!(s.total_allocated().unwrap(), usd(10_000_000));
    }
}

// ---- adversarial JSON ----

use super::json::{mutated, ops};

/// A valid contract to start mutating from: every pattern, discounts, a residual, variable
/// consideration tied and not.
fn base_contract() -> Contract {
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    let term = Period::new(day(0), day(365)).unwrap();
    let pct = |s: &str| s.parse::<Percent>().unwrap();
    let ob = |id: &str, ssp, pattern| PerformanceObligation { id: id.into(), ssp, pattern };
    let estimate = VariableEstimate::new(
        day(30),
        EstimateMethod::ExpectedValue,
        vec![
            Outcome { amount: usd("300"), probability: pct("80%") },
            Outcome { amount: usd("-100"), probability: pct("20%") },
        ],
    )
    .unwrap();
    let mut price = TransactionPrice::fixed(usd("5000"));
    price.discounts.push(Discount {
        name: "d".into(),
        amount: usd("100"),
        applies_to: Some(vec!["a".into(), "b".into()]),
    });
    price.variable.push(VariableConsideration {
        name: "v".into(),
        estimates: vec![estimate.clone()],
        applies_to: Some("c".into()),
    });
    price.variable.push(VariableConsideration { name: "w".into(), estimates: vec![estimate], applies_to: None });
    Contract {
        id: "B".into(),
        customer: "k".into(),
        currency: Currency::USD,
        term,
        obligations: vec![
            ob("a", Ssp::Observable(usd("1000")), SatisfactionPattern::RatablyByDay(term)),
            ob(
                "b",
                Ssp::Range { low: usd("500"), point: usd("800"), high: usd("900") },
                SatisfactionPattern::RatablyByMonth(term),
            ),
            ob(
                "c",
                Ssp::Observable(usd("700")),
                SatisfactionPattern::RatablyByMonthProrated(Period::new(day(14), day(200)).unwrap()),
            ),
            ob("d", Ssp::Observable(usd("300")), SatisfactionPattern::PointInTime(day(40))),
            ob(
                "e",
                Ssp::Observable(usd("400")),
                SatisfactionPattern::Milestones(vec![
                    Milestone { name: "m".into(), weight: Decimal::ONE, achieved: Some(day(90)) },
                    Milestone { name: "n".into(), weight: Decimal::TWO, achieved: None },
                ]),
            ),
            ob(
                "f",
                Ssp::Observable(usd("600")),
                SatisfactionPattern::PercentComplete(vec![ProgressReport { as_of: day(100), complete: pct("40%") }]),
            ),
            ob(
                "g",
                Ssp::Observable(usd("200")),
                SatisfactionPattern::Usage {
                    committed: Decimal::from(100),
                    reports: vec![UsageReport { date: day(20), quantity: Decimal::from(30) }],
                },
            ),
            ob("h", Ssp::Residual { low: Some(usd("10")), high: None }, SatisfactionPattern::RatablyByDay(term)),
        ],
        price,
    }
}

fn base_periods() -> Vec<Period> {
    (0..13).map(|k| Month::new(2026, 1).unwrap().checked_add(k).unwrap().period()).collect()
}

fn base_billings() -> Vec<Billing> {
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    vec![Billing { date: day(-10), amount: usd("2500") }, Billing { date: day(180), amount: usd("2500") }]
}

fn base_modification() -> Modification {
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    Modification {
        effective: day(181),
        added: vec![PerformanceObligation {
            id: "x".into(),
            ssp: Ssp::Observable(usd("100")),
            pattern: SatisfactionPattern::PointInTime(day(200)),
        }],
        updated: vec![],
        variable: vec![],
        additional_consideration: usd("100"),
        new_contract_id: "B2".into(),
        facts: ModificationFacts {
            adds_distinct_goods: false,
            priced_at_standalone_price: false,
            remaining_goods_distinct: false,
        },
        treatment: None,
    }
}

proptest! {
    #![proptest_config(super::cases(300))]

    #[test]
    fn contracts_from_adversarial_json_are_refused_or_safe(ops in ops()) {
        let base = base_contract();
        mutated(&base, &ops, |c: Contract| {
            assert!(c.validate().is_ok(), "a contract from JSON passed validate on the way in");
            exercise_contract(&c, &base_periods(), &base_billings(), day(181));
            if let Ok(out) = modify(&c, &base_modification()) {
                let _ = schedule_across(&c, &out, &base_periods());
            }
        });
        // the parts of a contract, one by one
        mutated(&base.obligations, &ops, |obs: Vec<PerformanceObligation>| {
            let mut c = base.clone();
            c.obligations = obs;
            exercise_contract(&c, &base_periods(), &base_billings(), day(181));
        });
        mutated(&base.price, &ops, |price: TransactionPrice| {
            let mut c = base.clone();
            c.price = price;
            exercise_contract(&c, &base_periods(), &base_billings(), day(181));
        });
        for o in &base.obligations {
            mutated(&o.pattern, &ops, |p: SatisfactionPattern| {
                let _ = p.progress_before(day(100));
                let _ = p.completes_by();
            });
            mutated(&o.ssp, &ops, |ssp: Ssp| {
                let mut c = base.clone();
                c.obligations[0].ssp = ssp;
                let _ = allocate(&c, NaiveDate::MAX);
            });
        }
        for v in &base.price.variable {
            mutated(&v.estimates[0], &ops, |e: VariableEstimate| {
                let sum = revops::money::checked_sum(e.outcomes().iter().map(|o| o.probability.fraction())).unwrap();
                assert_eq!(sum, Decimal::ONE, "an estimate from JSON has probabilities summing to 100%");
                let _ = (e.estimate(), e.constrained(ConstraintPolicy::default()));
            });
        }
        mutated(&base.price.constraint, &ops, |p: ConstraintPolicy| {
            assert!(p.confidence() > Percent::ZERO && p.confidence() <= Percent::HUNDRED);
        });
    }

    #[test]
    fn schedules_allocations_and_journals_from_adversarial_json_are_refused_or_safe(ops in ops()) {
        let base = base_contract();
        let schedule = ContractSchedule::build(&base, &base_periods()).unwrap();
        mutated(&schedule, &ops, |s: ContractSchedule| {
            for o in s.obligations() {
                assert_eq!(o.amounts().len(), s.periods().len(), "a schedule from JSON has one amount per period");
            }
            exercise_schedule(&s, &base_billings(), day(100));
        });
        mutated(&schedule.obligations()[0], &ops, |o: ObligationSchedule| {
            let periods = (0..o.amounts().len()).map(|k| Month::new(2026, 1).unwrap().checked_add(k as i32).unwrap().period()).collect();
            if let Ok(s) = ContractSchedule::new("C".into(), o.allocated().currency(), periods, vec![o]) {
                exercise_schedule(&s, &base_billings(), day(100));
            }
        });
        let allocation = allocate(&base, NaiveDate::MAX).unwrap();
        mutated(&allocation, &ops, |a: Allocation| {
            let sum = Money::sum(a.transaction_price().currency(), a.lines().iter().map(|(_, m)| *m)).unwrap();
            assert_eq!(sum, a.transaction_price(), "an allocation from JSON ties");
            let _ = (a.amount_for("a"), a.spread());
        });
        let billings = base_billings();
        mutated(&billings, &ops, |b: Vec<Billing>| exercise_schedule(&schedule, &b, day(100)));
        let rf = schedule.rollforward(&billings).unwrap();
        mutated(&rf, &ops, |rf: Rollforward| {
            let _ = rf.end_position().map(|p| (p.liability(), p.asset()));
        });
        mutated(&rf.rows[0], &ops, |r: RollforwardRow| {
            let _ = (r.opening.liability(), r.closing.asset());
        });
        mutated(&schedule.waterfall(day(100)).unwrap(), &ops, |w: WaterfallRow| {
            let _ = Money::sum(w.beyond.currency(), w.amounts.iter().copied());
        });
        for e in schedule.journal_entries(&billings).unwrap().iter().take(3) {
            mutated(e, &ops, |e: JournalEntry| {
                let sum = Money::sum(e.currency(), e.lines().iter().map(|l| l.amount)).unwrap();
                assert!(sum.is_zero(), "a journal entry from JSON balances");
                exercise_entry(&e);
            });
        }
    }

    #[test]
    fn modifications_from_adversarial_json_are_refused_or_safe(ops in ops()) {
        let base = base_contract();
        let m = base_modification();
        mutated(&m, &ops, |m: Modification| {
            let _ = m.facts.treatment();
            if let Ok(out) = modify(&base, &m) {
                let _ = out.catch_up_total();
                let _ = schedule_across(&base, &out, &base_periods());
            }
        });
        let out = modify(&base, &m).unwrap();
        mutated(&out, &ops, |out: ModificationOutcome| {
            let _ = out.catch_up_total();
            if let Ok(s) = schedule_across(&base, &out, &base_periods()) {
                exercise_schedule(&s, &base_billings(), out.effective);
            }
        });
    }
}

#[test]
fn revrec_json_with_a_key_it_does_not_know_anywhere_is_refused() {
    use super::json::refuses_unknown_keys as strict;
    let base = base_contract();
    strict(&base, "Contract");
    let schedule = ContractSchedule::build(&base, &base_periods()).unwrap();
    strict(&schedule, "ContractSchedule");
    strict(&allocate(&base, NaiveDate::MAX).unwrap(), "Allocation");
    let billings = base_billings();
    strict(&billings, "Billing");
    strict(&schedule.rollforward(&billings).unwrap(), "Rollforward");
    strict(&schedule.waterfall(day(100)).unwrap(), "WaterfallRow");
    for e in schedule.journal_entries(&billings).unwrap().iter().take(3) {
        strict(e, "JournalEntry");
    }
    strict(&base_modification(), "Modification");
    strict(&modify(&base, &base_modification()).unwrap(), "ModificationOutcome");
}
/// Hand-made JSON for each invariant a type holds: refused on the way in.
#[test]
fn json_that_breaks_an_invariant_is_refused() {
    let refused = |what: &str, ok: bool| assert!(!ok, "accepted {what}");
    let usd = |a: &str| format!(r#"{{"amount":"{a}","currency":"USD"}}"#);
    let month = |m: u32| format!(r#"{{"start":"2026-{m:02}-01","end":"2026-{:02}-01"}}"#, m + 1);
    let schedule = |periods: &[String], amounts: &[String], allocated: &str| {
        format!(
            r#"{{"contract_id":"C","currency":"USD","periods":[{}],"obligations":[{{"obligation_id":"o","allocated":{},"before":{},"amounts":[{}],"after":{}}}]}}"#,
            periods.join(","),
            usd(allocated),
            usd("0"),
            amounts.join(","),
            usd("0")
        )
    };
    let ok_schedule = schedule(&[month(1), month(2)], &[usd("5"), usd("5")], "10");
    assert!(serde_json::from_str::<ContractSchedule>(&ok_schedule).is_ok());
    refused(
        "a short amounts vector",
        serde_json::from_str::<ContractSchedule>(&schedule(&[month(1), month(2)], &[usd("10")], "10")).is_ok(),
    );
    refused(
        "a long amounts vector",
        serde_json::from_str::<ContractSchedule>(&schedule(&[month(1)], &[usd("5"), usd("5")], "10")).is_ok(),
    );
    refused(
        "a schedule that does not tie",
        serde_json::from_str::<ContractSchedule>(&schedule(&[month(1), month(2)], &[usd("5"), usd("5")], "11")).is_ok(),
    );
    refused(
        "periods with a gap",
        serde_json::from_str::<ContractSchedule>(&schedule(&[month(1), month(3)], &[usd("5"), usd("5")], "10")).is_ok(),
    );
    refused("no periods", serde_json::from_str::<ContractSchedule>(&schedule(&[], &[], "0")).is_ok());

    let estimate =
        |outcomes: &str| format!(r#"{{"as_of":"2026-01-01","method":"ExpectedValue","outcomes":[{outcomes}]}}"#);
    let outcome = |a: &str, p: &str| format!(r#"{{"amount":{},"probability":"{p}"}}"#, usd(a));
    assert!(serde_json::from_str::<VariableEstimate>(&estimate(&outcome("10", "100%"))).is_ok());
    refused("no outcomes", serde_json::from_str::<VariableEstimate>(&estimate("")).is_ok());
    refused(
        "probabilities summing to 50%",
        serde_json::from_str::<VariableEstimate>(&estimate(&outcome("10", "50%"))).is_ok(),
    );
    refused(
        "a probability of 150%",
        serde_json::from_str::<VariableEstimate>(&estimate(&[outcome("10", "150%"), outcome("0", "-50%")].join(",")))
            .is_ok(),
    );
    refused(
        "a bare-number probability",
        serde_json::from_str::<VariableEstimate>(&estimate(&outcome("10", "1"))).is_ok(),
    );
    refused("a confidence of 0%", serde_json::from_str::<ConstraintPolicy>(r#"{"confidence":"0%"}"#).is_ok());
    refused("a confidence of 101%", serde_json::from_str::<ConstraintPolicy>(r#"{"confidence":"101%"}"#).is_ok());

    let allocation =
        |lines: &str, price: &str| format!(r#"{{"transaction_price":{},"lines":[{lines}],"spread":[]}}"#, usd(price));
    let line = |id: &str, a: &str| format!(r#"["{id}",{}]"#, usd(a));
    assert!(serde_json::from_str::<Allocation>(&allocation(&[line("a", "4"), line("b", "6")].join(","), "10")).is_ok());
    refused(
        "lines not summing to the price",
        serde_json::from_str::<Allocation>(&allocation(&line("a", "4"), "10")).is_ok(),
    );
    refused(
        "a negative line",
        serde_json::from_str::<Allocation>(&allocation(&[line("a", "-4"), line("b", "14")].join(","), "10")).is_ok(),
    );

    let mut contract = serde_json::to_value(base_contract()).unwrap();
    contract["obligations"] = serde_json::json!([]);
    refused("a contract with no obligations", serde_json::from_value::<Contract>(contract).is_ok());
    let mut progress = serde_json::to_value(base_contract()).unwrap();
    progress["obligations"][5]["pattern"]["PercentComplete"][0]["complete"] = "150%".into();
    refused("progress of 150%", serde_json::from_value::<Contract>(progress).is_ok());
}
