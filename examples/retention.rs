//! Retention models in under 60 lines: an sBG projection of a contractual cohort, a
//! Kaplan–Meier curve by plan, and BG/NBD + Gamma-Gamma lifetime value for add-on purchases.
use rand::rngs::StdRng;
use rand::SeedableRng;
use revops::retention::*;
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Annual contracts signed in 2019: customers still renewing at each anniversary.
    let alive = [1000, 869, 743, 653, 593, 551, 517, 491];
    let sbg = ShiftedBetaGeometric::fit(&alive)?;
    let m = sbg.model;
    println!("sBG α = {:.3}, β = {:.3}, log-likelihood {:.1}", m.alpha(), m.beta(), sbg.log_likelihood);
    for t in [8, 10, 12] {
        println!("  year {t:>2}: survival {:.3}, retention {:.3}", m.survival(t), m.retention_rate(t));
    }
    println!(
        "  residual value of a 3-year customer at $50,000 margin, 10%: ${:.0}",
        m.residual_value(50_000.0, 0.10, 3)?
    );

    // Tenure in months by plan (false = still a customer).
    let s = |time: f64, event| Subject { time, event };
    let starter =
        [s(3.0, true), s(5.0, true), s(6.0, false), s(8.0, true), s(12.0, true), s(14.0, false), s(20.0, true)];
    let enterprise =
        [s(12.0, false), s(18.0, true), s(24.0, false), s(30.0, false), s(36.0, true), s(40.0, false), s(48.0, false)];
    let km = KaplanMeier::fit(&starter, 0.95)?;
    println!("\nStarter median tenure: {:?} months", km.median());
    let test = log_rank(&starter, &enterprise)?;
    println!("log-rank Starter vs Enterprise: χ² = {:.2}, p = {:.4}", test.statistic, test.p_value);

    // Usage add-ons bought by 5,000 accounts over 52 weeks (simulated, seeded).
    let mut rng = StdRng::seed_from_u64(7);
    let truth = BgNbd::new(0.8, 6.0, 1.6, 4.0)?;
    let history = truth.simulate(5_000, 52.0, &mut rng)?;
    let fit = BgNbd::fit(&history)?;
    println!(
        "\nBG/NBD r = {:.3}, α = {:.3}, a = {:.3}, b = {:.3}",
        fit.model.r(),
        fit.model.alpha(),
        fit.model.a(),
        fit.model.b()
    );
    let account = CustomerRfm {
        customer: "acme".into(),
        rfm: Rfm { frequency: 9, recency: 48.0, t: 52.0 },
        average_spend: Some(Money::parse("1200", Currency::USD)?),
    };
    println!(
        "acme: P(alive) {:.3}, expected add-ons next quarter {:.2}",
        fit.model.p_alive(&account.rfm)?,
        fit.model.expected_purchases(&account.rfm, 13.0)?
    );
    let spend = GammaGamma::new(6.25, 3.74, 15.44)?;
    let clv = customer_lifetime_value(&fit.model, &spend, &account, 0.8, 8, 13.0, 0.02)?;
    println!("acme two-year add-on CLV at 80% margin: {clv}");
    Ok(())
}
