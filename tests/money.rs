//! Behaviour of `money`: the ISO table, allocation, conversion, with properties.

use chrono::NaiveDate;
use proptest::prelude::*;
use revops::money::{allocate_minor_units, convert, InMemoryFxRates, RateLookup};
use revops::{Currency, Money, MoneyError, Percent};
use rust_decimal::Decimal;

/// (code, numeric, minor units) from ISO 4217 list one (SIX, amendments through 2025).
const ISO_VECTORS: &[(&str, u16, u32)] = &[
    ("USD", 840, 2),
    ("EUR", 978, 2),
    ("GBP", 826, 2),
    ("JPY", 392, 0),
    ("KRW", 410, 0),
    ("CLP", 152, 0),
    ("VND", 704, 0),
    ("ISK", 352, 0),
    ("XAF", 950, 0),
    ("XOF", 952, 0),
    ("XPF", 953, 0),
    ("PYG", 600, 0),
    ("UGX", 800, 0),
    ("RWF", 646, 0),
    ("BIF", 108, 0),
    ("DJF", 262, 0),
    ("GNF", 324, 0),
    ("KMF", 174, 0),
    ("VUV", 548, 0),
    ("UYI", 940, 0),
    ("BHD", 48, 3),
    ("IQD", 368, 3),
    ("JOD", 400, 3),
    ("KWD", 414, 3),
    ("LYD", 434, 3),
    ("OMR", 512, 3),
    ("TND", 788, 3),
    ("CLF", 990, 4),
    ("UYW", 927, 4),
    ("CHF", 756, 2),
    ("CAD", 124, 2),
    ("AUD", 36, 2),
    ("NZD", 554, 2),
    ("CNY", 156, 2),
    ("HKD", 344, 2),
    ("SGD", 702, 2),
    ("INR", 356, 2),
    ("BRL", 986, 2),
    ("MXN", 484, 2),
    ("ZAR", 710, 2),
    ("SEK", 752, 2),
    ("NOK", 578, 2),
    ("DKK", 208, 2),
    ("PLN", 985, 2),
    ("CZK", 203, 2),
    ("HUF", 348, 2),
    ("ILS", 376, 2),
    ("AED", 784, 2),
    ("SAR", 682, 2),
    ("TRY", 949, 2),
    ("IDR", 360, 2),
    ("THB", 764, 2),
    ("TWD", 901, 2),
    ("PHP", 608, 2),
    ("MYR", 458, 2),
    ("XCG", 532, 2),
    ("ZWG", 924, 2),
    ("SLE", 925, 2),
    ("VES", 928, 2),
    ("MRU", 929, 2),
    ("STN", 930, 2),
    ("ALL", 8, 2),
    ("DZD", 12, 2),
    ("XAD", 396, 2), // Arab Accounting Dinar, added to list one in 2025
];

#[test]
fn iso_4217_vectors() {
    for &(code, numeric, minor) in ISO_VECTORS {
        let c: Currency = code.parse().unwrap();
        assert_eq!((c.code(), c.numeric(), c.minor_units()), (code, numeric, minor), "{code}");
        assert_eq!(code.to_lowercase().parse::<Currency>().unwrap(), c);
    }
    assert!(Currency::all().len() >= 150, "the full active list, got {}", Currency::all().len());
}

#[test]
fn unknown_codes_are_errors() {
    assert_eq!("ABC".parse::<Currency>(), Err(MoneyError::UnknownCurrency("ABC".into())));
    assert!(Currency::from_numeric(999).is_err());
}

#[cfg(feature = "serde")]
#[test]
fn serde_uses_codes_and_decimal_strings() {
    let m = Money::parse("1234.50", Currency::EUR).unwrap();
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, r#"{"amount":"1234.50","currency":"EUR"}"#);
    assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    assert!(serde_json::from_str::<Money>(r#"{"amount":"1","currency":"XYZ"}"#).is_err());
}

#[test]
fn money_json_with_a_key_it_does_not_know_is_refused() {
    // a key the reader skipped could change what the amount means: $10,000 read from what the
    // sender meant as 10,000 cents
    let cents = r#"{"amount": "10000", "currency": "USD", "unit": "cents"}"#;
    let e = serde_json::from_str::<Money>(cents).unwrap_err().to_string();
    assert!(e.contains("unit"), "{e}");
    // the two keys it writes, in either order, still read
    let m: Money = serde_json::from_str(r#"{"currency": "USD", "amount": "100.00"}"#).unwrap();
    assert_eq!(m, Money::parse("100", Currency::USD).unwrap());
}

#[test]
fn money_json_with_an_amount_as_a_number_is_refused_not_read_through_a_binary_float() {
    // 99999999999999.99 as a JSON number is the float 99999999999999.984375: it was read as
    // 99999999999999.98 (and a longer one, 12345678901234567.89, as 12345678901234568)
    for number in ["99999999999999.99", "12345678901234567.89", "12.5", "100"] {
        let json = format!(r#"{{"amount": {number}, "currency": "USD"}}"#);
        let e = serde_json::from_str::<Money>(&json).unwrap_err().to_string();
        assert!(e.contains("invalid type"), "{number}: {e}");
        let text = format!(r#"{{"amount": "{number}", "currency": "USD"}}"#);
        let m: Money = serde_json::from_str(&text).unwrap();
        assert_eq!(m.amount().to_string(), number);
    }
}

#[test]
fn an_fx_rate_json_with_its_rate_as_a_number_is_refused_not_read_through_a_binary_float() {
    // a rate of twenty digits as a JSON number had lost its last four
    let number = r#"{"from": "EUR", "to": "USD", "rate": 1.0823456789012345678, "as_of": "2026-01-01"}"#;
    assert!(serde_json::from_str::<revops::money::FxRate>(number).is_err());
    let text = r#"{"from": "EUR", "to": "USD", "rate": "1.0823456789012345678", "as_of": "2026-01-01"}"#;
    let rate: revops::money::FxRate = serde_json::from_str(text).unwrap();
    assert_eq!(rate.rate().to_string(), "1.0823456789012345678");
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn fx_lookup_direct_inverse_triangulated_and_stale() {
    let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
    rates.insert(Currency::EUR, Currency::USD, d(2026, 3, 27), Decimal::new(125, 2)).unwrap();
    rates.insert(Currency::USD, Currency::GBP, d(2026, 3, 30), Decimal::new(8, 1)).unwrap();
    // Sunday 29th uses Friday's quote and says so.
    let c = convert(Money::parse("10", Currency::EUR).unwrap(), Currency::USD, d(2026, 3, 29), &rates).unwrap();
    assert_eq!(c.converted.amount(), Decimal::new(1250, 2));
    assert_eq!(c.rate.as_of(), d(2026, 3, 27));
    // Inverse: 1 USD = 0.8 EUR.
    let back = convert(Money::parse("10", Currency::USD).unwrap(), Currency::EUR, d(2026, 3, 29), &rates).unwrap();
    assert_eq!(back.converted.amount(), Decimal::new(800, 2));
    // Triangulated: EUR→USD→GBP = 1.25 × 0.8 = 1.0, dated by the older leg.
    let tri = convert(Money::parse("10", Currency::EUR).unwrap(), Currency::GBP, d(2026, 3, 30), &rates).unwrap();
    assert_eq!(tri.converted.amount(), Decimal::new(1000, 2));
    assert_eq!(tri.rate.as_of(), d(2026, 3, 27));
    // Stale beyond the policy, or exact-only: refused, not silently reused.
    assert!(convert(Money::zero(Currency::EUR), Currency::USD, d(2026, 4, 10), &rates).is_err());
    let exact = rates.clone().with_lookup(RateLookup::Exact);
    assert!(convert(Money::zero(Currency::EUR), Currency::USD, d(2026, 3, 29), &exact).is_err());
    assert!(rates.insert(Currency::EUR, Currency::USD, d(2026, 1, 1), Decimal::ZERO).is_err());
}

#[test]
fn converting_to_the_same_currency_never_changes_the_amount() {
    let rates = InMemoryFxRates::new(); // no rates at all: the identity needs none
    for text in ["1.005", "0.125", "-3.14159", "1234567.891011"] {
        let m = Money::parse(text, Currency::USD).unwrap();
        let c = convert(m, Currency::USD, d(2026, 1, 1), &rates).unwrap();
        assert_eq!(c.converted, m, "{text}");
        assert_eq!(c.converted.amount().to_string(), text, "{text} keeps its digits");
        assert_eq!(c.rate.rate(), Decimal::ONE);
    }
}

#[test]
fn ratios_are_equal_by_value() {
    use revops::money::Ratio;
    use std::collections::HashSet;
    let half = Ratio::new(1, 2).unwrap();
    assert_eq!(half, Ratio::new(2, 4).unwrap());
    assert_eq!(half, Ratio::new(-3, -6).unwrap());
    let set: HashSet<Ratio> = [Ratio::new(1, 2).unwrap(), Ratio::new(50, 100).unwrap()].into_iter().collect();
    assert_eq!(set.len(), 1, "equal ratios hash alike");
    assert_eq!(half.cmp(&Ratio::new(2, 4).unwrap()), std::cmp::Ordering::Equal);
}

#[test]
fn splitting_into_an_absurd_number_of_parts_is_an_error() {
    let m = Money::parse("100", Currency::USD).unwrap();
    for n in [usize::MAX, usize::MAX / 2, revops::limits::MAX_PARTS + 1] {
        assert!(matches!(m.split(n), Err(MoneyError::Limit(_))), "{n} parts");
    }
    assert_eq!(m.split(revops::limits::MAX_PARTS).unwrap().len(), revops::limits::MAX_PARTS);
}

#[test]
fn fx_rates_are_positive_by_construction() {
    use revops::money::FxRate;
    let day = d(2026, 1, 1);
    for bad in [Decimal::ZERO, Decimal::NEGATIVE_ONE, Decimal::new(-1, 28)] {
        assert!(matches!(FxRate::new(Currency::EUR, Currency::USD, bad, day), Err(MoneyError::InvalidRate { .. })));
    }
    assert!(FxRate::new(Currency::USD, Currency::USD, Decimal::TWO, day).is_err(), "a currency is worth itself");
    let ok = FxRate::new(Currency::EUR, Currency::USD, Decimal::new(108, 2), day).unwrap();
    assert_eq!((ok.from(), ok.to(), ok.rate(), ok.as_of()), (Currency::EUR, Currency::USD, Decimal::new(108, 2), day));
}

/// A rate source that answers with a rate of zero: refused where the rate is made.
#[test]
fn a_rate_source_cannot_hand_out_a_zero_rate() {
    use revops::money::{FxRate, FxRates};
    struct Broken;
    impl FxRates for Broken {
        fn rate(&self, from: Currency, to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
            FxRate::new(from, to, Decimal::ZERO, on)
        }
    }
    let r = convert(Money::parse("10", Currency::EUR).unwrap(), Currency::USD, d(2026, 1, 1), &Broken);
    assert!(matches!(r, Err(MoneyError::InvalidRate { .. })), "{r:?}");
}

#[cfg(feature = "serde")]
#[test]
fn json_cannot_build_an_invalid_rate_or_ratio() {
    use revops::money::{FxRate, Ratio};
    let zero_rate = r#"{"from":"EUR","to":"USD","rate":"0","as_of":"2026-01-01"}"#;
    assert!(serde_json::from_str::<FxRate>(zero_rate).is_err());
    let good = r#"{"from":"EUR","to":"USD","rate":"1.08","as_of":"2026-01-01"}"#;
    let rate: FxRate = serde_json::from_str(good).unwrap();
    assert_eq!(serde_json::from_str::<FxRate>(&serde_json::to_string(&rate).unwrap()).unwrap(), rate);
    assert!(serde_json::from_str::<Ratio>(r#"{"num":1,"den":0}"#).is_err());
    let r: Ratio = serde_json::from_str(r#"{"num":2,"den":4}"#).unwrap();
    assert_eq!(r, Ratio::new(1, 2).unwrap());
}

#[cfg(feature = "serde")]
#[test]
fn percents_read_and_write_one_form() {
    use revops::money::Percent;
    let p: Percent = serde_json::from_str(r#""7.5%""#).unwrap();
    assert_eq!(p.fraction(), Decimal::new(75, 3));
    assert_eq!(serde_json::to_string(&p).unwrap(), r#""7.5%""#);
    for bad in [r#""7.5""#, "7.5", "0.075", r#""x%""#, "null"] {
        assert!(serde_json::from_str::<Percent>(bad).is_err(), "{bad}");
    }
}

fn any_currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

proptest! {
    #[test]
    fn allocation_ties_exactly_and_stays_within_one_unit(
        total in -10_000_000_000i128..10_000_000_000i128,
        weights in prop::collection::vec(0u32..1_000_000, 1..60),
    ) {
        let w: Vec<Decimal> = weights.iter().map(|&x| Decimal::from(x)).collect();
        let sum: u64 = weights.iter().map(|&x| u64::from(x)).sum();
        match allocate_minor_units(total, &w) {
            Err(MoneyError::NoPositiveWeight(_)) => prop_assert_eq!(sum, 0),
            Err(e) => prop_assert!(false, "unexpected {e}"),
            Ok(parts) => {
                prop_assert_eq!(parts.iter().sum::<i128>(), total);
                for (p, &wi) in parts.iter().zip(&weights) {
                    // |part − exact share| < 1, checked in integers: |part·Σw − total·w| < Σw.
                    let gap = (p * sum as i128 - total * i128::from(wi)).abs();
                    prop_assert!(gap < sum as i128);
                    if wi == 0 { prop_assert_eq!(*p, 0); }
                }
            }
        }
    }

    #[test]
    fn money_allocation_ties_to_the_rounded_total(
        cents in -1_000_000_000_000i64..1_000_000_000_000,
        extra in 0i64..1000,
        c in any_currency(),
        weights in prop::collection::vec(0i64..10_000, 1..40),
    ) {
        // an amount with sub-minor digits: rounded once, then split exactly
        let amount = Money::new(Decimal::new(cents * 1000 + extra, c.minor_units() + 3), c);
        let w: Vec<Decimal> = weights.iter().map(|&x| Decimal::new(x, 2)).collect();
        if let Ok(parts) = amount.allocate(&w) {
            prop_assert_eq!(Money::sum(c, parts.iter().copied()).unwrap(), amount.round());
            prop_assert!(parts.iter().all(|p| p.is_rounded()));
        } else {
            prop_assert!(weights.iter().all(|&x| x == 0));
        }
    }

    #[test]
    fn split_parts_differ_by_at_most_one_unit(cents in -1_000_000_000i64..1_000_000_000, n in 1usize..100) {
        let parts = Money::from_minor_units(cents, Currency::USD).unwrap().split(n).unwrap();
        let units: Vec<i64> = parts.iter().map(|p| p.to_minor_units().unwrap()).collect();
        prop_assert_eq!(units.iter().sum::<i64>(), cents);
        let (lo, hi) = (units.iter().min().unwrap(), units.iter().max().unwrap());
        prop_assert!(hi - lo <= 1);
    }

    #[test]
    fn minor_units_round_trip(minor in any::<i64>(), c in any_currency()) {
        let m = Money::from_minor_units(minor, c).unwrap();
        prop_assert_eq!(m.to_minor_units().unwrap(), minor);
        prop_assert_eq!(m.round(), m);
    }

    #[test]
    fn conversion_round_trip_is_within_one_minor_unit(
        minor in -1_000_000_000_000i64..1_000_000_000_000,
        rate_milli in 1u32..5_000_000,
        from in any_currency(),
        to in any_currency(),
    ) {
        // When the target is at least as fine as the source at this rate (one source unit is
        // worth at least one target unit), going there and back lands within one minor unit.
        let rate = Decimal::new(i64::from(rate_milli), 3);
        let src_unit = Decimal::new(1, from.minor_units());
        let dst_unit = Decimal::new(1, to.minor_units());
        prop_assume!(from != to && src_unit * rate >= dst_unit);
        let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let mut rates = InMemoryFxRates::new();
        rates.insert(from, to, day, rate).unwrap();
        let original = Money::from_minor_units(minor, from).unwrap();
        let there = convert(original, to, day, &rates).unwrap().converted;
        let back = convert(there, from, day, &rates).unwrap().converted;
        let diff = back.checked_sub(original).unwrap().to_minor_units().unwrap().abs();
        prop_assert!(diff <= 1, "{original} -> {there} -> {back}");
    }

    #[test]
    fn conversion_round_trip_error_is_bounded_by_the_coarser_unit(
        minor in -1_000_000_000_000i64..1_000_000_000_000,
        rate_milli in 1u32..5_000_000,
        from in any_currency(),
        to in any_currency(),
    ) {
        // In general the error is at most half a target unit carried back, plus half a source unit.
        prop_assume!(from != to);
        let rate = Decimal::new(i64::from(rate_milli), 3);
        let day = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let mut rates = InMemoryFxRates::new();
        rates.insert(from, to, day, rate).unwrap();
        let original = Money::from_minor_units(minor, from).unwrap();
        let there = convert(original, to, day, &rates).unwrap().converted;
        let back = convert(there, from, day, &rates).unwrap().converted;
        let bound = Decimal::new(5, to.minor_units() + 1) / rate + Decimal::new(5, from.minor_units() + 1);
        let err = (back.amount() - original.amount()).abs();
        prop_assert!(err <= bound + Decimal::new(1, 20), "{original} -> {there} -> {back}, bound {bound}");
    }

    /// No public constructor or operation panics, whatever it is handed.
    #[test]
    fn nothing_panics_on_arbitrary_input(
        code in "\\PC{0,5}",
        numeric in any::<u16>(),
        mantissa in any::<i64>(),
        scale in 0u32..29,
        minor in any::<i64>(),
        weights in prop::collection::vec((any::<i64>(), 0u32..29), 0..8),
        n in 0usize..50,
        rate in (any::<i64>(), 0u32..29),
        c in any_currency(),
    ) {
        let _ = code.parse::<Currency>();
        let _ = Currency::from_numeric(numeric);
        let _ = Money::parse(&code, c);
        let m = Money::new(Decimal::new(mantissa, scale), c);
        let other = Money::new(Decimal::new(minor, scale), c);
        let w: Vec<Decimal> = weights.iter().map(|&(x, s)| Decimal::new(x, s)).collect();
        let _ = m.checked_add(other);
        let _ = m.checked_sub(other);
        let _ = m.checked_mul(Decimal::new(minor, 0));
        let _ = m.checked_div(Decimal::new(minor, scale));
        let _ = m.ratio(other);
        let _ = m.to_minor_units();
        let _ = Money::from_minor_units(minor, c);
        let _ = m.round().to_string();
        let _ = m.allocate(&w);
        let _ = m.split(n);
        let _ = allocate_minor_units(i128::from(minor) * i128::from(mantissa), &w);
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
        let _ = rates.insert(c, Currency::USD, day, Decimal::new(rate.0, rate.1));
        let _ = convert(m, Currency::EUR, day, &rates);
        let _ = convert(m, Currency::USD, day, &rates);
    }
}

/// Money reads from the text people write as well as from the object it writes.
#[cfg(feature = "serde")]
#[test]
fn money_reads_text_and_objects() {
    let m = Money::parse("1234.50", Currency::USD).unwrap();
    for json in [r#""USD 1,234.50""#, r#""1234.50 USD""#, r#"{"amount":"1234.50","currency":"USD"}"#] {
        assert_eq!(serde_json::from_str::<Money>(json).unwrap(), m, "{json}");
    }
    assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"amount":"1234.50","currency":"USD"}"#);
    for bad in [r#""1234.50""#, r#"{"amount":"1"}"#, r#"{"amount":"1","currency":"USD","amount":"2"}"#, "12"] {
        assert!(serde_json::from_str::<Money>(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_decimal_with_more_digits_than_a_decimal_holds_is_refused_not_rounded() {
    // 29 places: rust_decimal's reader rounds them (to zero here); every reader of the crate
    // refuses them, as text, as JSON, and inside a price's JSON
    let tiny = "0.00000000000000000000000000001";
    assert!(format!("USD {tiny}").parse::<Money>().is_err());
    assert!(serde_json::from_str::<Money>(&format!(r#"{{"amount":"{tiny}","currency":"USD"}}"#)).is_err());
    assert!(serde_json::from_str::<Money>(&format!(r#""USD {tiny}""#)).is_err());
    assert!(format!("{tiny}%").parse::<Percent>().is_err());
    assert!(serde_json::from_str::<Percent>(&format!(r#""{tiny}%""#)).is_err());
    assert!("USD 0.123456789012345678901234567891".parse::<Money>().is_err());
    let tier = format!(r#"{{"up_to":"{tiny}","unit_price":"USD 1","flat_fee":"USD 0"}}"#);
    assert!(serde_json::from_str::<revops::pricing::Tier>(&tier).is_err());
    // what a Decimal holds reads to the last digit, in every form
    let most = "0.0000000000000000000000000001";
    assert_eq!(format!("USD {most}").parse::<Money>().unwrap().amount(), Decimal::new(1, 28));
    assert_eq!(serde_json::from_str::<Money>(&format!(r#""USD {most}""#)).unwrap().amount(), Decimal::new(1, 28));
    // exponents and `_` are not how money is written
    for odd in ["USD 1e3", "USD 1_000.00", "USD 1E3"] {
        assert!(odd.parse::<Money>().is_err(), "{odd}");
    }
    assert!("1e2%".parse::<Percent>().is_err() && "1_0%".parse::<Percent>().is_err());
}

#[test]
fn money_percent_and_month_print_whole_under_any_width_and_precision() {
    // `Formatter::pad` reads a precision as a maximum width: `{:.2}` of money printed "US"
    let m = Money::parse("1234.567", Currency::USD).unwrap();
    assert_eq!(format!("{m:.2}"), "USD 1,234.57");
    assert_eq!(format!("{m:.2}").parse::<Money>().unwrap(), m.round());
    assert_eq!(format!("{m:>16}"), "   USD 1,234.567");
    assert_eq!(format!("{m:*<16.1}"), "USD 1,234.6*****");
    let month = revops::Month::new(2026, 3).unwrap();
    assert_eq!(format!("{month:.2}"), "2026-03");
    assert_eq!(format!("{month:>9}"), "  2026-03");
    // a negative year has four digits after its sign, as the docs say, and parses back
    for (year, text) in [(-5, "-0005-01"), (-2026, "-2026-01"), (5, "0005-01"), (12026, "12026-01")] {
        let m = revops::Month::new(year, 1).unwrap();
        assert_eq!(m.to_string(), text);
        assert_eq!(text.parse::<revops::Month>().unwrap(), m);
    }
    let p: Percent = "7.5%".parse().unwrap();
    assert_eq!(format!("{p:>6}"), "  7.5%");
    assert_eq!(format!("{p:-<6.2}"), "7.50%-");
}

#[test]
fn a_conversion_rounds_once_from_the_exact_product_however_many_places_it_has() {
    // EUR 0.0100000000000000000000000001 at 0.5 is USD 0.00500000000000000000000000005: above
    // half a cent. Rounded to 28 places first it reads 0.0050000000000000000000000000, a tie,
    // which half-to-even takes down.
    let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, day, Decimal::new(5, 1)).unwrap();
    let eur = Money::new("0.0100000000000000000000000001".parse().unwrap(), Currency::EUR);
    assert_eq!(
        convert(eur, Currency::USD, day, &rates).unwrap().converted,
        Money::parse("0.01", Currency::USD).unwrap()
    );
    // and Money::mul_round, which it rounds with: a line of ⅔ of a unit at $0.0075
    let two_thirds = Decimal::TWO / Decimal::from(3);
    let price = Money::parse("0.0075", Currency::USD).unwrap();
    assert_eq!(price.mul_round(two_thirds).unwrap(), Money::parse("0.01", Currency::USD).unwrap());
    assert_eq!(
        Money::parse("2.5", Currency::USD).unwrap().mul_round(Decimal::new(1, 2)).unwrap().to_string(),
        "USD 0.02"
    );
    assert_eq!(Money::parse("-1.5", Currency::JPY).unwrap().mul_round(Decimal::ONE).unwrap().to_string(), "JPY -2");
}

#[test]
fn a_ratio_of_a_long_amount_is_rounded_once_not_refused_as_an_overflow() {
    // $100 ÷ 3 carried to 26 places, times 10¹⁰ ÷ (10¹⁰ + 1): the product of the mantissa and
    // the numerator passes i128, the result is $33.33
    let third = Money::parse("100", Currency::USD).unwrap().checked_div(Decimal::from(3)).unwrap();
    let ratio = revops::money::Ratio::new(10_000_000_000, 10_000_000_001).unwrap();
    assert_eq!(third.mul_ratio(ratio).unwrap(), Money::parse("33.33", Currency::USD).unwrap());
    let yen = Money::new(Decimal::new(1, 0).checked_div(Decimal::from(7)).unwrap(), Currency::JPY);
    let near_one = revops::money::Ratio::new(1_000_000_000_000, 1_000_000_000_001).unwrap();
    assert_eq!(yen.mul_ratio(near_one).unwrap(), Money::parse("0", Currency::JPY).unwrap());
}

#[test]
fn exact_decimal_text_in_every_form_reads_and_an_empty_optional_reads_as_none() {
    // scientific text a Decimal holds exactly loads, however its digits are spread; zeros that
    // change nothing do not make it too long
    for (text, want) in [
        ("1.0e-28", Decimal::new(1, 28)),
        ("0.10e-27", Decimal::new(1, 28)),
        ("1000e-31", Decimal::new(1, 28)),
        ("0.1e29", "10000000000000000000000000000".parse().unwrap()),
        ("-2.50e1", Decimal::new(-25, 0)),
    ] {
        let json = format!(r#"{{"from":"USD","to":"EUR","rate":"{text}","as_of":"2026-01-01"}}"#);
        let rate = serde_json::from_str::<revops::money::FxRate>(&json);
        if want > Decimal::ZERO {
            assert_eq!(rate.unwrap().rate(), want, "{text}");
        }
        let m = serde_json::from_str::<Money>(&format!(r#"{{"amount":"{text}","currency":"USD"}}"#)).unwrap();
        assert_eq!(m.amount(), want, "{text}");
    }
    // what is written keeps its places: "12.50" reads back as 12.50
    let m = serde_json::from_str::<Money>(r#"{"amount":"12.50","currency":"USD"}"#).unwrap();
    assert_eq!(m.amount().scale(), 2);
    for odd in ["1_000.5", "1e", "1e+", "--1", "1.2.3", "", "."] {
        assert!(serde_json::from_str::<Money>(&format!(r#"{{"amount":"{odd}","currency":"USD"}}"#)).is_err(), "{odd}");
    }
    // an optional decimal given as "" is none, as rust_decimal's reader took it
    let row = r#"{"id":"e1","customer":"c","subscription":"s","date":"2026-01-01","kind":"cancel","price":"","amount_off":""}"#;
    let row: revops::arr::ArrEventRow = serde_json::from_str(row).unwrap();
    assert_eq!((row.price, row.amount_off), (None, None));
}

#[test]
fn a_large_conversion_that_fits_a_decimal_still_converts() {
    // USD 10²⁷ at 1.1 is EUR 1.1 × 10²⁷: 1.1 × 10²⁹ cents pass 96 bits, the euros do not
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::USD, Currency::EUR, day, Decimal::new(11, 1)).unwrap();
    let m = Money::new("1000000000000000000000000000".parse().unwrap(), Currency::USD);
    let want = Money::new("1100000000000000000000000000".parse().unwrap(), Currency::EUR);
    assert_eq!(convert(m, Currency::EUR, day, &rates).unwrap().converted, want);
    assert_eq!(Money::from_minor_units_i128(110_000_000_000_000_000_000_000_000_000, Currency::EUR).unwrap(), want);
}

#[test]
fn decimal_text_keeps_the_places_it_is_written_with_wherever_they_fit() {
    // (text, places read): zero keeps its places; a 29-digit mantissa that fits keeps its zero
    let cases = [
        ("0.00", 2u32),
        ("0.000", 3),
        ("-0.00", 2),
        ("0.0e-28", 28),
        ("0e-1000000000", 28),
        ("12.50", 2),
        ("1.0000000000000000000000000000", 28),
        ("5345334791371355421261407945.0", 1),
        ("10000000000000000000000000.000", 3),
        ("79228162514264337593543950335.00", 0), // Decimal::MAX: its zero cents do not fit
    ];
    for (text, places) in cases {
        let m: Money = serde_json::from_str(&format!(r#"{{"amount":"{text}","currency":"USD"}}"#)).unwrap();
        assert_eq!(m.amount().scale(), places, "{text}");
        let once = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::to_string(&serde_json::from_str::<Money>(&once).unwrap()).unwrap(), once, "{text}");
    }
    assert_eq!("USD 0.00".parse::<Money>().unwrap().amount().scale(), 2);
}

#[test]
fn a_rate_read_as_the_inverse_of_a_quote_converts_as_a_division_rounded_once() {
    // 1 EUR = 1.2 USD quoted; USD 12.09 is exactly EUR 10.075 (12.09 ÷ 1.2), half to even EUR 10.08.
    // Multiplying by 1 ÷ 1.2 cut to 28 places (0.8333…3) gives 10.07499…, which rounds to 10.07.
    let day = d(2026, 3, 31);
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, day, Decimal::new(12, 1)).unwrap();
    let c = convert(Money::parse("12.09", Currency::USD).unwrap(), Currency::EUR, day, &rates).unwrap();
    assert_eq!(c.converted, Money::parse("10.08", Currency::EUR).unwrap());
    assert_eq!(c.rate.rate(), Decimal::ONE / Decimal::new(12, 1)); // the getter still reads the rate
}

#[test]
fn a_triangulated_rate_with_an_inverse_leg_converts_exactly_rounded_once() {
    // Quotes 1 USD = 1.2 EUR and 1 USD = 12.5 JPY; EUR→JPY through USD is 12.5 ÷ 1.2 = 10.41666…
    // EUR 0.72 is exactly JPY 7.5 (0.72 × 12.5 ÷ 1.2), half to even JPY 8, not 7.
    let day = d(2026, 3, 31);
    let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
    rates.insert(Currency::USD, Currency::EUR, day, Decimal::new(12, 1)).unwrap();
    rates.insert(Currency::USD, Currency::JPY, day, Decimal::new(125, 1)).unwrap();
    let c = convert(Money::parse("0.72", Currency::EUR).unwrap(), Currency::JPY, day, &rates).unwrap();
    assert_eq!(c.converted, Money::parse("8", Currency::JPY).unwrap());
}

#[test]
fn a_rate_source_that_answers_for_another_pair_is_named_in_the_error() {
    use revops::money::{FxRate, FxRates};
    // asked USD→EUR, the source answers USD→GBP: the error names EUR and GBP, not "USD and USD"
    struct OtherTarget;
    impl FxRates for OtherTarget {
        fn rate(&self, from: Currency, _to: Currency, on: NaiveDate) -> Result<FxRate, MoneyError> {
            FxRate::new(from, Currency::GBP, Decimal::new(8, 1), on)
        }
    }
    let err =
        convert(Money::parse("1", Currency::USD).unwrap(), Currency::EUR, d(2026, 1, 1), &OtherTarget).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("EUR") && text.contains("GBP"), "{text}");
}

#[cfg(feature = "serde")]
#[test]
fn an_fx_rate_json_whose_quotient_reads_as_zero_is_refused() {
    use revops::money::FxRate;
    // 10⁻²⁸ ÷ (2⁹⁶ − 1) is positive but reads 0 at 28 places: a rate that would book $0
    let tiny = r#"{"from":"EUR","to":"USD","rate":"0","exact":{"dividend":"0.0000000000000000000000000001","divisor":"79228162514264337593543950335"},"as_of":"2026-01-01"}"#;
    assert!(serde_json::from_str::<FxRate>(tiny).is_err());
    let inverse = r#"{"from":"USD","to":"EUR","rate":"0.8333333333333333333333333333","exact":{"dividend":"1","divisor":"1.2"},"as_of":"2026-01-01"}"#;
    let rate: FxRate = serde_json::from_str(inverse).unwrap();
    assert_eq!(rate.rate(), Decimal::ONE / Decimal::new(12, 1));
    assert_eq!(serde_json::from_str::<FxRate>(&serde_json::to_string(&rate).unwrap()).unwrap(), rate);
    assert!(serde_json::from_str::<FxRate>(&inverse.replace("1.2", "-1.2")).is_err());
}

#[cfg(feature = "serde")]
#[test]
fn an_fx_rate_json_with_a_bad_divisor_names_the_rate_it_would_be() {
    use revops::money::FxRate;
    // 1 ÷ -1.2 is the rate -0.833…: the error must not say "got 1", a valid rate
    let negative = r#"{"from":"USD","to":"EUR","rate":"0.8333333333333333333333333333","exact":{"dividend":"1","divisor":"-1.2"},"as_of":"2026-01-01"}"#;
    let err = serde_json::from_str::<FxRate>(negative).unwrap_err().to_string();
    assert!(err.contains("-0.83"), "{err}");
    // a quotient reading as zero is reported as 0, not as its positive numerator
    let tiny = r#"{"from":"EUR","to":"USD","rate":"0","exact":{"dividend":"0.0000000000000000000000000001","divisor":"79228162514264337593543950335"},"as_of":"2026-01-01"}"#;
    let err = serde_json::from_str::<FxRate>(tiny).unwrap_err().to_string();
    assert!(err.contains("got 0") && !err.contains("0.0000000000000000000000000001"), "{err}");
}

proptest! {
    /// Through an inverse quote, the result is the exact quotient rounded half to even once:
    /// |amount − r × q| ≤ half a cent × q, and a tie lands on an even cent.
    #[test]
    fn an_inverse_rate_converts_to_the_nearest_cent_of_the_exact_quotient(
        q in 1i64..1_000_000_000, q_scale in 0u32..9, cents in -10_000_000_000i64..10_000_000_000,
    ) {
        let day = d(2026, 3, 31);
        let q = Decimal::new(q, q_scale);
        let mut rates = InMemoryFxRates::new();
        rates.insert(Currency::EUR, Currency::USD, day, q).unwrap();
        let amount = Decimal::new(cents, 2);
        let r = convert(Money::new(amount, Currency::USD), Currency::EUR, day, &rates).unwrap().converted.amount();
        let diff = (amount - r * q).abs();
        let half = q * Decimal::new(5, 3);
        prop_assert!(diff <= half, "{amount} / {q} -> {r}");
        if diff == half {
            prop_assert!((r * Decimal::from(100)) % Decimal::TWO == Decimal::ZERO, "tie {amount} / {q} -> {r}");
        }
    }
}

#[test]
fn an_inverse_rate_that_divides_exactly_is_the_plain_rate() {
    use revops::money::FxRate;
    // 1 EUR = 0.5 USD quoted: USD→EUR is exactly 2, equal to the quote of 2 it always was
    let day = d(2026, 3, 31);
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, day, Decimal::new(5, 1)).unwrap();
    let c = convert(Money::parse("10", Currency::USD).unwrap(), Currency::EUR, day, &rates).unwrap();
    assert_eq!(c.rate, FxRate::new(Currency::USD, Currency::EUR, Decimal::TWO, day).unwrap());
    #[cfg(feature = "serde")]
    assert!(!serde_json::to_string(&c.rate).unwrap().contains("exact"));
}

/// An inverse rate's JSON states the rate itself, to 28 places, as every rate's does, with the
/// exact quotient beside it: a reader that ignores the exact parts reads the rate, not the
/// dividend 1; and a `"rate"` that is not the exact parts' quotient is refused, so the two can
/// never say different things.
#[cfg(feature = "serde")]
#[test]
fn an_inverse_rate_in_json_states_the_rate_itself_beside_its_exact_parts() {
    let day = d(2026, 3, 31);
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, day, Decimal::new(12, 1)).unwrap();
    let c = convert(Money::parse("12.09", Currency::USD).unwrap(), Currency::EUR, day, &rates).unwrap();
    let json: serde_json::Value = serde_json::to_value(c.rate).unwrap();
    assert_eq!(json["rate"], "0.8333333333333333333333333333");
    assert_eq!((json["exact"]["dividend"].as_str(), json["exact"]["divisor"].as_str()), (Some("1"), Some("1.2")));
    let text = json.to_string();
    assert_eq!(serde_json::from_str::<revops::money::FxRate>(&text).unwrap(), c.rate);
    let tampered = text.replace("0.8333333333333333333333333333", "1");
    assert!(serde_json::from_str::<revops::money::FxRate>(&tampered).is_err());
}

/// Of a pair's direct quote, its inverse and (with a base) its triangulation, the freshest
/// within the stale limit is used; equally fresh, the direct quote wins, then the inverse.
#[test]
fn fx_uses_the_freshest_quote_direct_inverse_or_triangulated_and_prefers_direct_when_equally_fresh() {
    let on = d(2026, 3, 31);
    let eur10 = || Money::parse("10", Currency::EUR).unwrap();
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    // direct EUR/USD 1.10, inverse USD/EUR 0.8 (EUR/USD 1.25): EUR 10 is USD 11.00 or 12.50
    let table = |direct: NaiveDate, inverse: NaiveDate| {
        let mut r = InMemoryFxRates::new(); // stale limit: 7 days
        r.insert(Currency::EUR, Currency::USD, direct, Decimal::new(110, 2)).unwrap();
        r.insert(Currency::USD, Currency::EUR, inverse, Decimal::new(8, 1)).unwrap();
        r
    };
    // a direct quote 3 days old against an inverse of today: the inverse, USD 12.50
    let c = convert(eur10(), Currency::USD, on, &table(d(2026, 3, 28), on)).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("12.50"), on));
    // one day apart, either way: the newer
    let c = convert(eur10(), Currency::USD, on, &table(d(2026, 3, 30), on)).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("12.50"), on));
    let c = convert(eur10(), Currency::USD, on, &table(on, d(2026, 3, 30))).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("11.00"), on));
    // equally fresh: the direct quote
    let c = convert(eur10(), Currency::USD, on, &table(on, on)).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("11.00"), on));
    let c = convert(eur10(), Currency::USD, on, &table(d(2026, 3, 24), d(2026, 3, 24))).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("11.00"), d(2026, 3, 24)));
    // the stale limit exactly reached (7 days) is still fresh; 8 days is stale on either side
    let c = convert(eur10(), Currency::USD, on, &table(d(2026, 3, 24), d(2026, 3, 23))).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("11.00"), d(2026, 3, 24)));
    let c = convert(eur10(), Currency::USD, on, &table(d(2026, 3, 23), d(2026, 3, 24))).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (usd("12.50"), d(2026, 3, 24)));
    let err = convert(eur10(), Currency::USD, on, &table(d(2026, 3, 23), d(2026, 3, 23))).unwrap_err();
    assert!(matches!(err, MoneyError::RateNotFound { .. }), "{err}");
    // under an exact-date lookup, a quote of another day is not used at all
    let exact = table(d(2026, 3, 30), on).with_lookup(RateLookup::Exact);
    assert_eq!(convert(eur10(), Currency::USD, on, &exact).unwrap().converted, usd("12.50"));
}

#[test]
fn fx_triangulates_through_the_base_when_that_is_fresher_than_the_pairs_own_quote() {
    let on = d(2026, 3, 31);
    let eur10 = || Money::parse("10", Currency::EUR).unwrap();
    let gbp = |s: &str| Money::parse(s, Currency::GBP).unwrap();
    // EUR/GBP 0.90 quoted directly on `direct`; EUR/USD 1.25 and USD/GBP 0.8 (EUR/GBP 1.0) on `legs`
    let table = |direct: NaiveDate, legs: [NaiveDate; 2]| {
        let mut r = InMemoryFxRates::new().with_base(Currency::USD);
        r.insert(Currency::EUR, Currency::GBP, direct, Decimal::new(90, 2)).unwrap();
        r.insert(Currency::EUR, Currency::USD, legs[0], Decimal::new(125, 2)).unwrap();
        r.insert(Currency::USD, Currency::GBP, legs[1], Decimal::new(8, 1)).unwrap();
        r
    };
    // a direct quote 5 days old against legs of today: triangulated, GBP 10.00
    let c = convert(eur10(), Currency::GBP, on, &table(d(2026, 3, 26), [on, on])).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (gbp("10.00"), on));
    // a triangulation is as fresh as its older leg: one leg a day older than the direct quote loses
    let c = convert(eur10(), Currency::GBP, on, &table(on, [on, d(2026, 3, 30)])).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (gbp("9.00"), on));
    let c = convert(eur10(), Currency::GBP, on, &table(d(2026, 3, 29), [on, d(2026, 3, 30)])).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (gbp("10.00"), d(2026, 3, 30)));
    // equally fresh: the pair's own quote
    let c = convert(eur10(), Currency::GBP, on, &table(d(2026, 3, 30), [on, d(2026, 3, 30)])).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (gbp("9.00"), d(2026, 3, 30)));
    // a leg exactly at the stale limit counts; one a day past it does not
    let c = convert(eur10(), Currency::GBP, on, &table(d(2026, 3, 20), [on, d(2026, 3, 24)])).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (gbp("10.00"), d(2026, 3, 24)));
    let err = convert(eur10(), Currency::GBP, on, &table(d(2026, 3, 20), [on, d(2026, 3, 23)])).unwrap_err();
    assert!(matches!(err, MoneyError::RateNotFound { .. }), "{err}");
    // each leg is itself the fresher of its direct and inverse quote: GBP/USD 1.6 today beats
    // USD/GBP 0.8 of 3 days ago, so EUR/GBP is 1.25 ÷ 1.6 = 0.78125, EUR 10 is GBP 7.8125, GBP 7.81
    let mut r = table(d(2026, 3, 26), [on, d(2026, 3, 28)]);
    r.insert(Currency::GBP, Currency::USD, on, Decimal::new(16, 1)).unwrap();
    let c = convert(eur10(), Currency::GBP, on, &r).unwrap();
    assert_eq!((c.converted, c.rate.as_of()), (gbp("7.81"), on));
}

/// A `Conversion` read from JSON must be what `convert` could have produced: the original in the
/// rate's source currency, the converted amount in its target currency, and that amount the
/// exact product rounded to the target's minor unit (either way: the rounding strategy is the
/// caller's, see `convert_with`, and is not recorded).
#[cfg(feature = "serde")]
#[test]
fn a_conversion_json_whose_amount_or_currencies_disagree_with_its_rate_is_refused() {
    use revops::money::Conversion;
    use serde_json::{json, Value};
    let day = d(2026, 3, 31);
    let mut rates = InMemoryFxRates::new();
    rates.insert(Currency::EUR, Currency::USD, day, "1.0825".parse().unwrap()).unwrap();
    // EUR 99.99 × 1.0825 = USD 108.239175: USD 108.24 half to even, USD 108.23 toward zero
    let c = convert(Money::parse("99.99", Currency::EUR).unwrap(), Currency::USD, day, &rates).unwrap();
    let good: Value = serde_json::to_value(c).unwrap();
    assert_eq!(good["converted"], json!({"amount": "108.24", "currency": "USD"}));
    assert_eq!(serde_json::from_value::<Conversion>(good.clone()).unwrap(), c);
    let with = |path: [&str; 2], v: &str| {
        let mut j = good.clone();
        j[path[0]][path[1]] = json!(v);
        j
    };
    let down = with(["converted", "amount"], "108.23");
    assert!(serde_json::from_value::<Conversion>(down).is_ok(), "rounded the other way: another strategy");
    for (what, j) in [
        ("a cent off", with(["converted", "amount"], "108.25")),
        ("a dollar off", with(["converted", "amount"], "109.24")),
        ("not rounded to the cent", with(["converted", "amount"], "108.239")),
        ("converted into another currency", with(["converted", "currency"], "GBP")),
        ("an original in another currency", with(["original", "currency"], "GBP")),
        ("a rate from another currency", with(["rate", "from"], "GBP")),
        ("a rate into another currency", with(["rate", "to"], "GBP")),
    ] {
        let err = serde_json::from_value::<Conversion>(j).expect_err(what).to_string();
        assert!(err.contains("conversion"), "{what}: {err}");
    }
    // an identity conversion keeps the amount unrounded, and changes nothing
    let same = convert(Money::parse("1.005", Currency::USD).unwrap(), Currency::USD, day, &rates).unwrap();
    let j = serde_json::to_value(same).unwrap();
    assert_eq!(serde_json::from_value::<Conversion>(j.clone()).unwrap(), same);
    let mut changed = j.clone();
    changed["converted"]["amount"] = json!("1.01");
    assert!(serde_json::from_value::<Conversion>(changed).is_err());
}

/// An attainment of 7.9e26 or more (a fraction whose points, × 100, pass `Decimal::MAX`) was
/// written as `Decimal::MAX` points, "79228162514264337593543950335%", and read back as a
/// hundredth of itself. Every percent the type holds is written exactly and reads back equal.
#[cfg(feature = "serde")]
#[test]
fn a_percent_too_large_for_its_points_in_a_decimal_is_written_exactly_and_reads_back() {
    use std::str::FromStr;
    let over = Decimal::from_str("792281625142643375935439504").unwrap(); // × 100 passes Decimal::MAX
    let cases = [
        (Decimal::MAX, "7922816251426433759354395033500%"),
        (Decimal::MIN, "-7922816251426433759354395033500%"),
        (over, "79228162514264337593543950400%"),
        (Decimal::from_str("792281625142643375935439503.35").unwrap(), "79228162514264337593543950335%"),
        (Decimal::from_str("79228162514264337593543950.5").unwrap(), "7922816251426433759354395050%"),
    ];
    for (fraction, text) in cases {
        let p = Percent::from_fraction(fraction);
        assert_eq!(p.to_string(), text);
        assert_eq!(text.parse::<Percent>().unwrap(), p, "{text}");
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<Percent>(&json).unwrap(), p, "{json}");
    }
    // with a precision the places are zeros (the points are whole)
    assert_eq!(format!("{:.2}", Percent::from_fraction(Decimal::MAX)), "7922816251426433759354395033500.00%");
    // past what a Decimal fraction holds is still refused, not rounded
    assert!("7922816251426433759354395033600%".parse::<Percent>().is_err());
    let places = |n: usize| format!("0.{}1%", "0".repeat(n - 1));
    assert_eq!(places(26).parse::<Percent>().unwrap().fraction(), Decimal::new(1, 28));
    assert!(places(27).parse::<Percent>().is_err()); // a fraction of 29 places
}

#[cfg(feature = "serde")]
proptest! {
    /// Every percent the type holds, whatever its digits and places, is written as text that
    /// reads back as the same percent, through `Display`/`FromStr` and through JSON.
    #[test]
    fn every_percent_reads_back_from_its_text_and_json(
        lo in any::<u64>(), hi in any::<u32>(), negative in any::<bool>(), scale in 0u32..=28,
    ) {
        let mut fraction = Decimal::from_parts(lo as u32, (lo >> 32) as u32, hi, false, scale);
        fraction.set_sign_negative(negative);
        let p = Percent::from_fraction(fraction);
        prop_assert_eq!(p.to_string().parse::<Percent>().unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<Percent>(&json).unwrap(), p);
    }
}

#[test]
fn a_large_total_split_by_weights_carried_to_28_places_ties_instead_of_overflowing() {
    // $10bn (10^12 cents) by shares 1/3 and 2/3 computed in Decimal (28 places), as an SSP share
    // is. Largest remainder (Hamilton): exact shares 333,333,333,333.33… and 666,666,666,666.66…;
    // floors 333,333,333,333 and 666,666,666,666, the one unit left to the larger remainder.
    let third = Decimal::ONE / Decimal::from(3); // 0.3333333333333333333333333333
    let two_thirds = Decimal::TWO / Decimal::from(3); // 0.6666666666666666666666666667
    let parts = allocate_minor_units(1_000_000_000_000, &[third, two_thirds]).unwrap();
    assert_eq!(parts, [333_333_333_333, 666_666_666_667]);
    let mirrored = allocate_minor_units(-1_000_000_000_000, &[third, two_thirds]).unwrap();
    assert_eq!(mirrored, [-333_333_333_333, -666_666_666_667]);
    // the same through Money: USD 10,000,000,000.00
    let total = Money::from_minor_units(1_000_000_000_000, Currency::USD).unwrap();
    let split = total.allocate(&[third, two_thirds]).unwrap();
    assert_eq!(
        split,
        [Money::parse("3333333333.33", Currency::USD).unwrap(), Money::parse("6666666666.67", Currency::USD).unwrap()]
    );
}

proptest! {
    #[test]
    fn allocation_by_long_weights_ties_for_any_total_a_money_amount_holds(
        total in -(10i128.pow(30))..10i128.pow(30),
        weights in prop::collection::vec(0u64..(1u64 << 60), 1..8),
    ) {
        // weights of 28 places (shares computed by division), any total in minor units a
        // Decimal amount can hold: the parts sum back, each within one unit of its share
        let w: Vec<Decimal> = weights.iter().map(|&x| Decimal::from_i128_with_scale(i128::from(x), 28)).collect();
        let parts = allocate_minor_units(total, &w);
        if weights.iter().all(|&x| x == 0) {
            prop_assert_eq!(parts, Err(MoneyError::NoPositiveWeight(weights.len())));
        } else {
            let parts = parts.unwrap();
            prop_assert_eq!(parts.iter().sum::<i128>(), total);
            let sum: u128 = weights.iter().map(|&x| u128::from(x)).sum();
            for (p, &wi) in parts.iter().zip(&weights) {
                // |part − total·w/Σw| < 1, i.e. part is floor or ceil of the exact share
                let exact_floor = (total.unsigned_abs() / sum) * u128::from(wi)
                    + (total.unsigned_abs() % sum) * u128::from(wi) / sum;
                let magnitude = p.unsigned_abs();
                prop_assert!(magnitude == exact_floor || magnitude == exact_floor + 1);
                prop_assert!(*p == 0 || (*p < 0) == (total < 0));
            }
        }
    }
}

#[test]
fn a_comma_after_a_leading_zero_is_not_a_thousands_separator_and_is_refused() {
    // "0,123" and "00,123" are no thousands grouping (a grouped number never starts with a zero
    // group); in a decimal-comma locale "0,123" is 0.123, so reading it as 123 would be 1000× off
    for bad in ["USD 0,123", "USD 00,123", "0,123.50 USD", "EUR -0,500", "USD 01,234"] {
        assert!(bad.parse::<Money>().is_err(), "{bad:?} must be refused");
        let json = format!("{bad:?}");
        assert!(serde_json::from_str::<Money>(&json).is_err(), "{json} must be refused");
    }
    // grouping that is well formed still reads
    assert_eq!("USD 1,234".parse::<Money>().unwrap(), Money::parse("1234", Currency::USD).unwrap());
    assert_eq!("USD 100,000.5".parse::<Money>().unwrap(), Money::parse("100000.5", Currency::USD).unwrap());
    assert_eq!("USD 0.5".parse::<Money>().unwrap(), Money::parse("0.5", Currency::USD).unwrap());
}

#[test]
fn a_compact_figure_that_rounds_up_to_a_thousand_of_its_unit_moves_to_the_next_unit() {
    // compact shows thousands, millions, billions with one decimal: 999,950 is 999.95K, which
    // rounds (half to even, one place) to 1,000.0K, and a thousand thousands is 1.0M
    use revops::money::MoneyFormat;
    let short = MoneyFormat::new().symbol().compact();
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    assert_eq!(short.format(usd("999950")), "$1.0M");
    assert_eq!(short.format(usd("999999")), "$1.0M");
    assert_eq!(short.format(usd("-999960")), "-$1.0M");
    assert_eq!(short.format(usd("999.96")), "$1.0K");
    assert_eq!(short.format(usd("999999950")), "$1.0B");
    assert_eq!(short.places(0).format(usd("999500")), "$1M"); // 999.5K to even: 1000K
                                                              // below the edge nothing moves
    assert_eq!(short.format(usd("999949")), "$999.9K");
    assert_eq!(short.format(usd("999.94")), "$999.9");
    assert_eq!(short.places(0).format(usd("998500")), "$998K"); // 998.5K to even: 998K
                                                                // past the largest unit there is none to move to
    assert_eq!(short.format(usd("999999999999")), "$1,000.0B");
}

#[test]
fn a_finite_f64_fraction_too_large_for_a_percent_is_named_as_out_of_range_not_as_not_finite() {
    // 1e30 is a finite number; it is refused because a Decimal (so a Percent) stops near 7.9e28
    let err = Percent::try_from_f64_fraction("win probability", 1e30).unwrap_err();
    assert!(!matches!(err, MoneyError::NotFinite(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("win probability") && text.contains("1000000000000000000000000000000"), "{text}");
    assert!(!text.contains("not a finite"), "{text}");
    // NaN and infinities still say so
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(Percent::try_from_f64_fraction("p", x), Err(MoneyError::NotFinite("p".into())));
    }
    assert_eq!(
        Percent::try_from_f64_fraction("p", -1e30).map_err(|e| matches!(e, MoneyError::NotFinite(_))),
        Err(false)
    );
    assert_eq!(Percent::try_from_f64_fraction("p", 0.075).unwrap(), "7.5%".parse().unwrap());
}

#[test]
fn a_sum_within_range_does_not_depend_on_the_order_of_its_terms() {
    // MAX + 1 − 1 is MAX, inside Decimal's range, whichever order the terms come in; only a
    // total past the range is an overflow
    let usd = |d: Decimal| Money::new(d, Currency::USD);
    let (max, one) = (Decimal::MAX, Decimal::ONE);
    for terms in [[max, one, -one], [one, max, -one], [max, -one, one], [-one, one, max]] {
        assert_eq!(Money::sum(Currency::USD, terms.map(usd)), Ok(usd(max)), "{terms:?}");
        assert_eq!(revops::money::checked_sum(terms), Ok(max), "{terms:?}");
    }
    let min = Decimal::MIN;
    assert_eq!(Money::sum(Currency::USD, [min, -one, max, one, min].map(usd)), Ok(usd(min)));
    assert_eq!(revops::money::checked_sum([max, max, min, min, max]), Ok(max));
    // a total past the range is still refused, whatever the order
    assert_eq!(Money::sum(Currency::USD, [max, -one, one, one].map(usd)), Err(MoneyError::Overflow("add")));
    assert!(revops::money::checked_sum([one, max, -one, one]).is_err());
    // a currency mismatch is still named
    assert!(matches!(
        Money::sum(Currency::USD, [usd(max), usd(one), Money::zero(Currency::EUR)]),
        Err(MoneyError::CurrencyMismatch { .. })
    ));
}
