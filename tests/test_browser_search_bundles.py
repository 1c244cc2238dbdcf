"""Per-edition search bundles (GONGJIANG_SEARCH_PER_EDITION, searchbundles.py) in a
real browser: the search page loads one edition's bundle and merges the others
with Pagefind's mergeIndex; names, pinyin and the 届次 filter work across them.
Also the bytes the search page's first query downloads (docs/site.md 站内搜索)."""

from __future__ import annotations

import pytest
from browserkit import SiteServer, first_query_download, open_page, search_results
from conftest import ROOT, SAMPLE_AS_OF
from test_browser_search import _check_filter, people, search

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# bytes under /pagefind/ that the first query (/search/?q=单立新) downloaded on the
# sample site with one bundle (main at a4f3eb0, measured with first_query_download)
ONE_BUNDLE_FIRST_QUERY = 327_156


@pytest.fixture(scope="module")
def split_server(tmp_path_factory):
    from gongjiang_pipeline.sitebuild import build_site

    out = tmp_path_factory.mktemp("split") / "site"
    build_site(ROOT, out, SAMPLE_AS_OF, override={"GONGJIANG_SEARCH_PER_EDITION": True})
    assert (out / "search/bundles.js").read_text("utf-8").endswith(
        'window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/2026/", "/pagefind/2016/"];\n'
    )
    with SiteServer(out) as server:
        yield server


@pytest.mark.parametrize(
    "query, name, url",
    [
        ("单立新", "单立新", "/craftsmen/shan-lixin/"),  # 2016
        ("shanlixin", "单立新", "/craftsmen/shan-lixin/"),
        ("林丽雪", "林丽雪", None),  # 2026
        ("linlixue", "林丽雪", None),
    ],
)
def test_a_craftsman_of_each_edition_by_name_and_pinyin(tab, split_server, query, name, url):
    results = search(tab, split_server, query)
    assert people(results)[0] == name
    if url:
        assert url in [r["url"] for r in results]


def test_filter_by_edition_across_bundles(tab, split_server):
    page = tab.page
    results = search(tab, split_server, "焊工")
    assert {"赵丽丹", "林丽雪"} <= set(people(results))  # one of 2016, one of 2026
    _check_filter(page, "届次", "2016年“北京大工匠”选树（示例）")
    assert set(people(search_results(page))) == {"赵丽丹", "史磊华", "何兴勇"}


def test_first_query_download(tab, split_server, safety_figures):
    got = first_query_download(tab.page, split_server.url("/search/?q=单立新"))
    assert got["bundles"] == ["/pagefind/2016/pagefind-entry.json", "/pagefind/2026/pagefind-entry.json"]
    safety_figures(
        f"搜索首次查询下载：{got['search']} 字节（Pagefind 部分），整页 {got['total']} 字节，"
        f"{got['requests']} 个请求；单一索引时 {ONE_BUNDLE_FIRST_QUERY} 字节"
    )
    assert got["search"] <= 1.5 * ONE_BUNDLE_FIRST_QUERY
    assert tab.watch.take() == []
