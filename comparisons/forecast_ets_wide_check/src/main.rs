//! Crate side of comparisons/forecast_ets_wide_check.py. Reads `name,period,h,v1,...` (whole
//! series; the last h values are held out) and writes one record per line, comma separated,
//! floats in Rust's round-trip `{:?}` form:
//!   auto,series,form,status,loglik,aicc        every AutoEts candidate, in its order
//!   autobest,series,form,aicc,loglik           AutoEts's choice
//!   autov / autovbest,series,variant,...       the same for variants of the search: `rev` (every
//!                                              type list reversed), `addonly` (additive errors),
//!                                              `p1` (AutoEts::new(1): no season)
//!   direct,series,form,status,loglik,aicc,sigma2,alpha,beta,gamma,phi,level,trend,n,season...
//!   fitted,series,form,v...                    one-step fitted values of spec.fit
//!   point,series,form,v...                     point_forecast(h)
//!   analytic,series,form,level,status,lo...,hi...  predict(h, [0.8, 0.95])
//!   pmean,series,form,status,mean...           predict(h, ..).mean
//!   sim,series,form,what,v...                  simulation(h, PATHS, SEED): mean, var, q0.025,
//!                                              q0.1, q0.9, q0.975
//! Status is `ok` or the error (commas removed).
use revops::forecast::{AutoEts, ErrorType, EtsModel, EtsSpec, SeasonType, TrendType};
use std::time::Instant;

const PATHS: usize = 20_000;
const SEED: u64 = 20240601;

fn form(s: &EtsSpec) -> String {
    let e = match s.error {
        ErrorType::Additive => "A",
        ErrorType::Multiplicative => "M",
    };
    let t = match s.trend {
        TrendType::None => "N",
        TrendType::Additive => "A",
        TrendType::Damped => "Ad",
    };
    let z = match s.season {
        SeasonType::None => "N",
        SeasonType::Additive => "A",
        SeasonType::Multiplicative => "M",
    };
    format!("{e}/{t}/{z}")
}

fn join(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(",")
}

fn clean<E: std::fmt::Debug>(e: &E) -> String {
    format!("{e:?}").replace([',', '\n'], ";")
}

fn main() {
    let path = std::env::args().nth(1).expect("series file");
    let only: Option<String> = std::env::args().nth(2);
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines() {
        let f: Vec<&str> = line.trim().split(',').collect();
        if f.len() < 4 {
            continue;
        }
        let name = f[0];
        if let Some(o) = &only {
            if o != name {
                continue;
            }
        }
        let m: usize = f[1].parse().unwrap();
        let h: usize = f[2].parse().unwrap();
        let y: Vec<f64> = f[3..].iter().map(|v| v.parse().unwrap()).collect();
        let train = &y[..y.len() - h];
        let t0 = Instant::now();
        match AutoEts::new(m).fit(train) {
            Ok(fit) => {
                for c in fit.candidates() {
                    match &c.fit {
                        Ok(md) => {
                            println!("auto,{name},{},ok,{:?},{:?}", form(&c.spec), md.log_likelihood(), md.aicc())
                        }
                        Err(e) => println!("auto,{name},{},{},NaN,NaN", form(&c.spec), clean(e)),
                    }
                }
                let b = fit.best();
                println!("autobest,{name},{},{:?},{:?}", form(&b.spec()), b.aicc(), b.log_likelihood());
            }
            Err(e) => println!("autobest,{name},ERR {},NaN,NaN", clean(&e)),
        }
        // the same search in another family order, restricted to additive errors, and without a season
        let variants = [
            (
                "rev",
                AutoEts::new(m)
                    .errors(&[ErrorType::Multiplicative, ErrorType::Additive])
                    .trends(&[TrendType::Damped, TrendType::Additive, TrendType::None])
                    .seasons(&[SeasonType::Multiplicative, SeasonType::Additive, SeasonType::None]),
            ),
            ("addonly", AutoEts::new(m).errors(&[ErrorType::Additive])),
            ("p1", AutoEts::new(1)),
        ];
        for (v, search) in variants {
            match search.fit(train) {
                Ok(fit) => {
                    for c in fit.candidates() {
                        match &c.fit {
                            Ok(md) => println!(
                                "autov,{name},{v},{},ok,{:?},{:?}",
                                form(&c.spec),
                                md.log_likelihood(),
                                md.aicc()
                            ),
                            Err(e) => println!("autov,{name},{v},{},{},NaN,NaN", form(&c.spec), clean(e)),
                        }
                    }
                    let b = fit.best();
                    println!("autovbest,{name},{v},{},{:?},{:?}", form(&b.spec()), b.aicc(), b.log_likelihood());
                }
                Err(e) => println!("autovbest,{name},{v},ERR {},NaN,NaN", clean(&e)),
            }
        }
        let t_auto = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        for error in [ErrorType::Additive, ErrorType::Multiplicative] {
            for trend in [TrendType::None, TrendType::Additive, TrendType::Damped] {
                for season in [SeasonType::None, SeasonType::Additive, SeasonType::Multiplicative] {
                    let spec = EtsSpec { error, trend, season, period: m };
                    let fm = form(&spec);
                    if let Err(e) = spec.admissible(train) {
                        println!("direct,{name},{fm},inadmissible {},NaN,NaN", clean(&e));
                        continue;
                    }
                    match spec.fit(train) {
                        Ok(md) => report(name, &fm, &md, h),
                        Err(e) => println!("direct,{name},{fm},{},NaN,NaN", clean(&e)),
                    }
                }
            }
        }
        eprintln!("{name}: auto {t_auto:.2}s, direct+forecasts {:.2}s", t1.elapsed().as_secs_f64());
    }
}

fn report(name: &str, fm: &str, md: &EtsModel, h: usize) {
    let p = md.params();
    println!(
        "direct,{name},{fm},ok,{:?},{:?},{:?},{:?},{:?},{:?},{:?},{:?},{:?},{},{}",
        md.log_likelihood(),
        md.aicc(),
        md.sigma2(),
        p.alpha,
        p.beta,
        p.gamma,
        p.phi,
        md.level(),
        md.trend(),
        md.n(),
        join(md.season())
    );
    println!("fitted,{name},{fm},{}", join(md.fitted()));
    match md.point_forecast(h) {
        Ok(v) => println!("point,{name},{fm},{}", join(&v)),
        Err(e) => println!("point,{name},{fm},ERR {}", clean(&e)),
    }
    match md.predict(h, &[0.8, 0.95]) {
        Ok(pr) => {
            println!("pmean,{name},{fm},ok,{}", join(&pr.mean));
            for iv in &pr.intervals {
                println!("analytic,{name},{fm},{:?},ok,{},{}", iv.level, join(&iv.lower), join(&iv.upper));
            }
        }
        Err(e) => println!("pmean,{name},{fm},{}", clean(&e)),
    }
    match md.simulation(h, PATHS, SEED) {
        Ok(s) => {
            println!("sim,{name},{fm},mean,{}", join(&s.mean()));
            println!("sim,{name},{fm},var,{}", join(&s.variance().unwrap()));
            for q in [0.025, 0.1, 0.9, 0.975] {
                match s.quantile(q) {
                    Ok(v) => println!("sim,{name},{fm},q{q},{}", join(&v)),
                    Err(e) => println!("sim,{name},{fm},q{q}ERR {}", clean(&e)),
                }
            }
        }
        Err(e) => println!("sim,{name},{fm},ERR {}", clean(&e)),
    }
}
