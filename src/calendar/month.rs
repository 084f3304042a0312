use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use super::{CalendarError, Period};

/// A calendar month, such as 2026-02.
///
/// ```
/// use revops::calendar::Month;
/// let feb = Month::new(2028, 2)?;
/// assert_eq!(feb.days(), 29);
/// assert_eq!(feb.to_string(), "2028-02");
/// assert_eq!(feb.checked_add(11)?.to_string(), "2029-01");
/// # Ok::<(), revops::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month `month` (1–12) of `year`; the year must be within chrono's date range.
    ///
    /// # Errors
    /// [`CalendarError::InvalidMonth`] outside 1–12, [`CalendarError::InvalidDate`] or
    /// [`CalendarError::OutOfRange`] for a month that does not exist as dates.
    pub fn new(year: i32, month: u32) -> Result<Month, CalendarError> {
        if !(1..=12).contains(&month) {
            return Err(CalendarError::InvalidMonth(month));
        }
        // Both ends must exist as dates so that `first_day`/`end` never fail later.
        let first =
            NaiveDate::from_ymd_opt(year, month, 1).ok_or(CalendarError::InvalidDate { year, month, day: 1 })?;
        first.checked_add_months(Months::new(1)).ok_or(CalendarError::OutOfRange("month end"))?;
        Ok(Month { year, month })
    }

    /// The month a date falls in.
    ///
    /// A date in chrono's last month (December 262142) gives a month whose end chrono cannot
    /// hold, which [`Month::new`] refuses: its [`end`](Month::end) and [`period`](Month::period)
    /// stop a day short, and an ARR book refuses to report it.
    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1–12.
    pub fn number(self) -> u32 {
        self.month
    }

    /// The first day.
    pub fn first_day(self) -> NaiveDate {
        // Validated in `new`/`of`: the first of an existing month always exists.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The first day of the next month (the exclusive end).
    pub fn end(self) -> NaiveDate {
        self.first_day().checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX)
    }

    /// The last day.
    pub fn last_day(self) -> NaiveDate {
        self.end().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    /// Number of days (28–31).
    pub fn days(self) -> u32 {
        self.last_day().day()
    }

    /// The month as a half-open period.
    pub fn period(self) -> Period {
        Period::from_ordered(self.first_day(), self.end())
    }

    /// A month index that counts from year 0, for arithmetic.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The month `n` months later (earlier when negative).
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] beyond chrono's range.
    pub fn checked_add(self, n: i32) -> Result<Month, CalendarError> {
        let idx = self.index() + i64::from(n);
        let year = i32::try_from(idx.div_euclid(12)).map_err(|_| CalendarError::OutOfRange("month"))?;
        Month::new(year, idx.rem_euclid(12) as u32 + 1).map_err(|_| CalendarError::OutOfRange("month"))
    }

    /// Whole months from `self` to `other` (negative when `other` is earlier).
    ///
    /// ```
    /// use revops::Month;
    /// let jan = Month::new(2026, 1)?;
    /// assert_eq!(jan.months_until(Month::new(2027, 3)?), 14);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn months_until(self, other: Month) -> i64 {
        other.index() - self.index()
    }

    /// The calendar quarter this month is in.
    pub fn quarter(self) -> Quarter {
        Quarter { year: self.year, number: (self.month - 1) / 3 + 1 }
    }

    /// Every month from `self` up to and including `last` (empty when `last` is earlier).
    ///
    /// ```
    /// use revops::calendar::Month;
    /// let months: Vec<String> = Month::new(2026, 11)?.through(Month::new(2027, 2)?).map(|m| m.to_string()).collect();
    /// assert_eq!(months, ["2026-11", "2026-12", "2027-01", "2027-02"]);
    /// # Ok::<(), revops::calendar::CalendarError>(())
    /// ```
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        let n = self.months_until(last).max(-1) + 1;
        (0..n).map_while(move |i| self.checked_add(i32::try_from(i).ok()?).ok())
    }
}

impl fmt::Display for Month {
    /// `"2026-03"`: the year (at least four digits, signed when negative: `"-0005-01"`), a
    /// hyphen, two digits. A width pads it; a precision is ignored (it would cut the text).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:04}` counts a sign in the width, so the digits are padded apart from it
        let sign = if self.year < 0 { "-" } else { "" };
        let text = format!("{sign}{:04}-{:02}", self.year.unsigned_abs(), self.month);
        crate::money::format::pad_whole(f, &text)
    }
}

impl std::str::FromStr for Month {
    type Err = CalendarError;

    /// `"2026-03"` (what `Display` prints); `"2026-3"` is accepted too.
    ///
    /// ```
    /// use revops::calendar::Month;
    /// let m: Month = "2026-03".parse()?;
    /// assert_eq!(m, Month::new(2026, 3)?);
    /// assert_eq!(m.to_string().parse::<Month>()?, m);
    /// assert!("2026-13".parse::<Month>().is_err());
    /// assert!("March 2026".parse::<Month>().is_err());
    /// # Ok::<(), revops::calendar::CalendarError>(())
    /// ```
    fn from_str(s: &str) -> Result<Month, CalendarError> {
        let text = s.trim();
        let invalid = || CalendarError::Unparsable { what: "month", text: s.to_string() };
        // the year may be negative, so the month is after the last hyphen
        let (year, month) = text.rsplit_once('-').ok_or_else(invalid)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let unsigned_year = year.strip_prefix(['-', '+']).unwrap_or(year);
        if !digits(unsigned_year) || !digits(month) || month.len() > 2 {
            return Err(invalid());
        }
        Month::new(year.parse().map_err(|_| invalid())?, month.parse().map_err(|_| invalid())?)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Month {
    /// `"2026-03"`, as `Display` prints it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Month {
    /// `"2026-03"`, or the `{"year": 2026, "month": 3}` object of earlier releases; both go
    /// through [`Month::new`].
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Month, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Month;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a month as "2026-03""#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Month, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Month, A::Error> {
                use serde::de::Error;
                let (mut year, mut month) = (None, None);
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        "year" => year = Some(map.next_value::<i32>()?),
                        "month" => month = Some(map.next_value::<u32>()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let year = year.ok_or_else(|| A::Error::missing_field("year"))?;
                let month = month.ok_or_else(|| A::Error::missing_field("month"))?;
                Month::new(year, month).map_err(A::Error::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A calendar quarter (Q1 = January–March). For fiscal quarters see
/// [`FiscalQuarter`](super::FiscalQuarter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "QuarterRepr"))]
pub struct Quarter {
    year: i32,
    number: u32,
}

deserialize_via!(Quarter, QuarterRepr { year: i32, number: u32 }, CalendarError, |r| Quarter::new(r.year, r.number));

impl Quarter {
    /// Quarter `number` (1–4) of `year`.
    ///
    /// # Errors
    /// [`CalendarError::InvalidQuarter`] outside 1–4, or a year beyond chrono's range.
    pub fn new(year: i32, number: u32) -> Result<Quarter, CalendarError> {
        if !(1..=4).contains(&number) {
            return Err(CalendarError::InvalidQuarter(number));
        }
        Month::new(year, number * 3)?;
        Ok(Quarter { year, number })
    }

    /// The quarter a date falls in.
    pub fn of(date: NaiveDate) -> Quarter {
        Month::of(date).quarter()
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The quarter number, 1–4.
    pub fn number(self) -> u32 {
        self.number
    }

    /// Its first month.
    pub fn first_month(self) -> Month {
        Month { year: self.year, month: self.number * 3 - 2 }
    }

    /// The quarter as a half-open period.
    pub fn period(self) -> Period {
        let first = self.first_month();
        Period::from_ordered(first.first_day(), Month { year: self.year, month: self.number * 3 }.end())
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_per_month_vectors() {
        // (year, month, days)
        const CASES: &[(i32, u32, u32)] =
            &[(2026, 1, 31), (2026, 2, 28), (2028, 2, 29), (1900, 2, 28), (2000, 2, 29), (2026, 4, 30), (2026, 12, 31)];
        for &(y, m, d) in CASES {
            assert_eq!(Month::new(y, m).unwrap().days(), d, "{y}-{m}");
        }
    }

    #[test]
    fn arithmetic_crosses_years() {
        let m = Month::new(2026, 11).unwrap();
        assert_eq!(m.checked_add(2).unwrap(), Month::new(2027, 1).unwrap());
        assert_eq!(m.checked_add(-11).unwrap(), Month::new(2025, 12).unwrap());
        assert_eq!(m.months_until(Month::new(2028, 2).unwrap()), 15);
        assert_eq!(m.through(Month::new(2027, 2).unwrap()).count(), 4);
        assert_eq!(m.through(Month::new(2026, 1).unwrap()).count(), 0);
        assert!(Month::new(2026, 13).is_err());
        assert!(Month::new(i32::MAX, 1).is_err());
        assert_eq!(Quarter::of(NaiveDate::from_ymd_opt(2026, 8, 9).unwrap()).to_string(), "2026-Q3");
    }
}
