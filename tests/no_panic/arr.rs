//! No panics in the ARR ledger: random streams of every event kind with extreme prices, intervals,
//! dates, sequences and repeated or clashing ids, built at once, applied one by one and merged,
//! then every query at every month (inside the book and far outside it).

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::arr::*;
use revops::calendar::Month;
use revops::money::{InMemoryFxRates, Percent};
use revops::{Currency, Money};
use rust_decimal::Decimal;

use super::{d, extreme_decimal};

fn any_kind() -> impl Strategy<Value = EventKind> {
    let price = (extreme_decimal(), any::<bool>())
        .prop_map(|(x, eur)| Money::new(x, if eur { Currency::EUR } else { Currency::USD }))
        .boxed();
    let interval = prop_oneof![
        Just(Interval::Month),
        Just(Interval::Quarter),
        Just(Interval::Year),
        any::<u32>().prop_map(Interval::Months)
    ]
    .boxed();
    let date = prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (0i64..400).prop_map(|n| d(2026, 1, 1) + chrono::Duration::days(n))
    ]
    .boxed();
    prop_oneof![
        (price.clone(), interval.clone(), proptest::option::of(date.clone()))
            .prop_map(|(price, interval, trial_until)| EventKind::Start { price, interval, trial_until }),
        (price.clone(), interval.clone()).prop_map(|(price, interval)| EventKind::Change { price, interval }),
        (price.clone(), interval).prop_map(|(price, interval)| EventKind::Renew { price, interval }),
        proptest::option::of(date).prop_map(|paid_through| EventKind::Cancel { paid_through }),
        Just(EventKind::Pause),
        Just(EventKind::Resume),
        (extreme_decimal(), any::<bool>()).prop_map(|(x, forever)| EventKind::DiscountStart(MrrDiscount {
            off: DiscountOff::Percent(Percent::from_fraction(x)),
            forever
        })),
        (price, any::<bool>())
            .prop_map(|(m, forever)| EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(m), forever })),
        Just(EventKind::DiscountEnd),
    ]
}

fn any_event() -> impl Strategy<Value = SubscriptionEvent> {
    let sequence = prop_oneof![Just(0u64), Just(u64::MAX), 0u64..4];
    // ids from a small set, so that some events repeat an id (with the same or other content)
    (0u8..4, 0u8..3, -40i64..400, proptest::option::of(-40i64..400), any_kind(), 0u8..24, sequence).prop_map(
        |(c, s, day, rec, kind, id, sequence)| SubscriptionEvent {
            id: if id == 0 { String::new() } else { format!("evt_{id}") },
            customer: format!("c{c}"),
            subscription: format!("s{s}"),
            date: d(2026, 1, 1) + chrono::Duration::days(day),
            sequence,
            recorded_on: rec.map(|r| d(2026, 1, 1) + chrono::Duration::days(r)),
            kind,
        },
    )
}

fn any_month() -> impl Strategy<Value = Month> {
    prop_oneof![
        Just(Month::new(-262_143, 1).unwrap()),
        Just(Month::new(262_142, 11).unwrap()),
        // chrono's last month, whose end chrono cannot hold: only `Month::of` makes it
        Just(Month::of(chrono::NaiveDate::MAX)),
        (0i32..16).prop_map(|k| Month::new(2025, 11).unwrap().checked_add(k).unwrap()),
    ]
}

fn any_window() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), Just(1), Just(12), Just(13), Just(u32::MAX), 0u32..14]
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arr_books_and_their_queries_survive_anything(events in prop::collection::vec(any_event(), 0..12), k in any_month(), j in any_month(), w in any_window(), rate in extreme_decimal(), policy_bits in any::<u8>()) {
        let months = Month::new(2026, 1).unwrap()..=Month::new(2026, 12).unwrap();
        let mut fx = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 3650 });
        let _ = fx.insert(Currency::EUR, Currency::USD, d(2025, 1, 1), rate);
        let policy = ArrPolicy {
            churn: if policy_bits & 1 == 0 { ChurnTiming::AtPeriodEnd } else { ChurnTiming::AtCancellation },
            trials: if policy_bits & 2 == 0 { TrialPolicy::Exclude } else { TrialPolicy::Include },
            same_period: if policy_bits & 4 == 0 { SamePeriodNewAndChurn::default() } else { SamePeriodNewAndChurn::ShowBoth },
            ..ArrPolicy::default()
        };
        let built = ArrBook::build(&events, policy, Currency::USD, months.clone(), &fx);
        // the same events applied one by one, into a book built from the first
        let mut book = ArrBook::build(&events[..events.len().min(1)], policy, Currency::USD, months.clone(), &fx);
        if let Ok(b) = book.as_mut() {
            for e in events.iter().skip(1) {
                let _ = b.apply(e, &fx);
            }
        }
        // and in two halves, merged
        let half = events.len() / 2;
        let mut merged = ArrBook::build(&events[..half], policy, Currency::USD, months.clone(), &fx);
        if let (Ok(a), Ok(b)) = (merged.as_mut(), ArrBook::build(&events[half..], policy, Currency::USD, months.clone(), &fx)) {
            let _ = a.merge(b);
        }
        let (first, last) = (Month::new(2026, 1).unwrap(), Month::new(2026, 12).unwrap());
        for b in [built, book, merged].into_iter().flatten() {
            let _ = (b.mrr_at(k), b.arr_at(j), b.customer_arr("c0", k), b.active_customer_ids(k).map(Iterator::count), b.customer_count());
            let _ = (b.movements(k, j), b.bridge(k, j), b.bridge_revalued(k, j, &fx), b.bridge(first, last).map(|x| (x.ties(), x.net_new(), x.composition)));
            let _ = (b.retention(k, w), b.arpa(k), b.velocity(k, w), b.cohorts(), b.contains_event("evt_1"), b.event_count());
            let _ = (b.customer_movements("c1", k, j), b.movement_log(k, j), b.bridges_by(k, j, |c| c.cohort));
            let _ = b.growth_signals(k, SignalThresholds { min_growth: Decimal::ZERO, window: w }, None);
            if let Ok(bridge) = b.bridge(k, j) {
                let _ = (bridge.churn_rates(), bridge.quick_ratio(QuickRatioPolicy::default()), bridge.growth_rate());
            }
            #[cfg(feature = "serde")]
            {
                let json = serde_json::to_string(&b).unwrap();
                prop_assert_eq!(&serde_json::from_str::<ArrBook>(&json).unwrap(), &b);
            }
        }
    }
}

#[cfg(feature = "serde")]
proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arr_json_is_refused_or_safe_to_use(ops in super::json::ops(), k in any_month()) {
        // a book read back from adversarial JSON is rebuilt from its events, so it is either
        // refused or a book every query can use
        let d = super::d;
        let eur = |x: i64| Money::new(Decimal::from(x), Currency::EUR);
        let events = vec![
            SubscriptionEvent::start("e1", "a", "s", d(2026, 1, 5), eur(100), Interval::Month),
            SubscriptionEvent::new("e2", "a", "s", d(2026, 2, 5), EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(eur(10)), forever: true })).at(3),
            SubscriptionEvent::cancel("e3", "a", "s", d(2026, 3, 5), Some(d(2026, 4, 1))),
        ];
        let mut fx = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 400 });
        fx.insert(Currency::EUR, Currency::USD, d(2025, 12, 1), Decimal::new(11, 1)).unwrap();
        let months = Month::new(2026, 1).unwrap()..=Month::new(2026, 6).unwrap();
        let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months, &fx).unwrap();
        let last = Month::new(2026, 6).unwrap();
        super::json::mutated(&book, &ops, |b: ArrBook| {
            let _ = (b.bridge(k, last), b.bridge_revalued(k, last, &fx), b.movement_log(k, last), b.cohorts(), b.retention(last, 3));
        });
        super::json::mutated(&events, &ops, |e: Vec<SubscriptionEvent>| {
            let mut b = book.clone();
            for x in &e {
                let _ = b.apply(x, &fx);
            }
            let _ = (b.bridge(k, last), b.arr_at(k));
        });
        let log = book.movement_log(Month::new(2026, 1).unwrap(), last).unwrap();
        super::json::shown(&log, &ops);
        super::json::shown(&book.bridge(Month::new(2026, 1).unwrap(), last).unwrap(), &ops);
    }
}

#[cfg(feature = "serde")]
#[test]
fn arr_json_with_a_key_it_does_not_know_anywhere_is_refused() {
    use super::json::refuses_unknown_keys as strict;
    let d = super::d;
    let eur = |x: i64| Money::new(Decimal::from(x), Currency::EUR);
    let events = vec![
        SubscriptionEvent::new(
            "e1",
            "a",
            "s",
            d(2026, 1, 5),
            EventKind::Start { price: eur(100), interval: Interval::Months(3), trial_until: Some(d(2026, 1, 12)) },
        ),
        SubscriptionEvent::new(
            "e2",
            "a",
            "s",
            d(2026, 2, 5),
            EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(eur(10)), forever: true }),
        )
        .at(3),
        SubscriptionEvent::cancel("e3", "a", "s", d(2026, 3, 5), Some(d(2026, 4, 1))).recorded_on(d(2026, 3, 4)),
    ];
    strict(&events, "SubscriptionEvent");
    let mut fx = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 400 });
    fx.insert(Currency::EUR, Currency::USD, d(2025, 12, 1), Decimal::new(11, 1)).unwrap();
    let (first, last) = (Month::new(2026, 1).unwrap(), Month::new(2026, 6).unwrap());
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, first..=last, &fx).unwrap();
    strict(&book, "ArrBook");
    strict(book.policy(), "ArrPolicy");
    strict(&book.movement_log(first, last).unwrap(), "MovementRow");
    strict(&book.bridge(first, last).unwrap(), "ArrBridge");
    strict(&book.bridge_revalued(first, last, &fx).unwrap(), "RevaluedBridge");
}
