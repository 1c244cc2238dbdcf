"""Product and service badges (产品上备注工匠姓名): SVG and PNG, in two sizes.

A badge shows the title (北京大工匠 / 北京大工匠提名奖), the name, the year and the
badge code, and the QR code of the craftsman's official page, so that a customer
who scans a product lands on the page's 核验 section. Employers print the SVG
(vector; its text is real text) or use the PNG on screens and in packaging
artwork. Sizes: :data:`SIZES` (the SVG scales freely; its width/height attributes
are those of the PNG).

The QR modules are drawn as whole pixels in the PNG (module size an integer), and
as one path in the SVG, from :func:`qr.matrix` (the site's QR options). Text is
drawn with the CJK font of the share cards (:mod:`.fonts`) and only if the font
has every character: otherwise no badge, and a warning. Badges are cached
(kind ``badges``) by their text, URL, font and :data:`VERSION`, made in worker
processes like the share cards (:func:`.parallel.run_all`).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw

from . import MediaError
from . import qr as qrlib
from .cache import CachedFile, CacheSource, MediaCache, content_key
from .cards import GREY, INK, MUTED, RED, WHITE, _fit
from .fonts import Coverage, FontChoice
from .parallel import run_all

VERSION = "badge-1"
KIND = "badges"
W, H = 800, 320  # the large badge; the drawing's own coordinates
SIZES = {"large": 1.0, "small": 0.5}  # 800x320 and 400x160 px
MARGIN = 20
QR_BOX = H - 2 * MARGIN  # the QR code's square, left
TEXT_X = MARGIN + QR_BOX + 30
RIGHT = W - 28
FONT_STACK = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"


@dataclass(frozen=True)
class BadgeText:
    title: str  # 北京大工匠 / 北京大工匠提名奖
    name: str
    year: str  # 2016年度
    code: str  # BJGJ-2016-D-048
    url: str  # the official page (the QR code's target)
    sample: bool = False

    def lines(self) -> tuple[tuple[str, int, bool, tuple], ...]:
        """(text, font size, bold, colour) from the top of the text column."""
        return (
            (self.title, 44, True, RED),
            (self.name, 64, True, INK),
            (f"{self.year} · 扫码核验", 26, False, MUTED),
            (f"编号 {self.code}", 24, False, MUTED),
        )

    def text(self) -> str:
        return "".join(t for t, *_ in self.lines()) + ("示例" if self.sample else "")


TOPS = (40, 104, 196, 244)  # baseline-free top of each line (anchor "lt")


def _modules(url: str) -> tuple[tuple[tuple[bool, ...], ...], int, int, int]:
    """The matrix, the module size in px at scale 1 (an integer), and the code's top-left corner."""
    m = qrlib.matrix(url)
    px = QR_BOX // len(m)
    side = px * len(m)
    return m, px, MARGIN + (QR_BOX - side) // 2, MARGIN + (QR_BOX - side) // 2


def render_svg(b: BadgeText, scale: float) -> bytes:
    m, px, x0, y0 = _modules(b.url)
    path = "".join(f"M{x0 + c * px} {y0 + r * px}h{px}v{px}h-{px}z"
                   for r, row in enumerate(m) for c, dark in enumerate(row) if dark)
    texts = []
    for (t, size, bold, colour), top in zip(b.lines(), TOPS):
        weight = ' font-weight="bold"' if bold else ""
        texts.append(f'<text x="{TEXT_X}" y="{top + size * 0.88:.0f}" font-size="{size}"{weight} '
                     f'fill="#{colour[0]:02x}{colour[1]:02x}{colour[2]:02x}">{escape(t)}</text>')
    if b.sample:
        texts.append(f'<text x="{RIGHT}" y="{H - 26}" font-size="20" text-anchor="end" fill="#6b6b6b">示例</text>')
    title = escape(f"{b.title} {b.name}（{b.year}，编号 {b.code}）")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{round(W * scale)}" height="{round(H * scale)}" '
        f'viewBox="0 0 {W} {H}" role="img" aria-labelledby="t"><title id="t">{title}</title>'
        f'<rect x="3" y="3" width="{W - 6}" height="{H - 6}" rx="16" fill="#fff" stroke="#b3261e" stroke-width="6"/>'
        f'<path fill="#000" d="{path}"/>'
        f'<g font-family="{escape(FONT_STACK)}">{"".join(texts)}</g></svg>\n'
    )
    return svg.encode("utf-8")


def render_png(b: BadgeText, fonts: FontChoice, scale: float) -> bytes:
    size = (round(W * scale), round(H * scale))
    im = Image.new("RGB", size, WHITE)
    draw = ImageDraw.Draw(im)
    s = scale
    draw.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=round(16 * s), fill=WHITE, outline=RED,
                           width=max(2, round(6 * s)))
    m, px, _, _ = _modules(b.url)
    mpx = max(1, int(px * s))  # whole pixels per module
    side = mpx * len(m)
    qx = round(MARGIN * s) + (round(QR_BOX * s) - side) // 2
    for r, row in enumerate(m):
        for c, dark in enumerate(row):
            if dark:
                draw.rectangle((qx + c * mpx, qx + r * mpx, qx + (c + 1) * mpx - 1, qx + (r + 1) * mpx - 1), fill=(0, 0, 0))
    left, width = round(TEXT_X * s), round((RIGHT - TEXT_X) * s)
    for (t, fsize, bold, colour), top in zip(b.lines(), TOPS):
        font, text = _fit(fonts.bold if bold else fonts.regular, t, round(fsize * s), width, max(8, round(fsize * s * 0.5)))
        draw.text((left, round(top * s)), text, font=font, fill=colour, anchor="lt")
    if b.sample:
        draw.text((round(RIGHT * s), round((H - 26) * s)), "示例", font=fonts.regular.load(round(20 * s)),
                  fill=GREY, anchor="rs")
    im.info = {}
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def files_of(b: BadgeText, fonts: FontChoice) -> dict[str, bytes]:
    out = {}
    for name, scale in SIZES.items():
        out[f"badge-{name}.svg"] = render_svg(b, scale)
        out[f"badge-{name}.png"] = render_png(b, fonts, scale)
    return out


FILES = tuple(f"badge-{n}.{e}" for n in SIZES for e in ("svg", "png"))


# --------------------------------------------------------------------------
# the batch


@dataclass(frozen=True)
class Badge:
    key: str
    text: BadgeText


@dataclass
class BadgeBatch:
    badges: dict[str, Badge] = field(default_factory=dict)  # by candidate id
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0
    workers: int = 0
    cache: MediaCache | None = None
    fonts: FontChoice | None = None

    def source(self, badge: Badge, name: str) -> CacheSource:
        return CacheSource(self.cache.recorded(KIND, badge.key, name), lambda: self.read_file(badge, name))

    def read_file(self, badge: Badge, name: str) -> CachedFile:
        def remake() -> tuple[dict[str, bytes], dict]:
            self.rendered += 1
            return files_of(badge.text, self.fonts), _meta()

        return self.cache.fetch_file(KIND, badge.key, name, remake)


def _meta() -> dict:
    return {"version": VERSION, "sizes": {n: [round(W * s), round(H * s)] for n, s in SIZES.items()}}


def badge_key(b: BadgeText, font_digest: str) -> str:
    params = {"size": [W, H], "sizes": SIZES, "qr": qrlib.params()}
    return content_key(KIND, VERSION, params, json.dumps(asdict(b), ensure_ascii=False, sort_keys=True), font_digest)


@dataclass(frozen=True)
class _Work:
    text: BadgeText
    fonts: FontChoice
    key: str
    cache_root: str


def _work(job: _Work) -> dict:
    return MediaCache(Path(job.cache_root)).store(KIND, job.key, files_of(job.text, job.fonts), _meta())


def prepare_badges(requests: Iterable[tuple[str, BadgeText, str]], fonts: FontChoice, cache: MediaCache,
                   workers: int | None = None, coverage: Coverage | None = None) -> BadgeBatch:
    """``requests``: (candidate id, badge, Chinese description for messages). Cached ones are not drawn again."""
    coverage = coverage or Coverage(cache.root / "fonts/coverage.json")
    batch = BadgeBatch(cache=cache, fonts=fonts)
    digest = coverage.choice_digest(fonts)
    todo: dict[str, tuple[BadgeText, list[str], str]] = {}
    for cid, b, what in requests:
        text = b.text()
        lacking = coverage.missing(fonts.regular, text, 40) or coverage.missing(fonts.bold, text, 40)
        if lacking:
            batch.warnings.append(f"{what}：字体缺少“{''.join(lacking)}”的字形，未生成产品徽标")
            continue
        key = badge_key(b, digest)
        batch.badges[cid] = Badge(key, b)
        if cache.lookup(KIND, key) is None:
            todo.setdefault(key, (b, [], what))[1].append(cid)
    keys = list(todo)
    results, batch.workers = run_all(_work, [_Work(todo[k][0], fonts, k, str(cache.root)) for k in keys], workers)
    for key, res in zip(keys, results):
        if isinstance(res, BaseException):
            raise MediaError(f"产品徽标生成失败（{todo[key][2]}）：{type(res).__name__}: {res}") from res
        batch.rendered += 1
        cache.note(KIND, key, res)
    cache.save()
    coverage.save()
    return batch
