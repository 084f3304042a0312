//! Billing at scale: a year of monthly invoices for 100,000 contracts; aging 1,000,000 invoices.
use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use revops::billing::{
    age_receivables, BillingAlignment, BillingFrequency, BillingTerms, BillingTiming, FlatTax, InvoiceDraft,
    Receivable, TaxMode,
};
use revops::calendar::{AnchorPolicy, Period};
use revops::{Currency, Money};

fn invoices(c: &mut Criterion) {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let contracts: Vec<(String, BillingTerms)> = (0..100_000)
        .map(|i| {
            let s = start + Duration::days(i % 28);
            let service =
                Period::new(s, revops::calendar::add_months_anchored(s, 12, AnchorPolicy::DayOfMonth).unwrap())
                    .unwrap();
            let terms = BillingTerms {
                fee: Money::from_minor_units(100_000 + i * 7, Currency::USD).unwrap(),
                frequency: BillingFrequency::Monthly,
                timing: BillingTiming::InAdvance,
                alignment: BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
                service,
                payment_terms_days: 30,
            };
            (format!("C-{i}"), terms)
        })
        .collect();
    let tax = FlatTax::new("8.25%".parse().unwrap(), TaxMode::Exclusive).unwrap();
    let mut group = c.benchmark_group("billing");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_200_000));
    group.bench_function("a year of monthly invoices for 100k contracts", |b| {
        b.iter(|| {
            let mut n = 0u64;
            for (id, terms) in &contracts {
                for item in terms.schedule().unwrap() {
                    let draft = InvoiceDraft::for_item("customer", id, "Platform subscription", &item);
                    black_box(draft.finalize(n.to_string(), &tax).unwrap());
                    n += 1;
                }
            }
            n
        })
    });

    let book: Vec<Receivable> = (0..1_000_000)
        .map(|i: i64| {
            let due = start + Duration::days(i % 200);
            let total = Money::from_minor_units(10_000 + i % 9_000, Currency::USD).unwrap();
            Receivable::new(format!("INV-{i}"), format!("c{}", i % 5000), due - Duration::days(30), due, total)
                .and_then(|r| r.with_paid(Money::from_minor_units(i % 3 * 1_000, Currency::USD).unwrap(), None))
                .unwrap()
        })
        .collect();
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    group.throughput(Throughput::Elements(book.len() as u64));
    group.bench_function("age 1M open invoices", |b| b.iter(|| age_receivables(black_box(&book), as_of).unwrap()));
    group.finish();
}

criterion_group!(benches, invoices);
criterion_main!(benches);
