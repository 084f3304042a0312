use chrono::NaiveDate;

/// How discounts affect MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum DiscountPolicy {
    /// MRR is net of every discount (ChartMogul's and Baremetrics' default).
    #[default]
    SubtractAll,
    /// Only forever coupons reduce MRR; temporary discounts are ignored, so their end is not
    /// reported as expansion.
    ForeverOnly,
    /// MRR is list price.
    Ignore,
}

/// When a cancellation becomes churn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ChurnTiming {
    /// When the paid period ends (the customer still has service until then).
    #[default]
    AtPeriodEnd,
    /// On the cancellation date. The customer can still withdraw the cancellation until the
    /// end of the paid period (a Change or Renew dated before `paid_through`, such as Stripe's
    /// `cancel_at_period_end` unset): the contract then comes back as it was, from that day.
    AtCancellation,
}

/// Which day's exchange rate books a foreign-currency change into the reporting currency.
///
/// A customer billed in another currency is booked, at each month end, at the rate of its
/// latest change on or before it, read on the day this policy picks for that change. So a
/// month's last change (a price, a trial ending, a discount starting or ending, a pause or
/// resume, a cancellation) is valued at the rate of its own day, with every earlier change of
/// the month (expansion on the 3rd, a same-price renewal on the 20th: the expansion is valued
/// at the 20th's rate), and the difference that re-valuing what the customer already had
/// makes is the FX line, never expansion or contraction. Under `TransactionDate` a change
/// recorded after its month closed books that month at the rate of the day it was recorded:
/// a closed month's figures can move with a rate from after its close. A change the
/// book scheduled (a trial end, a cancellation at period end) takes the rate of the day it
/// takes effect under `ServicePeriodStart` and `TransactionDate`. What does not change ARR
/// books no rate. The events of one subscription on one day (and the changes the book
/// scheduled for it) make one change, which books a rate when the day moves the
/// subscription's ARR, or prices it anew (a Start, Change or Renew) and leaves it with ARR,
/// such as a renewal at the same price. So a coupon the [`DiscountPolicy`] ignores, a free
/// trial's start, a resume of a running subscription, a pause and a resume on one day, a
/// trial's end under [`TrialPolicy::Include`], or a cancellation on the day it is made when it
/// takes effect at the paid-through date books none, and a customer who never had ARR needs no
/// rate. The day's change is booked at the rate day of the last of its events, in the day's
/// order, that moved or priced the subscription (under `TransactionDate`, that event's
/// `recorded_on`).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
/// use revops::calendar::Month;
/// use revops::money::{InMemoryFxRates, RateLookup};
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let mut rates = InMemoryFxRates::new().with_lookup(RateLookup::OnOrBefore { max_age_days: 60 });
/// rates.insert(Currency::EUR, Currency::USD, d(1, 1), Decimal::new(120, 2))?; // EUR 1 = USD 1.20
/// rates.insert(Currency::EUR, Currency::USD, d(2, 1), Decimal::new(100, 2))?; // the euro weakens
/// let eur = |s: &str| Money::parse(s, Currency::EUR).unwrap();
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let events = [
///     Ev::start("e1", "berlin", "main", d(1, 5), eur("100"), Interval::Month),
///     // renewed at the same EUR price after the euro fell: FX, not contraction
///     Ev::renew("e2", "berlin", "main", d(2, 5), eur("100"), Interval::Month),
/// ];
/// let (jan, feb) = (Month::new(2026, 1)?, Month::new(2026, 2)?);
/// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=feb, &rates)?;
/// let b = book.bridge(feb, feb)?;
/// assert_eq!((b.opening, b.contraction, b.fx, b.closing), (usd("1440"), usd("0"), usd("-240"), usd("1200")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum FxRateDate {
    /// The rate on the date the change takes effect (start of its service period).
    #[default]
    ServicePeriodStart,
    /// The rate on the date the change was transacted (`recorded_on`; its date when absent).
    TransactionDate,
    /// One fixed rate date for everything (a budget rate: constant-currency reporting, where
    /// the booked bridge has no FX at all).
    Fixed(NaiveDate),
}

/// A customer that starts and churns within one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum SamePeriodNewAndChurn {
    /// Net zero: shown as neither.
    #[default]
    Ignore,
    /// Shown as both new (or reactivation) and churn of the same amount: the highest ARR the
    /// customer had at the end of any day of the month, valued at the month end as a churn is.
    /// The highest, because the order of changes inside the month should not decide how much
    /// business came and went: a customer who starts at $250 a month, is cut to $100 and
    /// leaves shows $3,000 both ways, as does one who starts at $100 and is raised to $250.
    ShowBoth,
}

/// Whether trials count as MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum TrialPolicy {
    /// MRR starts when the trial ends.
    #[default]
    Exclude,
    /// MRR starts at subscription start.
    Include,
}

/// Every choice the industry disagrees on, stated. (Two rules are not policies: the last
/// event recorded on a day wins, as in Stripe, Chargebee and ChartMogul, see
/// [`SubscriptionEvent`](super::SubscriptionEvent); a returning customer is a reactivation when
/// it had ARR on any earlier day, see [`Movements`](super::Movements).)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ArrPolicy {
    /// Discounts.
    pub discounts: DiscountPolicy,
    /// Churn timing.
    pub churn: ChurnTiming,
    /// FX booking date.
    pub fx_rate_date: FxRateDate,
    /// Same-period new and churn.
    pub same_period: SamePeriodNewAndChurn,
    /// Trials.
    pub trials: TrialPolicy,
}
