"""The plugin's signal handlers and its Generator (modelled on TemplatePagesGenerator)."""

from __future__ import annotations

import dataclasses
import hashlib
import datetime as dt
import importlib
import logging
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from jinja2 import FileSystemBytecodeCache, TemplateNotFound
from pelican.generators import Generator

from gongjiang_pipeline import csp, depgraph, images, lectures, mentorship, opendata, search, searchbundles, svgcharts
from gongjiang_pipeline import studios as studiolib
from gongjiang_pipeline.badges import verifications
from gongjiang_pipeline.buildcache import bytes_digest, code_version
from gongjiang_pipeline.errors import GongjiangError
from gongjiang_pipeline.media.cache import CacheSource, place
from gongjiang_pipeline.outcome import LIST_TITLES
from gongjiang_pipeline.resident import SETTING as RESIDENT_SETTING
from gongjiang_pipeline.sitemodel import SiteDataError, SiteModel, build_model
from gongjiang_pipeline.timings import phase

from . import i18n, media
from . import news as news_pages
from .writer import CachingWriter

logger = logging.getLogger(__name__)

MODEL_KEY = "GONGJIANG_MODEL"
SEARCH_EDITIONS_KEY = "GONGJIANG_SEARCH_EDITIONS"  # output path -> edition id (searchbundles.py)
MENTORSHIP_KEY = "GONGJIANG_MENTORSHIP"
LECTURES_KEY = "GONGJIANG_LECTURES"
STUDIOS_KEY = "GONGJIANG_STUDIOS"
VERIFY_KEY = "GONGJIANG_VERIFY"  # candidate id -> badges.Verification
TOPIC_RECORDS_KEY = "GONGJIANG_TOPIC_RECORDS"  # the topic records (data/topics), resolved by news_pages

# Output locations, in Pelican's naming style. Override any of them in pelican.conf.py.
DEFAULTS: dict[str, Any] = {
    "GONGJIANG_AS_OF": None,  # ISO date; None: today
    "GONGJIANG_VERIFY_DEPS": False,  # render kept pages anyway and compare (writer.py, docs/site.md)
    "GONGJIANG_PROJECT_ROOT": None,  # None: the folder holding the content folder
    "GONGJIANG_ENGINE": "gongjiang_pipeline.engine:run",  # EditionData -> EditionResult
    # parsed data files; None: <project root>/cache/records, or <GONGJIANG_MEDIA_CACHE>/records when
    # that is set (a build told to keep its caches elsewhere writes nothing under the project)
    "GONGJIANG_RECORD_CACHE": None,
    "GONGJIANG_CANONICAL_BASE": "",  # e.g. https://gongjiang.example.org (canonical, OG, sitemap, feed)
    "GONGJIANG_SITE_NAME": "北京大工匠",
    "GONGJIANG_SITE_NAME_EN": "Beijing Great Craftsmen",  # the English pages (issue 18)
    "GONGJIANG_INDEX_SAVE_AS": "index.html",
    "GONGJIANG_EDITION_URL": "editions/{edition}/",
    "GONGJIANG_EDITION_SAVE_AS": "editions/{edition}/index.html",
    "GONGJIANG_LIST_URL": "editions/{edition}/{list}/",
    "GONGJIANG_LIST_SAVE_AS": "editions/{edition}/{list}/index.html",
    "GONGJIANG_CRAFTSMEN_URL": "craftsmen/",
    "GONGJIANG_CRAFTSMEN_SAVE_AS": "craftsmen/index.html",
    "GONGJIANG_CRAFTSMAN_URL": "craftsmen/{slug}/",
    "GONGJIANG_CRAFTSMAN_SAVE_AS": "craftsmen/{slug}/index.html",
    "GONGJIANG_GROUPS_URL": "{kind}s/",
    "GONGJIANG_GROUPS_SAVE_AS": "{kind}s/index.html",
    "GONGJIANG_GROUP_URL": "{kind}s/{id}/",
    "GONGJIANG_GROUP_SAVE_AS": "{kind}s/{id}/index.html",
    "GONGJIANG_STATS_URL": "statistics/",
    "GONGJIANG_STATS_SAVE_AS": "statistics/index.html",
    "GONGJIANG_STORIES_URL": "stories/",
    "GONGJIANG_STORIES_SAVE_AS": "stories/index.html",
    "GONGJIANG_FEED_URL": "feeds/stories.atom.xml",
    "GONGJIANG_FEED_SAVE_AS": "feeds/stories.atom.xml",
    "GONGJIANG_OPENDATA_URL": "opendata/",
    "GONGJIANG_OPENDATA_SAVE_AS": "opendata/index.html",
    "GONGJIANG_OPENDATA_INDEX_SAVE_AS": "opendata/index.json",
    "GONGJIANG_OPENDATA_FILE_URL": "opendata/{edition}/{list}.{ext}",
    "GONGJIANG_OPENDATA_FILE_SAVE_AS": "opendata/{edition}/{list}.{ext}",
    "GONGJIANG_ERRATA_URL": "errata/",
    "GONGJIANG_ERRATA_SAVE_AS": "errata/index.html",
    "GONGJIANG_SEARCH_URL": "search/",
    "GONGJIANG_SEARCH_SAVE_AS": "search/index.html",
    # 大工匠带徒 (issue 15): all lineages, one lineage page per public master
    "GONGJIANG_LINEAGES_URL": "mentorship/",
    "GONGJIANG_LINEAGES_SAVE_AS": "mentorship/index.html",
    "GONGJIANG_LINEAGE_URL": "mentorship/{slug}/",
    "GONGJIANG_LINEAGE_SAVE_AS": "mentorship/{slug}/index.html",
    # 北京大工匠讲堂 (issue 15): upcoming and past lists, one page per lecture, iCalendar feeds
    "GONGJIANG_LECTURES_URL": "lectures/",
    "GONGJIANG_LECTURES_SAVE_AS": "lectures/index.html",
    "GONGJIANG_LECTURES_PAST_URL": "lectures/past/",
    "GONGJIANG_LECTURES_PAST_SAVE_AS": "lectures/past/index.html",
    "GONGJIANG_LECTURE_URL": "lectures/{id}/",
    "GONGJIANG_LECTURE_SAVE_AS": "lectures/{id}/index.html",
    "GONGJIANG_LECTURES_ICS_URL": "lectures/lectures.ics",
    "GONGJIANG_LECTURES_ICS_SAVE_AS": "lectures/lectures.ics",
    "GONGJIANG_CRAFTSMAN_ICS_URL": "craftsmen/{slug}/lectures.ics",
    "GONGJIANG_CRAFTSMAN_ICS_SAVE_AS": "craftsmen/{slug}/lectures.ics",
    # 创新工作室 (issue 15): the directory, its filter pages, one page per studio and its photo
    "GONGJIANG_STUDIOS_URL": "studios/",
    "GONGJIANG_STUDIOS_SAVE_AS": "studios/index.html",
    "GONGJIANG_STUDIOS_FILTER_URL": "studios/{kind}/{id}/",
    "GONGJIANG_STUDIOS_FILTER_SAVE_AS": "studios/{kind}/{id}/index.html",
    "GONGJIANG_STUDIO_URL": "studios/{id}/",
    "GONGJIANG_STUDIO_SAVE_AS": "studios/{id}/index.html",
    "GONGJIANG_STUDIO_PHOTO_URL": "studios/{id}/photo{ext}",
    "GONGJIANG_STUDIO_PHOTO_SAVE_AS": "studios/{id}/photo{ext}",
    "GONGJIANG_SITEMAP_SAVE_AS": "sitemap.xml",
    "GONGJIANG_404_SAVE_AS": "404.html",
    # Content-Security-Policy: <meta> on every page, and the same policy as response
    # headers for servers that set them (gongjiang_pipeline/csp.py, docs/site.md)
    "GONGJIANG_CSP": csp.DEFAULT_POLICY,
    "GONGJIANG_HEADERS_SAVE_AS": "_headers",
    "GONGJIANG_NGINX_CSP_SAVE_AS": "nginx-csp.conf",
    **news_pages.DEFAULTS,  # news (content/news/) and 专题 (data/topics/), issue 15.4
    **media.MEDIA_DEFAULTS,  # portraits, share cards, QR codes, posters
}

GROUP_KINDS = {"occupation": "工种", "district": "区", "sector": "行业领域"}


class SiteBuildError(GongjiangError):
    """The site cannot be built as configured."""


def setting(settings: dict, name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


# --------------------------------------------------------------------------
# signal handlers


def _engine(settings: dict) -> Callable:
    spec = setting(settings, "GONGJIANG_ENGINE")
    if callable(spec):
        return spec
    module, _, func = spec.partition(":")
    return getattr(importlib.import_module(module), func)


def as_of_date(settings: dict) -> dt.date:
    raw = setting(settings, "GONGJIANG_AS_OF")
    if raw is None:  # today in the site's time zone, not the machine's
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "Asia/Shanghai")).date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise SiteBuildError(f"GONGJIANG_AS_OF 应为 YYYY-MM-DD 格式的日期：{raw}") from None


def project_root(settings: dict) -> Path:
    root = setting(settings, "GONGJIANG_PROJECT_ROOT")
    return Path(root) if root else Path(settings["PATH"]).parent


def _record_cache(settings: dict) -> Path | None:
    if settings.get("GONGJIANG_RECORD_CACHE"):
        return Path(settings["GONGJIANG_RECORD_CACHE"])
    if settings.get("GONGJIANG_MEDIA_CACHE"):
        return Path(settings["GONGJIANG_MEDIA_CACHE"]) / "records"
    return None


def load_site_model(pelican) -> None:
    """``initialized``: load the data, run the engine, build the site model."""
    from gongjiang_pipeline.engine import run as engine_run
    from gongjiang_pipeline.loading import load_project

    settings = pelican.settings
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)
    depgraph.forget_objects()  # the settings of earlier builds in this process
    try:
        csp.check_policy(settings["GONGJIANG_CSP"])
    except csp.PolicyError as exc:
        raise SiteBuildError(str(exc)) from None
    root = project_root(settings)
    # a resident build process (make devserver) keeps the records, the engine's results
    # and the site model in memory between builds (gongjiang_pipeline/resident.py)
    resident = settings.get(RESIDENT_SETTING)
    with phase("load"):
        if resident is None:
            project = load_project(root, cache_dir=_record_cache(settings))  # raises DataError listing every problem
        else:
            resident.start()
            project = resident.load(root, _record_cache(settings), lambda **kw: load_project(root, **kw))
    run = _engine(settings)
    with phase("engine"):
        # the loader's checks already ran the default engine on some editions: the same results
        reuse = project.results if run is engine_run else {}
        once = run if resident is None else (lambda ed: resident.result(run, ed))
        results = {eid: reuse[eid] if eid in reuse else once(ed) for eid, ed in project.editions.items()}
    with phase("model"):
        if resident is None:
            settings[MODEL_KEY] = build_model(project, results, as_of_date(settings))
        else:
            settings[MODEL_KEY] = resident.model(build_model, project, results, as_of_date(settings))
    settings[VERIFY_KEY] = verifications(project, settings[MODEL_KEY])  # 核验; its badges are media
    # photos (every problem fails the build here, before anything is written), share cards
    with phase("media"):
        settings[media.MEDIA_KEY] = media.prepare_media(settings, project, settings[MODEL_KEY], root)
    settings[media.STATS_KEY] = settings[media.MEDIA_KEY].stats
    # lineages of public masters, from the records begun by the build date (gongjiang_pipeline/mentorship.py)
    model = settings[MODEL_KEY]
    settings[MENTORSHIP_KEY] = (
        mentorship.lineages(project.mentorships, model.as_of, model.person),
        mentorship.masters_of(project.mentorships, model.as_of, model.person),
    )
    # lectures announced by the build date whose speaker is public (gongjiang_pipeline/lectures.py)
    settings[LECTURES_KEY] = lectures.public_lectures(project.lectures, model.as_of, model.person)
    # studios founded by the build date with a craftsman public as 北京大工匠 or 提名奖 (gongjiang_pipeline/studios.py)
    districts = studiolib.district_names(ed.edition for ed in project.editions.values())
    settings[STUDIOS_KEY] = studiolib.public_studios(project.studios, model.as_of, model.person, districts)
    settings[TOPIC_RECORDS_KEY] = project.topics  # resolved once the articles are read (news_pages.resolve_topics)
    settings["GONGJIANG_DATA_DIR"] = str(root / "data")
    settings["GONGJIANG_ALL_IDS"] = sorted(c.id for ed in project.editions.values() for c in ed.candidates)



def model_of(settings: dict) -> SiteModel:
    model = settings.get(MODEL_KEY)
    if model is None:
        raise SiteBuildError("网站数据尚未加载（gongjiang_site 插件未初始化）")
    return model


def filter_stories(article_generator) -> None:
    """``article_generator_pretaxonomy``: publish only stories about public people."""
    model = model_of(article_generator.settings)
    as_of = model.as_of
    all_ids = set(article_generator.settings.get("GONGJIANG_ALL_IDS", ()))

    def keep(article) -> bool:
        if news_pages.is_news(article):
            return news_pages.keep(article, model, all_ids)
        cid = getattr(article, "candidate", None)
        where = article.relative_source_path
        if not cid:
            raise SiteDataError(f"{where}：故事必须用 candidate: <候选人编号> 写明讲的是谁")
        cid = str(cid).strip()
        if model.person(cid) is None:
            if cid not in all_ids:
                raise SiteDataError(f"{where}：candidate “{cid}” 不是任何届次的候选人")
            return False  # not public yet
        return article.date.date() <= as_of

    default_lang = article_generator.settings.get("DEFAULT_LANG")
    for a in article_generator.articles + article_generator.hidden_articles:
        if a.lang != default_lang:  # an English story is a translation of a Chinese one (same slug)
            raise SiteDataError(
                f"{a.relative_source_path}：没有与它 Slug 相同的中文故事；英文故事是中文故事的翻译，"
                f"须写 Slug: <中文故事的 slug>"
            )
    for attr in ("articles", "translations", "hidden_articles", "hidden_translations"):
        setattr(article_generator, attr, [a for a in getattr(article_generator, attr) if keep(a)])
    for a in article_generator.articles:  # a translation is public on its own date, about the same person
        a.translations = [t for t in a.translations if keep(t) and str(t.candidate).strip() == str(a.candidate).strip()]
    article_generator.drafts = []
    article_generator.drafts_translations = []
    # which edition each indexed page belongs to: its search bundle (searchbundles.py)
    h = Helpers(article_generator.settings)
    stories = [
        (a.save_as, model.person(str(a.candidate).strip()).edition_id)
        for attr in ("articles", "hidden_articles") for a in getattr(article_generator, attr)
        if not news_pages.is_news(a)  # news belong to no edition's bundle (they may name several)
    ]
    people = [(h.person_url(p), p.edition_id) for p in model.people]
    article_generator.settings[SEARCH_EDITIONS_KEY] = searchbundles.page_editions(people, stories)


class Helpers(news_pages.NewsHelpers, i18n.LanguageMixin):
    """Exposed to every template as ``gj``: URLs and small formatting helpers (the
    language-dependent ones in i18n.LanguageMixin; English: :class:`EnglishHelpers`)."""

    def __init__(self, settings: dict):
        self.settings = settings

    @property
    def zh_model(self) -> SiteModel:
        return model_of(self.settings)

    @property
    def model(self) -> SiteModel:
        return self.zh_model

    def url(self, name: str, **kw: Any) -> str:
        """Root-relative URL of one of our pages, e.g. ``gj.url('CRAFTSMAN', slug=...)``."""
        return "/" + setting(self.settings, f"GONGJIANG_{name}_URL").format(**kw)

    def absolute(self, url: str) -> str:
        base = setting(self.settings, "GONGJIANG_CANONICAL_BASE").rstrip("/")
        return base + (url if url.startswith("/") else "/" + url)

    @property
    def csp(self) -> str:
        """The Content-Security-Policy of ``<meta http-equiv>`` (no header-only directives)."""
        return csp.meta_policy(setting(self.settings, "GONGJIANG_CSP"))

    @staticmethod
    def sample_only(items) -> bool:
        """Whether ``items`` (people, editions) are all sample data, and there is at least
        one: such a page carries ``noindex`` and stays out of the sitemap."""
        items = list(items)
        return bool(items) and all(i.sample for i in items)

    def story_person(self, article):
        """The public person a story is about."""
        return self.model.person(str(article.candidate).strip())

    @depgraph.pure(state=lambda self: setting(self.settings, "GONGJIANG_CRAFTSMAN_URL"))
    def person_url(self, person) -> str:
        return self.url("CRAFTSMAN", slug=person.slug)

    def list_url(self, lv) -> str:
        return self.url("LIST", edition=lv.edition_id, list=lv.key)

    @property
    def media(self) -> media.MediaHelpers:
        """Portraits, Open Graph images, QR codes, posters (plugins/gongjiang_site/media.py)."""
        return media.MediaHelpers(self)

    def group_url(self, kind: str, gid: str) -> str:
        return self.url("GROUP", kind=kind, id=gid)

    def person(self, cid: str):
        return self.model.person(cid)

    search_entry = staticmethod(search.search_entry)  # English: search.search_entry_en

    def search(self, person) -> search.SearchEntry:
        """What the search index gets for a person (templates/macros.html: search_data)."""
        (ev,) = [ev for ev in self.model.editions if ev.id == person.edition_id]
        return self.search_entry(person, ev)

    @staticmethod
    def date(d: dt.date | dt.datetime) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    @staticmethod
    def span(a: dt.date, b: dt.date) -> str:
        return Helpers.date(a) if a == b else f"{Helpers.date(a)}至{Helpers.date(b)}"

    # ---- 大工匠带徒

    @property
    def lineages(self) -> dict:
        return self.settings.get(MENTORSHIP_KEY, ({}, {}))[0]

    def lineage_of(self, person):
        return self.lineages.get(person.id)

    def master_of(self, person):
        """The public master of a public person who was an apprentice (师承), or None."""
        return self.settings.get(MENTORSHIP_KEY, ({}, {}))[1].get(person.id)

    def lineage_url(self, person) -> str:
        return self.url("LINEAGE", slug=person.slug)

    @staticmethod
    def lineage_people(lin) -> list:
        """The public people a lineage page shows (its sample status): the master, their own
        master and every apprentice who is a person of the site."""
        extra = [lin.master_of_master] if lin.master_of_master is not None else []
        return [lin.master, *extra, *(a.person for _, a in lin.walk() if a.person is not None)]

    @staticmethod
    def lecture_sample(v) -> bool:
        """A lecture is sample data when its speaker is (a guest lecture has no edition: not sample)."""
        return v.speaker is not None and v.speaker.sample

    def training_stats(self) -> tuple:
        return mentorship.training_stats(self.model.editions, self.lineages)
    # ---- 北京大工匠讲堂

    @property
    def lectures(self) -> tuple:
        return self.settings.get(LECTURES_KEY, ())

    def upcoming_lectures(self) -> list:
        as_of = self.model.as_of
        return [v for v in self.lectures if not v.is_past(as_of)]

    def past_lectures(self) -> list:
        as_of = self.model.as_of
        return [v for v in reversed(self.lectures) if v.is_past(as_of)]

    def lectures_of(self, person) -> list:
        return [v for v in self.lectures if v.speaker is not None and v.speaker.id == person.id]

    def lecture_url(self, v) -> str:
        return self.url("LECTURE", id=v.id)

    @staticmethod
    def time(t: dt.datetime) -> str:
        return f"{Helpers.date(t)} {t:%H:%M}"

    # ---- 创新工作室

    @property
    def studios(self) -> tuple:
        return self.settings.get(STUDIOS_KEY, ())

    def studio_facets(self) -> dict:
        return studiolib.facets(self.studios)

    def studios_of(self, person) -> list:
        return studiolib.studios_of(self.studios, person.id)

    def studio_url(self, v) -> str:
        return self.url("STUDIO", id=v.id)

    def studio_filter_url(self, kind: str, fid: str) -> str:
        return self.url("STUDIOS_FILTER", kind=kind, id=fid)

    def studio_photo_url(self, v) -> str | None:
        if v.studio.photo is None:
            return None
        return self.url("STUDIO_PHOTO", id=v.id, ext=Path(v.studio.photo).suffix.lower())

    studio_facet_titles = studiolib.FACETS
    group_kinds = GROUP_KINDS
    list_titles = LIST_TITLES


class EnglishHelpers(i18n.EnglishMixin, Helpers):
    """``gj`` of the English pages: English names, dates and URLs; the site model with
    the editions that are in English (gongjiang_pipeline/english.py)."""

    @cached_property
    def model(self) -> SiteModel:
        return dataclasses.replace(self.zh_model, editions=self.english_editions)

    search_entry = staticmethod(search.search_entry_en)

    def edition_events(self, ev) -> list:
        """None: the news articles are in Chinese only (the navigation links to them)."""
        return []


def jinja_options_key(jinja_options: Any) -> str:
    """A digest of the ``JINJA_ENVIRONMENT`` options (what compiled templates were made with)."""
    options = repr(sorted((str(k), repr(v)) for k, v in (jinja_options or {}).items()))
    return hashlib.blake2b(options.encode(), digest_size=16).hexdigest()


def _template_cache(page_cache: Path, jinja_options: Any = None) -> FileSystemBytecodeCache:
    """Jinja's compiled templates under ``<page cache>/templates``, for this version of our
    code and these Jinja options (``JINJA_ENVIRONMENT``: ``trim_blocks`` or an extension
    change what a source compiles to); the folder is emptied when other ones wrote it."""
    from .writer import CachingWriter

    folder = page_cache / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    cache = FileSystemBytecodeCache(str(folder))
    stamp = folder / "VERSION"
    version = CachingWriter.code_version() + "\n" + jinja_options_key(jinja_options)
    try:
        same = stamp.read_text("utf-8") == version
    except OSError:
        same = False
    if not same:
        cache.clear()
        stamp.write_text(version, "utf-8")
    return cache


def add_template_helpers(generator) -> None:
    """``generator_init``: the same helpers in every generator's Jinja environment, and
    the hooks that record what each page reads (recording.py), and the i18n extension
    with null translations (the theme's msgids are the Chinese text)."""
    from . import recording

    recording.install(generator.env)
    resident = generator.settings.get(RESIDENT_SETTING)
    if resident is not None:  # compiled templates kept between builds, by their source (resident.py)
        generator.env.bytecode_cache = resident.bytecode_cache.made_with(
            jinja_options_key(generator.settings.get("JINJA_ENVIRONMENT")))
    elif generator.settings.get("GONGJIANG_PAGE_CACHE"):
        # ``make html``: compiled templates kept under cache/ for the next build (Jinja checks
        # each against the source it loads, so an edited template is compiled again; and by
        # our code's version, since the recording hooks are compiled into the templates)
        generator.env.bytecode_cache = _template_cache(Path(generator.settings["GONGJIANG_PAGE_CACHE"]),
                                                       generator.settings.get("JINJA_ENVIRONMENT"))
    depgraph.as_object(generator.settings)  # a template reading one setting depends on that one
    generator.env.globals["gj"] = Helpers(generator.settings)
    i18n.install_chinese(generator.env)


# --------------------------------------------------------------------------
# the generator


class GongjiangGenerator(Generator):
    """Writes the data-driven pages, like TemplatePagesGenerator writes TEMPLATE_PAGES."""

    def generate_context(self) -> None:
        self.model = model_of(self.settings)
        self.helpers = Helpers(self.settings)
        self.urls: list[str] = []  # every HTML page written, for the sitemap

    # ---- writing

    def _write(self, save_as: str, template: str, url: str, noindex: bool = False,
               alt: str | None = None, english: bool = False, **kw: Any) -> None:
        """One page. ``noindex``: the page shows only sample data (robots noindex, not in
        the sitemap). ``alt``: the URL of the same page in the other language (hreflang,
        language switch); ``english``: render with the English catalogue and helpers
        (i18n.py). What it depends on is recorded as it renders (writer.py, depgraph.py)."""
        if not noindex:
            self.urls.append(url)
        writer_kw = dict(kw, page_url=url, canonical=self.helpers.absolute(url), noindex=noindex)
        if alt is not None:
            writer_kw["alt_url"] = alt
        self._writer.write_file(
            save_as,
            self._en_template(template) if english else self.get_template(template),
            self.context,
            self.settings["RELATIVE_URLS"],
            override_output=True,
            url=url.lstrip("/"),
            **writer_kw,
        )

    def _write_bytes(self, save_as: str, data: bytes) -> None:
        if isinstance(self._writer, CachingWriter):
            self._writer.write_bytes(save_as, data)
        else:
            self._new_path(save_as).write_bytes(data)

    def _write_media(self, save_as: str, source: CacheSource) -> None:
        if isinstance(self._writer, CachingWriter):
            self._writer.write_cached(save_as, source)
        else:
            place(source.fetch(), self._new_path(save_as))

    def _new_path(self, save_as: str) -> Path:
        """Where a file goes with Pelican's plain writer (no caching writer): a new file only."""
        path = Path(self.output_path) / save_as
        if path.exists():
            raise SiteBuildError(f"输出文件重复：{save_as}")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _s(self, name: str, **kw: Any) -> str:
        return setting(self.settings, f"GONGJIANG_{name}").format(**kw)

    def generate_output(self, writer) -> None:
        with phase("generate"):
            self._generate_output(writer)

    def _generate_output(self, writer) -> None:
        self._writer = writer
        m, h = self.model, self.helpers
        stories = sorted((a for a in self.context.get("articles", []) if not news_pages.is_news(a)),
                         key=lambda a: (a.date, a.slug), reverse=True)
        news_pages.resolve_topics(self.settings, self.settings.get(TOPIC_RECORDS_KEY, ()), self.context, m)
        self.settings["GONGJIANG_CONTENT_COUNTS"] = {
            "stories": len(stories),
            "pages": len(self.context.get("pages", [])),
        }
        by_person: dict[str, list] = {}
        for a in stories:
            by_person.setdefault(str(a.candidate).strip(), []).append(a)

        sample_only = h.sample_only
        en = self.en_helpers = EnglishHelpers(self.settings)

        def alt(url: str, exists: bool = True) -> str | None:
            return i18n.en_url(url) if exists else None

        self._write(self._s("INDEX_SAVE_AS"), "home", "/", noindex=sample_only(m.editions), stories=stories[:5],
                    alt=i18n.en_url("/"))
        for ev in m.editions:
            in_en = ev.id in en.english_ids
            self._write(
                self._s("EDITION_SAVE_AS", edition=ev.id), "edition", h.url("EDITION", edition=ev.id),
                noindex=ev.sample, ev=ev, alt=alt(h.url("EDITION", edition=ev.id), in_en),
            )
            media.write_edition_media(self.settings, h, self._write_media, ev)
            for lv in ev.lists:
                self._write(
                    self._s("LIST_SAVE_AS", edition=ev.id, list=lv.key), "list", h.list_url(lv),
                    noindex=ev.sample, ev=ev, lv=lv, alt=alt(h.list_url(lv), in_en),
                )
                media.write_list_media(self.settings, h, self._write_media, ev, lv)
        editions = {ev.id: ev for ev in m.editions}
        for p in m.people:
            ev, about = editions[p.edition_id], by_person.get(p.id, [])
            self._write(
                self._s("CRAFTSMAN_SAVE_AS", slug=p.slug),
                "craftsman",
                h.person_url(p),
                noindex=p.sample,
                person=p,
                ev=ev,
                stories_about=about,
                alt=alt(h.person_url(p), i18n.english.person_in_english(p, en.english_ids)),
            )
            media.write_person_media(self.settings, h, self._write_media, p)
            self._poster(p, ev)
        self._write(self._s("CRAFTSMEN_SAVE_AS"), "craftsmen", h.url("CRAFTSMEN"), noindex=sample_only(m.people))
        for kind in GROUP_KINDS:
            groups = m.groups.get(kind, ())
            self._write(self._s("GROUPS_SAVE_AS", kind=kind), "groups", h.url("GROUPS", kind=kind),
                        noindex=sample_only(p for g in groups for p in g.people), kind=kind, groups=groups)
            for g in groups:
                self._write(self._s("GROUP_SAVE_AS", kind=kind, id=g.id), "group", h.group_url(kind, g.id),
                            noindex=sample_only(g.people), kind=kind, group=g)
        self._write(self._s("STATS_SAVE_AS"), "statistics", h.url("STATS"), noindex=sample_only(m.editions),
                    charts=self._charts(), alt=alt(h.url("STATS"), bool(en.english_editions)))
        self._write(self._s("LINEAGES_SAVE_AS"), "lineages", h.url("LINEAGES"),
                    noindex=sample_only(p for lin in h.lineages.values() for p in h.lineage_people(lin)))
        for lin in h.lineages.values():
            self._write(
                self._s("LINEAGE_SAVE_AS", slug=lin.master.slug), "lineage", h.lineage_url(lin.master),
                noindex=sample_only(h.lineage_people(lin)),
                lineage=lin, tree_svg=svgcharts.lineage_tree(f"tree-{lin.master.slug}", lin),
            )
        self._write(self._s("STORIES_SAVE_AS"), "stories", h.url("STORIES"),
                    noindex=sample_only(h.story_person(a) for a in stories), stories=stories)
        self._write(self._s("ERRATA_SAVE_AS"), "errata", h.url("ERRATA"),
                    noindex=sample_only(er.person for er in m.errata if er.person is not None))
        self._lectures()
        self._studios()
        news_pages.write(self, self._writer)
        self._opendata()
        self._write(self._s("OPENDATA_SAVE_AS"), "opendata", h.url("OPENDATA"), noindex=sample_only(m.editions))
        self._write(self._s("SEARCH_SAVE_AS"), "search", h.url("SEARCH"), alt=i18n.en_url(h.url("SEARCH")))
        self._english(stories)
        self._writer.write_file(
            self._s("FEED_SAVE_AS"), self.get_template("feed"), self.context, False,
            override_output=True, url="", stories=stories, feed_url=h.absolute(h.url("FEED")),
        )
        self._writer.write_file(
            self._s("404_SAVE_AS"), self.get_template("404"), self.context, False, override_output=True,
            url="", page_url="/404.html", canonical=h.absolute("/404.html"), noindex=True,
        )
        self._sitemap(stories)
        policy = setting(self.settings, "GONGJIANG_CSP")
        self._write_bytes(self._s("HEADERS_SAVE_AS"), csp.headers_file(policy).encode("utf-8"))
        self._write_bytes(self._s("NGINX_CSP_SAVE_AS"), csp.nginx_snippet(policy).encode("utf-8"))

    # ---- parts

    def _en_template(self, name: str):
        if getattr(self, "_en_env", None) is None:
            from . import recording

            self._en_env = i18n.english_environment(self.env, self.settings, self.en_helpers)
            recording.install(self._en_env)  # English pages record their reads too
        for ext in self.settings["TEMPLATE_EXTENSIONS"]:
            try:
                return self._en_env.get_template(name + ext)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(name)

    def _english(self, stories) -> None:
        """The English subsite under /en/ (issue 18): the same templates, rendered with the
        English catalogue, for the editions and people that have English text
        (gongjiang_pipeline/english.py). Everything else links to the Chinese pages."""
        h, en = self.helpers, self.en_helpers
        m = en.model  # the editions in English only
        sample_only = h.sample_only
        by_person: dict[str, list] = {}
        en_stories = [t for a in stories for t in a.translations if t.lang == "en"]
        for t in en_stories:
            by_person.setdefault(str(t.candidate).strip(), []).append(t)
        E = i18n.en_save_as
        self._write(E(self._s("INDEX_SAVE_AS")), "home", en.home, noindex=sample_only(m.editions),
                    stories=en_stories[:5], alt="/", english=True)
        editions = {ev.id: ev for ev in m.editions}
        for ev in m.editions:
            self._write(E(self._s("EDITION_SAVE_AS", edition=ev.id)), "edition", en.url("EDITION", edition=ev.id),
                        noindex=ev.sample, ev=ev, alt=h.url("EDITION", edition=ev.id), english=True)
            for lv in ev.lists:
                self._write(E(self._s("LIST_SAVE_AS", edition=ev.id, list=lv.key)), "list", en.list_url(lv),
                            noindex=ev.sample, ev=ev, lv=lv, alt=h.list_url(lv), english=True)
        for p in self.model.people:
            if not i18n.english.person_in_english(p, en.english_ids):
                continue
            ev, about = editions[p.edition_id], by_person.get(p.id, [])
            self._write(E(self._s("CRAFTSMAN_SAVE_AS", slug=p.slug)), "craftsman", en.person_url(p),
                        noindex=p.sample, person=p, ev=ev,
                        stories_about=about, alt=h.person_url(p), english=True)
        if m.editions:
            self._write(E(self._s("STATS_SAVE_AS")), "statistics", en.url("STATS"), noindex=sample_only(m.editions),
                        charts=self._charts(english=True), alt=h.url("STATS"), english=True)
        self._write(E(self._s("SEARCH_SAVE_AS")), "search", i18n.en_url(h.url("SEARCH")), alt=h.url("SEARCH"),
                    english=True)
        for t in en_stories:  # Pelican does not write translations (ARTICLE_LANG_SAVE_AS is empty)
            original = next(a for a in stories if t in a.translations)
            self._write(t.url + "index.html", "article", "/" + t.url,
                        noindex=h.story_person(t).sample, article=t, alt="/" + original.url, english=True)
        for page in self.context.get("pages", []):
            for t in page.translations:
                if t.lang == "en":
                    self._write(t.url + "index.html", "page", "/" + t.url, page=t, alt="/" + page.url, english=True)

    def _lectures(self) -> None:
        """北京大工匠讲堂: the two lists, a page per lecture, the feed of all and one per speaker."""
        h = self.helpers
        # the two lists are one series: noindex when every lecture in it is sample data
        # (a guest lecture is not; an empty series shows no data)
        series = bool(h.lectures) and all(h.lecture_sample(v) for v in h.lectures)
        self._write(self._s("LECTURES_SAVE_AS"), "lectures", h.url("LECTURES"), noindex=series, past=False)
        self._write(self._s("LECTURES_PAST_SAVE_AS"), "lectures", h.url("LECTURES_PAST"), noindex=series, past=True)
        for v in h.lectures:
            self._write(self._s("LECTURE_SAVE_AS", id=v.id), "lecture", h.lecture_url(v),
                        noindex=h.lecture_sample(v), lecture=v)
        domain = lectures.domain_of(setting(self.settings, "GONGJIANG_CANONICAL_BASE"))

        def url_of(v) -> str:
            return h.absolute(h.lecture_url(v))

        name = setting(self.settings, "GONGJIANG_SITE_NAME")
        self._write_bytes(
            self._s("LECTURES_ICS_SAVE_AS"),
            lectures.calendar(h.lectures, name=f"{name}讲堂", domain=domain, url_of=url_of),
        )
        for p in self.model.people:
            own = h.lectures_of(p)
            if own:
                self._write_bytes(
                    self._s("CRAFTSMAN_ICS_SAVE_AS", slug=p.slug),
                    lectures.calendar(own, name=f"{name}讲堂 · {p.name}", domain=domain, url_of=url_of),
                )

    def _studios(self) -> None:
        """创新工作室: the directory, one filter page per district, sector and occupation, a page per studio."""
        h = self.helpers
        all_ = h.studios
        facets = h.studio_facets()

        def noindex(views) -> bool:
            return h.sample_only(p for v in views for p in v.craftsmen)

        self._write(self._s("STUDIOS_SAVE_AS"), "studios", h.url("STUDIOS"),
                    noindex=noindex(all_), shown=all_, facets=facets, facet=None)
        for kind, values in facets.items():
            for f in values:
                self._write(self._s("STUDIOS_FILTER_SAVE_AS", kind=kind, id=f.id), "studios",
                            h.studio_filter_url(kind, f.id),
                            noindex=noindex(f.studios), shown=f.studios, facets=facets, facet=f)
        data_dir = Path(self.settings["GONGJIANG_DATA_DIR"])
        for v in all_:
            self._write(self._s("STUDIO_SAVE_AS", id=v.id), "studio", h.studio_url(v),
                        noindex=noindex([v]), studio=v)
            if v.studio.photo is not None:
                ext = Path(v.studio.photo).suffix.lower()
                src = data_dir / v.studio.photo
                save_as = self._s("STUDIO_PHOTO_SAVE_AS", id=v.id, ext=ext)
                # re-encoded from the pixels only: no EXIF, GPS, XMP or comments reach the site;
                # with the caching writer only when the photo (or the image code) changed
                if isinstance(self._writer, CachingWriter):
                    key = f"studio-photo:{code_version(Path(images.__file__).parent)}:{bytes_digest(src.read_bytes())}"
                    self._writer.write_derived(save_as, key, lambda src=src: images.without_metadata(src))
                else:
                    self._write_bytes(save_as, images.without_metadata(src))

    def _poster(self, person, ev) -> None:
        """A printable A4 poster; not in the sitemap (noindex, canonical: the person's page)."""
        url = self.helpers.url("POSTER", slug=person.slug)
        self._writer.write_file(
            self._s("POSTER_SAVE_AS", slug=person.slug), self.get_template("poster"), self.context,
            self.settings["RELATIVE_URLS"], override_output=True, url=url.lstrip("/"), person=person, ev=ev,
            page_url=url, canonical=self.helpers.absolute(self.helpers.person_url(person)), noindex=True,
        )
        media.media_of(self.settings).stats.posters += 1

    def _charts(self, english: bool = False) -> dict[str, dict[str, str]]:
        from gongjiang_pipeline.stats import as_pairs, gender_pairs

        out: dict[str, dict[str, str]] = {}
        if english:
            en = self.en_helpers
            for ev in en.model.editions:
                e = ev.edition
                names = {n.id: n.name_en or n.name for n in (*e.occupations, *e.districts, *e.sectors)}

                def pairs(counts):
                    return [(names.get(c.key, c.label), c.value) for c in counts]

                for key, st in ev.stats.items():
                    cid = f"chart-{ev.id}-{key}"
                    title = f"{en.edition_name(ev)}, {e.awards.titles_en.get(key) or LIST_TITLES[key]}"
                    kw = dict(unit="", sep="; ", colon=": ", empty="No data")
                    out[f"{ev.id}/{key}"] = {
                        "gender": svgcharts.bar_chart(cid + "-gender", f"{title}: gender",
                                                      [("Men", st.men), ("Women", st.women)], **kw),
                        "occupation": svgcharts.bar_chart(cid + "-occupation", f"{title}: occupation",
                                                          pairs(st.occupations), **kw),
                        "district": svgcharts.bar_chart(cid + "-district", f"{title}: district",
                                                        pairs(st.districts), **kw),
                        "sector": svgcharts.bar_chart(cid + "-sector", f"{title}: sector", pairs(st.sectors), **kw),
                    }
            return out
        for ev in self.model.editions:
            for key, st in ev.stats.items():
                cid = f"chart-{ev.id}-{key}"
                title = f"{ev.name} {LIST_TITLES[key]}"
                out[f"{ev.id}/{key}"] = {
                    "gender": svgcharts.bar_chart(cid + "-gender", f"{title}：性别", gender_pairs(st)),
                    "occupation": svgcharts.bar_chart(cid + "-occupation", f"{title}：工种", as_pairs(st.occupations)),
                    "district": svgcharts.bar_chart(cid + "-district", f"{title}：区", as_pairs(st.districts)),
                    "sector": svgcharts.bar_chart(cid + "-sector", f"{title}：行业领域", as_pairs(st.sectors)),
                }
        return out

    def _opendata(self) -> None:
        h = self.helpers

        def person_url(p) -> str:
            return h.absolute(h.person_url(p))

        def file_url(ev, lv, ext) -> str:
            return h.absolute(h.url("OPENDATA_FILE", edition=ev.id, list=lv.key, ext=ext))

        for ev in self.model.editions:
            for lv in ev.lists:
                self._write_bytes(
                    self._s("OPENDATA_FILE_SAVE_AS", edition=ev.id, list=lv.key, ext="json"),
                    opendata.list_json(ev, lv, person_url).encode("utf-8"),
                )
                self._write_bytes(
                    self._s("OPENDATA_FILE_SAVE_AS", edition=ev.id, list=lv.key, ext="csv"),
                    opendata.list_csv(lv, person_url).encode("utf-8"),
                )
        self._write_bytes(
            self._s("OPENDATA_INDEX_SAVE_AS"), opendata.catalogue(self.model, file_url).encode("utf-8")
        )

    def _sitemap(self, stories) -> None:
        urls = set(self.urls)
        for a in stories:
            if not self.helpers.story_person(a).sample:  # a story about sample data is noindex
                urls.add("/" + a.url)
        for p in self.context.get("pages", []):
            urls.add("/" + p.url)
        self._writer.write_file(
            self._s("SITEMAP_SAVE_AS"), self.get_template("sitemap"), self.context, False,
            override_output=True, url="", sitemap_urls=[self.helpers.absolute(u) for u in sorted(urls)],
        )

