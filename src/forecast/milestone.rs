//! Milestone ETA: when ARR crosses a target, as a distribution from simulated forecast paths.

use super::ets::check_simulation;
use super::{AutoEts, Ensemble, ForecastError, Forecaster};
use crate::calendar::Month;
use crate::money::{Money, MoneyError};
use rust_decimal::Decimal;

/// The distribution of the month ARR first crosses a target.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MilestoneEta {
    /// The model used (e.g. "Ensemble(median: ETS(M,Ad,N), ARIMA(0,2,1))": the default ensemble
    /// of AutoETS and AutoARIMA, each named by the form it chose).
    pub model: String,
    /// Earliest month by which 10% of paths have crossed.
    pub p10: Option<Month>,
    /// Median crossing month.
    pub p50: Option<Month>,
    /// Month by which 90% of paths have crossed.
    pub p90: Option<Month>,
    /// `(month, P(crossed by the end of that month))` over the horizon: its months, from the
    /// one after the history's last, whether or not the target is reached already.
    pub probability_by: Vec<(Month, f64)>,
}

impl MilestoneEta {
    /// P(reached by the end of `month`): before the first month forecast, 1 from the history's
    /// last month when the target was reached then, else 0; past the horizon,
    /// the probability at its last month (paths end there, so a later crossing is never
    /// assumed).
    ///
    /// ```
    /// use revops::calendar::Month;
    /// use revops::forecast::milestone_eta;
    /// use revops::{Currency, Money};
    /// let arr: Vec<Money> = (0..36).map(|t| Money::from_minor_units((600_000_000 + 6_000_000 * t) * 100, Currency::USD).unwrap()).collect();
    /// let eta = milestone_eta(&arr, Month::new(2026, 10)?, Money::parse("1000000000", Currency::USD)?, 60, 1_000, 42)?;
    /// // the chance of $1B by a month never falls as the month moves out
    /// let (a, b) = (eta.probability_by(Month::new(2028, 6)?), eta.probability_by(Month::new(2030, 6)?));
    /// assert!(0.0 <= a && a <= b && b <= 1.0);
    /// assert_eq!(eta.probability_by(Month::new(2026, 1)?), 0.0); // before the history ends
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn probability_by(&self, month: Month) -> f64 {
        match self.probability_by.iter().rev().find(|(m, _)| *m <= month) {
            Some((_, p)) => *p,
            // before the horizon: 1 from the history's last month when it had reached the
            // target (dated then, `p10` included), else 0
            None => f64::from(u8::from(self.p10.is_some_and(|m| m <= month))),
        }
    }
}

/// Fit the default [`Ensemble`] to monthly ARR ending in `last`, simulate `paths` paths
/// `horizon` months ahead with `seed`, and read off when each first reaches `target`. The paths
/// are AutoETS's (its errors and their persistence), each shifted by the ensemble's point
/// forecast less AutoETS's, so they centre on the ensemble. A value reaches the target when it
/// is at most half a minor unit (half a cent) below it, in the history as in the paths: a path
/// reaches it in the first month whose value does. An exactly linear history (zero variance)
/// gives one path: the month the line crosses. A target the history's last month already
/// reaches is reached in that month (`last`), with probability 1 from then on.
///
/// ```
/// use revops::calendar::Month;
/// use revops::forecast::milestone_eta;
/// use revops::{Currency, Money};
/// let arr: Vec<Money> = (0..36).map(|t| Money::from_minor_units((600_000_000 + 6_000_000 * t) * 100, Currency::USD).unwrap()).collect();
/// let eta = milestone_eta(&arr, Month::new(2026, 10)?, Money::parse("1000000000", Currency::USD)?, 60, 1_000, 42)?;
/// assert!(eta.p50.is_some());
/// // the horizon and paths size the simulation: above the limits they are refused
/// assert!(milestone_eta(&arr, Month::new(2026, 10)?, Money::parse("1", Currency::USD)?, usize::MAX, 10, 1).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// A money currency mismatch when the history and target differ in currency; the errors of
/// [`Ensemble::fit`] on the history ([`ForecastError::NoMember`], with each member's error,
/// when none fits); AutoETS's own error when the ensemble fits without it (its paths are the
/// ones simulated); and those of [`EtsModel::simulate`](super::EtsModel::simulate)
/// for a horizon or paths of 0, or above the limits (`horizon` at most
/// [`MAX_HORIZON`](crate::limits::MAX_HORIZON), `paths × horizon` at most
/// [`MAX_TRIALS`](crate::limits::MAX_TRIALS)).
pub fn milestone_eta(
    history: &[Money],
    last: Month,
    target: Money,
    horizon: usize,
    paths: usize,
    seed: u64,
) -> Result<MilestoneEta, ForecastError> {
    if let Some(m) = history.iter().find(|m| m.currency() != target.currency()) {
        let (left, right) = (m.currency(), target.currency());
        return Err(MoneyError::CurrencyMismatch { op: "milestone history and target", left, right }.into());
    }
    check_simulation(horizon, paths)?; // before the fit: a refused count costs nothing
    let y: Vec<f64> = history.iter().map(Money::to_f64_lossy).collect();
    let ensemble = Ensemble::new(12).fit(&y)?;
    let Some(model) = ensemble.ets() else {
        // the ensemble dropped AutoETS: fit it alone for its own reason
        return Err(AutoEts::new(12).fit(&y).err().unwrap_or(ForecastError::NoModel { tried: vec![] }));
    };
    let reached = reach_threshold(target);
    let t = Money::new(reached, target.currency()).to_f64_lossy();
    if history.last().is_some_and(|arr| arr.amount() >= reached) {
        // reached when the history ends: that month, for certain, and so by every month of the
        // horizon (the months a milestone not yet reached is given, from the next one)
        let months = (1..=horizon).map_while(|k| last.checked_add(k as i32).ok());
        return Ok(MilestoneEta {
            model: ensemble.name(),
            p10: Some(last),
            p50: Some(last),
            p90: Some(last),
            probability_by: months.map(|m| (m, 1.0)).collect(),
        });
    }
    let centre = ensemble.predict(horizon, &[], seed)?.mean;
    let shift: Vec<f64> = centre.iter().zip(model.point_forecast(horizon)?).map(|(c, e)| c - e).collect();
    // (checked above; kept flat, path after path)
    let sims = model.flat_paths(horizon, paths, seed);
    let mut crossed = vec![0usize; horizon];
    let mut firsts: Vec<usize> = Vec::with_capacity(paths);
    for path in sims.chunks_exact(horizon) {
        if let Some(k) = path.iter().zip(&shift).position(|(v, s)| v + s >= t) {
            crossed[k] += 1;
            firsts.push(k);
        }
    }
    firsts.sort_unstable();
    let month = |k: usize| last.checked_add(k as i32 + 1).ok();
    let quantile = |q: f64| {
        let need = (q * paths as f64).ceil() as usize;
        (need >= 1 && firsts.len() >= need).then(|| firsts[need - 1]).and_then(month)
    };
    let mut cumulative = 0usize;
    let mut probability_by = Vec::with_capacity(horizon);
    for (k, c) in crossed.iter().enumerate() {
        cumulative += c;
        if let Some(m) = month(k) {
            probability_by.push((m, cumulative as f64 / paths as f64));
        }
    }
    Ok(MilestoneEta {
        model: ensemble.name(),
        p10: quantile(0.1),
        p50: quantile(0.5),
        p90: quantile(0.9),
        probability_by,
    })
}

/// The least value that reaches `target`: half a minor unit below it. ARR is money, counted in
/// the currency's minor units, and the paths are `f64`s a few ulps off even an exactly linear
/// history's line (each member's fit and their median round): an exact comparison put a target
/// the line meets in a month a month late. One rule for the history and the paths, so a value
/// reads alike in either.
fn reach_threshold(target: Money) -> Decimal {
    let half_unit = Decimal::new(5, target.currency().minor_units() + 1);
    // (only an amount at Decimal's least would overflow: it keeps the target itself)
    target.amount().checked_sub(half_unit).unwrap_or(target.amount())
}
