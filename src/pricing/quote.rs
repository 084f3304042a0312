//! Quotes: lines priced from the price book, a price waterfall per line (list → schedule
//! discount → additional discount → partner discount → net), approvals, and the margin guard.

use rust_decimal::Decimal;

use super::model::overflow;
use std::cmp::Ordering;

use super::optimise::{share_cmp, shown_below};
use super::{CostModel, PriceBook, PricingError};
use crate::money::{Currency, Money, MoneyError, Percent};
use crate::rules::Comparison;

/// Range: the whole quantity gets the discount of the bracket it reaches. Slab: each slice of the
/// quantity gets its own bracket's discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum ScheduleKind {
    /// Whole quantity at one bracket.
    Range,
    /// Each slice at its bracket.
    Slab,
}

/// A discount schedule's brackets: `(from quantity, discount)`, the first from 0, quantities
/// strictly increasing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum DiscountBrackets {
    /// A percent of list, in `[0%, 100%]`.
    Percent(
        #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::money::exact::decimal_pairs"))]
        Vec<(Decimal, Percent)>,
    ),
    /// An amount off per unit a year, zero or more, in the quote's currency: a year's, as the
    /// book's prices are, so a six-month period takes half of it and a ramp of two six-month
    /// periods the same as one year.
    AmountPerUnit(
        #[cfg_attr(feature = "serde", serde(deserialize_with = "crate::money::exact::decimal_pairs"))]
        Vec<(Decimal, Money)>,
    ),
}

impl DiscountBrackets {
    fn froms(&self) -> Vec<Decimal> {
        match self {
            DiscountBrackets::Percent(b) => b.iter().map(|x| x.0).collect(),
            DiscountBrackets::AmountPerUnit(b) => b.iter().map(|x| x.0).collect(),
        }
    }
}

/// What is wrong with a discount schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleProblem {
    /// No brackets.
    #[error("a discount schedule needs at least one bracket")]
    Empty,
    /// The first bracket does not start at quantity 0.
    #[error("the first bracket must start at quantity 0, not {0}")]
    FirstNotZero(Decimal),
    /// Bracket quantities that do not strictly increase.
    #[error("bracket {0} does not start above the previous one")]
    NotIncreasing(usize),
    /// A percent outside `[0%, 100%]`: below zero is a surcharge, not a discount.
    #[error("bracket {index} takes {value} off; a discount is between 0% and 100%")]
    PercentOutOfRange {
        /// Bracket position.
        index: usize,
        /// The percent given.
        value: Percent,
    },
    /// A negative amount per unit (a surcharge, not a discount).
    #[error("bracket {index} takes {value} off per unit; a discount is zero or more")]
    NegativeAmount {
        /// Bracket position.
        index: usize,
        /// The amount given.
        value: Money,
    },
    /// Per-unit amounts in more than one currency.
    #[error("bracket amounts mix currencies")]
    MixedCurrencies,
}

/// A volume discount schedule, checked once when built (or deserialised).
///
/// ```
/// use revops::pricing::{DiscountBrackets, DiscountSchedule, ScheduleKind};
/// use revops::{Currency, Money};
/// use rust_decimal::Decimal;
/// let pct = |s: &str| s.parse().unwrap();
/// let brackets = DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("0%")), (Decimal::from(100), pct("10%"))]);
/// let s = DiscountSchedule::new(ScheduleKind::Range, brackets)?;
/// let list = Money::parse("20000", Currency::USD)?; // 200 units at $100
/// assert_eq!(s.discount(Decimal::from(200), list)?, Money::parse("2000", Currency::USD)?);
/// // a "discount" below zero is a surcharge: refused
/// let surcharge = DiscountBrackets::Percent(vec![(Decimal::ZERO, pct("-5%"))]);
/// assert!(DiscountSchedule::new(ScheduleKind::Range, surcharge).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "DiscountScheduleRepr"))]
pub struct DiscountSchedule {
    kind: ScheduleKind,
    brackets: DiscountBrackets,
}

deserialize_via!(
    DiscountSchedule,
    DiscountScheduleRepr { kind: ScheduleKind, brackets: DiscountBrackets },
    PricingError,
    |r| DiscountSchedule::new(r.kind, r.brackets)
);

impl DiscountSchedule {
    /// A schedule of range or slab brackets.
    ///
    /// # Errors
    /// [`PricingError::InvalidSchedule`]: no brackets, a first bracket not at 0, quantities that
    /// do not increase, a percent outside `[0%, 100%]`, a negative amount, mixed currencies.
    pub fn new(kind: ScheduleKind, brackets: DiscountBrackets) -> Result<DiscountSchedule, PricingError> {
        let bad = |p| Err(PricingError::InvalidSchedule(p));
        let froms = brackets.froms();
        match froms.first() {
            None => return bad(ScheduleProblem::Empty),
            Some(f) if !f.is_zero() => return bad(ScheduleProblem::FirstNotZero(*f)),
            Some(_) => {}
        }
        if let Some(i) = froms.windows(2).position(|w| w[1] <= w[0]) {
            return bad(ScheduleProblem::NotIncreasing(i + 1));
        }
        match &brackets {
            DiscountBrackets::Percent(b) => {
                if let Some((index, (_, value))) = b.iter().enumerate().find(|(_, (_, p))| !p.is_unit()) {
                    return bad(ScheduleProblem::PercentOutOfRange { index, value: *value });
                }
            }
            DiscountBrackets::AmountPerUnit(b) => {
                if let Some((index, (_, value))) = b.iter().enumerate().find(|(_, (_, m))| m.is_negative()) {
                    return bad(ScheduleProblem::NegativeAmount { index, value: *value });
                }
                if b.iter().any(|(_, m)| m.currency() != b[0].1.currency()) {
                    return bad(ScheduleProblem::MixedCurrencies);
                }
            }
        }
        Ok(DiscountSchedule { kind, brackets })
    }

    /// Range or slab.
    pub fn kind(&self) -> ScheduleKind {
        self.kind
    }

    /// The brackets.
    pub fn brackets(&self) -> &DiscountBrackets {
        &self.brackets
    }

    /// The discount on `list` for `quantity` (full precision).
    ///
    /// # Errors
    /// A negative quantity, per-unit amounts in another currency than `list`, or an overflow.
    pub fn discount(&self, quantity: Decimal, list: Money) -> Result<Money, PricingError> {
        if quantity.is_sign_negative() && !quantity.is_zero() {
            return Err(PricingError::NegativeQuantity(quantity));
        }
        let values: Vec<Decimal> = match &self.brackets {
            DiscountBrackets::Percent(b) => b.iter().map(|(_, p)| p.fraction()).collect(),
            DiscountBrackets::AmountPerUnit(b) => {
                if let Some((_, m)) = b.iter().find(|(_, m)| m.currency() != list.currency()) {
                    return Err(MoneyError::CurrencyMismatch {
                        op: "discount schedule",
                        left: list.currency(),
                        right: m.currency(),
                    }
                    .into());
                }
                b.iter().map(|(_, m)| m.amount()).collect()
            }
        };
        let froms = self.brackets.froms();
        let weighted = weighted_value(self.kind, &froms, &values, quantity)?;
        match self.brackets {
            DiscountBrackets::AmountPerUnit(_) => Ok(Money::new(weighted, list.currency())),
            // no units to weigh by: the bracket from 0 is the percent of the list (a flat price
            // lists its fee at any quantity)
            DiscountBrackets::Percent(_) if quantity.is_zero() => {
                Ok(list.checked_mul(values.first().copied().unwrap_or(Decimal::ZERO))?)
            }
            // a percent of list, weighted by units: one division, at the end, keeps the
            // intermediate scale small
            DiscountBrackets::Percent(_) => {
                let off = list.checked_mul(weighted)?.checked_div(quantity)?;
                Ok(Money::new(off.amount().round_dp(INTERMEDIATE_DP), off.currency()))
            }
        }
    }
}

/// Σ value × units over the slices of `quantity` (the whole quantity at one value for a range).
fn weighted_value(
    kind: ScheduleKind,
    froms: &[Decimal],
    values: &[Decimal],
    quantity: Decimal,
) -> Result<Decimal, PricingError> {
    let overflow = || overflow("discount schedule");
    match kind {
        ScheduleKind::Range => {
            let i = froms.iter().rposition(|from| quantity >= *from).unwrap_or(0);
            values.get(i).copied().unwrap_or(Decimal::ZERO).checked_mul(quantity).ok_or_else(overflow)
        }
        ScheduleKind::Slab => {
            let mut w = Decimal::ZERO;
            for (i, (from, v)) in froms.iter().zip(values).enumerate() {
                let to = froms.get(i + 1).map_or(quantity, |next| (*next).min(quantity));
                if to > *from {
                    // from ≥ 0 and to ≤ quantity, so to − from cannot overflow
                    w = v.checked_mul(to - from).and_then(|x| w.checked_add(x)).ok_or_else(overflow)?;
                }
            }
            Ok(w)
        }
    }
}

/// Decimal places carried by quote intermediates that come out of a division (a percent
/// schedule's weighted rate; part-year prices and costs are carried exactly, as a year's price
/// times the months). Eight places beyond any currency's minor unit:
/// a result differs from exact arithmetic only when the exact net sits within 10⁻¹⁰ of a
/// rounding midpoint, and every later step stays fast instead of carrying 28 digits.
pub const INTERMEDIATE_DP: u32 = 10;

/// A period of a ramped line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RampStep {
    /// Months at this quantity.
    pub months: u32,
    /// Quantity.
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub quantity: Decimal,
}

/// A quote line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct QuoteLine {
    /// SKU in the price book.
    pub sku: String,
    /// Quantity (ignored when `ramp` is not empty).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub quantity: Decimal,
    /// Months (ignored when `ramp` is not empty); book prices are annual.
    pub months: u32,
    /// A ramp: consecutive periods at rising quantities.
    pub ramp: Vec<RampStep>,
    /// Volume discount schedule.
    pub schedule: Option<DiscountSchedule>,
    /// Additional discount, off what is left after the schedule, in `[0%, 100%]`.
    pub additional_discount: Percent,
    /// Partner discount, off what is left after that, in `[0%, 100%]`.
    pub partner_discount: Percent,
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub enum StepKind {
    /// Volume schedule.
    Schedule,
    /// Additional (sales) discount.
    Additional,
    /// Partner discount.
    Partner,
}

/// A price waterfall: `list − Σ steps = net`, to the cent. JSON is checked on load: one
/// currency, no negative amount, the steps in their order, and `list − Σ steps = net`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "WaterfallRepr"))]
pub struct Waterfall {
    /// List price, rounded.
    pub list: Money,
    /// Deductions in order (schedule, additional, partner): each the difference between the
    /// rounded subtotals before and after it, so they tie to the net exactly.
    pub steps: [(StepKind, Money); 3],
    /// Net price, rounded once from the exact (unrounded) waterfall.
    pub net: Money,
}

deserialize_via!(
    Waterfall,
    WaterfallRepr { list: Money, steps: [(StepKind, Money); 3], net: Money },
    PricingError,
    |r| {
        let waterfall = Waterfall { list: r.list, steps: r.steps, net: r.net };
        waterfall.check()?;
        Ok(waterfall)
    }
);

impl Waterfall {
    /// One currency, nothing negative, the steps in order, and `list − Σ steps = net`, as
    /// [`Quote::price`] builds it.
    #[cfg(feature = "serde")]
    fn check(&self) -> Result<(), PricingError> {
        const ORDER: [StepKind; 3] = [StepKind::Schedule, StepKind::Additional, StepKind::Partner];
        if let Some(i) = self.steps.iter().zip(ORDER).position(|((kind, _), want)| *kind != want) {
            return Err(PricingError::InvalidInput(format!(
                "waterfall step {i} is {:?}; the steps are schedule, additional, partner, in that order",
                self.steps[i].0
            )));
        }
        let amounts = std::iter::once(("list price", self.list))
            .chain(self.steps.iter().map(|(_, m)| ("waterfall step", *m)))
            .chain(std::iter::once(("net price", self.net)));
        for (what, amount) in amounts {
            if amount.is_negative() {
                return Err(PricingError::NegativePrice { what, amount });
            }
        }
        let off = Money::sum(self.list.currency(), self.steps.iter().map(|(_, m)| *m))?;
        if self.list.checked_sub(off)?.checked_cmp(&self.net)? != Ordering::Equal {
            return Err(PricingError::InvalidInput(format!(
                "a waterfall whose list {} less its steps {off} is not its net {}",
                self.list, self.net
            )));
        }
        Ok(())
    }
}

/// A priced line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
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

/// One condition of an approval rule, over a typed signal of the priced quote. Thresholds are
/// exact ([`Percent`], [`Money`], whole months and days), so a boundary is a boundary: a 7%
/// discount does not fire a "discount above 7%" rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum QuoteCondition {
    /// The quote's overall discount off list (`1 − net ÷ list`, compared exactly, even where the
    /// ratio has more than `Decimal`'s 28 places).
    Discount(Comparison, Percent),
    /// The gross margin (`(net − cost) ÷ net`, compared exactly, even where the ratio has more
    /// than `Decimal`'s 28 places); never fires without a cost model. A cost against a net of
    /// zero is below every threshold (`Below` and `AtMost` fire).
    Margin(Comparison, Percent),
    /// The quote's net total (threshold in the quote's currency).
    NetTotal(Comparison, Money),
    /// The net total annualised over the term (threshold in the quote's currency).
    NetArr(Comparison, Money),
    /// The contract term in months.
    TermMonths(Comparison, u32),
    /// The payment terms in days.
    PaymentTermsDays(Comparison, u32),
}

/// A quote's gross margin, as its approvals read it.
#[derive(Clone, Copy)]
enum Margin {
    /// No cost model, or neither revenue nor cost: nothing to guard.
    Unknown,
    /// `(net − cost) ÷ net` as a percent (rounded past 28 places, for show), with the gross and
    /// the net it is the ratio of, in twelfths, which thresholds are compared with exactly.
    Ratio { margin: Percent, gross12: Decimal, net12: Decimal },
    /// A cost against a net of zero (a 100% discount): no margin at all, below any threshold.
    NoRevenue { net: Money, cost: Money },
}

/// The figures an approval policy reads from a priced quote.
struct Signals {
    discount: Percent,
    /// The exact list and net, in twelfths, that `discount` is `1 − net12 ÷ list12` of
    /// (rounded past 28 places), which thresholds are compared with exactly.
    list12: Decimal,
    net12: Decimal,
    margin: Margin,
    net_total: Money,
    net_arr: Money,
    term_months: u32,
    payment_terms_days: u32,
}

impl QuoteCondition {
    /// Whether the condition holds; a money threshold in another currency than the quote's is an
    /// error (comparing dollars with euros is never meant).
    fn holds(&self, s: &Signals) -> Result<bool, PricingError> {
        let money = |cmp: Comparison, value: Money, threshold: Money| -> Result<bool, PricingError> {
            let order = value.checked_cmp(&threshold)?;
            Ok(cmp.holds(order, std::cmp::Ordering::Equal))
        };
        Ok(match *self {
            QuoteCondition::Discount(cmp, t) if s.list12.is_zero() => cmp.holds(s.discount, t),
            // 1 − net ÷ list against t is (1 − t) against net ÷ list, reversed; 1 − t is exact
            // for any threshold in [0%, 100%]
            QuoteCondition::Discount(cmp, t) => match Decimal::ONE.checked_sub(t.fraction()) {
                Some(rest) => cmp.holds(share_cmp(s.net12, s.list12, rest).reverse(), Ordering::Equal),
                None => cmp.holds(s.discount, t),
            },
            QuoteCondition::Margin(cmp, t) => match s.margin {
                Margin::Unknown => false,
                Margin::Ratio { gross12, net12, .. } => {
                    cmp.holds(share_cmp(gross12, net12, t.fraction()), Ordering::Equal)
                }
                // no margin at all is below every threshold
                Margin::NoRevenue { .. } => matches!(cmp, Comparison::Below | Comparison::AtMost),
            },
            QuoteCondition::NetTotal(cmp, t) => money(cmp, s.net_total, t)?,
            QuoteCondition::NetArr(cmp, t) => money(cmp, s.net_arr, t)?,
            QuoteCondition::TermMonths(cmp, t) => cmp.holds(s.term_months, t),
            QuoteCondition::PaymentTermsDays(cmp, t) => cmp.holds(s.payment_terms_days, t),
        })
    }
}

/// An approval rule: when every condition holds, the quote needs at least `level`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ApprovalRule {
    /// Name (the reason shown).
    pub name: String,
    /// All must hold.
    pub when: Vec<QuoteCondition>,
    /// Level required.
    pub level: ApprovalLevel,
}

/// What happens below the margin floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub enum GuardAction {
    /// Refuse the quote.
    Refuse,
    /// Require at least this approval.
    Escalate(ApprovalLevel),
}

/// The approval policy and the margin guard. The floor is checked when the policy is built (or
/// deserialised): a floor outside `[0%, 100%]` would disable the guard or refuse everything.
///
/// ```
/// use revops::pricing::{ApprovalLevel, ApprovalPolicy, ApprovalRule, GuardAction, QuoteCondition};
/// use revops::rules::Comparison;
/// let policy = ApprovalPolicy::new("58%".parse()?, GuardAction::Escalate(ApprovalLevel::Cfo))?
///     .with_rule(ApprovalRule {
///         name: "discount above 7%".into(),
///         when: vec![QuoteCondition::Discount(Comparison::Above, "7%".parse()?)],
///         level: ApprovalLevel::Manager,
///     });
/// assert_eq!(policy.margin_floor().to_string(), "58%");
/// assert!(ApprovalPolicy::new("158%".parse()?, GuardAction::Refuse).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ApprovalPolicyRepr"))]
pub struct ApprovalPolicy {
    rules: Vec<ApprovalRule>,
    margin_floor: Percent,
    below_floor: GuardAction,
}

deserialize_via!(
    ApprovalPolicy,
    ApprovalPolicyRepr { rules: Vec<ApprovalRule>, margin_floor: Percent, below_floor: GuardAction },
    PricingError,
    |r| Ok(ApprovalPolicy::new(r.margin_floor, r.below_floor)?.with_rules(r.rules))
);

impl ApprovalPolicy {
    /// A policy with no rules yet: a gross-margin floor in `[0%, 100%]` and what happens below it.
    ///
    /// # Errors
    /// A floor outside `[0%, 100%]`.
    pub fn new(margin_floor: Percent, below_floor: GuardAction) -> Result<ApprovalPolicy, PricingError> {
        margin_floor.check_unit("margin floor")?;
        Ok(ApprovalPolicy { rules: Vec::new(), margin_floor, below_floor })
    }

    /// Add a rule.
    pub fn with_rule(mut self, rule: ApprovalRule) -> ApprovalPolicy {
        self.rules.push(rule);
        self
    }

    /// Add rules.
    ///
    /// ```
    /// use revops::pricing::{ApprovalLevel, ApprovalPolicy, ApprovalRule, GuardAction, QuoteCondition};
    /// use revops::rules::Comparison;
    /// let rule = |name: &str, above: &str, level| ApprovalRule {
    ///     name: name.into(),
    ///     when: vec![QuoteCondition::Discount(Comparison::Above, above.parse().unwrap())],
    ///     level,
    /// };
    /// let policy = ApprovalPolicy::new("42%".parse()?, GuardAction::Refuse)?
    ///     .with_rules([rule("over 10%", "10%", ApprovalLevel::Manager), rule("over 25%", "25%", ApprovalLevel::Cfo)]);
    /// assert_eq!(policy.rules().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_rules(mut self, rules: impl IntoIterator<Item = ApprovalRule>) -> ApprovalPolicy {
        self.rules.extend(rules);
        self
    }

    /// Change what the guard does below the floor.
    ///
    /// ```
    /// use revops::pricing::{ApprovalLevel, ApprovalPolicy, GuardAction};
    /// // below the 42% margin floor, escalate to the CFO instead of refusing the quote
    /// let policy = ApprovalPolicy::new("42%".parse()?, GuardAction::Refuse)?.with_below_floor(GuardAction::Escalate(ApprovalLevel::Cfo));
    /// assert_eq!(policy.below_floor(), GuardAction::Escalate(ApprovalLevel::Cfo));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_below_floor(mut self, action: GuardAction) -> ApprovalPolicy {
        self.below_floor = action;
        self
    }

    /// The rules.
    pub fn rules(&self) -> &[ApprovalRule] {
        &self.rules
    }

    /// The gross-margin floor.
    pub fn margin_floor(&self) -> Percent {
        self.margin_floor
    }

    /// What the guard does below the floor.
    pub fn below_floor(&self) -> GuardAction {
        self.below_floor
    }

    /// The demo policy: manager above 10% discount, finance above 20% or beyond 36 months or net
    /// 60, CFO above 35%; a 42% gross-margin floor that escalates to the CFO.
    pub fn demo() -> ApprovalPolicy {
        use Comparison::Above;
        use QuoteCondition::*;
        let pct = |points: i64| Percent::from_fraction(Decimal::new(points, 2));
        let r = |name: &str, when, level| ApprovalRule { name: name.into(), when: vec![when], level };
        ApprovalPolicy {
            rules: vec![
                r("discount above 10%", Discount(Above, pct(10)), ApprovalLevel::Manager),
                r("discount above 20%", Discount(Above, pct(20)), ApprovalLevel::Finance),
                r("discount above 35%", Discount(Above, pct(35)), ApprovalLevel::Cfo),
                r("term beyond 36 months", TermMonths(Above, 36), ApprovalLevel::Finance),
                r("payment terms beyond net 60", PaymentTermsDays(Above, 60), ApprovalLevel::Finance),
            ],
            margin_floor: pct(42),
            below_floor: GuardAction::Escalate(ApprovalLevel::Cfo),
        }
    }
}

/// The approval a quote needs and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Approval {
    /// The highest level any rule requires.
    pub level: ApprovalLevel,
    /// The rules (and guard) that fired.
    pub reasons: Vec<String>,
}

/// A priced quote. JSON is checked on load: at least one line, every amount in the currency of
/// the list total, each waterfall tying (as [`Waterfall`] checks), and the list and net totals
/// the sums of the lines'.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "PricedQuoteRepr"))]
pub struct PricedQuote {
    /// Lines.
    pub lines: Vec<PricedLine>,
    /// Σ list.
    pub list_total: Money,
    /// Σ net.
    pub net_total: Money,
    /// The net total annualised over the term: `net_total × 12 ÷ term_months`, rounded once,
    /// half to even, to the minor unit. It is the ARR the ARR book gives the contract billed at
    /// the net total over the term (a price of `net_total` every `Interval::Months(term)`), and
    /// on a twelve-month term the net total itself ($250,000 a year for five months bills
    /// $104,166.67, which is $250,000.008 a year: $250,000.01).
    pub net_arr: Money,
    /// `1 − net ÷ list`, exact: of the amounts before they are rounded to the cent, so the
    /// discount given reads as given on any term and list price (10% off $250,000 a year for
    /// five months lists $104,166.67 and nets $93,750.00, whose ratio is 10.0000029%). Rounded
    /// only past `Decimal`'s 28 places; discount rules compare the unrounded ratio.
    pub discount: Percent,
    /// Gross margin `(net − cost) ÷ net`, exact as `discount` is, when costs are known and the
    /// quote nets more than zero (rounded only past `Decimal`'s 28 places; the guard and margin
    /// rules compare the unrounded ratio, so a margin a hair below the floor is below it). (A
    /// cost against a net of zero has no margin at all: the guard treats it as below any floor,
    /// and a "margin below" rule fires.)
    pub margin: Option<Percent>,
    /// Approval required.
    pub approval: Approval,
}

deserialize_via!(
    PricedQuote,
    PricedQuoteRepr {
        lines: Vec<PricedLine>,
        list_total: Money,
        net_total: Money,
        net_arr: Money,
        discount: Percent,
        margin: Option<Percent>,
        approval: Approval,
    },
    PricingError,
    |r| {
        let quote = PricedQuote {
            lines: r.lines,
            list_total: r.list_total,
            net_total: r.net_total,
            net_arr: r.net_arr,
            discount: r.discount,
            margin: r.margin,
            approval: r.approval,
        };
        quote.check()?;
        Ok(quote)
    }
);

impl PricedQuote {
    /// At least one line, one currency, and totals that are the sums of the lines'.
    #[cfg(feature = "serde")]
    fn check(&self) -> Result<(), PricingError> {
        if self.lines.is_empty() {
            return Err(PricingError::EmptyQuote);
        }
        let c = self.list_total.currency();
        let costs = self.lines.iter().filter_map(|l| l.cost);
        if let Some(other) = [self.net_total, self.net_arr].into_iter().chain(costs).find(|m| m.currency() != c) {
            return Err(MoneyError::CurrencyMismatch { op: "priced quote", left: c, right: other.currency() }.into());
        }
        let lists = Money::sum(c, self.lines.iter().map(|l| l.waterfall.list))?;
        let nets = Money::sum(c, self.lines.iter().map(|l| l.waterfall.net))?;
        for (what, total, sum) in [("list", self.list_total, lists), ("net", self.net_total, nets)] {
            if total.checked_cmp(&sum)? != Ordering::Equal {
                return Err(PricingError::InvalidInput(format!(
                    "a priced quote whose {what} total {total} is not the sum of its lines' {sum}"
                )));
            }
        }
        Ok(())
    }
}

/// A line's discount as a fraction, refused outside `[0%, 100%]` with the SKU named.
fn unit_discount(p: Percent, which: &str, sku: &str) -> Result<Decimal, PricingError> {
    if !p.is_unit() {
        // only the refusal pays for the message
        p.check_unit(&format!("{which} discount on {sku}"))?;
    }
    Ok(p.fraction())
}

/// A line priced: its waterfall as the customer sees it (rounded), and its exact list and net
/// in twelfths, from which the quote's discount and margin are read.
struct PricedParts {
    waterfall: Waterfall,
    list12: Decimal,
    net12: Decimal,
}

/// Amounts in twelfths: a year's price × the months it runs, twelve times the amount. A part
/// year then never divides, so the quote's discount and margin are exact ratios of exact
/// amounts: $250,000 a year for five months lists $104,166.67, nets $93,750.00 at 10% off,
/// and the ratio of those two is 10.0000029%, where the discount given is 10%.
fn twelfths(annual: Decimal, months: u32) -> Result<Decimal, PricingError> {
    annual.checked_mul(Decimal::from(months)).ok_or_else(|| overflow("mul"))
}

/// An amount in twelfths, rounded once to the currency's minor unit: an integer division of
/// its digits, exact (a `Decimal` division would carry 28 places first, and cost more on every
/// subtotal of every line).
fn round_twelfths(x12: Decimal, currency: Currency) -> Result<Money, PricingError> {
    Money::new(x12, currency).div_round(Decimal::from(12)).ok_or_else(|| overflow("div"))
}

/// An amount in twelfths as the amount (for an error's message): exact where `Decimal` holds it.
fn carried_twelfths(x12: Decimal, currency: Currency) -> Money {
    // x12 ÷ 12 cannot overflow: the quotient is smaller than x12
    Money::new(x12 / Decimal::from(12), currency)
}

fn price_line(line: &QuoteLine, book: &PriceBook, currency: Currency) -> Result<PricedParts, PricingError> {
    let price = book.price(&line.sku, currency)?;
    let listed = price.model().currency();
    if listed != currency {
        // a price list filed under the wrong currency in the book
        return Err(MoneyError::CurrencyMismatch { op: "price", left: currency, right: listed }.into());
    }
    // Plain Decimal arithmetic from here on, in twelfths: every amount is in `currency`,
    // checked above, and only overflow can fail.
    let (mut list, mut schedule_off) = (Decimal::ZERO, Decimal::ZERO);
    for s in line.steps() {
        let part = twelfths(price.charge(s.quantity)?.amount(), s.months)?;
        if let Some(schedule) = &line.schedule {
            let off = schedule.discount(s.quantity, Money::new(part, currency))?.amount();
            let off = match schedule.brackets() {
                // an amount off per unit is a year's, as the book's prices are
                DiscountBrackets::AmountPerUnit(_) => twelfths(off, s.months)?,
                // a percent of the period's list, which is in twelfths already
                DiscountBrackets::Percent(_) => off,
            };
            schedule_off = schedule_off.checked_add(off).ok_or_else(|| overflow("add"))?;
        }
        list = list.checked_add(part).ok_or_else(|| overflow("add"))?;
    }
    let additional = unit_discount(line.additional_discount, "additional", &line.sku)?;
    let partner = unit_discount(line.partner_discount, "partner", &line.sku)?;
    // list ≥ schedule_off ≥ 0 and the fractions are in [0, 1], so no subtraction below can
    // overflow: each result lies between zero and `list`
    if schedule_off > list {
        return Err(PricingError::ScheduleExceedsList {
            sku: line.sku.clone(),
            list: carried_twelfths(list, currency),
            discount: carried_twelfths(schedule_off, currency),
        });
    }
    let after_schedule = list - schedule_off;
    let additional_off = after_schedule.checked_mul(additional).ok_or_else(|| overflow("mul"))?;
    let after_additional = after_schedule - additional_off;
    let partner_off = after_additional.checked_mul(partner).ok_or_else(|| overflow("mul"))?;
    let net_exact = after_additional - partner_off;

    // Round each subtotal a customer sees (list, after schedule, after additional, net) once,
    // and let each step be the difference of its two rounded subtotals, as CPQ waterfalls show
    // them: the steps tie to the net by construction and no step absorbs another's rounding.
    let round = |x12: Decimal| round_twelfths(x12, currency);
    let subtotals = [round(list)?, round(after_schedule)?, round(after_additional)?, round(net_exact)?];
    let step = |i: usize| subtotals[i].checked_sub(subtotals[i + 1]);
    let steps_r = [(StepKind::Schedule, step(0)?), (StepKind::Additional, step(1)?), (StepKind::Partner, step(2)?)];
    let (list_r, net_r) = (subtotals[0], subtotals[3]);
    Ok(PricedParts {
        waterfall: Waterfall { list: list_r, steps: steps_r, net: net_r },
        list12: list,
        net12: net_exact,
    })
}

/// Cost to serve a line over its periods, in twelfths: each ramp period at its own quantity
/// for its months, so a cost model that is not linear in quantity is still priced right.
fn line_cost12(line: &QuoteLine, model: &dyn CostModel, currency: Currency) -> Result<Decimal, PricingError> {
    let mut cost = Decimal::ZERO;
    for s in line.steps() {
        let annual = model.annual_cost(&line.sku, s.quantity, currency)?;
        if annual.currency() != currency {
            return Err(MoneyError::CurrencyMismatch { op: "cost", left: currency, right: annual.currency() }.into());
        }
        cost = cost.checked_add(twelfths(annual.amount(), s.months)?).ok_or_else(|| overflow("add"))?;
    }
    Ok(cost)
}

/// A margin as a message shows it: rounded down (toward −∞) to four places of points, never
/// up, so a margin below a floor never reads as the floor (41.99999% shows 41.9999%, not 42%).
pub(super) fn cut_to_show(margin: &Percent) -> String {
    let points = margin.points().round_dp_with_strategy(4, rust_decimal::RoundingStrategy::ToNegativeInfinity);
    format!("{}%", points.normalize())
}

impl Quote {
    /// Price every line, apply the approval policy and the margin guard.
    ///
    /// ```
    /// use revops::money::Percent;
    /// use revops::pricing::{ApprovalLevel, ApprovalPolicy, PriceBook, Quote, QuoteLine};
    /// use revops::{Currency, Money};
    /// use rust_decimal::Decimal;
    /// let line = QuoteLine { sku: "PLAN-PRO".into(), quantity: Decimal::ONE, months: 12, ramp: vec![], schedule: None,
    ///     additional_discount: "15%".parse()?, partner_discount: Percent::ZERO };
    /// let quote = Quote { currency: Currency::USD, lines: vec![line], term_months: 12, payment_terms_days: 30 };
    /// let priced = quote.price(&PriceBook::demo(), &ApprovalPolicy::demo(), None)?;
    /// assert_eq!(priced.net_total, Money::parse("212500", Currency::USD)?); // $250K − 15%
    /// assert_eq!(priced.discount.to_string(), "15%");
    /// assert_eq!(priced.approval.level, ApprovalLevel::Manager);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// No lines or a zero term; a line or ramp period of zero months
    /// ([`PricingError::ZeroMonths`]); a SKU the book does not price in the quote's currency; a
    /// discount outside `[0%, 100%]` (the error names the SKU); a schedule discount above list;
    /// a cost the cost model does not know, or in another currency; an approval threshold in
    /// another currency; a margin below the floor when the guard refuses
    /// ([`PricingError::BelowMarginFloor`], or [`PricingError::CostWithoutRevenue`] for a cost
    /// against a net of zero); an overflow (amounts are carried as a year's price times the
    /// months, so a line whose list passes `Decimal::MAX` ÷ its months overflows).
    pub fn price(
        &self,
        book: &PriceBook,
        policy: &ApprovalPolicy,
        costs: Option<&dyn CostModel>,
    ) -> Result<PricedQuote, PricingError> {
        if self.lines.is_empty() {
            return Err(PricingError::EmptyQuote);
        }
        if self.term_months == 0 {
            return Err(PricingError::ZeroTerm);
        }
        if let Some(line) = self.lines.iter().find(|l| l.steps().any(|s| s.months == 0)) {
            return Err(PricingError::ZeroMonths { sku: line.sku.clone() });
        }
        let c = self.currency;
        let mut lines = Vec::with_capacity(self.lines.len());
        let (mut list_total, mut net_total) = (Money::zero(c), Money::zero(c));
        // the exact amounts, in twelfths, that the discount and margin are read from
        let (mut list12, mut net12, mut cost12) = (Decimal::ZERO, Decimal::ZERO, Some(Decimal::ZERO));
        let add = |a: Decimal, b: Decimal| a.checked_add(b).ok_or_else(|| overflow("add"));
        for line in &self.lines {
            let parts = price_line(line, book, c)?;
            let cost = costs.map(|m| line_cost12(line, m, c)).transpose()?;
            list_total = list_total.checked_add(parts.waterfall.list)?;
            net_total = net_total.checked_add(parts.waterfall.net)?;
            (list12, net12) = (add(list12, parts.list12)?, add(net12, parts.net12)?);
            cost12 = match (cost12, cost) {
                (Some(t), Some(x)) => Some(add(t, x)?),
                _ => None,
            };
            let cost = cost.map(|x| round_twelfths(x, c)).transpose()?;
            lines.push(PricedLine { sku: line.sku.clone(), waterfall: parts.waterfall, cost });
        }
        // the net total the contract bills, annualised and rounded once: what the ARR book
        // books for it, and the net total itself on a twelve-month term (the exact net would
        // differ from the billed total by the lines' roundings)
        let net_arr = net_total.checked_mul(Decimal::from(12))?;
        let net_arr = net_arr.div_round(Decimal::from(self.term_months)).ok_or_else(|| overflow("div"))?;
        let exact = |x12: Decimal| Money::new(x12, c);
        let discount =
            if list12.is_zero() { Percent::ZERO } else { Percent::ratio(exact(net12), exact(list12))?.complement()? };
        let margin = match cost12 {
            None => Margin::Unknown,
            Some(cost) if net12.is_zero() && cost.is_sign_positive() && !cost.is_zero() => {
                Margin::NoRevenue { net: net_total, cost: round_twelfths(cost, c)? }
            }
            Some(_) if net12.is_zero() => Margin::Unknown,
            // in Decimal, not Money: a difference past 28 places is rounded there, not refused
            Some(cost) => {
                let gross = net12.checked_sub(cost).ok_or_else(|| overflow("sub"))?;
                Margin::Ratio { margin: Percent::ratio(exact(gross), exact(net12))?, gross12: gross, net12 }
            }
        };
        let signals = Signals {
            discount,
            list12,
            net12,
            margin,
            net_total,
            net_arr,
            term_months: self.term_months,
            payment_terms_days: self.payment_terms_days,
        };
        let approval = approve(policy, &signals)?;
        let margin = match margin {
            Margin::Ratio { margin, .. } => Some(margin),
            Margin::Unknown | Margin::NoRevenue { .. } => None,
        };
        Ok(PricedQuote { lines, list_total, net_total, net_arr, discount, margin, approval })
    }
}

fn approve(policy: &ApprovalPolicy, signals: &Signals) -> Result<Approval, PricingError> {
    let mut level = ApprovalLevel::Auto;
    let mut reasons = Vec::new();
    for rule in &policy.rules {
        let mut fires = true;
        for c in &rule.when {
            fires &= c.holds(signals)?;
        }
        if fires {
            level = level.max(rule.level);
            reasons.push(rule.name.clone());
        }
    }
    // below the floor: what the guard refuses with, or the reason it escalates with
    let floor = policy.margin_floor;
    let (refusal, reason) = match signals.margin {
        Margin::Ratio { margin, gross12, net12 } if share_cmp(gross12, net12, floor.fraction()).is_lt() => {
            let margin = shown_below(margin, floor);
            (
                PricingError::BelowMarginFloor { margin, floor },
                format!("gross margin {} below the {floor} floor", cut_to_show(&margin)),
            )
        }
        Margin::NoRevenue { net, cost } => (
            PricingError::CostWithoutRevenue { net, cost, floor },
            format!("a net of {net} against a cost of {cost}: no margin, below the {floor} floor"),
        ),
        _ => return Ok(Approval { level, reasons }),
    };
    match policy.below_floor {
        GuardAction::Refuse => Err(refusal),
        GuardAction::Escalate(l) => {
            reasons.push(reason);
            Ok(Approval { level: level.max(l), reasons })
        }
    }
}
