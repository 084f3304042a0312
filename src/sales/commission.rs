use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::SalesError;
use crate::calendar::Period;
use crate::money::Money;

/// A commission rate band by attainment: from `from_attainment` up (to the next band), pay
/// `base rate × multiplier` on the bookings in the band. Multipliers below 1 decelerate, above
/// 1 accelerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RateTier {
    /// Attainment where the band starts (0, 0.5, 1.0…).
    pub from_attainment: Decimal,
    /// Multiplier on the base rate.
    pub multiplier: Decimal,
}

/// A SPIF: a bonus for each won deal of a product.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Spif {
    /// Name.
    pub name: String,
    /// Product it rewards.
    pub product: String,
    /// Bonus per deal (split with the deal's credit).
    pub bonus: Money,
}

/// A commission plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CommissionPlan {
    /// Base rate on bookings (0.10 = 10%).
    pub base_rate: Decimal,
    /// Bands, from 0 up.
    pub tiers: Vec<RateTier>,
    /// Cap on the period's commission (SPIFs and clawbacks aside).
    pub cap: Option<Money>,
    /// SPIFs.
    pub spifs: Vec<Spif>,
    /// Commission is clawed back on deals that churn within this many days of closing.
    pub clawback_days: i64,
}

/// A won deal with its credit split.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CreditedDeal {
    /// Deal id.
    pub id: String,
    /// Product.
    pub product: String,
    /// Amount.
    pub amount: Money,
    /// Close date.
    pub closed: NaiveDate,
    /// `(rep, share)`; shares sum to exactly 1.
    pub splits: Vec<(String, Decimal)>,
}

/// Commission paid on a deal that later churned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClawbackEvent {
    /// Deal id.
    pub deal: String,
    /// Rep.
    pub rep: String,
    /// When the deal closed.
    pub closed: NaiveDate,
    /// When it churned.
    pub churned: NaiveDate,
    /// Commission paid on it.
    pub paid: Money,
}

/// What a statement line is for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LineKind {
    /// Commission in one attainment band.
    Band {
        /// Band start.
        from_attainment: Decimal,
        /// Multiplier.
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
pub struct StatementLine {
    /// What for.
    pub kind: LineKind,
    /// Bookings the line is computed on (zero for SPIFs, cap and clawbacks).
    pub basis: Money,
    /// Amount, rounded.
    pub amount: Money,
}

/// A rep's commission statement for a period: `total = Σ lines`, to the cent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Statement {
    /// Rep.
    pub rep: String,
    /// Period.
    pub period: Period,
    /// Credited bookings.
    pub credited: Money,
    /// Attainment (`None` for a zero quota).
    pub attainment: Option<Decimal>,
    /// Lines.
    pub lines: Vec<StatementLine>,
    /// Total payable.
    pub total: Money,
}

impl CreditedDeal {
    /// The deal's amount split by credit shares, exactly (largest remainder).
    pub fn credit(&self) -> Result<Vec<(String, Money)>, SalesError> {
        let shares: Vec<Decimal> = self.splits.iter().map(|s| s.1).collect();
        if shares.iter().sum::<Decimal>() != Decimal::ONE || shares.iter().any(|s| *s < Decimal::ZERO) {
            return Err(SalesError::InvalidInput(format!(
                "credit shares of deal {} must be non-negative and sum to 1",
                self.id
            )));
        }
        let parts = self.amount.allocate(&shares)?;
        Ok(self.splits.iter().map(|s| s.0.clone()).zip(parts).collect())
    }
}

impl CommissionPlan {
    /// The statement for `rep` over `period` against `quota`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::calendar::Month;
    /// use revops::sales::{CommissionPlan, CreditedDeal, RateTier};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let usd = |s: &str| Money::parse(s, Currency::USD).unwrap();
    /// let plan = CommissionPlan {
    ///     base_rate: Decimal::new(10, 2),
    ///     tiers: vec![RateTier { from_attainment: Decimal::ZERO, multiplier: Decimal::ONE },
    ///                 RateTier { from_attainment: Decimal::ONE, multiplier: Decimal::TWO }],
    ///     cap: None, spifs: vec![], clawback_days: 90,
    /// };
    /// let q1 = Month::new(2026, 1)?.period();
    /// let deal = CreditedDeal { id: "d".into(), product: "p".into(), amount: usd("150000"), closed: NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(), splits: vec![("ann".into(), Decimal::ONE)] };
    /// let s = plan.statement("ann", q1, usd("100000"), &[deal], &[])?;
    /// assert_eq!(s.total, usd("20000")); // 100k × 10% + 50k × 20%
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn statement(
        &self,
        rep: &str,
        period: Period,
        quota: Money,
        deals: &[CreditedDeal],
        clawbacks: &[ClawbackEvent],
    ) -> Result<Statement, SalesError> {
        if self.tiers.is_empty()
            || self.tiers[0].from_attainment != Decimal::ZERO
            || self.tiers.windows(2).any(|w| w[1].from_attainment <= w[0].from_attainment)
        {
            return Err(SalesError::InvalidInput("rate bands must start at 0 and increase".into()));
        }
        let c = quota.currency();
        let mut credited = Money::zero(c);
        let mut lines = Vec::new();
        let mut spif_lines = Vec::new();
        for d in deals.iter().filter(|d| period.contains(d.closed)) {
            for (r, part) in d.credit()? {
                if r != rep {
                    continue;
                }
                credited = credited.checked_add(part)?;
                for s in self.spifs.iter().filter(|s| s.product == d.product) {
                    let share = d.splits.iter().find(|x| x.0 == rep).map_or(Decimal::ZERO, |x| x.1);
                    spif_lines.push(StatementLine {
                        kind: LineKind::Spif { name: s.name.clone(), deal: d.id.clone() },
                        basis: Money::zero(c),
                        amount: s.bonus.checked_mul(share)?.round(),
                    });
                }
            }
        }
        let attainment = if quota.is_zero() { None } else { Some(credited.ratio(quota)?) };
        // each band's slice of the bookings, at its rate
        let mut commission = Money::zero(c);
        for (i, t) in self.tiers.iter().enumerate() {
            let lo = quota.checked_mul(t.from_attainment)?;
            let hi = match self.tiers.get(i + 1) {
                Some(next) => quota.checked_mul(next.from_attainment)?,
                None => credited,
            };
            let top = if hi.amount() < credited.amount() { hi } else { credited };
            if top.amount() <= lo.amount() {
                continue;
            }
            let basis = top.checked_sub(lo)?;
            let rate = self.base_rate.checked_mul(t.multiplier).ok_or_else(|| {
                SalesError::InvalidInput(format!("rate {} × {} overflows", self.base_rate, t.multiplier))
            })?;
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
                amount: -cb.paid.round(),
            });
        }
        let total = Money::sum(c, lines.iter().map(|l| l.amount))?;
        Ok(Statement { rep: rep.to_string(), period, credited, attainment, lines, total })
    }
}
