//! Pricing in under 60 lines: Stripe-style tiers, a quote with a waterfall and approvals under
//! the margin guard, a good/better/best proposal in Markdown, and a discount that maximises
//! expected margin.
use chrono::NaiveDate;
use revops::pricing::*;
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let book = PriceBook::demo();
    let policy = ApprovalPolicy::demo();
    let mut costs = InMemoryCostModel::default();
    costs.insert("PLAN-PRO", Money::parse("60000", Currency::USD)?, Money::parse("0", Currency::USD)?);
    costs.insert("PLAN-ENT", Money::parse("250000", Currency::USD)?, Money::parse("180", Currency::USD)?);
    costs.insert("ADD-SEATS", Money::parse("0", Currency::USD)?, Money::parse("310", Currency::USD)?);
    costs.insert("PLAN-STARTER", Money::parse("15000", Currency::USD)?, Money::parse("0", Currency::USD)?);

    let line = |sku: &str, qty: i64, extra: i64| QuoteLine {
        sku: sku.into(),
        quantity: Decimal::from(qty),
        months: 36,
        ramp: vec![],
        schedule: None,
        additional_discount: Decimal::new(extra, 2),
        partner_discount: Decimal::ZERO,
    };
    let quote = |lines| Quote { currency: Currency::USD, lines, term_months: 36, payment_terms_days: 45 };
    let options = [
        ("Good", quote(vec![line("PLAN-STARTER", 1, 0), line("ADD-SEATS", 200, 5)])),
        ("Better", quote(vec![line("PLAN-PRO", 1, 10), line("ADD-SEATS", 400, 10)])),
        ("Best", quote(vec![line("PLAN-ENT", 2_500, 18)])),
    ];
    let mut priced = Vec::new();
    for (name, q) in options {
        let p = q.price(&book, &policy, Some(&costs))?;
        println!(
            "{name:<7} net {:>16} ({:>4.1}% off, margin {:>4.1}%) approval {:?} {:?}",
            p.net_total,
            p.discount_pct,
            p.margin_pct.unwrap_or(f64::NAN),
            p.approval.level,
            p.approval.reasons
        );
        for l in &p.lines {
            let steps: Vec<String> = l
                .waterfall
                .steps
                .iter()
                .filter(|(_, m)| !m.is_zero())
                .map(|(k, m)| format!("−{m} {}", step_label(*k)))
                .collect();
            println!("    {:<12} {} {} = {}", l.sku, l.waterfall.list, steps.join(" "), l.waterfall.net);
        }
        priced.push(ProposalOption { name: name.into(), quote: p });
    }
    let proposal = Proposal {
        customer: "Acme Corp".into(),
        options: priced,
        term_months: 36,
        payment_terms_days: 45,
        valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("bad date")?,
    };
    println!("\n{}", proposal.to_markdown());

    let best = optimise_discount(
        Money::parse("1000000", Currency::USD)?,
        Money::parse("400000", Currency::USD)?,
        |d| (0.25 + 1.8 * d).min(0.9),
        0.4,
        0.005,
        0.42,
    )?;
    println!(
        "best discount {:.1}%: P(win) {:.2}, expected margin ${:.0}",
        best.discount * 100.0,
        best.win_probability,
        best.expected_margin
    );
    Ok(())
}
