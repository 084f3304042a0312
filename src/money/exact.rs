//! Decimals read from their text only. A JSON number is a binary float on its way in, so
//! `99999999999999.99` arrives as `100000000000000`; a CSV reader that infers types hands a
//! long decimal column over the same way. Every decimal the crate reads is a string (`"12.50"`),
//! as it writes them, parsed exactly ([`parse`]): a number is refused, and so is a text with more
//! digits than a `Decimal` holds (28 places), which `rust_decimal`'s own reader would round.

use rust_decimal::Decimal;

/// A decimal's text, read exactly: an optional sign, digits with at most one point, and an
/// optional exponent (`"12.50"`, `"-0.001"`, `"1.5e3"`); `None` for anything else (`_`
/// separators included) and for a value a `Decimal` cannot hold to the last digit (a digit past
/// 28 places, or more than 96 bits of them), which `str::parse` would round silently. Zeros that
/// change nothing are dropped where the value would not fit with them (`"1.0e-28"`, `Decimal::MAX`
/// written with `.00`).
pub(crate) fn parse(text: &str) -> Option<Decimal> {
    let (number, exponent) = match text.find(['e', 'E']) {
        None => (text, 0i64),
        Some(at) => {
            let exponent = &text[at + 1..];
            let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (&text[..at], exponent.parse().ok()?)
        }
    };
    let unsigned = number.strip_prefix(['-', '+']).unwrap_or(number);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if (whole.is_empty() && fraction.is_empty()) || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // the digits as one integer and the places they stand at; zeros at the end are dropped only
    // where the value does not fit with them, so "12.50" and "0.00" keep their two places
    let joined = format!("{whole}{fraction}");
    let mut digits = joined.trim_start_matches('0');
    let mut places = i64::try_from(fraction.len()).ok()?.checked_sub(exponent)?;
    let negative = number.starts_with('-');
    if digits.is_empty() {
        places = places.clamp(0, 28); // zero, with the places it can keep
    }
    loop {
        if let Some(value) = held(digits, places, negative) {
            return Some(value);
        }
        if places > 0 && digits.ends_with('0') {
            // a zero at the end changes nothing (at most as many turns as the text has zeros)
            (digits, places) = (&digits[..digits.len() - 1], places - 1);
        } else {
            return None; // a digit past 28 places, or more digits than 96 bits hold
        }
    }
}

/// An `f64` as the decimal it is written as: the shortest text that reads back as the same
/// `f64` (0.1, never 0.1000000000000000055…), or its binary value where that text has more
/// places than a `Decimal` holds (a tiny value); `None` for NaN, ±∞ and values past `Decimal`.
pub(crate) fn decimal_as_written(x: f64) -> Option<Decimal> {
    use rust_decimal::prelude::FromPrimitive;
    format!("{x}").parse::<Decimal>().ok().or_else(|| Decimal::from_f64(x))
}

/// A decimal written plainly, read exactly as [`parse`] reads one: digits with an optional
/// sign and one point, no exponent (how people write money and percents).
pub(crate) fn parse_plain(text: &str) -> Option<Decimal> {
    if text.contains(['e', 'E']) {
        None
    } else {
        parse(text)
    }
}

/// `±digits × 10^−places` as a `Decimal` with exactly those places, if one holds it.
fn held(digits: &str, places: i64, negative: bool) -> Option<Decimal> {
    if digits.len() > 38 || places > 28 {
        return None;
    }
    let mut mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let mut scale = places;
    if scale < 0 {
        mantissa = mantissa.checked_mul(10i128.checked_pow(u32::try_from(-scale).ok()?)?)?;
        scale = 0;
    }
    let mut value = Decimal::try_from_i128_with_scale(mantissa, u32::try_from(scale).ok()?).ok()?;
    value.set_sign_negative(negative);
    Some(value)
}

/// `#[serde(with)]` for a decimal written and read as its text, exactly ([`parse`]): the
/// crate's replacement for `rust_decimal::serde::str`, whose reader rounds past 28 places.
#[cfg(feature = "serde")]
pub(crate) mod text {
    use rust_decimal::Decimal;

    pub(crate) fn serialize<S: serde::Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::str::serialize(value, s)
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_str(Exact)
    }

    struct Exact;

    impl serde::de::Visitor<'_> for Exact {
        type Value = Decimal;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a decimal as a string that a Decimal holds exactly (\"12.50\")")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
            super::parse(v).ok_or_else(|| E::custom(format_args!("{v:?} is not a decimal a Decimal holds exactly")))
        }
    }
}

/// `#[serde(with)]` for an optional decimal read as [`text`] reads one (`null` or `""` for none).
#[cfg(feature = "serde")]
pub(crate) mod text_option {
    use rust_decimal::Decimal;

    pub(crate) fn serialize<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::str_option::serialize(value, s)
    }

    /// `null`, or `""` (as `rust_decimal::serde::str_option` reads it), is none.
    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let text: Option<std::borrow::Cow<'de, str>> = serde::Deserialize::deserialize(d)?;
        match text.as_deref() {
            None | Some("") => Ok(None),
            Some(t) => super::parse(t).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format_args!("{t:?} is not a decimal a Decimal holds exactly"))
            }),
        }
    }
}

/// A decimal only its text form reads, for the readers written by hand (`Money`'s) and for
/// decimals inside lists.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct TextDecimal(#[serde(with = "text")] pub Decimal);

/// `#[serde(deserialize_with)]` for a list of decimals, each read from its text.
#[cfg(feature = "serde")]
pub(crate) fn decimals<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
    let list: Vec<TextDecimal> = serde::Deserialize::deserialize(d)?;
    Ok(list.into_iter().map(|x| x.0).collect())
}

/// `#[serde(deserialize_with)]` for a list of `(decimal, value)` pairs, each decimal read from
/// its text.
#[cfg(feature = "serde")]
pub(crate) fn decimal_pairs<'de, D, T>(d: D) -> Result<Vec<(Decimal, T)>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let list: Vec<(TextDecimal, T)> = serde::Deserialize::deserialize(d)?;
    Ok(list.into_iter().map(|(x, t)| (x.0, t)).collect())
}

/// `#[serde(deserialize_with)]` for a map whose keys must each appear once: a JSON object that
/// names a key twice is refused, where serde's own map reader keeps the last value silently.
#[cfg(feature = "serde")]
pub(crate) fn unique_keys<'de, D, K, V>(d: D) -> Result<std::collections::BTreeMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: serde::Deserialize<'de> + Ord + std::fmt::Display,
    V: serde::Deserialize<'de>,
{
    struct Unique<K, V>(std::marker::PhantomData<(K, V)>);
    impl<'de, K, V> serde::de::Visitor<'de> for Unique<K, V>
    where
        K: serde::Deserialize<'de> + Ord + std::fmt::Display,
        V: serde::Deserialize<'de>,
    {
        type Value = std::collections::BTreeMap<K, V>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map that names each key once")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = std::collections::BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<K, V>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format_args!("the key {k} appears twice")));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(std::marker::PhantomData))
}
