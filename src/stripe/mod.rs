//! Stripe webhooks to ARR events (feature `stripe`): deserialize a Stripe [`Event`] with serde
//! and [`map_event`] it to [`SubscriptionEvent`]s for [`ArrBook::apply`](crate::arr::ArrBook::apply).
//! Still I/O-free: the caller receives the webhook, checks its signature and reads the JSON.
//!
//! # Identity and order
//!
//! The Stripe event's `id` (`evt_…`) becomes the id of the ARR event it maps to, and its
//! `created` time (Unix seconds) the [`sequence`](SubscriptionEvent::sequence). Stripe delivers
//! webhooks at least once; a redelivered event maps to the same ARR events, which the book
//! takes as [`Applied::Duplicate`](crate::arr::Applied): nothing changes. When one webhook
//! maps to more than one ARR event, the first keeps the bare id and the others get it with
//! the suffix of their kind (`evt_…:discount`, `evt_…:cancel`). The first or only one has the
//! bare id whatever its kind (an update that only sets a cancellation maps to one Cancel with
//! the id `evt_…`), so [`ArrBook::contains_event`](crate::arr::ArrBook::contains_event)`(&event.id)`
//! says whether a webhook was applied. Stripe's event ids are unique and hold no `:`, with
//! which every suffix begins, so two webhooks' ARR events never share an id; a payload whose
//! event id holds one, or whose event, subscription or customer id is empty, is refused
//! ([`StripeError::BadId`]), as is a negative unit amount or renewal ([`StripeError::NegativeAmount`]).
//!
//! Stripe does not promise to deliver events in order: an `updated` can arrive before the
//! `created` it follows. The book holds an event dated before its subscription's start until
//! the start arrives ([`ArrBook::held`](crate::arr::ArrBook::held)), so webhooks can be applied
//! as they come.
//!
//! # Mapping rules
//!
//! | Stripe event | ARR events |
//! |---|---|
//! | `customer.subscription.created` | Start on `start_date`, in a trial until `trial_end` when that is later; a DiscountStart for its coupon; a Cancel if it is already set to cancel, as for an update below (a cancellation at period end without the period's end refuses the whole event, not only the Cancel). A subscription still `incomplete` (first payment not made) is ignored until it becomes active. |
//! | `customer.subscription.updated` | By what `previous_attributes` says changed, on the day of the event unless said otherwise: items, plan or quantity → Change to the new MRR, and, for a subscription still set to cancel, its Cancel restated after it (in the ledger a Change withdraws a pending cancellation); `cancel_at_period_end`/`cancel_at` set → Cancel with `paid_through` = `cancel_at` or the current period's end, the subscription's or else the latest of its items' (ARR runs to then under the default [`ChurnTiming`](crate::arr::ChurnTiming)); a cancellation at period end whose payload carries no period end is refused ([`StripeError::MissingPeriodEnd`]), never booked as a cancellation at once; unset → Change, which withdraws the pending cancellation; discount (or the items, under a coupon restricted to products) → DiscountStart or DiscountEnd; status from `incomplete` → the Start that `created` held back until the first payment succeeded, booked as `created` books it: on `start_date`, not the day of the event, with its discount and a pending cancellation; `trial_end` (a trial ended early or extended) → Start on the day of the event, in a trial until the new `trial_end` if that is later, with the discount and a pending cancellation restated, since only a start sets a trial's end. Nothing of these → ignored. Without `previous_attributes` all of them but `trial_end` are taken as changed ([`PreviousAttributes::ALL`]): a changed trial end is read as a restart, a Start on the day of the event, which begins a new contract (a pause, for one, does not carry over), so an update that does not say its trial changed is not read as restarting the subscription. A subscription now `canceled` is left to the `deleted` event. |
//! | `customer.subscription.paused`, `customer.subscription.resumed` | Pause, Resume on the day of the event (Stripe pauses a subscription whose trial ended without a payment method). Pausing only the collection (`pause_collection`) leaves the subscription running and is not read. |
//! | `customer.subscription.deleted` | Cancel at once (no `paid_through`), on `ended_at` (else `canceled_at`, else the event's day). |
//! | `invoice.paid` with `billing_reason` `subscription_cycle` | For a term of a year or more, Renew on the start of the invoice's subscription lines' period, at the sum of those lines (prorations left out), for the period's whole months: a contract renewal. A shorter term is the monthly or quarterly billing of a running subscription, ignored ([`Ignored::BillingCycle`]): booked as renewals, a monthly plan's bills would make the renewed ARR twelve times its ARR. Other billing reasons are ignored: `subscription_create` and `subscription_update` repeat what the subscription events booked, and a `manual` invoice or one without a subscription is not recurring revenue. |
//! | anything else | [`Mapped::Ignored`] with [`Ignored::UnknownType`]: not an error, so one endpoint can receive every event. |
//!
//! # Amounts
//!
//! Stripe amounts are integers in the currency's minor units; they are read with the crate's
//! ISO 4217 table, so `2000` is 20.00 USD and `2000` JPY is ¥2,000 (JPY has no minor unit),
//! but for Stripe's documented exceptions: ISK, which has no minor unit, stays two-decimal in
//! Stripe's API (`100` is 1 króna), and MGA, two-decimal in ISO 4217, is zero-decimal in
//! Stripe's (`50000` is 50,000 ariary).
//! `unit_amount_decimal` (fractions of a cent) is read when present. A subscription's price is
//! the sum over its items of unit amount × quantity (for a price sold in packs,
//! `transform_quantity`, the quantity divided by the pack size and rounded up or down, as
//! Stripe bills it), per the items' common recurrence: month
//! ×1 is [`Interval::Month`], ×3 [`Interval::Quarter`], year ×1 or month ×12 [`Interval::Year`],
//! any other count [`Interval::Months`]. Items with a tiered, metered or customer-chosen price
//! have no unit amount and are refused ([`StripeError::UnpricedItem`]) rather than skipped,
//! since leaving them out would misstate ARR; days and weeks are refused too.
//!
//! ARR excludes tax. An item's tax rates (its own `tax_rates`, else the subscription's
//! `default_tax_rates`) that are `inclusive` are part of its amount: their percentages summed
//! to `r`, the tax `amount × r / (100 + r)`, rounded half away from zero to a whole minor
//! unit, is taken off the item (a €20.00 price with an inclusive 20 % VAT is €16.67 of MRR).
//! Exclusive rates are added on top of the price and change nothing. A price whose tax the
//! payload does not state is refused ([`StripeError::TaxInclusive`]) rather than booked gross:
//! under Stripe Tax (`automatic_tax.enabled`) one that is not `tax_behavior: exclusive` (the
//! tax depends on the customer's address, or on the account's default tax behavior for an
//! `unspecified` price, which [`map_event_with`] lets the caller state), and otherwise
//! one that is `tax_behavior: inclusive` (or `unspecified` on an account the caller states
//! inclusive) without an inclusive rate, unless the payload says Stripe Tax is off. A renewal
//! invoice's line is taken net of the inclusive tax its `tax_amounts` (`inclusive: true`) or
//! `taxes` (`tax_behavior: inclusive`) state; a line with such tax and a discount (its tax is on
//! the discounted amount, so its undiscounted amount net of tax is not stated), or without
//! `discount_amounts`, or whose price is inclusive (so stated, or unspecified on an account
//! stated inclusive) while it gives no tax at all, is refused. A line that states no tax and no inclusive price is taken
//! as untaxed.
//!
//! # Discounts
//!
//! A coupon with `percent_off` or `amount_off` becomes a [`MrrDiscount`] (forever when its
//! `duration` is `forever`). It is read from the subscription's `discount` (API versions before
//! 2025-03-31) or from an expanded `discounts` entry (`coupon`, or `source.coupon`). Webhooks
//! carry `discounts` as ids only; an id the payload does not expand is refused
//! ([`StripeError::DiscountNotExpanded`]): retrieve the subscription with the discounts expanded
//! and map that, rather than book ARR without the discount. The ledger holds one discount at a
//! time, so two are refused, and so is a discount on one item (`items.data[].discounts`,
//! [`StripeError::ItemDiscount`]): the ledger discounts whole subscriptions. For the same
//! reason a renewal invoice whose subscription line has a discount of its own (the line's
//! `discounts`, not the invoice's) is refused rather than renewed at the undiscounted amount.
//!
//! A coupon restricted to some products (`applies_to.products`) discounts only the items whose
//! price's `product` is listed, as Stripe applies it. A percent off every item of the
//! subscription is that percent; off none of them, no discount (a DiscountEnd in an update that
//! restates it); off some of them, an amount: the percent of those items'
//! amounts (net of tax), rounded half away from zero to a whole minor unit. Since that amount
//! follows the items, an update that changes them restates the discount after the Change. An
//! amount off every item is that amount, off none of them no discount. An amount off some of
//! the items (how Stripe spreads it over them is not in the payload) or an item whose price
//! does not name its product is refused
//! ([`StripeError::RestrictedCoupon`]), never taken off the whole subscription. An
//! `applies_to` with no products (as Stripe expands it on an unrestricted coupon) restricts
//! nothing. Stripe leaves `applies_to` out of a coupon unless it is expanded, and a webhook's
//! payload is never expanded: a coupon without it is read as applying to every item, so a
//! caller whose coupons may be restricted retrieves the coupon with `expand[]=applies_to` and
//! sets [`Coupon::applies_to`] before mapping.
//!
//! ```
//! use revops::arr::{Applied, ArrBook, ArrPolicy};
//! use revops::calendar::Month;
//! use revops::money::InMemoryFxRates;
//! use revops::stripe::{map_event, Event, Mapped};
//! use revops::{Currency, Money};
//!
//! let webhook = r#"{
//!   "id": "evt_1", "object": "event", "type": "customer.subscription.created", "created": 1767225600,
//!   "data": {"object": {
//!     "object": "subscription", "id": "sub_1", "customer": "cus_1", "currency": "usd",
//!     "status": "active", "created": 1767225600, "start_date": 1767225600,
//!     "items": {"object": "list", "has_more": false, "data": [{
//!       "id": "si_1", "quantity": 3,
//!       "price": {"id": "price_1", "currency": "usd", "unit_amount": 2000,
//!                 "recurring": {"interval": "month", "interval_count": 1}}}]}}}
//! }"#;
//! let event: Event = serde_json::from_str(webhook)?;
//! let Mapped::Events(events) = map_event(&event)? else { panic!("a start") };
//!
//! let jan = Month::new(2026, 1)?;
//! let fx = InMemoryFxRates::new();
//! let mut book = ArrBook::build(&[], ArrPolicy::default(), Currency::USD, jan..=jan, &fx)?;
//! assert_eq!(book.apply(&events[0], &fx)?, Applied::New);
//! assert_eq!(book.arr_at(jan)?, Money::parse("720", Currency::USD)?); // 3 × $20 a month
//! // Stripe delivers it again: nothing changes
//! assert_eq!(book.apply(&events[0], &fx)?, Applied::Duplicate);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod objects;

use chrono::{DateTime, Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

pub use error::StripeError;
pub use objects::{
    AutomaticTax, Coupon, CouponAppliesTo, CouponCurrencyOption, CouponRef, Discount, DiscountAmount, DiscountRef,
    DiscountSource, Event, EventData, EventObject, Invoice, InvoiceLine, InvoiceParent, ItemDetails, LineParent,
    LinePeriod, LinePrice, LineTax, LineTaxAmount, List, PreviousAttributes, Price, Recurring, Ref, Subscription,
    SubscriptionDetails, SubscriptionItem, TaxRate, TransformQuantity,
};

use crate::arr::{DiscountOff, EventKind, Interval, MrrDiscount, SubscriptionEvent};
use crate::money::{Currency, Money, Percent};

/// What a Stripe event means for ARR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// The ARR events to apply, in the order to apply them.
    Events(Vec<SubscriptionEvent>),
    /// Nothing: the event does not move ARR, and why.
    Ignored(Ignored),
}

/// Why a Stripe event maps to no ARR event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ignored {
    /// An event type the mapping does not read (`plan.created`, `charge.succeeded` …).
    UnknownType(String),
    /// A subscription update that changed nothing ARR reads (metadata, a new period).
    NoArrChange,
    /// A subscription that is `incomplete`: its first payment has not succeeded.
    Incomplete,
    /// A subscription update to `canceled`: the `deleted` event books it.
    Canceled,
    /// An invoice that bills no subscription.
    NotASubscriptionInvoice,
    /// An invoice of a subscription that is not a renewal (its `billing_reason`).
    NotARenewal(String),
    /// A renewal invoice without subscription lines other than prorations.
    NoSubscriptionLines,
    /// A `subscription_cycle` invoice for a term shorter than a year: the monthly or quarterly
    /// billing of a running subscription, not a contract renewal. (Booked as renewals, a
    /// monthly plan's bills would make the renewed ARR twelve times the ARR.)
    BillingCycle {
        /// The whole months the invoice bills (0 for a cycle of days or weeks).
        months: u32,
    },
}

/// The ARR events a Stripe event maps to (see the [module docs](self) for the rules).
///
/// ```
/// use revops::stripe::{map_event, Event, Ignored, Mapped};
/// let json = r#"{"id": "evt_9", "object": "event", "type": "charge.succeeded", "created": 1767225600,
///                "data": {"object": {"object": "charge", "id": "ch_1"}}}"#;
/// let event: Event = serde_json::from_str(json)?;
/// assert_eq!(map_event(&event)?, Mapped::Ignored(Ignored::UnknownType("charge.succeeded".into())));
///
/// let weekly = json.replace("charge.succeeded", "customer.subscription.created");
/// let weekly: Event = serde_json::from_str(&weekly)?;
/// assert!(map_event(&weekly).is_err()); // a subscription event without a subscription
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// A [`StripeError`] naming the event and what in it cannot be mapped: an unknown currency, a
/// timestamp out of range, missing or truncated items or lines, a tiered, metered or
/// customer-chosen price, a price sold in packs of a size that is not positive, a daily or weekly recurrence, items or lines that disagree, a
/// renewal period that is not whole months, a discount given by id only, two discounts or one on an item, a
/// coupon without an amount, a coupon restricted to products that cannot be applied to their
/// items alone ([`StripeError::RestrictedCoupon`]: an amount off some of the items only, an
/// item's price without its product), a tax-inclusive price or renewal line whose tax the payload does
/// not state ([`StripeError::TaxInclusive`], naming the subscription and the price or line), a
/// cancellation at period end without the period's end, an amount
/// that overflows, or an object of the wrong kind.
pub fn map_event(event: &Event) -> Result<Mapped, StripeError> {
    map_event_with(event, DefaultTaxBehavior::Unknown)
}

/// The account's default tax behavior, from its Stripe Tax settings. Under Stripe Tax
/// (`automatic_tax.enabled`), Stripe applies it to a price whose `tax_behavior` is
/// `unspecified` (or absent); no webhook carries it, so the caller states it. It is applied
/// wherever Stripe Tax may be on: enabled, or `automatic_tax` not given (not when the payload
/// says Stripe Tax is off). An account set to `inferred_by_currency` states, per event, what
/// Stripe infers for the subscription's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DefaultTaxBehavior {
    /// Not stated: an unspecified price under Stripe Tax is refused
    /// ([`StripeError::TaxInclusive`]), since it may include tax.
    #[default]
    Unknown,
    /// Tax is added on top: an unspecified price is net of tax, as an `exclusive` one.
    Exclusive,
    /// Tax is included: an unspecified price is treated as an `inclusive` one, refused under
    /// Stripe Tax (its tax depends on the customer's address, not in the payload) and when the
    /// payload leaves `automatic_tax` unsaid; a renewal line of such a price that states no tax
    /// is refused too.
    Inclusive,
}

/// [`map_event`] for an account whose default tax behavior the caller states: where Stripe
/// Tax may apply it (enabled, or `automatic_tax` not given), a price whose `tax_behavior` is
/// `unspecified` or absent follows it, on a subscription's items and on a renewal line.
///
/// ```
/// use revops::stripe::{map_event_with, DefaultTaxBehavior, Event, Ignored, Mapped};
/// let json = r#"{"id": "evt_9", "object": "event", "type": "charge.succeeded", "created": 1767225600,
///                "data": {"object": {"object": "charge", "id": "ch_1"}}}"#;
/// let event: Event = serde_json::from_str(json)?;
/// let mapped = map_event_with(&event, DefaultTaxBehavior::Exclusive)?;
/// assert_eq!(mapped, Mapped::Ignored(Ignored::UnknownType("charge.succeeded".into())));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`map_event`].
pub fn map_event_with(event: &Event, default_tax: DefaultTaxBehavior) -> Result<Mapped, StripeError> {
    let m = Mapper { event, default_tax };
    match event.kind.as_str() {
        "customer.subscription.created" => m.created(m.subscription()?),
        "customer.subscription.updated" => m.updated(m.subscription()?),
        "customer.subscription.deleted" => m.deleted(m.subscription()?),
        "customer.subscription.paused" => m.on_event_day(m.subscription()?, EventKind::Pause),
        "customer.subscription.resumed" => m.on_event_day(m.subscription()?, EventKind::Resume),
        "invoice.paid" => m.invoice_paid(m.invoice()?),
        other => Ok(Mapped::Ignored(Ignored::UnknownType(other.to_string()))),
    }
}

struct Mapper<'a> {
    event: &'a Event,
    default_tax: DefaultTaxBehavior,
}

impl Mapper<'_> {
    fn id(&self) -> String {
        self.event.id.clone()
    }

    fn subscription(&self) -> Result<&Subscription, StripeError> {
        match &self.event.data.object {
            EventObject::Subscription(s) => Ok(s),
            _ => Err(StripeError::WrongObject {
                event: self.id(),
                kind: self.event.kind.clone(),
                expected: " subscription",
            }),
        }
    }

    fn invoice(&self) -> Result<&Invoice, StripeError> {
        match &self.event.data.object {
            EventObject::Invoice(i) => Ok(i),
            _ => {
                Err(StripeError::WrongObject { event: self.id(), kind: self.event.kind.clone(), expected: "n invoice" })
            }
        }
    }

    fn day(&self, field: &'static str, secs: i64) -> Result<NaiveDate, StripeError> {
        let bad = || StripeError::BadTimestamp { event: self.id(), field, value: secs };
        let day = DateTime::from_timestamp(secs, 0).ok_or_else(bad)?.date_naive();
        // the book adds months to every date it keeps: keep clear of chrono's ends
        if day.year().abs() > 200_000 {
            return Err(bad());
        }
        Ok(day)
    }

    fn sequence(&self) -> Result<u64, StripeError> {
        u64::try_from(self.event.created).map_err(|_| StripeError::BadTimestamp {
            event: self.id(),
            field: "created",
            value: self.event.created,
        })
    }

    fn currency(&self, code: &str) -> Result<Currency, StripeError> {
        code.parse().map_err(|_| StripeError::UnknownCurrency { event: self.id(), code: code.to_string() })
    }

    fn money(&self, what: &str, minor: Decimal, currency: Currency) -> Result<Money, StripeError> {
        let scale = Decimal::from(10u64.pow(stripe_minor_units(currency)));
        minor.checked_div(scale).map(|d| Money::new(d, currency)).ok_or_else(|| self.overflow(what))
    }

    fn overflow(&self, what: &str) -> StripeError {
        StripeError::Overflow { event: self.id(), what: what.to_string() }
    }

    /// The ARR events of this webhook, in the order to apply them, each given as the suffix
    /// naming its kind (`""` for a start, change and the like, `":discount"`, `":cancel"`), its
    /// date and kind; all take the webhook's sequence.
    ///
    /// The first (or only) one takes the Stripe event's id as it is, whatever its kind, so that
    /// `ArrBook::contains_event(&event.id)` says whether the webhook was applied; each other one
    /// takes the id with its suffix. The ids depend on the payload alone, so a redelivery maps
    /// to the same ones. One webhook's are distinct: it maps to at most one event of each
    /// suffix, and only the first goes without. Two webhooks' never meet: Stripe's event ids
    /// are unique and hold no `:`, with which every suffix begins.
    fn arr_events(
        &self,
        sub: &str,
        customer: &str,
        events: Vec<(&'static str, NaiveDate, EventKind)>,
    ) -> Result<Vec<SubscriptionEvent>, StripeError> {
        let bad = |field, why| Err(StripeError::BadId { event: self.id(), field, why });
        for (field, id) in [("event id", self.event.id.as_str()), ("subscription id", sub), ("customer", customer)] {
            if id.is_empty() {
                return bad(field, "is empty");
            }
        }
        if self.event.id.contains(':') {
            return bad("event id", "holds a ':'");
        }
        let sequence = self.sequence()?;
        let with_ids = events.into_iter().enumerate().map(|(n, (suffix, date, kind))| {
            let id = if n == 0 { self.event.id.clone() } else { format!("{}{suffix}", self.event.id) };
            SubscriptionEvent::new(&id, customer, sub, date, kind).at(sequence)
        });
        Ok(with_ids.collect())
    }

    fn created(&self, s: &Subscription) -> Result<Mapped, StripeError> {
        if s.status.as_deref() == Some("incomplete") || s.status.as_deref() == Some("incomplete_expired") {
            return Ok(Mapped::Ignored(Ignored::Incomplete));
        }
        self.start(s).map(Mapped::Events)
    }

    /// A start on the subscription's start date.
    fn start(&self, s: &Subscription) -> Result<Vec<SubscriptionEvent>, StripeError> {
        let date = self.day("start_date", s.start_date.unwrap_or(s.created))?;
        self.start_on(s, date)
    }

    /// A start on `date` with its discount and a pending cancellation, if any.
    fn start_on(&self, s: &Subscription, date: NaiveDate) -> Result<Vec<SubscriptionEvent>, StripeError> {
        let (price, interval) = self.price(s)?;
        let trial_until = match s.trial_end {
            Some(t) => Some(self.day("trial_end", t)?).filter(|t| *t > date),
            None => None,
        };
        let mut out = vec![("", date, EventKind::Start { price, interval, trial_until })];
        if let Some(d) = self.discount(s)? {
            out.push((":discount", date, EventKind::DiscountStart(d)));
        }
        if let Some(cancel) = self.pending_cancel(s)? {
            let today = self.day("created", self.event.created)?.max(date);
            out.push((":cancel", today, cancel));
        }
        self.arr_events(&s.id, s.customer.id(), out)
    }

    fn updated(&self, s: &Subscription) -> Result<Mapped, StripeError> {
        let status = s.status.as_deref();
        if matches!(status, Some("incomplete") | Some("incomplete_expired")) {
            return Ok(Mapped::Ignored(Ignored::Incomplete));
        }
        if status == Some("canceled") {
            return Ok(Mapped::Ignored(Ignored::Canceled));
        }
        let changed = self.event.data.previous_attributes.clone().unwrap_or(PreviousAttributes::ALL);
        if changed.status.as_deref() == Some("incomplete") {
            return self.start(s).map(Mapped::Events);
        }
        let today = self.day("created", self.event.created)?;
        if changed.trial_end {
            // the trial ended early or was extended: only a start sets a trial's end
            return self.start_on(s, today).map(Mapped::Events);
        }
        let cancel_changed = changed.cancel_at_period_end || changed.cancel_at;
        let price_changed = changed.items || changed.plan || changed.quantity;
        // Read when this update books or withdraws it, or changes the price: in the ledger a
        // Change withdraws a pending cancellation, so one the subscription still waits for is
        // restated after it (as a start restates it). An update of neither (a discount) needs
        // neither its time nor the period's end.
        let pending = if cancel_changed || price_changed { self.pending_cancel(s)? } else { None };
        let mut out = Vec::new();
        if price_changed || (cancel_changed && pending.is_none()) {
            let (price, interval) = self.price(s)?;
            out.push(("", today, EventKind::Change { price, interval }));
        }
        // a coupon restricted to some products is an amount off those items: restated with them
        if changed.discount || changed.discounts || (price_changed && self.has_restricted_coupon(s)) {
            let kind = match self.discount(s)? {
                Some(d) => EventKind::DiscountStart(d),
                None => EventKind::DiscountEnd,
            };
            out.push((":discount", today, kind));
        }
        if let Some(cancel) = pending {
            out.push((":cancel", today, cancel));
        }
        if out.is_empty() {
            return Ok(Mapped::Ignored(Ignored::NoArrChange));
        }
        self.arr_events(&s.id, s.customer.id(), out).map(Mapped::Events)
    }

    fn deleted(&self, s: &Subscription) -> Result<Mapped, StripeError> {
        let (field, at) = match (s.ended_at, s.canceled_at) {
            (Some(t), _) => ("ended_at", t),
            (None, Some(t)) => ("canceled_at", t),
            (None, None) => ("created", self.event.created),
        };
        let date = self.day(field, at)?;
        let cancel = EventKind::Cancel { paid_through: None };
        self.arr_events(&s.id, s.customer.id(), vec![("", date, cancel)]).map(Mapped::Events)
    }

    /// One event of `kind` on the day of the webhook.
    fn on_event_day(&self, s: &Subscription, kind: EventKind) -> Result<Mapped, StripeError> {
        let today = self.day("created", self.event.created)?;
        self.arr_events(&s.id, s.customer.id(), vec![("", today, kind)]).map(Mapped::Events)
    }

    /// The cancellation a subscription set to cancel is waiting for: paid through `cancel_at`,
    /// else the current period's end (the subscription's, else its items' latest).
    ///
    /// A cancellation at period end whose payload gives no period end is refused
    /// ([`StripeError::MissingPeriodEnd`]): booked with no `paid_through` it would be a
    /// cancellation at once, taking the ARR out up to a period before Stripe ends the
    /// subscription.
    fn pending_cancel(&self, s: &Subscription) -> Result<Option<EventKind>, StripeError> {
        if !s.cancel_at_period_end && s.cancel_at.is_none() {
            return Ok(None);
        }
        let item_end = s.items.data.iter().filter_map(|i| i.current_period_end).max();
        let paid_through = match (s.cancel_at, s.current_period_end.or(item_end)) {
            (Some(t), _) => self.day("cancel_at", t)?,
            (None, Some(t)) => self.day("current_period_end", t)?,
            (None, None) => return Err(StripeError::MissingPeriodEnd { event: self.id(), subscription: s.id.clone() }),
        };
        Ok(Some(EventKind::Cancel { paid_through: Some(paid_through) }))
    }

    /// The subscription's price per interval: Σ unit amount × quantity over its items.
    fn price(&self, s: &Subscription) -> Result<(Money, Interval), StripeError> {
        let (lines, interval) = self.item_amounts(s)?;
        let mut total = Decimal::ZERO;
        for line in lines {
            total = total.checked_add(line).ok_or_else(|| self.overflow(&format!("subscription {}", s.id)))?;
        }
        Ok((self.money(&format!("subscription {}", s.id), total, self.currency(&s.currency)?)?, interval))
    }

    /// Each item's amount per interval in minor units (unit amount × quantity, net of the tax it
    /// includes), in the order of the items, and their common interval.
    fn item_amounts(&self, s: &Subscription) -> Result<(Vec<Decimal>, Interval), StripeError> {
        if s.items.data.is_empty() || s.items.has_more {
            return Err(StripeError::IncompleteList { event: self.id(), what: "items", object: s.id.clone() });
        }
        let currency = self.currency(&s.currency)?;
        let mut interval = None;
        let mut lines = Vec::with_capacity(s.items.data.len());
        for item in &s.items.data {
            let p = &item.price;
            let unpriced = |why| StripeError::UnpricedItem { event: self.id(), price: p.id.clone(), why };
            if !item.discounts.is_empty() {
                return Err(StripeError::ItemDiscount { event: self.id(), item: item.id.clone() });
            }
            let recurring = p.recurring.as_ref().ok_or_else(|| unpriced("not recurring"))?;
            if recurring.usage_type.as_deref() == Some("metered") {
                return Err(unpriced("metered"));
            }
            if p.billing_scheme.as_deref() == Some("tiered") {
                return Err(unpriced("tiered"));
            }
            let unit = match (&p.unit_amount_decimal, p.unit_amount) {
                // digits too many for a Decimal are an overflow; text that is no number says
                // nothing of a unit amount
                (Some(text), _) => text.parse::<Decimal>().map_err(|_| {
                    let digits = text.strip_prefix('-').unwrap_or(text);
                    let number = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.');
                    if number {
                        self.overflow(&format!("price {}", p.id))
                    } else {
                        unpriced("without a unit amount")
                    }
                })?,
                (None, Some(n)) => Decimal::from(n),
                (None, None) => return Err(unpriced("without a unit amount")),
            };
            if unit.is_sign_negative() && !unit.is_zero() {
                return Err(self.negative(&format!("price {}", p.id), unit));
            }
            if self.currency(&p.currency)? != currency {
                return Err(self.inconsistent("currency", &s.id));
            }
            let this = self.interval(p, recurring)?;
            if interval.is_some_and(|i| i != this) {
                return Err(self.inconsistent("interval", &s.id));
            }
            interval = Some(this);
            let quantity = item.quantity.unwrap_or(1);
            // a price sold in packs bills the packs: the quantity divided and rounded
            let quantity = match &p.transform_quantity {
                None => quantity,
                Some(t) => {
                    let size = u64::try_from(t.divide_by).ok().filter(|n| *n > 0);
                    let size = size.ok_or_else(|| unpriced("sold in packs of a size that is not positive"))?;
                    let (whole, rest) = (quantity / size, quantity % size);
                    match t.round.as_str() {
                        "up" if rest > 0 => whole + 1,
                        "up" | "down" => whole,
                        _ => return Err(unpriced("sold in packs rounded neither up nor down")),
                    }
                }
            };
            let line = unit.checked_mul(Decimal::from(quantity));
            let line = line.ok_or_else(|| self.overflow(&format!("price {}", p.id)))?;
            lines.push(self.net_of_tax(s, item, line)?);
        }
        let interval = interval.ok_or_else(|| self.inconsistent("interval", &s.id))?;
        Ok((lines, interval))
    }

    /// An item's amount (`line`, minor units) without the tax it includes: ARR excludes tax.
    ///
    /// The item's tax rates (its own, else the subscription's `default_tax_rates`) that are
    /// `inclusive` are part of the amount: their percentages summed to `r`, the tax is
    /// `line × r / (100 + r)` rounded to a whole minor unit (half away from zero) and taken off.
    /// Under Stripe Tax (`automatic_tax.enabled`) the tax depends on the customer's address,
    /// which the payload does not carry: a price that is not `exclusive` (itself, or
    /// `unspecified` on an account whose default the caller states as exclusive) is refused. A price
    /// with `tax_behavior` `inclusive` (itself, or `unspecified` on an account stated inclusive)
    /// and no inclusive rate is refused unless the payload says Stripe Tax is off (then no tax
    /// is charged on it).
    fn net_of_tax(&self, s: &Subscription, item: &SubscriptionItem, line: Decimal) -> Result<Decimal, StripeError> {
        let p = &item.price;
        let refuse = |why| StripeError::TaxInclusive {
            event: self.id(),
            subscription: s.id.clone(),
            object: format!("price {}", p.id),
            why,
        };
        // an unspecified price takes the account's default, which the caller states, wherever
        // Stripe Tax may apply it (on, or not said to be off)
        let behavior = self.tax_behavior(p.tax_behavior.as_deref());
        if s.automatic_tax.as_ref().is_some_and(|a| a.enabled) {
            return match behavior {
                Some("exclusive") => Ok(line),
                Some("inclusive") => Err(refuse("Stripe Tax computes it from the customer's address")),
                _ => Err(refuse(
                    "Stripe Tax applies the account's default tax behavior to it, which map_event_with states",
                )),
            };
        }
        let rates = if item.tax_rates.is_empty() { &s.default_tax_rates } else { &item.tax_rates };
        let mut points = Decimal::ZERO;
        let mut inclusive = false;
        for rate in rates.iter().filter(|r| r.inclusive) {
            inclusive = true;
            let flat = rate.rate_type.as_deref().is_some_and(|t| t != "percentage");
            let percent = rate.percentage.filter(|_| !flat).and_then(|p| format!("{p}").parse::<Decimal>().ok());
            let percent = percent.filter(|p| !p.is_sign_negative() && *p <= Decimal::ONE_HUNDRED);
            let percent = percent.ok_or_else(|| refuse("an inclusive tax rate without a percentage from 0 to 100"))?;
            points = points.checked_add(percent).ok_or_else(|| self.overflow(&format!("price {}", p.id)))?;
        }
        if !inclusive {
            return match (behavior, s.automatic_tax.as_ref()) {
                (Some("inclusive"), None) => Err(refuse("automatic_tax is not given, so Stripe Tax may compute it")),
                _ => Ok(line),
            };
        }
        let tax = line
            .checked_mul(points)
            .and_then(|t| t.checked_div(Decimal::ONE_HUNDRED + points))
            .map(|t| t.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
            .ok_or_else(|| self.overflow(&format!("price {}", p.id)))?;
        Ok(line - tax)
    }

    /// A price's `tax_behavior` as Stripe Tax applies it: `exclusive` or `inclusive` as stated,
    /// else (`unspecified` or absent) the account's default when the caller states it.
    fn tax_behavior<'p>(&self, stated: Option<&'p str>) -> Option<&'p str> {
        match (stated, self.default_tax) {
            (Some("exclusive" | "inclusive"), _) => stated,
            (_, DefaultTaxBehavior::Exclusive) => Some("exclusive"),
            (_, DefaultTaxBehavior::Inclusive) => Some("inclusive"),
            (_, DefaultTaxBehavior::Unknown) => stated,
        }
    }

    /// A renewal line's amount (minor units) without the tax it includes, as its `tax_amounts`
    /// (`inclusive: true`) or `taxes` (`tax_behavior: inclusive`) state it. The tax of a line
    /// with a discount is on the discounted amount, so the undiscounted amount net of tax is
    /// not stated: refused, as is a line whose price is `inclusive` (itself, or `unspecified`
    /// on an account stated inclusive) and that states no tax.
    fn line_net_of_tax(&self, sub: &str, l: &InvoiceLine) -> Result<Decimal, StripeError> {
        let refuse = |why| StripeError::TaxInclusive {
            event: self.id(),
            subscription: sub.to_string(),
            object: format!("line {}", l.id),
            why,
        };
        let legacy = l.tax_amounts.iter().flatten().filter(|t| t.inclusive).map(|t| t.amount);
        let current = l.taxes.iter().flatten().filter(|t| t.tax_behavior == "inclusive").map(|t| t.amount);
        let mut tax = Decimal::ZERO;
        for amount in legacy.chain(current) {
            tax = tax.checked_add(Decimal::from(amount)).ok_or_else(|| self.overflow(&format!("line {}", l.id)))?;
        }
        let stated = l.tax_amounts.is_some() || l.taxes.is_some();
        let inclusive_price =
            l.price.as_ref().is_some_and(|p| self.tax_behavior(p.tax_behavior.as_deref()) == Some("inclusive"));
        if !stated && inclusive_price {
            return Err(refuse("its price is inclusive and the line gives no tax_amounts or taxes"));
        }
        if tax.is_zero() {
            return Ok(Decimal::from(l.amount));
        }
        let undiscounted = l.discount_amounts.as_ref().is_some_and(|d| d.iter().all(|d| d.amount == 0));
        if !undiscounted {
            return Err(refuse("its tax is on the discounted amount, and the line is or may be discounted"));
        }
        Decimal::from(l.amount).checked_sub(tax).ok_or_else(|| self.overflow(&format!("line {}", l.id)))
    }

    fn negative(&self, what: &str, amount: Decimal) -> StripeError {
        StripeError::NegativeAmount { event: self.id(), what: what.to_string(), amount }
    }

    fn inconsistent(&self, what: &'static str, object: &str) -> StripeError {
        StripeError::Inconsistent { event: self.id(), what, object: object.to_string() }
    }

    fn interval(&self, p: &Price, r: &Recurring) -> Result<Interval, StripeError> {
        let per = match r.interval.as_str() {
            "month" => 1,
            "year" => 12,
            _ => 0,
        };
        let months = u32::try_from(r.interval_count).ok().and_then(|n| n.checked_mul(per)).filter(|m| *m > 0);
        months.map(interval_of).ok_or_else(|| StripeError::UnsupportedInterval {
            event: self.id(),
            price: p.id.clone(),
            interval: r.interval.clone(),
            count: r.interval_count,
        })
    }

    /// The one discount on a subscription, if any.
    fn discount(&self, s: &Subscription) -> Result<Option<MrrDiscount>, StripeError> {
        let legacy_id = s.discount.as_ref().and_then(|d| d.id.as_deref());
        let mut coupons = Vec::new();
        if let Some(d) = &s.discount {
            coupons.push(self.coupon_of(d)?);
        }
        for r in &s.discounts {
            match r {
                DiscountRef::Id(id) if Some(id.as_str()) == legacy_id => {}
                DiscountRef::Id(id) => {
                    return Err(StripeError::DiscountNotExpanded { event: self.id(), id: id.clone() })
                }
                DiscountRef::Object(d) if d.id.is_some() && d.id.as_deref() == legacy_id => {}
                DiscountRef::Object(d) => coupons.push(self.coupon_of(d)?),
            }
        }
        if coupons.len() > 1 {
            return Err(StripeError::StackedDiscounts {
                event: self.id(),
                subscription: s.id.clone(),
                count: coupons.len(),
            });
        }
        let currency = self.currency(&s.currency)?;
        let Some(c) = coupons.pop() else { return Ok(None) };
        let discount = self.mrr_discount(c, currency)?;
        match &c.applies_to {
            // expanded on an unrestricted coupon, `applies_to` lists no products
            Some(to) if !to.products.is_empty() => self.restricted(s, c, to, discount),
            _ => Ok(Some(discount)),
        }
    }

    /// A coupon restricted to some products, on their items alone. A percent off all of the
    /// subscription's items is that percent; off none of them, no discount; off some, an
    /// amount: the percent of those items' amounts (net of tax), rounded half away from zero
    /// to a whole minor unit, which a price change restates. An amount off every item is that
    /// amount, off none of them no discount; an amount off some of them, and an item whose price
    /// does not name its product, are refused.
    fn restricted(
        &self,
        s: &Subscription,
        c: &Coupon,
        to: &CouponAppliesTo,
        discount: MrrDiscount,
    ) -> Result<Option<MrrDiscount>, StripeError> {
        let refuse = |why| StripeError::RestrictedCoupon {
            event: self.id(),
            coupon: c.id.clone(),
            subscription: s.id.clone(),
            why,
        };
        let (lines, _) = self.item_amounts(s)?;
        let (mut eligible, mut count) = (Decimal::ZERO, 0);
        for (item, line) in s.items.data.iter().zip(lines) {
            let product =
                item.price.product.as_ref().ok_or_else(|| refuse("an item's price does not name its product"))?;
            if to.products.iter().any(|p| p == product.id()) {
                eligible = eligible.checked_add(line).ok_or_else(|| self.overflow(&format!("coupon {}", c.id)))?;
                count += 1;
            }
        }
        if count == s.items.data.len() {
            return Ok(Some(discount));
        }
        if count == 0 {
            return Ok(None);
        }
        let DiscountOff::Percent(percent) = discount.off else {
            return Err(refuse("is an amount off some of its items, which the payload does not say how to spread"));
        };
        let off = eligible
            .checked_mul(percent.fraction())
            .map(|d| d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
            .ok_or_else(|| self.overflow(&format!("coupon {}", c.id)))?;
        let off = self.money(&format!("coupon {}", c.id), off, self.currency(&s.currency)?)?;
        Ok(Some(MrrDiscount { off: DiscountOff::Amount(off), ..discount }))
    }

    /// Whether the subscription's discount, as far as the payload expands it, is a coupon
    /// restricted to some products: its amount off then follows the items, so a price change
    /// restates it.
    fn has_restricted_coupon(&self, s: &Subscription) -> bool {
        let expanded = s.discounts.iter().filter_map(|r| match r {
            DiscountRef::Object(d) => Some(d.as_ref()),
            DiscountRef::Id(_) => None,
        });
        let restricted = |c: &Coupon| c.applies_to.as_ref().is_some_and(|to| !to.products.is_empty());
        s.discount.iter().chain(expanded).any(|d| self.coupon_of(d).is_ok_and(restricted))
    }

    fn coupon_of<'d>(&self, d: &'d Discount) -> Result<&'d Coupon, StripeError> {
        let unexpanded = |id: &str| StripeError::DiscountNotExpanded { event: self.id(), id: id.to_string() };
        match (&d.coupon, d.source.as_ref().and_then(|s| s.coupon.as_ref())) {
            (Some(c), _) | (None, Some(CouponRef::Object(c))) => Ok(c),
            (None, Some(CouponRef::Id(id))) => Err(unexpanded(id)),
            (None, None) => Err(unexpanded(d.id.as_deref().unwrap_or("(no id)"))),
        }
    }

    /// The coupon as a discount on a subscription billed in `currency`: refused here, before
    /// any event is made, when the ledger would refuse it (a percent outside 0–100 %, an amount
    /// in another currency with no `currency_options` entry for this one), rather than booking
    /// the start and failing on the discount.
    fn mrr_discount(&self, c: &Coupon, currency: Currency) -> Result<MrrDiscount, StripeError> {
        let bad = || StripeError::BadCoupon { event: self.id(), coupon: c.id.clone() };
        let off = match (c.percent_off, c.amount_off, c.currency.as_deref()) {
            (Some(p), _, _) => {
                // the shortest text that reads back as the same f64: 25.5, never 25.499999…
                let points: Decimal = format!("{p}").parse().map_err(|_| bad())?;
                let percent = Percent::from_points(points).map_err(|_| bad())?;
                if !percent.is_unit() {
                    return Err(bad());
                }
                DiscountOff::Percent(percent)
            }
            (None, Some(a), Some(code)) => {
                // a multi-currency coupon: Stripe takes the amount of the subscription's
                // currency from `currency_options`
                let amount = if self.currency(code)? == currency {
                    a
                } else {
                    let option = c.currency_options.iter().find(|(k, _)| self.currency(k).ok() == Some(currency));
                    option.and_then(|(_, o)| o.amount_off).ok_or_else(bad)?
                };
                if amount < 0 {
                    return Err(bad());
                }
                DiscountOff::Amount(self.money(&format!("coupon {}", c.id), Decimal::from(amount), currency)?)
            }
            _ => return Err(bad()),
        };
        Ok(MrrDiscount { off, forever: c.duration == "forever" })
    }

    fn invoice_paid(&self, inv: &Invoice) -> Result<Mapped, StripeError> {
        let from_parent = inv
            .parent
            .as_ref()
            .filter(|p| p.kind.as_deref().is_none_or(|k| k == "subscription_details"))
            .and_then(|p| p.subscription_details.as_ref()?.subscription.as_ref());
        let Some(sub) = inv.subscription.as_ref().or(from_parent) else {
            return Ok(Mapped::Ignored(Ignored::NotASubscriptionInvoice));
        };
        match inv.billing_reason.as_deref() {
            Some("subscription_cycle") => {}
            other => return Ok(Mapped::Ignored(Ignored::NotARenewal(other.unwrap_or("").to_string()))),
        }
        if inv.lines.has_more {
            return Err(StripeError::IncompleteList { event: self.id(), what: "lines", object: inv.id.clone() });
        }
        let lines: Vec<&InvoiceLine> = inv.lines.data.iter().filter(|l| is_renewal_line(l)).collect();
        let Some(first) = lines.first() else {
            return Ok(Mapped::Ignored(Ignored::NoSubscriptionLines));
        };
        let currency = self.currency(&inv.currency)?;
        let mut total = Decimal::ZERO;
        for l in &lines {
            if l.period != first.period {
                return Err(self.inconsistent("period", &inv.id));
            }
            if self.currency(&l.currency)? != currency {
                return Err(self.inconsistent("currency", &inv.id));
            }
            total = total
                .checked_add(Decimal::from(l.amount))
                .ok_or_else(|| self.overflow(&format!("invoice {}", inv.id)))?;
        }
        if total.is_sign_negative() && !total.is_zero() {
            return Err(self.negative(&format!("invoice {}", inv.id), total));
        }
        let (start, end) = (self.day("period.start", first.period.start)?, self.day("period.end", first.period.end)?);
        // a cycle shorter than a year is billing, whole months or not (a weekly plan's)
        let under_a_year = start < end && start.checked_add_months(Months::new(12)).is_none_or(|year| end < year);
        let months = match whole_months(start, end) {
            Some(months) => months,
            None if under_a_year => 0,
            None => {
                return Err(StripeError::PeriodNotWholeMonths { event: self.id(), line: first.id.clone(), start, end })
            }
        };
        if months < 12 {
            return Ok(Mapped::Ignored(Ignored::BillingCycle { months }));
        }
        // `amount` is before discounts: the subscription's discount is the ledger's (and the
        // invoice's), but one on a line alone (its item's) would be left out of the renewal
        if let Some(l) = lines.iter().find(|l| !l.discounts.is_empty()) {
            return Err(StripeError::ItemDiscount { event: self.id(), item: l.id.clone() });
        }
        // ARR excludes tax: the lines net of the inclusive tax they state
        let mut net = Decimal::ZERO;
        for l in &lines {
            let line = self.line_net_of_tax(sub.id(), l)?;
            net = net.checked_add(line).ok_or_else(|| self.overflow(&format!("invoice {}", inv.id)))?;
        }
        if net.is_sign_negative() && !net.is_zero() {
            return Err(self.negative(&format!("invoice {}", inv.id), net));
        }
        let price = self.money(&format!("invoice {}", inv.id), net, currency)?;
        let renew = EventKind::Renew { price, interval: interval_of(months) };
        self.arr_events(sub.id(), inv.customer.id(), vec![("", start, renew)]).map(Mapped::Events)
    }
}

/// A line that bills a subscription's recurring price (not a proration, not a one-off item).
fn is_renewal_line(l: &InvoiceLine) -> bool {
    let legacy = l.kind.as_deref() == Some("subscription") && l.proration != Some(true);
    let current = l.parent.as_ref().is_some_and(|p| {
        p.kind == "subscription_item_details" && p.subscription_item_details.as_ref().is_some_and(|d| !d.proration)
    });
    legacy || current
}

/// The named interval for 1, 3 and 12 months, else `Months(n)`.
fn interval_of(months: u32) -> Interval {
    match months {
        1 => Interval::Month,
        3 => Interval::Quarter,
        12 => Interval::Year,
        n => Interval::Months(n),
    }
}

/// Whole months from `start` to `end` on one billing anchor day: Jan 15 → Feb 15, Jan 31 →
/// Feb 28 (the anchor clamped to a short month), Feb 28 → Mar 31 (back to it). `None` when
/// the period is not.
fn whole_months(start: NaiveDate, end: NaiveDate) -> Option<u32> {
    let n = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
    let n = u32::try_from(n).ok().filter(|n| *n > 0)?;
    let last_day = |d: NaiveDate| d.succ_opt().is_none_or(|next| next.month() != d.month());
    let on_anchor = start.day() == end.day()
        || (last_day(end) && end.day() < start.day())
        || (last_day(start) && end.day() > start.day());
    // one anchor both ends sit on: the anchor lands on the end when added n months
    (on_anchor && start.checked_add_months(Months::new(n)).is_some()).then_some(n)
}

/// Digits of a currency's minor unit in Stripe's API amounts: ISO 4217's, but for Stripe's
/// exceptions. ISK stays two-decimal ("an ISK amount of 100 will continue to represent 1
/// króna", Stripe's note on the deprecation of fractional ISK charges), and Stripe's
/// zero-decimal currencies (docs.stripe.com/currencies) include MGA, which ISO gives two.
fn stripe_minor_units(currency: Currency) -> u32 {
    match currency {
        Currency::ISK => 2,
        Currency::MGA => 0,
        other => other.minor_units(),
    }
}
