//! ASC 606 revenue recognition: the five-step model as a library.
//!
//! 1. **Contract** — [`Contract`]: customer, currency, term.
//! 2. **Performance obligations** — [`PerformanceObligation`] with a [`SatisfactionPattern`]
//!    (ratably by day or month, point in time, milestones, percent complete, usage) and an
//!    [`Ssp`] (observable, range, or residual).
//! 3. **Transaction price** — [`TransactionPrice`]: fixed consideration, [`Discount`]s, and
//!    [`VariableConsideration`] estimated by expected value or most likely amount under a
//!    [`ConstraintPolicy`], re-estimated over time.
//! 4. **Allocation** — [`allocate`]: relative SSP, discounts to the obligations they belong to,
//!    residual approach, variable consideration tied to one obligation unless that would leave
//!    an obligation negative; ties to the cent and never allocates a negative amount.
//! 5. **Recognition** — [`ContractSchedule`]: per obligation and reporting period, by the
//!    cumulative rounding rule, so schedules always sum to the allocation.
//!
//! Around the model: [`modify`] for contract modifications, [`ContractSchedule::rollforward`],
//! [`ContractSchedule::waterfall`] and [`ContractSchedule::post_journal`] for deferred revenue,
//! contract assets and liabilities, and journal entries through a [`LedgerSink`](crate::ledger::LedgerSink).
//!
//! Values that must agree are valid by construction — [`Allocation`], [`ContractSchedule`],
//! [`ObligationSchedule`], [`VariableEstimate`], [`ConstraintPolicy`] — and their `Deserialize`
//! goes through the same checks. [`Contract`]'s fields are open for editing; every entry point
//! checks it with [`Contract::validate`], and so does its `Deserialize`. Probabilities,
//! confidence and progress are exact [`Percent`](crate::money::Percent)s.

mod allocation;
mod balances;
mod contract;
mod error;
mod modification;
mod price;
mod progress;
mod schedule;

pub use allocation::{allocate, Allocation, SpreadReason, SpreadVariable};
pub use balances::{Billing, ContractPosition, Rollforward, RollforwardRow, WaterfallRow};
pub use contract::{Contract, Milestone, PerformanceObligation, ProgressReport, SatisfactionPattern, Ssp, UsageReport};
pub use error::{PatternError, ResidualOutOfRange, RevRecError};
pub use modification::{
    modify, schedule_across, Modification, ModificationFacts, ModificationOutcome, ModificationTreatment,
};
pub use price::{
    ConstraintPolicy, Discount, EstimateMethod, Outcome, TransactionPrice, VariableConsideration, VariableEstimate,
};
pub use schedule::{ContractSchedule, ObligationSchedule};
