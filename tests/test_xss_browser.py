"""XSS: a site built with a vector in every text field runs no script in Chromium.

tests/xss_vectors.txt holds the vectors (OWASP filter-evasion cheat sheet style;
each would call alert(1), set window.__xss or load from another host). tests/xsskit.py
puts them in a story, a policy page, every free-text field of every candidate file and
of the edition file, and makes everyone public. The built site is served on
127.0.0.1 and every HTML and XML page is loaded in headless Chromium; dialogs,
console messages, page errors, requests to any other host and window.__xss markers
and Content-Security-Policy violations are counted (must be zero), and a DOM audit lists event-handler attributes,
script/data URLs, styles, iframes, forms ... (must be none).
"""

import pytest
from browsing import serve, site_pages, visit_all
from xsskit import XssProject, load_vectors

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory):
    vectors = load_vectors()
    root = tmp_path_factory.mktemp("xss")
    project = XssProject(root / "project", vectors)
    out = project.build("2099-12-31", root / "out")
    return project, out


def test_vector_corpus_is_large_enough():
    vectors = load_vectors()
    assert len(vectors) >= 50
    assert len(set(vectors)) == len(vectors)


def test_every_page_was_built(xss_site):
    project, out = xss_site
    pages = site_pages(out)
    assert "/stories/xss/" in pages and "/xss-policy/" in pages
    people = [p for p in pages if p.startswith("/craftsmen/") and p != "/craftsmen/" and not p.endswith("/poster/")]
    posters = [p for p in pages if p.startswith("/craftsmen/") and p.endswith("/poster/")]
    assert len(people) == len(posters) == len(project.chunks)  # every candidate is public
    for key in ("nominees", "popularity", "notice", "craftsmen", "nomination_award"):
        assert f"/editions/2099/{key}/" in pages


@pytest.mark.browser
def test_no_script_runs_in_chromium(xss_site, chromium, safety_figures):
    project, out = xss_site
    pages = site_pages(out)
    with serve(out) as base:
        v = visit_all(chromium, base, pages)
    safety_figures(
        f"XSS: {len(project.vectors)} vectors tried, {v.pages} pages loaded in Chromium, "
        f"{v.events} events caught (dialogs {len(v.dialogs)}, console {len(v.console)}, "
        f"page errors {len(v.page_errors)}, external requests {len(v.external_requests)}, "
        f"__xss markers {len(v.markers)}, CSP violations {len(v.csp)}), {len(v.dom)} DOM audit findings"
    )
    assert v.pages == len(pages)
    assert v.dialogs == []
    assert v.console == []
    assert v.page_errors == []
    assert v.external_requests == []
    assert v.markers == []
    assert v.csp == []
    assert v.dom == []
