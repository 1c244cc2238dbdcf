"""The engine's faster arithmetic gives exactly what the plain Fraction versions give.

Results must not change: each fast path is checked against the straightforward
definition on arbitrary exact values (decimals as the data writes them, and
Fractions with large denominators as z-score normalisation produces).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang_pipeline.stages import numbers
from gongjiang_pipeline.stages.numbers import exact, fsum, mean, round_half_up, trimmed_mean
from gongjiang_pipeline.stages.ranking import Ranking, Tier

decimals_ = st.decimals(min_value=-200, max_value=200, places=3, allow_nan=False, allow_infinity=False).map(Fraction)
fractions_ = st.fractions(min_value=-200, max_value=200, max_denominator=10**12)
values = st.lists(st.one_of(decimals_, fractions_), min_size=1, max_size=12)


def reference_round(x: Fraction, decimals: int) -> Decimal:
    sign = -1 if x < 0 else 1
    truncated = Decimal(math.floor(abs(x) * 10 ** (decimals + 1))).scaleb(-(decimals + 1))
    rounded = truncated.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return -rounded if sign < 0 and rounded != 0 else rounded


def reference_trimmed(vals, min_judges, high, low):
    vals = sorted(vals)
    n = len(vals)
    if n >= min_judges and n > high + low:
        lo, kept, hi = vals[:low], vals[low : n - high], vals[n - high :]
    else:
        lo, kept, hi = [], vals, []
    return sum(kept, Fraction(0)) / len(kept), tuple(kept), tuple(sorted(hi, reverse=True)), tuple(lo)


@settings(max_examples=300, deadline=None)
@given(st.one_of(decimals_, fractions_), st.integers(0, 6))
def test_round_half_up_matches_reference(x, places):
    got = round_half_up(x, places)
    want = reference_round(x, places)
    assert got == want and str(got) == str(want)


@settings(max_examples=300, deadline=None)
@given(values, st.integers(0, 7), st.integers(0, 2), st.integers(0, 2))
def test_trimmed_mean_matches_reference(vals, min_judges, high, low):
    t = trimmed_mean(vals, min_judges, high, low)
    assert (t.mean, t.kept, t.dropped_high, t.dropped_low) == reference_trimmed(vals, min_judges, high, low)


@settings(max_examples=200, deadline=None)
@given(values)
def test_fsum_and_mean_match_sum(vals):
    assert fsum(vals) == sum(vals, Fraction(0))
    assert mean(vals) == sum(vals, Fraction(0)) / len(vals)


def test_exact_is_cached_but_typed():
    assert exact(91.3) == Fraction(913, 10) and exact(91.3) is exact(91.3)
    assert exact(-0.0) == 0 and exact(1) == 1 and exact(Decimal("1.5")) == Fraction(3, 2)
    assert numbers.round_half_up(Fraction(91125, 1000), 2) == Decimal("91.13")


def test_ranking_index_matches_scan():
    tiers = (Tier(("a",), 1), Tier(("b", "c"), 2), Tier(("d",), 4))
    r = Ranking(tiers, {})
    for cid, rank in (("a", 1), ("b", 2), ("c", 2), ("d", 4), ("x", None)):
        assert r.rank_of(cid) == rank
        assert r.tier_of(cid) == next((t for t in tiers if cid in t.ids), None)
    assert r.without(["b"]).rank_of("c") == 2 and r.without(["b"]).rank_of("d") == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("xyz"), st.dictionaries(st.sampled_from("pq"), st.integers(0, 3))),
                max_size=10))
def test_row_order_matches_full_sort(rows):
    from types import SimpleNamespace

    from gongjiang_pipeline.stages.scores import _ordered_rows

    objs = [SimpleNamespace(candidate=c, judge=j, scores=s) for c, j, s in rows]
    full = sorted(objs, key=lambda r: (r.candidate, r.judge, sorted(r.scores.items())))
    assert [id(r) for r in _ordered_rows(SimpleNamespace(rows=objs))] == [id(r) for r in full]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3),
        st.one_of(st.integers(-3, 3), st.decimals(-3, 3, places=2).map(lambda d: d.normalize()), decimals_),
        max_size=10,
    ),
    st.booleans(),
)
def test_key_split_matches_sort_by_signed_value_then_id(values, descending):
    from itertools import groupby

    from gongjiang_pipeline.stages.ranking import Key

    ids = list(values)
    sign = -1 if descending else 1
    ordered = sorted(ids, key=lambda cid: (sign * values[cid], cid))
    want = [list(g) for _, g in groupby(ordered, key=values.__getitem__)]
    assert Key("k", values, descending).split(ids) == want


def test_every_step_lists_its_figures_in_key_order():
    # stages build some steps' figures already sorted (base.sorted_step) instead of sorting a copy
    import builders as b

    from gongjiang_pipeline.engine import run

    ed = b.edition(scoring={"components": [{"id": "practice", "name": "实操", "weight": 0.6},
                                           {"id": "interview", "name": "面试", "weight": 0.4}],
                            "tie_break": [{"key": "component:practice"}, {"key": "metric:minutes", "order": "asc"}]})
    scores = {f"c{i}": {"practice": [80 + i, 81, 82, 83, 90], "interview": [70, 71 + i, 72, 60, 99]} for i in range(6)}
    data = b.pipeline(scores, ed=ed, vote={"c1": 10, "c2": 20}, review_scores={"c0": 90, "c1": 80, "c2": 70},
                      metrics={"c1": {"minutes": 30}}, recusals=[("j1", "c2")])
    result = run(data)
    steps = [s for trace in result.traces.values() for s in trace]
    assert any(s.stage == "competition" and "judge_scores" in s.figures for s in steps)
    for s in steps:
        assert list(s.figures) == sorted(s.figures), (s.stage, list(s.figures))


EXACT_VALUES = [
    # raw value -> what a tie-break reads
    (91.3, Fraction(913, 10)),
    (30, Fraction(30)),
    (2.675, Fraction(2675, 1000)),
    (-0.0, Fraction(0)),
]


def test_exact_values_converts_on_access():
    from gongjiang_pipeline.stages.numbers import ExactValues

    raw = {f"c{i}": v for i, (v, _) in enumerate(EXACT_VALUES)}
    ev = ExactValues(raw)
    assert len(ev) == len(raw) and list(ev) == list(raw) and "c0" in ev and "x" not in ev
    for i, (_, want) in enumerate(EXACT_VALUES):
        got = ev[f"c{i}"]
        assert type(got) is Fraction and got == want and ev.get(f"c{i}") == want
    assert ev.get("x") is None and ev.get("x", 5) == 5
    assert dict(ev) == {f"c{i}": w for i, (_, w) in enumerate(EXACT_VALUES)}


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text("abcxyz", max_size=4), st.integers(), max_size=30))
def test_freeze_sorts_like_the_items(d):
    from gongjiang_pipeline.stages.base import freeze

    frozen = freeze(d)
    assert list(frozen.items()) == sorted(d.items())


def test_deferred_mapping_reads_as_the_built_mapping_and_builds_once():
    from types import MappingProxyType

    from gongjiang_pipeline.stages.base import Deferred

    calls = []

    def build():
        calls.append(1)
        return {"b": 2, "a": {"x": (1,)}}

    d = Deferred(build)
    assert calls == []  # nothing built until read
    want = MappingProxyType({"b": 2, "a": {"x": (1,)}})
    assert d == want and want == d and d == dict(want) and d != {"b": 2}
    assert list(d) == ["b", "a"] and list(d.items()) == list(want.items()) and list(d.values()) == list(want.values())
    assert d["a"] == {"x": (1,)} and d.get("b") == 2 and d.get("z", 0) == 0 and "a" in d and "z" not in d and len(d) == 2
    assert repr(d) == repr(want)
    with pytest.raises(TypeError):
        d["c"] = 3  # read-only
    assert calls == [1]



def test_deferred_mapping_with_arguments_builds_from_them_once():
    from gongjiang_pipeline.stages.base import Deferred

    calls = []

    def build(a, b, *, c=None):
        calls.append((a, b))
        return {"a": a, "b": b}

    d = Deferred(build, 1, (2,))
    assert calls == []
    assert d == {"a": 1, "b": (2,)} and list(d) == ["a", "b"] and d["b"] == (2,)
    assert calls == [(1, (2,))]
    assert d._build is None and d._args is None  # its inputs let go once built


@pytest.mark.parametrize("a_args, b_args, equal, built", [
    ((1, (2,)), (1, (2,)), True, False),  # the same builder on equal arguments: equal, neither built
    ((1, (2,)), (1, (3,)), False, True),  # other arguments: the items are compared
    ((1, (2,)), (1.0, (2,)), True, False),  # equal arguments (1 == 1.0): the builder's contract
])
def test_deferred_mappings_compare_unbuilt_by_their_arguments(a_args, b_args, equal, built):
    from gongjiang_pipeline.stages.base import Deferred

    calls = []

    def build(a, b):
        calls.append((a, b))
        return {"a": a, "b": b}

    a, b = Deferred(build, *a_args), Deferred(build, *b_args)
    assert (a == b) is equal and (b == a) is equal
    assert bool(calls) is built


def test_deferred_mappings_of_other_builders_or_built_compare_their_items():
    from gongjiang_pipeline.stages.base import Deferred

    def one(a):
        return {"a": a}

    def other(a):
        return {"a": a}

    assert Deferred(one, 1) == Deferred(other, 1)  # other builders: the items, equal
    assert Deferred(one, 1) != Deferred(other, 2)
    built = Deferred(one, 1)
    assert built["a"] == 1 and built == Deferred(one, 1) and Deferred(one, 1) == built
    assert built != Deferred(one, 2)


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(st.integers(-10**6, 10**6), st.integers(-10**40, 10**40)),
    st.one_of(st.integers(1, 10**6), st.integers(1, 10**30)),
    st.integers(0, 8),
)
def test_round_ratio_matches_reference(n, d, places):
    # the integer shortcut (values within the decimal precision) and the Decimal steps
    # beyond it give the definition's value, digits and exponent -- or, past the
    # precision, the same error
    def outcome(f, *args):
        try:
            return str(f(*args))
        except ArithmeticError as e:
            return type(e)

    assert outcome(numbers.round_ratio, n, d, places) == outcome(reference_round, Fraction(n, d), places)
    if abs(n) < 10**12 and d < 10**6:
        assert str(numbers.round_ratio(n, d, places)) == str(reference_round(Fraction(n, d), places))

_metric_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "x"]),
        st.dictionaries(st.sampled_from(["m", "n"]), st.one_of(st.integers(-3, 3), st.sampled_from([1.5, 2.25, -0.0])), max_size=2),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_metric_rows, min_size=1, max_size=3))
def test_metrics_match_row_by_row_reading(sheets):
    # the competition reads whole metric columns when every row names the same metrics;
    # the result must be what reading row by row, in (candidate, values) order, gives
    from types import SimpleNamespace

    from gongjiang_pipeline.stages.competition import _metrics

    data = SimpleNamespace(score_sheets={
        f"o{i}": SimpleNamespace(metrics=tuple(SimpleNamespace(candidate=c, values=v) for c, v in rows))
        for i, rows in enumerate(sheets)
    })
    scored = {"a": None, "b": None, "c": None, "d": None}  # "x" is not competing
    want: dict = {}
    for sheet in data.score_sheets.values():
        for m in sorted((m for m in sheet.metrics if m.candidate in scored), key=lambda m: (m.candidate, sorted(m.values.items()))):
            for name, value in m.values.items():
                want.setdefault(name, {})[m.candidate] = exact(value)
    got = _metrics(data, scored)
    assert list(got) == sorted(want)
    assert {k: dict(v) for k, v in got.items()} == want
    assert all(list(v) == sorted(v) for v in got.values())


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 3), min_size=1),
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 2)),
    st.booleans(),
)
def test_chain_keys_repeating_values_change_nothing(primary_values, other_values, same_object):
    # rank() leaves out chain keys that read the very values of an earlier key; such a
    # key cannot split a tie, so leaving it in (a copy, not left out) ranks the same
    from gongjiang_pipeline.stages.ranking import Key, rank

    primary = Key("p", primary_values)
    other = Key("o", other_values, descending=False)
    repeat_primary = Key("p again", primary_values if same_object else dict(primary_values))
    repeat_other = Key("o again", other_values if same_object else dict(other_values))
    plain = rank(primary_values, primary, [other])
    repeated = rank(primary_values, primary, [repeat_primary, other, repeat_other, other])
    assert repeated == plain


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([0.0, -0.0, 90.0, 90, 91.5, float(2**60), 2**60, 1e16, float("nan")]), st.floats(-100, 100)), max_size=12))
def test_review_scores_written_once_per_float_as_each_alone(values):
    # the review stage writes each distinct float score once; every score must read as
    # numbers.as_written gives it on its own (zeros' signs, ints equal to large floats, NaN)
    from types import SimpleNamespace

    from gongjiang_pipeline.stages import review

    rows = [SimpleNamespace(candidate=f"c{i:02d}", score=v) for i, v in enumerate(values)]
    data = SimpleNamespace(review=SimpleNamespace(results=rows))
    got = review._scores(data, tuple(r.candidate for r in rows))
    want = {r.candidate: numbers.as_written(r.score) for r in rows}
    assert list(got) == list(want) and [str(v) for v in got.values()] == [str(v) for v in want.values()]
