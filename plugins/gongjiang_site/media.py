"""Media of the site: the adapter between the build and ``gongjiang_pipeline.media``.

* :func:`prepare_media` (called once the site model exists, before anything is
  written): processes every candidate photo (or finds it in the cache), failing the
  build with every photo problem listed; draws the share cards of public craftsmen
  and visible lists; finds the CJK font; encodes the QR codes the pages will show.
  Everything is cached (``gongjiang_pipeline.media.cache``): a warm build decodes
  no image, renders no glyph and encodes no QR code. A missing font is not an
  error: the build goes on without cards, says so in :class:`MediaStats.warnings`
  (printed by the CLI in Chinese; Pelican warnings would fail the build) and
  craftsman pages use the portrait as their Open Graph image.
* :class:`MediaHelpers` (``gj.media`` in templates): portraits as ``<picture>``
  data, Open Graph images, QR codes, poster URLs.
* :func:`write_person_media`, :func:`write_list_media`, :func:`write_edition_media`
  (called by the generator): put the files into the site, each checked against
  the checksum recorded in the cache (a damaged cache file is made again, never
  published) and hard-linked to its cache file where the file system allows
  (``gongjiang_pipeline.media.cache.place``), else copied. A file the previous
  build published with the same recorded checksum is kept and not even read.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from gongjiang_pipeline.errors import DataError
from gongjiang_pipeline.media import badges as badgelib
from gongjiang_pipeline.media import cards as cardlib
from gongjiang_pipeline.media import qr as qrlib
from gongjiang_pipeline.media.cache import CachedFile, CacheSource, MediaCache
from gongjiang_pipeline.media.parallel import Pool
from gongjiang_pipeline.media.cards import COVERAGE_FILE, Card, CardBatch, CardRequest, prepare_cards
from gongjiang_pipeline.media.fonts import Coverage, find_cjk_font
from gongjiang_pipeline.media.portraits import (PhotoJob, Portrait, PortraitBatch, PortraitSpec, Rendition,
                                                prepare_portraits)
from gongjiang_pipeline.media.stats import MediaStats
from gongjiang_pipeline.publication import voting_open

logger = logging.getLogger("gongjiang_site")

MEDIA_KEY = "GONGJIANG_MEDIA"
STATS_KEY = "GONGJIANG_MEDIA_STATS"

MEDIA_DEFAULTS: dict[str, Any] = {
    "GONGJIANG_PORTRAIT_URL": "photos/{slug}-{width}.{ext}",
    "GONGJIANG_PORTRAIT_SAVE_AS": "photos/{slug}-{width}.{ext}",
    "GONGJIANG_PORTRAIT_WIDTHS": (240, 480, 960),
    "GONGJIANG_CRAFTSMAN_CARD_URL": "craftsmen/{slug}/share.png",
    "GONGJIANG_CRAFTSMAN_CARD_SAVE_AS": "craftsmen/{slug}/share.png",
    "GONGJIANG_LIST_CARD_URL": "editions/{edition}/{list}/share.png",
    "GONGJIANG_LIST_CARD_SAVE_AS": "editions/{edition}/{list}/share.png",
    "GONGJIANG_CRAFTSMAN_QR_URL": "craftsmen/{slug}/qr.{ext}",
    "GONGJIANG_CRAFTSMAN_QR_SAVE_AS": "craftsmen/{slug}/qr.{ext}",
    "GONGJIANG_LIST_QR_URL": "editions/{edition}/{list}/qr.{ext}",
    "GONGJIANG_LIST_QR_SAVE_AS": "editions/{edition}/{list}/qr.{ext}",
    "GONGJIANG_EDITION_QR_URL": "editions/{edition}/qr.{ext}",
    "GONGJIANG_EDITION_QR_SAVE_AS": "editions/{edition}/qr.{ext}",
    "GONGJIANG_BADGE_URL": "craftsmen/{slug}/badge-{size}.{ext}",
    "GONGJIANG_BADGE_SAVE_AS": "craftsmen/{slug}/badge-{size}.{ext}",
    "GONGJIANG_POSTER_URL": "craftsmen/{slug}/poster/",
    "GONGJIANG_POSTER_SAVE_AS": "craftsmen/{slug}/poster/index.html",
    "GONGJIANG_MEDIA_CACHE": None,  # None: <project root>/cache/media
    "GONGJIANG_MEDIA_WORKERS": None,  # None: one process per core
    "GONGJIANG_CJK_FONT": None,  # None: search the system; or "path" or ("path", face index)
}

NO_FONT_ADVICE = "请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk），或在 pelican.conf.py 中设置 GONGJIANG_CJK_FONT = (\"字体文件路径\", 序号)"


def qr_title(url: str) -> str:
    return f"二维码：{url}"


@dataclass
class MediaSet:
    portraits: dict[str, Portrait]  # by candidate id
    cards: dict[str, Card]  # by page key: craftsman:<id>, list:<edition>/<list>
    stats: MediaStats
    portrait_batch: PortraitBatch | None = None
    card_batch: CardBatch | None = None
    qr_batch: qrlib.QrBatch | None = None
    badge_batch: badgelib.BadgeBatch | None = None

    @property
    def badges(self) -> dict[str, badgelib.Badge]:
        return self.badge_batch.badges if self.badge_batch is not None else {}

    def badge_source(self, badge: badgelib.Badge, name: str) -> CacheSource:
        return self._synced(self.badge_batch.source(badge, name))

    def qr(self, url: str) -> qrlib.QrEntry:
        """The QR code of ``url`` (prepared, else from the cache, else encoded now)."""
        code = self.qr_batch.get(url, qr_title(url))
        self._sync()
        return code

    def qr_source(self, code: qrlib.QrEntry, fmt: str) -> CacheSource:
        return self._synced(self.qr_batch.source(code, fmt))

    def portrait_source(self, pt: Portrait, r: Rendition) -> CacheSource:
        return self._synced(self.portrait_batch.source(pt, r))

    def card_source(self, card: Card) -> CacheSource:
        return self._synced(self.card_batch.source(card))

    def _synced(self, source: CacheSource) -> CacheSource:
        def fetch() -> CachedFile:
            found = source.fetch()
            self._sync()
            return found

        return CacheSource(source.recorded, fetch)

    def _sync(self) -> None:
        """Work done after prepare_media (a damaged cache entry made again) counts too."""
        st = self.stats
        if self.portrait_batch is not None:
            st.photos_processed = self.portrait_batch.processed
        cards = self.card_batch
        st.cards_rendered = cards.rendered if cards else 0
        st.decoded = st.photos_processed + (cards.decoded if cards else 0)
        if self.qr_batch is not None:
            st.qr_encoded, st.qr_reused = self.qr_batch.encoded, self.qr_batch.reused
        cache = (self.portrait_batch or self.card_batch or self.qr_batch).cache
        st.repaired = sum(cache.repaired.values())


def _cache(settings: dict, root: Path) -> MediaCache:
    configured = settings.get("GONGJIANG_MEDIA_CACHE")
    return MediaCache(Path(configured) if configured else root / "cache" / "media")


def _qr_targets(settings: dict, model) -> list[str]:
    """The URLs whose QR codes the pages show (what MediaHelpers.person_qr and voting_qr encode)."""
    from .generator import Helpers  # here: generator imports this module

    mh = MediaHelpers(Helpers(settings))
    targets = [mh.person_qr_target(p) for p in model.people]
    targets += [t for t in (mh.voting_qr_target(ev) for ev in model.editions) if t is not None]
    return targets


def prepare_media(settings: dict, project, model, root: Path) -> MediaSet:
    """Process photos, draw cards, encode QR codes; raise DataError listing every photo problem."""
    started = time.perf_counter()
    stats = MediaStats()
    cache = _cache(settings, root)
    spec = PortraitSpec(widths=tuple(settings.get("GONGJIANG_PORTRAIT_WIDTHS") or PortraitSpec().widths))
    # one set of worker processes for every kind (started only if some image must be made)
    with Pool(settings.get("GONGJIANG_MEDIA_WORKERS")) as pool:
        media = _prepare(settings, project, model, root, cache, spec, pool, stats)
    stats.seconds = time.perf_counter() - started
    for w in stats.warnings:
        logger.info("警告：%s", w)  # INFO, not WARNING: any Pelican warning fails the build
    return media


def _prepare(settings: dict, project, model, root: Path, cache: MediaCache, spec: PortraitSpec, workers: Pool,
             stats: MediaStats) -> MediaSet:
    clock = time.perf_counter()

    def lap(kind: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stats.kind_seconds[kind] = stats.kind_seconds.get(kind, 0.0) + now - clock
        clock = now

    # every candidate's photo, public or not: a bad photo is found before its owner is published
    jobs = [
        PhotoJob(c.id, project.sources.get(c.id, f"data/candidates/{ed.edition.id}/{c.id}.yaml"), c.photo)
        for ed in project.editions.values()
        for c in ed.candidates
        if c.photo
    ]
    batch = prepare_portraits(root, jobs, cache, spec, workers)
    if batch.problems:
        raise DataError(batch.problems)
    stats.photos = len(jobs)
    stats.workers = batch.workers
    lap("photos")

    site_name = settings.get("GONGJIANG_SITE_NAME", "北京大工匠")
    coverage = Coverage(cache.root / COVERAGE_FILE)
    fonts, why = find_cjk_font(settings.get("GONGJIANG_CJK_FONT"), coverage)
    cb = bb = None
    if fonts is None:
        stats.warnings.append(f"{why}，未生成分享图片，工匠页面改用照片作为分享图片。{NO_FONT_ADVICE}")
    else:
        stats.font = f"{fonts.regular.path}:{fonts.regular.index}"
        requests = [
            CardRequest(f"craftsman:{p.id}", cardlib.person_card(p, site_name), batch.portraits.get(p.id),
                        f"候选人 {p.id}（{p.name}）")
            for p in model.people
        ]
        requests += [
            CardRequest(f"list:{ev.id}/{lv.key}", cardlib.list_card(ev, lv, site_name), None, f"{ev.name}{lv.title}")
            for ev in model.editions
            for lv in ev.lists
        ]
        cb = prepare_cards(requests, fonts, cache, workers, coverage, batch.read)
        stats.warnings.extend(cb.warnings)
        stats.workers = max(stats.workers, cb.workers)
        lap("cards")
        bb = prepare_badges(settings, model, fonts, cache, workers, coverage)
        stats.warnings.extend(bb.warnings)
        lap("badges")
    coverage.save()
    stats.glyphs_checked = coverage.glyphs

    qb = qrlib.prepare_qr([(url, qr_title(url)) for url in _qr_targets(settings, model)], cache, workers)
    stats.workers = max(stats.workers, qb.workers)
    lap("qr")
    media = MediaSet(batch.portraits, cb.cards if cb else {}, stats, batch, cb, qb, bb)
    media._sync()
    stats.pools = workers.started
    return media


def prepare_badges(settings: dict, model, fonts, cache: MediaCache, workers, coverage) -> badgelib.BadgeBatch:
    """The product badges of every honoree whose honour is valid (not revoked) as of the build."""
    from .generator import VERIFY_KEY, Helpers  # here: generator imports this module

    mh = MediaHelpers(Helpers(settings))
    verify = settings.get(VERIFY_KEY, {})
    requests = [
        (p.id, badgelib.BadgeText(v.title, p.name, v.year, v.code, mh.person_qr_target(p), p.sample),
         f"候选人 {p.id}（{p.name}）")
        for p in model.people
        if (v := verify.get(p.id)) is not None and v.valid
    ]
    return badgelib.prepare_badges(requests, fonts, cache, workers, coverage)


def media_of(settings: dict) -> MediaSet:
    return settings[MEDIA_KEY]


# --------------------------------------------------------------------------
# for templates: gj.media


@dataclass(frozen=True)
class PortraitView:
    src: str  # JPEG fallback
    width: int
    height: int
    srcset_webp: str
    srcset_jpeg: str
    largest_jpeg: str
    largest_width: int
    largest_height: int


@dataclass(frozen=True)
class OgImage:
    url: str  # absolute
    width: int
    height: int
    type: str
    alt: str
    large: bool  # a 1200x630 card (twitter:card summary_large_image)


@dataclass(frozen=True)
class BadgeFile:
    label: str  # 大 / 小
    width: int
    height: int
    svg: str  # root-relative
    png: str


@dataclass(frozen=True)
class VerifyView:
    verification: object  # gongjiang_pipeline.badges.Verification
    badges: tuple[BadgeFile, ...]  # empty when revoked, or when no font could draw them


@dataclass(frozen=True)
class QrView:
    target: str  # the absolute URL it encodes
    svg: str  # root-relative
    png: str
    size: int  # the SVG's width = height in px


class MediaHelpers:
    def __init__(self, helpers):
        self.h = helpers
        self.settings = helpers.settings

    @property
    def media(self) -> MediaSet:
        return media_of(self.settings)

    def _url(self, name: str, **kw: Any) -> str:
        return self.h.url(name, **kw)

    def portrait(self, person) -> PortraitView | None:
        pt = self.media.portraits.get(person.id)
        if pt is None:
            return None

        def url(r) -> str:
            return self._url("PORTRAIT", slug=person.slug, width=r.width, ext=r.ext)

        def srcset(fmt: str) -> str:
            return ", ".join(f"{url(r)} {r.width}w" for r in pt.of(fmt))

        default = pt.best("jpeg", 480)
        top = pt.of("jpeg")[-1]
        return PortraitView(url(default), default.width, default.height, srcset("webp"), srcset("jpeg"),
                            url(top), top.width, top.height)

    def person_image(self, person) -> OgImage | None:
        """The Open Graph image of a craftsman page: the share card, else the portrait."""
        card = self.media.cards.get(f"craftsman:{person.id}")
        if card is not None:
            url = self._url("CRAFTSMAN_CARD", slug=person.slug)
            return OgImage(self.h.absolute(url), card.width, card.height, "image/png",
                           f"{person.name}，{person.occupation.name}", True)
        pv = self.portrait(person)
        if pv is not None:
            return OgImage(self.h.absolute(pv.largest_jpeg), pv.largest_width, pv.largest_height, "image/jpeg",
                           f"{person.name}的照片", False)
        return None

    def list_image(self, ev, lv) -> OgImage | None:
        card = self.media.cards.get(f"list:{ev.id}/{lv.key}")
        if card is None:
            return None
        url = self._url("LIST_CARD", edition=ev.id, list=lv.key)
        return OgImage(self.h.absolute(url), card.width, card.height, "image/png",
                       f"{ev.name}{cardlib.list_title(lv.title)}", True)

    def person_qr_target(self, person) -> str:
        return self.h.absolute(self.h.person_url(person))

    def person_qr(self, person) -> QrView:
        target = self.person_qr_target(person)
        return QrView(target, self._url("CRAFTSMAN_QR", slug=person.slug, ext="svg"),
                      self._url("CRAFTSMAN_QR", slug=person.slug, ext="png"), self.media.qr(target).svg_size)

    def voting_qr_target(self, ev) -> str | None:
        """While the public vote runs: the URL of the nominees list (or of the edition page)."""
        if not voting_open(ev.edition, self.h.model.as_of):
            return None
        lv = ev.list("nominees")
        if lv is not None:
            return self.h.absolute(self.h.list_url(lv))
        return self.h.absolute(self._url("EDITION", edition=ev.id))

    def voting_qr(self, ev) -> QrView | None:
        """While the public vote runs: the QR code of the nominees list (or of the edition page)."""
        target = self.voting_qr_target(ev)
        if target is None:
            return None
        lv = ev.list("nominees")
        if lv is not None:
            svg, png = (self._url("LIST_QR", edition=ev.id, list=lv.key, ext=e) for e in ("svg", "png"))
        else:
            svg, png = (self._url("EDITION_QR", edition=ev.id, ext=e) for e in ("svg", "png"))
        return QrView(target, svg, png, self.media.qr(target).svg_size)

    def verify(self, person) -> VerifyView | None:
        """The 核验 section of a craftsman page: None when the person holds no named honour."""
        from .generator import VERIFY_KEY

        v = self.settings.get(VERIFY_KEY, {}).get(person.id)
        if v is None:
            return None
        files = ()
        if v.valid and person.id in self.media.badges:
            files = tuple(
                BadgeFile(label, round(badgelib.W * badgelib.SIZES[size]), round(badgelib.H * badgelib.SIZES[size]),
                          self._url("BADGE", slug=person.slug, size=size, ext="svg"),
                          self._url("BADGE", slug=person.slug, size=size, ext="png"))
                for size, label in (("large", "大"), ("small", "小"))
            )
        return VerifyView(v, files)

    def poster_url(self, person) -> str:
        return self._url("POSTER", slug=person.slug)

    @staticmethod
    def awards(person) -> tuple[str, ...]:
        return cardlib.awards(person)


# --------------------------------------------------------------------------
# writing files into the site


# writes one file of the media cache into the site (generator._write_media -> CachingWriter.write_cached)
WriteMedia = Callable[[str, CacheSource], None]


def _s(settings: dict, name: str, **kw: Any) -> str:
    return settings.get(f"GONGJIANG_{name}", MEDIA_DEFAULTS.get(f"GONGJIANG_{name}")).format(**kw)


def _write_qr(settings: dict, write: WriteMedia, code: qrlib.QrEntry, name: str, **kw: Any) -> None:
    media = media_of(settings)
    for fmt in ("svg", "png"):
        write(_s(settings, f"{name}_SAVE_AS", ext=fmt, **kw), media.qr_source(code, fmt))
    media.stats.qr_codes += 1


def write_person_media(settings: dict, helpers, write: WriteMedia, person) -> None:
    media = media_of(settings)
    pt = media.portraits.get(person.id)
    if pt is not None:
        for r in pt.renditions:
            write(_s(settings, "PORTRAIT_SAVE_AS", slug=person.slug, width=r.width, ext=r.ext), media.portrait_source(pt, r))
    card = media.cards.get(f"craftsman:{person.id}")
    if card is not None:
        write(_s(settings, "CRAFTSMAN_CARD_SAVE_AS", slug=person.slug), media.card_source(card))
        media.stats.cards += 1
    qv = MediaHelpers(helpers).person_qr(person)
    _write_qr(settings, write, media.qr(qv.target), "CRAFTSMAN_QR", slug=person.slug)
    vv = MediaHelpers(helpers).verify(person)
    if vv is not None and vv.badges:
        badge = media.badges[person.id]
        for name in badgelib.FILES:
            size, ext = name[len("badge-"):].split(".")
            write(_s(settings, "BADGE_SAVE_AS", slug=person.slug, size=size, ext=ext), media.badge_source(badge, name))


def write_list_media(settings: dict, helpers, write: WriteMedia, ev, lv) -> None:
    media = media_of(settings)
    card = media.cards.get(f"list:{ev.id}/{lv.key}")
    if card is not None:
        write(_s(settings, "LIST_CARD_SAVE_AS", edition=ev.id, list=lv.key), media.card_source(card))
        media.stats.cards += 1
    if lv.key == "nominees":
        qv = MediaHelpers(helpers).voting_qr(ev)
        if qv is not None:
            _write_qr(settings, write, media.qr(qv.target), "LIST_QR", edition=ev.id, list=lv.key)


def write_edition_media(settings: dict, helpers, write: WriteMedia, ev) -> None:
    if ev.list("nominees") is None:
        qv = MediaHelpers(helpers).voting_qr(ev)
        if qv is not None:
            _write_qr(settings, write, media_of(settings).qr(qv.target), "EDITION_QR", edition=ev.id)
