"""The English edition (issue 18): /en/ pages, hreflang pairs both ways, the language
switch, romanised names, the fallback to the Chinese page, embargo, escaping, privacy
and `make status`."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from scratch import ScratchProject
from sitekit import NOT_PUBLIC, SiteProject, all_text

from gongjiang_pipeline.cli import main

pytestmark = pytest.mark.slow

BASE = "https://gongjiang.example.org"
_ALT = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
_SWITCH = re.compile(r'<a class="lang-switch" href="([^"]+)" lang="([^"]+)" hreflang="[^"]+">([^<]+)</a>')
_LANG = re.compile(r'<html lang="([^"]+)">')


def _url(rel: str) -> str:
    return "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def _pages(site: Path) -> dict[str, str]:
    return {_url(p.relative_to(site).as_posix()): p.read_text("utf-8") for p in sorted(site.rglob("*.html"))}


def _file(site: Path, url: str) -> Path:
    return site / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))


# --------------------------------------------------------------------------
# the sample site (2016 in English)

EN_2016 = {
    "/en/", "/en/editions/2016/", "/en/editions/2016/nominees/", "/en/editions/2016/popularity/",
    "/en/editions/2016/notice/", "/en/editions/2016/craftsmen/", "/en/editions/2016/nomination_award/",
    "/en/statistics/", "/en/search/", "/en/policy/",
    "/en/stories/shan-lixin-cezhang/", "/en/stories/zeng-zhigang-qixiu/", "/en/stories/zha-haiyan-huasi/",
}
CRAFTSMEN_2016 = {  # slug -> romanised name (GB/T 28039; 单 曾 查 read as surnames)
    "shan-lixin": "SHAN Lixin", "tang-liangping": "TANG Liangping", "zha-haiyan": "ZHA Haiyan",
    "du-fuli": "DU Fuli", "jiang-xingyong": "JIANG Xingyong", "xu-dewen": "XU Dewen", "shen-ming": "SHEN Ming",
    "zhao-lidan": "ZHAO Lidan", "zeng-zhigang": "ZENG Zhigang", "chang-zhen": "CHANG Zhen",
}


def test_english_pages_of_the_sample_site(sample_site):
    en = {u for u in _pages(sample_site) if u.startswith("/en/")}
    assert en == EN_2016 | {f"/en/craftsmen/{slug}/" for slug in CRAFTSMEN_2016}
    assert not (sample_site / "en" / "editions" / "2026").exists()  # 2026 has no English names: no English pages


def test_html_lang(sample_site):
    for url, html in _pages(sample_site).items():
        assert _LANG.search(html).group(1) == ("en" if url.startswith("/en/") else "zh-CN"), url


def test_hreflang_pairs_both_ways(sample_site):
    pages = _pages(sample_site)
    pairs = 0
    for url, html in pages.items():
        links = _ALT.findall(html)
        if not links:
            continue
        got = dict(links)
        assert [k for k, _ in links] == ["zh-Hans", "en", "x-default"], url
        assert got["x-default"] == got["zh-Hans"]
        here = BASE + url
        assert here in (got["zh-Hans"], got["en"]), url
        other = got["zh-Hans"] if url.startswith("/en/") else got["en"]
        if url.startswith("/en/"):
            assert got["en"] == here
        else:
            assert got["zh-Hans"] == here
        back = dict(_ALT.findall(pages[other[len(BASE):]]))
        assert back == got, (url, other)  # the other page names the same pair
        pairs += 1
    english = [u for u in pages if u.startswith("/en/")]
    assert pairs == 2 * len(english)  # every English page has its Chinese counterpart and vice versa


def test_language_switch_on_every_page(sample_site):
    """Every page of the site's layout (base.html); not the printable A4 posters."""
    for url, html in _pages(sample_site).items():
        if url.endswith("/poster/"):
            assert "lang-switch" not in html
            continue
        (href, lang, label), = _SWITCH.findall(html)
        alt = dict(_ALT.findall(html))
        if url.startswith("/en/"):
            assert (href, lang, label) == (alt["zh-Hans"][len(BASE):], "zh-Hans", "中文"), url
        elif alt:
            assert (href, lang, label) == (alt["en"][len(BASE):], "en", "English"), url
        else:  # a Chinese page without an English counterpart: the switch goes to /en/
            assert (href, lang, label) == ("/en/", "en", "English"), url


def test_romanised_names_on_the_honor_roll_and_craftsman_pages(sample_site):
    roll = _file(sample_site, "/en/editions/2016/craftsmen/").read_text("utf-8")
    for slug, name in CRAFTSMEN_2016.items():
        assert f'<a href="/en/craftsmen/{slug}/">{name}</a>' in roll
        page = _file(sample_site, f"/en/craftsmen/{slug}/").read_text("utf-8")
        assert f'<h1><span data-pagefind-meta="title">{name}</span> <span lang="zh-CN">' in page
        assert f"<title>{name} - " in page
    shan = _file(sample_site, "/en/craftsmen/shan-lixin/").read_text("utf-8")
    assert "He guides the capital&#39;s underground transport network with millimetre precision." in shan
    assert '<dd><a href="/occupations/surveyor/">Engineering surveyor</a></dd>' in shan
    assert '<a href="/en/stories/shan-lixin-cezhang/">SHAN Lixin: guiding the city&#39;s underground transport</a>' in shan


def test_person_without_english_text_links_to_the_chinese_page(sample_site):
    """He Xingyong (2016-003, 提名奖) has no English citation: no English page, no machine
    translation; the English lists link to his Chinese page."""
    assert not (sample_site / "en" / "craftsmen" / "he-xingyong").exists()
    award = _file(sample_site, "/en/editions/2016/nomination_award/").read_text("utf-8")
    assert '<a href="/craftsmen/he-xingyong/" hreflang="zh-Hans">HE Xingyong</a>' in award
    assert "People without an English page link to their page in Chinese." in award
    chinese = _file(sample_site, "/craftsmen/he-xingyong/").read_text("utf-8")
    assert _ALT.findall(chinese) == []
    assert _SWITCH.findall(chinese) == [("/en/", "en", "English")]


def test_english_pages_are_sample_data_like_their_chinese_ones(sample_site):
    """Pages of sample data are noindex and out of the sitemap in English too; the search
    page and the policy summary show no data (indexed, like their Chinese pages)."""
    sitemap = (sample_site / "sitemap.xml").read_text("utf-8")
    for url, html in _pages(sample_site).items():
        if not url.startswith("/en/"):
            continue
        shows_data = url not in ("/en/search/", "/en/policy/")
        assert ('<meta name="robots" content="noindex">' in html) == shows_data, url
        assert (f"<loc>{BASE}{url}</loc>" in sitemap) != shows_data, url


def test_english_statistics_and_download_columns(sample_site):
    stats = _file(sample_site, "/en/statistics/").read_text("utf-8")
    assert "<h3>Beijing Great Craftsmen (10 people)</h3>" in stats
    assert "Engineering surveyor: 1" in stats  # the chart's <desc>, in English
    assert "大工匠带徒" not in stats
    roll = _file(sample_site, "/en/editions/2016/craftsmen/").read_text("utf-8")
    assert "<caption>Columns of the downloadable files</caption>" in roll
    assert '<a href="/opendata/2016/craftsmen.csv">CSV</a>' in roll


def test_chinese_story_links_its_translation(sample_site):
    story = _file(sample_site, "/stories/shan-lixin-cezhang/").read_text("utf-8")
    assert dict(_ALT.findall(story))["en"] == f"{BASE}/en/stories/shan-lixin-cezhang/"
    stories = _file(sample_site, "/stories/").read_text("utf-8")
    assert "/en/stories/" not in stories  # the Chinese list shows the Chinese stories only


# --------------------------------------------------------------------------
# a scratch site: embargo, privacy, escaping, overrides

EDITION_EN = {
    "name: 测试届次\n": "name: 测试届次\nname_en: Test edition\n",
    "    name: 焊工\n": "    name: 焊工\n    name_en: Welder\n",
    "    name: 东城区\n": "    name: 东城区\n    name_en: Dongcheng District\n",
}


def _english_project(root: Path, project=SiteProject):
    p = project(root)
    edition = p.path("data/editions/2099.yaml")
    text = edition.read_text("utf-8")
    for old, new in EDITION_EN.items():
        text = text.replace(old, new)
    edition.write_text(text.replace("  nomination_award: 1\n", "  nomination_award: 1\n  titles_en:\n"
                                    "    nominees: Nominees\n    craftsmen: Great Craftsmen\n"), "utf-8")
    for cid, extra in (("2099-001", 'citation_en: "<script>alert(1)</script> & welds"\nname_en: ZHANG J. Guo'),
                       ("2099-005", "citation_en: Never public.")):
        f = p.path(f"data/candidates/2099/{cid}.yaml")
        if not f.exists():  # a ScratchProject has 2099-001 only
            continue
        f.write_text(f.read_text("utf-8").replace("recommendation:", extra + "\nrecommendation:"), "utf-8")
    return p


def test_embargo_privacy_escaping(tmp_path):
    p = _english_project(tmp_path / "p")
    # ZHANG J. Guo is not a well-formed name_en (the full stop): the check says so
    rc, _, err = _cli("--root", str(p.root), "check")
    assert rc == 1
    assert "name_en: 英文姓名只能包含拉丁字母" in err
    f = p.path("data/candidates/2099/2099-001.yaml")
    f.write_text(f.read_text("utf-8").replace("name_en: ZHANG J. Guo", "name_en: ZHANG Jian-Guo"), "utf-8")

    out = p.build("2099-05-01", tmp_path / "site")  # nominees and popularity public; honor roll embargoed
    assert (out / "en/editions/2099/nominees/index.html").exists()
    assert not (out / "en/editions/2099/craftsmen").exists()
    page = (out / "en/craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert "ZHANG Jian-Guo" in page  # the record's override
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; welds" in page
    assert "<script>alert(" not in page
    assert "Test edition Great Craftsmen" not in page  # the embargoed honour is not named
    assert "Never public." not in all_text(out)
    assert NOT_PUBLIC not in all_text(out)
    assert "13800000001" not in all_text(out)  # private phone
    # people of the edition without English text: their Chinese page
    nominees = (out / "en/editions/2099/nominees/index.html").read_text("utf-8")
    assert '<a href="/craftsmen/li-xiuying/" hreflang="zh-Hans">LI Xiuying</a>' in nominees
    assert '<a href="/en/craftsmen/zhang-jianguo/">ZHANG Jian-Guo</a>' in nominees


def test_edition_without_english_name_has_no_english_pages(tmp_path):
    p = SiteProject(tmp_path / "p")
    out = p.build("2099-07-01", tmp_path / "site")
    assert sorted(_url(x.relative_to(out).as_posix()) for x in (out / "en").rglob("*.html")) == ["/en/", "/en/search/"]
    home = (out / "en/index.html").read_text("utf-8")
    assert "测试届次" not in home
    edition = (out / "editions/2099/index.html").read_text("utf-8")
    assert _ALT.findall(edition) == []
    assert _SWITCH.findall(edition) == [("/en/", "en", "English")]


# --------------------------------------------------------------------------
# make status


def _cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


def test_status_lists_missing_translations(tmp_path):
    p = _english_project(tmp_path / "p", ScratchProject).write_stages()
    f = p.path("data/candidates/2099/2099-001.yaml")
    f.write_text(f.read_text("utf-8").replace("name_en: ZHANG J. Guo\n", ""), "utf-8")
    stories = p.root / "content" / "stories"
    stories.mkdir(parents=True)
    for name, meta in (("zhang.md", "Candidate: 2099-001"), ("zhang.en.md", "Candidate: 2099-001\nSlug: zhang\nLang: en"),
                       ("wang.md", "Candidate: 2099-003")):
        (stories / name).write_text(f"Title: 故事\nDate: 2099-06-25\n{meta}\n\n正文。\n", "utf-8")
    rc, out, err = _cli("--root", str(p.root), "status", "--as-of", "2099-07-01")
    assert (rc, err) == (0, "")
    lines = out.splitlines()
    at = lines.index("  英文版缺少的翻译：")
    assert lines[at + 1:] == [
        "    工种英文名称（occupations.name_en）：缺 1 个：钳工（fitter）",
        "    行业领域英文名称（sectors.name_en）：缺 1 个：先进制造业（manufacturing）",
        "    区英文名称（districts.name_en）：缺 1 个：朝阳区（chaoyang）",
        "    名单英文名称（awards.titles_en）：缺 3 个：最佳人气奖（popularity）、公示名单（notice）、北京大工匠提名奖（nomination_award）",
        "    北京大工匠提名奖英文推荐语（citation_en）：缺 1 人（英文名单链接到中文页面）",
        "    工匠故事英文译文（Lang: en）：缺 1 篇：content/stories/wang.md（王秀兰）",
    ]


def test_status_of_an_edition_not_in_english(tmp_path):
    p = ScratchProject(tmp_path / "p").write_stages()
    rc, out, err = _cli("--root", str(p.root), "status", "--as-of", "2099-07-01")
    assert (rc, err) == (0, "")
    assert out.splitlines()[-1] == (
        "    届次英文名称（name_en）未填写：本届没有英文页面；另缺 2 个工种、1 个行业领域、2 个区、5 个名单的英文名称"
    )


# --------------------------------------------------------------------------
# the catalogue


def test_catalogue_is_complete_and_up_to_date(tmp_path):
    """Every translatable string of the theme is in messages.pot (as pybabel extracts it
    now: run the commands in babel.cfg after changing a template) and has an English msgstr."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    from conftest import ROOT

    pot = tmp_path / "messages.pot"
    run = subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract", "-F", "babel.cfg",
         "-k", "N_", "--no-location", "--sort-output", "--omit-header", "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    committed = ROOT / "theme" / "translations" / "messages.pot"
    assert pot.read_text("utf-8") == committed.read_text("utf-8"), "messages.pot is out of date: see babel.cfg"
    with (ROOT / "theme" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = read_po(f)
    with committed.open("rb") as f:
        template = read_po(f)
    ids = {(m.context, m.id) for m in template if m.id}
    assert {(m.context, m.id) for m in po if m.id} == ids
    assert [m.id for m in po if m.id and (not m.string or m.fuzzy)] == []
    # the placeholders of each msgid are those of its translation
    import re
    for m in po:
        if m.id:
            assert sorted(re.findall(r"%\(\w+\)s", m.id)) == sorted(re.findall(r"%\(\w+\)s", m.string)), m.id
