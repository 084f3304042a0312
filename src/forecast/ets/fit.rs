//! Fitting one ETS form by maximum likelihood, in two stages: a first optimum from the heuristic
//! initial states, then a search of other basins from more starting points. AutoETS runs the
//! first stage for every form, then the second nearest the best first (or, pruned, only for
//! forms near the best), so the stages are separate steps of a [`Fitting`].

use super::super::ets_likelihood::{Likelihood, RawGradient, Scratch};
use super::super::optim::minimise;
use super::super::ForecastError;
use super::{
    free_parameters, initial_states, initial_states_as_r, initial_states_whole, n_params, params_of, run, seasonal,
    validate, EtsModel, EtsSpec, Layout, SeasonType, TrendType,
};
use crate::stats::{aicc, nelder_mead, NelderMead};

/// How far one BFGS descent goes: at most `iterations` steps, and no further once five steps
/// together gain less than `settled` in −2 log L (besides BFGS's own relative tolerance).
#[derive(Clone, Copy)]
struct Budget {
    iterations: usize,
    settled: f64,
}

/// The budget of each starting point after the first: enough to find its basin, not to converge
/// in it (the best point is refined to convergence afterwards). On the 54 comparison series, 40
/// iterations left one form short of statsmodels; 60 and 100 none, 100 at 10 % more time. A
/// descent that has settled, gaining under 0.01 in −2 log L over five steps (AICc differences
/// that small mean nothing), stops there: most starts settle in the basin of the best point so
/// far or in a worse one, and their last iterations would only polish a point that is then left
/// behind. (On those series this takes a fifth off AutoETS's time on quarterly series and an
/// eighth on monthly ones, moves no choice, and moves no form's own fit by more than 0.013
/// log-likelihood units.)
const EXPLORATION: Budget = Budget { iterations: 60, settled: 0.01 };

/// The budget to converge from the first start and in the best basin.
const CONVERGENCE: Budget = Budget { iterations: 500, settled: 0.0 };

/// The variance, relative to the scale's square, below which a fit is polished on its variance
/// (a relative error under 0.1 %): see [`Fitting::polish`].
const NEAR_EXACT: f64 = 1e-6;

/// The logits (as [`smoothing_starts`] writes them) of a level that barely moves, α ≈ 3 × 10⁻⁴,
/// with a trend and season that barely move either.
const BARELY_MOVES: [f64; 4] = [-8.0, -6.0, -6.0, 3.0];

/// A logit past which φ is at its upper bound for the optimiser (0.8 + 0.18 × 0.99988).
const UNDAMPED: f64 = 9.0;

/// The smoothing starts tried after the first optimum, as the parameters' logits (of α, β ÷ α,
/// γ ÷ (1 − α), (φ − 0.8) ÷ 0.18; only those the form has): small parameters; a quick level
/// with a fixed trend and season (another basin); a quick level with a quick trend, which
/// fixed-trend starts miss on series whose trend turns (fred.IR, fred.BOPTIMP: up to 35
/// log-likelihood units short of statsmodels); for forms with trend and season, a middling
/// level, slow trend and quick season; for damped forms, a quick level with a nearly undamped
/// trend, and a trend that barely moves; a level that follows the data almost as a random walk
/// (α ≈ 0.998) with a slow trend and season, an optimum at α's bound (macro.tbilrate); last, a
/// level that barely moves (α ≈ 3 × 10⁻⁴), an optimum at α's other bound on series flat but
/// for one value (up to 0.83 log-likelihood units short of statsmodels without it). Then
/// [`more_starts`].
fn smoothing_starts(spec: &EtsSpec) -> Vec<Vec<f64>> {
    let mut logits: Vec<[f64; 4]> = vec![[-2.0; 4], [1.0, -6.0, -6.0, 3.0]];
    if spec.trend != TrendType::None {
        logits.push([3.0, 1.5, -6.0, 3.0]);
    }
    if spec.trend != TrendType::None && spec.season != SeasonType::None {
        logits.push([0.5, -1.5, 2.0, 3.0]);
    }
    if spec.trend == TrendType::Damped {
        logits.extend([[0.0, 0.0, 0.0, 3.0], [-1.0, -6.0, -1.0, 3.0]]);
    }
    logits.push([6.0, -3.0, -3.0, 3.0]);
    logits.push(BARELY_MOVES);
    logits.iter().map(|l| of_form(spec, l)).collect()
}

/// The logits of `l` that `spec` has (α always; β with a trend, γ with a season, φ damped).
fn of_form(spec: &EtsSpec, l: &[f64; 4]) -> Vec<f64> {
    let has = [true, spec.trend != TrendType::None, spec.season != SeasonType::None, spec.trend == TrendType::Damped];
    l.iter().zip(has).filter(|(_, has)| *has).map(|(v, _)| *v).collect()
}

/// Starts tried after [`smoothing_starts`], each with a curvature estimate of its own (so that
/// the others run as before): for forms with a trend, a middling level with a trend as quick as
/// it (β ≈ α ≈ 0.18), a basin the other starts miss on short noisy series (grunfeld's
/// Chrysler, ETS(M,A,N): 0.28 log-likelihood units short of statsmodels); and for a trend
/// without a season, a level that barely moves from the line through the whole series, where
/// such a level must start (from the first values' line BFGS stays at α ≈ 1 on grunfeld's US
/// Steel, ETS(M,Ad,N): 1.36 short).
fn more_starts(spec: &EtsSpec) -> Vec<(Vec<f64>, bool)> {
    let mut out = Vec::new();
    if spec.trend != TrendType::None {
        out.push((of_form(spec, &[-1.5, 4.0, -6.0, 3.0]), false));
        if spec.season == SeasonType::None {
            out.push((of_form(spec, &BARELY_MOVES), true));
        }
    }
    out
}

/// −2 log L (up to constants) of one form on one series, over the free values: the smoothing
/// parameters' logits, then the initial states as [`Layout`] encodes them; the series taken in
/// units of its scale, so that the value does not depend on the units it is kept in (they
/// would add 2n ln c, and move where the optimisers, which stop on a relative change, stop).
struct Objective<'a> {
    spec: &'a EtsSpec,
    layout: Layout,
    likelihood: Likelihood<'a>,
    /// 2n ln(scale): the likelihood's value in the series' own units less this is its value
    /// in units of the scale.
    units: f64,
    scratch: Scratch,
    raw: RawGradient,
    season: Vec<f64>,
}

impl Objective<'_> {
    /// The objective at `x` (+∞ where the recursion is refused), and its gradient into `g` (the
    /// same in any units: the free values are normalised by the scale).
    fn at(&mut self, x: &[f64], g: Option<&mut [f64]>) -> f64 {
        let p = params_of(self.spec, x);
        let (l, b) = self.layout.decode(x, &mut self.season);
        let value = match g {
            None => self.likelihood.value(&p, l, b, &self.season, &mut self.scratch, None),
            Some(g) => {
                self.likelihood.value(&p, l, b, &self.season, &mut self.scratch, Some(&mut self.raw)).inspect(|_| {
                    self.layout.chain(x, &p, &self.raw, g);
                })
            }
        };
        value.map_or(f64::INFINITY, |v| v - self.units)
    }
}

/// One form's fit in progress: its objective, the heuristic initial states and the best point
/// found so far.
pub(super) struct Fitting<'a> {
    spec: &'a EtsSpec,
    y: &'a [f64],
    objective: Objective<'a>,
    heuristic: Vec<f64>,
    /// The states of R's heuristic, a line through the first max(10, 2m) values, where that
    /// differs from the heuristic's: another basin on some series (an outlier first), and the
    /// only start that can be evaluated on some (where the line through the first two values
    /// takes a multiplicative error's forecasts below zero).
    start_line: Option<Vec<f64>>,
    best: Vec<f64>,
    best_value: f64,
    /// The curvature estimate of the first run, reused by the other starts.
    diagonal: Option<Vec<f64>>,
}

impl<'a> Fitting<'a> {
    /// The first optimum: the smoothing parameters alone by Nelder–Mead from the heuristic
    /// initial states (Hyndman et al. 2008, §2.6.1), then everything together (smoothing
    /// parameters and initial states, as statsmodels and R's `forecast::ets` do) by BFGS on the
    /// exact gradient.
    pub(super) fn first(spec: &'a EtsSpec, y: &'a [f64]) -> Result<Fitting<'a>, ForecastError> {
        validate(y)?;
        spec.admissible(y)?;
        let layout = Layout::new(spec, y);
        let likelihood = Likelihood { spec, y, floor: layout.floor };
        let heuristic = layout.encode(&initial_states(spec, y));
        let start_line = Some(layout.encode(&initial_states_as_r(spec, y))).filter(|states| *states != heuristic);
        let season = vec![0.0; seasonal(spec)];
        let units = 2.0 * y.len() as f64 * layout.scale.ln();
        let objective = Objective {
            spec,
            layout,
            likelihood,
            units,
            scratch: Scratch::default(),
            raw: RawGradient::default(),
            season,
        };
        let mut fitting = Fitting {
            spec,
            y,
            objective,
            heuristic,
            start_line,
            best: vec![],
            best_value: f64::INFINITY,
            diagonal: None,
        };
        fitting.first_optimum(&fitting.heuristic.clone());
        // from a heuristic the objective cannot leave (a multiplicative error whose forecasts
        // it takes below zero), the other heuristic's
        if !fitting.best_value.is_finite() {
            if let Some(other) = fitting.start_line.clone() {
                fitting.first_optimum(&other);
            }
        }
        Ok(fitting)
    }

    /// Nelder–Mead on the smoothing parameters from the initial states `states`, then BFGS
    /// on everything from there; the result becomes the best point.
    fn first_optimum(&mut self, states: &[f64]) {
        let k = n_params(self.spec);
        let mut x = states.to_vec();
        let objective = &mut self.objective;
        // −2 log L is compared across models by AICc, where differences under ~0.01 mean nothing
        let smoothing = nelder_mead(
            |theta| {
                x[..k].copy_from_slice(theta);
                objective.at(&x, None)
            },
            &vec![-1.0; k],
            NelderMead { tolerance: 1e-6, max_iterations: 400, step: 1.0 },
        );
        let mut best = states.to_vec();
        best[..k].copy_from_slice(&smoothing.x);
        (self.best, self.best_value) = (best, smoothing.value);
        let start = self.best.clone();
        let mut diagonal = None;
        self.descend(&start, CONVERGENCE, &mut diagonal);
        self.diagonal = diagonal;
    }

    /// BFGS from `start` within `budget`, keeping the result if it is the best yet.
    fn descend(&mut self, start: &[f64], budget: Budget, diagonal: &mut Option<Vec<f64>>) {
        let objective = &mut self.objective;
        let (x, value) = minimise(|x, g| objective.at(x, g), start, 1e-8, budget.settled, budget.iterations, diagonal);
        if value < self.best_value {
            (self.best, self.best_value) = (x, value);
        }
    }

    /// −2 log L at the best point so far, less constants common to every form of the series.
    pub(super) fn value(&self) -> f64 {
        self.best_value
    }

    /// True when the best point so far has a variance below [`NEAR_EXACT`] of the scale's
    /// square: a fit that may be exact once polished (see [`Fitting::polish`]).
    pub(super) fn nearly_exact(&self) -> bool {
        // (the objective is never NaN: +∞ where the recursion is refused)
        self.best_value / (self.y.len() as f64) < NEAR_EXACT.ln()
    }

    /// The AICc at the best point so far (+∞ where the objective is not finite, or the points
    /// too few for the small-sample correction).
    pub(super) fn aicc(&self) -> f64 {
        let n = self.y.len();
        let minus_two_log_l =
            self.best_value + self.objective.units + n as f64 * (1.0 + (2.0 * std::f64::consts::PI).ln());
        aicc(-0.5 * minus_two_log_l, free_parameters(self.spec), n)
    }

    /// Look for a better basin: each of [`smoothing_starts`] explored within the [`EXPLORATION`]
    /// budget, for damped forms φ at its upper bound from the best point (an undamped trend
    /// is an optimum of its own on some series, interest_inflation.Dp, that no interior start
    /// reaches), then the best point refined to convergence.
    pub(super) fn refine(&mut self) {
        let k = n_params(self.spec);
        let mut diagonal = self.diagonal.take();
        for logits in smoothing_starts(self.spec) {
            let mut start = self.heuristic.clone();
            start[..k].copy_from_slice(&logits);
            // a start the heuristic states cannot even evaluate (a multiplicative error whose
            // one-step forecast turns negative) begins with a flat season, and failing that
            // from the best states so far
            if !self.objective.at(&start, None).is_finite() {
                let flat = self.objective.layout.flat_season(&start);
                if self.objective.at(&flat, None).is_finite() {
                    start = flat;
                } else {
                    start[k..].copy_from_slice(&self.best[k..]);
                }
            }
            self.descend(&start, EXPLORATION, &mut diagonal);
        }
        for (logits, whole_line) in more_starts(self.spec) {
            // (the whole series' line only for the forms that start there: most forms of a
            // search are never refined)
            let mut start = if whole_line {
                self.objective.layout.encode(&initial_states_whole(self.spec, self.y))
            } else {
                self.heuristic.clone()
            };
            start[..k].copy_from_slice(&logits);
            if self.objective.at(&start, None).is_finite() {
                self.descend(&start, EXPLORATION, &mut None);
            }
        }
        // without a season, the other heuristic's states with the best smoothing so far: a
        // line through ten values, not two, is a basin of its own on some series (an outlier
        // first). (With a season the two lines take 2m and max(10, 2m) values, nearly alike.)
        if let Some(mut start) = self.start_line.take().filter(|_| self.spec.season == SeasonType::None) {
            start[..k].copy_from_slice(&self.best[..k]);
            if self.objective.at(&start, None).is_finite() {
                self.descend(&start, EXPLORATION, &mut diagonal);
            }
        }
        if self.spec.trend == TrendType::Damped && self.best[k - 1] < UNDAMPED {
            let mut start = self.best.clone();
            start[k - 1] = UNDAMPED;
            self.descend(&start, EXPLORATION, &mut None);
        }
        // once more from the best point, with a fresh curvature estimate: in a long flat valley
        // BFGS can stop on a stale one short of the optimum
        let start = self.best.clone();
        self.descend(&start, CONVERGENCE, &mut None);
        self.polish();
    }

    /// Near an exact fit, minimise the likelihood's variance, exp(objective ÷ n), instead of its
    /// logarithm. The two have one minimum, but n ln(SSE) falls like 2n ln(distance) into an
    /// exact fit: a funnel whose walls BFGS cannot model, where it stops far short (ETS(M,A,M)
    /// on an exactly seasonal line: a relative error of 2e-5 and a log-likelihood 240 below
    /// statsmodels'). The variance is a smooth bowl there, which BFGS descends to the floor.
    /// Only fits whose variance is already below [`NEAR_EXACT`] of the scale's are polished;
    /// a point is kept only where the objective is lower.
    fn polish(&mut self) {
        let n = self.y.len() as f64;
        for _ in 0..3 {
            let f0 = self.best_value;
            if !self.nearly_exact() {
                return;
            }
            let objective = &mut self.objective;
            // relative to the start, so that the variance starts at 1 (the optimiser stops on a
            // change relative to the value, at least 1)
            let variance = |x: &[f64], g: Option<&mut [f64]>| match g {
                None => ((objective.at(x, None) - f0) / n).exp(),
                Some(g) => {
                    let w = ((objective.at(x, Some(&mut *g)) - f0) / n).exp();
                    g.iter_mut().for_each(|v| *v *= w / n);
                    w
                }
            };
            let start = self.best.clone();
            let (x, _) = minimise(variance, &start, 1e-8, 0.0, CONVERGENCE.iterations, &mut None);
            let value = self.objective.at(&x, None);
            if value >= f0 {
                return;
            }
            (self.best, self.best_value) = (x, value);
        }
    }

    /// The model at the best point.
    pub(super) fn finish(mut self) -> Result<EtsModel, ForecastError> {
        let spec = *self.spec;
        let n = self.y.len() as f64;
        let params = params_of(&spec, &self.best);
        let (l0, b0) = self.objective.layout.decode(&self.best, &mut self.objective.season);
        let r =
            run(&spec, &params, self.y, (l0, b0, &self.objective.season), true).ok_or(ForecastError::Diverged(spec))?;
        let mut sigma2 = r.sse / n;
        if !sigma2.is_finite() {
            return Err(ForecastError::Diverged(spec));
        }
        // an exact fit (to rounding): zero variance, +∞ log-likelihood, −∞ AICc
        let exact = sigma2 <= self.objective.layout.floor;
        if exact {
            sigma2 = 0.0;
        }
        let log_likelihood = if exact {
            f64::INFINITY
        } else {
            -0.5 * (n * (sigma2.ln() + 1.0 + (2.0 * std::f64::consts::PI).ln())) - r.log_mu
        };
        let aicc = if exact { f64::NEG_INFINITY } else { aicc(log_likelihood, free_parameters(&spec), self.y.len()) };
        EtsModel {
            spec,
            params,
            level: r.level,
            trend: r.trend,
            season: r.season,
            sigma2,
            log_likelihood,
            aicc,
            n: self.y.len(),
            fitted: r.fitted,
        }
        .checked()
        .map_err(|_| ForecastError::Diverged(spec))
    }
}
