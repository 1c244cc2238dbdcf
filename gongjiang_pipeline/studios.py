"""创新工作室: worker innovation studios named after craftsmen (data/studios/<id>.yaml).

A studio is named after one or more craftsmen: candidate ids of people named
北京大工匠 or 提名奖. Its district is one of the editions' districts; its
achievements (patents, 技术攻关 results, awards) each carry a year, not before
the founding year.

Checks come in two steps, like the stage files: :func:`check` (ids, references,
dates, photo) runs with the other cross-file checks; :func:`check_named` (that
each craftsman was actually named) needs the engine's results and runs after it
(see :func:`gongjiang_pipeline.loading.load_project`).

What the site shows (:func:`public_studios`): a studio founded on or before the
build date, of which at least one craftsman is public on the site *as* a
北京大工匠 or 提名奖 (their honour list is published). Only those craftsmen are
shown; achievements only from their year on. ``private:`` never leaves this
module. The photo is re-encoded with no metadata (``images.without_metadata``):
no EXIF, no GPS.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

from pydantic import Field

from .errors import Problem
from .models import _PRIVATE, EDITIONLESS_KINDS, FILE_KINDS, Day, Ident, Int, Record, Text

Level = Literal["市级", "区级", "企业级"]
LEVELS = ("市级", "区级", "企业级")
AchievementKind = Literal["专利", "技术攻关", "奖项"]
# the honour lists a studio may be named after (certificates.TITLES: the same two lists)
NAMED_LISTS = ("craftsmen", "nomination_award")
# filter pages live at studios/<kind>/<id>/: a studio may not take these ids
FACETS = {"district": "区", "sector": "行业领域", "occupation": "工种"}


class Achievement(Record):
    kind: AchievementKind = Field(description="类别：专利 / 技术攻关 / 奖项")
    title: Text = Field(description="内容，例如 一种高强钢焊接预热装置（发明专利）")
    year: Int = Field(ge=1949, le=2100, description="取得年份，不早于工作室创建年份；自该年起在网站上显示")


class StudioPrivate(Record):
    """Never published: kept for staff only."""

    contact: Text | None = Field(None, description="联系人（私密，不会发布）", json_schema_extra=_PRIVATE)
    phone: Text | None = Field(None, description="联系电话（私密，不会发布）", json_schema_extra=_PRIVATE)
    note: Text | None = Field(None, description="工作人员备注（私密，不会发布）", json_schema_extra=_PRIVATE)


class Studio(Record):
    """One 职工创新工作室 named after one or more craftsmen."""

    id: Ident = Field(description="工作室编号，与文件名一致，例如 zhao-lidan-hanjie；发布后不要修改（用于网址）")
    name: Text = Field(description="工作室名称，例如 赵丽丹焊接创新工作室")
    craftsmen: tuple[Ident, ...] = Field(
        min_length=1, description="以其命名的工匠的候选人编号（北京大工匠或提名奖），例如 [2016-028]"
    )
    host: Text = Field(description="依托单位")
    district: Ident = Field(description="所在区编号（届次文件 districts 中的编号），例如 fengtai")
    founded: Day = Field(description="创建（命名）日期：自该日起在网站上显示")
    level: Level = Field(description="级别：市级 / 区级 / 企业级")
    fields: tuple[Text, ...] = Field(min_length=1, description="专业领域，例如 [高强钢焊接, 焊接机器人]")
    team_size: Int = Field(ge=1, description="团队人数")
    summary: Text | None = Field(None, description="工作室简介（公开）")
    achievements: tuple[Achievement, ...] = Field(
        default_factory=tuple, description="历年成果：专利、技术攻关成果、奖项，各写年份"
    )
    photo: Text | None = Field(None, description="工作室照片路径，相对于 data/ 目录，例如 photos/studios/a.jpg")
    photo_alt: Text | None = Field(None, description="照片的文字说明（供读屏软件），例如 工作室成员在焊接实训区")
    private: StudioPrivate | None = Field(None, description="私密信息：不会出现在网站上", json_schema_extra=_PRIVATE)


FILE_KINDS["studio"] = Studio
EDITIONLESS_KINDS["studio"] = "studios"


# --------------------------------------------------------------------------
# cross-file checks

TODO = "【待填写："


def check(loaded: list, candidates: dict, data_dir: Path) -> Iterator[Problem]:
    """Every studio file against the candidates and editions; ``_at``/``_unknown`` as in crosscheck.

    ``candidates``: candidate id -> its Loaded file.
    """
    from .crosscheck import _at, _unknown, check_photo, file_id

    districts: set[str] = set()
    for x in loaded:
        if x.kind == "edition":
            districts |= {d.id for d in x.record.districts}
    seen: dict[str, Any] = {}
    for x in (x for x in loaded if x.kind == "studio"):
        s: Studio = x.record
        yield from file_id(x, "工作室编号", seen)
        if s.id in FACETS:
            yield _at(x, ("id",), f"工作室编号不能用「{s.id}」（网址 studios/{s.id}/ 用于筛选页），请换一个编号")
        for name in ("name", "host", "summary", "photo_alt"):
            if TODO in (getattr(s, name) or ""):
                yield _at(x, (name,), "还没有填写（请把【待填写：……】换成实际内容）")
        for i, f in enumerate(s.fields):
            if TODO in f:
                yield _at(x, ("fields", i), "还没有填写（请把【待填写：……】换成实际内容）")
        named: set[str] = set()
        for i, cid in enumerate(s.craftsmen):
            if cid in named:
                yield _at(x, ("craftsmen", i), f"工匠编号「{cid}」重复")
            elif cid not in candidates:
                yield _at(x, ("craftsmen", i), _unknown("工匠编号", cid, candidates))
            named.add(cid)
        if s.district not in districts:
            yield _at(x, ("district",), _unknown("区", s.district, sorted(districts)))
        for i, a in enumerate(s.achievements):
            if TODO in a.title:
                yield _at(x, ("achievements", i, "title"), "还没有填写（请把【待填写：……】换成实际内容）")
            if a.year < s.founded.year:
                yield _at(x, ("achievements", i, "year"), f"成果年份 {a.year} 早于工作室创建年份 {s.founded.year}")
        yield from check_photo(x, data_dir)
        if s.photo is not None and s.photo_alt is None:
            yield _at(x, ("photo",), "有照片时必须填写 photo_alt（照片的文字说明）", key=True)


def check_named(loaded: list, project, results: dict) -> list[Problem]:
    """Each craftsman of a studio is named 北京大工匠 or 提名奖 (a final list of the engine's result)."""
    from .crosscheck import _at

    problems = []
    for x in (x for x in loaded if x.kind == "studio"):
        for i, cid in enumerate(x.record.craftsmen):
            found = project.find_candidate(cid)
            if found is None:
                continue  # reported by check()
            ed, c = found
            result = results.get(ed.edition.id)
            named = result is not None and any(
                k in result.lists and result.lists[k].status == "final" and cid in result.lists[k].entries
                for k in NAMED_LISTS
            )
            if not named:
                problems.append(_at(
                    x, ("craftsmen", i),
                    f"候选人 {cid}（{c.name}）未被命名为北京大工匠或提名奖，不能以其命名创新工作室",
                ))
    return problems


# --------------------------------------------------------------------------
# what the site shows


@dataclass(frozen=True)
class Ref:
    id: str
    name: str


@dataclass(frozen=True)
class StudioView:
    studio: Studio
    craftsmen: tuple[Any, ...]  # the public Persons it is named after (as 北京大工匠 or 提名奖), in record order
    district: Ref
    achievements: tuple[Achievement, ...]  # those of a year up to the build date, newest first
    sample: bool  # all its craftsmen are sample data

    @property
    def id(self) -> str:
        return self.studio.id

    @property
    def occupations(self) -> tuple[Ref, ...]:
        return _unique(Ref(p.occupation.id, p.occupation.name) for p in self.craftsmen)

    @property
    def sectors(self) -> tuple[Ref, ...]:
        return _unique(Ref(p.sector.id, p.sector.name) for p in self.craftsmen)

    def facet(self, kind: str) -> tuple[Ref, ...]:
        return (self.district,) if kind == "district" else self.occupations if kind == "occupation" else self.sectors


def _unique(refs: Iterable[Ref]) -> tuple[Ref, ...]:
    out: dict[str, Ref] = {}
    for r in refs:
        out.setdefault(r.id, r)
    return tuple(out.values())


@dataclass(frozen=True)
class Facet:
    """One filter value of the directory: the studios of one district, sector or occupation."""

    kind: str
    id: str
    name: str
    studios: tuple[StudioView, ...]


def district_names(editions: Iterable) -> dict[str, str]:
    """District id -> name, from the newest edition that has it (``editions``: Edition records)."""
    names: dict[str, str] = {}
    for e in sorted(editions, key=lambda e: e.id):
        for d in e.districts:
            names[d.id] = d.name
    return names


def public_studios(studios: Iterable[Studio], as_of: dt.date, person, districts: dict[str, str]) -> tuple[StudioView, ...]:
    """Studios founded on or before ``as_of`` with a craftsman public as 北京大工匠 or 提名奖, by founding date.

    ``person``: candidate id -> public Person or None (``SiteModel.person``).
    """
    out = []
    for s in studios:
        if s.founded > as_of:
            continue  # not founded yet on the build date
        shown = []
        for cid in s.craftsmen:
            p = person(cid)
            if p is not None and any(h.list_key in NAMED_LISTS for h in p.honours):
                shown.append(p)
        if not shown:
            continue  # no craftsman public with the title yet
        done = sorted((a for a in s.achievements if a.year <= as_of.year), key=lambda a: -a.year)
        out.append(StudioView(
            studio=s, craftsmen=tuple(shown), district=Ref(s.district, districts.get(s.district, s.district)),
            achievements=tuple(done), sample=all(p.sample for p in shown),
        ))
    return tuple(sorted(out, key=lambda v: (v.studio.founded, v.id)))


def facets(views: Iterable[StudioView]) -> dict[str, tuple[Facet, ...]]:
    """Kind (district / sector / occupation) -> its values that have studios, by id."""
    views = tuple(views)
    out: dict[str, tuple[Facet, ...]] = {}
    for kind in FACETS:
        groups: dict[str, list] = {}
        names: dict[str, str] = {}
        for v in views:
            for r in v.facet(kind):
                groups.setdefault(r.id, []).append(v)
                names.setdefault(r.id, r.name)
        out[kind] = tuple(Facet(kind, k, names[k], tuple(groups[k])) for k in sorted(groups))
    return out


def studios_of(views: Iterable[StudioView], cid: str) -> list[StudioView]:
    return [v for v in views if any(p.id == cid for p in v.craftsmen)]


# --------------------------------------------------------------------------
# scaffold: make new-studio ID=... CRAFTSMAN=...

_STUDIO_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


def new_studio(root, studio_id: str, *, craftsman: str, today: dt.date):
    """Write data/studios/<id>.yaml for a craftsman's studio; fails ``make check`` until filled in."""
    from .crosscheck import _unknown
    from .errors import UsageError
    from .loading import read_all, schema_line

    root = Path(root)
    if not _STUDIO_ID.match(studio_id or ""):
        raise UsageError(f"工作室编号「{studio_id}」只能使用小写字母、数字和连字符，例如 zhao-lidan-hanjie")
    if studio_id in FACETS:
        raise UsageError(f"工作室编号不能用「{studio_id}」（网址 studios/{studio_id}/ 用于筛选页），请换一个编号")
    path = root / "data" / "studios" / f"{studio_id}.yaml"
    if path.exists():
        raise UsageError(f"工作室文件已存在：data/studios/{studio_id}.yaml")
    loaded, _ = read_all(root)
    found = {x.record.id: x.record for x in loaded if x.kind == "candidate"}
    if craftsman not in found:
        raise UsageError(_unknown("工匠编号", craftsman, found))
    c = found[craftsman]
    lines = [
        schema_line(root, path, "studio"),
        f"id: {studio_id}",
        f'name: "{c.name}{TODO}专业】创新工作室"',
        "craftsmen:",
        f'  - "{craftsman}"  # {c.name}',
        f"host: \"{c.employer}\"  # 依托单位",
        f"district: {c.district}  # 所在区编号",
        f"founded: {today.isoformat()}  # 创建日期：自该日起在网站上显示",
        "level: 企业级  # 市级 / 区级 / 企业级",
        "fields:",
        f'  - "{TODO}专业领域】"',
        "team_size: 1  # 团队人数",
        "achievements: []",
        "# achievements:",
        "#   - kind: 专利  # 专利 / 技术攻关 / 奖项",
        "#     title: 一种……装置（发明专利）",
        f"#     year: {today.year}",
        "# photo: photos/studios/<文件名>.jpg",
        "# photo_alt: 照片的文字说明",
        "# private:  # 不会发布",
        "#   contact: 联系人",
        "#   phone: 联系电话",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), "utf-8")
    return path
