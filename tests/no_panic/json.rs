//! Adversarial JSON shared by every area: take a valid value's JSON, change a few nodes, and
//! hand whatever still deserialises to the engines. Most replacements keep a leaf's kind (an
//! amount for an amount, a date for a date, a percent for a percent) so that the mutated value
//! gets past parsing to the checks behind it; the rest swap in the wrong kind, empty or double
//! an array (a short vector, duplicate ids) or drop a field.

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

/// Replacement leaves: extreme amounts, dates, percents, currencies, and the wrong kinds.
pub(crate) fn wild_leaf(pick: u8) -> Value {
    const LEAVES: &[&str] = &[
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "0",
        "-1",
        "1e30",
        "",
        "+262142-12-31",
        "-262143-01-01",
        "2026-02-30",
        "2026-01-01",
        "9999-12-31",
        "150%",
        "-5%",
        "0%",
        "100%",
        "7922816251426433759354395033500%",
        "0.5",
        "XXX",
        "JPY",
        "KWD",
        "USD",
    ];
    match pick % 32 {
        k if (k as usize) < LEAVES.len() => Value::String(LEAVES[k as usize].into()),
        22 => Value::Null,
        23 => Value::Array(vec![]),
        24 => Value::Object(Default::default()),
        25 => Value::Bool(true),
        26 => serde_json::json!(u64::MAX),
        27 => serde_json::json!(-1.5e300),
        28 => serde_json::json!(0),
        29 => serde_json::json!({"amount": "79228162514264337593543950335", "currency": "USD"}),
        30 => serde_json::json!({"start": "2026-02-01", "end": "2026-01-01"}),
        _ => serde_json::json!({"amount": "-0.0000000000000000000000000001", "currency": "KWD"}),
    }
}

/// Every node of `v`, depth first, as paths of object keys and array indices.
fn paths(v: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(here.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                here.push(PathStep::Index(i));
                paths(item, here, out);
                here.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                here.push(PathStep::Key(k.clone()));
                paths(item, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn node<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k.as_str()),
        PathStep::Index(i) => v.get_mut(*i),
    })
}

/// A replacement of the same kind as `old` (an amount for an amount, a date for a date, a
/// percent for a percent, a currency for a currency), so that most mutations still parse and
/// reach the checks and the engines behind them.
fn like(old: &Value, pick: u8) -> Value {
    const AMOUNTS: &[&str] = &[
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "-0.0000000000000000000000000001",
        "0",
        "-1",
        "1",
        "123456789.123456789",
        "0.005",
    ];
    const DATES: &[&str] = &["+262142-12-31", "-262143-01-01", "2026-01-01", "2026-07-01", "2025-12-31", "2027-01-01"];
    const PERCENTS: &[&str] =
        &["150%", "-5%", "0%", "100%", "7922816251426433759354395033500%", "0.0000000000000000000000001%", "99.99%"];
    const CURRENCIES: &[&str] = &["USD", "JPY", "KWD", "EUR"];
    let from = |list: &[&str]| Value::String(list[pick as usize % list.len()].into());
    match old {
        Value::String(t) if t.ends_with('%') => from(PERCENTS),
        Value::String(t) if t.parse::<Decimal>().is_ok() => from(AMOUNTS),
        Value::String(t) if t.parse::<NaiveDate>().is_ok() => from(DATES),
        Value::String(t) if t.len() == 3 && t.chars().all(|c| c.is_ascii_uppercase()) => from(CURRENCIES),
        Value::String(_) => from(&["o0", "a", "b", "h", "", "v", "INV-1", "py_1", "c0", "Active"]),
        Value::Bool(b) => Value::Bool(!b),
        // a count, an index, a length
        Value::Number(n) if n.is_u64() && pick.is_multiple_of(2) => {
            serde_json::json!([0u64, 1, 2, 3, 367, u64::from(u32::MAX), u64::MAX][pick as usize / 2 % 7])
        }
        // a parameter, a variance, a state: the float extremes
        Value::Number(_) if pick.is_multiple_of(2) => serde_json::json!(
            [f64::MAX, -f64::MAX, 1e300, 1e-300, 5e-324, -0.0, 1e154, 0.5, 1.0, 2.0, -1.0][pick as usize / 2 % 11]
        ),
        _ => wild_leaf(pick),
    }
}

/// Apply mutations `(which node, what to do)` to a JSON value.
pub(crate) fn mutate(v: &mut Value, ops: &[(u16, u8, u8)]) {
    for &(at, op, leaf) in ops {
        let mut all = Vec::new();
        paths(v, &mut Vec::new(), &mut all);
        if op % 8 <= 4 {
            // a same-kind replacement is for leaves
            all.retain(|p| node(v, p).is_some_and(|n| !n.is_array() && !n.is_object()));
        }
        let Some(path) = all.get(at as usize % all.len().max(1)) else { continue };
        let Some(target) = node(v, path) else { continue };
        match (op % 8, target) {
            (0..=4, t) => *t = like(t, leaf),
            (6, Value::Array(items)) if !items.is_empty() => {
                if leaf % 2 == 0 {
                    let copy = items[leaf as usize % items.len()].clone();
                    items.push(copy); // a duplicate (two obligations with one id, one more amount)
                } else {
                    let keep = leaf as usize % items.len();
                    items.truncate(keep); // a short vector
                }
            }
            (7, Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(leaf as usize % map.len()).cloned();
                if let Some(key) = key {
                    map.remove(&key);
                }
            }
            (_, t) => *t = wild_leaf(leaf),
        }
    }
}

pub(crate) fn ops() -> BoxedStrategy<Vec<(u16, u8, u8)>> {
    prop::collection::vec((any::<u16>(), any::<u8>(), any::<u8>()), 1..4).boxed()
}

/// Serialise `value`, mutate it, read it back as `T`; if accepted, hand it to `using`.
pub(crate) fn mutated<T, F>(value: &impl serde::Serialize, ops: &[(u16, u8, u8)], using: F)
where
    T: serde::de::DeserializeOwned,
    F: FnOnce(T),
{
    let mut json = serde_json::to_value(value).unwrap();
    mutate(&mut json, ops);
    if let Ok(t) = serde_json::from_value::<T>(json) {
        using(t);
    }
}

/// Mutate and decode an output-only value, then show it (its only use).
pub(crate) fn shown<T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug>(
    value: &T,
    ops: &[(u16, u8, u8)],
) {
    mutated(value, ops, |v: T| {
        let _ = format!("{v:?}");
    });
}

/// Copies of `v`, one for each of its nodes that `change` alters (it says whether it did).
fn copies_changing(v: &Value, change: impl Fn(&mut Value) -> bool) -> Vec<Value> {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    all.iter()
        .filter_map(|path| {
            let mut copy = v.clone();
            change(node(&mut copy, path)?).then_some(copy)
        })
        .collect()
}

/// Copies of `v`, each with a key no type knows added to one of its objects: one copy per
/// object, at every depth.
pub(crate) fn with_an_unknown_key(v: &Value) -> Vec<Value> {
    copies_changing(v, |node| match node {
        Value::Object(map) => map.insert("unexpected_key".into(), Value::Bool(true)).is_none(),
        _ => false,
    })
}

/// Copies of `v`, each with one of its decimal strings (`"12.50"`, not a percent or a date)
/// written as a JSON number instead.
pub(crate) fn with_a_decimal_as_a_number(v: &Value) -> Vec<Value> {
    copies_changing(v, |node| {
        let number = node.as_str().and_then(|t| t.parse::<Decimal>().ok()).and_then(|d| d.to_string().parse().ok());
        number.map(|n| *node = Value::Number(n)).is_some()
    })
}

/// `value`'s JSON reads back, and JSON it does not write is refused: a key it does not know
/// added to any one of its objects (a misspelt optional field, or a unit the type does not
/// have, "cents", must not be skipped and read as something else), or any one of its decimals
/// written as a JSON number (which has been a binary float on its way in).
pub(crate) fn refuses_unknown_keys<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T, what: &str) {
    let json = serde_json::to_value(value).unwrap();
    if let Err(e) = serde_json::from_value::<T>(json.clone()) {
        panic!("{what}: its own JSON is refused: {e}\n{json}");
    }
    for bad in with_an_unknown_key(&json) {
        assert!(
            serde_json::from_value::<T>(bad.clone()).is_err(),
            "{what}: a key it does not know was skipped:\n{bad}"
        );
    }
    for bad in with_a_decimal_as_a_number(&json) {
        assert!(serde_json::from_value::<T>(bad.clone()).is_err(), "{what}: a decimal was read from a number:\n{bad}");
    }
}
