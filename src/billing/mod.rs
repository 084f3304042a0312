//! Quote-to-cash operations: contract lifecycle, billing schedules, invoices and tax, mid-period
//! proration, credit notes, payments, collections, FX on settlement, and reconciliation with
//! revenue.
//!
//! Every amount on an invoice is rounded once, per line, to the currency's minor unit; totals
//! are sums of lines, so they tie by construction. Tax comes from the caller's
//! [`TaxCalculator`]; invoice numbers come from the caller.

mod collections;
mod credit;
mod cycle;
mod error;
mod invoice;
mod lifecycle;
mod payments;
mod proration;
mod reconcile;
mod schedule;

pub use collections::{
    age_receivables, days_sales_outstanding, on_time_collection, AgingBucket, AgingReport, DunningAction,
    DunningPolicy, DunningState, DunningStep, OnTimeCollection,
};
pub use credit::{CreditAmount, CreditNote, CreditNoteLine, CreditRequest};
pub use cycle::{summarise_cycle_times, CycleTime, CycleTimeSummary, QuoteToCash};
pub use error::BillingError;
pub use invoice::{FlatTax, Invoice, InvoiceDraft, InvoiceLine, LineDraft, TaxCalculator, TaxMode, TaxTreatment};
pub use lifecycle::{ContractLifecycle, ContractState};
pub use payments::{
    apply_payment, realised_fx, ApplicationRule, CustomerBalance, Payment, PaymentApplication, RealisedFx, Receivable,
};
pub use proration::{prorate, PlanChange, Proration};
pub use reconcile::{reconcile, CashReceipt, Reconciliation};
pub use schedule::{BillingAlignment, BillingFrequency, BillingItem, BillingTerms, BillingTiming};
