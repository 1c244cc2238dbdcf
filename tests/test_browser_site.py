"""The sample site in a real browser (Chromium via Playwright), at phone width.

Navigation as a visitor clicks through it; then, on one page of every type:
nothing scrolls sideways at 360 px, no text is drawn over other text, every image
loads, no console error or failed request, and no serious or critical axe-core
violation. tests/test_quality_checks_fail.py shows each check catching a broken page.
"""

from __future__ import annotations

import re

import pytest
from browserkit import axe_violations, broken_images, horizontal_overflow, open_page, overlapping_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# one page of each type the site has (the sample site as of 2026-12-01)
PAGE_TYPES = {
    "home": "/",  # 首页
    "edition": "/editions/2016/",  # 届次
    "list": "/editions/2016/nominees/",  # 名单（含投票说明）
    "notice": "/editions/2016/notice/",  # 公示名单（含意见受理）
    "list-open-edition": "/editions/2026/nominees/",  # 进行中届次的名单
    "craftsman": "/craftsmen/shan-lixin/",  # 工匠
    "craftsman-no-photo": "/craftsmen/ou-jiawen/",  # 工匠（无照片）
    "directory": "/craftsmen/",  # 工匠名录
    "groups": "/occupations/",  # 按工种浏览
    "group": "/occupations/welder/",  # 一个工种
    "statistics": "/statistics/",  # 数据统计（SVG 图表）
    "stories": "/stories/",  # 故事列表
    "story": "/stories/shan-lixin-cezhang/",  # 故事
    "policy": "/policy/",  # 政策页面
    "opendata": "/opendata/",  # 开放数据
    "errata": "/errata/",  # 勘误
    "lineages": "/mentorship/",  # 大工匠带徒：各位师傅
    "lineage": "/mentorship/he-xingyong/",  # 一位师傅的传承图（SVG，三代以上，徒弟后来成为候选人）
    "craftsman-apprentice": "/craftsmen/lin-lixue/",  # 工匠（师承、徒弟：两页互相链接）
    "lectures": "/lectures/",  # 北京大工匠讲堂：即将举行
    "lectures-past": "/lectures/past/",  # 往期讲座
    "lecture": "/lectures/2026-dianqi/",  # 一场讲座（有回顾和回放）
    "studios": "/studios/",  # 创新工作室名录（按区、行业领域、工种筛选）
    "studios-filter": "/studios/district/fangshan/",  # 一个区的创新工作室
    "studio": "/studios/zhao-lidan-hanjie/",  # 一个创新工作室（有照片和历年成果）
    "news": "/news/",  # 新闻公告（第 1 页，有分页）
    "news-page-2": "/news/page/2/",  # 新闻公告第 2 页
    "news-category": "/news/notices/",  # 栏目：通知公告
    "news-tag": "/news/tags/ming-ming-da-hui/",  # 标签：命名大会
    "news-article": "/news/2016-mingming/",  # 一篇新闻（命名大会，列出相关工匠）
    "topics": "/topics/",  # 专题列表
    "topic": "/topics/gongjiang-jingshen/",  # 一个专题（故事、新闻、工匠）
    "poster": "/craftsmen/shan-lixin/poster/",  # 宣传海报（A4，可打印）
    "search": "/search/?q=%E7%84%8A%E5%B7%A5",  # 搜索“焊工”，有结果
    "404": "/404.html",  # 页面不存在
    # the English edition (issue 18): every English page type
    "en-home": "/en/",  # English home
    "en-edition": "/en/editions/2016/",  # an edition
    "en-list": "/en/editions/2016/nominees/",  # a list: people without English text link to Chinese pages
    "en-notice": "/en/editions/2016/notice/",  # the notice list
    "en-honor-roll": "/en/editions/2016/craftsmen/",  # the honor roll
    "en-craftsman": "/en/craftsmen/shan-lixin/",  # a craftsman with an English citation and story
    "en-statistics": "/en/statistics/",  # statistics (English SVG charts)
    "en-story": "/en/stories/shan-lixin-cezhang/",  # a translated story
    "en-policy": "/en/policy/",  # the policy summary
    "en-search": "/en/search/?q=SHAN",  # English search, with results
}


def _open(tab, server, path):
    resp = open_page(tab.page, server.url(path))
    assert resp is not None and resp.status == 200, path
    if path.startswith(("/search/", "/en/search/")):
        tab.page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        tab.page.wait_for_load_state("networkidle")
    return resp


def _h1(page) -> str:
    return page.locator("main h1").first.inner_text().strip()


def test_navigation_home_list_person_story_and_back(tab, site_server):
    page = tab.page
    _open(tab, site_server, "/")
    edition = page.locator("section.edition-summary", has=page.locator("a", has_text="2016年"))
    edition.get_by_role("link", name="北京大工匠", exact=True).click()
    page.wait_for_url("**/editions/2016/craftsmen/")
    assert "北京大工匠名单" in _h1(page)
    page.get_by_role("link", name="单立新", exact=True).click()
    page.wait_for_url("**/craftsmen/shan-lixin/")
    assert _h1(page).startswith("单立新")
    page.get_by_role("link", name="单立新：为城市地下交通“定位导航”").click()
    page.wait_for_url("**/stories/shan-lixin-cezhang/")
    assert _h1(page) == "单立新：为城市地下交通“定位导航” 示例数据"  # a story about a sample edition: badged
    page.go_back()
    page.wait_for_url("**/craftsmen/shan-lixin/")
    page.go_back()
    page.wait_for_url("**/editions/2016/craftsmen/")
    page.go_back()
    page.wait_for_url(site_server.url("/"))
    assert _h1(page) == "“北京大工匠”选树工作"
    assert tab.watch.take() == []


def test_every_list_of_2016_opens(tab, site_server):
    page = tab.page
    _open(tab, site_server, "/editions/2016/")
    links = page.locator("ul.list-links a")
    titles = links.all_inner_texts()
    assert titles == ["提名人选", "最佳人气奖", "公示名单", "北京大工匠", "北京大工匠提名奖"]
    counts = [int(n) for n in re.findall(r"(\d+)人）", page.locator("ul.list-links").inner_text())]
    assert counts == [30, 10, 30, 10, 19]
    keys = ["nominees", "popularity", "notice", "craftsmen", "nomination_award"]
    for title, count, key in zip(titles, counts, keys):
        page.locator("ul.list-links").get_by_role("link", name=title, exact=True).click()
        page.wait_for_url(f"**/editions/2016/{key}/")
        assert title in _h1(page) or (title == "公示名单" and "公示" in _h1(page))
        assert page.locator("table.roster tbody tr").count() == count, title
        page.go_back()
        page.wait_for_url("**/editions/2016/")
    assert tab.watch.take() == []


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_phone_width_nothing_scrolls_sideways(tab, site_server, kind):
    _open(tab, site_server, PAGE_TYPES[kind])
    assert tab.page.viewport_size["width"] == 360
    assert horizontal_overflow(tab.page) == []


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_phone_width_no_text_overlaps(tab, site_server, kind):
    _open(tab, site_server, PAGE_TYPES[kind])
    assert overlapping_text(tab.page, "body") == []


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_images_load_no_console_errors_no_failed_requests(tab, site_server, kind):
    _open(tab, site_server, PAGE_TYPES[kind])
    assert broken_images(tab.page) == []
    n_images = tab.page.locator("img").count()
    if kind == "craftsman":
        assert n_images == 3  # portrait, product badge (核验) and QR code
    if kind == "search":
        assert n_images >= 5  # result photos
    if kind == "en-craftsman":
        assert n_images == 1  # portrait (the 核验 and share sections are on the Chinese page)
    if kind == "en-search":
        assert n_images >= 1  # SHAN Lixin's photo
    assert tab.watch.take() == []


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_accessibility_no_serious_or_critical_violations(tab, site_server, kind):
    _open(tab, site_server, PAGE_TYPES[kind])
    assert axe_violations(tab.page) == []


def test_every_page_at_phone_width(tab, site_server, sample_site):
    """Every HTML page of the site (not one per type): no sideways scrolling, every
    image loads, no console error or failed request."""
    pages = sorted(sample_site.rglob("*.html"))
    problems = {}
    for p in pages:
        rel = p.relative_to(sample_site).as_posix()
        path = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        open_page(tab.page, site_server.url(path))
        found = horizontal_overflow(tab.page) + broken_images(tab.page) + tab.watch.take()
        # without an icon link browsers fetch /favicon.ico, a 404 (often after the checks ran)
        if not tab.page.evaluate("() => !!document.querySelector('link[rel~=icon]')"):
            found.append("没有 <link rel=icon>：浏览器会请求不存在的 /favicon.ico")
        if found:
            problems[path] = found
    assert len(pages) > 100
    assert problems == {}
