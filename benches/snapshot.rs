//! The executive snapshot over the demo company (ARR book, retention, forecast, Monte Carlo,
//! collections, health, alerts).
use criterion::{criterion_group, criterion_main, Criterion};
use revops::coordinator::demo::DemoCompany;
use revops::coordinator::{AlertState, ExecutiveSnapshot};

fn snapshot(c: &mut Criterion) {
    let company = DemoCompany::generate(42).unwrap();
    let config = company.config();
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("demo company: ARR book + executive snapshot", |b| {
        b.iter(|| {
            let book = company.arr_book().unwrap();
            let sources = company.sources(&book);
            ExecutiveSnapshot::build(company.as_of, sources, &config, &mut AlertState::default()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
