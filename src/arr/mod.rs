//! The ARR ledger and SaaS metrics: know ARR at any date, why it moved, how fast, and when it
//! reaches a milestone.
//!
//! [`ArrBook::build`] turns [`SubscriptionEvent`]s into each customer's MRR at every period end
//! under an explicit [`ArrPolicy`] (discounts, churn timing, FX rate date, same-period new and
//! churn, trials). Movements are customer-level differences between period ends, so a bridge
//! always ties: `opening + new + expansion + reactivation − contraction − churn = closing`.
//! Foreign MRR is booked at the policy's rate, so FX never shows up as a movement; revaluing at
//! period-end rates puts it on its own line ([`ArrBook::bridge_revalued`]).
//!
//! MRR is kept at four digits beyond the currency's minor unit ($100 a year is 8.3333 a month),
//! which keeps every sum exact; ARR is 12 × MRR.

mod book;
mod cohort;
mod error;
mod event;
mod id;
mod metrics;
mod policy;
mod timeline;
mod velocity;

pub use book::{ArrBook, ArrBridge, Movements, NewArrComposition};
pub use cohort::Cohort;
pub use error::ArrError;
pub use event::{DiscountOff, EventKind, Interval, MrrDiscount, SubscriptionEvent};
pub use metrics::{
    burn_multiple, cac_payback_months, lifetime_value, ltv_to_cac, magic_number, rule_of_40, ChurnRates,
    QuickRatioPolicy, Retention,
};
pub use policy::{ArrPolicy, ChurnTiming, DiscountPolicy, FxRateDate, SamePeriodNewAndChurn, TrialPolicy};
pub use velocity::{GrowthSignal, Milestone, MilestoneProgress, SignalThresholds, Velocity};
