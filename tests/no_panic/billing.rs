//! No panics in billing: invoices, credit notes, payments, receivables, aging, dunning.
//!
//! Two halves. The first calls every public billing function and constructor with extreme
//! inputs: `Decimal::MAX`/`MIN`, 28-scale values, zero and negatives, far dates, `u32::MAX` and
//! `usize::MAX`, empty and large collections. The second takes valid JSON for every billing
//! `Deserialize` type, mutates it adversarially (extreme amounts, far or impossible dates, wild
//! percents and numbers, emptied or duplicated arrays), and uses whatever deserialises: ages it,
//! applies payments to it, credits it, reverses it. Any panic fails.

use super::*;
use revops::billing::*;
use revops::calendar::{AnchorPolicy, Period};
use revops::money::{Percent, Ratio};
use revops::revrec::{Billing, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
use serde_json::Value;

use super::cases;

fn far_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        Just(d(2026, 1, 31)),
        Just(d(2026, 2, 28)),
        (-262_000i32..262_000, 1u32..13, 1u32..29).prop_map(|(y, m, day)| d(y, m, day)),
        (2020i32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, day)| d(y, m, day)),
    ]
}

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![Just(Currency::USD), Just(Currency::EUR), Just(Currency::JPY), Just(Currency::KWD)]
}

fn amount() -> impl Strategy<Value = Money> {
    (extreme_decimal(), currency()).prop_map(|(a, c)| Money::new(a, c))
}

/// An amount as a payment or receivable takes it: usually whole minor units (so that most reach
/// the ledger), sometimes finer (to be refused).
fn billable() -> impl Strategy<Value = Money> {
    prop_oneof![3 => amount().prop_map(Money::round), 1 => amount()]
}

fn usd(a: Decimal) -> Money {
    Money::new(a, Currency::USD)
}

fn percent() -> impl Strategy<Value = Percent> {
    extreme_decimal().prop_map(Percent::from_fraction)
}

fn mode() -> impl Strategy<Value = TaxMode> {
    prop_oneof![Just(TaxMode::Exclusive), Just(TaxMode::Inclusive)]
}

/// Receivables built through their constructors from extreme parts (those refused are dropped).
fn receivables() -> impl Strategy<Value = Vec<Receivable>> {
    prop::collection::vec((0usize..6, 0usize..3, far_date(), far_date(), billable(), billable(), billable()), 0..12)
        .prop_map(|specs| {
            specs
                .into_iter()
                .enumerate()
                .filter_map(|(n, (inv, cust, a, b, total, paid, credited))| {
                    let (issue, due) = (a.min(b), a.max(b));
                    let invoice = if n % 2 == 0 { format!("I{inv}") } else { format!("I{n}") };
                    Receivable::new(invoice, format!("c{cust}"), issue, due, total)
                        .and_then(|r| r.with_paid(paid, Some(due)))
                        .and_then(|r| r.with_credited(credited, Some(issue)))
                        .ok()
                })
                .collect()
        })
}

fn lines() -> impl Strategy<Value = Vec<LineDraft>> {
    prop::collection::vec((extreme_decimal(), amount(), prop::option::of((far_date(), far_date()))), 0..4).prop_map(
        |ls| {
            ls.into_iter()
                .map(|(quantity, unit_price, service)| LineDraft {
                    description: "x".into(),
                    quantity,
                    unit_price,
                    service: service.and_then(|(a, b)| Period::new(a.min(b), a.max(b)).ok()),
                })
                .collect()
        },
    )
}

/// Exercise everything that reads receivables.
fn use_receivables(book: &[Receivable], as_of: NaiveDate, days: u32) {
    let _ = age_receivables(book, as_of);
    for c in [Currency::USD, Currency::EUR] {
        let _ = on_time_collection(book, c, NaiveDate::MIN, NaiveDate::MAX);
        let _ = on_time_collection(book, c, as_of, NaiveDate::MIN);
        let _ = DunningPolicy::standard(c).evaluate("c0", book, as_of);
    }
    let step = DunningStep { name: "x".into(), days_past_due: days, action: DunningAction::Cancel };
    if let Ok(p) = DunningPolicy::new(vec![step], usd(Decimal::ZERO)) {
        let _ = p.evaluate("c1", book, as_of);
    }
    for r in book {
        let _ = (
            r.open(),
            r.invoice(),
            r.customer(),
            r.paid(),
            r.credited(),
            r.last_paid_on(),
            r.last_credited_on(),
            r.last_settled_on(),
            r.total(),
        );
    }
}

/// Apply, redeliver, reverse, use credit and refund on a ledger; every `Err` must leave it as it
/// was.
fn use_ledger(ar: &mut ArLedger, payments: &[(Payment, bool)], as_of: NaiveDate) {
    for (p, oldest) in payments {
        let rule = if *oldest {
            ApplicationRule::OldestFirst
        } else {
            let invoices: Vec<(String, Money)> =
                ar.receivables().map(|r| (r.invoice().to_string(), r.open())).collect();
            ApplicationRule::Explicit(invoices.into_iter().chain([("nope".into(), p.amount())]).take(3).collect())
        };
        let before = ar.clone();
        if ar.apply_payment(p, &rule).is_err() {
            assert_eq!(*ar, before, "a refused payment changed the ledger");
        }
        let _ = ar.apply_payment(p, &rule);
    }
    let invoices: Vec<String> = ar.receivables().map(|r| r.invoice().to_string()).collect();
    for invoice in &invoices {
        let _ = ar.use_credit(&format!("cu_{invoice}"), invoice, as_of);
        let _ = ar.use_credit(&format!("cu_{invoice}"), invoice, as_of); // retried
        let _ = ar.use_credit("cu_any", invoice, as_of); // one id for every invoice: conflicts
        let _ = ar.use_credit("", invoice, as_of);
    }
    let balances: Vec<(String, Money)> = ar.balances().map(|b| (b.customer().to_string(), b.credit())).collect();
    for (customer, credit) in balances {
        let _ = ar.refund("re_1", &customer, credit, as_of);
        let _ = ar.refund("re_1", &customer, credit, as_of);
        let _ = ar.refund("re_2", &customer, -credit, as_of);
    }
    for (p, _) in payments {
        let before = ar.clone();
        if ar.reverse_payment(p.id()).is_err() {
            assert_eq!(*ar, before, "a refused reversal changed the ledger");
        }
    }
    use_receivables(&ar.receivables().cloned().collect::<Vec<_>>(), as_of, 1);
    for on in [NaiveDate::MIN, as_of, NaiveDate::MAX] {
        if let Ok(then) = ar.receivables_as_of(on) {
            use_receivables(&then, on, 1);
        }
    }
    let _ = serde_json::to_string(ar);
}

fn annual_schedule() -> ContractSchedule {
    let term = Period::new(d(2026, 1, 1), d(2027, 1, 1)).unwrap();
    let ob = PerformanceObligation {
        id: "o".into(),
        ssp: Ssp::Observable(usd(Decimal::from(1200))),
        pattern: SatisfactionPattern::RatablyByMonth(term),
    };
    let c = revops::revrec::Contract {
        id: "k".into(),
        customer: "c".into(),
        currency: Currency::USD,
        term,
        obligations: vec![ob],
        price: TransactionPrice::fixed(usd(Decimal::from(1200))),
    };
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2026, 12).unwrap()).map(Month::period).collect();
    ContractSchedule::build(&c, &months).unwrap()
}

proptest! {
    #![proptest_config(cases(200))]

    #[test]
    fn invoices_and_credit_notes_survive_extremes(
        ls in lines(), c in currency(), rate in percent(), m in mode(), a in far_date(), b in far_date(),
        share in (any::<i128>(), any::<i128>()), net in amount(), line in prop_oneof![Just(0usize), Just(1), Just(usize::MAX)],
    ) {
        let _ = TaxTreatment::new(rate, m);
        let tax = FlatTax::new(rate, m).unwrap_or(FlatTax::NONE);
        let draft = InvoiceDraft { customer: "c".into(), contract_id: "k".into(), currency: c, issue_date: a, due_date: b, lines: ls };
        let _ = draft.clone().finalize("", &tax);
        if let Ok(inv) = draft.finalize("INV", &tax) {
            let _ = (inv.subtotal(), inv.tax(), inv.total(), inv.lines().len());
            let amounts = [
                CreditAmount::Remaining,
                CreditAmount::Net(net),
                CreditAmount::Share(Ratio::new(share.0, share.1).unwrap_or(Ratio::ONE)),
            ];
            let mut notes = Vec::new();
            for (i, amount) in amounts.into_iter().enumerate() {
                if let Ok(n) = CreditNote::issue(&inv, &notes, format!("CN{i}"), &[CreditRequest { line, amount }]) {
                    notes.push(n);
                }
            }
            let _ = CreditNote::total_for(&inv, &notes);
            let mut ar = ArLedger::new();
            let _ = ar.add_invoice(&inv);
            for n in &notes {
                let _ = ar.apply_credit_note(n, NaiveDate::MIN);
            }
            let _ = Receivable::from_invoice(&inv).open();
            let rebuilt: Vec<InvoiceLine> = inv.lines().to_vec();
            let _ = Invoice::new("I2".into(), "c".into(), "k".into(), c, a, b, rebuilt);
        }
        let t = TaxTreatment::new(rate, m).unwrap_or(TaxTreatment::NONE);
        let _ = InvoiceLine::new("x".into(), rate.fraction(), net, None, t, net, net);
    }

    #[test]
    fn receivables_and_the_ledger_survive_extremes(
        book in receivables(), pays in prop::collection::vec((0usize..3, far_date(), billable(), any::<bool>()), 0..6),
        as_of in far_date(), days in any::<u32>(),
    ) {
        use_receivables(&book, as_of, days);
        let mut ar = ArLedger::new();
        for r in &book {
            let _ = ar.add_receivable(r.clone());
        }
        let payments: Vec<(Payment, bool)> = pays
            .into_iter()
            .enumerate()
            .filter_map(|(n, (cust, date, amount, oldest))| {
                Payment::new(format!("p{}", n % 4), format!("c{cust}"), date, amount).ok().map(|p| (p, oldest))
            })
            .collect();
        use_ledger(&mut ar, &payments, as_of);
        let _ = CustomerBalance::new("c", usd(Decimal::MIN));
    }

    #[test]
    fn collections_and_cycle_times_survive_extremes(
        ar in amount(), sales in amount(), days in prop_oneof![Just(0u32), Just(1), Just(u32::MAX), any::<u32>()],
        past_due in any::<i64>(), dates in prop::collection::vec(far_date(), 0..8),
        steps in prop::collection::vec(any::<u32>(), 0..6), minimum in amount(),
    ) {
        let _ = days_sales_outstanding(ar, sales, days);
        let _ = AgingBucket::for_days_past_due(past_due);
        let _ = AgingBucket::for_days_past_due(i64::MIN);
        let _ = AgingBucket::for_days_past_due(i64::MAX);
        let steps: Vec<DunningStep> = steps.into_iter().map(|n| DunningStep { name: "s".into(), days_past_due: n, action: DunningAction::Remind }).collect();
        let _ = DunningPolicy::new(steps, minimum);
        let mut life = ContractLifecycle::new(dates.first().copied().unwrap_or(NaiveDate::MIN));
        let states = [ContractState::Signed, ContractState::Active, ContractState::Renewed, ContractState::Active, ContractState::Cancelled];
        for (s, on) in states.iter().zip(&dates) {
            let _ = life.transition(*s, *on);
        }
        let _ = ContractLifecycle::from_history(life.history().to_vec());
        let q = |i: usize| dates.get(i).copied();
        let cycle = QuoteToCash { first_invoiced: q(4), first_paid: q(5), ..QuoteToCash::from_lifecycle(q(0).unwrap_or(NaiveDate::MIN), &life) };
        let _ = cycle.cycle_time();
        let _ = summarise_cycle_times(&vec![cycle; dates.len() * 100]);
        let wide = QuoteToCash { quoted: NaiveDate::MIN, signed: None, activated: None, first_invoiced: None, first_paid: Some(NaiveDate::MAX) };
        let _ = summarise_cycle_times(&vec![wide; 1000]);
    }

    #[test]
    fn schedules_prorations_and_reconciliation_survive_extremes(
        a in far_date(), b in far_date(), on in far_date(), fee in amount(), new in amount(),
        terms_days in prop_oneof![Just(0u32), Just(30), Just(u32::MAX)], monthly in any::<bool>(), anniversary in any::<bool>(),
        billed in prop::collection::vec((far_date(), extreme_decimal()), 0..4), rate in extreme_decimal(),
    ) {
        let (start, end) = (a.min(b), a.max(b));
        let service = Period::new(start, end).unwrap();
        let alignment = if anniversary { BillingAlignment::Anniversary(AnchorPolicy::EndOfMonth) } else { BillingAlignment::Calendar };
        let frequency = if monthly { BillingFrequency::Annual } else { BillingFrequency::Quarterly };
        let terms = BillingTerms { fee, frequency, timing: BillingTiming::InArrears, alignment, service, payment_terms_days: terms_days };
        if let Ok(items) = terms.schedule() {
            for item in items.iter().take(3) {
                let _ = InvoiceDraft::for_item("c", "k", "x", item).finalize("I", &FlatTax::NONE);
            }
        }
        if let Ok(p) = prorate(service, on, PlanChange::Reprice { old: fee, new }) {
            let _ = p.net();
        }
        let _ = prorate(service, start, PlanChange::Cancel { old: fee });
        let schedule = annual_schedule();
        let billings: Vec<Billing> = billed.iter().map(|&(date, x)| Billing { date, amount: usd(x) }).collect();
        let receipts: Vec<CashReceipt> = billed.iter().map(|&(date, x)| CashReceipt { date, amount: usd(x) }).collect();
        for period in [Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap(), service] {
            if let Ok(r) = reconcile(&schedule, &billings, &receipts, period) {
                let _ = r.ties();
            }
        }
        let mut rates = revops::money::InMemoryFxRates::new();
        let _ = rates.insert(Currency::EUR, Currency::USD, start, rate);
        let _ = realised_fx(Money::new(rate, Currency::EUR), start, end, Currency::USD, &rates);
    }
}

/// Valid JSON for every billing `Deserialize` type, by type name.
fn templates() -> Vec<(&'static str, Value)> {
    let day = d(2026, 1, 15);
    let m = |s: &str| Money::parse(s, Currency::USD).unwrap();
    let service = Period::new(d(2026, 1, 1), d(2026, 2, 1)).unwrap();
    let draft = InvoiceDraft {
        customer: "c0".into(),
        contract_id: "k".into(),
        currency: Currency::USD,
        issue_date: day,
        due_date: d(2026, 2, 14),
        lines: vec![
            LineDraft {
                description: "a".into(),
                quantity: Decimal::from(3),
                unit_price: m("33.333"),
                service: Some(service),
            },
            LineDraft { description: "b".into(), quantity: Decimal::ONE, unit_price: m("10"), service: None },
        ],
    };
    let tax = FlatTax::new("20%".parse().unwrap(), TaxMode::Exclusive).unwrap();
    let inv = draft.clone().finalize("INV-1", &tax).unwrap();
    let note =
        CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(m("10")) }]).unwrap();
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.add_receivable(Receivable::new("INV-2", "c0", day, day, m("50")).unwrap().with_paid(m("5"), Some(day)).unwrap())
        .unwrap();
    let p1 = Payment::new("py_1", "c0", d(2026, 2, 1), m("100")).unwrap();
    ar.apply_payment(&p1, &ApplicationRule::OldestFirst).unwrap();
    let p2 = Payment::new("py_2", "c0", d(2026, 2, 2), m("300")).unwrap();
    ar.apply_payment(&p2, &ApplicationRule::Explicit(vec![("INV-1".into(), m("20"))])).unwrap();
    ar.apply_credit_note(&note, d(2026, 2, 2)).unwrap();
    let record = ar.payment("py_2").unwrap().clone();
    let aged = age_receivables(ar.receivables(), d(2026, 4, 1)).unwrap();
    let terms = BillingTerms {
        fee: m("310"),
        frequency: BillingFrequency::Monthly,
        timing: BillingTiming::InAdvance,
        alignment: BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
        service: Period::new(day, d(2026, 6, 1)).unwrap(),
        payment_terms_days: 30,
    };
    let item = terms.schedule().unwrap()[0];
    let mut life = ContractLifecycle::new(day);
    life.transition(ContractState::Signed, d(2026, 2, 1)).unwrap();
    let cycle = QuoteToCash {
        first_invoiced: Some(d(2026, 3, 1)),
        first_paid: Some(d(2026, 4, 1)),
        ..QuoteToCash::from_lifecycle(day, &life)
    };
    let rec = reconcile(
        &annual_schedule(),
        &[Billing { date: d(2026, 1, 1), amount: m("1200") }],
        &[],
        Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap(),
    )
    .unwrap();
    let dunning = DunningPolicy::standard(Currency::USD);
    let state = dunning.evaluate("c0", ar.receivables(), d(2026, 9, 1)).unwrap();
    let j = |v: &dyn erased::Json| v.json();
    let all = vec![
        ("TaxTreatment", j(&tax.0)),
        ("LineDraft", j(&draft.lines[0])),
        ("InvoiceDraft", j(&draft)),
        ("InvoiceLine", j(&inv.lines()[0])),
        ("Invoice", j(&inv)),
        ("CreditRequest", j(&CreditRequest { line: 0, amount: CreditAmount::Share(Ratio::new(1, 3).unwrap()) })),
        ("CreditNote", j(&note)),
        ("Receivable", j(ar.receivable("INV-2").unwrap())),
        ("Payment", j(&p1)),
        ("ApplicationRule", j(record.rule())),
        ("PaymentApplication", j(record.application())),
        ("PaymentRecord", j(&record)),
        ("CustomerBalance", j(ar.balances().next().unwrap())),
        ("ArLedger", j(&ar)),
        ("AgingReport", j(&aged[0])),
        ("DunningPolicy", j(&dunning)),
        ("DunningState", j(&state)),
        ("ContractLifecycle", j(&life)),
        ("QuoteToCash", j(&cycle)),
        ("CycleTime", j(&cycle.cycle_time().unwrap())),
        ("CycleTimeSummary", j(&summarise_cycle_times(&[cycle]).unwrap())),
        ("BillingTerms", j(&terms)),
        ("BillingItem", j(&item)),
        ("PlanChange", j(&PlanChange::Reprice { old: m("100"), new: m("200") })),
        ("Proration", j(&prorate(service, day, PlanChange::Cancel { old: m("100") }).unwrap())),
        ("Reconciliation", j(&rec)),
        ("OnTimeCollection", j(&on_time_collection(ar.receivables(), Currency::USD, day, d(2026, 6, 1)).unwrap())),
        ("RealisedFx", j(&RealisedFx { booked: m("1"), settled: m("2"), gain: m("1") })),
    ];
    all
}

/// `serde_json::to_value` behind a trait object, so one list can hold every type.
mod erased {
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
    }
}

/// Deserialise `v` as the type named `name` and, when it is accepted, use it.
/// An invoice of `lines` lines of $100 each (none when the number is refused).
fn hundred_dollar_invoice(number: &str, lines: usize, on: NaiveDate) -> Option<Invoice> {
    let hundred = usd(Decimal::ONE_HUNDRED);
    let line =
        InvoiceLine::new("x".into(), Decimal::ONE, hundred, None, TaxTreatment::NONE, hundred, usd(Decimal::ZERO))
            .ok()?;
    Invoice::new(number.into(), "c".into(), "k".into(), Currency::USD, on, on, vec![line; lines]).ok()
}

fn feed(name: &str, v: Value) {
    fn de<T: serde::de::DeserializeOwned>(v: Value) -> Option<T> {
        let got = serde_json::from_value(v).ok();
        ACCEPTED.with(|n| n.set(n.get() + usize::from(got.is_some())));
        got
    }
    let as_of = d(2026, 6, 1);
    let tax = FlatTax::new("10%".parse().unwrap(), TaxMode::Inclusive).unwrap();
    let usd100 = usd(Decimal::from(100));
    match name {
        "TaxTreatment" => {
            if let Some(t) = de::<TaxTreatment>(v) {
                let line = LineDraft {
                    description: "x".into(),
                    quantity: Decimal::MAX,
                    unit_price: usd(Decimal::MAX),
                    service: None,
                };
                let draft = InvoiceDraft {
                    customer: "c".into(),
                    contract_id: "k".into(),
                    currency: Currency::USD,
                    issue_date: as_of,
                    due_date: as_of,
                    lines: vec![line],
                };
                let _ = draft.finalize("I", &FlatTax(t));
            }
        }
        "LineDraft" => {
            if let Some(l) = de::<LineDraft>(v) {
                let draft = InvoiceDraft {
                    customer: "c".into(),
                    contract_id: "k".into(),
                    currency: Currency::USD,
                    issue_date: as_of,
                    due_date: as_of,
                    lines: vec![l],
                };
                let _ = draft.finalize("I", &tax);
            }
        }
        "InvoiceDraft" => {
            if let Some(x) = de::<InvoiceDraft>(v) {
                let _ = x.finalize("I", &tax);
            }
        }
        "InvoiceLine" => {
            if let Some(l) = de::<InvoiceLine>(v) {
                let _ =
                    Invoice::new("I".into(), "c".into(), "k".into(), l.currency(), as_of, as_of, vec![l.clone(), l]);
            }
        }
        "Invoice" => {
            if let Some(inv) = de::<Invoice>(v) {
                let mut notes = Vec::new();
                for line in [0, 1, usize::MAX] {
                    if let Ok(n) = CreditNote::issue(
                        &inv,
                        &notes,
                        format!("CN{line}"),
                        &[CreditRequest { line, amount: CreditAmount::Remaining }],
                    ) {
                        notes.push(n);
                    }
                }
                let mut ar = ArLedger::new();
                let _ = ar.add_invoice(&inv);
                for n in &notes {
                    let _ = ar.apply_credit_note(n, NaiveDate::MIN);
                }
                let p = Payment::new("p", inv.customer(), as_of, inv.total()).ok().map(|p| (p, true));
                use_ledger(&mut ar, &p.into_iter().collect::<Vec<_>>(), as_of);
            }
        }
        "CreditRequest" => {
            if let Some(r) = de::<CreditRequest>(v) {
                let inv = hundred_dollar_invoice("I", 1, as_of).unwrap();
                let _ = CreditNote::issue(&inv, &[], "CN", &[r, r]);
            }
        }
        "CreditNote" => {
            if let Some(n) = de::<CreditNote>(v) {
                let inv = hundred_dollar_invoice(n.invoice(), 2, as_of)
                    .or_else(|| hundred_dollar_invoice("INV-1", 1, as_of))
                    .unwrap();
                let _ = CreditNote::issue(
                    &inv,
                    std::slice::from_ref(&n),
                    "CN-2",
                    &[CreditRequest { line: 0, amount: CreditAmount::Remaining }],
                );
                let _ = CreditNote::total_for(&inv, &[n.clone(), n.clone()]);
                let mut ar = ArLedger::new();
                let _ = ar.add_invoice(&inv);
                let _ = ar.apply_credit_note(&n, NaiveDate::MAX);
                use_ledger(&mut ar, &[], as_of);
            }
        }
        "Receivable" => {
            if let Some(r) = de::<Receivable>(v) {
                let book = vec![r.clone(), r.clone()];
                use_receivables(&book, as_of, 1);
                let mut ar = ArLedger::new();
                let _ = ar.add_receivable(r.clone());
                let pays: Vec<(Payment, bool)> = [r.open(), r.total(), usd100]
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, m)| {
                        Payment::new(format!("p{i}"), r.customer(), as_of, m).ok().map(|p| (p, i % 2 == 0))
                    })
                    .collect();
                use_ledger(&mut ar, &pays, as_of);
            }
        }
        "Payment" => {
            if let Some(p) = de::<Payment>(v) {
                let mut ar = ArLedger::new();
                let _ = ar.add_receivable(Receivable::new("INV-1", p.customer(), as_of, as_of, usd100).unwrap());
                use_ledger(&mut ar, &[(p.clone(), true), (p, false)], as_of);
            }
        }
        "ApplicationRule" => {
            if let Some(rule) = de::<ApplicationRule>(v) {
                let mut ar = ArLedger::new();
                let _ = ar.add_receivable(Receivable::new("INV-1", "c0", as_of, as_of, usd100).unwrap());
                let before = ar.clone();
                let p = Payment::new("py_1", "c0", as_of, usd(Decimal::MAX)).unwrap();
                if ar.apply_payment(&p, &rule).is_err() {
                    assert_eq!(ar, before);
                }
                let _ = ar.reverse_payment("py_1");
            }
        }
        "PaymentApplication" => {
            let _ = de::<PaymentApplication>(v);
        }
        "PaymentRecord" => {
            if let Some(r) = de::<PaymentRecord>(v) {
                let _ = (r.payment(), r.rule(), r.application(), r.is_reversed());
            }
        }
        "CustomerBalance" => {
            if let Some(b) = de::<CustomerBalance>(v) {
                let _ = (b.customer(), b.credit(), b.currency());
            }
        }
        "ArLedger" => {
            if let Some(mut ar) = de::<ArLedger>(v) {
                let ids: Vec<String> = ar.payments().map(|p| p.payment().id().to_string()).collect();
                let pays: Vec<(Payment, bool)> = ar.payments().map(|p| (p.payment().clone(), true)).collect();
                for id in &ids {
                    let before = ar.clone();
                    if ar.reverse_payment(id).is_err() {
                        assert_eq!(ar, before);
                    }
                }
                let extra = Payment::new("new", "c0", as_of, usd(Decimal::MAX)).ok().map(|p| (p, false));
                use_ledger(&mut ar, &pays.into_iter().chain(extra).collect::<Vec<_>>(), as_of);
            }
        }
        "AgingReport" => {
            if let Some(r) = de::<AgingReport>(v) {
                for b in AgingBucket::ALL {
                    let _ = r.bucket(b);
                }
                let _ = (r.total(), r.net(), r.credits(), r.buckets());
            }
        }
        "DunningPolicy" => {
            if let Some(p) = de::<DunningPolicy>(v) {
                let book = vec![Receivable::new("I", "c0", NaiveDate::MIN, NaiveDate::MIN, usd(Decimal::MAX)).unwrap()];
                let _ = p.evaluate("c0", &book, NaiveDate::MAX);
                let _ = (p.steps().len(), p.minimum_overdue());
            }
        }
        "ContractLifecycle" => {
            if let Some(mut life) = de::<ContractLifecycle>(v) {
                let _ = life.transition(ContractState::Active, NaiveDate::MAX);
                let _ = QuoteToCash::from_lifecycle(NaiveDate::MIN, &life).cycle_time();
                let _ = (life.state(), life.entered(ContractState::Signed));
            }
        }
        "QuoteToCash" => {
            if let Some(q) = de::<QuoteToCash>(v) {
                let _ = q.cycle_time();
                let _ = summarise_cycle_times(&[q, q, q]);
            }
        }
        "BillingTerms" => {
            if let Some(t) = de::<BillingTerms>(v) {
                if let Ok(items) = t.schedule() {
                    for item in items.iter().take(2) {
                        let _ = InvoiceDraft::for_item("c", "k", "x", item).finalize("I", &tax);
                    }
                }
            }
        }
        "BillingItem" => {
            if let Some(item) = de::<BillingItem>(v) {
                let _ = InvoiceDraft::for_item("c", "k", "x", &item).finalize("I", &tax);
            }
        }
        "PlanChange" => {
            if let Some(change) = de::<PlanChange>(v) {
                if let Ok(p) = prorate(Month::new(2026, 1).unwrap().period(), d(2026, 1, 18), change) {
                    let _ = p.net();
                }
            }
        }
        "Proration" => {
            if let Some(p) = de::<Proration>(v) {
                let _ = p.net();
            }
        }
        "Reconciliation" => {
            if let Some(r) = de::<Reconciliation>(v) {
                let _ = r.ties();
            }
        }
        "DunningState" => {
            let _ = de::<DunningState>(v);
        }
        "CycleTime" => {
            let _ = de::<CycleTime>(v);
        }
        "CycleTimeSummary" => {
            let _ = de::<CycleTimeSummary>(v);
        }
        "OnTimeCollection" => {
            let _ = de::<OnTimeCollection>(v);
        }
        "RealisedFx" => {
            let _ = de::<RealisedFx>(v);
        }
        other => panic!("no feeder for {other}"),
    }
}

thread_local! {
    /// How many values `feed` has accepted on this thread.
    static ACCEPTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[test]
fn every_billing_template_is_accepted_unchanged() {
    // the adversarial test below starts from these; each must be valid JSON for its type
    for (name, v) in templates() {
        let before = ACCEPTED.with(|n| n.get());
        feed(name, v);
        assert!(ACCEPTED.with(|n| n.get()) > before, "the {name} template was refused");
    }
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn billing_json_is_refused_or_safe_to_use(pick in any::<usize>(), ops in super::json::ops()) {
        let all = templates();
        let (name, mut v) = all[pick % all.len()].clone();
        super::json::mutate(&mut v, &ops);
        feed(name, v);
    }
}

#[test]
fn billing_json_with_a_key_it_does_not_know_anywhere_is_refused() {
    for (name, v) in templates() {
        let unknown_key = super::json::with_an_unknown_key(&v);
        for bad in unknown_key.into_iter().chain(super::json::with_a_decimal_as_a_number(&v)) {
            let before = ACCEPTED.with(|n| n.get());
            feed(name, bad.clone());
            assert_eq!(
                ACCEPTED.with(|n| n.get()),
                before,
                "{name}: a key it does not know, or a decimal as a number, was read:\n{bad}"
            );
        }
    }
}
