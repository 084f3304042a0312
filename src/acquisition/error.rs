use chrono::NaiveDate;

use crate::money::{Currency, MoneyError, Percent};
use crate::stats::StatsError;

/// Why a prospect, deal or model could not be scored or fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AcquisitionError {
    /// A stage name that is neither a [`Stage`](super::Stage) nor one of Salesforce's default
    /// stages.
    #[error("unknown opportunity stage {0:?}")]
    UnknownStage(String),
    /// Too little closed history to fit a win model.
    #[error("need at least {min_won} won and {min_lost} lost deals to fit; have {won} won and {lost} lost")]
    InsufficientHistory {
        /// Won deals given.
        won: usize,
        /// Lost deals given.
        lost: usize,
        /// Minimum won.
        min_won: usize,
        /// Minimum lost.
        min_lost: usize,
    },
    /// Input of the wrong shape or with non-finite values.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Weights or bands that cannot work (all weights zero, a negative half-life).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// An opportunity's win probability or discount outside 0%–100%.
    #[error("opportunity {opportunity} has a {what} of {value}; it must be between 0% and 100%")]
    OutOfRange {
        /// The opportunity's id.
        opportunity: String,
        /// `"win probability"` or `"discount"`.
        what: &'static str,
        /// The value given.
        value: Percent,
    },
    /// A won opportunity without a close date: its sales cycle is unknown (it used to count as
    /// a 0-day cycle).
    #[error("won opportunity {0} has no close date, so its sales cycle is unknown")]
    MissingCloseDate(String),
    /// An opportunity that closes before it was created (its cycle used to be clamped to 0).
    #[error("opportunity {opportunity} closes on {closed}, before it was created on {created}")]
    ClosedBeforeCreated {
        /// The opportunity's id.
        opportunity: String,
        /// Created.
        created: NaiveDate,
        /// Closed.
        closed: NaiveDate,
    },
    /// A score that overflows: weights or signal strengths whose total is not finite.
    #[error("{0} overflows: the weights or strengths are too large")]
    Overflow(&'static str),
    /// A fitted model whose parts disagree (read from JSON, say).
    #[error("invalid win model: {0}")]
    InvalidModel(&'static str),
    /// Amounts in different currencies combined.
    #[error("amounts in {0} and {1} cannot be combined; convert first")]
    MixedCurrencies(Currency, Currency),
    /// A deal row (see [`DealRow`](super::DealRow)) that is not a valid opportunity, or an
    /// opportunity a pipeline view cannot count (a negative amount, an id given twice).
    #[error("deal {deal:?}: {problem}")]
    InvalidDeal {
        /// The deal's id.
        deal: String,
        /// What is wrong.
        problem: DealProblem,
    },
    /// Fitting failed.
    #[error(transparent)]
    Stats(#[from] StatsError),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// What is wrong with a deal row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DealProblem {
    /// An empty id or account.
    #[error("its {0} is empty")]
    Empty(&'static str),
    /// A negative amount.
    #[error("its amount {0} is negative")]
    NegativeAmount(crate::money::Money),
    /// A column the deal's stage needs that is empty.
    #[error("a {stage:?} deal needs column {column:?}")]
    MissingColumn {
        /// The stage.
        stage: super::Stage,
        /// The column.
        column: &'static str,
    },
    /// A column with a value the deal's stage has no use for.
    #[error("a {stage:?} deal has no use for column {column:?}")]
    UnusedColumn {
        /// The stage.
        stage: super::Stage,
        /// The column.
        column: &'static str,
    },
    /// A win probability on a closed deal other than its stage's: 100% won, 0% lost.
    #[error("a {stage:?} deal has a win probability of {probability}")]
    ClosedProbability {
        /// The stage.
        stage: super::Stage,
        /// The probability given.
        probability: crate::money::Percent,
    },
    /// An id given to a pipeline view more than once (a re-delivered CRM record): it would be
    /// counted twice, in win rates, cycles and pipeline alike.
    #[error("its id is given more than once; an id names one opportunity")]
    RepeatedId,
    /// A close date before the creation date.
    #[error("it closed on {closed}, before it was created on {created}")]
    ClosedBeforeCreated {
        /// Created.
        created: chrono::NaiveDate,
        /// Closed.
        closed: chrono::NaiveDate,
    },
}
