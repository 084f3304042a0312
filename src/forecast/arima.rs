//! Seasonal ARIMA(p,d,q)(P,D,Q)\[m\] with a mean or drift, estimated as statsforecast's and R's
//! `arima` do by default ("CSS-ML"): the conditional sum of squares gives the start, then the
//! exact Gaussian likelihood (Kalman filter on the state-space form) is maximised over the AR
//! coefficients transformed to stationarity (partial autocorrelations), the MA coefficients and
//! the constant, with σ² concentrated out. Forecasts come with analytic normal intervals from
//! the ψ-weights of the full (differenced) model.
//!
//! [`AutoArima`](super::AutoArima) chooses the orders (Hyndman & Khandakar 2008).

use std::fmt;

use super::arima_kalman::{
    css, filter, invpartrans, likelihood, log_likelihood, partrans, roots_outside, Arma, Scratch,
};
use super::optim::minimise;
use super::prediction::{check_request, Forecaster, Method, Prediction};
use super::{ArimaProblem, ForecastError};
use crate::limits::{self, MAX_SEASON};

/// Largest ARMA state (`max(p + m P, q + m Q + 1)`) a fit accepts: the likelihood costs the
/// cube of it.
pub const MAX_ARIMA_STATE: usize = 120;

/// An ARIMA model form: ARIMA(p,d,q)(P,D,Q)\[m\], with or without a constant.
///
/// The constant is the mean when there is no difference (`d + D = 0`) and the drift (the mean
/// step per period) with one difference (`d + D = 1`); with two or more differences a constant
/// is refused, as in R's `forecast::Arima`.
///
/// ```
/// use revops::forecast::ArimaSpec;
/// let airline = ArimaSpec::new(0, 1, 1).seasonal(0, 1, 1, 12);
/// assert_eq!(airline.to_string(), "ARIMA(0,1,1)(0,1,1)[12]");
/// assert_eq!(ArimaSpec::new(1, 1, 0).with_constant(true).to_string(), "ARIMA(1,1,0) with drift");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ArimaSpec {
    /// Non-seasonal (p, d, q): AR order, differences, MA order.
    pub order: (usize, usize, usize),
    /// Seasonal (P, D, Q, m): seasonal AR order, seasonal differences, seasonal MA order and the
    /// season length (1 and zeros for none).
    pub seasonal: (usize, usize, usize, usize),
    /// A mean (no difference) or a drift (one difference).
    pub constant: bool,
}

impl ArimaSpec {
    /// ARIMA(p,d,q) without a season or constant.
    pub fn new(p: usize, d: usize, q: usize) -> ArimaSpec {
        ArimaSpec { order: (p, d, q), seasonal: (0, 0, 0, 1), constant: false }
    }

    /// The same form with a seasonal part (P,D,Q) of season `m`.
    pub fn seasonal(self, p: usize, d: usize, q: usize, m: usize) -> ArimaSpec {
        ArimaSpec { seasonal: (p, d, q, m), ..self }
    }

    /// The same form with or without a constant (a mean or a drift).
    pub fn with_constant(self, constant: bool) -> ArimaSpec {
        ArimaSpec { constant, ..self }
    }

    /// The number of estimated coefficients (AR, MA, seasonal AR and MA, constant).
    pub fn coefficients(&self) -> usize {
        let (p, _, q) = self.order;
        let (sp, _, sq, _) = self.seasonal;
        p.saturating_add(q).saturating_add(sp).saturating_add(sq).saturating_add(usize::from(self.constant))
    }

    fn layout(&self) -> Result<Layout, ForecastError> {
        let (p, d, q) = self.order;
        let (sp, sd, sq, m) = self.seasonal;
        let bad = |reason| ForecastError::ArimaForm { spec: *self, reason };
        limits::check("seasonal period", m, MAX_SEASON)?;
        let seasonal = sp > 0 || sd > 0 || sq > 0;
        if seasonal && m < 2 {
            return Err(bad(ArimaProblem::NoSeason));
        }
        if d > 2 || sd > 2 {
            return Err(bad(ArimaProblem::TooManyDifferences));
        }
        if self.constant && d + sd > 1 {
            return Err(bad(ArimaProblem::ConstantWithDifferences));
        }
        let m = if seasonal { m } else { 1 };
        let np = p.saturating_add(sp.saturating_mul(m));
        let nq = q.saturating_add(sq.saturating_mul(m));
        if np.max(nq.saturating_add(1)) > MAX_ARIMA_STATE || p.max(q).max(sp).max(sq) > MAX_ARIMA_STATE {
            return Err(bad(ArimaProblem::StateTooLarge));
        }
        Ok(Layout { p, d, q, sp, sd, sq, m, np, nq, r: np.max(nq + 1), constant: self.constant })
    }
}

impl fmt::Display for ArimaSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (p, d, q) = self.order;
        let (sp, sd, sq, m) = self.seasonal;
        write!(f, "ARIMA({p},{d},{q})")?;
        if sp > 0 || sd > 0 || sq > 0 {
            write!(f, "({sp},{sd},{sq})[{m}]")?;
        }
        if self.constant {
            f.write_str(if d == 0 && sd == 0 { " with non-zero mean" } else { " with drift" })?;
        }
        Ok(())
    }
}

/// The shape of a checked spec.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    p: usize,
    d: usize,
    q: usize,
    sp: usize,
    sd: usize,
    sq: usize,
    m: usize,
    /// Length of the expanded AR polynomial, `p + m P`.
    np: usize,
    /// Length of the expanded MA polynomial, `q + m Q`.
    nq: usize,
    /// State dimension.
    r: usize,
    constant: bool,
}

impl Layout {
    fn arma_len(&self) -> usize {
        self.p + self.q + self.sp + self.sq
    }

    /// Where the AR and seasonal AR coefficients sit among the ARMA ones, as (start, length).
    fn ar_blocks(&self) -> [(usize, usize); 2] {
        [(0, self.p), (self.p + self.q, self.sp)]
    }

    /// Points lost to differencing.
    fn lost(&self) -> usize {
        self.d + self.m * self.sd
    }

    /// The expanded φ and θ of coefficients `c` (`[ar, ma, sar, sma]`).
    fn expand(&self, c: &[f64], phi: &mut Vec<f64>, theta: &mut Vec<f64>) {
        let (p, q, sp, sq, m) = (self.p, self.q, self.sp, self.sq, self.m);
        let (ar, ma, sar, sma) = (&c[..p], &c[p..p + q], &c[p + q..p + q + sp], &c[p + q + sp..p + q + sp + sq]);
        phi.clear();
        phi.resize(self.np, 0.0);
        theta.clear();
        theta.resize(self.nq, 0.0);
        phi[..p].copy_from_slice(ar);
        theta[..q].copy_from_slice(ma);
        for (j, s) in sar.iter().enumerate() {
            phi[(j + 1) * m - 1] += s;
            for (i, a) in ar.iter().enumerate() {
                phi[(j + 1) * m + i] -= a * s;
            }
        }
        for (j, s) in sma.iter().enumerate() {
            theta[(j + 1) * m - 1] += s;
            for (i, a) in ma.iter().enumerate() {
                theta[(j + 1) * m + i] += a * s;
            }
        }
    }

    /// The coefficients of `(1 − B)^d (1 − B^m)^D = 1 − Σ δ_i Bⁱ`: the δ.
    fn delta(&self) -> Vec<f64> {
        let mut poly = vec![1.0];
        let mut times = |lag: usize| {
            let mut next = vec![0.0; poly.len() + lag];
            for (i, c) in poly.iter().enumerate() {
                next[i] += c;
                next[i + lag] -= c;
            }
            poly = next;
        };
        (0..self.d).for_each(|_| times(1));
        (0..self.sd).for_each(|_| times(self.m));
        poly[1..].iter().map(|c| -c).collect()
    }

    /// `y` differenced d times at lag 1 and D times at lag m.
    fn difference(&self, y: &[f64]) -> Vec<f64> {
        let mut w = y.to_vec();
        for _ in 0..self.d {
            w = w.windows(2).map(|x| x[1] - x[0]).collect();
        }
        for _ in 0..self.sd {
            w = w.windows(self.m + 1).map(|x| x[self.m] - x[0]).collect();
        }
        w
    }

    /// The constant's effect on the differenced series: the mean itself, or the drift times
    /// `m^D` (one difference at lag m turns a slope into m times it).
    fn constant_scale(&self) -> f64 {
        if self.sd == 1 {
            self.m as f64
        } else {
            1.0
        }
    }
}

/// A fitted ARIMA model: plain, serialisable coefficients and the final state.
///
/// Its parts agree by construction: one coefficient per order, finite values, a state of the
/// form's dimension and the last `d + m D` observations to undifference the forecasts. A model
/// comes from [`ArimaSpec::fit`], [`AutoArima`](super::AutoArima) or deserialisation, which runs
/// the same checks.
///
/// ```
/// use revops::forecast::{ArimaModel, ArimaSpec};
/// use rand::{rngs::StdRng, RngExt, SeedableRng};
/// // an AR(1) around 50 with φ = 0.6, driven by seeded uniform noise
/// let mut rng = StdRng::seed_from_u64(7);
/// let mut y = vec![50.0];
/// for t in 1..200 { y.push(50.0 + 0.6 * (y[t - 1] - 50.0) + rng.random::<f64>() - 0.5); }
/// let model = ArimaSpec::new(1, 0, 0).with_constant(true).fit(&y)?;
/// assert!((model.ar()[0] - 0.6).abs() < 0.15 && (model.constant().unwrap() - 50.0).abs() < 1.0);
/// let p = model.predict(4, &[0.8, 0.95])?;
/// assert!(p.interval(0.95).unwrap().lower[3] < p.interval(0.8).unwrap().lower[3]);
/// # #[cfg(feature = "serde")] {
/// let json = serde_json::to_string(&model).unwrap();
/// assert_eq!(serde_json::from_str::<ArimaModel>(&json).unwrap(), model);
/// let mut bad: serde_json::Value = serde_json::from_str(&json).unwrap();
/// bad["ar"] = serde_json::json!([]); // the form says one AR coefficient
/// assert!(serde_json::from_value::<ArimaModel>(bad).is_err());
/// # }
/// # Ok::<(), revops::forecast::ForecastError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ArimaModelRepr"))]
pub struct ArimaModel {
    spec: ArimaSpec,
    ar: Vec<f64>,
    ma: Vec<f64>,
    sar: Vec<f64>,
    sma: Vec<f64>,
    constant: f64,
    sigma2: f64,
    log_likelihood: f64,
    aicc: f64,
    n: usize,
    /// The filtered ARMA state after the last observation.
    state: Vec<f64>,
    /// Its covariance in units of σ² (row-major; zero once the filter has converged).
    state_cov: Vec<f64>,
    /// The last `d + m D` observations.
    tail: Vec<f64>,
}

// JSON writes ±∞ as `null`: an exact fit's log-likelihood (+∞) and AICc (−∞), and the +∞ AICc
// of a fit with too few points for the small-sample correction.
deserialize_via!(
    ArimaModel,
    ArimaModelRepr {
        spec: ArimaSpec,
        ar: Vec<f64>,
        ma: Vec<f64>,
        sar: Vec<f64>,
        sma: Vec<f64>,
        constant: f64,
        sigma2: f64,
        log_likelihood: Option<f64>,
        aicc: Option<f64>,
        n: usize,
        state: Vec<f64>,
        state_cov: Vec<f64>,
        tail: Vec<f64>,
    },
    ForecastError,
    |r| ArimaModel {
        spec: r.spec,
        ar: r.ar,
        ma: r.ma,
        sar: r.sar,
        sma: r.sma,
        constant: r.constant,
        sigma2: r.sigma2,
        log_likelihood: match r.log_likelihood {
            Some(v) => v,
            None if r.sigma2 == 0.0 => f64::INFINITY,
            None => return Err(ForecastError::InvalidModel("only an exact fit has an infinite log-likelihood")),
        },
        aicc: r.aicc.unwrap_or(if r.sigma2 == 0.0 { f64::NEG_INFINITY } else { f64::INFINITY }),
        n: r.n,
        state: r.state,
        state_cov: r.state_cov,
        tail: r.tail,
    }
    .checked()
);

/// Relative tolerance of the optimiser on the objective (the concentrated −log-likelihood per
/// observation).
const FTOL: f64 = 1e-8;
/// Most BFGS steps per optimisation.
const ITERATIONS: usize = 100;

impl ArimaSpec {
    /// Fit by conditional sum of squares, then maximum likelihood (statsforecast's "CSS-ML").
    ///
    /// # Errors
    ///
    /// [`ForecastError::NonFinite`] and [`ForecastError::TooLarge`] for a series no model can
    /// use; [`ForecastError::ShortSeries`] for fewer than `d + m D + max(p + m P, k) + 2` points
    /// (k coefficients); [`ForecastError::Limit`] for a season above
    /// [`MAX_SEASON`](crate::limits::MAX_SEASON); [`ForecastError::ArimaForm`] for a form that
    /// cannot be fitted (a constant with two differences, a seasonal part without a season, a
    /// state above [`MAX_ARIMA_STATE`]); [`ForecastError::ArimaFit`] when the conditional sum of
    /// squares gives a non-stationary AR part or the likelihood cannot be evaluated.
    pub fn fit(&self, y: &[f64]) -> Result<ArimaModel, ForecastError> {
        self.estimate(y, Estimate::Likelihood)
    }

    /// The conditional-sum-of-squares estimate alone, scored as Hyndman & Khandakar's
    /// approximate search scores it: the model's log-likelihood is the stand-in
    /// `−(offset + n* ln σ²_CSS) / 2` (n* points after differencing), so that its AICc is R's
    /// and statsforecast's `offset + n* ln σ²_CSS + 2 (k + 1)` plus the small-sample term.
    pub(super) fn fit_css(&self, y: &[f64], offset: f64) -> Result<ArimaModel, ForecastError> {
        self.estimate(y, Estimate::ConditionalSumOfSquares { offset })
    }

    /// [`ArimaSpec::fit`] or [`ArimaSpec::fit_css`]: the series checked, long enough for the
    /// form's differences and coefficients, then differenced and estimated.
    fn estimate(&self, y: &[f64], estimate: Estimate<'_>) -> Result<ArimaModel, ForecastError> {
        validate(y)?;
        let lay = self.layout()?;
        self.check_length(&lay, y)?;
        let w = lay.difference(y);
        fit_differenced(*self, &lay, y, &w, estimate)
    }

    /// `ShortSeries` below `d + m D + max(p + m P, k) + 2` points: the differenced series then
    /// holds at least two points more than the coefficients, so σ² (its residuals' sum of
    /// squares over that excess) never divides by zero or a negative count.
    fn check_length(&self, lay: &Layout, y: &[f64]) -> Result<(), ForecastError> {
        let needed = lay.lost() + lay.np.max(self.coefficients()) + 2;
        if y.len() < needed {
            return Err(ForecastError::ShortSeries { needed, got: y.len() });
        }
        Ok(())
    }

    /// The model with the given coefficients (statsforecast's `fixed`, all of them): AR, MA,
    /// seasonal AR, seasonal MA, then the constant, as [`ArimaModel::coefficients`] lists them.
    /// Nothing is estimated but σ²; the log-likelihood is that of these coefficients.
    ///
    /// ```
    /// use revops::forecast::ArimaSpec;
    /// let y: Vec<f64> = (0..40).map(|t| 10.0 + (t as f64 * 0.7).sin()).collect();
    /// let spec = ArimaSpec::new(1, 0, 0).with_constant(true);
    /// let fixed = spec.fit_fixed(&y, &[0.5, 10.0])?;
    /// assert!(fixed.log_likelihood() <= spec.fit(&y)?.log_likelihood() + 1e-9);
    /// assert!(spec.fit_fixed(&y, &[0.5]).is_err()); // one coefficient short
    /// # Ok::<(), revops::forecast::ForecastError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ArimaSpec::fit`] (so [`ForecastError::ShortSeries`] for fewer than
    /// `d + m D + max(p + m P, k) + 2` points); [`ForecastError::Lengths`] when `coefficients`
    /// does not have one value per coefficient, [`ForecastError::NonFinite`] for a non-finite one, and
    /// [`ForecastError::ArimaFit`] when the AR part is not stationary.
    pub fn fit_fixed(&self, y: &[f64], coefficients: &[f64]) -> Result<ArimaModel, ForecastError> {
        validate(y)?;
        let lay = self.layout()?;
        let k = self.coefficients();
        if coefficients.len() != k {
            return Err(ForecastError::Lengths { what: "ARIMA coefficients", expected: k, got: coefficients.len() });
        }
        if let Some(i) = coefficients.iter().position(|c| !c.is_finite()) {
            return Err(ForecastError::NonFinite(i));
        }
        // as `fit`: fewer points would leave σ² none (or fewer than none) over the coefficients
        self.check_length(&lay, y)?;
        let w = lay.difference(y);
        fit_differenced(*self, &lay, y, &w, Estimate::Fixed(coefficients))
    }
}

/// A series any ARIMA can work on: finite, and small enough that its squares stay finite.
pub(super) fn validate(y: &[f64]) -> Result<(), ForecastError> {
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(ForecastError::NonFinite(i));
    }
    let mut squares = 0.0f64;
    for (i, v) in y.iter().enumerate() {
        // differences double values at most twice per kind: leave room for 16×
        squares += 256.0 * v * v;
        if !squares.is_finite() {
            return Err(ForecastError::TooLarge(i));
        }
    }
    Ok(())
}

/// What [`fit_differenced`] estimates.
enum Estimate<'a> {
    /// Conditional sum of squares, then the exact likelihood ("CSS-ML").
    Likelihood,
    /// Conditional sum of squares alone, scored with the approximate search's `offset`.
    ConditionalSumOfSquares { offset: f64 },
    /// Nothing: these coefficients.
    Fixed(&'a [f64]),
}

struct Work {
    scratch: Scratch,
    phi: Vec<f64>,
    theta: Vec<f64>,
    coef: Vec<f64>,
    centred: Vec<f64>,
    resid: Vec<f64>,
}

fn fit_differenced(
    spec: ArimaSpec,
    lay: &Layout,
    y: &[f64],
    w: &[f64],
    estimate: Estimate<'_>,
) -> Result<ArimaModel, ForecastError> {
    let nw = w.len();
    let narma = lay.arma_len();
    let mean = w.iter().sum::<f64>() / nw as f64;
    let var = w.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nw as f64;
    let failed = |reason| ForecastError::ArimaFit { spec, reason };
    // the constant is searched as mean + scale × u (a standard error of the mean per unit)
    let scale = (var / nw as f64).sqrt().max(1e-8 * mean.abs()).max(f64::MIN_POSITIVE);
    let mu0 = mean / lay.constant_scale();
    // an exact fit: the differenced series constant to rounding, relative to the series' own
    // size (the rounding of its differences; an absolute floor would take a series in tiny
    // units for an exact fit)
    let size = y.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let exact = var.sqrt() <= super::EXACT_TO * size && (lay.constant || mean.abs() <= super::EXACT_TO * size);
    let mut wk = Work {
        scratch: Scratch::default(),
        phi: Vec::new(),
        theta: Vec::new(),
        coef: vec![0.0; narma],
        centred: vec![0.0; nw],
        resid: Vec::new(),
    };
    let nfree = narma + usize::from(lay.constant);
    let constant_of = |x: &[f64]| if lay.constant { mu0 + scale * x[narma] / lay.constant_scale() } else { 0.0 };
    let centre = |wk: &mut Work, c: f64| {
        let shift = c * lay.constant_scale();
        for (o, v) in wk.centred.iter_mut().zip(w) {
            *o = v - shift;
        }
    };
    if let Estimate::Fixed(c) = estimate {
        wk.coef.copy_from_slice(&c[..narma]);
        let constant = c.get(narma).copied().unwrap_or(0.0);
        centre(&mut wk, constant);
        lay.expand(&wk.coef, &mut wk.phi, &mut wk.theta);
        let arma = Arma { phi: &wk.phi, theta: &wk.theta, r: lay.r };
        let s = filter(&wk.centred, arma, &mut wk.scratch, None, None).ok_or(failed(ArimaProblem::Likelihood))?;
        let loglik = if s.ssq > 0.0 { log_likelihood(s.objective(nw), nw) } else { f64::INFINITY };
        return finish(spec, lay, y, &mut wk, constant, loglik);
    }
    if exact {
        // the differenced series is constant: every coefficient zero, no error
        let c = if lay.constant { mu0 } else { 0.0 };
        centre(&mut wk, c);
        return finish(spec, lay, y, &mut wk, c, f64::INFINITY);
    }
    // Both objectives are taken in units of the differenced series' root mean square: in the
    // caller's units they would move by ln c for a series multiplied by c, and so would where
    // the optimiser, which stops on a change relative to the value, stops (forecasts 3e-5 apart
    // in two units). `units` is added back to the values reported.
    let units = (w.iter().map(|v| v * v).sum::<f64>() / nw as f64).sqrt().max(f64::MIN_POSITIVE).ln();
    // 1. conditional sum of squares from zero coefficients and the sample mean
    let css_objective = |x: &[f64], wk: &mut Work| -> f64 {
        centre(wk, constant_of(x));
        lay.expand(&x[..narma], &mut wk.phi, &mut wk.theta);
        let arma = Arma { phi: &wk.phi, theta: &wk.theta, r: lay.r };
        let s2 = css(&wk.centred, arma, &mut wk.resid);
        if s2 > 0.0 {
            0.5 * s2.ln() - units
        } else {
            f64::NEG_INFINITY
        }
    };
    let x0 = vec![0.0; nfree];
    let (x_css, css_value) = optimise(&x0, |x| css_objective(x, &mut wk));
    let css_value = css_value + units;
    // 2. the exact likelihood from there, the AR parts as partial autocorrelations
    let mut start = x_css.clone();
    for (from, len) in lay.ar_blocks() {
        if len > 0 {
            let raw = invpartrans(&x_css[from..from + len]).ok_or(failed(ArimaProblem::NonStationaryStart))?;
            start[from..from + len].copy_from_slice(&raw);
        }
    }
    if let Estimate::ConditionalSumOfSquares { offset } = estimate {
        // (the AR part was checked stationary above, as R's and statsforecast's CSS fits check it)
        wk.coef.copy_from_slice(&x_css[..narma]);
        let c = constant_of(&x_css);
        centre(&mut wk, c);
        // css_value is ln σ²_CSS / 2
        let loglik = -0.5 * (offset + nw as f64 * 2.0 * css_value);
        return finish(spec, lay, y, &mut wk, c, loglik);
    }
    let ml_objective = |x: &[f64], wk: &mut Work| -> f64 {
        transform(lay, x, &mut wk.coef);
        centre(wk, constant_of(x));
        lay.expand(&wk.coef, &mut wk.phi, &mut wk.theta);
        let arma = Arma { phi: &wk.phi, theta: &wk.theta, r: lay.r };
        likelihood(&wk.centred, arma, &mut wk.scratch).map_or(f64::INFINITY, |s| s.objective(nw) - units)
    };
    let (mut x_ml, mut value) = optimise(&start, |x| ml_objective(x, &mut wk));
    // An AR part that ended against the unit circle (a partial autocorrelation past ±0.99,
    // where the transformed gradient all but vanishes) with a constant, which is all but
    // unidentified there, may have stopped on the slope of a better optimum inside it, reached
    // from the CSS start's near-unit root (a trending series with a mean: 1.7 log-likelihood
    // units short on a straight line). Start once more with those partial autocorrelations at
    // ±0.9 and the constant at the sample mean; keep the better. (Forms without a constant
    // are left as found: the restart moved none of them on the comparison series, and cost
    // AutoARIMA 40 % on AirPassengers.)
    let near_unit = |x: &[f64]| {
        lay.ar_blocks().iter().any(|&(from, len)| x[from..from + len].iter().any(|v| v.tanh().abs() > 0.99))
    };
    if lay.constant && near_unit(&x_ml) {
        let mut again = start.clone();
        let inside = 0.9f64.atanh();
        for (from, len) in lay.ar_blocks() {
            again[from..from + len].iter_mut().for_each(|v| *v = v.clamp(-inside, inside));
        }
        again[narma] = 0.0;
        let (x2, v2) = optimise(&again, |x| ml_objective(x, &mut wk));
        if v2 < value {
            (x_ml, value) = (x2, v2);
        }
    }
    if !value.is_finite() {
        return Err(failed(ArimaProblem::Likelihood));
    }
    transform(lay, &x_ml, &mut wk.coef);
    // a first-order MA factor outside the invertible region has the same likelihood as its
    // reflection 1/θ (with σ² rescaled): report the invertible one, as R's arima does (higher
    // orders are left as found, as statsforecast leaves every order)
    for (len, at) in [(lay.q, lay.p), (lay.sq, lay.p + lay.q + lay.sp)] {
        if len == 1 && wk.coef[at].abs() > 1.0 {
            wk.coef[at] = 1.0 / wk.coef[at];
        }
    }
    let c = constant_of(&x_ml);
    centre(&mut wk, c);
    let loglik = log_likelihood(value + units, nw);
    finish(spec, lay, y, &mut wk, c, loglik)
}

/// AR blocks through [`partrans`]; MA coefficients as they are.
fn transform(lay: &Layout, x: &[f64], out: &mut Vec<f64>) {
    let narma = lay.arma_len();
    out.clear();
    out.extend_from_slice(&x[..narma]);
    if lay.p > 0 {
        partrans(&x[..lay.p], &mut out[..lay.p]);
    }
    let v = lay.p + lay.q;
    if lay.sp > 0 {
        partrans(&x[v..v + lay.sp], &mut out[v..v + lay.sp]);
    }
}

/// BFGS with forward-difference gradients (as scipy's, which statsforecast uses).
fn optimise(x0: &[f64], mut f: impl FnMut(&[f64]) -> f64) -> (Vec<f64>, f64) {
    if x0.is_empty() {
        return (vec![], f(x0));
    }
    let mut xs = x0.to_vec();
    let objective = |x: &[f64], g: Option<&mut [f64]>| {
        let v = f(x);
        if let Some(g) = g {
            xs.copy_from_slice(x);
            for i in 0..x.len() {
                let h = 1e-7 * x[i].abs().max(1e-1);
                xs[i] = x[i] + h;
                let up = f(&xs);
                xs[i] = x[i];
                g[i] = (up - v) / h;
            }
        }
        v
    };
    minimise(objective, x0, FTOL, 0.0, ITERATIONS, &mut None)
}

/// The model from its coefficients (in `wk.coef`) and the centred series (in `wk.centred`):
/// one last filter pass gives the state, the residuals and σ².
fn finish(
    spec: ArimaSpec,
    lay: &Layout,
    y: &[f64],
    wk: &mut Work,
    constant: f64,
    loglik: f64,
) -> Result<ArimaModel, ForecastError> {
    let narma = lay.arma_len();
    wk.coef.resize(narma, 0.0);
    lay.expand(&wk.coef, &mut wk.phi, &mut wk.theta);
    let arma = Arma { phi: &wk.phi, theta: &wk.theta, r: lay.r };
    let (mut state, mut state_cov) = (Vec::new(), Vec::new());
    filter(&wk.centred, arma, &mut wk.scratch, Some(&mut wk.resid), Some((&mut state, &mut state_cov)))
        .ok_or(ForecastError::ArimaFit { spec, reason: ArimaProblem::Likelihood })?;
    let nstar = wk.centred.len();
    let k = spec.coefficients();
    // statsforecast's formula for σ², over the differenced series' residuals alone
    let ssq: f64 = wk.resid.iter().map(|e| e * e).sum();
    let sigma2 = if loglik == f64::INFINITY { 0.0 } else { ssq / (nstar as f64 - k as f64) };
    // σ² counts as a parameter
    let aicc = crate::stats::aicc(loglik, k + 1, nstar);
    let c = &wk.coef;
    let (p, q, sp) = (lay.p, lay.q, lay.sp);
    ArimaModel {
        spec,
        ar: c[..p].to_vec(),
        ma: c[p..p + q].to_vec(),
        sar: c[p + q..p + q + sp].to_vec(),
        sma: c[p + q + sp..].to_vec(),
        constant: if lay.constant { constant } else { 0.0 },
        sigma2,
        log_likelihood: loglik,
        aicc: if loglik == f64::INFINITY { f64::NEG_INFINITY } else { aicc },
        n: y.len(),
        state,
        state_cov,
        tail: y[y.len() - lay.lost()..].to_vec(),
    }
    .checked()
}

impl ArimaModel {
    fn checked(self) -> Result<ArimaModel, ForecastError> {
        let bad = ForecastError::InvalidModel("an ARIMA model's parts must be finite and agree with its form");
        let lay = self.spec.layout().map_err(|_| bad.clone())?;
        let lengths = self.ar.len() == lay.p
            && self.ma.len() == lay.q
            && self.sar.len() == lay.sp
            && self.sma.len() == lay.sq
            && self.state.len() == lay.r
            && self.state_cov.len() == lay.r * lay.r
            && crate::stats::linalg::is_covariance(&self.state_cov, lay.r)
            && self.tail.len() == lay.lost()
            && self.n >= lay.lost();
        let finite = [&self.ar, &self.ma, &self.sar, &self.sma, &self.state, &self.state_cov, &self.tail]
            .iter()
            .all(|v| v.iter().all(|x| x.is_finite()))
            && self.constant.is_finite()
            && self.sigma2.is_finite();
        let exact = self.sigma2 == 0.0 && self.log_likelihood == f64::INFINITY;
        let stats = exact || (self.log_likelihood.is_finite() && !self.aicc.is_nan() && self.aicc != f64::NEG_INFINITY);
        if !lengths || !finite || self.sigma2 < 0.0 || !stats || (!self.spec.constant && self.constant != 0.0) {
            return Err(bad);
        }
        // squares of the tail must stay finite through the undifferencing
        validate(&self.tail)?;
        Ok(self)
    }

    /// The form.
    pub fn spec(&self) -> ArimaSpec {
        self.spec
    }

    /// AR coefficients φ₁…φ_p (the polynomial `1 − Σ φ_i Bⁱ`).
    pub fn ar(&self) -> &[f64] {
        &self.ar
    }

    /// MA coefficients θ₁…θ_q (the polynomial `1 + Σ θ_j Bʲ`).
    pub fn ma(&self) -> &[f64] {
        &self.ma
    }

    /// Seasonal AR coefficients Φ₁…Φ_P.
    pub fn seasonal_ar(&self) -> &[f64] {
        &self.sar
    }

    /// Seasonal MA coefficients Θ₁…Θ_Q.
    pub fn seasonal_ma(&self) -> &[f64] {
        &self.sma
    }

    /// The mean (no difference) or drift (one difference), if the form has a constant.
    pub fn constant(&self) -> Option<f64> {
        self.spec.constant.then_some(self.constant)
    }

    /// Every coefficient in statsforecast's order: AR, MA, seasonal AR, seasonal MA, constant.
    pub fn coefficients(&self) -> Vec<f64> {
        let mut c = [&self.ar[..], &self.ma, &self.sar, &self.sma].concat();
        c.extend(self.constant());
        c
    }

    /// Innovation variance σ²: the sum of the squared standardised one-step residuals of the
    /// differenced series over `n − d − m D − k`, statsforecast's formula. statsforecast also
    /// counts its first `d + m D` residuals, those of its diffuse start (each about the series'
    /// value ÷ 1000), so on a differenced series at a large level its σ² is larger. σ² here does
    /// not move when the series is shifted by a constant, as a differenced model's should not.
    pub fn sigma2(&self) -> f64 {
        self.sigma2
    }

    /// Exact Gaussian log-likelihood of the differenced series (+∞ for an exact fit).
    pub fn log_likelihood(&self) -> f64 {
        self.log_likelihood
    }

    /// AICc (σ² counted as a parameter, as statsforecast; +∞ when the points are too few).
    pub fn aicc(&self) -> f64 {
        self.aicc
    }

    /// Observations fitted.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Whether a root of the expanded AR or MA polynomial lies within 1.01 of the unit circle
    /// (only polynomials of degree 2 or more are checked, as statsforecast does): AutoARIMA
    /// refuses such models.
    pub(super) fn near_unit_root(&self) -> bool {
        let Ok(lay) = self.spec.layout() else { return true };
        let (mut phi, mut theta) = (Vec::new(), Vec::new());
        lay.expand(&[&self.ar[..], &self.ma, &self.sar, &self.sma].concat(), &mut phi, &mut theta);
        let trim = |v: &[f64]| v.iter().rposition(|c| c.abs() > 1e-8).map_or(0, |i| i + 1);
        let (np, nq) = (trim(&phi), trim(&theta));
        let ma: Vec<f64> = theta[..nq].iter().map(|t| -t).collect();
        (np > 1 && !roots_outside(&phi[..np], 1.01)) || (nq > 1 && !roots_outside(&ma, 1.01))
    }

    /// Point forecasts and normal intervals at each of `levels`: the variance after h steps is
    /// `σ² Σ_{j<h} ψ_j²`, the ψ-weights of `θ(B)Θ(Bᵐ) / (φ(B)Φ(Bᵐ)(1 − B)ᵈ(1 − Bᵐ)ᴰ)`.
    ///
    /// # Errors
    ///
    /// [`ForecastError::ZeroCount`], [`ForecastError::Level`] and [`ForecastError::Limit`] for a
    /// horizon of 0 or above [`MAX_HORIZON`](crate::limits::MAX_HORIZON), a level outside (0, 1),
    /// or `levels × h` above [`MAX_TRIALS`](crate::limits::MAX_TRIALS);
    /// [`ForecastError::Overflow`] when an explosive model's forecasts overflow.
    pub fn predict(&self, h: usize, levels: &[f64]) -> Result<Prediction, ForecastError> {
        check_request(h, levels)?;
        let lay = self.spec.layout()?;
        let (mut phi, mut theta) = (Vec::new(), Vec::new());
        lay.expand(&[&self.ar[..], &self.ma, &self.sar, &self.sma].concat(), &mut phi, &mut theta);
        let r = lay.r;
        let mu = self.constant * lay.constant_scale();
        // the ARMA part: a ← T a from the last filtered state
        let mut a = self.state.clone();
        let mut w = Vec::with_capacity(h);
        for _ in 0..h {
            let a0 = a[0];
            for i in 0..r {
                a[i] = if i + 1 < r { a[i + 1] } else { 0.0 } + phi.get(i).map_or(0.0, |f| f * a0);
            }
            w.push(a[0] + mu);
        }
        // undifference: x_t = w_t + Σ δ_i x_{t−i}
        let delta = lay.delta();
        let mut x = self.tail.clone();
        for wt in &w {
            let t = x.len();
            x.push(wt + delta.iter().enumerate().map(|(i, d)| d * x[t - 1 - i]).sum::<f64>());
        }
        let mean = x.split_off(self.tail.len());
        // ψ-weights of the full model
        let mut full = vec![1.0];
        full.extend(phi.iter().map(|f| -f));
        let mut diff = vec![1.0];
        diff.extend(delta.iter().map(|d| -d));
        let star: Vec<f64> = convolve(&full, &diff)[1..].iter().map(|c| -c).collect();
        let mut psi = Vec::with_capacity(h);
        let (mut variance, mut acc) = (Vec::with_capacity(h), 0.0);
        for j in 0..h {
            let mut v = if j == 0 { 1.0 } else { theta.get(j - 1).copied().unwrap_or(0.0) };
            for (i, s) in star.iter().enumerate().take(j) {
                v += s * psi[j - 1 - i];
            }
            psi.push(v);
            acc += v * v;
            variance.push(self.sigma2 * acc);
        }
        // the last state's own uncertainty (not negligible for an MA part on or near the unit
        // circle): g_h' P g_h, with g_h = z_h + Σ δ_i g_{h−i} and z_h = Z T^h
        if self.state_cov.iter().any(|v| *v != 0.0) {
            let mut z = vec![0.0; r];
            z[0] = 1.0;
            // the last len(δ) of the g vectors, newest first
            let mut g: std::collections::VecDeque<Vec<f64>> =
                std::collections::VecDeque::with_capacity(delta.len() + 1);
            let mut pg = vec![0.0; r];
            for var in variance.iter_mut() {
                // z ← z T: (z T)_0 = Σ z_i φ_i, (z T)_j = z_{j−1}
                let z0: f64 = z.iter().zip(&phi).map(|(a, b)| a * b).sum();
                z.rotate_right(1);
                z[0] = z0;
                let mut gk = z.clone();
                for (d, prev) in delta.iter().zip(&g) {
                    gk.iter_mut().zip(prev).for_each(|(a, b)| *a += d * b);
                }
                for (i, out) in pg.iter_mut().enumerate() {
                    *out = (0..r).map(|j| self.state_cov[i * r + j] * gk[j]).sum();
                }
                *var += self.sigma2 * gk.iter().zip(&pg).map(|(a, b)| a * b).sum::<f64>();
                g.push_front(gk);
                g.truncate(delta.len());
            }
        }
        if mean.iter().chain(&variance).any(|v| !v.is_finite()) {
            return Err(ForecastError::Overflow("ARIMA forecast"));
        }
        Prediction::normal(mean, &variance, levels).finite()
    }
}

fn convolve(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

impl Method for ArimaSpec {
    fn name(&self) -> String {
        self.to_string()
    }

    fn fit_series(&self, y: &[f64]) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(Box::new(self.fit(y)?))
    }
}

impl Forecaster for ArimaModel {
    fn name(&self) -> String {
        self.spec.to_string()
    }

    fn predict_with(&self, h: usize, levels: &[f64], _seed: u64) -> Result<Prediction, ForecastError> {
        self.predict(h, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // the fast recursion and the full filter are one likelihood, for any ARMA with any
        // seasonal structure (an early stop in the fast one once hid behind sparse polynomials)
        #[test]
        fn chandrasekhar_recursions_agree_with_the_kalman_filter_on_any_seasonal_arma(
            pacf in proptest::collection::vec(-0.95f64..0.95, 0..3),
            seasonal_pacf in proptest::collection::vec(-0.9f64..0.9, 0..2),
            ma in proptest::collection::vec(-1.2f64..1.2, 0..3),
            seasonal_ma in proptest::collection::vec(-1.0f64..1.0, 0..2),
            m in proptest::sample::select(vec![2usize, 3, 4, 7, 12]),
            seed in 0u64..1_000,
            n in 20usize..160,
        ) {
            let (mut ar, mut sar) = (vec![0.0; pacf.len()], vec![0.0; seasonal_pacf.len()]);
            partrans(&pacf.iter().map(|v| v.atanh()).collect::<Vec<_>>(), &mut ar);
            partrans(&seasonal_pacf.iter().map(|v| v.atanh()).collect::<Vec<_>>(), &mut sar);
            let lay = ArimaSpec::new(ar.len(), 0, ma.len()).seasonal(sar.len(), 0, seasonal_ma.len(), m).layout().unwrap();
            let (mut phi, mut theta) = (Vec::new(), Vec::new());
            lay.expand(&[&ar[..], &ma, &sar, &seasonal_ma].concat(), &mut phi, &mut theta);
            let arma = Arma { phi: &phi, theta: &theta, r: lay.r };
            // a series of hashed noise about a slow wave
            let w: Vec<f64> = (0..n)
                .map(|t| {
                    let h = (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed.wrapping_mul(0xD1B5_4A32_D192_ED03);
                    (h >> 11) as f64 / (1u64 << 53) as f64 - 0.5 + (t as f64 * 0.3).sin()
                })
                .collect();
            let mut s = Scratch::default();
            let full = filter(&w, arma, &mut s, None, None).unwrap();
            let fast = likelihood(&w, arma, &mut s).unwrap();
            proptest::prop_assert!((full.ssq - fast.ssq).abs() <= 1e-8 * full.ssq, "{:?} {:?}", full, fast);
            proptest::prop_assert!((full.sumlog - fast.sumlog).abs() <= 1e-8 * full.sumlog.abs().max(1.0), "{:?} {:?}", full, fast);
        }
    }
}
