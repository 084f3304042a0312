//! The crate side of comparisons/retention_wide.py: reads jobs from a file, prints `name.key values…`.
//! Job header: `JOB KIND NAME NLINES`, then NLINES lines of whitespace-separated numbers.
use revops::retention::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

fn out(name: &str, key: &str, v: impl IntoIterator<Item = f64>) {
    let s: Vec<String> = v.into_iter().map(|x| format!("{x:e}")).collect();
    println!("{name}.{key} {}", s.join(" "));
}
fn subj(t: &[f64], e: &[f64]) -> Vec<Subject> {
    t.iter().zip(e).map(|(&time, &ev)| Subject { time, event: ev != 0.0 }).collect()
}

fn run(kind: &str, name: &str, l: &[Vec<f64>]) -> Result<(), String> {
    let e = |x: RetentionError| format!("{x:?}");
    match kind {
        "KM" => {
            // l0 = [confidence], l1 times, l2 events
            let km = KaplanMeier::fit(&subj(&l[1], &l[2]), l[0][0]).map_err(e)?;
            out(name, "time", km.steps().iter().map(|s| s.time));
            out(name, "at_risk", km.steps().iter().map(|s| s.at_risk as f64));
            out(name, "events", km.steps().iter().map(|s| s.events as f64));
            out(name, "survival", km.steps().iter().map(|s| s.survival));
            out(name, "se", km.steps().iter().map(|s| s.std_error));
            out(name, "lower", km.steps().iter().map(|s| s.lower));
            out(name, "upper", km.steps().iter().map(|s| s.upper));
            out(name, "median", [km.median().unwrap_or(f64::INFINITY)]);
            // survival_at on a grid l3 if present
            if l.len() > 3 {
                out(name, "grid", l[3].iter().map(|&t| km.survival_at(t)));
            }
        }
        "LR" => {
            let r = log_rank(&subj(&l[0], &l[1]), &subj(&l[2], &l[3])).map_err(e)?;
            out(name, "lr", [r.statistic, r.p_value]);
            out(name, "oe", [r.observed_a, r.expected_a]);
        }
        "BG" => {
            // l0 freq, l1 rec, l2 T, l3 [horizon], l4 ref params (r alpha a b)
            let d: Vec<Rfm> = (0..l[0].len())
                .map(|i| Rfm { frequency: l[0][i] as u32, recency: l[1][i], t: l[2][i] })
                .collect();
            let h = l[3][0];
            let p = &l[4];
            let refm = BgNbd::new(p[0], p[1], p[2], p[3]).map_err(e)?;
            // closed forms at the reference parameters
            let ll: Result<Vec<f64>, _> = d.iter().map(|x| refm.log_likelihood(x)).collect();
            match ll {
                Ok(v) => out(name, "ll_at_ref", [v.iter().sum::<f64>()]),
                Err(x) => println!("{name}.ll_at_ref_error {x:?}"),
            }
            let ex: Result<Vec<f64>, _> = d.iter().map(|x| refm.expected_purchases(x, h)).collect();
            match ex {
                Ok(v) => out(name, "exp_at_ref", v),
                Err(x) => println!("{name}.exp_at_ref_error {x:?}"),
            }
            let pa: Result<Vec<f64>, _> = d.iter().map(|x| refm.p_alive(x)).collect();
            match pa {
                Ok(v) => out(name, "palive_at_ref", v),
                Err(x) => println!("{name}.palive_at_ref_error {x:?}"),
            }
            let fit = BgNbd::fit(&d).map_err(e)?;
            let m = fit.model;
            out(name, "params", [m.r(), m.alpha(), m.a(), m.b()]);
            out(name, "loglik", [fit.log_likelihood]);
        }
        "GG" => {
            // l0 freq, l1 mean, l2 ref params p q v
            let d: Vec<SpendObservation> =
                (0..l[0].len()).map(|i| SpendObservation { frequency: l[0][i] as u32, mean: l[1][i] }).collect();
            let p = &l[2];
            let refm = GammaGamma::new(p[0], p[1], p[2]).map_err(e)?;
            let es: Result<Vec<f64>, _> = d.iter().map(|x| refm.expected_spend(x)).collect();
            match es {
                Ok(v) => out(name, "spend_at_ref", v),
                Err(x) => println!("{name}.spend_at_ref_error {x:?}"),
            }
            let m = GammaGamma::fit(&d).map_err(e)?;
            out(name, "params", [m.p(), m.q(), m.gamma()]);
        }
        "SBG" => {
            let alive: Vec<u64> = l[0].iter().map(|&x| x as u64).collect();
            let f = ShiftedBetaGeometric::fit(&alive).map_err(e)?;
            out(name, "params", [f.model.alpha(), f.model.beta()]);
            out(name, "loglik", [f.log_likelihood]);
            if l.len() > 1 {
                let (a, b) = (l[1][0], l[1][1]);
                out(name, "ll_at_ref", [sbg_log_likelihood(&alive, a, b).map_err(e)?]);
            }
        }
        _ => return Err(format!("unknown kind {kind}")),
    }
    Ok(())
}

fn main() {
    let path = std::env::args().nth(1).expect("job file");
    let text = std::fs::read_to_string(path).expect("read");
    let mut lines = text.lines();
    while let Some(h) = lines.next() {
        let f: Vec<&str> = h.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        assert_eq!(f[0], "JOB");
        let (kind, name, n) = (f[1], f[2], f[3].parse::<usize>().unwrap());
        let data: Vec<Vec<f64>> = (0..n)
            .map(|_| lines.next().unwrap().split_whitespace().map(|x| x.parse::<f64>().unwrap()).collect())
            .collect();
        let r = catch_unwind(AssertUnwindSafe(|| run(kind, name, &data)));
        match r {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => println!("{name}.error {}", msg.replace('\n', " ")),
            Err(p) => {
                let msg = p.downcast_ref::<String>().cloned().or(p.downcast_ref::<&str>().map(|s| s.to_string()));
                println!("{name}.panic {}", msg.unwrap_or_default().replace('\n', " "));
            }
        }
    }
}
