"""News (content/news/) and 专题 (data/topics/): exact error messages, the embargo of
articles and of people not yet public, Pelican's category/tag/pagination pages, the
Atom feeds (parsed as XML), the craftsman and edition links and the topic pages."""

import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gongjiang_pipeline import news
from test_bad_corpus import run_check

ROOT = Path(__file__).resolve().parent.parent
N = "content/news/a.md"
T = "data/topics/t.yaml"
ATOM = "{http://www.w3.org/2005/Atom}"

GOOD = """\
Title: 命名大会举行
Date: 2099-06-25
Category: 新闻动态
Tags: 命名大会
Craftsmen: 2099-001
Edition: 2099
Event: 命名大会

正文。
"""


def article(old="", new="", text=GOOD):
    assert old in text
    return text.replace(old, new, 1)


def _errors(err: str) -> list[str]:
    return err.splitlines()[:-1]


def test_a_valid_article_passes(scratch):
    scratch.write(N, GOOD, schema=False)
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")


CASES = [
    ("unknown-category", article("Category: 新闻动态", "Category: 新闻动向"),
     [f"{N}:3:11: Category: 未知的栏目「新闻动向」。是否想写「新闻动态」？栏目只能是：通知公告、新闻动态、专题报道"]),
    ("missing-category", article("Category: 新闻动态\n", ""),
     [f"{N}:7:1: Category: 缺少栏目：在文件开头写 Category: 栏目（通知公告、新闻动态、专题报道之一）"]),
    ("unknown-craftsman", article("Craftsmen: 2099-001", "Craftsmen: 2099-001, 2099-01"),
     [f"{N}:5:22: Craftsmen: 未知的工匠编号「2099-01」，是否想写「2099-001」？"]),
    ("repeated-craftsman", article("Craftsmen: 2099-001", "Craftsmen: 2099-001，2099-001"),
     [f"{N}:5:21: Craftsmen: 工匠编号「2099-001」重复"]),
    ("unknown-edition", article("Edition: 2099", "Edition: 2098"),
     [f"{N}:6:10: Edition: 未知的届次「2098」，是否想写「2099」？"]),
    ("event-without-edition", article("Edition: 2099\n", ""),
     [f"{N}:6:1: Event: 写了 Event 就必须用 Edition 写明是哪一届的活动，例如 Edition: 2016"]),
    ("unknown-event", article("Event: 命名大会", "Event: 命名会"),
     [f"{N}:7:8: Event: 未知的活动「命名会」。是否想写「命名大会」？活动只能是：启动会、新闻发布会、命名大会"]),
    ("naming-before-honor-roll", article("Date: 2099-06-25", "Date: 2099-06-01"),
     [f"{N}:2:7: Date: 命名大会的文章日期 2099-06-01 早于该届荣誉榜公布日期 2099-06-20"]),
    ("launch-before-announcement", article("Event: 命名大会", "Event: 启动会", article("Date: 2099-06-25", "Date: 2099-01-01")),
     [f"{N}:2:7: Date: 启动会的文章日期 2099-01-01 早于该届启动日期（timeline.announced） 2099-01-10"]),
    ("unknown-key", article("Craftsmen:", "Craftsman:"),
     [f"{N}:5:1: Craftsman: 未知的元数据「Craftsman」。是否想写「Craftsmen」？新闻可用的元数据："
      "Title、Date、Modified、Category、Tags、Summary、Slug、Status、Craftsmen、Edition、Event"]),
    ("bad-date", article("Date: 2099-06-25", "Date: 2099-13-01"),
     [f"{N}:2:7: Date: 日期格式应为 YYYY-MM-DD，例如 2018-05-15（现为「2099-13-01」）"]),
    ("missing-title", article("Title: 命名大会举行\n", ""),
     [f"{N}:7:1: Title: 缺少标题：在文件开头写 Title: 标题"]),
    ("placeholder", article("正文。", "【待填写：正文】"),
     [f"{N}:9:1: 还有待填写的内容：【待填写：正文】（写好后删去【】及其中的说明）"]),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_article_error(scratch, name, text, expected):
    scratch.write(N, text, schema=False)
    rc, out, err = run_check(scratch.root)
    assert rc == 1, err
    assert err.splitlines() == expected + [f"数据检查未通过：1 个文件中共有 {len(expected)} 处错误。"]


def test_one_article_per_edition_event_and_unique_slugs(scratch):
    scratch.write(N, GOOD, schema=False)
    scratch.write("content/news/b.md", article("正文。", "另一篇。"), schema=False)
    scratch.write("content/news/c.md", article("Event: 命名大会\n", "Slug: a\n"), schema=False)
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert _errors(err) == [
        "content/news/b.md:7:8: Event: 2099 届的「命名大会」已有文章 content/news/a.md（每届每项活动一篇）",
        "content/news/c.md:7:7: Slug: 网址（slug）「a」与 content/news/a.md 重复",
    ]


def test_errors_of_stories_data_and_news_are_reported_together(scratch):
    scratch.write(N, article("Category: 新闻动态", "Category: 新闻"), schema=False)
    scratch.write("data/candidates/2099/2099-001.yaml", "id: 2099-001\n")
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert any(line.startswith("data/candidates/2099/2099-001.yaml:") for line in _errors(err))
    assert any(line.startswith(f"{N}:3:11: Category: 未知的栏目「新闻」") for line in _errors(err))


# --------------------------------------------------------------------------
# 专题 (data/topics/)

TOPIC = """\
id: t
title: 专题
summary: 导语
date: 2099-07-01
items:
  - news: a
  - craftsman: 2099-001
    note: 编者按
"""


def topic(old="", new=""):
    assert old in TOPIC
    return TOPIC.replace(old, new, 1)


def test_a_valid_topic_passes(scratch):
    scratch.write(N, GOOD, schema=False)
    scratch.write(T, TOPIC)
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")


TOPIC_CASES = [
    ("unknown-news", topic("news: a", "news: b"), [f"{T}:7:11: items[1].news: 未知的新闻「b」"]),
    ("unknown-story", topic("news: a", "story: a"), [f"{T}:7:12: items[1].story: 未知的故事「a」"]),
    ("unknown-craftsman", topic("craftsman: 2099-001", "craftsman: 2099-010"),
     [f"{T}:8:16: items[2].craftsman: 未知的工匠编号「2099-010」，是否想写「2099-001」？"]),
    ("two-kinds", topic("  - news: a\n", "  - news: a\n    craftsman: 2099-001\n"),
     [f"{T}:7:5: items[1]: 每一项须写 story（故事）、news（新闻）或 craftsman（工匠编号）中的一项，且只能写一项"]),
    ("repeated", topic("  - news: a\n", "  - news: a\n  - news: a\n"),
     [f"{T}:8:11: items[2].news: 新闻「a」在本专题中重复"]),
    ("id-filename", topic("id: t", "id: u"), [f"{T}:2:5: id: 专题编号「u」与文件名「t.yaml」不一致"]),
    ("placeholder", topic("title: 专题", "title: 【待填写：专题标题】"),
     [f"{T}:3:8: title: 还没有填写（请把【待填写：……】换成实际内容）"]),
]


@pytest.mark.parametrize("name,text,expected", TOPIC_CASES, ids=[c[0] for c in TOPIC_CASES])
def test_topic_error(scratch, name, text, expected):
    scratch.write(N, GOOD, schema=False)
    scratch.write(T, text)
    rc, out, err = run_check(scratch.root)
    assert rc == 1, err
    assert err.splitlines() == expected + [f"数据检查未通过：1 个文件中共有 {len(expected)} 处错误。"]


def test_new_topic_scaffold_fails_check_until_filled(scratch):
    scratch.write(N, GOOD, schema=False)
    path = news.new_topic(scratch.root, "t2", today=dt.date(2099, 7, 1))
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/topic.schema.json\n")
    assert "  - news: a\n" in text
    path.write_text(text.replace("craftsman: 2016-048", "craftsman: 2099-001"), "utf-8")
    rc, out, err = run_check(scratch.root)
    assert _errors(err) == [
        "data/topics/t2.yaml:3:8: title: 还没有填写（请把【待填写：……】换成实际内容）",
        "data/topics/t2.yaml:4:10: summary: 还没有填写（请把【待填写：……】换成实际内容）",
    ]
    with pytest.raises(Exception, match="专题文件已存在"):
        news.new_topic(scratch.root, "t2", today=dt.date(2099, 7, 1))


# --------------------------------------------------------------------------
# publication rules (pure)


def test_an_article_is_public_from_its_date_once_everyone_it_names_is_public():
    person = {"2016-048": object()}.get
    day = dt.date(2018, 5, 1)
    assert news.is_public(day, ["2016-048"], day, person)
    assert not news.is_public(day, ["2016-048"], day - dt.timedelta(days=1), person)  # embargo
    assert not news.is_public(day, ["2016-048", "2026-026"], dt.date(2030, 1, 1), person)  # held back


# --------------------------------------------------------------------------
# the built sample site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gongjiang_pipeline.sitebuild import build_site

    out = tmp_path_factory.mktemp("news") / "site"
    build_site(ROOT, out, dt.date(2030, 1, 1))
    return out


HELD = """\
Title: 一篇提前写好的报道
Date: 2017-01-05
Category: 专题报道
Craftsmen: 2016-048, 2026-026

正文。
"""


@pytest.fixture(scope="module")
def early_site(tmp_path_factory):
    """The sample as of 2018-04-20, with an article naming a 2026 candidate not public then."""
    from gongjiang_pipeline.sitebuild import build_site

    root = tmp_path_factory.mktemp("news-early") / "project"
    for name in ("data", "schemas", "content", "theme", "plugins"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pelican.conf.py", root / "pelican.conf.py")
    (root / "content/news/held.md").write_text(HELD, "utf-8")
    out = root / "site"
    build_site(root, out, dt.date(2018, 4, 20))
    return out


def _feed(path: Path) -> list[tuple[str, str]]:
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed"
    return [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href")) for e in feed.iter(f"{ATOM}entry")]


def test_sample_has_news_of_every_category_and_both_editions(site):
    assert len(list((ROOT / "content/news").glob("*.md"))) >= 10
    for slug in ("notices", "updates", "features"):
        assert (site / f"news/{slug}/index.html").is_file()
    assert not (site / "news/misc").exists() and not (site / "news/stories").exists()  # stories untouched
    assert (site / "stories/shan-lixin-cezhang/index.html").is_file()
    assert not (site / "news/shan-lixin-cezhang").exists()


def test_category_feeds_parse_and_hold_only_their_category(site):
    notices = _feed(site / "feeds/news/notices.atom.xml")
    assert ("关于开展2016年“北京大工匠”选树活动的通知", "https://gongjiang.example.org/news/2016-qidong/") in notices
    assert all("/news/2016-mingming/" not in link for _, link in notices)
    updates = _feed(site / "feeds/news/updates.atom.xml")
    assert any(link.endswith("/news/2016-mingming/") for _, link in updates)
    features = _feed(site / "feeds/news/features.atom.xml")
    assert [link for _, link in features] == ["https://gongjiang.example.org/news/2016-shan-lixin-ditie/"]
    everything = _feed(site / "feeds/news.atom.xml")
    assert len(everything) == len(notices) + len(updates) + len(features)
    assert all("/stories/" not in link for _, link in everything)


def test_news_index_is_paginated_and_tag_pages_exist(site):
    first = (site / "news/index.html").read_text("utf-8")
    second = (site / "news/page/2/index.html").read_text("utf-8")
    assert 'href="/news/page/2/"' in first and 'href="/news/"' in second
    assert "第 2 / 2 页" in second
    tag = (site / "news/tags/ming-ming-da-hui/index.html").read_text("utf-8")
    assert "/news/2016-mingming/" in tag and "/news/2016-qidong/" not in tag


def test_craftsman_page_lists_articles_naming_them(site):
    page = (site / "craftsmen/shan-lixin/index.html").read_text("utf-8")
    assert "相关新闻" in page
    assert 'href="/news/2016-mingming/"' in page and 'href="/news/2016-shan-lixin-ditie/"' in page
    article_page = (site / "news/2016-shan-lixin-ditie/index.html").read_text("utf-8")
    assert 'href="/craftsmen/shan-lixin/"' in article_page
    assert "相关新闻" not in (site / "craftsmen/ou-jiawen/index.html").read_text("utf-8")


def test_edition_pages_link_launch_press_conference_and_naming(site):
    for eid in ("2016", "2026"):
        page = (site / f"editions/{eid}/index.html").read_text("utf-8")
        for slug in ("qidong", "fabuhui", "mingming"):
            assert f'href="/news/{eid}-{slug}/"' in page, (eid, slug)


def test_topics(site):
    index = (site / "topics/index.html").read_text("utf-8")
    assert 'href="/topics/gongjiang-jingshen/"' in index and 'href="/topics/2026-xuanshu/"' in index
    page = (site / "topics/gongjiang-jingshen/index.html").read_text("utf-8")
    order = [page.index(u) for u in ('"/news/2016-mingming/"', '"/stories/shan-lixin-cezhang/"',
                                     '"/news/2016-shan-lixin-ditie/"', '"/craftsmen/shan-lixin/"')]
    assert order == sorted(order)
    assert "花丝镶嵌技艺的传承人。" in page


def test_embargo_and_held_back_articles(early_site):
    s = early_site
    assert (s / "news/2016-mingming/index.html").is_file()  # 2018-04-16
    assert not (s / "news/2016-shan-lixin-ditie").exists()  # dated 2018-05-10
    assert not (s / "news/held").exists()  # names 2026-026, not public in 2018
    assert not (s / "news/2026-qidong").exists()
    for feed in [s / "feeds/news.atom.xml", *(s / "feeds/news").glob("*.xml")]:
        text = feed.read_text("utf-8")
        assert "2016-shan-lixin-ditie" not in text and "/news/held/" not in text and "2026-" not in text
    page = (s / "craftsmen/shan-lixin/index.html").read_text("utf-8")
    assert "/news/2016-mingming/" in page and "/news/held/" not in page
    assert not (s / "topics/gongjiang-jingshen").exists()  # dated 2018-06-10
    assert "/news/2016-shan-lixin-ditie/" not in (s / "news/index.html").read_text("utf-8")
