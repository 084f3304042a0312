#!/usr/bin/env python3
"""scikit-learn against revops: the L2 logistic fit, isotonic and Platt calibration.

Runs scikit-learn and the crate's example (examples/scoring_compare.rs) on the same data and prints
both results and times side by side:

- breast cancer (scikit-learn's load_breast_cancer, 569 x 30, standardised): the logistic fit with
  C = 1 (the crate's L2 of 1); isotonic and Platt calibration of "mean radius" against malignant;
- a 100,000 x 32 and a 1,000,000 x 32 design that both sides build from splitmix64 (bit for bit
  the same): the logistic fit, timed.

One core: BLAS and OpenMP are held to one thread. Times are in-process (data generation and
interpreter start-up excluded), the best of --repeat runs, scikit-learn and the crate alternating
so that both see the same load. scikit-learn's lbfgs is timed at tol=1e-8, where its coefficients
agree with the exact optimum to 1e-6 (its default tol=1e-4 does not: 3e-3 off at 100k), and at its
default for reference; newton-cholesky is shown too.

    python3 comparisons/scoring_compare.py [--repeat 5] [--sizes 100000,1000000]

Run from the repository root with the versions pinned in comparisons/README.md.
"""
import argparse
import os
import subprocess
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_io import best_of, crate_lines  # noqa: E402
import sklearn  # noqa: E402
from sklearn.calibration import _sigmoid_calibration  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def crate(*args):
    return crate_lines("scoring_compare", *args)


def splitmix(k):
    with np.errstate(over="ignore"):
        z = (k + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def splitmix_design(n, p):
    """As examples/scoring_compare.rs: uniform(-1, 1) features, labels from sigma(sum sin(0.37 j) x_j)."""
    X = (splitmix(np.arange(n * p, dtype=np.uint64)) * 2 - 1).reshape(n, p)
    truth = np.sin(np.arange(p) * 0.37)
    z = np.zeros(n)
    for j in range(p):  # the crate's summation order, so that no label flips on a last bit
        z = z + X[:, j] * truth[j]
    u = splitmix(np.arange(n, dtype=np.uint64) + np.uint64(n * p))
    return X, (u < 1 / (1 + np.exp(-z))).astype(int)


def beta(model):
    return np.r_[model.intercept_, model.coef_[0]]


def fit(X, y, solver, tol):
    return LogisticRegression(C=1.0, solver=solver, tol=tol, max_iter=100_000).fit(X, y)


def row(name, ours, theirs, unit="ms", scale=1e3):
    ratio = theirs / ours if ours > 0 else float("nan")
    print(f"  {name:<46} revops {ours * scale:9.3f} {unit}   scikit-learn {theirs * scale:9.3f} {unit}   ratio {ratio:5.2f}x")


def breast_cancer(repeat):
    print(f"breast cancer 569 x 30 (scikit-learn {sklearn.__version__})")
    bc = load_breast_cancer()
    X = StandardScaler().fit_transform(bc.data)
    ours = crate()
    exact = beta(fit(X, bc.target, "newton-cholesky", 1e-12))
    t_lbfgs, lbfgs = best_of(max(repeat, 20), lambda: fit(X, bc.target, "lbfgs", 1e-8))
    t_default, _ = best_of(max(repeat, 20), lambda: fit(X, bc.target, "lbfgs", 1e-4))
    print(f"  logistic: max |beta_revops - beta_newton-cholesky(tol 1e-12)| = {np.abs(ours['logistic_beta'] - exact).max():.2e}")
    print(f"            max |beta_revops - beta_lbfgs(tol 1e-8)|           = {np.abs(ours['logistic_beta'] - beta(lbfgs)).max():.2e}")
    row("logistic fit (lbfgs tol 1e-8)", ours["logistic_seconds"][0], t_lbfgs)
    row("logistic fit (lbfgs default tol 1e-4)", ours["logistic_seconds"][0], t_default)
    radius, malignant = bc.data[:, 0], (bc.target == 0).astype(float)
    t_iso, iso = best_of(max(repeat, 20), lambda: IsotonicRegression(out_of_bounds="clip").fit(radius, malignant))
    grid = 6.0 + 0.12 * np.arange(201)
    print(f"  isotonic: {len(iso.X_thresholds_)} knots vs {int(ours['isotonic_knots'][0])}; "
          f"max |p_revops - p_sklearn| over 201 radii = {np.abs(ours['isotonic_at'] - iso.predict(grid)).max():.2e}")
    row("isotonic fit", ours["isotonic_seconds"][0], t_iso, "us", 1e6)
    t_platt, (a, b) = best_of(max(repeat, 20), lambda: _sigmoid_calibration(radius, malignant))
    print(f"  Platt: revops (A, B) = ({ours['platt_ab'][0]:.9f}, {ours['platt_ab'][1]:.9f}); "
          f"scikit-learn (-a, -b) = ({-a:.9f}, {-b:.9f})")
    row("Platt fit", ours["platt_seconds"][0], t_platt)


def at_scale(n, repeat):
    p = 32
    print(f"splitmix design {n:,} x {p}")
    X, y = splitmix_design(n, p)
    exact = beta(fit(X, y, "newton-cholesky", 1e-12))
    t_ours, t_lbfgs, t_default, t_newton = [float("inf")] * 4
    ours = lbfgs = None
    for _ in range(repeat):  # alternate, so that both see the same load
        ours = crate("splitmix", n, p, 1)
        t_ours = min(t_ours, ours["logistic_seconds"][0])
        t, lbfgs = best_of(1, lambda: fit(X, y, "lbfgs", 1e-8))
        t_lbfgs = min(t_lbfgs, t)
        t_default = min(t_default, best_of(1, lambda: fit(X, y, "lbfgs", 1e-4))[0])
        t_newton = min(t_newton, best_of(1, lambda: fit(X, y, "newton-cholesky", 1e-8))[0])
    print(f"  max |beta_revops - beta_newton-cholesky(tol 1e-12)| = {np.abs(ours['logistic_beta'] - exact).max():.2e}"
          f"   max |beta_lbfgs(tol 1e-8) - exact| = {np.abs(beta(lbfgs) - exact).max():.2e}"
          f"   max |beta_revops - beta_lbfgs| = {np.abs(ours['logistic_beta'] - beta(lbfgs)).max():.2e}")
    row(f"logistic fit {n // 1000}k x 32 (lbfgs tol 1e-8)", t_ours, t_lbfgs)
    row(f"logistic fit {n // 1000}k x 32 (lbfgs default tol 1e-4)", t_ours, t_default)
    row(f"logistic fit {n // 1000}k x 32 (newton-cholesky tol 1e-8)", t_ours, t_newton)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--quiet", "--release", "--example", "scoring_compare"], check=True)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scikit-learn {sklearn.__version__}; one thread")
    breast_cancer(args.repeat)
    for n in (int(s) for s in args.sizes.split(",") if s):
        at_scale(n, args.repeat)


if __name__ == "__main__":
    main()
