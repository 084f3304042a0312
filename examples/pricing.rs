//! Pricing in under 60 lines: Stripe-style tiers, a quote with a waterfall and approvals under
//! the margin guard, a good/better/best proposal in Markdown, and a discount that maximises
//! expected margin.
use chrono::NaiveDate;
use revops::money::Percent;
use revops::pricing::*; // the proposal's Markdown shows each line's list, discounts and net
use revops::{Currency, Money};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (book, policy) = (PriceBook::demo(), ApprovalPolicy::demo());
    let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
    let mut costs = InMemoryCostModel::default(); // (fixed, per unit) annual cost to serve
    let cost_table =
        [("PLAN-STARTER", 15_000, 0), ("PLAN-PRO", 60_000, 0), ("PLAN-ENT", 250_000, 180), ("ADD-SEATS", 0, 310)];
    cost_table.iter().for_each(|&(sku, fixed, unit)| costs.insert(sku, usd(fixed), usd(unit)));
    let line = |sku: &str, qty: i64, extra: i64| {
        let (sku, quantity) = (sku.into(), Decimal::from(qty));
        let additional_discount = Percent::from_fraction(Decimal::new(extra, 2));
        QuoteLine {
            sku,
            quantity,
            months: 36,
            ramp: vec![],
            schedule: None,
            additional_discount,
            partner_discount: Percent::ZERO,
        }
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
        let margin = p.margin.map_or("n/a".to_string(), |m| format!("{m:.1}"));
        println!(
            "{name:<7} net {:>16} ({:>5.1} off, margin {margin:>5}) approval {:?} {:?}",
            p.net_total, p.discount, p.approval.level, p.approval.reasons
        );
        priced.push(ProposalOption { name: name.into(), quote: p });
    }
    let valid_until = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("bad date")?;
    let proposal = Proposal {
        customer: "Acme Corp".into(),
        options: priced,
        term_months: 36,
        payment_terms_days: 45,
        valid_until,
    };
    println!("\n{}", proposal.to_markdown());

    let win_curve = |d: f64| (0.25 + 1.8 * d).min(0.9);
    let (max, step, floor) = ("40%".parse()?, "0.5%".parse()?, "42%".parse()?);
    let best = optimise_discount(usd(1_000_000), usd(400_000), win_curve, max, step, floor)?;
    let (d, p, m) = (best.discount, best.win_probability, best.expected_margin);
    println!("best discount {d:.1}: P(win) {p:.2}, expected margin ${m:.0}");
    Ok(())
}
