"""Rebuilds touch only what changed: the output folder is synced, not swapped.

* ``sync_directory``: unchanged files keep inode and mtime, changed ones are
  replaced, files and folders no longer produced are removed, a file that
  becomes a folder (and back) is handled.
* ``gongjiang build`` twice with nothing changed rewrites 0 files; after one
  candidate's citation changes, exactly the files whose bytes changed are
  rewritten (some, not all).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sitekit import SiteProject

from gongjiang_pipeline.atomic import SyncStats, atomic_directory, sync_directory
from gongjiang_pipeline.cli import main


def state(out: Path) -> dict[str, tuple[int, int, str]]:
    """path -> (inode, mtime_ns, sha256) for every file."""
    out_state = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            st = p.stat()
            out_state[p.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
    return out_state


def tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return root


def test_sync_touches_only_what_differs(tmp_path):
    out = tree(tmp_path / "out", {"same.html": "同", "a/changed.html": "旧", "gone/deep/x.html": "x", "a/gone.txt": "g",
                                  "kind": "a file that becomes a folder"})
    os.utime(out / "same.html", ns=(1_000_000_000, 1_000_000_000))
    before = state(out)
    new = tree(tmp_path / ".out.building", {"same.html": "同", "a/changed.html": "新", "a/new.html": "n",
                                            "kind/inner.html": "i", "empty-but-produced/.keep": ""})
    (new / "empty-dir").mkdir()
    stats = sync_directory(new, out)
    after = state(out)
    assert after["same.html"] == before["same.html"]  # inode, mtime and bytes
    assert (out / "a/changed.html").read_text("utf-8") == "新"
    assert sorted(after) == ["a/changed.html", "a/new.html", "empty-but-produced/.keep", "kind/inner.html", "same.html"]
    assert not (out / "gone").exists()  # emptied folders are removed
    assert (out / "empty-dir").is_dir()  # produced folders stay, even empty
    assert (stats.written, stats.unchanged, stats.deleted) == (4, 1, 2)  # "kind" (file -> folder) is replaced, not counted as deleted

    # and back: the folder becomes a file again
    again = tree(tmp_path / ".out.building2", {"same.html": "同", "kind": "file"})
    sync_directory(again, out)
    assert state(out)["same.html"] == before["same.html"]
    assert (out / "kind").read_text("utf-8") == "file"
    assert sorted(state(out)) == ["kind", "same.html"]


def test_atomic_directory_reports_and_cleans_up(tmp_path):
    out = tree(tmp_path / "output", {"index.html": "首页", "old.html": "旧"})
    stats = SyncStats()
    with atomic_directory(out, stats) as tmp:
        (tmp / "index.html").write_text("首页", "utf-8")
        (tmp / "new.html").write_text("新", "utf-8")
    assert (stats.written, stats.unchanged, stats.deleted) == (1, 1, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


@pytest.mark.slow
def test_rebuild_rewrites_only_changed_files(tmp_path, capsys):
    site = SiteProject(tmp_path / "project")
    site.story("public-one", "2099-001")
    with open(site.path("pelican.conf.py"), "a", encoding="utf-8") as f:
        f.write('\nGONGJIANG_ENGINE = "sitekit:fake_engine"\n')
    out = tmp_path / "site"

    def build() -> None:
        rc = main(["--root", str(site.root), "build", "--output", str(out), "--as-of", "2099-12-31"])
        assert rc == 0, capsys.readouterr().err

    build()
    first = state(out)
    assert len(first) > 20

    build()  # nothing changed: nothing rewritten
    assert state(out) == first

    cand = site.path("data/candidates/2099/2099-002.yaml")
    text = cand.read_text("utf-8")
    assert "citation: 三十年如一日钻研焊接技术。" in text
    cand.write_text(text.replace("citation: 三十年如一日钻研焊接技术。", "citation: 四十年如一日钻研焊接技术。"), "utf-8")
    build()
    second = state(out)
    rewritten = {p for p in second if p not in first or second[p][:2] != first[p][:2]}
    changed = {p for p in second if p not in first or second[p][2] != first[p][2]}
    assert rewritten == changed  # a file is rewritten exactly when its bytes changed
    assert 0 < len(rewritten) < len(second)
    assert all(second[p] == first[p] for p in second if p not in changed)
    assert any("四十年如一日" in (out / p).read_text("utf-8", "replace") for p in changed)
