"""Public series that ship inside statsmodels and statsforecast, shared by the forecast comparison
scripts. Each loader returns (name, period, values).

- AirPassengers: statsforecast.utils.AirPassengers (monthly, 1949-1960, 144 points).
- elec_equip: statsmodels.datasets.elec_equip (monthly euro-area electrical equipment orders).
- austourists, oildata: the fpp2 series embedded in statsmodels' own ETS tests
  (statsmodels/tsa/tests/test_exponential_smoothing.py), quarterly and yearly.
- macrodata: statsmodels.datasets.macrodata (quarterly US macro series, 1959-2009).
- co2: statsmodels.datasets.co2 (weekly Mauna Loa CO2, averaged to months).
- elnino: statsmodels.datasets.elnino (monthly sea surface temperatures, 1950-2010).
- sunspots: statsmodels.datasets.sunspots (yearly).
"""
import ast
import pathlib

import numpy as np


def _fixture_list(name):
    import statsmodels.tsa.tests as t

    src = (pathlib.Path(t.__file__).parent / "test_exponential_smoothing.py").read_text()
    tree = ast.parse(src)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and stmt.targets[0].id == "data":
                    return [float(ast.literal_eval(e)) for e in stmt.value.elts]
    raise KeyError(name)


def air_passengers():
    from statsforecast.utils import AirPassengers

    return "AirPassengers", 12, [float(v) for v in AirPassengers]


def elec_equip():
    import statsmodels.datasets.elec_equip as e

    return "elec_equip", 12, [float(v) for v in e.load().data.iloc[:, 0]]


def austourists():
    return "austourists", 4, _fixture_list("austourists")


def oildata():
    return "oildata", 1, _fixture_list("oildata")


def monthly():
    """Monthly series: AirPassengers, elec_equip, CO2 monthly means, El Nino by decade, and
    rolling slices of the longer ones (each slice is its own series)."""
    import statsmodels.datasets.co2 as co2
    import statsmodels.datasets.elnino as elnino

    out = [air_passengers(), elec_equip()]
    c = co2.load().data["co2"].resample("MS").mean().interpolate()
    cv = [float(v) for v in c.values]
    for i, start in enumerate(range(0, len(cv) - 144, 72)):
        out.append((f"co2[{start}:{start + 144}]", 12, cv[start : start + 144]))
    e = elnino.load().data
    ev = [float(v) for v in e.iloc[:, 1:].values.reshape(-1)]
    for start in range(0, len(ev) - 120, 120):
        out.append((f"elnino[{start}:{start + 120}]", 12, ev[start : start + 120]))
    ee = elec_equip()[2]
    for start in range(0, len(ee) - 120, 60):
        out.append((f"elec_equip[{start}:{start + 120}]", 12, ee[start : start + 120]))
    return out


def quarterly():
    """Quarterly series: austourists and every macrodata column that is strictly positive, plus
    two 80-quarter halves of each."""
    import statsmodels.datasets.macrodata as macro

    out = [austourists()]
    d = macro.load_pandas().data
    for col in ["realgdp", "realcons", "realinv", "realgovt", "realdpi", "cpi", "m1", "tbilrate", "unemp", "pop"]:
        v = [float(x) for x in d[col].values]
        out.append((f"macro.{col}", 4, v))
        out.append((f"macro.{col}[0:100]", 4, v[:100]))
        out.append((f"macro.{col}[100:]", 4, v[100:]))
    return out
