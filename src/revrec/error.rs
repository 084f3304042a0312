use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::calendar::{CalendarError, Period};
use crate::ledger::LedgerError;
use crate::money::{Currency, Money, MoneyError, Percent};

/// What is wrong with a contract, or why revenue cannot be scheduled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RevRecError {
    /// A contract with no performance obligations.
    #[error("contract {contract} has no performance obligations")]
    NoObligations {
        /// Contract id.
        contract: String,
    },
    /// Two obligations share an id.
    #[error("contract {contract} has two obligations with id {obligation:?}")]
    DuplicateObligation {
        /// Contract id.
        contract: String,
        /// The repeated id.
        obligation: String,
    },
    /// A reference to an obligation the contract does not have.
    #[error("contract {contract} has no obligation {obligation:?} (named by {by})")]
    UnknownObligation {
        /// Contract id.
        contract: String,
        /// The id asked for.
        obligation: String,
        /// What referred to it.
        by: String,
    },
    /// A discount whose list of obligations is empty (`None` is the way to say "all").
    #[error("discount {discount:?} of contract {contract} applies to an empty list of obligations")]
    DiscountAppliesToNothing {
        /// Contract id.
        contract: String,
        /// The discount's name.
        discount: String,
    },
    /// A standalone selling price of zero or less.
    #[error(
        "obligation {obligation:?} of contract {contract} has a standalone selling price of {ssp}; it must be positive"
    )]
    NonPositiveSsp {
        /// Contract id.
        contract: String,
        /// The obligation.
        obligation: String,
        /// The SSP given (a range's point estimate).
        ssp: Money,
    },
    /// An SSP range whose low end exceeds its high end, or whose point lies outside it.
    #[error("obligation {obligation:?} of contract {contract} has an SSP range that is reversed or does not contain its point estimate")]
    InvalidSspRange {
        /// Contract id.
        contract: String,
        /// The obligation.
        obligation: String,
    },
    /// More than one obligation priced by the residual approach.
    #[error("contract {contract} has more than one residual-SSP obligation; at most one is allowed")]
    MultipleResiduals {
        /// Contract id.
        contract: String,
    },
    /// The residual approach leaves nothing, or an amount outside the observable range
    /// (ASC 606-10-55-269, Example 34 Case C).
    #[error(transparent)]
    ResidualOutOfRange(Box<ResidualOutOfRange>),
    /// A discount allocated to a subset of obligations exceeds their SSPs: its share of an
    /// obligation's SSP, with the shares of the discounts before it, exceeds that SSP.
    #[error("discount {discount:?} of contract {contract} exceeds the standalone selling prices of the obligations it applies to")]
    DiscountExceedsSsp {
        /// Contract id.
        contract: String,
        /// The discount's name.
        discount: String,
    },
    /// A discount that names the residual obligation, whose SSP is only known once discounts are
    /// allocated.
    #[error("discount {discount:?} of contract {contract} names the residual obligation {obligation:?}; a discount can only belong to obligations with a standalone selling price")]
    DiscountOnResidual {
        /// Contract id.
        contract: String,
        /// The discount's name.
        discount: String,
        /// The residual obligation.
        obligation: String,
    },
    /// An amount in a currency other than the contract's.
    #[error("{what} is in {found} but contract {contract} is in {expected}")]
    CurrencyMismatch {
        /// Contract id.
        contract: String,
        /// Which amount.
        what: String,
        /// The contract currency.
        expected: Currency,
        /// The currency found.
        found: Currency,
    },
    /// A contract whose term holds no day: nothing could be recognised in it.
    #[error("contract {contract} has an empty term ({term})")]
    EmptyTerm {
        /// Contract id.
        contract: String,
        /// The term given.
        term: crate::calendar::Period,
    },
    /// A modification accounted for as a separate contract that also updates the original's
    /// obligations: a separate contract leaves the original as it is (606-10-25-12), so the
    /// updates would be lost.
    #[error("a modification accounted for as a separate contract ({new_contract}) cannot update the original's obligations ({updated} updated)")]
    UpdatesInSeparateContract {
        /// The new contract's id.
        new_contract: String,
        /// How many obligations the modification updates.
        updated: usize,
    },
    /// A modification accounted for as a separate contract whose variable consideration
    /// replaces one of the original's items (same name) or is tied to one of the original's
    /// obligations: a separate contract leaves the original as it is (606-10-25-12), so the
    /// change would be counted twice or lost.
    #[error("a modification accounted for as a separate contract ({new_contract}) cannot change the original's variable consideration (item {item:?})")]
    VariableInSeparateContract {
        /// The new contract's id.
        new_contract: String,
        /// The variable item's name.
        item: String,
    },
    /// A negative amount where only zero or more makes sense.
    #[error("{what} of contract {contract} is {amount}; it must not be negative")]
    NegativeAmount {
        /// Contract id.
        contract: String,
        /// Which amount.
        what: String,
        /// The amount given.
        amount: Money,
    },
    /// A fixed price or discount finer than the currency's minor unit (USD 100.005): it would be
    /// allocated as if rounded, with nothing said.
    #[error("{what} of contract {contract} is {amount}, finer than its currency's minor unit")]
    NotRounded {
        /// Contract id.
        contract: String,
        /// Which amount.
        what: String,
        /// The amount given.
        amount: Money,
    },
    /// The transaction price came to less than zero.
    #[error("transaction price of contract {contract} is negative ({price})")]
    NegativeTransactionPrice {
        /// Contract id.
        contract: String,
        /// The price.
        price: Money,
    },
    /// An obligation whose satisfaction pattern is invalid.
    #[error("obligation {obligation:?} of contract {contract}: {problem}")]
    InvalidObligation {
        /// Contract id.
        contract: String,
        /// The obligation.
        obligation: String,
        /// What is wrong with its pattern.
        #[source]
        problem: PatternError,
    },
    /// A satisfaction pattern asked for progress on its own is invalid.
    #[error(transparent)]
    Pattern(#[from] PatternError),
    /// A variable-consideration estimate with no outcomes.
    #[error("the variable-consideration estimate made on {as_of} has no outcomes")]
    NoOutcomes {
        /// When the estimate was made.
        as_of: NaiveDate,
    },
    /// An outcome probability outside [0%, 100%].
    #[error("an outcome of the variable-consideration estimate made on {as_of} has probability {probability}, outside [0%, 100%]")]
    ProbabilityOutOfRange {
        /// When the estimate was made.
        as_of: NaiveDate,
        /// The probability given.
        probability: Percent,
    },
    /// Outcome probabilities that do not sum to exactly 100%.
    #[error(
        "the outcome probabilities of the variable-consideration estimate made on {as_of} sum to {total}, not 100%"
    )]
    ProbabilitiesDoNotSum {
        /// When the estimate was made.
        as_of: NaiveDate,
        /// What they sum to.
        total: Percent,
    },
    /// Outcomes of one estimate in different currencies.
    #[error("the variable-consideration estimate made on {as_of} has outcomes in {first} and in {other}")]
    MixedOutcomeCurrencies {
        /// When the estimate was made.
        as_of: NaiveDate,
        /// The first outcome's currency.
        first: Currency,
        /// Another currency found.
        other: Currency,
    },
    /// A constraint confidence outside (0%, 100%].
    #[error("constraint confidence {confidence} is outside (0%, 100%]")]
    ConfidenceOutOfRange {
        /// The confidence given.
        confidence: Percent,
    },
    /// An allocation line below zero (from JSON, or an allocation that cannot be made).
    #[error("obligation {obligation:?} would be allocated {amount}; an allocation is never negative")]
    NegativeAllocation {
        /// The obligation.
        obligation: String,
        /// The amount.
        amount: Money,
    },
    /// An allocation line in another currency than the transaction price.
    #[error("allocation to obligation {obligation:?} is in {found} but the transaction price is in {expected}")]
    AllocationCurrency {
        /// The obligation.
        obligation: String,
        /// The price's currency.
        expected: Currency,
        /// The line's currency.
        found: Currency,
    },
    /// Allocation lines that do not sum to the transaction price.
    #[error("allocation lines sum to {lines} but the transaction price is {price}")]
    AllocationDoesNotTie {
        /// The transaction price.
        price: Money,
        /// What the lines sum to.
        lines: Money,
    },
    /// A schedule asked for over no reporting periods.
    #[error("no reporting periods given")]
    NoReportingPeriods,
    /// Reporting periods that overlap, leave a gap or are out of order.
    #[error("reporting periods must be contiguous and in order: {previous} is not followed directly by {next}")]
    PeriodsNotContiguous {
        /// A period.
        previous: Period,
        /// The period after it, which does not start where `previous` ends.
        next: Period,
    },
    /// Reporting periods that do not meet the contract at all.
    #[error("the schedule asked for ({requested}) lies outside contract {contract} ({term})")]
    OutsideContract {
        /// Contract id.
        contract: String,
        /// The periods asked for.
        requested: Period,
        /// The contract term.
        term: Period,
    },
    /// An obligation schedule with a different number of amounts than the schedule has periods.
    #[error(
        "schedule of contract {contract} has {periods} periods but obligation {obligation:?} has {amounts} amounts"
    )]
    ScheduleLength {
        /// Contract id.
        contract: String,
        /// The obligation.
        obligation: String,
        /// Periods in the schedule.
        periods: usize,
        /// Amounts for the obligation.
        amounts: usize,
    },
    /// An obligation schedule whose parts do not sum to its allocation.
    #[error(
        "schedule of obligation {obligation:?}: before + periods + after = {scheduled}, but {allocated} is allocated"
    )]
    ScheduleDoesNotTie {
        /// The obligation.
        obligation: String,
        /// Its allocation.
        allocated: Money,
        /// What its schedule sums to.
        scheduled: Money,
    },
    /// An obligation schedule with amounts in more than one currency.
    #[error("schedule of obligation {obligation:?} mixes {expected} and {found}")]
    ScheduleCurrency {
        /// The obligation.
        obligation: String,
        /// The currency of its allocation (or of the contract schedule).
        expected: Currency,
        /// Another currency found.
        found: Currency,
    },
    /// A prospective modification (terminate and create) of an obligation partly satisfied
    /// (started, not complete) under an input or usage measure, whose remainder is not
    /// distinct.
    #[error("obligation {obligation:?} of contract {contract} is partly satisfied under an input or usage measure; its remainder is not distinct, so account for the modification as a cumulative catch-up")]
    RemainderNotDistinct {
        /// Contract id.
        contract: String,
        /// The obligation.
        obligation: String,
    },
    /// The caller's ledger refused an entry part-way through posting; the entries before it are
    /// posted.
    #[error("posting contract {contract} stopped after {posted} entries: {source}")]
    PostingStopped {
        /// Contract id.
        contract: String,
        /// Entries posted before the refusal (the first `posted` of
        /// [`ContractSchedule::journal_entries`](super::ContractSchedule::journal_entries)).
        posted: usize,
        /// The ledger's error.
        #[source]
        source: Box<LedgerError>,
    },
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendar arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A journal entry could not be built.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// The details of [`RevRecError::ResidualOutOfRange`] (boxed, to keep the error small).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "residual SSP for obligation {obligation:?} of contract {contract} would be {residual}, outside the acceptable range (above {low} and at most {})",
    .high.map_or_else(|| "no limit".to_string(), |h| h.to_string())
)]
pub struct ResidualOutOfRange {
    /// Contract id.
    pub contract: String,
    /// The residual obligation.
    pub obligation: String,
    /// What the residual came to.
    pub residual: Money,
    /// Lowest acceptable (zero, exclusive, when the obligation states none).
    pub low: Money,
    /// Highest acceptable, if stated.
    pub high: Option<Money>,
}

/// What is wrong with a [`SatisfactionPattern`](super::SatisfactionPattern).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// A ratable pattern over a period with no days.
    #[error("service period {0} is empty")]
    EmptyServicePeriod(Period),
    /// A milestone pattern with no milestones.
    #[error("a milestone pattern needs at least one milestone")]
    NoMilestones,
    /// A milestone whose weight is zero or less.
    #[error("milestone {milestone:?} has weight {weight}; weights must be positive")]
    NonPositiveMilestoneWeight {
        /// The milestone's name.
        milestone: String,
        /// The weight given.
        weight: Decimal,
    },
    /// A percent-complete report outside [0%, 100%].
    #[error("progress reported on {as_of} is {complete}, outside [0%, 100%]")]
    ProgressOutOfRange {
        /// The report's date.
        as_of: NaiveDate,
        /// The progress given.
        complete: Percent,
    },
    /// A usage pattern whose committed quantity is zero or less.
    #[error("committed quantity is {0}; it must be positive")]
    NonPositiveCommitment(Decimal),
    /// Usage reported as a negative quantity.
    #[error("usage reported on {date} is {quantity}; it must not be negative")]
    NegativeUsage {
        /// The report's date.
        date: NaiveDate,
        /// The quantity given.
        quantity: Decimal,
    },
}
