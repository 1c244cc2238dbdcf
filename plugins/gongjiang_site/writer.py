"""The site's writer: renders pages on every core and skips what has not changed.

Pelican hands every page to a ``Writer``; ``register()`` swaps in this one
(``get_writer``). It differs from Pelican's in three ways:

* **Page keys.** Each page gets a key: the digest of what it is made from — the
  *site key* (our code and library versions, every theme file, the settings, the
  policy pages in the footer, the URL of every story and page for intra-site
  links) plus the page's own dependencies. Our generator declares them for
  craftsman pages and posters (``deps=``: the person, their media, search entry,
  errata, stories; see ``generator.person_deps``); stories and policy pages depend
  on their source, metadata and body (plus the person a story is about). Every
  other page depends on *everything* (the whole site model, all media, all
  stories), so it can never be stale. A value that cannot be hashed by content
  makes its page uncacheable: it is always rendered.
* **Keeping.** When the previous build's manifest (``gongjiang_pipeline.buildcache``)
  says the output file was made from the same key and is untouched since, the page
  is *kept*: not rendered, not written; the output sync leaves the old file alone.
  The same holds for files written as bytes (open data), keyed by the digest of
  their bytes, and for files of the media cache (cards, QR codes, portraits),
  keyed by the SHA-256 the cache recorded for them (so a kept one is not even read).
* **Hard links.** A file of the media cache that must be written is a hard link
  to its cache file, checked first (``write_cached``; ``media.cache.place``);
  a copy where linking fails. See ``place`` for why sharing the inode is safe.
* **Parallel rendering.** Pages to render are queued and rendered at the end
  (``finalized``) by ``GONGJIANG_RENDER_WORKERS`` forked processes (None: one per
  core). Each page is rendered on its own, so the output does not depend on the
  number of workers. A worker that fails hands the page back: it is rendered
  again in the main process, so the error (and its template line) is reported as
  if there were no workers. Warnings logged in a worker are logged again in the
  main process (any warning fails the build).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import meta
from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from gongjiang_pipeline import buildcache
from gongjiang_pipeline.buildcache import Digester, Manifest, Unstable, digest
from gongjiang_pipeline.errors import GongjiangError
from gongjiang_pipeline.media.cache import CacheSource, place
from gongjiang_pipeline.media.parallel import cpu_count
from gongjiang_pipeline.timings import phase

logger = logging.getLogger("gongjiang_site")

WRITER_KEY = "GONGJIANG_WRITER"
# Views derived from the data like the site model, which the generator keeps in the
# settings (generator.load_site_model). They are not in the site key: the pages that show
# them declare them in their deps (generator.person_deps, the lecture, lineage and studio
# pages), and the key of a page that may show anything includes them. A new derived view
# must be added here, or a change to any of its records re-renders every page
# (tests/test_page_cache.py).
DERIVED_KEYS = ("GONGJIANG_VERIFY", "GONGJIANG_MENTORSHIP", "GONGJIANG_LECTURES", "GONGJIANG_STUDIOS")

# settings that are per-run bookkeeping, not inputs of any page
_VOLATILE = frozenset({
    "OUTPUT_PATH", "GONGJIANG_MODEL", "GONGJIANG_MEDIA", "GONGJIANG_MEDIA_STATS", "GONGJIANG_CONTENT_COUNTS",
    "GONGJIANG_ALL_IDS", WRITER_KEY, "GONGJIANG_PREVIOUS_OUTPUT", "GONGJIANG_RENDER_WORKERS",
    "GONGJIANG_PAGE_CACHE", "GONGJIANG_RECORD_CACHE", "GONGJIANG_MEDIA_CACHE", "GONGJIANG_MEDIA_WORKERS",
    "GONGJIANG_PAGEFIND",
    *DERIVED_KEYS,
    # the build date reaches pages only through the site model (model.as_of, the footer's
    # update date, the visible lists), which the keys of the pages that show it include:
    # a daily rebuild on a day when nothing is published re-renders nothing
    "GONGJIANG_AS_OF",
})
MIN_PARALLEL = 64  # fewer pages than this: render in this process (forking costs more)


class OutputError(GongjiangError):
    """Two pages were to be written to the same file."""


@dataclass
class _Job:
    name: str  # relative output path
    template: Any
    context: dict


# the queue a forked worker renders from (inherited, never pickled)
_JOBS: list[_Job] = []
_OUTPUT = ""


def _render_to_file(job: _Job, output_path: str) -> None:
    text = job.template.render(job.context)
    path = sanitised_join(output_path, job.name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.name, record.levelno, record.getMessage()))


def _worker(part: tuple[int, int]) -> tuple[list[int], list[tuple[str, int, str]]]:
    """Render every ``part[1]``-th queued page from ``part[0]``; returns the indexes
    that failed and the warnings logged."""
    start, step = part
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    failed = []
    try:
        for i in range(start, len(_JOBS), step):
            try:
                _render_to_file(_JOBS[i], _OUTPUT)
            except Exception:  # noqa: BLE001 - handed back to the main process, which reports it
                failed.append(i)
    finally:
        root.removeHandler(handler)
    return failed, handler.messages


def _plain(value: Any) -> Any:
    """Metadata values as content: Pelican's Category/Author/Tag objects by name."""
    if isinstance(value, (str, int, float, bool, type(None))) or hasattr(value, "isoformat"):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return (type(value).__name__, str(value))


def _theme_digest(theme: Path) -> str:
    """The theme's files other than its templates (static files, translations)."""
    return digest([
        (p.relative_to(theme).as_posix(), buildcache.bytes_digest(p.read_bytes()))
        for p in sorted(theme.rglob("*"))
        if p.is_file() and "templates" not in p.relative_to(theme).parts[:1]
    ])


def content_digest(content) -> str:
    """A story or policy page by what it is: source, body, metadata, where it goes."""
    meta = sorted((k, _plain(v)) for k, v in content.metadata.items())
    return digest(type(content).__name__, content.relative_source_path, content._content, meta,
                  content.url, content.save_as, content.status)


class CachingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.settings[WRITER_KEY] = self
        previous = self.settings.get("GONGJIANG_PREVIOUS_OUTPUT")
        self.cache_dir: Path | None = self.settings.get("GONGJIANG_PAGE_CACHE")
        self.previous = Manifest.load(self.cache_dir, Path(previous)) if previous and self.cache_dir else None
        self.keys: dict[str, str] = {}  # relative path -> key, every file through this writer
        self.kept: set[str] = set()
        self.rendered = 0
        self.uncached = 0  # pages rendered without a key (never kept; the search index is rebuilt)
        self.jobs: list[_Job] = []
        self._names: set[str] = set()
        self._site_key: str | None = None
        self._everything: str | None = None
        self._templates: dict[str, str] = {}
        self.digest = Digester()  # one per build: records shared by many pages are digested once
        self._deps: dict[int, tuple[Any, str]] = {}
        self._static: frozenset[str] | None = None
        self._folders: set[str] = set()  # made by write_bytes/write_cached

    # ---- keys

    def site_key(self, context: dict) -> str | None:
        """What every page depends on; None if a setting cannot be hashed by content
        (then nothing is cached)."""
        if self._site_key is None:
            from . import generator

            settings = self.settings
            root = generator.project_root(settings)
            try:
                values = sorted(
                    (k, v) for k, v in settings.items() if k not in _VOLATILE and not k.startswith("_")
                )
                self._site_key = self.digest(
                    buildcache.code_version(Path(buildcache.__file__).parent, Path(__file__).parent),
                    # the theme's other files (templates are keyed per page: template_digest)
                    _theme_digest(Path(settings["THEME"])),
                    values,
                    # every page's footer and menu: the policy pages (title, URL, menu entry) and the
                    # date the lists were last updated (base.html)
                    # (and their English versions: the English pages' footer and menu, issue 18)
                    [content_digest(t) for p in context.get("pages", ()) for t in (p, *p.translations)],
                    generator.model_of(settings).updated,
                    sorted((c.relative_source_path, c.url) for c in self._all_content(context)),
                    str(root),
                )
            except Unstable as exc:
                logger.info("页面缓存未启用：设置中有无法按内容比较的值（%s）", exc)
                self._site_key = ""
        return self._site_key or None

    @staticmethod
    def _all_content(context: dict):
        """Every story and page, and their translations (the English edition)."""
        for name in ("articles", "pages", "hidden_pages", "hidden_articles", "draft_pages"):
            for c in context.get(name, ()) or ():
                yield c
                yield from getattr(c, "translations", ())

    def everything(self, context: dict) -> str | None:
        """The key of a page that may show anything: the whole site model, media, stories."""
        if self._everything is None:
            from . import generator, media

            site = self.site_key(context)
            try:
                m = media.media_of(self.settings)
                self._everything = "" if site is None else self.digest(
                    site, generator.model_of(self.settings), m.portraits, m.cards,
                    [self.settings.get(k) for k in DERIVED_KEYS],
                    [content_digest(a) for a in self._all_content(context)],
                )
            except Unstable as exc:
                logger.info("页面缓存：网站数据中有无法按内容比较的值（%s），全部重新生成", exc)
                self._everything = ""
        return self._everything or None

    def page_key(self, name: str, template, context: dict, deps: Any, kwargs: dict) -> str | None:
        with phase("keys"):
            return self._page_key(name, template, context, deps, kwargs)

    def _page_key(self, name: str, template, context: dict, deps: Any, kwargs: dict) -> str | None:
        site = self.site_key(context)
        if site is None:
            return None
        if deps is None:
            if "article" in kwargs or "page" in kwargs:
                deps = self._content_deps(kwargs.get("article") or kwargs.get("page"))
            else:
                deps = self.everything(context)
                if deps is None:
                    return None
        try:
            return self.digest(site, name, self.template_digest(template), self._deps_digest(deps))
        except Unstable:
            return None

    def _deps_digest(self, deps: Any) -> str:
        """A page's dependencies; the same object declared for two pages (a craftsman
        page and their poster) is digested once."""
        hit = self._deps.get(id(deps))
        if hit is None or hit[0] is not deps:
            hit = self._deps[id(deps)] = (deps, self.digest(deps))
        return hit[1]

    def template_digest(self, template) -> str:
        """The template's source and the sources of every template it extends,
        includes or imports (transitively), as the environment finds them (theme,
        overrides, Pelican's simple theme). A template named by a variable cannot be
        followed: then every template the environment can list counts."""
        cached = self._templates.get(template.name)
        if cached is None:
            env = template.environment
            seen: dict[str, str] = {}
            todo = [template.name]
            dynamic = False
            while todo:
                name = todo.pop()
                if name in seen:
                    continue
                source, filename, _ = env.loader.get_source(env, name)
                seen[name] = f"{filename}\0{source}"
                for ref in meta.find_referenced_templates(env.parse(source)):
                    if ref is None:
                        dynamic = True
                    else:
                        todo.append(ref)
            if dynamic:
                for name in env.list_templates():
                    if name not in seen:
                        seen[name] = env.loader.get_source(env, name)[0]
            cached = self._templates[template.name] = self.digest(sorted(seen.items()))
        return cached

    def _content_deps(self, content) -> Any:
        from . import generator, media

        who = None
        cid = getattr(content, "candidate", None)
        model = generator.model_of(self.settings)
        if cid:
            who = model.person(str(cid).strip())
        m = media.media_of(self.settings)
        person = None if who is None else (who, m.portraits.get(who.id), m.cards.get(f"craftsman:{who.id}"))
        if who is not None:  # an English story shows the edition's English names (search filters, links)
            e = next(ev.edition for ev in model.editions if ev.id == who.edition_id)
            person += (e.name_en, sorted(e.awards.titles_en.items()))
        # the other languages' versions: hreflang links and the language switch (issue 18)
        other = sorted((t.lang, t.url) for t in getattr(content, "translations", ()))
        return ("content", content_digest(content), person, other)

    # ---- writing

    def _claim(self, name: str) -> None:
        if name in self._names:
            raise OutputError(f"输出文件重复：{name}（两个页面或文件要写到同一个位置，请检查网址设置）")
        self._names.add(name)

    def _static_names(self) -> frozenset[str]:
        """What Pelican's static generator copies into the site after our pages and media
        (the content images published, the theme's static files). It copies into a file
        already there in place, which would write through a hard link into the media
        cache: a media file there is refused, like two pages on one file."""
        if self._static is None:
            from .authored import STATIC_KEY

            names = {os.path.normpath(save_as).replace(os.sep, "/") for _, save_as in self.settings.get(STATIC_KEY, ())}
            theme, into = Path(self.settings["THEME"]), self.settings.get("THEME_STATIC_DIR", "")
            for sub in self.settings.get("THEME_STATIC_PATHS", ()):
                src = theme / sub
                found = [src] if src.is_file() else [p for p in src.rglob("*") if p.is_file()]
                for p in found:
                    rel = p.name if p == src else p.relative_to(src).as_posix()
                    names.add(os.path.normpath(os.path.join(into, rel)).replace(os.sep, "/"))
            self._static = frozenset(names)
        return self._static

    def _keep(self, name: str, key: str | None) -> bool:
        if key is not None:
            self.keys[name] = key
            if self.previous is not None and self.previous.fresh(name, key):
                self.kept.add(name)
                return True
        return False

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, deps=None, **kwargs):
        if not name:
            return
        pageable = paginated or {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if relative_urls or (pageable and template_name in self.settings["PAGINATED_TEMPLATES"]):
            # relative URLs or pagination: Pelican's own path, rendered now and never kept
            self.uncached += 1
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        name = os.path.normpath(name).replace(os.sep, "/")
        self._claim(name)
        key = self.page_key(name, template, context, deps, kwargs)
        if self._keep(name, key):
            return
        if key is None:
            self.uncached += 1
        local = context.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        local["output_file"] = name
        local.update(kwargs)
        self.jobs.append(_Job(name, template, local))

    def write_bytes(self, name: str, data: bytes) -> None:
        """A file that is not a page (image, QR code, open data): kept if its bytes are unchanged."""
        name = os.path.normpath(name).replace(os.sep, "/")
        self._claim(name)
        if self._keep(name, "bytes:" + buildcache.bytes_digest(data)):
            return
        path = self._path(name)
        with open(path, "wb") as f:
            f.write(data)

    def write_cached(self, name: str, source: CacheSource) -> None:
        """A file of the media cache (card, QR code, portrait): kept if the previous
        build published the same bytes (by the SHA-256 the cache recorded: nothing is
        read), else read and checked, and published as a hard link to the cache file
        (a copy where linking fails: the site is the same either way)."""
        name = os.path.normpath(name).replace(os.sep, "/")
        if name in self._static_names():
            raise OutputError(f"输出文件重复：{name}（图片或二维码与静态文件的位置相同，请检查网址设置）")
        self._claim(name)
        if source.recorded is not None and self._keep(name, "bytes:" + source.recorded):
            return
        found = source.fetch()  # checked against the recorded SHA-256; a damaged entry is made again
        if found.sha256 != source.recorded and self._keep(name, "bytes:" + found.sha256):
            return
        place(found, self._path(name))

    def _path(self, name: str) -> str:
        """Where a file goes, its folder made (once: a craftsman's folder holds several)."""
        path = sanitised_join(self.output_path, name)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return path

    def derived(self, name: str, key: str) -> bool:
        """For a file made from something else (``key``: a digest of what it is made
        from): True if the previous build's copy is unchanged and kept, False if the
        caller must produce it."""
        name = os.path.normpath(name).replace(os.sep, "/")
        return self._keep(name, key)

    def flush(self) -> None:
        """Render every queued page (on all cores when there are many)."""
        jobs, self.jobs = self.jobs, []
        if jobs:
            with phase("render"):
                self._render(jobs)

    def _render(self, jobs: list) -> None:
        global _JOBS, _OUTPUT
        workers = self.settings.get("GONGJIANG_RENDER_WORKERS") or cpu_count()
        workers = max(1, min(int(workers), len(jobs) // (MIN_PARALLEL // 2) or 1))
        failed: list[int] = []
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            _JOBS, _OUTPUT = jobs, self.output_path
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    for bad, messages in pool.map(_worker, [(i, workers) for i in range(workers)]):
                        failed.extend(bad)
                        for lname, level, text in messages:
                            logging.getLogger(lname).log(level, "%s", text)
            finally:
                _JOBS, _OUTPUT = [], ""
            for i in sorted(failed):  # again here: raises the same error, with its template line
                _render_to_file(jobs[i], self.output_path)
            for job in jobs:
                self._written(job)
        else:
            for job in jobs:
                _render_to_file(job, self.output_path)
                self._written(job)
        self.rendered += len(jobs)

    def _written(self, job: _Job) -> None:
        # as Pelican's writer does, for plugins that follow what is written
        signals.content_written.send(sanitised_join(self.output_path, job.name), context=job.context)


def flush_writer(pelican) -> None:
    """``finalized``: render the queued pages before the build reports success."""
    writer = pelican.settings.get(WRITER_KEY)
    if writer is not None:
        writer.flush()
