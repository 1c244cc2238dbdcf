"""Site search in a real browser, as a visitor uses it on a phone: type in the
header's search box, press Enter, read the results on the search page (Pagefind's
UI), narrow them with the filters.

The expected people come from the sample data (docs/sample-data.md), as of
2026-12-01: the 2016 edition is complete, the 2026 nominees are public.
"""

from __future__ import annotations

import pytest
from browserkit import open_page, result_message, search_results
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WELDERS = {"赵丽丹", "史磊华", "何兴勇", "林丽雪", "顾红"}  # 2016: 3 nominees; 2026: 2 nominees
CNC = {"沈明", "陈伟德", "贺鹏德", "黎凤红", "魏振华"}  # 数控机床操作工 (2016), 数控车工 (2026)
SHAN_STORY = "单立新：为城市地下交通“定位导航”"


def search(tab, server, query: str) -> list[dict]:
    """Search from the home page's header box, as a visitor does."""
    page = tab.page
    open_page(page, server.url("/"))
    page.get_by_role("searchbox", name="搜索工匠").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = search_results(page)
    assert tab.watch.take() == []
    return results


def people(results) -> list[str]:
    """Names of the craftsman pages among the results, in order."""
    return [r["title"] for r in results if r["url"].startswith("/craftsmen/")]


def stories(results) -> list[str]:
    return [r["title"] for r in results if r["url"].startswith("/stories/")]


def test_occupation_welder(tab, site_server):
    results = search(tab, site_server, "焊工")
    assert set(people(results)) == WELDERS
    assert stories(results) == ["何兴勇：每一道焊缝都经得起检验"]


def test_part_of_an_occupation(tab, site_server):
    # 数控 is the start of 数控机床操作工 and 数控车工
    assert set(people(search(tab, site_server, "数控"))) == CNC


def test_name(tab, site_server):
    results = search(tab, site_server, "单立新")
    assert people(results) == ["单立新"] and stories(results) == [SHAN_STORY]


@pytest.mark.parametrize("query", ["shanlixin", "shan lixin", "Shan Lixin", "shan li xin"])
def test_name_in_pinyin(tab, site_server, query):
    results = search(tab, site_server, query)
    assert people(results) == ["单立新"]
    assert results[0]["url"] == "/craftsmen/shan-lixin/"  # the person first, then the story
    assert {r["title"] for r in results} <= {"单立新", SHAN_STORY}


def test_polyphonic_surnames_read_as_surnames(tab, site_server):
    # 曾 zeng (not ceng), 查 zha (not cha)
    assert people(search(tab, site_server, "zengzhigang")) == ["曾志刚"]
    assert people(search(tab, site_server, "zha haiyan")) == ["查海燕"]


@pytest.mark.parametrize("query", ["北京京测地理信息有限公司", "京测地理", "地理信息"])
def test_employer_or_part_of_it(tab, site_server, query):
    results = search(tab, site_server, query)
    assert people(results) == ["单立新"]


def test_short_part_of_an_employer_ranks_its_people_first(tab, site_server):
    # 京测 (two one-character words to the browser) also matches other surveyors'
    # pages (北京…, 测量), but 北京京测地理信息有限公司's man comes first
    assert people(search(tab, site_server, "京测"))[0] == "单立新"


@pytest.mark.parametrize("query", ["胡福新", "赵不公", "xyzzy"])
def test_no_results_for_people_never_published(tab, site_server, query):
    # 胡福新 (2016-080) was 4th of his occupation: never on a public list
    assert search(tab, site_server, query) == []
    assert result_message(tab.page) == f"没有找到与“{query}”相关的结果"


def test_results_show_photo_name_occupation_employer_award(tab, site_server):
    results = search(tab, site_server, "单立新")
    # his page, his story and news that name him (no other page)
    by_url = {r["url"]: r for r in results}
    assert {"/craftsmen/shan-lixin/", "/stories/shan-lixin-cezhang/", "/news/2016-mingming/"} <= set(by_url) <= {
        "/craftsmen/shan-lixin/", "/stories/shan-lixin-cezhang/", "/news/2016-mingming/", "/news/2016-shan-lixin-ditie/"}
    person, story = by_url["/craftsmen/shan-lixin/"], by_url["/stories/shan-lixin-cezhang/"]
    assert person["title"] == "单立新" and person["url"] == "/craftsmen/shan-lixin/"
    assert person["image"] == "/photos/shan-lixin-240.jpg"
    tab.page.wait_for_function(
        "() => [...document.querySelectorAll('img.pagefind-ui__result-image')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert person["tags"] == ["工种: 工程测量员", "工作单位: 北京京测地理信息有限公司", "奖项: 北京大工匠、最佳人气奖",
                              "说明: 示例数据"]  # a sample edition (issue 17.4)
    assert story["tags"][0] == "人物: 单立新" and story["image"] == "/photos/shan-lixin-240.jpg"
    assert story["tags"][-1] == "说明: 示例数据"
    # the page is in Chinese: Pagefind's own strings too
    assert result_message(tab.page) == f"找到 {len(results)} 个与“单立新”相关的结果"
    box = tab.page.locator("#search .pagefind-ui__search-input")
    assert box.get_attribute("placeholder") == "输入姓名、拼音、工种或工作单位"
    assert tab.page.locator("#search .pagefind-ui__search-clear").inner_text() == "清除"


def _check_filter(page, group: str, value_prefix: str) -> None:
    before = result_message(page)
    block = page.locator(".pagefind-ui__filter-block", has=page.locator("summary", has_text=group))
    if not block.get_attribute("open"):
        block.locator("summary").click()
    block.locator(".pagefind-ui__filter-value", has_text=value_prefix).locator("input").check()
    page.wait_for_function(
        "(before) => { const m = document.querySelector('.pagefind-ui__message').textContent;"
        " return m !== before && !m.includes('正在搜索'); }",
        arg=before,
    )


def test_filters_edition_occupation_award(tab, site_server):
    page = tab.page
    search(tab, site_server, "焊工")
    names = page.locator(".pagefind-ui__filter-name")
    # Pagefind's UI draws the filters once their data has loaded, which can be after the
    # first results on a busy machine: wait (up to the default timeout) for all three
    expect(names).to_have_count(3)
    assert sorted(names.all_inner_texts()) == sorted(["届次", "工种", "奖项"])
    _check_filter(page, "届次", "2016年“北京大工匠”选树（示例）")
    results = search_results(page)
    assert set(people(results)) == {"赵丽丹", "史磊华", "何兴勇"}
    _check_filter(page, "奖项", "北京大工匠 (")
    assert people(search_results(page)) == ["赵丽丹"]


def test_filter_by_occupation_alone(tab, site_server):
    page = tab.page
    open_page(page, site_server.url("/search/"))
    page.locator("#search .pagefind-ui__search-input").wait_for()
    # Pagefind searches filters alone once the box has been used; a filter on its own
    page.locator("#search .pagefind-ui__search-input").fill("工")
    search_results(page)
    _check_filter(page, "工种", "中药炮制工")
    names = set(people(search_results(page)))
    assert names == {"常振", "刘春国", "黄平兴", "汤成立", "卢丽"}  # 2016: 3 nominees; 2026: 2
    assert tab.watch.take() == []


def test_search_page_box_is_focused_and_searches_in_place(tab, site_server):
    page = tab.page
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    open_page(page, site_server.url("/search/"))
    assert page.evaluate("document.activeElement.classList.contains('pagefind-ui__search-input')")
    # no script URL on the page (Pagefind's own form action is one)
    assert page.locator("#search form").get_attribute("action") == "/search/"
    page.keyboard.type("焊工")
    page.keyboard.press("Enter")
    assert set(people(search_results(page))) == WELDERS
    assert navigations == [site_server.url("/search/")]  # Enter did not submit the form
    assert tab.watch.take() == []


# --------------------------------------------------------------------------
# the English search page (issue 18): Pagefind's English bundle, chosen by <html lang="en">

def search_en(tab, server, query: str) -> list[dict]:
    """Search from the English home page's header box."""
    page = tab.page
    open_page(page, server.url("/en/"))
    page.get_by_role("searchbox", name="Search craftsmen").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/?q=*")
    results = search_results(page, lang="en")
    assert tab.watch.take() == []
    return results


@pytest.mark.parametrize("query", ["SHAN", "Shan Lixin", "shanlixin"])
def test_english_search_finds_the_english_page(tab, site_server, query):
    results = search_en(tab, site_server, query)
    assert results[0]["url"] == "/en/craftsmen/shan-lixin/"
    assert results[0]["title"] == "SHAN Lixin"
    assert {r["url"] for r in results} <= {"/en/craftsmen/shan-lixin/", "/en/stories/shan-lixin-cezhang/"}


def test_english_search_by_occupation_holds_english_pages_only(tab, site_server):
    results = search_en(tab, site_server, "welder")
    assert [r["url"] for r in results] == ["/en/craftsmen/zhao-lidan/"]  # the only 2016 welder with English text
