//! The executive snapshot: the company's revenue on one page, as of a date.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{
    evaluate_alerts, integration_health, Alert, AlertRule, AlertState, CoordinatorError, CrmAccount, HealthPolicy,
    HealthState, IntegrationHealth, SyncResult,
};
use crate::arr::{
    lifetime_value, ArrBook, ArrBridge, Milestone, MilestoneProgress, NewArrComposition, QuickRatioPolicy, Velocity,
};
use crate::billing::{days_sales_outstanding, on_time_collection, Receivable};
use crate::calendar::{Month, Period, Quarter};
use crate::forecast::{
    milestone_eta, monte_carlo_close, CloseDistribution, Ensemble, Forecast, ForecastCategory, Forecaster,
    MilestoneEta, PipelineDeal,
};
use crate::money::{Currency, Money};

/// Targets and assumptions the snapshot is measured against.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SnapshotConfig {
    /// The ARR milestone ($1B by a date).
    pub milestone: Milestone,
    /// Fortune 500 customers wanted.
    pub fortune500_target: u32,
    /// New-ARR bookings target for the current quarter.
    pub quarter_target: Money,
    /// Gross margin (fraction).
    #[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))]
    pub gross_margin: Decimal,
    /// Blended CAC per new customer.
    pub cac: Money,
    /// Free-cash-flow margin (fraction), for the Rule of 40.
    #[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))]
    pub fcf_margin: Decimal,
    /// Alert rules over the snapshot's metrics.
    pub alert_rules: Vec<AlertRule>,
    /// Integration health thresholds.
    pub health: HealthPolicy,
    /// Seed for every simulation in the snapshot.
    pub seed: u64,
}

/// What the snapshot reads.
#[derive(Clone, Copy)]
pub struct SnapshotSources<'a> {
    /// The ARR book, with monthly periods through the month of `as_of`.
    pub arr: &'a ArrBook,
    /// CRM accounts (for Fortune 500 ranks).
    pub accounts: &'a [CrmAccount],
    /// Pipeline deals.
    pub pipeline: &'a [PipelineDeal],
    /// Open and recently settled receivables.
    pub receivables: &'a [Receivable],
    /// Invoiced in the last 90 days (for DSO).
    pub billed_90d: Money,
    /// Integration sync results.
    pub syncs: &'a [SyncResult],
}

/// The executive snapshot. Every figure comes from an engine; nothing is typed in.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExecutiveSnapshot {
    /// The date.
    pub as_of: NaiveDate,
    /// Reporting currency.
    pub currency: Currency,
    /// ARR now.
    pub arr: Money,
    /// ARR growth over twelve months (fraction).
    #[cfg_attr(feature = "serde", serde(default, with = "rust_decimal::serde::str_option"))]
    pub growth_yoy: Option<Decimal>,
    /// Progress to the milestone.
    pub milestone: MilestoneProgress,
    /// When the milestone is reached, from simulated forecasts.
    pub eta: Option<MilestoneEta>,
    /// The milestone's date, if the plan has one.
    pub milestone_by: Option<NaiveDate>,
    /// The trailing-twelve-month bridge.
    pub bridge_ttm: ArrBridge,
    /// New ARR over the same months: new business (new logos and reactivations) plus
    /// expansion. A renewal is not new ARR: renewed at the same price it changes no ARR, and
    /// renewed at a higher price only the increase is new (expansion). The renewed amount is in
    /// `composition.renewal`, shown apart.
    pub new_arr: Money,
    /// New ARR by source over the same months, and the ARR renewed (which is not new).
    pub composition: NewArrComposition,
    /// Velocity over the last quarter.
    pub velocity: Velocity,
    /// Net revenue retention, trailing twelve months.
    #[cfg_attr(feature = "serde", serde(default, with = "rust_decimal::serde::str_option"))]
    pub nrr: Option<Decimal>,
    /// Gross revenue retention, trailing twelve months.
    #[cfg_attr(feature = "serde", serde(default, with = "rust_decimal::serde::str_option"))]
    pub grr: Option<Decimal>,
    /// Quick ratio, trailing twelve months.
    #[cfg_attr(feature = "serde", serde(default, with = "rust_decimal::serde::str_option"))]
    pub quick_ratio: Option<Decimal>,
    /// Gross margin (configured).
    #[cfg_attr(feature = "serde", serde(with = "rust_decimal::serde::str"))]
    pub gross_margin: Decimal,
    /// LTV ÷ CAC.
    #[cfg_attr(feature = "serde", serde(default, with = "rust_decimal::serde::str_option"))]
    pub ltv_to_cac: Option<Decimal>,
    /// Growth + FCF margin.
    #[cfg_attr(feature = "serde", serde(default, with = "rust_decimal::serde::str_option"))]
    pub rule_of_40: Option<Decimal>,
    /// Fortune 500 customers with ARR.
    pub fortune500: u32,
    /// Target.
    pub fortune500_target: u32,
    /// The quarter's new-ARR bookings target.
    pub quarter_target: Money,
    /// Open pipeline closing this quarter ÷ the quarter's target.
    pub pipeline_coverage: f64,
    /// The quarter's close, simulated.
    pub quarter: CloseDistribution,
    /// Monthly ARR history used for the forecast (oldest first).
    pub arr_history: Vec<(Month, Money)>,
    /// Twelve-month ARR forecast with an 80% interval.
    pub arr_forecast: Forecast,
    /// The forecast model (the default ensemble and its members).
    pub forecast_model: String,
    /// Days sales outstanding over 90 days.
    pub dso: Option<f64>,
    /// On-time collection rate (by amount) for invoices due in the last 90 days.
    pub on_time_rate: f64,
    /// Integration health.
    pub integrations: Vec<IntegrationHealth>,
    /// Active alerts, most severe first.
    pub alerts: Vec<Alert>,
}

impl ExecutiveSnapshot {
    /// Build the snapshot as of `as_of` (the time of day is for integration health).
    ///
    /// ```
    /// use revops::coordinator::demo::DemoCompany;
    /// use revops::coordinator::{AlertState, ExecutiveSnapshot};
    /// let company = DemoCompany::generate(42)?;
    /// let book = company.arr_book()?;
    /// let snapshot = ExecutiveSnapshot::build(company.as_of, company.sources(&book), &company.config(), &mut AlertState::default())?;
    /// assert_eq!(snapshot.fortune500, 280);
    /// println!("{}", snapshot.to_terminal());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// `as_of` outside the ARR book ([`CoordinatorError::OutOfBook`]), an alert rule naming an
    /// unknown metric or an invalid health policy (the alert state is then left as it was), or
    /// an engine's error on the sources (its own variant of [`CoordinatorError`]).
    pub fn build(
        as_of: chrono::NaiveDateTime,
        src: SnapshotSources<'_>,
        cfg: &SnapshotConfig,
        alerts: &mut AlertState,
    ) -> Result<ExecutiveSnapshot, CoordinatorError> {
        let day = as_of.date();
        let book = src.arr;
        let at = Month::of(day);
        let months: Vec<Month> = book.months().collect();
        let k = months.iter().position(|m| *m == at).ok_or(CoordinatorError::OutOfBook(day))?;
        let currency = book.currency();
        let arr = book.arr_at(at)?;
        let from = k.saturating_sub(11);
        let bridge_ttm = book.bridge(months[from], at)?;
        let growth_yoy = bridge_ttm.growth_rate().ok();
        let milestone = cfg.milestone.progress(book, at, 3)?;
        let velocity = book.velocity(at, 3)?;
        let retention = book.retention(at, 12).ok();
        let quick_ratio = bridge_ttm.quick_ratio(QuickRatioPolicy::WithReactivation).ok();

        // LTV from ARPA and monthly logo churn over the trailing year
        let ltv_to_cac = match (book.arpa(at), bridge_ttm.opening_customers) {
            (Ok(arpa), open) if open > 0 && bridge_ttm.movements.churned_logos > 0 => {
                let months = Decimal::from((k - from + 1) as u64);
                let monthly_churn = Decimal::from(bridge_ttm.movements.churned_logos) / Decimal::from(open) / months;
                let ltv = lifetime_value(arpa, cfg.gross_margin, monthly_churn)?;
                ltv.ratio(cfg.cac).ok()
            }
            _ => None,
        };
        let fortune500 = book
            .active_customer_ids(at)?
            .filter(|id| src.accounts.iter().any(|a| a.id == *id && a.fortune_rank.is_some_and(|r| r <= 500)))
            .count() as u32;

        // the quarter: coverage and a seeded Monte Carlo of the close
        let quarter = Quarter::of(day).period();
        let open_in_quarter = Money::sum(
            currency,
            src.pipeline
                .iter()
                .filter(|d| {
                    quarter.contains(d.close_date)
                        && !matches!(d.category, ForecastCategory::Closed | ForecastCategory::Omitted)
                })
                .map(|d| d.amount),
        )?;
        let pipeline_coverage = open_in_quarter.to_f64_lossy() / cfg.quarter_target.to_f64_lossy().max(1.0);
        let close = monte_carlo_close(src.pipeline, quarter, day, 10.0, cfg.quarter_target, 10_000, cfg.seed)?;

        // ARR history (complete months) → the default ensemble → forecast and milestone ETA
        let arr_history: Vec<(Month, Money)> =
            (0..k).map(|j| Ok((months[j], book.arr_at(months[j])?))).collect::<Result<_, CoordinatorError>>()?;
        let series: Vec<f64> = arr_history.iter().map(|(_, m)| m.to_f64_lossy()).collect();
        let model = Ensemble::new(12).fit(&series)?;
        let arr_forecast = model.forecast(12, 0.8, cfg.seed)?;
        let history_money: Vec<Money> = arr_history.iter().map(|(_, m)| *m).collect();
        let last_month = arr_history.last().map(|(m, _)| *m).unwrap_or(Month::of(day));
        let eta = milestone_eta(&history_money, last_month, cfg.milestone.target, 120, 2_000, cfg.seed).ok();

        // collections over the last 90 days
        let window_start = day - chrono::Duration::days(90);
        let open_ar = Money::sum(currency, src.receivables.iter().filter(|r| r.issue_date() <= day).map(|r| r.open()))?;
        let dso = days_sales_outstanding(open_ar, src.billed_90d, 90).ok();
        let on_time = on_time_collection(src.receivables, currency, window_start, day)?;

        let integrations = integration_health(src.syncs, as_of, &cfg.health)?;
        let down = integrations.iter().filter(|h| h.state == HealthState::Down).count();
        let degraded = integrations.iter().filter(|h| h.state == HealthState::Degraded).count();
        let growth = growth_yoy.and_then(|g| g.to_f64()).unwrap_or(0.0);
        let rule_of_40 = growth_yoy.map(|g| crate::arr::rule_of_40(g, cfg.fcf_margin)).transpose()?;
        let mut metrics: Vec<(String, f64)> = vec![
            ("arr".into(), arr.to_f64_lossy()),
            ("growth_yoy".into(), growth),
            ("milestone_on_track".into(), f64::from(u8::from(milestone.on_track))),
            ("pipeline_coverage".into(), pipeline_coverage),
            ("p_quarter_target".into(), close.p_target),
            ("on_time_rate".into(), on_time.rate_by_amount.to_f64_lossy()),
            ("fortune500_gap".into(), f64::from(cfg.fortune500_target.saturating_sub(fortune500))),
            ("integrations_down".into(), down as f64),
            ("integrations_degraded".into(), degraded as f64),
        ];
        let optional = [
            ("nrr", retention.and_then(|r| r.nrr.to_f64())),
            ("grr", retention.and_then(|r| r.grr.to_f64())),
            ("quick_ratio", quick_ratio.and_then(|q| q.to_f64())),
            ("dso", dso),
            ("ltv_to_cac", ltv_to_cac.and_then(|x| x.to_f64())),
            ("rule_of_40", rule_of_40.and_then(|x| x.to_f64())),
        ];
        for (name, value) in optional {
            metrics.push((name.into(), value.unwrap_or(f64::NAN))); // NaN never passes a comparison
        }
        let composition = bridge_ttm.composition;
        let new_arr = composition.new_business.checked_add(composition.expansion)?;
        let fired = evaluate_alerts(&cfg.alert_rules, &metrics, day, alerts)?;
        Ok(ExecutiveSnapshot {
            as_of: day,
            currency,
            arr,
            growth_yoy,
            milestone,
            eta,
            milestone_by: cfg.milestone.by,
            new_arr,
            composition,
            bridge_ttm,
            velocity,
            nrr: retention.map(|r| r.nrr),
            grr: retention.map(|r| r.grr),
            quick_ratio,
            gross_margin: cfg.gross_margin,
            ltv_to_cac,
            rule_of_40,
            fortune500,
            fortune500_target: cfg.fortune500_target,
            quarter_target: cfg.quarter_target,
            pipeline_coverage,
            quarter: close,
            arr_history,
            arr_forecast,
            forecast_model: model.name(),
            dso,
            on_time_rate: on_time.rate_by_amount.to_f64_lossy(),
            integrations,
            alerts: fired,
        })
    }

    /// The quarter the snapshot's pipeline figures refer to.
    pub fn quarter_period(&self) -> Period {
        Quarter::of(self.as_of).period()
    }
}
