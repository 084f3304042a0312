//! Decimals read from their text only. A JSON number is a binary float on its way in, so
//! `99999999999999.99` arrives as `100000000000000`; a CSV reader that infers types hands a
//! long decimal column over the same way. Every decimal the crate reads is a string (`"12.50"`),
//! as it writes them, parsed exactly ([`parse`]): a number is refused, and so is a text with more
//! digits than a `Decimal` holds (28 places), which `rust_decimal`'s own reader would round.

use rust_decimal::Decimal;

/// A decimal's text, read exactly: `"12.50"`, `"-0.001"`, or scientific (`"1.5e3"`); `None` for
/// anything else, and for a value a `Decimal` cannot hold to the last digit (more than 28
/// decimal places, or a mantissa past 96 bits), which `str::parse` would round silently.
pub(crate) fn parse(text: &str) -> Option<Decimal> {
    match text.find(['e', 'E']) {
        // zeros at the end of the places change nothing, and may not fit (Decimal::MAX.00)
        None => Decimal::from_str_exact(text).ok().or_else(|| {
            let trimmed = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text };
            (trimmed.len() < text.len()).then(|| Decimal::from_str_exact(trimmed).ok()).flatten()
        }),
        Some(at) => {
            let mantissa = Decimal::from_str_exact(&text[..at]).ok()?;
            let exponent: i64 = text[at + 1..].parse().ok()?;
            if exponent <= 0 {
                let scale = i64::from(mantissa.scale()).checked_sub(exponent)?;
                Decimal::try_from_i128_with_scale(mantissa.mantissa(), u32::try_from(scale).ok()?).ok()
            } else {
                let factor =
                    Decimal::try_from_i128_with_scale(10i128.checked_pow(u32::try_from(exponent).ok()?)?, 0).ok()?;
                let product = mantissa.checked_mul(factor)?;
                // exact only if it divides back (a product past 96 bits is rounded)
                (product.checked_div(factor)? == mantissa).then_some(product)
            }
        }
    }
}

/// `#[serde(with)]` for a decimal written and read as its text, exactly ([`parse`]): the
/// crate's replacement for `rust_decimal::serde::str`, whose reader rounds past 28 places.
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

/// `#[serde(with)]` for an optional decimal read as [`text`] reads one (`null` for none).
pub(crate) mod text_option {
    use rust_decimal::Decimal;

    pub(crate) fn serialize<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::str_option::serialize(value, s)
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let text: Option<super::TextDecimal> = serde::Deserialize::deserialize(d)?;
        Ok(text.map(|t| t.0))
    }
}

/// A decimal only its text form reads, for the readers written by hand (`Money`'s) and for
/// decimals inside lists.
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct TextDecimal(#[serde(with = "text")] pub Decimal);

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

/// `#[serde(deserialize_with)]` for a map whose keys must each appear once: a JSON object that
/// names a key twice is refused, where serde's own map reader keeps the last value silently.
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
