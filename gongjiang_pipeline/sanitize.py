"""Allow-list sanitising of the authored HTML (pure; no Pelican).

Two kinds of authored text reach the site:

* **Rich text** (story and policy-page bodies, the ``Summary:`` of a story): HTML
  produced by Markdown, which passes raw HTML through. :func:`clean_html` keeps only
  the elements and attributes the theme needs (headings with ids, paragraphs, lists,
  tables, figures, images from the site itself, links to http/https/mailto or relative
  URLs, footnotes) and drops everything else: scripts, event handlers, ``javascript:``
  and ``data:`` URLs, iframes, objects, SVG/MathML, styles, forms, comments. The one
  style Markdown writes, ``text-align`` on table cells, becomes a class
  (``align-left``/``align-center``/``align-right``, theme/static/css/site.css): the
  Content-Security-Policy allows no inline style.
* **Plain text** (every free-text field of the data files: names, employers,
  citations, titles, achievements, edition texts, ...; and the plain metadata of
  stories and pages: ``Title:``, ``Nav:``): never sanitised here. It is kept exactly
  as written (``A<B 公司``, a citation quoting ``<焊接>``) and escaped by each output:
  Jinja autoescape in the HTML and XML templates (``| tojson`` inside ``<script>``),
  the JSON and CSV writers of the open data; images draw it as text. Removing
  "markup" from plain text would lose what people typed.

The sanitiser is `nh3` (the Rust ``ammonia`` allow-list sanitiser); nothing here
hand-parses HTML.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

# Elements an authored body may contain. Everything else is removed (its text kept),
# and the elements in DROP_WITH_CONTENT are removed together with their content.
TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
        "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
        "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
        "u", "ul", "var", "wbr",
    }
)  # fmt: skip

DROP_WITH_CONTENT: frozenset[str] = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "textarea", "select", "option", "title", "xmp",
        "noembed", "noframes", "plaintext", "form", "button", "input", "base", "link", "meta",
    }
)  # fmt: skip

_HEADING_ATTRS = {"id", "title"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "id"},  # id: footnote back-references
    "img": {"src", "alt", "width", "height"},
    "h1": _HEADING_ATTRS, "h2": _HEADING_ATTRS, "h3": _HEADING_ATTRS,
    "h4": _HEADING_ATTRS, "h5": _HEADING_ATTRS, "h6": _HEADING_ATTRS,
    "li": {"id"},  # footnotes
    "sup": {"id"},  # footnote references
    "section": {"id"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}  # fmt: skip

# CSS classes Python-Markdown's "extra" writes (footnotes); any other class is dropped
CLASSES: dict[str, set[str]] = {
    "div": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
    "ol": set(),
}

URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
STYLE_PROPERTIES: frozenset[str] = frozenset({"text-align"})  # only on td/th


def _site_image(value: str) -> bool:
    """An image must come from the site itself: a relative or root-relative URL."""
    parts = urlsplit(value.strip())
    return not parts.scheme and not parts.netloc and not value.strip().startswith("//")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if _site_image(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={k: set(v) for k, v in ATTRIBUTES.items()},
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=None,  # no target= is allowed, so no opener to protect
    url_schemes=set(URL_SCHEMES),
    allowed_classes={k: set(v) for k, v in CLASSES.items()},
    filter_style_properties=set(STYLE_PROPERTIES),
)


# A table cell's start tag as nh3 writes it: every attribute value double-quoted, with
# any " inside escaped, so no value can hide a quote or end the match early; a "<td"
# in text is written "&lt;td" and never matches.
_CELL_TAG = re.compile(r'<(td|th)((?:\s+[^\s"=>/]+(?:="[^"]*")?)*)\s*>')
_STYLE_ATTR = re.compile(r'\s+style="([^"]*)"')
ALIGNMENTS: frozenset[str] = frozenset({"left", "center", "right"})


def _align_class(tag: re.Match) -> str:
    """A cell's ``style="text-align:X"`` as ``class="align-X"``; any other style dropped."""
    name, attrs = tag.group(1), tag.group(2)
    found = _STYLE_ATTR.search(attrs)
    if not found:
        return tag.group(0)
    attrs = attrs[: found.start()] + attrs[found.end() :]
    prop, _, value = found.group(1).strip().rstrip(";").partition(":")
    if prop.strip().lower() == "text-align" and value.strip().lower() in ALIGNMENTS:
        attrs += f' class="align-{value.strip().lower()}"'
    return f"<{name}{attrs}>"


def clean_html(fragment: str) -> str:
    """An HTML fragment reduced to the allow-list (see the module docstring)."""
    if not fragment:
        return fragment
    return _CELL_TAG.sub(_align_class, _CLEANER.clean(fragment))
