//! The executive snapshot: the company's revenue on one page, as of a date.

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{
    evaluate_alerts, integration_health, Alert, AlertRule, AlertState, CoordinatorError, CrmAccount, HealthPolicy,
    HealthState, IntegrationHealth, SyncResult,
};
use crate::arr::{ArrBook, ArrBridge, Milestone, MilestoneProgress, QuickRatioPolicy, Velocity};
use crate::billing::{days_sales_outstanding, on_time_collection, Receivable};
use crate::calendar::{Month, Period, Quarter};
use crate::forecast::pipeline::can_close_in;
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
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub gross_margin: Decimal,
    /// Blended CAC per new customer.
    pub cac: Money,
    /// Free-cash-flow margin (fraction), for the Rule of 40.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub fcf_margin: Decimal,
    /// Alert rules over the snapshot's metrics.
    pub alert_rules: Vec<AlertRule>,
    /// Integration health thresholds.
    pub health: HealthPolicy,
    /// Seed for every simulation in the snapshot.
    pub seed: u64,
}

impl SnapshotConfig {
    /// Refuse what cannot be meant (a configuration read from JSON is taken as it comes): a
    /// gross margin outside (0, 1], a free-cash-flow margin above 1, a negative CAC or quarter
    /// target, a milestone target of zero or less, or an amount in another currency than the
    /// book's. (The health policy is checked where it is used.)
    fn check(&self, currency: Currency) -> Result<(), CoordinatorError> {
        let problem = if self.gross_margin <= Decimal::ZERO || self.gross_margin > Decimal::ONE {
            Some("the gross margin must be a fraction in (0, 1]")
        } else if self.fcf_margin > Decimal::ONE {
            Some("the free-cash-flow margin cannot be above 1")
        } else if [self.cac, self.quarter_target, self.milestone.target].iter().any(|m| m.currency() != currency) {
            Some("the CAC and targets must be in the book's currency")
        } else if self.cac.is_negative() {
            Some("the CAC cannot be negative")
        } else if self.quarter_target.is_negative() {
            Some("the quarter's target cannot be negative")
        } else if self.milestone.target.amount() <= Decimal::ZERO {
            Some("the milestone's target must be above zero")
        } else {
            None
        };
        problem.map_or(Ok(()), |p| Err(CoordinatorError::InvalidConfig(p)))
    }
}

/// The fewest months, up to and including its own, the snapshot needs of the book: the
/// velocity is over a quarter, and the default ensemble's AutoETS needs four points (its
/// simplest form, ETS(A,N,N), fits α, a level and a variance).
const SNAPSHOT_MONTHS: usize = 4;

/// What the snapshot reads.
#[derive(Clone, Copy)]
pub struct SnapshotSources<'a> {
    /// The ARR book, with monthly periods through the month of `as_of`.
    pub arr: &'a ArrBook,
    /// CRM accounts (for Fortune 500 ranks).
    pub accounts: &'a [CrmAccount],
    /// Pipeline deals.
    pub pipeline: &'a [PipelineDeal],
    /// Open and recently settled receivables, as they stood on the snapshot's date: one issued by
    /// then whose last payment or credit is later is refused, since its balance already holds it
    /// ([`ArLedger::receivables_as_of`](crate::billing::ArLedger::receivables_as_of) gives them).
    pub receivables: &'a [Receivable],
    /// Invoiced in the last 90 days (for DSO).
    pub billed_90d: Money,
    /// Integration sync results.
    pub syncs: &'a [SyncResult],
}

/// The open pipeline (deals neither closed nor omitted) that can close in `quarter` as of
/// `as_of`, none slipping, by the rule the quarter's simulation uses (`can_close_in`: dated in
/// the quarter, or past due and held back to `as_of`), so coverage and the simulation agree
/// about which deals count.
fn open_pipeline_closing_in(
    deals: &[PipelineDeal],
    quarter: Period,
    as_of: NaiveDate,
    currency: Currency,
) -> Result<Money, CoordinatorError> {
    let open = deals.iter().filter(|d| {
        !matches!(d.category, ForecastCategory::Closed | ForecastCategory::Omitted)
            && can_close_in(quarter, as_of, d.close_date)
    });
    Ok(Money::sum(currency, open.map(|d| d.amount))?)
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
    /// ARR now: at the end of the month of `as_of`, as the book holds it. Every figure of the
    /// snapshot is of month ends, that month's the latest; a book given events dated later in
    /// the month (a contract starting on the 28th, say) counts them.
    pub arr: Money,
    /// ARR growth over twelve months (fraction); `None` when the book does not reach twelve
    /// months back, or there was no ARR then.
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub growth_yoy: Option<Decimal>,
    /// Progress to the milestone.
    pub milestone: MilestoneProgress,
    /// When the milestone is reached, from simulated forecasts.
    pub eta: Option<MilestoneEta>,
    /// The milestone's date, if the plan has one.
    pub milestone_by: Option<NaiveDate>,
    /// The trailing-twelve-month bridge (from the book's first month, when it holds fewer: its
    /// `from` says).
    pub bridge_ttm: ArrBridge,
    /// New ARR over the same months: new business (new logos and reactivations) plus
    /// expansion. A renewal is not new ARR: renewed at the same price it changes no ARR, and
    /// renewed at a higher price only the increase is new (expansion). The renewed amount is in
    /// `bridge_ttm.composition.renewal`, shown apart.
    pub new_arr: Money,
    /// Velocity over the last quarter.
    pub velocity: Velocity,
    /// Net revenue retention, trailing twelve months.
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub nrr: Option<Decimal>,
    /// Gross revenue retention, trailing twelve months.
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub grr: Option<Decimal>,
    /// Quick ratio, trailing twelve months.
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub quick_ratio: Option<Decimal>,
    /// Gross margin (configured).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub gross_margin: Decimal,
    /// LTV ÷ CAC: LTV is ARPA × gross margin ÷ monthly logo churn (logos churned in the
    /// trailing year ÷ customers at its opening ÷ its months), `None` without churn, customers
    /// or a CAC (a CAC of zero).
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub ltv_to_cac: Option<Decimal>,
    /// Growth + FCF margin.
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub rule_of_40: Option<Decimal>,
    /// Customers with ARR whose CRM account ranks 1 to 500 in the Fortune list.
    pub fortune500: u32,
    /// Target.
    pub fortune500_target: u32,
    /// The quarter's new-ARR bookings target.
    pub quarter_target: Money,
    /// Open pipeline that can close this quarter ÷ the quarter's target (`None` against a
    /// target of zero). The open deals counted are those the quarter's simulation (`quarter`,
    /// [`monte_carlo_close`](crate::forecast::monte_carlo_close)) lets close in the quarter
    /// when none slips: dated in it, or past due (dated before it and still open, so moved to
    /// `as_of`). Closed deals are booked, not pipeline; omitted ones do not count.
    pub pipeline_coverage: Option<f64>,
    /// The quarter's close, simulated.
    pub quarter: CloseDistribution,
    /// Monthly ARR history used for the forecast (oldest first), through the month of `as_of`
    /// (`arr`).
    pub arr_history: Vec<(Month, Money)>,
    /// ARR forecast for the twelve month ends after `arr`'s, with an 80% interval, floored at
    /// zero (ARR cannot be negative).
    pub arr_forecast: Forecast,
    /// The forecast model (the default ensemble and its members).
    pub forecast_model: String,
    /// Days sales outstanding over 90 days.
    pub dso: Option<f64>,
    /// On-time collection rate (by amount) for invoices due in the last 90 days (`None` when
    /// none was due).
    pub on_time_rate: Option<f64>,
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
    /// `as_of` outside the ARR book ([`CoordinatorError::OutOfBook`]); a book of fewer than four
    /// months up to `as_of` ([`CoordinatorError::ShortHistory`]); a configuration that cannot be
    /// meant ([`CoordinatorError::InvalidConfig`]); a CRM account with a Fortune rank of 0
    /// ([`CoordinatorError::InvalidFortuneRank`], naming the account: ranks run from 1); an
    /// alert rule naming an unknown metric, two rules of one name, a rule with a negative
    /// cool-down or a threshold that is not a finite number, or an invalid health policy; a
    /// receivable issued by `as_of` but paid or credited after it
    /// ([`BillingError::SettledAfter`](crate::billing::BillingError::SettledAfter) in
    /// [`CoordinatorError::Billing`]: pass receivables as they stood on `as_of`, or open AR, DSO
    /// and on-time collection would count later cash as received); a pipeline deal id given
    /// twice ([`ForecastError::RepeatedDeal`](crate::forecast::ForecastError::RepeatedDeal));
    /// two different sync results of one integration at a moment its health reads
    /// ([`CoordinatorError::ConflictingSync`], see [`integration_health`]);
    /// or an engine's error on the sources (its own variant of [`CoordinatorError`]). On any
    /// error the alert state is left as it was. An alert on a figure the snapshot cannot define
    /// (growth without a year of history, on-time collection with nothing due) does not fire.
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
        cfg.check(currency)?;
        // Fortune ranks run from 1: a rank of 0 is bad data, not a Fortune 500 customer
        if let Some(a) = src.accounts.iter().find(|a| a.fortune_rank == Some(0)) {
            return Err(CoordinatorError::InvalidFortuneRank { account: a.id.clone(), rank: 0 });
        }
        if k + 1 < SNAPSHOT_MONTHS {
            return Err(CoordinatorError::ShortHistory { months: k + 1, needed: SNAPSHOT_MONTHS });
        }
        let arr = book.arr_at(at)?;
        let from = k.saturating_sub(11);
        let bridge_ttm = book.bridge(months[from], at)?;
        // growth over twelve months needs the month end twelve months back (the book's opening
        // at the earliest): over fewer months it would be another figure
        let growth_yoy = if k >= 11 { bridge_ttm.growth_rate().ok() } else { None };
        let milestone = cfg.milestone.progress(book, at, 3)?;
        let velocity = book.velocity(at, 3)?;
        let retention = book.retention(at, 12).ok();
        let quick_ratio = bridge_ttm.quick_ratio(QuickRatioPolicy::WithReactivation).ok();

        // LTV from ARPA and monthly logo churn over the trailing year: ARPA × margin ÷ churn,
        // worked as ARPA × margin × lifetime, the lifetime (1 ÷ churn, in months) in one
        // division, so a whole number of months stays whole (1/24 a month is 24 months, not
        // 23.999…981 from a rounded rate)
        let churned = bridge_ttm.movements.churned_logos;
        let ltv_to_cac = match (book.arpa(at), bridge_ttm.opening_customers) {
            (Ok(arpa), open) if open > 0 && churned > 0 => {
                let months = Decimal::from((k - from + 1) as u64);
                let lifetime = Decimal::from(open)
                    .checked_mul(months)
                    .and_then(|x| x.checked_div(Decimal::from(churned)))
                    .ok_or(crate::money::MoneyError::Overflow("customer lifetime"))?;
                let ltv = arpa.checked_mul(cfg.gross_margin)?.checked_mul(lifetime)?;
                ltv.ratio(cfg.cac).ok()
            }
            _ => None,
        };
        let fortune500 = book
            .active_customer_ids(at)?
            .filter(|id| {
                src.accounts.iter().any(|a| a.id == *id && a.fortune_rank.is_some_and(|r| (1..=500).contains(&r)))
            })
            .count() as u32;

        // the quarter: coverage and a seeded Monte Carlo of the close
        let quarter = Quarter::of(day).period();
        let close = monte_carlo_close(src.pipeline, quarter, day, 10.0, cfg.quarter_target, 10_000, cfg.seed)?;
        let open_in_quarter = open_pipeline_closing_in(src.pipeline, quarter, day, currency)?;
        let pipeline_coverage = match cfg.quarter_target.is_zero() {
            true => None,
            false => open_in_quarter.ratio(cfg.quarter_target)?.to_f64(),
        };

        // ARR history through the month the snapshot reports (`arr`, the milestone's progress)
        // → the default ensemble → forecast and milestone ETA, which then start where the rest
        // of the snapshot stands
        let arr_history: Vec<(Month, Money)> =
            (0..=k).map(|j| Ok((months[j], book.arr_at(months[j])?))).collect::<Result<_, CoordinatorError>>()?;
        let series: Vec<f64> = arr_history.iter().map(|(_, m)| m.to_f64_lossy()).collect();
        let model = Ensemble::new(12).fit(&series)?;
        let mut arr_forecast = model.forecast(12, 0.8, cfg.seed)?;
        // ARR cannot fall below zero: nor do its forecast and bounds (an additive model's
        // interval would, around a book whose customers have all left)
        for v in arr_forecast.mean.iter_mut().chain(&mut arr_forecast.lower).chain(&mut arr_forecast.upper) {
            *v = v.max(0.0);
        }
        let history_money: Vec<Money> = arr_history.iter().map(|(_, m)| *m).collect();
        let eta = milestone_eta(&history_money, at, cfg.milestone.target, 120, 2_000, cfg.seed).ok();

        // collections over the last 90 days
        let window_start = day - chrono::Duration::days(90);
        // balances are cumulative: each must be as it stood on `day`
        for r in src.receivables.iter().filter(|r| r.issue_date() <= day) {
            r.check_as_of(day)?;
        }
        let open_ar = Money::sum(currency, src.receivables.iter().filter(|r| r.issue_date() <= day).map(|r| r.open()))?;
        let dso = days_sales_outstanding(open_ar, src.billed_90d, 90).ok();
        let on_time = on_time_collection(src.receivables, currency, window_start, day)?;

        let integrations = integration_health(src.syncs, as_of, &cfg.health)?;
        let down = integrations.iter().filter(|h| h.state == HealthState::Down).count();
        let degraded = integrations.iter().filter(|h| h.state == HealthState::Degraded).count();
        let on_time_rate = (on_time.due > 0).then(|| on_time.rate_by_amount.to_f64_lossy());
        let rule_of_40 = growth_yoy.map(|g| crate::arr::rule_of_40(g, cfg.fcf_margin)).transpose()?;
        let mut metrics: Vec<(String, f64)> = vec![
            ("arr".into(), arr.to_f64_lossy()),
            ("milestone_on_track".into(), f64::from(u8::from(milestone.on_track))),
            ("p_quarter_target".into(), close.p_target),
            ("fortune500_gap".into(), f64::from(cfg.fortune500_target.saturating_sub(fortune500))),
            ("integrations_down".into(), down as f64),
            ("integrations_degraded".into(), degraded as f64),
        ];
        let optional = [
            ("growth_yoy", growth_yoy.and_then(|g| g.to_f64())),
            ("pipeline_coverage", pipeline_coverage),
            ("on_time_rate", on_time_rate),
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
        let new_arr = bridge_ttm.composition.new_business.checked_add(bridge_ttm.composition.expansion)?;
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
            on_time_rate,
            integrations,
            alerts: fired,
        })
    }

    /// The quarter the snapshot's pipeline figures refer to.
    pub fn quarter_period(&self) -> Period {
        Quarter::of(self.as_of).period()
    }
}
