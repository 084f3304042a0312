//! `Money::sum` and `checked_sum` are on the quote's hot path (a waterfall check per line, the
//! quote's totals): a sum that stays in range allocates nothing; only one whose running total
//! leaves the range takes its terms again.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use revops::money::checked_sum;
use revops::{Currency, Money};
use rust_decimal::Decimal;

/// The system allocator, counting this thread's allocations.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed to `System` unchanged; the counter is a const-initialised
// thread-local `Cell`, which neither allocates nor re-enters the allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn a_sum_in_range_allocates_nothing() {
    let terms: Vec<Decimal> = (1..=20).map(|i| Decimal::new(i * 1_234, 2)).collect();
    let amounts: Vec<Money> = terms.iter().map(|&d| Money::new(d, Currency::USD)).collect();
    let mut results = (None, None);
    let n = allocations_in(|| {
        results = (Some(Money::sum(Currency::USD, amounts.iter().copied())), Some(checked_sum(terms.iter().copied())));
    });
    assert_eq!(results.0, Some(Ok(Money::new(Decimal::new(259_140, 2), Currency::USD))));
    assert_eq!(results.1, Some(Ok(Decimal::new(259_140, 2))));
    assert_eq!(n, 0, "a sum in range allocated {n} times");
    // the order-independent fallback still answers when the running total leaves the range
    let (max, one) = (Decimal::MAX, Decimal::ONE);
    assert_eq!(checked_sum([max, one, -one]), Ok(max));
    assert_eq!(
        Money::sum(Currency::USD, [max, one, -one].map(|d| Money::new(d, Currency::USD))),
        Ok(Money::new(max, Currency::USD))
    );
}
