//! Crate side of comparisons/edge_check/edge_check.py. Reads jobs from stdin, one a line:
//! `id<TAB>method<TAB>args(space-separated)<TAB>h<TAB>v1,v2,...` and writes one row per job:
//! `id status form loglik aicc sigma2 coefs mean lo80 hi80 lo95 hi95 error` (lists `;`-joined).
//! Methods: `autoets m [exact]`, `ets E T S m`, `autoarima m`, `arima p d q P D Q m c`,
//! `arimafixed p d q P D Q m c coef;coef;..`, `theta std|opt m`, `naive`, `snaive m`, `drift`,
//! `croston`, `sba`, `tsb a b`.
use revops::forecast::*;
use std::io::{BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

struct Out {
    form: String,
    ll: f64,
    aicc: f64,
    s2: f64,
    coefs: Vec<f64>,
    pred: Option<Prediction>,
    perr: String,
}

fn j(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(";")
}

fn ets_letter(s: &str) -> (ErrorType, TrendType, SeasonType) {
    let c: Vec<&str> = s.split(',').collect();
    let e = if c[0] == "A" { ErrorType::Additive } else { ErrorType::Multiplicative };
    let t = match c[1] { "N" => TrendType::None, "A" => TrendType::Additive, _ => TrendType::Damped };
    let se = match c[2] { "N" => SeasonType::None, "A" => SeasonType::Additive, _ => SeasonType::Multiplicative };
    (e, t, se)
}

fn ets_out(m: &EtsModel, h: usize) -> Out {
    let p = m.params();
    let mut coefs = vec![p.alpha, p.beta, p.gamma, p.phi, m.level(), m.trend()];
    coefs.extend_from_slice(m.season());
    let pr = m.predict_with(h, &[0.8, 0.95], 1);
    let (pred, perr) = match pr { Ok(p) => (Some(p), String::new()), Err(e) => (None, e.to_string()) };
    Out { form: m.spec().to_string(), ll: m.log_likelihood(), aicc: m.aicc(), s2: m.sigma2(), coefs, pred, perr }
}

fn arima_name(s: &ArimaSpec) -> String {
    let ((p, d, q), (sp, sd, sq, m)) = (s.order, s.seasonal);
    format!("{p},{d},{q},{sp},{sd},{sq},{m},{}", u8::from(s.constant))
}

fn arima_out(m: &ArimaModel, h: usize) -> Out {
    let pr = m.predict(h, &[0.8, 0.95]);
    let (pred, perr) = match pr { Ok(p) => (Some(p), String::new()), Err(e) => (None, e.to_string()) };
    Out { form: arima_name(&m.spec()), ll: m.log_likelihood(), aicc: m.aicc(), s2: m.sigma2(), coefs: m.coefficients(), pred, perr }
}

fn simple(form: &str, s2: f64, coefs: Vec<f64>, pr: Result<Prediction, ForecastError>) -> Out {
    let (pred, perr) = match pr { Ok(p) => (Some(p), String::new()), Err(e) => (None, e.to_string()) };
    Out { form: form.into(), ll: f64::NAN, aicc: f64::NAN, s2, coefs, pred, perr }
}

fn run(method: &str, a: &[&str], h: usize, y: &[f64]) -> Result<Out, ForecastError> {
    let u = |i: usize| a[i].parse::<usize>().unwrap();
    Ok(match method {
        "autoets" => {
            let mut s = AutoEts::new(u(0));
            if a.get(1) == Some(&"exact") { s = s.exact(); }
            ets_out(s.fit(y)?.best(), h)
        }
        "ets" => {
            let (error, trend, season) = ets_letter(a[0]);
            ets_out(&EtsSpec { error, trend, season, period: u(1) }.fit(y)?, h)
        }
        "autoarima" => arima_out(AutoArima::new(u(0)).fit(y)?.best(), h),
        "autoarima_cands" => {
            let fit = AutoArima::new(u(0)).fit(y)?;
            for c in fit.candidates() {
                match &c.fit {
                    Ok(m) => eprintln!("cand {} ll {:?} aicc {:?} coefs {:?}", arima_name(&c.spec), m.log_likelihood(), m.aicc(), m.coefficients()),
                    Err(e) => eprintln!("cand {} err {e}", arima_name(&c.spec)),
                }
            }
            arima_out(fit.best(), h)
        }
        "autoets_cands" => {
            let mut s = AutoEts::new(u(0));
            if a.get(1) == Some(&"exact") { s = s.exact(); }
            let fit = s.fit(y)?;
            for c in fit.candidates() {
                match &c.fit {
                    Ok(m) => eprintln!("cand {} ll {:?} aicc {:?} pruned {} params {:?}", c.spec, m.log_likelihood(), m.aicc(), c.pruned, m.params()),
                    Err(e) => eprintln!("cand {} err {e}", c.spec),
                }
            }
            ets_out(fit.best(), h)
        }
        "arima" | "arimafixed" => {
            let spec = ArimaSpec::new(u(0), u(1), u(2)).seasonal(u(3), u(4), u(5), u(6)).with_constant(u(7) != 0);
            let m = if method == "arima" {
                spec.fit(y)?
            } else {
                let c: Vec<f64> = a.get(8).copied().unwrap_or("").split(';').filter(|s| !s.is_empty()).map(|v| v.parse().unwrap()).collect();
                spec.fit_fixed(y, &c)?
            };
            arima_out(&m, h)
        }
        "theta" => {
            let kind = if a[0] == "std" { ThetaKind::Standard } else { ThetaKind::Optimised };
            let m = Theta { kind, period: u(1) }.fit(y)?;
            simple(&format!("{:?}", m.adjustment()), m.sigma2(), vec![m.alpha(), m.theta()], m.predict(h, &[0.8, 0.95]))
        }
        "naive" | "snaive" | "drift" => {
            let b = match method { "naive" => Baseline::Naive, "drift" => Baseline::Drift, _ => Baseline::SeasonalNaive { period: u(0) } };
            let m = b.fit(y)?;
            simple(method, m.sigma2(), vec![], m.predict(h, &[0.8, 0.95]))
        }
        "croston" | "sba" | "tsb" => {
            let b = match method {
                "croston" => Intermittent::Croston,
                "sba" => Intermittent::Sba,
                _ => Intermittent::Tsb { alpha_demand: a[0].parse().unwrap(), alpha_probability: a[1].parse().unwrap() },
            };
            let m = b.fit(y)?;
            simple(method, m.sigma2(), vec![m.level()], m.predict(h, &[0.8, 0.95]))
        }
        _ => panic!("unknown method {method}"),
    })
}

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        if line.trim().is_empty() { continue; }
        let f: Vec<&str> = line.split('\t').collect();
        let (id, method) = (f[0], f[1]);
        let args: Vec<&str> = f[2].split_whitespace().collect();
        let h: usize = f[3].parse().unwrap();
        let y: Vec<f64> = f[4].split(',').filter(|s| !s.is_empty()).map(|v| v.parse().unwrap()).collect();
        let r = catch_unwind(AssertUnwindSafe(|| run(method, &args, h, &y)));
        match r {
            Ok(Ok(o)) => {
                let (mean, l80, u80, l95, u95) = match &o.pred {
                    Some(p) => {
                        let i80 = p.interval(0.8).unwrap();
                        let i95 = p.interval(0.95).unwrap();
                        (j(&p.mean), j(&i80.lower), j(&i80.upper), j(&i95.lower), j(&i95.upper))
                    }
                    None => Default::default(),
                };
                writeln!(out, "{id}\tok\t{}\t{:?}\t{:?}\t{:?}\t{}\t{mean}\t{l80}\t{u80}\t{l95}\t{u95}\t{}", o.form, o.ll, o.aicc, o.s2, j(&o.coefs), o.perr.replace('\t', " ")).unwrap();
            }
            Ok(Err(e)) => writeln!(out, "{id}\terr\t\t\t\t\t\t\t\t\t\t\t{}", e.to_string().replace(['\t', '\n'], " ")).unwrap(),
            Err(p) => {
                let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default();
                writeln!(out, "{id}\tpanic\t\t\t\t\t\t\t\t\t\t\t{}", msg.replace(['\t', '\n'], " ")).unwrap()
            }
        }
        out.flush().unwrap();
    }
}
