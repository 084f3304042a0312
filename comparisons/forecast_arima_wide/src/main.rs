//! Crate side of comparisons/forecast_arima_wide.py (the wide ARIMA likelihood check). Series lines are
//! `name,period,h,v1,...`; every fit is of the training part (the series less its last h).
//!
//! `arima-wide auto SERIES.csv ORDERS.tsv`: per series, `AutoArima::new(period).fit(train)`:
//! one `cand` row per candidate (in the order fitted), a `refit` row (`ArimaSpec::fit`) for each
//! candidate AutoARIMA refused, a `best` row for its choice (or one `autoerr` row), then an
//! `extra` row (`ArimaSpec::fit`) for each line `name p d q P D Q m constant tag` of ORDERS.tsv.
//! `arima-wide fixed SERIES.csv FIXED.tsv`: for each line `name p d q P D Q m constant coefs tag`
//! (coefs `;`-separated, in `ArimaModel::coefficients` order), one `fixed` row of `fit_fixed`.
//!
//! Output rows (TSV, no header):
//! `name kind p d q P D Q m constant status loglik aicc sigma2 coefs approximate tag error`,
//! status `ok` or `err`; a panic becomes status `err` with an error starting `PANIC` (and a
//! `panic` row when AutoARIMA itself panicked).
use revops::forecast::{ArimaModel, ArimaSpec, AutoArima, ForecastError};
use std::collections::HashMap;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

fn series(path: &str) -> Vec<(String, usize, Vec<f64>)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let m: usize = f[1].parse().unwrap();
            let h: usize = f[2].parse().unwrap();
            let y: Vec<f64> = f[3..].iter().map(|v| v.parse().unwrap()).collect();
            (f[0].to_string(), m, y[..y.len() - h].to_vec())
        })
        .collect()
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn panic_text(e: Box<dyn std::any::Any + Send>) -> String {
    let msg = e.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| e.downcast_ref::<String>().cloned());
    format!("PANIC {}", msg.unwrap_or_default())
}

/// `spec`'s (name p d q P D Q m constant) columns.
fn form(spec: &ArimaSpec) -> String {
    let ((p, d, q), (sp, sd, sq, m)) = (spec.order, spec.seasonal);
    format!("{p}\t{d}\t{q}\t{sp}\t{sd}\t{sq}\t{m}\t{}", u8::from(spec.constant))
}

fn spec_of(f: &[&str]) -> ArimaSpec {
    let n: Vec<usize> = f[..8].iter().map(|v| v.trim().parse().unwrap()).collect();
    ArimaSpec::new(n[0], n[1], n[2]).seasonal(n[3], n[4], n[5], n[6]).with_constant(n[7] != 0)
}

fn row(
    out: &mut impl Write,
    name: &str,
    kind: &str,
    spec: &ArimaSpec,
    fit: &Result<ArimaModel, String>,
    coefs: Option<&[f64]>,
    approximate: bool,
    tag: &str,
) {
    let join = |c: &[f64]| c.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(";");
    let (status, ll, aicc, s2, cf, err) = match fit {
        Ok(m) => ("ok", m.log_likelihood(), m.aicc(), m.sigma2(), join(&m.coefficients()), String::new()),
        Err(e) => ("err", f64::NAN, f64::NAN, f64::NAN, coefs.map(join).unwrap_or_default(), clean(e)),
    };
    writeln!(
        out,
        "{name}\t{kind}\t{}\t{status}\t{ll:?}\t{aicc:?}\t{s2:?}\t{cf}\t{}\t{tag}\t{err}",
        form(spec),
        u8::from(approximate)
    )
    .unwrap();
}

/// `f()` with a panic turned into an error.
fn guarded(f: impl FnOnce() -> Result<ArimaModel, ForecastError>) -> Result<ArimaModel, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(panic_text(e)),
    }
}

fn auto(out: &mut impl Write, data: &[(String, usize, Vec<f64>)], orders: &str) {
    let mut extra: HashMap<&str, Vec<(ArimaSpec, &str)>> = HashMap::new();
    for line in orders.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        extra.entry(f[0]).or_default().push((spec_of(&f[1..9]), f.get(9).copied().unwrap_or("")));
    }
    for (name, m, y) in data {
        match catch_unwind(AssertUnwindSafe(|| AutoArima::new(*m).fit(y))) {
            Ok(Ok(fit)) => {
                for c in fit.candidates() {
                    let r = c.fit.clone().map_err(|e| e.to_string());
                    row(out, name, "cand", &c.spec, &r, None, c.approximate, "");
                }
                for c in fit.candidates().iter().filter(|c| c.fit.is_err()) {
                    let r = guarded(|| c.spec.fit(y));
                    row(out, name, "refit", &c.spec, &r, None, false, "");
                }
                let b = fit.best();
                row(out, name, "best", &b.spec(), &Ok(b.clone()), None, false, "");
            }
            Ok(Err(e)) => {
                let spec = ArimaSpec::new(0, 0, 0).seasonal(0, 0, 0, *m);
                row(out, name, "autoerr", &spec, &Err(e.to_string()), None, false, "");
            }
            Err(e) => {
                let spec = ArimaSpec::new(0, 0, 0).seasonal(0, 0, 0, *m);
                row(out, name, "panic", &spec, &Err(panic_text(e)), None, false, "");
            }
        }
        for (spec, tag) in extra.get(name.as_str()).map(|v| &v[..]).unwrap_or(&[]) {
            let r = guarded(|| spec.fit(y));
            row(out, name, "extra", spec, &r, None, false, tag);
        }
        out.flush().unwrap();
    }
}

fn fixed(out: &mut impl Write, data: &[(String, usize, Vec<f64>)], lines: &str) {
    let by: HashMap<&str, &Vec<f64>> = data.iter().map(|(n, _, y)| (n.as_str(), y)).collect();
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, spec) = (f[0], spec_of(&f[1..9]));
        let coefs: Vec<f64> =
            f[9].split(';').filter(|s| !s.trim().is_empty()).map(|s| s.trim().parse().unwrap()).collect();
        let tag = f.get(10).copied().unwrap_or("");
        let y = by[name];
        let r = guarded(|| spec.fit_fixed(y, &coefs));
        row(out, name, "fixed", &spec, &r, Some(&coefs), false, tag);
    }
}

fn main() {
    std::panic::set_hook(Box::new(|_| {})); // panics are reported in the rows
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: arima-wide auto SERIES.csv ORDERS.tsv | arima-wide fixed SERIES.csv FIXED.tsv";
    if args.len() != 4 {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    let data = series(&args[2]);
    let other = std::fs::read_to_string(&args[3]).unwrap();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    match args[1].as_str() {
        "auto" => auto(&mut out, &data, &other),
        "fixed" => fixed(&mut out, &data, &other),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    out.flush().unwrap();
}
