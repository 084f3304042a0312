use chrono::NaiveDate;

/// What went wrong building or stepping a calendar value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A month number outside 1–12.
    #[error("month {0} is not between 1 and 12")]
    InvalidMonth(u32),
    /// A quarter number outside 1–4.
    #[error("quarter {0} is not between 1 and 4")]
    InvalidQuarter(u32),
    /// A year/month/day that is not a date, or a date beyond chrono's range.
    #[error("{year}-{month}-{day} is not a valid date")]
    InvalidDate {
        /// Year.
        year: i32,
        /// Month.
        month: u32,
        /// Day.
        day: u32,
    },
    /// A range whose end is before its start.
    #[error("period end {end} is before its start {start}")]
    ReversedRange {
        /// Start given.
        start: NaiveDate,
        /// End given.
        end: NaiveDate,
    },
    /// A proration or fraction asked of a period with no days.
    #[error("period starting {0} has no days")]
    EmptyPeriod(NaiveDate),
    /// Stepping a date went beyond the supported range.
    #[error("date arithmetic out of range: {0}")]
    OutOfRange(&'static str),
    /// Text that is not the value asked for.
    #[error("{text:?} is not a {what}")]
    Unparsable {
        /// What was expected ("month").
        what: &'static str,
        /// The text given.
        text: String,
    },
    /// An anniversary step of zero months.
    #[error("anniversary step must be at least one month")]
    ZeroStep,
}
