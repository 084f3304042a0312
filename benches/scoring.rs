//! Deal scoring hot paths: one deal with 32 features and top-3 reasons; 1,000,000 deals in a
//! batch; fitting a win model on 100,000 × 32; the bare L2 logistic fit on breast cancer
//! (569 × 30, standardised, as scikit-learn's example), 100,000 × 32 and 1,000,000 × 32.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::acquisition::WinModelSpec;
use revops::stats::{standardisation, LogisticSpec};

const P: usize = 32;

fn deals(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let truth: Vec<f64> = (0..P).map(|j| ((j as f64) * 0.37).sin()).collect();
    let mut rows = Vec::with_capacity(n * P);
    let mut won = Vec::with_capacity(n);
    for _ in 0..n {
        let x: Vec<f64> = (0..P).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect();
        let z: f64 = x.iter().zip(&truth).map(|(a, b)| a * b).sum();
        won.push(rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.extend(x);
    }
    (rows, won)
}

fn scoring(c: &mut Criterion) {
    let names: Vec<String> = (0..P).map(|j| format!("feature_{j}")).collect();
    let (rows, won) = deals(100_000, 7);
    let spec = WinModelSpec::new(names);
    let model = spec.fit(&rows, &won).unwrap();
    let one = &rows[..P];
    c.bench_function("score one deal, 32 features, top-3 reasons", |b| {
        b.iter(|| model.explain(black_box(one)).unwrap())
    });

    let (batch, _) = deals(1_000_000, 8);
    let mut out = Vec::with_capacity(1_000_000);
    let mut group = c.benchmark_group("scoring");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("score 1M deals, no reasons", |b| {
        b.iter(|| model.probabilities_into(black_box(&batch), &mut out).unwrap())
    });
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("fit 100k x 32", |b| b.iter(|| spec.fit(black_box(&rows), &won).unwrap()));
    group.finish();
}

/// Breast cancer (tests/data/breast_cancer.csv, from scikit-learn 1.9.1), standardised with the
/// population standard deviation as `StandardScaler`; the label is `target` (benign).
fn breast_cancer() -> (Vec<f64>, Vec<bool>) {
    let (mut rows, mut labels) = (Vec::new(), Vec::new());
    for line in include_str!("../tests/data/breast_cancer.csv").lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
        rows.extend_from_slice(&v[..30]);
        labels.push(v[30] == 1.0);
    }
    let (means, scales) = standardisation(&rows, 30).unwrap();
    for row in rows.chunks_exact_mut(30) {
        for ((x, m), s) in row.iter_mut().zip(&means).zip(&scales) {
            *x = (*x - m) / s;
        }
    }
    (rows, labels)
}

fn logistic(c: &mut Criterion) {
    let spec = LogisticSpec::default(); // λ = 1 (scikit-learn's C = 1), Newton step below 1e-8
    let (rows, labels) = breast_cancer();
    c.bench_function("logistic fit 569 x 30 (breast cancer)", |b| {
        b.iter(|| spec.fit(black_box(&rows), 30, &labels).unwrap())
    });
    let mut group = c.benchmark_group("logistic");
    group.sample_size(10);
    for n in [100_000, 1_000_000] {
        let (rows, won) = deals(n, 11);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("logistic fit {}k x 32", n / 1000), |b| {
            b.iter(|| spec.fit(black_box(&rows), P, &won).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, scoring, logistic);
criterion_main!(benches);
