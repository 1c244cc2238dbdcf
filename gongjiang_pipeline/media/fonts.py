"""Find a font that can draw Chinese, and check that it really has every glyph.

A font that lacks a character draws its ".notdef" glyph (usually an empty box,
"tofu") instead. :func:`missing` detects that by comparing each character's
rendering with the rendering of a code point no font maps; a share card is only
made when its text has no missing character.

Order of the search: the font configured in pelican.conf.py
(``GONGJIANG_CJK_FONT = path`` or ``(path, index)``), then well-known install
locations (Noto Sans CJK SC first, so that Debian machines and CI render the same
bytes), then ``fc-match``. Every candidate is checked for a few common Chinese
characters before it is accepted.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

# Noto Sans CJK collections: face 2 is Simplified Chinese (SC).
KNOWN_FONTS: tuple[tuple[str, int, str | None], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2, "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2, "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0, "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, None),
    ("/System/Library/Fonts/PingFang.ttc", 0, None),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0, None),
    ("C:/Windows/Fonts/msyh.ttc", 0, "C:/Windows/Fonts/msyhbd.ttc"),
    ("C:/Windows/Fonts/simhei.ttf", 0, None),
)

PROBE = "北京大工匠选树提名奖"  # characters every usable font must have
_UNMAPPED = "\U0010fffd"  # private use, plane 16: no font maps it, so it draws .notdef


@dataclass(frozen=True)
class FontRef:
    path: str
    index: int = 0

    def load(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self.path, self.index, size)

    def digest(self) -> str:
        return _digest(self.path, self.index)


@dataclass(frozen=True)
class FontChoice:
    regular: FontRef
    bold: FontRef  # == regular when the family has no bold face

    def digest(self) -> str:
        return hashlib.sha256((self.regular.digest() + self.bold.digest()).encode()).hexdigest()


@functools.lru_cache(maxsize=64)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no dependence on the system's fribidi/raqm, so the bytes of a
    # card depend only on Pillow (pinned) and the font file.
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=16)
def _digest(path: str, index: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    h.update(f":{index}".encode())
    return h.hexdigest()


def _mask(font: ImageFont.FreeTypeFont, ch: str) -> tuple:
    m = font.getmask(ch)
    return (m.size, bytes(m))


def missing(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    """Characters of ``text`` that ``font`` would draw as its .notdef glyph (in order, once)."""
    notdef = _mask(font, _UNMAPPED)
    out: list[str] = []
    for ch in dict.fromkeys(text):
        if ch.isspace():
            continue
        if _mask(font, ch) == notdef:
            out.append(ch)
    return out


def usable(ref: FontRef) -> bool:
    try:
        font = ref.load(32)
    except OSError:
        return False
    return not missing(font, PROBE)


def _configured(value) -> FontRef | None:
    if value is None or value == "":
        return None
    if isinstance(value, (tuple, list)):
        path, index = str(value[0]), int(value[1]) if len(value) > 1 else 0
    else:
        path, index = str(value), 0
    return FontRef(path, index)


def _fc_match() -> FontRef | None:
    exe = shutil.which("fc-match")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}\t%{index}", "sans-serif:lang=zh-cn"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = out.partition("\t")
    if not path:
        return None
    return FontRef(path, int(index) if index.strip().isdigit() else 0)


def find_cjk_font(configured=None) -> tuple[FontChoice | None, str | None]:
    """The font for share cards, or None and a Chinese sentence saying why not.

    ``configured`` is the GONGJIANG_CJK_FONT setting: a path, ``(path, index)``,
    or None to search the system.
    """
    ref = _configured(configured)
    if ref is not None:
        if not Path(ref.path).is_file():
            return None, f"GONGJIANG_CJK_FONT 指定的字体文件不存在：{ref.path}"
        if not usable(ref):
            return None, f"GONGJIANG_CJK_FONT 指定的字体（{ref.path}，第 {ref.index} 个字体）不含中文字形"
        return FontChoice(ref, ref), None
    for path, index, bold in KNOWN_FONTS:
        regular = FontRef(path, index)
        if Path(path).is_file() and usable(regular):
            bold_ref = FontRef(bold, index) if bold and Path(bold).is_file() and usable(FontRef(bold, index)) else regular
            return FontChoice(regular, bold_ref), None
    found = _fc_match()
    if found is not None and Path(found.path).is_file() and usable(found):
        return FontChoice(found, found), None
    return None, "系统中没有可用的中文字体（例如 Noto Sans CJK SC，Debian/Ubuntu 软件包 fonts-noto-cjk）"
