//! No panics in billing: invoices, credit notes, payments, receivables, aging, dunning.

#[allow(unused_imports)]
use super::*;
