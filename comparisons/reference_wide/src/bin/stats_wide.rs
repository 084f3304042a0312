//! Crate side of comparisons/stats_wide.py. `stats_wide <mode> <files…>`; prints `key values…`
//! lines, or `key ERR <error>` when the crate refuses.
use revops::stats::*;
use std::fs;

fn read(path: &str) -> Vec<Vec<f64>> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse::<f64>().unwrap()).collect())
        .collect()
}
fn out<I: IntoIterator<Item = f64>>(k: &str, v: I) {
    let s: Vec<String> = v.into_iter().map(|x| format!("{:.17e}", x)).collect();
    println!("{k} {}", s.join(" "));
}
fn err<E: std::fmt::Debug>(k: &str, e: E) {
    println!("{k} ERR {e:?}");
}

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    match a[0].as_str() {
        "logit" => {
            let d = read(&a[1]);
            let l2: f64 = a[2].parse().unwrap();
            let tol: f64 = a[3].parse().unwrap();
            let iters: usize = a[4].parse().unwrap();
            let p = d[0].len() - 1;
            let rows: Vec<f64> = d.iter().flat_map(|r| r[..p].to_vec()).collect();
            let y: Vec<bool> = d.iter().map(|r| r[p] == 1.0).collect();
            let spec = LogisticSpec { l2, max_iterations: iters, tolerance: tol };
            match spec.fit(&rows, p, &y) {
                Ok(f) => {
                    out("beta", std::iter::once(f.model.intercept()).chain(f.model.coefficients().iter().copied()));
                    out("iterations", [f.iterations as f64]);
                    out("loglik", [f.log_likelihood]);
                    let mut pr = Vec::new();
                    f.model.probabilities_into(&rows, &mut pr).unwrap();
                    out("prob", pr);
                    out("ll_model", [f.model.log_likelihood(&rows, &y).unwrap()]);
                }
                Err(e) => err("beta", e),
            }
        }
        "iso" | "platt" => {
            let d = read(&a[1]);
            let t = read(&a[2]);
            let s: Vec<f64> = d.iter().map(|r| r[0]).collect();
            let y: Vec<bool> = d.iter().map(|r| r[1] == 1.0).collect();
            let ts: Vec<f64> = t.iter().map(|r| r[0]).collect();
            if a[0] == "iso" {
                match IsotonicCalibrator::fit(&s, &y) {
                    Ok(c) => {
                        out("thresholds", c.thresholds().to_vec());
                        out("values", c.values().to_vec());
                        out("cal", ts.iter().map(|x| c.calibrate(*x).unwrap()));
                    }
                    Err(e) => err("thresholds", e),
                }
            } else {
                match PlattCalibrator::fit(&s, &y) {
                    Ok(c) => {
                        out("ab", [c.a(), c.b()]);
                        out("cal", ts.iter().map(|x| c.calibrate(*x).unwrap()));
                    }
                    Err(e) => err("ab", e),
                }
            }
        }
        "metrics" => {
            let d = read(&a[1]);
            let bins: usize = a[2].parse().unwrap();
            let p: Vec<f64> = d.iter().map(|r| r[0]).collect();
            let y: Vec<bool> = d.iter().map(|r| r[1] == 1.0).collect();
            match auc(&p, &y) { Ok(v) => out("auc", [v]), Err(e) => err("auc", e) }
            match brier_score(&p, &y) { Ok(v) => out("brier", [v]), Err(e) => err("brier", e) }
            match log_loss(&p, &y) { Ok(v) => out("logloss", [v]), Err(e) => err("logloss", e) }
            match expected_calibration_error(&p, &y, bins) { Ok(v) => out("ece", [v]), Err(e) => err("ece", e) }
            match reliability_bins(&p, &y, bins) {
                Ok(b) => {
                    out("bin_count", b.iter().map(|x| x.count as f64));
                    out("bin_pred", b.iter().map(|x| x.mean_predicted));
                    out("bin_obs", b.iter().map(|x| x.observed));
                }
                Err(e) => err("bin_count", e),
            }
        }
        "ols" => {
            let d = read(&a[1]);
            let x: Vec<f64> = d.iter().map(|r| r[0]).collect();
            let y: Vec<f64> = d.iter().map(|r| r[1]).collect();
            match ols(&x, &y) {
                Some(o) => out("ols", [o.intercept, o.slope, o.slope_se, o.n as f64]),
                None => println!("ols ERR None"),
            }
        }
        "std" => {
            let d = read(&a[1]);
            let p = d[0].len();
            let rows: Vec<f64> = d.iter().flat_map(|r| r.clone()).collect();
            match standardisation(&rows, p) {
                Ok((m, s)) => {
                    out("means", m);
                    out("scales", s);
                }
                Err(e) => err("means", e),
            }
        }
        "aicc" => {
            let ll: f64 = a[1].parse().unwrap();
            out("aicc", [aicc(ll, a[2].parse().unwrap(), a[3].parse().unwrap())]);
        }
        m => panic!("mode {m}"),
    }
}
