//! No panics in money and calendar.

#[allow(unused_imports)]
use super::*;
