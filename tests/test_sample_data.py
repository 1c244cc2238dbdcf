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


def test_real_editions_are_left_alone(tmp_path):
    """Files of other (real) editions next to the sample ones are neither stale nor rewritten."""
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    real = {
        "data/editions/2030.yaml": b"id: x\n",
        "data/candidates/2030/2030-001.yaml": b"id: x\n",
        "data/results/2030/votes.yaml": b"id: x\n",
        "data/photos/2030-001.jpg": b"jpeg",
    }
    for rel, data in real.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    tool = [sys.executable, str(ROOT / "tools" / "make_sample_data.py"), "--root", str(tmp_path)]
    check = subprocess.run(tool + ["--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    (tmp_path / "data/candidates/2016/2016-999.yaml").write_bytes(b"id: x\n")
    check = subprocess.run(tool + ["--check"], capture_output=True, text=True)
    assert (check.returncode, check.stdout) == (1, "多余的文件：data/candidates/2016/2016-999.yaml\n")
    (tmp_path / "data/candidates/2016/2016-999.yaml").unlink()
    subprocess.run(tool, capture_output=True, check=True)
    assert all((tmp_path / rel).read_bytes() == data for rel, data in real.items())


def test_sample_photos_are_small():
    photos = [p for p in (ROOT / "data" / "photos").glob("*.jpg") if p.name[:4] in ("2016", "2026")]  # sample editions
    assert photos
    assert sum(p.stat().st_size for p in photos) < 4 * 1024 * 1024
