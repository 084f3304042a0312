//! Forecasting in under 60 lines: AutoETS on monthly ARR with intervals, the $1B milestone ETA,
//! and a seeded Monte Carlo of the quarter's close.
use chrono::Duration;
use revops::calendar::{Month, Quarter};
use revops::forecast::*;
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 48 months of ARR in $M: growth with a Q4 bump every year.
    let arr: Vec<f64> = (0..48)
        .map(|t| 520.0 + 6.5 * t as f64 + if t % 12 >= 9 { 12.0 } else { 0.0 } + (t as f64 * 2.3).sin() * 3.0)
        .collect();
    let model = auto_ets(&arr, 12)?;
    let f = model.forecast(12, 0.8, 42)?;
    println!("chosen model: {} (AICc {:.1})", model.spec(), model.aicc());
    for (k, ((m, lo), hi)) in f.mean.iter().zip(&f.lower).zip(&f.upper).enumerate().step_by(3) {
        println!("  +{:>2} months: {:>7.1}  [{:.1}, {:.1}]", k + 1, m, lo, hi);
    }

    let last = Month::new(2026, 10)?;
    let history: Vec<Money> =
        arr.iter().map(|v| Money::from_minor_units((v * 1e8) as i64, Currency::USD)).collect::<Result<_, _>>()?;
    let eta = milestone_eta(&history, last, Money::parse("1000000000", Currency::USD)?, 84, 2_000, 7)?;
    let show = |m: Option<Month>| m.map_or("beyond the horizon".to_string(), |m| m.to_string());
    println!("\n$1B ETA ({}): P10 {}, P50 {}, P90 {}", eta.model, show(eta.p10), show(eta.p50), show(eta.p90));

    let q4 = Quarter::new(2026, 4)?.period();
    let start = q4.start();
    let categories =
        [ForecastCategory::Pipeline, ForecastCategory::BestCase, ForecastCategory::Commit, ForecastCategory::Commit];
    let mut deals = Vec::new();
    for i in 0..400usize {
        let amount = Money::from_minor_units(5_000_000 + (i as i64 % 40) * 2_500_000, Currency::USD)?;
        let (id, rep, team, region) = (format!("opp-{i}"), format!("rep-{}", i % 12), "east".into(), "NA".into());
        let (probability, close_date, category) =
            (["10%", "30%", "60%", "90%"][i % 4].parse()?, start + Duration::days((i % 92) as i64), categories[i % 4]);
        deals.push(PipelineDeal { id, rep, team, region, amount, probability, close_date, category });
    }
    let rollup = pipeline_forecast(&deals, q4, Currency::USD)?;
    let t = &rollup.total;
    println!("\nQ4 pipeline: commit {}, best case {}, weighted {}", t.commit, t.best_case, t.weighted);
    let mc = monte_carlo_close(&deals, q4, start, 10.0, Money::parse("100000000", Currency::USD)?, 10_000, 1)?;
    println!("Monte Carlo: P10 {}  P50 {}  P90 {}  P(≥ $100M) {:.0}%", mc.p10, mc.p50, mc.p90, 100.0 * mc.p_target);

    Ok(())
}
