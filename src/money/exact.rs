//! Decimals read from their text only. A JSON number is a binary float on its way in, so
//! `99999999999999.99` arrives as `100000000000000`; a CSV reader that infers types hands a
//! long decimal column over the same way. Every decimal the crate reads is a string (`"12.50"`),
//! as it writes them, parsed exactly by `rust_decimal::serde::str`; a number is refused.

use rust_decimal::Decimal;

/// A decimal only its text form reads, for the readers written by hand (`Money`'s).
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct TextDecimal(#[serde(with = "rust_decimal::serde::str")] pub Decimal);
