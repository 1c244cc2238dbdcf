"""Read the Pagefind search index of a built site (tests only).

Pagefind writes gzip-compressed files that start with ``pagefind_dcd``:
fragments (one per indexed page: JSON with url, content, meta, filters) and the
word index, filter index and metadata (CBOR).

The build rewrites the filter index in a fixed order
(gongjiang_pipeline/searchindex.py: canonicalise), so the whole bundle is
byte-identical between builds of the same pages.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cbor2

MAGIC = b"pagefind_dcd"


def is_pagefind_file(name: str) -> bool:
    """Anything in the search bundle: Pagefind's scripts, styles and WebAssembly, and
    the index (compressed: read it with :func:`fragments` or :func:`decoded_text`)."""
    return name.startswith("pagefind/")


def _payload(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(MAGIC), path
    return data[len(MAGIC):]


def fragments(site: Path, lang: str = "zh-cn") -> dict[str, dict]:
    """url -> fragment (content, meta, filters, word_count) of every page indexed in the
    bundle of ``lang`` (Pagefind keeps one per <html lang>: zh-cn, and en for /en/)."""
    out = {}
    for p in sorted((site / "pagefind" / "fragment").glob(f"{lang}_*.pf_fragment")):
        frag = json.loads(_payload(p))
        out[frag["url"]] = frag
    return out


def filters(site: Path, lang: str = "zh-cn") -> dict[str, dict[str, list[int]]]:
    """filter name -> value -> page numbers, in the bundle of ``lang``."""
    out: dict[str, dict[str, list[int]]] = {}
    for p in (site / "pagefind" / "filter").glob(f"{lang}_*.pf_filter"):
        name, values = cbor2.loads(_payload(p))
        out[name] = {value: sorted(pages) for value, pages in values}
    return out


def decoded_text(site: Path) -> str:
    """Everything in the index as text (fragments, words, filters, metadata), for
    checks that nothing private or unpublished is in it."""
    parts = []
    for p in sorted((site / "pagefind").rglob("*")):
        if p.suffix in (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"):
            payload = _payload(p)
            parts.append(payload.decode("utf-8") if p.suffix == ".pf_fragment" else repr(cbor2.loads(payload)))
    return "\n".join(parts)
