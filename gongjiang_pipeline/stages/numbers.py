"""Exact arithmetic for scores: trimmed means, weighted totals, rounding.

Scores arrive as floats parsed from the data files' decimal text; ``exact``
turns them back into that decimal (via ``repr``, the shortest round-tripping
text) as a :class:`~fractions.Fraction`. All sums, means and weights are then
exact Fractions, so nothing depends on evaluation order, and rounding happens
once, at the end, half up (``decimal.ROUND_HALF_UP``).

Score sheets without normalisation are scored in integers instead
(:func:`fixed_point`: every score over one common denominator; :func:`round_ratio`
rounds a ratio of integers): the same exact values, without Fraction arithmetic.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Iterable, Mapping, Sequence


def exact(x: float | int | Decimal | Fraction) -> Fraction:
    """The exact decimal value a data file wrote (``91.3`` -> 913/10, not the binary float)."""
    if isinstance(x, float):
        return _exact_float(x)
    return Fraction(x)


@functools.lru_cache(maxsize=65536)
def _exact_float(x: float) -> Fraction:
    # scores repeat a few hundred distinct values; Fraction is immutable, so sharing is safe.
    # Keyed by float only (-0.0 and 0.0 share an entry: both are exactly 0).
    return Fraction(Decimal(repr(x)))


class ExactValues(Mapping):
    """A read-only mapping of data values, each read as its exact Fraction (:func:`exact`).

    Converted on access, so values never looked at (tie-break metrics of
    candidates who are not tied) are never converted.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, float | int]):
        self._raw = raw

    def __getitem__(self, key: str) -> Fraction:
        return exact(self._raw[key])

    def get(self, key: str, default=None):
        raw = self._raw.get(key, _MISSING)
        return default if raw is _MISSING else exact(raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"ExactValues({dict(self.items())!r})"


_MISSING = object()


def as_written(x: float | int) -> Decimal:
    """A data value as a Decimal for display: ``90.0`` -> 90, ``91.5`` -> 91.5."""
    d = Decimal(repr(x)) if isinstance(x, float) else Decimal(x)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def round_half_up(x: Fraction, decimals: int) -> Decimal:
    """``x`` rounded to ``decimals`` places, halves away from zero, exactly.

    The magnitude is first truncated to ``decimals + 1`` places (exact, no
    binary rounding), then Decimal's ROUND_HALF_UP decides: truncation keeps
    the "at least half" comparison intact, so 91.125 -> 91.13, 91.12499.. -> 91.12.
    """
    if type(x) is Fraction:
        return _round_fraction(x.numerator, x.denominator, decimals)
    sign = -1 if x < 0 else 1
    truncated = Decimal(math.floor(abs(x) * 10 ** (decimals + 1))).scaleb(-(decimals + 1))
    rounded = truncated.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return -rounded if sign < 0 and rounded != 0 else rounded


def round_ratio(numerator: int, denominator: int, decimals: int) -> Decimal:
    """``round_half_up(Fraction(numerator, denominator), decimals)`` without building the Fraction.

    ``denominator`` > 0; the ratio need not be in lowest terms (the steps below
    depend only on its value): the same steps as :func:`round_half_up` on the
    integers, as floor(|n/d| * 10**(k+1)) == |n| * 10**(k+1) // d exactly.
    """
    q = abs(numerator) * 10 ** (decimals + 1) // denominator
    if decimals >= 0 and q < _EXACT_BELOW:
        # the truncation q / 10**(k+1) rounded half up to k places is (q + 5) // 10 over
        # 10**k: integers, then one exact Decimal (the same value, digits and exponent
        # as the quantize below; far within the context's precision)
        r = (q + 5) // 10
        return Decimal(-r if numerator < 0 else r).scaleb(-decimals)
    truncated = Decimal(q).scaleb(-(decimals + 1))
    rounded = truncated.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return -rounded if numerator < 0 and rounded != 0 else rounded


# below this, a truncated value has fewer digits than the default decimal precision (28)
_EXACT_BELOW = 10**26


# Cached: judges' scores repeat.
_round_fraction = functools.lru_cache(maxsize=65536)(round_ratio)


def fixed_point(values: Iterable[float | int]) -> tuple[int, dict[float | int, int]] | None:
    """One common denominator for exact data values, and each value as an integer over it.

    Returns ``(scale, ints)`` with ``exact(v) == Fraction(ints[v], scale)`` for every
    ``v`` of ``values``: sums, comparisons and sorting of the integers are then exact
    and agree with the Fractions. ``scale`` is the least common multiple of the values'
    denominators (a divisor of 10**places for decimals written with ``places`` places).
    None unless every value is a finite float or an int (the caller then uses Fractions).
    """
    fracs = {}
    for v in set(values):
        if type(v) is int or (type(v) is float and math.isfinite(v)):
            fracs[v] = exact(v)
        else:
            return None
    scale = 1
    for f in fracs.values():
        d = f.denominator
        if scale % d:
            scale = scale * d // math.gcd(scale, d)
    return scale, {v: f.numerator * (scale // f.denominator) for v, f in fracs.items()}


def fsum(values: Iterable[Fraction]) -> Fraction:
    """The exact sum of Fractions, over one common denominator (same value as ``sum``, faster)."""
    values = list(values)
    if not all(type(v) is Fraction for v in values):
        return sum(values, Fraction(0))
    common = 1
    for v in values:
        d = v.denominator
        if common % d:
            common = common * d // math.gcd(common, d)
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common)


def mean(values: Iterable[Fraction]) -> Fraction:
    values = list(values)
    return fsum(values) / len(values)


def variance(values: Sequence[Fraction]) -> Fraction:
    """Population variance."""
    m = mean(values)
    return mean((v - m) ** 2 for v in values)


def sqrt(x: Fraction) -> Fraction:
    """Square root at 34 significant digits (Decimal, deterministic), as a Fraction."""
    with localcontext() as ctx:
        ctx.prec = 34
        return Fraction((Decimal(x.numerator) / Decimal(x.denominator)).sqrt())


@dataclass(frozen=True)
class Trimmed:
    mean: Fraction
    kept: tuple[Fraction, ...]
    dropped_high: tuple[Fraction, ...]
    dropped_low: tuple[Fraction, ...]

    @property
    def trimmed(self) -> bool:
        return bool(self.dropped_high or self.dropped_low)


def trimmed_mean(values: Iterable[Fraction], min_judges: int, drop_highest: int, drop_lowest: int) -> Trimmed:
    """Mean of ``values`` after dropping the highest and lowest ones.

    Dropping happens only with at least ``min_judges`` values (and more values
    than are dropped); otherwise it is the plain mean. Exactly ``drop_highest``
    value *instances* go from the top: of 90, 90, 80, 70, 70 one 90 and one 70
    are dropped, leaving 90, 80, 70.
    """
    values = list(values)
    if not values:
        raise ValueError("no scores")
    if not all(type(v) is Fraction for v in values):
        return _trimmed_slow(values, min_judges, drop_highest, drop_lowest)
    # Over one common denominator the values are integers: sorting and summing them is
    # exact and gives the same order (stable, equal integers for equal values) and the
    # same mean as working on the Fractions themselves, without Fraction arithmetic.
    common = 1
    for v in values:
        d = v.denominator
        if common % d:
            common = common * d // math.gcd(common, d)
    scaled = [v.numerator * (common // v.denominator) for v in values]
    order = sorted(range(len(values)), key=scaled.__getitem__)
    n = len(order)
    if n >= min_judges and n > drop_highest + drop_lowest:
        low, kept, high = order[:drop_lowest], order[drop_lowest : n - drop_highest], order[n - drop_highest :]
    else:
        low, kept, high = [], order, []
    total = sum(scaled[i] for i in kept)
    return Trimmed(
        Fraction(total, common * len(kept)),
        tuple(values[i] for i in kept),
        tuple(values[i] for i in sorted(high, key=scaled.__getitem__, reverse=True)),
        tuple(values[i] for i in low),
    )


def _trimmed_slow(values: list, min_judges: int, drop_highest: int, drop_lowest: int) -> Trimmed:
    vals = sorted(values)
    n = len(vals)
    if n >= min_judges and n > drop_highest + drop_lowest:
        low, kept, high = vals[:drop_lowest], vals[drop_lowest : n - drop_highest], vals[n - drop_highest :]
    else:
        low, kept, high = [], vals, []
    return Trimmed(mean(kept), tuple(kept), tuple(sorted(high, reverse=True)), tuple(low))
