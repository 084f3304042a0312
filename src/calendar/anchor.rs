use chrono::{Datelike, Months, NaiveDate};

use super::{CalendarError, Period};

/// How a monthly anniversary lands in months shorter than the anchor's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum AnchorPolicy {
    /// Keep the anchor's day of month, clamped to the month's last day: an anchor on Jan 31
    /// gives Feb 28 (29), Mar 31, Apr 30; an anchor on Apr 30 gives May 30. (Stripe's rule.)
    #[default]
    DayOfMonth,
    /// An anchor on the last day of its month stays on month ends: Apr 30 gives May 31, Jun 30.
    /// Anchors on other days behave as [`AnchorPolicy::DayOfMonth`].
    EndOfMonth,
}

/// The date `months` months after `anchor` (before, when negative), computed from the anchor
/// itself, never from the previous step, so that a short month never shifts later dates.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::{add_months_anchored, AnchorPolicy};
/// let jan31 = NaiveDate::from_ymd_opt(2028, 1, 31).unwrap();
/// let steps: Vec<String> = (1..=3)
///     .map(|n| add_months_anchored(jan31, n, AnchorPolicy::DayOfMonth).unwrap().to_string())
///     .collect();
/// assert_eq!(steps, ["2028-02-29", "2028-03-31", "2028-04-30"]);
/// ```
///
/// # Errors
/// [`CalendarError::OutOfRange`] for a date beyond chrono's range.
pub fn add_months_anchored(anchor: NaiveDate, months: i32, policy: AnchorPolicy) -> Result<NaiveDate, CalendarError> {
    let out_of_range = CalendarError::OutOfRange("anniversary");
    // chrono clamps to the last day of a shorter month, which is exactly the day-of-month rule.
    let stepped = if months >= 0 {
        anchor.checked_add_months(Months::new(months.unsigned_abs()))
    } else {
        anchor.checked_sub_months(Months::new(months.unsigned_abs()))
    }
    .ok_or(out_of_range.clone())?;
    let anchor_is_month_end = anchor.succ_opt().is_none_or(|next| next.month() != anchor.month());
    if policy == AnchorPolicy::EndOfMonth && anchor_is_month_end {
        let first_of_next =
            stepped.with_day(1).and_then(|f| f.checked_add_months(Months::new(1))).ok_or(out_of_range.clone())?;
        return first_of_next.pred_opt().ok_or(out_of_range);
    }
    Ok(stepped)
}

/// Anniversary dates every `step_months` from an anchor: the anchor itself, then each step.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Anniversaries;
/// let anchor = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
/// let yearly: Vec<String> = Anniversaries::new(anchor, 12)?.take(3).map(|d| d.to_string()).collect();
/// assert_eq!(yearly, ["2024-02-29", "2025-02-28", "2026-02-28"]);
/// # Ok::<(), revops::calendar::CalendarError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Anniversaries {
    anchor: NaiveDate,
    step_months: u32,
    policy: AnchorPolicy,
    next: u32,
}

impl Anniversaries {
    /// Every `step_months` (1 monthly, 3 quarterly, 12 annual) from `anchor`, day-of-month rule.
    ///
    /// # Errors
    /// [`CalendarError::ZeroStep`] for a step of zero months.
    pub fn new(anchor: NaiveDate, step_months: u32) -> Result<Anniversaries, CalendarError> {
        if step_months == 0 {
            return Err(CalendarError::ZeroStep);
        }
        Ok(Anniversaries { anchor, step_months, policy: AnchorPolicy::default(), next: 0 })
    }

    /// Choose the month-end policy.
    pub fn with_policy(mut self, policy: AnchorPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The `n`-th anniversary (0 is the anchor).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::{AnchorPolicy, Anniversaries};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // billed on the 30th of April: the day-of-month rule keeps the 30th where the month has one
    /// let monthly = Anniversaries::new(d(2026, 4, 30), 1)?;
    /// assert_eq!(monthly.nth_date(1)?, d(2026, 5, 30));
    /// assert_eq!(monthly.nth_date(10)?, d(2027, 2, 28)); // February has no 30th
    /// // the month-end rule follows month ends instead
    /// let month_ends = Anniversaries::new(d(2026, 4, 30), 1)?.with_policy(AnchorPolicy::EndOfMonth);
    /// assert_eq!(month_ends.nth_date(1)?, d(2026, 5, 31));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] for a date beyond chrono's range.
    pub fn nth_date(&self, n: u32) -> Result<NaiveDate, CalendarError> {
        let months = n.checked_mul(self.step_months).and_then(|m| i32::try_from(m).ok());
        add_months_anchored(self.anchor, months.ok_or(CalendarError::OutOfRange("anniversary"))?, self.policy)
    }

    /// The consecutive periods between anniversaries, `[dₙ, dₙ₊₁)`.
    pub fn periods(self) -> impl Iterator<Item = Period> {
        let mut dates = self.peekable();
        std::iter::from_fn(move || {
            let start = dates.next()?;
            let end = *dates.peek()?;
            Some(Period::from_ordered(start, end))
        })
    }
}

impl Iterator for Anniversaries {
    type Item = NaiveDate;

    fn next(&mut self) -> Option<NaiveDate> {
        let date = self.nth_date(self.next).ok()?;
        self.next = self.next.checked_add(1)?;
        Some(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_end_anchor_every_month_of_a_leap_and_a_common_year() {
        // Anchor Jan 31: each month's date is min(31, days in month), never drifting to the 28th.
        for year in [2027, 2028] {
            let dates: Vec<NaiveDate> = Anniversaries::new(d(year, 1, 31), 1).unwrap().take(13).collect();
            for (i, date) in dates.iter().enumerate() {
                let month = crate::calendar::Month::of(*date);
                assert_eq!(date.day(), month.days().min(31), "step {i} of {year}");
                assert_eq!(month, crate::calendar::Month::new(year, 1).unwrap().checked_add(i as i32).unwrap());
            }
        }
    }

    #[test]
    fn end_of_month_policy() {
        let a = Anniversaries::new(d(2026, 4, 30), 1).unwrap();
        let plain: Vec<_> = a.clone().take(3).collect();
        assert_eq!(plain, [d(2026, 4, 30), d(2026, 5, 30), d(2026, 6, 30)]);
        let eom: Vec<_> = a.with_policy(AnchorPolicy::EndOfMonth).take(4).collect();
        assert_eq!(eom, [d(2026, 4, 30), d(2026, 5, 31), d(2026, 6, 30), d(2026, 7, 31)]);
        // Feb 28 in a common year is a month end too.
        let feb = add_months_anchored(d(2027, 2, 28), 1, AnchorPolicy::EndOfMonth).unwrap();
        assert_eq!(feb, d(2027, 3, 31));
    }

    #[test]
    fn year_end_and_backwards() {
        assert_eq!(add_months_anchored(d(2026, 12, 31), 2, AnchorPolicy::DayOfMonth).unwrap(), d(2027, 2, 28));
        assert_eq!(add_months_anchored(d(2026, 3, 31), -1, AnchorPolicy::DayOfMonth).unwrap(), d(2026, 2, 28));
        assert!(add_months_anchored(NaiveDate::MAX, 1, AnchorPolicy::DayOfMonth).is_err());
        assert!(Anniversaries::new(d(2026, 1, 1), 0).is_err());
    }

    #[test]
    fn periods_tile_without_gaps() {
        let periods: Vec<Period> = Anniversaries::new(d(2026, 1, 31), 1).unwrap().periods().take(12).collect();
        for pair in periods.windows(2) {
            assert_eq!(pair[0].end(), pair[1].start());
        }
        assert_eq!(periods[0].days(), 28);
    }
}
