"""Independent check of the ARR ledger (`revops::arr`) against a plain-Python reference.

What it checks
--------------
Random USD subscription-event streams (thousands of customers each: starts with and without
trials, changes up and down, renewals, immediate cancellations and cancellations at period end,
restarts after churn, pauses and resumes, percent and amount discounts, monthly, quarterly,
yearly and 24-month intervals, several events of one subscription on one day with distinct
sequence numbers, some customers whose events carry no sequence at all, redelivered events with
the same id, all in shuffled arrival order) are fed to `ArrBook::build` (and, with `--apply`,
to `ArrBook::apply` one event at a time) through the small crate in
`comparisons/arr_movements_check/`.

The reference replays every subscription day by day from the rules documented on
`SubscriptionEvent`, `EventKind`, `ArrPolicy` and `Movements`:

* order within a day: date, then sequence, then kind (start, renew, change, discount end,
  discount start, resume, pause, cancel), then id; a redelivered id is applied once;
* ARR = (price net of the discount the policy counts) x 12 / months; 0 while paused, while in a
  trial (TrialPolicy::Exclude), before the start and after the end;
* a cancel with `paid_through` after its date ends the subscription on `paid_through`
  (ChurnTiming::AtPeriodEnd), else at once; a start, change or renew before then undoes it, and
  a second cancel replaces it (under ChurnTiming::AtCancellation the ARR is out from the
  cancel's date, but a change or renew before `paid_through` still withdraws it); change,
  pause, resume and discount events on an ended subscription are ignored; start or renew of an
  ended one begins a fresh term; start always begins a fresh contract (no discount, not paused,
  its own trial);
* movements are customer-level differences between month ends (ChartMogul's categories on the
  dbt mrr-playbook's month-end snapshots): new when the customer's first day with ARR is inside
  the month, reactivation when it is earlier, expansion/contraction when ARR at both ends,
  churn when none at the end; a customer in and out inside one month is nothing under
  SamePeriodNewAndChurn::Ignore and new-or-reactivation plus churn of its highest end-of-day
  ARR of the month under ShowBoth.

Compared: each customer's month-end ARR (rounded half to even, to the cent), each month's
movements (exact amounts and logos), opening and closing ARR, and the per-customer movement
log. Every disagreeing customer's events are then shrunk (greedy one-event removal while the
disagreement persists) to a minimal stream, printed with both sides' numbers.

How to run (from the repository root)
-------------------------------------
    CARGO_TARGET_DIR=/tmp/arr-check/target nice -n 10 cargo build --release \\
        --manifest-path comparisons/arr_movements_check/Cargo.toml
    nice -n 10 python3 comparisons/arr_movements_check.py [--streams 8] [--customers 3000] \\
        [--seed 1] [--bin /tmp/arr-check/target/release/arr-movements-check] [--work /tmp/arr-check/run]

Only the standard library is needed.
"""

import argparse
import bisect
import collections
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from decimal import Decimal, ROUND_HALF_EVEN
from fractions import Fraction

D = dt.date
ONE = dt.timedelta(days=1)
RANK = {"start": 0, "renew": 1, "change": 2, "discount_end": 3, "discount_start": 4,
        "resume": 5, "pause": 6, "cancel": 7}
MONTHS_OF = {"month": 1, "quarter": 3, "year": 12, "24 months": 24, "36 months": 36,
             "7 months": 7, "9 months": 9, "11 months": 11, "13 months": 13, "18 months": 18}
# terms whose ARR is a repeating decimal, which the ledger keeps exactly (--odd-terms)
ODD_TERMS = ["7 months", "9 months", "11 months", "13 months", "18 months", "36 months"]
COVER = collections.Counter()  # (event kind, state it met): what the streams exercised
KINDS = ["new", "expansion", "contraction", "churn", "reactivation"]
POLICIES = {
    # ChartMogul's defaults: MRR net of discounts, churn when the paid period ends, trials not
    # MRR; same-month new+churn netted as the dbt mrr-playbook's month-end snapshots do
    "default": [],
    # ChartMogul shows a customer who comes and goes inside a month as both new and churn
    "showboth": ["--same-period", "both"],
    "cancel_now": ["--churn", "cancellation", "--trials", "include", "--discounts", "forever"],
    "list_price": ["--discounts", "ignore", "--same-period", "both"],
}


# ----------------------------------------------------------------------------------------
# months

def month_of(d):
    return (d.year, d.month)


def month_str(m):
    return "%04d-%02d" % m


def next_month(m):
    y, mo = m
    return (y + 1, 1) if mo == 12 else (y, mo + 1)


def first_day(m):
    return D(m[0], m[1], 1)


def last_day(m):
    return first_day(next_month(m)) - ONE


def months_between(a, b):
    out, m = [], a
    while m <= b:
        out.append(m)
        m = next_month(m)
    return out


def add_months(d, n):
    y, m = d.year, d.month - 1 + n
    y += m // 12
    m = m % 12 + 1
    day = min(d.day, last_day((y, m)).day)
    return D(y, m, day)


# ----------------------------------------------------------------------------------------
# the reference

def order_key(e):
    return (e["date"], e["sequence"], RANK[e["kind"]], e["id"])


def dedupe(events):
    seen, out = {}, []
    for e in events:
        if e["id"] in seen:
            if seen[e["id"]] != e:
                raise ValueError("conflicting event %s" % e["id"])
            continue
        seen[e["id"]] = e
        out.append(e)
    return out


class Sub:
    """One subscription's state, as the docs of `EventKind` describe it."""

    def __init__(self, policy):
        self.p = policy
        self.status = "none"        # none, active, out (booked out, withdrawable), ended
        self.withdraw_by = None     # while out: the day it can no longer be withdrawn
        self.price = Fraction(0)
        self.months = 1
        self.discount = None        # (kind, value, forever)
        self.paused = False
        self.trial_until = None
        self.end_on = None          # a pending cancellation's end (exclusive of service)

    def fresh(self, price, months, trial_until, day):
        self.status = "active"
        self.price, self.months = price, months
        self.discount, self.paused, self.end_on = None, False, None
        self.trial_until = trial_until if trial_until is not None and trial_until > day else None

    def end(self):
        self.status = "ended"
        self.discount, self.paused, self.trial_until, self.end_on = None, False, None, None
        self.withdraw_by = None

    def scheduled(self, day):
        if self.end_on is not None and self.end_on <= day:
            self.end()
        if self.status == "out" and self.withdraw_by <= day:
            self.end()
        if self.trial_until is not None and self.trial_until <= day:
            self.trial_until = None

    def apply(self, e):
        k, day = e["kind"], e["date"]
        COVER[(k, self.status + ("/pending" if self.end_on else "") + ("/trial" if self.trial_until else "")
               + ("/paused" if self.paused else ""))] += 1
        if k == "start":
            self.fresh(Fraction(e["price"]), MONTHS_OF[e["interval"]], e.get("trial_until"), day)
        elif self.status == "out" and k in ("change", "renew"):
            # the cancellation is withdrawn: the contract goes on as it was
            self.status, self.withdraw_by = "active", None
            self.price, self.months = Fraction(e["price"]), MONTHS_OF[e["interval"]]
        elif self.status == "out" and k in ("pause", "resume", "discount_start", "discount_end"):
            # the contract under a withdrawable cancellation still runs
            self.status = "active"
            self.apply(e)
            self.status = "out"
        elif self.status == "out" and k == "cancel":
            pt = e.get("paid_through")
            if pt is not None and pt > day:
                self.withdraw_by = pt
            else:
                self.end()
        elif k == "renew":
            if self.status == "active":
                self.price, self.months, self.end_on = Fraction(e["price"]), MONTHS_OF[e["interval"]], None
            else:
                self.fresh(Fraction(e["price"]), MONTHS_OF[e["interval"]], None, day)
        elif self.status != "active":
            return  # change, pause, resume, discounts and cancels of an ended subscription
        elif k == "change":
            self.price, self.months, self.end_on = Fraction(e["price"]), MONTHS_OF[e["interval"]], None
        elif k == "cancel":
            pt = e.get("paid_through")
            if self.p["churn"] == "period_end" and pt is not None and pt > day:
                self.end_on = pt
            elif pt is not None and pt > day:
                self.status, self.withdraw_by = "out", pt
            else:
                self.end()
        elif k == "pause":
            self.paused = True
        elif k == "resume":
            self.paused = False
        elif k == "discount_start":
            if e.get("percent_off") is not None:
                self.discount = ("pct", Fraction(e["percent_off"]) / 100, bool(e.get("forever")))
            else:
                self.discount = ("amt", Fraction(e["amount_off"]), bool(e.get("forever")))
        elif k == "discount_end":
            self.discount = None

    def arr(self, day):
        if self.status != "active" or self.paused:
            return Fraction(0)
        if self.trial_until is not None and day < self.trial_until and self.p["trials"] == "exclude":
            return Fraction(0)
        net = self.price
        d = self.discount
        if d is not None and (self.p["discounts"] == "subtract" or (self.p["discounts"] == "forever" and d[2])):
            net = net * (1 - d[1]) if d[0] == "pct" else max(net - d[1], Fraction(0))
        return net * 12 / self.months


def replay_sub(events, policy, day_end):
    """Day by day: [(day, ARR at the end of that day)] at each day the value changes."""
    events = sorted(events, key=order_key)
    s = Sub(policy)
    by_day = collections.defaultdict(list)
    for e in events:
        by_day[e["date"]].append(e)
    day = events[0]["date"]
    out, last = [], Fraction(0)
    while day <= day_end:
        s.scheduled(day)
        for e in by_day.get(day, ()):
            s.apply(e)
        v = s.arr(day)
        if v != last:
            out.append((day, v))
            last = v
        day += ONE
    return out


def customer_series(events, policy, day_end):
    """Customer ARR change points [(day, value)], summed over its subscriptions."""
    subs = collections.defaultdict(list)
    for e in events:
        subs[e["subscription"]].append(e)
    deltas = collections.defaultdict(Fraction)
    for evs in subs.values():
        prev = Fraction(0)
        for day, v in replay_sub(evs, policy, day_end):
            deltas[day] += v - prev
            prev = v
    out, cur = [], Fraction(0)
    for day in sorted(deltas):
        if deltas[day] != 0:
            cur += deltas[day]
            out.append((day, cur))
    return out


def value_at(series, days, day):
    i = bisect.bisect_right(days, day)
    return series[i - 1][1] if i else Fraction(0)


def reference(events, policy, months, dbt=False):
    """Per customer: month-end ARR, and per customer-month its movements {kind: amount}."""
    events = dedupe(events)
    by_cust = collections.defaultdict(list)
    for e in events:
        by_cust[e["customer"]].append(e)
    day_end = last_day(months[-1])
    arr, log = {}, {}
    for c, evs in by_cust.items():
        series = customer_series(evs, policy, day_end)
        days = [d for d, _ in series]
        first_active = next((d for d, v in series if v > 0), None)
        prev = value_at(series, days, first_day(months[0]) - ONE)
        # the dbt mrr-playbook's test: any earlier month end with MRR (from the first event's month)
        ends = months_between(month_of(min(e["date"] for e in evs)), months[-1])
        had_end = {m: value_at(series, days, last_day(m)) > 0 for m in ends}
        arr[c] = {}
        for m in months:
            lo, hi = first_day(m), last_day(m)
            cur = value_at(series, days, hi)
            arr[c][m] = cur
            mv = {}
            returning = first_active is not None and first_active < lo
            if dbt:
                returning = any(had_end[x] for x in ends if x < m)
            if prev == 0 and cur > 0:
                mv["reactivation" if returning else "new"] = cur
            elif prev > 0 and cur == 0:
                mv["churn"] = prev
            elif prev > 0 and cur > 0 and cur != prev:
                mv["expansion" if cur > prev else "contraction"] = abs(cur - prev)
            elif prev == 0 and cur == 0 and policy["same_period"] == "both":
                i, j = bisect.bisect_left(days, lo), bisect.bisect_right(days, hi)
                peak = max([v for _, v in series[i:j]] + [Fraction(0)])
                if peak > 0:
                    mv["reactivation" if returning else "new"] = peak
                    mv["churn"] = peak
            if mv:
                log[(c, m)] = mv
            prev = cur
    return arr, log


def totals(arr, log, months):
    out = {}
    prev_total = None
    for m in months:
        t = {k: Fraction(0) for k in KINDS}
        t.update(new_logos=0, churned_logos=0, reactivated_logos=0)
        for (c, mm), mv in log.items():
            if mm != m:
                continue
            for k, v in mv.items():
                t[k] += v
            t["new_logos"] += "new" in mv
            t["churned_logos"] += "churn" in mv
            t["reactivated_logos"] += "reactivation" in mv
        t["closing"] = sum((a[m] for a in arr.values()), Fraction(0))
        out[m] = t
        prev_total = t["closing"]
    return out


def cents(x):
    q = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else Decimal(x)
    return q.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


# ----------------------------------------------------------------------------------------
# random streams

MONTHLY = ["9.99", "10.00", "29.00", "49.50", "99.00", "100.00", "250.00", "1000.01", "12.34"]


def rand_price(rng, interval):
    base = Decimal(rng.choice(MONTHLY)) if rng.random() < 0.5 else Decimal(rng.randint(1000, 200000)) / 100
    mult = {"month": 1, "quarter": 3, "year": 10, "24 months": 20, "36 months": 30}.get(interval)
    mult = mult if mult is not None else MONTHS_OF[interval]
    return str((base * mult).quantize(Decimal("0.01")))


ODD = False  # --odd-terms: a quarter of the prices on the terms of ODD_TERMS


def rand_interval(rng):
    if ODD and rng.random() < 0.25:
        return rng.choice(ODD_TERMS)
    r = rng.random()
    return ("month" if r < 0.6 else "year" if r < 0.85 else "quarter" if r < 0.93 else "24 months" if r < 0.97
            else "36 months")


def gen_customer(rng, cno, ids, lo, hi):
    cust = "c%05d" % cno
    no_seq = rng.random() < 0.1
    events = []
    nsubs = 1 if rng.random() < 0.7 else 2 if rng.random() < 0.85 else 3
    for sno in range(nsubs):
        sub = "s%d" % sno
        day = lo + dt.timedelta(days=rng.randint(0, (hi - lo).days - 60))
        seq = [rng.randint(1, 1000)]
        state = {"s": "active", "interval": rand_interval(rng), "pending": None, "trial": None}

        def ev(kind, **kw):
            seq[0] += rng.randint(1, 50)
            e = {"id": "e%d" % next(ids), "customer": cust, "subscription": sub, "date": day,
                 "sequence": 0 if no_seq else day.toordinal() * 100000 + seq[0], "kind": kind}
            if rng.random() < 0.05:
                e["recorded_on"] = day - dt.timedelta(days=rng.randint(0, 20))
            e.update(kw)
            events.append(e)

        def start(kind="start"):
            iv = rand_interval(rng)
            state["interval"] = iv
            kw = {"price": rand_price(rng, iv), "interval": iv}
            if kind == "start" and rng.random() < 0.15:
                kw["trial_until"] = day + dt.timedelta(days=rng.choice([0, 7, 14, 30, 31]))
                state["trial"] = kw["trial_until"]
            ev(kind, **kw)
            state["s"] = "active"

        start()
        # a few long histories, so that `apply` replays late events from its checkpoints
        n_more = rng.randint(30, 80) if rng.random() < 0.04 else rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10])
        for _ in range(n_more):
            gaps = [1, 2, 5, 10, 20, 30, 31, 45, 60, 90, 120] if n_more <= 10 else [1, 2, 3, 5, 7, 10, 15, 20, 30]
            gap = 0 if rng.random() < 0.2 else rng.choice(gaps)
            day = day + dt.timedelta(days=gap)
            # sometimes exactly on (or the day before) a pending end or a trial end
            target = state.get("pending") if rng.random() < 0.3 else state.get("trial") if rng.random() < 0.2 else None
            if target is not None and target > day - dt.timedelta(days=gap):
                day = target - dt.timedelta(days=rng.choice([0, 0, 1]))
            state["pending"] = state["trial"] = None
            if day > hi:
                break
            active = state["s"] == "active"
            if active:
                choice = rng.choices(
                    ["change", "renew", "cancel_now", "cancel_end", "pause", "resume",
                     "discount_start", "discount_end", "start"],
                    [30, 8, 10, 15, 5, 3, 8, 4, 3])[0]
            else:
                choice = rng.choices(["start", "renew", "change", "discount_end", "pause", "cancel_now"],
                                     [30, 15, 8, 3, 2, 3])[0]
            if choice == "start":
                start()
            elif choice in ("change", "renew"):
                iv = state["interval"] if rng.random() < 0.8 else rand_interval(rng)
                state["interval"] = iv
                ev(choice, price=rand_price(rng, iv), interval=iv)
                if choice == "renew":
                    state["s"] = "active"
            elif choice == "cancel_now":
                ev("cancel", **({"paid_through": day} if rng.random() < 0.2 else {}))
                state["s"] = "ended"
            elif choice == "cancel_end":
                r = rng.random()
                if r < 0.3:
                    pt = first_day(next_month(month_of(day)))
                elif r < 0.5:
                    pt = add_months(day, MONTHS_OF[state["interval"]])
                elif r < 0.6:
                    pt = last_day(month_of(day))
                elif r < 0.7:
                    pt = day - dt.timedelta(days=3)
                else:
                    pt = day + dt.timedelta(days=rng.randint(1, 80))
                ev("cancel", paid_through=pt)
                state["pending"] = pt
                state["s"] = "ended" if rng.random() < 0.5 else "active"
            elif choice in ("pause", "resume", "discount_end"):
                ev(choice)
            elif choice == "discount_start":
                if rng.random() < 0.7:
                    ev("discount_start", percent_off=rng.choice(["10", "12.5", "25", "33", "50", "100"]),
                       forever=rng.random() < 0.5)
                else:
                    ev("discount_start", amount_off=rng.choice(["1.00", "2.50", "5.00"]),
                       forever=rng.random() < 0.5)
    return events


def gen_stream(seed, n_customers, lo, hi):
    rng = random.Random(seed)
    ids = iter(range(1, 10 ** 9))
    events = []
    for c in range(n_customers):
        events.extend(gen_customer(rng, c, ids, lo, hi))
    dups = [dict(e) for e in events if rng.random() < 0.03]
    events.extend(dups)
    rng.shuffle(events)
    return events


# ----------------------------------------------------------------------------------------
# the crate's side

CSV_HEADER = ["id", "customer", "subscription", "date", "sequence", "recorded_on", "kind", "currency", "price",
              "interval", "trial_until", "paid_through", "percent_off", "amount_off", "forever"]


def write_csv(events, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for e in events:
            k = e["kind"]
            priced = k in ("start", "change", "renew")
            amt = e.get("amount_off")
            w.writerow([
                e["id"], e["customer"], e["subscription"], e["date"].isoformat(),
                e["sequence"] or "", e["recorded_on"].isoformat() if e.get("recorded_on") else "", k,
                "USD" if priced or amt is not None else "", e.get("price", ""), e.get("interval", ""),
                e["trial_until"].isoformat() if e.get("trial_until") else "",
                e["paid_through"].isoformat() if e.get("paid_through") else "",
                e["percent_off"] + "%" if e.get("percent_off") is not None else "",
                amt if amt is not None else "",
                ("true" if e.get("forever") else "false") if k == "discount_start" else "",
            ])


def to_json_event(e):
    k = e["kind"]
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    if k in ("start", "change", "renew"):
        body = {"price": {"amount": e["price"], "currency": "USD"}, "interval": e["interval"]}
        if k == "start":
            body["trial_until"] = iso(e.get("trial_until"))
        kind = {k.capitalize(): body}
    elif k == "cancel":
        kind = {"Cancel": {"paid_through": iso(e.get("paid_through"))}}
    elif k == "discount_start":
        off = ({"Percent": e["percent_off"] + "%"} if e.get("percent_off") is not None
               else {"Amount": {"amount": e["amount_off"], "currency": "USD"}})
        kind = {"DiscountStart": {"off": off, "forever": bool(e.get("forever"))}}
    else:
        kind = {"pause": "Pause", "resume": "Resume", "discount_end": "DiscountEnd"}[k]
    return {"id": e["id"], "customer": e["customer"], "subscription": e["subscription"],
            "date": e["date"].isoformat(), "sequence": e["sequence"], "recorded_on": iso(e.get("recorded_on")),
            "kind": kind}


def starts_first(events):
    """The arrival order, but each subscription's first event (a start) before its others:
    `apply` refuses an event of a subscription it has no start for, as a rebuild would."""
    first = {}
    for e in events:
        k = (e["customer"], e["subscription"])
        if k not in first or order_key(e) < order_key(first[k]):
            first[k] = e
    ids = {e["id"] for e in first.values()}
    return list(first.values()) + [e for e in events if e["id"] not in ids or e is not first[(e["customer"], e["subscription"])]]


def run_crate(binary, events, months, outdir, opts, fmt="csv", apply=False):
    os.makedirs(outdir, exist_ok=True)
    if apply:
        events = starts_first(events)
    path = os.path.join(outdir, "events." + fmt)
    if fmt == "csv":
        write_csv(events, path)
    else:
        with open(path, "w") as f:
            json.dump([to_json_event(e) for e in events], f)
    cmd = [binary, path, month_str(months[0]), month_str(months[-1]), outdir] + opts + (["--apply"] if apply else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.returncode, p.stderr.strip()[-2000:])}
    arr = collections.defaultdict(dict)
    with open(os.path.join(outdir, "customers.csv")) as f:
        for r in csv.DictReader(f):
            arr[r["customer"]][tuple(map(int, r["month"].split("-")))] = Decimal(r["arr"])
    mov = {}
    with open(os.path.join(outdir, "movements.csv")) as f:
        for r in csv.DictReader(f):
            mov[tuple(map(int, r["month"].split("-")))] = r
    log = collections.defaultdict(dict)
    with open(os.path.join(outdir, "log.csv")) as f:
        for r in csv.DictReader(f):
            if r["kind"] == "Fx":
                continue
            key = (r["customer"], tuple(map(int, r["month"].split("-"))))
            log[key][r["kind"].lower()] = Decimal(r["amount"])
    return {"arr": arr, "mov": mov, "log": dict(log)}


def close(a, b, tol=Decimal("1e-6")):
    a = Decimal(a.numerator) / Decimal(a.denominator) if isinstance(a, Fraction) else Decimal(a)
    b = Decimal(b.numerator) / Decimal(b.denominator) if isinstance(b, Fraction) else Decimal(b)
    return abs(a - b) <= tol


def compare(ref_arr, ref_log, crate, months):
    """Customers that disagree (ARR or movement log), and months whose totals disagree."""
    bad = set()
    for c, per in ref_arr.items():
        for m in months:
            if cents(per[m]) != crate["arr"].get(c, {}).get(m):
                bad.add(c)
    keys = set(ref_log) | set(crate["log"])
    for key in keys:
        r, k = ref_log.get(key, {}), crate["log"].get(key, {})
        if set(r) != set(k) or any(not close(r[x], k[x]) for x in r):
            bad.add(key[0])
    ref_t = totals(ref_arr, ref_log, months)
    bad_months = []
    for m in months:
        t, r = ref_t[m], crate["mov"][m]
        ok = all(close(t[k], r[k]) for k in KINDS) and all(t[k] == int(r[k]) for k in
                                                              ("new_logos", "churned_logos", "reactivated_logos"))
        ok = ok and cents(t["closing"]) == Decimal(r["closing"]) and r["ties"] == "true"
        if not ok:
            bad_months.append(m)
    return bad, bad_months


def describe(c, ref_arr, ref_log, crate, months):
    lines = []
    for m in months:
        ra = cents(ref_arr.get(c, {}).get(m, Fraction(0)))
        ca = crate["arr"].get(c, {}).get(m)
        rm = {k: cents(v) for k, v in ref_log.get((c, m), {}).items()}
        cm = {k: cents(v) for k, v in crate["log"].get((c, m), {}).items()}
        if ra != ca or rm != cm:
            lines.append("  %s  ref ARR %s %s | crate ARR %s %s" % (month_str(m), ra, rm or "", ca, cm or ""))
    return lines


def disagrees(binary, events, months, policy, opts, workdir):
    ref_arr, ref_log = reference(events, policy, months)
    crate = run_crate(binary, events, months, workdir, opts)
    if "error" in crate:
        return "error", crate
    bad, _ = compare(ref_arr, ref_log, crate, months)
    return ("bad" if bad else "ok"), crate


def valid(events):
    """Each subscription's first event (in order) is a start."""
    subs = collections.defaultdict(list)
    for e in dedupe(events):
        subs[(e["customer"], e["subscription"])].append(e)
    return all(sorted(v, key=order_key)[0]["kind"] == "start" for v in subs.values())


def shrink(binary, events, months, policy, opts, workdir, want):
    """Greedy: drop one event at a time while the outcome (`want`) persists."""
    events = dedupe(events)
    changed = True
    while changed:
        changed = False
        for i in range(len(events)):
            cand = events[:i] + events[i + 1:]
            if not cand or not valid(cand):
                continue
            if disagrees(binary, cand, months, policy, opts, workdir)[0] == want:
                events, changed = cand, True
                break
    # then fewer subscription fields: drop sequences where possible
    for i, e in enumerate(events):
        for field in ("recorded_on",):
            if field in e:
                cand = events[:i] + [{k: v for k, v in e.items() if k != field}] + events[i + 1:]
                if disagrees(binary, cand, months, policy, opts, workdir)[0] == want:
                    events = cand
    return events


def fmt_event(e):
    extra = []
    for k in ("price", "interval", "trial_until", "paid_through", "percent_off", "amount_off", "forever"):
        if e.get(k) is not None and not (k == "forever" and e["kind"] != "discount_start"):
            v = e[k]
            extra.append("%s=%s" % (k, v.isoformat() if isinstance(v, D) else v))
    return "%s %s/%s %s seq=%s %s %s" % (e["id"], e["customer"], e["subscription"], e["date"].isoformat(),
                                         e["sequence"], e["kind"], " ".join(extra))


def policy_of(opts):
    p = {"discounts": "subtract", "churn": "period_end", "same_period": "ignore", "trials": "exclude"}
    names = {"--discounts": "discounts", "--churn": "churn", "--same-period": "same_period", "--trials": "trials"}
    vals = {"both": "both", "ignore": "ignore", "cancellation": "cancellation", "include": "include",
            "forever": "forever", "subtract": "subtract", "exclude": "exclude", "period_end": "period_end"}
    for i in range(0, len(opts), 2):
        p[names[opts[i]]] = vals[opts[i + 1]]
    return p


def E(i, sub, date, kind, seq=0, **kw):
    """A hand-written event of customer "x"."""
    y, m, d = map(int, date.split("-"))
    for k in ("trial_until", "paid_through"):
        if k in kw:
            kw[k] = D(*map(int, kw[k].split("-")))
    e = {"id": "h%02d" % i, "customer": "x", "subscription": sub, "date": D(y, m, d), "sequence": seq, "kind": kind}
    e.update(kw)
    return e


def edge_cases():
    """Hand-written streams for the rules' corners (policy name, what, events)."""
    M = dict(price="100.00", interval="month")
    return [
        ("default", "amount discount larger than the price", [
            E(1, "a", "2025-01-05", "start", price="10.00", interval="month"),
            E(2, "a", "2025-02-05", "discount_start", amount_off="15.00", forever=True)]),
        ("default", "change on the paid_through day itself", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-20", "cancel", paid_through="2025-03-05"),
            E(3, "a", "2025-03-05", "change", price="150.00", interval="month")]),
        ("default", "start on the paid_through day itself", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-20", "cancel", paid_through="2025-03-05"),
            E(3, "a", "2025-03-05", "start", price="150.00", interval="month")]),
        ("default", "trial cancelled at period end after the trial runs out", [
            E(1, "a", "2025-01-03", "start", trial_until="2025-02-03", **M),
            E(2, "a", "2025-01-10", "cancel", paid_through="2025-03-01")]),
        ("default", "cancel on the trial's last day vs on its end day", [
            E(1, "a", "2025-01-03", "start", trial_until="2025-02-03", **M),
            E(2, "a", "2025-02-03", "cancel"),
            E(3, "b", "2025-01-03", "start", trial_until="2025-02-03", **M),
            E(4, "b", "2025-02-02", "cancel")]),
        ("default", "renew of a paused running subscription stays paused", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-10", "pause"),
            E(3, "a", "2025-02-05", "renew", price="120.00", interval="month")]),
        ("default", "renew during a trial keeps the trial", [
            E(1, "a", "2025-01-05", "start", trial_until="2025-03-05", **M),
            E(2, "a", "2025-02-01", "renew", price="120.00", interval="month")]),
        ("default", "start over a pending cancel and a discount: new contract", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-06", "discount_start", percent_off="50", forever=True),
            E(3, "a", "2025-01-20", "cancel", paid_through="2025-03-05"),
            E(4, "a", "2025-02-10", "start", price="80.00", interval="month")]),
        ("default", "resume does not undo a pending cancel", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-10", "pause"),
            E(3, "a", "2025-01-20", "cancel", paid_through="2025-04-05"), E(4, "a", "2025-02-10", "resume")]),
        ("default", "100% discount: churn, its end: reactivation", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-02-10", "discount_start", percent_off="100"),
            E(3, "a", "2025-04-10", "discount_end")]),
        ("default", "pending cancel replaced by an immediate one", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-10", "cancel", paid_through="2025-04-30"),
            E(3, "a", "2025-02-10", "cancel")]),
        ("default", "pending cancel replaced by a later one", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-10", "cancel", paid_through="2025-02-28"),
            E(3, "a", "2025-02-10", "cancel", paid_through="2025-04-30")]),
        ("showboth", "in and out inside a month at 250 then 100 (docs: 3,000 both ways)", [
            E(1, "a", "2025-03-03", "start", price="250.00", interval="month"),
            E(2, "a", "2025-03-10", "change", price="100.00", interval="month"), E(3, "a", "2025-03-20", "cancel")]),
        ("showboth", "in and out inside a month, back inside a later month and out again", [
            E(1, "a", "2025-03-03", "start", **M), E(2, "a", "2025-03-10", "cancel"),
            E(3, "a", "2025-05-03", "start", **M), E(4, "a", "2025-05-10", "cancel")]),
        ("default", "same sequence: start and cancel of one day, by kind", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-02-10", "cancel"),
            E(3, "a", "2025-02-10", "start", price="90.00", interval="month")]),
        ("default", "sequence decides over kind: cancel recorded after a restart", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-02-10", "cancel", seq=7),
            E(3, "a", "2025-02-10", "start", seq=3, price="90.00", interval="month")]),
        ("default", "sequence at u64::MAX", [
            E(1, "a", "2025-01-05", "start", seq=2 ** 64 - 2, **M),
            E(2, "a", "2025-01-05", "change", seq=2 ** 64 - 1, price="90.00", interval="month")]),
        ("default", "start and cancel the same day, back next month: new (never had ARR at a day's end)", [
            E(1, "a", "2025-01-05", "start", seq=1, **M), E(2, "a", "2025-01-05", "cancel", seq=2),
            E(3, "a", "2025-02-05", "start", **M)]),
        ("default", "paid through the first of next month: still ARR at the month end", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-20", "cancel", paid_through="2025-02-01"),
            E(3, "b", "2025-01-05", "start", **M), E(4, "b", "2025-01-20", "cancel", paid_through="2025-01-31")]),
        ("default", "two subscriptions: one ends as the other starts (contraction/expansion, not churn)", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-02-10", "cancel"),
            E(3, "b", "2025-02-10", "start", price="30.00", interval="month")]),
        ("default", "36-month price", [
            E(1, "a", "2025-01-05", "start", price="1000.00", interval="36 months"),
            E(2, "b", "2025-01-05", "start", price="0.01", interval="36 months")]),
        ("default", "a half-cent total of thirds and halves rounds half to even", [
            E(1, "a", "2025-01-05", "start", price="100.00", interval="36 months"),
            E(2, "b", "2025-01-05", "start", price="100.00", interval="36 months"),
            E(3, "c", "2025-01-05", "start", price="100.00", interval="36 months"),
            E(4, "d", "2025-01-05", "start", price="2000.03", interval="24 months")]),
        ("default", "amount discount then a price change: the discount stays", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-06", "discount_start", amount_off="5.00"),
            E(3, "a", "2025-02-06", "change", price="40.00", interval="year")]),
        ("cancel_now", "trial under TrialPolicy::Include", [
            E(1, "a", "2025-01-05", "start", trial_until="2025-03-01", **M)]),
        ("default", "history before the book: opening ARR, churn in the first month", [
            E(1, "a", "2024-06-05", "start", **M), E(2, "a", "2025-01-10", "cancel")]),
        ("default", "a change after an immediate cancellation is ignored, a renew restarts", [
            E(1, "a", "2025-01-05", "start", **M), E(2, "a", "2025-01-10", "cancel"),
            E(3, "a", "2025-02-10", "change", price="90.00", interval="month"),
            E(4, "a", "2025-03-10", "renew", price="70.00", interval="month")]),
    ]


def run_edges(binary, work, months):
    print("hand-written edge cases:")
    bad = 0
    for pname, what, evs in edge_cases():
        policy = policy_of(POLICIES[pname])
        ref_arr, ref_log = reference(evs, policy, months)
        crate = run_crate(binary, evs, months, os.path.join(work, "edge"), POLICIES[pname])
        if "error" in crate:
            bad += 1
            print("  [%s] %s: crate error %s" % (pname, what, crate["error"]))
            continue
        lines = describe("x", ref_arr, ref_log, crate, months)
        if lines:
            bad += 1
            print("  [%s] %s: DISAGREE" % (pname, what))
            for e in sorted(evs, key=order_key):
                print("      " + fmt_event(e))
            for line in lines:
                print("    " + line)
        else:
            shown = ["%s %s%s" % (month_str(m), cents(ref_arr["x"][m]), ref_log.get(("x", m), ""))
                     for m in months[:6] if ref_arr["x"][m] or ("x", m) in ref_log]
            print("  [%s] %s: agree (%s)" % (pname, what, "; ".join(shown).replace("Fraction", "")))
    # a redelivered id with other content is refused (the docs' ConflictingEvent)
    evs = [E(1, "a", "2025-01-05", "start", **M_) for M_ in ({"price": "100.00", "interval": "month"},
                                                               {"price": "101.00", "interval": "month"})]
    crate = run_crate(binary, evs, months, os.path.join(work, "edge"), [])
    print("  conflicting redelivery: %s" % (crate.get("error", ("ACCEPTED (expected ConflictingEvent)",))[-1],))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--streams", type=int, default=8)
    ap.add_argument("--customers", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--policies", default=",".join(POLICIES))
    ap.add_argument("--bin", default="/tmp/arr-check/target/release/arr-movements-check")
    ap.add_argument("--work", default="/tmp/arr-check/run")
    ap.add_argument("--shrink", type=int, default=6, help="disagreeing customers shrunk per stream and policy")
    ap.add_argument("--odd-terms", action="store_true",
                    help="a quarter of the prices on 7-, 9-, 11-, 13-, 18- and 36-month terms (repeating-decimal ARR)")
    args = ap.parse_args()
    global ODD
    ODD = args.odd_terms

    months = months_between((2025, 1), (2026, 12))
    lo, hi = D(2024, 10, 1), D(2027, 1, 15)
    run_edges(args.bin, args.work, months)
    summary = collections.Counter()
    examples = {}
    for s in range(args.streams):
        seed = args.seed * 1000 + s
        events = gen_stream(seed, args.customers, lo, hi)
        for pname in args.policies.split(","):
            opts = POLICIES[pname]
            policy = policy_of(opts)
            ref_arr, ref_log = reference(events, policy, months)
            if pname == "default":
                # the documented difference from the dbt mrr-playbook (reactivation by day, not month end)
                _, dbt_log = reference(events, policy, months, dbt=True)
                summary["dbt_playbook_would_differ"] += sum(1 for k in set(ref_log) | set(dbt_log)
                                                            if ref_log.get(k) != dbt_log.get(k))
            for mode in ("build", "apply"):
                fmt = "json" if s % 2 else "csv"
                work = os.path.join(args.work, "s%d-%s-%s" % (s, pname, mode))
                crate = run_crate(args.bin, events, months, work, opts, fmt=fmt, apply=(mode == "apply"))
                summary["runs"] += 1
                if "error" in crate:
                    summary["errors"] += 1
                    print("ERROR stream %d policy %s %s: %s" % (s, pname, mode, crate["error"]))
                    continue
                bad, bad_months = compare(ref_arr, ref_log, crate, months)
                summary["customers"] += len(ref_arr)
                summary["customer_months"] += len(ref_arr) * len(months)
                summary["months"] += len(months)
                summary["bad_customers"] += len(bad)
                summary["bad_months"] += len(bad_months)
                print("stream %d (%d events, %s) policy %-10s %-5s: %d customers, %d disagree; %d of %d months' totals disagree"
                      % (s, len(events), fmt, pname, mode, len(ref_arr), len(bad), len(bad_months), len(months)))
                sys.stdout.flush()
                if mode != "build":
                    continue
                for c in sorted(bad)[: args.shrink]:
                    evs = [e for e in events if e["customer"] == c]
                    small = shrink(args.bin, evs, months, policy, opts, os.path.join(args.work, "shrink"), "bad")
                    sig = (pname, tuple((e["subscription"], e["kind"]) for e in sorted(small, key=order_key)))
                    if sig in examples:
                        continue
                    r_arr, r_log = reference(small, policy, months)
                    cr = run_crate(args.bin, small, months, os.path.join(args.work, "shrink"), opts)
                    examples[sig] = [fmt_event(e) for e in sorted(small, key=order_key)] + \
                        describe(small[0]["customer"], r_arr, r_log, cr, months)
    print()
    print("summary:", dict(summary))
    print("events by kind and the state they met (reference):")
    for (k, st), n in sorted(COVER.items()):
        print("  %-15s %-28s %d" % (k, st, n))
    print()
    for (pname, _), lines in examples.items():
        print("policy %s:" % pname)
        for line in lines:
            print("  " + line)
        print()


if __name__ == "__main__":
    main()
