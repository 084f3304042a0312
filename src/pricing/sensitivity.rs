//! Price sensitivity: Van Westendorp's price-sensitivity meter, Gabor-Granger demand, and
//! log-log price elasticity with a confidence interval.

use statrs::distribution::{ContinuousCDF, StudentsT};

use rust_decimal::Decimal;

use super::PricingError;
use crate::money::{Money, MoneyError, Percent};
use crate::stats::ols;

/// One Van Westendorp respondent's four prices.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct VanWestendorpAnswer {
    /// "So cheap you'd doubt the quality."
    pub too_cheap: f64,
    /// "A bargain."
    pub cheap: f64,
    /// "Getting expensive, but you'd consider it."
    pub expensive: f64,
    /// "Too expensive to consider."
    pub too_expensive: f64,
}

/// The four Van Westendorp price points.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct VanWestendorp {
    /// Respondents kept (answers in strictly increasing order).
    pub valid: usize,
    /// Respondents removed as inconsistent.
    pub removed: usize,
    /// Point of marginal cheapness: "too cheap" meets "not a bargain".
    pub pmc: f64,
    /// Point of marginal expensiveness: "too expensive" meets "not expensive".
    pub pme: f64,
    /// Optimal price point: "too cheap" meets "too expensive".
    pub opp: f64,
    /// Indifference price point: "a bargain" meets "expensive".
    pub ipp: f64,
}

/// The price where falling curve `down` first meets rising curve `up`, interpolated linearly
/// between grid points. Where the two coincide over a stretch (curves that touch along a
/// plateau), the middle of that stretch. The curves are counts of respondents, so a tie is exact.
fn crossing(grid: &[f64], down: impl Fn(f64) -> i64, up: impl Fn(f64) -> i64) -> Option<f64> {
    let diffs: Vec<i64> = grid.iter().map(|&p| down(p) - up(p)).collect();
    let first = diffs.iter().position(|d| *d <= 0)?;
    if diffs[first] == 0 {
        let run = diffs[first..].iter().take_while(|d| **d == 0).count();
        return Some((grid[first] + grid[first + run - 1]) / 2.0);
    }
    if first == 0 {
        return Some(grid[0]);
    }
    // counts of at most the number of respondents: exact in f64
    let (a, b) = (diffs[first - 1] as f64, diffs[first] as f64);
    Some(grid[first - 1] + (grid[first] - grid[first - 1]) * a / (a - b))
}

impl VanWestendorp {
    /// Analyse survey answers; inconsistent respondents (prices not strictly increasing from
    /// "too cheap" to "too expensive", or non-finite) are removed first. The curves are compared
    /// as counts of respondents, so curves that meet (say "too cheap" and "not a bargain", one
    /// minus "a bargain") meet exactly, and a stretch where they coincide gives its middle.
    ///
    /// ```
    /// use revops::pricing::{VanWestendorp, VanWestendorpAnswer};
    /// let answers: Vec<VanWestendorpAnswer> = (0..40)
    ///     .map(|i| { let b = 80.0 + (i * 7 % 40) as f64; VanWestendorpAnswer { too_cheap: 0.5 * b, cheap: 0.8 * b, expensive: 1.2 * b, too_expensive: 1.6 * b } })
    ///     .collect();
    /// let r = VanWestendorp::analyse(&answers)?;
    /// assert!(r.pmc < r.ipp && r.ipp < r.pme);
    /// # Ok::<(), revops::pricing::PricingError>(())
    /// ```
    ///
    /// # Errors
    /// [`PricingError::NotEnoughData`] when fewer than 10 consistent answers remain, or when the
    /// curves do not cross.
    pub fn analyse(answers: &[VanWestendorpAnswer]) -> Result<VanWestendorp, PricingError> {
        let valid: Vec<&VanWestendorpAnswer> = answers
            .iter()
            .filter(|a| [a.too_cheap, a.cheap, a.expensive, a.too_expensive].iter().all(|v| v.is_finite()))
            .filter(|a| a.too_cheap < a.cheap && a.cheap < a.expensive && a.expensive < a.too_expensive)
            .collect();
        if valid.len() < 10 {
            return Err(PricingError::NotEnoughData(format!(
                "{} consistent respondents; need at least 10",
                valid.len()
            )));
        }
        let n = i64::try_from(valid.len()).unwrap_or(i64::MAX);
        let mut grid: Vec<f64> =
            valid.iter().flat_map(|a| [a.too_cheap, a.cheap, a.expensive, a.too_expensive]).collect();
        grid.sort_by(f64::total_cmp);
        grid.dedup();
        // shares as counts of respondents (the shares times n), so "1 − share" is exact
        let count = |f: &dyn Fn(&VanWestendorpAnswer) -> bool| {
            i64::try_from(valid.iter().filter(|a| f(a)).count()).unwrap_or(i64::MAX)
        };
        // falling: who still find p too cheap / a bargain; rising: who find p expensive / too expensive
        let too_cheap = |p: f64| count(&|a| a.too_cheap >= p);
        let cheap = |p: f64| count(&|a| a.cheap >= p);
        let expensive = |p: f64| count(&|a| a.expensive <= p);
        let too_expensive = |p: f64| count(&|a| a.too_expensive <= p);
        let missing = || PricingError::NotEnoughData("the curves do not cross".into());
        Ok(VanWestendorp {
            valid: valid.len(),
            removed: answers.len() - valid.len(),
            pmc: crossing(&grid, too_cheap, |p| n - cheap(p)).ok_or_else(missing)?,
            pme: crossing(&grid, |p| n - expensive(p), too_expensive).ok_or_else(missing)?,
            opp: crossing(&grid, too_cheap, too_expensive).ok_or_else(missing)?,
            ipp: crossing(&grid, cheap, expensive).ok_or_else(missing)?,
        })
    }
}

/// Gabor-Granger: the share willing to buy at each tested price.
///
/// ```
/// use revops::pricing::GaborGranger;
/// use revops::{Currency, Money};
/// let usd = |n: i64| Money::from_minor_units(n * 100, Currency::USD).unwrap();
/// // four respondents' highest acceptable prices, two tested prices
/// let g = GaborGranger::analyse(&[15, 25, 25, 35].map(usd), &[20, 10].map(usd))?;
/// // $10 sells to all four ($10 a respondent), $20 to three ($15): $20 earns more
/// assert_eq!(g.revenue_maximising_price, usd(20));
/// # Ok::<(), revops::pricing::PricingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct GaborGranger {
    /// `(price, share who would buy, price × share: revenue per respondent)`, by price: exact
    /// where the number of respondents divides the buyers, else to `Decimal`'s 28 places.
    pub curve: Vec<(Money, Percent, Money)>,
    /// The price with the most revenue per respondent (the lower of two that tie), chosen
    /// exactly, from price × buyers: $2 to all of three respondents ties $3 to two of them.
    pub revenue_maximising_price: Money,
}

impl GaborGranger {
    /// From each respondent's highest acceptable price, at the tested `prices`, all in one
    /// currency. A respondent who would buy at none of the tested prices answers below the
    /// lowest (below zero when $0, free, is tested): counted, buying at no price.
    ///
    /// # Errors
    /// [`PricingError::NotEnoughData`] for no answers or no prices; a money currency mismatch
    /// when the answers and prices are not all in one currency; [`PricingError::NegativePrice`]
    /// for a tested price below zero (zero, free, is a price); a money overflow when a price ×
    /// share does not fit.
    pub fn analyse(max_acceptable: &[Money], prices: &[Money]) -> Result<GaborGranger, PricingError> {
        let (Some(first), false) = (prices.first(), max_acceptable.is_empty()) else {
            return Err(PricingError::NotEnoughData("need answers and prices".into()));
        };
        let currency = first.currency();
        if let Some(other) = max_acceptable.iter().chain(prices).find(|m| m.currency() != currency) {
            let (left, right) = (currency, other.currency());
            return Err(MoneyError::CurrencyMismatch { op: "Gabor-Granger", left, right }.into());
        }
        // a tested price below zero is a credit, not a price; an answer below zero is a
        // respondent who buys at no tested price, which the count below reads as such
        if let Some(m) = prices.iter().find(|m| m.is_negative()) {
            return Err(PricingError::NegativePrice { what: "tested price", amount: *m });
        }
        let mut sorted = prices.to_vec();
        sorted.sort_by_key(Money::amount); // one currency: amounts order them
        let n = Decimal::from(max_acceptable.len() as u64);
        let mut points = Vec::with_capacity(sorted.len());
        for &p in &sorted {
            let buyers = Decimal::from(max_acceptable.iter().filter(|m| m.amount() >= p.amount()).count() as u64);
            // price × buyers, exact: the revenue per respondent times n, which the choice
            // compares (the share and the revenue a respondent are rounded where n does not
            // divide: $3 to two of three is $2.0000000000000000000000000001, $2 to all three $2)
            let revenue_n = p.amount().checked_mul(buyers).ok_or(MoneyError::Overflow("Gabor-Granger"))?;
            let share = buyers / n;
            points.push((revenue_n, (p, Percent::from_fraction(share), p.checked_mul(share)?)));
        }
        // prices ascend, so the first of the highest revenues is the lowest price earning it
        let mut best = &points[0];
        for point in &points[1..] {
            if point.0 > best.0 {
                best = point;
            }
        }
        let best = best.1 .0;
        let curve: Vec<_> = points.into_iter().map(|(_, point)| point).collect();
        Ok(GaborGranger { revenue_maximising_price: best, curve })
    }
}

/// Price elasticity from a log-log regression `ln q = a + e · ln p`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Elasticity {
    /// The elasticity `e` (−1.5: a 1% price rise loses 1.5% of volume).
    pub elasticity: f64,
    /// Lower bound of the confidence interval.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Observations.
    pub n: usize,
}

/// Estimate elasticity from `(price, quantity)` observations (both positive) with a `confidence`
/// interval from Student's t.
///
/// ```
/// use revops::pricing::price_elasticity;
///
/// // quantity = 1,000 × price^−1.5, exactly: the elasticity is −1.5
/// let obs: Vec<(f64, f64)> = [10.0, 20.0, 40.0, 80.0].iter().map(|&p: &f64| (p, 1000.0 * p.powf(-1.5))).collect();
/// let e = price_elasticity(&obs, 0.95)?;
/// assert!((e.elasticity + 1.5).abs() < 1e-9);
/// assert!(e.lower <= e.elasticity && e.elasticity <= e.upper);
/// # Ok::<(), revops::pricing::PricingError>(())
/// ```
///
/// # Errors
/// [`PricingError::InvalidInput`] for non-positive or non-finite prices and quantities, or a
/// confidence outside (0, 1); [`PricingError::NotEnoughData`] for fewer than three
/// observations or fewer than two prices.
pub fn price_elasticity(observations: &[(f64, f64)], confidence: f64) -> Result<Elasticity, PricingError> {
    if observations.iter().any(|(p, q)| !(p.is_finite() && q.is_finite() && *p > 0.0 && *q > 0.0)) {
        return Err(PricingError::InvalidInput("prices and quantities must be positive and finite".into()));
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(PricingError::InvalidInput(format!("confidence {confidence} must be in (0, 1)")));
    }
    let xs: Vec<f64> = observations.iter().map(|(p, _)| p.ln()).collect();
    let ys: Vec<f64> = observations.iter().map(|(_, q)| q.ln()).collect();
    let fit =
        ols(&xs, &ys).ok_or(PricingError::NotEnoughData("need at least 3 observations at 2 or more prices".into()))?;
    let t = StudentsT::new(0.0, 1.0, (fit.n - 2) as f64).map_err(|e| PricingError::NotEnoughData(e.to_string()))?;
    let half = t.inverse_cdf(0.5 + confidence / 2.0) * fit.slope_se;
    Ok(Elasticity { elasticity: fit.slope, lower: fit.slope - half, upper: fit.slope + half, n: fit.n })
}
