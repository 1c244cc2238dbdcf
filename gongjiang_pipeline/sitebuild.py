"""Build the public site with Pelican, programmatically (the CLI's ``build``).

This is an adapter: it may import Pelican. A build succeeds only if Pelican and
our plugin logged no warning and no error: Pelican reports many problems (an
unreadable story, a plugin that failed to load) by logging and carrying on, so a
logging handler collects them and the build fails with all of them listed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .buildcache import Manifest, digest
from .errors import GongjiangError
from .searchindex import BUNDLE_DIR, SEARCHABLE, build_search_index
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
    graph: Any = None  # depgraph.Graph: what each page read, saved with the manifest
    graph_version: str = ""

    def record(self, target: Path) -> None:
        """After the output was synced into ``target``: remember what each file was made
        from (and every other file there, by its bytes), so that the next build can keep
        what has not changed and can tell whether the folder was touched since."""
        if self.cache_dir is None or self.keys is None:
            return
        target = Path(target)
        keys = dict(self.keys)
        for path in target.rglob("*"):
            rel = path.relative_to(target).as_posix()
            if rel not in keys and path.is_file():
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


def _use_content_cache(settings: dict, root: Path) -> None:
    path = content_cache_path(settings, root) if settings.get("CACHE_CONTENT") else None
    if path is None:
        settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False
        return
    if path.parent.is_dir():  # caches made with other settings or code: never used again
        for other in path.parent.iterdir():
            if other != path and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
    settings["CACHE_PATH"] = str(path)


def build_site(
    root: Path,
    output: Path,
    as_of: dt.date,
    *,
    override: Mapping[str, Any] | None = None,
    previous: Path | None = None,
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
        _use_content_cache(settings, root)
        settings["GONGJIANG_PREVIOUS_OUTPUT"] = str(Path(previous).resolve()) if previous is not None else None
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
    if model is not None and model.people:
        with phase("search"):
            search_pages, extra = _search_index(output, writer, pelican.settings.get("GONGJIANG_PAGEFIND"))
    return _summary(Path(settings["OUTPUT_PATH"]), pelican.settings, search_pages, writer, extra)


def build_into(
    root: Path,
    output: Path,
    as_of: dt.date,
    *,
    override: Mapping[str, Any] | None = None,
    force: bool = False,
    reuse: bool = True,
) -> BuildSummary:
    """Build into ``output`` incrementally and safely: into a fresh folder next to it,
    keeping files whose inputs are unchanged since the last build there, then sync
    (a failed build leaves ``output`` exactly as it was; see atomic.py).

    When everything the build reads is as it was for the last build into ``output``
    (``buildinputs.InputState``) and ``output`` is exactly as that build left it,
    there is nothing to do: the previous summary is returned (``unchanged``), unless
    ``force``. ``reuse=False`` renders every page again (the output is still synced).
    Setting the environment variable ``GONGJIANG_NO_CACHE=1`` does both.
    """
    from .atomic import atomic_directory
    from .buildinputs import InputState

    root, target = Path(root).resolve(), Path(output).resolve()
    if os.environ.get("GONGJIANG_NO_CACHE") == "1":
        force, reuse = True, False
    state = InputState(page_cache_dir(override or {}, root), target)
    with phase("inputs"):
        fingerprint = state.compute(root, {"as_of": as_of, "override": dict(override or {})})
    if not force and fingerprint is not None and fingerprint == state.fingerprint and state.summary:
        manifest = Manifest.load(Path(state.summary.get("cache_dir") or "."), target)
        if manifest.entries and manifest.intact():
            return BuildSummary.from_record(state.summary)
    state.forget()
    keep: set[str] = set()  # filled once the build knows what it kept
    with atomic_directory(target, keep=keep) as tmp:
        summary = build_site(root, tmp, as_of, override=override, previous=target if reuse else None)
        keep.update(summary.kept)
    with phase("record"):
        summary.record(target)
        state.save(fingerprint, summary.as_record())
    return summary


def _search_index(output: Path, writer, executable) -> tuple[int, dict]:
    """Index the site with Pagefind, or keep the previous index when no indexed page
    changed. Pagefind reads every page, so pages kept from the previous build are
    linked into ``output`` first (the sync sees the same file and leaves it alone).
    Pagefind only reads the site and writes new files under ``pagefind/``; no step of
    the build writes into a file already in ``output`` (media files there may be hard
    links to the media cache: ``media.cache.place``)."""
    previous = getattr(writer, "previous", None)
    html = sorted((rel, key) for rel, key in (writer.keys if writer else {}).items() if rel.endswith(".html"))
    # the pages, and the Pagefind binary (GONGJIANG_PAGEFIND; None: the pinned package, whose
    # version is in every page key through the code version)
    index_key = digest("search", html, str(executable)) if writer is not None and writer.uncached == 0 else None
    if index_key is not None and previous is not None:
        recorded = previous.extra.get("search")
        bundle = [rel for rel in previous.entries if rel.startswith(BUNDLE_DIR + "/")]
        if recorded and recorded[0] == index_key and bundle and all(
            previous.fresh(rel, "search:" + index_key) for rel in bundle
        ):
            for rel in bundle:
                writer.kept.add(rel)
                writer.keys[rel] = "search:" + index_key
            return int(recorded[1]), {"search": recorded}
    if writer is not None and previous is not None:
        # Only kept pages Pagefind will index need to be there: once any page is marked
        # data-pagefind-body, Pagefind ignores every page that is not (searchindex.py), so
        # the index is the same, and about half the folders need not be made and removed.
        made: set[str] = set()
        for rel in sorted(writer.kept):
            if rel.endswith(".html") and SEARCHABLE in (previous.output / rel).read_bytes():
                folder = os.path.dirname(rel)
                if folder not in made:
                    os.makedirs(output / folder, exist_ok=True)
                    made.add(folder)
                os.link(previous.output / rel, output / rel)
    count = build_search_index(output, executable=executable)
    if index_key is None:
        return count, {}
    for path in (output / BUNDLE_DIR).rglob("*"):
        if path.is_file():
            writer.keys[path.relative_to(output).as_posix()] = "search:" + index_key
    return count, {"search": [index_key, count]}


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
        graph=writer.graph if writer is not None else None,
        graph_version=writer.code_version() if writer is not None else "",
    )
