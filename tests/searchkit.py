"""Read the Pagefind search index of a built site (tests only).

Pagefind writes gzip-compressed files that start with ``pagefind_dcd``:
fragments (one per indexed page: JSON with url, content, meta, filters) and the
word index, filter index and metadata (CBOR).

Determinism: Pagefind 1.5.2 writes the values of each filter in hash-map order,
which changes from run to run, so three files of an otherwise byte-identical
build differ: ``pagefind/filter/*.pf_filter``, the ``pagefind/pagefind.*.pf_meta``
that names them by hash, and ``pagefind/pagefind-entry.json`` that names the
latter. :func:`is_volatile` says which; byte-identity checks leave exactly these
out and compare :func:`canonical_index` (their decoded content, sorted) instead.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import cbor2

MAGIC = b"pagefind_dcd"
_VOLATILE = re.compile(r"^pagefind/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$")


def is_pagefind_file(name: str) -> bool:
    """Anything in the search bundle: Pagefind's scripts, styles and WebAssembly, and
    the index (compressed: read it with :func:`fragments` or :func:`decoded_text`)."""
    return name.startswith("pagefind/")


def is_volatile(name: str) -> bool:
    """A Pagefind file whose bytes (not content) differ between identical builds."""
    return bool(_VOLATILE.match(name))


def _payload(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(MAGIC), path
    return data[len(MAGIC):]


def fragments(site: Path) -> dict[str, dict]:
    """url -> fragment (content, meta, filters, word_count) of every indexed page."""
    out = {}
    for p in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        frag = json.loads(_payload(p))
        out[frag["url"]] = frag
    return out


def filters(site: Path) -> dict[str, dict[str, list[int]]]:
    """filter name -> value -> page numbers."""
    out: dict[str, dict[str, list[int]]] = {}
    for p in (site / "pagefind" / "filter").glob("*.pf_filter"):
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


def canonical_index(site: Path) -> dict:
    """The volatile files' content in a canonical form (see the module docstring)."""
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    for lang in entry["languages"].values():
        lang["hash"] = "<hash>"
    (meta_path,) = (site / "pagefind").glob("pagefind.*.pf_meta")
    version, pages, index_chunks, filter_chunks, sorts, meta_fields = cbor2.loads(_payload(meta_path))
    return {
        "entry": entry,
        "meta": [version, pages, index_chunks, sorted(name for name, _ in filter_chunks), sorts, meta_fields],
        "filters": filters(site),
    }


def stable_files(site: Path) -> dict[str, str]:
    """name -> SHA-256 of every output file except the volatile Pagefind files."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not is_volatile(p.relative_to(site).as_posix())
    }
