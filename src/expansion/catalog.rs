use super::ExpansionError;
use crate::money::Money;

/// A set of catalog products, by index (up to 128), stored as a bit set so that co-ownership
/// counting and whitespace are a few instructions per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProductSet(u128);

impl ProductSet {
    /// The set of these product indices.
    ///
    /// # Errors
    ///
    /// [`ExpansionError::UnknownProduct`] for an index of 128 or more.
    pub fn of(indices: &[usize]) -> Result<ProductSet, ExpansionError> {
        let mut bits = 0u128;
        for &i in indices {
            if i >= 128 {
                return Err(ExpansionError::UnknownProduct(i));
            }
            bits |= 1 << i;
        }
        Ok(ProductSet(bits))
    }

    /// True when product `i` is in the set.
    #[inline]
    pub fn contains(self, i: usize) -> bool {
        i < 128 && self.0 >> i & 1 == 1
    }

    /// Number of products.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// True when empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Product indices, ascending.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(i)
        })
    }
}

/// A product in the catalog.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Product {
    /// Name.
    pub name: String,
    /// Typical ARR when an account adds it (the cross-sell potential).
    pub list_arr: Money,
}

/// A plan tier with its usage allowance.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Tier {
    /// Name.
    pub name: String,
    /// ARR of the tier.
    pub arr: Money,
    /// Usage included (API calls, storage…): zero or more, infinite for unlimited (NaN is refused).
    /// Zero is a tier that includes no usage: any usage is above it (an upgrade, and a
    /// `usage_ratio` of +∞ for propensity rules), none is a ratio of 0.
    pub usage_limit: f64,
}

/// What the expansion engine sells.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Catalog {
    /// Products, by index.
    pub products: Vec<Product>,
    /// Tiers, cheapest first (an [`ExpansionScorer`](super::ExpansionScorer) refuses them otherwise).
    pub tiers: Vec<Tier>,
}

/// An installed-base account.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Account {
    /// Id.
    pub id: String,
    /// Segment (for peers and cold-start popularity).
    pub segment: String,
    /// Current ARR.
    pub arr: Money,
    /// Products owned.
    pub owned: ProductSet,
    /// Seats paid for.
    pub seats_paid: u32,
    /// Seats in use.
    pub seats_used: u32,
    /// ARR of one more seat.
    pub seat_arr: Money,
    /// Usage in the current period.
    pub usage: f64,
    /// Index of the current tier.
    pub tier: usize,
    /// Caller-defined features for a propensity model, in the model's order.
    pub features: Vec<f64>,
}

impl Account {
    /// An account with no seats, no usage, tier 0 and no model features; add them with
    /// [`Account::with_seats`] and [`Account::with_usage`].
    pub fn new(id: impl Into<String>, segment: impl Into<String>, arr: Money, owned: ProductSet) -> Account {
        Account {
            id: id.into(),
            segment: segment.into(),
            seat_arr: Money::zero(arr.currency()),
            arr,
            owned,
            seats_paid: 0,
            seats_used: 0,
            usage: 0.0,
            tier: 0,
            features: Vec::new(),
        }
    }

    /// Seats paid and used, and the ARR of one more seat.
    ///
    /// ```
    /// use revops::expansion::{Account, ProductSet};
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let acme = Account::new("acme", "ent", usd("120000"), ProductSet::of(&[0])?)
    ///     .with_seats(100, 95, usd("1200")) // paid, used, the ARR of one more seat
    ///     .with_usage(8_500.0, 1); // usage this period, current tier
    /// assert_eq!(acme.seat_utilisation(), 0.95);
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    pub fn with_seats(mut self, paid: u32, used: u32, seat_arr: Money) -> Account {
        (self.seats_paid, self.seats_used, self.seat_arr) = (paid, used, seat_arr);
        self
    }

    /// Usage this period and the current tier.
    pub fn with_usage(mut self, usage: f64, tier: usize) -> Account {
        (self.usage, self.tier) = (usage, tier);
        self
    }

    /// Seats used ÷ seats paid (0 with no paid seats).
    pub fn seat_utilisation(&self) -> f64 {
        if self.seats_paid == 0 {
            0.0
        } else {
            f64::from(self.seats_used) / f64::from(self.seats_paid)
        }
    }
}
