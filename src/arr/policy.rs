use chrono::NaiveDate;

/// How discounts affect MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
pub enum ChurnTiming {
    /// When the paid period ends (the customer still has service until then).
    #[default]
    AtPeriodEnd,
    /// On the cancellation date.
    AtCancellation,
}

/// Which exchange rate books a foreign-currency MRR change into the reporting currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FxRateDate {
    /// The rate on the date the change takes effect (start of its service period).
    #[default]
    ServicePeriodStart,
    /// The rate on the date the change was transacted (`recorded_on`).
    TransactionDate,
    /// One fixed rate date for everything (a budget rate).
    Fixed(NaiveDate),
}

/// A customer that starts and churns within one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SamePeriodNewAndChurn {
    /// Net zero: shown as neither.
    #[default]
    Ignore,
    /// Shown as both new (or reactivation) and churn of the same amount.
    ShowBoth,
}

/// Whether trials count as MRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TrialPolicy {
    /// MRR starts when the trial ends.
    #[default]
    Exclude,
    /// MRR starts at subscription start.
    Include,
}

/// Every choice the industry disagrees on, stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
