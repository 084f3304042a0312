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
