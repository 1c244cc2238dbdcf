"""QR codes for page URLs, as SVG (for pages and print) and PNG (to download).

Made with segno (pure Python, no dependencies), error correction level M, the
standard 4-module quiet zone, and no automatic error-level boost, so the symbol
depends only on the URL. Same URL, same bytes: neither writer adds a timestamp.

Encoding is slow in pure Python (choosing the mask, writing the PNG), so codes are
cached (:mod:`.cache`, kind ``qr``) by everything their bytes depend on: the URL,
the SVG title, the options below, segno's version and :data:`VERSION`.
:func:`prepare_qr` finds the codes of a build in the cache and encodes the others
on every core; :class:`QrBatch` reads their files, checked, for publishing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import segno

from . import MediaError
from .cache import CachedFile, CacheSource, MediaCache, content_key
from .parallel import run_all, size

VERSION = "qr-1"  # bump when the bytes made for the same URL and title change
KIND = "qr"
SVG_SCALE = 4  # px per module in the SVG's width/height attributes (it scales freely)
PNG_SCALE = 10  # px per module in the PNG
BORDER = 4
ERROR = "m"
FILES = {"svg": "qr.svg", "png": "qr.png"}


@dataclass(frozen=True)
class QrCode:
    url: str
    svg: bytes
    png: bytes
    modules: int  # symbol size including the quiet zone
    svg_size: int  # the SVG's width = height, in px
    png_size: int


def symbol(url: str) -> segno.QRCode:
    """The QR symbol of ``url``, with the options every code of the site uses."""
    return segno.make(url, error=ERROR, boost_error=False, micro=False)


def matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The dark (True) and light modules of ``url``'s symbol, quiet zone of BORDER modules included."""
    return tuple(tuple(bool(v) for v in row) for row in symbol(url).matrix_iter(scale=1, border=BORDER))


def make(url: str, title: str = "二维码") -> QrCode:
    qr = symbol(url)
    svg, png = io.BytesIO(), io.BytesIO()
    qr.save(svg, kind="svg", scale=SVG_SCALE, border=BORDER, xmldecl=False, title=title, svgclass="qr",
            lineclass=None, nl=False)
    qr.save(png, kind="png", scale=PNG_SCALE, border=BORDER)
    modules = qr.symbol_size(scale=1, border=BORDER)[0]
    return QrCode(url, svg.getvalue(), png.getvalue(), modules, modules * SVG_SCALE, modules * PNG_SCALE)


# --------------------------------------------------------------------------
# cached codes


def params() -> dict:
    return {"error": ERROR, "boost_error": False, "micro": False, "border": BORDER, "svg_scale": SVG_SCALE,
            "png_scale": PNG_SCALE, "svgclass": "qr", "segno": segno.__version__}


def qr_key(url: str, title: str) -> str:
    return content_key(KIND, VERSION, params(), url, title)


@dataclass(frozen=True)
class QrEntry:
    """A code in the cache: its sizes (for templates) and where its files are."""

    url: str
    title: str
    key: str
    modules: int
    svg_size: int
    png_size: int


def _files(url: str, title: str) -> tuple[dict[str, bytes], dict]:
    code = make(url, title)
    meta = {"version": VERSION, "modules": code.modules, "svg_size": code.svg_size, "png_size": code.png_size}
    return {FILES["svg"]: code.svg, FILES["png"]: code.png}, meta


def _entry(url: str, title: str, key: str, meta: dict) -> QrEntry:
    return QrEntry(url, title, key, meta["modules"], meta["svg_size"], meta["png_size"])


def _work(job: tuple[str, list[tuple[str, str, str]]]) -> list[dict]:
    """Worker: encode and store a chunk of codes."""
    root, chunk = job
    cache = MediaCache(Path(root))
    out = []
    for url, title, key in chunk:
        files, meta = _files(url, title)
        out.append(cache.store(KIND, key, files, meta))
    return out


@dataclass
class QrBatch:
    cache: MediaCache
    codes: dict[tuple[str, str], QrEntry] = field(default_factory=dict)  # by (url, title)
    encoded: int = 0  # codes encoded in this build (not found in the cache, or damaged there)
    reused: int = 0  # codes found in the cache
    workers: int = 0

    def get(self, url: str, title: str) -> QrEntry:
        """The code of ``url``: prepared, else from the cache, else encoded now (and cached)."""
        found = self.codes.get((url, title))
        if found is not None:
            return found
        key = qr_key(url, title)
        meta = self.cache.lookup(KIND, key)
        if meta is None:
            files, meta = _files(url, title)
            meta = self.cache.store(KIND, key, files, meta)
            self.encoded += 1
        else:
            self.reused += 1
        found = self.codes[(url, title)] = _entry(url, title, key, meta)
        return found

    def read(self, code: QrEntry, fmt: str) -> bytes:
        """The ``svg`` or ``png`` bytes, checked; a damaged cache entry is encoded again."""
        return self.read_file(code, fmt).data

    def read_file(self, code: QrEntry, fmt: str) -> CachedFile:
        """:meth:`read` as a :class:`CachedFile` (to publish by hard link)."""
        repaired = self.cache.repaired.get(KIND, 0)
        found = self.cache.fetch_file(KIND, code.key, FILES[fmt], lambda: _files(code.url, code.title))
        self.encoded += self.cache.repaired.get(KIND, 0) - repaired
        return found

    def source(self, code: QrEntry, fmt: str) -> CacheSource:
        """The file to publish: its recorded digest, :meth:`read_file` when it must be written."""
        return CacheSource(self.cache.recorded(KIND, code.key, FILES[fmt]), lambda: self.read_file(code, fmt))


def _chunks(items: list, n: int) -> list[list]:
    size = max(1, -(-len(items) // n))
    return [items[i:i + size] for i in range(0, len(items), size)]


def prepare_qr(requests: Iterable[tuple[str, str]], cache: MediaCache, workers: int | None = None) -> QrBatch:
    """Find every (url, title) code in the cache; encode the others (in worker processes)."""
    batch = QrBatch(cache)
    todo: dict[str, tuple[str, str]] = {}
    for url, title in requests:
        if (url, title) in batch.codes:
            continue
        key = qr_key(url, title)
        meta = cache.lookup(KIND, key)
        if meta is not None:
            batch.codes[(url, title)] = _entry(url, title, key, meta)
            batch.reused += 1
        else:
            todo.setdefault(key, (url, title))
    if todo:
        jobs = [(url, title, key) for key, (url, title) in todo.items()]
        n = min(len(jobs), size(workers))
        chunks = _chunks(jobs, n * 4) if n > 1 else [jobs]
        results, batch.workers = run_all(_work, [(str(cache.root), c) for c in chunks], workers)
        for chunk, res in zip(chunks, results):
            if isinstance(res, BaseException):
                raise MediaError(f"二维码生成失败（{chunk[0][0]}）：{type(res).__name__}: {res}") from res
            for (url, title, key), meta in zip(chunk, res):
                cache.note(KIND, key, meta)
                batch.codes[(url, title)] = _entry(url, title, key, meta)
                batch.encoded += 1
    cache.save()
    return batch
