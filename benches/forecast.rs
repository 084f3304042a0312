//! Forecasting: AutoETS on a 144-point monthly series; AutoARIMA on AirPassengers, and on
//! elec_equip (257 points) by the exact and the approximate search; Monte Carlo of 10,000 deals ×
//! 10,000 trials.
use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use revops::calendar::Period;
use revops::forecast::{auto_ets, monte_carlo_close, ArimaSearch, AutoArima, ForecastCategory, PipelineDeal};
use revops::money::{Decimal, Percent};
use revops::{Currency, Money};

fn forecast(c: &mut Criterion) {
    // the classic airline-passengers shape: trend with growing seasonal swings
    let y: Vec<f64> = (0..144)
        .map(|t| {
            let t = t as f64;
            (110.0 + 2.5 * t) * (1.0 + 0.2 * (t * std::f64::consts::PI / 6.0).sin()) + 5.0 * (t * 1.7).cos()
        })
        .collect();
    c.bench_function("AutoETS, 144-point monthly series", |b| b.iter(|| auto_ets(black_box(&y), 12).unwrap()));

    // AirPassengers (tests/data; statsforecast.utils.AirPassengers): the series
    // comparisons/forecast_arima_reference.py --time runs statsforecast's AutoARIMA on
    let air: Vec<f64> = include_str!("../tests/data/AirPassengers.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.parse().unwrap())
        .collect();
    let mut group = c.benchmark_group("forecast");
    group.sample_size(20);
    group.bench_function("AutoARIMA on AirPassengers", |b| b.iter(|| AutoArima::new(12).fit(black_box(&air)).unwrap()));
    // a long series (tests/data; statsmodels.datasets.elec_equip): the exact search, and the
    // approximate one R's auto.arima and statsforecast's auto_arima_f run on it by default
    let elec: Vec<f64> = include_str!("../tests/data/elec_equip.csv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.parse().unwrap())
        .collect();
    for (name, search) in [("exact", ArimaSearch::Exact), ("approximate", ArimaSearch::ApproximateLong)] {
        let auto = AutoArima::new(12).with_search(search);
        group.bench_function(format!("AutoARIMA on elec_equip (257 points), {name} search"), |b| {
            b.iter(|| auto.fit(black_box(&elec)).unwrap())
        });
    }
    group.finish();

    let start = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let quarter = Period::new(start, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()).unwrap();
    let deals: Vec<PipelineDeal> = (0..10_000)
        .map(|i| PipelineDeal {
            id: format!("d{i}"),
            rep: format!("r{}", i % 50),
            team: "t".into(),
            region: "NA".into(),
            amount: Money::from_minor_units(1_000_000 + (i as i64 % 97) * 50_000, Currency::USD).unwrap(),
            probability: Percent::from_fraction(Decimal::new(1 + (i % 9) as i64, 1)), // 10% … 90%
            close_date: start + Duration::days((i % 92) as i64),
            category: ForecastCategory::Pipeline,
        })
        .collect();
    let target = Money::parse("25000000", Currency::USD).unwrap();
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.bench_function("Monte Carlo, 10k deals x 10k trials", |b| {
        b.iter(|| monte_carlo_close(black_box(&deals), quarter, start, 10.0, target, 10_000, 1).unwrap())
    });
    group.finish();
}

criterion_group!(benches, forecast);
criterion_main!(benches);
