//! Retention and churn models: how long customers stay and who is about to leave.
//!
//! - [`ShiftedBetaGeometric`] — contractual cohorts (Fader & Hardie 2007): fit α, β from a
//!   survivor curve, project survival and retention, DERL and residual value.
//! - [`KaplanMeier`] and [`log_rank`] — survival with right censoring, Greenwood intervals, median.
//! - [`BgNbd`] and [`GammaGamma`] — non-contractual repeat purchases and spend, P(alive),
//!   expected purchases, CLV; [`summarise_transactions`] builds their inputs.
//! - [`ChurnRiskSpec`] — per-account churn probability from caller-named features, calibrated,
//!   with the top factors and playbook rules.
//!
//! Fitting never panics: degenerate data gets a typed [`RetentionError`]: nobody or everybody
//! churned, a cohort that all churned in one period, churned only in the first period, or shows
//! no spread in churn (sBG), or churn risk whose every feature is constant over the training
//! accounts (a constant feature beside a varying one is fine).

mod bgnbd;
mod churn_risk;
mod error;
mod km;
mod sbg;
mod spend;

pub use bgnbd::{BgNbd, BgNbdFit, Rfm};
pub use churn_risk::{ChurnRisk, ChurnRiskModel, ChurnRiskSpec, ChurnRule, Factor, HoldoutMetrics};
pub use error::RetentionError;
pub use km::{log_rank, KaplanMeier, KmStep, LogRank, Subject};
pub use sbg::{log_likelihood as sbg_log_likelihood, SbgFit, ShiftedBetaGeometric};
pub use spend::{
    customer_lifetime_value, summarise_transactions, CustomerRfm, GammaGamma, SpendObservation, Transaction,
};
