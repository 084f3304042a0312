//! No panics in pricing: price models, discount schedules, quotes, approvals.

#[allow(unused_imports)]
use super::*;
