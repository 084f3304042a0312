//! Largest-remainder allocation: split a total into parts by weights, exactly, in minor units.

use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError};

/// Split `total` minor units by `weights` with the largest-remainder method.
///
/// Each part first gets `floor(total × wᵢ ÷ Σw)`; the units left over go one each to the parts
/// with the largest remainders, ties to the earlier part. So the parts always sum to `total`
/// exactly, each part is within one unit of its exact share, and a zero weight gets zero.
/// A negative total is split as the mirror image of its absolute value.
///
/// ```
/// use revops::money::allocate_minor_units;
/// use rust_decimal::Decimal;
/// let parts = allocate_minor_units(100, &[Decimal::ONE, Decimal::ONE, Decimal::ONE])?;
/// assert_eq!(parts, [34, 33, 33]);
/// # Ok::<(), revops::MoneyError>(())
/// ```
///
/// # Errors
/// [`MoneyError::ZeroParts`] for no weights, [`MoneyError::NegativeWeight`],
/// [`MoneyError::NoPositiveWeight`], or [`MoneyError::Overflow`] for weights that do not fit
/// `i128` at one scale (a weight near `Decimal::MAX` beside one of 28 places) or a total of
/// `i128::MIN`. Any total times any weight is taken whole, so a large total never overflows.
pub fn allocate_minor_units(total: i128, weights: &[Decimal]) -> Result<Vec<i128>, MoneyError> {
    let ints = integer_weights(weights)?;
    let weight_sum =
        ints.iter().try_fold(0i128, |acc, w| acc.checked_add(*w)).ok_or(MoneyError::Overflow("allocate"))?;
    if weight_sum == 0 {
        return Err(MoneyError::NoPositiveWeight(weights.len()));
    }
    let negative = total < 0;
    let magnitude = total.checked_abs().ok_or(MoneyError::Overflow("allocate"))?;
    // total = whole × Σw + rest, so total × w = whole × w × Σw + rest × w: only `rest × w`
    // (with rest < Σw) needs a product, which keeps huge totals from overflowing.
    let whole = magnitude / weight_sum;
    let rest = magnitude % weight_sum;

    let mut parts = Vec::with_capacity(ints.len());
    let mut remainders = Vec::with_capacity(ints.len());
    let mut assigned: i128 = 0;
    let narrow_sum = u64::try_from(weight_sum).ok();
    for &w in &ints {
        // 64-bit division is several times faster than 128-bit; use it whenever the values fit,
        // and the whole (256-bit) product where `rest × w` passes `i128` (weights of 28 places)
        let (quotient, remainder) = match rest.checked_mul(w) {
            Some(spill) => match (narrow_sum, u64::try_from(spill)) {
                (Some(sum), Ok(spill)) => (i128::from(spill / sum), i128::from(spill % sum)),
                _ => (spill / weight_sum, spill % weight_sum),
            },
            None => {
                // rest < Σw and w ≤ Σw, so the quotient is below w and the remainder below Σw
                let (q, r) = super::wide::mul_div_rem(rest.unsigned_abs(), w.unsigned_abs(), weight_sum.unsigned_abs())
                    .ok_or(MoneyError::Overflow("allocate"))?;
                (q as i128, r as i128)
            }
        };
        let part =
            whole.checked_mul(w).and_then(|p| p.checked_add(quotient)).ok_or(MoneyError::Overflow("allocate"))?;
        parts.push(part);
        remainders.push(remainder);
        assigned += part; // never exceeds `magnitude`: each part is at most its exact share
    }

    let leftover = (magnitude - assigned) as usize; // < number of parts
    if leftover > 0 {
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_unstable_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
        for &i in &order[..leftover] {
            parts[i] += 1;
        }
    }
    if negative {
        for p in &mut parts {
            *p = -*p;
        }
    }
    Ok(parts)
}

/// Bring every weight to one scale so the ratios are exact integers.
fn integer_weights(weights: &[Decimal]) -> Result<Vec<i128>, MoneyError> {
    if weights.is_empty() {
        return Err(MoneyError::ZeroParts);
    }
    if let Some((index, weight)) = weights.iter().enumerate().find(|(_, w)| w.is_sign_negative() && !w.is_zero()) {
        return Err(MoneyError::NegativeWeight { index, weight: *weight });
    }
    let normalized: Vec<Decimal> = weights.iter().map(Decimal::normalize).collect();
    let scale = normalized.iter().map(Decimal::scale).max().unwrap_or(0);
    normalized
        .iter()
        .map(|n| {
            10i128
                .checked_pow(scale - n.scale())
                .and_then(|f| n.mantissa().checked_mul(f))
                .ok_or(MoneyError::Overflow("allocate"))
        })
        .collect()
}

/// Sum decimals (weights, quantities, amounts already known to share a currency) with every
/// addition checked: a total beyond `Decimal`'s range (about 7.9 × 10²⁸), or one it could only
/// hold rounded, is an error, never a panic and never a silently rounded figure. A running total
/// that passes the range and comes back is no error, whatever the order of the terms
/// (`MAX + 1 − 1` is `MAX`); a running total held only rounded still is, so terms more than 28
/// digits apart can depend on their order (`10²⁸ + 0.5 − 10²⁸` fails, `10²⁸ − 10²⁸ + 0.5` is
/// `0.5`). The plain fold allocates nothing; only a sum whose running total leaves the range
/// takes its terms again. The one place in the crate such sums are made.
///
/// # Errors
/// [`MoneyError::Overflow`].
///
/// ```
/// use revops::money::checked_sum;
/// use rust_decimal::Decimal;
/// assert_eq!(checked_sum([Decimal::ONE, Decimal::TWO])?, Decimal::from(3));
/// assert!(checked_sum([Decimal::MAX, Decimal::ONE]).is_err());
/// # Ok::<(), revops::MoneyError>(())
/// ```
pub fn checked_sum<I: IntoIterator<Item = Decimal>>(items: I) -> Result<Decimal, MoneyError> {
    let mut items = items.into_iter();
    let mut total = Decimal::ZERO;
    // the plain fold, allocation-free; only a running total that leaves the range (or is not
    // held exactly) takes the terms again, with the total so far standing for those before it
    while let Some(x) = items.next() {
        match add_exact(total, x) {
            Ok(t) => total = t,
            Err(_) => return sum_reordered([total, x].into_iter().chain(items).collect()),
        }
    }
    Ok(total)
}

/// `acc + x`, exactly, or [`MoneyError::Overflow`].
fn add_exact(acc: Decimal, x: Decimal) -> Result<Decimal, MoneyError> {
    super::amount::exact(acc, x, acc.checked_add(x)).ok_or(MoneyError::Overflow("sum"))
}

/// Sum `terms` taking a negative one while the total is not below zero and a positive one while
/// it is, so every running total lies between the largest term and the final total, and only a
/// total that is itself past the range (or not held exactly) is an error (`MAX + 1 − 1` is `MAX`).
pub(crate) fn sum_reordered(terms: Vec<Decimal>) -> Result<Decimal, MoneyError> {
    let (mut up, mut down): (Vec<Decimal>, Vec<Decimal>) = terms.into_iter().partition(|x| !x.is_sign_negative());
    let mut total = Decimal::ZERO;
    loop {
        let next =
            if total.is_sign_negative() { up.pop().or_else(|| down.pop()) } else { down.pop().or_else(|| up.pop()) };
        match next {
            Some(x) => total = add_exact(total, x)?,
            None => return Ok(total),
        }
    }
}

impl Money {
    /// Split this amount by weights (ratios), exactly, to the currency's minor unit.
    ///
    /// The amount is first rounded once with banker's rounding; the parts then sum to that
    /// rounded amount exactly (see [`allocate_minor_units`] for the method and the errors).
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let total = Money::parse("1000.00", Currency::USD)?;
    /// let parts = total.allocate(&[Decimal::from(1), Decimal::from(2), Decimal::from(3)])?;
    /// let shown: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
    /// assert_eq!(shown, ["166.67", "333.33", "500.00"]);
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// As [`allocate_minor_units`], and an amount whose minor units overflow.
    pub fn allocate(&self, weights: &[Decimal]) -> Result<Vec<Money>, MoneyError> {
        let total = self.round().to_minor_units_i128()?;
        let parts = allocate_minor_units(total, weights)?;
        parts.into_iter().map(|p| Money::from_minor_units_i128(p, self.currency())).collect()
    }

    /// Split this amount in proportion to other amounts of the same currency (for example
    /// standalone selling prices).
    ///
    /// ```
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// // a $100 bundle split by standalone prices of $30 and $60: the cents still add up
    /// let parts = usd("100").allocate_by(&[usd("30"), usd("60")])?;
    /// assert_eq!(parts, vec![usd("33.33"), usd("66.67")]);
    /// # Ok::<(), revops::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// A weight in another currency ([`MoneyError::CurrencyMismatch`]), or as [`Money::allocate`].
    pub fn allocate_by(&self, weights: &[Money]) -> Result<Vec<Money>, MoneyError> {
        let ratios =
            weights.iter().map(|w| same(self.currency(), w).map(|_| w.amount())).collect::<Result<Vec<_>, _>>()?;
        self.allocate(&ratios)
    }
}

fn same(currency: Currency, m: &Money) -> Result<(), MoneyError> {
    if m.currency() == currency {
        Ok(())
    } else {
        Err(MoneyError::CurrencyMismatch { op: "allocate", left: currency, right: m.currency() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    /// (total, weights, expected parts): hand-checked vectors.
    const CASES: &[(i128, &[i64], &[i128])] = &[
        (100, &[1, 1, 1], &[34, 33, 33]),
        (-100, &[1, 1, 1], &[-34, -33, -33]),
        (5, &[1, 0, 1], &[3, 0, 2]),
        (1, &[1, 1], &[1, 0]),
        (0, &[3, 7], &[0, 0]),
        (10, &[7], &[10]),
        (101, &[50, 50, 1], &[50, 50, 1]),
        (2, &[1, 1, 1], &[1, 1, 0]),
    ];

    #[test]
    fn vectors() {
        for (total, weights, expected) in CASES {
            let w: Vec<Decimal> = weights.iter().map(|&x| d(x)).collect();
            assert_eq!(allocate_minor_units(*total, &w).unwrap(), *expected, "{total} by {weights:?}");
        }
    }

    #[test]
    fn largest_remainder_beats_order() {
        // exact shares 0.3, 0.3, 0.4 of one unit: the unit goes to the largest remainder.
        let w = [Decimal::new(3, 1), Decimal::new(3, 1), Decimal::new(4, 1)];
        assert_eq!(allocate_minor_units(1, &w).unwrap(), [0, 0, 1]);
    }

    #[test]
    fn refuses_bad_weights() {
        assert_eq!(allocate_minor_units(1, &[]), Err(MoneyError::ZeroParts));
        assert_eq!(allocate_minor_units(1, &[d(0), d(0)]), Err(MoneyError::NoPositiveWeight(2)));
        assert!(matches!(allocate_minor_units(1, &[d(1), d(-1)]), Err(MoneyError::NegativeWeight { index: 1, .. })));
    }

    #[test]
    fn mixed_scales_and_money_weights() {
        let w = [Decimal::new(5, 1), Decimal::new(25, 2)]; // 0.5 and 0.25
        assert_eq!(allocate_minor_units(3, &w).unwrap(), [2, 1]);
        let total = Money::parse("10", Currency::EUR).unwrap();
        let ssp = [Money::parse("30", Currency::EUR).unwrap(), Money::parse("10", Currency::EUR).unwrap()];
        let parts = total.allocate_by(&ssp).unwrap();
        assert_eq!(parts[0].amount(), Decimal::new(750, 2));
        assert!(total.allocate_by(&[Money::zero(Currency::USD)]).is_err());
    }
}
