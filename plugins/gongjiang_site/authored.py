"""Authored content: stories and policy pages (metadata check, sanitising) and the
static images of the content folder (no metadata published).

``content_object_init`` runs once for every story and page, right after its reader
(Markdown, or any other Pelican reader) produced HTML and metadata and before any
template sees them. This is the one place authored HTML enters the site, so it is the
one place it is sanitised (``gongjiang_pipeline.sanitize``):

* the body and the formatted metadata fields (``Summary:``) go through the HTML
  allow-list (``clean_html``);
* every other text metadata value (``Title:``, ``Nav:`` ...) is plain text, kept
  exactly as written (``Title: 谈<焊接>`` shows ``谈<焊接>``) and escaped by the
  templates wherever it is output.

Metadata keys are checked too: a misspelt key (``Candiate:``) would otherwise be
ignored silently, so it fails the build with the file and the key named.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from pelican.contents import Article, Page

from gongjiang_pipeline import images
from gongjiang_pipeline.news import NEWS_KEYS
from gongjiang_pipeline.sanitize import clean_html
from gongjiang_pipeline.sitemodel import SiteDataError

# keys an author may write (lower case, as Pelican stores them); "reader" is Pelican's own
STORY_KEYS = ("title", "date", "modified", "candidate", "summary", "slug", "status", "lang")
PAGE_KEYS = ("title", "slug", "nav", "summary", "date", "modified", "status", "lang")
PELICAN_KEYS = ("reader",)


def _check_keys(content, allowed: tuple[str, ...], what: str) -> None:
    where = f"content/{content.relative_source_path}"
    for key in content.metadata:
        if key in allowed or key in PELICAN_KEYS:
            continue
        if key == "category" and str(content.metadata[key]) == content.settings.get("DEFAULT_CATEGORY"):
            continue  # Pelican gives everything its default category once categories have pages
        guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"是否想写「{guess[0].capitalize()}」？" if guess else ""
        names = "、".join(k.capitalize() for k in allowed)
        raise SiteDataError(f"{where}：未知的元数据「{key.capitalize()}」。{hint}{what}可用的元数据：{names}")


def sanitize_content(content) -> None:
    """``content_object_init``: check a story's or page's metadata and sanitise its HTML."""
    if isinstance(content, Article) and content.relative_source_path.replace("\\", "/").startswith("news/"):
        from .news import prepare

        _check_keys(content, NEWS_KEYS, "新闻")
        prepare(content)
    elif isinstance(content, Article):
        _check_keys(content, STORY_KEYS, "故事")
    elif isinstance(content, Page):
        _check_keys(content, PAGE_KEYS, "页面")
    else:
        return  # static files (images) carry no text
    if content._content:
        content._content = clean_html(content._content)
    # only the formatted fields are HTML; plain-text metadata stays as written
    for key in content.settings.get("FORMATTED_FIELDS", ()):
        value = content.metadata.get(key)
        if not isinstance(value, str):
            continue
        clean = clean_html(value)
        if clean != value:
            content.metadata[key] = clean
            setattr(content, key, clean)
    if "summary" in content.metadata:
        content._summary = content.metadata["summary"]


# --------------------------------------------------------------------------
# static files of the content folder (STATIC_PATHS, e.g. content/images/)

STATIC_KEY = "GONGJIANG_STATIC_IMAGES"


_ROOT_RELATIVE = re.compile(r'(?:src|href)="(/[^"#?]*)')


def _used_by_published_content(context) -> tuple[set[str], set[str]]:
    """Static files the published stories and pages use: source paths linked with
    ``{static}``/``{attach}``, and root-relative URLs in ``src``/``href``."""
    sources: set[str] = set()
    urls: set[str] = set()
    for content in [*context.get("articles", ()), *context.get("pages", ())]:
        sources |= content.get_static_links()
        urls |= set(_ROOT_RELATIVE.findall(content._content or ""))
        urls |= set(_ROOT_RELATIVE.findall(content.metadata.get("summary", "") or ""))
    return sources, urls


def check_static_files(static_generator) -> None:
    """``static_generator_finalized`` (after stories are filtered): a static file of the
    content folder is published only if a published story or page uses it, so a story
    image waits for its story; it must be a raster image (an SVG or HTML file would
    run scripts on the site's own origin). Remembers them for
    :func:`strip_static_metadata`."""
    sources, urls = _used_by_published_content(static_generator.context)
    kept, found = [], []
    for sf in sorted(static_generator.staticfiles, key=lambda sf: sf.relative_source_path):
        src = Path(sf.source_path)
        if src.suffix.lower() not in images.STATIC_IMAGE_FORMATS:
            kinds = "、".join(sorted({s.lstrip(".") for s in images.STATIC_IMAGE_FORMATS}))
            raise SiteDataError(f"content/{sf.relative_source_path}：不能发布这种文件（只允许图片：{kinds}）")
        if sf.relative_source_path not in sources and "/" + sf.url not in urls:
            continue  # not used by anything published (yet)
        kept.append(sf)
        found.append((str(src), sf.save_as))
    static_generator.staticfiles = kept
    static_generator.context["staticfiles"] = kept
    static_generator.settings[STATIC_KEY] = sorted(found)


def strip_static_metadata(pelican) -> None:
    """``finalized``: replace each published static image by a copy without metadata
    (EXIF with GPS, XMP, IPTC, comments); Pelican itself copies them byte for byte."""
    from gongjiang_pipeline.buildcache import bytes_digest, code_version

    out = Path(pelican.output_path)
    writer = pelican.settings.get("GONGJIANG_WRITER")
    for source, save_as in pelican.settings.get(STATIC_KEY, ()):
        target = out / save_as
        target.unlink()  # Pelican's copy; never write through a link into the content folder
        # unchanged source, unchanged cleaned copy: keep the one the previous build published
        key = f"static:{code_version(Path(images.__file__).parent)}:{bytes_digest(Path(source).read_bytes())}"
        if writer is not None and writer.derived(save_as, key):
            continue
        try:
            data = images.without_metadata(Path(source))
        except images.ImageError as exc:
            raise SiteDataError(f"{source}：{exc}") from None
        target.write_bytes(data)
