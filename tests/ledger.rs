//! Behaviour of `ledger`: journal entries, GL export and the chart of accounts.

#[cfg(feature = "serde")]
#[test]
fn a_chart_with_a_per_currency_code_round_trips_through_json() {
    use revops::ledger::{Account, AccountMap, ChartOfAccounts};
    use revops::Currency;
    let chart = AccountMap::new().with(Account::AccountsReceivable, "1200").with_currency(
        Account::AccountsReceivable,
        Currency::EUR,
        "1210",
    );
    let json = serde_json::to_string(&chart).expect("a chart with a per-currency code serialises");
    let back: AccountMap = serde_json::from_str(&json).unwrap();
    assert_eq!(back, chart);
    assert_eq!(back.code(Account::AccountsReceivable, Currency::EUR), Some("1210"));
    // the same account and currency twice is ambiguous: refused, not last-one-wins
    let twice = r#"{"codes":{},"by_currency":[{"account":"Cash","currency":"EUR","code":"1001"},{"account":"Cash","currency":"EUR","code":"1002"}]}"#;
    let err = serde_json::from_str::<AccountMap>(twice).unwrap_err().to_string();
    assert!(err.contains("Cash") && err.contains("EUR"), "{err}");
}

#[cfg(feature = "serde")]
#[test]
fn a_chart_saved_before_per_currency_codes_serialised_still_reads() {
    use revops::ledger::{Account, AccountMap, ChartOfAccounts};
    use revops::Currency;
    // what an AccountMap without per-currency codes serialised to before: "by_currency" an empty object
    let saved = r#"{"codes":{"Cash":"1000"},"by_currency":{}}"#;
    let chart: AccountMap = serde_json::from_str(saved).expect("a chart saved by the earlier version reads");
    assert_eq!(chart, AccountMap::new().with(Account::Cash, "1000"));
    assert_eq!(chart.code(Account::Cash, Currency::EUR), Some("1000"));
    // and what this version writes for it reads back
    let again: AccountMap = serde_json::from_str(&serde_json::to_string(&chart).unwrap()).unwrap();
    assert_eq!(again, chart);
}

#[cfg(feature = "serde")]
#[test]
fn a_chart_whose_per_currency_entry_is_wrong_says_which_field() {
    use revops::ledger::AccountMap;
    let bad = r#"{"codes":{},"by_currency":[{"account":"Cash","currency":"XXZ","code":"1001"}]}"#;
    let err = serde_json::from_str::<AccountMap>(bad).unwrap_err().to_string();
    assert!(err.contains("XXZ"), "{err}");
    let object = r#"{"codes":{},"by_currency":{"Cash":"1001"}}"#;
    assert!(serde_json::from_str::<AccountMap>(object).is_err());
}
