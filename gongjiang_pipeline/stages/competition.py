"""行业比选: weighted totals per occupation, then the nominees list (提名人选).

Places: if every occupation has ``nominee_slots``, each takes its top
``nominee_slots``; if none has, everyone is ranked together for
``awards.nominees`` places. Mixed editions: occupations with slots take
theirs, the remaining ``awards.nominees - sum(slots)`` places go to the other
occupations ranked together.

Order: weighted total (descending), then ``scoring.tie_break``; a tie the
chain cannot settle goes to a recorded decision (stage 行业比选, scope the
occupation id or "all"); a tie still open across a cut-off is a Block
(kind "tie") and the list "needs_decision" -- later stages wait.

The nominees list's entries: occupations with slots (by occupation id), each
in rank order, then the pooled ranking.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from math import isfinite
from fractions import Fraction
from functools import partial
from itertools import repeat
from operator import attrgetter, eq, itemgetter, methodcaller
from types import MappingProxyType
from typing import Any, Mapping

from ..dataset import EditionData
from ..outcome import Block, Step
from .base import Deferred, Listing, StageOutput, freeze, freeze_filled, freeze_own, missing, names, occupation_name, records, step, unset, waiting
from .numbers import ExactValues, exact
from .ranking import Key, Ranking, chain_keys, rank, select
from .scores import CandidateScore, sheet_scores

STAGE = "competition"

_candidate_of = attrgetter("candidate")
_occupation_of = attrgetter("occupation")
_values_of = attrgetter("values")
_keys_of = methodcaller("keys")


@dataclass(frozen=True, kw_only=True)
class CompetitionOutput(StageOutput):
    nominees: Listing | None = None
    scores: Mapping[str, CandidateScore] = field(default_factory=dict)
    metrics: Mapping[str, Mapping[str, Fraction]] = field(default_factory=dict)  # metric -> candidate -> value

    def __post_init__(self):
        # per candidate values read by later stages' loops, each built on first use, then
        # kept: "totals" -> candidate -> total; (component id,) -> candidate -> mean
        object.__setattr__(self, "_derived", {})

    def _share_derived(self, other: "CompetitionOutput") -> None:
        """Use ``other``'s built values (same scores: they are the same values)."""
        if other.scores is self.scores:
            object.__setattr__(self, "_derived", other._derived)

    @property
    def totals(self) -> Mapping[str, Decimal]:
        cached = self._derived.get("totals")
        if cached is None:
            cached = self._derived["totals"] = MappingProxyType({cid: s.total for cid, s in self.scores.items()})
        return cached

    def _means(self, component: str) -> Mapping[str, Decimal]:
        """Each candidate's (rounded) mean of ``component``; built once, then shared by every stage."""
        cached = self._derived.get((component,))
        if cached is None:
            cached = self._derived[(component,)] = MappingProxyType(
                {cid: s.means[component] for cid, s in self.scores.items()}
            )
        return cached

    def tie_keys(self, data: EditionData, votes: Mapping[str, Any] | None = None) -> list[Key]:
        """The edition's tie-break chain over these scores (and ``votes`` once known)."""
        scoring = data.edition.scoring
        # only the components the chain names (chain_keys looks up no others)
        named = {tb.key.partition(":")[2] for tb in scoring.tie_break if tb.key.partition(":")[0] == "component"}
        return chain_keys(
            scoring.tie_break,
            totals=self.totals,
            components={c.id: self._means(c.id) for c in scoring.components if c.id in named},
            component_names={c.id: c.name for c in scoring.components},
            metrics=self.metrics,
            votes=votes,
        )


def _score_figures(s: CandidateScore) -> dict[str, Any]:
    judges, high, low, _ = s.details()
    return {
        "components": s.means,
        "judge_scores": judges,
        "dropped_high": high,
        "dropped_low": low,
        "recused": s.recused,
        "total": s.total,
    }


def _metric_order(m) -> tuple:
    return (m.candidate, sorted(m.values.items()))


def _metrics(data: EditionData, scored: Mapping[str, CandidateScore]) -> dict[str, Mapping[str, Fraction]]:
    """metric -> candidate -> exact value (converted when a tie-break reads it)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for sheet in data.score_sheets.values():
        # by (candidate, values): sorting by candidate alone gives that order unless a
        # candidate has two metric rows; only then are the values compared too
        rows = sorted((m for m in sheet.metrics if m.candidate in scored), key=_candidate_of)
        if len(set(map(_candidate_of, rows))) < len(rows):
            rows.sort(key=_metric_order)
        values = list(map(_values_of, rows))
        names = values[0].keys() if values else ()
        if all(map(eq, map(_keys_of, values), repeat(names))):  # every row names the same metrics (the usual)
            ids = list(map(_candidate_of, rows))
            for name in names:  # as the loop below, a whole column at a time
                column = list(map(itemgetter(name), values))
                if not all(map(isfinite, column)):
                    break
                out[name].update(zip(ids, column))
            else:
                continue
        for m in rows:
            cid = m.candidate
            for name, value in m.values.items():
                if not isfinite(value):
                    exact(value)  # not a number: fails here, as converting every value at once did
                out[name][cid] = value
    return {k: ExactValues(freeze_own(v)) for k, v in sorted(out.items())}


def _scopes(data: EditionData, scores: Mapping[str, CandidateScore]) -> list[tuple[str, str, list[str], int]]:
    """(scope id, Chinese label, candidates, places) for each separate ranking."""
    ed = data.edition
    slots = {o.id: o.nominee_slots for o in ed.occupations}
    slotted = sorted(o for o, n in slots.items() if n is not None)
    by_occ: dict[str, list[str]] = defaultdict(list)
    for c, s in scores.items():
        by_occ[s.occupation].append(c)
    scopes = [(o, occupation_name(data, o), by_occ.get(o, []), slots[o]) for o in slotted]
    pooled = [c for c, s in scores.items() if slots.get(s.occupation) is None]
    if pooled or not slotted:
        places = max(0, ed.awards.nominees - sum(slots[o] for o in slotted))
        scopes.append(("all", "其余工种合并排名" if slotted else "全届", pooled, places))
    return scopes


def run(data: EditionData, upstream: StageOutput) -> CompetitionOutput:
    if not upstream.ready:
        return waiting(STAGE, upstream, CompetitionOutput)
    if not data.score_sheets:
        return missing(STAGE, "尚无评分数据", upstream.passed, CompetitionOutput)
    ed = data.edition
    by_occ: dict[str, list[str]] = defaultdict(list)
    passed = upstream.passed
    for cid, occ in zip(passed, map(_occupation_of, map(data.candidate, passed))):
        by_occ[occ].append(cid)
    # filled in below, in the order of ``passed`` (sorted by id: kept as it is)
    scores: dict[str, CandidateScore] = dict.fromkeys(passed)
    unscored: list[str] = []
    for occ, ids in sorted(by_occ.items()):
        sheet = data.score_sheets.get(occ)
        if sheet is None:
            unscored += ids
            continue
        got, lacking = sheet_scores(sheet, ed.scoring, ids)
        scores.update(got)
        unscored += lacking
    scores = freeze_filled(scores)
    out = dict(scores=scores, metrics=freeze(_metrics(data, scores)))

    if unscored:
        figures = {cid: _public_figures(s) for cid, s in scores.items()}
        note = f"以下候选人尚无完整评分：{names(data, unscored)}"
        steps = {cid: step(STAGE, "待定", "尚无完整评分（缺少本工种评分表，或某一分项无人评分）") for cid in unscored}
        for cid, s in scores.items():
            steps[cid] = step(STAGE, "待定", f"加权总分 {s.total}；提名人选待全部候选人评分后确定", **_score_figures(s))
        return CompetitionOutput(
            stage=STAGE, status="pending", note=note, origin=STAGE, steps=freeze(steps), figures=freeze(figures), **out
        )

    proto = CompetitionOutput(stage=STAGE, **out)
    chain = proto.tie_keys(data)
    # filled in below, each scored candidate's place kept: in the order of ``scores`` (sorted)
    steps, figures, entries, blocks = dict.fromkeys(scores), dict.fromkeys(scores), [], []
    for scope, label, ids, places in _scopes(data, scores):
        decisions = [d for d in (data.decisions.decisions if data.decisions else ()) if d.stage == "行业比选" and d.scope in {scope, "all"}]
        ranking = rank(ids, Key("加权总分", proto.totals), chain, decisions)
        chosen, tie = select(ranking, places)
        entries += chosen
        quota = f"本工种名额 {places}" if scope != "all" else f"名额 {places}"
        if tie is not None:
            blocks.append(
                Block(
                    STAGE,
                    "tie",
                    f"{label}提名人选最后 {places - len(chosen)} 个名额：{names(data, tie.ids)} 加权总分同为 "
                    f"{scores[tie.ids[0]].total}，同分比较规则无法区分，需要裁定（在 decisions 中记录 行业比选、范围 {scope} 的先后顺序）。",
                    tie.ids,
                )
            )
        steps.update(_steps(data, ranking, scores, chosen, tie, label, scope, quota, places, figures))
    if unset(figures):  # (every scored candidate was ranked, once: never)
        figures = {cid: figures.get(cid) or _public_figures(s) for cid, s in scores.items()}
    steps, figures = freeze_filled(steps), freeze_filled(figures)
    status = "needs_decision" if blocks else "final"
    note = "提名人选存在无法区分的同分，需要裁定" if blocks else ""
    final = CompetitionOutput(
        stage=STAGE,
        status=status,
        note=note,
        origin=STAGE if blocks else "",
        steps=steps,
        blocks=tuple(blocks),
        passed=tuple(sorted(entries)) if not blocks else (),
        figures=figures,
        nominees=Listing(status, tuple(entries), note),
        **out,
    )
    final._share_derived(proto)
    return final


def _public_figures(s: CandidateScore) -> dict[str, Any]:
    return {"competition_components": s.means, "competition_total": s.total}  # keys in order


def _ranked_figures(s: CandidateScore, r: int, scope: str, places: int) -> dict[str, Any]:
    """``_score_figures(s)`` with the rank, its scope and the places, keys in sorted order
    (a ``Deferred`` builder: runs only when the step's figures are read)."""
    return dict(sorted({**_score_figures(s), "places": places, "rank": r, "rank_scope": scope}.items()))


def _steps(data, ranking: Ranking, scores, chosen, tie, label, scope, quota, places, figures) -> dict:
    chosen = set(chosen)
    tied = set(tie.ids) if tie is not None else set()
    settled_of = ranking.settled.get
    # each step's candidate, outcome, reason and figures, in rank order; the steps made at the end
    ids, outcomes, reasons, figs = [], [], [], []
    for tier in ranking.tiers:  # rank() names each candidate once
        r = tier.rank
        for cid in tier.ids:
            s = scores[cid]
            figures[cid] = {  # keys in order (the engine then keeps the merged figures as they are)
                "competition_components": s.means, "competition_rank": r, "competition_rank_scope": scope, "competition_total": s.total
            }
            head = f"{label}第 {r} 名，加权总分 {s.total}"
            settled = settled_of(cid)
            tail = f"（{settled}）" if settled else ""
            ids.append(cid)
            # the figures with every judge's score: built only if read (few readers do)
            figs.append(Deferred(_ranked_figures, s, r, scope, places))
            if cid in chosen:
                outcomes.append("入围")
                reasons.append(f"{head}，入围提名人选（{quota}）{tail}")
            elif cid in tied:
                others = names(data, [o for o in tie.ids if o != cid])
                outcomes.append("待定")
                reasons.append(f"{head}，与 {others} 同分且同分比较规则无法区分，剩余名额 {places - len(chosen)} 个，需要裁定")
            else:
                outcomes.append("未入围")
                reasons.append(f"{head}，未入围（{quota}）{tail}")
    return dict(zip(ids, records(Step, len(ids), repeat(STAGE), outcomes, reasons, figs)))
