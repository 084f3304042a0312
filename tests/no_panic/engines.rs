//! No panics in the statistical engines: forecast, retention, stats, acquisition scoring, expansion, sales, arr metrics.

#[allow(unused_imports)]
use super::*;
