//! Expansion opportunities: cross-sell, seat upsell and tier upgrades, each with a potential
//! ARR, a propensity, and reasons.

use rust_decimal::Decimal;

use super::{Account, Basis, Catalog, CoOwnership, ExpansionError};
use crate::money::{Currency, Money};
use crate::rules::Condition;
use crate::stats::LogisticModel;

/// What kind of expansion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum OpportunityKind {
    /// Add a product.
    CrossSell {
        /// Product index.
        product: usize,
    },
    /// Add seats.
    SeatUpsell {
        /// Seats to add.
        seats: u32,
    },
    /// Move up a tier.
    TierUpgrade {
        /// Current tier.
        from: usize,
        /// Tier the usage belongs in.
        to: usize,
    },
}

/// Why an opportunity was found.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum ExpansionReason {
    /// Recommended from co-ownership or segment popularity.
    Recommended(Basis),
    /// Seats used ÷ paid is above the threshold.
    SeatsUtilised(f64),
    /// Usage above the current tier's allowance: both stated, so that a tier including no usage
    /// (a limit of 0) has a finite reason that JSON writes and reads back (the ratio
    /// `usage ÷ limit` would be infinite there).
    UsageAboveTier {
        /// Usage in the period.
        usage: f64,
        /// The current tier's usage limit, below `usage`.
        limit: f64,
    },
}

/// A scored opportunity: `expected = propensity × potential`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExpansionOpportunity {
    /// Kind.
    pub kind: OpportunityKind,
    /// ARR if it closes.
    pub potential_arr: Money,
    /// Probability it closes.
    pub propensity: f64,
    /// Expected ARR: `propensity × potential_arr` computed exactly, with the propensity read as
    /// the shortest decimal that reads back as the same `f64` (1/3 is 0.3333333333333333), and
    /// rounded once, half to even, to the currency's minor unit (50,000 × 1/3 is 16,666.67).
    pub expected_arr: Money,
    /// Why.
    pub reason: ExpansionReason,
}

/// A propensity rule: when every condition holds, the probability is `probability`.
///
/// Every rule is checked before any account is scored (see [`ExpansionScorer::validate`]): each
/// condition must name a signal the scorer knows and compare it with a finite threshold, and the
/// probability must be in `[0, 1]`, whether or not an account ever reaches the rule.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct PropensityRule {
    /// Conditions over account signals (`seat_utilisation`, `usage_ratio`, `products_owned`,
    /// `arr`, `score`: the recommendation score for cross-sell, 1 otherwise). `usage_ratio` is
    /// usage ÷ the current tier's limit: 0 with no usage (whatever the limit, 0 included) or an
    /// unlimited tier, +∞ for any usage of a tier including none.
    pub when: Vec<Condition>,
    /// Probability when they hold.
    pub probability: f64,
}

/// Where propensity comes from.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Propensity {
    /// The first matching rule, else the default.
    Rules {
        /// Rules, in order.
        rules: Vec<PropensityRule>,
        /// Probability when none matches.
        default: f64,
    },
    /// A logistic model over the account's own features, scaled by the recommendation score for
    /// cross-sell.
    Model(LogisticModel),
}

/// Scores an account's expansion opportunities.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExpansionScorer {
    /// What is sold.
    pub catalog: Catalog,
    /// Co-ownership across the base.
    pub affinity: CoOwnership,
    /// Propensity.
    pub propensity: Propensity,
    /// Seat utilisation above which seats are an upsell (0.9), strictly. It must be finite and
    /// non-negative; above 1 it asks for more seats used than paid for.
    pub seat_threshold: f64,
    /// Extra seats to propose, as a share of seats used (0.2): the upsell brings the seats to
    /// `ceil(seats used × (1 + headroom))`, computed exactly with the headroom read as the
    /// shortest decimal that is this `f64` (0.1 is a tenth: 50 seats → 55, never 56). It must be
    /// finite and non-negative; a target beyond `u32::MAX` seats is `u32::MAX`.
    pub seat_headroom: f64,
    /// Cross-sell recommendations per account (3).
    pub cross_sell_per_account: usize,
    /// The lift an association must exceed to count (1.0), strictly: a rule whose lift equals
    /// `min_lift` does not count, so at the default a rule at lift 1 (owning one product says
    /// nothing about the other) is no association. Zero or more (infinite: no association
    /// counts); NaN and negatives are refused ([`ExpansionError::InvalidMinLift`]). See
    /// [`CoOwnership::recommend`].
    pub min_lift: f64,
}

impl ExpansionScorer {
    /// A scorer with the usual thresholds: seats are an upsell above 90% utilisation with 20%
    /// headroom, three cross-sell ideas per account, associations count above lift 1.
    pub fn new(catalog: Catalog, affinity: CoOwnership, propensity: Propensity) -> ExpansionScorer {
        ExpansionScorer {
            catalog,
            affinity,
            propensity,
            seat_threshold: 0.9,
            seat_headroom: 0.2,
            cross_sell_per_account: 3,
            min_lift: 1.0,
        }
    }

    /// Checks the configuration, whatever the account, so that a bad one is refused for every
    /// account rather than for those that reach the bad part: the seat threshold and headroom,
    /// every propensity rule (the signals it names, its thresholds and its probability, reached or not) and the
    /// default propensity, the minimum lift (zero or more), each tier's usage limit (a number, zero
    /// or more, infinite for unlimited), that the catalog is priced in one currency, and that its tiers are
    /// cheapest first (so that no upgrade is worth less than nothing). [`Self::score`]
    /// checks it first; call it to refuse a configuration when it is loaded.
    ///
    /// ```
    /// use revops::expansion::{Catalog, CoOwnership, ExpansionError, ExpansionScorer, Propensity, PropensityRule};
    /// use revops::rules::{Comparison, Condition};
    /// let catalog = Catalog { products: vec![], tiers: vec![] };
    /// let typo = PropensityRule { when: vec![Condition::new("seat_utilization", Comparison::Above, 0.9)], probability: 0.5 };
    /// let rules = Propensity::Rules { rules: vec![typo], default: 0.1 };
    /// let scorer = ExpansionScorer::new(catalog, CoOwnership::learn(&[], 0)?, rules);
    /// assert_eq!(scorer.validate(), Err(ExpansionError::UnknownSignal("seat_utilization".into())));
    /// # Ok::<(), ExpansionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExpansionError::UnknownSignal`] for a rule naming a signal the scorer does not know;
    /// [`ExpansionError::InvalidThreshold`] for a rule's condition whose threshold is NaN or
    /// infinite (naming the rule by its index and the signal);
    /// [`ExpansionError::InvalidMinLift`] for a minimum lift that is NaN or negative;
    /// [`ExpansionError::InvalidInput`] for a rule or default probability outside `[0, 1]` or
    /// NaN, a seat threshold or headroom that is negative or not finite, a
    /// tier usage limit that is NaN or negative, a catalog priced in
    /// more than one currency, or tiers that are not cheapest first.
    pub fn validate(&self) -> Result<(), ExpansionError> {
        self.catalog_currency().map(|_| ())
    }

    /// [`Self::validate`], then the catalog's one currency (`None` for an empty catalog).
    fn catalog_currency(&self) -> Result<Option<Currency>, ExpansionError> {
        let invalid = |m: String| Err(ExpansionError::InvalidInput(m));
        if !(self.seat_threshold.is_finite() && self.seat_threshold >= 0.0) {
            return invalid(format!("seat threshold {} must be finite and non-negative", self.seat_threshold));
        }
        check_headroom(self.seat_headroom)?;
        super::affinity::check_min_lift(self.min_lift)?;
        if let Some(t) = self.catalog.tiers.iter().find(|t| t.usage_limit.is_nan() || t.usage_limit < 0.0) {
            return invalid(format!(
                "tier {:?} has usage limit {}, not a number of zero or more",
                t.name, t.usage_limit
            ));
        }
        if let Propensity::Rules { rules, default } = &self.propensity {
            for (i, rule) in rules.iter().enumerate() {
                if let Some(c) = rule.when.iter().find(|c| !SIGNALS.contains(&c.signal.as_str())) {
                    return Err(ExpansionError::UnknownSignal(c.signal.clone()));
                }
                super::playbook::check_thresholds(&rule.when, || format!("propensity rule {i}"))?;
                if !(0.0..=1.0).contains(&rule.probability) {
                    return invalid(format!(
                        "propensity rule {i} has probability {}, outside [0, 1]",
                        rule.probability
                    ));
                }
            }
            if !(0.0..=1.0).contains(default) {
                return invalid(format!("default propensity {default} is outside [0, 1]"));
            }
        }
        let products = self.catalog.products.iter().map(|p| p.list_arr.currency());
        let mut prices = products.chain(self.catalog.tiers.iter().map(|t| t.arr.currency()));
        let currency = prices.next();
        if let Some(c) = currency {
            if let Some(other) = prices.find(|&o| o != c) {
                return invalid(format!(
                    "the catalog is priced in {c} and {other}: its opportunities need one currency"
                ));
            }
        }
        // a tier upgrade is worth the next tier's ARR less the current one's: never negative
        if let Some(w) = self.catalog.tiers.windows(2).find(|w| w[1].arr.amount() < w[0].arr.amount()) {
            return invalid(format!(
                "tier {:?} ({}) comes after {:?} ({}): tiers must be cheapest first",
                w[1].name, w[1].arr, w[0].name, w[0].arr
            ));
        }
        Ok(currency)
    }

    fn propensity(&self, account: &Account, score: f64) -> Result<f64, ExpansionError> {
        let p = match &self.propensity {
            Propensity::Rules { rules, default } => {
                let tier_limit = self.catalog.tiers.get(account.tier).map_or(f64::INFINITY, |t| t.usage_limit);
                let lookup = |name: &str| match name {
                    "seat_utilisation" => Some(account.seat_utilisation()),
                    "usage_ratio" => Some(usage_ratio(account.usage, tier_limit)),
                    "products_owned" => Some(account.owned.len() as f64),
                    "arr" => Some(account.arr.to_f64_lossy()),
                    "score" => Some(score),
                    _ => None,
                };
                let mut chosen = *default;
                for rule in rules {
                    let mut all = true;
                    for c in &rule.when {
                        all &= c.evaluate(lookup).map_err(|s| ExpansionError::UnknownSignal(s.to_string()))?;
                    }
                    if all {
                        chosen = rule.probability;
                        break;
                    }
                }
                chosen
            }
            Propensity::Model(m) => {
                let probability = m.probability(&account.features).map_err(|_| {
                    ExpansionError::InvalidInput(format!(
                        "account {} has {} features, the model {}",
                        account.id,
                        account.features.len(),
                        m.coefficients().len()
                    ))
                })?;
                probability * score
            }
        };
        if !(0.0..=1.0).contains(&p) {
            return Err(ExpansionError::InvalidInput(format!("propensity {p} is outside [0, 1]")));
        }
        Ok(p)
    }

    fn opportunity(
        &self,
        account: &Account,
        kind: OpportunityKind,
        potential: Money,
        score: f64,
        reason: ExpansionReason,
    ) -> Result<ExpansionOpportunity, ExpansionError> {
        let propensity = self.propensity(account, score)?;
        // the propensity as written (1/3 is 0.3333333333333333), the product rounded once
        let p = crate::money::exact::decimal_as_written(propensity)
            .ok_or_else(|| ExpansionError::InvalidInput(format!("propensity {propensity} is not a decimal")))?;
        Ok(ExpansionOpportunity {
            kind,
            potential_arr: potential,
            propensity,
            expected_arr: potential.mul_round(p)?,
            reason,
        })
    }

    /// Every opportunity for one account, largest expected ARR first.
    ///
    /// Cross-sell from [`CoOwnership::recommend`], seats when utilisation passes the threshold,
    /// and the tier whose allowance fits the usage.
    ///
    /// ```
    /// use revops::expansion::{Account, Catalog, CoOwnership, ExpansionScorer, OpportunityKind, Product, ProductSet, Propensity};
    /// use revops::{Currency, Money};
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let catalog = Catalog {
    ///     products: vec![
    ///         Product { name: "Platform".into(), list_arr: usd("100000") },
    ///         Product { name: "Analytics".into(), list_arr: usd("40000") },
    ///     ],
    ///     tiers: vec![],
    /// };
    /// let acct = |id: &str, owned: &[usize]| Account::new(id, "ent", usd("100000"), ProductSet::of(owned).unwrap());
    /// let base = [acct("a", &[0, 1]), acct("b", &[0, 1]), acct("c", &[0]), acct("d", &[0, 1])];
    /// let affinity = CoOwnership::learn(&base, 2)?;
    /// let scorer = ExpansionScorer::new(catalog, affinity, Propensity::Rules { rules: vec![], default: 0.25 });
    /// // "c" owns the platform, at 95% of its 100 seats: Analytics to cross-sell, and more seats
    /// let c = acct("c", &[0]).with_seats(100, 95, usd("1000"));
    /// let opportunities = scorer.score(&c)?;
    /// assert!(opportunities.iter().any(|o| o.kind == OpportunityKind::CrossSell { product: 1 }));
    /// assert!(opportunities.iter().any(|o| matches!(o.kind, OpportunityKind::SeatUpsell { .. })));
    /// // largest expected ARR first, each the potential × propensity
    /// assert!(opportunities.windows(2).all(|w| w[0].expected_arr.amount() >= w[1].expected_arr.amount()));
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Whatever the account, first everything [`ExpansionScorer::validate`] refuses: a rule
    /// naming an unknown signal ([`ExpansionError::UnknownSignal`]) or comparing with a
    /// threshold that is NaN or infinite ([`ExpansionError::InvalidThreshold`]), a minimum lift that is NaN
    /// or negative ([`ExpansionError::InvalidMinLift`]), a rule or default
    /// probability outside `[0, 1]`, a seat threshold or headroom that is negative or not finite,
    /// a tier usage limit that is NaN or negative,
    /// a catalog in more than one currency or with tiers that are not cheapest first
    /// ([`ExpansionError::InvalidInput`]). Then
    /// [`ExpansionError::AccountCurrency`] for an account whose ARR or seat price is not in the
    /// catalog's currency (with an empty catalog: a seat price not in the ARR's currency);
    /// [`ExpansionError::InvalidInput`] for an account whose usage is negative or not finite,
    /// or on a tier the catalog does not have (any
    /// tier is accepted, and none upgraded, when the catalog has no tiers);
    /// [`ExpansionError::UnknownProduct`] for a recommended product missing from the catalog;
    /// [`ExpansionError::InvalidInput`] for a model whose features do not match the account's or
    /// a model propensity outside `[0, 1]`; a money error when a potential does not fit a
    /// `Decimal`.
    pub fn score(&self, account: &Account) -> Result<Vec<ExpansionOpportunity>, ExpansionError> {
        let currency = self.catalog_currency()?.unwrap_or(account.arr.currency());
        if let Some(found) = [account.arr.currency(), account.seat_arr.currency()].into_iter().find(|&c| c != currency)
        {
            return Err(ExpansionError::AccountCurrency { account: account.id.clone(), catalog: currency, found });
        }
        if !(account.usage.is_finite() && account.usage >= 0.0) {
            return Err(ExpansionError::InvalidInput(format!(
                "account {} has usage {}, not a finite amount of zero or more",
                account.id, account.usage
            )));
        }
        // a catalog without tiers has none to be on (tier 0 is Account::new's default)
        if !self.catalog.tiers.is_empty() && account.tier >= self.catalog.tiers.len() {
            return Err(ExpansionError::InvalidInput(format!(
                "account {} is on tier {}, the catalog has {} tiers",
                account.id,
                account.tier,
                self.catalog.tiers.len()
            )));
        }
        let mut out = Vec::new();
        for r in self.affinity.recommend(account.owned, &account.segment, self.cross_sell_per_account, self.min_lift)? {
            let product = self.catalog.products.get(r.product).ok_or(ExpansionError::UnknownProduct(r.product))?;
            out.push(self.opportunity(
                account,
                OpportunityKind::CrossSell { product: r.product },
                product.list_arr,
                r.score,
                ExpansionReason::Recommended(r.basis),
            )?);
        }
        let utilisation = account.seat_utilisation();
        if utilisation > self.seat_threshold {
            let target = seat_target(account.seats_used, self.seat_headroom)?;
            let seats = target.saturating_sub(account.seats_paid).max(1);
            let potential = account.seat_arr.checked_mul(Decimal::from(seats))?;
            out.push(self.opportunity(
                account,
                OpportunityKind::SeatUpsell { seats },
                potential,
                1.0,
                ExpansionReason::SeatsUtilised(utilisation),
            )?);
        }
        if let Some(current) = self.catalog.tiers.get(account.tier) {
            if account.usage > current.usage_limit {
                if let Some(to) = (account.tier + 1..self.catalog.tiers.len())
                    .find(|&t| self.catalog.tiers[t].usage_limit >= account.usage)
                    .or(Some(self.catalog.tiers.len() - 1))
                    .filter(|&t| t > account.tier)
                {
                    let potential = self.catalog.tiers[to].arr.checked_sub(current.arr)?;
                    // finite: the usage is (checked) and the limit is below it
                    let reason = ExpansionReason::UsageAboveTier { usage: account.usage, limit: current.usage_limit };
                    out.push(self.opportunity(
                        account,
                        OpportunityKind::TierUpgrade { from: account.tier, to },
                        potential,
                        1.0,
                        reason,
                    )?);
                }
            }
        }
        out.sort_by_key(|o| std::cmp::Reverse(o.expected_arr.amount()));
        Ok(out)
    }
}

/// `ceil(used × (1 + headroom))` in decimal arithmetic, the headroom read as the shortest text
/// that reads back as the same `f64` (0.1, never 0.1000000000000000055…), saturating at
/// `u32::MAX`.
fn seat_target(used: u32, headroom: f64) -> Result<u32, ExpansionError> {
    use rust_decimal::prelude::ToPrimitive;
    check_headroom(headroom)?;
    let target = crate::money::exact::decimal_as_written(headroom)
        .and_then(|h| Decimal::ONE.checked_add(h))
        .and_then(|factor| Decimal::from(used).checked_mul(factor))
        .and_then(|t| t.ceil().to_u32());
    // no Decimal holds the headroom or the target, or no u32 the target: more seats than there are
    Ok(target.unwrap_or(u32::MAX))
}

/// Usage ÷ the tier's limit, for the `usage_ratio` signal: nothing used of nothing included is
/// 0 (not 0 ÷ 0), any usage of a tier including none is +∞ (above every finite threshold), and
/// any usage of an unlimited tier is 0.
fn usage_ratio(usage: f64, limit: f64) -> f64 {
    if usage == 0.0 {
        0.0
    } else {
        usage / limit
    }
}

/// The signals a propensity rule may name.
const SIGNALS: [&str; 5] = ["seat_utilisation", "usage_ratio", "products_owned", "arr", "score"];

fn check_headroom(headroom: f64) -> Result<(), ExpansionError> {
    if headroom.is_finite() && headroom >= 0.0 {
        Ok(())
    } else {
        Err(ExpansionError::InvalidInput(format!("seat headroom {headroom} must be finite and non-negative")))
    }
}
