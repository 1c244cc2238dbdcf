"""推荐: recommendation quotas and union membership.

Quotas (policy 2016, 推荐阶段):
* 区总工会: at most ``quotas.district_union_per_occupation`` per occupation;
* 社团: at most ``body.quota``, else ``quotas.association_total``, in total;
* 产业工会: at most ``body.quota``, else ``quotas.industry_union_default``
  (no number at all: its candidates wait, Block kind "missing").

Only recommendations made *by* a body count against its quota; a 个人自荐
that names the body it registered through does not.

An over-quota group is never trimmed by the engine: every candidate of that
body (and occupation, for a district union) stays 待定 and a Block names the
body and all of them, until the data withdraws one.

Channels in ``quotas.membership_required`` need ``union_member: true``. A
non-member stays 待定 ("须先加入工会") rather than 未通过: the policy lets
them join first (未加入工会组织的个人需先申请加入属地工会), so it is an open
condition, settled when the data records the membership.
"""

from __future__ import annotations

from collections import defaultdict

from ..dataset import EditionData
from ..models import Body, Candidate, Quotas
from ..outcome import Block, Step
from .base import StageOutput, freeze, freeze_own, names, occupation_name, sorted_step

STAGE = "recommendation"


def _limit(body: Body, quotas: Quotas) -> int | None:
    if body.kind == "区总工会":
        return quotas.district_union_per_occupation
    if body.kind == "社团":
        return body.quota if body.quota is not None else quotas.association_total
    return body.quota if body.quota is not None else quotas.industry_union_default


def _counted_body(c: Candidate, bodies: dict[str, Body]) -> Body | None:
    rec = c.recommendation
    if rec.channel == "个人自荐" or rec.body is None:
        return None
    return bodies.get(rec.body)


def _figures(channel: str, group: tuple[str, int, int] | None) -> dict:
    """A step's figures, keys in order: the channel and, if counted, (body, count, limit)."""
    if group is None:
        return {"channel": channel}
    return {"body": group[0], "channel": channel, "count": group[1], "limit": group[2]}


def run(data: EditionData) -> StageOutput:
    ed = data.edition
    bodies = {b.id: b for b in ed.bodies}
    occupation_names = {o.id: o.name for o in reversed(ed.occupations)}  # the first of a repeated id, as occupation_name()
    issues: dict[str, list[str]] = defaultdict(list)
    blocks: list[Block] = []
    figures: dict[str, dict] = {}

    # one pass: recommendations by a body that is not (properly) named; quota groups:
    # (body, occupation) for district unions, (body, "") otherwise
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in data.candidates:
        rec = c.recommendation
        body = _counted_body(c, bodies)
        if rec.channel != "个人自荐" and body is None:
            what = "未写明推荐单位" if rec.body is None else f"推荐单位「{rec.body}」不在本届推荐单位名单中"
            issues[c.id].append(f"{rec.channel}{what}")
            blocks.append(Block(STAGE, "missing", f"{names(data, [c.id])}：{rec.channel}{what}，须补正推荐信息。", (c.id,)))
        if body is not None:
            groups[(body.id, c.occupation if body.kind == "区总工会" else "")].append(c.id)

    for (bid, occ), ids in sorted(groups.items()):
        body = bodies[bid]
        limit = _limit(body, ed.quotas)
        scope = f"在{occupation_name(data, occ)}" if occ else "共"
        unit = "每个工种" if occ else ""
        if limit is None:
            text = f"{body.name}（{body.kind}）未约定推荐名额"
            blocks.append(
                Block(STAGE, "missing", f"{text}：{names(data, ids)} 暂不能继续评选，须在届次文件中写明 quota。", tuple(ids))
            )
            for cid in ids:
                issues[cid].append(text)
            continue
        group = (bid, len(ids), limit)  # the figures of each of its candidates
        for cid in ids:
            figures[cid] = group
        if len(ids) > limit:
            blocks.append(
                Block(
                    STAGE,
                    "quota",
                    f"{body.name}（{body.kind}）{scope}推荐了 {len(ids)} 人，超过{unit}限额 {limit} 人：{names(data, ids)}。"
                    f"须在数据中撤回多出的推荐，这些人选才能继续评选。",
                    tuple(ids),
                )
            )
            for cid in ids:
                issues[cid].append(f"{body.name}{scope}推荐 {len(ids)} 人，超过限额 {limit} 人，待推荐单位调整")

    membership_required = ed.quotas.membership_required
    for c in data.candidates:
        rec = c.recommendation
        if rec.channel in membership_required and not rec.union_member:
            issues[c.id].append(f"须先加入工会：{rec.channel}的人选应为北京市工会会员")

    steps, passed = {}, []
    # candidates with the same figures and reason (group, channel, membership, occupation) share
    # one step: it is an immutable record, and most candidates are in large groups
    shared: dict[tuple, Step] = {}
    for c in data.candidates:
        rec = c.recommendation
        f = figures.get(c.id)
        found = issues.get(c.id)
        if found:
            steps[c.id] = sorted_step(STAGE, "待定", "；".join(found), _figures(rec.channel, f))
            continue
        key = (f, rec.channel, rec.union_member, c.occupation if f else "")
        made = shared.get(key)
        if made is None:
            body = _counted_body(c, bodies)
            if body is None:
                reason = "个人自荐" + ("，已是工会会员" if rec.union_member else "")
            else:
                scope = occupation_names.get(c.occupation, c.occupation) if body.kind == "区总工会" else "共"
                reason = f"由{body.name}{rec.channel}，未超过推荐名额（{scope} {f[1]} 人，限 {f[2]} 人）"
            made = shared[key] = sorted_step(STAGE, "通过", reason, _figures(rec.channel, f))
        steps[c.id] = made
        passed.append(c.id)

    return StageOutput(stage=STAGE, steps=freeze_own(steps), blocks=tuple(blocks), passed=tuple(sorted(passed)))
