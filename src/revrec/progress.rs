//! Measures of progress: the exact fraction of an obligation satisfied before a cut-off date.
//!
//! Every measure is computed in integers or exact decimals with checked arithmetic, and the
//! monthly ones by calendar arithmetic rather than by listing months, so a service period that
//! spans chrono's whole date range costs no more than a year's.

use chrono::NaiveDate;

use super::{RevRecError, SatisfactionPattern};
use crate::calendar::{add_months_anchored, AnchorPolicy, CalendarError, Month, Period};
use crate::money::{checked_sum, Ratio};

/// The moment progress is measured at.
///
/// Performance — days of service, goods transferred, milestones reached, units used — counts
/// when dated before `performed_before`. Measurements — percent-complete reports and (for the
/// allocation) variable-consideration estimates — count when dated before `measured_before`.
/// At a period end both are the period's exclusive end. At a contract modification the
/// effective day's performance belongs to the modified contract while the effective day's
/// measurements are the ones made at the modification (ASC 606-10-25-13(b)), so
/// `performed_before` is the effective date and `measured_before` the day after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AsAt {
    pub(crate) performed_before: NaiveDate,
    pub(crate) measured_before: NaiveDate,
}

impl AsAt {
    /// Everything dated before `cut`.
    pub(crate) fn before(cut: NaiveDate) -> AsAt {
        AsAt { performed_before: cut, measured_before: cut }
    }

    /// As at a modification effective on `effective`: performance before it, measurements on or
    /// before it.
    pub(crate) fn modification(effective: NaiveDate) -> Result<AsAt, RevRecError> {
        let measured_before = effective.succ_opt().ok_or(CalendarError::OutOfRange("modification date"))?;
        Ok(AsAt { performed_before: effective, measured_before })
    }
}

impl SatisfactionPattern {
    /// The fraction of the obligation satisfied on days before `cut` (exclusive), in `[0, 1]`
    /// except where a lower percent-complete report reverses earlier progress.
    ///
    /// Monthly patterns recognise a month's share in the calendar month it belongs to: a cut in
    /// the middle of a month counts that month in full.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::Period;
    /// use revops::money::Ratio;
    /// use revops::revrec::SatisfactionPattern;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let service = SatisfactionPattern::RatablyByDay(Period::new(d(1, 1), d(1, 11))?);
    /// assert_eq!(service.progress_before(d(1, 4))?, Ratio::new(3, 10)?);
    /// let empty = SatisfactionPattern::RatablyByDay(Period::new(d(1, 1), d(1, 1))?);
    /// assert!(empty.progress_before(d(1, 4)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`RevRecError::Pattern`] when the pattern breaks its own rules (an empty service period,
    /// no milestones or a weight that is not positive, progress outside [0%, 100%], a commitment
    /// that is not positive or negative usage); an overflowing sum of weights or usage.
    pub fn progress_before(&self, cut: NaiveDate) -> Result<Ratio, RevRecError> {
        self.check()?;
        self.progress_at(AsAt::before(cut))
    }

    /// The fraction of a checked pattern satisfied as at `at` (see [`AsAt`]).
    pub(crate) fn progress_at(&self, at: AsAt) -> Result<Ratio, RevRecError> {
        let cut = at.performed_before;
        Ok(match self {
            SatisfactionPattern::RatablyByDay(p) => by_day(p, cut)?,
            SatisfactionPattern::RatablyByMonth(p) => ServiceMonths::of(p).done_before(cut)?,
            SatisfactionPattern::RatablyByMonthProrated(p) => by_month_prorated(p, cut)?,
            SatisfactionPattern::PointInTime(d) => {
                if *d < cut {
                    Ratio::ONE
                } else {
                    Ratio::ZERO
                }
            }
            SatisfactionPattern::Milestones(ms) => {
                let total = checked_sum(ms.iter().map(|m| m.weight))?;
                let done = checked_sum(ms.iter().filter(|m| m.achieved.is_some_and(|d| d < cut)).map(|m| m.weight))?;
                Ratio::of_decimals(done, total)?
            }
            SatisfactionPattern::PercentComplete(reports) => {
                let latest = reports
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.as_of < at.measured_before)
                    .max_by_key(|(i, r)| (r.as_of, *i));
                match latest {
                    Some((_, r)) => Ratio::from_decimal(r.complete.fraction())?,
                    None => Ratio::ZERO,
                }
            }
            SatisfactionPattern::Usage { committed, reports } => {
                let used = checked_sum(reports.iter().filter(|r| r.date < cut).map(|r| r.quantity))?;
                Ratio::of_decimals(used.min(*committed), *committed)?
            }
        })
    }

    /// The last date on which this pattern can still change progress, if it is known.
    pub fn completes_by(&self) -> Option<NaiveDate> {
        match self {
            SatisfactionPattern::RatablyByDay(p)
            | SatisfactionPattern::RatablyByMonth(p)
            | SatisfactionPattern::RatablyByMonthProrated(p) => p.last_day(),
            SatisfactionPattern::PointInTime(d) => Some(*d),
            _ => None,
        }
    }
}

/// Days of `p` before `cut`.
fn elapsed_days(p: &Period, cut: NaiveDate) -> i64 {
    p.overlap_days(&Period::new(p.start(), cut.max(p.start())).unwrap_or(*p))
}

fn by_day(p: &Period, cut: NaiveDate) -> Result<Ratio, RevRecError> {
    Ok(Ratio::new(i128::from(elapsed_days(p, cut)), i128::from(p.days()))?)
}

/// Stripe's "monthly, evenly": one equal share per monthly anniversary that starts inside the
/// term, recognised in the calendar month in which it starts.
///
/// Anniversaries step by whole months from the start (day of month clamped to shorter months),
/// so the k-th falls in the k-th calendar month after the start's: they are one per calendar
/// month, from the start's month on, and only the one in the end's month can fall on or after
/// the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServiceMonths {
    start: NaiveDate,
    first: Month,
    count: i64,
}

impl ServiceMonths {
    /// The service months of a non-empty period.
    pub(crate) fn of(p: &Period) -> ServiceMonths {
        let first = Month::of(p.start());
        let k = first.months_until(Month::of(p.end()));
        let kth_before_end = i32::try_from(k)
            .ok()
            .and_then(|k| add_months_anchored(p.start(), k, AnchorPolicy::DayOfMonth).ok())
            .is_some_and(|d| d < p.end());
        ServiceMonths { start: p.start(), first, count: k + i64::from(kth_before_end) }
    }

    /// Months whose calendar month has begun before `cut`, as a share of all.
    pub(crate) fn done_before(&self, cut: NaiveDate) -> Result<Ratio, RevRecError> {
        Ok(Ratio::new(i128::from(self.count_done_before(cut)), i128::from(self.count))?)
    }

    fn count_done_before(&self, cut: NaiveDate) -> i64 {
        if cut <= self.start {
            0
        } else {
            let cut_month = Month::of(cut.pred_opt().unwrap_or(cut));
            self.first.months_until(cut_month).saturating_add(1).clamp(0, self.count)
        }
    }

    /// The service period of the shares not begun before `cut`, as a period whose own service
    /// months are exactly those shares, in the same calendar months: from the first remaining
    /// anniversary to the original end, or to the first day of the month after the last share
    /// when that comes sooner (a month-end anniversary clamped in a short month would otherwise
    /// step one share past it). `None` when every share has begun.
    pub(crate) fn remainder(p: &Period, cut: NaiveDate) -> Result<Option<Period>, RevRecError> {
        let months = ServiceMonths::of(p);
        let done = months.count_done_before(cut);
        if done >= months.count {
            return Ok(None);
        }
        let out_of_range = || CalendarError::OutOfRange("remaining service months");
        let step = |k: i64| i32::try_from(k).map_err(|_| out_of_range());
        let start = add_months_anchored(p.start(), step(done)?, AnchorPolicy::DayOfMonth)?;
        // beyond the last month chrono can count, the original end comes first anyway
        let after_last = months.first.checked_add(step(months.count)?).map_or(p.end(), Month::first_day);
        Ok(Some(Period::new(start, p.end().min(after_last))?))
    }
}

impl ServiceMonths {
    /// As [`ServiceMonths::remainder`], for a cut whose calendar month was only partly
    /// recognised before it: the shares from the cut's month on, as a period starting no
    /// earlier than `cut` whose service months are exactly those shares, in the same calendar
    /// months. It ends where the remainder does, or at the end of that month when an
    /// anniversary on the cut's day would otherwise fall after it and drop the last share.
    pub(crate) fn remainder_from_month_of(p: &Period, cut: NaiveDate) -> Result<Option<Period>, RevRecError> {
        let Some(rest) = ServiceMonths::remainder(p, Month::of(cut).first_day())? else {
            return Ok(None);
        };
        let start = rest.start().max(cut);
        if start >= rest.end() {
            return Ok(None);
        }
        let shares = ServiceMonths::of(&rest).count;
        let candidate = Period::new(start, rest.end())?;
        if ServiceMonths::of(&candidate).count == shares {
            return Ok(Some(candidate));
        }
        let month_end = Month::of(rest.last_day().unwrap_or(start)).end();
        Ok(Some(Period::new(start, month_end)?))
    }
}

/// The service period of a [`SatisfactionPattern::RatablyByMonthProrated`] obligation still to
/// be recognised from `cut`: from `cut`, or from the next month's first day when `cut` falls
/// inside a whole month, which has begun and so is recognised in full before `cut`. `None` when
/// nothing is left.
pub(crate) fn prorated_remainder(p: &Period, cut: NaiveDate) -> Result<Option<Period>, RevRecError> {
    let cut = cut.max(p.start());
    let month = Month::of(cut);
    let begun_whole = cut != month.first_day() && p.intersection(&month.period()).days() == i64::from(month.days());
    let start = if begun_whole { month.end() } else { cut };
    Ok(if start < p.end() { Some(Period::new(start, p.end())?) } else { None })
}

/// Stripe's "monthly, evenly, first and last month prorated": partial first and last calendar
/// months at the daily rate, every whole month an equal share of the rest.
fn by_month_prorated(p: &Period, cut: NaiveDate) -> Result<Ratio, RevRecError> {
    let first = Month::of(p.start());
    let last = Month::of(p.last_day().unwrap_or(p.start()));
    let whole = |piece: &Period| piece.days() == i64::from(Month::of(piece.start()).days());
    // the first and last calendar months may be partial; those between are whole
    let edges: Vec<Period> =
        if first == last { vec![*p] } else { vec![p.intersection(&first.period()), p.intersection(&last.period())] };
    let between = (first.months_until(last) - 1).max(0);
    let total_days = i128::from(p.days());
    let partial_days: i128 = edges.iter().filter(|x| !whole(x)).map(|x| i128::from(x.days())).sum();
    let full_months = i128::from(between) + edges.iter().filter(|x| whole(x)).count() as i128;
    if full_months == 0 {
        return by_day(p, cut);
    }
    // In units of 1 / (total_days × full_months): a partial day is worth `full_months`, a whole
    // month `total_days − partial_days`. A whole month counts once it has begun before the cut.
    let month_units = total_days - partial_days;
    let cut_month = Month::of(cut.pred_opt().unwrap_or(cut));
    let between_begun = i128::from(first.months_until(cut_month).clamp(0, between));
    let mut done = between_begun * month_units;
    for piece in edges.iter().filter(|x| x.start() < cut) {
        done += if whole(piece) { month_units } else { i128::from(elapsed_days(piece, cut)) * full_months };
    }
    Ok(Ratio::new(done, total_days * full_months)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Anniversaries;

    /// The measures as first written, month by month, as the reference for the arithmetic ones.
    fn service_months_listed(p: &Period, cut: NaiveDate) -> Ratio {
        let starts = || Anniversaries::new(p.start(), 1).unwrap().take_while(move |d| *d < p.end());
        let total = starts().count() as i128;
        let cut_month = Month::of(cut.pred_opt().unwrap_or(cut));
        let done =
            if cut <= p.start() { 0 } else { starts().take_while(|d| Month::of(*d) <= cut_month).count() as i128 };
        Ratio::new(done, total).unwrap()
    }

    fn prorated_listed(p: &Period, cut: NaiveDate) -> Ratio {
        let total_days = i128::from(p.days());
        let pieces: Vec<Period> = p.months().collect();
        let whole = |piece: &Period| piece.days() == i64::from(Month::of(piece.start()).days());
        let partial_days: i128 = pieces.iter().filter(|x| !whole(x)).map(|x| i128::from(x.days())).sum();
        let full_months = pieces.iter().filter(|x| whole(x)).count() as i128;
        if full_months == 0 {
            return by_day(p, cut).unwrap();
        }
        let mut done: i128 = 0;
        for piece in pieces.iter().filter(|x| x.start() < cut) {
            done += if whole(piece) {
                total_days - partial_days
            } else {
                i128::from(elapsed_days(piece, cut)) * full_months
            };
        }
        Ratio::new(done, total_days * full_months).unwrap()
    }

    #[test]
    fn monthly_measures_match_the_month_by_month_reference() {
        let base = NaiveDate::from_ymd_opt(2027, 12, 20).unwrap();
        let day = |n: i64| base + chrono::Duration::days(n);
        // starts around month ends and a leap February, lengths from a day to three years,
        // cuts before, inside and after
        for start in (0..80).step_by(3) {
            for len in [1, 2, 9, 27, 28, 29, 30, 31, 32, 45, 59, 60, 61, 365, 366, 400, 1096] {
                let p = Period::new(day(start), day(start + len)).unwrap();
                for cut in (-3..len + 40).step_by(4).map(|c| day(start + c)) {
                    assert_eq!(
                        ServiceMonths::of(&p).done_before(cut).unwrap(),
                        service_months_listed(&p, cut),
                        "{p} {cut}"
                    );
                    assert_eq!(by_month_prorated(&p, cut).unwrap(), prorated_listed(&p, cut), "{p} {cut}");
                }
            }
        }
    }

    /// The calendar months of a by-month period's shares that begin on or after `cut`.
    /// Service periods of many lengths across a leap February, each with cuts from before its
    /// start to past its end.
    fn periods_and_cuts() -> impl Iterator<Item = (Period, NaiveDate)> {
        let base = NaiveDate::from_ymd_opt(2027, 12, 20).unwrap();
        let day = move |n: i64| base + chrono::Duration::days(n);
        (0..80).step_by(3).flat_map(move |start| {
            [1, 2, 9, 27, 28, 29, 30, 31, 32, 45, 59, 60, 61, 365, 366, 400].into_iter().flat_map(move |len| {
                let p = Period::new(day(start), day(start + len)).unwrap();
                (-3..len + 40).step_by(4).map(move |c| (p, day(start + c)))
            })
        })
    }

    fn share_months_from(p: &Period, cut: NaiveDate) -> Vec<Month> {
        let cut_month = Month::of(cut.pred_opt().unwrap_or(cut));
        Anniversaries::new(p.start(), 1)
            .unwrap()
            .take_while(|d| *d < p.end())
            .map(Month::of)
            .filter(|m| cut <= p.start() || *m > cut_month)
            .collect()
    }

    #[test]
    fn the_remainder_of_a_by_month_period_has_the_remaining_shares_in_their_months() {
        for (p, cut) in periods_and_cuts() {
            let want = share_months_from(&p, cut);
            match ServiceMonths::remainder(&p, cut).unwrap() {
                None => assert!(want.is_empty(), "{p} {cut}"),
                Some(rest) => {
                    assert!(rest.start() >= cut && rest.end() <= p.end(), "{p} {cut}: {rest}");
                    assert_eq!(share_months_from(&rest, rest.start()), want, "{p} {cut}: {rest}");
                }
            }
        }
    }

    #[test]
    fn the_remainder_from_a_partly_recognised_month_has_that_months_share_and_the_rest_in_their_months() {
        for (p, cut) in periods_and_cuts() {
            // a service ended before the cut has nothing left, whatever its pattern
            let want = if cut < p.end() { share_months_from(&p, Month::of(cut).first_day()) } else { Vec::new() };
            match ServiceMonths::remainder_from_month_of(&p, cut).unwrap() {
                None => assert!(want.is_empty(), "{p} {cut}"),
                Some(rest) => {
                    assert!(rest.start() >= cut, "{p} {cut}: {rest}");
                    assert_eq!(share_months_from(&rest, rest.start()), want, "{p} {cut}: {rest}");
                }
            }
        }
    }

    #[test]
    fn a_service_period_spanning_every_date_is_measured_without_listing_months() {
        let p = Period::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
        let mid = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        for pattern in [
            SatisfactionPattern::RatablyByDay(p),
            SatisfactionPattern::RatablyByMonth(p),
            SatisfactionPattern::RatablyByMonthProrated(p),
        ] {
            let done = pattern.progress_before(mid).unwrap();
            assert!(done > Ratio::ZERO && done < Ratio::ONE, "{pattern:?}");
            assert_eq!(pattern.progress_before(NaiveDate::MAX).unwrap(), Ratio::ONE);
        }
    }
}
