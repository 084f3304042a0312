"""statsmodels' ETSModel log-likelihood for every ETS form revops fits, on public series.

Prints CSV: data set, form, statsmodels' default fit, and the best of several starting points
(statsmodels' own default is sometimes a local optimum). tests/data/ets_loglik.csv is this
script's output. Run: /path/to/venv/bin/python comparisons/forecast_ets_loglik.py
"""
import sys
import warnings

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import forecast_data as data  # noqa: E402

warnings.filterwarnings("ignore")


def forms(period):
    for error in "AM":
        for trend in ["N", "A", "Ad"]:
            for season in ["N", "A", "M"] if period > 1 else ["N"]:
                if error == "A" and season == "M":
                    continue
                yield error, trend, season


def model(y, period, error, trend, season):
    """statsmodels' ETSModel of one form, named as the crate names it (error A/M, trend N/A/Ad,
    season N/A/M)."""
    return ETSModel(
        y,
        error={"A": "add", "M": "mul"}[error],
        trend=None if trend == "N" else "add",
        damped_trend=trend == "Ad",
        seasonal={"N": None, "A": "add", "M": "mul"}[season],
        seasonal_periods=period if season != "N" else None,
    )


def fitted(mod, trend, season, start=None):
    """One maximum-likelihood fit of `mod`: from statsmodels' own start, or with `start`'s
    smoothing parameters (alpha, beta, gamma as the form has them) in place of its own."""
    if start is None:
        return mod.fit(disp=False, maxiter=10000)
    sp = np.array(mod.start_params, dtype=float)
    k = 1 + (trend != "N") + (season != "N")
    sp[:k] = start[:k]
    return mod.fit(start_params=sp, disp=False, maxiter=10000)


def fit(y, period, error, trend, season, start=None):
    return fitted(model(np.asarray(y), period, error, trend, season), trend, season, start).llf


def main():
    print("dataset,period,form,statsmodels_default,statsmodels_best")
    for name, period, y in [data.air_passengers(), data.austourists(), data.oildata(), data.elec_equip()]:
        for e, t, s in forms(period):
            default = fit(y, period, e, t, s)
            best = default
            for start in ([0.5, 0.05, 0.05], [0.9, 0.1, 0.05], [0.3, 0.01, 0.3]):
                try:
                    ll = fit(y, period, e, t, s, start)
                except Exception:
                    continue
                if np.isfinite(ll):
                    best = max(best, ll)
            print(f"{name},{period},ETS({e},{t},{s}),{default:.6f},{best:.6f}", flush=True)


if __name__ == "__main__":
    main()
