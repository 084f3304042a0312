use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::{CalendarError, Month, Quarter};

/// A half-open date range `[start, end)`.
///
/// `Period::new(Jun 15, Oct 13)` covers June 15 through October 12: 120 days.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Period;
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let service = Period::new(d(6, 15), d(10, 13))?;
/// assert_eq!(service.days(), 120);
/// let per_month: Vec<i64> = service.months().map(|p| p.days()).collect();
/// assert_eq!(per_month, [16, 31, 31, 30, 12]);
/// assert!(Period::new(d(10, 13), d(6, 15)).is_err());
/// # Ok::<(), revops::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PeriodRepr"))]
pub struct Period {
    start: NaiveDate,
    end: NaiveDate,
}

deserialize_via!(Period, PeriodRepr { start: NaiveDate, end: NaiveDate }, CalendarError, |r| Period::new(
    r.start, r.end
));

impl Period {
    /// `[start, end)`; `end == start` is an empty period, `end < start` is an error.
    ///
    /// # Errors
    /// [`CalendarError::ReversedRange`] when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Period, CalendarError> {
        if end < start {
            return Err(CalendarError::ReversedRange { start, end });
        }
        Ok(Period { start, end })
    }

    /// From a first and a last day, both included.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::Period;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// // "1 January to 31 March" as people say it: the half-open [1 Jan, 1 Apr)
    /// let q1 = Period::inclusive(d(1, 1), d(3, 31))?;
    /// assert_eq!((q1.end(), q1.days()), (d(4, 1), 90));
    /// assert!(Period::inclusive(d(3, 31), d(1, 1)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::ReversedRange`] when `last` is before `first`;
    /// [`CalendarError::OutOfRange`] when `last` is chrono's last day.
    pub fn inclusive(first: NaiveDate, last: NaiveDate) -> Result<Period, CalendarError> {
        if last < first {
            return Err(CalendarError::ReversedRange { start: first, end: last });
        }
        let end = last.succ_opt().ok_or(CalendarError::OutOfRange("period end"))?;
        Ok(Period { start: first, end })
    }

    /// For callers inside the crate that already know `start <= end`.
    pub(crate) fn from_ordered(start: NaiveDate, end: NaiveDate) -> Period {
        debug_assert!(start <= end);
        Period { start, end: end.max(start) }
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The exclusive end: the first day after the period.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The last day in the period, or `None` when it is empty.
    pub fn last_day(&self) -> Option<NaiveDate> {
        if self.is_empty() {
            None
        } else {
            self.end.pred_opt()
        }
    }

    /// Number of days.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// True when the period has no days.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when `date` is in `[start, end)`.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date < self.end
    }

    /// True when `other` lies wholly inside this period.
    pub fn covers(&self, other: &Period) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The days both periods share (empty, anchored at the later start, when they do not meet).
    pub fn intersection(&self, other: &Period) -> Period {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end).max(start);
        Period { start, end }
    }

    /// Days shared with `other`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::Period;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let q1 = Period::new(d(1, 1), d(4, 1))?; // [1 Jan, 1 Apr): 90 days
    /// let trial = Period::new(d(3, 15), d(4, 15))?;
    /// assert_eq!(q1.overlap_days(&trial), 17); // 15–31 March
    /// assert_eq!(q1.intersection(&trial), Period::new(d(3, 15), d(4, 1))?);
    /// assert!(q1.contains(d(3, 31)) && !q1.contains(d(4, 1))); // half-open: the end is outside
    /// assert!(!q1.covers(&trial));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overlap_days(&self, other: &Period) -> i64 {
        self.intersection(other).days()
    }

    /// The share of this period's days that fall in `part`, in `[0, 1]`, as a `Decimal`: exact
    /// where the days divide (a half, a quarter), else to 28 places (a third of three days reads
    /// 0.3333333333333333333333333333, and three of them 0.9999999999999999999999999999). To
    /// prorate an amount, rounding once, use [`Money::mul_ratio`](crate::Money::mul_ratio) with a
    /// [`Ratio`](crate::money::Ratio) of the days.
    ///
    /// This is the proration factor for a charge that covers `self` when only `part` is used.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::Period;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let january = Period::new(d(1, 1), d(2, 1))?;
    /// let used = Period::new(d(1, 18), d(2, 1))?; // 14 of 31 days
    /// assert_eq!(january.proration(&used)?, rust_decimal::Decimal::from(14) / rust_decimal::Decimal::from(31));
    /// # Ok::<(), revops::calendar::CalendarError>(())
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::EmptyPeriod`] for a period with no days.
    pub fn proration(&self, part: &Period) -> Result<Decimal, CalendarError> {
        if self.is_empty() {
            return Err(CalendarError::EmptyPeriod(self.start));
        }
        Ok(Decimal::from(self.overlap_days(part)) / Decimal::from(self.days()))
    }

    /// The period cut at calendar month boundaries, first and last pieces partial.
    pub fn months(&self) -> impl Iterator<Item = Period> {
        let whole = *self;
        let first = Month::of(self.start);
        let count = if self.is_empty() {
            0
        } else {
            first.months_until(Month::of(self.end.pred_opt().unwrap_or(self.start))) + 1
        };
        (0..count).filter_map(move |i| {
            let m = first.checked_add(i32::try_from(i).ok()?).ok()?;
            Some(whole.intersection(&m.period()))
        })
    }

    /// The period cut at calendar quarter boundaries.
    pub fn quarters(&self) -> impl Iterator<Item = Period> {
        let whole = *self;
        let mut next = Quarter::of(self.start);
        let mut done = self.is_empty();
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let piece = whole.intersection(&next.period());
            let after = next.period().end();
            done = after >= whole.end;
            next = Quarter::of(after);
            Some(piece)
        })
    }

    /// The period's length as a fraction of a year under a day-count convention.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::DayCount;
    /// use revops::Period;
    /// use rust_decimal::Decimal;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let h1 = Period::new(d(1, 1), d(7, 1))?; // 181 days
    /// assert_eq!(h1.year_fraction(DayCount::Actual365Fixed), Decimal::from(181) / Decimal::from(365));
    /// assert_eq!(h1.year_fraction(DayCount::Thirty360), Decimal::new(5, 1)); // six 30-day months
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn year_fraction(&self, convention: DayCount) -> Decimal {
        convention.year_fraction(self.start, self.end)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.start, self.end)
    }
}

/// Day-count conventions for turning a date range into a fraction of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum DayCount {
    /// Actual days ÷ 365.
    #[default]
    Actual365Fixed,
    /// Actual days ÷ 360.
    Actual360,
    /// 30/360 bond basis (ISDA 2006 §4.16(f), QuantLib's `Thirty360::BondBasis`): every month
    /// counts 30 days; a start on the 31st counts as the 30th, and an end on the 31st as the
    /// 30th when the start is the 30th or 31st. It has no end-of-February rule: from 28 February
    /// 2026 to 31 March 2026 is 33 days (the SIA's "30/360 US", QuantLib's `Thirty360::USA`,
    /// moves a last day of February to the 30th and counts 30).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::DayCount;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// assert_eq!(DayCount::Thirty360.year_fraction(d(2, 28), d(3, 31)).to_string(), "0.0916666666666666666666666667"); // 33 ÷ 360
    /// assert_eq!(DayCount::Thirty360.year_fraction(d(1, 30), d(3, 31)).to_string(), "0.1666666666666666666666666667"); // 60 ÷ 360
    /// ```
    Thirty360,
}

impl DayCount {
    /// Year fraction from `start` to `end` (negative when `end` is earlier).
    pub fn year_fraction(self, start: NaiveDate, end: NaiveDate) -> Decimal {
        let days = match self {
            DayCount::Actual365Fixed | DayCount::Actual360 => (end - start).num_days(),
            DayCount::Thirty360 => {
                let d1 = start.day().min(30);
                let d2 = if end.day() == 31 && d1 == 30 { 30 } else { end.day() };
                360 * i64::from(end.year() - start.year())
                    + 30 * (i64::from(end.month()) - i64::from(start.month()))
                    + (i64::from(d2) - i64::from(d1))
            }
        };
        let basis = if self == DayCount::Actual365Fixed { 365 } else { 360 };
        Decimal::from(days) / Decimal::from(basis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn inclusive_and_half_open_agree() {
        let a = Period::inclusive(d(2026, 1, 1), d(2026, 12, 31)).unwrap();
        assert_eq!(a, Period::new(d(2026, 1, 1), d(2027, 1, 1)).unwrap());
        assert_eq!(a.days(), 365);
        assert_eq!(a.last_day(), Some(d(2026, 12, 31)));
        assert!(Period::inclusive(d(2026, 2, 1), d(2026, 1, 31)).is_err());
    }

    #[test]
    fn proration_vectors() {
        // Lago's example: 14 of 31 days of January.
        let jan = Month::new(2026, 1).unwrap().period();
        let used = Period::new(d(2026, 1, 18), d(2026, 2, 1)).unwrap();
        assert_eq!(jan.proration(&used).unwrap(), Decimal::from(14) / Decimal::from(31));
        assert_eq!(jan.proration(&jan).unwrap(), Decimal::ONE);
        let outside = Period::new(d(2026, 3, 1), d(2026, 3, 5)).unwrap();
        assert_eq!(jan.proration(&outside).unwrap(), Decimal::ZERO);
        let empty = Period::new(d(2026, 1, 1), d(2026, 1, 1)).unwrap();
        assert!(empty.proration(&jan).is_err());
    }

    #[test]
    fn quarters_split() {
        let p = Period::new(d(2026, 2, 10), d(2026, 8, 1)).unwrap();
        let q: Vec<i64> = p.quarters().map(|x| x.days()).collect();
        assert_eq!(q, [50, 91, 31]);
        assert_eq!(q.iter().sum::<i64>(), p.days());
    }

    #[test]
    fn day_counts() {
        let y = Period::new(d(2026, 1, 31), d(2026, 7, 31)).unwrap();
        assert_eq!(y.year_fraction(DayCount::Thirty360), Decimal::new(5, 1));
        assert_eq!(y.year_fraction(DayCount::Actual360), Decimal::from(181) / Decimal::from(360));
    }
}
