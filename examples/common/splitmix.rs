//! The splitmix64 design that `comparisons/scoring_compare.py` rebuilds bit for bit, so that the
//! crate and scikit-learn fit the same rows. Shared by `examples/scoring_compare.rs` and
//! `tests/acquisition.rs` (one copy, so the two cannot drift from each other or from Python).

/// splitmix64's output at `k` as a uniform in [0, 1).
pub fn splitmix_unit(k: u64) -> f64 {
    let mut z = (k + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 * 2f64.powi(-53)
}

/// `n × p` uniform(−1, 1) features; labels drawn from σ(Σ sin(0.37 j) xⱼ).
pub fn splitmix_design(n: usize, p: usize) -> (Vec<f64>, Vec<bool>) {
    let rows: Vec<f64> = (0..(n * p) as u64).map(|k| splitmix_unit(k) * 2.0 - 1.0).collect();
    let truth: Vec<f64> = (0..p).map(|j| (j as f64 * 0.37).sin()).collect();
    let labels = rows
        .chunks_exact(p)
        .enumerate()
        .map(|(i, x)| {
            let z = x.iter().zip(&truth).fold(0.0, |z, (a, b)| z + a * b);
            splitmix_unit((n * p + i) as u64) < 1.0 / (1.0 + (-z).exp())
        })
        .collect();
    (rows, labels)
}
