//! ARIMA numerics: the stationarity transform of the AR coefficients (Jones 1980, as R's `arima`
//! and statsforecast), the stationary covariance of the ARMA state, the conditional sum of
//! squares and the exact Gaussian likelihood by the Kalman filter on Harvey's state-space form
//! `a_t = T a_{t−1} + R ε_t`, `w_t = a_t[0]` (Durbin & Koopman 2012, §3.4).
//!
//! The filter runs on the differenced series, so the state holds only the ARMA part, started
//! from its stationary covariance, and every observation counts in the sums. This is statsmodels'
//! `SARIMAX(..., simple_differencing=True)` likelihood. statsforecast (after R's `arima`) keeps
//! the differencing states in the filter under a diffuse prior of 10⁶ and leaves out of the sums
//! every observation whose prediction variance reaches 10⁴ σ². For the diffuse states that is
//! the same likelihood, to O(10⁻⁶) of the series' level. But R's rule also drops the first value
//! of a stationary AR whose variance is that large (an AR(2) near a unit root: fred.CPIAUCSL's,
//! 103 log-likelihood units off), so it is not copied here.

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

/// The stationary covariance `P = T P T' + R R'` (in units of σ²) into `s.p`; `false` when the
/// AR part is not stationary or the numbers overflow.
///
/// From the autocovariances γ and ψ-weights of the ARMA process: with
/// `a_t[j] = Σ_k φ_{j+k} w_{t−1−k} + R_{j+k} ε_{t−k}`, the first row is
/// `P[0][j] = Σ_k φ_{j+k} γ(k+1) + R_{j+k} ψ_k`, and the Lyapunov equation read element by
/// element, `P[i][j] = φ_i φ_j P[0][0] + R_i R_j + P[i+1][j+1] + φ_i P[0][j+1] + φ_j P[0][i+1]`,
/// gives the rest from the bottom-right corner up: O(p³ + r²), where Gardner et al.'s (1980)
/// algorithm, which statsforecast uses, costs O(r⁴).
fn stationary_covariance(arma: Arma<'_>, s: &mut Scratch, full: bool) -> bool {
    let r = arma.r;
    let p = arma.phi.len();
    if p > 0 && invpartrans(arma.phi).is_none() {
        return false;
    }
    // ψ_0..ψ_r of θ(B)/φ(B)
    let psi = &mut s.tmp;
    psi.clear();
    for k in 0..=r {
        let mut v = arma.rv(k);
        for j in 0..k.min(p) {
            v += arma.phi[j] * psi[k - 1 - j];
        }
        psi.push(v);
    }
    // c_k = Σ_{j ≥ k} θ_j ψ_{j−k} (θ_0 = 1)
    let c = |k: usize, psi: &[f64]| (k..r).map(|j| arma.rv(j) * psi[j - k]).sum::<f64>();
    // γ(0..=p) from the first p + 1 Yule–Walker-type equations, then the recursion to γ(r)
    let gamma = &mut s.inc;
    gamma.clear();
    gamma.resize(r + 1, 0.0);
    if p == 0 {
        for (k, g) in gamma.iter_mut().enumerate() {
            *g = c(k, psi);
        }
    } else {
        let dim = p + 1;
        let a = &mut s.big_a;
        a.clear();
        a.resize(dim * (dim + 1), 0.0);
        for k in 0..dim {
            let row = &mut a[k * (dim + 1)..(k + 1) * (dim + 1)];
            row[k] += 1.0;
            for j in 1..=p {
                row[k.abs_diff(j)] -= arma.phi[j - 1];
            }
            row[dim] = c(k, psi);
        }
        if !solve(a, dim) {
            return false;
        }
        for k in 0..dim.min(r + 1) {
            gamma[k] = a[k * (dim + 1) + dim];
        }
        for k in dim..=r {
            gamma[k] = (1..=p).map(|j| arma.phi[j - 1] * gamma[k - j]).sum::<f64>() + c(k, psi);
        }
    }
    let rr = r * r;
    s.p.clear();
    s.p.resize(rr, 0.0);
    for j in 0..r {
        s.p[j] = (0..r - j).map(|k| arma.phi(j + k) * gamma[k + 1] + arma.rv(j + k) * psi[k]).sum();
        s.p[j * r] = s.p[j];
    }
    if !full {
        return s.p[..r].iter().all(|v| v.is_finite()) && s.p[0] > 0.0;
    }
    for i in (1..r).rev() {
        for j in (i..r).rev() {
            let mut t = arma.phi(i) * arma.phi(j) * s.p[0] + arma.rv(i) * arma.rv(j);
            if j + 1 < r {
                t += s.p[(i + 1) * r + j + 1] + arma.phi(i) * s.p[j + 1];
            }
            if i + 1 < r {
                t += arma.phi(j) * s.p[i + 1];
            }
            s.p[i * r + j] = t;
            s.p[j * r + i] = t;
        }
    }
    s.p.iter().all(|v| v.is_finite()) && s.p[0] > 0.0
}

/// Solve the `dim × dim` system in `a` (rows of `dim + 1`, the right-hand side last) in place by
/// Gaussian elimination with partial pivoting; the solution is left in the last column.
fn solve(a: &mut [f64], dim: usize) -> bool {
    let w = dim + 1;
    for col in 0..dim {
        let pivot = (col..dim).max_by(|x, y| a[x * w + col].abs().total_cmp(&a[y * w + col].abs())).unwrap_or(col);
        if a[pivot * w + col].abs() < 1e-300 || !a[pivot * w + col].is_finite() {
            return false;
        }
        if pivot != col {
            for k in 0..w {
                a.swap(pivot * w + k, col * w + k);
            }
        }
        for row in 0..dim {
            if row != col {
                let f = a[row * w + col] / a[col * w + col];
                if f != 0.0 {
                    for k in col..w {
                        a[row * w + k] -= f * a[col * w + k];
                    }
                }
            }
        }
    }
    for row in 0..dim {
        a[row * w + dim] /= a[row * w + row];
    }
    true
}

/// The filter's sums over every observation: `Σ v²/F` and `Σ ln F`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sums {
    pub ssq: f64,
    pub sumlog: f64,
}

impl Sums {
    /// The −log-likelihood per observation of `n` observations with σ² concentrated out, less
    /// its constants: `(ln(Σ v²/F ÷ n) + Σ ln F ÷ n) / 2` (+∞ without a positive sum of squares),
    /// what maximum likelihood minimises; [`log_likelihood`] restores the constants.
    pub fn objective(&self, n: usize) -> f64 {
        let n = n as f64;
        if self.ssq > 0.0 {
            0.5 * ((self.ssq / n).ln() + self.sumlog / n)
        } else {
            f64::INFINITY
        }
    }
}

/// The Gaussian log-likelihood of `n` observations whose [`Sums::objective`] is `value`.
pub(super) fn log_likelihood(value: f64, n: usize) -> f64 {
    let n = n as f64;
    -0.5 * (2.0 * n * value + n + n * (2.0 * std::f64::consts::PI).ln())
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
    if !stationary_covariance(arma, s, true) {
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
    let (mut ssq, mut sumlog) = (0.0, 0.0);
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
        ssq += v * v / gain;
        sumlog += gain.ln();
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
    Some(Sums { ssq, sumlog })
}

/// The filter's sums as [`filter`] gives them, by the Chandrasekhar recursions (Morf, Sidhu &
/// Kailath 1974): from a stationary start the change of the predicted covariance from one step
/// to the next has rank one, `P_{t+1} − P_t = M_t W_t W_t'`, so each step costs O(r) instead of
/// O(r²). With `u = W_t[0]`: `K_{t+1} = K_t + M_t u T W_t`, `F_{t+1} = F_t + M_t u²`,
/// `W_{t+1} = T W_t − (u / F_t) K_t`, `M_{t+1} = M_t F_t / F_{t+1}`, from `K_1 = T P_1 Z'`,
/// `F_1 = P_1[0][0]`, `W_1 = K_1`, `M_1 = −1/F_1`.
pub(super) fn likelihood(w: &[f64], arma: Arma<'_>, s: &mut Scratch) -> Option<Sums> {
    if !stationary_covariance(arma, s, false) {
        return None;
    }
    let r = arma.r;
    // the non-zero φ (a seasonal polynomial is mostly zeros)
    let ar: Vec<(usize, f64)> = arma.phi.iter().copied().enumerate().filter(|(_, v)| *v != 0.0).collect();
    // T x for the companion T: (T x)_i = φ_i x_0 + x_{i+1}
    let tx = |x: &[f64], out: &mut [f64]| {
        out[..r - 1].copy_from_slice(&x[1..]);
        out[r - 1] = 0.0;
        for &(i, phi) in &ar {
            out[i] += phi * x[0];
        }
    };
    // a (predicted state), K, W, and a buffer for T W
    s.a.clear();
    s.a.resize(r, 0.0);
    s.anew.resize(r, 0.0);
    s.m.resize(r, 0.0);
    s.pnew.resize(r, 0.0);
    let (a, k, wv, tw) = (&mut s.a, &mut s.m, &mut s.anew, &mut s.pnew);
    tx(&s.p[..r], k);
    wv.copy_from_slice(k);
    let mut f = s.p[0];
    let mut m = -1.0 / f;
    let (mut ssq, mut sumlog) = (0.0, 0.0);
    let mut ta = vec![0.0; r];
    let mut steady = false;
    // Σ ln F as the logarithm of a running product, taken when it leaves [1e-100, 1e100]
    let mut product = 1.0f64;
    for &y in w {
        if f <= 0.0 || !f.is_finite() {
            return None;
        }
        let v = y - a[0];
        ssq += v * v / f;
        product *= f;
        if !(1e-100..=1e100).contains(&product) {
            sumlog += product.ln();
            product = 1.0;
        }
        tx(a, &mut ta);
        let step = v / f;
        // (zipped, so that no index is checked and the loops vectorise; the same arithmetic)
        for ((a, &ta), &k) in a.iter_mut().zip(&ta).zip(k.iter()) {
            *a = ta + k * step;
        }
        if steady {
            continue;
        }
        let u = wv[0];
        tx(wv, tw);
        let f_next = f + m * u * u;
        for ((k, w), &tw) in k.iter_mut().zip(wv.iter_mut()).zip(tw.iter()) {
            let k_old = *k;
            *k += m * u * tw;
            *w = tw - (u / f) * k_old;
        }
        m *= f / f_next;
        // the covariance has stopped changing when the whole rank-one change M W W' has, not
        // just its corner M u²: with a seasonal part W's first element can be 0 for several
        // steps while the rest of W still carries change. Once W is negligible it stays so
        // (W_{t+1} = T W_t − (u / F_t) K_t), and K and F are constant from here.
        steady = (m * wv.iter().map(|w| w * w).sum::<f64>()).abs() < 1e-15 * f_next;
        f = f_next;
    }
    sumlog += product.ln();
    Some(Sums { ssq, sumlog })
}

/// The conditional sum of squares over `w` (mean removed), conditioning on the first `len φ`
/// values: the mean squared residual.
pub(super) fn css(w: &[f64], arma: Arma<'_>, resid: &mut Vec<f64>) -> f64 {
    let (p, q) = (arma.phi.len(), arma.theta.len());
    resid.clear();
    resid.resize(w.len(), 0.0);
    let (mut ssq, mut nu) = (0.0, 0usize);
    let nonzero =
        |c: &[f64]| -> Vec<(usize, f64)> { c.iter().copied().enumerate().filter(|(_, v)| *v != 0.0).collect() };
    let (ar, ma) = (nonzero(arma.phi), nonzero(arma.theta));
    for l in p..w.len() {
        let mut e = w[l];
        for &(j, phi) in &ar {
            e -= phi * w[l - j - 1];
        }
        for &(j, theta) in &ma {
            if j >= (l - p).min(q) {
                break;
            }
            e -= theta * resid[l - j - 1];
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
    fn stationary_covariance_solves_the_lyapunov_equation() {
        // ARMA(3,2) and an MA(3): P = T P T' + R R' iterated to convergence
        for (phi, theta) in [
            (vec![0.5, -0.3, 0.2], vec![0.4, 0.25]),
            (vec![], vec![0.3, -0.2, 0.6]),
            (vec![0.9], vec![0.5, 0.1, 0.2, -0.4]),
        ] {
            let r = phi.len().max(theta.len() + 1);
            let arma = Arma { phi: &phi, theta: &theta, r };
            let mut s = Scratch::default();
            assert!(stationary_covariance(arma, &mut s, true));
            let mut p = vec![0.0; r * r];
            for _ in 0..2_000 {
                let mut next = vec![0.0; r * r];
                for i in 0..r {
                    for j in 0..r {
                        let mut t = arma.rv(i) * arma.rv(j) + arma.phi(i) * arma.phi(j) * p[0];
                        if i + 1 < r && j + 1 < r {
                            t += p[(i + 1) * r + j + 1];
                        }
                        if j + 1 < r {
                            t += arma.phi(i) * p[j + 1];
                        }
                        if i + 1 < r {
                            t += arma.phi(j) * p[(i + 1) * r];
                        }
                        next[i * r + j] = t;
                    }
                }
                p = next;
            }
            for (a, b) in s.p.iter().zip(&p) {
                assert!((a - b).abs() < 1e-10, "{phi:?} {theta:?}: {:?} vs {p:?}", s.p);
            }
        }
    }

    #[test]
    fn chandrasekhar_recursions_give_the_kalman_filters_sums() {
        let w: Vec<f64> = (0..150).map(|t| ((t * 37 % 23) as f64 - 11.0) * 0.3 + (t as f64 * 0.2).sin()).collect();
        let mut s = Scratch::default();
        // θ(B) = (1 + θ₁ B)(1 + Θ B¹²) and (1 + Θ B¹²): the first element of the recursion's
        // W is 0 for steps on end while the rest still changes (elnino's airline fits were
        // scored 91 log-likelihood units low by a recursion that stopped there)
        let airline = |t1: f64, t12: f64| {
            let mut theta = vec![0.0; 13];
            (theta[0], theta[11], theta[12]) = (t1, t12, t1 * t12);
            theta
        };
        let (airline, seasonal_ma, near_unit) = (airline(0.15, -0.5), airline(0.0, 0.6), airline(0.15, -0.9999));
        let seasonal_ar = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7];
        let cases: [(&[f64], &[f64]); 8] = [
            (&[0.5, -0.3], &[0.4]),
            (&[], &[-0.95, 0.2]),
            (&[0.2, 0.0, 0.0, 0.6, -0.12], &[-0.5, 0.0, 0.0, -1.2, 0.6]),
            (&[0.7], &[]),
            (&[], &airline),
            (&[], &seasonal_ma),
            (&[], &near_unit),
            (&seasonal_ar, &seasonal_ma[..12]),
        ];
        for (phi, theta) in cases {
            let arma = Arma { phi, theta, r: phi.len().max(theta.len() + 1) };
            let full = filter(&w, arma, &mut s, None, None).unwrap();
            let fast = likelihood(&w, arma, &mut s).unwrap();
            assert!((full.ssq - fast.ssq).abs() < 1e-9 * full.ssq, "{phi:?} {theta:?}: {full:?} {fast:?}");
            assert!((full.sumlog - fast.sumlog).abs() < 1e-9 * full.sumlog.abs().max(1.0), "{full:?} {fast:?}");
        }
    }

    #[test]
    fn stationary_covariance_of_an_ar1_and_an_arma11() {
        let mut s = Scratch::default();
        // AR(2) variance: (1 − φ₂) / ((1 + φ₂)((1 − φ₂)² − φ₁²))
        let (p1, p2) = (0.5, 0.3);
        let arma = Arma { phi: &[p1, p2], theta: &[], r: 2 };
        assert!(stationary_covariance(arma, &mut s, true));
        let g0 = (1.0 - p2) / ((1.0 + p2) * ((1.0 - p2).powi(2) - p1 * p1));
        assert!((s.p[0] - g0).abs() < 1e-10, "{} {g0}", s.p[0]);
        // ARMA(1,1) variance: (1 + 2φθ + θ²) / (1 − φ²)
        let (phi, theta) = (0.6, 0.4);
        let arma = Arma { phi: &[phi], theta: &[theta], r: 2 };
        assert!(stationary_covariance(arma, &mut s, true));
        let g0 = (1.0 + 2.0 * phi * theta + theta * theta) / (1.0 - phi * phi);
        assert!((s.p[0] - g0).abs() < 1e-10, "{} {g0}", s.p[0]);
    }
}
