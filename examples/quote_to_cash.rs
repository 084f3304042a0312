//! Quote to cash, one customer, step by step: a priced quote becomes an ASC 606 contract with a
//! revenue schedule, the contract's billing terms issue invoices, payments are applied on an AR
//! ledger, the receivables are aged and dunned, and the subscription event puts the customer's
//! ARR on the book. Every figure printed is computed by the crate; the only numbers typed in
//! are the deal's own terms (seats, discounts, dates, what the customer paid).
//!
//! It is the chain the demo company (`revops::coordinator::demo`) runs for its 544 new logos,
//! written out for one, to read on its own.
//!
//! Run: `cargo run --release --example quote_to_cash`

use chrono::NaiveDate;
use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent};
use revops::billing::{
    age_receivables, days_sales_outstanding, AgingBucket, ApplicationRule, ArLedger, BillingAlignment,
    BillingFrequency, BillingTerms, BillingTiming, DunningPolicy, FlatTax, InvoiceDraft, Payment, TaxMode,
};
use revops::calendar::{add_months_anchored, AnchorPolicy, Month, Period};
use revops::money::{InMemoryFxRates, Percent};
use revops::pricing::{ApprovalLevel, ApprovalPolicy, PriceBook, Quote, QuoteLine, StepKind};
use revops::revrec::{
    allocate, Billing, Contract, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice,
};
use revops::{Currency, Money};
use rust_decimal::Decimal;

const CUSTOMER: &str = "northwind";
const USD: Currency = Currency::USD;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    // Time is an argument: "today" for this walk-through.
    let today = day(2026, 11, 24)?;

    // 1. THE QUOTE. Sales prices the deal from the price book: the Professional plan and 120
    //    extra seats for twelve months, with a 10% and a 5% sales discount. The waterfall shows
    //    list, each discount and net per line, to the cent; the approval policy says who must
    //    sign off on the discount.
    let line = |sku: &str, quantity: i64, discount: &str| -> Result<QuoteLine, Box<dyn std::error::Error>> {
        Ok(QuoteLine {
            sku: sku.into(),
            quantity: Decimal::from(quantity),
            months: 12,
            ramp: vec![],
            schedule: None,
            additional_discount: discount.parse::<Percent>()?,
            partner_discount: Percent::ZERO,
        })
    };
    let quote = Quote {
        currency: USD,
        lines: vec![line("PLAN-PRO", 1, "10%")?, line("ADD-SEATS", 120, "5%")?],
        term_months: 12,
        payment_terms_days: 30,
    }
    .price(&PriceBook::demo(), &ApprovalPolicy::demo(), None)?;
    println!("1. Quote for {CUSTOMER}, 12 months");
    for l in &quote.lines {
        let w = &l.waterfall;
        let off = |kind| w.steps.iter().find(|(k, _)| *k == kind).map_or(Money::zero(USD), |(_, m)| *m);
        println!(
            "   {:<10} list {:>14}  sales discount {:>13}  net {:>14}",
            l.sku,
            w.list,
            off(StepKind::Additional),
            w.net
        );
    }
    println!(
        "   total      list {:>14}  sales discount {:>13}  net {:>14}  ({:.1} off; ARR {})",
        quote.list_total,
        quote.list_total.checked_sub(quote.net_total)?,
        quote.net_total,
        quote.discount,
        quote.net_arr
    );
    let approver = match quote.approval.level {
        ApprovalLevel::Auto => "nobody (within the auto-approval limits)",
        ApprovalLevel::Manager => "the sales manager",
        ApprovalLevel::Finance => "finance",
        _ => "the CFO",
    };
    println!("   approval needed from {approver}");
    for reason in &quote.approval.reasons {
        println!("     because {reason}");
    }

    // 2. THE CONTRACT. Once signed, the quote is an ASC 606 contract: the net total is the
    //    transaction price, and each quote line is a performance obligation whose standalone
    //    selling price is its list price. The price is allocated by relative standalone selling
    //    price, so the discount is shared by both obligations, not dumped on one.
    let start = day(2026, 3, 1)?;
    let term = Period::new(start, add_months_anchored(start, 12, AnchorPolicy::DayOfMonth)?)?;
    let obligations = quote
        .lines
        .iter()
        .map(|l| PerformanceObligation {
            id: l.sku.clone(),
            ssp: Ssp::Observable(l.waterfall.list),
            pattern: SatisfactionPattern::RatablyByDay(term),
        })
        .collect();
    let contract = Contract {
        id: format!("K-{CUSTOMER}"),
        customer: CUSTOMER.into(),
        currency: USD,
        term,
        obligations,
        price: TransactionPrice::fixed(quote.net_total),
    };
    let allocation = allocate(&contract, term.start())?;
    println!("\n2. Contract {} over {term}: transaction price {}", contract.id, allocation.transaction_price());
    for (id, amount) in allocation.lines() {
        println!("   allocated to {id:<10} {amount:>14}");
    }

    // 3. THE BILLING TERMS AND INVOICES. The price is invoiced in four quarterly instalments in
    //    advance, net 30, with 8.25% sales tax on top. The schedule spreads the transaction price
    //    over the quarters (a cent left over goes to the earliest), so the invoices sum to it
    //    exactly. Only invoices dated by today exist yet. Tax is collected for the state: it is
    //    on the invoice and the receivable, never revenue.
    let terms = BillingTerms {
        fee: quote.net_total.checked_div(Decimal::from(4))?, // a quarter's fee, for reference
        frequency: BillingFrequency::Quarterly,
        timing: BillingTiming::InAdvance,
        alignment: BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
        service: term,
        payment_terms_days: 30,
    };
    let schedule = terms.schedule_total(quote.net_total)?;
    let billed_over_term = Money::sum(USD, schedule.iter().map(|i| i.amount))?;
    let tax = FlatTax::new("8.25%".parse()?, TaxMode::Exclusive)?;
    let mut invoices = Vec::new();
    for (n, item) in schedule.iter().enumerate().filter(|(_, i)| i.invoice_date <= today) {
        let draft = InvoiceDraft::for_item(CUSTOMER, &contract.id, "Professional plan and seats", item);
        invoices.push(draft.finalize(format!("INV-{:04}", n + 1), &tax)?);
    }
    println!(
        "\n3. Billing: {} quarterly instalments of about {} ({} over the term)",
        schedule.len(),
        terms.fee.round(),
        billed_over_term
    );
    for i in &invoices {
        println!(
            "   {} issued {} due {}  net {:>13}  tax {:>11}  total {:>13}",
            i.number(),
            i.issue_date(),
            i.due_date(),
            i.subtotal(),
            i.tax(),
            i.total()
        );
    }

    // 4. THE REVENUE SCHEDULE. Revenue is earned day by day over the term, whatever the invoice
    //    dates; what is billed but not yet earned is deferred revenue (a liability). Billings
    //    count net of tax.
    let months: Vec<Period> =
        Month::of(term.start()).through(Month::of(term.last_day().ok_or("empty term")?)).map(Month::period).collect();
    let revenue = ContractSchedule::build(&contract, &months)?;
    let billings: Vec<Billing> =
        invoices.iter().map(|i| Billing { date: i.issue_date(), amount: i.subtotal() }).collect();
    let rollforward = revenue.rollforward(&billings)?;
    println!("\n4. Revenue schedule (billed so far vs earned):");
    println!("   {:<8} {:>14} {:>14} {:>16}", "month", "billed", "revenue", "deferred (end)");
    for row in rollforward.rows.iter().filter(|r| r.period.start() <= today) {
        println!(
            "   {:<8} {:>14} {:>14} {:>16}",
            Month::of(row.period.start()).to_string(),
            row.billed,
            row.recognised,
            row.closing.liability()
        );
    }
    let earned_over_term = Money::sum(USD, revenue.period_totals()?)?;
    println!("   over the whole term: {earned_over_term} earned (the transaction price, to the cent)");

    // 5. PAYMENTS ON THE AR LEDGER. Each invoice becomes a receivable. The first payment names
    //    its invoice (remittance advice); the second and third carry no advice and are applied
    //    to the oldest open invoice. The third is short: part of INV-0003 stays open.
    let mut ar = ArLedger::new();
    for i in &invoices {
        ar.add_invoice(i)?;
    }
    let first = invoices.first().ok_or("no invoice")?;
    let second = invoices.get(1).ok_or("no second invoice")?;
    let payments = [
        (
            Payment::new("PAY-1", CUSTOMER, day(2026, 3, 27)?, first.total())?,
            ApplicationRule::Explicit(vec![(first.number().to_string(), first.total())]),
        ),
        (Payment::new("PAY-2", CUSTOMER, day(2026, 7, 10)?, second.total())?, ApplicationRule::OldestFirst),
        (
            Payment::new("PAY-3", CUSTOMER, day(2026, 10, 20)?, Money::parse("40000", USD)?)?,
            ApplicationRule::OldestFirst,
        ),
    ];
    println!("\n5. Payments:");
    for (payment, rule) in &payments {
        let applied = ar.apply_payment(payment, rule)?;
        for (invoice, amount) in &applied.applied {
            println!("   {} on {}: {amount} to {invoice}", payment.id(), payment.date());
        }
    }
    // a payment webhook delivered twice changes nothing: payments are idempotent by id
    let (again, rule) = &payments[2];
    ar.apply_payment(again, rule)?;
    for r in ar.receivables() {
        println!("   {}  total {:>13}  paid {:>13}  open {:>13}", r.invoice(), r.total(), r.paid(), r.open());
    }

    // 6. THE RECEIVABLE, AGED. What is still open, by days past due as of today, what the
    //    dunning policy does about it, and days sales outstanding over the last 90 days.
    println!("\n6. Receivables as of {today}:");
    for report in age_receivables(ar.receivables(), today)? {
        for bucket in AgingBucket::ALL {
            let name = match bucket {
                AgingBucket::Current => "not yet due",
                AgingBucket::Days1To30 => "1-30 days late",
                AgingBucket::Days31To60 => "31-60 days late",
                AgingBucket::Days61To90 => "61-90 days late",
                AgingBucket::Over90 => "over 90 days late",
            };
            println!("   {name:<17} {:>14}", report.bucket(bucket));
        }
    }
    if let Some(s) = DunningPolicy::standard(USD).evaluate(CUSTOMER, ar.receivables(), today)? {
        println!("   dunning step: {}, {} days past due, {} overdue", s.step.name, s.days_past_due, s.overdue);
    }
    let open = Money::sum(USD, ar.receivables().map(|r| r.open()))?;
    let window = today - chrono::Duration::days(90);
    let billed_90d = Money::sum(USD, invoices.iter().filter(|i| i.issue_date() > window).map(|i| i.total()))?;
    println!("   DSO over 90 days: {:.0} days", days_sales_outstanding(open, billed_90d, 90)?);

    // 7. ARR. The signed contract is a subscription event: ARR is its annual value net of the
    //    discount (the default discount policy). A second customer, Contoso, renews at the same
    //    price in June, for contrast: a renewal keeps ARR, it is not new ARR.
    let usd = |s: &str| Money::parse(s, USD);
    let events = [
        SubscriptionEvent::start("evt-1", "contoso", "main", day(2025, 6, 15)?, usd("60000")?, Interval::Year),
        SubscriptionEvent::renew("evt-2", "contoso", "main", day(2026, 6, 15)?, usd("60000")?, Interval::Year),
        SubscriptionEvent::start("evt-3", CUSTOMER, "main", term.start(), quote.net_arr, Interval::Year),
    ];
    let (jan, now) = (Month::new(2026, 1)?, Month::of(today));
    let book = ArrBook::build(&events, ArrPolicy::default(), USD, jan..=now, &InMemoryFxRates::new())?;
    let bridge = book.bridge(jan, now)?;
    let composition = bridge.composition;
    println!("\n7. ARR bridge, {jan} to {now}:");
    println!("   opening     {:>14}", bridge.opening);
    println!("   + new       {:>14}   ({} new logo)", bridge.new, bridge.movements.new_logos);
    println!("   + expansion {:>14}", bridge.expansion);
    println!("   - churn     {:>14}", bridge.churn);
    println!("   = closing   {:>14}   (ties: {})", bridge.closing, bridge.ties());
    println!("   renewed     {:>14}   kept at renewal, not new ARR", composition.renewal);
    let arr = book.customer_arr(CUSTOMER, now)?.ok_or("no ARR for the customer")?;
    println!("   {CUSTOMER} ARR {arr} = the contract's annual value {}", quote.net_arr);

    // The chain ties: the contract earns exactly what it bills, and the customer's ARR is the
    // quote's annual value.
    if earned_over_term != quote.net_total || billed_over_term != quote.net_total || arr != quote.net_arr {
        return Err("the chain does not tie".into());
    }
    Ok(())
}
