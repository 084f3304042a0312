//! The unit the ledger keeps ARR in, exact for the terms SaaS contracts are sold on.
//!
//! ARR is `price × 12 ÷ months`. A decimal unit cannot hold a 36-month price's ARR (a third)
//! exactly, and sums of thirds kept to any number of decimals can land on the wrong side of a
//! half cent: three $100 36-month terms and a $2,000.03 24-month term are $1,100.015 of ARR,
//! which rounds half to even to $1,100.02, but summed from thirds kept to 10⁻⁸ of a cent they
//! are $1,100.0149999999 and round to $1,100.01. So the unit is 10⁻⁶ of the currency's minor
//! unit split into [`PARTS`] (3² · 7 · 11 · 13) parts: a price with at most six decimals past
//! the minor unit over any term whose months divide 12 × 10⁶ × 9,009 (every term of 1 to 16
//! months, 18, 20, 21, 22, 24, 26, 27, 28, 30, 33, 36, 39, 42, 48, 52, 60, 72, 84 … months) is
//! kept exactly, and figures are rounded once, when reported.

use rust_decimal::Decimal;

use crate::money::{power_of_ten, Currency, Fixed};

/// Decimal digits of ARR's unit beyond a currency's minor unit, before it is split in parts.
pub(crate) const EXTRA_DIGITS: u32 = 6;

/// The parts each 10⁻⁶ of a minor unit is split in: 3² · 7 · 11 · 13, the prime powers of the
/// month counts of common terms that 12 × 10⁶ lacks.
pub(crate) const PARTS: i128 = 9009;

/// Digits past the minor unit of the exact figures the ledger reports ([`Movements`]), where a
/// third is rounded: 10⁻⁸ of a cent.
///
/// [`Movements`]: super::Movements
const REPORTED_EXTRA_DIGITS: u32 = 8;

/// The largest ARR one subscription may book, and one customer at a month end in the reporting
/// currency, is 10 to this power (10¹⁴). Far beyond any real price, and low enough that the
/// book's integer totals of 10¹¹ such values cannot overflow (10¹⁴ of a currency whose minor
/// unit has three digits is 10²³ × 9,009 ≈ 9 × 10²⁶ parts).
pub(crate) const MAX_ARR_DIGITS: u32 = 14;

/// The decimal scale of ARR's unit in `c`, before it is split in parts.
pub(crate) fn arr_scale(c: Currency) -> u32 {
    c.minor_units() + EXTRA_DIGITS
}

/// `amount` per `months` as ARR in parts of 10^−`scale`, rounded half to even where it is not
/// exact; `None` when it does not fit or `months` is 0.
pub(crate) fn annualise(amount: Decimal, months: u32, scale: u32) -> Option<Fixed> {
    let (mut num, mut den) = (amount.mantissa().checked_mul(12 * PARTS)?, i128::from(months));
    match scale.checked_sub(amount.scale()) {
        Some(up) => num = num.checked_mul(power_of_ten(up)?)?,
        None => den = den.checked_mul(power_of_ten(amount.scale() - scale)?)?,
    }
    Fixed::from_ratio(num, den)
}

/// `native` (ARR in parts of 10^−`from_scale`) × `rate`, rounded half to even to 10^−`scale`
/// and kept in parts of it: how the ledger books foreign ARR and how it revalues it, one
/// rounding for both. `None` when it does not fit.
pub(crate) fn convert(native: Fixed, from_scale: u32, rate: Decimal, scale: u32) -> Option<Fixed> {
    if rate == Decimal::ONE && from_scale == scale {
        return Some(native);
    }
    // exactly, in integers, for every rate of a sensible number of digits
    let exact = || {
        let mut num = native.units().checked_mul(rate.mantissa())?;
        let mut den = PARTS;
        let (up, down) = (scale, from_scale + rate.scale());
        if up >= down {
            num = num.checked_mul(power_of_ten(up - down)?)?;
        } else {
            den = den.checked_mul(power_of_ten(down - up)?)?;
        }
        Fixed::from_ratio(num, den)
    };
    // a rate of 20 digits or more: in `Decimal`, whose rounding after 28 digits is far below
    // the unit rounded to
    let decimal = || {
        let x = Decimal::try_from_i128_with_scale(native.units(), from_scale).ok()?;
        let x = x.checked_div(Decimal::from(PARTS as i64))?.checked_mul(rate)?;
        let x = x.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointNearestEven);
        Fixed::at_scale(x, scale)
    };
    let units = exact().or_else(decimal)?;
    units.units().checked_mul(PARTS).map(Fixed::from_units)
}

/// ARR in parts of 10^−`scale` as a `Decimal` of two more places (10⁻⁸ of a minor unit),
/// rounded half to even there: exact wherever that many places hold it.
pub(crate) fn reported(x: Fixed, scale: u32) -> Decimal {
    let more = REPORTED_EXTRA_DIGITS - EXTRA_DIGITS;
    let ten = power_of_ten(more).unwrap_or(1);
    let (q, r) = (x.units() / PARTS, x.units() % PARTS);
    // q × 10² cannot overflow (|q| < 2¹²⁷ ÷ 9,009), nor can r × 10²
    let units = q * ten + Fixed::from_ratio(r * ten, PARTS).map_or(0, Fixed::units);
    Fixed::from_units(units).to_decimal(scale + more)
}

/// ARR in parts of 10^−`scale`, divided by `divisor`, rounded half to even to the minor unit
/// (`scale` less [`EXTRA_DIGITS`] places): straight from the parts, never from a figure rounded
/// before.
pub(crate) fn to_minor(x: Fixed, scale: u32, divisor: i128) -> Decimal {
    let per_minor = power_of_ten(EXTRA_DIGITS).unwrap_or(1) * PARTS;
    let minor = Fixed::from_ratio(x.units(), per_minor * divisor).unwrap_or(Fixed::ZERO);
    minor.to_decimal(scale.saturating_sub(EXTRA_DIGITS))
}

/// True when `x` (ARR in parts of 10^−`scale`) is more than 10^`digits` in size.
pub(crate) fn exceeds_ten_to(x: Fixed, digits: u32, scale: u32) -> bool {
    power_of_ten(digits + scale)
        .and_then(|p| p.checked_mul(PARTS))
        .is_none_or(|limit| x.units().unsigned_abs() > limit.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annualising_is_exact_for_the_terms_contracts_are_sold_on() {
        // (amount, months, ARR reported at 10 places, whether parts hold it exactly)
        let table = [
            ("100", 12, "100", true),
            ("100", 1, "1200", true),
            ("100", 3, "400", true),
            ("100", 24, "50", true),
            ("100", 36, "33.3333333333", true),
            ("0.01", 7, "0.0171428571", true),
            ("0.01", 13, "0.0092307692", true),
            ("0.01", 17, "0.0070588235", false),
            ("0.0000001", 1, "0.0000012", true),
            ("1.23456789012", 1, "14.8148146814", false),
        ];
        for (amount, months, arr, exact) in table {
            let amount: Decimal = amount.parse().unwrap();
            let got = annualise(amount, months, 8).unwrap();
            assert_eq!(reported(got, 8), arr.parse::<Decimal>().unwrap(), "{amount} per {months}");
            // exact: three of them make 3 × amount × 12 ÷ months to the part
            let thrice = Fixed::from_units(got.units() * 3 * i128::from(months));
            let want = amount * Decimal::from(36) * Decimal::from(PARTS as i64) * Decimal::from(100_000_000u64);
            let is_exact = Decimal::from_i128_with_scale(thrice.units(), 0) == want;
            assert_eq!(is_exact, exact, "{amount} per {months}");
        }
        assert_eq!(annualise(Decimal::MAX, 1, 10), None);
        assert_eq!(annualise(Decimal::ONE, 0, 10), None);
    }

    #[test]
    fn conversion_rounds_once_to_the_decimal_unit_and_keeps_same_currency_arr_exact() {
        let third = annualise(Decimal::from(100), 36, 8).unwrap();
        assert_eq!(convert(third, 8, Decimal::ONE, 8), Some(third));
        // 33.333… × 1.5 = 50 exactly; × 1.1 = 36.666…, rounded to 10⁻⁸ at the unit
        assert_eq!(reported(convert(third, 8, "1.5".parse().unwrap(), 8).unwrap(), 8), Decimal::from(50));
        let x = convert(third, 8, "1.1".parse().unwrap(), 8).unwrap();
        assert_eq!(reported(x, 8), "36.6666666700".parse::<Decimal>().unwrap());
        // a rate of 28 digits takes the `Decimal` path and agrees to the unit
        let long: Decimal = "1.100000000000000000000000000".parse().unwrap();
        assert_eq!(convert(third, 8, long, 8), Some(x));
        // yen (no minor unit) to dollars: 10,000 JPY at 0.0067 = 67 USD
        let yen = annualise(Decimal::from(10_000), 12, 6).unwrap();
        assert_eq!(reported(convert(yen, 6, "0.0067".parse().unwrap(), 8).unwrap(), 8), Decimal::from(67));
    }

    #[test]
    fn the_limit_is_ten_to_the_digits_in_whole_units() {
        let at = annualise(Decimal::from(10i64.pow(14)), 12, 8).unwrap();
        assert!(!exceeds_ten_to(at, 14, 8));
        let over = annualise(Decimal::from(10i64.pow(14)) + Decimal::new(1, 2), 12, 8).unwrap();
        assert!(exceeds_ten_to(over, 14, 8));
        assert!(reported(-at, 8) == -Decimal::from(10i64.pow(14)));
        // a currency of three decimals (scale 9): the limit in parts still fits, and so do
        // 10¹¹ of them, the most a book sums (see `MAX_ARR_DIGITS`)
        let dinar = annualise(Decimal::from(10i64.pow(14)), 12, 9).unwrap();
        assert!(!exceeds_ten_to(dinar, 14, 9) && exceeds_ten_to(dinar + Fixed::from_units(1), 14, 9));
        assert!(dinar.units().checked_mul(10i128.pow(11)).is_some());
        assert_eq!(to_minor(dinar, 9, 12).to_string(), "8333333333333.333");
    }
}
