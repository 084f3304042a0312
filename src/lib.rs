//! # revops
//!
//! Pure, I/O-free engines for SaaS revenue operations. Callers pass data in and get typed results
//! out; nothing here reads a clock, a file, the network or a global. Storage and integrations
//! (CRM, billing, ERP, FX feeds) reach the engines through traits the caller implements.
//!
//! ## Module map
//!
//! In layer order: engines depend downward only, and `coordinator` sits on top, reading every
//! engine's output.
//!
//! | layer | module | what lives there |
//! |---|---|---|
//! | bottom: shared by every engine | [`money`] | [`Currency`] (ISO 4217 with minor units), [`Money`] (exact `Decimal` + currency), checked arithmetic, rounding, largest-remainder allocation, the [`FxRates`] port and conversion |
//! |  | [`calendar`] | [`Month`], [`Quarter`], fiscal years, half-open [`Period`]s, proration, day counts, anniversary stepping with month-end anchoring |
//! |  | [`limits`] | the documented maximum of every count a caller passes that sizes memory or work |
//! |  | [`stats`] | numerics shared by engines: logistic regression (L2, Newton), Platt and isotonic calibration, AUC, Brier, log-loss, reliability, Nelder–Mead |
//! |  | [`rules`] | conditions over named signals, shared by playbooks and alerts |
//! |  | [`rows`] | flat rows from CSV or JSON into validated values, with errors that name the row |
//! |  | [`ledger`] | journal entries (signed lines that must balance), the [`LedgerSink`] port, an in-memory ledger |
//! | engines: read the bottom layer (billing also reads revrec's schedules, sales acquisition's deals) | [`pricing`] | price models (flat, per unit, package, graduated, volume), price book, quotes with a waterfall, discount schedules, approvals, margin guard, Van Westendorp, Gabor-Granger, elasticity, discount optimisation, proposals |
//! |  | [`revrec`] | ASC 606: contracts, performance obligations, SSP allocation (relative, residual, targeted discounts), variable consideration with the constraint, schedules by cumulative rounding, modifications, deferred revenue rollforward and waterfall, journal entries |
//! |  | [`billing`] | contract lifecycle, billing schedules (advance/arrears, anniversary/calendar), invoices with per-line rounding and a caller's tax engine, proration, credit notes, payments and customer balances, AR aging, DSO, dunning, realised FX, reconciliation with revenue, quote-to-cash cycle time |
//! |  | [`arr`] | subscription events → MRR/ARR per customer and period under explicit policies, movements (new, expansion, contraction, churn, reactivation) with FX kept apart, bridges that tie, NRR/GRR, churn, quick ratio, unit economics, cohorts, velocity, milestone tracking, growth signals |
//! |  | `stripe` (feature `stripe`) | Stripe subscription and invoice webhook events mapped to [`arr`] events, event ids carried through |
//! |  | [`retention`] | shifted-beta-geometric cohorts, Kaplan–Meier with Greenwood intervals and log-rank, BG/NBD and Gamma-Gamma with CLV, per-account churn risk with calibration, factors and rules |
//! |  | [`acquisition`] | ICP fit and time-decayed intent scores, grades, deal win probability (L2 logistic, calibrated, explained), sales velocity, competitive and strategic-account views |
//! |  | [`expansion`] | co-ownership association rules, recommendations with cold start, whitespace, cross-sell/seat/tier opportunities with propensity and reasons, playbooks as data, campaigns with holdout lift, NRR planning |
//! |  | [`forecast`] | ETS with AutoETS by AICc and prediction intervals, accuracy metrics and backtests, pipeline categories and Monte Carlo, milestone ETA |
//! |  | [`sales`] | quota, ramp and attainment, commission statements (bands, caps, SPIFs, clawbacks, split credit) that tie, LPT territory balancing, rep analytics |
//! | top: reads every engine, and none reads it | [`coordinator`] | integration ports (CRM, billing, ledger, FX, costs) with in-memory implementations, integration health, alert rules, the executive snapshot (terminal and Markdown), and a seeded demo company |
//!
//! ## Conventions
//!
//! - **Money is never `f64`.** Amounts are [`rust_decimal::Decimal`]; rounding to a currency's minor
//!   unit happens once, at a stated place, with a stated [`RoundingStrategy`] (banker's by default).
//!   Sums that must tie (allocations, schedules, invoices) tie exactly, by construction.
//! - **No panics on caller input.** Public functions validate and return [`Result`]; bad input
//!   gets a typed error that says which input was wrong and why. Counts that size memory or work
//!   have documented maxima ([`limits`]); decimal arithmetic on caller amounts is checked, and a
//!   result `Decimal` could only hold rounded is an error, not a quietly different figure.
//! - **A value that exists is a valid value.** Types whose fields must agree have private fields
//!   and checked constructors, and their `Deserialize` goes through the same checks: JSON cannot
//!   build a reversed [`Period`], a month 13 or a negative price. A key a type does not know is
//!   refused, not skipped, so a misspelt optional field or a unit the type does not have
//!   (`"unit": "cents"`) is an error rather than a quietly different value (Stripe's payloads,
//!   which carry far more than the crate reads, are the one exception).
//! - **All or nothing.** A state-changing operation checks everything first, then changes state:
//!   an `Err` leaves the receiver exactly as it was.
//! - **One exact percent.** Discounts, margins, thresholds, tax rates and probabilities that gate
//!   money are [`Percent`]s, compared exactly; `f64` lives only inside
//!   statistical models.
//! - **Time and randomness are arguments.** Functions take an `as_of` date or a period, and a seed
//!   or an `&mut impl Rng`.
//! - **Policies are explicit.** Where practice differs, an enum with a documented default decides.
//!
//! ## Example
//!
//! ```
//! use revops::prelude::*;
//! use rust_decimal::Decimal;
//!
//! // A $1,000.00 contract split over three obligations by their standalone selling prices.
//! let price = Money::parse("1000.00", Currency::USD)?;
//! let ssp = [Decimal::from(600), Decimal::from(300), Decimal::from(300)];
//! let parts = price.allocate(&ssp)?;
//! assert_eq!(Money::sum(Currency::USD, parts.iter().copied())?, price); // ties to the cent
//! # Ok::<(), revops::Error>(())
//! ```
#![deny(missing_docs)]
// Every fallible function says how it fails, and every panic is documented (there should be none).
#![warn(clippy::missing_errors_doc, clippy::missing_panics_doc)]
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

pub mod acquisition;
pub mod arr;
pub mod billing;
pub mod calendar;
pub mod coordinator;
mod error;
pub mod expansion;
pub mod forecast;
pub mod ledger;
pub mod limits;
pub mod money;
pub mod pricing;
pub mod retention;
pub mod revrec;
pub mod rows;
pub mod rules;
pub mod sales;
pub mod stats;
#[cfg(feature = "stripe")]
pub mod stripe;
mod unique;

/// The `chrono` this crate is built with: dates in its API are `chrono::NaiveDate`.
pub use chrono;
/// The `rand` this crate is built with: simulations take a seed or a `rand::Rng`.
pub use rand;
/// The `rust_decimal` this crate is built with: amounts are `rust_decimal::Decimal`.
pub use rust_decimal;

pub use calendar::{AnchorPolicy, FiscalCalendar, Month, Period, Quarter};
pub use error::{Error, Result};
pub use money::{Currency, FxRates, Money, MoneyError, Percent, RoundingStrategy};

// The main type of each engine, flat at the root (`revops::ArrBook`); everything else stays in
// its module, where the module's docs explain it.
pub use acquisition::IdealCustomerProfile;
pub use arr::{ArrBook, ArrBridge, ArrPolicy, Movements, SubscriptionEvent};
pub use billing::{ArLedger, Invoice, Receivable};
pub use coordinator::{ExecutiveSnapshot, SnapshotConfig};
pub use forecast::{AutoEts, Ensemble, EtsSpec, Prediction};
pub use ledger::{JournalEntry, LedgerSink};
pub use pricing::{PriceBook, PricedQuote, Quote};
pub use retention::{BgNbd, GammaGamma, KaplanMeier, ShiftedBetaGeometric};
pub use revrec::{Contract, ContractSchedule};
pub use stats::{LogisticModel, LogisticSpec};

/// The types most callers need, in one import: `use revops::prelude::*;`.
pub mod prelude {
    pub use crate::calendar::{
        add_months_anchored, AnchorPolicy, Anniversaries, FiscalCalendar, Month, Period, Quarter,
    };
    pub use crate::money::{convert, Currency, FxRates, InMemoryFxRates, Money, Percent, RoundingStrategy};
    pub use crate::{Error, Result};
}

/// The README's example, compiled and run as a doctest so that it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
