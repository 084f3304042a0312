//! The foundation at work on a small seeded demo: multi-currency money, exact allocation, FX,
//! and the calendar.
//!
//! Run: `cargo run --release --example money_and_calendar`

use chrono::NaiveDate;
use revops::calendar::{Anniversaries, FiscalCalendar, Period};
use revops::money::{convert, InMemoryFxRates};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), revops::Error> {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let fiscal = FiscalCalendar::new(2)?;
    println!("revops demo — as of {as_of} ({}, {})", fiscal.year_of(as_of), fiscal.quarter_of(as_of));

    // A $1.2M three-year deal split over three obligations by standalone selling price.
    let deal = Money::parse("1200000.00", Currency::USD)?;
    let ssp = [Decimal::from(900_000), Decimal::from(250_000), Decimal::from(150_000)];
    let parts = deal.allocate(&ssp)?;
    println!("\nAllocation of {deal} by SSP:");
    for (name, part) in ["platform", "onboarding", "premium support"].iter().zip(&parts) {
        println!("  {name:<16} {part:>18}");
    }
    println!("  {:<16} {:>18}", "total", Money::sum(Currency::USD, parts.iter().copied())?);

    // Contracts in other currencies, reported in USD at the month-end rate.
    let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
    rates.insert(Currency::EUR, Currency::USD, as_of, Decimal::new(108, 2))?;
    rates.insert(Currency::USD, Currency::JPY, as_of, Decimal::new(15025, 2))?;
    rates.insert(Currency::KWD, Currency::USD, as_of, Decimal::new(3255, 3))?;
    println!("\nMulti-currency contracts in USD:");
    for m in [
        Money::parse("250000", Currency::EUR)?,
        Money::parse("18000000", Currency::JPY)?,
        Money::parse("42500.125", Currency::KWD)?,
    ] {
        let c = convert(m, Currency::USD, as_of, &rates)?;
        println!("  {:>20} -> {:>16} at {} (quote of {})", c.original, c.converted, c.rate.rate(), c.rate.as_of());
    }

    // Monthly billing anniversaries anchored on Jan 31 never drift to the 28th.
    let anchor = NaiveDate::from_ymd_opt(2028, 1, 31).unwrap_or_default();
    let dates: Vec<String> = Anniversaries::new(anchor, 1)?.take(6).map(|d| d.to_string()).collect();
    println!("\nMonthly anniversaries from {anchor}: {}", dates.join(", "));

    // Stripe's 120-day service period, split by month.
    let service = Period::new(
        NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default(),
        NaiveDate::from_ymd_opt(2026, 10, 13).unwrap_or_default(),
    )?;
    let days: Vec<String> = service.months().map(|p| format!("{}: {} d", p.start().format("%b"), p.days())).collect();
    println!("Service period {service}: {}", days.join(", "));
    Ok(())
}
