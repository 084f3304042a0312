use chrono::NaiveDate;

use super::ContractState;
use crate::calendar::CalendarError;
use crate::ledger::LedgerError;
use crate::money::{Currency, Money, MoneyError};
use crate::revrec::RevRecError;

/// What went wrong turning contracts into invoices and cash.
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
    /// Amounts in different currencies where one is required.
    #[error("{what}: expected {expected}, found {found}")]
    CurrencyMismatch {
        /// Which amount.
        what: String,
        /// Currency required.
        expected: Currency,
        /// Currency found.
        found: Currency,
    },
    /// A negative quantity, price or amount where only zero or more makes sense.
    #[error("{0} must not be negative")]
    Negative(String),
    /// A tax rate below zero.
    #[error("tax rate {0} is negative")]
    InvalidTaxRate(rust_decimal::Decimal),
    /// An invoice with no lines.
    #[error("invoice for {0} has no lines")]
    NoLines(String),
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
    /// A credit note naming a line the invoice does not have.
    #[error("invoice {invoice} has no line {line}")]
    UnknownLine {
        /// Invoice number.
        invoice: String,
        /// Line index.
        line: usize,
    },
    /// A payment or credit naming an invoice that is not there.
    #[error("no open invoice {0}")]
    UnknownInvoice(String),
    /// Applying more to an invoice than is open on it.
    #[error("applying {requested} to invoice {invoice} exceeds its open balance {open}")]
    OverApplication {
        /// Invoice number.
        invoice: String,
        /// Open balance.
        open: Money,
        /// What was asked.
        requested: Money,
    },
    /// A refund above the customer's credit balance.
    #[error("refund of {requested} exceeds the customer's credit balance of {balance}")]
    RefundExceedsBalance {
        /// Balance.
        balance: Money,
        /// What was asked.
        requested: Money,
    },
    /// A reconciliation period that does not start and end on schedule period boundaries.
    #[error("period {0} does not line up with the revenue schedule's periods")]
    PeriodNotAligned(String),
    /// A policy or term that cannot work (no dunning steps, zero-day period…).
    #[error("{0}")]
    InvalidPolicy(String),
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

pub(crate) fn same_currency(what: &str, expected: Currency, m: &Money) -> Result<(), BillingError> {
    if m.currency() == expected {
        Ok(())
    } else {
        Err(BillingError::CurrencyMismatch { what: what.to_string(), expected, found: m.currency() })
    }
}
