use crate::money::{Money, Percent};
use chrono::NaiveDate;

/// A subscription event from the billing system.
///
/// A subscription's events on one day take effect in a fixed order, whatever order they arrive
/// in (so a book's results never depend on arrival order): start, renew, change, discount end,
/// discount start, resume, pause, cancel; events of one kind by amount (the price, the discount,
/// the paid-through date), then by `recorded_on`. Two changes on one day therefore leave the
/// higher price, and the book keeps only that one. A caller whose day holds several changes
/// and who wants the last to win sends one net change for the day.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SubscriptionEvent {
    /// Customer (account) id.
    pub customer: String,
    /// Subscription id, unique within the customer.
    pub subscription: String,
    /// The date the event takes effect (service date).
    pub date: NaiveDate,
    /// The date it was transacted, when different (used by [`FxRateDate::TransactionDate`](super::FxRateDate)).
    pub recorded_on: Option<NaiveDate>,
    /// What happened.
    pub kind: EventKind,
}

impl SubscriptionEvent {
    fn new(customer: &str, subscription: &str, date: NaiveDate, kind: EventKind) -> SubscriptionEvent {
        SubscriptionEvent {
            customer: customer.into(),
            subscription: subscription.into(),
            date,
            recorded_on: None,
            kind,
        }
    }

    /// A subscription starts at `price` per `interval` (no trial).
    pub fn start(
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        price: Money,
        interval: Interval,
    ) -> SubscriptionEvent {
        Self::new(customer, subscription, date, EventKind::Start { price, interval, trial_until: None })
    }

    /// A price, plan or quantity change.
    pub fn change(
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        price: Money,
        interval: Interval,
    ) -> SubscriptionEvent {
        Self::new(customer, subscription, date, EventKind::Change { price, interval })
    }

    /// A renewal at `price` per `interval`.
    pub fn renew(
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        price: Money,
        interval: Interval,
    ) -> SubscriptionEvent {
        Self::new(customer, subscription, date, EventKind::Renew { price, interval })
    }

    /// A cancellation, paid through `paid_through` if known.
    pub fn cancel(
        customer: &str,
        subscription: &str,
        date: NaiveDate,
        paid_through: Option<NaiveDate>,
    ) -> SubscriptionEvent {
        Self::new(customer, subscription, date, EventKind::Cancel { paid_through })
    }
}

/// What happened to a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum EventKind {
    /// A new subscription: `price` per `interval`.
    Start {
        /// Price per interval.
        price: Money,
        /// Billing interval the price covers.
        interval: Interval,
        /// End of a free trial, if any (MRR starts then under the default trial policy).
        trial_until: Option<NaiveDate>,
    },
    /// A price, plan or quantity change.
    Change {
        /// New price per interval.
        price: Money,
        /// Its interval.
        interval: Interval,
    },
    /// A renewal, possibly at a new price.
    Renew {
        /// Price per interval for the new term.
        price: Money,
        /// Its interval.
        interval: Interval,
    },
    /// A cancellation. `paid_through` is the first day no longer paid for: under
    /// [`ChurnTiming::AtPeriodEnd`](super::ChurnTiming) the MRR stops then.
    Cancel {
        /// End of the paid period (exclusive), if known.
        paid_through: Option<NaiveDate>,
    },
    /// Service paused: MRR counts as zero until resumed.
    Pause,
    /// Service resumed.
    Resume,
    /// A discount starts.
    DiscountStart(MrrDiscount),
    /// The current discount ends.
    DiscountEnd,
}

/// The billing interval a price covers, normalised to months for MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Interval {
    /// One month.
    Month,
    /// Three months.
    Quarter,
    /// Twelve months.
    Year,
    /// Any number of months (24 or 36 for multi-year terms).
    Months(u32),
}

impl Interval {
    /// Months in the interval.
    pub fn months(self) -> u32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::Year => 12,
            Interval::Months(n) => n,
        }
    }
}

/// A discount on a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MrrDiscount {
    /// How much is taken off.
    pub off: DiscountOff,
    /// True for a coupon that applies forever; false for one that ends.
    pub forever: bool,
}

/// The size of a discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DiscountOff {
    /// A share of the price, in `[0%, 100%]`.
    Percent(Percent),
    /// An amount off per billing interval.
    Amount(Money),
}
