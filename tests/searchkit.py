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


WORDS_DIR = "gongjiang-words"  # = searchbundles.WORDS_DIR: each bundle's word lists (JSON)


def bundles(site: Path) -> list[Path]:
    """The folders of the site's search bundles: ``pagefind/`` and/or one per edition,
    and ``pagefind/en/`` for the English pages (gongjiang_pipeline/searchbundles.py)."""
    return sorted(p.parent for p in (site / "pagefind").rglob("pagefind-entry.json"))


def fragments(site: Path, lang: str = "zh-cn") -> dict[str, dict]:
    """url -> fragment (content, meta, filters, word_count) of every page indexed in
    the language ``lang`` (Pagefind keeps an index per <html lang>: zh-cn, and en for
    /en/), in every bundle."""
    out = {}
    for bundle in bundles(site):
        for p in sorted((bundle / "fragment").glob(f"{lang}_*.pf_fragment")):
            frag = json.loads(_payload(p))
            assert frag["url"] not in out, frag["url"]  # a page is in one bundle
            out[frag["url"]] = frag
    return out


def bundle_filters(bundle: Path, lang: str = "zh-cn") -> dict[str, dict[str, list[int]]]:
    """One bundle's filter index of language ``lang``: filter name -> value -> page numbers, as written."""
    out: dict[str, dict[str, list[int]]] = {}
    for p in (bundle / "filter").glob(f"{lang}_*.pf_filter"):
        name, values = cbor2.loads(_payload(p))
        out[name] = {value: sorted(pages) for value, pages in values}
    return out


def filters(site: Path, lang: str = "zh-cn") -> dict[str, dict[str, list[str]]]:
    """filter name -> value -> pages ("<bundle>:<page number>") in the language
    ``lang``, over every bundle."""
    out: dict[str, dict[str, list[str]]] = {}
    for bundle in bundles(site):
        name_of = bundle.relative_to(site).as_posix()
        for name, values in bundle_filters(bundle, lang).items():
            for value, pages in values.items():
                out.setdefault(name, {}).setdefault(value, []).extend(f"{name_of}:{n}" for n in pages)
    return {name: dict(sorted(values.items())) for name, values in sorted(out.items())}


def decoded_text(site: Path) -> str:
    """Everything in the index as text (fragments, words, filters, metadata, and the
    bundles' word lists), for checks that nothing private or unpublished is in it."""
    parts = []
    for p in sorted((site / "pagefind").rglob("*")):
        if p.parent.name == WORDS_DIR and p.suffix == ".json":
            parts.append(p.read_text("utf-8"))
        elif p.suffix in (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta"):
            payload = _payload(p)
            parts.append(payload.decode("utf-8") if p.suffix == ".pf_fragment" else repr(cbor2.loads(payload)))
    return "\n".join(parts)
