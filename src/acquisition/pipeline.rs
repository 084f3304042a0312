//! Opportunities and what they say: sales velocity per segment, cycle length, competitive win
//! rates, and a strategic-account view.

use chrono::NaiveDate;
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use super::{AcquisitionError, DealProblem};
use crate::money::{checked_sum, Currency, Money, MoneyError, Percent};

/// Where an opportunity stands.
///
/// Parsed from text ([`FromStr`](std::str::FromStr), and serde from the same strings) by its
/// name with case, spaces, `_`, `-`, `.` and `/` ignored (`"ClosedWon"`, `"closed_won"`,
/// `"Closed Won"`), and from Salesforce's default opportunity stages: `"Needs Analysis"`,
/// `"Value Proposition"`, `"Id. Decision Makers"` and `"Perception Analysis"` are
/// [`Stage::Discovery`], `"Proposal/Price Quote"` is [`Stage::Proposal`] and
/// `"Negotiation/Review"` is [`Stage::Negotiation`]. A CRM with stages of its own maps them
/// before import. It serialises as its name (`"ClosedWon"`).
///
/// ```
/// use revops::acquisition::Stage;
/// assert_eq!("Closed Won".parse::<Stage>()?, Stage::ClosedWon);
/// assert_eq!("Proposal/Price Quote".parse::<Stage>()?, Stage::Proposal);
/// assert!("Closed Maybe".parse::<Stage>().is_err());
/// # Ok::<(), revops::acquisition::AcquisitionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Stage {
    /// Early.
    Prospecting,
    /// Qualified.
    Qualification,
    /// Discovery or demo.
    Discovery,
    /// Proposal sent.
    Proposal,
    /// Negotiating.
    Negotiation,
    /// Won.
    ClosedWon,
    /// Lost.
    ClosedLost,
}

impl std::str::FromStr for Stage {
    type Err = AcquisitionError;

    fn from_str(text: &str) -> Result<Stage, AcquisitionError> {
        let key: String =
            text.chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '.' | '/')).flat_map(char::to_lowercase).collect();
        Ok(match key.as_str() {
            "prospecting" => Stage::Prospecting,
            "qualification" => Stage::Qualification,
            "discovery" | "needsanalysis" | "valueproposition" | "iddecisionmakers" | "perceptionanalysis" => {
                Stage::Discovery
            }
            "proposal" | "proposalpricequote" => Stage::Proposal,
            "negotiation" | "negotiationreview" => Stage::Negotiation,
            "closedwon" => Stage::ClosedWon,
            "closedlost" => Stage::ClosedLost,
            _ => return Err(AcquisitionError::UnknownStage(text.to_string())),
        })
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Stage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Stage, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Stage {
    /// True for `ClosedWon` and `ClosedLost`.
    pub fn is_closed(self) -> bool {
        matches!(self, Stage::ClosedWon | Stage::ClosedLost)
    }
}

/// An opportunity, shaped like a CRM record.
///
/// Read from JSON it is checked by [`Opportunity::check`], so JSON refuses what
/// [`DealRow::to_opportunity`](super::DealRow::to_opportunity) refuses (a negative amount, an
/// empty id, a close date that does not fit the stage …). Built in code it is not checked;
/// [`sales_velocity`] refuses a negative amount, as it would have been refused from a row.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "OpportunityRepr"))]
pub struct Opportunity {
    /// Id.
    pub id: String,
    /// Account.
    pub account: String,
    /// Segment (SMB, mid-market, enterprise…).
    pub segment: String,
    /// Stage.
    pub stage: Stage,
    /// Amount (ACV).
    pub amount: Money,
    /// Created.
    pub created: NaiveDate,
    /// Closed, when closed.
    pub closed: Option<NaiveDate>,
    /// Main competitor, if any.
    pub competitor: Option<String>,
    /// Discount given or asked, off list: 0%–100%.
    pub discount: Percent,
    /// Win probability (from a [`WinModel`](super::WinModel) or the CRM), for expected value:
    /// 0%–100%.
    pub probability: Percent,
}

deserialize_via!(
    Opportunity,
    OpportunityRepr {
        id: String,
        account: String,
        segment: String,
        stage: Stage,
        amount: Money,
        created: NaiveDate,
        closed: Option<NaiveDate>,
        competitor: Option<String>,
        discount: Percent,
        probability: Percent,
    },
    AcquisitionError,
    |r| {
        let o = Opportunity {
            id: r.id,
            account: r.account,
            segment: r.segment,
            stage: r.stage,
            amount: r.amount,
            created: r.created,
            closed: r.closed,
            competitor: r.competitor,
            discount: r.discount,
            probability: r.probability,
        };
        o.check()?;
        Ok(o)
    }
);

impl Opportunity {
    /// Check what [`DealRow::to_opportunity`](super::DealRow::to_opportunity) checks: a
    /// non-empty id and account, an amount that is not negative, a close date on a closed stage
    /// (and none on an open one) that is not before the creation, and a discount and win
    /// probability of 0%–100%. An opportunity read from JSON has passed it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use revops::acquisition::{AcquisitionError, Opportunity, Stage};
    /// use revops::{Currency, Money, Percent};
    /// let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
    /// let won = Opportunity {
    ///     id: "1".into(), account: "Acme".into(), segment: "ent".into(), stage: Stage::ClosedWon,
    ///     amount: Money::parse("5000", Currency::USD)?, created: day(1), closed: Some(day(31)),
    ///     competitor: None, discount: Percent::ZERO, probability: Percent::HUNDRED,
    /// };
    /// assert!(won.check().is_ok());
    /// let negative = Opportunity { amount: Money::parse("-5000", Currency::USD)?, ..won };
    /// assert!(matches!(negative.check(), Err(AcquisitionError::InvalidDeal { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AcquisitionError::InvalidDeal`] for an empty id or account, a negative amount, a
    /// `closed` missing on a closed stage or given on an open one, a close before the
    /// creation, or a closed deal's win probability other than its stage's (100% won, 0%
    /// lost); [`AcquisitionError::OutOfRange`] for a discount or win probability outside
    /// 0%–100%. The first problem found, in that order.
    pub fn check(&self) -> Result<(), AcquisitionError> {
        let invalid = |problem| AcquisitionError::InvalidDeal { deal: self.id.clone(), problem };
        let stage = self.stage;
        if self.id.is_empty() {
            return Err(invalid(DealProblem::Empty("id")));
        }
        if self.account.is_empty() {
            return Err(invalid(DealProblem::Empty("account")));
        }
        self.check_amount()?;
        match (stage.is_closed(), self.closed) {
            (true, None) => return Err(invalid(DealProblem::MissingColumn { stage, column: "closed" })),
            (false, Some(_)) => return Err(invalid(DealProblem::UnusedColumn { stage, column: "closed" })),
            _ => {}
        }
        if let Some(closed) = self.closed.filter(|c| *c < self.created) {
            return Err(invalid(DealProblem::ClosedBeforeCreated { created: self.created, closed }));
        }
        self.unit("discount", self.discount)?;
        self.unit("win probability", self.probability)?;
        // a closed deal's outcome is known: won is certain, lost is not going to close
        let settled = match stage {
            Stage::ClosedWon => Some(Percent::HUNDRED),
            Stage::ClosedLost => Some(Percent::ZERO),
            _ => None,
        };
        if settled.is_some_and(|p| p != self.probability) {
            return Err(invalid(DealProblem::ClosedProbability { stage, probability: self.probability }));
        }
        Ok(())
    }

    /// [`DealProblem::NegativeAmount`] for an amount below zero: a deal is never worth less than
    /// nothing (a refund or a clawback is not a deal).
    pub(crate) fn check_amount(&self) -> Result<(), AcquisitionError> {
        if self.amount.is_negative() {
            return Err(AcquisitionError::InvalidDeal {
                deal: self.id.clone(),
                problem: DealProblem::NegativeAmount(self.amount),
            });
        }
        Ok(())
    }

    /// Days from creation to close of a won opportunity, or the error that says why there is no
    /// such number (no close date, or a close before creation).
    pub(crate) fn won_cycle_days(&self) -> Result<i64, AcquisitionError> {
        let closed = self.closed.ok_or_else(|| AcquisitionError::MissingCloseDate(self.id.clone()))?;
        if closed < self.created {
            return Err(AcquisitionError::ClosedBeforeCreated {
                opportunity: self.id.clone(),
                created: self.created,
                closed,
            });
        }
        Ok((closed - self.created).num_days())
    }

    /// `value` when it is 0%–100%, else the error naming this opportunity and `what`.
    fn unit(&self, what: &'static str, value: Percent) -> Result<Percent, AcquisitionError> {
        value.check_unit(what).map_err(|_| AcquisitionError::OutOfRange { opportunity: self.id.clone(), what, value })
    }
}

/// Velocity of one segment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SegmentVelocity {
    /// Segment.
    pub segment: String,
    /// Open opportunities.
    pub open: usize,
    /// Won ÷ closed.
    pub win_rate: f64,
    /// Mean amount of won deals.
    pub average_deal: Money,
    /// Mean days from creation to close of won deals.
    pub cycle_days: f64,
    /// `open × win rate × average deal ÷ cycle days`: revenue per day the pipeline is producing
    /// (a mean cycle under one day counts as one day), computed exactly from the won total and
    /// rounded once, half to even, to the currency's minor unit (not from the rounded
    /// `average_deal`, nor through `f64`).
    pub per_day: Money,
}

/// `open × (won ÷ closed) × (won total ÷ won) ÷ max(days ÷ won, 1)` in exact decimal
/// arithmetic, rounded once: `open × total × won ÷ (closed × days)` for a mean cycle of a day or
/// more, `open × total ÷ closed` under one.
fn per_day(total: Money, open: usize, won: usize, closed: usize, days: u64) -> Result<Money, AcquisitionError> {
    let too_large = || AcquisitionError::InvalidInput("the sales velocity is too large for money".into());
    let (open, won, closed) = (open as u64, won as u64, closed as u64);
    let (factor, divisor) = if days >= won {
        (open.checked_mul(won), u128::from(closed).checked_mul(u128::from(days)))
    } else {
        (Some(open), Some(u128::from(closed)))
    };
    let factor = factor.ok_or_else(too_large)?;
    let divisor = divisor.and_then(Decimal::from_u128).ok_or_else(too_large)?;
    total.checked_mul(Decimal::from(factor)).ok().and_then(|n| n.div_round(divisor)).ok_or_else(too_large)
}

fn one_currency(opps: &[&Opportunity]) -> Result<Option<Currency>, AcquisitionError> {
    let mut c: Option<Currency> = None;
    for o in opps {
        match c {
            Some(x) if x != o.amount.currency() => {
                return Err(AcquisitionError::MixedCurrencies(x, o.amount.currency()))
            }
            _ => c = Some(o.amount.currency()),
        }
    }
    Ok(c)
}

/// Each opportunity id once: a re-delivered record would count twice (in win rates, cycles and
/// pipeline alike), as [`deals_from_rows`](super::deals_from_rows) refuses it at its row.
fn ids_once(opps: &[Opportunity]) -> Result<(), AcquisitionError> {
    match crate::unique::first_repeated(opps, |o| &o.id) {
        Some(o) => Err(AcquisitionError::InvalidDeal { deal: o.id.clone(), problem: DealProblem::RepeatedId }),
        None => Ok(()),
    }
}

/// Sales velocity per segment, in segment order. Segments with no won deal are skipped (their
/// velocity is undefined, not zero).
///
/// ```
/// use chrono::NaiveDate;
/// use revops::acquisition::{sales_velocity, Opportunity, Stage};
/// use revops::{Currency, Money, Percent};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// let opp = |id: &str, stage, amount: &str, closed| Opportunity {
///     id: id.into(),
///     account: id.into(),
///     segment: "SMB".into(),
///     stage,
///     amount: Money::parse(amount, Currency::USD).unwrap(),
///     created: d(1, 1),
///     closed,
///     competitor: None,
///     discount: Percent::ZERO,
///     probability: "50%".parse().unwrap(),
/// };
/// let opps = [
///     opp("won", Stage::ClosedWon, "30000", Some(d(1, 31))), // 30 days
///     opp("lost", Stage::ClosedLost, "10000", Some(d(2, 15))),
///     opp("open", Stage::Proposal, "20000", None),
/// ];
/// let v = &sales_velocity(&opps)?[0];
/// assert_eq!((v.segment.as_str(), v.open, v.win_rate, v.cycle_days), ("SMB", 1, 0.5, 30.0));
/// assert_eq!(v.average_deal, Money::parse("30000", Currency::USD)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AcquisitionError::MissingCloseDate`] for a won deal without a close date and
/// [`AcquisitionError::ClosedBeforeCreated`] for one that closes before it was created (their
/// cycles are unknown, not 0 days); [`AcquisitionError::InvalidDeal`] for an opportunity of
/// any stage with a negative amount ([`DealProblem::NegativeAmount`]: refused as
/// [`DealRow::to_opportunity`](super::DealRow::to_opportunity) and JSON refuse it);
/// [`AcquisitionError::MixedCurrencies`] for a segment with amounts in two currencies; a money
/// error when amounts overflow; [`AcquisitionError::InvalidInput`] when the velocity is too
/// large for money; [`AcquisitionError::InvalidDeal`] ([`DealProblem::RepeatedId`]) for an
/// opportunity id given more than once.
pub fn sales_velocity(opps: &[Opportunity]) -> Result<Vec<SegmentVelocity>, AcquisitionError> {
    ids_once(opps)?;
    for o in opps.iter().filter(|o| o.stage == Stage::ClosedWon) {
        o.won_cycle_days()?;
    }
    for o in opps {
        o.check_amount()?;
    }
    let mut segments: Vec<&str> = opps.iter().map(|o| o.segment.as_str()).collect();
    segments.sort_unstable();
    segments.dedup();
    let mut out = Vec::new();
    for seg in segments {
        let these: Vec<&Opportunity> = opps.iter().filter(|o| o.segment == seg).collect();
        let Some(currency) = one_currency(&these)? else { continue };
        let won: Vec<&&Opportunity> = these.iter().filter(|o| o.stage == Stage::ClosedWon).collect();
        let closed = these.iter().filter(|o| o.stage.is_closed()).count();
        if won.is_empty() {
            continue;
        }
        let total = Money::sum(currency, won.iter().map(|o| o.amount))?;
        let average = total.checked_div(Decimal::from(won.len() as u64))?;
        let mut days: u64 = 0;
        for o in &won {
            // checked above: never an error here, and never negative
            let d = u64::try_from(o.won_cycle_days()?).unwrap_or(0);
            days = days.checked_add(d).ok_or(MoneyError::Overflow("cycle days"))?;
        }
        let cycle = days as f64 / won.len() as f64;
        let open = these.iter().filter(|o| !o.stage.is_closed()).count();
        let win_rate = won.len() as f64 / closed as f64;
        out.push(SegmentVelocity {
            segment: seg.to_string(),
            open,
            win_rate,
            average_deal: average.round(),
            cycle_days: cycle,
            per_day: per_day(total, open, won.len(), closed, days)?,
        });
    }
    Ok(out)
}

/// Distribution of won-deal cycle lengths in days.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CycleLengths {
    /// Deals counted.
    pub deals: usize,
    /// Mean.
    pub mean: f64,
    /// 25th percentile (nearest rank).
    pub p25: i64,
    /// Median.
    pub median: i64,
    /// 75th percentile.
    pub p75: i64,
    /// 90th percentile.
    pub p90: i64,
}

/// Cycle lengths of won deals; `None` without any.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::acquisition::{cycle_lengths, AcquisitionError, Opportunity, Stage};
/// use revops::{Currency, Money};
/// let day = |d| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
/// let won = Opportunity {
///     id: "1".into(), account: "Acme".into(), segment: "ent".into(), stage: Stage::ClosedWon,
///     amount: Money::zero(Currency::USD), created: day(1), closed: Some(day(31)), competitor: None,
///     discount: "0%".parse()?, probability: "100%".parse()?,
/// };
/// assert_eq!(cycle_lengths(std::slice::from_ref(&won))?.map(|c| c.median), Some(30));
/// let undated = Opportunity { closed: None, ..won };
/// assert!(matches!(cycle_lengths(&[undated]), Err(AcquisitionError::MissingCloseDate(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AcquisitionError::MissingCloseDate`] for a won deal without a close date and
/// [`AcquisitionError::ClosedBeforeCreated`] for one that closes before it was created;
/// [`AcquisitionError::InvalidDeal`] ([`DealProblem::RepeatedId`]) for an opportunity id given
/// more than once.
pub fn cycle_lengths(opps: &[Opportunity]) -> Result<Option<CycleLengths>, AcquisitionError> {
    ids_once(opps)?;
    let mut days: Vec<i64> = opps
        .iter()
        .filter(|o| o.stage == Stage::ClosedWon)
        .map(Opportunity::won_cycle_days)
        .collect::<Result<_, _>>()?;
    if days.is_empty() {
        return Ok(None);
    }
    days.sort_unstable();
    let rank = |p: f64| days[((p * days.len() as f64).ceil() as usize).clamp(1, days.len()) - 1];
    Ok(Some(CycleLengths {
        deals: days.len(),
        mean: days.iter().sum::<i64>() as f64 / days.len() as f64,
        p25: rank(0.25),
        median: rank(0.5),
        p75: rank(0.75),
        p90: rank(0.9),
    }))
}

/// Win rate and discount against one competitor, or on the deals without one.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CompetitorStats {
    /// The competitor, or `None` for the deals without one (so no competitor's name, `"none"`
    /// included, is mistaken for them).
    pub competitor: Option<String>,
    /// Closed deals.
    pub closed: usize,
    /// Won deals.
    pub won: usize,
    /// Won ÷ closed.
    pub win_rate: f64,
    /// Mean discount on won deals (0% without any), exact.
    pub average_discount_won: Percent,
}

/// Competitive win/loss, one row per competitor seen on closed deals, by competitor name, and
/// one row (`competitor: None`, first) for the closed deals without a competitor, when there
/// are any. A competitor is a name as given: `"none"` is a competitor like any other.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::acquisition::{competitive_analysis, Opportunity, Stage};
/// use revops::{Currency, Money, Percent};
///
/// let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let opp = |id: &str, stage, discount: &str| Opportunity {
///     id: id.into(),
///     account: id.into(),
///     segment: "SMB".into(),
///     stage,
///     amount: Money::parse("10000", Currency::USD).unwrap(),
///     created: d,
///     closed: Some(d),
///     competitor: Some("Globex".into()),
///     discount: discount.parse().unwrap(),
///     probability: Percent::ZERO,
/// };
/// let rows = competitive_analysis(&[
///     opp("a", Stage::ClosedWon, "10%"),
///     opp("b", Stage::ClosedWon, "20%"),
///     opp("c", Stage::ClosedLost, "0%"),
///     Opportunity { competitor: None, ..opp("d", Stage::ClosedWon, "5%") },
/// ])?;
/// assert_eq!((rows[0].competitor.as_deref(), rows[0].closed, rows[0].won), (None, 1, 1));
/// assert_eq!((rows[1].competitor.as_deref(), rows[1].closed, rows[1].won), (Some("Globex"), 3, 2));
/// assert_eq!(rows[1].average_discount_won.to_string(), "15%");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AcquisitionError::OutOfRange`] for a closed opportunity whose discount is outside
/// 0%–100%; [`AcquisitionError::InvalidDeal`] ([`DealProblem::RepeatedId`]) for an opportunity
/// id given more than once.
pub fn competitive_analysis(opps: &[Opportunity]) -> Result<Vec<CompetitorStats>, AcquisitionError> {
    ids_once(opps)?;
    for o in opps.iter().filter(|o| o.stage.is_closed()) {
        o.unit("discount", o.discount)?;
    }
    // `None` (no competitor) sorts before every name and equals none of them
    let mut names: Vec<Option<&str>> =
        opps.iter().filter(|o| o.stage.is_closed()).map(|o| o.competitor.as_deref()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let closed: Vec<&Opportunity> =
                opps.iter().filter(|o| o.stage.is_closed() && o.competitor.as_deref() == name).collect();
            let won: Vec<&&Opportunity> = closed.iter().filter(|o| o.stage == Stage::ClosedWon).collect();
            // each discount is 0%–100% (checked above), so neither the sum nor the mean overflows
            let total = checked_sum(won.iter().map(|o| o.discount.fraction()))?;
            let mean = if won.is_empty() {
                Decimal::ZERO
            } else {
                total.checked_div(Decimal::from(won.len() as u64)).ok_or(MoneyError::Overflow("mean discount"))?
            };
            Ok(CompetitorStats {
                competitor: name.map(String::from),
                closed: closed.len(),
                won: won.len(),
                win_rate: won.len() as f64 / closed.len() as f64,
                average_discount_won: Percent::from_fraction(mean),
            })
        })
        .collect()
}

/// Pipeline against a named account list (the Fortune 500, say).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StrategicView {
    /// Distinct accounts on the list.
    pub accounts: usize,
    /// Of those, with at least one open opportunity.
    pub covered: usize,
    /// Of those, customers (a won deal).
    pub customers: usize,
    /// `covered ÷ accounts`.
    pub coverage: f64,
    /// `(stage, open opportunities, amount)` for open stages.
    pub stage_mix: Vec<(Stage, usize, Money)>,
    /// Σ probability × amount over open opportunities.
    pub expected_value: Money,
}

/// The strategic-account view in `currency` (opportunities in other currencies are an error).
/// An account named more than once on the list counts once.
///
/// ```
/// use chrono::NaiveDate;
/// use revops::acquisition::{strategic_view, Opportunity, Stage};
/// use revops::{Currency, Money, Percent};
///
/// let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let opp = |account: &str, stage, amount: &str| Opportunity {
///     id: format!("{account}-1"),
///     account: account.into(),
///     segment: "Enterprise".into(),
///     stage,
///     amount: Money::parse(amount, Currency::USD).unwrap(),
///     created: d,
///     closed: None,
///     competitor: None,
///     discount: Percent::ZERO,
///     probability: "40%".parse().unwrap(),
/// };
/// let list = ["acme".to_string(), "initech".to_string()];
/// let view = strategic_view(&list, &[opp("acme", Stage::Proposal, "500000")], Currency::USD)?;
/// assert_eq!((view.accounts, view.covered), (2, 1));
/// assert_eq!(view.expected_value, Money::parse("200000", Currency::USD)?); // 40% of $500,000
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AcquisitionError::MixedCurrencies`] for an opportunity on the list in another currency;
/// [`AcquisitionError::InvalidDeal`] for one with a negative amount;
/// [`AcquisitionError::OutOfRange`] for an open one whose win probability is outside 0%–100%;
/// [`AcquisitionError::InvalidDeal`] ([`DealProblem::RepeatedId`]) for an opportunity id given
/// more than once (on the list or not); a money overflow when the stage amounts or the expected value do not fit a `Decimal`.
pub fn strategic_view(
    accounts: &[String],
    opps: &[Opportunity],
    currency: Currency,
) -> Result<StrategicView, AcquisitionError> {
    ids_once(opps)?;
    // an account named twice on the list is one account
    let mut list: Vec<&str> = accounts.iter().map(String::as_str).collect();
    list.sort_unstable();
    list.dedup();
    let on_list = |a: &str| list.binary_search(&a).is_ok();
    let mine: Vec<&Opportunity> = opps.iter().filter(|o| on_list(&o.account)).collect();
    if let Some(o) = mine.iter().find(|o| o.amount.currency() != currency) {
        return Err(AcquisitionError::MixedCurrencies(currency, o.amount.currency()));
    }
    for o in &mine {
        o.check_amount()?;
    }
    let open: Vec<&&Opportunity> = mine.iter().filter(|o| !o.stage.is_closed()).collect();
    let mut covered: Vec<&str> = open.iter().map(|o| o.account.as_str()).collect();
    covered.sort_unstable();
    covered.dedup();
    let mut customers: Vec<&str> =
        mine.iter().filter(|o| o.stage == Stage::ClosedWon).map(|o| o.account.as_str()).collect();
    customers.sort_unstable();
    customers.dedup();
    let mut stage_mix = Vec::new();
    for stage in [Stage::Prospecting, Stage::Qualification, Stage::Discovery, Stage::Proposal, Stage::Negotiation] {
        let these: Vec<&&&Opportunity> = open.iter().filter(|o| o.stage == stage).collect();
        stage_mix.push((stage, these.len(), Money::sum(currency, these.iter().map(|o| o.amount))?));
    }
    let mut expected = Money::zero(currency);
    for o in &open {
        let p = o.unit("win probability", o.probability)?;
        expected = expected.checked_add(p.of(o.amount)?)?;
    }
    Ok(StrategicView {
        accounts: list.len(),
        covered: covered.len(),
        customers: customers.len(),
        coverage: if list.is_empty() { 0.0 } else { covered.len() as f64 / list.len() as f64 },
        stage_mix,
        expected_value: expected.round(),
    })
}
