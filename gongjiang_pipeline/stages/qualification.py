"""资格审核: the staff's decision per candidate.

Reads only the recorded decision: 通过, or 不通过 with its reason; any veto
condition listed (一票否决) means 不通过 whatever the result field says.
No personal attribute (gender, education, skill grade, work years, birth
year) is read here or anywhere else in the rules.

A candidate without a decision yet stays 待定 and does not go on; the stage
itself is final as soon as a qualification file exists, so later stages run
with those already decided. Without any qualification file everyone who was
recommended waits ("尚无资格审核数据").
"""

from __future__ import annotations

from operator import attrgetter

from ..dataset import EditionData
from .base import StageOutput, freeze, freeze_own, missing, step, waiting

STAGE = "qualification"

_candidate_of = attrgetter("candidate")


def _decision_order(d) -> tuple:
    return (d.candidate, d.result, d.reason or "", d.veto)


def run(data: EditionData, upstream: StageOutput) -> StageOutput:
    if not upstream.ready:
        return waiting(STAGE, upstream)
    if data.qualification is None:
        return missing(STAGE, "尚无资格审核数据", upstream.passed)
    decided = data.qualification.decided.isoformat()
    # the last of a candidate's decisions in (candidate, result, reason, veto) order; sorting
    # by candidate alone gives that order unless a candidate has two decisions
    decisions = sorted(data.qualification.decisions, key=_candidate_of)
    if len(set(map(_candidate_of, decisions))) < len(decisions):
        decisions.sort(key=_decision_order)
    by_candidate = {d.candidate: d for d in decisions}

    # everyone who passes gets the same step: one shared record (immutable) instead of one each
    passed_step = step(STAGE, "通过", f"资格审核通过（{decided}）", decided=decided)
    steps, passed = {}, []
    for cid in upstream.passed:
        d = by_candidate.get(cid)
        if d is None:
            steps[cid] = step(STAGE, "待定", "尚无资格审核结论")
        elif d.veto:
            vetoes = "、".join(sorted(d.veto))
            extra = f"；{d.reason}" if d.reason else ""
            steps[cid] = step(STAGE, "未通过", f"一票否决：{vetoes}{extra}", veto=tuple(sorted(d.veto)), decided=decided)
        elif d.result == "不通过":
            steps[cid] = step(STAGE, "未通过", f"资格审核未通过：{d.reason or '未说明理由'}", decided=decided)
        else:
            steps[cid] = passed_step
            passed.append(cid)
    return StageOutput(stage=STAGE, steps=freeze_own(steps), passed=tuple(passed))
