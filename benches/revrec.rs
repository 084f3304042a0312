//! Revenue schedules at scale: 100,000 contracts × 3 obligations × 36 monthly periods.
use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use revops::calendar::{Month, Period};
use revops::revrec::{Contract, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
use revops::{Currency, Money};

fn contracts(n: usize) -> Vec<Contract> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let start = base + Duration::days((i % 28) as i64);
            let term =
                Period::new(start, revops::calendar::add_months_anchored(start, 36, Default::default()).unwrap())
                    .unwrap();
            let m = |minor: i64| Money::from_minor_units(minor, Currency::USD).unwrap();
            let ob =
                |id: &str, ssp, pattern| PerformanceObligation { id: id.into(), ssp: Ssp::Observable(m(ssp)), pattern };
            let list = 3_600_000 + (i as i64 % 1000) * 100;
            Contract {
                id: format!("C-{i}"),
                customer: format!("cus-{}", i / 3),
                currency: Currency::USD,
                term,
                obligations: vec![
                    ob("platform", list, SatisfactionPattern::RatablyByDay(term)),
                    ob("support", list / 5, SatisfactionPattern::RatablyByMonth(term)),
                    ob("onboarding", list / 10, SatisfactionPattern::PointInTime(start + Duration::days(30))),
                ],
                price: TransactionPrice::fixed(m(list + list / 5 + list / 10 - 500_000)),
            }
        })
        .collect()
}

fn revrec(c: &mut Criterion) {
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2028, 12).unwrap()).map(Month::period).collect();
    let book = contracts(100_000);
    let lines = (book.len() * 3 * months.len()) as u64;
    let mut group = c.benchmark_group("revrec");
    group.sample_size(10);
    group.throughput(Throughput::Elements(lines));
    group.bench_function("100k contracts x 3 obligations x 36 months (schedule lines)", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for contract in &book {
                total += ContractSchedule::build(black_box(contract), &months).unwrap().line_count();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, revrec);
criterion_main!(benches);
