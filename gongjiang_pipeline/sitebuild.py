"""Build the public site with Pelican, programmatically (the CLI's ``build``).

This is an adapter: it may import Pelican. A build succeeds only if Pelican and
our plugin logged no warning and no error: Pelican reports many problems (an
unreadable story, a plugin that failed to load) by logging and carrying on, so a
logging handler collects them and the build fails with all of them listed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import re
import shutil
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from .buildcache import Manifest, digest
from .errors import GongjiangError
from .searchbundles import BUNDLES_SCRIPT, EDITION_BUNDLES, LANGUAGE_BUNDLES, UI_FILES, WORDS_DIR, bundles_script, plan
from .searchindex import BUNDLE_DIR, SEARCHABLE, SearchIndexError, index_pages, link_or_copy, word_lists
from .timings import phase


class SiteBuildError(GongjiangError):
    """Pelican reported warnings or errors; the site was not built."""


@dataclass(frozen=True)
class BuildSummary:
    """What a build wrote, for the CLI's closing line."""

    files: int
    pages: int  # HTML files
    stories: int
    policy_pages: int
    people: int
    lists: int
    media: Any = None  # gongjiang_pipeline.media.stats.MediaStats, when the plugin ran
    search_pages: int = 0  # pages in the search index (0: nobody public, no index)
    rendered: int = 0  # pages rendered by this build
    kept: frozenset[str] = frozenset()  # files left as they were in the previous output
    keys: Mapping[str, str] | None = None  # relative path -> what the file was made from
    extra: Mapping[str, Any] | None = None  # recorded with the manifest (search index key)
    cache_dir: Path | None = None  # where the manifest is kept
    unchanged: bool = False  # nothing to do: the inputs were those of the last build
    pagefind: Any = None  # the Pagefind executable the site names (GONGJIANG_PAGEFIND; None: the pinned one)
    # what the search bundles of these pages are made from (the settings _search_index reads),
    # for the devserver's search refresh after a build with search=False
    search_settings: Mapping[str, Any] | None = None
    graph: Any = None  # depgraph.Graph: what each page read, saved with the manifest
    graph_version: str = ""
    synced: Any = None  # atomic.SyncStats: what bringing the output up to date changed (build_into)

    def record(self, target: Path) -> None:
        """After the output was synced into ``target``: remember what each file was made
        from (and every other file there, by its bytes), so that the next build can keep
        what has not changed and can tell whether the folder was touched since."""
        if self.cache_dir is None or self.keys is None:
            return
        target = Path(target)
        keys = dict(self.keys)
        for dirpath, _dirs, filenames in os.walk(target):
            rel_dir = os.path.relpath(dirpath, target).replace(os.sep, "/")
            for name in filenames:
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if rel not in keys and os.path.isfile(os.path.join(dirpath, name)):
                    keys[rel] = "file"
        Manifest(target).save(self.cache_dir, keys, self.extra)
        if self.graph is not None:
            self.graph.save(self.cache_dir, target, self.graph_version)

    _COUNTS = ("files", "pages", "stories", "policy_pages", "people", "lists", "search_pages")

    def as_record(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in self._COUNTS}, "cache_dir": str(self.cache_dir or "")}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "BuildSummary":
        return cls(**{k: int(record[k]) for k in cls._COUNTS}, unchanged=True)

    @property
    def warnings(self) -> list[str]:
        return list(getattr(self.media, "warnings", ()))

    def __str__(self) -> str:
        search = f"，站内搜索收录 {self.search_pages} 个页面" if self.search_pages else ""
        text = (
            f"共 {self.files} 个文件：网页 {self.pages} 个（工匠故事 {self.stories} 篇、政策页面 "
            f"{self.policy_pages} 个），公开人物 {self.people} 人，已公布名单 {self.lists} 份{search}。"
        )
        if self.unchanged:
            return text + "\n数据、内容、模板、设置和日期都与上次生成时相同，网站没有改动。"
        if self.kept:
            text += f"\n增量生成：重新生成网页 {self.rendered} 个，沿用上次未变的文件 {len(self.kept)} 个。"
        return text + (f"\n{self.media}" if self.media is not None else "")


class _Collect(logging.Handler):
    """Collects every warning and error; keeps the exception being handled, since
    Pelican logs a file it could not read without its exception (``exc_info=False``)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[logging.LogRecord, BaseException | None]] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None and record.levelno >= logging.ERROR:
            exc = sys.exc_info()[1]  # logged from inside an except block
        self.records.append((record, exc))


# Pelican's messages (format strings) in Chinese; the arguments are file names or URLs
_PELICAN_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Could not process %s"), "无法处理内容文件 content/{0}"),
    (re.compile(r"^Skipping %s: could not find information about '%s'"), "内容文件 {0} 缺少元数据「{1}」，未能读取"),
    (re.compile(r"^Unable to find '%s', skipping url replacement"), "站内链接指向不存在的文件：{0}"),
    (re.compile(r"^Empty alt attribute for image %s in %s"), "{1}：图片 {0} 没有替代文字（alt）"),
    (re.compile(r"^\{filename\} used for linking to static content %s in %s"), "{1}：链接静态文件 {0} 应写 {{static}}"),
)


def _describe(record: logging.LogRecord, exc: BaseException | None) -> str:
    text = None
    for pattern, chinese in _PELICAN_MESSAGES:
        if isinstance(record.msg, str) and pattern.match(record.msg):
            args = record.args if isinstance(record.args, tuple) else ()
            try:
                text = chinese.format(*args)
            except IndexError:
                text = None
            break
    level = "错误" if record.levelno >= logging.ERROR else "警告"
    line = f"{level}：{text or record.getMessage()}"
    if exc is not None:
        reason = str(exc) if isinstance(exc, GongjiangError) else f"{type(exc).__name__}: {exc}"
        line += f"\n  原因：{reason}"
    return line


def _template_error(exc: BaseException, root: Path) -> SiteBuildError | None:
    """A Chinese message for an exception raised while rendering a template, naming
    the template file and line; None if the exception did not come from a template."""
    from jinja2 import TemplateError, TemplateSyntaxError

    where = None
    if isinstance(exc, TemplateSyntaxError):
        where = (exc.filename or exc.name or "?", exc.lineno)
    else:
        # Jinja rewrites tracebacks so that template frames carry the template's file and line
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml")):
                where = (frame.filename, frame.lineno)
                break
    if where is None and not isinstance(exc, TemplateError):
        return None
    kind = {
        "TemplateSyntaxError": "模板语法错误",
        "UndefinedError": "模板使用了未定义的变量",
        "TemplateNotFound": "找不到模板",
        "TemplatesNotFound": "找不到模板",
    }.get(type(exc).__name__, f"模板运行出错（{type(exc).__name__}）")
    place = ""
    if where:
        path = Path(where[0])
        if path.is_absolute() and path.resolve().is_relative_to(root.resolve()):
            path = path.resolve().relative_to(root.resolve())
        place = f"{path.as_posix()}:{where[1]}: "
    return SiteBuildError(f"模板错误：{place}{kind}：{exc}")


def _reset_pelican_log_dedup() -> None:
    """Pelican's log filter drops a warning it has seen before in this process; reset
    it so that every build reports (and fails on) its own warnings."""
    try:
        from pelican.log import LimitFilter
    except ImportError:  # pragma: no cover - Pelican without its log module
        return
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def _check_output(root: Path, output: Path) -> None:
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents or output == Path(output.anchor):
        raise SiteBuildError(f"输出目录不能是项目目录或其上级目录：{output}")
    for keep in ("data", "content", "theme", "plugins"):
        if output == root / keep or (root / keep) in output.parents:
            raise SiteBuildError(f"输出目录不能放在 {keep}/ 里：{output}")


def pelican_settings(root: Path, output: Path, as_of: dt.date, override: Mapping[str, Any] | None = None) -> dict:
    from pelican.settings import read_settings

    root = Path(root).resolve()
    conf = root / "pelican.conf.py"
    if not conf.is_file():
        raise SiteBuildError(f"找不到网站配置文件：{conf}")
    values: dict[str, Any] = {
        "OUTPUT_PATH": str(Path(output).resolve()),
        "GONGJIANG_AS_OF": as_of.isoformat(),
        "GONGJIANG_PROJECT_ROOT": str(root),
    }
    values.update(override or {})
    return read_settings(str(conf), override=values)


def page_cache_dir(settings: Mapping[str, Any], root: Path) -> Path:
    """Where the manifests of built output folders are kept (GONGJIANG_PAGE_CACHE; by
    default <project>/cache/pages, or <GONGJIANG_MEDIA_CACHE>/pages when that is set)."""
    if settings.get("GONGJIANG_PAGE_CACHE"):
        return Path(settings["GONGJIANG_PAGE_CACHE"])
    if settings.get("GONGJIANG_MEDIA_CACHE"):
        return Path(settings["GONGJIANG_MEDIA_CACHE"]) / "pages"
    return Path(root).resolve() / "cache" / "pages"


# settings that do not change what Pelican's readers produce (per-run values, our own)
_READER_SETTINGS_IGNORED = ("OUTPUT_PATH", "GONGJIANG_", "CACHE_PATH")


def content_cache_path(settings: Mapping[str, Any], root: Path) -> Path | None:
    """Where Pelican's reader cache goes: a folder named by the digest of every setting
    (but the per-run ones) and of our code, so that a cached story is only ever reused
    by a build with the same settings and code. None: not cacheable (a setting that
    cannot be hashed by content) or turned off (GONGJIANG_NO_CACHE=1)."""
    from .buildcache import Unstable, code_version

    if os.environ.get("GONGJIANG_NO_CACHE") == "1":
        return None
    values = sorted((k, v) for k, v in settings.items() if not k.startswith(_READER_SETTINGS_IGNORED))
    try:
        key = digest(values, code_version(Path(__file__).resolve().parent))
    except Unstable:
        return None
    return page_cache_dir(settings, root).parent / "pelican" / key


# written into the reader cache's folder after a run that saved it whole (see _cache_stamp)
_CACHE_STAMP = "gongjiang-complete.json"


def _cache_stamp(path: Path) -> str:
    """Size and modification time of each file Pelican saved in its cache folder."""
    files = []
    for entry in os.scandir(path):
        if entry.is_file() and entry.name != _CACHE_STAMP:
            st = entry.stat()
            files.append((entry.name, st.st_size, st.st_mtime_ns))
    return json.dumps(sorted(files))


def _use_content_cache(settings: dict, root: Path) -> Path | None:
    """Point Pelican's reader cache at its folder (``content_cache_path``); returns the folder,
    or None when there is no cache. A folder whose files are not the ones the last run saved
    whole (the stamp written by ``_stamp_content_cache``) is removed first: Pelican writes
    its cache in place, so a run stopped while saving (or a save that failed) leaves a cut
    file, and loading one fails every later build with an error Pelican does not catch."""
    path = content_cache_path(settings, root) if settings.get("CACHE_CONTENT") else None
    if path is None:
        settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False
        return None
    if path.parent.is_dir():  # caches made with other settings or code: never used again
        for other in path.parent.iterdir():
            if other != path and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
    if path.is_dir():
        try:
            whole = (path / _CACHE_STAMP).read_text("utf-8") == _cache_stamp(path)
        except OSError:
            whole = False
        if not whole:
            shutil.rmtree(path, ignore_errors=True)
    settings["CACHE_PATH"] = str(path)
    return path


def _stamp_content_cache(path: Path | None, records: list) -> None:
    """After a run: stamp the reader cache as whole, unless Pelican said it could not save it."""
    if path is None or not path.is_dir():
        return
    if any(str(r.msg).startswith("Could not save cache") for r, _ in records):
        (path / _CACHE_STAMP).unlink(missing_ok=True)
        return
    try:
        (path / _CACHE_STAMP).write_text(_cache_stamp(path), "utf-8")
    except OSError:  # only a cache: the next run reads every story again
        pass


def build_site(
    root: Path,
    output: Path,
    as_of: dt.date,
    *,
    override: Mapping[str, Any] | None = None,
    previous: Path | None = None,
    resident: Any = None,
    search: bool = True,
) -> BuildSummary:
    """Build the site of the project at ``root`` into ``output``, public as of ``as_of``.

    Raises DataError for bad data, SiteBuildError when Pelican logged any warning or
    error or a template failed (``模板错误：<file>:<line>: ...``), SearchIndexError
    when Pagefind could not index the site (searchindex.py). Pelican's own console
    output (its English "Done: Processed ..." line) is silenced; the returned summary
    is for the caller to print. ``override`` replaces Pelican settings (tests use it,
    e.g. for GONGJIANG_ENGINE).
    The summary carries the media statistics (images processed, cards drawn, and
    Chinese warnings such as a missing CJK font) in ``summary.media``.

    ``previous``: the output folder of the previous build, which ``output`` (a fresh
    folder) will be synced into (``atomic.atomic_directory``). Files whose inputs
    have not changed since that build are then not produced again: they are listed
    in ``summary.kept`` for the sync to leave alone, and ``summary.record(previous)``
    after the sync remembers the new state (``buildcache.Manifest``).

    ``resident``: a ``resident.Resident`` that keeps data between builds in one process
    (the devserver). ``search=False``: no search index (the devserver brings it up to date
    afterwards, ``refresh_search_index``); ``make html`` always indexes.
    """
    from pelican import Pelican
    from pelican.log import console

    root, output = Path(root), Path(output)
    _check_output(root, output)
    _reset_pelican_log_dedup()
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in ("pelican", "gongjiang_site", "gongjiang_pipeline", "py.warnings")]
    for lg in loggers:
        lg.addHandler(handler)
    was_quiet, console.quiet = console.quiet, True
    try:
        settings = pelican_settings(root, output, as_of, override)
        settings["GONGJIANG_PAGE_CACHE"] = page_cache_dir(settings, root)
        reader_cache = _use_content_cache(settings, root)
        settings["GONGJIANG_PREVIOUS_OUTPUT"] = str(Path(previous).resolve()) if previous is not None else None
        if resident is not None:
            from .resident import SETTING

            settings[SETTING] = resident
        pelican = Pelican(settings)
        try:
            pelican.run()
        except GongjiangError:
            raise
        except Exception as exc:
            error = _template_error(exc, root)
            if error is None:
                raise
            raise error from exc
        _stamp_content_cache(reader_cache, handler.records)
    finally:
        console.quiet = was_quiet
        for lg in loggers:
            lg.removeHandler(handler)
    if handler.records:
        lines = [_describe(r, e) for r, e in handler.records]
        raise SiteBuildError("网站生成时出现问题，未生成网站：\n" + "\n".join(lines))
    # The search index covers craftsman pages and stories; with nobody public there
    # is nothing to index and the search page says so (templates/search.html).
    model = pelican.settings.get("GONGJIANG_MODEL")
    writer = pelican.settings.get("GONGJIANG_WRITER")
    search_pages, extra = 0, {}
    if model is not None and model.people and search:
        with phase("search"):
            search_pages, extra = _search_index(output, writer, pelican.settings.get("GONGJIANG_PAGEFIND"), pelican.settings)
    return _summary(Path(settings["OUTPUT_PATH"]), pelican.settings, search_pages, writer, extra)


def build_into(
    root: Path,
    output: Path,
    as_of: dt.date,
    *,
    override: Mapping[str, Any] | None = None,
    force: bool = False,
    reuse: bool = True,
    resident: Any = None,
    search: bool = True,
    record: bool = True,
) -> BuildSummary:
    """Build into ``output`` incrementally and safely: into a fresh folder next to it,
    keeping files whose inputs are unchanged since the last build there, then sync
    (a failed build leaves ``output`` exactly as it was; see atomic.py).

    When everything the build reads is as it was for the last build into ``output``
    (``buildinputs.InputState``) and ``output`` is exactly as that build left it,
    there is nothing to do: the previous summary is returned (``unchanged``), unless
    ``force``. ``reuse=False`` renders every page again (the output is still synced).
    Setting the environment variable ``GONGJIANG_NO_CACHE=1`` does both.

    ``resident``, ``search``: as for ``build_site``. A build without the search index
    (the devserver's) keeps the index files already in ``output`` as they are, and is
    not remembered as complete: the next ``make html`` into ``output`` builds (and
    indexes) instead of finding nothing to do.

    ``record=False`` (the devserver, with ``search=False``): the manifest and the dependency
    graph are not saved; the caller calls ``summary.record(output)`` later (after telling the
    browsers to reload), before the next build into ``output``. Until then the folder's
    files do not match the manifest on disk, so a build that follows without it (a crash in
    between) renders those files again rather than keeping them.
    """
    from .atomic import SyncStats, atomic_directory
    from .buildinputs import InputState

    root, target = Path(root).resolve(), Path(output).resolve()
    if os.environ.get("GONGJIANG_NO_CACHE") == "1":
        force, reuse = True, False
    state = InputState(page_cache_dir(override or {}, root), target)
    fingerprint = None
    if search:  # (a build without the index is never recorded as complete: no need to compare)
        with phase("inputs"):
            fingerprint = state.compute(root, {"as_of": as_of, "override": dict(override or {})})
    if not force and fingerprint is not None and fingerprint == state.fingerprint and state.summary:
        manifest = Manifest.load(Path(state.summary.get("cache_dir") or "."), target)
        if manifest.entries and manifest.intact():
            return BuildSummary.from_record(state.summary)
    state.forget()
    keep: set[str] = set()  # filled once the build knows what it kept
    if not search and (target / BUNDLE_DIR).is_dir():  # the last index stays until it is refreshed
        keep.update(p.relative_to(target).as_posix() for p in (target / BUNDLE_DIR).rglob("*") if p.is_file())
        if (target / BUNDLES_SCRIPT).is_file():  # with the list of its bundles
            keep.add(BUNDLES_SCRIPT)
    synced = SyncStats()
    with atomic_directory(target, synced, keep=keep) as tmp:
        summary = build_site(root, tmp, as_of, override=override, previous=target if reuse else None,
                             resident=resident, search=search)
        keep.update(summary.kept)
    summary = dataclasses.replace(summary, synced=synced)
    if not record:
        if search:
            raise ValueError("record=False only without the search index (the devserver)")
        return summary
    with phase("record"):
        summary.record(target)
        if search:
            state.save(fingerprint, summary.as_record())
    return summary


class _IndexedPages:
    """What ``_search_index`` reads of the caching writer, for pages already in an output
    folder (the devserver's background refresh): the pages' keys from the build that wrote
    them, and the search files of the last refresh as a manifest, so that a bundle whose
    pages all have the keys they had then is kept."""

    def __init__(self, names: set[str], keys: Mapping[str, str], previous: Manifest | None):
        self.names = frozenset(names)
        self.keys: dict[str, str] = dict(keys)
        self.kept: set[str] = set()
        self.previous = previous
        # a page without a key (rendered without a record): every bundle indexed again
        self.uncached = sum(1 for rel in names if rel not in keys)


def refresh_search_index(output: Path, executable: Path | None = None, lock: Any = None,
                         settings: Mapping[str, Any] | None = None,
                         page_keys: Callable[[], Mapping[str, str] | None] | None = None,
                         state: dict | None = None) -> int:
    """Index the pages in ``output`` with Pagefind and bring ``output/pagefind`` up to
    date (the devserver, after a build with ``search=False``). The pages are hard-linked
    into a folder next to ``output`` first, so Pagefind reads one consistent set even if
    a build replaces pages meanwhile (``os.replace``: the links keep the old files);
    the index is then synced in (changed files replaced one by one, atomically).
    ``lock`` (a ``threading.Lock`` the builds hold) is held while the pages are linked and
    while the index is synced, not while Pagefind runs. ``settings``: what the bundles are
    made from (``BuildSummary.search_settings`` of the build that wrote the pages).
    ``page_keys`` (called with the lock held, as the pages are linked: the keys of the
    build that wrote them, ``BuildSummary.keys``) and ``state`` (kept by the caller
    between refreshes): only the bundles with a changed page are indexed again, the
    others are left as the last refresh made them. Returns the number of pages indexed."""
    import contextlib
    import tempfile

    from .atomic import sync_directory

    output = Path(output).resolve()
    hold = lock if lock is not None else contextlib.nullcontext()
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.search-", dir=output.parent))
    try:
        with hold:
            names = _link_searchable(output, tmp)
            keys = page_keys() if page_keys is not None else None
        pages = None
        if keys is not None and state is not None:
            previous = state.get("previous")
            pages = _IndexedPages(names, keys, previous if isinstance(previous, Manifest) else None)
        # the bundles make html makes (per edition, searchbundles.py), from these pages only
        count, extra = _search_index(tmp, pages, executable, settings or {})
        bundle, target = tmp / BUNDLE_DIR, output / BUNDLE_DIR
        kept = pages.kept if pages is not None else set()
        with hold:
            if target.is_dir():
                bundle.mkdir(exist_ok=True)
                sync_directory(bundle, target, keep={rel[len(BUNDLE_DIR) + 1:] for rel in kept
                                                     if rel.startswith(BUNDLE_DIR + "/")})
            else:
                os.rename(bundle, target)
            if BUNDLES_SCRIPT not in kept:
                script = output / BUNDLES_SCRIPT
                script.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp / BUNDLES_SCRIPT, script)  # the bundle list, atomically
            if state is not None:
                # what the next refresh keeps bundles by: the search files as they are now
                entries = {}
                for rel, key in sorted((pages.keys if pages is not None else {}).items()):
                    if key.startswith("search:"):
                        try:
                            st = os.stat(output / rel)
                        except OSError:
                            continue
                        entries[rel] = (key, st.st_size, st.st_mtime_ns, st.st_ino)
                state["previous"] = Manifest(output, entries, extra) if entries else None
        return count
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _link_searchable(output: Path, tmp: Path) -> set[str]:
    """Hard-link every page of ``output`` that Pagefind indexes into ``tmp``; returns
    their paths (``craftsmen/shan-lixin/index.html``)."""
    linked = set()
    for dirpath, dirnames, filenames in os.walk(output):
        rel = os.path.relpath(dirpath, output)
        if rel == BUNDLE_DIR:
            dirnames[:] = []
            continue
        for name in filenames:
            if name.endswith(".html"):
                src = os.path.join(dirpath, name)
                with open(src, "rb") as f:
                    if SEARCHABLE not in f.read():
                        continue
                os.makedirs(tmp / rel, exist_ok=True)
                link_or_copy(src, tmp / rel / name)
                linked.add(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    return linked


def _search_index(output: Path, writer, executable, settings: Mapping[str, Any]) -> tuple[int, dict]:
    """Index the site with Pagefind, one bundle per edition and one for pages of no
    edition (searchbundles.py), each from its own pages only, with the word lists the
    search page reads (searchbundles.word_files), re-indexing only the bundles whose
    pages changed: a bundle whose pages all have the keys they had in the previous
    build is kept (its key and page count are recorded in the manifest,
    ``extra["search"]``). Pagefind reads each bundle's pages through hard links in a
    scratch folder (kept pages from the previous output); it writes only under
    ``pagefind/<bundle>/``; no step of the build writes into a file already in
    ``output`` (media files there may be hard links to the media cache:
    ``media.cache.place``)."""
    previous = getattr(writer, "previous", None)
    kept = writer.kept if writer is not None else set()
    if writer is not None:
        # every page written (one rendered without a key, which could not be recorded, too)
        html = sorted(rel for rel in writer.names if rel.endswith(".html"))
    else:
        html = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    source = {rel: (previous.output if rel in kept and previous is not None else output) / rel for rel in html}
    # once any page is marked data-pagefind-body, Pagefind ignores every page that is
    # not (searchindex.py): only the marked ones go into a bundle
    pages = [rel for rel in html if SEARCHABLE in source[rel].read_bytes()]
    editions = settings.get("GONGJIANG_SEARCH_EDITIONS") or {}
    # GONGJIANG_SEARCH_PER_EDITION (default on); off, every indexed page goes into the
    # one bundle ``site``
    split = bool(settings.get("GONGJIANG_SEARCH_PER_EDITION", True))
    # GONGJIANG_SEARCH_EDITION_BUNDLES: at most that many bundles for the editions (more
    # editions share them: searchbundles.edition_groups); 0: one bundle per edition
    shared = settings.get("GONGJIANG_SEARCH_EDITION_BUNDLES", EDITION_BUNDLES)
    if isinstance(shared, bool) or not isinstance(shared, int) or shared < 0:
        raise SearchIndexError(f"GONGJIANG_SEARCH_EDITION_BUNDLES 应为不小于 0 的整数，而不是 {shared!r}")
    unmarked = sorted(set(editions) & set(html) - set(pages))
    if unmarked or not pages:
        # a template lost data-pagefind-body: those people would not be found
        shown = "、".join(unmarked[:5]) + ("等" if len(unmarked) > 5 else "")
        raise SearchIndexError(
            "没有标记为可搜索（data-pagefind-body）的页面，未生成站内搜索索引。"
            + (f"\n应可搜索而未标记的页面：{shown}" if unmarked else "")
        )
    model = settings.get("GONGJIANG_MODEL")
    try:
        bundles = plan(pages, editions if split else {}, [ev.id for ev in model.editions] if model is not None else [],
                       LANGUAGE_BUNDLES if split else None, shared)
    except ValueError as exc:
        raise SearchIndexError(str(exc)) from None
    cached = writer is not None and writer.uncached == 0
    recorded = (previous.extra.get("search") if previous is not None else None) or {}
    recorded = recorded.get("bundles", {}) if isinstance(recorded, dict) else {}
    first = bundles[0].folder(BUNDLE_DIR)
    # the search page loads Pagefind's UI from pagefind/ (copied there when the primary
    # bundle is an edition's) and the bundle list from search/bundles.js
    top = {f"{BUNDLE_DIR}/{name}" for name in UI_FILES} if first != BUNDLE_DIR else set()
    folders = {bundle.key: bundle.folder(BUNDLE_DIR) for bundle in bundles}
    done: dict[str, list] = {}
    runs: dict[str, Any] = {}  # bundle -> its Pagefind run
    keys: dict[str, str | None] = {}
    # Pagefind runs of different bundles are independent: run them side by side
    pool = ThreadPoolExecutor(max_workers=max(1, min(len(bundles), os.cpu_count() or 1)))
    try:
        for bundle in bundles:
            folder = folders[bundle.key]
            # the bundle's pages, and the Pagefind binary (GONGJIANG_PAGEFIND; None: the pinned
            # package, whose version is in every page key through the code version): its own
            # pages only, so an edit re-indexes its own bundle and no other
            key = keys[bundle.key] = digest("search-bundle", WORDS_DIR, bundle.key,
                                            [(rel, writer.keys[rel]) for rel in bundle.pages],
                                            str(executable)) if cached else None
            old = recorded.get(bundle.key)
            if key is not None and previous is not None and isinstance(old, list) and old[0] == key:
                files = _bundle_files(previous.entries, folder, folders) - top
                if files and all(previous.fresh(rel, "search:" + key) for rel in files):
                    for rel in files:
                        writer.kept.add(rel)
                        writer.keys[rel] = "search:" + key
                    done[bundle.key] = [key, int(old[1])]
                    continue
            runs[bundle.key] = pool.submit(_index_bundle, {rel: source[rel] for rel in bundle.pages},
                                           output / folder, executable)
        for name, run in runs.items():
            done[name] = [keys[name], run.result()]
        for name in runs:
            if keys[name] is not None:
                for rel in _bundle_files(None, folders[name], folders, output):
                    writer.keys[rel] = "search:" + keys[name]
    finally:
        pool.shutdown(wait=True)
    total = sum(entry[1] for entry in done.values())
    done = {bundle.key: done[bundle.key] for bundle in bundles}
    written = {BUNDLES_SCRIPT: bundles_script(BUNDLE_DIR, bundles)}
    for rel in sorted(top):
        ui = output / first / os.path.basename(rel)
        written[rel] = (ui if ui.is_file() else previous.output / first / os.path.basename(rel)).read_bytes()
    top_key = "search:" + digest("search-top", sorted(done.items()), sorted(written.items())) if cached else None
    for rel, data in written.items():
        if top_key is not None:
            writer.keys[rel] = top_key
            if previous is not None and previous.fresh(rel, top_key):
                writer.kept.add(rel)  # as the previous build wrote it
                continue
        os.makedirs((output / rel).parent, exist_ok=True)
        (output / rel).write_bytes(data)
    if not cached:
        return total, {}
    return total, {"search": {"bundles": done, "pages": total}}


def _index_bundle(pages: Mapping[str, Path], folder: Path, executable) -> int:
    """Index ``pages`` into the bundle ``folder`` and write its word lists there
    (``WORDS_DIR``); returns the number of pages indexed."""
    count = index_pages(pages, folder, executable=executable)
    words = folder / WORDS_DIR
    words.mkdir(exist_ok=True)
    for name, data in sorted(word_lists(folder).items()):
        (words / name).write_bytes(data)
    return count


def _bundle_files(entries, folder: str, folders: Mapping[str, str], root: Path | None = None) -> set[str]:
    """The files of the bundle in ``folder`` (not those of the bundles in its
    subfolders: ``pagefind/2016/`` is not the site bundle's), from the manifest
    ``entries`` or, with ``root``, from the folder under ``root``."""
    others = tuple(f + "/" for f in folders.values() if f != folder and f.startswith(folder + "/"))
    if root is not None:
        names = (p.relative_to(root).as_posix() for p in (root / folder).rglob("*") if p.is_file())
    else:
        names = (rel for rel in entries if rel.startswith(folder + "/"))
    return {rel for rel in names if not rel.startswith(others)}


# the settings _search_index reads
SEARCH_SETTINGS = ("GONGJIANG_SEARCH_EDITIONS", "GONGJIANG_SEARCH_PER_EDITION", "GONGJIANG_SEARCH_EDITION_BUNDLES",
                   "GONGJIANG_MODEL")


def _summary(output: Path, settings: Mapping[str, Any], search_pages: int, writer, extra: dict) -> BuildSummary:
    kept = frozenset(writer.kept) if writer is not None else frozenset()
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()} | kept
    model = settings.get("GONGJIANG_MODEL")
    counts = settings.get("GONGJIANG_CONTENT_COUNTS", {})  # set by the plugin's generator
    return BuildSummary(
        files=len(files),
        pages=sum(1 for p in files if p.endswith(".html")),
        stories=counts.get("stories", 0),
        policy_pages=counts.get("pages", 0),
        people=len(model.people) if model is not None else 0,
        lists=sum(len(ev.lists) for ev in model.editions) if model is not None else 0,
        media=settings.get("GONGJIANG_MEDIA_STATS"),
        search_pages=search_pages,
        rendered=writer.rendered if writer is not None else 0,
        kept=kept,
        keys=dict(writer.keys) if writer is not None else None,
        extra=extra,
        cache_dir=settings.get("GONGJIANG_PAGE_CACHE"),
        pagefind=settings.get("GONGJIANG_PAGEFIND"),
        search_settings={k: settings[k] for k in SEARCH_SETTINGS if k in settings},
        graph=writer.graph if writer is not None else None,
        graph_version=writer.code_version() if writer is not None else "",
    )
