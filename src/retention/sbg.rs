//! The shifted-beta-geometric model for contractual cohorts (Fader & Hardie 2007, "How to project
//! customer retention", Journal of Interactive Marketing 21(1)).

use super::RetentionError;
use crate::limits::{self, MAX_HORIZON};
use crate::stats::{nelder_mead, NelderMead};

/// A fitted sBG model: each customer churns each period with probability θ, and θ varies across
/// customers as Beta(α, β). Both shapes and their sum are finite and positive by construction
/// (JSON too).
///
/// ```
/// use revops::retention::ShiftedBetaGeometric;
/// let m = ShiftedBetaGeometric::new(0.704, 1.182)?;
/// assert!(m.survival(1) < 1.0 && m.retention_rate(2) > m.retention_rate(1));
/// assert!(ShiftedBetaGeometric::new(0.0, 1.0).is_err());
/// # #[cfg(feature = "serde")]
/// assert!(serde_json::from_str::<ShiftedBetaGeometric>(r#"{"alpha":-1.0,"beta":1.0}"#).is_err());
/// # Ok::<(), revops::retention::RetentionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SbgRepr"))]
pub struct ShiftedBetaGeometric {
    alpha: f64,
    beta: f64,
}

deserialize_via!(ShiftedBetaGeometric, SbgRepr { alpha: f64, beta: f64 }, RetentionError, |r| {
    ShiftedBetaGeometric::new(r.alpha, r.beta)
});

/// True for a finite, strictly positive model parameter.
pub(super) fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// A fit with its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SbgFit {
    /// The model.
    pub model: ShiftedBetaGeometric,
    /// Log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: usize,
}

impl ShiftedBetaGeometric {
    /// The model with Beta shapes `alpha` and `beta`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidModel`] unless both are finite and positive and so is their sum.
    pub fn new(alpha: f64, beta: f64) -> Result<ShiftedBetaGeometric, RetentionError> {
        if !(positive(alpha) && positive(beta)) {
            return Err(RetentionError::InvalidModel { model: "sBG", reason: "α and β must be finite and positive" });
        }
        // every probability divides by α + β (+ t − 1): a sum that overflows reads them all as 0
        if !(alpha + beta).is_finite() {
            return Err(RetentionError::InvalidModel { model: "sBG", reason: "α + β must be finite" });
        }
        Ok(ShiftedBetaGeometric { alpha, beta })
    }

    /// Beta shape α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Beta shape β.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// Fit by maximum likelihood to a survivor curve: `alive[0]` customers at the start,
    /// `alive[t]` still active after `t` periods (non-increasing).
    ///
    /// ```
    /// use revops::retention::ShiftedBetaGeometric;
    /// // Fader & Hardie (2007), "regular" customers, years 0–7.
    /// let alive = [1000, 631, 468, 382, 326, 289, 262, 241];
    /// let fit = ShiftedBetaGeometric::fit(&alive)?;
    /// assert!((fit.model.alpha() - 0.704).abs() < 0.005);
    /// assert!((fit.model.beta() - 1.182).abs() < 0.005);
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::NotEnoughData`] for fewer than 3 points;
    /// [`RetentionError::InvalidInput`] for a cohort that starts empty;
    /// [`RetentionError::RisingSurvivors`]; [`RetentionError::Degenerate`] when nobody churned,
    /// when everybody churned at once (all in one period, whichever), or when no finite α, β fit
    /// better than the homogeneous limit (one churn rate for everybody, α, β → ∞: e.g. nobody
    /// churns early and many late, or churn speeds up with tenure, which the sBG cannot
    /// express), or when all the churn is in the first period and nobody churns after (half a
    /// cohort leaving at once and the rest staying is approached only as α, β → 0, θ a point
    /// mass on 1 and 0; one later churner makes the optimum an inside one, whose α, β may be
    /// tiny for a large cohort); [`RetentionError::NoConvergence`] when the optimiser stops
    /// before converging.
    pub fn fit(alive: &[u64]) -> Result<SbgFit, RetentionError> {
        if alive.len() < 3 {
            return Err(RetentionError::NotEnoughData(format!(
                "a survivor curve needs at least 3 points, got {}",
                alive.len()
            )));
        }
        let (first, last) = check_curve(alive)?;
        if first == 0 {
            return Err(RetentionError::InvalidInput("the cohort starts with no customers".into()));
        }
        if last == first {
            return Err(RetentionError::Degenerate(
                "nobody churned: retention is 1 and α, β are not identifiable".into(),
            ));
        }
        if alive.get(1) == Some(&0) {
            return Err(RetentionError::Degenerate("everybody churned in the first period: retention is 0".into()));
        }
        if last == 0 && alive.windows(2).filter(|w| w[1] < w[0]).count() == 1 {
            return Err(RetentionError::Degenerate(
                "everybody churned at once, in one period: churn has no spread and α, β are unbounded".into(),
            ));
        }
        // all the churn in the first period and none after, with some left: the likelihood
        // rises towards α, β → 0 (θ a point mass on 1 for those who left and 0 for the rest)
        // and has no maximum; any later churner gives that limit likelihood −∞ and an optimum
        // inside, however small its α, β (about 1 ÷ the cohort for one churner among millions)
        if alive[1] == last {
            return Err(RetentionError::Degenerate(
                "everybody who churned did so in the first period and nobody after: θ is 1 or 0, \
                 and the best fit runs off to α, β → 0"
                    .into(),
            ));
        }
        let nll = |x: &[f64]| -curve_log_likelihood(alive, x[0].exp(), x[1].exp());
        let m = nelder_mead(nll, &[0.0, 0.0], NelderMead { tolerance: 1e-13, max_iterations: 4_000, step: 0.5 });
        let not_converged = RetentionError::NoConvergence { iterations: m.iterations, log_likelihood: -m.value };
        if !m.converged {
            return Err(not_converged);
        }
        // Every finite (α, β) with a better likelihood than the homogeneous limit is an interior
        // optimum; when none is better, the supremum is at α, β → ∞ (θ the same for everyone)
        // and the optimiser merely stopped on the plateau towards it.
        let homogeneous = geometric_log_likelihood(alive);
        if -m.value <= homogeneous + 1e-9 * (1.0 + homogeneous.abs()) {
            return Err(RetentionError::Degenerate(format!(
                "no spread in churn: no finite α, β fit better than one churn rate for everybody \
                 (log-likelihood {homogeneous}); the best fit runs off to α, β → ∞"
            )));
        }
        let model = ShiftedBetaGeometric::new(m.x[0].exp(), m.x[1].exp()).map_err(|_| not_converged)?;
        Ok(SbgFit { model, log_likelihood: -m.value, iterations: m.iterations })
    }

    /// `P(T = t)`: the probability of churning in period `t` (t ≥ 1).
    ///
    /// Up to [`MAX_HORIZON`](crate::limits::MAX_HORIZON) periods this is the recursion's exact
    /// product; beyond, where the product would take billions of steps, the closed form
    /// `B(α + 1, β + t − 1) ÷ B(α, β)` (Fader & Hardie 2007, eq. 5).
    ///
    /// ```
    /// use revops::retention::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.704, 1.182)?; // Fader & Hardie's "regular" customers
    /// // P(T = 1) = α / (α + β); the probabilities of every period and the survival sum to one
    /// assert!((m.churn_probability(1) - 0.704 / 1.886).abs() < 1e-12);
    /// let churned: f64 = (1..=12).map(|t| m.churn_probability(t)).sum();
    /// assert!((churned + m.survival(12) - 1.0).abs() < 1e-12);
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    pub fn churn_probability(&self, t: u32) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        if t as usize > MAX_HORIZON {
            return beta_ratio(a + 1.0, b + f64::from(t) - 1.0, a, b);
        }
        let mut p = a / (a + b);
        for s in 2..=t {
            p *= churn_ratio(a, b, f64::from(s));
        }
        if t == 0 {
            0.0
        } else {
            p
        }
    }

    /// `S(t)`: the probability of still being a customer after `t` periods.
    ///
    /// Up to [`MAX_HORIZON`](crate::limits::MAX_HORIZON) periods this is the exact product of
    /// retention rates; beyond, the closed form `B(α, β + t) ÷ B(α, β)` (Fader & Hardie 2007,
    /// eq. 6), so a caller's `u32::MAX` costs no more than a short horizon.
    pub fn survival(&self, t: u32) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        if t as usize > MAX_HORIZON {
            return beta_ratio(a, b + f64::from(t), a, b);
        }
        (1..=t).fold(1.0, |s, u| self.survive(s, f64::from(u)))
    }

    /// `r(t) = S(t) / S(t − 1)`: the retention rate in period `t` (rising with tenure).
    pub fn retention_rate(&self, t: u32) -> f64 {
        self.rate_at(f64::from(t.max(1)))
    }

    /// `S(t)` from `s = S(t − 1)`: `s · (β + t − 1) ÷ (α + β + t − 1)`, with t − 1 taken
    /// first, exactly (β + t − 1 summed left to right loses a small β).
    fn survive(&self, s: f64, t: f64) -> f64 {
        s * (self.beta + (t - 1.0)) / ((self.alpha + self.beta) + (t - 1.0))
    }

    /// `r(t)` for a tenure already at least 1, as an `f64` so that `renewals + 1` and the
    /// periods after it never overflow an integer.
    fn rate_at(&self, t: f64) -> f64 {
        // (t − 1 first, exactly: β + t − 1 summed left to right loses a small β)
        (self.beta + (t - 1.0)) / ((self.alpha + self.beta) + (t - 1.0))
    }

    /// Survival projected for periods `0..=horizon`.
    ///
    /// ```
    /// use revops::retention::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.704, 1.182)?;
    /// let curve = m.project(3)?;
    /// assert_eq!(curve.len(), 4);
    /// assert_eq!(curve[3], m.survival(3));
    /// assert!(m.project(u32::MAX).is_err()); // 4 billion periods are not allocated
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::Limit`] for a horizon above [`MAX_HORIZON`](crate::limits::MAX_HORIZON).
    pub fn project(&self, horizon: u32) -> Result<Vec<f64>, RetentionError> {
        let horizon = limits::check("projection horizon", horizon, MAX_HORIZON)?;
        // S(t) = S(t − 1) · (β + t − 1) / (α + β + t − 1): the products `survival` takes, in the
        // same order, so each point has the same bits in O(horizon) rather than O(horizon²)
        let mut curve = Vec::with_capacity(horizon + 1);
        let mut s = 1.0;
        curve.push(s);
        for u in 1..=horizon {
            s = self.survive(s, u as f64);
            curve.push(s);
        }
        Ok(curve)
    }

    /// Discounted expected residual lifetime of a customer who has renewed `renewals` times
    /// (Fader & Hardie 2010): `Σ_{t ≥ n} S(t)/S(n−1) · (1 + d)^{−(t−n)}` with `n = renewals + 1`:
    /// the expected number of further payments, the next one undiscounted. In closed form,
    /// `(β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d))`.
    ///
    /// The sum is exact to a stated tolerance: term `k` is `S(n+k)/S(n−1) · (1+d)^{−k}`, each
    /// next term is the last times `r(n+k+1)/(1+d)`, and the retention rate `r` rises toward 1,
    /// so the tail left off after term `k` lies between `t_k · q/(1−q)` (`q = r(n+k+1)/(1+d)`)
    /// and `t_k / d`. The sum adds the middle of that interval once its half-width is at most
    /// 1e-15 of the total.
    ///
    /// ```
    /// use revops::retention::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.668, 3.806)?;
    /// assert!((m.derl(0.1, 0)? - 5.41485604837404).abs() < 1e-12); // mpmath, the closed form
    /// assert!(m.derl(0.1, u32::MAX).is_ok()); // the last renewal count is fine too
    /// assert!(m.derl(0.0, 0).is_err()); // undiscounted, the sum may not exist
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidInput`] for a discount rate that is not finite and positive;
    /// [`RetentionError::NotConverged`] when the tail is still wider than the tolerance after
    /// ten million terms (a discount rate below about 1e-6 a period), rather than a truncated
    /// sum.
    pub fn derl(&self, discount_rate: f64, renewals: u32) -> Result<f64, RetentionError> {
        if !discount_rate.is_finite() || discount_rate <= 0.0 {
            return Err(RetentionError::InvalidInput(format!("discount rate {discount_rate} must be positive")));
        }
        let n = f64::from(renewals) + 1.0; // exact in f64, and no u32 overflow at u32::MAX
        let z = 1.0 / (1.0 + discount_rate);
        // t_1 = r(n), t_{k+1} = t_k · r(n + k) · z (the series helper counts from 1). The
        // survival ratio is a running product; the discount is taken afresh as
        // exp(−k · ln(1 + d)), since a rounded z multiplied in k times is off by k ulps.
        let log_z = -discount_rate.ln_1p();
        let mut survival = self.rate_at(n); // S(n + k − 1) / S(n − 1)
        let next = |k: f64, _: f64| {
            survival *= self.rate_at(n + k);
            survival * (k * log_z).exp()
        };
        let bounds = |k: f64| Some((self.rate_at(n + k) * z, z));
        crate::stats::sum_series(self.rate_at(n), next, bounds, |total| total)
            .map_err(|terms| RetentionError::NotConverged { what: "the discounted expected residual lifetime", terms })
    }

    /// Expected residual value of a customer: margin per period × DERL.
    ///
    /// ```
    /// use revops::retention::ShiftedBetaGeometric;
    /// let m = ShiftedBetaGeometric::new(0.704, 1.182)?;
    /// // $100 of margin a period, 10% discount, a customer who has renewed 3 times
    /// let value = m.residual_value(100.0, 0.10, 3)?;
    /// assert!((value - 100.0 * m.derl(0.10, 3)?).abs() < 1e-9);
    /// assert!(m.residual_value(f64::NAN, 0.10, 3).is_err());
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::NonFinite`] for a margin that is not finite (or a value that overflows);
    /// the errors of [`ShiftedBetaGeometric::derl`].
    pub fn residual_value(
        &self,
        margin_per_period: f64,
        discount_rate: f64,
        renewals: u32,
    ) -> Result<f64, RetentionError> {
        if !margin_per_period.is_finite() {
            return Err(RetentionError::NonFinite("margin per period"));
        }
        let value = margin_per_period * self.derl(discount_rate, renewals)?;
        if !value.is_finite() {
            return Err(RetentionError::NonFinite("residual value"));
        }
        Ok(value)
    }
}

/// `B(a1, b1) ÷ B(a0, b0)` through log-Beta functions (0 where they are out of range).
fn beta_ratio(a1: f64, b1: f64, a0: f64, b0: f64) -> f64 {
    use statrs::function::beta::checked_ln_beta;
    match (checked_ln_beta(a1, b1), checked_ln_beta(a0, b0)) {
        (Ok(num), Ok(den)) => (num - den).exp(),
        _ => 0.0,
    }
}

/// A survivor curve's first and last counts, once it is non-empty and never rising.
fn check_curve(alive: &[u64]) -> Result<(u64, u64), RetentionError> {
    let (Some(&first), Some(&last)) = (alive.first(), alive.last()) else {
        return Err(RetentionError::NotEnoughData("an empty survivor curve".into()));
    };
    if let Some(t) = alive.windows(2).position(|w| w[1] > w[0]) {
        return Err(RetentionError::RisingSurvivors { period: t + 1, previous: alive[t], count: alive[t + 1] });
    }
    Ok((first, last))
}

/// The sBG log-likelihood of a survivor curve (`alive[t]` customers still active after `t`
/// periods) at `alpha`, `beta`.
///
/// ```
/// use revops::retention::sbg_log_likelihood;
/// let alive = [1000, 631, 468, 382, 326, 289, 262, 241];
/// assert!(sbg_log_likelihood(&alive, 0.704, 1.182)? < 0.0);
/// assert!(sbg_log_likelihood(&[], 0.704, 1.182).is_err());
/// assert!(sbg_log_likelihood(&[10, 20], 0.704, 1.182).is_err()); // more alive than before
/// # Ok::<(), revops::retention::RetentionError>(())
/// ```
///
/// # Errors
///
/// [`RetentionError::NotEnoughData`] for an empty curve; [`RetentionError::RisingSurvivors`];
/// [`RetentionError::InvalidModel`] unless `alpha`, `beta` and their sum are finite and positive.
pub fn log_likelihood(alive: &[u64], alpha: f64, beta: f64) -> Result<f64, RetentionError> {
    check_curve(alive)?;
    let model = ShiftedBetaGeometric::new(alpha, beta)?;
    Ok(curve_log_likelihood(alive, model.alpha, model.beta))
}

/// The log-likelihood of a checked curve at the sBG's homogeneous limit (α, β → ∞ with
/// α/(α+β) = θ: a geometric lifetime), at its maximum-likelihood θ = churners ÷ periods at risk.
fn geometric_log_likelihood(alive: &[u64]) -> f64 {
    let mut churned = 0.0;
    let mut exposure = 0.0;
    for t in 1..alive.len() {
        let lost = alive[t - 1].saturating_sub(alive[t]) as f64;
        churned += lost;
        exposure += lost * t as f64;
    }
    let last = alive.last().copied().unwrap_or(0) as f64;
    exposure += last * (alive.len() - 1) as f64;
    if churned == 0.0 || exposure == 0.0 {
        return 0.0;
    }
    let theta = churned / exposure;
    // churned · ln θ + (exposure − churned) · ln(1 − θ); 0 · ln 0 is 0
    let stay = exposure - churned;
    churned * theta.ln() + if stay > 0.0 { stay * (1.0 - theta).ln() } else { 0.0 }
}

/// `P(T = t) ÷ P(T = t − 1)` for t ≥ 2: `(β + t − 2) ÷ (α + β + t − 1)`, with t − 2 and t − 1
/// taken first, exactly (summed left to right, a small β is lost).
fn churn_ratio(alpha: f64, beta: f64, t: f64) -> f64 {
    (beta + (t - 2.0)) / ((alpha + beta) + (t - 1.0))
}

/// The log-likelihood of a checked curve; −∞ outside the parameter space (for the optimiser).
fn curve_log_likelihood(alive: &[u64], alpha: f64, beta: f64) -> f64 {
    if !(alpha > 0.0 && beta > 0.0) {
        return f64::NEG_INFINITY;
    }
    let mut ll = 0.0;
    let mut p = alpha / (alpha + beta);
    let mut s = 1.0;
    for t in 1..alive.len() {
        if t > 1 {
            p *= churn_ratio(alpha, beta, t as f64);
        }
        s -= p;
        // the curve never rises (checked), so this cannot underflow
        let lost = alive[t - 1].saturating_sub(alive[t]) as f64;
        if lost > 0.0 {
            ll += lost * p.ln();
        }
    }
    let last = alive.last().copied().unwrap_or(0) as f64;
    if last > 0.0 {
        ll += last * s.max(f64::MIN_POSITIVE).ln();
    }
    ll
}
