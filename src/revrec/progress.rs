//! Measures of progress: the exact fraction of an obligation satisfied before a cut-off date.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{RevRecError, SatisfactionPattern};
use crate::calendar::{Anniversaries, CalendarError, Month, Period};
use crate::money::Ratio;

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
    pub fn progress_before(&self, cut: NaiveDate) -> Result<Ratio, RevRecError> {
        self.progress_at(AsAt::before(cut))
    }

    /// The fraction satisfied as at `at` (see [`AsAt`]).
    pub(crate) fn progress_at(&self, at: AsAt) -> Result<Ratio, RevRecError> {
        let cut = at.performed_before;
        Ok(match self {
            SatisfactionPattern::RatablyByDay(p) => by_day(p, cut)?,
            SatisfactionPattern::RatablyByMonth(p) => by_service_month(p, cut)?,
            SatisfactionPattern::RatablyByMonthProrated(p) => by_month_prorated(p, cut)?,
            SatisfactionPattern::PointInTime(d) => {
                if *d < cut {
                    Ratio::ONE
                } else {
                    Ratio::ZERO
                }
            }
            SatisfactionPattern::Milestones(ms) => {
                let total: Decimal = ms.iter().map(|m| m.weight).sum();
                let done: Decimal = ms.iter().filter(|m| m.achieved.is_some_and(|d| d < cut)).map(|m| m.weight).sum();
                Ratio::of_decimals(done, total)?
            }
            SatisfactionPattern::PercentComplete(reports) => {
                let latest =
                    reports.iter().enumerate().filter(|(_, r)| r.as_of < at.measured_before).max_by_key(|(i, r)| (r.as_of, *i));
                match latest {
                    Some((_, r)) => Ratio::from_decimal(r.complete)?,
                    None => Ratio::ZERO,
                }
            }
            SatisfactionPattern::Usage { committed, reports } => {
                let used: Decimal = reports.iter().filter(|r| r.date < cut).map(|r| r.quantity).sum();
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

fn elapsed_days(p: &Period, cut: NaiveDate) -> i64 {
    p.overlap_days(&Period::new(p.start(), cut.max(p.start())).unwrap_or(*p))
}

fn by_day(p: &Period, cut: NaiveDate) -> Result<Ratio, RevRecError> {
    Ok(Ratio::new(i128::from(elapsed_days(p, cut)), i128::from(p.days()))?)
}

/// Stripe's "monthly, evenly": one equal share per monthly anniversary that starts inside the
/// term, recognised in the calendar month in which it starts.
fn by_service_month(p: &Period, cut: NaiveDate) -> Result<Ratio, RevRecError> {
    let starts = || Anniversaries::new(p.start(), 1).map(|a| a.take_while(move |d| *d < p.end()));
    let total = starts()?.count() as i128;
    // a month counts once its calendar month has begun before the cut
    let cut_month = Month::of(cut.pred_opt().unwrap_or(cut));
    let done = if cut <= p.start() { 0 } else { starts()?.take_while(|d| Month::of(*d) <= cut_month).count() as i128 };
    Ok(Ratio::new(done, total)?)
}

/// Stripe's "monthly, evenly, first and last month prorated": partial first and last calendar
/// months at the daily rate, every whole month an equal share of the rest.
fn by_month_prorated(p: &Period, cut: NaiveDate) -> Result<Ratio, RevRecError> {
    let total_days = i128::from(p.days());
    let pieces: Vec<Period> = p.months().collect();
    let whole = |piece: &Period| piece.days() == i64::from(Month::of(piece.start()).days());
    let partial_days: i128 = pieces.iter().filter(|x| !whole(x)).map(|x| i128::from(x.days())).sum();
    let full_months = pieces.iter().filter(|x| whole(x)).count() as i128;
    if full_months == 0 {
        return by_day(p, cut);
    }
    // In units of 1 / (total_days × full_months): a partial day is worth `full_months`, a whole
    // month `total_days − partial_days`.
    let mut done: i128 = 0;
    for piece in pieces.iter().filter(|x| x.start() < cut) {
        done +=
            if whole(piece) { total_days - partial_days } else { i128::from(elapsed_days(piece, cut)) * full_months };
    }
    Ok(Ratio::new(done, total_days * full_months)?)
}
