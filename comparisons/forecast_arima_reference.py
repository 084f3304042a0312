"""statsforecast's ARIMA on public series: AutoARIMA(season_length=m) and fixed orders, with the
chosen orders, coefficients, log-likelihood, AICc, sigma2 and the h-step means with 80/95 % bounds.
tests/data/statsforecast_arima.csv is this script's output (run with no arguments), and
tests/data/statsforecast_auto_arima_approximate.csv its output with --approximate.

With --time it instead times warm AutoARIMA on AirPassengers in this process (best of several
runs; set NUMBA_NUM_THREADS=1 and OMP_NUM_THREADS=1 for one thread), and on elec_equip by the
exact and the approximate search, then the crate's `arima_fit` example on AirPassengers, and
prints them side by side.
"""
import subprocess
import sys
import time
import warnings

import numpy as np
from statsforecast.models import ARIMA, AutoARIMA

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import forecast_data as data  # noqa: E402

warnings.filterwarnings("ignore")

# (dataset loader, label, order, seasonal order, constant): constant means include_mean when
# d + D = 0 and include_drift when d + D = 1
FIXED = [
    (data.air_passengers, (0, 1, 1), (0, 1, 1), False),
    (data.air_passengers, (2, 1, 1), (0, 1, 0), False),
    (data.air_passengers, (1, 0, 0), (1, 1, 0), True),
    (data.austourists, (1, 0, 0), (0, 1, 1), True),
    (data.austourists, (0, 1, 1), (0, 1, 1), False),
    (data.oildata, (1, 1, 0), (0, 0, 0), True),
    (data.oildata, (0, 1, 2), (0, 0, 0), False),
    (data.oildata, (2, 0, 0), (0, 0, 0), True),
]


def j(v):
    return ";".join(repr(float(x)) for x in v)


def statsmodels_loglik(y, m, order, sorder, constant):
    """statsmodels' exact likelihood of the differenced series, maximised (SARIMAX with simple
    differencing; the constant as an intercept of the differenced series): the converged
    optimum, where statsforecast's BFGS sometimes stops short."""
    import statsmodels.api as sm

    r = sm.tsa.SARIMAX(
        np.asarray(y, dtype=float), order=order, seasonal_order=(*sorder, m if sum(sorder) else 0),
        trend="c" if constant else "n", simple_differencing=True,
    ).fit(disp=0, maxiter=1000)
    return float(r.llf)


def row(name, m, kind, model, h, y):
    fit = model.model_
    p, q, P, Q, mm, d, D = fit["arma"]
    constant = int(any(k in fit["coef"] for k in ("intercept", "drift")))
    f = model.predict(h=h, level=[80, 95])
    return ",".join(
        [name, str(m), kind, str(p), str(d), str(q), str(P), str(D), str(Q), str(constant),
         j(fit["coef"].values()), repr(float(fit["loglik"])), repr(float(fit["aicc"])), repr(float(fit["sigma2"])),
         j(f["mean"]), j(f["lo-80"]), j(f["hi-80"]), j(f["lo-95"]), j(f["hi-95"]),
         repr(statsmodels_loglik(y, m, (p, d, q), (P, D, Q), constant))]
    )


def reference():
    print("# statsforecast 2.1.1: AutoARIMA(season_length=m).fit(y) and ARIMA(order, season_length, seasonal_order,")
    print("# include_mean / include_drift).fit(y) (method CSS-ML); model_['coef'] in statsforecast's order")
    print("# (ar, ma, sar, sma, intercept|drift), .predict(h, level=[80, 95]); h = m (8 for yearly)")
    print("# statsmodels_loglik: statsmodels 0.15.0 SARIMAX(y, order, seasonal_order, trend='c'|'n',")
    print("# simple_differencing=True).fit().llf (stationary, invertible; exact initialisation),")
    print("# the same likelihood maximised to convergence")
    print("# (comparisons/forecast_arima_reference.py writes this file)")
    print("dataset,period,kind,p,d,q,P,D,Q,constant,coef,loglik,aicc,sigma2,mean,lo80,hi80,lo95,hi95,statsmodels_loglik")
    for loader in [data.air_passengers, data.austourists, data.oildata]:
        name, m, y = loader()
        h = m if m > 1 else 8
        model = AutoARIMA(season_length=m).fit(np.asarray(y, dtype=float))
        print(row(name, m, "auto", model, h, y))
    for loader, order, sorder, constant in FIXED:
        name, m, y = loader()
        h = m if m > 1 else 8
        drift = constant and order[1] + sorder[1] == 1
        mean = constant and order[1] + sorder[1] == 0
        model = ARIMA(order=order, season_length=m, seasonal_order=sorder, include_mean=mean, include_drift=drift)
        print(row(name, m, "fixed", model.fit(np.asarray(y, dtype=float)), h, y))


def approximate():
    """statsforecast's approximate stepwise search (CSS scores, the choice refitted by CSS-ML):
    auto_arima_f(approximation=True), the search R's auto.arima runs by default on long series;
    tests/data/statsforecast_auto_arima_approximate.csv is this function's output."""
    from statsforecast.arima import auto_arima_f

    print("# statsforecast 2.1.1: statsforecast.arima.auto_arima_f(y, period=m, approximation=True)")
    print("# (statsforecast.models.AutoARIMA defaults to approximation=False); the chosen form and its")
    print("# AICc (comparisons/forecast_arima_reference.py --approximate writes this file)")
    print("dataset,period,p,d,q,P,D,Q,constant,aicc")
    for loader in [data.elec_equip, data.air_passengers, data.austourists, data.oildata]:
        name, m, y = loader()
        fit = auto_arima_f(np.asarray(y, dtype=float), period=m, approximation=True)
        p, q, P, Q, _, d, D = fit["arma"]
        constant = int(any(k in fit["coef"] for k in ("intercept", "drift")))
        print(",".join(map(str, [name, m, p, d, q, P, D, Q, constant])) + "," + repr(float(fit["aicc"])))


def timing():
    _, m, y = data.air_passengers()
    y = np.asarray(y, dtype=float)
    model = AutoARIMA(season_length=m).fit(y)  # warm: numba compiled, caches filled
    fit = model.model_
    print(f"statsforecast arma {fit['arma']}: coef {list(fit['coef'].values())}, loglik {fit['loglik']:.4f}, "
          f"AICc {fit['aicc']:.4f}, sigma2 {fit['sigma2']:.4f}")
    best = min(_timed(lambda: AutoARIMA(season_length=m).fit(y)) for _ in range(10))
    print(f"statsforecast AutoARIMA(season_length=12) on AirPassengers: best of 10 = {best * 1e3:.2f} ms")
    # a long series, by the exact search (the AutoARIMA model's default) and the approximate one
    # (auto_arima_f's default there); the crate's side is `cargo bench --bench forecast elec_equip`
    from statsforecast.arima import auto_arima_f

    _, m, elec = data.elec_equip()
    elec = np.asarray(elec, dtype=float)
    for label, run in [
        ("AutoARIMA(season_length=12).fit", lambda: AutoARIMA(season_length=m).fit(elec)),
        ("auto_arima_f(period=12, approximation=True)", lambda: auto_arima_f(elec, period=m, approximation=True)),
    ]:
        run()
        best = min(_timed(run) for _ in range(5))
        print(f"statsforecast {label} on elec_equip (257 points): best of 5 = {best * 1e3:.1f} ms")
    root = __file__.rsplit("/", 2)[0]
    out = subprocess.run(
        ["cargo", "run", "--release", "--quiet", "--example", "arima_fit"], cwd=root, capture_output=True, text=True
    )
    print(out.stdout.strip())


def _timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


if __name__ == "__main__":
    if "--time" in sys.argv:
        timing()
    elif "--approximate" in sys.argv:
        approximate()
    else:
        reference()
