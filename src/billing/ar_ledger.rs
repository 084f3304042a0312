//! Accounts receivable as one value: receivables, customer credit balances and a log of applied
//! payments and credit notes, changed only all-or-nothing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::error::{not_negative, rounded, same_currency, Context, Field};
use super::{
    ApplicationRule, BillingError, CreditNote, CreditNoteApplication, CustomerBalance, Invoice, Payment,
    PaymentApplication, Receivable,
};
use crate::money::{Currency, Money};

/// Accounts receivable: open invoices, customer credit balances, and every payment and credit
/// note applied to them, by id.
///
/// Three promises:
///
/// - **All or nothing.** Every operation first works out the result on copies of the receivables
///   and balances it touches, checking every amount; only when everything has passed does it
///   write them back. An `Err` leaves the ledger exactly as it was.
/// - **Idempotent by id.** A payment id, credit note number, refund id or credit-use id is
///   applied once. Delivering the same payment again (a webhook retry) returns the first
///   application and changes nothing, and so does the same credit note, refund or use of credit
///   again; the same id with different content is [`BillingError::PaymentConflict`] for a
///   payment, [`BillingError::CreditNoteConflict`] for a credit note,
///   [`BillingError::RefundConflict`] for a refund and [`BillingError::CreditUseConflict`] for a
///   use of credit.
/// - **Nothing lost.** What a payment does not apply to invoices goes to the customer's credit
///   balance in the payment's currency, so `Σ applied + unapplied = amount` is visible in the
///   balances, and [`ArLedger::reverse_payment`] takes back exactly what the payment did. What
///   a credit note credits beyond what is open on its invoice (a note on a paid invoice) goes
///   to the customer's credit balance too, to be used or refunded.
///
/// Loading from JSON checks that every amount is in whole minor units of its currency and that
/// the parts agree, as these operations keep them: each
/// receivable's `paid` is what it was added with plus what live (not reversed) payments
/// applied to it and credit used on it, each settlement is dated as its payment, what it was
/// added with as credited plus its credit notes is at most its total and is `credited` plus what
/// the notes credited beyond what was open (see [`ArLedger::apply_credit_note`]), each note's
/// recorded application adds up to its total and, per invoice, to that over-credit (a ledger
/// written before applications were kept gets a split that fits: the over-credit goes to its
/// notes from the highest number down, each up to its total; the balances are right either
/// way, only that older notes' split is inferred), and each
/// customer's credit balance is what its payments left unapplied plus those over-credits, less
/// the credit used and the refunds. A ledger serialised by this crate always loads.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{ApplicationRule, ArLedger, BillingError, Payment, Receivable};
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let mut ar = ArLedger::new();
/// ar.add_receivable(Receivable::new("INV-1", "acme", d(1), d(1), usd("100"))?)?;
/// ar.add_receivable(Receivable::new("INV-2", "acme", d(2), d(2), usd("100"))?)?;
///
/// let pay = Payment::new("py_1", "acme", d(3), usd("150"))?;
/// let app = ar.apply_payment(&pay, &ApplicationRule::OldestFirst)?;
/// assert_eq!(app.applied, [("INV-1".to_string(), usd("100")), ("INV-2".to_string(), usd("50"))]);
/// // the webhook fires again: nothing changes
/// assert_eq!(ar.apply_payment(&pay, &ApplicationRule::OldestFirst)?, app);
/// assert_eq!(ar.receivable("INV-2").map(|r| r.open()), Some(usd("50")));
///
/// // remittance naming an invoice acme does not have: refused, and nothing was applied
/// let rule = ApplicationRule::Explicit(vec![("INV-2".into(), usd("50")), ("INV-9".into(), usd("10"))]);
/// let err = ar.apply_payment(&Payment::new("py_2", "acme", d(3), usd("60"))?, &rule);
/// assert!(matches!(err, Err(BillingError::NotTheCustomersInvoice { .. })));
/// assert_eq!(ar.receivable("INV-2").map(|r| r.open()), Some(usd("50")));
///
/// // a chargeback: every balance goes back to where it was
/// ar.reverse_payment("py_1")?;
/// assert_eq!(ar.receivable("INV-1").map(|r| r.open()), Some(usd("100")));
/// # Ok::<(), BillingError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ArLedgerRepr"))]
pub struct ArLedger {
    /// By invoice number.
    receivables: BTreeMap<String, Entry>,
    /// By customer and currency; only positive balances are kept.
    balances: BTreeMap<(String, Currency), CustomerBalance>,
    /// By payment id, reversed ones included (so a redelivery cannot apply them again).
    payments: BTreeMap<String, PaymentRecord>,
    /// By credit note number.
    credit_notes: BTreeMap<String, CreditNote>,
    /// How each credit note was applied, by its number.
    credit_note_applications: BTreeMap<String, CreditNoteApplication>,
    /// By refund id.
    refunds: BTreeMap<String, RefundRecord>,
}

/// A receivable with what it was added with and what settled it since, so a reversal can
/// restore `last_paid_on` exactly and a ledger loaded from JSON can be checked to add up:
/// `paid = opening.paid + Σ settlements`, `credited = opening.credited + Σ its credit notes`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
struct Entry {
    receivable: Receivable,
    /// Paid, credited and last paid as the receivable was added (an import may be settled).
    opening: Opening,
    /// One per payment that paid it (`Some(id)`, dated as the payment) and per use of credit
    /// (`None`, with the use's id). `receivable.last_paid_on` is the latest of these dates and the opening one.
    settlements: Vec<Settlement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
struct Opening {
    paid: Money,
    credited: Money,
    last_paid_on: Option<NaiveDate>,
    /// Absent in ledgers written before credit notes were dated.
    #[cfg_attr(feature = "serde", serde(default))]
    last_credited_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
struct Settlement {
    payment: Option<String>,
    date: NaiveDate,
    /// What it paid on the invoice (positive).
    amount: Money,
    /// The caller's id of a use of credit (`payment` is then `None`); absent in ledgers written
    /// before uses of credit had ids.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Option::is_none"))]
    credit_use: Option<String>,
}

impl Entry {
    fn new(receivable: Receivable) -> Entry {
        let opening = Opening {
            paid: receivable.paid(),
            credited: receivable.credited(),
            last_paid_on: receivable.last_paid_on(),
            last_credited_on: receivable.last_credited_on(),
        };
        Entry { receivable, opening, settlements: Vec::new() }
    }

    fn last_settled(&self) -> Option<NaiveDate> {
        self.settlements.iter().map(|s| s.date).max().max(self.opening.last_paid_on)
    }
}

/// A payment as the ledger applied it: the payment, the rule it was applied by, the result, and
/// whether it has since been reversed. `Σ applied + unapplied = amount`, every amount in the
/// payment's currency (checked on the way in from JSON too).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PaymentRecordRepr"))]
pub struct PaymentRecord {
    payment: Payment,
    rule: ApplicationRule,
    application: PaymentApplication,
    reversed: bool,
}

deserialize_via!(
    PaymentRecord,
    PaymentRecordRepr { payment: Payment, rule: ApplicationRule, application: PaymentApplication, reversed: bool },
    BillingError,
    |r| PaymentRecord::checked(r.payment, r.rule, r.application, r.reversed)
);

impl PaymentRecord {
    #[cfg_attr(not(feature = "serde"), allow(dead_code))] // (used when loading from JSON)
    fn checked(
        payment: Payment,
        rule: ApplicationRule,
        application: PaymentApplication,
        reversed: bool,
    ) -> Result<PaymentRecord, BillingError> {
        application.check(&payment)?;
        Ok(PaymentRecord { payment, rule, application, reversed })
    }

    /// The payment.
    pub fn payment(&self) -> &Payment {
        &self.payment
    }

    /// The rule it was applied by.
    pub fn rule(&self) -> &ApplicationRule {
        &self.rule
    }

    /// How it was applied.
    pub fn application(&self) -> &PaymentApplication {
        &self.application
    }

    /// True once [`ArLedger::reverse_payment`] has taken it back.
    pub fn is_reversed(&self) -> bool {
        self.reversed
    }
}

/// A refund out of a customer's credit balance, as [`ArLedger::refund`] made it: its id (the
/// caller's), the customer, the amount (zero or more; its currency is the balance's) and the
/// date. Checked on the way in from JSON too.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RefundRecordRepr"))]
pub struct RefundRecord {
    id: String,
    customer: String,
    amount: Money,
    date: NaiveDate,
}

deserialize_via!(
    RefundRecord,
    RefundRecordRepr { id: String, customer: String, amount: Money, date: NaiveDate },
    BillingError,
    |r| RefundRecord::new(r.id, r.customer, r.amount, r.date)
);

impl RefundRecord {
    fn new(id: String, customer: String, amount: Money, date: NaiveDate) -> Result<RefundRecord, BillingError> {
        if id.is_empty() {
            return Err(BillingError::EmptyId { what: "refund id" });
        }
        not_negative(Field::Refund, &format!("refund {id}"), amount)?;
        rounded(Field::Refund, &format!("refund {id}"), amount)?;
        Ok(RefundRecord { id, customer, amount, date })
    }

    /// The caller's refund id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whose credit balance it was paid from.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// How much (zero or more), in the balance's currency.
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// When.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
}

/// Receivables and a credit balance worked out on copies, to be written back in one go.
#[derive(Default)]
struct Changes {
    /// Touched receivables, by invoice number, as they will be.
    receivables: BTreeMap<String, Receivable>,
    /// The customer's balance as it will be, when it changes (`None`: back to zero).
    balance: Option<((String, Currency), Option<CustomerBalance>)>,
    /// What this change pays on each touched receivable, by invoice number.
    settled: BTreeMap<String, Money>,
}

/// What settles the receivables a change pays on: a payment, or a use of credit, by its id.
enum SettledBy {
    Payment(String),
    CreditUse(String),
}

/// A customer's balance set to `credit`: the key, and the balance (none when zero).
fn balance_of(customer: &str, credit: Money) -> Result<((String, Currency), Option<CustomerBalance>), BillingError> {
    let key = (customer.to_string(), credit.currency());
    let balance = if credit.is_zero() { None } else { Some(CustomerBalance::new(customer, credit)?) };
    Ok((key, balance))
}

impl ArLedger {
    /// An empty ledger.
    pub fn new() -> ArLedger {
        ArLedger::default()
    }

    /// Add the receivable for a new invoice. See [`ArLedger::add_receivable`].
    ///
    /// # Errors
    /// As [`ArLedger::add_receivable`].
    pub fn add_invoice(&mut self, invoice: &Invoice) -> Result<(), BillingError> {
        self.add_receivable(Receivable::from_invoice(invoice))
    }

    /// Add a receivable (an import may be partly paid or credited already). Adding an invoice
    /// that is already here with the same customer, dates and total changes nothing (its
    /// payments stand), so an invoice delivered twice is added once.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ArLedger, Receivable};
    /// use revops::{Currency, Money};
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ar = ArLedger::new();
    /// ar.add_receivable(Receivable::new("INV-1", "acme", day, day, usd("100"))?)?;
    /// ar.add_receivable(Receivable::new("INV-1", "acme", day, day, usd("100"))?)?; // again: no change
    /// assert!(ar.add_receivable(Receivable::new("INV-1", "acme", day, day, usd("999"))?).is_err());
    /// assert_eq!(ar.receivables().count(), 1);
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// [`BillingError::DuplicateInvoice`] for an invoice number already here with another
    /// customer, dates or total.
    pub fn add_receivable(&mut self, receivable: Receivable) -> Result<(), BillingError> {
        if let Some(existing) = self.receivables.get(receivable.invoice()) {
            let r = &existing.receivable;
            let same = r.customer() == receivable.customer()
                && r.issue_date() == receivable.issue_date()
                && r.due_date() == receivable.due_date()
                && r.total() == receivable.total()
                && r.currency() == receivable.currency();
            if same {
                return Ok(());
            }
            return Err(BillingError::DuplicateInvoice { invoice: receivable.invoice().to_string() });
        }
        self.receivables.insert(receivable.invoice().to_string(), Entry::new(receivable));
        Ok(())
    }

    /// Every receivable, in invoice-number order.
    pub fn receivables(&self) -> impl Iterator<Item = &Receivable> + '_ {
        self.receivables.values().map(|e| &e.receivable)
    }

    /// The receivables as they stood at the end of `as_of`, in invoice-number order: those
    /// issued by then, with only the payments, uses of credit and credit notes dated on or
    /// before it. This is what [`age_receivables`](super::age_receivables),
    /// [`DunningPolicy::evaluate`](super::DunningPolicy::evaluate) and the executive snapshot
    /// take for a past date, where the receivables as they stand now are refused
    /// ([`BillingError::SettledAfter`]).
    ///
    /// What the ledger has no date for is kept as it is: what a receivable was added with
    /// (an import, with its own `last_paid_on` and `last_credited_on`, so an import settled
    /// after `as_of` is still refused by those readers) and credit notes from a ledger written
    /// before notes were dated. A reversed payment is gone from the history (a reversal carries
    /// no date), so it counts as never paid.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{age_receivables, ApplicationRule, ArLedger, Payment, Receivable};
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ar = ArLedger::new();
    /// ar.add_receivable(Receivable::new("INV-1", "acme", d(1), d(2), usd("100"))?)?;
    /// ar.apply_payment(&Payment::new("py_1", "acme", d(4), usd("100"))?, &ApplicationRule::OldestFirst)?;
    /// // on 1 March the $100 was a month overdue; it was paid on 1 April
    /// assert!(age_receivables(ar.receivables(), d(3)).is_err());
    /// let then = ar.receivables_as_of(d(3))?;
    /// assert_eq!(age_receivables(&then, d(3))?[0].total(), usd("100"));
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// A sum beyond `Decimal`'s range, naming the invoice (the ledger's sums to date never are).
    pub fn receivables_as_of(&self, as_of: NaiveDate) -> Result<Vec<Receivable>, BillingError> {
        let mut credits: BTreeMap<&str, Vec<&CreditNoteApplication>> = BTreeMap::new();
        for a in self.credit_note_applications.values().filter(|a| a.on.is_none_or(|on| on <= as_of)) {
            credits.entry(a.invoice.as_str()).or_default().push(a);
        }
        let mut out = Vec::new();
        for (invoice, e) in self.receivables.iter().filter(|(_, e)| e.receivable.issue_date() <= as_of) {
            let id = format!("invoice {invoice}");
            let mut r = e.receivable.clone();
            let (mut paid, mut last_paid_on) = (e.opening.paid, e.opening.last_paid_on);
            for s in e.settlements.iter().filter(|s| s.date <= as_of) {
                paid = paid.checked_add(s.amount).context("amount paid", &id)?;
                last_paid_on = last_paid_on.max(Some(s.date));
            }
            let (mut credited, mut last_credited_on) = (e.opening.credited, e.opening.last_credited_on);
            for a in credits.get(invoice.as_str()).into_iter().flatten().filter(|a| !a.on_invoice.is_zero()) {
                credited = credited.checked_add(a.on_invoice).context("amount credited", &id)?;
                last_credited_on = last_credited_on.max(a.on);
            }
            r.set_paid(paid, last_paid_on);
            r.set_credited(credited, last_credited_on);
            out.push(r);
        }
        Ok(out)
    }

    /// The receivable for one invoice.
    pub fn receivable(&self, invoice: &str) -> Option<&Receivable> {
        self.receivables.get(invoice).map(|e| &e.receivable)
    }

    /// A customer's credit balance in `currency` (zero when there is none).
    pub fn credit(&self, customer: &str, currency: Currency) -> Money {
        self.balances.get(&(customer.to_string(), currency)).map_or(Money::zero(currency), CustomerBalance::credit)
    }

    /// Every positive credit balance, by customer then currency.
    pub fn balances(&self) -> impl Iterator<Item = &CustomerBalance> + '_ {
        self.balances.values()
    }

    /// The record of a payment id, reversed or not.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ApplicationRule, ArLedger, Payment, Receivable};
    /// use revops::{Currency, Money};
    /// let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ar = ArLedger::new();
    /// ar.add_receivable(Receivable::new("INV-1", "acme", d, d, usd("100"))?)?;
    /// ar.apply_payment(&Payment::new("py_1", "acme", d, usd("100"))?, &ApplicationRule::OldestFirst)?;
    /// ar.reverse_payment("py_1")?;
    /// // a reversed payment stays on record, so a late redelivery of it cannot apply it again
    /// let record = ar.payment("py_1").unwrap();
    /// assert!(record.is_reversed());
    /// assert!(ar.payment("py_2").is_none());
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    pub fn payment(&self, id: &str) -> Option<&PaymentRecord> {
        self.payments.get(id)
    }

    /// Every payment applied, by id.
    pub fn payments(&self) -> impl Iterator<Item = &PaymentRecord> + '_ {
        self.payments.values()
    }

    /// Apply `payment` by `rule`; the rest goes to the customer's credit balance in the
    /// payment's currency. All or nothing, and idempotent by payment id.
    ///
    /// A customer who owes nothing may pay in advance: the whole payment is held as credit.
    ///
    /// # Errors
    /// Nothing is changed on any error.
    /// - [`BillingError::NoOpenReceivableInCurrency`]: the customer has open receivables, but
    ///   none in the payment's currency (`OldestFirst`).
    /// - [`BillingError::NotTheCustomersInvoice`], [`BillingError::CurrencyMismatch`],
    ///   [`BillingError::Negative`], [`BillingError::NotRounded`] (an amount finer than the
    ///   currency's minor unit), [`BillingError::OverApplication`] (more than is open on the
    ///   invoice), [`BillingError::ExceedsPayment`] (remittance lines above the payment): one of
    ///   the `Explicit` lines cannot be applied.
    /// - [`BillingError::PaymentConflict`]: the id was applied before with other content;
    ///   [`BillingError::PaymentReversed`]: it was applied and reversed.
    /// - [`BillingError::Arithmetic`]: a balance beyond `Decimal`'s range.
    pub fn apply_payment(
        &mut self,
        payment: &Payment,
        rule: &ApplicationRule,
    ) -> Result<PaymentApplication, BillingError> {
        if let Some(done) = self.payments.get(payment.id()) {
            return redelivered(done, payment, rule);
        }
        let (changes, application) = match rule {
            ApplicationRule::OldestFirst => self.plan_oldest_first(payment)?,
            ApplicationRule::Explicit(lines) => self.plan_explicit(payment, lines)?,
        };
        // nothing below can fail
        self.commit(changes, Some((SettledBy::Payment(payment.id().to_string()), payment.date())));
        let record = PaymentRecord {
            payment: payment.clone(),
            rule: rule.clone(),
            application: application.clone(),
            reversed: false,
        };
        self.payments.insert(payment.id().to_string(), record);
        Ok(application)
    }

    /// Take back everything payment `id` did: what it paid on each invoice, and the rest it put
    /// in the customer's credit balance; `last_paid_on` goes back to the latest remaining
    /// settlement. Reversing a payment twice changes nothing the second time. The id stays in
    /// the log, so a late redelivery of the payment cannot apply it again.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ApplicationRule, ArLedger, Payment, Receivable};
    /// use revops::{Currency, Money};
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ar = ArLedger::new();
    /// ar.add_receivable(Receivable::new("INV-1", "acme", day, day, usd("100"))?)?;
    /// let before = ar.clone();
    /// ar.apply_payment(&Payment::new("py_1", "acme", day, usd("130"))?, &ApplicationRule::OldestFirst)?;
    /// assert_eq!(ar.credit("acme", Currency::USD), usd("30"));
    /// ar.reverse_payment("py_1")?;
    /// assert!(ar.receivables().eq(before.receivables()));
    /// assert_eq!(ar.credit("acme", Currency::USD), usd("0"));
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// Nothing is changed on any error. [`BillingError::UnknownPayment`] for an id never
    /// applied; [`BillingError::ReversalExceedsCredit`] when the credit the payment left has
    /// since been used or refunded (reverse those first).
    pub fn reverse_payment(&mut self, id: &str) -> Result<PaymentApplication, BillingError> {
        let record = self.payments.get(id).ok_or_else(|| BillingError::UnknownPayment { payment: id.to_string() })?;
        if record.reversed {
            return Ok(record.application.clone());
        }
        let changes = self.plan_reversal(record)?;
        let application = record.application.clone();
        // nothing below can fail
        self.commit(changes, None);
        for (invoice, _) in &application.applied {
            if let Some(entry) = self.receivables.get_mut(invoice) {
                entry.settlements.retain(|s| s.payment.as_deref() != Some(id));
                let (paid, last) = (entry.receivable.paid(), entry.last_settled());
                entry.receivable.set_paid(paid, last);
            }
        }
        if let Some(record) = self.payments.get_mut(id) {
            record.reversed = true;
        }
        Ok(application)
    }

    /// Record a credit note against its invoice's receivable on `on` (the date it takes effect:
    /// a [`CreditNote`] carries no date), all or nothing. Idempotent by note number: the same
    /// note on the same date again changes nothing. When it takes something off the invoice,
    /// `on` becomes the receivable's [`Receivable::last_credited_on`] (if later), so readers as
    /// of an earlier date can tell the balance holds it. What is still open on the invoice is credited on it (its `credited` grows); what
    /// the note credits beyond that (a note on a paid invoice) goes to the customer's credit
    /// balance in the invoice's currency, as Stripe does, where [`ArLedger::use_credit`] and
    /// [`ArLedger::refund`] can reach it. So a receivable's `credited` is what credit notes took
    /// off what was owed, not always their sum. The notes on one invoice (with what it was
    /// added with as credited) together credit at most its total.
    ///
    /// Returns how the note was applied: what came off the invoice and what went to the
    /// customer's credit, which [`credit_note_journal_entry`](super::credit_note_journal_entry)
    /// posts to the GL. The ledger keeps it (in its JSON too), so the same note again returns
    /// the same application.
    ///
    /// Reversing a payment later does not take the over-credit back out of the balance: the
    /// invoice is owed again in full and the customer holds the credit, which
    /// [`ArLedger::use_credit`] can set against it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ApplicationRule, ArLedger, CreditAmount, CreditNote, CreditRequest, FlatTax, InvoiceDraft, LineDraft, Payment};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let line = LineDraft { description: "plan".into(), quantity: Decimal::ONE, unit_price: usd("100"), service: None };
    /// let draft = InvoiceDraft { customer: "acme".into(), contract_id: "K".into(), currency: Currency::USD, issue_date: day, due_date: day, lines: vec![line] };
    /// let inv = draft.finalize("INV-1", &FlatTax::NONE)?;
    /// let mut ar = ArLedger::new();
    /// ar.add_invoice(&inv)?;
    /// let note = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("25")) }])?;
    /// ar.apply_credit_note(&note, day)?;
    /// ar.apply_credit_note(&note, day)?; // delivered twice: credited once
    /// assert_eq!(ar.receivable("INV-1").map(|r| r.open()), Some(usd("75")));
    /// // paid in full, then credited 25 more: the invoice is settled, the customer holds 25
    /// ar.apply_payment(&Payment::new("py_1", "acme", day, usd("75"))?, &ApplicationRule::OldestFirst)?;
    /// let more = CreditNote::issue(&inv, &[note], "CN-2", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("25")) }])?;
    /// ar.apply_credit_note(&more, day)?;
    /// assert_eq!(ar.receivable("INV-1").map(|r| r.open()), Some(usd("0")));
    /// assert_eq!(ar.credit("acme", Currency::USD), usd("25"));
    /// ar.refund("re_1", "acme", usd("25"), day)?;
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// Nothing is changed on any error. [`BillingError::UnknownInvoice`] when the invoice is not
    /// here; [`BillingError::CurrencyMismatch`] for a note in another currency;
    /// [`BillingError::CreditExceedsTotal`] when the invoice's notes would together credit more
    /// than its total;
    /// [`BillingError::NotRounded`] for an amount finer than the currency's minor unit (a
    /// [`CreditNote`] has none, by construction and from JSON);
    /// [`BillingError::CreditNoteConflict`] for a number already applied with other content or
    /// on another date.
    pub fn apply_credit_note(
        &mut self,
        note: &CreditNote,
        on: NaiveDate,
    ) -> Result<CreditNoteApplication, BillingError> {
        if let Some(done) = self.credit_notes.get(note.number()) {
            let same = |a: &&CreditNoteApplication| done == note && a.on.is_none_or(|d| d == on);
            if let Some(applied) = self.credit_note_applications.get(note.number()).filter(same) {
                return Ok(applied.clone());
            }
            return Err(BillingError::CreditNoteConflict { note: note.number().to_string() });
        }
        let entry = self
            .receivables
            .get(note.invoice())
            .ok_or_else(|| BillingError::UnknownInvoice { invoice: note.invoice().to_string() })?;
        let r = &entry.receivable;
        let (c, total) = (r.currency(), note.total());
        let record = format!("credit note {}", note.number());
        same_currency(Field::CreditNoteTotal, &record, c, &total)?;
        rounded(Field::CreditNoteTotal, &record, total)?;
        // what the invoice's notes credit together stays within its total
        let notes = self.credit_notes.values().filter(|n| n.invoice() == r.invoice()).map(CreditNote::total);
        let credited = Money::sum(c, notes)
            .and_then(|m| m.checked_add(entry.opening.credited))
            .context("amount credited", &record)?;
        if credited.checked_add(total).context("amount credited", &record)?.amount() > r.total().amount() {
            return Err(BillingError::CreditExceedsTotal {
                note: note.number().to_string(),
                invoice: r.invoice().to_string(),
                total: r.total(),
                credited,
                requested: total,
            });
        }
        // what is open is credited on the invoice; the rest is owed to the customer
        let open = r.open();
        let on_invoice = if open.amount() <= rust_decimal::Decimal::ZERO {
            Money::zero(c)
        } else if open.amount() < total.amount() {
            open
        } else {
            total
        };
        let over = total.checked_sub(on_invoice).context("amount credited", &record)?;
        let mut changes = Changes::default();
        let mut after = r.clone();
        // the note changes the invoice's balance only when it takes something off it
        let last_credited_on =
            if on_invoice.is_zero() { r.last_credited_on() } else { r.last_credited_on().max(Some(on)) };
        after.set_credited(r.credited_after(on_invoice)?, last_credited_on);
        changes.receivables.insert(r.invoice().to_string(), after);
        if !over.is_zero() {
            let credit = self.credit(r.customer(), c);
            let held = credit.checked_add(over).context("credit balance", &format!("customer {}", r.customer()))?;
            changes.balance = Some(balance_of(r.customer(), held)?);
        }
        let applied = CreditNoteApplication {
            note: note.number().to_string(),
            invoice: r.invoice().to_string(),
            on_invoice,
            to_credit: over,
            on: Some(on),
        };
        // nothing below can fail
        self.commit(changes, None);
        self.credit_notes.insert(note.number().to_string(), note.clone());
        self.credit_note_applications.insert(note.number().to_string(), applied.clone());
        Ok(applied)
    }

    /// How the credit note `number` was applied (see [`ArLedger::apply_credit_note`]).
    pub fn credit_note_application(&self, number: &str) -> Option<&CreditNoteApplication> {
        self.credit_note_applications.get(number)
    }

    /// Use the customer's credit balance on `invoice`, up to its open amount, on `on`, under the
    /// caller's id; returns what was used (zero when there is no credit or nothing open).
    ///
    /// Idempotent by id, as [`ArLedger::refund`] is: the same use again (a retry, even after
    /// more credit arrived) changes nothing and returns what the first one used; the same id
    /// with another invoice or date is [`BillingError::CreditUseConflict`]. A use that used
    /// nothing is not recorded, so its id may be used again. The id is kept in the ledger's
    /// JSON, so a retry after a reload is still a no-op.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ApplicationRule, ArLedger, Payment, Receivable};
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ar = ArLedger::new();
    /// // paid in advance: all of it is credit
    /// ar.apply_payment(&Payment::new("py_1", "acme", d(1), usd("30"))?, &ApplicationRule::OldestFirst)?;
    /// ar.add_receivable(Receivable::new("INV-1", "acme", d(2), d(3), usd("100"))?)?;
    /// assert_eq!(ar.use_credit("cu_1", "INV-1", d(2))?, usd("30"));
    /// assert_eq!(ar.receivable("INV-1").map(|r| r.open()), Some(usd("70")));
    /// // more credit arrives, and the use is retried: it was made once
    /// ar.apply_payment(&Payment::new("py_2", "acme", d(2), usd("20"))?, &ApplicationRule::Explicit(vec![]))?;
    /// assert_eq!(ar.use_credit("cu_1", "INV-1", d(2))?, usd("30"));
    /// assert_eq!(ar.receivable("INV-1").map(|r| r.open()), Some(usd("70")));
    /// assert!(ar.use_credit("cu_2", "INV-9", d(2)).is_err());
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// Nothing is changed on any error. [`BillingError::EmptyId`],
    /// [`BillingError::CreditUseConflict`], [`BillingError::UnknownInvoice`], or a balance
    /// beyond `Decimal`'s range.
    pub fn use_credit(&mut self, id: &str, invoice: &str, on: NaiveDate) -> Result<Money, BillingError> {
        if id.is_empty() {
            return Err(BillingError::EmptyId { what: "credit-use id" });
        }
        let done = self.receivables.iter().find_map(|(number, e)| {
            e.settlements.iter().find(|s| s.credit_use.as_deref() == Some(id)).map(|s| (number, s))
        });
        if let Some((number, s)) = done {
            if number != invoice || s.date != on {
                return Err(BillingError::CreditUseConflict { id: id.to_string() });
            }
            return Ok(s.amount);
        }
        let r =
            self.receivable(invoice).ok_or_else(|| BillingError::UnknownInvoice { invoice: invoice.to_string() })?;
        let credit = self.credit(r.customer(), r.currency());
        let open = r.open();
        let used = if open.amount() < credit.amount() { open } else { credit };
        if used.amount() <= rust_decimal::Decimal::ZERO {
            return Ok(Money::zero(r.currency()));
        }
        let mut changes = Changes::default();
        let mut after = r.clone();
        after.set_paid(r.paid_after(used)?, r.last_paid_on().max(Some(on)));
        let left = credit.checked_sub(used).context("credit balance", &format!("customer {}", r.customer()))?;
        changes.balance = Some(balance_of(r.customer(), left)?);
        changes.receivables.insert(invoice.to_string(), after);
        changes.settled.insert(invoice.to_string(), used);
        // nothing below can fail
        self.commit(changes, Some((SettledBy::CreditUse(id.to_string()), on)));
        Ok(used)
    }

    /// Refund `amount` of the customer's credit balance in its currency, on `on`, under the
    /// caller's refund `id`. Idempotent by id, as [`ArLedger::apply_payment`] is by payment id:
    /// the same refund again (a retry) changes nothing and returns `Ok`; the same id with
    /// another customer, amount, currency or date is [`BillingError::RefundConflict`]. The id is
    /// kept in the ledger's JSON, so a retry after a reload is still a no-op.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ApplicationRule, ArLedger, BillingError, Payment};
    /// use revops::{Currency, Money};
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ar = ArLedger::new();
    /// ar.apply_payment(&Payment::new("py_1", "acme", day, usd("50"))?, &ApplicationRule::OldestFirst)?;
    /// assert!(ar.refund("re_1", "acme", usd("60"), day).is_err()); // more than the balance: nothing refunded
    /// ar.refund("re_1", "acme", usd("20"), day)?;
    /// ar.refund("re_1", "acme", usd("20"), day)?; // retried: refunded once
    /// assert_eq!(ar.credit("acme", Currency::USD), usd("30"));
    /// assert!(matches!(ar.refund("re_1", "acme", usd("25"), day), Err(BillingError::RefundConflict { .. })));
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// Nothing is changed on any error. [`BillingError::EmptyId`], [`BillingError::Negative`],
    /// [`BillingError::NotRounded`] (finer than the minor unit), [`BillingError::RefundConflict`], or [`BillingError::RefundExceedsBalance`] for more than
    /// the balance.
    pub fn refund(&mut self, id: &str, customer: &str, amount: Money, on: NaiveDate) -> Result<(), BillingError> {
        let record = RefundRecord::new(id.to_string(), customer.to_string(), amount, on)?;
        if let Some(done) = self.refunds.get(id) {
            if *done == record {
                return Ok(());
            }
            return Err(BillingError::RefundConflict { refund: id.to_string() });
        }
        let id = format!("customer {customer}");
        let balance = self.credit(customer, amount.currency());
        if amount.amount() > balance.amount() {
            return Err(BillingError::RefundExceedsBalance {
                customer: customer.to_string(),
                balance,
                requested: amount,
            });
        }
        let left = balance.checked_sub(amount).context("credit balance", &id)?;
        let changes = Changes { balance: Some(balance_of(customer, left)?), ..Changes::default() };
        // nothing below can fail
        self.commit(changes, None);
        self.refunds.insert(record.id.clone(), record);
        Ok(())
    }

    /// The record of a refund id.
    pub fn refund_record(&self, id: &str) -> Option<&RefundRecord> {
        self.refunds.get(id)
    }

    /// Every refund made, by id.
    pub fn refunds(&self) -> impl Iterator<Item = &RefundRecord> + '_ {
        self.refunds.values()
    }

    /// `OldestFirst`: the customer's open receivables in the payment's currency, oldest due first.
    fn plan_oldest_first(&self, payment: &Payment) -> Result<(Changes, PaymentApplication), BillingError> {
        let c = payment.currency();
        let open: Vec<&Receivable> = self
            .receivables()
            .filter(|r| r.customer() == payment.customer() && r.open().amount() > rust_decimal::Decimal::ZERO)
            .collect();
        let mut due: Vec<&Receivable> = open.iter().copied().filter(|r| r.currency() == c).collect();
        if due.is_empty() && !open.is_empty() {
            let mut open_in: Vec<Currency> = open.iter().map(|r| r.currency()).collect();
            open_in.sort();
            open_in.dedup();
            return Err(BillingError::NoOpenReceivableInCurrency {
                payment: payment.id().to_string(),
                customer: payment.customer().to_string(),
                currency: c,
                open_in,
            });
        }
        due.sort_by(|x, y| {
            (x.due_date(), x.issue_date(), x.invoice()).cmp(&(y.due_date(), y.issue_date(), y.invoice()))
        });
        let mut plan = PaymentPlan::new(payment);
        for r in due {
            if plan.left.is_zero() {
                break;
            }
            let open = r.open();
            let amount = if open.amount() < plan.left.amount() { open } else { plan.left };
            plan.pay(r.clone(), amount)?;
        }
        self.finish(plan)
    }

    /// `Explicit`: exactly the remittance lines, checked against what is open as they add up.
    fn plan_explicit(
        &self,
        payment: &Payment,
        lines: &[(String, Money)],
    ) -> Result<(Changes, PaymentApplication), BillingError> {
        let record = format!("payment {}", payment.id());
        let mut plan = PaymentPlan::new(payment);
        for (invoice, amount) in lines {
            same_currency(Field::AppliedAmount, &record, payment.currency(), amount)?;
            not_negative(Field::AppliedAmount, &record, *amount)?;
            rounded(Field::AppliedAmount, &record, *amount)?;
            if amount.is_zero() {
                continue;
            }
            if amount.amount() > plan.left.amount() {
                return Err(BillingError::ExceedsPayment {
                    payment: payment.id().to_string(),
                    invoice: invoice.clone(),
                    left: plan.left,
                    requested: *amount,
                });
            }
            let r = match plan.touched.get(invoice) {
                Some(r) => r.clone(),
                None => self
                    .receivable(invoice)
                    .filter(|r| r.customer() == payment.customer())
                    .ok_or_else(|| BillingError::NotTheCustomersInvoice {
                        payment: payment.id().to_string(),
                        customer: payment.customer().to_string(),
                        invoice: invoice.clone(),
                    })?
                    .clone(),
            };
            same_currency(Field::AppliedAmount, &format!("invoice {invoice}"), r.currency(), amount)?;
            if amount.amount() > r.open().amount() {
                return Err(BillingError::OverApplication {
                    payment: payment.id().to_string(),
                    invoice: invoice.clone(),
                    open: r.open(),
                    requested: *amount,
                });
            }
            plan.pay(r, *amount)?;
        }
        self.finish(plan)
    }

    /// The unapplied rest into the customer's credit balance.
    fn finish(&self, plan: PaymentPlan<'_>) -> Result<(Changes, PaymentApplication), BillingError> {
        let p = plan.payment;
        let mut changes = Changes { receivables: plan.touched, balance: None, settled: plan.settled };
        if !plan.left.is_zero() {
            let credit = self.credit(p.customer(), p.currency());
            let after =
                credit.checked_add(plan.left).context("credit balance", &format!("customer {}", p.customer()))?;
            changes.balance = Some(balance_of(p.customer(), after)?);
        }
        let application =
            PaymentApplication { payment: p.id().to_string(), applied: plan.applied, unapplied: plan.left };
        Ok((changes, application))
    }

    /// The receivables and balance as they will be once `record` is reversed.
    fn plan_reversal(&self, record: &PaymentRecord) -> Result<Changes, BillingError> {
        let p = &record.payment;
        let mut changes = Changes::default();
        for (invoice, amount) in &record.application.applied {
            let mut r = match changes.receivables.remove(invoice) {
                Some(r) => r,
                None => self
                    .receivable(invoice)
                    .ok_or_else(|| BillingError::UnknownInvoice { invoice: invoice.clone() })?
                    .clone(),
            };
            let id = format!("invoice {invoice}");
            let paid = r.paid().checked_sub(*amount).context("amount paid", &id)?;
            not_negative(Field::Paid, &id, paid)?;
            r.set_paid(paid, r.last_paid_on()); // last_paid_on is recomputed on commit
            changes.receivables.insert(invoice.clone(), r);
        }
        let unapplied = record.application.unapplied;
        if !unapplied.is_zero() {
            let balance = self.credit(p.customer(), p.currency());
            if balance.amount() < unapplied.amount() {
                return Err(BillingError::ReversalExceedsCredit {
                    payment: p.id().to_string(),
                    customer: p.customer().to_string(),
                    balance,
                    needed: unapplied,
                });
            }
            let left =
                balance.checked_sub(unapplied).context("credit balance", &format!("customer {}", p.customer()))?;
            changes.balance = Some(balance_of(p.customer(), left)?);
        }
        Ok(changes)
    }

    /// Write back planned receivables and balance; cannot fail. `settled` (the payment id, if
    /// any, and the date) is recorded on every receivable written, with what the change paid on it.
    fn commit(&mut self, changes: Changes, settled: Option<(SettledBy, NaiveDate)>) {
        for (invoice, receivable) in changes.receivables {
            if let Some(entry) = self.receivables.get_mut(&invoice) {
                if let Some((by, date)) = &settled {
                    let amount = changes.settled.get(&invoice).copied().unwrap_or(Money::zero(receivable.currency()));
                    let (payment, credit_use) = match by {
                        SettledBy::Payment(id) => (Some(id.clone()), None),
                        SettledBy::CreditUse(id) => (None, Some(id.clone())),
                    };
                    entry.settlements.push(Settlement { payment, date: *date, amount, credit_use });
                }
                entry.receivable = receivable;
            }
        }
        match changes.balance {
            Some((key, Some(balance))) => {
                self.balances.insert(key, balance);
            }
            Some((key, None)) => {
                self.balances.remove(&key);
            }
            None => {}
        }
    }

    /// Check the parts of a deserialised ledger against each other: everything
    /// [`ArLedger`]'s own operations keep true, so a ledger it serialised always loads.
    ///
    /// - every amount is in whole minor units of its currency: what a receivable was added
    ///   with, every settlement, every credit balance (and, checked as they load, receivables,
    ///   payments, applications, credit notes and refunds);
    /// - every receivable's `paid` is what it was added with plus its settlements; a payment's
    ///   settlement is dated as the payment, for exactly what the live (not reversed) payment
    ///   applied to that invoice, and every live payment settles every invoice it applied to;
    /// - what a receivable's credit notes credit, with what it was added with as credited, is
    ///   at most its total, and at least its `credited`: the difference is what they credited
    ///   beyond what was open, which went to the customer's credit balance;
    /// - `last_paid_on` is the latest settlement (or the date it was added with);
    /// - a credit-use id names one use of credit;
    /// - per customer and currency, the credit balance is `Σ unapplied` of the live payments
    ///   `+ Σ` credit notes' over-credits `− Σ` credit used on the customer's invoices `− Σ`
    ///   refunds (a ledger holds no credit from anywhere else).
    #[cfg(feature = "serde")]
    fn from_parts(
        entries: Vec<Entry>,
        balances: Vec<CustomerBalance>,
        payments: Vec<PaymentRecord>,
        (credit_notes, applications): (Vec<CreditNote>, Vec<CreditNoteApplication>),
        refunds: Vec<RefundRecord>,
    ) -> Result<ArLedger, BillingError> {
        let inconsistent = |record: String, reason| BillingError::InconsistentRecord { record, reason };
        let mut ledger = ArLedger::new();
        for p in payments {
            let id = p.payment.id().to_string();
            if ledger.payments.insert(id.clone(), p).is_some() {
                return Err(inconsistent(format!("payment {id}"), "the payment id appears twice"));
            }
        }
        // per customer and currency: Σ unapplied of live payments − Σ credit used − Σ refunds
        let mut credit: BTreeMap<(String, Currency), Money> = BTreeMap::new();
        let mut add_credit = |key: (String, Currency), m: Money| -> Result<(), BillingError> {
            let record = format!("customer {}", key.0);
            let sum = credit.get(&key).copied().unwrap_or(Money::zero(key.1));
            credit.insert(key, sum.checked_add(m).context("credit balance", &record)?);
            Ok(())
        };
        for p in ledger.payments.values().filter(|p| !p.reversed) {
            add_credit((p.payment.customer().to_string(), p.payment.currency()), p.application.unapplied)?;
        }
        for r in refunds {
            add_credit((r.customer.clone(), r.amount.currency()), -r.amount)?;
            if let Some(r) = ledger.refunds.insert(r.id.clone(), r) {
                return Err(inconsistent(format!("refund {}", r.id), "the refund id appears twice"));
            }
        }
        let mut credit_uses = std::collections::BTreeSet::new();
        for e in entries {
            let invoice = e.receivable.invoice().to_string();
            let record = format!("invoice {invoice}");
            let c = e.receivable.currency();
            same_currency(Field::Paid, &record, c, &e.opening.paid)?;
            same_currency(Field::Credited, &record, c, &e.opening.credited)?;
            not_negative(Field::Paid, &record, e.opening.paid)?;
            not_negative(Field::Credited, &record, e.opening.credited)?;
            rounded(Field::Paid, &record, e.opening.paid)?;
            rounded(Field::Credited, &record, e.opening.credited)?;
            if e.last_settled() != e.receivable.last_paid_on() {
                return Err(inconsistent(record, "last_paid_on is not its latest settlement"));
            }
            let mut paid = e.opening.paid;
            for (n, s) in e.settlements.iter().enumerate() {
                same_currency(Field::Paid, &record, c, &s.amount)?;
                rounded(Field::Paid, &record, s.amount)?;
                if s.amount.is_negative() || s.amount.is_zero() {
                    return Err(inconsistent(record, "a settlement is not positive"));
                }
                paid = paid.checked_add(s.amount).context("amount paid", &record)?;
                if let Some(id) = s.credit_use.as_deref() {
                    if s.payment.is_some() {
                        return Err(inconsistent(record, "a settlement is both a payment and a use of credit"));
                    }
                    if id.is_empty() {
                        return Err(BillingError::EmptyId { what: "credit-use id" });
                    }
                    if !credit_uses.insert(id.to_string()) {
                        return Err(inconsistent(format!("credit use {id}"), "the credit-use id appears twice"));
                    }
                }
                let Some(id) = s.payment.as_deref() else {
                    add_credit((e.receivable.customer().to_string(), c), -s.amount)?;
                    continue;
                };
                let Some(p) = ledger.payments.get(id).filter(|p| !p.reversed) else {
                    return Err(inconsistent(record, "settled by a payment that is not on record or was reversed"));
                };
                let record = format!("payment {id} on invoice {invoice}");
                if p.payment.customer() != e.receivable.customer() || p.payment.currency() != c {
                    return Err(inconsistent(record, "the payment is another customer's or in another currency"));
                }
                if e.settlements[..n].iter().any(|t| t.payment.as_deref() == Some(id)) {
                    return Err(inconsistent(record, "the invoice records the payment twice"));
                }
                if s.date != p.payment.date() {
                    return Err(inconsistent(record, "the settlement is not dated as the payment"));
                }
                let applied =
                    Money::sum(c, p.application.applied.iter().filter(|(i, _)| *i == invoice).map(|(_, m)| *m))
                        .context("amount applied", &record)?;
                if applied != s.amount {
                    return Err(inconsistent(record, "the settlement is not what the payment applied to the invoice"));
                }
            }
            if paid != e.receivable.paid() {
                return Err(inconsistent(record, "paid is not what it was added with plus its settlements"));
            }
            if ledger.receivables.insert(invoice.clone(), e).is_some() {
                return Err(BillingError::DuplicateInvoice { invoice });
            }
        }
        for p in ledger.payments.values().filter(|p| !p.reversed) {
            for (invoice, _) in &p.application.applied {
                let settled = ledger
                    .receivables
                    .get(invoice)
                    .is_some_and(|e| e.settlements.iter().any(|s| s.payment.as_deref() == Some(p.payment.id())));
                if !settled {
                    let record = format!("payment {} on invoice {invoice}", p.payment.id());
                    return Err(inconsistent(record, "applied to an invoice that does not record it"));
                }
            }
        }
        // per invoice: what its credit notes credit together, at most its total; what they
        // credit beyond `credited` went to the customer's credit balance
        let mut credited: BTreeMap<String, Money> = BTreeMap::new();
        for n in credit_notes {
            let record = format!("credit note {}", n.number());
            let r = ledger
                .receivable(n.invoice())
                .ok_or_else(|| BillingError::UnknownInvoice { invoice: n.invoice().to_string() })?;
            same_currency(Field::CreditNoteTotal, &record, r.currency(), &n.total())?;
            let sum = credited.get(n.invoice()).copied().unwrap_or(Money::zero(r.currency()));
            credited.insert(n.invoice().to_string(), sum.checked_add(n.total()).context("amount credited", &record)?);
            if ledger.credit_notes.insert(n.number().to_string(), n.clone()).is_some() {
                return Err(inconsistent(record, "the credit note number appears twice"));
            }
        }
        for (invoice, e) in &ledger.receivables {
            let record = format!("invoice {invoice}");
            let notes = credited.get(invoice).copied().unwrap_or(Money::zero(e.receivable.currency()));
            let all = e.opening.credited.checked_add(notes).context("amount credited", &record)?;
            if all.amount() > e.receivable.total().amount() {
                return Err(inconsistent(record, "its credit notes credit more than its total"));
            }
            let over = all.checked_sub(e.receivable.credited()).context("amount credited", &record)?;
            if over.is_negative() {
                return Err(inconsistent(record, "credited is more than it was added with plus its credit notes"));
            }
            add_credit((e.receivable.customer().to_string(), e.receivable.currency()), over)?;
        }
        ledger.credit_note_applications = check_credit_note_applications(&ledger, applications)?;
        // `last_credited_on` is the latest date of a note that took something off the invoice
        // (one pass over the notes, not one per invoice: a ledger has many of both)
        let mut dated: BTreeMap<&str, NaiveDate> = BTreeMap::new();
        for a in ledger.credit_note_applications.values().filter(|a| !a.on_invoice.is_zero()) {
            if let Some(on) = a.on {
                let latest = dated.entry(a.invoice.as_str()).or_insert(on);
                *latest = (*latest).max(on);
            }
        }
        for (invoice, e) in &ledger.receivables {
            let dated = dated.get(invoice.as_str()).copied();
            if dated.max(e.opening.last_credited_on) != e.receivable.last_credited_on() {
                let reason = "last_credited_on is not the date of its latest credit note that credited it";
                return Err(inconsistent(format!("invoice {invoice}"), reason));
            }
        }
        for b in balances {
            let key = (b.customer().to_string(), b.currency());
            if b.credit().is_zero() {
                continue;
            }
            if ledger.balances.contains_key(&key) {
                return Err(BillingError::DuplicateBalance { customer: key.0, currency: key.1 });
            }
            ledger.balances.insert(key, b);
        }
        for (key, left) in &credit {
            if ledger.credit(&key.0, key.1) != *left {
                let reason = "its credit balance is not what its payments left unapplied and its credit notes \
                              credited beyond what was open, less credit used and refunds";
                return Err(inconsistent(format!("customer {}", key.0), reason));
            }
        }
        for key in ledger.balances.keys() {
            if !credit.contains_key(key) {
                return Err(inconsistent(
                    format!("customer {}", key.0),
                    "a credit balance no payment or credit note left",
                ));
            }
        }
        Ok(ledger)
    }
}

/// The credit note applications of a deserialised ledger whose receivables and credit notes are
/// loaded, checked: each names a credit note on record and its invoice, in the note's currency,
/// in whole minor units, zero or more, `on_invoice + to_credit` its total, once; per invoice
/// `Σ to_credit` is what its notes credited beyond what was open. A note without one (a ledger
/// written before applications were kept) gets a split that fits: the rest of that over-credit
/// goes to the invoice's notes without one from the highest number down, each up to its total
/// (exact when only one note is missing or nothing was over-credited; otherwise inferred, as
/// the order the notes were applied in was not kept); a ledger whose notes cannot hold it is
/// refused.
#[cfg(feature = "serde")]
fn check_credit_note_applications(
    ledger: &ArLedger,
    applications: Vec<CreditNoteApplication>,
) -> Result<BTreeMap<String, CreditNoteApplication>, BillingError> {
    let inconsistent = |record: String, reason| BillingError::InconsistentRecord { record, reason };
    let mut out: BTreeMap<String, CreditNoteApplication> = BTreeMap::new();
    for a in applications {
        let record = format!("credit note {}", a.note);
        let Some(note) = ledger.credit_notes.get(&a.note) else {
            return Err(inconsistent(record, "an application names a credit note not on record"));
        };
        if a.invoice != note.invoice() {
            return Err(inconsistent(record, "its application names another invoice"));
        }
        for m in [a.on_invoice, a.to_credit] {
            same_currency(Field::CreditNoteTotal, &record, note.currency(), &m)?;
            not_negative(Field::CreditNoteTotal, &record, m)?;
            rounded(Field::CreditNoteTotal, &record, m)?;
        }
        if a.on_invoice.checked_add(a.to_credit).context("amount credited", &record)? != note.total() {
            return Err(inconsistent(record, "its application does not add up to its total"));
        }
        if out.insert(a.note.clone(), a).is_some() {
            return Err(inconsistent(record, "the credit note is applied twice"));
        }
    }
    for (invoice, e) in &ledger.receivables {
        let record = format!("invoice {invoice}");
        let c = e.receivable.currency();
        let notes: Vec<&CreditNote> = ledger.credit_notes.values().filter(|n| n.invoice() == invoice).collect();
        let all = Money::sum(c, notes.iter().map(|n| n.total()))
            .and_then(|m| m.checked_add(e.opening.credited))
            .context("amount credited", &record)?;
        let over = all.checked_sub(e.receivable.credited()).context("amount credited", &record)?;
        let recorded = Money::sum(c, notes.iter().filter_map(|n| out.get(n.number())).map(|a| a.to_credit))
            .context("amount credited", &record)?;
        let rest = over.checked_sub(recorded).context("amount credited", &record)?;
        let missing: Vec<&&CreditNote> = notes.iter().filter(|n| !out.contains_key(n.number())).collect();
        let fill = |n: &CreditNote, to_credit: Money| -> Result<CreditNoteApplication, BillingError> {
            let on_invoice = n.total().checked_sub(to_credit).context("amount credited", &record)?;
            Ok(CreditNoteApplication {
                note: n.number().to_string(),
                invoice: invoice.clone(),
                on_invoice,
                to_credit,
                on: None, // written before credit notes were dated
            })
        };
        if rest.is_negative() {
            return Err(inconsistent(record, "its credit notes' applications credit more than its notes did"));
        }
        // the over-credit not recorded goes to the notes without an application, from the
        // highest number down, each up to its total
        let mut left = rest;
        let mut filled = Vec::with_capacity(missing.len());
        for n in missing.iter().rev() {
            let to_credit = if left.amount() < n.total().amount() { left } else { n.total() };
            left = left.checked_sub(to_credit).context("amount credited", &record)?;
            filled.push(fill(n, to_credit)?);
        }
        if !left.is_zero() {
            return Err(inconsistent(record, "its credit notes' applications do not add up to what they credited"));
        }
        for a in filled {
            out.insert(a.note.clone(), a);
        }
    }
    Ok(out)
}

/// The payment is already in the log: the same payment again changes nothing.
fn redelivered(
    done: &PaymentRecord,
    payment: &Payment,
    rule: &ApplicationRule,
) -> Result<PaymentApplication, BillingError> {
    if done.reversed {
        return Err(BillingError::PaymentReversed { payment: payment.id().to_string() });
    }
    if done.payment != *payment || done.rule != *rule {
        return Err(BillingError::PaymentConflict { payment: payment.id().to_string() });
    }
    Ok(done.application.clone())
}

/// A payment being applied, on copies of the receivables it touches.
struct PaymentPlan<'a> {
    payment: &'a Payment,
    touched: BTreeMap<String, Receivable>,
    /// What it pays on each touched receivable.
    settled: BTreeMap<String, Money>,
    applied: Vec<(String, Money)>,
    left: Money,
}

impl<'a> PaymentPlan<'a> {
    fn new(payment: &'a Payment) -> PaymentPlan<'a> {
        PaymentPlan {
            payment,
            touched: BTreeMap::new(),
            settled: BTreeMap::new(),
            applied: Vec::new(),
            left: payment.amount(),
        }
    }

    /// Pay `amount` (checked by the caller against what is open and left) on the copy `r`.
    fn pay(&mut self, mut r: Receivable, amount: Money) -> Result<(), BillingError> {
        let paid = r.paid_after(amount)?;
        r.set_paid(paid, r.last_paid_on().max(Some(self.payment.date())));
        let record = format!("payment {}", self.payment.id());
        self.left = self.left.checked_sub(amount).context("amount left", &record)?;
        let here = self.settled.get(r.invoice()).copied().unwrap_or(Money::zero(amount.currency()));
        let here = here.checked_add(amount).context("amount applied", &record)?;
        self.settled.insert(r.invoice().to_string(), here);
        self.applied.push((r.invoice().to_string(), amount));
        self.touched.insert(r.invoice().to_string(), r);
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ArLedger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'a> {
            receivables: Vec<&'a Entry>,
            balances: Vec<&'a CustomerBalance>,
            payments: Vec<&'a PaymentRecord>,
            credit_notes: Vec<&'a CreditNote>,
            credit_note_applications: Vec<&'a CreditNoteApplication>,
            refunds: Vec<&'a RefundRecord>,
        }
        let view = View {
            receivables: self.receivables.values().collect(),
            balances: self.balances.values().collect(),
            payments: self.payments.values().collect(),
            credit_notes: self.credit_notes.values().collect(),
            credit_note_applications: self.credit_note_applications.values().collect(),
            refunds: self.refunds.values().collect(),
        };
        serde::Serialize::serialize(&view, serializer)
    }
}

deserialize_via!(
    ArLedger,
    ArLedgerRepr {
        receivables: Vec<Entry>,
        balances: Vec<CustomerBalance>,
        payments: Vec<PaymentRecord>,
        credit_notes: Vec<CreditNote>,
        #[serde(default)]
        credit_note_applications: Vec<CreditNoteApplication>,
        refunds: Vec<RefundRecord>,
    },
    BillingError,
    |r| ArLedger::from_parts(
        r.receivables,
        r.balances,
        r.payments,
        (r.credit_notes, r.credit_note_applications),
        r.refunds
    )
);
