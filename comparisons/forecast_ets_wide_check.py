"""An independent wide check of the crate's ETS: AutoETS's choice, every directly fitted form,
and the forecasts of each, on all 54 series of the forecast comparison
(comparisons/forecast_series.py), each fitted to its training part (the series less its last
12 months / 4 quarters). Only the crate's public API is used (the small Rust program in
comparisons/forecast_ets_wide_check/), and expectations come from its rustdoc.

Pins: statsforecast 2.1.1 (AutoETS), statsmodels 0.15.0 (ETSModel), numpy/scipy of that venv;
the crate at the working tree's revision. Simulation: 20,000 paths, seed 20240601.

Checks (printed as sections; every finding is listed with its numbers):
1. Self-consistency. For every series, `AutoEts::new(m).fit(train)`'s choice against the
   lowest AICc of `EtsSpec::fit(train)` over every admissible form (18 with a season, 6 for
   period 1: error A/M x trend N/A/Ad x season N/A/M, less A-error M-season). The documented
   pruning rule: a form whose first optimum is more than 10 AICc units behind the best form
   known is not refined, so its table AICc is its first optimum (not below the direct fit's);
   any candidate within 10 units of the final choice was refined and must equal the direct
   fit (log-likelihood and AICc to 1e-9). Also each direct fit against its documented
   definitions: sigma2 = mean squared (relative, for M errors) one-step error of its own fitted
   values; log L = -n/2 (ln(2 pi sigma2) + 1) - sum ln|mu| (M errors); AICc with k = smoothing
   parameters + level + trend + (m - 1) seasonal states + 1.
   1c. The same for variants of the search: every type list reversed (the docs: pruning does
   not depend on the family's order), additive errors only, and AutoEts::new(1) (season-N
   forms); plus the largest AICc a pruned candidate gained by refinement.
   Its one finding (AirPassengers, additive-error family: a pruned form that wins once
   refined) is now `auto_ets_chooses_the_lowest_aicc_of_its_forms_each_fitted_on_its_own` in
   tests/forecast.rs, and the candidate table marks pruned forms.
2. statsforecast AutoETS(season_length=m) on the same training part: its chosen form, and the
   crate's AICc of that form (direct fit) minus the crate's chosen AICc (>= 0 if the crate's
   choice is right within its own definitions); also statsforecast's own AICc of the crate's
   choice (AutoETS restricted to that form) against its own choice's, within statsforecast.
3. Forecasts of every directly fitted form:
   a. `predict(h, [0.8, 0.95])` against `simulation(h, 20000, seed)`: the implied analytic
      variance ((hi95 - lo95) / (2 z.975))^2 against the simulated variance, the simulated mean
      against the point forecast, the analytic bounds against the simulated quantiles (in units
      of the analytic sd). For additive errors the analytic variance is exact and the paths
      Gaussian: all must agree within Monte-Carlo error. For M errors with N/A trend and N/A
      season the docs claim class-2 variances (exact variance; the normal bounds are then an
      approximation of a skewed law); for M seasons `predict` must refuse (NoAnalyticInterval).
   b. The recursion: initial states recovered by least squares so that an independent numpy
      implementation of Hyndman et al. (2008, Table 2.1) with the crate's parameters reproduces
      the crate's fitted values; the residual, the final states and the point forecasts against
      the crate's. Then statsmodels ETSModel.smooth with the same parameters and initial states
      (its convention: initial_seasonal.0 = s_{-1}): one-step fitted values, point forecasts and
      llf against the crate's. statsmodels' multiplicative-season update differs from Hyndman's
      (the crate's), so M-season forms are expected to differ there.

Run from the repository root (NUMBA/OMP/OPENBLAS threads 1, niced):
    export NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
    nice -n 10 ../venv-compare/bin/python comparisons/forecast_ets_wide_check.py \
        --write-series /tmp/ets-check/series.csv
    CARGO_TARGET_DIR=/tmp/ets-check/target nice -n 10 cargo run --release \
        --manifest-path comparisons/forecast_ets_wide_check/Cargo.toml -- \
        /tmp/ets-check/series.csv > /tmp/ets-check/crate.txt   (--bin forecast-ets-wide-check)
    nice -n 10 ../venv-compare/bin/python comparisons/forecast_ets_wide_check.py \
        --series /tmp/ets-check/series.csv --crate /tmp/ets-check/crate.txt [--skip-sf] [--skip-sm]
"""
import argparse
import math
import os
import sys
import warnings
from collections import defaultdict

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import norm

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
MARGIN = 10.0  # the documented pruning margin (AICc units)
TOL = 1e-9


def write_series(path):
    sys.path.insert(0, HERE)
    import forecast_series  # noqa: E402

    with open(path, "w") as fh:
        forecast_series.write_rows(fh)


def read_series(path):
    out = {}
    for line in open(path):
        f = line.strip().split(",")
        if len(f) >= 4:
            y = np.array([float(v) for v in f[3:]])
            out[f[0]] = (int(f[1]), int(f[2]), y)
    return out


def fl(s):
    return float(s)


def read_crate(path):
    auto = defaultdict(list)  # series -> [(form, status, ll, aicc)]
    best = {}
    autov = defaultdict(list)  # (series, variant) -> [(form, status, ll, aicc)]
    bestv = {}
    direct = defaultdict(dict)  # series -> form -> dict
    for line in open(path):
        f = line.rstrip("\n").split(",")
        kind, s = f[0], f[1]
        if kind == "auto":
            auto[s].append((f[2], f[3], fl(f[4]), fl(f[5])))
        elif kind == "autobest":
            best[s] = (f[2], fl(f[3]), fl(f[4]))
        elif kind == "autov":
            autov[(s, f[2])].append((f[3], f[4], fl(f[5]), fl(f[6])))
        elif kind == "autovbest":
            bestv[(s, f[2])] = (f[3], fl(f[4]), fl(f[5]))
        elif kind == "direct":
            d = direct[s].setdefault(f[2], {})
            d["status"] = f[3]
            if f[3] == "ok":
                (d["ll"], d["aicc"], d["sigma2"], a, b, g, p, d["level"], d["trend"]) = map(fl, f[4:13])
                d["params"] = (a, b, g, p)
                d["n"] = int(f[13])
                d["season"] = np.array([fl(v) for v in f[14:]])
        elif kind == "fitted":
            direct[s][f[2]]["fitted"] = np.array([fl(v) for v in f[3:]])
        elif kind == "point":
            direct[s][f[2]]["point"] = np.array([fl(v) for v in f[3:]]) if not f[3].startswith("ERR") else f[3]
        elif kind == "pmean":
            direct[s][f[2]]["pstatus"] = f[3]
            if f[3] == "ok":
                direct[s][f[2]]["pmean"] = np.array([fl(v) for v in f[4:]])
        elif kind == "analytic":
            v = np.array([fl(x) for x in f[5:]])
            h = len(v) // 2
            direct[s][f[2]][("an", fl(f[3]))] = (v[:h], v[h:])
        elif kind == "sim":
            direct[s][f[2]][("sim", f[3])] = np.array([fl(v) for v in f[4:]]) if len(f) > 4 else f[3]
    return auto, best, direct, autov, bestv


def forms_of(m):
    out = []
    for e in "AM":
        for t in ("N", "A", "Ad"):
            for z in ("N", "A", "M") if m > 1 else ("N",):
                out.append((e, t, z))
    return out


def fname(e, t, z):
    return f"{e}/{t}/{z}"


def n_params(t, z, m):
    k = 1 + (t != "N") + (z != "N") + (t == "Ad")  # alpha, beta, gamma, phi
    k += 1 + (t != "N") + ((m - 1) if z != "N" else 0)  # l0, b0, m-1 seasonal
    return k + 1  # sigma2


def close(a, b, tol=TOL):
    if a == b:
        return True
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


# ------------------------------------------------------------------------------------ check 1
def check1(series, auto, best, direct):
    print("== Check 1: AutoEts choice vs direct spec.fit of every admissible form")
    findings, n_eq, n_pruned, n_refined = [], 0, 0, 0
    for s, (m, h, y) in series.items():
        train = y[:-h]
        n = len(train)
        if s not in best:
            findings.append(f"{s}: no AutoEts output")
            continue
        bform, baicc, _ = best[s]
        dd = direct[s]
        ok = {f: d for f, d in dd.items() if d.get("status") == "ok"}
        if not ok:
            findings.append(f"{s}: no direct fit succeeded")
            continue
        dbest = min(ok, key=lambda f: ok[f]["aicc"])
        if ok[dbest]["aicc"] < baicc - TOL * max(1, abs(baicc)):
            findings.append(
                f"{s}: AutoEts chose {bform} (AICc {baicc:.6f}) but direct fit of {dbest} has AICc "
                f"{ok[dbest]['aicc']:.6f} (lower by {baicc - ok[dbest]['aicc']:.6g}); direct {bform} AICc "
                f"{ok.get(bform, {}).get('aicc', float('nan')):.6f}"
            )
        else:
            n_eq += 1
        # candidate table vs direct fits
        cand = {c[0]: c for c in auto[s]}
        for f in dd:
            if dd[f]["status"].startswith("inadmissible"):
                if f in cand and cand[f][1] == "ok":
                    findings.append(f"{s} {f}: inadmissible directly but fitted by AutoEts")
                continue
            if f not in cand:
                findings.append(f"{s} {f}: admissible form missing from AutoEts candidates")
                continue
        for f, st, ll, aicc in auto[s]:
            d = dd.get(f)
            if d is None:
                findings.append(f"{s} {f}: candidate not in the direct family")
                continue
            if st != "ok":
                if d["status"] == "ok":
                    findings.append(f"{s} {f}: AutoEts candidate error '{st}' but direct fit ok (AICc {d['aicc']:.4f})")
                continue
            if d["status"] != "ok":
                findings.append(f"{s} {f}: AutoEts candidate ok but direct fit failed: {d['status']}")
                continue
            must = aicc <= baicc + MARGIN
            same = close(ll, d["ll"]) and close(aicc, d["aicc"])
            if must:
                n_refined += 1
                if not same:
                    findings.append(
                        f"{s} {f}: within {MARGIN} of the choice (table AICc {aicc:.9f}, best {baicc:.6f}) "
                        f"but table != direct: loglik {ll!r} vs {d['ll']!r}, AICc {aicc!r} vs {d['aicc']!r}"
                    )
            else:
                n_pruned += 1
                if d["aicc"] > aicc + 1e-7 * max(1, abs(aicc)):
                    findings.append(
                        f"{s} {f}: pruned candidate's table AICc {aicc:.6f} is below the direct fit's "
                        f"{d['aicc']:.6f} (direct refinement should only improve)"
                    )
                if d["aicc"] < baicc:
                    findings.append(f"{s} {f}: pruned form's direct AICc {d['aicc']:.6f} beats the choice {baicc:.6f}")
        if bform in ok and not close(ok[bform]["aicc"], baicc):
            findings.append(f"{s}: chosen {bform} AICc {baicc!r} != direct {ok[bform]['aicc']!r}")
    print(f"series: {len(series)}; choice = direct minimum: {n_eq}; candidates within margin checked: "
          f"{n_refined}; beyond margin: {n_pruned}")
    for x in findings:
        print("  FINDING", x)
    # documented definitions of sigma2, log L and AICc from each direct fit's own fitted values
    print("-- Check 1b: sigma2 / log L / AICc of every direct fit vs their documented definitions")
    worst = (0, "", 0, 0, 0)
    nb, bad = 0, []
    for s, (m, h, y) in series.items():
        train = y[:-h]
        n = len(train)
        for f, d in direct[s].items():
            if d.get("status") != "ok":
                continue
            e, t, z = f.split("/")
            mu = d["fitted"]
            err = train - mu if e == "A" else (train - mu) / mu
            s2 = float(np.mean(err**2))
            ll = -n / 2 * (math.log(2 * math.pi * s2) + 1) - (np.sum(np.log(np.abs(mu))) if e == "M" else 0.0)
            k = n_params(t, z, m)
            aicc = -2 * d["ll"] + 2 * k + (2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf)
            nb += 1
            r = (abs(s2 - d["sigma2"]) / s2, abs(ll - d["ll"]), abs(aicc - d["aicc"]))
            if r[0] > 1e-8 or r[1] > 1e-6 * max(1, abs(ll)) or r[2] > 1e-8 * max(1, abs(aicc)):
                bad.append(f"{s} {f}: sigma2 {d['sigma2']!r} vs {s2!r}; loglik {d['ll']!r} vs {ll!r}; "
                           f"AICc {d['aicc']!r} vs {aicc!r} (k={k}, n={n})")
            if r[1] > worst[0]:
                worst = (r[1], f"{s} {f}", r[0], r[2], 0)
    print(f"direct fits checked: {nb}; largest |loglik - formula|: {worst[0]:.3g} ({worst[1]}); mismatches: {len(bad)}")
    for x in bad[:40]:
        print("  FINDING", x)


def check1c(series, direct, autov, bestv):
    """Variants of the search: `rev` (every type list reversed; the docs: the pruning does not
    depend on the family's order), `addonly` (additive errors only), `p1` (AutoEts::new(1), whose
    forms are the season-N forms; the period is ignored without a season). Each choice must be the
    family's lowest direct AICc, and every candidate within the margin must equal its direct fit."""
    print("-- Check 1c: AutoEts variants (rev = reversed family order, addonly, p1 = period 1)")
    fams = {
        "rev": lambda f: True,
        "addonly": lambda f: f.startswith("A/"),
        "p1": lambda f: f.endswith("/N"),
    }
    findings, counts = [], defaultdict(int)
    worst_gain = [0.0, ""]
    for s, (m, h, y) in series.items():
        for v, keep in fams.items():
            if (s, v) not in bestv:
                findings.append(f"{s} {v}: no output")
                continue
            bform, baicc, _ = bestv[(s, v)]
            ok = {f: d for f, d in direct[s].items() if d.get("status") == "ok" and keep(f)}
            dbest = min(ok, key=lambda f: ok[f]["aicc"])
            if ok[dbest]["aicc"] < baicc - TOL * max(1, abs(baicc)) or bform != dbest and not close(ok[dbest]["aicc"], baicc):
                findings.append(f"{s} {v}: chose {bform} (AICc {baicc:.6f}); direct minimum {dbest} {ok[dbest]['aicc']:.6f}")
            else:
                counts[v] += 1
            for f, st, ll, aicc in autov[(s, v)]:
                if v == "p1" and not f.endswith("/N"):
                    counts["p1 seasonal forms listed as not admissible"] += st != "ok"
                    continue
                d = direct[s].get(f, {})
                if st == "ok" and d.get("status") == "ok" and aicc > baicc + MARGIN:
                    gain = aicc - d["aicc"]
                    if gain > worst_gain[0]:
                        worst_gain[:] = [gain, f"{s} {v} {f}: table {aicc:.4f}, direct {d['aicc']:.4f}, choice {baicc:.4f}"]
                if st != "ok" or d.get("status") != "ok":
                    if (st == "ok") != (d.get("status") == "ok"):
                        findings.append(f"{s} {v} {f}: candidate status '{st}' vs direct '{d.get('status')}'")
                    continue
                if aicc <= baicc + MARGIN and not (close(ll, d["ll"]) and close(aicc, d["aicc"])):
                    findings.append(f"{s} {v} {f}: within margin but table AICc {aicc!r} != direct {d['aicc']!r}")
    print("choice = family's direct minimum: " + ", ".join(f"{v} {counts[v]}/{len(series)}" for v in fams))
    print(f"p1 seasonal forms listed as not admissible (period 1): {counts['p1 seasonal forms listed as not admissible']}")
    print(f"largest AICc gain of refinement for a pruned candidate (variants): {worst_gain[0]:.4f} ({worst_gain[1]})")
    for x in findings:
        print("  FINDING", x)


# ------------------------------------------------------------------------------------ check 2
def check2(series, best, direct):
    print("\n== Check 2: statsforecast AutoETS(season_length=m) vs the crate's choice")
    from statsforecast.models import AutoETS

    agree, rows = 0, []
    for s, (m, h, y) in series.items():
        train = y[:-h]
        try:
            sf = AutoETS(season_length=m).fit(train)
            meth = sf.model_["method"]  # ETS(M,Ad,M)
            sf_aicc = float(sf.model_["aicc"])
            sf_ll = float(sf.model_["loglik"])
        except Exception as ex:  # noqa: BLE001
            rows.append(f"{s}: statsforecast failed: {ex}")
            continue
        e, t, z = meth[4:-1].split(",")
        sform = fname(e, t, z)
        bform, baicc, _ = best[s]
        d = direct[s].get(sform, {})
        gap = d.get("aicc", math.nan) - baicc if d.get("status") == "ok" else math.nan
        # statsforecast's own AICc of the crate's choice
        be, bt, bz = bform.split("/")
        try:
            sf2 = AutoETS(season_length=m, model=be + bt[0] + bz, damped=(bt == "Ad")).fit(train)
            sf2_aicc = float(sf2.model_["aicc"])
            sf2_meth = sf2.model_["method"]
            sf2_ll = float(sf2.model_["loglik"])
        except Exception as ex:  # noqa: BLE001
            sf2_aicc, sf2_ll, sf2_meth = math.nan, math.nan, f"failed: {str(ex)[:60]}"
        # log-likelihoods on one scale: statsforecast reports R's -n/2 ln SSE - sum ln mu, the crate
        # -n/2 (ln(2 pi SSE/n) + 1) - sum ln mu; crate - statsforecast > 0 = the crate's optimum is higher
        n = len(train)
        off = n / 2 * (math.log(2 * math.pi / n) + 1)
        ll_gap_sf_form = d.get("ll", math.nan) + off - sf_ll if d.get("status") == "ok" else math.nan
        ll_gap_crate_form = best[s][2] + off - sf2_ll
        same = sform == bform
        agree += same
        rows.append(
            f"{s:<26} sf {sform:<8} crate {bform:<8} {'same' if same else 'DIFF'}  crate AICc(sf form) - crate best = "
            f"{gap:9.3f}   sf AICc(crate form) - sf best = {sf2_aicc - sf_aicc:9.3f} ({sf2_meth});"
            f"   loglik crate - sf: sf form {ll_gap_sf_form:+9.3f}, crate form {ll_gap_crate_form:+9.3f}"
        )
    print(f"series: {len(series)}; same form: {agree}  (AICc gaps compare forms within one library; "
          "loglik crate - sf puts both on one scale, > 0 = the crate's optimum is higher)")
    for r in rows:
        print(" ", r)


# ------------------------------------------------------------------------------------ check 3a
def check3a(series, direct):
    print("\n== Check 3a: analytic predict() vs 20,000 simulated paths (every direct fit)")
    z95, z80 = norm.ppf(0.975), norm.ppf(0.9)
    stats = defaultdict(lambda: [0, 0.0, "", 0.0, "", 0.0, "", 0.0, ""])
    findings = []
    for s, (m, h, y) in series.items():
        for f, d in direct[s].items():
            if d.get("status") != "ok":
                continue
            e, t, z = f.split("/")
            cls = "additive error" if e == "A" else ("M error, M season" if z == "M" else "M error, N/A season")
            st = stats[cls + (" damped" if t == "Ad" and e == "M" else "")]
            if d.get("pstatus") != "ok":
                if z != "M":
                    findings.append(f"{s} {f}: predict refused: {d.get('pstatus')}")
                else:
                    st[0] += 1
                    if "NoAnalyticInterval" not in d.get("pstatus", ""):
                        findings.append(f"{s} {f}: predict error other than NoAnalyticInterval: {d.get('pstatus')}")
                smean = d[("sim", "mean")]
                svar = d[("sim", "var")]
                rel = np.max(np.abs(smean - d["point"]) / np.sqrt(svar / 20000))
                if rel > st[5]:
                    st[5], st[6] = rel, f"{s} {f}"
                continue
            if z == "M":
                findings.append(f"{s} {f}: predict gave analytic intervals for an M season")
            st[0] += 1
            lo95, hi95 = d[("an", 0.95)]
            lo80, hi80 = d[("an", 0.8)]
            pm = d["pmean"]
            sd = (hi95 - lo95) / (2 * z95)
            sd80 = (hi80 - lo80) / (2 * z80)
            if np.max(np.abs(sd - sd80) / np.maximum(sd, 1e-300)) > 1e-9 or np.max(np.abs(pm - d["point"])) > 1e-9 * np.max(np.abs(pm)):
                findings.append(f"{s} {f}: 80%/95% bands imply different sd or mean != point_forecast")
            smean, svar = d[("sim", "mean")], d[("sim", "var")]
            if np.all(sd == 0):
                continue
            vr = np.max(np.abs(svar / sd**2 - 1))
            mr = np.max(np.abs(smean - pm) / sd) * math.sqrt(20000)  # in standard errors of the mean
            qd = max(
                np.max(np.abs(d[("sim", "q0.025")] - lo95) / sd),
                np.max(np.abs(d[("sim", "q0.975")] - hi95) / sd),
                np.max(np.abs(d[("sim", "q0.1")] - lo80) / sd),
                np.max(np.abs(d[("sim", "q0.9")] - hi80) / sd),
            )
            for i, v in ((1, vr), (3, mr), (7, qd)):
                if v > st[i]:
                    st[i], st[i + 1] = v, f"{s} {f}"
            lim_v = 0.05 if e == "A" else 0.10
            if vr > lim_v or mr > 5 or (e == "A" and qd > 0.08):
                k = int(np.argmax(np.abs(svar / sd**2 - 1)))
                findings.append(
                    f"{s} {f}: sim var / analytic var - 1 up to {vr:+.4f} (step {k + 1}: sim {svar[k]:.6g}, analytic {sd[k]**2:.6g}); "
                    f"|sim mean - point| up to {mr:.2f} SE; bounds vs sim quantiles up to {qd:.3f} sd"
                )
    for cls, st in stats.items():
        if "M season" in cls:
            print(f"{cls}: {st[0]} fits; |sim mean - point| up to {st[5]:.1f} SE ({st[6]})")
        else:
            print(f"{cls}: {st[0]} fits; |sim var/analytic var - 1| up to {st[1]:.4f} ({st[2]}); |sim mean - mean| up to "
                  f"{st[3]:.2f} SE ({st[4]}); |sim quantile - bound| up to {st[7]:.3f} sd ({st[8]})")
    print(f"findings: {len(findings)} (tolerances: variance 5% additive / 10% M; mean 5 SE; bounds 0.08 sd additive)")
    for x in findings:
        print("  FINDING", x)


# ------------------------------------------------------------------------------------ check 3b
def hyndman(y, e, t, z, m, par, x0, h=0):
    """Hyndman et al. (2008) Table 2.1 recursions. x0 = (l0, b0, ring) with ring[j] the seasonal
    state used at observation j (j < m). Returns fitted, final (l, b, ring ordered from the next
    season), forecasts."""
    a, b_, g, p = par
    if t == "N":
        p = 0.0
    elif t == "A":
        p = 1.0
    l, b = x0[0], x0[1]
    ring = list(x0[2]) if z != "N" else [0.0]
    mm = m if z != "N" else 1
    fit = np.empty(len(y))
    for i, yt in enumerate(y):
        s = ring[i % mm]
        base = l + p * b
        mu = base + s if z == "A" else (base * s if z == "M" else base)
        fit[i] = mu
        if e == "A":
            err = yt - mu
            if z == "M":
                nl = base + a * err / s
                nb = p * b + b_ * err / s
                ns = s + g * err / base
            else:
                nl = base + a * err
                nb = p * b + b_ * err
                ns = s + g * err
        else:
            err = (yt - mu) / mu
            if z == "M":
                nl = base * (1 + a * err)
                nb = p * b + b_ * base * err
                ns = s * (1 + g * err)
            else:
                nl = base + a * mu * err
                nb = p * b + b_ * mu * err
                ns = s + g * mu * err
        l, b = nl, nb
        if z != "N":
            ring[i % mm] = ns
    n = len(y)
    nxt = [ring[(n + j) % mm] for j in range(mm)]
    fc = []
    ph = 0.0
    for k in range(1, h + 1):
        ph += p**k if t == "Ad" else (1.0 if t == "A" else 0.0)
        base = l + ph * b
        s = nxt[(k - 1) % mm]
        fc.append(base + s if z == "A" else (base * s if z == "M" else base))
    return fit, (l, b, np.array(nxt)), np.array(fc)


def recover_x0(train, e, t, z, m, d):
    """Initial states whose Hyndman recursion with the crate's parameters gives the crate's fitted
    values (least squares; normalised season: sum 0 / sum m, as the crate's)."""
    mu = d["fitted"]
    scale = np.mean(np.abs(train))
    mm = m if z != "N" else 0

    def unpack(v):
        l0 = v[0] * scale
        b0 = v[1] * scale if t != "N" else 0.0
        if z == "N":
            ring = None
        else:
            free = v[2:2 + mm - 1]
            if z == "A":
                free = free * scale
                ring = np.r_[free, -np.sum(free)]
            else:
                ring = np.r_[free, m - np.sum(free)]
        return (l0, b0, ring)

    def res(v):
        f, _, _ = hyndman(train, e, t, z, m, d["params"], unpack(v))
        r = (f - mu) / scale
        return np.where(np.isfinite(r), r, 1e6)

    v0 = np.zeros(2 + max(mm - 1, 0))
    v0[0] = mu[0] / scale
    if z == "M":
        v0[2:] = 1.0
    best = None
    for start in (v0,):
        sol = least_squares(res, start, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
        sol = least_squares(res, sol.x, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
        if best is None or sol.cost < best.cost:
            best = sol
    return unpack(best.x)


def check3b(series, direct, with_sm=True, only=None):
    print("\n== Check 3b: recursion (independent numpy Hyndman) and statsmodels ETSModel.smooth with the crate's params")
    sys.path.insert(0, HERE)
    from forecast_ets_loglik import model as ets_model  # noqa: E402  (statsmodels' ETSModel of a form)

    rows, findings = [], []
    worst = defaultdict(lambda: (0.0, ""))
    for s, (m, h, y) in series.items():
        if only and s not in only:
            continue
        train = y[:-h]
        scale = np.mean(np.abs(train))
        for f, d in direct[s].items():
            if d.get("status") != "ok":
                continue
            e, t, z = f.split("/")
            x0 = recover_x0(train, e, t, z, m, d)
            fit, fin, fc = hyndman(train, e, t, z, m, d["params"], x0, h)
            r_fit = np.max(np.abs(fit - d["fitted"])) / scale
            r_fin = max(abs(fin[0] - d["level"]), abs(fin[1] - d["trend"]),
                        np.max(np.abs(fin[2] - d["season"]) * (scale if z == "M" else 1.0)) if z != "N" else 0.0) / scale
            r_fc = np.max(np.abs(fc - d["point"])) / scale
            key = "M season" if z == "M" else "other"
            for nm, v in (("fit", r_fit), ("final", r_fin), ("point", r_fc)):
                if v > worst[(key, nm)][0]:
                    worst[(key, nm)] = (v, f"{s} {f}")
            if r_fit > 1e-7 or r_fin > 1e-7 or r_fc > 1e-7:
                findings.append(f"{s} {f}: numpy Hyndman recursion vs crate (rel. to mean|y|): fitted {r_fit:.3g}, "
                                f"final states {r_fin:.3g}, point forecasts {r_fc:.3g}")
            if not with_sm:
                continue
            a, b_, g, p = d["params"]
            mod = ets_model(train, m, e, t, z)
            pv = [a]
            if t != "N":
                pv.append(b_)
            if z != "N":
                pv.append(g)
            if t == "Ad":
                pv.append(p)
            pv.append(x0[0])
            if t != "N":
                pv.append(x0[1])
            if z != "N":
                pv += list(np.asarray(x0[2])[::-1])  # initial_seasonal.0 = s_{-1}: the last before y_0
            try:
                r = mod.smooth(np.array(pv))
                sm_fit = np.asarray(r.fittedvalues)
                sm_fc = np.asarray(r.forecast(h))
                s_fit = np.max(np.abs(sm_fit - d["fitted"])) / scale
                s_fc = np.max(np.abs(sm_fc - d["point"])) / scale
                s_ll = r.llf - d["ll"]
            except Exception as ex:  # noqa: BLE001
                findings.append(f"{s} {f}: statsmodels smooth failed: {ex}")
                continue
            for nm, v in (("sm fit", s_fit), ("sm point", s_fc), ("sm |llf diff|", abs(s_ll))):
                if v > worst[(key, nm)][0]:
                    worst[(key, nm)] = (v, f"{s} {f}")
            rows.append((s, f, r_fit, s_fit, s_fc, s_ll))
            if z != "M" and (s_fit > 1e-6 or s_fc > 1e-6 or abs(s_ll) > 1e-5):
                findings.append(f"{s} {f}: statsmodels smooth vs crate: fitted {s_fit:.3g}, point {s_fc:.3g} "
                                f"(rel. to mean|y|), llf diff {s_ll:.4g}")
    for (key, nm), (v, w) in sorted(worst.items()):
        print(f"  {key:<9} largest {nm:<14}: {v:.3g}  ({w})")
    print(f"findings: {len(findings)} (tolerance 1e-7 numpy, 1e-6 statsmodels, non-M-season forms)")
    for x in findings:
        print("  FINDING", x)
    ms = [r for r in rows if r[1].endswith("/M")]
    if ms:
        ms.sort(key=lambda r: -r[4])
        print("  M-season forms (statsmodels' different season update; expected), largest point-forecast diffs:")
        for s, f, r_fit, s_fit, s_fc, s_ll in ms[:8]:
            print(f"    {s:<26} {f:<8} fitted {s_fit:.3g} point {s_fc:.3g} llf diff {s_ll:+.4g}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-series")
    ap.add_argument("--series")
    ap.add_argument("--crate")
    ap.add_argument("--skip-sf", action="store_true")
    ap.add_argument("--skip-sm", action="store_true")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    if args.write_series:
        write_series(args.write_series)
        return
    series = read_series(args.series)
    auto, best, direct, autov, bestv = read_crate(args.crate)
    check1(series, auto, best, direct)
    check1c(series, direct, autov, bestv)
    if not args.skip_sf:
        check2(series, best, direct)
    check3a(series, direct)
    check3b(series, direct, with_sm=not args.skip_sm, only=args.only)


if __name__ == "__main__":
    main()
