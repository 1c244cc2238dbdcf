"""The site's writer: renders pages on every core and skips what has not changed.

Pelican hands every page to a ``Writer``; ``register()`` swaps in this one
(``get_writer``). It differs from Pelican's in three ways:

* **Recorded reads.** Each page is rendered with a ``depgraph.Recorder`` active
  (``recording.py``): every context name, attribute, item, call, template and object
  printed is recorded with its digest. The reads go into the dependency graph
  (``depgraph.Graph``, saved with the manifest); the page's key is the digest of the
  *base key* (our code and library versions, the theme's files other than templates,
  the Jinja settings, the project folder) and of its reads. A page that cannot be
  recorded is always rendered.
* **Keeping.** A page is *kept* (not rendered, not written; the output sync leaves the
  old file alone) when every read the previous build recorded for it gives the same
  digest again in this build's context, and the manifest
  (``gongjiang_pipeline.buildcache``) says its file is untouched since. The same holds
  for files written as bytes (open data), keyed by the digest of their bytes, and for
  files of the media cache (cards, QR codes, portraits), keyed by the SHA-256 the cache
  recorded for them (so a kept one is not even read). In verify mode
  (``GONGJIANG_VERIFY_DEPS``) a kept page is rendered anyway and must equal its file.
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

import hashlib
import io
import logging
import multiprocessing
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from jinja2 import Undefined
from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from gongjiang_pipeline import buildcache, depgraph
from gongjiang_pipeline.buildcache import Digester, Manifest, digest
from gongjiang_pipeline.errors import GongjiangError
from gongjiang_pipeline.media.cache import CacheSource, place
from gongjiang_pipeline.media.parallel import cpu_count
from gongjiang_pipeline.timings import phase

from . import preview, recording

logger = logging.getLogger("gongjiang_site")

WRITER_KEY = "GONGJIANG_WRITER"
# settings that shape how templates are compiled and run rather than what they read
# (everything a template reads, setting or not, is recorded: depgraph.py)
_ENVIRONMENT_SETTINGS = ("JINJA_ENVIRONMENT", "JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS", "THEME",
                         "THEME_TEMPLATES_OVERRIDES", "PLUGINS", "PLUGIN_PATHS")
MIN_PARALLEL = 64  # fewer pages than this: render in this process (forking costs more)


class OutputError(GongjiangError):
    """Two pages were to be written to the same file."""


class DependencyError(GongjiangError):
    """Verify mode: a kept page differs from a new render of it (a read was not recorded)."""


@dataclass
class _Job:
    name: str  # relative output path
    template: Any
    context: dict
    # name -> digest of a template's source, shared by the pages of one build (each
    # template's file is read and digested once per build, not once per page)
    template_digest: Any = None


# the queue a forked worker renders from (inherited, never pickled)
_JOBS: list[_Job] = []
_OUTPUT = ""
_BASE_KEY: str | None = None  # the writer's base key: a worker computes the keys of its pages
_UNSET = object()  # (``own`` not computed by a worker)
# the (read, digest) pairs of the pages one render step recorded in this process, each kept
# once (depgraph.interned); emptied before and after each step, so a forked worker starts empty
_INTERNED: dict = {}


def _lookup(context: dict, globals_) -> Any:
    def lookup(name: str) -> Any:
        return context[name] if name in context else globals_[name]
    return lookup


def _render_to_file(job: _Job, output_path: str) -> tuple[list | None, Callable]:
    """Render and write one page, recording what it reads; returns the reads (None:
    the page could not be recorded) and the objects its recorded paths led to
    (``Recorder.reached``, for ``depgraph.own_checks``)."""
    env = job.template.environment
    recorder = depgraph.Recorder(job.context, env.globals, job.template_digest or recording.template_digester(env))
    recorder.template(job.template.name)
    recording.ACTIVE = recorder
    try:
        text = job.template.render(job.context)
    finally:
        recording.ACTIVE = None
    path = sanitised_join(output_path, job.name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return recorder.result(), recorder.reached


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.name, record.levelno, record.getMessage()))


def page_key(base: str, name: str, reads: list) -> str:
    """A page's key: the base key, its path and every read with its digest. The reads
    are tuples of plain values (depgraph.py): pickled, they are described exactly, much
    faster than digesting them value by value (or than their ``repr``). In ``fast`` mode
    the pickler keeps no memo, so equal reads give the same bytes however their values
    are shared (the reads of the last build, unpickled, and those of a new render)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True
    pickler.dump((base, name, reads))
    return hashlib.blake2b(buf.getbuffer(), digest_size=16).hexdigest()


def _worker(part: tuple[int, int]) -> tuple[list[int], list[tuple[str, int, str]], dict[int, tuple]]:
    """Render every ``part[1]``-th queued page from ``part[0]``; returns the indexes
    that failed, the warnings logged and, for each page, what it read and its key."""
    start, step = part
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    failed = []
    reads: dict[int, tuple] = {}
    try:
        for i in range(start, len(_JOBS), step):
            try:
                done, reached = _render_to_file(_JOBS[i], _OUTPUT)
            except Exception:  # noqa: BLE001 - handed back to the main process, which reports it
                failed.append(i)
                continue
            if done is not None:
                done = depgraph.interned(done, _INTERNED)
            # the page's key and its own-object checks too (on this core, not one by one in
            # the main process)
            if done is None or _BASE_KEY is None:
                reads[i] = (done, None, None)
            else:
                job = _JOBS[i]
                reads[i] = (done, page_key(_BASE_KEY, job.name, done),
                            depgraph.own_checks(done, _lookup(job.context, job.template.environment.globals), reached))
    finally:
        root.removeHandler(handler)
    return failed, handler.messages, reads


def _theme_digest(theme: Path) -> str:
    """The theme's files other than its templates (static files, translations)."""
    return digest([
        (p.relative_to(theme).as_posix(), buildcache.bytes_digest(p.read_bytes()))
        for p in sorted(theme.rglob("*"))
        if p.is_file() and "templates" not in p.relative_to(theme).parts[:1]
    ])


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
        self._base_key: str | None = None
        self._envs: dict[int, tuple] = {}
        self.digest = Digester()
        # the dependency graph: what each page read in the previous build (``previous``), and in this one
        # a resident build process (the devserver) hands over the graph of its last good build,
        # and the page keys computed from its reads (gongjiang_pipeline/resident.py)
        from gongjiang_pipeline.resident import SETTING as RESIDENT_SETTING

        resident = self.settings.get(RESIDENT_SETTING)
        kept_graph = (resident.graph_of(Path(previous), self.code_version())
                      if resident is not None and self.previous is not None else None)
        self.previous_graph = kept_graph or (
            depgraph.Graph.load(self.cache_dir, Path(previous), self.code_version())
            if self.previous is not None else depgraph.Graph())
        self._key_memo: dict[str, tuple] = resident.page_keys if resident is not None else {}
        # a resident build (the devserver): the pages of each story and each person, kept or
        # not, with their contexts, for the first answer to the next edit (preview.py)
        # (each with Pelican's shared context it was made from: preview.compact)
        self.owned: dict[tuple[str, str], list[tuple[_Job, dict]]] | None = {} if resident is not None else None
        self.graph = depgraph.Graph()
        self.verify = bool(self.settings.get("GONGJIANG_VERIFY_DEPS"))
        self.unrecorded: list[str] = []  # verify mode: kept pages that a new render changes
        self._static: frozenset[str] | None = None
        self._folders: set[str] = set()  # made by write_bytes/write_cached

    # ---- keys

    def base_key(self) -> str:
        """What every page depends on besides what it reads: our code and library
        versions, the theme's files other than templates (static files, translations),
        how the template environment is set up, the plugins (which may add filters and
        hook any signal) and their code, the project folder."""
        if self._base_key is None:
            from . import generator

            settings = self.settings
            root = generator.project_root(settings)
            plugin_code = [buildcache.tree_digest(root / folder, (".py",)) for folder in settings.get("PLUGIN_PATHS") or ()]
            self._base_key = self.digest(
                self.code_version(),
                _theme_digest(Path(settings["THEME"])),
                [(k, settings.get(k)) for k in _ENVIRONMENT_SETTINGS],
                plugin_code,
                str(root),
            )
        return self._base_key

    @staticmethod
    def code_version() -> str:
        return buildcache.code_version(Path(buildcache.__file__).parent, Path(__file__).parent)

    def _env(self, env) -> tuple:
        """(template digester, read index) of a template environment."""
        hit = self._envs.get(id(env))
        if hit is None or hit[0] is not env:
            digester = recording.template_digester(env)
            evaluator = depgraph.Evaluator(env.plain_getattr, env.plain_getitem, digester,
                                           absent=lambda v: isinstance(v, Undefined))
            hit = self._envs[id(env)] = (env, digester, depgraph.ReadIndex(evaluator))
        return hit[1], hit[2]

    def key_of(self, name: str, reads: list, key: str | None = None) -> str:
        """A page's key (``page_key``); ``key``: already computed from these reads with
        this base key (by the worker that rendered the page)."""
        base = self.base_key()
        self.graph.base = base
        hit = self._key_memo.get(name)
        if hit is not None and hit[0] is reads and hit[1] == base:  # the very same reads (resident)
            key = hit[2]
        else:
            if key is None:
                # a page kept with the previous build's reads, under the same base key: the key it had
                key = self.previous_graph.key(name, reads, base)
            if key is None:
                key = page_key(base, name, reads)
            self._key_memo[name] = (reads, base, key)
        self.graph.keys[name] = key
        return key

    @property
    def names(self) -> frozenset[str]:
        """Every file written through this writer (with a key or not: ``keys``)."""
        return frozenset(self._names)

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
                   override_output=False, url=None, **kwargs):
        if not name:
            return
        pageable = paginated or {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if not relative_urls and pageable and template_name in self.settings["PAGINATED_TEMPLATES"]:
            # the news lists: one page per Pelican Page, each written (and kept) like any other
            return self._write_pages(name, template, context, pageable, template_name, override_output, url, kwargs)
        if relative_urls:
            # relative URLs: Pelican's own path, rendered now and never kept
            self.uncached += 1
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        name = os.path.normpath(name).replace(os.sep, "/")
        self._claim(name)
        local = context.copy()
        local["localsiteurl"] = local.get("localsiteurl", None)
        local["output_file"] = name
        local.update(kwargs)
        job = _Job(name, template, local, self._env(template.environment)[0])
        if self.owned is not None and (who := preview.owner(kwargs)) is not None:
            self.owned.setdefault(who, []).append((job, context))
        if self.cache_dir is not None and self._kept(job):
            return
        self.jobs.append(job)

    def _kept(self, job: "_Job") -> bool:
        """Whether the page is kept: every read recorded for it by the previous build
        gives the same digest now, and its file is untouched."""
        with phase("keys"):
            reads = self.previous_graph.pages.get(job.name)
            if reads is None:
                return False
            env = job.template.environment
            _, index = self._env(env)
            lookup = _lookup(job.context, env.globals)
            # the page's own records (its person, its list), if their content is unchanged,
            # answer their reads as before: only the other reads are checked one by one
            own = self.previous_graph.own.get(job.name)
            evaluator = index.evaluator

            def resolve(path, lookup=lookup):
                return evaluator.resolve(path, lookup)

            if own is not None and depgraph.own_unchanged(own[0], lookup, resolve):
                check = own[1]
            else:
                check, own = reads, None
            if not index.unchanged(check, lookup):
                return False
            if not self._keep(job.name, self.key_of(job.name, reads)):
                return False
            self.graph.pages[job.name] = reads
            if own is None:
                own = depgraph.own_checks(reads, lookup, resolve)
            if own is not None:
                self.graph.own[job.name] = own
        if self.verify:
            self._verify(job)
        return True

    def _verify(self, job: "_Job") -> None:
        """Verify mode: a kept page is rendered all the same and must equal its file."""
        assert self.previous is not None
        text = job.template.render(job.context)
        try:
            old = (self.previous.output / job.name).read_text("utf-8")
        except OSError:
            old = None
        if old != text:
            self.unrecorded.append(job.name)

    def _recorded(self, job: "_Job", reads: list | None, key: str | None = None, own: Any = _UNSET,
                  reached: Callable | None = None) -> None:
        """After a page was rendered: its key and its reads, or nothing (rendered every time).
        ``key`` and ``own`` (``depgraph.own_checks``): computed by a worker from ``reads``;
        ``reached``: the objects of the page's recorded paths (``Recorder.reached``)."""
        if reads is None or self.cache_dir is None:
            self.uncached += 1
            return
        self.keys[job.name] = self.key_of(job.name, reads, key)
        self.graph.pages[job.name] = reads
        if own is _UNSET:
            own = depgraph.own_checks(reads, _lookup(job.context, job.template.environment.globals), reached)
        if own is not None:
            self.graph.own[job.name] = own

    def _write_pages(self, name, template, context, pageable, template_name, override_output, url, kwargs):
        """Pelican's pagination (its Paginator and the same template variables), page by page."""
        from pelican.paginator import Paginator

        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, val, self.settings, per_page) for key, val in pageable.items()}
        for number in range(next(iter(paginators.values())).num_pages):
            page_kwargs = dict(kwargs)
            for key, paginator in paginators.items():
                page = paginator.page(number + 1)
                page_kwargs.update({
                    f"{key}_paginator": paginator,
                    f"{key}_page": page,
                    f"{key}_previous_page": paginator.page(number) if number > 0 else None,
                    f"{key}_next_page": paginator.page(number + 2) if number + 1 < paginator.num_pages else None,
                })
            self.write_file(page.save_as, template, context, False, None, None, override_output, page.url,
                            **page_kwargs)

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

    def write_derived(self, name: str, key: str, make) -> None:
        """A file made by ``make()`` (bytes) from something else, ``key`` being a digest of
        what it is made from: kept, without calling ``make``, when the previous build made
        it from the same key and nobody changed it since (a studio photo is re-encoded only
        when its source changed)."""
        name = os.path.normpath(name).replace(os.sep, "/")
        self._claim(name)
        if self._keep(name, key):
            return
        with open(self._path(name), "wb") as f:
            f.write(make())

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
        if self.unrecorded:
            shown = "、".join(sorted(self.unrecorded)[:20])
            raise DependencyError(
                f"依赖记录不完整：{len(self.unrecorded)} 个页面沿用了上次的文件，但重新生成的内容不同"
                f"（模板读取了没有记录的数据）：{shown}"
            )

    def _render(self, jobs: list) -> None:
        global _JOBS, _OUTPUT, _BASE_KEY
        workers = self.settings.get("GONGJIANG_RENDER_WORKERS") or cpu_count()
        workers = max(1, min(int(workers), len(jobs) // (MIN_PARALLEL // 2) or 1))
        failed: list[int] = []
        reads: dict[int, tuple] = {}  # index -> (reads, key, own checks)
        _INTERNED.clear()
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            _JOBS, _OUTPUT = jobs, self.output_path
            _BASE_KEY = self.base_key() if self.cache_dir is not None else None
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    for bad, messages, done in pool.map(_worker, [(i, workers) for i in range(workers)]):
                        failed.extend(bad)
                        reads.update(done)
                        for lname, level, text in messages:
                            logging.getLogger(lname).log(level, "%s", text)
            finally:
                _JOBS, _OUTPUT, _BASE_KEY = [], "", None
                _INTERNED.clear()
            for i in sorted(failed):  # again here: raises the same error, with its template line
                reads[i] = (_render_to_file(jobs[i], self.output_path)[0], None, _UNSET)
            for i, job in enumerate(jobs):
                self._recorded(job, *reads.get(i, (None, None, None)))
                self._written(job)
        else:
            for job in jobs:
                done, reached = _render_to_file(job, self.output_path)
                self._recorded(job, None if done is None else depgraph.interned(done, _INTERNED), reached=reached)
                self._written(job)
            _INTERNED.clear()
        self.rendered += len(jobs)

    def _written(self, job: _Job) -> None:
        # as Pelican's writer does, for plugins that follow what is written
        signals.content_written.send(sanitised_join(self.output_path, job.name), context=job.context)


def flush_writer(pelican) -> None:
    """``finalized``: render the queued pages before the build reports success."""
    writer = pelican.settings.get(WRITER_KEY)
    if writer is not None:
        writer.flush()
        if writer.owned is not None:
            preview.leave_preview(writer)
