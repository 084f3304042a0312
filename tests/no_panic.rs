//! No panics on caller input: every engine entry point, handed extreme amounts, rates and
//! quantities, returns a `Result` (an error is fine) rather than panicking.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent};
use revops::calendar::{Month, Period};
use revops::money::InMemoryFxRates;
use revops::pricing::{ApprovalPolicy, DiscountSchedule, PriceBook, Quote, QuoteLine, ScheduleKind, ScheduleValue};
use revops::revrec::{allocate, Contract, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
use revops::sales::{CommissionPlan, CreditedDeal, RateTier};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn extreme_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::new(1, 28)),
        (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..29)
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
    ]
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arr_book_survives_extreme_prices_and_rates(a in extreme_decimal(), b in extreme_decimal(), rate in extreme_decimal()) {
        let months: Vec<Period> = Month::new(2026, 1).unwrap().through(Month::new(2026, 4).unwrap()).map(Month::period).collect();
        let mut fx = InMemoryFxRates::new();
        let _ = fx.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), rate);
        let ev = |c: &str, date, kind| SubscriptionEvent { customer: c.into(), subscription: "s".into(), date, recorded_on: None, kind };
        let events = vec![
            ev("x", d(2026, 1, 2), EventKind::Start { price: Money::new(a, Currency::USD), interval: Interval::Month, trial_until: None }),
            ev("y", d(2026, 1, 3), EventKind::Start { price: Money::new(b, Currency::USD), interval: Interval::Month, trial_until: None }),
            ev("z", d(2026, 1, 3), EventKind::Start { price: Money::new(b, Currency::EUR), interval: Interval::Year, trial_until: None }),
            ev("x", d(2026, 2, 2), EventKind::Change { price: Money::new(b, Currency::USD), interval: Interval::Months(36) }),
        ];
        if let Ok(book) = ArrBook::build(events, ArrPolicy::default(), Currency::USD, &months, &fx) {
            let _ = book.bridge(0, 3);
            let _ = book.arr_at(3);
            let _ = book.retention(3, 2);
            let _ = book.cohorts();
            let _ = book.velocity(3, 2);
        }
    }

    #[test]
    fn allocation_survives_extreme_ssps(a in extreme_decimal(), b in extreme_decimal(), price in extreme_decimal()) {
        let term = Period::new(d(2026, 1, 1), d(2027, 1, 1)).unwrap();
        let ob = |id: &str, x| PerformanceObligation { id: id.into(), ssp: Ssp::Observable(Money::new(x, Currency::USD)), pattern: SatisfactionPattern::RatablyByDay(term) };
        let c = Contract { id: "c".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob("a", a), ob("b", b), ob("c", a)], price: TransactionPrice::fixed(Money::new(price, Currency::USD)) };
        let _ = allocate(&c, d(2027, 1, 1));
        let _ = revops::revrec::ContractSchedule::build(&c, &[Month::new(2026, 1).unwrap().period()]);
    }

    #[test]
    fn quotes_survive_extreme_quantities_and_brackets(q in extreme_decimal(), v in extreme_decimal(), disc in extreme_decimal()) {
        let schedule = DiscountSchedule { kind: ScheduleKind::Slab, value: ScheduleValue::AmountPerUnit, brackets: vec![(Decimal::ZERO, v), (Decimal::ONE, v)] };
        let line = QuoteLine { sku: "ADD-SEATS".into(), quantity: q, months: 7, ramp: vec![], schedule: Some(schedule), additional_discount: disc, partner_discount: Decimal::ZERO };
        let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: 7, payment_terms_days: 30 };
        let _ = quote.price(&PriceBook::demo(), &ApprovalPolicy::demo(), None);
    }

    #[test]
    fn commission_survives_extreme_rates(rate in extreme_decimal(), mult in extreme_decimal(), amount in extreme_decimal(), quota in extreme_decimal()) {
        let plan = CommissionPlan { base_rate: rate, tiers: vec![RateTier { from_attainment: Decimal::ZERO, multiplier: mult }], cap: None, spifs: vec![], clawback_days: 90 };
        let deal = CreditedDeal { id: "d".into(), product: "p".into(), amount: Money::new(amount, Currency::USD), closed: d(2026, 1, 5), splits: vec![("r".into(), Decimal::ONE)] };
        let _ = plan.statement("r", Month::new(2026, 1).unwrap().period(), Money::new(quota, Currency::USD), &[deal], &[]);
    }
}
