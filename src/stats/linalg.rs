//! A Cholesky solve for the small symmetric positive-definite systems of Newton steps, and the
//! check that a matrix read from outside is a covariance.

/// The lower Cholesky factor `L` of symmetric positive-definite `A` (row-major, `n × n`,
/// `A = L Lᵀ`). `None` when `A` is not positive definite (to working precision).
fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i * n + j];
            for k in 0..j {
                sum -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if sum <= 0.0 || !sum.is_finite() {
                    return None;
                }
                l[i * n + i] = sum.sqrt();
            } else {
                l[i * n + j] = sum / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// Solve `A x = b` for symmetric positive-definite `A` (row-major, `n × n`). `None` when `A` is
/// not positive definite (to working precision).
pub(crate) fn cholesky_solve(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let l = cholesky(a, n)?;
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i * n + i];
    }
    Some(x)
}

/// True when `a` (row-major, `n × n`) is a covariance matrix in units of a noise variance, to
/// working precision: symmetric, and positive semi-definite once `1e-9` of its largest entry
/// (or of one unit, if larger) is added to the diagonal. That forgives the rounding a filter's
/// updates leave on a covariance that has converged to zero (entries of ±1e-34), not a
/// negative variance.
pub(crate) fn is_covariance(a: &[f64], n: usize) -> bool {
    let scale = a.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let slack = 1e-9 * scale;
    let symmetric = (0..n).all(|i| (0..i).all(|j| (a[i * n + j] - a[j * n + i]).abs() <= slack));
    let mut lifted = a.to_vec();
    (0..n).for_each(|i| lifted[i * n + i] += slack);
    symmetric && cholesky(&lifted, n).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_known_system() {
        // [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0]
        let x = cholesky_solve(&[4.0, 2.0, 2.0, 3.0], &[2.0, 1.0], 2).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-12 && x[1].abs() < 1e-12);
        assert!(cholesky_solve(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0], 2).is_none());
    }

    #[test]
    fn a_covariance_is_symmetric_and_positive_semi_definite() {
        assert!(is_covariance(&[4.0, 2.0, 2.0, 3.0], 2));
        assert!(is_covariance(&[1.0, 1.0, 1.0, 1.0], 2)); // singular: semi-definite
        assert!(is_covariance(&[0.0; 4], 2));
        assert!(is_covariance(&[0.0, 0.0, 0.0, -2e-34], 2)); // converged to zero, with rounding
        assert!(!is_covariance(&[0.0, -1e6, -1e6, 0.0], 2)); // eigenvalues ±10⁶
        assert!(!is_covariance(&[1.0, 0.5, 0.0, 1.0], 2)); // not symmetric
        assert!(!is_covariance(&[-1.0, 0.0, 0.0, 1.0], 2));
        assert!(!is_covariance(&[1.0, 0.0, 0.0, f64::NAN], 2));
    }
}
