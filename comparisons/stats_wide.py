"""Wide comparison of revops::stats against scikit-learn / statsmodels on real datasets.
Run: /work/venv-compare/bin/python comparisons/stats_wide.py  (build comparisons/reference_wide first: see comparisons/README.md)"""
import os, subprocess, tempfile, sys, warnings, math
import numpy as np
warnings.filterwarnings("ignore")
from sklearn import datasets as skd
from sklearn.linear_model import LogisticRegression
from sklearn.isotonic import IsotonicRegression
from sklearn.calibration import _sigmoid_calibration, calibration_curve
from sklearn.metrics import roc_auc_score, brier_score_loss, log_loss
from sklearn.preprocessing import StandardScaler
import statsmodels.api as sm
from statsmodels.tools.eval_measures import aicc as sm_aicc

BIN = os.environ.get("STATS_WIDE_BIN", "/tmp/reference-wide/target/release/stats_wide")
D = os.path.join(tempfile.gettempdir(), "stats-wide-data"); os.makedirs(D, exist_ok=True)
RESULTS = []

def run(*args):
    r = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        return {"PANIC": r.stderr.strip().splitlines()[-3:]}
    out = {}
    for line in r.stdout.splitlines():
        k, *v = line.split(" ")
        out[k] = ("ERR " + " ".join(v[1:])) if v and v[0] == "ERR" else np.array([float(x) for x in v])
    return out

def save(name, arr):
    path = f"{D}/{name}.csv"; np.savetxt(path, np.asarray(arr, dtype=float), delimiter=",", fmt="%.17g"); return path

def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape: return float("inf")
    if a.size == 0: return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300 + 0 * np.abs(b)).clip(min=1.0 if False else 0) .clip(min=np.finfo(float).tiny)))

def relerr(a, b, floor=1.0):
    """max |a-b| / max(|b|, floor) -- relative, with an absolute floor for values near 0"""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape: return float("inf")
    if a.size == 0: return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))

def report(case, entry, diff, tol, note=""):
    ok = diff <= tol
    RESULTS.append((case, entry, diff, tol, ok, note))
    print(f"{'OK  ' if ok else 'DIFF'} {case:38s} {entry:22s} {diff:.3e} (tol {tol:.0e}) {note}")

# ---------------------------------------------------------------- reference logistic (penalised)
def ref_logit(X, y, lam, tol=1e-14):
    """Exact optimum of sum NLL + lam/2 |beta|^2 (intercept unpenalised) by damped Newton in f64,
    cross-checked against sklearn newton-cholesky."""
    n, p = X.shape
    A = np.hstack([np.ones((n, 1)), X])
    b = np.zeros(p + 1); b[0] = np.log(y.mean() / (1 - y.mean()))
    P = lam * np.eye(p + 1); P[0, 0] = 0
    def f(b):
        z = A @ b
        return np.sum(np.logaddexp(0, z) - y * z) + 0.5 * b @ P @ b
    for it in range(500):
        z = A @ b; mu = 1 / (1 + np.exp(-z))
        g = A.T @ (mu - y) + P @ b
        H = (A * (mu * (1 - mu))[:, None]).T @ A + P
        try: step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError: return None
        t = 1.0; f0 = f(b)
        while f(b - t * step) > f0 + 1e-4 * t * (-g @ step) + 1e-13 * abs(f0) and t > 1e-12: t /= 2
        b = b - t * step
        if np.max(np.abs(t * step)) < tol: break
    return b

def sk_logit(X, y, lam):
    C = np.inf if lam == 0 else 1.0 / lam
    m = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=10000)
    m.fit(X, y)
    return np.concatenate([m.intercept_, m.coef_.ravel()])

def logit_case(name, X, y, lam, tol=1e-10, iters=200, floor=1.0):
    X = np.asarray(X, float); y = np.asarray(y, float)
    path = save("logit_" + name.replace(" ", "_").replace("/", "_"), np.hstack([X, y[:, None]]))
    out = run("logit", path, lam, tol, iters)
    try: skb = sk_logit(X, y, lam)
    except Exception as e: skb = None; print("   sklearn failed:", e)
    refb = ref_logit(X, y, lam)
    case = f"{name} λ={lam:g}"
    if "PANIC" in out: report(case, "LogisticSpec::fit", float("inf"), 0, "PANIC " + str(out["PANIC"])); return out
    if isinstance(out["beta"], str):
        report(case, "LogisticSpec::fit", float("inf"), 1e-5, f"crate refused: {out['beta']}; sklearn beta[:3]={None if skb is None else skb[:3]}")
        return out
    beta = out["beta"]
    ref = refb if refb is not None else skb
    d = relerr(beta, ref, floor)
    dsk = relerr(skb, ref, floor) if skb is not None else float("nan")
    A = np.hstack([np.ones((len(y), 1)), X]); pref = 1 / (1 + np.exp(-(A @ ref)))
    dp = float(np.max(np.abs(out["prob"] - pref)))
    report(case, "LogisticSpec::fit beta", d, 1e-5, f"(sklearn vs own-Newton {dsk:.1e}; iters {int(out['iterations'][0])})")
    report(case, "probabilities (abs)", dp, 1e-6)
    llref = -np.sum(np.logaddexp(0, A @ ref) - y * (A @ ref))
    report(case, "LogisticFit.log_likelihood", relerr(out["loglik"], [llref], 1.0), 1e-8)
    return out

def std(X):
    return StandardScaler().fit_transform(X)

def logistic_section():
    bc = skd.load_breast_cancer(); iris = skd.load_iris(); wine = skd.load_wine(); dig = skd.load_digits()
    spector = sm.datasets.spector.load_pandas().data
    tasks = {
        "breast_cancer": (bc.data, bc.target),
        "iris setosa/rest": (iris.data, (iris.target == 0).astype(float)),
        "iris versicolor/rest": (iris.data, (iris.target == 1).astype(float)),
        "wine class0/rest": (wine.data, (wine.target == 0).astype(float)),
        "digits 0/rest": (dig.data, (dig.target == 0).astype(float)),
        "spector": (spector[["GPA", "TUCE", "PSI"]].values, spector["GRADE"].values),
    }
    for name, (X, y) in tasks.items():
        Xs = std(X)
        for lam in [1.0, 0.01]:
            logit_case(name + " std", Xs, y, lam)
        logit_case(name + " raw", X, y, 1.0)
    # digits has constant (all-zero) pixel columns: standardised by sklearn to 0 -> fine
    # spector unpenalised vs statsmodels Logit
    X = spector[["GPA", "TUCE", "PSI"]].values; y = spector["GRADE"].values
    out = logit_case("spector raw", X, y, 0.0)
    smres = sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-14, maxiter=200, method="newton")
    if not isinstance(out.get("beta"), str) and "PANIC" not in out:
        report("spector raw λ=0 vs statsmodels", "beta", relerr(out["beta"], smres.params), 1e-6)
        report("spector raw λ=0 vs statsmodels", "loglik", relerr(out["loglik"], [smres.llf]), 1e-9)
    # perfectly separable
    Xsep = np.array([[-2.0], [-1.0], [-0.5], [0.5], [1.0], [2.0]]); ysep = np.array([0, 0, 0, 1, 1, 1.0])
    logit_case("separable 1-d", Xsep, ysep, 1.0)
    logit_case("separable 1-d", Xsep, ysep, 1e-6)
    logit_case("separable 1-d", Xsep, ysep, 0.0)
    # iris setosa vs rest is perfectly separable too
    logit_case("iris setosa/rest std (separable)", std(iris.data), (iris.target == 0).astype(float), 1e-4)
    # constant column, duplicate column
    Xbc = std(bc.data)[:, :5]; ybc = bc.target.astype(float)
    logit_case("bc5 + constant col 3.0", np.hstack([Xbc, np.full((len(ybc), 1), 3.0)]), ybc, 1.0)
    logit_case("bc5 + constant col 3.0", np.hstack([Xbc, np.full((len(ybc), 1), 3.0)]), ybc, 0.0)
    logit_case("bc5 + duplicate col", np.hstack([Xbc, Xbc[:, :1]]), ybc, 1.0)
    logit_case("bc5 + duplicate col", np.hstack([Xbc, Xbc[:, :1]]), ybc, 0.0)
    # wide-ish staged path: digits all 64 pixels (>=8 features, rarer class 178 < 4*65*16): Newton; force staged with replicated data
    Xd = std(dig.data); yd = (dig.target < 5).astype(float)
    rep = 3
    logit_case("digits<5 x3 rows (staged?)", np.vstack([Xd[:, :10]] * rep), np.concatenate([yd] * rep), 1.0)
    # anes96 / star98 binary versions
    anes = sm.datasets.anes96.load_pandas().data
    Xa = anes[["logpopul", "TVnews", "selfLR", "ClinLR", "DoleLR", "PID", "age", "educ", "income"]].values
    ya = anes["vote"].values.astype(float)
    logit_case("anes96 raw", Xa, ya, 1.0)
    logit_case("anes96 raw", Xa, ya, 0.0)
    logit_case("anes96 std", std(Xa), ya, 1.0)
    fair = sm.datasets.fair.load_pandas().data
    Xf = fair[["rate_marriage", "age", "yrs_married", "children", "religious", "educ", "occupation", "occupation_husb"]].values
    yf = (fair["affairs"] > 0).astype(float).values
    logit_case("fair raw (n=6366, staged)", Xf, yf, 1.0)
    logit_case("fair std (n=6366, staged)", std(Xf), yf, 1.0)
    logit_case("fair std (n=6366, staged)", std(Xf), yf, 0.0)
    # large-scale raw feature (no standardisation): breast cancer area ~ 1e3
    logit_case("breast_cancer raw λ small", bc.data, bc.target, 1e-3)

# ---------------------------------------------------------------- calibration
def ref_platt(F, y, iters=200):
    """Platt's (a, b) with P = sigmoid(a F + b), targets smoothed; high-precision damped Newton."""
    n1 = y.sum(); n0 = len(y) - n1
    T = np.where(y > 0, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))
    ab = np.array([0.0, np.log((n1 + 1) / (n0 + 1))])
    def L(ab):
        z = ab[0] * F + ab[1]; return np.sum(T * np.logaddexp(0, -z) + (1 - T) * np.logaddexp(0, z))
    for _ in range(iters):
        z = ab[0] * F + ab[1]; p = 1 / (1 + np.exp(-z)); r = p - T; w = p * (1 - p)
        g = np.array([r @ F, r.sum()]); H = np.array([[w @ (F * F), w @ F], [w @ F, w.sum()]])
        s = np.linalg.solve(H, g); t = 1.0
        while L(ab - t * s) > L(ab) + 1e-4 * t * (-g @ s) + 1e-14 * L(ab) and t > 1e-12: t /= 2
        ab = ab - t * s
        if np.max(np.abs(t * s)) < 1e-14 * (1 + np.max(np.abs(ab))): break
    return ab

def cal_case(name, s_train, y_train, s_test):
    s_train = np.asarray(s_train, float); y_train = np.asarray(y_train, float); s_test = np.asarray(s_test, float)
    tr = save("cal_train_" + name.replace(" ", "_").replace("/", "_"), np.column_stack([s_train, y_train]))
    te = save("cal_test_" + name.replace(" ", "_").replace("/", "_"), s_test[:, None])
    # isotonic
    out = run("iso", tr, te)
    ir = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(s_train, y_train)
    if "PANIC" in out: report(name, "Isotonic", float("inf"), 0, "PANIC " + str(out["PANIC"]))
    elif isinstance(out["thresholds"], str): report(name, "Isotonic::fit", float("inf"), 0, "refused " + out["thresholds"])
    else:
        report(name, "Isotonic thresholds", relerr(out["thresholds"], ir.X_thresholds_), 1e-12,
               f"crate {len(out['thresholds'])} knots, sklearn {len(ir.X_thresholds_)}")
        report(name, "Isotonic values", relerr(out["values"], ir.y_thresholds_), 1e-12)
        report(name, "Isotonic calibrate(test)", relerr(out["cal"], ir.predict(s_test)), 1e-12)
    # Platt
    out = run("platt", tr, te)
    if len(np.unique(y_train)) < 2:
        report(name, "Platt::fit", 0.0, 0, f"one class: crate {out.get('ab') if isinstance(out.get('ab'), str) else out}")
        return
    A, B = _sigmoid_calibration(s_train, y_train)
    ab_ref = ref_platt(s_train if np.max(np.abs(s_train)) < 30 else s_train / np.max(np.abs(s_train)), y_train)
    if np.max(np.abs(s_train)) >= 30: ab_ref[0] /= np.max(np.abs(s_train))
    if "PANIC" in out: report(name, "Platt", float("inf"), 0, "PANIC " + str(out["PANIC"])); return
    if isinstance(out["ab"], str): report(name, "Platt::fit", float("inf"), 1e-5, f"refused {out['ab']}; sklearn a,b={-A:.6g},{-B:.6g}"); return
    report(name, "Platt (a,b) vs exact", relerr(out["ab"], ab_ref), 1e-8, f"(sklearn lbfgs vs exact {relerr([-A, -B], ab_ref):.1e})")
    pref = 1 / (1 + np.exp(-(ab_ref[0] * s_test + ab_ref[1])))
    report(name, "Platt calibrate(test)", relerr(out["cal"], pref), 1e-8)

def calibration_section():
    bc = skd.load_breast_cancer()
    X = std(bc.data); y = bc.target.astype(float)
    # held-out logistic scores with 3-decimal rounding to force ties
    m = LogisticRegression(C=1.0, max_iter=1000).fit(X[::2], y[::2])
    s = m.decision_function(X[1::2]); yt = y[1::2]
    test = np.concatenate([np.linspace(s.min() - 5, s.max() + 5, 50), [s.min(), s.max(), -1e6, 1e6]])
    cal_case("bc held-out decision", s, yt, test)
    cal_case("bc held-out decision rounded (ties)", np.round(s, 0), yt, test)
    pr = m.predict_proba(X[1::2])[:, 1]
    cal_case("bc held-out proba rounded 2dp", np.round(pr, 2), yt, np.linspace(-0.1, 1.1, 61))
    wine = skd.load_wine()
    cal_case("wine alcohol -> class0", wine.data[:, 0], (wine.target == 0), np.linspace(10, 16, 61))
    cal_case("wine proline -> class0 (scale>30)", wine.data[:, 12], (wine.target == 0), np.linspace(200, 2000, 61))
    iris = skd.load_iris()
    cal_case("iris petal length -> versicolor (non-monotone)", iris.data[:, 2], (iris.target == 1), np.linspace(0, 8, 81))
    dia = skd.load_diabetes(); yd = dia.target > np.median(dia.target)
    cal_case("diabetes bmi -> above median", dia.data[:, 2], yd, np.linspace(-0.2, 0.2, 41))
    spector = sm.datasets.spector.load_pandas().data
    cal_case("spector GPA -> grade", spector["GPA"].values, spector["GRADE"].values, np.linspace(2, 4.5, 26))
    cal_case("all ties (constant score)", np.full(20, 0.3), np.arange(20) % 3 == 0, np.array([0.0, 0.3, 1.0]))
    cal_case("separated", [-2.0, -1, -0.5, 0.5, 1, 2], [0, 0, 0, 1, 1, 1], np.array([-3.0, 0, 3.0]))
    cal_case("one class", [0.1, 0.2, 0.3], [1, 1, 1], np.array([0.0, 0.2, 1.0]))
    cal_case("two points", [0.1, 0.9], [0, 1], np.array([0.0, 0.5, 1.0]))
    cal_case("decreasing (anti-monotone)", np.arange(10.0), np.arange(10) < 5, np.array([-1.0, 4.5, 11]))
    cal_case("tiny-gap knots", np.array([1.0, 1.0 + 2e-16, 1 + 4e-16, 2.0]), [0, 1, 0, 1], np.array([1.0, 1.0 + 2e-16, 1.5]))
    cal_case("huge scores", np.array([-1e300, -1e299, 1e299, 1e300]), [0, 1, 0, 1], np.array([0.0, 5e299]))

# ---------------------------------------------------------------- metrics
def metric_case(name, p, y, bins=10):
    p = np.asarray(p, float); y = np.asarray(y, float)
    path = save("met_" + name.replace(" ", "_").replace("/", "_"), np.column_stack([p, y]))
    out = run("metrics", path, bins)
    if "PANIC" in out: report(name, "metrics", float("inf"), 0, "PANIC " + str(out["PANIC"])); return
    def cmp(key, entry, f, tol=1e-12):
        try: ref = f()
        except Exception as e: ref = "RAISES " + type(e).__name__ + ": " + str(e)[:60]
        got = out[key]
        if isinstance(ref, str) or isinstance(got, str):
            same = isinstance(ref, str) and isinstance(got, str)
            report(name, entry, 0.0 if same else float("inf"), tol, f"crate={got if isinstance(got, str) else got[0]!r} ref={ref if isinstance(ref, str) else ref!r}")
        else:
            report(name, entry, relerr(got, [ref], 1e-300), tol, f"crate={got[0]!r} ref={ref!r}")
    cmp("auc", "auc", lambda: roc_auc_score(y, p))
    cmp("brier", "brier_score", lambda: brier_score_loss(y, p))
    cmp("logloss", "log_loss", lambda: log_loss(y, p))
    cmp("logloss", "log_loss (labels=[0,1])", lambda: log_loss(y, p, labels=[0, 1]))
    # calibration_curve (uniform) reference for nonempty bins
    try:
        pt, pp = calibration_curve(y, p, n_bins=bins, strategy="uniform")
        edges = np.linspace(0, 1, bins + 1); ids = np.searchsorted(edges[1:-1], p)
        cnt = np.bincount(ids, minlength=bins)
        ece = np.sum(cnt[cnt > 0] / len(p) * np.abs(pp - pt))
        if not isinstance(out.get("bin_count"), str):
            c = out["bin_count"]; nz = c > 0
            report(name, "reliability_bins counts", float(np.max(np.abs(c - cnt))), 0, f"crate {c.astype(int).tolist()} sklearn {cnt.tolist()}" if np.any(c != cnt) else "")
            if np.all(c == cnt):
                report(name, "reliability_bins pred/obs", max(relerr(out["bin_pred"][nz], pp, 1e-300), relerr(out["bin_obs"][nz], pt, 1e-300)), 1e-12)
        cmp("ece", "ECE (sklearn bins)", lambda: ece)
    except Exception as e:
        report(name, "calibration_curve", 0.0 if isinstance(out.get("bin_count"), str) else float("inf"), 0, f"sklearn raises {type(e).__name__}: {str(e)[:60]}; crate {out.get('ece')}")

def metrics_section():
    bc = skd.load_breast_cancer(); X = std(bc.data); y = bc.target
    m = LogisticRegression(C=1.0, max_iter=1000).fit(X[::2], y[::2])
    p = m.predict_proba(X[1::2])[:, 1]; yt = y[1::2]
    metric_case("bc held-out proba", p, yt)
    metric_case("bc held-out proba rounded 1dp (ties+edges)", np.round(p, 1), yt)
    metric_case("bc proba rounded 2dp, 100 bins", np.round(p, 2), yt, 100)
    metric_case("bc proba rounded 2dp, 10 bins", np.round(p, 2), yt, 10)
    metric_case("bc proba rounded 2dp, 3 bins", np.round(p, 2), yt, 3)
    metric_case("bc proba rounded 2dp, 7 bins", np.round(p, 2), yt, 7)
    dig = skd.load_digits(); yd = (dig.target == 0)
    md = LogisticRegression(C=1.0, max_iter=2000).fit(std(dig.data)[::2], yd[::2])
    pd_ = md.predict_proba(std(dig.data)[1::2])[:, 1]
    metric_case("digits 0/rest proba (near 0/1)", pd_, yd[1::2])
    metric_case("exact 0/1 probs, correct", [0.0, 1.0, 0.0, 1.0], [0, 1, 0, 1])
    metric_case("exact 0/1 probs, one miss", [0.0, 1.0, 1.0, 1.0], [0, 1, 0, 1])
    metric_case("exact 0/1 probs, all miss", [1.0, 0.0], [0, 1])
    metric_case("p=1e-16 miss", [1e-16, 0.5], [1, 0])
    metric_case("all ties", [0.5] * 6, [0, 1, 0, 1, 1, 0])
    metric_case("all-one-class positives", [0.2, 0.7, 0.9], [1, 1, 1])
    metric_case("all-one-class negatives", [0.2, 0.7, 0.9], [0, 0, 0])
    metric_case("single obs", [0.3], [1])
    metric_case("edges exactly 0.3/0.6 (10 bins)", [0.3, 0.6, 0.3, 0.6, 0.7, 1.0, 0.0], [1, 0, 0, 1, 1, 1, 0])
    rng = np.random.default_rng(0)
    s = rng.integers(0, 5, 2000) / 4.0; yy = rng.random(2000) < s * 0.8 + 0.1
    metric_case("heavy ties (5 levels), 4 bins", s, yy, 4)
    ccard = sm.datasets.ccard.load_pandas().data
    metric_case("ccard income/10 scores vs owner", (ccard["INCOME"] / ccard["INCOME"].max()).values, ccard["OWNRENT"].values)

# ---------------------------------------------------------------- OLS, AICc, standardisation
def ols_case(name, x, y):
    x = np.asarray(x, float); y = np.asarray(y, float)
    path = save("ols_" + name.replace(" ", "_").replace("/", "_"), np.column_stack([x, y]))
    out = run("ols", path)
    r = sm.OLS(y, sm.add_constant(x, has_constant="add")).fit()
    if isinstance(out.get("ols"), str) or "PANIC" in out:
        report(name, "ols", float("inf"), 0, f"crate {out}; statsmodels {r.params}"); return
    o = out["ols"]
    report(name, "ols intercept,slope", relerr(o[:2], r.params, 1e-300), 1e-9)
    report(name, "ols slope_se", relerr(o[2:3], r.bse[1:2], 1e-300), 1e-9)
    return o

def ols_section():
    lon = sm.datasets.longley.load_pandas().data
    y = lon["TOTEMP"].values
    for c in ["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]:
        ols_case(f"longley TOTEMP~{c}", lon[c].values, y)
    dia = skd.load_diabetes(scaled=False)
    for j, c in enumerate(dia.feature_names):
        ols_case(f"diabetes target~{c}", dia.data[:, j], dia.target)
    # NIST Norris-like stress: big offset in x
    ols_case("longley TOTEMP~YEAR+1e9 offset", lon["YEAR"].values + 1e9, y)
    ols_case("exact line", np.arange(5.0), 2 + 0.5 * np.arange(5.0))
    ols_case("three points", [0.0, 1.0, 3.0], [1.0, 2.0, 2.5])
    ols_case("two points", [0.0, 1.0], [1.0, 2.0])
    ols_case("constant x", [1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    # AICc vs statsmodels
    for ll, k, n in [(-100.0, 3, 50), (-12.5, 2, 4), (-12.5, 3, 4), (-12.5, 4, 4), (5.0, 1, 3), (-1e6, 10, 1000)]:
        got = run("aicc", ll, k, n)["aicc"][0]
        ref = sm_aicc(ll, n, k)
        note = f"crate={got!r} statsmodels={ref!r}"
        d = 0.0 if (got == ref or (math.isinf(got) and math.isinf(ref))) else abs(got - ref) / max(abs(ref), 1)
        report(f"aicc(ll={ll},k={k},n={n})", "aicc", d, 1e-12, note)
    # standardisation vs StandardScaler
    for name, X in [("breast_cancer", skd.load_breast_cancer().data), ("digits (constant cols)", skd.load_digits().data),
                    ("longley", lon.values), ("constant 0.1 col n=3", np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 4.0]])),
                    ("constant 0.1 col n=10", np.column_stack([np.full(10, 0.1), np.arange(10.0)])),
                    ("constant 1e9+0.3 col", np.column_stack([np.full(7, 1e9 + 0.3), np.arange(7.0)]))]:
        path = save("std_" + name.replace(" ", "_").replace("(", "").replace(")", ""), X)
        out = run("std", path)
        sc = StandardScaler().fit(X)
        if isinstance(out.get("means"), str): report(name, "standardisation", float("inf"), 0, out["means"]); continue
        report(name, "standardisation means", relerr(out["means"], sc.mean_, 1e-300), 1e-12)
        d = relerr(out["scales"], sc.scale_, 1e-300)
        report(name, "standardisation scales", d, 1e-12, "" if d <= 1e-12 else f"crate {out['scales'].tolist()} sklearn {sc.scale_.tolist()}")


def extra_section():
    # isotonic on near-0 probabilities from a confident model (sklearn merges x within 1e-15 absolute)
    from sklearn.preprocessing import StandardScaler as SS
    dig = skd.load_digits(); X = SS().fit_transform(dig.data); y = (dig.target == 0).astype(float)
    m = LogisticRegression(C=1e4, max_iter=20000).fit(dig.data[::2], y[::2]); X = dig.data
    p = m.predict_proba(X[1::2])[:, 1]
    print("digits held-out proba: n below 1e-15 =", int(np.sum(p < 1e-15)), "min", p.min())
    cal_case("digits 0/rest proba (many <1e-15)", p, y[1::2], np.array([0.0, 1e-16, 5e-16, 2e-15, 0.5, 1.0]))
    # Platt on constant score: prediction at the fitted score
    s = np.full(20, 0.3); yy = (np.arange(20) % 3 == 0).astype(float)
    A, B = _sigmoid_calibration(s, yy)
    tr = save("cal_train_constant", np.column_stack([s, yy])); te = save("cal_test_constant", np.array([[0.3], [0.0], [1.0]]))
    out = run("platt", tr, te)
    print("constant score Platt: crate ab", out["ab"], "cal", out["cal"], " sklearn a,b", -A, -B, "cal", 1 / (1 + np.exp(A * np.array([0.3, 0, 1]) + B)))

if __name__ == "__main__":
    which = sys.argv[1:] or ["metrics", "calibration", "ols", "logistic", "extra"]
    for w in which: globals()[w + "_section"]()
    bad = [r for r in RESULTS if not r[4]]
    print(f"\n{len(RESULTS)} checks, {len(bad)} differ")
