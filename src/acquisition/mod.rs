//! New-logo acquisition: which prospects and deals deserve the team's time, with reasons a seller
//! can read.
//!
//! - [`IdealCustomerProfile::fit`] scores firmographics 0–100 with each criterion's points.
//! - [`IntentModel::intent`] scores time-decayed buying signals 0–100.
//! - [`Grade`] and [`prioritise`] combine them (A1 … D4).
//! - [`WinModelSpec::fit`] learns deal win probability from closed history (refusing thin
//!   history), calibrates it on a holdout and reports AUC, Brier, log-loss and reliability;
//!   [`WinModel::explain`] gives the top reasons in log-odds. Probability and rank are separate:
//!   see [`percentile_ranks`].
//! - [`sales_velocity`], [`cycle_lengths`], [`competitive_analysis`], [`strategic_view`].

mod error;
mod grade;
mod icp;
mod intent;
mod pipeline;
mod rows;
mod win;

pub use error::{AcquisitionError, DealProblem};
pub use grade::{prioritise, Grade, Prioritised};
pub use icp::{Criterion, Firmographics, FitScore, IdealCustomerProfile, WeightedCriterion};
pub use intent::{IntentModel, IntentScore, Signal, SignalKind, SignalWeight};
pub use pipeline::{
    competitive_analysis, cycle_lengths, sales_velocity, strategic_view, CompetitorStats, CycleLengths, Opportunity,
    SegmentVelocity, Stage, StrategicView,
};
pub use rows::{deals_from_rows, DealRow};
pub use win::{
    percentile_ranks, CalibrationMethod, Calibrator, ExplainedScore, HoldoutReport, Reason, WinModel, WinModelSpec,
};
