//! The main job: generate the seeded demo company (about $800M ARR, 280 Fortune 500 customers,
//! thousands of accounts, deals, contracts and invoices) in memory, run every engine over it,
//! print the executive dashboard, and write an SVG of ARR history with the forecast and its
//! prediction interval toward $1B, plus the Markdown report, under `target/`.
//!
//! Run: `cargo run --release --example executive_dashboard`

use std::time::Instant;

use revops::coordinator::demo::DemoCompany;
use revops::coordinator::{AlertState, ExecutiveSnapshot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let company = DemoCompany::generate(42)?;
    let book = company.arr_book()?;
    let config = company.config();
    let sources = company.sources(&book);
    let snapshot = ExecutiveSnapshot::build(company.as_of, sources, &config, &mut AlertState::default())?;
    let elapsed = started.elapsed();

    println!("{}", snapshot.to_terminal());
    println!(
        "demo company: {} accounts, {} subscription events, {} new-logo contracts with {} invoices, {} pipeline deals — built and analysed in {:.0} ms",
        company.accounts.len(),
        company.events.len(),
        company.bookings.len(),
        company.bookings.iter().map(|b| b.invoices.len()).sum::<usize>(),
        company.pipeline.len(),
        elapsed.as_secs_f64() * 1e3
    );

    std::fs::create_dir_all("target")?;
    std::fs::write("target/executive_dashboard.svg", snapshot.to_svg())?;
    std::fs::write("target/executive_dashboard.md", snapshot.to_markdown())?;
    println!("wrote target/executive_dashboard.svg and target/executive_dashboard.md");
    Ok(())
}
