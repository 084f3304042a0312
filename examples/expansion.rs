//! Expansion in under 60 lines: learn co-ownership from a small installed base, score one
//! account's opportunities, run playbooks, and size the expansion a 120% NRR target needs.
use chrono::NaiveDate;
use revops::expansion::*;
use revops::rules::{Comparison, Condition};
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usd = |s: &str| Money::parse(s, Currency::USD);
    let names = ["Core", "Analytics", "Security", "Automation"];
    let acct =
        |id: &str, seg: &str, owned: &[usize], used: u32, usage: f64| -> Result<Account, Box<dyn std::error::Error>> {
            Ok(Account {
                id: id.into(),
                segment: seg.into(),
                arr: usd("250000")?,
                owned: ProductSet::of(owned)?,
                seats_paid: 200,
                seats_used: used,
                seat_arr: usd("900")?,
                usage,
                tier: 0,
                features: vec![],
            })
        };
    let base = vec![
        acct("acme", "ent", &[0, 1, 2], 150, 800.0)?,
        acct("globex", "ent", &[0, 1], 120, 600.0)?,
        acct("initech", "ent", &[0, 1, 3], 180, 900.0)?,
        acct("hooli", "ent", &[0, 2], 100, 300.0)?,
        acct("umbrella", "ent", &[0], 196, 4_200.0)?,
    ];
    let affinity = CoOwnership::learn(&base, names.len())?;
    for r in affinity.rules(0.2, 0.5).iter().take(3) {
        println!(
            "{} → {}: support {:.2}, confidence {:.2}, lift {:.2}",
            names[r.antecedent], names[r.consequent], r.support, r.confidence, r.lift
        );
    }
    let products = names
        .iter()
        .zip(["400000", "120000", "90000", "60000"])
        .map(|(n, a)| Ok(Product { name: n.to_string(), list_arr: usd(a)? }))
        .collect::<Result<Vec<_>, Box<dyn std::error::Error>>>()?;
    let tiers = vec![
        Tier { name: "Business".into(), arr: usd("250000")?, usage_limit: 1_000.0 },
        Tier { name: "Enterprise".into(), arr: usd("600000")?, usage_limit: 10_000.0 },
    ];
    let rule = |signal: &str, cmp, t, p| PropensityRule { when: vec![Condition::new(signal, cmp, t)], probability: p };
    let scorer = ExpansionScorer {
        catalog: Catalog { products, tiers },
        affinity,
        propensity: Propensity::Rules {
            rules: vec![
                rule("usage_ratio", Comparison::AtLeast, 2.0, 0.55),
                rule("score", Comparison::AtLeast, 0.5, 0.35),
            ],
            default: 0.15,
        },
        seat_threshold: 0.9,
        seat_headroom: 0.2,
        cross_sell_per_account: 2,
        min_lift: 1.0,
    };
    println!("\nopportunities for umbrella:");
    for o in scorer.score(&base[4])? {
        println!(
            "  {:<40} potential {:>14}  p={:.2}  expected {:>14}",
            format!("{:?}", o.kind),
            o.potential_arr,
            o.propensity,
            o.expected_arr
        );
    }
    let playbook = Playbook {
        name: "seats nearly full".into(),
        when: vec![Condition::new("seat_utilisation", Comparison::AtLeast, 0.95)],
        action: Action {
            owner: "account manager".into(),
            channel: "call".into(),
            offer: "seat bundle".into(),
            due_in_days: 5,
        },
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("bad date")?;
    for a in run_playbooks(&[playbook], "umbrella", &[("seat_utilisation".into(), base[4].seat_utilisation())], today)?
    {
        println!(
            "\nplaybook {:?}: {} by {} via {} (due {})",
            a.playbook, a.action.offer, a.action.owner, a.action.channel, a.due
        );
    }
    let plan =
        plan_nrr(usd("800000000")?, Decimal::new(120, 2), usd("40000000")?, usd("24000000")?, Decimal::new(30, 2))?;
    println!(
        "\n120% NRR on $800M needs {} of expansion: {} of pipeline ({:.1}x coverage)",
        plan.required_expansion, plan.required_pipeline, plan.coverage
    );
    Ok(())
}
