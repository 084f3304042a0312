//! Journal entries out to a general ledger: flat rows, one per line, with the caller's account
//! codes, ready for a GL import file (NetSuite, Xero, an in-house GL) or a CSV writer.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Account, JournalEntry, LedgerError};
use crate::money::Currency;

/// The caller's chart of accounts: which GL account code each of the engines' accounts posts to,
/// possibly per currency (a separate receivables account for EUR, say).
pub trait ChartOfAccounts {
    /// The code for `account` in `currency`, or `None` when the chart has none.
    fn code(&self, account: Account, currency: Currency) -> Option<&str>;
}

/// A chart of accounts kept in memory: one code per account, with optional per-currency
/// overrides.
///
/// ```
/// use revops::ledger::{Account, AccountMap, ChartOfAccounts};
/// use revops::Currency;
/// let chart = AccountMap::new()
///     .with(Account::Revenue, "4000")
///     .with(Account::AccountsReceivable, "1200")
///     .with_currency(Account::AccountsReceivable, Currency::EUR, "1210");
/// assert_eq!(chart.code(Account::AccountsReceivable, Currency::EUR), Some("1210"));
/// assert_eq!(chart.code(Account::AccountsReceivable, Currency::USD), Some("1200"));
/// assert_eq!(chart.code(Account::Cash, Currency::USD), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AccountMap {
    codes: BTreeMap<Account, String>,
    /// JSON: a list of `{"account", "currency", "code"}` (a JSON object's keys must be text);
    /// the empty object `{}` an earlier version wrote for none also reads.
    #[cfg_attr(feature = "serde", serde(with = "by_currency"))]
    by_currency: BTreeMap<(Account, Currency), String>,
}

/// The per-currency codes as a list, refusing an account and currency given twice.
#[cfg(feature = "serde")]
mod by_currency {
    use std::collections::BTreeMap;
    use std::fmt;

    use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{Account, Currency};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        account: Account,
        currency: Currency,
        code: String,
    }

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<(Account, Currency), String>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let entries: Vec<Entry> =
            map.iter().map(|(&(account, currency), code)| Entry { account, currency, code: code.clone() }).collect();
        entries.serialize(s)
    }

    /// A list of entries, or the empty object an earlier version wrote when there were none
    /// (a non-empty one it could not write); an entry's own error is kept.
    struct Entries;

    impl<'de> Visitor<'de> for Entries {
        type Value = Vec<Entry>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of {\"account\", \"currency\", \"code\"}")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Entry>, A::Error> {
            let mut entries = Vec::new();
            while let Some(e) = seq.next_element()? {
                entries.push(e);
            }
            Ok(entries)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Entry>, A::Error> {
            match map.next_key::<IgnoredAny>()? {
                None => Ok(Vec::new()),
                Some(_) => Err(serde::de::Error::invalid_type(serde::de::Unexpected::Map, &self)),
            }
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<(Account, Currency), String>, D::Error> {
        // `{}` is only told from a list by a self-describing format; others read the list
        let entries = if d.is_human_readable() { d.deserialize_any(Entries)? } else { d.deserialize_seq(Entries)? };
        let mut map = BTreeMap::new();
        for e in entries {
            if map.insert((e.account, e.currency), e.code).is_some() {
                return Err(serde::de::Error::custom(format!(
                    "the chart of accounts gives {:?} in {} more than one code",
                    e.account, e.currency
                )));
            }
        }
        Ok(map)
    }
}

impl AccountMap {
    /// An empty chart.
    pub fn new() -> AccountMap {
        AccountMap::default()
    }

    /// Post `account` to `code`.
    pub fn with(mut self, account: Account, code: impl Into<String>) -> AccountMap {
        self.codes.insert(account, code.into());
        self
    }

    /// Post `account` in `currency` to `code`, ahead of the account's general code.
    pub fn with_currency(mut self, account: Account, currency: Currency, code: impl Into<String>) -> AccountMap {
        self.by_currency.insert((account, currency), code.into());
        self
    }
}

impl ChartOfAccounts for AccountMap {
    fn code(&self, account: Account, currency: Currency) -> Option<&str> {
        self.by_currency.get(&(account, currency)).or_else(|| self.codes.get(&account)).map(String::as_str)
    }
}

/// One journal line as a GL import row. Debit and credit are both non-negative and one of them
/// is zero; an entry's rows share its date, reference and memo, and its debits equal its credits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct GlRow {
    /// Posting date.
    pub date: NaiveDate,
    /// The entry's reference (contract or invoice id).
    pub reference: String,
    /// The entry's memo.
    pub memo: String,
    /// The line's position in its entry, from 1.
    pub line: usize,
    /// The caller's account code.
    pub account: String,
    /// Debit amount (zero on a credit line).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub debit: Decimal,
    /// Credit amount (zero on a debit line).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub credit: Decimal,
    /// Currency of both amounts.
    pub currency: Currency,
}

/// Every line of `entries` as a [`GlRow`], in order, with codes from `chart`.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::ledger::{gl_rows, Account, AccountMap, JournalEntry, JournalLine};
/// use revops::{Currency, Money};
/// let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let entry = JournalEntry::new(day, "C-1", "revenue recognised", vec![
///     JournalLine { account: Account::DeferredRevenue, amount: usd("100") },
///     JournalLine { account: Account::Revenue, amount: usd("-100") },
/// ])?;
/// let chart = AccountMap::new().with(Account::DeferredRevenue, "2400").with(Account::Revenue, "4000");
/// let rows = gl_rows(&[entry], &chart)?;
/// assert_eq!((rows[0].account.as_str(), rows[0].debit), ("2400", usd("100").amount()));
/// assert_eq!((rows[1].account.as_str(), rows[1].credit), ("4000", usd("100").amount()));
/// # Ok::<(), revops::ledger::LedgerError>(())
/// ```
///
/// # Errors
/// [`LedgerError::UnmappedAccount`] naming the first account (and currency) the chart has no code
/// for; no rows are returned then, so a GL import never gets half a journal.
pub fn gl_rows<C: ChartOfAccounts + ?Sized>(entries: &[JournalEntry], chart: &C) -> Result<Vec<GlRow>, LedgerError> {
    let mut rows = Vec::with_capacity(entries.iter().map(|e| e.lines().len()).sum());
    for entry in entries {
        for (i, l) in entry.lines().iter().enumerate() {
            let currency = l.amount.currency();
            let code = chart.code(l.account, currency).ok_or_else(|| LedgerError::UnmappedAccount {
                account: l.account,
                currency,
                reference: entry.reference().to_string(),
            })?;
            rows.push(GlRow {
                date: entry.date(),
                reference: entry.reference().to_string(),
                memo: entry.memo().to_string(),
                line: i + 1,
                account: code.to_string(),
                debit: l.debit().amount(),
                credit: l.credit().amount(),
                currency,
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::JournalLine;
    use crate::money::Money;

    #[test]
    fn an_unmapped_account_returns_no_rows() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
        let line = |account, amount| JournalLine { account, amount };
        let entry = JournalEntry::new(
            day,
            "INV-1",
            "billing",
            vec![line(Account::AccountsReceivable, usd("50")), line(Account::DeferredRevenue, usd("-50"))],
        )
        .unwrap();
        let chart = AccountMap::new().with(Account::AccountsReceivable, "1200");
        let err = gl_rows(std::slice::from_ref(&entry), &chart).unwrap_err();
        assert_eq!(
            err,
            LedgerError::UnmappedAccount {
                account: Account::DeferredRevenue,
                currency: Currency::USD,
                reference: "INV-1".into()
            }
        );
        let rows = gl_rows(&[entry], &chart.with(Account::DeferredRevenue, "2400")).unwrap();
        let debits: Decimal = rows.iter().map(|r| r.debit).sum();
        let credits: Decimal = rows.iter().map(|r| r.credit).sum();
        assert_eq!(debits, credits);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2]);
    }
}
