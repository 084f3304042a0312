//! Getting data in, still without I/O: flat row types that serde reads from CSV or JSON (the
//! caller's reader does the reading), turned into validated values with errors that name the
//! row. Each engine keeps its own row types beside its values ([`billing::InvoiceRow`]); this
//! module holds what they share.
//!
//! A column a row type does not know is refused, like a key in any of the crate's JSON: a
//! misspelt optional column would otherwise read as empty. Select the columns a row type names
//! before handing an export with more to the reader. Decimal columns are parsed from their
//! text, exactly: a reader that infers types would hand `99999999999999.99` over as a binary
//! float (and in JSON rows a number is refused for the same reason: write amounts as strings).
//!
//! [`billing::InvoiceRow`]: crate::billing::InvoiceRow

/// A row that could not become a value: its number (from 1, as a spreadsheet counts data rows)
/// and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("row {row}: {error}")]
pub struct RowError {
    /// The row, from 1.
    pub row: usize,
    /// What was wrong with it.
    pub error: Box<crate::Error>,
}

impl RowError {
    /// The error `e` on row `index` (counted from 0 in the slice, reported from 1).
    pub(crate) fn at(index: usize, e: impl Into<crate::Error>) -> RowError {
        RowError { row: index.saturating_add(1), error: Box::new(e.into()) }
    }
}
