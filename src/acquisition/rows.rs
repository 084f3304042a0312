//! Deals in from flat rows: one row an opportunity, as a CRM report exports it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{AcquisitionError, DealProblem, Opportunity, Stage};
use crate::money::{Currency, Money, Percent};
use crate::rows::RowError;

/// One deal as a flat row, for CSV or JSON: a CRM opportunity report (Salesforce, HubSpot)
/// becomes [`Opportunity`]s, the deal type of [`sales_velocity`](super::sales_velocity),
/// [`cycle_lengths`](super::cycle_lengths), [`competitive_analysis`](super::competitive_analysis)
/// and [`strategic_view`](super::strategic_view). (The forecast's
/// [`PipelineDeal`](crate::forecast::PipelineDeal) is the seller's call on an open deal, with
/// rep, team and category; it is not what a CRM export holds.)
///
/// Columns: `id,account,segment,stage,currency,amount,created,closed,competitor,discount,probability`.
/// `stage` is the [`Stage`] name (`Proposal`, `ClosedWon` …); `amount` a decimal in
/// `currency`; `discount` and `probability` percents (`"15%"`).
///
/// * `closed` is needed for a closed stage and has no use on an open one (an open deal with
///   a close date is an export mistake, not something to drop).
/// * `probability` is needed for an open stage; empty on a closed stage it is 100% (won) or
///   0% (lost).
/// * `discount` empty is 0%; `competitor` and `segment` may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DealRow {
    /// Opportunity id.
    pub id: String,
    /// Account.
    pub account: String,
    /// Segment (SMB, mid-market, enterprise …).
    pub segment: String,
    /// Stage.
    pub stage: Stage,
    /// Currency of `amount`.
    pub currency: Currency,
    /// Amount (ACV).
    #[cfg_attr(feature = "serde", serde(with = "crate::money::exact::text"))]
    pub amount: Decimal,
    /// Created.
    pub created: NaiveDate,
    /// Closed (closed stages only).
    #[cfg_attr(feature = "serde", serde(default))]
    pub closed: Option<NaiveDate>,
    /// Main competitor.
    #[cfg_attr(feature = "serde", serde(default))]
    pub competitor: Option<String>,
    /// Discount off list; empty is 0%.
    #[cfg_attr(feature = "serde", serde(default))]
    pub discount: Option<Percent>,
    /// Win probability; needed on open stages.
    #[cfg_attr(feature = "serde", serde(default))]
    pub probability: Option<Percent>,
}

impl From<&Opportunity> for DealRow {
    /// The opportunity as a row, so that [`deals_from_rows`] gives it back.
    fn from(o: &Opportunity) -> DealRow {
        DealRow {
            id: o.id.clone(),
            account: o.account.clone(),
            segment: o.segment.clone(),
            stage: o.stage,
            currency: o.amount.currency(),
            amount: o.amount.amount(),
            created: o.created,
            closed: o.closed,
            competitor: o.competitor.clone(),
            discount: Some(o.discount),
            probability: Some(o.probability),
        }
    }
}

impl DealRow {
    /// The opportunity this row holds.
    ///
    /// ```
    /// use revops::acquisition::{DealRow, Stage};
    /// use revops::Currency;
    /// let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let row = DealRow {
    ///     id: "006A".into(), account: "acme".into(), segment: "SMB".into(), stage: Stage::ClosedWon,
    ///     currency: Currency::USD, amount: "12000".parse()?, created: day(1, 5), closed: Some(day(3, 2)),
    ///     competitor: None, discount: None, probability: None,
    /// };
    /// let deal = row.to_opportunity()?;
    /// assert_eq!(deal.probability.to_string(), "100%"); // won
    ///
    /// let open_with_a_close_date = DealRow { stage: Stage::Proposal, ..row };
    /// assert!(open_with_a_close_date.to_opportunity().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`AcquisitionError::InvalidDeal`] for an empty id or account, a negative amount, a
    /// `closed` missing on a closed stage or given on an open one, a close before the creation,
    /// a `probability` missing on an open stage or, on a closed one, other than its stage's
    /// (100% won, 0% lost: an empty one reads as that); [`AcquisitionError::OutOfRange`] for a
    /// discount or probability outside 0%–100%. All but the missing probability are
    /// [`Opportunity::check`]'s, the rule an opportunity read from JSON is held to too.
    pub fn to_opportunity(&self) -> Result<Opportunity, AcquisitionError> {
        let invalid = |problem| AcquisitionError::InvalidDeal { deal: self.id.clone(), problem };
        let stage = self.stage;
        let probability = match (self.probability, stage) {
            (Some(p), _) => Some(p),
            (None, Stage::ClosedWon) => Some(Percent::HUNDRED),
            (None, Stage::ClosedLost) => Some(Percent::ZERO),
            (None, _) => None,
        };
        let deal = Opportunity {
            id: self.id.clone(),
            account: self.account.clone(),
            segment: self.segment.clone(),
            stage,
            amount: Money::new(self.amount, self.currency),
            created: self.created,
            closed: self.closed,
            competitor: self.competitor.clone().filter(|c| !c.is_empty()),
            discount: self.discount.unwrap_or(Percent::ZERO),
            probability: probability.unwrap_or(Percent::ZERO),
        };
        // the one rule for a valid opportunity, shared with JSON
        deal.check()?;
        if probability.is_none() {
            return Err(invalid(DealProblem::MissingColumn { stage, column: "probability" }));
        }
        Ok(deal)
    }
}

/// Opportunities from rows, in row order, each checked by [`DealRow::to_opportunity`]. An id
/// names one opportunity: an id that comes back on a later row is refused.
///
/// ```
/// use revops::acquisition::{deals_from_rows, sales_velocity, DealRow, Stage};
/// use revops::Currency;
/// let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// let deal = |id: &str, stage, closed| DealRow {
///     id: id.into(), account: "acme".into(), segment: "SMB".into(), stage, currency: Currency::USD,
///     amount: "12000".parse().unwrap(), created: day(1, 5), closed, competitor: None, discount: None,
///     probability: None,
/// };
/// let deals = deals_from_rows(&[deal("a", Stage::ClosedWon, Some(day(3, 1))), deal("b", Stage::ClosedLost, Some(day(2, 1)))])?;
/// assert_eq!(sales_velocity(&deals)?.len(), 1);
///
/// let err = deals_from_rows(&[deal("a", Stage::ClosedWon, None)]).unwrap_err();
/// assert_eq!(err.to_string(), r#"row 1: deal "a": a ClosedWon deal needs column "closed""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`RowError`] naming the first row that is wrong (from 1) and why (see
/// [`DealRow::to_opportunity`]), or [`AcquisitionError::InvalidInput`] at a row whose id an
/// earlier row has (naming that row). No deals are returned then.
pub fn deals_from_rows(rows: &[DealRow]) -> Result<Vec<Opportunity>, RowError> {
    // each id and the row (from 1) it first appears on: an id names one opportunity
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut deals = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let deal = r.to_opportunity().map_err(|e| RowError::at(i, e))?;
        if let Some(first) = seen.insert(&r.id, i + 1) {
            let problem = format!("opportunity id {:?} is on row {first} already; an id names one opportunity", r.id);
            return Err(RowError::at(i, AcquisitionError::InvalidInput(problem)));
        }
        deals.push(deal);
    }
    Ok(deals)
}
