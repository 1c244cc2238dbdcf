"""综合评审: the proposed 北京大工匠 and 提名奖 lists, from the review scores.

Ranking score: the review score (``review.results``, nominees only). With
``edition.vote_weight`` w > 0 it is instead the combined score
``(1 - w) * review + w * 100 * valid / max_valid`` (max_valid: the most valid
votes of any nominee; 0 if nobody has votes), rounded like the totals -- so
the review score is then expected on a 100-point scale.

The top ``awards.craftsmen`` are proposed as 北京大工匠, the next
``awards.nomination_award`` as 提名奖. Ties: the review score (when the
combined score ranks), the competition total, then ``scoring.tie_break``
(with valid votes known); then a decision with stage 综合评审, scope "all";
a tie still open across either cut-off: Block, "needs_decision".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import compress, repeat
from operator import attrgetter
from types import MappingProxyType
from typing import Mapping

from ..dataset import EditionData
from ..outcome import Block, Step
from .base import StageOutput, freeze, freeze_filled, missing, names, records, step, waiting
from .competition import CompetitionOutput
from .numbers import as_written, exact, round_half_up
from .public_vote import VoteOutput
from .ranking import Key, Ranking, Tier, rank, select

STAGE = "review"

_candidate_of = attrgetter("candidate")


def _result_order(r) -> tuple:
    return (r.candidate, r.score)


@dataclass(frozen=True, kw_only=True)
class ReviewOutput(StageOutput):
    craftsmen: tuple[str, ...] = ()  # proposed, in rank order
    nomination: tuple[str, ...] = ()
    ranking: Ranking | None = None


def _scores(data: EditionData, nominees: tuple[str, ...]) -> dict[str, Decimal]:
    rows = {}
    wanted = set(nominees)
    # the nominees' results by (candidate, score): by candidate alone unless one repeats
    # (picked out in C, as the public vote's tallies)
    every = data.review.results
    results = sorted(compress(every, map(wanted.__contains__, map(_candidate_of, every))), key=_candidate_of)
    if len(set(map(_candidate_of, results))) < len(results):
        results.sort(key=_result_order)
    # scores repeat: each distinct float written once. Floats only (an int equal to a large
    # float can be written differently), zero left out (0.0 and -0.0 are one key but are
    # written differently), NaN too (never equal to itself: never found again)
    shown: dict[float, Decimal] = {}
    for r in results:
        x = r.score
        if type(x) is float and x and x == x:
            d = shown.get(x)
            if d is None:
                d = shown[x] = as_written(x)
        else:
            d = as_written(x)
        rows[r.candidate] = d
    return rows


def _combined(data: EditionData, review: dict[str, Decimal], valid: Mapping[str, int]) -> dict[str, Decimal] | None:
    w = exact(data.edition.vote_weight)
    if w == 0:
        return None
    top = max(valid.values(), default=0)
    share = {cid: (Fraction(100 * valid.get(cid, 0), top) if top else Fraction(0)) for cid in review}
    places = data.edition.scoring.decimals
    return {cid: round_half_up((1 - w) * exact(review[cid]) + w * share[cid], places) for cid in review}


def split_roll(ranking: Ranking, craftsmen: int, nomination: int) -> tuple[tuple[str, ...], tuple[str, ...], list[Tier]]:
    """The first ``craftsmen`` and the next ``nomination``; and the ties open at either cut-off.

    Members of an open tie are in neither list; those clearly below a tie at
    the first cut-off but within the second are still 提名奖.
    """
    first, tie1 = select(ranking, craftsmen)
    both, tie2 = select(ranking, craftsmen + nomination)
    ties = [t for t in (tie1, tie2) if t is not None]
    if tie1 is not None and tie2 == tie1:
        ties = [tie1]
    excluded = {cid for t in ties for cid in t.ids}.union(first)
    return first, tuple(cid for cid in both if cid not in excluded), ties


def run(data: EditionData, comp: CompetitionOutput, vote: VoteOutput) -> ReviewOutput:
    if not vote.ready:
        return waiting(STAGE, vote, ReviewOutput)
    nominees = vote.passed
    if data.review is None:
        return missing(STAGE, "尚无综合评审结果", nominees, ReviewOutput)
    review = _scores(data, nominees)
    lacking = [cid for cid in nominees if cid not in review]
    if lacking:
        note = f"以下提名人选尚无综合评审得分：{names(data, lacking)}"
        lacking_set = set(lacking)
        steps = {cid: step(STAGE, "待定", "尚无综合评审得分" if cid in lacking_set else "综合评审名单待全部得分录入后确定") for cid in nominees}
        return ReviewOutput(stage=STAGE, status="pending", note=note, origin=STAGE, steps=freeze(steps))

    combined = _combined(data, review, vote.valid)
    chain = comp.tie_keys(data, vote.valid)
    if combined is not None:
        primary = Key("综合得分", combined)
        chain = [Key("综合评审得分", review), Key("加权总分", comp.totals), *chain]
    else:
        primary = Key("综合评审得分", review)
        chain = [Key("加权总分", comp.totals), *chain]
    decisions = [d for d in (data.decisions.decisions if data.decisions else ()) if d.stage == "综合评审" and d.scope == "all"]
    ranking = rank(nominees, primary, chain, decisions)

    awards = data.edition.awards
    craftsmen, nomination, ties = split_roll(ranking, awards.craftsmen, awards.nomination_award)
    open_ids = {cid for t in ties for cid in t.ids}
    both = craftsmen + nomination

    # filled in below, in the order of the nominees (sorted by id: kept as it is)
    steps, figures = dict.fromkeys(nominees), dict.fromkeys(nominees)
    totals, valid = comp.totals, vote.valid
    craftsmen_set, nomination_set = set(craftsmen), set(nomination)
    order = ranking.order()
    outcomes, reasons, figs = [], [], []  # each step's, in rank order (the steps made below)
    for cid in order:
        r = ranking.rank_of(cid)
        figures[cid] = {"review_score": review[cid], "review_rank": r}
        fig = {"rank": r, "review_score": review[cid], "total": totals[cid], "valid_votes": valid.get(cid, 0)}  # keys in order
        head = f"综合评审第 {r} 名，评审得分 {review[cid]}"
        if combined is not None:
            figures[cid]["combined_score"] = combined[cid]
            fig = {"combined_score": combined[cid], **fig}  # still in key order
            head += f"，计入投票后综合得分 {combined[cid]}"
        settled = ranking.settled.get(cid)
        tail = f"（{settled}）" if settled else ""
        figs.append(fig)
        if cid in craftsmen_set:
            outcomes.append("建议命名")
            reasons.append(f"{head}，列入北京大工匠建议名单（名额 {awards.craftsmen}）{tail}")
        elif cid in nomination_set:
            outcomes.append("建议提名奖")
            reasons.append(f"{head}，列入提名奖建议名单（名额 {awards.nomination_award}）{tail}")
        elif cid in open_ids:
            tier = ranking.tier_of(cid)
            others = names(data, [o for o in tier.ids if o != cid])
            outcomes.append("待定")
            reasons.append(f"{head}，与 {others} 同分且同分比较规则无法区分，需要裁定")
        else:
            outcomes.append("未入选")
            reasons.append(f"{head}，未列入建议名单{tail}")
    # sorted_step(STAGE, outcome, reason, fig) for each
    steps.update(zip(order, records(Step, len(order), repeat(STAGE), outcomes, reasons, map(MappingProxyType, figs))))

    blocks = tuple(
        Block(
            STAGE,
            "tie",
            f"综合评审建议名单的名额分界处：{names(data, t.ids)} 得分相同，同分比较规则无法区分，"
            f"需要裁定（在 decisions 中记录 综合评审、范围 all 的先后顺序）。",
            t.ids,
        )
        for t in ties
    )
    return ReviewOutput(
        stage=STAGE,
        status="needs_decision" if ties else "final",
        note="综合评审建议名单存在无法区分的同分，需要裁定" if ties else "",
        origin=STAGE if ties else "",
        steps=freeze_filled(steps),
        blocks=blocks,
        passed=tuple(sorted(both)) if not ties else (),
        figures=freeze_filled(figures),
        craftsmen=craftsmen if not ties else (),
        nomination=nomination if not ties else (),
        ranking=ranking,
    )
