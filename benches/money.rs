//! Money hot paths: allocation, addition, conversion.
use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use revops::money::{convert, InMemoryFxRates};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn money(c: &mut Criterion) {
    let total = Money::parse("1000000.00", Currency::USD).unwrap();
    let weights: Vec<Decimal> = (1..=36).map(|i| Decimal::new(i * 37 % 101 + 1, 1)).collect();
    c.bench_function("allocate $1,000,000.00 over 36 weights", |b| {
        b.iter(|| black_box(total).allocate(black_box(&weights)).unwrap())
    });

    let a = Money::parse("12345.67", Currency::USD).unwrap();
    let x = Money::parse("0.33", Currency::USD).unwrap();
    c.bench_function("money add", |b| b.iter(|| black_box(a).checked_add(black_box(x)).unwrap()));

    let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
    for (cur, r) in [(Currency::EUR, 108), (Currency::GBP, 127), (Currency::JPY, 1)] {
        rates.insert(cur, Currency::USD, day, Decimal::new(r, 2)).unwrap();
    }
    let eur = Money::parse("12345.67", Currency::EUR).unwrap();
    c.bench_function("convert EUR->USD (direct)", |b| {
        b.iter(|| convert(black_box(eur), Currency::USD, black_box(day), &rates).unwrap())
    });
    // the quote is EUR/USD: USD->EUR divides by it, exactly
    c.bench_function("convert USD->EUR (inverse)", |b| {
        b.iter(|| convert(black_box(a), Currency::EUR, black_box(day), &rates).unwrap())
    });
    c.bench_function("convert EUR->GBP (triangulated)", |b| {
        b.iter(|| convert(black_box(eur), Currency::GBP, black_box(day), &rates).unwrap())
    });
}

criterion_group!(benches, money);
criterion_main!(benches);
