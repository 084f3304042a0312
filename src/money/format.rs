//! Money as people read it: `Display` as `"USD 81,105.99"` (the ISO code, thousands grouped, the
//! currency's minor units), and [`MoneyFormat`] for the other common forms (a symbol, no
//! grouping, fixed places, compact `"$786.4M"`). Locale-specific separators ("€1.234,00") are
//! a locale library's job, not guessed here.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Currency, Money};

impl fmt::Display for Money {
    /// `"USD 81,105.99"`, `"JPY 1,000"`, `"USD -0.125"`: the ISO code, the amount with thousands
    /// grouped and at least the currency's minor-unit digits (more when it carries them, so
    /// nothing is hidden). It parses back with `FromStr`. A precision gives the places (at most
    /// 28), rounded half to even (`{:.2}` of USD 1,234.567 is `"USD 1,234.57"`), never a cut of the text; a
    /// width pads it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match f.precision() {
            Some(places) => MoneyFormat::new().places(u32::try_from(places).unwrap_or(u32::MAX)),
            None => MoneyFormat::new(),
        };
        pad_whole(f, &format.format(*self))
    }
}

/// `text` padded to the formatter's width with its fill and alignment (right by default), and
/// never cut: `Formatter::pad` reads a precision as a maximum width, so `{:.2}` of a money
/// amount would print `"US"`.
pub(crate) fn pad_whole(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    use fmt::Write;
    let fill = f.width().map_or(0, |w| w.saturating_sub(text.chars().count()));
    let (before, after) = match f.align() {
        Some(fmt::Alignment::Left) => (0, fill),
        Some(fmt::Alignment::Center) => (fill / 2, fill - fill / 2),
        _ => (fill, 0),
    };
    let c = f.fill();
    for _ in 0..before {
        f.write_char(c)?;
    }
    f.write_str(text)?;
    for _ in 0..after {
        f.write_char(c)?;
    }
    Ok(())
}

/// How to show an amount. The default is `Display`'s: ISO code, grouped, at least the currency's
/// minor units.
///
/// ```
/// use revops::money::MoneyFormat;
/// use revops::{Currency, Money};
/// let m = Money::parse("786412345.678", Currency::USD)?;
/// assert_eq!(m.to_string(), "USD 786,412,345.678");
/// assert_eq!(MoneyFormat::new().symbol().places(2).format(m), "$786,412,345.68");
/// assert_eq!(MoneyFormat::new().symbol().compact().format(m), "$786.4M");
/// assert_eq!(MoneyFormat::new().no_grouping().places(0).format(m), "USD 786412346");
/// assert_eq!(MoneyFormat::new().symbol().format(Money::parse("-1234.5", Currency::EUR)?), "-€1,234.50");
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MoneyFormat {
    symbol: bool,
    no_grouping: bool,
    places: Option<u32>,
    compact: bool,
}

impl MoneyFormat {
    /// `Display`'s format.
    pub fn new() -> MoneyFormat {
        MoneyFormat::default()
    }

    /// A symbol before the amount where one is unambiguous (`$` USD, `€` EUR, `£` GBP, `¥` JPY,
    /// `₹` INR, `₩` KRW), the ISO code otherwise.
    pub fn symbol(mut self) -> MoneyFormat {
        self.symbol = true;
        self
    }

    /// No thousands separators.
    pub fn no_grouping(mut self) -> MoneyFormat {
        self.no_grouping = true;
        self
    }

    /// Exactly `places` decimals, rounded half to even (`Display` never rounds).
    pub fn places(mut self, places: u32) -> MoneyFormat {
        self.places = Some(places.min(28));
        self
    }

    /// Thousands, millions and billions with one decimal: `"$786.4M"`, `"USD 1.2B"`, `"€950.0K"`;
    /// with [`places`](MoneyFormat::places), that many decimals of the unit (`"$1B"` with
    /// `places(0)`, `"$1.25B"` with `places(2)`, for round figures such as a chart's ticks). A
    /// figure that rounds to a thousand of its unit shows in the next one (999,950 is `"$1.0M"`,
    /// not `"$1,000.0K"`). For dashboards; the figure is rounded and must not be fed back into money.
    pub fn compact(mut self) -> MoneyFormat {
        self.compact = true;
        self
    }

    /// The amount as text.
    pub fn format(&self, money: Money) -> String {
        let (amount, suffix) =
            if self.compact { compact(money.amount(), self.places.unwrap_or(1)) } else { (money.amount(), "") };
        let shown = match (self.compact, self.places) {
            (true, p) => amount.round_dp_with_strategy(p.unwrap_or(1), RoundingStrategy::MidpointNearestEven),
            (false, Some(p)) => amount.round_dp_with_strategy(p, RoundingStrategy::MidpointNearestEven),
            (false, None) => amount.normalize(),
        };
        let places = match (self.compact, self.places) {
            (true, p) => p.unwrap_or(1),
            (false, Some(p)) => p,
            (false, None) => shown.scale().max(money.currency().minor_units()),
        };
        let digits = digits(shown.abs(), places, !self.no_grouping);
        let sign = if shown.is_sign_negative() && !shown.is_zero() { "-" } else { "" };
        match self.symbol.then(|| symbol(money.currency())).flatten() {
            Some(sym) => format!("{sign}{sym}{digits}{suffix}"),
            None => format!("{} {sign}{digits}{suffix}", money.currency()),
        }
    }
}

fn symbol(c: Currency) -> Option<&'static str> {
    Some(match c {
        Currency::USD => "$",
        Currency::EUR => "€",
        Currency::GBP => "£",
        Currency::JPY => "¥",
        Currency::INR => "₹",
        Currency::KRW => "₩",
        _ => return None,
    })
}

/// The amount in thousands, millions or billions, and the letter that says which: the largest
/// unit it reaches, or the next one up where the figure rounded to `places` reaches a thousand
/// of its unit (999,950 is 1.0M, not 1,000.0K).
fn compact(amount: Decimal, places: u32) -> (Decimal, &'static str) {
    const UNITS: [(i64, &str); 4] = [(1, ""), (1_000, "K"), (1_000_000, "M"), (1_000_000_000, "B")];
    let abs = amount.abs();
    let mut i = UNITS.iter().rposition(|&(unit, _)| abs >= Decimal::from(unit)).unwrap_or(0);
    loop {
        let (unit, letter) = UNITS[i];
        // dividing by a power of ten cannot overflow
        let value = amount / Decimal::from(unit);
        let shown = value.round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
        if shown.abs() < Decimal::ONE_THOUSAND || i + 1 == UNITS.len() {
            return (value, letter);
        }
        i += 1;
    }
}

/// `value` (not negative) with exactly `places` decimals, the whole part grouped by thousands.
fn digits(value: Decimal, places: u32, grouping: bool) -> String {
    let text = super::fixed_places(value, places as usize);
    let (whole, fraction) = match text.split_once('.') {
        Some((w, fr)) => (w, Some(fr)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    for (i, ch) in whole.chars().enumerate() {
        if grouping && i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(fr) = fraction {
        out.push('.');
        out.push_str(fr);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (amount, currency, Display): grouping, minor units, extra digits kept, signs.
    const SHOWN: &[(&str, Currency, &str)] = &[
        ("81105.99", Currency::USD, "USD 81,105.99"),
        ("5", Currency::USD, "USD 5.00"),
        ("5", Currency::KWD, "KWD 5.000"),
        ("1000", Currency::JPY, "JPY 1,000"),
        ("0.125", Currency::USD, "USD 0.125"),
        ("-3.1", Currency::USD, "USD -3.10"),
        ("-1234567.5", Currency::EUR, "EUR -1,234,567.50"),
        ("999", Currency::USD, "USD 999.00"),
        ("0", Currency::USD, "USD 0.00"),
    ];

    #[test]
    fn display_vectors() {
        for (amount, currency, shown) in SHOWN {
            let m = Money::new(amount.parse().unwrap(), *currency);
            assert_eq!(m.to_string(), *shown);
            assert_eq!(shown.parse::<Money>().unwrap(), m, "{shown} parses back");
        }
    }

    #[test]
    fn compact_and_symbols() {
        let usd = |s: &str| Money::new(s.parse().unwrap(), Currency::USD);
        let short = MoneyFormat::new().symbol().compact();
        assert_eq!(short.format(usd("786412345.67")), "$786.4M");
        assert_eq!(short.format(usd("1000000000")), "$1.0B");
        assert_eq!(short.format(usd("232500")), "$232.5K");
        assert_eq!(short.format(usd("-18800000")), "-$18.8M");
        assert_eq!(short.format(usd("950")), "$950.0");
        assert_eq!(short.places(0).format(usd("1000000000")), "$1B");
        assert_eq!(short.places(2).format(usd("1250000000")), "$1.25B");
        assert_eq!(
            MoneyFormat::new().compact().format(Money::new(Decimal::from(2_500_000), Currency::CHF)),
            "CHF 2.5M"
        );
        // extremes format without panicking
        let _ = MoneyFormat::new().places(28).format(Money::new(Decimal::MAX, Currency::USD));
        let _ = short.format(Money::new(Decimal::MIN, Currency::USD));
    }
}
