"""大工匠带徒: mentorship records (data/mentorships/<id>.yaml), their checks and lineages.

One record is one master and one apprentice. The master is either a candidate
(``master: 2016-003``) or, when the master is not in the candidate data, the
apprentice of another record (``master_from: <that record's id>``): a person who
is not a candidate is known by the id of the record in which they are the
apprentice. So every person in a lineage has a key: their candidate id, or
``m:<record id>``. An apprentice has one master (one record), which makes the
lineages trees; cycles and self-mentorship are errors.

What the site shows (:func:`lineages`): a record is public only while its master
is public (a public person, or a public apprentice of a public record), from its
start date on; milestones only from their date on. An apprentice who is not a
public person of the site is shown by name and the milestones marked
``public: true`` only. ``private:`` never leaves this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Literal

from pydantic import Field

from .errors import Problem
from .models import _PRIVATE, EDITIONLESS_KINDS, FILE_KINDS, Bool, Day, Ident, Record, Text

MilestoneKind = Literal["技能等级证书", "竞赛成绩", "荣誉"]


class Apprentice(Record):
    name: Text = Field(max_length=20, description="徒弟姓名", json_schema_extra={"maxLength": 20})
    candidate: Ident | None = Field(
        None, description="徒弟后来成为候选人时，其候选人编号（例如 2026-013）；网站上两人的页面互相链接"
    )


class Milestone(Record):
    kind: MilestoneKind = Field(description="类别：技能等级证书 / 竞赛成绩 / 荣誉")
    title: Text = Field(description="内容，例如 焊工高级技师、北京市职工职业技能大赛焊工第一名")
    date: Day = Field(description="取得日期：自该日起在网站上显示")
    public: Bool = Field(
        False, description="是否公开：徒弟不是网站公开的工匠时，只显示姓名和标为 true 的成长记录"
    )


class MentorshipPrivate(Record):
    """Never published: kept for staff only."""

    phone: Text | None = Field(None, description="徒弟联系电话（私密，不会发布）", json_schema_extra=_PRIVATE)
    id_number: Text | None = Field(None, description="徒弟身份证号（私密，不会发布）", json_schema_extra=_PRIVATE)
    note: Text | None = Field(None, description="工作人员备注（私密，不会发布）", json_schema_extra=_PRIVATE)


class Mentorship(Record):
    """One 大工匠带徒 relationship: a master and one apprentice."""

    id: Ident = Field(description="带徒记录编号，与文件名一致，例如 lin-lixue；发布后不要修改（下一代的 master_from 用它）")
    master: Ident | None = Field(None, description="师傅的候选人编号（北京大工匠或提名奖），例如 2016-003")
    master_from: Ident | None = Field(
        None,
        description="师傅不是候选人时：师傅本人作为徒弟的那条带徒记录的编号（与 master 二选一）",
    )
    apprentice: Apprentice = Field(description="徒弟")
    start: Day = Field(description="拜师（结对）日期：自该日起在网站上显示")
    occupation: Text = Field(description="传授的工种，例如 焊工")
    milestones: tuple[Milestone, ...] = Field(default_factory=tuple, description="徒弟的成长记录（技能等级证书、竞赛成绩、荣誉）")
    private: MentorshipPrivate | None = Field(None, description="私密信息：不会出现在网站上", json_schema_extra=_PRIVATE)


FILE_KINDS["mentorship"] = Mentorship
EDITIONLESS_KINDS["mentorship"] = "mentorships"


# --------------------------------------------------------------------------
# the graph


def apprentice_key(m: Mentorship) -> str:
    """The key of the record's apprentice: the candidate id, or ``m:<record id>``."""
    return m.apprentice.candidate or f"m:{m.id}"


def master_key(m: Mentorship, records: dict[str, Mentorship]) -> str | None:
    """The key of the record's master (None when ``master_from`` names no record)."""
    if m.master is not None:
        return m.master
    up = records.get(m.master_from or "")
    return None if up is None else apprentice_key(up)


# --------------------------------------------------------------------------
# cross-file checks


def check(loaded: list, candidates: dict) -> Iterator[Problem]:
    """Every mentorship file against the candidates and each other; ``_at``/``_unknown`` as in crosscheck.

    ``candidates``: candidate id -> its Loaded file.
    """
    from .crosscheck import _at, _unknown, file_id

    files = [x for x in loaded if x.kind == "mentorship"]
    by_id: dict[str, Any] = {}
    for x in files:
        yield from file_id(x, "带徒记录编号", by_id)
    records = {mid: x.record for mid, x in by_id.items()}
    ok: dict[str, Any] = {}  # records whose references resolve: the graph is checked over these
    for x in by_id.values():
        m = x.record
        good = True
        if (m.master is None) == (m.master_from is None):
            yield _at(x, ("apprentice",), "master（师傅的候选人编号）和 master_from（师傅的带徒记录）必须填写一项，且只能填一项", key=True)
            good = False
        elif m.master is not None and m.master not in candidates:
            yield _at(x, ("master",), _unknown("工匠编号", m.master, candidates))
            good = False
        elif m.master_from is not None and m.master_from not in records:
            yield _at(x, ("master_from",), _unknown("带徒记录编号", m.master_from, records))
            good = False
        cid = m.apprentice.candidate
        if cid is not None:
            if cid not in candidates:
                yield _at(x, ("apprentice", "candidate"), _unknown("候选人编号", cid, candidates))
                good = False
            else:
                name = candidates[cid].record.name
                if name != m.apprentice.name:
                    yield _at(x, ("apprentice", "name"), f"徒弟姓名「{m.apprentice.name}」与候选人 {cid} 的姓名「{name}」不一致")
        for i, ms in enumerate(m.milestones):
            if ms.date < m.start:
                yield _at(x, ("milestones", i, "date"), f"成长记录日期 {ms.date} 早于拜师日期 {m.start}")
        if good:
            ok[m.id] = x
    # one master per apprentice (lineages are trees)
    first: dict[str, Any] = {}
    for mid in sorted(ok, key=lambda k: ok[k].path):
        x = ok[mid]
        key = apprentice_key(x.record)
        if key in first:
            yield _at(
                x, ("apprentice",),
                f"徒弟「{x.record.apprentice.name}」已有带徒记录 {first[key].path}（每名徒弟只记一位师傅）", key=True,
            )
        else:
            first[key] = x
    yield from _cycles(ok, records, candidates)


def _cycles(ok: dict[str, Any], records: dict[str, Mentorship], candidates: dict) -> Iterator[Problem]:
    """Self-mentorship and cycles (A is B's master and B is A's, or longer), naming every file."""
    from .crosscheck import _at

    by_apprentice: dict[str, Any] = {}
    for mid in sorted(ok, key=lambda k: ok[k].path):
        by_apprentice.setdefault(apprentice_key(ok[mid].record), ok[mid])
    done: set[str] = set()
    for mid in sorted(ok, key=lambda k: ok[k].path):
        x = ok[mid]
        m: Mentorship = x.record
        me = apprentice_key(m)
        boss = master_key(m, records)
        if boss == me:
            where = candidates[me].path if me in candidates else x.path
            yield _at(x, ("master" if m.master is not None else "master_from",),
                      f"师傅和徒弟是同一人「{m.apprentice.name}」（{where}）")
            done.add(mid)
            continue
        if mid in done:
            continue
        # walk up the masters from this record; a cycle comes back to a record on the path
        path = [x]
        seen = {mid: 0}
        while True:
            boss = master_key(path[-1].record, records)
            up = by_apprentice.get(boss or "")
            if up is None or up.record.id in done:
                break
            if up.record.id in seen:
                cycle = path[seen[up.record.id]:]
                start = min(range(len(cycle)), key=lambda i: cycle[i].path)
                # masters first: each file's master is the apprentice of the next
                ring = cycle[start:] + cycle[:start]
                names = " → ".join(c.path for c in ring + ring[:1])
                first = ring[0]
                loc = ("master",) if first.record.master is not None else ("master_from",)
                yield _at(first, loc, f"师徒关系形成循环：{names}（徒弟不能是自己的师傅或更上一代的师傅）")
                done.update(c.record.id for c in cycle)
                break
            seen[up.record.id] = len(path)
            path.append(up)
        done.add(mid)


# --------------------------------------------------------------------------
# what the site shows


@dataclass(frozen=True)
class MilestoneView:
    kind: str
    title: str
    date: dt.date


@dataclass(frozen=True)
class ApprenticeView:
    """One public record: the apprentice as the site shows them, and their own apprentices."""

    id: str  # the record id (the anchor on lineage pages)
    name: str
    person: Any  # the apprentice's public Person, or None
    start: dt.date | None  # shown for public people only
    occupation: str | None  # shown for public people only
    milestones: tuple[MilestoneView, ...]
    apprentices: tuple["ApprenticeView", ...]

    @property
    def descendants(self) -> int:
        return sum(1 + a.descendants for a in self.apprentices)

    def walk(self, depth: int = 1) -> Iterator[tuple[int, "ApprenticeView"]]:
        yield depth, self
        for a in self.apprentices:
            yield from a.walk(depth + 1)


@dataclass(frozen=True)
class Lineage:
    """A public master (a person of the site) and the tree of their apprentices."""

    master: Any  # Person
    apprentices: tuple[ApprenticeView, ...]
    master_of_master: Any = None  # the Person whose apprentice this master is, if public

    @property
    def direct(self) -> int:
        return len(self.apprentices)

    @property
    def descendants(self) -> int:
        return sum(1 + a.descendants for a in self.apprentices)

    @property
    def generations(self) -> int:
        return max((d for a in self.apprentices for d, _ in a.walk()), default=0)

    def walk(self) -> Iterator[tuple[int, ApprenticeView]]:
        for a in self.apprentices:
            yield from a.walk()


def _order(m: Mentorship) -> tuple:
    return (m.start, m.id)


def lineages(records: Iterable[Mentorship], as_of: dt.date, person: Callable[[str], Any]) -> dict[str, Lineage]:
    """Candidate id -> Lineage, for every public person with public apprentices.

    ``person``: candidate id -> public Person or None (``SiteModel.person``).
    """
    records = {m.id: m for m in records}
    children: dict[str, list[Mentorship]] = {}
    for m in records.values():
        key = master_key(m, records)
        if key is not None and m.start <= as_of:
            children.setdefault(key, []).append(m)

    def tree(key: str, seen: frozenset) -> tuple[ApprenticeView, ...]:
        out = []
        for m in sorted(children.get(key, ()), key=_order):
            me = apprentice_key(m)
            if me in seen:  # (cycles are load errors; never loop)
                continue
            who = person(m.apprentice.candidate) if m.apprentice.candidate else None
            shown = [s for s in m.milestones if s.date <= as_of and (who is not None or s.public)]
            out.append(ApprenticeView(
                id=m.id,
                name=m.apprentice.name,
                person=who,
                start=m.start if who is not None else None,
                occupation=m.occupation if who is not None else None,
                milestones=tuple(MilestoneView(s.kind, s.title, s.date) for s in sorted(shown, key=lambda s: (s.date, s.title))),
                apprentices=tree(me, seen | {me}),
            ))
        return tuple(out)

    masters: dict[str, Any] = {}
    for m in records.values():
        if m.apprentice.candidate and m.start <= as_of:
            masters[m.apprentice.candidate] = master_key(m, records)
    out: dict[str, Lineage] = {}
    for key in sorted(children):
        p = person(key) if not key.startswith("m:") else None
        if p is None:
            continue  # not public (yet), or not a person of the site: shown under their master
        apprentices = tree(key, frozenset({key}))
        if apprentices:
            up = masters.get(key)
            out[key] = Lineage(master=p, apprentices=apprentices, master_of_master=person(up) if up else None)
    return out


def masters_of(records: Iterable[Mentorship], as_of: dt.date, person: Callable[[str], Any]) -> dict[str, Any]:
    """Apprentice candidate id -> their master's public Person (both public): the "师承" link back."""
    records = {m.id: m for m in records}
    out = {}
    for m in records.values():
        cid = m.apprentice.candidate
        if cid is None or m.start > as_of or person(cid) is None:
            continue
        key = master_key(m, records)
        boss = person(key) if key and not key.startswith("m:") else None
        if boss is not None:
            out[cid] = boss
    return out


@dataclass(frozen=True)
class TrainingRow:
    """Statistics: the honorees of one edition and occupation, and the apprentices they trained."""

    edition_id: str
    edition_name: str
    occupation: str
    masters: int  # honorees with public apprentices
    direct: int
    descendants: int


def training_stats(editions, found: dict[str, Lineage]) -> tuple[TrainingRow, ...]:
    """By edition (newest first, as ``editions``) and occupation: the honorees'
    (北京大工匠 and 提名奖 lists) direct apprentices and all their descendants."""
    rows = []
    for ev in editions:
        honorees: dict[str, Any] = {}
        for key in ("craftsmen", "nomination_award"):
            lv = ev.list(key)
            for p in lv.people if lv else ():
                honorees[p.id] = p
        by_occ: dict[tuple[str, str], list[Lineage]] = {}
        for cid, p in honorees.items():
            if cid in found:
                by_occ.setdefault((p.occupation.id, p.occupation.name), []).append(found[cid])
        for (_, name), ls in sorted(by_occ.items()):
            rows.append(TrainingRow(ev.id, ev.name, name, len(ls), sum(x.direct for x in ls), sum(x.descendants for x in ls)))
    return tuple(rows)


# --------------------------------------------------------------------------
# scaffold: make new-mentorship


def new_mentorship(root, *, master: str | None, master_from: str | None, name: str, start: dt.date,
                   record_id: str | None = None, candidate: str | None = None):
    """Write data/mentorships/<id>.yaml (valid as written; milestones to be added). Returns its path."""
    import re
    from pathlib import Path

    from .errors import UsageError
    from .loading import read_all, schema_line
    from .naming import SlugError, base_slug

    root = Path(root)
    loaded, _ = read_all(root)
    candidates = {x.record.id: x.record for x in loaded if x.kind == "candidate"}
    editions = {x.record.id: x.record for x in loaded if x.kind == "edition"}
    records = {x.record.id: x.record for x in loaded if x.kind == "mentorship"}
    if (master is None) == (master_from is None):
        raise UsageError("请给出师傅：MASTER=<候选人编号>，或师傅不是候选人时 FROM=<师傅作为徒弟的带徒记录编号>")
    if master is not None and master not in candidates:
        raise UsageError(f"没有编号为「{master}」的候选人（或其文件有错误，请先运行 make check）")
    if master_from is not None and master_from not in records:
        raise UsageError(f"没有编号为「{master_from}」的带徒记录（或其文件有错误，请先运行 make check）")
    if not name or not name.strip():
        raise UsageError("请给出徒弟姓名：NAME=<姓名>")
    name = name.strip()
    if candidate is not None and candidate not in candidates:
        raise UsageError(f"没有编号为「{candidate}」的候选人（或其文件有错误，请先运行 make check）")
    if record_id is None:
        try:
            base = base_slug(name, None)
        except SlugError:
            raise UsageError(f"无法由姓名「{name}」生成编号，请用 ID=<编号> 给出，例如 wang-xiaoming") from None
        record_id, n = base, 1
        while record_id in records or (root / "data" / "mentorships" / f"{record_id}.yaml").exists():
            n += 1
            record_id = f"{base}-{n}"
    elif not re.fullmatch(r"[a-z0-9][a-z0-9-]*", record_id):
        raise UsageError(f"ID={record_id}：只能使用小写字母、数字和连字符，例如 wang-xiaoming")
    path = root / "data" / "mentorships" / f"{record_id}.yaml"
    if path.exists():
        raise UsageError(f"带徒记录已存在：{path.relative_to(root).as_posix()}，请用 ID= 另取一个编号")
    # the craft: the master's occupation (or their own master's record's)
    if master is not None:
        c = candidates[master]
        occ = {o.id: o.name for o in editions[c.edition].occupations}.get(c.occupation, c.occupation) if c.edition in editions else c.occupation
    else:
        occ = records[master_from].occupation
    lines = [
        schema_line(root, path, "mentorship"),
        f"id: {record_id}",
        f'master: "{master}"' if master is not None else f"master_from: {master_from}",
        "apprentice:",
        f"  name: {name}",
    ]
    if candidate is not None:
        lines.append(f'  candidate: "{candidate}"')
    lines += [
        f"start: {start.isoformat()}",
        f"occupation: {occ}",
        "# 成长记录：每条写 kind（技能等级证书 / 竞赛成绩 / 荣誉）、title、date；public: true 才会在网站上显示",
        "milestones: []",
        "# 私密信息（不会发布到网站）：",
        "# private:",
        '#   phone: "138…"',
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
