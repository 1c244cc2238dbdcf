"""Which search bundle a page goes to (gongjiang_pipeline/searchbundles.py), and the
per-edition bundles of a real build (GONGJIANG_SEARCH_PER_EDITION)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_AS_OF

from searchkit import bundle_filters

from gongjiang_pipeline.searchbundles import (SITE_BUNDLE, WORD_SHARDS, WORDS_DIR, Bundle, bundles_script,
                                              page_editions, page_path, page_url, plan, word_files, word_shard)
from gongjiang_pipeline.searchindex import index_words


def _word_lists(folder) -> dict[str, set[str]]:
    """A bundle's word lists as the search page reads them: language -> its words; and
    each word in the shard of its first character."""
    info = json.loads((folder / WORDS_DIR / "languages.json").read_text("utf-8"))
    out = {}
    for lang, about in info["languages"].items():
        assert len(about["shards"]) == WORD_SHARDS
        out[lang] = set()
        for n, name in enumerate(about["shards"]):
            words = json.loads((folder / WORDS_DIR / name).read_text("utf-8"))
            assert words == sorted(words) and all(word_shard(w) == n for w in words)
            out[lang].update(words)
    return out


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
    with pytest.raises(ValueError, match="搜索分包名不能用作文件夹名"):  # the word lists' folder
        plan(["a.html", "b.html"], {"a.html": WORDS_DIR, "b.html": "2016"}, [WORDS_DIR, "2016"])


def test_word_files_shard_by_first_character_and_are_deterministic():
    files = word_files({"zh-cn": (3, False, ["单立新", "单", "a", "", "单"])}, ["_"])
    again = word_files({"zh-cn": (3, False, ["a", "单", "单立新"])}, ["_"])
    assert files == again
    info = json.loads(files["languages.json"])
    assert info["include_characters"] == ["_"]
    about = info["languages"]["zh-cn"]
    assert about["pages"] == 3 and about["stemmed"] is False and len(about["shards"]) == WORD_SHARDS
    assert json.loads(files[about["shards"][ord("单") % WORD_SHARDS]]) == ["单", "单立新"]
    assert json.loads(files[about["shards"][ord("a") % WORD_SHARDS]]) == ["a"]
    assert set(files) == {"languages.json", *about["shards"]}  # every shard, empty ones too
    empty = [name for name in about["shards"] if files[name] == b"[]\n"]
    assert len(empty) == WORD_SHARDS - 2
    # a file's name changes with its bytes (the browser may cache it)
    other = json.loads(word_files({"zh-cn": (3, False, ["单"])})["languages.json"])["languages"]["zh-cn"]
    assert other["shards"][ord("单") % WORD_SHARDS] != about["shards"][ord("单") % WORD_SHARDS]
    assert other["shards"][ord("a") % WORD_SHARDS] != about["shards"][ord("a") % WORD_SHARDS]


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
    # no bundle carries pages made for the index only (as the vocabulary pages once were):
    # as many fragments as pages, and only the site's own filters
    for key, folder in {"2016": "pagefind/2016", "2026": "pagefind/2026", "site": "pagefind", "en": "pagefind/en"}.items():
        assert len(list((out / folder / "fragment").glob("*.pf_fragment"))) == first.extra["search"]["bundles"][key][1]
    assert set(bundle_filters(out / "pagefind/2016")) == {"届次", "工种", "奖项"}
    folders = {"2016": out / "pagefind/2016", "2026": out / "pagefind/2026", "site": out / "pagefind"}
    for folder in folders.values():
        entry = json.loads((folder / "pagefind-entry.json").read_text("utf-8"))
        assert list(entry["languages"]) == ["zh-cn"]
    assert (out / "pagefind/pagefind-ui.js").read_bytes() == (out / "pagefind/2026/pagefind-ui.js").read_bytes()
    # each bundle holds its own pages' words only, and its word lists are exactly those
    words = {key: index_words(folder)["zh-cn"] for key, folder in folders.items()}
    assert "单立新" in words["2016"] and "单立新" not in words["2026"] and "林丽雪" in words["2026"]
    assert "林丽雪" not in words["2016"]
    for key, folder in folders.items():
        assert _word_lists(folder) == {"zh-cn": words[key]}
        info = json.loads((folder / WORDS_DIR / "languages.json").read_text("utf-8"))
        assert info["languages"]["zh-cn"]["pages"] == first.extra["search"]["bundles"][key][1]
        assert info["languages"]["zh-cn"]["stemmed"] is False
    # English: Pagefind stems its words (the search page then leaves no bundle out)
    english_words = json.loads((out / "pagefind/en" / WORDS_DIR / "languages.json").read_text("utf-8"))
    assert english_words["languages"]["en"]["stemmed"] is True
    assert _word_lists(out / "pagefind/en") == {"en": index_words(out / "pagefind/en")["en"]}
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


def _changed_bundles(before, after) -> set[str]:
    """The bundle folders (holding a pagefind-entry.json) in which a file was written or removed."""
    folders = {rel.rsplit("/", 1)[0] for rel in after if rel.endswith("pagefind-entry.json")}
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    out = set()
    for rel in changed:
        owners = [f for f in folders if rel.startswith(f + "/")]
        if owners:
            out.add(max(owners, key=len))
    return out


def _edited(tmp_path, edit):
    """Build a scratch copy of the sample project, ``edit(root)``, build again into the same
    folder; returns (root, output, files before, files after, the second build's summary)."""
    from gongjiang_pipeline.sitebuild import build_into

    root = _project(tmp_path)
    out = tmp_path / "site"
    override = {"GONGJIANG_PAGE_CACHE": str(tmp_path / "cache")}
    build_into(root, out, SAMPLE_AS_OF, override=override)
    before = _tree(out)
    edit(root)
    again = build_into(root, out, SAMPLE_AS_OF, override=override)
    return root, out, before, _tree(out), again


def _replace_once(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.slow
def test_a_new_word_in_one_edition_reindexes_only_its_bundle_and_equals_a_clean_build(tmp_path):
    from gongjiang_pipeline.sitebuild import build_site

    # a word nowhere on the site, in a story about a 2016 craftsman: only the 2016 bundle changes
    root, out, before, after, again = _edited(tmp_path, lambda root: _replace_once(
        root / "content/stories/he-xingyong-hanfeng.md", "焊花四溅", "焊花四溅，氩弧焊枪嗡鸣"))
    assert _changed_bundles(before, after) == {"pagefind/2016"}
    assert {rel for rel in after if rel.startswith("pagefind/2026/")} <= set(again.kept)
    assert "氩弧焊枪嗡鸣" in _word_lists(out / "pagefind/2016")["zh-cn"] or any(
        w.startswith("氩") for w in _word_lists(out / "pagefind/2016")["zh-cn"])
    assert not any(w.startswith("氩") for w in _word_lists(out / "pagefind/2026")["zh-cn"])
    clean = tmp_path / "clean"
    build_site(root, clean, SAMPLE_AS_OF)
    assert _tree(clean) == _tree(out)
    assert again.search_pages == 58 + 11 + 13


@pytest.mark.slow
def test_editing_one_candidate_reindexes_only_that_candidates_bundle(tmp_path):
    from gongjiang_pipeline.sitebuild import build_site

    # new words, nowhere else on the site, for 林丽雪 (2026-013, on the site: a craftsman page)
    root, out, before, after, again = _edited(tmp_path, lambda root: _replace_once(
        root / "data/candidates/2026/2026-013.yaml", "achievements:\n",
        "achievements:\n  - 研制氩弧焊枪嗡鸣检测仪，获评饕餮杯创新奖\n"))
    assert _changed_bundles(before, after) == {"pagefind/2026"}
    # every other bundle's files (the site bundle's of the news too) kept from the first
    # build, byte for byte
    others = {rel for rel in after if rel.startswith("pagefind/") and not rel.startswith("pagefind/2026/")}
    assert {rel for rel in before if rel.startswith("pagefind/") and not rel.startswith("pagefind/2026/")} == others
    assert {rel: after[rel] for rel in others} == {rel: before[rel] for rel in others}
    assert any(rel.startswith(f"pagefind/{WORDS_DIR}/") for rel in others)
    assert any(rel.startswith("pagefind/2016/fragment/") for rel in others)
    assert others <= set(again.kept)
    assert any(w.startswith("饕") for w in _word_lists(out / "pagefind/2026")["zh-cn"])
    # and the result is what a clean build makes
    clean = tmp_path / "clean"
    build_site(root, clean, SAMPLE_AS_OF)
    assert _tree(clean) == _tree(out)


@pytest.mark.slow
def test_a_failing_bundle_fails_the_build_and_keeps_the_old_site(tmp_path):
    import stat

    from gongjiang_pipeline.searchindex import SearchIndexError, pagefind_executable
    from gongjiang_pipeline.sitebuild import build_into

    root = _project(tmp_path)
    out = tmp_path / "site"
    build_into(root, out, SAMPLE_AS_OF)
    before = _tree(out)
    # Pagefind fails for the 2026 bundle only (another binary: every bundle is indexed again)
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


@pytest.mark.slow
def test_the_devservers_search_refresh_reindexes_only_the_bundle_with_a_changed_page(tmp_path, monkeypatch):
    """The devserver builds without the index and brings it up to date afterwards
    (sitebuild.refresh_search_index); given the page keys of the build and what its last
    refresh made, it indexes again only the bundle with a changed page, leaves the other
    bundles' files untouched, and ends with the index a clean build makes."""
    from gongjiang_pipeline import sitebuild
    from gongjiang_pipeline.sitebuild import build_into, build_site, refresh_search_index

    root = _project(tmp_path)
    out = tmp_path / "site"
    override = {"GONGJIANG_PAGE_CACHE": str(tmp_path / "cache")}
    state: dict = {}
    settings: dict = {}
    indexed: list[str] = []  # the bundle folders Pagefind ran for
    run = sitebuild._index_bundle

    def counted(pages, folder, executable):
        indexed.append(Path(folder).relative_to(Path(folder).parents[1]).as_posix()
                       if Path(folder).parent.name == "pagefind" else Path(folder).name)
        return run(pages, folder, executable)

    monkeypatch.setattr(sitebuild, "_index_bundle", counted)

    def build_and_refresh():
        summary = build_into(root, out, SAMPLE_AS_OF, override=override, search=False)
        settings.update(summary.search_settings)
        refresh_search_index(out, settings=summary.search_settings, page_keys=lambda: summary.keys, state=state)

    build_and_refresh()
    assert sorted(indexed) == ["pagefind", "pagefind/2016", "pagefind/2026", "pagefind/en"]  # all, at first
    indexed.clear()
    before = _tree(out)
    stamps = {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
              for p in (out / "pagefind").rglob("*") if p.is_file()}
    _replace_once(root / "content/stories/he-xingyong-hanfeng.md", "焊花四溅", "焊花四溅，氩弧焊枪嗡鸣")
    build_and_refresh()
    after = _tree(out)
    assert indexed == ["pagefind/2016"]  # Pagefind ran for that bundle only
    assert _changed_bundles(before, after) == {"pagefind/2016"}
    untouched = [rel for rel in stamps if not rel.startswith("pagefind/2016/")]
    assert untouched and all(
        ((out / rel).stat().st_ino, (out / rel).stat().st_mtime_ns) == stamps[rel] for rel in untouched)
    clean = tmp_path / "clean"
    build_site(root, clean, SAMPLE_AS_OF)
    index = {rel: data for rel, data in _tree(clean).items() if rel.startswith("pagefind/")}
    assert {rel: data for rel, data in after.items() if rel.startswith("pagefind/")} == index
    # without the keys (a caller that keeps no state) every bundle is indexed again, to the same index
    refresh_search_index(out, settings=settings)
    assert {rel: data for rel, data in _tree(out).items() if rel.startswith("pagefind/")} == index


@pytest.mark.slow
def test_the_devservers_first_search_refresh_reindexes_only_the_bundle_with_a_changed_page(tmp_path, monkeypatch):
    """The devserver's first build makes the index; its first refresh after an edit keeps
    the bundles that build made (its manifest), indexing again only the edited page's."""
    from gongjiang_pipeline import sitebuild
    from gongjiang_pipeline.devserver import DevServer

    root = _project(tmp_path)
    said: list[str] = []
    ds = DevServer(root, root / "output", SAMPLE_AS_OF, say=said.append)
    assert ds.build(search=True), said
    indexed: list[str] = []
    run = sitebuild._index_bundle

    def counted(pages, folder, executable):
        indexed.append(Path(folder).name)
        return run(pages, folder, executable)

    monkeypatch.setattr(sitebuild, "_index_bundle", counted)
    story = root / "content/stories/he-xingyong-hanfeng.md"
    _replace_once(story, "焊花四溅", "焊花四溅，氩弧焊枪嗡鸣")
    assert ds.build(changed={story}), said  # the search is then refreshed in the background
    assert ds.wait_search(120) and ds.searches == 1, said
    assert indexed == ["2016"]
    clean = tmp_path / "clean"
    sitebuild.build_site(root, clean, SAMPLE_AS_OF)
    index = {rel: data for rel, data in _tree(clean).items() if rel.startswith("pagefind/")}
    assert {rel: data for rel, data in _tree(root / "output").items() if rel.startswith("pagefind/")} == index
