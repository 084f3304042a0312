//! A seeded demo company (about $800M ARR, 280 Fortune 500 customers, thousands of accounts,
//! deals, contracts and invoices), generated entirely in memory for examples, tests and
//! benches. Same seed, same company.
//!
//! New logos of the last twelve months go through the whole flow of a dollar — a priced quote,
//! an ASC 606 contract with its schedule, billing terms, invoices and payments, and the
//! subscription event the ARR ledger reads — so the books can be tied end to end.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;

use super::{AlertRule, CoordinatorError, CrmAccount, HealthPolicy, Severity, SnapshotConfig, SyncResult};
use crate::arr::{ArrBook, ArrPolicy, EventKind, Interval, Milestone, SubscriptionEvent};
use crate::billing::{
    ApplicationRule, ArLedger, BillingAlignment, BillingFrequency, BillingTerms, BillingTiming, FlatTax, Invoice,
    InvoiceDraft, Payment, Receivable,
};
use crate::calendar::{AnchorPolicy, Month, Period};
use crate::forecast::{ForecastCategory, PipelineDeal};
use crate::money::{Currency, InMemoryFxRates, Money, Percent};
use crate::pricing::{ApprovalPolicy, PriceBook, PricedQuote, Quote, QuoteLine};
use crate::revrec::{Contract, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
use crate::rules::{Comparison, Condition};

/// One new logo's paper trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    /// Customer.
    pub customer: String,
    /// The priced quote.
    pub quote: PricedQuote,
    /// The ASC 606 contract made from it.
    pub contract: Contract,
    /// Its billing terms: four quarterly instalments in advance that bill the transaction price
    /// exactly ([`BillingTerms::schedule_total`]); `fee` is a quarter of it, unrounded.
    pub terms: BillingTerms,
    /// Invoices issued so far.
    pub invoices: Vec<Invoice>,
    /// Payments received so far.
    pub payments: Vec<Payment>,
}

/// The demo company.
#[derive(Debug, Clone)]
pub struct DemoCompany {
    /// Today, for the demo.
    pub as_of: NaiveDateTime,
    /// Monthly reporting periods from three years back through this month.
    pub periods: Vec<Period>,
    /// CRM accounts: customers and prospects.
    pub accounts: Vec<CrmAccount>,
    /// Subscription events (billing system).
    pub events: Vec<SubscriptionEvent>,
    /// New logos with their quotes, contracts, invoices and payments.
    pub bookings: Vec<Booking>,
    /// Receivables of the installed base's last billing cycle (and the bookings').
    pub receivables: Vec<Receivable>,
    /// Billed in the last 90 days.
    pub billed_90d: Money,
    /// Pipeline.
    pub pipeline: Vec<PipelineDeal>,
    /// Integration sync log.
    pub syncs: Vec<SyncResult>,
}

const USD: Currency = Currency::USD;

fn usd(dollars: i64) -> Money {
    Money::new(Decimal::from(dollars), USD)
}

impl DemoCompany {
    /// Generate the company.
    ///
    /// # Errors
    /// None for any seed in practice: every figure is generated within the engines' limits. A
    /// failure would be an engine's error on the generated data (a bug to report).
    pub fn generate(seed: u64) -> Result<DemoCompany, CoordinatorError> {
        let mut rng = StdRng::seed_from_u64(seed);
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or(CoordinatorError::OutOfBook(NaiveDate::MIN))?;
        let as_of = today.and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
        let first = Month::of(today).checked_add(-36)?;
        let periods: Vec<Period> = first.through(Month::of(today)).map(Month::period).collect();
        let history_start = periods[0].start();

        let industries = ["Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Media", "Energy"];
        let mut ranks: Vec<u32> = (1..=500).collect();
        ranks.shuffle(&mut rng);
        let (customers, prospects) = (3_000usize, 1_200usize);
        let new_logo_from = today - Duration::days(365);
        let book = PriceBook::demo();
        let policy = ApprovalPolicy::demo();

        let mut accounts = Vec::with_capacity(customers + prospects);
        let mut events = Vec::new();
        let mut bookings = Vec::new();
        let mut receivables = Vec::new();
        let mut billed_90d = Money::zero(USD);
        for i in 0..customers + prospects {
            // 280 customers and 220 prospects hold the 500 distinct Fortune ranks
            let f500 = if i < 280 {
                Some(ranks[i])
            } else if (customers..customers + 220).contains(&i) {
                Some(ranks[280 + i - customers])
            } else {
                None
            };
            let segment = if f500.is_some() {
                "strategic"
            } else if i % 5 == 0 {
                "enterprise"
            } else if i % 2 == 0 {
                "mid-market"
            } else {
                "smb"
            };
            let id = format!("acct-{i:05}");
            accounts.push(CrmAccount {
                id: id.clone(),
                name: format!("Demo Co {i}"),
                industry: industries[i % industries.len()].into(),
                employees: if f500.is_some() {
                    20_000 + (i as u32 * 37) % 200_000
                } else {
                    50 + (i as u32 * 13) % 5_000
                },
                fortune_rank: f500,
                segment: segment.into(),
                owner: format!("rep-{:02}", i % 40),
            });
            if i >= customers {
                continue; // a prospect
            }
            // annual price by segment
            let annual: i64 = match segment {
                "strategic" => rng.random_range(540_000..2_050_000),
                "enterprise" => rng.random_range(140_000..330_000),
                "mid-market" => rng.random_range(47_000..125_000),
                _ => rng.random_range(16_000..47_000),
            } / 4
                * 4; // whole dollars divisible by four: quarterly invoices come out even
            let is_new_logo = i % 5 == 1 && f500.is_none(); // ~540 new logos in the last year
            let start = if is_new_logo {
                new_logo_from + Duration::days(rng.random_range(0..360))
            } else {
                // older customers, weighted toward recent years (the company is growing)
                let back: f64 = rng.random::<f64>().powf(1.6);
                today - Duration::days(400 + (back * 1_700.0) as i64)
            };
            // event ids are the demo's own: a running number
            let ev = |date, kind, n: usize| SubscriptionEvent::new(&format!("evt-{n:06}"), &id, "platform", date, kind);
            if is_new_logo {
                let b = Self::book_new_logo(&id, start, annual, &book, &policy, today, &mut rng)?;
                events.push(ev(
                    start,
                    EventKind::Start { price: b.quote.net_arr, interval: Interval::Year, trial_until: None },
                    events.len(),
                ));
                let mut ar = ArLedger::new();
                for (n, inv) in b.invoices.iter().enumerate() {
                    ar.add_invoice(inv)?;
                    // payment n settles invoice n (remittance advice names it)
                    if let Some(p) = b.payments.iter().find(|p| p.id() == format!("PAY-{id}-{n}")) {
                        ar.apply_payment(p, &ApplicationRule::Explicit(vec![(inv.number().to_string(), p.amount())]))?;
                    }
                    if inv.issue_date() > today - Duration::days(90) {
                        billed_90d = billed_90d.checked_add(inv.total())?;
                    }
                }
                receivables.extend(ar.receivables().cloned());
                bookings.push(b);
                continue;
            }
            events.push(ev(
                start,
                EventKind::Start { price: usd(annual), interval: Interval::Year, trial_until: None },
                events.len(),
            ));
            let mut price = annual;
            // expansions and contractions during the history window
            let mut when = start.max(history_start);
            for _ in 0..3 {
                when += Duration::days(rng.random_range(90..400));
                if when >= today {
                    break;
                }
                let roll: f64 = rng.random();
                if roll < 0.45 {
                    price = (price as f64 * rng.random_range(1.08..1.5)) as i64 / 4 * 4;
                } else if roll < 0.55 {
                    price = (price as f64 * rng.random_range(0.6..0.92)) as i64 / 4 * 4;
                } else {
                    continue;
                }
                events.push(ev(when, EventKind::Change { price: usd(price), interval: Interval::Year }, events.len()));
            }
            // renewals in the last year (same price), and churn for some
            let anniversary = start + Duration::days(365 * ((today - start).num_days() / 365));
            if anniversary > new_logo_from && anniversary < today && rng.random::<f64>() < 0.85 {
                events.push(ev(
                    anniversary,
                    EventKind::Renew { price: usd(price), interval: Interval::Year },
                    events.len(),
                ));
            }
            if f500.is_none() && rng.random::<f64>() < 0.2 {
                let churn =
                    history_start + Duration::days(rng.random_range(30..(today - history_start).num_days() - 1));
                if churn > start {
                    events.push(ev(churn, EventKind::Cancel { paid_through: None }, events.len()));
                    continue;
                }
            }
            // the installed base's latest quarterly invoice, for collections
            let issued = today - Duration::days(rng.random_range(1..92));
            let due = issued + Duration::days(30);
            let total = usd(price / 4);
            let roll: f64 = rng.random();
            let (paid, paid_on) = if due < today && roll < 0.86 {
                (total, Some(due - Duration::days(rng.random_range(0..20))))
            } else if due < today && roll < 0.95 {
                (total, Some(due + Duration::days(rng.random_range(1..30)).min(today - due)))
            } else {
                (Money::zero(USD), None)
            };
            // billed in the last 90 days as the new logos' invoices are: issued within them
            if issued > today - Duration::days(90) {
                billed_90d = billed_90d.checked_add(total)?;
            }
            receivables.push(
                Receivable::new(format!("INV-B-{i:05}"), id.clone(), issued, due, total)?.with_paid(paid, paid_on)?,
            );
        }

        // pipeline: this quarter's open deals and next quarter's
        let quarter_start = crate::calendar::Quarter::of(today).period().start();
        let mut pipeline = Vec::new();
        for j in 0..1_800usize {
            let acct = &accounts[(j * 7) % accounts.len()];
            let amount = match acct.segment.as_str() {
                "strategic" => rng.random_range(300_000..2_000_000),
                "enterprise" => rng.random_range(80_000..400_000),
                _ => rng.random_range(15_000..120_000),
            };
            let (category, probability) = match j % 10 {
                0..=1 => (ForecastCategory::Commit, rng.random_range(0.7..0.95)),
                2..=4 => (ForecastCategory::BestCase, rng.random_range(0.35..0.7)),
                5..=8 => (ForecastCategory::Pipeline, rng.random_range(0.05..0.35)),
                _ => (ForecastCategory::Omitted, 0.02),
            };
            let close_date = if j % 3 == 0 {
                today + Duration::days(rng.random_range(40..150))
            } else {
                today + Duration::days(rng.random_range(0..37))
            };
            pipeline.push(PipelineDeal {
                id: format!("opp-{j:05}"),
                rep: acct.owner.clone(),
                team: if j % 2 == 0 { "east".into() } else { "west".into() },
                region: ["NA", "EMEA", "APAC"][j % 3].into(),
                amount: usd(amount),
                probability: Percent::try_from_f64_fraction("deal probability", probability)?,
                close_date,
                category,
            });
        }
        for b in bookings.iter().filter(|b| b.contract.term.start() >= quarter_start) {
            pipeline.push(PipelineDeal {
                id: format!("won-{}", b.customer),
                rep: "rep-00".into(),
                team: "east".into(),
                region: "NA".into(),
                amount: b.quote.net_arr,
                probability: Percent::HUNDRED,
                close_date: b.contract.term.start(),
                category: ForecastCategory::Closed,
            });
        }

        // integration sync log: the last day, every 30 minutes
        let mut syncs = Vec::new();
        for (name, fail_every, stop_minutes) in
            [("salesforce", 0i64, 0i64), ("stripe", 9, 0), ("netsuite", 0, 300), ("fx-feed", 3, 0)]
        {
            for step in 0..48 {
                let at = as_of - Duration::minutes(30 * step);
                if (as_of - at).num_minutes() < stop_minutes {
                    continue;
                }
                let ok = fail_every == 0 || step % fail_every != 0;
                syncs.push(SyncResult {
                    integration: name.into(),
                    at,
                    ok,
                    records: if ok { 1_000 + step as u64 } else { 0 },
                });
            }
        }
        Ok(DemoCompany { as_of, periods, accounts, events, bookings, receivables, billed_90d, pipeline, syncs })
    }

    /// A new logo: quote → contract → billing → invoices → payments.
    fn book_new_logo(
        id: &str,
        start: NaiveDate,
        annual: i64,
        book: &PriceBook,
        policy: &ApprovalPolicy,
        today: NaiveDate,
        rng: &mut StdRng,
    ) -> Result<Booking, CoordinatorError> {
        // seats priced from the book, with a sales discount in whole percent
        let seats = (annual / 900).max(10);
        let discount = Decimal::new(rng.random_range(0..25), 2);
        let quote = Quote {
            currency: USD,
            lines: vec![QuoteLine {
                sku: "ADD-SEATS".into(),
                quantity: Decimal::from(seats),
                months: 12,
                ramp: vec![],
                schedule: None,
                additional_discount: Percent::from_fraction(discount),
                partner_discount: Percent::ZERO,
            }],
            term_months: 12,
            payment_terms_days: 30,
        }
        .price(book, policy, None)?;
        let term = Period::new(start, crate::calendar::add_months_anchored(start, 12, AnchorPolicy::DayOfMonth)?)?;
        let contract = Contract {
            id: format!("K-{id}"),
            customer: id.into(),
            currency: USD,
            term,
            obligations: vec![PerformanceObligation {
                id: "subscription".into(),
                ssp: Ssp::Observable(quote.list_total),
                pattern: SatisfactionPattern::RatablyByDay(term),
            }],
            price: TransactionPrice::fixed(quote.net_total),
        };
        let terms = BillingTerms {
            fee: quote.net_total.checked_div(Decimal::from(4))?,
            frequency: BillingFrequency::Quarterly,
            timing: BillingTiming::InAdvance,
            alignment: BillingAlignment::Anniversary(AnchorPolicy::DayOfMonth),
            service: term,
            payment_terms_days: 30,
        };
        let mut invoices = Vec::new();
        let mut payments = Vec::new();
        // the instalments bill the transaction price exactly (the fee is a quarter of it, unrounded)
        for (n, item) in terms.schedule_total(quote.net_total)?.iter().enumerate() {
            if item.invoice_date > today {
                break;
            }
            let inv = InvoiceDraft::for_item(id, &contract.id, "Platform seats", item)
                .finalize(format!("INV-{id}-{n}"), &FlatTax::NONE)?;
            let paid_on = inv.due_date() - Duration::days(rng.random_range(0..25));
            if paid_on <= today && rng.random::<f64>() < 0.93 {
                payments.push(Payment::new(format!("PAY-{id}-{n}"), id, paid_on, inv.total())?);
            }
            invoices.push(inv);
        }
        Ok(Booking { customer: id.into(), quote, contract, terms, invoices, payments })
    }

    /// The ARR ledger over the demo's periods.
    ///
    /// # Errors
    /// As [`ArrBook::build`] on the demo's events (none in practice).
    pub fn arr_book(&self) -> Result<ArrBook, CoordinatorError> {
        let month =
            |p: Option<&Period>| p.map(|p| Month::of(p.start())).ok_or(CoordinatorError::OutOfBook(self.as_of.date()));
        let months = month(self.periods.first())?..=month(self.periods.last())?;
        Ok(ArrBook::build(&self.events, ArrPolicy::default(), USD, months, &InMemoryFxRates::new())?)
    }

    /// What the snapshot reads, with `book` as the ARR ledger (see [`DemoCompany::arr_book`]).
    pub fn sources<'a>(&'a self, book: &'a ArrBook) -> super::SnapshotSources<'a> {
        super::SnapshotSources {
            arr: book,
            accounts: &self.accounts,
            pipeline: &self.pipeline,
            receivables: &self.receivables,
            billed_90d: self.billed_90d,
            syncs: &self.syncs,
        }
    }

    /// The demo's targets and alert rules: $1B by the end of 2028, 300 Fortune 500 customers.
    pub fn config(&self) -> SnapshotConfig {
        let rule = |name: &str, metric: &str, cmp, t, severity| AlertRule {
            name: name.into(),
            when: Condition::new(metric, cmp, t),
            severity,
            cooldown_days: 7,
        };
        SnapshotConfig {
            milestone: Milestone { target: usd(1_000_000_000), by: NaiveDate::from_ymd_opt(2028, 12, 31) },
            fortune500_target: 300,
            quarter_target: usd(100_000_000),
            gross_margin: Decimal::new(78, 2),
            cac: usd(420_000),
            fcf_margin: Decimal::new(18, 2),
            alert_rules: vec![
                rule("NRR below 110%", "nrr", Comparison::Below, 1.10, Severity::Warning),
                rule("GRR below 90%", "grr", Comparison::Below, 0.90, Severity::Critical),
                rule("pipeline coverage below 3x", "pipeline_coverage", Comparison::Below, 3.0, Severity::Warning),
                rule("quarter at risk", "p_quarter_target", Comparison::Below, 0.5, Severity::Critical),
                rule("behind the $1B plan", "milestone_on_track", Comparison::Below, 1.0, Severity::Warning),
                rule("DSO above 45 days", "dso", Comparison::Above, 45.0, Severity::Warning),
                rule("integration down", "integrations_down", Comparison::AtLeast, 1.0, Severity::Critical),
                rule("integration degraded", "integrations_degraded", Comparison::AtLeast, 1.0, Severity::Warning),
                rule("Rule of 40 missed", "rule_of_40", Comparison::Below, 0.40, Severity::Info),
            ],
            health: HealthPolicy::default(),
            seed: 2026,
        }
    }
}
