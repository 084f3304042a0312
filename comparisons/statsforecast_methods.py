"""statsforecast's models of the methods beside ETS, each with the crate's label, shared by the
scripts that compare them (forecast_methods_reference.py, forecast_methods_wide.py)."""
from statsforecast.models import (
    TSB,
    CrostonClassic,
    CrostonSBA,
    Naive,
    OptimizedTheta,
    RandomWalkWithDrift,
    SeasonalNaive,
    Theta,
)


def benchmarks_and_theta(m):
    """(label, model) for the benchmarks and both Theta methods at season length `m`."""
    return [
        ("Naive", Naive()),
        ("SNaive", SeasonalNaive(season_length=m)),
        ("Drift", RandomWalkWithDrift()),
        ("Theta", Theta(season_length=m)),
        ("OptimisedTheta", OptimizedTheta(season_length=m)),
    ]


def intermittent():
    """(label, model) for Croston, SBA and TSB (α_d 0.2, α_p 0.1)."""
    return [("Croston", CrostonClassic()), ("SBA", CrostonSBA()), ("TSB", TSB(alpha_d=0.2, alpha_p=0.1))]
