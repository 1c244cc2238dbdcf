"""(j) ``make devserver`` edit-to-reload latency: a file saved -> the server's reload event.

The devserver runs as a child process (``python -m gongjiang_pipeline devserver``,
as ``make devserver`` starts it) on the bench project. After its first build this
process connects to its reload stream (Server-Sent Events, as the page's script
does), then for each edit saves one file and times until the next reload event
arrives. Before each edit it waits until the search index of the previous one has
been brought up to date (the devserver does that in the background, after the
reload), so edits do not queue behind each other. The server's status
(``/__gongjiang__/status``) gives the build process id, which must stay the same
(one resident build process), and when the build of the edit began and ended.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

from gongjiang_pipeline.devserver import RELOAD_PATH, STATUS_PATH

_URL = re.compile(r"本地预览：http://127\.0\.0\.1:(\d+)/")


class DevserverBenchError(Exception):
    pass


class _Stream:
    """The reload stream, read in a thread: each event as (arrival time, event name, data)."""

    def __init__(self, port: int, timeout: float):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.conn.request("GET", RELOAD_PATH)
        self.resp = self.conn.getresponse()
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "message", None
        try:
            for raw in self.resp.fp:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data is not None:
                    self.q.put((time.time(), event, data))
                    event, data = "message", None
        except (OSError, ValueError):
            pass

    def reload(self, timeout: float) -> tuple[float, str]:
        """The next page reload event: (arrival time, generation)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevserverBenchError("等待重新加载事件超时")
            try:
                at, event, data = self.q.get(timeout=left)
            except queue.Empty:
                raise DevserverBenchError("等待重新加载事件超时") from None
            if event == "message":
                return at, data

    def drain(self) -> None:
        """Drop the events received so far (an edit's full build may send one after its first answer)."""
        while True:
            try:
                self.q.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        self.conn.close()


def _status(port: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", STATUS_PATH)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def _wait_idle(port: int, timeout: float, *, search: bool = True) -> dict:
    """The status once the last edit's full build is done (after a first answer it runs
    after the reload event) and, if ``search``, no search index refresh is wanted or running."""
    deadline = time.monotonic() + timeout
    while True:
        st = _status(port)
        if not st.get("pages_pending") and not (search and st.get("search_pending")):
            return st
        if time.monotonic() > deadline:
            raise DevserverBenchError("等待站内搜索更新超时")
        time.sleep(0.1)


def measure(cmd: list[str], cwd: Path, env: dict, log: Path,
            edits: list[tuple[str, str, Callable[[], str]]], *, timeout: float = 600) -> dict:
    """Start the devserver ``cmd``, then for each ``(key, label, edit)`` run ``edit()`` (it
    saves one file and returns what it changed) and time it to the reload event."""
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**env, "PYTHONUNBUFFERED": "1"}
    out = open(log, "w", encoding="utf-8")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            out.write(line)
            out.flush()
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    stream = None
    try:
        port = None
        deadline = time.monotonic() + timeout
        while port is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise DevserverBenchError("devserver 启动超时") from None
            if (m := _URL.search(line)) is not None:
                port = int(m.group(1))
            if proc.poll() is not None and lines.empty():
                raise DevserverBenchError(f"devserver 退出（退出码 {proc.returncode}），见 {log}")
        first_build = time.perf_counter() - start
        stream = _Stream(port, timeout)
        stream.reload(timeout)  # the current generation, sent at once
        pid = _status(port)["pid"]
        rows = []
        for key, label, edit in edits:
            before = _wait_idle(port, timeout)
            time.sleep(0.3)  # the watcher is idle too
            stream.drain()  # (the reload events of the last edit's full build)
            what = edit()
            saved = time.time()
            at, _gen = stream.reload(timeout)
            st = _wait_idle(port, timeout, search=False)  # the full build of this edit, done
            rows.append({
                "key": key, "label": label, "what": what,
                "latency_ms": (at - saved) * 1000,  # saved -> reload event received
                # the first answer (the edited story's or person's own pages) or, without
                # one, the full build; and saved -> the full build done (every page up to date)
                "quick_pages": st.get("quick_pages") or [],
                "full_ms": (st["ended"] - saved) * 1000 if st.get("ended") else None,
                "build_ms": (st["ended"] - st["began"]) * 1000 if st.get("ended") else None,
                "until_build_ms": (st["began"] - saved) * 1000 if st.get("began") else None,  # the watcher's share
                "rendered": st.get("rendered"),
                "engine_runs": st.get("engine_runs"),
                "model_reused": st.get("model_reused"),
                "data_reused": st.get("data_reused"),
                "pid": st["pid"],
                "builds": st["builds"] - before["builds"],
            })
        last = _wait_idle(port, timeout)
        return {"first_build_seconds": first_build, "pid": pid, "edits": rows,
                "same_process": all(r["pid"] == pid for r in rows) and last["pid"] == pid,
                "searches": last.get("searches")}
    finally:
        if stream is not None:
            stream.close()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGINT)  # the devserver stops cleanly on Ctrl+C
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        out.close()
