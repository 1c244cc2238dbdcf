"""Site builds: plain text reaches every output format as typed and escaped, authored
HTML sanitised, and problems are never skipped silently (Pelican warnings, unknown
metadata, template errors). tests/test_escape_literal.py checks every format in detail."""

import csv
import io
import json
import logging
import xml.etree.ElementTree as ET

import pytest
from searchkit import fragments
from sitekit import ROOT, SiteProject, all_text, files

from gongjiang_pipeline.sitebuild import SiteBuildError, build_site

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    return SiteProject(tmp_path / "project")


def set_field(site, cid: str, old: str, new: str) -> None:
    p = site.path(f"data/candidates/2099/{cid}.yaml")
    text = p.read_text("utf-8")
    assert old in text
    p.write_text(text.replace(old, new), "utf-8")


# --------------------------------------------------------------------------
# plain text escaped (never stripped), authored HTML sanitised, in every output


def test_markup_in_a_free_text_field_is_shown_as_typed_not_run(site, tmp_path):
    citation = "三十年<b>如一日</b>钻研<script>alert(1)</script>焊接技术。"
    set_field(site, "2099-001", "citation: 三十年如一日钻研焊接技术。", f'citation: "{citation}"')
    out = site.build("2099-12-31", tmp_path / "out")
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    shown = "三十年&lt;b&gt;如一日&lt;/b&gt;钻研&lt;script&gt;alert(1)&lt;/script&gt;焊接技术。"
    assert f'<blockquote class="citation">{shown}</blockquote>' in page
    assert f'<meta name="description" content="张建国，北京示例机械有限公司，焊工。{shown}">' in page
    for name, data in files(out).items():
        if name.endswith((".html", ".xml")) and not name.startswith("pagefind/"):
            text = data.decode("utf-8")
            assert "<script>alert" not in text and "<b>如一日" not in text, name
            assert "&amp;lt;" not in text, name  # escaped once, not twice
    frag = fragments(out)["/craftsmen/zhang-jianguo/"]
    assert citation in frag["content"].replace("\u200b", "")  # the index holds the text; its UI escapes it


def test_quotes_and_angle_brackets_are_escaped_in_attributes_feed_and_json(site, tmp_path):
    employer = 'A&B "精工" <有限> 公司'
    set_field(site, "2099-001", "employer: 北京示例机械有限公司", f"employer: '{employer}'")
    title = '标题 "引号" & </title><script>alert(1)</script>'
    site.story("s", "2099-001", title=title)
    out = site.build("2099-12-31", tmp_path / "out")
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert "<dd>A&amp;B &#34;精工&#34; &lt;有限&gt; 公司</dd>" in page
    assert 'content="张建国，A&amp;B &#34;精工&#34; &lt;有限&gt; 公司，焊工。' in page  # meta / Open Graph
    story = (out / "stories/s/index.html").read_text("utf-8")
    shown = "标题 &#34;引号&#34; &amp; &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script>" not in story and "</title><" not in story
    assert f"<h1>{shown}</h1>" in story
    assert f"<title>{shown} - 工匠故事" in story
    assert f'<meta property="og:title" content="{shown} - 工匠故事' in story
    feed = (out / "feeds/stories.atom.xml").read_text("utf-8")
    assert f"<title>{shown}</title>" in feed
    assert ET.fromstring(feed.encode("utf-8")).find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title").text == title
    rows = json.loads((out / "opendata/2099/nominees.json").read_text("utf-8"))["entries"]
    assert rows[[r["id"] for r in rows].index("2099-001")]["employer"] == employer


def test_story_body_and_summary_are_sanitised_and_title_escaped(site, tmp_path):
    """Body and Summary: are HTML (sanitised); Title: is plain text (shown as typed, escaped)."""
    (site.path("content/stories/bad.md")).write_text(
        "Title: 故事<img src=x onerror=alert(1)>\nDate: 2099-07-01\nCandidate: 2099-001\n"
        "Summary: 摘要<script>alert(2)</script>\n\n"
        "## 小标题\n\n正文<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">链接</a>\n\n"
        "<iframe src=\"https://example.org\"></iframe>\n\n[点](javascript:alert(5))\n",
        "utf-8",
    )
    out = site.build("2099-12-31", tmp_path / "out")
    story = (out / "stories/bad/index.html").read_text("utf-8")
    assert "<h1>故事&lt;img src=x onerror=alert(1)&gt;</h1>" in story
    assert "<h2>小标题</h2>" in story and "<p>正文<a>链接</a></p>" in story and "<p><a>点</a></p>" in story
    text = all_text(out)
    for bad in ("alert(2)", "alert(3)", "alert(4)", "alert(5)", "iframe", "javascript", "onclick"):
        assert bad not in text, bad
    for name, data in files(out).items():
        if name.endswith((".html", ".xml")) and not name.startswith("pagefind/"):
            assert "<img src=x" not in data.decode("utf-8"), name
    assert "摘要" in (out / "feeds/stories.atom.xml").read_text("utf-8")


def test_open_data_csv_guards_formulas(site, tmp_path):
    set_field(site, "2099-001", "employer: 北京示例机械有限公司", "employer: '=HYPERLINK(\"http://x.invalid\",\"点击\")'")
    set_field(site, "2099-002", "employer: 北京示例机械有限公司", "employer: '@SUM(1+1)'")
    out = site.build("2099-12-31", tmp_path / "out")
    raw = (out / "opendata/2099/nominees.csv").read_text("utf-8")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(raw.lstrip("\ufeff")))}
    assert rows["2099-001"]["employer"] == "'=HYPERLINK(\"http://x.invalid\",\"点击\")"
    assert rows["2099-002"]["employer"] == "'@SUM(1+1)"
    assert rows["2099-003"]["employer"] == "北京示例机械有限公司"
    doc = json.loads((out / "opendata/2099/nominees.json").read_text("utf-8"))
    assert {e["id"]: e["employer"] for e in doc["entries"]}["2099-001"].startswith("=HYPERLINK")


def test_theme_marks_only_sanitised_html_safe():
    """``| safe`` bypasses escaping: allowed only on sanitised bodies and our own SVG."""
    import re

    allowed = {"article.content", "page.content", "c.gender", "c.occupation", "c.district", "c.sector",
               "tree_svg"}  # svgcharts.lineage_tree: every text escaped (test_lineage_tree_escapes_names)
    for tpl in sorted((ROOT / "theme" / "templates").glob("*")):
        for expr in re.findall(r"{{\s*([^}|]+?)\s*\|\s*safe\s*}}", tpl.read_text("utf-8")):
            assert expr in allowed, f"{tpl.name}: {expr} | safe"
        assert "autoescape false" not in tpl.read_text("utf-8")


def test_theme_puts_data_into_script_elements_only_as_json():
    """Inside ``<script>`` (JSON-LD, data islands) HTML escaping does not apply: every
    value there must go through ``| tojson``, which writes ``<``, ``>``, ``&``, ``'`` as
    ``\\u003c`` ... (tests/test_escape_literal.py), so no text can end the element."""
    import re

    for tpl in sorted((ROOT / "theme" / "templates").glob("*")):
        for body in re.findall(r"<script\b[^>]*>(.*?)</script>", tpl.read_text("utf-8"), re.S | re.I):
            for expr in re.findall(r"{{(.*?)}}", body, re.S):
                assert re.search(r"\|\s*tojson\s*$", expr.strip()), f"{tpl.name}: {{{{{expr}}}}} in <script>"


# --------------------------------------------------------------------------
# no silent skips


def test_unknown_story_metadata_fails_naming_file_and_key(site, tmp_path):
    (site.path("content/stories/typo.md")).write_text(
        "Title: 错字\nDate: 2099-07-01\nCandiate: 2099-001\nCandidate: 2099-001\n\n正文\n", "utf-8"
    )
    with pytest.raises(SiteBuildError) as err:
        site.build("2099-12-31", tmp_path / "out")
    assert "content/stories/typo.md：未知的元数据「Candiate」。是否想写「Candidate」？" in str(err.value)
    assert not (tmp_path / "out" / "stories" / "typo").exists()


def test_unknown_page_metadata_fails(site, tmp_path):
    (site.path("content/pages/p.md")).write_text("Title: 页面\nSlug: p\nTemplate: craftsman\n\n正文\n", "utf-8")
    with pytest.raises(SiteBuildError, match="content/pages/p.md：未知的元数据「Template」"):
        site.build("2099-12-31", tmp_path / "out")


def test_invalid_story_date_fails_in_chinese(site, tmp_path):
    (site.path("content/stories/d.md")).write_text("Title: 坏日期\nDate: 2099-13-45\nCandidate: 2099-001\n\n正文\n", "utf-8")
    with pytest.raises(SiteBuildError, match="无法处理内容文件 content/stories/d.md"):
        site.build("2099-12-31", tmp_path / "out")


def test_pelican_content_warning_fails_every_time(site, tmp_path):
    """Pelican logs a broken {filename} link as a warning and, by default, only once
    per process; each build must fail on it, not just the first."""
    (site.path("content/stories/link.md")).write_text(
        "Title: 链接\nDate: 2099-07-01\nCandidate: 2099-001\n\n见[另一篇]({filename}/stories/nope.md)。\n", "utf-8"
    )
    for n in range(2):
        with pytest.raises(SiteBuildError, match="站内链接指向不存在的文件：/stories/nope.md"):
            site.build("2099-12-31", tmp_path / f"out{n}")


def test_image_without_alt_text_fails(site, tmp_path):
    (site.path("content/stories/img.md")).write_text(
        'Title: 图\nDate: 2099-07-01\nCandidate: 2099-001\n\n<img src="/images/a.jpg" alt="">\n', "utf-8"
    )
    with pytest.raises(SiteBuildError, match="没有替代文字"):
        site.build("2099-12-31", tmp_path / "out")


def test_static_file_that_is_not_an_image_fails(site, tmp_path):
    (site.path("content/images")).mkdir()
    (site.path("content/images/logo.svg")).write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with pytest.raises(Exception, match="content/images/logo.svg：不能发布这种文件"):
        site.build("2099-12-31", tmp_path / "out")


def override_template(tmp_path, name: str, text: str) -> list[str]:
    broken = tmp_path / "broken"
    broken.mkdir(exist_ok=True)
    (broken / name).write_text(text, "utf-8")
    return [str(broken)]


def test_template_error_names_template_and_line(site, tmp_path):
    theme = override_template(
        tmp_path, "stories.html", '{% extends "base.html" %}\n{% block content %}\n<p>\n{{ gj.no_such_helper() }}\n{% endblock %}\n'
    )
    with pytest.raises(SiteBuildError) as err:
        site.build("2099-12-31", tmp_path / "out", THEME_TEMPLATES_OVERRIDES=theme)
    message = str(err.value)
    assert message.startswith("模板错误：") and "stories.html:4: 模板使用了未定义的变量" in message


def test_template_syntax_error_names_template_and_line(site, tmp_path):
    theme = override_template(tmp_path, "home.html", '{% extends "base.html" %}\n{% block content %}\n{% if %}\n{% endblock %}\n')
    with pytest.raises(SiteBuildError, match=r"模板错误：.*home.html:3: 模板语法错误"):
        site.build("2099-12-31", tmp_path / "out", THEME_TEMPLATES_OVERRIDES=theme)


def test_python_error_inside_a_template_names_template_and_line(site, tmp_path):
    theme = override_template(tmp_path, "home.html", '{% extends "base.html" %}\n{% block content %}\n{{ 1 // 0 }}\n{% endblock %}\n')
    with pytest.raises(SiteBuildError, match=r"模板错误：.*home.html:3: 模板运行出错（ZeroDivisionError）"):
        site.build("2099-12-31", tmp_path / "out", THEME_TEMPLATES_OVERRIDES=theme)


def test_sample_site_builds_with_no_warning_and_skips_no_content(tmp_path, caplog):
    """The committed sample builds with zero warnings, and every content file is either
    published or deliberately held back (a story about someone not public yet, or dated
    after the build date)."""
    import datetime as dt

    from gongjiang_pipeline.engine import run
    from gongjiang_pipeline.loading import load_project
    from gongjiang_pipeline.publication import publish

    as_of = dt.date(2026, 12, 1)
    caplog.set_level(logging.WARNING)
    out = tmp_path / "site"
    summary = build_site(ROOT, out, as_of)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    names = files(out)
    def meta_of(path):
        return dict(
            (k.strip(), v.strip()) for k, v in (
                line.split(":", 1) for line in path.read_text("utf-8").split("\n\n", 1)[0].splitlines() if ":" in line
            )
        )

    # English translations (Lang: en, issue 18) are written under en/, with their Chinese page's slug
    pages = sorted((ROOT / "content" / "pages").glob("*.md"))
    chinese = [p for p in pages if meta_of(p).get("Lang") != "en"]
    assert summary.policy_pages == len(chinese)
    for page in pages:
        meta = meta_of(page)
        prefix = "en/" if meta.get("Lang") == "en" else ""
        assert f"{prefix}{meta['Slug']}/index.html" in names, page.name
    project = load_project(ROOT)
    public = set()
    for ed in project.editions.values():
        public |= publish(ed.edition, run(ed), as_of).public_ids
    published = 0
    for story in sorted((ROOT / "content" / "stories").glob("*.md")) if (ROOT / "content" / "stories").is_dir() else []:
        meta = dict(
            line.split(":", 1) for line in story.read_text("utf-8").split("\n\n", 1)[0].splitlines() if ":" in line
        )
        due = meta["Candidate"].strip() in public and dt.date.fromisoformat(meta["Date"].strip()[:10]) <= as_of
        if meta.get("Lang", "").strip() == "en":
            assert (f"en/stories/{meta['Slug'].strip()}/index.html" in names) == due, story.name
            continue
        assert (f"stories/{story.stem}/index.html" in names) == due, story.name
        published += due
    assert summary.stories == published


def test_lineage_tree_escapes_names():
    """The lineage SVG (lineage.html: ``tree_svg | safe``) escapes every name: it reads back as typed."""
    import xml.etree.ElementTree as ET
    from types import SimpleNamespace

    from gongjiang_pipeline.mentorship import ApprenticeView, Lineage
    from gongjiang_pipeline.svgcharts import lineage_tree

    typed = '王<b>小明</b> & "阿强"'
    grandchild = ApprenticeView("c", "<script>alert(1)</script>", None, None, None, (), ())
    child = ApprenticeView("b", typed, None, None, None, (), (grandchild,))
    svg = lineage_tree("tree-x", Lineage(SimpleNamespace(name="张<i>建国"), (child,)))
    assert "<b>" not in svg and "<script>" not in svg and "<i>" not in svg
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts[0].startswith("张<i>建国") and texts[1].startswith(typed) and texts[2] == "<script>alert(1)</script>"
    said = "".join(root.find("{http://www.w3.org/2000/svg}desc").itertext())
    assert typed in said and "<script>alert(1)</script>" in said
