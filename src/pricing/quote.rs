//! Quotes: lines priced from the price book, a price waterfall per line (list → schedule
//! discount → additional discount → partner discount → net), approvals, and the margin guard.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::model::overflow;
use super::{CostModel, PriceBook, PricingError};
use crate::money::{Currency, Money, MoneyError};
use crate::rules::Condition;

/// Range: the whole quantity gets the discount of the bracket it reaches. Slab: each slice of the
/// quantity gets its own bracket's discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ScheduleKind {
    /// Whole quantity at one bracket.
    Range,
    /// Each slice at its bracket.
    Slab,
}

/// What a bracket's value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ScheduleValue {
    /// A fraction of list (0.1 = 10%).
    Percent,
    /// An amount off per unit, in the quote's currency.
    AmountPerUnit,
}

/// A volume discount schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DiscountSchedule {
    /// Range or slab.
    pub kind: ScheduleKind,
    /// Percent or amount.
    pub value: ScheduleValue,
    /// `(from quantity, value)`, increasing in quantity, the first from 0.
    pub brackets: Vec<(Decimal, Decimal)>,
}

impl DiscountSchedule {
    /// The discount on `list` for `quantity` (full precision).
    pub fn discount(&self, quantity: Decimal, list: Money) -> Result<Money, PricingError> {
        if self.brackets.is_empty()
            || self.brackets.windows(2).any(|w| w[1].0 <= w[0].0)
            || self.brackets[0].0 != Decimal::ZERO
        {
            return Err(PricingError::InvalidTiers("discount brackets must start at 0 and increase".into()));
        }
        let overflow = || PricingError::InvalidAmount(format!("discount schedule on quantity {quantity} overflows"));
        let rate_at =
            |q: Decimal| self.brackets.iter().rev().find(|(from, _)| q >= *from).map_or(Decimal::ZERO, |b| b.1);
        // Σ value × units over the slices (the whole quantity at one value for a range)
        let weighted = match self.kind {
            ScheduleKind::Range => rate_at(quantity).checked_mul(quantity).ok_or_else(overflow)?,
            ScheduleKind::Slab => {
                let mut w = Decimal::ZERO;
                for (i, (from, v)) in self.brackets.iter().enumerate() {
                    let to = self.brackets.get(i + 1).map_or(quantity, |b| b.0.min(quantity));
                    if to > *from {
                        w = v.checked_mul(to - from).and_then(|x| w.checked_add(x)).ok_or_else(overflow)?;
                    }
                }
                w
            }
        };
        match self.value {
            ScheduleValue::AmountPerUnit => Ok(Money::new(weighted, list.currency())),
            _ if quantity.is_zero() => Ok(Money::zero(list.currency())),
            // a percent of list, weighted by units: one division, at the end, keeps the
            // intermediate scale small
            ScheduleValue::Percent => {
                let off = list.checked_mul(weighted)?.checked_div(quantity)?;
                Ok(Money::new(off.amount().round_dp(INTERMEDIATE_DP), off.currency()))
            }
        }
    }
}

/// Decimal places carried by quote intermediates that come out of a division (a slab
/// schedule's weighted rate, a part-year price or cost). Eight places beyond any currency's minor unit:
/// a result differs from exact arithmetic only when the exact net sits within 10⁻¹⁰ of a
/// rounding midpoint, and every later step stays fast instead of carrying 28 digits.
pub const INTERMEDIATE_DP: u32 = 10;

/// A period of a ramped line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RampStep {
    /// Months at this quantity.
    pub months: u32,
    /// Quantity.
    pub quantity: Decimal,
}

/// A quote line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct QuoteLine {
    /// SKU in the price book.
    pub sku: String,
    /// Quantity (ignored when `ramp` is not empty).
    pub quantity: Decimal,
    /// Months (ignored when `ramp` is not empty); book prices are annual.
    pub months: u32,
    /// A ramp: consecutive periods at rising quantities.
    pub ramp: Vec<RampStep>,
    /// Volume discount schedule.
    pub schedule: Option<DiscountSchedule>,
    /// Additional discount as a fraction of what is left after the schedule.
    pub additional_discount: Decimal,
    /// Partner discount as a fraction of what is left after that.
    pub partner_discount: Decimal,
}

impl QuoteLine {
    /// The periods this line prices: its ramp, or one period of `months` at `quantity`.
    pub fn steps(&self) -> impl Iterator<Item = RampStep> + '_ {
        let single = self.ramp.is_empty().then_some(RampStep { months: self.months, quantity: self.quantity });
        single.into_iter().chain(self.ramp.iter().copied())
    }
}

/// A quote to price.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Quote {
    /// Currency.
    pub currency: Currency,
    /// Lines.
    pub lines: Vec<QuoteLine>,
    /// Contract term.
    pub term_months: u32,
    /// Payment terms in days.
    pub payment_terms_days: u32,
}

/// One step of a price waterfall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum StepKind {
    /// Volume schedule.
    Schedule,
    /// Additional (sales) discount.
    Additional,
    /// Partner discount.
    Partner,
}

/// A price waterfall: `list − Σ steps = net`, to the cent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Waterfall {
    /// List price, rounded.
    pub list: Money,
    /// Deductions in order (schedule, additional, partner): each the difference between the
    /// rounded subtotals before and after it, so they tie to the net exactly.
    pub steps: [(StepKind, Money); 3],
    /// Net price, rounded once from the exact (unrounded) waterfall.
    pub net: Money,
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PricedLine {
    /// SKU.
    pub sku: String,
    /// The waterfall.
    pub waterfall: Waterfall,
    /// Cost to serve, when a cost model was given.
    pub cost: Option<Money>,
}

/// Who must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ApprovalLevel {
    /// Nobody: auto-approved.
    Auto,
    /// Sales manager.
    Manager,
    /// Finance.
    Finance,
    /// The CFO.
    Cfo,
}

/// An approval rule over the quote's signals: `discount_pct` (0–100), `net_total`, `net_arr`,
/// `margin_pct` (when costs are known), `term_months`, `payment_terms_days`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ApprovalRule {
    /// Name (the reason shown).
    pub name: String,
    /// All must hold.
    pub when: Vec<Condition>,
    /// Level required.
    pub level: ApprovalLevel,
}

/// What happens below the margin floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum GuardAction {
    /// Refuse the quote.
    Refuse,
    /// Require at least this approval.
    Escalate(ApprovalLevel),
}

/// The approval policy and the margin guard.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ApprovalPolicy {
    /// Rules.
    pub rules: Vec<ApprovalRule>,
    /// Gross-margin floor in percent.
    pub margin_floor_pct: f64,
    /// What the guard does below the floor.
    pub below_floor: GuardAction,
}

impl ApprovalPolicy {
    /// The demo policy: manager above 10% discount, finance above 20% or beyond 36 months or net
    /// 60, CFO above 35%; a 42% gross-margin floor that escalates to the CFO.
    pub fn demo() -> ApprovalPolicy {
        use crate::rules::Comparison::*;
        let r = |name: &str, signal: &str, cmp, t, level| ApprovalRule {
            name: name.into(),
            when: vec![Condition::new(signal, cmp, t)],
            level,
        };
        ApprovalPolicy {
            rules: vec![
                r("discount above 10%", "discount_pct", Above, 10.0, ApprovalLevel::Manager),
                r("discount above 20%", "discount_pct", Above, 20.0, ApprovalLevel::Finance),
                r("discount above 35%", "discount_pct", Above, 35.0, ApprovalLevel::Cfo),
                r("term beyond 36 months", "term_months", Above, 36.0, ApprovalLevel::Finance),
                r("payment terms beyond net 60", "payment_terms_days", Above, 60.0, ApprovalLevel::Finance),
            ],
            margin_floor_pct: 42.0,
            below_floor: GuardAction::Escalate(ApprovalLevel::Cfo),
        }
    }
}

/// The approval a quote needs and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Approval {
    /// The highest level any rule requires.
    pub level: ApprovalLevel,
    /// The rules (and guard) that fired.
    pub reasons: Vec<String>,
}

/// A priced quote.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PricedQuote {
    /// Lines.
    pub lines: Vec<PricedLine>,
    /// Σ list.
    pub list_total: Money,
    /// Σ net.
    pub net_total: Money,
    /// Net annualised over the term.
    pub net_arr: Money,
    /// `1 − net ÷ list`, in percent.
    pub discount_pct: f64,
    /// Gross margin in percent, when costs are known.
    pub margin_pct: Option<f64>,
    /// Approval required.
    pub approval: Approval,
}

fn fraction(d: Decimal, what: &str) -> Result<Decimal, PricingError> {
    // sign test first: cheaper than a comparison across scales
    if (d.is_sign_negative() && !d.is_zero()) || d > Decimal::ONE {
        return Err(PricingError::InvalidAmount(format!("{what} {d} is outside [0, 1]")));
    }
    Ok(d)
}

fn price_line(line: &QuoteLine, book: &PriceBook, currency: Currency) -> Result<Waterfall, PricingError> {
    let price = book.price(&line.sku, currency)?;
    if let Some(listed) = price.model.currency().filter(|c| *c != currency) {
        // a price list filed under the wrong currency in the book
        return Err(MoneyError::CurrencyMismatch { op: "price", left: currency, right: listed }.into());
    }
    // Plain Decimal arithmetic from here on: every amount is in `currency`, checked above, and
    // only overflow can fail.
    let (mut list, mut schedule_off) = (Decimal::ZERO, Decimal::ZERO);
    for s in line.steps() {
        let part = for_months(price.charge(s.quantity)?.amount(), s.months)?;
        if let Some(schedule) = &line.schedule {
            let off = schedule.discount(s.quantity, Money::new(part, currency))?.amount();
            schedule_off = schedule_off.checked_add(off).ok_or_else(|| overflow("add"))?;
        }
        list = list.checked_add(part).ok_or_else(|| overflow("add"))?;
    }
    let additional = fraction(line.additional_discount, "additional discount")?;
    let partner = fraction(line.partner_discount, "partner discount")?;
    // list ≥ schedule_off ≥ 0 and the fractions are in [0, 1], so no subtraction below can
    // overflow: each result lies between zero and `list`
    if schedule_off > list {
        return Err(PricingError::InvalidAmount(format!("schedule discount exceeds list on {}", line.sku)));
    }
    let after_schedule = list - schedule_off;
    let additional_off = after_schedule.checked_mul(additional).ok_or_else(|| overflow("mul"))?;
    let after_additional = after_schedule - additional_off;
    let partner_off = after_additional.checked_mul(partner).ok_or_else(|| overflow("mul"))?;
    let net_exact = after_additional - partner_off;

    // Round each subtotal a customer sees (list, after schedule, after additional, net) once,
    // and let each step be the difference of its two rounded subtotals, as CPQ waterfalls show
    // them: the steps tie to the net by construction and no step absorbs another's rounding.
    let round = |d: Decimal| Money::new(d, currency).round();
    let subtotals = [round(list), round(after_schedule), round(after_additional), round(net_exact)];
    let step = |i: usize| subtotals[i].checked_sub(subtotals[i + 1]);
    let steps_r = [(StepKind::Schedule, step(0)?), (StepKind::Additional, step(1)?), (StepKind::Partner, step(2)?)];
    let (list_r, net_r) = (subtotals[0], subtotals[3]);
    Ok(Waterfall { list: list_r, steps: steps_r, net: net_r })
}

/// An annual amount for `months`: exact for whole years; a part year, which divides by 12, is
/// carried at [`INTERMEDIATE_DP`].
fn for_months(annual: Decimal, months: u32) -> Result<Decimal, PricingError> {
    Ok(match months {
        12 => annual,
        m if m % 12 == 0 => annual.checked_mul(Decimal::from(m / 12)).ok_or_else(|| overflow("mul"))?,
        m => annual
            .checked_mul(Decimal::from(m))
            .ok_or_else(|| overflow("mul"))?
            .checked_div(Decimal::from(12))
            .ok_or_else(|| overflow("div"))?
            .round_dp(INTERMEDIATE_DP),
    })
}

/// Cost to serve a line over its periods: each ramp period at its own quantity for its months,
/// so a cost model that is not linear in quantity is still priced right.
fn line_cost(line: &QuoteLine, model: &dyn CostModel, currency: Currency) -> Result<Money, PricingError> {
    let mut cost = Money::zero(currency);
    for s in line.steps() {
        let annual = model.annual_cost(&line.sku, s.quantity, currency)?;
        cost = cost.checked_add(Money::new(for_months(annual.amount(), s.months)?, currency))?;
    }
    Ok(cost.round())
}

impl Quote {
    /// Price every line, apply the approval policy and the margin guard.
    ///
    /// ```
    /// use revops::pricing::{ApprovalLevel, ApprovalPolicy, PriceBook, Quote, QuoteLine};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let line = QuoteLine { sku: "PLAN-PRO".into(), quantity: Decimal::ONE, months: 12, ramp: vec![], schedule: None,
    ///     additional_discount: Decimal::new(15, 2), partner_discount: Decimal::ZERO };
    /// let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: 12, payment_terms_days: 30 };
    /// let priced = quote.price(&PriceBook::demo(), &ApprovalPolicy::demo(), None)?;
    /// assert_eq!(priced.net_total, Money::parse("212500", Currency::USD)?); // $250K − 15%
    /// assert_eq!(priced.approval.level, ApprovalLevel::Manager);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn price(
        &self,
        book: &PriceBook,
        policy: &ApprovalPolicy,
        costs: Option<&dyn CostModel>,
    ) -> Result<PricedQuote, PricingError> {
        if self.lines.is_empty() || self.term_months == 0 {
            return Err(PricingError::InvalidAmount("a quote needs lines and a term".into()));
        }
        let c = self.currency;
        let mut lines = Vec::with_capacity(self.lines.len());
        let (mut list_total, mut net_total, mut cost_total) = (Money::zero(c), Money::zero(c), Some(Money::zero(c)));
        for line in &self.lines {
            let waterfall = price_line(line, book, c)?;
            let cost = costs.map(|m| line_cost(line, m, c)).transpose()?;
            list_total = list_total.checked_add(waterfall.list)?;
            net_total = net_total.checked_add(waterfall.net)?;
            cost_total = match (cost_total, cost) {
                (Some(t), Some(x)) => Some(t.checked_add(x)?),
                _ => None,
            };
            lines.push(PricedLine { sku: line.sku.clone(), waterfall, cost });
        }
        let net_arr = net_total.checked_mul(Decimal::from(12))?.checked_div(Decimal::from(self.term_months))?.round();
        let discount_pct = if list_total.is_zero() {
            0.0
        } else {
            (Decimal::ONE - net_total.amount() / list_total.amount()).to_f64().unwrap_or(0.0) * 100.0
        };
        let margin_pct = match cost_total {
            Some(cost) if !net_total.is_zero() => {
                Some(((net_total.amount() - cost.amount()) / net_total.amount()).to_f64().unwrap_or(0.0) * 100.0)
            }
            _ => None,
        };
        let approval = approve(policy, discount_pct, net_total, net_arr, margin_pct, self)?;
        Ok(PricedQuote { lines, list_total, net_total, net_arr, discount_pct, margin_pct, approval })
    }
}

fn approve(
    policy: &ApprovalPolicy,
    discount_pct: f64,
    net: Money,
    net_arr: Money,
    margin: Option<f64>,
    q: &Quote,
) -> Result<Approval, PricingError> {
    let lookup = |name: &str| match name {
        "discount_pct" => Some(discount_pct),
        "net_total" => Some(net.to_f64_lossy()),
        "net_arr" => Some(net_arr.to_f64_lossy()),
        "margin_pct" => margin,
        "term_months" => Some(f64::from(q.term_months)),
        "payment_terms_days" => Some(f64::from(q.payment_terms_days)),
        _ => None,
    };
    let mut level = ApprovalLevel::Auto;
    let mut reasons = Vec::new();
    for rule in &policy.rules {
        let mut fires = true;
        for c in &rule.when {
            fires &= match c.evaluate(lookup) {
                Ok(b) => b,
                // a margin rule without a cost model cannot fire; any other unknown name is a typo
                Err("margin_pct") => false,
                Err(other) => return Err(PricingError::UnknownSignal(other.to_string())),
            };
        }
        if fires {
            level = level.max(rule.level);
            reasons.push(rule.name.clone());
        }
    }
    if let Some(m) = margin {
        if m < policy.margin_floor_pct {
            match policy.below_floor {
                GuardAction::Refuse => {
                    return Err(PricingError::BelowMarginFloor { margin: m, floor: policy.margin_floor_pct })
                }
                GuardAction::Escalate(l) => {
                    level = level.max(l);
                    reasons.push(format!("gross margin {m:.1}% below the {:.0}% floor", policy.margin_floor_pct));
                }
            }
        }
    }
    Ok(Approval { level, reasons })
}
