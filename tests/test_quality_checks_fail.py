"""Each quality check, shown failing: one deliberately broken page per check.

The broken pages are real pages of the sample site with one fault put in (a
broken link, an image without alt, a wide table, an invalid element, a console
error ...), written into a copy of the site, so the check sees the site's own
markup and styles around the fault. Each test asserts that the check reports the
fault, and, where it matters, that the same page without the fault passes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browserkit import axe_violations, broken_images, horizontal_overflow, open_page, overlapping_text
from sitecheck import check_links, validate_html

pytestmark = pytest.mark.slow


CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n')


def _inject(site: Path, source: str, name: str, html: str, head: str = "", keep_csp: bool = False) -> str:
    """Copy page ``source`` of ``site`` to /_broken/<name>/ with ``html`` added at the
    end of <main> (and ``head`` at the end of <head>); returns its URL path.

    The faults are written inline (a style attribute, a <style>, a <script>), which
    the page's Content-Security-Policy would block: so the copy drops its CSP <meta>,
    unless ``keep_csp`` (the test of the CSP check itself)."""
    text = (site / source).read_text("utf-8")
    assert "</main>" in text and "</head>" in text
    assert len(CSP_META.findall(text)) == 1
    if not keep_csp:
        text = CSP_META.sub("", text)
    text = text.replace("</main>", html + "\n</main>", 1).replace("</head>", head + "\n</head>", 1)
    out = site / "_broken" / name / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
    return f"/_broken/{name}/"


# --------------------------------------------------------------------------
# without a browser


def test_link_check_reports_broken_links_anchors_and_images(sample_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    assert check_links(site) == []
    _inject(
        site,
        "craftsmen/shan-lixin/index.html",
        "links",
        '<p><a href="/no-such-page/">坏链接</a> <a href="/craftsmen/shan-lixin/#no-such-anchor">坏锚点</a>'
        ' <a href="#main">好锚点</a> <a href="../../craftsmen/">相对路径</a>'
        ' <img src="/photos/nobody.jpg" alt="不存在的照片"></p>',
    )
    sitemap = site / "sitemap.xml"
    sitemap.write_text(
        sitemap.read_text("utf-8").replace("</urlset>", "<url><loc>https://gongjiang.example.org/gone/</loc></url></urlset>"),
        "utf-8",
    )
    problems = check_links(site)
    assert len(problems) == 4, problems
    assert any("_broken/links/index.html" in p and "链接目标不存在：/no-such-page/" in p for p in problems)
    assert any("页面 /craftsmen/shan-lixin/ 中没有锚点 #no-such-anchor" in p for p in problems)
    assert any("img.src" in p and "/photos/nobody.jpg" in p for p in problems)
    assert any(p.startswith("sitemap.xml") and "/gone/" in p for p in problems)


@pytest.mark.tools
def test_html_validation_reports_invalid_markup(sample_site, tmp_path, vnu):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copytree(sample_site / "craftsmen", site / "craftsmen")
    good = site / "craftsmen/shan-lixin/index.html"
    assert validate_html([good]) == []
    url = _inject(site, "craftsmen/shan-lixin/index.html", "invalid",
                  "<foo>没有这种元素</foo><ul><div>列表里不能直接放 div</div></ul>")
    bad = site / url.strip("/") / "index.html"
    errors = validate_html([good, bad])
    assert errors and all("_broken/invalid/index.html" in e for e in errors), errors
    assert any("“foo”" in e for e in errors), errors
    assert any("div" in e and "ul" in e for e in errors)


# --------------------------------------------------------------------------
# in the browser


@pytest.mark.browser
def test_wide_table_scrolls_sideways(tab, broken_site):
    url = _inject(
        broken_site.root,
        "editions/2016/nominees/index.html",
        "wide-table",
        '<table><tr><td style="white-space: nowrap">这一格很长很长很长很长很长很长很长很长很长很长很长很长</td>'
        "<td>第二列</td></tr></table>",
    )
    open_page(tab.page, broken_site.url(url))
    found = horizontal_overflow(tab.page)
    assert found and found[0].startswith("scrollWidth ") and "> 360" in found[0]
    assert any("这一格很长" in f for f in found[1:])
    open_page(tab.page, broken_site.url("/editions/2016/nominees/"))
    assert horizontal_overflow(tab.page) == []


@pytest.mark.browser
def test_overlapping_cards_are_reported(tab, broken_site):
    url = _inject(
        broken_site.root,
        "occupations/welder/index.html",
        "overlap",
        "",
        head="<style>.card-meta { margin-top: -1.6em; }</style>",  # meta line over the name
    )
    open_page(tab.page, broken_site.url(url))
    found = overlapping_text(tab.page, "body")
    assert found and any("重叠" in f for f in found), found
    open_page(tab.page, broken_site.url("/occupations/welder/"))
    assert overlapping_text(tab.page, "body") == []


@pytest.mark.browser
def test_missing_image_and_console_errors_are_reported(tab, broken_site):
    url = _inject(
        broken_site.root,
        "stories/shan-lixin-cezhang/index.html",
        "errors",
        '<img src="/photos/nobody.jpg" alt="不存在的照片">'
        '<script>console.error("示例错误：控制台");</script>'
        "<script>null.property;</script>",
    )
    open_page(tab.page, broken_site.url(url))
    assert broken_images(tab.page) == [broken_site.url("/photos/nobody.jpg")]
    problems = tab.watch.take()
    assert any(p == f"HTTP 404：{broken_site.url('/photos/nobody.jpg')}" for p in problems), problems
    assert any("控制台error：示例错误：控制台" in p for p in problems), problems
    assert any(p.startswith("脚本异常：") for p in problems), problems


@pytest.mark.browser
def test_csp_violations_are_reported(tab, broken_site):
    """Inline script, an inline <style>, a style attribute and a script from another
    site on a page that keeps the site's CSP: each is blocked, and reported both by
    the securitypolicyviolation listener and from the console."""
    url = _inject(
        broken_site.root,
        "stories/shan-lixin-cezhang/index.html",
        "csp",
        '<p id="styled" style="color: rgb(255, 0, 0)">内联样式</p>'
        "<script>window.__inline_ran = true;</script>"
        '<script src="http://127.0.0.2:9/elsewhere.js"></script>',
        head="<style>main { display: none; }</style>",
        keep_csp=True,
    )
    open_page(tab.page, broken_site.url(url))
    page = tab.page
    # the policy is enforced: nothing inline ran or applied
    assert page.evaluate("() => window.__inline_ran === undefined")
    assert page.evaluate("() => getComputedStyle(document.querySelector('#styled')).color") != "rgb(255, 0, 0)"
    assert page.locator("main").is_visible()
    problems = tab.watch.take()
    events = [p for p in problems if p.startswith("CSP 违规：")]
    assert any(p.startswith("CSP 违规：script-src-elem 阻止了 inline") for p in events), problems
    assert any(p.startswith("CSP 违规：script-src-elem 阻止了 http://127.0.0.2:9/elsewhere.js") for p in events), problems
    assert any(p.startswith("CSP 违规：style-src-elem 阻止了 inline") for p in events), problems
    assert any(p.startswith("CSP 违规：style-src-attr 阻止了 inline") for p in events), problems
    console = [p for p in problems if p.startswith("CSP 违规（控制台error）：")]
    assert len(console) >= 4 and all("violates the following Content Security Policy directive" in p for p in console), problems
    # the same page as built: no violation
    open_page(tab.page, broken_site.url("/stories/shan-lixin-cezhang/"))
    assert tab.watch.take() == []


@pytest.mark.browser
def test_broken_link_is_caught_while_navigating(tab, broken_site):
    url = _inject(broken_site.root, "index.html", "nav", '<p><a id="dead" href="/no-such-list/">一个坏链接</a></p>')
    open_page(tab.page, broken_site.url(url))
    assert tab.watch.take() == []
    with tab.page.expect_navigation() as nav:
        tab.page.click("#dead")
    assert nav.value.status == 404
    assert f"HTTP 404：{broken_site.url('/no-such-list/')}" in tab.watch.take()


@pytest.mark.browser
def test_axe_reports_image_without_alt_and_low_contrast(tab, broken_site):
    url = _inject(
        broken_site.root,
        "craftsmen/shan-lixin/index.html",
        "axe",
        '<img src="/photos/shan-lixin-240.jpg" width="40"><p style="color: #ddd">几乎看不清的文字</p>',
    )
    open_page(tab.page, broken_site.url(url))
    found = axe_violations(tab.page)
    assert any(f.startswith("critical image-alt") for f in found), found
    assert any(f.startswith("serious color-contrast") for f in found), found
    open_page(tab.page, broken_site.url("/craftsmen/shan-lixin/"))
    assert axe_violations(tab.page) == []
