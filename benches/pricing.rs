//! Quote pricing: a 20-line quote with graduated tiers, waterfall and approvals.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use revops::pricing::*;
use revops::Currency;
use rust_decimal::Decimal;

fn pricing(c: &mut Criterion) {
    let book = PriceBook::demo();
    let policy = ApprovalPolicy::demo();
    let schedule = DiscountSchedule {
        kind: ScheduleKind::Slab,
        value: ScheduleValue::Percent,
        brackets: vec![
            (Decimal::ZERO, Decimal::ZERO),
            (Decimal::from(2_000), Decimal::new(5, 2)),
            (Decimal::from(4_000), Decimal::new(10, 2)),
        ],
    };
    let lines: Vec<QuoteLine> = (0..20)
        .map(|i| QuoteLine {
            sku: "PLAN-ENT".into(), // graduated tiers
            quantity: Decimal::from(1_000 + i * 250),
            months: 12,
            ramp: vec![],
            schedule: Some(schedule.clone()),
            additional_discount: Decimal::new(i % 15, 2),
            partner_discount: Decimal::new(i % 3, 2),
        })
        .collect();
    let quote = Quote { currency: Currency::USD, lines, term_months: 36, payment_terms_days: 45 };
    c.bench_function("price a 20-line quote (graduated, waterfall, approvals)", |b| {
        b.iter(|| black_box(&quote).price(&book, &policy, None).unwrap())
    });
}

criterion_group!(benches, pricing);
criterion_main!(benches);
