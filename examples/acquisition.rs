//! New-logo scoring in under 60 lines: grade a prospect from firmographics and buying signals,
//! then fit a win model on simulated closed deals and explain one open deal.
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use revops::acquisition::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let c = |name: &str, criterion, weight| WeightedCriterion { name: name.into(), criterion, weight };
    let icp = IdealCustomerProfile {
        criteria: vec![
            c("industry", Criterion::Industry(vec!["Software".into(), "Financial Services".into()]), 3.0),
            c("employees", Criterion::Employees { min: 2_000, max: 200_000 }, 2.0),
            c("Fortune 500", Criterion::FortuneRankAtMost(500), 2.0),
        ],
    };
    let (industry, region, tech_stack) = ("Financial Services".into(), "NA".into(), vec!["Salesforce".into()]);
    let prospect = Firmographics {
        industry,
        employees: 38_000,
        annual_revenue: None,
        region,
        tech_stack,
        fortune_rank: Some(212),
    };
    let (fit, day) = (icp.fit(&prospect)?, |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("bad date"));
    let w = |kind, points, half_life_days| SignalWeight { kind, points, half_life_days };
    let weights = vec![w(SignalKind::PricingPage, 5.0, 7.0), w(SignalKind::DemoRequest, 12.0, 21.0)];
    let intent_model = IntentModel { weights, saturation: 15.0 };
    let signal = |kind, date, strength| Signal { kind, date, strength };
    let signals =
        [signal(SignalKind::PricingPage, day(11, 20)?, 2.0), signal(SignalKind::DemoRequest, day(11, 10)?, 1.0)];
    let intent = intent_model.intent(&signals, day(11, 24)?)?;
    let grade = Grade::of(fit.score, intent.score);
    println!("prospect: fit {:.0}, intent {:.0} → grade {grade}", fit.score, intent.score);
    // Closed deals: stage (0–4), days open, stakeholders, discount asked, competitor present.
    let features: Vec<String> =
        ["stage", "age_days", "stakeholders", "discount", "competitor"].map(String::from).to_vec();
    let mut rng = StdRng::seed_from_u64(3);
    let (mut rows, mut won) = (Vec::new(), Vec::new());
    for _ in 0..5_000 {
        let (stage, age, people) = (rng.random_range(0..5), rng.random_range(5..200), rng.random_range(1..8));
        let (discount, competitor) = (rng.random::<f64>() * 0.4, f64::from(u8::from(rng.random::<bool>())));
        let x = [f64::from(stage), f64::from(age), f64::from(people), discount, competitor];
        let z = -1.0 + 0.6 * x[0] - 0.01 * x[1] + 0.35 * x[2] - 3.0 * x[3] - 0.8 * x[4];
        won.push(rng.random::<f64>() < 1.0 / (1.0 + (-z).exp()));
        rows.extend(x);
    }
    let model = WinModelSpec::new(features.clone()).fit(&rows, &won)?;
    let h = model.holdout();
    println!("\nwin model holdout: AUC {:.3}, Brier {:.3}, ECE {:.3}", h.auc, h.brier, h.ece);
    let deal = [3.0, 45.0, 5.0, 0.25, 1.0];
    let e = model.explain(&deal)?; // probability plus the top reasons, in log-odds
    println!("open deal: P(win) = {:.1}%", 100.0 * e.probability);
    for r in e.top_positive.iter().chain(&e.top_negative).flatten() {
        println!("  {:<13} {:+.2} log-odds", features[r.feature], r.contribution);
    }
    Ok(())
}
