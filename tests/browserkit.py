"""Real-browser checks of a built site: Playwright driving the system's Chromium.

Nothing here downloads a browser: Chromium is Debian's (``/usr/bin/chromium``, or
``GONGJIANG_CHROMIUM``), launched by the ``playwright`` package (the ``chromium``
fixture in tests/conftest.py; path and flags in tests/browsing.py). axe-core comes
from npm (tests/package.json, installed by ``make test``). The site is served by
:class:`SiteServer` (http.server in a thread) on 127.0.0.1 only.

Every check returns what it found wrong (an empty list when all is well), so a
test asserts ``== []`` and the deliberately broken pages in
tests/test_quality_checks_fail.py show that each check does report problems.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parent
NODE_MODULES = TESTS / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000


# --------------------------------------------------------------------------
# serving a folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass


class SiteServer:
    """Serve ``root`` on 127.0.0.1 (a free port) from a background thread."""

    def __init__(self, root: Path):
        self.root = Path(root)
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


# --------------------------------------------------------------------------
# what went wrong while a page loaded


# Added to every page before its own scripts (Playwright's init scripts are not subject
# to the page's Content-Security-Policy): each CSP violation the browser reports on the
# document is passed to the test through an exposed function.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__gongjiangCspViolation({
    directive: e.effectiveDirective || e.violatedDirective, blocked: e.blockedURI || '',
    source: e.sourceFile || e.documentURI, line: e.lineNumber || 0, sample: e.sample || '',
    disposition: e.disposition,
  });
}, true);
"""


def csp_violation_text(v: dict) -> str:
    blocked = v.get("blocked") or "inline"
    sample = f"“{v['sample']}”" if v.get("sample") else ""
    return f"CSP 违规：{v.get('directive')} 阻止了 {blocked}{sample}（{v.get('source')}:{v.get('line')}）"


@dataclass
class PageWatch:
    """Console errors, uncaught exceptions, failed requests, HTTP errors and
    Content-Security-Policy violations of a page."""

    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> "PageWatch":
        page.expose_function("__gongjiangCspViolation", lambda v: self.problems.append(csp_violation_text(v)))
        page.add_init_script(CSP_LISTENER)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"脚本异常：{exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        return self

    def _console(self, msg) -> None:
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            # whatever its level: Chromium reports blocked resources and ignored directives so
            self.problems.append(f"CSP 违规（控制台{msg.type}）：{msg.text}（{msg.location.get('url', '')}）")
        elif msg.type in ("error", "warning"):
            self.problems.append(f"控制台{msg.type}：{msg.text}（{msg.location.get('url', '')}）")

    def _failed(self, req) -> None:
        # net::ERR_ABORTED: cancelled because the page navigated on (e.g. the
        # favicon of a page left at once), not a resource that failed
        if req.failure != "net::ERR_ABORTED":
            self.problems.append(f"请求失败：{req.url}（{req.failure}）")

    def _response(self, resp) -> None:
        if resp.status >= 400:
            self.problems.append(f"HTTP {resp.status}：{resp.url}")

    def take(self) -> list[str]:
        out, self.problems = self.problems, []
        return out


def open_page(page, url: str) -> Any:
    """Go to ``url`` and wait until it and its images have loaded; returns the response."""
    return page.goto(url, wait_until="load", timeout=TIMEOUT_MS)


# --------------------------------------------------------------------------
# layout


def horizontal_overflow(page) -> list[str]:
    """[] if the page does not scroll sideways (scrollWidth <= viewport width);
    otherwise the widths and the elements that stick out on the right."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth, sw = document.documentElement.scrollWidth;
          if (sw <= width) return [];
          const out = [`scrollWidth ${sw} > ${width}`];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 0.5) {
              const kids = [...el.children].some(c => c.getBoundingClientRect().right > width + 0.5);
              if (!kids) out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`
                                  + ` right=${Math.round(r.right)}: ${el.textContent.trim().slice(0, 30)}`);
            }
          }
          return out.slice(0, 12);
        }"""
    )


def overlapping_text(page, scope: str = "body") -> list[str]:
    """Pairs of text runs (line boxes of different text nodes) that overlap on
    screen inside ``scope``: [] when no text is drawn over other text."""
    return page.evaluate(
        r"""(scope) => {
          const root = document.querySelector(scope);
          if (!root) return [`no element ${scope}`];
          // text a reader cannot see: hidden, in a closed <details>, or clipped
          // away the way screen-reader-only text is
          const unseen = (el) => {
            if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true}))
              return true;
            for (let e = el; e; e = e.parentElement) {
              const cs = getComputedStyle(e);
              if (/rect\(0px,? 0px,? 0px,? 0px\)/.test(cs.clip) || /^inset\(50%/.test(cs.clipPath)) return true;
              if (cs.overflow !== 'visible') {
                const r = e.getBoundingClientRect();
                if (r.width <= 1 || r.height <= 1) return true;
              }
            }
            return false;
          };
          const boxes = [];
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node, n = 0;
          while ((node = walker.nextNode())) {
            if (!node.textContent.trim()) continue;
            if (unseen(node.parentElement)) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const r of range.getClientRects()) {
              // skip collapsed, clipped-away (visually hidden) and off-screen text
              if (r.width < 2 || r.height < 2 || r.right < 0 || r.bottom < 0) continue;
              boxes.push({n, r, text: node.textContent.trim().slice(0, 20)});
            }
            n++;
          }
          boxes.sort((a, b) => a.r.top - b.r.top);
          const out = [];
          // A text box is the font's full height (ascent + descent), taller than the
          // glyphs: boxes of tightly set neighbouring lines may share a few pixels
          // without any glyph touching. Overlap counts when it is over 1 px wide and
          // over a quarter of the smaller box high.
          const tol = 1;
          for (let i = 0; i < boxes.length; i++) {
            const a = boxes[i];
            for (let j = i + 1; j < boxes.length && boxes[j].r.top < a.r.bottom - tol; j++) {
              const b = boxes[j];
              if (a.n === b.n) continue;
              const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
              const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
              const minH = Math.max(tol, 0.25 * Math.min(a.r.height, b.r.height));
              if (w > tol && h > minH) out.push(`“${a.text}” 与 “${b.text}” 重叠 (${Math.round(w)}×${Math.round(h)} px)`);
            }
          }
          return out.slice(0, 12);
        }""",
        scope,
    )


def broken_images(page, timeout_ms: int = 10_000) -> list[str]:
    """Images that did not load (naturalWidth 0). Lazy images are loaded first, as
    if scrolled to; an image still loading after ``timeout_ms`` counts as broken."""
    return page.evaluate(
        """async (timeout) => {
          const imgs = [...document.images];
          for (const img of imgs) if (img.loading === 'lazy') img.loading = 'eager';
          const settled = (img) => img.complete ? Promise.resolve() : new Promise(ok => {
            img.addEventListener('load', ok, {once: true});
            img.addEventListener('error', ok, {once: true});
          });
          const deadline = new Promise(ok => setTimeout(ok, timeout));
          await Promise.race([Promise.all(imgs.map(settled)), deadline]);
          return imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.currentSrc || img.src);
        }""",
        timeout_ms,
    )


# --------------------------------------------------------------------------
# accessibility


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts on the current page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluated through the DevTools protocol, not added as a <script>: the pages'
        # Content-Security-Policy rightly refuses inline script
        page.evaluate(AXE_JS.read_text("utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [f"{v['impact']} {v['id']}：{v['help']} @ {', '.join(v['nodes'])}" for v in result if v["impact"] in impacts]


# --------------------------------------------------------------------------
# search (Pagefind UI on /search/)


# the search page's messages (theme/static/js/search.js): Chinese, and on /en/search/ English
_MESSAGES = {
    "zh": dict(settled=r"找到|没有找到", searching="正在搜索", none="没有找到", count=r"找到 (\d+) 个", more="加载更多结果"),
    "en": dict(settled=r"results? for|No results", searching="Searching", none="No results",
               count=r"(\d+) results? for", more="Load more results"),
}


def search_results(page, timeout_ms: int = TIMEOUT_MS, lang: str = "zh") -> list[dict]:
    """The results the search page shows once it has settled, with every page of
    results loaded: [{title, url, image, image_loaded, tags}] in order."""
    words = _MESSAGES[lang]
    page.wait_for_function(
        """([settled, searching]) => { const m = document.querySelector('.pagefind-ui__message');
                   return m && new RegExp(settled).test(m.textContent) && !m.textContent.includes(searching); }""",
        arg=[words["settled"], words["searching"]],
        timeout=timeout_ms,
    )
    message = result_message(page)
    if words["none"] in message:
        return []
    found = re.search(words["count"], message)
    assert found, message
    total = int(found.group(1))
    for _ in range(50):  # bounded: one click per page of results
        shown = page.locator(".pagefind-ui__result").count()
        if shown >= total:
            break
        more = page.locator(".pagefind-ui__button", has_text=words["more"])
        if more.count():
            more.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('.pagefind-ui__result').length > {shown}", timeout=timeout_ms
        )
    # each result fetches its own data: wait until all titles are there
    page.wait_for_function(
        f"""() => {{ const rs = [...document.querySelectorAll('.pagefind-ui__result')];
                    return rs.length === {total} && rs.every(r => r.querySelector('.pagefind-ui__result-link')); }}""",
        timeout=timeout_ms,
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('.pagefind-ui__result')].map(r => {
          const a = r.querySelector('.pagefind-ui__result-link');
          const img = r.querySelector('img.pagefind-ui__result-image');
          return {title: a.textContent.trim(), url: new URL(a.href).pathname,
                  image: img ? new URL(img.src).pathname : null,
                  image_loaded: img ? img.complete && img.naturalWidth > 0 : null,
                  tags: [...r.querySelectorAll('.pagefind-ui__result-tag')].map(t => t.textContent.trim())};
        })"""
    )


def result_message(page) -> str:
    return page.locator(".pagefind-ui__message").inner_text().strip()


def first_query_download(page, url: str, timeout_ms: int = TIMEOUT_MS) -> dict:
    """Open the search page at ``url`` (e.g. ``/search/?q=单立新``: the query runs as
    the page opens) in a fresh page and add up what the browser downloaded until the
    results settled and the network went quiet: {"search": bytes under /pagefind/
    (Pagefind's scripts, WebAssembly and index), "total": every response's bytes,
    "requests": how many responses, "bundles": the pagefind-entry.json fetched}."""
    responses = []
    page.on("response", lambda r: responses.append(r))
    open_page(page, url)
    search_results(page, timeout_ms)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)
    sizes = [(urllib.parse.urlsplit(r.url).path, len(r.body())) for r in responses if r.status == 200]
    return {
        "search": sum(n for path, n in sizes if path.startswith("/pagefind/")),
        "total": sum(n for _, n in sizes),
        "requests": len(sizes),
        "bundles": sorted(path for path, _ in sizes if path.endswith("/pagefind-entry.json")),
    }
