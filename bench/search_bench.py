"""``make bench`` row 搜索首次查询下载量: what the search page downloads for its first
query, with the site's per-edition search bundles and with one bundle of the same pages.

    python -m bench.search_bench <built site> [<scratch folder>]

The one-bundle site is a copy of the built site made of hard links, without its
``pagefind/``, indexed again with one Pagefind run (``searchindex.build_search_index``)
and given the one-bundle ``search/bundles.js``. Both are served on 127.0.0.1 and opened
in headless Chromium at ``/search/?q=<name>`` (the name of the first craftsman page);
the figure is every byte the browser received under ``/pagefind/`` until the results
settled and the network went quiet (as tests/browserkit.py: first_query_download).
Prints one JSON line; ``{"available": false, ...}`` without Playwright or Chromium.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from gongjiang_pipeline.searchbundles import BUNDLES_SCRIPT, SITE_BUNDLE, Bundle, bundles_script
from gongjiang_pipeline.searchindex import BUNDLE_DIR, build_search_index

CHROMIUM = Path(os.environ.get("GONGJIANG_CHROMIUM", "/usr/bin/chromium"))
TIMEOUT_MS = 60_000


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def one_bundle_copy(site: Path, dest: Path) -> float:
    """``dest``: ``site`` as hard links, its search index made again as one bundle.
    Returns the seconds of that Pagefind run."""
    for dirpath, _dirs, names in os.walk(site):
        rel = Path(dirpath).relative_to(site)
        if rel.parts[:1] == (BUNDLE_DIR,):
            continue
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in names:
            if (rel / name).as_posix() != BUNDLES_SCRIPT:
                os.link(Path(dirpath) / name, dest / rel / name)
    t = time.perf_counter()
    build_search_index(dest)
    seconds = time.perf_counter() - t
    (dest / BUNDLES_SCRIPT).write_bytes(bundles_script(BUNDLE_DIR, [Bundle(SITE_BUNDLE, ())]))
    return seconds


def first_query(page, base: str, query: str) -> dict:
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{base}/search/?q={urllib.parse.quote(query)}", wait_until="load", timeout=TIMEOUT_MS)
    page.wait_for_function(
        """() => { const m = document.querySelector('.pagefind-ui__message');
                   return m && /找到|没有找到/.test(m.textContent) && !m.textContent.includes('正在搜索'); }""",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
    sizes = [(urllib.parse.urlsplit(r.url).path, len(r.body())) for r in responses if r.status == 200]
    message = page.locator(".pagefind-ui__message").inner_text().strip()
    return {"bytes": sum(n for path, n in sizes if path.startswith(f"/{BUNDLE_DIR}/")),
            "requests": len(sizes), "message": message}


def measure(site: Path, scratch: Path) -> dict:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"available": False, "error": "未安装 Playwright"}
    if not CHROMIUM.exists():
        return {"available": False, "error": f"找不到 Chromium（{CHROMIUM}）"}
    first = sorted(site.glob("craftsmen/*/index.html"))[0].read_text("utf-8")
    query = re.search(r'data-pagefind-meta="title">([^<]+)<', first).group(1)
    one = scratch / "one"
    index_seconds = one_bundle_copy(site, one)
    out: dict = {"available": True, "query": query, "one_bundle_index_seconds": index_seconds,
                 "bundles": len(re.findall(r'"/pagefind/', (site / BUNDLES_SCRIPT).read_text("utf-8")))}
    servers = []
    try:
        for name, root in (("per_edition", site), ("one", one)):
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
            servers.append((name, httpd))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            try:
                for name, httpd in servers:
                    page = browser.new_context().new_page()  # a fresh cache for each
                    host, port = httpd.server_address[:2]
                    out[name] = first_query(page, f"http://{host}:{port}", query)
                    page.context.close()
            finally:
                browser.close()
    finally:
        for _name, httpd in servers:
            httpd.shutdown()
            httpd.server_close()
    out["ratio"] = out["per_edition"]["bytes"] / out["one"]["bytes"] if out["one"]["bytes"] else None
    return out


def main(argv: list[str]) -> int:
    site = Path(argv[0]).resolve()
    scratch = Path(argv[1]) if len(argv) > 1 else None
    work = Path(tempfile.mkdtemp(prefix="search-bench-", dir=scratch))
    try:
        res = measure(site, work)
    except Exception as exc:  # the row says why; the other rows still print
        res = {"available": None, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(res, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
