//! Getting invoices in from a billing system's CSV export: `csv` reads the rows, serde turns
//! them into `InvoiceRow`s, and `invoices_from_rows` checks them into invoices, naming the row
//! of anything wrong. The crate does no I/O; the example reads a string where a service would
//! read a file or an HTTP body.
use revops::billing::{invoices_from_rows, ArLedger, InvoiceRow};

const EXPORT: &str = "\
invoice,customer,contract_id,currency,issue_date,due_date,description,quantity,unit_price,net,tax,tax_rate,tax_mode,service_start,service_end
INV-1001,acme,C-1,USD,2026-01-01,2026-01-31,Professional plan,1,20833.33,20833.33,0.00,0%,Exclusive,2026-01-01,2026-02-01
INV-1001,acme,C-1,USD,2026-01-01,2026-01-31,Additional seats,25,75.00,1875.00,0.00,0%,Exclusive,2026-01-01,2026-02-01
INV-1002,globex,C-7,EUR,2026-01-01,2026-01-31,Starter plan,1,3833.33,3833.33,766.67,20%,Exclusive,,
INV-1003,initech,C-9,USD,2026-01-05,2026-01-20,Onboarding,1,-500.00,-500.00,0.00,0%,Exclusive,,
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_reader(EXPORT.as_bytes());
    let rows: Vec<InvoiceRow> = reader.deserialize().collect::<Result<_, _>>()?;

    // The last row is a negative price: refused, with its row number, and nothing half-imported.
    match invoices_from_rows(&rows) {
        Ok(_) => println!("imported everything"),
        Err(e) => println!("refused: {e}"),
    }

    // Fix the export (a credit is a credit note, not a negative line) and import again.
    let invoices = invoices_from_rows(&rows[..3])?;
    let mut ar = ArLedger::new();
    for inv in &invoices {
        ar.add_invoice(inv)?;
        println!(
            "{} {:<8} {:>12} ({} lines)",
            inv.number(),
            inv.customer(),
            inv.total().to_string(),
            inv.lines().len()
        );
    }
    Ok(())
}
