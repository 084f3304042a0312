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
