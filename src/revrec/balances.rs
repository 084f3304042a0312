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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Rollforward {
    /// The contract's id.
    pub contract_id: String,
    /// One row per period.
    pub rows: Vec<RollforwardRow>,
    /// Billed after the last period (not in any row, but not lost either).
    pub billed_after: Money,
}

impl Rollforward {
    /// The position once the billings after the last period are counted too: the last row's
    /// closing position plus [`Rollforward::billed_after`]. This is what
    /// [`ContractSchedule::post_journal`] leaves on deferred revenue and contract asset.
    ///
    /// # Errors
    /// An overflowing sum.
    pub fn end_position(&self) -> Result<ContractPosition, RevRecError> {
        let closing = self.rows.last().map_or(Money::zero(self.billed_after.currency()), |r| r.closing.net);
        Ok(ContractPosition { net: closing.checked_add(self.billed_after)? })
    }
}

fn billed_in(currency: Currency, billings: &[Billing], keep: impl Fn(NaiveDate) -> bool) -> Result<Money, RevRecError> {
    Ok(Money::sum(currency, billings.iter().filter(|b| keep(b.date)).map(|b| b.amount))?)
}

impl ContractSchedule {
    /// Every billing in the schedule's currency.
    fn check_billings(&self, billings: &[Billing]) -> Result<(), RevRecError> {
        match billings.iter().find(|b| b.amount.currency() != self.currency()) {
            None => Ok(()),
            Some(b) => Err(RevRecError::CurrencyMismatch {
                contract: self.contract_id().to_string(),
                what: format!("billing of {}", b.date),
                expected: self.currency(),
                found: b.amount.currency(),
            }),
        }
    }

    /// The first day of the first period and the end of the last.
    fn span(&self) -> (NaiveDate, NaiveDate) {
        let first = self.periods().first().map_or(NaiveDate::MIN, Period::start);
        let last = self.periods().last().map_or(NaiveDate::MIN, Period::end);
        (first, last)
    }

    /// The rollforward of this contract's net position given what was billed. Billings before the
    /// first period are in the opening position, those after the last in `billed_after`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::{Month, Period};
    /// use revops::revrec::*;
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let term = Period::new(d(1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
    /// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("1200")), pattern: SatisfactionPattern::RatablyByMonth(term) };
    /// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("1200")) };
    /// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 3)?).map(Month::period).collect();
    /// let s = ContractSchedule::build(&c, &months)?;
    /// let rf = s.rollforward(&[Billing { date: d(1), amount: usd("1200") }])?;
    /// assert_eq!(rf.rows[2].closing.liability(), usd("900")); // billed 1,200, recognised 300
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A billing in another currency, or an overflowing sum.
    pub fn rollforward(&self, billings: &[Billing]) -> Result<Rollforward, RevRecError> {
        self.check_billings(billings)?;
        let c = self.currency();
        let (first, last) = self.span();
        let mut net = billed_in(c, billings, |d| d < first)?.checked_sub(self.total_before()?)?;
        let totals = self.period_totals()?;
        let mut rows = Vec::with_capacity(self.periods().len());
        for (p, recognised) in self.periods().iter().zip(totals) {
            let billed = billed_in(c, billings, |d| p.contains(d))?;
            let opening = ContractPosition { net };
            net = net.checked_add(billed)?.checked_sub(recognised)?;
            rows.push(RollforwardRow { period: *p, opening, billed, recognised, closing: ContractPosition { net } });
        }
        Ok(Rollforward {
            contract_id: self.contract_id().to_string(),
            rows,
            billed_after: billed_in(c, billings, |d| d >= last)?,
        })
    }

    /// Unrecognised revenue by future period: for each period starting on or after `from`, what
    /// will be recognised in it, plus what lies beyond the last period.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::{Month, Period};
    /// use revops::revrec::*;
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let term = Period::new(d(1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
    /// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("1200")), pattern: SatisfactionPattern::RatablyByMonth(term) };
    /// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("1200")) };
    /// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 6)?).map(Month::period).collect();
    /// let s = ContractSchedule::build(&c, &months)?;
    /// // from April: $100 in each of April, May and June, and $600 after the schedule's last month
    /// let w = s.waterfall(d(4))?;
    /// assert_eq!(w.amounts, vec![usd("100"); 3]);
    /// assert_eq!(w.beyond, usd("600"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An overflowing sum.
    pub fn waterfall(&self, from: NaiveDate) -> Result<WaterfallRow, RevRecError> {
        let totals = self.period_totals()?;
        let (periods, amounts): (Vec<Period>, Vec<Money>) =
            self.periods().iter().zip(totals).filter(|(p, _)| p.start() >= from).map(|(p, m)| (*p, m)).unzip();
        Ok(WaterfallRow { contract_id: self.contract_id().to_string(), periods, amounts, beyond: self.total_after()? })
    }

    /// The journal entries for the contract's billings and revenue, in posting order, each
    /// splitting its movement between deferred revenue and contract asset so that the ledger's
    /// balances follow [`ContractPosition`]:
    ///
    /// 1. billings dated before the first period, by date, then the revenue recognised before the
    ///    first period, dated the day before it;
    /// 2. for each period, its billings by date, then its revenue, dated its last day;
    /// 3. billings dated on or after the end of the last period, by date.
    ///
    /// Nothing is dropped: posted in full, accounts receivable is everything billed, revenue is
    /// minus everything recognised through the last period, and deferred revenue and contract
    /// asset are the [`Rollforward::end_position`]'s liability and asset. A zero billing or a
    /// period with no revenue has no entry. Every entry is built and checked before any is
    /// returned.
    ///
    /// These are the revenue entries only: each billing debits accounts receivable by its
    /// amount, which is net of tax, and nothing here posts tax or cash. To make the ledger's
    /// accounts receivable the open receivables of the invoices (which hold their totals, tax
    /// included), also post each invoice's
    /// [`tax_journal_entry`](crate::billing::tax_journal_entry) (debit receivable, credit tax
    /// payable), each payment's [`payment_journal_entry`](crate::billing::payment_journal_entry)
    /// (debit cash, credit receivable and customer credit), each credit note's
    /// [`credit_note_journal_entry`](crate::billing::credit_note_journal_entry) and each refund's
    /// [`refund_journal_entry`](crate::billing::refund_journal_entry). A credit note posted that
    /// way is not also given here as a negative [`Billing`]: that would take its net off
    /// accounts receivable a second time.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::{Month, Period};
    /// use revops::revrec::*;
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let term = Period::new(d(1), d(4))?;
    /// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("300")), pattern: SatisfactionPattern::RatablyByMonth(term) };
    /// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("300")) };
    /// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 3)?).map(Month::period).collect();
    /// let s = ContractSchedule::build(&c, &months)?;
    /// // billed $300 up front, recognised $100 a month: one billing entry, three revenue entries
    /// let entries = s.journal_entries(&[Billing { date: d(1), amount: usd("300") }])?;
    /// assert_eq!(entries.len(), 4);
    /// assert_eq!(entries[3].date(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()); // the month's last day
    /// for e in &entries {
    ///     let net = Money::sum(Currency::USD, e.lines().iter().map(|l| l.amount))?;
    ///     assert!(net.is_zero()); // every entry balances
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A billing in another currency, or an overflowing amount.
    pub fn journal_entries(&self, billings: &[Billing]) -> Result<Vec<JournalEntry>, RevRecError> {
        self.check_billings(billings)?;
        let (first, last) = self.span();
        let mut sorted: Vec<&Billing> = billings.iter().filter(|b| !b.amount.is_zero()).collect();
        sorted.sort_by_key(|b| b.date); // stable: same-day billings keep the caller's order
        let mut journal = Journal { schedule: self, net: Money::zero(self.currency()), entries: Vec::new() };
        for b in sorted.iter().filter(|b| b.date < first) {
            journal.bill(b)?;
        }
        journal.recognise(
            first.pred_opt().unwrap_or(first),
            self.total_before()?,
            "revenue recognised before the first period",
        )?;
        for (p, recognised) in self.periods().iter().zip(self.period_totals()?) {
            for b in sorted.iter().filter(|b| p.contains(b.date)) {
                journal.bill(b)?;
            }
            journal.recognise(p.last_day().unwrap_or(p.start()), recognised, "revenue recognised")?;
        }
        for b in sorted.iter().filter(|b| b.date >= last) {
            journal.bill(b)?;
        }
        Ok(journal.entries)
    }

    /// Post the contract's billings and revenue to a ledger: the entries of
    /// [`ContractSchedule::journal_entries`], in that order. Returns the number of entries posted.
    ///
    /// Every entry is built and checked before the first is posted, so an error of this crate's
    /// (a billing in another currency, an overflow) posts nothing. If the ledger itself refuses
    /// an entry, posting stops there: the entries before it stay posted, and
    /// [`RevRecError::PostingStopped`] says how many, so the caller can resume from the next
    /// entry of `journal_entries` or reverse the ones posted. A ledger that must take all or
    /// nothing can post the `journal_entries` itself, in one transaction.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::{Month, Period};
    /// use revops::ledger::{Account, InMemoryLedger};
    /// use revops::revrec::*;
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let term = Period::new(d(1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?;
    /// let ob = PerformanceObligation { id: "plan".into(), ssp: Ssp::Observable(usd("1200")), pattern: SatisfactionPattern::RatablyByMonth(term) };
    /// let c = Contract { id: "C".into(), customer: "k".into(), currency: Currency::USD, term, obligations: vec![ob], price: TransactionPrice::fixed(usd("1200")) };
    /// let months: Vec<Period> = Month::new(2026, 1)?.through(Month::new(2026, 3)?).map(Month::period).collect();
    /// let s = ContractSchedule::build(&c, &months)?;
    /// let mut ledger = InMemoryLedger::new();
    /// // billed up front: one billing and three months of revenue
    /// assert_eq!(s.post_journal(&[Billing { date: d(1), amount: usd("1200") }], &mut ledger)?, 4);
    /// assert_eq!(ledger.balance(Account::DeferredRevenue, Currency::USD)?, usd("-900"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`ContractSchedule::journal_entries`], with nothing posted; or
    /// [`RevRecError::PostingStopped`] when the ledger refuses an entry.
    pub fn post_journal<L: LedgerSink + ?Sized>(
        &self,
        billings: &[Billing],
        ledger: &mut L,
    ) -> Result<usize, RevRecError> {
        let entries = self.journal_entries(billings)?;
        let count = entries.len();
        for (posted, entry) in entries.into_iter().enumerate() {
            ledger.post(entry).map_err(|source| RevRecError::PostingStopped {
                contract: self.contract_id().to_string(),
                posted,
                source: Box::new(source),
            })?;
        }
        Ok(count)
    }
}

/// Entries being built for one contract, with its running net position.
struct Journal<'a> {
    schedule: &'a ContractSchedule,
    net: Money,
    entries: Vec<JournalEntry>,
}

impl Journal<'_> {
    /// A billing: receivable up, position up.
    fn bill(&mut self, b: &Billing) -> Result<(), RevRecError> {
        let after = self.net.checked_add(b.amount)?;
        let mut lines = vec![line(Account::AccountsReceivable, b.amount)];
        lines.extend(position_lines(self.net, after)?);
        self.push(b.date, "billing", lines, after)
    }

    /// Revenue recognised: revenue credited, position down. Nothing when zero.
    fn recognise(&mut self, date: NaiveDate, amount: Money, memo: &str) -> Result<(), RevRecError> {
        if amount.is_zero() {
            return Ok(());
        }
        let after = self.net.checked_sub(amount)?;
        let mut lines = position_lines(self.net, after)?;
        lines.push(line(Account::Revenue, -amount));
        self.push(date, memo, lines, after)
    }

    fn push(&mut self, date: NaiveDate, memo: &str, lines: Vec<JournalLine>, after: Money) -> Result<(), RevRecError> {
        self.entries.push(JournalEntry::new(date, self.schedule.contract_id(), memo, lines)?);
        self.net = after;
        Ok(())
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
