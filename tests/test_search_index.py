"""Site search: what each person gives the index (pure), what Pagefind's index of
the sample site holds, and how a failing index fails the build.

Queries in a real browser are in tests/test_browser_search.py.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import shutil
import stat
import sys
from pathlib import Path

import cbor2
import pytest
from searchkit import bundle_filters, bundles, decoded_text, filters, fragments
from sitekit import SiteProject, files

from gongjiang_pipeline import cli
from gongjiang_pipeline.engine import run
from gongjiang_pipeline.loading import load_project
from gongjiang_pipeline.naming import search_spellings
from gongjiang_pipeline.search import search_entry, spaced
from gongjiang_pipeline.searchindex import SearchIndexError, build_search_index, canonicalise
from gongjiang_pipeline.sitemodel import build_model

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 12, 1)  # = conftest.SAMPLE_AS_OF
DURING_NOTICE = dt.date(2018, 3, 22)  # 2016 notice: 2018-03-20 .. 03-26; honour roll 04-09


# --------------------------------------------------------------------------
# pure: spellings, spacing, entries


@pytest.mark.parametrize(
    "name,pinyin,expected",
    [
        ("单立新", "shan li xin", ["shanlixin", "shan lixin", "shan li xin"]),
        ("单立新", None, ["shanlixin", "shan lixin", "shan li xin"]),  # 单 as a surname: shan
        ("曾志刚", None, ["zengzhigang", "zeng zhigang"]),
        ("查海燕", None, ["zhahaiyan", "zha haiyan"]),
        ("欧阳修", None, ["ouyangxiu", "ouyang xiu", "ou yang xiu"]),
        ("吕大海", None, ["lyudahai", "lyu dahai", "lvdahai", "lv dahai"]),  # as typed on a pinyin keyboard
        ("阿依古丽·买买提", None, ["ayigulimaimaiti", "ayiguli maimaiti"]),
    ],
)
def test_search_spellings(name, pinyin, expected):
    got = search_spellings(name, pinyin)
    for form in expected:
        assert form in got
    assert not any("dan" in f for f in got if name.startswith("单"))


def test_spaced_one_han_character_a_word():
    assert spaced("北京京测地理信息有限公司") == "北 京 京 测 地 理 信 息 有 限 公 司"
    assert spaced("北京ABC科技（集团）有限公司") == "北 京 ABC 科 技 集 团 有 限 公 司"
    assert spaced("数控机床操作工") == "数 控 机 床 操 作 工"


def _model(as_of):
    project = load_project(ROOT)
    return build_model(project, {eid: run(ed) for eid, ed in project.editions.items()}, as_of)


def _entry(model, cid):
    person = model.person(cid)
    (ev,) = [ev for ev in model.editions if ev.id == person.edition_id]
    return search_entry(person, ev)


@pytest.fixture(scope="module")
def model():
    return _model(AS_OF)


def test_entry_of_a_craftsman(model):
    e = _entry(model, "2016-048")  # 单立新: 北京大工匠 and 最佳人气奖
    assert e.name == "单立新" and e.occupation == "工程测量员" and e.employer == "北京京测地理信息有限公司"
    assert e.award == "北京大工匠、最佳人气奖"
    assert "shanlixin" in e.pinyin and "shan lixin" in e.pinyin
    assert e.spaced == ("单 立 新", "工 程 测 量 员", "北 京 京 测 地 理 信 息 有 限 公 司")
    assert set(e.filters) == {
        ("届次", "2016年“北京大工匠”选树（示例）"),
        ("工种", "工程测量员"),
        ("奖项", "提名人选"),
        ("奖项", "最佳人气奖"),
        ("奖项", "北京大工匠"),
    }


def test_entry_of_other_standings(model):
    assert _entry(model, "2016-003").award == "北京大工匠提名奖、最佳人气奖"  # 何兴勇
    # 陈伟德: on the notice list, nomination revoked; once the honour roll is out: a nominee
    e = _entry(model, "2016-079")
    assert e.award == "提名人选" and ("奖项", "提名人选") in e.filters
    assert not any(v in ("公示名单", "公示人选") for _, v in e.filters)
    # a 2026 nominee while voting is open
    e = _entry(model, "2026-014")
    assert e.award == "提名人选" and ("届次", "2026年“北京大工匠”选树（示例）") in e.filters


def test_entry_during_the_notice_period():
    m = _model(DURING_NOTICE)
    assert _entry(m, "2016-048").award == "最佳人气奖"  # has an award already
    assert _entry(m, "2016-079").award == "公示人选"
    assert _entry(m, "2016-049").award == "公示人选"  # 傅鹏明
    assert m.person("2016-080") is None  # 胡福新, 4th of his occupation: never public


# --------------------------------------------------------------------------
# the sample site's index


@pytest.fixture(scope="module")
def site(sample_site):
    """The sample site as of AS_OF (built once per session, tests/conftest.py): one
    search bundle per edition, one for the pages of no edition, the news, and one for the
    English pages (searchbundles.py)."""
    assert [b.relative_to(sample_site).as_posix() for b in bundles(sample_site)] == [
        "pagefind", "pagefind/2016", "pagefind/2026", "pagefind/en"]
    return sample_site


@pytest.mark.slow
def published_news(site) -> set[str]:
    """The news articles the build published (content/news/<slug>.md -> /news/<slug>/)."""
    return {f"/news/{p.stem}/" for p in (ROOT / "content" / "news").glob("*.md")
            if (site / "news" / p.stem / "index.html").is_file()}


def test_only_craftsman_pages_stories_and_news_articles_are_indexed(site, model):
    urls = set(fragments(site))
    people = {f"/craftsmen/{p.slug}/" for p in model.people}
    stories = {f"/stories/{p.stem}/" for p in (ROOT / "content" / "stories").glob("*.md") if not p.stem.endswith(".en")}
    news = published_news(site)
    # every article but the one dated after AS_OF (2026-mingming, the 2026 naming ceremony)
    assert len(people) == 54 and len(stories) == 4 and len(news) == 11 and "/news/2026-mingming/" not in news
    assert urls == people | stories | news  # no list, category, tag or topic page


def test_english_bundle_holds_the_english_pages(site, model):
    """The English edition (issue 18): /en/ pages go to Pagefind's English bundle, with
    the romanised name and English names as metadata and filters."""
    frags = fragments(site, "en")
    people = {f"/en/craftsmen/{p.slug}/" for p in model.people if p.citation_en}
    stories = {f"/en/stories/{p.stem[:-3]}/" for p in (ROOT / "content" / "stories").glob("*.en.md")}
    assert len(people) == 10 and len(stories) == 3
    assert set(frags) == people | stories
    shan = frags["/en/craftsmen/shan-lixin/"]["meta"]
    assert (shan["title"], shan["name"], shan["occupation"]) == ("SHAN Lixin", "SHAN Lixin", "Engineering surveyor")
    assert shan["award"] == "Beijing Great Craftsmen, Most Popular Award"
    assert shan["image_alt"] == "Photo of SHAN Lixin"
    fl = filters(site, "en")
    assert set(fl) == {"Edition", "Occupation", "Award"}
    assert {v: len(pages) for v, pages in fl["Edition"].items()} == {"2016 Beijing Great Craftsmen Selection (sample)": 13}
    # a bundle of their own, the only one with an English index: Pagefind picks a bundle's
    # index by <html lang> and falls back to another language, so the English search page
    # loads that bundle alone (search/bundles.js), and the Chinese one never loads it
    langs = {b.relative_to(site).as_posix(): sorted(json.loads((b / "pagefind-entry.json").read_text())["languages"])
             for b in bundles(site)}
    assert langs["pagefind/en"] == ["en"]
    assert [b for b, ls in langs.items() if "en" in ls] == ["pagefind/en"]
    script = (site / "search" / "bundles.js").read_text("utf-8")
    assert 'window.GONGJIANG_SEARCH_BUNDLES_BY_LANG = {"en": ["/pagefind/en/"]};\n' in script
    assert "/pagefind/en/" not in script.rsplit("\n", 2)[-2]  # not in the Chinese list


@pytest.mark.slow
def test_each_result_carries_photo_name_occupation_award(site, model):
    frags = fragments(site)
    for p in model.people:
        f = frags[f"/craftsmen/{p.slug}/"]
        meta = f["meta"]
        e = _entry(model, p.id)
        assert meta["title"] == p.name and meta["name"] == p.name
        assert meta["occupation"] == p.occupation.name and meta["employer"] == p.employer
        assert meta["award"] == e.award and e.award
        if p.photo:
            assert meta["image"] == f"/photos/{p.slug}-240.jpg" and (site / "photos" / f"{p.slug}-240.jpg").is_file()
            assert meta["image_alt"] == f"{p.name}的照片"
        else:
            assert "image" not in meta
        text = f["content"].replace("\u200b", "")
        for form in e.pinyin:
            assert form in text, (p.name, form)
        assert " ".join(p.name) in text
        # field labels are not indexed: 工作单位 on every page matched every query word 单
        assert "性别" not in text and "参评工种" not in text and "行业领域" not in text
        assert "工作单位" not in text or "更正工作单位" in text  # (an erratum may say so)
        assert "二维码" not in text and "海报" not in text  # the share block is not searchable
    story = frags["/stories/shan-lixin-cezhang/"]
    assert story["meta"]["title"].startswith("单立新：") and story["meta"]["name"] == "单立新"
    assert story["meta"]["image"] == "/photos/shan-lixin-240.jpg"


@pytest.mark.slow
def test_filters(site):
    fl = filters(site)
    assert set(fl) == {"届次", "工种", "奖项"}
    counts = {k: {v: len(pages) for v, pages in vals.items()} for k, vals in fl.items()}
    # pages: people plus the 4 stories (单立新, 曾志刚, 查海燕: 北京大工匠; 何兴勇: 提名奖)
    assert counts["奖项"] == {"提名人选": 58, "最佳人气奖": 12, "北京大工匠": 13, "北京大工匠提名奖": 20}
    assert counts["届次"] == {"2016年“北京大工匠”选树（示例）": 34, "2026年“北京大工匠”选树（示例）": 24}
    assert counts["工种"]["焊工"] == 6  # 3 + 2 welders and 何兴勇's story


@pytest.mark.slow
def test_search_page(site):
    page = (site / "search" / "index.html").read_text("utf-8")
    assert '<script src="/pagefind/pagefind-ui.js"></script>' in page
    assert '<script src="/theme/js/search.js"></script>' in page
    assert (site / "theme/js/search.js").is_file() and (site / "pagefind/pagefind-ui.js").is_file()
    assert 'id="site-search-q"' not in page  # its own box replaces the header's
    home = (site / "index.html").read_text("utf-8")
    assert '<form class="site-search" role="search" action="/search/" method="get">' in home


# --------------------------------------------------------------------------
# failures fail the build; nothing to index is not a failure


@pytest.fixture
def scratch_site(tmp_path):
    return SiteProject(tmp_path / "project")


def _script(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text("#!/bin/sh\n" + body, "utf-8")
    p.chmod(p.stat().st_mode | stat.S_IXUSR)
    return p


@pytest.mark.slow
def test_pagefind_failure_fails_the_build_and_keeps_the_old_site(scratch_site, tmp_path, capsys):
    failing = _script(tmp_path, "pagefind", 'echo "Error: disk full" >&2\nexit 3\n')
    conf = scratch_site.root / "pelican.conf.py"
    conf.write_text(conf.read_text("utf-8") + '\nGONGJIANG_ENGINE = "sitekit:fake_engine"\n', "utf-8")
    out = tmp_path / "output"
    root = str(scratch_site.root)
    assert cli.main(["--root", root, "build", "--output", str(out), "--as-of", "2099-12-31"]) == 0
    assert "公开人物 5 人，已公布名单 5 份，站内搜索收录 5 个页面。" in capsys.readouterr().out
    before = files(out)
    conf.write_text(conf.read_text("utf-8") + f"\nGONGJIANG_PAGEFIND = {str(failing)!r}\n", "utf-8")
    assert cli.main(["--root", root, "build", "--output", str(out), "--as-of", "2099-12-31"]) == 1
    err = capsys.readouterr().err
    assert "生成站内搜索索引失败（Pagefind 退出码 3）" in err and "disk full" in err
    assert files(out) == before


def test_not_the_extended_build_fails(tmp_path):
    plain = _script(tmp_path, "pagefind", 'echo "Running Pagefind v1.5.2"\necho "  Indexed 3 pages"\n')
    (tmp_path / "site").mkdir()
    with pytest.raises(SearchIndexError, match="不是扩展版"):
        build_search_index(tmp_path / "site", executable=plain)


def test_missing_or_broken_executable_fails(tmp_path, monkeypatch):
    (tmp_path / "site").mkdir()
    with pytest.raises(SearchIndexError, match="找不到"):
        build_search_index(tmp_path / "site", executable=tmp_path / "no-such-pagefind")
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # as if not installed
    with pytest.raises(SearchIndexError, match=r"未安装 Pagefind 扩展版.*make venv"):
        build_search_index(tmp_path / "site")


@pytest.mark.slow
def test_no_page_marked_for_search_fails(scratch_site, tmp_path):
    # a theme whose craftsman page lost data-pagefind-body: Pagefind would index
    # every page (lists, policy pages), so the build fails instead
    theme = tmp_path / "templates"
    theme.mkdir()
    src = (ROOT / "theme/templates/craftsman.html").read_text("utf-8")
    assert "data-pagefind-body" in src
    (theme / "craftsman.html").write_text(src.replace(" data-pagefind-body", ""), "utf-8")
    with pytest.raises(SearchIndexError, match="没有标记为可搜索"):
        scratch_site.build("2099-12-31", tmp_path / "out", THEME_TEMPLATES_OVERRIDES=[str(theme)])


@pytest.mark.slow
def test_nothing_public_nothing_indexed(scratch_site, tmp_path):
    out = scratch_site.build("2099-03-31", tmp_path / "out")  # before the nominees list
    assert not (out / "pagefind").exists()
    page = (out / "search" / "index.html").read_text("utf-8")
    assert "尚未公布任何名单，暂无可搜索的内容。" in page and "pagefind" not in page
    out2 = scratch_site.build("2099-04-01", tmp_path / "out2")
    assert (out2 / "pagefind" / "pagefind-entry.json").is_file()
    assert set(fragments(out2)) == {
        "/craftsmen/zhang-jianguo/", "/craftsmen/li-xiuying/", "/craftsmen/wang-fang/",
        "/craftsmen/zhang-san/", "/craftsmen/zhang-san-2/",
    }
    assert "赵不公" not in decoded_text(out2)  # never public


def test_executable_env_is_not_inherited_config(tmp_path, monkeypatch):
    # PAGEFIND_* variables (e.g. PAGEFIND_SITE) in the environment must not redirect the index
    env_dump = _script(tmp_path, "pagefind", 'env > "$0.env"\necho "Running Pagefind v1.5.2 (Extended)"\n'
                       'echo "Ignoring pages without this tag."\necho "  Indexed 1 page"\n'
                       'mkdir -p pagefind && echo \'{"languages": {}}\' > pagefind/pagefind-entry.json\n')
    monkeypatch.setenv("PAGEFIND_SITE", "/elsewhere")
    (tmp_path / "site").mkdir()
    assert build_search_index(tmp_path / "site", executable=env_dump) == 1
    assert "PAGEFIND_SITE" not in Path(str(env_dump) + ".env").read_text()
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()


# --------------------------------------------------------------------------
# deterministic bundle


@pytest.mark.slow
def test_filter_index_is_rewritten_in_a_fixed_order(site):
    # values sorted, file names from the bytes; Pagefind itself writes hash-map order
    for bundle in bundles(site):
        entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
        for lang, info in entry["languages"].items():  # zh-cn; en in the English bundle
            for name, values in bundle_filters(bundle, lang).items():
                assert list(values) == sorted(values), name
            meta = bundle / f"pagefind.{info['hash']}.pf_meta"
            assert meta.is_file()
        for p in [meta, *(bundle / "filter").glob("*.pf_filter")]:
            assert hashlib.sha256(p.read_bytes()).hexdigest()[:13] in p.name


@pytest.mark.slow
def test_pagefind_runs_give_identical_bundles(site, tmp_path):
    # the real binary, three runs over the same pages
    runs = []
    for i in range(3):
        copy = tmp_path / f"site{i}"
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pagefind"))
        # people, stories, news; English: 10 craftsmen, 3 stories
        assert build_search_index(copy) == 54 + 4 + len(published_news(site)) + 13
        runs.append({p.relative_to(copy).as_posix(): p.read_bytes() for p in sorted((copy / "pagefind").rglob("*"))
                     if p.is_file()})
    assert runs[0] == runs[1] == runs[2]
    # and the site's per-edition bundles (two Pagefind runs each, searchbundles.py) from
    # another build of the same pages
    from gongjiang_pipeline.sitebuild import build_site

    again = tmp_path / "again"
    build_site(ROOT, again, AS_OF)

    def tree(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "pagefind").rglob("*"))
                if p.is_file()}

    assert tree(again) == tree(site)


def test_canonicalise_refuses_an_unknown_layout(tmp_path):
    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    (bundle / "pagefind-entry.json").write_text('{"languages": {"zh-cn": {"hash": "zh-cn_x"}}}', "utf-8")
    (bundle / "pagefind.zh-cn_x.pf_meta").write_bytes(gzip.compress(b"pagefind_dcd" + cbor2.dumps(["1.5.2", []])))
    with pytest.raises(SearchIndexError, match="格式与预期不符"):
        canonicalise(bundle)
