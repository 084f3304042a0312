//! Deferred revenue and contract balances: waterfall, rollforward, asset vs liability, and the
//! journal entries that record them.

use chrono::NaiveDate;

use super::{ContractSchedule, RevRecError};
use crate::calendar::Period;
use crate::ledger::{Account, JournalEntry, JournalLine, LedgerSink};
use crate::money::{Currency, Money};

/// An amount billed to the customer under a contract (an invoice line, net of tax).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Billing {
    /// Invoice date.
    pub date: NaiveDate,
    /// Amount billed (a credit note is negative).
    pub amount: Money,
}

/// A contract's net position: billed minus recognised. Positive is a contract liability
/// (deferred revenue); negative a contract asset (unbilled receivable). ASC 606-10-45-1 presents
/// each contract net, as one or the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContractPosition {
    /// Billed minus recognised.
    pub net: Money,
}

impl ContractPosition {
    /// The contract liability (deferred revenue), zero when the position is an asset.
    pub fn liability(&self) -> Money {
        if self.net.is_negative() {
            Money::zero(self.net.currency())
        } else {
            self.net
        }
    }

    /// The contract asset (unbilled receivable), zero when the position is a liability.
    pub fn asset(&self) -> Money {
        if self.net.is_negative() {
            -self.net
        } else {
            Money::zero(self.net.currency())
        }
    }
}

/// One period of a deferred revenue rollforward:
/// `opening + billed − recognised = closing`, in net terms, to the cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RollforwardRow {
    /// The period.
    pub period: Period,
    /// Position at the start.
    pub opening: ContractPosition,
    /// Billed in the period.
    pub billed: Money,
    /// Recognised in the period.
    pub recognised: Money,
    /// Position at the end.
    pub closing: ContractPosition,
}

/// A contract's rollforward over its schedule's periods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rollforward {
    /// The contract's id.
    pub contract_id: String,
    /// One row per period.
    pub rows: Vec<RollforwardRow>,
    /// Billed after the last period (not in any row, but not lost either).
    pub billed_after: Money,
}

fn billed_in(currency: Currency, billings: &[Billing], keep: impl Fn(NaiveDate) -> bool) -> Result<Money, RevRecError> {
    Ok(Money::sum(currency, billings.iter().filter(|b| keep(b.date)).map(|b| b.amount))?)
}

impl ContractSchedule {
    /// The rollforward of this contract's net position given what was billed. Billings before the
    /// first period are in the opening position, those after the last in `billed_after`.
    pub fn rollforward(&self, billings: &[Billing]) -> Result<Rollforward, RevRecError> {
        let c = self.currency;
        for b in billings {
            if b.amount.currency() != c {
                return Err(RevRecError::CurrencyMismatch {
                    contract: self.contract_id.clone(),
                    what: format!("billing of {}", b.date),
                    expected: c,
                    found: b.amount.currency(),
                });
            }
        }
        let first = self.periods.first().map(Period::start).unwrap_or(NaiveDate::MIN);
        let last = self.periods.last().map(Period::end).unwrap_or(NaiveDate::MIN);
        let mut net = billed_in(c, billings, |d| d < first)?.checked_sub(self.total_before()?)?;
        let totals = self.period_totals()?;
        let mut rows = Vec::with_capacity(self.periods.len());
        for (p, recognised) in self.periods.iter().zip(totals) {
            let billed = billed_in(c, billings, |d| p.contains(d))?;
            let opening = ContractPosition { net };
            net = net.checked_add(billed)?.checked_sub(recognised)?;
            rows.push(RollforwardRow { period: *p, opening, billed, recognised, closing: ContractPosition { net } });
        }
        Ok(Rollforward {
            contract_id: self.contract_id.clone(),
            rows,
            billed_after: billed_in(c, billings, |d| d >= last)?,
        })
    }

    /// Unrecognised revenue by future period: for each period starting on or after `from`, what
    /// will be recognised in it, plus what lies beyond the last period.
    pub fn waterfall(&self, from: NaiveDate) -> Result<WaterfallRow, RevRecError> {
        let totals = self.period_totals()?;
        let (periods, amounts): (Vec<Period>, Vec<Money>) =
            self.periods.iter().zip(totals).filter(|(p, _)| p.start() >= from).map(|(p, m)| (*p, m)).unzip();
        Ok(WaterfallRow { contract_id: self.contract_id.clone(), periods, amounts, beyond: self.total_after()? })
    }

    /// Post the contract's billings and revenue to a ledger, one entry per billing and one per
    /// period with revenue, splitting each between deferred revenue and contract asset so that
    /// the ledger's balances equal [`ContractPosition`]'s. Billings in a period post before its
    /// revenue. Returns the number of entries posted.
    pub fn post_journal<L: LedgerSink + ?Sized>(
        &self,
        billings: &[Billing],
        ledger: &mut L,
    ) -> Result<usize, RevRecError> {
        let rf = self.rollforward(billings)?;
        let c = self.currency;
        let mut net = rf.rows.first().map(|r| r.opening.net).unwrap_or(Money::zero(c));
        let mut posted = 0;
        let mut sorted: Vec<&Billing> = billings.iter().collect();
        sorted.sort_by_key(|b| b.date);
        for row in &rf.rows {
            for b in sorted.iter().filter(|b| row.period.contains(b.date)) {
                let after = net.checked_add(b.amount)?;
                let lines = vec![line(Account::AccountsReceivable, b.amount)]
                    .into_iter()
                    .chain(position_lines(net, after)?)
                    .collect();
                ledger.post(JournalEntry::new(b.date, &self.contract_id, "billing", lines)?)?;
                net = after;
                posted += 1;
            }
            if !row.recognised.is_zero() {
                let after = net.checked_sub(row.recognised)?;
                let mut lines = position_lines(net, after)?;
                lines.push(line(Account::Revenue, -row.recognised));
                let date = row.period.last_day().unwrap_or(row.period.start());
                ledger.post(JournalEntry::new(date, &self.contract_id, "revenue recognised", lines)?)?;
                net = after;
                posted += 1;
            }
        }
        Ok(posted)
    }
}

fn line(account: Account, amount: Money) -> JournalLine {
    JournalLine { account, amount }
}

/// Lines that move the balance sheet from net position `from` to `to` (debit positive): the
/// liability is a credit balance, the asset a debit balance.
fn position_lines(from: Money, to: Money) -> Result<Vec<JournalLine>, RevRecError> {
    let (a, b) = (ContractPosition { net: from }, ContractPosition { net: to });
    Ok(vec![
        line(Account::DeferredRevenue, a.liability().checked_sub(b.liability())?),
        line(Account::ContractAsset, b.asset().checked_sub(a.asset())?),
    ])
}

/// One contract's row of a deferred revenue waterfall.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WaterfallRow {
    /// The contract's id.
    pub contract_id: String,
    /// Future periods.
    pub periods: Vec<Period>,
    /// Revenue to be recognised in each.
    pub amounts: Vec<Money>,
    /// Revenue beyond the last period.
    pub beyond: Money,
}
