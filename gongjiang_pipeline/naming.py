"""Pinyin slugs for craftsman URLs.

Slug format (documented in docs/site.md): the surname's syllables run together, a
hyphen, then the given name's syllables run together, all lower-case ASCII, the way
Chinese names are written in pinyin: 张三丰 -> ``zhang-sanfeng``, 欧阳修 ->
``ouyang-xiu``, 单田芳 -> ``shan-tianfang``. ü is written ``yu`` after n and l (吕 ->
``lyu``), as on Chinese passports; tone marks are dropped.

Where the pinyin comes from:

* ``candidate.name_pinyin`` when given (space-separated syllables, e.g.
  ``shan tian fang``): editors' spelling always wins;
* otherwise pypinyin, with the surname read from :data:`SURNAME_READINGS` because
  polyphonic characters read differently as surnames (单 shan, not dan).

Homophones (张三 and 章三 are both ``zhang-san``) are told apart by
:func:`assign_slugs`: the first in the given order keeps the plain slug, the next
gets ``-2``, then ``-3``... The site passes public candidates ordered by the date
they became public, then by id, so a slug, once published, never changes when more
people are published later, and the numbering reveals nothing about people who are
not public.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable, Mapping

from pypinyin import Style, lazy_pinyin

from .errors import GongjiangError
from .strokes import split_name

# How surnames are read where pypinyin's everyday reading differs.
SURNAME_READINGS: Mapping[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "召": "shao",
    "牟": "mu",
    "秘": "bi",
    "种": "chong",
    "繁": "po",
    "员": "yun",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "长孙": "zhangsun",
    "澹台": "tantai",
    "令狐": "linghu",
    "黑": "he",
    "尉": "yu",
    "洗": "xian",
    "冼": "xian",
    "燕": "yan",
    "宓": "fu",
    "相": "xiang",
    "句": "gou",
    "纪": "ji",
    "任": "ren",
    "华": "hua",
    "过": "guo",
    "莘": "shen",
    "褚": "chu",
    "应": "ying",
    "阚": "kan",
    "隗": "wei",
    "薄": "bo",
    "谌": "chen",
    "訾": "zi",
    "折": "she",
    "么": "yao",
    "哈": "ha",
    "朝": "chao",
    "都": "du",
    "能": "nai",
    "重": "chong",
    "柏": "bai",
    "蕃": "pi",
    "角": "jue",
    "阿": "a",
}

_SYLLABLE = re.compile(r"[a-z]+\Z")
_DOTS = "·•‧・"
_IME_V = re.compile(r"^([nl])yu")


class SlugError(GongjiangError):
    """A name cannot be turned into a URL."""


def _ascii_syllable(s: str) -> str:
    """lv -> lyu, nv -> nyu, strip tone marks; lower-case a-z only."""
    s = s.strip().lower().replace("ü", "v").replace("u:", "v")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"^([nl])v", r"\1yu", s)
    s = s.replace("v", "u")  # ju/qu/xu/yu already write ü as u
    return s


def name_syllables(name: str, name_pinyin: str | None = None) -> tuple[list[str], list[str]]:
    """(surname syllables, given-name syllables) in plain ASCII pinyin."""
    sur, giv = _syllables(name, name_pinyin)
    return list(sur), list(giv)


@functools.lru_cache(maxsize=1 << 16)
def _syllables(name: str, name_pinyin: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``name_syllables``, memoised: a build asks for each name's syllables several times
    (its URL, its search spellings, its English name), and pypinyin is slow. A name that
    cannot be spelt raises every time (exceptions are not memoised)."""
    sur, giv = _spell(name, name_pinyin)
    return tuple(sur), tuple(giv)


def _spell(name: str, name_pinyin: str | None) -> tuple[list[str], list[str]]:
    surname, given = split_name(name)
    if name_pinyin:
        parts = [_ascii_syllable(p) for p in re.split(r"[\s'’\-·]+", name_pinyin) if p.strip()]
        bad = [p for p in parts if not _SYLLABLE.match(p)]
        if bad or not parts:
            raise SlugError(f"姓名拼音“{name_pinyin}”只能包含拼音字母和空格")
        n = len(surname)
        if len(parts) == len(surname) + len(given):
            return parts[:n], parts[n:]
        # a transliterated name or unusual split: keep the editor's words as they are
        return parts[:1], parts[1:]
    if surname in SURNAME_READINGS:
        sur = [SURNAME_READINGS[surname]]
    else:
        sur = [_ascii_syllable(p) for p in lazy_pinyin(surname, style=Style.NORMAL)]
    giv = [_ascii_syllable(p) for p in lazy_pinyin(given, style=Style.NORMAL)]
    out = sur + giv
    if not out or any(not _SYLLABLE.match(p) for p in out):
        raise SlugError(f"无法为姓名“{name}”生成拼音网址，请在候选人文件中填写 name_pinyin")
    return sur, giv


def _dotted_words(name: str, name_pinyin: str | None) -> list[str] | None:
    """Transliterated names (阿依古丽·买买提): one word per dot-separated part; None otherwise."""
    if name_pinyin or not any(d in name for d in _DOTS):
        return None
    parts = [p for p in re.split(f"[{_DOTS}]", name) if p.strip()]
    words = ["".join(_ascii_syllable(x) for x in lazy_pinyin(p, style=Style.NORMAL)) for p in parts]
    if not words or any(not _SYLLABLE.match(w) for w in words):
        raise SlugError(f"无法为姓名“{name}”生成拼音网址，请在候选人文件中填写 name_pinyin")
    return words


@functools.lru_cache(maxsize=None)  # a pure function of two strings; the resident devserver asks again every build
def base_slug(name: str, name_pinyin: str | None = None) -> str:
    """``zhang-sanfeng``: surname, hyphen, given name (see the module docstring)."""
    words = _dotted_words(name, name_pinyin)
    if words is not None:
        return "-".join(words)
    sur, giv = name_syllables(name, name_pinyin)
    head = "".join(sur)
    tail = "".join(giv)
    return f"{head}-{tail}" if tail else head


@functools.lru_cache(maxsize=None)  # as base_slug
def search_spellings(name: str, name_pinyin: str | None = None) -> tuple[str, ...]:
    """The pinyin a reader may type for a name, for the site search, with the same
    readings as the slug (单 as a surname is shan): run together, surname and given
    name as two words, and one word per syllable.

    单立新 -> ``("shanlixin", "shan lixin", "shan li xin")``;
    欧阳修 -> ``("ouyangxiu", "ouyang xiu", "ou yang xiu")``.
    """
    words = _dotted_words(name, name_pinyin)
    if words is not None:
        return tuple(dict.fromkeys(["".join(words), " ".join(words)]))
    sur, giv = name_syllables(name, name_pinyin)
    forms: list[str] = []
    spellings = [(sur, giv)]
    ime = ([_IME_V.sub(r"\1v", x) for x in sur], [_IME_V.sub(r"\1v", x) for x in giv])
    if ime != (sur, giv):
        spellings.append(ime)  # 吕 lyu is typed lv on a pinyin keyboard
    for s_, g_ in spellings:
        forms.append("".join(s_ + g_))
        if g_:
            forms.append(f"{''.join(s_)} {''.join(g_)}")
        forms.append(" ".join(s_ + g_))
    return tuple(dict.fromkeys(forms))


def assign_slugs(people: Iterable[tuple[str, str, str | None]]) -> dict[str, str]:
    """Unique slugs for ``(id, name, name_pinyin)`` triples, in the order given.

    The first person with a slug keeps it; later homophones get ``-2``, ``-3``...
    Callers must pass a stable order (see the module docstring).
    """
    taken: set[str] = set()
    result: dict[str, str] = {}
    for pid, name, pinyin in people:
        if pid in result:
            raise SlugError(f"编号重复：{pid}")
        base = base_slug(name, pinyin)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        result[pid] = slug
    return result
