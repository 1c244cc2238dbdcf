"""Local preview: ``make serve`` and ``make devserver``.

``serve`` serves the built site on 127.0.0.1. ``devserver`` builds the site,
serves it, watches ``content/``, ``data/``, ``theme/`` and ``pelican.conf.py``
with watchfiles and rebuilds on every change, then tells open browser tabs to
reload (Server-Sent Events).

*Resident build.* The server process is the build process: it imports Pelican
and the plugin once and runs every rebuild in-process, the way Pelican's own
autoreload does (a new ``Pelican`` object with freshly read settings per build;
the plugin's signal handlers are connected once, connecting them again is a
no-op). Between builds it keeps a :class:`~gongjiang_pipeline.resident.Resident`:
the parsed records, each edition's engine results and the site model, reused
only for unchanged files. The page cache (the caching writer and the output
folder's manifest) keeps every page whose inputs did not change. Each build is
the build ``make html`` runs (``sitebuild.build_into``: atomic, the output
brought up to date only on success; the same AS_OF) except for the search index:
pages first, then the browsers are told to reload, then Pagefind indexes the new
pages in a background thread (``sitebuild.refresh_search_index``) and the search
page reloads once more (event ``search``). ``make html`` always indexes.
A build that fails (bad data, a broken template) prints its Chinese errors and
leaves the last good site in place, still served; the next good save recovers.
The process never freezes loaded data (``gcpause``): it loads again and again.

The live-reload script is added by this server to each HTML page as it sends
it, as ``<script src>`` of a file the server itself serves from the site's origin
(``RELOAD_JS_PATH``): the pages' Content-Security-Policy (``script-src 'self'``,
no inline script) applies in the preview too. The files on disk are byte for byte
what ``make html`` writes, so the script can never reach the published site.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import threading
import time
import traceback
from collections import deque
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Collection, Mapping

from .errors import GongjiangError

RELOAD_PATH = "/__gongjiang__/reload"
RELOAD_JS_PATH = "/__gongjiang__/reload.js"
STATUS_PATH = "/__gongjiang__/status"  # JSON: the build process, its builds, the generations
# A message is "<generation>" or "<generation> <JSON list of the files changed since the one
# the stream last sent>" (paths like /craftsmen/x/index.html): a page reloads when the
# generation moves on, unless a list says that neither the page nor anything it embeds (an
# image, a style sheet, a script) is among the files changed.
RELOAD_JS = (
    "/* 本地预览：文件修改并重新生成后自动刷新（只在 make devserver 中出现） */\n"
    "(function(){var seen=null;var es=new EventSource(\"" + RELOAD_PATH + "\");"
    "function path(u){try{return decodeURIComponent(new URL(u,location.href).pathname)}catch(x){return null}}"
    "var here=path(location.href);if(here.slice(-1)===\"/\"){here+=\"index.html\"}"
    "function mine(list){if(list.indexOf(here)>=0){return true}"
    "var els=document.querySelectorAll(\"img,source,script[src],link[rel~=stylesheet],link[rel~=icon]\");"
    "for(var k=0;k<els.length;k++){var e=els[k];var us=[e.currentSrc||e.src||e.href];"
    "(e.srcset||\"\").split(\",\").forEach(function(c){c=c.trim().split(/\\s+/)[0];if(c){us.push(c)}});"
    "for(var j=0;j<us.length;j++){if(us[j]&&list.indexOf(path(us[j]))>=0){return true}}}return false}"
    "es.onmessage=function(e){var i=e.data.indexOf(\" \");var g=i<0?e.data:e.data.slice(0,i);"
    "if(seen===null){seen=g;return}if(g===seen){return}seen=g;"
    "if(i>=0&&!mine(JSON.parse(e.data.slice(i+1)))){return}location.reload()};"
    # the search index is brought up to date after the pages: the search page reloads then
    "es.addEventListener(\"search\",function(){if(document.querySelector('script[src$=\"pagefind-ui.js\"]'))"
    "{location.reload()}});})();\n"
)
RELOAD_SCRIPT = f'<script src="{RELOAD_JS_PATH}"></script>'  # no inline script: the pages' CSP forbids it
WATCHED = ("content", "data", "theme", "pelican.conf.py")
KEEPALIVE_SECONDS = 15.0
_BODY_END = re.compile(rb"</body\s*>", re.I)


class DevServerError(GongjiangError):
    """The preview server cannot start (e.g. the port is taken)."""


def inject(html: bytes, script: str = RELOAD_SCRIPT) -> bytes:
    """``html`` with ``script`` before its last ``</body>`` (or at the end)."""
    matches = list(_BODY_END.finditer(html))
    tag = script.encode("utf-8")
    if not matches:
        return html + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


class Generation:
    """The number of the last good build (and of the last search index brought up to
    date after it), shared with the reload streams."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._prefix = f"{time.time_ns():x}"  # a restarted server differs from the old one
        self._n = 0
        self._s = 0
        self._changes: deque[tuple[int, frozenset[str] | None]] = deque(maxlen=64)  # (generation, pages)
        self.closed = False

    @property
    def value(self) -> str:
        return f"{self._prefix}-{self._n}"

    @property
    def search(self) -> str:
        return f"{self._prefix}-{self._s}"

    def bump(self, pages: Collection[str] | None = None) -> None:
        """A new generation; ``pages``: the only pages it changed (output paths of HTML
        files), None: anything may have changed (every open page reloads)."""
        with self._cond:
            self._n += 1
            self._changes.append((self._n, frozenset(pages) if pages is not None else None))
            self._cond.notify_all()

    def changed_since(self, seen: str | None) -> list[str] | None:
        """The pages changed after generation ``seen`` up to now (as URL paths, sorted), or
        None when that is not known (another server's generation, too long ago, or a
        change that may reach every page)."""
        with self._cond:
            prefix, _, n = (seen or "").rpartition("-")
            if prefix != self._prefix or not n.isdigit():
                return None
            n = int(n)
            wanted = [c for c in self._changes if c[0] > n]
            if len(wanted) != self._n - n or any(pages is None for _, pages in wanted):
                return None
            return sorted({"/" + p for _, pages in wanted for p in pages})

    def bump_search(self) -> None:
        with self._cond:
            self._s += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait_change(self, seen: str | None, timeout: float, seen_search: str | None = None) -> tuple[str, str]:
        """(pages, search) generations, once either differs from what was seen (or after ``timeout``)."""
        with self._cond:
            self._cond.wait_for(
                lambda: self.closed or self.value != seen or (seen_search is not None and self.search != seen_search),
                timeout=timeout,
            )
            return self.value, self.search


class Handler(SimpleHTTPRequestHandler):
    """Static files from the output folder; HTML gets the reload script when ``live``."""

    live = False
    generation: Generation | None = None
    status: Callable[[], dict] | None = None  # the devserver's figures for STATUS_PATH

    def log_message(self, format, *args):  # noqa: A002 - the access log would drown the rebuild messages
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if self.live and path == RELOAD_PATH:
            return self._events()
        if self.live and path == RELOAD_JS_PATH:
            return self._reload_js()
        if self.live and path == STATUS_PATH:
            return self._status()
        if self.live:
            local = Path(self.translate_path(self.path))
            if local.is_dir() and path.endswith("/"):
                local = local / "index.html"
            if local.is_file() and local.suffix == ".html":
                return self._html(local, HTTPStatus.OK)
        return super().do_GET()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == HTTPStatus.NOT_FOUND and page.is_file() and self.command == "GET":
            return self._html(page, HTTPStatus.NOT_FOUND)
        return super().send_error(code, message, explain)

    def _html(self, file: Path, status: HTTPStatus) -> None:
        body = file.read_bytes()
        if self.live:
            body = inject(body)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reload_js(self) -> None:
        body = RELOAD_JS.encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _status(self) -> None:
        gen = self.generation
        status = dict(self.status() if self.status is not None else {})
        status.update(generation=gen.value, search=gen.search)
        body = json.dumps(status, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        gen = self.generation
        assert gen is not None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        # the pages' generation is sent at once (the script compares later ones with it);
        # the search index's only when it changes after the stream began
        seen, seen_search = None, gen.search
        try:
            while not gen.closed:
                value, search = gen.wait_change(seen, KEEPALIVE_SECONDS, seen_search)
                if gen.closed:
                    break
                sent = False
                if value != seen:
                    pages = gen.changed_since(seen) if seen is not None else None
                    listed = "" if pages is None else " " + json.dumps(pages, ensure_ascii=False)
                    self.wfile.write(f"data: {value}{listed}\n\n".encode())
                    seen, sent = value, True
                if search != seen_search:
                    self.wfile.write(f"event: search\ndata: {search}\n\n".encode())
                    seen_search, sent = search, True
                if not sent:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


def make_server(output: Path, host: str, port: int, generation: Generation | None,
                status: Callable[[], dict] | None = None) -> ThreadingHTTPServer:
    """An HTTP server for ``output`` on ``host:port`` (port 0: any free port); live reload if ``generation``
    (and ``status()`` as JSON at STATUS_PATH)."""
    attrs = {"live": generation is not None, "generation": generation, "status": staticmethod(status) if status else None}
    handler = functools.partial(type("GongjiangHandler", (Handler,), attrs), directory=str(output))
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise DevServerError(
            f"无法在 {host}:{port} 启动预览服务器（{exc.strerror or exc}）：端口可能已被占用，"
            f"请用 make devserver PORT={port + 1}（或 make serve PORT={port + 1}）换一个端口"
        ) from None
    server.daemon_threads = True
    return server


_LISTED_AT_MOST = 500  # more files changed (a template): every open page reloads, not a list
_THEME_FILES = "theme/"  # THEME_STATIC_DIR in pelican.conf.py: the theme's static files


def _reloading(synced) -> list[str] | None:
    """The files a build wrote or deleted, for the reload event (an open page reloads if it
    is one of them or embeds one), or None (every open page reloads): too many, not known,
    or a file of the theme's (a style sheet may use an image no page names)."""
    if synced is None or len(synced.changed) > _LISTED_AT_MOST:
        return None
    if any(n.startswith(_THEME_FILES) for n in synced.changed):
        return None
    return list(synced.changed)


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


class DevServer:
    """Build, serve, watch, rebuild: the ``devserver`` command (see the module docstring)."""

    def __init__(self, root: Path, output: Path, as_of: dt.date | None, *, say: Callable[[str], None] = print,
                 override: dict | None = None):
        from .resident import Resident

        self.root = Path(root).resolve()
        self.output = output if output.is_absolute() else self.root / output
        self.as_of = as_of
        self.say = say
        self.override = override  # Pelican settings (tests: GONGJIANG_ENGINE)
        self.generation = Generation()
        self.builds = 0  # successful builds
        self.searches = 0  # search indexes brought up to date after a build
        self.resident = Resident()
        self.build_pid: int | None = None  # the process the last build ran in (this one: resident)
        self.last_build: dict = {}  # when the last good build began and ended, and what it reused
        self._lock = threading.Lock()  # one build (or search sync) at a time
        self._search_wanted = threading.Event()
        self._search_thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._searching = False
        self._pagefind = None
        self._search_settings: dict | None = None
        self._page_keys: Mapping[str, str] | None = None  # of the last good build's pages
        self._search_state: dict = {}  # what the last search refresh made (refresh_search_index)
        self._pages_pending = False  # a first answer was given; the full build is still running

    def status(self) -> dict:
        return {"pid": self.build_pid, "builds": self.builds, "searches": self.searches,
                "search_pending": self._search_wanted.is_set() or self._searching,
                "pages_pending": self._pages_pending, **self.last_build}

    def _first_answer(self, changed: set[Path] | None, as_of: dt.date):
        """The edited story's or candidate's own pages, written before the full build
        (``preview.py``), or None."""
        preview = self.resident.preview
        if not changed or preview is None:
            return None
        try:
            return preview.answer(changed, self.output, as_of)
        except Exception:  # noqa: BLE001 - never in the way: the full build runs (and reports) as before
            return None

    def _indexed(self, summary) -> object | None:
        """The manifest a build with the search index saved (None without one)."""
        from .buildcache import Manifest

        if summary.cache_dir is None:
            return None
        manifest = Manifest.load(Path(summary.cache_dir), self.output)
        return manifest if manifest.entries else None

    def build(self, *, search: bool = False, changed: set[Path] | None = None) -> bool:
        """Rebuild the site in this process; on success tell browsers to reload and (unless
        ``search``: indexed in the build) bring the search index up to date in the background.
        ``changed``: the files the watcher saw change since the last build; when none is under
        ``data/`` (nor the settings), the loaded data are reused as they are (resident.py).
        Returns whether it succeeded."""
        from .sitebuild import build_into
        from .stories import check_stories

        as_of = self.as_of or _today()
        start = time.monotonic()
        with self._lock:
            began = time.time()
            quick = self._first_answer(changed, as_of)
            if quick is not None:
                self._pages_pending = True  # (the status says so until the full build is done)
                self.generation.bump(quick.names)  # only those pages reload
                quick_ms = (time.monotonic() - start) * 1000
                self.say(f"[{_now()}] 已先更新 {'、'.join(quick.names)}（用时 {quick_ms:.0f} 毫秒），"
                         f"浏览器将自动刷新；其余页面正在重新生成……")
            self.resident.data_unchanged = changed is not None and not any(self._reaches_data(p) for p in changed)
            try:
                # the first build of this process always runs through (force): the no-change
                # shortcut would leave the resident data, results, model and graph empty, and
                # the first edit would pay for loading all of them
                summary = build_into(self.root, self.output, as_of, override=self.override, force=self.builds == 0,
                                     resident=self.resident, search=search, record=search)
                error = None
            except GongjiangError as exc:
                error = str(exc)
            except Exception:  # noqa: BLE001 - a bug must not stop the preview; its traceback is shown
                error = traceback.format_exc()
            finally:
                self.resident.data_unchanged = False
                pending, self.resident.pending_preview = self.resident.pending_preview, None
            self.build_pid = os.getpid()
            took = time.monotonic() - start
            if error is not None:
                # no first answer while the site does not build: it would show what the full
                # build then takes back (until a good build leaves a new preview)
                self.resident.preview = None
                if quick is not None:
                    names = quick.names
                    quick.restore()  # the last good site again, as a failed build leaves it
                    self.generation.bump(names)
            if error is None:
                self.builds += 1
                self.resident.preview = pending  # what the next edit's first answer is made from
                self.last_build = {"began": began, "ended": time.time(), "engine_runs": self.resident.engine_runs,
                                   "model_reused": self.resident.model_reused,
                                   "data_reused": self.resident.project_reused, "rendered": summary.rendered,
                                   "quick_pages": quick.names if quick is not None else [],
                                   "quick_ms": quick_ms if quick is not None else None}
                self._pagefind = summary.pagefind
                self._search_settings = summary.search_settings  # what its bundles are made from
                self._page_keys = summary.keys  # what its pages are made from (bundles kept by them)
                if search:
                    # the search files this build made, as its manifest has them: the first
                    # refresh then indexes again only the bundles whose pages changed since
                    self._search_state["previous"] = self._indexed(summary)
                if not search and summary.people:
                    # wanted from the reload event on (the status says so while the record is saved)
                    self._search_wanted.set()
                # the open pages that are or embed a changed file reload (reload.js); after a
                # first answer, the full build may have changed no page (only the feed, say)
                files = _reloading(summary.synced)
                if files == []:
                    outcome = "网页没有变化" if quick is None else "其余页面没有变化"
                elif quick is not None and not any(n.endswith(".html") for n in files):
                    outcome = "其余页面没有变化"
                else:
                    outcome = "浏览器将自动刷新"
                if files is None or files:  # (no file changed: no page to reload)
                    self.generation.bump(files)
                self.resident.keep_graph(self.output, summary.graph, summary.graph_version)
                if not search:
                    # after the reload event, still before any other build (the lock is held):
                    # what the next build keeps pages by (the manifest, the dependency graph)
                    recorded = time.monotonic()
                    try:
                        summary.record(self.output)
                    except OSError as exc:  # the pages are served; the next build renders them again
                        self.say(f"[{_now()}] 无法保存生成记录（{exc}），下次生成时会重新生成这次改动过的页面。")
                    self.last_build["record_ms"] = (time.monotonic() - recorded) * 1000
                if pending is not None:
                    # (after the reload event) what the next first answer renders with, loaded now
                    warmed = time.monotonic()
                    try:
                        pending.warm()
                    except Exception:  # noqa: BLE001 - never in the way: the first answer then loads them itself
                        pass
                    self.last_build["warm_ms"] = (time.monotonic() - warmed) * 1000
            self._pages_pending = False
        if error is not None:
            kept = "继续显示上一次成功生成的网站" if (self.output / "index.html").is_file() else "还没有可以显示的网站"
            self.say(f"[{_now()}] 生成失败（用时 {took:.1f} 秒），{kept}。请修改以下问题，保存后会自动重新生成：")
            self.say(error.rstrip())
            return False
        as_of_text = f"按 {self.as_of.isoformat()} 的公开范围" if self.as_of else "按今天的公开范围"
        later = "" if search or not summary.people else "；站内搜索随后在后台更新"
        self.say(f"[{_now()}] 已重新生成网站，用时 {took:.1f} 秒（{as_of_text}），{outcome}{later}。")
        if not search and summary.people:
            self._want_search()
        problems = check_stories(self.root)
        if problems:
            self.say("提示：以下内容在提交前还需要处理（make check 会报错）：")
            self.say("\n".join(p.format() for p in problems))
        return True

    # ---- the search index, after the pages

    def _want_search(self) -> None:
        self._search_wanted.set()
        if self._search_thread is None or not self._search_thread.is_alive():
            self._search_thread = threading.Thread(target=self._search_loop, name="devserver-search", daemon=True)
            self._search_thread.start()

    def _search_loop(self) -> None:
        while not self._stopping.is_set():
            if not self._search_wanted.wait(0.5):
                continue
            self._searching = True  # (before the request is cleared: wait_search never sees neither)
            try:
                self._search_wanted.clear()
                self.refresh_search()
            finally:
                self._searching = False

    def refresh_search(self) -> bool:
        """Index the pages now in the output and bring its search index up to date."""
        from .sitebuild import refresh_search_index

        start = time.monotonic()
        try:
            with self._lock:  # the pages as one build left them
                built, settings = self.builds, self._search_settings
            count = refresh_search_index(self.output, self._pagefind, lock=self._lock, settings=settings,
                                         page_keys=lambda: self._page_keys, state=self._search_state)
        except GongjiangError as exc:
            self.say(f"[{_now()}] 站内搜索更新失败，网页已是最新，搜索仍是上一次的结果：\n{exc}")
            return False
        self.searches += 1
        self.generation.bump_search()
        stale = "（期间网站又有修改，随后再次更新）" if self.builds != built else ""
        self.say(f"[{_now()}] 站内搜索已更新：收录 {count} 个页面，用时 {time.monotonic() - start:.1f} 秒{stale}。")
        return True

    def wait_search(self, timeout: float) -> bool:
        """Wait until no search refresh is wanted or running (tests, the benchmark)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._search_wanted.is_set() and not self._searching:
                return True
            time.sleep(0.05)
        return False

    def _reaches_data(self, path: Path) -> bool:
        """Whether a change to ``path`` may change the loaded data: anything but a file
        under content/ or theme/ (the data folder, the settings, anything unexpected)."""
        try:
            rel = Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            return True
        return rel.parts[:1] not in (("content",), ("theme",))

    def watched(self) -> list[Path]:
        return [self.root / name for name in WATCHED if (self.root / name).exists()]

    def watch(self, stop: threading.Event | None = None, **watch_options) -> None:
        """Rebuild after each batch of changes until ``stop`` is set (or Ctrl+C)."""
        import watchfiles

        for changes in watchfiles.watch(*self.watched(), stop_event=stop, **watch_options):
            paths = {Path(p) for _, p in changes}
            names = sorted(self._shown(p) for p in ({p for p in paths if p.exists()} or paths))
            more = f" 等 {len(names)} 个文件" if len(names) > 3 else ""
            self.say(f"[{_now()}] 检测到修改：{'、'.join(names[:3])}{more}，正在重新生成……")
            self.build(changed=paths)

    def _shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def start_server(self, host: str, port: int) -> ThreadingHTTPServer:
        server = make_server(self.output, host, port, self.generation, self.status)
        threading.Thread(target=server.serve_forever, name="devserver", daemon=True).start()
        return server

    def stop(self, server: ThreadingHTTPServer | None = None) -> None:
        self._stopping.set()
        self.generation.close()
        if server is not None:
            server.shutdown()
            server.server_close()
        thread = self._search_thread
        if thread is not None and thread.is_alive():  # let a running refresh finish and clean up after itself
            if self._searching:
                self.say("正在完成站内搜索的更新……")
            thread.join(120)

    def run(self, host: str, port: int) -> None:
        self.say(f"[{_now()}] 正在生成网站……")
        self.build(search=True)  # the first build indexes too: the site starts complete
        server = self.start_server(host, port)
        self.say(f"本地预览：http://{host}:{server.server_address[1]}/（修改 content/、data/、theme/ 下的文件会自动重新生成；按 Ctrl+C 停止）")
        try:
            self.watch()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop(server)
            self.say("已停止预览。")


def _today() -> dt.date:
    from .cli import today

    return today()


def serve(output: Path, host: str, port: int, *, say: Callable[[str], None] = print) -> None:
    """``make serve``: the built site as it is, no rebuilding, no script."""
    if not (output / "index.html").is_file():
        raise DevServerError(f"{output} 中还没有生成好的网站：请先运行 make html（或用 make devserver 边改边看）")
    server = make_server(output, host, port, None)
    say(f"正在提供 {output} 中的网站：http://{host}:{server.server_address[1]}/（按 Ctrl+C 停止）")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        say("已停止。")
