"""社会公示: the notice list and what the objections did to it.

The notice list is the proposed 北京大工匠 followed by the proposed 提名奖, as
published on ``timeline.notice.start``; it stays as published (a withdrawal
is shown in the candidate's trace and public figures, not by rewriting it).

Objections (``objections.yaml``) per candidate on the list:
* any 成立 -> 撤销, with the objection's public note;
* else any 核查中 -> 待定: the candidate keeps the place, approval waits;
* else (none, or all 不成立) -> 通过.

Gaps left by withdrawals (``edition.notice.replacement``):
* "none": nobody moves up, the final lists are shorter;
* "next_ranked": the proposals are recomputed from the review ranking without
  the withdrawn candidates -- a 提名奖 proposal may move up to 北京大工匠 and the
  next nominee in review order becomes 提名奖 (trace 递补). A tie that this
  reaches needs a decision like any other.

Without an objections file (``objections: []`` means "none received") approval waits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import MappingProxyType

from ..dataset import EditionData
from ..models import Objection
from ..outcome import Block
from .base import Listing, StageOutput, freeze, freeze_own, names, step, waiting
from .review import ReviewOutput, split_roll

STAGE = "notice"


@dataclass(frozen=True, kw_only=True)
class NoticeOutput(StageOutput):
    notice: Listing | None = None
    craftsmen: tuple[str, ...] = ()  # proposals after objections and replacements, in rank order
    nomination: tuple[str, ...] = ()
    under_review: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()


def _objections(data: EditionData, listed: tuple[str, ...]) -> dict[str, list[Objection]]:
    out: dict[str, list[Objection]] = defaultdict(list)
    listed = set(listed)
    for o in sorted(data.objections.objections, key=lambda o: (o.candidate, o.received, o.id)):
        if o.candidate in listed:
            out[o.candidate].append(o)
    return out


def run(data: EditionData, rev: ReviewOutput) -> NoticeOutput:
    if not rev.ready:
        return waiting(STAGE, rev, NoticeOutput)
    listed = rev.craftsmen + rev.nomination
    notice = Listing("final", listed)
    if data.objections is None:
        note = "尚无公示期异议处理记录"
        steps = {cid: step(STAGE, "待定", "已列入公示名单，公示期异议处理结果尚未录入") for cid in listed}
        return NoticeOutput(stage=STAGE, status="pending", note=note, origin=STAGE, steps=freeze(steps), notice=notice)

    objections = _objections(data, listed)
    withdrawn = tuple(cid for cid in listed if any(o.outcome == "成立" for o in objections[cid]))
    withdrawn_set = set(withdrawn)
    under = tuple(cid for cid in listed if cid not in withdrawn_set and any(o.outcome == "核查中" for o in objections[cid]))
    awards = data.edition.awards
    ties = []
    if data.edition.notice.replacement == "next_ranked" and withdrawn:
        craftsmen, nomination, ties = split_roll(rev.ranking.without(withdrawn), awards.craftsmen, awards.nomination_award)
    else:
        craftsmen = tuple(c for c in rev.craftsmen if c not in withdrawn_set)
        nomination = tuple(c for c in rev.nomination if c not in withdrawn_set)

    steps, figures = {}, {}
    gone = names(data, withdrawn)
    # sets for membership tests inside the loop (the lists keep their order above)
    listed_set, under_set = set(listed), set(under)
    # what everyone on the list without objections gets, shared (immutable)
    unopposed = step(STAGE, "通过", "公示期满无异议", objections=())
    passed_figures = MappingProxyType({"notice_outcome": "通过"})
    craftsmen_set, nomination_set, proposed_set = set(craftsmen), set(nomination), set(rev.craftsmen)
    for cid in sorted(listed_set | craftsmen_set | nomination_set):
        objs = objections.get(cid, [])
        fig = {"objections": tuple(o.id for o in objs)}
        if cid in withdrawn_set:
            notes = "；".join(o.public_note for o in objs if o.outcome == "成立" and o.public_note) or "（无公开说明）"
            steps[cid] = step(STAGE, "撤销", f"公示期异议成立，撤销：{notes}", **fig)
            figures[cid] = {"notice_outcome": "撤销", "notice_public_note": notes}
        elif cid in under_set:
            steps[cid] = step(STAGE, "待定", "公示期异议核查中，暂缓审定", **fig)
            figures[cid] = {"notice_outcome": "核查中"}
        elif cid not in listed_set or (cid in craftsmen_set and cid not in proposed_set):
            what = "北京大工匠" if cid in craftsmen_set else "提名奖"
            steps[cid] = step(STAGE, "递补", f"因 {gone} 撤销，按综合评审名次递补为{what}建议人选", **fig)
            figures[cid] = {"notice_outcome": "递补"}
        elif cid in craftsmen_set or cid in nomination_set:
            if objs:
                steps[cid] = step(STAGE, "通过", "公示期异议经核查不成立", **fig)
            else:  # the usual case: one shared (immutable) step
                steps[cid] = unopposed
            figures[cid] = passed_figures
        else:  # on the notice list, pushed out by an open tie after replacements
            steps[cid] = step(STAGE, "待定", "递补后名次与他人同分且无法区分，需要裁定", **fig)
    blocks = tuple(
        Block(STAGE, "tie", f"异议撤销后递补：{names(data, t.ids)} 综合评审同分且无法区分，需要裁定（decisions 中 综合评审、范围 all）。", t.ids)
        for t in ties
    )
    return NoticeOutput(
        stage=STAGE,
        status="needs_decision" if ties else "final",
        note="递补人选存在无法区分的同分，需要裁定" if ties else "",
        origin=STAGE if ties else "",
        steps=freeze_own(steps),
        blocks=blocks,
        passed=tuple(sorted(craftsmen + nomination)),
        figures=freeze_own(figures),
        notice=notice,
        craftsmen=craftsmen,
        nomination=nomination,
        under_review=under,
        withdrawn=withdrawn,
    )
