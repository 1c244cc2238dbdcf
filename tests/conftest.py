import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browsing import CHROMIUM, LAUNCH_ARGS, browser_problem  # noqa: E402
from scratch import ScratchProject  # noqa: E402


@pytest.fixture
def scratch(tmp_path) -> ScratchProject:
    """A minimal valid project in a temporary directory."""
    return ScratchProject(tmp_path / "project")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


# --------------------------------------------------------------------------
# browser tests: @pytest.mark.browser

def pytest_runtest_setup(item):
    """Without Chromium a browser test is skipped with the reason, except in CI
    (CI=true), where it fails: CI must never pass by skipping the browser tests."""
    if item.get_closest_marker("browser") is None:
        return
    problem = browser_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run in CI: {problem}", pytrace=False)
    pytest.skip(f"browser test skipped: {problem}")


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------
# figures the safety tests measured, printed at the end of the run

_SAFETY_FIGURES: list[str] = []


@pytest.fixture
def safety_figures():
    """``safety_figures("...")`` records a line for the end-of-run summary."""
    return _SAFETY_FIGURES.append


def pytest_terminal_summary(terminalreporter):
    if _SAFETY_FIGURES:
        terminalreporter.section("safety figures")
        for line in _SAFETY_FIGURES:
            terminalreporter.write_line(line)
