"""What may be shown on a given day: visible lists, public candidates, current stage.

The one rule: a list is visible on ``as_of`` only if the engine marked it ``final``,
it has a publication date and that date is on or before ``as_of``. A candidate is
public only as a member of a visible list (nominees and beyond). Nobody rejected,
under review or merely recommended is ever public, and the engine's traces are
never published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from .models import Edition
from .outcome import LISTS, EditionResult, StageList

# list key -> timeline field holding its publication date
LIST_DATE_FIELD: Mapping[str, str] = {
    "nominees": "nominees_published",
    "popularity": "popularity_published",
    "notice": "notice",
    "craftsmen": "honor_roll_published",
    "nomination_award": "honor_roll_published",
}


@dataclass(frozen=True)
class TimelineItem:
    key: str
    label: str  # Chinese, e.g. 推荐阶段
    start: dt.date
    end: dt.date  # == start for a single day
    state: str  # "done" | "current" | "upcoming"
    note: str = ""  # e.g. 名单待公布


@dataclass(frozen=True)
class Publication:
    edition: Edition
    as_of: dt.date
    lists: tuple[StageList, ...]  # visible lists, in program order
    public_ids: frozenset[str]
    public_since: Mapping[str, dt.date]  # candidate id -> first publication date
    timeline: tuple[TimelineItem, ...]
    stage: str  # Chinese sentence: where the edition stands on as_of
    next_step: str | None  # Chinese sentence: what happens next, with its date

    def visible(self, key: str) -> StageList | None:
        for sl in self.lists:
            if sl.key == key:
                return sl
        return None


def is_visible(sl: StageList, as_of: dt.date) -> bool:
    return sl.status == "final" and sl.publish_on is not None and sl.publish_on <= as_of


def _timeline_entries(edition: Edition) -> list[tuple[str, str, dt.date, dt.date]]:
    t = edition.timeline
    out: list[tuple[str, str, dt.date, dt.date]] = [("announced", "启动", t.announced, t.announced)]

    def period(key: str, label: str, p) -> None:
        if p is not None:
            out.append((key, label, p.start, p.end))

    def day(key: str, label: str, d) -> None:
        if d is not None:
            out.append((key, label, d, d))

    period("recommendation", "推荐", t.recommendation)
    period("qualification", "资格审核", t.qualification)
    period("competition", "行业比选", t.competition)
    day("nominees_published", "公布提名人选", t.nominees_published)
    period("voting", "公众投票", t.voting)
    day("popularity_published", "公布最佳人气奖", t.popularity_published)
    period("review", "综合评审", t.review)
    period("notice", "社会公示", t.notice)
    day("approval", "审定命名", t.approval)
    day("honor_roll_published", "公布北京大工匠名单", t.honor_roll_published)
    # stable: by start date, then by program order (the list above)
    order = {k: i for i, (k, *_rest) in enumerate(out)}
    return sorted(out, key=lambda e: (e[2], order[e[0]]))


def _fmt(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _span(start: dt.date, end: dt.date) -> str:
    return _fmt(start) if start == end else f"{_fmt(start)}至{_fmt(end)}"


def publish(edition: Edition, result: EditionResult, as_of: dt.date) -> Publication:
    """The public view of one edition on ``as_of``."""
    if result.edition_id != edition.id:
        raise ValueError(f"result of {result.edition_id} given for edition {edition.id}")
    lists = tuple(result.lists[k] for k, _ in LISTS if k in result.lists and is_visible(result.lists[k], as_of))
    since: dict[str, dt.date] = {}
    for sl in lists:
        assert sl.publish_on is not None
        for cid in sl.entries:
            if cid not in since or sl.publish_on < since[cid]:
                since[cid] = sl.publish_on
    # which timeline publications did not happen although their day has come
    date_field_to_lists: dict[str, list[str]] = {}
    for key, fieldname in LIST_DATE_FIELD.items():
        date_field_to_lists.setdefault(fieldname, []).append(key)
    visible_keys = {sl.key for sl in lists}

    items: list[TimelineItem] = []
    for key, label, start, end in _timeline_entries(edition):
        if end < as_of:
            state = "done"
        elif start <= as_of:
            state = "current"
        else:
            state = "upcoming"
        note = ""
        pending = [k for k in date_field_to_lists.get(key, []) if k in result.lists and k not in visible_keys]
        if state != "upcoming" and pending and key != "notice":
            note = "名单待公布"
        if key == "notice" and state != "upcoming" and "notice" not in visible_keys:
            note = "公示名单待公布"
        items.append(TimelineItem(key, label, start, end, state, note))

    stage, next_step = _describe(items, as_of)
    return Publication(
        edition=edition,
        as_of=as_of,
        lists=lists,
        public_ids=frozenset(since),
        public_since=dict(sorted(since.items())),
        timeline=tuple(items),
        stage=stage,
        next_step=next_step,
    )


def _describe(items: list[TimelineItem], as_of: dt.date) -> tuple[str, str | None]:
    current = [i for i in items if i.state == "current"]
    upcoming = [i for i in items if i.state == "upcoming"]
    done = [i for i in items if i.state == "done"]
    nxt = upcoming[0] if upcoming else None
    next_step = f"{_span(nxt.start, nxt.end)}：{nxt.label}" if nxt else None
    if not done and not current:
        return "尚未启动", next_step
    if current:
        # the latest-starting current item is the most specific one
        cur = current[-1]
        if cur.start == cur.end:
            stage = f"{cur.label}（{_fmt(cur.start)}）"
        else:
            stage = f"{cur.label}进行中（{_span(cur.start, cur.end)}）"
        if cur.note:
            stage += f"，{cur.note}"
        return stage, next_step
    last = done[-1]
    if nxt is None:
        if last.note:
            return f"{last.label}：{last.note}", None
        return "本届评选已结束", None
    stage = f"{last.label}已结束，等待下一阶段"
    if last.note:
        stage = f"{last.label}：{last.note}"
    return stage, next_step


def voting_open(edition: Edition, as_of: dt.date) -> bool:
    """Whether the public vote of ``edition`` is running on ``as_of`` (first and last day included)."""
    v = edition.timeline.voting
    return v is not None and v.start <= as_of <= v.end
