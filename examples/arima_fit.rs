//! Fit statsforecast's reference ARIMA forms and AutoARIMA on AirPassengers (tests/data), print
//! the estimates and the best-of-several time of one AutoARIMA fit. Run by
//! comparisons/forecast_arima_reference.py --time.

use std::time::Instant;

use revops::forecast::ArimaSpec;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = format!("{}/tests/data/AirPassengers.csv", env!("CARGO_MANIFEST_DIR"));
    let y: Vec<f64> = std::fs::read_to_string(path)?
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    for spec in [ArimaSpec::new(0, 1, 1).seasonal(0, 1, 1, 12), ArimaSpec::new(2, 1, 1).seasonal(0, 1, 0, 12)] {
        let t = Instant::now();
        let m = spec.fit(&y)?;
        println!(
            "{spec}: coef {:?} loglik {:.6} aicc {:.4} sigma2 {:.4} ({:.2} ms)",
            m.coefficients(),
            m.log_likelihood(),
            m.aicc(),
            m.sigma2(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}
