//! The ETS fitting objective, −2 log L up to constants (`n ln(SSE/n) + 2 Σ ln μ`), and its exact
//! gradient over the smoothing parameters and the initial states by reverse-mode
//! differentiation of the state recursion: one forward pass that keeps each step's values and
//! one backward pass, so a gradient costs about three evaluations whatever the season length
//! (a finite difference would cost one per free value: 17 for a monthly damped season).

use super::ets::{ErrorType, EtsParams, EtsSpec, SeasonType, TrendType};

/// One step's values kept for the backward pass.
#[derive(Clone, Copy, Default)]
struct Step {
    b: f64,
    sp: f64,
    tr: f64,
    mu: f64,
    e: f64,
}

/// Reusable buffers for [`Likelihood::value`].
#[derive(Default)]
pub(super) struct Scratch {
    season: Vec<f64>,
    steps: Vec<Step>,
    adjoint_season: Vec<f64>,
}

/// The objective of one form on one series, with the variance floor below which a fit counts as
/// exact (the objective stays finite there, so an optimiser can reach an exact fit).
pub(super) struct Likelihood<'a> {
    pub spec: &'a EtsSpec,
    pub y: &'a [f64],
    pub floor: f64,
}

/// Gradient of −2 log L with respect to the raw parameters and initial states.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct RawGradient {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub phi: f64,
    pub level: f64,
    pub trend: f64,
    /// One per seasonal state of the initial ring (empty without a season).
    pub season: Vec<f64>,
}

impl Likelihood<'_> {
    /// The objective at parameters `p` and initial states `(l0, b0, season0)` (`season0` has one
    /// state per season position; ignored without a season), and, when `grad` is given, its
    /// gradient. `None` where the recursion is refused (a non-positive forecast under a
    /// multiplicative error, a vanishing level or season under a multiplicative season, states
    /// that are not finite).
    pub fn value(
        &self,
        p: &EtsParams,
        l0: f64,
        b0: f64,
        season0: &[f64],
        scratch: &mut Scratch,
        grad: Option<&mut RawGradient>,
    ) -> Option<f64> {
        // one specialised loop per form: the branches on the form leave the inner loop
        let trend = self.spec.trend != TrendType::None;
        match (self.spec.error, trend, self.spec.season) {
            (ErrorType::Additive, false, SeasonType::None) => {
                self.run::<false, false, 0>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Additive, false, SeasonType::Additive) => {
                self.run::<false, false, 1>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Additive, false, SeasonType::Multiplicative) => {
                self.run::<false, false, 2>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Additive, true, SeasonType::None) => {
                self.run::<false, true, 0>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Additive, true, SeasonType::Additive) => {
                self.run::<false, true, 1>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Additive, true, SeasonType::Multiplicative) => {
                self.run::<false, true, 2>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Multiplicative, false, SeasonType::None) => {
                self.run::<true, false, 0>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Multiplicative, false, SeasonType::Additive) => {
                self.run::<true, false, 1>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Multiplicative, false, SeasonType::Multiplicative) => {
                self.run::<true, false, 2>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Multiplicative, true, SeasonType::None) => {
                self.run::<true, true, 0>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Multiplicative, true, SeasonType::Additive) => {
                self.run::<true, true, 1>(p, l0, b0, season0, scratch, grad)
            }
            (ErrorType::Multiplicative, true, SeasonType::Multiplicative) => {
                self.run::<true, true, 2>(p, l0, b0, season0, scratch, grad)
            }
        }
    }

    /// [`Likelihood::value`] for one form: `MULT` a multiplicative error, `TREND` a trend,
    /// `SEASON` 0 none, 1 additive, 2 multiplicative.
    fn run<const MULT: bool, const TREND: bool, const SEASON: u8>(
        &self,
        p: &EtsParams,
        l0: f64,
        b0: f64,
        season0: &[f64],
        scratch: &mut Scratch,
        grad: Option<&mut RawGradient>,
    ) -> Option<f64> {
        let spec = self.spec;
        let has_trend = TREND;
        let season = match SEASON {
            0 => SeasonType::None,
            1 => SeasonType::Additive,
            _ => SeasonType::Multiplicative,
        };
        let m = if SEASON == 0 { 1 } else { season0.len().max(1) };
        let mult_error = MULT;
        let phi = if spec.trend == TrendType::Damped { p.phi } else { 1.0 };
        let keep = grad.is_some();
        scratch.season.clear();
        if season == SeasonType::None {
            scratch.season.push(0.0);
        } else {
            scratch.season.extend_from_slice(season0);
        }
        scratch.steps.clear();
        let s = &mut scratch.season;
        let (mut l, mut b) = (l0, if has_trend { b0 } else { 0.0 });
        // Σ ln μ as the log of a running product, taken only when the product nears the ends of
        // the f64 range: one logarithm per few dozen steps instead of one per step
        let (mut sse, mut log_mu, mut product) = (0.0, 0.0, 1.0f64);
        let mut si = 0;
        for &obs in self.y {
            let sp = s[si];
            let tr = if has_trend { l + phi * b } else { l };
            let mu = match season {
                SeasonType::None => tr,
                SeasonType::Additive => tr + sp,
                SeasonType::Multiplicative => tr * sp,
            };
            let e = obs - mu;
            if mult_error {
                if mu.is_nan() || mu <= 0.0 || !mu.is_finite() {
                    return None;
                }
                let r = e / mu;
                sse += r * r;
                product *= mu;
                if !(1e-150..=1e150).contains(&product) {
                    log_mu += product.ln();
                    product = 1.0;
                }
            } else {
                sse += e * e;
            }
            if keep {
                scratch.steps.push(Step { b, sp, tr, mu, e });
            }
            match season {
                SeasonType::Multiplicative => {
                    if sp.abs() < 1e-10 || tr.abs() < 1e-10 {
                        return None;
                    }
                    l = tr + p.alpha * e / sp;
                    b = phi * b + p.beta * e / sp;
                    s[si] = sp + p.gamma * e / tr;
                }
                SeasonType::Additive => {
                    l = tr + p.alpha * e;
                    b = phi * b + p.beta * e;
                    s[si] = sp + p.gamma * e;
                }
                SeasonType::None => {
                    l = tr + p.alpha * e;
                    b = phi * b + p.beta * e;
                }
            }
            if !has_trend {
                b = 0.0;
            }
            if !(l.is_finite() && b.is_finite()) {
                return None;
            }
            si += 1;
            if si == m {
                si = 0;
            }
        }
        let n = self.y.len() as f64;
        log_mu += product.ln();
        let value = n * (sse / n).max(self.floor).ln() + 2.0 * log_mu;
        if !value.is_finite() {
            return None;
        }
        let Some(g) = grad else { return Some(value) };
        // backward: adjoints of the states after each step, from the last step to the first
        let d_sse = if sse / n > self.floor { n / sse } else { 0.0 };
        let mut season_grad = std::mem::take(&mut g.season);
        season_grad.clear();
        season_grad.resize(if season == SeasonType::None { 0 } else { m }, 0.0);
        *g = RawGradient { season: season_grad, ..Default::default() };
        let adj_s = &mut scratch.adjoint_season;
        adj_s.clear();
        adj_s.resize(m, 0.0);
        let (mut al, mut ab) = (0.0, 0.0);
        // the season position of the last step, counted down (no division per step)
        let mut si = (scratch.steps.len() + m - 1) % m;
        for st in scratch.steps.iter().rev() {
            let a_s = if season == SeasonType::None { 0.0 } else { adj_s[si] };
            let (mut g_e, mut g_mu) = if mult_error {
                let r = st.e / st.mu;
                (d_sse * 2.0 * r / st.mu, d_sse * -2.0 * r * r / st.mu + 2.0 / st.mu)
            } else {
                (d_sse * 2.0 * st.e, 0.0)
            };
            let ab_eff = if has_trend { ab } else { 0.0 };
            let (mut g_tr, mut g_sp);
            let mut g_b = ab_eff * phi;
            if season == SeasonType::Multiplicative {
                g_e += al * p.alpha / st.sp + ab_eff * p.beta / st.sp + a_s * p.gamma / st.tr;
                g_sp = a_s - (al * p.alpha + ab_eff * p.beta) * st.e / (st.sp * st.sp);
                g_tr = al - a_s * p.gamma * st.e / (st.tr * st.tr);
                g.alpha += al * st.e / st.sp;
                g.beta += ab_eff * st.e / st.sp;
                g.gamma += a_s * st.e / st.tr;
            } else {
                g_e += al * p.alpha + ab_eff * p.beta + a_s * p.gamma;
                g_sp = a_s;
                g_tr = al;
                g.alpha += al * st.e;
                g.beta += ab_eff * st.e;
                g.gamma += a_s * st.e;
            }
            g.phi += ab_eff * st.b;
            g_mu -= g_e; // e = y − μ
            match season {
                SeasonType::None => g_tr += g_mu,
                SeasonType::Additive => {
                    g_tr += g_mu;
                    g_sp += g_mu;
                }
                SeasonType::Multiplicative => {
                    g_tr += g_mu * st.sp;
                    g_sp += g_mu * st.tr;
                }
            }
            // tr = l + φ b
            al = g_tr;
            if has_trend {
                g_b += g_tr * phi;
                g.phi += g_tr * st.b;
            }
            ab = g_b;
            if season != SeasonType::None {
                adj_s[si] = g_sp;
            }
            si = if si == 0 { m - 1 } else { si - 1 };
        }
        g.level = al;
        g.trend = if has_trend { ab } else { 0.0 };
        if spec.trend != TrendType::Damped {
            g.phi = 0.0;
        }
        if season != SeasonType::None {
            g.season.copy_from_slice(adj_s);
        }
        Some(value)
    }
}
