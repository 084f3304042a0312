//! The unit-root and seasonality tests AutoARIMA chooses its differences by, as statsforecast
//! 2.1.1 runs them: the KPSS level test (Kwiatkowski et al. 1992) at 5% with
//! `⌊3√n / 13⌋` Bartlett lags, and the seasonal strength `1 − Var(R) / Var(R + S)` of an STL
//! decomposition (Cleveland et al. 1990; statsmodels' STL with a seasonal window of 11 and a
//! degree-0 seasonal smoother, as statsforecast's `mstl`) above 0.64.

/// The 5% critical value of the KPSS level statistic (Kwiatkowski et al. 1992, table 1;
/// statsmodels interpolates its p-value in that table, so p < 0.05 exactly when the statistic
/// is above it).
const KPSS_5PCT: f64 = 0.463;

pub(super) fn is_constant(x: &[f64]) -> bool {
    x.iter().all(|v| *v == x[0])
}

/// The KPSS level statistic with `⌊3√n/13⌋` lags.
fn kpss(x: &[f64]) -> f64 {
    let n = x.len();
    let mean = x.iter().sum::<f64>() / n as f64;
    let e: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let mut s = 0.0;
    let eta = e
        .iter()
        .map(|v| {
            s += v;
            s * s
        })
        .sum::<f64>()
        / (n * n) as f64;
    let lags = ((3.0 * (n as f64).sqrt() / 13.0).floor() as usize).min(n.saturating_sub(1));
    let mut s_hat: f64 = e.iter().map(|v| v * v).sum();
    for i in 1..=lags {
        let prod: f64 = e[i..].iter().zip(&e[..n - i]).map(|(a, b)| a * b).sum();
        s_hat += 2.0 * prod * (1.0 - i as f64 / (lags as f64 + 1.0));
    }
    eta / (s_hat / n as f64)
}

/// Differences by repeated KPSS tests, at most `max_d`. As statsforecast's `ndiffs`, each
/// difference also drops the first differenced value.
pub(super) fn ndiffs(x: &[f64], max_d: usize) -> usize {
    let mut x = x.to_vec();
    let mut d = 0;
    if x.len() < 2 || is_constant(&x) {
        return 0;
    }
    let mut dodiff = kpss(&x) > KPSS_5PCT;
    while dodiff && d < max_d {
        d += 1;
        x = x.windows(2).skip(1).map(|w| w[1] - w[0]).collect();
        if x.len() < 2 {
            return d - 1;
        }
        if is_constant(&x) {
            return d;
        }
        dodiff = kpss(&x) > KPSS_5PCT;
    }
    d
}

/// Seasonal differences (0 or 1) by the seasonal strength of an STL decomposition.
pub(super) fn nsdiffs(x: &[f64], m: usize) -> usize {
    if is_constant(x) || m < 2 || m >= x.len() {
        return 0;
    }
    usize::from(seasonal_strength(x, m) > 0.64)
}

fn variance(x: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = x.clone().count() as f64;
    let mean = x.clone().sum::<f64>() / n;
    x.map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
}

/// `max(0, min(1, 1 − Var(R)/Var(R + S)))` of the STL decomposition.
pub(super) fn seasonal_strength(x: &[f64], m: usize) -> f64 {
    let (season, trend) = stl(x, m);
    let rem = x.iter().zip(&season).zip(&trend).map(|((y, s), t)| y - s - t);
    let vr = variance(rem.clone());
    let vrs = variance(rem.zip(&season).map(|(r, s)| r + s));
    let s = 1.0 - vr / vrs;
    if s.is_nan() {
        0.0
    } else {
        s.clamp(0.0, 1.0)
    }
}

/// statsmodels' STL (period m, seasonal window 11 of degree 0, trend and low-pass windows by
/// its defaults of degree 1, jumps of 1, not robust: 5 inner passes): (season, trend).
fn stl(y: &[f64], np: usize) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    let ns = 11usize;
    let mut nt = (1.5 * np as f64 / (1.0 - 1.5 / ns as f64)).ceil() as usize;
    nt += usize::from(nt.is_multiple_of(2));
    let nl = np + 1 + usize::from((np + 1).is_multiple_of(2));
    let mut trend = vec![0.0; n];
    let mut season = vec![0.0; n];
    let mut c = vec![0.0; n + 2 * np];
    let mut detrended = vec![0.0; n];
    let mut low = vec![0.0; n];
    let mut sub = Vec::new();
    let mut smooth = Vec::new();
    for _ in 0..5 {
        for i in 0..n {
            detrended[i] = y[i] - trend[i];
        }
        // cycle-subseries smoothing, extended one period at each end
        for j in 0..np {
            let k = (n - (j + 1)) / np + 1;
            sub.clear();
            sub.extend((0..k).map(|i| detrended[i * np + j]));
            smooth.clear();
            smooth.resize(k + 2, 0.0);
            ess(&sub, ns, 0, &mut smooth[1..k + 1]);
            smooth[0] = est(&sub, ns, 0, 0.0, 1, ns.min(k)).unwrap_or(smooth[1]);
            smooth[k + 1] = est(&sub, ns, 0, (k + 1) as f64, (k + 1).saturating_sub(ns).max(1), k).unwrap_or(smooth[k]);
            for (mi, v) in smooth.iter().enumerate() {
                c[mi * np + j] = *v;
            }
        }
        // low-pass: moving averages of np, np and 3, then loess
        let a = moving_average(&c, np);
        let b = moving_average(&a, np);
        let lp = moving_average(&b, 3);
        ess(&lp, nl, 1, &mut low);
        for i in 0..n {
            season[i] = c[np + i] - low[i];
            detrended[i] = y[i] - season[i];
        }
        ess(&detrended, nt, 1, &mut trend);
    }
    (season, trend)
}

fn moving_average(x: &[f64], len: usize) -> Vec<f64> {
    let mut v: f64 = x[..len].iter().sum();
    let mut out = Vec::with_capacity(x.len() - len + 1);
    out.push(v / len as f64);
    for j in 1..x.len() - len + 1 {
        v += x[j + len - 1] - x[j - 1];
        out.push(v / len as f64);
    }
    out
}

/// Loess of `y` at every point (jump 1) with a window of `len` and degree `deg`.
fn ess(y: &[f64], len: usize, deg: usize, ys: &mut [f64]) {
    let n = y.len();
    if n < 2 {
        ys[0] = y[0];
        return;
    }
    if len >= n {
        for i in 0..n {
            ys[i] = est(y, len, deg, (i + 1) as f64, 1, n).unwrap_or(y[i]);
        }
        return;
    }
    let nsh = (len + 2) / 2;
    let (mut nleft, mut nright) = (1, len);
    for i in 0..n {
        if i + 1 > nsh && nright != n {
            nleft += 1;
            nright += 1;
        }
        ys[i] = est(y, len, deg, (i + 1) as f64, nleft, nright).unwrap_or(y[i]);
    }
}

/// The loess estimate at `xs` (1-based) from points `nleft..=nright` (1-based), tricube
/// weights; `None` when no point has weight.
fn est(y: &[f64], len: usize, deg: usize, xs: f64, nleft: usize, nright: usize) -> Option<f64> {
    let n = y.len();
    let range = n as f64 - 1.0;
    let mut h = (xs - nleft as f64).max(nright as f64 - xs);
    if len > n {
        h += ((len - n) / 2) as f64;
    }
    let (h9, h1) = (0.999 * h, 0.001 * h);
    let mut w = vec![0.0; nright + 1 - nleft];
    let mut a = 0.0;
    for (idx, j) in (nleft..=nright).enumerate() {
        let r = (j as f64 - xs).abs();
        if r <= h9 {
            w[idx] = if r <= h1 { 1.0 } else { (1.0 - (r / h).powi(3)).powi(3) };
            a += w[idx];
        }
    }
    if a <= 0.0 {
        return None;
    }
    w.iter_mut().for_each(|v| *v /= a);
    if h > 0.0 && deg > 0 {
        let a: f64 = (nleft..=nright).zip(&w).map(|(j, wj)| wj * j as f64).sum();
        let c: f64 = (nleft..=nright).zip(&w).map(|(j, wj)| wj * (j as f64 - a).powi(2)).sum();
        if c.sqrt() > 0.001 * range {
            let b = (xs - a) / c;
            for (j, wj) in (nleft..=nright).zip(w.iter_mut()) {
                *wj *= b * (j as f64 - a) + 1.0;
            }
        }
    }
    Some((nleft..=nright).zip(&w).map(|(j, wj)| wj * y[j - 1]).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_random_walk_needs_a_difference_and_white_noise_none() {
        // a deterministic pseudo-random sequence
        let mut s = 12345u64;
        let mut noise = || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let e: Vec<f64> = (0..200).map(|_| noise()).collect();
        let walk: Vec<f64> = e
            .iter()
            .scan(0.0, |a, v| {
                *a += v;
                Some(*a)
            })
            .collect();
        assert_eq!(ndiffs(&e, 2), 0);
        assert_eq!(ndiffs(&walk, 2), 1);
        let seasonal: Vec<f64> = (0..120).map(|t| 10.0 * ((t % 12) as f64 - 5.5).abs() + e[t]).collect();
        assert_eq!(nsdiffs(&seasonal, 12), 1);
        assert_eq!(nsdiffs(&e[..120], 12), 0);
    }
}

#[cfg(test)]
mod reference {
    use super::*;

    fn series(name: &str) -> Vec<f64> {
        let path = format!("{}/tests/data/{name}.csv", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.parse().unwrap())
            .collect()
    }

    #[test]
    fn strength_and_differences_match_statsforecast() {
        // statsforecast 2.1.1: statsforecast.arima.seas_heuristic(y, m), nsdiffs(y, period=m)
        // and ndiffs(dx) on the seasonally differenced series (comparisons/forecast_data.py loads
        // the series)
        for (name, m, strength, sd, d) in [
            ("AirPassengers", 12, 0.9410288793899182, 1, 1),
            ("austourists", 4, 0.9760947943509264, 1, 0),
            ("oildata", 1, f64::NAN, 0, 1),
            ("elec_equip", 12, 0.9541233640100701, 1, 1),
        ] {
            let y = series(name);
            if m > 1 {
                assert!((seasonal_strength(&y, m) - strength).abs() < 1e-12, "{name}");
                assert_eq!(nsdiffs(&y, m), sd, "{name}");
            }
            let dx: Vec<f64> = if sd == 1 { y.windows(m + 1).map(|w| w[m] - w[0]).collect() } else { y.clone() };
            assert_eq!(ndiffs(&dx, 2), d, "{name}");
        }
    }
}
