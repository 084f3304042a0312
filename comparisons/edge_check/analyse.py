"""Disagreements in the rows edge_check.py wrote: python analyse.py /tmp/edge-check/rows.json"""
import json
import math
import sys

import numpy as np

d = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/edge-check/rows.json"))
S = d["series"]
ref = {tuple(k): v for k, v in d["ref"]}
crate = {tuple(k): v for k, v in d["crate"]}
fixed = {tuple(k): v for k, v in d["crate_fixed"]}


def fin(x):
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in x)


def rel(a, b, scale):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / scale) if len(a) and len(a) == len(b) else float("nan")


out = []
for (name, meth, args), r in crate.items():
    y, m, h = S[name]
    scale = max(np.std(y), 1e-300) if np.std(y) > 0 else max(abs(np.mean(y)), 1)
    tag = f"{name} {meth} {args}"
    if r is None:
        out.append(("MISSING", tag, ""))
        continue
    if r["status"] == "panic":
        out.append(("PANIC", tag, r["error"]))
        continue
    if r["status"] == "ok":
        if r["error"]:
            out.append(("PREDERR", tag, r["error"]))
        for key in ("mean", "lo80", "hi80", "lo95", "hi95"):
            if r[key] and not fin(r[key]):
                out.append(("NONFINITE", tag, f"{key}={r[key][:3]}"))
        if r["mean"] and r["lo95"] and fin(r["lo95"]):
            lo95, lo80, mu, hi80, hi95 = (np.array(r[k]) for k in ("lo95", "lo80", "mean", "hi80", "hi95"))
            tol = 1e-9 * scale + 1e-12 * np.abs(mu).max()
            if np.any(lo95 > lo80 + tol) or np.any(lo80 > mu + tol) or np.any(mu > hi80 + tol) or np.any(hi80 > hi95 + tol):
                out.append(("ORDER", tag, f"lo95 {lo95[:2]} lo80 {lo80[:2]} mean {mu[:2]} hi80 {hi80[:2]} hi95 {hi95[:2]}"))
    # ETS form vs statsmodels
    if meth == "ets":
        form = args.split()[0]
        rf = ref.get((name, "ets", form))
        if rf is None:
            if r["status"] == "ok":
                out.append(("ETS-ACCEPT-NOREF", tag, f"crate ll {r['ll']}"))
            continue
        if "error" in rf:
            if r["status"] == "ok":
                out.append(("ETS-REF-ERR", tag, rf["error"]))
            continue
        if r["status"] != "ok":
            out.append(("ETS-REFUSED", tag, f"{r['error']} | sm ll {rf['ll']:.4f}"))
            continue
        gap = r["ll"] - rf["ll"]
        if gap < -0.1:
            out.append(("ETS-LL", tag, f"crate {r['ll']:.4f} sm {rf['ll']:.4f} gap {gap:.4f} crate params {r['coefs'][:4]} sm {rf['params']}"))
        if "mean" in rf and abs(gap) < 0.01:
            e = rel(r["mean"], rf["mean"], scale)
            if e > 1e-2:
                out.append(("ETS-MEAN", tag, f"rel/sd {e:.3g} crate {r['mean'][:3]} sm {rf['mean'][:3]}"))
            if "lo95" in rf and r["lo95"]:
                e2 = rel(r["lo95"], rf["lo95"], scale)
                if e2 > 2e-2:
                    out.append(("ETS-BOUND", tag, f"rel/sd {e2:.3g} crate lo95 {r['lo95'][:3]} sm {rf['lo95'][:3]}"))
    if meth == "autoets":
        rf = ref.get((name, "autoets"), {})
        if r["status"] != "ok":
            out.append(("AUTOETS-ERR", tag, f"{r['error']} | sf {rf.get('form', rf.get('error'))}"))
            continue
        if "form" in rf:
            sff = rf["form"].replace("ETS(", "").replace(")", "")
            cf = r["form"].replace("ETS(", "").replace(")", "")
            if sff != cf:
                # the crate's own fit of statsforecast's form
                c2 = crate.get((name, "ets", f"{sff} {m}"))
                msg = f"crate {r['form']} aicc {r['aicc']:.3f}; sf {rf['form']} (sf aicc {rf['aicc']:.3f})"
                if c2 and c2["status"] == "ok":
                    msg += f"; crate's fit of sf form aicc {c2['aicc']:.3f}"
                    if c2["aicc"] < r["aicc"] - 1e-6:
                        out.append(("AUTOETS-NOTBEST", tag, msg))
                        continue
                else:
                    msg += f"; crate's fit of sf form: {c2 and c2['error']}"
                out.append(("autoets-form", tag, msg + f" | mean crate {r['mean'][:2]} sf {rf['mean'][:2]}"))
        else:
            out.append(("autoets-sf-err", tag, f"crate {r['form']} | sf {rf.get('error')}"))
    if meth == "arima":
        rf = ref[(name, "arima", args)]
        sf, sm = rf["sf"], rf["sm"]
        smll = sm if isinstance(sm, (int, float)) else None
        sfll = sf.get("ll")
        if r["status"] != "ok":
            if sfll is not None or smll is not None:
                out.append(("ARIMA-REFUSED", tag, f"{r['error']} | sf ll {sfll} sm ll {smll} sf coef {sf.get('coef')}"))
            continue
        fx = fixed.get((name, "arimafixed", args))
        best_ref = max([v for v in (smll,) if v is not None], default=None)
        if best_ref is not None and r["ll"] < best_ref - 0.1:
            msg = f"crate {r['ll']:.4f} sm {smll} sf {sfll} crate@sfcoef {fx and fx['ll']} coefs crate {r['coefs']} sf {sf.get('coef')}"
            out.append(("ARIMA-LL", tag, msg))
        if fx and fx["status"] == "ok" and fx["ll"] is not None and r["ll"] < fx["ll"] - 0.1:
            out.append(("ARIMA-LL-vs-sfcoef", tag, f"crate {r['ll']:.4f} crate@sfcoef {fx['ll']:.4f}"))
        if fx and fx["status"] == "ok" and "mean" in sf and fx["mean"]:
            e = rel(fx["mean"], sf["mean"], scale)
            if e > 1e-3:
                out.append(("ARIMA-MEAN@sfcoef", tag, f"rel/sd {e:.3g} crate {fx['mean'][:3]} sf {sf['mean'][:3]}"))
        if fx and fx["status"] != "ok" and sfll is not None:
            out.append(("ARIMA-FIXED-REFUSED", tag, f"{fx['error']} sf coef {sf.get('coef')}"))
    if meth == "autoarima":
        rf = ref.get((name, "autoarima"), {})
        if r["status"] != "ok":
            out.append(("AUTOARIMA-ERR", tag, f"{r['error']} | sf {rf.get('form', rf.get('error'))}"))
            continue
        if "form" in rf:
            sff = ",".join(map(str, rf["form"]))
            if sff != r["form"]:
                c2 = crate.get((name, "arima", sff.replace(",", " ")))
                msg = f"crate {r['form']} aicc {r['aicc']:.3f}; sf {sff} sf aicc {rf['aicc']:.3f}"
                if c2 and c2["status"] == "ok":
                    msg += f"; crate's fit of sf form aicc {c2['aicc']:.3f} ll {c2['ll']:.3f}"
                    if c2["aicc"] < r["aicc"] - 1e-6:
                        out.append(("AUTOARIMA-NOTBEST", tag, msg + f" | mean crate {r['mean'][:2]} sf {rf['mean'][:2]}"))
                        continue
                else:
                    msg += f"; crate's fit of sf form: {c2 and c2['error']}"
                out.append(("autoarima-form", tag, msg + f" | mean crate {r['mean'][:2]} sf {rf['mean'][:2]}"))
        else:
            out.append(("autoarima-sf-err", tag, f"crate {r['form']} | sf {rf.get('error')}"))
    if meth in ("theta", "naive", "snaive", "drift", "croston", "sba", "tsb"):
        key = {"theta": f"theta {args.split()[0]}" if args else "theta"}.get(meth, meth)
        rf = ref.get((name, key), {})
        if r["status"] != "ok":
            if "mean" in rf:
                out.append(("SIMPLE-REFUSED", tag, f"{r['error']} | sf mean {rf['mean'][:2]}"))
            continue
        if "mean" not in rf:
            out.append(("simple-sf-err", tag, f"crate ok mean {r['mean'][:2]} | sf {rf.get('error')}"))
            continue
        e = rel(r["mean"], rf["mean"], scale)
        tolm = 0.05 if meth == "theta" else 1e-6
        if not (e <= tolm):
            out.append(("SIMPLE-MEAN", tag, f"rel/sd {e:.3g} crate {r['mean'][:3]} sf {rf['mean'][:3]}"))
        if "lo95" in rf and r["lo95"]:
            e2 = rel(r["lo95"], rf["lo95"], scale)
            if not (e2 <= (0.2 if meth == "theta" else 1e-6)):
                out.append(("SIMPLE-BOUND", tag, f"rel/sd {e2:.3g} crate lo95 {r['lo95'][:3]} sf {rf['lo95'][:3]} | hi95 crate {r['hi95'][:3]} sf {rf['hi95'][:3]}"))

out.sort()
for kind, tag, msg in out:
    print(f"{kind:22s} {tag:40s} {msg}")
