//! Nelder–Mead simplex minimisation: derivative-free, robust on the smooth low-dimensional
//! likelihoods of the retention models.

/// Settings for [`nelder_mead`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NelderMead {
    /// Stop when the simplex's function values span less than this.
    pub tolerance: f64,
    /// Give up after this many iterations.
    pub max_iterations: usize,
    /// Initial step along each axis.
    pub step: f64,
}

impl Default for NelderMead {
    fn default() -> Self {
        NelderMead { tolerance: 1e-10, max_iterations: 5_000, step: 0.5 }
    }
}

/// The minimum found: point, value, iterations used, and whether the tolerance was met.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    pub x: Vec<f64>,
    pub value: f64,
    pub iterations: usize,
    pub converged: bool,
}

/// Minimise `f` from `x0`. Non-finite values count as +∞, so a likelihood may refuse a point.
pub(crate) fn nelder_mead<F: FnMut(&[f64]) -> f64>(mut f: F, x0: &[f64], opts: NelderMead) -> Minimum {
    let n = x0.len();
    let mut eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((x0.to_vec(), eval(x0)));
    for i in 0..n {
        let mut x = x0.to_vec();
        x[i] += opts.step;
        let v = eval(&x);
        simplex.push((x, v));
    }
    let (alpha, gamma, rho, sigma) = (1.0, 2.0, 0.5, 0.5);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < opts.max_iterations {
        iterations += 1;
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[n].1);
        if (worst - best).abs() <= opts.tolerance * (1.0 + best.abs()) {
            converged = true;
            break;
        }
        let centroid: Vec<f64> = (0..n).map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64).collect();
        let toward =
            |t: f64, from: &[f64]| -> Vec<f64> { (0..n).map(|j| centroid[j] + t * (from[j] - centroid[j])).collect() };
        let reflected = toward(-alpha, &simplex[n].0);
        let fr = eval(&reflected);
        if fr < simplex[0].1 {
            let expanded = toward(-gamma, &simplex[n].0);
            let fe = eval(&expanded);
            simplex[n] = if fe < fr { (expanded, fe) } else { (reflected, fr) };
        } else if fr < simplex[n - 1].1 {
            simplex[n] = (reflected, fr);
        } else {
            let contracted = if fr < simplex[n].1 { toward(-rho, &simplex[n].0) } else { toward(rho, &simplex[n].0) };
            let fc = eval(&contracted);
            if fc < simplex[n].1.min(fr) {
                simplex[n] = (contracted, fc);
            } else {
                let best_x = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    let x: Vec<f64> = (0..n).map(|j| best_x[j] + sigma * (p.0[j] - best_x[j])).collect();
                    let v = eval(&x);
                    *p = (x, v);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (x, value) = simplex.swap_remove(0);
    Minimum { x, value, iterations, converged }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosen = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let m = nelder_mead(rosen, &[-1.2, 1.0], NelderMead { tolerance: 1e-14, ..Default::default() });
        assert!(m.converged);
        assert!((m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4, "{:?}", m.x);
    }
}

/// Minimise `f` (returning value and gradient) from `x0` by BFGS with a backtracking line
/// search. Non-finite values are treated as +∞ (the line search backs off).
pub(crate) fn bfgs<F: FnMut(&[f64], &mut [f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    tolerance: f64,
    max_iterations: usize,
) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    let mut h = vec![0.0; n * n]; // inverse Hessian approximation
    for i in 0..n {
        h[i * n + i] = 1.0;
    }
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    for iteration in 1..=max_iterations {
        let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        if !fx.is_finite() {
            return Minimum { x, value: fx, iterations: iteration, converged: false };
        }
        if gnorm < tolerance {
            return Minimum { x, value: fx, iterations: iteration, converged: true };
        }
        let mut d: Vec<f64> = (0..n).map(|i| -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>()).collect();
        let mut slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        if slope >= 0.0 {
            // not a descent direction: reset to steepest descent
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] = if i == j { 1.0 } else { 0.0 };
                }
            }
            d = g.iter().map(|v| -v).collect();
            slope = -gnorm * gnorm;
        }
        let mut step = 1.0;
        let mut f_new;
        loop {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            f_new = f(&x_new, &mut g_new);
            if f_new.is_finite() && f_new <= fx + 1e-4 * step * slope {
                break;
            }
            step *= 0.5;
            if step < 1e-20 {
                return Minimum { x, value: fx, iterations: iteration, converged: gnorm < tolerance.sqrt() };
            }
        }
        let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
        let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
        let sy: f64 = s.iter().zip(&y).map(|(a, b)| a * b).sum();
        if sy > 1e-12 {
            let hy: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum()).collect();
            let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += ((sy + yhy) * s[i] * s[j]) / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
        }
        let improvement = fx - f_new;
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        fx = f_new;
        if improvement.abs() <= 1e-15 * (1.0 + fx.abs()) && gnorm < tolerance.sqrt() {
            return Minimum { x, value: fx, iterations: iteration, converged: true };
        }
    }
    Minimum { x, value: fx, iterations: max_iterations, converged: false }
}

#[cfg(test)]
mod bfgs_tests {
    use super::*;

    #[test]
    fn bfgs_finds_the_rosenbrock_minimum() {
        let f = |x: &[f64], g: &mut [f64]| {
            g[0] = -2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]);
            g[1] = 200.0 * (x[1] - x[0] * x[0]);
            (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
        };
        let m = bfgs(f, &[-1.2, 1.0], 1e-9, 500);
        assert!(m.converged, "{m:?}");
        assert!((m.x[0] - 1.0).abs() < 1e-6 && (m.x[1] - 1.0).abs() < 1e-6);
    }
}
