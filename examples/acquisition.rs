//! New-logo scoring in under 60 lines: grade a prospect from firmographics and buying signals,
//! then fit a win model on simulated closed deals and explain one open deal.
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::acquisition::*;
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let c = |name: &str, criterion, weight| WeightedCriterion { name: name.into(), criterion, weight };
    let icp = IdealCustomerProfile {
        criteria: vec![
            c("industry", Criterion::Industry(vec!["Software".into(), "Financial Services".into()]), 3.0),
            c("employees", Criterion::Employees { min: 2_000, max: 200_000 }, 2.0),
            c("Fortune 500", Criterion::FortuneRankAtMost(500), 2.0),
            c("stack", Criterion::TechStack(vec!["Snowflake".into(), "Salesforce".into()]), 1.0),
        ],
    };
    let prospect = Firmographics {
        industry: "Financial Services".into(),
        employees: 38_000,
        annual_revenue: Some(Money::parse("21000000000", Currency::USD)?),
        region: "NA".into(),
        tech_stack: vec!["Salesforce".into()],
        fortune_rank: Some(212),
    };
    let fit = icp.fit(&prospect)?;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("bad date");
    let w = |kind, points, half_life_days| SignalWeight { kind, points, half_life_days };
    let intent_model = IntentModel {
        weights: vec![
            w(SignalKind::PricingPage, 5.0, 7.0),
            w(SignalKind::DemoRequest, 12.0, 21.0),
            w(SignalKind::IntentSurge, 6.0, 14.0),
        ],
        saturation: 15.0,
    };
    let signals = [
        Signal { kind: SignalKind::PricingPage, date: day(11, 20)?, strength: 2.0 },
        Signal { kind: SignalKind::DemoRequest, date: day(11, 10)?, strength: 1.0 },
    ];
    let intent = intent_model.intent(&signals, day(11, 24)?)?;
    println!(
        "prospect: fit {:.0}, intent {:.0} → grade {}",
        fit.score,
        intent.score,
        Grade::of(fit.score, intent.score)
    );
    for (name, points) in &fit.contributions {
        println!("  {name:<12} {points:>5.1}");
    }

    // Closed deals: stage (0–4), days open, stakeholders, discount asked, competitor present.
    let features: Vec<String> =
        ["stage", "age_days", "stakeholders", "discount", "competitor"].iter().map(|s| s.to_string()).collect();
    let mut rng = StdRng::seed_from_u64(3);
    let (mut rows, mut won) = (Vec::new(), Vec::new());
    for _ in 0..5_000 {
        let x = [
            rng.random_range(0..5) as f64,
            rng.random_range(5..200) as f64,
            rng.random_range(1..8) as f64,
            rng.random::<f64>() * 0.4,
            f64::from(u8::from(rng.random::<bool>())),
        ];
        let z = -1.0 + 0.6 * x[0] - 0.01 * x[1] + 0.35 * x[2] - 3.0 * x[3] - 0.8 * x[4];
        won.push(rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.extend(x);
    }
    let model = WinModelSpec::new(features.clone()).fit(&rows, &won)?;
    println!(
        "\nwin model holdout: AUC {:.3}, Brier {:.3}, ECE {:.3}",
        model.holdout.auc, model.holdout.brier, model.holdout.ece
    );
    let deal = [3.0, 45.0, 5.0, 0.25, 1.0];
    let e = model.explain(&deal);
    println!("open deal: P(win) = {:.1}%", 100.0 * e.probability);
    for r in e.top_positive.iter().chain(&e.top_negative).flatten() {
        println!("  {:<13} {:+.2} log-odds", features[r.feature], r.contribution);
    }
    Ok(())
}
