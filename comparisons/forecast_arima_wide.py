"""The crate's ARIMA maximum-likelihood fits against statsforecast's and statsmodels', wide: on all
54 series of the forecast comparison (comparisons/forecast_series.py), fitted to each series'
training part (the series less its last period: 12 months, 4 quarters), does the crate reach the
log-likelihood the reference libraries reach for the same ARIMA(p,d,q)(P,D,Q)[m] form?

The (series, form) pairs are the crate's: every candidate of `AutoArima::new(m).fit(&train)`
(default, exact search) plus the form statsforecast's `AutoARIMA(season_length=m)` chooses. For
each pair:
- statsforecast 2.1.1 `statsforecast.arima.Arima(y, order, seasonal, include_mean, include_drift,
  method="CSS-ML")` (the constant is the mean when d + D = 0, the drift when d + D = 1, as the
  crate's `with_constant`): `loglik` and `coef`;
- statsmodels 0.15.0 `SARIMAX(y, order, seasonal_order, trend="c"|"n", simple_differencing=True)
  .fit(maxiter=1000)`: the exact likelihood of the differenced series (what the crate and
  statsforecast compute; the intercept is the ARMA equation's, so the crate's constant is
  `c / (phi(1) Phi(1)) / m^D`), the best of three maximisations (its own start with σ² a
  parameter, and with σ² concentrated out; statsforecast's coefficients as the start, σ²
  concentrated): each alone stops short on some forms, by up to 5.5.
The gap is the crate's log-likelihood minus the better reference's. Every pair more than 0.1
below has the better reference's coefficients evaluated by the crate (`ArimaSpec::fit_fixed`):
the same value there means the same likelihood, so the crate stopped at a worse point; a
different value means a different definition.

Forms AutoARIMA refused (a root within 1.01 of the unit circle, a non-stationary CSS start) are
refitted by `ArimaSpec::fit` and compared too (kind `refit`).

The crate's side is the standalone Cargo program in comparisons/forecast_arima_wide/ (outside the
crate's build, like forecast_methods_wide/); it takes
    arima-wide auto SERIES.csv ORDERS.tsv   -> TSV of every candidate, the choice and extra orders
    arima-wide fixed SERIES.csv FIXED.tsv   -> TSV of fit_fixed log-likelihoods
with rows `name kind p d q P D Q m constant status loglik aicc sigma2 coefs approximate tag error`
(kinds cand, refit, best, extra, fixed, autoerr, panic; its source says what each holds; a panic
is caught and reported as an error starting `PANIC`). Build it with
    cargo build --release --manifest-path comparisons/forecast_arima_wide/Cargo.toml

Run:
    NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
    /path/to/venv/bin/python comparisons/forecast_arima_wide.py \
        --bin comparisons/forecast_arima_wide/target/release/arima-wide --out /tmp/arima-wide \
        [--jobs 2] [--reuse] [--group monthly|quarterly] [--series NAME,...]
It writes, under --out: series.csv, sf_auto.tsv (statsforecast's AutoARIMA choices), crate_auto.tsv,
ref.tsv (reference fits), fixed.tsv / crate_fixed.tsv (reference coefficients in the crate),
pairs.csv (one row per pair, with the gap) and auto.csv (the two choices side by side), and prints
a summary. --reuse keeps the statsforecast AutoARIMA and reference fits already written.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import time
import warnings
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_series  # noqa: E402
import sarimax_start  # noqa: E402

warnings.filterwarnings("ignore")

THRESHOLD = 0.1
COLS = "name kind p d q P D Q m constant status loglik aicc sigma2 coefs approximate tag error".split()


def series(group="all", names=None):
    out = []
    groups = {"monthly": forecast_series.monthly, "quarterly": forecast_series.quarterly}
    for g in ("monthly", "quarterly"):
        if group not in ("all", g):
            continue
        for name, m, v in groups[g]():
            if not names or name in names:
                out.append((name, m, m, [float(x) for x in v]))
    return out


def key(r):
    return (r["name"], int(r["p"]), int(r["d"]), int(r["q"]), int(r["P"]), int(r["D"]), int(r["Q"]),
            int(r["m"]), int(r["constant"]))


def form(k):
    _, p, d, q, P, D, Q, m, c = k
    s = f"({p},{d},{q})" + (f"({P},{D},{Q})[{m}]" if P + D + Q else "")
    return s + ("+c" if c else "")


def read_tsv(path, cols=COLS):
    rows = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            rows.append(dict(zip(cols, parts + [""] * (len(cols) - len(parts)))))
    return rows


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return math.nan


# ---------------------------------------------------------------- statsforecast AutoARIMA

def sf_auto(item):
    from statsforecast.models import AutoARIMA

    name, m, h, v = item
    y = np.asarray(v[:-h], dtype=float)
    t = time.perf_counter()
    try:
        fit = AutoARIMA(season_length=m).fit(y).model_
    except Exception as e:  # noqa: BLE001
        return [name, "err", str(e).replace("\t", " ")]
    p, q, P, Q, mm, d, D = fit["arma"]
    c = int(any(k in fit["coef"] for k in ("intercept", "drift")))
    return [name, "ok", p, d, q, P, D, Q, m, c, repr(float(fit["loglik"])), repr(float(fit["aicc"])),
            ";".join(repr(float(x)) for x in fit["coef"].values()), f"{time.perf_counter() - t:.2f}"]


# ---------------------------------------------------------------- reference fits of one form

def sf_fixed(y, k):
    from statsforecast.arima import Arima

    _, p, d, q, P, D, Q, m, c = k
    fit = Arima(y, order=(p, d, q), seasonal={"order": (P, D, Q), "period": m},
                include_mean=bool(c and d + D == 0), include_drift=bool(c and d + D == 1), method="CSS-ML")
    return float(fit["loglik"]), [float(x) for x in fit["coef"].values()]


def sm_fit(y, k, sf_coef=None):
    """The best of three SARIMAX maxima: from its own start with σ² a parameter and concentrated
    out, and (σ² concentrated) from statsforecast's coefficients when it gave some. Each alone
    stops short somewhere: its own start 0.56 below on interest_inflation.Dp (0,0,0)(0,1,1)[4]
    with σ² a parameter, 5.5 below on macro.realdpi (0,2,0)(2,0,2)[4] with σ² concentrated."""
    import statsmodels.api as sm

    _, p, d, q, P, D, Q, m, c = k
    kw = dict(order=(p, d, q), seasonal_order=(P, D, Q, m if P + D + Q else 0), trend="c" if c else "n",
              simple_differencing=True)
    fits = []
    for conc in (False, True):
        try:
            mod = sm.tsa.SARIMAX(y, concentrate_scale=conc, **kw)
            fits.append((mod, mod.fit(disp=0, maxiter=1000)))
        except Exception:  # noqa: BLE001 (the other start may do)
            pass
    if sf_coef:
        # statsforecast's coefficients as SARIMAX's parameters: the intercept first
        start = sarimax_start.start_params(sf_coef, p, q, P, D, m, c)
        try:
            mod = sm.tsa.SARIMAX(y, concentrate_scale=True, **kw)
            fits.append((mod, mod.fit(start_params=np.asarray(start, dtype=float), disp=0, maxiter=1000)))
        except Exception:  # noqa: BLE001 (a start SARIMAX cannot use: its own starts stand)
            pass
    if not fits:
        raise RuntimeError("SARIMAX could not fit this form from any start")
    mod, r = max(fits, key=lambda f: f[1].llf if np.isfinite(f[1].llf) else -np.inf)
    pr = dict(zip(mod.param_names, np.asarray(r.params, dtype=float)))
    ar = [pr[f"ar.L{i}"] for i in range(1, p + 1)]
    ma = [pr[f"ma.L{i}"] for i in range(1, q + 1)]
    sar = [pr[f"ar.S.L{m * i}"] for i in range(1, P + 1)]
    sma = [pr[f"ma.S.L{m * i}"] for i in range(1, Q + 1)]
    coef = ar + ma + sar + sma
    if c:
        # SARIMAX's intercept is the ARMA equation's: mean of the differenced series = c / (phi(1) Phi(1))
        mean = pr["intercept"] / ((1 - sum(ar)) * (1 - sum(sar)))
        coef.append(mean / (m ** D if D else 1))
    return float(r.llf), [float(x) for x in coef]


def clean(coefs):
    """A coefficient list as written (older rows may hold `np.float64(x)` reprs)."""
    return ";".join(repr(float(x.replace("np.float64(", "").rstrip(")"))) for x in coefs.split(";") if x)


def reference(args):
    k, v, h, with_sm = args
    y = np.asarray(v[:-h], dtype=float)
    out = [*k]
    sf_coef = None
    for f in (sf_fixed, sm_fit) if with_sm else (sf_fixed,):
        t = time.perf_counter()
        try:
            with warnings.catch_warnings():  # statsmodels turns its warnings back on when imported
                warnings.simplefilter("ignore")
                ll, coef = f(y, k, sf_coef) if f is sm_fit else f(y, k)
            if f is sf_fixed:
                sf_coef = coef
            out += [repr(ll), ";".join(repr(x) for x in coef), f"{time.perf_counter() - t:.2f}", ""]
        except Exception as e:  # noqa: BLE001
            out += ["nan", "", f"{time.perf_counter() - t:.2f}", str(e).replace("\t", " ")[:200]]
    if not with_sm:
        out += ["nan", "", "0", "skipped"]
    return out


REF_COLS = "name p d q P D Q m constant sf_ll sf_coef sf_secs sf_err sm_ll sm_coef sm_secs sm_err".split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--no-statsmodels", action="store_true")
    ap.add_argument("--group", choices=("all", "monthly", "quarterly"), default="all")
    ap.add_argument("--series", help="comma-separated series names (default: every series of --group)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    P = lambda f: os.path.join(a.out, f)  # noqa: E731
    data = series(a.group, set(a.series.split(",")) if a.series else None)
    by = {d[0]: d for d in data}
    with open(P("series.csv"), "w") as f:
        for name, m, h, v in data:
            f.write(",".join([name, str(m), str(h)] + [repr(x) for x in v]) + "\n")

    # 1. statsforecast's AutoARIMA
    if not (a.reuse and os.path.exists(P("sf_auto.tsv"))):
        with Pool(a.jobs) as pool:
            rows = pool.map(sf_auto, data, chunksize=1)
        with open(P("sf_auto.tsv"), "w") as f:
            for r in rows:
                f.write("\t".join(map(str, r)) + "\n")
    sf_cols = "name status p d q P D Q m constant loglik aicc coef secs".split()
    sfa = {r["name"]: r for r in read_tsv(P("sf_auto.tsv"), sf_cols)}
    with open(P("orders.tsv"), "w") as f:
        for r in sfa.values():
            if r["status"] == "ok":
                f.write("\t".join([r["name"]] + [r[c] for c in sf_cols[2:10]] + ["sf_auto"]) + "\n")

    # 2. the crate
    with open(P("crate_auto.tsv"), "w") as f:
        subprocess.run([a.bin, "auto", P("series.csv"), P("orders.tsv")], stdout=f, check=True)
    crate = read_tsv(P("crate_auto.tsv"))
    panics = [r for r in crate if r["kind"] in ("panic", "autoerr") or "PANIC" in r["error"]]

    # 3. references for every form the crate fitted (or refused)
    keys = {}
    for r in crate:
        if r["kind"] in ("cand", "refit", "extra", "best"):
            keys.setdefault(key(r), None)
    ref = {}
    if a.reuse and os.path.exists(P("ref.tsv")):
        for r in read_tsv(P("ref.tsv"), REF_COLS):
            ref[key(r)] = r
    todo = [k for k in keys if k not in ref]
    if todo:
        t = time.perf_counter()
        with Pool(a.jobs) as pool, open(P("ref.tsv"), "a") as f:
            jobs = [(k, by[k[0]][3], by[k[0]][2], not a.no_statsmodels) for k in todo]
            for i, r in enumerate(pool.imap_unordered(reference, jobs, chunksize=1)):
                f.write("\t".join(map(str, r)) + "\n")
                f.flush()
                if i % 100 == 0:
                    print(f"# reference {i}/{len(todo)} {time.perf_counter() - t:.0f}s", file=sys.stderr)
        for r in read_tsv(P("ref.tsv"), REF_COLS):
            ref[key(r)] = r

    # 4. one row per pair: the crate's CSS-ML fit (the candidate, else the refit / extra)
    fits = {}
    for r in crate:
        if r["kind"] in ("cand", "refit", "extra", "best") and r["status"] == "ok" and r["approximate"] != "1":
            fits.setdefault(key(r), r)
    refused = {key(r): r["error"] for r in crate if r["kind"] == "cand" and r["status"] == "err"}
    pairs = []
    for k in keys:
        rr = ref.get(k, {})
        sf_ll, sm_ll = fnum(rr.get("sf_ll")), fnum(rr.get("sm_ll"))
        cands = [(x, s) for x, s in ((sf_ll, "sf"), (sm_ll, "sm")) if not math.isnan(x)]
        best_ll, best_src = max(cands) if cands else (math.nan, "")
        c = fits.get(k)
        ll = fnum(c["loglik"]) if c else math.nan
        pairs.append(dict(key=k, crate_ll=ll, sf_ll=sf_ll, sm_ll=sm_ll, best=best_ll, src=best_src,
                          gap=ll - best_ll, crate=c, ref=rr, refused=refused.get(k, ""),
                          crate_err="" if c else next((r["error"] for r in crate if key(r) == k and r["error"]), "")))

    # 5. the better reference's coefficients (both, when both exist) evaluated by the crate
    bad = [p for p in pairs if p["gap"] < -THRESHOLD]
    with open(P("fixed.tsv"), "w") as f:
        # and every crate fit's own coefficients: its reported log-likelihood should be their value
        for p in pairs:
            if p["crate"]:
                f.write("\t".join(map(str, [*p["key"], p["crate"]["coefs"], "self"])) + "\n")
        for p in bad:
            for src in ("sf", "sm"):
                coef = clean(p["ref"].get(f"{src}_coef", ""))
                # (a form without coefficients has an empty list: the crate's value there is still due)
                if not math.isnan(fnum(p["ref"].get(f"{src}_ll"))):
                    f.write("\t".join(map(str, [*p["key"], coef, src])) + "\n")
    with open(P("crate_fixed.tsv"), "w") as f:
        subprocess.run([a.bin, "fixed", P("series.csv"), P("fixed.tsv")], stdout=f, check=True)
    fixed = {(key(r), r["tag"]): r for r in read_tsv(P("crate_fixed.tsv"))}

    with open(P("pairs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["series", "form", "crate_ll", "crate_at_own_coef", "sf_ll", "sm_ll", "gap", "true_gap",
                    "best_ref", "crate_at_sf_coef",
                    "crate_at_sm_coef", "autoarima_refused", "crate_error", "crate_coef", "sf_coef", "sm_coef",
                    "sf_err", "sm_err"])
        for p in sorted(pairs, key=lambda p: (p["gap"] if not math.isnan(p["gap"]) else 1e9)):
            k = p["key"]
            own = fnum(fixed.get((k, "self"), {}).get("loglik"))
            w.writerow([k[0], form(k), p["crate_ll"], own, p["sf_ll"], p["sm_ll"], p["gap"], own - p["best"], p["src"],
                        fnum(fixed.get((k, "sf"), {}).get("loglik")), fnum(fixed.get((k, "sm"), {}).get("loglik")),
                        p["refused"], p["crate_err"], (p["crate"] or {}).get("coefs", ""),
                        p["ref"].get("sf_coef", ""), p["ref"].get("sm_coef", ""),
                        p["ref"].get("sf_err", ""), p["ref"].get("sm_err", "")])

    # 6. the two AutoARIMA choices
    best = {r["name"]: r for r in crate if r["kind"] == "best"}
    extra = {key(r): r for r in crate if r["kind"] == "extra"}
    with open(P("auto.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["series", "crate_form", "crate_aicc", "sf_form", "sf_aicc", "crate_aicc_of_sf_form",
                    "aicc_crate_minus_sf"])
        for name, *_ in data:
            b, s = best.get(name), sfa.get(name)
            if not b or not s or s["status"] != "ok":
                w.writerow([name, form(key(b)) if b else "ERR", "", "", "", "", ""])
                continue
            ks = key(s)
            e = extra.get(ks, {})
            w.writerow([name, form(key(b)), b["aicc"], form(ks), s["aicc"], e.get("aicc", ""),
                        fnum(b["aicc"]) - fnum(s["aicc"])])

    # summary
    valid = [p for p in pairs if not math.isnan(p["gap"])]
    print(f"pairs {len(pairs)}; compared {len(valid)}; crate more than {THRESHOLD} below the best reference: "
          f"{len(bad)}; above by more than {THRESHOLD}: {sum(p['gap'] > THRESHOLD for p in valid)}")
    own = {p["key"]: fnum(fixed.get((p["key"], "self"), {}).get("loglik")) for p in valid}
    off = [p for p in valid if not abs(own[p["key"]] - p["crate_ll"]) <= 0.01]
    print(f"crate fits whose reported log-likelihood differs by more than 0.01 from that of their own "
          f"coefficients (fit_fixed): {len(off)}; of the {len(bad)} below, {sum(p in off for p in bad)}")
    print(f"true gap (the crate's coefficients evaluated by fit_fixed, minus the best reference) below "
          f"-{THRESHOLD}: {sum(own[p['key']] - p['best'] < -THRESHOLD for p in valid)}")
    print(f"crate panics / AutoArima errors: {len(panics)}")
    for r in panics:
        print("  ", r["name"], r["kind"], r["error"])
    for p in sorted(bad, key=lambda p: p["gap"])[:40]:
        k = p["key"]
        fx = {s: fnum(fixed.get((k, s), {}).get("loglik")) for s in ("sf", "sm")}
        print(f"{k[0]:28s} {form(k):24s} crate {p['crate_ll']:12.4f} sf {p['sf_ll']:12.4f} "
              f"sm {p['sm_ll']:12.4f} gap {p['gap']:9.4f}  crate@own {own[k]:12.4f} crate@sf {fx['sf']:12.4f} "
              f"crate@sm {fx['sm']:12.4f}"
              f"{'  [refused]' if p['refused'] else ''}")


if __name__ == "__main__":
    main()
