//! Sales performance in under 60 lines: a commission statement with decelerator, accelerator and
//! split credit; quota attainment with a ramp; and balanced territories.
use chrono::NaiveDate;
use revops::calendar::Quarter;
use revops::money::Percent;
use revops::sales::*;
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("bad date");
    let q4 = Quarter::new(2026, 4)?.period();
    let tier =
        |a, m| RateTier { from_attainment: Percent::from_fraction(Decimal::new(a, 2)), multiplier: Decimal::new(m, 2) };
    let tiers = vec![tier(0, 60), tier(50, 100), tier(100, 160)];
    let spifs = vec![Spif { name: "security push".into(), product: "security".into(), bonus: usd("2500")? }];
    let plan = CommissionPlan { base_rate: "8%".parse()?, tiers, cap: Some(usd("250000")?), spifs, clawback_days: 180 };
    let pct = |x| Percent::from_fraction(Decimal::new(x, 2));
    let split = |a: &str, b: &str| vec![(a.to_string(), pct(70)), (b.to_string(), pct(30))];
    let deal = |id: &str, product: &str, amount, closed, splits| CreditedDeal {
        id: id.into(),
        product: product.into(),
        amount,
        closed,
        splits,
    };
    let deals = [
        deal("acme", "platform", usd("1450000")?, day(11, 14)?, split("rep-3", "rep-7")),
        deal("globex", "security", usd("380000")?, day(12, 2)?, split("rep-3", "rep-9")),
    ];
    let statement = plan.statement("rep-3", q4, usd("1200000")?, &deals, &[])?;
    let attained = statement.attainment.map_or("n/a".to_string(), |a| format!("{a:.1}"));
    println!("rep-3, {q4}: credited {}, attainment {attained}", statement.credited);
    for line in &statement.lines {
        println!("  {:<60} basis {:>16}  pays {:>14}", format!("{:?}", line.kind), line.basis, line.amount);
    }
    println!("  total {}", statement.total);

    let ramp = RampSchedule { shares: vec![pct(25), pct(50), pct(75)] };
    println!("\nnew rep's month-2 quota: {}", ramp.ramped(usd("300000")?, 1)?);

    let reps: Vec<String> = (1..=4).map(|i| format!("rep-{i}")).collect();
    let accounts: Vec<TerritoryAccount> = (0..60)
        .map(|i| TerritoryAccount {
            id: format!("acct-{i:02}"),
            potential: f64::from((i * 37) % 50 + 5),
            workload: f64::from(i % 7 + 1),
            fixed_rep: None,
        })
        .collect();
    let plan = balance_territories(&accounts, &reps, 0.7)?;
    for (rep, potential, workload, load) in &plan.loads {
        println!("{rep}: potential {potential:>5.0}, workload {workload:>4.0}, load {load:.3}");
    }
    println!("imbalance {:.3} (LPT bound on the largest load: {:.3})", plan.imbalance, plan.bound);
    Ok(())
}
