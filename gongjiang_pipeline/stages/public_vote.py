"""公众参与: valid votes per nominee and the 最佳人气奖 (popularity award).

Valid votes = sum over channels of (votes - cancelled); a channel never counts
below zero. Tallies of people who are not nominees are ignored; a nominee
without a tally has 0 valid votes (the loader's checks require such a nominee
to be listed under ``absent`` with the reason, which the trace then gives).

The top ``awards.popularity`` nominees by valid votes win; ties go through
the edition's tie-break chain (valid votes first, then ``scoring.tie_break``),
then a decision with stage 公众参与 and scope "all", else the list "needs_decision".

The popularity award is separate from the honour roll: an open tie for it
blocks only the popularity list, never the review. Whether votes weigh in the
review ranking is ``edition.vote_weight`` (see :mod:`.review`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import compress, count, islice, repeat
from operator import attrgetter, ne, sub
from types import MappingProxyType
from typing import Mapping

from ..dataset import EditionData
from ..outcome import Block, Step
from .base import Listing, StageOutput, freeze, freeze_filled, freeze_own, missing, names, records, waiting
from .competition import CompetitionOutput
from .ranking import Key, rank, select

STAGE = "public_vote"

_candidate_channel = attrgetter("candidate", "channel")
_candidate_of = attrgetter("candidate")
_channel_of = attrgetter("channel")
_votes_of = attrgetter("votes")
_cancelled_of = attrgetter("cancelled")
_cancel_reason_of = attrgetter("cancel_reason")
_CHANNEL_FIGURES = ("votes", "cancelled", "cancel_reason")  # one channel's figures, in this order


def _tally_order(t) -> tuple:
    return (t.candidate, t.channel, t.votes, t.cancelled)


@dataclass(frozen=True, kw_only=True)
class VoteOutput(StageOutput):
    popularity: Listing | None = None
    valid: Mapping[str, int] = field(default_factory=dict)  # nominee -> valid votes


def run(data: EditionData, comp: CompetitionOutput) -> VoteOutput:
    if not comp.ready:
        return waiting(STAGE, comp, VoteOutput)
    nominees = comp.passed
    if data.votes is None:
        return missing(STAGE, "尚无投票数据", nominees, VoteOutput)
    raw, cancelled, valid = defaultdict(int), defaultdict(int), defaultdict(int)
    channels: dict[str, dict[str, dict]] = defaultdict(dict)
    nominee_set = set(nominees)
    # nominees' tallies by (candidate, channel, votes, cancelled); sorting by (candidate,
    # channel) gives that order unless a pair repeats (the sorts are stable either way)
    every = data.votes.tallies
    tallies = sorted(compress(every, map(nominee_set.__contains__, map(_candidate_of, every))), key=_candidate_channel)
    if len(set(map(_candidate_channel, tallies))) < len(tallies):
        tallies.sort(key=_tally_order)
    for t in tallies:
        raw[t.candidate] += t.votes
        cancelled[t.candidate] += t.cancelled
        valid[t.candidate] += max(0, t.votes - t.cancelled)
        channels[t.candidate][t.channel] = {"votes": t.votes, "cancelled": t.cancelled, "cancel_reason": t.cancel_reason}
    valid = {cid: valid.get(cid, 0) for cid in nominees}
    absent = {a.candidate: a.reason for a in data.votes.absent}

    places = data.edition.awards.popularity
    decisions = [d for d in (data.decisions.decisions if data.decisions else ()) if d.stage == "公众参与" and d.scope == "all"]
    ranking = rank(nominees, Key("有效票数", valid), comp.tie_keys(data, valid), decisions)
    chosen, tie = select(ranking, places)

    # filled in below, in the order of the nominees (sorted by id: kept as it is)
    steps, figures, blocks = dict.fromkeys(nominees), dict.fromkeys(nominees), []
    chosen_set = set(chosen)
    order = ranking.order()
    outcomes, reasons, figs = [], [], []  # each step's, in rank order (the steps made below)
    for cid in order:
        r = ranking.rank_of(cid)
        figures[cid] = {"valid_votes": valid[cid], "vote_rank": r}
        if cid in absent and cid not in channels:
            head = f"没有计票（{absent[cid]}），有效票按 0 票计，第 {r} 名"
        else:
            head = f"有效票 {valid[cid]} 票（原始 {raw[cid]}，作废 {cancelled[cid]}），第 {r} 名"
        settled = ranking.settled.get(cid)
        tail = f"（{settled}）" if settled else ""
        fig = {  # keys in order
            "cancelled": cancelled[cid], "channels": channels.get(cid, {}), "places": places, "rank": r, "raw": raw[cid], "valid": valid[cid]
        }
        figs.append(fig)
        if cid in chosen_set:
            outcomes.append("获奖")
            reasons.append(f"{head}，获最佳人气奖（名额 {places}）{tail}")
        elif tie is not None and cid in tie.ids:
            others = names(data, [o for o in tie.ids if o != cid])
            outcomes.append("待定")
            reasons.append(f"{head}，与 {others} 票数相同且无法区分，最佳人气奖需要裁定")
        else:
            outcomes.append("未获奖")
            reasons.append(f"{head}，未获最佳人气奖（名额 {places}）{tail}")
    # sorted_step(STAGE, outcome, reason, fig) for each
    steps.update(zip(order, records(Step, len(order), repeat(STAGE), outcomes, reasons, map(MappingProxyType, figs))))
    if tie is not None:
        blocks.append(
            Block(
                STAGE,
                "tie",
                f"最佳人气奖最后 {places - len(chosen)} 个名额：{names(data, tie.ids)} 有效票同为 {valid[tie.ids[0]]} 票，"
                f"同分比较规则无法区分，需要裁定（在 decisions 中记录 公众参与、范围 all 的先后顺序）。",
                tie.ids,
            )
        )
    status = "needs_decision" if tie is not None else "final"
    note = "最佳人气奖存在无法区分的同票，需要裁定" if tie is not None else ""
    return VoteOutput(
        stage=STAGE,
        steps=freeze_filled(steps),
        blocks=tuple(blocks),
        passed=nominees,
        figures=freeze_filled(figures),
        popularity=Listing(status, chosen, note),
        valid=freeze_own(valid),
    )
