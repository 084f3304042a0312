//! The subset of Stripe's Event, Subscription and Invoice objects the mapping reads. Every other
//! field is ignored, so payloads of any API version deserialize; fields that moved between
//! versions are read from either place.

/// Deserialize as `true` when the key is present (even as `null`); with `#[serde(default)]`,
/// `false` when it is absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

use serde::Deserialize;

/// A Stripe [Event](https://docs.stripe.com/api/events/object): what a webhook delivers.
///
/// ```
/// let json = r#"{"id": "evt_1", "object": "event", "type": "plan.created", "created": 1721954054,
///                "data": {"object": {"object": "plan", "id": "price_1"}}}"#;
/// let event: revops::stripe::Event = serde_json::from_str(json)?;
/// assert_eq!(event.kind, "plan.created");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Event {
    /// `evt_…`: becomes the id of the (first) ARR event it maps to; any others take it with a
    /// suffix (`evt_…:discount`, `evt_…:cancel`).
    pub id: String,
    /// `customer.subscription.created`, `invoice.paid` …
    #[serde(rename = "type")]
    pub kind: String,
    /// When Stripe created the event, in Unix seconds: becomes the ARR events' sequence.
    pub created: i64,
    /// The object, and what changed.
    pub data: EventData,
}

/// An event's `data`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventData {
    /// The object as it is after the event.
    pub object: EventObject,
    /// Which attributes an `*.updated` event changed (their values are not read).
    #[serde(default)]
    pub previous_attributes: Option<PreviousAttributes>,
}

/// The object an event carries, told apart by its `object` field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "object")]
#[allow(clippy::large_enum_variant)] // read once per webhook
pub enum EventObject {
    /// `"object": "subscription"`.
    #[serde(rename = "subscription")]
    Subscription(Subscription),
    /// `"object": "invoice"`.
    #[serde(rename = "invoice")]
    Invoice(Invoice),
    /// Any other object (a plan, a customer …): not read.
    #[serde(other)]
    Other,
}

/// The keys of `previous_attributes` the mapping looks at: which of them are present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PreviousAttributes {
    /// The items changed (a price, a quantity, an item added or removed).
    #[serde(default, deserialize_with = "present")]
    pub items: bool,
    /// The legacy `plan` changed.
    #[serde(default, deserialize_with = "present")]
    pub plan: bool,
    /// The legacy `quantity` changed.
    #[serde(default, deserialize_with = "present")]
    pub quantity: bool,
    /// `cancel_at_period_end` changed.
    #[serde(default, deserialize_with = "present")]
    pub cancel_at_period_end: bool,
    /// `cancel_at` changed.
    #[serde(default, deserialize_with = "present")]
    pub cancel_at: bool,
    /// The legacy `discount` changed.
    #[serde(default, deserialize_with = "present")]
    pub discount: bool,
    /// `discounts` changed.
    #[serde(default, deserialize_with = "present")]
    pub discounts: bool,
    /// `trial_end` changed (a trial ended early or extended).
    #[serde(default, deserialize_with = "present")]
    pub trial_end: bool,
    /// The status before, when it changed (`"incomplete"` when the first payment just
    /// succeeded).
    #[serde(default)]
    pub status: Option<String>,
}

impl PreviousAttributes {
    /// Everything the mapping reads changed, but the trial's end: what an `*.updated` event
    /// without `previous_attributes` is taken to say. A changed `trial_end` is mapped to a
    /// restart (a Start on the day of the event: only a start sets a trial's end), which begins
    /// a new contract; an update that does not say its trial changed is not read as one.
    pub const ALL: PreviousAttributes = PreviousAttributes {
        items: true,
        plan: true,
        quantity: true,
        cancel_at_period_end: true,
        cancel_at: true,
        discount: true,
        discounts: true,
        trial_end: false,
        status: None,
    };
}

/// A reference to another object: its id, or the object expanded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Ref {
    /// `"cus_…"`.
    Id(String),
    /// `{"id": "cus_…", …}`.
    Object {
        /// The object's id.
        id: String,
    },
}

impl Ref {
    /// The id either way.
    pub fn id(&self) -> &str {
        match self {
            Ref::Id(id) | Ref::Object { id } => id,
        }
    }
}

/// A Stripe [Subscription](https://docs.stripe.com/api/subscriptions/object).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Subscription {
    /// `sub_…`.
    pub id: String,
    /// The customer.
    pub customer: Ref,
    /// Three-letter ISO code, lower case (`"usd"`).
    pub currency: String,
    /// `active`, `trialing`, `canceled` …
    #[serde(default)]
    pub status: Option<String>,
    /// Creation time (Unix seconds).
    pub created: i64,
    /// When the subscription started (may be before `created` for a backdated one).
    #[serde(default)]
    pub start_date: Option<i64>,
    /// End of the trial, if any.
    #[serde(default)]
    pub trial_end: Option<i64>,
    /// Cancel at the end of the current period.
    #[serde(default)]
    pub cancel_at_period_end: bool,
    /// A scheduled cancellation time.
    #[serde(default)]
    pub cancel_at: Option<i64>,
    /// When it was cancelled.
    #[serde(default)]
    pub canceled_at: Option<i64>,
    /// When it ended.
    #[serde(default)]
    pub ended_at: Option<i64>,
    /// End of the current period (API versions before 2025-03-31; later ones keep it on items).
    #[serde(default)]
    pub current_period_end: Option<i64>,
    /// The items, each a price and a quantity.
    pub items: List<SubscriptionItem>,
    /// The discount (API versions before 2025-03-31).
    #[serde(default)]
    pub discount: Option<Discount>,
    /// The discounts (ids, or objects when expanded).
    #[serde(default)]
    pub discounts: Vec<DiscountRef>,
    /// Whether Stripe Tax computes the tax (`automatic_tax.enabled`); absent when not given.
    #[serde(default)]
    pub automatic_tax: Option<AutomaticTax>,
    /// The tax rates of items that have none of their own.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub default_tax_rates: Vec<TaxRate>,
}

/// A subscription's `automatic_tax`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AutomaticTax {
    /// Stripe Tax computes the tax from the customer's address: its amount is not in the
    /// subscription's payload.
    pub enabled: bool,
}

/// A [Tax Rate](https://docs.stripe.com/api/tax_rates/object) on a subscription or an item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TaxRate {
    /// `txr_…`.
    pub id: String,
    /// Whether the tax is part of the price (inclusive) or added on top of it (exclusive).
    pub inclusive: bool,
    /// The rate in percent (`20` for 20 %).
    #[serde(default)]
    pub percentage: Option<f64>,
    /// `percentage` or `flat_amount`.
    #[serde(default)]
    pub rate_type: Option<String>,
}

/// `null` as an empty list.
fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
}

/// A list object.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct List<T> {
    /// The entries given.
    pub data: Vec<T>,
    /// Whether there are more than `data` holds.
    #[serde(default)]
    pub has_more: bool,
}

/// A subscription item.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SubscriptionItem {
    /// `si_…`.
    pub id: String,
    /// The price.
    pub price: Price,
    /// Quantity (absent for metered prices).
    #[serde(default)]
    pub quantity: Option<u64>,
    /// End of the item's current period (API versions from 2025-03-31).
    #[serde(default)]
    pub current_period_end: Option<i64>,
    /// Discounts on this item alone (ids, or objects when expanded), which Stripe applies
    /// before the subscription's.
    #[serde(default)]
    pub discounts: Vec<DiscountRef>,
    /// The item's own tax rates, which replace the subscription's `default_tax_rates`.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tax_rates: Vec<TaxRate>,
}

/// A [Price](https://docs.stripe.com/api/prices/object).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Price {
    /// `price_…`.
    pub id: String,
    /// The product (an id, or the product expanded): matched against a coupon's
    /// `applies_to.products`.
    #[serde(default)]
    pub product: Option<Ref>,
    /// Three-letter ISO code, lower case.
    pub currency: String,
    /// Unit amount in minor units (cents; yen for JPY).
    #[serde(default)]
    pub unit_amount: Option<i64>,
    /// The same with up to 12 decimal places, as a string (`"2000.5"`).
    #[serde(default)]
    pub unit_amount_decimal: Option<String>,
    /// `per_unit` or `tiered`.
    #[serde(default)]
    pub billing_scheme: Option<String>,
    /// The recurrence, for a recurring price.
    #[serde(default)]
    pub recurring: Option<Recurring>,
    /// A price sold in packs: the quantity is divided by `divide_by` and rounded before the
    /// unit amount applies.
    #[serde(default)]
    pub transform_quantity: Option<TransformQuantity>,
    /// `inclusive` (the unit amount includes tax), `exclusive` or `unspecified` (the account's
    /// Stripe Tax default); read for Stripe Tax, while a Tax Rate's own `inclusive` decides for
    /// tax rates.
    #[serde(default)]
    pub tax_behavior: Option<String>,
}

/// A price's [`transform_quantity`](https://docs.stripe.com/api/prices/object#price_object-transform_quantity):
/// Stripe bills `unit_amount` × the quantity divided by `divide_by`, rounded `up` or `down`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TransformQuantity {
    /// The pack size.
    pub divide_by: i64,
    /// `up` or `down`.
    pub round: String,
}

/// A price's recurrence.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Recurring {
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    /// How many intervals a period is.
    pub interval_count: u64,
    /// `licensed` or `metered`.
    #[serde(default)]
    pub usage_type: Option<String>,
}

/// A discount reference: an id (`di_…`), or the discount expanded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum DiscountRef {
    /// An id only: the coupon cannot be read.
    Id(String),
    /// The discount.
    Object(Box<Discount>),
}

/// A [Discount](https://docs.stripe.com/api/discounts/object).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Discount {
    /// `di_…`.
    #[serde(default)]
    pub id: Option<String>,
    /// The coupon (API versions before 2025-09-30).
    #[serde(default)]
    pub coupon: Option<Coupon>,
    /// Where the discount comes from (later API versions): `source.coupon`.
    #[serde(default)]
    pub source: Option<DiscountSource>,
}

/// A discount's source.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DiscountSource {
    /// The coupon, an id or expanded.
    #[serde(default)]
    pub coupon: Option<CouponRef>,
}

/// A coupon reference: an id, or the coupon expanded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum CouponRef {
    /// An id only.
    Id(String),
    /// The coupon.
    Object(Coupon),
}

/// A [Coupon](https://docs.stripe.com/api/coupons/object).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Coupon {
    /// The coupon's id.
    pub id: String,
    /// Percent off (`25.5` for 25.5%).
    #[serde(default)]
    pub percent_off: Option<f64>,
    /// Amount off in minor units of `currency`.
    #[serde(default)]
    pub amount_off: Option<i64>,
    /// The currency of `amount_off`.
    #[serde(default)]
    pub currency: Option<String>,
    /// A multi-currency coupon's amounts in other currencies, by lower-case code.
    #[serde(default)]
    pub currency_options: std::collections::BTreeMap<String, CouponCurrencyOption>,
    /// `forever`, `once` or `repeating`.
    pub duration: String,
    /// The products the coupon is restricted to, if any (absent, `null` or no products: every
    /// item). Stripe includes it only when it is expanded (`expand[]=applies_to`), which a
    /// webhook's payload never is.
    #[serde(default)]
    pub applies_to: Option<CouponAppliesTo>,
}

/// A coupon's [`applies_to`](https://docs.stripe.com/api/coupons/object#coupon_object-applies_to):
/// Stripe discounts only the items whose price's product is listed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CouponAppliesTo {
    /// The product ids (`prod_…`).
    #[serde(default)]
    pub products: Vec<String>,
}

/// A coupon's amount in one more currency.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CouponCurrencyOption {
    /// Amount off in minor units of that currency.
    #[serde(default)]
    pub amount_off: Option<i64>,
}

/// A Stripe [Invoice](https://docs.stripe.com/api/invoices/object).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Invoice {
    /// `in_…`.
    pub id: String,
    /// The customer.
    pub customer: Ref,
    /// Three-letter ISO code, lower case.
    pub currency: String,
    /// `subscription_cycle`, `subscription_create`, `subscription_update`, `manual` …
    #[serde(default)]
    pub billing_reason: Option<String>,
    /// The subscription (API versions before 2025-03-31).
    #[serde(default)]
    pub subscription: Option<Ref>,
    /// Where the invoice comes from (API versions from 2025-03-31).
    #[serde(default)]
    pub parent: Option<InvoiceParent>,
    /// The lines.
    pub lines: List<InvoiceLine>,
}

/// An invoice's parent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvoiceParent {
    /// `subscription_details` or `quote_details`: which of the details to read.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Set for a subscription's invoice.
    #[serde(default)]
    pub subscription_details: Option<SubscriptionDetails>,
}

/// The subscription an invoice (or a line) bills.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SubscriptionDetails {
    /// The subscription.
    #[serde(default)]
    pub subscription: Option<Ref>,
}

/// An invoice line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InvoiceLine {
    /// `il_…`.
    pub id: String,
    /// The line's amount in minor units, before discounts.
    pub amount: i64,
    /// Three-letter ISO code, lower case.
    pub currency: String,
    /// The service period.
    pub period: LinePeriod,
    /// `subscription` or `invoiceitem` (API versions before 2025-03-31).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Whether the line is a proration (API versions before 2025-03-31).
    #[serde(default)]
    pub proration: Option<bool>,
    /// Where the line comes from (API versions from 2025-03-31).
    #[serde(default)]
    pub parent: Option<LineParent>,
    /// Discounts on this line alone (a subscription item's; ids, or objects when expanded),
    /// which Stripe applies before the invoice's. The subscription's discount is the invoice's.
    #[serde(default)]
    pub discounts: Vec<DiscountRef>,
    /// The line's price (API versions before 2025-03-31): only its `tax_behavior` is read.
    #[serde(default)]
    pub price: Option<LinePrice>,
    /// The tax on the line (API versions before 2025-03-31); absent or `null` when not given.
    #[serde(default)]
    pub tax_amounts: Option<Vec<LineTaxAmount>>,
    /// The tax on the line (API versions from 2025-03-31); absent or `null` when not given.
    #[serde(default)]
    pub taxes: Option<Vec<LineTax>>,
    /// The discounts taken off the line, each an amount; absent or `null` when not given.
    #[serde(default)]
    pub discount_amounts: Option<Vec<DiscountAmount>>,
}

/// An invoice line's price, as far as the mapping reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LinePrice {
    /// `price_…`.
    #[serde(default)]
    pub id: Option<String>,
    /// `inclusive`, `exclusive` or `unspecified`.
    #[serde(default)]
    pub tax_behavior: Option<String>,
}

/// One tax on a line (`tax_amounts[]`, API versions before 2025-03-31).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LineTaxAmount {
    /// The tax, in minor units.
    pub amount: i64,
    /// Whether it is part of the line's `amount`.
    pub inclusive: bool,
}

/// One tax on a line (`taxes[]`, API versions from 2025-03-31).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LineTax {
    /// The tax, in minor units.
    pub amount: i64,
    /// `inclusive` (part of the line's `amount`) or `exclusive`.
    pub tax_behavior: String,
}

/// A discount's amount on a line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DiscountAmount {
    /// The amount taken off, in minor units.
    pub amount: i64,
}

/// A line's service period, in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct LinePeriod {
    /// Start.
    pub start: i64,
    /// End.
    pub end: i64,
}

/// A line's parent (API versions from 2025-03-31).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LineParent {
    /// `subscription_item_details` or `invoice_item_details`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Set for a subscription item's line.
    #[serde(default)]
    pub subscription_item_details: Option<ItemDetails>,
}

/// The subscription item a line bills.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ItemDetails {
    /// Whether the line is a proration.
    #[serde(default)]
    pub proration: bool,
}
