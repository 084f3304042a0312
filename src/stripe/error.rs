/// Why a Stripe event does not map to ARR events. Each names the event and the object or field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StripeError {
    /// A currency code the crate does not know.
    #[error("event {event}: currency {code:?} is not an ISO 4217 code the crate knows")]
    UnknownCurrency {
        /// The event's id.
        event: String,
        /// The code given.
        code: String,
    },
    /// A timestamp outside the dates the crate handles, or a negative `created`.
    #[error("event {event}: {field} = {value} is not a time the crate can date")]
    BadTimestamp {
        /// The event's id.
        event: String,
        /// The field.
        field: &'static str,
        /// Its value, in Unix seconds.
        value: i64,
    },
    /// A subscription with no items, or a list Stripe says has more entries than the payload
    /// holds: its MRR cannot be summed.
    #[error("event {event}: the {what} of {object} are missing or truncated (has_more); fetch the full list")]
    IncompleteList {
        /// The event's id.
        event: String,
        /// `"items"` or `"lines"`.
        what: &'static str,
        /// The subscription or invoice.
        object: String,
    },
    /// A subscription set to cancel at the end of its period (`cancel_at_period_end`, without a
    /// `cancel_at`) whose payload gives that end neither on the subscription nor on its items.
    /// Booked without it, the cancellation would take the ARR out at once, up to a period
    /// before Stripe ends the subscription.
    #[error(
        "event {event}: subscription {subscription} cancels at the end of its period but carries no current_period_end, on it or its items; retrieve the subscription and map that"
    )]
    MissingPeriodEnd {
        /// The event's id.
        event: String,
        /// The subscription.
        subscription: String,
    },
    /// A price with no per-unit amount (tiered, metered or customer-chosen), or sold in packs
    /// that Stripe would not bill.
    #[error("event {event}: price {price} is {why}; its MRR is not a unit amount times a quantity")]
    UnpricedItem {
        /// The event's id.
        event: String,
        /// The price's id.
        price: String,
        /// `"tiered"`, `"metered"`, `"not recurring"`, `"without a unit amount"`, or sold in packs
        /// (`transform_quantity`) of a size or rounding Stripe does not accept.
        why: &'static str,
    },
    /// A recurrence in days or weeks, which no whole number of months covers.
    #[error("event {event}: price {price} recurs every {count} {interval}; only months and years map to ARR")]
    UnsupportedInterval {
        /// The event's id.
        event: String,
        /// The price's id.
        price: String,
        /// Stripe's `interval`.
        interval: String,
        /// Stripe's `interval_count`.
        count: u64,
    },
    /// Items or lines that disagree on what they all must share (currency, interval, period).
    #[error("event {event}: the {what} of {object} differ between its items or lines")]
    Inconsistent {
        /// The event's id.
        event: String,
        /// `"currency"`, `"interval"` or `"period"`.
        what: &'static str,
        /// The subscription or invoice.
        object: String,
    },
    /// An invoice line period that is not a whole number of months.
    #[error("event {event}: line {line} covers {start} to {end}, not a whole number of months")]
    PeriodNotWholeMonths {
        /// The event's id.
        event: String,
        /// The line's id.
        line: String,
        /// Its start.
        start: chrono::NaiveDate,
        /// Its end.
        end: chrono::NaiveDate,
    },
    /// A discount given only by id: webhooks do not expand it, so the coupon is unknown.
    #[error(
        "event {event}: discount {id} is an id only; retrieve the subscription with discounts expanded and map that"
    )]
    DiscountNotExpanded {
        /// The event's id.
        event: String,
        /// The discount (or coupon) id.
        id: String,
    },
    /// A discount on one of a subscription's items, or on one line of its renewal invoice: the
    /// ledger's discount is on the whole subscription, and leaving it out would overstate the
    /// item's MRR.
    #[error("event {event}: item {item} has a discount of its own; the ledger discounts whole subscriptions only")]
    ItemDiscount {
        /// The event's id.
        event: String,
        /// The subscription item's id (the invoice line's, for a renewal invoice).
        item: String,
    },
    /// More than one discount on a subscription: the ledger holds one at a time.
    #[error("event {event}: subscription {subscription} has {count} discounts; the ledger holds one at a time")]
    StackedDiscounts {
        /// The event's id.
        event: String,
        /// The subscription.
        subscription: String,
        /// How many.
        count: usize,
    },
    /// A price or renewal line whose amount includes tax (a price with `tax_behavior`
    /// `inclusive`, or an inclusive tax rate) where the payload does not state that tax
    /// exactly: ARR excludes tax, and booking the gross amount would put the tax in it.
    #[error("event {event}: {object} of subscription {subscription} includes tax that the payload does not state ({why}); ARR excludes tax")]
    TaxInclusive {
        /// The event's id.
        event: String,
        /// The subscription.
        subscription: String,
        /// `"price price_…"` or `"line il_…"`.
        object: String,
        /// Why the tax is not known.
        why: &'static str,
    },
    /// A coupon restricted to some products (`applies_to.products`) that cannot be applied to
    /// their items alone: an amount off some of the subscription's items but not all (how
    /// Stripe spreads it over them is not in the payload) or an item whose price does not name its product. Taken off the whole
    /// subscription it would over-discount.
    #[error("event {event}: coupon {coupon} on subscription {subscription} applies to some products only and {why}")]
    RestrictedCoupon {
        /// The event's id.
        event: String,
        /// The coupon's id.
        coupon: String,
        /// The subscription.
        subscription: String,
        /// Why it cannot be applied item by item.
        why: &'static str,
    },
    /// A coupon with neither a percent nor an amount off, or an amount without a currency.
    #[error("event {event}: coupon {coupon} has no usable percent_off or amount_off with currency")]
    BadCoupon {
        /// The event's id.
        event: String,
        /// The coupon's id.
        coupon: String,
    },
    /// A subscription event that carries another object than a subscription (or an invoice
    /// event another than an invoice).
    #[error("event {event} of type {kind} does not carry a{expected}")]
    WrongObject {
        /// The event's id.
        event: String,
        /// Its type.
        kind: String,
        /// `" subscription"` or `"n invoice"`.
        expected: &'static str,
    },
    /// A unit amount, or the sum of a renewal's lines, below zero: Stripe's prices are zero or
    /// more, and the ledger refuses a negative price.
    #[error("event {event}: {what} is negative ({amount})")]
    NegativeAmount {
        /// The event's id.
        event: String,
        /// Which amount (`"price price_…"`, `"invoice in_…"`).
        what: String,
        /// The amount, in the currency's minor units as Stripe gives them.
        amount: rust_decimal::Decimal,
    },
    /// An empty event, subscription or customer id, or an event id holding a `:` (with which
    /// the suffixes of a webhook's second and later ARR events begin, so two webhooks' events
    /// could share an id).
    #[error("event {event:?}: its {field} {why}")]
    BadId {
        /// The event's id.
        event: String,
        /// `"event id"`, `"subscription id"` or `"customer"`.
        field: &'static str,
        /// `"is empty"` or `"holds a ':'"`.
        why: &'static str,
    },
    /// An amount that does not fit a `Decimal` (unit amount × quantity, a sum of items or lines).
    #[error("event {event}: {what} overflows")]
    Overflow {
        /// The event's id.
        event: String,
        /// Which amount (`"price price_…"`, `"invoice in_…"`).
        what: String,
    },
}
