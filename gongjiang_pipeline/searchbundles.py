"""Which search bundle each indexed page belongs to (pure: no Pelican, no Pagefind).

The site search is split with Pagefind's multisite mode: one bundle per edition
(the pages of that edition's people, and the stories about them) and one bundle
``site`` for indexed pages that belong to no edition. The search page loads the
first bundle and merges the others in the browser with Pagefind's documented
``mergeIndex`` option (theme/static/js/search.js). Layout under the site root::

    search/bundles.js        the bundle URLs, read by search.js (primary first)
    pagefind/                the bundle ``site``: pages of no edition (the primary
                             bundle; with per-edition bundles off, every page)
    pagefind/<edition id>/   one Pagefind bundle per edition
    pagefind/pagefind-ui.js  Pagefind's UI, copied from the primary bundle if that
                             is not ``site``

:func:`plan` decides the bundles from the pages alone, so a build can tell which
bundles have a changed page and re-index only those (sitebuild._search_index
records a key per bundle in the build manifest).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

SITE_BUNDLE = "site"  # pages that belong to no edition
BUNDLES_SCRIPT = "search/bundles.js"  # window.GONGJIANG_SEARCH_BUNDLES = [...]
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")  # copied from the first bundle to pagefind/
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


def page_editions(
    people: Iterable[tuple[str, str]], stories: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """Output path -> edition id, for the pages that belong to an edition.

    ``people``: (URL of a craftsman page, the person's edition id); ``stories``:
    (output path of a story, the edition id of the person it is about)."""
    editions = {page_path(url): ed for url, ed in people}
    editions.update({page_path(rel): ed for rel, ed in stories})
    return editions


def plan(pages: Iterable[str], editions: Mapping[str, str], order: Iterable[str]) -> list[Bundle]:
    """The bundles for the indexed ``pages`` (output paths): each page goes to its
    edition's bundle (``editions``), any other to ``site``. Bundles come ``site``
    first, then the editions in ``order`` (the model's order); empty ones are left
    out. Raises ValueError for an edition id that cannot name a folder."""
    groups: dict[str, list[str]] = {}
    for rel in pages:
        groups.setdefault(editions.get(rel, SITE_BUNDLE), []).append(rel)
    keys = [SITE_BUNDLE, *order]
    unknown = sorted(set(groups) - set(keys))
    keys += unknown  # an edition missing from ``order``: after the others, by id
    out = []
    for key in keys:
        if key in groups:
            if not _SAFE.match(key):
                raise ValueError(f"搜索分包名不能用作文件夹名：{key!r}")
            out.append(Bundle(key, tuple(sorted(groups[key]))))
    return out


def bundles_script(root: str, bundles: Iterable[Bundle]) -> bytes:
    """``pagefind/bundles.js``: the bundle URLs, primary first (a same-origin script:
    the Content-Security-Policy allows no inline one)."""
    urls = [f"/{b.folder(root)}/" for b in bundles]
    return (
        "/* Search bundles (gongjiang_pipeline/searchbundles.py): the first is loaded,\n"
        "   the others merged with Pagefind's mergeIndex. */\n"
        f"window.GONGJIANG_SEARCH_BUNDLES = {json.dumps(urls)};\n"
    ).encode("utf-8")
