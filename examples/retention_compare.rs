//! The crate's side of `comparisons/retention_compare.py`: BG/NBD and Gamma-Gamma on CDNOW
//! (lifetimes' data set), Kaplan–Meier and the log-rank test on waltons (lifelines' data set),
//! both copied in tests/data. Prints plain `key values…` lines the script compares with
//! lifetimes and lifelines; times are the best of several in-process runs.
//!
//! ```text
//! cargo run --release --example retention_compare
//! ```
#[path = "common/compare_io.rs"]
mod compare_io;
use compare_io::{line, timed};
use revops::retention::{log_rank, BgNbd, GammaGamma, KaplanMeier, Rfm, SpendObservation, Subject};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // CDNOW: customer id, frequency, recency, T (weeks), mean repeat spend
    let mut rfm = Vec::new();
    let mut spend = Vec::new();
    for record in include_str!("../tests/data/cdnow_summary.csv").lines().skip(1) {
        let v: Vec<&str> = record.split(',').collect();
        let [_, f, r, t, m] = v[..] else { return Err(format!("bad CDNOW row {record}").into()) };
        let d = Rfm { frequency: f.parse()?, recency: r.parse()?, t: t.parse()? };
        if d.frequency > 0 {
            spend.push(SpendObservation { frequency: d.frequency, mean: m.parse()? });
        }
        rfm.push(d);
    }
    let (seconds, fit) = timed(5, || BgNbd::fit(&rfm));
    let fit = fit?;
    let m = fit.model;
    line("bgnbd_seconds", [seconds]);
    line("bgnbd_params", [m.r(), m.alpha(), m.a(), m.b()]);
    line("bgnbd_loglik", [fit.log_likelihood]);
    // every customer's expected repeat purchases over the next 52 weeks, and P(alive)
    let (seconds, expected) =
        timed(5, || rfm.iter().map(|d| m.expected_purchases(d, 52.0)).collect::<Result<Vec<_>, _>>());
    line("bgnbd_expected_seconds", [seconds]);
    line("bgnbd_expected_52", expected?);
    line("bgnbd_p_alive", rfm.iter().map(|d| m.p_alive(d)).collect::<Result<Vec<_>, _>>()?);
    let (seconds, gg) = timed(5, || GammaGamma::fit(&spend));
    let gg = gg?;
    line("gg_seconds", [seconds]);
    line("gg_params", [gg.p(), gg.q(), gg.gamma()]);

    // waltons: T, E, group
    let (mut mir, mut control) = (Vec::new(), Vec::new());
    for record in include_str!("../tests/data/waltons.csv").lines().skip(1) {
        let v: Vec<&str> = record.split(',').collect();
        let [t, e, group] = v[..] else { return Err(format!("bad waltons row {record}").into()) };
        let s = Subject { time: t.parse()?, event: e == "1" };
        if group == "miR-137" {
            mir.push(s);
        } else {
            control.push(s);
        }
    }
    let all: Vec<Subject> = mir.iter().chain(&control).copied().collect();
    let (seconds, km) = timed(50, || KaplanMeier::fit(&all, 0.95));
    let km = km?;
    line("km_seconds", [seconds]);
    line("km_times", km.steps().iter().map(|s| s.time));
    line("km_survival", km.steps().iter().map(|s| s.survival));
    line("km_lower", km.steps().iter().map(|s| s.lower));
    line("km_upper", km.steps().iter().map(|s| s.upper));
    let (seconds, lr) = timed(50, || log_rank(&mir, &control));
    let lr = lr?;
    line("logrank_seconds", [seconds]);
    line("logrank", [lr.statistic, lr.p_value]);
    Ok(())
}
