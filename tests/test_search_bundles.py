"""Which search bundle a page goes to (gongjiang_pipeline/searchbundles.py), and the
per-edition bundles of a real build (GONGJIANG_SEARCH_PER_EDITION)."""

from __future__ import annotations

import json

import cbor2
import pytest
from conftest import ROOT, SAMPLE_AS_OF

from searchkit import _payload, bundle_filters

from gongjiang_pipeline.searchbundles import (SITE_BUNDLE, Bundle, bundles_script, page_editions, page_path,
                                              page_url, plan)
from gongjiang_pipeline.searchindex import index_words


def _vocab_page(folder) -> int:
    """The page number of a bundle's vocabulary page (its fragment's URL); ``folder``: the bundle."""
    entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
    meta = cbor2.loads(_payload(folder / f"pagefind.{entry['languages']['zh-cn']['hash']}.pf_meta"))
    urls = [json.loads(_payload(folder / "fragment" / f"{page[0]}.pf_fragment"))["url"]
            for page in meta[1]]
    return urls.index("/search/vocabulary/zh-cn/")


def test_pages_go_to_their_edition_others_to_site():
    editions = page_editions(
        [("/craftsmen/a/", "2016"), ("/craftsmen/b/", "2026")], [("stories/s/index.html", "2016")]
    )
    assert editions == {"craftsmen/a/index.html": "2016", "craftsmen/b/index.html": "2026",
                        "stories/s/index.html": "2016"}
    pages = ["stories/s/index.html", "craftsmen/b/index.html", "lectures/x/index.html", "craftsmen/a/index.html"]
    assert plan(pages, editions, ["2026", "2016"]) == [
        Bundle(SITE_BUNDLE, ("lectures/x/index.html",)),
        Bundle("2026", ("craftsmen/b/index.html",)),
        Bundle("2016", ("craftsmen/a/index.html", "stories/s/index.html")),
    ]
    assert plan(pages, {}, ["2026", "2016"]) == [Bundle(SITE_BUNDLE, tuple(sorted(pages)))]


def test_page_urls_as_pagefind_gives_them():
    for rel, url in [("index.html", "/"), ("craftsmen/x/index.html", "/craftsmen/x/"), ("a.html", "/a.html")]:
        assert page_url(rel) == url and page_path(url) == rel


def test_folders_and_the_bundle_list():
    bundles = [Bundle(SITE_BUNDLE, ("a",)), Bundle("2016", ("b",))]
    assert [b.folder("pagefind") for b in bundles] == ["pagefind", "pagefind/2016"]
    script = bundles_script("pagefind", bundles).decode("utf-8")
    assert script.endswith('window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/", "/pagefind/2016/"];\n')


def test_an_edition_id_that_cannot_name_a_folder_is_refused():
    with pytest.raises(ValueError, match="搜索分包名不能用作文件夹名"):
        plan(["a.html", "b.html"], {"a.html": "../x", "b.html": "2016"}, ["2016"])


def test_one_bundle_is_the_site_bundle():
    # a site of one edition: nothing to merge
    assert plan(["a.html", "b.html"], {"a.html": "2016"}, ["2016"]) == [
        Bundle("2016", ("a.html",)), Bundle(SITE_BUNDLE, ("b.html",))
    ][::-1]
    assert plan(["b.html", "a.html"], {"a.html": "2016", "b.html": "2016"}, ["2016"]) == [
        Bundle(SITE_BUNDLE, ("a.html", "b.html"))
    ]


def test_pages_of_a_language_go_to_its_bundle():
    pages = ["a.html", "en/a.html", "en/b.html", "x.html"]
    assert plan(pages, {"a.html": "2016"}, ["2016"], {"en/": "en"}) == [
        Bundle(SITE_BUNDLE, ("x.html",)), Bundle("2016", ("a.html",)), Bundle("en", ("en/a.html", "en/b.html")),
    ]
    # not split: one bundle, both languages (Pagefind keeps an index per language)
    assert plan(pages, {}, ["2016"]) == [Bundle(SITE_BUNDLE, tuple(pages))]
    with pytest.raises(ValueError, match="届次编号与语言搜索分包同名：'en'"):
        plan(pages, {"a.html": "en"}, ["en"], {"en/": "en"})


def test_more_editions_than_the_limit_share_bundles_the_latest_in_the_smaller_ones():
    from gongjiang_pipeline.searchbundles import edition_groups

    editions = [str(year) for year in range(2025, 2015, -1)]  # the model's order: the latest first
    groups = edition_groups(editions, 4)
    assert list(dict.fromkeys(groups.values())) == ["2024-2025", "2022-2023", "2019-2021", "2016-2018"]
    assert groups["2025"] == groups["2024"] == "2024-2025" and groups["2017"] == "2016-2018"
    # no more editions than the limit, or no limit: one bundle per edition
    assert edition_groups(editions[:4], 4) == {ed: ed for ed in editions[:4]}
    assert edition_groups(editions, 0) == {ed: ed for ed in editions}
    with pytest.raises(ValueError, match="搜索分包名与届次编号重复：'2016-2017'"):
        edition_groups(["2017", "2016", "2016-2017", "x"], 2)


def test_plan_with_a_limit_puts_consecutive_editions_into_one_bundle():
    editions = {"a.html": "2026", "b.html": "2020", "c.html": "2016", "s.html": "2016"}
    pages = ["a.html", "b.html", "c.html", "s.html", "news.html", "en/a.html"]
    assert plan(pages, editions, ["2026", "2020", "2016"], {"en/": "en"}, 2) == [
        Bundle(SITE_BUNDLE, ("news.html",)), Bundle("2026", ("a.html",)),
        Bundle("2016-2020", ("b.html", "c.html", "s.html")), Bundle("en", ("en/a.html",)),
    ]
    # editions without indexed pages take no place in the groups
    assert [b.key for b in plan(pages, editions, ["2030", "2026", "2020", "2016"], None, 3)] == [
        SITE_BUNDLE, "2026", "2020", "2016"
    ]
    # all editions in one bundle and no other page: that is the one bundle ``site``
    assert [b.key for b in plan(pages[:3], editions, ["2026", "2020", "2016"], None, 1)] == [SITE_BUNDLE]


def test_the_bundles_script_lists_a_languages_bundles_apart():
    from gongjiang_pipeline.searchbundles import bundles_script

    script = bundles_script("pagefind", [Bundle(SITE_BUNDLE, ("x.html",)), Bundle("2016", ("a.html",)),
                                         Bundle("en", ("en/a.html",))]).decode("utf-8")
    assert script.endswith('window.GONGJIANG_SEARCH_BUNDLES_BY_LANG = {"en": ["/pagefind/en/"]};\n'
                           'window.GONGJIANG_SEARCH_BUNDLES = ["/pagefind/", "/pagefind/2016/"];\n')


@pytest.mark.slow
def test_per_edition_build_and_rebuild_keeps_unchanged_bundles(tmp_path):
    from gongjiang_pipeline.sitebuild import build_into

    out = tmp_path / "site"
    override = {"GONGJIANG_SEARCH_PER_EDITION": True, "GONGJIANG_PAGE_CACHE": str(tmp_path / "cache")}
    first = build_into(ROOT, out, SAMPLE_AS_OF, override=override)
    # people and stories, news articles (site bundle), the English pages (10 craftsmen, 3 stories)
    assert first.search_pages == 58 + 11 + 13
    # one bundle per edition, the news articles (of no edition) in the site's bundle, and
    # the English pages in a bundle of their own
    assert sorted(first.extra["search"]["bundles"]) == ["2016", "2026", "en", "site"]
    assert [first.extra["search"]["bundles"][k][1] for k in ("2016", "2026", "site", "en")] == [34, 24, 11, 13]
    english = json.loads((out / "pagefind/en/pagefind-entry.json").read_text("utf-8"))
    assert list(english["languages"]) == ["en"]
    # one bundle in English: it lacks no English word, so it has no vocabulary page
    assert "词表" not in bundle_filters(out / "pagefind/en", "en")
    folders = {"2016": out / "pagefind/2016", "2026": out / "pagefind/2026", "site": out / "pagefind"}
    for folder in folders.values():
        entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == ["zh-cn"]
    assert (out / "pagefind/pagefind-ui.js").read_bytes() == (out / "pagefind/2026/pagefind-ui.js").read_bytes()
    # each bundle holds every word of the site: its own, and the others' on its
    # vocabulary page, the one page with the filter 词表
    words = {key: index_words(folder)["zh-cn"] for key, folder in folders.items()}
    own = {key: set(first.extra["search"]["bundles"][key][3]["zh-cn"]) for key in folders}
    assert "单立新" in own["2016"] and "单立新" not in own["2026"] and "林丽雪" in own["2026"]
    for key, folder in folders.items():
        assert words[key] == own["2016"] | own["2026"] | own["site"] | {"词表"}
        assert bundle_filters(folder)["词表"] == {"是": [_vocab_page(folder)]}
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    again = build_into(ROOT, out, SAMPLE_AS_OF, override=override, force=True)
    assert again.extra == first.extra
    # every file of both bundles kept from the first build, none indexed again
    assert {rel for rel in again.kept if rel.startswith("pagefind/20")} == {
        rel for rel in before if rel.startswith("pagefind/20")
    }
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before


def _project(tmp_path):
    from test_cli_build import copy_project

    return copy_project(tmp_path / "project")


def _tree(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_new_word_in_one_edition_reindexes_the_others_and_equals_a_clean_build(tmp_path):
    from gongjiang_pipeline.sitebuild import build_into, build_site

    root = _project(tmp_path)
    out = tmp_path / "site"
    override = {"GONGJIANG_PAGE_CACHE": str(tmp_path / "cache")}
    build_into(root, out, SAMPLE_AS_OF, override=override)
    story = root / "content/stories/he-xingyong-hanfeng.md"  # 2016
    # a word nowhere on the site: the 2016 bundle changes, and the 2026 bundle's vocabulary
    story.write_text(story.read_text("utf-8").replace("焊花四溅", "焊花四溅，氩弧焊枪嗡鸣", 1), "utf-8")
    before = _tree(out)
    again = build_into(root, out, SAMPLE_AS_OF, override=override)
    after = _tree(out)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert any(rel.startswith("pagefind/2016/") for rel in changed)
    assert any(rel.startswith("pagefind/2026/") for rel in changed)  # its vocabulary page
    assert index_words(out / "pagefind/2016")["zh-cn"] <= index_words(out / "pagefind/2026")["zh-cn"]
    # an edit with no new word: the 2026 bundle is kept as it was
    story.write_text(story.read_text("utf-8").replace("氩弧焊枪嗡鸣", "嗡鸣氩弧焊枪", 1), "utf-8")
    third = build_into(root, out, SAMPLE_AS_OF, override=override)
    assert {rel for rel in _tree(out) if rel.startswith("pagefind/2026/")} <= set(third.kept)
    assert not {rel for rel in _tree(out) if rel.startswith("pagefind/2016/")} <= set(third.kept)
    clean = tmp_path / "clean"
    build_site(root, clean, SAMPLE_AS_OF)
    assert _tree(clean) == _tree(out)
    assert again.search_pages == third.search_pages == 58 + 11 + 13


@pytest.mark.slow
def test_a_failing_bundle_fails_the_build_and_keeps_the_old_site(tmp_path):
    import stat

    from gongjiang_pipeline.searchindex import SearchIndexError, pagefind_executable
    from gongjiang_pipeline.sitebuild import build_into

    root = _project(tmp_path)
    out = tmp_path / "site"
    build_into(root, out, SAMPLE_AS_OF)
    before = _tree(out)
    # Pagefind fails for the 2026 bundle only (its second run, with the vocabulary page)
    script = tmp_path / "pagefind"
    script.write_text(f'#!/bin/sh\ncase "$*" in *pagefind/2026*) echo "Error: disk full" >&2; exit 3;; esac\n'
                      f'exec "{pagefind_executable()}" "$@"\n', "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    story = root / "content/stories/he-xingyong-hanfeng.md"
    story.write_text(story.read_text("utf-8").replace("焊花四溅", "焊花四溅，氩弧焊枪嗡鸣", 1), "utf-8")
    with pytest.raises(SearchIndexError, match="Pagefind 退出码 3"):
        build_into(root, out, SAMPLE_AS_OF, override={"GONGJIANG_PAGEFIND": str(script)})
    assert _tree(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".search")]  # no scratch left


@pytest.mark.slow
def test_editions_that_come_to_share_a_bundle_leave_no_old_bundle_behind(tmp_path):
    from gongjiang_pipeline.sitebuild import build_into, build_site

    out = tmp_path / "site"
    cache = {"GONGJIANG_PAGE_CACHE": str(tmp_path / "cache")}
    build_into(ROOT, out, SAMPLE_AS_OF, override=cache)
    assert (out / "pagefind/2016/pagefind-entry.json").is_file()
    shared = {"GONGJIANG_SEARCH_EDITION_BUNDLES": 1}
    again = build_into(ROOT, out, SAMPLE_AS_OF, override={**cache, **shared})
    assert sorted(again.extra["search"]["bundles"]) == ["2016-2026", "en", "site"]
    assert again.extra["search"]["bundles"]["2016-2026"][1] == 34 + 24
    assert not (out / "pagefind/2016").exists() and not (out / "pagefind/2026").exists()
    clean = tmp_path / "clean"
    build_site(ROOT, clean, SAMPLE_AS_OF, override=shared)
    assert _tree(clean) == _tree(out)
