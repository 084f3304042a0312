//! Retention models: sBG on 12 periods, Kaplan–Meier on 100,000 subjects, BG/NBD on 100,000 customers.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::retention::{BgNbd, KaplanMeier, ShiftedBetaGeometric, Subject};

fn retention(c: &mut Criterion) {
    let alive = [1000u64, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394];
    c.bench_function("sBG fit, 12 periods", |b| b.iter(|| ShiftedBetaGeometric::fit(black_box(&alive)).unwrap()));

    let mut rng = StdRng::seed_from_u64(1);
    let subjects: Vec<Subject> = (0..100_000)
        .map(|_| Subject { time: (rng.random::<f64>() * 48.0).floor(), event: rng.random::<f64>() < 0.7 })
        .collect();
    c.bench_function("Kaplan-Meier, 100k subjects", |b| {
        b.iter(|| KaplanMeier::fit(black_box(&subjects), 0.95).unwrap())
    });

    let truth = BgNbd::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let data = truth.simulate(100_000, 39.0, &mut rng).unwrap();
    let mut group = c.benchmark_group("retention");
    group.sample_size(10);
    group.bench_function("BG/NBD fit, 100k customers", |b| b.iter(|| BgNbd::fit(black_box(&data)).unwrap()));
    group.finish();
}

criterion_group!(benches, retention);
criterion_main!(benches);
