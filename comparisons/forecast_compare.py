"""Issue 23's goals, measured: revops' forecasting methods against statsforecast's AutoETS,
AutoARIMA, AutoTheta and SeasonalNaive on the real monthly and quarterly series that ship inside
statsmodels and statsforecast (comparisons/forecast_series.py documents every one).

Each series' last year is held out (12 months, 4 quarters); every method is fitted on the rest
and forecasts it with a 95 % interval. One Python function scores every method's forecasts:
MASE (scale: the training series' in-sample seasonal-naive MAE), sMAPE, 95 % coverage and MSIS
(the M4 competition's scaled interval score, alpha = 0.05). Accuracy means are taken over the
series on which every method produced a forecast (failures are counted and listed).

Times are the best of three fit-and-forecast runs of one series after one warm-up run (numba's
compilation is not counted), on one core: the process is pinned to one CPU and NUMBA/OMP/MKL/
OpenBLAS use one thread; the crate's example (examples/forecast_compare.rs, built with
--release) is run as a child of this pinned process and times itself the same way.

Run from the repository root (pinned versions: comparisons/README.md):
    /path/to/venv/bin/python comparisons/forecast_compare.py [--rows rows.csv]
or, to report again from the scores a run wrote (no statsforecast needed):
    python3 comparisons/forecast_compare.py --from-rows rows.csv
"""
import os

for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_series  # noqa: E402

warnings.filterwarnings("ignore")

OURS = ["AutoETS", "AutoARIMA", "AutoARIMAApproxLong", "Theta", "OptimisedTheta", "SeasonalNaive", "Ensemble"]
PEERS = ["AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive"]
# revops method -> the statsforecast method(s) a user would run for the same forecast
SPEED_PAIRS = [
    ("AutoETS", ["AutoETS"]),
    ("AutoARIMA", ["AutoARIMA"]),
    ("AutoARIMAApproxLong", ["AutoARIMA"]),
    ("Theta", ["AutoTheta"]),
    ("OptimisedTheta", ["AutoTheta"]),
    ("SeasonalNaive", ["SeasonalNaive"]),
    ("Ensemble", ["AutoETS"]),
    ("Ensemble", ["AutoETS", "AutoARIMA"]),
]


def scores(train, test, mean, lo, hi, m):
    """MASE, sMAPE (%), share of test points inside [lo, hi], MSIS."""
    train, test, mean, lo, hi = (np.asarray(a, float) for a in (train, test, mean, lo, hi))
    m = m if len(train) > m else 1
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    err = np.abs(mean - test)
    with np.errstate(invalid="ignore", divide="ignore"):
        smape = np.nanmean(200 * err / (np.abs(mean) + np.abs(test)))
    msis = (hi - lo) + 40 * np.maximum(lo - test, 0) + 40 * np.maximum(test - hi, 0)
    inside = np.mean((lo <= test) & (test <= hi))
    return np.mean(err) / scale, smape, inside, np.mean(msis) / scale


def peers(series):
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    makers = {"AutoETS": AutoETS, "AutoARIMA": AutoARIMA, "AutoTheta": AutoTheta, "SeasonalNaive": SeasonalNaive}
    out, failed = {}, []
    for name, m, h, y in series:
        train = np.asarray(y[:-h], float)
        for label in PEERS:
            run = lambda: makers[label](season_length=m).forecast(y=train, h=h, level=[95])  # noqa: E731
            try:
                f = run()  # warm-up (numba compilation)
                best = np.inf
                for _ in range(3):
                    t = time.perf_counter()
                    f = run()
                    best = min(best, time.perf_counter() - t)
            except Exception as e:  # a peer that fails on a series is counted, not hidden
                failed.append((name, "sf." + label, str(e)[:80]))
                continue
            out[(name, "sf." + label)] = (best * 1e6, f["mean"], f["lo-95"], f["hi-95"])
    return out, failed


def ours(series):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "forecast_compare"], cwd=root, check=True)
    exe = os.path.join(root, "target", "release", "examples", "forecast_compare")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "series.csv"), os.path.join(tmp, "forecasts.jsonl")
        with open(src, "w") as f:
            for name, m, h, y in series:
                f.write(",".join([name, str(m), str(h)] + [repr(float(v)) for v in y]) + "\n")
        run = subprocess.run([exe, src, "--forecasts", dst], check=True, capture_output=True, text=True)
        crate_rows = {}
        for line in run.stdout.splitlines()[1:]:
            name, _, label, _, mase, *_ = line.split(",")
            crate_rows[(name, "revops." + label)] = float(mase)
        out = {}
        with open(dst) as f:
            for line in f:
                r = json.loads(line)
                out[(r["series"], "revops." + r["method"])] = (r["microseconds"], r["mean"], r["lo"], r["hi"])
    failed = [(l.split(" ")[0], "revops." + l.split(" ")[1].rstrip(":"), l) for l in run.stderr.splitlines() if l]
    return out, failed, crate_rows


def bootstrap(values, stat, draws=10_000, seed=23):
    """A 95 % percentile interval of `stat` over series resampled with replacement: how far the
    figure could move on another draw of as many series (seeded, so reruns print the same)."""
    rng = np.random.default_rng(seed)
    n = len(values[0])
    picks = rng.integers(0, n, size=(draws, n))
    got = np.array([stat(*(v[i] for v in values)) for i in picks])
    return np.percentile(got, [2.5, 97.5])


def read_rows(path):
    """The scores a --rows run wrote: (series, method) -> (mase, smape, coverage, msis, µs)."""
    rows, group = {}, {}
    with open(path) as f:
        next(f)
        for line in f:
            name, g, meth, *v = line.strip().split(",")
            rows[(name, meth)] = tuple(float(x) for x in v)
            group[name] = g
    return rows, group


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", help="write every series x method score to this CSV")
    ap.add_argument("--from-rows", help="report from a CSV a --rows run wrote, without running the methods")
    args = ap.parse_args()
    methods = ["revops." + x for x in OURS] + ["sf." + x for x in PEERS]

    if args.from_rows:
        rows, group = read_rows(args.from_rows)
        failed = []
    else:
        rows, group, failed = run_methods(methods)
    if args.rows:
        with open(args.rows, "w") as f:
            f.write("series,group,method,mase,smape,coverage95,msis,microseconds\n")
            for (name, meth), v in sorted(rows.items()):
                f.write(f"{name},{group[name]},{meth}," + ",".join(f"{x:.6g}" for x in v) + "\n")
    report(rows, group, methods, failed)


def run_methods(methods):
    series = [(n, m, 12, y) for n, m, y in forecast_series.monthly()]
    series += [(n, m, 4, y) for n, m, y in forecast_series.quarterly()]
    group = {n: ("monthly" if m == 12 else "quarterly") for n, m, _, _ in series}
    ours_out, ours_failed, crate_mase = ours(series)
    peer_out, peer_failed = peers(series)
    results = {**ours_out, **peer_out}

    rows = {}  # (series, method) -> (mase, smape, coverage, msis, microseconds)
    for name, m, h, y in series:
        for meth in methods:
            if (name, meth) in results:
                us, mean, lo, hi = results[(name, meth)]
                rows[(name, meth)] = (*scores(y[:-h], y[-h:], mean, lo, hi, m), us)
    # the crate's own MASE must agree with this script's
    worst = max(abs(rows[k][0] - v) / max(abs(v), 1e-12) for k, v in crate_mase.items())
    assert worst < 1e-9, f"crate and script MASE disagree by {worst}"
    return rows, group, ours_failed + peer_failed


def report(rows, group, methods, failed):
    n_m = sum(g == "monthly" for g in group.values())
    print(f"{len(group)} real series ({n_m} monthly, h = 12; {len(group) - n_m} quarterly, h = 4), "
          "last year held out; sources: comparisons/forecast_series.py")
    for name, meth, why in failed:
        print(f"  no forecast: {name} {meth}: {why}")

    summary = {}
    for g in ("monthly", "quarterly"):
        names = [n for n in group if group[n] == g and all((n, meth) in rows for meth in methods)]
        print(f"\n{g}: {len(names)} series on which every method forecast")
        print(f"  {'method':<27} {'MASE':>7} {'median':>7} {'sMAPE':>7} {'cov95':>7} {'MSIS':>7}")
        for meth in methods:
            a = np.array([rows[(n, meth)] for n in names])
            summary[(g, meth)] = a
            print(f"  {meth:<27} {a[:, 0].mean():7.3f} {np.median(a[:, 0]):7.3f} {np.nanmean(a[:, 1]):7.2f} "
                  f"{a[:, 2].mean():7.3f} "
                  f"{a[:, 3].mean():7.2f}")

    print("  (MASE, sMAPE, cov95, MSIS: means over the series; median: the median MASE)")
    print("\nIssue 23 accuracy goals (default Ensemble)")
    for g in ("monthly", "quarterly"):
        ens = summary[(g, "revops.Ensemble")]
        for peer in ("sf.AutoETS", "sf.AutoARIMA", "sf.AutoTheta"):
            p = summary[(g, peer)]
            gain = 1 - ens[:, 0].mean() / p[:, 0].mean()
            need = 0.10 if peer == "sf.AutoETS" else 0.0
            verdict = "met" if gain >= need else "NOT met"
            lo, hi = bootstrap([ens[:, 0], p[:, 0]], lambda e, q: 1 - e.mean() / q.mean())
            print(f"  {g:<9} mean MASE vs {peer:<13}: {ens[:, 0].mean():.3f} vs {p[:, 0].mean():.3f}, "
                  f"{100 * gain:+.1f} % better [{100 * lo:+.1f}, {100 * hi:+.1f}] (goal >= {100 * need:.0f} %): "
                  f"{verdict}")
        cov = ens[:, 2].mean()
        lo, hi = bootstrap([ens[:, 2]], np.mean)
        print(f"  {g:<9} 95 % coverage {100 * cov:.1f} % [{100 * lo:.1f}, {100 * hi:.1f}] (goal 93-97 %): "
              f"{'met' if 0.93 <= cov <= 0.97 else 'NOT met'}")
        best_peer = min(("sf." + x for x in PEERS), key=lambda k: summary[(g, k)][:, 3].mean())
        msis, peer_msis = ens[:, 3].mean(), summary[(g, best_peer)][:, 3].mean()
        print(f"  {g:<9} MSIS {msis:.2f} vs best peer {best_peer} {peer_msis:.2f} (goal: lower than every peer): "
              f"{'met' if msis < peer_msis else 'NOT met'}")

    print("  [..]: 95 % bootstrap interval over the series (10,000 resamples, seeded): the spread of the"
          " figure on another draw of as many series")
    print("\nSpeed: fit + forecast of one series with a 95 % interval, best of 3 warm runs, one core")
    print(f"  {'group':<9} {'revops method':<19} {'statsforecast':<21} {'revops µs':>10} {'sf µs':>10} "
          f"{'ratio':>7} {'min ratio':>9} {'>=10x':>6}")
    for g in ("monthly", "quarterly"):
        names = [n for n in group if group[n] == g]
        for o, ps in SPEED_PAIRS:
            ok = [n for n in names if (n, "revops." + o) in rows and all((n, "sf." + p) in rows for p in ps)]
            t_o = np.array([rows[(n, "revops." + o)][4] for n in ok])
            t_p = np.array([sum(rows[(n, "sf." + p)][4] for p in ps) for n in ok])
            r = t_p / t_o
            print(f"  {g:<9} {o:<19} {'+'.join(ps):<21} {np.median(t_o):10.0f} {np.median(t_p):10.0f} "
                  f"{np.median(r):6.1f}x {r.min():8.1f}x {np.mean(r >= 10) * 100:5.0f}%")
    print("  (µs: median over series; ratio: median over series of statsforecast's time / revops';"
          " min ratio: the worst series; >=10x: share of series at least 10x faster)")




if __name__ == "__main__":
    main()
