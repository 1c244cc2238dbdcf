"""The build manifest's check that an output folder is as the last build left it
(buildcache.Manifest.intact): what lets a rebuild with unchanged inputs stop early.

Scratch output folders; each row changes one thing after the manifest was saved.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gongjiang_pipeline.buildcache import Manifest

FILES = {
    "index.html": "<p>首页</p>",
    "craftsmen/shan-lixin/index.html": "<p>单立新</p>",
    "craftsmen/shan-lixin/qr.svg": "<svg/>",
    "pagefind/2016/pagefind-entry.json": "{}",
}


def _saved(tmp_path: Path) -> tuple[Path, Path]:
    out, cache = tmp_path / "out", tmp_path / "cache"
    for rel, text in FILES.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, "utf-8")
    Manifest(out).save(cache, {rel: f"key-{rel}" for rel in FILES})
    return out, cache


def _rewrite(path: Path, text: str) -> None:
    st = path.stat()
    path.write_text(text, "utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a later write, on any file system


CHANGES = [
    ("nothing", lambda out: None, True),
    ("an empty folder added", lambda out: (out / "empty").mkdir(), True),
    ("a page rewritten", lambda out: _rewrite(out / "craftsmen/shan-lixin/index.html", "<p>改过</p>"), False),
    ("a page rewritten, same size", lambda out: _rewrite(out / "index.html", "<p>首屏</p>"), False),
    ("a page removed", lambda out: (out / "index.html").unlink(), False),
    ("a nested file removed", lambda out: (out / "pagefind/2016/pagefind-entry.json").unlink(), False),
    ("a folder removed", lambda out: shutil.rmtree(out / "craftsmen"), False),
    ("a file added at the top", lambda out: (out / "extra.html").write_text("x", "utf-8"), False),
    ("a file added deep down", lambda out: (out / "craftsmen/shan-lixin/extra.png").write_bytes(b"x"), False),
    ("a file replaced by a folder", lambda out: ((out / "index.html").unlink(), (out / "index.html").mkdir()), False),
]


@pytest.mark.parametrize("what,change,intact", CHANGES, ids=[row[0] for row in CHANGES])
def test_the_output_is_intact_only_as_the_last_build_left_it(tmp_path, what, change, intact):
    out, cache = _saved(tmp_path)
    change(out)
    assert Manifest.load(cache, out).intact() is intact


def test_a_missing_output_folder_is_not_intact(tmp_path):
    out, cache = _saved(tmp_path)
    shutil.rmtree(out)
    assert Manifest.load(cache, out).intact() is False
