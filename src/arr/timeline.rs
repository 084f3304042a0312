//! From one subscription's events to its MRR over time.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{
    ArrError, ArrPolicy, ChurnTiming, DiscountOff, DiscountPolicy, EventKind, FxRateDate, MrrDiscount,
    SubscriptionEvent, TrialPolicy,
};
use crate::calendar::Period;
use crate::money::{Currency, Fixed, FxRates, Money};

/// Digits kept beyond a currency's minor unit in MRR, so that $100 a year is 8.3333 a month and
/// every sum of MRR values is exact in `Decimal`.
pub(crate) const EXTRA_DIGITS: u32 = 4;

/// The largest MRR one subscription may book is 10 to this power (10¹⁸, in its own and the
/// reporting currency). Far beyond any real price, and low enough that the book's integer
/// totals (see [`Fixed`]) over 10¹¹ subscriptions cannot overflow.
pub(crate) const MAX_MRR_DIGITS: u32 = 18;

pub(crate) fn mrr_scale(c: Currency) -> u32 {
    c.minor_units() + EXTRA_DIGITS
}

/// A point where a subscription's MRR changes, effective from the start of `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChangePoint {
    pub date: NaiveDate,
    /// In the reporting currency at the booked rate, at its MRR scale.
    pub booked: Fixed,
    /// In the subscription's own currency, at its MRR scale.
    pub native: Fixed,
}

/// Canonical order within a day, so the order events arrive in never matters.
fn rank(kind: &EventKind) -> u8 {
    match kind {
        EventKind::Start { .. } => 0,
        EventKind::Renew { .. } => 1,
        EventKind::Change { .. } => 2,
        EventKind::DiscountEnd => 3,
        EventKind::DiscountStart(_) => 4,
        EventKind::Resume => 5,
        EventKind::Pause => 6,
        EventKind::Cancel { .. } => 7,
    }
}

/// A subscription event as the ledger keeps it: the customer and subscription ids live once,
/// on the subscription, instead of on every event of its history.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub date: NaiveDate,
    pub recorded_on: Option<NaiveDate>,
    pub kind: EventKind,
}

impl From<&SubscriptionEvent> for Entry {
    fn from(e: &SubscriptionEvent) -> Entry {
        Entry { date: e.date, recorded_on: e.recorded_on, kind: e.kind.clone() }
    }
}

/// Whose history a timeline follows, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner<'a> {
    pub customer: &'a str,
    pub subscription: &'a str,
}

impl Owner<'_> {
    fn invalid(&self, reason: String) -> ArrError {
        ArrError::InvalidEvent { customer: self.customer.into(), subscription: self.subscription.into(), reason }
    }
}

fn sort_key(e: &Entry) -> SortKey {
    let amount = match &e.kind {
        EventKind::Start { price, .. } | EventKind::Change { price, .. } | EventKind::Renew { price, .. } => {
            price.amount()
        }
        EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Percent(p), .. }) => p.fraction(),
        EventKind::DiscountStart(MrrDiscount { off: DiscountOff::Amount(m), .. }) => m.amount(),
        EventKind::Cancel { paid_through } => Decimal::from(paid_through.map_or(0, |d| d.num_days_from_ce())),
        _ => Decimal::ZERO,
    };
    (e.date, rank(&e.kind), amount, e.recorded_on)
}

/// Where `e` goes in events already in canonical order: after any it ties with (as a stable
/// sort of the appended event would place it).
pub(crate) fn canonical_position(events: &[Entry], e: &Entry) -> usize {
    let key = sort_key(e);
    partition_from_end(events, |x| sort_key(x) <= key)
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

/// True when `later`, fed right after `earlier`, leaves nothing of it: two changes on one day.
/// The later one (in canonical order) sets every field the earlier one set, and whatever may
/// still arrive between them is a change on that day too, so the earlier is dead for good.
/// Keeping only the later one stops a day of seat changes, or a webhook delivered twice, from
/// growing the history the book keeps for replays.
pub(crate) fn supersedes(later: &Entry, earlier: &Entry) -> bool {
    later.date == earlier.date
        && matches!((&later.kind, &earlier.kind), (EventKind::Change { .. }, EventKind::Change { .. }))
}

pub(crate) fn sort_canonically(events: &mut [Entry]) {
    // Feeds are usually in date order already; checking is cheaper than sorting.
    if !events.windows(2).all(|w| sort_key(&w[0]) <= sort_key(&w[1])) {
        events.sort_by_cached_key(sort_key);
    }
}

/// What a subscription looks like between events.
#[derive(Debug, Clone)]
struct State {
    list_mrr: Decimal,
    interval_months: u32,
    discount: Option<MrrDiscount>,
    paused: bool,
    live: bool,
    in_trial: bool,
    rate: Decimal,
}

impl State {
    /// Before the first event.
    const INITIAL: State = State {
        list_mrr: Decimal::ZERO,
        interval_months: 1,
        discount: None,
        paused: false,
        live: false,
        in_trial: false,
        rate: Decimal::ONE,
    };
}

/// A subscription's first event: a history has at least one.
fn first_event(events: &[Entry]) -> Result<&Entry, ArrError> {
    events.first().ok_or_else(|| ArrError::InvalidAmount("a subscription needs at least one event".into()))
}

/// The currency of a subscription whose first event is `first`, which must be a start.
fn start_currency(first: &Entry, who: Owner<'_>) -> Result<Currency, ArrError> {
    match &first.kind {
        EventKind::Start { price, .. } => Ok(price.currency()),
        _ => Err(who.invalid(format!("first event on {} is not a start", first.date))),
    }
}

/// Something an event schedules for a later date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Deferred {
    TrialEnds,
    Stops,
}

/// What the timeline needs to know about the book.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context {
    pub policy: ArrPolicy,
    pub reporting: Currency,
}

/// One subscription's MRR over time, fed its events in canonical order. It keeps the state after
/// the last event, so an event dated after all others extends it without a replay.
#[derive(Debug, Clone)]
pub(crate) struct SubTimeline {
    pub currency: Currency,
    state: State,
    deferred: Vec<(NaiveDate, Deferred)>,
    /// Change points up to the last event.
    pub points: Vec<ChangePoint>,
    /// Change points scheduled after the last event (a trial end, a cancellation at period end).
    pub tail: Vec<ChangePoint>,
    /// Renewal MRR booked (at the reporting currency's MRR scale), by date.
    pub renewals: Vec<(NaiveDate, Fixed)>,
    /// The date of the first of `points` with MRR: kept as points are pushed, so that finding a
    /// customer's first active day does not read the start of every history.
    first_active: Option<NaiveDate>,
    last_key: Option<SortKey>,
    /// Events fed so far.
    fed: usize,
    /// Snapshots every [`CHECKPOINT_EVERY`] events and just after the last late event, in
    /// order, so an event inserted into the history replays from the snapshot before it
    /// instead of from the subscription's first event.
    checkpoints: Vec<Checkpoint>,
}

/// Events between two checkpoints: a late event replays at most this many before its own
/// position, for a snapshot of about 200 bytes per this many events.
const CHECKPOINT_EVERY: usize = 16;

/// A timeline as it stood before its `fed`-th event. Points are only ever appended or their last
/// one overwritten (two changes on one day), and renewals only appended, so their lengths and
/// the last point restore them exactly.
#[derive(Debug, Clone)]
struct Checkpoint {
    fed: usize,
    state: State,
    deferred: Vec<(NaiveDate, Deferred)>,
    points: usize,
    last_point: Option<ChangePoint>,
    renewals: usize,
    first_active: Option<NaiveDate>,
    last_key: Option<SortKey>,
}

type SortKey = (NaiveDate, u8, Decimal, Option<NaiveDate>);

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
            first_active: None,
            last_key: None,
            fed: 0,
            checkpoints: Vec::new(),
        })
    }

    /// A timeline from all of a subscription's events (sorted canonically).
    pub(crate) fn from_events<R: FxRates + ?Sized>(
        events: &[Entry],
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<SubTimeline, ArrError> {
        let first = first_event(events)?;
        let mut t = SubTimeline::new(first, who)?;
        for e in events {
            t.feed_next(e, who, ctx, rates)?;
        }
        t.refresh_tail(ctx)?;
        Ok(t)
    }

    /// Bring the timeline up to date with `events` (the subscription's whole history in
    /// canonical order) when only events from index `from` on differ from what it was fed:
    /// restore the last checkpoint at or before `from` and feed the rest. On an error the
    /// timeline is unusable until replayed again with events it can take.
    pub(crate) fn replay_from<R: FxRates + ?Sized>(
        &mut self,
        events: &[Entry],
        from: usize,
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<(), ArrError> {
        let keep = self.checkpoints.partition_point(|c| c.fed <= from);
        let Some(cp) = keep.checked_sub(1).map(|i| &self.checkpoints[i]) else {
            // no snapshot before `from`: start over, in the storage the timeline has
            self.currency = start_currency(first_event(events)?, who)?;
            self.state = State::INITIAL;
            self.deferred.clear();
            self.points.clear();
            self.renewals.clear();
            self.first_active = None;
            self.last_key = None;
            self.fed = 0;
            self.checkpoints.clear();
            return self.feed_from(events, from, 0, who, ctx, rates);
        };
        self.state = cp.state.clone();
        self.deferred.clone_from(&cp.deferred);
        self.points.truncate(cp.points);
        if let (Some(p), Some(last)) = (cp.last_point, self.points.last_mut()) {
            *last = p;
        }
        self.renewals.truncate(cp.renewals);
        self.first_active = cp.first_active;
        self.last_key = cp.last_key;
        self.fed = cp.fed;
        self.checkpoints.truncate(keep);
        let restored = self.fed;
        self.feed_from(events, from, restored, who, ctx, rates)
    }

    /// Feed `events` from the `restored`-th on, after an insert at `from`.
    fn feed_from<R: FxRates + ?Sized>(
        &mut self,
        events: &[Entry],
        from: usize,
        restored: usize,
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<(), ArrError> {
        for e in events.get(restored..).unwrap_or_default() {
            self.feed_next(e, who, ctx, rates)?;
            // Late events tend to land where the last one did: keep the state just after this
            // one too, when it is far enough from the checkpoint before it to be worth it.
            if self.fed == from + 1 && self.fed - restored >= CHECKPOINT_EVERY / 4 {
                self.checkpoint();
            }
        }
        self.refresh_tail(ctx)
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
                first_active: self.first_active,
                last_key: self.last_key,
            });
        }
    }

    /// Feed the next event, taking a checkpoint first when one is due.
    fn feed_next<R: FxRates + ?Sized>(
        &mut self,
        e: &Entry,
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<(), ArrError> {
        if self.fed > 0 && self.fed.is_multiple_of(CHECKPOINT_EVERY) {
            self.checkpoint();
        }
        self.feed(e, who, ctx, rates)?;
        self.fed += 1;
        Ok(())
    }

    /// True when `e` sorts after every event fed so far, so [`SubTimeline::extend`] may take it.
    pub(crate) fn comes_after(&self, e: &Entry) -> bool {
        self.last_key.as_ref().is_none_or(|k| sort_key(e) >= *k)
    }

    /// Feed one more event that sorts after all others, and recompute the tail. With
    /// `replacing_last`, `e` [supersedes] the last event fed and takes its place: feeding `e` on
    /// top of the dead event's state is exact (`e` overwrites all of it), and `fed` stays, as `e`
    /// takes the dead event's index. Every checkpoint stands before an event the history holds
    /// (`fed` below its length), so none holds the dead event's effect.
    pub(crate) fn extend<R: FxRates + ?Sized>(
        &mut self,
        e: &Entry,
        replacing_last: bool,
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<(), ArrError> {
        if replacing_last {
            self.feed(e, who, ctx, rates)?;
        } else {
            self.feed_next(e, who, ctx, rates)?;
        }
        self.refresh_tail(ctx)
    }

    /// Every change point, settled and scheduled, in date order.
    pub(crate) fn all_points(&self) -> impl Iterator<Item = &ChangePoint> {
        self.points.iter().chain(self.tail.iter())
    }

    fn push(&mut self, date: NaiveDate, ctx: &Context) -> Result<(), ArrError> {
        let native = current_mrr(&self.state, &ctx.policy, mrr_scale(self.currency));
        let booked = if self.currency == ctx.reporting {
            native
        } else {
            native
                .checked_mul(self.state.rate)
                .ok_or_else(|| ArrError::InvalidAmount(format!("MRR {native} × rate {} overflows", self.state.rate)))?
                .round_dp_with_strategy(mrr_scale(ctx.reporting), RoundingStrategy::MidpointNearestEven)
        };
        let too_much = || ArrError::InvalidAmount(format!("MRR {booked} exceeds the 10^18 one subscription may book"));
        // both are rounded to these scales already: exact (and `None` only far past the limit)
        let units = |mrr: Decimal, scale: u32| {
            Fixed::at_scale(mrr, scale).filter(|u| !u.exceeds_ten_to(MAX_MRR_DIGITS, scale)).ok_or_else(too_much)
        };
        let booked_units = units(booked, mrr_scale(ctx.reporting))?;
        // in the reporting currency the two are one amount: convert and check it once
        let native_units =
            if self.currency == ctx.reporting { booked_units } else { units(native, mrr_scale(self.currency))? };
        let point = ChangePoint { date, booked: booked_units, native: native_units };
        match self.points.last_mut() {
            Some(last) if last.date == date => *last = point,
            _ => self.points.push(point),
        }
        // Points have distinct dates, in order, so the first active one dated `date` is the
        // last one: overwritten with nothing, none is active.
        match self.first_active {
            Some(first) if first == date && booked.is_zero() => self.first_active = None,
            None if !booked.is_zero() => self.first_active = Some(date),
            _ => {}
        }
        Ok(())
    }

    fn settle(&mut self, until: Option<NaiveDate>, ctx: &Context) -> Result<(), ArrError> {
        self.deferred.sort_unstable();
        while let Some(&(date, what)) = self.deferred.first() {
            if until.is_some_and(|u| date > u) {
                break;
            }
            self.deferred.remove(0);
            match what {
                Deferred::TrialEnds => self.state.in_trial = false,
                Deferred::Stops => self.state.live = false,
            }
            self.push(date, ctx)?;
        }
        Ok(())
    }

    /// Materialise the deferred effects after the last event into `tail`, leaving the live
    /// state untouched so that later events continue from it.
    fn refresh_tail(&mut self, ctx: &Context) -> Result<(), ArrError> {
        self.tail.clear();
        if self.deferred.is_empty() {
            return Ok(());
        }
        let mut probe = SubTimeline {
            currency: self.currency,
            state: self.state.clone(),
            deferred: self.deferred.clone(),
            points: Vec::new(),
            tail: Vec::new(),
            renewals: Vec::new(),
            first_active: None,
            last_key: None,
            fed: 0,
            checkpoints: Vec::new(),
        };
        probe.settle(None, ctx)?;
        self.tail = probe.points;
        Ok(())
    }

    /// `(booked, native)` in force just before `day`.
    pub(crate) fn value_before(&self, day: NaiveDate) -> (Fixed, Fixed) {
        let i = self.partition(day);
        if i == 0 {
            (Fixed::ZERO, Fixed::ZERO)
        } else {
            let p = self.point(i - 1);
            (p.booked, p.native)
        }
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

    /// `(booked, native)` in force at the end of each of `periods` (contiguous, in order).
    pub(crate) fn at_period_ends<'a>(&'a self, periods: &'a [Period]) -> impl Iterator<Item = (Fixed, Fixed)> + 'a {
        let mut i = periods.first().map_or(0, |p| self.partition(p.start()));
        let mut current = match i.checked_sub(1) {
            Some(last) => (self.point(last).booked, self.point(last).native),
            None => (Fixed::ZERO, Fixed::ZERO),
        };
        let len = self.len();
        periods.iter().map(move |p| {
            while i < len && self.point(i).date < p.end() {
                current = (self.point(i).booked, self.point(i).native);
                i += 1;
            }
            current
        })
    }

    /// The first day with MRR, if any.
    pub(crate) fn first_active(&self) -> Option<NaiveDate> {
        self.first_active.or_else(|| self.tail.iter().find(|p| !p.booked.is_zero()).map(|p| p.date))
    }

    /// Renewal MRR booked in each of `periods` (contiguous, in order), as `(index, MRR)`.
    pub(crate) fn renewals_in<'a>(&'a self, periods: &'a [Period]) -> impl Iterator<Item = (usize, Fixed)> + 'a {
        let start = periods.first().map(Period::start);
        self.renewals.iter().filter(move |(d, _)| start.is_some_and(|s| *d >= s)).filter_map(move |(date, mrr)| {
            let k = periods.partition_point(|p| p.end() <= *date);
            (k < periods.len()).then_some((k, *mrr))
        })
    }

    fn feed<R: FxRates + ?Sized>(
        &mut self,
        e: &Entry,
        who: Owner<'_>,
        ctx: &Context,
        rates: &R,
    ) -> Result<(), ArrError> {
        let currency = self.currency;
        let scale = mrr_scale(currency);
        let rate_on = |e: &Entry| -> Result<Decimal, ArrError> {
            if currency == ctx.reporting {
                return Ok(Decimal::ONE);
            }
            let day = match ctx.policy.fx_rate_date {
                FxRateDate::ServicePeriodStart => e.date,
                FxRateDate::TransactionDate => e.recorded_on.unwrap_or(e.date),
                FxRateDate::Fixed(d) => d,
            };
            Ok(rates.rate(currency, ctx.reporting, day)?.rate())
        };
        let mrr_of = |price: &Money, months: u32| list_mrr(price, months, currency, who);

        self.last_key = Some(sort_key(e));
        self.settle(Some(e.date), ctx)?;
        if !self.state.live && !matches!(e.kind, EventKind::Start { .. } | EventKind::Renew { .. }) {
            // nothing changes on an ended subscription (a late discount end, say), but what the
            // event says must still be right, as on a live one
            return check_fields(e, currency, who);
        }
        match &e.kind {
            EventKind::Start { price, interval, trial_until } => {
                self.state.list_mrr = mrr_of(price, interval.months())?;
                self.state.interval_months = interval.months();
                self.state.rate = rate_on(e)?;
                self.state.live = true;
                self.state.paused = false;
                self.deferred.retain(|(_, w)| *w != Deferred::Stops);
                if let (TrialPolicy::Exclude, Some(t)) = (ctx.policy.trials, trial_until) {
                    if *t > e.date {
                        self.state.in_trial = true;
                        self.deferred.push((*t, Deferred::TrialEnds));
                    }
                }
            }
            EventKind::Change { price, interval } | EventKind::Renew { price, interval } => {
                self.state.list_mrr = mrr_of(price, interval.months())?;
                self.state.interval_months = interval.months();
                self.state.rate = rate_on(e)?;
                self.state.live = true;
                self.deferred.retain(|(_, w)| *w != Deferred::Stops); // a renewal or change undoes a pending cancellation
                if matches!(e.kind, EventKind::Renew { .. }) {
                    let overflow = || ArrError::InvalidAmount("renewal MRR × rate overflows".into());
                    let booked = current_mrr(&self.state, &ctx.policy, scale)
                        .checked_mul(self.state.rate)
                        .ok_or_else(overflow)?
                        .round_dp(mrr_scale(ctx.reporting));
                    self.renewals
                        .push((e.date, Fixed::at_scale(booked, mrr_scale(ctx.reporting)).ok_or_else(overflow)?));
                }
            }
            EventKind::Cancel { paid_through } => match (ctx.policy.churn, paid_through) {
                (ChurnTiming::AtPeriodEnd, Some(p)) if *p > e.date => {
                    self.deferred.push((*p, Deferred::Stops));
                    return Ok(());
                }
                _ => self.state.live = false,
            },
            EventKind::Pause => self.state.paused = true,
            EventKind::Resume => self.state.paused = false,
            EventKind::DiscountStart(d) => {
                validate_discount(d, currency)?;
                self.state.discount = Some(d.clone());
            }
            EventKind::DiscountEnd => self.state.discount = None,
        }
        self.push(e.date, ctx)
    }
}

/// A price as list MRR in the subscription's `currency`, at the ledger's MRR scale.
fn list_mrr(price: &Money, months: u32, currency: Currency, who: Owner<'_>) -> Result<Decimal, ArrError> {
    if price.currency() != currency {
        return Err(who.invalid(format!("price in {} but the subscription is in {currency}", price.currency())));
    }
    if price.is_negative() || months == 0 {
        return Err(ArrError::InvalidAmount(format!("price {price} per {months} months")));
    }
    let monthly = if months == 1 { price.amount() } else { price.amount() / Decimal::from(months) };
    Ok(monthly.round_dp_with_strategy(mrr_scale(currency), RoundingStrategy::MidpointNearestEven))
}

/// What an event must get right by itself, whatever the subscription's state: a price in the
/// subscription's currency and not negative, a discount inside its bounds. It is all a change
/// that a later change of the same day [supersedes] is checked for: its MRR is never booked, so
/// the limit on booked MRR and the FX rate for booking it do not apply.
pub(crate) fn check_fields(e: &Entry, currency: Currency, who: Owner<'_>) -> Result<(), ArrError> {
    match &e.kind {
        EventKind::Start { price, interval, .. }
        | EventKind::Change { price, interval }
        | EventKind::Renew { price, interval } => list_mrr(price, interval.months(), currency, who).map(drop),
        EventKind::DiscountStart(d) => validate_discount(d, currency),
        _ => Ok(()),
    }
}

/// Drop from a subscription's history (in canonical order) every change that the next event
/// supersedes, each checked first with [`check_fields`].
pub(crate) fn drop_superseded(events: &mut Vec<Entry>, who: Owner<'_>) -> Result<(), ArrError> {
    let dead = |events: &[Entry], i: usize| events.get(i + 1).is_some_and(|next| supersedes(next, &events[i]));
    if !(0..events.len()).any(|i| dead(events, i)) {
        return Ok(()); // nearly every history: nothing to move
    }
    let Some(currency) = events.first().and_then(|first| start_currency(first, who).ok()) else {
        return Ok(()); // not a history the timeline takes: it says why
    };
    let mut kept = 0;
    for i in 0..events.len() {
        if dead(events, i) {
            check_fields(&events[i], currency, who)?;
        } else {
            // every index before `kept` holds a kept event; those from `kept` to `i` are dropped ones
            events.swap(kept, i);
            kept += 1;
        }
    }
    events.truncate(kept);
    Ok(())
}

fn validate_discount(d: &MrrDiscount, currency: Currency) -> Result<(), ArrError> {
    match d.off {
        DiscountOff::Percent(p) => {
            p.check_unit("subscription discount")?;
            Ok(())
        }
        DiscountOff::Amount(m) if m.currency() != currency || m.is_negative() => {
            Err(ArrError::InvalidAmount(format!("discount amount {m} must be positive and in {currency}")))
        }
        _ => Ok(()),
    }
}

fn current_mrr(s: &State, policy: &ArrPolicy, scale: u32) -> Decimal {
    if !s.live || s.paused || s.in_trial {
        return Decimal::ZERO;
    }
    let applies = match (&s.discount, policy.discounts) {
        (None, _) | (_, DiscountPolicy::Ignore) => None,
        (Some(d), DiscountPolicy::ForeverOnly) if !d.forever => None,
        (Some(d), _) => Some(d),
    };
    let off = match applies.map(|d| d.off) {
        None => return s.list_mrr,
        Some(DiscountOff::Percent(p)) => s.list_mrr * p.fraction(), // ≤ list_mrr: p is in [0%, 100%]
        Some(DiscountOff::Amount(m)) => m.amount() / Decimal::from(s.interval_months),
    };
    (s.list_mrr - off).max(Decimal::ZERO).round_dp_with_strategy(scale, RoundingStrategy::MidpointNearestEven)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{InMemoryFxRates, Money};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_kept_first_active_day_is_the_first_point_with_mrr(
            events in prop::collection::vec((0i64..60, 0i64..3, 0u8..4), 1..40),
            late in (0i64..60, 0i64..3),
        ) {
            // zero prices and same-day changes overwrite points with and without MRR, and a
            // replay restores a checkpoint's copy
            let day = |n: i64| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(n);
            let price = |units: i64| Money::from_minor_units(units * 100, Currency::USD).unwrap();
            let mut entries = vec![Entry { date: day(0), recorded_on: None, kind: EventKind::Start { price: price(0), interval: crate::arr::Interval::Month, trial_until: None } }];
            entries.extend(events.iter().map(|&(n, units, k)| Entry {
                date: day(n),
                recorded_on: None,
                kind: match k {
                    0 => EventKind::Pause,
                    1 => EventKind::Resume,
                    _ => EventKind::Change { price: price(units), interval: crate::arr::Interval::Month },
                },
            }));
            sort_canonically(&mut entries);
            let (who, ctx, rates) = (Owner { customer: "c", subscription: "s" }, Context { policy: ArrPolicy::default(), reporting: Currency::USD }, InMemoryFxRates::new());
            let scan = |t: &SubTimeline| t.all_points().find(|p| !p.booked.is_zero()).map(|p| p.date);
            let mut t = SubTimeline::from_events(&entries, who, &ctx, &rates).unwrap();
            prop_assert_eq!(t.first_active(), scan(&t));
            // a late event (a price change, free or not) replays from the checkpoint before it
            let late = Entry { date: day(late.0), recorded_on: None, kind: EventKind::Change { price: price(late.1), interval: crate::arr::Interval::Month } };
            let at = canonical_position(&entries, &late);
            entries.insert(at, late);
            t.replay_from(&entries, at, who, &ctx, &rates).unwrap();
            prop_assert_eq!(t.first_active(), scan(&t));
        }
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
