"""The whole sample site: every internal link resolves, every page is valid HTML.

The checks themselves are in tests/sitecheck.py; tests/test_quality_checks_fail.py
shows each of them reporting a deliberately broken page.
"""

from __future__ import annotations

import pytest
from sitecheck import check_links, validate_html

pytestmark = pytest.mark.slow


def test_every_internal_link_and_anchor_resolves(sample_site):
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 100  # the whole site, not a sample of it
    assert check_links(sample_site) == []


@pytest.mark.tools
def test_every_page_is_valid_html(sample_site, vnu):
    pages = sorted(sample_site.rglob("*.html"))
    # one of each kind at least: home, edition, list, craftsman, browse, story, policy, search, 404
    for must in ("index.html", "editions/2016/notice/index.html", "craftsmen/shan-lixin/index.html",
                 "occupations/welder/index.html", "stories/shan-lixin-cezhang/index.html",
                 "policy/index.html", "search/index.html", "404.html", "statistics/index.html",
                 # the English edition (issue 18)
                 "en/index.html", "en/editions/2016/index.html", "en/editions/2016/notice/index.html",
                 "en/craftsmen/shan-lixin/index.html", "en/statistics/index.html",
                 "en/stories/shan-lixin-cezhang/index.html", "en/policy/index.html", "en/search/index.html"):
        assert sample_site / must in pages, must
    assert validate_html(pages) == []
