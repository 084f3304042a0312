use crate::money::{Currency, MoneyError};

/// Why a price, quote or analysis was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PricingError {
    /// Tiers that are empty, out of order, or not open-ended at the top.
    #[error("invalid tiers: {0}")]
    InvalidTiers(String),
    /// A negative quantity, price or discount; a discount over 100%.
    #[error("invalid amount: {0}")]
    InvalidAmount(String),
    /// A product the price book does not have, or not in that currency.
    #[error("no price for {sku:?} in {currency}")]
    NoPrice {
        /// SKU asked for.
        sku: String,
        /// Currency asked for.
        currency: Currency,
    },
    /// A cost the cost model does not know.
    #[error("no cost for {0:?}")]
    NoCost(String),
    /// The quote is below the margin floor and the policy refuses it.
    #[error("gross margin {margin:.1}% is below the {floor:.1}% floor")]
    BelowMarginFloor {
        /// Margin in percent.
        margin: f64,
        /// Floor in percent.
        floor: f64,
    },
    /// Survey or sales data that cannot support the analysis.
    #[error("not enough data: {0}")]
    NotEnoughData(String),
    /// A signal an approval rule names that the quote does not provide.
    #[error("approval rule names unknown signal {0:?}")]
    UnknownSignal(String),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
