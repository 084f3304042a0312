//! Velocity toward a milestone, and growth-risk signals.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::metrics::add;
use super::{ArrBook, ArrError};
use crate::calendar::Month;
use crate::money::{Money, MoneyError};

impl ArrBook {
    /// The `months`-month window ending with `at`: the index of the month end before it
    /// (`None` for the book's opening) and of `at`.
    pub(crate) fn window(&self, at: Month, months: u32) -> Result<(Option<usize>, usize), ArrError> {
        if months == 0 {
            return Err(ArrError::EmptyWindow);
        }
        let k = self.index_of(at)?;
        match (k + 1).checked_sub(months as usize) {
            Some(from) => Ok((from.checked_sub(1), k)),
            None => Err(ArrError::WindowOutsideBook {
                at,
                months,
                opening: self.first.checked_add(-1).unwrap_or(self.first),
            }),
        }
    }
}

/// How fast ARR is growing, measured over the last periods of the book: the window's net new
/// ARR as its bridge shows it ([`ArrBridge::net_new`](super::ArrBridge::net_new), in the
/// currency's minor unit, FX excluded) over the window's days. That quotient is the exact
/// rate; each figure below is rounded once from it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Velocity {
    /// Net new ARR per day over the window, rounded to the currency's minor unit.
    pub per_day: Money,
    /// Per week (7 days), rounded once from the exact rate.
    pub per_week: Money,
    /// Per average month (365.25 ÷ 12 days), rounded once from the exact rate.
    pub per_month: Money,
    /// Slope of per-period net new ARR per day across the window, in currency units per day per
    /// period: positive means accelerating. `None` with fewer than two periods.
    pub trend: Option<f64>,
}

impl ArrBook {
    /// Velocity over the `window` months ending with `at`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// // a new $1,000-a-month customer on the 10th of February and of March
    /// let events = [
    ///     Ev::start("e1", "a", "s", d(1, 10), usd("1000"), Interval::Month),
    ///     Ev::start("e2", "b", "s", d(2, 10), usd("1000"), Interval::Month),
    ///     Ev::start("e3", "c", "s", d(3, 10), usd("1000"), Interval::Month),
    /// ];
    /// let (jan, mar) = (Month::new(2026, 1)?, Month::new(2026, 3)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=mar, &InMemoryFxRates::new())?;
    /// // February and March added $24,000 of ARR over their 59 days
    /// let v = book.velocity(mar, 2)?;
    /// assert_eq!(v.per_day, usd("406.78"));
    /// assert!(book.velocity(mar, 0).is_err()); // an empty window is an error, not one month
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`]; [`ArrError::EmptyWindow`] for a window of 0;
    /// [`ArrError::WindowOutsideBook`] when the window starts before the book; a money
    /// overflow.
    pub fn velocity(&self, at: Month, window: u32) -> Result<Velocity, ArrError> {
        let w = self.net_new_over(at, window)?;
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for j in w.months.clone() {
            let b = self.bridge(self.month_of(j), self.month_of(j))?;
            xs.push(j as f64);
            ys.push(b.net_new()?.to_f64_lossy() / self.periods[j].days() as f64);
        }
        Ok(Velocity {
            per_day: w.rate(Decimal::ONE)?,
            per_week: w.rate(Decimal::from(7))?,
            per_month: w.rate(Decimal::new(304375, 4))?,
            trend: crate::stats::linear_fit(&xs, &ys).map(|(_, slope)| slope),
        })
    }

    /// Net new ARR over the `window` months ending with `at`, and the days they span.
    fn net_new_over(&self, at: Month, window: u32) -> Result<WindowNetNew, ArrError> {
        let (before, k) = self.window(at, window)?;
        let from = before.map_or(0, |b| b + 1);
        let net = self.bridge(self.month_of(from), at)?.net_new()?;
        let days = self.periods[from..=k].iter().map(|p| p.days()).sum::<i64>();
        Ok(WindowNetNew { net, days: Decimal::from(days), months: from..=k })
    }
}

/// A velocity window's net new ARR and its days: the exact rate is `net ÷ days` a day.
struct WindowNetNew {
    net: Money,
    days: Decimal,
    /// The window's month indices.
    months: std::ops::RangeInclusive<usize>,
}

impl WindowNetNew {
    /// Net new ARR per `days_per` days, worked out from the net new ARR and rounded once:
    /// scaling the rounded (or the inexact) daily rate would miss a half cent ($774 over 487
    /// days is exactly $48.375 an average month, which rounds to $48.38).
    fn rate(&self, days_per: Decimal) -> Result<Money, ArrError> {
        Ok(self.net.checked_mul(days_per)?.checked_div(self.days)?.round())
    }
}

/// A target ARR, optionally by a date (for example $1B by the end of FY2028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Milestone {
    /// The ARR to reach.
    pub target: Money,
    /// When it should be reached, if there is a plan.
    pub by: Option<NaiveDate>,
}

/// Where ARR stands against a milestone.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MilestoneProgress {
    /// The date measured at.
    pub as_of: NaiveDate,
    /// ARR now, as booked (FX included; the pace towards the target excludes FX).
    pub current: Money,
    /// The target.
    pub target: Money,
    /// `current ÷ target`.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub progress: Decimal,
    /// Still to add.
    pub remaining: Money,
    /// Actual net new ARR per day, rounded to the minor unit (the comparisons and the days to
    /// the target use the exact rate: net new ARR over the window ÷ its days).
    pub actual_per_day: Money,
    /// Net new ARR per day needed to hit the target by its date: zero once it is met (reached
    /// before its date, or met on it); `None` for a milestone without a date, and once its date
    /// has passed short of it (a date on `as_of` has: ARR is measured at the end of that day,
    /// and no day is left).
    pub required_per_day: Option<Money>,
    /// Days to the target at the actual velocity, exactly: ⌈remaining × days in the window ÷ net
    /// new ARR in it⌉; 0 once the target is reached (whatever the velocity), `None` when not
    /// growing short of it.
    pub days_to_target: Option<i64>,
    /// The date the target is reached at the actual velocity (`None` when not growing, or
    /// when that date is past the last one chrono holds).
    pub eta: Option<NaiveDate>,
    /// Whether the milestone is met or on its way. Before its date: true when the target is
    /// reached, or when the actual velocity meets the required one (both exact, unrounded:
    /// $3.2258 a day does not meet $3.229, though both show as $3.23). Without a date: true
    /// when the target is reached or while ARR grows (the target is then reached at the actual
    /// velocity, on `eta`). Once its date has passed, a milestone is met or missed for good,
    /// judged by ARR at the end of the date's month as [`ArrBook::arr_at`] reports it (rounded
    /// to the minor unit, as `current` is; a date inside a month is judged at that month's
    /// end): one met then and lost since stays true, one reached only later stays false
    /// (`current`, `progress` and `remaining` still say where ARR stands at `as_of`). A date
    /// before the book's opening, whose ARR the book does not know, is judged by ARR at
    /// `as_of`.
    pub on_track: bool,
}

impl Milestone {
    /// Progress at the end of `at` in `book`, with velocity measured over `window` months.
    ///
    /// ```
    /// # use revops::arr::Milestone;
    /// # use revops::{Currency, Money};
    /// let m = Milestone { target: Money::parse("1000000000", Currency::USD)?, by: None };
    /// # let _ = m;
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The errors of [`ArrBook::velocity`]; a money error when the target is in another
    /// currency, or when the days to target do not fit an `i64` or the progress a `Decimal`
    /// (a target near `Decimal::MAX`, say).
    pub fn progress(&self, book: &ArrBook, at: Month, window: u32) -> Result<MilestoneProgress, ArrError> {
        let current = book.arr_at(at)?;
        let as_of = at.last_day();
        // the comparisons and the days to go use the exact rate, net ÷ days: the daily rate
        // shown is rounded to the minor unit, which can read $0.00 for a book that grows, or
        // meet a required rate it falls short of
        let w = book.net_new_over(at, window)?;
        let actual_per_day = w.rate(Decimal::ONE)?;
        let (net, days) = (w.net.amount(), w.days);
        let growing = net > Decimal::ZERO;
        let remaining = self.target.checked_sub(current)?;
        let reached = remaining.amount() <= Decimal::ZERO;
        let overflow = |what| ArrError::from(MoneyError::Overflow(what));
        let days_to_target = if reached {
            Some(0)
        } else if growing {
            // ⌈remaining ÷ (net ÷ days)⌉ = ⌈remaining × days ÷ net⌉
            let to_go = remaining.amount().checked_mul(days).and_then(|x| x.checked_div(net));
            let days = to_go.and_then(|x| x.ceil().to_i64());
            Some(days.ok_or_else(|| overflow("days to target"))?)
        } else {
            None
        };
        let days_left = self.by.filter(|by| *by > as_of).map(|by| Decimal::from((by - as_of).num_days()));
        // A date gone by (one on `as_of` included: ARR is measured at the end of that day) was
        // met or missed then, whatever ARR did since: judged by ARR at its month's end, as
        // `arr_at` reports it. A date before the book's opening, whose ARR the book does not
        // know, is left to the rules for a date still to come: by ARR at `as_of`.
        let met_on_time = self
            .by
            .filter(|_| days_left.is_none())
            .and_then(|by| arr_at_end(book, Month::of(by)))
            .map(|arr| arr.amount() >= self.target.amount());
        let required_per_day = match (self.by, days_left, met_on_time) {
            (None, _, _) => None,
            (Some(_), _, Some(true)) => Some(Money::zero(current.currency())),
            (Some(_), _, Some(false)) => None, // missed: no pace makes up for it
            (Some(_), _, None) if reached => Some(Money::zero(current.currency())),
            (Some(_), Some(left), None) => Some(remaining.checked_div(left)?.round()),
            (Some(_), None, None) => None, // a date gone by before the book, short of it now
        };
        let on_track = match (self.by, days_left, met_on_time) {
            (_, _, Some(met)) => met,
            _ if reached => true,
            (None, _, _) => growing,
            // net ÷ days ≥ remaining ÷ days left, multiplied out (both day counts positive)
            (Some(_), Some(left), None) => {
                let pace = net.checked_mul(left).zip(remaining.amount().checked_mul(days));
                let (have, need) = pace.ok_or_else(|| overflow("milestone pace"))?;
                have >= need
            }
            (Some(_), None, None) => false,
        };
        Ok(MilestoneProgress {
            as_of,
            current,
            target: self.target,
            progress: if self.target.is_zero() {
                Decimal::ONE
            } else {
                current.amount().checked_div(self.target.amount()).ok_or(MoneyError::Overflow("milestone progress"))?
            },
            remaining,
            actual_per_day,
            required_per_day,
            days_to_target,
            eta: days_to_target.and_then(|d| as_of.checked_add_days(chrono::Days::new(d.max(0) as u64))),
            on_track,
        })
    }
}

/// Total ARR at the end of `month`, rounded to the minor unit, as [`ArrBook::arr_at`] reports
/// it; the month before the book's first is its opening; `None` before that.
fn arr_at_end(book: &ArrBook, month: Month) -> Option<Money> {
    match book.first_month().checked_add(-1) {
        Ok(opening) if opening == month => Some(book.rounded(book.total_arr(None), 1)),
        _ => book.arr_at(month).ok(),
    }
}

/// A growth risk the coordinator can turn into an alert.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum GrowthSignal {
    /// ARR growth over the window fell below the threshold.
    GrowthBelowThreshold {
        /// Growth over the window (fraction).
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        actual: Decimal,
        /// Threshold (fraction).
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        threshold: Decimal,
    },
    /// Actual velocity is short of what the milestone needs.
    VelocityShortOfMilestone {
        /// Net new ARR per day.
        actual_per_day: Money,
        /// Needed per day.
        required_per_day: Money,
    },
    /// The milestone's date has passed short of its target: ARR at the end of the date's month
    /// was below it (raised from then on, even once ARR reaches it later).
    MilestoneMissed {
        /// The target.
        target: Money,
        /// The date it was due.
        by: NaiveDate,
        /// ARR at the end of the month measured.
        current: Money,
    },
    /// Contraction's share of lost ARR rose from the previous window to this one.
    RisingContractionShare {
        /// Previous window's share.
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        previous: Decimal,
        /// This window's.
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        current: Decimal,
    },
}

/// Thresholds for [`ArrBook::growth_signals`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SignalThresholds {
    /// Minimum acceptable growth over the window (0.05 for 5% a quarter).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub min_growth: Decimal,
    /// Months per window (at least 1).
    pub window: u32,
}

impl ArrBook {
    /// The growth-risk signals at the end of `at`, over the window of `t.window` months ending
    /// with it (and the window before, for the contraction share, when the book has it). Growth
    /// is the window bridge's [`growth_rate`](super::ArrBridge::growth_rate), FX included; the
    /// milestone's pace is [`ArrBook::velocity`]'s, FX excluded. Growth that is undefined (no
    /// ARR at the window's opening) raises no [`GrowthSignal::GrowthBelowThreshold`], and the
    /// contraction share is compared only when both windows lost ARR. With a
    /// `milestone`: [`GrowthSignal::VelocityShortOfMilestone`] when the pace before its date
    /// falls short, [`GrowthSignal::MilestoneMissed`] once its date has passed short of it, as
    /// [`MilestoneProgress::on_track`] judges it (a milestone without a date asks for no pace,
    /// so raises neither).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::arr::{ArrBook, ArrPolicy, GrowthSignal, Interval, SignalThresholds, SubscriptionEvent as Ev};
    /// use revops::calendar::Month;
    /// use revops::money::InMemoryFxRates;
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// // $10,000 a month in January, then one $100-a-month customer in each of February and March
    /// let events = [
    ///     Ev::start("e1", "a", "s", d(1, 5), usd("10000"), Interval::Month),
    ///     Ev::start("e2", "b", "s", d(2, 5), usd("100"), Interval::Month),
    ///     Ev::start("e3", "c", "s", d(3, 5), usd("100"), Interval::Month),
    /// ];
    /// let (jan, mar) = (Month::new(2026, 1)?, Month::new(2026, 3)?);
    /// let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, jan..=mar, &InMemoryFxRates::new())?;
    /// // 2% growth over February and March against a 5% floor
    /// let t = SignalThresholds { min_growth: Decimal::new(5, 2), window: 2 };
    /// let signals = book.growth_signals(mar, t, None)?;
    /// assert!(matches!(signals[0], GrowthSignal::GrowthBelowThreshold { actual, .. } if actual == Decimal::new(2, 2)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ArrError::MonthOutsideBook`]; [`ArrError::EmptyWindow`] for a window of 0;
    /// [`ArrError::WindowOutsideBook`] when the window starts before the book; the errors of
    /// [`Milestone::progress`]; a money overflow.
    pub fn growth_signals(
        &self,
        at: Month,
        t: SignalThresholds,
        milestone: Option<&Milestone>,
    ) -> Result<Vec<GrowthSignal>, ArrError> {
        let mut out = Vec::new();
        let w = t.window;
        let (before, _) = self.window(at, w)?;
        let from = before.map_or(0, |b| b + 1);
        let now = self.bridge(self.month_of(from), at)?;
        if let Ok(g) = now.growth_rate() {
            if g < t.min_growth {
                out.push(GrowthSignal::GrowthBelowThreshold { actual: g, threshold: t.min_growth });
            }
        }
        if let Some(m) = milestone {
            let p = m.progress(self, at, w)?;
            match (p.on_track, p.required_per_day, m.by) {
                (false, Some(req), _) => out.push(GrowthSignal::VelocityShortOfMilestone {
                    actual_per_day: p.actual_per_day,
                    required_per_day: req,
                }),
                // no pace can make up for a date gone by
                (false, None, Some(by)) => {
                    out.push(GrowthSignal::MilestoneMissed { target: p.target, by, current: p.current })
                }
                _ => {}
            }
        }
        let share = |b: &super::ArrBridge| -> Result<Option<Decimal>, ArrError> {
            let lost = add(b.contraction.amount(), b.churn.amount(), "lost ARR")?;
            if lost.is_zero() {
                return Ok(None);
            }
            Ok(Some(b.contraction.amount().checked_div(lost).ok_or(MoneyError::Overflow("contraction share"))?))
        };
        if let Some(prev_from) = from.checked_sub(w as usize) {
            let prev = self.bridge(self.month_of(prev_from), self.month_of(from - 1))?;
            if let (Some(p), Some(c)) = (share(&prev)?, share(&now)?) {
                if c > p {
                    out.push(GrowthSignal::RisingContractionShare { previous: p, current: c });
                }
            }
        }
        Ok(out)
    }
}
