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
from functools import partial
from itertools import accumulate, chain, groupby, islice, repeat
from operator import add, attrgetter, itemgetter, lt, methodcaller, mul, sub
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from ..models import ScoreSheet, Scoring
from .base import freeze, records
from .numbers import exact, fixed_point, mean, round_half_up, round_ratio, sqrt, trimmed_mean, variance

Cell = tuple[str, str]  # (candidate, component)


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One component of a :class:`CandidateScore` (a view: see ``CandidateScore.components``)."""

    component: str
    mean: Decimal  # rounded to scoring.decimals
    judges: Mapping[str, Decimal]  # judge -> score as used (normalised if zscore), rounded for display
    dropped_high: tuple[Decimal, ...]
    dropped_low: tuple[Decimal, ...]
    exact_mean: Fraction


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class CandidateScore:
    """A candidate's scores. Per component figures are read-only mappings from the
    component id (sorted) to that component's value.

    The judges' scores, the dropped scores and the exact means are built when read,
    by ``details`` (pure; the integer path keeps the judges and their score columns
    for it): every candidate needs a total and means, but few readers look at the rest.
    Equality and repr are by value, the built figures included.
    """

    candidate: str
    occupation: str
    means: Mapping[str, Decimal]  # rounded to scoring.decimals
    total: Decimal
    recused: tuple[str, ...]  # judges who stood aside for this candidate
    # () -> (judges, dropped_high, dropped_low, exact_means), each component -> value:
    # judge -> score as used (normalised if zscore), rounded, by judge; the dropped
    # scores as shown, highest first / lowest first; the mean as a Fraction
    details: Callable[[], tuple[Mapping, Mapping, Mapping, Mapping]]

    @property
    def judges(self) -> Mapping[str, Mapping[str, Decimal]]:
        return self.details()[0]

    @property
    def dropped_high(self) -> Mapping[str, tuple[Decimal, ...]]:
        return self.details()[1]

    @property
    def dropped_low(self) -> Mapping[str, tuple[Decimal, ...]]:
        return self.details()[2]

    @property
    def exact_means(self) -> Mapping[str, Fraction]:
        return self.details()[3]

    @property
    def components(self) -> Mapping[str, ComponentScore]:
        """The same figures as one record per component (built on each call)."""
        judges, high, low, exact_means = self.details()
        return MappingProxyType({
            k: ComponentScore(k, m, judges[k], high[k], low[k], exact_means[k]) for k, m in self.means.items()
        })

    def _values(self) -> tuple:
        return (self.candidate, self.occupation, self.means, *self.details(), self.total, self.recused)

    def __eq__(self, other):
        if type(other) is not CandidateScore:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None

    def __repr__(self) -> str:
        names = ("candidate", "occupation", "means", "judges", "dropped_high", "dropped_low", "exact_means", "total", "recused")
        return f"CandidateScore({', '.join(f'{n}={v!r}' for n, v in zip(names, self._values()))})"


def _ready(*figures: Mapping) -> tuple[Mapping, ...]:
    """``CandidateScore.details`` for figures built already (the exact path)."""
    return figures


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
    if scoring.normalise != "zscore":
        fixed = _fixed_point_scores(sheet, scoring, competitors)
        if fixed is not None:
            return fixed
    return _exact_scores(sheet, scoring, competitors)


def _recused_by_candidate(sheet: ScoreSheet) -> dict[str, tuple[str, ...]]:
    """candidate -> the judges who stood aside for them, sorted, once each."""
    recusals: dict[str, set[str]] = defaultdict(set)
    for r in sheet.recusals:
        recusals[r.candidate].add(r.judge)
    return {cid: tuple(sorted(judges)) for cid, judges in recusals.items()}


def _exact_scores(
    sheet: ScoreSheet, scoring: Scoring, competitors: set[str]
) -> tuple[dict[str, CandidateScore], tuple[str, ...]]:
    """The definition, in Fractions: needed for zscore (square roots), and the reference."""
    cells = _raw_cells(sheet, scoring, competitors)
    used = _zscore(cells) if scoring.normalise == "zscore" else cells
    recusals = _recused_by_candidate(sheet)
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
        means, judges, high, low, exact_means = {}, {}, {}, {}, {}
        terms, common = [], 1
        for comp, wn, wd in weights:
            judged = used[(cid, comp)]
            t = trimmed_mean(judged.values(), min_judges, drop_high, drop_low)
            m = t.mean
            means[comp] = rnd(m, places)
            judges[comp] = freeze({j: shown(v) for j, v in judged.items()})
            high[comp] = tuple(shown(v) for v in t.dropped_high)
            low[comp] = tuple(shown(v) for v in t.dropped_low)
            exact_means[comp] = m
            den = wd * m.denominator
            terms.append((wn * m.numerator, den))
            if common % den:
                common = common * den // math.gcd(common, den)
        total = Fraction(sum(num * (common // den) for num, den in terms), common)
        scores[cid] = CandidateScore(
            candidate=cid,
            occupation=sheet.occupation,
            means=freeze(means),
            total=rnd(total, places),
            recused=recusals.get(cid, ()),
            details=partial(_ready, freeze(judges), freeze(high), freeze(low), freeze(exact_means)),
        )
    return scores, tuple(unscored)


_judge = attrgetter("judge")
_candidate = attrgetter("candidate")
_scores_of = attrgetter("scores")
_values = methodcaller("values")


def _fixed_point_scores(
    sheet: ScoreSheet, scoring: Scoring, competitors: set[str]
) -> tuple[dict[str, CandidateScore], tuple[str, ...]] | None:
    """:func:`_exact_scores` without normalisation, in integers (the same results, faster).

    Every score used (of the sheet, when some judge left a component out) is an integer
    over one common denominator ``scale`` (:func:`numbers.fixed_point`): a trimmed mean is
    (sum of the kept integers) / (scale x count), the weighted total one ratio of integers,
    sorting integers orders the scores; usually one whole column of the sheet at a time; only what is shown (rounded, :func:`numbers.round_ratio`) and the exact
    means become Decimals and Fractions. None when the exact path must decide: a
    (candidate, judge) pair scored twice, or a value that is not a finite number.
    """
    recused = _recused_by_candidate(sheet)
    # the competitors' rows, by candidate (runs of one candidate's rows taken whole)
    rows_of: dict[str, list] = {}
    for cid, run in groupby(sheet.rows, key=_candidate):
        if cid in competitors:
            found = rows_of.get(cid)
            if found is None:
                rows_of[cid] = list(run)
            else:
                found.extend(run)
    places = scoring.decimals
    trim = scoring.trim
    min_judges, drop_high, drop_low = trim.min_judges, trim.drop_highest, trim.drop_lowest
    # weights over one common denominator w_den: weight_i = w_num[i] / w_den
    weights = [(c.id, exact(c.weight)) for c in scoring.components]
    w_den = 1
    for _, w in weights:
        w_den = w_den * w.denominator // math.gcd(w_den, w.denominator)
    w_num = [w.numerator * (w_den // w.denominator) for _, w in weights]
    comp_ids = [comp for comp, _ in weights]
    # a row's scores in component order as a tuple (KeyError: the row lacks one)
    row_values = itemgetter(*comp_ids) if len(comp_ids) > 1 else (lambda m, _c=comp_ids[0]: (m[_c],))
    # the per component mappings are built sorted by id, as freeze() would sort them; with
    # an id repeated the later cell wins, as in a dict (the cells are the same anyway)
    comp_order = sorted(range(len(comp_ids)), key=comp_ids.__getitem__)
    sorted_ids = [comp_ids[i] for i in comp_order]
    in_id_order = itemgetter(*comp_order) if len(comp_order) > 1 else (lambda made: made)

    def by_id(values: list) -> Mapping:
        """Values in component order -> read-only component id -> value, ids sorted."""
        return MappingProxyType(dict(zip(sorted_ids, in_id_order(values))))

    kept_slice = slice(drop_low, -drop_high if drop_high else None)
    means_of: dict[tuple[int, int], tuple[Decimal, Fraction]] = {}  # (sum of kept, count) -> (shown, exact)

    def columns_of(rows: list) -> list | None:
        """Per component, the judges' scores of ``rows`` (sorted by judge): a tuple in judge
        order, or (some judge left the component out) judge -> score; None when nobody
        scored some component."""
        try:
            return list(zip(*map(row_values, map(_scores_of, rows))))
        except KeyError:  # some judge left a component out
            columns = []
            for comp in comp_ids:
                pairs = [(r.judge, r.scores[comp]) for r in rows if comp in r.scores]
                if not pairs:
                    return None
                columns.append(dict(pairs))
            return columns

    def details(rows: list) -> tuple[Mapping, Mapping, Mapping, Mapping]:
        """A candidate's judges' and dropped scores as shown, and exact means (``CandidateScore.details``).

        ``rows``: the candidate's rows as scored, by judge (only they are kept: the
        columns are taken from them again when read, as the totals took them).
        """
        judge_ids = list(map(_judge, rows))
        judges, highs, lows, exact_means = [], [], [], []  # in component order
        for col in columns_of(rows):
            if type(col) is dict:
                xs = sorted([ints[v] for v in col.values()])
                judges.append(MappingProxyType({j: shown[v] for j, v in col.items()}))
            else:
                xs = sorted(map(int_of, col))
                judges.append(MappingProxyType(dict(zip(judge_ids, map(shown_of, col)))))
            n = len(xs)
            if n >= min_judges and n > drop_high + drop_low:
                highs.append(single[xs[-1]] if drop_high == 1 else tuple([shown_int[x] for x in reversed(xs[n - drop_high :])]))
                lows.append(single[xs[0]] if drop_low == 1 else tuple([shown_int[x] for x in xs[:drop_low]]))
                kept = xs[kept_slice]
            else:
                highs.append(())
                lows.append(())
                kept = xs
            exact_means.append(means_of[(sum(kept), len(kept))][1])
        return by_id(judges), by_id(highs), by_id(lows), by_id(exact_means)

    # at most one score dropped at each end (the usual rule): the kept sum is the sum less
    # the lowest and/or the highest, no sorting needed (the same integers a sort would drop)
    small_trim = drop_high in (0, 1) and drop_low in (0, 1)

    def kept_sums(chunks: Iterable[list], trimmed: Iterable[bool]) -> list[int]:
        """The sum of the kept scores of each list of ``chunks`` (the trim applied where ``trimmed``)."""
        if not small_trim:
            return [sum(sorted(xs)[kept_slice]) if t else sum(xs) for xs, t in zip(chunks, trimmed)]
        chunks = list(chunks)
        trimmed = list(trimmed)
        if all(trimmed):  # the trim applies to every list (the usual): the same, a column at a time
            kept = map(sum, chunks)
            if drop_low:
                kept = map(sub, kept, map(min, chunks))
            if drop_high:
                kept = map(sub, kept, map(max, chunks))
            return list(kept)
        kept = list(map(sum, chunks))
        if drop_low:
            kept = [s - min(xs) if t else s for s, xs, t in zip(kept, chunks, trimmed)]
        if drop_high:
            kept = [s - max(xs) if t else s for s, xs, t in zip(kept, chunks, trimmed)]
        return kept

    def trim_counts(counts: Iterable[int]) -> tuple[list[bool], list[int]]:
        """For judges' counts: whether the trim applies, and how many scores are kept."""
        counts = list(counts)
        trimmed = [n >= min_judges and n > drop_high + drop_low for n in counts]
        return trimmed, [n - drop_high - drop_low if t else n for n, t in zip(counts, trimmed)]

    # the competitors with rows (less the recused judges'), their rows by judge
    picked_ids, picked_rows, unscored = [], [], []
    for cid in sorted(competitors):
        rows = rows_of.get(cid)
        skip = recused.get(cid)
        if skip and rows:
            rows = [r for r in rows if r.judge not in skip]
        if not rows:
            unscored.append(cid)
            continue
        judge_ids = list(map(_judge, rows))
        if not all(map(lt, judge_ids, islice(judge_ids, 1, None))):  # not strictly increasing (rare)
            if judge_ids != sorted(judge_ids):
                rows = sorted(rows, key=_judge)
                judge_ids = list(map(_judge, rows))
            if len(set(judge_ids)) < len(judge_ids):
                return None  # a pair scored twice: which score counts is the exact path's rule
        picked_ids.append(cid)
        picked_rows.append(rows)

    # the picked rows' scores in component order (KeyError: some judge left a component out)
    try:
        values = list(map(row_values, map(_scores_of, chain.from_iterable(picked_rows))))
    except KeyError:
        values = None
    if values is not None:
        # per component, the column of the scores (each then read as its integer)
        columns = list(zip(*values))
        fixed = fixed_point(set().union(*columns))
    else:
        # every score of the sheet (some perhaps never used: harmless, they only join the scale)
        fixed = fixed_point(chain.from_iterable(map(_values, map(_scores_of, sheet.rows))))
    if fixed is None:
        return None
    scale, ints = fixed
    shown = {v: round_half_up(exact(v), places) for v in ints}
    shown_of, int_of = shown.__getitem__, ints.__getitem__
    shown_int = {i: shown[v] for v, i in ints.items()}
    # a dropped score as shown, one tuple per integer, for when one score is dropped (the usual rule)
    single = {i: (d,) for i, d in shown_int.items()}

    if values is not None:
        # every judge scored every component (the usual sheet): a whole column at a time,
        # each candidate's scores a slice of it; the count the same for every component
        counts = list(map(len, picked_rows))
        ends = list(accumulate(counts))
        spans = list(map(slice, chain((0,), ends), ends))
        trimmed, counts = trim_counts(counts)
        sums = [kept_sums(map(list(map(int_of, column)).__getitem__, spans), trimmed) for column in columns]
        all_counts = [counts] * len(comp_ids)
        # weighted total num / (count x scale x w_den), the count the same for every component:
        # sum(w * s for w, s in zip(w_num, kept sums)) for each candidate, a column at a time
        nums = [0] * len(counts)
        for w, column in zip(w_num, sums):
            nums = list(map(add, nums, map(mul, repeat(w), column)))
        dens = counts
    else:  # some judge left a component out: candidate by candidate, per component
        sums, all_counts = [[] for _ in comp_ids], [[] for _ in comp_ids]
        nums, dens, ids, rows_list = [], [], [], []
        for cid, rows in zip(picked_ids, picked_rows):
            columns = columns_of(rows)  # per component: the judges' scores
            if columns is None:  # a component nobody scored
                unscored.append(cid)
                continue
            xss = [[ints[v] for v in col.values()] if type(col) is dict else list(map(int_of, col)) for col in columns]
            trimmed, kept_counts = trim_counts(map(len, xss))
            # weighted total num / (den x scale x w_den): den a common multiple of the counts
            num, den = 0, 1
            for total, kept, w, sums_i, counts_i in zip(kept_sums(xss, trimmed), kept_counts, w_num, sums, all_counts):
                sums_i.append(total)
                counts_i.append(kept)
                if den % kept:
                    g = kept // math.gcd(den, kept)
                    num, den = num * g, den * g
                num += w * total * (den // kept)
            nums.append(num)
            dens.append(den)
            ids.append(cid)
            rows_list.append(rows)
        picked_ids, picked_rows = ids, rows_list
    # each (kept sum, count) once: the mean as shown and exact
    for total, kept in set(zip(chain.from_iterable(sums), chain.from_iterable(all_counts))):
        means_of[(total, kept)] = (round_ratio(total, scale * kept, places), Fraction(total, scale * kept))
    shown_means = [list(map(itemgetter(0), map(means_of.__getitem__, zip(s, c)))) for s, c in zip(sums, all_counts)]
    scale_w = scale * w_den
    # each candidate's means as by_id() makes them, the columns put in id order first
    # (no columns at all when nobody has rows)
    in_order = [shown_means[i] for i in comp_order] if shown_means else []
    means = map(MappingProxyType, map(dict, map(zip, repeat(sorted_ids), zip(*in_order))))
    made = records(
        CandidateScore,
        len(picked_ids),
        picked_ids,
        repeat(sheet.occupation),
        means,
        map(round_ratio, nums, [d * scale_w for d in dens], repeat(places)),
        map(recused.get, picked_ids, repeat(())),
        map(partial, repeat(details), picked_rows),  # kept for details: the rows alone
    )
    return dict(zip(picked_ids, made)), tuple(sorted(unscored))

