//! No panics in money and calendar: arithmetic, allocation, conversion, percents, periods,
//! months, fiscal calendars and anniversaries, on extreme values, dates at chrono's limits, huge
//! counts and adversarial JSON.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use revops::calendar::*;
use revops::money::*;
use revops::{Currency, Money};
use rust_decimal::Decimal;

use super::extreme_decimal;

fn any_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
        (-262_000i32..262_000, 1u32..13, 1u32..32)
            .prop_filter_map("a date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
    ]
}

fn any_currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

fn any_count() -> impl Strategy<Value = usize> {
    prop_oneof![
        Just(0usize),
        Just(1),
        Just(usize::MAX),
        Just(usize::MAX / 2),
        Just(revops::limits::MAX_PARTS + 1),
        0usize..50
    ]
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn money_arithmetic_survives_extremes(a in extreme_decimal(), b in extreme_decimal(), c in any_currency(), n in any_count(), minor in any::<i128>(), num in any::<i128>(), den in any::<i128>(), strategy in 0u8..7) {
        let (x, y) = (Money::new(a, c), Money::new(b, c));
        let _ = (x.checked_add(y), x.checked_sub(y), x.checked_mul(b), x.checked_div(b), x.ratio(y), x.checked_cmp(&y));
        let _ = (x.round(), x.abs(), -x, x.is_rounded(), x.to_minor_units(), x.to_minor_units_i128(), x.to_f64_lossy(), x.to_string());
        for f in [MoneyFormat::new(), MoneyFormat::new().symbol().compact(), MoneyFormat::new().no_grouping().places(n as u32 % 40)] {
            let shown = f.format(x);
            prop_assert!(!shown.is_empty());
        }
        prop_assert_eq!(x.to_string().parse::<Money>().ok(), Some(x), "Display parses back");
        let _ = Money::from_minor_units_i128(minor, c);
        let _ = Money::sum(c, [x, y, x]);
        let _ = checked_sum([a, b, a]);
        if n <= 100 || n > revops::limits::MAX_PARTS {
            let _ = x.split(n);
        }
        let _ = x.allocate(&[a, b]);
        let _ = x.allocate_by(&[y, x]);
        let _ = allocate_minor_units(minor, &[a, b, Decimal::ONE]);
        if let Ok(r) = Ratio::new(num, den) {
            let rounding = [RoundingStrategy::MidpointNearestEven, RoundingStrategy::MidpointAwayFromZero, RoundingStrategy::MidpointTowardZero, RoundingStrategy::ToZero, RoundingStrategy::AwayFromZero, RoundingStrategy::ToNegativeInfinity, RoundingStrategy::ToPositiveInfinity][strategy as usize];
            let _ = (x.mul_ratio(r), x.mul_ratio_with(r, rounding), r.clamp_unit(), r.to_decimal(28), r.to_decimal(2));
            let _ = r.cmp(&Ratio::new(den, num.max(1)).unwrap_or(Ratio::ONE));
        }
        let _ = Ratio::of_decimals(a, b);
        let _ = Ratio::from_decimal(a);
    }

    #[test]
    fn percents_and_conversions_survive_extremes(a in extreme_decimal(), b in extreme_decimal(), from in any_currency(), to in any_currency(), on in any_date(), text in "[ -~]{0,16}") {
        let p = Percent::from_fraction(a);
        let _ = (p.points(), p.complement(), p.of(Money::new(b, from)), p.check_unit("p"), p.to_f64_lossy(), p.to_string(), format!("{p:>8.3}"));
        let _ = Percent::from_points(a);
        let _ = Percent::ratio(Money::new(a, from), Money::new(b, from));
        let _ = text.parse::<Percent>();
        let _ = format!("{text}%").parse::<Percent>();
        let _ = text.parse::<Currency>();
        let _ = Money::parse(&text, from);
        let mut rates = InMemoryFxRates::new().with_base(Currency::USD);
        let _ = rates.insert(from, Currency::USD, on, a);
        let _ = rates.insert(Currency::USD, to, on, b);
        let _ = FxRate::new(from, to, a, on);
        let _ = convert(Money::new(b, from), to, on, &rates);
        let _ = convert_with(Money::new(a, from), to, on, &rates, RoundingStrategy::ToZero);
    }

    #[test]
    fn calendar_survives_dates_at_the_limits(a in any_date(), b in any_date(), months in any::<i32>(), step in any::<u32>(), n in any::<u32>(), year in any::<i32>(), number in any::<u32>(), take in 0usize..30) {
        for policy in [AnchorPolicy::DayOfMonth, AnchorPolicy::EndOfMonth] {
            let _ = add_months_anchored(a, months, policy);
            if let Ok(ann) = Anniversaries::new(a, step) {
                let ann = ann.with_policy(policy);
                let _ = ann.nth_date(n);
                let _: Vec<_> = ann.clone().take(take).collect();
                let _: Vec<_> = ann.periods().take(take).collect();
            }
        }
        let _ = Month::new(year, number).map(|m| (m.first_day(), m.end(), m.last_day(), m.days(), m.period(), m.checked_add(months), m.quarter(), m.to_string()));
        let m = Month::of(a);
        let _ = (m.first_day(), m.end(), m.last_day(), m.days(), m.period(), m.checked_add(months), m.months_until(Month::of(b)));
        let _: Vec<_> = m.through(Month::of(b)).take(take).collect();
        let _ = Quarter::new(year, number).map(|q| (q.period(), q.first_month(), q.to_string()));
        let q = Quarter::of(b);
        let _ = (q.period(), q.first_month());
        for (x, y) in [(a, b), (b, a)] {
            if let Ok(p) = Period::new(x, y) {
                let _ = (p.days(), p.last_day(), p.proration(&Period::new(a.min(b), a.max(b)).unwrap_or(p)), p.to_string());
                let _: Vec<_> = p.months().take(take).collect();
                let _: Vec<_> = p.quarters().take(take).collect();
                for dc in [DayCount::Actual365Fixed, DayCount::Actual360, DayCount::Thirty360] {
                    let _ = p.year_fraction(dc);
                }
            }
            let _ = Period::inclusive(x, y);
        }
        if let Ok(fc) = FiscalCalendar::new(number) {
            for fc in [fc, fc.with_label(FiscalYearLabel::StartingYear)] {
                let fy = fc.year_of(a);
                let _ = (fy.label(), fy.period(), fy.next().period(), fy.to_string());
                let _: Vec<_> = fy.months().collect();
                for fq in fy.quarters() {
                    let _ = (fq.period(), fq.to_string());
                }
                let _ = fc.quarter_of(b).period();
                let _ = fc.year(year).map(|y| y.period());
            }
        }
        let _ = (a.year(), b.month());
    }

    /// Whatever JSON says, a money or calendar value is refused or safe to use.
    #[test]
    fn money_and_calendar_json_is_refused_or_safe(a in extreme_decimal(), i in any::<i64>(), j in any::<i64>(), text in "[ -~]{0,10}", y in any::<i32>(), m in any::<u32>()) {
        if let Ok(x) = serde_json::from_str::<Money>(&format!(r#"{{"amount":"{a}","currency":"{text}"}}"#)) {
            let _ = (x.round(), x.split(3), x.to_minor_units());
        }
        if let Ok(r) = serde_json::from_str::<Ratio>(&format!(r#"{{"num":{i},"den":{j}}}"#)) {
            let _ = (r.to_decimal(4), Money::new(a, Currency::USD).mul_ratio(r), r.cmp(&Ratio::ONE));
        }
        if let Ok(r) = serde_json::from_str::<FxRate>(&format!(r#"{{"from":"EUR","to":"{text}","rate":"{a}","as_of":"2026-01-01"}}"#)) {
            prop_assert!(r.rate() > Decimal::ZERO);
        }
        let _ = serde_json::from_str::<Percent>(&format!(r#""{text}""#)).map(|p| p.of(Money::new(a, Currency::USD)));
        if let Ok(month) = serde_json::from_str::<Month>(&format!(r#"{{"year":{y},"month":{m}}}"#)) {
            let _ = (month.period(), month.days(), month.checked_add(1));
        }
        if let Ok(q) = serde_json::from_str::<Quarter>(&format!(r#"{{"year":{y},"number":{m}}}"#)) {
            let _ = q.period();
        }
        if let Ok(fq) = serde_json::from_str::<FiscalQuarter>(&format!(r#"{{"year":{{"calendar":{{"start_month":{m},"label":"EndingYear"}},"start_year":{y}}},"number":{}}}"#, m % 7)) {
            let _ = fq.period();
        }
        let d0 = NaiveDate::from_num_days_from_ce_opt((i % 90_000_000) as i32).unwrap_or(NaiveDate::MIN);
        let d1 = NaiveDate::from_num_days_from_ce_opt((j % 90_000_000) as i32).unwrap_or(NaiveDate::MAX);
        if let Ok(p) = serde_json::from_str::<Period>(&format!(r#"{{"start":"{d0}","end":"{d1}"}}"#)) {
            prop_assert!(p.days() >= 0);
            let _: Vec<_> = p.months().take(3).collect();
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn money_and_calendar_json_with_a_key_it_does_not_know_is_refused() {
    use super::json::refuses_unknown_keys as strict;
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    strict(&Money::parse("12.50", Currency::USD).unwrap(), "Money");
    strict(&Ratio::new(1, 3).unwrap(), "Ratio");
    strict(&FxRate::new(Currency::EUR, Currency::USD, Decimal::new(11, 1), d(2026, 1, 1)).unwrap(), "FxRate");
    strict(&Period::new(d(2026, 1, 1), d(2026, 2, 1)).unwrap(), "Period");
    strict(&Month::new(2026, 3).unwrap(), "Month");
    strict(&Quarter::new(2026, 2).unwrap(), "Quarter");
    let fiscal = FiscalCalendar::new(2).unwrap().with_label(FiscalYearLabel::StartingYear);
    strict(&fiscal, "FiscalCalendar");
    strict(&fiscal.year(2027).unwrap(), "FiscalYear");
    strict(&fiscal.quarter_of(d(2026, 5, 1)), "FiscalQuarter");
}
