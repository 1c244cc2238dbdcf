"""Build the site's search index with Pagefind, over a site already written.

Pagefind's extended build (the PyPI package ``pagefind[extended]``) is required:
only it segments Chinese into words, so that 焊工 or 京测 find pages where they
appear inside longer text. Any failure is a :class:`SearchIndexError` with a
Chinese message; the build then fails and the old site stays in place.

Deterministic output: Pagefind 1.5.2 writes the values of each filter in hash-map
order, which changes from run to run, and names its files by the hash of their bytes,
so the filter files, the metadata file that lists them and ``pagefind-entry.json``
would differ between builds of the same pages. :func:`canonicalise` rewrites those
with the values sorted and the files named by the SHA-256 of their new bytes; the
rest of the index is already byte-identical. Same pages, same bytes (checked by the
byte-identity tests of tests/test_site_build.py, test_site_golden.py, test_cli_build.py).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import cbor2

from .errors import GongjiangError

BUNDLE_DIR = "pagefind"  # under the site root: /pagefind/pagefind-ui.js ...
SEARCHABLE = b"data-pagefind-body"  # the attribute that marks a page Pagefind indexes
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
    canonicalise(site / BUNDLE_DIR)
    return int(counts[-1])


# Pagefind's binary files: gzip of b"pagefind_dcd" + CBOR
_MAGIC = b"pagefind_dcd"


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise SearchIndexError(f"无法识别的 Pagefind 索引文件：{path.name}")
    return cbor2.loads(data[len(_MAGIC):])


def _write(folder: Path, stem: str, suffix: str, value) -> str:
    """Write ``value`` as a Pagefind file named ``<stem><hash><suffix>``; returns the hash part."""
    data = gzip.compress(_MAGIC + cbor2.dumps(value), compresslevel=9, mtime=0)
    digest = hashlib.sha256(data).hexdigest()
    (folder / f"{stem}{digest[:13]}{suffix}").write_bytes(data)
    return digest[:13]


def canonicalise(bundle: Path) -> None:
    """Rewrite the filter index (and the two files naming it) in a fixed order (see
    the module docstring). Knows Pagefind 1.5's layout: the metadata file is
    ``[version, pages, index chunks, [[filter, file hash] ...], sorts, meta fields]``
    and a filter file ``[filter, [[value, [page ...]] ...]]``."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) == 6 and isinstance(meta[3], list)):
            raise SearchIndexError(f"Pagefind 索引格式与预期不符（{meta_path.name}），请检查 Pagefind 版本")
        chunks = []
        for name, file_hash in sorted(meta[3]):
            filter_path = bundle / "filter" / f"{file_hash}.pf_filter"
            fname, values = _read(filter_path)
            filter_path.unlink()
            chunks.append([name, f"{lang}_" + _write(bundle / "filter", f"{lang}_", ".pf_filter",
                                                     [fname, sorted(values, key=lambda v: v[0])])])
        meta[3] = chunks
        meta_path.unlink()
        info["hash"] = f"{lang}_" + _write(bundle, f"pagefind.{lang}_", ".pf_meta", meta)
    # one bundle per language (the English edition): Pagefind lists them in no fixed order
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _tail(log: str, lines: int = 20) -> str:
    return "\n".join(log.strip().splitlines()[-lines:])
