//! Behaviour of `arr`: published vectors, policies, and properties.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::arr::*;
use revops::calendar::{Month, Period};
use revops::money::{InMemoryFxRates, Percent};
use revops::{Currency, Money, MoneyError};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

fn months(n: u32) -> Vec<Period> {
    let first = Month::new(2026, 1).unwrap();
    first.through(first.checked_add(n as i32 - 1).unwrap()).map(Month::period).collect()
}

fn ev(c: &str, s: &str, date: NaiveDate, kind: EventKind) -> SubscriptionEvent {
    SubscriptionEvent { customer: c.into(), subscription: s.into(), date, recorded_on: None, kind }
}

fn start(price: Money, interval: Interval) -> EventKind {
    EventKind::Start { price, interval, trial_until: None }
}

fn book(events: Vec<SubscriptionEvent>, policy: ArrPolicy, n: u32) -> ArrBook {
    ArrBook::build(&events, policy, Currency::USD, &months(n), &InMemoryFxRates::new()).unwrap()
}

/// Published vector (ChartMogul / Baremetrics MRR definition): 100 customers at $100/month and
/// 50 at $600/year give 100 × 100 + 50 × 600 ÷ 12 = $12,500 MRR.
#[test]
fn mrr_normalises_annual_plans() {
    let mut events = Vec::new();
    for i in 0..100 {
        events.push(ev(&format!("m{i}"), "s", d(2026, 1, 2), start(usd("100"), Interval::Month)));
    }
    for i in 0..50 {
        events.push(ev(&format!("a{i}"), "s", d(2026, 1, 3), start(usd("600"), Interval::Year)));
    }
    let b = book(events, ArrPolicy::default(), 1);
    assert_eq!(b.mrr_at(0).unwrap(), usd("12500"));
    assert_eq!(b.arr_at(0).unwrap(), usd("150000"));
    assert_eq!(b.arpa(0).unwrap().round(), Money::parse("83.33", Currency::USD).unwrap());
}

/// Published vectors: $100 start, $10 churn, $10 contraction, $10 expansion → gross revenue
/// churn 20%, net 10%; ARPA $100 at 5% churn → LTV $2,000.
#[test]
fn churn_and_ltv_vectors() {
    let jan = d(2026, 1, 1);
    let feb = d(2026, 2, 1);
    let events = vec![
        ev("a", "s", jan, start(usd("40"), Interval::Month)),
        ev("b", "s", jan, start(usd("30"), Interval::Month)),
        ev("c", "s", jan, start(usd("30"), Interval::Month)),
        ev("a", "s", feb, EventKind::Cancel { paid_through: None }),
        ev("b", "s", feb, EventKind::Change { price: usd("40"), interval: Interval::Month }),
        ev("c", "s", feb, EventKind::Change { price: usd("20"), interval: Interval::Month }),
        ev("a", "t", feb, start(usd("30"), Interval::Month)), // a keeps 30 of its 40: contraction 10
    ];
    // a: 40 → 30 (contraction 10), b: 30 → 40 (expansion 10), c: 30 → 20 (contraction 10).
    // To get a pure churn, make c leave instead in a second book below.
    let b = book(events, ArrPolicy::default(), 2);
    let m = b.bridge(1, 1).unwrap();
    assert!(m.ties());
    assert_eq!(m.movements.expansion, Decimal::from(10));
    assert_eq!(m.movements.contraction, Decimal::from(20));

    let events = vec![
        ev("a", "s", jan, start(usd("10"), Interval::Month)),
        ev("b", "s", jan, start(usd("50"), Interval::Month)),
        ev("c", "s", jan, start(usd("40"), Interval::Month)),
        ev("a", "s", feb, EventKind::Cancel { paid_through: None }),
        ev("b", "s", feb, EventKind::Change { price: usd("40"), interval: Interval::Month }),
        ev("c", "s", feb, EventKind::Change { price: usd("50"), interval: Interval::Month }),
    ];
    let b = book(events, ArrPolicy::default(), 2);
    let bridge = b.bridge(1, 1).unwrap();
    let r = bridge.churn_rates().unwrap();
    assert_eq!(r.gross_revenue, Decimal::new(2, 1));
    assert_eq!(r.net_revenue, Decimal::new(1, 1));
    assert_eq!(r.logo, Decimal::ONE / Decimal::from(3));
    assert_eq!(bridge.quick_ratio(QuickRatioPolicy::default()).unwrap(), Decimal::new(5, 1));
    assert_eq!(lifetime_value(usd("100"), Decimal::ONE, Decimal::new(5, 2)).unwrap(), usd("2000"));
}

#[test]
fn discount_policies() {
    let jan = d(2026, 1, 1);
    let events = vec![
        ev("a", "s", jan, start(usd("100"), Interval::Month)),
        ev(
            "a",
            "s",
            d(2026, 1, 10),
            EventKind::DiscountStart(MrrDiscount {
                off: DiscountOff::Percent(Percent::from_fraction(Decimal::new(2, 1))),
                forever: false,
            }),
        ),
        ev("a", "s", d(2026, 2, 10), EventKind::DiscountEnd),
        ev("b", "s", jan, start(usd("1200"), Interval::Year)),
        ev(
            "b",
            "s",
            jan,
            EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(usd("120")), forever: true }),
        ),
    ];
    let at = |p: DiscountPolicy| book(events.clone(), ArrPolicy { discounts: p, ..Default::default() }, 2);
    assert_eq!(at(DiscountPolicy::SubtractAll).mrr_at(0).unwrap(), usd("170")); // 80 + 90
    assert_eq!(at(DiscountPolicy::SubtractAll).mrr_at(1).unwrap(), usd("190")); // discount ended: expansion
    assert_eq!(at(DiscountPolicy::SubtractAll).bridge(1, 1).unwrap().movements.expansion, Decimal::from(20));
    assert_eq!(at(DiscountPolicy::ForeverOnly).mrr_at(0).unwrap(), usd("190"));
    assert_eq!(at(DiscountPolicy::ForeverOnly).bridge(1, 1).unwrap().movements.expansion, Decimal::ZERO);
    assert_eq!(at(DiscountPolicy::Ignore).mrr_at(0).unwrap(), usd("200"));
}

#[test]
fn churn_timing_trials_and_reactivation() {
    let events = vec![
        ev("a", "s", d(2026, 1, 1), start(usd("100"), Interval::Month)),
        ev("a", "s", d(2026, 2, 10), EventKind::Cancel { paid_through: Some(d(2026, 3, 1)) }),
        ev(
            "t",
            "s",
            d(2026, 1, 20),
            EventKind::Start { price: usd("50"), interval: Interval::Month, trial_until: Some(d(2026, 2, 3)) },
        ),
        ev("r", "s", d(2026, 1, 1), start(usd("10"), Interval::Month)),
        ev("r", "s", d(2026, 1, 15), EventKind::Cancel { paid_through: None }),
        ev("r", "s", d(2026, 3, 5), start(usd("20"), Interval::Month)),
    ];
    let end = book(events.clone(), ArrPolicy::default(), 3);
    // churn at period end: still 100 at the end of February, gone in March
    assert_eq!(end.bridge(1, 1).unwrap().movements.churn, Decimal::ZERO);
    assert_eq!(end.bridge(2, 2).unwrap().movements.churn, Decimal::from(100));
    let now = book(events.clone(), ArrPolicy { churn: ChurnTiming::AtCancellation, ..Default::default() }, 3);
    assert_eq!(now.bridge(1, 1).unwrap().movements.churn, Decimal::from(100));
    // trial excluded: t is new in February (when its trial ends), not January; a is new in January
    assert_eq!(end.bridge(0, 0).unwrap().movements.new, Decimal::from(100));
    assert_eq!(end.bridge(1, 1).unwrap().movements.new, Decimal::from(50));
    let with_trials = book(events.clone(), ArrPolicy { trials: TrialPolicy::Include, ..Default::default() }, 3);
    assert_eq!(with_trials.bridge(0, 0).unwrap().movements.new, Decimal::from(150));
    // r churned inside January (not shown by default), then came back in March: reactivation
    assert_eq!(end.bridge(2, 2).unwrap().movements.reactivation, Decimal::from(20));
    assert_eq!(end.bridge(0, 0).unwrap().movements.churned_logos, 0);
    let both = book(events, ArrPolicy { same_period: SamePeriodNewAndChurn::ShowBoth, ..Default::default() }, 3);
    let jan = both.bridge(0, 0).unwrap();
    assert_eq!((jan.movements.new, jan.movements.churn), (Decimal::from(110), Decimal::from(10)));
    assert!(jan.ties());
}

#[test]
fn fx_is_kept_out_of_movements() {
    let mut rates = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 40 });
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), Decimal::new(110, 2)).unwrap();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 31), Decimal::new(120, 2)).unwrap();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 2, 28), Decimal::new(100, 2)).unwrap();
    let events =
        vec![ev("eu", "s", d(2026, 1, 1), start(Money::parse("100", Currency::EUR).unwrap(), Interval::Month))];
    let b = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(2), &rates).unwrap();
    let feb = b.bridge(1, 1).unwrap();
    assert_eq!(feb.movements.net(), Decimal::ZERO);
    assert_eq!(b.mrr_at(1).unwrap(), usd("110")); // booked at the service-start rate
    let revalued = b.bridge_revalued(1, 1, &rates).unwrap();
    assert_eq!((revalued.opening, revalued.closing, revalued.fx), (usd("1440"), usd("1200"), usd("-240")));
    assert!(revalued.ties());
}

/// Revaluing at a caller's absurd rate is an overflow error, not a panic.
#[test]
fn revaluing_at_an_absurd_rate_is_an_error() {
    let mut rates = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 400 });
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), Decimal::ONE).unwrap();
    let events =
        vec![ev("eu", "s", d(2026, 1, 1), start(Money::parse("100", Currency::EUR).unwrap(), Interval::Month))];
    let b = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(2), &rates).unwrap();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 31), Decimal::MAX).unwrap();
    let r = b.bridge_revalued(1, 1, &rates);
    assert!(matches!(r, Err(revops::arr::ArrError::Money(revops::MoneyError::Overflow(_)))), "{r:?}");
}

#[test]
fn retention_cohorts_incremental_and_milestone() {
    let mut events = Vec::new();
    for i in 0..10 {
        events.push(ev(&format!("c{i}"), "s", d(2026, 1, 5), start(usd("100"), Interval::Month)));
    }
    // Over the next year: two churn, three double.
    for i in 0..2 {
        events.push(ev(&format!("c{i}"), "s", d(2026, 6, 1), EventKind::Cancel { paid_through: None }));
    }
    for i in 2..5 {
        events.push(ev(
            &format!("c{i}"),
            "s",
            d(2026, 9, 1),
            EventKind::Change { price: usd("200"), interval: Interval::Month },
        ));
    }
    events.push(ev("late", "s", d(2026, 11, 1), start(usd("500"), Interval::Month)));
    let mut b = book(events, ArrPolicy::default(), 13);
    let r = b.retention(12, 12).unwrap();
    assert_eq!(r.cohort, 10);
    assert_eq!(r.nrr, Decimal::new(11, 1)); // (5 × 100 + 3 × 200) ÷ 1000
    assert_eq!(r.grr, Decimal::new(8, 1)); // (8 × 100) ÷ 1000
    let cohorts = b.cohorts().unwrap();
    assert_eq!(cohorts[0].customers, 10);
    assert_eq!(cohorts[0].logo_retention[12], Decimal::new(8, 1));
    assert_eq!(cohorts[0].revenue_retention[12], Decimal::new(11, 1));
    assert_eq!(cohorts[10].customers, 1);

    // Incremental: adding one event gives the same book as building with it.
    let extra = ev("c9", "s", d(2026, 12, 15), EventKind::Change { price: usd("300"), interval: Interval::Month });
    b.apply(&extra, &InMemoryFxRates::new()).unwrap();
    assert_eq!(b.bridge(11, 11).unwrap().movements.expansion, Decimal::from(200));
    assert!(b.bridge(0, 12).unwrap().ties());
    // a refused event leaves the book as it was, without a customer it would have created
    let customers = b.customer_count();
    let orphan = ev("new", "s", d(2026, 12, 15), EventKind::Change { price: usd("300"), interval: Interval::Month });
    assert!(b.apply(&orphan, &InMemoryFxRates::new()).is_err());
    assert_eq!(b.customer_count(), customers);
    assert_eq!(b.customer_arr("new", 12), None);

    // Milestone: MRR went 800 (end of Jul) → 1,800 (end of Jan 2027): +12,000 ARR in 184 days.
    let target = Milestone { target: usd("200000"), by: Some(d(2027, 12, 31)) };
    let p = target.progress(&b, 12, 6).unwrap();
    assert_eq!(p.current, usd("21600"));
    assert_eq!(p.actual_per_day, usd("65.22"));
    assert_eq!(p.days_to_target, Some(2736)); // ceil(178,400 ÷ 65.22)
    assert_eq!(p.required_per_day, Some(usd("534.13"))); // 178,400 ÷ 334 days to 2027-12-31
    assert!(!p.on_track);
    // Growth over Nov–Jan: 1,100 → 1,800 MRR, 7/11 ≈ 63.6%, below a 70% threshold.
    let signals =
        b.growth_signals(12, SignalThresholds { min_growth: Decimal::new(7, 1), window: 3 }, Some(&target)).unwrap();
    assert!(signals.contains(&GrowthSignal::GrowthBelowThreshold {
        actual: Decimal::from(7) / Decimal::from(11),
        threshold: Decimal::new(7, 1)
    }));
    assert!(signals.iter().any(|s| matches!(s, GrowthSignal::VelocityShortOfMilestone { .. })));
    let calm = b.growth_signals(12, SignalThresholds { min_growth: Decimal::new(6, 1), window: 3 }, None).unwrap();
    assert!(!calm.iter().any(|s| matches!(s, GrowthSignal::GrowthBelowThreshold { .. })));
}

#[test]
fn bad_events_are_refused() {
    let events = vec![ev("a", "s", d(2026, 1, 1), EventKind::Change { price: usd("1"), interval: Interval::Month })];
    assert!(matches!(
        ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(1), &InMemoryFxRates::new()),
        Err(ArrError::InvalidEvent { .. })
    ));
    let mixed = vec![
        ev("a", "s", d(2026, 1, 1), start(usd("1"), Interval::Month)),
        ev(
            "a",
            "t",
            d(2026, 1, 1),
            start(
                Money::parse("1", Currency::USD)
                    .unwrap()
                    .checked_mul(Decimal::ONE)
                    .map(|m| Money::new(m.amount(), Currency::USD))
                    .unwrap(),
                Interval::Months(0),
            ),
        ),
    ];
    assert!(matches!(
        ArrBook::build(&mixed, ArrPolicy::default(), Currency::USD, &months(1), &InMemoryFxRates::new()),
        Err(ArrError::InvalidAmount(_))
    ));
    // an event's own fields are checked whatever the subscription's state: after a cancellation
    // too, where the event changes nothing, and when a later change of the day supersedes it
    let cancelled = |kind| {
        vec![
            ev("a", "s", d(2026, 1, 1), start(usd("1"), Interval::Month)),
            ev("a", "s", d(2026, 1, 5), EventKind::Cancel { paid_through: None }),
            ev("a", "s", d(2026, 1, 9), kind),
        ]
    };
    let negative = EventKind::Change { price: usd("-1"), interval: Interval::Month };
    let over_100_percent = EventKind::DiscountStart(MrrDiscount {
        off: DiscountOff::Percent(Percent::from_fraction(Decimal::TWO)),
        forever: true,
    });
    for bad in [negative.clone(), over_100_percent] {
        let refused = ArrBook::build(
            &cancelled(bad.clone()),
            ArrPolicy::default(),
            Currency::USD,
            &months(1),
            &InMemoryFxRates::new(),
        );
        assert!(
            matches!(refused, Err(ArrError::InvalidAmount(_) | ArrError::Money(MoneyError::PercentOutOfRange { .. }))),
            "{bad:?}: {refused:?}"
        );
    }
    let superseded = vec![
        ev("a", "s", d(2026, 1, 1), start(usd("1"), Interval::Month)),
        ev("a", "s", d(2026, 1, 9), negative),
        ev("a", "s", d(2026, 1, 9), EventKind::Change { price: usd("2"), interval: Interval::Month }),
    ];
    assert!(matches!(
        ArrBook::build(&superseded, ArrPolicy::default(), Currency::USD, &months(1), &InMemoryFxRates::new()),
        Err(ArrError::InvalidAmount(_))
    ));
    let b = book(vec![ev("a", "s", d(2026, 1, 1), start(usd("1"), Interval::Month))], ArrPolicy::default(), 2);
    assert!(b.bridge(1, 5).is_err());
    assert!(b.retention(1, 12).is_err());
}

fn arb_events() -> impl Strategy<Value = Vec<SubscriptionEvent>> {
    // (customer, subscription, day offset, kind, cents, interval)
    let one = (0usize..6, 0usize..2, 0i64..400, 0u8..7, 1i64..100_000, 0usize..3);
    prop::collection::vec(one, 1..60).prop_map(|raw| {
        let mut starts: std::collections::HashMap<(usize, usize), NaiveDate> = Default::default();
        let mut out = Vec::new();
        for (c, s, day, kind, cents, interval) in raw {
            let date = d(2026, 1, 1) + chrono::Duration::days(day);
            let price = Money::from_minor_units(cents, Currency::USD).unwrap();
            let interval = [Interval::Month, Interval::Year, Interval::Months(36)][interval];
            let (date, kind) = match starts.get(&(c, s)) {
                // the first event of a subscription is its start
                None => {
                    starts.insert((c, s), date);
                    (date, EventKind::Start { price, interval, trial_until: None })
                }
                // later events fall strictly after that start
                Some(&first) => {
                    let date = date.max(first + chrono::Duration::days(1));
                    let kind = match kind {
                        0 => EventKind::Change { price, interval },
                        1 => EventKind::Renew { price, interval },
                        2 => EventKind::Cancel { paid_through: Some(date + chrono::Duration::days(cents % 40)) },
                        3 => EventKind::Pause,
                        4 => EventKind::Resume,
                        5 => EventKind::DiscountStart(MrrDiscount {
                            off: DiscountOff::Percent(Percent::from_fraction(Decimal::new(cents % 100, 2))),
                            forever: cents % 2 == 0,
                        }),
                        _ => EventKind::Start { price, interval, trial_until: None },
                    };
                    (date, kind)
                }
            };
            out.push(SubscriptionEvent {
                customer: format!("c{c}"),
                subscription: format!("s{s}"),
                date,
                recorded_on: None,
                kind,
            });
        }
        out
    })
}

fn all_policies() -> impl Strategy<Value = ArrPolicy> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 0u8..3).prop_map(|(a, b, c, dp)| ArrPolicy {
        churn: if a { ChurnTiming::AtPeriodEnd } else { ChurnTiming::AtCancellation },
        same_period: if b { SamePeriodNewAndChurn::ShowBoth } else { SamePeriodNewAndChurn::Ignore },
        trials: if c { TrialPolicy::Exclude } else { TrialPolicy::Include },
        discounts: [DiscountPolicy::SubtractAll, DiscountPolicy::ForeverOnly, DiscountPolicy::Ignore][dp as usize],
        fx_rate_date: FxRateDate::ServicePeriodStart,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn bridges_tie_for_every_range(events in arb_events(), policy in all_policies()) {
        let Ok(b) = ArrBook::build(&events, policy, Currency::USD, &months(15), &InMemoryFxRates::new()) else { return Ok(()) };
        for from in [0usize, 3, 7] {
            for to in [from, from + 2, 14] {
                prop_assert!(b.bridge(from, to).unwrap().ties());
            }
        }
    }

    #[test]
    fn movements_are_zero_sum_over_a_full_history(events in arb_events(), policy in all_policies()) {
        // Every customer ends in the book's range at zero once all subscriptions are cancelled:
        // then Σ movements over the whole history is zero.
        let mut events = events;
        let mut subs: Vec<(String, String)> = events.iter().map(|e| (e.customer.clone(), e.subscription.clone())).collect();
        subs.sort();
        subs.dedup();
        for (c, s) in subs {
            events.push(ev(&c, &s, d(2027, 6, 1), EventKind::Cancel { paid_through: None }));
        }
        let Ok(b) = ArrBook::build(&events, policy, Currency::USD, &months(24), &InMemoryFxRates::new()) else { return Ok(()) };
        let m = b.movements(0, 23).unwrap();
        prop_assert_eq!(m.net(), Decimal::ZERO);
        prop_assert_eq!(b.mrr_at(23).unwrap(), usd("0"));
    }

    #[test]
    fn order_within_a_day_does_not_change_month_end_results(events in arb_events(), seed in any::<u64>()) {
        let Ok(a) = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(15), &InMemoryFxRates::new()) else { return Ok(()) };
        let mut shuffled = events;
        // reverse the order of events that share a date, rotated by the seed
        shuffled.sort_by_key(|e| (e.date, (seed ^ e.customer.len() as u64 ^ e.subscription.len() as u64) % 7));
        shuffled.reverse();
        let b = ArrBook::build(&shuffled, ArrPolicy::default(), Currency::USD, &months(15), &InMemoryFxRates::new()).unwrap();
        for k in 0..15 {
            prop_assert_eq!(a.mrr_at(k).unwrap(), b.mrr_at(k).unwrap());
            prop_assert_eq!(a.movements(k, k).unwrap(), b.movements(k, k).unwrap());
        }
    }

    #[test]
    fn currency_conversion_never_produces_movements(rates in prop::collection::vec(50i64..200, 15), price in 1i64..1_000_000) {
        let mut fx = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 40 });
        for (i, r) in rates.iter().enumerate() {
            fx.insert(Currency::EUR, Currency::USD, months(15)[i].start(), Decimal::new(*r, 2)).unwrap();
        }
        let events = vec![ev("eu", "s", d(2026, 1, 10), start(Money::from_minor_units(price, Currency::EUR).unwrap(), Interval::Month))];
        let b = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(15), &fx).unwrap();
        for k in 1..15 {
            let m = b.movements(k, k).unwrap();
            prop_assert_eq!(m.net(), Decimal::ZERO);
            prop_assert!(b.bridge_revalued(k, k, &fx).unwrap().ties());
        }
    }

    #[test]
    fn incremental_apply_matches_a_rebuild(
        events in arb_events(),
        extras in prop::collection::vec((0usize..6, 0usize..3, 0i64..400, 1i64..100_000, any::<bool>()), 1..6),
    ) {
        let Ok(mut inc) = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(15), &InMemoryFxRates::new()) else { return Ok(()) };
        let mut all = events;
        for (c, s, day, cents, cancel) in extras {
            // s = 2 is a new subscription; 0 and 1 usually exist, so the event lands before, inside
            // or after their history (replay path or fast path)
            let date = d(2026, 1, 1) + chrono::Duration::days(day);
            let price = Money::from_minor_units(cents, Currency::USD).unwrap();
            let exists = all.iter().any(|e| e.customer == format!("c{c}") && e.subscription == format!("s{s}"));
            let kind = if !exists {
                start(price, Interval::Month)
            } else if cancel {
                EventKind::Cancel { paid_through: Some(date + chrono::Duration::days(10)) }
            } else {
                EventKind::Change { price, interval: Interval::Month }
            };
            let extra = ev(&format!("c{c}"), &format!("s{s}"), date, kind);
            let mut candidate = all.clone();
            candidate.push(extra.clone());
            let full = ArrBook::build(&candidate, ArrPolicy::default(), Currency::USD, &months(15), &InMemoryFxRates::new());
            let applied = inc.apply(&extra, &InMemoryFxRates::new());
            prop_assert_eq!(full.is_ok(), applied.is_ok());
            if let Ok(full) = full {
                all = candidate;
                for k in 0..15 {
                    prop_assert_eq!(inc.movements(k, k).unwrap(), full.movements(k, k).unwrap());
                    prop_assert_eq!(inc.mrr_at(k).unwrap(), full.mrr_at(k).unwrap());
                }
            }
        }
    }
}

proptest! {
    // cheap cases (one subscription), and the rare ones matter: a pending cancellation or a
    // trial end carried across a checkpoint
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn late_events_in_long_histories_match_a_rebuild(
        changes in prop::collection::vec((0i64..700, -50i64..100_000, 0u8..7), 20..90),
        extras in prop::collection::vec((-30i64..720, -50i64..100_000, 0u8..7), 1..8),
        policy in all_policies(),
    ) {
        // One subscription with a long history, so that late events land between the
        // timeline's checkpoints (every 16 events), before its start, or after its end; some
        // carry a negative price or an out-of-range discount, which must be refused and leave
        // the book as a rebuild without them.
        let kind = |cents: i64, k: u8, date: NaiveDate, pct_cap: i64| {
            let price = Money::from_minor_units(cents, Currency::USD).unwrap();
            match k {
                0 => EventKind::Change { price, interval: Interval::Month },
                1 => EventKind::Renew { price, interval: Interval::Year },
                2 | 3 => EventKind::Cancel { paid_through: Some(date + chrono::Duration::days(cents.rem_euclid(90))) },
                4 => EventKind::Pause,
                5 => EventKind::Resume,
                _ => EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Percent(Percent::from_fraction(Decimal::new(cents % pct_cap, 2))), forever: true }),
            }
        };
        let day = |n: i64| d(2026, 1, 1) + chrono::Duration::days(n);
        let mut all = vec![ev("c", "s", day(0), start(usd("100"), Interval::Month))];
        all.extend(changes.iter().map(|&(n, cents, k)| ev("c", "s", day(n), kind(cents.abs(), k, day(n), 100))));
        let mut inc = ArrBook::build(&all, policy, Currency::USD, &months(24), &InMemoryFxRates::new()).unwrap();
        for (n, cents, k) in extras {
            let extra = ev("c", "s", day(n), kind(cents, k, day(n), 150));
            let mut candidate = all.clone();
            candidate.push(extra.clone());
            let full = ArrBook::build(&candidate, policy, Currency::USD, &months(24), &InMemoryFxRates::new());
            let applied = inc.apply(&extra, &InMemoryFxRates::new());
            prop_assert_eq!(full.is_ok(), applied.is_ok());
            if full.is_ok() {
                all = candidate;
            }
            let expected = ArrBook::build(&all, policy, Currency::USD, &months(24), &InMemoryFxRates::new()).unwrap();
            for k in 0..24 {
                prop_assert_eq!(inc.movements(k, k).unwrap(), expected.movements(k, k).unwrap());
                prop_assert_eq!(inc.mrr_at(k).unwrap(), expected.mrr_at(k).unwrap());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn same_day_changes_applied_one_by_one_match_a_rebuild(
        stream in prop::collection::vec((0i64..40, -20i64..5_000, 0u8..10), 20..80),
        policy in all_policies(),
    ) {
        // Few days, many events: runs of changes on one day, which the book keeps as one (the
        // last in canonical order), interleaved with renewals, cancellations, discounts and late
        // arrivals across checkpoints; a negative price is refused and must leave no trace.
        let day = |n: i64| d(2026, 1, 1) + chrono::Duration::days(n);
        let kind = |cents: i64, k: u8, date: NaiveDate| {
            let price = Money::from_minor_units(cents, Currency::USD).unwrap();
            match k {
                0..=5 => EventKind::Change { price, interval: Interval::Month },
                6 => EventKind::Renew { price, interval: Interval::Month },
                7 => EventKind::Cancel { paid_through: Some(date + chrono::Duration::days(cents.rem_euclid(20))) },
                8 => EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Percent(Percent::from_fraction(Decimal::new(cents.rem_euclid(100), 2))), forever: true }),
                _ => EventKind::Start { price, interval: Interval::Month, trial_until: None },
            }
        };
        let rates = InMemoryFxRates::new();
        let mut kept = vec![ev("c", "s", day(0), start(usd("100"), Interval::Month))];
        let mut inc = ArrBook::build(&kept, policy, Currency::USD, &months(3), &rates).unwrap();
        for (i, &(n, cents, k)) in stream.iter().enumerate() {
            // mostly in date order (the streaming path), sometimes a few days late
            let n = if i % 5 == 4 { n } else { (i as i64 / 2).min(39) };
            let event = ev("c", "s", day(n), kind(cents, k, day(n)));
            let applied = inc.apply(&event, &rates);
            let mut candidate = kept.clone();
            candidate.push(event.clone());
            let accepted = ArrBook::build(&candidate, policy, Currency::USD, &months(3), &rates).is_ok();
            prop_assert_eq!(applied.is_ok(), accepted, "{:?}", applied);
            if applied.is_ok() {
                kept.push(event);
            }
            if i % 8 == 7 || i + 1 == stream.len() {
                let full = ArrBook::build(&kept, policy, Currency::USD, &months(3), &rates).unwrap();
                for p in 0..3 {
                    prop_assert_eq!(inc.movements(p, p).unwrap(), full.movements(p, p).unwrap());
                    prop_assert_eq!(inc.mrr_at(p).unwrap(), full.mrr_at(p).unwrap());
                }
                prop_assert_eq!(inc.cohorts().unwrap(), full.cohorts().unwrap());
            }
        }
    }
}

/// A late change refused on a day the book already holds a change for, whether it sorts before
/// that change (a negative price) or after it and would take its place (an MRR over the 10¹⁸
/// one subscription may book), leaves the kept change in the history: a later late event
/// replays over it, and the book still matches a rebuild.
#[test]
fn a_refused_late_change_leaves_the_days_kept_change() {
    let kept = vec![
        ev("c", "s", d(2026, 1, 1), start(usd("100"), Interval::Month)),
        ev("c", "s", d(2026, 1, 20), EventKind::Change { price: usd("200"), interval: Interval::Month }),
        ev("c", "s", d(2026, 2, 10), EventKind::Change { price: usd("300"), interval: Interval::Month }),
    ];
    let replay_over = ev("c", "s", d(2026, 1, 2), EventKind::Change { price: usd("150"), interval: Interval::Month });
    let mut all = kept.clone();
    all.push(replay_over.clone());
    let full = book(all, ArrPolicy::default(), 3);
    for refused in ["-5", "10000000000000000000"] {
        let mut inc = book(kept.clone(), ArrPolicy::default(), 3);
        let change = EventKind::Change { price: usd(refused), interval: Interval::Month };
        assert!(inc.apply(&ev("c", "s", d(2026, 1, 20), change), &InMemoryFxRates::new()).is_err(), "{refused}");
        inc.apply(&replay_over, &InMemoryFxRates::new()).unwrap();
        for p in 0..3 {
            assert_eq!(inc.mrr_at(p).unwrap(), full.mrr_at(p).unwrap(), "{refused}, period {p}");
            assert_eq!(inc.movements(p, p).unwrap(), full.movements(p, p).unwrap(), "{refused}, period {p}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn incremental_apply_matches_a_rebuild_in_foreign_currency_and_before_the_first_period(
        stream in prop::collection::vec((0usize..4, 0usize..2, 0i64..200, 0i64..100_000, 0u8..6), 1..40),
        policy in all_policies(),
    ) {
        // Customers c0 and c1 bill in EUR, c2 and c3 in USD, with two subscriptions each; the
        // book's periods start in March, so events in January and February move its opening
        // (and the opening's native MRR, which the revalued bridge reads).
        let fx = {
            let mut fx = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 40 });
            for i in 0..12 {
                let day = d(2025, 12, 1) + chrono::Duration::days(30 * i);
                fx.insert(Currency::EUR, Currency::USD, day, Decimal::new(105 + 3 * i, 2)).unwrap();
            }
            fx
        };
        let periods: Vec<Period> = Month::new(2026, 3).unwrap().through(Month::new(2026, 8).unwrap()).map(Month::period).collect();
        let mut kept = vec![ev("c0", "s0", d(2026, 1, 1), start(Money::from_minor_units(10_000, Currency::EUR).unwrap(), Interval::Month))];
        let mut inc = ArrBook::build(&kept, policy, Currency::USD, &periods, &fx).unwrap();
        for (i, &(c, s, day, cents, k)) in stream.iter().enumerate() {
            let currency = if c < 2 { Currency::EUR } else { Currency::USD };
            let price = Money::from_minor_units(cents, currency).unwrap();
            let (customer, subscription) = (format!("c{c}"), format!("s{s}"));
            let exists = kept.iter().any(|e| e.customer == customer && e.subscription == subscription);
            let date = d(2026, 1, 1) + chrono::Duration::days(day);
            let kind = match k {
                _ if !exists => start(price, Interval::Month),
                0 | 1 => EventKind::Change { price, interval: Interval::Month },
                2 => EventKind::Change { price, interval: Interval::Year },
                3 => EventKind::Renew { price, interval: Interval::Month },
                4 => EventKind::Cancel { paid_through: Some(date + chrono::Duration::days(cents % 40)) },
                _ => EventKind::Pause,
            };
            let event = ev(&customer, &subscription, date, kind);
            let mut candidate = kept.clone();
            candidate.push(event.clone());
            let accepted = ArrBook::build(&candidate, policy, Currency::USD, &periods, &fx).is_ok();
            let applied = inc.apply(&event, &fx);
            prop_assert_eq!(applied.is_ok(), accepted, "{:?}", applied);
            if applied.is_ok() {
                kept.push(event);
            }
            if i % 4 == 3 || i + 1 == stream.len() {
                let full = ArrBook::build(&kept, policy, Currency::USD, &periods, &fx).unwrap();
                for p in 0..periods.len() {
                    prop_assert_eq!(inc.bridge_revalued(p, p, &fx).unwrap(), full.bridge_revalued(p, p, &fx).unwrap(), "period {}", p);
                }
                prop_assert_eq!(inc.cohorts().unwrap(), full.cohorts().unwrap());
            }
        }
    }
}

/// Two changes on one day leave the higher price, in whichever order they arrive, built or
/// applied one by one (the order `SubscriptionEvent` documents).
#[test]
fn two_changes_on_one_day_leave_the_higher_price() {
    let change = |p| ev("c", "s", d(2026, 1, 20), EventKind::Change { price: usd(p), interval: Interval::Month });
    let first = ev("c", "s", d(2026, 1, 1), start(usd("100"), Interval::Month));
    for (a, b) in [("300", "200"), ("200", "300")] {
        let built = book(vec![first.clone(), change(a), change(b)], ArrPolicy::default(), 1);
        assert_eq!(built.mrr_at(0).unwrap(), usd("300"), "built, {a} then {b}");
        let mut applied = book(vec![first.clone()], ArrPolicy::default(), 1);
        for p in [a, b] {
            applied.apply(&change(p), &InMemoryFxRates::new()).unwrap();
        }
        assert_eq!(applied.mrr_at(0).unwrap(), usd("300"), "applied, {a} then {b}");
    }
}

#[test]
fn a_refused_new_customer_leaves_no_trace() {
    // a customer whose first event the book refuses is forgotten: the next new customer takes
    // its place, and the book matches one built without the refused event
    let rates = InMemoryFxRates::new();
    let first = ev("a", "s", d(2026, 1, 1), start(usd("10"), Interval::Month));
    let mut inc = book(vec![first.clone()], ArrPolicy::default(), 3);
    let refused = ev("b", "s", d(2026, 2, 1), EventKind::Change { price: usd("5"), interval: Interval::Month });
    assert!(matches!(inc.apply(&refused, &rates), Err(ArrError::InvalidEvent { .. })));
    assert_eq!(inc.customer_count(), 1);
    assert_eq!(inc.customer_arr("b", 1), None);
    let next = ev("c", "s", d(2026, 2, 1), start(usd("7"), Interval::Month));
    inc.apply(&next, &rates).unwrap();
    let full = book(vec![first, next], ArrPolicy::default(), 3);
    assert_eq!(inc.customer_count(), 2);
    for k in 0..3 {
        assert_eq!(inc.customer_arr("c", k), full.customer_arr("c", k));
        assert_eq!(inc.movements(k, k).unwrap(), full.movements(k, k).unwrap());
        assert_eq!(inc.mrr_at(k).unwrap(), full.mrr_at(k).unwrap());
    }
    assert_eq!(inc.customer_arr("c", 1).unwrap().to_string(), "USD 84.00");
}

#[test]
fn one_subscription_books_at_most_ten_to_the_eighteen() {
    // the limit keeps the book's integer totals far from overflow; it is inclusive
    let at = |price: &str| {
        let events = vec![ev("a", "s", d(2026, 1, 1), start(usd(price), Interval::Month))];
        ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months(1), &InMemoryFxRates::new())
    };
    let limit = at("1000000000000000000").unwrap();
    assert_eq!(limit.mrr_at(0).unwrap(), usd("1000000000000000000"));
    assert!(matches!(at("1000000000000000000.01"), Err(ArrError::InvalidAmount(_))));
}
