//! The ARR ledger in under 60 lines: a few customers' subscription events become monthly
//! bridges, a movement log, NRR, quick ratio and progress toward a milestone.
use chrono::NaiveDate;
use revops::arr::{ArrBook, ArrPolicy, Interval, Milestone, QuickRatioPolicy, SubscriptionEvent as Ev};
use revops::calendar::Month;
use revops::money::InMemoryFxRates;
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let (year, month) = (Interval::Year, Interval::Month);
    let events = vec![
        Ev::start("evt_01", "acme", "main", day(2025, 1, 10)?, usd("120000")?, year),
        Ev::start("evt_02", "globex", "main", day(2025, 3, 1)?, usd("8000")?, month),
        Ev::start("evt_03", "initech", "main", day(2025, 6, 15)?, usd("3000")?, month),
        Ev::change("evt_04", "acme", "main", day(2025, 9, 1)?, usd("180000")?, year),
        Ev::cancel("evt_05", "initech", "main", day(2025, 11, 20)?, Some(day(2025, 12, 15)?)),
        Ev::renew("evt_06", "globex", "main", day(2026, 1, 1)?, usd("9500")?, month),
        Ev::start("evt_07", "umbrella", "main", day(2026, 1, 5)?, usd("360000")?, Interval::Months(36)),
    ];
    let (first, last) = (Month::new(2025, 1)?, Month::new(2026, 1)?);
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, first..=last, &InMemoryFxRates::new())?;

    println!("{:<8} {:>14} {:>12} {:>12} {:>12}", "month", "closing ARR", "new", "expansion", "churn");
    for m in book.months() {
        let b = book.bridge(m, m)?;
        let cells = [b.closing, b.new, b.expansion, b.churn].map(|x| x.amount().to_string());
        println!("{m:<8} {:>14} {:>12} {:>12} {:>12}", cells[0], cells[1], cells[2], cells[3]);
    }
    println!("\nmovement log, customer by customer:");
    for row in book.movement_log(first, last)? {
        println!(
            "  {} {:<9} {:<12} {:>12}  from {}",
            row.month,
            row.customer,
            format!("{:?}", row.kind),
            row.amount.round(),
            row.events.join(", ")
        );
    }
    let twelve = book.bridge(Month::new(2025, 2)?, last)?;
    assert!(twelve.ties());
    println!("\nquick ratio (Feb–Jan): {:.2}", twelve.quick_ratio(QuickRatioPolicy::default())?);
    let r = book.retention(last, 12)?;
    let hundred = Decimal::from(100);
    println!("NRR {:.1}%  GRR {:.1}%  (cohort of {})", r.nrr * hundred, r.grr * hundred, r.cohort);
    let goal = Milestone { target: usd("1000000")?, by: Some(day(2026, 12, 31)?) };
    let p = goal.progress(&book, last, 6)?;
    let pct = p.progress * hundred;
    println!("milestone: {} of {} ({pct:.1}%), {} a day, ETA {:?}", p.current, p.target, p.actual_per_day, p.eta);
    Ok(())
}
