"""行业比选 scoring: one occupation's score sheet -> each candidate's weighted total.

* Rows of recused judges (``sheet.recusals``) are left out for that candidate,
  as are rows for candidates not competing (not qualified).
* Optional normalisation (``scoring.normalise == "zscore"``), per component:
  for judge j with mean m_j and population standard deviation s_j over the
  scores j gave in this sheet, and M, S the mean and population standard
  deviation of all scores of the component in the sheet (all judges, all
  competing candidates), a score x becomes ``M + (x - m_j) * S / s_j``; when
  s_j is 0 (one score, or all equal) it becomes M. Square roots are taken at
  34 significant digits, everything else is exact.
* Each component: trimmed mean (see :func:`numbers.trimmed_mean`) over the
  non-recused judges' (possibly normalised) scores.
* Total = sum(weight x component mean), computed exactly and rounded once to
  ``scoring.decimals`` places, half up. Component means shown to people (and
  compared by ``component:<id>`` tie-breaks) are rounded the same way.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping

from ..models import ScoreSheet, Scoring
from .base import freeze
from .numbers import exact, mean, round_half_up, sqrt, trimmed_mean, variance

Cell = tuple[str, str]  # (candidate, component)


@dataclass(frozen=True)
class ComponentScore:
    component: str
    mean: Decimal  # rounded to scoring.decimals
    judges: Mapping[str, Decimal]  # judge -> score as used (normalised if zscore), rounded for display
    dropped_high: tuple[Decimal, ...]
    dropped_low: tuple[Decimal, ...]
    exact_mean: Fraction


@dataclass(frozen=True)
class CandidateScore:
    candidate: str
    occupation: str
    components: Mapping[str, ComponentScore]
    total: Decimal
    recused: tuple[str, ...]  # judges who stood aside for this candidate


def _raw_cells(sheet: ScoreSheet, scoring: Scoring, competitors: set[str]) -> dict[Cell, dict[str, Fraction]]:
    recused = {(r.judge, r.candidate) for r in sheet.recusals}
    wanted = {c.id for c in scoring.components}
    cells: dict[Cell, dict[str, Fraction]] = defaultdict(dict)
    for row in _ordered_rows(sheet):
        if row.candidate not in competitors or (row.judge, row.candidate) in recused:
            continue
        for comp, value in row.scores.items():
            if comp in wanted:
                cells[(row.candidate, comp)][row.judge] = exact(value)
    return cells


def _ordered_rows(sheet: ScoreSheet) -> list:
    """Rows by (candidate, judge, scores): a deterministic order whatever the file's.

    Sorting by (candidate, judge) alone gives the same order unless a pair occurs
    twice; only then are the scores compared too (the slower full key).
    """
    rows = sorted(sheet.rows, key=lambda r: (r.candidate, r.judge))
    if any((a.candidate, a.judge) == (b.candidate, b.judge) for a, b in zip(rows, rows[1:])):
        rows = sorted(sheet.rows, key=lambda r: (r.candidate, r.judge, sorted(r.scores.items())))
    return rows


def _zscore(cells: dict[Cell, dict[str, Fraction]]) -> dict[Cell, dict[str, Fraction]]:
    by_comp: dict[str, list[Fraction]] = defaultdict(list)
    by_judge: dict[tuple[str, str], list[Fraction]] = defaultdict(list)
    for (_, comp), judged in cells.items():
        for judge, v in judged.items():
            by_comp[comp].append(v)
            by_judge[(judge, comp)].append(v)
    stats = {k: (mean(v), variance(v)) for k, v in by_judge.items()}
    comp_stats = {k: (mean(v), variance(v)) for k, v in by_comp.items()}
    out: dict[Cell, dict[str, Fraction]] = {}
    for (cid, comp), judged in cells.items():
        big_mean, big_var = comp_stats[comp]
        out[(cid, comp)] = {}
        for judge, v in judged.items():
            m_j, var_j = stats[(judge, comp)]
            out[(cid, comp)][judge] = big_mean if var_j == 0 else big_mean + (v - m_j) * sqrt(big_var / var_j)
    return out


def sheet_scores(
    sheet: ScoreSheet, scoring: Scoring, competitors: Iterable[str]
) -> tuple[dict[str, CandidateScore], tuple[str, ...]]:
    """Scores of ``competitors`` (all of one occupation) and those lacking any component score."""
    competitors = set(competitors)
    cells = _raw_cells(sheet, scoring, competitors)
    used = _zscore(cells) if scoring.normalise == "zscore" else cells
    recusals: dict[str, list[str]] = defaultdict(list)
    for r in sheet.recusals:
        recusals[r.candidate].append(r.judge)
    places = scoring.decimals
    trim = scoring.trim
    min_judges, drop_high, drop_low = trim.min_judges, trim.drop_highest, trim.drop_lowest
    # (id, weight as numerator and denominator): the weighted total is summed over one
    # common denominator, exactly the value of sum(weight * mean) in Fractions
    weights = [(c.id, exact(c.weight)) for c in scoring.components]
    weights = [(cid_, w.numerator, w.denominator) for cid_, w in weights]
    rnd = round_half_up
    # judges' scores repeat (the same Fraction objects, shared through ``exact``): round each
    # object once. Keyed by id(): every value stays referenced by ``used`` during the loop.
    memo: dict[int, Decimal] = {}

    def shown(v: Fraction) -> Decimal:
        r = memo.get(id(v))
        if r is None:
            r = memo[id(v)] = rnd(v, places)
        return r

    scores, unscored = {}, []
    for cid in sorted(competitors):
        if any(not used.get((cid, comp)) for comp, _, _ in weights):
            unscored.append(cid)
            continue
        comps = {}
        terms, common = [], 1
        for comp, wn, wd in weights:
            judged = used[(cid, comp)]
            t = trimmed_mean(judged.values(), min_judges, drop_high, drop_low)
            m = t.mean
            comps[comp] = ComponentScore(
                component=comp,
                mean=rnd(m, places),
                judges=freeze({j: shown(v) for j, v in judged.items()}),
                dropped_high=tuple(shown(v) for v in t.dropped_high),
                dropped_low=tuple(shown(v) for v in t.dropped_low),
                exact_mean=m,
            )
            den = wd * m.denominator
            terms.append((wn * m.numerator, den))
            if common % den:
                common = common * den // math.gcd(common, den)
        total = Fraction(sum(num * (common // den) for num, den in terms), common)
        scores[cid] = CandidateScore(
            candidate=cid,
            occupation=sheet.occupation,
            components=freeze(comps),
            total=rnd(total, places),
            recused=tuple(sorted(set(recusals.get(cid, ())))),
        )
    return scores, tuple(unscored)
