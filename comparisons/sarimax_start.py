"""statsforecast's ARIMA coefficients as statsmodels SARIMAX start parameters, for the scripts
that refit a form from statsforecast's optimum (forecast_arima_wide.py, edge_check/).

statsforecast lists AR, MA, seasonal AR, seasonal MA, then the mean (or drift); SARIMAX with
`trend="c"` takes the intercept first, which is the mean times the AR polynomials at 1 (and
the drift, scaled by the differencing, with one difference)."""


def start_params(sf_coef, p, q, P, D, m, constant):
    """SARIMAX's start parameters (without σ², for `concentrate_scale=True`)."""
    x = list(sf_coef)
    start = x[:-1] if constant else x
    if constant:
        ar, sar = x[:p], x[p + q:p + q + P]
        start = [x[-1] * (m ** D if D else 1) * (1 - sum(ar)) * (1 - sum(sar))] + start
    return start
