"""statsforecast 2.1.1 beside the crate for every forecasting method other than ETS and ARIMA --
Naive, SeasonalNaive, RandomWalkWithDrift, Theta (STM), OptimizedTheta (OTM), CrostonClassic,
CrostonSBA and TSB -- on all 54 series of the forecast comparison (comparisons/forecast_series.py,
fitted to each series' training part: the series less its held-out last year, 12 months or 4
quarters), plus a few intermittent demand series (below). A wide version of
comparisons/forecast_methods_reference.py, which pins two series.

Per (series, method) it prints the largest relative difference of the point forecasts and of the
80 % and 95 % bounds, relative = |crate - statsforecast| / max(|statsforecast|, mean |y|) (the
series' mean absolute value floors the divisor so that a bound near zero does not blow up), and
then lists every pair above 1e-4. Season length = the series' period for SeasonalNaive and the
Theta methods; TSB is fitted with (alpha_d, alpha_p) = (0.2, 0.1) and (0.5, 0.3).

What each side gives:
- Naive / SeasonalNaive / RandomWalkWithDrift: analytic normal intervals on both sides.
- Theta / OptimizedTheta: statsforecast's bounds are quantiles of 200 simulated paths (seed 0,
  float32, sigma from the residuals after the first three); the crate's are analytic
  (sigma^2 (1 + (h-1) alpha^2)), so bounds are compared but only roughly. For the points the
  script also reports each side's alpha and theta and evaluates both fits by one formula: the
  crate's in-sample objective (mean squared one-step error over all n points of the
  deseasonalised series, initial level re-optimised in closed form for the given alpha and
  theta) and statsforecast's (the same without the first three errors), with the exact minimum
  of each found by a dense grid plus local refinement, so a worse optimum can be told from a
  different objective.
- Croston / SBA / TSB: statsforecast has no native forecast intervals for them (conformal
  only), so only the points are compared, plus the in-sample one-step error variance (the
  crate's sigma2 against statsforecast's `_calculate_sigma(y - fitted, n)` squared, i.e. the
  scale of its fitted-value intervals).

Intermittent series (in addition to the 54, which are mostly positive -- negative values are
refused by the crate and skipped): `seats` (the series of forecast_methods_reference.py),
`sunspots` (statsmodels' yearly sunspot numbers, three zero years), and deterministic ones built
here from a fixed linear congruential generator: `lcg_p30` (demand in ~30 % of 60 months,
sizes 1-9), `lcg_tail` (the same with a run of 15 zero months at the end: obsolescence),
`lcg_head` (demand in the first month), `lcg_frac` (non-integer sizes).

The crate's side is the small Rust program in comparisons/forecast_methods_wide/ (its own
Cargo project, outside the crate's build), which reads the same series file
(`name,period,h,v1,...`) and writes `series,method,step,mean,lo80,hi80,lo95,hi95,p1,p2,sigma2`
(p1, p2 = alpha, theta for Theta; the level for the intermittent methods). Run from the
repository root:

    /path/to/venv/bin/python comparisons/forecast_methods_wide.py --write-series series.csv
    cargo run --release --manifest-path comparisons/forecast_methods_wide/Cargo.toml -- \
        series.csv > crate.csv
    /path/to/venv/bin/python comparisons/forecast_methods_wide.py --series series.csv \
        --crate crate.csv [--out-dir DIR]

(--write-series writes the 54 series, training and held-out part, followed by the intermittent
ones with h = 12; --out-dir keeps statsforecast's rows, the per-pair table and the Theta
diagnostics as CSV.)
"""
import argparse
import csv
import os
import sys
import warnings

import numpy as np
from scipy.optimize import minimize
from statsforecast._lib import theta as _theta
from statsforecast.models import _croston_classic, _croston_sba, _tsb
from statsforecast.theta import auto_theta
from statsforecast.utils import _calculate_sigma

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import statsforecast_methods as methods  # noqa: E402

LEVELS = [80, 95]
TSBS = {"TSB": (0.2, 0.1), "TSB_b": (0.5, 0.3)}
SEATS = [0, 0, 5, 0, 0, 0, 3, 0, 6, 0, 0, 4, 0, 0, 0, 0, 7, 0, 2, 0, 0, 5, 0, 0, 0, 3, 0, 0, 4, 0, 0, 0, 6, 0, 0, 2]


def lcg(seed):
    """A fixed 64-bit linear congruential generator (Knuth's MMIX constants), uniform in [0, 1)."""
    state = seed
    while True:
        state = (6364136223846793005 * state + 1442695040888963407) % 2**64
        yield (state >> 11) / 2**53


def intermittent_series():
    """Deterministic intermittent demand series: name -> values (h = 12 held out)."""
    out = {"seats": [float(v) for v in SEATS]}
    import statsmodels.api as sm

    out["sunspots"] = [float(v) for v in sm.datasets.sunspots.load_pandas().data["SUNACTIVITY"]]

    def build(seed, n, p, frac=False):
        u = lcg(seed)
        ys = []
        for _ in range(n):
            if next(u) < p:
                size = 1 + int(9 * next(u))
                ys.append(size + (round(next(u), 3) if frac else 0.0))
            else:
                ys.append(0.0)
        return ys

    out["lcg_p30"] = build(1, 72, 0.3)
    out["lcg_tail"] = build(2, 45, 0.35) + [0.0] * 27  # training part ends in 15 zero months
    head = build(3, 60, 0.25)
    head[0] = 6.0
    out["lcg_head"] = head
    out["lcg_frac"] = build(4, 72, 0.4, frac=True)
    return out


def read_series(path):
    rows = []
    for line in open(path):
        f = line.strip().split(",")
        if len(f) < 4:
            continue
        rows.append((f[0], int(f[1]), int(f[2]), np.array([float(v) for v in f[3:]])))
    return rows


def write_series(path):
    import forecast_series  # noqa: E402

    with open(path, "w") as fh:
        forecast_series.write_rows(fh)
        for name, y in intermittent_series().items():
            fh.write(",".join([name, "1", "12"] + [repr(float(v)) for v in y]) + "\n")


# ---------------------------------------------------------------- Theta: one formula for both fits
def deseasonalise(y, m):
    """statsforecast's auto_theta adjustment: (x, kind) with kind None/'multiplicative'/'additive'."""
    from scipy.stats import norm
    from statsmodels.tsa.seasonal import seasonal_decompose
    from statsmodels.tsa.stattools import acf

    if m >= 4 and len(y) >= 2 * m:
        r = acf(y, nlags=m, fft=False)[1:]
        stat = np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / len(y))
        if np.abs(r[-1]) / stat > norm.ppf(0.95):
            kind = "multiplicative" if min(y) > 0 else "additive"
            s = seasonal_decompose(y, model=kind, period=m).seasonal
            if kind == "multiplicative" and any(s < 0.01):
                kind = "additive"
                s = seasonal_decompose(y, model=kind, period=m).seasonal
            return (y - s if kind == "additive" else y / s), kind
    return y, None


def theta_errors(x, alpha, theta):
    """One-step errors of the theta model (line over t = 0..n-1, SES of the theta line) as an
    affine function of the free initial level: e = r - g * u0 (u0 = initial level / theta)."""
    n = len(x)
    t = np.arange(n, dtype=float)
    b, a = np.polyfit(t, x, 1)
    line = a + b * t
    w = 1.0 / theta
    r = np.empty(n)
    g = (1.0 - alpha) ** t
    c = 0.0  # u_t with u0 = 0
    for i in range(n):
        r[i] = x[i] - (1.0 - w) * line[i] - c
        c += alpha * ((x[i] - line[i]) + w * line[i] - c)
    return r, g


def theta_objective(x, alpha, theta, skip):
    """Mean squared one-step error over points skip.. with the initial level at its optimum."""
    r, g = theta_errors(x, alpha, theta)
    r, g = r[skip:], g[skip:]
    gg = g @ g
    u0 = (g @ r) / gg if gg > 0 else 0.0
    e = r - g * u0
    return float(e @ e / len(e))


def theta_minimum(x, optimise_theta, skip):
    """The exact minimum of theta_objective over alpha in [0.1, 0.99] (and theta in [1, 1e8])."""
    alphas = np.linspace(0.1, 0.99, 90)
    if not optimise_theta:
        vals = [theta_objective(x, a, 2.0, skip) for a in alphas]
        i = int(np.argmin(vals))
        res = minimize(lambda p: theta_objective(x, p[0], 2.0, skip), [alphas[i]], method="L-BFGS-B",
                       bounds=[(0.1, 0.99)], options={"ftol": 1e-15, "gtol": 1e-12})
        return min((res.fun, res.x[0], 2.0), (vals[i], alphas[i], 2.0))
    lthetas = np.linspace(0.0, 8.0, 81)  # log10 theta
    best = []
    for a in alphas[::3]:
        for lt in lthetas:
            best.append((theta_objective(x, a, 10**lt, skip), a, lt))
    best.sort()
    out = (best[0][0], best[0][1], 10 ** best[0][2])
    for v, a, lt in best[:5]:
        res = minimize(lambda p: theta_objective(x, p[0], 10 ** p[1], skip), [a, lt], method="L-BFGS-B",
                       bounds=[(0.1, 0.99), (0.0, 8.0)], options={"ftol": 1e-15, "gtol": 1e-12})
        if res.fun < out[0]:
            out = (res.fun, res.x[0], 10 ** res.x[1])
    return out


# ---------------------------------------------------------------- statsforecast's side
def statsforecast_rows(name, m, y, h, intermittent_only):
    """(method, mean, {bound: values}, extra dict)"""
    out = []
    if not intermittent_only:
        for label, model in methods.benchmarks_and_theta(m):
            f = model.forecast(y=y, h=h, level=LEVELS)
            extra = {}
            if "Theta" in label:
                fit = auto_theta(y, m, model="STM" if label == "Theta" else "OTM")
                extra = dict(alpha=fit["par"]["alpha"], theta=fit["par"]["theta"],
                             level0=fit["par"]["initial_smoothed"], mse=fit["mse"])
            out.append((label, f["mean"], {k: f[k] for k in f if k != "mean"}, extra))
    if (y >= 0).all():
        for label, fn in [("Croston", _croston_classic), ("SBA", _croston_sba)] + [
            (k, (lambda ad, ap: (lambda y, h, fitted: _tsb(y, h, fitted, ad, ap)))(*v)) for k, v in TSBS.items()
        ]:
            f = fn(y=y, h=h, fitted=True)
            resid = y - f["fitted"]
            sig = float(_calculate_sigma(resid, y.size))
            nres = int(np.isfinite(resid).sum())
            extra = dict(sigma2_n=sig**2, sigma2_res=sig**2 * y.size / max(nres, 1), nres=nres)
            out.append((label, f["mean"], {}, extra))
        # the classes give the same points (a check that the private functions are what users get)
        for label, model in methods.intermittent():
            f = model.forecast(y=y, h=h)
            ref = [r for r in out if r[0] == label][0][1]
            assert np.allclose(f["mean"], ref, rtol=1e-12), (name, label)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", default="/tmp/ets-wide/series.csv")
    ap.add_argument("--write-series")
    ap.add_argument("--crate")
    ap.add_argument("--out-dir")
    ap.add_argument("--whole", action="store_true", help="fit whole series (h points ahead)")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    if args.write_series:
        write_series(args.write_series)
        return
    series = read_series(args.series)
    names = {s[0] for s in series}
    inter = intermittent_series()
    extra_rows = [(k, 1, 12, np.array(v)) for k, v in inter.items() if k not in names]
    crate = {}
    if args.crate:
        for r in csv.DictReader(open(args.crate)):
            crate.setdefault((r["series"], r["method"]), []).append(r)
    table, diag, sf_out = [], [], []
    for name, m, h, yall in series + extra_rows:
        y = yall if args.whole else yall[:-h]
        scale = float(np.mean(np.abs(y)))
        is_inter = name in inter
        for method, mean, bounds, extra in statsforecast_rows(name, m, y, h, is_inter):
            for k in range(h):
                sf_out.append([name, method, k + 1, mean[k]] + [bounds.get(b, [np.nan] * h)[k]
                              for b in ("lo-80", "hi-80", "lo-95", "hi-95")])
            rows = crate.get((name, method))
            if not rows:
                table.append(dict(series=name, method=method, note="crate: none"))
                continue
            c = {k: np.array([float(r[k]) for r in rows]) for k in ("mean", "lo80", "hi80", "lo95", "hi95")}
            rel = lambda a, b: np.max(np.abs(a - b) / np.maximum(np.abs(b), scale))  # noqa: E731
            rec = dict(series=name, method=method, n=len(y), mean_rel=rel(c["mean"], mean))
            if bounds:
                rec["bound_rel"] = max(rel(c[ck], bounds[sk]) for ck, sk in
                                       [("lo80", "lo-80"), ("hi80", "hi-80"), ("lo95", "lo-95"), ("hi95", "hi-95")])
            s2 = float(rows[0]["sigma2"])
            if "Theta" in method:
                rec.update(sf_alpha=extra["alpha"], sf_theta=extra["theta"],
                           rs_alpha=float(rows[0]["p1"]), rs_theta=float(rows[0]["p2"]), rs_sigma2=s2)
                x, kind = deseasonalise(y, m)
                opt = method == "OptimisedTheta"
                d = dict(series=name, method=method, adj=kind or "none")
                for skip, tag in [(0, "all"), (3, "skip3")]:
                    d[f"{tag}_crate"] = theta_objective(x, rec["rs_alpha"], rec["rs_theta"], skip)
                    d[f"{tag}_sf"] = theta_objective(x, extra["alpha"], extra["theta"], skip)
                    mn = theta_minimum(x, opt, skip)
                    d[f"{tag}_min"], d[f"{tag}_argmin_alpha"], d[f"{tag}_argmin_theta"] = mn
                d.update(rs_sigma2=s2, sf_mse=extra["mse"], rs_alpha=rec["rs_alpha"], rs_theta=rec["rs_theta"],
                         sf_alpha=extra["alpha"], sf_theta=extra["theta"], mean_rel=rec["mean_rel"])
                diag.append(d)
            elif method in ("Croston", "SBA") or method.startswith("TSB"):
                rec.update(rs_sigma2=s2, sf_sigma2_n=extra["sigma2_n"], sf_sigma2_res=extra["sigma2_res"],
                           sigma2_rel_n=abs(s2 / extra["sigma2_n"] - 1) if extra["sigma2_n"] else abs(s2),
                           sigma2_rel_res=abs(s2 / extra["sigma2_res"] - 1) if extra["sigma2_res"] else abs(s2))
            table.append(rec)
    report(table, diag, args.tol)
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        with open(os.path.join(args.out_dir, "statsforecast.csv"), "w") as fh:
            w = csv.writer(fh)
            w.writerow(["series", "method", "step", "mean", "lo80", "hi80", "lo95", "hi95"])
            w.writerows(sf_out)
        for fname, rows in [("pairs.csv", table), ("theta_diag.csv", diag)]:
            keys = sorted({k for r in rows for k in r}, key=lambda k: (k not in ("series", "method"), k))
            with open(os.path.join(args.out_dir, fname), "w") as fh:
                w = csv.DictWriter(fh, keys)
                w.writeheader()
                w.writerows(rows)


def report(table, diag, tol):
    methods = sorted({r["method"] for r in table})
    print(f"{'method':16} {'pairs':>5} {'mean>tol':>8} {'bnd>tol':>8} {'max mean rel':>13} {'max bound rel':>13}")
    for meth in methods:
        rs = [r for r in table if r["method"] == meth and "mean_rel" in r]
        mr = [r["mean_rel"] for r in rs]
        br = [r["bound_rel"] for r in rs if "bound_rel" in r]
        print(f"{meth:16} {len(rs):5d} {sum(v > tol for v in mr):8d} {sum(v > tol for v in br):8d} "
              f"{max(mr, default=np.nan):13.3e} {max(br, default=np.nan):13.3e}")
    missing = [r for r in table if "note" in r]
    if missing:
        print("\nno crate rows:", ", ".join(f"{r['series']}/{r['method']}" for r in missing))
    print(f"\npairs above {tol:g} relative (mean or bounds):")
    for r in table:
        if "mean_rel" in r and (r["mean_rel"] > tol or r.get("bound_rel", 0) > tol):
            extra = ""
            if "rs_alpha" in r:
                extra = (f" alpha rs/sf {r['rs_alpha']:.4f}/{r['sf_alpha']:.4f}"
                         f" theta rs/sf {r['rs_theta']:.4g}/{r['sf_theta']:.4g}")
            print(f"  {r['series']:28} {r['method']:15} mean {r['mean_rel']:.2e} bounds "
                  f"{r.get('bound_rel', float('nan')):.2e}{extra}")
    inter = [r for r in table if "rs_sigma2" in r and "sf_sigma2_n" in r]
    if inter:
        print("\nintermittent in-sample variance, crate sigma2 vs statsforecast (sum e^2 / n, / #residuals):")
        for r in inter:
            if r["sigma2_rel_res"] > tol or r["sigma2_rel_n"] > 0.05:
                print(f"  {r['series']:28} {r['method']:8} crate {r['rs_sigma2']:.6g} sf/n {r['sf_sigma2_n']:.6g}"
                      f" sf/#res {r['sf_sigma2_res']:.6g}")
    if diag:
        print("\nTheta objectives (mean sq. one-step error of the deseasonalised series, level re-optimised):")
        print(f"  {'series':26} {'method':14} {'crate(all)':>12} {'sf(all)':>12} {'min(all)':>12} "
              f"{'crate(skip3)':>12} {'sf(skip3)':>12} {'min(skip3)':>12}")
        for d in diag:
            print(f"  {d['series']:26} {d['method']:14} {d['all_crate']:12.6g} {d['all_sf']:12.6g} {d['all_min']:12.6g}"
                  f" {d['skip3_crate']:12.6g} {d['skip3_sf']:12.6g} {d['skip3_min']:12.6g}")


if __name__ == "__main__":
    main()
