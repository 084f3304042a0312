//! The ARR ledger in under 60 lines: a few customers' subscription events become monthly
//! bridges, NRR, quick ratio and progress toward a milestone.
use chrono::NaiveDate;
use revops::arr::{ArrBook, ArrPolicy, Interval, Milestone, QuickRatioPolicy, SubscriptionEvent as Ev};
use revops::calendar::{Month, Period};
use revops::money::InMemoryFxRates;
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let (year, month) = (Interval::Year, Interval::Month);
    let events = vec![
        Ev::start("acme", "main", day(2025, 1, 10)?, usd("120000")?, year),
        Ev::start("globex", "main", day(2025, 3, 1)?, usd("8000")?, month),
        Ev::start("initech", "main", day(2025, 6, 15)?, usd("3000")?, month),
        Ev::change("acme", "main", day(2025, 9, 1)?, usd("180000")?, year),
        Ev::cancel("initech", "main", day(2025, 11, 20)?, Some(day(2025, 12, 15)?)),
        Ev::renew("globex", "main", day(2026, 1, 1)?, usd("9500")?, month),
        Ev::start("umbrella", "main", day(2026, 1, 5)?, usd("360000")?, Interval::Months(36)),
    ];
    let months: Vec<Period> = Month::new(2025, 1)?.through(Month::new(2026, 1)?).map(Month::period).collect();
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, &months, &InMemoryFxRates::new())?;

    println!("{:<8} {:>14} {:>12} {:>12} {:>12}", "month", "closing ARR", "new", "expansion", "churn");
    for k in 0..months.len() {
        let b = book.bridge(k, k)?;
        let cells = [b.closing, b.new, b.expansion, b.churn].map(|m| m.round().amount().to_string());
        let m = Month::of(b.from.start()).to_string();
        println!("{m:<8} {:>14} {:>12} {:>12} {:>12}", cells[0], cells[1], cells[2], cells[3]);
    }
    let twelve = book.bridge(1, 12)?;
    assert!(twelve.ties());
    println!("\nquick ratio (Feb–Jan): {:.2}", twelve.quick_ratio(QuickRatioPolicy::default())?);
    let r = book.retention(12, 12)?;
    let hundred = Decimal::from(100);
    println!("NRR {:.1}%  GRR {:.1}%  (cohort of {})", r.nrr * hundred, r.grr * hundred, r.cohort);
    let goal = Milestone { target: usd("1000000")?, by: Some(day(2026, 12, 31)?) };
    let p = goal.progress(&book, 12, 6)?;
    let pct = p.progress * hundred;
    println!(
        "milestone: {} of {} ({pct:.1}%), {} a day, ETA {:?}",
        p.current.round(),
        p.target,
        p.actual_per_day,
        p.eta
    );
    Ok(())
}
