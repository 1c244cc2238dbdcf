"""Everything the public site shows, computed without Pelican.

:func:`build_model` takes the loaded project, the engine's results and the build
date and returns a :class:`SiteModel`: visible lists in 姓氏笔画 order, the public
people with their slugs, browse groups, statistics. Only public fields are copied
into the model (never ``private``, ``education``, ``skill_grade``, ``work_years``,
``recommendation`` or ``birth_year``), so templates cannot leak what they never get.
Free-text fields are copied exactly as written (``A<B 公司`` stays ``A<B 公司``): they are
plain text, never HTML, and every output escapes them for its own format (Jinja
autoescape in HTML and XML, ``json``/``csv`` writers for open data, Pillow draws them
as text on images); see docs/site.md "Safety".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from .dataset import EditionData, Project
from .errors import GongjiangError
from .models import Candidate, Edition
from .naming import assign_slugs
from .outcome import EditionResult
from .publication import Publication, publish
from .romanize import english_name
from .stats import ListStats, list_stats
from .strokes import StrokeDataError, sort_by_strokes


class SiteDataError(GongjiangError):
    """The data cannot be published as it stands (e.g. a list names an unknown person)."""


@dataclass(frozen=True)
class Ref:
    id: str
    name: str
    name_en: str | None = None  # the English edition's name, if the edition file gives one


@dataclass(frozen=True)
class Honour:
    edition_id: str
    list_key: str
    title: str  # e.g. 2016年“北京大工匠”评选 · 北京大工匠
    publish_on: dt.date


@dataclass(frozen=True)
class Person:
    """A public candidate: public fields only."""

    id: str
    slug: str
    name: str
    female: bool
    gender: str
    employer: str
    occupation: Ref
    district: Ref
    sector: Ref
    citation: str
    titles: tuple[str, ...]
    achievements: tuple[str, ...]
    photo: str | None  # path relative to the data directory
    edition_id: str
    edition_name: str
    sample: bool
    public_since: dt.date
    honours: tuple[Honour, ...]
    name_pinyin: str | None = None  # the editors' spelling, if given (search, slugs)
    name_en: str = ""  # GB/T 28039 romanisation or the record's name_en (romanize.py)
    citation_en: str | None = None  # English citation: the person has an English page


@dataclass(frozen=True)
class ListView:
    key: str
    title: str
    edition_id: str
    publish_on: dt.date
    people: tuple[Person, ...]  # 姓氏笔画 order
    note: str = ""
    # notice list only, once the honor roll is public: how the notice ended (public notes only)
    outcome: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditionView:
    id: str
    name: str
    sample: bool
    summary: str | None
    edition: Edition  # rules and timeline (public parts are chosen by the templates)
    publication: Publication
    lists: tuple[ListView, ...]
    people: tuple[Person, ...]  # everyone public in this edition, 姓氏笔画 order
    stats: Mapping[str, ListStats]  # by list key, visible lists except the notice list

    def list(self, key: str) -> ListView | None:
        for lv in self.lists:
            if lv.key == key:
                return lv
        return None


@dataclass(frozen=True)
class Group:
    """A browse group across editions: one occupation, district or sector."""

    kind: str  # "occupation" | "district" | "sector"
    id: str
    name: str
    people: tuple[Person, ...]


@dataclass(frozen=True)
class ErratumView:
    """A published correction, shown from its date on (all its texts are public by definition)."""

    id: str
    edition_id: str
    edition_name: str
    date: dt.date
    what: str
    before: str
    after: str
    note: str
    person: Person | None  # the craftsman concerned, public on as_of
    list: ListView | None  # the list concerned, visible on as_of


@dataclass(frozen=True)
class SiteModel:
    as_of: dt.date
    # the last day on or before as_of on which anything the site shows changed (a stage
    # date of the timeline, an erratum): the footer shows it, so daily rebuilds rewrite
    # no page while nothing changes (a deploy then uploads only what did change)
    updated: dt.date
    editions: tuple[EditionView, ...]  # newest first
    people: tuple[Person, ...]  # all public people, 姓氏笔画 order
    groups: Mapping[str, tuple[Group, ...]] = field(default_factory=dict)  # kind -> groups
    errata: tuple[ErratumView, ...] = ()  # newest first

    def person(self, cid: str) -> Person | None:
        # by id, indexed on first use (not a field: equality and page keys see the same model);
        # the first person with the id, as a scan would find
        index = self.__dict__.get("_by_id")
        if index is None:
            index = {}
            for p in self.people:
                index.setdefault(p.id, p)
            object.__setattr__(self, "_by_id", index)
        return index.get(cid)

    def errata_for(self, cid: str) -> tuple[ErratumView, ...]:
        return tuple(er for er in self.errata if er.person is not None and er.person.id == cid)


def _refs(items) -> dict[str, Ref]:
    return {n.id: Ref(n.id, n.name, n.name_en) for n in items}


_EditionRefs = tuple[dict[str, Ref], dict[str, Ref], dict[str, Ref]]


def _edition_refs(e: Edition) -> _EditionRefs:
    return _refs(e.occupations), _refs(e.districts), _refs(e.sectors)


def person_view(
    e: Edition, c: Candidate, slug: str, since: dt.date, honours: tuple[Honour, ...], refs: _EditionRefs | None = None
) -> Person:
    """``e`` is the edition record; ``c`` the candidate as loaded; ``refs``:
    ``_edition_refs(e)``, when the caller has it already."""
    occ, dis, sec = refs or _edition_refs(e)
    for what, table, key in (("工种", occ, c.occupation), ("区", dis, c.district), ("行业领域", sec, c.sector)):
        if key not in table:
            raise SiteDataError(f"候选人 {c.id}（{c.name}）的{what}编号“{key}”不在届次 {e.id} 中")
    return Person(
        id=c.id,
        slug=slug,
        name=c.name,
        female=c.gender == "女",
        gender=c.gender,
        employer=c.employer,
        occupation=occ[c.occupation],
        district=dis[c.district],
        sector=sec[c.sector],
        citation=c.citation,
        titles=c.titles,
        achievements=c.achievements,
        photo=c.photo,
        edition_id=e.id,
        edition_name=e.name,
        sample=e.sample,
        public_since=since,
        honours=honours,
        name_pinyin=c.name_pinyin,
        name_en=english_name(c.name, c.name_pinyin, c.name_en),
        citation_en=c.citation_en,
    )


def _sorted(people, what: str):
    try:
        return tuple(sort_by_strokes(people, name=lambda p: p.name, tiebreak=lambda p: p.id))
    except StrokeDataError as e:
        raise SiteDataError(f"{what}：{e}") from None


def build_model(project: Project, results: Mapping[str, EditionResult], as_of: dt.date) -> SiteModel:
    pubs: dict[str, Publication] = {}
    editions: dict[str, Edition] = {}
    for eid, ed in project.editions.items():
        if eid not in results:
            raise SiteDataError(f"届次 {eid} 没有评选结果")
        editions[eid] = ed.edition
        pubs[eid] = publish(editions[eid], results[eid], as_of)

    # every public person, in an order that keeps slugs stable as more are published
    entries: list[tuple[dt.date, str, EditionData, Candidate]] = []
    for eid, pub in pubs.items():
        ed = project.editions[eid]
        known = {c.id for c in ed.candidates}
        for cid, since in pub.public_since.items():
            if cid not in known:
                raise SiteDataError(f"届次 {eid} 的公开名单中有不存在的候选人：{cid}")
            entries.append((since, cid, ed, ed.candidate(cid)))
    entries.sort(key=lambda t: (t[0], t[1]))
    slugs = assign_slugs((cid, c.name, c.name_pinyin) for _, cid, _, c in entries)

    people: dict[str, Person] = {}
    refs: dict[str, _EditionRefs] = {}
    for since, cid, ed, c in entries:
        pub = pubs[ed.edition.id]
        honours = tuple(
            Honour(ed.edition.id, sl.key, sl.title, sl.publish_on)  # type: ignore[arg-type]
            for sl in pub.lists
            if cid in sl.entries
        )
        eid = ed.edition.id
        if eid not in refs:
            refs[eid] = _edition_refs(editions[eid])
        people[cid] = person_view(editions[eid], c, slugs[cid], since, honours, refs[eid])

    views: list[EditionView] = []
    for eid, pub in pubs.items():
        ed = project.editions[eid]
        lists = tuple(
            ListView(
                key=sl.key,
                title=sl.title,
                edition_id=eid,
                publish_on=sl.publish_on,  # type: ignore[arg-type]
                people=_sorted([people[c] for c in sl.entries], f"{ed.edition.name}{sl.title}"),
                note=sl.note,
                outcome=notice_outcome(ed) if sl.key == "notice" and any(x.key == "craftsmen" for x in pub.lists) else (),
            )
            for sl in pub.lists
        )
        edition = editions[eid]
        ed_people = _sorted([people[c] for c in pub.public_ids], edition.name)
        stats = {
            lv.key: list_stats(edition, [ed.candidate(p.id) for p in lv.people])
            for lv in lists
            if lv.key != "notice"
        }
        views.append(
            EditionView(
                id=eid,
                name=edition.name,
                sample=edition.sample,
                summary=edition.summary,
                edition=edition,
                publication=pub,
                lists=lists,
                people=ed_people,
                stats=stats,
            )
        )
    views.sort(key=lambda v: (v.edition.timeline.announced, v.id), reverse=True)

    all_people = _sorted(list(people.values()), "全部人物")
    groups: dict[str, tuple[Group, ...]] = {}
    for kind in ("occupation", "district", "sector"):
        # names from the newest edition that uses the id
        names: dict[str, str] = {}
        for v in reversed(views):  # oldest first, newer overwrite
            for n in getattr(v.edition, kind + "s"):
                names[n.id] = n.name
        members: dict[str, list[Person]] = {}
        for p in all_people:
            members.setdefault(getattr(p, kind).id, []).append(p)
        groups[kind] = tuple(
            Group(kind, gid, names[gid], tuple(ms)) for gid, ms in sorted(members.items())
        )
    errata = _errata(project, views, people, as_of)
    updated = last_change(project, as_of)
    return SiteModel(
        as_of=as_of, updated=updated, editions=tuple(views), people=all_people, groups=groups, errata=errata
    )


def notice_outcome(data: EditionData) -> tuple[str, ...]:
    """How the public notice ended, for the notice list once the honor roll is public.

    Only what the objection records mark as public: the count, each decided
    objection's ``public_note`` and the name of a person whose objection was upheld
    (already public on the notice list). The objection's ``summary`` is never shown.
    """
    objections = sorted(data.objections.objections if data.objections else (), key=lambda o: o.id)
    if not objections:
        return ("公示期内未收到异议。",)
    upheld = [o for o in objections if o.outcome == "成立"]
    lines = [f"公示期内共收到异议 {len(objections)} 件，经核实成立 {len(upheld)} 件、不成立 {len(objections) - len(upheld)} 件。"]
    names = {c.id: c.name for c in data.candidates}
    for o in upheld:
        note = o.public_note or "异议成立，撤销建议资格"
        lines.append(f"{names[o.candidate]}：{note.rstrip('。')}。")
    return tuple(lines)


def last_change(project: Project, as_of: dt.date) -> dt.date:
    """The latest timeline or erratum date on or before ``as_of`` (``as_of`` if there is none)."""
    days: list[dt.date] = []
    for data in project.editions.values():
        for value in data.edition.timeline.model_dump().values():
            if isinstance(value, dict):
                days.extend(value.values())
            elif value is not None:
                days.append(value)
        days.extend(er.date for er in (data.errata.errata if data.errata else ()))
    past = [d for d in days if d <= as_of]
    return max(past, default=as_of)


def _errata(
    project: Project, views: list[EditionView], people: Mapping[str, Person], as_of: dt.date
) -> tuple[ErratumView, ...]:
    """Errata dated on or before ``as_of``; each must concern only what is public on that day."""
    out: list[ErratumView] = []
    for v in views:
        errata = project.editions[v.id].errata
        for er in errata.errata if errata else ():
            if er.date > as_of:
                continue
            where = f"data/results/{v.id}/errata.yaml：勘误 {er.id}"
            person = lv = None
            if er.candidate is not None:
                person = people.get(er.candidate)
                if person is None:
                    raise SiteDataError(
                        f"{where} 涉及的候选人 {er.candidate} 在 {as_of} 不在任何已公布的名单中"
                        "（勘误涉及已撤销、不再公开的人员时不要填 candidate）"
                    )
            if er.list_key is not None:
                lv = v.list(er.list_key)
                if lv is None:
                    raise SiteDataError(f"{where} 涉及的名单 {er.list_key} 在 {as_of} 尚未公布")
            out.append(ErratumView(er.id, v.id, v.name, er.date, er.what, er.before, er.after, er.note, person, lv))
    out.sort(key=lambda e: (e.date, e.edition_id, e.id), reverse=True)
    return tuple(out)
