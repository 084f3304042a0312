//! Price models with exact semantics: flat, per unit, package, graduated and volume tiers.

use std::num::NonZeroU64;

use rust_decimal::Decimal;

use super::PricingError;
use crate::money::{Currency, Money, MoneyError};

/// One tier: quantities up to `up_to` (inclusive; `None` = no limit) at `unit_price`, plus a
/// flat fee for reaching it. Tiers are checked together, as [`Tiers`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Tier {
    /// Upper bound, inclusive; `None` for the last tier.
    #[cfg_attr(feature = "serde", serde(default, with = "crate::money::exact::text_option"))]
    pub up_to: Option<Decimal>,
    /// Price per unit in this tier.
    pub unit_price: Money,
    /// Flat fee added when the quantity reaches this tier.
    pub flat_fee: Money,
}

/// A valid tier table: at least one tier, bounds strictly increasing from above zero, only the
/// last tier open-ended, one currency, no negative price or fee. Checked once, when it is built
/// (or deserialised), so charging never re-checks it.
///
/// ```
/// use revops::pricing::{Tier, Tiers};
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
/// let tier = |up: Option<i64>, p| Tier { up_to: up.map(Decimal::from), unit_price: usd(p), flat_fee: usd(0) };
/// assert!(Tiers::new(vec![tier(Some(5), 5), tier(None, 4)]).is_ok());
/// assert!(Tiers::new(vec![tier(Some(5), 5), tier(Some(10), 4)]).is_err()); // no open-ended top
/// assert!(Tiers::new(vec![tier(None, -1)]).is_err());                     // a negative price
/// # Ok::<(), revops::pricing::PricingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Vec<Tier>", into = "Vec<Tier>"))]
pub struct Tiers(Vec<Tier>);

impl Tiers {
    /// Check a tier table.
    ///
    /// # Errors
    /// [`PricingError::InvalidTiers`] saying what is wrong: no tiers, a bounded top tier, an
    /// open-ended tier before the last, bounds that do not increase (or start at or below zero),
    /// mixed currencies, a negative unit price or flat fee.
    pub fn new(tiers: Vec<Tier>) -> Result<Tiers, PricingError> {
        let bad = |problem| Err(PricingError::InvalidTiers(problem));
        let Some(last) = tiers.last() else { return bad(TierProblem::Empty) };
        if last.up_to.is_some() {
            return bad(TierProblem::BoundedTop);
        }
        let c = last.unit_price.currency();
        let mut previous = Decimal::ZERO;
        for (i, t) in tiers.iter().enumerate() {
            if t.unit_price.currency() != c || t.flat_fee.currency() != c {
                return bad(TierProblem::MixedCurrencies);
            }
            if t.unit_price.is_negative() || t.flat_fee.is_negative() {
                return bad(TierProblem::NegativePrice(i));
            }
            match t.up_to {
                Some(u) if u <= previous => return bad(TierProblem::BoundsNotIncreasing(i)),
                Some(u) => previous = u,
                None if i + 1 < tiers.len() => return bad(TierProblem::OpenEndedBeforeLast(i)),
                None => {}
            }
        }
        Ok(Tiers(tiers))
    }

    /// For the crate's own literal tables (the demo book): valid by inspection, checked in
    /// debug builds.
    pub(crate) fn trusted(tiers: Vec<Tier>) -> Tiers {
        debug_assert!(Tiers::new(tiers.clone()).is_ok());
        Tiers(tiers)
    }

    /// The tiers, lowest first.
    pub fn as_slice(&self) -> &[Tier] {
        &self.0
    }

    /// The currency every tier prices in.
    pub fn currency(&self) -> Currency {
        self.0[0].unit_price.currency() // non-empty by construction
    }
}

impl TryFrom<Vec<Tier>> for Tiers {
    type Error = PricingError;

    fn try_from(tiers: Vec<Tier>) -> Result<Tiers, PricingError> {
        Tiers::new(tiers)
    }
}

impl From<Tiers> for Vec<Tier> {
    fn from(tiers: Tiers) -> Vec<Tier> {
        tiers.0
    }
}

/// What is wrong with a tier table (tier positions count from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TierProblem {
    /// No tiers at all.
    #[error("no tiers")]
    Empty,
    /// The last tier has an upper bound.
    #[error("the last tier must be open-ended (up_to = None)")]
    BoundedTop,
    /// A tier before the last has no upper bound.
    #[error("tier {0} is open-ended but is not the last")]
    OpenEndedBeforeLast(usize),
    /// A bound at or below the previous one (or at or below zero).
    #[error("tier {0}'s bound does not rise above the previous tier's (or above zero)")]
    BoundsNotIncreasing(usize),
    /// Tiers in more than one currency.
    #[error("tiers mix currencies")]
    MixedCurrencies,
    /// A negative unit price or flat fee.
    #[error("tier {0} has a negative unit price or flat fee")]
    NegativePrice(usize),
}

/// How a quantity becomes a price.
///
/// Prices are never negative: [`PriceModel::validate`] (which [`PriceModel::charge`] and
/// deserialisation run) refuses a negative flat, unit or package price. A credit is a credit
/// note, not a negative price.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PriceModelRepr"))]
#[non_exhaustive]
pub enum PriceModel {
    /// One price whatever the quantity.
    Flat(Money),
    /// Quantity × unit price.
    PerUnit(Money),
    /// Whole packages, rounded up: 101 units in packages of 100 is 2 packages. The count is the
    /// ceiling of the exact quotient, however many digits the quantity has.
    Package {
        /// Price per package.
        price: Money,
        /// Units per package (never zero).
        size: NonZeroU64,
    },
    /// Each slice of the quantity at its own tier's price (Stripe "graduated").
    Graduated(Tiers),
    /// The whole quantity at the price of the tier it falls in (Stripe "volume").
    Volume(Tiers),
}

/// The serialised form of a [`PriceModel`], checked by [`PriceModel::validate`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
enum PriceModelRepr {
    Flat(Money),
    PerUnit(Money),
    Package { price: Money, size: NonZeroU64 },
    Graduated(Tiers),
    Volume(Tiers),
}

#[cfg(feature = "serde")]
impl TryFrom<PriceModelRepr> for PriceModel {
    type Error = PricingError;

    fn try_from(r: PriceModelRepr) -> Result<PriceModel, PricingError> {
        let model = match r {
            PriceModelRepr::Flat(m) => PriceModel::Flat(m),
            PriceModelRepr::PerUnit(m) => PriceModel::PerUnit(m),
            PriceModelRepr::Package { price, size } => PriceModel::Package { price, size },
            PriceModelRepr::Graduated(t) => PriceModel::Graduated(t),
            PriceModelRepr::Volume(t) => PriceModel::Volume(t),
        };
        model.validate()?;
        Ok(model)
    }
}

/// A price model with an optional minimum charge, both checked when built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PriceRepr"))]
pub struct Price {
    model: PriceModel,
    minimum: Option<Money>,
}

deserialize_via!(Price, PriceRepr { model: PriceModel, minimum: Option<Money> }, PricingError, |r| {
    Price::new(r.model, r.minimum)
});

impl Price {
    /// A price with an optional minimum charge.
    ///
    /// ```
    /// use revops::pricing::{Price, PriceModel};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
    /// let p = Price::new(PriceModel::PerUnit(usd(3)), Some(usd(100)))?;
    /// assert_eq!(p.charge(Decimal::from(10))?, usd(100));
    /// assert!(Price::new(PriceModel::PerUnit(usd(3)), Some(usd(-1))).is_err());
    /// # Ok::<(), revops::pricing::PricingError>(())
    /// ```
    ///
    /// # Errors
    /// An invalid model ([`PriceModel::validate`]), a negative minimum, or a minimum in another
    /// currency than the model's.
    pub fn new(model: PriceModel, minimum: Option<Money>) -> Result<Price, PricingError> {
        model.validate()?;
        if let Some(m) = minimum {
            if m.is_negative() {
                return Err(PricingError::NegativePrice { what: "minimum charge", amount: m });
            }
            if m.currency() != model.currency() {
                return Err(MoneyError::CurrencyMismatch {
                    op: "minimum charge",
                    left: model.currency(),
                    right: m.currency(),
                }
                .into());
            }
        }
        Ok(Price { model, minimum })
    }

    /// For the crate's own literal prices (the demo book): valid by inspection, checked in
    /// debug builds.
    pub(crate) fn trusted(model: PriceModel) -> Price {
        debug_assert!(model.validate().is_ok());
        Price { model, minimum: None }
    }

    /// The model.
    pub fn model(&self) -> &PriceModel {
        &self.model
    }

    /// The minimum charge, if any.
    pub fn minimum(&self) -> Option<Money> {
        self.minimum
    }
}

impl TryFrom<PriceModel> for Price {
    type Error = PricingError;

    fn try_from(model: PriceModel) -> Result<Price, PricingError> {
        Price::new(model, None)
    }
}

impl PriceModel {
    /// The currency the model prices in.
    pub fn currency(&self) -> Currency {
        match self {
            PriceModel::Flat(m) | PriceModel::PerUnit(m) | PriceModel::Package { price: m, .. } => m.currency(),
            PriceModel::Graduated(t) | PriceModel::Volume(t) => t.currency(),
        }
    }

    /// Check that no price is negative (tiers are checked when [`Tiers`] is built).
    ///
    /// # Errors
    /// [`PricingError::NegativePrice`] naming the price.
    pub fn validate(&self) -> Result<(), PricingError> {
        let (what, amount) = match self {
            PriceModel::Flat(m) => ("flat price", m),
            PriceModel::PerUnit(m) => ("unit price", m),
            PriceModel::Package { price, .. } => ("package price", price),
            PriceModel::Graduated(_) | PriceModel::Volume(_) => return Ok(()),
        };
        if amount.is_negative() {
            return Err(PricingError::NegativePrice { what, amount: *amount });
        }
        Ok(())
    }

    /// The charge for `quantity` at full precision (not rounded).
    ///
    /// ```
    /// use revops::pricing::{PriceModel, Tier, Tiers};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
    /// let tier = |up: Option<i64>, p| Tier { up_to: up.map(Decimal::from), unit_price: usd(p), flat_fee: usd(0) };
    /// let tiers = Tiers::new(vec![tier(Some(5), 5), tier(Some(10), 4), tier(Some(15), 3), tier(Some(20), 2), tier(None, 1)])?;
    /// // Stripe's examples
    /// assert_eq!(PriceModel::Graduated(tiers.clone()).charge(Decimal::from(6))?, usd(29));
    /// assert_eq!(PriceModel::Volume(tiers).charge(Decimal::from(6))?, usd(24));
    /// assert!(PriceModel::Flat(usd(-1)).charge(Decimal::ONE).is_err()); // no negative prices
    /// # Ok::<(), revops::pricing::PricingError>(())
    /// ```
    ///
    /// # Errors
    /// A negative quantity or price, or an overflow.
    pub fn charge(&self, quantity: Decimal) -> Result<Money, PricingError> {
        if quantity.is_sign_negative() && !quantity.is_zero() {
            return Err(PricingError::NegativeQuantity(quantity));
        }
        self.validate()?;
        Ok(match self {
            PriceModel::Flat(m) => *m,
            PriceModel::PerUnit(p) => p.checked_mul(quantity)?,
            PriceModel::Package { price, size } => price.checked_mul(packages(quantity, *size)?)?,
            PriceModel::Graduated(tiers) => graduated(tiers, quantity)?,
            PriceModel::Volume(tiers) => {
                if quantity.is_zero() {
                    return Ok(Money::zero(tiers.currency()));
                }
                let all = tiers.as_slice();
                // the last tier is open-ended by construction, so a tier always matches
                let t = all.iter().find(|t| t.up_to.is_none_or(|u| quantity <= u)).unwrap_or(&all[all.len() - 1]);
                t.unit_price.checked_mul(quantity)?.checked_add(t.flat_fee)?
            }
        })
    }
}

/// The number of whole packages of `size` that hold `quantity`: the ceiling of the exact quotient.
/// `quantity / size` is rounded to `Decimal`'s 28 digits, which can drop a fraction (and with it a
/// package), so the rounded ceiling is checked against the quantity by an exact product.
fn packages(quantity: Decimal, size: NonZeroU64) -> Result<Decimal, PricingError> {
    let size = Decimal::from(size.get());
    let packages = quantity.checked_div(size).ok_or_else(|| overflow("div"))?.ceil();
    // an integer times an integer is exact; a product past Decimal's range exceeds any quantity
    let short = packages.checked_mul(size).is_some_and(|held| held < quantity);
    if short {
        return packages.checked_add(Decimal::ONE).ok_or_else(|| overflow("add"));
    }
    Ok(packages)
}

/// Each slice of `quantity` at its tier's unit price, plus the flat fee of every tier reached.
fn graduated(tiers: &Tiers, quantity: Decimal) -> Result<Money, PricingError> {
    // plain Decimal arithmetic inside: the tiers share one currency by construction
    let mut total = Decimal::ZERO;
    let mut below = Decimal::ZERO;
    for t in tiers.as_slice() {
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
        total = total.checked_add(t.flat_fee.amount()).ok_or_else(|| overflow("add"))?;
        below = top;
    }
    Ok(Money::new(total, tiers.currency()))
}

/// The error for a Decimal operation that overflowed inside a price calculation.
pub(super) fn overflow(op: &'static str) -> PricingError {
    PricingError::Money(crate::money::MoneyError::Overflow(op))
}

impl Price {
    /// The charge, raised to the minimum if there is one (full precision).
    ///
    /// # Errors
    /// As [`PriceModel::charge`].
    pub fn charge(&self, quantity: Decimal) -> Result<Money, PricingError> {
        let c = self.model.charge(quantity)?;
        // the minimum shares the model's currency by construction
        Ok(match self.minimum {
            Some(m) if m.amount() > c.amount() => m,
            _ => c,
        })
    }
}
