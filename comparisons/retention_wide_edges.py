"""Edge checks: BG/NBD expected purchases at varied (a, b, horizon); Gamma-Gamma with q <= 1
(crate side: comparisons/reference_wide, src/bin/retention_wide.rs)."""
import os, subprocess, tempfile, numpy as np, pandas as pd, warnings
warnings.filterwarnings("ignore")
from lifetimes import BetaGeoFitter, GammaGammaFitter
import lifetimes.datasets as TD
c = TD.load_cdnow_summary()
f, r, T = (c[k].to_numpy(float) for k in ("frequency", "recency", "T"))
# add extreme histories
f = np.concatenate([f, [0, 1, 50, 200, 3]]); r = np.concatenate([r, [0, 38.0, 38.5, 38.9, 0.01]]); T = np.concatenate([T, [0.5, 38.0, 39.0, 39.0, 39.0]])
jobs, refs = [], {}
JOBS = os.path.join(tempfile.gettempdir(), "retention_wide_edge_jobs.txt")
for i, (rr, al, a, b) in enumerate([(0.243, 4.414, 1.0, 2.426), (0.243, 4.414, 3.5, 0.4), (2.0, 1.0, 0.05, 0.05), (0.243, 4.414, 0.793, 2.426)]):
    for h in (0.5, 52.0, 1000.0, 1e5):
        bgf = BetaGeoFitter(); bgf.params_ = pd.Series(dict(r=rr, alpha=al, a=a, b=b))
        try:
            e = np.asarray(bgf.conditional_expected_number_of_purchases_up_to_time(h, f, r, T), float)
        except Exception as ex:
            e = np.full(len(f), np.nan)
        name = f"e{i}_h{h:g}"
        refs[name] = e
        jobs.append(f"JOB BG {name} 5\n" + "\n".join(" ".join(repr(float(v)) for v in l) for l in (f, r, T, [h], [rr, al, a, b])) + "\n")
open(JOBS, "w").write("".join(jobs))
out = subprocess.run([os.environ.get("RETENTION_WIDE_BIN", "/tmp/reference-wide/target/release/retention_wide"), JOBS], capture_output=True, text=True).stdout
ours = {}
for line in out.splitlines():
    k, _, rest = line.partition(" "); n, _, key = k.rpartition("."); ours.setdefault(n, {})[key] = rest
for n, e in refs.items():
    u = ours[n]
    if "exp_at_ref" not in u:
        print(n, "crate:", {k: v[:150] for k, v in u.items() if "error" in k}, "ref finite:", np.isfinite(e).sum()); continue
    cv = np.array([float(x) for x in u["exp_at_ref"].split()])
    fin = np.isfinite(e)
    rel = np.abs(cv - e)[fin] / np.maximum(np.abs(e[fin]), 1e-300)
    i = np.argmax(rel) if fin.any() else 0
    idx = np.where(fin)[0][i] if fin.any() else 0
    print(f"{n}: ref non-finite {(~fin).sum()}, max rel {rel.max() if fin.any() else float('nan'):.2e} at customer {idx} (x={f[idx]:g} tx={r[idx]:g} T={T[idx]:g}) crate {cv[idx]!r} ref {e[idx]!r}")
# Gamma-Gamma q < 1
ggf = GammaGammaFitter(); ggf.params_ = pd.Series(dict(p=2.0, q=0.8, v=10.0))
print("GG q=0.8 lifetimes conditional spend (x=2, m=30):", float(np.asarray(ggf.conditional_expected_average_profit(pd.Series([2]), pd.Series([30.0])))[0]))
