//! The ARR ledger in under 60 lines: a few customers' subscription events become monthly
//! bridges, NRR, quick ratio and progress toward a milestone.
use chrono::NaiveDate;
use revops::arr::{ArrBook, ArrPolicy, EventKind, Interval, Milestone, QuickRatioPolicy, SubscriptionEvent};
use revops::calendar::{Month, Period};
use revops::money::InMemoryFxRates;
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let ev = |c: &str, date, kind| SubscriptionEvent {
        customer: c.into(),
        subscription: "main".into(),
        date,
        recorded_on: None,
        kind,
    };
    let events = vec![
        ev(
            "acme",
            day(2025, 1, 10)?,
            EventKind::Start { price: usd("120000")?, interval: Interval::Year, trial_until: None },
        ),
        ev(
            "globex",
            day(2025, 3, 1)?,
            EventKind::Start { price: usd("8000")?, interval: Interval::Month, trial_until: None },
        ),
        ev(
            "initech",
            day(2025, 6, 15)?,
            EventKind::Start { price: usd("3000")?, interval: Interval::Month, trial_until: None },
        ),
        ev("acme", day(2025, 9, 1)?, EventKind::Change { price: usd("180000")?, interval: Interval::Year }),
        ev("initech", day(2025, 11, 20)?, EventKind::Cancel { paid_through: Some(day(2025, 12, 15)?) }),
        ev("globex", day(2026, 1, 1)?, EventKind::Renew { price: usd("9500")?, interval: Interval::Month }),
        ev(
            "umbrella",
            day(2026, 1, 5)?,
            EventKind::Start { price: usd("360000")?, interval: Interval::Months(36), trial_until: None },
        ),
    ];
    let months: Vec<Period> = Month::new(2025, 1)?.through(Month::new(2026, 1)?).map(Month::period).collect();
    let book = ArrBook::build(events, ArrPolicy::default(), Currency::USD, &months, &InMemoryFxRates::new())?;

    println!(
        "{:<8} {:>14} {:>12} {:>12} {:>12} {:>12}",
        "month", "closing ARR", "new", "expansion", "churn", "net new"
    );
    for k in 0..months.len() {
        let b = book.bridge(k, k)?;
        let (close, new, exp, churn, net) =
            (b.closing.round(), b.new.round(), b.expansion.round(), b.churn.round(), b.net_new()?.round());
        println!(
            "{:<8} {:>14} {:>12} {:>12} {:>12} {:>12}",
            Month::of(b.from.start()).to_string(),
            close.amount(),
            new.amount(),
            exp.amount(),
            churn.amount(),
            net.amount()
        );
    }
    let year = book.bridge(1, 12)?;
    assert!(year.ties());
    println!("\nquick ratio (Feb–Jan): {:.2}", year.quick_ratio(QuickRatioPolicy::default())?);
    let r = book.retention(12, 12)?;
    println!(
        "NRR {:.1}%  GRR {:.1}%  (cohort of {})",
        r.nrr * rust_decimal::Decimal::from(100),
        r.grr * rust_decimal::Decimal::from(100),
        r.cohort
    );
    let goal = Milestone { target: usd("1000000")?, by: Some(day(2026, 12, 31)?) };
    let p = goal.progress(&book, 12, 6)?;
    println!(
        "milestone: {} of {} ({:.1}%), {} a day, ETA {:?}",
        p.current.round(),
        p.target,
        p.progress * rust_decimal::Decimal::from(100),
        p.actual_per_day,
        p.eta
    );
    Ok(())
}
