//! No panics on caller input: every engine entry point, handed extreme amounts, rates and
//! quantities, returns a `Result` (an error is fine) rather than panicking; every `Deserialize`
//! type, fed adversarial JSON, is refused or yields a value that is then safe to use.
//!
//! Run it harder than CI does with `PROPTEST_CASES=1000000 cargo test --profile stress --test no_panic`
//! (optimised, with overflow checks on: `--release` would let integer overflow wrap silently).
//! One module per area; the strategies they share live here.

mod arr;
mod billing;
mod coordinator;
mod engines;
mod forecast_methods;
#[cfg(feature = "serde")]
mod json;
mod money_calendar;
mod pricing;
mod revrec;
#[cfg(feature = "serde")]
mod rows;

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent};
use revops::calendar::{Month, Period};
use revops::money::InMemoryFxRates;
use revops::revrec::{allocate, Contract, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
use revops::sales::{CommissionPlan, CreditedDeal, RateTier};
use revops::{Currency, Money};
use rust_decimal::Decimal;

/// `n` cases a property in CI; `PROPTEST_CASES`, when set, decides instead (for a long run).
/// (`ProptestConfig::with_cases` alone would ignore the variable.)
pub(crate) fn cases(n: u32) -> ProptestConfig {
    let default = ProptestConfig::default(); // reads PROPTEST_CASES when it is set
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { default.cases } else { n };
    ProptestConfig { cases, ..default }
}

/// 200 cases a property, unless `PROPTEST_CASES` says otherwise.
pub(crate) fn config() -> ProptestConfig {
    cases(200)
}

pub(crate) fn extreme_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::new(1, 28)),
        (any::<i64>(), 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..29)
            .prop_map(|(lo, mid, hi, neg, s)| Decimal::from_parts(lo, mid, hi, neg, s)),
    ]
}

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arr_book_survives_extreme_prices_and_rates(a in extreme_decimal(), b in extreme_decimal(), rate in extreme_decimal()) {
        let months = Month::new(2026, 1).unwrap()..=Month::new(2026, 4).unwrap();
        let mut fx = InMemoryFxRates::new();
        let _ = fx.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), rate);
        let ev = |id: &str, c: &str, date, kind| SubscriptionEvent::new(id, c, "s", date, kind);
        let events = vec![
            ev("e1", "x", d(2026, 1, 2), EventKind::Start { price: Money::new(a, Currency::USD), interval: Interval::Month, trial_until: None }),
            ev("e2", "y", d(2026, 1, 3), EventKind::Start { price: Money::new(b, Currency::USD), interval: Interval::Month, trial_until: None }),
            ev("e3", "z", d(2026, 1, 3), EventKind::Start { price: Money::new(b, Currency::EUR), interval: Interval::Year, trial_until: None }),
            ev("e4", "x", d(2026, 2, 2), EventKind::Change { price: Money::new(b, Currency::USD), interval: Interval::Months(36) }),
        ];
        if let Ok(book) = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months, &fx) {
            let (jan, apr) = (Month::new(2026, 1).unwrap(), Month::new(2026, 4).unwrap());
            let _ = book.bridge(jan, apr);
            let _ = book.arr_at(apr);
            let _ = book.retention(apr, 2);
            let _ = book.cohorts();
            let _ = book.velocity(apr, 2);
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
    fn commission_survives_extreme_rates(rate in extreme_decimal(), mult in extreme_decimal(), amount in extreme_decimal(), quota in extreme_decimal()) {
        use revops::money::Percent;
        let plan = CommissionPlan { base_rate: Percent::from_fraction(rate), tiers: vec![RateTier { from_attainment: Percent::ZERO, multiplier: mult }], cap: None, spifs: vec![], clawback_days: 90 };
        let deal = CreditedDeal { id: "d".into(), product: "p".into(), amount: Money::new(amount, Currency::USD), closed: d(2026, 1, 5), splits: vec![("r".into(), Percent::HUNDRED)] };
        let _ = plan.statement("r", Month::new(2026, 1).unwrap().period(), Money::new(quota, Currency::USD), &[deal], &[]);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn billing_survives_extreme_prices_rates_and_balances(price in extreme_decimal(), qty in extreme_decimal(), rate in extreme_decimal(), inclusive in any::<bool>(), ar in extreme_decimal(), sales in extreme_decimal()) {
        use revops::billing::*;
        let day = d(2026, 1, 1);
        let line = LineDraft { description: "x".into(), quantity: qty, unit_price: Money::new(price, Currency::USD), service: None };
        let draft = InvoiceDraft { customer: "c".into(), contract_id: "k".into(), currency: Currency::USD, issue_date: day, due_date: day, lines: vec![line] };
        let mode = if inclusive { TaxMode::Inclusive } else { TaxMode::Exclusive };
        let tax = FlatTax::new(revops::money::Percent::from_fraction(rate), mode).unwrap_or(FlatTax::NONE);
        if let Ok(inv) = draft.finalize("I", &tax) {
            let _ = CreditNote::issue(&inv, &[], "C", &[CreditRequest { line: 0, amount: CreditAmount::Remaining }]);
        }
        let terms = BillingTerms { fee: Money::new(price, Currency::USD), frequency: BillingFrequency::Monthly, timing: BillingTiming::InArrears, alignment: BillingAlignment::Calendar, service: Period::new(d(2026, 1, 15), d(2026, 4, 1)).unwrap(), payment_terms_days: u32::MAX };
        let _ = terms.schedule();
        let _ = days_sales_outstanding(Money::new(ar, Currency::USD), Money::new(sales, Currency::USD), u32::MAX);
        let _ = prorate(Month::new(2026, 1).unwrap().period(), d(2026, 1, 9), PlanChange::Reprice { old: Money::new(price, Currency::USD), new: Money::new(ar, Currency::USD) });
    }

    #[test]
    fn expansion_and_forecast_survive_extreme_amounts(start in extreme_decimal(), target in extreme_decimal(), churn in extreme_decimal(), win in extreme_decimal(), amount in extreme_decimal()) {
        use revops::expansion::plan_nrr;
        use revops::forecast::{monte_carlo_close, pipeline_forecast, ForecastCategory, PipelineDeal};
        let m = |x| Money::new(x, Currency::USD);
        let _ = plan_nrr(m(start), revops::money::Percent::from_fraction(target), m(churn), m(churn), revops::money::Percent::from_fraction(win));
        let q = Period::new(d(2026, 10, 1), d(2027, 1, 1)).unwrap();
        let deal = |id: &str| PipelineDeal { id: id.into(), rep: "r".into(), team: "t".into(), region: "x".into(), amount: m(amount), probability: revops::money::Percent::from_fraction(Decimal::new(5, 1)), close_date: d(2026, 11, 1), category: ForecastCategory::Commit };
        let deals = [deal("a"), deal("b")];
        let _ = pipeline_forecast(&deals, q, Currency::USD);
        let _ = monte_carlo_close(&deals, q, q.start(), 5.0, m(target), 10, 1);
    }
}

pub(crate) fn wild_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::MAX),
        Just(-f64::MAX),
        Just(0.0),
        -1e12f64..1e12
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn revrec_schedules_and_modifications_survive_extreme_amounts(a in extreme_decimal(), b in extreme_decimal(), p in extreme_decimal()) {
        use revops::revrec::*;
        let term = Period::new(d(2026, 1, 1), d(2027, 1, 1)).unwrap();
        let m = |x| Money::new(x, Currency::USD);
        let mut price = TransactionPrice::fixed(m(a));
        price.variable.push(VariableConsideration {
            name: "v".into(),
            estimates: vec![VariableEstimate::new(d(2026, 3, 1), EstimateMethod::ExpectedValue, vec![Outcome { amount: m(b), probability: revops::money::Percent::HUNDRED }]).unwrap()],
            applies_to: None,
        });
        let pattern = SatisfactionPattern::PercentComplete(vec![ProgressReport { as_of: d(2026, 6, 1), complete: revops::money::Percent::from_fraction(Decimal::new(5, 1)) }]);
        let c = Contract { id: "c".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![PerformanceObligation { id: "o".into(), ssp: Ssp::Observable(m(p)), pattern }], price };
        let months: Vec<Period> = Month::new(2026, 1).unwrap().through(Month::new(2026, 12).unwrap()).map(Month::period).collect();
        if let Ok(s) = ContractSchedule::build(&c, &months) {
            let _ = s.rollforward(&[Billing { date: d(2026, 2, 1), amount: m(b) }]);
            let _ = s.waterfall(d(2026, 7, 1));
        }
        let facts = ModificationFacts { adds_distinct_goods: false, priced_at_standalone_price: false, remaining_goods_distinct: false };
        let modification = Modification { effective: d(2026, 7, 1), added: vec![], updated: vec![], variable: vec![], additional_consideration: m(b), new_contract_id: "c2".into(), facts, treatment: None };
        let _ = modify(&c, &modification);
    }

    #[test]
    fn statistical_fits_survive_wild_numbers(xs in prop::collection::vec(wild_f64(), 0..40), flags in prop::collection::vec(any::<bool>(), 0..40)) {
        use revops::forecast::{accuracy, auto_ets};
        use revops::retention::{KaplanMeier, Subject, ShiftedBetaGeometric};
        let _ = auto_ets(&xs, 12).map(|m| m.forecast(3, 0.8, 1));
        let _ = accuracy(&xs, &xs, &xs, 12);
        let subjects: Vec<Subject> = xs.iter().zip(&flags).map(|(t, e)| Subject { time: *t, event: *e }).collect();
        let _ = KaplanMeier::fit(&subjects, 0.95);
        let counts: Vec<u64> = xs.iter().map(|v| if v.is_finite() { v.abs().min(1e6) as u64 } else { 0 }).collect();
        let _ = ShiftedBetaGeometric::fit(&counts);
        let n = xs.len().min(flags.len());
        let _ = revops::stats::LogisticSpec::default().fit(&xs[..n], 1, &flags[..n]);
        let _ = revops::stats::auc(&xs[..n], &flags[..n]);
        let _ = revops::pricing::price_elasticity(&xs.iter().map(|v| (*v, *v)).collect::<Vec<_>>(), 0.9);
    }
}
