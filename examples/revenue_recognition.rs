//! ASC 606 in under 60 lines: a bundle of a platform subscription, support and onboarding,
//! allocated by standalone selling price, scheduled monthly, billed up front, posted to a ledger.
use chrono::NaiveDate;
use revops::calendar::{Month, Period};
use revops::ledger::{Account, InMemoryLedger};
use revops::revrec::{
    allocate, Billing, Contract, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice,
};
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let start = NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("bad date")?;
    let term = Period::new(start, NaiveDate::from_ymd_opt(2027, 1, 15).ok_or("bad date")?)?;
    let ob =
        |id: &str, ssp: Money, pattern| PerformanceObligation { id: id.into(), ssp: Ssp::Observable(ssp), pattern };
    let contract = Contract {
        id: "C-1001".into(),
        customer: "Acme".into(),
        currency: Currency::USD,
        term,
        obligations: vec![
            ob("platform", usd("100000")?, SatisfactionPattern::RatablyByDay(term)),
            ob("support", usd("20000")?, SatisfactionPattern::RatablyByMonth(term)),
            ob("onboarding", usd("15000")?, SatisfactionPattern::PointInTime(start)),
        ],
        price: TransactionPrice::fixed(usd("120000")?), // an 11.1% bundle discount
    };

    let allocation = allocate(&contract, NaiveDate::MAX)?;
    println!("Allocation of {}:", allocation.transaction_price());
    for (id, amount) in allocation.lines() {
        println!("  {id:<12} {amount:>14}");
    }

    let months: Vec<Period> = Month::of(start).through(Month::new(2027, 1)?).map(Month::period).collect();
    let schedule = ContractSchedule::build(&contract, &months)?;
    let billings = [Billing { date: start, amount: usd("120000")? }];
    println!("\n{:<8} {:>14} {:>16}", "month", "revenue", "deferred (end)");
    let rollforward = schedule.rollforward(&billings)?;
    for row in &rollforward.rows {
        println!(
            "{:<8} {:>14} {:>16}",
            Month::of(row.period.start()).to_string(),
            row.recognised,
            row.closing.liability()
        );
    }

    let mut ledger = InMemoryLedger::new();
    let entries = schedule.post_journal(&billings, &mut ledger)?;
    println!("\n{entries} journal entries; revenue credited {}", -ledger.balance(Account::Revenue, Currency::USD)?);
    Ok(())
}
