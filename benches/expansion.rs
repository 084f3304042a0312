//! Expansion scoring: 100,000 accounts against a 20-product catalog.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::expansion::*;
use revops::rules::{Comparison, Condition};
use revops::{Currency, Money};

fn expansion(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(5);
    let products: Vec<Product> = (0..20)
        .map(|i| Product {
            name: format!("p{i}"),
            list_arr: Money::from_minor_units(1_000_000 + i * 50_000, Currency::USD).unwrap(),
        })
        .collect();
    let accounts: Vec<Account> = (0..100_000)
        .map(|i| {
            let owned: Vec<usize> =
                (0..20).filter(|j| rng.random::<f64>() < 0.08 + 0.02 * ((i + j) % 5) as f64).collect();
            Account {
                id: format!("acct-{i}"),
                segment: ["smb", "mid", "ent"][i % 3].into(),
                arr: Money::from_minor_units(5_000_000, Currency::USD).unwrap(),
                owned: ProductSet::of(&owned).unwrap(),
                seats_paid: 100,
                seats_used: rng.random_range(40..120),
                seat_arr: Money::from_minor_units(120_000, Currency::USD).unwrap(),
                usage: rng.random::<f64>() * 3_000.0,
                tier: 0,
                features: vec![],
            }
        })
        .collect();
    let tier = |name: &str, cents: i64, usage_limit| Tier {
        name: name.into(),
        arr: Money::from_minor_units(cents, Currency::USD).unwrap(),
        usage_limit,
    };
    let scorer = ExpansionScorer {
        catalog: Catalog {
            products,
            tiers: vec![tier("Starter", 5_000_000, 1_000.0), tier("Pro", 25_000_000, 10_000.0)],
        },
        affinity: CoOwnership::learn(&accounts, 20).unwrap(),
        propensity: Propensity::Rules {
            rules: vec![
                PropensityRule { when: vec![Condition::new("score", Comparison::AtLeast, 0.3)], probability: 0.35 },
                PropensityRule {
                    when: vec![Condition::new("usage_ratio", Comparison::AtLeast, 1.5)],
                    probability: 0.5,
                },
            ],
            default: 0.1,
        },
        seat_threshold: 0.9,
        seat_headroom: 0.2,
        cross_sell_per_account: 3,
        min_lift: 1.0,
    };
    let mut group = c.benchmark_group("expansion");
    group.sample_size(10);
    group.throughput(Throughput::Elements(accounts.len() as u64));
    group.bench_function("score 100k accounts x 20 products", |b| {
        b.iter(|| accounts.iter().map(|a| scorer.score(black_box(a)).unwrap().len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, expansion);
criterion_main!(benches);
