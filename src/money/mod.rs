//! Money: ISO 4217 currencies, exact decimal amounts, allocation, and FX conversion.
//!
//! Amounts are [`rust_decimal::Decimal`]; nothing here is ever `f64`. Arithmetic is checked: an
//! overflow or a currency mismatch is an error. Rounding to a currency's minor unit happens only
//! where a caller asks for it, with a stated [`RoundingStrategy`] (banker's rounding by default).

mod allocate;
mod amount;
mod currency;
mod error;
pub(crate) mod exact;
mod fixed;
pub(crate) mod format;
mod fx;
mod percent;
pub(crate) mod ratio;
mod text;
mod wide;

pub use allocate::{allocate_minor_units, checked_sum};
pub use amount::{Money, DEFAULT_ROUNDING};
pub use currency::{Currency, CurrencyInfo};
pub use error::MoneyError;
pub(crate) use fixed::{power_of_ten, Fixed};
pub use format::MoneyFormat;
pub use fx::{convert, convert_with, Conversion, FxRate, FxRates, InMemoryFxRates, RateLookup};
pub(crate) use percent::fixed_places;
pub use percent::Percent;
pub use ratio::Ratio;
pub use rust_decimal::{Decimal, RoundingStrategy};
