"""Local preview: ``make serve`` and ``make devserver``.

``serve`` serves the built site on 127.0.0.1. ``devserver`` builds the site,
serves it, watches ``content/``, ``data/``, ``theme/`` and ``pelican.conf.py``
with watchfiles and rebuilds on every change, then tells open browser tabs to
reload (Server-Sent Events).

Rebuilds run the CLI's ``build`` command in a child process: the very build
``make html`` runs (atomic: output swapped in only on success; the same AS_OF).
A build that fails (bad data, a broken template) prints its Chinese errors and
leaves the last good site in place, still served.

The live-reload script is added by this server to each HTML page as it sends
it, as ``<script src>`` of a file the server itself serves from the site's origin
(``RELOAD_JS_PATH``): the pages' Content-Security-Policy (``script-src 'self'``,
no inline script) applies in the preview too. The files on disk are byte for byte
what ``make html`` writes, so the script can never reach the published site.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from .errors import GongjiangError

RELOAD_PATH = "/__gongjiang__/reload"
RELOAD_JS_PATH = "/__gongjiang__/reload.js"
RELOAD_JS = (
    "/* 本地预览：文件修改并重新生成后自动刷新（只在 make devserver 中出现） */\n"
    "(function(){var seen=null;var es=new EventSource(\"" + RELOAD_PATH + "\");"
    "es.onmessage=function(e){if(seen===null){seen=e.data}else if(e.data!==seen){location.reload()}};})();\n"
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
    """The number of the last good build, shared with the reload streams."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._prefix = f"{time.time_ns():x}"  # a restarted server differs from the old one
        self._n = 0
        self.closed = False

    @property
    def value(self) -> str:
        return f"{self._prefix}-{self._n}"

    def bump(self) -> None:
        with self._cond:
            self._n += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait_change(self, seen: str | None, timeout: float) -> str:
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self.value != seen, timeout=timeout)
            return self.value


class Handler(SimpleHTTPRequestHandler):
    """Static files from the output folder; HTML gets the reload script when ``live``."""

    live = False
    generation: Generation | None = None

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

    def _events(self) -> None:
        gen = self.generation
        assert gen is not None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        seen = None
        try:
            while not gen.closed:
                value = gen.wait_change(seen, KEEPALIVE_SECONDS)
                if gen.closed:
                    break
                if value != seen:
                    self.wfile.write(f"data: {value}\n\n".encode())
                    seen = value
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


def make_server(output: Path, host: str, port: int, generation: Generation | None) -> ThreadingHTTPServer:
    """An HTTP server for ``output`` on ``host:port`` (port 0: any free port); live reload if ``generation``."""
    attrs = {"live": generation is not None, "generation": generation}
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


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


class DevServer:
    """Build, serve, watch, rebuild: the ``devserver`` command."""

    def __init__(self, root: Path, output: Path, as_of: dt.date | None, *, say: Callable[[str], None] = print):
        self.root = Path(root).resolve()
        self.output = output if output.is_absolute() else self.root / output
        self.as_of = as_of
        self.say = say
        self.generation = Generation()
        self.builds = 0  # successful builds

    def build_command(self) -> list[str]:
        cmd = [sys.executable, "-m", "gongjiang_pipeline", "--root", str(self.root), "build", "--output", str(self.output)]
        if self.as_of is not None:
            cmd += ["--as-of", self.as_of.isoformat()]
        return cmd

    def build(self) -> bool:
        """Rebuild the site; on success tell browsers to reload. Returns whether it succeeded."""
        from .stories import check_stories

        start = time.monotonic()
        run = subprocess.run(self.build_command(), capture_output=True, text=True, cwd=self.root)
        took = time.monotonic() - start
        if run.returncode != 0:
            kept = "继续显示上一次成功生成的网站" if (self.output / "index.html").is_file() else "还没有可以显示的网站"
            self.say(f"[{_now()}] 生成失败（用时 {took:.1f} 秒），{kept}。请修改以下问题，保存后会自动重新生成：")
            self.say(run.stderr.rstrip() or run.stdout.rstrip())
            return False
        self.builds += 1
        self.generation.bump()
        as_of = f"按 {self.as_of.isoformat()} 的公开范围" if self.as_of else "按今天的公开范围"
        self.say(f"[{_now()}] 已重新生成网站，用时 {took:.1f} 秒（{as_of}），浏览器将自动刷新。")
        problems = check_stories(self.root)
        if problems:
            self.say("提示：以下内容在提交前还需要处理（make check 会报错）：")
            self.say("\n".join(p.format() for p in problems))
        return True

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
            self.build()

    def _shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def run(self, host: str, port: int) -> None:
        self.say(f"[{_now()}] 正在生成网站……")
        self.build()
        server = make_server(self.output, host, port, self.generation)
        thread = threading.Thread(target=server.serve_forever, name="devserver", daemon=True)
        thread.start()
        self.say(f"本地预览：http://{host}:{server.server_address[1]}/（修改 content/、data/、theme/ 下的文件会自动重新生成；按 Ctrl+C 停止）")
        try:
            self.watch()
        except KeyboardInterrupt:
            pass
        finally:
            self.generation.close()
            server.shutdown()
            server.server_close()
            self.say("已停止预览。")


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
