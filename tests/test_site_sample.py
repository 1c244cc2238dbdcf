"""Sample data on the site: every page generated from an edition marked ``sample: true``
(craftsmen, stories about them, lists, edition pages, browse pages) shows the 示例数据
badge and carries ``noindex``, and stays out of the sitemap; a page mixing sample and
real editions badges the sample entries only and stays indexable."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sitekit import ROOT, SiteProject

from gongjiang_pipeline.sitebuild import build_site

NOINDEX = '<meta name="robots" content="noindex">'
BADGE = '<span class="badge-sample" title="本届为示例数据，并非真实评选结果" data-pagefind-ignore>示例数据</span>'
BASE = "https://gongjiang.example.org"


def pages(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*.html"))}


def sitemap(out: Path) -> set[str]:
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    return {loc.text.removeprefix(BASE) for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}


def h1(page: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)


LECTURE = """\
id: {id}
title: 焊接基本功
speaker: 2099-001
start: {day} 14:00
end: {day} 16:00
venue: 职工之家
registration: https://example.org/r
announced: 2099-08-01
"""
MENTORSHIP = """\
id: wang-xiaoming
master: "2099-001"
apprentice:
  name: 王小明
start: 2099-03-01
occupation: 焊工
"""


NEWS = """\
Title: 2099年“北京大工匠”命名大会举行
Date: 2099-10-01
Category: 新闻动态
Edition: 2099
Craftsmen: 2099-001

张建国获评“北京大工匠”。
"""


def sample_project(root: Path) -> SiteProject:
    """A sample edition with a story, a past and an upcoming lecture, a lineage of 2099-001
    and a news article about the edition."""
    site = SiteProject(root, sample=True)
    site.story("zhang", "2099-001", title="张建国的故事")
    site.write("data/lectures/2099-a.yaml", LECTURE.format(id="2099-a", day="2099-09-01"))
    site.write("data/lectures/2099-b.yaml", LECTURE.format(id="2099-b", day="2100-01-10"))
    site.write("data/mentorships/wang-xiaoming.yaml", MENTORSHIP)
    site.write("content/news/2099-mingming.md", NEWS, schema=False)
    return site


def test_sample_edition_pages_are_badged_and_noindex(tmp_path):
    site = sample_project(tmp_path / "project")
    out = site.build("2099-12-31", tmp_path / "out")
    html = pages(out)
    indexable = {name for name, text in html.items() if NOINDEX not in text}
    # the search page shows nothing by itself; the errata page has no errata, the studio
    # directory no studio (a studio needs a craftsman named by the real engine: test_studios.py),
    # the topic index no topic; the edition has no English names, so the English home and
    # search page show no data either
    assert indexable == {"search/index.html", "errata/index.html", "studios/index.html", "topics/index.html",
                         "en/index.html", "en/search/index.html"}
    assert sitemap(out) == {"/search/", "/errata/", "/studios/", "/topics/", "/en/", "/en/search/"}
    for name in ("craftsmen/zhang-jianguo/index.html", "stories/zhang/index.html", "editions/2099/index.html",
                 "editions/2099/craftsmen/index.html", "editions/2099/nominees/index.html",
                 "occupations/index.html"):
        assert h1(html[name]).endswith(" " + BADGE), name
    for name in ("index.html", "craftsmen/index.html", "occupations/welder/index.html", "stories/index.html",
                 "statistics/index.html", "opendata/index.html"):
        assert BADGE in html[name], name
    assert html["stories/index.html"].count(BADGE) == 1  # the one story
    # 北京大工匠讲堂 and 大工匠带徒 made from sample data
    for name in ("lectures/2099-a/index.html", "lectures/2099-b/index.html", "mentorship/zhang-jianguo/index.html"):
        assert h1(html[name]).endswith(" " + BADGE), name
    for name in ("lectures/index.html", "lectures/past/index.html", "mentorship/index.html"):
        assert html[name].count(BADGE) == 1, name  # the one lecture or lineage listed
    # news about a sample edition or naming its people
    assert h1(html["news/2099-mingming/index.html"]).endswith(" " + BADGE)
    for name in ("news/index.html", "news/updates/index.html"):
        assert NOINDEX in html[name] and BADGE in html[name], name
    assert 'class="poster-sample">示例数据' in html["craftsmen/zhang-jianguo/poster/index.html"]


def test_sample_entries_are_marked_in_the_feed_and_the_search_results(tmp_path):
    from searchkit import fragments

    site = sample_project(tmp_path / "project")
    out = site.build("2099-12-31", tmp_path / "out")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (entry,) = ET.fromstring((out / "feeds/stories.atom.xml").read_bytes()).findall("a:entry", ns)
    assert entry.find("a:title", ns).text == "【示例数据】张建国的故事"
    assert [c.get("term") for c in entry.findall("a:category", ns)] == ["张建国", "示例数据"]
    found = {url: f["meta"] for url, f in fragments(out).items()}
    assert found["/craftsmen/zhang-jianguo/"]["sample"] == "示例数据"
    assert found["/stories/zhang/"]["sample"] == "示例数据"
    assert '["sample", "说明"]' in (out / "theme/js/search.js").read_text("utf-8")  # shown as 说明：示例数据


def test_real_edition_pages_carry_no_badge(tmp_path):
    site = SiteProject(tmp_path / "project")
    site.story("zhang", "2099-001", title="张建国的故事")
    site.write("data/lectures/2099-a.yaml", LECTURE.format(id="2099-a", day="2099-09-01"))
    site.write("data/mentorships/wang-xiaoming.yaml", MENTORSHIP)
    out = site.build("2099-12-31", tmp_path / "out")
    html = pages(out)
    assert not any("badge-sample" in text or "示例数据" in text for text in html.values())
    feed = (out / "feeds/stories.atom.xml").read_text("utf-8")
    assert "示例数据" not in feed
    from searchkit import fragments

    assert not any("sample" in f["meta"] for f in fragments(out).values())
    assert {"/lectures/", "/lectures/2099-a/", "/mentorship/", "/mentorship/zhang-jianguo/"} <= sitemap(out)
    noindex = {name for name, text in html.items() if NOINDEX in text}
    assert noindex == {"404.html"} | {name for name in html if name.endswith("/poster/index.html")}
    assert {"/", "/craftsmen/zhang-jianguo/", "/stories/zhang/", "/editions/2099/craftsmen/"} <= sitemap(out)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """The sample project with the 2026 edition marked real (sample: true removed)."""
    root = tmp_path_factory.mktemp("mixed") / "project"
    for name in ("data", "content", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    for name in ("theme", "plugins"):
        os.symlink(ROOT / name, root / name)
    shutil.copy(ROOT / "pelican.conf.py", root / "pelican.conf.py")
    edition = root / "data/editions/2026.yaml"
    text = edition.read_text("utf-8")
    assert "\nsample: true\n" in text
    edition.write_text(text.replace("\nsample: true\n", "\n"), "utf-8")
    out = root.parent / "out"
    import datetime as dt

    build_site(root, out, dt.date(2026, 12, 1))
    return out


@pytest.mark.slow
def test_mixed_site_badges_the_sample_entries(mixed):
    html = pages(mixed)
    people = {n: t for n, t in html.items() if re.fullmatch(r"craftsmen/[^/]+/index.html", n)}
    sample = {n for n, t in people.items() if "2016年“北京大工匠”选树（示例）" in t}
    real = set(people) - sample
    assert (len(sample), len(real)) == (30, 24)  # public as of 2026-12-01: the 2016 nominees, 2026 nominees
    for name in sample:
        assert NOINDEX in people[name] and h1(people[name]).endswith(" " + BADGE), name
    for name in real:
        assert NOINDEX not in people[name] and BADGE not in people[name], name
    in_sitemap = sitemap(mixed)
    assert {"/" + n.removesuffix("index.html") for n in real} <= in_sitemap
    assert not {"/" + n.removesuffix("index.html") for n in sample} & in_sitemap
    # pages showing both editions: indexable, one badge per sample entry
    directory = html["craftsmen/index.html"]
    assert NOINDEX not in directory and directory.count(BADGE) == 30
    home = html["index.html"]
    assert NOINDEX not in home and "/" in in_sitemap
    assert re.search(r"2016年“北京大工匠”选树（示例）</a> " + re.escape(BADGE) + "</h2>", home)
    assert re.search(r"2026年“北京大工匠”选树（示例）</a> </h2>", home)
    assert NOINDEX in html["editions/2016/index.html"] and NOINDEX not in html["editions/2026/index.html"]
    assert NOINDEX in html["stories/shan-lixin-cezhang/index.html"]
    assert "/stories/shan-lixin-cezhang/" not in in_sitemap
