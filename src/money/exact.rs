//! Decimals read from text only. A JSON number is a binary float on its way in, so
//! `99999999999999.99` arrives as `100000000000000`; a CSV reader that infers types hands a
//! long decimal column over the same way. Amounts the crate reads are strings (`"12.50"`), as
//! it writes them, parsed exactly; a number is refused with a message that says so.

use rust_decimal::Decimal;

/// A decimal that only its text form reads.
pub(crate) struct ExactDecimal(pub Decimal);

impl<'de> serde::Deserialize<'de> for ExactDecimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ExactDecimal, D::Error> {
        deserializer.deserialize_str(ExactVisitor)
    }
}

struct ExactVisitor;

impl serde::de::Visitor<'_> for ExactVisitor {
    type Value = ExactDecimal;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(r#"a decimal as a string, such as "12.50" (a number would pass through binary floating point)"#)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ExactDecimal, E> {
        v.parse::<Decimal>().or_else(|_| Decimal::from_scientific(v)).map(ExactDecimal).map_err(E::custom)
    }
}

/// `#[serde(deserialize_with)]` for a `Decimal` field read exactly.
pub(crate) fn decimal<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    serde::Deserialize::deserialize(deserializer).map(|x: ExactDecimal| x.0)
}

/// `#[serde(deserialize_with)]` for an `Option<Decimal>` field read exactly (an empty CSV cell
/// or a JSON `null` is `None`).
pub(crate) fn optional_decimal<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
    serde::Deserialize::deserialize(deserializer).map(|x: Option<ExactDecimal>| x.map(|x| x.0))
}
