use super::{BillingError, Invoice};
use crate::money::{Money, Ratio};

/// What to credit on one invoice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
pub struct CreditRequest {
    /// Index of the invoice line.
    pub line: usize,
    /// How much.
    pub amount: CreditAmount,
}

/// One credited line: net and the tax reversed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditNoteLine {
    /// Index of the invoice line.
    pub line: usize,
    /// Net credited.
    pub net: Money,
    /// Tax reversed.
    pub tax: Money,
}

/// A credit note against an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditNote {
    /// The caller's credit note number.
    pub number: String,
    /// The invoice credited.
    pub invoice: String,
    /// Lines credited.
    pub lines: Vec<CreditNoteLine>,
    /// Σ net + Σ tax.
    pub total: Money,
}

impl CreditNote {
    /// Credit lines of `invoice`, given the credit notes already issued against it.
    ///
    /// Tax is reversed cumulatively per line: the tax credited to date is the line's tax × the
    /// share of its net credited to date, rounded, and this note reverses the difference. So
    /// credits never exceed what was invoiced, and any number of partial credits adds up to
    /// exactly the full credit (the cent Lago once lost: 334.99 invoiced, 335.00 credited).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{CreditAmount, CreditNote, CreditRequest, FlatTax, InvoiceDraft, LineDraft, TaxMode, TaxTreatment};
    /// use revops::money::Ratio;
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let line = LineDraft { description: "plan".into(), quantity: Decimal::ONE, unit_price: Money::parse("279.16", Currency::EUR)?, service: None };
    /// let draft = InvoiceDraft { customer: "c".into(), contract_id: "k".into(), currency: Currency::EUR, issue_date: day, due_date: day, lines: vec![line] };
    /// let inv = draft.finalize("INV-7", &FlatTax(TaxTreatment { rate: Decimal::new(20, 2), mode: TaxMode::Exclusive }))?;
    /// assert_eq!(inv.total.to_string(), "334.99 EUR");
    /// let third = CreditRequest { line: 0, amount: CreditAmount::Share(Ratio::new(1, 3)?) };
    /// let mut notes = Vec::new();
    /// for n in 0..3 {
    ///     let req = if n < 2 { third } else { CreditRequest { line: 0, amount: CreditAmount::Remaining } };
    ///     notes.push(CreditNote::issue(&inv, &notes, format!("CN-{n}"), &[req])?);
    /// }
    /// let credited = Money::sum(Currency::EUR, notes.iter().map(|c| c.total))?;
    /// assert_eq!(credited, inv.total);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn issue(
        invoice: &Invoice,
        previous: &[CreditNote],
        number: impl Into<String>,
        requests: &[CreditRequest],
    ) -> Result<CreditNote, BillingError> {
        let c = invoice.currency;
        let mut lines: Vec<CreditNoteLine> = Vec::with_capacity(requests.len());
        for req in requests {
            let line = invoice
                .lines
                .get(req.line)
                .ok_or_else(|| BillingError::UnknownLine { invoice: invoice.number.clone(), line: req.line })?;
            let earlier = previous
                .iter()
                .filter(|n| n.invoice == invoice.number)
                .flat_map(|n| n.lines.iter())
                .chain(lines.iter())
                .filter(|l| l.line == req.line);
            let (mut net_done, mut tax_done) = (Money::zero(c), Money::zero(c));
            for l in earlier {
                net_done = net_done.checked_add(l.net)?;
                tax_done = tax_done.checked_add(l.tax)?;
            }
            let available = line.net.checked_sub(net_done)?;
            let net = match req.amount {
                CreditAmount::Remaining => available,
                CreditAmount::Net(m) => {
                    super::error::same_currency("credit amount", c, &m)?;
                    m.round()
                }
                CreditAmount::Share(r) => line.net.mul_ratio(r)?,
            };
            if net.is_negative() {
                return Err(BillingError::Negative("credit".into()));
            }
            if net.amount() > available.amount() {
                return Err(BillingError::CreditExceedsInvoiced {
                    invoice: invoice.number.clone(),
                    line: req.line,
                    available,
                    requested: net,
                });
            }
            let net_after = net_done.checked_add(net)?;
            let tax_after = if line.net.is_zero() {
                line.tax_amount
            } else {
                let share = Ratio::of_decimals(net_after.amount(), line.net.amount())?;
                line.tax_amount.mul_ratio(share)?
            };
            lines.push(CreditNoteLine { line: req.line, net, tax: tax_after.checked_sub(tax_done)? });
        }
        let total = Money::sum(c, lines.iter().flat_map(|l| [l.net, l.tax]))?;
        Ok(CreditNote { number: number.into(), invoice: invoice.number.clone(), lines, total })
    }

    /// Total credited on `invoice` by `notes`.
    pub fn total_for(invoice: &Invoice, notes: &[CreditNote]) -> Result<Money, BillingError> {
        Ok(Money::sum(invoice.currency, notes.iter().filter(|n| n.invoice == invoice.number).map(|n| n.total))?)
    }
}
