use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::SalesError;
use crate::calendar::Period;
use crate::money::{checked_sum, Currency, Money, MoneyError, Percent};

/// A commission rate band by attainment: from `from_attainment` up (to the next band), pay
/// `base rate × multiplier` on the bookings in the band. Multipliers below 1 decelerate, above
/// 1 accelerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RateTier {
    /// Attainment where the band starts (0%, 50%, 100%…).
    pub from_attainment: Percent,
    /// Multiplier on the base rate (not negative).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub multiplier: Decimal,
}

/// A SPIF: a bonus for each won deal of a product.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Spif {
    /// Name.
    pub name: String,
    /// Product it rewards.
    pub product: String,
    /// Bonus per deal, split between the deal's reps exactly as its credit is (largest
    /// remainder), so their SPIF lines add back to the bonus. Not negative, and to the
    /// currency's minor unit (a plan with a finer bonus is refused).
    pub bonus: Money,
}

/// A commission plan.
///
/// Read from JSON it is checked as [`CommissionPlan::statement`] checks it (bands from 0% up
/// and increasing, a base rate of 0%–100%, no negative multiplier, a cap and SPIF bonuses
/// neither negative nor finer than their minor unit and in one currency, a clawback window that
/// is not negative), so a plan that could not pay is refused when it is read, saying why
/// ([`SalesError::InvalidPlan`], or a money error for a cap and SPIFs in two currencies). Only
/// the quota's currency is left to the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CommissionPlanRepr"))]
pub struct CommissionPlan {
    /// Base rate on bookings, between 0% and 100%.
    pub base_rate: Percent,
    /// Bands, from 0% up, increasing.
    pub tiers: Vec<RateTier>,
    /// Cap on the period's commission (SPIFs and clawbacks aside), not negative, in the
    /// quota's currency and with no digits below its minor unit.
    pub cap: Option<Money>,
    /// SPIFs.
    pub spifs: Vec<Spif>,
    /// Commission is clawed back on deals that churn within this many days of closing (not
    /// negative).
    pub clawback_days: i64,
}

/// A won deal with its credit split.
///
/// Read from JSON it is checked as [`CreditedDeal::credit`] checks it (an amount neither
/// negative nor finer than its minor unit, each rep once, shares of 0%–100% summing to exactly
/// 100%), so a deal that could not be credited is refused when it is read, naming it. That an id
/// is given once is a property of a statement's deals, checked there.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "CreditedDealRepr"))]
pub struct CreditedDeal {
    /// Deal id, once in a statement's deals (a re-delivered export must not be paid twice): a
    /// deal of several products is a line per product, each with an id of its own
    /// (`006A-1`, `006A-2`).
    pub id: String,
    /// Product.
    pub product: String,
    /// Amount (not negative, and to the currency's minor unit).
    pub amount: Money,
    /// Close date.
    pub closed: NaiveDate,
    /// `(rep, share)`; each rep once, each share 0%–100%, summing to exactly 100%.
    pub splits: Vec<(String, Percent)>,
}

deserialize_via!(
    CommissionPlan,
    CommissionPlanRepr {
        base_rate: Percent,
        tiers: Vec<RateTier>,
        cap: Option<Money>,
        spifs: Vec<Spif>,
        clawback_days: i64,
    },
    SalesError,
    |r| {
        let CommissionPlanRepr { base_rate, tiers, cap, spifs, clawback_days } = r;
        let plan = CommissionPlan { base_rate, tiers, cap, spifs, clawback_days };
        plan.check_rules()?;
        Ok(plan)
    }
);

deserialize_via!(
    CreditedDeal,
    CreditedDealRepr { id: String, product: String, amount: Money, closed: NaiveDate, splits: Vec<(String, Percent)> },
    SalesError,
    |r| {
        let CreditedDealRepr { id, product, amount, closed, splits } = r;
        let deal = CreditedDeal { id, product, amount, closed, splits };
        deal.shares()?;
        Ok(deal)
    }
);

/// Commission paid on a deal that later churned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ClawbackEvent {
    /// Deal id.
    pub deal: String,
    /// Rep.
    pub rep: String,
    /// When the deal closed.
    pub closed: NaiveDate,
    /// When it churned (not before it closed).
    pub churned: NaiveDate,
    /// Commission paid on it (not negative, and to the currency's minor unit): deducted as is.
    pub paid: Money,
}

/// What a statement line is for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum LineKind {
    /// Commission in one attainment band.
    Band {
        /// Band start.
        from_attainment: Percent,
        /// Multiplier.
        #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
        multiplier: Decimal,
    },
    /// Reduction to the cap.
    Cap,
    /// A SPIF on a deal.
    Spif {
        /// SPIF name.
        name: String,
        /// Deal.
        deal: String,
    },
    /// A clawback.
    Clawback {
        /// Deal.
        deal: String,
    },
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StatementLine {
    /// What for.
    pub kind: LineKind,
    /// Bookings the line is computed on (zero for SPIFs, cap and clawbacks).
    pub basis: Money,
    /// Amount, rounded.
    pub amount: Money,
}

/// A rep's commission statement for a period: `total = Σ lines`, to the cent. Read from JSON it
/// is checked: lines in the statement's currency (amount and basis), amounts to its minor unit,
/// and a total that ties to them ([`SalesError::StatementDoesNotTie`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "StatementRepr"))]
pub struct Statement {
    /// Rep.
    pub rep: String,
    /// Period.
    pub period: Period,
    /// Credited bookings.
    pub credited: Money,
    /// Attainment (`None` for a zero quota, whose bookings are paid at the base rate).
    pub attainment: Option<Percent>,
    /// Lines.
    pub lines: Vec<StatementLine>,
    /// Total payable.
    pub total: Money,
}

deserialize_via!(
    Statement,
    StatementRepr {
        rep: String,
        period: Period,
        credited: Money,
        attainment: Option<Percent>,
        lines: Vec<StatementLine>,
        total: Money,
    },
    SalesError,
    |r| {
        let c = r.credited.currency();
        if let Some(l) = r.lines.iter().find(|l| l.amount.currency() == c && !l.amount.is_rounded()) {
            let (amount, currency, minor_units) = (l.amount.amount(), c, c.minor_units());
            return Err(MoneyError::SubMinorUnit { amount, currency, minor_units }.into());
        }
        // a line is its basis as much as its amount (the amounts' currency the sum checks)
        if let Some(l) = r.lines.iter().find(|l| l.basis.currency() != c) {
            let (left, right) = (l.basis.currency(), c);
            return Err(MoneyError::CurrencyMismatch { op: "statement line's basis", left, right }.into());
        }
        let lines = Money::sum(c, r.lines.iter().map(|l| l.amount))?;
        if r.total != lines || r.total.currency() != c {
            return Err(SalesError::StatementDoesNotTie { rep: r.rep, stated: r.total, lines });
        }
        let StatementRepr { rep, period, credited, attainment, lines, total } = r;
        Ok(Statement { rep, period, credited, attainment, lines, total })
    }
);

impl CreditedDeal {
    /// The deal's amount split by credit shares, exactly (largest remainder).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::sales::CreditedDeal;
    /// use revops::{Currency, Money};
    /// let deal = |splits: &[(&str, &str)]| CreditedDeal { id: "d-1".into(), product: "p".into(),
    ///     amount: Money::parse("100.01", Currency::USD).unwrap(), closed: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
    ///     splits: splits.iter().map(|(r, s)| (r.to_string(), s.parse().unwrap())).collect() };
    /// let credit = deal(&[("ann", "50%"), ("bob", "50%")]).credit()?;
    /// assert_eq!(credit[0].1.checked_add(credit[1].1)?, Money::parse("100.01", Currency::USD)?);
    /// assert!(deal(&[("ann", "50%"), ("bob", "40%")]).credit().is_err()); // 90% is not all of it
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SalesError::InvalidDeal`] for a negative amount or one with digits below its currency's
    /// minor unit (its parts could not add back to it); [`SalesError::RepeatedSplit`] when
    /// the splits name a rep more than once; [`SalesError::SplitShares`] when a share is outside
    /// 0%–100% or the shares do not sum to exactly 100%; a money error when the amount cannot be
    /// allocated.
    pub fn credit(&self) -> Result<Vec<(String, Money)>, SalesError> {
        self.split(self.amount)
    }

    /// `total` split by the credit shares, exactly (largest remainder), in split order: the one
    /// split of both the deal's credit and its SPIFs, so that each adds back to what was split.
    fn split(&self, total: Money) -> Result<Vec<(String, Money)>, SalesError> {
        let parts = total.allocate(&self.shares()?)?;
        Ok(self.splits.iter().map(|s| s.0.clone()).zip(parts).collect())
    }

    /// The split shares as fractions, of a deal checked to have an amount that is not negative,
    /// each rep once, and shares of 0%–100% each and 100% together.
    fn shares(&self) -> Result<Vec<Decimal>, SalesError> {
        if self.amount.is_negative() {
            let problem = "has a negative amount; a won deal's amount must not be negative";
            return Err(SalesError::InvalidDeal { deal: self.id.clone(), problem });
        }
        if !self.amount.is_rounded() {
            // cents cannot add back to an amount finer than a cent: it would be rounded first
            let problem = "has digits below its currency's minor unit, so its credit cannot add back to it";
            return Err(SalesError::InvalidDeal { deal: self.id.clone(), problem });
        }
        // a rep named twice would hold two shares, and which one is theirs is unclear
        let mut reps = std::collections::HashSet::new();
        if let Some((rep, _)) = self.splits.iter().find(|(rep, _)| !reps.insert(rep.as_str())) {
            return Err(SalesError::RepeatedSplit { deal: self.id.clone(), rep: rep.clone() });
        }
        let bad = || SalesError::SplitShares { deal: self.id.clone() };
        if self.splits.iter().any(|(_, share)| share.check_unit("credit share").is_err()) {
            return Err(bad());
        }
        let shares: Vec<Decimal> = self.splits.iter().map(|(_, share)| share.fraction()).collect();
        if checked_sum(shares.iter().copied()).map_err(|_| bad())? != Decimal::ONE {
            return Err(bad());
        }
        Ok(shares)
    }
}

impl CommissionPlan {
    /// The statement for `rep` over `period` against `quota`.
    ///
    /// Each band pays `base rate × multiplier` on the bookings between its attainment and the
    /// next band's. A zero quota (a rep without one, a ramp month at 0%) leaves attainment, and
    /// so the band, undefined: every booking is paid at the plan's base rate (multiplier 1), in
    /// one `Band { from_attainment: 0%, multiplier: 1 }` line, neither accelerated nor
    /// decelerated; the cap, SPIFs and clawbacks apply as usual.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::Month;
    /// use revops::sales::{CommissionPlan, CreditedDeal, RateTier};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// use revops::money::Percent;
    /// let plan = CommissionPlan {
    ///     base_rate: "10%".parse()?,
    ///     tiers: vec![RateTier { from_attainment: Percent::ZERO, multiplier: Decimal::ONE },
    ///                 RateTier { from_attainment: Percent::HUNDRED, multiplier: Decimal::TWO }],
    ///     cap: None, spifs: vec![], clawback_days: 90,
    /// };
    /// let q1 = Month::new(2026, 1)?.period();
    /// let deal = CreditedDeal { id: "d".into(), product: "p".into(), amount: usd("150000"), closed: NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(), splits: vec![("ann".into(), Percent::HUNDRED)] };
    /// let s = plan.statement("ann", q1, usd("100000"), std::slice::from_ref(&deal), &[])?;
    /// assert_eq!(s.total, usd("20000")); // 100k × 10% + 50k × 20%
    /// assert_eq!(s.attainment, Some("150%".parse()?));
    /// // no quota: attainment is undefined and the $150,000 is paid at the 10% base rate
    /// let none = plan.statement("ann", q1, usd("0"), std::slice::from_ref(&deal), &[])?;
    /// assert_eq!((none.attainment, none.total), (None, usd("15000")));
    /// // a negative quota is refused, naming the rep
    /// assert!(plan.statement("ann", q1, usd("-100000"), &[deal], &[]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A SPIF is split between a deal's reps exactly as its credit is (largest remainder, see
    /// [`CreditedDeal::credit`]), so the reps' SPIF lines add back to the bonus. Every deal and
    /// clawback given is checked, whatever its rep and date, so that the same input is refused
    /// for every rep rather than paid to some.
    ///
    /// # Errors
    ///
    /// [`SalesError::InvalidPlan`] for bands that do not start at 0% and increase, a base rate
    /// outside 0%–100%, a negative multiplier, a cap or SPIF bonus that is negative or has
    /// digits below its currency's minor unit, or a negative clawback window; [`SalesError::NegativeQuota`];
    /// for a deal, [`SalesError::InvalidDeal`] (a negative amount or one finer than its minor
    /// unit, or an id given more than once), [`SalesError::RepeatedSplit`] (a rep named twice in its splits) or
    /// [`SalesError::SplitShares`] (shares that are wrong); [`SalesError::InvalidClawback`] for a
    /// clawback that churned before it closed, has a commission paid that is negative or finer
    /// than its minor unit, or repeats the deal and rep of another; a money error for a deal,
    /// clawback, cap or SPIF bonus in another currency than the quota (whoever's and whenever it
    /// is) or amounts too large for a `Decimal`.
    pub fn statement(
        &self,
        rep: &str,
        period: Period,
        quota: Money,
        deals: &[CreditedDeal],
        clawbacks: &[ClawbackEvent],
    ) -> Result<Statement, SalesError> {
        self.check(quota)?;
        if quota.is_negative() {
            return Err(SalesError::NegativeQuota { rep: rep.to_string(), quota });
        }
        let c = quota.currency();
        check_input(c, deals, clawbacks)?;
        let mut credited = Money::zero(c);
        let mut lines = Vec::new();
        let mut spif_lines = Vec::new();
        for d in deals.iter().filter(|d| period.contains(d.closed)) {
            // each rep is named once (checked), so this is the rep's one part of every split
            let Some(i) = d.splits.iter().position(|s| s.0 == rep) else { continue };
            credited = credited.checked_add(d.credit()?[i].1)?;
            for s in self.spifs.iter().filter(|s| s.product == d.product) {
                spif_lines.push(StatementLine {
                    kind: LineKind::Spif { name: s.name.clone(), deal: d.id.clone() },
                    basis: Money::zero(c),
                    amount: d.split(s.bonus)?[i].1,
                });
            }
        }
        let attainment = if quota.is_zero() { None } else { Some(Percent::ratio(credited, quota)?) };
        // each band's slice of the bookings, at its rate; without a quota attainment is
        // undefined and no band applies, so everything is paid at the base rate
        let mut commission = Money::zero(c);
        if quota.is_zero() && credited.amount() > Decimal::ZERO {
            let amount = credited.checked_mul(self.base_rate.fraction())?.round();
            commission = amount;
            lines.push(StatementLine {
                kind: LineKind::Band { from_attainment: Percent::ZERO, multiplier: Decimal::ONE },
                basis: credited,
                amount,
            });
        }
        for (i, t) in self.tiers.iter().enumerate().filter(|_| !quota.is_zero()) {
            let lo = t.from_attainment.of(quota)?;
            let hi = match self.tiers.get(i + 1) {
                Some(next) => next.from_attainment.of(quota)?,
                None => credited,
            };
            let top = if hi.amount() < credited.amount() { hi } else { credited };
            if top.amount() <= lo.amount() {
                continue;
            }
            let basis = top.checked_sub(lo)?;
            // base rate ≤ 100%, so this overflows only with a multiplier near Decimal::MAX
            let rate = self.base_rate.fraction().checked_mul(t.multiplier).ok_or(MoneyError::Overflow("band rate"))?;
            let amount = basis.checked_mul(rate)?.round();
            commission = commission.checked_add(amount)?;
            lines.push(StatementLine {
                kind: LineKind::Band { from_attainment: t.from_attainment, multiplier: t.multiplier },
                basis,
                amount,
            });
        }
        if let Some(cap) = self.cap {
            if commission.amount() > cap.amount() {
                lines.push(StatementLine {
                    kind: LineKind::Cap,
                    basis: Money::zero(c),
                    amount: cap.checked_sub(commission)?,
                });
            }
        }
        lines.extend(spif_lines);
        for cb in clawbacks.iter().filter(|cb| {
            cb.rep == rep && period.contains(cb.churned) && (cb.churned - cb.closed).num_days() <= self.clawback_days
        }) {
            lines.push(StatementLine {
                kind: LineKind::Clawback { deal: cb.deal.clone() },
                basis: Money::zero(c),
                amount: -cb.paid.round(), // already to the minor unit (checked): only its scale
            });
        }
        let total = Money::sum(c, lines.iter().map(|l| l.amount))?;
        Ok(Statement { rep: rep.to_string(), period, credited, attainment, lines, total })
    }

    /// The plan's own rules: bands from 0% up, a base rate of 0%–100%, no negative multiplier,
    /// a cap that is not negative, in the quota's currency and to its minor unit (a finer cap
    /// would leave an unrounded Cap line and total), SPIF bonuses neither negative nor finer than
    /// their minor unit, and a clawback window that is not negative.
    fn check(&self, quota: Money) -> Result<(), SalesError> {
        self.check_rules()?;
        if let Some(cap) = self.cap.filter(|cap| cap.currency() != quota.currency()) {
            let (left, right) = (cap.currency(), quota.currency());
            return Err(MoneyError::CurrencyMismatch { op: "commission cap", left, right }.into());
        }
        if let Some(s) = self.spifs.iter().find(|s| s.bonus.currency() != quota.currency()) {
            let (left, right) = (s.bonus.currency(), quota.currency());
            return Err(MoneyError::CurrencyMismatch { op: "SPIF bonus", left, right }.into());
        }
        Ok(())
    }

    /// The rules of [`Self::check`] that need no quota (all of them but the quota's currency),
    /// which a plan read from JSON is held to: bands, base rate, multipliers, a cap and SPIF
    /// bonuses neither negative nor finer than their minor unit and in one currency, and the
    /// clawback window.
    fn check_rules(&self) -> Result<(), SalesError> {
        let starts_at_zero = self.tiers.first().is_some_and(|t| t.from_attainment == Percent::ZERO);
        if !starts_at_zero || self.tiers.windows(2).any(|w| w[1].from_attainment <= w[0].from_attainment) {
            return Err(SalesError::InvalidPlan("rate bands must start at 0% and increase"));
        }
        if self.base_rate.check_unit("base rate").is_err() {
            return Err(SalesError::InvalidPlan("the base rate must be between 0% and 100%"));
        }
        if self.tiers.iter().any(|t| t.multiplier.is_sign_negative() && !t.multiplier.is_zero()) {
            return Err(SalesError::InvalidPlan("a band multiplier must not be negative"));
        }
        if let Some(cap) = self.cap {
            if cap.is_negative() {
                return Err(SalesError::InvalidPlan("the cap must not be negative"));
            }
            if !cap.is_rounded() {
                return Err(SalesError::InvalidPlan("the cap must have no digits below its currency's minor unit"));
            }
        }
        // the cap and the bonuses are paid in one currency (the quota's, checked by a statement)
        let mut prices = self.cap.iter().chain(self.spifs.iter().map(|s| &s.bonus)).map(|m| m.currency());
        if let Some(first) = prices.next() {
            if let Some(other) = prices.find(|&o| o != first) {
                return Err(MoneyError::CurrencyMismatch {
                    op: "SPIF bonus against the plan's cap or other SPIFs",
                    left: other,
                    right: first,
                }
                .into());
            }
        }
        if self.spifs.iter().any(|s| s.bonus.is_negative() || !s.bonus.is_rounded()) {
            return Err(SalesError::InvalidPlan(
                "a SPIF bonus must not be negative nor have digits below its currency's minor unit",
            ));
        }
        if self.clawback_days < 0 {
            return Err(SalesError::InvalidPlan("the clawback window (clawback_days) must not be negative"));
        }
        Ok(())
    }
}

/// Deals and clawbacks a statement can pay: each deal in the quota's currency `c`, checked (see
/// `CreditedDeal::shares`) and given once, each clawback in `c`, after its close, of a
/// commission paid that is not negative and to the minor unit, and given once for its deal and rep (a re-delivered
/// export must not be paid or deducted twice).
fn check_input(c: Currency, deals: &[CreditedDeal], clawbacks: &[ClawbackEvent]) -> Result<(), SalesError> {
    let mut ids = std::collections::HashSet::new();
    for d in deals {
        if d.amount.currency() != c {
            let (left, right) = (d.amount.currency(), c);
            return Err(MoneyError::CurrencyMismatch { op: "credited deal against the quota", left, right }.into());
        }
        d.shares()?;
        if !ids.insert(d.id.as_str()) {
            let problem = "is given more than once; a deal id names one deal";
            return Err(SalesError::InvalidDeal { deal: d.id.clone(), problem });
        }
    }
    let mut seen = std::collections::HashSet::new();
    for cb in clawbacks {
        if cb.paid.currency() != c {
            let (left, right) = (cb.paid.currency(), c);
            return Err(MoneyError::CurrencyMismatch { op: "clawback against the quota", left, right }.into());
        }
        let problem = if cb.churned < cb.closed {
            "it churned before it closed"
        } else if cb.paid.is_negative() {
            "the commission paid is negative, which would make the clawback a payment"
        } else if !cb.paid.is_rounded() {
            "the commission paid has digits below its currency's minor unit; it is deducted as paid"
        } else if !seen.insert((cb.deal.as_str(), cb.rep.as_str())) {
            "it is given more than once; a rep's commission on a deal is clawed back once"
        } else {
            continue;
        };
        return Err(SalesError::InvalidClawback { deal: cb.deal.clone(), rep: cb.rep.clone(), problem });
    }
    Ok(())
}
