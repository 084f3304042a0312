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
        // billing terms → invoices: four quarterly fees are the contract price, and every invoice
        // issued so far is one of them
        assert!(matches!(b.terms.alignment, BillingAlignment::Anniversary(_)));
        let items = b.terms.schedule().unwrap();
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
    assert!(a.alerts.iter().all(|x| x.explanation.contains(" is ")));
    let again = ExecutiveSnapshot::build(company.as_of, sources, &cfg, &mut state).unwrap();
    assert!(again.alerts.is_empty(), "cool-down: {:?}", again.alerts);
    // integrations as the sync log says
    let health = integration_health(&company.syncs, company.as_of, &cfg.health).unwrap();
    let state_of = |n: &str| health.iter().find(|h| h.integration == n).unwrap().state;
    assert_eq!(
        (state_of("salesforce"), state_of("netsuite"), state_of("fx-feed")),
        (HealthState::Healthy, HealthState::Degraded, HealthState::Degraded)
    );
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
