"""The committed sample data is exactly what tools/make_sample_data.py writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_sample_data_matches_generator():
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_sample_data.py"), "--check"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert run.returncode == 0, "data/ differs from tools/make_sample_data.py output:\n" + run.stdout + run.stderr


def test_real_editions_are_left_alone(tmp_path, monkeypatch):
    """Files of other (real) editions next to the sample ones are not stale for the generator."""
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location("make_sample_data", ROOT / "tools" / "make_sample_data.py")
    tool = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, tool)  # dataclasses look their module up there
    spec.loader.exec_module(tool)
    real = ["data/editions/2030.yaml", "data/candidates/2030/2030-001.yaml", "data/results/2030/votes.yaml",
            "data/photos/2030-001.jpg"]
    sample = ["data/editions/2016.yaml", "data/candidates/2026/2026-001.yaml", "data/results/2016/scores/welder.yaml",
              "data/photos/2016-003.jpg"]
    assert [tool.sample_owned(r) for r in real + sample] == [False] * 4 + [True] * 4

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for rel in real:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"id: x\n")
    check = subprocess.run([sys.executable, str(ROOT / "tools" / "make_sample_data.py"), "--root", str(tmp_path), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_sample_photos_are_small():
    photos = [p for p in (ROOT / "data" / "photos").glob("*.jpg") if p.name[:4] in ("2016", "2026")]  # sample editions
    assert photos
    assert sum(p.stat().st_size for p in photos) < 4 * 1024 * 1024
