use chrono::NaiveDate;

use super::error::{same_currency, Context, Field};
use super::{BillingError, CreditNote, CreditNoteApplication, Invoice, Payment, PaymentApplication, RefundRecord};
use crate::calendar::Period;
use crate::ledger::{Account, JournalEntry, JournalLine};
use crate::money::Money;
use crate::revrec::{Billing, ContractPosition, ContractSchedule};

/// Cash received against a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CashReceipt {
    /// When.
    pub date: NaiveDate,
    /// How much.
    pub amount: Money,
}

/// Billings, revenue and cash for one contract over a period, with the balances that explain
/// their differences:
///
/// - `billed − recognised = Δ deferred revenue − Δ unbilled receivable`
/// - `billed + tax billed − collected = Δ accounts receivable`
///
/// `billed` is net of tax (revenue is earned net of tax); the receivable and the cash include
/// the tax invoiced, which is collected for the tax authority. Made by [`reconcile_invoices`]
/// from invoices, or by [`reconcile`] from billings that carry no tax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Reconciliation {
    /// The contract.
    pub contract_id: String,
    /// The period.
    pub period: Period,
    /// Billed in the period, net of tax.
    pub billed: Money,
    /// Tax invoiced in the period: in the receivable and the cash, never revenue (zero from
    /// [`reconcile`]).
    pub tax_billed: Money,
    /// Revenue recognised in the period.
    pub recognised: Money,
    /// Cash collected in the period, tax included.
    pub collected: Money,
    /// Contract position at the start (deferred revenue or unbilled receivable).
    pub opening: ContractPosition,
    /// Contract position at the end.
    pub closing: ContractPosition,
    /// Receivables at the start: billed, tax included, minus collected before the period.
    pub opening_receivable: Money,
    /// Receivables at the end: billed, tax included, minus collected by its end.
    pub closing_receivable: Money,
}

impl Reconciliation {
    /// True when both identities hold to the cent.
    ///
    /// # Errors
    /// A difference beyond `Decimal`'s range (or in mixed currencies), naming the contract.
    pub fn ties(&self) -> Result<bool, BillingError> {
        let id = format!("contract {}", self.contract_id);
        let revenue_side = self.billed.checked_sub(self.recognised).context("billed − recognised", &id)?;
        let position_move = self.closing.net.checked_sub(self.opening.net).context("position change", &id)?;
        let invoiced = self.billed.checked_add(self.tax_billed).context("billed + tax billed", &id)?;
        let cash_side = invoiced.checked_sub(self.collected).context("billed + tax − collected", &id)?;
        let ar_move = self.closing_receivable.checked_sub(self.opening_receivable).context("receivable change", &id)?;
        Ok(revenue_side == position_move && cash_side == ar_move)
    }
}

/// Reconcile billings that carry no tax, recognised revenue (from the contract's revenue
/// schedule) and cash for `period`, which must start and end on the schedule's period
/// boundaries.
///
/// A [`Billing`] is net of tax, and the receivable here is billings minus cash, so the cash
/// must be on the same basis: untaxed invoices, or receipts net of tax. For invoices with tax
/// use [`reconcile_invoices`], which counts their tax in the receivable (cash received in full
/// on a taxed invoice would otherwise leave a negative receivable of the tax).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{reconcile, CashReceipt};
/// use revops::calendar::{Month, Period};
/// use revops::revrec::{Billing, Contract, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let term = Period::new(d(1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
/// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("1200")), pattern: SatisfactionPattern::RatablyByMonth(term) };
/// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("1200")) };
/// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 12)?).map(Month::period).collect();
/// let schedule = ContractSchedule::build(&c, &months)?;
/// let billed = [Billing { date: d(1), amount: usd("1200") }];
/// let r = reconcile(&schedule, &billed, &[CashReceipt { date: d(2), amount: usd("1200") }], Period::new(d(1), d(4))?)?;
/// assert_eq!((r.billed, r.recognised, r.closing.liability()), (usd("1200"), usd("300"), usd("900")));
/// assert!(r.ties()?);
/// assert!(r.tax_billed.is_zero());
/// assert!(reconcile(&schedule, &billed, &[], Period::new(d(1), NaiveDate::from_ymd_opt(2026, 3, 15).unwrap())?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A period that does not line up with the schedule's periods; a receipt in another currency;
/// whatever the schedule's rollforward refuses; sums beyond `Decimal`'s range.
pub fn reconcile(
    schedule: &ContractSchedule,
    billings: &[Billing],
    receipts: &[CashReceipt],
    period: Period,
) -> Result<Reconciliation, BillingError> {
    reconcile_with_tax(schedule, billings, &[], receipts, period)
}

/// Reconcile a contract's invoices, its recognised revenue (from its revenue schedule) and the
/// cash received, tax included, for `period`, which must start and end on the schedule's period
/// boundaries.
///
/// Each invoice bills its net ([`Invoice::subtotal`]) against revenue on its issue date, and
/// its total, tax included ([`Invoice::total`]), into the receivable, so after an invoice is
/// paid in full the receivable is zero, as on the [`ArLedger`](super::ArLedger), whether tax
/// is added (exclusive) or included. Every invoice given is counted, so each must bill the
/// schedule's contract and appear once.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{reconcile_invoices, BillingItem, CashReceipt, FlatTax, InvoiceDraft, TaxMode};
/// use revops::calendar::{Month, Period};
/// use revops::money::Ratio;
/// use revops::revrec::{Contract, ContractSchedule, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let term = Period::new(d(1), d(4))?;
/// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("300")), pattern: SatisfactionPattern::RatablyByMonth(term) };
/// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("300")) };
/// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 3)?).map(Month::period).collect();
/// let schedule = ContractSchedule::build(&c, &months)?;
/// let item = BillingItem { service: term, invoice_date: d(1), due_date: d(2), proration: Ratio::ONE, amount: usd("300") };
/// let tax = FlatTax::new("10%".parse()?, TaxMode::Exclusive)?;
/// let invoice = InvoiceDraft::for_item("k", "C", "plan", &item).finalize("INV-1", &tax)?;
/// let paid = [CashReceipt { date: d(2), amount: usd("330") }]; // the invoice's total
/// let r = reconcile_invoices(&schedule, &[invoice], &paid, term)?;
/// assert_eq!((r.billed, r.tax_billed, r.recognised), (usd("300"), usd("30"), usd("300")));
/// assert!(r.closing_receivable.is_zero() && r.ties()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`BillingError::NotTheContractsInvoice`] for an invoice of another contract and
/// [`BillingError::InvoiceGivenTwice`] for an invoice number given twice; otherwise as
/// [`reconcile`], for the invoices' nets as billings.
pub fn reconcile_invoices(
    schedule: &ContractSchedule,
    invoices: &[Invoice],
    receipts: &[CashReceipt],
    period: Period,
) -> Result<Reconciliation, BillingError> {
    let mut seen = std::collections::BTreeSet::new();
    for invoice in invoices {
        if invoice.contract_id() != schedule.contract_id() {
            return Err(BillingError::NotTheContractsInvoice {
                contract: schedule.contract_id().to_string(),
                invoice: invoice.number().to_string(),
                invoice_contract: invoice.contract_id().to_string(),
            });
        }
        if !seen.insert(invoice.number()) {
            return Err(BillingError::InvoiceGivenTwice { invoice: invoice.number().to_string() });
        }
    }
    let billings: Vec<Billing> =
        invoices.iter().map(|i| Billing { date: i.issue_date(), amount: i.subtotal() }).collect();
    let tax: Vec<Billing> = invoices.iter().map(|i| Billing { date: i.issue_date(), amount: i.tax() }).collect();
    reconcile_with_tax(schedule, &billings, &tax, receipts, period)
}

/// [`reconcile`] with `tax` (dated, in the contract's currency) added to the receivable.
fn reconcile_with_tax(
    schedule: &ContractSchedule,
    billings: &[Billing],
    tax: &[Billing],
    receipts: &[CashReceipt],
    period: Period,
) -> Result<Reconciliation, BillingError> {
    let rf = schedule.rollforward(billings)?;
    let rows: Vec<_> = rf.rows.iter().filter(|r| period.covers(&r.period)).collect();
    let (first, last) = match (rows.first(), rows.last()) {
        (Some(f), Some(l)) if f.period.start() == period.start() && l.period.end() == period.end() => (f, l),
        _ => return Err(BillingError::PeriodNotAligned { contract: schedule.contract_id().to_string(), period }),
    };
    let c = schedule.currency();
    let id = format!("contract {}", schedule.contract_id());
    for r in receipts {
        same_currency(Field::CashReceipt, &id, c, &r.amount)?;
    }
    let sum_billed =
        |keep: &dyn Fn(NaiveDate) -> bool| Money::sum(c, billings.iter().filter(|b| keep(b.date)).map(|b| b.amount));
    let sum_cash =
        |keep: &dyn Fn(NaiveDate) -> bool| Money::sum(c, receipts.iter().filter(|r| keep(r.date)).map(|r| r.amount));
    let sum_tax =
        |keep: &dyn Fn(NaiveDate) -> bool| Money::sum(c, tax.iter().filter(|t| keep(t.date)).map(|t| t.amount));
    let receivable = |keep: &dyn Fn(NaiveDate) -> bool| -> Result<Money, BillingError> {
        let billed = sum_billed(keep).context("billed", &id)?;
        let invoiced = billed.checked_add(sum_tax(keep).context("tax billed", &id)?).context("billed + tax", &id)?;
        invoiced.checked_sub(sum_cash(keep).context("collected", &id)?).context("receivable", &id)
    };
    let before = |d: NaiveDate| d < period.start();
    let by_end = |d: NaiveDate| d < period.end();
    Ok(Reconciliation {
        contract_id: schedule.contract_id().to_string(),
        period,
        billed: Money::sum(c, rows.iter().map(|r| r.billed)).context("billed", &id)?,
        tax_billed: sum_tax(&|d| period.contains(d)).context("tax billed", &id)?,
        recognised: Money::sum(c, rows.iter().map(|r| r.recognised)).context("recognised", &id)?,
        collected: sum_cash(&|d| period.contains(d)).context("collected", &id)?,
        opening: first.opening,
        closing: last.closing,
        opening_receivable: receivable(&before)?,
        closing_receivable: receivable(&by_end)?,
    })
}

/// The journal entry for an invoice's tax, dated its issue date: debit accounts receivable and
/// credit tax payable by [`Invoice::tax`]; `None` when the invoice has no tax.
///
/// [`ContractSchedule::journal_entries`] posts each billing net of tax (the invoice's subtotal)
/// to accounts receivable; this entry adds the tax, so the ledger's receivable for the invoice
/// is its total, as on the [`ArLedger`](super::ArLedger). Post it once per invoice.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{tax_journal_entry, BillingItem, FlatTax, InvoiceDraft, TaxMode};
/// use revops::calendar::Period;
/// use revops::ledger::Account;
/// use revops::money::Ratio;
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let item = BillingItem { service: Period::new(d(1), d(4))?, invoice_date: d(1), due_date: d(2), proration: Ratio::ONE, amount: usd("300") };
/// let draft = InvoiceDraft::for_item("k", "C", "plan", &item);
/// let taxed = draft.clone().finalize("INV-1", &FlatTax::new("10%".parse()?, TaxMode::Exclusive)?)?;
/// let entry = tax_journal_entry(&taxed)?.expect("a taxed invoice");
/// assert_eq!((entry.net(Account::AccountsReceivable)?, entry.net(Account::TaxPayable)?), (usd("30"), usd("-30")));
/// assert!(tax_journal_entry(&draft.finalize("INV-2", &FlatTax::NONE)?)?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// None in practice (an invoice's tax is in its own currency); a refused entry as
/// [`BillingError::Ledger`].
///
/// [`ContractSchedule::journal_entries`]: crate::revrec::ContractSchedule::journal_entries
pub fn tax_journal_entry(invoice: &Invoice) -> Result<Option<JournalEntry>, BillingError> {
    let tax = invoice.tax();
    if tax.is_zero() {
        return Ok(None);
    }
    let lines = vec![
        JournalLine { account: Account::AccountsReceivable, amount: tax },
        JournalLine { account: Account::TaxPayable, amount: -tax },
    ];
    Ok(Some(JournalEntry::new(invoice.issue_date(), invoice.number(), "tax invoiced", lines)?))
}

/// The journal entry for a payment as the [`ArLedger`](super::ArLedger) applied it, dated the
/// payment's date: debit cash by the payment, credit accounts receivable by what was applied to
/// invoices and customer credit by what was left over.
///
/// With the billings posted by [`ContractSchedule::journal_entries`] and each invoice's
/// [`tax_journal_entry`], the ledger's accounts receivable is then the ledger's open
/// receivables and its customer credit the customer's credit balance. Post it once per payment
/// id (re-applying a payment to the `ArLedger` returns the same application).
///
/// # Errors
/// An application an `ArLedger` would not make, as a ledger read from JSON refuses it: one of
/// another payment, one that does not add up to the payment, or an applied amount that is not
/// positive ([`BillingError::InconsistentRecord`]); a negative rest ([`BillingError::Negative`]);
/// an amount in another currency ([`BillingError::CurrencyMismatch`]) or below its minor unit
/// ([`BillingError::NotRounded`]); a sum beyond `Decimal`'s range.
///
/// [`ContractSchedule::journal_entries`]: crate::revrec::ContractSchedule::journal_entries
pub fn payment_journal_entry(
    payment: &Payment,
    application: &PaymentApplication,
) -> Result<JournalEntry, BillingError> {
    let applied = application.check(payment)?;
    let lines = vec![
        JournalLine { account: Account::Cash, amount: payment.amount() },
        JournalLine { account: Account::AccountsReceivable, amount: -applied },
        JournalLine { account: Account::CustomerCredit, amount: -application.unapplied },
    ];
    Ok(JournalEntry::new(payment.date(), payment.id(), "payment received", lines)?)
}

/// The journal entry for a credit note as the [`ArLedger`](super::ArLedger) applied it, dated
/// `on`, the date the ledger applied it ([`CreditNoteApplication::on`]; an application from a
/// ledger written before notes were dated has none, so give the note's issue date): debit `reverses` by the
/// note's net and tax payable by the tax it reverses, credit accounts receivable by what came
/// off the invoice ([`CreditNoteApplication::on_invoice`]) and customer credit by what was
/// credited beyond what was open ([`CreditNoteApplication::to_credit`]).
///
/// `reverses` is what the credited billing went to: [`Account::DeferredRevenue`] while the
/// credited service is not yet recognised (the billing posted by
/// [`ContractSchedule::journal_entries`] credited it there), [`Account::Revenue`] once it is.
/// With the billings, each invoice's [`tax_journal_entry`], each [`payment_journal_entry`] and
/// each [`refund_journal_entry`], the ledger's accounts receivable is the `ArLedger`'s open
/// receivables and its customer credit the customers' credit balances. Post it once per note
/// (applying a note to the `ArLedger` again returns the same application), and do not also give
/// the note to [`ContractSchedule::journal_entries`] as a negative billing: this entry already
/// takes it off accounts receivable.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{credit_note_journal_entry, ApplicationRule, ArLedger, CreditAmount, CreditNote, CreditRequest, FlatTax, InvoiceDraft, LineDraft, Payment, TaxMode};
/// use revops::ledger::Account;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let line = LineDraft { description: "plan".into(), quantity: Decimal::ONE, unit_price: usd("100"), service: None };
/// let draft = InvoiceDraft { customer: "acme".into(), contract_id: "K".into(), currency: Currency::USD, issue_date: day, due_date: day, lines: vec![line] };
/// let inv = draft.finalize("INV-1", &FlatTax::new("10%".parse()?, TaxMode::Exclusive)?)?; // $110
/// let mut ar = ArLedger::new();
/// ar.add_invoice(&inv)?;
/// ar.apply_payment(&Payment::new("py_1", "acme", day, usd("80"))?, &ApplicationRule::OldestFirst)?;
/// // $40 net + $4 tax credited: $30 was open, the other $14 is owed to acme
/// let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("40")) }])?;
/// let applied = ar.apply_credit_note(&note, day)?;
/// let entry = credit_note_journal_entry(&note, &applied, day, Account::Revenue)?;
/// assert_eq!((entry.net(Account::Revenue)?, entry.net(Account::TaxPayable)?), (usd("40"), usd("4")));
/// assert_eq!((entry.net(Account::AccountsReceivable)?, entry.net(Account::CustomerCredit)?), (usd("-30"), usd("-14")));
/// assert!(credit_note_journal_entry(&note, &applied, day, Account::Cash).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`BillingError::NotARevenueAccount`] when `reverses` is neither [`Account::Revenue`] nor
/// [`Account::DeferredRevenue`]; [`BillingError::NotTheNotesApplication`] for an application of
/// another note or invoice, or whose `on_invoice + to_credit` is not the note's total (or has
/// a negative part, another currency or an amount finer than the minor unit, as the
/// [`ArLedger`](super::ArLedger) never makes), or that was applied on another date than `on`; a
/// sum beyond `Decimal`'s range.
///
/// [`ContractSchedule::journal_entries`]: crate::revrec::ContractSchedule::journal_entries
pub fn credit_note_journal_entry(
    note: &CreditNote,
    application: &CreditNoteApplication,
    on: NaiveDate,
    reverses: Account,
) -> Result<JournalEntry, BillingError> {
    let number = note.number().to_string();
    if !matches!(reverses, Account::Revenue | Account::DeferredRevenue) {
        return Err(BillingError::NotARevenueAccount { note: number, account: reverses });
    }
    let mismatch = |reason| BillingError::NotTheNotesApplication { note: number.clone(), reason };
    if application.note != note.number() || application.invoice != note.invoice() {
        return Err(mismatch("it names another credit note or invoice"));
    }
    if application.on.is_some_and(|d| d != on) {
        return Err(mismatch("it was applied on another date than the entry's"));
    }
    let c = note.currency();
    let (on_invoice, to_credit) = (application.on_invoice, application.to_credit);
    if [on_invoice, to_credit].iter().any(|m| m.currency() != c || m.is_negative() || !m.is_rounded()) {
        return Err(mismatch("an amount is negative, in another currency or finer than its minor unit"));
    }
    let id = format!("credit note {number}");
    if on_invoice.checked_add(to_credit).context("amount credited", &id)? != note.total() {
        return Err(mismatch("what it credited on the invoice and to the customer is not the note's total"));
    }
    let net = Money::sum(c, note.lines().iter().map(|l| l.net)).context("net credited", &id)?;
    let tax = Money::sum(c, note.lines().iter().map(|l| l.tax)).context("tax reversed", &id)?;
    let lines = vec![
        JournalLine { account: reverses, amount: net },
        JournalLine { account: Account::TaxPayable, amount: tax },
        JournalLine { account: Account::AccountsReceivable, amount: -on_invoice },
        JournalLine { account: Account::CustomerCredit, amount: -to_credit },
    ];
    Ok(JournalEntry::new(on, note.number(), "credit note", lines)?)
}

/// The journal entry for a refund the [`ArLedger`](super::ArLedger) made
/// ([`ArLedger::refund`](super::ArLedger::refund), which refunds out of the customer's credit
/// balance), dated the refund's date: debit customer credit and credit cash by its amount.
/// Post it once per refund id (a retried refund changes nothing).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{refund_journal_entry, ApplicationRule, ArLedger, Payment};
/// use revops::ledger::Account;
/// use revops::{Currency, Money};
/// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let mut ar = ArLedger::new();
/// ar.apply_payment(&Payment::new("py_1", "acme", day, usd("50"))?, &ApplicationRule::OldestFirst)?; // all credit
/// ar.refund("re_1", "acme", usd("20"), day)?;
/// let entry = refund_journal_entry(ar.refund_record("re_1").unwrap())?;
/// assert_eq!((entry.net(Account::CustomerCredit)?, entry.net(Account::Cash)?), (usd("20"), usd("-20")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`BillingError::Ledger`] for a refund of zero (a journal entry moves something).
pub fn refund_journal_entry(refund: &RefundRecord) -> Result<JournalEntry, BillingError> {
    let lines = vec![
        JournalLine { account: Account::CustomerCredit, amount: refund.amount() },
        JournalLine { account: Account::Cash, amount: -refund.amount() },
    ];
    Ok(JournalEntry::new(refund.date(), refund.id(), "refund", lines)?)
}
