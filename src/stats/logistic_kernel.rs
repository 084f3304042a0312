//! The numeric kernel behind [`LogisticSpec::fit`](super::LogisticSpec::fit): the passes over the
//! data (loss, gradient, and for Newton the Hessian), and the two solvers that use them.
//!
//! - **Newton** (IRLS): every iteration forms the full `(p+1)²` Hessian, `n·(p+1)²/2` multiply-adds.
//!   Used on small problems, where it is cheapest, and on the subsample below.
//! - **Staged** (large `n × p`): Newton on a strided subsample (recursively staged itself) gives a
//!   start within sampling error of the optimum and a Hessian within a few per cent of the full
//!   one; then quasi-Newton (BFGS) iterations over the full data start from that Hessian, each
//!   one pass that computes the loss and gradient together (`2·n·p` multiply-adds). Each pass
//!   gains one to two digits, so a few passes replace the `p/4`-times dearer Newton iterations.
//!
//! Both stop on the same rule as before: the largest coefficient step below the tolerance.
//! Rows stay row-major, as the caller gave them; each pass walks them once, in blocks of rows
//! that stay in L1 between the dot products and the gradient update (at most [`BLOCK`] rows and
//! [`PASS_BLOCK_VALUES`] values: a block as large as half of L1 is partly evicted by the time the
//! gradient sweep reads it again, which cost a third of the pass). `exp` is a
//! branch-free polynomial (below) that the compiler vectorises, accurate to a few ulps; the
//! loss takes one logarithm a block.

use super::linalg::cholesky_solve;
use super::logistic::StatsError;

/// Rows per block of the Newton system: 64 rows of 32 features are 16 KiB, half of L1, and the
/// Gram tiles need long columns.
const BLOCK: usize = 64;

/// Values per block of the loss-and-gradient pass: 8 KiB, a quarter of L1 (32 rows of 32
/// features), so a block is still in L1 when the gradient sweep comes back to it.
const PASS_BLOCK_VALUES: usize = 1024;

/// The penalised problem: `Σ loss(yᵢ, β₀ + xᵢ·β) + λ/2 ‖β‖²` over row-major `rows` of
/// `features` values (the intercept is not penalised).
#[derive(Clone, Copy)]
pub(super) struct Problem<'a> {
    pub rows: &'a [f64],
    pub labels: &'a [bool],
    pub features: usize,
    pub l2: f64,
}

/// A solution: coefficients (intercept first), iterations (Newton iterations or full passes),
/// the penalised loss, and the unpenalised log-likelihood at the coefficients.
pub(super) struct Solution {
    pub beta: Vec<f64>,
    pub iterations: usize,
    pub log_likelihood: f64,
    /// A Hessian estimate at the solution, row-major `(p+1)²` (for a caller one stage up).
    pub hessian: Vec<f64>,
}

/// `e^x` for `x ≤ 0`; below −708 the result is the smallest normal power of two times `e^r`
/// (about 1e-308: zero for every use here). Cody–Waite reduction `x = k ln 2 + r`, `|r| ≤ ln 2 / 2`,
/// then Taylor to degree 13 (truncation below 1e-17 relative) by Estrin's scheme; `2^k` is built
/// in the exponent bits from the rounding constant, so the whole function is branch-free and
/// vectorises.
#[inline(always)]
fn exp_nonpositive(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 0.693_147_180_369_123_8; // ln 2 to 32 bits: k · LN2_HI is exact
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10; // ln 2 − LN2_HI
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5 × 2⁵²: adding it rounds to an integer
    const C: [f64; 14] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let x = x.max(-708.0);
    let shifted = x * LOG2E + ROUND;
    let k = shifted - ROUND; // round(x / ln 2), exactly
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let (r2, r4) = (r * r, r * r * r * r);
    let pair = |i: usize| C[i] + C[i + 1] * r;
    let low = (pair(0) + pair(2) * r2) + (pair(4) + pair(6) * r2) * r4;
    let high = (pair(8) + pair(10) * r2) + pair(12) * r4;
    let poly = low + high * (r4 * r4);
    // the low bits of `shifted` hold k (two's complement, offset by ROUND's own bits)
    let k_bits = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    poly * f64::from_bits(k_bits.wrapping_add(1023) << 52)
}

/// `x · β` with four running sums (so the compiler may keep them in vector lanes).
#[inline(always)]
fn dot(x: &[f64], beta: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let mut xs = x.chunks_exact(4);
    let mut bs = beta.chunks_exact(4);
    for (a, b) in (&mut xs).zip(&mut bs) {
        for l in 0..4 {
            acc[l] += a[l] * b[l];
        }
    }
    let mut tail = 0.0;
    for (a, b) in xs.remainder().iter().zip(bs.remainder()) {
        tail += a * b;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// For one block of linear predictors `z` and labels: the residuals `y − σ(z)` into `r`, the
/// IRLS weights `σ(z)(1 − σ(z))` into `w` when `WEIGHTS`, the block's negative log-likelihood
/// `Σ max(±z, 0) + ln(1 + e^{−|z|})` and the sum of the residuals. The logarithms are taken once
/// for the block, as the logarithm of the product of the `1 + e^{−|z|} ∈ (1, 2]` (at most 2⁶⁴: no
/// overflow; each factor rounds once, so the sum is within about one ulp a row). Four lanes of
/// running sums and products keep the loop free of long dependency chains, and the loop body has
/// no branch (the sign of `±z` is a multiplication by `1 − 2y`, exact), so it vectorises.
#[inline(always)]
fn link<const WEIGHTS: bool>(z: &[f64], labels: &[bool], r: &mut [f64], w: &mut [f64], e: &mut [f64]) -> (f64, f64) {
    let n = z.len().min(labels.len()).min(r.len()).min(e.len());
    let (z, labels, r, e) = (&z[..n], &labels[..n], &mut r[..n], &mut e[..n]);
    for (ei, zi) in e.iter_mut().zip(z) {
        *ei = exp_nonpositive(-zi.abs()); // e^{−|z|} ∈ (0, 1]
    }
    let (mut product, mut linear, mut sum) = ([1.0; 4], [0.0; 4], [0.0; 4]);
    let mut row = |i: usize, l: usize| {
        let (zi, ei, yi) = (z[i], e[i], f64::from(u8::from(labels[i])));
        let one = 1.0 + ei;
        let inv = 1.0 / one;
        let mu = if zi >= 0.0 { inv } else { ei * inv };
        r[i] = yi - mu;
        sum[l] += yi - mu;
        product[l] *= one;
        linear[l] += ((1.0 - 2.0 * yi) * zi).max(0.0);
        if WEIGHTS {
            if let Some(wi) = w.get_mut(i) {
                *wi = (mu * (1.0 - mu)).max(1e-12);
            }
        }
    };
    let lanes = n - n % 4;
    for i in (0..lanes).step_by(4) {
        for l in 0..4 {
            row(i + l, l);
        }
    }
    for i in lanes..n {
        row(i, 0);
    }
    let nll = (linear[0] + linear[1])
        + (linear[2] + linear[3])
        + ((product[0] * product[1]) * (product[2] * product[3])).ln();
    (nll, (sum[0] + sum[1]) + (sum[2] + sum[3]))
}

impl Problem<'_> {
    fn n(&self) -> usize {
        self.labels.len()
    }

    /// Penalised loss at `beta`, its gradient into `grad` (both for minimisation), and the
    /// unpenalised log-likelihood. The dot products take rows two at a time, so each coefficient
    /// loaded serves both; the gradient takes them four at a time.
    fn loss_gradient(&self, beta: &[f64], grad: &mut [f64]) -> (f64, f64) {
        let p = self.features;
        let (b0, b) = (beta[0], &beta[1..]);
        let (mut z, mut r, mut e) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
        let (mut nll, mut g0) = (0.0, 0.0);
        let (_, g) = grad.split_at_mut(1);
        g.iter_mut().for_each(|gj| *gj = 0.0);
        let rows_per_block = (PASS_BLOCK_VALUES / p.max(1)).clamp(2, BLOCK);
        for (start, labels) in (0..).step_by(rows_per_block).zip(self.labels.chunks(rows_per_block)) {
            let m = labels.len();
            let block = self.rows.get(start * p..(start + m) * p).unwrap_or_default();
            let pairs = m / 2;
            for i in 0..pairs {
                let (x0, x1) = block[2 * i * p..(2 * i + 2) * p].split_at(p);
                let (mut a0, mut a1) = ([0.0; 4], [0.0; 4]);
                for ((c0, c1), cb) in x0.chunks_exact(4).zip(x1.chunks_exact(4)).zip(b.chunks_exact(4)) {
                    for l in 0..4 {
                        a0[l] += c0[l] * cb[l];
                        a1[l] += c1[l] * cb[l];
                    }
                }
                let tail = p - p % 4;
                let (mut t0, mut t1) = (0.0, 0.0);
                for j in tail..p {
                    t0 += x0[j] * b[j];
                    t1 += x1[j] * b[j];
                }
                z[2 * i] = b0 + ((a0[0] + a0[1]) + (a0[2] + a0[3]) + t0);
                z[2 * i + 1] = b0 + ((a1[0] + a1[1]) + (a1[2] + a1[3]) + t1);
            }
            if m % 2 == 1 {
                z[m - 1] = b0 + dot(&block[(m - 1) * p..m * p], b);
            }
            let (block_nll, residuals) = link::<false>(&z[..m], labels, &mut r[..m], &mut [], &mut e[..m]);
            nll += block_nll;
            g0 -= residuals;
            // the gradient four rows at a time: each entry of `g` loaded once for four updates
            let quads = m / 4;
            for i in 0..quads {
                let (x0, rest) = block[4 * i * p..(4 * i + 4) * p].split_at(p);
                let (x1, rest) = rest.split_at(p);
                let (x2, x3) = rest.split_at(p);
                let (r0, r1, r2, r3) = (r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]);
                for ((((gj, a0), a1), a2), a3) in g.iter_mut().zip(x0).zip(x1).zip(x2).zip(x3) {
                    *gj -= (r0 * a0 + r1 * a1) + (r2 * a2 + r3 * a3);
                }
            }
            for i in 4 * quads..m {
                let ri = r[i];
                for (gj, a) in g.iter_mut().zip(&block[i * p..(i + 1) * p]) {
                    *gj -= ri * a;
                }
            }
        }
        grad[0] = g0;
        let mut penalty = 0.0;
        for (gj, bj) in grad[1..].iter_mut().zip(b) {
            *gj += self.l2 * bj;
            penalty += bj * bj;
        }
        (nll + self.l2 / 2.0 * penalty, -nll)
    }

    /// Penalised loss, gradient and Hessian (row-major `(p+1)²`, both triangles) at `beta`.
    fn newton_system(&self, beta: &[f64], grad: &mut [f64], hess: &mut [f64]) -> (f64, f64) {
        let p = self.features;
        let q = p + 1;
        grad.iter_mut().for_each(|g| *g = 0.0);
        hess.iter_mut().for_each(|h| *h = 0.0);
        let (b0, b) = (beta[0], &beta[1..]);
        let (mut z, mut r, mut w, mut e) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
        // the block, column-major and scaled by √w: column j holds √wᵢ x̃ᵢⱼ for the block's rows
        let mut cols = vec![0.0; q * BLOCK];
        let mut nll = 0.0;
        for (start, labels) in (0..).step_by(BLOCK).zip(self.labels.chunks(BLOCK)) {
            let m = labels.len();
            let block = self.rows.get(start * p..(start + m) * p).unwrap_or_default();
            for i in 0..m {
                z[i] = b0 + dot(&block[i * p..(i + 1) * p], b);
            }
            nll += link::<true>(&z[..m], labels, &mut r[..m], &mut w[..m], &mut e[..m]).0;
            for i in 0..m {
                let x = &block[i * p..(i + 1) * p];
                grad[0] -= r[i];
                for (gj, xj) in grad[1..].iter_mut().zip(x) {
                    *gj -= r[i] * xj;
                }
                let s = w[i].sqrt();
                cols[i] = s;
                for (j, xj) in x.iter().enumerate() {
                    cols[(j + 1) * BLOCK + i] = s * xj;
                }
            }
            for i in m..BLOCK {
                for j in 0..q {
                    cols[j * BLOCK + i] = 0.0; // a short last block: zero rows add nothing
                }
            }
            gram_lower(&cols, q, hess);
        }
        let mut penalty = 0.0;
        for j in 1..q {
            grad[j] += self.l2 * beta[j];
            hess[j * q + j] += self.l2;
            penalty += beta[j] * beta[j];
        }
        for j in 0..q {
            for k in 0..j {
                hess[k * q + j] = hess[j * q + k];
            }
        }
        (nll + self.l2 / 2.0 * penalty, -nll)
    }
}

/// `hess[j][k] += Σᵢ cols[j][i] · cols[k][i]` for `k ≤ j`, over one block of [`BLOCK`] rows stored
/// column by column. Two-by-two tiles of the triangle, each reduced over the rows in two lanes,
/// so every value loaded feeds two multiply-adds.
fn gram_lower(cols: &[f64], q: usize, hess: &mut [f64]) {
    let col = |j: usize| &cols[j * BLOCK..(j + 1) * BLOCK];
    let mut j = 0;
    while j < q {
        let j2 = (j + 1).min(q - 1); // an odd last row pairs with itself and is written once
        let (a0, a1) = (col(j), col(j2));
        let mut k = 0;
        while k <= j2 {
            let k2 = (k + 1).min(j2);
            let (c0, c1) = (col(k), col(k2));
            let mut acc = [[0.0f64; 2]; 4];
            for i in (0..BLOCK).step_by(2) {
                for l in 0..2 {
                    acc[0][l] += a0[i + l] * c0[i + l];
                    acc[1][l] += a0[i + l] * c1[i + l];
                    acc[2][l] += a1[i + l] * c0[i + l];
                    acc[3][l] += a1[i + l] * c1[i + l];
                }
            }
            let sum = |t: usize| acc[t][0] + acc[t][1];
            let mut add = |r: usize, c: usize, v: f64| {
                if c <= r {
                    hess[r * q + c] += v;
                }
            };
            add(j, k, sum(0));
            if k2 != k {
                add(j, k2, sum(1));
            }
            if j2 != j {
                add(j2, k, sum(2));
                if k2 != k {
                    add(j2, k2, sum(3));
                }
            }
            k += 2;
        }
        j += 2;
    }
}

/// Newton's method from `beta`, to a largest step below `tolerance`.
pub(super) fn newton(
    problem: &Problem<'_>,
    mut beta: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> Result<Solution, StatsError> {
    let q = problem.features + 1;
    let mut grad = vec![0.0; q];
    let mut hess = vec![0.0; q * q];
    for iteration in 1..=max_iterations {
        let (_, log_likelihood) = problem.newton_system(&beta, &mut grad, &mut hess);
        let step = cholesky_solve(&hess, &grad, q).ok_or(StatsError::Singular(iteration))?;
        let biggest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        for (b, s) in beta.iter_mut().zip(&step) {
            *b -= s;
        }
        if !biggest.is_finite() {
            return Err(StatsError::NoConvergence(iteration));
        }
        if biggest < tolerance {
            // the log-likelihood after the step, to first order: the step is below the
            // tolerance, so the error (½ sᵀHs) is far below any log-likelihood's rounding
            let log_likelihood = log_likelihood + first_order(problem, &grad, &beta, &step);
            return Ok(Solution { beta, iterations: iteration, log_likelihood, hessian: hess });
        }
    }
    Err(StatsError::NoConvergence(max_iterations))
}

/// The change in the unpenalised log-likelihood from `beta + step` to `beta` (after `beta -= step`
/// was applied), to first order: `−∇ℓ · step`, with `∇ℓ` the unpenalised gradient at the old point
/// (`grad` is the penalised gradient of the negative log-likelihood there).
fn first_order(problem: &Problem<'_>, grad: &[f64], beta_after: &[f64], step: &[f64]) -> f64 {
    // ∇(−ℓ) = grad − λβ_old (not for the intercept); ℓ(new) − ℓ(old) ≈ ∇ℓ · (new − old) = ∇(−ℓ) · step
    grad.iter()
        .zip(beta_after.iter().zip(step))
        .enumerate()
        .map(|(j, (g, (b_new, s)))| {
            let b_old = b_new + s;
            let g = if j == 0 { *g } else { g - problem.l2 * b_old };
            g * s
        })
        .sum()
}

/// The same penalised problem on every `stride`-th row (the first of each stride), with the
/// penalty scaled so that its optimum estimates the full one's.
fn subsample(problem: &Problem<'_>, stride: usize) -> (Vec<f64>, Vec<bool>) {
    let p = problem.features;
    let m = problem.n().div_ceil(stride);
    let mut rows = Vec::with_capacity(m * p);
    let mut labels = Vec::with_capacity(m);
    for i in (0..problem.n()).step_by(stride) {
        rows.extend_from_slice(&problem.rows[i * p..(i + 1) * p]);
        labels.push(problem.labels[i]);
    }
    (rows, labels)
}

/// Whether the staged solver is worth it for `features` columns and `rarer` rows of the rarer
/// class: it is, as soon as its subsample holds enough of both classes for a usable start and
/// Hessian. A Newton iteration costs about seven loss-and-gradient passes at 32 features (the
/// Hessian is `p/2` multiply-adds a value, the gradient 2), so even the ten to twenty passes a
/// small subsample's rougher Hessian needs are cheaper than Newton's five to seven iterations: at
/// 32 features and balanced classes, half the time at 5,000 rows and a third at 20,000. The rule
/// applies again inside the subsample, so a large problem stages recursively.
///
/// What a subsample needs is events, not rows: with few of the rarer class its fit is nearly
/// separable (its penalty is scaled down with its size), lands far from the full optimum or not
/// at all, and the staged fit then costs more than Newton or falls back to it after the passes
/// are spent (twice Newton's time at 100,000 × 32 with 0.3 % positives).
pub(super) fn staged_worthwhile(features: usize, rarer: usize) -> bool {
    features >= 8 && rarer >= SUBSAMPLE_EVENTS_PER_COEFFICIENT * (features + 1) * STRIDE
}

/// The subsample keeps one row in `STRIDE`.
const STRIDE: usize = 16;

/// Rows of the rarer class the subsample needs per coefficient (so at least twice as many rows):
/// with fewer, its Hessian is off by more than a third (relative error about `√(p/m)`), and the
/// passes it saves over Newton are lost again. Logistic regression's rule of thumb for stable
/// estimates is ten events a coefficient; a start and a preconditioner need less.
const SUBSAMPLE_EVENTS_PER_COEFFICIENT: usize = 4;

/// The subsample's optimum is only within sampling error (about 1/√m) of the full one, so it is
/// solved this far and no further.
const SUBSAMPLE_TOLERANCE: f64 = 1e-2;

/// The staged solver: a start and a Hessian from the subsample, then BFGS over the full data.
/// Falls back to Newton on everything when the subsample cannot be fitted (one class in it,
/// say).
pub(super) fn staged(
    problem: &Problem<'_>,
    start: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> Result<Solution, StatsError> {
    let (rows, labels) = subsample(problem, STRIDE);
    let positives = labels.iter().filter(|&&y| y).count();
    let rarer = positives.min(labels.len() - positives);
    let scale = problem.n() as f64 / labels.len() as f64;
    let sub = Problem { rows: &rows, labels: &labels, features: problem.features, l2: problem.l2 / scale };
    let first = if rarer == 0 {
        None
    } else if staged_worthwhile(sub.features, rarer) {
        // a staged subsample ends on a BFGS estimate of its Hessian; the full data deserve the
        // exact one at the subsample's optimum (one Newton-system pass over the subsample)
        staged(&sub, start.clone(), SUBSAMPLE_TOLERANCE, max_iterations).ok().map(|mut s| {
            let mut g = vec![0.0; sub.features + 1];
            sub.newton_system(&s.beta, &mut g, &mut s.hessian);
            s
        })
    } else {
        newton(&sub, start.clone(), SUBSAMPLE_TOLERANCE, max_iterations).ok()
    };
    let Some(first) = first else {
        return newton(problem, start, tolerance, max_iterations);
    };
    let hessian: Vec<f64> = first.hessian.iter().map(|h| h * scale).collect();
    match bfgs(problem, first.beta, hessian, tolerance, max_iterations) {
        Ok(solution) => Ok(solution),
        Err(_) => newton(problem, start, tolerance, max_iterations),
    }
}

/// BFGS from `beta` with the Hessian estimate `b` (row-major), one loss-and-gradient pass an
/// iteration (more only when a step must be shortened), until the full quasi-Newton step is below
/// `tolerance` (then taken, with the log-likelihood moved to first order, as Newton does).
///
/// A step is kept when the loss falls by Armijo's rule, give or take the loss's own rounding
/// (1e-13 of it: near the optimum the decrease a step buys is smaller than that); otherwise it is
/// halved.
fn bfgs(
    problem: &Problem<'_>,
    mut beta: Vec<f64>,
    mut b: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> Result<Solution, StatsError> {
    let q = problem.features + 1;
    let mut grad = vec![0.0; q];
    let (mut loss, mut log_likelihood) = problem.loss_gradient(&beta, &mut grad);
    let mut trial = vec![0.0; q];
    let mut trial_grad = vec![0.0; q];
    let mut passes = 1;
    let mut last = f64::INFINITY; // the previous full step
    loop {
        let step = cholesky_solve(&b, &grad, q).ok_or(StatsError::Singular(passes))?;
        let biggest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        if !biggest.is_finite() {
            return Err(StatsError::NoConvergence(passes));
        }
        // steps shrink geometrically here (by the rate of the last two); once the step after
        // this one is predicted below the tolerance, this one is the last
        let rate = biggest / last;
        let predicted = if last.is_finite() && rate < 0.5 { biggest * rate } else { biggest };
        last = biggest;
        if predicted < tolerance {
            for (x, s) in beta.iter_mut().zip(&step) {
                *x -= s;
            }
            let log_likelihood = log_likelihood + first_order(problem, &grad, &beta, &step);
            return Ok(Solution { beta, iterations: passes, log_likelihood, hessian: b });
        }
        let slope: f64 = -grad.iter().zip(&step).map(|(g, s)| g * s).sum::<f64>(); // < 0
        let noise = 1e-13 * loss.abs();
        let mut t = 1.0;
        let (new_loss, new_ll) = loop {
            if passes >= max_iterations || t < 1e-10 {
                return Err(StatsError::NoConvergence(passes));
            }
            for ((x, b0), s) in trial.iter_mut().zip(&beta).zip(&step) {
                *x = b0 - t * s;
            }
            let (l, ll) = problem.loss_gradient(&trial, &mut trial_grad);
            passes += 1;
            if l <= loss + 1e-4 * t * slope + noise {
                break (l, ll);
            }
            t /= 2.0;
        };
        // BFGS update of the Hessian estimate with s = Δβ, y = Δ∇ (skipped when the curvature
        // it would add is not positive, which keeps the estimate positive definite)
        let s: Vec<f64> = trial.iter().zip(&beta).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = trial_grad.iter().zip(&grad).map(|(a, b)| a - b).collect();
        let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
        let bs: Vec<f64> = (0..q).map(|i| (0..q).map(|j| b[i * q + j] * s[j]).sum()).collect();
        let sbs: f64 = s.iter().zip(&bs).map(|(a, b)| a * b).sum();
        if sy > 1e-12 * sbs && sbs > 0.0 {
            for i in 0..q {
                for j in 0..q {
                    b[i * q + j] += y[i] * y[j] / sy - bs[i] * bs[j] / sbs;
                }
            }
        }
        std::mem::swap(&mut beta, &mut trial);
        std::mem::swap(&mut grad, &mut trial_grad);
        (loss, log_likelihood) = (new_loss, new_ll);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic design: `n × p` values in (−1, 1) and labels from a logistic model.
    fn design(n: usize, p: usize, rare: bool) -> (Vec<f64>, Vec<bool>) {
        let unit = |k: usize| ((k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 * 2f64.powi(-53);
        let rows: Vec<f64> = (0..n * p).map(|k| unit(k) * 2.0 - 1.0).collect();
        let labels = rows
            .chunks_exact(p)
            .enumerate()
            .map(|(i, x)| {
                let z = x.iter().enumerate().map(|(j, v)| v * (j as f64 * 0.7).cos()).sum::<f64>();
                if rare {
                    i % 97 == 5 // 1% positives, none in the strided subsample
                } else {
                    unit(n * p + i) < 1.0 / (1.0 + (-z).exp())
                }
            })
            .collect();
        (rows, labels)
    }

    fn start(labels: &[bool], p: usize) -> Vec<f64> {
        let k = labels.iter().filter(|&&y| y).count() as f64;
        let mut b = vec![0.0; p + 1];
        b[0] = (k / (labels.len() as f64 - k)).ln();
        b
    }

    #[test]
    fn the_staged_fit_lands_where_newton_does() {
        // 20,000 × 8 stages twice (its subsample is staged too); 5,000 × 32 is just above the
        // smallest problem staged at 32 features, where the subsample's Hessian is roughest
        for (n, p) in [(20_000, 8), (5_000, 32)] {
            the_staged_fit_lands_where_newton_does_on(n, p);
        }
    }

    #[test]
    fn the_staged_fit_needs_enough_of_the_rarer_class_in_its_subsample() {
        // 4 events a coefficient in the 1-in-16 subsample: 4 × 33 × 16 = 2,112 at 32 features
        assert!(staged_worthwhile(32, 2_112) && !staged_worthwhile(32, 2_111));
        assert!(!staged_worthwhile(7, 1_000_000), "Newton is cheapest below eight features");
        // 100,000 rows of 32 features with 0.3 % positives: the subsample would hold 19
        // positives for 33 coefficients; staged, it fell back to Newton at twice Newton's cost
        assert!(!staged_worthwhile(32, 300));
    }

    fn the_staged_fit_lands_where_newton_does_on(n: usize, p: usize) {
        let (rows, labels) = design(n, p, false);
        let positives = labels.iter().filter(|&&y| y).count();
        let rarer = positives.min(n - positives);
        assert!(staged_worthwhile(p, rarer), "{n} × {p}: {rarer} of the rarer class");
        for l2 in [0.0, 1.0, 50.0] {
            let problem = Problem { rows: &rows, labels: &labels, features: p, l2 };
            let newton = newton(&problem, start(&labels, p), 1e-12, 50).unwrap();
            let staged = staged(&problem, start(&labels, p), 1e-10, 50).unwrap();
            for (a, b) in newton.beta.iter().zip(&staged.beta) {
                assert!((a - b).abs() < 1e-9, "λ {l2}: {a} vs {b}");
            }
            assert!((newton.log_likelihood - staged.log_likelihood).abs() < 1e-9 * newton.log_likelihood.abs());
            // a pass is 2·n·p multiply-adds, a Newton iteration about n·(p+1)²/2: the staged
            // fit's passes must cost less than Newton's iterations
            let (pass, iteration) = (4 * p, (p + 1) * (p + 1));
            assert!(
                staged.iterations * pass < newton.iterations * iteration,
                "{n} × {p}: {} passes",
                staged.iterations
            );
        }
    }

    #[test]
    fn a_subsample_without_both_classes_falls_back_to_newton() {
        // every positive sits at i ≡ 5 (mod 97); the 1-in-16 subsample takes i ≡ 0 (mod 16), which
        // includes some of them, so make the rows the subsample sees all negative instead
        let (rows, mut labels) = design(20_000, 8, true);
        for (i, y) in labels.iter_mut().enumerate() {
            if i % STRIDE == 0 {
                *y = false;
            }
        }
        let problem = Problem { rows: &rows, labels: &labels, features: 8, l2: 1.0 };
        let newton = newton(&problem, start(&labels, 8), 1e-10, 50).unwrap();
        let staged = staged(&problem, start(&labels, 8), 1e-10, 50).unwrap();
        assert_eq!(newton.beta, staged.beta);
    }

    #[test]
    fn the_polynomial_exp_is_accurate() {
        for i in 0..=20_000 {
            let x = -(i as f64) * 0.0354; // 0 down to −708
            let (got, want) = (exp_nonpositive(x), x.exp());
            assert!((got - want).abs() <= 4.0 * f64::EPSILON * want, "exp({x}): {got} vs {want}");
        }
        assert!(exp_nonpositive(-1e300) < 1e-300 && exp_nonpositive(-f64::INFINITY) < 1e-300);
    }
}
