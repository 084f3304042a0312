//! The public series in `tests/data/`, shared by the forecasting tests (included with `#[path]`).

/// A public series from `tests/data/`: one value a line, `#` lines (the source) skipped.
pub fn public_series(name: &str) -> Vec<f64> {
    let path = format!("{}/tests/data/{name}.csv", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.parse().unwrap_or_else(|e| panic!("{path}: {l:?}: {e}")))
        .collect()
}
