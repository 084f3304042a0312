"""statsmodels' ETSModel point forecasts and prediction intervals at its fitted parameters and final
states, for every ETS form revops fits, on the public series in tests/data/.

Writes CSV to stdout, one row per (series, form); tests/data/statsmodels_ets_forecasts.csv is this
script's output, and tests/ets_reference_forecasts.rs builds the crate's EtsModel from each row's
parameters and states and compares its forecasts. The cross-checks below go to stderr.

    /path/to/venv/bin/python comparisons/forecast_ets_intervals.py > tests/data/statsmodels_ets_forecasts.csv

Intervals, by the classes of Hyndman, Koehler, Ord & Snyder (2008), "Forecasting with Exponential
Smoothing: The State Space Approach", ch. 6 (Table 6.1):
- class 1, additive errors with no or additive (damped) trend and no or additive season:
  statsmodels' analytic ("exact") intervals, `get_prediction(method="exact")`.
- class 2, the same forms with multiplicative errors: statsmodels only simulates them, so the
  bounds are this script's analytic ones, `mu_h -/+ z sqrt(v_h)` with the class 2 variance of
  Hyndman et al. (2008) ch. 6 and Hyndman, Koehler, Ord & Snyder (2005, J. Forecasting 24, 17-37):
      v_h = (1 + sigma2) theta_h - mu_h^2,
      theta_1 = mu_1^2,  theta_h = mu_h^2 + sigma2 sum_{j=1}^{h-1} c_j^2 theta_{h-j},
      c_j = w' F^{j-1} g,  mu_h = w' F^{h-1} x_n
  (the function `class2` of R's forecast package computes the same), from the state space
  matrices built here, not from any closed form. statsmodels' simulated variance (20,000 paths)
  is written beside it as the cross-check. The forecast distribution itself is skewed, so these
  Gaussian bounds (R's forecast package gives the same) are not statsmodels' simulated quantiles:
  at h = 24 on near-random-walk forms the 95 % lower bound lies up to 58 % further from the mean.
- class 3, multiplicative errors with a multiplicative season: statsmodels' simulated quantiles
  (20,000 paths, a fixed generator), `get_prediction(method="simulated")`.
The same matrices give the class 1 variance `sigma2 (1 + sum_j c_j^2)`, checked here against
statsmodels' exact one, and the script re-runs the smoothing recursions from statsmodels'
initial states with its published parameters to check that they are Hyndman's alpha, beta and
gamma (statsmodels smooths with beta / alpha and gamma / (1 - alpha) internally).

One difference found that way: with a multiplicative season statsmodels' smoother (so its fit,
states and log-likelihood) updates the season with the new level, s_t = gamma* y_t / l_t +
(1 - gamma*) s_{t-m} (fpp's component form), which is not Hyndman's s_t = s_{t-m} (1 + gamma eps_t),
the recursion its own simulate() and the crate use. Over elec_equip's 257 months it moves the
final level by 0.4 % and the seasonal indices by up to 0.005. Forecasts from given final states
do not depend on it, so the ETS(M,*,M) rows still check the crate's forecasts; their states are
statsmodels' own.
"""
import pathlib
import sys
import warnings

import numpy as np
import pandas as pd
import statsmodels
from scipy.stats import norm

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from forecast_ets_loglik import fitted, forms, model  # noqa: E402  (every form the crate fits)

warnings.filterwarnings("ignore")

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"
SERIES = [("AirPassengers", 12), ("austourists", 4), ("oildata", 1), ("elec_equip", 12)]
REPETITIONS = 20_000
SEED = 20_261_204


def series(name):
    """The series as tests/forecast.rs's `public_series` reads it: one value a line, # comments."""
    lines = (DATA / f"{name}.csv").read_text().splitlines()
    return np.array([float(v) for v in lines if v and not v.startswith("#")])


def fit(y, period, error, trend, season):
    # get_prediction needs an index (it fails on a bare ndarray)
    return fitted(model(pd.Series(y), period, error, trend, season), trend, season)


def parameters(res, trend, season):
    alpha = float(res.alpha)
    beta = float(res.beta) if trend != "N" else 0.0
    gamma = float(res.gamma) if season != "N" else 0.0
    phi = float(res.phi) if trend == "Ad" else 1.0
    return alpha, beta, gamma, phi


def final_states(res, trend, season, m):
    """Level and trend after the last observation, and the last m seasonal states, oldest first
    (res.season[-m:]): the first is the state of the season of the first forecast step."""
    level = float(np.asarray(res.level)[-1])
    slope = float(np.asarray(res.slope)[-1]) if trend != "N" else 0.0
    ring = [float(v) for v in np.asarray(res.season)[-m:]] if season != "N" else []
    return level, slope, ring


def recursion_check(y, res, trend, season, m, params, component_form=False):
    """Final states from Hyndman et al. (2008) Table 2.3's error-correction recursions, run from
    statsmodels' initial states with its published (alpha, beta, gamma, phi): the largest
    difference from statsmodels' own final states, relative to the level (seasonal states of a
    multiplicative season relative to 1).

    With `component_form`, a multiplicative season is updated as statsmodels' smoother updates
    it, with the new level: s_t = gamma* y_t / l_t + (1 - gamma*) s_{t-m}, gamma* = gamma / (1 - alpha)
    (fpp's component form); Hyndman's s_t = s_{t-m} (1 + gamma eps_t), which statsmodels' own
    simulate() uses, is not the same recursion when the season is multiplicative."""
    alpha, beta, gamma, phi = params
    level = float(res.initial_level)
    slope = float(res.initial_trend) if trend != "N" else 0.0
    # initial_seasonal is oldest first: its first value is the season of the first observation
    ring = list(np.asarray(res.initial_seasonal, dtype=float)) if season != "N" else [0.0]
    mm = m if season != "N" else 1
    for t, obs in enumerate(y):
        s = ring[t % mm]
        tr = level + phi * slope
        mu = tr * s if season == "M" else tr + s
        e = obs - mu  # absolute error: the same updates serve additive and multiplicative errors
        if season == "M":
            level, slope = tr + alpha * e / s, phi * slope + beta * e / s
            if component_form:
                ring[t % mm] = gamma / (1 - alpha) * obs / level + (1 - gamma / (1 - alpha)) * s
            else:
                ring[t % mm] = s + gamma * e / tr
        else:
            level, slope, ring[t % mm] = tr + alpha * e, phi * slope + beta * e, s + gamma * e
        if trend == "N":
            slope = 0.0
    ring = ring[len(y) % mm :] + ring[: len(y) % mm]
    ref_level, ref_slope, ref_ring = final_states(res, trend, season, m)
    scale = np.array([ref_level, ref_level] + [1.0 if season == "M" else ref_level] * len(ref_ring))
    mine = np.array([level, slope] + (ring if season != "N" else []))
    theirs = np.array([ref_level, ref_slope] + ref_ring)
    return float(np.max(np.abs(mine - theirs) / np.abs(scale)))


def linear_moments(params, level, slope, ring, trend, season, h):
    """mu_h = w' F^{h-1} x_n and c_j = w' F^{j-1} g (j < h) from the state space matrices of the
    linear forms (Hyndman et al. 2008, §2.5.1; states l, b, s_n, s_{n-1}, ..., s_{n-m+1})."""
    alpha, beta, gamma, phi = params
    m = len(ring) if season != "N" else 0
    k = 2 + m
    w = np.zeros(k)
    f = np.zeros((k, k))
    g = np.zeros(k)
    w[0], f[0, 0], g[0] = 1.0, 1.0, alpha
    if trend != "N":
        w[1], f[0, 1], f[1, 1], g[1] = phi, phi, phi, beta
    x = np.zeros(k)
    x[0], x[1] = level, slope
    if m:
        w[k - 1] = 1.0  # the season of the next step is s_{n-m+1}, the last state
        f[2, k - 1] = 1.0
        for i in range(3, k):
            f[i, i - 1] = 1.0
        g[2] = gamma
        x[2:] = ring[::-1]  # newest first
    mu, c = [], []
    fj = np.eye(k)
    for step in range(h):
        mu.append(w @ fj @ x)
        c.append(w @ fj @ g)  # c_{step+1}
        fj = fj @ f
    return np.array(mu), np.array(c[: h - 1])


def class1_variance(sigma2, c):
    return sigma2 * np.concatenate([[1.0], 1.0 + np.cumsum(c**2)])


def class2_variance(sigma2, mu, c):
    theta = np.zeros(len(mu))
    for j in range(len(mu)):
        theta[j] = mu[j] ** 2 + sigma2 * sum(c[i - 1] ** 2 * theta[j - i] for i in range(1, j + 1))
    return (1.0 + sigma2) * theta - mu**2


def j(v):
    return ";".join(repr(float(x)) for x in v)


def rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.abs(np.asarray(b))))


def main():
    print(f"# statsmodels {statsmodels.__version__}: res = ETSModel(pd.Series(y), error, trend, damped_trend, seasonal,")
    print("# seasonal_periods).fit(disp=False, maxiter=10000) on the series in this folder; parameters res.alpha,")
    print("# res.beta, res.gamma, res.phi (Hyndman's alpha, beta, gamma; beta 0 without a trend, gamma 0 without a")
    print("# season, phi 1 undamped); sigma2 = res.mse (SSE / n, relative errors for multiplicative errors);")
    print("# level, trend = res.level[-1], res.slope[-1] (0 without a trend), the states after the last")
    print("# observation; season = res.season[-m:], oldest first, so the first is the season of step 1")
    print("# (empty without a season); mean = res.forecast(h); h = 2m (8 for oildata)")
    print("# intervals: exact = res.get_prediction(start=n, end=n+h-1, method='exact'), pred_int(0.2 and 0.05),")
    print("# variance = var_pred_mean; class2 = this script's analytic bounds mean -/+ z sqrt(variance), the class 2")
    print("# variance of Hyndman et al. (2008) ch. 6 (statsmodels has none); simulated = statsmodels' simulated")
    print(f"# quantiles, get_prediction(method='simulated', simulate_repetitions={REPETITIONS},")
    print(f"# rng=np.random.default_rng({SEED})); simulated_variance = that simulation's var_pred_mean")
    print("# (ddof 1), for class2 and simulated rows; vectors are ;-separated, h = 1, 2, ...; form is statsmodels'")
    print("# short_name (error, trend, season: ANN, AAdA, MAM) (comparisons/forecast_ets_intervals.py writes this file)")
    print(
        "dataset,period,n,form,intervals,alpha,beta,gamma,phi,sigma2,loglik,level,trend,season,"
        "mean,lower80,upper80,lower95,upper95,variance,simulated_variance"
    )
    worst = {"recursion": 0.0, "class1": 0.0, "class2 vs simulated": 0.0, "mean": 0.0}
    hyndman_season = 0.0  # statsmodels' multiplicative-season smoother against Hyndman's recursion
    skew = {0.2: 0.0, 0.05: 0.0}  # class 2 Gaussian bounds against statsmodels' simulated quantiles
    for name, period in SERIES:
        y = series(name)
        n = len(y)
        h = 2 * period if period > 1 else 8
        for e, t, s in forms(period):
            form = f"{e}{t}{s}"  # statsmodels' short_name: ANN, AAdA, MAM
            res = fit(y, period, e, t, s)
            params = parameters(res, t, s)
            level, slope, ring = final_states(res, t, s, period)
            sigma2 = float(res.mse)
            mean = np.asarray(res.forecast(h), dtype=float)
            worst["recursion"] = max(worst["recursion"], recursion_check(y, res, t, s, period, params, True))
            if s == "M":
                hyndman_season = max(hyndman_season, recursion_check(y, res, t, s, period, params))
            sim_var = ""
            if e == "A":
                kind = "exact"
                pred = res.get_prediction(start=n, end=n + h - 1, method="exact")
                variance = np.asarray(pred.var_pred_mean, dtype=float)
                b80 = np.asarray(pred.pred_int(alpha=0.2), dtype=float)
                b95 = np.asarray(pred.pred_int(alpha=0.05), dtype=float)
                mu, c = linear_moments(params, level, slope, ring, t, s, h)
                worst["class1"] = max(worst["class1"], rel(class1_variance(sigma2, c), variance))
                worst["mean"] = max(worst["mean"], rel(mu, mean))
            else:
                pred = res.get_prediction(
                    start=n, end=n + h - 1, method="simulated", simulate_repetitions=REPETITIONS,
                    rng=np.random.default_rng(SEED),
                )
                sim = np.asarray(pred.var_pred_mean, dtype=float)
                sim_var = j(sim)
                if s != "M":
                    kind = "class2"
                    mu, c = linear_moments(params, level, slope, ring, t, s, h)
                    worst["mean"] = max(worst["mean"], rel(mu, mean))
                    variance = class2_variance(sigma2, mean, c)
                    worst["class2 vs simulated"] = max(worst["class2 vs simulated"], rel(variance, sim))
                    print(f"{name} {form}: class 2 variance vs simulated, max rel {rel(variance, sim):.4f}",
                          file=sys.stderr)
                    z80, z95 = norm.ppf(0.9), norm.ppf(0.975)
                    sd = np.sqrt(variance)
                    b80 = np.column_stack([mean - z80 * sd, mean + z80 * sd])
                    b95 = np.column_stack([mean - z95 * sd, mean + z95 * sd])
                    # the class 2 forecast distribution is skewed: Gaussian bounds against the
                    # simulated quantiles, as distances from the mean (information, not a check)
                    for b, a in [(b80, 0.2), (b95, 0.05)]:
                        q = np.asarray(pred.pred_int(alpha=a), dtype=float)
                        d = rel(np.abs(b - mean[:, None]), np.abs(q - mean[:, None]))
                        skew[a] = max(skew[a], d)
                else:
                    kind = "simulated"
                    variance = sim
                    b80 = np.asarray(pred.pred_int(alpha=0.2), dtype=float)
                    b95 = np.asarray(pred.pred_int(alpha=0.05), dtype=float)
            print(
                ",".join(
                    [name, str(period), str(n), form, kind, *(repr(p) for p in params), repr(sigma2),
                     repr(float(res.llf)), repr(level), repr(slope), j(ring), j(mean), j(b80[:, 0]), j(b80[:, 1]),
                     j(b95[:, 0]), j(b95[:, 1]), j(variance), sim_var]
                ),
                flush=True,
            )
    for k, v in worst.items():
        print(f"max relative difference, {k}: {v:.3g}", file=sys.stderr)
    print(f"multiplicative seasons: statsmodels' smoother vs Hyndman's recursion, max {hyndman_season:.3g}",
          file=sys.stderr)
    for a, d in skew.items():
        print(f"class 2 Gaussian {1 - a:.0%} bounds vs simulated quantiles, distance from the mean: max rel {d:.3g}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
