"""statsforecast's rolling-origin cross-validation of the benchmark methods and Croston, scored
window by window with utilsforecast's losses, as the reference for `revops::forecast::cross_validate`,
`accuracy` and `interval_score` (tests/forecast_cv_reference.rs).

Reads the public series in tests/data (AirPassengers m = 12, austourists m = 4, oildata m = 1;
one value a line, `#` lines skipped) and writes tests/data/statsforecast_cross_validation.csv:

    ../venv-compare/bin/pip install statsforecast==2.1.1 utilsforecast==0.2.17
    NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 ../venv-compare/bin/python \
        comparisons/forecast_cv_reference.py > tests/data/statsforecast_cross_validation.csv

Each series is given to statsforecast as
one `unique_id` with integer time stamps ds = 1..n and freq=1, so a cutoff (the last training
time stamp) equals the number of training points.

MSIS: utilsforecast 0.2.17 has `winkler_score` but no scaled interval score, so MSIS is the M4
competition's (Makridakis, Spiliotis & Assimakopoulos 2020, "The M4 Competition: 100,000 time
series and 61 forecasting methods", IJF 36(1), section 2.3; M4 Competitor's Guide): the mean
Winkler score of the window divided by the in-sample seasonal-naive MAE of that window's training
data, i.e. `winkler_score(level) / scale`, with `scale` the denominator utilsforecast's `mase` uses
(mean |y_t - y_{t-m}| over the training data up to the cutoff). The script checks that
`mase == mae / scale` to 1e-12.
"""
import math
import pathlib
import sys
import warnings

import numpy as np
import pandas as pd
import statsforecast
import utilsforecast
from statsforecast import StatsForecast
from statsforecast.models import CrostonClassic, Naive, RandomWalkWithDrift, SeasonalNaive
from utilsforecast import losses

warnings.filterwarnings("ignore")

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data"

# (series, m, [(h, step, windows), ...]): windows back to back, overlapping (step < h), with gaps
# (step > h), one-step, and many windows
SETTINGS = [
    ("AirPassengers", 12, [(12, 12, 3), (6, 3, 5), (1, 1, 24), (12, 1, 4), (3, 5, 4)]),
    ("austourists", 4, [(4, 4, 5), (8, 2, 4), (1, 1, 12), (2, 3, 4)]),
    ("oildata", 1, [(5, 5, 3), (3, 1, 6), (1, 1, 10)]),
]
LEVELS = [80, 95]
# statsforecast's column name -> the name in the CSV (the crate's Method::name)
NAMES = {"Naive": "Naive", "SeasonalNaive": "SNaive", "RWD": "Drift", "CrostonClassic": "Croston"}


def read_series(name):
    text = (DATA / f"{name}.csv").read_text()
    return [float(line) for line in text.splitlines() if line and not line.startswith("#")]


def cv(df, m, h, step, windows):
    """statsforecast's cross-validation: the benchmarks with 80/95 % intervals, Croston without
    (CrostonClassic raises for `level` unless built with conformal `prediction_intervals`)."""
    kw = dict(df=df, h=h, step_size=step, n_windows=windows)
    bench = StatsForecast(models=[Naive(), SeasonalNaive(season_length=m), RandomWalkWithDrift()], freq=1, n_jobs=1)
    a = bench.cross_validation(level=LEVELS, **kw)
    croston = StatsForecast(models=[CrostonClassic()], freq=1, n_jobs=1)
    b = croston.cross_validation(**kw)
    out = a.merge(b.drop(columns=["y"]), on=["unique_id", "ds", "cutoff"], how="inner")
    assert len(out) == len(a) == len(b) == h * windows
    return out


def scores(cvdf, df, m):
    """utilsforecast's per-window losses (grouped by cutoff) for every model, and the MSIS."""
    models = list(NAMES)
    banded = models[:3]
    tables = {
        "mae": losses.mae(cvdf, models),
        "rmse": losses.rmse(cvdf, models),
        "mape": losses.mape(cvdf, models),
        "smape": losses.smape(cvdf, models),
        "mase": losses.mase(cvdf, models, seasonality=m, train_df=df),
        "bias": losses.bias(cvdf, models),
        "wape": losses.wape(cvdf, models),
    }
    for lv in LEVELS:
        tables[f"coverage{lv}"] = losses.coverage(cvdf, banded, level=lv)
        tables[f"winkler{lv}"] = losses.winkler_score(cvdf, banded, level=lv)
    out = {}
    for key, t in tables.items():
        for _, row in t.iterrows():
            for model in models:
                if model in t.columns:
                    out[(int(row["cutoff"]), model, key)] = float(row[model])
    return out


def seasonal_scale(y, cutoff, m):
    """The in-sample seasonal-naive MAE of y[:cutoff] (what utilsforecast's mase divides by)."""
    train = np.asarray(y[:cutoff])
    return float(np.mean(np.abs(train[m:] - train[:-m])))


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(float(v))


COLUMNS = [
    "row", "series", "period", "method", "h", "step", "windows", "cutoff", "k", "y", "mean",
    "lo80", "hi80", "lo95", "hi95", "scale", "mae", "rmse", "mape", "smape", "mase", "bias",
    "wape", "coverage80", "coverage95", "winkler80", "winkler95", "msis80", "msis95",
]  # fmt: skip
METRICS = ["mae", "rmse", "mape", "smape", "mase", "bias", "wape", "coverage80", "coverage95"]
METRICS += ["winkler80", "winkler95", "msis80", "msis95"]


def main():
    print(
        f"""# statsforecast {statsforecast.__version__}, utilsforecast {utilsforecast.__version__}, pandas {pd.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}; written by comparisons/forecast_cv_reference.py
# df: one series, unique_id = name, ds = 1..n (integers), y from tests/data/<series>.csv; so cutoff = training length
# StatsForecast(models=[Naive(), SeasonalNaive(season_length=m), RandomWalkWithDrift()], freq=1, n_jobs=1).cross_validation(df=df, h=h, step_size=step, n_windows=windows, level=[80, 95])
# StatsForecast(models=[CrostonClassic()], freq=1, n_jobs=1).cross_validation(df=df, h=h, step_size=step, n_windows=windows) (no level: CrostonClassic has intervals only with conformal prediction_intervals, so its lo/hi, coverage, winkler and msis cells are empty)
# per window (grouped by cutoff): utilsforecast.losses mae, rmse, mape (fraction), smape (|f-y|/(|f|+|y|), 0-1), mase(seasonality=m, train_df=df) (scale: y up to the cutoff), bias (f - y), wape, coverage(level) (fraction inside [lo, hi], inclusive), winkler_score(level)
# scale = mean |y_t - y_(t-m)| over y[1..cutoff] (utilsforecast mase's denominator); msis = winkler_score / scale (M4 competition MSIS; utilsforecast has no scaled interval score)
# row = point (one forecast step k = 1..h of the window at cutoff), window (its metrics), average (the mean of the window metrics over the windows)"""
    )
    print(",".join(COLUMNS))
    for series, m, settings in SETTINGS:
        y = read_series(series)
        n = len(y)
        df = pd.DataFrame({"unique_id": series, "ds": np.arange(1, n + 1), "y": y})
        for h, step, windows in settings:
            cvdf = cv(df, m, h, step, windows)
            sc = scores(cvdf, df, m)
            cutoffs = sorted(int(c) for c in cvdf["cutoff"].unique())
            assert len(cutoffs) == windows
            key = [series, m]
            for model, name in NAMES.items():
                per_window = []
                for c in cutoffs:
                    w = cvdf[cvdf["cutoff"] == c].sort_values("ds")
                    assert list(w["ds"]) == list(range(c + 1, c + h + 1))
                    assert np.array_equal(w["y"].to_numpy(), np.asarray(y[c : c + h]))
                    for k, (_, r) in enumerate(w.iterrows(), start=1):
                        bounds = [r.get(f"{model}-{s}-{lv}") for lv in LEVELS for s in ("lo", "hi")]
                        cells = ["point", *key, name, h, step, windows, c, k, r["y"], r[model], *bounds]
                        print(",".join(fmt(v) for v in cells) + "," * (len(COLUMNS) - len(cells)))
                    scale = seasonal_scale(y, c, m)
                    mt = {k: sc.get((c, model, k)) for k in METRICS}
                    assert abs(mt["mase"] - mt["mae"] / scale) <= 1e-12 * mt["mase"], (series, c, model)
                    for lv in LEVELS:
                        if mt[f"winkler{lv}"] is not None:
                            mt[f"msis{lv}"] = mt[f"winkler{lv}"] / scale
                    per_window.append(mt)
                    row = ["window", *key, name, h, step, windows, c, None, None, None, None, None, None, None, scale]
                    print(",".join(fmt(v) for v in row + [mt[k] for k in METRICS]))
                avg = {
                    k: (None if per_window[0][k] is None else float(np.mean([w[k] for w in per_window])))
                    for k in METRICS
                }
                row = ["average", *key, name, h, step, windows] + [None] * 9
                print(",".join(fmt(v) for v in row + [avg[k] for k in METRICS]))


if __name__ == "__main__":
    main()
