//! Gamma-Gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4)), customer lifetime
//! value, and the transaction summary both models start from.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use statrs::function::gamma::{digamma, ln_gamma};

use super::bgnbd::spread_identified;
use super::sbg::positive;
use super::{BgNbd, RetentionError, Rfm};
use crate::limits::{self, MAX_HORIZON};
use crate::money::{Currency, Money, MoneyError};
use crate::stats::linalg::cholesky_solve;
use crate::stats::{nelder_mead, NelderMead};

/// A purchase.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Transaction {
    /// Customer id.
    pub customer: String,
    /// Date.
    pub date: NaiveDate,
    /// Amount.
    pub amount: Money,
}

/// A customer's RFM summary and average repeat spend.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CustomerRfm {
    /// Customer id.
    pub customer: String,
    /// Frequency, recency and age in model units.
    pub rfm: Rfm,
    /// Mean spend per repeat purchase day (`None` without repeat purchases), rounded to the
    /// currency's minor unit half to even, as [`Money`] holds it: lifetimes' `monetary_value`
    /// keeps the exact mean, so the two differ by up to half a cent, and Fader and Hardie's
    /// published CDNOW averages round half up (customer 1: 22.34 here, 22.35 there).
    pub average_spend: Option<Money>,
}

/// Summarise transactions as of `end`, in units of `days_per_unit` days (7 for weeks).
/// Purchases on one day count as one purchase of their total, as in `lifetimes`. Frequency,
/// recency and age are counted in days and divided by `days_per_unit`: lifetimes'
/// `summary_data_from_transaction_data(freq="D", freq_multiplier=7)` and Fader and Hardie's
/// weekly CDNOW summary, not `freq="W"`, which counts calendar weeks. A customer whose first
/// purchase is on `end` has age 0, as in lifetimes.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::retention::{summarise_transactions, Transaction};
/// use revops::{Currency, Money};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let buy = |date, amount: &str| Transaction {
///     customer: "acme".into(),
///     date,
///     amount: Money::parse(amount, Currency::USD).unwrap(),
/// };
/// // a first purchase, then two repeat purchase days (two orders on 15 Jan count as one)
/// let tx = [buy(d(1, 1), "100"), buy(d(1, 15), "40"), buy(d(1, 15), "20"), buy(d(1, 29), "80")];
/// let summary = summarise_transactions(&tx, d(2, 12), 7)?; // in weeks
/// let acme = &summary[0];
/// assert_eq!((acme.rfm.frequency, acme.rfm.recency, acme.rfm.t), (2, 4.0, 6.0));
/// assert_eq!(acme.average_spend, Some(Money::parse("70", Currency::USD)?)); // (60 + 80) / 2
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`RetentionError::InvalidInput`] for zero days per unit; a money error for a customer's
/// purchases in two currencies or totals too large for a `Decimal`.
pub fn summarise_transactions(
    transactions: &[Transaction],
    end: NaiveDate,
    days_per_unit: u32,
) -> Result<Vec<CustomerRfm>, RetentionError> {
    if days_per_unit == 0 {
        return Err(RetentionError::InvalidInput("days per unit must be positive".into()));
    }
    let mut by_customer: BTreeMap<&str, BTreeMap<NaiveDate, Money>> = BTreeMap::new();
    for t in transactions.iter().filter(|t| t.date <= end) {
        let days = by_customer.entry(&t.customer).or_default();
        let slot = days.entry(t.date).or_insert(Money::zero(t.amount.currency()));
        *slot = slot.checked_add(t.amount)?;
    }
    let unit = f64::from(days_per_unit);
    by_customer
        .into_iter()
        .map(|(customer, days)| {
            let first = *days.keys().next().ok_or(RetentionError::NotEnoughData("empty customer".into()))?;
            let last = *days.keys().next_back().unwrap_or(&first);
            let repeats: Vec<Money> = days.values().skip(1).copied().collect();
            let currency: Currency = days.values().next().map(|m| m.currency()).unwrap_or(Currency::USD);
            let average_spend = if repeats.is_empty() {
                None
            } else {
                Some(
                    Money::sum(currency, repeats.iter().copied())?
                        .checked_div(Decimal::from(repeats.len() as u64))?
                        .round(),
                )
            };
            Ok(CustomerRfm {
                customer: customer.to_string(),
                rfm: Rfm {
                    frequency: repeats.len() as u32,
                    recency: (last - first).num_days() as f64 / unit,
                    t: (end - first).num_days() as f64 / unit,
                },
                average_spend,
            })
        })
        .collect()
}

/// A fitted Gamma-Gamma spend model: spend per transaction ~ Gamma(p, ν), ν ~ Gamma(q, γ).
/// All three are finite and positive by construction (JSON too).
///
/// ```
/// use revops::retention::{GammaGamma, SpendObservation};
/// let m = GammaGamma::new(6.25, 3.74, 15.44)?; // Fader, Hardie & Lee (2005), CDNOW
/// assert!(m.expected_spend(&SpendObservation { frequency: 2, mean: 30.0 })? > 0.0);
/// assert!(m.expected_spend(&SpendObservation { frequency: 0, mean: 30.0 }).is_err());
/// assert!(GammaGamma::new(6.25, f64::NAN, 15.44).is_err());
/// # Ok::<(), revops::retention::RetentionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "GammaGammaRepr"))]
pub struct GammaGamma {
    p: f64,
    q: f64,
    gamma: f64,
}

deserialize_via!(GammaGamma, GammaGammaRepr { p: f64, q: f64, gamma: f64 }, RetentionError, |m| {
    GammaGamma::new(m.p, m.q, m.gamma)
});

/// One customer's spend data: repeat purchases and their mean value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SpendObservation {
    /// Repeat purchases (at least 1).
    pub frequency: u32,
    /// Mean value of those purchases (positive).
    pub mean: f64,
}

/// An observation the model can use: a repeat purchase and a finite, positive mean.
fn check_spend(d: &SpendObservation) -> Result<(), RetentionError> {
    if d.frequency == 0 || !positive(d.mean) {
        return Err(RetentionError::InvalidSpend(*d));
    }
    Ok(())
}

impl GammaGamma {
    /// The model with shapes `p`, `q` and scale `gamma`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidModel`] unless all three are finite and positive.
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<GammaGamma, RetentionError> {
        if ![p, q, gamma].iter().all(|x| positive(*x)) {
            return Err(RetentionError::InvalidModel {
                model: "Gamma-Gamma",
                reason: "p, q and γ must be finite and positive",
            });
        }
        Ok(GammaGamma { p, q, gamma })
    }

    /// Shape p.
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Shape q.
    pub fn q(&self) -> f64 {
        self.q
    }

    /// Scale γ.
    pub fn gamma(&self) -> f64 {
        self.gamma
    }

    /// Fit by maximum likelihood on customers with at least one repeat purchase.
    ///
    /// ```
    /// use revops::retention::{GammaGamma, SpendObservation};
    /// let data: Vec<SpendObservation> =
    ///     (0..200).map(|i| SpendObservation { frequency: 1 + i % 6, mean: 20.0 + (i * 37 % 50) as f64 }).collect();
    /// let model = GammaGamma::fit(&data)?;
    /// let spend = model.expected_spend(&SpendObservation { frequency: 5, mean: 60.0 })?;
    /// assert!(spend > 20.0 && spend < 70.0); // shrunk toward the population mean
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::NotEnoughData`] for fewer than 10 customers;
    /// [`RetentionError::InvalidSpend`]; [`RetentionError::Degenerate`] when every customer
    /// has the same mean spend (the likelihood is unbounded as spend stops varying) or when a
    /// fitted shape p or q lies outside `[1e-6, 1e6]` (the fit runs off to the boundary, a
    /// spread the data do not identify); [`RetentionError::NoConvergence`].
    pub fn fit(data: &[SpendObservation]) -> Result<GammaGamma, RetentionError> {
        if data.len() < 10 {
            return Err(RetentionError::NotEnoughData(format!(
                "Gamma-Gamma needs at least 10 customers, got {}",
                data.len()
            )));
        }
        for d in data {
            check_spend(d)?;
        }
        if data.iter().all(|d| d.mean == data[0].mean) {
            return Err(RetentionError::Degenerate(format!(
                "every customer spends {} on average: with no spread in spend the likelihood grows \
                 without bound as p, q → ∞",
                data[0].mean
            )));
        }
        let n = data.len() as f64;
        let scale = data.iter().map(|d| d.mean).sum::<f64>() / n;
        let nll = |x: &[f64]| -> f64 {
            let (p, q, g) = (x[0].exp(), x[1].exp(), x[2].exp());
            -data.iter().map(|d| Self::ll_one(p, q, g, d)).sum::<f64>() / n
        };
        let mut m = nelder_mead(
            nll,
            &[0.0, 0.5, scale.ln()],
            NelderMead { tolerance: 1e-12, max_iterations: 5_000, step: 0.5 },
        );
        // The likelihood has a long flat ridge (q and v rise together), where a simplex stops
        // once its values agree to rounding, short of the maximum along it (p 1.4e-6 short on
        // CDNOW's summary, γ 14.658148 against 14.657943 on its master file). Newton's method
        // on the score, which stays exact where the values no longer differ, walks on to it.
        if m.converged {
            m.x = Self::newton(data, [m.x[0], m.x[1], m.x[2]]).to_vec();
            m.value = nll(&m.x);
        }
        let not_converged = RetentionError::NoConvergence { iterations: m.iterations, log_likelihood: -m.value * n };
        if !m.converged {
            return Err(not_converged);
        }
        let model = GammaGamma::new(m.x[0].exp(), m.x[1].exp(), m.x[2].exp()).map_err(|_| not_converged)?;
        spread_identified("Gamma-Gamma", &[("p", model.p), ("q", model.q)])?;
        Ok(model)
    }

    /// The score (the gradient of the log-likelihood) in the logs of p, q and v, summed over
    /// `data`.
    fn score(data: &[SpendObservation], u: &[f64; 3]) -> [f64; 3] {
        let (p, q, v) = (u[0].exp(), u[1].exp(), u[2].exp());
        let mut total = [0.0; 3];
        for d in data {
            let g = Self::ll_gradient(p, q, v, d);
            total.iter_mut().zip(g).for_each(|(t, g)| *t += g);
        }
        [total[0] * p, total[1] * q, total[2] * v]
    }

    /// Newton's method on the score from `u` (the logs of p, q and v), its Hessian by central
    /// differences: a few steps to where the score vanishes. A step that would not leave the
    /// score smaller, or not finite, ends it where it is.
    fn newton(data: &[SpendObservation], mut u: [f64; 3]) -> [f64; 3] {
        const H: f64 = 1e-5;
        let norm = |g: &[f64; 3]| g.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut g = Self::score(data, &u);
        for _ in 0..20 {
            // the negated Hessian, positive definite near a maximum (else the steps end here)
            let mut curvature = [0.0; 9];
            for j in 0..3 {
                let (mut up, mut down) = (u, u);
                up[j] += H;
                down[j] -= H;
                let (a, b) = (Self::score(data, &up), Self::score(data, &down));
                (0..3).for_each(|i| curvature[i * 3 + j] = -(a[i] - b[i]) / (2.0 * H));
            }
            let Some(step) = cholesky_solve(&curvature, &g, 3) else { break };
            let next = [u[0] + step[0], u[1] + step[1], u[2] + step[2]];
            let g_next = Self::score(data, &next);
            if !next.iter().chain(&g_next).all(|v| v.is_finite()) || norm(&g_next) >= norm(&g) {
                break;
            }
            (u, g) = (next, g_next);
        }
        u
    }

    /// The gradient of [`GammaGamma::ll_one`] in (p, q, v).
    fn ll_gradient(p: f64, q: f64, v: f64, d: &SpendObservation) -> [f64; 3] {
        let x = f64::from(d.frequency);
        let (px, total) = (p * x, v + x * d.mean);
        let shared = digamma(px + q) - total.ln();
        [x * (shared - digamma(px) + d.mean.ln() + x.ln()), shared - digamma(q) + v.ln(), q / v - (px + q) / total]
    }

    fn ll_one(p: f64, q: f64, g: f64, d: &SpendObservation) -> f64 {
        let x = f64::from(d.frequency);
        let px = p * x;
        ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q) + q * g.ln() + (px - 1.0) * d.mean.ln() + px * x.ln()
            - (px + q) * (g + x * d.mean).ln()
    }

    /// Expected spend per transaction given a customer's history (a weighted average of the
    /// population mean and the customer's own), p(γ + x z̄) ÷ (px + q − 1), as lifetimes'
    /// `conditional_expected_average_profit`. Needs px + q > 1 (only the population mean,
    /// pγ ÷ (q − 1), needs q > 1).
    ///
    /// ```
    /// use revops::retention::{GammaGamma, SpendObservation};
    /// let model = GammaGamma::new(2.0, 0.8, 10.0)?; // q below 1
    /// let spend = model.expected_spend(&SpendObservation { frequency: 2, mean: 30.0 })?;
    /// assert!((spend - 140.0 / 3.8).abs() < 1e-12);
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::OutOfDomain`] for px + q ≤ 1; [`RetentionError::InvalidSpend`] for an
    /// observation without a repeat purchase or with a mean that is not finite and positive;
    /// [`RetentionError::NonFinite`] when the expectation overflows.
    pub fn expected_spend(&self, d: &SpendObservation) -> Result<f64, RetentionError> {
        check_spend(d)?;
        let x = f64::from(d.frequency);
        if self.p * x + self.q <= 1.0 {
            return Err(RetentionError::OutOfDomain(format!(
                "expected spend needs p·x + q > 1, the fit has p = {}, q = {} and the customer x = {}",
                self.p, self.q, d.frequency
            )));
        }
        let spend = self.p * (self.gamma + x * d.mean) / (self.p * x + self.q - 1.0);
        if !spend.is_finite() {
            return Err(RetentionError::NonFinite("expected spend"));
        }
        Ok(spend)
    }
}

/// Customer lifetime value over `periods` periods of `period_length` time units: expected
/// purchases per period × expected spend × margin, discounted per period, as lifetimes'
/// `GammaGammaFitter.customer_lifetime_value` (its `time` is `periods`, its `freq` of weeks or
/// days a `period_length` of 4.345 or 30; they agree to 3e-11 at the same parameters). The
/// value is rounded to the currency's minor unit, as [`Money`] holds it (lifetimes keeps
/// 3.2e-7; this reads 0.00).
///
/// ```
/// use revops::retention::{customer_lifetime_value, BgNbd, CustomerRfm, GammaGamma, Rfm};
/// use revops::{Currency, Money};
///
/// // lifetimes' fits on CDNOW (weeks): BG/NBD (r, α, a, b) and Gamma-Gamma (p, q, v)
/// let purchases = BgNbd::new(0.243, 4.414, 0.793, 2.426)?;
/// let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
/// let customer = CustomerRfm {
///     customer: "1".into(),
///     rfm: Rfm { frequency: 2, recency: 30.43, t: 38.86 },
///     average_spend: Some(Money::parse("22.35", Currency::USD)?),
/// };
/// // 12 months of 4.345 weeks at 100% margin, discounted 1% a month
/// let clv = customer_lifetime_value(&purchases, &spend, &customer, 1.0, 12, 4.345, 0.01)?;
/// assert_eq!(clv.currency(), Currency::USD);
/// assert!(clv.amount() > 30.into() && clv.amount() < 45.into()); // lifetimes: 36.28 with its exact fits
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`RetentionError::Limit`] for more than [`MAX_HORIZON`](crate::limits::MAX_HORIZON)
/// periods; [`RetentionError::NonFinite`] for a margin that is not finite;
/// [`RetentionError::InvalidInput`] for a period length that is not finite and positive or a
/// discount rate that is not finite and non-negative, or a customer without repeat spend; the
/// errors of [`GammaGamma::expected_spend`] and [`BgNbd::expected_purchases`]; a money overflow
/// when the value is too large for a `Decimal`.
pub fn customer_lifetime_value(
    purchases: &BgNbd,
    spend: &GammaGamma,
    customer: &CustomerRfm,
    margin: f64,
    periods: u32,
    period_length: f64,
    discount_rate: f64,
) -> Result<Money, RetentionError> {
    limits::check("lifetime value periods", periods, MAX_HORIZON)?;
    if !margin.is_finite() {
        return Err(RetentionError::NonFinite("margin"));
    }
    if !(period_length.is_finite() && period_length > 0.0) {
        return Err(RetentionError::InvalidInput(format!("period length {period_length} must be finite and positive")));
    }
    if !(discount_rate.is_finite() && discount_rate >= 0.0) {
        return Err(RetentionError::InvalidInput(format!(
            "discount rate {discount_rate} must be finite and not negative"
        )));
    }
    let avg = customer
        .average_spend
        .ok_or(RetentionError::InvalidInput(format!("{} has no repeat spend", customer.customer)))?;
    let observed = SpendObservation { frequency: customer.rfm.frequency, mean: avg.to_f64_lossy() };
    let per_purchase = spend.expected_spend(&observed)?;
    let mut value = 0.0;
    let mut before = 0.0;
    for k in 1..=periods {
        let cumulative = purchases.expected_purchases(&customer.rfm, f64::from(k) * period_length)?;
        value += (cumulative - before) * per_purchase * margin / (1.0 + discount_rate).powi(k as i32);
        before = cumulative;
    }
    if !value.is_finite() {
        return Err(RetentionError::NonFinite("lifetime value"));
    }
    let amount = Decimal::from_f64(value).ok_or(MoneyError::Overflow("lifetime value"))?;
    Ok(Money::new(amount, avg.currency()).round())
}
