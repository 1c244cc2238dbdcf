"""Table-driven checks of the integer (fixed-point) scoring path against the exact Fraction one.

Without normalisation a score sheet is scored over integers (every score times one
common denominator); the results must be exactly those of the Fraction definition
(``scores._exact_scores``): the same means, totals, dropped scores and shown
Decimals (including their exponent: ``90.00``, not ``90``). The tables aim at the
places where the two could part: halves at the rounding boundary, trims of equal
scores, many decimal places, mixed denominators, negative values, missing cells.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongjiang_pipeline.models import ScoreSheet, Scoring
from gongjiang_pipeline.stages import scores as scores_mod
from gongjiang_pipeline.stages.numbers import exact, fixed_point, round_half_up, round_ratio

ROUND_RATIO = [
    # numerator, denominator (not necessarily in lowest terms), places, expected (worked by hand)
    (91125, 1000, 2, "91.13"),  # exactly half: up
    (182250, 2000, 2, "91.13"),  # the same value over a larger denominator
    (9112499999, 10**8, 2, "91.12"),  # just under the half
    (91135, 1000, 2, "91.14"),
    (2675, 1000, 2, "2.68"),  # 2.675 as the data wrote it
    (272 * 7, 3 * 7, 2, "90.67"),
    (1357, 15, 2, "90.47"),  # 90.4666...
    (5, 2, 0, "3"),
    (7, 2, 0, "4"),
    (-5, 2, 0, "-3"),  # halves away from zero
    (-5, 1000, 2, "-0.01"),
    (-4, 1000, 2, "0.00"),  # rounds to zero: no minus sign
    (-25, 1000, 1, "0.0"),
    (0, 7, 2, "0.00"),
    (0, 1, 0, "0"),
    (1, 3, 4, "0.3333"),
    (2, 3, 1, "0.7"),
    (123456789, 10**7, 6, "12.345679"),
    (10**12 + 1, 2 * 10**6, 0, "500000"),  # 500000.0000005
    (10**12 + 10**6, 2 * 10**6, 0, "500001"),  # 500000.5
]


@pytest.mark.parametrize("n,d,places,expected", ROUND_RATIO)
def test_round_ratio(n, d, places, expected):
    got = round_ratio(n, d, places)
    assert str(got) == expected
    want = round_half_up(F(n, d), places)  # the definition
    assert got == want and str(got) == str(want)


FIXED_POINT = [
    # values, expected common denominator
    ([90.0, 91.5, 92.25], 4),
    ([0.1, 0.2], 10),  # 1/10 and 2/10 -- never the binary floats
    ([2.675, 88.0], 40),  # 2.675 = 107/40
    ([1e-07, 3.0], 10**7),
    ([88.123456, 91.1234567, 70.5], 10**7),
    ([-1.5, 2.25], 4),
    ([-0.0, 0.0], 1),
    ([7, 7.0, 8], 1),  # ints and the floats equal to them are the same value
    ([1e20, 0.5], 2),
]


@pytest.mark.parametrize("values,scale", FIXED_POINT)
def test_fixed_point(values, scale):
    got_scale, ints = fixed_point(values)
    assert got_scale == scale
    for v in values:
        assert F(ints[v], got_scale) == exact(v)


@pytest.mark.parametrize("values", [[float("nan")], [90.0, float("inf")], [True], [Decimal("90.5")], [F(1, 3)]])
def test_fixed_point_declines_what_is_not_a_finite_data_number(values):
    assert fixed_point(values) is None


def _scoring(weights=(1.0,), decimals=2, trim=(5, 1, 1)):
    return Scoring.model_validate(
        {
            "components": [{"id": f"c{i}", "name": f"分项{i}", "weight": w} for i, w in enumerate(weights)],
            "trim": {"min_judges": trim[0], "drop_highest": trim[1], "drop_lowest": trim[2]},
            "decimals": decimals,
        }
    )


def _sheet(table, recusals=()):
    """``table``: candidate -> list of judge rows, each a list of component scores (None: left out)."""
    rows = []
    for cid, judge_rows in table.items():
        for j, row in enumerate(judge_rows):
            if row is not None:
                rows.append({"judge": f"j{j + 1}", "candidate": cid, "scores": {f"c{i}": v for i, v in enumerate(row) if v is not None}})
    judges = max((len(r) for r in table.values()), default=1)
    return ScoreSheet.model_validate(
        {
            "edition": "2099",
            "occupation": "welder",
            "judges": [{"id": f"j{i + 1}", "name": f"评委{i + 1}"} for i in range(max(judges, 1))],
            "recusals": [{"judge": j, "candidate": c, "reason": "同单位"} for j, c in recusals],
            "rows": rows,
        }
    )


def col(*scores):
    """One component: each judge's row."""
    return [[s] for s in scores]


SHEETS = [
    # id, score table, scoring, recusals, expected shown (candidate -> (total, {component: (mean, high, low)}))
    (
        "trimmed mean exactly at the half",  # (90.25 + 90 + 90.125) / 3 = 90.125 -> 90.13
        {"a": col(99, 90.25, 90, 90.125, 10)},
        _scoring(),
        (),
        {"a": ("90.13", {"c0": ("90.13", ("99.00",), ("10.00",))})},
    ),
    (
        "equal scores trimmed one instance each",
        {"a": col(90, 90, 90, 80, 80), "b": col(100, 100, 100, 100, 100)},
        _scoring(),
        (),
        {
            "a": ("86.67", {"c0": ("86.67", ("90.00",), ("80.00",))}),  # (90 + 90 + 80) / 3
            "b": ("100.00", {"c0": ("100.00", ("100.00",), ("100.00",))}),
        },
    ),
    (
        "weighted total at the half, component means not",  # 0.5 x 90.01 + 0.5 x 90 = 90.005 -> 90.01
        {"a": [[90.01, 90], [90.01, 90], [90.01, 90]]},
        _scoring((0.5, 0.5)),
        (),
        {"a": ("90.01", {"c0": ("90.01", (), ()), "c1": ("90.00", (), ())})},
    ),
    (
        "many decimal places",
        {"a": col(88.123456, 91.1234567, 70.5, 99.9999999, 85.0000001)},
        _scoring(decimals=6),
        (),
        # (88.123456 + 91.1234567 + 85.0000001) / 3 = 88.0823042666...
        {"a": ("88.082304", {"c0": ("88.082304", ("100.000000",), ("70.500000",))})},  # 99.9999999 shown
    ),
    (
        "thirds in the weights and the means",  # counts 3 and 4 kept: totals over both counts
        {"a": [[80, 70], [81, 71], [82, 72], [90, 73], [60, 74], [None, 75]]},
        _scoring((0.3, 0.7), decimals=3),
        (),
        # c0: (80+81+82)/3 = 81; c1: (71+72+73+74)/4 = 72.5; total 24.3 + 50.75 = 75.05
        {"a": ("75.050", {"c0": ("81.000", ("90.000",), ("60.000",)), "c1": ("72.500", ("75.000",), ("70.000",))})},
    ),
    (
        "negative values round away from zero",
        {"a": col(-1.5, -2.25, -0.125, -3, 0)},
        _scoring(decimals=1),
        (),
        # kept -2.25, -1.5, -0.125: mean -1.291666.. -> -1.3
        {"a": ("-1.3", {"c0": ("-1.3", ("0.0",), ("-3.0",))})},
    ),
    (
        "recusal leaves fewer judges than min_judges: plain mean",
        {"a": col(95, 90, 85, 80, 75)},
        _scoring(),
        (("j1", "a"),),
        {"a": ("82.50", {"c0": ("82.50", (), ())})},
    ),
    (
        "a component nobody scored: unscored",
        {"a": [[90, None], [91, None], [92, None]], "b": [[90, 80], [91, 81], [92, 82]]},
        _scoring((0.5, 0.5)),
        (),
        {"b": ("86.00", {"c0": ("91.00", (), ()), "c1": ("81.00", (), ())})},
    ),
    (
        "a candidate without rows, another with every judge recused",
        {"a": col(90, 91, 92), "c": col(70, 71)},
        _scoring(),
        (("j1", "c"), ("j2", "c")),
        {"a": ("91.00", {"c0": ("91.00", (), ())})},
    ),
    (
        "two dropped at the top, none at the bottom",
        {"a": col(60, 70, 80, 90, 100, 100, 99.5)},
        _scoring(trim=(5, 2, 0)),
        (),
        # kept 60, 70, 80, 90, 99.5: 79.9
        {"a": ("79.90", {"c0": ("79.90", ("100.00", "100.00"), ())})},
    ),
    (
        "no decimals",
        {"a": col(90.5, 90, 91, 89, 95)},
        _scoring(decimals=0, trim=(3, 1, 1)),
        (),
        {"a": ("91", {"c0": ("91", ("95",), ("89",))})},  # (90 + 90.5 + 91) / 3 = 90.5 -> 91
    ),
]


def _shown(result):
    got, unscored = result
    return {
        cid: (str(s.total), {k: (str(c.mean), tuple(map(str, c.dropped_high)), tuple(map(str, c.dropped_low))) for k, c in s.components.items()})
        for cid, s in got.items()
    }, unscored


@pytest.mark.parametrize("label,table,scoring,recusals,expected", SHEETS, ids=[s[0] for s in SHEETS])
def test_fixed_point_scores_match_exact_scores(label, table, scoring, recusals, expected):
    sheet = _sheet(table, recusals)
    competitors = set(table) | {"z"}  # "z": competing, no rows at all
    fixed = scores_mod._fixed_point_scores(sheet, scoring, set(competitors))
    assert fixed is not None
    ref = scores_mod._exact_scores(sheet, scoring, set(competitors))
    # identical objects' values and reprs (Decimal exponents, mapping order, exact means)
    assert fixed == ref
    assert repr(fixed) == repr(ref)
    for cid, s in fixed[0].items():
        for k, c in s.components.items():
            assert list(c.judges) == sorted(c.judges)
            assert c.exact_mean == ref[0][cid].components[k].exact_mean
    shown, unscored = _shown(fixed)
    assert shown == expected
    assert set(unscored) == set(competitors) - set(expected)
    # and the public entry point gives the same
    assert scores_mod.sheet_scores(sheet, scoring, competitors) == ref


def test_pair_scored_twice_goes_the_exact_way():
    sheet = _sheet({"a": col(90, 91, 92)})
    doubled = sheet.model_copy(update={"rows": sheet.rows + (sheet.rows[0].model_copy(update={"scores": {"c0": 10.0}}),)})
    assert scores_mod._fixed_point_scores(doubled, _scoring(), {"a"}) is None
    assert scores_mod.sheet_scores(doubled, _scoring(), {"a"}) == scores_mod._exact_scores(doubled, _scoring(), {"a"})


def test_zscore_uses_the_exact_path():
    scoring = _scoring().model_copy(update={"normalise": "zscore"})
    sheet = _sheet({"a": col(90, 91, 92, 70, 80), "b": col(80, 85, 88, 60, 70)})
    assert scores_mod.sheet_scores(sheet, scoring, {"a", "b"}) == scores_mod._exact_scores(sheet, scoring, {"a", "b"})


_score = st.one_of(
    st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-100, max_value=100, places=4, allow_nan=False, allow_infinity=False),
).map(float)
_tables = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]),
    st.lists(st.one_of(st.none(), st.lists(st.one_of(st.none(), _score), min_size=2, max_size=2)), min_size=0, max_size=8),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(
    _tables,
    st.sampled_from([(1.0, 0.0001), (0.5, 0.5), (0.3, 0.7), (0.333, 0.667), (0.125, 0.875)]),
    st.integers(0, 6),
    st.tuples(st.integers(1, 7), st.integers(0, 2), st.integers(0, 2)),
    st.lists(st.tuples(st.sampled_from(["j1", "j2", "j3"]), st.sampled_from(["a", "b", "c", "d"])), max_size=3),
)
def test_fixed_point_scores_match_exact_scores_on_arbitrary_sheets(table, weights, decimals, trim, recusals):
    sheet = _sheet(table, recusals)
    scoring = _scoring(weights, decimals, trim)
    competitors = {"a", "b", "c", "z"}  # "d" scored but not competing, "z" competing without rows
    fixed = scores_mod._fixed_point_scores(sheet, scoring, set(competitors))
    ref = scores_mod._exact_scores(sheet, scoring, set(competitors))
    assert fixed == ref and repr(fixed) == repr(ref)
