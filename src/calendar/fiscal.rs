use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::{CalendarError, Month, Period};

/// How a fiscal year is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum FiscalYearLabel {
    /// Named by the calendar year it ends in (Feb 2026 – Jan 2027 is FY2027): the common US usage.
    #[default]
    EndingYear,
    /// Named by the calendar year it starts in (Feb 2026 – Jan 2027 is FY2026).
    StartingYear,
}

/// A company's fiscal calendar: twelve calendar months starting at a configurable month.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::FiscalCalendar;
/// let fc = FiscalCalendar::new(2)?; // fiscal year starts in February
/// let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
/// assert_eq!(fc.year_of(day).to_string(), "FY2027");
/// assert_eq!(fc.quarter_of(day).to_string(), "FY2027-Q4");
/// assert_eq!(fc.year_of(day).period().start(), NaiveDate::from_ymd_opt(2026, 2, 1).unwrap());
/// # Ok::<(), revops::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "FiscalCalendarRepr"))]
pub struct FiscalCalendar {
    start_month: u32,
    label: FiscalYearLabel,
}

deserialize_via!(FiscalCalendar, FiscalCalendarRepr { start_month: u32, label: FiscalYearLabel }, CalendarError, |r| {
    Ok(FiscalCalendar::new(r.start_month)?.with_label(r.label))
});

impl Default for FiscalCalendar {
    /// The calendar year.
    fn default() -> Self {
        FiscalCalendar { start_month: 1, label: FiscalYearLabel::EndingYear }
    }
}

impl FiscalCalendar {
    /// Fiscal years starting on the first of `start_month` (1–12), named by their ending year.
    ///
    /// # Errors
    /// [`CalendarError::InvalidMonth`] outside 1–12.
    pub fn new(start_month: u32) -> Result<FiscalCalendar, CalendarError> {
        if !(1..=12).contains(&start_month) {
            return Err(CalendarError::InvalidMonth(start_month));
        }
        Ok(FiscalCalendar { start_month, label: FiscalYearLabel::EndingYear })
    }

    /// Choose how years are named.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::{FiscalCalendar, FiscalYearLabel};
    /// let day = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    /// // a fiscal year from February: 15 March 2026 is in the year that ends in January 2027
    /// let ending = FiscalCalendar::new(2)?;
    /// assert_eq!(ending.year_of(day).to_string(), "FY2027");
    /// let starting = FiscalCalendar::new(2)?.with_label(FiscalYearLabel::StartingYear);
    /// assert_eq!(starting.year_of(day).to_string(), "FY2026");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_label(mut self, label: FiscalYearLabel) -> Self {
        self.label = label;
        self
    }

    /// The month fiscal years start in.
    pub fn start_month(&self) -> u32 {
        self.start_month
    }

    /// The fiscal year containing `date`.
    pub fn year_of(&self, date: NaiveDate) -> FiscalYear {
        let start_year = if date.month() >= self.start_month { date.year() } else { date.year() - 1 };
        FiscalYear { calendar: *self, start_year }
    }

    /// The fiscal quarter containing `date`.
    pub fn quarter_of(&self, date: NaiveDate) -> FiscalQuarter {
        let year = self.year_of(date);
        let offset = (date.month() + 12 - self.start_month) % 12;
        FiscalQuarter { year, number: offset / 3 + 1 }
    }

    /// The fiscal year with the given label (`2027` for FY2027).
    ///
    /// ```
    /// use revops::calendar::FiscalCalendar;
    /// let fy = FiscalCalendar::new(2)?.year(2027)?; // February-start years named by their end
    /// assert_eq!(fy.period().to_string(), "[2026-02-01, 2027-02-01)");
    /// # Ok::<(), revops::calendar::CalendarError>(())
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] for a year whose months are beyond chrono's range.
    pub fn year(&self, label: i32) -> Result<FiscalYear, CalendarError> {
        let start_year = match self.label {
            FiscalYearLabel::StartingYear => label,
            FiscalYearLabel::EndingYear if self.start_month == 1 => label,
            FiscalYearLabel::EndingYear => label.checked_sub(1).ok_or(CalendarError::OutOfRange("fiscal year"))?,
        };
        let fy = FiscalYear { calendar: *self, start_year };
        fy.first_month()?.checked_add(11)?;
        Ok(fy)
    }
}

/// One fiscal year of a [`FiscalCalendar`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "FiscalYearRepr"))]
pub struct FiscalYear {
    calendar: FiscalCalendar,
    start_year: i32,
}

deserialize_via!(FiscalYear, FiscalYearRepr { calendar: FiscalCalendar, start_year: i32 }, CalendarError, |r| {
    let fy = FiscalYear { calendar: r.calendar, start_year: r.start_year };
    fy.first_month()?.checked_add(11)?; // the whole year exists as dates
    Ok(fy)
});

impl FiscalYear {
    /// The year's label (`2027` for FY2027).
    pub fn label(&self) -> i32 {
        match self.calendar.label {
            FiscalYearLabel::EndingYear if self.calendar.start_month != 1 => self.start_year + 1,
            _ => self.start_year,
        }
    }

    fn first_month(&self) -> Result<Month, CalendarError> {
        Month::new(self.start_year, self.calendar.start_month)
    }

    /// The months of the year, in order.
    pub fn months(&self) -> impl Iterator<Item = Month> {
        let first = self.first_month().ok();
        (0..12).filter_map(move |i| first?.checked_add(i).ok())
    }

    /// The year as a half-open period.
    pub fn period(&self) -> Period {
        let mut months = self.months();
        let first = months.next().map(Month::first_day).unwrap_or(NaiveDate::MIN);
        let end = months.last().map(Month::end).unwrap_or(first);
        Period::from_ordered(first, end)
    }

    /// Its four quarters.
    pub fn quarters(&self) -> [FiscalQuarter; 4] {
        [1, 2, 3, 4].map(|number| FiscalQuarter { year: *self, number })
    }

    /// The next fiscal year.
    pub fn next(&self) -> FiscalYear {
        FiscalYear { calendar: self.calendar, start_year: self.start_year.saturating_add(1) }
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.label())
    }
}

/// A quarter of a fiscal year (Q1 holds the fiscal year's first three months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "FiscalQuarterRepr"))]
pub struct FiscalQuarter {
    year: FiscalYear,
    number: u32,
}

deserialize_via!(FiscalQuarter, FiscalQuarterRepr { year: FiscalYear, number: u32 }, CalendarError, |r| {
    if !(1..=4).contains(&r.number) {
        return Err(CalendarError::InvalidQuarter(r.number));
    }
    Ok(FiscalQuarter { year: r.year, number: r.number })
});

impl FiscalQuarter {
    /// The fiscal year.
    pub fn year(&self) -> FiscalYear {
        self.year
    }

    /// Quarter number, 1–4.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The quarter as a half-open period.
    pub fn period(&self) -> Period {
        // number is 1–4 by construction; saturate anyway so no value can underflow here
        let skip = (self.number as usize).saturating_sub(1) * 3;
        let months: Vec<Month> = self.year.months().skip(skip).take(3).collect();
        match (months.first(), months.last()) {
            (Some(a), Some(b)) => Period::from_ordered(a.first_day(), b.end()),
            _ => Period::from_ordered(NaiveDate::MIN, NaiveDate::MIN),
        }
    }
}

impl fmt::Display for FiscalQuarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fiscal_vectors() {
        // (start month, date, label, quarter)
        type Ymd = (i32, u32, u32);
        const CASES: &[(u32, Ymd, i32, u32)] = &[
            (1, (2026, 11, 24), 2026, 4),
            (2, (2026, 1, 31), 2026, 4),
            (2, (2026, 2, 1), 2027, 1),
            (7, (2026, 6, 30), 2026, 4),
            (7, (2026, 7, 1), 2027, 1),
            (10, (2026, 12, 15), 2027, 1),
        ];
        for &(start, (y, m, day), label, q) in CASES {
            let fc = FiscalCalendar::new(start).unwrap();
            let date = d(y, m, day);
            assert_eq!(fc.year_of(date).label(), label, "{start} {date}");
            assert_eq!(fc.quarter_of(date).number(), q, "{start} {date}");
            assert!(fc.quarter_of(date).period().contains(date));
            assert!(fc.year_of(date).period().contains(date));
            assert_eq!(fc.year(label).unwrap(), fc.year_of(date));
        }
    }

    #[test]
    fn quarters_tile_the_year() {
        let fc = FiscalCalendar::new(11).unwrap().with_label(FiscalYearLabel::StartingYear);
        let fy = fc.year(2027).unwrap();
        assert_eq!(fy.period().start(), d(2027, 11, 1));
        let days: i64 = fy.quarters().iter().map(|q| q.period().days()).sum();
        assert_eq!(days, fy.period().days());
        assert!(FiscalCalendar::new(0).is_err());
    }
}
