//! The ARR ledger and SaaS metrics: know ARR at any month end, why it moved, how fast, and
//! when it reaches a milestone.
//!
//! [`ArrBook::build`] turns [`SubscriptionEvent`]s into each customer's ARR at every month end
//! under an explicit [`ArrPolicy`] (discounts, churn timing, FX rate date, same-month new and
//! churn, trials). Movements are customer-level differences between month ends, so a bridge
//! always ties: `opening + new + expansion + reactivation − contraction − churn + fx = closing`.
//! The rules are written where they apply: event identity and same-day order on
//! [`SubscriptionEvent`], what each event does on [`EventKind`], what each movement means (and
//! where FX goes) on [`Movements`], how amounts are kept and rounded on [`ArrBook`].
//!
//! A book answers by [`Month`](crate::calendar::Month), explains itself customer by customer
//! ([`ArrBook::customer_movements`]), cuts its bridge by any segment
//! ([`ArrBook::bridges_by`]), takes late, repeated and out-of-order events ([`ArrBook::apply`],
//! holding an event that arrives before its subscription's start: [`ArrBook::held`]), and
//! merges with books of other customers ([`ArrBook::merge`]). A book is a function of the set
//! of events it was given: built at once, applied one by one in any order, or merged. (One
//! caveat, for foreign ARR: each book on the way reads the rates its own figures need, so a
//! rate source that lacks some days can refuse an event on the way for a day the whole set
//! never reads; a source that answers for every day it is asked about never does.)

mod book;
mod bridge;
mod cohort;
mod engine;
mod error;
mod event;
mod held;
mod id;
mod log;
mod metrics;
mod persist;
mod policy;
mod rows;
mod timeline;
mod unit;
mod velocity;

pub use book::{Applied, ArrBook, MAX_MONTHS};
pub use bridge::{ArrBridge, Movements, NewArrComposition};
pub use cohort::Cohort;
pub use error::{ArrError, ColumnProblem, EventProblem, IntervalProblem, MergeProblem};
pub use event::{DiscountOff, EventKind, Interval, MrrDiscount, SubscriptionEvent};
pub use log::{CustomerView, MovementKind, MovementRow};
pub use metrics::{
    burn_multiple, cac_payback_months, lifetime_value, ltv_to_cac, magic_number, rule_of_40, ChurnRates,
    QuickRatioPolicy, Retention,
};
pub use policy::{ArrPolicy, ChurnTiming, DiscountPolicy, FxRateDate, SamePeriodNewAndChurn, TrialPolicy};
pub use rows::{events_from_rows, ArrEventRow, EventKindName};
pub use velocity::{GrowthSignal, Milestone, MilestoneProgress, SignalThresholds, Velocity};
