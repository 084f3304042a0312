//! No panics in pricing: price models, discount schedules, quotes, approvals, sensitivity and
//! discount optimisation, on extreme numbers and adversarial JSON.

use proptest::prelude::*;
use revops::money::Percent;
use revops::pricing::*;
use revops::rules::Comparison;
use revops::{Currency, Money};
use rust_decimal::Decimal;

use super::{extreme_decimal, wild_f64};

fn extreme_percent() -> impl Strategy<Value = Percent> {
    extreme_decimal().prop_map(Percent::from_fraction)
}

fn usd(x: Decimal) -> Money {
    Money::new(x, Currency::USD)
}

fn model(kind: u8, a: Decimal, b: Decimal, size: u64) -> Option<PriceModel> {
    let tier = |up: Option<Decimal>, p| Tier { up_to: up, unit_price: usd(p), flat_fee: usd(b) };
    Some(match kind % 5 {
        0 => PriceModel::Flat(usd(a)),
        1 => PriceModel::PerUnit(usd(a)),
        2 => PriceModel::Package { price: usd(a), size: std::num::NonZeroU64::new(size)? },
        3 => PriceModel::Graduated(Tiers::new(vec![tier(Some(b.abs()), a), tier(None, b)]).ok()?),
        _ => PriceModel::Volume(Tiers::new(vec![tier(Some(a.abs()), b), tier(None, a)]).ok()?),
    })
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn price_models_survive_extreme_prices_and_quantities(kind in any::<u8>(), a in extreme_decimal(), b in extreme_decimal(), q in extreme_decimal(), size in any::<u64>(), min in extreme_decimal()) {
        if let Some(m) = model(kind, a, b, size) {
            let _ = m.charge(q);
            let _ = m.validate();
            if let Ok(p) = Price::new(m, Some(usd(min))) {
                let _ = p.charge(q);
            }
        }
    }

    #[test]
    fn schedules_and_quotes_survive_extreme_inputs(q in extreme_decimal(), v in extreme_decimal(), p in extreme_percent(), disc in extreme_percent(), partner in extreme_percent(), months in any::<u32>(), term in any::<u32>(), days in any::<u32>(), slab in any::<bool>()) {
        let kind = if slab { ScheduleKind::Slab } else { ScheduleKind::Range };
        let schedules = [
            DiscountSchedule::new(kind, DiscountBrackets::AmountPerUnit(vec![(Decimal::ZERO, usd(v)), (Decimal::ONE, usd(v))])),
            DiscountSchedule::new(kind, DiscountBrackets::Percent(vec![(Decimal::ZERO, p), (v.abs(), p)])),
        ];
        for schedule in schedules.into_iter().flatten() {
            let _ = schedule.discount(q, usd(v));
            let line = QuoteLine { sku: "ADD-SEATS".into(), quantity: q, months, ramp: vec![RampStep { months, quantity: q }], schedule: Some(schedule), additional_discount: disc, partner_discount: partner };
            let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: term, payment_terms_days: days };
            let mut costs = InMemoryCostModel::default();
            costs.insert("ADD-SEATS", usd(v), usd(q));
            let policy = ApprovalPolicy::demo().with_rule(ApprovalRule {
                name: "big".into(),
                when: vec![QuoteCondition::NetTotal(Comparison::AtLeast, usd(v)), QuoteCondition::Margin(Comparison::Below, p)],
                level: ApprovalLevel::Cfo,
            });
            let _ = quote.price(&PriceBook::demo(), &policy, Some(&costs));
            let _ = quote.price(&PriceBook::demo(), &ApprovalPolicy::demo(), None);
        }
    }

    #[test]
    fn analyses_survive_wild_numbers(xs in prop::collection::vec(wild_f64(), 0..30), list in extreme_decimal(), cost in extreme_decimal(), max in extreme_percent(), step in extreme_percent(), floor in extreme_percent(), c in wild_f64()) {
        let _ = price_elasticity(&xs.iter().map(|v| (*v, *v)).collect::<Vec<_>>(), c);
        let answers: Vec<VanWestendorpAnswer> = xs.chunks(4).filter(|w| w.len() == 4).map(|w| VanWestendorpAnswer { too_cheap: w[0], cheap: w[1], expensive: w[2], too_expensive: w[3] }).collect();
        let _ = VanWestendorp::analyse(&answers);
        let _ = optimise_discount(usd(list), usd(cost), |d| d, max, step, floor);
        let _ = optimise_discount(usd(list), usd(cost), move |_| c, max, step, floor);
    }

    /// Whatever JSON says, a pricing value is refused or safe to use.
    #[test]
    fn pricing_json_is_refused_or_safe(a in extreme_decimal(), b in extreme_decimal(), q in extreme_decimal(), size in any::<u64>(), text in "[ -~]{0,12}") {
        let docs = [
            format!(r#"{{"model":{{"Flat":{{"amount":"{a}","currency":"USD"}}}},"minimum":{{"amount":"{b}","currency":"USD"}}}}"#),
            format!(r#"{{"model":{{"Package":{{"price":{{"amount":"{a}","currency":"USD"}},"size":{size}}}}},"minimum":null}}"#),
            format!(r#"{{"model":{{"Volume":[{{"up_to":"{a}","unit_price":{{"amount":"{b}","currency":"USD"}},"flat_fee":{{"amount":"0","currency":"USD"}}}},{{"up_to":null,"unit_price":{{"amount":"{a}","currency":"EUR"}},"flat_fee":{{"amount":"{b}","currency":"USD"}}}}]}},"minimum":null}}"#),
            format!(r#"{{"model":{{"Graduated":[{{"up_to":"{a}","unit_price":{{"amount":"{b}","currency":"USD"}},"flat_fee":{{"amount":"0","currency":"USD"}}}}]}},"minimum":null}}"#),
        ];
        for doc in &docs {
            if let Ok(p) = serde_json::from_str::<Price>(doc) {
                let _ = p.charge(q);
            }
        }
        let schedule = format!(r#"{{"kind":"Slab","brackets":{{"Percent":[["{a}","{text}%"],["{b}","{text}"]]}}}}"#);
        if let Ok(s) = serde_json::from_str::<DiscountSchedule>(&schedule) {
            let _ = s.discount(q, usd(a));
        }
        let policy = format!(r#"{{"rules":[{{"name":"x","when":[{{"Discount":["Above","{text}%"]}},{{"NetArr":["Below",{{"amount":"{a}","currency":"EUR"}}]}}],"level":"Cfo"}}],"margin_floor":"{b}%","below_floor":"Refuse"}}"#);
        if let Ok(p) = serde_json::from_str::<ApprovalPolicy>(&policy) {
            let line = QuoteLine { sku: "PLAN-PRO".into(), quantity: Decimal::ONE, months: 12, ramp: vec![], schedule: None, additional_discount: Percent::ZERO, partner_discount: Percent::ZERO };
            let _ = Quote { currency: Currency::USD, lines: vec![line], term_months: 12, payment_terms_days: 30 }.price(&PriceBook::demo(), &p, None);
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn pricing_json_with_a_key_it_does_not_know_anywhere_is_refused() {
    use super::json::refuses_unknown_keys as strict;
    let book = PriceBook::demo();
    strict(&book, "PriceBook");
    let policy = ApprovalPolicy::demo();
    strict(&policy, "ApprovalPolicy");
    let line = QuoteLine {
        sku: "PLAN-PRO".into(),
        quantity: Decimal::from(20),
        months: 12,
        ramp: vec![],
        schedule: None,
        additional_discount: Percent::ZERO,
        partner_discount: Percent::ZERO,
    };
    let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: 12, payment_terms_days: 30 };
    strict(&quote, "Quote");
    strict(&quote.price(&book, &policy, None).unwrap(), "PricedQuote");
    let brackets =
        DiscountBrackets::Percent(vec![(Decimal::ZERO, Percent::ZERO), (Decimal::from(100), "10%".parse().unwrap())]);
    strict(&DiscountSchedule::new(ScheduleKind::Slab, brackets).unwrap(), "DiscountSchedule");
}
