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

Rendering every character of every card to compare it with .notdef is slow, so
:class:`Coverage` remembers, per font face and size, which characters were found
and which were missing, in one small file of the media cache
(``fonts/coverage.json``), keyed by the font file's identity (path, face index,
size, modification time, inode) and the versions of this check, Pillow and
FreeType. A warm build renders no glyph; it also remembers the fonts' SHA-256
(used in the cards' cache keys) so that the font files are not read again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import PIL
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


COVERAGE_VERSION = "coverage-1"  # bump when missing() decides differently


class Coverage:
    """Remembers :func:`missing` per font face and size, and each font file's digest, in one JSON file.

    ``path`` None: in memory only. :attr:`glyphs` counts the characters rendered
    (checked) by this object; a warm build renders none.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self.glyphs = 0
        self._dirty = False
        self._faces: dict[str, dict[str, str]] = {}  # identity -> {"has": chars, "lacks": chars}
        self._digests: dict[str, str] = {}  # identity -> sha256
        self._sets: dict[str, tuple[set[str], set[str]]] = {}
        self._idents: dict[tuple, str] = {}
        if self.path is not None:
            try:
                doc = json.loads(self.path.read_bytes())
                if doc.get("version") == COVERAGE_VERSION:
                    self._faces = {k: v for k, v in doc.get("faces", {}).items()
                                   if isinstance(v, dict) and isinstance(v.get("has"), str) and isinstance(v.get("lacks"), str)}
                    self._digests = {k: v for k, v in doc.get("digests", {}).items() if isinstance(v, str)}
            except (OSError, ValueError, AttributeError):
                pass

    def _identity(self, ref: FontRef, *extra) -> str | None:
        """The font file's identity (stat once per object: a build does not wait for fonts to change)."""
        memo = (ref.path, ref.index, *extra)
        if memo in self._idents:
            return self._idents[memo]
        try:
            st = os.stat(ref.path)
        except OSError:
            return None
        ident = [COVERAGE_VERSION, PIL.__version__, ImageFont.core.freetype2_version,
                 os.path.abspath(ref.path), ref.index, st.st_size, st.st_mtime_ns, st.st_ino, *extra]
        found = self._idents[memo] = hashlib.sha256(json.dumps(ident).encode()).hexdigest()
        return found

    def missing(self, ref: FontRef, text: str, size: int = 40) -> list[str]:
        """Like :func:`missing` with ``ref.load(size)``, rendering only characters not checked before."""
        chars = [ch for ch in dict.fromkeys(text) if not ch.isspace()]
        ident = self._identity(ref, size)
        if ident is None:
            self.glyphs += len(chars)
            return missing(ref.load(size), text)
        sets = self._sets.get(ident)
        if sets is None:
            face = self._faces.get(ident, {"has": "", "lacks": ""})
            sets = self._sets[ident] = (set(face["has"]), set(face["lacks"]))
        has, lacks = sets
        new = [ch for ch in chars if ch not in has and ch not in lacks]
        if new:
            font = ref.load(size)
            notdef = _mask(font, _UNMAPPED)
            for ch in new:
                (lacks if _mask(font, ch) == notdef else has).add(ch)
            self.glyphs += len(new)
            self._faces[ident] = {"has": "".join(sorted(has)), "lacks": "".join(sorted(lacks))}
            self._dirty = True
        return [ch for ch in chars if ch in lacks]

    def digest(self, ref: FontRef) -> str:
        """``ref.digest()``, read from the file only when the file changed."""
        ident = self._identity(ref, "digest")
        if ident is None:
            return ref.digest()
        found = self._digests.get(ident)
        if found is None:
            found = self._digests[ident] = ref.digest()
            self._dirty = True
        return found

    def choice_digest(self, fonts: "FontChoice") -> str:
        """``fonts.digest()``, via :meth:`digest`."""
        return hashlib.sha256((self.digest(fonts.regular) + self.digest(fonts.bold)).encode()).hexdigest()

    def save(self) -> None:
        if not self._dirty or self.path is None:
            return
        from ..atomic import write_atomic

        doc = {"version": COVERAGE_VERSION, "faces": self._faces, "digests": self._digests}
        try:
            write_atomic(self.path, json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        except OSError:
            return  # the next build checks again
        self._dirty = False


def usable(ref: FontRef, coverage: Coverage | None = None) -> bool:
    try:
        if coverage is not None:
            return not coverage.missing(ref, PROBE, 32)
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


def find_cjk_font(configured=None, coverage: Coverage | None = None) -> tuple[FontChoice | None, str | None]:
    """The font for share cards, or None and a Chinese sentence saying why not.

    ``configured`` is the GONGJIANG_CJK_FONT setting: a path, ``(path, index)``,
    or None to search the system. ``coverage`` remembers the checks.
    """
    ref = _configured(configured)
    if ref is not None:
        if not Path(ref.path).is_file():
            return None, f"GONGJIANG_CJK_FONT 指定的字体文件不存在：{ref.path}"
        if not usable(ref, coverage):
            return None, f"GONGJIANG_CJK_FONT 指定的字体（{ref.path}，第 {ref.index} 个字体）不含中文字形"
        return FontChoice(ref, ref), None
    for path, index, bold in KNOWN_FONTS:
        regular = FontRef(path, index)
        if Path(path).is_file() and usable(regular, coverage):
            bold_ref = FontRef(bold, index) if bold and Path(bold).is_file() and usable(FontRef(bold, index), coverage) else regular
            return FontChoice(regular, bold_ref), None
    found = _fc_match()
    if found is not None and Path(found.path).is_file() and usable(found, coverage):
        return FontChoice(found, found), None
    return None, "系统中没有可用的中文字体（例如 Noto Sans CJK SC，Debian/Ubuntu 软件包 fonts-noto-cjk）"
