//! Money arithmetic against vectors computed outside the crate: `tests/data/*.csv`, written by
//! `tests/data/generate_vectors.py` with Python's exact `fractions.Fraction` (an independent
//! implementation of each documented rule). The data is the reference; the code must match it.

use revops::billing::{InvoiceDraft, LineDraft, TaxMode, TaxTreatment};
use revops::money::{allocate_minor_units, Percent, Ratio};
use revops::{Currency, Money, RoundingStrategy};
use rust_decimal::Decimal;

fn rows(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv_text.as_bytes()).records().collect::<Result<_, _>>().expect("the vectors are CSV")
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Largest-remainder allocation: 400 random totals (up to 10¹⁵ minor units, both signs) over
/// 1–12 weights at mixed scales, zeros included.
#[test]
fn allocation_matches_exact_largest_remainder() {
    for (i, r) in rows(include_str!("data/allocation.csv")).iter().enumerate() {
        let total: i128 = r[0].parse().unwrap();
        let weights: Vec<Decimal> = r[1].split(';').map(dec).collect();
        let expected: Vec<i128> = r[2].split(';').map(|p| p.parse().unwrap()).collect();
        let parts = allocate_minor_units(total, &weights).unwrap();
        assert_eq!(parts, expected, "row {}: {total} by {weights:?}", i + 2);
        assert_eq!(parts.iter().sum::<i128>(), total);
    }
}

fn strategy(name: &str) -> RoundingStrategy {
    match name {
        "MidpointNearestEven" => RoundingStrategy::MidpointNearestEven,
        "MidpointAwayFromZero" => RoundingStrategy::MidpointAwayFromZero,
        "MidpointTowardZero" => RoundingStrategy::MidpointTowardZero,
        "ToZero" => RoundingStrategy::ToZero,
        "AwayFromZero" => RoundingStrategy::AwayFromZero,
        "ToNegativeInfinity" => RoundingStrategy::ToNegativeInfinity,
        "ToPositiveInfinity" => RoundingStrategy::ToPositiveInfinity,
        other => panic!("unknown strategy {other}"),
    }
}

/// An exact ratio applied to money, rounded once with each strategy to the currency's minor unit
/// (0, 2, 3 and 4 places), midpoints included.
#[test]
fn ratios_round_once_from_the_exact_product() {
    for (i, r) in rows(include_str!("data/mul_ratio.csv")).iter().enumerate() {
        let currency: Currency = r[1].parse().unwrap();
        let money = Money::new(dec(&r[0]), currency);
        let ratio = Ratio::new(r[2].parse().unwrap(), r[3].parse().unwrap()).unwrap();
        let got = money.mul_ratio_with(ratio, strategy(&r[4])).unwrap();
        assert_eq!(got, Money::new(dec(&r[5]), currency), "row {}: {money} × {}/{} {}", i + 2, &r[2], &r[3], &r[4]);
    }
}

/// Invoice-line tax: the line rounded once, then exclusive tax rounded on top, or the inclusive
/// net backed out of the gross with tax as the difference (banker's rounding throughout).
#[test]
fn invoice_tax_matches_exact_arithmetic() {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for (i, r) in rows(include_str!("data/tax.csv")).iter().enumerate() {
        let currency: Currency = r[0].parse().unwrap();
        let mode = if &r[4] == "Inclusive" { TaxMode::Inclusive } else { TaxMode::Exclusive };
        let rate: Percent = r[3].parse().unwrap();
        let line = LineDraft {
            description: "x".into(),
            quantity: dec(&r[2]),
            unit_price: Money::new(dec(&r[1]), currency),
            service: None,
        };
        let draft = InvoiceDraft {
            customer: "c".into(),
            contract_id: "k".into(),
            currency,
            issue_date: day,
            due_date: day,
            lines: vec![line],
        };
        let tax = revops::billing::FlatTax(TaxTreatment::new(rate, mode).unwrap());
        let inv = draft.finalize("I", &tax).unwrap();
        let l = &inv.lines()[0];
        let got = (l.net(), l.tax_amount(), l.gross());
        let want =
            (Money::new(dec(&r[5]), currency), Money::new(dec(&r[6]), currency), Money::new(dec(&r[7]), currency));
        assert_eq!(got, want, "row {}: {} × {} at {} {}", i + 2, &r[1], &r[2], &r[3], &r[4]);
    }
}
