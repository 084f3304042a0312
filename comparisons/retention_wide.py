#!/usr/bin/env python3
"""Wide comparison of revops::retention against lifelines 0.30.3 / lifetimes 0.11.3: Kaplan-Meier,
log-rank, BG/NBD, Gamma-Gamma and sBG on every data set those packages ship that fits (the
crate side is comparisons/reference_wide, src/bin/retention_wide.rs; see comparisons/README.md)."""
import itertools, os, subprocess, sys, tempfile, warnings
import numpy as np, pandas as pd
warnings.filterwarnings("ignore")
import lifelines.datasets as LD
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifetimes import BetaGeoFitter, GammaGammaFitter
import lifetimes.datasets as TD
from lifetimes.utils import summary_data_from_transaction_data
from scipy.optimize import minimize
from scipy.special import betaln

JOBS = []          # (kind, name, lines)
REF = {}           # name -> dict of reference values

def job(kind, name, lines):
    JOBS.append((kind, name, [np.atleast_1d(np.asarray(l, dtype=float)) for l in lines]))

# ---------------------------------------------------------------- survival data sets
def surv_sets():
    s = {}
    r = LD.load_rossi(); s["rossi"] = (r.week, r.arrest, {"fin": r.fin, "race": r.race, "wexp": r.wexp, "prio3": np.minimum(r.prio, 3)})
    l = LD.load_lung(); ev = (l.status == l.status.max()).astype(int) if set(l.status.unique()) == {1, 2} else l.status
    s["lung"] = (l.time, ev, {"sex": l.sex, "ecog": l["ph.ecog"].fillna(-1)})
    x = LD.load_larynx(); stage = 1 + x.Stage_II + 2 * x.Stage_III + 3 * x.Stage_IV
    s["larynx"] = (x.time, x.death, {"stage": stage})
    g = LD.load_gbsg2(); s["gbsg2"] = (g.time, g.cens, {"horTh": g.horTh, "tgrade": g.tgrade, "menostat": g.menostat})
    k = LD.load_kidney_transplant(); grp = k.black_male * 1 + k.white_male * 2 + k.black_female * 3
    s["kidney"] = (k.time, k.death, {"race_sex": grp})
    d = LD.load_dd(); s["dd"] = (d.duration, d.observed, {"democracy": d.democracy, "regime": d.regime, "continent": d.un_continent_name})
    c = LD.load_canadian_senators(); s["senators"] = (c.diff_days, c.observed, {"party": c["Political Affiliation at Appointment"]})
    w = LD.load_waltons(); s["waltons"] = (w["T"], w.E, {"group": w.group})
    g3 = LD.load_g3(); s["g3"] = (g3.time, g3.event, {"group": g3.group, "histology": g3.histology})
    le = LD.load_leukemia(); s["leukemia"] = (le.t, le.status, {"Rx": le.Rx, "sex": le.sex})
    ly = LD.load_lymphoma(); s["lymphoma"] = (ly.Time, ly.Censor, {"stage": ly.Stage_group})
    ps = LD.load_psychiatric_patients(); s["psych"] = (ps["T"], ps.C, {"sex": ps.sex})
    rg = LD.load_regression_dataset(); s["regression"] = (rg["T"], rg.E, {"var3gt": (rg.var3 > rg.var3.median()).astype(int)})
    # synthetic edge structures
    rng = np.random.default_rng(7)
    t = rng.integers(1, 6, 300).astype(float); e = (rng.random(300) < 0.6).astype(int)
    s["syn_heavyties"] = (pd.Series(t), pd.Series(e), {"g": pd.Series(rng.integers(0, 2, 300))})
    t = np.array([1, 2, 2, 3, 4, 5, 5, 5.]); e = np.array([1, 0, 1, 1, 0, 1, 0, 0])
    s["syn_cens_last"] = (pd.Series(t), pd.Series(e), {"g": pd.Series([0, 1, 0, 1, 0, 1, 0, 1])})
    t = np.array([1, 2, 3, 4, 5.]); e = np.array([1, 0, 1, 1, 1])
    s["syn_to_zero"] = (pd.Series(t), pd.Series(e), {"g": pd.Series([0, 1, 0, 1, 1])})
    t = np.array([1, 2, 3, 4.]); e = np.zeros(4, int)
    s["syn_no_events"] = (pd.Series(t), pd.Series(e), {"g": pd.Series([0, 1, 0, 1])})
    t = np.array([0, 0, 1, 2, 3.]); e = np.array([1, 0, 1, 0, 1])
    s["syn_time0"] = (pd.Series(t), pd.Series(e), {"g": pd.Series([0, 1, 0, 1, 1])})
    t = np.array([2.0, 2.0, 2.0, 2.0]); e = np.array([1, 1, 1, 1])
    s["syn_all_tied_dead"] = (pd.Series(t), pd.Series(e), {"g": pd.Series([0, 1, 0, 1])})
    t = np.array([5.0]); e = np.array([1])
    s["syn_single"] = (pd.Series(t), pd.Series(e), {})
    t = np.array([1, 1, 2, 2, 3, 3, 4, 4.]); e = np.array([1, 1, 1, 1, 0, 0, 1, 1])
    s["syn_half_plateau"] = (pd.Series(t), pd.Series(e), {"g": pd.Series([0, 1, 0, 1, 0, 1, 0, 1])})
    # median exactly on 0.5 plateau (1-1/2)
    t = np.array([1, 2, 3, 4.]); e = np.array([1, 1, 0, 1])
    s["syn_median_plateau"] = (pd.Series(t), pd.Series(e), {})
    return s

def km_ref(name, T, E, conf=0.95):
    T = np.asarray(T, float); E = np.asarray(E, int)
    kmf = KaplanMeierFitter().fit(T, E, alpha=1 - conf)
    sf = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    lo = ci[[c for c in ci.columns if "lower" in c][0]]; hi = ci[[c for c in ci.columns if "upper" in c][0]]
    et = kmf.event_table
    evt = et.index[et.observed > 0].to_numpy()
    n = et.at_risk.loc[evt].to_numpy(float); d = et.observed.loc[evt].to_numpy(float)
    with np.errstate(all="ignore"):
        gw = np.cumsum(d / (n * (n - d)))
    S = sf.loc[evt].to_numpy()
    grid = np.unique(np.concatenate([T, T + 0.5, T - 0.25, [0.0]]))
    grid = grid[grid >= 0]
    REF[name] = dict(time=evt, at_risk=n, events=d, survival=S, se=S * np.sqrt(gw), lower=lo.loc[evt].to_numpy(),
                     upper=hi.loc[evt].to_numpy(), median=[kmf.median_survival_time_],
                     grid=kmf.survival_function_at_times(grid).to_numpy())
    job("KM", name, [[conf], T, E, grid])

def lr_ref(name, Ta, Ea, Tb, Eb):
    try:
        r = logrank_test(np.asarray(Ta, float), np.asarray(Tb, float), np.asarray(Ea, int), np.asarray(Eb, int))
        REF[name] = dict(lr=[r.test_statistic, r.p_value])
    except Exception as ex:
        REF[name] = dict(lr_error=str(ex))
    job("LR", name, [Ta, Ea, Tb, Eb])

def survival_jobs():
    for ds, (T, E, groups) in surv_sets().items():
        km_ref(f"km_{ds}", T, E)
        if ds == "lung":
            km_ref(f"km_{ds}_c90", T, E, 0.90)
        for gname, g in groups.items():
            g = pd.Series(np.asarray(g))
            levels = sorted(g.unique(), key=str)
            for a, b in itertools.combinations(levels, 2):
                ia, ib = (g == a).to_numpy(), (g == b).to_numpy()
                tag = f"lr_{ds}_{gname}_{a}_vs_{b}".replace(" ", "").replace("/", "")
                lr_ref(tag, np.asarray(T)[ia], np.asarray(E)[ia], np.asarray(T)[ib], np.asarray(E)[ib])
            for a in levels[:3]:
                ia = (g == a).to_numpy()
                if 0 < ia.sum():
                    km_ref(f"km_{ds}_{gname}_{a}".replace(" ", "").replace("/", ""), np.asarray(T)[ia], np.asarray(E)[ia])

# ---------------------------------------------------------------- BG/NBD and Gamma-Gamma
def bg_nll(logp, f, r, T):
    return BetaGeoFitter._negative_log_likelihood(logp, f, r, T, np.ones(len(f)), 0.0) * len(f)

def bg_ref(name, f, r, T, horizon):
    f, r, T = (np.asarray(v, float) for v in (f, r, T))
    ref = {}
    try:
        bgf = BetaGeoFitter(penalizer_coef=0.0).fit(f, r, T)
        p = np.array([bgf.params_[k] for k in ("r", "alpha", "a", "b")])
        ref["params_lifetimes"] = p
        ref["loglik_lifetimes"] = -bg_nll(np.log(p), f, r, T)
        # polish to a tight MLE from lifetimes' optimum
        o = minimize(lambda x: bg_nll(x, f, r, T), np.log(p), method="Nelder-Mead",
                     options=dict(xatol=1e-12, fatol=1e-12, maxiter=20000, maxfev=40000))
        o = minimize(lambda x: bg_nll(x, f, r, T), o.x, method="BFGS", options=dict(gtol=1e-10))
        ref["params"] = np.exp(o.x); ref["loglik"] = [-o.fun]
        ref["ll_at_ref"] = [-bg_nll(np.log(p), f, r, T)]
        ref["exp_at_ref"] = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(horizon, f, r, T))
        ref["palive_at_ref"] = np.asarray(bgf.conditional_probability_alive(f, r, T))
    except Exception as ex:
        ref["error"] = str(ex); p = np.array([0.243, 4.414, 0.793, 2.426])
    REF[name] = ref
    job("BG", name, [f, r, T, [horizon], p])

def gg_ref(name, f, m):
    f, m = np.asarray(f, float), np.asarray(m, float)
    ref = {}
    try:
        ggf = GammaGammaFitter(penalizer_coef=0.0).fit(f, m)
        p = np.array([ggf.params_[k] for k in ("p", "q", "v")])
        ref["params_lifetimes"] = p
        nll = lambda x: GammaGammaFitter._negative_log_likelihood(x, f, m, np.ones(len(f)), 0.0) * len(f)
        o = minimize(nll, np.log(p), method="Nelder-Mead", options=dict(xatol=1e-12, fatol=1e-14, maxiter=20000))
        o = minimize(nll, o.x, method="BFGS", options=dict(gtol=1e-10))
        ref["params"] = np.exp(o.x); ref["gg_ll_polished"] = -o.fun; ref["gg_ll_lifetimes"] = -nll(np.log(p)); ref["_f"] = f; ref["_m"] = m
        ref["spend_at_ref"] = np.asarray(ggf.conditional_expected_average_profit(f, m))
    except Exception as ex:
        ref["error"] = str(ex); p = np.array([6.25, 3.74, 15.44])
    REF[name] = ref
    job("GG", name, [f, m, p])

def customer_jobs():
    c = TD.load_cdnow_summary()
    bg_ref("bg_cdnow_summary", c.frequency, c.recency, c["T"], 39.0)
    cm = TD.load_cdnow_summary_data_with_monetary_value()
    rep = cm[cm.frequency > 0]
    gg_ref("gg_cdnow", rep.frequency, rep.monetary_value)
    # donations: expand weights
    dn = TD.load_donations(); dn = dn.loc[dn.index.repeat(dn.weights)]
    bg_ref("bg_donations", dn.frequency, dn.recency, dn.periods, 5.0)
    # transaction data in days and weeks
    tx = TD.load_transaction_data()
    sd = summary_data_from_transaction_data(tx, "id", "date", freq="D")
    bg_ref("bg_tx_days", sd.frequency, sd.recency, sd["T"], 30.0)
    sw = summary_data_from_transaction_data(tx, "id", "date", freq="W")
    sw = sw[sw["T"] > 0]
    bg_ref("bg_tx_weeks", sw.frequency, sw.recency, sw["T"], 10.0)
    # lifetimes' generator with a fixed seed
    from lifetimes.generate_data import beta_geometric_nbd_model
    for seed, (rr, al, a, b) in [(1, (0.5, 4.0, 0.8, 2.5)), (2, (1.2, 10.0, 1.5, 3.0)), (3, (0.25, 2.0, 0.3, 0.9))]:
        np.random.seed(seed)
        g = beta_geometric_nbd_model(40, rr, al, a, b, size=3000)
        bg_ref(f"bg_gen_seed{seed}", g.frequency, g.recency, g["T"], 20.0)
    import lifetimes, glob
    base = os.path.dirname(lifetimes.__file__) + "/datasets/"
    for fn in ("CDNOW_master.txt", "CDNOW_sample.txt"):
        raw = pd.DataFrame([l.split() for l in open(base + fn) if l.split() and l.split()[0].isdigit()])
        raw = raw.iloc[:, -4:]; raw.columns = ["id", "date", "cds", "amount"]
        raw["date"] = pd.to_datetime(raw.date.astype(str), format="%Y%m%d"); raw["amount"] = raw.amount.astype(float)
        sm = summary_data_from_transaction_data(raw, "id", "date", monetary_value_col="amount",
                                                observation_period_end="1997-09-30", freq="W")
        tag = fn.split("_")[1].split(".")[0]
        bg_ref(f"bg_cdnow_{tag}", sm.frequency, sm.recency, sm["T"], 52.0)
        rep = sm[(sm.frequency > 0) & (sm.monetary_value > 0)]
        gg_ref(f"gg_cdnow_{tag}", rep.frequency, rep.monetary_value)
    # CDNOW monetary subset in days? the same summary with an a=1 exactly model (closed form edge)
    # Gamma-Gamma on transaction data with a synthetic spend (deterministic)
    rng = np.random.default_rng(11)
    f = rng.integers(1, 15, 800); m = rng.gamma(4.0, 8.0, 800)
    gg_ref("gg_synthetic", f, m)

# ---------------------------------------------------------------- sBG
def sbg_ref(name, alive):
    alive = np.asarray(alive, float)
    def ll(x):
        a, b = np.exp(x)
        t = np.arange(1, len(alive))
        P = np.exp(betaln(a + 1, b + t - 1) - betaln(a, b))
        S = np.exp(betaln(a, b + len(alive) - 1) - betaln(a, b))
        lost = alive[:-1] - alive[1:]
        return -(np.sum(lost * np.log(P)) + alive[-1] * np.log(S))
    o = minimize(ll, [0.0, 0.0], method="Nelder-Mead", options=dict(xatol=1e-12, fatol=1e-12, maxiter=20000))
    REF[name] = dict(params=np.exp(o.x), loglik=[-o.fun], ll_at_ref=[-o.fun])
    job("SBG", name, [alive, np.exp(o.x)])

def sbg_jobs():
    regular = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
    high = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
    sbg_ref("sbg_regular_7", regular[:8]); sbg_ref("sbg_high_7", high[:8])
    sbg_ref("sbg_regular_12", regular); sbg_ref("sbg_high_12", high)
    sbg_ref("sbg_regular_3", regular[:4]); sbg_ref("sbg_last0", [100, 60, 30, 10, 0])

# ---------------------------------------------------------------- compare
def main():
    survival_jobs(); customer_jobs(); sbg_jobs()
    path = os.path.join(tempfile.gettempdir(), "retention_wide_jobs.txt")
    with open(path, "w") as fh:
        for kind, name, lines in JOBS:
            fh.write(f"JOB {kind} {name} {len(lines)}\n")
            for l in lines:
                fh.write(" ".join(repr(float(v)) for v in l) + "\n")
    exe = os.environ.get("RETENTION_WIDE_BIN", "/tmp/reference-wide/target/release/retention_wide")
    out = subprocess.run([exe, path], capture_output=True, text=True)
    if out.returncode:
        print("CRATE FAILED", out.stderr[-2000:])
    ours = {}
    for line in out.stdout.splitlines():
        k, _, rest = line.partition(" ")
        name, _, key = k.rpartition(".")
        ours.setdefault(name, {})[key] = rest
    tol = dict(params=1e-4, loglik=1e-8)
    for kind, name, _ in JOBS:
        ref, us = REF[name], ours.get(name, {})
        for k in ("error", "panic"):
            if k in us:
                print(f"[{name}] crate {k}: {us[k][:300]} | reference: { {kk: (np.round(v, 6).tolist() if hasattr(v, '__len__') and not isinstance(v, str) else v) for kk, v in ref.items() if kk in ('params', 'lr', 'lr_error', 'error', 'survival')} }")
        for key, rv in ref.items():
            if key in ("params_lifetimes", "loglik_lifetimes", "error", "lr_error", "gg_ll_polished", "gg_ll_lifetimes") or key.startswith("_"):
                continue
            if key + "_error" in us:
                print(f"[{name}] {key}: crate error {us[key + '_error'][:200]}"); continue
            if key not in us:
                continue
            cv = np.array([float(x) for x in us[key].split()]) if us[key] else np.array([])
            rv = np.asarray(rv, float)
            if cv.shape != rv.shape:
                print(f"[{name}] {key}: SHAPE crate {cv.shape} ref {rv.shape}"); continue
            with np.errstate(all="ignore"):
                both_nan = np.isnan(cv) & np.isnan(rv)
                same_inf = (cv == rv)
                rel = np.where(both_nan | same_inf, 0.0, np.abs(cv - rv) / np.maximum(np.abs(rv), 1e-300))
                rel = np.where(np.isnan(rel), np.inf, rel)
            t = tol.get(key, 1e-6)
            status = "OK " if rel.max(initial=0) <= t else "BAD"
            i = int(np.argmax(rel)) if len(rel) else 0
            detail = f" worst i={i} crate={cv[i]!r} ref={rv[i]!r}" if len(rel) else ""
            print(f"{status} [{name}] {key}: max rel {rel.max(initial=0):.2e} (n={len(rv)}){detail if status == 'BAD' or key in ('params','loglik','lr') else ''}")
        if "params_lifetimes" in ref and "params" in us:
            cv = np.array([float(x) for x in us["params"].split()])
            print(f"    [{name}] lifetimes' own params {np.round(ref['params_lifetimes'], 7).tolist()} ll {ref.get('loglik_lifetimes')}; crate {cv.tolist()} ll {us.get('loglik')}")
        if "gg_ll_polished" in ref and "params" in us:
            cv = np.array([float(x) for x in us["params"].split()])
            llc = -GammaGammaFitter._negative_log_likelihood(np.log(cv), ref["_f"], ref["_m"], np.ones(len(ref["_f"])), 0.0) * len(ref["_f"])
            print(f"    [{name}] GG loglik: crate params {llc!r}, polished {ref['gg_ll_polished']!r}, lifetimes {ref['gg_ll_lifetimes']!r}")
        if "lr_error" in ref:
            print(f"    [{name}] lifelines error: {ref['lr_error'][:100]}; crate {us}")

if __name__ == "__main__":
    main()
