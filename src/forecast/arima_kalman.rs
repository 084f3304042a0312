//! ARIMA numerics: the stationarity transform of the AR coefficients (Jones 1980, as R's `arima`
//! and statsforecast), the stationary covariance of the ARMA state, the conditional sum of
//! squares and the exact Gaussian likelihood by the Kalman filter on Harvey's state-space form
//! `a_t = T a_{t−1} + R ε_t`, `w_t = a_t[0]` (Durbin & Koopman 2012, §3.4).
//!
//! The filter runs on the differenced series, so the state holds only the ARMA part; this is the
//! likelihood statsforecast computes with a diffuse prior on the differencing states (there the
//! first `d + m D` observations carry a gain of order 10⁶ and are left out of the sums).

/// Partial autocorrelations `tanh(raw)` mapped to AR coefficients by the Durbin–Levinson
/// recursion: any `raw` gives a stationary AR polynomial.
pub(super) fn partrans(raw: &[f64], out: &mut [f64]) {
    let p = raw.len();
    for (o, r) in out.iter_mut().zip(raw) {
        *o = r.tanh();
    }
    let mut work = out[..p].to_vec();
    for j in 1..p {
        let a = out[j];
        for k in 0..j {
            work[k] -= a * out[j - k - 1];
        }
        out[..j].copy_from_slice(&work[..j]);
    }
}

/// The inverse of [`partrans`]: `None` when the coefficients are not those of a stationary AR
/// polynomial (a partial autocorrelation of modulus 1 or more).
pub(super) fn invpartrans(phi: &[f64]) -> Option<Vec<f64>> {
    let p = phi.len();
    let mut out = phi.to_vec();
    let mut work = out.clone();
    for j in (1..p).rev() {
        let a = out[j];
        if a.abs() >= 1.0 || a.is_nan() {
            return None;
        }
        for k in 0..j {
            work[k] = (out[k] + a * out[j - k - 1]) / (1.0 - a * a);
        }
        out[..j].copy_from_slice(&work[..j]);
    }
    for v in &mut out {
        if v.abs() >= 1.0 || v.is_nan() {
            return None;
        }
        *v = v.atanh();
    }
    Some(out)
}

/// Whether every root of `1 − Σ c_i zⁱ` lies outside the circle of `radius` (the step-down
/// recursion on `c_i radiusⁱ` finds every partial autocorrelation inside (−1, 1)).
pub(super) fn roots_outside(c: &[f64], radius: f64) -> bool {
    let scaled: Vec<f64> = c.iter().enumerate().map(|(i, v)| v * radius.powi(i as i32 + 1)).collect();
    invpartrans(&scaled).is_some()
}

/// Reusable buffers for one state dimension.
#[derive(Debug, Clone, Default)]
pub(super) struct Scratch {
    p: Vec<f64>,
    pnew: Vec<f64>,
    a: Vec<f64>,
    anew: Vec<f64>,
    m: Vec<f64>,
    big_a: Vec<f64>,
    tmp: Vec<f64>,
    inc: Vec<f64>,
}

/// The ARMA polynomials of one parameter vector, expanded: `phi` (length `p + m P`) and `theta`
/// (length `q + m Q`), and the state dimension `r = max(len φ, len θ + 1)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Arma<'a> {
    pub phi: &'a [f64],
    pub theta: &'a [f64],
    pub r: usize,
}

impl Arma<'_> {
    fn phi(&self, i: usize) -> f64 {
        self.phi.get(i).copied().unwrap_or(0.0)
    }

    /// `R[i]`: 1, θ₁, …, θ_{r−1}.
    fn rv(&self, i: usize) -> f64 {
        if i == 0 {
            1.0
        } else {
            self.theta.get(i - 1).copied().unwrap_or(0.0)
        }
    }
}

/// The stationary covariance `P = T P T' + R R'` (in units of σ²) into `s.p`, by doubling:
/// `P ← P + A P A'`, `A ← A²`. `false` when it does not converge (a root on the unit circle) or
/// overflows.
fn stationary_covariance(arma: Arma<'_>, s: &mut Scratch) -> bool {
    let r = arma.r;
    let rr = r * r;
    s.p.clear();
    s.p.extend((0..rr).map(|k| arma.rv(k / r) * arma.rv(k % r)));
    if r == 1 {
        let phi = arma.phi(0);
        s.p[0] = 1.0 / (1.0 - phi * phi);
        return s.p[0].is_finite() && s.p[0] > 0.0;
    }
    // A = T: φ in the first column, ones on the superdiagonal
    s.big_a.clear();
    s.big_a.resize(rr, 0.0);
    for i in 0..r {
        s.big_a[i * r] += arma.phi(i);
        if i + 1 < r {
            s.big_a[i * r + i + 1] = 1.0;
        }
    }
    s.tmp.resize(rr, 0.0);
    s.inc.resize(rr, 0.0);
    for _ in 0..64 {
        // tmp = A P, inc = tmp A'
        matmul(&s.big_a, &s.p, &mut s.tmp, r, false);
        matmul(&s.tmp, &s.big_a, &mut s.inc, r, true);
        let (mut big, mut step) = (0.0f64, 0.0f64);
        for k in 0..rr {
            s.p[k] += s.inc[k];
            big = big.max(s.p[k].abs());
            step = step.max(s.inc[k].abs());
        }
        if !big.is_finite() {
            return false;
        }
        if step <= 1e-16 * big {
            return true;
        }
        matmul(&s.big_a, &s.big_a.clone(), &mut s.tmp, r, false);
        std::mem::swap(&mut s.big_a, &mut s.tmp);
    }
    false
}

/// `out = x y` (or `x y'` when `transpose`), all `r × r` row-major.
fn matmul(x: &[f64], y: &[f64], out: &mut [f64], r: usize, transpose: bool) {
    for i in 0..r {
        for j in 0..r {
            let mut acc = 0.0;
            for k in 0..r {
                let yk = if transpose { y[j * r + k] } else { y[k * r + j] };
                acc += x[i * r + k] * yk;
            }
            out[i * r + j] = acc;
        }
    }
}

/// The filter's sums: `Σ v²/F`, `Σ ln F` and the count, with the final filtered state.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sums {
    pub ssq: f64,
    pub sumlog: f64,
    pub nu: usize,
}

/// Run the Kalman filter over `w` (mean already removed). `None` when the state covariance has no
/// stationary solution. `resid`, when given, receives the standardised innovations `v/√F`; the
/// final filtered state and its covariance (row-major, in units of σ²) are left in `state`
/// when given.
pub(super) fn filter(
    w: &[f64],
    arma: Arma<'_>,
    s: &mut Scratch,
    mut resid: Option<&mut Vec<f64>>,
    state: Option<(&mut Vec<f64>, &mut Vec<f64>)>,
) -> Option<Sums> {
    if !stationary_covariance(arma, s) {
        return None;
    }
    let r = arma.r;
    let p = arma.phi.len();
    s.a.clear();
    s.a.resize(r, 0.0);
    s.anew.resize(r, 0.0);
    s.m.resize(r, 0.0);
    s.pnew.clear();
    s.pnew.extend_from_slice(&s.p);
    let (mut ssq, mut sumlog, mut nu) = (0.0, 0.0, 0usize);
    if let Some(res) = resid.as_deref_mut() {
        res.clear();
    }
    // once the filtered covariance is negligible the gain is R and F is 1: the rest is the
    // innovations recursion (what the full update would give to within 1e-13)
    let mut steady = false;
    for (l, &y) in w.iter().enumerate() {
        for i in 0..r {
            let next = if i + 1 < r { s.a[i + 1] } else { 0.0 };
            s.anew[i] = next + if i < p { arma.phi[i] * s.a[0] } else { 0.0 };
        }
        let v = y - s.anew[0];
        if steady {
            ssq += v * v;
            nu += 1;
            for i in 0..r {
                s.a[i] = s.anew[i] + arma.rv(i) * v;
            }
            if let Some(res) = resid.as_deref_mut() {
                res.push(v);
            }
            continue;
        }
        if l > 0 {
            let pp = &s.p;
            let p00 = pp[0];
            for i in 0..r {
                let (phi_i, vi) = (arma.phi(i), arma.rv(i));
                for j in i..r {
                    let phi_j = arma.phi(j);
                    let mut t = vi * arma.rv(j) + phi_i * phi_j * p00;
                    if i + 1 < r && j + 1 < r {
                        t += pp[(i + 1) * r + j + 1];
                    }
                    if j + 1 < r {
                        t += phi_i * pp[j + 1];
                    }
                    if i + 1 < r {
                        t += phi_j * pp[i + 1];
                    }
                    s.pnew[i * r + j] = t;
                    s.pnew[j * r + i] = t;
                }
            }
        }
        let gain = s.pnew[0];
        if gain <= 0.0 || !gain.is_finite() {
            return None;
        }
        if gain < 1e4 {
            nu += 1;
            ssq += v * v / gain;
            sumlog += gain.ln();
        }
        if let Some(res) = resid.as_deref_mut() {
            res.push(v / gain.sqrt());
        }
        for i in 0..r {
            s.m[i] = s.pnew[i * r];
        }
        let mut largest = 0.0f64;
        for i in 0..r {
            s.a[i] = s.anew[i] + s.m[i] * v / gain;
            for j in 0..r {
                let val = s.pnew[i * r + j] - s.m[i] * s.m[j] / gain;
                s.p[i * r + j] = val;
                largest = largest.max(val.abs());
            }
        }
        steady = largest < 1e-13;
    }
    if let Some((st, cov)) = state {
        st.clear();
        st.extend_from_slice(&s.a);
        cov.clear();
        cov.extend_from_slice(&s.p);
    }
    Some(Sums { ssq, sumlog, nu })
}

/// The conditional sum of squares over `w` (mean removed), conditioning on the first `len φ`
/// values: the mean squared residual.
pub(super) fn css(w: &[f64], arma: Arma<'_>, resid: &mut Vec<f64>) -> f64 {
    let (p, q) = (arma.phi.len(), arma.theta.len());
    resid.clear();
    resid.resize(w.len(), 0.0);
    let (mut ssq, mut nu) = (0.0, 0usize);
    for l in p..w.len() {
        let mut e = w[l];
        for j in 0..p {
            e -= arma.phi[j] * w[l - j - 1];
        }
        for j in 0..(l - p).min(q) {
            e -= arma.theta[j] * resid[l - j - 1];
        }
        resid[l] = e;
        ssq += e * e;
        nu += 1;
    }
    if nu == 0 {
        f64::INFINITY
    } else {
        ssq / nu as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partrans_round_trips_and_refuses_nonstationary() {
        let raw = [0.3, -1.2, 0.7];
        let mut phi = [0.0; 3];
        partrans(&raw, &mut phi);
        let back = invpartrans(&phi).unwrap();
        assert!(raw.iter().zip(&back).all(|(a, b)| (a - b).abs() < 1e-12), "{back:?}");
        assert!(invpartrans(&[1.2]).is_none());
        assert!(invpartrans(&[0.5, 0.6]).is_none()); // 1 − 0.5z − 0.6z² has a root inside
        assert!(roots_outside(&[0.9], 1.01) && !roots_outside(&[0.995], 1.01));
    }

    #[test]
    fn stationary_covariance_of_an_ar1_and_an_arma11() {
        let mut s = Scratch::default();
        // AR(2) variance: (1 − φ₂) / ((1 + φ₂)((1 − φ₂)² − φ₁²))
        let (p1, p2) = (0.5, 0.3);
        let arma = Arma { phi: &[p1, p2], theta: &[], r: 2 };
        assert!(stationary_covariance(arma, &mut s));
        let g0 = (1.0 - p2) / ((1.0 + p2) * ((1.0 - p2).powi(2) - p1 * p1));
        assert!((s.p[0] - g0).abs() < 1e-10, "{} {g0}", s.p[0]);
        // ARMA(1,1) variance: (1 + 2φθ + θ²) / (1 − φ²)
        let (phi, theta) = (0.6, 0.4);
        let arma = Arma { phi: &[phi], theta: &[theta], r: 2 };
        assert!(stationary_covariance(arma, &mut s));
        let g0 = (1.0 + 2.0 * phi * theta + theta * theta) / (1.0 - phi * phi);
        assert!((s.p[0] - g0).abs() < 1e-10, "{} {g0}", s.p[0]);
    }
}
