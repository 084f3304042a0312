//! No panics in the ARR ledger: random streams of every event kind with extreme prices, intervals
//! and dates, built at once and applied one by one, then every query at every index.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::arr::*;
use revops::calendar::{Month, Period};
use revops::money::{InMemoryFxRates, Percent};
use revops::{Currency, Money};

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
    (0u8..4, 0u8..3, -40i64..400, proptest::option::of(-40i64..400), any_kind()).prop_map(|(c, s, day, rec, kind)| {
        SubscriptionEvent {
            customer: format!("c{c}"),
            subscription: format!("s{s}"),
            date: d(2026, 1, 1) + chrono::Duration::days(day),
            recorded_on: rec.map(|r| d(2026, 1, 1) + chrono::Duration::days(r)),
            kind,
        }
    })
}

fn any_index() -> impl Strategy<Value = usize> {
    prop_oneof![Just(usize::MAX), Just(usize::MAX - 1), 0usize..14]
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arr_books_and_their_queries_survive_anything(events in prop::collection::vec(any_event(), 0..12), k in any_index(), j in any_index(), rate in extreme_decimal(), policy_bits in any::<u8>()) {
        let months: Vec<Period> = Month::new(2026, 1).unwrap().through(Month::new(2026, 12).unwrap()).map(Month::period).collect();
        let mut fx = InMemoryFxRates::new().with_lookup(revops::money::RateLookup::OnOrBefore { max_age_days: 3650 });
        let _ = fx.insert(Currency::EUR, Currency::USD, d(2025, 1, 1), rate);
        let policy = ArrPolicy {
            churn: if policy_bits & 1 == 0 { ChurnTiming::AtPeriodEnd } else { ChurnTiming::AtCancellation },
            trials: if policy_bits & 2 == 0 { TrialPolicy::Exclude } else { TrialPolicy::Include },
            same_period: if policy_bits & 4 == 0 { SamePeriodNewAndChurn::default() } else { SamePeriodNewAndChurn::ShowBoth },
            ..ArrPolicy::default()
        };
        let built = ArrBook::build(&events, policy, Currency::USD, &months, &fx);
        // the same events applied one by one, into a book built from the first
        let mut book = ArrBook::build(&events[..events.len().min(1)], policy, Currency::USD, &months, &fx);
        if let Ok(b) = book.as_mut() {
            for e in events.iter().skip(1) {
                let _ = b.apply(e, &fx);
            }
        }
        for b in [built, book].into_iter().flatten() {
            let _ = (b.mrr_at(k), b.arr_at(j), b.customer_arr("c0", k), b.active_customer_ids(k).count(), b.customer_count());
            let _ = (b.movements(k, j), b.bridge(k, j), b.bridge_revalued(k, j, &fx), b.bridge(0, 11).map(|x| (x.ties(), x.net_new(), x.composition())));
            let _ = (b.retention(k, j), b.arpa(k), b.velocity(k, j), b.cohorts());
            if let Ok(bridge) = b.bridge(k, j) {
                let _ = (bridge.churn_rates(), bridge.quick_ratio(QuickRatioPolicy::default()), bridge.growth_rate());
            }
        }
    }
}
