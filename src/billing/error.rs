use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ContractState;
use crate::calendar::{CalendarError, Period};
use crate::ledger::LedgerError;
use crate::limits::LimitExceeded;
use crate::money::{Currency, Money, MoneyError, Percent};
use crate::revrec::RevRecError;

/// Which amount an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// A payment's amount.
    PaymentAmount,
    /// An amount a payment applies to one invoice.
    AppliedAmount,
    /// What has been paid on a receivable.
    Paid,
    /// What has been credited on a receivable.
    Credited,
    /// An invoice's or receivable's total.
    Total,
    /// A customer's credit balance.
    CreditBalance,
    /// A refund out of a credit balance.
    Refund,
    /// A line's unit price.
    UnitPrice,
    /// A line's net amount.
    LineNet,
    /// A line's tax.
    LineTax,
    /// A recurring billing fee.
    Fee,
    /// A plan price in a proration.
    PlanPrice,
    /// The net amount of a credit note line.
    CreditNet,
    /// A credit note's total.
    CreditNoteTotal,
    /// A dunning policy's minimum overdue balance.
    MinimumOverdue,
    /// Credit sales in a DSO.
    CreditSales,
    /// A cash receipt.
    CashReceipt,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::PaymentAmount => "payment amount",
            Field::AppliedAmount => "amount applied",
            Field::Paid => "amount paid",
            Field::Credited => "amount credited",
            Field::Total => "total",
            Field::CreditBalance => "credit balance",
            Field::Refund => "refund",
            Field::UnitPrice => "unit price",
            Field::LineNet => "net amount",
            Field::LineTax => "tax amount",
            Field::Fee => "billing fee",
            Field::PlanPrice => "plan price",
            Field::CreditNet => "credited net amount",
            Field::CreditNoteTotal => "credit note total",
            Field::MinimumOverdue => "minimum overdue balance",
            Field::CreditSales => "credit sales",
            Field::CashReceipt => "cash receipt",
        })
    }
}

/// What went wrong turning contracts into invoices and cash.
///
/// Every variant about a caller's value names the invoice, payment, customer, contract or
/// credit note it belongs to (`id`), the field, and the value refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BillingError {
    /// A lifecycle transition the state machine does not allow.
    #[error("contract cannot go from {from:?} to {to:?}")]
    InvalidTransition {
        /// Current state.
        from: ContractState,
        /// Requested state.
        to: ContractState,
    },
    /// A lifecycle event dated before the previous one.
    #[error("lifecycle event on {date} is before the previous event on {previous}")]
    EventOutOfOrder {
        /// Date given.
        date: NaiveDate,
        /// Date of the previous event.
        previous: NaiveDate,
    },
    /// A lifecycle history that does not start with a `Draft` (or is empty).
    #[error("a contract lifecycle must start as Draft, got {first:?}")]
    LifecycleStart {
        /// The first state given, `None` for an empty history.
        first: Option<ContractState>,
    },
    /// Amounts in different currencies where one is required.
    #[error("{what} of {id} is in {found}, expected {expected}")]
    CurrencyMismatch {
        /// Which amount.
        what: Field,
        /// The invoice, payment, customer, contract or credit note it belongs to.
        id: String,
        /// Currency required.
        expected: Currency,
        /// Currency found.
        found: Currency,
    },
    /// A negative amount where only zero or more makes sense.
    #[error("{what} of {id} must not be negative, got {amount}")]
    Negative {
        /// Which amount.
        what: Field,
        /// The invoice, payment, customer, contract or credit note it belongs to.
        id: String,
        /// The amount given.
        amount: Money,
    },
    /// A zero or negative amount where only a positive one makes sense (a payment, a credit
    /// note's total).
    #[error("{what} of {id} must be positive, got {amount}")]
    NotPositive {
        /// Which amount.
        what: Field,
        /// The payment it belongs to.
        id: String,
        /// The amount given.
        amount: Money,
    },
    /// An amount with digits below the currency's minor unit where a billed or paid amount is
    /// needed (an invoice line, a payment, a receivable, an amount applied, refunded or credited).
    #[error("{what} of {id} is {amount}, which is not rounded to the currency's minor unit")]
    NotRounded {
        /// Which amount.
        what: Field,
        /// The invoice line, payment, invoice or refund it belongs to.
        id: String,
        /// The amount given.
        amount: Money,
    },
    /// A negative quantity on an invoice line (a credit is a credit note, not a negative line).
    #[error("quantity of line {line:?} on {id} must not be negative, got {quantity}")]
    NegativeQuantity {
        /// The invoice (or draft's contract).
        id: String,
        /// The line's description.
        line: String,
        /// The quantity given.
        quantity: Decimal,
    },
    /// A tax rate outside `[0%, 100%]`.
    #[error("tax rate {rate} is outside [0%, 100%]")]
    TaxRateOutOfRange {
        /// The rate given.
        rate: Percent,
    },
    /// An id (invoice number, payment id) that is empty.
    #[error("{what} must not be empty")]
    EmptyId {
        /// Which id.
        what: &'static str,
    },
    /// An invoice with no lines.
    #[error("invoice {invoice} has no lines")]
    NoLines {
        /// Invoice number.
        invoice: String,
    },
    /// An invoice or receivable due before it is issued.
    #[error("invoice {invoice} is due on {due_date}, before its issue date {issue_date}")]
    DueBeforeIssue {
        /// Invoice number.
        invoice: String,
        /// Issue date.
        issue_date: NaiveDate,
        /// Due date.
        due_date: NaiveDate,
    },
    /// An invoice line whose net and tax do not add up to its gross.
    #[error("line {line:?} of {id}: net {net} + tax {tax} is not its gross {gross}")]
    LineDoesNotTie {
        /// The invoice.
        id: String,
        /// The line's description.
        line: String,
        /// Net given.
        net: Money,
        /// Tax given.
        tax: Money,
        /// Gross given.
        gross: Money,
    },
    /// An invoice or credit note whose stated total is not the sum of its lines.
    #[error("{what} of {id} is stated as {stated} but its lines sum to {lines}")]
    TotalDoesNotTie {
        /// Which total ("subtotal", "tax", "total").
        what: &'static str,
        /// The invoice or credit note.
        id: String,
        /// The total given.
        stated: Money,
        /// The sum of the lines.
        lines: Money,
    },
    /// A credit larger than what is left to credit on a line.
    #[error("credit of {requested} on line {line} of invoice {invoice} exceeds the {available} still creditable")]
    CreditExceedsInvoiced {
        /// Invoice number.
        invoice: String,
        /// Line index.
        line: usize,
        /// What is left to credit.
        available: Money,
        /// What was asked.
        requested: Money,
    },
    /// A credit note that would take what the invoice's credit notes credit together above its
    /// total (notes issued without the ones before them).
    #[error("credit note {note} credits {requested} on invoice {invoice}, whose total of {total} is credited {credited} already")]
    CreditExceedsTotal {
        /// Credit note number.
        note: String,
        /// Invoice number.
        invoice: String,
        /// The invoice's total.
        total: Money,
        /// What its credit notes credit already.
        credited: Money,
        /// The note's total.
        requested: Money,
    },
    /// A credit note naming a line the invoice does not have.
    #[error("invoice {invoice} has no line {line}")]
    UnknownLine {
        /// Invoice number.
        invoice: String,
        /// Line index.
        line: usize,
    },
    /// A credit note, or a receivable lookup, naming an invoice the receivables do not hold.
    #[error("no receivable for invoice {invoice}")]
    UnknownInvoice {
        /// Invoice number.
        invoice: String,
    },
    /// A payment naming an invoice its customer does not have.
    #[error("payment {payment} names invoice {invoice}, which customer {customer} does not have")]
    NotTheCustomersInvoice {
        /// Payment id.
        payment: String,
        /// The paying customer.
        customer: String,
        /// Invoice number.
        invoice: String,
    },
    /// An invoice given to reconcile one contract that bills another.
    #[error("invoice {invoice} bills contract {invoice_contract}, not contract {contract}")]
    NotTheContractsInvoice {
        /// The contract reconciled.
        contract: String,
        /// Invoice number.
        invoice: String,
        /// The contract the invoice bills.
        invoice_contract: String,
    },
    /// An invoice given twice to a computation that counts each once.
    #[error("invoice {invoice} is given twice")]
    InvoiceGivenTwice {
        /// Invoice number.
        invoice: String,
    },
    /// Applying more to an invoice than is open on it.
    #[error("payment {payment} applies {requested} to invoice {invoice}, above its open balance {open}")]
    OverApplication {
        /// Payment id (or `"credit balance"` when a customer's credit is used).
        payment: String,
        /// Invoice number.
        invoice: String,
        /// Open balance.
        open: Money,
        /// What was asked.
        requested: Money,
    },
    /// Remittance lines that add up to more than the payment.
    #[error("payment {payment} applies {requested} to invoice {invoice}, above the {left} left of the payment")]
    ExceedsPayment {
        /// Payment id.
        payment: String,
        /// Invoice number.
        invoice: String,
        /// What was left of the payment.
        left: Money,
        /// What was asked.
        requested: Money,
    },
    /// A payment in a currency none of the customer's open receivables is in.
    #[error("payment {payment} is in {currency}, but customer {customer} has open receivables only in {open_in:?}")]
    NoOpenReceivableInCurrency {
        /// Payment id.
        payment: String,
        /// Customer.
        customer: String,
        /// The payment's currency.
        currency: Currency,
        /// The currencies the customer does owe in.
        open_in: Vec<Currency>,
    },
    /// A payment id already applied with different content (another amount, customer, date or
    /// application rule).
    #[error("payment {payment} was already applied with different content; a payment id names one payment")]
    PaymentConflict {
        /// Payment id.
        payment: String,
    },
    /// A payment id that was applied and then reversed, delivered again.
    #[error("payment {payment} was reversed; it cannot be applied again")]
    PaymentReversed {
        /// Payment id.
        payment: String,
    },
    /// A payment id the ledger has never seen.
    #[error("no payment {payment} in the ledger")]
    UnknownPayment {
        /// Payment id.
        payment: String,
    },
    /// Reversing a payment whose unapplied rest has since been used or refunded.
    #[error(
        "reversing payment {payment} takes {needed} back from customer {customer}'s credit balance, which holds only {balance}"
    )]
    ReversalExceedsCredit {
        /// Payment id.
        payment: String,
        /// Customer.
        customer: String,
        /// The credit balance now.
        balance: Money,
        /// What the reversal must take back.
        needed: Money,
    },
    /// An invoice number that comes back in an import after another invoice's rows (one
    /// invoice's rows are consecutive).
    #[error("invoice {invoice} comes back after another invoice's rows")]
    InvoiceNumberRepeated {
        /// Invoice number.
        invoice: String,
    },
    /// An invoice number already in the receivables with different content.
    #[error("invoice {invoice} is already in the receivables with different content")]
    DuplicateInvoice {
        /// Invoice number.
        invoice: String,
    },
    /// A credit note posted against an account it cannot reverse: a credit note reduces what
    /// was billed, so it reverses revenue or deferred revenue.
    #[error("credit note {note} cannot reverse {account:?}: a credit note reverses Revenue or DeferredRevenue")]
    NotARevenueAccount {
        /// Credit note number.
        note: String,
        /// The account given.
        account: crate::ledger::Account,
    },
    /// A credit note application that is not the note's (another note or invoice, or amounts
    /// that are not the note's total split into what came off the invoice and what went to
    /// the customer's credit).
    #[error("the application given for credit note {note} is not that note's: {reason}")]
    NotTheNotesApplication {
        /// Credit note number.
        note: String,
        /// What does not match.
        reason: &'static str,
    },
    /// A receivable read as of a date before its last payment or credit: its balance holds
    /// what came after, so the figure would be wrong. Pass receivables as they stood on the date
    /// ([`ArLedger::receivables_as_of`](super::ArLedger::receivables_as_of)).
    #[error(
        "invoice {invoice} was last paid or credited on {settled_on}, after {as_of}, the date it is read at: \
         pass the receivables as they stood on {as_of} (an ar ledger's receivables_as_of)"
    )]
    SettledAfter {
        /// Invoice number.
        invoice: String,
        /// Its last payment or credit.
        settled_on: NaiveDate,
        /// The date it was read at.
        as_of: NaiveDate,
    },
    /// A credit note number already applied with different content (or on another date).
    #[error("credit note {note} was already applied with different content or on another date")]
    CreditNoteConflict {
        /// Credit note number.
        note: String,
    },
    /// A refund id already refunded with different content (another customer, amount,
    /// currency or date).
    #[error("refund {refund} was already made with different content; a refund id names one refund")]
    RefundConflict {
        /// Refund id.
        refund: String,
    },
    /// A credit-use id already used with different content (another invoice or date).
    #[error("credit use {id} was already made with different content; a credit-use id names one use of credit")]
    CreditUseConflict {
        /// Credit-use id.
        id: String,
    },
    /// A customer's credit balance listed twice (in a deserialised ledger).
    #[error("customer {customer} has two credit balances in {currency}")]
    DuplicateBalance {
        /// Customer.
        customer: String,
        /// Currency.
        currency: Currency,
    },
    /// Parts of a deserialised ledger or record that do not agree (a payment whose application
    /// does not add up to it, a settlement no payment accounts for, an id listed twice, a
    /// realised FX gain that is not the settled amount less the booked one).
    #[error("the ledger's record of {record} is inconsistent: {reason}")]
    InconsistentRecord {
        /// The payment, invoice or credit note.
        record: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A refund above the customer's credit balance.
    #[error("refund of {requested} exceeds customer {customer}'s credit balance of {balance}")]
    RefundExceedsBalance {
        /// Customer.
        customer: String,
        /// Balance.
        balance: Money,
        /// What was asked.
        requested: Money,
    },
    /// A reconciliation period that does not start and end on schedule period boundaries.
    #[error("period {period} does not line up with the periods of contract {contract}'s revenue schedule")]
    PeriodNotAligned {
        /// The contract.
        contract: String,
        /// The period asked for.
        period: Period,
    },
    /// A period with no days where days are needed.
    #[error("the {what} {period} has no days")]
    EmptyPeriod {
        /// Which period ("billing period", "service term").
        what: &'static str,
        /// The period given.
        period: Period,
    },
    /// A date outside the period it must fall in.
    #[error("change date {date} is outside the billing period {period}")]
    DateOutsidePeriod {
        /// The date given.
        date: NaiveDate,
        /// The period.
        period: Period,
    },
    /// A dunning policy with no steps.
    #[error("a dunning policy needs at least one step")]
    NoDunningSteps,
    /// Dunning steps not in strictly increasing days past due.
    #[error("dunning step {index} at {days} days past due does not come after the step before it at {previous} days")]
    DunningStepsOutOfOrder {
        /// Position of the step.
        index: usize,
        /// Its days past due.
        days: u32,
        /// The previous step's days past due.
        previous: u32,
    },
    /// DSO over no sales.
    #[error("days sales outstanding needs positive credit sales, got {credit_sales}")]
    NoSales {
        /// The credit sales given.
        credit_sales: Money,
    },
    /// DSO over a period of zero days.
    #[error("days sales outstanding needs a period of at least one day")]
    NoDays,
    /// Money arithmetic failed on a named amount.
    #[error("{what} of {id}: {source}")]
    Arithmetic {
        /// What was being computed.
        what: &'static str,
        /// The invoice, payment, customer or contract.
        id: String,
        /// The arithmetic error (boxed: it is the largest variant by far).
        source: Box<MoneyError>,
    },
    /// Rows of one invoice that disagree on its header (customer, contract, currency, dates).
    #[error("the rows of invoice {invoice} disagree on its customer, contract, currency or dates")]
    RowHeaderDiffers {
        /// The invoice number.
        invoice: String,
    },
    /// A row with a service start and no end, or an end and no start.
    #[error("a line of invoice {invoice} has only one end of its service period")]
    HalfAServicePeriod {
        /// The invoice number.
        invoice: String,
    },
    /// A count above its documented limit.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendar arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// Revenue schedule failed.
    #[error(transparent)]
    RevRec(#[from] RevRecError),
    /// Journal entry failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// `Ok` when `m` is in `expected`; otherwise a mismatch naming `what` of `id`.
pub(crate) fn same_currency(what: Field, id: &str, expected: Currency, m: &Money) -> Result<(), BillingError> {
    if m.currency() == expected {
        Ok(())
    } else {
        Err(BillingError::CurrencyMismatch { what, id: id.to_string(), expected, found: m.currency() })
    }
}

/// `Ok(m)` when `m` has no digits below its currency's minor unit; otherwise
/// [`BillingError::NotRounded`] naming `what` of `id`.
pub(crate) fn rounded(what: Field, id: &str, m: Money) -> Result<Money, BillingError> {
    if !m.is_rounded() {
        return Err(BillingError::NotRounded { what, id: id.to_string(), amount: m });
    }
    Ok(m)
}

/// `Ok(m)` when `m` is zero or more; otherwise [`BillingError::Negative`] naming `what` of `id`.
pub(crate) fn not_negative(what: Field, id: &str, m: Money) -> Result<Money, BillingError> {
    if m.is_negative() {
        return Err(BillingError::Negative { what, id: id.to_string(), amount: m });
    }
    Ok(m)
}

/// Says which amount of which invoice / payment an arithmetic error came from (jiff's
/// `ErrorContext` habit): `a.checked_add(b).context("amount paid", &invoice)?`.
pub(crate) trait Context<T> {
    /// Wrap the error in [`BillingError::Arithmetic`].
    fn context(self, what: &'static str, id: &str) -> Result<T, BillingError>;

    /// [`Context::context`] with the id made only on failure (for loops over many records,
    /// where formatting an id for every one would cost more than the arithmetic).
    fn context_with(self, what: &'static str, id: impl FnOnce() -> String) -> Result<T, BillingError>;
}

impl<T> Context<T> for Result<T, MoneyError> {
    fn context(self, what: &'static str, id: &str) -> Result<T, BillingError> {
        self.context_with(what, || id.to_string())
    }

    fn context_with(self, what: &'static str, id: impl FnOnce() -> String) -> Result<T, BillingError> {
        self.map_err(|source| BillingError::Arithmetic { what, id: id(), source: Box::new(source) })
    }
}
