"""statsmodels' ETSModel log-likelihood for every ETS form revops fits, on all 54 series of the
forecast comparison (comparisons/forecast_series.py), fitted to each series' training part (the
series less its held-out last year: 12 months, 4 quarters, as comparisons/forecast_compare.py
fits it) -- issue 23's "never more than 0.1 below statsmodels" goal, measured wide.

Forms: error A/M x trend N/A/Ad x season N/A/M (season only with a period above 1), without
additive error with a multiplicative season. Per (series, form): statsmodels' default fit and the
best of it and three more starting points (the same starts as comparisons/forecast_ets_loglik.py).
Multiplicative forms on data that is not strictly positive are listed as "not positive" and not
fitted; a statsmodels fit that raises or returns NaN is recorded in the `sm_note` column.

Note: for a multiplicative season statsmodels' ETSModel updates the season with the new level,
not Hyndman et al.'s (and the crate's) recursion, so those log-likelihoods are of slightly
different models.

Optionally, `--crate TABLE` joins the crate's log-likelihoods: TABLE is a CSV with columns
series,form,crate_llf,... (form spelt ETS(A/Ad/N)), e.g. the output of a small Rust program that
prints `revops::forecast::EtsSpec::fit(&train).log_likelihood()` for each (series, form); the
table then gains `crate_llf` and `gap` (crate - statsmodels best) columns.

Prints CSV to stdout. Run from anywhere, pinned to one core, e.g.:
    NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    taskset -c 0 /path/to/venv/bin/python comparisons/forecast_ets_loglik_wide.py \
        [--whole] [--default-only] [--crate crate_table.csv] > table.csv
(`--whole` fits whole series instead of training parts; `--default-only` skips the extra starts.)
"""
import argparse
import csv
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_series  # noqa: E402
from forecast_ets_loglik import fitted, forms, model  # noqa: E402  (every form the crate fits)

warnings.filterwarnings("ignore")

STARTS = ([0.5, 0.05, 0.05], [0.9, 0.1, 0.05], [0.3, 0.01, 0.3])


def fit(y, period, error, trend, season, start=None):
    """(llf, alpha, beta, gamma, phi) of one statsmodels fit."""
    mod = model(np.asarray(y, float), period, error, trend, season)
    res = fitted(mod, trend, season, start)
    p = dict(zip(mod.param_names, res.params))
    return (
        float(res.llf),
        p.get("smoothing_level", np.nan),
        p.get("smoothing_trend", 0.0),
        p.get("smoothing_seasonal", 0.0),
        p.get("damping_trend", 1.0),
    )


def read_crate(path):
    out = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            v = row.get("crate_llf", "")
            out[(row["series"], row["form"])] = float(v) if v not in ("", None) else None
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--whole", action="store_true", help="fit whole series, not training parts")
    ap.add_argument("--default-only", action="store_true", help="statsmodels' default fit only")
    ap.add_argument("--crate", help="CSV series,form,crate_llf,... to join")
    args = ap.parse_args()
    crate = read_crate(args.crate) if args.crate else None

    series = [(n, m, 12, y) for n, m, y in forecast_series.monthly()]
    series += [(n, m, 4, y) for n, m, y in forecast_series.quarterly()]
    cols = ["series", "period", "n", "form", "sm_default", "sm_best", "sm_best_start",
            "sm_alpha", "sm_beta", "sm_gamma", "sm_phi", "sm_seconds", "sm_note"]
    if crate is not None:
        cols += ["crate_llf", "gap"]
    print(",".join(cols), flush=True)
    for name, period, h, y in series:
        y = np.asarray(y if args.whole else y[:-h], float)
        positive = bool(np.all(y > 0))
        for e, t, s in forms(period):
            form = f"ETS({e}/{t}/{s})"
            row = {"series": name, "period": period, "n": len(y), "form": form}
            notes = []
            t0 = time.perf_counter()
            best, best_start, best_p = np.nan, "", (np.nan,) * 4
            if (e == "M" or s == "M") and not positive:
                notes.append("not positive")
            else:
                runs = [("default", None)]
                if not args.default_only:
                    runs += [(f"start{i + 1}", st) for i, st in enumerate(STARTS)]
                for label, st in runs:
                    try:
                        ll, *p = fit(y, period, e, t, s, st)
                    except Exception as exc:  # noqa: BLE001
                        notes.append(f"{label} raised {type(exc).__name__}")
                        ll, p = np.nan, None
                    if label == "default":
                        row["sm_default"] = f"{ll:.6f}"
                    if not np.isfinite(ll):
                        if p is not None:
                            notes.append(f"{label} llf {ll}")
                        continue
                    if not np.isfinite(best) or ll > best:
                        best, best_start, best_p = ll, label, tuple(p)
            row.update(
                sm_best=f"{best:.6f}",
                sm_best_start=best_start,
                sm_alpha=f"{best_p[0]:.6f}",
                sm_beta=f"{best_p[1]:.6f}",
                sm_gamma=f"{best_p[2]:.6f}",
                sm_phi=f"{best_p[3]:.6f}",
                sm_seconds=f"{time.perf_counter() - t0:.3f}",
                sm_note="; ".join(notes),
            )
            if crate is not None:
                c = crate.get((name, form))
                row["crate_llf"] = "" if c is None else f"{c:.6f}"
                row["gap"] = "" if c is None or not np.isfinite(best) else f"{c - best:.6f}"
            print(",".join(str(row.get(k, "")) for k in cols), flush=True)


if __name__ == "__main__":
    main()
