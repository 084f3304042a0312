use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::same_currency;
use super::{BillingError, BillingItem};
use crate::calendar::Period;
use crate::money::{Currency, Money};

/// Whether a line's price includes tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TaxMode {
    /// Tax is added on top of the price (US sales tax).
    #[default]
    Exclusive,
    /// The price includes tax (EU consumer VAT).
    Inclusive,
}

/// The tax that applies to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TaxTreatment {
    /// Rate as a fraction (0.2 for 20%).
    pub rate: Decimal,
    /// Inclusive or exclusive.
    pub mode: TaxMode,
}

/// Integration port: the caller's tax engine (Avalara, Stripe Tax, a rate table) decides the
/// rate per line; this crate does the arithmetic and the rounding.
pub trait TaxCalculator {
    /// The tax treatment of `line` on `invoice`.
    fn treatment(&self, invoice: &InvoiceDraft, line: &LineDraft) -> Result<TaxTreatment, BillingError>;
}

/// One flat rate for every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatTax(pub TaxTreatment);

impl FlatTax {
    /// No tax at all.
    pub const NONE: FlatTax = FlatTax(TaxTreatment { rate: Decimal::ZERO, mode: TaxMode::Exclusive });
}

impl TaxCalculator for FlatTax {
    fn treatment(&self, _: &InvoiceDraft, _: &LineDraft) -> Result<TaxTreatment, BillingError> {
        Ok(self.0)
    }
}

/// A line before tax and rounding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LineDraft {
    /// What is charged.
    pub description: String,
    /// How many (not negative; a credit is a credit note, not a negative line).
    pub quantity: Decimal,
    /// Price per unit, at full precision.
    pub unit_price: Money,
    /// The service the line covers, if any.
    pub service: Option<Period>,
}

/// An invoice before numbering and tax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InvoiceDraft {
    /// The customer billed.
    pub customer: String,
    /// The contract billed under.
    pub contract_id: String,
    /// Currency of every line.
    pub currency: Currency,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Lines.
    pub lines: Vec<LineDraft>,
}

/// A final invoice line: rounded once to the minor unit, with its tax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InvoiceLine {
    /// What is charged.
    pub description: String,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit price.
    pub unit_price: Money,
    /// Service covered.
    pub service: Option<Period>,
    /// Tax treatment applied.
    pub tax: TaxTreatment,
    /// Amount before tax.
    pub net: Money,
    /// Tax on the line.
    pub tax_amount: Money,
    /// `net + tax_amount`.
    pub gross: Money,
}

/// A final invoice. Totals are sums of the lines, so they tie by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Invoice {
    /// The caller's invoice number.
    pub number: String,
    /// The customer.
    pub customer: String,
    /// The contract.
    pub contract_id: String,
    /// The currency.
    pub currency: Currency,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Lines.
    pub lines: Vec<InvoiceLine>,
    /// Σ net.
    pub subtotal: Money,
    /// Σ tax.
    pub tax: Money,
    /// Σ gross = subtotal + tax.
    pub total: Money,
}

impl InvoiceDraft {
    /// An invoice draft for one billing item of a contract.
    pub fn for_item(customer: &str, contract_id: &str, description: &str, item: &BillingItem) -> InvoiceDraft {
        InvoiceDraft {
            customer: customer.to_string(),
            contract_id: contract_id.to_string(),
            currency: item.amount.currency(),
            issue_date: item.invoice_date,
            due_date: item.due_date,
            lines: vec![LineDraft {
                description: description.to_string(),
                quantity: Decimal::ONE,
                unit_price: item.amount,
                service: Some(item.service),
            }],
        }
    }

    /// Number, tax and round the invoice. Each line is rounded once (banker's rounding): the net
    /// for exclusive tax, the gross for inclusive tax; the other figures follow from it, so
    /// `net + tax = gross` on every line and the totals are plain sums.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{FlatTax, InvoiceDraft, LineDraft, TaxMode, TaxTreatment};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let draft = InvoiceDraft {
    ///     customer: "cus".into(), contract_id: "C-1".into(), currency: Currency::EUR,
    ///     issue_date: day, due_date: day,
    ///     lines: vec![LineDraft { description: "seats".into(), quantity: Decimal::from(3), unit_price: Money::parse("33.333", Currency::EUR)?, service: None }],
    /// };
    /// let vat = FlatTax(TaxTreatment { rate: Decimal::new(20, 2), mode: TaxMode::Exclusive });
    /// let inv = draft.finalize("INV-1", &vat)?;
    /// assert_eq!((inv.subtotal.to_string(), inv.tax.to_string(), inv.total.to_string()),
    ///            ("100.00 EUR".into(), "20.00 EUR".into(), "120.00 EUR".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finalize<T: TaxCalculator + ?Sized>(
        self,
        number: impl Into<String>,
        tax: &T,
    ) -> Result<Invoice, BillingError> {
        if self.lines.is_empty() {
            return Err(BillingError::NoLines(self.contract_id));
        }
        let currency = self.currency;
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            same_currency("invoice line price", currency, &line.unit_price)?;
            if line.quantity.is_sign_negative() && !line.quantity.is_zero() {
                return Err(BillingError::Negative(format!("quantity of {:?}", line.description)));
            }
            if line.unit_price.is_negative() {
                return Err(BillingError::Negative(format!("unit price of {:?}", line.description)));
            }
            let treatment = tax.treatment(&self, line)?;
            if treatment.rate.is_sign_negative() && !treatment.rate.is_zero() {
                return Err(BillingError::InvalidTaxRate(treatment.rate));
            }
            let priced = line.unit_price.checked_mul(line.quantity)?.round();
            let (net, tax_amount) = split_tax(priced, treatment)?;
            lines.push(InvoiceLine {
                description: line.description.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                service: line.service,
                tax: treatment,
                net,
                tax_amount,
                gross: net.checked_add(tax_amount)?,
            });
        }
        let subtotal = Money::sum(currency, lines.iter().map(|l| l.net))?;
        let tax_total = Money::sum(currency, lines.iter().map(|l| l.tax_amount))?;
        Ok(Invoice {
            number: number.into(),
            customer: self.customer,
            contract_id: self.contract_id,
            currency,
            issue_date: self.issue_date,
            due_date: self.due_date,
            lines,
            subtotal,
            tax: tax_total,
            total: subtotal.checked_add(tax_total)?,
        })
    }
}

/// `(net, tax)` for a rounded price: exclusive adds rounded tax; inclusive backs the net out of
/// the gross and leaves tax as the difference, so nothing is lost to rounding.
pub(crate) fn split_tax(priced: Money, t: TaxTreatment) -> Result<(Money, Money), BillingError> {
    match t.mode {
        TaxMode::Exclusive => Ok((priced, priced.checked_mul(t.rate)?.round())),
        TaxMode::Inclusive => {
            let divisor = Decimal::ONE.checked_add(t.rate).ok_or(BillingError::InvalidTaxRate(t.rate))?;
            let net = priced.checked_div(divisor)?.round();
            Ok((net, priced.checked_sub(net)?))
        }
    }
}
