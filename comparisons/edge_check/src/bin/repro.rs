//! Minimal reproducers of the edge-case findings (see ../../FINDINGS.md).
use revops::forecast::*;

fn ets(e: ErrorType, t: TrendType, s: SeasonType, m: usize) -> EtsSpec {
    EtsSpec { error: e, trend: t, season: s, period: m }
}

fn main() {
    use ErrorType::*;
    // 1. ARIMA(1,0,0) with mean on an exact line: fit stops at phi -> 1 below a plain point
    let line: Vec<f64> = (0..30).map(|t| 5.0 + 2.0 * t as f64).collect();
    let spec = ArimaSpec::new(1, 0, 0).with_constant(true);
    let fit = spec.fit(&line).unwrap();
    let at = spec.fit_fixed(&line, &[0.997507977647095, 33.99999997759782]).unwrap();
    println!("1a line AR(1)+mean: fit ll {:.4} coefs {:?}; fit_fixed(statsforecast's) ll {:.4}", fit.log_likelihood(), fit.coefficients(), at.log_likelihood());
    let y16 = [99.70007828405821, 103.62142531586409, 107.85340811022326, 111.65405754880042, 107.98902082159266, 103.94590621237651, 100.33732633257503, 96.40727219955653, 89.88572165967442, 89.79147815174873, 90.7076934082207, 93.2389805256726, 100.73492670925839, 104.97655608144515, 108.73169588213699, 109.24768852755442];
    let spec = ArimaSpec::new(1, 0, 0).seasonal(0, 1, 0, 12).with_constant(true);
    let fit = spec.fit(&y16).unwrap();
    let at = spec.fit_fixed(&y16, &[0.0, 0.017956207113520268]).unwrap();
    println!("1b short16 (1,0,0)(0,1,0)[12]+drift: fit ll {:.4} coefs {:?}; fit_fixed([0, 0.01796]) ll {:.4}", fit.log_likelihood(), fit.coefficients(), at.log_likelihood());
    let y27 = [99.17941959098991, 104.70237770807934, 108.2334180201296, 110.81954480705906, 111.53285503939097, 106.56129072337326, 101.80741520226599, 100.84994299381704, 93.3959294652588, 95.19344937561996, 96.38824032719495, 99.72418157835843, 106.61530209847749, 110.8999525500109, 115.43418690448738, 116.93927768784998, 115.37954835524882, 112.52798829807838, 109.29556762772617, 104.1987156912847, 102.03958125289084, 101.6349252615812, 99.54611260392568, 106.94316102403077, 110.20243349949105, 118.59337219831328, 122.03778539576663];
    let spec = ArimaSpec::new(1, 0, 0).seasonal(1, 0, 0, 12).with_constant(true);
    let fit = spec.fit(&y27).unwrap();
    let at = spec.fit_fixed(&y27, &[0.8757242673837551, 0.7454220079079783, 106.6946830160092]).unwrap();
    println!("1c short27 (1,0,0)(1,0,0)[12]+mean: fit ll {:.4} coefs {:?}; fit_fixed(statsforecast's) ll {:.4}", fit.log_likelihood(), fit.coefficients(), at.log_likelihood());

    // 2. ETS worse optimum: 47 tens then a 30
    let mut spike = vec![10.0; 47];
    spike.push(30.0);
    let m = ets(Additive, TrendType::Additive, SeasonType::Additive, 12).fit(&spike).unwrap();
    println!("2a spike ETS(A,A,A)[12]: ll {:.4} params {:?} (statsmodels ETSModel: -110.8648)", m.log_likelihood(), m.params());
    let x = [500.0, 100.43097787836466, 99.49598681946539, 99.5927991485541, 100.10860722342738, 103.02365902312755, 101.11137580361616, 99.88307974848227, 98.84121589911321, 98.73000302517669, 103.20541002234498, 101.01337460845421, 100.13510111662131, 99.30763631569455, 97.78189317659894, 99.8662768850602, 101.7473160689404, 99.21492550632502, 99.54551483399888, 99.55793129712204, 100.21918873599634, 96.81397824250878, 99.52920329606982, 98.29120896369186, 101.76917006512521, 98.45880264687028, 101.1540934946014, 103.04887490545352, 99.37280747743675, 98.79684749575307, 100.38286451825219, 99.99594194478195, 98.01276730532058, 100.92183883142675, 104.03103210695082, 99.48377600946856, 99.59424760787067, 97.91013595286182, 100.6381769033731, 97.50604755058474];
    let m = ets(Additive, TrendType::Damped, SeasonType::None, 1).fit(&x).unwrap();
    println!("2b outlier-first ETS(A,Ad,N): ll {:.4} (statsmodels -213.0049)", m.log_likelihood());
    let y4 = [10.722598874707701, 10.93643140730048, 11.598192751710513, 11.385356831883824];
    let m = ets(Additive, TrendType::None, SeasonType::None, 1).fit(&y4).unwrap();
    println!("2c 4 points ETS(A,N,N): ll {:.4} alpha {} forecast {:?} (statsmodels -1.4524, alpha 1e-4, level 11.1606)", m.log_likelihood(), m.params().alpha, m.point_forecast(1).unwrap());

    // 3. Diverged where statsmodels fits
    for (e, t) in [(Multiplicative, TrendType::Additive), (Multiplicative, TrendType::Damped)] {
        println!("3a outlier-first {}: {:?}", ets(e, t, SeasonType::None, 1), ets(e, t, SeasonType::None, 1).fit(&x).map(|m| m.log_likelihood()));
    }
    let arr: Vec<f64> = (0..36).map(|t| 1e5 * 1.08f64.powi(t)).collect();
    for t in [TrendType::None, TrendType::Additive, TrendType::Damped] {
        let s = ets(Multiplicative, t, SeasonType::Additive, 12);
        println!("3b ARR +8%/month {s}: {:?}", s.fit(&arr).map(|m| m.log_likelihood()));
    }

    // 4. AutoARIMA refuses the seasonal AR it would prefer
    let runs: Vec<f64> = [5.0, 7.0, 6.0, 8.0].iter().flat_map(|v| std::iter::repeat(*v).take(12)).collect();
    let auto = AutoArima::new(12).fit(&runs).unwrap();
    let sar = ArimaSpec::new(0, 1, 0).seasonal(1, 0, 0, 12).with_constant(true);
    println!("4 runs: AutoARIMA {} aicc {:.3}; {} own fit aicc {:.3}, at statsforecast's [-0.8103, 0.02857] aicc {:.3}", auto.best().spec(), auto.best().aicc(), sar, sar.fit(&runs).unwrap().aicc(), sar.fit_fixed(&runs, &[-0.8103448311243274, 0.028571421358460077]).unwrap().aicc());

    // 5. optimised Theta on the outlier-first series
    let th = Theta { kind: ThetaKind::Optimised, period: 1 }.fit(&x).unwrap();
    println!("5 optimised Theta: theta {:.3} forecast {:?} (statsforecast OptimizedTheta 97.61, 97.53, 97.45)", th.theta(), th.predict(3, &[]).unwrap().mean);
}
