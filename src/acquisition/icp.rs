//! Ideal customer profile as data, and the fit score of a prospect against it.

use super::AcquisitionError;
use crate::money::Money;

/// What a prospect looks like from the outside.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Firmographics {
    /// Industry.
    pub industry: String,
    /// Employees.
    pub employees: u32,
    /// Annual revenue, if known.
    pub annual_revenue: Option<Money>,
    /// Region.
    pub region: String,
    /// Technologies in use.
    pub tech_stack: Vec<String>,
    /// Fortune 500/1000 rank, if ranked.
    pub fortune_rank: Option<u32>,
}

/// One test a prospect passes or fails.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Criterion {
    /// Industry is one of these (case-insensitive).
    Industry(Vec<String>),
    /// Employees within `[min, max]`.
    Employees {
        /// Minimum.
        min: u32,
        /// Maximum.
        max: u32,
    },
    /// Annual revenue within `[min, max]` (same currency).
    Revenue {
        /// Minimum.
        min: Money,
        /// Maximum.
        max: Money,
    },
    /// Region is one of these (case-insensitive).
    Region(Vec<String>),
    /// Uses at least one of these technologies (case-insensitive; a technology named twice is
    /// one): half credit per technology matched, capped at 1 (full credit for a list of one).
    TechStack(Vec<String>),
    /// Fortune rank at most this.
    FortuneRankAtMost(u32),
}

/// A criterion with its weight and a name for explanations.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct WeightedCriterion {
    /// Name shown to sellers.
    pub name: String,
    /// The test.
    pub criterion: Criterion,
    /// Weight (positive).
    pub weight: f64,
}

/// The ideal customer profile: weighted criteria.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct IdealCustomerProfile {
    /// Criteria.
    pub criteria: Vec<WeightedCriterion>,
}

/// A fit score with each criterion's points.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct FitScore {
    /// 0–100.
    pub score: f64,
    /// `(criterion name, points)`; the points sum to `score` (to rounding).
    pub contributions: Vec<(String, f64)>,
}

fn one_of(list: &[String], value: &str) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(value))
}

impl IdealCustomerProfile {
    /// Score a prospect: each criterion earns `weight × match` (match in [0, 1]), scaled so a
    /// perfect fit is 100; the score is always within 0–100.
    ///
    /// ```
    /// use revops::acquisition::{Criterion, Firmographics, IdealCustomerProfile, WeightedCriterion};
    /// let icp = IdealCustomerProfile { criteria: vec![
    ///     WeightedCriterion { name: "industry".into(), criterion: Criterion::Industry(vec!["Software".into()]), weight: 3.0 },
    ///     WeightedCriterion { name: "size".into(), criterion: Criterion::Employees { min: 1000, max: 100_000 }, weight: 1.0 },
    /// ]};
    /// let p = Firmographics { industry: "software".into(), employees: 500, annual_revenue: None, region: "NA".into(), tech_stack: vec![], fortune_rank: None };
    /// assert_eq!(icp.fit(&p)?.score, 75.0);
    /// # Ok::<(), revops::acquisition::AcquisitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidConfig`] for a weight that is NaN, infinite or negative,
    /// weights that are all zero, or an employee or revenue range whose minimum is above its
    /// maximum; [`AcquisitionError::Overflow`] for weights whose total is too
    /// large for an `f64`; [`AcquisitionError::MixedCurrencies`] for a revenue criterion whose
    /// minimum and maximum are in two currencies (whatever the prospect), or in another currency
    /// than the prospect's revenue.
    pub fn fit(&self, p: &Firmographics) -> Result<FitScore, AcquisitionError> {
        let total: f64 = self.criteria.iter().map(|c| c.weight).sum();
        if self.criteria.iter().any(|c| !c.weight.is_finite() || c.weight < 0.0) || total.is_nan() || total <= 0.0 {
            return Err(AcquisitionError::InvalidConfig(
                "ICP weights must be finite, not negative, and not all zero".into(),
            ));
        }
        if !total.is_finite() {
            return Err(AcquisitionError::Overflow("ICP weight total"));
        }
        // a reversed range matches nobody: a mistake to report, not a criterion never met
        for c in &self.criteria {
            if let Criterion::Revenue { min, max } = &c.criterion {
                if min.currency() != max.currency() {
                    return Err(AcquisitionError::MixedCurrencies(min.currency(), max.currency()));
                }
            }
            let reversed = match &c.criterion {
                Criterion::Employees { min, max } => min > max,
                Criterion::Revenue { min, max } => min.amount() > max.amount(),
                _ => false,
            };
            if reversed {
                return Err(AcquisitionError::InvalidConfig(format!(
                    "criterion {:?} has a range whose minimum is above its maximum",
                    c.name
                )));
            }
        }
        let mut contributions = Vec::with_capacity(self.criteria.len());
        for c in &self.criteria {
            let matched = match &c.criterion {
                Criterion::Industry(list) => f64::from(u8::from(one_of(list, &p.industry))),
                Criterion::Employees { min, max } => f64::from(u8::from((*min..=*max).contains(&p.employees))),
                Criterion::Revenue { min, max } => match p.annual_revenue {
                    None => 0.0,
                    Some(r) => {
                        // min and max share a currency (checked above)
                        if r.currency() != min.currency() {
                            return Err(AcquisitionError::MixedCurrencies(r.currency(), min.currency()));
                        }
                        f64::from(u8::from(min.amount() <= r.amount() && r.amount() <= max.amount()))
                    }
                },
                Criterion::Region(list) => f64::from(u8::from(one_of(list, &p.region))),
                Criterion::TechStack(list) => {
                    // a technology named twice (in any case) is one technology
                    let mut distinct: Vec<String> = list.iter().map(|t| t.to_ascii_lowercase()).collect();
                    distinct.sort_unstable();
                    distinct.dedup();
                    let hits = distinct.iter().filter(|t| one_of(&p.tech_stack, t)).count();
                    (hits as f64 / distinct.len().clamp(1, 2) as f64).min(1.0)
                }
                Criterion::FortuneRankAtMost(n) => f64::from(u8::from(p.fortune_rank.is_some_and(|r| r <= *n))),
            };
            // the weight's share first (at most 1), then points: 100 × w ÷ total came out at
            // 100.00000000000001 for a lone weight of 418,180,523,151.2
            contributions.push((c.name.clone(), 100.0 * (c.weight / total) * matched));
        }
        if contributions.iter().any(|(_, v)| !v.is_finite()) {
            return Err(AcquisitionError::Overflow("ICP points"));
        }
        // shares that each round up may add to an ulp over 100
        let score = contributions.iter().map(|(_, v)| v).sum::<f64>().min(100.0);
        Ok(FitScore { score, contributions })
    }
}
