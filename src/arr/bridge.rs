//! The reports a book gives: movements, the ARR bridge and where new ARR came from.

use super::unit::{reported, to_minor};
use super::ArrError;
use crate::calendar::Month;
use crate::money::{Currency, Fixed, Money, MoneyError};

/// ARR movements over one month or a range, in the reporting currency, exact to 10⁻⁸ of the
/// minor unit (see "# Amounts" in [`ArrBook`](super::ArrBook)); [`ArrBridge`] rounds them to
/// the minor unit so that they tie.
///
/// # Rules
///
/// Movements are customer-level differences between monthly snapshots, as in the dbt
/// mrr-playbook (a common SQL reference), taken at each month's end: a customer's ARR at the end
/// of the month before against its ARR at the end of this one. (The playbook's snapshot of a
/// month is its first day, `date_month`, in `customer_revenue_by_month.sql`: a customer who
/// starts on 15 January is new in January here and in February there.) ARR is `price × 12 ÷ months`, net of discounts under
/// the default [`DiscountPolicy`](super::DiscountPolicy) (ChartMogul's and Baremetrics' rule).
///
/// * **New**: ARR from a customer with none at the last month end who never had ARR before.
/// * **Reactivation**: the same from a customer who had ARR on some earlier day. A customer who
///   started and left inside one month and returns in a later one is a reactivation: the book
///   counts the first *day* with ARR, as ChartMogul does, not the first monthly snapshot with
///   ARR as the dbt mrr-playbook does (which would call it new).
/// * **Expansion** / **Contraction**: a change in ARR of a customer with ARR at both month
///   ends: a second subscription is expansion, cancelling one of two is contraction (not churn),
///   a discount ending is expansion and one starting is contraction.
/// * **Churn**: the ARR of a customer with none at this month end.
/// * **FX**: for a customer billed in another currency, the change from re-valuing its ARR at a
///   new booking rate. The book values a customer's ARR at a month end at the rate of its
///   latest change (an event that moves ARR or prices it anew, on the date
///   [`FxRateDate`](super::FxRateDate) picks, or a trial end or period end scheduled earlier,
///   on the day it takes effect; of changes to several
///   subscriptions on one day, the one with the latest such date), so a change is valued
///   at the rate of its own date, and the rest of the difference (what the customer had,
///   re-valued) is FX: a EUR customer who renews at the same EUR price after the euro weakened
///   shows an FX loss, never a contraction. FX is never new, expansion, contraction, churn or
///   reactivation.
/// * **Same-month new and churn** net to nothing under the default
///   [`SamePeriodNewAndChurn::Ignore`](super::SamePeriodNewAndChurn); `ShowBoth` shows both.
///
/// So `opening + new + expansion + reactivation − contraction − churn + fx = closing`, exactly.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
/// use revops::calendar::Month;
/// use revops::money::InMemoryFxRates;
/// use revops::{Currency, Money};
///
/// // After ChartMogul's Syncalytics example: four Gold yearly plans ($2,000), then two Silver
/// // monthly plans ($60 a month) a few days later, cancelled later (two weeks later in
/// // ChartMogul's telling; a month here, so that the cancellation falls in February).
/// // ChartMogul logs movements as they happen, so it shows the Silver plans as expansion; month
/// // ends see both plans new in January (and Silver plans cancelled inside January would net to
/// // nothing).
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
/// let events = [
///     Ev::start("e1", "syncalytics", "gold", day(1, 5), usd("2000"), Interval::Year),
///     Ev::start("e2", "syncalytics", "silver", day(1, 9), usd("60"), Interval::Month),
///     Ev::cancel("e3", "syncalytics", "silver", day(2, 9), None),
/// ];
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &InMemoryFxRates::new())?;
/// assert_eq!(book.movements(jan, jan)?.new, usd("2720"));        // 2,000 + 60 × 12, both new in January
/// assert_eq!(book.movements(feb, feb)?.contraction, usd("720")); // one of two subscriptions: contraction
/// assert_eq!(book.movements(feb, feb)?.churned_logos, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A customer who starts and leaves inside January and returns in March is a reactivation in
/// March (the dbt mrr-playbook's monthly snapshots would call it new):
///
/// ```
/// # use chrono::NaiveDate;
/// # use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
/// # use revops::calendar::Month;
/// # use revops::money::InMemoryFxRates;
/// # use revops::{Currency, Money};
/// # let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// # let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let events = [
///     Ev::start("e1", "acme", "main", day(1, 3), usd("100"), Interval::Month),
///     Ev::cancel("e2", "acme", "main", day(1, 20), None),
///     Ev::start("e3", "acme", "main", day(3, 2), usd("100"), Interval::Month),
/// ];
/// let (jan, mar) = (Month::new(2026, 1)?, Month::new(2026, 3)?);
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=mar, &InMemoryFxRates::new())?;
/// assert_eq!(book.movements(jan, jan)?.new_logos, 0); // in and out inside January: nets to nothing
/// assert_eq!(book.movements(mar, mar)?.reactivation, usd("1200"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Movements {
    /// ARR from customers never active before.
    pub new: Money,
    /// Increases from active customers.
    pub expansion: Money,
    /// Decreases from customers who stay (a positive amount that reduces ARR).
    pub contraction: Money,
    /// ARR lost from customers who left (a positive amount that reduces ARR).
    pub churn: Money,
    /// ARR from customers who had left and came back.
    pub reactivation: Money,
    /// Re-valuing foreign customers' ARR at new booking rates (signed; not a movement of
    /// business, kept apart).
    pub fx: Money,
    /// Renewed ARR booked (for composition; not a movement): the ARR just after each Renew of
    /// a subscription that had ARR the day before. A Renew of one with no ARR the day before is
    /// not ARR renewed: after a trial or an end it brings new business or a reactivation, which
    /// the lines above count; a paused one stays paused, booking nothing, until it resumes.
    pub renewal: Money,
    /// Customers new.
    pub new_logos: u64,
    /// Customers lost.
    pub churned_logos: u64,
    /// Customers back.
    pub reactivated_logos: u64,
}

impl Movements {
    /// No movement, in `currency`.
    pub fn zero(currency: Currency) -> Movements {
        let z = Money::zero(currency);
        Movements {
            new: z,
            expansion: z,
            contraction: z,
            churn: z,
            reactivation: z,
            fx: z,
            renewal: z,
            new_logos: 0,
            churned_logos: 0,
            reactivated_logos: 0,
        }
    }

    /// `new + expansion + reactivation − contraction − churn` (FX apart).
    ///
    /// # Errors
    ///
    /// A money error when the amounts are in different currencies or the sum overflows.
    pub fn net(&self) -> Result<Money, MoneyError> {
        self.new
            .checked_add(self.expansion)?
            .checked_add(self.reactivation)?
            .checked_sub(self.contraction)?
            .checked_sub(self.churn)
    }
}

/// [`Movements`] as the book keeps and sums them: ARR in the reporting currency's parts (see
/// `unit`), as [`Fixed`] integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Flows {
    pub new: Fixed,
    pub expansion: Fixed,
    pub contraction: Fixed,
    pub churn: Fixed,
    pub reactivation: Fixed,
    pub fx: Fixed,
    pub renewal: Fixed,
    pub new_logos: u64,
    pub churned_logos: u64,
    pub reactivated_logos: u64,
}

impl Flows {
    /// A customer arriving with `arr`: a reactivation if it had been a customer before, else new.
    pub fn arrive(&mut self, arr: Fixed, was_active: bool) {
        if was_active {
            self.reactivation = arr;
            self.reactivated_logos = 1;
        } else {
            self.new = arr;
            self.new_logos = 1;
        }
    }

    /// New + expansion + reactivation − contraction − churn.
    pub fn net(&self) -> Fixed {
        self.new + self.expansion + self.reactivation - self.contraction - self.churn
    }

    pub fn add(&mut self, o: &Flows) {
        self.new += o.new;
        self.expansion += o.expansion;
        self.contraction += o.contraction;
        self.churn += o.churn;
        self.reactivation += o.reactivation;
        self.fx += o.fx;
        self.renewal += o.renewal;
        self.new_logos += o.new_logos;
        self.churned_logos += o.churned_logos;
        self.reactivated_logos += o.reactivated_logos;
    }

    pub fn sub(&mut self, o: &Flows) {
        self.new -= o.new;
        self.expansion -= o.expansion;
        self.contraction -= o.contraction;
        self.churn -= o.churn;
        self.reactivation -= o.reactivation;
        self.fx -= o.fx;
        self.renewal -= o.renewal;
        self.new_logos -= o.new_logos;
        self.churned_logos -= o.churned_logos;
        self.reactivated_logos -= o.reactivated_logos;
    }

    /// As the public [`Movements`], in `currency` at `scale`.
    pub fn to_movements(self, currency: Currency, scale: u32) -> Movements {
        let m = |x: Fixed| Money::new(reported(x, scale), currency);
        Movements {
            new: m(self.new),
            expansion: m(self.expansion),
            contraction: m(self.contraction),
            churn: m(self.churn),
            reactivation: m(self.reactivation),
            fx: m(self.fx),
            renewal: m(self.renewal),
            new_logos: self.new_logos,
            churned_logos: self.churned_logos,
            reactivated_logos: self.reactivated_logos,
        }
    }
}

/// The ARR bridge: why ARR moved between two month ends.
///
/// Every line is in the currency's minor unit, and they tie exactly:
/// `opening + new + expansion + reactivation − contraction − churn + fx = closing`. The opening
/// and closing are the book's ARR rounded half to even (what [`ArrBook::arr_at`](super::ArrBook::arr_at)
/// reports); the lines between are rounded cumulatively in that order (each line is the
/// rounded running total less the one before, each running total rounded from the exact
/// amounts the book keeps), so each is within one minor unit of its exact
/// amount in [`ArrBridge::movements`] and no rounding residue is left over.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ArrBridge {
    /// First month.
    pub from: Month,
    /// Last month.
    pub to: Month,
    /// ARR at the end of the month before `from`.
    pub opening: Money,
    /// New-logo ARR.
    pub new: Money,
    /// Expansion ARR.
    pub expansion: Money,
    /// Reactivation ARR.
    pub reactivation: Money,
    /// Contraction ARR (reduces).
    pub contraction: Money,
    /// Churned ARR (reduces).
    pub churn: Money,
    /// FX: re-valuing foreign ARR (at booking rates, or at month-end rates in
    /// [`ArrBook::bridge_revalued`](super::ArrBook::bridge_revalued)).
    pub fx: Money,
    /// ARR at the end of `to`.
    pub closing: Money,
    /// Customers with ARR at the opening.
    pub opening_customers: u64,
    /// Customers with ARR at the close.
    pub closing_customers: u64,
    /// The movements, exact (to 10⁻⁸ of the minor unit), and logo counts.
    pub movements: Movements,
    /// What sales booked in the range, each figure rounded once from the exact amounts.
    pub composition: NewArrComposition,
}

/// An exact bridge, before rounding: ARR in the reporting currency's parts at `scale`.
pub(crate) struct ExactBridge {
    pub from: Month,
    pub to: Month,
    pub scale: u32,
    pub opening: Fixed,
    pub closing: Fixed,
    /// The movements; their FX is the bridge's FX line: the booked one, or what revaluation
    /// leaves.
    pub flows: Flows,
    pub opening_customers: u64,
    pub closing_customers: u64,
}

impl ExactBridge {
    /// The bridge in minor units, each running total rounded from the exact parts, so that it
    /// ties and each line is within one minor unit of its exact amount.
    pub fn rounded(self, currency: Currency) -> Result<ArrBridge, ArrError> {
        let round = |x: Fixed| Money::new(to_minor(x, self.scale, 1), currency);
        let f = &self.flows;
        let steps = [f.new, f.expansion, f.reactivation, -f.contraction, -f.churn, f.fx];
        let mut running = self.opening;
        let mut shown = round(running);
        let opening = shown;
        let mut lines = [Money::zero(currency); 6];
        // (the parts' sums stay far inside 128 bits: see `unit::MAX_ARR_DIGITS`)
        for (line, step) in lines.iter_mut().zip(steps) {
            running += step;
            let next = round(running);
            *line = next.checked_sub(shown)?;
            shown = next;
        }
        let [new, expansion, reactivation, contraction, churn, fx] = lines;
        // each rounded once from the exact parts: rounded from `movements`, already rounded to
        // 10⁻⁸ of the minor unit, a total a hair over half a cent could read as exactly half
        let composition = NewArrComposition {
            new_business: round(f.new + f.reactivation),
            expansion: round(f.expansion),
            renewal: round(f.renewal),
        };
        // reductions are shown as positive amounts (and a zero as a zero, not −0.00)
        let reduction = |x: Money| Money::zero(currency).checked_sub(x);
        Ok(ArrBridge {
            from: self.from,
            to: self.to,
            opening,
            new,
            expansion,
            reactivation,
            contraction: reduction(contraction)?,
            churn: reduction(churn)?,
            fx,
            closing: round(self.closing),
            opening_customers: self.opening_customers,
            closing_customers: self.closing_customers,
            movements: self.flows.to_movements(currency, self.scale),
            composition,
        })
    }
}

impl ArrBridge {
    /// True when `opening + new + expansion + reactivation − contraction − churn + fx = closing`.
    pub fn ties(&self) -> bool {
        let sum = [self.new, self.expansion, self.reactivation, -self.contraction, -self.churn, self.fx]
            .iter()
            .try_fold(self.opening, |acc, m| acc.checked_add(*m));
        sum == Ok(self.closing)
    }

    /// Net new ARR: `closing − opening − fx`.
    ///
    /// # Errors
    ///
    /// A money error when the lines are in different currencies or overflow.
    pub fn net_new(&self) -> Result<Money, ArrError> {
        Ok(self.closing.checked_sub(self.opening)?.checked_sub(self.fx)?)
    }
}

/// What sales booked in a bridge's range ([`ArrBridge::composition`]): new ARR
/// (`new_business + expansion`) and, apart from it, the ARR renewed (a renewal keeps ARR; at the
/// same price it adds nothing to the bridge). Each figure is its exact amount rounded half to
/// even to the minor unit, once: `new_business` may differ by up to two minor units from the
/// bridge's `new + reactivation`, two lines each rounded cumulatively (within a unit of its
/// exact amount) so that the bridge ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NewArrComposition {
    /// New logos and reactivations.
    pub new_business: Money,
    /// Expansion of existing customers.
    pub expansion: Money,
    /// ARR renewed: not new ARR and not growth, but sales' work.
    pub renewal: Money,
}

impl NewArrComposition {
    /// Nothing booked, in `currency`.
    pub fn zero(currency: Currency) -> NewArrComposition {
        let z = Money::zero(currency);
        NewArrComposition { new_business: z, expansion: z, renewal: z }
    }
}
