//! Integration health from the sync results the caller reports.

use chrono::NaiveDateTime;

use super::CoordinatorError;

/// One sync attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SyncResult {
    /// Integration name ("salesforce", "stripe", "netsuite", "fx").
    pub integration: String,
    /// When it ran.
    pub at: NaiveDateTime,
    /// Whether it succeeded.
    pub ok: bool,
    /// Records synced.
    pub records: u64,
}

/// Health of an integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum HealthState {
    /// Fresh and succeeding.
    Healthy,
    /// Stale, or failing sometimes.
    Degraded,
    /// Failing most of the time, or never succeeded.
    Down,
}

/// Thresholds for health.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct HealthPolicy {
    /// Minutes since the last success after which data is stale: data older than that by a
    /// second is stale (the age is compared to the second, not cut to whole minutes first).
    pub stale_after_minutes: i64,
    /// Failure rate (over the window) at which the integration is degraded.
    pub degraded_failure_rate: f64,
    /// Failure rate at which it is down.
    pub down_failure_rate: f64,
    /// Most recent attempts considered.
    pub window: usize,
}

impl Default for HealthPolicy {
    /// Stale after 2 hours; degraded at 20% failures, down at 50%, over the last 20 attempts.
    fn default() -> Self {
        HealthPolicy { stale_after_minutes: 120, degraded_failure_rate: 0.2, down_failure_rate: 0.5, window: 20 }
    }
}

/// An integration's health with the reasons for it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct IntegrationHealth {
    /// Name.
    pub integration: String,
    /// State.
    pub state: HealthState,
    /// Last success.
    pub last_success: Option<NaiveDateTime>,
    /// Whole minutes since the last success (rounded down).
    pub lag_minutes: Option<i64>,
    /// Failure rate over the window (1 when no attempt has been made yet).
    pub failure_rate: f64,
    /// Records in the last successful sync.
    pub last_records: u64,
    /// Why it is not healthy, for a person: "no successful sync", "last successful sync 5 hours
    /// ago (stale after 2 hours)", "7 of the last 20 syncs failed".
    pub reasons: Vec<String>,
}

impl HealthPolicy {
    /// Check the thresholds: a non-negative staleness, failure rates with
    /// `0 ≤ degraded ≤ down ≤ 1` (a NaN rate would silently never fire), and a window of at least
    /// one attempt.
    ///
    /// # Errors
    /// [`CoordinatorError::InvalidHealthPolicy`] saying which threshold is wrong.
    pub fn validate(&self) -> Result<(), CoordinatorError> {
        let bad = |why: &str| Err(CoordinatorError::InvalidHealthPolicy(why.to_string()));
        let rate = |r: f64| (0.0..=1.0).contains(&r);
        if self.stale_after_minutes < 0 {
            return bad("stale_after_minutes is negative");
        }
        if !rate(self.degraded_failure_rate) || !rate(self.down_failure_rate) {
            return bad("failure rates must be between 0 and 1");
        }
        if self.degraded_failure_rate > self.down_failure_rate {
            return bad("degraded_failure_rate is above down_failure_rate");
        }
        if self.window == 0 {
            return bad("window must hold at least one attempt");
        }
        Ok(())
    }
}

/// Health per integration (sorted by name) as of `now`.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::coordinator::{integration_health, HealthPolicy, HealthState, SyncResult};
/// let at = |h| NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap();
/// let runs = [SyncResult { integration: "stripe".into(), at: at(9), ok: true, records: 120 }];
/// let health = integration_health(&runs, at(10), &HealthPolicy::default())?;
/// assert_eq!(health[0].state, HealthState::Healthy);
/// let nan = HealthPolicy { down_failure_rate: f64::NAN, ..HealthPolicy::default() };
/// assert!(integration_health(&runs, at(10), &nan).is_err());
/// # Ok::<(), revops::coordinator::CoordinatorError>(())
/// ```
///
/// A result delivered twice (the same integration, moment, outcome and records) counts once.
/// The health reads, of each integration, the results at or before `now`: the latest `window`
/// of them and the last success. Results after `now` are not read, nor are older ones beyond
/// the window and the last success.
///
/// # Errors
/// An invalid policy ([`HealthPolicy::validate`]); two different results of one integration at
/// one moment the health reads, in the window or at the last success
/// ([`CoordinatorError::ConflictingSync`]: they cannot both be the sync of that moment).
pub fn integration_health(
    results: &[SyncResult],
    now: NaiveDateTime,
    policy: &HealthPolicy,
) -> Result<Vec<IntegrationHealth>, CoordinatorError> {
    policy.validate()?;
    let mut names: Vec<&str> = results.iter().map(|r| r.integration.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let mut runs: Vec<&SyncResult> = results.iter().filter(|r| r.integration == name && r.at <= now).collect();
            // by moment, and within one by content, so a result delivered twice is adjacent to
            // itself and counts once
            runs.sort_by(|a, b| a.at.cmp(&b.at).then(a.ok.cmp(&b.ok)).then(a.records.cmp(&b.records)));
            runs.dedup();
            let window: Vec<&&SyncResult> = runs.iter().rev().take(policy.window).collect();
            let last_ok = runs.iter().rev().find(|r| r.ok);
            // what is left at one moment is two different results: refused where it is read
            let oldest_read = window.last().map(|r| r.at);
            let conflict = runs
                .windows(2)
                .filter(|w| w[0].at == w[1].at)
                .map(|w| w[0].at)
                .find(|t| oldest_read.is_some_and(|oldest| *t >= oldest) || last_ok.is_some_and(|r| r.at == *t));
            if let Some(at) = conflict {
                return Err(CoordinatorError::ConflictingSync { integration: name.to_string(), at });
            }
            let failures = window.iter().filter(|r| !r.ok).count();
            let failure_rate = if window.is_empty() { 1.0 } else { failures as f64 / window.len() as f64 };
            // the age to the second: stale once it is past the limit, not only once its whole
            // minutes are (a limit beyond any duration is never passed)
            let age = last_ok.map(|r| now - r.at);
            let lag = age.map(|a| a.num_minutes());
            let limit = chrono::TimeDelta::try_minutes(policy.stale_after_minutes);
            let mut reasons = Vec::new();
            let mut state = HealthState::Healthy;
            match (age, lag) {
                (Some(a), Some(l)) if limit.is_some_and(|limit| a > limit) => {
                    state = state.max(HealthState::Degraded);
                    let over = if a > chrono::TimeDelta::minutes(l) { "over " } else { "" };
                    reasons.push(format!(
                        "last successful sync {over}{} ago (stale after {})",
                        duration(l),
                        duration(policy.stale_after_minutes)
                    ));
                }
                (Some(_), _) => {}
                (None, _) => {
                    state = HealthState::Down;
                    reasons.push("no successful sync".to_string());
                }
            }
            // with no attempt yet, down for want of a success (above): no share of failures
            // counted, not a rounded percent, which could read as the very limit it is below
            // (true of the syncs it counts even at a limit of 0, which a window with no failure meets)
            let share = || match (failures, window.len()) {
                (1, 1) => "the last sync failed".to_string(),
                (0, 1) => "the last sync did not fail".to_string(),
                (0, n) => format!("none of the last {n} syncs failed"),
                (f, n) => format!("{f} of the last {n} syncs failed"),
            };
            if !window.is_empty() && failure_rate >= policy.down_failure_rate {
                state = HealthState::Down;
                reasons.push(share());
            } else if !window.is_empty() && failure_rate >= policy.degraded_failure_rate {
                state = state.max(HealthState::Degraded);
                reasons.push(share());
            }
            Ok(IntegrationHealth {
                integration: name.to_string(),
                state,
                last_success: last_ok.map(|r| r.at),
                lag_minutes: lag,
                failure_rate,
                last_records: last_ok.map_or(0, |r| r.records),
                reasons,
            })
        })
        .collect()
}

/// Minutes as a person says them, exactly: "45 minutes", "5 hours", "2 hours 30 minutes",
/// "3 days", "2 days 3 hours" (whole days from two days on; a part that is zero is left out, so
/// neither an age nor the limit it is held against reads shorter than it is).
fn duration(minutes: i64) -> String {
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    if minutes < 60 {
        return plural(minutes, "minute");
    }
    let days = if minutes < 2_880 { 0 } else { minutes / 1_440 };
    let (hours, mins) = ((minutes - days * 1_440) / 60, minutes % 60);
    [(days, "day"), (hours, "hour"), (mins, "minute")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| plural(n, unit))
        .collect::<Vec<_>>()
        .join(" ")
}
