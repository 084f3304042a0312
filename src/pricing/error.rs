use rust_decimal::Decimal;

use super::{ScheduleProblem, TierProblem};
use crate::money::{Currency, Money, MoneyError, Percent};

/// Why a price, quote or analysis was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PricingError {
    /// Tiers that are empty, out of order, not open-ended at the top, or negative.
    #[error("invalid tiers: {0}")]
    InvalidTiers(TierProblem),
    /// A discount schedule that is empty, out of order, or not a discount.
    #[error("invalid discount schedule: {0}")]
    InvalidSchedule(ScheduleProblem),
    /// A negative price: a credit is a credit note, not a negative price.
    #[error("{what} of {amount} is negative")]
    NegativePrice {
        /// Which price.
        what: &'static str,
        /// The price given.
        amount: Money,
    },
    /// A negative quantity.
    #[error("quantity {0} is negative")]
    NegativeQuantity(Decimal),
    /// A quote with no lines.
    #[error("a quote needs at least one line")]
    EmptyQuote,
    /// A quote with a term of zero months.
    #[error("a quote's term must be at least one month")]
    ZeroTerm,
    /// A quote line, or a period of its ramp, of zero months (priced at nothing, as a quote of
    /// a zero term would be).
    #[error("a line of {sku} runs for zero months")]
    ZeroMonths {
        /// The line's SKU.
        sku: String,
    },
    /// A line whose volume schedule takes off more than its list price.
    #[error("the schedule discount of {discount} on {sku} exceeds its list price of {list}")]
    ScheduleExceedsList {
        /// The line's SKU.
        sku: String,
        /// Its list price.
        list: Money,
        /// The schedule's discount.
        discount: Money,
    },
    /// Inputs to an analysis that cannot be right (a non-positive list price, a step of zero…).
    #[error("{0}")]
    InvalidInput(String),
    /// A product the price book does not have, or not in that currency.
    #[error("no price for {sku:?} in {currency}")]
    NoPrice {
        /// SKU asked for.
        sku: String,
        /// Currency asked for.
        currency: Currency,
    },
    /// A price book that lists a SKU twice (which price would a quote take?).
    #[error("the price book lists {0:?} twice")]
    DuplicateSku(String),
    /// A price book entry whose price is filed under another currency than its own.
    #[error("{sku:?} files a price in {priced} under {filed}")]
    PriceFiledUnderOtherCurrency {
        /// The SKU.
        sku: String,
        /// The currency it is filed under.
        filed: Currency,
        /// The currency it is priced in.
        priced: Currency,
    },
    /// A cost the cost model does not know.
    #[error("no cost for {0:?}")]
    NoCost(String),
    /// The quote is below the margin floor and the policy refuses it. (The message shows the
    /// margin rounded down to four places of points, never up: 41.99999% reads 41.9999%.)
    #[error("gross margin {} is below the {floor} floor", super::quote::cut_to_show(margin))]
    BelowMarginFloor {
        /// The gross margin, to `Decimal`'s 28 places and always below `floor`: a margin a hair
        /// below the floor whose quotient rounds up to it reads one unit of the 28th place below.
        margin: Percent,
        /// The floor.
        floor: Percent,
    },
    /// The quote nets nothing against a cost to serve (a 100% discount): it has no margin at
    /// all, so it is below any floor, and the policy refuses it.
    #[error("a net of {net} against a cost of {cost} is below the {floor} margin floor")]
    CostWithoutRevenue {
        /// The quote's net total (zero).
        net: Money,
        /// Its cost to serve.
        cost: Money,
        /// The floor.
        floor: Percent,
    },
    /// Survey or sales data that cannot support the analysis.
    #[error("not enough data: {0}")]
    NotEnoughData(String),
    /// A count above its documented limit.
    #[error(transparent)]
    Limit(#[from] crate::limits::LimitExceeded),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
