use super::SalesError;

/// An account to assign.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TerritoryAccount {
    /// Id.
    pub id: String,
    /// Revenue potential.
    pub potential: f64,
    /// Workload (accounts' effort to cover).
    pub workload: f64,
    /// A rep it must stay with.
    pub fixed_rep: Option<String>,
}

/// The assignment and how balanced it is.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TerritoryPlan {
    /// `(account, rep)`.
    pub assignments: Vec<(String, String)>,
    /// `(rep, potential, workload, combined load)`.
    pub loads: Vec<(String, f64, f64, f64)>,
    /// Largest combined load ÷ mean.
    pub imbalance: f64,
    /// A guarantee the largest combined load never exceeds, computed from the inputs alone
    /// (Graham's list-scheduling bound, which LPT meets): with `m` reps,
    /// `max(largest fixed load, mean load + (1 − 1/m) × largest movable account)`, widened by
    /// the floating-point rounding of the sums (a relative `4 (n + m + 4) ε` for `n` accounts)
    /// after adding that much for ties (loads that close, relative to their size, count as
    /// equal, see [`balance_territories`]; a load is at most 1).
    ///
    /// Why it holds: the rep with the largest load either holds fixed accounts only, or last
    /// received a movable account `j` while it was (within a tie of) the least loaded, so its load
    /// was then at most `(total − j) / m` (plus the tie), and it ends at most
    /// `total / m + (1 − 1/m) × j` (plus the tie). (LPT's `4/3 − 1/(3m)`
    /// factor bounds the load against the *optimum*, which is not known, and not against the mean
    /// or largest account: five equal accounts on two reps end 0.6 against a mean of 0.5.)
    pub bound: f64,
}

/// Assign accounts to reps, balancing a combined load
/// `w × potential share + (1 − w) × workload share`: fixed accounts first, then the rest
/// largest-first to the least-loaded rep (Graham's LPT). Deterministic: ties go to the earlier
/// account id and the earlier rep (in `reps`), and the plan is the same whatever order the
/// accounts come in. Loads are `f64` sums, so a load within a relative `4 (n + m + 4) ε` of the
/// least (the most rounding can move a sum of `n` accounts over `m` reps) counts as tied with
/// it: equal loads added up differently (`0.1 + 0.2` against `0.3`) are still a tie, while a
/// rep holding any load is not tied with one at 0.
///
/// ```
/// use revops::sales::{balance_territories, TerritoryAccount};
/// let accounts: Vec<TerritoryAccount> = (0..30)
///     .map(|i| TerritoryAccount { id: format!("a{i:02}"), potential: f64::from(i % 9 + 1), workload: 1.0, fixed_rep: None })
///     .collect();
/// let reps = vec!["ann".to_string(), "bob".to_string(), "cy".to_string()];
/// let plan = balance_territories(&accounts, &reps, 0.5)?;
/// assert!(plan.imbalance < 1.1);
/// # Ok::<(), revops::sales::SalesError>(())
/// ```
///
/// # Errors
///
/// [`SalesError::NoReps`]; [`SalesError::RepeatedRep`] and [`SalesError::RepeatedAccount`] for
/// a rep or an account id given more than once;
/// [`SalesError::PotentialWeight`] outside `[0, 1]`;
/// [`SalesError::InvalidLoad`] for an account whose potential or workload is negative, NaN or
/// infinite; [`SalesError::LoadOverflow`] when their totals overflow; [`SalesError::UnknownRep`]
/// for an account fixed to a rep not in `reps`.
pub fn balance_territories(
    accounts: &[TerritoryAccount],
    reps: &[String],
    potential_weight: f64,
) -> Result<TerritoryPlan, SalesError> {
    if reps.is_empty() {
        return Err(SalesError::NoReps);
    }
    let mut named = std::collections::HashSet::new();
    if let Some(rep) = reps.iter().find(|r| !named.insert(r.as_str())) {
        return Err(SalesError::RepeatedRep(rep.clone()));
    }
    let mut ids = std::collections::HashSet::new();
    if let Some(a) = accounts.iter().find(|a| !ids.insert(a.id.as_str())) {
        return Err(SalesError::RepeatedAccount(a.id.clone()));
    }
    if !(0.0..=1.0).contains(&potential_weight) {
        return Err(SalesError::PotentialWeight(potential_weight));
    }
    let finite = |x: f64| x.is_finite() && x >= 0.0;
    if let Some(a) = accounts.iter().find(|a| !(finite(a.potential) && finite(a.workload))) {
        return Err(SalesError::InvalidLoad { account: a.id.clone() });
    }
    // one order, by id (each given once), for every sum: floating-point sums depend on the order
    // they are added in, and the plan must not depend on the order the accounts come in
    let mut by_id: Vec<&TerritoryAccount> = accounts.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let total_p: f64 = by_id.iter().map(|a| a.potential).sum::<f64>().max(f64::MIN_POSITIVE);
    let total_w: f64 = by_id.iter().map(|a| a.workload).sum::<f64>().max(f64::MIN_POSITIVE);
    if !(total_p.is_finite() && total_w.is_finite()) {
        return Err(SalesError::LoadOverflow);
    }
    let score = |a: &TerritoryAccount| {
        potential_weight * a.potential / total_p + (1.0 - potential_weight) * a.workload / total_w
    };
    let mut loads: Vec<(String, f64, f64, f64)> = reps.iter().map(|r| (r.clone(), 0.0, 0.0, 0.0)).collect();
    let mut assignments = Vec::with_capacity(accounts.len());
    let mut fixed_load = 0.0f64;
    let add = |loads: &mut Vec<(String, f64, f64, f64)>, i: usize, a: &TerritoryAccount| {
        loads[i].1 += a.potential;
        loads[i].2 += a.workload;
        loads[i].3 += score(a);
    };
    for a in by_id.iter().filter(|a| a.fixed_rep.is_some()) {
        let rep = a.fixed_rep.as_deref().unwrap_or_default();
        let i = reps
            .iter()
            .position(|r| r == rep)
            .ok_or_else(|| SalesError::UnknownRep { account: a.id.clone(), rep: rep.to_string() })?;
        add(&mut loads, i, a);
        fixed_load = fixed_load.max(loads[i].3);
        assignments.push((a.id.clone(), rep.to_string()));
    }
    let mut movable: Vec<&TerritoryAccount> = by_id.iter().copied().filter(|a| a.fixed_rep.is_none()).collect();
    movable.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.id.cmp(&b.id)));
    let largest = movable.first().map_or(0.0, |a| score(a));
    let m = reps.len() as f64;
    // every load, and the mean, is a sum of at most n + m non-negative floats: each off by at most
    // a relative (n + m)·ε from the exact sum, and the bound's own two operations a few ε more
    let rounding = 4.0 * (accounts.len() as f64 + m + 4.0) * f64::EPSILON;
    for a in &movable {
        // a load is off its exact value by at most a relative `rounding`, so a load within that
        // (relative to itself) of the least may be an equal load summed differently: a tie, which
        // goes to the earlier rep. Relative, not absolute: a load far below the whole rounds far
        // below `rounding`, and a rep at 0 is not tied with one holding accounts.
        let least = loads.iter().map(|l| l.3).fold(f64::INFINITY, f64::min);
        let i = loads.iter().position(|l| l.3 - least <= rounding * l.3).unwrap_or(0);
        add(&mut loads, i, a);
        assignments.push((a.id.clone(), reps[i].clone()));
    }
    let mean = loads.iter().map(|l| l.3).sum::<f64>() / m;
    let max = loads.iter().map(|l| l.3).fold(0.0, f64::max);
    // (a tie may give an account to a rep up to a relative `rounding` above the least loaded,
    // so at most `rounding` in all, a load being a share of a whole of at most 1)
    let bound = (fixed_load.max(mean + (1.0 - 1.0 / m) * largest) + rounding) * (1.0 + rounding);
    Ok(TerritoryPlan { assignments, imbalance: if mean > 0.0 { max / mean } else { 1.0 }, bound, loads })
}
