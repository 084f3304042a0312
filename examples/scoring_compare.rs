//! The crate's side of `comparisons/scoring_compare.py`: the L2 logistic fit, isotonic and Platt
//! calibration on scikit-learn's breast-cancer data (copied in tests/data), and the logistic fit
//! on a splitmix64 design Python rebuilds bit for bit. Prints plain `key values…` lines.
//!
//! ```text
//! cargo run --release --example scoring_compare                       # breast cancer
//! cargo run --release --example scoring_compare -- splitmix 100000 32 # the fit at scale, timed
//! ```
#[path = "common/compare_io.rs"]
mod compare_io;
use compare_io::{line, timed};
#[path = "common/splitmix.rs"]
mod splitmix;
use revops::stats::{standardisation, IsotonicCalibrator, LogisticSpec, PlattCalibrator};
use splitmix::splitmix_design;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let spec = LogisticSpec::default(); // λ = 1 (scikit-learn's C = 1), tolerance 1e-8
    if args.first().map(String::as_str) == Some("splitmix") {
        let n: usize = args.get(1).ok_or("rows")?.parse()?;
        let p: usize = args.get(2).ok_or("features")?.parse()?;
        let repeat: usize = args.get(3).map_or(Ok(1), |r| r.parse())?;
        let (rows, labels) = splitmix_design(n, p);
        let (seconds, fit) = timed(repeat, || spec.fit(&rows, p, &labels));
        let fit = fit?;
        line("logistic_seconds", [seconds]);
        line("logistic_iterations", [fit.iterations as f64]);
        line("logistic_beta", std::iter::once(fit.model.intercept()).chain(fit.model.coefficients().iter().copied()));
        return Ok(());
    }
    // breast cancer: 30 features, target (1 = benign); "mean radius" and malignant for calibration
    let (mut rows, mut benign) = (Vec::new(), Vec::new());
    for record in include_str!("../tests/data/breast_cancer.csv").lines().skip(1) {
        let v: Vec<f64> = record.split(',').map(str::parse).collect::<Result<_, _>>()?;
        rows.extend_from_slice(v.get(..30).ok_or("short row")?);
        benign.push(v.get(30) == Some(&1.0));
    }
    let radius: Vec<f64> = rows.chunks_exact(30).map(|r| r[0]).collect();
    let malignant: Vec<bool> = benign.iter().map(|b| !b).collect();
    let (means, scales) = standardisation(&rows, 30)?;
    let z: Vec<f64> =
        rows.chunks_exact(30).flat_map(|r| r.iter().zip(&means).zip(&scales).map(|((x, m), s)| (x - m) / s)).collect();
    let (seconds, fit) = timed(200, || spec.fit(&z, 30, &benign));
    let fit = fit?;
    line("logistic_seconds", [seconds]);
    line("logistic_iterations", [fit.iterations as f64]);
    line("logistic_beta", std::iter::once(fit.model.intercept()).chain(fit.model.coefficients().iter().copied()));
    let (seconds, iso) = timed(200, || IsotonicCalibrator::fit(&radius, &malignant));
    let iso = iso?;
    line("isotonic_seconds", [seconds]);
    line("isotonic_knots", [iso.thresholds().len() as f64]);
    let grid: Vec<f64> = (0..=200).map(|i| 6.0 + 0.12 * f64::from(i)).collect();
    line("isotonic_at", grid.iter().map(|x| iso.calibrate(*x)).collect::<Result<Vec<_>, _>>()?);
    let (seconds, platt) = timed(200, || PlattCalibrator::fit(&radius, &malignant));
    let platt = platt?;
    line("platt_seconds", [seconds]);
    line("platt_ab", [platt.a(), platt.b()]);
    Ok(())
}
