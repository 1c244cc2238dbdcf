"""Build the site's search index with Pagefind, over a site already written.

Pagefind's extended build (the PyPI package ``pagefind[extended]``) is required:
only it segments Chinese into words, so that 焊工 or 京测 find pages where they
appear inside longer text. Any failure is a :class:`SearchIndexError` with a
Chinese message; the build then fails and the old site stays in place.

The index is deterministic: the same pages give byte-identical files (checked by
tests/test_search_index.py and the golden byte-identity test).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .errors import GongjiangError

BUNDLE_DIR = "pagefind"  # under the site root: /pagefind/pagefind-ui.js ...
TIMEOUT_SECONDS = 300


class SearchIndexError(GongjiangError):
    """Pagefind could not build the search index."""


def pagefind_executable() -> Path:
    try:
        import pagefind_bin_extended
    except ImportError:
        raise SearchIndexError(
            "未安装 Pagefind 扩展版（pagefind[extended]），无法生成站内搜索索引。"
            "请运行 make venv 重新安装依赖。"
        ) from None
    try:
        return pagefind_bin_extended.get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(f"Pagefind 扩展版安装不完整，找不到可执行文件：{exc}") from None


def build_search_index(site: Path, *, executable: Path | None = None) -> int:
    """Index ``site`` (pages marked ``data-pagefind-body``) into ``site/pagefind/``.

    Returns the number of pages indexed. ``executable`` replaces the Pagefind
    binary (tests use it to show that failures fail the build).
    """
    site = Path(site).resolve()
    exe = Path(executable) if executable else pagefind_executable()
    cmd = [str(exe), "--site", str(site), "--output-subdir", BUNDLE_DIR]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        run = subprocess.run(
            cmd, cwd=site, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except FileNotFoundError:
        raise SearchIndexError(f"无法运行 Pagefind：找不到 {exe}") from None
    except PermissionError:
        raise SearchIndexError(f"无法运行 Pagefind：{exe} 不可执行") from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"生成站内搜索索引超时（超过 {TIMEOUT_SECONDS} 秒）") from None
    log = (run.stdout or "") + (run.stderr or "")
    if run.returncode != 0:
        raise SearchIndexError(f"生成站内搜索索引失败（Pagefind 退出码 {run.returncode}）：\n{_tail(log)}")
    if "(Extended)" not in log:
        raise SearchIndexError("Pagefind 不是扩展版，无法对中文分词；请安装 pagefind[extended]。\n" + _tail(log))
    if "Ignoring pages without this tag" not in log:
        # no page marked data-pagefind-body: Pagefind would index every page
        raise SearchIndexError("没有标记为可搜索（data-pagefind-body）的页面，未生成站内搜索索引。\n" + _tail(log))
    counts = re.findall(r"^\s*Indexed (\d+) pages?\s*$", log, re.M)
    if not counts or not (site / BUNDLE_DIR / "pagefind-entry.json").is_file():
        raise SearchIndexError("Pagefind 没有生成搜索索引。\n" + _tail(log))
    return int(counts[-1])


def _tail(log: str, lines: int = 20) -> str:
    return "\n".join(log.strip().splitlines()[-lines:])
