//! AutoARIMA on AirPassengers (tests/data): the chosen model, its forecasts, and the best of ten
//! timings of one fit in this process. comparisons/forecast_arima_reference.py --time runs it
//! beside statsforecast's AutoARIMA on the same series.

use std::time::Instant;

use revops::forecast::AutoArima;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = format!("{}/tests/data/AirPassengers.csv", env!("CARGO_MANIFEST_DIR"));
    let y: Vec<f64> = std::fs::read_to_string(path)?
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let fit = AutoArima::new(12).fit(&y)?;
    let best = fit.best();
    println!(
        "revops {} ({} candidates): coef {:?}, loglik {:.4}, AICc {:.4}, sigma2 {:.4}",
        best.spec(),
        fit.candidates().len(),
        best.coefficients(),
        best.log_likelihood(),
        best.aicc(),
        best.sigma2()
    );
    let p = best.predict(12, &[0.95])?;
    println!("  12-step means {:?}", p.mean.iter().map(|v| (v * 10.0).round() / 10.0).collect::<Vec<_>>());
    let mut fastest = f64::INFINITY;
    for _ in 0..10 {
        let t = Instant::now();
        std::hint::black_box(AutoArima::new(12).fit(std::hint::black_box(&y))?);
        fastest = fastest.min(t.elapsed().as_secs_f64());
    }
    println!("revops AutoArima::new(12) on AirPassengers: best of 10 = {:.2} ms", fastest * 1e3);
    Ok(())
}
