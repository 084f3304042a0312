//! Short constructors for dates, months and amounts in the ARR tests (included with `#[path]`).
#![allow(dead_code)]

use chrono::NaiveDate;
use revops::calendar::Month;
use revops::{Currency, Money};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn m(y: i32, n: u32) -> Month {
    Month::new(y, n).unwrap()
}

pub fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

pub fn eur(s: &str) -> Money {
    Money::parse(s, Currency::EUR).unwrap()
}

/// True when `sum`, a sum of `terms` figures each rounded to 10⁻⁸ of the minor unit (the book's
/// exact figures, "# Amounts" in `ArrBook`), is within half of that per term of `want`, the
/// figure of the exact sum.
pub fn sums_to(sum: Money, want: Money, terms: usize) -> bool {
    let half = rust_decimal::Decimal::new(5, sum.currency().minor_units() + 9);
    sum.checked_sub(want).unwrap().amount().abs() <= half * rust_decimal::Decimal::from(terms as u64)
}
