//! Fit statsforecast's reference ARIMA forms and AutoARIMA on AirPassengers (tests/data), print
//! the estimates and the best-of-several time of one AutoARIMA fit. Run by
//! comparisons/forecast_arima_reference.py --time.

use std::time::Instant;

use revops::forecast::{ArimaSpec, AutoArima};

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
    let fit = AutoArima::new(12).fit(&y)?;
    for c in fit.candidates() {
        let t = Instant::now();
        let r = c.spec.fit(&y);
        println!("  {} {:?} {:.2} ms", c.spec, r.map(|m| m.aicc()), t.elapsed().as_secs_f64() * 1e3);
    }
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        let fit = AutoArima::new(12).fit(&y)?;
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(fit);
    }
    println!("revops AutoArima::new(12) on AirPassengers: best of 5 = {:.2} ms", best * 1e3);
    Ok(())
}
