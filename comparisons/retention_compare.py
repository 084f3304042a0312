#!/usr/bin/env python3
"""lifetimes and lifelines against revops on their own public data sets.

- CDNOW (lifetimes' load_cdnow_summary_data_with_monetary_value, 2,357 customers): the BG/NBD
  fit, every customer's expected repeat purchases over 52 weeks and P(alive), the Gamma-Gamma
  fit on the 946 repeat buyers;
- waltons (lifelines' load_waltons, 163 flies): the Kaplan-Meier curve with its 95 % bands, and
  the log-rank test of miR-137 against control.

The crate's side is examples/retention_compare.rs, which reads the same data copied into
tests/data. Times are in-process (data loading and interpreter start-up excluded), the best of
several runs; one thread.

    python3 comparisons/retention_compare.py

Run from the repository root with the versions pinned in comparisons/README.md.
"""
import os
import subprocess
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_io import best_of, crate_lines  # noqa: E402
import lifelines  # noqa: E402
import lifetimes  # noqa: E402
from lifelines import KaplanMeierFitter  # noqa: E402
from lifelines.datasets import load_waltons  # noqa: E402
from lifelines.statistics import logrank_test  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value  # noqa: E402


def crate():
    return crate_lines("retention_compare")


def row(name, ours, theirs, unit="ms", scale=1e3):
    ratio = theirs / ours if ours > 0 else float("nan")
    print(f"  {name:<40} revops {ours * scale:10.3f} {unit}   reference {theirs * scale:10.3f} {unit}   ratio {ratio:6.1f}x")


def cdnow(ours):
    print(f"CDNOW, 2,357 customers (lifetimes {lifetimes.__version__})")
    d = load_cdnow_summary_data_with_monetary_value()
    f, r, T = d["frequency"], d["recency"], d["T"]
    t_fit, bgf = best_of(5, lambda: BetaGeoFitter(penalizer_coef=0.0).fit(f, r, T))
    theirs = np.array([bgf.params_[k] for k in ("r", "alpha", "a", "b")])
    rel = np.abs(ours["bgnbd_params"] - theirs) / theirs
    print(f"  BG/NBD (r, alpha, a, b): revops {ours['bgnbd_params']}  lifetimes {theirs}  max rel. diff {rel.max():.1e}")
    # lifetimes keeps the mean negative log-likelihood; its own function gives the total
    weights = np.ones(len(d))
    ll_theirs = -len(d) * BetaGeoFitter._negative_log_likelihood(np.log(theirs), f.values, r.values, T.values, weights, 0.0)
    print(f"  log-likelihood: revops {ours['bgnbd_loglik'][0]:.6f}  lifetimes {ll_theirs:.6f}")
    row("BG/NBD fit", ours["bgnbd_seconds"][0], t_fit)
    t_exp, expected = best_of(5, lambda: bgf.conditional_expected_number_of_purchases_up_to_time(52, f, r, T))
    err = np.abs(ours["bgnbd_expected_52"] - np.asarray(expected)) / np.maximum(np.asarray(expected), 1e-300)
    print(f"  expected purchases in 52 weeks, every customer: max rel. diff {err.max():.1e}")
    alive = np.asarray(bgf.conditional_probability_alive(f, r, T))
    print(f"  P(alive), every customer: max abs. diff {np.abs(ours['bgnbd_p_alive'] - alive).max():.1e}")
    row("expected purchases, 2,357 customers", ours["bgnbd_expected_seconds"][0], t_exp)
    repeat = d[d["frequency"] > 0]
    t_gg, ggf = best_of(5, lambda: GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"]))
    theirs = np.array([ggf.params_[k] for k in ("p", "q", "v")])
    rel = np.abs(ours["gg_params"] - theirs) / theirs
    print(f"  Gamma-Gamma (p, q, v): revops {ours['gg_params']}  lifetimes {theirs}  max rel. diff {rel.max():.1e}")
    row("Gamma-Gamma fit", ours["gg_seconds"][0], t_gg)


def waltons(ours):
    print(f"waltons, 163 subjects (lifelines {lifelines.__version__})")
    df = load_waltons()
    t_km, kmf = best_of(50, lambda: KaplanMeierFitter().fit(df["T"], df["E"], alpha=0.05))
    sf = kmf.survival_function_["KM_estimate"]
    ci = kmf.confidence_interval_
    times = ours["km_times"]
    diff_s = np.abs(ours["km_survival"] - sf.loc[times].to_numpy()).max()
    diff_lo = np.abs(ours["km_lower"] - ci.iloc[:, 0].loc[times].to_numpy()).max()
    diff_hi = np.abs(ours["km_upper"] - ci.iloc[:, 1].loc[times].to_numpy()).max()
    print(f"  Kaplan-Meier at {len(times)} event times: max |S| diff {diff_s:.1e}, lower band {diff_lo:.1e}, upper band {diff_hi:.1e}")
    row("Kaplan-Meier fit", ours["km_seconds"][0], t_km, "us", 1e6)
    ix = df["group"] == "miR-137"
    t_lr, lr = best_of(50, lambda: logrank_test(df["T"][ix], df["T"][~ix], df["E"][ix], df["E"][~ix]))
    s, p = ours["logrank"]
    print(f"  log-rank: revops chi2 {s:.12g} p {p:.12g}; lifelines chi2 {lr.test_statistic:.12g} p {lr.p_value:.12g}")
    row("log-rank test", ours["logrank_seconds"][0], t_lr, "us", 1e6)


def main():
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "retention_compare"], check=True)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; one thread")
    ours = crate()
    cdnow(ours)
    waltons(ours)


if __name__ == "__main__":
    main()
