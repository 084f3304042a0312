//! From one subscription's events to its ARR over time, in the subscription's own currency.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::EventProblem;
use super::id::Id;
use super::unit::{annualise, arr_scale, exceeds_ten_to, MAX_ARR_DIGITS};
use super::{ArrError, ArrPolicy, ChurnTiming, DiscountOff, DiscountPolicy, EventKind, MrrDiscount, SubscriptionEvent};
use super::{FxRateDate, TrialPolicy};
use crate::money::{Currency, Fixed, Money};

/// A point where a subscription's ARR changes, effective from the start of `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangePoint {
    pub date: NaiveDate,
    /// ARR in the subscription's own currency, at its scale.
    pub native: Fixed,
    /// Index in the subscription's history of the event that set it: the last of the events
    /// of `date` that moved or priced it, or the event that scheduled it (a trial's start, a
    /// cancellation).
    pub cause: u32,
    /// True when an event of `date` priced the subscription (a Start, Change or Renew).
    pub priced: bool,
}

/// A subscription event as the ledger keeps it: the customer and subscription ids live once,
/// on the subscription, instead of on every event of its history.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub id: Id,
    pub date: NaiveDate,
    pub sequence: u64,
    pub recorded_on: Option<NaiveDate>,
    pub kind: EventKind,
}

impl Entry {
    pub(crate) fn new(e: &SubscriptionEvent) -> Entry {
        Entry {
            id: Id::new(&e.id),
            date: e.date,
            sequence: e.sequence,
            recorded_on: e.recorded_on,
            kind: e.kind.clone(),
        }
    }

    /// The order events take effect in: date, sequence, kind, id.
    pub(crate) fn order(&self, o: &Entry) -> Ordering {
        (self.date, self.sequence, self.kind.rank())
            .cmp(&(o.date, o.sequence, o.kind.rank()))
            .then_with(|| self.id.as_str().cmp(o.id.as_str()))
    }

    /// True when `e` says what this entry says (the customer and subscription are the caller's
    /// to compare).
    pub(crate) fn same_as(&self, e: &SubscriptionEvent) -> bool {
        self.date == e.date && self.sequence == e.sequence && self.recorded_on == e.recorded_on && self.kind == e.kind
    }

    /// The event again, as the caller gave it.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))] // (used when loading from JSON)
    pub(crate) fn to_event(&self, customer: &str, subscription: &str) -> SubscriptionEvent {
        SubscriptionEvent {
            id: self.id.as_str().into(),
            customer: customer.into(),
            subscription: subscription.into(),
            date: self.date,
            sequence: self.sequence,
            recorded_on: self.recorded_on,
            kind: self.kind.clone(),
        }
    }

    /// The day whose rate books what this event sets, under `policy`.
    pub(crate) fn rate_day(&self, policy: &ArrPolicy) -> NaiveDate {
        match policy.fx_rate_date {
            FxRateDate::ServicePeriodStart => self.date,
            FxRateDate::TransactionDate => self.recorded_on.unwrap_or(self.date),
            FxRateDate::Fixed(d) => d,
        }
    }
}

/// Whose history a timeline follows, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner<'a> {
    pub customer: &'a str,
    pub subscription: &'a str,
}

impl Owner<'_> {
    pub(crate) fn invalid(&self, id: &str, problem: EventProblem) -> ArrError {
        ArrError::InvalidEvent {
            id: id.into(),
            customer: self.customer.into(),
            subscription: self.subscription.into(),
            problem: Box::new(problem),
        }
    }
}

/// Where `e` goes in events already in order.
pub(crate) fn position(events: &[Entry], e: &Entry) -> usize {
    partition_from_end(events, |x| x.order(e) != Ordering::Greater)
}

/// `xs.partition_point(pred)`, searched from the end: gallop back (1, 2, 4, … elements) to the
/// first that passes, then search the last stride. A ledger's lookups land near the end of a
/// history (late events, the latest periods), so the cost grows with the distance from the end,
/// and the few cache lines touched are the ones the update needs anyway.
pub(crate) fn partition_from_end<T>(xs: &[T], pred: impl Fn(&T) -> bool) -> usize {
    let mut hi = xs.len();
    let mut stride = 1;
    while hi > 0 && !pred(&xs[hi - 1]) {
        let lo = hi.saturating_sub(stride);
        if pred(&xs[lo]) {
            return lo + 1 + xs[lo + 1..hi].partition_point(&pred);
        }
        hi = lo;
        stride *= 2;
    }
    hi
}

pub(crate) fn sort_in_order(events: &mut [Entry]) {
    // Feeds are usually in order already; checking is cheaper than sorting.
    if !events.windows(2).all(|w| w[0].order(&w[1]) != Ordering::Greater) {
        events.sort_unstable_by(Entry::order);
    }
}

/// What a subscription looks like between events.
#[derive(Debug, Clone, PartialEq)]
struct State {
    price: Decimal,
    months: u32,
    /// `price` per `months` as ARR (before any discount), worked out once, when the price
    /// arrives.
    list_arr: Fixed,
    discount: Option<MrrDiscount>,
    paused: bool,
    live: bool,
    in_trial: bool,
    /// Ended by a cancellation booked at once ([`ChurnTiming::AtCancellation`]) whose paid
    /// period has not run out: a Change, Renew or Start before then withdraws it.
    withdrawable: bool,
}

impl State {
    /// Before the first event.
    const INITIAL: State = State {
        price: Decimal::ZERO,
        months: 1,
        list_arr: Fixed::ZERO,
        discount: None,
        paused: false,
        live: false,
        in_trial: false,
        withdrawable: false,
    };
}

/// What the rules did with a subscription's history: see [`SubTimeline::journal`].
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Journal {
    /// Whether each event was taken (not ignored).
    pub taken: Vec<bool>,
    /// Each scheduled effect carried out, in order: its date and the index of the event that
    /// scheduled it.
    pub fired: Vec<(NaiveDate, u32)>,
}

/// Something an event schedules for a later date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Deferred {
    TrialEnds,
    Stops,
    /// The paid period of a cancellation booked at once runs out: it can no longer be
    /// withdrawn, and the subscription has ended.
    WithdrawalCloses,
}

/// A scheduled effect: its date, what, and the index of the event that scheduled it.
type Scheduled = (NaiveDate, Deferred, u32);

/// What the timeline needs to know about the book.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Context {
    pub policy: ArrPolicy,
    pub reporting: Currency,
}

/// The currency of a subscription whose first event is `first`, which must be a start.
pub(crate) fn start_currency(first: &Entry, who: Owner<'_>) -> Result<Currency, ArrError> {
    match &first.kind {
        EventKind::Start { price, .. } => Ok(price.currency()),
        _ => Err(who.invalid(first.id.as_str(), EventProblem::NoStart(first.date))),
    }
}

/// One subscription's ARR over time, fed its events in order. It keeps the state after the last
/// event, so an event dated after all others extends it without a replay.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SubTimeline {
    pub currency: Currency,
    state: State,
    deferred: Vec<Scheduled>,
    /// Change points up to the last event.
    pub points: Vec<ChangePoint>,
    /// Change points scheduled after the last event (a trial end, a cancellation at period end).
    pub tail: Vec<ChangePoint>,
    /// Renewed ARR (in the subscription's currency), by date, with the renewal's index.
    pub renewals: Vec<(NaiveDate, Fixed, u32)>,
    /// The last of `points` and the date of the last of `renewals`, kept beside them: an
    /// update dated after a history reads what it needs of the history's end here, instead
    /// of in the vectors' memory.
    last_point: Option<ChangePoint>,
    last_renewal: Option<NaiveDate>,
    /// The date of the first of `points` with ARR: kept as points are pushed, so that finding a
    /// customer's first active day does not read the start of every history.
    first_active: Option<NaiveDate>,
    /// Events fed so far.
    fed: usize,
    /// Snapshots every [`CHECKPOINT_EVERY`] events and just after the last late event, in
    /// order, so an event inserted into the history replays from the snapshot before it
    /// instead of from the subscription's first event.
    checkpoints: Vec<Checkpoint>,
}

/// Events between two checkpoints: a late event replays at most this many before its own
/// position.
const CHECKPOINT_EVERY: usize = 16;

/// A timeline as it stood before its `fed`-th event. Points and renewals are only ever appended
/// or their last one overwritten (the events, or the Renews, of one day), or the last point
/// taken away (a day that undid itself), so their lengths and last ones restore them. (The last
/// renewal is kept too: a replay that takes back a refused Renew does not feed it again, so a
/// value it overwrote would otherwise stay.)
#[derive(Debug, Clone, PartialEq)]
struct Checkpoint {
    fed: usize,
    state: State,
    deferred: Vec<Scheduled>,
    points: usize,
    last_point: Option<ChangePoint>,
    renewals: usize,
    last_renewal: Option<(NaiveDate, Fixed, u32)>,
    first_active: Option<NaiveDate>,
}

/// Check what an event must get right by itself, whatever the subscription's state: ids, a
/// price in the subscription's currency, not negative, over a non-zero interval and within the
/// ARR limit; a discount inside its bounds.
/// Returns the list ARR of an event that sets a price. An event checked before (in a replay,
/// with the subscription's currency unchanged) is not checked again: `check` false only works
/// its list ARR out.
fn check_fields(e: &Entry, currency: Currency, check: bool) -> Result<Option<Fixed>, EventProblem> {
    match &e.kind {
        EventKind::Start { price, interval, .. }
        | EventKind::Change { price, interval }
        | EventKind::Renew { price, interval } => match check {
            true => check_price(price, interval.months(), currency).map(Some),
            // checked when it arrived: it fits
            false => Ok(Some(annualise(price.amount(), interval.months(), arr_scale(currency)).unwrap_or(Fixed::ZERO))),
        },
        EventKind::DiscountStart(d) if check => check_discount(d, currency).map(|()| None),
        _ => Ok(None),
    }
}

/// Check what an event must get right by itself before its subscription's currency is known
/// (an event held until its start arrives): a price not negative, over a non-zero interval and
/// within the ARR limit; a discount inside its bounds.
pub(crate) fn check_alone(e: &Entry) -> Result<(), EventProblem> {
    let currency = match (e.kind.price(), &e.kind) {
        (Some(price), _) => price.currency(),
        (None, EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(m), .. })) => m.currency(),
        // a percent discount has no currency to get wrong
        (None, EventKind::DiscountStart(_)) => Currency::USD,
        _ => return Ok(()),
    };
    check_fields(e, currency, true).map(|_| ())
}

/// A price as list ARR in the subscription's `currency`.
fn check_price(price: &Money, months: u32, currency: Currency) -> Result<Fixed, EventProblem> {
    if price.currency() != currency {
        return Err(EventProblem::OtherCurrency { amount: *price, currency });
    }
    if price.is_negative() {
        return Err(EventProblem::NegativePrice(*price));
    }
    if months == 0 {
        return Err(EventProblem::ZeroInterval);
    }
    let scale = arr_scale(currency);
    match annualise(price.amount(), months, scale) {
        Some(arr) if !exceeds_ten_to(arr, MAX_ARR_DIGITS, scale) => Ok(arr),
        _ => Err(EventProblem::PriceTooLarge { price: *price, months }),
    }
}

fn check_discount(d: &MrrDiscount, currency: Currency) -> Result<(), EventProblem> {
    match d.off {
        DiscountOff::Percent(p) if p.check_unit("subscription discount").is_err() => {
            Err(EventProblem::DiscountOutOfRange(p))
        }
        DiscountOff::Amount(m) if m.currency() != currency => Err(EventProblem::OtherCurrency { amount: m, currency }),
        DiscountOff::Amount(m) if m.is_negative() => Err(EventProblem::NegativeDiscount(m)),
        _ => Ok(()),
    }
}

/// The subscription's ARR in `state`, at `scale`.
fn native_arr(s: &State, policy: &ArrPolicy, scale: u32) -> Fixed {
    if !s.live || s.paused || s.in_trial {
        return Fixed::ZERO;
    }
    let applies = match (&s.discount, policy.discounts) {
        (None, _) | (_, DiscountPolicy::Ignore) => None,
        (Some(d), DiscountPolicy::ForeverOnly) if !d.forever => None,
        (Some(d), _) => Some(d.off),
    };
    // the price passed `check_price`, and a discount only lowers it: every step fits
    let net = match applies {
        None => return s.list_arr,
        Some(DiscountOff::Percent(p)) => s.price - s.price.checked_mul(p.fraction()).unwrap_or(s.price),
        Some(DiscountOff::Amount(m)) => (s.price - m.amount()).max(Decimal::ZERO),
    };
    annualise(net, s.months, scale).unwrap_or(Fixed::ZERO)
}

impl SubTimeline {
    /// A timeline whose first event is `first` (which must be a start).
    pub(crate) fn new(first: &Entry, who: Owner<'_>) -> Result<SubTimeline, ArrError> {
        Ok(SubTimeline {
            currency: start_currency(first, who)?,
            state: State::INITIAL,
            deferred: Vec::new(),
            points: Vec::new(),
            tail: Vec::new(),
            renewals: Vec::new(),
            last_point: None,
            last_renewal: None,
            first_active: None,
            fed: 0,
            checkpoints: Vec::new(),
        })
    }

    /// A timeline from all of a subscription's events (in order).
    pub(crate) fn from_events(events: &[Entry], who: Owner<'_>, ctx: &Context) -> Result<SubTimeline, ArrError> {
        let Some(first) = events.first() else {
            return Err(who.invalid("", EventProblem::EmptyId("history")));
        };
        let mut t = SubTimeline::new(first, who)?;
        for e in events {
            t.feed_next(e, true, who, ctx)?;
        }
        t.refresh_tail(ctx);
        Ok(t)
    }

    /// Bring the timeline up to date with `events` (the subscription's whole history in order)
    /// when only events from index `from` on differ from what it was fed: restore the last
    /// checkpoint at or before `from` and feed the rest. On an error the timeline is unusable
    /// until replayed again with events it can take.
    pub(crate) fn replay_from(
        &mut self,
        events: &[Entry],
        from: usize,
        who: Owner<'_>,
        ctx: &Context,
    ) -> Result<(), ArrError> {
        let keep = self.checkpoints.partition_point(|c| c.fed <= from);
        let Some(cp) = keep.checked_sub(1).map(|i| &self.checkpoints[i]) else {
            // no snapshot before `from`: start over, in the storage the timeline has
            let Some(first) = events.first() else {
                return Err(who.invalid("", EventProblem::EmptyId("history")));
            };
            let was = std::mem::replace(&mut self.currency, start_currency(first, who)?);
            self.state = State::INITIAL;
            self.deferred.clear();
            self.points.clear();
            self.renewals.clear();
            self.sync_last();
            self.first_active = None;
            self.fed = 0;
            self.checkpoints.clear();
            // a new first event may change the currency: every event is checked again
            return self.feed_from(events, from, 0, was != self.currency, who, ctx);
        };
        self.state = cp.state.clone();
        self.deferred.clone_from(&cp.deferred);
        // (a day that undid itself after the snapshot took its point away: it comes back)
        self.points.truncate(cp.points);
        match (cp.last_point, self.points.len() < cp.points) {
            (Some(p), true) => self.points.push(p),
            (Some(p), false) => {
                if let Some(last) = self.points.last_mut() {
                    *last = p;
                }
            }
            (None, _) => {}
        }
        self.renewals.truncate(cp.renewals);
        if let (Some(r), Some(last)) = (cp.last_renewal, self.renewals.last_mut()) {
            *last = r;
        }
        self.first_active = cp.first_active;
        self.fed = cp.fed;
        self.checkpoints.truncate(keep);
        self.sync_last();
        let restored = self.fed;
        self.feed_from(events, from, restored, false, who, ctx)
    }

    /// Feed `events` from the `restored`-th on, after an insert at `from`. Events this
    /// timeline was fed before were checked then, in the same currency: only the one at
    /// `from` is checked, or all of them when `recheck`.
    fn feed_from(
        &mut self,
        events: &[Entry],
        from: usize,
        restored: usize,
        recheck: bool,
        who: Owner<'_>,
        ctx: &Context,
    ) -> Result<(), ArrError> {
        for (j, e) in events.iter().enumerate().skip(restored) {
            self.feed_next(e, recheck || j == from, who, ctx)?;
            // Late events tend to land where the last one did: keep the state just after this
            // one too, when it is far enough from the checkpoint before it to be worth it.
            if self.fed == from + 1 && self.fed - restored >= CHECKPOINT_EVERY / 4 {
                self.checkpoint();
            }
        }
        self.refresh_tail(ctx);
        Ok(())
    }

    /// Remember the state before the next event, unless that is remembered already.
    fn checkpoint(&mut self) {
        if self.checkpoints.last().is_none_or(|c| c.fed < self.fed) {
            self.checkpoints.push(Checkpoint {
                fed: self.fed,
                state: self.state.clone(),
                deferred: self.deferred.clone(),
                points: self.points.len(),
                last_point: self.points.last().copied(),
                renewals: self.renewals.len(),
                last_renewal: self.renewals.last().copied(),
                first_active: self.first_active,
            });
        }
    }

    /// Feed the next event, taking a checkpoint first when one is due.
    fn feed_next(&mut self, e: &Entry, check: bool, who: Owner<'_>, ctx: &Context) -> Result<(), ArrError> {
        if self.fed > 0 && self.fed.is_multiple_of(CHECKPOINT_EVERY) {
            self.checkpoint();
        }
        let index = u32::try_from(self.fed).unwrap_or(u32::MAX);
        self.feed(e, index, check, who, ctx)?;
        self.fed += 1;
        Ok(())
    }

    /// What the rules did with `events` (a subscription's whole history, in order, as fed to a
    /// timeline before): which they took (every one but those that change nothing on a
    /// subscription that has ended, a late change or discount), and each scheduled effect
    /// carried out (a trial's end, the end of a paid period), with its date and the event that
    /// scheduled it, to the last. Replays the history, for the reports that name events (the
    /// movement log), not for updates.
    pub(crate) fn journal(events: &[Entry], who: Owner<'_>, ctx: &Context) -> Journal {
        let mut journal = Journal { taken: Vec::with_capacity(events.len()), fired: Vec::new() };
        let Some(mut t) = events.first().and_then(|first| SubTimeline::new(first, who).ok()) else {
            journal.taken.resize(events.len(), false);
            return journal;
        };
        for (i, e) in events.iter().enumerate() {
            while let Some(fired) = t.fire_next(Some(e.date), ctx) {
                journal.fired.push(fired);
            }
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            // (checked when they arrived: a replay takes them again)
            journal.taken.push(t.feed(e, index, false, who, ctx).unwrap_or(false));
        }
        while let Some(fired) = t.fire_next(None, ctx) {
            journal.fired.push(fired);
        }
        journal
    }

    /// Feed one more event that comes after all others, and recompute the tail.
    pub(crate) fn extend(&mut self, e: &Entry, who: Owner<'_>, ctx: &Context) -> Result<(), ArrError> {
        self.feed_next(e, true, who, ctx)?;
        self.refresh_tail(ctx);
        Ok(())
    }

    /// True when `o` holds the same ARR over time (checkpoints, which depend on how the
    /// timeline was fed, apart).
    pub(crate) fn same_points(&self, o: &SubTimeline) -> bool {
        (self.currency, &self.points, &self.tail, &self.renewals) == (o.currency, &o.points, &o.tail, &o.renewals)
            && self.first_active() == o.first_active()
    }

    /// Every change point, settled and scheduled, in date order.
    pub(crate) fn all_points(&self) -> impl Iterator<Item = &ChangePoint> {
        self.points.iter().chain(self.tail.iter())
    }

    /// Set the copies of the last point and renewal from the vectors.
    fn sync_last(&mut self) {
        self.last_point = self.points.last().copied();
        self.last_renewal = self.renewals.last().map(|r| r.0);
    }

    /// The change an event (or a scheduled effect) at index `cause` makes on `date`, where
    /// `prices` says it is a Start, Change or Renew. The events of one day make one change,
    /// which is a point, booking an exchange rate for a foreign customer, when the day moves the
    /// subscription's ARR or prices it anew and leaves it with ARR. So a day that moves nothing
    /// the policy counts (a coupon under `DiscountPolicy::Ignore`, a free trial's start, a
    /// pause and a resume) has no point, as the `FxRateDate` docs say; an event that moves and
    /// prices nothing leaves its day's point, and its cause, as they were.
    fn change(&mut self, date: NaiveDate, cause: u32, prices: bool, ctx: &Context) {
        let native = native_arr(&self.state, &ctx.policy, arr_scale(self.currency));
        let before = self.last_point.map_or(Fixed::ZERO, |p| p.native);
        if native == before && !prices {
            return;
        }
        // the day's point so far, and the ARR before the day (points have distinct dates, in
        // order: the one before the day's is the one before the last)
        let today = self.last_point.filter(|p| p.date == date);
        let opened = match today {
            Some(_) => self.points.len().checked_sub(2).map_or(Fixed::ZERO, |i| self.points[i].native),
            None => before,
        };
        let priced = prices || today.is_some_and(|p| p.priced);
        let books = native != opened || (priced && !native.is_zero());
        match (today, books) {
            (None, false) => return,
            (None, true) => self.points.push(ChangePoint { date, native, cause, priced }),
            (Some(_), true) => {
                if let Some(slot) = self.points.last_mut() {
                    *slot = ChangePoint { date, native, cause, priced };
                }
            }
            // the day undid itself: no point (the first active day, if it was this one, with it)
            (Some(_), false) => {
                self.points.pop();
                self.last_point = self.points.last().copied();
                if self.first_active == Some(date) {
                    self.first_active = None;
                }
                return;
            }
        }
        self.last_point = self.points.last().copied();
        // Points have distinct dates, in order, so the first active one dated `date` is the
        // last one: overwritten with nothing, none is active.
        match self.first_active {
            Some(first) if first == date && native.is_zero() => self.first_active = None,
            None if !native.is_zero() => self.first_active = Some(date),
            _ => {}
        }
    }

    fn settle(&mut self, until: Option<NaiveDate>, ctx: &Context) {
        while self.fire_next(until, ctx).is_some() {}
    }

    /// Carry out the first scheduled effect dated `until` or before (any, for `None`):
    /// its date and the index of the event that scheduled it, or `None` when there is none.
    fn fire_next(&mut self, until: Option<NaiveDate>, ctx: &Context) -> Option<(NaiveDate, u32)> {
        self.deferred.sort_unstable();
        let &(date, what, cause) = self.deferred.first()?;
        if until.is_some_and(|u| date > u) {
            return None;
        }
        self.deferred.remove(0);
        let was_live = self.state.live;
        match what {
            Deferred::TrialEnds => self.state.in_trial = false,
            // the end of the subscription: what else it had scheduled (a trial end after its
            // paid-through date) never happens
            Deferred::Stops | Deferred::WithdrawalCloses => self.end(),
        }
        // an effect on a subscription whose ARR was booked out (a trial end, or the end of the
        // paid period of a cancellation booked at once) changes no ARR: no point, which would
        // book an exchange rate
        if was_live {
            self.change(date, cause, false, ctx);
        }
        Some((date, cause))
    }

    /// Materialise the deferred effects after the last event into `tail`, leaving the live
    /// state untouched so that later events continue from it.
    fn refresh_tail(&mut self, ctx: &Context) {
        self.tail.clear();
        if self.deferred.is_empty() {
            return;
        }
        // (what a scheduled effect moves is measured from the ARR in force now: the probe starts
        // from the last point, which is not part of the tail)
        let seed: Vec<ChangePoint> = self.last_point.into_iter().collect();
        let seeded = seed.len();
        let mut probe = SubTimeline {
            currency: self.currency,
            state: self.state.clone(),
            deferred: self.deferred.clone(),
            points: seed,
            tail: Vec::new(),
            renewals: Vec::new(),
            last_point: self.last_point,
            last_renewal: None,
            first_active: None,
            fed: 0,
            checkpoints: Vec::new(),
        };
        probe.settle(None, ctx);
        probe.points.drain(..seeded);
        self.tail = probe.points;
    }

    /// Native ARR in force just before `day`.
    pub(crate) fn value_before(&self, day: NaiveDate) -> Fixed {
        self.latest_before(day).map_or(Fixed::ZERO, |p| p.native)
    }

    /// The last point dated before `day`.
    pub(crate) fn latest_before(&self, day: NaiveDate) -> Option<&ChangePoint> {
        self.partition(day).checked_sub(1).map(|i| self.point(i))
    }

    /// Number of points dated before `day`.
    pub(crate) fn partition(&self, day: NaiveDate) -> usize {
        let before = |p: &ChangePoint| p.date < day;
        if self.tail.first().is_some_and(before) {
            self.points.len() + partition_from_end(&self.tail, before)
        } else {
            partition_from_end(&self.points, before)
        }
    }

    /// Point `i` of `points` then `tail`.
    pub(crate) fn point(&self, i: usize) -> &ChangePoint {
        if i < self.points.len() {
            &self.points[i]
        } else {
            &self.tail[i - self.points.len()]
        }
    }

    /// Number of points, settled and scheduled.
    pub(crate) fn len(&self) -> usize {
        self.points.len() + self.tail.len()
    }

    /// The point in force at the end of each of `ends` (exclusive month ends, in order).
    pub(crate) fn at_ends<'a>(&'a self, ends: &'a [NaiveDate]) -> impl Iterator<Item = Option<&'a ChangePoint>> + 'a {
        let len = self.len();
        let (mut i, mut current) = match (&self.last_point, ends.first()) {
            // every point before the first end (an update after the history): the last is in
            // force at every end
            (Some(last), Some(&first)) if self.tail.is_empty() && last.date < first => (len, Some(last)),
            _ => (ends.first().map_or(0, |&e| self.partition(e).saturating_sub(1)), None),
        };
        ends.iter().map(move |&end| {
            while i < len && self.point(i).date < end {
                current = Some(self.point(i));
                i += 1;
            }
            current
        })
    }

    /// The first day with ARR, if any.
    pub(crate) fn first_active(&self) -> Option<NaiveDate> {
        self.first_active.or_else(|| self.tail.iter().find(|p| !p.native.is_zero()).map(|p| p.date))
    }

    /// Renewals dated inside months `[starts[k], ends[k])` (contiguous, in order), as `(k,
    /// renewed ARR, the renewal's index)`.
    pub(crate) fn renewals_in<'a>(
        &'a self,
        start: NaiveDate,
        ends: &'a [NaiveDate],
    ) -> impl Iterator<Item = (usize, Fixed, u32)> + 'a {
        // none on or after `start` (nearly always, for an update after the history): the
        // renewals' memory is not read
        let from = match self.last_renewal {
            Some(last) if last >= start => self.renewals.partition_point(|(d, _, _)| *d < start),
            _ => self.renewals.len(),
        };
        self.renewals[from..].iter().map_while(move |&(date, arr, cause)| {
            let k = ends.partition_point(|&end| end <= date);
            (k < ends.len()).then_some((k, arr, cause))
        })
    }

    /// The subscription ends: nothing it scheduled (a trial end, a later period end) happens.
    /// A scheduled change that never happens must not book anything, not even an FX rate.
    fn end(&mut self) {
        self.state.live = false;
        self.state.withdrawable = false;
        self.deferred.clear();
    }

    /// Forget a pending cancellation, at period end or withdrawable (a trial end stays
    /// scheduled).
    fn drop_pending_end(&mut self) {
        self.deferred.retain(|(_, w, _)| !matches!(w, Deferred::Stops | Deferred::WithdrawalCloses));
    }

    /// Feed one event; `false` when the rules ignore it (it changes nothing on a subscription
    /// that has ended).
    fn feed(&mut self, e: &Entry, index: u32, check: bool, who: Owner<'_>, ctx: &Context) -> Result<bool, ArrError> {
        let currency = self.currency;
        let list_arr = check_fields(e, currency, check).map_err(|p| who.invalid(e.id.as_str(), p))?;
        let list_arr = list_arr.unwrap_or(Fixed::ZERO);
        self.settle(Some(e.date), ctx);
        // a cancellation booked at once can still be withdrawn, or restated, in its paid period,
        // and the contract under it still runs: a pause, resume or discount then happens to it
        // (booking nothing until it is withdrawn)
        let reaches = matches!(e.kind, EventKind::Start { .. } | EventKind::Renew { .. }) || self.state.withdrawable;
        let was_live = self.state.live;
        if !was_live && !reaches {
            // nothing changes on an ended subscription (a late discount end, say)
            return Ok(false);
        }
        match &e.kind {
            EventKind::Start { price, interval, trial_until } => {
                // a new contract: nothing of an earlier one carries over
                self.state = State {
                    price: price.amount(),
                    months: interval.months(),
                    list_arr,
                    discount: None,
                    paused: false,
                    live: true,
                    in_trial: false,
                    withdrawable: false,
                };
                self.deferred.clear();
                if let (TrialPolicy::Exclude, Some(t)) = (ctx.policy.trials, trial_until) {
                    if *t > e.date {
                        self.state.in_trial = true;
                        self.deferred.push((*t, Deferred::TrialEnds, index));
                    }
                }
            }
            EventKind::Change { price, interval } | EventKind::Renew { price, interval } => {
                // a renewal renews a paid term: one of a subscription with no ARR the day before
                // is not ARR renewed (after a trial or an end it brings new business or a
                // reactivation, which the movements count; a paused one stays paused)
                let renews_paid = matches!(e.kind, EventKind::Renew { .. }) && !self.value_before(e.date).is_zero();
                if self.state.withdrawable {
                    // a cancellation booked at once, withdrawn inside its paid period: the
                    // contract goes on as it was (its discount, pause and trial; the end of the
                    // paid period is dropped below, with any pending cancellation)
                    self.state.live = true;
                    self.state.withdrawable = false;
                } else if !self.state.live {
                    // a renewal of an ended subscription is a fresh term: the discount, pause
                    // and trial of the contract that ended ended with it
                    self.state = State { live: true, ..State::INITIAL };
                }
                self.state.price = price.amount();
                self.state.months = interval.months();
                self.state.list_arr = list_arr;
                // a renewal or change undoes a pending cancellation
                self.drop_pending_end();
                if renews_paid {
                    let renewed = native_arr(&self.state, &ctx.policy, arr_scale(currency));
                    // the last renewal recorded on a day is the day's, as the last change is
                    match self.renewals.last_mut() {
                        Some(last) if last.0 == e.date => *last = (e.date, renewed, index),
                        _ => self.renewals.push((e.date, renewed, index)),
                    }
                    self.last_renewal = Some(e.date);
                }
            }
            EventKind::Cancel { paid_through } => match (ctx.policy.churn, paid_through) {
                (ChurnTiming::AtPeriodEnd, Some(p)) if *p > e.date => {
                    // the last cancellation recorded says when the subscription ends
                    self.drop_pending_end();
                    self.deferred.push((*p, Deferred::Stops, index));
                    return Ok(true);
                }
                (ChurnTiming::AtCancellation, Some(p)) if *p > e.date => {
                    // booked out at once, but the customer may still change their mind until
                    // the paid period runs out (a trial end in it still happens, unbooked); the
                    // last cancellation recorded says when that is
                    self.state.live = false;
                    self.state.withdrawable = true;
                    self.drop_pending_end();
                    self.deferred.push((*p, Deferred::WithdrawalCloses, index));
                }
                _ => self.end(),
            },
            EventKind::Pause => self.state.paused = true,
            EventKind::Resume => self.state.paused = false,
            EventKind::DiscountStart(d) => self.state.discount = Some(d.clone()),
            EventKind::DiscountEnd => self.state.discount = None,
        }
        // (a cancellation restated while booked out changes no ARR: no point)
        if was_live || self.state.live {
            self.change(e.date, index, e.kind.price().is_some(), ctx);
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use proptest::prelude::*;

    fn entry(id: usize, date: NaiveDate, kind: EventKind) -> Entry {
        Entry { id: Id::new(&format!("e{id}")), date, sequence: 0, recorded_on: None, kind }
    }

    proptest! {
        #[test]
        fn the_kept_first_active_day_is_the_first_point_with_arr(
            events in prop::collection::vec((0i64..60, 0i64..3, 0u8..4), 1..40),
            late in (0i64..60, 0i64..3),
        ) {
            // zero prices and same-day changes overwrite points with and without ARR, and a
            // replay restores a checkpoint's copy
            let day = |n: i64| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(n);
            let price = |units: i64| Money::from_minor_units(units * 100, Currency::USD).unwrap();
            let mut entries = vec![entry(0, day(0), EventKind::Start { price: price(0), interval: crate::arr::Interval::Month, trial_until: None })];
            entries.extend(events.iter().enumerate().map(|(i, &(n, units, k))| entry(i + 1, day(n), match k {
                0 => EventKind::Pause,
                1 => EventKind::Resume,
                _ => EventKind::Change { price: price(units), interval: crate::arr::Interval::Month },
            })));
            sort_in_order(&mut entries);
            let (who, ctx) = (Owner { customer: "c", subscription: "s" }, Context { policy: ArrPolicy::default(), reporting: Currency::USD });
            let scan = |t: &SubTimeline| t.all_points().find(|p| !p.native.is_zero()).map(|p| p.date);
            let mut t = SubTimeline::from_events(&entries, who, &ctx).unwrap();
            prop_assert_eq!(t.first_active(), scan(&t));
            // a late event (a price change, free or not) replays from the checkpoint before it
            let late = entry(99, day(late.0), EventKind::Change { price: price(late.1), interval: crate::arr::Interval::Month });
            let at = position(&entries, &late);
            entries.insert(at, late);
            t.replay_from(&entries, at, who, &ctx).unwrap();
            prop_assert_eq!(t.first_active(), scan(&t));
            prop_assert_eq!(&t, &SubTimeline::from_events(&entries, who, &ctx).unwrap().without_checkpoints(&t));
        }
    }

    impl SubTimeline {
        /// This timeline with `other`'s checkpoints, to compare what two timelines hold.
        fn without_checkpoints(mut self, other: &SubTimeline) -> SubTimeline {
            self.checkpoints.clone_from(&other.checkpoints);
            self
        }
    }

    #[test]
    fn a_replay_checks_again_every_event_when_a_new_first_event_changes_the_currency() {
        // a replay skips the checks of events fed before, unless the currency moved under them
        let day = |n: i64| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(n);
        let price = |c| Money::from_minor_units(10_000, c).unwrap();
        let start = |id, d, c| {
            entry(
                id,
                day(d),
                EventKind::Start { price: price(c), interval: crate::arr::Interval::Month, trial_until: None },
            )
        };
        let (who, ctx) = (
            Owner { customer: "c", subscription: "s" },
            Context { policy: ArrPolicy::default(), reporting: Currency::USD },
        );
        let mut entries = vec![start(1, 10, Currency::USD)];
        let mut t = SubTimeline::from_events(&entries, who, &ctx).unwrap();
        entries.insert(0, start(0, 5, Currency::EUR));
        let refused = t.replay_from(&entries, 0, who, &ctx);
        assert!(matches!(refused, Err(ArrError::InvalidEvent { ref id, .. }) if id == "e1"), "{refused:?}");
        // taken back, the timeline is what it was
        entries.remove(0);
        t.replay_from(&entries, 0, who, &ctx).unwrap();
        assert_eq!(t, SubTimeline::from_events(&entries, who, &ctx).unwrap().without_checkpoints(&t));
    }

    #[test]
    fn searching_from_the_end_finds_every_split() {
        // every length up to 70 (past several gallop strides) and every split point in it
        for len in 0..70usize {
            let xs: Vec<usize> = (0..len).collect();
            for split in 0..=len {
                let got = partition_from_end(&xs, |&x| x < split);
                assert_eq!(got, xs.partition_point(|&x| x < split), "len {len}, split {split}");
            }
        }
    }
}
