use chrono::NaiveDate;

use super::BillingError;

/// Where a contract is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ContractState {
    /// Being negotiated.
    Draft,
    /// Signed, not yet started.
    Signed,
    /// In service.
    Active,
    /// Renewed for another term; becomes active again when that term starts.
    Renewed,
    /// Ended at term without renewal (final).
    Expired,
    /// Ended early (final).
    Cancelled,
}

impl ContractState {
    /// The states this one may move to.
    pub fn successors(self) -> &'static [ContractState] {
        use ContractState::*;
        match self {
            Draft => &[Signed, Cancelled],
            Signed => &[Active, Cancelled],
            Active => &[Renewed, Expired, Cancelled],
            Renewed => &[Active, Expired, Cancelled],
            Expired | Cancelled => &[],
        }
    }

    /// True for `Expired` and `Cancelled`.
    pub fn is_final(self) -> bool {
        self.successors().is_empty()
    }
}

/// A contract's lifecycle: the current state and every transition with the date the caller
/// recorded for it. The history starts with `Draft`, every step is a transition the state
/// machine allows, and dates never go backwards (checked on the way in from JSON too).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::billing::{ContractLifecycle, ContractState};
/// let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
/// let mut c = ContractLifecycle::new(day(1));
/// c.transition(ContractState::Signed, day(5))?;
/// c.transition(ContractState::Active, day(10))?;
/// assert!(c.transition(ContractState::Draft, day(11)).is_err()); // names both states
/// assert_eq!(c.entered(ContractState::Active), Some(day(10)));
/// # Ok::<(), revops::billing::BillingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ContractLifecycleRepr"))]
pub struct ContractLifecycle {
    history: Vec<(ContractState, NaiveDate)>,
}

deserialize_via!(
    ContractLifecycle,
    ContractLifecycleRepr { history: Vec<(ContractState, NaiveDate)> },
    BillingError,
    |r| ContractLifecycle::from_history(r.history)
);

impl ContractLifecycle {
    /// A draft created on `created`.
    pub fn new(created: NaiveDate) -> ContractLifecycle {
        ContractLifecycle { history: vec![(ContractState::Draft, created)] }
    }

    /// A lifecycle replayed from a recorded history (oldest first).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ContractLifecycle, ContractState};
    /// let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    /// let c = ContractLifecycle::from_history(vec![(ContractState::Draft, day(1)), (ContractState::Signed, day(5))])?;
    /// assert_eq!(c.state(), ContractState::Signed);
    /// assert!(ContractLifecycle::from_history(vec![(ContractState::Active, day(1))]).is_err());
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// [`BillingError::LifecycleStart`] for a history that is empty or does not start as
    /// `Draft`; then as [`ContractLifecycle::transition`] for each later step.
    pub fn from_history(history: Vec<(ContractState, NaiveDate)>) -> Result<ContractLifecycle, BillingError> {
        let mut steps = history.into_iter();
        let mut lifecycle = match steps.next() {
            Some((ContractState::Draft, created)) => ContractLifecycle::new(created),
            first => return Err(BillingError::LifecycleStart { first: first.map(|(s, _)| s) }),
        };
        for (state, on) in steps {
            lifecycle.transition(state, on)?;
        }
        Ok(lifecycle)
    }

    /// The current state.
    pub fn state(&self) -> ContractState {
        self.history.last().map_or(ContractState::Draft, |(s, _)| *s)
    }

    /// Every state entered, with its date, oldest first.
    pub fn history(&self) -> &[(ContractState, NaiveDate)] {
        &self.history
    }

    /// When the contract first entered `state`.
    pub fn entered(&self, state: ContractState) -> Option<NaiveDate> {
        self.history.iter().find(|(s, _)| *s == state).map(|(_, d)| *d)
    }

    /// Move to `to` on `on`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::billing::{ContractLifecycle, ContractState};
    /// let d = |m| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
    /// let mut c = ContractLifecycle::new(d(1));
    /// c.transition(ContractState::Signed, d(2))?;
    /// c.transition(ContractState::Active, d(3))?;
    /// assert!(c.transition(ContractState::Draft, d(4)).is_err()); // no way back
    /// assert_eq!((c.state(), c.entered(ContractState::Signed)), (ContractState::Active, Some(d(2))));
    /// # Ok::<(), revops::billing::BillingError>(())
    /// ```
    ///
    /// # Errors
    /// [`BillingError::InvalidTransition`] for a move the state machine does not allow;
    /// [`BillingError::EventOutOfOrder`] for a date before the last event. The lifecycle is
    /// unchanged on either.
    pub fn transition(&mut self, to: ContractState, on: NaiveDate) -> Result<(), BillingError> {
        let from = self.state();
        if !from.successors().contains(&to) {
            return Err(BillingError::InvalidTransition { from, to });
        }
        if let Some((_, previous)) = self.history.last() {
            if on < *previous {
                return Err(BillingError::EventOutOfOrder { date: on, previous: *previous });
            }
        }
        self.history.push((to, on));
        Ok(())
    }
}
