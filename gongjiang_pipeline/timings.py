"""Where a build's time goes: wall-clock seconds per phase, for ``build --timings``.

A build opens a :func:`recording`; code anywhere in the build (the pure core or
the Pelican plugin) marks a phase with ``with phase("load"):``. Outside a
recording, :func:`phase` does nothing, so library callers (tests, the engine on
its own) pay nothing and see nothing. Phases may nest (page keys are computed
while the generator writes); each phase's time includes the phases inside it,
and the report says which phases those are.

Forked worker processes (data parsing, page rendering) do not record: their
work is counted in the parent's phase that waits for them.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

# phase key -> (Chinese label, the phase it runs inside, if any); in build order
PHASES: dict[str, tuple[str, str | None]] = {
    "inputs": ("比对输入（是否有改动）", None),
    "load": ("读取并校验数据", None),
    "engine": ("评选引擎", None),
    "model": ("网站模型", None),
    "media": ("准备图片（照片、分享图片、二维码）", None),
    "generate": ("生成页面清单并写入图片文件", None),
    "keys": ("计算页面键（判断哪些页面可沿用）", "generate"),
    "render": ("渲染页面", None),
    "search": ("站内搜索索引（Pagefind）", None),
    "sync": ("同步到输出目录", None),
    "record": ("记录本次输出（供下次增量构建）", None),
}


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    total: float | None = None

    def add(self, key: str, seconds: float) -> None:
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds
        self.calls[key] = self.calls.get(key, 0) + 1

    def stop(self) -> None:
        self.total = time.perf_counter() - self.started

    def other(self) -> float:
        """Time in no top-level phase (start-up, imports, Pelican reading stories and policy pages)."""
        total = self.total if self.total is not None else time.perf_counter() - self.started
        top = sum(s for k, s in self.seconds.items() if PHASES.get(k, ("", None))[1] is None)
        return max(0.0, total - top)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "phases": {k: round(self.seconds[k], 4) for k in _ordered(self.seconds)},
            "other": round(self.other(), 4),
        }

    def report(self) -> str:
        total = self.total if self.total is not None else time.perf_counter() - self.started
        lines = [f"各阶段用时（墙钟，共 {total:.2f} 秒）："]
        for key in _ordered(self.seconds):
            label, parent = PHASES.get(key, (key, None))
            inside = f"（大部分含在「{PHASES[parent][0]}」中，不另计）" if parent else ""
            share = f"{100 * self.seconds[key] / total:5.1f}%" if total > 0 else "   - "
            lines.append(f"  {self.seconds[key]:7.2f} 秒 {share}  {label}{inside}")
        lines.append(f"  {self.other():7.2f} 秒          其他（启动与导入，Pelican 读取故事和政策页面等）")
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")


def _ordered(seconds: dict[str, float]) -> list[str]:
    known = [k for k in PHASES if k in seconds]
    return known + sorted(k for k in seconds if k not in PHASES)


_CURRENT: ContextVar[Timings | None] = ContextVar("gongjiang_timings", default=None)


@contextmanager
def recording() -> Iterator[Timings]:
    """Record the phases of everything run inside; the Timings is stopped on exit."""
    timings = Timings()
    token = _CURRENT.set(timings)
    try:
        yield timings
    finally:
        timings.stop()
        _CURRENT.reset(token)


@contextmanager
def phase(key: str) -> Iterator[None]:
    """Count the wall time inside as phase ``key`` of the current recording, if any."""
    timings = _CURRENT.get()
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings.add(key, time.perf_counter() - start)
