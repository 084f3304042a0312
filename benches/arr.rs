//! ARR at scale: a realistic stream of about a million events over 50,000 customers (every rule
//! exercised: trials, same-day corrections, cancels undone and restarts, renewals, discounts,
//! pauses, a fifth of customers in EUR or GBP; see `common/arr_data.rs`) → 36 monthly bridges
//! and cohort tables; and one update at a time, in order, scattered, late, and redelivered.
use std::hint::black_box;
use std::time::Instant;

use chrono::Duration;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent};
use revops::Money;

#[path = "common/arr_data.rs"]
mod arr_data;
use arr_data::{currency_of, customer_id, history_end, months, rates, stream};

const CUSTOMERS: usize = 50_000;

fn arr(c: &mut Criterion) {
    let rates = rates();
    let input = stream(CUSTOMERS, 20, 42);
    eprintln!("{}", arr_data::describe(&input));
    let build = || ArrBook::build(&input, ArrPolicy::default(), revops::Currency::USD, months(), &rates).unwrap();
    let mut group = c.benchmark_group("arr");
    group.sample_size(10);
    group.throughput(Throughput::Elements(input.len() as u64));
    group.bench_function("1.25M realistic events / 50k customers -> 36 bridges + cohorts", |b| {
        b.iter_with_large_drop(|| {
            let book = ArrBook::build(black_box(&input), ArrPolicy::default(), revops::Currency::USD, months(), &rates)
                .unwrap();
            let bridges: Vec<_> = book.months().map(|m| book.bridge(m, m).unwrap()).collect();
            let cohorts = book.cohorts().unwrap();
            (bridges, cohorts, book) // dropped by criterion outside the timing
        })
    });
    group.finish();

    // One update at a time: a seat change to `cus_{n}`'s `sub_0`, in the customer's currency,
    // on a new day after the history (the book's December 2028), a different price each pass.
    // Each is a new event the book keeps, so the book is built afresh (untimed) every four
    // passes over the customers: it holds 1.0–1.2 M events throughout. A fifth of customers
    // bill in EUR or GBP and are resampled at their month-end rates; a customer whose `sub_0`
    // has ended takes the change as a no-op, as the rules say.
    let update_of = |n: usize, customer: usize, date: chrono::NaiveDate| {
        let price = Money::from_minor_units(20_000 + ((n * 37) % 5_000) as i64, currency_of(customer)).unwrap();
        SubscriptionEvent::new(
            &format!("upd_{n}"),
            &customer_id(customer),
            "sub_0",
            date,
            EventKind::Change { price, interval: Interval::Month },
        )
        .at(n as u64)
    };
    let day_after = |n: usize| history_end() + Duration::days(1 + (n / CUSTOMERS % 4) as i64);
    // 40,503 is prime to 50,000, so this visits every customer once a pass
    let scatter = |n: usize| n % CUSTOMERS * 40_503 % CUSTOMERS;
    // a late event: six months before the history's end, replayed from the checkpoint before it
    let late_day = |n: usize| history_end() - Duration::days(180 - (n / CUSTOMERS % 4) as i64);
    type Update<'a> = &'a dyn Fn(usize) -> SubscriptionEvent;
    let in_order = |n: usize| update_of(n, n % CUSTOMERS, day_after(n));
    let scattered = |n: usize| update_of(n, scatter(n), day_after(n));
    let late = |n: usize| update_of(n, scatter(n), late_day(n));
    let streams: [(&str, Update); 3] = [
        ("arr: one update, customers in order", &in_order),
        ("arr: one update, customers scattered", &scattered),
        ("arr: one late update (six months back), customers scattered", &late),
    ];
    const PASSES_PER_BOOK: usize = 4;
    let per_book = PASSES_PER_BOOK * CUSTOMERS;
    for (name, update) in streams {
        let (mut book, mut n, mut since_build) = (build(), 0usize, 0usize);
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let (mut spent, mut left) = (std::time::Duration::ZERO, iters as usize);
                while left > 0 {
                    if since_build == per_book {
                        (book, n, since_build) = (build(), 0, 0);
                    }
                    let batch: Vec<SubscriptionEvent> = (0..left.min(per_book - since_build))
                        .map(|_| {
                            n += 1;
                            update(n)
                        })
                        .collect();
                    let started = Instant::now();
                    for event in &batch {
                        book.apply(black_box(event), &rates).unwrap();
                    }
                    spent += started.elapsed();
                    (since_build, left) = (since_build + batch.len(), left - batch.len());
                }
                spent
            })
        });
    }

    // A webhook delivered again: an event the book holds, found by its id and compared.
    let mut book = build();
    let mut n = 0usize;
    c.bench_function("arr: one redelivered event (a no-op)", |b| {
        b.iter_batched_ref(
            || {
                n = (n + 7_919) % input.len();
                input[n].clone()
            },
            |event| book.apply(black_box(event), &rates).unwrap(),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, arr);
criterion_main!(benches);
