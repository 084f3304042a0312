"""Edge-case series: the crate (comparisons/edge_check, Rust) against statsforecast 2.1.1 and
statsmodels 0.15.0. Build the crate side first:
    CARGO_TARGET_DIR=/tmp/edge-check/target cargo build --release --manifest-path comparisons/edge_check/Cargo.toml
Run: /path/venv/bin/python comparisons/edge_check/edge_check.py --bin /tmp/edge-check/target/release/edge-check
Writes rows to --out (a JSON file) and prints the disagreements."""
import argparse
import json
import math
import os
import subprocess
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import sarimax_start  # noqa: E402

warnings.filterwarnings("ignore")


def series():
    rng = np.random.default_rng(20261205)
    S = {}

    def add(name, y, m, h=None):
        S[name] = (np.asarray(y, float), m, h or max(2 * m, 6) if m > 1 else (h or 6))

    # very short
    for n in (4, 5, 6, 8):
        add(f"short{n}_m1", 10 + np.cumsum(rng.normal(0, 1, n)), 1)
    for n in (10, 11, 13):
        t = np.arange(n)
        add(f"short{n}_m4", 50 + 5 * np.sin(2 * np.pi * t / 4) + rng.normal(0, 1, n), 4)
    for n in (26, 27, 30):
        t = np.arange(n)
        add(f"short{n}_m12", 100 + 10 * np.sin(2 * np.pi * t / 12) + 0.5 * t + rng.normal(0, 1, n), 12)
    # level shift
    t = np.arange(48)
    add("shift_m1", np.where(t < 24, 100.0, 150.0) + rng.normal(0, 2, 48), 1)
    add("shift_m12", np.where(t < 24, 100.0, 150.0) + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, 48), 12)
    # single outlier
    y = 100 + rng.normal(0, 2, 48)
    y[30] = 200
    add("outlier_m1", y, 1)
    y2 = 100 + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, 48)
    y2[30] += 100
    add("outlier_m12", y2, 12)
    y3 = 100 + rng.normal(0, 2, 48)
    y3[47] = 200
    add("outlier_last_m1", y3, 1)
    # exactly seasonal + tiny noise
    add("season_tiny_m12", 100 + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1e-6, 48), 12)
    t40 = np.arange(40)
    add("season_tiny_m4", 50 + np.array([3, -1, -4, 2])[t40 % 4] + rng.normal(0, 1e-6, 40), 4)
    add("season_exact_m4", 50 + np.array([3.0, -1, -4, 2])[t40 % 4], 4)
    add("trend_season_tiny_m12", 100 + 2 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1e-6, 48), 12)
    # long runs of identical values
    add("runs_m1", [5.0] * 12 + [7.0] * 12 + [6.0] * 12 + [8.0] * 12, 1)
    add("runs_m12", [5.0] * 12 + [7.0] * 12 + [6.0] * 12 + [8.0] * 12, 12)
    add("const_but_one_m1", [10.0] * 20 + [11.0] + [10.0] * 19, 1)
    add("const_last_jump_m1", [10.0] * 39 + [12.0], 1)
    add("runs_int_m1", np.repeat([3.0, 3.0, 4.0, 4.0, 4.0, 5.0, 5.0, 6.0], 5), 1)
    # mostly zeros
    z = np.zeros(36)
    z[[3, 11, 17, 25, 33]] = [4, 2, 6, 3, 5]
    add("zeros_m1", z, 1)
    add("zeros_m12", z, 12)
    z2 = np.zeros(24)
    z2[[20]] = 5
    add("zeros_one_m1", z2, 1)
    z3 = np.zeros(30)
    z3[[0, 1]] = [3, 1]
    add("zeros_tail_m1", z3, 1)
    # exponential growth (ARR +8 % a month)
    t36 = np.arange(36)
    add("arr8_exact_m1", 1e5 * 1.08 ** t36, 1)
    add("arr8_exact_m12", 1e5 * 1.08 ** t36, 12)
    add("arr8_noise_m1", 1e5 * 1.08 ** t36 * np.exp(rng.normal(0, 0.01, 36)), 1)
    add("arr8_noise_m12", 1e5 * 1.08 ** t36 * np.exp(rng.normal(0, 0.01, 36)), 12)
    # units
    base = 100 + 0.8 * t + 6 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1.5, 48)
    add("base_m12", base, 12)
    add("tiny_m12", base * 1e-6, 12)
    add("huge_m12", base * 1e9, 12)
    add("tiny_m1", base * 1e-6, 1)
    add("huge_m1", base * 1e9, 1)
    add("huger_m1", base * 1e12, 1)
    # period n/2, n/3
    t24 = np.arange(24)
    add("half_m12", 100 + 10 * np.sin(2 * np.pi * t24 / 12) + rng.normal(0, 1, 24), 12)
    add("third_m12", 100 + 10 * np.sin(2 * np.pi * t36 / 12) + rng.normal(0, 1, 36), 12)
    t20 = np.arange(20)
    add("half_m10", 100 + 10 * np.sin(2 * np.pi * t20 / 10) + rng.normal(0, 1, 20), 10)
    add("third_m4", 50 + np.array([3, -1, -4, 2])[t40[:12] % 4] + rng.normal(0, 0.5, 12), 4)
    # period 1 plain random walk and white noise
    add("rw_m1", 50 + np.cumsum(rng.normal(0, 1, 40)), 1)
    add("wn_m1", 50 + rng.normal(0, 1, 40), 1)
    # second batch
    r2 = np.random.default_rng(7)
    add("x_zeros_all_m1", np.zeros(20), 1)
    add("x_const_huge_m1", np.full(20, 3e9), 1)
    add("x_near_const_m1", 1000 + r2.normal(0, 1e-10, 30), 1)
    add("x_near_const_m12", 1000 + r2.normal(0, 1e-10, 30), 12)
    add("x_neg_m1", -50 + np.cumsum(r2.normal(0, 1, 30)), 1)
    add("x_neg_m4", -50 + np.array([3, -1, -4, 2])[np.arange(32) % 4] + r2.normal(0, 0.5, 32), 4)
    add("x_m2", 20 + np.array([2.0, -2.0])[np.arange(20) % 2] + r2.normal(0, 0.3, 20), 2)
    for n in (13, 16, 20, 25):
        tt = np.arange(n)
        add(f"x_short{n}_m12", 100 + 10 * np.sin(2 * np.pi * tt / 12) + r2.normal(0, 1, n), 12)
    add("x_tiny12_m1", (100 + np.cumsum(r2.normal(0, 1, 40))) * 1e-12, 1)
    add("x_1e15_m1", (100 + np.cumsum(r2.normal(0, 1, 40))) * 1e15, 1)
    add("x_outlier_first_m1", np.r_[500.0, 100 + r2.normal(0, 2, 39)], 1)
    add("x_step_down_zero_m1", np.r_[np.full(20, 50.0) + r2.normal(0, 1, 20), np.zeros(20)], 1)
    add("x_arr_churn_m12", np.r_[1e5 * 1.08 ** np.arange(24), 1e5 * 1.08 ** 23 * 0.97 ** np.arange(1, 13)], 12)
    add("x_binary_m1", (r2.random(40) < 0.3).astype(float), 1)
    add("x_counts_m1", r2.poisson(0.5, 40).astype(float), 1)
    add("x_season_only_last_m12", np.r_[np.full(36, 10.0), [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 30.0]], 12)
    add("x_linear_exact_m1", 5 + 2.0 * np.arange(30), 1)
    add("x_linear_exact_m12", 5 + 2.0 * np.arange(30), 12)
    return S


ETS_FORMS = [(e, t, s) for e in "AM" for t in ("N", "A", "Ad") for s in ("N", "A", "M") if not (e == "A" and s == "M")]
EXTRA_ARIMA = [(0, 1, 1, 0, 0, 0, 0), (1, 0, 0, 0, 0, 0, 1), (0, 1, 1, 0, 0, 0, 1), (1, 1, 0, 0, 0, 0, 0),
               (0, 0, 0, 0, 0, 0, 1), (2, 1, 2, 0, 0, 0, 1)]
EXTRA_SARIMA = [(0, 1, 1, 0, 1, 1, 0), (1, 0, 0, 1, 0, 0, 1), (0, 0, 0, 0, 1, 1, 0), (1, 0, 0, 0, 1, 0, 1)]


def ets_ok(y, m, e, t, s):
    pos = np.all(y > 0)
    if (e == "M" or s == "M") and not pos:
        return False
    if s != "N" and (m < 2 or len(y) < 2 * m + 2):
        return False
    return True


# ------------------------------------------------------------------ references

def sm_ets(y, m, e, t, s, h):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    mod = ETSModel(y, error={"A": "add", "M": "mul"}[e], trend=None if t == "N" else "add", damped_trend=t == "Ad",
                   seasonal={"N": None, "A": "add", "M": "mul"}[s], seasonal_periods=m if s != "N" else None)
    best = None
    starts = [None, [0.5, 0.05, 0.05], [0.9, 0.1, 0.05], [0.3, 0.01, 0.3], [0.1, 0.01, 0.01]]
    for st in starts:
        try:
            if st is None:
                r = mod.fit(disp=False, maxiter=10000)
            else:
                sp = np.array(mod.start_params, float)
                k = 1 + (t != "N") + (s != "N")
                sp[:k] = st[:k]
                r = mod.fit(start_params=sp, disp=False, maxiter=10000)
        except Exception:
            continue
        if np.isfinite(r.llf) and (best is None or r.llf > best.llf):
            best = r
    if best is None:
        return None
    out = {"ll": float(best.llf), "params": [float(x) for x in best.params[:4]]}
    if e == "A" and s != "M":
        try:
            pr = best.get_prediction(start=len(y), end=len(y) + h - 1)
            out["mean"] = list(map(float, pr.predicted_mean))
            for lv in (80, 95):
                pi = np.asarray(pr.pred_int(alpha=1 - lv / 100))
                out[f"lo{lv}"] = list(map(float, pi[:, 0]))
                out[f"hi{lv}"] = list(map(float, pi[:, 1]))
        except Exception as ex:
            out["perr"] = str(ex)
    else:
        out["mean"] = list(map(float, best.forecast(h)))
    return out


def sf_pred(model, y, h):
    f = model.fit(y)
    p = f.predict(h, level=[80, 95])
    return f, {"mean": list(map(float, p["mean"])), "lo80": list(map(float, p["lo-80"])),
               "hi80": list(map(float, p["hi-80"])), "lo95": list(map(float, p["lo-95"])),
               "hi95": list(map(float, p["hi-95"]))}


def guard(f):
    try:
        return f()
    except Exception as ex:  # noqa: BLE001
        return {"error": f"{type(ex).__name__}: {ex}"[:200]}


def sf_autoets(y, m, h):
    from statsforecast.models import AutoETS
    f, p = sf_pred(AutoETS(season_length=m), y, h)
    p.update(form=f.model_["method"], aicc=float(f.model_["aicc"]), ll=float(f.model_["loglik"]))
    return p


def sf_autoarima(y, m, h):
    from statsforecast.models import AutoARIMA
    f, p = sf_pred(AutoARIMA(season_length=m), y, h)
    mo = f.model_
    pp, q, P, Q, mm, d, D = mo["arma"]
    c = int(any(k in mo["coef"] for k in ("intercept", "drift")))
    p.update(form=(pp, d, q, P, D, Q, m if P + D + Q else 1, c), ll=float(mo["loglik"]), aicc=float(mo["aicc"]),
             coef=[float(x) for x in mo["coef"].values()], sigma2=float(mo["sigma2"]))
    return p


def sf_arima(y, k, h):
    from statsforecast.arima import Arima, forecast_arima
    p, d, q, P, D, Q, m, c = k
    fit = Arima(y, order=(p, d, q), seasonal={"order": (P, D, Q), "period": m},
                include_mean=bool(c and d + D == 0), include_drift=bool(c and d + D == 1), method="CSS-ML")
    fc = forecast_arima(fit, h=h, level=[80, 95])
    out = {"ll": float(fit["loglik"]), "coef": [float(x) for x in fit["coef"].values()], "sigma2": float(fit["sigma2"]),
           "mean": list(map(float, fc["mean"]))}
    return out


def sm_sarimax(y, k, sf_coef=None):
    import statsmodels.api as sm
    p, d, q, P, D, Q, m, c = k
    kw = dict(order=(p, d, q), seasonal_order=(P, D, Q, m if P + D + Q else 0), trend="c" if c else "n",
              simple_differencing=True)
    best = None
    for conc in (False, True):
        try:
            r = sm.tsa.SARIMAX(y, concentrate_scale=conc, **kw).fit(disp=0, maxiter=1000)
            if np.isfinite(r.llf) and (best is None or r.llf > best):
                best = float(r.llf)
        except Exception:
            pass
    if sf_coef:
        start = sarimax_start.start_params(sf_coef, p, q, P, D, m, c)
        try:
            r = sm.tsa.SARIMAX(y, concentrate_scale=True, **kw).fit(start_params=np.asarray(start, float), disp=0, maxiter=1000)
            if np.isfinite(r.llf) and (best is None or r.llf > best):
                best = float(r.llf)
        except Exception:
            pass
    return best


def sf_simple(name, y, m, h):
    from statsforecast.models import (TSB, CrostonClassic, CrostonSBA, Naive, OptimizedTheta, RandomWalkWithDrift,
                                      SeasonalNaive, Theta)
    mk = {"theta std": lambda: Theta(season_length=m), "theta opt": lambda: OptimizedTheta(season_length=m),
          "naive": Naive, "snaive": lambda: SeasonalNaive(season_length=m), "drift": RandomWalkWithDrift,
          "croston": CrostonClassic, "sba": CrostonSBA, "tsb": lambda: TSB(alpha_d=0.1, alpha_p=0.1)}[name]
    model = mk()
    if name in ("croston", "sba", "tsb"):
        f = model.fit(y)
        return {"mean": list(map(float, f.predict(h)["mean"]))}
    return sf_pred(model, y, h)[1]


# ------------------------------------------------------------------ crate side

def run_crate(binary, jobs):
    text = "".join(f"{i}\t{meth}\t{args}\t{h}\t{','.join(repr(float(v)) for v in y)}\n"
                   for i, (meth, args, h, y) in enumerate(jobs))
    r = subprocess.run([binary], input=text, capture_output=True, text=True, check=True)
    rows = {}
    for line in r.stdout.splitlines():
        f = line.split("\t")
        lst = lambda s: [float(x) for x in s.split(";")] if s else []  # noqa: E731
        rows[int(f[0])] = {"status": f[1], "form": f[2], "ll": float(f[3]) if f[3] else None,
                           "aicc": float(f[4]) if f[4] else None, "sigma2": float(f[5]) if f[5] else None,
                           "coefs": lst(f[6]), "mean": lst(f[7]), "lo80": lst(f[8]), "hi80": lst(f[9]),
                           "lo95": lst(f[10]), "hi95": lst(f[11]), "error": f[12]}
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="/tmp/edge-check/target/release/edge-check")
    ap.add_argument("--out", default="/tmp/edge-check/rows.json")
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    S = series()
    if a.only:
        S = {k: v for k, v in S.items() if a.only in k}
    jobs, keys = [], []

    def job(name, meth, args, h, y):
        keys.append((name, meth, args))
        jobs.append((meth, args, h, y))

    ref = {}
    for name, (y, m, h) in S.items():
        print(name, file=sys.stderr, flush=True)
        job(name, "autoets", f"{m}", h, y)
        job(name, "autoets", f"{m} exact", h, y)
        ref[(name, "autoets")] = guard(lambda: sf_autoets(y, m, h))
        for e, t, s in ETS_FORMS:
            if s != "N" and m == 1:
                continue
            job(name, "ets", f"{e},{t},{s} {m}", h, y)
            if ets_ok(y, m, e, t, s) and len(y) >= 4:
                ref[(name, "ets", f"{e},{t},{s}")] = guard(lambda: sm_ets(y, m, e, t, s, h))
        job(name, "autoarima", f"{m}", h, y)
        aa = guard(lambda: sf_autoarima(y, m, h))
        ref[(name, "autoarima")] = aa
        forms = [k[:6] + (1, k[6]) for k in EXTRA_ARIMA]
        if m > 1:
            forms += [k[:6] + (m, k[6]) for k in EXTRA_SARIMA]
        if "form" in aa:
            forms.append(tuple(aa["form"]))
        for k in dict.fromkeys(forms):
            args = " ".join(map(str, k))
            job(name, "arima", args, h, y)
            sf = guard(lambda: sf_arima(y, k, h))
            smll = guard(lambda: sm_sarimax(y, k, sf.get("coef")))
            ref[(name, "arima", args)] = {"sf": sf, "sm": smll}
        for meth in ("theta std", "theta opt", "naive", "snaive", "drift") + (
                ("croston", "sba", "tsb") if np.all(y >= 0) else ()):
            if meth == "snaive" and m == 1:
                continue
            mm, _, rest = meth.partition(" ")
            args = {"theta": f"{rest} {m}", "snaive": f"{m}", "tsb": "0.1 0.1"}.get(mm, "")
            job(name, mm, args, h, y)
            ref[(name, meth)] = guard(lambda: sf_simple(meth, y, m, h))
    rows = run_crate(a.bin, jobs)
    # second pass: fit_fixed at statsforecast's coefficients for every ARIMA form it fitted
    jobs2, keys2 = [], []
    for i, (name, meth, args) in enumerate(keys):
        if meth == "arima":
            sf = ref[(name, "arima", args)]["sf"]
            if "coef" in sf:
                y, m, h = S[name]
                keys2.append((name, "arimafixed", args))
                jobs2.append(("arimafixed", args + " " + ";".join(repr(c) for c in sf["coef"]), h, y))
    rows2 = run_crate(a.bin, jobs2)
    out = {"series": {k: [v[0].tolist(), v[1], v[2]] for k, v in S.items()},
           "crate": [[list(keys[i]), rows.get(i)] for i in range(len(keys))],
           "crate_fixed": [[list(keys2[i]), rows2.get(i)] for i in range(len(keys2))],
           "ref": [[list(k), v] for k, v in ref.items()]}
    with open(a.out, "w") as f:
        json.dump(out, f, default=lambda o: o if not isinstance(o, float) or math.isfinite(o) else str(o))
    print("wrote", a.out, file=sys.stderr)


if __name__ == "__main__":
    main()
