//! Quote pricing: a 20-line quote with graduated tiers, waterfall and approvals.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use revops::money::Percent;
use revops::pricing::*;
use revops::Currency;
use rust_decimal::Decimal;

fn pricing(c: &mut Criterion) {
    let book = PriceBook::demo();
    let policy = ApprovalPolicy::demo();
    let pct = |hundredths: i64| Percent::from_fraction(Decimal::new(hundredths, 2));
    let brackets = vec![(Decimal::ZERO, pct(0)), (Decimal::from(2_000), pct(5)), (Decimal::from(4_000), pct(10))];
    let schedule = DiscountSchedule::new(ScheduleKind::Slab, DiscountBrackets::Percent(brackets)).unwrap();
    let lines: Vec<QuoteLine> = (0..20)
        .map(|i| QuoteLine {
            sku: "PLAN-ENT".into(), // graduated tiers
            quantity: Decimal::from(1_000 + i * 250),
            months: 12,
            ramp: vec![],
            schedule: Some(schedule.clone()),
            additional_discount: pct(i % 15),
            partner_discount: pct(i % 3),
        })
        .collect();
    let quote = Quote { currency: Currency::USD, lines, term_months: 36, payment_terms_days: 45 };
    c.bench_function("price a 20-line quote (graduated, waterfall, approvals)", |b| {
        b.iter(|| black_box(&quote).price(&book, &policy, None).unwrap())
    });
}

criterion_group!(benches, pricing);
criterion_main!(benches);
