"""北京大工匠讲堂: lecture records (data/lectures/<id>.yaml), their checks and iCalendar feeds.

A lecture is public from its ``announced`` date (like the stage lists) and only
while its speaker (when a craftsman) is public. The feeds are built with the
``icalendar`` library; every value in them comes from the data, so the same
inputs give the same bytes (DTSTAMP is the date of the last recorded change).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterable, Iterator, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError
from typing_extensions import Annotated

from .errors import Problem
from .models import EDITIONLESS_KINDS, FILE_KINDS, Day, Ident, Record, Text, _text

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}\Z")


def _local_time(v: Any) -> Any:
    v = _text(v)
    if isinstance(v, str) and _DATETIME.match(v):
        try:
            return dt.datetime.strptime(v, "%Y-%m-%d %H:%M")
        except ValueError:
            raise PydanticCustomError("gj_date", "时间不存在：{value}", {"value": v}) from None
    raise PydanticCustomError("gj_datetime", "时间格式应为 YYYY-MM-DD HH:MM，例如 2030-03-15 14:00")


LocalTime = Annotated[dt.datetime, BeforeValidator(_local_time)]
Status = Literal["scheduled", "cancelled", "moved"]
STATUS_TITLES = {"scheduled": "按期举行", "cancelled": "已取消", "moved": "已改期"}


class Change(Record):
    date: Day = Field(description="修改日期（日历订阅据此更新：每条修改使 SEQUENCE 加 1）")
    note: Text = Field(description="修改了什么（公开），例如 时间由 3 月 10 日改为 3 月 17 日")


class Lecture(Record):
    """One 北京大工匠讲堂 lecture."""

    id: Ident = Field(description="讲座编号，与文件名一致；发布后不要修改（用于网址和日历 UID）")
    title: Text = Field(description="讲座题目")
    speaker: Ident | None = Field(None, description="主讲工匠的候选人编号（北京大工匠或提名奖），例如 2016-048")
    guest: Text | None = Field(None, description="主讲嘉宾姓名及单位（主讲人不是本网站的工匠时填写，与 speaker 二选一）")
    start: LocalTime = Field(description="开始时间 YYYY-MM-DD HH:MM（按 timezone 的当地时间）")
    end: LocalTime = Field(description="结束时间 YYYY-MM-DD HH:MM")
    timezone: Text = Field("Asia/Shanghai", description="时区（IANA 名称），默认 Asia/Shanghai")
    venue: Text = Field(description="地点；线上讲座写 线上")
    registration: Text | None = Field(None, description="报名网址（https://…）")
    online: Text | None = Field(None, description="线上观看网址（https://…）")
    status: Status = Field("scheduled", description="状态：scheduled（按期）/ cancelled（取消）/ moved（改期）")
    note: Text | None = Field(None, description="状态说明（公开）；取消或改期时必填")
    announced: Day = Field(description="公布日期：自该日起在网站和日历中出现")
    changes: tuple[Change, ...] = Field(default_factory=tuple, description="公布后的修改记录（改期、取消、换地点）")
    summary: Text | None = Field(None, description="讲座结束后的内容摘要（公开）")
    photos: tuple[Text, ...] = Field(default_factory=tuple, description="现场照片路径，相对于 data/ 目录")
    video: Text | None = Field(None, description="讲座回放网址（https://…）")


FILE_KINDS["lecture"] = Lecture
EDITIONLESS_KINDS["lecture"] = "lectures"


# --------------------------------------------------------------------------
# cross-file checks


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


TODO = "【待填写："
TEXT_FIELDS = ("title", "guest", "venue", "registration", "online", "note", "summary", "video")


def check(loaded: list, candidates: dict, data_dir) -> Iterator[Problem]:
    """Every lecture file against the candidates; ``_at``/``_unknown`` as in crosscheck."""
    from .crosscheck import _at, _unknown, file_id

    seen: dict[str, Any] = {}
    for x in (x for x in loaded if x.kind == "lecture"):
        lec: Lecture = x.record
        yield from file_id(x, "讲座编号", seen)
        unfilled = {n for n in TEXT_FIELDS if TODO in (getattr(lec, n) or "")}
        for name in sorted(unfilled, key=TEXT_FIELDS.index):
            yield _at(x, (name,), "还没有填写（请把【待填写：……】换成实际内容）")
        if (lec.speaker is None) == (lec.guest is None):
            yield _at(x, ("title",), "speaker（工匠编号）和 guest（嘉宾）必须填写一项，且只能填一项", key=True)
        elif lec.speaker is not None and lec.speaker not in candidates:
            yield _at(x, ("speaker",), _unknown("工匠编号", lec.speaker, candidates))
        if _zone(lec.timezone) is None:
            yield _at(x, ("timezone",), f"未知的时区「{lec.timezone}」，应为 IANA 时区名称，例如 Asia/Shanghai")
        if lec.end <= lec.start:
            yield _at(x, ("end",), "结束时间必须晚于开始时间")
        if lec.registration is None and lec.online is None:
            yield _at(x, ("venue",), "须填写 registration（报名网址）或 online（线上观看网址）说明如何参加", key=True)
        for name in ("registration", "online", "video"):
            value = getattr(lec, name)
            if value is not None and name not in unfilled and not value.startswith(("https://", "http://")):
                yield _at(x, (name,), "网址应以 https:// 或 http:// 开头")
        if lec.status != "scheduled" and lec.note is None:
            what = "取消" if lec.status == "cancelled" else "改期"
            yield _at(x, ("status",), f"讲座{what}时必须填写 note（说明）")
        if lec.status != "scheduled" and not lec.changes:
            yield _at(x, ("status",), "取消或改期的讲座须在 changes 中记录修改（日历据此通知订阅者）")
        last = lec.announced
        for i, c in enumerate(lec.changes):
            if c.date < last:
                yield _at(x, ("changes", i, "date"), f"修改日期 {c.date} 早于公布日期或上一条修改（{last}）")
            last = max(last, c.date)
        for i, p in enumerate(lec.photos):
            rel = PurePosixPath(p)
            if rel.is_absolute() or ".." in rel.parts or "\\" in p:
                yield _at(x, ("photos", i), "照片路径必须是 data/ 目录内的相对路径，例如 photos/lectures/a.jpg")
            elif not (data_dir / p).is_file():
                yield _at(x, ("photos", i), f"找不到照片文件 data/{p}")


# --------------------------------------------------------------------------
# what the site shows


@dataclass(frozen=True)
class LectureView:
    lecture: Lecture
    start: dt.datetime  # aware, in the lecture's time zone
    end: dt.datetime
    speaker: Any  # the public Person, or None for a guest
    sequence: int
    stamp: dt.datetime  # UTC: the last recorded change (or the announcement)

    @property
    def id(self) -> str:
        return self.lecture.id

    @property
    def speaker_name(self) -> str:
        return self.speaker.name if self.speaker is not None else str(self.lecture.guest)

    @property
    def status_title(self) -> str:
        return STATUS_TITLES[self.lecture.status]

    def is_past(self, as_of: dt.date) -> bool:
        return self.end.date() < as_of


def public_lectures(lectures: Iterable[Lecture], as_of: dt.date, person) -> tuple[LectureView, ...]:
    """Lectures announced on or before ``as_of`` whose craftsman speaker is public, by start time.

    ``person``: candidate id -> public Person or None (``SiteModel.person``).
    """
    out = []
    for lec in lectures:
        if lec.announced > as_of:
            continue  # embargo
        who = None
        if lec.speaker is not None:
            who = person(lec.speaker)
            if who is None:
                continue  # not public (yet)
        out.append(view(lec, who))
    return tuple(sorted(out, key=lambda v: (v.start, v.id)))


def view(lec: Lecture, who=None) -> LectureView:
    zone = ZoneInfo(lec.timezone)
    last = max([lec.announced, *(c.date for c in lec.changes)])
    stamp = dt.datetime.combine(last, dt.time(0, 0), zone).astimezone(dt.timezone.utc)
    return LectureView(
        lecture=lec,
        start=lec.start.replace(tzinfo=zone),
        end=lec.end.replace(tzinfo=zone),
        speaker=who,
        sequence=len(lec.changes),
        stamp=stamp,
    )


def uid(lecture_id: str, domain: str) -> str:
    """Stable UID: the lecture id at the site's domain (never changes once published)."""
    return f"lecture-{lecture_id}@{domain}"


def domain_of(base_url: str) -> str:
    host = re.sub(r"^[a-z]+://", "", base_url or "").split("/")[0]
    return host or "gongjiang.invalid"


def calendar(views: Iterable[LectureView], *, name: str, domain: str, url_of) -> bytes:
    """An RFC 5545 VCALENDAR of these lectures (cancelled ones kept, STATUS:CANCELLED).

    ``url_of``: LectureView -> absolute URL of its page.
    """
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//北京大工匠//大工匠讲堂//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for v in views:
        lec = v.lecture
        ev = Event()
        ev.add("uid", uid(lec.id, domain))
        ev.add("dtstamp", v.stamp)
        ev.add("last-modified", v.stamp)
        ev.add("sequence", v.sequence)
        ev.add("dtstart", v.start)
        ev.add("dtend", v.end)
        ev.add("summary", f"北京大工匠讲堂：{lec.title}")
        ev.add("location", lec.venue)
        lines = [f"主讲：{v.speaker_name}"]
        if lec.note:
            lines.append(lec.note)
        if lec.registration:
            lines.append(f"报名：{lec.registration}")
        if lec.online:
            lines.append(f"线上观看：{lec.online}")
        ev.add("description", "\n".join(lines))
        ev.add("url", url_of(v))
        ev.add("status", "CANCELLED" if lec.status == "cancelled" else "CONFIRMED")
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()


# --------------------------------------------------------------------------
# scaffold: make new-lecture ID=... SPEAKER=...

_LECTURE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


def new_lecture(root, lecture_id: str, *, speaker: str | None, today: dt.date):
    """Write data/lectures/<id>.yaml with the speaker filled in; fails ``make check`` until filled."""
    from pathlib import Path

    from .errors import UsageError
    from .loading import read_all, schema_line

    root = Path(root)
    if not _LECTURE_ID.match(lecture_id or ""):
        raise UsageError(f"讲座编号「{lecture_id}」只能使用小写字母、数字和连字符，例如 2030-hanjie")
    path = root / "data" / "lectures" / f"{lecture_id}.yaml"
    if path.exists():
        raise UsageError(f"讲座文件已存在：data/lectures/{lecture_id}.yaml")
    who = ""
    if speaker:
        loaded, _ = read_all(root)
        names = {x.record.id: x.record.name for x in loaded if x.kind == "candidate"}
        if speaker not in names:
            from .crosscheck import _unknown

            raise UsageError(_unknown("工匠编号", speaker, names))
        who = f"speaker: {speaker}  # {names[speaker]}"
    else:
        who = f'guest: "{TODO}嘉宾姓名及单位】"  # 或改为 speaker: <工匠编号>'
    lines = [
        schema_line(root, path, "lecture"),
        f"id: {lecture_id}",
        f'title: "{TODO}讲座题目】"',
        who,
        f'start: "{TODO}YYYY-MM-DD HH:MM】"',
        f'end: "{TODO}YYYY-MM-DD HH:MM】"',
        f'venue: "{TODO}地点；线上讲座写 线上】"',
        f'registration: "{TODO}https:// 报名网址；线上讲座改为 online: <观看网址>】"',
        "status: scheduled",
        f"announced: {today.isoformat()}  # 公布日期：自该日起在网站和日历中出现",
        "# 公布后改期、取消或换地点：改 status（moved / cancelled）并写 note，再在 changes 下加一条",
        "# changes:",
        f"#   - date: {today.isoformat()}",
        "#     note: 时间由 … 改为 …",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), "utf-8")
    return path
