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
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Mapping

import cbor2

from .errors import GongjiangError
from .searchbundles import word_files

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


def link_or_copy(src, dest) -> None:
    """A page for Pagefind to read: a hard link, or a copy where linking fails (another
    file system, no hard links): Pagefind only reads it."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def build_search_index(site: Path, *, executable: Path | None = None, output: Path | None = None) -> int:
    """Index ``site`` (pages marked ``data-pagefind-body``) into ``site/pagefind/``,
    or into the folder ``output`` if given.

    Returns the number of pages indexed. ``executable`` replaces the Pagefind
    binary (tests use it to show that failures fail the build).
    """
    site = Path(site).resolve()
    exe = Path(executable) if executable else pagefind_executable()
    bundle = Path(output).resolve() if output is not None else site / BUNDLE_DIR
    where = ["--output-path", str(bundle)] if output is not None else ["--output-subdir", BUNDLE_DIR]
    cmd = [str(exe), "--site", str(site), *where]
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
    if not counts or not (bundle / "pagefind-entry.json").is_file():
        raise SearchIndexError("Pagefind 没有生成搜索索引。\n" + _tail(log))
    canonicalise(bundle)
    return int(counts[-1])


def index_pages(pages: Mapping[str, Path], output: Path, *, executable: Path | None = None) -> int:
    """Index only ``pages`` (output path -> the file holding it) into the bundle
    folder ``output``: Pagefind runs over a scratch folder next to ``output``
    holding hard links to those files at their output paths (so the URLs are the
    same), removed afterwards. One such run makes one bundle of the multisite
    search (searchbundles.py)."""
    output = Path(output).resolve()
    os.makedirs(output.parent, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".search-", dir=output.parent))
    try:
        made: set[str] = set()
        for rel, path in sorted(pages.items()):
            folder = os.path.dirname(rel)
            if folder not in made:
                os.makedirs(stage / folder, exist_ok=True)
                made.add(folder)
            link_or_copy(path, stage / rel)
        return build_search_index(stage, executable=executable, output=output)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def index_words(bundle: Path) -> dict[str, set[str]]:
    """The words in a bundle's index, by language (the keys Pagefind matches a query
    against, as it stored them)."""
    return {lang: set().union(*pages.values()) if pages else set()
            for lang, pages in page_words(bundle).items()}


def word_lists(bundle: Path) -> dict[str, bytes]:
    """The word-list files of a bundle (searchbundles.word_files), from its index:
    per language its page count, whether Pagefind stems its words (the entry file
    names a stemmer's WebAssembly for it) and its words."""
    entry = json.loads((Path(bundle) / "pagefind-entry.json").read_text("utf-8"))
    words = index_words(bundle)
    try:
        languages = {lang: (int(info["page_count"]), info.get("wasm") is not None, words.get(lang, ()))
                     for lang, info in entry["languages"].items()}
    except (TypeError, ValueError, KeyError, AttributeError):
        raise SearchIndexError("Pagefind 索引格式与预期不符（pagefind-entry.json），请检查 Pagefind 版本") from None
    return word_files(languages, entry.get("include_characters") or ())


def page_words(bundle: Path) -> dict[str, dict[str, set[str]]]:
    """language -> page URL -> the words of that page in a bundle's index. Knows
    Pagefind 1.5's layout: the metadata file lists the pages as ``[fragment hash,
    word count]`` (second item) and the index chunks as ``[from, to, hash]`` (third),
    an index chunk is ``[[[word, [[page number step, ...], ...], ...], ...]]`` (each
    page number the sum of the steps so far), a fragment
    is JSON with the page's ``url``."""
    entry = json.loads((Path(bundle) / "pagefind-entry.json").read_text("utf-8"))
    out: dict[str, dict[str, set[str]]] = {}
    for lang, info in entry["languages"].items():
        meta_path = Path(bundle) / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        try:
            urls = [json.loads(_payload(Path(bundle) / "fragment" / f"{page[0]}.pf_fragment"))["url"]
                    for page in meta[1]]
            words: dict[str, set[str]] = {url: set() for url in urls}
            for _first, _last, chunk in meta[2]:
                (entries,) = _read(Path(bundle) / "index" / f"{chunk}.pf_index")
                for item in entries:
                    page = 0
                    for posting in item[1]:  # page numbers as differences from the one before
                        page += posting[0]
                        words[urls[page]].add(str(item[0]))
        except (TypeError, ValueError, IndexError, KeyError, OSError):
            raise SearchIndexError(f"Pagefind 索引格式与预期不符（{meta_path.name}），请检查 Pagefind 版本") from None
        out[lang] = words
    return out


# Pagefind's binary files: gzip of b"pagefind_dcd" + CBOR
_MAGIC = b"pagefind_dcd"


def _payload(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise SearchIndexError(f"无法识别的 Pagefind 索引文件：{path.name}")
    return data[len(_MAGIC):]


def _read(path: Path):
    return cbor2.loads(_payload(path))


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
