//! Expansion: find the next dollar in the installed base and say what to do about it.
//!
//! - [`CoOwnership`] learns who owns what: association rules (support, confidence, lift),
//!   recommendations with a segment-popularity cold start, and whitespace against peers.
//! - [`ExpansionScorer`] turns an account into cross-sell, seat-upsell and tier-upgrade
//!   opportunities with `expected ARR = propensity × potential` and a reason for each.
//! - [`run_playbooks`] evaluates playbooks as data; [`Campaign`] measures lift against a holdout;
//!   [`plan_nrr`] sizes the expansion a target NRR needs.

mod affinity;
mod campaign;
mod catalog;
mod error;
mod nrr;
mod opportunity;
mod playbook;

pub use affinity::{AssociationRule, Basis, CoOwnership, Recommendation};
pub use campaign::{Campaign, CampaignResults};
pub use catalog::{Account, Catalog, Product, ProductSet, Tier};
pub use error::ExpansionError;
pub use nrr::{plan_nrr, NrrPlan};
pub use opportunity::{
    ExpansionOpportunity, ExpansionReason, ExpansionScorer, OpportunityKind, Propensity, PropensityRule,
};
pub use playbook::{run_playbooks, Action, PlannedAction, Playbook};
