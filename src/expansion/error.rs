use crate::money::{Currency, MoneyError};

/// Why an expansion computation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ExpansionError {
    /// More products than a product set can hold.
    #[error("a catalog holds at most 128 products, got {0}")]
    CatalogTooLarge(usize),
    /// A product index outside the catalog.
    #[error("product {0} is not in the catalog")]
    UnknownProduct(usize),
    /// An account owning a product past the catalogue being learned.
    #[error("account {account} owns product {product}, outside the catalogue of {products} products")]
    ProductOutsideCatalogue {
        /// The account.
        account: String,
        /// The product index it owns.
        product: usize,
        /// Products in the catalogue.
        products: usize,
    },
    /// Co-ownership counts that disagree (read from JSON, say): not square, not symmetric,
    /// counting more owners than accounts, or segment counts that do not sum to the overall ones.
    #[error("invalid co-ownership counts: {0}")]
    InvalidCoOwnership(&'static str),
    /// A signal a rule or playbook names that the account does not have.
    #[error("signal {0:?} is not known for this account")]
    UnknownSignal(String),
    /// An account priced in another currency than the catalog it is scored against (or, with
    /// an empty catalog, seats priced in another currency than the account's ARR): its
    /// opportunities could not be ranked against the catalog's by amount.
    #[error("account {account} is priced in {found}, the catalog in {catalog}")]
    AccountCurrency {
        /// The account.
        account: String,
        /// The catalog's currency (the account's ARR currency when the catalog is empty).
        catalog: Currency,
        /// The account's other currency.
        found: Currency,
    },
    /// A minimum lift that is NaN (no lift is above it, so no association would ever count) or
    /// negative (a rule of lift 0, owning one product and never the other, would count as one).
    #[error("minimum lift {0} must be zero or more (infinite for no associations)")]
    InvalidMinLift(f64),
    /// A condition whose threshold is NaN (no value passes a comparison with NaN, so the rule
    /// would silently never fire) or infinite (the comparison is always or never true).
    #[error("{rule}: the condition on {signal:?} has threshold {threshold}, not a finite number")]
    InvalidThreshold {
        /// The rule: `propensity rule 2`, or `playbook "seats nearly full"`.
        rule: String,
        /// The signal the condition compares.
        signal: String,
        /// The threshold given.
        threshold: f64,
    },
    /// Input that makes no sense.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Money arithmetic failed.
    #[error(transparent)]
    Money(#[from] MoneyError),
}
