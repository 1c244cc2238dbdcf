"""The allow-list sanitiser (gongjiang_pipeline/sanitize.py), without a browser.

Every vector of tests/xss_vectors.txt is cleaned and the result parsed: no element or
attribute outside the allow-list, no event handler, no script or data URL, no
external image. The browser test (test_xss_browser.py) checks the built site."""

from html.parser import HTMLParser

import pytest
from xsskit import load_vectors

from gongjiang_pipeline.opendata import csv_cell
from gongjiang_pipeline.sanitize import ATTRIBUTES, TAGS, clean_html, clean_record, plain_text

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


def elements(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Elements()
    p.feed(fragment)
    p.close()
    return p.found


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
            if name == "style" and not value.startswith("text-align:"):
                out.append(f"<{tag} style={value}>")
    return out


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_is_defused(vector):
    assert problems(clean_html(vector)) == []
    # and as Markdown would wrap it, and inside a table cell
    assert problems(clean_html(f"<p>文字 {vector} 文字</p>")) == []
    assert problems(clean_html(f"<table><tr><td>{vector}</td></tr></table>")) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_vector_as_plain_text_has_no_markup(vector):
    text = plain_text(vector)
    assert elements(text) == [], text
    assert plain_text(text) == text


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
    assert clean_html(html) == html.replace("text-align: right;", "text-align:right")


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


def test_plain_text():
    assert plain_text("三十年如一日钻研焊接技术。") == "三十年如一日钻研焊接技术。"
    assert plain_text("三十年<b>如一日</b>") == "三十年如一日"
    assert plain_text("精度 <0.01mm") == "精度 <0.01mm"  # a lone "<" is text
    assert plain_text("R&D 部门 & “工匠”") == "R&D 部门 & “工匠”"  # no markup: unchanged
    assert plain_text("<img src=x onerror=alert(1)>获奖") == "获奖"
    assert plain_text("<script>alert(1)</script>获奖") == "获奖"
    # decoded entities cannot smuggle a tag past it
    assert plain_text("<b>x</b>&lt;script&gt;alert(1)&lt;/script&gt;") == "x"


def test_clean_record_cleans_every_text_of_an_edition():
    from scratch import EDITION

    import yaml

    from gongjiang_pipeline.models import Edition

    raw = yaml.safe_load(EDITION)
    raw["occupations"][0]["name"] = "焊工<script>alert(1)</script>"
    raw["notice"]["rules"] = ["须实名<img src=x onerror=alert(1)>"]
    raw["summary"] = "<b>简介</b>"
    e = Edition.model_validate(raw)
    c = clean_record(e)
    assert c.occupations[0].name == "焊工" and c.notice.rules == ("须实名",) and c.summary == "简介"
    assert c.occupations[0].id == "welder" and c.timeline == e.timeline
    assert clean_record(c) == c


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
