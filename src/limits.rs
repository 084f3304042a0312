//! The largest count a caller may pass where a count sizes memory or work: parts of a split,
//! forecast horizons, Monte Carlo trials, bins, seasonal periods. A count above its limit is a
//! [`LimitExceeded`] error, never an allocation that aborts the process or an index that
//! overflows. The limits are far above any real use and far below what would exhaust memory.
//!
//! ```
//! use revops::{Currency, Money};
//! let hundred = Money::parse("100", Currency::USD)?;
//! assert!(hundred.split(3).is_ok());
//! assert!(hundred.split(usize::MAX).is_err()); // an error, not an abort
//! # Ok::<(), revops::MoneyError>(())
//! ```

/// Parts of a money split ([`Money::split`](crate::Money::split)) or any allocation sized by a count.
pub const MAX_PARTS: usize = 1_000_000;
/// Steps ahead in a forecast or simulation.
pub const MAX_HORIZON: usize = 100_000;
/// Monte Carlo trials or simulated paths in one call.
pub const MAX_TRIALS: usize = 10_000_000;
/// A seasonal period (12 for monthly data, 4 for quarterly, up to 366 for days in a year).
pub const MAX_SEASON: usize = 366;
/// Bins, buckets, folds, top-k and similar counts that size a result.
pub const MAX_COUNT: usize = 10_000_000;

/// A count above its documented limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{what} of {requested} is above the limit of {max}")]
pub struct LimitExceeded {
    /// What was counted.
    pub what: &'static str,
    /// The count asked for.
    pub requested: u128,
    /// The limit.
    pub max: usize,
}

/// `requested` when it is at most `max`, as a `usize`.
pub(crate) fn check(
    what: &'static str,
    requested: impl TryInto<u128> + Copy,
    max: usize,
) -> Result<usize, LimitExceeded> {
    let asked: u128 = requested.try_into().unwrap_or(u128::MAX);
    if asked > max as u128 {
        return Err(LimitExceeded { what, requested: asked, max });
    }
    Ok(asked as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_above_the_limit_are_refused() {
        assert_eq!(check("parts", 3usize, MAX_PARTS), Ok(3));
        assert_eq!(check("parts", MAX_PARTS, MAX_PARTS), Ok(MAX_PARTS));
        let e = check("parts", usize::MAX, MAX_PARTS).unwrap_err();
        assert_eq!(e.requested, usize::MAX as u128);
        assert_eq!(e.to_string(), format!("parts of {} is above the limit of {MAX_PARTS}", usize::MAX));
        assert!(check("horizon", u64::MAX, MAX_HORIZON).is_err());
    }
}
