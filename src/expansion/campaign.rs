//! Campaigns: an offer to a set of accounts, with a holdout group to measure lift against.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rust_decimal::Decimal;

use super::ExpansionError;
use crate::money::{Currency, Money, MoneyError};

/// A campaign and its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Campaign {
    /// Name.
    pub name: String,
    /// The offer.
    pub offer: String,
    /// Accounts that get the offer.
    pub treated: Vec<String>,
    /// Accounts held out.
    pub holdout: Vec<String>,
}

/// What a campaign achieved.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CampaignResults {
    /// Treated accounts.
    pub treated: usize,
    /// Held-out accounts.
    pub holdout: usize,
    /// Treated accounts that expanded.
    pub treated_won: usize,
    /// Held-out accounts that expanded anyway.
    pub holdout_won: usize,
    /// Won ARR from treated accounts.
    pub treated_arr: Money,
    /// Won ARR from held-out accounts.
    pub holdout_arr: Money,
    /// Treated conversion ÷ holdout conversion − 1: `None` when either rate is undefined or
    /// the holdout's is zero (no treated accounts, no held-out accounts, or a holdout that never
    /// converted).
    pub conversion_lift: Option<f64>,
    /// Treated ARR minus what the treated would have won at the holdout's ARR per account,
    /// rounded to the minor unit: `None` without a holdout (no control group to compare
    /// against), zero with no treated accounts.
    pub incremental_arr: Option<Money>,
}

impl Campaign {
    /// Split accounts into treated and holdout, deterministically for a seed: of the `n`
    /// distinct accounts, `round(n × holdout_share)` are held out, but at most `n − 1`, so that
    /// someone gets the offer whenever there is an account (0.96 of 10 holds out 9, not 10).
    /// The product is exact, with the share read as the shortest decimal that is this `f64`
    /// (0.58 is 58 hundredths, not 0.57999999999999996…), and an exact half rounds up: 0.58 of
    /// 25 (14.5) holds out 15, 0.35 of 10 (3.5) holds out 4.
    ///
    /// ```
    /// use revops::expansion::Campaign;
    ///
    /// let accounts: Vec<String> = (0..10).map(|i| format!("acct-{i}")).collect();
    /// let c = Campaign::assign("Q3 seats", "10% off 20 more seats", &accounts, 0.2, 7)?;
    /// assert_eq!((c.treated.len(), c.holdout.len()), (8, 2));
    /// // the same seed splits the same way: a campaign can be re-read later
    /// assert_eq!(Campaign::assign("Q3 seats", "10% off 20 more seats", &accounts, 0.2, 7)?, c);
    /// assert!(Campaign::assign("x", "y", &accounts, 1.0, 7).is_err()); // nobody would get the offer
    /// let most = Campaign::assign("x", "y", &accounts, 0.96, 7)?; // round(9.6) is 10: capped at 9
    /// assert_eq!((most.treated.len(), most.holdout.len()), (1, 9));
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExpansionError::InvalidInput`] for a holdout share outside `[0, 1)` (or NaN): a share of
    /// 1 or more would hold out everybody.
    pub fn assign(
        name: &str,
        offer: &str,
        accounts: &[String],
        holdout_share: f64,
        seed: u64,
    ) -> Result<Campaign, ExpansionError> {
        if !(0.0..1.0).contains(&holdout_share) {
            return Err(ExpansionError::InvalidInput(format!("holdout share {holdout_share} must be in [0, 1)")));
        }
        let mut shuffled = accounts.to_vec();
        shuffled.sort();
        shuffled.dedup();
        shuffled.shuffle(&mut StdRng::seed_from_u64(seed));
        // round(n × share) held out, but never every account: someone must get the offer
        let k = held_out(shuffled.len(), holdout_share).min(shuffled.len().saturating_sub(1));
        let holdout = shuffled.split_off(shuffled.len() - k);
        Ok(Campaign { name: name.into(), offer: offer.into(), treated: shuffled, holdout })
    }

    /// Results given the ARR each account won during the campaign (accounts not listed won
    /// nothing). Each group counts its distinct accounts: an account listed twice in a group is
    /// one account, counted and summed once. A group with no accounts has no rate: with no
    /// treated accounts the conversion lift is `None`; with no holdout both the conversion lift
    /// and the incremental ARR are `None` (there is no control group).
    ///
    /// ```
    /// use revops::expansion::Campaign;
    /// use revops::{Currency, Money};
    ///
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let c = Campaign {
    ///     name: "Q3 seats".into(),
    ///     offer: "10% off 20 more seats".into(),
    ///     treated: vec!["a".into(), "b".into(), "c".into(), "d".into()],
    ///     holdout: vec!["e".into(), "f".into()],
    /// };
    /// let won = [("a".to_string(), usd("5000")), ("b".to_string(), usd("3000")), ("e".to_string(), usd("1000"))];
    /// let r = c.results(&won, Currency::USD)?;
    /// assert_eq!((r.treated_won, r.holdout_won), (2, 1));
    /// assert_eq!(r.conversion_lift, Some(0.0)); // half converted in each group
    /// // treated won $8,000; at the holdout's $500 per account they would have won $2,000
    /// assert_eq!(r.incremental_arr, Some(usd("6000")));
    /// // with nobody held out there is nothing to compare against
    /// let no_holdout = Campaign { holdout: vec![], ..c };
    /// let r = no_holdout.results(&won, Currency::USD)?;
    /// assert_eq!((r.conversion_lift, r.incremental_arr), (None, None));
    /// # Ok::<(), revops::expansion::ExpansionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ExpansionError::InvalidInput`] for an account in both groups (it cannot both get the
    /// offer and be held out) or a negative won ARR (an amount won is zero or more); a money error for won ARR in another currency or totals too
    /// large for a `Decimal`.
    pub fn results(&self, won: &[(String, Money)], currency: Currency) -> Result<CampaignResults, ExpansionError> {
        let distinct = |group: &[String]| -> Vec<String> {
            let mut v = group.to_vec();
            v.sort();
            v.dedup();
            v
        };
        let (treated, holdout) = (distinct(&self.treated), distinct(&self.holdout));
        if let Some(both) = treated.iter().find(|a| holdout.binary_search(a).is_ok()) {
            return Err(ExpansionError::InvalidInput(format!(
                "account {both:?} is both treated and held out: a campaign's groups must not overlap"
            )));
        }
        // won ARR is an amount won: a negative one would take a group's total below what it won
        if let Some((a, m)) = won.iter().find(|(_, m)| m.is_negative()) {
            return Err(ExpansionError::InvalidInput(format!(
                "account {a:?} won {m}: won ARR is an amount won, zero or more"
            )));
        }
        let sum = |group: &[String]| -> Result<(usize, Money), ExpansionError> {
            let mut n = 0;
            let mut total = Money::zero(currency);
            for a in group {
                let arr = Money::sum(currency, won.iter().filter(|(id, _)| id == a).map(|(_, m)| *m))?;
                if arr.amount() > Decimal::ZERO {
                    n += 1;
                }
                total = total.checked_add(arr)?;
            }
            Ok((n, total))
        };
        let (tw, ta) = sum(&treated)?;
        let (hw, ha) = sum(&holdout)?;
        let (t, h) = (treated.len(), holdout.len());
        // a rate needs accounts to divide by, a lift a holdout that converted
        let conversion_lift = (t > 0 && h > 0 && hw > 0).then(|| (tw as f64 / t as f64) / (hw as f64 / h as f64) - 1.0);
        // without a control group there is no baseline to be incremental over
        let incremental_arr = if h == 0 {
            None
        } else {
            // (treated ARR × h − holdout ARR × t) ÷ h: exact until the one division, rounded
            // there once (dividing the holdout's ARR first rounded it at 28 places, then again)
            let (t, h) = (Decimal::from(t as u64), Decimal::from(h as u64));
            let numerator = ta.checked_mul(h)?.checked_sub(ha.checked_mul(t)?)?;
            Some(numerator.div_round(h).ok_or(MoneyError::Overflow("incremental ARR"))?)
        };
        Ok(CampaignResults {
            treated: t,
            holdout: h,
            treated_won: tw,
            holdout_won: hw,
            treated_arr: ta,
            holdout_arr: ha,
            conversion_lift,
            incremental_arr,
        })
    }
}

/// `round(n × share)` for a share in `[0, 1)`, exactly: the share read as the shortest text that
/// reads back as the same `f64`, halves rounded up (away from zero).
fn held_out(n: usize, share: f64) -> usize {
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    use rust_decimal::RoundingStrategy;
    crate::money::exact::decimal_as_written(share)
        .and_then(|s| Decimal::from_usize(n).and_then(|n| n.checked_mul(s)))
        .map(|k| k.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
        .and_then(|k| k.to_usize())
        // no Decimal holds n × share (n beyond 7.9e28): the f64 product is as close as it gets
        .unwrap_or_else(|| (n as f64 * share).round() as usize)
}
