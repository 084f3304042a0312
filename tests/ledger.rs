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
