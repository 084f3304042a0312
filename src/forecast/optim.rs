//! Forecast-only numerics: a central-difference gradient so the crate's BFGS can minimise the
//! ETS likelihood over smoothing parameters and initial states together.

use crate::stats::bfgs;

/// Minimise `f` from `x0` by BFGS with central-difference gradients; returns the point and its
/// value. A difference that lands on a refused point (+∞) falls back to the one-sided difference,
/// and to 0 when both sides are refused, so a boundary never poisons the search direction.
pub(super) fn minimise<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    tolerance: f64,
    iterations: usize,
) -> (Vec<f64>, f64) {
    let mut probe = x0.to_vec();
    let mut eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let m = bfgs(
        |x: &[f64], g: &mut [f64]| {
            let fx = eval(x);
            probe.copy_from_slice(x);
            for i in 0..x.len() {
                let h = 1e-6 * x[i].abs().max(1.0);
                probe[i] = x[i] + h;
                let up = eval(&probe);
                probe[i] = x[i] - h;
                let down = eval(&probe);
                probe[i] = x[i];
                g[i] = match (up.is_finite(), down.is_finite(), fx.is_finite()) {
                    (true, true, _) => (up - down) / (2.0 * h),
                    (true, false, true) => (up - fx) / h,
                    (false, true, true) => (fx - down) / h,
                    _ => 0.0,
                };
            }
            fx
        },
        x0,
        tolerance,
        iterations,
    );
    (m.x, m.value)
}
