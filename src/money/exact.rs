//! Decimals read from their text only. A JSON number is a binary float on its way in, so
//! `99999999999999.99` arrives as `100000000000000`; a CSV reader that infers types hands a
//! long decimal column over the same way. Every decimal the crate reads is a string (`"12.50"`),
//! as it writes them, parsed exactly by `rust_decimal::serde::str`; a number is refused.

use rust_decimal::Decimal;

/// A decimal only its text form reads, for the readers written by hand (`Money`'s) and for
/// decimals inside lists.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct TextDecimal(#[serde(with = "rust_decimal::serde::str")] pub Decimal);

/// `#[serde(deserialize_with)]` for a list of decimals, each read from its text.
pub(crate) fn decimals<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
    let list: Vec<TextDecimal> = serde::Deserialize::deserialize(d)?;
    Ok(list.into_iter().map(|x| x.0).collect())
}

/// `#[serde(deserialize_with)]` for a list of `(decimal, value)` pairs, each decimal read from
/// its text.
pub(crate) fn decimal_pairs<'de, D, T>(d: D) -> Result<Vec<(Decimal, T)>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let list: Vec<(TextDecimal, T)> = serde::Deserialize::deserialize(d)?;
    Ok(list.into_iter().map(|(x, t)| (x.0, t)).collect())
}
