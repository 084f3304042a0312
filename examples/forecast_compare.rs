//! The crate's side of `comparisons/forecast_compare.py`: holds out the last `h` points of each
//! series, forecasts them with AutoETS, AutoARIMA (exact, and approximate on long series as R's
//! `auto.arima` searches), Theta, optimised Theta, seasonal naive and the default
//! [`Ensemble`], and prints one CSV row per series and method:
//! `series,period,method,microseconds,mase,smape,coverage95,msis95`. The time is the best of
//! three fit-and-forecast runs after one warm-up run, on one thread (the crate spawns none). MASE
//! and MSIS are scaled by the training series' in-sample seasonal-naive mean absolute error.
//!
//! Input, one series per line, `name,period,h,v1,v2,…`, from the file named by the first argument
//! (`-` for stdin). With `--forecasts PATH` the point forecasts and 95 % bounds are also written
//! to PATH as JSON lines, so the script can score every method with one function. Without
//! arguments it runs on two small public series embedded below (AirPassengers, austourists), so
//! CI can run it:
//!
//! ```text
//! cargo run --release --example forecast_compare
//! cargo run --release --example forecast_compare -- series.csv --forecasts out.jsonl
//! ```
use std::error::Error;
use std::io::{Read, Write};
use std::time::Instant;

use revops::forecast::{ArimaSearch, AutoArima, AutoEts, Baseline, Ensemble, Method, Prediction, Theta, ThetaKind};

/// Box–Jenkins' airline passengers, 1949–1960, monthly (R `datasets::AirPassengers`; also
/// `statsforecast.utils.AirPassengers`).
const AIR_PASSENGERS: [f64; 144] = [
    112.0, 118.0, 132.0, 129.0, 121.0, 135.0, 148.0, 148.0, 136.0, 119.0, 104.0, 118.0, 115.0, 126.0, 141.0, 135.0,
    125.0, 149.0, 170.0, 170.0, 158.0, 133.0, 114.0, 140.0, 145.0, 150.0, 178.0, 163.0, 172.0, 178.0, 199.0, 199.0,
    184.0, 162.0, 146.0, 166.0, 171.0, 180.0, 193.0, 181.0, 183.0, 218.0, 230.0, 242.0, 209.0, 191.0, 172.0, 194.0,
    196.0, 196.0, 236.0, 235.0, 229.0, 243.0, 264.0, 272.0, 237.0, 211.0, 180.0, 201.0, 204.0, 188.0, 235.0, 227.0,
    234.0, 264.0, 302.0, 293.0, 259.0, 229.0, 203.0, 229.0, 242.0, 233.0, 267.0, 269.0, 270.0, 315.0, 364.0, 347.0,
    312.0, 274.0, 237.0, 278.0, 284.0, 277.0, 317.0, 313.0, 318.0, 374.0, 413.0, 405.0, 355.0, 306.0, 271.0, 306.0,
    315.0, 301.0, 356.0, 348.0, 355.0, 422.0, 465.0, 467.0, 404.0, 347.0, 305.0, 336.0, 340.0, 318.0, 362.0, 348.0,
    363.0, 435.0, 491.0, 505.0, 404.0, 359.0, 310.0, 337.0, 360.0, 342.0, 406.0, 396.0, 420.0, 472.0, 548.0, 559.0,
    463.0, 407.0, 362.0, 405.0, 417.0, 391.0, 419.0, 461.0, 472.0, 535.0, 622.0, 606.0, 508.0, 461.0, 390.0, 432.0,
];

/// International tourist visitor nights in Australia, quarterly 1999–2015 (fpp2 `austourists`, as
/// embedded in statsmodels' `tsa/tests/test_exponential_smoothing.py`).
const AUSTOURISTS: [f64; 68] = [
    30.052513,
    19.148496,
    25.317692,
    27.591437,
    32.076456,
    23.487961,
    28.47594,
    35.123753,
    36.838485,
    25.007017,
    30.72223,
    28.693759,
    36.640986,
    23.824609,
    29.311683,
    31.770309,
    35.177877,
    19.775244,
    29.60175,
    34.538842,
    41.273599,
    26.655862,
    28.279859,
    35.191153,
    42.20566386,
    24.64917133,
    32.66733514,
    37.25735401,
    45.24246027,
    29.35048127,
    36.34420728,
    41.78208136,
    49.27659843,
    31.27540139,
    37.85062549,
    38.83704413,
    51.23690034,
    31.83855162,
    41.32342126,
    42.79900337,
    55.70835836,
    33.40714492,
    42.31663797,
    45.15712257,
    59.57607996,
    34.83733016,
    44.84168072,
    46.9712496,
    60.01903094,
    38.37117851,
    46.97586413,
    50.73379646,
    61.64687319,
    39.29956937,
    52.67120908,
    54.33231689,
    66.83435838,
    40.87118847,
    51.82853579,
    57.49190993,
    65.25146985,
    43.06120822,
    54.76075713,
    59.83447494,
    73.25702747,
    47.69662373,
    61.09776802,
    66.05576122,
];

struct Series {
    name: String,
    period: usize,
    h: usize,
    values: Vec<f64>,
}

fn parse(text: &str) -> Result<Vec<Series>, Box<dyn Error>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() < 4 {
            return Err(format!("line {}: want name,period,h,values…", i + 1).into());
        }
        let values = f[3..].iter().map(|v| v.parse()).collect::<Result<Vec<f64>, _>>()?;
        let (period, h): (usize, usize) = (f[1].parse()?, f[2].parse()?);
        if h == 0 || h >= values.len() {
            return Err(format!("line {}: h = {h} leaves no training data or no test", i + 1).into());
        }
        out.push(Series { name: f[0].to_string(), period, h, values });
    }
    Ok(out)
}

/// MASE, sMAPE (%), share of the test inside the 95 % interval, MSIS (M4's scaled interval score).
fn scores(train: &[f64], test: &[f64], p: &Prediction, m: usize) -> [f64; 4] {
    let m = if train.len() > m { m } else { 1 };
    let scale = train.windows(m + 1).map(|w| (w[m] - w[0]).abs()).sum::<f64>() / (train.len() - m) as f64;
    let i = &p.intervals[0];
    let (mut abs, mut smape, mut inside, mut msis) = (0.0, 0.0, 0.0, 0.0);
    for (k, &a) in test.iter().enumerate() {
        let (f, l, u) = (p.mean[k], i.lower[k], i.upper[k]);
        abs += (f - a).abs();
        smape += 200.0 * (f - a).abs() / (f.abs() + a.abs());
        msis += (u - l) + 40.0 * (l - a).max(0.0) + 40.0 * (a - u).max(0.0);
        inside += f64::from(u8::from(l <= a && a <= u));
    }
    let n = test.len() as f64;
    [abs / n / scale, smape / n, inside / n, msis / n / scale]
}

fn json_list(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
    format!("[{}]", items.join(","))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut input = None;
    let mut forecasts = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--forecasts" => forecasts = Some(it.next().ok_or("--forecasts needs a path")?.clone()),
            path => input = Some(path.to_string()),
        }
    }
    let series = match input.as_deref() {
        Some("-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            parse(&s)?
        }
        Some(path) => parse(&std::fs::read_to_string(path)?)?,
        None => vec![
            Series { name: "AirPassengers".into(), period: 12, h: 12, values: AIR_PASSENGERS.to_vec() },
            Series { name: "austourists".into(), period: 4, h: 4, values: AUSTOURISTS.to_vec() },
        ],
    };
    let mut out = match forecasts {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    println!("series,period,method,microseconds,mase,smape,coverage95,msis95");
    for s in &series {
        let (train, test) = s.values.split_at(s.values.len() - s.h);
        let p = s.period;
        let methods: [(&str, Box<dyn Method>); 7] = [
            ("AutoETS", Box::new(AutoEts::new(p))),
            ("AutoARIMA", Box::new(AutoArima::new(p))),
            // R's default search (and statsforecast's `auto_arima_f`'s): approximate on long series
            ("AutoARIMAApproxLong", Box::new(AutoArima::new(p).with_search(ArimaSearch::ApproximateLong))),
            ("Theta", Box::new(Theta { kind: ThetaKind::Standard, period: p })),
            ("OptimisedTheta", Box::new(Theta { kind: ThetaKind::Optimised, period: p })),
            ("SeasonalNaive", Box::new(Baseline::SeasonalNaive { period: p })),
            ("Ensemble", Box::new(Ensemble::new(p))),
        ];
        for (label, method) in &methods {
            let run = || method.fit_series(train).and_then(|f| f.predict_with(s.h, &[0.95], 1));
            let mut prediction = run(); // warm-up
            let mut best = f64::INFINITY;
            for _ in 0..3 {
                let start = Instant::now();
                prediction = run();
                best = best.min(start.elapsed().as_secs_f64() * 1e6);
            }
            match prediction {
                Ok(pred) => {
                    let [mase, smape, cov, msis] = scores(train, test, &pred, p);
                    println!("{},{p},{label},{best:.1},{mase},{smape},{cov},{msis}", s.name);
                    if let Some(w) = out.as_mut() {
                        let i = &pred.intervals[0];
                        writeln!(
                            w,
                            r#"{{"series":{:?},"method":{label:?},"microseconds":{best},"mean":{},"lo":{},"hi":{}}}"#,
                            s.name,
                            json_list(&pred.mean),
                            json_list(&i.lower),
                            json_list(&i.upper)
                        )?;
                    }
                }
                Err(e) => eprintln!("{} {label}: {e}", s.name),
            }
        }
    }
    if let Some(mut w) = out {
        w.flush()?;
    }
    Ok(())
}
