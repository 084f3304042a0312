//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
//! 24(2)) for repeat purchases, fitted by maximum likelihood in log space.

use rand::Rng;
use statrs::distribution::{Beta, Gamma};
use statrs::function::beta::checked_ln_beta;
use statrs::function::gamma::{digamma, ln_gamma};

use super::sbg::positive;
use super::RetentionError;
use crate::limits::{self, LimitExceeded, MAX_COUNT};
use crate::stats::{bfgs, nelder_mead, NelderMead};

/// A customer's purchase history in model units (weeks, say): repeat purchases `frequency`,
/// time of the last one `recency` (from the first purchase), and age `t` (first purchase to the
/// end of observation).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Rfm {
    /// Repeat purchases (x).
    pub frequency: u32,
    /// Time of the last repeat purchase (t_x); 0 when there is none.
    pub recency: f64,
    /// Time observed (T); 0 for a customer first seen on the last day observed.
    pub t: f64,
}

/// A fitted BG/NBD model: purchase rates λ ~ Gamma(r, α) across customers, dropout after each
/// purchase with probability p ~ Beta(a, b). All four are finite and positive by construction
/// (JSON too).
///
/// ```
/// use revops::retention::{BgNbd, Rfm};
/// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?; // Fader, Hardie & Lee (2005), CDNOW
/// let p = m.p_alive(&Rfm { frequency: 2, recency: 30.0, t: 39.0 })?;
/// assert!(p > 0.0 && p < 1.0);
/// assert!(BgNbd::new(-1.0, 4.414, 0.793, 2.426).is_err());
/// # Ok::<(), revops::retention::RetentionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BgNbdRepr"))]
pub struct BgNbd {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

deserialize_via!(BgNbd, BgNbdRepr { r: f64, alpha: f64, a: f64, b: f64 }, RetentionError, |m| {
    BgNbd::new(m.r, m.alpha, m.a, m.b)
});

/// A fit with diagnostics.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BgNbdFit {
    /// The model.
    pub model: BgNbd,
    /// Log-likelihood of the data.
    pub log_likelihood: f64,
    /// Optimiser iterations.
    pub iterations: usize,
}

/// A history that can happen: finite `t ≥ 0`, `0 ≤ recency ≤ t`, recency 0 without repeats,
/// and no repeat purchase before any time has passed. (`t = 0` is a customer first seen on the
/// last day observed, as `summarise_transactions` and lifetimes' summary give it: its
/// likelihood is 1 at any parameters.)
fn check_history(d: &Rfm) -> Result<(), RetentionError> {
    let ordered = d.t.is_finite() && d.recency.is_finite() && d.t >= 0.0 && d.recency >= 0.0 && d.recency <= d.t;
    if !ordered || (d.frequency == 0 && d.recency != 0.0) || (d.frequency > 0 && d.t == 0.0) {
        return Err(RetentionError::InvalidHistory(*d));
    }
    Ok(())
}

fn validate(data: &[Rfm]) -> Result<(), RetentionError> {
    if data.len() < 10 {
        return Err(RetentionError::NotEnoughData(format!("BG/NBD needs at least 10 customers, got {}", data.len())));
    }
    for d in data {
        check_history(d)?;
    }
    if data.iter().all(|d| d.frequency == 0) {
        return Err(RetentionError::Degenerate("no customer made a repeat purchase".into()));
    }
    Ok(())
}

/// The largest Gamma or Beta shape a fit may report, and the smallest: beyond `1e6` the mixing
/// distribution's coefficient of variation is below 0.1% (`1/√shape`), a point mass for any data
/// a business has; below `1e-6` a Beta piles its mass on 0 and 1. Either way the fit is at the
/// boundary of the parameter space, not at an optimum inside it.
pub(super) const SHAPE_BOUNDS: (f64, f64) = (1e-6, 1e6);

/// [`RetentionError::Degenerate`] for a fitted shape outside [`SHAPE_BOUNDS`].
pub(super) fn spread_identified(model: &str, shapes: &[(&str, f64)]) -> Result<(), RetentionError> {
    let (lo, hi) = SHAPE_BOUNDS;
    match shapes.iter().find(|(_, v)| !(lo..=hi).contains(v)) {
        Some((name, v)) => Err(RetentionError::Degenerate(format!(
            "the {model} fit runs off to the boundary ({name} = {v:e}, outside [{lo:e}, {hi:e}]): \
             the data do not identify the spread across customers"
        ))),
        None => Ok(()),
    }
}

/// The log-likelihood at the BG/NBD's homogeneous limit (every customer buys at rate λ and
/// drops out after each repeat purchase with probability p), maximised over λ > 0 and
/// p ∈ [0, 1]: the best of p = 0 (closed form), p = 1 (closed form, when nobody bought twice)
/// and a simplex search inside.
fn homogeneous_log_likelihood(data: &[Rfm]) -> f64 {
    let x_sum: f64 = data.iter().map(|d| f64::from(d.frequency)).sum();
    // ln p and ln(1 − p) for p = 1/(1 + e^−u), without cancellation
    let softplus = |v: f64| if v > 0.0 { v + (-v).exp().ln_1p() } else { v.exp().ln_1p() };
    let ll = |ln_lambda: f64, ln_p: f64, ln_q: f64| -> f64 {
        let lambda = ln_lambda.exp();
        data.iter()
            .map(|d| {
                let x = f64::from(d.frequency);
                let l2 = if x > 0.0 { x * ln_q } else { 0.0 } - lambda * d.t;
                let body = if d.frequency > 0 {
                    let l3 = ln_p + if x > 1.0 { (x - 1.0) * ln_q } else { 0.0 } - lambda * d.recency;
                    let m = l2.max(l3);
                    if m == f64::NEG_INFINITY {
                        m
                    } else {
                        m + ((l2 - m).exp() + (l3 - m).exp()).ln()
                    }
                } else {
                    l2
                };
                x * ln_lambda + body
            })
            .sum()
    };
    // p = 0: Poisson purchases, λ = Σx / ΣT
    let t_sum: f64 = data.iter().map(|d| d.t).sum();
    let mut best = ll((x_sum / t_sum).ln(), f64::NEG_INFINITY, 0.0);
    // p = 1: dropout right after the first repeat purchase (possible only if nobody bought twice)
    if data.iter().all(|d| d.frequency <= 1) {
        let exposure: f64 = data.iter().map(|d| if d.frequency > 0 { d.recency } else { d.t }).sum();
        if exposure > 0.0 {
            best = best.max(ll((x_sum / exposure).ln(), 0.0, f64::NEG_INFINITY));
        }
    }
    let start = [(x_sum / t_sum).ln(), 0.0];
    let m = nelder_mead(
        |v| -ll(v[0], -softplus(-v[1]), -softplus(v[1])),
        &start,
        NelderMead { tolerance: 1e-13, max_iterations: 4_000, step: 0.5 },
    );
    if m.value.is_finite() {
        best = best.max(-m.value);
    }
    best
}

/// `ln B(a, b)`, NaN outside the domain (statrs' `ln_beta` panics there; a likelihood must not).
fn ln_beta(a: f64, b: f64) -> f64 {
    checked_ln_beta(a, b).unwrap_or(f64::NAN)
}

/// Customers grouped by frequency, so that the terms depending only on `x` are computed once per
/// group per evaluation.
struct Grouped {
    groups: Vec<(u32, Vec<(f64, f64)>)>,
}

impl Grouped {
    fn new(data: &[Rfm]) -> Grouped {
        let mut sorted: Vec<&Rfm> = data.iter().collect();
        sorted.sort_by_key(|d| d.frequency);
        let mut groups: Vec<(u32, Vec<(f64, f64)>)> = Vec::new();
        for d in sorted {
            match groups.last_mut() {
                Some((x, v)) if *x == d.frequency => v.push((d.recency, d.t)),
                _ => groups.push((d.frequency, vec![(d.recency, d.t)])),
            }
        }
        Grouped { groups }
    }

    /// Negative log-likelihood and its gradient with respect to the log parameters.
    fn nll(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let (r, alpha, a, b) = (theta[0].exp(), theta[1].exp(), theta[2].exp(), theta[3].exp());
        let (lb_ab, psi_ab, psi_a, psi_a1, psi_b, psi_r) =
            (ln_beta(a, b), digamma(a + b), digamma(a), digamma(a + 1.0), digamma(b), digamma(r));
        let ln_alpha = alpha.ln();
        let (mut ll, mut gr, mut galpha, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (x, rows) in &self.groups {
            let xf = f64::from(*x);
            let a1 = ln_gamma(r + xf) - ln_gamma(r) + r * ln_alpha;
            let b2 = ln_beta(a, b + xf) - lb_ab;
            let psi_abx = digamma(a + b + xf);
            let (d2a, d2b) = (psi_ab - psi_abx, digamma(b + xf) - psi_abx - psi_b + psi_ab);
            let b3 = if *x > 0 { ln_beta(a + 1.0, b + xf - 1.0) - lb_ab } else { 0.0 };
            let (d3a, d3b) = if *x > 0 {
                (psi_a1 - psi_abx - psi_a + psi_ab, digamma(b + xf - 1.0) - psi_abx - psi_b + psi_ab)
            } else {
                (0.0, 0.0)
            };
            let dr_const = digamma(r + xf) - psi_r + ln_alpha;
            let rx = r + xf;
            for &(tx, t) in rows {
                let ln_t = (alpha + t).ln();
                let l2 = b2 - rx * ln_t;
                let (lse, w2) = if *x > 0 {
                    let l3 = b3 - rx * (alpha + tx).ln();
                    let m = l2.max(l3);
                    let (e2, e3) = ((l2 - m).exp(), (l3 - m).exp());
                    (m + (e2 + e3).ln(), e2 / (e2 + e3))
                } else {
                    (l2, 1.0)
                };
                let w3 = 1.0 - w2;
                ll += a1 + lse;
                let ln_tx = if *x > 0 { (alpha + tx).ln() } else { 0.0 };
                gr += dr_const - w2 * ln_t - w3 * ln_tx;
                galpha += r / alpha - w2 * rx / (alpha + t) - if *x > 0 { w3 * rx / (alpha + tx) } else { 0.0 };
                ga += w2 * d2a + w3 * d3a;
                gb += w2 * d2b + w3 * d3b;
            }
        }
        // chain rule to log parameters; negate for minimisation
        grad[0] = -gr * r;
        grad[1] = -galpha * alpha;
        grad[2] = -ga * a;
        grad[3] = -gb * b;
        -ll
    }
}

impl BgNbd {
    /// The model with Gamma shape `r` and rate `alpha`, Beta shapes `a` and `b`.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidModel`] unless all four are finite and positive.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<BgNbd, RetentionError> {
        if ![r, alpha, a, b].iter().all(|x| positive(*x)) {
            return Err(RetentionError::InvalidModel {
                model: "BG/NBD",
                reason: "r, α, a and b must be finite and positive",
            });
        }
        Ok(BgNbd { r, alpha, a, b })
    }

    /// Gamma shape r.
    pub fn r(&self) -> f64 {
        self.r
    }

    /// Gamma rate α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// Beta shape a.
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Beta shape b.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Fit by maximum likelihood.
    ///
    /// ```
    /// use rand::SeedableRng;
    /// use revops::retention::BgNbd;
    /// let truth = BgNbd::new(0.5, 4.0, 0.8, 2.5)?;
    /// let data = truth.simulate(5_000, 52.0, &mut rand::rngs::StdRng::seed_from_u64(1))?;
    /// let fit = BgNbd::fit(&data)?;
    /// assert!((fit.model.r() - 0.5).abs() < 0.15);
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::NotEnoughData`] for fewer than 10 customers;
    /// [`RetentionError::InvalidHistory`]; [`RetentionError::Degenerate`] when nobody made a
    /// repeat purchase, when no finite r, α, a, b fit better than the homogeneous limit (one
    /// purchase rate and one dropout probability for everybody, as with customers whose
    /// histories are all alike), or when a fitted shape r, a or b lies outside `[1e-6, 1e6]`
    /// (a spread across customers the data do not identify: the fit runs off to the boundary);
    /// [`RetentionError::NoConvergence`].
    pub fn fit(data: &[Rfm]) -> Result<BgNbdFit, RetentionError> {
        validate(data)?;
        let grouped = Grouped::new(data);
        let n = data.len() as f64;
        // Start from the method-of-moments purchase rate.
        let rate = data.iter().map(|d| f64::from(d.frequency)).sum::<f64>() / data.iter().map(|d| d.t).sum::<f64>();
        let start = [0.0, (1.0 / rate.max(1e-9)).ln(), 0.0, 0.0];
        let m = bfgs(
            |x, g| {
                let v = grouped.nll(x, g) / n;
                g.iter_mut().for_each(|gi| *gi /= n);
                v
            },
            &start,
            1e-7,
            500,
        );
        let not_converged = RetentionError::NoConvergence { iterations: m.iterations, log_likelihood: -m.value * n };
        if !m.converged {
            return Err(not_converged);
        }
        let model = BgNbd::new(m.x[0].exp(), m.x[1].exp(), m.x[2].exp(), m.x[3].exp()).map_err(|_| not_converged)?;
        let log_likelihood = -m.value * n;
        // A finite (r, α, a, b) is an interior optimum only if it beats the homogeneous limit
        // (one purchase rate λ and one dropout probability p for everybody: r, α → ∞ and a, b
        // → ∞ or to a boundary); when it does not, the optimiser stopped on the way out.
        let homogeneous = homogeneous_log_likelihood(data);
        if log_likelihood <= homogeneous + 1e-6 * (1.0 + homogeneous.abs()) {
            return Err(RetentionError::Degenerate(format!(
                "no spread in purchase rates or dropout: no finite r, α, a, b fit better than one rate and \
                 one dropout probability for everybody (log-likelihood {homogeneous}); the best fit runs off \
                 to the boundary"
            )));
        }
        spread_identified("BG/NBD", &[("r", model.r), ("a", model.a), ("b", model.b)])?;
        Ok(BgNbdFit { model, log_likelihood, iterations: m.iterations })
    }

    /// Log-likelihood of one customer (for checks and diagnostics).
    ///
    /// ```
    /// use revops::retention::{BgNbd, Rfm};
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?; // lifetimes' fit on CDNOW
    /// let ll = m.log_likelihood(&Rfm { frequency: 2, recency: 30.43, t: 38.86 })?;
    /// assert!(ll < 0.0);
    /// // a repeat purchase after the end of the observation window cannot happen
    /// assert!(m.log_likelihood(&Rfm { frequency: 2, recency: 40.0, t: 38.86 }).is_err());
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidHistory`] for a history that cannot happen;
    /// [`RetentionError::NonFinite`] when the likelihood is NaN.
    pub fn log_likelihood(&self, d: &Rfm) -> Result<f64, RetentionError> {
        check_history(d)?;
        let mut g = [0.0; 4];
        let theta = [self.r.ln(), self.alpha.ln(), self.a.ln(), self.b.ln()];
        let ll = -Grouped::new(std::slice::from_ref(d)).nll(&theta, &mut g);
        if ll.is_nan() {
            return Err(RetentionError::NonFinite("log-likelihood"));
        }
        Ok(ll)
    }

    /// The probability the customer is still active.
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidHistory`] for a history that cannot happen (NaN, recency after
    /// `t`…), where the formula would give NaN.
    pub fn p_alive(&self, d: &Rfm) -> Result<f64, RetentionError> {
        check_history(d)?;
        if d.frequency == 0 {
            return Ok(1.0);
        }
        let x = f64::from(d.frequency);
        let log_ratio = (self.r + x) * ((self.alpha + d.t).ln() - (self.alpha + d.recency).ln());
        // b + x − 1 ≥ b > 0 and the ratio is ≥ 1, so this lies in [0, 1]
        Ok(1.0 / (1.0 + (self.a / (self.b + x - 1.0)) * log_ratio.exp()))
    }

    /// Expected purchases in the next `horizon` time units given the history (FHL 2005, eq. 10),
    /// for any fitted `a > 0` (the CDNOW fit has a = 0.79).
    ///
    /// Eq. 10 is evaluated through Euler's transformation of its ₂F₁ (as `lifetimes` does when
    /// the direct series overflows): with `z = horizon / (α + T + horizon)`, `ε = a − 1`,
    ///
    /// `E = [(a+b+x−1) · (1 − (1−z)^ε)/ε − (1−z)^ε · H] / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x))`,
    ///
    /// `H = Σ_{k≥1} (a+b−1−r)_k (a)_{k−1} z^k / ((a+b+x)_{k−1} k!)`, whose terms stay small for heavy
    /// buyers and long horizons, and whose `(1 − (1−z)^ε)/ε` becomes `−ln(1 − z)` at `a = 1`, where
    /// eq. 10 reads 0/0. `H` is summed until the bound on its tail is below 1e-15 of the
    /// numerator's parts.
    ///
    /// ```
    /// use revops::retention::{BgNbd, Rfm};
    /// let m = BgNbd::new(0.243, 4.414, 0.793, 2.426)?; // FHL (2005), CDNOW: a < 1
    /// let e = m.expected_purchases(&Rfm { frequency: 2, recency: 30.43, t: 38.86 }, 39.0)?;
    /// assert!((e - 1.226).abs() < 1e-3); // lifetimes gives 1.2259 at its fit
    /// assert!(m.expected_purchases(&Rfm { frequency: 2, recency: 30.43, t: 38.86 }, -1.0).is_err());
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::InvalidHistory`]; [`RetentionError::InvalidInput`] for a negative or
    /// non-finite horizon; [`RetentionError::NotConverged`] for a horizon so long against
    /// `α + T` that the series needs more than ten million terms; [`RetentionError::NonFinite`]
    /// when the expectation overflows.
    pub fn expected_purchases(&self, d: &Rfm, horizon: f64) -> Result<f64, RetentionError> {
        check_history(d)?;
        if !horizon.is_finite() || horizon < 0.0 {
            return Err(RetentionError::InvalidInput(format!("horizon {horizon} must be finite and not negative")));
        }
        if horizon == 0.0 {
            return Ok(0.0);
        }
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let x = f64::from(d.frequency);
        let c = a + b + x - 1.0; // may be ≤ 0 (x = 0, a + b ≤ 1): it is never divided by
        let z = horizon / (alpha + d.t + horizon);
        let ln_1mz = (alpha + d.t).ln() - (alpha + d.t + horizon).ln(); // ln(1 − z), exact for tiny z
        let eps = a - 1.0;
        // (1 − (1 − z)^ε) / ε, and its limit −ln(1 − z) at ε = 0
        let first = if eps == 0.0 { -ln_1mz } else { -(eps * ln_1mz).exp_m1() / eps };
        let shrink = (eps * ln_1mz).exp(); // (1 − z)^ε
        let big_a = a + b - 1.0 - r;
        // h_1 = A z; h_{k+1}/h_k = (A + k)(ε + k) z / ((c + k)(k + 1)); c + k ≥ a + b > 0 for k ≥ 1
        let ratio = |k: f64| (big_a + k) * (eps + k) * z / ((c + k) * (k + 1.0));
        let bounds = |k: f64| {
            // each factor is monotone in k toward 1 once A + k > 0, so it lies between its
            // value now and 1 for every later term
            (big_a + k > 0.0).then(|| {
                let (u, v) = ((big_a + k) / (c + k), (eps + k) / (k + 1.0));
                (z * u.min(1.0) * v.min(1.0), z * u.max(1.0) * v.max(1.0))
            })
        };
        let head = c * first;
        let h =
            crate::stats::sum_series(big_a * z, |k, term| term * ratio(k), bounds, |h| head.abs() + (shrink * h).abs())
                .map_err(|terms| RetentionError::NotConverged { what: "BG/NBD expected purchases", terms })?;
        let denom = if d.frequency > 0 {
            1.0 + (a / (b + x - 1.0)) * ((r + x) * ((alpha + d.t).ln() - (alpha + d.recency).ln())).exp()
        } else {
            1.0
        };
        let expected = (head - shrink * h) / denom;
        if !expected.is_finite() {
            return Err(RetentionError::NonFinite("expected purchases"));
        }
        Ok(expected.max(0.0)) // a count: rounding must not make a tiny expectation negative
    }

    /// Simulate `customers` customers observed for `t` time units (for what-ifs and tests).
    ///
    /// # Errors
    ///
    /// [`RetentionError::Limit`] for more than [`MAX_COUNT`](crate::limits::MAX_COUNT)
    /// customers, or a customer who would make more than that many purchases (a model whose
    /// rates are far beyond any data); [`RetentionError::InvalidInput`] for a `t` that is not
    /// finite and positive.
    pub fn simulate<R: Rng + ?Sized>(&self, customers: usize, t: f64, rng: &mut R) -> Result<Vec<Rfm>, RetentionError> {
        limits::check("simulated customers", customers, MAX_COUNT)?;
        if !(t.is_finite() && t > 0.0) {
            return Err(RetentionError::InvalidInput(format!("observation time {t} must be finite and positive")));
        }
        // E[λ] t purchases a customer makes before any dropout: refuse a model that would count
        // past the limit before drawing anything (the loop below checks each customer too)
        let mean_purchases = self.r / self.alpha * t;
        if mean_purchases.is_nan() || mean_purchases > MAX_COUNT as f64 {
            let what = "expected purchases of one customer";
            return Err(LimitExceeded { what, requested: mean_purchases as u128, max: MAX_COUNT }.into());
        }
        let bad = |e: statrs::distribution::GammaError| RetentionError::InvalidInput(e.to_string());
        let bad_beta = |e: statrs::distribution::BetaError| RetentionError::InvalidInput(e.to_string());
        let gamma = Gamma::new(self.r, self.alpha).map_err(bad)?;
        let beta = Beta::new(self.a, self.b).map_err(bad_beta)?;
        let uniform = |rng: &mut R| -> f64 { rand::RngExt::random::<f64>(rng).max(f64::MIN_POSITIVE) };
        (0..customers)
            .map(|_| {
                let lambda: f64 = rand::distr::Distribution::sample(&gamma, rng);
                let p: f64 = rand::distr::Distribution::sample(&beta, rng);
                let (mut now, mut x, mut last) = (0.0, 0u32, 0.0);
                loop {
                    now += -uniform(rng).ln() / lambda;
                    if now > t {
                        break;
                    }
                    // MAX_COUNT < u32::MAX: the count cannot overflow, and the loop must end
                    limits::check("simulated purchases of one customer", x + 1, MAX_COUNT)?;
                    x += 1;
                    last = now;
                    if uniform(rng) < p {
                        break;
                    }
                }
                Ok(Rfm { frequency: x, recency: last, t })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_finite_differences() {
        let data = [
            Rfm { frequency: 0, recency: 0.0, t: 30.0 },
            Rfm { frequency: 1, recency: 5.0, t: 30.0 },
            Rfm { frequency: 4, recency: 20.0, t: 35.0 },
            Rfm { frequency: 12, recency: 31.0, t: 32.0 },
        ];
        let g = Grouped::new(&data);
        let theta = [-0.4, 1.2, 0.3, 0.9];
        let mut grad = [0.0; 4];
        g.nll(&theta, &mut grad);
        for i in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (theta, theta);
            up[i] += h;
            down[i] -= h;
            let mut scratch = [0.0; 4];
            let numeric = (g.nll(&up, &mut scratch) - g.nll(&down, &mut scratch)) / (2.0 * h);
            assert!((numeric - grad[i]).abs() < 1e-5 * (1.0 + numeric.abs()), "θ{i}: {numeric} vs {}", grad[i]);
        }
    }
}
