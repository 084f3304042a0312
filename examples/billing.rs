//! Quote-to-cash in about 60 lines: a quarterly contract billed in advance with tax, a partial
//! payment (delivered twice, applied once), a credit note, aging and dunning as of a date.
use chrono::NaiveDate;
use revops::billing::*;
use revops::calendar::{AnchorPolicy, Period};
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("bad date");
    let terms = BillingTerms {
        fee: Money::parse("30000", Currency::USD)?,
        frequency: BillingFrequency::Quarterly,
        timing: BillingTiming::InAdvance,
        alignment: BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
        service: Period::new(date(1, 31)?, date(12, 31)?)?,
        payment_terms_days: 30,
    };
    let tax = FlatTax::new("8.25%".parse()?, TaxMode::Exclusive)?;
    let mut invoices = Vec::new();
    for (n, item) in terms.schedule()?.iter().enumerate() {
        let draft = InvoiceDraft::for_item("Acme", "C-1001", "Enterprise plan", item);
        invoices.push(draft.finalize(format!("INV-{:04}", n + 1), &tax)?);
    }
    for i in &invoices {
        println!(
            "{} {} due {}  net {:>14}  tax {:>12}  total {:>14}",
            i.number(),
            i.issue_date(),
            i.due_date(),
            i.subtotal(),
            i.tax(),
            i.total()
        );
    }

    let mut ar = ArLedger::new();
    for i in &invoices {
        ar.add_invoice(i)?;
    }
    let payment = Payment::new("py_1", "Acme", date(3, 10)?, Money::parse("40000", Currency::USD)?)?;
    let applied = ar.apply_payment(&payment, &ApplicationRule::OldestFirst)?;
    println!("\npayment {} applied: {:?}, unapplied {}", payment.amount(), applied.applied, applied.unapplied);
    ar.apply_payment(&payment, &ApplicationRule::OldestFirst)?; // a webhook retry: no change

    let second = invoices.get(1).ok_or("no second invoice")?;
    let request = CreditRequest { line: 0, amount: CreditAmount::Net(Money::parse("5000", Currency::USD)?) };
    let credit = CreditNote::issue(second, &[], "CN-1", &[request])?;
    ar.apply_credit_note(&credit, date(3, 12)?)?;
    println!("credit note {} on {}: {}", credit.number(), credit.invoice(), credit.total());

    let as_of = date(9, 1)?;
    for report in age_receivables(ar.receivables(), as_of)? {
        println!("\naging as of {as_of} ({}):", report.currency());
        for bucket in AgingBucket::ALL {
            println!("  {:<12} {:>14}", format!("{bucket:?}"), report.bucket(bucket));
        }
        println!("  {:<12} {:>14}", "credits", report.credits());
    }
    if let Some(s) = DunningPolicy::standard(Currency::USD).evaluate("Acme", ar.receivables(), as_of)? {
        println!(
            "\ndunning: {} ({:?}), {} days past due, {} overdue",
            s.step.name, s.step.action, s.days_past_due, s.overdue
        );
    }
    Ok(())
}
