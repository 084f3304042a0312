//! One exact percent type for everything that gates money: discounts, margins, thresholds, tax
//! rates, probabilities. A `Percent` holds its fraction as a `Decimal` (58% is 0.58), so two
//! percents compare exactly: a 58% floor is not breached by a 58% margin, and a 7% discount does
//! not fire a "> 7%" rule. `f64` stays inside statistical models only.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Money, MoneyError};

/// An exact percent, held as its fraction (`0.58` for 58%).
///
/// Any decimal is a percent (a growth of −5%, a net revenue retention of 107.6%); where only a
/// range makes sense (a discount, a probability), the engine that takes it checks the range with
/// [`Percent::check_range`] and says which input was wrong.
///
/// `Display`, `FromStr` and serde share one form, `"7.5%"`: what is printed parses back, and a
/// bare number (which could mean 0.075 or 7.5%) is refused rather than guessed.
///
/// ```
/// use revops::money::Percent;
/// use rust_decimal::Decimal;
///
/// let floor = Percent::from_points(Decimal::from(58))?;
/// assert_eq!(floor, Percent::from_fraction(Decimal::new(58, 2)));
/// assert_eq!(floor.to_string(), "58%");
/// assert_eq!("7.5%".parse::<Percent>()?.fraction(), Decimal::new(75, 3));
/// assert!("0.075".parse::<Percent>().is_err()); // fraction or points? say which with a '%'
/// // Exact: a 58% margin is not below a 58% floor.
/// assert!(!(Percent::from_fraction(Decimal::new(5800, 4)) < floor));
/// # Ok::<(), revops::MoneyError>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)] // Decimal's: by value, 0.5 == 0.50
pub struct Percent(Decimal);

impl Percent {
    /// 0%.
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    /// 100%.
    pub const HUNDRED: Percent = Percent(Decimal::ONE);

    /// A percent from its fraction: `0.075` is 7.5%.
    pub const fn from_fraction(fraction: Decimal) -> Percent {
        Percent(fraction)
    }

    /// A percent from percent points: `7.5` is 7.5%. Exact; a value with more than 26 decimal
    /// places (whose fraction `Decimal` cannot hold) is an error.
    ///
    /// ```
    /// use revops::money::Percent;
    /// use rust_decimal::Decimal;
    /// assert_eq!(Percent::from_points(Decimal::new(75, 1))?.fraction(), Decimal::new(75, 3));
    /// assert!(Percent::from_points(Decimal::new(1, 28)).is_err());
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::InexactPercent`] when the fraction needs more than 28 decimal places.
    pub fn from_points(points: Decimal) -> Result<Percent, MoneyError> {
        let p = points.normalize();
        let scale = p.scale() + 2;
        if scale > 28 {
            return Err(MoneyError::InexactPercent(points));
        }
        Decimal::try_from_i128_with_scale(p.mantissa(), scale)
            .map(Percent)
            .map_err(|_| MoneyError::InexactPercent(points))
    }

    /// `part ÷ whole` as a percent (same currency; a zero `whole` is an error).
    ///
    /// # Errors
    /// As [`Money::ratio`].
    pub fn ratio(part: Money, whole: Money) -> Result<Percent, MoneyError> {
        part.ratio(whole).map(Percent)
    }

    /// The fraction: `0.075` for 7.5%.
    pub const fn fraction(self) -> Decimal {
        self.0
    }

    /// Percent points: `7.5` for 7.5%, exact where a `Decimal` holds them: a fraction beyond
    /// about ±7.9e26 has points past `Decimal`'s range, and they saturate at `Decimal::MAX` (or
    /// `MIN`). `Display` and serde write those points exactly, as text.
    pub fn points(self) -> Decimal {
        self.0.checked_mul(Decimal::ONE_HUNDRED).unwrap_or_else(|| {
            // only fractions beyond ~7.9e26 overflow; they are no percent anyone uses
            if self.0.is_sign_negative() {
                Decimal::MIN
            } else {
                Decimal::MAX
            }
        })
    }

    /// `100% − self` (the share a discount leaves).
    ///
    /// # Errors
    /// [`MoneyError::Overflow`] for a percent near `Decimal`'s limits.
    pub fn complement(self) -> Result<Percent, MoneyError> {
        Decimal::ONE.checked_sub(self.0).map(Percent).ok_or(MoneyError::Overflow("percent complement"))
    }

    /// `money × self`, not rounded to the cent: exact as far as a `Decimal` holds it (a product
    /// past 28 places is rounded there, as [`Money::checked_mul`] says).
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn of(self, money: Money) -> Result<Money, MoneyError> {
        money.checked_mul(self.0)
    }

    /// True when the percent is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// `self` when `low ≤ self ≤ high`; otherwise an error naming `what` and the range.
    ///
    /// ```
    /// use revops::money::Percent;
    /// let p: Percent = "70%".parse()?;
    /// assert_eq!(p.check_range("win probability", Percent::ZERO, Percent::HUNDRED)?, p);
    /// let wrong: Percent = "7000%".parse()?; // a probability of 70 given as a fraction
    /// assert!(wrong.check_range("win probability", Percent::ZERO, Percent::HUNDRED).is_err());
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::PercentOutOfRange`] naming `what`.
    pub fn check_range(self, what: &str, low: Percent, high: Percent) -> Result<Percent, MoneyError> {
        if self < low || self > high {
            return Err(MoneyError::PercentOutOfRange { what: what.to_string(), value: self, low, high });
        }
        Ok(self)
    }

    /// True when `0% ≤ self ≤ 100%`.
    pub fn is_unit(self) -> bool {
        Percent::ZERO <= self && self <= Percent::HUNDRED
    }

    /// [`Percent::check_range`] over `[0%, 100%]`: discounts, probabilities, shares.
    ///
    /// ```
    /// use revops::Percent;
    /// let discount: Percent = "15%".parse()?;
    /// assert_eq!(discount.check_unit("discount")?, discount);
    /// assert!("120%".parse::<Percent>()?.check_unit("discount").is_err()); // names "discount"
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::PercentOutOfRange`] naming `what`.
    pub fn check_unit(self, what: &str) -> Result<Percent, MoneyError> {
        self.check_range(what, Percent::ZERO, Percent::HUNDRED)
    }

    /// A lossy `f64` fraction for statistical models; never feed it back into money.
    pub fn to_f64_lossy(self) -> f64 {
        rust_decimal::prelude::ToPrimitive::to_f64(&self.0).unwrap_or(f64::NAN)
    }

    /// A percent from an `f64` fraction coming out of a statistical model: NaN and ±∞ are
    /// errors (never a silent 0%).
    ///
    /// ```
    /// use revops::Percent;
    /// assert_eq!(Percent::try_from_f64_fraction("win probability", 0.25)?.to_string(), "25%");
    /// assert!(Percent::try_from_f64_fraction("win probability", f64::NAN).is_err()); // never a silent 0%
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::NotFinite`] for NaN or ±∞, [`MoneyError::FloatOutOfRange`] for a fraction
    /// beyond a `Decimal` (about ±7.9 × 10²⁸).
    pub fn try_from_f64_fraction(what: &str, fraction: f64) -> Result<Percent, MoneyError> {
        if !fraction.is_finite() {
            return Err(MoneyError::NotFinite(what.to_string()));
        }
        rust_decimal::prelude::FromPrimitive::from_f64(fraction)
            .map(Percent)
            .ok_or_else(|| MoneyError::FloatOutOfRange { what: what.to_string(), value: format!("{fraction}") })
    }
}

impl fmt::Display for Percent {
    /// `"58%"`, `"7.5%"`, `"-3.25%"`: the points with no trailing zeros. The formatter's
    /// precision, if given, rounds the points (`{:.1}` shows `"107.6%"`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match (self.0.checked_mul(Decimal::ONE_HUNDRED), f.precision()) {
            (Some(points), Some(dp)) => format!("{}%", fixed_places(points, dp)),
            (Some(points), None) => format!("{}%", points.normalize()),
            // points past a Decimal: written from the fraction's digits, exactly. Such a fraction
            // has at most two places (its digits fill the 96 bits), so the points are whole.
            (None, Some(dp)) if dp > 0 => format!("{}.{}%", self.points_text(), "0".repeat(dp.min(28))),
            (None, _) => format!("{}%", self.points_text()),
        };
        // `pad` would read the precision as a maximum width
        super::format::pad_whole(f, &text)
    }
}

/// `d` rounded to `dp` places and shown with exactly `dp` places. (rust_decimal's own `{:.N}`
/// panics when the digits outgrow its buffer, as `Decimal::MAX` with three places does.)
/// More than `Decimal`'s 28 places would only print zeros, so the places stop there.
pub(crate) fn fixed_places(d: Decimal, dp: usize) -> String {
    let dp = dp.min(28);
    let places = dp as u32;
    let rounded = d.round_dp(places);
    let mut text = rounded.to_string();
    let have = rounded.scale() as usize;
    if have < dp {
        if have == 0 {
            text.push('.');
        }
        text.extend(std::iter::repeat_n('0', dp - have));
    }
    text
}

impl Percent {
    /// The points as text, exactly, whatever their size: the fraction's digits with the point
    /// moved two places right (`Decimal::MAX` as a fraction is `7922…33500` points).
    fn points_text(self) -> String {
        let text = self.0.normalize().to_string();
        let (sign, unsigned) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let moved: String = fraction.chars().chain(std::iter::repeat('0')).take(2).collect();
        let rest = fraction.get(2..).unwrap_or("");
        let whole = format!("{whole}{moved}");
        let whole = match whole.trim_start_matches('0') {
            "" => "0",
            w => w,
        };
        if rest.is_empty() {
            format!("{sign}{whole}")
        } else {
            format!("{sign}{whole}.{rest}")
        }
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Percent {
    type Err = MoneyError;

    /// `"7.5%"`, `" 58 % "`, `"-3%"`: percent points, in plain decimal digits, followed by `%`.
    /// Every digit is kept: points with more places than the fraction can hold are refused,
    /// not rounded (to 0% when tiny).
    fn from_str(s: &str) -> Result<Percent, MoneyError> {
        let invalid = || MoneyError::InvalidPercent(s.to_string());
        let points = s.trim().strip_suffix('%').ok_or_else(invalid)?.trim();
        // the fraction read straight from the points' text, two places on, so that points
        // past a Decimal's range (a fraction beyond ~7.9e26, as written) read back too
        if super::exact::parse_plain(points).is_none() && !points.contains(['e', 'E']) {
            if let Some(fraction) = super::exact::parse(&format!("{points}e-2")) {
                return Ok(Percent(fraction));
            }
        }
        let points = super::exact::parse_plain(points).ok_or_else(invalid)?;
        Percent::from_points(points)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Percent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(s: &str) -> Percent {
        s.parse().unwrap()
    }

    /// (text, fraction as a string, display): the forms agree both ways.
    const VECTORS: &[(&str, &str, &str)] = &[
        ("58%", "0.58", "58%"),
        ("7.5%", "0.075", "7.5%"),
        (" 7.50 % ", "0.075", "7.5%"),
        ("-3.25%", "-0.0325", "-3.25%"),
        ("0%", "0", "0%"),
        ("100%", "1", "100%"),
        ("107.6%", "1.076", "107.6%"),
        ("0.001%", "0.00001", "0.001%"),
    ];

    #[test]
    fn text_fraction_and_display_agree() {
        for (text, fraction, shown) in VECTORS {
            let p = pct(text);
            assert_eq!(p.fraction(), fraction.parse::<Decimal>().unwrap(), "{text}");
            assert_eq!(p.to_string(), *shown, "{text}");
            assert_eq!(pct(shown), p, "{text} round trip");
        }
    }

    #[test]
    fn refuses_what_is_not_a_percent() {
        for bad in ["", "%", "58", "0.58", "abc%", "5%%", "%5"] {
            assert!(bad.parse::<Percent>().is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn equality_and_order_are_exact() {
        assert_eq!(pct("50%"), Percent::from_fraction(Decimal::new(50, 2)));
        assert_eq!(pct("58%"), Percent::from_fraction(Decimal::new(5800, 4)));
        assert!(pct("7%") <= pct("7.000%") && pct("7%") >= pct("7.000%"));
        assert!(pct("7.0000001%") > pct("7%"));
        let set: std::collections::HashSet<Percent> = [pct("50%"), pct("50.00%")].into_iter().collect();
        assert_eq!(set.len(), 1, "equal percents hash alike");
    }

    #[test]
    fn precision_rounds_the_points() {
        assert_eq!(format!("{:.1}", Percent::from_fraction(Decimal::new(10757, 4))), "107.6%");
        assert_eq!(format!("{:.0}", pct("42%")), "42%");
        assert_eq!(format!("[{:>6}]", pct("7.5%")), "[  7.5%]");
        assert_eq!(format!("[{:<6.1}]", pct("7.5%")), "[7.5%  ]");
        assert_eq!(format!("{:.2}", pct("7%")), "7.00%");
        let huge = Percent::from_fraction(Decimal::MAX);
        assert!(format!("{huge:.3}").ends_with('%')); // no panic at the edge of Decimal
    }

    #[test]
    fn ranges_and_arithmetic() {
        assert!(pct("101%").check_unit("discount").is_err());
        assert!(pct("-1%").check_unit("discount").is_err());
        assert_eq!(pct("25%").complement().unwrap(), pct("75%"));
        let m = Money::parse("200", crate::Currency::USD).unwrap();
        assert_eq!(pct("7.5%").of(m).unwrap(), Money::parse("15", crate::Currency::USD).unwrap());
        assert!(Percent::try_from_f64_fraction("p", f64::NAN).is_err());
        assert_eq!(Percent::try_from_f64_fraction("p", 0.25).unwrap(), pct("25%"));
    }
}
