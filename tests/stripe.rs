//! Stripe webhooks to ARR events, on Stripe's published example objects (see
//! `tests/data/stripe/README.md` for their source): every mapping rule of `revops::stripe`.
#![cfg(feature = "stripe")]

use chrono::NaiveDate;
use revops::arr::{Applied, ArrBook, ArrPolicy, DiscountOff, EventKind, Interval, MrrDiscount, SubscriptionEvent};
use revops::calendar::Month;
use revops::money::{InMemoryFxRates, Percent};
use revops::stripe::{map_event, Event, Ignored, Mapped, StripeError};
use revops::{Currency, Money};
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/data/stripe/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Stripe's example Event (`event.json`) carrying `object` as a `kind` event.
fn webhook(kind: &str, object: Value, previous: Option<Value>) -> Value {
    let mut e = fixture("event.json");
    e["type"] = json!(kind);
    e["data"]["object"] = object;
    if let Some(p) = previous {
        e["data"]["previous_attributes"] = p;
    }
    e
}

fn event(v: &Value) -> Event {
    serde_json::from_value(v.clone()).unwrap()
}

fn map(v: &Value) -> Result<Mapped, StripeError> {
    map_event(&event(v))
}

fn events(v: &Value) -> Vec<SubscriptionEvent> {
    match map(v).unwrap() {
        Mapped::Events(e) => e,
        other => panic!("{other:?}"),
    }
}

fn kinds(v: &Value) -> Vec<EventKind> {
    events(v).into_iter().map(|e| e.kind).collect()
}

fn ignored(v: &Value) -> Ignored {
    match map(v).unwrap() {
        Mapped::Ignored(i) => i,
        other => panic!("{other:?}"),
    }
}

/// 2009-02-13, the day of Stripe's placeholder timestamp 1234567890.
fn placeholder_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2009, 2, 13).unwrap()
}

fn usd(s: &str) -> Money {
    Money::parse(s, Currency::USD).unwrap()
}

/// The current example subscription, its price's placeholder `transform_quantity` (packs of
/// 1,592,560,163, rounded down: Stripe would bill 0) taken out, as a price not sold in packs has it.
fn current_subscription() -> Value {
    let mut s = fixture("subscription.json");
    s["items"]["data"][0]["price"]["transform_quantity"] = Value::Null;
    s
}

/// The 2024-11 example subscription (`current_period_end` on the subscription), not set to cancel.
fn legacy_subscription() -> Value {
    let mut s = fixture("subscription-2024-11.json");
    s["cancel_at"] = Value::Null;
    s
}

fn unix(y: i32, m: u32, d: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp()
}

// ---- created ----

#[test]
fn the_documented_subscription_starts_at_its_items_price_with_its_cancellation_pending() {
    // subscription.json: one item, price_1PgafmB7WZ01zgkW6dKueIc5 at unit_amount 2000 usd,
    // recurring month × 1, quantity 1 (its placeholder transform_quantity taken out, below as
    // published); start_date 1234567890; cancel_at_period_end true and cancel_at 1234567890;
    // trial_end 1234567890 (not after the start: no trial).
    let published = webhook("customer.subscription.created", fixture("subscription.json"), None);
    // as published, the price is sold in packs of 1,592,560,163 rounded down: Stripe bills
    // 0 packs of 1 seat
    assert_eq!(
        events(&published)[0].kind,
        EventKind::Start { price: usd("0.00"), interval: Interval::Month, trial_until: None }
    );
    let v = webhook("customer.subscription.created", current_subscription(), None);
    let out = events(&v);
    let day = placeholder_day();
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].id.as_str(), out[0].sequence), ("evt_1Pgc76B7WZ01zgkWwyRHS12y", 1_234_567_890));
    assert_eq!(
        (out[0].customer.as_str(), out[0].subscription.as_str()),
        ("cus_QXg1o8vcGmoR32", "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw")
    );
    assert_eq!(out[0].date, day);
    assert_eq!(out[0].kind, EventKind::Start { price: usd("20.00"), interval: Interval::Month, trial_until: None });
    assert_eq!(out[1].id, "evt_1Pgc76B7WZ01zgkWwyRHS12y:cancel");
    assert_eq!(out[1].kind, EventKind::Cancel { paid_through: Some(day) });
}

#[test]
fn the_2024_subscription_shape_reads_the_same() {
    let v = webhook("customer.subscription.created", legacy_subscription(), None);
    assert_eq!(kinds(&v), [EventKind::Start { price: usd("20.00"), interval: Interval::Month, trial_until: None }]);
}

#[test]
fn a_trial_ending_after_the_start_is_a_trial() {
    let mut s = legacy_subscription();
    s["status"] = json!("trialing");
    s["start_date"] = json!(unix(2026, 1, 5));
    s["trial_end"] = json!(unix(2026, 1, 19));
    let v = webhook("customer.subscription.created", s, None);
    assert_eq!(
        kinds(&v),
        [EventKind::Start {
            price: usd("20.00"),
            interval: Interval::Month,
            trial_until: NaiveDate::from_ymd_opt(2026, 1, 19)
        }]
    );
}

#[test]
fn a_trial_ended_early_or_extended_restarts_on_the_day_of_the_event() {
    let mut s = legacy_subscription();
    s["start_date"] = json!(unix(2026, 1, 5));
    s["trial_end"] = json!(unix(2026, 1, 12)); // ended early, on the 12th
    s["discount"] = json!({"id": "di_1", "coupon": fixture("coupon.json")});
    let mut v = webhook(
        "customer.subscription.updated",
        s.clone(),
        Some(json!({"trial_end": unix(2026, 1, 19), "status": "trialing"})),
    );
    v["created"] = json!(unix(2026, 1, 12));
    let out = events(&v);
    assert_eq!(out[0].date, NaiveDate::from_ymd_opt(2026, 1, 12).unwrap());
    assert_eq!(out[0].kind, EventKind::Start { price: usd("20.00"), interval: Interval::Month, trial_until: None });
    assert!(matches!(out[1].kind, EventKind::DiscountStart(_))); // restated: a start clears it

    s["trial_end"] = json!(unix(2026, 2, 5)); // extended to February 5th
    let mut v = webhook("customer.subscription.updated", s, Some(json!({"trial_end": unix(2026, 1, 19)})));
    v["created"] = json!(unix(2026, 1, 12));
    assert!(
        matches!(kinds(&v)[0], EventKind::Start { trial_until: Some(t), .. } if t == NaiveDate::from_ymd_opt(2026, 2, 5).unwrap())
    );
}

#[test]
fn an_incomplete_subscription_waits_for_its_first_payment() {
    let mut s = legacy_subscription();
    s["status"] = json!("incomplete");
    assert_eq!(ignored(&webhook("customer.subscription.created", s.clone(), None)), Ignored::Incomplete);
    // ... and starts when it is paid, on its start date as `created` would have booked it (the
    // module docs said on the day of the event)
    s["status"] = json!("active");
    s["start_date"] = json!(unix(2026, 1, 31));
    let mut v = webhook("customer.subscription.updated", s, Some(json!({"status": "incomplete"})));
    v["created"] = json!(unix(2026, 2, 1));
    let out = events(&v);
    assert!(matches!(out[..], [SubscriptionEvent { kind: EventKind::Start { .. }, .. }]));
    assert_eq!(out[0].date, NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
}

// ---- amounts ----

fn start_price(s: Value) -> Result<(Money, Interval), StripeError> {
    match map(&webhook("customer.subscription.created", s, None))? {
        Mapped::Events(e) => match &e[0].kind {
            EventKind::Start { price, interval, .. } => Ok((*price, *interval)),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn amounts_are_minor_units_of_the_currency_including_zero_decimal_ones() {
    let with = |currency: &str, unit: i64| {
        let mut s = legacy_subscription();
        s["currency"] = json!(currency);
        s["items"]["data"][0]["price"]["currency"] = json!(currency);
        s["items"]["data"][0]["price"]["unit_amount"] = json!(unit);
        s["items"]["data"][0]["price"]["unit_amount_decimal"] = json!(unit.to_string());
        start_price(s).unwrap().0
    };
    assert_eq!(with("usd", 2000), usd("20.00"));
    assert_eq!(with("jpy", 7500), Money::parse("7500", Currency::JPY).unwrap()); // ¥7,500, not ¥75
    assert_eq!(with("kwd", 1500), Money::parse("1.500", Currency::KWD).unwrap());
    // three decimals
}

/// Before: ISK and MGA were read with ISO 4217's minor units, where Stripe's API differs:
/// "ISK will remain a two-decimal currency in the Stripe API, and an ISK amount of 100 will
/// continue to represent 1 króna" (support.stripe.com, the deprecation of fractional ISK
/// charges), and MGA is among Stripe's zero-decimal currencies (docs.stripe.com/currencies), two
/// in ISO. So `50000` read as ISK 50,000 (100× too much) and MGA 500.00 (100× too little).
#[test]
fn amounts_follow_stripes_minor_units_where_they_differ_from_iso() {
    // (currency, Stripe's unit amount, the amount it is)
    let vectors = [("isk", 50_000, "500", Currency::ISK), ("mga", 50_000, "50000", Currency::MGA)];
    for (code, unit, amount, currency) in vectors {
        let mut s = legacy_subscription();
        s["currency"] = json!(code);
        s["items"]["data"][0]["price"]["currency"] = json!(code);
        s["items"]["data"][0]["price"]["unit_amount"] = json!(unit);
        s["items"]["data"][0]["price"]["unit_amount_decimal"] = json!(unit.to_string());
        assert_eq!(start_price(s).unwrap().0, Money::parse(amount, currency).unwrap(), "{code}");
    }
}

/// Before: a `unit_amount_decimal` too large for a `Decimal` was reported as an item without a
/// unit amount; `map_event`'s docs list an amount that overflows as `Overflow`.
#[test]
fn a_unit_amount_too_large_to_hold_is_an_overflow() {
    let mut s = legacy_subscription();
    s["items"]["data"][0]["price"]["unit_amount_decimal"] = json!("99999999999999999999999999999");
    assert!(matches!(start_price(s), Err(StripeError::Overflow { .. })));
}

#[test]
fn the_price_is_unit_amount_times_quantity_summed_over_items() {
    let mut s = legacy_subscription();
    s["items"]["data"][0]["quantity"] = json!(3);
    let mut second = s["items"]["data"][0].clone();
    second["id"] = json!("si_2");
    second["quantity"] = json!(2);
    second["price"]["unit_amount"] = json!(550);
    second["price"]["unit_amount_decimal"] = json!("550.5"); // a fraction of a cent: read
    s["items"]["data"].as_array_mut().unwrap().push(second);
    assert_eq!(start_price(s).unwrap(), (usd("71.01"), Interval::Month)); // 3 × 20.00 + 2 × 5.505
}

/// Before: a price's `transform_quantity` was not read, so 25 seats of a $10 price sold in
/// packs of 10 (`divide_by` 10) were $250 a month where Stripe bills ⌈25 / 10⌉ = 3 packs, $30
/// (Stripe's API reference, Price `transform_quantity`: "divide the quantity by this number",
/// then `round` "up" or "down").
#[test]
fn a_price_sold_in_packs_bills_the_quantity_divided_and_rounded_as_stripe_says() {
    let with = |quantity: u64, divide_by: Value, round: &str| {
        let mut s = legacy_subscription();
        s["items"]["data"][0]["quantity"] = json!(quantity);
        s["items"]["data"][0]["price"]["unit_amount"] = json!(1000);
        s["items"]["data"][0]["price"]["unit_amount_decimal"] = json!("1000");
        s["items"]["data"][0]["price"]["transform_quantity"] = json!({"divide_by": divide_by, "round": round});
        start_price(s).map(|p| p.0)
    };
    assert_eq!(with(25, json!(10), "up").unwrap(), usd("30.00"));
    assert_eq!(with(25, json!(10), "down").unwrap(), usd("20.00"));
    assert_eq!(with(30, json!(10), "up").unwrap(), usd("30.00")); // exactly 3 packs
    assert_eq!(with(1, json!(10), "up").unwrap(), usd("10.00"));
    assert_eq!(with(9, json!(10), "down").unwrap(), usd("0.00"));
    assert_eq!(with(0, json!(10), "up").unwrap(), usd("0.00"));
    // what Stripe does not accept is refused, not guessed at
    assert!(with(25, json!(0), "up").is_err());
    assert!(with(25, json!(10), "sideways").is_err());
}

#[test]
fn recurrences_map_to_intervals_and_days_or_weeks_are_refused() {
    let with = |interval: &str, count: u64| {
        let mut s = legacy_subscription();
        s["items"]["data"][0]["price"]["recurring"]["interval"] = json!(interval);
        s["items"]["data"][0]["price"]["recurring"]["interval_count"] = json!(count);
        start_price(s).map(|p| p.1)
    };
    assert_eq!(with("month", 1).unwrap(), Interval::Month);
    assert_eq!(with("month", 3).unwrap(), Interval::Quarter);
    assert_eq!(with("month", 6).unwrap(), Interval::Months(6));
    assert_eq!(with("month", 12).unwrap(), Interval::Year);
    assert_eq!(with("year", 1).unwrap(), Interval::Year);
    assert_eq!(with("year", 3).unwrap(), Interval::Months(36));
    for (interval, count) in [("week", 1), ("day", 30), ("month", 0)] {
        assert!(matches!(with(interval, count), Err(StripeError::UnsupportedInterval { .. })), "{interval} {count}");
    }
    assert!(matches!(with("year", u64::MAX), Err(StripeError::UnsupportedInterval { .. })));
}

#[test]
fn tiered_metered_and_unpriced_items_are_refused_not_skipped() {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut s = legacy_subscription();
        f(&mut s["items"]["data"][0]["price"]);
        match start_price(s) {
            Err(StripeError::UnpricedItem { why, price, .. }) => {
                assert_eq!(price, "price_1PgafmB7WZ01zgkW6dKueIc5");
                why
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(with(&|p| p["billing_scheme"] = json!("tiered")), "tiered");
    assert_eq!(with(&|p| p["recurring"]["usage_type"] = json!("metered")), "metered");
    assert_eq!(
        with(&|p| {
            p["unit_amount"] = Value::Null;
            p["unit_amount_decimal"] = Value::Null;
        }),
        "without a unit amount"
    );
    assert_eq!(with(&|p| p["recurring"] = Value::Null), "not recurring");
}

#[test]
fn items_that_disagree_or_a_truncated_item_list_are_refused() {
    let mut s = legacy_subscription();
    let mut yearly = s["items"]["data"][0].clone();
    yearly["price"]["recurring"]["interval"] = json!("year");
    s["items"]["data"].as_array_mut().unwrap().push(yearly);
    assert!(matches!(start_price(s), Err(StripeError::Inconsistent { what: "interval", .. })));

    let mut s = legacy_subscription();
    s["items"]["data"][0]["price"]["currency"] = json!("eur");
    assert!(matches!(start_price(s), Err(StripeError::Inconsistent { what: "currency", .. })));

    let mut s = legacy_subscription();
    s["items"]["has_more"] = json!(true);
    assert!(matches!(start_price(s), Err(StripeError::IncompleteList { what: "items", .. })));

    let mut s = legacy_subscription();
    s["currency"] = json!("xyz");
    assert!(matches!(start_price(s), Err(StripeError::UnknownCurrency { .. })));
}

// ---- updated ----

#[test]
fn an_update_that_changes_items_is_a_change_on_the_day_of_the_event() {
    let mut s = legacy_subscription();
    s["items"]["data"][0]["quantity"] = json!(5);
    let mut v = webhook("customer.subscription.updated", s, Some(json!({"items": {"data": []}})));
    v["created"] = json!(unix(2026, 3, 10));
    let out = events(&v);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].date, NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
    assert_eq!(out[0].sequence, unix(2026, 3, 10) as u64);
    assert_eq!(out[0].kind, EventKind::Change { price: usd("100.00"), interval: Interval::Month });
}

#[test]
fn cancel_at_period_end_is_a_cancel_paid_through_the_period_end() {
    // subscription-2024-11.json: current_period_end 1234567890
    let mut s = legacy_subscription();
    s["cancel_at_period_end"] = json!(true);
    let v = webhook("customer.subscription.updated", s, Some(json!({"cancel_at_period_end": false})));
    let out = events(&v);
    assert_eq!(out.len(), 1);
    // the webhook's only ARR event: the Stripe id as it is (it was `…:cancel`)
    assert_eq!(out[0].id, "evt_1Pgc76B7WZ01zgkWwyRHS12y");
    assert_eq!(out[0].kind, EventKind::Cancel { paid_through: Some(placeholder_day()) });

    // the current shape keeps the period end on the items (subscription.json sets cancel_at
    // too, which wins: it is the time Stripe will cancel)
    let mut s = current_subscription();
    s["cancel_at"] = Value::Null;
    let v = webhook("customer.subscription.updated", s, Some(json!({"cancel_at_period_end": false})));
    let item_end = NaiveDate::from_ymd_opt(2000, 12, 8).unwrap(); // items[0].current_period_end 976287773
    assert_eq!(kinds(&v), [EventKind::Cancel { paid_through: Some(item_end) }]);
}

/// Before: a subscription set to cancel at period end (`cancel_at_period_end`, no `cancel_at`)
/// whose payload carried no `current_period_end`, on it or on its items, mapped to
/// `Cancel { paid_through: None }`: a cancellation at once, which took the ARR out on the day of
/// the event, up to a whole period before Stripe ends the subscription.
#[test]
fn a_cancellation_at_period_end_without_the_period_end_is_refused_not_booked_at_once() {
    let mut s = current_subscription(); // the current shape: the period end on the items
    s["cancel_at"] = Value::Null;
    s["cancel_at_period_end"] = json!(true);
    s["items"]["data"][0]["current_period_end"] = Value::Null;
    let refused = |v: &Value| {
        let err = map(v).unwrap_err();
        assert!(
            matches!(&err, StripeError::MissingPeriodEnd { subscription, .. } if subscription == "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"),
            "{err}"
        );
    };
    // set to cancel by this update, or by an update without previous_attributes
    refused(&webhook("customer.subscription.updated", s.clone(), Some(json!({"cancel_at_period_end": false}))));
    refused(&webhook("customer.subscription.updated", s.clone(), None));
    // created already set to cancel: refused whole, not a start without its cancellation
    refused(&webhook("customer.subscription.created", s.clone(), None));

    // a new price restates the pending cancellation after its Change, which needs the period's
    // end too; an update of neither (a discount) does not
    refused(&webhook("customer.subscription.updated", s.clone(), Some(json!({"items": {}}))));
    let v = webhook("customer.subscription.updated", s.clone(), Some(json!({"discount": null})));
    assert!(matches!(map(&v), Ok(Mapped::Events(_)) | Ok(Mapped::Ignored(_))), "{:?}", map(&v));
    // nor does a cancellation at a stated time
    s["cancel_at"] = json!(unix(2026, 6, 1));
    let v = webhook("customer.subscription.updated", s, Some(json!({"cancel_at": null})));
    assert_eq!(kinds(&v), [EventKind::Cancel { paid_through: NaiveDate::from_ymd_opt(2026, 6, 1) }]);
}

#[test]
fn withdrawing_a_pending_cancel_is_a_change_at_the_current_price() {
    let v =
        webhook("customer.subscription.updated", legacy_subscription(), Some(json!({"cancel_at_period_end": true})));
    assert_eq!(kinds(&v), [EventKind::Change { price: usd("20.00"), interval: Interval::Month }]);
}

#[test]
fn an_update_arr_does_not_read_is_ignored() {
    let v = webhook("customer.subscription.updated", legacy_subscription(), Some(json!({"metadata": {"a": "b"}})));
    assert_eq!(ignored(&v), Ignored::NoArrChange);
    let mut s = legacy_subscription();
    s["status"] = json!("canceled");
    assert_eq!(
        ignored(&webhook("customer.subscription.updated", s, Some(json!({"status": "active"})))),
        Ignored::Canceled
    );
}

#[test]
fn an_update_without_previous_attributes_is_read_as_everything_changed() {
    let mut s = legacy_subscription();
    s["cancel_at_period_end"] = json!(true);
    let v = webhook("customer.subscription.updated", s, None);
    // the change first, then the pending cancel (a cancel is ordered last on a day)
    assert_eq!(
        kinds(&v),
        [
            EventKind::Change { price: usd("20.00"), interval: Interval::Month },
            EventKind::DiscountEnd,
            EventKind::Cancel { paid_through: Some(placeholder_day()) },
        ]
    );
    // all but the trial's end (the module docs said all): a trialing subscription's update is
    // not read as a restart, which a changed trial end is
    let mut s = legacy_subscription();
    s["status"] = json!("trialing");
    s["trial_end"] = json!(unix(2026, 3, 10));
    let mut v = webhook("customer.subscription.updated", s, None);
    v["created"] = json!(unix(2026, 2, 10));
    assert_eq!(
        kinds(&v),
        [EventKind::Change { price: usd("20.00"), interval: Interval::Month }, EventKind::DiscountEnd]
    );
}

// ---- paused, resumed ----

#[test]
fn paused_and_resumed_are_pause_and_resume_on_the_day_of_the_event() {
    for (kind, want) in
        [("customer.subscription.paused", EventKind::Pause), ("customer.subscription.resumed", EventKind::Resume)]
    {
        let mut v = webhook(kind, legacy_subscription(), None);
        v["created"] = json!(unix(2026, 4, 2));
        let out = events(&v);
        assert_eq!((out[0].date, &out[0].kind), (NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(), &want));
    }
}

// ---- deleted ----

#[test]
fn deleted_is_a_cancel_at_once_on_ended_at() {
    let mut s = legacy_subscription();
    s["ended_at"] = json!(unix(2026, 5, 31));
    let v = webhook("customer.subscription.deleted", s, None);
    let out = events(&v);
    assert_eq!(out[0].date, NaiveDate::from_ymd_opt(2026, 5, 31).unwrap());
    assert_eq!(out[0].kind, EventKind::Cancel { paid_through: None });
}

// ---- invoice.paid ----

fn cycle_invoice() -> Value {
    // invoice-2024-11.json, made a subscription's renewal: billing_reason subscription_cycle,
    // its one line a subscription line for 2026-01-31 → 2026-02-28 (anchor the 31st).
    let mut inv = fixture("invoice-2024-11.json");
    inv["subscription"] = json!("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw");
    inv["billing_reason"] = json!("subscription_cycle");
    let line = &mut inv["lines"]["data"][0];
    line["type"] = json!("subscription");
    line["period"] = json!({"start": unix(2026, 1, 31), "end": unix(2026, 2, 28)});
    inv
}

#[test]
fn a_paid_renewal_invoice_of_a_year_is_a_renewal_at_its_period() {
    let mut annual = cycle_invoice();
    annual["lines"]["data"][0]["period"] = json!({"start": unix(2026, 1, 31), "end": unix(2027, 1, 31)});
    let out = events(&webhook("invoice.paid", annual, None));
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].customer.as_str(), out[0].subscription.as_str()),
        ("cus_QXg1o8vcGmoR32", "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw")
    );
    assert_eq!(out[0].date, NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
    // the line's amount, 1000 usd
    assert_eq!(out[0].kind, EventKind::Renew { price: usd("10.00"), interval: Interval::Year });
}

/// Stripe's unit amounts and a renewal's lines add up to what a customer pays, never below
/// zero: a negative one is a payload the ledger would refuse, refused here before any event is
/// made, as the module's rules say.
#[test]
fn a_negative_unit_amount_or_renewal_is_refused_when_mapped() {
    let mut negative = legacy_subscription();
    negative["items"]["data"][0]["price"]["unit_amount"] = json!(-100);
    negative["items"]["data"][0]["price"]["unit_amount_decimal"] = Value::Null;
    let mut negative_text = legacy_subscription();
    negative_text["items"]["data"][0]["price"]["unit_amount_decimal"] = json!("-5");
    let mut renewal = cycle_invoice();
    renewal["lines"]["data"][0]["period"] = json!({"start": unix(2026, 1, 31), "end": unix(2027, 1, 31)});
    let mut credit = renewal["lines"]["data"][0].clone();
    credit["id"] = json!("il_credit");
    credit["amount"] = json!(-1300);
    renewal["lines"]["data"].as_array_mut().unwrap().push(credit);
    for (what, v) in [
        ("a negative unit amount", webhook("customer.subscription.created", negative, None)),
        ("a negative unit_amount_decimal", webhook("customer.subscription.created", negative_text, None)),
        ("a renewal whose lines sum below zero", webhook("invoice.paid", renewal, None)),
    ] {
        let r = map(&v);
        assert!(matches!(r, Err(StripeError::NegativeAmount { .. })), "{what}: {r:?}");
    }
}

/// Two webhooks' ARR events never share an id because Stripe's ids hold no `:`, with which
/// every suffix begins: a payload whose id holds one, or whose ids are empty, is refused.
#[test]
fn an_event_id_with_a_colon_or_an_empty_id_is_refused_when_mapped() {
    let created = |event: &str, sub: &str, customer: &str| {
        let mut s = legacy_subscription();
        s["id"] = json!(sub);
        s["customer"] = json!(customer);
        let mut v = webhook("customer.subscription.created", s, None);
        v["id"] = json!(event);
        v
    };
    for (what, v) in [
        ("an event id with a colon", created("evt_1:cancel", "sub_1", "cus_1")),
        ("an empty event id", created("", "sub_1", "cus_1")),
        ("an empty subscription id", created("evt_1", "", "cus_1")),
        ("an empty customer", created("evt_1", "sub_1", "")),
    ] {
        let r = map(&v);
        assert!(matches!(r, Err(StripeError::BadId { .. })), "{what}: {r:?}");
    }
    assert!(map(&created("evt_1", "sub_1", "cus_1")).is_ok());
}

/// Before: every `subscription_cycle` invoice was a Renew, so a $100-a-month plan's eleven
/// bills in a year made the composition's ARR renewed $13,200 against $1,200 of ARR, and the
/// first bill after a trial counted the same ARR as new business and as renewed.
#[test]
fn a_monthly_or_quarterly_bill_is_a_billing_cycle_not_a_renewal() {
    assert_eq!(ignored(&webhook("invoice.paid", cycle_invoice(), None)), Ignored::BillingCycle { months: 1 });
    let mut quarter = cycle_invoice();
    quarter["lines"]["data"][0]["period"] = json!({"start": unix(2026, 1, 15), "end": unix(2026, 4, 15)});
    assert_eq!(ignored(&webhook("invoice.paid", quarter, None)), Ignored::BillingCycle { months: 3 });
}

#[test]
fn the_current_invoice_shape_names_the_subscription_on_its_parent() {
    // invoice.json (API from 2025-03-31): the subscription under parent.subscription_details,
    // the line's origin under its parent
    let mut inv = fixture("invoice.json");
    inv["billing_reason"] = json!("subscription_cycle");
    inv["parent"]["type"] = json!("subscription_details");
    inv["parent"]["subscription_details"]["subscription"] = json!("sub_1");
    let line = &mut inv["lines"]["data"][0];
    line["parent"]["type"] = json!("subscription_item_details");
    line["parent"]["subscription_item_details"]["proration"] = json!(false);
    line["period"] = json!({"start": unix(2026, 1, 1), "end": unix(2027, 1, 1)});
    let out = events(&webhook("invoice.paid", inv.clone(), None));
    assert_eq!(out[0].subscription, "sub_1");
    assert_eq!(out[0].kind, EventKind::Renew { price: usd("10.00"), interval: Interval::Year });
    // the fixture's line is a proration: prorations are not renewals
    inv["lines"]["data"][0]["parent"]["subscription_item_details"]["proration"] = json!(true);
    assert_eq!(ignored(&webhook("invoice.paid", inv, None)), Ignored::NoSubscriptionLines);
}

#[test]
fn invoices_that_are_not_renewals_map_to_nothing() {
    // the documented invoices as published: billing_reason manual, no subscription (the
    // current one's parent is quote_details)
    assert_eq!(ignored(&webhook("invoice.paid", fixture("invoice.json"), None)), Ignored::NotASubscriptionInvoice);
    assert_eq!(
        ignored(&webhook("invoice.paid", fixture("invoice-2024-11.json"), None)),
        Ignored::NotASubscriptionInvoice
    );
    let mut first = cycle_invoice();
    first["billing_reason"] = json!("subscription_create");
    assert_eq!(ignored(&webhook("invoice.paid", first, None)), Ignored::NotARenewal("subscription_create".into()));
}

#[test]
fn a_renewal_period_must_be_whole_months() {
    let with = |start: i64, end: i64| {
        let mut inv = cycle_invoice();
        inv["lines"]["data"][0]["period"] = json!({"start": start, "end": end});
        map(&webhook("invoice.paid", inv, None))
    };
    // Feb 28 → Mar 31 on an anchor of the 31st, and Jan 15 → Jan 15 two years on
    assert!(with(unix(2026, 2, 28), unix(2026, 3, 31)).is_ok());
    assert!(matches!(
        with(unix(2026, 1, 15), unix(2028, 1, 15)).unwrap(),
        Mapped::Events(e) if e[0].kind == EventKind::Renew { price: usd("10.00"), interval: Interval::Months(24) }
    ));
    for (s, e) in [
        (unix(2026, 1, 15), unix(2027, 2, 1)),
        (unix(2026, 1, 15), unix(2026, 1, 15)),
        (unix(2026, 3, 1), unix(2026, 2, 1)),
    ] {
        assert!(matches!(with(s, e), Err(StripeError::PeriodNotWholeMonths { .. })));
    }
    // a cycle of days or weeks is billing, not a renewal (before: refused as not whole months)
    for (s, e) in [(unix(2026, 1, 1), unix(2026, 1, 8)), (unix(2026, 1, 15), unix(2026, 2, 1))] {
        assert!(matches!(with(s, e), Ok(Mapped::Ignored(Ignored::BillingCycle { months: 0 }))));
    }
}

// ---- discounts ----

fn with_coupon(coupon: Value) -> Value {
    let mut s = legacy_subscription();
    s["discount"] = json!({"id": "di_1", "object": "discount", "coupon": coupon});
    s["discounts"] = json!(["di_1"]); // the 2024 shape lists the same discount by id
    s
}

#[test]
fn a_coupon_becomes_the_subscriptions_discount() {
    // coupon.json: percent_off 25.5, duration forever
    let v = webhook("customer.subscription.created", with_coupon(fixture("coupon.json")), None);
    let out = events(&v);
    assert_eq!(out[1].id, "evt_1Pgc76B7WZ01zgkWwyRHS12y:discount");
    assert_eq!(
        out[1].kind,
        EventKind::DiscountStart(MrrDiscount {
            off: DiscountOff::Percent(Percent::from_fraction("0.255".parse().unwrap())),
            forever: true
        })
    );
    // an amount off in yen, for three months, on a subscription billed in yen
    let mut yen = fixture("coupon.json");
    yen["percent_off"] = Value::Null;
    yen["amount_off"] = json!(500);
    yen["currency"] = json!("jpy");
    yen["duration"] = json!("repeating");
    let mut s = with_coupon(yen);
    s["currency"] = json!("jpy");
    s["items"]["data"][0]["price"]["currency"] = json!("jpy");
    let v = webhook("customer.subscription.created", s, None);
    assert_eq!(
        kinds(&v)[1],
        EventKind::DiscountStart(MrrDiscount {
            off: DiscountOff::Amount(Money::parse("500", Currency::JPY).unwrap()),
            forever: false
        })
    );
}

/// Before: a coupon in EUR with a `currency_options` entry for USD, on a USD subscription,
/// mapped to a Start and a EUR discount the ledger refused: the Start was booked, without the
/// discount Stripe applies ($11 off, from `currency_options`), and redelivery could not repair it.
#[test]
fn a_multi_currency_coupon_takes_the_amount_of_the_subscriptions_currency() {
    let mut coupon = fixture("coupon.json");
    coupon["percent_off"] = Value::Null;
    coupon["amount_off"] = json!(1000);
    coupon["currency"] = json!("eur");
    coupon["currency_options"] = json!({"usd": {"amount_off": 1100}});
    let v = webhook("customer.subscription.created", with_coupon(coupon.clone()), None);
    assert_eq!(
        kinds(&v)[1],
        EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(usd("11")), forever: true })
    );
    // without an amount for the subscription's currency: refused before any event is made
    coupon["currency_options"] = json!({"gbp": {"amount_off": 900}});
    let v = webhook("customer.subscription.created", with_coupon(coupon), None);
    assert!(matches!(map(&v), Err(StripeError::BadCoupon { .. })));
}

/// Before: a percent off outside 0–100 passed the mapping and was refused by the ledger, after
/// the start had been booked without it.
#[test]
fn a_coupon_the_ledger_would_refuse_is_refused_before_any_event_is_made() {
    for percent in [150.0, -5.0] {
        let mut coupon = fixture("coupon.json");
        coupon["percent_off"] = json!(percent);
        let v = webhook("customer.subscription.created", with_coupon(coupon), None);
        assert!(matches!(map(&v), Err(StripeError::BadCoupon { .. })), "{percent}");
    }
}

#[test]
fn a_discount_given_by_id_only_or_a_second_discount_is_refused() {
    let mut s = legacy_subscription();
    s["discounts"] = json!(["di_only_an_id"]);
    let err = map(&webhook("customer.subscription.created", s, None)).unwrap_err();
    assert!(matches!(&err, StripeError::DiscountNotExpanded { id, .. } if id == "di_only_an_id"), "{err}");

    let mut s = with_coupon(fixture("coupon.json"));
    s["discounts"] =
        json!([{"id": "di_2", "object": "discount", "source": {"type": "coupon", "coupon": fixture("coupon.json")}}]);
    assert!(matches!(
        map(&webhook("customer.subscription.created", s, None)),
        Err(StripeError::StackedDiscounts { count: 2, .. })
    ));

    let mut empty = fixture("coupon.json");
    empty["percent_off"] = Value::Null;
    assert!(matches!(
        map(&webhook("customer.subscription.created", with_coupon(empty), None)),
        Err(StripeError::BadCoupon { .. })
    ));
}

/// Before: a discount on one of the subscription's items (`items.data[].discounts`, which
/// Stripe applies to that item before the subscription's own) was not read, so a subscription
/// whose one item had 50 % off forever was booked at its full $20 a month. As with a discount
/// given by id only, it is refused rather than booked without it.
#[test]
fn a_discount_on_a_subscription_item_is_refused_not_left_out() {
    let half_off = json!({"id": "di_item", "object": "discount",
        "source": {"type": "coupon", "coupon": {"id": "half", "percent_off": 50.0, "duration": "forever"}}});
    for discounts in [json!([half_off]), json!(["di_item"])] {
        let mut s = legacy_subscription();
        s["items"]["data"][0]["discounts"] = discounts.clone();
        let created = webhook("customer.subscription.created", s.clone(), None);
        let err = map(&created).unwrap_err();
        assert!(
            matches!(&err, StripeError::ItemDiscount { item, .. } if item == "si_QXhVnC2h0Jczwc"),
            "{discounts}: {err:?}"
        );
        let updated = webhook("customer.subscription.updated", s, Some(json!({"items": {}})));
        assert!(matches!(map(&updated), Err(StripeError::ItemDiscount { .. })), "{discounts}");
    }
    // an item without discounts, as Stripe's example has it, reads as before
    let s = legacy_subscription();
    assert_eq!(s["items"]["data"][0]["discounts"], json!([]));
    assert_eq!(start_price(s).unwrap().0, usd("20.00"));
}

/// Before: a renewal invoice's line read `amount`, which is before discounts, and not the
/// line's own `discounts` (a subscription item's discount, which Stripe applies to that line
/// before the invoice's, Stripe's API reference for the invoice line item), so the yearly
/// subscription whose item had 50 % off renewed at its full price, the item's discount left out
/// of the ARR as the subscription events no longer leave it. The subscription's own discount is
/// on the invoice (`discounts`), not the line, and the renewal is booked as before.
#[test]
fn a_renewal_line_with_a_discount_of_its_own_is_refused_not_left_out() {
    let annual = || {
        let mut inv = cycle_invoice();
        inv["lines"]["data"][0]["period"] = json!({"start": unix(2026, 1, 31), "end": unix(2027, 1, 31)});
        inv
    };
    for discounts in [json!(["di_item"]), json!([{"id": "di_item", "object": "discount"}])] {
        let mut inv = annual();
        inv["lines"]["data"][0]["discounts"] = discounts.clone();
        let r = map(&webhook("invoice.paid", inv, None));
        assert!(matches!(&r, Err(StripeError::ItemDiscount { .. })), "{discounts}: {r:?}");
    }
    // the subscription's discount, on the invoice, and lines without one, as Stripe's example
    let mut inv = annual();
    inv["discounts"] = json!(["di_subscription"]);
    assert_eq!(inv["lines"]["data"][0]["discounts"], json!([]));
    assert_eq!(
        kinds(&webhook("invoice.paid", inv, None)),
        [EventKind::Renew { price: usd("10.00"), interval: Interval::Year }]
    );
    // a monthly bill is billing, not a renewal, discount or not
    let mut monthly = cycle_invoice();
    monthly["lines"]["data"][0]["discounts"] = json!(["di_item"]);
    assert_eq!(ignored(&webhook("invoice.paid", monthly, None)), Ignored::BillingCycle { months: 1 });
}

#[test]
fn a_discount_read_from_its_source_coupon_in_the_current_shape() {
    let mut s = legacy_subscription();
    s["discounts"] =
        json!([{"id": "di_2", "object": "discount", "source": {"type": "coupon", "coupon": fixture("coupon.json")}}]);
    assert!(matches!(kinds(&webhook("customer.subscription.created", s, None))[1], EventKind::DiscountStart(_)));
}

#[test]
fn a_removed_discount_is_a_discount_end() {
    let v = webhook(
        "customer.subscription.updated",
        legacy_subscription(),
        Some(json!({"discount": fixture("coupon.json")})),
    );
    assert_eq!(kinds(&v), [EventKind::DiscountEnd]);
    let v =
        webhook("customer.subscription.updated", with_coupon(fixture("coupon.json")), Some(json!({"discount": null})));
    assert!(matches!(kinds(&v)[..], [EventKind::DiscountStart(_)]));
}

// ---- the rest ----

#[test]
fn an_unknown_event_type_is_ignored_not_an_error() {
    // event.json as published: a plan.created
    assert_eq!(ignored(&fixture("event.json")), Ignored::UnknownType("plan.created".into()));
}

#[test]
fn a_subscription_event_without_a_subscription_is_refused() {
    let v = webhook("customer.subscription.created", fixture("invoice.json"), None);
    assert!(matches!(map(&v), Err(StripeError::WrongObject { .. })));
    let v = webhook("invoice.paid", fixture("subscription.json"), None);
    assert!(matches!(map(&v), Err(StripeError::WrongObject { .. })));
}

#[test]
fn times_the_crate_cannot_date_are_refused() {
    let mut v = webhook("customer.subscription.created", legacy_subscription(), None);
    v["created"] = json!(-1);
    assert!(matches!(map(&v), Err(StripeError::BadTimestamp { field: "created", .. })));
    let mut s = legacy_subscription();
    s["start_date"] = json!(i64::MAX);
    assert!(matches!(
        map(&webhook("customer.subscription.created", s, None)),
        Err(StripeError::BadTimestamp { field: "start_date", .. })
    ));
}

// ---- into the book ----

/// Before: a webhook whose only ARR event was a cancellation or a discount gave it the id
/// `evt_…:cancel` or `evt_…:discount`, and one with both gave neither the bare id, against the
/// module docs (the Stripe id is the id of the ARR event it maps to, suffixes for the others);
/// so `book.contains_event(&webhook.id)` said no for a webhook the book had applied.
#[test]
fn the_first_arr_event_of_a_webhook_carries_the_stripe_id_and_the_others_a_suffix() {
    let ids = |v: &Value| events(v).into_iter().map(|e| e.id).collect::<Vec<_>>();
    let evt = "evt_1Pgc76B7WZ01zgkWwyRHS12y";
    let mut cancelling = with_coupon(fixture("coupon.json"));
    cancelling["cancel_at"] = json!(unix(2026, 6, 1));
    // one ARR event: the bare id, whatever its kind
    let cancel = webhook("customer.subscription.updated", cancelling.clone(), Some(json!({"cancel_at": null})));
    assert_eq!(ids(&cancel), [evt]);
    let discount = webhook("customer.subscription.updated", cancelling.clone(), Some(json!({"discount": null})));
    assert_eq!(ids(&discount), [evt]);
    // more than one: the first bare, the others with the suffix of their kind
    let both = webhook(
        "customer.subscription.updated",
        cancelling.clone(),
        Some(json!({"discount": null, "cancel_at": null})),
    );
    assert_eq!(kinds(&both).len(), 2);
    assert_eq!(ids(&both), [evt.to_string(), format!("{evt}:cancel")]);
    let created = webhook("customer.subscription.created", cancelling.clone(), None);
    assert_eq!(ids(&created), [evt.to_string(), format!("{evt}:discount"), format!("{evt}:cancel")]);
    // a redelivery maps to the same ids
    assert_eq!(ids(&both), ids(&both.clone()));

    // distinct webhooks never share an id: Stripe's ids hold no ':', the suffixes all start with one
    let mut all = Vec::new();
    for (n, v) in [&cancel, &discount, &both, &created].into_iter().enumerate() {
        let mut v = v.clone();
        v["id"] = json!(format!("evt_{n}"));
        all.extend(ids(&v));
    }
    let distinct: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "{all:?}");

    // so the book answers for the webhook by its id
    let mut started = legacy_subscription();
    started["start_date"] = json!(unix(2026, 1, 5));
    let mut start = webhook("customer.subscription.created", started.clone(), None);
    start["id"] = json!("evt_start");
    started["cancel_at"] = json!(unix(2026, 6, 1));
    let mut cancel = webhook("customer.subscription.updated", started, Some(json!({"cancel_at": null})));
    cancel["created"] = json!(unix(2026, 2, 10));
    let (jan, jun) = (Month::new(2026, 1).unwrap(), Month::new(2026, 6).unwrap());
    let fx = InMemoryFxRates::new();
    let mut book = ArrBook::build(&[], ArrPolicy::default(), Currency::USD, jan..=jun, &fx).unwrap();
    for v in [&start, &cancel] {
        let webhook = event(v);
        assert!(!book.contains_event(&webhook.id));
        let Mapped::Events(arr_events) = map_event(&webhook).unwrap() else { panic!() };
        for e in &arr_events {
            assert_eq!(book.apply(e, &fx).unwrap(), Applied::New);
        }
        assert!(book.contains_event(&webhook.id), "{}", webhook.id);
    }
}

/// A subscription created on 5 January 2026 at $20 a month (`evt_created`), and its update to
/// four seats on 2 March (`evt_upgraded`).
fn created_then_upgraded() -> (Value, Value) {
    let mut s = legacy_subscription();
    s["start_date"] = json!(unix(2026, 1, 5));
    s["created"] = json!(unix(2026, 1, 5));
    let mut created = webhook("customer.subscription.created", s.clone(), None);
    created["id"] = json!("evt_created");
    created["created"] = json!(unix(2026, 1, 5));
    s["items"]["data"][0]["quantity"] = json!(4);
    let mut upgraded = webhook("customer.subscription.updated", s.clone(), Some(json!({"items": {}})));
    upgraded["id"] = json!("evt_upgraded");
    upgraded["created"] = json!(unix(2026, 3, 2));
    (created, upgraded)
}

#[test]
fn a_webhook_delivered_twice_changes_nothing() {
    let (jan, jun) = (Month::new(2026, 1).unwrap(), Month::new(2026, 6).unwrap());
    let fx = InMemoryFxRates::new();
    let (created, upgraded) = created_then_upgraded();

    let mut book = ArrBook::build(&[], ArrPolicy::default(), Currency::USD, jan..=jun, &fx).unwrap();
    for body in [&created, &upgraded] {
        // the JSON text as Stripe sends it, read afresh on each delivery
        let text = serde_json::to_string(body).unwrap();
        for delivery in 0..2 {
            let before = book.clone();
            let event: Event = serde_json::from_str(&text).unwrap();
            let Mapped::Events(arr_events) = map_event(&event).unwrap() else { panic!() };
            for e in &arr_events {
                let applied = book.apply(e, &fx).unwrap();
                assert_eq!(applied, if delivery == 0 { Applied::New } else { Applied::Duplicate });
            }
            if delivery == 1 {
                assert_eq!(book, before);
            }
        }
    }
    assert_eq!(book.arr_at(Month::new(2026, 2).unwrap()).unwrap(), usd("240.00"));
    assert_eq!(book.arr_at(jun).unwrap(), usd("960.00")); // 4 × $20 a month
}

#[test]
fn an_update_delivered_before_the_creation_is_held_until_the_creation_arrives() {
    // Stripe does not promise order: the upgrade's webhook comes first, is held, and the book
    // once the creation arrives is the one that took them in order
    let (jan, jun) = (Month::new(2026, 1).unwrap(), Month::new(2026, 6).unwrap());
    let fx = InMemoryFxRates::new();
    let (created, upgraded) = created_then_upgraded();
    let arr_events = |v: &Value| events(v);
    let book_of = |order: [&Value; 2]| {
        let mut book = ArrBook::build(&[], ArrPolicy::default(), Currency::USD, jan..=jun, &fx).unwrap();
        let applied: Vec<Applied> =
            order.iter().flat_map(|v| arr_events(v)).map(|e| book.apply(&e, &fx).unwrap()).collect();
        (book, applied)
    };
    let (in_order, _) = book_of([&created, &upgraded]);
    let (reversed, applied) = book_of([&upgraded, &created]);
    assert_eq!(applied, [Applied::Held, Applied::New]);
    assert_eq!(reversed, in_order);
    assert_eq!(reversed.held().count(), 0);
    assert_eq!(reversed.arr_at(jun).unwrap(), usd("960.00")); // 4 × $20 a month
}

/// Before: an update of the quantity (or items, or plan) of a subscription set to cancel at
/// period end mapped to a bare Change, and a Change withdraws a pending cancellation: under
/// `ChurnTiming::AtCancellation` a customer who had cancelled was booked back in (USD 480 of
/// ARR at February's end), and under the default the scheduled churn disappeared until the
/// `deleted` event. The cancellation the payload still waits for is restated after the Change,
/// as a start restates it.
#[test]
fn a_price_change_while_a_cancellation_is_pending_keeps_the_cancellation() {
    let mut s = legacy_subscription();
    s["trial_end"] = Value::Null;
    for (field, day) in [("start_date", 5), ("created", 5), ("current_period_start", 5)] {
        s[field] = json!(unix(2026, 1, day));
    }
    s["current_period_end"] = json!(unix(2026, 4, 5));
    let at = |mut w: Value, id: &str, created: i64| {
        w["id"] = json!(id);
        w["created"] = json!(created);
        w
    };
    let created = at(webhook("customer.subscription.created", s.clone(), None), "evt_a", unix(2026, 1, 5));
    s["cancel_at_period_end"] = json!(true);
    let cancel = webhook("customer.subscription.updated", s.clone(), Some(json!({"cancel_at_period_end": false})));
    let cancel = at(cancel, "evt_b", unix(2026, 2, 10));
    s["items"]["data"][0]["quantity"] = json!(2);
    let more = at(webhook("customer.subscription.updated", s, Some(json!({"items": {}}))), "evt_c", unix(2026, 2, 20));
    let mapped: Vec<SubscriptionEvent> = [&created, &cancel, &more].into_iter().flat_map(events).collect();
    let restated = events(&more);
    assert_eq!(restated.len(), 2, "{restated:?}");
    let paid_through = Some(NaiveDate::from_ymd_opt(2026, 4, 5).unwrap());
    assert_eq!(restated[1].kind, EventKind::Cancel { paid_through });
    let months = Month::new(2026, 1).unwrap()..=Month::new(2026, 4).unwrap();
    for (churn, feb) in
        [(revops::arr::ChurnTiming::AtCancellation, "0"), (revops::arr::ChurnTiming::AtPeriodEnd, "480")]
    {
        let policy = ArrPolicy { churn, ..ArrPolicy::default() };
        let b = ArrBook::build(&mapped, policy, Currency::USD, months.clone(), &InMemoryFxRates::new()).unwrap();
        assert_eq!(b.arr_at(Month::new(2026, 2).unwrap()).unwrap(), usd(feb), "{churn:?}");
        assert_eq!(b.arr_at(Month::new(2026, 4).unwrap()).unwrap(), usd("0"), "{churn:?}: churned at the period end");
    }
}

// ---- tax-inclusive prices ----

/// A Tax Rate object in the shape of the example in Stripe's API reference (Tax Rates, "The
/// Tax Rate object": VAT, DE), made inclusive at 20 %.
fn inclusive_vat(percentage: f64) -> Value {
    json!({"id": "txr_1", "object": "tax_rate", "active": true, "country": "DE", "display_name": "VAT",
           "inclusive": true, "jurisdiction": "DE", "percentage": percentage, "rate_type": "percentage",
           "tax_type": "vat"})
}

fn expect_tax_refused(v: &Value, price_or_line: &str) {
    match map(v) {
        Err(e @ StripeError::TaxInclusive { .. }) => {
            let text = e.to_string();
            assert!(text.contains("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"), "{text}");
            assert!(text.contains(price_or_line), "{text}");
        }
        other => panic!("{other:?}"),
    }
}

/// Before: a 20 %-VAT-inclusive price of 2000 (€20 gross) started at 20.00, the tax in ARR.
/// Stripe's inclusive tax is the part of the amount the rate makes up (support.stripe.com,
/// "Inclusive and exclusive tax options": a €600 price with an inclusive 10 % rate totals €600):
/// 2000 × 20/120 = 333.33 → 333 cents of tax, 1667 net.
#[test]
fn an_inclusive_tax_rate_on_an_item_or_the_subscription_is_taken_out_of_its_mrr() {
    let mut s = legacy_subscription();
    s["items"]["data"][0]["price"]["tax_behavior"] = json!("inclusive");
    s["items"]["data"][0]["tax_rates"] = json!([inclusive_vat(20.0)]);
    let start = |price| EventKind::Start { price: usd(price), interval: Interval::Month, trial_until: None };
    assert_eq!(kinds(&webhook("customer.subscription.created", s.clone(), None)), [start("16.67")]);
    // the subscription's default_tax_rates apply to an item without rates of its own
    let mut d = legacy_subscription();
    d["default_tax_rates"] = json!([inclusive_vat(20.0)]);
    assert_eq!(kinds(&webhook("customer.subscription.created", d, None)), [start("16.67")]);
    // an exclusive rate is added on top of the price: the price is net already
    let mut x = legacy_subscription();
    let mut vat = inclusive_vat(20.0);
    vat["inclusive"] = json!(false);
    x["default_tax_rates"] = json!([vat]);
    assert_eq!(kinds(&webhook("customer.subscription.created", x, None)), [start("20.00")]);
    // the same on a price change
    let v = webhook("customer.subscription.updated", s, Some(json!({"items": {}})));
    assert_eq!(kinds(&v), [EventKind::Change { price: usd("16.67"), interval: Interval::Month }]);
}

/// Before: an inclusive price under Stripe Tax (`automatic_tax.enabled`) started gross; its tax
/// depends on the customer's address and is not in the payload, so it is refused by name.
#[test]
fn an_inclusive_price_whose_tax_the_payload_does_not_state_is_refused() {
    let mut s = legacy_subscription();
    s["automatic_tax"] = json!({"enabled": true, "liability": {"type": "self"}});
    s["items"]["data"][0]["price"]["tax_behavior"] = json!("inclusive");
    expect_tax_refused(&webhook("customer.subscription.created", s.clone(), None), "price_");
    // nor with automatic tax left unsaid
    s["automatic_tax"] = Value::Null;
    expect_tax_refused(&webhook("customer.subscription.created", s, None), "price_");
    // under Stripe Tax an exclusive price is net
    let mut x = legacy_subscription();
    x["automatic_tax"] = json!({"enabled": true});
    x["items"]["data"][0]["price"]["tax_behavior"] = json!("exclusive");
    assert_eq!(
        kinds(&webhook("customer.subscription.created", x, None)),
        [EventKind::Start { price: usd("20.00"), interval: Interval::Month, trial_until: None }]
    );
}

/// Before: a renewal line of 1200 holding 200 of inclusive tax renewed at 12.00. The line's
/// `tax_amounts` (API versions before 2025-03-31) or `taxes` (from 2025-03-31) state the tax.
#[test]
fn a_renewal_line_is_taken_net_of_the_inclusive_tax_it_states() {
    let annual = || {
        let mut inv = cycle_invoice();
        inv["lines"]["data"][0]["period"] = json!({"start": unix(2026, 1, 31), "end": unix(2027, 1, 31)});
        inv["lines"]["data"][0]["amount"] = json!(1200);
        inv["lines"]["data"][0]["price"]["tax_behavior"] = json!("inclusive");
        inv
    };
    let renew = |price| EventKind::Renew { price: usd(price), interval: Interval::Year };
    let mut legacy = annual();
    legacy["lines"]["data"][0]["tax_amounts"] =
        json!([{"amount": 200, "inclusive": true, "tax_rate": "txr_1", "taxable_amount": 1000}]);
    assert_eq!(kinds(&webhook("invoice.paid", legacy.clone(), None)), [renew("10.00")]);
    let mut current = annual();
    current["lines"]["data"][0]["tax_amounts"] = Value::Null;
    current["lines"]["data"][0]["taxes"] = json!([{"amount": 200, "tax_behavior": "inclusive",
        "taxable_amount": 1000, "type": "tax_rate_details", "tax_rate_details": {"tax_rate": "txr_1"}}]);
    assert_eq!(kinds(&webhook("invoice.paid", current, None)), [renew("10.00")]);
    // exclusive tax is on top of the amount
    let mut exclusive = annual();
    exclusive["lines"]["data"][0]["tax_amounts"] =
        json!([{"amount": 240, "inclusive": false, "tax_rate": "txr_1", "taxable_amount": 1200}]);
    assert_eq!(kinds(&webhook("invoice.paid", exclusive, None)), [renew("12.00")]);
    // the tax of a discounted line is on the discounted amount: the undiscounted net is not stated
    let mut discounted = legacy;
    discounted["lines"]["data"][0]["discount_amounts"] = json!([{"amount": 120, "discount": "di_1"}]);
    expect_tax_refused(&webhook("invoice.paid", discounted, None), "il_");
    // an inclusive price whose line states no tax at all
    let mut unstated = annual();
    unstated["lines"]["data"][0]["tax_amounts"] = Value::Null;
    expect_tax_refused(&webhook("invoice.paid", unstated, None), "il_");
}

// ---- coupons restricted to products ----

/// The 2024 subscription with a second item, price_second at 1000 usd a month for product
/// prod_second, and coupon.json (25.5 % off, forever) restricted by `applies_to.products`
/// (Coupon object reference: "applies_to.products: a list of product IDs this coupon applies
/// to") to `products`.
fn with_restricted_coupon(products: Value) -> Value {
    let mut coupon = fixture("coupon.json");
    coupon["applies_to"] = json!({"products": products});
    let mut s = with_coupon(coupon);
    let mut second = s["items"]["data"][0].clone();
    second["id"] = json!("si_second");
    second["price"]["id"] = json!("price_second");
    second["price"]["product"] = json!("prod_second");
    second["price"]["unit_amount"] = json!(1000);
    second["price"]["unit_amount_decimal"] = json!("1000");
    s["items"]["data"].as_array_mut().unwrap().push(second);
    s
}

/// Before: a 25.5 % coupon restricted to prod_second took 25.5 % off the whole $30.00 ($7.65);
/// Stripe takes it off prod_second's $10.00 alone: $2.55 off each month.
#[test]
fn a_coupon_restricted_to_products_discounts_only_their_items() {
    let start = EventKind::Start { price: usd("30.00"), interval: Interval::Month, trial_until: None };
    let v = webhook("customer.subscription.created", with_restricted_coupon(json!(["prod_second"])), None);
    assert_eq!(
        kinds(&v),
        [start.clone(), EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(usd("2.55")), forever: true })]
    );
    // restricted to every item's product: the percent, as for an unrestricted coupon
    let all = with_restricted_coupon(json!(["prod_second", "prod_QXg1hqf4jFNsqG"]));
    let percent = Percent::from_fraction("0.255".parse().unwrap());
    assert_eq!(
        kinds(&webhook("customer.subscription.created", all, None))[1],
        EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Percent(percent), forever: true })
    );
    // to a product the subscription does not hold: no discount
    let none = with_restricted_coupon(json!(["prod_elsewhere"]));
    assert_eq!(kinds(&webhook("customer.subscription.created", none, None)), [start]);
    // the items change: the amount off follows them (3 of prod_second: 25.5 % of $30.00)
    let mut more = with_restricted_coupon(json!(["prod_second"]));
    more["items"]["data"][1]["quantity"] = json!(3);
    let v = webhook("customer.subscription.updated", more, Some(json!({"items": {}})));
    assert_eq!(
        kinds(&v),
        [
            EventKind::Change { price: usd("50.00"), interval: Interval::Month },
            EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(usd("7.65")), forever: true })
        ]
    );
}

/// An amount off restricted to products, or a restriction the items cannot be matched against
/// (an item's price without its product), is refused by name, never taken off the whole.
#[test]
fn a_restricted_coupon_that_cannot_be_applied_item_by_item_is_refused() {
    let mut amount = with_restricted_coupon(json!(["prod_second"]));
    amount["discount"]["coupon"]["percent_off"] = Value::Null;
    amount["discount"]["coupon"]["amount_off"] = json!(500);
    let mut unnamed = with_restricted_coupon(json!(["prod_second"]));
    unnamed["items"]["data"][0]["price"]["product"] = Value::Null;
    for (what, s) in [("amount off", amount), ("no product", unnamed)] {
        match map(&webhook("customer.subscription.created", s, None)) {
            Err(e @ StripeError::RestrictedCoupon { .. }) => {
                let text = e.to_string();
                assert!(text.contains("Z4OV52SU") && text.contains("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"), "{what}: {text}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// Before: a coupon read with `applies_to` expanded whose product list is empty was refused.
/// Stripe includes `applies_to` only when it is expanded (Coupon object reference: "This field
/// is not included by default"), and an unrestricted coupon then reads `{"products": []}`: it
/// applies to every item, as a coupon without `applies_to` does.
#[test]
fn an_expanded_applies_to_with_no_products_is_an_unrestricted_coupon() {
    let percent = Percent::from_fraction("0.255".parse().unwrap());
    let whole = EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Percent(percent), forever: true });
    let v = webhook("customer.subscription.created", with_restricted_coupon(json!([])), None);
    assert_eq!(
        kinds(&v),
        [EventKind::Start { price: usd("30.00"), interval: Interval::Month, trial_until: None }, whole.clone()]
    );
    // a price change does not restate an unrestricted coupon
    let v = webhook("customer.subscription.updated", with_restricted_coupon(json!([])), Some(json!({"items": {}})));
    assert_eq!(kinds(&v), [EventKind::Change { price: usd("30.00"), interval: Interval::Month }]);
}

/// Before: an amount off restricted to products was refused even when every item or none of
/// them is of those products. Off every item it is the coupon's amount, as unrestricted; off
/// none of them, Stripe takes nothing off. Only an amount off some items is refused.
#[test]
fn an_amount_off_restricted_to_all_or_none_of_the_items_is_determined() {
    let amount = |products| {
        let mut s = with_restricted_coupon(products);
        s["discount"]["coupon"]["percent_off"] = Value::Null;
        s["discount"]["coupon"]["amount_off"] = json!(500);
        s["discount"]["coupon"]["currency"] = json!("usd");
        s
    };
    let start = EventKind::Start { price: usd("30.00"), interval: Interval::Month, trial_until: None };
    let all = webhook("customer.subscription.created", amount(json!(["prod_QXg1hqf4jFNsqG", "prod_second"])), None);
    assert_eq!(
        kinds(&all),
        [start.clone(), EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(usd("5.00")), forever: true })]
    );
    let none = webhook("customer.subscription.created", amount(json!(["prod_elsewhere"])), None);
    assert_eq!(kinds(&none), [start]);
    assert!(matches!(
        map(&webhook("customer.subscription.created", amount(json!(["prod_second"])), None)),
        Err(StripeError::RestrictedCoupon { .. })
    ));
}

/// Under Stripe Tax a price whose `tax_behavior` is `unspecified` takes the account's default
/// tax behavior (Stripe's Tax settings), which no webhook carries. Unstated, such a price is
/// refused; a caller who states the default as exclusive gets the price as net, and one who
/// states it as inclusive gets the refusal an inclusive price gets under Stripe Tax.
#[test]
fn an_unspecified_price_under_stripe_tax_follows_the_default_tax_behavior_the_caller_states() {
    use revops::stripe::{map_event_with, DefaultTaxBehavior};
    let mut s = legacy_subscription();
    s["automatic_tax"] = json!({"enabled": true});
    s["items"]["data"][0]["price"]["tax_behavior"] = json!("unspecified");
    let v = webhook("customer.subscription.created", s, None);
    expect_tax_refused(&v, "price_");
    let e = event(&v);
    assert!(matches!(map_event_with(&e, DefaultTaxBehavior::Unknown), Err(StripeError::TaxInclusive { .. })));
    assert!(matches!(map_event_with(&e, DefaultTaxBehavior::Inclusive), Err(StripeError::TaxInclusive { .. })));
    match map_event_with(&e, DefaultTaxBehavior::Exclusive) {
        Ok(Mapped::Events(events)) => assert_eq!(
            events.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
            [EventKind::Start { price: usd("20.00"), interval: Interval::Month, trial_until: None }]
        ),
        other => panic!("{other:?}"),
    }
}

/// A caller who states the account's default as inclusive says an `unspecified` price is an
/// inclusive one wherever Stripe Tax applies it. An inclusive price is refused when the payload
/// leaves `automatic_tax` unsaid (Stripe Tax may compute its tax), and an inclusive renewal line
/// that states no tax is refused; the same price or line on such an account was taken gross,
/// the tax in ARR. Stated as exclusive or left unstated, nothing changes, and with Stripe Tax
/// off the default does not apply.
#[test]
fn an_unspecified_price_on_an_account_stated_inclusive_is_refused_where_an_inclusive_one_is() {
    use revops::stripe::{map_event_with, DefaultTaxBehavior};
    let start = [EventKind::Start { price: usd("20.00"), interval: Interval::Month, trial_until: None }];
    let kinds_of = |r: Result<Mapped, StripeError>| match r {
        Ok(Mapped::Events(events)) => events.into_iter().map(|e| e.kind).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    let mut s = legacy_subscription();
    s["automatic_tax"] = Value::Null;
    s["items"]["data"][0]["price"]["tax_behavior"] = json!("unspecified");
    let unsaid = event(&webhook("customer.subscription.created", s.clone(), None));
    let r = map_event_with(&unsaid, DefaultTaxBehavior::Inclusive);
    assert!(matches!(&r, Err(StripeError::TaxInclusive { object, .. }) if object.starts_with("price ")), "{r:?}");
    assert_eq!(kinds_of(map_event_with(&unsaid, DefaultTaxBehavior::Exclusive)), start);
    assert_eq!(kinds_of(map_event_with(&unsaid, DefaultTaxBehavior::Unknown)), start);
    // Stripe Tax off: no tax is charged on the price, whatever the default
    s["automatic_tax"] = json!({"enabled": false});
    let off = event(&webhook("customer.subscription.created", s, None));
    assert_eq!(kinds_of(map_event_with(&off, DefaultTaxBehavior::Inclusive)), start);

    // a year's renewal line whose price is unspecified and that states no tax
    let mut inv = cycle_invoice();
    inv["lines"]["data"][0]["period"] = json!({"start": unix(2026, 1, 31), "end": unix(2027, 1, 31)});
    inv["lines"]["data"][0]["tax_amounts"] = Value::Null;
    inv["lines"]["data"][0]["price"]["tax_behavior"] = json!("unspecified");
    let renewal = event(&webhook("invoice.paid", inv, None));
    let r = map_event_with(&renewal, DefaultTaxBehavior::Inclusive);
    assert!(matches!(&r, Err(StripeError::TaxInclusive { object, .. }) if object.starts_with("line ")), "{r:?}");
    let renew = [EventKind::Renew { price: usd("10.00"), interval: Interval::Year }];
    assert_eq!(kinds_of(map_event_with(&renewal, DefaultTaxBehavior::Exclusive)), renew);
    assert_eq!(kinds_of(map_event_with(&renewal, DefaultTaxBehavior::Unknown)), renew);
}
