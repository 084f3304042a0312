//! Kaplan–Meier survival with right censoring, Greenwood confidence intervals, median survival,
//! and the log-rank test.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use super::RetentionError;

/// One subject: how long it was observed, and whether it churned (`event`) or is still active
/// at that time (censored).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Subject {
    /// Time observed (tenure), not negative.
    pub time: f64,
    /// True when the subject churned at `time`; false when censored.
    pub event: bool,
}

/// The estimate at one event time.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct KmStep {
    /// Event time.
    pub time: f64,
    /// Subjects at risk just before it.
    pub at_risk: u64,
    /// Events at it.
    pub events: u64,
    /// Survival just after it.
    pub survival: f64,
    /// Greenwood standard error of the survival: S·√(Σ d ÷ (n(n − d))) over the steps so far.
    /// Where survival reaches 0 (everybody at risk churns) the step's term is left out and the
    /// error reads 0, a curve known to be at 0 (lifelines reports NaN there, R's `survfit` NA).
    pub std_error: f64,
    /// Lower confidence bound (log-log transform).
    pub lower: f64,
    /// Upper confidence bound.
    pub upper: f64,
}

/// A Kaplan–Meier survival curve.
///
/// Its parts are read through [`KaplanMeier::steps`] and [`KaplanMeier::subjects`]; one read
/// from JSON is checked as a fitted curve would be (at least one subject, times finite and
/// increasing, survival in [0, 1], never rising and equal to the product of the steps'
/// (at risk − events) ÷ at risk to 1e-9, bounds around it, events within those at risk, at risk
/// within the subjects), so a hand-edited file cannot report a median of nonsense.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "KaplanMeierRepr"))]
pub struct KaplanMeier {
    /// One step per distinct event time.
    steps: Vec<KmStep>,
    /// Subjects.
    subjects: usize,
}

deserialize_via!(KaplanMeier, KaplanMeierRepr { steps: Vec<KmStep>, subjects: usize }, RetentionError, |r| {
    KaplanMeier { steps: r.steps, subjects: r.subjects }.checked()
});

fn validate(subjects: &[Subject]) -> Result<(), RetentionError> {
    if subjects.is_empty() {
        return Err(RetentionError::NotEnoughData("no subjects".into()));
    }
    if subjects.iter().any(|s| !s.time.is_finite() || s.time < 0.0) {
        return Err(RetentionError::InvalidInput("times must be finite and not negative".into()));
    }
    Ok(())
}

/// Sorted times with `(time, events, removed)` per distinct time.
fn tally(subjects: &[Subject]) -> Vec<(f64, u64, u64)> {
    let mut order: Vec<(f64, bool)> = subjects.iter().map(|s| (s.time, s.event)).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, u64, u64)> = Vec::new();
    for (t, e) in order {
        match out.last_mut() {
            Some(last) if last.0 == t => {
                last.1 += u64::from(e);
                last.2 += 1;
            }
            _ => out.push((t, u64::from(e), 1)),
        }
    }
    out
}

/// A number carried as an unevaluated sum `hi + lo` of two `f64`s (double-double, about 106
/// bits), for the Kaplan–Meier median's test against one half.
#[derive(Clone, Copy)]
struct Wide {
    hi: f64,
    lo: f64,
}

impl Wide {
    const ONE: Wide = Wide { hi: 1.0, lo: 0.0 };

    /// `a ÷ b` for counts up to 2⁵³ (exact in `f64`: `fit` and `checked` keep them there): the
    /// quotient and its remainder's share.
    fn ratio(a: u64, b: u64) -> Wide {
        let (a, b) = (a as f64, b as f64);
        let q = a / b;
        // the remainder a − q·b is exact with a fused multiply-add
        Wide { hi: q, lo: (-q).mul_add(b, a) / b }
    }

    fn times(self, other: Wide) -> Wide {
        let p = self.hi * other.hi;
        let e = self.hi.mul_add(other.hi, -p) + (self.hi * other.lo + self.lo * other.hi);
        let hi = p + e;
        Wide { hi, lo: e - (hi - p) }
    }
}

impl KaplanMeier {
    /// Estimate survival with `confidence` intervals (0.95 for 95%).
    ///
    /// ```
    /// use revops::retention::{KaplanMeier, Subject};
    /// let s = |time, event| Subject { time, event };
    /// let km = KaplanMeier::fit(&[s(1.0, true), s(2.0, false), s(3.0, true), s(4.0, true)], 0.95)?;
    /// assert_eq!(km.survival_at(1.0), 0.75);
    /// assert_eq!(km.survival_at(3.0), 0.375);
    /// assert_eq!(km.median(), Some(3.0));
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RetentionError::NotEnoughData`] for no subjects; [`RetentionError::InvalidInput`] for a
    /// negative or non-finite time, or a confidence outside (0, 1).
    pub fn fit(subjects: &[Subject], confidence: f64) -> Result<KaplanMeier, RetentionError> {
        validate(subjects)?;
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(RetentionError::InvalidInput(format!("confidence {confidence} must be in (0, 1)")));
        }
        let z = Normal::standard().inverse_cdf(0.5 + confidence / 2.0);
        let mut at_risk = subjects.len() as u64;
        let mut survival = 1.0;
        let mut greenwood = 0.0;
        let mut steps = Vec::new();
        for (time, events, removed) in tally(subjects) {
            if events > 0 {
                let (n, d) = (at_risk as f64, events as f64);
                survival *= 1.0 - d / n;
                if at_risk > events {
                    greenwood += d / (n * (n - d));
                }
                let std_error = survival * greenwood.sqrt();
                // log(−log S) transform keeps the bounds inside (0, 1)
                let (lower, upper) = if survival > 0.0 && survival < 1.0 {
                    let se = (greenwood.sqrt() / survival.ln()).abs();
                    let c = survival.ln().abs().ln();
                    ((-(c + z * se).exp()).exp(), (-(c - z * se).exp()).exp())
                } else {
                    (survival, survival)
                };
                steps.push(KmStep { time, at_risk, events, survival, std_error, lower, upper });
            }
            at_risk -= removed;
        }
        Ok(KaplanMeier { steps, subjects: subjects.len() })
    }

    /// One step per distinct event time, in time order.
    pub fn steps(&self) -> &[KmStep] {
        &self.steps
    }

    /// Subjects the curve was fitted to.
    pub fn subjects(&self) -> usize {
        self.subjects
    }

    /// The invariants every fitted curve has, for values that come from outside (JSON).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))] // (used when loading from JSON)
    fn checked(self) -> Result<KaplanMeier, RetentionError> {
        let bad = |reason: &'static str| Err(RetentionError::InvalidModel { model: "Kaplan–Meier", reason });
        if self.subjects == 0 {
            return bad("no subjects (a fit needs at least one)");
        }
        let mut previous: Option<&KmStep> = None;
        let mut product = 1.0;
        for s in &self.steps {
            let finite = [s.time, s.survival, s.std_error, s.lower, s.upper].iter().all(|v| v.is_finite());
            if !finite || s.time < 0.0 {
                return bad("a step with a negative or non-finite value");
            }
            let inside = (0.0..=1.0).contains(&s.survival) && s.lower <= s.survival && s.survival <= s.upper;
            if !inside {
                return bad("survival outside [0, 1] or outside its bounds");
            }
            if s.lower < 0.0 || s.upper > 1.0 || s.std_error < 0.0 {
                return bad("bounds outside [0, 1] or a negative standard error");
            }
            if s.events == 0 || s.events > s.at_risk || s.at_risk > self.subjects as u64 {
                return bad("events outside 1 to those at risk, or more at risk than subjects");
            }
            // (counts an f64 holds exactly, as the median's exact test needs: no fit makes more)
            if s.at_risk > 1 << f64::MANTISSA_DIGITS {
                return bad("more at risk than 2⁵³");
            }
            if let Some(p) = previous {
                if s.time <= p.time || s.survival > p.survival || s.at_risk > p.at_risk.saturating_sub(p.events) {
                    return bad("steps out of time order, or survival or those at risk rising");
                }
            }
            // survival is the product of the steps' (n − d) ÷ n, as the fit takes it (`median`
            // reads the counts, `survival_at` the survival: they must tell one story)
            product *= 1.0 - s.events as f64 / s.at_risk as f64;
            if (s.survival - product).abs() > 1e-9 {
                return bad("survival that is not the product of its steps' (at risk − events) ÷ at risk");
            }
            previous = Some(s);
        }
        Ok(self)
    }

    /// Survival at time `t` (a step function, right-continuous).
    pub fn survival_at(&self, t: f64) -> f64 {
        let i = self.steps.partition_point(|s| s.time <= t);
        if i == 0 {
            1.0
        } else {
            self.steps[i - 1].survival
        }
    }

    /// The first time survival falls to 0.5 or below; `None` if it never does. The test is made
    /// on the product of the steps' (n − d) ÷ n carried to about 106 bits, not on the rounded
    /// `survival`: a survival of exactly one half reads as one half (24 subjects, 11 churning
    /// at 1 and one at 2: S(2) = 13/24 × 12/13 = 1/2, which the `f64` product reads as
    /// 0.5000000000000001), and one a hair above stays above (1/2 + 2.2e-11 after 67,089 steps).
    ///
    /// ```
    /// use revops::retention::{KaplanMeier, Subject};
    /// let s = |time, event| Subject { time, event };
    /// let mut subjects = vec![s(1.0, true); 11];
    /// subjects.push(s(2.0, true));
    /// subjects.extend(vec![s(3.0, false); 11]);
    /// subjects.push(s(4.0, true));
    /// assert_eq!(KaplanMeier::fit(&subjects, 0.95)?.median(), Some(2.0));
    /// # Ok::<(), revops::retention::RetentionError>(())
    /// ```
    pub fn median(&self) -> Option<f64> {
        let mut survival = Wide::ONE;
        for (k, step) in self.steps.iter().enumerate() {
            survival = survival.times(Wide::ratio(step.at_risk.saturating_sub(step.events), step.at_risk));
            // each step's quotient and product err by a few units of 2⁻¹⁰⁶ at most
            let allowance = (k + 1) as f64 * 8.0 * 2f64.powi(-106);
            // (hi − 0.5 is exact for hi in [0.25, 1])
            if survival.hi <= 0.25 || (survival.hi - 0.5) + survival.lo <= allowance {
                return Some(step.time);
            }
        }
        None
    }
}

/// The log-rank test of two survival curves.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct LogRank {
    /// Chi-square statistic (1 degree of freedom).
    pub statistic: f64,
    /// p-value: the chi-square (1 degree of freedom) survival function at the statistic, so a
    /// large statistic keeps its tiny p-value (2.0e-28 at 122.2) rather than rounding to 0.
    pub p_value: f64,
    /// Events observed in group A.
    pub observed_a: f64,
    /// Events expected in group A if both groups shared one curve.
    pub expected_a: f64,
}

/// Compare the survival of two groups.
///
/// ```
/// use revops::retention::{log_rank, Subject};
///
/// let s = |time, event| Subject { time, event };
/// // group A churns early, group B late
/// let a = [s(1.0, true), s(2.0, true), s(3.0, true), s(4.0, false)];
/// let b = [s(5.0, true), s(8.0, true), s(9.0, false), s(12.0, false)];
/// let test = log_rank(&a, &b)?;
/// assert!(test.statistic > 0.0 && test.p_value < 0.05);
/// assert!(test.observed_a > test.expected_a); // A churns more than a shared curve predicts
/// # Ok::<(), revops::retention::RetentionError>(())
/// ```
///
/// # Errors
///
/// [`RetentionError::NotEnoughData`] for an empty group; [`RetentionError::InvalidInput`] for a
/// negative or non-finite time.
///
/// Where the statistic's variance is zero, nothing tells the groups apart: no events at all, or
/// every subject at risk churning at each event time (so each group's observed events are its
/// expected ones). The test then reads χ² = 0 and p = 1, as lifelines' `logrank_test` and R's
/// `survdiff` do.
pub fn log_rank(a: &[Subject], b: &[Subject]) -> Result<LogRank, RetentionError> {
    validate(a)?;
    validate(b)?;
    let mut all: Vec<(f64, bool, bool)> =
        a.iter().map(|s| (s.time, s.event, true)).chain(b.iter().map(|s| (s.time, s.event, false))).collect();
    all.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    let (mut na, mut nb) = (a.len() as f64, b.len() as f64);
    let (mut observed, mut expected, mut variance) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let t = all[i].0;
        let (mut da, mut db, mut ra, mut rb) = (0.0, 0.0, 0.0, 0.0);
        while i < all.len() && all[i].0 == t {
            let (_, event, in_a) = all[i];
            if in_a {
                ra += 1.0;
                da += f64::from(u8::from(event));
            } else {
                rb += 1.0;
                db += f64::from(u8::from(event));
            }
            i += 1;
        }
        let (n, d) = (na + nb, da + db);
        if d > 0.0 && n > 0.0 {
            observed += da;
            expected += d * na / n;
            if n > 1.0 {
                variance += d * (na / n) * (nb / n) * (n - d) / (n - 1.0);
            }
        }
        na -= ra;
        nb -= rb;
    }
    if variance <= 0.0 {
        // (at each event time one group had nobody at risk, or everybody at risk churned: the
        // observed events are the expected ones)
        return Ok(LogRank { statistic: 0.0, p_value: 1.0, observed_a: observed, expected_a: expected });
    }
    let statistic = (observed - expected).powi(2) / variance;
    let chi = ChiSquared::new(1.0).map_err(|e| RetentionError::InvalidInput(e.to_string()))?;
    // the survival function, not 1 − cdf: the tail of a large statistic is far below f64's epsilon
    Ok(LogRank { statistic, p_value: chi.sf(statistic), observed_a: observed, expected_a: expected })
}
