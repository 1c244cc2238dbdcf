"""News, announcements and 专题 (issue 15.4).

* News articles are Pelican articles in ``content/news/`` (the site build reads them;
  plugins/gongjiang_site/news.py). This module checks their metadata before any build,
  at file:line:column, like :mod:`gongjiang_pipeline.stories`: the category (通知公告 /
  新闻动态 / 专题报道), the craftsmen they name (``Craftsmen: 2016-003, 2016-010``),
  the edition and event they report (``Edition: 2016``, ``Event: 启动会``).
* A 专题 (themed column) is data: ``data/topics/<id>.yaml`` (:class:`Topic`), an
  ordered list of stories (by slug), news (by slug) and craftsmen (by candidate id).

Publication: an article dated after the build date is held back, and so is an article
naming a person who is not public yet (its text names them, so omitting only the link
would not be enough). A topic is public from its date; its items that are not public
are left out. Pure: no Pelican import.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pydantic import Field

from .errors import Problem
from .models import EDITIONLESS_KINDS, FILE_KINDS, Day, Ident, Record, Text
from .stories import PLACEHOLDER, _DATE, placeholders, read_meta

NEWS_DIR = ("content", "news")
STORY_DIR = ("content", "stories")
CATEGORIES = ("通知公告", "新闻动态", "专题报道")
EVENTS = ("启动会", "新闻发布会", "命名大会")
# the metadata a news article may have (as the site's build allows: plugins/gongjiang_site/authored.py)
NEWS_KEYS = ("title", "date", "modified", "category", "tags", "summary", "slug", "status", "craftsmen", "edition", "event")

_SPLIT = re.compile(r"[,，、]")


def split_list(value: str) -> list[str]:
    """``2016-003, 2016-010`` -> the ids (commas, full-width commas or 、)."""
    return [v.strip() for v in _SPLIT.split(value or "") if v.strip()]


def _positions(value: str, col: int) -> Iterator[tuple[int, str]]:
    """Each item of a list value with its column."""
    for m in re.finditer(r"[^,，、]+", value):
        item = m.group(0).strip()
        if item:
            yield col + m.start() + (len(m.group(0)) - len(m.group(0).lstrip())), item


def _hint(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
    return f"是否想写「{close[0]}」？" if close else ""


@dataclass(frozen=True)
class NewsFile:
    shown: str
    slug: str
    meta: dict  # lower-case key -> (line, col, value)


def _slug(path: Path, meta: dict) -> str:
    slug = meta.get("slug")
    return slug[2] if slug and slug[2] else path.stem


def read_folder(root: Path, parts: tuple[str, ...]) -> list[tuple[Path, str, str | None]]:
    """(path, shown, text or None when not UTF-8) of each Markdown file in a content folder."""
    folder = Path(root).joinpath(*parts)
    out = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        shown = path.relative_to(root).as_posix()
        try:
            out.append((path, shown, path.read_text("utf-8")))
        except UnicodeDecodeError:
            out.append((path, shown, None))
    return out


def slugs(root: Path, parts: tuple[str, ...]) -> list[str]:
    """The slugs (URL names) of the Markdown files in a content folder."""
    return [_slug(p, read_meta(t.splitlines())) for p, _, t in read_folder(root, parts) if t is not None]


def check_article(shown: str, text: str, candidates, editions: dict) -> tuple[list[Problem], dict]:
    """One news file: its problems and its metadata. ``editions``: id -> Edition record."""
    from .crosscheck import _unknown

    lines = text.splitlines()
    meta = read_meta(lines)
    problems: list[Problem] = []
    where = min(max((v[0] for v in meta.values()), default=0) + 1, len(lines) or 1)
    for key, (line, _, _) in meta.items():
        if key not in NEWS_KEYS:
            names = "、".join(k.capitalize() for k in NEWS_KEYS)
            close = difflib.get_close_matches(key, NEWS_KEYS, n=1, cutoff=0.6)
            hint = f"是否想写「{close[0].capitalize()}」？" if close else ""
            problems.append(Problem(shown, line, 1, key.capitalize(), f"未知的元数据「{key.capitalize()}」。{hint}新闻可用的元数据：{names}"))
    title = meta.get("title")
    if title is None or not title[2]:
        problems.append(Problem(shown, where, 1, "Title", "缺少标题：在文件开头写 Title: 标题"))
    date = meta.get("date")
    day = None
    if date is None or not date[2]:
        problems.append(Problem(shown, where, 1, "Date", "缺少日期：在文件开头写 Date: YYYY-MM-DD"))
    else:
        m = _DATE.match(date[2])
        try:
            day = dt.date.fromisoformat(m.group(1)) if m else None
        except ValueError:
            day = None
        if day is None:
            problems.append(Problem(shown, date[0], date[1], "Date", f"日期格式应为 YYYY-MM-DD，例如 2018-05-15（现为「{date[2]}」）"))
    cat = meta.get("category")
    names = "、".join(CATEGORIES)
    if cat is None or not cat[2]:
        problems.append(Problem(shown, where, 1, "Category", f"缺少栏目：在文件开头写 Category: 栏目（{names}之一）"))
    elif cat[2] not in CATEGORIES:
        problems.append(Problem(shown, cat[0], cat[1], "Category", f"未知的栏目「{cat[2]}」。{_hint(cat[2], CATEGORIES)}栏目只能是：{names}"))
    if "craftsmen" in meta:
        line, col, value = meta["craftsmen"]
        seen = set()
        for c, cid in _positions(value, col):
            if cid not in candidates:
                problems.append(Problem(shown, line, c, "Craftsmen", _unknown("工匠编号", cid, candidates)))
            elif cid in seen:
                problems.append(Problem(shown, line, c, "Craftsmen", f"工匠编号「{cid}」重复"))
            seen.add(cid)
    ed = meta.get("edition")
    if ed is not None and ed[2] not in editions:
        problems.append(Problem(shown, ed[0], ed[1], "Edition", _unknown("届次", ed[2], editions)))
    ev = meta.get("event")
    if ev is not None:
        if ev[2] not in EVENTS:
            problems.append(Problem(shown, ev[0], ev[1], "Event", f"未知的活动「{ev[2]}」。{_hint(ev[2], EVENTS)}活动只能是：{'、'.join(EVENTS)}"))
        elif ed is None:
            problems.append(Problem(shown, ev[0], 1, "Event", "写了 Event 就必须用 Edition 写明是哪一届的活动，例如 Edition: 2016"))
        elif ed[2] in editions and day is not None:
            tl = editions[ed[2]].timeline
            first = {"启动会": tl.announced, "新闻发布会": tl.announced, "命名大会": tl.honor_roll_published}[ev[2]]
            what = "荣誉榜公布日期" if ev[2] == "命名大会" else "启动日期（timeline.announced）"
            if first is not None and day < first:
                problems.append(Problem(shown, date[0], date[1], "Date", f"{ev[2]}的文章日期 {day} 早于该届{what} {first}"))
    problems.extend(placeholders(shown, lines))
    return problems, meta


def check(loaded: list, candidates: dict, root: Path) -> Iterator[Problem]:
    """News articles (content/news/*.md) and topics (data/topics/*.yaml); called by crosscheck.check."""
    from .crosscheck import _at, _unknown, file_id

    root = Path(root)
    editions = {x.record.id: x.record for x in loaded if x.kind == "edition"}
    events: dict[tuple[str, str], str] = {}
    by_slug: dict[str, str] = {}
    for path, shown, text in read_folder(root, NEWS_DIR):
        if text is None:
            yield Problem(shown, 1, 1, "", "文件不是 UTF-8 编码，请另存为 UTF-8")
            continue
        problems, meta = check_article(shown, text, candidates, editions)
        yield from problems
        slug = _slug(path, meta)
        if slug in by_slug:
            line, col = (meta["slug"][0], meta["slug"][1]) if "slug" in meta else (1, 1)
            yield Problem(shown, line, col, "Slug", f"网址（slug）「{slug}」与 {by_slug[slug]} 重复")
        by_slug.setdefault(slug, shown)
        ed, ev = meta.get("edition"), meta.get("event")
        if ed and ev and ev[2] in EVENTS and ed[2] in editions:
            other = events.setdefault((ed[2], ev[2]), shown)
            if other != shown:
                yield Problem(shown, ev[0], ev[1], "Event", f"{ed[2]} 届的「{ev[2]}」已有文章 {other}（每届每项活动一篇）")

    stories = slugs(root, STORY_DIR)
    news = sorted(by_slug)
    seen: dict[str, Any] = {}
    for x in (x for x in loaded if x.kind == "topic"):
        t: Topic = x.record
        yield from file_id(x, "专题编号", seen)
        for name in ("title", "summary"):
            if PLACEHOLDER in getattr(t, name):
                yield _at(x, (name,), "还没有填写（请把【待填写：……】换成实际内容）")
        items = set()
        for i, item in enumerate(t.items):
            given = [n for n in ITEM_KINDS if getattr(item, n) is not None]
            if len(given) != 1:
                yield _at(x, ("items", i), "每一项须写 story（故事）、news（新闻）或 craftsman（工匠编号）中的一项，且只能写一项")
                continue
            (kind,) = given
            value = getattr(item, kind)
            known = {"story": stories, "news": news, "craftsman": candidates}[kind]
            if value not in known:
                yield _at(x, ("items", i, kind), _unknown(ITEM_KINDS[kind], value, known))
            elif (kind, value) in items:
                yield _at(x, ("items", i, kind), f"{ITEM_KINDS[kind]}「{value}」在本专题中重复")
            items.add((kind, value))


# --------------------------------------------------------------------------
# 专题 (themed column): data/topics/<id>.yaml

ITEM_KINDS = {"story": "故事", "news": "新闻", "craftsman": "工匠编号"}


class TopicItem(Record):
    story: Text | None = Field(None, description="工匠故事的网址名（content/stories/ 下的文件名，不含 .md）")
    news: Text | None = Field(None, description="新闻的网址名（content/news/ 下的文件名，不含 .md）")
    craftsman: Ident | None = Field(None, description="工匠的候选人编号，例如 2016-048")
    note: Text | None = Field(None, description="编者按：显示在这一项下面的一句话（可不填）")


class Topic(Record):
    """One 专题: a curated page of stories, news and craftsmen."""

    id: Ident = Field(description="专题编号，与文件名一致；也是网址 /topics/<编号>/")
    title: Text = Field(description="专题标题")
    summary: Text = Field(description="导语：一两句话，显示在专题页开头和专题列表中")
    date: Day = Field(description="发布日期：自该日起在网站上出现")
    items: tuple[TopicItem, ...] = Field(min_length=1, description="专题内容，按显示顺序；每项写 story、news 或 craftsman 之一")


FILE_KINDS["topic"] = Topic
EDITIONLESS_KINDS["topic"] = "topics"


@dataclass(frozen=True)
class TopicEntry:
    kind: str  # story / news / craftsman
    target: Any  # the Pelican article or the public Person
    note: str | None


@dataclass(frozen=True)
class TopicView:
    topic: Topic
    entries: tuple[TopicEntry, ...]

    @property
    def id(self) -> str:
        return self.topic.id


def public_topics(topics, as_of: dt.date, *, stories: dict, news: dict, person) -> tuple[TopicView, ...]:
    """Topics dated on or before ``as_of``, newest first, each with its public items only.

    ``stories``/``news``: slug -> published article; ``person``: id -> public Person or None.
    A topic none of whose items is public yet is held back.
    """
    out = []
    for t in topics:
        if t.date > as_of:
            continue
        entries = []
        for item in t.items:
            if item.story is not None:
                target, kind = stories.get(item.story), "story"
            elif item.news is not None:
                target, kind = news.get(item.news), "news"
            else:
                target, kind = person(item.craftsman), "craftsman"
            if target is not None:
                entries.append(TopicEntry(kind, target, item.note))
        if entries:
            out.append(TopicView(t, tuple(entries)))
    return tuple(sorted(out, key=lambda v: (v.topic.date, v.id), reverse=True))


# --------------------------------------------------------------------------
# publication of news articles (used by the plugin)


def is_public(date: dt.date, craftsmen: list[str], as_of: dt.date, person) -> bool:
    """An article is public from its date, once every craftsman it names is public."""
    return date <= as_of and all(person(c) is not None for c in craftsmen)


# --------------------------------------------------------------------------
# scaffold: make new-topic ID=...

_TOPIC_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


def new_topic(root, topic_id: str, *, today: dt.date) -> Path:
    """Write data/topics/<id>.yaml; it fails ``make check`` until the 【待填写】 parts are filled."""
    from .errors import UsageError
    from .loading import schema_line

    root = Path(root)
    if not _TOPIC_ID.match(topic_id or ""):
        raise UsageError(f"专题编号「{topic_id}」只能使用小写字母、数字和连字符，例如 2016-jiangxin")
    path = root / "data" / "topics" / f"{topic_id}.yaml"
    if path.exists():
        raise UsageError(f"专题文件已存在：data/topics/{topic_id}.yaml")
    stories, news = slugs(root, STORY_DIR), slugs(root, NEWS_DIR)
    lines = [
        schema_line(root, path, "topic"),
        f"id: {topic_id}",
        f'title: "{PLACEHOLDER}专题标题】"',
        f'summary: "{PLACEHOLDER}一两句话的导语】"',
        f"date: {today.isoformat()}  # 发布日期：自该日起在网站上出现",
        "# 专题内容，按显示顺序；每项写 story（故事网址名）、news（新闻网址名）或 craftsman（工匠编号）之一，可加 note（编者按）",
        "items:",
    ]
    if stories:
        lines.append(f"  - story: {stories[0]}")
    if news:
        lines.append(f"  - news: {news[0]}")
    lines.append("  - craftsman: 2016-048")
    lines.append('    note: "工匠简介下的一句编者按（可删去）"')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
