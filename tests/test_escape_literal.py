"""Plain text is kept as typed and escaped at output, never stripped of "markup".

A small site is built once with text that looks like markup: an employer
``A<B & "C" '公司' {{ x }}``, a citation quoting ``<焊接>``, an occupation, a list note-free
edition text and a story title with the same characters. Each must come out byte for byte
as typed (after the output format's own decoding: HTML parsing, XML parsing, JSON, CSV,
the search index, the pixels of the share card), with no raw ``<B`` in any page, and Jinja
never evaluating the ``{{ }}`` in data.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from searchkit import filters, fragments
from sitekit import SiteProject

from gongjiang_pipeline.media import cards, fonts
from gongjiang_pipeline.search import spaced

pytestmark = pytest.mark.slow

EMPLOYER = "A<B & \"C\" '公司' {{ x }}"
CITATION = "擅长“<焊接>”工艺 & {{ 7*7 }} <b>不是标记</b>"
ACHIEVEMENT = "发明<焊接>夹具，{% if true %}效率提高{% endif %} 30%"
OCCUPATION = "焊工<电弧> & {{ y }}"
EDITION_NAME = "测试届次 <2099> & “大工匠”"
STORY_TITLE = "谈<焊接> & \"匠心\" 'x' {{ x }}"
PAGE_TITLE = "办法 <试行> & {{ z }}"
ALL = (EMPLOYER, CITATION, ACHIEVEMENT, OCCUPATION, EDITION_NAME, STORY_TITLE, PAGE_TITLE)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def replace(site: SiteProject, rel: str, old: str, new: str) -> None:
    p = site.path(rel)
    text = p.read_text("utf-8")
    assert old in text, (rel, old)
    p.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("escape")
    site = SiteProject(root / "project")
    cand = "data/candidates/2099/2099-001.yaml"
    replace(site, cand, "employer: 北京示例机械有限公司", f"employer: {q(EMPLOYER)}")
    replace(site, cand, "citation: 三十年如一日钻研焊接技术。", f"citation: {q(CITATION)}\nachievements: [{q(ACHIEVEMENT)}]")
    replace(site, "data/editions/2099.yaml", "name: 焊工", f"name: {q(OCCUPATION)}")
    replace(site, "data/editions/2099.yaml", "name: 测试届次", f"name: {q(EDITION_NAME)}")
    site.story("s", "2099-001", title=STORY_TITLE)
    (site.path("content/pages/rules.md")).write_text(f"Title: {PAGE_TITLE}\nSlug: rules\nNav: {PAGE_TITLE}\n\n正文。\n", "utf-8")
    out = site.build("2099-12-31", root / "out")
    return site, out


class _Text(HTMLParser):
    """Text nodes (with <script>/<style> contents) and attribute values, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attrs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(v for _, v in attrs if v)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    p.close()
    return p


def html_pages(out) -> dict[str, str]:
    return {
        str(p.relative_to(out)): p.read_text("utf-8")
        for p in sorted(out.rglob("*.html"))
        if not str(p.relative_to(out)).startswith("pagefind/")
    }


def test_craftsman_page_shows_every_text_as_typed(built):
    _, out = built
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    p = parse(page)
    for text in (EMPLOYER, CITATION, ACHIEVEMENT, OCCUPATION, EDITION_NAME, STORY_TITLE):
        assert text in p.text, text
    # <meta name="description"> and Open Graph carry the same text, in attributes
    description = f"张建国，{EMPLOYER}，{OCCUPATION}。{CITATION}"
    assert description in p.attrs
    assert p.attrs.count(description) == 2  # description and og:description
    # escaped as Jinja escapes, not stripped and not double-escaped
    assert "<dd>A&lt;B &amp; &#34;C&#34; &#39;公司&#39; {{ x }}</dd>" in page
    assert '<blockquote class="citation">擅长“&lt;焊接&gt;”工艺 &amp; {{ 7*7 }} &lt;b&gt;不是标记&lt;/b&gt;</blockquote>' in page


def test_no_page_has_the_text_as_markup(built):
    _, out = built
    pages = html_pages(out)
    assert len(pages) > 20
    for name, page in pages.items():
        for raw in ("<B", "<焊接>", "<b>不是", "<电弧>", "<2099>", "<试行>", "&amp;amp;", "&amp;lt;"):
            assert raw not in page, (name, raw)
        assert "b" not in parse(page).tags, name


def test_jinja_does_not_evaluate_braces_in_the_data(built):
    _, out = built
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert "{{ 7*7 }}" in page and "49" not in page
    assert "{% if true %}效率提高{% endif %}" in page


# a part of each text that is in no other text: where a page shows it, the whole text must be there
MARKERS = {
    EMPLOYER: "A<B", CITATION: "<焊接>”工艺", ACHIEVEMENT: "夹具", OCCUPATION: "焊工<电弧",
    EDITION_NAME: "<2099>", STORY_TITLE: "谈<焊接>", PAGE_TITLE: "<试行>",
}


def test_every_page_showing_a_text_shows_it_whole(built):
    """Wherever a page shows part of a typed text, it shows the whole of it (or, in the
    hidden search data, its characters one a word: search.spaced)."""
    _, out = built
    seen = dict.fromkeys(ALL, 0)
    for name, page in html_pages(out).items():
        p = parse(page)
        for s in p.text + p.attrs:
            for text, marker in MARKERS.items():
                if marker in s:
                    assert text in s or spaced(text) in s, (name, text, s)
                    seen[text] += 1
    assert all(seen.values()), seen


def test_story_and_page_titles_are_kept_as_typed(built):
    _, out = built
    story = (out / "stories/s/index.html").read_text("utf-8")
    p = parse(story)
    assert STORY_TITLE in p.text  # <h1>, <title>
    assert "<h1>谈&lt;焊接&gt; &amp; &#34;匠心&#34; &#39;x&#39; {{ x }}</h1>" in story
    assert f"{STORY_TITLE} - 工匠故事 - 北京大工匠" in p.text  # <title>
    assert f"{STORY_TITLE} - 工匠故事 - 北京大工匠" in p.attrs  # og:title
    page = parse((out / "rules/index.html").read_text("utf-8"))
    assert PAGE_TITLE in page.text and f"{PAGE_TITLE} - 北京大工匠" in page.text
    home = parse((out / "index.html").read_text("utf-8"))
    assert PAGE_TITLE in home.text  # the navigation link and the footer


def test_feed_has_the_story_title_as_typed(built):
    _, out = built
    raw = (out / "feeds/stories.atom.xml").read_bytes()
    assert b"<\xe7\x84\x8a" not in raw  # no raw "<焊"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(raw)
    (entry,) = feed.findall("a:entry", ns)
    assert entry.find("a:title", ns).text == STORY_TITLE


def test_sitemap_is_well_formed_xml(built):
    _, out = built
    urls = [u.text for u in ET.fromstring((out / "sitemap.xml").read_bytes()).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://gongjiang.example.org/rules/" in urls and "https://gongjiang.example.org/stories/s/" in urls


def test_svg_charts_name_the_occupation_as_typed(built):
    _, out = built
    page = (out / "statistics/index.html").read_text("utf-8")
    assert OCCUPATION in parse(page).text
    assert "焊工&lt;电弧&gt; &amp; {{ y }}" in page


def test_open_data_has_the_text_as_typed(built):
    _, out = built
    doc = json.loads((out / "opendata/2099/nominees.json").read_text("utf-8"))
    row = {e["id"]: e for e in doc["entries"]}["2099-001"]
    assert row["employer"] == EMPLOYER and row["occupation"] == OCCUPATION
    assert doc["edition"]["name"] == EDITION_NAME
    raw = (out / "opendata/2099/nominees.csv").read_text("utf-8")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(raw.lstrip("\ufeff")))}
    assert rows["2099-001"]["employer"] == EMPLOYER and rows["2099-001"]["occupation"] == OCCUPATION
    catalogue = json.loads((out / "opendata/index.json").read_text("utf-8"))
    assert {x["edition_name"] for x in catalogue["lists"]} == {EDITION_NAME}


def test_search_index_has_the_text_as_typed(built):
    _, out = built
    frags = fragments(out)
    person = frags["/craftsmen/zhang-jianguo/"]
    assert person["meta"]["employer"] == EMPLOYER
    assert person["meta"]["occupation"] == OCCUPATION
    assert person["filters"]["工种"] == [OCCUPATION] and person["filters"]["届次"] == [EDITION_NAME]
    assert frags["/stories/s/"]["meta"]["title"] == STORY_TITLE
    index = filters(out)
    assert OCCUPATION in index["工种"] and EDITION_NAME in index["届次"]


def test_share_card_draws_the_text_as_typed(built):
    """The published card is the card drawn from the literal text (and not from a
    stripped one): the same bytes as drawing it here."""
    import dataclasses
    import datetime as dt

    from gongjiang_pipeline.loading import load_project
    from gongjiang_pipeline.sitemodel import build_model
    from sitekit import fake_engine

    site, out = built
    project = load_project(site.root)
    model = build_model(project, {eid: fake_engine(ed) for eid, ed in project.editions.items()}, dt.date(2099, 12, 31))
    card = cards.person_card(model.person("2099-001"), "北京大工匠")
    assert card.lines == (OCCUPATION, EMPLOYER) and card.footer == EDITION_NAME
    choice, why = fonts.find_cjk_font()
    assert choice is not None, why
    published = (out / "craftsmen/zhang-jianguo/share.png").read_bytes()
    assert cards.render_card(card, choice) == published
    stripped = dataclasses.replace(card, lines=("焊工 & {{ y }}", "A 公司"))
    assert cards.render_card(stripped, choice) != published


def test_json_inside_a_script_element_cannot_end_it():
    """Structured data in a page (JSON-LD, data islands) goes through ``| tojson``:
    ``<``, ``>``, ``&`` and ``'`` become ``\\u003c`` ..., so the text cannot close the
    ``<script>`` element, and JSON.parse gives it back as typed."""
    from jinja2 import Environment

    env = Environment(autoescape=True)
    tpl = env.from_string('<script type="application/ld+json">{{ data | tojson }}</script>')
    data = {"name": "张建国", "worksFor": EMPLOYER, "description": CITATION + "</script><script>alert(1)</script>"}
    html = tpl.render(data=data)
    inner = html[len('<script type="application/ld+json">'): -len("</script>")]
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert "\\u003c/script\\u003e" in inner
    assert json.loads(inner) == data


@pytest.mark.browser
def test_search_results_show_the_text_as_typed_in_chromium(built, chromium):
    """Pagefind's UI shows the indexed text (result metadata, excerpt) as text: the
    employer as typed, no element made from it, no script run."""
    from browserkit import search_results
    from browsing import serve

    _, out = built
    dialogs: list[str] = []
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        with serve(out) as base:
            page.goto(base + "/search/?q=zhangjianguo", wait_until="load")
            results = search_results(page)
            assert [r["url"] for r in results if r["url"].startswith("/craftsmen/")] == ["/craftsmen/zhang-jianguo/"]
            assert STORY_TITLE in [r["title"] for r in results]
            shown = page.locator(".pagefind-ui__result").all_inner_texts()
            assert any(EMPLOYER in text and OCCUPATION in text for text in shown), shown
            assert page.locator(".pagefind-ui__results b, .pagefind-ui__results script").count() == 0
    finally:
        context.close()
    assert dialogs == []
