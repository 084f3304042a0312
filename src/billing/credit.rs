use super::error::{not_negative, rounded, same_currency, Context, Field};
use super::{BillingError, Invoice};
use crate::money::{Currency, Money, Ratio};

/// What to credit on one invoice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum CreditAmount {
    /// Everything still creditable on the line.
    Remaining,
    /// A net (pre-tax) amount.
    Net(Money),
    /// A share of the line's net, such as `1/3`.
    Share(Ratio),
}

/// A request to credit one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CreditRequest {
    /// Index of the invoice line.
    pub line: usize,
    /// How much.
    pub amount: CreditAmount,
}

/// One credited line: net and the tax reversed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CreditNoteLine {
    /// Index of the invoice line.
    pub line: usize,
    /// Net credited.
    pub net: Money,
    /// Tax reversed.
    pub tax: Money,
}

/// A credit note against an invoice: at least one line, every amount in one currency, not
/// negative and in whole minor units of the currency (no USD 10.005), and a total that is the
/// sum of the lines' net and tax and more than zero (a note that credits nothing is no note).
/// Made by [`CreditNote::issue`]; JSON goes through the same checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CreditNoteRepr"))]
pub struct CreditNote {
    number: String,
    invoice: String,
    lines: Vec<CreditNoteLine>,
    total: Money,
}

deserialize_via!(
    CreditNote,
    CreditNoteRepr { number: String, invoice: String, lines: Vec<CreditNoteLine>, total: Money },
    BillingError,
    |r| {
        let note = CreditNote::from_lines(r.number, r.invoice, r.total.currency(), r.lines)?;
        if note.total != r.total {
            let id = format!("credit note {}", note.number);
            return Err(BillingError::TotalDoesNotTie { what: "total", id, stated: r.total, lines: note.total });
        }
        Ok(note)
    }
);

impl CreditNote {
    /// Check the lines and sum them.
    fn from_lines(
        number: String,
        invoice: String,
        currency: Currency,
        lines: Vec<CreditNoteLine>,
    ) -> Result<CreditNote, BillingError> {
        if number.is_empty() {
            return Err(BillingError::EmptyId { what: "credit note number" });
        }
        let id = format!("credit note {number}");
        if lines.is_empty() {
            return Err(BillingError::NoLines { invoice: id });
        }
        for l in &lines {
            for (what, m) in [(Field::CreditNet, l.net), (Field::LineTax, l.tax)] {
                same_currency(what, &id, currency, &m)?;
                not_negative(what, &id, m)?;
                rounded(what, &id, m)?;
            }
        }
        let total = Money::sum(currency, lines.iter().flat_map(|l| [l.net, l.tax])).context("total", &id)?;
        if total.is_zero() {
            return Err(BillingError::NotPositive { what: Field::CreditNoteTotal, id, amount: total });
        }
        Ok(CreditNote { number, invoice, lines, total })
    }

    /// The caller's credit note number.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The invoice credited.
    pub fn invoice(&self) -> &str {
        &self.invoice
    }

    /// Lines credited (at least one).
    pub fn lines(&self) -> &[CreditNoteLine] {
        &self.lines
    }

    /// Σ net + Σ tax.
    pub fn total(&self) -> Money {
        self.total
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    /// Credit lines of `invoice`, given the credit notes already issued against it.
    ///
    /// Tax is reversed cumulatively per line: the tax credited to date is the line's tax × the
    /// share of its net credited to date, rounded, and this note reverses the difference. So
    /// credits never exceed what was invoiced, and any number of partial credits adds up to
    /// exactly the full credit (the cent Lago once lost: 334.99 invoiced, 335.00 credited).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{CreditAmount, CreditNote, CreditRequest, FlatTax, InvoiceDraft, LineDraft, TaxMode};
    /// use revops::money::Ratio;
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let line = LineDraft { description: "plan".into(), quantity: Decimal::ONE, unit_price: Money::parse("279.16", Currency::EUR)?, service: None };
    /// let draft = InvoiceDraft { customer: "c".into(), contract_id: "k".into(), currency: Currency::EUR, issue_date: day, due_date: day, lines: vec![line] };
    /// let inv = draft.finalize("INV-7", &FlatTax::new("20%".parse()?, TaxMode::Exclusive)?)?;
    /// assert_eq!(inv.total().to_string(), "EUR 334.99");
    /// let third = CreditRequest { line: 0, amount: CreditAmount::Share(Ratio::new(1, 3)?) };
    /// let mut notes = Vec::new();
    /// for n in 0..3 {
    ///     let req = if n < 2 { third } else { CreditRequest { line: 0, amount: CreditAmount::Remaining } };
    ///     notes.push(CreditNote::issue(&inv, &notes, format!("CN-{n}"), &[req])?);
    /// }
    /// let credited = Money::sum(Currency::EUR, notes.iter().map(CreditNote::total))?;
    /// assert_eq!(credited, inv.total());
    /// let more = CreditRequest { line: 0, amount: CreditAmount::Net(Money::parse("0.01", Currency::EUR)?) };
    /// assert!(CreditNote::issue(&inv, &notes, "CN-4", &[more]).is_err()); // nothing left to credit
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A request naming a line the invoice does not have; a credit above what is still
    /// creditable on its line, negative, or in another currency; an empty `number`; no requests;
    /// [`BillingError::NotPositive`] for a note that credits nothing (a net that rounds to zero,
    /// such as USD 0.004, or `Remaining` on a line credited in full); amounts beyond `Decimal`'s
    /// range.
    pub fn issue(
        invoice: &Invoice,
        previous: &[CreditNote],
        number: impl Into<String>,
        requests: &[CreditRequest],
    ) -> Result<CreditNote, BillingError> {
        let c = invoice.currency();
        let id = format!("invoice {}", invoice.number());
        let mut lines: Vec<CreditNoteLine> = Vec::with_capacity(requests.len());
        for req in requests {
            let line = invoice
                .lines()
                .get(req.line)
                .ok_or_else(|| BillingError::UnknownLine { invoice: invoice.number().to_string(), line: req.line })?;
            let earlier = previous
                .iter()
                .filter(|n| n.invoice == invoice.number())
                .flat_map(|n| n.lines.iter())
                .chain(lines.iter())
                .filter(|l| l.line == req.line);
            let (mut net_done, mut tax_done) = (Money::zero(c), Money::zero(c));
            for l in earlier {
                same_currency(Field::CreditNet, &id, c, &l.net)?;
                net_done = net_done.checked_add(l.net).context("net credited so far", &id)?;
                tax_done = tax_done.checked_add(l.tax).context("tax credited so far", &id)?;
            }
            let available = line.net().checked_sub(net_done).context("net still creditable", &id)?;
            let net = match req.amount {
                CreditAmount::Remaining => available,
                CreditAmount::Net(m) => {
                    same_currency(Field::CreditNet, &id, c, &m)?;
                    m.round()
                }
                CreditAmount::Share(r) => line.net().mul_ratio(r).context("credited share", &id)?,
            };
            not_negative(Field::CreditNet, &id, net)?;
            if net.amount() > available.amount() {
                return Err(BillingError::CreditExceedsInvoiced {
                    invoice: invoice.number().to_string(),
                    line: req.line,
                    available,
                    requested: net,
                });
            }
            let net_after = net_done.checked_add(net).context("net credited", &id)?;
            let tax_after = if line.net().is_zero() {
                line.tax_amount()
            } else {
                let share =
                    Ratio::of_decimals(net_after.amount(), line.net().amount()).context("credited share", &id)?;
                line.tax_amount().mul_ratio(share).context("tax credited", &id)?
            };
            let tax = tax_after.checked_sub(tax_done).context("tax reversed", &id)?;
            lines.push(CreditNoteLine { line: req.line, net, tax });
        }
        CreditNote::from_lines(number.into(), invoice.number().to_string(), c, lines)
    }

    /// Total credited on `invoice` by `notes`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{CreditAmount, CreditNote, CreditRequest, Invoice, InvoiceLine, TaxTreatment};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let line = InvoiceLine::new("plan".into(), Decimal::ONE, usd("99"), None, TaxTreatment::NONE, usd("99"), usd("0"))?;
    /// let inv = Invoice::new("INV-1".into(), "cus".into(), "K-1".into(), Currency::USD, day, day, vec![line])?;
    /// let first = CreditNote::issue(&inv, &[], "CN-1", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("10")) }])?;
    /// let second = CreditNote::issue(&inv, &[first.clone()], "CN-2", &[CreditRequest { line: 0, amount: CreditAmount::Net(usd("5")) }])?;
    /// assert_eq!(CreditNote::total_for(&inv, &[first, second])?, usd("15"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A note in another currency, or a sum beyond `Decimal`'s range.
    pub fn total_for(invoice: &Invoice, notes: &[CreditNote]) -> Result<Money, BillingError> {
        let id = format!("invoice {}", invoice.number());
        let credited = notes.iter().filter(|n| n.invoice == invoice.number()).map(|n| n.total);
        Money::sum(invoice.currency(), credited).context("total credited", &id)
    }
}
