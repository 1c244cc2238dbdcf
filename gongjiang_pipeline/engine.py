"""The selection engine: run every stage of one edition, in the program's order.

``run(data)`` is a pure function of the validated :class:`EditionData`: the
same data (in any order) gives the same :class:`EditionResult`. Each stage is
in :mod:`gongjiang_pipeline.stages`; this module only wires them together and
turns their outputs into the published lists, traces and blocks.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType

from .dataset import EditionData
from .gcpause import paused_gc
from .outcome import LIST_TITLES, EditionResult, StageList
from .stages import approval, competition, notice, public_vote, qualification, recommendation, review
from .stages.base import Listing, StageOutput, freeze_own


def _list(key: str, out: StageOutput, listing: Listing | None, publish_on: dt.date | None) -> StageList:
    if listing is None:  # the stage could not run
        listing = Listing("pending", (), out.waiting_note())
    return StageList(key, LIST_TITLES[key], listing.status, listing.entries, publish_on, listing.note)


def _each(f, *iterables) -> None:
    """``for args in zip(*iterables): f(*args)``, the loop run in C (for the passes over every step)."""
    deque(map(f, *iterables), maxlen=0)


def _frozen_figures(merged_of: dict[str, dict]) -> dict[str, MappingProxyType]:
    """``freeze`` each candidate's merged figures (the empty ones left out), faster: most
    candidates have the same figure names in the same order, each such order sorted once."""
    # names as merged -> (sorted, their values' getter), or None when merged in sorted order:
    # the merged dict (made here for the candidate, let go by the caller) is then viewed as it is
    getters: dict[tuple[str, ...], tuple | None] = {}
    out = {}
    for cid, merged in merged_of.items():
        if not merged:
            continue
        names = tuple(merged)
        try:
            got = getters[names]
        except KeyError:
            ordered = sorted(names)
            if ordered == list(names):
                got = None
            else:
                pick = itemgetter(*ordered)
                got = (ordered, pick if len(ordered) > 1 else lambda m, _p=pick: (_p(m),))
            getters[names] = got
        if got is None:
            out[cid] = MappingProxyType(merged)
        else:
            ordered, pick = got
            out[cid] = MappingProxyType(dict(zip(ordered, pick(merged))))
    return out


def run(data: EditionData) -> EditionResult:
    # A run allocates millions of small objects (steps, figures, scores) and frees
    # almost none until it ends; the cyclic collector, triggered every few hundred
    # allocations, would walk the whole growing heap again and again and find nothing
    # (at 100,000 candidates, the largest single cost). Reference counting still frees
    # almost everything; the collector's state is restored afterwards, even on errors.
    with paused_gc():
        return _run(data)


def _run(data: EditionData) -> EditionResult:
    rec = recommendation.run(data)
    qual = qualification.run(data, rec)
    comp = competition.run(data, qual)
    vote = public_vote.run(data, comp)
    rev = review.run(data, comp, vote)
    note = notice.run(data, rev)
    appr = approval.run(data, note)
    return _assemble(data, (rec, qual, comp, vote, rev, note, appr))


def _assemble(data: EditionData, outputs: tuple[StageOutput, ...]) -> EditionResult:
    """The edition's result from its stages' outputs (in the program's order)."""
    rec, qual, comp, vote, rev, note, appr = outputs
    tl = data.edition.timeline
    lists = (
        _list("nominees", comp, comp.nominees, tl.nominees_published),
        _list("popularity", vote, vote.popularity, tl.popularity_published),
        _list("notice", note, note.notice, tl.notice.start if tl.notice else None),
        _list("craftsmen", appr, appr.craftsmen, tl.honor_roll_published),
        _list("nomination_award", appr, appr.nomination_award, tl.honor_roll_published),
    )
    # each candidate's steps and public figures, stage by stage: one pass over each
    # stage's mappings (most candidates appear in a few stages only), in C (_each) when
    # the stage names only known candidates (always, but not assumed)
    steps_of: dict[str, list] = {c.id: [] for c in data.candidates}
    merged_of: dict[str, dict] = {}  # only for candidates with figures (frozen sorted below)
    known = steps_of.keys()
    for o in outputs:
        if o.steps.keys() <= known:
            _each(list.append, map(steps_of.__getitem__, o.steps), o.steps.values())
        else:
            for cid, st in o.steps.items():
                if cid in known:
                    steps_of[cid].append(st)
        figures = o.figures if o.figures.keys() <= known else {c: f for c, f in o.figures.items() if c in known}
        # merged_of.setdefault(cid, {}).update(fig) for each
        _each(dict.update, map(merged_of.setdefault, figures, map(dict, repeat(()))), figures.values())
    traces = dict(zip(steps_of, map(tuple, steps_of.values())))
    figures = _frozen_figures(merged_of)
    return EditionResult(
        edition_id=data.edition.id,
        lists=MappingProxyType({sl.key: sl for sl in lists}),  # in the program's order
        traces=freeze_own(traces),
        blocks=tuple(b for o in outputs for b in o.blocks),
        figures=freeze_own(figures),
    )

