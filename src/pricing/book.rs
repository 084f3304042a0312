//! The price book: products, add-ons and plans with price lists per currency, and the
//! [`CostModel`] port for unit costs.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Price, PriceModel, PricingError};
use crate::money::{Currency, Money};

/// A plan or add-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ProductKind {
    /// A plan (tier) of the platform.
    Plan,
    /// An add-on sold on top of a plan.
    AddOn,
}

/// A sellable product with a price per currency. JSON is checked on load as
/// [`PriceBook::new`] checks it: each price filed under its own currency, each currency once.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BookEntryRepr"))]
pub struct BookEntry {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Plan or add-on.
    pub kind: ProductKind,
    /// Price lists: one annual price per currency.
    pub prices: BTreeMap<Currency, Price>,
}

deserialize_via!(
    BookEntry,
    BookEntryRepr {
        sku: String,
        name: String,
        kind: ProductKind,
        #[serde(deserialize_with = "crate::money::exact::unique_keys")]
        prices: BTreeMap<Currency, Price>,
    },
    PricingError,
    |r| {
        let entry = BookEntry { sku: r.sku, name: r.name, kind: r.kind, prices: r.prices };
        entry.check()?;
        Ok(entry)
    }
);

impl BookEntry {
    /// Each price filed under the currency it is priced in.
    fn check(&self) -> Result<(), PricingError> {
        match self.prices.iter().find(|(filed, price)| price.model().currency() != **filed) {
            Some((filed, price)) => Err(PricingError::PriceFiledUnderOtherCurrency {
                sku: self.sku.clone(),
                filed: *filed,
                priced: price.model().currency(),
            }),
            None => Ok(()),
        }
    }
}

/// The price book. JSON is checked on load as [`PriceBook::new`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PriceBookRepr"))]
pub struct PriceBook {
    /// Entries by SKU.
    pub entries: Vec<BookEntry>,
}

deserialize_via!(PriceBook, PriceBookRepr { entries: Vec<BookEntry> }, PricingError, |r| PriceBook::new(r.entries));

impl PriceBook {
    /// A price book of `entries`, checked: each SKU once, and each price filed under the
    /// currency it is priced in (a quote in that currency would otherwise find a price in
    /// another).
    ///
    /// ```
    /// use revops::pricing::{PriceBook, PricingError};
    /// let mut entries = PriceBook::demo().entries;
    /// assert!(PriceBook::new(entries.clone()).is_ok());
    /// entries.push(entries[0].clone());
    /// assert!(matches!(PriceBook::new(entries), Err(PricingError::DuplicateSku(_))));
    /// ```
    ///
    /// # Errors
    /// [`PricingError::DuplicateSku`], [`PricingError::PriceFiledUnderOtherCurrency`].
    pub fn new(entries: Vec<BookEntry>) -> Result<PriceBook, PricingError> {
        let mut seen = std::collections::BTreeSet::new();
        for entry in &entries {
            if !seen.insert(entry.sku.as_str()) {
                return Err(PricingError::DuplicateSku(entry.sku.clone()));
            }
            entry.check()?;
        }
        Ok(PriceBook { entries })
    }

    /// The annual price of `sku` in `currency`.
    ///
    /// ```
    /// use revops::pricing::PriceBook;
    /// use revops::Currency;
    /// let book = PriceBook::demo();
    /// let pro = book.price("PLAN-PRO", Currency::USD)?;
    /// assert_eq!(pro.charge(rust_decimal::Decimal::ONE)?.to_string(), "USD 250,000.00");
    /// assert!(book.price("PLAN-STRATEGIC", Currency::EUR).is_err()); // not filed in EUR
    /// # Ok::<(), revops::pricing::PricingError>(())
    /// ```
    ///
    /// # Errors
    /// [`PricingError::NoPrice`] for a SKU the book does not have, or not in `currency`.
    pub fn price(&self, sku: &str, currency: Currency) -> Result<&Price, PricingError> {
        self.entries
            .iter()
            .find(|e| e.sku == sku)
            .and_then(|e| e.prices.get(&currency))
            .ok_or_else(|| PricingError::NoPrice { sku: sku.to_string(), currency })
    }

    /// The demo price book: plans Starter $50K, Professional $250K, Enterprise $1M+ (per 1,000
    /// seats, graduated above), Strategic $5M+ per year, and per-seat and usage add-ons, in USD
    /// and EUR.
    pub fn demo() -> PriceBook {
        let usd = |n: i64| Money::new(Decimal::from(n), Currency::USD);
        let eur = |n: i64| Money::new(Decimal::from(n), Currency::EUR);
        let flat = |n: Money| Price::trusted(PriceModel::Flat(n));
        let tiers = |m: &dyn Fn(i64) -> Money, base: i64| {
            let t = |up: Option<i64>, unit: i64, fee: i64| super::Tier {
                up_to: up.map(Decimal::from),
                unit_price: m(unit),
                flat_fee: m(fee),
            };
            let table = vec![t(Some(1_000), 0, base), t(Some(5_000), 600, 0), t(None, 400, 0)];
            Price::trusted(PriceModel::Graduated(super::Tiers::trusted(table)))
        };
        let entry = |sku: &str, name: &str, kind, prices: Vec<(Currency, Price)>| BookEntry {
            sku: sku.into(),
            name: name.into(),
            kind,
            prices: prices.into_iter().collect(),
        };
        PriceBook {
            entries: vec![
                entry(
                    "PLAN-STARTER",
                    "Starter",
                    ProductKind::Plan,
                    vec![(Currency::USD, flat(usd(50_000))), (Currency::EUR, flat(eur(46_000)))],
                ),
                entry(
                    "PLAN-PRO",
                    "Professional",
                    ProductKind::Plan,
                    vec![(Currency::USD, flat(usd(250_000))), (Currency::EUR, flat(eur(230_000)))],
                ),
                entry(
                    "PLAN-ENT",
                    "Enterprise",
                    ProductKind::Plan,
                    vec![(Currency::USD, tiers(&usd, 1_000_000)), (Currency::EUR, tiers(&eur, 920_000))],
                ),
                entry("PLAN-STRATEGIC", "Strategic", ProductKind::Plan, vec![(Currency::USD, flat(usd(5_000_000)))]),
                entry(
                    "ADD-SEATS",
                    "Additional seats",
                    ProductKind::AddOn,
                    vec![(Currency::USD, Price::trusted(PriceModel::PerUnit(usd(900))))],
                ),
                entry(
                    "ADD-API",
                    "API calls (per million)",
                    ProductKind::AddOn,
                    vec![(Currency::USD, Price::trusted(PriceModel::Package { price: usd(2_000), size: MILLION }))],
                ),
                entry("ADD-SSO", "Advanced security", ProductKind::AddOn, vec![(Currency::USD, flat(usd(40_000)))]),
            ],
        }
    }
}

const MILLION: std::num::NonZeroU64 = match std::num::NonZeroU64::new(1_000_000) {
    Some(n) => n,
    None => unreachable!(),
};

/// Integration port: what it costs to serve a product (hosting, support, third-party fees), for
/// margins.
pub trait CostModel {
    /// Annual cost of serving `quantity` of `sku` in `currency`.
    ///
    /// # Errors
    /// [`PricingError::NoCost`] for a SKU the model does not know, or an arithmetic failure.
    fn annual_cost(&self, sku: &str, quantity: Decimal, currency: Currency) -> Result<Money, PricingError>;
}

/// A fixed annual cost plus an annual cost per unit, per SKU and currency: for tests and demos.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InMemoryCostModel {
    /// `sku → (fixed annual cost, cost per unit)` per currency.
    pub costs: BTreeMap<(String, Currency), (Money, Money)>,
}

impl InMemoryCostModel {
    /// Record a SKU's fixed and per-unit annual costs.
    pub fn insert(&mut self, sku: &str, fixed: Money, per_unit: Money) {
        self.costs.insert((sku.to_string(), fixed.currency()), (fixed, per_unit));
    }
}

impl CostModel for InMemoryCostModel {
    fn annual_cost(&self, sku: &str, quantity: Decimal, currency: Currency) -> Result<Money, PricingError> {
        let (fixed, unit) =
            self.costs.get(&(sku.to_string(), currency)).ok_or_else(|| PricingError::NoCost(sku.to_string()))?;
        Ok(fixed.checked_add(unit.checked_mul(quantity)?)?)
    }
}
