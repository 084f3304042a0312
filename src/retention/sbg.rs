//! The shifted-beta-geometric model for contractual cohorts (Fader & Hardie 2007, "How to project
//! customer retention", Journal of Interactive Marketing 21(1)).

use super::RetentionError;
use crate::stats::{nelder_mead, NelderMead};

/// A fitted sBG model: each customer churns each period with probability θ, and θ varies across
/// customers as Beta(α, β).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShiftedBetaGeometric {
    /// Beta shape α.
    pub alpha: f64,
    /// Beta shape β.
    pub beta: f64,
}

/// A fit with its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SbgFit {
    /// The model.
    pub model: ShiftedBetaGeometric,
    /// Log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: usize,
}

impl ShiftedBetaGeometric {
    /// Fit by maximum likelihood to a survivor curve: `alive[0]` customers at the start,
    /// `alive[t]` still active after `t` periods (non-increasing).
    ///
    /// ```
    /// use revops::retention::ShiftedBetaGeometric;
    /// // Fader & Hardie (2007), "regular" customers, years 0–7.
    /// let alive = [1000, 631, 468, 382, 326, 289, 262, 241];
    /// let fit = ShiftedBetaGeometric::fit(&alive)?;
    /// assert!((fit.model.alpha - 0.704).abs() < 0.005);
    /// assert!((fit.model.beta - 1.182).abs() < 0.005);
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    pub fn fit(alive: &[u64]) -> Result<SbgFit, RetentionError> {
        if alive.len() < 3 {
            return Err(RetentionError::NotEnoughData(format!(
                "a survivor curve needs at least 3 points, got {}",
                alive.len()
            )));
        }
        if alive[0] == 0 {
            return Err(RetentionError::InvalidInput("the cohort starts with no customers".into()));
        }
        if alive.windows(2).any(|w| w[1] > w[0]) {
            return Err(RetentionError::InvalidInput("survivor counts must not increase".into()));
        }
        let last = alive[alive.len() - 1];
        if last == alive[0] {
            return Err(RetentionError::Degenerate(
                "nobody churned: retention is 1 and α, β are not identifiable".into(),
            ));
        }
        if alive[1] == 0 {
            return Err(RetentionError::Degenerate("everybody churned in the first period: retention is 0".into()));
        }
        let nll = |x: &[f64]| -log_likelihood(alive, x[0].exp(), x[1].exp());
        let m = nelder_mead(nll, &[0.0, 0.0], NelderMead { tolerance: 1e-13, max_iterations: 4_000, step: 0.5 });
        if !m.converged {
            return Err(RetentionError::NoConvergence { iterations: m.iterations, log_likelihood: -m.value });
        }
        Ok(SbgFit {
            model: ShiftedBetaGeometric { alpha: m.x[0].exp(), beta: m.x[1].exp() },
            log_likelihood: -m.value,
            iterations: m.iterations,
        })
    }

    /// `P(T = t)`: the probability of churning in period `t` (t ≥ 1).
    pub fn churn_probability(&self, t: u32) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        let mut p = a / (a + b);
        for s in 2..=t {
            let s = f64::from(s);
            p *= (b + s - 2.0) / (a + b + s - 1.0);
        }
        if t == 0 {
            0.0
        } else {
            p
        }
    }

    /// `S(t)`: the probability of still being a customer after `t` periods.
    pub fn survival(&self, t: u32) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        (1..=t).fold(1.0, |s, u| s * (b + f64::from(u) - 1.0) / (a + b + f64::from(u) - 1.0))
    }

    /// `r(t) = S(t) / S(t − 1)`: the retention rate in period `t` (rising with tenure).
    pub fn retention_rate(&self, t: u32) -> f64 {
        let t = f64::from(t.max(1));
        (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)
    }

    /// Survival projected for periods `0..=horizon`.
    pub fn project(&self, horizon: u32) -> Vec<f64> {
        (0..=horizon).map(|t| self.survival(t)).collect()
    }

    /// Discounted expected residual lifetime of a customer who has renewed `renewals` times
    /// (Fader & Hardie 2010): `Σ_{t ≥ n} S(t)/S(n−1) · (1 + d)^{−(t−n)}` with `n = renewals + 1`:
    /// the expected number of further payments, the next one undiscounted.
    pub fn derl(&self, discount_rate: f64, renewals: u32) -> Result<f64, RetentionError> {
        if !discount_rate.is_finite() || discount_rate <= 0.0 {
            return Err(RetentionError::InvalidInput(format!("discount rate {discount_rate} must be positive")));
        }
        let n = renewals + 1;
        let mut ratio = 1.0; // S(t) / S(n − 1), updated by r(t)
        let mut factor = 1.0;
        let mut total = 0.0;
        for t in n..n + 100_000 {
            ratio *= self.retention_rate(t);
            let term = ratio * factor;
            total += term;
            if term < 1e-12 * total {
                return Ok(total);
            }
            factor /= 1.0 + discount_rate;
        }
        Ok(total)
    }

    /// Expected residual value of a customer: margin per period × DERL.
    pub fn residual_value(
        &self,
        margin_per_period: f64,
        discount_rate: f64,
        renewals: u32,
    ) -> Result<f64, RetentionError> {
        Ok(margin_per_period * self.derl(discount_rate, renewals)?)
    }
}

/// The sBG log-likelihood of a survivor curve.
pub fn log_likelihood(alive: &[u64], alpha: f64, beta: f64) -> f64 {
    if !(alpha > 0.0 && beta > 0.0) {
        return f64::NEG_INFINITY;
    }
    let mut ll = 0.0;
    let mut p = alpha / (alpha + beta);
    let mut s = 1.0;
    for t in 1..alive.len() {
        if t > 1 {
            let tf = t as f64;
            p *= (beta + tf - 2.0) / (alpha + beta + tf - 1.0);
        }
        s -= p;
        let lost = (alive[t - 1] - alive[t]) as f64;
        if lost > 0.0 {
            ll += lost * p.ln();
        }
    }
    let last = alive[alive.len() - 1] as f64;
    if last > 0.0 {
        ll += last * s.max(f64::MIN_POSITIVE).ln();
    }
    ll
}
