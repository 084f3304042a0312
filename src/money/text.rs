//! `Money` as text: `FromStr` for the forms people and other systems write ("USD 12.50",
//! "12.50 USD", "USD 1,234.50"), and serde that reads either that text or the
//! `{"amount": "12.50", "currency": "USD"}` object it writes.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError};

impl FromStr for Money {
    type Err = MoneyError;

    /// `"USD 12.50"`, `"12.50 USD"`, `"-12.50 USD"`, `"USD 1,234.50"`: an ISO code and a decimal
    /// amount, in either order, separated by spaces. Commas are accepted only as thousands
    /// separators in groups of three after a first group that does not start with zero (`"1,2,3"`
    /// and `"0,123"` are refused); the amount keeps every digit given.
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// let m: Money = "USD 1,234.50".parse()?;
    /// assert_eq!(m, Money::parse("1234.50", Currency::USD)?);
    /// assert_eq!("1234.50 usd".parse::<Money>()?, m);
    /// assert_eq!(m.to_string().parse::<Money>()?, m); // what is printed parses back
    /// assert!("12.50".parse::<Money>().is_err());     // no currency: refused, never guessed
    /// assert!("USD 1,23.50".parse::<Money>().is_err());
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let invalid = || MoneyError::InvalidMoney(s.to_string());
        let mut parts = s.split_whitespace();
        let (first, second) = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => (a, b),
            _ => return Err(invalid()),
        };
        // whichever part is a currency code; the other is the amount
        let (currency, amount) = match (first.parse::<Currency>(), second.parse::<Currency>()) {
            (Ok(c), Err(_)) => (c, second),
            (Err(_), Ok(c)) => (c, first),
            _ => return Err(invalid()),
        };
        let amount = parse_grouped(amount).ok_or_else(invalid)?;
        Ok(Money::new(amount, currency))
    }
}

/// A decimal with optional thousands separators in groups of three: `-1,234,567.891`, every
/// digit kept (a value with more than 28 places is refused, not rounded).
fn parse_grouped(text: &str) -> Option<Decimal> {
    if !text.contains(',') {
        return super::exact::parse_plain(text);
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let whole = unsigned.split('.').next().unwrap_or(unsigned);
    let mut groups = whole.split(',');
    let lead = groups.next()?;
    // a grouped number starts with a digit other than zero ("0,123" is no thousands grouping;
    // in a decimal-comma locale it is 0.123)
    let lead_ok = (1..=3).contains(&lead.len()) && !lead.starts_with('0') && lead.bytes().all(|b| b.is_ascii_digit());
    let rest_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !lead_ok || !rest_ok || unsigned[whole.len()..].contains(',') {
        return None;
    }
    super::exact::parse_plain(&text.replace(',', ""))
}

#[cfg(feature = "serde")]
impl serde::Serialize for Money {
    /// `{"amount": "12.50", "currency": "USD"}`: the amount as a string, so no JSON reader
    /// rounds it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Money", 2)?;
        st.serialize_field("amount", &self.amount())?;
        st.serialize_field("currency", &self.currency())?;
        st.end()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Money {
    /// The object it writes, or the text `FromStr` reads (`"USD 12.50"`). An object with a key
    /// other than `amount` and `currency` is refused, and so is an amount written as a JSON
    /// number: it has passed through binary floating point (`99999999999999.99` arrives as
    /// `99999999999999.98`), so amounts are strings, as the crate writes them.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        deserializer.deserialize_any(MoneyVisitor)
    }
}

#[cfg(feature = "serde")]
struct MoneyVisitor;

#[cfg(feature = "serde")]
impl<'de> serde::de::Visitor<'de> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(r#"money as {"amount": "12.50", "currency": "USD"} or "USD 12.50""#)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Money, A::Error> {
        use serde::de::Error;
        let (mut amount, mut currency) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "amount" if amount.is_none() => amount = Some(map.next_value::<super::exact::TextDecimal>()?.0),
                "currency" if currency.is_none() => currency = Some(map.next_value::<Currency>()?),
                "amount" | "currency" => return Err(A::Error::custom(format!("duplicate field `{key}`"))),
                // refused, not skipped: a key such as `"unit": "cents"` would change what the
                // amount means
                other => return Err(A::Error::unknown_field(other, &["amount", "currency"])),
            }
        }
        let amount = amount.ok_or_else(|| A::Error::missing_field("amount"))?;
        let currency = currency.ok_or_else(|| A::Error::missing_field("currency"))?;
        Ok(Money::new(amount, currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, amount, currency): every form reads, and refusals stay refused.
    const READ: &[(&str, &str, Currency)] = &[
        ("USD 12.50", "12.50", Currency::USD),
        ("12.50 USD", "12.50", Currency::USD),
        ("  eur   -3.1 ", "-3.1", Currency::EUR),
        ("USD 1,234,567.891", "1234567.891", Currency::USD),
        ("JPY 1,000", "1000", Currency::JPY),
        ("-1,000.5 KWD", "-1000.5", Currency::KWD),
    ];

    #[test]
    fn text_forms_read() {
        for (text, amount, currency) in READ {
            let m: Money = text.parse().unwrap();
            assert_eq!((m.amount(), m.currency()), (amount.parse().unwrap(), *currency), "{text}");
            assert_eq!(m.to_string().parse::<Money>().unwrap(), m, "{text} round trip");
        }
    }

    #[test]
    fn text_refusals() {
        for bad in
            ["", "12.50", "USD", "USD EUR", "USD 12 50", "1,23.5 USD", "USD 1,2345", "USD ,123", "XYZ 1", "USD 1.2,3"]
        {
            assert!(bad.parse::<Money>().is_err(), "{bad:?} must be refused");
        }
    }
}
