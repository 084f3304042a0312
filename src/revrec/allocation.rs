use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Contract, RevRecError, Ssp};
use crate::money::Money;

/// The transaction price allocated to each obligation (ASC 606 step 4), in contract order.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Allocation {
    /// The transaction price allocated.
    pub transaction_price: Money,
    /// `(obligation id, allocated amount)`, in the contract's order; sums to the price exactly.
    pub lines: Vec<(String, Money)>,
}

impl Allocation {
    /// The amount allocated to one obligation.
    pub fn amount_for(&self, obligation: &str) -> Option<Money> {
        self.lines.iter().find(|(id, _)| id == obligation).map(|(_, m)| *m)
    }
}

/// Allocate the transaction price (with estimates made before `cut`) to the obligations.
///
/// Order of work, each step from the standard:
/// 1. variable consideration tied to one obligation goes wholly to it (606-10-32-40);
/// 2. each obligation's weight starts at its SSP (a range's point estimate);
/// 3. a discount that belongs to some obligations is taken from their weights alone, in
///    proportion to their SSPs (606-10-32-37);
/// 4. a residual obligation's weight is what the price leaves after the others (606-10-32-34(c)),
///    refused when outside its range;
/// 5. the rest of the price is split by the weights with largest-remainder rounding, so the
///    lines sum to the price to the cent.
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
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn allocate(contract: &Contract, cut: NaiveDate) -> Result<Allocation, RevRecError> {
    contract.validate()?;
    allocate_validated(contract, cut)
}

pub(crate) fn allocate_validated(contract: &Contract, cut: NaiveDate) -> Result<Allocation, RevRecError> {
    let currency = contract.currency;
    let price = &contract.price;
    let total = price.amount_before(cut)?.round();
    if total.is_negative() {
        return Err(RevRecError::NegativeTransactionPrice { contract: contract.id.clone(), price: total });
    }
    let n = contract.obligations.len();

    // 1. variable consideration tied to one obligation
    let mut direct = vec![Money::zero(currency); n];
    let variable = price.variable_before(cut)?;
    let mut relative = total;
    for (v, amount) in price.variable.iter().zip(variable) {
        if let Some(id) = &v.applies_to {
            let i = contract.obligation_index(id, &v.name)?;
            let amount = amount.round();
            direct[i] = direct[i].checked_add(amount)?;
            relative = relative.checked_sub(amount)?;
        }
    }

    // 2. weights from SSPs
    let mut weights: Vec<Decimal> = contract
        .obligations
        .iter()
        .map(|o| match &o.ssp {
            Ssp::Observable(m) => m.amount(),
            Ssp::Range { point, .. } => point.amount(),
            Ssp::Residual { .. } => Decimal::ZERO,
        })
        .collect();
    let residual = contract.obligations.iter().enumerate().find_map(|(i, o)| match &o.ssp {
        Ssp::Residual { low, high } => Some((i, *low, *high)),
        _ => None,
    });

    // 3. discounts that belong to a subset
    for d in &price.discounts {
        let Some(ids) = &d.applies_to else { continue };
        let idx = ids.iter().map(|id| contract.obligation_index(id, &d.name)).collect::<Result<Vec<_>, _>>()?;
        if idx.iter().any(|&i| residual.is_some_and(|(r, _, _)| r == i)) {
            return Err(RevRecError::UnsupportedModification(format!(
                "discount {:?} names the residual obligation; allocate it before the residual is known",
                d.name
            )));
        }
        let ssps: Vec<Decimal> = idx.iter().map(|&i| weights[i]).collect();
        let shares = d.amount.allocate(&ssps)?;
        for (&i, share) in idx.iter().zip(shares) {
            weights[i] -= share.amount();
            if weights[i] < Decimal::ZERO {
                return Err(RevRecError::DiscountExceedsSsp(d.name.clone()));
            }
        }
    }

    // 4. residual
    if let Some((r, low, high)) = residual {
        let others: Decimal = weights.iter().sum();
        let left = Money::new(relative.amount() - others, currency);
        let above_low = low.is_none_or(|l| left.amount() >= l.amount());
        let below_high = high.is_none_or(|h| left.amount() <= h.amount());
        if left.amount() <= Decimal::ZERO || !above_low || !below_high {
            return Err(RevRecError::ResidualOutOfRange {
                obligation: contract.obligations[r].id.clone(),
                residual: left,
                low: low.unwrap_or(Money::zero(currency)),
                high: high.unwrap_or(Money::new(Decimal::MAX, currency)),
            });
        }
        weights[r] = left.amount();
    }

    // 5. relative allocation of the rest
    let parts = if relative.is_zero() { vec![Money::zero(currency); n] } else { relative.allocate(&weights)? };
    let lines = contract
        .obligations
        .iter()
        .zip(parts.into_iter().zip(direct))
        .map(|(o, (p, d))| Ok((o.id.clone(), p.checked_add(d)?)))
        .collect::<Result<Vec<_>, RevRecError>>()?;
    Ok(Allocation { transaction_price: total, lines })
}
