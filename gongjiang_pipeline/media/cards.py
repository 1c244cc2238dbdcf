"""Share cards: 1200x630 images for Open Graph / WeChat previews, with Chinese text.

A craftsman's card shows the portrait, the name, occupation, employer, award(s)
and edition; a list's card shows the list title, edition, head count and
publication date. Text is drawn with a CJK font (:mod:`.fonts`) and only if the
font has every character of the card: a card is never drawn with boxes instead
of characters. Cards are cached by content (text, portrait, font file, code).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from PIL import Image, ImageDraw

from . import MediaError
from .cache import CachedFile, CacheSource, CorruptEntry, MediaCache, content_key
from .fonts import Coverage, FontChoice, FontRef
from .parallel import run_all
from .portraits import KIND as PORTRAIT_KIND
from .portraits import Portrait, Rendition

VERSION = "card-2"
KIND = "cards"
SIZE = (1200, 630)
FORMAT = "png"  # flat colours and text stay crisp; the portrait is small enough
COVERAGE_FILE = "fonts/coverage.json"  # in the media cache: the font checks (fonts.Coverage)

# colours of the site (theme/static/css/site.css)
RED = (179, 38, 30)
INK = (31, 31, 31)
MUTED = (90, 90, 90)
PAPER = (250, 245, 243)
WHITE = (255, 255, 255)
GREY = (107, 107, 107)

# layout of a craftsman card: portrait box, then the text column
PORTRAIT_BOX = (60, 55, 450, 575)  # 390 x 520, 3:4
TEXT_LEFT = 500  # the text column starts here on a craftsman card
LIST_TEXT_LEFT = 90
RIGHT = 1140

# precedence of the lists for the award shown on a person's card and poster
AWARD_LABELS = (
    ("craftsmen", "北京大工匠"),
    ("nomination_award", "北京大工匠提名奖"),
    ("notice", "公示人选"),
    ("nominees", "提名人选"),
)
POPULARITY_LABEL = "最佳人气奖"


@dataclass(frozen=True)
class CardText:
    kicker: str  # site name, top left, red
    title: str  # the person's name or the list's title, large
    lines: tuple[str, ...] = ()  # under the title, first one larger
    badges: tuple[str, ...] = ()  # red pills (awards)
    footer: str = ""  # edition
    sample: bool = False  # a grey 示例 pill beside the kicker
    kind: str = "person"  # "person": portrait (or a placeholder) on the left; "list": text only

    def text(self) -> str:
        return "".join((self.kicker, self.title, *self.lines, *self.badges, self.footer, "示例" if self.sample else ""))


def awards(person) -> tuple[str, ...]:
    """The person's award labels, most significant first, e.g. ('北京大工匠', '最佳人气奖')."""
    keys = {h.list_key for h in person.honours}
    out = [label for key, label in AWARD_LABELS if key in keys][:1]
    if "popularity" in keys:
        out.append(POPULARITY_LABEL)
    return tuple(out)


def person_card(person, site_name: str) -> CardText:
    return CardText(
        kicker=site_name,
        title=person.name,
        lines=(person.occupation.name, person.employer),
        badges=awards(person),
        footer=person.edition_name,
        sample=person.sample,
    )


def list_title(title: str) -> str:
    return title if title.endswith("名单") else title + "名单"


def list_card(ev, lv, site_name: str) -> CardText:
    d = lv.publish_on
    return CardText(
        kicker=site_name,
        title=list_title(lv.title),
        lines=(ev.name, f"共 {len(lv.people)} 人 · {d.year}年{d.month}月{d.day}日公布"),
        footer="北京市总工会“北京大工匠”选树工作",
        sample=ev.sample,
        kind="list",
    )


# --------------------------------------------------------------------------
# drawing


def _fit(font_ref: FontRef, text: str, size: int, max_width: int, min_size: int):
    """The font at the largest size <= ``size`` at which ``text`` fits; text cut with … if it never does."""
    while True:
        font = font_ref.load(size)
        if font.getlength(text) <= max_width:
            return font, text
        if size <= min_size:
            break
        size = max(min_size, size - 4)
    while text and font.getlength(text + "…") > max_width:
        text = text[:-1]
    return font, text + "…"


def _pill(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font, fill, ink) -> int:
    """Draw a rounded label at (x, y); return its right edge."""
    pad_x, pad_y = round(font.size * 0.55), round(font.size * 0.28)
    width = round(font.getlength(text))
    box = (x, y, x + width + 2 * pad_x, y + font.size + 2 * pad_y)
    draw.rounded_rectangle(box, radius=round(font.size * 0.3), fill=fill)
    draw.text((x + pad_x, y + pad_y), text, font=font, fill=ink, anchor="lt")
    return box[2]


def _kicker(draw, card: CardText, fonts: FontChoice, x: int, y: int) -> None:
    font = fonts.bold.load(34)
    draw.text((x, y), card.kicker, font=font, fill=RED, anchor="lt")
    if card.sample:
        small = fonts.regular.load(22)
        _pill(draw, x + round(font.getlength(card.kicker)) + 18, y + 3, "示例", small, GREY, WHITE)


def render_card(card: CardText, fonts: FontChoice, portrait: Image.Image | None = None) -> bytes:
    """The card as PNG bytes; on a person's card, ``portrait`` (3:4, any size) or a placeholder."""
    im = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, SIZE[1] - 18, SIZE[0], SIZE[1]), fill=RED)
    if card.kind == "person":
        x0, y0, x1, y1 = PORTRAIT_BOX
        draw.rectangle((x0 - 6, y0 - 6, x1 + 6, y1 + 6), fill=WHITE)
        if portrait is not None:
            pic = portrait.convert("RGB").resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
            im.paste(pic, (x0, y0))
        else:  # no photo: the first character of the name, large, on red
            draw.rectangle((x0, y0, x1, y1), fill=RED)
            draw.text(((x0 + x1) / 2, (y0 + y1) / 2), card.title[:1], font=fonts.bold.load(220), fill=WHITE, anchor="mm")
        left, width = TEXT_LEFT, RIGHT - TEXT_LEFT
        _kicker(draw, card, fonts, left, 62)
        font, text = _fit(fonts.bold, card.title, 112, width, 40)
        draw.text((left, 132), text, font=font, fill=INK, anchor="lt")
        y = 132 + 112 + 34
        for i, line in enumerate(card.lines):
            size = 46 if i == 0 else 30
            font, text = _fit(fonts.regular, line, size, width, 20)
            draw.text((left, y), text, font=font, fill=INK if i == 0 else MUTED, anchor="lt")
            y += size + 24
        y += 12
        x = left
        for i, badge in enumerate(card.badges):
            font = fonts.bold.load(40 if i == 0 else 30)
            x = _pill(draw, x, y + (0 if i == 0 else 6), badge, font, RED if i == 0 else WHITE, WHITE if i == 0 else RED) + 16
        font, text = _fit(fonts.regular, card.footer, 30, width, 18)
        draw.text((left, 540), text, font=font, fill=MUTED, anchor="lt")
    else:
        draw.rectangle((0, 0, 28, SIZE[1]), fill=RED)
        left, width = LIST_TEXT_LEFT, RIGHT - LIST_TEXT_LEFT
        _kicker(draw, card, fonts, left, 80)
        font, text = _fit(fonts.bold, card.title, 120, width, 48)
        draw.text((left, 170), text, font=font, fill=INK, anchor="lt")
        y = 170 + 120 + 50
        for i, line in enumerate(card.lines):
            size = 48 if i == 0 else 38
            font, text = _fit(fonts.regular, line, size, width, 20)
            draw.text((left, y), text, font=font, fill=INK if i == 0 else MUTED, anchor="lt")
            y += size + 26
        font, text = _fit(fonts.regular, card.footer, 30, width, 18)
        draw.text((left, 540), text, font=font, fill=MUTED, anchor="lt")
    im.info = {}
    buf = io.BytesIO()
    im.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


# --------------------------------------------------------------------------
# the batch


@dataclass(frozen=True)
class CardRequest:
    page: str  # the adapter's name for the page, e.g. craftsman:shan-lixin
    card: CardText
    portrait: Portrait | None = None
    what: str = ""  # Chinese, for messages: 候选人 2016-048（单立新）


@dataclass(frozen=True)
class Card:
    key: str
    path: Path
    width: int
    height: int
    format: str = FORMAT


PortraitReader = Callable[[Portrait, Rendition], bytes]


def _card_portrait(portrait: Portrait) -> Rendition:
    """The rendition of a portrait drawn on a card."""
    return portrait.best("jpeg", PORTRAIT_BOX[2] - PORTRAIT_BOX[0])


@dataclass
class CardBatch:
    cards: dict[str, Card] = field(default_factory=dict)  # by page
    warnings: list[str] = field(default_factory=list)
    rendered: int = 0
    decoded: int = 0  # portraits decoded to draw cards
    workers: int = 0
    glyphs: int = 0  # characters rendered to check the font's coverage (0 when all were checked before)
    cache: MediaCache | None = None
    fonts: FontChoice | None = None
    read_portrait: PortraitReader | None = None
    sources: dict[str, tuple[CardText, Portrait | None]] = field(default_factory=dict)  # by key, to draw again

    def read(self, card: Card) -> bytes:
        """The card's PNG bytes, checked; a damaged cache entry is drawn again."""
        return self.read_file(card).data

    def source(self, card: Card) -> CacheSource:
        """The file to publish: its recorded digest, :meth:`read_file` when it must be written."""
        return CacheSource(self.cache.recorded(KIND, card.key, f"card.{FORMAT}"), lambda: self.read_file(card))

    def read_file(self, card: Card) -> CachedFile:
        """:meth:`read` as a :class:`CachedFile` (to publish by hard link)."""
        def remake() -> tuple[dict[str, bytes], dict]:
            text, portrait = self.sources[card.key]
            files, meta, decoded = _render_files(_Work(text, self.fonts, _portrait_bytes(portrait, self.read_portrait,
                                                                                           self.cache), card.key, ""))
            self.rendered += 1
            self.decoded += decoded
            return files, meta

        return self.cache.fetch_file(KIND, card.key, f"card.{FORMAT}", remake)


@dataclass(frozen=True)
class _Work:
    card: CardText
    fonts: FontChoice
    portrait: bytes | None  # the JPEG of a portrait rendition
    key: str
    cache_root: str


def _render_files(job: _Work) -> tuple[dict[str, bytes], dict, int]:
    portrait = None
    if job.portrait is not None:
        with Image.open(io.BytesIO(job.portrait)) as src:
            src.load()
            portrait = src.copy()
    data = render_card(job.card, job.fonts, portrait)
    return {f"card.{FORMAT}": data}, {"version": VERSION, "size": list(SIZE)}, 1 if portrait is not None else 0


def _work(job: _Work) -> dict:
    files, meta, decoded = _render_files(job)
    meta = MediaCache(Path(job.cache_root)).store(KIND, job.key, files, meta)
    return dict(meta, decoded=decoded)


def _portrait_bytes(portrait: Portrait | None, reader: PortraitReader | None, cache: MediaCache) -> bytes | None:
    if portrait is None:
        return None
    r = _card_portrait(portrait)
    if reader is not None:
        return reader(portrait, r)
    try:
        return cache.read(PORTRAIT_KIND, portrait.key, r.file)
    except CorruptEntry as exc:
        raise MediaError(f"{exc}；请删除媒体缓存文件夹后重新构建") from None


def card_key(card: CardText, font_digest: str, portrait: Portrait | None) -> str:
    """``font_digest``: :meth:`FontChoice.digest` (or :meth:`Coverage.choice_digest`, the same value)."""
    params = {"size": SIZE, "format": FORMAT}
    return content_key(KIND, VERSION, params, json.dumps(asdict(card), ensure_ascii=False, sort_keys=True),
                       font_digest, portrait.key if portrait else "")


def prepare_cards(requests: Iterable[CardRequest], fonts: FontChoice, cache: MediaCache,
                  workers: int | None = None, coverage: Coverage | None = None,
                  read_portrait: PortraitReader | None = None) -> CardBatch:
    """Find every card in the cache or draw it (in worker processes).

    ``coverage`` remembers the font checks (default: ``fonts/coverage.json`` in the
    cache); ``read_portrait`` gives a portrait rendition's bytes, checked (default:
    read from the cache, a damaged file is an error).
    """
    if coverage is None:
        coverage = Coverage(cache.root / COVERAGE_FILE)
    glyphs = coverage.glyphs
    batch = CardBatch(cache=cache, fonts=fonts, read_portrait=read_portrait)
    font_digest = coverage.choice_digest(fonts)
    todo: dict[str, tuple[CardRequest, list[str]]] = {}
    for req in requests:
        text = req.card.text()
        lacking = coverage.missing(fonts.regular, text, 40) or coverage.missing(fonts.bold, text, 40)
        if lacking:
            batch.warnings.append(
                f"{req.what}：字体缺少“{''.join(lacking)}”的字形，未生成分享图片"
                + ("，改用照片" if req.portrait else "")
            )
            continue
        key = card_key(req.card, font_digest, req.portrait)
        batch.sources.setdefault(key, (req.card, req.portrait))
        if cache.lookup(KIND, key) is not None:
            batch.cards[req.page] = Card(key, cache.entry(KIND, key) / f"card.{FORMAT}", *SIZE)
            continue
        todo.setdefault(key, (req, []))[1].append(req.page)
    keys = list(todo)
    jobs = [_Work(todo[k][0].card, fonts, _portrait_bytes(todo[k][0].portrait, read_portrait, cache), k, str(cache.root))
            for k in keys]
    results, batch.workers = run_all(_work, jobs, workers)
    for key, res in zip(keys, results):
        if isinstance(res, BaseException):
            raise MediaError(f"分享图片生成失败（{todo[key][1][0]}）：{type(res).__name__}: {res}") from res
        batch.rendered += 1
        batch.decoded += res.pop("decoded", 0)
        cache.note(KIND, key, res)
        for page in todo[key][1]:
            batch.cards[page] = Card(key, cache.entry(KIND, key) / f"card.{FORMAT}", *SIZE)
    batch.glyphs = coverage.glyphs - glyphs
    cache.save()
    coverage.save()
    return batch
