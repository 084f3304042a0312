//! Invoices in from flat rows: one row an invoice line, the invoice's header repeated on each
//! line, as billing systems export them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BillingError, Invoice, InvoiceLine, TaxMode, TaxTreatment};
use crate::calendar::Period;
use crate::money::{Currency, Money, Percent};
use crate::rows::RowError;

/// One invoice line as a flat row, for CSV or JSON: the invoice's fields, then the line's.
/// Amounts are decimals in `currency`; `net` and `tax` are the line's rounded amounts as the
/// billing system computed them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct InvoiceRow {
    /// Invoice number.
    pub invoice: String,
    /// Customer.
    pub customer: String,
    /// Contract.
    pub contract_id: String,
    /// Currency of every amount on the row.
    pub currency: Currency,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// What is charged.
    pub description: String,
    /// How many.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub quantity: Decimal,
    /// Price per unit.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub unit_price: Decimal,
    /// The line's net amount, rounded.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub net: Decimal,
    /// The line's tax, rounded.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub tax: Decimal,
    /// The tax rate (`"20%"`).
    pub tax_rate: Percent,
    /// Whether the price includes the tax.
    pub tax_mode: TaxMode,
    /// First day of the service the line covers, if any.
    pub service_start: Option<NaiveDate>,
    /// The service's exclusive end.
    pub service_end: Option<NaiveDate>,
}

/// Invoices from rows: consecutive rows with the same invoice number are one invoice, in row
/// order. An invoice number names one invoice, so its rows must be consecutive: a number that
/// comes back after another invoice's rows is refused. Every row is checked as [`Invoice::new`] and [`InvoiceLine::new`] check values, and
/// the rows of one invoice must agree on its header.
///
/// ```
/// use revops::billing::{invoices_from_rows, InvoiceRow, TaxMode};
/// use revops::{Currency, Money};
/// let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
/// let row = |desc: &str, net: &str| InvoiceRow {
///     invoice: "INV-1".into(), customer: "acme".into(), contract_id: "C-1".into(), currency: Currency::USD,
///     issue_date: day(1), due_date: day(31), description: desc.into(), quantity: "1".parse().unwrap(),
///     unit_price: net.parse().unwrap(), net: net.parse().unwrap(), tax: "0".parse().unwrap(),
///     tax_rate: "0%".parse().unwrap(), tax_mode: TaxMode::Exclusive, service_start: None, service_end: None,
/// };
/// let invoices = invoices_from_rows(&[row("plan", "100.00"), row("seats", "50.00")])?;
/// assert_eq!(invoices[0].total(), Money::parse("150.00", Currency::USD)?);
///
/// let mut bad = row("seats", "50.00");
/// bad.customer = "globex".into(); // one invoice, two customers
/// let err = invoices_from_rows(&[row("plan", "100.00"), bad]).unwrap_err();
/// assert_eq!(err.row, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`RowError`] naming the first row that is wrong (from 1) and why: a header that differs
/// from its invoice's first row, an invoice number that comes back after another invoice's rows
/// ([`BillingError::InvoiceNumberRepeated`], at the row it comes back on), a negative or unrounded amount, a reversed service period, a tax
/// rate outside 0–100%, or an invoice [`Invoice::new`] refuses (reported at its first row). No
/// invoices are returned then.
pub fn invoices_from_rows(rows: &[InvoiceRow]) -> Result<Vec<Invoice>, RowError> {
    let mut invoices = Vec::new();
    // each invoice number and the row its invoice starts on: a number is one invoice
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut start = 0;
    while start < rows.len() {
        let head = &rows[start];
        if seen.insert(&head.invoice, start).is_some() {
            return Err(RowError::at(start, BillingError::InvoiceNumberRepeated { invoice: head.invoice.clone() }));
        }
        let end = start + rows[start..].iter().take_while(|r| r.invoice == head.invoice).count();
        let mut lines = Vec::with_capacity(end - start);
        for (i, r) in rows.iter().enumerate().take(end).skip(start) {
            if (&r.customer, &r.contract_id, r.currency, r.issue_date, r.due_date)
                != (&head.customer, &head.contract_id, head.currency, head.issue_date, head.due_date)
            {
                return Err(RowError::at(i, BillingError::RowHeaderDiffers { invoice: r.invoice.clone() }));
            }
            lines.push(line(r).map_err(|e| RowError::at(i, e))?);
        }
        let invoice = Invoice::new(
            head.invoice.clone(),
            head.customer.clone(),
            head.contract_id.clone(),
            head.currency,
            head.issue_date,
            head.due_date,
            lines,
        )
        .map_err(|e| RowError::at(start, e))?;
        invoices.push(invoice);
        start = end;
    }
    Ok(invoices)
}

fn line(r: &InvoiceRow) -> Result<InvoiceLine, crate::Error> {
    let service = match (r.service_start, r.service_end) {
        (Some(s), Some(e)) => Some(Period::new(s, e)?),
        (None, None) => None,
        _ => return Err(BillingError::HalfAServicePeriod { invoice: r.invoice.clone() }.into()),
    };
    let money = |x: Decimal| Money::new(x, r.currency);
    let tax = TaxTreatment::new(r.tax_rate, r.tax_mode)?;
    Ok(InvoiceLine::new(
        r.description.clone(),
        r.quantity,
        money(r.unit_price),
        service,
        tax,
        money(r.net),
        money(r.tax),
    )?)
}
