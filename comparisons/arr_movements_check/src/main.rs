//! Reads subscription events (JSON array of `SubscriptionEvent`, or CSV of `ArrEventRow`),
//! builds an `ArrBook` over the given months and writes, into an output directory:
//!
//! * `customers.csv`: customer, month, ARR at the month end (`customer_arr`, rounded);
//! * `movements.csv`: month, opening, closing (rounded), and the month's exact `Movements`
//!   (new, expansion, contraction, churn, reactivation, fx) with their logos;
//! * `log.csv`: the movement log (customer, month, kind, exact amount).
//!
//! Usage: `arr-movements-check EVENTS FIRST LAST OUTDIR [--apply] [--discounts subtract|forever|ignore]
//! [--churn period_end|cancellation] [--same-period ignore|both] [--trials exclude|include]`
//!
//! `--apply` builds an empty book and applies the events one at a time in file order (so a
//! shuffled file checks that arrival order does not matter); otherwise `ArrBook::build`.
//! Errors are printed as `ERROR <message>` on stderr with exit status 2.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use revops::arr::{
    events_from_rows, Applied, ArrBook, ArrEventRow, ArrPolicy, ChurnTiming, DiscountPolicy, SamePeriodNewAndChurn,
    SubscriptionEvent, TrialPolicy,
};
use revops::calendar::Month;
use revops::money::InMemoryFxRates;
use revops::Currency;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn read_events(path: &str) -> Res<Vec<SubscriptionEvent>> {
    if path.ends_with(".json") {
        let text = std::fs::read_to_string(path)?;
        Ok(serde_json::from_str(&text)?)
    } else {
        let mut reader = csv::Reader::from_path(path)?;
        let rows: Vec<ArrEventRow> = reader.deserialize().collect::<Result<_, _>>()?;
        Ok(events_from_rows(&rows)?)
    }
}

fn run() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        return Err("usage: arr-movements-check EVENTS FIRST LAST OUTDIR [options]".into());
    }
    let (first, last): (Month, Month) = (args[2].parse()?, args[3].parse()?);
    let out = PathBuf::from(&args[4]);
    std::fs::create_dir_all(&out)?;
    let mut policy = ArrPolicy::default();
    let mut apply = false;
    let mut i = 5;
    while i < args.len() {
        let val = args.get(i + 1).map(String::as_str).unwrap_or("");
        match args[i].as_str() {
            "--apply" => {
                apply = true;
                i += 1;
                continue;
            }
            "--discounts" => {
                policy.discounts = match val {
                    "subtract" => DiscountPolicy::SubtractAll,
                    "forever" => DiscountPolicy::ForeverOnly,
                    "ignore" => DiscountPolicy::Ignore,
                    _ => return Err(format!("bad --discounts {val}").into()),
                }
            }
            "--churn" => {
                policy.churn = match val {
                    "period_end" => ChurnTiming::AtPeriodEnd,
                    "cancellation" => ChurnTiming::AtCancellation,
                    _ => return Err(format!("bad --churn {val}").into()),
                }
            }
            "--same-period" => {
                policy.same_period = match val {
                    "ignore" => SamePeriodNewAndChurn::Ignore,
                    "both" => SamePeriodNewAndChurn::ShowBoth,
                    _ => return Err(format!("bad --same-period {val}").into()),
                }
            }
            "--trials" => {
                policy.trials = match val {
                    "exclude" => TrialPolicy::Exclude,
                    "include" => TrialPolicy::Include,
                    _ => return Err(format!("bad --trials {val}").into()),
                }
            }
            other => return Err(format!("unknown option {other}").into()),
        }
        i += 2;
    }
    let events = read_events(&args[1])?;
    let rates = InMemoryFxRates::new();
    let book = if apply {
        let mut book = ArrBook::build(&[], policy, Currency::USD, first..=last, &rates)?;
        let mut dup = 0usize;
        for e in &events {
            if book.apply(e, &rates)? == Applied::Duplicate {
                dup += 1;
            }
        }
        eprintln!("applied {} events ({dup} duplicates)", events.len());
        book
    } else {
        ArrBook::build(&events, policy, Currency::USD, first..=last, &rates)?
    };

    let mut ids: Vec<String> = events.iter().map(|e| e.customer.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut w = BufWriter::new(File::create(out.join("customers.csv"))?);
    writeln!(w, "customer,month,arr")?;
    for c in &ids {
        for m in first.through(last) {
            let arr = book.customer_arr(c, m)?.ok_or("customer not in book")?;
            writeln!(w, "{c},{m},{}", arr.amount())?;
        }
    }
    w.flush()?;

    let mut w = BufWriter::new(File::create(out.join("movements.csv"))?);
    writeln!(w, "month,opening,closing,new,expansion,contraction,churn,reactivation,fx,new_logos,churned_logos,reactivated_logos,ties")?;
    for m in first.through(last) {
        let b = book.bridge(m, m)?;
        let x = &b.movements;
        writeln!(
            w,
            "{m},{},{},{},{},{},{},{},{},{},{},{},{}",
            b.opening.amount(),
            b.closing.amount(),
            x.new.amount(),
            x.expansion.amount(),
            x.contraction.amount(),
            x.churn.amount(),
            x.reactivation.amount(),
            x.fx.amount(),
            x.new_logos,
            x.churned_logos,
            x.reactivated_logos,
            b.ties()
        )?;
    }
    w.flush()?;

    let mut w = BufWriter::new(File::create(out.join("log.csv"))?);
    writeln!(w, "customer,month,kind,amount")?;
    for r in book.movement_log(first, last)? {
        writeln!(w, "{},{},{:?},{}", r.customer, r.month, r.kind, r.amount.amount())?;
    }
    w.flush()?;
    Ok(())
}

fn main() {
    // a panic is reported by the default hook (exit status 101)
    if let Err(e) = run() {
        eprintln!("ERROR {e}");
        std::process::exit(2);
    }
}
