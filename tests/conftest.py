import datetime as dt
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browserkit import AXE_JS, PHONE, PageWatch, SiteServer  # noqa: E402
from browsing import CHROMIUM, LAUNCH_ARGS  # noqa: E402
from scratch import ScratchProject  # noqa: E402
from sitecheck import VNU_JAR, java  # noqa: E402

# The sample site as the browser tests and site checks see it (fixed, so runs agree).
SAMPLE_AS_OF = dt.date(2026, 12, 1)
IN_CI = os.environ.get("CI") == "true"
# skip reasons that get a line of their own at the end of the run
_NOTICE_PREFIXES = ("浏览器测试已跳过", "HTML 校验已跳过")


@pytest.fixture
def scratch(tmp_path) -> ScratchProject:
    """A minimal valid project in a temporary directory."""
    return ScratchProject(tmp_path / "project")


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the repository's sample data (with schemas and content) in a temporary project."""
    root = tmp_path / "project"
    for name in ("data", "schemas", "content"):  # content: the topics name stories and news
        shutil.copytree(Path(__file__).resolve().parent.parent / name, root / name)
    return root


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


# --------------------------------------------------------------------------
# tools the quality checks need: skipped with a notice on a developer's machine
# that lacks them, a failure in CI (CI=true), where .ci/run installs them:
# CI must never pass by skipping the browser tests


def require(ok: bool, what: str, missing: str, how: str) -> None:
    """Skip (outside CI) or fail (in CI) the tests of ``what`` when ``ok`` is false."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"CI 中必须运行{what}，但{missing}（{how}）", pytrace=False)
    pytest.skip(f"{what}已跳过：{missing}（{how}）")


def _playwright_installed() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


# browser tests: @pytest.mark.browser


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None:
        return
    require(CHROMIUM.is_file(), "浏览器测试", "未找到 Chromium",
            f"{CHROMIUM}；Debian：apt-get install chromium fonts-noto-cjk")
    require(_playwright_installed(), "浏览器测试", "未安装 playwright", "make venv 会安装测试依赖")


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
# the sample site, built once per session, and a browser on it


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample project (data/, content/) built as of SAMPLE_AS_OF, with its search index."""
    from gongjiang_pipeline.sitebuild import build_site

    out = tmp_path_factory.mktemp("sample") / "site"
    build_site(ROOT, out, SAMPLE_AS_OF)
    return out


@pytest.fixture(scope="session")
def vnu() -> Path:
    require(
        java() is not None and VNU_JAR.is_file(),
        "HTML 校验",
        "未找到 Java 或 vnu.jar",
        "需要 java（Debian：apt-get install default-jre-headless）和 tests/node_modules（make test 会运行 npm ci）",
    )
    return VNU_JAR


@pytest.fixture(scope="session")
def browser(chromium):
    """The session's Chromium, for the quality checks, which also need axe-core."""
    require(AXE_JS.is_file(), "浏览器测试", "未安装 axe-core", "make test 会运行 npm ci --prefix tests")
    return chromium


@pytest.fixture(scope="session")
def site_server(sample_site):
    with SiteServer(sample_site) as server:
        yield server


@pytest.fixture(scope="session")
def broken_site(sample_site, tmp_path_factory):
    """A copy of the sample site that tests may break (each under its own path),
    served on its own port: for showing that each check reports problems."""
    root = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(sample_site, root)
    with SiteServer(root) as server:
        yield server


@dataclass
class Tab:
    page: object
    watch: PageWatch


@pytest.fixture
def tab(browser):
    """A fresh page at phone size (360 px wide), with console errors, failed
    requests and HTTP errors recorded in ``tab.watch``."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    watch = PageWatch().attach(page)
    yield Tab(page, watch)
    context.close()


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
    # quality checks that did not run here, one line each, so nobody misses them
    reasons: dict[str, int] = {}
    for rep in terminalreporter.stats.get("skipped", []):
        reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(_NOTICE_PREFIXES):
            reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        terminalreporter.section("未运行的质量检查")
        for reason, n in reasons.items():
            terminalreporter.write_line(f"注意：{reason} —— {n} 项测试未运行", yellow=True, bold=True)
