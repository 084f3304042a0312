//! Expansion in under 60 lines: learn co-ownership from a small installed base, score one
//! account's cross-sell, seat and tier opportunities, and size a 120% NRR target.
use revops::expansion::*;
use revops::rules::{Comparison, Condition};
use revops::{Currency, Money};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let names = ["Core", "Analytics", "Security", "Automation"];
    // (account, products owned, seats used of 200, usage)
    let rows: [(&str, &[usize], u32, f64); 5] = [
        ("acme", &[0, 1, 2], 150, 800.0),
        ("globex", &[0, 1], 120, 600.0),
        ("initech", &[0, 1, 3], 180, 900.0),
        ("hooli", &[0, 2], 100, 300.0),
        ("umbrella", &[0], 196, 4_200.0),
    ];
    let mut base = Vec::new();
    for (id, owned, used, usage) in rows {
        let account = Account::new(id, "ent", usd("250000")?, ProductSet::of(owned)?);
        base.push(account.with_seats(200, used, usd("900")?).with_usage(usage, 0));
    }
    let affinity = CoOwnership::learn(&base, names.len())?;
    for r in affinity.rules(0.2, 0.5).iter().take(3) {
        let (from, to) = (names[r.antecedent], names[r.consequent]);
        println!("{from} → {to}: support {:.2}, confidence {:.2}, lift {:.2}", r.support, r.confidence, r.lift);
    }
    let mut products = Vec::new();
    for (name, arr) in names.iter().zip(["400000", "120000", "90000", "60000"]) {
        products.push(Product { name: name.to_string(), list_arr: usd(arr)? });
    }
    let tiers = vec![
        Tier { name: "Business".into(), arr: usd("250000")?, usage_limit: 1_000.0 },
        Tier { name: "Enterprise".into(), arr: usd("600000")?, usage_limit: 10_000.0 },
    ];
    let rule = |s: &str, t, p| PropensityRule { when: vec![Condition::new(s, Comparison::AtLeast, t)], probability: p };
    let propensity =
        Propensity::Rules { rules: vec![rule("usage_ratio", 2.0, 0.55), rule("score", 0.5, 0.35)], default: 0.15 };
    let catalog = Catalog { products, tiers };
    let scorer = ExpansionScorer::new(catalog, affinity, propensity);
    println!("\nopportunities for umbrella:");
    for o in scorer.score(&base[4])? {
        let kind = format!("{:?}", o.kind);
        println!(
            "  {kind:<40} potential {:>14}  p={:.2}  expected {:>14}",
            o.potential_arr, o.propensity, o.expected_arr
        );
    }
    let plan = plan_nrr(usd("800000000")?, "120%".parse()?, usd("40000000")?, usd("24000000")?, "30%".parse()?)?;
    println!(
        "\n120% NRR on $800M needs {} of expansion, {} of pipeline",
        plan.required_expansion, plan.required_pipeline
    );
    Ok(())
}
