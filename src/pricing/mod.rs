//! Pricing and packaging: price any deal the way the best billing and CPQ systems do, and never
//! let a quote below the margin floor through without the right approval.
//!
//! - [`PriceModel`]: flat, per unit, package, graduated and volume tiers (Stripe's semantics),
//!   full precision inside.
//! - [`PriceBook`] with [`PriceBook::demo`]; the [`CostModel`] port.
//! - [`Quote::price`]: a [`Waterfall`] per line that ties to the cent, discount schedules (range
//!   or slab), an [`ApprovalPolicy`] and the margin guard.
//! - [`VanWestendorp`], [`GaborGranger`], [`price_elasticity`]; [`optimise_discount`];
//!   [`Proposal`] rendered to Markdown.

mod book;
mod error;
mod model;
mod optimise;
mod proposal;
mod quote;
mod sensitivity;

pub use book::{BookEntry, CostModel, InMemoryCostModel, PriceBook, ProductKind};
pub use error::PricingError;
pub use model::{Price, PriceModel, Tier, TierProblem, Tiers};
pub use optimise::{optimise_discount, DiscountChoice};
pub use proposal::{step_label, Proposal, ProposalOption};
pub use quote::{
    Approval, ApprovalLevel, ApprovalPolicy, ApprovalRule, DiscountBrackets, DiscountSchedule, GuardAction, PricedLine,
    PricedQuote, Quote, QuoteCondition, QuoteLine, RampStep, ScheduleKind, ScheduleProblem, StepKind, Waterfall,
    INTERMEDIATE_DP,
};
pub use sensitivity::{price_elasticity, Elasticity, GaborGranger, VanWestendorp, VanWestendorpAnswer};
