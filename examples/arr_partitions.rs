//! A book too big for one build: partition the events by customer, build a book per partition
//! on its own thread, and merge. This is how the ledger runs on an engine that partitions data
//! (Spark, DataFusion, Flink): each task builds a book of its customers, one step merges them.
//! The merged book is the book built from all events, and the example checks that it is.
use std::time::Instant;

use revops::arr::{ArrBook, ArrPolicy, SubscriptionEvent};
use revops::Currency;

#[path = "../benches/common/arr_data.rs"]
mod arr_data;

/// Which of `parts` partitions a customer's events go to (any stable hash of the id will do).
fn partition(customer: &str, parts: usize) -> usize {
    customer.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize)) % parts
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PARTS: usize = 8;
    let (events, rates) = (arr_data::stream(20_000, 20, 42), arr_data::rates());
    println!("{}", arr_data::describe(&events));
    let mut parts: Vec<Vec<SubscriptionEvent>> = vec![Vec::new(); PARTS];
    for e in &events {
        parts[partition(&e.customer, PARTS)].push(e.clone());
    }

    let started = Instant::now();
    let books: Vec<ArrBook> = std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| {
                s.spawn(|| ArrBook::build(part, ArrPolicy::default(), Currency::USD, arr_data::months(), &rates))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a partition's thread")).collect::<Result<_, _>>()
    })?;
    let built = started.elapsed();
    let mut books = books.into_iter();
    let mut merged = books.next().ok_or("no partitions")?;
    for book in books {
        merged.merge(book)?;
    }
    let total = started.elapsed();
    println!("{PARTS} partitions built on threads in {built:.2?}, merged by {total:.2?}");

    let started = Instant::now();
    let whole = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, arr_data::months(), &rates)?;
    println!("one book from all {} events in {:.2?}", events.len(), started.elapsed());
    assert_eq!(merged, whole, "the merged book is the book of all events");

    let (first, last) = (merged.first_month(), merged.last_month());
    let bridge = merged.bridge(first, last)?;
    assert!(bridge.ties());
    println!(
        "{first} to {last}: opening {} + new {} + expansion {} + reactivation {} − contraction {} − churn {} + fx {} = closing {}",
        bridge.opening,
        bridge.new,
        bridge.expansion,
        bridge.reactivation,
        bridge.contraction,
        bridge.churn,
        bridge.fx,
        bridge.closing
    );
    Ok(())
}
