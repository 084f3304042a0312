//! Series summed to a stated tolerance: the hypergeometric-type sums of the retention models
//! (BG/NBD conditional expectations, sBG residual lifetimes), with a rigorous bound on the tail
//! that is left off, and an error rather than a silently truncated sum.

/// The relative tolerance every series here is summed to: the bound on the tail left off is at
/// most this fraction of the caller's scale.
pub(crate) const SERIES_TOLERANCE: f64 = 1e-15;

/// The most terms a series may take before it is reported as not converged.
pub(crate) const SERIES_MAX_TERMS: usize = 10_000_000;

/// `Σ_{k ≥ 1} t_k` for `t_1 = first` and `t_{k+1} = next(k, t_k)`, where `t_{k+1} / t_k` is the
/// series' term ratio at `k` (`next` may compute the term afresh rather than multiply, so that a
/// rounded factor does not compound over millions of terms).
///
/// `bounds(k)` must give `(lo, hi)` with `lo ≤ t_{j+1}/t_j ≤ hi` for every `j ≥ k`, or `None` while
/// no such bound is known (terms may still change sign, say). Once `hi < 1` the tail after term
/// `k` lies between `t_k · lo/(1 − lo)` and `t_k · hi/(1 − hi)` (for `lo ≥ 0`; otherwise within
/// `±|t_k| · hi/(1 − hi)`): the sum returned adds the middle of that interval, and stops once
/// its half-width is at most [`SERIES_TOLERANCE`] × `scale(sum)`.
///
/// `Err(terms)` when that has not happened after [`SERIES_MAX_TERMS`] terms, or a term is not
/// finite.
pub(crate) fn sum_series(
    first: f64,
    mut next: impl FnMut(f64, f64) -> f64,
    bounds: impl Fn(f64) -> Option<(f64, f64)>,
    scale: impl Fn(f64) -> f64,
) -> Result<f64, usize> {
    let mut term = first;
    let mut sum = first;
    let mut carry = 0.0; // Neumaier's compensation: long sums keep their last digits
    for k in 1..=SERIES_MAX_TERMS {
        if !(term.is_finite() && sum.is_finite()) {
            return Err(k);
        }
        let kf = k as f64;
        if term == 0.0 {
            return Ok(sum + carry); // every later term is zero too
        }
        if let Some((lo, hi)) = bounds(kf) {
            if hi < 1.0 {
                let upper = hi / (1.0 - hi);
                let (mid, half) = if lo >= 0.0 {
                    let lower = lo / (1.0 - lo);
                    (term * (lower + upper) / 2.0, term.abs() * (upper - lower) / 2.0)
                } else {
                    (0.0, term.abs() * upper)
                };
                if half <= SERIES_TOLERANCE * scale(sum).abs() {
                    return Ok(sum + (carry + mid));
                }
            }
        }
        term = next(kf, term);
        let next = sum + term;
        carry += if sum.abs() >= term.abs() { (sum - next) + term } else { (term - next) + sum };
        sum = next;
    }
    Err(SERIES_MAX_TERMS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_geometric_series_is_summed_to_the_tolerance() {
        // Σ_{k≥1} z^k = z / (1 − z); the tail estimate is exact for a constant ratio
        for z in [0.1, 0.5, 0.99, 0.99999] {
            let got = sum_series(z, |_, t| t * z, |_| Some((z, z)), |s| s).unwrap();
            assert!((got - z / (1.0 - z)).abs() <= 1e-14 * z / (1.0 - z), "{z}: {got}");
        }
        // ln(1/(1 − z)) = Σ z^k / k: ratios z·k/(k + 1) rise toward z
        let z = 0.999;
        let got = sum_series(z, |k, t| t * z * k / (k + 1.0), |k| Some((z * k / (k + 1.0), z)), |s| s).unwrap();
        assert!((got + (-z).ln_1p()).abs() < 1e-13, "{got}");
    }

    #[test]
    fn a_series_that_does_not_converge_in_time_is_an_error() {
        // no bound on the tail: the sum never knows it is done
        assert_eq!(sum_series(0.5, |_, t| t * (1.0 - 1e-9), |_| None, |s| s), Err(SERIES_MAX_TERMS));
        assert!(sum_series(f64::MAX, |_, t| t * 2.0, |_| None, |s| s).is_err());
    }
}
