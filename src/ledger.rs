//! Journal entries and the [`LedgerSink`] port through which engines post them to a general ledger
//! (NetSuite, an in-house GL, …). Shared by `revrec` and `billing`, so it sits at the bottom.
//!
//! Amounts on a line are signed: a debit is positive and a credit negative, so an entry balances
//! exactly when its lines sum to zero — which [`JournalEntry::new`] checks.
//!
//! To import entries into a GL, [`gl_rows`] turns them into flat debit/credit rows with the
//! caller's account codes ([`ChartOfAccounts`], [`AccountMap`]).

use chrono::NaiveDate;

mod export;
pub use export::{gl_rows, AccountMap, ChartOfAccounts, GlRow};

use crate::money::{Currency, Money, MoneyError};

/// The accounts the engines post to. Callers map them onto their chart of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
///
/// Valid by construction: at least one line, none zero, all in one currency, summing to zero.
/// JSON goes through [`JournalEntry::new`] too, so an unbalanced, empty or mixed-currency entry
/// is refused on the way in.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::ledger::{Account, JournalEntry, JournalLine};
/// use revops::{Currency, Money};
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
/// let line = |account, amount| JournalLine { account, amount };
/// let entry = JournalEntry::new(day, "C-1", "recognise", vec![line(Account::DeferredRevenue, usd("10")), line(Account::Revenue, usd("-10"))])?;
/// assert_eq!(entry.net(Account::Revenue)?, usd("-10"));
/// assert!(JournalEntry::new(day, "C-1", "half", vec![line(Account::Revenue, usd("-10"))]).is_err());
/// # Ok::<(), revops::ledger::LedgerError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "JournalEntryRepr"))]
pub struct JournalEntry {
    date: NaiveDate,
    reference: String,
    memo: String,
    lines: Vec<JournalLine>,
    /// Every line's currency (derived, not serialised).
    #[cfg_attr(feature = "serde", serde(skip_serializing))]
    currency: Currency,
}

deserialize_via!(
    JournalEntry,
    JournalEntryRepr { date: NaiveDate, reference: String, memo: String, lines: Vec<JournalLine> },
    LedgerError,
    |r| JournalEntry::new(r.date, r.reference, r.memo, r.lines)
);

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
    /// A chart of accounts with no code for an account the entries post to.
    #[error("the chart of accounts has no code for {account:?} in {currency} (entry {reference})")]
    UnmappedAccount {
        /// The engines' account.
        account: Account,
        /// The line's currency.
        currency: Currency,
        /// The entry that needs it.
        reference: String,
    },
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
    /// A balanced entry; zero lines are dropped.
    ///
    /// # Errors
    /// [`LedgerError::Empty`] when no non-zero line is left, [`LedgerError::MixedCurrencies`],
    /// [`LedgerError::Unbalanced`] when the lines do not sum to zero, or an overflowing sum.
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
        Ok(JournalEntry { date, reference, memo: memo.into(), lines, currency })
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
        self.currency
    }

    /// The net movement on one account in this entry.
    ///
    /// # Errors
    /// [`LedgerError::Money`] when the account's lines overflow (the entry's whole sum is zero,
    /// but one account's lines can exceed `Decimal`'s range): never a silent zero.
    pub fn net(&self, account: Account) -> Result<Money, LedgerError> {
        let lines = self.lines.iter().filter(|l| l.account == account).map(|l| l.amount);
        Ok(Money::sum(self.currency, lines)?)
    }
}

/// Integration port: where journal entries go (the caller's general ledger).
pub trait LedgerSink {
    /// Post one balanced entry.
    ///
    /// # Errors
    /// The ledger refuses the entry ([`LedgerError::Refused`]: a closed period, an unmapped
    /// account). A refused entry must leave the ledger as it was.
    fn post(&mut self, entry: JournalEntry) -> Result<(), LedgerError>;
}

/// A ledger kept in memory, for tests and examples: it keeps every entry and sums balances.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::ledger::{Account, InMemoryLedger, JournalEntry, JournalLine, LedgerSink};
    /// use revops::{Currency, Money};
    /// let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let mut ledger = InMemoryLedger::new();
    /// ledger.post(JournalEntry::new(day, "INV-1", "billing", vec![
    ///     JournalLine { account: Account::AccountsReceivable, amount: usd("120") },
    ///     JournalLine { account: Account::DeferredRevenue, amount: usd("-120") },
    /// ])?)?;
    /// assert_eq!(ledger.balance(Account::DeferredRevenue, Currency::USD)?, usd("-120")); // a credit balance
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A balance beyond `Decimal`'s range.
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
        assert_eq!(ok.net(Account::Revenue).unwrap(), usd("-10"));
        let bad = JournalEntry::new(day, "C-1", "x", vec![line(Account::Revenue, usd("-10"))]);
        assert!(matches!(bad, Err(LedgerError::Unbalanced { .. })));
        assert!(matches!(JournalEntry::new(day, "C-1", "x", vec![]), Err(LedgerError::Empty(_))));
        let mut ledger = InMemoryLedger::new();
        ledger.post(ok).unwrap();
        assert_eq!(ledger.balance(Account::Revenue, Currency::USD).unwrap(), usd("-10"));
    }

    #[test]
    fn an_account_net_that_overflows_is_an_error_not_zero() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let line = |account, amount| JournalLine { account, amount: Money::new(amount, Currency::USD) };
        // balanced in this order (MAX − MAX + MAX − MAX), but Revenue alone is 2 × MAX
        let entry = JournalEntry::new(
            day,
            "C-1",
            "x",
            vec![
                line(Account::Revenue, rust_decimal::Decimal::MAX),
                line(Account::Cash, rust_decimal::Decimal::MIN),
                line(Account::Revenue, rust_decimal::Decimal::MAX),
                line(Account::Cash, rust_decimal::Decimal::MIN),
            ],
        )
        .unwrap();
        assert!(matches!(entry.net(Account::Revenue), Err(LedgerError::Money(MoneyError::Overflow(_)))));
    }
}
