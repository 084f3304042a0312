#!/usr/bin/env python3
"""Test vectors for revops' money arithmetic, computed independently of the crate with Python's
exact `fractions.Fraction` (no decimal floats, no shared code): largest-remainder allocation,
exact ratios applied to money with each rounding rule, and invoice-line tax.

Run from the repository root: `python3 tests/data/generate_vectors.py` (Python 3.8+, standard
library only). It rewrites tests/data/{allocation,mul_ratio,tax}.csv; tests/vectors.rs reads
them. The seed is fixed, so the files only change when this script does.
"""
import csv
import random
from fractions import Fraction

random.seed(20261204)


def floor_div(a, b):
    return a // b


def largest_remainder(total, weights):
    """The crate's documented rule: floor shares, leftover units one each to the largest
    remainders, ties to the earlier part; a negative total is the mirror image."""
    s = sum(weights)
    mag = abs(total)
    shares = [Fraction(mag) * w / s for w in weights]
    parts = [int(sh.numerator // sh.denominator) for sh in shares]
    rema = [sh - p for sh, p in zip(shares, parts)]
    left = mag - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-rema[i], i))
    for i in order[:left]:
        parts[i] += 1
    return [-p for p in parts] if total < 0 else parts


def round_fraction(x, strategy):
    """x rounded to an integer under a rust_decimal RoundingStrategy name."""
    fl = x.numerator // x.denominator  # floor
    frac = x - fl
    toward_zero = fl if x >= 0 else (fl + (1 if frac else 0))
    away = toward_zero + (1 if x > 0 else -1) if frac else toward_zero
    if frac == 0:
        return fl
    half = Fraction(1, 2)
    dist = abs(x - toward_zero)
    if strategy == "ToZero":
        return toward_zero
    if strategy == "AwayFromZero":
        return away
    if strategy == "ToNegativeInfinity":
        return fl
    if strategy == "ToPositiveInfinity":
        return fl + 1
    if dist < half:
        return toward_zero
    if dist > half:
        return away
    if strategy == "MidpointAwayFromZero":
        return away
    if strategy == "MidpointTowardZero":
        return toward_zero
    # MidpointNearestEven
    return toward_zero if toward_zero % 2 == 0 else away


def decimal_text(units, places):
    sign = "-" if units < 0 else ""
    units = abs(units)
    if places == 0:
        return f"{sign}{units}"
    s = str(units).rjust(places + 1, "0")
    return f"{sign}{s[:-places]}.{s[-places:]}"


def random_decimal(max_units, places):
    return random.randint(-max_units, max_units), places


def allocation_rows():
    rows = []
    for _ in range(400):
        n = random.randint(1, 12)
        scale = random.choice([0, 1, 2, 4])
        weights = [random.randint(0, 10 ** random.randint(1, 7)) for _ in range(n)]
        if sum(weights) == 0:
            weights[0] = 1
        total = random.randint(-10 ** random.randint(0, 15), 10 ** random.randint(0, 15))
        parts = largest_remainder(total, [Fraction(w, 10 ** scale) for w in weights])
        rows.append([total, ";".join(decimal_text(w, scale) for w in weights), ";".join(map(str, parts))])
    return rows


STRATEGIES = ["MidpointNearestEven", "MidpointAwayFromZero", "MidpointTowardZero", "ToZero",
              "AwayFromZero", "ToNegativeInfinity", "ToPositiveInfinity"]
CURRENCIES = [("USD", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4)]


def mul_ratio_rows():
    rows = []
    for _ in range(600):
        code, minor = random.choice(CURRENCIES)
        places = random.randint(0, 6)
        units = random.randint(-10 ** random.randint(0, 12), 10 ** random.randint(0, 12))
        num = random.randint(-400, 400)
        den = random.choice([1, 2, 3, 4, 7, 8, 12, 28, 29, 30, 31, 365, 366, 1000])
        strategy = random.choice(STRATEGIES)
        exact = Fraction(units, 10 ** places) * Fraction(num, den) * 10 ** minor
        result = round_fraction(exact, strategy)
        rows.append([decimal_text(units, places), code, num, den, strategy, decimal_text(result, minor)])
    # every strategy on exact midpoints
    for strategy in STRATEGIES:
        for units in (5, 15, 25, -5, -15, -25):
            exact = Fraction(units, 1000) * 100  # x.xx5 USD
            rows.append([decimal_text(units, 3), "USD", 1, 1, strategy, decimal_text(round_fraction(exact, strategy), 2)])
    return rows


def tax_rows():
    rows = []
    rates = ["0%", "5%", "7.25%", "8.875%", "10%", "19%", "20%", "21%", "25%", "8.25%"]
    for _ in range(600):
        code, minor = random.choice(CURRENCIES[:3])
        price_places = random.randint(0, 4)
        price = random.randint(0, 10 ** random.randint(1, 9))
        qty_places = random.choice([0, 0, 0, 1, 2])
        qty = random.randint(0, 10 ** random.randint(0, 4))
        rate_text = random.choice(rates)
        rate = Fraction(rate_text[:-1]) / 100
        mode = random.choice(["Exclusive", "Inclusive"])
        priced = round_fraction(Fraction(price, 10 ** price_places) * Fraction(qty, 10 ** qty_places) * 10 ** minor,
                                "MidpointNearestEven")
        if mode == "Exclusive":
            net = priced
            tax = round_fraction(Fraction(priced) * rate, "MidpointNearestEven")
        else:
            net = round_fraction(Fraction(priced) / (1 + rate), "MidpointNearestEven")
            tax = priced - net
        rows.append([code, decimal_text(price, price_places), decimal_text(qty, qty_places), rate_text, mode,
                     decimal_text(net, minor), decimal_text(tax, minor), decimal_text(net + tax, minor)])
    return rows


def write(name, header, rows):
    with open(f"tests/data/{name}.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


write("allocation", ["total_minor", "weights", "parts"], allocation_rows())
write("mul_ratio", ["amount", "currency", "num", "den", "rounding", "expected"], mul_ratio_rows())
write("tax", ["currency", "unit_price", "quantity", "rate", "mode", "net", "tax", "gross"], tax_rows())
