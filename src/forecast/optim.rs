//! Forecast-only numerics: BFGS with a caller's gradient, stopping on the relative change of the
//! objective (as L-BFGS-B's `factr` does), so the ETS likelihood can be maximised over smoothing
//! parameters and initial states together.

/// Minimise `f` from `x0`; returns the point and its value. `f(x, Some(g))` also writes the
/// gradient into `g`; `f(x, None)` only evaluates. Non-finite values count as +∞ (the line search
/// backs off). The search stops when five successive steps together improve the value by less
/// than `ftol` relative to it or by less than `settled` (an absolute amount; 0 for none), when the
/// gradient vanishes, or after `iterations` steps.
///
/// `diagonal` is the starting inverse Hessian's diagonal: when `None` it is measured at `x0` (one
/// gradient difference per coordinate) and left there for the next start to reuse.
pub(super) fn minimise<F: FnMut(&[f64], Option<&mut [f64]>) -> f64>(
    mut f: F,
    x0: &[f64],
    ftol: f64,
    settled: f64,
    iterations: usize,
    diagonal: &mut Option<Vec<f64>>,
) -> (Vec<f64>, f64) {
    let n = x0.len();
    let mut eval = |x: &[f64], g: Option<&mut [f64]>| {
        let v = f(x, g);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = eval(&x, Some(&mut g));
    if !fx.is_finite() || n == 0 {
        return (x, fx);
    }
    // the starting inverse Hessian: the inverse of the Hessian's diagonal, from one gradient
    // difference per coordinate (the free values differ in scale by orders of magnitude: a
    // smoothing parameter, an initial level, a seasonal state), 1 where that is not positive
    let (mut x_new, mut g_new, mut d) = (x.clone(), vec![0.0; n], vec![0.0; n]);
    let diagonal = match diagonal {
        Some(dg) if dg.len() == n => dg.clone(),
        _ => {
            let mut dg = vec![1.0; n];
            for i in 0..n {
                let step = 1e-4 * x[i].abs().max(1.0);
                x_new[i] = x[i] + step;
                if eval(&x_new, Some(&mut g_new)).is_finite() {
                    let curvature = (g_new[i] - g[i]) / step;
                    if curvature > 0.0 && curvature.is_finite() {
                        dg[i] = 1.0 / curvature;
                    }
                }
                x_new[i] = x[i];
            }
            *diagonal = Some(dg.clone());
            dg
        }
    };
    let mut h = vec![0.0; n * n];
    let reset = |h: &mut [f64]| {
        h.iter_mut().for_each(|v| *v = 0.0);
        (0..n).for_each(|i| h[i * n + i] = diagonal[i]);
    };
    reset(&mut h);
    const WINDOW: usize = 5;
    let mut history = vec![fx];
    for _ in 0..iterations {
        let gnorm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
        if gnorm == 0.0 {
            break;
        }
        for i in 0..n {
            d[i] = -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>();
        }
        let mut slope: f64 = d.iter().zip(&g).map(|(a, b)| a * b).sum();
        if slope >= 0.0 {
            reset(&mut h);
            d.iter_mut().zip(&g).for_each(|(d, g)| *d = -g);
            slope = -gnorm * gnorm;
        }
        // no step moves a free value by more than one unit (a smoothing parameter's logit, a
        // level in units of the series' scale): a long first step lands in another basin
        let longest = d.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let mut step = if longest > 1.0 { 1.0 / longest } else { 1.0 };
        let f_new = loop {
            for i in 0..n {
                x_new[i] = x[i] + step * d[i];
            }
            // the gradient comes with the value: the first trial is usually accepted
            let v = eval(&x_new, Some(&mut g_new));
            if v.is_finite() && v <= fx + 1e-4 * step * slope {
                break Some(v);
            }
            step *= 0.5;
            if step < 1e-12 {
                break None;
            }
        };
        let Some(f_new) = f_new else { break };
        let mut sy = 0.0;
        for i in 0..n {
            let (s, y) = (x_new[i] - x[i], g_new[i] - g[i]);
            sy += s * y;
        }
        if sy > 1e-12 {
            let s: Vec<f64> = (0..n).map(|i| x_new[i] - x[i]).collect();
            let y: Vec<f64> = (0..n).map(|i| g_new[i] - g[i]).collect();
            let hy: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum()).collect();
            let yhy: f64 = y.iter().zip(&hy).map(|(a, b)| a * b).sum();
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += ((sy + yhy) * s[i] * s[j]) / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
        }
        x.copy_from_slice(&x_new);
        g.copy_from_slice(&g_new);
        fx = f_new;
        // stop when the last `WINDOW` steps together gained less than `ftol` relative (or
        // `settled`): a crawl along a flat ridge (a parameter pressing on its bound) ends here
        history.push(fx);
        let enough = (ftol * fx.abs().max(1.0)).max(settled);
        if history.len() > WINDOW && history[history.len() - 1 - WINDOW] - fx <= enough {
            break;
        }
    }
    (x, fx)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's banana valley, with its gradient.
    fn rosenbrock(x: &[f64], g: Option<&mut [f64]>) -> f64 {
        if let Some(g) = g {
            g[0] = -2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]);
            g[1] = 200.0 * (x[1] - x[0] * x[0]);
        }
        (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2)
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let (x, v) = minimise(rosenbrock, &[-1.2, 1.0], 1e-14, 0.0, 1_000, &mut None);
        assert!(v < 1e-8 && (x[0] - 1.0).abs() < 1e-3, "{x:?} {v}");
    }

    #[test]
    fn stops_once_five_steps_gain_less_than_the_settled_amount() {
        // a long shallow valley: at a tolerance of 0 BFGS walks it to the end, but five steps
        // that gain less than 1 in all end the search where it has settled
        let counted = std::cell::Cell::new(0);
        let valley = |x: &[f64], g: Option<&mut [f64]>| {
            counted.set(counted.get() + 1);
            rosenbrock(x, g)
        };
        let (_, converged) = minimise(valley, &[-1.2, 1.0], 1e-14, 0.0, 1_000, &mut None);
        let all = counted.replace(0);
        let (_, settled) = minimise(valley, &[-1.2, 1.0], 1e-14, 1.0, 1_000, &mut None);
        assert!(converged < 1e-8 && settled > converged, "{converged} {settled}");
        assert!(counted.get() < all, "{} of {all} evaluations", counted.get());
    }

    #[test]
    fn backs_off_refused_points() {
        // a bowl at 2 behind a wall at 3: the first steps land beyond the wall and back off
        let walled = |x: &[f64], g: Option<&mut [f64]>| {
            if let Some(g) = g {
                g[0] = 2.0 * (x[0] - 2.0);
            }
            if x[0] > 3.0 {
                f64::INFINITY
            } else {
                (x[0] - 2.0).powi(2)
            }
        };
        let (x, _) = minimise(walled, &[-10.0], 1e-12, 0.0, 200, &mut None);
        assert!((x[0] - 2.0).abs() < 1e-3, "{x:?}");
    }
}
