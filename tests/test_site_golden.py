"""Golden snapshot of the sample site (data/ + content/, real engine).

The build as of GOLDEN_AS_OF is normalized and compared with tests/golden/:

* ``MANIFEST.txt``: every output file with the SHA-256 of its bytes (photos and
  the repeated page header/footer are covered here);
* ``site/<path>``: every text file; HTML pages reduced to their <title>, meta and
  link tags and their <main> element, so diffs show what changed on the page.

The search bundle (``pagefind/``: Pagefind's own scripts and the compressed binary
index) is left out of the snapshot: third-party output that changes with every page
and says nothing in a diff. What the index holds is checked by
tests/test_search_index.py; the byte-identity test below covers it byte for byte.

After an intended change (data, engine, templates), regenerate and review the diff:

    make golden          # or: GONGJIANG_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_site_golden.py
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from searchkit import decoded_text, is_pagefind_file

from gongjiang_pipeline.sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
GOLDEN_AS_OF = dt.date(2026, 12, 1)
SEARCH_BUNDLE = "pagefind/"

pytestmark = pytest.mark.slow

BINARY = (".jpg", ".png", ".webp")  # images: in MANIFEST.txt by hash only

_HEAD = re.compile(r"^\s*<(title|meta|link)\b.*$", re.M)
_MAIN = re.compile(r"<main\b.*?</main>", re.S)


def normalize(name: str, data: bytes) -> str | None:
    if name.endswith(BINARY) or name.endswith("/qr.svg"):
        return None  # QR codes are generated from the page URL; their hash is in MANIFEST.txt
    text = data.decode("utf-8")
    if name.endswith(".html"):
        head = "\n".join(m.group(0).strip() for m in _HEAD.finditer(text))
        main = _MAIN.search(text)
        return head + "\n" + (main.group(0) if main else "") + "\n"
    return text


def snapshot(out: Path) -> dict[str, str]:
    snap: dict[str, str] = {}
    manifest = []
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        name = p.relative_to(out).as_posix()
        if name.startswith(SEARCH_BUNDLE):
            continue
        data = p.read_bytes()
        manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
        norm = normalize(name, data)
        if norm is not None:
            snap["site/" + name] = norm
    snap["MANIFEST.txt"] = "\n".join(manifest) + "\n"
    return snap


def read_golden() -> dict[str, str]:
    return {
        # bytes decoded as they are: iCalendar files end their lines with CRLF (RFC 5545)
        p.relative_to(GOLDEN).as_posix(): p.read_bytes().decode("utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }


def test_sample_site_matches_golden(tmp_path):
    if not any((ROOT / "data" / "editions").glob("*.yaml")):
        pytest.skip("no sample data in data/editions yet")
    out = tmp_path / "site"
    build_site(ROOT, out, GOLDEN_AS_OF)
    snap = snapshot(out)
    if os.environ.get("GONGJIANG_REGEN_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in snap.items():
            path = GOLDEN / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8", newline="")
        return
    golden = read_golden()
    problems = []
    for rel in sorted(set(golden) | set(snap)):
        if rel not in snap:
            problems.append(f"missing from the build: {rel}")
        elif rel not in golden:
            problems.append(f"new in the build: {rel}")
        elif golden[rel] != snap[rel]:
            diff = difflib.unified_diff(
                golden[rel].splitlines(), snap[rel].splitlines(), "golden/" + rel, "build/" + rel, lineterm="", n=2
            )
            problems.append("\n".join(list(diff)[:60]))
    assert not problems, (
        "the sample site differs from tests/golden/ (if intended: make golden, then review git diff)\n\n"
        + "\n\n".join(problems[:20])
    )


def test_sample_site_is_byte_identical_across_builds(tmp_path):
    if not any((ROOT / "data" / "editions").glob("*.yaml")):
        pytest.skip("no sample data in data/editions yet")
    a, b = tmp_path / "a", tmp_path / "b"
    build_site(ROOT, a, GOLDEN_AS_OF)
    build_site(ROOT, b, GOLDEN_AS_OF)
    assert snapshot(a) == snapshot(b)
    # the search bundle too, byte for byte
    bundle = {p.relative_to(a).as_posix(): p.read_bytes() for p in sorted((a / "pagefind").rglob("*")) if p.is_file()}
    assert bundle and bundle == {
        p.relative_to(b).as_posix(): p.read_bytes() for p in sorted((b / "pagefind").rglob("*")) if p.is_file()
    }


def test_sample_site_never_shows_private_or_non_public(tmp_path):
    if not any((ROOT / "data" / "editions").glob("*.yaml")):
        pytest.skip("no sample data in data/editions yet")
    from gongjiang_pipeline.loading import load_project

    out = tmp_path / "site"
    build_site(ROOT, out, GOLDEN_AS_OF)
    # every text file, and the search index decoded (its files are compressed)
    text = "\n".join(
        p.read_text("utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.endswith(BINARY) and not is_pagefind_file(p.relative_to(out).as_posix())
    )
    text += "\n" + decoded_text(out)
    assert "单立新" in decoded_text(out) and "shanlixin" in decoded_text(out)
    project = load_project(ROOT)
    assert "/craftsmen/" in text
    for ed in project.editions.values():
        for c in ed.candidates:
            for value in c.private.model_dump().values():
                if value:
                    assert str(value) not in text, (c.id, value)
    # people the site shows are exactly those on visible lists
    from gongjiang_pipeline.engine import run
    from gongjiang_pipeline.publication import publish

    visible = set()
    for ed in project.editions.values():
        visible |= publish(ed.edition, run(ed), GOLDEN_AS_OF).public_ids
    for ed in project.editions.values():
        for c in ed.candidates:
            if c.id not in visible and not any(c.name == o.name for e in project.editions.values() for o in e.candidates if o.id in visible):
                assert c.name not in text, (c.id, c.name)
