"""Romanised names for the English edition (GB/T 28039-2011).

Rules (documented in docs/data-format.md, "英文内容"):

* family name first, in capitals: 单立新 -> ``SHAN Lixin``; a compound surname is one
  word: 欧阳修 -> ``OUYANG Xiu``;
* the given name is one word with a capital first letter: ``Lixin``;
* inside a word, an apostrophe goes before a syllable starting with a, o or e
  (隔音符号, as in ``Xi'an``): 刘西安 -> ``LIU Xi'an``;
* ü is written ``yu`` after n and l, as in the slugs and on passports (吕 -> ``LYU``).

The syllables come from :func:`naming.name_syllables` (the slug's source), so the URL
and the romanised name never disagree, including the surname readings (单 shan,
曾 zeng, 解 xie, 区 ou, 仇 qiu, 查 zha, 朴 piao) and the editor's ``name_pinyin``.
A record may set ``name_en`` to override the result (:func:`check_name_en`).
"""

from __future__ import annotations

import re

from .naming import _dotted_words, name_syllables

# what name_en may contain: Latin words (letters, inner apostrophes and hyphens), one space apart
_NAME_EN = re.compile(r"[A-Za-zÀ-ɏ]+(?:['’-][A-Za-zÀ-ɏ]+)*(?: [A-Za-zÀ-ɏ]+(?:['’-][A-Za-zÀ-ɏ]+)*)*\Z")

NAME_EN_RULE = "英文姓名只能包含拉丁字母、撇号（'）、连字符（-），单词之间用一个空格分隔，例如 SHAN Lixin"


def join_syllables(syllables: list[str]) -> str:
    """One word: syllables run together, an apostrophe before a, o, e after the first."""
    out = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in "aoe":
            out += "'"
        out += s
    return out


def romanize(name: str, name_pinyin: str | None = None) -> str:
    """``SHAN Lixin`` for 单立新 (see the module docstring)."""
    words = _dotted_words(name, name_pinyin)
    if words is not None:  # 阿依古丽·买买提: each part a word, first letter capital
        return " ".join(w.capitalize() for w in words)
    sur, giv = name_syllables(name, name_pinyin)
    head = join_syllables(sur).upper()
    tail = join_syllables(giv).capitalize()
    return f"{head} {tail}" if tail else head


def english_name(name: str, name_pinyin: str | None = None, name_en: str | None = None) -> str:
    """The name shown on English pages: the record's ``name_en``, else :func:`romanize`."""
    return name_en if name_en else romanize(name, name_pinyin)


def check_name_en(value: str) -> str | None:
    """None when ``value`` is a well-formed English name; else the Chinese rule."""
    return None if _NAME_EN.match(value) else NAME_EN_RULE
