//! Deal scoring hot paths: one deal with 32 features and top-3 reasons; 1,000,000 deals in a
//! batch; fitting on 100,000 × 32.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::acquisition::WinModelSpec;

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
    c.bench_function("score one deal, 32 features, top-3 reasons", |b| b.iter(|| model.explain(black_box(one))));

    let (batch, _) = deals(1_000_000, 8);
    let mut out = Vec::with_capacity(1_000_000);
    let mut group = c.benchmark_group("scoring");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("score 1M deals, no reasons", |b| {
        b.iter(|| model.probabilities_into(black_box(&batch), &mut out))
    });
    group.throughput(Throughput::Elements(100_000));
    group.bench_function("fit 100k x 32", |b| b.iter(|| spec.fit(black_box(&rows), &won).unwrap()));
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
