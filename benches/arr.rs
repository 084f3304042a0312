//! ARR at scale: 1,000,000 events over 50,000 customers → 36 monthly bridges and cohort tables;
//! incremental update of one event.
use std::hint::black_box;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, SubscriptionEvent};
use revops::calendar::{Month, Period};
use revops::money::InMemoryFxRates;
use revops::{Currency, Money};

fn events(customers: usize, per_customer: usize) -> Vec<SubscriptionEvent> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut out = Vec::with_capacity(customers * per_customer);
    for c in 0..customers {
        let customer = format!("cus_{c}");
        let start = base + Duration::days((c % 700) as i64);
        for k in 0..per_customer {
            let subscription = format!("sub_{}", k % 2);
            let date = start + Duration::days((k / 2 * 30) as i64);
            let price = Money::from_minor_units(10_000 + ((c * 7 + k * 13) % 5_000) as i64, Currency::USD).unwrap();
            let kind = match k {
                0 | 1 => EventKind::Start {
                    price,
                    interval: if c % 3 == 0 { Interval::Year } else { Interval::Month },
                    trial_until: None,
                },
                _ if k % 9 == 8 => EventKind::Cancel { paid_through: Some(date + Duration::days(20)) },
                _ if k % 9 == 0 => EventKind::Start { price, interval: Interval::Month, trial_until: None },
                _ => EventKind::Change { price, interval: Interval::Month },
            };
            out.push(SubscriptionEvent { customer: customer.clone(), subscription, date, recorded_on: None, kind });
        }
    }
    out
}

fn arr(c: &mut Criterion) {
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2028, 12).unwrap()).map(Month::period).collect();
    let rates = InMemoryFxRates::new();
    let input = events(50_000, 20);
    let mut group = c.benchmark_group("arr");
    group.sample_size(10);
    group.throughput(Throughput::Elements(input.len() as u64));
    group.bench_function("1M events / 50k customers -> 36 bridges + cohorts", |b| {
        b.iter_with_large_drop(|| {
            let book = ArrBook::build(black_box(&input), ArrPolicy::default(), Currency::USD, &months, &rates).unwrap();
            let bridges: Vec<_> = (0..36).map(|k| book.bridge(k, k).unwrap()).collect();
            let cohorts = book.cohorts().unwrap();
            (bridges, cohorts, book) // dropped by criterion outside the timing
        })
    });
    group.finish();

    // Updates of one event each, round-robin over the 50,000 customers: `cus_{n}`'s `sub_0` changes
    // price, to one 37 cents (modulo a dollar) from its price in the pass before, so that no
    // update repeats the one before it (a repeated price moves nothing, and the book skips most
    // of the work for it). In the first stream a customer's updates all fall on one day (a day of
    // seat changes): the book keeps one change a day, the one that sorts last in the canonical
    // order (the highest price), so the history does not grow, and once a customer's day holds
    // a high price most updates leave nothing to change.
    //
    // The streams visit customers in order (`cus_0`, `cus_1`, …), as a replay of a sorted feed
    // would; the second also runs with them scattered (a fixed permutation), as webhooks from
    // many customers arrive. An update is bound by memory latency, and the processor's
    // prefetchers help the orderly streams: the scattered one shows the cost of a cold customer.
    let update_of = |n: usize, day: i64, customer: usize| SubscriptionEvent {
        customer: format!("cus_{customer}"),
        subscription: "sub_0".into(),
        // wrapped at 180 days: however long criterion runs, events stay inside the book's periods
        date: NaiveDate::from_ymd_opt(2028, 6, 1).unwrap() + Duration::days(day % 180),
        recorded_on: None,
        kind: EventKind::Change {
            price: Money::from_minor_units(20_000 + ((n % 50_000 + 37 * (n / 50_000)) % 100) as i64, Currency::USD)
                .unwrap(),
            interval: Interval::Month,
        },
    };
    let update = |n: usize, day: i64| update_of(n, day, n % 50_000);
    // 40,503 is prime to 50,000, so this visits every customer once a pass
    let scattered = |n: usize, day: i64| update_of(n, day, n % 50_000 * 40_503 % 50_000);
    let build = || ArrBook::build(&input, ArrPolicy::default(), Currency::USD, &months, &rates).unwrap();
    let mut book = build();
    let mut n = 0usize;
    c.bench_function("arr: incremental update of one event", |b| {
        b.iter_batched_ref(
            || {
                n += 1;
                update(n, 0)
            },
            // the event stays the caller's (the book keeps no part of it): criterion drops it
            // after the timing
            |event| book.apply(black_box(event), &rates).unwrap(),
            BatchSize::SmallInput,
        )
    });

    // In the second, each pass over the customers is a day later, so every update is a new event
    // the book keeps. The target is for the book the bench names, so the book is built afresh
    // (untimed) every four passes: it holds 1.0–1.2 M events throughout, and the timed updates
    // include the passes where every history outgrows its storage. It runs in order, then
    // scattered.
    const PASSES_PER_BOOK: usize = 4;
    let per_book = PASSES_PER_BOOK * 50_000;
    type Update<'a> = &'a dyn Fn(usize, i64) -> SubscriptionEvent;
    let streams: [(&str, Update); 2] = [
        ("arr: incremental update, each event a day later", &update),
        ("arr: incremental update, each event a day later, customers scattered", &scattered),
    ];
    for (name, update) in streams {
        (book, n) = (build(), 0);
        let mut since_build = 0usize;
        c.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let (mut spent, mut left) = (std::time::Duration::ZERO, iters as usize);
                while left > 0 {
                    if since_build == per_book {
                        book = build();
                        since_build = 0;
                    }
                    let batch: Vec<SubscriptionEvent> = (0..left.min(per_book - since_build))
                        .map(|_| {
                            n += 1;
                            update(n, (n / 50_000) as i64)
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

    // The last keeps one book for the whole run: by its end criterion has added several million
    // events to it, and the figure is that of a book several times the size the target names.
    (book, n) = (build(), 0);
    c.bench_function("arr: incremental update, each event a day later, book growing", |b| {
        b.iter_batched_ref(
            || {
                n += 1;
                update(n, (n / 50_000) as i64)
            },
            |event| book.apply(black_box(event), &rates).unwrap(),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, arr);
criterion_main!(benches);
