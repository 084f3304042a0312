//! Behaviour of `calendar`: anchoring, periods, fiscal years, with properties.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use revops::calendar::{
    add_months_anchored, AnchorPolicy, Anniversaries, DayCount, FiscalCalendar, Month, Period, Quarter,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Monthly anniversaries of every month end across a leap year and a common year.
/// (anchor, months later, expected) — Kill Bill and Lago both shipped bugs on these.
/// (year, month, day)
type Ymd = (i32, u32, u32);

const MONTH_END_VECTORS: &[(Ymd, i32, Ymd)] = &[
    ((2027, 1, 31), 1, (2027, 2, 28)),
    ((2028, 1, 31), 1, (2028, 2, 29)),
    ((2028, 1, 31), 2, (2028, 3, 31)),
    ((2028, 1, 31), 3, (2028, 4, 30)),
    ((2024, 2, 29), 12, (2025, 2, 28)),
    ((2024, 2, 29), 48, (2028, 2, 29)),
    ((2024, 2, 29), 1, (2024, 3, 29)),
    ((2026, 3, 31), 1, (2026, 4, 30)),
    ((2026, 3, 31), 2, (2026, 5, 31)),
    ((2026, 5, 31), 1, (2026, 6, 30)),
    ((2026, 8, 31), 1, (2026, 9, 30)),
    ((2026, 10, 31), 1, (2026, 11, 30)),
    ((2026, 12, 31), 1, (2027, 1, 31)),
    ((2026, 12, 31), 2, (2027, 2, 28)),
    ((2027, 11, 30), 3, (2028, 2, 29)),
    ((2026, 1, 30), 1, (2026, 2, 28)),
    ((2026, 1, 29), 1, (2026, 2, 28)),
    ((2026, 1, 28), 1, (2026, 2, 28)),
    ((2026, 3, 31), -1, (2026, 2, 28)),
    ((2100, 1, 31), 1, (2100, 2, 28)),
    ((2000, 1, 31), 1, (2000, 2, 29)),
];

#[test]
fn month_end_anchoring_vectors() {
    for &((y, m, day), n, (ey, em, ed)) in MONTH_END_VECTORS {
        let got = add_months_anchored(d(y, m, day), n, AnchorPolicy::DayOfMonth).unwrap();
        assert_eq!(got, d(ey, em, ed), "{y}-{m}-{day} + {n}");
    }
}

#[test]
fn stripe_service_period_splits_by_month() {
    // Stripe revenue recognition docs: 120 USD from 2026-06-15 to 2026-10-13 (120 days).
    let p = Period::new(d(2026, 6, 15), d(2026, 10, 13)).unwrap();
    let days: Vec<i64> = p.months().map(|x| x.days()).collect();
    assert_eq!(days, [16, 31, 31, 30, 12]);
}

#[test]
fn reversed_and_empty_ranges() {
    assert!(Period::new(d(2026, 2, 1), d(2026, 1, 1)).is_err());
    let empty = Period::new(d(2026, 2, 1), d(2026, 2, 1)).unwrap();
    assert_eq!(empty.months().count(), 0);
    assert_eq!(empty.quarters().count(), 0);
    assert_eq!(empty.last_day(), None);
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2200, 1u32..=12, 1u32..=31).prop_map(|(y, m, day)| {
        let last = Month::new(y, m).unwrap().days();
        d(y, m, day.min(last))
    })
}

proptest! {
    #[test]
    fn anchoring_never_skips_or_repeats_a_month(anchor in any_date(), step in 1u32..=12, eom in any::<bool>()) {
        let policy = if eom { AnchorPolicy::EndOfMonth } else { AnchorPolicy::DayOfMonth };
        let dates: Vec<NaiveDate> = Anniversaries::new(anchor, step).unwrap().with_policy(policy).take(40).collect();
        for (i, pair) in dates.windows(2).enumerate() {
            let gap = Month::of(pair[0]).months_until(Month::of(pair[1]));
            prop_assert_eq!(gap, i64::from(step), "step {} of {:?}", i, dates);
            // never later than the anchor's day, and only earlier when the month is too short
            let want = anchor.day().min(Month::of(pair[1]).days());
            if policy == AnchorPolicy::DayOfMonth { prop_assert_eq!(pair[1].day(), want); }
        }
    }

    #[test]
    fn month_pieces_tile_the_period(a in any_date(), b in any_date()) {
        let (s, e) = if a <= b { (a, b) } else { (b, a) };
        let p = Period::new(s, e).unwrap();
        let pieces: Vec<Period> = p.months().collect();
        prop_assert_eq!(pieces.iter().map(Period::days).sum::<i64>(), p.days());
        for pair in pieces.windows(2) { prop_assert_eq!(pair[0].end(), pair[1].start()); }
        prop_assert_eq!(p.quarters().map(|q| q.days()).sum::<i64>(), p.days());
        if !p.is_empty() {
            let f = p.proration(&pieces[0]).unwrap();
            prop_assert!(f > rust_decimal::Decimal::ZERO && f <= rust_decimal::Decimal::ONE);
        }
    }

    #[test]
    fn fiscal_quarter_contains_its_date(day in any_date(), start in 1u32..=12) {
        let fc = FiscalCalendar::new(start).unwrap();
        let q = fc.quarter_of(day);
        prop_assert!(q.period().contains(day));
        prop_assert!(fc.year_of(day).period().covers(&q.period()));
        prop_assert_eq!(fc.year(fc.year_of(day).label()).unwrap(), fc.year_of(day));
    }

    /// Calendar constructors never panic, whatever they are handed.
    #[test]
    fn nothing_panics_on_arbitrary_input(y in any::<i32>(), m in any::<u32>(), n in any::<i32>(), step in any::<u32>(), a in any_date(), b in any_date()) {
        let _ = Month::new(y, m).map(|mm| (mm.days(), mm.checked_add(n), mm.period(), mm.through(mm).count()));
        let _ = Quarter::new(y, m).map(|q| q.period());
        let _ = FiscalCalendar::new(m).map(|fc| fc.year(y).map(|fy| fy.period()));
        let _ = add_months_anchored(a, n, AnchorPolicy::EndOfMonth);
        let _ = add_months_anchored(NaiveDate::MAX, n, AnchorPolicy::DayOfMonth);
        let _ = add_months_anchored(NaiveDate::MIN, n, AnchorPolicy::EndOfMonth);
        let _ = Anniversaries::new(a, step).map(|x| x.take(3).count());
        let _ = Anniversaries::new(NaiveDate::MAX, step.max(1)).map(|x| x.take(3).count());
        let _ = Period::new(a, b).map(|p| (p.months().count(), p.proration(&p), p.year_fraction(DayCount::Thirty360)));
        let _ = Period::inclusive(a, NaiveDate::MAX);
    }
}

/// JSON goes through the same constructors as code: a value that exists is a valid value.
#[cfg(feature = "serde")]
#[test]
fn json_cannot_build_an_invalid_calendar_value() {
    use revops::calendar::{FiscalCalendar, FiscalQuarter, FiscalYear, Quarter};
    // (type, invalid JSON)
    let refused: &[(&str, &str)] = &[
        ("period", r#"{"start":"2026-06-01","end":"2026-02-01"}"#),
        ("month", r#"{"year":2026,"month":13}"#),
        ("month", r#"{"year":2026,"month":0}"#),
        ("month", r#"{"year":2147483647,"month":1}"#),
        ("quarter", r#"{"year":2026,"number":0}"#),
        ("quarter", r#"{"year":2026,"number":5}"#),
        ("fiscal", r#"{"start_month":13,"label":"EndingYear"}"#),
        ("fiscal year", r#"{"calendar":{"start_month":2,"label":"EndingYear"},"start_year":2147483647}"#),
        (
            "fiscal quarter",
            r#"{"year":{"calendar":{"start_month":2,"label":"EndingYear"},"start_year":2026},"number":0}"#,
        ),
    ];
    for (what, json) in refused {
        let err = match *what {
            "period" => serde_json::from_str::<Period>(json).err(),
            "month" => serde_json::from_str::<Month>(json).err(),
            "quarter" => serde_json::from_str::<Quarter>(json).err(),
            "fiscal" => serde_json::from_str::<FiscalCalendar>(json).err(),
            "fiscal year" => serde_json::from_str::<FiscalYear>(json).err(),
            _ => serde_json::from_str::<FiscalQuarter>(json).err(),
        };
        assert!(err.is_some(), "{what} {json} must be refused");
    }
    // and every valid value round-trips
    let p = Period::new(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap())
        .unwrap();
    assert_eq!(serde_json::from_str::<Period>(&serde_json::to_string(&p).unwrap()).unwrap(), p);
    let fq = FiscalCalendar::new(2).unwrap().quarter_of(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    assert_eq!(serde_json::from_str::<FiscalQuarter>(&serde_json::to_string(&fq).unwrap()).unwrap(), fq);
    let m = Month::new(2026, 2).unwrap();
    assert_eq!(serde_json::from_str::<Month>(&serde_json::to_string(&m).unwrap()).unwrap(), m);
}

/// A month has one text form for `Display`, `FromStr` and serde; the object form of earlier
/// releases still reads.
#[cfg(feature = "serde")]
#[test]
fn months_read_and_write_one_text_form() {
    let m = Month::new(2026, 3).unwrap();
    assert_eq!(serde_json::to_string(&m).unwrap(), r#""2026-03""#);
    assert_eq!(serde_json::from_str::<Month>(r#""2026-03""#).unwrap(), m);
    assert_eq!(serde_json::from_str::<Month>(r#"{"year":2026,"month":3}"#).unwrap(), m);
    for bad in [r#""2026-13""#, r#""2026""#, r#""26-3-1""#, r#""""#, "202603"] {
        assert!(serde_json::from_str::<Month>(bad).is_err(), "{bad}");
    }
    let early = Month::new(-44, 3).unwrap();
    assert_eq!(early.to_string().parse::<Month>().unwrap(), early);
}

/// QuantLib 1.44's `Thirty360(Thirty360.BondBasis).dayCount(start, end)`, which the crate's
/// `Thirty360` matched on 200,000 random pairs from 2000 to 2042; beside it the `Thirty360.USA`
/// count (the SIA rule, with its last-of-February adjustments), which it is not.
/// start, end, days by the bond basis, days by the US (SIA) rule.
const THIRTY_360: &[(Ymd, Ymd, i64, i64)] = &[
    ((2003, 2, 28), (2003, 5, 24), 86, 84),
    ((2040, 2, 29), (2042, 4, 8), 759, 758),
    ((2026, 2, 28), (2026, 3, 31), 33, 30),
    ((2026, 1, 31), (2026, 2, 28), 28, 28),
    ((2026, 1, 30), (2026, 3, 31), 60, 60),
    ((2026, 3, 31), (2026, 5, 31), 60, 60),
    ((2026, 6, 15), (2027, 6, 15), 360, 360),
];

#[test]
fn thirty_360_is_the_bond_basis_without_the_end_of_february_rule() {
    let day = |(y, m, d): Ymd| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    for &(start, end, bond_basis, _us) in THIRTY_360 {
        let fraction = DayCount::Thirty360.year_fraction(day(start), day(end));
        let want = revops::money::Decimal::from(bond_basis) / revops::money::Decimal::from(360);
        assert_eq!(fraction, want, "{start:?} to {end:?}");
    }
}
