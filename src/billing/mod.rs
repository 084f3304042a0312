//! Quote-to-cash operations: contract lifecycle, billing schedules, invoices and tax, mid-period
//! proration, credit notes, payments, collections, FX on settlement, and reconciliation with
//! revenue.
//!
//! Every amount on an invoice is rounded once, per line, to the currency's minor unit; totals
//! are sums of lines, so they tie by construction. A contract value billed in instalments
//! ([`BillingTerms::schedule_total`]) is spread over the periods by largest remainder, so the
//! instalments sum to it exactly. Tax comes from the caller's [`TaxCalculator`]; invoice
//! numbers come from the caller.
//!
//! Values that must agree are valid by construction, JSON included: an [`Invoice`] has lines
//! that sum to its totals, a [`Receivable`] never has negative payments or mixed currencies, a
//! [`Payment`] is positive, a [`DunningPolicy`] has ordered steps. Cash moves through an
//! [`ArLedger`], which applies payments all-or-nothing and once per payment id, credit notes
//! once per note number, refunds once per refund id and uses of credit once per credit-use id.
//! A receivable's balance is cumulative, so the readers that take a date ([`age_receivables`],
//! [`DunningPolicy::evaluate`], the executive snapshot) refuse one paid or credited after it
//! ([`BillingError::SettledAfter`]); [`ArLedger::receivables_as_of`] gives them as they stood.
//! [`reconcile_invoices`] ties billings, revenue, tax and cash for a contract;
//! [`tax_journal_entry`], [`payment_journal_entry`], [`credit_note_journal_entry`] and
//! [`refund_journal_entry`] post an invoice's tax, a payment, a credit note and a refund to the
//! general ledger, next to the revenue entries of
//! [`ContractSchedule::journal_entries`](crate::revrec::ContractSchedule::journal_entries), so
//! that its accounts receivable is the open receivables and its customer credit the customers'
//! credit balances.

mod ar_ledger;
mod collections;
mod credit;
mod cycle;
mod error;
mod invoice;
mod lifecycle;
mod payments;
mod proration;
mod receivable;
mod reconcile;
mod rows;
mod schedule;

pub use ar_ledger::{ArLedger, PaymentRecord, RefundRecord};
pub use collections::{
    age_receivables, days_sales_outstanding, on_time_collection, AgingBucket, AgingReport, DunningAction,
    DunningPolicy, DunningState, DunningStep, OnTimeCollection,
};
pub use credit::{CreditAmount, CreditNote, CreditNoteLine, CreditRequest};
pub use cycle::{summarise_cycle_times, CycleTime, CycleTimeSummary, QuoteToCash};
pub use error::{BillingError, Field};
pub use invoice::{FlatTax, Invoice, InvoiceDraft, InvoiceLine, LineDraft, TaxCalculator, TaxMode, TaxTreatment};
pub use lifecycle::{ContractLifecycle, ContractState};
pub use payments::{realised_fx, ApplicationRule, CreditNoteApplication, Payment, PaymentApplication, RealisedFx};
pub use proration::{prorate, PlanChange, Proration};
pub use receivable::{CustomerBalance, Receivable};
pub use reconcile::{
    credit_note_journal_entry, payment_journal_entry, reconcile, reconcile_invoices, refund_journal_entry,
    tax_journal_entry, CashReceipt, Reconciliation,
};
pub use rows::{invoices_from_rows, InvoiceRow};
pub use schedule::{BillingAlignment, BillingFrequency, BillingItem, BillingTerms, BillingTiming};
