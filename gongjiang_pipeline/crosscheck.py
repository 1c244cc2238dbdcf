"""Checks that need more than one file: references, duplicates, photos, consistency.

Each check reports at the exact field that is wrong, in Chinese.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from .errors import Problem
from .models import EDITIONLESS_KINDS, Candidate, Edition
from .searchbundles import LANGUAGE_BUNDLES
from . import mentorship  # noqa: E402,I001  (after models: models registers the kind)
from . import lectures  # noqa: E402,I001  (after models: models registers the kind)
from . import studios  # noqa: E402,I001  (after models: models registers the kind)
from . import news  # noqa: E402,I001  (after models: models registers the kind)
from .yamlload import format_loc

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def _at(x, loc: tuple, message: str, *, key: bool = False) -> Problem:
    line, col = x.doc.position(loc, key=key)
    return Problem(x.path, line, col, format_loc(loc), message)


def _unknown(kind: str, value: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    hint = f"，是否想写「{close[0]}」？" if close else ""
    return f"未知的{kind}「{value}」{hint}"


def _dupes(x, items, loc: tuple, what: str, attr: str = "id") -> Iterator[Problem]:
    seen = set()
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            yield _at(x, loc + (i, attr), f"{what}「{value}」重复")
        seen.add(value)


def file_id(x, label: str, seen: dict) -> list[Problem]:
    """The record's ``id`` against its file name and against the ids in ``seen`` (id ->
    the file that has it; a new id is added). ``label``: what the id is called, e.g. 讲座编号.
    Every kind of data file named after its record checks its id this way."""
    rid, stem = x.record.id, PurePosixPath(x.path).stem
    problems = []
    if rid != stem:
        problems.append(_at(x, ("id",), f"{label}「{rid}」与文件名「{stem}.yaml」不一致"))
    if rid in seen:
        problems.append(_at(x, ("id",), f"{label}「{rid}」重复（另见 {seen[rid].path}）"))
    else:
        seen[rid] = x
    return problems


def check(loaded: list, data_dir: Path, root: Path) -> list[Problem]:
    problems: list[Problem] = []
    editions = {}
    for x in (x for x in loaded if x.kind == "edition"):
        problems.extend(check_edition(x))
        problems.extend(file_id(x, "届次编号", editions))
        if x.record.id in LANGUAGE_BUNDLES.values():  # pagefind/<edition id>/ and pagefind/en/
            problems.append(_at(x, ("id",), f"届次编号不能用「{x.record.id}」：这是英文版站内搜索分包的名字，请换一个编号（例如年份）"))

    candidates: dict[str, object] = {}
    for x in (x for x in loaded if x.kind == "candidate"):
        c: Candidate = x.record
        duplicate = c.id in candidates
        problems.extend(file_id(x, "候选人编号", candidates))
        if duplicate:
            continue
        problems.extend(_edition_ref(x, editions))
        if c.edition in editions:
            problems.extend(check_candidate(x, editions[c.edition].record))
        problems.extend(check_photo(x, data_dir))

    # candidates whose own file has errors: their file's problems are reported,
    # references to them elsewhere are not (one typo, one message)
    broken = {p.stem for p in data_dir.glob("candidates/*/*.yaml")} - set(candidates)
    stage_files: dict[str, dict[str, object]] = defaultdict(dict)  # edition -> kind -> file (not score sheets)
    for x in loaded:
        if x.kind in ("edition", "candidate") or x.kind in EDITIONLESS_KINDS:
            continue
        problems.extend(_edition_ref(x, editions))
        if x.record.edition in editions:
            problems.extend(check_result(x, editions[x.record.edition].record, candidates, broken))
            if x.kind != "scores" and x.edition_dir in (None, x.record.edition):
                stage_files[x.record.edition][x.kind] = x
    for eid, files in sorted(stage_files.items()):
        problems.extend(check_stage_dates(files, editions[eid]))
    problems.extend(mentorship.check(loaded, candidates))
    problems.extend(lectures.check(loaded, candidates, data_dir))
    problems.extend(studios.check(loaded, candidates, data_dir))
    problems.extend(news.check(loaded, candidates, root))
    return problems


def _edition_ref(x, editions) -> Iterator[Problem]:
    eid = x.record.edition
    if eid not in editions:
        yield _at(x, ("edition",), _unknown("届次", eid, editions))
    elif x.edition_dir is not None and x.edition_dir != eid:
        yield _at(x, ("edition",), f"届次「{eid}」与所在目录「{x.edition_dir}」不一致")


def check_edition(x) -> Iterator[Problem]:
    e: Edition = x.record
    yield from _dupes(x, e.occupations, ("occupations",), "工种编号")
    yield from _dupes(x, e.sectors, ("sectors",), "行业编号")
    yield from _dupes(x, e.districts, ("districts",), "区编号")
    yield from _dupes(x, e.bodies, ("bodies",), "推荐单位编号")
    yield from _dupes(x, e.scoring.components, ("scoring", "components"), "评分分项编号")
    yield from _dupes(x, e.vote_channels, ("vote_channels",), "投票渠道编号")
    districts = {d.id for d in e.districts}
    for i, b in enumerate(e.bodies):
        if b.kind == "区总工会":
            if b.district is None:
                yield _at(x, ("bodies", i), "区总工会必须填写 district（所在区）")
            elif b.district not in districts:
                yield _at(x, ("bodies", i, "district"), _unknown("区", b.district, districts))
        if b.kind == "产业工会" and b.quota is None and e.quotas.industry_union_default is None:
            yield _at(x, ("bodies", i), "产业工会必须填写 quota（协商确定的推荐名额）")
    total = sum(c.weight for c in e.scoring.components)
    if abs(total - 1) > 1e-9:
        yield _at(x, ("scoring", "components"), f"各分项权重之和应为 1，现为 {round(total, 6)}")
    comps = {c.id for c in e.scoring.components}
    for i, t in enumerate(e.scoring.tie_break):
        kind, _, name = t.key.partition(":")
        ok = (t.key in ("total", "votes")) or (kind == "component" and name in comps) or (kind == "metric" and name)
        if not ok:
            yield _at(
                x,
                ("scoring", "tie_break", i, "key"),
                f"无效的比较依据「{t.key}」，应为 total、votes、component:<分项编号> 或 metric:<指标名>",
            )
    slots = [o.nominee_slots for o in e.occupations]
    if any(s is not None for s in slots):
        if any(s is None for s in slots):
            yield _at(x, ("occupations",), "nominee_slots 要么每个工种都填，要么都不填")
        elif sum(slots) != e.awards.nominees:
            yield _at(x, ("occupations",), f"各工种 nominee_slots 之和（{sum(slots)}）应等于 awards.nominees（{e.awards.nominees}）")
    a = e.awards
    if a.craftsmen + a.nomination_award > a.nominees:
        yield _at(x, ("awards",), "北京大工匠与提名奖人数之和不能超过提名人选人数")
    if a.popularity > a.nominees:
        yield _at(x, ("awards", "popularity"), "最佳人气奖人数不能超过提名人选人数")
    yield from _timeline(x, e)


def _timeline(x, e: Edition) -> Iterator[Problem]:
    t = e.timeline
    for name in ("recommendation", "qualification", "competition", "voting", "review", "notice"):
        p = getattr(t, name)
        if p is not None and p.end < p.start:
            yield _at(x, ("timeline", name, "end"), "结束日期早于开始日期")
    order = [
        ("announced", t.announced),
        ("recommendation", t.recommendation.start),
        ("nominees_published", t.nominees_published),
        ("voting", t.voting.start if t.voting else None),
        ("popularity_published", t.popularity_published),
        ("notice", t.notice.start if t.notice else None),
        ("honor_roll_published", t.honor_roll_published),
    ]
    last = None
    for name, day in order:
        if day is None:
            continue
        if last is not None and day < last[1]:
            yield _at(x, ("timeline", name), f"日期 {day} 早于前一阶段（{last[0]}：{last[1]}），请检查时间顺序")
        last = (name, day)
    if t.approval and t.notice and t.approval < t.notice.end:
        yield _at(x, ("timeline", "approval"), "审定日期不能早于公示结束日期")


def check_candidate(x, e: Edition) -> Iterator[Problem]:
    c: Candidate = x.record
    for attr, what, items in (
        ("occupation", "工种", e.occupations),
        ("district", "区", e.districts),
        ("sector", "行业", e.sectors),
    ):
        known = {i.id for i in items}
        if getattr(c, attr) not in known:
            yield _at(x, (attr,), _unknown(what, getattr(c, attr), known) + f"（见 data/editions/{e.id}.yaml）")
    r = c.recommendation
    bodies = {b.id: b for b in e.bodies}
    if r.channel == "个人自荐":
        if r.body is not None and r.body not in bodies:
            yield _at(x, ("recommendation", "body"), _unknown("推荐单位", r.body, bodies))
        return
    if r.body is None:
        yield _at(x, ("recommendation",), f"{r.channel}必须填写 body（推荐单位编号）")
        return
    if r.body not in bodies:
        yield _at(x, ("recommendation", "body"), _unknown("推荐单位", r.body, bodies))
        return
    kind = bodies[r.body].kind
    wanted = ("区总工会", "产业工会") if r.channel == "单位推荐" else ("社团",)
    if kind not in wanted:
        yield _at(
            x,
            ("recommendation", "body"),
            f"{r.channel}的推荐单位应为{'或'.join(wanted)}，「{bodies[r.body].name}」是{kind}",
        )
    if not (e.timeline.recommendation.start <= r.date <= e.timeline.recommendation.end):
        p = e.timeline.recommendation
        yield _at(x, ("recommendation", "date"), f"推荐日期 {r.date} 不在推荐阶段（{p.start} 至 {p.end}）内")


def check_photo(x, data_dir: Path) -> Iterator[Problem]:
    photo = x.record.photo
    if photo is None:
        return
    loc = ("photo",)
    p = PurePosixPath(photo)
    if "\\" in photo or p.is_absolute() or ".." in p.parts or photo.startswith("~"):
        yield _at(x, loc, "照片路径必须是 data/ 目录内的相对路径，例如 photos/2016-001.jpg（不能用 ..、/ 开头或反斜杠）")
        return
    if p.suffix.lower() not in PHOTO_SUFFIXES:
        yield _at(x, loc, f"照片格式应为 {'、'.join(PHOTO_SUFFIXES)} 之一")
        return
    full = data_dir / Path(*p.parts)
    try:
        inside = full.resolve().is_relative_to(data_dir.resolve())
    except OSError:
        inside = False
    if not inside:
        yield _at(x, loc, "照片路径指向 data/ 目录之外（可能是符号链接）")
    elif not full.is_file():
        yield _at(x, loc, f"找不到照片文件 data/{photo}")


def check_result(x, e: Edition, candidates: dict, broken: set[str] = frozenset()) -> Iterator[Problem]:
    rec = x.record

    def cand(loc, cid, *, occupation=None):
        if cid in broken:
            return None
        if cid not in candidates:
            return _at(x, loc, _unknown("候选人编号", cid, candidates))
        c = candidates[cid].record
        if c.edition != e.id:
            return _at(x, loc, f"候选人「{cid}」属于届次 {c.edition}，不属于 {e.id}")
        if occupation is not None and c.occupation != occupation:
            return _at(x, loc, f"候选人「{cid}」的工种是 {c.occupation}，不是 {occupation}")
        return None

    def dup_candidates(items, loc, what):
        seen = set()
        for i, item in enumerate(items):
            if item.candidate in seen:
                yield _at(x, loc + (i, "candidate"), f"候选人「{item.candidate}」的{what}重复")
            seen.add(item.candidate)

    if x.kind == "qualification":
        vetoes = set(e.veto_conditions)
        for i, d in enumerate(rec.decisions):
            if (p := cand(("decisions", i, "candidate"), d.candidate)) is not None:
                yield p
            if d.result == "不通过" and not d.reason and not d.veto:
                yield _at(x, ("decisions", i), "审核不通过时必须填写 reason（理由）或 veto（否决情形）")
            for j, v in enumerate(d.veto):
                if v not in vetoes:
                    yield _at(x, ("decisions", i, "veto", j), _unknown("否决情形", v, vetoes))
        yield from dup_candidates(rec.decisions, ("decisions",), "审核结论")
    elif x.kind == "scores":
        yield from _check_sheet(x, e, cand)
    elif x.kind == "votes":
        channels = {c.id for c in e.vote_channels}
        seen = set()
        for i, t in enumerate(rec.tallies):
            if (p := cand(("tallies", i, "candidate"), t.candidate)) is not None:
                yield p
            if t.channel not in channels:
                yield _at(x, ("tallies", i, "channel"), _unknown("投票渠道", t.channel, channels))
            if t.cancelled > t.votes:
                yield _at(x, ("tallies", i, "cancelled"), f"作废票数（{t.cancelled}）不能多于原始票数（{t.votes}）")
            if t.cancelled and not t.cancel_reason:
                yield _at(x, ("tallies", i), "有作废票时必须填写 cancel_reason（作废理由）")
            if (t.candidate, t.channel) in seen:
                yield _at(x, ("tallies", i), f"候选人「{t.candidate}」在渠道「{t.channel}」的计票重复")
            seen.add((t.candidate, t.channel))
        for i, a in enumerate(rec.absent):
            if (p := cand(("absent", i, "candidate"), a.candidate)) is not None:
                yield p
        yield from dup_candidates(rec.absent, ("absent",), "未计票说明")
    elif x.kind == "review":
        for i, r in enumerate(rec.results):
            if (p := cand(("results", i, "candidate"), r.candidate)) is not None:
                yield p
        yield from dup_candidates(rec.results, ("results",), "评审结果")
    elif x.kind == "objections":
        yield from _dupes(x, rec.objections, ("objections",), "异议编号")
        for i, o in enumerate(rec.objections):
            if (p := cand(("objections", i, "candidate"), o.candidate)) is not None:
                yield p
            if o.outcome != "核查中" and o.decided is None:
                yield _at(x, ("objections", i), "已有结论的异议必须填写 decided（结论日期）")
    elif x.kind == "errata":
        yield from _check_errata(x, e, cand, candidates)
    elif x.kind == "decisions":
        occupations = {o.id for o in e.occupations}
        for i, d in enumerate(rec.decisions):
            if d.scope != "all" and d.scope not in occupations:
                yield _at(x, ("decisions", i, "scope"), _unknown("工种", d.scope, occupations | {"all"}))
            for j, cid in enumerate(d.order):
                if (p := cand(("decisions", i, "order", j), cid)) is not None:
                    yield p


def _check_sheet(x, e: Edition, cand) -> Iterator[Problem]:
    sheet = x.record
    stem = PurePosixPath(x.path).stem
    occupations = {o.id for o in e.occupations}
    if sheet.occupation not in occupations:
        yield _at(x, ("occupation",), _unknown("工种", sheet.occupation, occupations))
        return
    if sheet.occupation != stem:
        yield _at(x, ("occupation",), f"工种「{sheet.occupation}」与文件名「{stem}.yaml」不一致")
    yield from _dupes(x, sheet.judges, ("judges",), "评委编号")
    judges = {j.id for j in sheet.judges}
    comps = {c.id: c for c in e.scoring.components}
    recused = set()
    for i, r in enumerate(sheet.recusals):
        if r.judge not in judges:
            yield _at(x, ("recusals", i, "judge"), _unknown("评委编号", r.judge, judges))
        if (p := cand(("recusals", i, "candidate"), r.candidate, occupation=sheet.occupation)) is not None:
            yield p
        recused.add((r.judge, r.candidate))
    seen = set()
    for i, row in enumerate(sheet.rows):
        if row.judge not in judges:
            yield _at(x, ("rows", i, "judge"), _unknown("评委编号", row.judge, judges))
        if (p := cand(("rows", i, "candidate"), row.candidate, occupation=sheet.occupation)) is not None:
            yield p
        if (row.judge, row.candidate) in recused:
            yield _at(x, ("rows", i), f"评委「{row.judge}」已对候选人「{row.candidate}」回避，不能再打分")
        if (row.judge, row.candidate) in seen:
            yield _at(x, ("rows", i), f"评委「{row.judge}」对候选人「{row.candidate}」的评分重复")
        seen.add((row.judge, row.candidate))
        for comp, score in row.scores.items():
            if comp not in comps:
                yield _at(x, ("rows", i, "scores", comp), _unknown("评分分项", comp, comps), key=True)
            elif not 0 <= score <= comps[comp].max_score:
                yield _at(x, ("rows", i, "scores", comp), f"得分 {score:g} 超出范围（0 至 {comps[comp].max_score:g}）")
        missing = [c for c in comps if c not in row.scores]
        if missing:
            yield _at(x, ("rows", i, "scores"), f"缺少分项得分：{'、'.join(missing)}")
    metrics_seen = set()
    for i, m in enumerate(sheet.metrics):
        if (p := cand(("metrics", i, "candidate"), m.candidate, occupation=sheet.occupation)) is not None:
            yield p
        if m.candidate in metrics_seen:
            yield _at(x, ("metrics", i, "candidate"), f"候选人「{m.candidate}」的指标重复")
        metrics_seen.add(m.candidate)


ERRATUM_FIELDS = {"name": "姓名", "employer": "工作单位", "citation": "推荐语"}


def _check_errata(x, e: Edition, cand, candidates: dict) -> Iterator[Problem]:
    yield from _dupes(x, x.record.errata, ("errata",), "勘误编号")
    for i, er in enumerate(x.record.errata):
        if er.date < e.timeline.announced:
            yield _at(x, ("errata", i, "date"), f"勘误日期 {er.date} 早于本届启动日期 {e.timeline.announced}")
        if er.before == er.after:
            yield _at(x, ("errata", i, "after"), "更正后的内容与更正前相同")
        known = True
        if er.candidate is not None and (p := cand(("errata", i, "candidate"), er.candidate)) is not None:
            known = False
            yield p
        if er.field is None:
            continue
        if er.candidate is None:
            yield _at(x, ("errata", i, "field"), "填写了 field 时必须同时填写 candidate（候选人编号）")
        elif known:
            current = getattr(candidates[er.candidate].record, er.field)
            if current != er.after:
                yield _at(
                    x,
                    ("errata", i, "after"),
                    f"更正后的内容「{er.after}」与候选人文件中 {er.field}（{ERRATUM_FIELDS[er.field]}）的现值「{current}」不一致："
                    "请先修改候选人文件，再照抄到 after",
                )


# --------------------------------------------------------------------------
# dates of the stage files: against the edition's timeline and against each other
# (every rule is listed, with its message, in docs/data-format.md "跨文件检查")


def _outside(what: str, day, stage: str, period, edition_path: str) -> str:
    return f"{what} {day} 不在{stage}（{period.start} 至 {period.end}）内（见 {edition_path}）"


def check_stage_dates(files: dict, ex) -> Iterator[Problem]:
    """The dates of one edition's stage files (``files``: kind -> loaded file; ``ex``: its edition file).

    Each stage's date must fall in its period of the timeline (when the edition gives
    one) and not before the date of the stage it follows; a tie decision not before
    what it decides. A pure function of the loaded records.
    """
    e: Edition = ex.record
    t = e.timeline
    ed = ex.path
    qual, votes, review = files.get("qualification"), files.get("votes"), files.get("review")
    objections, approval, decisions = files.get("objections"), files.get("approval"), files.get("decisions")
    if qual is not None:
        d = qual.record.decided
        if t.qualification and not t.qualification.start <= d <= t.qualification.end:
            yield _at(qual, ("decided",), _outside("审核完成日期", d, "资格审核阶段", t.qualification, ed))
    if votes is not None:
        d = votes.record.closed
        if t.voting and not t.voting.start <= d <= t.voting.end:
            yield _at(votes, ("closed",), _outside("投票截止日期", d, "公众投票阶段", t.voting, ed))
        if qual is not None and d < qual.record.decided:
            yield _at(votes, ("closed",), f"投票截止日期 {d} 早于资格审核完成日期 {qual.record.decided}（另见 {qual.path}）")
    if review is not None:
        d = review.record.date
        if t.review and not t.review.start <= d <= t.review.end:
            yield _at(review, ("date",), _outside("评审日期", d, "综合评审阶段", t.review, ed))
        if votes is not None and d < votes.record.closed:
            yield _at(review, ("date",), f"评审日期 {d} 早于投票截止日期 {votes.record.closed}（另见 {votes.path}）")
    if objections is not None:
        for i, o in enumerate(objections.record.objections):
            if t.notice and not t.notice.start <= o.received <= t.notice.end:
                yield _at(objections, ("objections", i, "received"), _outside("收到日期", o.received, "公示期", t.notice, ed))
            elif review is not None and o.received < review.record.date:
                yield _at(
                    objections, ("objections", i, "received"),
                    f"收到日期 {o.received} 早于综合评审日期 {review.record.date}（另见 {review.path}）",
                )
            if o.decided is not None and o.decided < o.received:
                yield _at(objections, ("objections", i, "decided"), f"结论日期 {o.decided} 早于收到日期 {o.received}")
    if approval is not None:
        d = approval.record.date
        if t.notice and d < t.notice.end:
            yield _at(approval, ("date",), f"审定日期 {d} 早于公示结束日期 {t.notice.end}（见 {ed}）")
        elif review is not None and d < review.record.date:
            yield _at(approval, ("date",), f"审定日期 {d} 早于综合评审日期 {review.record.date}（另见 {review.path}）")
        if objections is not None:
            for o in objections.record.objections:
                if o.decided is not None and d < o.decided:
                    yield _at(
                        approval, ("date",),
                        f"审定日期 {d} 早于异议「{o.id}」的结论日期 {o.decided}（另见 {objections.path}）",
                    )
    if decisions is not None:
        for i, dec in enumerate(decisions.record.decisions):
            after = _decided_after(dec.stage, files, e, ed)
            if after is not None and dec.date < after[0]:
                yield _at(decisions, ("decisions", i, "date"), f"裁定日期 {dec.date} 早于{after[1]} {after[0]}（{after[2]}）")


def _decided_after(stage: str, files: dict, e: Edition, edition_path: str):
    """(day, what, where) a tie decision of ``stage`` cannot come before, or None."""
    t = e.timeline
    ed = f"见 {edition_path}"
    if stage == "行业比选":
        if t.competition is not None:
            return t.competition.start, "行业比选开始日期", ed
        if (q := files.get("qualification")) is not None:
            return q.record.decided, "资格审核完成日期", f"另见 {q.path}"
        return None
    if stage == "公众参与":
        if (v := files.get("votes")) is not None:
            return v.record.closed, "投票截止日期", f"另见 {v.path}"
        return (t.voting.end, "公众投票结束日期", ed) if t.voting else None
    if (r := files.get("review")) is not None:
        return r.record.date, "综合评审日期", f"另见 {r.path}"
    return (t.review.start, "综合评审开始日期", ed) if t.review else None
