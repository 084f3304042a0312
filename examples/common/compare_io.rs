//! What the comparison examples share: plain `key values…` output lines the scripts in
//! `comparisons/` parse, and best-of-n timing.
use std::time::Instant;

/// One output line: `key v1 v2 …`, each value in full precision.
pub fn line(key: &str, values: impl IntoIterator<Item = f64>) {
    let v: Vec<String> = values.into_iter().map(|x| format!("{x:e}")).collect();
    println!("{key} {}", v.join(" "));
}

/// The best of `repeat` runs of `f`, in seconds, and its last result.
pub fn timed<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        out = Some(f());
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, out.expect("at least one run"))
}
