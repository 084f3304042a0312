use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{not_negative, same_currency, Context, Field};
use super::{BillingError, BillingItem};
use crate::calendar::Period;
use crate::money::{Currency, Money, MoneyError, Percent};

/// Whether a line's price includes tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum TaxMode {
    /// Tax is added on top of the price (US sales tax).
    #[default]
    Exclusive,
    /// The price includes tax (EU consumer VAT).
    Inclusive,
}

/// The tax that applies to one line: a rate between 0% and 100% and whether prices include it.
///
/// The rate is an exact [`Percent`]. Its upper bound is 100%: no VAT, GST or sales tax on
/// software comes near it (the highest standard VAT rate is 27%), and the bound catches a rate
/// given in points where a fraction was meant (`Percent::from_fraction(20)` is 2,000%).
///
/// ```
/// use revops::billing::{TaxMode, TaxTreatment};
/// use revops::money::Percent;
/// let vat = TaxTreatment::new("20%".parse::<Percent>()?, TaxMode::Inclusive)?;
/// assert_eq!(vat.rate().to_string(), "20%");
/// assert!(TaxTreatment::new("-5%".parse::<Percent>()?, TaxMode::Exclusive).is_err());
/// assert!(TaxTreatment::new("2000%".parse::<Percent>()?, TaxMode::Exclusive).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "TaxTreatmentRepr"))]
pub struct TaxTreatment {
    rate: Percent,
    mode: TaxMode,
}

deserialize_via!(TaxTreatment, TaxTreatmentRepr { rate: Percent, mode: TaxMode }, BillingError, |r| {
    TaxTreatment::new(r.rate, r.mode)
});

impl TaxTreatment {
    /// No tax.
    pub const NONE: TaxTreatment = TaxTreatment { rate: Percent::ZERO, mode: TaxMode::Exclusive };

    /// A rate and a mode.
    ///
    /// # Errors
    /// [`BillingError::TaxRateOutOfRange`] for a rate below 0% or above 100%.
    pub fn new(rate: Percent, mode: TaxMode) -> Result<TaxTreatment, BillingError> {
        if rate < Percent::ZERO || rate > Percent::HUNDRED {
            return Err(BillingError::TaxRateOutOfRange { rate });
        }
        Ok(TaxTreatment { rate, mode })
    }

    /// The rate.
    pub fn rate(&self) -> Percent {
        self.rate
    }

    /// Inclusive or exclusive.
    pub fn mode(&self) -> TaxMode {
        self.mode
    }
}

/// Integration port: the caller's tax engine (Avalara, Stripe Tax, a rate table) decides the
/// rate per line; this crate does the arithmetic and the rounding.
pub trait TaxCalculator {
    /// The tax treatment of `line` on `invoice`.
    ///
    /// # Errors
    /// Whatever the caller's tax engine refuses; the invoice is then not finalised.
    fn treatment(&self, invoice: &InvoiceDraft, line: &LineDraft) -> Result<TaxTreatment, BillingError>;
}

/// One flat rate for every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatTax(pub TaxTreatment);

impl FlatTax {
    /// No tax at all.
    pub const NONE: FlatTax = FlatTax(TaxTreatment::NONE);

    /// One rate for every line.
    ///
    /// ```
    /// use revops::billing::{FlatTax, TaxMode};
    /// let sales_tax = FlatTax::new("8.25%".parse()?, TaxMode::Exclusive)?;
    /// assert_eq!(sales_tax.0.rate().to_string(), "8.25%");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`TaxTreatment::new`].
    pub fn new(rate: Percent, mode: TaxMode) -> Result<FlatTax, BillingError> {
        TaxTreatment::new(rate, mode).map(FlatTax)
    }
}

impl TaxCalculator for FlatTax {
    fn treatment(&self, _: &InvoiceDraft, _: &LineDraft) -> Result<TaxTreatment, BillingError> {
        Ok(self.0)
    }
}

/// A line before tax and rounding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LineDraft {
    /// What is charged.
    pub description: String,
    /// How many (not negative; a credit is a credit note, not a negative line).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub quantity: Decimal,
    /// Price per unit, at full precision.
    pub unit_price: Money,
    /// The service the line covers, if any.
    pub service: Option<Period>,
}

/// An invoice before numbering and tax.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

/// A final invoice line: rounded once to the minor unit, with its tax. `net + tax = gross`,
/// all three rounded and not negative, in the unit price's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "InvoiceLineRepr"))]
pub struct InvoiceLine {
    description: String,
    quantity: Decimal,
    unit_price: Money,
    service: Option<Period>,
    tax: TaxTreatment,
    net: Money,
    tax_amount: Money,
    gross: Money,
}

deserialize_via!(
    InvoiceLine,
    InvoiceLineRepr {
        description: String,
        #[serde(with = "crate::money::exact::text")]
        quantity: Decimal,
        unit_price: Money,
        service: Option<Period>,
        tax: TaxTreatment,
        net: Money,
        tax_amount: Money,
        gross: Money,
    },
    BillingError,
    |r| {
        let line = InvoiceLine::new(r.description, r.quantity, r.unit_price, r.service, r.tax, r.net, r.tax_amount)?;
        if line.gross != r.gross || line.gross.currency() != r.gross.currency() {
            return Err(BillingError::LineDoesNotTie {
                id: "an invoice".into(),
                line: line.description,
                net: r.net,
                tax: r.tax_amount,
                gross: r.gross,
            });
        }
        Ok(line)
    }
);

impl InvoiceLine {
    /// A line as another billing system (Stripe, NetSuite) computed it; the gross is
    /// `net + tax_amount`. [`InvoiceDraft::finalize`] computes lines itself.
    ///
    /// ```
    /// use revops::billing::{InvoiceLine, TaxTreatment};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let line = InvoiceLine::new("seats".into(), Decimal::from(3), usd("10"), None, TaxTreatment::NONE, usd("30"), usd("0"))?;
    /// assert_eq!(line.gross(), usd("30"));
    /// assert!(InvoiceLine::new("seats".into(), Decimal::ONE, usd("10"), None, TaxTreatment::NONE, usd("10.001"), usd("0")).is_err());
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// A negative quantity, unit price, net or tax; a net or tax not rounded to the currency's
    /// minor unit; amounts in different currencies; a gross that overflows.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        description: String,
        quantity: Decimal,
        unit_price: Money,
        service: Option<Period>,
        tax: TaxTreatment,
        net: Money,
        tax_amount: Money,
    ) -> Result<InvoiceLine, BillingError> {
        let id = format!("line {description:?}");
        let currency = unit_price.currency();
        if quantity.is_sign_negative() && !quantity.is_zero() {
            return Err(BillingError::NegativeQuantity { id: "an invoice".into(), line: description, quantity });
        }
        not_negative(Field::UnitPrice, &id, unit_price)?;
        for (what, amount) in [(Field::LineNet, net), (Field::LineTax, tax_amount)] {
            same_currency(what, &id, currency, &amount)?;
            not_negative(what, &id, amount)?;
            if !amount.is_rounded() {
                return Err(BillingError::NotRounded { what, id, amount });
            }
        }
        let gross = net.checked_add(tax_amount).context("gross amount", &id)?;
        Ok(InvoiceLine { description, quantity, unit_price, service, tax, net, tax_amount, gross })
    }

    /// What is charged.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Quantity.
    pub fn quantity(&self) -> Decimal {
        self.quantity
    }

    /// Unit price, at full precision.
    pub fn unit_price(&self) -> Money {
        self.unit_price
    }

    /// Service covered.
    pub fn service(&self) -> Option<Period> {
        self.service
    }

    /// Tax treatment applied.
    pub fn tax(&self) -> TaxTreatment {
        self.tax
    }

    /// Amount before tax.
    pub fn net(&self) -> Money {
        self.net
    }

    /// Tax on the line.
    pub fn tax_amount(&self) -> Money {
        self.tax_amount
    }

    /// `net + tax_amount`.
    pub fn gross(&self) -> Money {
        self.gross
    }

    /// The line's currency.
    pub fn currency(&self) -> Currency {
        self.unit_price.currency()
    }
}

/// A final invoice: at least one line, every line in the invoice's currency, due on or after
/// its issue date, and totals that are sums of the lines, so they tie by construction.
///
/// Made by [`InvoiceDraft::finalize`], or by [`Invoice::new`] from lines another system
/// computed; JSON goes through the same checks (an invoice whose stated totals are not the sums
/// of its lines is refused).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "InvoiceRepr"))]
pub struct Invoice {
    number: String,
    customer: String,
    contract_id: String,
    currency: Currency,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    lines: Vec<InvoiceLine>,
    subtotal: Money,
    tax: Money,
    total: Money,
}

deserialize_via!(
    Invoice,
    InvoiceRepr {
        number: String,
        customer: String,
        contract_id: String,
        currency: Currency,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        lines: Vec<InvoiceLine>,
        subtotal: Money,
        tax: Money,
        total: Money,
    },
    BillingError,
    |r| {
        let inv = Invoice::new(r.number, r.customer, r.contract_id, r.currency, r.issue_date, r.due_date, r.lines)?;
        for (what, stated, lines) in
            [("subtotal", r.subtotal, inv.subtotal), ("tax", r.tax, inv.tax), ("total", r.total, inv.total)]
        {
            if stated != lines || stated.currency() != lines.currency() {
                return Err(BillingError::TotalDoesNotTie { what, id: format!("invoice {}", inv.number), stated, lines });
            }
        }
        Ok(inv)
    }
);

impl Invoice {
    /// An invoice from final lines; the totals are their sums.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{Invoice, InvoiceLine, TaxTreatment};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let line = InvoiceLine::new("plan".into(), Decimal::ONE, usd("99"), None, TaxTreatment::NONE, usd("99"), usd("0"))?;
    /// let inv = Invoice::new("INV-1".into(), "cus".into(), "K-1".into(), Currency::USD, day, day, vec![line])?;
    /// assert_eq!(inv.total(), usd("99"));
    /// assert!(Invoice::new("INV-2".into(), "cus".into(), "K-1".into(), Currency::USD, day, day, vec![]).is_err());
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// An empty number, no lines, a line in another currency, a due date before the issue date,
    /// or totals that overflow.
    pub fn new(
        number: String,
        customer: String,
        contract_id: String,
        currency: Currency,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        lines: Vec<InvoiceLine>,
    ) -> Result<Invoice, BillingError> {
        if number.is_empty() {
            return Err(BillingError::EmptyId { what: "invoice number" });
        }
        if lines.is_empty() {
            return Err(BillingError::NoLines { invoice: number });
        }
        if due_date < issue_date {
            return Err(BillingError::DueBeforeIssue { invoice: number, issue_date, due_date });
        }
        let id = format!("invoice {number}");
        for line in &lines {
            same_currency(Field::UnitPrice, &id, currency, &line.unit_price)?;
        }
        let subtotal = Money::sum(currency, lines.iter().map(|l| l.net)).context("subtotal", &id)?;
        let tax = Money::sum(currency, lines.iter().map(|l| l.tax_amount)).context("tax", &id)?;
        let total = subtotal.checked_add(tax).context("total", &id)?;
        Ok(Invoice { number, customer, contract_id, currency, issue_date, due_date, lines, subtotal, tax, total })
    }

    /// The caller's invoice number.
    pub fn number(&self) -> &str {
        &self.number
    }

    /// The customer.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// The contract.
    pub fn contract_id(&self) -> &str {
        &self.contract_id
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Issue date.
    pub fn issue_date(&self) -> NaiveDate {
        self.issue_date
    }

    /// Due date.
    pub fn due_date(&self) -> NaiveDate {
        self.due_date
    }

    /// Lines (at least one).
    pub fn lines(&self) -> &[InvoiceLine] {
        &self.lines
    }

    /// Σ net.
    pub fn subtotal(&self) -> Money {
        self.subtotal
    }

    /// Σ tax.
    pub fn tax(&self) -> Money {
        self.tax
    }

    /// Σ gross = subtotal + tax.
    pub fn total(&self) -> Money {
        self.total
    }
}

impl InvoiceDraft {
    /// An invoice draft for one billing item of a contract.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{BillingItem, FlatTax, InvoiceDraft};
    /// use revops::money::Ratio;
    /// use revops::{Currency, Money, Period};
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let item = BillingItem {
    ///     service: Period::new(d(1, 1), d(2, 1))?,
    ///     invoice_date: d(1, 1),
    ///     due_date: d(1, 31),
    ///     proration: Ratio::new(1, 1)?,
    ///     amount: Money::parse("1000", Currency::USD)?,
    /// };
    /// let draft = InvoiceDraft::for_item("acme", "K-1", "Platform, January", &item);
    /// let invoice = draft.finalize("INV-1", &FlatTax::NONE)?;
    /// assert_eq!((invoice.total(), invoice.due_date()), (Money::parse("1000", Currency::USD)?, d(1, 31)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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

    /// Number, tax and round the invoice. Each line is rounded once (banker's rounding), from
    /// the exact product of quantity and unit price, however many places it has: the net
    /// for exclusive tax, the gross for inclusive tax; the other figures follow from it (exclusive
    /// tax is `net × rate` rounded once from the exact product, inclusive net is `gross ÷ (1 +
    /// rate)` rounded once from the exact quotient), so `net + tax = gross` on every line and the
    /// totals are plain sums.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{FlatTax, InvoiceDraft, LineDraft, TaxMode};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let draft = InvoiceDraft {
    ///     customer: "cus".into(), contract_id: "C-1".into(), currency: Currency::EUR,
    ///     issue_date: day, due_date: day,
    ///     lines: vec![LineDraft { description: "seats".into(), quantity: Decimal::from(3), unit_price: Money::parse("33.333", Currency::EUR)?, service: None }],
    /// };
    /// let vat = FlatTax::new("20%".parse()?, TaxMode::Exclusive)?;
    /// let inv = draft.clone().finalize("INV-1", &vat)?;
    /// assert_eq!((inv.subtotal().to_string(), inv.tax().to_string(), inv.total().to_string()),
    ///            ("EUR 100.00".into(), "EUR 20.00".into(), "EUR 120.00".into()));
    /// let mut wrong = draft;
    /// wrong.lines[0].quantity = Decimal::from(-3);
    /// assert!(wrong.finalize("INV-2", &vat).is_err()); // a credit is a credit note
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// An empty number; no lines; a due date before the issue date; a line in another currency,
    /// with a negative quantity or unit price; whatever the tax calculator refuses; amounts
    /// beyond `Decimal`'s range.
    pub fn finalize<T: TaxCalculator + ?Sized>(
        self,
        number: impl Into<String>,
        tax: &T,
    ) -> Result<Invoice, BillingError> {
        let number = number.into();
        let id = format!("invoice {number}");
        let currency = self.currency;
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            same_currency(Field::UnitPrice, &id, currency, &line.unit_price)?;
            if line.quantity.is_sign_negative() && !line.quantity.is_zero() {
                let (line, quantity) = (line.description.clone(), line.quantity);
                return Err(BillingError::NegativeQuantity { id, line, quantity });
            }
            not_negative(Field::UnitPrice, &id, line.unit_price)?;
            let treatment = tax.treatment(&self, line)?;
            let priced = line.unit_price.mul_round(line.quantity).context("line amount", &id)?;
            let (net, tax_amount) = split_tax(priced, treatment).context("line tax", &id)?;
            let gross = net.checked_add(tax_amount).context("line gross", &id)?;
            lines.push(InvoiceLine {
                description: line.description.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                service: line.service,
                tax: treatment,
                net,
                tax_amount,
                gross,
            });
        }
        Invoice::new(number, self.customer, self.contract_id, currency, self.issue_date, self.due_date, lines)
    }
}

/// `(net, tax)` for a rounded price: exclusive adds the tax `price × rate`, rounded once from the
/// exact product (not from `Decimal`'s 28 places); inclusive backs the net out of
/// the gross (`gross ÷ (1 + rate)`, rounded once from the exact quotient, not from `Decimal`'s
/// 28 places) and leaves tax as the difference, so nothing is lost to rounding. Both are zero or
/// more for a price of zero or more, since the rate is in `[0%, 100%]`.
pub(crate) fn split_tax(priced: Money, t: TaxTreatment) -> Result<(Money, Money), MoneyError> {
    match t.mode {
        // rounded once from the exact product, not from Decimal's 28 places
        TaxMode::Exclusive => Ok((priced, priced.mul_round(t.rate.fraction())?)),
        TaxMode::Inclusive => {
            let divisor = Decimal::ONE.checked_add(t.rate.fraction()).ok_or(MoneyError::Overflow("tax divisor"))?;
            // rounded once from the exact quotient; Decimal's 28-place one where that cannot be had
            let net = match priced.div_round(divisor) {
                Some(net) => net,
                None => priced.checked_div(divisor)?.round(),
            };
            Ok((net, priced.checked_sub(net)?))
        }
    }
}
