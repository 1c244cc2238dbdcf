import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import ScratchProject  # noqa: E402


@pytest.fixture
def scratch(tmp_path) -> ScratchProject:
    """A minimal valid project in a temporary directory."""
    return ScratchProject(tmp_path / "project")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
