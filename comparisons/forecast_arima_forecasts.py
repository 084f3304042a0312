"""The crate's ARIMA forecasts and analytic prediction intervals against statsforecast's, for the
SAME model: on all 54 series of the forecast comparison (comparisons/forecast_series.py), fitted
to each series' training part (the series less its last period: 12 months, 4 quarters), h = 12
(monthly) or 8 (quarterly) steps ahead, 80 % and 95 % bounds.

Pins: statsforecast 2.1.1, statsmodels 0.15.0 (series loaders), numpy, pandas, scipy; Python 3.11.

Forms per series (FORMS below): statsforecast `AutoARIMA(season_length=m)`'s choice, plus fixed
forms fitted by `statsforecast.arima.Arima(train, order, seasonal, include_mean, include_drift,
method="CSS-ML")` -- the constant is the mean when d + D = 0 and the drift when d + D = 1, as the
crate's `ArimaSpec::with_constant`. A form statsforecast cannot fit (it raises, e.g. a
non-stationary CSS start) is listed and skipped.

For each (series, form) with statsforecast's coefficients c (its order: ar, ma, sar, sma,
intercept|drift -- the crate's `ArimaModel::coefficients` order):
- reference: `forecast_arima(model, h, level=[80, 95])` (Kalman forecast of the full state with
  the differences in it, se^2 = sigma2 (h + Z P_h Z'), sigma2 = sum of the standardised residuals
  squared over n - d - mD - k); also `Arima(..., fixed=c)` for statsforecast's log-likelihood at
  exactly c (no optimisation);
- crate: `ArimaSpec::fit_fixed(&train, &c)` then `predict(h, &[0.8, 0.95])` (sigma2 is the crate's
  own: its squared standardised residuals of the differenced series over n - d - mD - k), and
  `ArimaSpec::fit(&train)` (its own estimate) for the log-likelihood / sigma2 comparison.
Compared: points, relative |crate - sf| / max(|sf|, mean |y|) (the series' mean absolute value
floors the divisor, as in forecast_methods_wide.py, so a forecast near zero does not blow up),
tolerance 1e-6; bounds, the same relative measure, tolerance 1e-4, both as they are and with the
crate's half-widths rescaled to statsforecast's sigma2 (se * sqrt(sigma2_sf / sigma2_crate)), so
that a sigma2 definition difference is told apart from a variance-propagation difference; the
standard errors se_h = (hi95 - lo95) / (2 z_.975) directly (relative); sigma2 and the
log-likelihood at the same coefficients; and the crate's own fit against statsforecast's fit.

The crate's side is comparisons/forecast_arima_forecasts/ (a standalone Cargo project outside the
crate's build). Run from the repository root:

    CARGO_TARGET_DIR=/tmp/arima-fc/target cargo build --release \
        --manifest-path comparisons/forecast_arima_forecasts/Cargo.toml
    NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    /path/to/venv/bin/python comparisons/forecast_arima_forecasts.py \
        --bin /tmp/arima-fc/target/release/forecast-arima-forecasts --out /tmp/arima-fc [--jobs 2] [--reuse]

It writes under --out: series.tsv and jobs.tsv (the crate's input), sf.tsv (statsforecast's fits
and forecasts; --reuse keeps it), crate.tsv (the crate's output) and pairs.csv (one row per pair),
and prints a summary with every pair beyond tolerance.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import warnings
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_series  # noqa: E402

warnings.filterwarnings("ignore")

POINT_TOL = 1e-6
BOUND_TOL = 1e-4
Z95 = 1.959963984540054
# (label, (p, d, q), (P, D, Q), constant); the seasonal part is dropped when m = 1
FORMS = [
    ("airline", (0, 1, 1), (0, 1, 1), False),
    ("110_drift", (1, 1, 0), (0, 0, 0), True),
    ("200_mean", (2, 0, 0), (0, 0, 0), True),
    ("101_100_mean", (1, 0, 1), (1, 0, 0), True),
    ("022", (0, 2, 2), (0, 0, 0), False),
    ("111_011", (1, 1, 1), (0, 1, 1), False),
    ("100_011_drift", (1, 0, 0), (0, 1, 1), True),
    ("011", (0, 1, 1), (0, 0, 0), False),
]
SF_COLS = "series form p d q P D Q m constant status coefs sigma2 loglik loglik_fixed mean lo80 hi80 lo95 hi95 error".split()


def j(v):
    return ";".join(repr(float(x)) for x in v)


def vec(s):
    return np.array([float(x) for x in s.split(";")]) if s else np.array([])


def all_series():
    out = []
    for name, m, y in forecast_series.monthly() + forecast_series.quarterly():
        hold = 12 if m == 12 else 4
        h = 12 if m == 12 else 8
        out.append((name, m, h, np.asarray(y[:-hold], dtype=float)))
    return out


def sf_fit(train, m, order, sorder, constant):
    from statsforecast.arima import Arima

    nd = order[1] + sorder[1]
    return Arima(
        train, order=order, seasonal={"order": sorder, "period": m},
        include_mean=constant and nd == 0, include_drift=constant and nd == 1, method="CSS-ML",
    )


def sf_one(args):
    """statsforecast's rows for one series: every form, fitted and forecast."""
    from statsforecast.arima import Arima, forecast_arima
    from statsforecast.models import AutoARIMA

    name, m, h, train = args
    rows = []
    jobs = []
    try:
        auto = AutoARIMA(season_length=m).fit(train).model_
        p, q, P, Q, mm, d, D = auto["arma"]
        constant = any(k in auto["coef"] for k in ("intercept", "drift"))
        jobs.append(("auto", (p, d, q), (P, D, Q), constant, auto))
    except Exception as e:  # noqa: BLE001
        rows.append(dict(series=name, form="auto", status="sf_error", error=repr(e)[:200]))
    for label, order, sorder, constant in FORMS:
        jobs.append((label, order, sorder, constant, None))
    for label, order, sorder, constant, model in jobs:
        rec = dict(series=name, form=label, p=order[0], d=order[1], q=order[2], P=sorder[0], D=sorder[1],
                   Q=sorder[2], m=m, constant=int(constant))
        try:
            if model is None:
                model = sf_fit(train, m, order, sorder, constant)
            coefs = np.array(list(model["coef"].values()), dtype=float)
            f = forecast_arima(model, h=h, level=[80, 95])
            rec.update(status="ok", coefs=j(coefs), sigma2=repr(float(model["sigma2"])),
                       loglik=repr(float(model["loglik"])), mean=j(f["mean"]),
                       lo80=j(f["lower"]["80%"]), hi80=j(f["upper"]["80%"]),
                       lo95=j(f["lower"]["95%"]), hi95=j(f["upper"]["95%"]))
            # statsforecast's log-likelihood at exactly these coefficients
            try:
                nd = order[1] + sorder[1]
                fx = Arima(train, order=order, seasonal={"order": sorder, "period": m},
                           include_mean=constant and nd == 0, include_drift=constant and nd == 1,
                           method="CSS-ML", fixed=coefs.copy())
                rec["loglik_fixed"] = repr(float(fx["loglik"]))
            except Exception as e:  # noqa: BLE001
                rec["loglik_fixed"] = "nan"
                rec["error"] = "fixed: " + repr(e)[:200]
        except Exception as e:  # noqa: BLE001
            rec.update(status="sf_error", error=repr(e)[:200])
        rows.append(rec)
    return rows


def write_tsv(path, cols, rows):
    with open(path, "w") as fh:
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(str(r.get(c, "")) for c in cols) + "\n")


def read_tsv(path):
    with open(path) as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def rel(a, b, floor):
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor))) if len(b) else float("nan")


def argrel(a, b, floor):
    return int(np.argmax(np.abs(a - b) / np.maximum(np.abs(b), floor)))


def compare(series, sf_rows, crate_rows):
    scale = {name: float(np.mean(np.abs(y))) for name, m, h, y in series}
    crate = {(r["series"], r["form"], r["kind"]): r for r in crate_rows}
    pairs = []
    for s in sf_rows:
        rec = {k: s.get(k, "") for k in ("series", "form", "p", "d", "q", "P", "D", "Q", "m", "constant")}
        if s["status"] != "ok":
            rec.update(status="sf_error", note=s.get("error", ""))
            pairs.append(rec)
            continue
        cf, cfit = crate.get((s["series"], s["form"], "fixed")), crate.get((s["series"], s["form"], "fit"))
        if cf is None or cf["status"] != "ok":
            rec.update(status="crate_" + (cf["status"] if cf else "missing"), note=cf["error"] if cf else "")
            pairs.append(rec)
            continue
        fl = scale[s["series"]]
        sm, cm = vec(s["mean"]), vec(cf["mean"])
        s2s, s2c = float(s["sigma2"]), float(cf["sigma2"])
        rec.update(status="ok", coefs=s["coefs"], point_rel=rel(cm, sm, fl), point_step=argrel(cm, sm, fl) + 1)
        bounds = []
        scaled = []
        k = math.sqrt(s2s / s2c) if s2c > 0 else float("nan")
        for b in ("lo80", "hi80", "lo95", "hi95"):
            sb, cb = vec(s[b]), vec(cf[b])
            bounds.append((rel(cb, sb, fl), b, argrel(cb, sb, fl) + 1))
            # crate's half-width rescaled to statsforecast's sigma2, around statsforecast's points
            cbs = sm + (cb - cm) * k
            scaled.append((rel(cbs, sb, fl), b, argrel(cbs, sb, fl) + 1))
        worst = max(bounds)
        worst_s = max(scaled)
        se_s = (vec(s["hi95"]) - vec(s["lo95"])) / (2 * Z95)
        se_c = (vec(cf["hi95"]) - vec(cf["lo95"])) / (2 * Z95)
        se_rel = np.abs(se_c / se_s - 1)
        se_rel_scaled = np.abs(se_c * k / se_s - 1)
        rec.update(bound_rel=worst[0], bound_which=worst[1], bound_step=worst[2],
                   bound_rel_scaled=worst_s[0], bound_scaled_step=worst_s[2],
                   se_rel=float(np.max(se_rel)), se_rel_scaled=float(np.max(se_rel_scaled)),
                   se_scaled_step=int(np.argmax(se_rel_scaled)) + 1,
                   sigma2_sf=s2s, sigma2_crate_fixed=s2c, sigma2_rel=abs(s2c / s2s - 1) if s2s else abs(s2c),
                   loglik_sf=float(s["loglik"]), loglik_sf_fixed=float(s.get("loglik_fixed") or "nan"),
                   loglik_crate_fixed=float(cf["loglik"]))
        if cfit is not None and cfit["status"] == "ok":
            cc, sc = vec(cfit["coefs"]), vec(s["coefs"])
            cdiff = float(np.max(np.abs(cc - sc) / np.maximum(np.abs(sc), 1e-2))) if len(sc) else 0.0
            rec.update(fit_coef_rel=cdiff, loglik_crate_fit=float(cfit["loglik"]),
                       sigma2_crate_fit=float(cfit["sigma2"]), fit_coefs=cfit["coefs"])
        elif cfit is not None:
            rec.update(fit_status=cfit["status"], fit_error=cfit["error"])
        pairs.append(rec)
    return pairs


def report(pairs):
    ok = [r for r in pairs if r["status"] == "ok"]
    print(f"pairs: {len(pairs)}; compared: {len(ok)}")
    for st in sorted({r["status"] for r in pairs} - {"ok"}):
        bad = [r for r in pairs if r["status"] == st]
        print(f"\n{st}: {len(bad)}")
        for r in bad:
            print(f"  {r['series']:28} {r['form']:14} {r.get('note', '')[:150]}")
    fit_bad = [r for r in ok if r.get("fit_status")]
    if fit_bad:
        print(f"\ncrate fit() failed on {len(fit_bad)} pairs (fit_fixed worked):")
        for r in fit_bad:
            print(f"  {r['series']:28} {r['form']:14} {r['fit_status']} {r['fit_error'][:150]}")
    pt = [r for r in ok if r["point_rel"] > POINT_TOL]
    bd = [r for r in ok if r["bound_rel"] > BOUND_TOL]
    bds = [r for r in ok if r["bound_rel_scaled"] > BOUND_TOL]
    print(f"\npoints beyond {POINT_TOL:g}: {len(pt)}; bounds beyond {BOUND_TOL:g}: {len(bd)}; "
          f"bounds beyond {BOUND_TOL:g} with the crate's sigma2 rescaled to statsforecast's: {len(bds)}")
    print(f"max point rel {max(r['point_rel'] for r in ok):.3e}; max bound rel {max(r['bound_rel'] for r in ok):.3e};"
          f" max scaled bound rel {max(r['bound_rel_scaled'] for r in ok):.3e};"
          f" max sigma2 rel {max(r['sigma2_rel'] for r in ok):.3e}")
    print(f"\n{'series':28} {'form':14} {'point':>9} {'st':>2} {'bound':>9} {'st':>2} {'bnd(s2)':>9} {'st':>2}"
          f" {'se rel':>9} {'se(s2)':>9} {'sigma2':>9} {'ll sf-fx':>10} {'ll cr-fx':>10}")
    for r in ok:
        if r["point_rel"] > POINT_TOL or r["bound_rel"] > BOUND_TOL or r["bound_rel_scaled"] > BOUND_TOL:
            print(f"{r['series']:28} {r['form']:14} {r['point_rel']:9.2e} {r['point_step']:2d} {r['bound_rel']:9.2e}"
                  f" {r['bound_step']:2d} {r['bound_rel_scaled']:9.2e} {r['bound_scaled_step']:2d} {r['se_rel']:9.2e}"
                  f" {r['se_rel_scaled']:9.2e} {r['sigma2_rel']:9.2e} {r['loglik_sf'] - r['loglik_sf_fixed']:10.2e}"
                  f" {r['loglik_crate_fixed'] - r['loglik_sf_fixed']:10.2e}")
    ll = [r for r in ok if np.isfinite(r["loglik_sf_fixed"])]
    lld = [r for r in ll if abs(r["loglik_crate_fixed"] - r["loglik_sf_fixed"]) > 1e-6 * max(1, abs(r["loglik_sf_fixed"]))]
    print(f"\nlog-likelihood at the same coefficients (crate fit_fixed vs statsforecast fixed=): "
          f"{len(lld)} of {len(ll)} differ by more than 1e-6 relative")
    for r in lld:
        print(f"  {r['series']:28} {r['form']:14} crate {r['loglik_crate_fixed']:.10g} sf {r['loglik_sf_fixed']:.10g}"
              f" (sf fitted {r['loglik_sf']:.10g})")
    fits = [r for r in ok if "fit_coef_rel" in r]
    agree = [r for r in fits if r["fit_coef_rel"] < 1e-3]
    print(f"\ncrate fit() vs statsforecast fit: {len(fits)} fits; coefficients within 1e-3: {len(agree)}")
    lla = [r for r in agree if abs(r["loglik_crate_fit"] - r["loglik_sf"]) > 1e-4]
    s2a = [r for r in agree if abs(r["sigma2_crate_fit"] / r["sigma2_sf"] - 1) > 1e-3]
    print(f"  of those, loglik differs > 1e-4: {len(lla)}; sigma2 differs > 1e-3 relative: {len(s2a)}")
    for r in sorted(set(id(x) for x in lla + s2a)):
        x = next(v for v in lla + s2a if id(v) == r)
        print(f"  {x['series']:28} {x['form']:14} ll crate {x['loglik_crate_fit']:.8g} sf {x['loglik_sf']:.8g};"
              f" sigma2 crate {x['sigma2_crate_fit']:.8g} sf {x['sigma2_sf']:.8g}")
    worse = [r for r in fits if r["loglik_crate_fit"] < r["loglik_sf"] - 0.1]
    better = [r for r in fits if r["loglik_crate_fit"] > r["loglik_sf"] + 0.1]
    print(f"  crate fit log-likelihood > 0.1 below statsforecast's: {len(worse)}; > 0.1 above: {len(better)}")
    for r in worse:
        print(f"    below: {r['series']:28} {r['form']:14} crate {r['loglik_crate_fit']:.8g} sf {r['loglik_sf']:.8g}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="/tmp/arima-fc/target/release/forecast-arima-forecasts")
    ap.add_argument("--out", default="/tmp/arima-fc")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--only", help="comma-separated series names")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    series = all_series()
    if args.only:
        keep = set(args.only.split(","))
        series = [s for s in series if s[0] in keep]
    sf_path = os.path.join(args.out, "sf.tsv")
    if args.reuse and os.path.exists(sf_path):
        sf_rows = read_tsv(sf_path)
    else:
        if args.jobs > 1:
            with Pool(args.jobs) as pool:
                chunks = pool.map(sf_one, series, chunksize=1)
        else:
            chunks = [sf_one(s) for s in series]
        sf_rows = [r for c in chunks for r in c]
        write_tsv(sf_path, SF_COLS, sf_rows)
        sf_rows = read_tsv(sf_path)  # one path for fresh and reused rows
    with open(os.path.join(args.out, "series.tsv"), "w") as fh:
        for name, m, h, y in series:
            fh.write(f"{name}\t{m}\t{h}\t{j(y)}\n")
    with open(os.path.join(args.out, "jobs.tsv"), "w") as fh:
        for r in sf_rows:
            if r["status"] == "ok":
                fh.write("\t".join(str(r[c]) for c in ("series", "form", "p", "d", "q", "P", "D", "Q", "m", "constant",
                                                       "coefs")) + "\n")
    crate_path = os.path.join(args.out, "crate.tsv")
    with open(crate_path, "w") as fh:
        subprocess.run([args.bin, os.path.join(args.out, "series.tsv"), os.path.join(args.out, "jobs.tsv")],
                       stdout=fh, check=True)
    pairs = compare(series, sf_rows, read_tsv(crate_path))
    keys = []
    for r in pairs:
        keys += [k for k in r if k not in keys]
    with open(os.path.join(args.out, "pairs.csv"), "w") as fh:
        w = csv.DictWriter(fh, keys)
        w.writeheader()
        w.writerows(pairs)
    report(pairs)


if __name__ == "__main__":
    main()
