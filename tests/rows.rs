//! Getting data in: the text forms of ARR values and the flat row types (`ArrEventRow`,
//! `DealRow`) that serde reads from CSV or JSON, with row-numbered errors.

use revops::arr::Interval;

// ---- Interval: one text form for Display, FromStr and serde ----

#[test]
fn interval_serialises_as_its_text() {
    let json =
        serde_json::to_string(&[Interval::Month, Interval::Quarter, Interval::Year, Interval::Months(36)]).unwrap();
    assert_eq!(json, r#"["month","quarter","year","36 months"]"#);
}

#[test]
fn interval_reads_its_text_and_the_old_serde_form() {
    let read = |s: &str| serde_json::from_str::<Interval>(s).unwrap();
    assert_eq!(read(r#""month""#), Interval::Month);
    assert_eq!(read(r#""3 months""#), Interval::Months(3));
    assert_eq!(read(r#""Year""#), Interval::Year); // the derived form of earlier releases
    assert_eq!(read(r#"{"Months":24}"#), Interval::Months(24)); // likewise
}

#[test]
fn interval_serde_refuses_zero_months_in_either_form() {
    assert!(serde_json::from_str::<Interval>(r#""0 months""#).is_err());
    assert!(serde_json::from_str::<Interval>(r#"{"Months":0}"#).is_err());
}

#[test]
fn interval_text_ignores_case_and_spaces() {
    for (text, want) in [
        ("month", Interval::Month),
        (" Quarter ", Interval::Quarter),
        ("YEAR", Interval::Year),
        ("1 month", Interval::Months(1)),
        ("1 months", Interval::Months(1)),
        ("12 months", Interval::Months(12)), // a count is Months, never Year (round trip)
        ("1 year", Interval::Months(12)),
        ("2 Quarters", Interval::Months(6)),
        ("36months", Interval::Months(36)),
        ("007 months", Interval::Months(7)),
    ] {
        assert_eq!(text.parse::<Interval>().unwrap(), want, "{text:?}");
    }
}

#[test]
fn interval_text_refuses_zero_negative_overflow_and_other_units() {
    use revops::arr::{ArrError, IntervalProblem as P};
    for (text, problem) in [
        ("0 months", P::Zero),
        ("-0 months", P::Zero),
        ("-3 months", P::Negative),
        ("4294967296 months", P::TooLarge),
        ("357913942 years", P::TooLarge), // × 12 passes u32::MAX
        ("", P::Unrecognised),
        ("3", P::Unrecognised),
        ("monthly", P::Unrecognised),
        ("2 weeks", P::Unrecognised),
        ("1.5 months", P::Unrecognised),
        ("+3 months", P::Unrecognised),
        ("3 months 2", P::Unrecognised),
    ] {
        match text.parse::<Interval>() {
            Err(ArrError::InvalidInterval { text: t, problem: p }) => {
                assert_eq!((t.as_str(), p), (text, problem));
            }
            other => panic!("{text:?} gave {other:?}"),
        }
    }
    let message = "-3 months".parse::<Interval>().unwrap_err().to_string();
    assert_eq!(message, "interval \"-3 months\": an interval cannot be negative");
}

proptest::proptest! {
    #[test]
    fn interval_display_round_trips(n in 1u32.., pick in 0u8..4) {
        let i = [Interval::Month, Interval::Quarter, Interval::Year, Interval::Months(n)][usize::from(pick)];
        proptest::prop_assert_eq!(i.to_string().parse::<Interval>().unwrap(), i);
        let json = serde_json::to_string(&i).unwrap();
        proptest::prop_assert_eq!(serde_json::from_str::<Interval>(&json).unwrap(), i);
        proptest::prop_assert_eq!(i.to_string().to_uppercase().parse::<Interval>().unwrap(), i);
    }
}
