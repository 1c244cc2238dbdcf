"""Checks of the stories under ``content/stories/`` that ``check`` runs, at file:line:column.

The site build (Pelican) reads the stories; this module only checks, before any
build, what editors most often get wrong: the metadata lines at the top
(``Title:``, ``Date:``, ``Candidate:``) and 【待填写……】 markers left over from
``new-story``'s template. Pure: no Pelican import.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

PLACEHOLDER = "【待填写："
# the metadata a story may have (as the site's build allows: plugins/gongjiang_site/authored.py)
STORY_KEYS = ("title", "date", "modified", "candidate", "summary", "slug", "status", "lang")
STORY_DIR = ("content", "stories")

_META = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):[ \t]*(.*)\Z")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})([ T]\d{1,2}:\d{2}(:\d{2})?)?\Z")


def candidate_ids(root: Path) -> list[str]:
    """Every candidate id with a file (valid or not: other checks report those)."""
    return sorted(p.stem for p in (root / "data" / "candidates").glob("*/*.yaml"))


def read_meta(lines: list[str]) -> dict[str, tuple[int, int, str]]:
    """Pelican-style metadata at the top: lower-case key -> (line, value column, value)."""
    meta: dict[str, tuple[int, int, str]] = {}
    for i, line in enumerate(lines, 1):
        if not line.strip():
            break
        m = _META.match(line)
        if m is None:
            if line.startswith((" ", "\t")) and meta:
                continue  # a continuation line of the previous value
            break
        meta[m.group(1).lower()] = (i, m.start(2) + 1, m.group(2).strip())
    return meta


def check_story(shown: str, text: str, known: list[str]) -> list[Problem]:
    lines = text.splitlines()
    meta = read_meta(lines)
    problems: list[Problem] = []
    where = max((v[0] for v in meta.values()), default=0) + 1

    def missing(key: str, message: str) -> None:
        problems.append(Problem(shown, min(where, len(lines) or 1), 1, key, message))

    for key, (line, col, _) in meta.items():
        if key not in STORY_KEYS:
            guess = difflib.get_close_matches(key, STORY_KEYS, n=1, cutoff=0.6)
            hint = f"是否想写「{guess[0].capitalize()}」？" if guess else ""
            names = "、".join(k.capitalize() for k in STORY_KEYS)
            problems.append(Problem(shown, line, 1, key.capitalize(), f"未知的元数据「{key.capitalize()}」。{hint}故事可用的元数据：{names}"))
    title = meta.get("title")
    if title is None or not title[2]:
        missing("Title", "缺少标题：在文件开头写 Title: 标题")
    date = meta.get("date")
    if date is None or not date[2]:
        missing("Date", "缺少日期：在文件开头写 Date: YYYY-MM-DD")
    else:
        m = _DATE.match(date[2])
        ok = m is not None
        if m:
            try:
                dt.date.fromisoformat(m.group(1))
            except ValueError:
                ok = False
        if not ok:
            problems.append(Problem(shown, date[0], date[1], "Date", f"日期格式应为 YYYY-MM-DD，例如 2018-05-15（现为「{date[2]}」）"))
    cand = meta.get("candidate")
    if cand is None or not cand[2]:
        missing("Candidate", "故事必须写明讲的是谁：在文件开头写 Candidate: <候选人编号>，例如 Candidate: 2016-003")
    elif cand[2] not in known:
        close = difflib.get_close_matches(cand[2], known, n=1, cutoff=0.6)
        hint = f"，是否想写「{close[0]}」？" if close else "（候选人编号见 data/candidates/<届次>/ 下的文件名）"
        problems.append(Problem(shown, cand[0], cand[1], "Candidate", f"未知的候选人编号「{cand[2]}」{hint}"))
    problems.extend(placeholders(shown, lines))
    return problems


def placeholders(shown: str, lines: list[str]) -> list[Problem]:
    """A problem at each 【待填写……】 marker left in a content file."""
    problems = []
    for i, line in enumerate(lines, 1):
        col = line.find(PLACEHOLDER)
        if col >= 0:
            end = line.find("】", col)
            marker = line[col:end + 1] if end >= 0 else line[col:]
            if len(marker) > 24:
                marker = marker[:23] + "…】"
            problems.append(Problem(shown, i, col + 1, "", f"还有待填写的内容：{marker}（写好后删去【】及其中的说明）"))
    return problems


@dataclass(frozen=True)
class StoryMeta:
    """What ``make status`` needs of a story: where it is, its slug, who it is about, its language."""

    path: str  # relative to the project root
    slug: str
    candidate: str
    lang: str  # "" for the default language (Chinese), "en" for an English translation


def story_index(root: Path) -> list[StoryMeta]:
    """Every story file with a Candidate (the others are reported by :func:`check_stories`)."""
    folder = root.joinpath(*STORY_DIR)
    out: list[StoryMeta] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        try:
            meta = read_meta(path.read_text("utf-8").splitlines())
        except UnicodeDecodeError:
            continue
        cand = meta.get("candidate")
        if cand is None or not cand[2]:
            continue
        slug = meta["slug"][2] if meta.get("slug") and meta["slug"][2] else path.stem
        lang = meta["lang"][2] if meta.get("lang") else ""
        out.append(StoryMeta(path.relative_to(root).as_posix(), slug, cand[2], lang))
    return out


def check_stories(root: Path) -> list[Problem]:
    folder = root.joinpath(*STORY_DIR)
    known = candidate_ids(root)
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else ():
        shown = path.relative_to(root).as_posix()
        try:
            text = path.read_text("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(shown, 1, 1, "", "文件不是 UTF-8 编码，请另存为 UTF-8"))
            continue
        problems.extend(check_story(shown, text, known))
    return problems
