//! The demo company end to end: the books tie from quotes to contracts, schedules, invoices,
//! payments and ARR, to the cent; the snapshot is deterministic and explains its alerts.

use rust_decimal::Decimal;

use revops::billing::{BillingAlignment, Receivable};
use revops::calendar::{Month, Period};
use revops::coordinator::demo::DemoCompany;
use revops::coordinator::{integration_health, AlertState, ExecutiveSnapshot, HealthState};
use revops::ledger::{Account, InMemoryLedger};
use revops::money::Money;
use revops::revrec::{Billing, ContractSchedule};

fn months_covering(p: Period) -> Vec<Period> {
    let last = p.last_day().map(Month::of).unwrap_or(Month::of(p.start()));
    Month::of(p.start()).through(last).map(Month::period).collect()
}

#[test]
fn books_tie_from_quote_to_arr() {
    let company = DemoCompany::generate(42).unwrap();
    let book = company.arr_book().unwrap();
    let last = book.last_month();
    assert!(company.bookings.len() > 400, "{} bookings", company.bookings.len());
    for b in &company.bookings {
        let c = b.contract.currency;
        // quote → contract: the transaction price is the quote's net
        assert_eq!(b.contract.price.fixed, b.quote.net_total, "{}", b.customer);
        // contract → schedule: revenue over the term is the transaction price
        let schedule = ContractSchedule::build(&b.contract, &months_covering(b.contract.term)).unwrap();
        let recognised = Money::sum(c, schedule.period_totals().unwrap()).unwrap();
        assert_eq!(recognised, b.quote.net_total, "{}", b.customer);
        // billing terms → invoices: four quarterly instalments are the contract price, and every
        // invoice issued so far is one of them
        assert!(matches!(b.terms.alignment, BillingAlignment::Anniversary(_)));
        let items = b.terms.schedule_total(b.contract.price.fixed).unwrap();
        assert_eq!(Money::sum(c, items.iter().map(|i| i.amount)).unwrap(), b.quote.net_total);
        for (inv, item) in b.invoices.iter().zip(&items) {
            assert_eq!(inv.total(), item.amount);
            assert_eq!(inv.subtotal().checked_add(inv.tax()).unwrap(), inv.total());
        }
        // invoices → payments → receivables: what is open is billed minus paid
        let billed = Money::sum(c, b.invoices.iter().map(|i| i.total())).unwrap();
        let paid = Money::sum(c, b.payments.iter().map(|p| p.amount())).unwrap();
        let open = Money::sum(
            c,
            company.receivables.iter().filter(|r| r.customer() == b.customer).map(|r: &Receivable| r.open()),
        )
        .unwrap();
        assert_eq!(billed.checked_sub(paid).unwrap(), open, "{}", b.customer);
        // billings and revenue post to a ledger whose deferred revenue is billed − recognised
        let billings: Vec<Billing> =
            b.invoices.iter().map(|i| Billing { date: i.issue_date(), amount: i.subtotal() }).collect();
        let mut ledger = InMemoryLedger::new();
        schedule.post_journal(&billings, &mut ledger).unwrap();
        let rf = schedule.rollforward(&billings).unwrap();
        let closing = rf.rows.last().unwrap().closing;
        assert_eq!(-ledger.balance(Account::DeferredRevenue, c).unwrap(), closing.liability());
        assert_eq!(ledger.balance(Account::ContractAsset, c).unwrap(), closing.asset());
        // contract → ARR: the customer's ARR today is the contract's annual value
        assert_eq!(book.customer_arr(&b.customer, last).unwrap(), Some(b.quote.net_arr), "{}", b.customer);
    }
}

#[test]
fn snapshot_is_deterministic_rendered_and_explained() {
    let company = DemoCompany::generate(42).unwrap();
    let book = company.arr_book().unwrap();
    let cfg = company.config();
    let sources = company.sources(&book);
    let mut state = AlertState::default();
    let a = ExecutiveSnapshot::build(company.as_of, sources, &cfg, &mut state).unwrap();
    let b = ExecutiveSnapshot::build(company.as_of, sources, &cfg, &mut AlertState::default()).unwrap();
    assert_eq!(a, b);
    // the demo is the company the issue describes
    let arr = a.arr.to_f64_lossy();
    assert!((750e6..850e6).contains(&arr), "ARR {arr}");
    assert_eq!(a.fortune500, 280);
    assert!(a.milestone.progress < Decimal::ONE);
    assert!(a.bridge_ttm.ties());
    // alerts explain themselves and respect their cool-down
    assert!(!a.alerts.is_empty());
    assert!(a.alerts.iter().all(|x| x.sentence(a.currency).ends_with('.')));
    let again = ExecutiveSnapshot::build(company.as_of, sources, &cfg, &mut state).unwrap();
    assert!(again.alerts.is_empty(), "cool-down: {:?}", again.alerts);
    // integrations as the sync log says
    let health = integration_health(&company.syncs, company.as_of, &cfg.health).unwrap();
    let state_of = |n: &str| health.iter().find(|h| h.integration == n).unwrap().state;
    assert_eq!(
        (state_of("salesforce"), state_of("netsuite"), state_of("fx-feed")),
        (HealthState::Healthy, HealthState::Degraded, HealthState::Degraded)
    );
    let netsuite = health.iter().find(|h| h.integration == "netsuite").unwrap();
    assert_eq!(netsuite.reasons, ["last successful sync 5 hours ago (stale after 2 hours)"]);
    // renderings
    let t = a.to_terminal();
    assert!(t.contains("EXECUTIVE REVENUE SNAPSHOT") && t.contains("Fortune 500"));
    let md = a.to_markdown();
    assert!(md.starts_with("# Executive revenue snapshot") && md.contains("| NRR / GRR (TTM) |"));
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<ExecutiveSnapshot>(&json).unwrap(), a);
    }
}

#[test]
fn same_seed_same_company_other_seed_other_company() {
    let a = DemoCompany::generate(1).unwrap();
    let b = DemoCompany::generate(1).unwrap();
    let c = DemoCompany::generate(2).unwrap();
    assert_eq!(a.events, b.events);
    assert_ne!(a.events, c.events);
    // Fortune ranks are distinct across customers and prospects
    let mut ranks: Vec<u32> = a.accounts.iter().filter_map(|x| x.fortune_rank).collect();
    let n = ranks.len();
    ranks.sort_unstable();
    ranks.dedup();
    assert_eq!((n, ranks.len()), (500, 500));
}

/// Evaluating alerts is all or nothing: a rule naming an unknown metric fails the call, and no
/// earlier rule of that call is recorded as fired (it would then stay quiet for its cool-down
/// though the caller never saw it).
#[test]
fn a_failed_alert_evaluation_leaves_the_cool_downs_as_they_were() {
    use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, CoordinatorError, Severity};
    use revops::rules::{Comparison, Condition};
    let rule = |name: &str, metric: &str| AlertRule {
        name: name.into(),
        when: Condition::new(metric, Comparison::Below, 1.0),
        severity: Severity::Warning,
        cooldown_days: 7,
    };
    let rules = [rule("nrr below 100%", "nrr"), rule("typo", "nrrr")];
    let metrics = [("nrr".to_string(), 0.98)];
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let mut state = AlertState::default();
    let before = state.clone();
    let r = evaluate_alerts(&rules, &metrics, day, &mut state);
    assert!(matches!(r, Err(CoordinatorError::UnknownMetric(_))), "{r:?}");
    assert_eq!(state, before);
    // without the typo the rule fires, and then cools down
    assert_eq!(evaluate_alerts(&rules[..1], &metrics, day, &mut state).unwrap().len(), 1);
    assert!(evaluate_alerts(&rules[..1], &metrics, day, &mut state).unwrap().is_empty());
}

/// A NaN or inverted failure-rate threshold would silently never mark an integration down.
#[test]
fn meaningless_health_thresholds_are_refused() {
    use revops::coordinator::{integration_health, HealthPolicy, SyncResult};
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let runs = [SyncResult { integration: "fx".into(), at, ok: false, records: 0 }];
    let bad = [
        HealthPolicy { down_failure_rate: f64::NAN, ..HealthPolicy::default() },
        HealthPolicy { degraded_failure_rate: 0.9, down_failure_rate: 0.5, ..HealthPolicy::default() },
        HealthPolicy { degraded_failure_rate: -0.1, ..HealthPolicy::default() },
        HealthPolicy { window: 0, ..HealthPolicy::default() },
        HealthPolicy { stale_after_minutes: -1, ..HealthPolicy::default() },
    ];
    for policy in bad {
        assert!(integration_health(&runs, at, &policy).is_err(), "{policy:?}");
    }
    assert!(integration_health(&runs, at, &HealthPolicy::default()).is_ok());
}

// ---- issue 24: what an executive reads ----

/// A small company for snapshot tests: one customer a month from January 2025 at $12,000 a
/// year, every customer of 2025 renewing at its anniversary in 2026 at the same price, and
/// `extra` events on top.
fn small_company(extra: &[revops::arr::SubscriptionEvent]) -> (revops::arr::ArrBook, chrono::NaiveDateTime) {
    use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    use revops::money::{Currency, InMemoryFxRates};
    let usd = |d: i64| Money::new(Decimal::from(d), Currency::USD);
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut events = Vec::new();
    for k in 0..23u32 {
        let (y, m) = (2025 + (k / 12) as i32, k % 12 + 1);
        let customer = format!("c{k:02}");
        events.push(Ev::start(&format!("s{k}"), &customer, "main", day(y, m, 10), usd(12_000), Interval::Year));
        if y == 2025 {
            events.push(Ev::renew(&format!("r{k}"), &customer, "main", day(2026, m, 10), usd(12_000), Interval::Year));
        }
    }
    events.extend_from_slice(extra);
    let months = Month::new(2025, 1).unwrap()..=Month::new(2026, 11).unwrap();
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months, &InMemoryFxRates::new()).unwrap();
    (book, day(2026, 11, 24).and_hms_opt(9, 0, 0).unwrap())
}

fn small_snapshot(book: &revops::arr::ArrBook, as_of: chrono::NaiveDateTime) -> ExecutiveSnapshot {
    use revops::coordinator::SnapshotSources;
    let mut cfg = DemoCompany::generate(1).unwrap().config();
    cfg.alert_rules.clear();
    let sources = SnapshotSources {
        arr: book,
        accounts: &[],
        pipeline: &[],
        receivables: &[],
        billed_90d: Money::zero(revops::money::Currency::USD),
        syncs: &[],
    };
    ExecutiveSnapshot::build(as_of, sources, &cfg, &mut AlertState::default()).unwrap()
}

/// A rolling book (January 2025 to November 2026) with a plan whose date has gone by before
/// the book begins: the book cannot judge that date, so the milestone is read by ARR now, and
/// the snapshot still builds.
#[test]
fn a_snapshot_builds_with_a_milestone_dated_before_its_book() {
    use revops::arr::Milestone;
    use revops::coordinator::SnapshotSources;
    let (book, as_of) = small_company(&[]);
    let mut cfg = DemoCompany::generate(1).unwrap().config();
    cfg.alert_rules.clear();
    cfg.milestone = Milestone {
        target: Money::new(Decimal::from(1_000_000_000), revops::money::Currency::USD),
        by: chrono::NaiveDate::from_ymd_opt(2024, 6, 30),
    };
    let sources = SnapshotSources {
        arr: &book,
        accounts: &[],
        pipeline: &[],
        receivables: &[],
        billed_90d: Money::zero(revops::money::Currency::USD),
        syncs: &[],
    };
    let s = ExecutiveSnapshot::build(as_of, sources, &cfg, &mut AlertState::default()).unwrap();
    assert!(!s.milestone.on_track);
}

fn row(s: &ExecutiveSnapshot, label: &str) -> String {
    s.rows().into_iter().find(|r| r.1.starts_with(label)).map(|r| r.2).unwrap_or_else(|| panic!("no row {label:?}"))
}

/// A renewal at the same price is not new money: the trailing year's new ARR is the twelve
/// customers who started in it ($144,000), not those plus eleven same-price renewals
/// ($132,000 more). (Movements are month-end differences, as in the dbt mrr-playbook; a renewal
/// at an unchanged price changes no month-end ARR, so it is no movement at all.)
#[test]
fn renewals_are_not_new_arr() {
    let (book, as_of) = small_company(&[]);
    let s = small_snapshot(&book, as_of);
    // the book sees the renewals, and they are no movement
    assert_eq!(s.bridge_ttm.composition.renewal.to_string(), "USD 132,000.00");
    assert_eq!(s.bridge_ttm.expansion, Money::zero(s.currency));
    assert_eq!(s.new_arr.to_string(), "USD 144,000.00");
    let new_arr = row(&s, "New ARR");
    assert!(new_arr.starts_with("$144.0K"), "{new_arr}");
    assert!(!new_arr.contains("renew"), "renewals are not new ARR: {new_arr}");
}

/// Alerts read as sentences: (metric, comparison, threshold, monthly readings) → the sentence of
/// the last month's alert.
/// The sentence of the one alert a rule `metric comparison threshold` fires after `readings`,
/// one a month.
fn sentence_after(metric: &str, comparison: revops::rules::Comparison, threshold: f64, readings: &[f64]) -> String {
    use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, Severity};
    let rules = [AlertRule {
        name: "rule".into(),
        when: revops::rules::Condition::new(metric, comparison, threshold),
        severity: Severity::Warning,
        cooldown_days: 0,
    }];
    let mut state = AlertState::default();
    let mut last = Vec::new();
    for (k, value) in readings.iter().enumerate() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9 + k as u32, 24).unwrap();
        last = evaluate_alerts(&rules, &[(metric.to_string(), *value)], day, &mut state).unwrap();
    }
    assert_eq!(last.len(), 1, "{metric} {readings:?}");
    last[0].sentence(revops::money::Currency::USD)
}

#[test]
fn alerts_read_as_sentences() {
    use revops::rules::Comparison;
    use Comparison::*;
    #[rustfmt::skip]
    let table: &[(&str, Comparison, f64, &[f64], &str)] = &[
        ("nrr", Below, 1.0, &[0.97, 0.962], "Net revenue retention fell to 96.2%, below the 100% floor, for the second month."),
        ("nrr", Below, 1.0, &[0.95, 0.97, 0.962], "Net revenue retention fell to 96.2%, below the 100% floor, for the third month."),
        ("nrr", Below, 1.1, &[1.12, 1.0766], "Net revenue retention fell to 107.7%, below the 110% floor."),
        ("nrr", Below, 1.1, &[1.0766], "Net revenue retention is 107.7%, below the 110% floor."),
        ("grr", Below, 0.9, &[0.85, 0.871], "Gross revenue retention rose to 87.1%, below the 90% floor, for the second month."),
        ("pipeline_coverage", Below, 3.0, &[2.4565], "Pipeline coverage for the quarter is 2.5x, below the 3x floor."),
        ("p_quarter_target", Below, 0.5, &[0.6, 0.42], "The chance of making the quarter's target fell to 42.0%, below the 50% floor."),
        ("milestone_on_track", Below, 1.0, &[0.0], "ARR is behind the plan for the milestone."),
        ("milestone_on_track", Below, 1.0, &[0.0, 0.0], "ARR is behind the plan for the milestone, for the second month."),
        ("integrations_degraded", AtLeast, 1.0, &[2.0], "2 integrations are degraded."),
        ("integrations_down", AtLeast, 1.0, &[0.0, 1.0], "1 integration is down."),
        ("integrations_down", AtLeast, 2.0, &[3.0], "3 integrations are down, at or above the limit of 2."),
        ("dso", Above, 45.0, &[40.0, 52.4], "Days sales outstanding rose to 52 days, above the 45-day ceiling."),
        ("rule_of_40", Below, 0.4, &[0.3349], "The Rule of 40 score is 33.5%, below the 40% floor."),
        ("on_time_rate", Below, 0.9, &[0.86], "On-time collection is 86.0%, below the 90% floor."),
        ("growth_yoy", AtMost, 0.2, &[0.155], "ARR growth over twelve months is 15.5%, at or below the 20% floor."),
        ("quick_ratio", Below, 4.0, &[3.21], "The quick ratio is 3.2x, below the 4x floor."),
        ("ltv_to_cac", Below, 3.0, &[2.84], "LTV to CAC is 2.8x, below the 3x floor."),
        ("arr", Below, 800e6, &[786.04e6], "ARR is $786.0M, below the $800M floor."),
        ("fortune500_gap", Above, 10.0, &[20.0], "The gap to the Fortune 500 target is 20 customers, above the 10-customer ceiling."),
        ("seat_utilisation", AtLeast, 0.9, &[0.953], "seat_utilisation is 0.95, at or above the 0.9 ceiling."),
    ];
    for (metric, comparison, threshold, readings, sentence) in table {
        assert_eq!(sentence_after(metric, *comparison, *threshold, readings), *sentence, "{metric} {readings:?}");
    }
}

/// The dashboard's ranges say what they are: a legend under the table, and the forecast's
/// interval named with its level.
#[test]
fn the_dashboard_has_a_legend() {
    let (book, as_of) = small_company(&[]);
    let s = small_snapshot(&book, as_of);
    let t = s.to_terminal();
    assert!(t.contains("| LEGEND"), "{t}");
    assert!(t.contains("80% prediction interval"), "{t}");
    assert!(t.contains("10th, 50th and 90th percentiles"), "{t}");
    let md = s.to_markdown();
    assert!(md.contains("80% prediction interval"), "{md}");
}

/// Nothing a person reads is a raw decimal: no "name = 1.0766", no figures with more places
/// than a person reads.
#[test]
fn no_raw_decimals_on_the_dashboard() {
    let company = DemoCompany::generate(42).unwrap();
    let book = company.arr_book().unwrap();
    let s =
        ExecutiveSnapshot::build(company.as_of, company.sources(&book), &company.config(), &mut AlertState::default())
            .unwrap();
    let t = s.to_terminal();
    assert!(!t.contains(" = "), "{t}");
    for word in t.split(|c: char| c.is_whitespace() || "|()[],;·".contains(c)) {
        if let Some((_, decimals)) = word.split_once('.') {
            let digits = decimals.chars().take_while(|c| c.is_ascii_digit()).count();
            assert!(digits <= 1, "{word:?} in\n{t}");
        }
    }
}

/// A renewal at a higher price is new ARR for the increase only (expansion), never for the
/// renewed amount.
#[test]
fn a_renewal_at_a_higher_price_is_new_arr_for_the_increase_only() {
    use revops::arr::{Interval, SubscriptionEvent as Ev};
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let usd = |d: i64| Money::new(Decimal::from(d), revops::money::Currency::USD);
    // c23 started before the window and renews in March 2026 at $15,000 instead of $10,000
    let extra = [
        Ev::start("s-up", "c23", "main", day(2025, 2, 3), usd(10_000), Interval::Year),
        Ev::renew("r-up", "c23", "main", day(2026, 2, 3), usd(15_000), Interval::Year),
    ];
    let (book, as_of) = small_company(&extra);
    let s = small_snapshot(&book, as_of);
    assert_eq!(s.bridge_ttm.composition.expansion, usd(5_000));
    assert_eq!(s.new_arr, usd(149_000)); // twelve new customers and the $5,000 increase
    assert_eq!(s.bridge_ttm.composition.renewal, usd(147_000)); // eleven at $12,000 and one at $15,000
}

/// Money axis ticks: (low, high, at most) → round ticks covering the range, and their labels.
///
/// Reference: matplotlib 3.11.2, `MaxNLocator(nbins=max - 1, steps=[1, 2, 2.5, 5, 10])
/// .tick_values(low, high)` gives the same ticks for every row but one. For -3..7 in 6 it gives
/// -4, -2, …, 8 (seven ticks): its `nbins` bounds the intervals inside the data, while
/// `axis_ticks` bounds every tick it returns, the covering ends included, so it takes the next
/// step, 2.5.
#[test]
fn axis_ticks_are_round_figures_covering_the_range() {
    use revops::coordinator::{axis_label, axis_ticks};
    let usd = |s: &str| Money::new(s.parse().unwrap(), revops::money::Currency::USD);
    #[rustfmt::skip]
    let table: &[(&str, &str, usize, &[&str])] = &[
        // the dashboard's range: history from $430M, the forecast band up to $1.1B
        ("430000000", "1100000000", 7, &["$400M", "$600M", "$800M", "$1B", "$1.2B"]),
        ("812000000", "1000000000", 4, &["$800M", "$900M", "$1B"]),
        ("800000000", "1000000000", 6, &["$800M", "$850M", "$900M", "$950M", "$1B"]),
        ("659900000", "1100000000", 6, &["$600M", "$700M", "$800M", "$900M", "$1B", "$1.1B"]),
        ("0", "1", 5, &["$0", "$0.25", "$0.5", "$0.75", "$1"]),
        ("-3", "7", 6, &["-$5", "-$2.5", "$0", "$2.5", "$5", "$7.5"]),
        ("1234000", "1236000", 5, &["$1.234M", "$1.2345M", "$1.235M", "$1.2355M", "$1.236M"]),
        ("120000", "390000", 4, &["$100K", "$200K", "$300K", "$400K"]),
        ("2400000", "2600000", 3, &["$2.4M", "$2.5M", "$2.6M"]),
        ("786000000", "786000000", 6, &["$700M", "$800M"]),
        ("0", "0", 6, &["$0", "$10"]),
    ];
    for (lo, hi, max, labels) in table {
        let ticks = axis_ticks(usd(lo), usd(hi), *max).unwrap();
        let shown: Vec<String> = ticks.iter().copied().map(axis_label).collect();
        assert_eq!(shown, *labels, "{lo}..{hi} in {max}");
        // round, covering, within the count, evenly spaced
        assert!(ticks.len() >= 2 && ticks.len() <= *max, "{shown:?}");
        assert!(
            ticks[0].amount() <= usd(lo).amount() && ticks.last().unwrap().amount() >= usd(hi).amount(),
            "{shown:?}"
        );
        let step = ticks[1].checked_sub(ticks[0]).unwrap().amount();
        assert!(ticks.windows(2).all(|w| w[1].checked_sub(w[0]).unwrap().amount() == step));
        let mut digits = step.normalize().mantissa();
        while digits % 10 == 0 {
            digits /= 10;
        }
        assert!([1, 2, 25, 5].contains(&digits), "step {step}");
    }
    // refused: reversed, fewer than two ticks, two currencies
    assert!(axis_ticks(usd("2"), usd("1"), 5).is_err());
    assert!(axis_ticks(usd("1"), usd("2"), 1).is_err());
    assert!(axis_ticks(usd("1"), Money::new(Decimal::TWO, revops::money::Currency::EUR), 5).is_err());
}

/// A tick count is only accepted when the ticks really reach both ends: dividing an end by a huge
/// step can round a tiny quotient to zero (Decimal keeps 28 places), and the floor or ceiling of
/// that zero is a tick inside the range. Found by the no-panic property at 5,000 cases.
#[test]
fn axis_ticks_cover_the_range_when_dividing_by_the_step_rounds_to_zero() {
    use revops::coordinator::axis_ticks;
    let usd = |s: &str| Money::new(s.parse().unwrap(), revops::money::Currency::USD);
    let table: &[(&str, &str, usize)] = &[
        ("-1", "1844674407.3709551616", 2),
        ("-1", "1844674407.3709551616", 3),
        ("-0.0000000001", "70000000000000000000000000000", 2),
        ("-70000000000000000000000000000", "0.0000000001", 2),
        ("0.0000000001", "70000000000000000000000000000", 2),
    ];
    for (lo, hi, max) in table {
        if let Ok(ticks) = axis_ticks(usd(lo), usd(hi), *max) {
            assert!(ticks.len() >= 2 && ticks.len() <= *max, "{lo}..{hi} in {max}: {ticks:?}");
            assert!(
                ticks[0].amount() <= usd(lo).amount() && ticks[ticks.len() - 1].amount() >= usd(hi).amount(),
                "{lo}..{hi} in {max}: {ticks:?}"
            );
        }
    }
}

/// The chart says what its lines and its band are, and puts its y-axis ticks at round figures.
#[test]
fn the_chart_has_a_legend_and_round_ticks() {
    let company = DemoCompany::generate(42).unwrap();
    let book = company.arr_book().unwrap();
    let s =
        ExecutiveSnapshot::build(company.as_of, company.sources(&book), &company.config(), &mut AlertState::default())
            .unwrap();
    let svg = s.to_svg();
    assert!(svg.contains(r#"<g class="legend">"#), "{svg}");
    for entry in ["ARR at each month end", "forecast (", "80% prediction interval", "$1B milestone by 2028-12-31"] {
        assert!(svg.contains(entry), "{entry:?} missing from the legend");
    }
    // (the step follows the plotted range, forecast band included: $100M or $200M here)
    for tick in ["$800M", "$1B"] {
        assert!(svg.contains(&format!(">{tick}</text>")), "{tick} tick missing");
    }
}

// ---- the snapshot's figures agree with each other ----

mod agree {
    use chrono::NaiveDate;
    use revops::arr::{ArrBook, ArrPolicy, Interval, Milestone, SubscriptionEvent as Ev};
    use revops::calendar::Month;
    use revops::coordinator::{
        evaluate_alerts, AlertRule, AlertState, CoordinatorError, ExecutiveSnapshot, HealthPolicy, Severity,
        SnapshotConfig, SnapshotSources,
    };
    use revops::forecast::{ForecastCategory, PipelineDeal};
    use revops::money::{Currency, InMemoryFxRates, Money};
    use revops::rules::{Comparison, Condition};
    use rust_decimal::Decimal;

    fn usd(s: &str) -> Money {
        Money::parse(s, Currency::USD).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn month(y: i32, m: u32) -> Month {
        Month::new(y, m).unwrap()
    }
    pub(crate) fn config(target: Money) -> SnapshotConfig {
        SnapshotConfig {
            milestone: Milestone { target, by: None },
            fortune500_target: 0,
            quarter_target: usd("1000000"),
            gross_margin: Decimal::new(8, 1),
            cac: usd("1000"),
            fcf_margin: Decimal::new(1, 1),
            alert_rules: vec![],
            health: HealthPolicy::default(),
            seed: 1,
        }
    }
    pub(crate) fn snapshot(
        book: &ArrBook,
        day: NaiveDate,
        cfg: &SnapshotConfig,
        pipeline: &[PipelineDeal],
    ) -> Result<ExecutiveSnapshot, CoordinatorError> {
        let src =
            SnapshotSources { arr: book, accounts: &[], pipeline, receivables: &[], billed_90d: usd("0"), syncs: &[] };
        ExecutiveSnapshot::build(day.and_hms_opt(9, 0, 0).unwrap(), src, cfg, &mut AlertState::default())
    }
    /// One new $1,000-a-month customer on the 5th of each of `n` months: ARR +12,000 a month.
    fn one_new_customer_a_month(first: Month, n: i32) -> Vec<Ev> {
        (0..n)
            .map(|i| {
                let m = first.checked_add(i).unwrap();
                let day = m.period().start() + chrono::Duration::days(4);
                Ev::start(&format!("e{i}"), &format!("c{i}"), "s", day, usd("1000"), Interval::Month)
            })
            .collect()
    }
    fn book(events: &[Ev], first: Month, last: Month) -> ArrBook {
        ArrBook::build(events, ArrPolicy::default(), Currency::USD, first..=last, &InMemoryFxRates::new()).unwrap()
    }
    fn rule(name: &str, metric: &str, below: f64, severity: Severity) -> AlertRule {
        AlertRule {
            name: name.into(),
            when: Condition::new(metric, Comparison::Below, below),
            severity,
            cooldown_days: 7,
        }
    }

    /// Before: the forecast and the milestone ETA were fitted to the months before the as-of
    /// month, while the snapshot's ARR and milestone progress are the as-of month's: the ETA
    /// said a target reached for certain in November while December's ARR ($408,000) was
    /// below it ($420,000), and "ARR in 12 months" was eleven months on ($564,000 where the
    /// line gives $576,000).
    #[test]
    fn the_forecast_and_the_milestone_eta_start_from_the_months_arr_the_snapshot_reports() {
        let mut events = one_new_customer_a_month(month(2024, 1), 35);
        events.push(Ev::cancel("x", "c0", "s", d(2026, 12, 10), None));
        let b = book(&events, month(2024, 1), month(2026, 12));
        let s = snapshot(&b, d(2026, 12, 15), &config(usd("420000")), &[]).unwrap();
        assert_eq!((s.arr, s.arr_history.last().copied()), (usd("408000"), Some((month(2026, 12), usd("408000")))));
        assert!(s.milestone.remaining.amount() > Decimal::ZERO);
        assert!(s.eta.unwrap().probability_by(month(2026, 12)) < 1.0);
        // a line: twelve months after December 2026's $432,000 is $576,000
        let b = book(&one_new_customer_a_month(month(2024, 1), 36), month(2024, 1), month(2026, 12));
        let s = snapshot(&b, d(2026, 12, 31), &config(usd("10000000")), &[]).unwrap();
        assert_eq!(s.arr, usd("432000"));
        assert!((s.arr_forecast.mean[11] - 576_000.0).abs() < 1.0, "{:?}", s.arr_forecast.mean);
        // a target the reported ARR meets is reached in the as-of month, for certain
        let s = snapshot(&b, d(2026, 12, 31), &config(usd("432000")), &[]).unwrap();
        assert_eq!(s.milestone.days_to_target, Some(0));
        let eta = s.eta.unwrap();
        assert_eq!((eta.probability_by(month(2026, 12)), eta.p90), (1.0, Some(month(2026, 12))));
    }

    /// Before: an undefined growth rate (no ARR a year ago) reached the alerts as 0 % and fired
    /// a critical "growth below 20 %" alert; so did an on-time collection rate with nothing due.
    #[test]
    fn an_undefined_figure_fires_no_alert() {
        let b = book(&one_new_customer_a_month(month(2026, 1), 12), month(2026, 1), month(2026, 12));
        let mut cfg = config(usd("10000000"));
        cfg.alert_rules = vec![
            rule("growth", "growth_yoy", 0.2, Severity::Critical),
            rule("collections", "on_time_rate", 0.8, Severity::Warning),
        ];
        let s = snapshot(&b, d(2026, 12, 15), &cfg, &[]).unwrap();
        assert_eq!((s.growth_yoy, s.on_time_rate), (None, None));
        assert!(s.alerts.is_empty(), "{}", s.alerts[0].sentence(Currency::USD));
    }

    /// Before: on a book of six months, "ARR growth over twelve months" was six months' growth
    /// (60 %, and a Rule of 40 of 70 %).
    #[test]
    fn growth_over_twelve_months_needs_twelve_months() {
        let mut events = vec![Ev::start("old", "old", "s", d(2025, 1, 5), usd("10000"), Interval::Month)];
        events.extend(one_new_customer_a_month(month(2026, 7), 6));
        let b = book(&events, month(2026, 7), month(2026, 12));
        let s = snapshot(&b, d(2026, 12, 15), &config(usd("10000000")), &[]).unwrap();
        assert_eq!((s.growth_yoy, s.rule_of_40, s.nrr), (None, None, None));
        // with the book's opening twelve months back, it is defined
        let b = book(&one_new_customer_a_month(month(2025, 12), 13), month(2026, 1), month(2026, 12));
        let s = snapshot(&b, d(2026, 12, 15), &config(usd("10000000")), &[]).unwrap();
        assert_eq!(s.growth_yoy, Some(Decimal::from(12)));
    }

    /// Before: pipeline coverage divided by the target or $1, in `f64`: against a $0 target,
    /// $500,000 of pipeline read "500000.0x".
    #[test]
    fn pipeline_coverage_against_no_target_is_undefined() {
        let b = book(&one_new_customer_a_month(month(2024, 1), 36), month(2024, 1), month(2026, 12));
        let deal = PipelineDeal {
            id: "a".into(),
            rep: "r".into(),
            team: "t".into(),
            region: "x".into(),
            amount: usd("500000"),
            probability: "50%".parse().unwrap(),
            close_date: d(2026, 12, 20),
            category: ForecastCategory::Commit,
        };
        let mut cfg = config(usd("10000000"));
        cfg.quarter_target = usd("0");
        let s = snapshot(&b, d(2026, 12, 15), &cfg, std::slice::from_ref(&deal)).unwrap();
        assert_eq!(s.pipeline_coverage, None);
        cfg.quarter_target = usd("0.50");
        let s = snapshot(&b, d(2026, 12, 15), &cfg, std::slice::from_ref(&deal)).unwrap();
        assert_eq!(s.pipeline_coverage, Some(1_000_000.0));
    }

    /// Pipeline coverage counts the open deals the quarter's simulation lets close in the
    /// quarter: one dated inside it, and one past due (dated before the quarter, still open),
    /// which the simulation moves to the snapshot's day. Not one dated after the quarter, nor a
    /// closed deal (booked, not pipeline) or an omitted one. (Before: a past-due deal read 0.0x
    /// coverage beside a certain close of the target.)
    #[test]
    fn pipeline_coverage_counts_the_open_deals_the_quarter_simulation_counts() {
        use ForecastCategory::*;
        let b = book(&one_new_customer_a_month(month(2024, 1), 36), month(2024, 1), month(2026, 12));
        let day = d(2026, 12, 15); // the fourth quarter of 2026
        #[rustfmt::skip]
        let table: &[(&str, NaiveDate, ForecastCategory, f64)] = &[
            ("past due, dated last quarter", d(2026, 8, 20), Commit, 0.1),
            ("past due, dated last year", d(2025, 11, 3), Pipeline, 0.1),
            ("dated in the quarter", d(2026, 10, 20), BestCase, 0.1),
            ("dated next quarter", d(2027, 3, 1), Commit, 0.0),
            ("omitted", d(2026, 10, 20), Omitted, 0.0),
            ("closed in the quarter", d(2026, 10, 20), Closed, 0.0),
        ];
        for (label, close_date, category, coverage) in table {
            let deal = PipelineDeal {
                id: "a".into(),
                rep: "r".into(),
                team: "t".into(),
                region: "x".into(),
                amount: usd("100000"),
                probability: "100%".parse().unwrap(),
                close_date: *close_date,
                category: *category,
            };
            let s = snapshot(&b, day, &config(usd("10000000")), std::slice::from_ref(&deal)).unwrap();
            assert_eq!(s.pipeline_coverage, Some(*coverage), "{label}");
            if *category != Closed {
                // a certain open deal far from the quarter's ends: the simulation counts it in
                // full or not at all, as coverage does
                assert_eq!(s.quarter.mean.to_f64_lossy(), coverage * 1_000_000.0, "{label}");
            }
        }
    }

    /// Fortune ranks run from 1: ranks 1 to 500 are the Fortune 500, and a rank of 0 is refused
    /// naming the account, with the alert state left as it was. (Before: a rank of 0 counted
    /// as Fortune 500.)
    #[test]
    fn a_fortune_rank_of_zero_is_refused_naming_the_account() {
        use revops::coordinator::CrmAccount;
        let b = book(&one_new_customer_a_month(month(2024, 1), 36), month(2024, 1), month(2026, 12));
        let account = |id: &str, rank: Option<u32>| CrmAccount {
            id: id.into(),
            name: id.into(),
            industry: "x".into(),
            employees: 1,
            fortune_rank: rank,
            segment: "x".into(),
            owner: "x".into(),
        };
        let mut cfg = config(usd("10000000"));
        cfg.alert_rules = vec![rule("retention", "nrr", 2.0, Severity::Warning)];
        let build = |accounts: &[CrmAccount], state: &mut AlertState| {
            let src = SnapshotSources {
                arr: &b,
                accounts,
                pipeline: &[],
                receivables: &[],
                billed_90d: usd("0"),
                syncs: &[],
            };
            ExecutiveSnapshot::build(d(2026, 12, 15).and_hms_opt(9, 0, 0).unwrap(), src, &cfg, state)
        };
        let mut accounts =
            vec![account("c0", Some(1)), account("c1", Some(500)), account("c2", Some(501)), account("c3", None)];
        let s = build(&accounts, &mut AlertState::default()).unwrap();
        assert_eq!(s.fortune500, 2);
        accounts.push(account("c4", Some(0)));
        let mut state = AlertState::default();
        let got = build(&accounts, &mut state);
        let message = got.as_ref().err().map(ToString::to_string).unwrap_or_default();
        assert!(message.contains("\"c4\"") && message.contains("rank"), "{:?}", got.map(|s| s.fortune500));
        assert!(
            matches!(got, Err(CoordinatorError::InvalidFortuneRank { ref account, rank: 0 }) if account == "c4"),
            "{message}"
        );
        assert_eq!(state, AlertState::default());
    }

    /// Before: two rules of one name shared a cool-down, so a critical rule never fired after
    /// an informational one of the same name did.
    #[test]
    fn alert_rules_with_one_name_are_refused() {
        let rules = [rule("watch", "nrr", 1.0, Severity::Info), rule("watch", "grr", 0.9, Severity::Critical)];
        let metrics = [("nrr".to_string(), 0.95), ("grr".to_string(), 0.80)];
        let mut state = AlertState::default();
        let got = evaluate_alerts(&rules, &metrics, d(2026, 11, 30), &mut state);
        assert!(matches!(got, Err(CoordinatorError::DuplicateRule(ref name)) if name == "watch"), "{got:?}");
        assert_eq!(state, AlertState::default());
    }

    /// Before: a configuration read from JSON was used as it came: a negative CAC gave an LTV to
    /// CAC of −16, a gross margin of 150 % was taken, a negative target counted as reached.
    #[test]
    fn a_snapshot_configuration_that_cannot_be_meant_is_refused() {
        let b = book(&one_new_customer_a_month(month(2024, 1), 36), month(2024, 1), month(2026, 12));
        let day = d(2026, 12, 15);
        let bad: [fn(&mut SnapshotConfig); 6] = [
            |c| c.cac = usd("-1000"),
            |c| c.gross_margin = Decimal::new(15, 1),
            |c| c.gross_margin = Decimal::ZERO,
            |c| c.quarter_target = usd("-1"),
            |c| c.milestone.target = usd("0"),
            |c| c.cac = Money::parse("1000", Currency::EUR).unwrap(),
        ];
        for (i, spoil) in bad.iter().enumerate() {
            let mut cfg = config(usd("10000000"));
            spoil(&mut cfg);
            let got = snapshot(&b, day, &cfg, &[]);
            assert!(
                matches!(got, Err(CoordinatorError::InvalidConfig(_))),
                "case {i}: {:?}",
                got.map(|s| s.ltv_to_cac)
            );
        }
    }

    /// Before: a book of one or two months failed with `WindowOutsideBook` (from the quarter's
    /// velocity), one of three or four with `NoMember` (from the forecast): no snapshot, not
    /// even ARR. The snapshot says how many months it needs.
    #[test]
    fn a_book_too_short_for_the_snapshot_is_refused_saying_how_many_months_it_needs() {
        let b = book(&one_new_customer_a_month(month(2026, 12), 1), month(2026, 12), month(2026, 12));
        let got = snapshot(&b, d(2026, 12, 15), &config(usd("10000000")), &[]);
        assert!(matches!(got, Err(CoordinatorError::ShortHistory { months: 1, needed }) if needed > 1), "{got:?}");
    }
}

mod floor {
    use super::agree::{config, snapshot};
    use chrono::NaiveDate;
    use revops::arr::{ArrBook, ArrPolicy, Interval, SubscriptionEvent as Ev};
    use revops::calendar::Month;
    use revops::money::{Currency, InMemoryFxRates, Money};

    /// Before: a company whose customers all left had a forecast whose 80 % interval went
    /// below zero (to about −$68,900 on a book like this one): ARR cannot. The forecast and its
    /// bounds are floored at zero.
    #[test]
    fn the_arr_forecast_never_goes_below_zero() {
        let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let mut events = Vec::new();
        for i in 0..12u32 {
            let start = d(2025, 1 + i, 5);
            events.push(Ev::start(&format!("s{i}"), &format!("c{i}"), "s", start, usd("1000"), Interval::Month));
            events.push(Ev::cancel(&format!("x{i}"), &format!("c{i}"), "s", d(2026, 1 + i / 2, 10), None));
        }
        let months = Month::new(2025, 1).unwrap()..=Month::new(2026, 12).unwrap();
        let book =
            ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months, &InMemoryFxRates::new()).unwrap();
        let s = snapshot(&book, d(2026, 12, 15), &config(usd("10000000")), &[]).unwrap();
        let f = &s.arr_forecast;
        assert!(f.lower.iter().chain(&f.mean).chain(&f.upper).all(|v| *v >= 0.0), "{f:?}");
    }
}

/// A reading is shown with as many more places as it takes to sit on the side of the limit the
/// sentence states, and of the previous reading shown alike on the side its move states: 99.96%
/// is below a 100% floor, 100.0% is not; 52.4 days rose from 52.2, "52 days" from "52 days" did
/// not. Past three more places the sentence says "just below" (or above) and shows no figure;
/// a move too small to show at the most places is not claimed.
#[test]
fn an_alert_sentence_shows_a_reading_on_the_side_of_the_limit_it_states() {
    use revops::rules::Comparison;
    use Comparison::*;
    #[rustfmt::skip]
    let table: &[(&str, Comparison, f64, &[f64], &str)] = &[
        // each unit against its limit
        ("nrr", Below, 1.0, &[0.9996], "Net revenue retention is 99.96%, below the 100% floor."),
        ("quick_ratio", Below, 1.0, &[0.97], "The quick ratio is 0.97x, below the 1x floor."),
        ("dso", Above, 45.0, &[45.3], "Days sales outstanding is 45.3 days, above the 45-day ceiling."),
        ("arr", Below, 800e6, &[799_960_000.0], "ARR is $799.96M, below the $800M floor."),
        // each unit against the previous reading
        ("nrr", Below, 1.0, &[0.9621, 0.9624], "Net revenue retention rose to 96.24%, below the 100% floor, for the second month."),
        ("quick_ratio", Below, 3.0, &[2.41, 2.43], "The quick ratio rose to 2.43x, below the 3x floor, for the second month."),
        ("dso", Above, 45.0, &[52.2, 52.4], "Days sales outstanding rose to 52.4 days, above the 45-day ceiling, for the second month."),
        ("arr", Below, 800e6, &[786.02e6, 786.04e6], "ARR rose to $786.04M, below the $800M floor, for the second month."),
        ("dso", Above, 45.0, &[53.4, 52.6], "Days sales outstanding fell to 52.6 days, above the 45-day ceiling, for the second month."),
        // too close to the limit to show at any sensible precision
        ("nrr", Below, 1.0, &[0.9999999], "Net revenue retention is just below the 100% floor."),
        ("nrr", Below, 1.0, &[0.9999998, 0.9999999], "Net revenue retention rose to just below the 100% floor, for the second month."),
        ("dso", Above, 45.0, &[45.00001], "Days sales outstanding is just above the 45-day ceiling."),
        ("arr", Below, 800e6, &[799_999_999.0], "ARR is just below the $800M floor."),
        // a move too small to show is not claimed
        ("nrr", Below, 1.0, &[0.96, 0.9600000001], "Net revenue retention is 96.0%, below the 100% floor, for the second month."),
        // a threshold finer than the unit's usual places is shown as written, so the figure
        // shown is on the side of the threshold shown
        ("quick_ratio", Below, 1.004, &[1.003], "The quick ratio is 1.0x, below the 1.004x floor."),
        ("dso", Above, 44.96, &[44.97], "Days sales outstanding is 45 days, above the 44.96-day ceiling."),
        // at or below: the limit itself is on the stated side
        ("nrr", AtMost, 1.0, &[0.99996], "Net revenue retention is 100.0%, at or below the 100% floor."),
    ];
    for (metric, comparison, threshold, readings, sentence) in table {
        assert_eq!(sentence_after(metric, *comparison, *threshold, readings), *sentence, "{metric} {readings:?}");
    }
}

#[test]
fn alert_evaluation_refuses_a_metric_given_twice_and_a_negative_cool_down() {
    use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, CoordinatorError, Severity};
    use revops::rules::{Comparison, Condition};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    let rule = |cooldown_days| AlertRule {
        name: "x high".into(),
        when: Condition::new("x", Comparison::Above, 1.0),
        severity: Severity::Warning,
        cooldown_days,
    };
    // which of two readings of one metric a rule reads cannot be left to their order
    let mut state = AlertState::default();
    let twice = [("x".to_string(), 0.0), ("x".to_string(), 2.0)];
    assert!(matches!(
        evaluate_alerts(&[rule(0)], &twice, day, &mut state),
        Err(CoordinatorError::DuplicateMetric(m)) if m == "x"
    ));
    // days of quiet cannot be negative
    let r = evaluate_alerts(&[rule(-5)], &[("x".to_string(), 2.0)], day, &mut state);
    assert!(matches!(&r, Err(CoordinatorError::InvalidRule { rule, .. }) if rule == "x high"), "{r:?}");
    assert_eq!(state, AlertState::default());
}

#[test]
fn an_alert_streak_counts_only_months_that_were_evaluated_without_a_gap() {
    // evaluated in January and again in December, holding both times: nothing shows that it
    // held from February to November, so the run is two months long at most
    use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, Severity};
    use revops::rules::{Comparison, Condition};
    let rules = [AlertRule {
        name: "x high".into(),
        when: Condition::new("x", Comparison::Above, 1.0),
        severity: Severity::Warning,
        cooldown_days: 0,
    }];
    let run = |days: &[(i32, u32, u32)]| {
        let mut state = AlertState::default();
        let mut last = Vec::new();
        for &(y, m, d) in days {
            let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            last = evaluate_alerts(&rules, &[("x".to_string(), 2.0)], day, &mut state).unwrap();
        }
        last[0].months
    };
    // a gap of ten unobserved months starts the run again
    assert_eq!(run(&[(2026, 1, 31), (2026, 12, 1)]), 1);
    // one unobserved month (March) too
    assert_eq!(run(&[(2026, 1, 31), (2026, 2, 28), (2026, 4, 30)]), 1);
    // month after month, across a year's end, the run goes on
    assert_eq!(run(&[(2025, 11, 30), (2025, 12, 31), (2026, 1, 31)]), 3);
    // twice in one month counts that month once
    assert_eq!(run(&[(2026, 1, 1), (2026, 1, 31), (2026, 2, 1)]), 2);
}

/// "Stale after 120 minutes": a last success 120 minutes and 30 seconds ago is after it. (The
/// lag was cut to whole minutes before it was compared, so data up to 120 minutes 59 seconds
/// old read as fresh.)
#[test]
fn a_sync_older_than_the_staleness_limit_by_seconds_is_stale() {
    use revops::coordinator::{integration_health, HealthPolicy, SyncResult};
    let at = |h, m, s| chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, m, s).unwrap();
    let runs = [SyncResult { integration: "stripe".into(), at: at(8, 0, 0), ok: true, records: 10 }];
    let state = |now| integration_health(&runs, now, &HealthPolicy::default()).unwrap()[0].state;
    // exactly at the limit: not after it
    assert_eq!(state(at(10, 0, 0)), HealthState::Healthy);
    // one second after the limit, and thirty, and fifty-nine: stale
    assert_eq!(state(at(10, 0, 1)), HealthState::Degraded);
    assert_eq!(state(at(10, 0, 30)), HealthState::Degraded);
    assert_eq!(state(at(10, 0, 59)), HealthState::Degraded);
    // a limit of zero minutes: stale a second after the success, fresh at it
    let zero = HealthPolicy { stale_after_minutes: 0, ..HealthPolicy::default() };
    let state0 = |now| integration_health(&runs, now, &zero).unwrap()[0].state;
    assert_eq!(state0(at(8, 0, 0)), HealthState::Healthy);
    assert_eq!(state0(at(8, 0, 1)), HealthState::Degraded);
    // a limit beyond any duration never makes data stale, and does not panic
    let never = HealthPolicy { stale_after_minutes: i64::MAX, ..HealthPolicy::default() };
    assert_eq!(integration_health(&runs, at(23, 0, 0), &never).unwrap()[0].state, HealthState::Healthy);
}

/// An integration whose only reported runs are after the moment asked about has made no
/// attempt by then: it is down for want of a successful sync, and no reason claims that any of
/// its syncs failed (before: "100% of the last 0 syncs failed").
#[test]
fn an_integration_with_no_attempt_yet_gives_no_failure_share_as_a_reason() {
    use revops::coordinator::{integration_health, HealthPolicy, SyncResult};
    let at = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let runs = [SyncResult { integration: "stripe".into(), at: at(11), ok: true, records: 10 }];
    let health = integration_health(&runs, at(10), &HealthPolicy::default()).unwrap();
    assert_eq!(health[0].state, HealthState::Down);
    assert_eq!(health[0].reasons, ["no successful sync"]);
}

/// A threshold is shown as written, every place of it: cut to six places (or two, for a count
/// of integrations) it could read as the very figure shown, and the sentence said a reading
/// stood below a limit equal to it ("is 3.0x, below the 3x floor" for a 3.0000001x floor).
#[test]
fn an_alert_sentence_never_shows_a_reading_beyond_a_limit_equal_to_it() {
    use revops::rules::Comparison::*;
    assert_eq!(
        sentence_after("pipeline_coverage", Below, 3.0000001, &[3.0]),
        "Pipeline coverage for the quarter is 3.0x, below the 3.0000001x floor."
    );
    assert_eq!(
        sentence_after("nrr", Below, 1.0000001, &[1.0]),
        "Net revenue retention is 100.0%, below the 100.00001% floor."
    );
    assert_eq!(
        sentence_after("integrations_down", Above, 1.999, &[2.0]),
        "2 integrations are down, above the limit of 1.999."
    );
    assert_eq!(
        sentence_after("dso", AtLeast, 44.9999999, &[45.0]),
        "Days sales outstanding is 45 days, at or above the 44.9999999-day ceiling."
    );
    // a threshold of the usual few places reads as before
    assert_eq!(sentence_after("nrr", Below, 1.1, &[1.05]), "Net revenue retention is 105.0%, below the 110% floor.");
    assert_eq!(sentence_after("arr", Below, 800e6, &[786.0e6]), "ARR is $786.0M, below the $800M floor.");
}

/// A rule whose threshold is NaN never fires, and one at ±∞ fires on every reading (or none):
/// neither can be meant, so the evaluation refuses them naming the rule, as it refuses a
/// negative cool-down, and records nothing.
#[test]
fn an_alert_rule_with_a_threshold_that_is_not_a_finite_number_is_refused_naming_it() {
    use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, CoordinatorError, Severity};
    use revops::rules::{Comparison, Condition};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    for threshold in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let rules = [
            AlertRule {
                name: "fine".into(),
                when: Condition::new("x", Comparison::Above, 1.0),
                severity: Severity::Warning,
                cooldown_days: 0,
            },
            AlertRule {
                name: "x low".into(),
                when: Condition::new("x", Comparison::Below, threshold),
                severity: Severity::Warning,
                cooldown_days: 0,
            },
        ];
        let mut state = AlertState::default();
        let r = evaluate_alerts(&rules, &[("x".to_string(), 2.0)], day, &mut state);
        assert!(matches!(&r, Err(CoordinatorError::InvalidRule { rule, .. }) if rule == "x low"), "{threshold}: {r:?}");
        assert_eq!(state, AlertState::default());
    }
}

/// The demo's "billed in the last 90 days" (the DSO's credit sales) is what its receivables
/// say was issued in the 90 days through its date, no more: an installed-base invoice issued
/// 90 or 91 days back was added too (seed 42: $187,675,452.50 where its invoices of those 90
/// days come to $182,799,125.50), which understated DSO.
#[test]
fn the_demo_bills_in_its_last_90_days_what_its_receivables_issued_then() {
    for seed in [42, 7] {
        let company = DemoCompany::generate(seed).unwrap();
        let today = company.as_of.date();
        let first = today - chrono::Duration::days(89);
        let issued = company.receivables.iter().filter(|r| (first..=today).contains(&r.issue_date()));
        let billed = Money::sum(revops::money::Currency::USD, issued.map(Receivable::total)).unwrap();
        assert_eq!(company.billed_90d, billed, "seed {seed}");
    }
}

/// A reading beyond `Decimal` is shown as the float it is, in its unit: a fraction of 1e30 is
/// 1e32 percent, not a bare 1e30 beside a percent limit (which read as 1e30 %), and a count
/// keeps its noun.
#[test]
fn an_alert_reading_beyond_decimal_is_shown_in_its_unit() {
    use revops::rules::Comparison::*;
    assert_eq!(
        sentence_after("nrr", Above, 1.1, &[1e30]),
        "Net revenue retention is 100000000000000000000000000000000%, above the 110% ceiling."
    );
    assert_eq!(
        sentence_after("fortune500_gap", AtLeast, 20.0, &[1e30]),
        "The gap to the Fortune 500 target is 1000000000000000000000000000000 customers, at or above the 20-customer ceiling."
    );
}

/// The failure reason says how many syncs failed, exactly: 3 of 7 (42.857…%) is below a
/// down-at-43% limit, so the integration is degraded, and the reason must not read "43% of the
/// last 7 syncs failed", the very limit it is below.
#[test]
fn a_failure_reason_states_the_failed_syncs_exactly() {
    use revops::coordinator::{integration_health, HealthPolicy, SyncResult};
    let at = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let runs: Vec<SyncResult> = (1..=7)
        .map(|h| SyncResult { integration: "fx".into(), at: at(h), ok: ![2, 4, 6].contains(&h), records: 1 })
        .collect();
    let policy = HealthPolicy { degraded_failure_rate: 0.2, down_failure_rate: 0.43, ..HealthPolicy::default() };
    let health = integration_health(&runs, at(7), &policy).unwrap();
    assert_eq!(health[0].state, HealthState::Degraded);
    assert_eq!(health[0].reasons, ["3 of the last 7 syncs failed"]);
}

/// LTV : CAC worked by hand: two $1,000-a-month customers open the trailing year; A expands
/// to $1,500, B churns, C joins at $1,000. One logo of two lost over twelve months is a monthly
/// churn of 1/24, so a customer lasts 24 months; ARPA is $2,500 ÷ 2 = $1,250, LTV $1,250 × 0.8 ×
/// 24 = $24,000, and against a $1,000 CAC the ratio is 24 exactly. (The churn rate was rounded
/// to 28 places before LTV divided by it, giving 23.999999999999999999999999981.)
#[test]
fn ltv_to_cac_is_exact_when_the_customer_lifetime_is_a_whole_number_of_months() {
    use revops::arr::{ArrBook, ArrPolicy, Interval, Milestone, SubscriptionEvent as Ev};
    use revops::coordinator::{HealthPolicy, SnapshotConfig, SnapshotSources};
    use revops::money::{Currency, InMemoryFxRates};
    let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let events = [
        Ev::start("a", "A", "s", d(2024, 12, 5), usd("1000"), Interval::Month),
        Ev::start("b", "B", "s", d(2024, 12, 5), usd("1000"), Interval::Month),
        Ev::change("a2", "A", "s", d(2025, 6, 5), usd("1500"), Interval::Month),
        Ev::cancel("bx", "B", "s", d(2025, 7, 5), None),
        Ev::start("c", "C", "s", d(2025, 8, 5), usd("1000"), Interval::Month),
    ];
    let months = Month::new(2024, 12).unwrap()..=Month::new(2025, 12).unwrap();
    let book = ArrBook::build(&events, ArrPolicy::default(), Currency::USD, months, &InMemoryFxRates::new()).unwrap();
    let cfg = SnapshotConfig {
        milestone: Milestone { target: usd("1000000"), by: None },
        fortune500_target: 0,
        quarter_target: usd("1000000"),
        gross_margin: Decimal::new(8, 1),
        cac: usd("1000"),
        fcf_margin: Decimal::new(1, 1),
        alert_rules: vec![],
        health: HealthPolicy::default(),
        seed: 1,
    };
    let src = SnapshotSources {
        arr: &book,
        accounts: &[],
        pipeline: &[],
        receivables: &[],
        billed_90d: usd("0"),
        syncs: &[],
    };
    let s =
        ExecutiveSnapshot::build(d(2025, 12, 31).and_hms_opt(9, 0, 0).unwrap(), src, &cfg, &mut AlertState::default())
            .unwrap();
    // the other figures of the example, by hand
    assert_eq!((s.nrr, s.grr), (Some(Decimal::new(75, 2)), Some(Decimal::new(50, 2))));
    assert_eq!((s.growth_yoy, s.quick_ratio), (Some(Decimal::new(25, 2)), Some(Decimal::new(15, 1))));
    assert_eq!(s.rule_of_40, Some(Decimal::new(35, 2)));
    assert_eq!(s.ltv_to_cac, Some(Decimal::from(24)));
}

/// A failure reason is true of the syncs it counts: with a degraded (or down) rate of 0, which
/// `HealthPolicy::validate` accepts, an integration whose one sync in the window succeeded is
/// degraded, and its reason must not say "the last sync failed".
#[test]
fn a_failure_reason_at_a_zero_rate_never_says_a_successful_sync_failed() {
    use revops::coordinator::{integration_health, HealthPolicy, SyncResult};
    let at = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let ok = |h, ok| SyncResult { integration: "fx".into(), at: at(h), ok, records: 1 };
    let zero = HealthPolicy { degraded_failure_rate: 0.0, window: 1, ..HealthPolicy::default() };
    let reasons =
        |runs: &[SyncResult], p: &HealthPolicy| integration_health(runs, at(9), p).unwrap()[0].reasons.clone();
    assert_eq!(reasons(&[ok(9, true)], &zero), ["the last sync did not fail"]);
    assert_eq!(reasons(&[ok(8, true), ok(9, false)], &zero), ["the last sync failed"]);
    let zero7 = HealthPolicy { window: 7, ..zero };
    assert_eq!(reasons(&[ok(8, true), ok(9, true)], &zero7), ["none of the last 2 syncs failed"]);
    assert_eq!(reasons(&[ok(8, false), ok(9, true)], &zero7), ["1 of the last 2 syncs failed"]);
}

/// A staleness reason shows the limit as it is and never an age equal to the limit it is past:
/// a limit of 2 days 2 hours read "stale after 2 days", and a success 2 days 30 minutes old
/// under a 2-day limit read "2 days ago (stale after 2 days)".
#[test]
fn a_staleness_reason_over_two_days_shows_the_age_and_the_limit_exactly() {
    use revops::coordinator::{integration_health, HealthPolicy, SyncResult};
    let day = |d, h, m| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, m, 0).unwrap();
    let runs = [SyncResult { integration: "netsuite".into(), at: day(20, 0, 0), ok: true, records: 1 }];
    let reasons = |now, stale_after_minutes| {
        let policy = HealthPolicy { stale_after_minutes, ..HealthPolicy::default() };
        integration_health(&runs, now, &policy).unwrap()[0].reasons.clone()
    };
    assert_eq!(reasons(day(22, 0, 30), 2 * 1_440), ["last successful sync 2 days 30 minutes ago (stale after 2 days)"]);
    assert_eq!(reasons(day(22, 3, 0), 3_000), ["last successful sync 2 days 3 hours ago (stale after 2 days 2 hours)"]);
    assert_eq!(reasons(day(23, 0, 0), 2 * 1_440), ["last successful sync 3 days ago (stale after 2 days)"]);
    assert_eq!(
        reasons(day(23, 4, 17), 2 * 1_440),
        ["last successful sync 3 days 4 hours 17 minutes ago (stale after 2 days)"]
    );
}

/// A money reading beyond `Decimal` keeps its currency, as a percent keeps its sign: "ARR is
/// 1000…000" beside a "$800M" limit named no currency. A percent threshold beyond `Decimal`
/// is shown in points, as a reading is: not a bare fraction beside a reading in percent.
#[test]
fn a_money_alert_reading_beyond_decimal_names_its_currency() {
    use revops::rules::Comparison::*;
    assert_eq!(
        sentence_after("arr", Above, 800e6, &[1e30]),
        "ARR is USD 1000000000000000000000000000000, above the $800M ceiling."
    );
    assert_eq!(
        sentence_after("nrr", Below, 1e30, &[1.05]),
        "Net revenue retention is 105.0%, below the 100000000000000000000000000000000% floor."
    );
}

/// A cool-down of `n` days is a repeat interval: the rule can fire again once `n` whole days
/// have passed. With 7 and the condition holding every day, it fires on the 1st, 8th and 15th;
/// evaluated only on Mondays, it fires every Monday, not every other one.
#[test]
fn a_seven_day_cool_down_lets_a_rule_fire_again_seven_days_after_it_fired() {
    use revops::coordinator::{evaluate_alerts, AlertRule, AlertState, Severity};
    use revops::rules::{Comparison, Condition};
    let rule = AlertRule {
        name: "nrr below 100%".into(),
        when: Condition::new("nrr", Comparison::Below, 1.0),
        severity: Severity::Warning,
        cooldown_days: 7,
    };
    let metrics = [("nrr".to_string(), 0.98)];
    let nov = |day| chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
    let fired_on = |days: &[u32]| {
        let mut state = AlertState::default();
        let rules = [rule.clone()];
        days.iter()
            .filter(|&&day| !evaluate_alerts(&rules, &metrics, nov(day), &mut state).unwrap().is_empty())
            .copied()
            .collect::<Vec<u32>>()
    };
    assert_eq!(fired_on(&(1..=15).collect::<Vec<u32>>()), [1, 8, 15]);
    // 2, 9, 16 and 23 November 2026 are Mondays
    assert_eq!(fired_on(&[2, 9, 16, 23]), [2, 9, 16, 23]);
}

/// On 24 November 2026 an invoice of $3,000 issued on 1 October and due on the 31st was open
/// and 24 days overdue; it was paid on 1 December. A snapshot as of 24 November given the
/// receivable as it stands today would count the $3,000 as received (open AR $0, DSO 0 days):
/// it is refused, naming the invoice and both dates, so the caller passes the receivables as
/// they stood on the snapshot's date. As they stood then (unpaid), the snapshot builds, with
/// DSO = 3,000 × 90 ÷ 9,000 = 30 days and nothing due in the window collected on time.
#[test]
fn open_ar_on_a_past_date_refuses_a_receivable_paid_after_it() {
    use revops::coordinator::SnapshotSources;
    let (book, as_of) = small_company(&[]);
    let mut cfg = DemoCompany::generate(1).unwrap().config();
    cfg.alert_rules.clear();
    let usd = |d: i64| Money::new(Decimal::from(d), revops::money::Currency::USD);
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let unpaid = Receivable::new("INV-9", "c01", day(2026, 10, 1), day(2026, 10, 31), usd(3_000)).unwrap();
    let paid_later = unpaid.clone().with_paid(usd(3_000), Some(day(2026, 12, 1))).unwrap();
    let build = |receivables: &[Receivable]| {
        let sources = SnapshotSources {
            arr: &book,
            accounts: &[],
            pipeline: &[],
            receivables,
            billed_90d: usd(9_000),
            syncs: &[],
        };
        ExecutiveSnapshot::build(as_of, sources, &cfg, &mut AlertState::default())
    };
    let err = build(std::slice::from_ref(&paid_later)).map(|s| s.dso).unwrap_err().to_string();
    assert!(err.contains("INV-9") && err.contains("2026-12-01") && err.contains("2026-11-24"), "{err}");
    let s = build(&[unpaid]).unwrap();
    assert_eq!((s.dso, s.on_time_rate), (Some(30.0), Some(0.0)));
}

/// A sync result has no id of its own: one delivered twice (the same integration, time, outcome
/// and records) counted twice, so two deliveries of one failure among three successes read
/// "2 of the last 5 syncs failed" and degraded a healthy integration. It is the same sync and
/// counts once. Two different results of one integration at the same moment cannot both be
/// the sync of that moment: refused, naming the integration and the time.
#[test]
fn a_sync_result_delivered_twice_counts_once_and_two_different_results_at_one_moment_are_refused() {
    use revops::coordinator::{integration_health, CoordinatorError, HealthPolicy, HealthState, SyncResult};
    let at = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let run = |h, ok| SyncResult { integration: "stripe".into(), at: at(h), ok, records: 10 };
    let policy = HealthPolicy { degraded_failure_rate: 0.3, ..HealthPolicy::default() };
    let once = [run(6, true), run(7, false), run(8, true), run(9, true)];
    let twice = [run(6, true), run(7, false), run(7, false), run(8, true), run(9, true)];
    let h = integration_health(&once, at(10), &policy).unwrap();
    assert_eq!((h[0].state, h[0].failure_rate), (HealthState::Healthy, 0.25));
    assert_eq!(integration_health(&twice, at(10), &policy).unwrap(), h);
    let conflicting = [run(6, true), run(7, false), run(7, true)];
    let r = integration_health(&conflicting, at(10), &policy);
    assert!(
        matches!(&r, Err(CoordinatorError::ConflictingSync { integration, at: t }) if integration == "stripe" && *t == at(7)),
        "{r:?}"
    );
}

/// Health as of `now` reads the syncs up to `now`: the latest `window` of them and the last
/// success. Two different results of one moment it does not read (after `now`, as when health
/// is taken as of an earlier time from the whole log, or older than the window and the last
/// success) change nothing and were refused, so one glitch in an old log refused every later
/// health check. They are not refused; one the health reads still is, and so are two different
/// results at the moment of the last success, whose records it reports. Two integrations
/// syncing at one moment are two syncs.
#[test]
fn two_different_sync_results_at_a_moment_the_health_does_not_read_are_not_refused() {
    use revops::coordinator::{integration_health, CoordinatorError, HealthPolicy, SyncResult};
    let at = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(h, 0, 0).unwrap();
    let run = |name: &str, h, ok, records| SyncResult { integration: name.into(), at: at(h), ok, records };
    let policy = HealthPolicy { window: 3, ..HealthPolicy::default() };
    let log = vec![run("stripe", 7, true, 10), run("stripe", 8, true, 11), run("stripe", 9, false, 0)];
    let health = integration_health(&log, at(10), &policy).unwrap();
    // another integration at the same moments
    let mut both = log.clone();
    both.extend([run("fx", 8, true, 5), run("fx", 9, true, 6)]);
    let h = integration_health(&both, at(10), &policy).unwrap();
    assert_eq!((h.len(), &h[1]), (2, &health[0]));
    // after now: a failure and its retry in the same hour, later than the health's moment
    let mut later = log.clone();
    later.extend([run("stripe", 11, false, 0), run("stripe", 11, true, 12)]);
    assert_eq!(integration_health(&later, at(10), &policy).unwrap(), health);
    // older than the window of three and than the last success
    let mut older = log.clone();
    older.extend([run("stripe", 5, false, 0), run("stripe", 5, true, 9)]);
    assert_eq!(integration_health(&older, at(10), &policy).unwrap(), health);
    // in the window: refused
    let mut read = log.clone();
    read.push(run("stripe", 9, true, 12));
    let r = integration_health(&read, at(10), &policy);
    assert!(matches!(&r, Err(CoordinatorError::ConflictingSync { at: t, .. }) if *t == at(9)), "{r:?}");
    // at the last success, older than the window: its records are not known, refused
    let last = vec![
        run("stripe", 6, true, 10),
        run("stripe", 6, true, 13),
        run("stripe", 7, false, 0),
        run("stripe", 8, false, 0),
        run("stripe", 9, false, 0),
    ];
    let r = integration_health(&last, at(10), &policy);
    assert!(matches!(&r, Err(CoordinatorError::ConflictingSync { at: t, .. }) if *t == at(6)), "{r:?}");
}
