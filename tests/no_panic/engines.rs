//! No panics in the statistical engines: forecast, retention, stats, acquisition scoring, expansion, sales, arr metrics.

use super::*;

use revops::arr::{rule_of_40, ArrBridge, Milestone, Movements, SignalThresholds};

fn usd(x: Decimal) -> Money {
    Money::new(x, Currency::USD)
}

/// A small book: one customer growing by a dollar a month from $100.00 MRR, Jan–Apr 2026.
fn small_book() -> ArrBook {
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2026, 4).unwrap()).map(Month::period).collect();
    let ev = |date, kind| SubscriptionEvent {
        customer: "x".into(),
        subscription: "s".into(),
        date,
        recorded_on: None,
        kind,
    };
    let price = |cents| usd(Decimal::new(cents, 2));
    let events = vec![
        ev(d(2026, 1, 2), EventKind::Start { price: price(10_000), interval: Interval::Month, trial_until: None }),
        ev(d(2026, 2, 2), EventKind::Change { price: price(10_100), interval: Interval::Month }),
        ev(d(2026, 3, 2), EventKind::Change { price: price(10_200), interval: Interval::Month }),
    ];
    ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months, &InMemoryFxRates::new()).unwrap()
}

fn bridge_of(x: Decimal) -> ArrBridge {
    let p = Month::new(2026, 1).unwrap().period();
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
        movements: Movements::default(),
    }
}

#[test]
fn arr_bridge_metrics_at_decimal_max_are_errors_not_panics() {
    // churn + contraction, lost − expansion − reactivation and closing − opening were unchecked
    for x in [Decimal::MAX, Decimal::MIN] {
        let b = bridge_of(x);
        assert!(b.churn_rates().is_err());
        assert!(b.quick_ratio(revops::arr::QuickRatioPolicy::WithReactivation).is_err());
        assert!(b.growth_rate().is_err());
    }
    assert!(rule_of_40(Decimal::MAX, Decimal::MAX).is_err());
    assert_eq!(rule_of_40(Decimal::new(25, 2), Decimal::new(15, 2)).unwrap(), Decimal::new(40, 2));
}

#[test]
fn velocity_and_milestones_at_the_last_period_index_are_errors_not_panics() {
    let book = small_book();
    // k + 1 overflowed before the period index was checked
    assert!(book.velocity(usize::MAX, 1).is_err());
    let t = SignalThresholds { min_growth: Decimal::ZERO, window: 1 };
    assert!(book.growth_signals(usize::MAX, t, None).is_err());
    assert!(book.velocity(3, usize::MAX).is_err());
}

#[test]
fn milestone_progress_toward_decimal_max_is_an_error_not_a_panic() {
    let book = small_book();
    // remaining ÷ ~40 cents a day, and current ÷ a tiny target, overflowed unchecked
    let far = Milestone { target: usd(Decimal::MAX), by: None };
    assert!(far.progress(&book, 3, 2).is_err());
    let tiny = Milestone { target: usd(Decimal::new(1, 28)), by: None };
    assert!(tiny.progress(&book, 3, 2).is_err());
    let near = Milestone { target: usd(Decimal::from(2_000)), by: Some(d(2027, 1, 1)) };
    assert!(near.progress(&book, 3, 2).is_ok());
}
