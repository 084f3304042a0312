//! Behaviour of `billing`, with published examples and properties.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::billing::*;
use revops::calendar::{AnchorPolicy, Month, Period};
use revops::money::{InMemoryFxRates, Percent, Ratio};
use revops::revrec::{
    Billing, Contract, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice,
};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn money(s: &str, c: Currency) -> Money {
    Money::parse(s, c).unwrap()
}

fn usd(s: &str) -> Money {
    money(s, Currency::USD)
}

fn flat(rate: &str, mode: TaxMode) -> FlatTax {
    FlatTax::new(rate.parse().unwrap(), mode).unwrap()
}

/// An open receivable for customer "c", issued and due on `due`.
fn open_usd(n: &str, due: NaiveDate, total: &str) -> Receivable {
    Receivable::new(n, "c", due, due, usd(total)).unwrap()
}

#[test]
fn lifecycle_transition_table() {
    use ContractState::*;
    let all = [Draft, Signed, Active, Renewed, Expired, Cancelled];
    // (from, allowed successors)
    let allowed: &[(ContractState, &[ContractState])] = &[
        (Draft, &[Signed, Cancelled]),
        (Signed, &[Active, Cancelled]),
        (Active, &[Renewed, Expired, Cancelled]),
        (Renewed, &[Active, Expired, Cancelled]),
        (Expired, &[]),
        (Cancelled, &[]),
    ];
    for (from, ok) in allowed {
        for to in all {
            assert_eq!(from.successors().contains(&to), ok.contains(&to), "{from:?} -> {to:?}");
        }
    }
    let mut c = ContractLifecycle::new(d(2026, 1, 1));
    let err = c.transition(Active, d(2026, 1, 2)).unwrap_err();
    assert_eq!(err.to_string(), "contract cannot go from Draft to Active");
    c.transition(Signed, d(2026, 1, 5)).unwrap();
    assert!(matches!(c.transition(Active, d(2026, 1, 4)), Err(BillingError::EventOutOfOrder { .. })));
}

fn terms(fee: Money, f: BillingFrequency, t: BillingTiming, a: BillingAlignment, service: Period) -> BillingTerms {
    BillingTerms { fee, frequency: f, timing: t, alignment: a, service, payment_terms_days: 30 }
}

#[test]
fn anniversary_schedule_anchors_month_ends() {
    let service = Period::new(d(2028, 1, 31), d(2028, 6, 15)).unwrap();
    let t = terms(
        usd("100"),
        BillingFrequency::Monthly,
        BillingTiming::InAdvance,
        BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
        service,
    );
    let items = t.schedule().unwrap();
    let dates: Vec<String> = items.iter().map(|i| i.invoice_date.to_string()).collect();
    assert_eq!(dates, ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"]);
    // last period May 31 – Jun 30 (30 days), used to Jun 15: 15/30
    assert_eq!(items[4].proration, Ratio::new(15, 30).unwrap());
    assert_eq!(items[4].amount, usd("50"));
    assert_eq!(items[0].due_date, d(2028, 3, 1));
}

#[test]
fn calendar_quarterly_in_arrears_prorates_the_first_quarter() {
    let service = Period::new(d(2026, 2, 15), d(2027, 1, 1)).unwrap();
    let t =
        terms(usd("900"), BillingFrequency::Quarterly, BillingTiming::InArrears, BillingAlignment::Calendar, service);
    let items = t.schedule().unwrap();
    assert_eq!(items.len(), 4);
    // Feb 15 – Mar 31 is 45 of Q1's 90 days
    assert_eq!(items[0].proration, Ratio::new(45, 90).unwrap());
    assert_eq!(items[0].amount, usd("450"));
    assert_eq!(items[0].invoice_date, d(2026, 4, 1));
    assert_eq!(items[3].service, Period::new(d(2026, 10, 1), d(2027, 1, 1)).unwrap());
    let annual =
        terms(usd("1200"), BillingFrequency::Annual, BillingTiming::InAdvance, BillingAlignment::Calendar, service);
    let a = annual.schedule().unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].proration, Ratio::new(320, 365).unwrap());
}

#[test]
fn invoices_in_zero_and_three_decimal_currencies_with_inclusive_tax() {
    let day = d(2026, 5, 1);
    let draft = |c: Currency, price: &str, qty: i64| InvoiceDraft {
        customer: "c".into(),
        contract_id: "k".into(),
        currency: c,
        issue_date: day,
        due_date: day,
        lines: vec![LineDraft {
            description: "x".into(),
            quantity: Decimal::from(qty),
            unit_price: money(price, c),
            service: None,
        }],
    };
    // German VAT 19% included: 119.00 gross → 100.00 net + 19.00 tax.
    let vat = flat("19%", TaxMode::Inclusive);
    let inv = draft(Currency::EUR, "119", 1).finalize("I-1", &vat).unwrap();
    assert_eq!(
        (inv.subtotal(), inv.tax(), inv.total()),
        (money("100", Currency::EUR), money("19", Currency::EUR), money("119", Currency::EUR))
    );
    // JPY: 0 decimals; 10% consumption tax on ¥3,333 × 3 = ¥9,999 → ¥1,000 (999.9 rounded).
    let jct = flat("10%", TaxMode::Exclusive);
    let inv = draft(Currency::JPY, "3333", 3).finalize("I-2", &jct).unwrap();
    assert_eq!(inv.total().to_string(), "JPY 10,999");
    // KWD: 3 decimals.
    let inv = draft(Currency::KWD, "1.2345", 1).finalize("I-3", &FlatTax::NONE).unwrap();
    assert_eq!(inv.total().to_string(), "KWD 1.234");
    assert!(matches!(
        InvoiceDraft { lines: vec![], ..draft(Currency::USD, "1", 1) }.finalize("I-4", &FlatTax::NONE),
        Err(BillingError::NoLines { invoice }) if invoice == "I-4"
    ));
    let mut wrong = draft(Currency::USD, "1", 1);
    wrong.lines[0].unit_price = usd("-1");
    assert!(matches!(
        wrong.finalize("I-5", &FlatTax::NONE),
        Err(BillingError::Negative { what: Field::UnitPrice, .. })
    ));
    let late = InvoiceDraft { due_date: day.pred_opt().unwrap(), ..draft(Currency::USD, "1", 1) };
    assert!(matches!(late.finalize("I-6", &FlatTax::NONE), Err(BillingError::DueBeforeIssue { .. })));
}

/// Lago's proration example: €100/month, 14 of 31 days → €45.16.
#[test]
fn lago_proration_upgrade_downgrade_and_cancel() {
    let jan = Month::new(2026, 1).unwrap().period();
    let eur = |s: &str| money(s, Currency::EUR);
    let on = d(2026, 1, 18); // 14 days left
    let up = prorate(jan, on, PlanChange::Reprice { old: eur("100"), new: eur("200") }).unwrap();
    assert_eq!((up.credit, up.charge), (eur("45.16"), eur("90.32")));
    assert_eq!(up.net().unwrap(), eur("45.16"));
    let down = prorate(jan, on, PlanChange::Reprice { old: eur("200"), new: eur("100") }).unwrap();
    assert_eq!(down.net().unwrap(), eur("-45.16"));
    let cancel = prorate(jan, on, PlanChange::Cancel { old: eur("100") }).unwrap();
    assert_eq!((cancel.credit, cancel.charge), (eur("45.16"), eur("0")));
    // seat change: 10 → 12 seats at €9.99
    let seats = prorate(jan, on, PlanChange::Reprice { old: eur("99.90"), new: eur("119.88") }).unwrap();
    assert_eq!(seats.net().unwrap(), eur("9.02"));
    assert!(prorate(jan, d(2026, 2, 1), PlanChange::Cancel { old: eur("1") }).is_err());
}

#[test]
fn credits_never_exceed_the_invoice() {
    let day = d(2026, 5, 1);
    let draft = InvoiceDraft {
        customer: "c".into(),
        contract_id: "k".into(),
        currency: Currency::USD,
        issue_date: day,
        due_date: day,
        lines: vec![
            LineDraft { description: "a".into(), quantity: Decimal::ONE, unit_price: usd("10"), service: None },
            LineDraft { description: "b".into(), quantity: Decimal::ONE, unit_price: usd("20"), service: None },
        ],
    };
    let inv = draft.finalize("INV-9", &flat("7%", TaxMode::Exclusive)).unwrap();
    let cn = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("10")) }])
        .unwrap();
    assert_eq!(cn.total(), usd("10.70"));
    let again = CreditNote::issue(
        &inv,
        std::slice::from_ref(&cn),
        "CN-2",
        &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("0.01")) }],
    );
    assert!(matches!(again, Err(BillingError::CreditExceedsInvoiced { .. })));
    let unknown = CreditNote::issue(&inv, &[], "CN-3", &[CreditRequest { line: 5, amount: CreditAmount::Remaining }]);
    assert!(matches!(unknown, Err(BillingError::UnknownLine { .. })));
    assert!(matches!(CreditNote::issue(&inv, &[], "CN-4", &[]), Err(BillingError::NoLines { .. })));
}

/// A ledger holding `receivables`.
fn ledger(receivables: impl IntoIterator<Item = Receivable>) -> ArLedger {
    let mut ar = ArLedger::new();
    for r in receivables {
        ar.add_receivable(r).unwrap();
    }
    ar
}

fn pay(id: &str, amount: Money) -> Payment {
    Payment::new(id, "c", d(2026, 2, 5), amount).unwrap()
}

#[test]
fn payments_overpayments_refunds_credit_use_and_fx() {
    let mut ar = ledger([open_usd("A", d(2026, 1, 1), "100"), open_usd("B", d(2026, 2, 1), "100")]);
    let app = ar.apply_payment(&pay("p", usd("250")), &ApplicationRule::OldestFirst).unwrap();
    assert_eq!(app.applied, [("A".to_string(), usd("100")), ("B".to_string(), usd("100"))]);
    assert_eq!(app.unapplied, usd("50"));
    assert_eq!(ar.credit("c", Currency::USD), usd("50"));
    assert!(matches!(ar.refund("re_1", "c", usd("60"), d(2026, 2, 6)), Err(BillingError::RefundExceedsBalance { .. })));
    ar.refund("re_1", "c", usd("20"), d(2026, 2, 6)).unwrap();
    ar.add_receivable(open_usd("C", d(2026, 3, 1), "100")).unwrap();
    assert_eq!(ar.use_credit("cu_1", "C", d(2026, 3, 1)).unwrap(), usd("30"));
    assert_eq!(ar.receivable("C").unwrap().open(), usd("70"));
    assert_eq!(ar.receivable("C").unwrap().last_paid_on(), Some(d(2026, 3, 1)));
    assert_eq!(ar.credit("c", Currency::USD), usd("0"));
    assert_eq!(ar.balances().count(), 0, "a balance used up is not kept as a zero");

    let mut ar2 = ledger([open_usd("A", d(2026, 1, 1), "100")]);
    let explicit = ApplicationRule::Explicit(vec![("A".into(), usd("120"))]);
    assert!(matches!(ar2.apply_payment(&pay("p2", usd("150")), &explicit), Err(BillingError::OverApplication { .. })));
    let missing = ApplicationRule::Explicit(vec![("Z".into(), usd("1"))]);
    assert!(matches!(
        ar2.apply_payment(&pay("p3", usd("150")), &missing),
        Err(BillingError::NotTheCustomersInvoice { .. })
    ));
    // the same invoice twice in one remittance: the second line sees what the first paid
    let twice = ApplicationRule::Explicit(vec![("A".into(), usd("60")), ("A".into(), usd("60"))]);
    assert!(matches!(ar2.apply_payment(&pay("p4", usd("150")), &twice), Err(BillingError::OverApplication { .. })));
    // lines above the payment
    let above = ApplicationRule::Explicit(vec![("A".into(), usd("60")), ("A".into(), usd("30"))]);
    assert!(matches!(ar2.apply_payment(&pay("p5", usd("80")), &above), Err(BillingError::ExceedsPayment { .. })));
    assert_eq!(ar2.receivable("A").unwrap().open(), usd("100"));
    assert_eq!(ar2.payments().count(), 0, "refused payments leave no record");

    // EUR invoice at 1.10, paid when EUR is 1.08: a realised loss of 2.00 USD on 100 EUR.
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), Decimal::new(110, 2)).unwrap();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 2, 1), Decimal::new(108, 2)).unwrap();
    let fx = realised_fx(money("100", Currency::EUR), d(2026, 1, 1), d(2026, 2, 1), Currency::USD, &rates).unwrap();
    assert_eq!((fx.booked, fx.settled, fx.gain), (usd("110"), usd("108"), usd("-2")));
}

#[test]
fn a_refused_explicit_payment_changes_nothing() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    let before = ar.clone();
    let rule = ApplicationRule::Explicit(vec![("INV-1".into(), usd("60")), ("INV-9".into(), usd("10"))]);
    let err = ar.apply_payment(&pay("py_1", usd("70")), &rule).unwrap_err();
    assert!(matches!(err, BillingError::NotTheCustomersInvoice { ref invoice, .. } if invoice == "INV-9"));
    assert_eq!(ar, before, "an Err must leave the ledger as it was");
    // so the retry, with the remittance fixed, pays INV-1 once
    let fixed = ApplicationRule::Explicit(vec![("INV-1".into(), usd("60"))]);
    ar.apply_payment(&pay("py_1", usd("70")), &fixed).unwrap();
    assert_eq!(ar.receivable("INV-1").unwrap().paid(), usd("60"));
    assert_eq!(ar.credit("c", Currency::USD), usd("10"));
}

#[test]
fn delivering_the_same_payment_twice_pays_once() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    let rule = ApplicationRule::Explicit(vec![("INV-1".into(), usd("40"))]);
    let first = ar.apply_payment(&pay("py_1", usd("40")), &rule).unwrap();
    let once = ar.clone();
    assert_eq!(ar.apply_payment(&pay("py_1", usd("40")), &rule).unwrap(), first);
    assert_eq!(ar, once, "a redelivered payment must change nothing");
    assert_eq!(ar.receivable("INV-1").unwrap().paid(), usd("40"));
}

#[test]
fn the_same_payment_id_with_other_content_is_refused() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    ar.apply_payment(&pay("py_1", usd("40")), &ApplicationRule::OldestFirst).unwrap();
    let once = ar.clone();
    let err = ar.apply_payment(&pay("py_1", usd("45")), &ApplicationRule::OldestFirst).unwrap_err();
    assert_eq!(err, BillingError::PaymentConflict { payment: "py_1".into() });
    let other_rule = ApplicationRule::Explicit(vec![("INV-1".into(), usd("40"))]);
    assert!(matches!(
        ar.apply_payment(&pay("py_1", usd("40")), &other_rule),
        Err(BillingError::PaymentConflict { .. })
    ));
    assert_eq!(ar, once);
}

#[test]
fn reversing_a_payment_restores_every_balance_and_blocks_redelivery() {
    let paid_before = open_usd("INV-1", d(2026, 1, 1), "100").with_paid(usd("10"), Some(d(2026, 1, 3))).unwrap();
    let mut ar = ledger([paid_before, open_usd("INV-2", d(2026, 1, 15), "100")]);
    ar.apply_payment(&pay("py_0", usd("5")), &ApplicationRule::OldestFirst).unwrap();
    let before = ar.clone();
    let late = Payment::new("py_1", "c", d(2026, 3, 1), usd("250")).unwrap();
    ar.apply_payment(&late, &ApplicationRule::OldestFirst).unwrap();
    assert_eq!(ar.receivable("INV-1").unwrap().last_paid_on(), Some(d(2026, 3, 1)));
    assert_eq!(ar.credit("c", Currency::USD), usd("65")); // 250 − 85 − 100
    let undone = ar.reverse_payment("py_1").unwrap();
    assert_eq!(undone.unapplied, usd("65"));
    assert!(ar.receivables().eq(before.receivables()), "paid and last_paid_on are back");
    assert!(ar.balances().eq(before.balances()));
    // reversing again changes nothing; delivering the reversed payment again is refused
    let reversed = ar.clone();
    ar.reverse_payment("py_1").unwrap();
    assert_eq!(ar, reversed);
    assert!(matches!(
        ar.apply_payment(&late, &ApplicationRule::OldestFirst),
        Err(BillingError::PaymentReversed { .. })
    ));
    assert!(ar.payment("py_1").unwrap().is_reversed());
    assert!(matches!(ar.reverse_payment("py_9"), Err(BillingError::UnknownPayment { .. })));
}

#[test]
fn a_reversal_is_refused_once_its_credit_is_spent() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    ar.apply_payment(&pay("py_1", usd("130")), &ApplicationRule::OldestFirst).unwrap();
    ar.refund("re_1", "c", usd("20"), d(2026, 2, 6)).unwrap();
    let before = ar.clone();
    let err = ar.reverse_payment("py_1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "reversing payment py_1 takes USD 30.00 back from customer c's credit balance, which holds only USD 10.00"
    );
    assert_eq!(ar, before);
}

#[test]
fn a_payment_in_a_currency_with_nothing_open_is_refused() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    let before = ar.clone();
    let eur = pay("py_1", money("100", Currency::EUR));
    let err = ar.apply_payment(&eur, &ApplicationRule::OldestFirst).unwrap_err();
    assert_eq!(
        err,
        BillingError::NoOpenReceivableInCurrency {
            payment: "py_1".into(),
            customer: "c".into(),
            currency: Currency::EUR,
            open_in: vec![Currency::USD],
        }
    );
    assert_eq!(ar, before);
    let explicit = ApplicationRule::Explicit(vec![("INV-1".into(), money("100", Currency::EUR))]);
    assert!(matches!(ar.apply_payment(&eur, &explicit), Err(BillingError::CurrencyMismatch { .. })));
}

#[test]
fn a_customer_with_nothing_open_may_pay_in_advance() {
    let settled = open_usd("INV-1", d(2026, 1, 1), "100").with_paid(usd("100"), Some(d(2026, 1, 1))).unwrap();
    let mut ar = ledger([settled]);
    let app = ar.apply_payment(&pay("py_1", money("500", Currency::EUR)), &ApplicationRule::OldestFirst).unwrap();
    assert!(app.applied.is_empty());
    assert_eq!(ar.credit("c", Currency::EUR), money("500", Currency::EUR));
}

#[test]
fn credit_notes_are_recorded_once_and_credit_on_a_paid_invoice_is_held_for_the_customer() {
    let inv = untaxed_invoice("100");
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.add_invoice(&inv).unwrap(); // delivered twice: added once
    ar.apply_payment(&pay("py_1", usd("100")), &ApplicationRule::OldestFirst).unwrap();
    let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("30")) }])
        .unwrap();
    ar.apply_credit_note(&note, d(2026, 2, 5)).unwrap();
    ar.apply_credit_note(&note, d(2026, 2, 5)).unwrap();
    assert_eq!(ar.receivable("INV-1").unwrap().open(), usd("0"), "credited after payment: settled");
    assert_eq!(ar.credit("c", Currency::USD), usd("30"), "credited after payment: the customer is owed 30");
}

#[test]
fn an_overpaid_invoice_shows_as_a_credit_in_aging() {
    let over = open_usd("INV-1", d(2026, 1, 1), "100").with_paid(usd("130"), Some(d(2026, 1, 2))).unwrap();
    let book = [over, open_usd("INV-2", d(2026, 1, 1), "50")];
    let aged = age_receivables(&book, d(2026, 1, 10)).expect("one overpaid invoice must not fail the report");
    let r = &aged[0];
    assert_eq!((r.total(), r.invoices()), (usd("50"), 1));
    assert_eq!((r.credits(), r.credit_invoices()), (usd("30"), 1));
    assert_eq!(r.net(), usd("20")); // 50 owed − 30 owed back
    assert_eq!(r.bucket(AgingBucket::Days1To30), usd("50"));
}

#[test]
fn meaningless_dunning_policies_are_refused() {
    let step = |days| DunningStep { name: format!("d{days}"), days_past_due: days, action: DunningAction::Remind };
    assert_eq!(DunningPolicy::new(vec![], usd("1")), Err(BillingError::NoDunningSteps));
    assert!(matches!(
        DunningPolicy::new(vec![step(1)], usd("-5")),
        Err(BillingError::Negative { what: Field::MinimumOverdue, .. })
    ));
    assert_eq!(
        DunningPolicy::new(vec![step(1), step(9), step(9)], usd("1")),
        Err(BillingError::DunningStepsOutOfOrder { index: 2, days: 9, previous: 9 })
    );

    let mut accepted: Vec<&str> = vec![];
    let empty = r#"{"steps":[],"minimum_overdue":{"amount":"1","currency":"USD"}}"#;
    accepted.extend(serde_json::from_str::<DunningPolicy>(empty).ok().map(|_| "no steps"));
    let negative = r#"{"steps":[{"name":"r","days_past_due":1,"action":"Remind"}],"minimum_overdue":{"amount":"-5","currency":"USD"}}"#;
    accepted.extend(serde_json::from_str::<DunningPolicy>(negative).ok().map(|_| "negative minimum"));
    let unordered = r#"{"steps":[{"name":"b","days_past_due":9,"action":"Remind"},{"name":"a","days_past_due":1,"action":"Remind"}],"minimum_overdue":{"amount":"1","currency":"USD"}}"#;
    accepted.extend(serde_json::from_str::<DunningPolicy>(unordered).ok().map(|_| "steps out of order"));
    assert_eq!(accepted, Vec::<&str>::new());
    let standard = DunningPolicy::standard(Currency::USD);
    let json = serde_json::to_string(&standard).unwrap();
    assert_eq!(serde_json::from_str::<DunningPolicy>(&json).unwrap(), standard);
}

#[test]
fn billing_values_that_break_their_rules_are_refused_from_json() {
    let mut accepted: Vec<&str> = vec![];
    let m = |a: &str, c: &str| format!(r#"{{"amount":"{a}","currency":"{c}"}}"#);
    let recv = |paid: String| {
        format!(
            r#"{{"invoice":"I","customer":"c","issue_date":"2026-01-01","due_date":"2026-01-31","total":{},"paid":{paid},"credited":{},"last_paid_on":null}}"#,
            m("100", "USD"),
            m("0", "USD")
        )
    };
    accepted.extend(serde_json::from_str::<Receivable>(&recv(m("-5", "USD"))).ok().map(|_| "negative paid"));
    accepted.extend(serde_json::from_str::<Receivable>(&recv(m("5", "EUR"))).ok().map(|_| "paid in another currency"));
    serde_json::from_str::<Receivable>(&recv(m("5", "USD"))).unwrap(); // a valid one is fine
    let bal = format!(r#"{{"customer":"c","credit":{}}}"#, m("-1", "USD"));
    accepted.extend(serde_json::from_str::<CustomerBalance>(&bal).ok().map(|_| "negative credit balance"));
    let pay = format!(r#"{{"id":"p","customer":"c","date":"2026-01-01","amount":{}}}"#, m("-1", "USD"));
    accepted.extend(serde_json::from_str::<Payment>(&pay).ok().map(|_| "negative payment"));
    let treatment = r#"{"rate":"-20%","mode":"Exclusive"}"#;
    accepted.extend(serde_json::from_str::<TaxTreatment>(treatment).ok().map(|_| "negative tax rate"));
    let treatment = r#"{"rate":"2000%","mode":"Exclusive"}"#;
    accepted.extend(serde_json::from_str::<TaxTreatment>(treatment).ok().map(|_| "a 2,000% tax rate"));
    let invoice = |lines: &str, total: &str| {
        format!(
            r#"{{"number":"I","customer":"c","contract_id":"k","currency":"USD","issue_date":"2026-01-01","due_date":"2026-01-31","lines":[{lines}],"subtotal":{},"tax":{},"total":{}}}"#,
            m(total, "USD"),
            m("0", "USD"),
            m(total, "USD")
        )
    };
    accepted.extend(serde_json::from_str::<Invoice>(&invoice("", "100")).ok().map(|_| "an invoice with no lines"));
    let line = format!(
        r#"{{"description":"x","quantity":"1","unit_price":{},"service":null,"tax":{{"rate":"0%","mode":"Exclusive"}},"net":{},"tax_amount":{},"gross":{}}}"#,
        m("10", "USD"),
        m("10", "USD"),
        m("0", "USD"),
        m("10", "USD")
    );
    serde_json::from_str::<Invoice>(&invoice(&line, "10")).unwrap(); // a tying invoice is fine
    accepted.extend(serde_json::from_str::<Invoice>(&invoice(&line, "100")).ok().map(|_| "lines 10, total 100"));
    let bad_line = line.replace(r#""gross":{"amount":"10""#, r#""gross":{"amount":"11""#);
    accepted
        .extend(serde_json::from_str::<Invoice>(&invoice(&bad_line, "10")).ok().map(|_| "net 10 + tax 0 = gross 11"));
    let lifecycle = r#"{"history":[["Active","2026-01-01"]]}"#;
    accepted.extend(serde_json::from_str::<ContractLifecycle>(lifecycle).ok().map(|_| "a lifecycle that skips Draft"));
    let lifecycle = r#"{"history":[]}"#;
    accepted.extend(serde_json::from_str::<ContractLifecycle>(lifecycle).ok().map(|_| "an empty lifecycle"));
    assert_eq!(accepted, Vec::<&str>::new());
}

#[test]
fn valid_values_round_trip_through_json() {
    let inv = InvoiceDraft {
        customer: "c".into(),
        contract_id: "k".into(),
        currency: Currency::EUR,
        issue_date: d(2026, 1, 1),
        due_date: d(2026, 1, 31),
        lines: vec![LineDraft {
            description: "a".into(),
            quantity: Decimal::from(3),
            unit_price: money("33.333", Currency::EUR),
            service: Some(Period::new(d(2026, 1, 1), d(2026, 2, 1)).unwrap()),
        }],
    }
    .finalize("INV-1", &flat("19%", TaxMode::Inclusive))
    .unwrap();
    let json = serde_json::to_string(&inv).unwrap();
    assert!(json.contains(r#""rate":"19%""#), "{json}");
    assert_eq!(serde_json::from_str::<Invoice>(&json).unwrap(), inv);

    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    let p = Payment::new("py_1", "c", d(2026, 1, 5), money("150", Currency::EUR)).unwrap();
    ar.apply_payment(&p, &ApplicationRule::OldestFirst).unwrap();
    let note =
        CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Remaining }]).unwrap();
    ar.apply_credit_note(&note, d(2026, 1, 5)).unwrap();
    let json = serde_json::to_string(&ar).unwrap();
    let back: ArLedger = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ar);
    // a restored ledger still knows the payment
    let mut restored = back;
    restored.apply_payment(&p, &ApplicationRule::OldestFirst).unwrap();
    assert_eq!(restored, ar);
    // but one whose payment log disagrees with its receivables is refused
    let tampered = json.replace(r#""reversed":false"#, r#""reversed":true"#);
    assert!(serde_json::from_str::<ArLedger>(&tampered).is_err());
    ar.add_receivable(
        Receivable::new("INV-2", "c", d(2026, 1, 1), d(2026, 1, 31), money("40", Currency::EUR)).unwrap(),
    )
    .unwrap();
    let aged = age_receivables(ar.receivables(), d(2026, 3, 1)).unwrap();
    let json = serde_json::to_string(&aged).unwrap();
    assert_eq!(serde_json::from_str::<Vec<AgingReport>>(&json).unwrap(), aged);
    let off = json.replacen(r#""net":{"amount":""#, r#""net":{"amount":"1"#, 1);
    assert!(serde_json::from_str::<Vec<AgingReport>>(&off).is_err(), "{off}");
}

#[test]
fn errors_name_the_invoice_the_payment_and_the_value() {
    let day = d(2026, 1, 1);
    let err = open_usd("INV-1", day, "100").with_paid(usd("-5"), None).unwrap_err();
    assert_eq!(err.to_string(), "amount paid of invoice INV-1 must not be negative, got USD -5.00");
    let err = Payment::new("py_1", "c", day, usd("0")).unwrap_err();
    assert_eq!(err.to_string(), "payment amount of payment py_1 must be positive, got USD 0.00");
    let mut ar = ledger([open_usd("INV-1", day, "100")]);
    let rule = ApplicationRule::Explicit(vec![("INV-9".into(), usd("1"))]);
    let err = ar.apply_payment(&pay("py_2", usd("1")), &rule).unwrap_err();
    assert_eq!(err.to_string(), "payment py_2 names invoice INV-9, which customer c does not have");
    // an overflow says whose balance overflowed
    let mut ar = ArLedger::new();
    ar.apply_payment(&pay("py_3", Money::new(Decimal::MAX, Currency::USD)), &ApplicationRule::OldestFirst).unwrap();
    let err = ar.apply_payment(&pay("py_4", usd("1")), &ApplicationRule::OldestFirst).unwrap_err();
    assert_eq!(err.to_string(), "credit balance of customer c: arithmetic overflow in add");
    let err = TaxTreatment::new("-5%".parse().unwrap(), TaxMode::Exclusive).unwrap_err();
    assert_eq!(err.to_string(), "tax rate -5% is outside [0%, 100%]");
    let err = DunningPolicy::new(vec![], usd("1")).unwrap_err();
    assert_eq!(err.to_string(), "a dunning policy needs at least one step");
}

#[test]
fn a_schedule_over_an_absurd_term_is_refused_not_built() {
    let service = Period::new(d(-200_000, 1, 1), d(200_000, 1, 1)).unwrap();
    let t = terms(usd("100"), BillingFrequency::Monthly, BillingTiming::InAdvance, BillingAlignment::Calendar, service);
    assert!(matches!(t.schedule(), Err(BillingError::Limit(_))), "4.8 million monthly invoices");
}

#[test]
fn dunning_dso_on_time_and_cycle_time() {
    let r = |due, paid: &str, paid_on: Option<NaiveDate>| {
        Receivable::new(format!("I-{due}"), "c", due, due, usd("100")).unwrap().with_paid(usd(paid), paid_on).unwrap()
    };
    let book = vec![
        r(d(2026, 3, 1), "0", None),
        r(d(2026, 3, 20), "100", Some(d(2026, 3, 18))),
        r(d(2026, 3, 25), "100", Some(d(2026, 3, 30))),
    ];
    let policy = DunningPolicy::standard(Currency::USD);
    let table = [
        (d(2026, 3, 1), None),
        (d(2026, 3, 2), Some(DunningAction::Remind)),
        (d(2026, 3, 4), Some(DunningAction::RetryPayment)),
        (d(2026, 3, 31), Some(DunningAction::Suspend)),
        (d(2026, 5, 1), Some(DunningAction::Cancel)),
    ];
    for (as_of, action) in table {
        let state = policy.evaluate("c", &book, as_of).unwrap();
        assert_eq!(state.as_ref().map(|s| s.step.action), action, "{as_of}");
    }
    assert_eq!(policy.evaluate("c", &book, d(2026, 3, 31)).unwrap().unwrap().days_past_due, 30);

    assert_eq!(days_sales_outstanding(usd("100000"), usd("300000"), 90).unwrap(), 30.0);
    assert!(days_sales_outstanding(usd("1"), usd("0"), 90).is_err());

    let ot = on_time_collection(&book, Currency::USD, d(2026, 3, 1), d(2026, 4, 1)).unwrap();
    assert_eq!((ot.due, ot.on_time), (3, 1));

    // the share of the amount paid on time is an exact percent of money, not a float
    let due_amount = book.iter().filter(|r| r.due_date() < d(2026, 4, 1)).map(|r| r.total()).collect::<Vec<_>>();
    assert_eq!(due_amount.len(), 3);
    let on_time_paid = book.iter().find(|r| r.open().is_zero()).map(|r| r.total()).unwrap();
    let total = Money::sum(Currency::USD, due_amount).unwrap();
    assert_eq!(ot.rate_by_amount, Percent::ratio(on_time_paid, total).unwrap());
    let none = on_time_collection(&book, Currency::USD, d(2027, 1, 1), d(2027, 2, 1)).unwrap();
    assert_eq!(none.rate_by_amount, Percent::ZERO);

    let mut life = ContractLifecycle::new(d(2026, 1, 1));
    life.transition(ContractState::Signed, d(2026, 1, 11)).unwrap();
    life.transition(ContractState::Active, d(2026, 1, 15)).unwrap();
    let q = QuoteToCash {
        first_invoiced: Some(d(2026, 1, 15)),
        first_paid: Some(d(2026, 2, 14)),
        ..QuoteToCash::from_lifecycle(d(2026, 1, 1), &life)
    };
    let ct = q.cycle_time().unwrap();
    assert_eq!(
        (ct.quote_to_sign, ct.sign_to_activate, ct.invoice_to_cash, ct.total),
        (Some(10), Some(4), Some(30), Some(44))
    );
    let summary = summarise_cycle_times(&[q, QuoteToCash { first_paid: Some(d(2026, 3, 1)), ..q }]).unwrap().unwrap();
    assert_eq!((summary.median_days, summary.p90_days), (44, 59));
}

fn annual_contract() -> (Contract, ContractSchedule) {
    let term = Period::new(d(2026, 1, 1), d(2027, 1, 1)).unwrap();
    let c = Contract {
        id: "K".into(),
        customer: "c".into(),
        currency: Currency::USD,
        term,
        obligations: vec![PerformanceObligation {
            id: "plan".into(),
            ssp: Ssp::Observable(usd("1200")),
            pattern: SatisfactionPattern::RatablyByDay(term),
        }],
        price: TransactionPrice::fixed(usd("1200")),
    };
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2026, 12).unwrap()).map(Month::period).collect();
    let s = ContractSchedule::build(&c, &months).unwrap();
    (c, s)
}

#[test]
fn reconciliation_explains_billings_revenue_and_cash() {
    let (_, s) = annual_contract();
    let billings =
        [Billing { date: d(2026, 1, 1), amount: usd("600") }, Billing { date: d(2026, 7, 1), amount: usd("600") }];
    let cash = [CashReceipt { date: d(2026, 1, 20), amount: usd("600") }];
    let q3 = Period::new(d(2026, 7, 1), d(2026, 10, 1)).unwrap();
    let rec = reconcile(&s, &billings, &cash, q3).unwrap();
    assert!(rec.ties().unwrap());
    assert_eq!(rec.billed, usd("600"));
    assert_eq!(rec.closing_receivable, usd("600"));
    assert!(reconcile(&s, &billings, &cash, Period::new(d(2026, 7, 15), d(2026, 10, 1)).unwrap()).is_err());
}

#[test]
fn aging_ignores_invoices_issued_after_the_date() {
    let r = |n: &str, issued, due| Receivable::new(n, "c", issued, due, usd("100")).unwrap();
    let book = [r("I-1", d(2026, 8, 1), d(2026, 8, 31)), r("I-2", d(2026, 10, 31), d(2026, 11, 30))];
    let aged = age_receivables(&book, d(2026, 9, 1)).unwrap();
    assert_eq!(aged[0].total(), usd("100"));
    assert_eq!(aged[0].bucket(AgingBucket::Days1To30), usd("100"));
}

/// Receivables for customers c0–c2, some partly paid or credited and some overpaid (paid and
/// credited each up to 75% of the total).
fn receivable_strategy() -> impl Strategy<Value = (i64, i64, i64, i64, usize)> {
    (0i64..1_000_000, 0i64..150, 0i64..150, 0i64..400, 0usize..3)
}

fn receivable(n: usize, (total, paid_pct, credit_pct, due_offset, cust): (i64, i64, i64, i64, usize)) -> Receivable {
    let m = |minor| Money::from_minor_units(minor, Currency::USD).unwrap();
    let due = d(2026, 1, 1) + chrono::Duration::days(due_offset);
    Receivable::new(format!("I{n}"), format!("c{cust}"), d(2026, 1, 1), due, m(total))
        .unwrap()
        .with_paid(m(total * paid_pct / 200), None)
        .unwrap()
        .with_credited(m(total * credit_pct / 200), None)
        .unwrap()
}

fn book(specs: &[(i64, i64, i64, i64, usize)]) -> Vec<Receivable> {
    specs.iter().enumerate().map(|(n, s)| receivable(n, *s)).collect()
}

fn open_total(ar: &ArLedger) -> Money {
    Money::sum(Currency::USD, ar.receivables().map(Receivable::open)).unwrap()
}

fn credit_total(ar: &ArLedger) -> Money {
    Money::sum(Currency::USD, ar.balances().map(CustomerBalance::credit)).unwrap()
}

/// A remittance over invoices `I0`–`I24` (some not in the book, some another customer's).
fn rule_strategy() -> impl Strategy<Value = Option<Vec<(usize, i64)>>> {
    prop::option::of(prop::collection::vec((0usize..25, 0i64..300_000), 0..6))
}

fn rule(lines: &Option<Vec<(usize, i64)>>) -> ApplicationRule {
    match lines {
        None => ApplicationRule::OldestFirst,
        Some(lines) => ApplicationRule::Explicit(
            lines.iter().map(|&(i, a)| (format!("I{i}"), Money::from_minor_units(a, Currency::USD).unwrap())).collect(),
        ),
    }
}

proptest! {
    #[test]
    fn invoice_totals_equal_lines_plus_tax(
        lines in prop::collection::vec((0i64..10_000_000, 0i64..50, 0u32..4), 1..10),
        rate in 0i64..30, inclusive in any::<bool>(), pick in 0usize..3,
    ) {
        let c = [Currency::USD, Currency::JPY, Currency::KWD][pick];
        let draft = InvoiceDraft {
            customer: "c".into(), contract_id: "k".into(), currency: c, issue_date: d(2026, 1, 1), due_date: d(2026, 1, 1),
            lines: lines.iter().map(|&(p, q, s)| LineDraft { description: "l".into(), quantity: Decimal::new(q, s % 2), unit_price: Money::new(Decimal::new(p, s + 1), c), service: None }).collect(),
        };
        let mode = if inclusive { TaxMode::Inclusive } else { TaxMode::Exclusive };
        let tax = FlatTax::new(Percent::from_fraction(Decimal::new(rate, 2)), mode).unwrap();
        let inv = draft.finalize("I", &tax).unwrap();
        prop_assert_eq!(inv.total(), inv.subtotal().checked_add(inv.tax()).unwrap());
        prop_assert_eq!(inv.total(), Money::sum(c, inv.lines().iter().map(|l| l.gross())).unwrap());
        for l in inv.lines() {
            prop_assert!(l.net().is_rounded() && l.tax_amount().is_rounded());
            prop_assert_eq!(l.gross(), l.net().checked_add(l.tax_amount()).unwrap());
        }
        // and the invoice survives a trip through JSON unchanged
        let back: Invoice = serde_json::from_str(&serde_json::to_string(&inv).unwrap()).unwrap();
        prop_assert_eq!(back, inv);
    }

    #[test]
    fn partial_credits_never_exceed_and_sum_to_the_full_credit(
        price in 1i64..100_000_000, rate in 0i64..30, shares in prop::collection::vec(1i128..5, 1..6),
    ) {
        let draft = InvoiceDraft {
            customer: "c".into(), contract_id: "k".into(), currency: Currency::USD, issue_date: d(2026, 1, 1), due_date: d(2026, 1, 1),
            lines: vec![LineDraft { description: "l".into(), quantity: Decimal::ONE, unit_price: Money::from_minor_units(price, Currency::USD).unwrap(), service: None }],
        };
        let tax = FlatTax::new(Percent::from_fraction(Decimal::new(rate, 2)), TaxMode::Exclusive).unwrap();
        let inv = draft.finalize("I", &tax).unwrap();
        let mut notes: Vec<CreditNote> = Vec::new();
        for (i, s) in shares.iter().enumerate() {
            let req = CreditRequest { line: 0, amount: CreditAmount::Share(Ratio::new(1, s + 4).unwrap()) };
            if let Ok(n) = CreditNote::issue(&inv, &notes, format!("CN{i}"), &[req]) { notes.push(n); }
            let credited = CreditNote::total_for(&inv, &notes).unwrap();
            prop_assert!(credited.amount() <= inv.total().amount());
        }
        // the rest, in a last note; when the shares took everything already, a note of nothing
        // is refused
        match CreditNote::issue(&inv, &notes, "last", &[CreditRequest { line: 0, amount: CreditAmount::Remaining }]) {
            Ok(n) => notes.push(n),
            Err(BillingError::NotPositive { .. }) => {}
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }
        prop_assert_eq!(CreditNote::total_for(&inv, &notes).unwrap(), inv.total());
    }

    #[test]
    fn applied_plus_unapplied_equals_received(specs in prop::collection::vec(receivable_strategy(), 0..30), lines in rule_strategy(), amount in 1i64..5_000_000) {
        let mut ar = ledger(book(&specs));
        let (open_before, credit_before) = (open_total(&ar), credit_total(&ar));
        let p = Payment::new("p", "c1", d(2026, 6, 1), Money::from_minor_units(amount, Currency::USD).unwrap()).unwrap();
        if let Ok(app) = ar.apply_payment(&p, &rule(&lines)) {
            let applied = Money::sum(Currency::USD, app.applied.iter().map(|(_, m)| *m)).unwrap();
            prop_assert_eq!(applied.checked_add(app.unapplied).unwrap(), p.amount());
            // what was applied left the open balances; the rest is in the customer's credit
            prop_assert_eq!(open_before.checked_sub(open_total(&ar)).unwrap(), applied);
            prop_assert_eq!(credit_total(&ar).checked_sub(credit_before).unwrap(), app.unapplied);
            // nothing was paid beyond what was open
            for (inv, _) in &app.applied {
                prop_assert!(!ar.receivable(inv).unwrap().open().is_negative());
            }
        }
    }

    #[test]
    fn a_refused_payment_leaves_the_ledger_as_it_was(specs in prop::collection::vec(receivable_strategy(), 0..20), lines in rule_strategy(), amount in 1i64..500_000, eur in any::<bool>()) {
        let mut ar = ledger(book(&specs));
        let currency = if eur { Currency::EUR } else { Currency::USD };
        let p = Payment::new("p", "c1", d(2026, 6, 1), Money::from_minor_units(amount, currency).unwrap()).unwrap();
        let before = ar.clone();
        if ar.apply_payment(&p, &rule(&lines)).is_err() {
            prop_assert_eq!(ar, before);
        }
    }

    #[test]
    fn applying_then_reversing_restores_every_balance(specs in prop::collection::vec(receivable_strategy(), 0..20), first in 1i64..300_000, lines in rule_strategy(), amount in 1i64..500_000) {
        let mut ar = ledger(book(&specs));
        let m = |minor| Money::from_minor_units(minor, Currency::USD).unwrap();
        let _ = ar.apply_payment(&Payment::new("p0", "c1", d(2026, 3, 1), m(first)).unwrap(), &ApplicationRule::OldestFirst);
        let before = ar.clone();
        let p = Payment::new("p1", "c1", d(2026, 6, 1), m(amount)).unwrap();
        if ar.apply_payment(&p, &rule(&lines)).is_ok() {
            ar.reverse_payment("p1").unwrap();
            prop_assert!(ar.receivables().eq(before.receivables()));
            prop_assert!(ar.balances().eq(before.balances()));
        }
    }

    #[test]
    fn applying_a_payment_twice_equals_applying_it_once(specs in prop::collection::vec(receivable_strategy(), 0..20), lines in rule_strategy(), amount in 1i64..500_000) {
        let mut ar = ledger(book(&specs));
        let p = Payment::new("p", "c1", d(2026, 6, 1), Money::from_minor_units(amount, Currency::USD).unwrap()).unwrap();
        let r = rule(&lines);
        if let Ok(first) = ar.apply_payment(&p, &r) {
            let once = ar.clone();
            prop_assert_eq!(ar.apply_payment(&p, &r).unwrap(), first);
            prop_assert_eq!(ar, once);
        }
    }

    #[test]
    fn aging_buckets_sum_to_open_receivables(specs in prop::collection::vec(receivable_strategy(), 0..50), as_of in 0i64..500) {
        let book = book(&specs);
        let as_of = d(2026, 1, 1) + chrono::Duration::days(as_of);
        let owed = Money::sum(Currency::USD, book.iter().map(Receivable::open).filter(|m| !m.is_negative())).unwrap();
        let owed_back = Money::sum(Currency::USD, book.iter().map(Receivable::open).filter(|m| m.is_negative())).unwrap();
        let reports = age_receivables(&book, as_of).unwrap();
        let zero = Money::zero(Currency::USD);
        let (total, credits) = reports.first().map_or((zero, zero), |r| (r.total(), r.credits()));
        prop_assert_eq!(total, owed);
        prop_assert_eq!(credits, -owed_back);
        if let Some(r) = reports.first() {
            prop_assert_eq!(Money::sum(Currency::USD, r.buckets()).unwrap(), r.total());
            prop_assert_eq!(r.net(), r.total().checked_sub(r.credits()).unwrap());
        }
    }

    #[test]
    fn reconciliation_always_ties(bills in prop::collection::vec((0i64..365, 0i64..100_000), 0..8), cash in prop::collection::vec((0i64..365, 0i64..100_000), 0..8), q in 0u32..4) {
        let (_, s) = annual_contract();
        let day = |n: i64| d(2026, 1, 1) + chrono::Duration::days(n);
        let billings: Vec<Billing> = bills.iter().map(|&(n, a)| Billing { date: day(n), amount: Money::from_minor_units(a, Currency::USD).unwrap() }).collect();
        let receipts: Vec<CashReceipt> = cash.iter().map(|&(n, a)| CashReceipt { date: day(n), amount: Money::from_minor_units(a, Currency::USD).unwrap() }).collect();
        let start = d(2026, q * 3 + 1, 1);
        let end = revops::calendar::add_months_anchored(start, 3, AnchorPolicy::DayOfMonth).unwrap();
        let rec = reconcile(&s, &billings, &receipts, Period::new(start, end).unwrap()).unwrap();
        prop_assert!(rec.ties().unwrap());
    }
}

/// A ledger with a part-paid import, a payment that paid one invoice and left credit, a credit
/// note, a use of that credit on a second invoice and a refund.
fn busy_ledger() -> ArLedger {
    let inv = untaxed_invoice("100");
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.add_receivable(
        Receivable::new("INV-0", "c", d(2025, 12, 1), d(2025, 12, 31), usd("80"))
            .unwrap()
            .with_paid(usd("30"), Some(d(2025, 12, 20)))
            .unwrap(),
    )
    .unwrap();
    let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("10")) }])
        .unwrap();
    ar.apply_credit_note(&note, d(2026, 1, 1)).unwrap();
    let rule = ApplicationRule::Explicit(vec![("INV-1".into(), usd("90"))]);
    ar.apply_payment(&Payment::new("py_1", "c", d(2026, 1, 5), usd("150")).unwrap(), &rule).unwrap();
    ar.add_receivable(open_usd("INV-2", d(2026, 2, 1), "25")).unwrap();
    assert_eq!(ar.use_credit("cu_1", "INV-2", d(2026, 2, 3)).unwrap(), usd("25"));
    ar.refund("re_1", "c", usd("5"), d(2026, 2, 4)).unwrap();
    assert_eq!(ar.credit("c", Currency::USD), usd("30"));
    ar
}

#[test]
fn a_ledger_whose_parts_disagree_is_refused_on_load() {
    let ar = busy_ledger();
    let good = serde_json::to_value(&ar).unwrap();
    assert_eq!(serde_json::from_value::<ArLedger>(good.clone()).unwrap(), ar);
    let entry = |v: &mut serde_json::Value, invoice: &str| -> usize {
        v["receivables"].as_array().unwrap().iter().position(|e| e["receivable"]["invoice"] == invoice).unwrap()
    };
    type Tamper = fn(&mut serde_json::Value, usize, usize);
    let cases: [(&str, &str, &str, Tamper); 5] = [
        ("INV-1", "paid below what py_1 applied", "INV-1", |v, i, _| {
            v["receivables"][i]["receivable"]["paid"]["amount"] = "0".into();
        }),
        ("INV-2", "paid above the credit used on it", "INV-2", |v, _, j| {
            v["receivables"][j]["receivable"]["paid"]["amount"] = "20".into();
        }),
        ("INV-1", "credited above what its credit notes credit", "INV-1", |v, i, _| {
            v["receivables"][i]["receivable"]["credited"]["amount"] = "20".into();
        }),
        ("INV-1", "settled by py_1 on a day py_1 was not paid", "INV-1", |v, i, _| {
            v["receivables"][i]["settlements"][0]["date"] = "2026-06-30".into();
            v["receivables"][i]["receivable"]["last_paid_on"] = "2026-06-30".into();
        }),
        ("c", "a credit balance above what payments left less the credit used", "customer c", |v, _, _| {
            v["balances"][0]["credit"]["amount"] = "36".into();
        }),
    ];
    for (_, what, names, tamper) in cases {
        let mut v = good.clone();
        let (i, j) = (entry(&mut v, "INV-1"), entry(&mut v, "INV-2"));
        tamper(&mut v, i, j);
        let err = serde_json::from_value::<ArLedger>(v).expect_err(what).to_string();
        assert!(err.contains(names), "{what}: the error should name {names}: {err}");
    }
}

/// One step on a ledger of three customers' invoices `I0`–`I5`.
fn ledger_step() -> impl Strategy<Value = (u8, usize, i64, bool)> {
    (0u8..7, 0usize..6, 1i64..30_000, any::<bool>())
}

proptest! {
    #[test]
    fn a_ledger_it_serialised_itself_always_loads_back_equal(steps in prop::collection::vec(ledger_step(), 0..25)) {
        let m = |minor| Money::from_minor_units(minor, Currency::USD).unwrap();
        let mut ar = ArLedger::new();
        for n in 0..6usize {
            let r = Receivable::new(format!("I{n}"), format!("c{}", n % 3), d(2026, 1, 1), d(2026, 1, 1 + n as u32), m(10_000)).unwrap();
            let r = if n == 5 { r.with_paid(m(1_000), Some(d(2025, 12, 1))).unwrap().with_credited(m(500), Some(d(2025, 12, 1))).unwrap() } else { r };
            ar.add_receivable(r).unwrap();
        }
        // the receivables after each step, to compare with the ledger's history as of that day
        let mut stood: Vec<(NaiveDate, Vec<Receivable>)> = Vec::new();
        let mut reversed = false;
        for (k, (op, n, amount, flag)) in steps.into_iter().enumerate() {
            let customer = format!("c{}", n % 3);
            let on = d(2026, 2, 1) + chrono::Duration::days(k as i64);
            reversed |= op == 2;
            let _ = match op {
                0 | 1 => {
                    let rule = if flag { ApplicationRule::OldestFirst } else { ApplicationRule::Explicit(vec![(format!("I{n}"), m(amount / 2))]) };
                    ar.apply_payment(&Payment::new(format!("p{k}"), customer, on, m(amount)).unwrap(), &rule).map(drop)
                }
                2 => { let id = ar.payments().nth(n).map(|p| p.payment().id().to_string()); id.map_or(Ok(()), |id| ar.reverse_payment(&id).map(drop)) }
                3 => ar.use_credit(&format!("u{}", k % 4), &format!("I{n}"), on).map(drop),
                4 => ar.refund(&format!("r{}", k % 4), &customer, m(amount / 3), on),
                5 => {
                    let r = ar.receivable(&format!("I{n}")).unwrap().clone();
                    let line = InvoiceLine::new("x".into(), Decimal::ONE, r.total(), None, TaxTreatment::NONE, r.total(), m(0)).unwrap();
                    let inv = Invoice::new(r.invoice().into(), r.customer().into(), "k".into(), Currency::USD, r.issue_date(), r.due_date(), vec![line]).unwrap();
                    let amount = if flag { CreditAmount::Net(m(amount.min(10_000))) } else { CreditAmount::Remaining };
                    let note = CreditNote::issue(&inv, &[], format!("CN{k}"), &[CreditRequest { line: 0, amount }]).unwrap();
                    ar.apply_credit_note(&note, on).map(drop)
                }
                _ => ar.apply_payment(&Payment::new(format!("p{k}"), customer, on, m(amount * 3)).unwrap(), &ApplicationRule::OldestFirst).map(drop),
            };
            stood.push((on, ar.receivables().cloned().collect()));
        }
        let back: ArLedger = serde_json::from_str(&serde_json::to_string(&ar).unwrap()).unwrap();
        prop_assert_eq!(&back, &ar);
        // as of any day, the receivables as they stood then (a reversal, undated, rewrites history)
        let now: Vec<Receivable> = ar.receivables().cloned().collect();
        prop_assert_eq!(ar.receivables_as_of(NaiveDate::MAX).unwrap(), now);
        for (on, then) in stood.into_iter().filter(|_| !reversed) {
            prop_assert_eq!(back.receivables_as_of(on).unwrap(), then);
        }
    }
}

#[test]
fn a_ledger_whose_credit_balance_is_not_unapplied_less_credit_used_and_refunds_is_refused_on_load() {
    let ar = busy_ledger(); // py_1 left 60, 25 of it used on INV-2, 5 refunded: 30 held
    let good = serde_json::to_value(&ar).unwrap();
    type Tamper = fn(&mut serde_json::Value);
    let cases: [(&str, Tamper); 3] = [
        ("no credit balance for what py_1 left", |v| v["balances"] = serde_json::json!([])),
        ("a credit balance that ignores the refund", |v| v["balances"][0]["credit"]["amount"] = "35".into()),
        ("a credit balance below what is left", |v| v["balances"][0]["credit"]["amount"] = "29.99".into()),
    ];
    for (what, tamper) in cases {
        let mut v = good.clone();
        tamper(&mut v);
        let err = serde_json::from_value::<ArLedger>(v).expect_err(what).to_string();
        assert!(err.contains("customer c"), "{what}: the error should name the customer: {err}");
    }
}

#[test]
fn a_retried_refund_is_paid_once_and_its_id_cannot_be_reused_for_another() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    ar.apply_payment(&pay("py_1", usd("150")), &ApplicationRule::OldestFirst).unwrap();
    ar.refund("re_1", "c", usd("20"), d(2026, 2, 10)).unwrap();
    let once = ar.clone();
    ar.refund("re_1", "c", usd("20"), d(2026, 2, 10)).unwrap(); // the retry: nothing changes
    assert_eq!(ar, once);
    assert_eq!(ar.credit("c", Currency::USD), usd("30"));
    let record = ar.refund_record("re_1").unwrap();
    assert_eq!((record.customer(), record.amount(), record.date()), ("c", usd("20"), d(2026, 2, 10)));
    for (customer, amount, on) in
        [("c", usd("25"), d(2026, 2, 10)), ("x", usd("20"), d(2026, 2, 10)), ("c", usd("20"), d(2026, 2, 11))]
    {
        let err = ar.refund("re_1", customer, amount, on).unwrap_err();
        assert!(matches!(err, BillingError::RefundConflict { ref refund } if refund == "re_1"), "{err}");
        assert_eq!(ar, once);
    }
    assert!(matches!(ar.refund("", "c", usd("1"), d(2026, 2, 10)), Err(BillingError::EmptyId { .. })));
    // a refused refund is not recorded: the same id may be used once the balance allows it
    assert!(matches!(
        ar.refund("re_2", "c", usd("31"), d(2026, 2, 12)),
        Err(BillingError::RefundExceedsBalance { .. })
    ));
    assert!(ar.refund_record("re_2").is_none());
    // the id survives a trip through JSON: the retry after a reload is still a no-op
    let mut back: ArLedger = serde_json::from_str(&serde_json::to_string(&ar).unwrap()).unwrap();
    assert_eq!(back, ar);
    back.refund("re_1", "c", usd("20"), d(2026, 2, 10)).unwrap();
    assert_eq!(back, once);
    assert_eq!(back.refunds().count(), 1);
}

#[test]
fn days_sales_outstanding_is_exact_when_the_answer_is_a_whole_number_of_days() {
    // $100,000 owed on $365,000 of annual credit sales is exactly 100 days
    assert_eq!(days_sales_outstanding(usd("100000"), usd("365000"), 365).unwrap(), 100.0);
    // receivables r on sales s over s days: exactly r days, whatever s divides into
    for r in 1..200i64 {
        for s in [3i64, 7, 30, 90, 365, 366] {
            let (owed, sales) = (Money::from_minor_units(r * 100_000, Currency::USD).unwrap(), usd(&s.to_string()));
            let dso = days_sales_outstanding(owed, sales, s as u32).unwrap();
            assert_eq!(dso, r as f64 * 1000.0, "{r}000 owed on {s} of sales over {s} days");
        }
    }
    // beyond what receivables × days can hold, still an answer rather than an error
    let most = Money::new(Decimal::MAX, Currency::USD);
    assert_eq!(days_sales_outstanding(most, most, 365).unwrap(), 365.0);
}

/// A one-line invoice of `quantity` × `unit_price`, no tax.
fn one_line(unit_price: Money, quantity: Decimal) -> Result<Invoice, BillingError> {
    let line = LineDraft { description: "usage".into(), quantity, unit_price, service: None };
    InvoiceDraft {
        customer: "c".into(),
        contract_id: "k".into(),
        currency: unit_price.currency(),
        issue_date: d(2026, 1, 1),
        due_date: d(2026, 1, 1),
        lines: vec![line],
    }
    .finalize("I", &FlatTax::NONE)
}

#[test]
fn an_invoice_line_is_rounded_once_from_the_exact_product() {
    let two_thirds = Decimal::TWO / Decimal::from(3); // 0.6666666666666666666666666667
    let just_under = "0.6666666666666666666666666666".parse::<Decimal>().unwrap();
    let cases = [
        // exact product 0.00500000000000000000000000000025: above half a cent
        (usd("0.0075"), two_thirds, usd("0.01")),
        // exact product 0.0049999999999999999999999999995: below it
        (usd("0.0075"), just_under, usd("0")),
        // exactly half a cent: to even
        (usd("0.001"), Decimal::from(5), usd("0")),
        (usd("0.003"), Decimal::from(5), usd("0.02")),
        // a product whose mantissa needs more than 128 bits still prices exactly
        (usd("1000000000000.01"), two_thirds, usd("666666666666.67")),
        (money("0.5", Currency::JPY), Decimal::from(3), money("2", Currency::JPY)),
        (money("1.2345", Currency::KWD), Decimal::ONE, money("1.234", Currency::KWD)),
    ];
    for (price, quantity, total) in cases {
        let inv = one_line(price, quantity).unwrap();
        assert_eq!(inv.total(), total, "{quantity} × {price}");
    }
    // only an amount no currency can hold is refused
    assert!(one_line(Money::new(Decimal::MAX, Currency::USD), Decimal::TWO).is_err());
}

#[test]
fn payments_and_receivables_finer_than_the_minor_unit_are_refused() {
    let day = d(2026, 1, 1);
    let jpy = |s: &str| money(s, Currency::JPY);
    let not_rounded = |r: Result<(), BillingError>, what: &str| match r {
        Err(e @ BillingError::NotRounded { .. }) => assert!(e.to_string().contains("not rounded"), "{what}: {e}"),
        other => panic!("{what}: {other:?}"),
    };
    not_rounded(Payment::new("py_1", "c", day, usd("0.001")).map(drop), "a payment of USD 0.001");
    not_rounded(Payment::new("py_1", "c", day, jpy("0.5")).map(drop), "a payment of JPY 0.5");
    not_rounded(Receivable::new("I", "c", day, day, usd("100.005")).map(drop), "a total of USD 100.005");
    not_rounded(Receivable::new("I", "c", day, day, jpy("1.5")).map(drop), "a total of JPY 1.5");
    let r = Receivable::new("I", "c", day, day, usd("100")).unwrap();
    not_rounded(r.clone().with_paid(usd("0.001"), Some(day)).map(drop), "paid USD 0.001");
    not_rounded(r.clone().with_credited(usd("10.0001"), None).map(drop), "credited USD 10.0001");
    // trailing zeros are not finer: 1.500 is USD 1.50
    assert!(Payment::new("py_2", "c", day, usd("1.500")).is_ok());
    assert!(Receivable::new("J", "c", day, day, jpy("100.0")).is_ok());
    // nor from JSON
    let p = serde_json::to_value(Payment::new("py_1", "c", day, usd("1")).unwrap()).unwrap();
    let mut v = p.clone();
    v["amount"]["amount"] = "0.001".into();
    assert!(serde_json::from_value::<Payment>(v).unwrap_err().to_string().contains("not rounded"));
    for field in ["total", "paid", "credited"] {
        let mut v = serde_json::to_value(&r).unwrap();
        v[field]["amount"] = "0.001".into();
        let err = serde_json::from_value::<Receivable>(v).unwrap_err().to_string();
        assert!(err.contains("not rounded"), "{field}: {err}");
    }
}

#[test]
fn a_ledger_refuses_to_apply_or_refund_amounts_finer_than_the_minor_unit() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100")]);
    let before = ar.clone();
    let rule = ApplicationRule::Explicit(vec![("INV-1".into(), usd("10.005"))]);
    let err = ar.apply_payment(&pay("py_1", usd("20")), &rule).unwrap_err();
    assert!(matches!(err, BillingError::NotRounded { .. }), "{err}");
    assert_eq!(ar, before);
    ar.apply_payment(&pay("py_1", usd("120")), &ApplicationRule::OldestFirst).unwrap();
    let paid = ar.clone();
    let err = ar.refund("re_1", "c", usd("0.001"), d(2026, 3, 1)).unwrap_err();
    assert!(matches!(err, BillingError::NotRounded { .. }), "{err}");
    assert_eq!(ar, paid);
}

/// One line of one unit at `price` (USD), taxed at `rate` in `mode`: (net, tax).
fn one_line_taxed(price: &str, rate: &str, mode: TaxMode) -> (Money, Money) {
    let line = LineDraft { description: "x".into(), quantity: Decimal::ONE, unit_price: usd(price), service: None };
    let draft = InvoiceDraft {
        customer: "c".into(),
        contract_id: "k".into(),
        currency: Currency::USD,
        issue_date: d(2026, 1, 1),
        due_date: d(2026, 1, 1),
        lines: vec![line],
    };
    let inv = draft.finalize("I", &flat(rate, mode)).unwrap();
    (inv.subtotal(), inv.tax())
}

#[test]
fn inclusive_tax_backs_the_net_out_of_the_gross_with_one_rounding() {
    // a USD 0.03 line, tax included at `rate`: (net, tax)
    let gross = |rate: &str| one_line_taxed("0.03", rate, TaxMode::Inclusive);
    // 0.03 ÷ 1.199999999999999999999999999 = 0.02500000000000000000000000002083…: just over half a cent
    assert_eq!(gross("19.9999999999999999999999999%"), (usd("0.03"), usd("0")));
    // 0.03 ÷ 1.200000000000000000000000001 = 0.02499999999999999999999999997916…: just under
    assert_eq!(gross("20.0000000000000000000000001%"), (usd("0.02"), usd("0.01")));
    // 0.03 ÷ 1.2 = 0.025 exactly: to even
    assert_eq!(gross("20%"), (usd("0.02"), usd("0.01")));
}

/// A one-line USD invoice "INV-1" to customer "c" for `total`, untaxed.
fn untaxed_invoice(total: &str) -> Invoice {
    let line = LineDraft { description: "a".into(), quantity: Decimal::ONE, unit_price: usd(total), service: None };
    let draft = InvoiceDraft {
        customer: "c".into(),
        contract_id: "k".into(),
        currency: Currency::USD,
        issue_date: d(2026, 1, 1),
        due_date: d(2026, 1, 31),
        lines: vec![line],
    };
    draft.finalize("INV-1", &FlatTax::NONE).unwrap()
}

#[test]
fn credit_notes_finer_than_the_minor_unit_or_crediting_nothing_are_refused() {
    let note = |net: &str, tax: &str, total: &str| {
        serde_json::from_value::<CreditNote>(serde_json::json!({
            "number": "CN-1", "invoice": "INV-1",
            "lines": [{"line": 0, "net": {"amount": net, "currency": "USD"}, "tax": {"amount": tax, "currency": "USD"}}],
            "total": {"amount": total, "currency": "USD"}
        }))
    };
    for (net, tax, total) in [("10.005", "0", "10.005"), ("10", "0.001", "10.001")] {
        let err = note(net, tax, total).expect_err(net).to_string();
        assert!(err.contains("not rounded") && err.contains("credit note CN-1"), "{err}");
    }
    let err = note("0", "0", "0").expect_err("an empty note").to_string();
    assert!(err.contains("must be positive") && err.contains("credit note CN-1"), "{err}");
    assert!(note("10.01", "0", "10.01").is_ok());

    // issued: a net that rounds to nothing credits nothing, and is refused
    let inv = untaxed_invoice("100");
    let nothing = CreditRequest { line: 0, amount: CreditAmount::Net(usd("0.004")) };
    let err = CreditNote::issue(&inv, &[], "CN-2", &[nothing]).unwrap_err();
    assert!(matches!(err, BillingError::NotPositive { what: Field::CreditNoteTotal, .. }), "{err}");
    let all =
        CreditNote::issue(&inv, &[], "CN-3", &[CreditRequest { line: 0, amount: CreditAmount::Remaining }]).unwrap();
    let rest = CreditNote::issue(&inv, &[all], "CN-4", &[CreditRequest { line: 0, amount: CreditAmount::Remaining }]);
    assert!(matches!(rest, Err(BillingError::NotPositive { .. })), "{rest:?}");

    // what the ledger takes, its JSON gives back
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_credit_note(&note("10.01", "0", "10.01").unwrap(), d(2026, 1, 1)).unwrap();
    let back: ArLedger = serde_json::from_str(&serde_json::to_string(&ar).unwrap()).unwrap();
    assert_eq!(back, ar);
}

#[test]
fn a_ledger_with_an_amount_finer_than_the_minor_unit_is_refused_on_load() {
    let ar = busy_ledger();
    let good = serde_json::to_value(&ar).unwrap();
    let entry = |v: &serde_json::Value, invoice: &str| -> usize {
        v["receivables"].as_array().unwrap().iter().position(|e| e["receivable"]["invoice"] == invoice).unwrap()
    };
    type Tamper = fn(&mut serde_json::Value, usize, usize, usize);
    let cases: [(&str, Tamper); 5] = [
        ("an opening paid of 29.995 made whole by a credit use of 0.005, and 29.995 of credit held", |v, i0, _, _| {
            v["receivables"][i0]["opening"]["paid"]["amount"] = "29.995".into();
            v["receivables"][i0]["settlements"] = serde_json::json!([
                {"payment": null, "date": "2025-12-20", "amount": {"amount": "0.005", "currency": "USD"}}
            ]);
            v["balances"][0]["credit"]["amount"] = "29.995".into();
        }),
        ("an opening credited of 0.005", |v, _, i1, _| {
            v["receivables"][i1]["opening"]["credited"]["amount"] = "0.005".into();
        }),
        ("a credit use of 24.995", |v, _, _, i2| {
            v["receivables"][i2]["settlements"][0]["amount"]["amount"] = "24.995".into();
        }),
        ("a credit balance of 30.005", |v, _, _, _| {
            v["balances"][0]["credit"]["amount"] = "30.005".into();
        }),
        ("a credit balance of 30.00 written 30.000", |v, _, _, _| {
            v["balances"][0]["credit"]["amount"] = "30.000".into();
        }),
    ];
    for (n, (what, tamper)) in cases.into_iter().enumerate() {
        let mut v = good.clone();
        let (i0, i1, i2) = (entry(&v, "INV-0"), entry(&v, "INV-1"), entry(&v, "INV-2"));
        tamper(&mut v, i0, i1, i2);
        let loaded = serde_json::from_value::<ArLedger>(v);
        if n == 4 {
            // trailing zeros are not finer than a cent
            assert_eq!(loaded.expect(what), ar);
            continue;
        }
        let err = loaded.expect_err(what).to_string();
        assert!(err.contains("not rounded"), "{what}: {err}");
    }
}

#[test]
fn exclusive_tax_is_rounded_once_from_the_exact_product() {
    // a USD 0.01 line, tax added at `rate`: (net, tax)
    let taxed = |rate: &str| one_line_taxed("0.01", rate, TaxMode::Exclusive);
    // 0.01 × 0.5000000000000000000000000001 = 0.005000000000000000000000000001: just over half a cent
    assert_eq!(taxed("50.00000000000000000000000001%"), (usd("0.01"), usd("0.01")));
    // 0.01 × 0.4999999999999999999999999999: just under
    assert_eq!(taxed("49.99999999999999999999999999%"), (usd("0.01"), usd("0")));
    // 0.01 × 0.5 = 0.005 exactly: to even
    assert_eq!(taxed("50%"), (usd("0.01"), usd("0")));
}

#[test]
fn a_credit_note_beyond_what_is_open_goes_to_the_customers_credit_balance() {
    let inv = untaxed_invoice("100");
    let note = |number: &str, net: &str| {
        CreditNote::issue(&inv, &[], number, &[CreditRequest { line: 0, amount: CreditAmount::Net(usd(net)) }]).unwrap()
    };
    // paid in full, then credited 40: the invoice is settled and the customer holds 40
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_payment(&pay("py_1", usd("100")), &ApplicationRule::OldestFirst).unwrap();
    ar.apply_credit_note(&note("CN-1", "40"), d(2026, 2, 5)).unwrap();
    ar.apply_credit_note(&note("CN-1", "40"), d(2026, 2, 5)).unwrap(); // delivered twice: credited once
    assert_eq!(ar.receivable("INV-1").unwrap().open(), usd("0"));
    assert_eq!(ar.credit("c", Currency::USD), usd("40"));
    let back: ArLedger = serde_json::from_str(&serde_json::to_string(&ar).unwrap()).unwrap();
    assert_eq!(back, ar);
    // which the customer can have refunded, or use on the next invoice
    let mut refunded = ar.clone();
    refunded.refund("re_1", "c", usd("40"), d(2026, 2, 6)).unwrap();
    assert_eq!(refunded.credit("c", Currency::USD), usd("0"));
    ar.add_receivable(open_usd("INV-2", d(2026, 3, 1), "25")).unwrap();
    assert_eq!(ar.use_credit("cu_1", "INV-2", d(2026, 3, 1)).unwrap(), usd("25"));
    assert_eq!(ar.credit("c", Currency::USD), usd("15"));
    let back: ArLedger = serde_json::from_str(&serde_json::to_string(&ar).unwrap()).unwrap();
    assert_eq!(back, ar);
    // a ledger that leaves the over-credit out of the balance does not load
    let mut v = serde_json::to_value(&ar).unwrap();
    v["balances"][0]["credit"]["amount"] = "0".into();
    assert!(serde_json::from_value::<ArLedger>(v).is_err());

    // part paid: what is open is credited, the rest held
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_payment(&pay("py_1", usd("70")), &ApplicationRule::OldestFirst).unwrap();
    ar.apply_credit_note(&note("CN-1", "40"), d(2026, 2, 5)).unwrap();
    assert_eq!((ar.receivable("INV-1").unwrap().open(), ar.credit("c", Currency::USD)), (usd("0"), usd("10")));
    // unpaid: all of it is credited on the invoice
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_credit_note(&note("CN-1", "40"), d(2026, 2, 5)).unwrap();
    assert_eq!((ar.receivable("INV-1").unwrap().open(), ar.credit("c", Currency::USD)), (usd("60"), usd("0")));

    // notes that together credit more than the invoice: the one too many is refused, and changes nothing
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_payment(&pay("py_1", usd("100")), &ApplicationRule::OldestFirst).unwrap();
    ar.apply_credit_note(&note("CN-1", "70"), d(2026, 2, 5)).unwrap();
    let before = ar.clone();
    let err = ar.apply_credit_note(&note("CN-2", "30.01"), d(2026, 2, 5)).unwrap_err();
    assert!(matches!(err, BillingError::CreditExceedsTotal { ref note, .. } if note == "CN-2"), "{err}");
    assert_eq!(ar, before);
    ar.apply_credit_note(&note("CN-2", "30"), d(2026, 2, 5)).unwrap();
    assert_eq!((ar.receivable("INV-1").unwrap().open(), ar.credit("c", Currency::USD)), (usd("0"), usd("100")));
}

#[test]
fn a_retried_use_of_credit_uses_it_once_and_its_id_cannot_be_reused_for_another() {
    let mut ar = ledger([open_usd("INV-1", d(2026, 1, 1), "100"), open_usd("INV-2", d(2026, 1, 1), "100")]);
    ar.apply_payment(&pay("py_1", usd("30")), &ApplicationRule::Explicit(vec![])).unwrap();
    assert_eq!(ar.use_credit("cu_1", "INV-1", d(2026, 2, 10)).unwrap(), usd("30"));
    let once = ar.clone();
    // more credit arrives; the retry of the use changes nothing and says what it used
    ar.apply_payment(&pay("py_2", usd("50")), &ApplicationRule::Explicit(vec![])).unwrap();
    let paid = ar.clone();
    assert_eq!(ar.use_credit("cu_1", "INV-1", d(2026, 2, 10)).unwrap(), usd("30"));
    assert_eq!(ar, paid);
    assert_eq!((ar.receivable("INV-1").unwrap().open(), ar.credit("c", Currency::USD)), (usd("70"), usd("50")));
    // the id with another invoice or date is refused, and changes nothing
    for (invoice, on) in [("INV-2", d(2026, 2, 10)), ("INV-1", d(2026, 2, 11))] {
        let err = ar.use_credit("cu_1", invoice, on).unwrap_err();
        assert!(matches!(err, BillingError::CreditUseConflict { ref id } if id == "cu_1"), "{err}");
        assert_eq!(ar, paid);
    }
    assert!(matches!(ar.use_credit("", "INV-1", d(2026, 2, 10)), Err(BillingError::EmptyId { .. })));
    // the id survives a trip through JSON
    let mut back: ArLedger = serde_json::from_str(&serde_json::to_string(&once).unwrap()).unwrap();
    assert_eq!(back, once);
    assert_eq!(back.use_credit("cu_1", "INV-1", d(2026, 2, 10)).unwrap(), usd("30"));
    assert_eq!(back, once);
    // a new id uses the new credit
    assert_eq!(ar.use_credit("cu_2", "INV-1", d(2026, 2, 12)).unwrap(), usd("50"));
    // a ledger naming one credit-use id twice does not load
    let mut v = serde_json::to_value(&ar).unwrap();
    let i = v["receivables"].as_array().unwrap().iter().position(|e| e["receivable"]["invoice"] == "INV-1").unwrap();
    v["receivables"][i]["settlements"][1]["credit_use"] = "cu_1".into();
    assert!(serde_json::from_value::<ArLedger>(v).is_err());
}

/// Terms billing `service` at `frequency`, `timing` and `alignment`; the fee is not used by
/// [`BillingTerms::schedule_total`].
fn terms_over(
    service: Period,
    frequency: BillingFrequency,
    timing: BillingTiming,
    alignment: BillingAlignment,
    c: Currency,
) -> BillingTerms {
    BillingTerms { fee: Money::zero(c), frequency, timing, alignment, service, payment_terms_days: 30 }
}

#[test]
fn a_contract_value_billed_quarterly_invoices_exactly_the_transaction_price() {
    use revops::pricing::{ApprovalPolicy, PriceBook, Quote, QuoteLine};
    // 15.5% off three demo seats for a year: a transaction price of USD 2,281.50, which four
    // quarterly fees of a quarter of it each rounded on their own bill as USD 2,281.52
    let line = QuoteLine {
        sku: "ADD-SEATS".into(),
        quantity: Decimal::from(3),
        months: 12,
        ramp: vec![],
        schedule: None,
        additional_discount: "15.5%".parse().unwrap(),
        partner_discount: Percent::ZERO,
    };
    let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: 12, payment_terms_days: 30 }
        .price(&PriceBook::demo(), &ApprovalPolicy::demo(), None)
        .unwrap();
    assert_eq!(quote.net_total, usd("2281.50"));
    let term = Period::new(d(2026, 3, 1), d(2027, 3, 1)).unwrap();
    let terms = terms_over(
        term,
        BillingFrequency::Quarterly,
        BillingTiming::InAdvance,
        BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
        Currency::USD,
    );
    let items = terms.schedule_total(quote.net_total).unwrap();
    let amounts: Vec<Money> = items.iter().map(|i| i.amount).collect();
    // the two cents left over go to the earliest quarters (equal shares: ties to the earlier)
    assert_eq!(amounts, [usd("570.38"), usd("570.38"), usd("570.37"), usd("570.37")]);
    let mut invoiced = Money::zero(Currency::USD);
    for (n, item) in items.iter().enumerate() {
        let inv = InvoiceDraft::for_item("c", "K", "seats", item).finalize(format!("INV-{n}"), &FlatTax::NONE).unwrap();
        invoiced = invoiced.checked_add(inv.total()).unwrap();
    }
    assert_eq!(invoiced, quote.net_total);
}

#[test]
fn a_contract_value_must_be_rounded_and_not_negative_to_be_billed() {
    let term = Period::new(d(2026, 1, 1), d(2027, 1, 1)).unwrap();
    let terms = terms_over(
        term,
        BillingFrequency::Monthly,
        BillingTiming::InAdvance,
        BillingAlignment::Calendar,
        Currency::USD,
    );
    let err = terms.schedule_total(usd("1200.005")).unwrap_err();
    assert!(matches!(err, BillingError::NotRounded { .. }), "{err}");
    let err = terms.schedule_total(usd("-1200")).unwrap_err();
    assert!(matches!(err, BillingError::Negative { .. }), "{err}");
    let empty = BillingTerms { service: Period::new(d(2026, 1, 1), d(2026, 1, 1)).unwrap(), ..terms };
    assert!(empty.schedule_total(usd("1200")).is_err());
}

proptest! {
    /// Σ items = the contract value, to the minor unit, over any total, currency, frequency,
    /// timing, alignment and term; each item is within one minor unit of its exact share (the
    /// total × its proration ÷ Σ prorations) and the items cover the term.
    #[test]
    fn a_contract_value_spread_over_its_periods_ties_to_the_minor_unit(
        total in 0i64..1_000_000_000_000,
        c in prop::sample::select(vec![Currency::USD, Currency::JPY, Currency::KWD]),
        freq in prop::sample::select(vec![BillingFrequency::Monthly, BillingFrequency::Quarterly, BillingFrequency::Annual]),
        timing in prop::sample::select(vec![BillingTiming::InAdvance, BillingTiming::InArrears]),
        calendar in any::<bool>(),
        start in 0i64..3_000,
        days in 1i64..2_000,
    ) {
        let from = d(2024, 1, 1) + chrono::Duration::days(start);
        let term = Period::new(from, from + chrono::Duration::days(days)).unwrap();
        let alignment = if calendar { BillingAlignment::Calendar } else { BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth) };
        let value = Money::from_minor_units(total, c).unwrap();
        let items = terms_over(term, freq, timing, alignment, c).schedule_total(value).unwrap();
        prop_assert_eq!(Money::sum(c, items.iter().map(|i| i.amount)).unwrap(), value);
        prop_assert_eq!(items.iter().map(|i| i.service.days()).sum::<i64>(), term.days());
        // exact shares in integers: weight = proration × lcm of the denominators
        let lcm = items.iter().fold(1i128, |l, i| {
            let (a, b) = (l, i.proration.den());
            let gcd = (1..=a.min(b)).rev().find(|g| a % g == 0 && b % g == 0).unwrap();
            a / gcd * b
        });
        let weights: Vec<i128> = items.iter().map(|i| i.proration.num() * (lcm / i.proration.den())).collect();
        let sum: i128 = weights.iter().sum();
        for (item, w) in items.iter().zip(&weights) {
            let got = item.amount.to_minor_units_i128().unwrap();
            prop_assert!((got * sum - i128::from(total) * w).abs() < sum, "{} vs {} × {w} ÷ {sum}", item.amount, value);
        }
    }
}

/// A quarter's contract for USD 300, invoiced once on 1 January with `tax`, and its revenue
/// schedule by month.
fn taxed_quarter(tax: &FlatTax) -> (ContractSchedule, Invoice) {
    let term = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
    let contract = Contract {
        id: "K".into(),
        customer: "c".into(),
        currency: Currency::USD,
        term,
        obligations: vec![PerformanceObligation {
            id: "s".into(),
            ssp: Ssp::Observable(usd("300")),
            pattern: SatisfactionPattern::RatablyByMonth(term),
        }],
        price: TransactionPrice::fixed(usd("300")),
    };
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2026, 3).unwrap()).map(Month::period).collect();
    let schedule = ContractSchedule::build(&contract, &months).unwrap();
    let item = BillingItem {
        service: term,
        invoice_date: d(2026, 1, 1),
        due_date: d(2026, 1, 31),
        proration: Ratio::ONE,
        amount: usd("300"),
    };
    let inv = InvoiceDraft::for_item("c", "K", "plan", &item).finalize("INV-1", tax).unwrap();
    (schedule, inv)
}

#[test]
fn reconciling_taxed_invoices_ties_the_receivable_to_the_ar_ledger_with_tax_on_top_or_included() {
    let quarter = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
    let january = Period::new(d(2026, 1, 1), d(2026, 2, 1)).unwrap();
    for (tax, net, tax_billed) in [
        (flat("10%", TaxMode::Exclusive), usd("300"), usd("30")),
        (flat("20%", TaxMode::Inclusive), usd("250"), usd("50")),
    ] {
        let (schedule, inv) = taxed_quarter(&tax);
        assert_eq!((inv.subtotal(), inv.tax()), (net, tax_billed));
        for paid in [inv.total(), usd("100"), Money::zero(Currency::USD)] {
            let mut ar = ArLedger::new();
            ar.add_invoice(&inv).unwrap();
            let mut receipts = vec![];
            if !paid.is_zero() {
                let pay = Payment::new("P1", "c", d(2026, 1, 20), paid).unwrap();
                ar.apply_payment(&pay, &ApplicationRule::OldestFirst).unwrap();
                receipts.push(CashReceipt { date: pay.date(), amount: pay.amount() });
            }
            let open = Money::sum(Currency::USD, ar.receivables().map(|r| r.open())).unwrap();
            for period in [quarter, january] {
                let r = reconcile_invoices(&schedule, std::slice::from_ref(&inv), &receipts, period).unwrap();
                assert!(r.ties().unwrap(), "{tax:?} paid {paid} over {period}");
                // revenue counts the invoice net of tax; the receivable holds the tax too
                assert_eq!((r.billed, r.tax_billed, r.collected), (net, tax_billed, paid));
                assert_eq!(r.closing_receivable, open, "{tax:?} paid {paid} over {period}");
                assert_eq!(r.closing.net, net.checked_sub(r.recognised).unwrap());
            }
        }
    }
}

#[test]
fn reconciling_billings_counts_no_tax() {
    let (schedule, _) = taxed_quarter(&FlatTax::NONE);
    let quarter = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
    let billings = [Billing { date: d(2026, 1, 1), amount: usd("300") }];
    let r =
        reconcile(&schedule, &billings, &[CashReceipt { date: d(2026, 1, 20), amount: usd("300") }], quarter).unwrap();
    assert!(r.ties().unwrap());
    assert_eq!((r.tax_billed, r.closing_receivable), (Money::zero(Currency::USD), Money::zero(Currency::USD)));
}

#[test]
fn posting_invoice_tax_and_payments_ties_gl_receivables_to_the_ar_ledger() {
    use revops::ledger::{Account, InMemoryLedger, LedgerSink};
    let quarter = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
    for tax in [flat("10%", TaxMode::Exclusive), flat("20%", TaxMode::Inclusive), FlatTax::NONE] {
        let (schedule, inv) = taxed_quarter(&tax);
        // unpaid, part paid, paid in full, overpaid (the rest is the customer's credit)
        for paid in [usd("0"), usd("100"), inv.total(), inv.total().checked_add(usd("5")).unwrap()] {
            let mut ar = ArLedger::new();
            ar.add_invoice(&inv).unwrap();
            let mut gl = InMemoryLedger::new();
            let billings = [Billing { date: inv.issue_date(), amount: inv.subtotal() }];
            schedule.post_journal(&billings, &mut gl).unwrap();
            if let Some(e) = tax_journal_entry(&inv).unwrap() {
                gl.post(e).unwrap();
            }
            if !paid.is_zero() {
                let pay = Payment::new("P1", "c", d(2026, 1, 20), paid).unwrap();
                let applied = ar.apply_payment(&pay, &ApplicationRule::OldestFirst).unwrap();
                gl.post(payment_journal_entry(&pay, &applied).unwrap()).unwrap();
            }
            let bal = |a| gl.balance(a, Currency::USD).unwrap();
            let open = Money::sum(Currency::USD, ar.receivables().map(|r| r.open())).unwrap();
            assert_eq!(bal(Account::AccountsReceivable), open, "{tax:?} paid {paid}");
            assert_eq!(bal(Account::TaxPayable), -inv.tax(), "{tax:?} paid {paid}");
            assert_eq!(bal(Account::Cash), paid);
            assert_eq!(bal(Account::CustomerCredit), -ar.credit("c", Currency::USD));
            // and the GL agrees with the reconciliation of the same invoices and cash
            let receipts: Vec<CashReceipt> =
                if paid.is_zero() { vec![] } else { vec![CashReceipt { date: d(2026, 1, 20), amount: paid }] };
            let r = reconcile_invoices(&schedule, std::slice::from_ref(&inv), &receipts, quarter).unwrap();
            assert_eq!(r.closing_receivable, open.checked_sub(ar.credit("c", Currency::USD)).unwrap());
        }
    }
}

#[test]
fn an_invoice_number_that_comes_back_after_another_invoice_is_refused_at_its_row() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
    let row = |invoice: &str, desc: &str| InvoiceRow {
        invoice: invoice.into(),
        customer: "acme".into(),
        contract_id: "C-1".into(),
        currency: Currency::USD,
        issue_date: day(1),
        due_date: day(31),
        description: desc.into(),
        quantity: "1".parse().unwrap(),
        unit_price: "10".parse().unwrap(),
        net: "10.00".parse().unwrap(),
        tax: "0".parse().unwrap(),
        tax_rate: "0%".parse().unwrap(),
        tax_mode: TaxMode::Exclusive,
        service_start: None,
        service_end: None,
    };
    let rows = [row("INV-1", "plan"), row("INV-2", "plan"), row("INV-1", "seats")];
    let err = invoices_from_rows(&rows).unwrap_err();
    assert_eq!(err.row, 3, "{err}");
    assert!(err.to_string().contains("INV-1 comes back after another invoice"), "{err}");
    // consecutive rows of one number are still one invoice
    let ok = invoices_from_rows(&[row("INV-1", "plan"), row("INV-1", "seats"), row("INV-2", "plan")]).unwrap();
    assert_eq!(ok.len(), 2);
}

#[test]
fn reconciling_refuses_an_invoice_of_another_contract_or_one_given_twice() {
    // the reconciliation counts every invoice it is given against one contract's revenue: an
    // invoice of another contract ("k", not "K") or the same invoice twice would have been billed
    // in full and read as a tie-out
    let (schedule, inv) = taxed_quarter(&FlatTax::NONE);
    let quarter = Period::new(d(2026, 1, 1), d(2026, 4, 1)).unwrap();
    let other = untaxed_invoice("300");
    let refused = reconcile_invoices(&schedule, &[other], &[], quarter);
    assert!(matches!(refused, Err(BillingError::NotTheContractsInvoice { .. })), "{refused:?}");
    let twice = reconcile_invoices(&schedule, &[inv.clone(), inv.clone()], &[], quarter);
    assert!(matches!(twice, Err(BillingError::InvoiceGivenTwice { .. })), "{twice:?}");
    assert_eq!(reconcile_invoices(&schedule, &[inv], &[], quarter).unwrap().billed, usd("300"));
}

/// The GL fed by the crate ties to the AR ledger after invoices, payments, credit notes and a
/// refund: accounts receivable is the open receivables, customer credit the credit balance,
/// cash what was received less what was refunded, tax payable the tax invoiced less the tax the
/// credit notes reversed. Before, a credit note and a refund had no journal entry, so the GL
/// kept AR $110 too high, customer credit $60 short and cash $50 too high, and owed $20 too
/// much tax.
#[test]
fn the_gl_ties_to_the_ar_ledger_after_invoices_payments_credit_notes_and_a_refund() {
    use revops::ledger::{Account, InMemoryLedger, LedgerSink};
    let usd = |s: &str| money(s, Currency::USD);
    // a six-month contract of $600, billed $300 on 1 January and $300 on 1 April, tax 10% on top
    let term = Period::new(d(2026, 1, 1), d(2026, 7, 1)).unwrap();
    let ob = PerformanceObligation {
        id: "plan".into(),
        ssp: Ssp::Observable(usd("600")),
        pattern: SatisfactionPattern::RatablyByMonth(term),
    };
    let c = Contract {
        id: "C".into(),
        customer: "acme".into(),
        currency: Currency::USD,
        term,
        obligations: vec![ob],
        price: TransactionPrice::fixed(usd("600")),
    };
    let months: Vec<Period> =
        Month::new(2026, 1).unwrap().through(Month::new(2026, 6).unwrap()).map(Month::period).collect();
    let schedule = ContractSchedule::build(&c, &months).unwrap();
    let tax = FlatTax::new("10%".parse().unwrap(), TaxMode::Exclusive).unwrap();
    let invoice = |number: &str, on: NaiveDate| {
        let service = Period::new(on, on + chrono::Months::new(3)).unwrap();
        let item = BillingItem { service, invoice_date: on, due_date: on, proration: Ratio::ONE, amount: usd("300") };
        InvoiceDraft::for_item("acme", "C", "plan", &item).finalize(number, &tax).unwrap()
    };
    let (inv1, inv2) = (invoice("INV-1", d(2026, 1, 1)), invoice("INV-2", d(2026, 4, 1)));
    assert_eq!((inv1.total(), inv2.total()), (usd("330"), usd("330")));

    let mut gl = InMemoryLedger::new();
    let mut ar = ArLedger::new();
    let billings: Vec<Billing> =
        [&inv1, &inv2].iter().map(|i| Billing { date: i.issue_date(), amount: i.subtotal() }).collect();
    for e in schedule.journal_entries(&billings).unwrap() {
        gl.post(e).unwrap();
    }
    for inv in [&inv1, &inv2] {
        ar.add_invoice(inv).unwrap();
        gl.post(tax_journal_entry(inv).unwrap().unwrap()).unwrap();
    }
    // INV-1 paid in full, INV-2 $100 of $330
    for (id, on, amount, invoice) in
        [("py_1", d(2026, 1, 20), "330", "INV-1"), ("py_2", d(2026, 4, 20), "100", "INV-2")]
    {
        let p = Payment::new(id, "acme", on, usd(amount)).unwrap();
        let app = ar.apply_payment(&p, &ApplicationRule::Explicit(vec![(invoice.into(), usd(amount))])).unwrap();
        gl.post(payment_journal_entry(&p, &app).unwrap()).unwrap();
    }
    // $100 net (+ $10 tax) credited on each: on the paid INV-1 it all goes to acme's credit
    // balance, on INV-2 (open $230) it all comes off the receivable
    let third = |inv: &Invoice, number: &str| {
        CreditNote::issue(inv, &[], number, &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("100")) }])
            .unwrap()
    };
    for (inv, number, on, reverses) in
        [(&inv1, "CN-1", d(2026, 5, 5), Account::Revenue), (&inv2, "CN-2", d(2026, 5, 6), Account::DeferredRevenue)]
    {
        let note = third(inv, number);
        assert_eq!(note.total(), usd("110"));
        let applied = ar.apply_credit_note(&note, on).unwrap();
        assert_eq!(ar.apply_credit_note(&note, on).unwrap(), applied, "redelivered: the same application");
        let entry = credit_note_journal_entry(&note, &applied, on, reverses).unwrap();
        assert_eq!((entry.net(reverses).unwrap(), entry.net(Account::TaxPayable).unwrap()), (usd("100"), usd("10")));
        gl.post(entry).unwrap();
    }
    assert_eq!(ar.credit("acme", Currency::USD), usd("110"));
    // $50 of the $110 credit refunded
    ar.refund("re_1", "acme", usd("50"), d(2026, 5, 10)).unwrap();
    gl.post(refund_journal_entry(ar.refund_record("re_1").unwrap()).unwrap()).unwrap();

    // the tie-out, by hand: AR 330 + 330 − 330 − 100 − 110 = 120; credit 110 − 50 = 60;
    // cash 330 + 100 − 50 = 380; tax 30 + 30 − 10 − 10 = 40 owed
    let open = Money::sum(Currency::USD, ar.receivables().map(|r| r.open())).unwrap();
    assert_eq!(open, usd("120"));
    let bal = |a| gl.balance(a, Currency::USD).unwrap();
    assert_eq!(bal(Account::AccountsReceivable), open);
    assert_eq!(bal(Account::CustomerCredit), -ar.credit("acme", Currency::USD));
    assert_eq!(bal(Account::CustomerCredit), usd("-60"));
    assert_eq!(bal(Account::Cash), usd("380"));
    assert_eq!(bal(Account::TaxPayable), usd("-40"));
    // a credit note reverses revenue or deferred revenue, never another account
    let note = third(&inv2, "CN-3");
    let applied = ar.apply_credit_note(&note, d(2026, 5, 7)).unwrap();
    let r = credit_note_journal_entry(&note, &applied, d(2026, 5, 7), Account::Cash);
    assert!(matches!(r, Err(BillingError::NotARevenueAccount { .. })), "{r:?}");
}

/// $100 invoiced to "c" (`untaxed_invoice`), $80 paid, then a $30 credit note applied on `day`:
/// $20 comes off the invoice and $10 goes to the customer's credit.
fn paid_80_then_credited_30(day: NaiveDate) -> (ArLedger, CreditNote, CreditNoteApplication) {
    let inv = untaxed_invoice("100");
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_payment(&Payment::new("py_1", "c", day, usd("80")).unwrap(), &ApplicationRule::OldestFirst).unwrap();
    let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("30")) }])
        .unwrap();
    let applied = ar.apply_credit_note(&note, day).unwrap();
    (ar, note, applied)
}

/// How each credit note was applied is kept in the ledger's JSON and checked on the way in; a
/// ledger written before it was kept loads with the only split that fits.
#[test]
fn a_ledgers_credit_note_applications_are_checked_on_load() {
    let day = d(2026, 1, 1);
    let (ar, _, applied) = paid_80_then_credited_30(day);
    assert_eq!((applied.on_invoice, applied.to_credit), (usd("20"), usd("10")));
    let good = serde_json::to_value(&ar).unwrap();
    let back: ArLedger = serde_json::from_value(good.clone()).unwrap();
    assert_eq!(back.credit_note_application("CN-1"), Some(&applied));
    // written before applications were kept: the one note took the over-credit
    let mut old = good.clone();
    old.as_object_mut().unwrap().remove("credit_note_applications");
    // (nor were credit notes dated)
    old["receivables"][0]["receivable"].as_object_mut().unwrap().remove("last_credited_on");
    old["receivables"][0]["opening"].as_object_mut().unwrap().remove("last_credited_on");
    let back: ArLedger = serde_json::from_value(old).unwrap();
    let undated = back.credit_note_application("CN-1").unwrap();
    assert_eq!((undated.on_invoice, undated.to_credit, undated.on), (usd("20"), usd("10"), None));
    assert_eq!(back.receivable("INV-1").unwrap().open(), ar.receivable("INV-1").unwrap().open());
    assert_eq!(back.credit("c", Currency::USD), ar.credit("c", Currency::USD));
    // a split that is not what the ledger did is refused
    let mut bad = good.clone();
    bad["credit_note_applications"][0]["on_invoice"] = "USD 30.00".into();
    bad["credit_note_applications"][0]["to_credit"] = "USD 0.00".into();
    let e = serde_json::from_value::<ArLedger>(bad).unwrap_err().to_string();
    assert!(e.contains("invoice INV-1"), "{e}");
    let mut bad = good;
    bad["credit_note_applications"][0]["to_credit"] = "USD 5.00".into();
    let e = serde_json::from_value::<ArLedger>(bad).unwrap_err().to_string();
    assert!(e.contains("credit note CN-1"), "{e}");
}

/// "A ledger serialised by this crate always loads": a ledger written before credit note
/// applications were kept, with one note taken off an open invoice and a second, after the
/// invoice was paid, going to the customer's credit (the `apply_credit_note` doc example),
/// still loads. Before, two notes on one invoice sharing an over-credit were refused as
/// "not recorded".
#[test]
fn a_ledger_written_before_applications_were_kept_with_two_notes_on_a_paid_invoice_loads() {
    let usd = |s: &str| money(s, Currency::USD);
    let day = d(2026, 1, 1);
    let inv = untaxed_invoice("100");
    let quarter = CreditRequest { line: 0, amount: CreditAmount::Net(usd("25")) };
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    let first = CreditNote::issue(&inv, &[], "CN-1", &[quarter]).unwrap();
    ar.apply_credit_note(&first, day).unwrap();
    ar.apply_payment(&Payment::new("py_1", "c", day, usd("75")).unwrap(), &ApplicationRule::OldestFirst).unwrap();
    let second = CreditNote::issue(&inv, std::slice::from_ref(&first), "CN-2", &[quarter]).unwrap();
    ar.apply_credit_note(&second, day).unwrap();
    let mut old = serde_json::to_value(&ar).unwrap();
    old.as_object_mut().unwrap().remove("credit_note_applications");
    // nor were credit notes dated then
    old["receivables"][0]["receivable"].as_object_mut().unwrap().remove("last_credited_on");
    old["receivables"][0]["opening"].as_object_mut().unwrap().remove("last_credited_on");
    let back: ArLedger = serde_json::from_value(old).unwrap();
    assert_eq!(back.credit("c", Currency::USD), usd("25"));
    assert_eq!(back.receivable("INV-1").map(|r| r.open()), Some(usd("0")));
    // the inferred split adds up to each note's total and, together, to the over-credit
    let split: Vec<(Money, Money)> = ["CN-1", "CN-2"]
        .iter()
        .map(|n| back.credit_note_application(n).map(|a| (a.on_invoice, a.to_credit)).unwrap())
        .collect();
    assert!(split.iter().all(|(on, to)| on.checked_add(*to).unwrap() == usd("25")), "{split:?}");
    assert_eq!(split[0].1.checked_add(split[1].1).unwrap(), usd("25"), "{split:?}");
    // and re-sending a note still changes nothing
    let mut again = back.clone();
    again.apply_credit_note(&second, day).unwrap();
    assert_eq!(again, back);
}

/// A `CreditNoteApplication` read from JSON whose parts are finer than the minor unit (but add up
/// to the note's total) is refused by `credit_note_journal_entry`, as the ledger's loader refuses
/// it: before, it posted USD 20.005 to accounts receivable (money is rounded once, in whole
/// minor units).
#[test]
fn a_credit_note_application_finer_than_the_minor_unit_is_not_posted() {
    use revops::ledger::Account;
    let day = d(2026, 1, 1);
    let (_, note, applied) = paid_80_then_credited_30(day);
    assert!(credit_note_journal_entry(&note, &applied, day, Account::Revenue).is_ok());
    let mut json = serde_json::to_value(&applied).unwrap();
    json["on_invoice"] = "USD 20.005".into();
    json["to_credit"] = "USD 9.995".into();
    let fine: CreditNoteApplication = serde_json::from_value(json).unwrap();
    let r = credit_note_journal_entry(&note, &fine, day, Account::Revenue);
    assert!(matches!(r, Err(BillingError::NotTheNotesApplication { .. })), "{r:?}");
}

/// An invoice of $100 issued on 1 January 2026, due on the 31st, paid in full on 1 March.
fn paid_on_the_first_of_march() -> Receivable {
    Receivable::new("INV-P", "c", d(2026, 1, 1), d(2026, 1, 31), usd("100"))
        .unwrap()
        .with_paid(usd("100"), Some(d(2026, 3, 1)))
        .unwrap()
}

/// On 15 February the $100 was 15 days overdue; the receivable as it stands now says it was
/// paid (on 1 March). Aging or dunning it as of 15 February from today's balance would say
/// nothing was owed: the readers refuse it, naming the invoice and both dates.
#[test]
fn aging_and_dunning_on_a_past_date_refuse_a_receivable_paid_after_it() {
    let book = [paid_on_the_first_of_march()];
    let refused =
        BillingError::SettledAfter { invoice: "INV-P".into(), settled_on: d(2026, 3, 1), as_of: d(2026, 2, 15) };
    assert_eq!(age_receivables(&book, d(2026, 2, 15)), Err(refused.clone()));
    assert_eq!(DunningPolicy::standard(Currency::USD).evaluate("c", &book, d(2026, 2, 15)), Err(refused.clone()));
    let msg = refused.to_string();
    assert!(msg.contains("INV-P") && msg.contains("2026-03-01") && msg.contains("2026-02-15"), "{msg}");
    // on the day of the payment and after, it is settled: nothing to age or dun
    assert_eq!(age_receivables(&book, d(2026, 3, 1)), Ok(vec![]));
    assert_eq!(DunningPolicy::standard(Currency::USD).evaluate("c", &book, d(2026, 3, 1)), Ok(None));
    // on its due date it is not late, so the dunning does not read it
    assert_eq!(DunningPolicy::standard(Currency::USD).evaluate("c", &book, d(2026, 1, 31)), Ok(None));
    // another customer's receivable is not read by the dunning of "x"
    assert_eq!(DunningPolicy::standard(Currency::USD).evaluate("x", &book, d(2026, 2, 15)), Ok(None));
    // and an invoice not yet issued on the date is not read by the aging
    assert_eq!(age_receivables(&book, d(2025, 12, 31)), Ok(vec![]));
}

/// $100 due on 31 January, $60 paid on the 20th, the other $40 credited by a note on
/// 10 February: the invoice was not settled by its due date, so it was not collected on time.
/// The note carries its date into the receivable (`last_credited_on`), and aging as of a day
/// before the note refuses the receivable.
#[test]
fn a_credit_note_is_dated_and_an_invoice_it_settles_after_its_due_date_is_not_on_time() {
    let inv = untaxed_invoice("100");
    let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("40")) }])
        .unwrap();
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    let pay = Payment::new("py_1", "c", d(2026, 1, 20), usd("60")).unwrap();
    ar.apply_payment(&pay, &ApplicationRule::OldestFirst).unwrap();
    let applied = ar.apply_credit_note(&note, d(2026, 2, 10)).unwrap();
    assert_eq!((applied.on, applied.on_invoice, applied.to_credit), (Some(d(2026, 2, 10)), usd("40"), usd("0")));
    // redelivered on the same date: the same application; on another date: a conflict
    assert_eq!(ar.apply_credit_note(&note, d(2026, 2, 10)).unwrap(), applied);
    assert_eq!(
        ar.apply_credit_note(&note, d(2026, 2, 11)),
        Err(BillingError::CreditNoteConflict { note: "CN-1".into() })
    );
    let r = ar.receivable("INV-1").unwrap().clone();
    assert_eq!((r.last_paid_on(), r.last_credited_on()), (Some(d(2026, 1, 20)), Some(d(2026, 2, 10))));
    assert_eq!(r.last_settled_on(), Some(d(2026, 2, 10)));

    let ot = on_time_collection([&r], Currency::USD, d(2026, 1, 1), d(2026, 2, 1)).unwrap();
    assert_eq!((ot.due, ot.on_time, ot.rate_by_amount), (1, 0, Percent::ZERO));
    // the same import, credited on the due date: on time
    let on_due = Receivable::new("INV-2", "c", d(2026, 1, 1), d(2026, 1, 31), usd("100"))
        .unwrap()
        .with_paid(usd("60"), Some(d(2026, 1, 20)))
        .unwrap()
        .with_credited(usd("40"), Some(d(2026, 1, 31)))
        .unwrap();
    assert_eq!(on_time_collection([&on_due], Currency::USD, d(2026, 1, 1), d(2026, 2, 1)).unwrap().on_time, 1);

    // on 5 February $40 was open and 5 days overdue; the receivable now says it was credited
    let refused =
        BillingError::SettledAfter { invoice: "INV-1".into(), settled_on: d(2026, 2, 10), as_of: d(2026, 2, 5) };
    assert_eq!(age_receivables(ar.receivables(), d(2026, 2, 5)), Err(refused));
    assert_eq!(age_receivables(ar.receivables(), d(2026, 2, 10)), Ok(vec![]));
}

/// A ledger's JSON carries the notes' dates, and its receivables' `last_credited_on` must be
/// the latest date of a note that credited something on the invoice; JSON written before
/// credit notes were dated (no `on`, no `last_credited_on`) still loads, undated.
#[test]
fn a_ledgers_credit_note_dates_survive_json_and_are_checked_on_the_way_in() {
    let inv = untaxed_invoice("100");
    let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("40")) }])
        .unwrap();
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    ar.apply_credit_note(&note, d(2026, 2, 10)).unwrap();
    let json = serde_json::to_value(&ar).unwrap();
    let back: ArLedger = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, ar);

    let mut wrong = json.clone();
    wrong["receivables"][0]["receivable"]["last_credited_on"] = "2026-02-11".into();
    let err = serde_json::from_value::<ArLedger>(wrong).unwrap_err().to_string();
    assert!(err.contains("invoice INV-1") && err.contains("last_credited_on"), "{err}");

    // written before credit notes were dated
    let mut old = json;
    old["receivables"][0]["receivable"].as_object_mut().unwrap().remove("last_credited_on");
    old["receivables"][0]["opening"].as_object_mut().unwrap().remove("last_credited_on");
    old["credit_note_applications"][0].as_object_mut().unwrap().remove("on");
    let old: ArLedger = serde_json::from_value(old).unwrap();
    assert_eq!(old.receivable("INV-1").unwrap().last_credited_on(), None);
    assert_eq!(old.credit_note_application("CN-1").unwrap().on, None);
    assert_eq!(old.receivable("INV-1").unwrap().open(), usd("60"));
}

/// A `RealisedFx` read from JSON states its gain beside the two amounts it is the difference of;
/// one whose gain is not `settled − booked`, or whose amounts are in two currencies, was
/// accepted (a $2.00 loss could be read back as a $2.00 gain). It is refused.
#[test]
fn a_realised_fx_read_from_json_whose_gain_is_not_settled_less_booked_is_refused() {
    use revops::billing::{realised_fx, RealisedFx};
    use revops::money::InMemoryFxRates;
    let day = |m| d(2026, m, 1);
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, day(1), Decimal::new(110, 2)).unwrap();
    rates.insert(Currency::EUR, Currency::USD, day(2), Decimal::new(108, 2)).unwrap();
    let fx = realised_fx(money("100", Currency::EUR), day(1), day(2), Currency::USD, &rates).unwrap();
    let json = serde_json::to_value(fx).unwrap();
    assert_eq!(serde_json::from_value::<RealisedFx>(json.clone()).unwrap(), fx);
    let mut flipped = json.clone();
    flipped["gain"] = "USD 2.00".into();
    assert!(serde_json::from_value::<RealisedFx>(flipped).is_err());
    let mut mixed = json.clone();
    mixed["booked"] = "EUR 110.00".into();
    mixed["settled"] = "EUR 108.00".into();
    assert!(serde_json::from_value::<RealisedFx>(mixed).is_err());
}

#[test]
fn an_on_time_window_that_ends_before_it_starts_is_refused() {
    // DESIGN: reversed date ranges get a typed error; a window [Apr 1, Mar 1) counted nothing due
    let r = Receivable::new("I-1", "c", d(2026, 3, 1), d(2026, 3, 10), usd("100")).unwrap();
    let err = on_time_collection([&r], Currency::USD, d(2026, 4, 1), d(2026, 3, 1)).unwrap_err();
    assert!(err.to_string().contains("2026-03-01") && err.to_string().contains("2026-04-01"), "{err}");
    // an empty window is a window: nothing due
    assert_eq!(on_time_collection([&r], Currency::USD, d(2026, 3, 10), d(2026, 3, 10)).unwrap().due, 0);
    assert_eq!(on_time_collection([&r], Currency::USD, d(2026, 3, 10), d(2026, 3, 11)).unwrap().due, 1);
}

#[test]
fn a_stage_dated_before_an_earlier_recorded_stage_is_refused_even_across_a_skipped_stage() {
    let q = |signed, activated, first_invoiced, first_paid| QuoteToCash {
        quoted: d(2026, 2, 1),
        signed,
        activated,
        first_invoiced,
        first_paid,
    };
    // activated before the quote, with no signature recorded: out of order
    let err = q(None, Some(d(2026, 1, 1)), None, None).cycle_time().unwrap_err();
    assert!(
        matches!(err, BillingError::EventOutOfOrder { date, previous } if date == d(2026, 1, 1) && previous == d(2026, 2, 1))
    );
    // invoiced before the signature, with no activation recorded
    let err = q(Some(d(2026, 3, 1)), None, Some(d(2026, 2, 15)), None).cycle_time().unwrap_err();
    assert!(
        matches!(err, BillingError::EventOutOfOrder { date, previous } if date == d(2026, 2, 15) && previous == d(2026, 3, 1))
    );
    // paid before activation, with no invoice recorded
    assert!(q(None, Some(d(2026, 3, 1)), None, Some(d(2026, 2, 20))).cycle_time().is_err());
    // skipped stages in order are fine, and same-day stages too
    let t = q(None, Some(d(2026, 2, 1)), None, Some(d(2026, 3, 3))).cycle_time().unwrap();
    assert_eq!((t.sign_to_activate, t.total), (None, Some(30)));
}

#[test]
fn a_payment_is_not_posted_with_another_payments_application() {
    let mut ar = ArLedger::new();
    let p1 = Payment::new("py_1", "c", d(2026, 1, 1), usd("100")).unwrap();
    let p2 = Payment::new("py_2", "c", d(2026, 1, 1), usd("100")).unwrap();
    let app2 = ar.apply_payment(&p2, &ApplicationRule::OldestFirst).unwrap();
    // the same amounts, but py_2's application: posting it as py_1 would post py_1 twice or never
    let err = payment_journal_entry(&p1, &app2).unwrap_err();
    assert!(err.to_string().contains("py_1") && err.to_string().contains("another payment"), "{err}");
    assert!(payment_journal_entry(&p2, &app2).is_ok());
}

#[test]
fn an_aging_report_whose_counts_disagree_with_its_amounts_is_refused_from_json() {
    let open = Receivable::new("I-1", "c", d(2026, 3, 1), d(2026, 3, 10), usd("100")).unwrap();
    let overpaid = Receivable::new("I-2", "c", d(2026, 3, 1), d(2026, 3, 10), usd("10"))
        .unwrap()
        .with_paid(usd("15"), Some(d(2026, 3, 2)))
        .unwrap();
    let report = age_receivables([&open, &overpaid], d(2026, 3, 10)).unwrap().remove(0);
    let json = serde_json::to_string(&report).unwrap();
    assert_eq!(serde_json::from_str::<AgingReport>(&json).unwrap(), report);
    // USD 100 open on no invoice, USD 5 of credit from no invoice, an invoice aged with nothing open
    for (from, to) in [("\"invoices\":1", "\"invoices\":0"), ("\"credit_invoices\":1", "\"credit_invoices\":0")] {
        let bad = json.replace(from, to);
        assert_ne!(bad, json);
        let err = serde_json::from_str::<AgingReport>(&bad).unwrap_err();
        assert!(err.to_string().contains("aging report"), "{err}");
    }
    let empty = age_receivables([&open], d(2026, 2, 1)).unwrap();
    assert!(empty.is_empty());
    let none_open = aging_json_with_amounts_zeroed(&json);
    assert!(serde_json::from_str::<AgingReport>(&none_open).is_err());
}

/// An aging report's JSON with every amount zero but its counts left as they were.
fn aging_json_with_amounts_zeroed(json: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    let zero = serde_json::json!({"amount": "0", "currency": "USD"});
    v["buckets"] = serde_json::json!([zero, zero, zero, zero, zero]);
    for k in ["total", "credits", "net"] {
        v[k] = zero.clone();
    }
    v.to_string()
}

#[test]
fn a_payment_journal_entry_refuses_an_application_the_ledger_would_refuse() {
    let mut ar = ArLedger::new();
    ar.add_receivable(Receivable::new("I-1", "c", d(2026, 1, 1), d(2026, 1, 1), usd("150")).unwrap()).unwrap();
    let p = Payment::new("py_1", "c", d(2026, 1, 2), usd("100")).unwrap();
    let app = ar.apply_payment(&p, &ApplicationRule::OldestFirst).unwrap();
    assert!(payment_journal_entry(&p, &app).is_ok());
    let json = serde_json::to_value(&app).unwrap();
    let with = |applied: &str, unapplied: &str| -> PaymentApplication {
        let mut v = json.clone();
        v["applied"][0][1]["amount"] = applied.into();
        v["unapplied"]["amount"] = unapplied.into();
        serde_json::from_value(v).unwrap()
    };
    // each ties to the payment, so the entry balanced and was posted; PaymentRecord refuses each:
    // USD 150 taken off receivables and USD 50 debited to the customer's credit, a negative
    // amount applied to an invoice, sub-cent amounts
    for (applied, unapplied) in [("150", "-50"), ("-10", "110"), ("0", "100"), ("99.995", "0.005")] {
        let bad = with(applied, unapplied);
        let err = payment_journal_entry(&p, &bad).unwrap_err();
        assert!(err.to_string().contains("py_1"), "{applied}/{unapplied}: {err}");
    }
    // part applied, the rest to credit: fine
    assert!(payment_journal_entry(&p, &with("60", "40")).is_ok());
}

/// The refusal's remedy: an `ArLedger` keeps every payment, use of credit and credit note with
/// its date, so it gives its receivables as they stood on a past date, which the readers take.
/// $100 due on 31 January: $30 paid on the 20th, $40 credited on 10 February, the last $30
/// paid on 1 March. On 15 February $30 was open and 15 days overdue.
#[test]
fn a_ledger_gives_its_receivables_as_they_stood_on_a_past_date() {
    let inv = untaxed_invoice("100");
    let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("40")) }])
        .unwrap();
    let mut ar = ArLedger::new();
    ar.add_invoice(&inv).unwrap();
    let rule = ApplicationRule::OldestFirst;
    ar.apply_payment(&Payment::new("py_1", "c", d(2026, 1, 20), usd("30")).unwrap(), &rule).unwrap();
    ar.apply_credit_note(&note, d(2026, 2, 10)).unwrap();
    ar.apply_payment(&Payment::new("py_2", "c", d(2026, 3, 1), usd("30")).unwrap(), &rule).unwrap();
    // an invoice issued later is not in the book yet; an import dated after the date stays as it
    // was imported, so the readers still refuse it
    let later = Receivable::new("INV-2", "c", d(2026, 3, 1), d(2026, 3, 31), usd("50")).unwrap();
    ar.add_receivable(later).unwrap();
    let imported = Receivable::new("INV-3", "c", d(2026, 1, 1), d(2026, 1, 31), usd("70"))
        .unwrap()
        .with_paid(usd("70"), Some(d(2026, 2, 20)))
        .unwrap();
    ar.add_receivable(imported.clone()).unwrap();

    let feb15 = d(2026, 2, 15);
    assert_eq!(
        age_receivables(ar.receivables(), feb15),
        Err(BillingError::SettledAfter { invoice: "INV-1".into(), settled_on: d(2026, 3, 1), as_of: feb15 })
    );
    let then = ar.receivables_as_of(feb15).unwrap();
    let numbers: Vec<&str> = then.iter().map(|r| r.invoice()).collect();
    assert_eq!(numbers, ["INV-1", "INV-3"]);
    let r = &then[0];
    assert_eq!((r.paid(), r.credited(), r.open()), (usd("30"), usd("40"), usd("30")));
    assert_eq!((r.last_paid_on(), r.last_credited_on()), (Some(d(2026, 1, 20)), Some(d(2026, 2, 10))));
    assert_eq!(then[1], imported);
    assert_eq!(
        age_receivables(&then[..1], feb15).unwrap()[0].bucket(AgingBucket::Days1To30),
        usd("30"),
        "15 days overdue on 15 February"
    );
    let step = DunningPolicy::standard(Currency::USD).evaluate("c", &then[..1], feb15).unwrap().unwrap();
    assert_eq!((step.days_past_due, step.overdue), (15, usd("30")));
    // before the note: $70 open, nothing credited yet
    let feb5 = ar.receivables_as_of(d(2026, 2, 5)).unwrap();
    assert_eq!((feb5[0].open(), feb5[0].credited(), feb5[0].last_credited_on()), (usd("70"), usd("0"), None));
    // before anything: as the invoice was issued
    assert_eq!(ar.receivables_as_of(d(2026, 1, 1)).unwrap()[0], Receivable::from_invoice(&inv));
    // on the day of the last change and after: the receivables as they stand
    let now: Vec<Receivable> = ar.receivables().cloned().collect();
    assert_eq!(ar.receivables_as_of(d(2026, 3, 1)).unwrap(), now);
}
