"""Table-driven checks of the trimmed mean and of rounding (values worked out by hand)."""

from decimal import Decimal
from fractions import Fraction as F

import pytest

from gongjiang_pipeline.stages.numbers import exact, round_half_up, trimmed_mean

TRIMMED = [
    # scores, min_judges, drop_high, drop_low, expected mean, dropped high, dropped low
    ([90, 90, 80, 70, 70], 5, 1, 1, F(80), (90,), (70,)),  # shared extremes: one instance each
    ([95, 88, 86, 84, 70], 5, 1, 1, F(86), (95,), (70,)),
    ([88, 86, 84, 70], 5, 1, 1, F(82), (), ()),  # 4 < 5 judges: plain mean
    ([91, 80, 72], 5, 1, 1, F(81), (), ()),
    ([100, 100, 100, 100, 100], 5, 1, 1, F(100), (100,), (100,)),
    ([60, 70, 80, 90, 100, 100, 100], 5, 2, 1, F(85), (100, 100), (60,)),  # (70+80+90+100)/4
    ([50, 60, 70, 80, 90], 3, 1, 1, F(70), (90,), (50,)),
    ([80], 1, 1, 1, F(80), (), ()),  # not more values than are dropped: plain
    ([80, 90], 1, 1, 1, F(85), (), ()),
    ([70, 71, 72, 73, 74, 75], 5, 1, 1, F(145, 2), (75,), (70,)),  # (71+72+73+74)/4 = 72.5
    ([85.5, 90, 92.25, 70, 99], 5, 1, 1, F(5355, 60), (99,), (70,)),  # (85.5+90+92.25)/3 = 89.25
]


@pytest.mark.parametrize("scores,min_j,hi,lo,expected,high,low", TRIMMED)
def test_trimmed_mean(scores, min_j, hi, lo, expected, high, low):
    t = trimmed_mean([exact(s) for s in scores], min_j, hi, lo)
    assert t.mean == expected
    assert t.dropped_high == tuple(exact(h) for h in high)
    assert t.dropped_low == tuple(exact(v) for v in low)


ROUNDING = [
    (F(90125, 1000), 2, "90.13"),  # half up (banker's rounding would give 90.12)
    (F(90135, 1000), 2, "90.14"),
    (F(90075, 1000), 2, "90.08"),
    (F(272, 3), 2, "90.67"),
    (F(1357, 15), 2, "90.47"),  # 90.4666...
    (F(1, 8), 2, "0.13"),
    (F(5, 2), 0, "3"),
    (F(7, 2), 0, "4"),
    (F(-5, 2), 0, "-3"),  # halves away from zero
    (F(1, 3), 4, "0.3333"),
    (F(2, 3), 1, "0.7"),
    (F(0), 2, "0.00"),
    (exact(0.1) + exact(0.2), 2, "0.30"),  # exact decimals, no binary error
    (exact(2.675), 2, "2.68"),  # float 2.675 is 2.67499999...; the data wrote 2.675
]


@pytest.mark.parametrize("value,places,expected", ROUNDING)
def test_round_half_up(value, places, expected):
    got = round_half_up(value, places)
    assert got == Decimal(expected) and str(got) == expected


def test_exact_takes_the_written_decimal():
    assert exact(91.3) == F(913, 10)
    assert exact(7) == F(7)


def test_trimmed_mean_needs_scores():
    with pytest.raises(ValueError):
        trimmed_mean([], 5, 1, 1)
