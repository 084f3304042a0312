//! The executive snapshot over the demo company (ARR book, retention, forecast, Monte Carlo,
//! collections, health, alerts).
use criterion::{criterion_group, criterion_main, Criterion};
use revops::coordinator::demo::DemoCompany;
use revops::coordinator::{AlertState, ExecutiveSnapshot, SnapshotSources};

fn snapshot(c: &mut Criterion) {
    let company = DemoCompany::generate(42).unwrap();
    let config = company.config();
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("demo company: ARR book + executive snapshot", |b| {
        b.iter(|| {
            let book = company.arr_book().unwrap();
            let sources = SnapshotSources {
                arr: &book,
                accounts: &company.accounts,
                pipeline: &company.pipeline,
                receivables: &company.receivables,
                billed_90d: company.billed_90d,
                syncs: &company.syncs,
            };
            ExecutiveSnapshot::build(company.as_of, sources, &config, &mut AlertState::default()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
