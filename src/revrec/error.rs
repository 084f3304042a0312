use chrono::NaiveDate;

use crate::calendar::CalendarError;
use crate::ledger::LedgerError;
use crate::money::{Currency, Money, MoneyError};

/// What is wrong with a contract, or why revenue cannot be scheduled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RevRecError {
    /// A contract with no performance obligations.
    #[error("contract {0} has no performance obligations")]
    NoObligations(String),
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
    /// A standalone selling price of zero or less.
    #[error("obligation {0:?} has a standalone selling price of zero or less; SSP must be positive")]
    NonPositiveSsp(String),
    /// An SSP range whose low end exceeds its high end, or whose point lies outside it.
    #[error("obligation {0:?} has an SSP range that is reversed or does not contain its point estimate")]
    InvalidSspRange(String),
    /// More than one obligation priced by the residual approach.
    #[error("contract {0} has more than one residual-SSP obligation; at most one is allowed")]
    MultipleResiduals(String),
    /// The residual approach leaves nothing, or an amount outside the observable range (ASC 606-10-55-269, Example 34 Case C).
    #[error(
        "residual SSP for obligation {obligation:?} would be {residual}, outside the acceptable range [{low}, {high}]"
    )]
    ResidualOutOfRange {
        /// The residual obligation.
        obligation: String,
        /// What the residual came to.
        residual: Money,
        /// Lowest acceptable.
        low: Money,
        /// Highest acceptable.
        high: Money,
    },
    /// A discount allocated to a subset of obligations exceeds their SSPs.
    #[error("discount {0:?} exceeds the standalone selling prices of the obligations it applies to")]
    DiscountExceedsSsp(String),
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
    /// A negative amount where only zero or more makes sense.
    #[error("{0} must not be negative")]
    NegativeAmount(String),
    /// The transaction price came to less than zero.
    #[error("transaction price of contract {contract} is negative ({price})")]
    NegativeTransactionPrice {
        /// Contract id.
        contract: String,
        /// The price.
        price: Money,
    },
    /// Dates in the wrong order.
    #[error("{what}: {later} is before {earlier}")]
    DatesOutOfOrder {
        /// What the dates describe.
        what: String,
        /// The date that should come first.
        earlier: NaiveDate,
        /// The date that should come later.
        later: NaiveDate,
    },
    /// A probability or progress figure outside [0, 1], or probabilities that do not sum to 1.
    #[error("{0}")]
    InvalidFraction(String),
    /// An estimate with no outcomes.
    #[error("variable consideration {0:?} has an estimate with no outcomes")]
    NoOutcomes(String),
    /// Reporting periods that do not meet the contract at all.
    #[error("the schedule asked for ({requested}) lies outside contract {contract} ({term})")]
    OutsideContract {
        /// Contract id.
        contract: String,
        /// The periods asked for.
        requested: String,
        /// The contract term.
        term: String,
    },
    /// Reporting periods that overlap or are out of order.
    #[error("reporting periods must be in order and must not overlap: {0}")]
    BadReportingPeriods(String),
    /// A modification the engine cannot apply as asked.
    #[error("cannot apply modification: {0}")]
    UnsupportedModification(String),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Calendar arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A journal entry could not be built or posted.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}
