//! AutoARIMA: the stepwise search of Hyndman & Khandakar (2008), as statsforecast's
//! `auto_arima_f` runs it. Differences first (KPSS tests for d, the seasonal strength for D),
//! then four starting models and ±1 moves on p, q, P, Q and the constant, keeping the lowest
//! AICc, refusing models with an AR or MA root within 1.01 of the unit circle. As in
//! statsforecast, only polynomials of degree 2 or more are checked (once the seasonal and
//! non-seasonal parts are multiplied out): a lone AR(1) or MA(1) coefficient is not, so a
//! model whose only MA coefficient is −1 can be chosen. R's `auto.arima` checks degree 1 too;
//! on the 54 comparison series that would change 3 choices, each to a higher AICc.
//!
//! Fits are taken to the likelihood's maximum, so a seasonal MA whose maximum sits on the unit
//! circle (Θ → −1: the seasonal difference cancelled, a season that does not drift) is refused
//! where statsforecast's optimiser can stop short of it (Θ ≈ −0.9) and accept the form. On
//! elnino's training part every seasonal-MA candidate is refused that way, and the choice has an
//! AICc 145 above statsforecast's (`comparisons/forecast_arima_wide.py`). A model with the
//! season as a regressor is the remedy there; the search does not offer one. Refitting each
//! refused form at its best coefficients inside the region (every root past 1.0101) was tried
//! (5 December 2026): elnino's choice fell to AICc 884, below statsforecast's, and AutoARIMA
//! chose statsforecast's form on three series where it had refused it. But it changed 21 of
//! the 54 comparison choices, and on the held-out years monthly MASE got worse (AutoARIMA 0.481
//! to 0.491, the default ensemble 0.431 to 0.437; quarterly 1.068 to 1.060) while the monthly
//! search took 1.6 times as long, so refused forms stay refused.
//!
//! By default every candidate is fitted by CSS-ML, as statsforecast's `AutoARIMA` model does
//! (`approximation=False`). R's `auto.arima` and statsforecast's `auto_arima_f` instead score
//! candidates by their conditional-sum-of-squares fit alone on series longer than 150 points
//! or with a season above 12, then refit the best by CSS-ML: many times faster there.
//! [`ArimaSearch::ApproximateLong`] does the same and chooses what `auto_arima_f` chooses on
//! 33 of the 41 such series of `comparisons/`. The exact search stays the default because it
//! chooses better: its choice had an AICc at or below that of statsforecast's `AutoARIMA` on
//! 37 of those 41 series, the approximate search's on 20.

use super::arima::validate;
use super::arima_diffs::{is_constant, ndiffs, nsdiffs};
use super::prediction::{Forecaster, Method};
use super::{ArimaModel, ArimaProblem, ArimaSpec, ForecastError};
use crate::limits::{self, MAX_SEASON};

/// Most models the stepwise search fits (statsforecast's `nmodels`).
const MAX_MODELS: usize = 94;

/// Automatic ARIMA order selection for a season length.
///
/// ```
/// use revops::forecast::{AutoArima, Forecaster};
/// // a drifting random walk with a little autocorrelation
/// let mut y = vec![100.0];
/// for t in 1..80 { let e = ((t * 7919) % 97) as f64 / 97.0 - 0.5; y.push(y[t - 1] + 1.0 + 3.0 * e); }
/// let fit = AutoArima::new(1).fit(&y)?;
/// assert_eq!(fit.best().spec().order.1, 1); // one difference
/// assert!(fit.candidates().iter().filter_map(|c| c.fit.as_ref().ok()).all(|m| m.aicc() >= fit.best().aicc()));
/// let p = fit.best().predict_with(6, &[0.95], 0)?;
/// assert_eq!(p.mean.len(), 6);
/// assert!(AutoArima::new(1).fit(&[1.0, f64::NAN, 3.0]).is_err());
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AutoArima {
    period: usize,
    max_p: usize,
    max_q: usize,
    max_sp: usize,
    max_sq: usize,
    #[cfg_attr(feature = "serde", serde(default))]
    search: ArimaSearch,
}

/// How AutoARIMA scores the candidates of its stepwise search.
///
/// The approximate search (Hyndman & Khandakar 2008, section 3.2) fits each candidate by
/// conditional sum of squares alone and scores it `offset + n* ln σ²_CSS + 2 (k + 1)` (plus
/// the AICc's small-sample term), where `n*` is the number of points after differencing and
/// `offset` is `−2 ln L − n ln σ²` of the differenced series as white noise; it then fits the
/// candidates by CSS-ML in order of that score and keeps the first one accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ArimaSearch {
    /// Every candidate fitted by CSS-ML and compared by its exact AICc.
    #[default]
    Exact,
    /// Every candidate scored by its CSS fit; the choice refitted by CSS-ML.
    Approximate,
    /// Approximate on series longer than 150 points or with a season above 12, exact
    /// otherwise: the default of R's `auto.arima` and of statsforecast's `auto_arima_f` (its
    /// `AutoARIMA` model class searches exactly unless told otherwise).
    ApproximateLong,
}

impl ArimaSearch {
    /// Whether a series of `n` points with season `period` is searched approximately.
    fn approximates(self, n: usize, period: usize) -> bool {
        match self {
            ArimaSearch::Exact => false,
            ArimaSearch::Approximate => true,
            ArimaSearch::ApproximateLong => n > 150 || period > 12,
        }
    }
}

/// One form AutoARIMA tried: the fitted model, or why it was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct ArimaCandidate {
    /// The form.
    pub spec: ArimaSpec,
    /// True for a fit of the approximate search: the model's coefficients are the conditional
    /// sum of squares estimates, and its log-likelihood and AICc are the search's stand-ins
    /// (comparable with each other, not with an exact fit's). The models of the final fits in
    /// an approximate search, and every model of an exact one, are CSS-ML fits.
    pub approximate: bool,
    /// The fitted model (its [`ArimaModel::aicc`] is what was compared), or why the form was
    /// refused: not estimable, or a root near the unit circle
    /// ([`ArimaProblem::NearUnitRoot`]).
    pub fit: Result<ArimaModel, ForecastError>,
}

/// AutoARIMA's choice and every candidate it fitted, in the order fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoArimaFit {
    best: ArimaModel,
    candidates: Vec<ArimaCandidate>,
}

impl AutoArimaFit {
    /// The form with the lowest AICc.
    pub fn best(&self) -> &ArimaModel {
        &self.best
    }

    /// Every form fitted, in the order fitted.
    pub fn candidates(&self) -> &[ArimaCandidate] {
        &self.candidates
    }

    /// The chosen model.
    pub fn into_best(self) -> ArimaModel {
        self.best
    }
}

impl AutoArima {
    /// The search for a season of `period` (12 for monthly data; 1 for none), with
    /// statsforecast's bounds: p, q ≤ 5 and P, Q ≤ 2 (and at most a third of the points, or of
    /// the seasons; p, q below the period when there is one).
    pub fn new(period: usize) -> AutoArima {
        AutoArima { period, max_p: 5, max_q: 5, max_sp: 2, max_sq: 2, search: ArimaSearch::Exact }
    }

    /// The search with candidates scored as `search` says (by default every one by its exact
    /// fit, [`ArimaSearch::Exact`]).
    ///
    /// ```
    /// use revops::forecast::{ArimaSearch, AutoArima};
    /// let y: Vec<f64> = (0..200).map(|t| 50.0 + 0.3 * t as f64 + 5.0 * ((t * 7919) % 13) as f64 / 13.0).collect();
    /// let fast = AutoArima::new(1).with_search(ArimaSearch::ApproximateLong).fit(&y)?; // 200 points
    /// assert!(fast.candidates().iter().any(|c| c.approximate));
    /// let last = fast.candidates().last().unwrap();
    /// assert!(!last.approximate && last.fit.as_ref() == Ok(fast.best())); // the choice, refitted exactly
    /// let exact = AutoArima::new(1).fit(&y)?;
    /// assert!(exact.candidates().iter().all(|c| !c.approximate));
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    pub fn with_search(self, search: ArimaSearch) -> AutoArima {
        AutoArima { search, ..self }
    }

    /// Choose the differences and search the orders.
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`] and [`ForecastError::TooLarge`] for a series no model can
    /// use; [`ForecastError::ShortSeries`] for fewer than 4 points, or too few left after the
    /// differences; [`ForecastError::Limit`] for a period above
    /// [`MAX_SEASON`](crate::limits::MAX_SEASON); [`ForecastError::NoArima`] with each form's
    /// error when no candidate could be fitted.
    pub fn fit(&self, y: &[f64]) -> Result<AutoArimaFit, ForecastError> {
        validate(y)?;
        let m = limits::check("seasonal period", self.period, MAX_SEASON)?.max(1);
        let n = y.len();
        if n < 4 {
            return Err(ForecastError::ShortSeries { needed: 4, got: n });
        }
        let single = |spec: ArimaSpec| {
            let fit = spec.fit(y);
            match fit {
                Ok(best) => Ok(AutoArimaFit {
                    candidates: vec![ArimaCandidate { spec, approximate: false, fit: Ok(best.clone()) }],
                    best,
                }),
                Err(e) => Err(ForecastError::NoArima { tried: vec![(spec, e)] }),
            }
        };
        if is_constant(y) {
            return single(ArimaSpec::new(0, 0, 0).with_constant(true));
        }
        let max_p = self.max_p.min(n / 3);
        let max_q = self.max_q.min(n / 3);
        let (mut max_sp, mut max_sq) = (self.max_sp.min(n / 3 / m), self.max_sq.min(n / 3 / m));
        // D: only with a season and more than two of them
        let sd = if m == 1 || n <= 2 * m { 0 } else { nsdiffs(y, m) };
        if m == 1 {
            (max_sp, max_sq) = (0, 0);
        }
        let dx: Vec<f64> = if sd == 1 { y.windows(m + 1).map(|w| w[m] - w[0]).collect() } else { y.to_vec() };
        let d = ndiffs(&dx, 2);
        let mut ddx = dx;
        for _ in 0..d {
            ddx = ddx.windows(2).map(|w| w[1] - w[0]).collect();
        }
        let season = |p, d, q| if m > 1 { (p, d, q, m) } else { (0, 0, 0, 1) };
        let spec = |p, q, sp, sq, constant| ArimaSpec { order: (p, d, q), seasonal: season(sp, sd, sq), constant };
        if ddx.is_empty() {
            return Err(ForecastError::ShortSeries { needed: d + m * sd + 1, got: n });
        }
        if is_constant(&ddx) {
            return single(spec(0, 0, 0, 0, d + sd <= 1));
        }
        let (max_p, max_q) = if m > 1 { (max_p.min(m - 1), max_q.min(m - 1)) } else { (max_p, max_q) };
        let allow_constant = d + sd <= 1;
        let approximate = self.search.approximates(n, m);
        let offset = if approximate { Some(css_offset(&ddx, n, d + sd == 0)) } else { None };
        let mut search = Search { y, offset, candidates: Vec::new(), tried: Vec::new(), best: None };
        let (mut p, mut q, mut sp, mut sq) = (2, 2, 1, 1);
        if n < 10 {
            (p, q, sp, sq) = (1, 1, 0, 0);
        }
        (p, q, sp, sq) = (p.min(max_p), q.min(max_q), sp.min(max_sp), sq.min(max_sq));
        let mut constant = allow_constant;
        // the four starting models (and the fifth without a constant)
        search.try_spec(spec(p, q, sp, sq, constant));
        if search.try_spec(spec(0, 0, 0, 0, constant)) {
            (p, q, sp, sq) = (0, 0, 0, 0);
        }
        if max_p > 0 || max_sp > 0 {
            let (p1, sp1) = (usize::from(max_p > 0), usize::from(m > 1 && max_sp > 0));
            if search.try_spec(spec(p1, 0, sp1, 0, constant)) {
                (p, q, sp, sq) = (p1, 0, sp1, 0);
            }
        }
        if max_q > 0 || max_sq > 0 {
            let (q1, sq1) = (usize::from(max_q > 0), usize::from(m > 1 && max_sq > 0));
            if search.try_spec(spec(0, q1, 0, sq1, constant)) {
                (p, q, sp, sq) = (0, q1, 0, sq1);
            }
        }
        if constant && search.try_spec(spec(0, 0, 0, 0, false)) {
            (p, q, sp, sq) = (0, 0, 0, 0);
        }
        // the moves, in statsforecast's order: the first that improves is taken
        let moves: [(isize, isize, isize, isize); 16] = [
            (0, 0, -1, 0),
            (0, 0, 0, -1),
            (0, 0, 1, 0),
            (0, 0, 0, 1),
            (0, 0, -1, -1),
            (0, 0, -1, 1),
            (0, 0, 1, -1),
            (0, 0, 1, 1),
            (-1, 0, 0, 0),
            (0, -1, 0, 0),
            (1, 0, 0, 0),
            (0, 1, 0, 0),
            (-1, -1, 0, 0),
            (-1, 1, 0, 0),
            (1, -1, 0, 0),
            (1, 1, 0, 0),
        ];
        let mut start = 0;
        while start < search.candidates.len() && search.candidates.len() < MAX_MODELS {
            start = search.candidates.len();
            let mut improved = false;
            for (dp, dq, dsp, dsq) in moves {
                let next = |v: usize, dv: isize| v.checked_add_signed(dv);
                let (Some(np), Some(nq), Some(nsp), Some(nsq)) =
                    (next(p, dp), next(q, dq), next(sp, dsp), next(sq, dsq))
                else {
                    continue;
                };
                // the stepwise moves are bounded by each order's maximum, not by max_order (as in
                // statsforecast and R's auto.arima)
                if np > max_p || nq > max_q || nsp > max_sp || nsq > max_sq {
                    continue;
                }
                let s = spec(np, nq, nsp, nsq, constant);
                if search.seen(s) || search.candidates.len() >= MAX_MODELS {
                    continue;
                }
                if search.try_spec(s) {
                    (p, q, sp, sq) = (np, nq, nsp, nsq);
                    improved = true;
                    break;
                }
            }
            if !improved && allow_constant {
                let s = spec(p, q, sp, sq, !constant);
                if !search.seen(s) && search.candidates.len() < MAX_MODELS && search.try_spec(s) {
                    constant = !constant;
                }
            }
        }
        if approximate {
            search.refit_exactly();
        }
        let Search { candidates, best, .. } = search;
        match best {
            Some(i) => {
                let best = candidates[i].fit.clone()?;
                Ok(AutoArimaFit { best, candidates })
            }
            None => Err(ForecastError::NoArima {
                tried: candidates.into_iter().filter_map(|c| c.fit.err().map(|e| (c.spec, e))).collect(),
            }),
        }
    }
}

/// The approximate search's offset (R's `auto.arima`): `−2 ln L − n ln σ²` of the
/// differenced series `w` as white noise (about its mean when `mean`), `n` the length of the
/// series before differencing. It makes the scores of CSS fits resemble AICs; the choice
/// among them does not depend on it.
fn css_offset(w: &[f64], n: usize, mean: bool) -> f64 {
    let nw = w.len() as f64;
    let centre = if mean { w.iter().sum::<f64>() / nw } else { 0.0 };
    let sigma2 = w.iter().map(|v| (v - centre) * (v - centre)).sum::<f64>() / nw;
    let loglik = -0.5 * nw * ((2.0 * std::f64::consts::PI * sigma2).ln() + 1.0);
    let offset = -2.0 * loglik - n as f64 * sigma2.ln();
    // (a constant differenced series never gets here; 0, as statsforecast, should it)
    if offset.is_finite() {
        offset
    } else {
        0.0
    }
}

struct Search<'a> {
    y: &'a [f64],
    /// `Some` for the approximate search: candidates are scored by their CSS fit.
    offset: Option<f64>,
    candidates: Vec<ArimaCandidate>,
    tried: Vec<ArimaSpec>,
    best: Option<usize>,
}

/// `fit`, refused when a root is near the unit circle.
fn refusing_near_unit_roots(
    spec: ArimaSpec,
    fit: Result<ArimaModel, ForecastError>,
) -> Result<ArimaModel, ForecastError> {
    fit.and_then(|m| {
        if m.near_unit_root() {
            Err(ForecastError::ArimaFit { spec, reason: ArimaProblem::NearUnitRoot })
        } else {
            Ok(m)
        }
    })
}

impl Search<'_> {
    fn seen(&self, spec: ArimaSpec) -> bool {
        self.tried.contains(&spec)
    }

    /// Fit `spec`; `true` when it beats the best so far.
    fn try_spec(&mut self, spec: ArimaSpec) -> bool {
        self.tried.push(spec);
        let fit = match self.offset {
            Some(offset) => spec.fit_css(self.y, offset),
            None => spec.fit(self.y),
        };
        let fit = refusing_near_unit_roots(spec, fit);
        let aicc = fit.as_ref().map_or(f64::INFINITY, ArimaModel::aicc);
        let better = aicc < self.best.map_or(f64::INFINITY, |i| self.aicc(i));
        self.candidates.push(ArimaCandidate { spec, approximate: self.offset.is_some(), fit });
        if better {
            self.best = Some(self.candidates.len() - 1);
        }
        better
    }

    /// After an approximate search: fit the forms by CSS-ML in order of their approximate
    /// AICc (refused forms last, in the order tried) and take the first fit accepted, as R and
    /// statsforecast do. `best` is `None` when none is.
    fn refit_exactly(&mut self) {
        let mut order: Vec<usize> = (0..self.candidates.len()).collect();
        // a stable sort: ties, and the refused (+∞), keep the order they were tried in
        order.sort_by(|&a, &b| self.aicc(a).total_cmp(&self.aicc(b)));
        self.best = None;
        for i in order {
            let spec = self.candidates[i].spec;
            let fit = refusing_near_unit_roots(spec, spec.fit(self.y));
            let accepted = fit.as_ref().is_ok_and(|m| m.aicc() < f64::INFINITY);
            self.candidates.push(ArimaCandidate { spec, approximate: false, fit });
            if accepted {
                self.best = Some(self.candidates.len() - 1);
                return;
            }
        }
    }

    fn aicc(&self, i: usize) -> f64 {
        self.candidates[i].fit.as_ref().map_or(f64::INFINITY, ArimaModel::aicc)
    }
}

impl Method for AutoArima {
    fn name(&self) -> String {
        "AutoARIMA".into()
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?.into_best()))
    }
}
