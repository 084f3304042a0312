use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Contract, ResidualOutOfRange, RevRecError, Ssp};
use crate::money::{checked_sum, Currency, Money, MoneyError};

/// The transaction price allocated to each obligation (ASC 606 step 4), in contract order.
///
/// Valid by construction: the lines are in the price's currency, none is negative, and they sum
/// to the transaction price exactly (JSON that breaks this is refused).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "AllocationRepr"))]
pub struct Allocation {
    transaction_price: Money,
    lines: Vec<(String, Money)>,
    spread: Vec<SpreadVariable>,
}

deserialize_via!(
    Allocation,
    AllocationRepr { transaction_price: Money, lines: Vec<(String, Money)>, spread: Vec<SpreadVariable> },
    RevRecError,
    |r| Allocation::checked(r.transaction_price, r.lines, r.spread)
);

/// Variable consideration whose terms relate to one obligation (its `applies_to`) but which was
/// allocated across all obligations by relative SSP instead, and why (ASC 606-10-32-41).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SpreadVariable {
    /// The variable consideration's name.
    pub name: String,
    /// The obligation its terms relate to.
    pub tied_to: String,
    /// Its constrained amount, allocated like the rest of the price.
    pub amount: Money,
    /// Why it could not be allocated entirely to `tied_to`.
    pub reason: SpreadReason,
}

/// Why variable consideration tied to one obligation was spread across all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum SpreadReason {
    /// Allocating it entirely to its obligation left `obligation` with `would_be`, a negative
    /// amount, which cannot depict the consideration the entity expects for that obligation: it
    /// fails the allocation objective (606-10-32-28), so 606-10-32-40(b) is not met. For a
    /// residual obligation, `would_be` is the negative residual it was left.
    NegativeAllocation {
        /// The obligation that would have been negative.
        obligation: String,
        /// The amount it would have been allocated.
        would_be: Money,
    },
}

impl Allocation {
    /// The transaction price allocated.
    pub fn transaction_price(&self) -> Money {
        self.transaction_price
    }

    /// `(obligation id, allocated amount)`, in the contract's order; none negative, and they sum
    /// to the transaction price exactly.
    pub fn lines(&self) -> &[(String, Money)] {
        &self.lines
    }

    /// Variable consideration tied to one obligation that was allocated across all of them
    /// instead, in the order it was moved, each with its reason (ASC 606-10-32-41).
    pub fn spread(&self) -> &[SpreadVariable] {
        &self.spread
    }

    /// The amount allocated to one obligation.
    pub fn amount_for(&self, obligation: &str) -> Option<Money> {
        self.lines.iter().find(|(id, _)| id == obligation).map(|(_, m)| *m)
    }

    /// The invariant, for values that come from outside (JSON).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))] // (used when loading from JSON)
    fn checked(
        transaction_price: Money,
        lines: Vec<(String, Money)>,
        spread: Vec<SpreadVariable>,
    ) -> Result<Allocation, RevRecError> {
        let currency = transaction_price.currency();
        let mut seen = std::collections::HashSet::with_capacity(lines.len());
        if let Some((id, _)) = lines.iter().find(|(id, _)| !seen.insert(id.as_str())) {
            let contract = "(an allocation)".to_string();
            return Err(RevRecError::DuplicateObligation { contract, obligation: id.clone() });
        }
        for (id, m) in &lines {
            if m.currency() != currency {
                return Err(RevRecError::AllocationCurrency {
                    obligation: id.clone(),
                    expected: currency,
                    found: m.currency(),
                });
            }
            if m.is_negative() {
                return Err(RevRecError::NegativeAllocation { obligation: id.clone(), amount: *m });
            }
        }
        let sum = Money::sum(currency, lines.iter().map(|(_, m)| *m))?;
        if sum != transaction_price {
            return Err(RevRecError::AllocationDoesNotTie { price: transaction_price, lines: sum });
        }
        Ok(Allocation { transaction_price, lines, spread })
    }
}

/// Allocate the transaction price (with estimates made before `cut`) to the obligations.
///
/// Order of work, each step from the standard:
/// 1. variable consideration whose terms relate to one obligation goes wholly to it
///    (606-10-32-40);
/// 2. each obligation's weight starts at its SSP (a range's point estimate);
/// 3. a discount that belongs to some obligations is taken from their weights alone, in
///    proportion to their SSPs (606-10-32-37) — each such discount by the SSPs themselves, not
///    by what an earlier discount left of them. When such discounts take every obligation's
///    SSP whole (and there is no residual obligation), the rest of the price is split by the
///    SSPs, as a discount belonging to all of them would be (606-10-32-36);
/// 4. a residual obligation's weight is what the price leaves after the others (606-10-32-34(c)),
///    refused when outside its range;
/// 5. the rest of the price is split by the weights with largest-remainder rounding, so the
///    lines sum to the price to the cent;
/// 6. if a line comes out negative, the variable amount that caused it fails 606-10-32-40(b)
///    (a negative allocation is inconsistent with the allocation objective of 32-28), so it is
///    spread like the rest of the price instead (606-10-32-41) and steps 4–5 run again, until
///    no line is negative. Each such move is listed in [`Allocation::spread`] with its reason.
///    The item moved is the most negative amount tied to the first negative obligation; when
///    that obligation has none (the rest of the price is negative because amounts tied
///    elsewhere exceed it), the largest positive tied amount. A residual obligation whose
///    residual the tied amounts leave negative is starved the same way: the largest positive
///    tied amount is spread before step 4 would refuse the residual.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::calendar::Period;
/// use revops::revrec::{allocate, Contract, Discount, PerformanceObligation, SatisfactionPattern, Ssp, TransactionPrice};
/// use revops::{Currency, Money};
///
/// // ASC 606-10-55-259, Example 34 Case A: A, B, C with SSPs 40, 55, 45 sold for 100; the
/// // discount of 40 belongs to B and C.
/// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
/// let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let ob = |id: &str, ssp| PerformanceObligation { id: id.into(), ssp: Ssp::Observable(usd(ssp)), pattern: SatisfactionPattern::PointInTime(day) };
/// let mut price = TransactionPrice::fixed(usd("140"));
/// price.discounts.push(Discount { name: "bundle".into(), amount: usd("40"), applies_to: Some(vec!["B".into(), "C".into()]) });
/// let contract = Contract {
///     id: "C-34".into(), customer: "cust".into(), currency: Currency::USD,
///     term: Period::new(day, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())?,
///     obligations: vec![ob("A", "40"), ob("B", "55"), ob("C", "45")], price,
/// };
/// let a = allocate(&contract, NaiveDate::MAX)?;
/// assert_eq!(a.amount_for("A"), Some(usd("40")));
/// assert_eq!(a.amount_for("B"), Some(usd("33")));
/// assert_eq!(a.amount_for("C"), Some(usd("27")));
/// assert!(a.spread().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The contract fails [`Contract::validate`]; the transaction price is negative; the shares of
/// the discounts belonging to an obligation exceed its SSP, or a discount names the residual
/// obligation; the residual falls outside
/// its range; or an amount overflows.
pub fn allocate(contract: &Contract, cut: NaiveDate) -> Result<Allocation, RevRecError> {
    contract.validate()?;
    allocate_validated(contract, cut)
}

/// Variable consideration in force, and the obligation each item is still tied to.
struct Variable {
    amounts: Vec<Money>,
    tied: Vec<Option<usize>>,
}

pub(crate) fn allocate_validated(contract: &Contract, cut: NaiveDate) -> Result<Allocation, RevRecError> {
    let price = &contract.price;
    let total = price.amount_before(cut)?.round();
    if total.is_negative() {
        return Err(RevRecError::NegativeTransactionPrice { contract: contract.id.clone(), price: total });
    }
    let mut variable = Variable {
        amounts: price.variable_before(cut)?.into_iter().map(Money::round).collect(),
        tied: price
            .variable
            .iter()
            .map(|v| v.applies_to.as_ref().map(|id| contract.obligation_index(id, &v.name)).transpose())
            .collect::<Result<_, _>>()?,
    };
    let weights = ssp_weights(contract)?;
    let mut spread = Vec::new();
    loop {
        // tied amounts that leave the residual obligation a negative residual starve it like any
        // other obligation: spread the largest tied bonus (step 6) before step 4 refuses it
        if let Some((r, would_be)) = starved_residual(contract, total, &variable, &weights)? {
            if let Some(k) = largest_bonus(&variable) {
                variable.tied[k] = None;
                spread.push(SpreadVariable {
                    name: price.variable[k].name.clone(),
                    tied_to: price.variable[k].applies_to.clone().unwrap_or_default(),
                    amount: variable.amounts[k],
                    reason: SpreadReason::NegativeAllocation {
                        obligation: contract.obligations[r].id.clone(),
                        would_be,
                    },
                });
                continue;
            }
        }
        let lines = split(contract, total, &variable, &weights)?;
        let Some(negative) = lines.iter().position(Money::is_negative) else {
            let lines = contract.obligations.iter().map(|o| o.id.clone()).zip(lines).collect();
            return Ok(Allocation { transaction_price: total, lines, spread });
        };
        let obligation = &contract.obligations[negative].id;
        let would_be = lines[negative];
        let Some(k) = item_to_spread(&variable, negative) else {
            // unreachable: a line is negative only through a negative amount tied to it, or a
            // negative rest of the price, which takes a positive amount tied elsewhere
            return Err(RevRecError::NegativeAllocation { obligation: obligation.clone(), amount: would_be });
        };
        variable.tied[k] = None;
        spread.push(SpreadVariable {
            name: price.variable[k].name.clone(),
            tied_to: price.variable[k].applies_to.clone().unwrap_or_default(),
            amount: variable.amounts[k],
            reason: SpreadReason::NegativeAllocation { obligation: obligation.clone(), would_be },
        });
    }
}

/// The tied item to spread when obligation `negative` came out negative: its most negative tied
/// amount, or failing that the largest positive tied amount anywhere (first in order on ties).
fn item_to_spread(variable: &Variable, negative: usize) -> Option<usize> {
    let own_penalty = tied_items(variable)
        .filter(|&(_, i, m)| i == negative && m.is_negative())
        .min_by(|a, b| a.2.amount().cmp(&b.2.amount()).then(a.0.cmp(&b.0)))
        .map(|(k, _, _)| k);
    own_penalty.or_else(|| largest_bonus(variable))
}

/// The largest positive tied amount (first in order on ties).
fn largest_bonus(variable: &Variable) -> Option<usize> {
    tied_items(variable)
        .filter(|(_, _, m)| m.amount() > Decimal::ZERO)
        .max_by(|a, b| a.2.amount().cmp(&b.2.amount()).then(b.0.cmp(&a.0)))
        .map(|(k, _, _)| k)
}

/// `(item, obligation, amount)` for each item still tied.
fn tied_items(variable: &Variable) -> impl Iterator<Item = (usize, usize, &Money)> {
    variable.tied.iter().zip(&variable.amounts).enumerate().filter_map(|(k, (t, m))| Some((k, (*t)?, m)))
}

/// The residual obligation and its residual, when the tied amounts leave it negative.
fn starved_residual(
    contract: &Contract,
    total: Money,
    variable: &Variable,
    weights: &[Decimal],
) -> Result<Option<(usize, Money)>, RevRecError> {
    let Some(r) = residual_index(contract) else { return Ok(None) };
    let mut relative = total;
    for (_, _, amount) in tied_items(variable) {
        relative = relative.checked_sub(*amount)?;
    }
    let others = checked_sum(weights.iter().copied())?;
    let left =
        Money::new(relative.amount().checked_sub(others).ok_or(MoneyError::Overflow("residual"))?, total.currency());
    Ok(left.is_negative().then_some((r, left)))
}

/// Steps 2 and 3: each obligation's weight from its SSP less its share, by SSP, of each discount
/// that belongs to it;
/// the residual obligation's weight is left at zero for [`split`] to fill.
fn ssp_weights(contract: &Contract) -> Result<Vec<Decimal>, RevRecError> {
    let mut weights: Vec<Decimal> = contract
        .obligations
        .iter()
        .map(|o| match &o.ssp {
            Ssp::Observable(m) => m.amount(),
            Ssp::Range { point, .. } => point.amount(),
            Ssp::Residual { .. } => Decimal::ZERO,
        })
        .collect();
    let residual = residual_index(contract);
    // every discount is split by the SSPs, not by what earlier discounts left of them
    let ssps = weights.clone();
    for d in &contract.price.discounts {
        let Some(ids) = &d.applies_to else { continue };
        let idx = ids.iter().map(|id| contract.obligation_index(id, &d.name)).collect::<Result<Vec<_>, _>>()?;
        if let Some(&r) = idx.iter().find(|&&i| Some(i) == residual) {
            return Err(RevRecError::DiscountOnResidual {
                contract: contract.id.clone(),
                discount: d.name.clone(),
                obligation: contract.obligations[r].id.clone(),
            });
        }
        let shares = d.amount.allocate(&idx.iter().map(|&i| ssps[i]).collect::<Vec<_>>())?;
        for (&i, share) in idx.iter().zip(shares) {
            let left = weights[i].checked_sub(share.amount()).ok_or(MoneyError::Overflow("discount allocation"))?;
            if left < Decimal::ZERO {
                return Err(RevRecError::DiscountExceedsSsp {
                    contract: contract.id.clone(),
                    discount: d.name.clone(),
                });
            }
            weights[i] = left;
        }
    }
    if residual.is_none() && weights.iter().all(Decimal::is_zero) {
        // the discounts took every SSP whole: nothing is undiscounted to carry the rest of the
        // price, which goes by relative SSP as a discount belonging to all would (606-10-32-36)
        return Ok(ssps);
    }
    Ok(weights)
}

fn residual_index(contract: &Contract) -> Option<usize> {
    contract.obligations.iter().position(|o| matches!(o.ssp, Ssp::Residual { .. }))
}

/// Steps 4 and 5 for one choice of tied items: the residual's weight, then the price less the
/// tied amounts split by weight, plus each obligation's tied amounts.
fn split(
    contract: &Contract,
    total: Money,
    variable: &Variable,
    weights: &[Decimal],
) -> Result<Vec<Money>, RevRecError> {
    let currency = contract.currency;
    let mut direct = vec![Money::zero(currency); weights.len()];
    let mut relative = total;
    for (tied, amount) in variable.tied.iter().zip(&variable.amounts) {
        if let Some(i) = *tied {
            direct[i] = direct[i].checked_add(*amount)?;
            relative = relative.checked_sub(*amount)?;
        }
    }
    let mut weights = weights.to_vec();
    if let Some(r) = residual_index(contract) {
        weights[r] = residual_weight(contract, r, relative, &weights, currency)?;
    }
    let parts =
        if relative.is_zero() { vec![Money::zero(currency); weights.len()] } else { relative.allocate(&weights)? };
    parts.into_iter().zip(direct).map(|(p, d)| Ok(p.checked_add(d)?)).collect()
}

/// What the relative price leaves after the other obligations' weights (606-10-32-34(c)),
/// refused when not positive or outside the residual's range (Example 34, Case C).
fn residual_weight(
    contract: &Contract,
    r: usize,
    relative: Money,
    weights: &[Decimal],
    currency: Currency,
) -> Result<Decimal, RevRecError> {
    let Ssp::Residual { low, high } = &contract.obligations[r].ssp else { return Ok(Decimal::ZERO) };
    let others = checked_sum(weights.iter().copied())?;
    let left = Money::new(relative.amount().checked_sub(others).ok_or(MoneyError::Overflow("residual"))?, currency);
    let above_low = low.is_none_or(|l| left.amount() >= l.amount());
    let below_high = high.is_none_or(|h| left.amount() <= h.amount());
    if left.amount() <= Decimal::ZERO || !above_low || !below_high {
        return Err(RevRecError::ResidualOutOfRange(Box::new(ResidualOutOfRange {
            contract: contract.id.clone(),
            obligation: contract.obligations[r].id.clone(),
            residual: left,
            low: low.unwrap_or(Money::zero(currency)),
            high: *high,
        })));
    }
    Ok(left.amount())
}
