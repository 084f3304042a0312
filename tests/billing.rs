//! Behaviour of `billing`, with published examples and properties.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::billing::*;
use revops::calendar::{AnchorPolicy, Month, Period};
use revops::money::{InMemoryFxRates, Ratio};
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
    let vat = FlatTax(TaxTreatment { rate: Decimal::new(19, 2), mode: TaxMode::Inclusive });
    let inv = draft(Currency::EUR, "119", 1).finalize("I-1", &vat).unwrap();
    assert_eq!(
        (inv.subtotal, inv.tax, inv.total),
        (money("100", Currency::EUR), money("19", Currency::EUR), money("119", Currency::EUR))
    );
    // JPY: 0 decimals; 10% consumption tax on ¥3,333 × 3 = ¥9,999 → ¥1,000 (999.9 rounded).
    let jct = FlatTax(TaxTreatment { rate: Decimal::new(10, 2), mode: TaxMode::Exclusive });
    let inv = draft(Currency::JPY, "3333", 3).finalize("I-2", &jct).unwrap();
    assert_eq!(inv.total.to_string(), "10999 JPY");
    // KWD: 3 decimals.
    let inv = draft(Currency::KWD, "1.2345", 1).finalize("I-3", &FlatTax::NONE).unwrap();
    assert_eq!(inv.total.to_string(), "1.234 KWD");
    assert!(matches!(
        InvoiceDraft { lines: vec![], ..draft(Currency::USD, "1", 1) }.finalize("I-4", &FlatTax::NONE),
        Err(BillingError::NoLines(_))
    ));
    let mut wrong = draft(Currency::USD, "1", 1);
    wrong.lines[0].unit_price = usd("-1");
    assert!(matches!(wrong.finalize("I-5", &FlatTax::NONE), Err(BillingError::Negative(_))));
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
    let inv =
        draft.finalize("INV-9", &FlatTax(TaxTreatment { rate: Decimal::new(7, 2), mode: TaxMode::Exclusive })).unwrap();
    let cn = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("10")) }])
        .unwrap();
    assert_eq!(cn.total, usd("10.70"));
    let again = CreditNote::issue(
        &inv,
        std::slice::from_ref(&cn),
        "CN-2",
        &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("0.01")) }],
    );
    assert!(matches!(again, Err(BillingError::CreditExceedsInvoiced { .. })));
    let unknown = CreditNote::issue(&inv, &[], "CN-3", &[CreditRequest { line: 5, amount: CreditAmount::Remaining }]);
    assert!(matches!(unknown, Err(BillingError::UnknownLine { .. })));
}

#[test]
fn payments_overpayments_refunds_and_fx() {
    let r = |n: &str, due| Receivable {
        invoice: n.into(),
        customer: "c".into(),
        issue_date: due,
        due_date: due,
        total: usd("100"),
        paid: usd("0"),
        credited: usd("0"),
        last_paid_on: None,
    };
    let mut ar = vec![r("A", d(2026, 1, 1)), r("B", d(2026, 2, 1))];
    let pay = Payment { id: "p".into(), customer: "c".into(), date: d(2026, 2, 5), amount: usd("250") };
    let app = apply_payment(&pay, &mut ar, &ApplicationRule::OldestFirst).unwrap();
    assert_eq!(app.unapplied, usd("50"));
    let mut balance = CustomerBalance::new("c", Currency::USD);
    balance.deposit(app.unapplied).unwrap();
    assert!(matches!(balance.refund(usd("60")), Err(BillingError::RefundExceedsBalance { .. })));
    balance.refund(usd("20")).unwrap();
    let mut next = r("C", d(2026, 3, 1));
    assert_eq!(balance.apply_to(&mut next, d(2026, 3, 1)).unwrap(), usd("30"));
    assert_eq!(next.open().unwrap(), usd("70"));

    let mut ar2 = vec![r("A", d(2026, 1, 1))];
    let explicit = ApplicationRule::Explicit(vec![("A".into(), usd("120"))]);
    let p2 = Payment { amount: usd("150"), ..pay.clone() };
    assert!(matches!(apply_payment(&p2, &mut ar2, &explicit), Err(BillingError::OverApplication { .. })));
    let missing = ApplicationRule::Explicit(vec![("Z".into(), usd("1"))]);
    assert!(matches!(apply_payment(&p2, &mut ar2, &missing), Err(BillingError::UnknownInvoice(_))));

    // EUR invoice at 1.10, paid when EUR is 1.08: a realised loss of 2.00 USD on 100 EUR.
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), Decimal::new(110, 2)).unwrap();
    rates.insert(Currency::EUR, Currency::USD, d(2026, 2, 1), Decimal::new(108, 2)).unwrap();
    let fx = realised_fx(money("100", Currency::EUR), d(2026, 1, 1), d(2026, 2, 1), Currency::USD, &rates).unwrap();
    assert_eq!((fx.booked, fx.settled, fx.gain), (usd("110"), usd("108"), usd("-2")));
}

#[test]
fn dunning_dso_on_time_and_cycle_time() {
    let r = |due, paid: &str, paid_on: Option<NaiveDate>| Receivable {
        invoice: format!("I-{due}"),
        customer: "c".into(),
        issue_date: due,
        due_date: due,
        total: usd("100"),
        paid: usd(paid),
        credited: usd("0"),
        last_paid_on: paid_on,
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
    let r = |issued, due| Receivable {
        invoice: "i".into(),
        customer: "c".into(),
        issue_date: issued,
        due_date: due,
        total: usd("100"),
        paid: usd("0"),
        credited: usd("0"),
        last_paid_on: None,
    };
    let book = [r(d(2026, 8, 1), d(2026, 8, 31)), r(d(2026, 10, 31), d(2026, 11, 30))];
    let aged = age_receivables(&book, d(2026, 9, 1)).unwrap();
    assert_eq!(aged[0].total, usd("100"));
    assert_eq!(aged[0].bucket(AgingBucket::Days1To30), usd("100"));
}

fn receivable_strategy() -> impl Strategy<Value = Receivable> {
    (0i64..1_000_000, 0i64..100, 0i64..100, 0i64..400, 0usize..3).prop_map(
        |(total, paid_pct, credit_pct, due_offset, cust)| {
            let total_m = Money::from_minor_units(total, Currency::USD).unwrap();
            let paid = Money::from_minor_units(total * paid_pct / 200, Currency::USD).unwrap();
            let credited = Money::from_minor_units(total * credit_pct / 200, Currency::USD).unwrap();
            Receivable {
                invoice: format!("I{total}-{due_offset}"),
                customer: format!("c{cust}"),
                issue_date: d(2026, 1, 1),
                due_date: d(2026, 1, 1) + chrono::Duration::days(due_offset),
                total: total_m,
                paid,
                credited,
                last_paid_on: None,
            }
        },
    )
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
        let inv = draft.finalize("I", &FlatTax(TaxTreatment { rate: Decimal::new(rate, 2), mode })).unwrap();
        prop_assert_eq!(inv.total, inv.subtotal.checked_add(inv.tax).unwrap());
        prop_assert_eq!(inv.total, Money::sum(c, inv.lines.iter().map(|l| l.gross)).unwrap());
        for l in &inv.lines {
            prop_assert!(l.net.is_rounded() && l.tax_amount.is_rounded());
            prop_assert_eq!(l.gross, l.net.checked_add(l.tax_amount).unwrap());
        }
    }

    #[test]
    fn partial_credits_never_exceed_and_sum_to_the_full_credit(
        price in 1i64..100_000_000, rate in 0i64..30, shares in prop::collection::vec(1i128..5, 1..6),
    ) {
        let draft = InvoiceDraft {
            customer: "c".into(), contract_id: "k".into(), currency: Currency::USD, issue_date: d(2026, 1, 1), due_date: d(2026, 1, 1),
            lines: vec![LineDraft { description: "l".into(), quantity: Decimal::ONE, unit_price: Money::from_minor_units(price, Currency::USD).unwrap(), service: None }],
        };
        let inv = draft.finalize("I", &FlatTax(TaxTreatment { rate: Decimal::new(rate, 2), mode: TaxMode::Exclusive })).unwrap();
        let mut notes: Vec<CreditNote> = Vec::new();
        for (i, s) in shares.iter().enumerate() {
            let req = CreditRequest { line: 0, amount: CreditAmount::Share(Ratio::new(1, s + 4).unwrap()) };
            if let Ok(n) = CreditNote::issue(&inv, &notes, format!("CN{i}"), &[req]) { notes.push(n); }
            let credited = CreditNote::total_for(&inv, &notes).unwrap();
            prop_assert!(credited.amount() <= inv.total.amount());
        }
        notes.push(CreditNote::issue(&inv, &notes, "last", &[CreditRequest { line: 0, amount: CreditAmount::Remaining }]).unwrap());
        prop_assert_eq!(CreditNote::total_for(&inv, &notes).unwrap(), inv.total);
    }

    #[test]
    fn applied_plus_unapplied_equals_received(mut book in prop::collection::vec(receivable_strategy(), 0..30), amount in 0i64..5_000_000) {
        let before: Money = Money::sum(Currency::USD, book.iter().map(|r| r.open().unwrap())).unwrap();
        let pay = Payment { id: "p".into(), customer: "c1".into(), date: d(2026, 6, 1), amount: Money::from_minor_units(amount, Currency::USD).unwrap() };
        let app = apply_payment(&pay, &mut book, &ApplicationRule::OldestFirst).unwrap();
        let applied = Money::sum(Currency::USD, app.applied.iter().map(|(_, m)| *m)).unwrap();
        prop_assert_eq!(applied.checked_add(app.unapplied).unwrap(), pay.amount);
        let after: Money = Money::sum(Currency::USD, book.iter().map(|r| r.open().unwrap())).unwrap();
        prop_assert_eq!(before.checked_sub(after).unwrap(), applied);
        prop_assert!(book.iter().all(|r| !r.open().unwrap().is_negative()));
    }

    #[test]
    fn aging_buckets_sum_to_open_receivables(book in prop::collection::vec(receivable_strategy(), 0..50), as_of in 0i64..500) {
        let as_of = d(2026, 1, 1) + chrono::Duration::days(as_of);
        let open = Money::sum(Currency::USD, book.iter().map(|r| r.open().unwrap())).unwrap();
        let reports = age_receivables(&book, as_of).unwrap();
        let total = reports.first().map(|r| r.total).unwrap_or(Money::zero(Currency::USD));
        prop_assert_eq!(total, open);
        if let Some(r) = reports.first() {
            prop_assert_eq!(Money::sum(Currency::USD, r.buckets.iter().copied()).unwrap(), r.total);
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
