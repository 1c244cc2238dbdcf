"""Pelican's reader cache (CACHE_CONTENT) in the builds of this project: a resident build
(the devserver) saves it like any other, and a cache file cut short by a stopped run is
dropped instead of failing every later build."""
from __future__ import annotations

import datetime as dt
import gzip
import pickle

from sitekit import SiteProject, fake_engine
from test_news import GOOD as NEWS  # a news article with a category and a tag

from gongjiang_pipeline.devserver import DevServer
from gongjiang_pipeline.resident import Resident
from gongjiang_pipeline.sitebuild import build_site

AS_OF = dt.date(2099, 7, 1)


def _project(tmp_path) -> SiteProject:
    site = SiteProject(tmp_path / "project")
    site.story("zhang", "2099-001", title="焊花里的三十年")
    (site.root / "content" / "news").mkdir(parents=True, exist_ok=True)
    # a category and a tag: Pelican caches them with the settings they hold
    (site.root / "content" / "news" / "naming.md").write_text(NEWS, "utf-8")
    return site


def test_a_pickled_resident_leaves_its_data_behind():
    resident = Resident()
    resident.page_keys["a"] = ("b",)
    assert pickle.loads(pickle.dumps({"_GONGJIANG_RESIDENT": resident})) == {"_GONGJIANG_RESIDENT": None}


def test_the_devserver_builds_and_saves_the_reader_cache_of_a_site_with_news(tmp_path):
    site = _project(tmp_path)
    said: list[str] = []
    ds = DevServer(site.root, site.root / "output", AS_OF, say=said.append,
                   override={"GONGJIANG_ENGINE": fake_engine})
    assert ds.build(search=True), said
    saved = list((site.root / "cache" / "pelican").rglob("ArticlesGenerator-Readers"))
    assert len(saved) == 1 and saved[0].stat().st_size > 0
    story = site.root / "content" / "stories" / "zhang.md"
    story.write_text(story.read_text("utf-8").replace("这是故事正文。", "这是改过的故事正文。"), "utf-8")
    assert ds.build(changed={story}), said
    assert "这是改过的故事正文。" in (site.root / "output" / "stories" / "zhang" / "index.html").read_text("utf-8")


def test_a_reader_cache_file_cut_short_is_dropped_and_the_build_succeeds(tmp_path):
    site = _project(tmp_path)
    override = {"GONGJIANG_ENGINE": fake_engine}
    build_site(site.root, tmp_path / "one", AS_OF, override=override)
    [cached] = (site.root / "cache" / "pelican").rglob("ArticlesGenerator-Readers")
    whole = cached.read_bytes()
    cached.write_bytes(whole[: len(whole) // 2])  # as a run stopped while saving leaves it
    build_site(site.root, tmp_path / "two", AS_OF, override=override)
    assert (tmp_path / "two" / "stories" / "zhang" / "index.html").is_file()
    with gzip.open(cached, "rb") as saved:  # saved whole again
        assert str(site.root / "content" / "stories" / "zhang.md") in pickle.load(saved)
