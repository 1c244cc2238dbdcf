"""The allow-list sanitiser (gongjiang_pipeline/sanitize.py), without a browser.

Every vector of tests/xss_vectors.txt is cleaned and the result parsed: no element or
attribute outside the allow-list, no event handler, no script or data URL, no
external image. Plain text is not sanitised but escaped as the templates escape it
(Jinja autoescape): parsed back, it is the vector as typed, with no element at all.
The browser test (test_xss_browser.py) checks the built site."""

from html.parser import HTMLParser

import pytest
from markupsafe import escape
from xsskit import load_vectors

from gongjiang_pipeline.opendata import csv_cell
from gongjiang_pipeline.sanitize import ATTRIBUTES, TAGS, clean_html

VECTORS = load_vectors()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(fragment: str) -> _Elements:
    p = _Elements()
    p.feed(fragment)
    p.close()
    return p


def elements(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    return _parse(fragment).found


def text_of(fragment: str) -> str:
    return "".join(_parse(fragment).text)


def problems(fragment: str) -> list[str]:
    out = []
    for tag, attrs in elements(fragment):
        if tag not in TAGS:
            out.append(f"<{tag}>")
        allowed = ATTRIBUTES.get(tag, set()) | ATTRIBUTES["*"] | {"class"}
        for name, value in attrs.items():
            value = value or ""
            if name not in allowed:
                out.append(f"<{tag} {name}>")
            if name in ("href", "src"):
                scheme = value.split(":", 1)[0].lower() if ":" in value.split("/", 1)[0] else ""
                if scheme and scheme not in ("http", "https", "mailto"):
                    out.append(f"<{tag} {name}={value}>")
            if tag == "img" and name == "src" and ("://" in value or value.startswith("//")):
                out.append(f"external image {value}")
            if name == "style":  # the Content-Security-Policy allows no inline style
                out.append(f"<{tag} style={value}>")
    return out


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_is_defused(vector):
    assert problems(clean_html(vector)) == []
    # and as Markdown would wrap it, and inside a table cell
    assert problems(clean_html(f"<p>文字 {vector} 文字</p>")) == []
    assert problems(clean_html(f"<table><tr><td>{vector}</td></tr></table>")) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_as_plain_text_is_escaped_literally(vector):
    """What a template does with a plain-text field: no element, the text as typed,
    in a text node and in an attribute value."""
    escaped = str(escape(vector))
    assert elements(escaped) == [] and text_of(escaped) == vector
    assert elements(f"<p>{escaped}</p>") == [("p", {})] and text_of(f"<p>{escaped}</p>") == vector
    assert elements(f'<meta content="{escaped}">') == [("meta", {"content": vector})]


def test_the_theme_keeps_what_it_needs():
    html = (
        '<h2 id="zhuan-li">专利</h2>'
        '<p>见 <a href="/craftsmen/zhang-san/" title="人物">张三</a>、<a href="https://example.org/a?b=1">外部</a>、'
        '<a href="mailto:gonghui@example.org">邮件</a>、<a href="../x/">相对</a>、<a href="#zhuan-li">本页</a></p>'
        '<figure><img src="/images/a.jpg" alt="车间" width="320" height="240"><figcaption>车间</figcaption></figure>'
        '<table><thead><tr><th style="text-align: right;">数量</th></tr></thead><tbody><tr>'
        '<td style="text-align: right;">3</td></tr></tbody></table>'
        "<blockquote><p>引文</p></blockquote><ul><li><strong>粗</strong><em>斜</em><code>x</code></li></ul>"
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
        '<div class="footnote"><ol><li id="fn:1"><p>注 <a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>'
    )
    # Markdown's cell alignment becomes a class: the Content-Security-Policy allows no inline style
    assert clean_html(html) == html.replace('style="text-align: right;"', 'class="align-right"')


@pytest.mark.parametrize(
    ("cell", "clean"),
    [
        ('<td style="text-align: center">x</td>', '<td class="align-center">x</td>'),
        ('<th style="text-align:Left;" colspan="2">x</th>', '<th colspan="2" class="align-left">x</th>'),
        ('<th style="TEXT-ALIGN: left" colspan="2">x</th>', '<th colspan="2">x</th>'),  # nh3 keeps lower case only
        ('<td style="color: red; text-align: right">x</td>', '<td class="align-right">x</td>'),
        ('<td style="color: red">x</td>', "<td>x</td>"),
        ('<td style="text-align: justify">x</td>', "<td>x</td>"),
        ('<td title="a>b" style="text-align: right">x</td>', '<td title="a&gt;b" class="align-right">x</td>'),
    ],
)
def test_cell_alignment_becomes_a_class(cell, clean):
    assert clean_html(f"<table><tbody><tr>{cell}</tr></tbody></table>") == f"<table><tbody><tr>{clean}</tr></tbody></table>"


def test_alignment_written_as_text_stays_text():
    text = '<p>&lt;td style="text-align: left"&gt; 是表格单元格的写法</p>'
    assert clean_html(text) == text


def test_what_is_dropped():
    cases = {
        '<p onclick="alert(1)">x</p>': "<p>x</p>",
        '<a href="javascript:alert(1)">x</a>': "<a>x</a>",
        '<a href="data:text/html,x">x</a>': "<a>x</a>",
        '<img src="data:image/png;base64,AAAA" alt="a">': '<img alt="a">',
        '<img src="https://tracker.example/p.gif" alt="a">': '<img alt="a">',
        '<img src="//tracker.example/p.gif" alt="a">': '<img alt="a">',
        '<iframe src="https://example.org"></iframe>正文': "正文",
        "<script>alert(1)</script>正文": "正文",
        "<style>p{color:red}</style>正文": "正文",
        '<p style="color:red">x</p>': "<p>x</p>",
        '<form action="/x"><input name="a"><button>提交</button></form>正文': "正文",
        '<p class="skip">x</p>': "<p>x</p>",
        "<!-- 注释 -->正文": "正文",
        '<a href="/x" target="_blank">x</a>': '<a href="/x">x</a>',
        "<svg><circle r=1 /></svg>正文": "正文",
    }
    for dirty, clean in cases.items():
        assert clean_html(dirty) == clean, dirty


def test_plain_text_is_escaped_not_stripped():
    cases = {
        "三十年如一日钻研焊接技术。": "三十年如一日钻研焊接技术。",
        "三十年<b>如一日</b>": "三十年&lt;b&gt;如一日&lt;/b&gt;",
        "精度 <0.01mm": "精度 &lt;0.01mm",
        "R&D 部门 & “工匠”": "R&amp;D 部门 &amp; “工匠”",
        "<img src=x onerror=alert(1)>获奖": "&lt;img src=x onerror=alert(1)&gt;获奖",
        "A<B & \"C\" '公司' {{ x }}": "A&lt;B &amp; &#34;C&#34; &#39;公司&#39; {{ x }}",
        # typed entities stay typed: shown as "&lt;", never decoded into a tag
        "&lt;script&gt;": "&amp;lt;script&amp;gt;",
    }
    for typed, escaped in cases.items():
        assert str(escape(typed)) == escaped, typed
        assert text_of(escaped) == typed


def test_site_model_keeps_every_text_as_typed(tmp_path):
    """build_model copies the edition and candidate texts as written (it used to strip
    anything that looked like markup, losing text such as ``A<B 公司``)."""
    import datetime as dt
    import json

    from sitekit import SiteProject, fake_engine

    from gongjiang_pipeline.loading import load_project
    from gongjiang_pipeline.sitemodel import build_model

    site = SiteProject(tmp_path / "p")
    texts = {"occupation": "焊工<script>alert(1)</script>", "rule": "须实名<img src=x onerror=alert(1)>",
             "summary": "<b>简介</b> & {{ x }}", "employer": "A<B & \"C\" '公司' {{ x }}", "citation": "擅长“<焊接>”"}
    ed = site.path("data/editions/2099.yaml")
    ed.write_text(
        ed.read_text("utf-8").replace("name: 焊工", f"name: {json.dumps(texts['occupation'], ensure_ascii=False)}")
        + f"  rules:\n    - {json.dumps(texts['rule'], ensure_ascii=False)}\n"
        + f"summary: {json.dumps(texts['summary'], ensure_ascii=False)}\n", "utf-8")
    cand = site.path("data/candidates/2099/2099-001.yaml")
    cand.write_text(
        cand.read_text("utf-8")
        .replace("employer: 北京示例机械有限公司", f"employer: {json.dumps(texts['employer'], ensure_ascii=False)}")
        .replace("citation: 三十年如一日钻研焊接技术。", f"citation: {json.dumps(texts['citation'], ensure_ascii=False)}"),
        "utf-8")
    project = load_project(site.root)
    model = build_model(project, {eid: fake_engine(e) for eid, e in project.editions.items()}, dt.date(2099, 12, 31))
    (ev,) = model.editions
    assert ev.edition.occupations[0].name == texts["occupation"] and ev.edition.occupations[0].id == "welder"
    assert ev.edition.notice.rules == (texts["rule"],) and ev.summary == texts["summary"]
    p = model.person("2099-001")
    assert (p.employer, p.citation, p.occupation.name) == (texts["employer"], texts["citation"], texts["occupation"])
    assert ev.edition is project.editions["2099"].edition  # the record as loaded, not a cleaned copy


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("北京示例机械有限公司", "北京示例机械有限公司"),
        ("2016-001", "2016-001"),
        ("a=b", "a=b"),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected
