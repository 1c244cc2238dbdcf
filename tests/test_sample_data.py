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


def test_sample_photos_are_small():
    photos = list((ROOT / "data" / "photos").glob("*.jpg"))
    assert photos
    assert sum(p.stat().st_size for p in photos) < 4 * 1024 * 1024
