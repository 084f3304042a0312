use chrono::NaiveDate;

use super::error::{not_negative, rounded, same_currency, Context, Field};
use super::BillingError;
use crate::money::{convert, Currency, FxRates, Money};

/// Cash received from a customer: a non-empty id (the caller's, such as Stripe's `py_…`), and a
/// positive amount in whole minor units of its currency (cents, yen). The id makes delivery idempotent: an [`ArLedger`](super::ArLedger) applies
/// a payment id once, however often it is delivered.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::Payment;
/// use revops::{Currency, Money};
/// let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// let p = Payment::new("py_1", "acme", day, Money::parse("100", Currency::USD)?)?;
/// assert_eq!(p.amount().to_string(), "USD 100.00");
/// assert!(Payment::new("py_2", "acme", day, Money::parse("0", Currency::USD)?).is_err());
/// assert!(Payment::new("py_3", "acme", day, Money::parse("0.001", Currency::USD)?).is_err()); // no such cash
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PaymentRepr"))]
pub struct Payment {
    id: String,
    customer: String,
    date: NaiveDate,
    amount: Money,
}

deserialize_via!(
    Payment,
    PaymentRepr { id: String, customer: String, date: NaiveDate, amount: Money },
    BillingError,
    |r| Payment::new(r.id, r.customer, r.date, r.amount)
);

impl Payment {
    /// A payment.
    ///
    /// # Errors
    /// An empty id, an amount that is zero or negative ([`BillingError::NotPositive`]), or one
    /// with digits below the currency's minor unit ([`BillingError::NotRounded`]).
    pub fn new(
        id: impl Into<String>,
        customer: impl Into<String>,
        date: NaiveDate,
        amount: Money,
    ) -> Result<Payment, BillingError> {
        let id = id.into();
        if id.is_empty() {
            return Err(BillingError::EmptyId { what: "payment id" });
        }
        if amount.is_negative() || amount.is_zero() {
            return Err(BillingError::NotPositive { what: Field::PaymentAmount, id: format!("payment {id}"), amount });
        }
        rounded(Field::PaymentAmount, &format!("payment {id}"), amount)?;
        Ok(Payment { id, customer: customer.into(), date, amount })
    }

    /// The caller's payment id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Who paid.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// When.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// How much (positive).
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.amount.currency()
    }
}

/// Which invoices a payment pays.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum ApplicationRule {
    /// The customer's open invoices in the payment's currency, in due-date order (then issue
    /// date, then number); the rest goes to the customer's credit balance.
    OldestFirst,
    /// Exactly these amounts on these invoices (remittance advice); any rest goes to the
    /// customer's credit balance. An invoice may appear more than once; zero amounts are skipped.
    Explicit(Vec<(String, Money)>),
}

/// How a payment was applied. `Σ applied + unapplied = payment amount`, always.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct PaymentApplication {
    /// The payment.
    pub payment: String,
    /// `(invoice, amount)` applied, each amount positive.
    pub applied: Vec<(String, Money)>,
    /// Left over: held in the customer's credit balance.
    pub unapplied: Money,
}

impl PaymentApplication {
    /// The amount applied to invoices, when this is an application of `payment` as an
    /// [`ArLedger`](super::ArLedger) makes one: it names `payment`, every amount is in the
    /// payment's currency and whole minor units, each applied amount is positive, the rest is
    /// zero or more, and `Σ applied + unapplied` is the payment's amount. The one check for a
    /// ledger's payment record read from JSON and for [`payment_journal_entry`](super::payment_journal_entry).
    pub(crate) fn check(&self, payment: &Payment) -> Result<Money, BillingError> {
        let record = format!("payment {}", payment.id());
        let inconsistent = |reason| BillingError::InconsistentRecord { record: record.clone(), reason };
        if self.payment != payment.id() {
            return Err(inconsistent("its application names another payment"));
        }
        let c = payment.currency();
        for (_, m) in &self.applied {
            same_currency(Field::AppliedAmount, &record, c, m)?;
            rounded(Field::AppliedAmount, &record, *m)?;
            if m.is_negative() || m.is_zero() {
                return Err(inconsistent("an applied amount is not positive"));
            }
        }
        same_currency(Field::AppliedAmount, &record, c, &self.unapplied)?;
        not_negative(Field::AppliedAmount, &record, self.unapplied)?;
        let applied = Money::sum(c, self.applied.iter().map(|(_, m)| *m)).context("amount applied", &record)?;
        if applied.checked_add(self.unapplied).context("amount applied", &record)? != payment.amount() {
            return Err(inconsistent("applied and unapplied do not add up to the payment"));
        }
        Ok(applied)
    }
}

/// How an [`ArLedger`](super::ArLedger) applied a credit note: what came off its invoice's
/// open balance and what, credited beyond what was open (a note on a paid invoice), went to the
/// customer's credit balance. `on_invoice + to_credit = ` the note's total, both zero or more,
/// in its currency. [`credit_note_journal_entry`](super::credit_note_journal_entry) posts it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct CreditNoteApplication {
    /// The credit note number.
    pub note: String,
    /// The invoice it credits.
    pub invoice: String,
    /// Credited on the invoice: off its open balance (accounts receivable).
    pub on_invoice: Money,
    /// Credited beyond what was open: to the customer's credit balance.
    pub to_credit: Money,
    /// The date it was applied ([`ArLedger::apply_credit_note`](super::ArLedger::apply_credit_note)'s
    /// `on`); `None` in a ledger written before credit notes were dated.
    #[cfg_attr(feature = "serde", serde(default))]
    pub on: Option<NaiveDate>,
}

/// A realised FX difference on settling a foreign-currency receivable.
///
/// JSON is checked on the way in: the two amounts in one currency, and the gain their
/// difference ([`BillingError::InconsistentRecord`] otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, try_from = "RealisedFxRepr"))]
pub struct RealisedFx {
    /// The receivable as booked, in the functional currency at the invoice-date rate.
    pub booked: Money,
    /// The cash as settled, in the functional currency at the payment-date rate.
    pub settled: Money,
    /// `settled − booked`: a gain when positive, a loss when negative.
    pub gain: Money,
}

deserialize_via!(RealisedFx, RealisedFxRepr { booked: Money, settled: Money, gain: Money }, BillingError, |r| {
    let ties = r.booked.currency() == r.settled.currency() && r.settled.checked_sub(r.booked).ok() == Some(r.gain);
    if !ties {
        let reason = "its gain is not the settled amount less the booked one, in one currency";
        return Err(BillingError::InconsistentRecord { record: "realised FX".into(), reason });
    }
    Ok(RealisedFx { booked: r.booked, settled: r.settled, gain: r.gain })
});

/// The realised FX gain or loss when `applied` (invoice currency) is paid on `paid_on` against
/// an invoice issued on `invoiced_on`, measured in `functional`.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::realised_fx;
/// use revops::money::InMemoryFxRates;
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
/// let mut rates = InMemoryFxRates::new();
/// rates.insert(Currency::EUR, Currency::USD, d(1), Decimal::new(110, 2))?;
/// rates.insert(Currency::EUR, Currency::USD, d(2), Decimal::new(108, 2))?;
/// let fx = realised_fx(Money::parse("100", Currency::EUR)?, d(1), d(2), Currency::USD, &rates)?;
/// assert_eq!(fx.gain.to_string(), "USD -2.00"); // a realised loss
/// assert!(realised_fx(Money::parse("100", Currency::GBP)?, d(1), d(2), Currency::USD, &rates).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// No rate for the pair on either date, or amounts beyond `Decimal`'s range.
pub fn realised_fx<R: FxRates + ?Sized>(
    applied: Money,
    invoiced_on: NaiveDate,
    paid_on: NaiveDate,
    functional: Currency,
    rates: &R,
) -> Result<RealisedFx, BillingError> {
    let booked = convert(applied, functional, invoiced_on, rates)?.converted;
    let settled = convert(applied, functional, paid_on, rates)?.converted;
    Ok(RealisedFx { booked, settled, gain: settled.checked_sub(booked).context("realised fx gain", "settlement")? })
}
