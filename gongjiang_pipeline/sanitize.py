"""Allow-list sanitising of everything authors write (pure; no Pelican).

Two kinds of authored text reach the site:

* **Rich text** (story and policy-page bodies, the ``Summary:`` of a story): HTML
  produced by Markdown, which passes raw HTML through. :func:`clean_html` keeps only
  the elements and attributes the theme needs (headings with ids, paragraphs, lists,
  tables, figures, images from the site itself, links to http/https/mailto or relative
  URLs, footnotes) and drops everything else: scripts, event handlers, ``javascript:``
  and ``data:`` URLs, iframes, objects, SVG/MathML, styles (except ``text-align`` on
  table cells, which Markdown tables use), forms, comments.
* **Plain text** (every free-text field of the data files: names, employers,
  citations, titles, achievements, edition texts, ...): :func:`plain_text` removes
  any markup, and the templates escape the result (Jinja autoescape), as do the
  feed, Open Graph tags, JSON and CSV writers.

The sanitiser is `nh3` (the Rust ``ammonia`` allow-list sanitiser); nothing here
hand-parses HTML.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import nh3
from pydantic import BaseModel

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

_TEXT_CLEANER = nh3.Cleaner(
    tags=set(),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={},
    strip_comments=True,
    link_rel=None,
)


def clean_html(fragment: str) -> str:
    """An HTML fragment reduced to the allow-list (see the module docstring)."""
    if not fragment:
        return fragment
    return _CLEANER.clean(fragment)


def plain_text(text: str) -> str:
    """Text with any markup removed; the caller escapes it for its output format.

    Text without ``<`` is returned unchanged (``&`` and quotes are ordinary characters
    in plain text, escaped on output). Otherwise the text is read as an HTML fragment:
    tags are dropped (with the whole content of scripts, styles, SVG ...) and
    character references decoded, repeatedly until nothing changes, so that
    ``&lt;script&gt;`` inside markup cannot become a tag by being decoded once more.
    Space left at either end where markup was removed is trimmed.
    """
    for _ in range(8):
        if "<" not in text:
            return text
        cleaned = html.unescape(_TEXT_CLEANER.clean(text)).strip()
        if cleaned == text:
            return text
        text = cleaned
    return text.replace("<", "")  # pathological nesting of escapes: keep no markup


def clean_record(value: Any) -> Any:
    """A copy of a data record (pydantic model, tuple, dict) with every string
    passed through :func:`plain_text`. Identifiers, dates and numbers are unchanged
    (identifiers cannot contain ``<`` or ``&``)."""
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = clean_record(old)
            if new is not old and new != old:
                update[name] = new
        return value.model_copy(update=update) if update else value
    if isinstance(value, tuple):
        items = tuple(clean_record(v) for v in value)
        return items if items != value else value
    if isinstance(value, list):
        return [clean_record(v) for v in value]
    if isinstance(value, dict):
        return {k: clean_record(v) for k, v in value.items()}
    return value
