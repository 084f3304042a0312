//! Proposals: good / better / best options, serialisable and rendered to Markdown.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{PricedQuote, StepKind};
use crate::money::Money;

/// One option of a proposal.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ProposalOption {
    /// "Good", "Better", "Best".
    pub name: String,
    /// The priced quote.
    pub quote: PricedQuote,
}

/// A structured proposal.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Proposal {
    /// Customer.
    pub customer: String,
    /// Options, usually three.
    pub options: Vec<ProposalOption>,
    /// Term in months.
    pub term_months: u32,
    /// Payment terms in days.
    pub payment_terms_days: u32,
    /// Valid until.
    pub valid_until: NaiveDate,
}

impl Proposal {
    /// Render to Markdown.
    ///
    /// Caller text (the customer, each option's name, each line's SKU) is escaped so that it reads
    /// as plain text: every line break or other control character becomes a space, and each of
    /// ``\ ` * _ [ ] < > | # ~ & !`` gets a backslash, so no caller string can end a table cell,
    /// start a heading, or carry HTML, code, emphasis, bracketed links or entities. (A bare web
    /// address stays text, which renderers that link addresses on their own, as GitHub's does,
    /// still show as a link.)
    ///
    /// ```
    /// # use revops::pricing::Proposal;
    /// let p = Proposal {
    ///     customer: "Acme <b>|\n# Ltd".into(),
    ///     options: vec![],
    ///     term_months: 12,
    ///     payment_terms_days: 30,
    ///     valid_until: chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    /// };
    /// assert!(p.to_markdown().starts_with("# Proposal for Acme \\<b\\>\\| \\# Ltd\n"));
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Proposal for {}\n", escape(&self.customer));
        let _ = writeln!(
            out,
            "Term: {} months · Payment: net {} · Valid until {}\n",
            self.term_months, self.payment_terms_days, self.valid_until
        );
        for o in &self.options {
            let q = &o.quote;
            let _ = writeln!(out, "## {}\n", escape(&o.name));
            let _ = writeln!(out, "| Item | List | Discounts | Net |\n|---|---:|---:|---:|");
            for l in &q.lines {
                let off = Money::sum(l.waterfall.list.currency(), l.waterfall.steps.iter().map(|(_, m)| *m))
                    .unwrap_or(l.waterfall.list);
                let _ = writeln!(out, "| {} | {} | {} | {} |", escape(&l.sku), l.waterfall.list, off, l.waterfall.net);
            }
            let _ = writeln!(out, "| **Total** | {} | {:.1} | **{}** |\n", q.list_total, q.discount, q.net_total);
            let _ = writeln!(out, "Annual value: {}\n", q.net_arr);
        }
        out
    }
}

/// `text` as plain Markdown text: control characters (line breaks among them) become spaces and
/// Markdown-significant punctuation is backslash-escaped. Caller text never starts a line in
/// [`Proposal::to_markdown`], so line-start markers (`-`, `+`, `1.`) need no escape.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The label of a waterfall step, for rendering.
///
/// ```
/// use revops::pricing::{step_label, StepKind};
/// assert_eq!(step_label(StepKind::Schedule), "volume discount");
/// assert_eq!(step_label(StepKind::Partner), "partner discount");
/// ```
pub fn step_label(k: StepKind) -> &'static str {
    match k {
        StepKind::Schedule => "volume discount",
        StepKind::Additional => "additional discount",
        StepKind::Partner => "partner discount",
    }
}
