//! No panics in revrec and ledger: contracts, allocation, schedules, modifications, journals.

#[allow(unused_imports)]
use super::*;
