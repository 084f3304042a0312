//! Crate side of the wide ARIMA forecast check (comparisons/forecast_arima_forecasts.py).
//!
//! argv[1]: series TSV, one line per series: `name<TAB>period<TAB>h<TAB>v1;v2;...` (the training
//! part only). argv[2]: jobs TSV, one line per (series, form):
//! `series<TAB>form<TAB>p<TAB>d<TAB>q<TAB>P<TAB>D<TAB>Q<TAB>m<TAB>constant<TAB>c1;c2;...` with the
//! coefficients in statsforecast's order (ar, ma, sar, sma, mean|drift).
//!
//! Writes TSV to stdout, two rows per job: kind `fixed` (`ArimaSpec::fit_fixed` with the given
//! coefficients) and kind `fit` (`ArimaSpec::fit`, the crate's own estimate), each with
//! `series form kind status sigma2 loglik aicc coefs mean lo80 hi80 lo95 hi95 error`
//! (vectors `;`-joined, f64 in shortest round-trip form). status: ok | error | panic.
use revops::forecast::{ArimaModel, ArimaSpec};
use std::collections::HashMap;
use std::io::Write;

fn join(v: &[f64]) -> String {
    v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(";")
}

fn parse(v: &str) -> Vec<f64> {
    v.split(';').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect()
}

fn row(model: &ArimaModel, h: usize) -> Result<[String; 9], String> {
    let p = model.predict(h, &[0.8, 0.95]).map_err(|e| format!("predict: {e}"))?;
    let (i80, i95) = (p.interval(0.8).unwrap(), p.interval(0.95).unwrap());
    Ok([
        format!("{:?}", model.sigma2()),
        format!("{:?}", model.log_likelihood()),
        format!("{:?}", model.aicc()),
        join(&model.coefficients()),
        join(&p.mean),
        join(&i80.lower),
        join(&i80.upper),
        join(&i95.lower),
        join(&i95.upper),
    ])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut series: HashMap<String, (usize, usize, Vec<f64>)> = HashMap::new();
    for line in std::fs::read_to_string(&args[1]).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        series.insert(f[0].to_string(), (f[1].parse().unwrap(), f[2].parse().unwrap(), parse(f[3])));
    }
    // panics are reported as rows, not printed to stderr by the default hook
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = std::io::BufWriter::new(std::io::stdout());
    writeln!(out, "series\tform\tkind\tstatus\tsigma2\tloglik\taicc\tcoefs\tmean\tlo80\thi80\tlo95\thi95\terror")
        .unwrap();
    for line in std::fs::read_to_string(&args[2]).unwrap().lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, form) = (f[0], f[1]);
        let n: Vec<usize> = f[2..9].iter().map(|s| s.parse().unwrap()).collect();
        let constant = f[9] == "1";
        let coefs = parse(f.get(10).copied().unwrap_or(""));
        let (_, h, y) = &series[name];
        let mut spec = ArimaSpec::new(n[0], n[1], n[2]).with_constant(constant);
        if n[3] + n[4] + n[5] > 0 {
            spec = spec.seasonal(n[3], n[4], n[5], n[6]);
        }
        for kind in ["fixed", "fit"] {
            let run = std::panic::catch_unwind(|| {
                let model = if kind == "fixed" { spec.fit_fixed(y, &coefs) } else { spec.fit(y) };
                model.map_err(|e| format!("{kind}: {e}")).and_then(|m| row(&m, *h))
            });
            let (status, cols, err) = match run {
                Ok(Ok(cols)) => ("ok", cols.to_vec(), String::new()),
                Ok(Err(e)) => ("error", vec![String::new(); 9], e),
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    ("panic", vec![String::new(); 9], msg)
                }
            };
            writeln!(out, "{name}\t{form}\t{kind}\t{status}\t{}\t{}", cols.join("\t"), err.replace(['\t', '\n'], " "))
                .unwrap();
        }
    }
}
