"""审定命名: the honour roll, once the approval meeting is recorded.

The 北京大工匠 and 提名奖 lists are final only with ``approval.yaml`` and no
objection still under review; otherwise they are "pending" with a note (an
objection under review holds back the whole roll, naming the others in their
traces but not publishing an incomplete list).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dataset import EditionData
from .base import Listing, StageOutput, freeze, freeze_own, missing, names, step, waiting
from .notice import NoticeOutput

STAGE = "approval"


@dataclass(frozen=True, kw_only=True)
class ApprovalOutput(StageOutput):
    craftsmen: Listing | None = None
    nomination_award: Listing | None = None


def run(data: EditionData, notice: NoticeOutput) -> ApprovalOutput:
    if not notice.ready:
        return waiting(STAGE, notice, ApprovalOutput)
    proposed = notice.craftsmen + notice.nomination
    if data.approval is None:
        return missing(STAGE, "尚待市总工会主席办公会审定命名", proposed, ApprovalOutput)
    a = data.approval
    by = f"经{a.meeting}（{a.date.isoformat()}）审定"
    doc = {"document": a.document} if a.document else {}
    # the three possible steps, each one shared (immutable) record for everyone it applies to
    waits = step(STAGE, "待定", "公示期异议核查中，暂缓命名")
    craftsman = step(STAGE, "命名", f"{by}，命名为“北京大工匠”", date=a.date.isoformat(), **doc)
    nominated = step(STAGE, "命名", f"{by}，授予“北京大工匠”提名奖", date=a.date.isoformat(), **doc)
    steps = {}
    under, named = set(notice.under_review), set(notice.craftsmen)
    for cid in proposed:
        if cid in under:
            steps[cid] = waits
        elif cid in named:
            steps[cid] = craftsman
        else:
            steps[cid] = nominated
    craftsmen = tuple(c for c in notice.craftsmen if c not in under)
    nomination = tuple(c for c in notice.nomination if c not in under)
    if notice.under_review:
        note = f"{names(data, notice.under_review)} 的公示期异议尚在核查，名单暂缓公布"
        return ApprovalOutput(
            stage=STAGE, status="pending", note=note, origin=STAGE, steps=freeze(steps), passed=tuple(sorted(craftsmen + nomination)),
            craftsmen=Listing("pending", craftsmen, note), nomination_award=Listing("pending", nomination, note),
        )
    return ApprovalOutput(
        stage=STAGE, steps=freeze_own(steps), passed=tuple(sorted(proposed)),
        craftsmen=Listing("final", craftsmen), nomination_award=Listing("final", nomination),
    )
