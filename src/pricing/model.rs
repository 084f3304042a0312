//! Price models with exact semantics: flat, per unit, package, graduated and volume tiers.

use rust_decimal::Decimal;

use super::PricingError;
use crate::money::Money;

/// One tier: quantities up to `up_to` (inclusive; `None` = no limit) at `unit_price`, plus a
/// flat fee for reaching it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tier {
    /// Upper bound, inclusive; `None` for the last tier.
    pub up_to: Option<Decimal>,
    /// Price per unit in this tier.
    pub unit_price: Money,
    /// Flat fee added when the quantity reaches this tier.
    pub flat_fee: Money,
}

/// How a quantity becomes a price.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PriceModel {
    /// One price whatever the quantity.
    Flat(Money),
    /// Quantity × unit price.
    PerUnit(Money),
    /// Whole packages, rounded up: 101 units in packages of 100 is 2 packages.
    Package {
        /// Price per package.
        price: Money,
        /// Units per package.
        size: u64,
    },
    /// Each slice of the quantity at its own tier's price (Stripe "graduated").
    Graduated(Vec<Tier>),
    /// The whole quantity at the price of the tier it falls in (Stripe "volume").
    Volume(Vec<Tier>),
}

/// A price model with an optional minimum charge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Price {
    /// The model.
    pub model: PriceModel,
    /// A floor on the charge.
    pub minimum: Option<Money>,
}

impl From<PriceModel> for Price {
    fn from(model: PriceModel) -> Price {
        Price { model, minimum: None }
    }
}

fn check_tiers(tiers: &[Tier]) -> Result<(), PricingError> {
    let bad = |why: &str| Err(PricingError::InvalidTiers(why.to_string()));
    let Some(last) = tiers.last() else { return bad("no tiers") };
    if last.up_to.is_some() {
        return bad("the last tier must be open-ended (up_to = None)");
    }
    let c = last.unit_price.currency();
    let mut previous = Decimal::ZERO;
    for (i, t) in tiers.iter().enumerate() {
        if t.unit_price.currency() != c || t.flat_fee.currency() != c {
            return bad("tiers mix currencies");
        }
        if t.unit_price.is_negative() || t.flat_fee.is_negative() {
            return bad("tier prices must not be negative");
        }
        match t.up_to {
            Some(u) if u <= previous => return bad("tier bounds must increase"),
            Some(u) => previous = u,
            None if i + 1 < tiers.len() => return bad("only the last tier may be open-ended"),
            None => {}
        }
    }
    Ok(())
}

impl PriceModel {
    /// The currency the model prices in.
    pub fn currency(&self) -> Option<crate::money::Currency> {
        match self {
            PriceModel::Flat(m) | PriceModel::PerUnit(m) | PriceModel::Package { price: m, .. } => Some(m.currency()),
            PriceModel::Graduated(t) | PriceModel::Volume(t) => t.first().map(|t| t.unit_price.currency()),
        }
    }

    /// The charge for `quantity` at full precision (not rounded).
    ///
    /// ```
    /// use revops::pricing::{PriceModel, Tier};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
    /// let tier = |up: Option<i64>, p| Tier { up_to: up.map(Decimal::from), unit_price: usd(p), flat_fee: usd(0) };
    /// let tiers = vec![tier(Some(5), 5), tier(Some(10), 4), tier(Some(15), 3), tier(Some(20), 2), tier(None, 1)];
    /// // Stripe's examples
    /// assert_eq!(PriceModel::Graduated(tiers.clone()).charge(Decimal::from(6))?, usd(29));
    /// assert_eq!(PriceModel::Volume(tiers).charge(Decimal::from(6))?, usd(24));
    /// # Ok::<(), revops::pricing::PricingError>(())
    /// ```
    pub fn charge(&self, quantity: Decimal) -> Result<Money, PricingError> {
        if quantity.is_sign_negative() && !quantity.is_zero() {
            return Err(PricingError::InvalidAmount(format!("quantity {quantity} is negative")));
        }
        Ok(match self {
            PriceModel::Flat(m) => *m,
            PriceModel::PerUnit(p) => p.checked_mul(quantity)?,
            PriceModel::Package { price, size } => {
                if *size == 0 {
                    return Err(PricingError::InvalidAmount("package size must be positive".into()));
                }
                let packages = (quantity / Decimal::from(*size)).ceil();
                price.checked_mul(packages)?
            }
            PriceModel::Graduated(tiers) => {
                check_tiers(tiers)?;
                // plain Decimal arithmetic inside: check_tiers has settled the currency
                let mut total = Decimal::ZERO;
                let mut below = Decimal::ZERO;
                for t in tiers {
                    if quantity <= below {
                        break;
                    }
                    let top = match t.up_to {
                        Some(u) if u < quantity => u,
                        _ => quantity,
                    };
                    // 0 ≤ below < top ≤ quantity, so the subtraction cannot overflow
                    let slice = t.unit_price.amount().checked_mul(top - below).ok_or_else(|| overflow("mul"))?;
                    total = total.checked_add(slice).ok_or_else(|| overflow("add"))?;
                    if !t.flat_fee.is_zero() {
                        total = total.checked_add(t.flat_fee.amount()).ok_or_else(|| overflow("add"))?;
                    }
                    below = top;
                }
                Money::new(total, tiers[0].unit_price.currency())
            }
            PriceModel::Volume(tiers) => {
                check_tiers(tiers)?;
                if quantity.is_zero() {
                    return Ok(Money::zero(tiers[0].unit_price.currency()));
                }
                let t = tiers.iter().find(|t| t.up_to.is_none_or(|u| quantity <= u)).unwrap_or(&tiers[tiers.len() - 1]);
                t.unit_price.checked_mul(quantity)?.checked_add(t.flat_fee)?
            }
        })
    }
}

/// The error for a Decimal operation that overflowed inside a price calculation.
pub(super) fn overflow(op: &'static str) -> PricingError {
    PricingError::Money(crate::money::MoneyError::Overflow(op))
}

impl Price {
    /// The charge, raised to the minimum if there is one (full precision).
    pub fn charge(&self, quantity: Decimal) -> Result<Money, PricingError> {
        let c = self.model.charge(quantity)?;
        Ok(match self.minimum {
            Some(m) if m.currency() == c.currency() && m.amount() > c.amount() => m,
            Some(m) if m.currency() != c.currency() => {
                return Err(PricingError::InvalidAmount(format!(
                    "minimum in {} but prices in {}",
                    m.currency(),
                    c.currency()
                )))
            }
            _ => c,
        })
    }
}
