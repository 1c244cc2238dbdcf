"""Per-edition search bundles (the default; searchbundles.py) in a real browser: the
search page loads one edition's bundle and merges the others with Pagefind's
mergeIndex; every query finds exactly what one index of the whole site finds
(GONGJIANG_SEARCH_PER_EDITION = False); names, pinyin and the 届次 filter work across
bundles. Also the bytes the search page's first query downloads (docs/site.md 站内搜索)."""

from __future__ import annotations

import json
import re

import pytest
from browserkit import SiteServer, first_query_download, open_page, search_results
from conftest import ROOT, SAMPLE_AS_OF
from test_browser_search import _check_filter, people, search

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EDITION_2016 = "2016年“北京大工匠”选树（示例）"


def _build(tmp_path_factory, name: str, per_edition: bool, **override):
    from gongjiang_pipeline.sitebuild import build_site

    out = tmp_path_factory.mktemp(name) / "site"
    build_site(ROOT, out, SAMPLE_AS_OF, override={"GONGJIANG_SEARCH_PER_EDITION": per_edition, **override})
    return out


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    out = _build(tmp_path_factory, "split", True)
    assert (out / "search/bundles.js").read_text("utf-8").endswith(
        'window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/", "/pagefind/2026/", "/pagefind/2016/"];\n'
    )  # the site's bundle (news articles), then the editions
    return out


@pytest.fixture(scope="module")
def split_server(split_site):
    with SiteServer(split_site) as server:
        yield server


@pytest.fixture(scope="module")
def one_server(tmp_path_factory):
    out = _build(tmp_path_factory, "one", False)
    assert (out / "search/bundles.js").read_text("utf-8").endswith('window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/"];\n')
    with SiteServer(out) as server:
        yield server


def _names_and_pinyin(site) -> list[str]:
    """Every craftsman's name and each pinyin spelling of it, from the pages' hidden
    search data (macros.search_data)."""
    queries = []
    for page in sorted(site.glob("craftsmen/*/index.html")):
        text = page.read_text("utf-8")
        name = re.search(r'data-pagefind-meta="title">([^<]+)<', text)
        pinyin = re.search(r'class="search-data" hidden[^>]*>\s*<p>([^<]*)</p>', text)
        assert name and pinyin, page
        words = pinyin.group(1).split()
        queries.append(name.group(1))
        queries.append(words[0])  # shanlixin
        if len(words) >= 3:
            queries.append(" ".join(words[1:3]))  # shan lixin
    return queries


# queries whose words are in different bundles, or in none, or only in some
MORE = ["单立新 焊工", "焊工 北京", "京测", "数控", "焊工", "shan", "li", "工程 测量", "北京 2016", "单立华",
        "故事", "zzzz", "林丽雪单立新", "单立新，林丽雪", "SHAN LIXIN", '"单立新"', '"工程测量"', "单立新 zzzz"]


def _api_results(page, server, module: str, bundles: list[str], queries: list) -> list:
    """Result URLs (sorted) and filter counts per query, through Pagefind's JS API:
    ``module`` (Pagefind's own module for one index, our multisite module for the
    bundles), with ``bundles[1:]`` merged."""
    open_page(page, server.url("/"))
    return page.evaluate(
        """async ([module, bundles, queries]) => {
          window.GONGJIANG_SEARCH_BUNDLES = bundles;
          const pf = await import(module);
          for (const b of bundles.slice(1)) await pf.mergeIndex(b);
          const out = [];
          for (const [q, filters] of queries) {
            const r = await pf.search(q, filters ? { filters } : {});
            const urls = await Promise.all(r.results.map((x) => x.data().then((d) => d.url)));
            out.push({ query: q, urls: urls.sort(), filters: r.filters, totalFilters: r.totalFilters,
                       unfiltered: r.unfilteredResultCount });
          }
          return out;
        }""",
        [module, bundles, queries],
    )


def test_per_edition_bundles_find_what_one_index_finds(tab, split_site, split_server, one_server):
    queries = [[q, None] for q in _names_and_pinyin(split_site) + MORE]
    queries += [["焊工", {"届次": EDITION_2016}], ["数控", {"届次": EDITION_2016}], ["li", {"届次": [EDITION_2016]}],
                # words some bundles lack, with a filter: the counts before it leave those bundles out
                ["单立新", {"届次": EDITION_2016}], ["常振", {"届次": [EDITION_2016]}], ["林丽雪", {"届次": EDITION_2016}]]
    bundles = json.loads(
        re.search(r"= (\[.*\]);", (split_site / "search/bundles.js").read_text("utf-8")).group(1)
    )
    one = _api_results(tab.page, one_server, "/pagefind/pagefind.js", ["/pagefind/"], queries)
    split = _api_results(tab.page, split_server, "/theme/js/multisite/pagefind.js", bundles, queries)
    assert len(queries) > 100
    for a, b in zip(one, split):
        assert (a["query"], b["urls"]) == (a["query"], a["urls"])
        # the same counts, with and without the caller's filters; no 分包 filter
        assert (a["query"], b["filters"], b["totalFilters"], b["unfiltered"]) == (
            a["query"], a["filters"], a["totalFilters"], a["unfiltered"])
    assert next(r for r in split if r["query"] == "单立新")["urls"] == [
        "/craftsmen/shan-lixin/", "/news/2016-mingming/", "/stories/shan-lixin-cezhang/"  # the news naming him too
    ]
    assert any(r["urls"] for r in split if r["query"] == "焊工") and not next(
        r for r in split if r["query"] == "zzzz"
    )["urls"]
    assert tab.watch.take() == []


def test_editions_sharing_a_bundle_find_what_one_index_finds(tab, tmp_path_factory, split_site, one_server):
    # more editions than GONGJIANG_SEARCH_EDITION_BUNDLES: consecutive editions share a
    # bundle (searchbundles.edition_groups); here both editions of the sample site
    shared = _build(tmp_path_factory, "shared", True, GONGJIANG_SEARCH_EDITION_BUNDLES=1)
    bundles = json.loads(re.search(r"= (\[.*\]);", (shared / "search/bundles.js").read_text("utf-8")).group(1))
    assert bundles == ["/pagefind/", "/pagefind/2016-2026/"]
    queries = [[q, None] for q in _names_and_pinyin(split_site) + MORE]
    queries += [["焊工", {"届次": EDITION_2016}], ["li", {"届次": [EDITION_2016]}]]
    one = _api_results(tab.page, one_server, "/pagefind/pagefind.js", ["/pagefind/"], queries)
    with SiteServer(shared) as server:
        got = _api_results(tab.page, server, "/theme/js/multisite/pagefind.js", bundles, queries)
    for a, b in zip(one, got):
        assert (a["query"], b["urls"], b["filters"], b["totalFilters"], b["unfiltered"]) == (
            a["query"], a["urls"], a["filters"], a["totalFilters"], a["unfiltered"])
    assert next(r for r in got if r["query"] == "单立新")["urls"] == [
        "/craftsmen/shan-lixin/", "/news/2016-mingming/", "/stories/shan-lixin-cezhang/"
    ]
    assert tab.watch.take() == []


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


def test_the_name_finds_only_that_person_and_their_story(tab, split_server):
    # the word that one edition's bundle lacks (立新) does not drop out of its search
    results = search(tab, split_server, "单立新")
    assert sorted(r["url"] for r in results) == ["/craftsmen/shan-lixin/", "/news/2016-mingming/",
                                                 "/stories/shan-lixin-cezhang/"]


def test_filter_by_edition_across_bundles(tab, split_server):
    page = tab.page
    results = search(tab, split_server, "焊工")
    assert {"赵丽丹", "林丽雪"} <= set(people(results))  # one of 2016, one of 2026
    assert "分包" not in page.locator(".pagefind-ui__filter-panel").inner_text()
    _check_filter(page, "届次", EDITION_2016)
    assert set(people(search_results(page))) == {"赵丽丹", "史磊华", "何兴勇"}


def test_first_query_download(tab, split_server, one_server, safety_figures):
    one = first_query_download(tab.page, one_server.url("/search/?q=单立新"))
    assert one["bundles"] == ["/pagefind/pagefind-entry.json"]
    got = first_query_download(tab.page, split_server.url("/search/?q=单立新"))
    assert sorted(got["bundles"]) == ["/pagefind/2016/pagefind-entry.json", "/pagefind/2026/pagefind-entry.json",
                                      "/pagefind/pagefind-entry.json"]  # the editions' and the site's (news)
    safety_figures(
        f"搜索首次查询下载：分届索引 {got['search']} 字节（Pagefind 部分），整页 {got['total']} 字节，"
        f"{got['requests']} 个请求；单一索引 {one['search']} 字节，整页 {one['total']} 字节，{one['requests']} 个请求"
        f"（{got['search'] / one['search']:.2f} 倍）"
    )
    assert got["search"] <= 1.5 * one["search"]
    assert tab.watch.take() == []
