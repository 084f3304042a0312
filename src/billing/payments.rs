use chrono::NaiveDate;

use super::error::same_currency;
use super::{BillingError, Invoice};
use crate::money::{convert, Currency, FxRates, Money};

/// An invoice as a receivable: what was billed, and what has been paid or credited since.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Receivable {
    /// Invoice number.
    pub invoice: String,
    /// Customer.
    pub customer: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Invoice total.
    pub total: Money,
    /// Paid so far.
    pub paid: Money,
    /// Credited so far (credit notes).
    pub credited: Money,
    /// Date of the payment that most recently reduced it.
    pub last_paid_on: Option<NaiveDate>,
}

impl Receivable {
    /// A receivable for a new invoice.
    pub fn from_invoice(invoice: &Invoice) -> Receivable {
        Receivable {
            invoice: invoice.number.clone(),
            customer: invoice.customer.clone(),
            issue_date: invoice.issue_date,
            due_date: invoice.due_date,
            total: invoice.total,
            paid: Money::zero(invoice.currency),
            credited: Money::zero(invoice.currency),
            last_paid_on: None,
        }
    }

    /// Still owed: total − paid − credited.
    #[inline]
    pub fn open(&self) -> Result<Money, BillingError> {
        Ok(self.total.checked_sub(self.paid)?.checked_sub(self.credited)?)
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.total.currency()
    }
}

/// Cash received from a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Payment {
    /// The caller's payment id.
    pub id: String,
    /// Who paid.
    pub customer: String,
    /// When.
    pub date: NaiveDate,
    /// How much (positive).
    pub amount: Money,
}

/// Which invoices a payment pays.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ApplicationRule {
    /// The customer's open invoices in due-date order (then issue date, then number).
    OldestFirst,
    /// Exactly these amounts on these invoices (remittance advice); any rest is unapplied.
    Explicit(Vec<(String, Money)>),
}

/// How a payment was applied. `Σ applied + unapplied = payment amount`, always.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PaymentApplication {
    /// The payment.
    pub payment: String,
    /// `(invoice, amount)` applied.
    pub applied: Vec<(String, Money)>,
    /// Left over: goes to the customer's credit balance.
    pub unapplied: Money,
}

/// Apply `payment` to the customer's `receivables` (updated in place).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{apply_payment, ApplicationRule, Payment, Receivable};
/// use revops::{Currency, Money};
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let open = |n: &str, due| Receivable { invoice: n.into(), customer: "c".into(), issue_date: due, due_date: due,
///     total: usd("100"), paid: usd("0"), credited: usd("0"), last_paid_on: None };
/// let mut ar = vec![open("INV-2", d(2)), open("INV-1", d(1))];
/// let pay = Payment { id: "py_1".into(), customer: "c".into(), date: d(3), amount: usd("150") };
/// let app = apply_payment(&pay, &mut ar, &ApplicationRule::OldestFirst)?;
/// assert_eq!(app.applied, [("INV-1".to_string(), usd("100")), ("INV-2".to_string(), usd("50"))]);
/// assert!(app.unapplied.is_zero());
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
pub fn apply_payment(
    payment: &Payment,
    receivables: &mut [Receivable],
    rule: &ApplicationRule,
) -> Result<PaymentApplication, BillingError> {
    let c = payment.amount.currency();
    if payment.amount.is_negative() {
        return Err(BillingError::Negative(format!("payment {}", payment.id)));
    }
    let mut left = payment.amount;
    let mut applied = Vec::new();
    let mut pay = |r: &mut Receivable, amount: Money| -> Result<(), BillingError> {
        r.paid = r.paid.checked_add(amount)?;
        r.last_paid_on = Some(r.last_paid_on.map_or(payment.date, |d| d.max(payment.date)));
        applied.push((r.invoice.clone(), amount));
        Ok(())
    };
    match rule {
        ApplicationRule::OldestFirst => {
            let mut order: Vec<usize> = (0..receivables.len())
                .filter(|&i| receivables[i].customer == payment.customer && receivables[i].currency() == c)
                .collect();
            order.sort_by(|&a, &b| {
                let (x, y) = (&receivables[a], &receivables[b]);
                (x.due_date, x.issue_date, &x.invoice).cmp(&(y.due_date, y.issue_date, &y.invoice))
            });
            for i in order {
                if left.is_zero() {
                    break;
                }
                let open = receivables[i].open()?;
                if open.amount() <= rust_decimal::Decimal::ZERO {
                    continue;
                }
                let amount = if open.amount() < left.amount() { open } else { left };
                pay(&mut receivables[i], amount)?;
                left = left.checked_sub(amount)?;
            }
        }
        ApplicationRule::Explicit(lines) => {
            for (invoice, amount) in lines {
                same_currency("applied amount", c, amount)?;
                if amount.is_negative() {
                    return Err(BillingError::Negative(format!("amount applied to {invoice}")));
                }
                if amount.amount() > left.amount() {
                    return Err(BillingError::OverApplication {
                        invoice: invoice.clone(),
                        open: left,
                        requested: *amount,
                    });
                }
                let r = receivables
                    .iter_mut()
                    .find(|r| &r.invoice == invoice && r.customer == payment.customer)
                    .ok_or_else(|| BillingError::UnknownInvoice(invoice.clone()))?;
                same_currency("invoice", c, &r.total)?;
                let open = r.open()?;
                if amount.amount() > open.amount() {
                    return Err(BillingError::OverApplication { invoice: invoice.clone(), open, requested: *amount });
                }
                pay(r, *amount)?;
                left = left.checked_sub(*amount)?;
            }
        }
    }
    Ok(PaymentApplication { payment: payment.id.clone(), applied, unapplied: left })
}

/// A customer's credit balance: overpayments and unapplied cash, usable on later invoices or
/// refunded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerBalance {
    /// The customer.
    pub customer: String,
    /// Credit held (never negative).
    pub credit: Money,
}

impl CustomerBalance {
    /// An empty balance.
    pub fn new(customer: impl Into<String>, currency: Currency) -> CustomerBalance {
        CustomerBalance { customer: customer.into(), credit: Money::zero(currency) }
    }

    /// Hold a payment's unapplied rest.
    pub fn deposit(&mut self, amount: Money) -> Result<(), BillingError> {
        if amount.is_negative() {
            return Err(BillingError::Negative("deposit".into()));
        }
        self.credit = self.credit.checked_add(amount)?;
        Ok(())
    }

    /// Refund part of the balance; more than the balance is an error.
    pub fn refund(&mut self, amount: Money) -> Result<(), BillingError> {
        same_currency("refund", self.credit.currency(), &amount)?;
        if amount.is_negative() {
            return Err(BillingError::Negative("refund".into()));
        }
        if amount.amount() > self.credit.amount() {
            return Err(BillingError::RefundExceedsBalance { balance: self.credit, requested: amount });
        }
        self.credit = self.credit.checked_sub(amount)?;
        Ok(())
    }

    /// Use the balance on a receivable, up to its open amount; returns what was used.
    pub fn apply_to(&mut self, receivable: &mut Receivable, on: NaiveDate) -> Result<Money, BillingError> {
        same_currency("customer balance", receivable.currency(), &self.credit)?;
        let open = receivable.open()?;
        let used = if open.amount() < self.credit.amount() { open } else { self.credit };
        if used.amount() <= rust_decimal::Decimal::ZERO {
            return Ok(Money::zero(self.credit.currency()));
        }
        receivable.paid = receivable.paid.checked_add(used)?;
        receivable.last_paid_on = Some(on);
        self.credit = self.credit.checked_sub(used)?;
        Ok(used)
    }
}

/// A realised FX difference on settling a foreign-currency receivable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RealisedFx {
    /// The receivable as booked, in the functional currency at the invoice-date rate.
    pub booked: Money,
    /// The cash as settled, in the functional currency at the payment-date rate.
    pub settled: Money,
    /// `settled − booked`: a gain when positive, a loss when negative.
    pub gain: Money,
}

/// The realised FX gain or loss when `applied` (invoice currency) is paid on `paid_on` against
/// an invoice issued on `invoiced_on`, measured in `functional`.
pub fn realised_fx<R: FxRates + ?Sized>(
    applied: Money,
    invoiced_on: NaiveDate,
    paid_on: NaiveDate,
    functional: Currency,
    rates: &R,
) -> Result<RealisedFx, BillingError> {
    let booked = convert(applied, functional, invoiced_on, rates)?.converted;
    let settled = convert(applied, functional, paid_on, rates)?.converted;
    Ok(RealisedFx { booked, settled, gain: settled.checked_sub(booked)? })
}
