//! Calendar: months, quarters, fiscal years, half-open periods, proration, and anniversary
//! stepping with month-end anchoring.
//!
//! Every range here is half-open, `[start, end)`: a month is `[Mar 1, Apr 1)`, so adjacent
//! periods share no day and day counts are plain subtraction.

mod anchor;
mod error;
mod fiscal;
mod month;
mod period;

pub use anchor::{add_months_anchored, AnchorPolicy, Anniversaries};
pub use error::CalendarError;
pub use fiscal::{FiscalCalendar, FiscalQuarter, FiscalYear, FiscalYearLabel};
pub use month::{Month, Quarter};
pub use period::{DayCount, Period};
