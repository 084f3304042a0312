use chrono::NaiveDate;

use super::error::{not_negative, rounded, same_currency, Context, Field};
use super::{BillingError, Invoice};
use crate::money::{Currency, Money};

/// An invoice as a receivable: what was billed, and what has been paid or credited since.
///
/// Valid by construction: a non-empty invoice number, a total, paid and credited amount that are
/// all zero or more, in one currency and in whole minor units of it (no USD 0.001, no JPY 0.5), a due date on or after the issue date, and an open
/// balance (`total − paid − credited`) that `Decimal` can hold. The open balance may be negative:
/// an invoice paid twice, or credited after it was paid, is an overpayment the customer is owed
/// (aging shows it as a credit).
///
/// Receivables change only through an [`ArLedger`](super::ArLedger), which applies payments,
/// credit notes and credit balances all-or-nothing. To import one that is already partly
/// settled, use [`Receivable::with_paid`] and [`Receivable::with_credited`].
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::Receivable;
/// use revops::{Currency, Money};
/// let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let r = Receivable::new("INV-1", "acme", day, day, usd("100"))?.with_paid(usd("30"), Some(day))?;
/// assert_eq!(r.open(), usd("70"));
/// assert!(Receivable::new("INV-2", "acme", day, day, usd("100"))?.with_paid(usd("-5"), None).is_err());
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ReceivableRepr"))]
pub struct Receivable {
    invoice: String,
    customer: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    total: Money,
    paid: Money,
    credited: Money,
    last_paid_on: Option<NaiveDate>,
    last_credited_on: Option<NaiveDate>,
}

deserialize_via!(
    Receivable,
    ReceivableRepr {
        invoice: String,
        customer: String,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        total: Money,
        paid: Money,
        credited: Money,
        last_paid_on: Option<NaiveDate>,
        #[serde(default)]
        last_credited_on: Option<NaiveDate>,
    },
    BillingError,
    |r| {
        Receivable::new(r.invoice, r.customer, r.issue_date, r.due_date, r.total)?
            .with_paid(r.paid, r.last_paid_on)?
            .with_credited(r.credited, r.last_credited_on)
    }
);

impl Receivable {
    /// An open receivable: nothing paid or credited yet.
    ///
    /// # Errors
    /// An empty invoice number, a negative total or one with digits below the currency's minor
    /// unit ([`BillingError::NotRounded`]), or a due date before the issue date.
    pub fn new(
        invoice: impl Into<String>,
        customer: impl Into<String>,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        total: Money,
    ) -> Result<Receivable, BillingError> {
        let invoice = invoice.into();
        if invoice.is_empty() {
            return Err(BillingError::EmptyId { what: "invoice number" });
        }
        if due_date < issue_date {
            return Err(BillingError::DueBeforeIssue { invoice, issue_date, due_date });
        }
        not_negative(Field::Total, &format!("invoice {invoice}"), total)?;
        rounded(Field::Total, &format!("invoice {invoice}"), total)?;
        let zero = Money::zero(total.currency());
        let customer = customer.into();
        Ok(Receivable {
            invoice,
            customer,
            issue_date,
            due_date,
            total,
            paid: zero,
            credited: zero,
            last_paid_on: None,
            last_credited_on: None,
        })
    }

    /// A receivable for a new invoice (valid, since the invoice is).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{Invoice, InvoiceLine, Receivable, TaxTreatment};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let line = InvoiceLine::new("plan".into(), Decimal::ONE, usd("99"), None, TaxTreatment::NONE, usd("99"), usd("0"))?;
    /// let inv = Invoice::new("INV-1".into(), "cus".into(), "K-1".into(), Currency::USD, day, day, vec![line])?;
    /// let r = Receivable::from_invoice(&inv);
    /// assert_eq!((r.open(), r.total()), (usd("99"), usd("99"))); // nothing paid or credited yet
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_invoice(invoice: &Invoice) -> Receivable {
        let zero = Money::zero(invoice.currency());
        Receivable {
            invoice: invoice.number().to_string(),
            customer: invoice.customer().to_string(),
            issue_date: invoice.issue_date(),
            due_date: invoice.due_date(),
            total: invoice.total(),
            paid: zero,
            credited: zero,
            last_paid_on: None,
            last_credited_on: None,
        }
    }

    /// The same receivable with `paid` already paid, last on `last_paid_on` (for imports).
    ///
    /// # Errors
    /// A negative amount, another currency than the total's, digits below the currency's minor
    /// unit, or an open balance beyond `Decimal`'s range.
    pub fn with_paid(self, paid: Money, last_paid_on: Option<NaiveDate>) -> Result<Receivable, BillingError> {
        let id = format!("invoice {}", self.invoice);
        same_currency(Field::Paid, &id, self.currency(), &paid)?;
        not_negative(Field::Paid, &id, paid)?;
        rounded(Field::Paid, &id, paid)?;
        Receivable { paid, last_paid_on, ..self }.checked()
    }

    /// The same receivable with `credited` already credited by credit notes, the last of them
    /// on `last_credited_on` (for imports; `None` when the date is not known).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::Receivable;
    /// use revops::{Currency, Money};
    /// let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// // importing an invoice of $1,000 already credited $200 and paid $300
    /// let r = Receivable::new("INV-7", "acme", d, d, usd("1000"))?.with_credited(usd("200"), Some(d))?.with_paid(usd("300"), Some(d))?;
    /// assert_eq!(r.open(), usd("500"));
    /// assert!(Receivable::new("INV-8", "acme", d, d, usd("1000"))?.with_credited(usd("-1"), None).is_err());
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Receivable::with_paid`].
    pub fn with_credited(
        self,
        credited: Money,
        last_credited_on: Option<NaiveDate>,
    ) -> Result<Receivable, BillingError> {
        let id = format!("invoice {}", self.invoice);
        same_currency(Field::Credited, &id, self.currency(), &credited)?;
        not_negative(Field::Credited, &id, credited)?;
        rounded(Field::Credited, &id, credited)?;
        Receivable { credited, last_credited_on, ..self }.checked()
    }

    /// `self` when its open balance can be computed, so [`Receivable::open`] never fails.
    fn checked(self) -> Result<Receivable, BillingError> {
        self.try_open().context("open balance", &format!("invoice {}", self.invoice))?;
        Ok(self)
    }

    fn try_open(&self) -> Result<Money, crate::money::MoneyError> {
        self.total.checked_sub(self.paid)?.checked_sub(self.credited)
    }

    /// Still owed: `total − paid − credited`; negative when overpaid.
    #[inline]
    pub fn open(&self) -> Money {
        // every constructor and every change checks that this computes
        self.try_open().unwrap_or(Money::zero(self.currency()))
    }

    /// Invoice number.
    pub fn invoice(&self) -> &str {
        &self.invoice
    }

    /// Customer.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// Issue date.
    pub fn issue_date(&self) -> NaiveDate {
        self.issue_date
    }

    /// Due date.
    pub fn due_date(&self) -> NaiveDate {
        self.due_date
    }

    /// Invoice total.
    pub fn total(&self) -> Money {
        self.total
    }

    /// Paid so far.
    pub fn paid(&self) -> Money {
        self.paid
    }

    /// Credited so far (credit notes).
    pub fn credited(&self) -> Money {
        self.credited
    }

    /// Date of the payment (or use of credit) that most recently reduced it.
    pub fn last_paid_on(&self) -> Option<NaiveDate> {
        self.last_paid_on
    }

    /// Date of the credit note that most recently took something off its open balance (`None`
    /// when none has, or, for an import or JSON written before credit notes were dated, when the
    /// date is not known).
    pub fn last_credited_on(&self) -> Option<NaiveDate> {
        self.last_credited_on
    }

    /// The later of [`Receivable::last_paid_on`] and [`Receivable::last_credited_on`]: the
    /// last date its balance changed. The readers that take a date
    /// ([`age_receivables`](super::age_receivables),
    /// [`DunningPolicy::evaluate`](super::DunningPolicy::evaluate), the executive snapshot)
    /// refuse a receivable whose last change is after their date
    /// ([`BillingError::SettledAfter`]): it holds later payments or credits, so pass it as it
    /// stood on that date ([`ArLedger::receivables_as_of`](super::ArLedger::receivables_as_of)).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::Receivable;
    /// use revops::{Currency, Money};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let r = Receivable::new("INV-1", "acme", d(1), d(2), usd("100"))?
    ///     .with_paid(usd("60"), Some(d(2)))?
    ///     .with_credited(usd("40"), Some(d(3)))?;
    /// assert_eq!(r.last_settled_on(), Some(d(3)));
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    pub fn last_settled_on(&self) -> Option<NaiveDate> {
        self.last_paid_on.max(self.last_credited_on)
    }

    /// `Err(SettledAfter)` when the receivable changed after `as_of`.
    pub(crate) fn check_as_of(&self, as_of: NaiveDate) -> Result<(), BillingError> {
        match self.last_settled_on() {
            Some(settled_on) if settled_on > as_of => {
                Err(BillingError::SettledAfter { invoice: self.invoice.clone(), settled_on, as_of })
            }
            _ => Ok(()),
        }
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    /// The receivable with `paid` and `last_paid_on` replaced, for the ledger, which has
    /// checked that `paid` is zero or more, in the right currency and leaves a computable open
    /// balance.
    pub(crate) fn set_paid(&mut self, paid: Money, last_paid_on: Option<NaiveDate>) {
        self.paid = paid;
        self.last_paid_on = last_paid_on;
    }

    /// The receivable with `credited` and `last_credited_on` replaced (checked by the ledger as
    /// for `set_paid`).
    pub(crate) fn set_credited(&mut self, credited: Money, last_credited_on: Option<NaiveDate>) {
        self.credited = credited;
        self.last_credited_on = last_credited_on;
    }

    /// `credited + amount`, checked to leave a valid receivable (not applied).
    pub(crate) fn credited_after(&self, amount: Money) -> Result<Money, BillingError> {
        let id = format!("invoice {}", self.invoice);
        same_currency(Field::Credited, &id, self.currency(), &amount)?;
        let credited = self.credited.checked_add(amount).context("amount credited", &id)?;
        Receivable { credited, ..self.clone() }.checked()?;
        Ok(credited)
    }

    /// `paid + amount`, checked to leave a valid receivable (not applied).
    pub(crate) fn paid_after(&self, amount: Money) -> Result<Money, BillingError> {
        let id = format!("invoice {}", self.invoice);
        same_currency(Field::Paid, &id, self.currency(), &amount)?;
        let paid = self.paid.checked_add(amount).context("amount paid", &id)?;
        Receivable { paid, ..self.clone() }.checked()?;
        Ok(paid)
    }
}

/// A customer's credit balance in one currency: overpayments and unapplied cash, usable on
/// later invoices or refunded. Never negative and in whole minor units of the currency (checked
/// on construction and on the way in from JSON). An [`ArLedger`](super::ArLedger) keeps them.
///
/// ```
/// use revops::billing::CustomerBalance;
/// use revops::{Currency, Money};
/// let b = CustomerBalance::new("acme", Money::parse("50", Currency::USD)?)?;
/// assert_eq!(b.credit().to_string(), "USD 50.00");
/// assert!(CustomerBalance::new("acme", Money::parse("-1", Currency::USD)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CustomerBalanceRepr"))]
pub struct CustomerBalance {
    customer: String,
    credit: Money,
}

deserialize_via!(CustomerBalance, CustomerBalanceRepr { customer: String, credit: Money }, BillingError, |r| {
    CustomerBalance::new(r.customer, r.credit)
});

impl CustomerBalance {
    /// A balance of `credit`.
    ///
    /// # Errors
    /// [`BillingError::Negative`] for a negative credit, [`BillingError::NotRounded`] for one
    /// finer than the currency's minor unit (no USD 29.005).
    pub fn new(customer: impl Into<String>, credit: Money) -> Result<CustomerBalance, BillingError> {
        let customer = customer.into();
        not_negative(Field::CreditBalance, &format!("customer {customer}"), credit)?;
        rounded(Field::CreditBalance, &format!("customer {customer}"), credit)?;
        Ok(CustomerBalance { customer, credit })
    }

    /// The customer.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// Credit held (zero or more).
    pub fn credit(&self) -> Money {
        self.credit
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.credit.currency()
    }
}
