//! Co-ownership across the installed base: association rules, recommendations with a
//! segment-popularity cold start, and whitespace.

use std::collections::BTreeMap;

use super::{Account, ExpansionError, ProductSet};

/// Ownership counts across the base, overall and per segment.
///
/// The counts agree by construction, JSON too: one owner count per product, a square
/// `products × products` pair matrix that is symmetric with the owner counts on its diagonal,
/// one owner count per product in each segment, segment accounts and each product's segment
/// owners that sum to the overall counts, and no count above the accounts counted.
/// Confidence and lift are recomputed from the counts on the way in.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CoOwnershipRepr"))]
pub struct CoOwnership {
    /// Products in the catalog.
    products: usize,
    /// Accounts counted.
    accounts: u64,
    /// Accounts owning each product.
    owners: Vec<u64>,
    /// Accounts owning both `i` and `j` at `i × products + j`.
    pairs: Vec<u64>,
    /// Per segment: `(accounts, owners per product)`.
    segments: BTreeMap<String, (u64, Vec<u64>)>,
    /// `confidence(i → j)` at `i × products + j`, precomputed (0 where undefined).
    confidence: Vec<f64>,
    /// `lift(i → j)`, likewise.
    lift: Vec<f64>,
}

deserialize_via!(
    CoOwnership,
    CoOwnershipRepr {
        products: usize,
        accounts: u64,
        owners: Vec<u64>,
        pairs: Vec<u64>,
        segments: BTreeMap<String, (u64, Vec<u64>)>,
        // written out for readers of the JSON, recomputed from the counts on the way in
        #[allow(dead_code)]
        confidence: Option<serde::de::IgnoredAny>,
        #[allow(dead_code)]
        lift: Option<serde::de::IgnoredAny>,
    },
    ExpansionError,
    |r| CoOwnership::from_counts(r.products, r.accounts, r.owners, r.pairs, r.segments)
);

/// The largest catalogue a [`ProductSet`] can hold.
const MAX_PRODUCTS: usize = 128;

/// `antecedent → consequent` with its strength.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AssociationRule {
    /// Owned product.
    pub antecedent: usize,
    /// Recommended product.
    pub consequent: usize,
    /// Share of accounts owning both.
    pub support: f64,
    /// Share of antecedent owners that also own the consequent.
    pub confidence: f64,
    /// Confidence ÷ the consequent's overall share (> 1: owning one makes the other likelier).
    pub lift: f64,
}

/// Why a product is recommended.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum Basis {
    /// The strongest association rule from a product the account owns.
    Association(AssociationRule),
    /// Cold start: the share of the account's segment that owns it.
    SegmentPopularity(f64),
}

/// A recommended product.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Recommendation {
    /// Product index.
    pub product: usize,
    /// Score in [0, 1]: the rule's confidence, or the segment share.
    pub score: f64,
    /// Why.
    pub basis: Basis,
}

impl CoOwnership {
    /// Count ownership over the base.
    ///
    /// ```
    /// use revops::expansion::{Account, CoOwnership, ProductSet};
    /// use revops::{Currency, Money};
    /// let acct = |id: &str, owned: &[usize]| Account::new(id, "ent", Money::zero(Currency::USD), ProductSet::of(owned).unwrap());
    /// let base = [acct("a", &[0, 1]), acct("b", &[0, 1]), acct("c", &[0]), acct("d", &[1])];
    /// let co = CoOwnership::learn(&base, 2)?;
    /// let rule = co.rule(0, 1).unwrap(); // owners of 0 who also own 1
    /// assert!((rule.confidence - 2.0 / 3.0).abs() < 1e-12);
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExpansionError::CatalogTooLarge`] for more than 128 products;
    /// [`ExpansionError::ProductOutsideCatalogue`] for an account owning a product index at or
    /// past `products` (checked for every account before anything is counted).
    pub fn learn(accounts: &[Account], products: usize) -> Result<CoOwnership, ExpansionError> {
        if products > MAX_PRODUCTS {
            return Err(ExpansionError::CatalogTooLarge(products));
        }
        for a in accounts {
            if let Some(product) = a.owned.iter().find(|&i| i >= products) {
                return Err(ExpansionError::ProductOutsideCatalogue { account: a.id.clone(), product, products });
            }
        }
        let mut owners = vec![0u64; products];
        let mut pairs = vec![0u64; products * products];
        let mut segments: BTreeMap<String, (u64, Vec<u64>)> = BTreeMap::new();
        for a in accounts {
            let seg = segments.entry(a.segment.clone()).or_insert_with(|| (0, vec![0; products]));
            seg.0 += 1;
            // every index is below `products` (checked above), so these stay in the matrix
            for i in a.owned.iter() {
                owners[i] += 1;
                seg.1[i] += 1;
                for j in a.owned.iter() {
                    pairs[i * products + j] += 1;
                }
            }
        }
        Ok(CoOwnership::counted(products, accounts.len() as u64, owners, pairs, segments))
    }

    /// Counts read from outside (JSON), once they agree; see the type's invariants.
    #[cfg(feature = "serde")]
    fn from_counts(
        products: usize,
        accounts: u64,
        owners: Vec<u64>,
        pairs: Vec<u64>,
        segments: BTreeMap<String, (u64, Vec<u64>)>,
    ) -> Result<CoOwnership, ExpansionError> {
        let bad = |reason| Err(ExpansionError::InvalidCoOwnership(reason));
        if products > MAX_PRODUCTS {
            return Err(ExpansionError::CatalogTooLarge(products));
        }
        if owners.len() != products || pairs.len() != products * products {
            return bad("need one owner count per product and a square products × products pair matrix");
        }
        if segments.values().any(|(_, o)| o.len() != products) {
            return bad("each segment needs one owner count per product");
        }
        let at = |i: usize, j: usize| pairs[i * products + j];
        for i in 0..products {
            if owners[i] > accounts || at(i, i) != owners[i] {
                return bad("a product's owners must be at most the accounts and on the pair diagonal");
            }
            if (0..products).any(|j| at(i, j) != at(j, i) || at(i, j) > owners[i].min(owners[j])) {
                return bad("pairs must be symmetric and at most either product's owners");
            }
        }
        let in_segments = segments.values().try_fold(0u64, |n, (k, _)| n.checked_add(*k));
        if in_segments != Some(accounts) || segments.values().any(|(n, o)| o.iter().any(|c| c > n)) {
            return bad("segments must count every account once, and no more owners than accounts");
        }
        let segment_owners = |j: usize| segments.values().try_fold(0u64, |n, (_, o)| n.checked_add(o[j]));
        if (0..products).any(|j| segment_owners(j) != Some(owners[j])) {
            return bad("each product's owners across the segments must sum to its owners overall");
        }
        Ok(CoOwnership::counted(products, accounts, owners, pairs, segments))
    }

    /// The co-ownership of agreeing counts, with confidence and lift precomputed.
    fn counted(
        products: usize,
        accounts: u64,
        owners: Vec<u64>,
        pairs: Vec<u64>,
        segments: BTreeMap<String, (u64, Vec<u64>)>,
    ) -> CoOwnership {
        let mut co =
            CoOwnership { products, accounts, owners, pairs, segments, confidence: Vec::new(), lift: Vec::new() };
        let rules: Vec<Option<AssociationRule>> =
            (0..products * products).map(|k| co.rule(k / products, k % products)).collect();
        co.confidence = rules.iter().map(|r| r.map_or(0.0, |r| r.confidence)).collect();
        co.lift = rules.iter().map(|r| r.map_or(0.0, |r| r.lift)).collect();
        co
    }

    /// Products in the catalog.
    pub fn products(&self) -> usize {
        self.products
    }

    /// Accounts counted.
    pub fn accounts(&self) -> u64 {
        self.accounts
    }

    /// Accounts owning each product.
    pub fn owners(&self) -> &[u64] {
        &self.owners
    }

    /// Accounts owning both `i` and `j` at `i × products + j` (a square, symmetric matrix).
    pub fn pairs(&self) -> &[u64] {
        &self.pairs
    }

    /// Per segment: `(accounts, owners per product)`.
    pub fn segments(&self) -> &BTreeMap<String, (u64, Vec<u64>)> {
        &self.segments
    }

    /// The rule `i → j`.
    pub fn rule(&self, i: usize, j: usize) -> Option<AssociationRule> {
        if i >= self.products || j >= self.products || self.accounts == 0 || self.owners[i] == 0 || self.owners[j] == 0
        {
            return None;
        }
        let n = self.accounts as f64;
        let both = self.pairs[i * self.products + j] as f64;
        let confidence = both / self.owners[i] as f64;
        Some(AssociationRule {
            antecedent: i,
            consequent: j,
            support: both / n,
            confidence,
            lift: confidence / (self.owners[j] as f64 / n),
        })
    }

    /// Every rule with at least `min_support` and `min_confidence`, strongest lift first.
    ///
    /// ```
    /// use revops::expansion::{Account, CoOwnership, ProductSet};
    /// use revops::{Currency, Money};
    /// let acct = |id: &str, owned: &[usize]| Account::new(id, "ent", Money::zero(Currency::USD), ProductSet::of(owned).unwrap());
    /// let base = [acct("a", &[0, 1]), acct("b", &[0, 1]), acct("c", &[0]), acct("d", &[2])];
    /// let co = CoOwnership::learn(&base, 3)?;
    /// // rules seen in at least half the base and right at least 60% of the time, strongest lift first
    /// let strong = co.rules(0.5, 0.6);
    /// assert_eq!(strong.len(), 2); // 0 → 1 (confidence 2/3) and 1 → 0 (every owner of 1 owns 0)
    /// assert!(strong.iter().any(|r| (r.antecedent, r.consequent, r.confidence) == (1, 0, 1.0)));
    /// assert!(strong.iter().all(|r| r.support >= 0.5 && r.confidence >= 0.6));
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    pub fn rules(&self, min_support: f64, min_confidence: f64) -> Vec<AssociationRule> {
        let mut out: Vec<AssociationRule> = (0..self.products)
            .flat_map(|i| (0..self.products).filter(move |&j| j != i).map(move |j| (i, j)))
            .filter_map(|(i, j)| self.rule(i, j))
            .filter(|r| r.support >= min_support && r.confidence >= min_confidence)
            .collect();
        out.sort_by(|a, b| {
            b.lift.total_cmp(&a.lift).then(a.antecedent.cmp(&b.antecedent)).then(a.consequent.cmp(&b.consequent))
        });
        out
    }

    /// Share of `segment` owning product `j` (0 for an unknown segment).
    ///
    /// ```
    /// use revops::expansion::{Account, CoOwnership, ProductSet};
    /// use revops::{Currency, Money};
    /// let acct = |id: &str, seg: &str, owned: &[usize]| Account::new(id, seg, Money::zero(Currency::USD), ProductSet::of(owned).unwrap());
    /// let base = [acct("a", "ent", &[0, 1]), acct("b", "ent", &[0]), acct("c", "smb", &[1])];
    /// let co = CoOwnership::learn(&base, 2)?;
    /// assert_eq!(co.segment_share("ent", 1), 0.5);
    /// assert_eq!(co.segment_share("mid-market", 1), 0.0); // a segment never seen
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    pub fn segment_share(&self, segment: &str, j: usize) -> f64 {
        match self.segments.get(segment) {
            Some((n, owners)) if *n > 0 && j < owners.len() => owners[j] as f64 / *n as f64,
            _ => 0.0,
        }
    }

    /// Up to `k` products the account does not own: by the best rule from something it owns
    /// (lift strictly above `min_lift`), otherwise by segment popularity; best first, ties by index.
    /// A `k` beyond the catalogue returns every candidate (nothing is sized by `k`). `min_lift`
    /// is zero or more; an infinite one counts no association (every pick by popularity).
    ///
    /// ```
    /// use revops::expansion::{Account, Basis, CoOwnership, ProductSet};
    /// use revops::{Currency, Money};
    ///
    /// let acct = |id: &str, owned: &[usize]| Account::new(id, "ent", Money::zero(Currency::USD), ProductSet::of(owned).unwrap());
    /// // product 0 owners mostly own 1 as well; product 2 is owned by half the segment
    /// let base = [acct("a", &[0, 1]), acct("b", &[0, 1, 2]), acct("c", &[0]), acct("d", &[2])];
    /// let co = CoOwnership::learn(&base, 3)?;
    /// let picks = co.recommend(ProductSet::of(&[0])?, "ent", 2, 1.0)?;
    /// assert_eq!(picks[0].product, 1); // the rule 0 → 1, confidence 2/3
    /// assert!(matches!(picks[0].basis, Basis::Association(_)));
    /// assert!((picks[0].score - 2.0 / 3.0).abs() < 1e-12);
    /// assert!(co.recommend(ProductSet::of(&[0])?, "ent", 2, f64::NAN).is_err()); // no lift is above NaN
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExpansionError::InvalidMinLift`] for a `min_lift` that is NaN (no lift is above it, so
    /// no association would ever count) or negative (a rule of lift 0, where no owner of the one
    /// owns the other, would count as an association).
    pub fn recommend(
        &self,
        owned: ProductSet,
        segment: &str,
        k: usize,
        min_lift: f64,
    ) -> Result<Vec<Recommendation>, ExpansionError> {
        check_min_lift(min_lift)?;
        let peers = self.segments.get(segment).filter(|(n, _)| *n > 0);
        let mut out: Vec<Recommendation> = Vec::with_capacity(k.min(self.products) + 1);
        for j in (0..self.products).filter(|&j| !owned.contains(j)) {
            // the owned product with the most confident rule into j (ties: higher lift, lower index)
            let mut best: Option<usize> = None;
            for i in owned.iter().filter(|&i| i < self.products) {
                let at = i * self.products + j;
                if self.lift[at] > min_lift
                    && best.is_none_or(|b| {
                        let bt = b * self.products + j;
                        (self.confidence[at], self.lift[at]) > (self.confidence[bt], self.lift[bt])
                    })
                {
                    best = Some(i);
                }
            }
            let rec = match best.and_then(|i| self.rule(i, j)) {
                Some(r) => Recommendation { product: j, score: r.confidence, basis: Basis::Association(r) },
                None => {
                    let share = peers.map_or(0.0, |(n, o)| o[j] as f64 / *n as f64);
                    if share <= 0.0 {
                        continue;
                    }
                    Recommendation { product: j, score: share, basis: Basis::SegmentPopularity(share) }
                }
            };
            // keep a running top k: candidates arrive in product order, so on equal scores the
            // earlier (lower-index) product stays ahead
            let at = out.partition_point(|r| r.score >= rec.score);
            if at < k {
                out.insert(at, rec);
                out.truncate(k);
            }
        }
        Ok(out)
    }

    /// Whitespace: products the account lacks that at least `peer_share` of its segment owns.
    ///
    /// ```
    /// use revops::expansion::{Account, CoOwnership, ProductSet};
    /// use revops::{Currency, Money};
    ///
    /// let acct = |id: &str, owned: &[usize]| Account::new(id, "ent", Money::zero(Currency::USD), ProductSet::of(owned).unwrap());
    /// let base = [acct("a", &[0, 1]), acct("b", &[0, 1]), acct("c", &[0]), acct("d", &[2])];
    /// let co = CoOwnership::learn(&base, 3)?;
    /// // what an account owning only product 2 lacks that half its segment or more owns
    /// assert_eq!(co.whitespace(ProductSet::of(&[2])?, "ent", 0.5), vec![(0, 0.75), (1, 0.5)]);
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    pub fn whitespace(&self, owned: ProductSet, segment: &str, peer_share: f64) -> Vec<(usize, f64)> {
        (0..self.products)
            .filter(|&j| !owned.contains(j))
            .map(|j| (j, self.segment_share(segment, j)))
            .filter(|(_, s)| *s >= peer_share)
            .collect()
    }
}

/// A minimum lift of zero or more (infinite: no association counts); NaN and negatives are
/// refused (see [`ExpansionError::InvalidMinLift`]).
pub(super) fn check_min_lift(min_lift: f64) -> Result<(), ExpansionError> {
    if min_lift >= 0.0 {
        Ok(())
    } else {
        Err(ExpansionError::InvalidMinLift(min_lift))
    }
}
