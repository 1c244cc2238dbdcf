"""Which search bundle each indexed page belongs to (pure: no Pelican, no Pagefind).

The site search is split with Pagefind's multisite mode: one bundle per edition
(the pages of that edition's people, and the stories about them) and one bundle
``site`` for indexed pages that belong to no edition. The search page loads the
first bundle and merges the others in the browser with Pagefind's documented
``mergeIndex`` option (theme/static/js/search.js). Layout under the site root::

    search/bundles.js        the bundle URLs, read by search.js (primary first)
    pagefind/                the bundle ``site``: pages of no edition (the primary
                             bundle; with GONGJIANG_SEARCH_PER_EDITION off, or only
                             one bundle, every page)
    pagefind/<edition id>/   one Pagefind bundle per edition; with more editions than
                             EDITION_BUNDLES, consecutive editions share one
                             (pagefind/2016-2018/: edition_groups)
    pagefind/en/             the English pages (/en/, issue 18): the one bundle the
                             English search page loads (a bundle per language)
    pagefind/pagefind-ui.js  Pagefind's UI, copied from the primary bundle if that
                             is not ``site``

:func:`plan` decides the bundles from the pages alone, so a build can tell which
bundles have a changed page and re-index only those (sitebuild._search_index
records a key per bundle in the build manifest). Every bundle also indexes a
vocabulary page (``VOCAB_FILTER``), so that it answers a query as one index of
the whole site would.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

SITE_BUNDLE = "site"  # pages that belong to no edition
# pages under a language's folder go to that language's bundle (when the search is split):
# Pagefind picks the index of a bundle by the page's <html lang> and falls back to another
# language when a bundle has none, so the English search page must load English bundles only
LANGUAGE_BUNDLES = {"en/": "en"}
# at most this many bundles for the editions (GONGJIANG_SEARCH_EDITION_BUNDLES): with more
# editions, consecutive ones share a bundle (edition_groups)
EDITION_BUNDLES = 4
BUNDLES_SCRIPT = "search/bundles.js"  # window.GONGJIANG_SEARCH_BUNDLES = [...]
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")  # copied from the first bundle to pagefind/
# The vocabulary page of a bundle (one per language of its index): a page made for the
# index only, never written to the site, that carries every word of the whole site's
# index that the bundle's own pages lack, as a metadata field (Pagefind splits those at
# spaces only, so each word is stored as it is). Why: for a query word that no word of
# a bundle starts with, Pagefind falls back to the longest word of that bundle that the
# query word starts with (单立新 -> 单), so a bundle without 单立新 would answer 单立新
# with every page that has 单. With the site's vocabulary in every bundle, each bundle
# resolves every query word exactly as one index of the whole site does. The page has
# the filter 词表: 是, and every search excludes it (theme/static/js/multisite/pagefind.js).
VOCAB_FILTER = "词表"
VOCAB_URL = "search/vocabulary/"  # its URL in the index; no such page exists on the site
_SAFE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")


@dataclass(frozen=True)
class Bundle:
    key: str  # SITE_BUNDLE or an edition id
    pages: tuple[str, ...]  # output paths, e.g. craftsmen/shan-lixin/index.html, sorted

    def folder(self, root: str) -> str:
        """The bundle's folder under the site root: ``pagefind`` for ``site``,
        ``pagefind/2016`` for the edition 2016."""
        return root if self.key == SITE_BUNDLE else f"{root}/{self.key}"


def page_path(url: str) -> str:
    """The output file of a site URL: ``/craftsmen/x/`` -> ``craftsmen/x/index.html``."""
    rel = url.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def page_url(rel: str) -> str:
    """The URL Pagefind gives the output file ``rel``: ``craftsmen/x/index.html`` ->
    ``/craftsmen/x/`` (the inverse of :func:`page_path`)."""
    return "/" + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)


def page_editions(
    people: Iterable[tuple[str, str]], stories: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Output path -> edition id, for the pages that belong to an edition.

    ``people``: (URL of a craftsman page, the person's edition id); ``stories``:
    (output path of a story, the edition id of the person it is about)."""
    editions = {page_path(url): ed for url, ed in people}
    editions.update({page_path(rel): ed for rel, ed in stories})
    return editions


def plan(pages: Iterable[str], editions: Mapping[str, str], order: Iterable[str],
         languages: Mapping[str, str] | None = None, max_editions: int = 0) -> list[Bundle]:
    """The bundles for the indexed ``pages`` (output paths): each page goes to its
    edition's bundle (``editions``), a page under a folder of ``languages`` (path
    prefix -> bundle key, e.g. :data:`LANGUAGE_BUNDLES`) to that language's bundle,
    any other to ``site``. Bundles come ``site`` first, then the editions in
    ``order`` (the model's order), then the languages; empty ones are left out; if
    only one is left, it is ``site``. With ``max_editions`` (> 0) and more editions
    than that, consecutive editions share bundles (:func:`edition_groups`). Raises
    ValueError for an edition id that cannot name a folder or that is a language
    bundle's name."""
    languages = dict(languages or {})
    order = list(order)
    clash = sorted(set(languages.values()) & (set(editions.values()) | set(order)))
    if clash:
        raise ValueError(f"届次编号与语言搜索分包同名：{clash[0]!r}")
    pages = list(pages)
    present = {editions[rel] for rel in pages if rel in editions}
    shared = edition_groups([ed for ed in order if ed in present], max_editions)
    groups: dict[str, list[str]] = {}
    for rel in pages:
        key = editions.get(rel)
        if key is None:
            key = next((k for prefix, k in languages.items() if rel.startswith(prefix)), SITE_BUNDLE)
        groups.setdefault(shared.get(key, key), []).append(rel)
    keys = [SITE_BUNDLE, *dict.fromkeys(shared[ed] for ed in order if ed in shared), *languages.values()]
    unknown = sorted(set(groups) - set(keys))
    keys += unknown  # an edition missing from ``order``: after the others, by id
    if len(groups) == 1:
        # one edition and nothing else (a new site): nothing to merge, one bundle ``site``
        return [Bundle(SITE_BUNDLE, tuple(sorted(next(iter(groups.values())))))]
    out = []
    for key in keys:
        if key in groups:
            if not _SAFE.match(key):
                raise ValueError(f"搜索分包名不能用作文件夹名：{key!r}")
            out.append(Bundle(key, tuple(sorted(groups[key]))))
    return out


def edition_groups(editions: list[str], limit: int) -> dict[str, str]:
    """Edition id -> the key of the bundle it goes to. One bundle per edition, or, with
    more editions than ``limit`` (> 0), ``limit`` bundles of consecutive editions
    (``editions`` in the model's order, the latest first): the first bundles take
    fewer editions, so an edit to a recent edition re-indexes a smaller bundle. A
    bundle of several editions is named ``<last>-<first>`` (``2016-2018`` for
    2018, 2017, 2016).

    Why share: Pagefind splits each bundle's word index into chunks of a fixed size
    (20,000 word positions), and a query loads, in every bundle, the chunk of each of
    its words (a Chinese name is three words, one a character), so the first query's
    download grows with the number of bundles, not with their size (docs/site.md,
    *First-query download*). Raises ValueError if a bundle's name is an edition id."""
    if limit <= 0 or len(editions) <= limit:
        return {ed: ed for ed in editions}
    size, more = divmod(len(editions), limit)
    out: dict[str, str] = {}
    start = 0
    for i in range(limit):
        members = editions[start:start + size + (1 if i >= limit - more else 0)]
        start += len(members)
        key = members[0] if len(members) == 1 else f"{members[-1]}-{members[0]}"
        if key in editions and key not in members:
            raise ValueError(f"搜索分包名与届次编号重复：{key!r}")
        out.update({ed: key for ed in members})
    return out


def bundles_script(root: str, bundles: Iterable[Bundle]) -> bytes:
    """``search/bundles.js``: the bundle URLs, primary first (a same-origin script:
    the Content-Security-Policy allows no inline one); the bundles of a language
    (:data:`LANGUAGE_BUNDLES`) apart, by the ``<html lang>`` of the pages that
    search them."""
    bundles = list(bundles)
    by_lang = {key: [f"/{b.folder(root)}/" for b in bundles if b.key == key] for key in LANGUAGE_BUNDLES.values()}
    by_lang = {key: urls for key, urls in by_lang.items() if urls}
    urls = [f"/{b.folder(root)}/" for b in bundles if b.key not in by_lang]
    text = (
        "/* Search bundles (gongjiang_pipeline/searchbundles.py): the first is loaded,\n"
        "   the others merged with Pagefind's mergeIndex; a page whose <html lang> has\n"
        "   bundles of its own (GONGJIANG_SEARCH_BUNDLES_BY_LANG) searches those. */\n"
    )
    if by_lang:
        text += f"window.GONGJIANG_SEARCH_BUNDLES_BY_LANG = {json.dumps(by_lang, sort_keys=True)};\n"
    return (text + f"window.GONGJIANG_SEARCH_BUNDLES = {json.dumps(urls)};\n").encode("utf-8")


def vocabulary_page(lang: str, words: Iterable[str]) -> bytes:
    """The vocabulary page carrying ``words`` for the index of language ``lang`` (see
    ``VOCAB_FILTER``)."""
    text = html.escape(" ".join(sorted(words)), quote=True)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang, quote=True)}"><head><meta charset="utf-8">'
        f"<title>{VOCAB_FILTER}</title></head>\n<body><div data-pagefind-body>"
        f'<span data-pagefind-filter="{VOCAB_FILTER}:是"></span>'
        f'<span data-pagefind-meta="{VOCAB_FILTER}:{text}"></span>{VOCAB_FILTER}</div></body></html>\n'
    ).encode("utf-8")


def vocabulary_path(lang: str) -> str:
    """Output path of the vocabulary page of language ``lang`` (in the scratch folder
    Pagefind reads; the URL ``VOCAB_URL`` plus the language)."""
    return f"{VOCAB_URL}{lang}/index.html"
