"""Where each edition stands on a date, for staff (``python -m gongjiang_pipeline status``).

For every edition: the current stage (from the timeline), the lists public on
``as_of`` and from when, the lists not public yet and why, the next step, the
data still missing before the next stage can be computed, and what the engine
cannot settle by itself (quota blocks, ties needing a decision, candidates left
pending). Pure: reads the loaded project and the engine's results, prints nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Mapping

from . import english
from .dataset import EditionData, Project
from .outcome import STAGE_NAMES, EditionResult
from .publication import is_visible, publish

MAX_NAMED = 10  # pending candidates named one by one per stage; more are counted


def fmt(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Need:
    """One stage's input file: which, when it is entered, and whether the data has it."""

    stage: str
    file: str  # under data/results/<edition>/
    when: Callable[[EditionData], str]  # Chinese: when it is entered, with the planned date
    present: Callable[[EditionData], bool]


def _when(text: str, label: str, day: Callable[[EditionData], dt.date | None]) -> Callable[[EditionData], str]:
    def render(data: EditionData) -> str:
        d = day(data)
        return f"{text}；{label}：{fmt(d)}" if d else text

    return render


def _end(attr: str) -> Callable[[EditionData], dt.date | None]:
    def get(data: EditionData) -> dt.date | None:
        period = getattr(data.edition.timeline, attr)
        return period.end if period else None

    return get


NEEDS: tuple[Need, ...] = (
    Need("qualification", "qualification.yaml",
         _when("资格审核完成后录入", "资格审核结束", _end("qualification")), lambda d: d.qualification is not None),
    Need("competition", "scores/<工种编号>.yaml",
         _when("行业比选评分后录入，每个工种一个文件", "行业比选结束", _end("competition")), lambda d: bool(d.score_sheets)),
    Need("public_vote", "votes.yaml",
         _when("投票截止后录入", "投票截止", _end("voting")), lambda d: d.votes is not None),
    Need("review", "review.yaml",
         _when("综合评审后录入", "综合评审结束", _end("review")), lambda d: d.review is not None),
    Need("notice", "objections.yaml",
         _when("公示期结束后录入，没有异议也要建立（objections: []）", "公示结束", _end("notice")),
         lambda d: d.objections is not None),
    Need("approval", "approval.yaml",
         _when("审定命名后录入", "计划审定", lambda d: d.edition.timeline.approval), lambda d: d.approval is not None),
)


def _missing_sheets(data: EditionData, result: EditionResult) -> list[tuple[str, str]]:
    """Occupations (id, name) with qualified candidates but no score sheet."""
    needed = set()
    for c in data.candidates:
        if any(s.stage == "qualification" and s.outcome == "通过" for s in result.traces.get(c.id, ())):
            needed.add(c.occupation)
    names = {o.id: o.name for o in data.edition.occupations}
    return [(oid, names[oid]) for oid in sorted(needed) if oid not in data.score_sheets]


def missing_data(data: EditionData, result: EditionResult) -> list[str]:
    """What must be entered before the next stage can be computed (Chinese lines)."""
    base = f"data/results/{data.edition.id}"
    for i, need in enumerate(NEEDS):
        if not need.present(data):
            lines = [f"缺少 {base}/{need.file}（{need.when(data)}）"]
            later = [n.file for n in NEEDS[i + 1:] if not n.present(data)]
            if later:
                lines.append(f"之后还需要：{'、'.join(later)}")
            return lines
        if need.stage == "competition":
            sheets = _missing_sheets(data, result)
            if sheets:
                return [f"缺少 {base}/scores/{oid}.yaml（{name}的评分表）" for oid, name in sheets]
    for sl in result.lists.values():
        if sl.status == "pending" and sl.note:
            return [f"{sl.title}：{sl.note}"]
    return []


def _pending(data: EditionData, result: EditionResult, skip: set[str], blocked: set[str]) -> list[str]:
    """Candidates left 待定 at a stage whose data exists, and not already named by a block."""
    by_stage: dict[str, list[str]] = {stage: [] for stage in STAGE_NAMES}
    for c in data.candidates:
        for s in result.traces.get(c.id, ()):
            if s.outcome == "待定" and s.stage not in skip and c.id not in blocked:
                by_stage[s.stage].append(f"{c.name}（{c.id}）：{s.reason}")
    lines = []
    for stage, items in by_stage.items():
        lines.extend(f"{STAGE_NAMES[stage]}待定：{item}" for item in items[:MAX_NAMED])
        if len(items) > MAX_NAMED:
            lines.append(f"{STAGE_NAMES[stage]}待定：另有 {len(items) - MAX_NAMED} 人")
    return lines


def edition_status(data: EditionData, result: EditionResult, as_of: dt.date, stories=()) -> list[str]:
    """``stories``: stories.StoryMeta of the project (for the English section)."""
    e = data.edition
    pub = publish(e, result, as_of)
    lines = [f"{e.name}（届次 {e.id}，按 {as_of.isoformat()}）", f"  当前阶段：{pub.stage}"]

    lines.append("  已公布：" + ("" if pub.lists else "无"))
    for sl in pub.lists:
        lines.append(f"    {sl.title}（{len(sl.entries)} 人），{fmt(sl.publish_on)}起")  # type: ignore[arg-type]

    hidden = [sl for sl in result.lists.values() if not is_visible(sl, as_of)]
    if hidden:
        lines.append("  未公布：")
        for sl in hidden:
            planned = f"计划 {fmt(sl.publish_on)}" if sl.publish_on else "日程中没有公布日期"
            if sl.publish_on and sl.publish_on <= as_of:
                planned += "，已过公布日期"
            if sl.status == "final":
                why = "已确定，到日期后公布"
            else:
                why = sl.note or ("需要裁定" if sl.status == "needs_decision" else "待定")
            lines.append(f"    {sl.title}（{planned}）：{why}")

    if data.errata and data.errata.errata:
        shown = sorted(er.date for er in data.errata.errata if er.date <= as_of)
        later = sorted(er.date for er in data.errata.errata if er.date > as_of)
        parts = [f"已显示 {len(shown)} 条（最近一条 {fmt(shown[-1])}）"] if shown else []
        parts += [f"另有 {len(later)} 条自 {fmt(later[0])}起显示"] if later else []
        lines.append("  勘误：" + "；".join(parts))

    lines.append(f"  下一步：{pub.next_step or '无'}")

    missing = missing_data(data, result)
    lines.append("  还缺少的数据：" + ("" if missing else "无"))
    lines.extend(f"    {m}" for m in missing)

    skip = {n.stage for n in NEEDS if not n.present(data)}
    blocked = {cid for b in result.blocks for cid in b.candidates}
    todo = [f"{STAGE_NAMES[b.stage]}：{b.message}" for b in result.blocks]
    todo += _pending(data, result, skip, blocked)
    lines.append("  待处理：" + ("" if todo else "无"))
    lines.extend(f"    {t}" for t in todo)

    lacking = english.missing(data, result, stories)  # issue 18: what the English edition still lacks
    lines.append("  英文版缺少的翻译：" + ("" if lacking else "无"))
    lines.extend(f"    {t}" for t in lacking)
    return lines


def project_status(
    project: Project, results: Mapping[str, EditionResult], as_of: dt.date, editions: list[str] | None = None,
    stories=(),
) -> str:
    blocks = []
    for eid in editions or list(project.editions):
        blocks.append("\n".join(edition_status(project.editions[eid], results[eid], as_of, stories)))
    return "\n\n".join(blocks)
