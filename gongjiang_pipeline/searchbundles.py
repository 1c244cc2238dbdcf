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
    <bundle>/gongjiang-words/  the words of the bundle's index (``WORDS_DIR``):
                             written, kept and removed with the bundle

:func:`plan` decides the bundles from the pages alone, so a build can tell which
bundles have a changed page and re-index only those (sitebuild._search_index
records a key per bundle in the build manifest). Each bundle is indexed from its
own pages only, so its key depends on its own pages only: an edit re-indexes its
own bundle, whatever words it adds to or removes from the site.

Why the word lists: for a query word that no word of a bundle starts with, Pagefind
falls back to the longest word of that bundle that the query word starts with
(单立新 -> 单; ``find_word_extensions`` in Pagefind's search.rs), so a bundle without
单立新 would answer 单立新 with every page that has 单, where one index of the whole
site answers with the pages that have 单立新. The search page
(theme/static/js/multisite/pagefind.js) reads, for each query word, one shard of
each bundle's word list (:func:`word_files`), works out which bundles one index of
the whole site would take no page from, and leaves those out of the search with
the hidden filter ``BUNDLE_FILTER`` that it gives every bundle.
"""

from __future__ import annotations

import hashlib
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
# The search page gives every bundle this filter (Pagefind's mergeFilter), valued by the
# bundle's URL, to leave out the bundles one index of the whole site would take no page
# from (theme/static/js/multisite/pagefind.js); it is never shown
BUNDLE_FILTER = "分包"
# the bundle's word lists, in its folder: ``languages.json`` and ``<lang>-<shard>.<hash>.json``
WORDS_DIR = "gongjiang-words"
WORD_SHARDS = 32  # a word is in the shard of its first character's code point % WORD_SHARDS
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
            if not _SAFE.match(key) or key == WORDS_DIR:  # (WORDS_DIR: a folder in every bundle)
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


def word_shard(word: str) -> int:
    """The shard of ``word``'s list (the search page takes ``word.codePointAt(0) % SHARDS``
    in multisite/pagefind.js: the same code point)."""
    return ord(word[0]) % WORD_SHARDS if word else 0


def word_files(languages: Mapping[str, tuple[int, bool, Iterable[str]]],
               include_characters: Iterable[str] = ()) -> dict[str, bytes]:
    """The files of a bundle's word lists (name under ``WORDS_DIR`` -> bytes):
    ``languages``: language of an index -> (its page count, whether Pagefind stems
    its words, its words as the index stores them). ``languages.json`` tells the
    search page which index Pagefind loads for a page's language (as its findIndex
    does: the language, its first subtag, else the one with most pages), which
    characters Pagefind keeps in a query (``include_characters`` of its entry file)
    and the file of each shard: ``<lang>-<shard>.<hash>.json``, the sorted list of
    the index's words in that shard, named by its bytes (like Pagefind's own files:
    a browser may keep it as long as it likes; the page fetches ``languages.json``
    afresh, as Pagefind does its entry file). Every shard is written (an empty one as
    ``[]``), so that the page never asks for a file that is not there. Same words,
    same bytes."""
    def dump(value) -> bytes:
        return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")

    out: dict[str, bytes] = {}
    info = {}
    for lang, (pages, stemmed, words) in sorted(languages.items()):
        shards: list[list[str]] = [[] for _ in range(WORD_SHARDS)]
        for word in sorted(set(words)):
            if word:
                shards[word_shard(word)].append(word)
        names = []
        for n, shard in enumerate(shards):
            data = dump(shard)
            names.append(f"{lang}-{n}.{hashlib.sha256(data).hexdigest()[:12]}.json")
            out[names[-1]] = data
        info[lang] = {"pages": pages, "shards": names, "stemmed": bool(stemmed)}
    out["languages.json"] = dump({"include_characters": sorted(set(include_characters)), "languages": info})
    return out
