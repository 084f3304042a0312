//! Forecasting and sales performance in under 60 lines: AutoETS on monthly ARR with intervals,
//! a seeded Monte Carlo of the quarter, the $1B milestone ETA, and a commission statement.
use chrono::{Duration, NaiveDate};
use revops::calendar::{Month, Period, Quarter};
use revops::forecast::*;
use revops::sales::{CommissionPlan, CreditedDeal, RateTier};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 48 months of ARR in $M: growth with a Q4 bump every year.
    let arr: Vec<f64> = (0..48)
        .map(|t| 520.0 + 6.5 * t as f64 + if t % 12 >= 9 { 12.0 } else { 0.0 } + (t as f64 * 2.3).sin() * 3.0)
        .collect();
    let model = auto_ets(&arr, 12)?;
    let f = model.forecast(12, 0.8, 42)?;
    println!("chosen model: {} (AICc {:.1})", model.spec, model.aicc);
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
    let deals: Vec<PipelineDeal> = (0..400)
        .map(|i| PipelineDeal {
            id: format!("opp-{i}"),
            rep: format!("rep-{}", i % 12),
            team: if i % 2 == 0 { "east".into() } else { "west".into() },
            region: "NA".into(),
            amount: Money::from_minor_units(5_000_000 + (i as i64 % 40) * 2_500_000, Currency::USD)
                .unwrap_or(Money::zero(Currency::USD)),
            probability: [0.1, 0.3, 0.6, 0.9][i % 4],
            close_date: start + Duration::days((i % 92) as i64),
            category: [
                ForecastCategory::Pipeline,
                ForecastCategory::BestCase,
                ForecastCategory::Commit,
                ForecastCategory::Commit,
            ][i % 4],
        })
        .collect();
    let rollup = pipeline_forecast(&deals, q4, Currency::USD)?;
    println!(
        "\nQ4 pipeline: commit {}, best case {}, weighted {}",
        rollup.total.commit, rollup.total.best_case, rollup.total.weighted
    );
    let mc = monte_carlo_close(&deals, q4, 10.0, Money::parse("100000000", Currency::USD)?, 10_000, 1)?;
    println!("Monte Carlo: P10 {}  P50 {}  P90 {}  P(≥ $100M) {:.0}%", mc.p10, mc.p50, mc.p90, 100.0 * mc.p_target);

    let tier = |a, m| RateTier { from_attainment: Decimal::new(a, 2), multiplier: Decimal::new(m, 2) };
    let plan = CommissionPlan {
        base_rate: Decimal::new(8, 2),
        tiers: vec![tier(0, 60), tier(50, 100), tier(100, 160)],
        cap: None,
        spifs: vec![],
        clawback_days: 180,
    };
    let won = [CreditedDeal {
        id: "acme".into(),
        product: "platform".into(),
        amount: Money::parse("1450000", Currency::USD)?,
        closed: NaiveDate::from_ymd_opt(2026, 11, 14).ok_or("date")?,
        splits: vec![("rep-3".into(), Decimal::ONE)],
    }];
    let s = plan.statement(
        "rep-3",
        Period::new(q4.start(), q4.end())?,
        Money::parse("1200000", Currency::USD)?,
        &won,
        &[],
    )?;
    println!("\nrep-3 statement: credited {}, attainment {:?}, payout {}", s.credited, s.attainment, s.total);
    Ok(())
}
