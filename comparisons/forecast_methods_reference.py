"""statsforecast's forecasts for the methods beside ETS, on AirPassengers and austourists (the
seasonal benchmarks and Theta) and on a fixed intermittent demand series (Croston, SBA, TSB).
Writes CSV to stdout: series, method, step, mean, lo-80, hi-80, lo-95, hi-95 (empty where
statsforecast gives no interval). tests/data/statsforecast_methods.csv is this script's output.
"""
import sys
import warnings

import numpy as np
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import forecast_data as data  # noqa: E402
import statsforecast_methods as methods  # noqa: E402

warnings.filterwarnings("ignore")

# monthly seats bought by one account (zeros where none): written here, not from a package
INTERMITTENT = [0, 0, 5, 0, 0, 0, 3, 0, 6, 0, 0, 4, 0, 0, 0, 0, 7, 0, 2, 0, 0, 5, 0, 0, 0, 3, 0, 0, 4, 0, 0, 0, 6, 0, 0, 2]


def main():
    print("series,method,step,mean,lo80,hi80,lo95,hi95")
    rows = []
    for name, m, y in [data.air_passengers(), data.austourists()]:
        y = np.asarray(y, dtype=float)
        for label, model in methods.benchmarks_and_theta(m):
            rows.append((name, label, model.forecast(y=y, h=m, level=[80, 95])))
    y = np.asarray(INTERMITTENT, dtype=float)
    for label, model in methods.intermittent():
        rows.append(("intermittent", label, model.forecast(y=y, h=3)))
    for name, label, f in rows:
        for k, mean in enumerate(f["mean"]):
            bounds = [f.get(key) for key in ("lo-80", "hi-80", "lo-95", "hi-95")]
            cells = ["" if b is None else repr(float(b[k])) for b in bounds]
            print(f"{name},{label},{k + 1},{float(mean)!r}," + ",".join(cells))


if __name__ == "__main__":
    main()
