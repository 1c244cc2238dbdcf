"""Browser test helpers: serve a built site on 127.0.0.1 and visit its pages in
headless Chromium (Playwright, the Debian chromium binary; no ``playwright install``),
recording everything that could mean script ran: dialogs, console messages, page
errors, requests leaving 127.0.0.1, and the ``window.__xss`` marker the XSS vectors
set. A DOM audit lists what a sanitised page must not contain."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from browserkit import CSP_LISTENER, csp_violation_text

CHROMIUM = Path(os.environ.get("GONGJIANG_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` at the root of http://127.0.0.1:<free port>/."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def site_pages(out: Path) -> list[str]:
    """Every page of a built site as a URL path: HTML files, and the XML ones
    (feed, sitemap), which Chromium renders too."""
    paths = []
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.suffix in (".html", ".xml"):
            rel = p.relative_to(out).as_posix()
            paths.append("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return paths


# Run in every page after load: what a sanitised page must not contain. The site's own
# markup is allowed for: same-origin stylesheets and script files, JSON-LD, forms that
# submit to the site itself, SVG charts without scripts or handlers.
DOM_AUDIT = r"""() => {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'background', 'poster', 'xlink:href', 'srcset', 'cite'];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = a.value;
      if (n.startsWith('on')) bad.push(`${tag} has ${n}`);
      if (urlAttrs.includes(n) && /^\s*(javascript|data|vbscript)\s*:/i.test(v.replace(/[\u0000-\u001f]/g, '')))
        bad.push(`${tag} ${n}=${v.slice(0, 60)}`);
      if (n === 'style') bad.push(`${tag} style=${v.slice(0, 60)}`);  // none: the CSP allows no inline style
      if (n === 'srcdoc') bad.push(`${tag} srcdoc`);
    }
    // elements no page of ours has a use for (the theme's own search form, inline <style>
    // or media elements are legitimate; injected ones show up through the checks above
    // and below: handlers, script URLs, requests leaving 127.0.0.1)
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'marquee', 'isindex'].includes(tag))
      bad.push(`<${tag}> element`);
    if (el.hasAttribute('action') || el.hasAttribute('formaction')) {
      const target = el.getAttribute('action') || el.getAttribute('formaction') || '';
      if (target && !(target.startsWith('/') && !target.startsWith('//'))) bad.push(`${tag} submits to ${target.slice(0, 60)}`);
    }
    // the one allowed: the site's own Content-Security-Policy, the first http-equiv in <head>
    if (tag === 'meta' && el.hasAttribute('http-equiv')) {
      const own = el.getAttribute('http-equiv').toLowerCase() === 'content-security-policy'
        && el.parentElement === document.head && el === document.head.querySelector('meta[http-equiv]');
      if (!own) bad.push('<meta http-equiv>');
    }
    if (tag === 'link' && /\b(stylesheet|import|preload|prefetch|modulepreload|icon|manifest)\b/i.test(el.getAttribute('rel') || '')) {
      const href = el.getAttribute('href') || '';
      if (!href.startsWith('/') || href.startsWith('//')) bad.push(`<link rel=${el.getAttribute('rel')} href=${href}>`);
    }
    if (tag === 'script') {
      const type = (el.getAttribute('type') || '').toLowerCase();
      const src = el.getAttribute('src');
      if (type === 'application/ld+json') {
        if (/<\//.test(el.textContent)) bad.push('JSON-LD containing "</"');
        try { JSON.parse(el.textContent); } catch (e) { bad.push('JSON-LD that is not JSON'); }
      } else if (!(src && src.startsWith('/') && !src.startsWith('//') && el.textContent.trim() === '')) {
        bad.push(`<script> ${src || el.textContent.slice(0, 40)}`);
      }
    }
    if (tag === 'img') {
      const src = el.getAttribute('src');
      if (src && (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//'))) bad.push(`external image ${src}`);
    }
  }
  return bad;
}"""


@dataclass
class Visit:
    pages: int = 0
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)  # securitypolicyviolation events
    dom: list[str] = field(default_factory=list)
    missing_local: list[str] = field(default_factory=list)  # 404s on 127.0.0.1 (e.g. <img src="x">)

    @property
    def events(self) -> int:
        """Signs that script ran or the page reached outside: must be zero."""
        return sum(
            len(x)
            for x in (self.dialogs, self.console, self.page_errors, self.external_requests, self.markers, self.csp)
        )


def visit_all(browser, base: str, paths: list[str], *, settle_ms: int = 30) -> Visit:
    """Load every path in one page, collecting events; nothing is allowed off 127.0.0.1."""
    host = urlsplit(base).netloc
    v = Visit()
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    current = {"path": ""}

    def on_dialog(dialog):
        v.dialogs.append(f"{current['path']}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def on_console(msg):
        # Chromium's own note about a missing same-origin file is not script output
        if msg.type == "error" and msg.text.startswith("Failed to load resource") and (
            urlsplit(msg.location.get("url", "")).netloc == host
        ):
            v.missing_local.append(f"{current['path']}: {msg.location.get('url')}")
            return
        v.console.append(f"{current['path']}: {msg.type} {msg.text[:200]}")

    def on_route(route):
        url = route.request.url
        if urlsplit(url).netloc == host and url.startswith("http://"):
            route.continue_()
        else:
            v.external_requests.append(f"{current['path']}: {url[:200]}")
            route.abort()

    context.expose_function("__gongjiangCspViolation", lambda e: v.csp.append(f"{current['path']}: {csp_violation_text(e)}"))
    context.add_init_script(CSP_LISTENER)
    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda err: v.page_errors.append(f"{current['path']}: {err}"))
    context.route("**/*", on_route)
    try:
        for path in paths:
            current["path"] = path
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(settle_ms)
            v.pages += 1
            marker = page.evaluate("() => typeof window.__xss === 'undefined' ? null : String(window.__xss)")
            if marker is not None:
                v.markers.append(f"{path}: window.__xss = {marker}")
            for frame in page.frames[1:]:
                try:
                    m = frame.evaluate("() => typeof window.__xss === 'undefined' ? null : String(window.__xss)")
                except Exception:  # a frame that went away
                    m = None
                if m is not None:
                    v.markers.append(f"{path} (frame): window.__xss = {m}")
            if path.endswith(".xml"):
                continue  # Chromium's XML viewer: the checks above apply, the DOM audit does not
            v.dom.extend(f"{path}: {problem}" for problem in page.evaluate(DOM_AUDIT))
    finally:
        context.close()
    return v
