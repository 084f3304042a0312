"""The forecast comparison's series set: every distinct real monthly and quarterly series that
ships inside statsmodels 0.15.0 and statsforecast 2.1.1 (no network). Each loader returns a list
of (name, period, values); every series is a whole, contiguous run of observations (no slices of
one series counted twice, no interpolation except where said).

Monthly (period 12):
- AirPassengers: statsforecast.utils.AirPassengers (1949-1960, 144 points).
- elec_equip: statsmodels.datasets.elec_equip (euro-area electrical equipment orders, 1996-2012).
- co2: statsmodels.datasets.co2 (weekly Mauna Loa CO2, 1958-2001), averaged to calendar months,
  the few months with no reading filled by linear interpolation.
- elnino: statsmodels.datasets.elnino (sea surface temperature, 1950-2010), its twelve month
  columns read row by row as one monthly series. (Each column alone is a yearly series, one
  calendar month across 61 years, so the columns are not used as separate monthly series.)
- HOUSTNSA: US housing starts, not seasonally adjusted, 1959-2018, the file
  statsmodels/tsa/holtwinters/tests/results/housing-data.csv.
- fred.<ID>: the monthly columns of the FRBNY nowcasting vintage 2016-06-29
  (statsmodels/tsa/statespace/tests/results/frbny_nowcast/Nowcasting/data/US/2016-06-29.csv;
  FRED series, mostly seasonally adjusted, 1985-2016): each column's contiguous run of
  observations up to its last one; columns with fewer than 72 monthly observations are left out.

Quarterly (period 4):
- austourists: fpp2's international tourist visitor nights in Australia (1999-2015), embedded in
  statsmodels/tsa/tests/test_exponential_smoothing.py.
- macro.<col>: statsmodels.datasets.macrodata, all twelve columns (US, 1959Q1-2009Q3).
- danish.<col>: statsmodels.datasets.danish_data, all five columns (Denmark, 1974Q1-1987Q3).
- interest_inflation.<col>: statsmodels.datasets.interest_inflation (Germany, 1972Q2-1998Q4).
- fred.<ID>: the quarterly columns of the FRBNY vintage above (GDPC1, ULCNFB,
  A261RX1Q020SBEA), one value per quarter.
"""
import os
import pathlib
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forecast_data  # noqa: E402

FRBNY = "tsa/statespace/tests/results/frbny_nowcast/Nowcasting/data/US/2016-06-29.csv"
FRBNY_QUARTERLY = ("GDPC1", "ULCNFB", "A261RX1Q020SBEA")


def _statsmodels_file(rel):
    import statsmodels

    return pathlib.Path(statsmodels.__file__).parent / rel


def _last_run(values):
    """The contiguous run of non-missing values that ends at the last observation."""
    v = np.asarray(values, float)
    ok = np.flatnonzero(~np.isnan(v))
    if len(ok) == 0:
        return []
    end = ok[-1] + 1
    start = end
    while start > 0 and not np.isnan(v[start - 1]):
        start -= 1
    return [float(x) for x in v[start:end]]


def _frbny():
    return pd.read_csv(_statsmodels_file(FRBNY))


def monthly():
    import statsmodels.datasets.co2 as co2
    import statsmodels.datasets.elnino as elnino

    out = [forecast_data.air_passengers(), forecast_data.elec_equip()]
    c = co2.load().data["co2"].resample("MS").mean().interpolate()
    out.append(("co2", 12, [float(v) for v in c.values]))
    e = elnino.load().data
    out.append(("elnino", 12, [float(v) for v in e.iloc[:, 1:13].values.reshape(-1)]))
    h = pd.read_csv(_statsmodels_file("tsa/holtwinters/tests/results/housing-data.csv"))
    out.append(("HOUSTNSA", 12, [float(v) for v in h["HOUSTNSA"].values]))
    d = _frbny()
    for col in d.columns[1:]:
        if col in FRBNY_QUARTERLY:
            continue
        v = _last_run(d[col].values)
        if len(v) >= 72:
            out.append((f"fred.{col}", 12, v))
    return out


def quarterly():
    import statsmodels.datasets.danish_data as danish
    import statsmodels.datasets.interest_inflation as ii
    import statsmodels.datasets.macrodata as macro

    out = [forecast_data.austourists()]
    m = macro.load_pandas().data
    for col in m.columns[2:]:  # year, quarter, then the series
        out.append((f"macro.{col}", 4, [float(x) for x in m[col].values]))
    dd = danish.load_pandas().data
    for col in dd.columns:
        if col != "period":
            out.append((f"danish.{col}", 4, [float(x) for x in dd[col].values]))
    ie = ii.load_pandas().data
    for col in ("Dp", "R"):
        out.append((f"interest_inflation.{col}", 4, [float(x) for x in ie[col].values]))
    d = _frbny()
    for col in FRBNY_QUARTERLY:
        out.append((f"fred.{col}", 4, _last_run(d[col].dropna().values)))
    return out


def write_rows(fh):
    """Every series as a `name,period,held-out,values...` line, the held-out count its last year
    (12 months, 4 quarters): the format of tests/data/comparison_series.csv and of the wide
    checks' crate-side programs."""
    for name, m, y in monthly() + quarterly():
        h = 12 if m == 12 else 4
        fh.write(",".join([name, str(m), str(h)] + [repr(float(v)) for v in y]) + "\n")


if __name__ == "__main__":
    for name, period, y in monthly() + quarterly():
        print(f"{name:<28} {period:>2} {len(y):>4} {min(y):>12.4g} {max(y):>12.4g}")
