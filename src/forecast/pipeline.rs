//! Pipeline forecasts: weighted pipeline, forecast categories with rollups, and a seeded Monte
//! Carlo of the quarter's close.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use statrs::distribution::{ContinuousCDF, Normal};

use super::ForecastError;
use crate::calendar::Period;
use crate::limits::{self, MAX_TRIALS};
use crate::money::{power_of_ten, Currency, Fixed, Money, MoneyError, Percent};

/// The seller's call on a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ForecastCategory {
    /// Closed won.
    Closed,
    /// Committed.
    Commit,
    /// Best case.
    BestCase,
    /// Pipeline.
    Pipeline,
    /// Omitted.
    Omitted,
}

/// An open (or closed) deal in the forecast.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PipelineDeal {
    /// Id.
    pub id: String,
    /// Rep.
    pub rep: String,
    /// Team.
    pub team: String,
    /// Region.
    pub region: String,
    /// Amount.
    pub amount: Money,
    /// Win probability, between 0% and 100% (`"70%"` in JSON).
    pub probability: Percent,
    /// Expected close date.
    pub close_date: NaiveDate,
    /// Category.
    pub category: ForecastCategory,
}

/// Cumulative category totals: closed ⊂ commit ⊂ best case ⊂ pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CategoryRollup {
    /// Closed.
    pub closed: Money,
    /// Closed + commit.
    pub commit: Money,
    /// Closed + commit + best case.
    pub best_case: Money,
    /// Everything but omitted.
    pub pipeline: Money,
    /// Σ probability × amount (omitted excluded), each deal's part rounded once to the minor
    /// unit, so the rollups of any grouping add up to the total.
    pub weighted: Money,
}

/// The deal's probability when it is a probability (0% to 100%).
fn probability(d: &PipelineDeal) -> Result<Percent, ForecastError> {
    d.probability
        .check_unit("win probability")
        .map_err(|_| ForecastError::DealProbability { deal: d.id.clone(), probability: d.probability })
}

/// Each deal id once: a re-delivered CRM record would count twice.
fn ids_once(deals: &[PipelineDeal]) -> Result<(), ForecastError> {
    match crate::unique::first_repeated(deals, |d| &d.id) {
        Some(d) => Err(ForecastError::RepeatedDeal(d.id.clone())),
        None => Ok(()),
    }
}

/// The deal when it is in `currency`.
fn in_currency(d: &PipelineDeal, currency: Currency) -> Result<&PipelineDeal, ForecastError> {
    if d.amount.currency() != currency {
        return Err(ForecastError::DealCurrency { deal: d.id.clone(), found: d.amount.currency(), expected: currency });
    }
    Ok(d)
}

fn rollup<'a>(
    deals: impl Iterator<Item = &'a PipelineDeal>,
    currency: Currency,
) -> Result<CategoryRollup, ForecastError> {
    let z = Money::zero(currency);
    let mut r = CategoryRollup { closed: z, commit: z, best_case: z, pipeline: z, weighted: z };
    for d in deals {
        let a = in_currency(d, currency)?.amount;
        use ForecastCategory::*;
        if d.category == Closed {
            r.closed = r.closed.checked_add(a)?;
        }
        if matches!(d.category, Closed | Commit) {
            r.commit = r.commit.checked_add(a)?;
        }
        if matches!(d.category, Closed | Commit | BestCase) {
            r.best_case = r.best_case.checked_add(a)?;
        }
        if d.category != Omitted {
            r.pipeline = r.pipeline.checked_add(a)?;
            let p = if d.category == Closed { Percent::HUNDRED } else { probability(d)? };
            r.weighted = r.weighted.checked_add(a.mul_round(p.fraction())?)?;
        }
    }
    Ok(r)
}

/// Rollups for deals closing in `quarter`: overall and by rep, team and region.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PipelineForecast {
    /// All deals.
    pub total: CategoryRollup,
    /// By rep.
    pub by_rep: BTreeMap<String, CategoryRollup>,
    /// By team.
    pub by_team: BTreeMap<String, CategoryRollup>,
    /// By region.
    pub by_region: BTreeMap<String, CategoryRollup>,
}

/// Category rollups of the deals closing in `quarter`.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Quarter;
/// use revops::forecast::{pipeline_forecast, ForecastCategory, PipelineDeal};
/// use revops::{Currency, Money};
/// let deal = |id: &str, p: &str| PipelineDeal { id: id.into(), rep: "ann".into(), team: "east".into(),
///     region: "NA".into(), amount: Money::parse("1000", Currency::USD).unwrap(), probability: p.parse().unwrap(),
///     close_date: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(), category: ForecastCategory::Commit };
/// let q4 = Quarter::new(2026, 4)?.period();
/// let f = pipeline_forecast(&[deal("a", "70%"), deal("b", "25%")], q4, Currency::USD)?;
/// assert_eq!(f.total.weighted, Money::parse("950", Currency::USD)?); // 700 + 250
/// // 7000% is no probability: refused, naming the deal
/// assert!(pipeline_forecast(&[deal("c", "7000%")], q4, Currency::USD).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::RepeatedDeal`] for a deal id given more than once;
/// [`ForecastError::DealProbability`] for a deal whose probability is outside 0%–100%,
/// [`ForecastError::DealNotRounded`] for an amount with digits below its currency's minor unit
/// (each deal's weighted part is rounded to it),
/// [`ForecastError::DealCurrency`] for a deal in the quarter in another currency, and a money
/// overflow when the totals do not fit a `Decimal`.
pub fn pipeline_forecast(
    deals: &[PipelineDeal],
    quarter: Period,
    currency: Currency,
) -> Result<PipelineForecast, ForecastError> {
    ids_once(deals)?;
    for d in deals {
        probability(d)?;
        if !d.amount.is_rounded() {
            return Err(ForecastError::DealNotRounded { deal: d.id.clone(), amount: d.amount });
        }
    }
    let inside: Vec<&PipelineDeal> = deals.iter().filter(|d| quarter.contains(d.close_date)).collect();
    let group = |key: &dyn Fn(&PipelineDeal) -> &str| -> Result<BTreeMap<String, CategoryRollup>, ForecastError> {
        let mut keys: Vec<&str> = inside.iter().map(|d| key(d)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .map(|k| Ok((k.to_string(), rollup(inside.iter().copied().filter(|d| key(d) == k), currency)?)))
            .collect()
    };
    Ok(PipelineForecast {
        total: rollup(inside.iter().copied(), currency)?,
        by_rep: group(&|d| d.rep.as_str())?,
        by_team: group(&|d| d.team.as_str())?,
        by_region: group(&|d| d.region.as_str())?,
    })
}

/// The distribution of the quarter's close.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CloseDistribution {
    /// Trials run.
    pub trials: usize,
    /// 5th percentile. The percentiles interpolate linearly between the sorted simulated
    /// closes, as R's type 7 and numpy's default do (and
    /// [`Simulation::quantile`](super::Simulation::quantile)), each
    /// rounded once to the minor unit: with two trials closing $0 and $100, the median is $50.
    pub p5: Money,
    /// 10th percentile.
    pub p10: Money,
    /// 25th percentile.
    pub p25: Money,
    /// Median.
    pub p50: Money,
    /// 75th percentile.
    pub p75: Money,
    /// 90th percentile.
    pub p90: Money,
    /// 95th percentile.
    pub p95: Money,
    /// Mean.
    pub mean: Money,
    /// Standard deviation of the simulated closes (the square root of their variance, divisor
    /// n − 1; zero for one trial).
    pub std_dev: Money,
    /// P(close ≥ target).
    pub p_target: f64,
}

/// P(an open deal dated `close` closes inside `quarter`): its close day is `close` moved by a
/// Normal(0, `sd`) slip in days, of which only whole days count (a slip of less than a day
/// keeps the day, either way), held back to `as_of` when earlier, since the deal has not
/// closed yet.
fn slipped_into(quarter: Period, as_of: NaiveDate, close: NaiveDate, sd: f64, normal: &Normal) -> f64 {
    if as_of >= quarter.end() {
        return 0.0;
    }
    if sd == 0.0 {
        return f64::from(u8::from(can_close_in(quarter, as_of, close)));
    }
    // P(the slip's whole days, rounded toward zero, are at most `days`)
    let at_most = |days: i64| {
        let edge = if days >= 0 { days + 1 } else { days };
        normal.cdf(edge as f64 / sd)
    };
    // inside when start ≤ close + whole days ≤ end − 1; a day held back to `as_of` inside the
    // quarter is past the first bound whatever the slip
    let below_end = at_most((quarter.end() - close).num_days() - 1);
    if as_of >= quarter.start() {
        return below_end;
    }
    below_end - at_most((quarter.start() - close).num_days() - 1)
}

/// Whether an open deal dated `close` can close in `quarter` as of `as_of`, none slipping: its
/// day, held back to `as_of` when earlier (it has not closed yet), falls in the quarter. The one
/// rule of [`monte_carlo_close`] and of the executive snapshot's pipeline coverage.
pub(crate) fn can_close_in(quarter: Period, as_of: NaiveDate, close: NaiveDate) -> bool {
    as_of < quarter.end() && quarter.contains(close.max(as_of))
}

/// Monte Carlo of the quarter's close, as of the day `as_of`: each trial, each open deal is won
/// with its probability and closes on its close date moved by a Normal(0, `slip_sd_days`) slip
/// in whole days (rounded toward zero: a slip of less than a day keeps the day, so a deal dated
/// the day after the quarter needs a slip of a day or more to fall inside it), but not before
/// `as_of` (it is still open); it counts when that day falls inside the quarter.
/// Closed deals dated inside the quarter count in full. Same seed, same answer.
///
/// So while the quarter runs (`as_of` inside it), an open deal counts with `P(slip < days left)`,
/// where days left runs from its close date to the quarter's end: a deal dated on the quarter's
/// first day, or past due, can still close in it. Before the quarter, a deal dated near its start
/// may also slip out the other way, into the weeks before it. After the quarter, no open deal
/// can close in it.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Quarter;
/// use revops::forecast::{monte_carlo_close, ForecastCategory, PipelineDeal};
/// use revops::{Currency, Money};
/// let q = Quarter::new(2026, 4)?.period();
/// let deal = |id: &str, p: &str| PipelineDeal { id: id.into(), rep: "r".into(), team: "t".into(), region: "NA".into(),
///     amount: Money::parse("100000", Currency::USD).unwrap(), probability: p.parse().unwrap(),
///     close_date: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(), category: ForecastCategory::Commit };
/// let deals = [deal("a", "90%"), deal("b", "50%"), deal("c", "20%")];
/// let as_of = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
/// let d = monte_carlo_close(&deals, q, as_of, 0.0, Money::parse("150000", Currency::USD)?, 20_000, 7)?;
/// assert!((d.mean.to_f64_lossy() - 160_000.0).abs() < 3_000.0); // Σ probability × amount
/// // the trials size the work: a count above the limit is refused, not allocated
/// assert!(monte_carlo_close(&deals, q, as_of, 0.0, Money::parse("1", Currency::USD)?, usize::MAX, 7).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ForecastError::ZeroCount`] for no trials; [`ForecastError::Slip`] for a negative or
/// non-finite slip;
/// [`ForecastError::Limit`] for more than [`MAX_TRIALS`](crate::limits::MAX_TRIALS) trials;
/// [`ForecastError::RepeatedDeal`] for a deal id given more than once;
/// [`ForecastError::DealProbability`] and [`ForecastError::DealCurrency`] for a deal whose
/// probability is outside 0%–100% or whose currency is not the target's; a money overflow when
/// the amounts of the deals that can count, in integer units of the finest scale among them,
/// do not fit an `i128` together, or a figure does not fit a `Decimal`.
pub fn monte_carlo_close(
    deals: &[PipelineDeal],
    quarter: Period,
    as_of: NaiveDate,
    slip_sd_days: f64,
    target: Money,
    trials: usize,
    seed: u64,
) -> Result<CloseDistribution, ForecastError> {
    limits::check("Monte Carlo trials", trials, MAX_TRIALS)?;
    ids_once(deals)?;
    if trials == 0 {
        return Err(ForecastError::ZeroCount("Monte Carlo trials"));
    }
    if !(slip_sd_days.is_finite() && slip_sd_days >= 0.0) {
        return Err(ForecastError::Slip(slip_sd_days));
    }
    let currency = target.currency();
    let normal = Normal::standard();
    // Money adds exactly: the amounts of the deals that can count, in integer units of the
    // finest scale among them, their sum checked to fit, so no trial can overflow. (In f64,
    // 100,000.70 + 150,000.15 is 250,000.84999999998, short of a 250,000.85 target.)
    let mut counted = Vec::with_capacity(deals.len());
    for d in deals {
        let amount = in_currency(d, currency)?.amount.amount();
        // the draws are in f64; the exact percent stops at this boundary
        let win = probability(d)?.to_f64_lossy();
        match d.category {
            ForecastCategory::Closed if quarter.contains(d.close_date) => counted.push((amount, None)),
            ForecastCategory::Closed | ForecastCategory::Omitted => {}
            _ => {
                let in_quarter = slipped_into(quarter, as_of, d.close_date, slip_sd_days, &normal);
                counted.push((amount, Some((win * in_quarter).clamp(0.0, 1.0))));
            }
        }
    }
    let amounts: Vec<Decimal> = counted.iter().map(|c| c.0).collect();
    let (scale, units) = integer_units(&amounts)?;
    // a close reaches the target when it is at least the target rounded up to the units
    let t = units_at_least(target.amount(), scale);
    let mut closed = 0i128;
    // (amount, threshold): counted when a uniform u64 falls below the threshold, p × 2⁶⁴ (2⁶⁴
    // itself for a certain deal, which every draw is below)
    let mut open: Vec<(i128, u128)> = Vec::with_capacity(counted.len());
    for (&(_, p), &amount) in counted.iter().zip(&units) {
        match p {
            None => closed += amount,
            Some(p) => open.push((amount, (p * TWO_TO_64) as u128)),
        }
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut totals: Vec<i128> = (0..trials)
        .map(|_| closed + open.iter().map(|&(a, t)| if u128::from(rng.next_u64()) < t { a } else { 0 }).sum::<i128>())
        .collect();
    totals.sort_unstable();
    // each figure rounded once, from the exact units to the minor unit
    let money = |num: i128, den: i128| in_minor_units(num, den, scale, currency);
    // The `percent`-th percentile, between the sorted closes as R's type 7 (numpy's default,
    // and `Simulation::quantile`) interpolates: at position percent × (n − 1) ÷ 100, exactly.
    let pick = |percent: i128| {
        let position = percent * (trials as i128 - 1);
        let (at, part) = ((position / 100) as usize, position % 100);
        between(totals[at], totals[(at + 1).min(trials - 1)], part, scale, currency)
    };
    let sum = totals.iter().try_fold(0i128, |s, x| s.checked_add(*x)).ok_or(MoneyError::Overflow("simulated close"))?;
    // the spread is a statistic of the trials, not an amount booked: in f64, in the units
    let mean_units = totals.iter().map(|&x| x as f64).sum::<f64>() / trials as f64;
    let variance = if trials > 1 {
        totals.iter().map(|&x| (x as f64 - mean_units).powi(2)).sum::<f64>() / (trials - 1) as f64
    } else {
        0.0
    };
    let spread =
        Decimal::from_f64(variance.sqrt() / 10f64.powi(scale as i32)).ok_or(MoneyError::Overflow("simulated close"))?;
    Ok(CloseDistribution {
        trials,
        p5: pick(5)?,
        p10: pick(10)?,
        p25: pick(25)?,
        p50: pick(50)?,
        p75: pick(75)?,
        p90: pick(90)?,
        p95: pick(95)?,
        mean: money(sum, trials as i128)?,
        std_dev: Money::new(spread, currency).round(),
        p_target: totals.iter().filter(|x| **x >= t).count() as f64 / trials as f64,
    })
}

/// 2⁶⁴, the number of values a uniform `u64` draw takes.
const TWO_TO_64: f64 = 18_446_744_073_709_551_616.0;

/// The fewest units of 10^−`scale` that are at least `target` (`i128::MAX` or `MIN` past
/// their range: a target no close, or every close, reaches).
fn units_at_least(target: Decimal, scale: u32) -> i128 {
    let (m, s) = (target.mantissa(), target.scale());
    let saturated = if m > 0 { i128::MAX } else { i128::MIN };
    if s <= scale {
        return power_of_ten(scale - s).and_then(|p| m.checked_mul(p)).unwrap_or(saturated);
    }
    match power_of_ten(s - scale) {
        // rounded up: the quotient toward minus infinity, plus one if anything is left
        Some(p) => m.div_euclid(p) + i128::from(m.rem_euclid(p) != 0),
        // a divisor past an i128: the target is a fraction of a unit, 0 or 1 of them
        None => i128::from(m > 0),
    }
}

/// `num ÷ den` units of 10^−`scale` as money in `currency`, rounded once, half to even, to its
/// minor unit; an overflow past a `Decimal`.
fn in_minor_units(num: i128, den: i128, scale: u32, currency: Currency) -> Result<Money, MoneyError> {
    let minor = currency.minor_units();
    let overflow = MoneyError::Overflow("simulated close");
    let (num, den) = match scale.checked_sub(minor) {
        Some(down) => (num, power_of_ten(down).and_then(|p| den.checked_mul(p)).ok_or(overflow.clone())?),
        None => (power_of_ten(minor - scale).and_then(|p| num.checked_mul(p)).ok_or(overflow.clone())?, den),
    };
    let units = Fixed::from_ratio(num, den).ok_or(overflow.clone())?.units();
    let amount = Decimal::try_from_i128_with_scale(units, minor).map_err(|_| overflow)?;
    Ok(Money::new(amount, currency))
}

/// `lo + (hi − lo) × part ÷ 100` units of 10^−`scale` (`lo ≤ hi`, `part` below 100) as money in
/// `currency`, rounded once, half to even, to its minor unit, as [`in_minor_units`] rounds, but
/// with no product larger than the amounts themselves: amounts of 28 decimals count $10⁹ as
/// 10³⁷ units, a hundredth of what an `i128` holds.
fn between(lo: i128, hi: i128, part: i128, scale: u32, currency: Currency) -> Result<Money, MoneyError> {
    let overflow = || MoneyError::Overflow("simulated close");
    let minor = currency.minor_units();
    let delta = hi.checked_sub(lo).ok_or_else(overflow)?;
    let Some(p) = scale.checked_sub(minor).filter(|down| *down > 0).and_then(power_of_ten) else {
        // units no finer than the minor unit: a product past an i128 is a figure past a Decimal
        let num = lo.checked_mul(100).zip(delta.checked_mul(part)).and_then(|(a, b)| a.checked_add(b));
        return in_minor_units(num.ok_or_else(overflow)?, 100, scale, currency);
    };
    // v ÷ p in minor units, v = lo + delta × part ÷ 100, split into whole minor units and a
    // remainder over 100 p (at most 10³⁰: a scale is at most 28):
    // lo = ql p + rl, delta = qd p + rd, qd × part = 100 g + h, so
    // v ÷ p = ql + g + (h p + 100 rl + rd × part) ÷ 100 p, the last below 3.
    let (ql, rl) = (lo.div_euclid(p), lo.rem_euclid(p));
    let (qd, rd) = (delta / p, delta % p);
    let spread = qd.checked_mul(part).ok_or_else(overflow)?;
    let (g, h) = (spread / 100, spread % 100);
    let whole_unit = 100 * p;
    let fraction = h * p + 100 * rl + rd * part;
    let whole = ql.checked_add(g).and_then(|w| w.checked_add(fraction / whole_unit)).ok_or_else(overflow)?;
    let rest = fraction % whole_unit;
    let away = 2 * rest > whole_unit || (2 * rest == whole_unit && whole % 2 != 0);
    let units = whole.checked_add(i128::from(away)).ok_or_else(overflow)?;
    let amount = Decimal::try_from_i128_with_scale(units, minor).map_err(|_| overflow())?;
    Ok(Money::new(amount, currency))
}

/// `amounts` as integers in units of 10^−scale, the finest scale among them, with the scale;
/// an overflow when they, or the sum of their sizes, do not fit an `i128`.
fn integer_units(amounts: &[Decimal]) -> Result<(u32, Vec<i128>), MoneyError> {
    let scale = amounts.iter().map(|a| a.scale()).max().unwrap_or(0);
    let overflow = MoneyError::Overflow("pipeline amounts");
    let units: Vec<i128> = amounts
        .iter()
        .map(|a| Fixed::at_scale(*a, scale).map(Fixed::units).ok_or(overflow.clone()))
        .collect::<Result<_, _>>()?;
    units.iter().try_fold(0i128, |s, u| s.checked_add(u.checked_abs()?)).ok_or(overflow)?;
    Ok((scale, units))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentile_between_two_closes_rounds_as_the_ratio_it_is() {
        // every small case, against the plain ratio (lo × 100 + (hi − lo) × part) ÷ 100
        for scale in [0, 1, 2, 3, 5] {
            for lo in -25i128..25 {
                for hi in lo..lo + 40 {
                    for part in [0, 1, 25, 49, 50, 51, 99] {
                        let plain = in_minor_units(lo * 100 + (hi - lo) * part, 100, scale, Currency::USD);
                        assert_eq!(between(lo, hi, part, scale, Currency::USD), plain, "{lo} {hi} {part} {scale}");
                    }
                }
            }
        }
    }
}
