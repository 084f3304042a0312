//! Integration ports: the traits through which a caller's systems reach the engines, with
//! in-memory implementations for tests and demos.
//!
//! The record shapes follow the systems most companies run, so a mapping is a few lines:
//!
//! | revops | Salesforce | Stripe | NetSuite |
//! |---|---|---|---|
//! | [`CrmAccount`] | `Account` (`Id`, `Name`, `Industry`, `NumberOfEmployees`, `Fortune_Rank__c`, `OwnerId`) | `Customer` | `Customer` |
//! | [`Opportunity`] | `Opportunity` (`StageName` → [`Stage`](crate::acquisition::Stage), `Amount`, `CreatedDate`, `CloseDate`, `Probability ÷ 100`) | — | — |
//! | [`PipelineDeal`] | `Opportunity` with `OwnerId`, `ForecastCategoryName` → [`ForecastCategory`](crate::forecast::ForecastCategory) | — | — |
//! | [`CrmActivity`] | `Task` / `Event` (`WhatId`, `ActivityDate`, `Type`) | — | — |
//! | [`SubscriptionEvent`] | — | `customer.subscription.created/updated/deleted`, `items.price.unit_amount × quantity`, `price.recurring.interval`, `cancel_at` → `paid_through` | — |
//! | [`Invoice`] | — | `Invoice` (`number`, `lines`, `tax`, `total`, `due_date`) | `Invoice` |
//! | [`Payment`] | — | `PaymentIntent` / `Charge` (`amount_received`, `created`) | `CustomerPayment` |
//! | [`JournalEntry`](crate::ledger::JournalEntry) | — | — | `JournalEntry` (lines: `account` ← [`Account`](crate::ledger::Account) map, `debit`/`credit`) |
//!
//! [`FxRates`], [`LedgerSink`] and
//! [`CostModel`] live beside the engines that use them and are re-exported here.

use chrono::NaiveDate;

use crate::acquisition::Opportunity;
use crate::arr::SubscriptionEvent;
use crate::billing::{Invoice, Payment};
use crate::forecast::PipelineDeal;

pub use crate::ledger::{InMemoryLedger, LedgerSink};
pub use crate::money::{FxRates, InMemoryFxRates};
pub use crate::pricing::{CostModel, InMemoryCostModel};

/// Why a source could not deliver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name} failed: {message}")]
pub struct PortError {
    /// Which source.
    pub source_name: String,
    /// What it said.
    pub message: String,
}

/// A CRM account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CrmAccount {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Industry.
    pub industry: String,
    /// Employees.
    pub employees: u32,
    /// Fortune rank, if ranked: from 1 (1 to 500 are the Fortune 500). The executive snapshot
    /// refuses a rank of 0 ([`CoordinatorError::InvalidFortuneRank`](super::CoordinatorError::InvalidFortuneRank)).
    pub fortune_rank: Option<u32>,
    /// Segment.
    pub segment: String,
    /// Owning rep.
    pub owner: String,
}

/// A CRM contact.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CrmContact {
    /// Id.
    pub id: String,
    /// Account.
    pub account: String,
    /// Title.
    pub title: String,
}

/// A logged activity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CrmActivity {
    /// Account.
    pub account: String,
    /// Rep.
    pub rep: String,
    /// Date.
    pub date: NaiveDate,
    /// Kind (call, email, meeting…).
    pub kind: String,
}

/// Integration port: the CRM (Salesforce, HubSpot…).
pub trait CrmSource {
    /// Accounts.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn accounts(&self) -> Result<Vec<CrmAccount>, PortError>;
    /// Contacts.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn contacts(&self) -> Result<Vec<CrmContact>, PortError>;
    /// Opportunities as deals for scoring and velocity.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn opportunities(&self) -> Result<Vec<Opportunity>, PortError>;
    /// Opportunities as forecast lines.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn pipeline(&self) -> Result<Vec<PipelineDeal>, PortError>;
    /// Activities.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn activities(&self) -> Result<Vec<CrmActivity>, PortError>;
}

/// Integration port: the billing system (Stripe, Chargebee, Zuora…).
pub trait BillingSource {
    /// Subscription events for the ARR ledger.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn subscription_events(&self) -> Result<Vec<SubscriptionEvent>, PortError>;
    /// Invoices.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn invoices(&self) -> Result<Vec<Invoice>, PortError>;
    /// Payments.
    ///
    /// # Errors
    /// The source's own failure, as a [`PortError`] naming the integration.
    fn payments(&self) -> Result<Vec<Payment>, PortError>;
}

/// An in-memory CRM.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InMemoryCrm {
    /// Accounts.
    pub accounts: Vec<CrmAccount>,
    /// Contacts.
    pub contacts: Vec<CrmContact>,
    /// Opportunities.
    pub opportunities: Vec<Opportunity>,
    /// Pipeline.
    pub pipeline: Vec<PipelineDeal>,
    /// Activities.
    pub activities: Vec<CrmActivity>,
}

impl CrmSource for InMemoryCrm {
    fn accounts(&self) -> Result<Vec<CrmAccount>, PortError> {
        Ok(self.accounts.clone())
    }
    fn contacts(&self) -> Result<Vec<CrmContact>, PortError> {
        Ok(self.contacts.clone())
    }
    fn opportunities(&self) -> Result<Vec<Opportunity>, PortError> {
        Ok(self.opportunities.clone())
    }
    fn pipeline(&self) -> Result<Vec<PipelineDeal>, PortError> {
        Ok(self.pipeline.clone())
    }
    fn activities(&self) -> Result<Vec<CrmActivity>, PortError> {
        Ok(self.activities.clone())
    }
}

/// An in-memory billing system.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InMemoryBilling {
    /// Subscription events.
    pub events: Vec<SubscriptionEvent>,
    /// Invoices.
    pub invoices: Vec<Invoice>,
    /// Payments.
    pub payments: Vec<Payment>,
}

impl BillingSource for InMemoryBilling {
    fn subscription_events(&self) -> Result<Vec<SubscriptionEvent>, PortError> {
        Ok(self.events.clone())
    }
    fn invoices(&self) -> Result<Vec<Invoice>, PortError> {
        Ok(self.invoices.clone())
    }
    fn payments(&self) -> Result<Vec<Payment>, PortError> {
        Ok(self.payments.clone())
    }
}
