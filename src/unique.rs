//! Finding a record given twice: the check every engine makes on ids a caller may deliver again
//! (a CRM or webhook record re-sent), each with its own error.

use std::collections::HashSet;

/// The first item whose key an earlier item already had, in input order.
pub(crate) fn first_repeated<'a, T>(items: &'a [T], key: impl Fn(&'a T) -> &'a str) -> Option<&'a T> {
    let mut seen = HashSet::with_capacity(items.len());
    items.iter().find(|&item| !seen.insert(key(item)))
}
