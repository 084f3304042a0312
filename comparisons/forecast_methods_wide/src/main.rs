//! Crate side of the wide methods check: reads series lines `name,period,h,v1,...` (file in argv[1]),
//! fits each method on the training part (less the last h) or the whole series (argv[2] == "whole"),
//! writes CSV: series,method,step,mean,lo80,hi80,lo95,hi95,p1,p2,sigma2
use revops::forecast::{Baseline, Intermittent, Prediction, Theta, ThetaKind};
use std::io::Write;

fn emit(out: &mut impl Write, name: &str, method: &str, p: &Prediction, p1: f64, p2: f64, s2: f64) {
    let (i80, i95) = (p.interval(0.8).unwrap(), p.interval(0.95).unwrap());
    for k in 0..p.mean.len() {
        writeln!(out, "{},{},{},{:e},{:e},{:e},{:e},{:e},{:e},{:e},{:e}", name, method, k + 1, p.mean[k],
            i80.lower[k], i80.upper[k], i95.lower[k], i95.upper[k], p1, p2, s2).unwrap();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).unwrap();
    let whole = args.get(2).map(|s| s == "whole").unwrap_or(false);
    let mut out = std::io::BufWriter::new(std::io::stdout());
    writeln!(out, "series,method,step,mean,lo80,hi80,lo95,hi95,p1,p2,sigma2").unwrap();
    let lv = [0.8, 0.95];
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        let name = f[0];
        let m: usize = f[1].parse().unwrap();
        let h: usize = f[2].parse().unwrap();
        let y: Vec<f64> = f[3..].iter().map(|v| v.parse().unwrap()).collect();
        let train = if whole { &y[..] } else { &y[..y.len() - h] };
        let hh = if h == 0 { 12 } else { h };
        for (label, b) in [("Naive", Baseline::Naive), ("SNaive", Baseline::SeasonalNaive { period: m }), ("Drift", Baseline::Drift)] {
            match b.fit(train) {
                Ok(fit) => { let p = fit.predict(hh, &lv).unwrap(); emit(&mut out, name, label, &p, f64::NAN, f64::NAN, fit.sigma2()); }
                Err(e) => eprintln!("{name} {label}: {e}"),
            }
        }
        for (label, kind) in [("Theta", ThetaKind::Standard), ("OptimisedTheta", ThetaKind::Optimised)] {
            match (Theta { kind, period: m }).fit(train) {
                Ok(fit) => { let p = fit.predict(hh, &lv).unwrap(); emit(&mut out, name, label, &p, fit.alpha(), fit.theta(), fit.sigma2());
                    eprintln!("{name} {label} adj={:?}", fit.adjustment()); }
                Err(e) => eprintln!("{name} {label}: {e}"),
            }
        }
        for (label, im) in [("Croston", Intermittent::Croston), ("SBA", Intermittent::Sba),
            ("TSB", Intermittent::Tsb { alpha_demand: 0.2, alpha_probability: 0.1 }),
            ("TSB_b", Intermittent::Tsb { alpha_demand: 0.5, alpha_probability: 0.3 })] {
            match im.fit(train) {
                Ok(fit) => { let p = fit.predict(hh, &lv).unwrap(); emit(&mut out, name, label, &p, fit.level(), f64::NAN, fit.sigma2()); }
                Err(e) => eprintln!("{name} {label}: {e}"),
            }
        }
    }
}
