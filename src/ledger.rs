//! Journal entries and the [`LedgerSink`] port through which engines post them to a general ledger
//! (NetSuite, an in-house GL, …). Shared by `revrec` and `billing`, so it sits at the bottom.
//!
//! Amounts on a line are signed: a debit is positive and a credit negative, so an entry balances
//! exactly when its lines sum to zero — which [`JournalEntry::new`] checks.

use chrono::NaiveDate;

use crate::money::{Currency, Money, MoneyError};

/// The accounts the engines post to. Callers map them onto their chart of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Account {
    /// Recognised revenue.
    Revenue,
    /// Contract liability: billed (or received) ahead of revenue.
    DeferredRevenue,
    /// Contract asset / unbilled receivable: revenue recognised ahead of billing.
    ContractAsset,
    /// Trade receivables.
    AccountsReceivable,
    /// Cash.
    Cash,
    /// Sales tax collected and owed.
    TaxPayable,
    /// Customer credit balance (overpayments, unapplied cash).
    CustomerCredit,
    /// Realised foreign-exchange gain (credit) or loss (debit).
    FxGainLoss,
}

/// One line of a journal entry: a signed amount on an account (debit positive, credit negative).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct JournalLine {
    /// The account.
    pub account: Account,
    /// Debit when positive, credit when negative.
    pub amount: Money,
}

impl JournalLine {
    /// The debit side (zero for a credit line).
    pub fn debit(&self) -> Money {
        if self.amount.is_negative() {
            Money::zero(self.amount.currency())
        } else {
            self.amount
        }
    }

    /// The credit side as a positive amount (zero for a debit line).
    pub fn credit(&self) -> Money {
        if self.amount.is_negative() {
            -self.amount
        } else {
            Money::zero(self.amount.currency())
        }
    }
}

/// A balanced journal entry in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct JournalEntry {
    date: NaiveDate,
    reference: String,
    memo: String,
    lines: Vec<JournalLine>,
}

/// What is wrong with a journal entry, or why a sink refused it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The lines do not sum to zero.
    #[error("journal entry {reference} does not balance: debits minus credits = {imbalance}")]
    Unbalanced {
        /// The entry's reference.
        reference: String,
        /// The imbalance.
        imbalance: Money,
    },
    /// Lines in more than one currency.
    #[error("journal entry {0} mixes currencies")]
    MixedCurrencies(String),
    /// An entry with no lines.
    #[error("journal entry {0} has no lines")]
    Empty(String),
    /// Arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The caller's ledger refused the entry.
    #[error("ledger refused entry {reference}: {reason}")]
    Refused {
        /// The entry's reference.
        reference: String,
        /// The ledger's reason.
        reason: String,
    },
}

impl JournalEntry {
    /// A balanced entry; zero lines are dropped, and an unbalanced or mixed-currency entry is an error.
    pub fn new(
        date: NaiveDate,
        reference: impl Into<String>,
        memo: impl Into<String>,
        lines: Vec<JournalLine>,
    ) -> Result<JournalEntry, LedgerError> {
        let reference = reference.into();
        let lines: Vec<JournalLine> = lines.into_iter().filter(|l| !l.amount.is_zero()).collect();
        let currency = match lines.first() {
            Some(l) => l.amount.currency(),
            None => return Err(LedgerError::Empty(reference)),
        };
        if lines.iter().any(|l| l.amount.currency() != currency) {
            return Err(LedgerError::MixedCurrencies(reference));
        }
        let imbalance = Money::sum(currency, lines.iter().map(|l| l.amount))?;
        if !imbalance.is_zero() {
            return Err(LedgerError::Unbalanced { reference, imbalance });
        }
        Ok(JournalEntry { date, reference, memo: memo.into(), lines })
    }

    /// Posting date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The caller-visible reference (contract or invoice id).
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// A human description.
    pub fn memo(&self) -> &str {
        &self.memo
    }

    /// The lines (debits positive, credits negative; they sum to zero).
    pub fn lines(&self) -> &[JournalLine] {
        &self.lines
    }

    /// The entry's currency.
    pub fn currency(&self) -> Currency {
        self.lines[0].amount.currency() // non-empty by construction
    }

    /// The net movement on one account in this entry.
    pub fn net(&self, account: Account) -> Money {
        let lines = self.lines.iter().filter(|l| l.account == account).map(|l| l.amount);
        Money::sum(self.currency(), lines).unwrap_or(Money::zero(self.currency()))
    }
}

/// Integration port: where journal entries go (the caller's general ledger).
pub trait LedgerSink {
    /// Post one balanced entry.
    fn post(&mut self, entry: JournalEntry) -> Result<(), LedgerError>;
}

/// A ledger kept in memory, for tests and examples: it keeps every entry and sums balances.
#[derive(Debug, Clone, Default)]
pub struct InMemoryLedger {
    entries: Vec<JournalEntry>,
}

impl InMemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every entry posted, in order.
    pub fn entries(&self) -> &[JournalEntry] {
        &self.entries
    }

    /// The balance of an account in a currency (debit positive).
    pub fn balance(&self, account: Account, currency: Currency) -> Result<Money, MoneyError> {
        let lines = self.entries.iter().flat_map(|e| e.lines.iter()).filter(|l| l.account == account);
        Money::sum(currency, lines.map(|l| l.amount).filter(|m| m.currency() == currency))
    }
}

impl LedgerSink for InMemoryLedger {
    fn post(&mut self, entry: JournalEntry) -> Result<(), LedgerError> {
        self.entries.push(entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_must_balance() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
        let line = |account, amount| JournalLine { account, amount };
        let ok = JournalEntry::new(
            day,
            "C-1",
            "recognise",
            vec![line(Account::DeferredRevenue, usd("10")), line(Account::Revenue, usd("-10"))],
        )
        .unwrap();
        assert_eq!(ok.lines()[1].credit(), usd("10"));
        assert_eq!(ok.net(Account::Revenue), usd("-10"));
        let bad = JournalEntry::new(day, "C-1", "x", vec![line(Account::Revenue, usd("-10"))]);
        assert!(matches!(bad, Err(LedgerError::Unbalanced { .. })));
        assert!(matches!(JournalEntry::new(day, "C-1", "x", vec![]), Err(LedgerError::Empty(_))));
        let mut ledger = InMemoryLedger::new();
        ledger.post(ok).unwrap();
        assert_eq!(ledger.balance(Account::Revenue, Currency::USD).unwrap(), usd("-10"));
    }
}
